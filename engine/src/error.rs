//! The one error type of command execution, and the one place it becomes Redis's bytes.
//!
//! Every handler returns `Result<Reply, CommandError>`; [`CommandError::message`] renders
//! the exact text Redis 7.0 sends after the `-`. A golden test pins every variant, so a
//! message can only drift from Redis by changing that test too.

use std::borrow::Cow;

/// Why a command failed. Rendered to Redis's exact error text by [`CommandError::message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// `ERR unknown command '<name>', with args beginning with: '<a>' '<b>' `
    UnknownCommand {
        /// The command name as sent.
        name: Vec<u8>,
        /// The arguments after the name, as sent.
        args: Vec<Vec<u8>>,
    },
    /// `ERR unknown subcommand '<sub>'. Try <CMD> HELP.`
    UnknownSubcommand {
        /// The container command, as sent.
        command: Vec<u8>,
        /// The subcommand, as sent.
        subcommand: Vec<u8>,
    },
    /// `ERR wrong number of arguments for '<fullname>' command`
    WrongArity(Cow<'static, str>),
    /// `WRONGTYPE Operation against a key holding the wrong kind of value`
    WrongType,
    /// `ERR syntax error`
    Syntax,
    /// `ERR value is not an integer or out of range`
    NotAnInteger,
    /// `ERR value is not a valid float`
    NotAFloat,
    /// `ERR increment or decrement would overflow`
    IncrOverflow,
    /// `ERR decrement would overflow`
    DecrOverflow,
    /// `ERR increment would produce NaN or Infinity`
    NanOrInfinity,
    /// `ERR no such key`
    NoSuchKey,
    /// `ERR DB index is out of range`
    DbIndexOutOfRange,
    /// `ERR source and destination objects are the same`
    SameObject,
    /// `ERR invalid expire time in '<command>' command`
    InvalidExpireTime(&'static str),
    /// `ERR string exceeds maximum allowed size (proto-max-bulk-len)`
    StringTooLong,
    /// `ERR bit offset is not an integer or out of range`
    BitOffset,
    /// `ERR bit is not an integer or out of range`
    BitValue,
    /// `ERR offset is out of range`
    OffsetOutOfRange,
    /// `ERR index out of range`
    IndexOutOfRange,
    /// `NOAUTH Authentication required.`
    NoAuth,
    /// `WRONGPASS invalid username-password pair or user is disabled.`
    WrongPass,
    /// `ERR AUTH <password> called without any password configured for the default user. ...`
    AuthNotConfigured,
    /// `NOPROTO unsupported protocol version`
    NoProto,
    /// `DEBUG command not allowed. If the enable-debug-command option is set ...`
    DebugNotAllowed,
    /// `MODULE command not allowed. If the enable-module-command option ...`
    ModuleNotAllowed,
    /// `ERR min or max is not a float` (a sorted-set score range bound)
    ScoreRangeNotFloat,
    /// `ERR min or max not valid string range item` (a sorted-set lex range bound)
    LexRangeInvalid,
    /// `ERR resulting score is not a number (NaN)`
    ScoreIsNaN,
    /// `ERR weight value is not a float`
    WeightNotFloat,
    /// `ERR XX and NX options at the same time are not compatible`
    XxAndNx,
    /// `ERR GT, LT, and/or NX options at the same time are not compatible`
    GtLtNx,
    /// `ERR INCR option supports a single increment-element pair`
    IncrSinglePair,
    /// `ERR syntax error, WITHSCORES not supported in combination with BYLEX`
    WithscoresByLex,
    /// `ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX`
    LimitWithoutBy,
    /// `ERR at least 1 input key is needed for '<command>' command`
    NoInputKeys(&'static str),
    /// `ERR numkeys should be greater than 0`
    NumkeysNotPositive,
    /// `ERR count should be greater than 0`
    CountNotPositive,
    /// `ERR LIMIT can't be negative`
    NegativeLimit,
    /// `ERR value is out of range, must be positive`
    NotPositive,
    /// `ERR value is out of range`
    OutOfRange,
    /// `ERR value is out of range, value must between <min> and <max>`
    NotBetween(i64, i64),
    /// `NOGROUP No such key '<key>' or consumer group '<group>'`, with ` in XREADGROUP
    /// with GROUP option` after it for XREADGROUP.
    NoKeyOrGroup {
        /// The key, as sent.
        key: Vec<u8>,
        /// The group name, as sent.
        group: Vec<u8>,
        /// Said by XREADGROUP.
        in_xreadgroup: bool,
    },
    /// `NOGROUP No such consumer group '<group>' for key name '<key>'`
    NoGroupForKey {
        /// The key, as sent.
        key: Vec<u8>,
        /// The group name, as sent.
        group: Vec<u8>,
    },
    /// A message with no variant of its own, as Redis sends it: it must start with the
    /// error code (`ERR `, `WRONGTYPE `, ...).
    Other(Cow<'static, str>),
    /// An error reply a script ended with, byte for byte as the script made it;
    /// `counted` when it is a command's error the script passed on, which Redis
    /// counted in the error statistics when that command failed (so only as a failed
    /// call here).
    Script {
        /// The error text after `-`.
        text: bytes::Bytes,
        /// Already counted in the error statistics.
        counted: bool,
    },
}

impl CommandError {
    /// An `ERR <text>` error with a message of its own.
    pub fn err(text: impl Into<String>) -> Self {
        CommandError::Other(Cow::Owned(format!("ERR {}", text.into())))
    }

    /// The error's bytes as sent (after `-`, without CRLF): [`CommandError::message`]
    /// except for a script's error, which may hold any bytes.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            CommandError::Script { text, .. } => Cow::Borrowed(text),
            other => match other.message() {
                Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
                Cow::Owned(text) => Cow::Owned(text.into_bytes()),
            },
        }
    }

    /// The exact bytes Redis sends after the leading `-` (without CRLF).
    pub fn message(&self) -> Cow<'static, str> {
        use CommandError::*;
        let fixed: &'static str = match self {
            UnknownCommand { name, args } => return Cow::Owned(unknown_command(name, args)),
            UnknownSubcommand {
                command,
                subcommand,
            } => {
                let mut text = format!(
                    "ERR unknown subcommand '{}'. Try {} HELP.",
                    c_string(subcommand, 128),
                    c_string(command, usize::MAX).to_uppercase()
                );
                sanitize_newlines(&mut text);
                return Cow::Owned(text);
            }
            WrongArity(name) => {
                return Cow::Owned(format!(
                    "ERR wrong number of arguments for '{name}' command"
                ))
            }
            InvalidExpireTime(command) => {
                return Cow::Owned(format!("ERR invalid expire time in '{command}' command"))
            }
            NoInputKeys(command) => {
                return Cow::Owned(format!(
                    "ERR at least 1 input key is needed for '{command}' command"
                ))
            }
            NotBetween(min, max) => {
                return Cow::Owned(format!(
                    "ERR value is out of range, value must between {min} and {max}"
                ))
            }
            NoKeyOrGroup {
                key,
                group,
                in_xreadgroup,
            } => {
                let mut text = format!(
                    "NOGROUP No such key '{}' or consumer group '{}'{}",
                    c_string(key, usize::MAX),
                    c_string(group, usize::MAX),
                    if *in_xreadgroup {
                        " in XREADGROUP with GROUP option"
                    } else {
                        ""
                    }
                );
                sanitize_newlines(&mut text);
                return Cow::Owned(text);
            }
            NoGroupForKey { key, group } => {
                let mut text = format!(
                    "NOGROUP No such consumer group '{}' for key name '{}'",
                    c_string(group, usize::MAX),
                    c_string(key, usize::MAX)
                );
                sanitize_newlines(&mut text);
                return Cow::Owned(text);
            }
            // Redis turns CR and LF of any formatted error into spaces: a message
            // quoting the client's bytes stays one protocol line.
            Other(text) if text.contains(['\r', '\n']) => {
                return Cow::Owned(text.replace(['\r', '\n'], " "))
            }
            Other(text) => return text.clone(),
            Script { text, .. } => return Cow::Owned(String::from_utf8_lossy(text).into_owned()),
            WrongType => "WRONGTYPE Operation against a key holding the wrong kind of value",
            Syntax => "ERR syntax error",
            NotAnInteger => "ERR value is not an integer or out of range",
            NotAFloat => "ERR value is not a valid float",
            IncrOverflow => "ERR increment or decrement would overflow",
            DecrOverflow => "ERR decrement would overflow",
            NanOrInfinity => "ERR increment would produce NaN or Infinity",
            NoSuchKey => "ERR no such key",
            DbIndexOutOfRange => "ERR DB index is out of range",
            SameObject => "ERR source and destination objects are the same",
            StringTooLong => "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
            BitOffset => "ERR bit offset is not an integer or out of range",
            BitValue => "ERR bit is not an integer or out of range",
            OffsetOutOfRange => "ERR offset is out of range",
            IndexOutOfRange => "ERR index out of range",
            NoAuth => "NOAUTH Authentication required.",
            WrongPass => "WRONGPASS invalid username-password pair or user is disabled.",
            AuthNotConfigured => {
                "ERR AUTH <password> called without any password configured for the default \
                 user. Are you sure your configuration is correct?"
            }
            NoProto => "NOPROTO unsupported protocol version",
            ScoreRangeNotFloat => "ERR min or max is not a float",
            LexRangeInvalid => "ERR min or max not valid string range item",
            ScoreIsNaN => "ERR resulting score is not a number (NaN)",
            WeightNotFloat => "ERR weight value is not a float",
            XxAndNx => "ERR XX and NX options at the same time are not compatible",
            GtLtNx => "ERR GT, LT, and/or NX options at the same time are not compatible",
            IncrSinglePair => "ERR INCR option supports a single increment-element pair",
            WithscoresByLex => {
                "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
            }
            LimitWithoutBy => {
                "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or \
                 BYLEX"
            }
            NumkeysNotPositive => "ERR numkeys should be greater than 0",
            CountNotPositive => "ERR count should be greater than 0",
            NegativeLimit => "ERR LIMIT can't be negative",
            NotPositive => "ERR value is out of range, must be positive",
            OutOfRange => "ERR value is out of range",
            DebugNotAllowed => {
                "ERR DEBUG command not allowed. If the enable-debug-command option is set to \
                 \"local\", you can run it from a local connection, otherwise you need to set \
                 this option in the configuration file, and then restart the server."
            }
            ModuleNotAllowed => {
                "ERR MODULE command not allowed. If the enable-module-command option is set to \
                 \"local\", you can run it from a local connection, otherwise you need to set \
                 this option in the configuration file, and then restart the server."
            }
        };
        Cow::Borrowed(fixed)
    }

    /// The error code: the first word of the message (`ERR`, `WRONGTYPE`, ...), which
    /// `INFO errorstats` counts by.
    pub fn code(&self) -> String {
        let message = self.message();
        message.split(' ').next().unwrap_or("ERR").to_string()
    }
}

/// The `NOPERM` error for a command the client's user may not run (Redis's
/// `processCommand`); `command` is its full name.
pub fn no_permission(denied: crate::acl::Denied, command: &str) -> CommandError {
    use crate::acl::Denied;
    CommandError::Other(match denied {
        Denied::Command => {
            format!("NOPERM this user has no permissions to run the '{command}' command").into()
        }
        Denied::Key(_) => "NOPERM this user has no permissions to access one of the keys \
                           used as arguments"
            .into(),
        Denied::Channel(_) => "NOPERM this user has no permissions to access one of the \
                               channels used as arguments"
            .into(),
    })
}

/// The error EXEC gives for a queued command the user may no longer run.
pub fn no_permission_in_exec(denied: crate::acl::Denied) -> CommandError {
    use crate::acl::Denied;
    let reason = match denied {
        Denied::Command => "no permission to execute the command or subcommand",
        Denied::Key(_) => "no permission to touch the specified keys",
        Denied::Channel(_) => "no permission to access one of the channels used as arguments",
    };
    CommandError::Other(
        format!(
            "NOPERM ACLs rules changed between the moment the transaction was accumulated and \
         the EXEC call. This command is no longer allowed for the following reason: {reason}"
        )
        .into(),
    )
}

/// Why a script's user may not run a command (Redis's `getAclErrorMessage`), after
/// `The user executing the script `.
pub fn acl_denial_reason(denied: crate::acl::Denied) -> &'static str {
    use crate::acl::Denied;
    match denied {
        Denied::Command => "can't run this command or subcommand",
        Denied::Key(_) => {
            "can't access at least one of the keys mentioned in the command arguments"
        }
        Denied::Channel(_) => "can't publish to the channel mentioned in the command",
    }
}

/// `NOSCRIPT`: EVALSHA of a script the server does not have.
pub const NO_SCRIPT: &str = "NOSCRIPT No matching script. Please use EVAL.";
/// `NOREPLICAS`: a write while `min-replicas-to-write` asks for replicas.
pub const NO_REPLICAS: &str = "NOREPLICAS Not enough good replicas to write.";
/// `READONLY`: a write sent to a read-only replica.
pub const READ_ONLY_REPLICA: &str = "READONLY You can't write against a read only replica.";
/// `MASTERDOWN`: a command without the `stale` flag while a replica's link is down
/// and `replica-serve-stale-data` is no.
pub const MASTER_DOWN: &str =
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
/// `OOM`: a command that may grow memory while it is over `maxmemory`.
pub const OOM: &str = "OOM command not allowed when used memory > 'maxmemory'.";
/// `OOM`: a script that did not declare `allow-oom` (nor `no-writes`), started while
/// memory is over `maxmemory`.
pub const OOM_SCRIPT: &str =
    "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";

/// XGROUP CREATE of a group the stream already has.
pub const BUSY_GROUP: &str = "BUSYGROUP Consumer Group name already exists";
/// A blocked XREADGROUP whose group was destroyed (or whose stream was replaced by
/// one without it).
pub const NO_GROUP_BLOCKED: &str =
    "NOGROUP the consumer group this client was blocked on no longer exists";
/// A blocked XREADGROUP whose stream was deleted or replaced by another type.
pub const STREAM_GONE: &str = "UNBLOCKED the stream key no longer exists";

/// A string that is not a HyperLogLog where one is needed.
pub const NOT_HLL: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";

/// A HyperLogLog whose registers do not add up.
pub const CORRUPT_HLL: &str = "INVALIDOBJ Corrupted HLL object detected";

/// RESTORE onto an existing key without REPLACE.
pub const BUSY_KEY: &str = "BUSYKEY Target key name already exists.";
/// `BUSY` while an EVAL script runs past the threshold.
pub const BUSY_SCRIPT: &str =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
/// `BUSY` while a function runs past the threshold.
pub const BUSY_FUNCTION: &str =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

/// Redis's `execCommandAbort`: the error an EXEC refused before it runs answers (its
/// transaction is discarded), naming why — `ERR`'s text without its code, as Redis
/// formats its own rejections.
pub fn exec_abort(error: &CommandError) -> CommandError {
    let message = error.message();
    let reason = message.strip_prefix("ERR ").unwrap_or(&message);
    CommandError::Other(Cow::Owned(format!(
        "EXECABORT Transaction discarded because of: {reason}"
    )))
}

/// What an in-process [`crate::Session::execute`] answers for a command an injected
/// fault dropped (over the wire the connection just closes).
pub const DROPPED_BY_FAULT: &[u8] = b"ERR connection dropped by an injected fault";

/// Redis 7.0's shared error replies (`createSharedObjects` in server.c) by their code,
/// for faults injected by code alone: the errors a client meets from a server that is
/// loading, busy, out of memory, a replica, or failing to persist.
const STANDARD_ERRORS: &[&str] = &[
    NO_SCRIPT,
    "LOADING Redis is loading the dataset in memory",
    BUSY_SCRIPT,
    MASTER_DOWN,
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to \
     persist to disk. Commands that may modify the data set are disabled, because this \
     instance is configured to report errors during writes if RDB snapshotting fails \
     (stop-writes-on-bgsave-error option). Please check the Redis logs for details about \
     the RDB error.",
    READ_ONLY_REPLICA,
    OOM,
    "EXECABORT Transaction discarded because of previous errors.",
    NO_REPLICAS,
    BUSY_KEY,
];

/// Redis's own error text for the bare error `code` (`LOADING` → `LOADING Redis is
/// loading the dataset in memory`), if it has one of [`STANDARD_ERRORS`].
pub fn standard_error(code: &str) -> Option<&'static str> {
    STANDARD_ERRORS
        .iter()
        .copied()
        .find(|text| text.split(' ').next() == Some(code))
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for CommandError {}

/// Redis formats user bytes with `%s`, which stops at the first NUL, and caps with
/// `%.128s`; the rest is shown lossily as UTF-8 (clients see the raw bytes either way
/// for ASCII, which is what differential tests exercise).
pub(crate) fn c_string(bytes: &[u8], max: usize) -> String {
    let text = crate::args::c_str(bytes);
    String::from_utf8_lossy(&text[..text.len().min(max)]).into_owned()
}

/// Redis replaces CR and LF in error messages with spaces so the reply stays one line.
fn sanitize_newlines(text: &mut String) {
    if text.contains(['\r', '\n']) {
        *text = text.replace(['\r', '\n'], " ");
    }
}

/// The unknown-command message: up to 128 bytes of quoted arguments, as Redis builds it.
fn unknown_command(name: &[u8], args: &[Vec<u8>]) -> String {
    let mut shown = String::new();
    for arg in args {
        if shown.len() >= 128 {
            break;
        }
        let room = 128 - shown.len();
        shown.push('\'');
        shown.push_str(&c_string(arg, room));
        shown.push_str("' ");
    }
    let mut text = format!(
        "ERR unknown command '{}', with args beginning with: {}",
        c_string(name, 128),
        shown
    );
    sanitize_newlines(&mut text);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant against the exact text real Redis 7.0 sends.
    #[test]
    fn every_message_is_redis_exact() {
        use CommandError::*;
        let cases: Vec<(CommandError, &str)> = vec![
            (
                UnknownCommand {
                    name: b"foo".to_vec(),
                    args: vec![b"a".to_vec(), b"b c".to_vec()],
                },
                "ERR unknown command 'foo', with args beginning with: 'a' 'b c' ",
            ),
            (
                UnknownCommand {
                    name: b"foo".to_vec(),
                    args: vec![],
                },
                "ERR unknown command 'foo', with args beginning with: ",
            ),
            (
                UnknownSubcommand {
                    command: b"config".to_vec(),
                    subcommand: b"nope".to_vec(),
                },
                "ERR unknown subcommand 'nope'. Try CONFIG HELP.",
            ),
            (
                WrongArity(Cow::Borrowed("get")),
                "ERR wrong number of arguments for 'get' command",
            ),
            (
                WrongType,
                "WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (Syntax, "ERR syntax error"),
            (NotAnInteger, "ERR value is not an integer or out of range"),
            (NotAFloat, "ERR value is not a valid float"),
            (IncrOverflow, "ERR increment or decrement would overflow"),
            (DecrOverflow, "ERR decrement would overflow"),
            (NanOrInfinity, "ERR increment would produce NaN or Infinity"),
            (NoSuchKey, "ERR no such key"),
            (DbIndexOutOfRange, "ERR DB index is out of range"),
            (SameObject, "ERR source and destination objects are the same"),
            (
                InvalidExpireTime("set"),
                "ERR invalid expire time in 'set' command",
            ),
            (
                StringTooLong,
                "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
            ),
            (BitOffset, "ERR bit offset is not an integer or out of range"),
            (BitValue, "ERR bit is not an integer or out of range"),
            (OffsetOutOfRange, "ERR offset is out of range"),
            (IndexOutOfRange, "ERR index out of range"),
            (NoAuth, "NOAUTH Authentication required."),
            (
                WrongPass,
                "WRONGPASS invalid username-password pair or user is disabled.",
            ),
            (
                AuthNotConfigured,
                "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
            ),
            (NoProto, "NOPROTO unsupported protocol version"),
            (
                DebugNotAllowed,
                "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
            ),
            (
                ModuleNotAllowed,
                "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
            ),
            (ScoreRangeNotFloat, "ERR min or max is not a float"),
            (LexRangeInvalid, "ERR min or max not valid string range item"),
            (ScoreIsNaN, "ERR resulting score is not a number (NaN)"),
            (WeightNotFloat, "ERR weight value is not a float"),
            (
                XxAndNx,
                "ERR XX and NX options at the same time are not compatible",
            ),
            (
                GtLtNx,
                "ERR GT, LT, and/or NX options at the same time are not compatible",
            ),
            (
                IncrSinglePair,
                "ERR INCR option supports a single increment-element pair",
            ),
            (
                WithscoresByLex,
                "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
            ),
            (
                LimitWithoutBy,
                "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
            ),
            (
                NoInputKeys("zunionstore"),
                "ERR at least 1 input key is needed for 'zunionstore' command",
            ),
            (NumkeysNotPositive, "ERR numkeys should be greater than 0"),
            (CountNotPositive, "ERR count should be greater than 0"),
            (NegativeLimit, "ERR LIMIT can't be negative"),
            (NotPositive, "ERR value is out of range, must be positive"),
            (OutOfRange, "ERR value is out of range"),
            (
                NotBetween(-i64::MAX, i64::MAX),
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            ),
            (
                NoKeyOrGroup {
                    key: b"s".to_vec(),
                    group: b"g\r\n".to_vec(),
                    in_xreadgroup: true,
                },
                "NOGROUP No such key 's' or consumer group 'g  ' in XREADGROUP with GROUP option",
            ),
            (
                NoKeyOrGroup {
                    key: b"s\0x".to_vec(),
                    group: b"g".to_vec(),
                    in_xreadgroup: false,
                },
                "NOGROUP No such key 's' or consumer group 'g'",
            ),
            (
                NoGroupForKey {
                    key: b"s".to_vec(),
                    group: b"g".to_vec(),
                },
                "NOGROUP No such consumer group 'g' for key name 's'",
            ),
            (CommandError::err("custom"), "ERR custom"),
        ];
        for (error, expected) in cases {
            assert_eq!(error.message(), expected, "{error:?}");
        }
    }

    #[test]
    fn unknown_command_args_stop_near_128_bytes() {
        let long = vec![b'x'; 200];
        let error = CommandError::UnknownCommand {
            name: b"foo".to_vec(),
            args: vec![long.clone(), long],
        };
        let expected = format!(
            "ERR unknown command 'foo', with args beginning with: '{}' ",
            "x".repeat(128)
        );
        assert_eq!(error.message(), expected);
    }

    #[test]
    fn newlines_in_user_bytes_become_spaces() {
        let error = CommandError::UnknownCommand {
            name: b"a\r\nb".to_vec(),
            args: vec![],
        };
        assert_eq!(
            error.message(),
            "ERR unknown command 'a  b', with args beginning with: "
        );
    }

    #[test]
    fn a_formatted_error_quoting_newlines_stays_one_line() {
        let error = CommandError::err("Unrecognized XCLAIM option 'a\r\nb'");
        assert_eq!(error.message(), "ERR Unrecognized XCLAIM option 'a  b'");
    }

    #[test]
    fn user_bytes_stop_at_nul_like_printf() {
        let error = CommandError::UnknownCommand {
            name: b"ab\0cd".to_vec(),
            args: vec![b"x\0y".to_vec()],
        };
        assert_eq!(
            error.message(),
            "ERR unknown command 'ab', with args beginning with: 'x' "
        );
    }

    #[test]
    fn code_is_first_word() {
        assert_eq!(CommandError::WrongType.code(), "WRONGTYPE");
        assert_eq!(CommandError::Syntax.code(), "ERR");
    }
}
