//! Fault injection for tests: rules that make the next matching commands answer an
//! error, wait before running, or drop their connection — the failures a service
//! must survive (`NOSCRIPT` after a failover, `LOADING` at start, `BUSY`, `OOM`,
//! `READONLY`, a slow or vanished server) made to happen on demand.
//!
//! Rules are kept outside the store lock and checked before a client's command runs;
//! with none armed the check is one relaxed atomic load. A command matches a rule by
//! its name (`get`, or `client` for every CLIENT subcommand, or `client|kill`) and/or
//! by a glob over its key arguments; each rule fires a given number of times (or
//! until cleared). Commands inside `EXEC` and scripts' `redis.call` are not checked:
//! a fault stands for what the client sees of the server. `DEBUG FAULT` is the same
//! control over the wire (see `command::debug`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use parking_lot::Mutex;

use crate::args::is_keyword;
use crate::glob::glob_match;

/// What a fault does to the command it catches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    /// The command does not run; the client gets this error (the text after `-`).
    Error(Bytes),
    /// The client's command runs after this much (real) time; other clients are not
    /// held up.
    Delay(Duration),
    /// The command does not run and the connection closes without a reply.
    Drop,
}

/// One fault rule: an action, which commands it catches, and how many more times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// What happens to a caught command.
    pub action: FaultAction,
    /// Lowercase command name (`get`, `client`, `client|kill`); `None`: any command.
    pub command: Option<String>,
    /// Glob over the command's key arguments; `None`: any command, keys or not.
    pub key_pattern: Option<Bytes>,
    /// How many more commands it catches; `None`: every one until cleared.
    pub remaining: Option<u64>,
}

impl Fault {
    fn new(action: FaultAction) -> Fault {
        Fault {
            action,
            command: None,
            key_pattern: None,
            remaining: Some(1),
        }
    }

    /// The caught command answers `error`: either a whole error text (`"ERR nope"`,
    /// `"TRYAGAIN later"`) or one of Redis's error codes alone (`"LOADING"`,
    /// `"NOSCRIPT"`, `"BUSY"`, `"OOM"`, `"READONLY"`, `"MASTERDOWN"`, `"MISCONF"`,
    /// `"NOREPLICAS"`, `"EXECABORT"`, `"BUSYKEY"`), which becomes Redis's own text.
    pub fn error(error: impl AsRef<[u8]>) -> Fault {
        let error = error.as_ref();
        let text = std::str::from_utf8(error)
            .ok()
            .and_then(crate::error::standard_error)
            .map_or_else(
                || Bytes::copy_from_slice(error),
                |text| Bytes::from_static(text.as_bytes()),
            );
        Fault::new(FaultAction::Error(text))
    }

    /// The caught command runs `delay` late.
    pub fn delay(delay: Duration) -> Fault {
        Fault::new(FaultAction::Delay(delay))
    }

    /// The caught command's connection closes without a reply.
    pub fn drop_connection() -> Fault {
        Fault::new(FaultAction::Drop)
    }

    /// Catches only the command `name` (any case): `get`, `client` (every CLIENT
    /// subcommand) or `client|kill`.
    pub fn command(mut self, name: &str) -> Fault {
        self.command = Some(name.to_ascii_lowercase());
        self
    }

    /// Catches only commands with a key argument matching the glob `pattern`.
    pub fn key(mut self, pattern: impl AsRef<[u8]>) -> Fault {
        self.key_pattern = Some(Bytes::copy_from_slice(pattern.as_ref()));
        self
    }

    /// Catches the next `count` matching commands (the default is 1).
    pub fn times(mut self, count: u64) -> Fault {
        self.remaining = Some(count);
        self
    }

    /// Catches every matching command until the faults are cleared.
    pub fn always(mut self) -> Fault {
        self.remaining = None;
        self
    }

    /// True when this rule catches the command `name` (its full name) with `argv`.
    fn catches(&self, name: &str, argv: &[Bytes]) -> bool {
        if let Some(wanted) = &self.command {
            let container = name.split('|').next().unwrap_or(name);
            if wanted != name && wanted != container {
                return false;
            }
        }
        match &self.key_pattern {
            None => true,
            Some(pattern) => crate::command::key_positions(name, argv)
                .into_iter()
                .any(|at| glob_match(pattern, &argv[at], false)),
        }
    }

    /// The rule as `DEBUG FAULT LIST` shows it, in `DEBUG FAULT`'s own syntax.
    pub fn describe(&self) -> String {
        let mut text = match &self.action {
            FaultAction::Error(error) => format!("ERROR {:?}", String::from_utf8_lossy(error)),
            FaultAction::Delay(delay) => format!("DELAY {}", delay.as_millis()),
            FaultAction::Drop => "DROP".to_string(),
        };
        if let Some(command) = &self.command {
            text.push_str(&format!(" COMMAND {command}"));
        }
        if let Some(pattern) = &self.key_pattern {
            text.push_str(&format!(" KEY {:?}", String::from_utf8_lossy(pattern)));
        }
        match self.remaining {
            Some(count) => text.push_str(&format!(" COUNT {count}")),
            None => text.push_str(" COUNT 0"),
        }
        text
    }
}

/// The engine's armed fault rules.
#[derive(Debug, Default)]
pub struct Faults {
    /// True while any rule is armed: the only thing the command path reads otherwise.
    armed: AtomicBool,
    rules: Mutex<Vec<Fault>>,
}

impl Faults {
    /// Arms `fault`; earlier rules are checked first.
    pub fn inject(&self, fault: Fault) {
        let mut rules = self.rules.lock();
        rules.push(fault);
        self.armed.store(true, Ordering::Release);
    }

    /// Disarms every rule.
    pub fn clear(&self) {
        let mut rules = self.rules.lock();
        rules.clear();
        self.armed.store(false, Ordering::Release);
    }

    /// The rules still armed, first checked first.
    pub fn list(&self) -> Vec<Fault> {
        self.rules.lock().clone()
    }

    /// True while any rule is armed (one relaxed load).
    pub fn is_armed(&self) -> bool {
        self.armed.load(Ordering::Relaxed)
    }

    /// The action of the first armed rule that catches the command `name` with
    /// `argv`, counting it against that rule (a rule that has fired its last time is
    /// disarmed). `DEBUG` is never caught, so `DEBUG FAULT CLEAR` always gets through.
    pub fn take(&self, name: &str, argv: &[Bytes]) -> Option<FaultAction> {
        if !self.is_armed() || name == "debug" {
            return None;
        }
        let mut rules = self.rules.lock();
        let at = rules.iter().position(|rule| rule.catches(name, argv))?;
        let action = rules[at].action.clone();
        if let Some(remaining) = &mut rules[at].remaining {
            *remaining -= 1;
            if *remaining == 0 {
                rules.remove(at);
            }
        }
        if rules.is_empty() {
            self.armed.store(false, Ordering::Release);
        }
        Some(action)
    }
}

/// Parses `DEBUG FAULT`'s rule arguments: `ERROR <text>|DELAY <ms>|DROP` then any of
/// `COMMAND <name>`, `KEY <pattern>`, `COUNT <n>` (0: until cleared).
pub fn parse_rule(args: &[Bytes]) -> Result<Fault, crate::error::CommandError> {
    use crate::error::CommandError;
    let (mut fault, options) = match args {
        [kind, error, options @ ..] if is_keyword(kind, "ERROR") => (Fault::error(error), options),
        [kind, ms, options @ ..] if is_keyword(kind, "DELAY") => {
            let ms = crate::args::parse_i64(ms)?;
            let ms = u64::try_from(ms).map_err(|_| CommandError::NotAnInteger)?;
            (Fault::delay(Duration::from_millis(ms)), options)
        }
        [kind, options @ ..] if is_keyword(kind, "DROP") => (Fault::drop_connection(), options),
        _ => return Err(CommandError::Syntax),
    };
    let mut options = options.iter();
    while let Some(option) = options.next() {
        let value = options.next().ok_or(CommandError::Syntax)?;
        if is_keyword(option, "COMMAND") {
            fault = fault.command(&String::from_utf8_lossy(value));
        } else if is_keyword(option, "KEY") {
            fault = fault.key(value);
        } else if is_keyword(option, "COUNT") {
            let count = crate::args::parse_i64(value)?;
            fault = match u64::try_from(count) {
                Ok(0) => fault.always(),
                Ok(count) => fault.times(count),
                Err(_) => return Err(CommandError::NotAnInteger),
            };
        } else {
            return Err(CommandError::Syntax);
        }
    }
    Ok(fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::args::argv;

    #[test]
    fn a_rule_fires_its_count_then_disarms() {
        let faults = Faults::default();
        faults.inject(Fault::error("LOADING").command("GET").times(2));
        let get = argv(&["get", "k"]);
        assert_eq!(faults.take("set", &argv(&["set", "k", "v"])), None);
        let loading = FaultAction::Error(Bytes::from_static(
            b"LOADING Redis is loading the dataset in memory",
        ));
        assert_eq!(faults.take("get", &get), Some(loading.clone()));
        assert_eq!(faults.take("get", &get), Some(loading));
        assert_eq!(faults.take("get", &get), None);
        assert!(faults.list().is_empty());
    }

    #[test]
    fn key_patterns_match_any_key_argument() {
        let faults = Faults::default();
        faults.inject(Fault::drop_connection().key("user:*").always());
        assert_eq!(faults.take("mget", &argv(&["MGET", "a", "b"])), None);
        let mget = argv(&["MGET", "a", "user:1"]);
        assert_eq!(faults.take("mget", &mget), Some(FaultAction::Drop));
        // A command without keys never matches a key rule, and DEBUG is never caught.
        assert_eq!(faults.take("ping", &argv(&["PING", "user:1"])), None);
        assert_eq!(faults.take("debug", &argv(&["DEBUG", "user:1"])), None);
        assert_eq!(faults.list().len(), 1, "an `always` rule stays armed");
    }

    #[test]
    fn container_names_catch_every_subcommand() {
        let rule = Fault::error("ERR no").command("client");
        assert!(rule.catches("client|kill", &argv(&["CLIENT", "KILL"])));
        let rule = Fault::error("ERR no").command("client|list");
        assert!(!rule.catches("client|kill", &argv(&["CLIENT", "KILL"])));
    }

    #[test]
    fn whole_error_texts_are_kept_and_codes_expanded() {
        assert_eq!(
            Fault::error("TRYAGAIN later").action,
            FaultAction::Error(Bytes::from_static(b"TRYAGAIN later"))
        );
        assert_eq!(
            Fault::error("NOSCRIPT").action,
            FaultAction::Error(Bytes::from_static(
                b"NOSCRIPT No matching script. Please use EVAL."
            ))
        );
    }

    #[test]
    fn debug_fault_arguments_parse_and_describe_themselves() {
        let fault = parse_rule(&argv(&[
            "error", "OOM", "COMMAND", "SET", "KEY", "a*", "COUNT", "0",
        ]))
        .unwrap();
        assert_eq!(fault.remaining, None);
        assert_eq!(
            fault.describe(),
            "ERROR \"OOM command not allowed when used memory > 'maxmemory'.\" COMMAND set \
             KEY \"a*\" COUNT 0"
        );
        let delay = parse_rule(&argv(&["DELAY", "25"])).unwrap();
        assert_eq!(delay.action, FaultAction::Delay(Duration::from_millis(25)));
        assert_eq!(delay.describe(), "DELAY 25 COUNT 1");
        assert!(parse_rule(&argv(&["DELAY", "-1"])).is_err());
        assert!(parse_rule(&argv(&["DROP", "COUNT"])).is_err());
        assert!(parse_rule(&argv(&["EXPLODE"])).is_err());
        assert!(parse_rule(&argv(&["DROP", "COLOR", "red"])).is_err());
    }
}
