//! DEBUG: the subcommands tests rely on, guarded like every protected command by
//! `enable-debug-command` (checked in dispatch).
//!
//! `OBJECT` describes a key's value in Redis's line format; `SLEEP` stops the whole
//! server (it runs under the store lock, as Redis's runs on its only thread);
//! `SET-ACTIVE-EXPIRE 0` leaves expired keys to lazy expiry; `SET-DISABLE-DENY-SCRIPTS
//! 1` lets scripts call `noscript` commands (DEBUG PROTOCOL among them); `PAUSE-CRON 1` stops the
//! periodic work (active expiry, the tracking table's limit); `PROTOCOL` answers a
//! sample of each RESP type; `DIGEST` and `DIGEST-VALUE` answer Redis's SHA-1
//! digests of the dataset and of values ([`super::digest`]); `POPULATE` fills the
//! database with test keys; `RELOAD` saves the RDB file and loads it back. `CLOCK` and `FAULT` are
//! kvdb's own: virtual time and fault injection over the wire, so suites in any
//! language can move the engine's clock the way `Engine::advance` does in Rust, and
//! make commands fail the way `Engine::inject` does. Any other subcommand gets Redis's
//! answer for one it does not know.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use super::flags::*;
use super::generic::help_reply;
use super::{spec, subcommand_syntax_error, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::clock::Clock;
use crate::error::CommandError;
use crate::num::parse_f64_strtod;
use crate::reply::Reply;

/// C's `atoi`: optional blanks and sign, then digits up to the first non-digit.
fn atoi(arg: &[u8]) -> i64 {
    let text = String::from_utf8_lossy(arg);
    let text = text.trim_start();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let value = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |n, d| {
            n.wrapping_mul(10).wrapping_add(i64::from(d - b'0'))
        });
    if negative {
        -value
    } else {
        value
    }
}

fn debug_help() -> Reply {
    help_reply(
        "debug",
        &[
            "CLOCK GET|REAL|ADVANCE <milliseconds>|SET <unix-time-milliseconds>",
            "    kvdb only: read the engine clock, move it (virtual time: keys whose TTL",
            "    passed expire and blocked clients past their timeout are answered), or",
            "    go back to real time.",
            "FAULT ERROR <error>|DELAY <milliseconds>|DROP [COMMAND <name>] [KEY <pattern>]",
            "      [COUNT <count>]",
            "    kvdb only: make the next <count> (default 1, 0: until cleared) commands",
            "    named <name> and/or with a key matching <pattern> answer <error> (a code",
            "    alone, like LOADING or NOSCRIPT, gives Redis's own text), run",
            "    <milliseconds> late, or close their connection without a reply.",
            "FAULT LIST|CLEAR",
            "    kvdb only: show or disarm the armed faults.",
            "DIGEST",
            "    Output a hex signature representing the current DB content.",
            "DIGEST-VALUE <key> [<key> ...]",
            "    Output a hex signature of the values of all the specified keys.",
            "LOG <message>",
            "    Write <message> to the server log.",
            "OBJECT <key>",
            "    Show low level info about `key` and associated value.",
            "PAUSE-CRON <0|1>",
            "    Stop periodic cron job processing.",
            "PROTOCOL <type>",
            "    Reply with a test value of the specified type. <type> can be: string,",
            "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
            "    true, false.",
            "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
            "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
            "    In case NEVER is provided the last observed peak will never be reset",
            "    In case RESET is provided the peak reset time will be restored to the default value",
            "REPLYBUFFER RESIZING <0|1>",
            "    Enable or disable the reply buffer resize cron job",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not",
            "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
            "    default.",
            "SLEEP <seconds>",
            "    Stop the server for <seconds>. Decimals allowed.",
        ],
    )
}

/// DEBUG OBJECT key: Redis's one-line description of the stored value, expired or
/// not (Redis finds it in the table without expiring it). The address is the entry's
/// own; `serializedlength` is the value's RDB encoding ([`crate::rdb`]); `lru` is the
/// access field as stored; lists add their quicklist shape.
fn debug_object(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Reply, CommandError> {
    let settings = ctx.rdb_settings();
    let compress_depth = ctx.config().list_compress_depth();
    let db = ctx.keyspace.db(ctx.client.db);
    let entry = db.entry_raw(key).ok_or(CommandError::NoSuchKey)?;
    let access = db.access(key).unwrap_or_default();
    let mut serialized = Vec::new();
    crate::rdb::write_object(&mut serialized, &entry.value, settings);
    let mut line = format!(
        "Value at:{:p} refcount:{} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
        entry,
        super::generic::refcount(entry),
        entry.value.encoding_name(),
        serialized.len(),
        access,
        crate::access::AccessPolicy::idle_seconds(access, ctx.now_ms),
    );
    if let crate::types::Value::List(list) = &entry.value {
        let shape = crate::rdb::quicklist_shape(list, settings);
        let _ = write!(
            line,
            " ql_nodes:{} ql_avg_node:{:.2} ql_listpack_max:{} ql_compressed:{} \
             ql_uncompressed_size:{}",
            shape.nodes,
            shape.count as f64 / shape.nodes as f64,
            settings.list_fill,
            u8::from(compress_depth != 0),
            shape.bytes,
        );
    }
    Ok(Reply::Status(bytes::Bytes::from(line)))
}

/// DEBUG CLOCK: `GET` answers the engine time in ms; `ADVANCE ms` and `SET unix-ms`
/// switch to virtual time and catch up on what became due; `REAL` follows the real
/// clock again.
fn debug_clock(ctx: &mut Ctx<'_>, args: &[bytes::Bytes]) -> Result<Reply, CommandError> {
    let clock = &ctx.shared.clock;
    match args {
        [word] if is_keyword(word, "GET") => return Ok(Reply::Int(clock.now_ms() as i64)),
        [word] if is_keyword(word, "REAL") => {
            clock.follow_base();
            return Ok(Reply::Ok);
        }
        [word, ms] if is_keyword(word, "ADVANCE") => {
            let ms = crate::args::parse_i64(ms)?;
            let ms = u64::try_from(ms).map_err(|_| CommandError::NotAnInteger)?;
            clock.advance(ms);
        }
        [word, unix_ms] if is_keyword(word, "SET") => {
            let unix_ms = crate::args::parse_i64(unix_ms)?;
            let unix_ms = u64::try_from(unix_ms).map_err(|_| CommandError::NotAnInteger)?;
            clock.set(unix_ms);
        }
        _ => return Err(CommandError::Syntax),
    }
    let now = clock.now_ms();
    ctx.now_ms = now;
    ctx.keyspace.expire_all_due(now);
    ctx.keyspace.blocking.time_out(now);
    Ok(Reply::Ok)
}

/// DEBUG FAULT: arm a fault rule ([`crate::fault::parse_rule`]), `LIST` the armed
/// ones, or `CLEAR` them.
fn debug_fault(ctx: &mut Ctx<'_>, args: &[bytes::Bytes]) -> Result<Reply, CommandError> {
    let faults = &ctx.shared.faults;
    match args {
        [word] if is_keyword(word, "LIST") => Ok(Reply::Array(
            faults
                .list()
                .iter()
                .map(|fault| Reply::bulk(fault.describe()))
                .collect(),
        )),
        [word] if is_keyword(word, "CLEAR") => {
            faults.clear();
            Ok(Reply::Ok)
        }
        rule => {
            faults.inject(crate::fault::parse_rule(rule)?);
            Ok(Reply::Ok)
        }
    }
}

/// `DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]`: saves the RDB file and loads it back,
/// emptying the dataset (keys and function libraries) first unless NOFLUSH;
/// with MERGE what the file holds replaces what is there, else a duplicate is an error.
fn debug_reload(ctx: &mut Ctx<'_>, options: &[bytes::Bytes]) -> Result<Reply, CommandError> {
    let (mut save, mut mode) = (
        true,
        crate::persistence::LoadMode {
            flush: true,
            merge: false,
            keep_expired: false,
        },
    );
    for option in options {
        if is_keyword(option, "MERGE") {
            mode.merge = true;
        } else if is_keyword(option, "NOFLUSH") {
            mode.flush = false;
        } else if is_keyword(option, "NOSAVE") {
            save = false;
        } else {
            return Err(CommandError::err(
                "DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
            ));
        }
    }
    super::persistence::reload(ctx, save, mode)?;
    Ok(Reply::Ok)
}

/// The largest packed threshold Redis accepts: a little under 4 GiB.
const MAX_PACKED_THRESHOLD: u64 = (1 << 32) - (1 << 20);

/// `DEBUG QUICKLIST-PACKED-THRESHOLD size`: list elements of at least `size` bytes
/// (a memory value; 0 restores the 1 GiB default) are a quicklist node of their own,
/// which DUMP and DEBUG OBJECT show.
fn debug_packed_threshold(ctx: &mut Ctx<'_>, size: &[u8]) -> Result<Reply, CommandError> {
    let size = std::str::from_utf8(size)
        .ok()
        .and_then(crate::config::parse_memory)
        .filter(|&size| size <= MAX_PACKED_THRESHOLD)
        .ok_or_else(|| {
            CommandError::err("argument must be a memory value bigger than 1 and smaller than 4gb")
        })?;
    ctx.keyspace.list_packed_threshold = match size {
        0 => crate::rdb::DEFAULT_PACKED_THRESHOLD,
        size => size as usize,
    };
    ctx.keyspace.apply_lazyfree_settings();
    Ok(Reply::Ok)
}

/// `DEBUG POPULATE count [prefix [size]]`: strings `value:N` (cut or zero-padded to
/// `size` bytes when given) under `prefix:N` (`key:N`) for N below `count`, leaving
/// keys that exist alone. As Redis builds the key in a 128-byte buffer with `%s`, the
/// prefix stops at a zero byte and the key at 127 bytes.
fn debug_populate(ctx: &mut Ctx<'_>, options: &[bytes::Bytes]) -> Result<Reply, CommandError> {
    let positive = |arg: &[u8]| {
        crate::num::parse_i64(arg)
            .filter(|&n| n >= 0)
            .ok_or(CommandError::NotPositive)
    };
    let count = positive(&options[0])?;
    let size = match options.get(2) {
        Some(size) => positive(size)? as usize,
        None => 0,
    };
    let prefix = options.get(1).map_or(&b"key"[..], |prefix| {
        let end = prefix.iter().position(|&b| b == 0).unwrap_or(prefix.len());
        &prefix[..end]
    });
    let mut key = Vec::new();
    // Redis adds the keys without counting changes: nothing is propagated or saved
    // for them by the save points.
    let dirty = ctx.keyspace.persistence.dirty;
    for n in 0..count {
        key.clear();
        key.extend_from_slice(prefix);
        key.extend_from_slice(format!(":{n}").as_bytes());
        key.truncate(127);
        if ctx.exists(&key) {
            continue;
        }
        let mut value = format!("value:{n}").into_bytes();
        if size > 0 {
            value.resize(size, 0);
        }
        ctx.store(&key, crate::types::Value::string(&value), None);
    }
    ctx.keyspace.persistence.dirty = dirty;
    Ok(Reply::Ok)
}

fn debug(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let rest = args.rest();
    let Some((subcommand, options)) = rest.split_first() else {
        return Err(subcommand_syntax_error(argv));
    };
    if is_keyword(subcommand, "HELP") && options.is_empty() {
        return Ok(debug_help());
    }
    if is_keyword(subcommand, "SLEEP") && options.len() == 1 {
        let seconds = parse_f64_strtod(&options[0]).unwrap_or(0.0);
        if seconds > 0.0 && seconds.is_finite() {
            std::thread::sleep(std::time::Duration::from_secs_f64(seconds));
        }
        return Ok(Reply::Ok);
    }
    if is_keyword(subcommand, "LOG") && options.len() == 1 {
        let message = String::from_utf8_lossy(&options[0]);
        crate::log::warning(&format!("DEBUG LOG: {message}"));
        return Ok(Reply::Ok);
    }
    if is_keyword(subcommand, "PROTOCOL") && options.len() == 1 {
        return debug_protocol(ctx, &options[0]);
    }
    if is_keyword(subcommand, "PAUSE-CRON") && options.len() == 1 {
        ctx.keyspace.cron_paused = atoi(&options[0]) != 0;
        return Ok(Reply::Ok);
    }
    if is_keyword(subcommand, "SET-ACTIVE-EXPIRE") && options.len() == 1 {
        ctx.keyspace.active_expire = atoi(&options[0]) != 0;
        return Ok(Reply::Ok);
    }
    if is_keyword(subcommand, "SET-DISABLE-DENY-SCRIPTS") && options.len() == 1 {
        ctx.keyspace.scripts_may_call_anything = atoi(&options[0]) != 0;
        return Ok(Reply::Ok);
    }
    if is_keyword(subcommand, "CLOCK") {
        return debug_clock(ctx, options);
    }
    if is_keyword(subcommand, "FAULT") {
        return debug_fault(ctx, options);
    }
    if is_keyword(subcommand, "OBJECT") && options.len() == 1 {
        return debug_object(ctx, &options[0]);
    }
    if is_keyword(subcommand, "RELOAD") {
        return debug_reload(ctx, options);
    }
    if is_keyword(subcommand, "LOADAOF") {
        return super::aof::debug_loadaof(ctx);
    }
    if is_keyword(subcommand, "QUICKLIST-PACKED-THRESHOLD") && options.len() == 1 {
        return debug_packed_threshold(ctx, &options[0]);
    }
    if is_keyword(subcommand, "POPULATE") && (1..=3).contains(&options.len()) {
        return debug_populate(ctx, options);
    }
    if is_keyword(subcommand, "REPLYBUFFER") && options.len() == 2 {
        return debug_replybuffer(ctx, argv, &options[0], &options[1]);
    }
    if is_keyword(subcommand, "DIGEST") && options.is_empty() {
        let digest = super::digest::dataset_digest(ctx.keyspace.dbs());
        return Ok(Reply::Status(bytes::Bytes::from(digest)));
    }
    if is_keyword(subcommand, "DIGEST-VALUE") {
        // Found as stored, expired or not, as Redis's dictFind finds it.
        let db = ctx.keyspace.db(ctx.client.db);
        let digests = options
            .iter()
            .map(|key| {
                Reply::Status(bytes::Bytes::from(super::digest::value_digest(
                    db.entry_raw(key),
                )))
            })
            .collect();
        return Ok(Reply::Array(digests));
    }
    Err(subcommand_syntax_error(argv))
}

/// DEBUG REPLYBUFFER PEAK-RESET-TIME ms|NEVER|RESET, DEBUG REPLYBUFFER RESIZING 0|1:
/// how the clients cron sizes reply buffers.
fn debug_replybuffer(
    ctx: &mut Ctx<'_>,
    argv: &[bytes::Bytes],
    what: &[u8],
    value: &[u8],
) -> Result<Reply, CommandError> {
    let settings = &ctx.shared.reply_buffers;
    if is_keyword(what, "PEAK-RESET-TIME") {
        let ms = if is_keyword(value, "NEVER") {
            -1
        } else if is_keyword(value, "RESET") {
            crate::engine::ReplyBufferSettings::DEFAULT_PEAK_RESET_MS
        } else {
            crate::args::parse_i64(value)?
        };
        settings.peak_reset_ms.store(ms, Ordering::Relaxed);
    } else if is_keyword(what, "RESIZING") {
        settings.resizing.store(atoi(value) != 0, Ordering::Relaxed);
    } else {
        return Err(subcommand_syntax_error(argv));
    }
    Ok(Reply::Ok)
}

/// DEBUG PROTOCOL type: Redis's sample reply of each RESP type, for client tests. An
/// attribute or a push comes with the ordinary reply Redis sends after it.
fn debug_protocol(ctx: &mut Ctx<'_>, name: &[u8]) -> Result<Reply, CommandError> {
    let resp3 = ctx.client.protocol == crate::reply::Protocol::Resp3;
    let counting = || (0..3).map(Reply::Int).collect::<Vec<_>>();
    let reply = match name.to_ascii_lowercase().as_slice() {
        b"string" => Reply::bulk("Hello World"),
        b"integer" => Reply::Int(12345),
        // Redis's sample value, not an approximation of pi.
        #[allow(clippy::approx_constant)]
        b"double" => Reply::Double(3.141),
        b"bignum" => Reply::BigNumber(bytes::Bytes::from_static(
            b"1234567999999999999999999999999999999",
        )),
        b"null" => Reply::Nil,
        b"array" => Reply::Array(counting()),
        b"set" => Reply::Set(counting()),
        b"map" => Reply::Map(
            (0..3)
                .map(|n| (Reply::Int(n), Reply::Bool(n == 1)))
                .collect(),
        ),
        b"attrib" => Reply::Sequence(vec![
            Reply::Attribute(vec![(
                Reply::bulk("key-popularity"),
                Reply::Array(vec![Reply::bulk("key:123"), Reply::Int(90)]),
            )]),
            Reply::bulk("Some real reply following the attribute"),
        ]),
        b"push" if !resp3 => {
            return Err(CommandError::err("RESP2 is not supported by this command"))
        }
        b"push" => Reply::Sequence(vec![
            Reply::Push(vec![Reply::bulk("server-cpu-usage"), Reply::Int(42)]),
            Reply::bulk("Some real reply following the push reply"),
        ]),
        b"true" => Reply::Bool(true),
        b"false" => Reply::Bool(false),
        b"verbatim" => Reply::Verbatim(
            *b"txt",
            bytes::Bytes::from_static(b"This is a verbatim\nstring"),
        ),
        _ => {
            return Err(CommandError::err(
                "Wrong protocol type name. Please use one of the following: \
                 string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
            ))
        }
    };
    Ok(reply)
}

/// The DEBUG command.
pub static COMMANDS: &[CommandSpec] = &[spec!(
    "debug",
    -2,
    ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED,
    (0, 0, 0),
    0,
    debug
)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_reads_a_leading_integer_like_c() {
        assert_eq!(atoi(b"1"), 1);
        assert_eq!(atoi(b" 12x"), 12);
        assert_eq!(atoi(b"-3"), -3);
        assert_eq!(atoi(b"abc"), 0);
    }
}
