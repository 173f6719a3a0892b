//! Configuration: every Redis 7.0.15 parameter, `CONFIG GET`/`CONFIG SET`, and
//! `redis.conf` / command-line directives.
//!
//! Values are kept as the strings `CONFIG GET` prints (booleans `yes`/`no`, memory in
//! bytes, enums by name, `save` as `"3600 1 300 100"`), validated on the way in with
//! Redis's rules and messages: `CONFIG SET` is all-or-nothing over its pairs, refuses
//! immutable parameters and duplicates, and names the offending argument. Typed
//! accessors parse what kvdb acts on. Parameters kvdb stores but does not act on are
//! reported by [`Config::is_applied`] so the server can say so once at startup.
//! `CONFIG REWRITE` writes them back to the config file ([`rewrite_file`]).

mod params;
mod rewrite;

use std::fmt::Write as _;

use crate::error::CommandError;
use crate::glob::glob_match;
use params::PARAMS;
pub(crate) use rewrite::{quoted, strerror};
pub use rewrite::{rewrite_file, REWRITE_SIGNATURE};

/// Cannot be changed with CONFIG SET.
const IMMUTABLE: u8 = 1;
/// Changeable only when `enable-protected-configs` allows it.
const PROTECTED: u8 = 2;
/// Holds a secret (redacted from logs).
const SENSITIVE: u8 = 4;
/// Not matched by patterns, only by exact name.
const HIDDEN: u8 = 8;
/// Takes several words (`save 3600 1`, `bind a b`).
const MULTI_ARG: u8 = 16;

/// How a numeric parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberForm {
    /// A plain integer.
    Integer,
    /// Bytes, with optional k/kb/m/mb/g/gb units.
    Memory,
    /// Bytes or a percentage (`50%`, stored negative as Redis does).
    MemoryOrPercent,
    /// Octal (`unixsocketperm`).
    Octal,
}

/// A parameter's value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Number {
        min: i128,
        max: i128,
        form: NumberForm,
    },
    Enum(&'static [&'static str]),
    Str,
    /// Its own syntax: save, bind, client-output-buffer-limit, notify-keyspace-events,
    /// oom-score-adj-values, latency-tracking-info-percentiles, replicaof, dir.
    Special,
}

/// One parameter of the table.
#[derive(Debug, Clone, Copy)]
struct Param {
    name: &'static str,
    alias: Option<&'static str>,
    flags: u8,
    kind: Kind,
    default: &'static str,
}

/// Whether a protected command or parameter is allowed (`enable-debug-command`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectedAction {
    /// Never.
    No,
    /// Always.
    Yes,
    /// From local connections only (loopback or unix socket).
    Local,
}

/// Why `maxmemory` cannot be set in a program whose allocations are not counted.
const MAXMEMORY_NEEDS_COUNTING: &str = "maxmemory needs memory counted: install \
    kvdb::CountingAllocator as the program's global allocator";

/// Parameters kvdb acts on; every other one is stored and reported but has no effect.
const APPLIED: &[&str] = &[
    "port",
    "bind",
    "unixsocket",
    "unixsocketperm",
    "requirepass",
    "aclfile",
    "acllog-max-len",
    "acl-pubsub-default",
    "databases",
    "maxclients",
    "timeout",
    "proto-max-bulk-len",
    "client-query-buffer-limit",
    "hz",
    "enable-debug-command",
    "enable-module-command",
    "maxmemory",
    "maxmemory-policy",
    "maxmemory-samples",
    "maxmemory-eviction-tenacity",
    "save",
    "appendonly",
    "appendfsync",
    "appendfilename",
    "appenddirname",
    "aof-use-rdb-preamble",
    "aof-timestamp-enabled",
    "aof-load-truncated",
    "no-appendfsync-on-rewrite",
    "aof-disable-auto-gc",
    "auto-aof-rewrite-percentage",
    "auto-aof-rewrite-min-size",
    "dbfilename",
    "rdbchecksum",
    "protected-mode",
    "tcp-backlog",
    "tcp-keepalive",
    "busy-reply-threshold",
    "lua-time-limit",
    "rdbcompression",
    "loglevel",
    "logfile",
    "always-show-logo",
    "dir",
    "daemonize",
    "hash-max-listpack-entries",
    "hash-max-listpack-value",
    "set-max-intset-entries",
    "zset-max-listpack-entries",
    "zset-max-listpack-value",
    "client-output-buffer-limit",
    "slowlog-log-slower-than",
    "slowlog-max-len",
    "min-replicas-to-write",
    "min-replicas-max-lag",
    "tracking-table-max-keys",
    "latency-monitor-threshold",
    "latency-tracking",
    "replicaof",
    "replica-read-only",
    "replica-serve-stale-data",
    "replica-ignore-maxmemory",
    "masterauth",
    "masteruser",
    "replica-announce-ip",
    "replica-announce-port",
    "repl-timeout",
    "repl-ping-replica-period",
    "repl-backlog-size",
    "repl-backlog-ttl",
];

/// The server's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    values: Vec<String>,
    /// The config file's `user` lines: each user's name, then its rules (selectors
    /// merged), applied when the engine starts.
    users: Vec<Vec<bytes::Bytes>>,
}

impl Default for Config {
    fn default() -> Self {
        let mut values: Vec<String> = PARAMS.iter().map(|p| p.default.to_string()).collect();
        if let Some(dir) = index_of("dir") {
            values[dir] = std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default();
        }
        Config {
            values,
            users: Vec::new(),
        }
    }
}

/// True when parameter `name` holds a secret (`requirepass`, `masterauth`...), whose
/// value CONFIG SET keeps out of the slowlog and MONITOR.
pub fn is_sensitive(name: &[u8]) -> bool {
    std::str::from_utf8(name)
        .ok()
        .and_then(index_of)
        .is_some_and(|index| PARAMS[index].flags & SENSITIVE != 0)
}

/// `values` of parameter `name`, with a several-word parameter (`save`, `bind`...)
/// given as one non-empty value split as Redis splits it (`sdssplitargs`): `--save
/// "60 5"` is `save 60 5`.
/// Unbalanced quotes leave no words (Redis's `sdssplitargs` gives none either).
fn split_multi_arg(name: &str, values: &[String]) -> Vec<String> {
    let multi_arg = index_of(name).is_some_and(|index| PARAMS[index].flags & MULTI_ARG != 0);
    match values {
        [value] if multi_arg && !value.is_empty() => kvdb_resp::split_args(value.as_bytes())
            .unwrap_or_default()
            .iter()
            .map(|word| String::from_utf8_lossy(word).into_owned())
            .collect(),
        values => values.to_vec(),
    }
}

/// The table index of a parameter by name or alias, ignoring ASCII case.
fn index_of(name: &str) -> Option<usize> {
    PARAMS.iter().position(|p| {
        p.name.eq_ignore_ascii_case(name) || p.alias.is_some_and(|a| a.eq_ignore_ascii_case(name))
    })
}

/// Redis's `memtoull`: digits with an optional b/k/kb/m/mb/g/gb unit (any case).
pub(crate) fn parse_memory(value: &str) -> Option<u64> {
    let digits_end = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(digits_end);
    let multiplier: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    // An empty number is 0 (strtoull of "" reports no error).
    let number: u64 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    number.checked_mul(multiplier)
}

fn parse_number(value: &str, form: NumberForm) -> Result<i128, &'static str> {
    match form {
        NumberForm::Memory => parse_memory(value)
            .map(i128::from)
            .ok_or("argument must be a memory value"),
        NumberForm::MemoryOrPercent => {
            if let Some(bytes) = parse_memory(value) {
                return Ok(i128::from(bytes));
            }
            value
                .strip_suffix('%')
                .filter(|n| !n.is_empty())
                .and_then(|n| crate::num::parse_i64(n.as_bytes()))
                .filter(|n| *n >= 0)
                .map(|n| -i128::from(n))
                .ok_or("argument must be a memory or percent value")
        }
        NumberForm::Octal => i64::from_str_radix(value, 8)
            .map(i128::from)
            .map_err(|_| "argument couldn't be parsed as an octal number"),
        NumberForm::Integer => crate::num::parse_i64(value.as_bytes())
            .map(i128::from)
            .ok_or("argument couldn't be parsed into an integer"),
    }
}

fn format_number(value: i128, form: NumberForm) -> String {
    match form {
        NumberForm::Octal => format!("{value:o}"),
        NumberForm::MemoryOrPercent if value < 0 => format!("{}%", -value),
        _ => value.to_string(),
    }
}

/// Letters of `notify-keyspace-events`, in the order Redis prints them (after `A`).
const EVENT_CLASSES: &str = "g$lshzxetdn";

fn normalize_events(value: &str) -> Result<String, &'static str> {
    let mut seen = String::new();
    for c in value.chars() {
        let expanded = match c {
            'A' => "g$lshzxetd",
            'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'd' | 'n' | 'K' | 'E' | 'm' => {
                &value[value.find(c).unwrap_or(0)..][..c.len_utf8()]
            }
            _ => return Err("Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
        };
        for e in expanded.chars() {
            if !seen.contains(e) {
                seen.push(e);
            }
        }
    }
    let mut out = String::new();
    if "g$lshzxetd".chars().all(|c| seen.contains(c)) {
        out.push('A');
        if seen.contains('n') {
            out.push('n');
        }
    } else {
        out.extend(EVENT_CLASSES.chars().filter(|c| seen.contains(*c)));
    }
    out.extend("KEm".chars().filter(|c| seen.contains(*c)));
    Ok(out)
}

/// The chosen names of an enum parameter as Redis prints its value: a synonym by the
/// first name of its value (`relative` is `yes` for `oom-score-adj`), and flags
/// (`shutdown-on-sigterm`) once each in table order, `default` standing for none.
fn enum_names(param: &Param, chosen: &[&'static str]) -> String {
    let Kind::Enum(names) = param.kind else {
        return chosen.join(" ");
    };
    if param.flags & MULTI_ARG != 0 {
        let flags: Vec<&str> = names
            .iter()
            .skip(1)
            .filter(|name| chosen.contains(name))
            .copied()
            .collect();
        return match flags.is_empty() {
            true => names[0].to_string(),
            false => flags.join(" "),
        };
    }
    match (param.name, chosen[0]) {
        ("oom-score-adj", "relative") => "yes".to_string(),
        (_, name) => name.to_string(),
    }
}

/// Client classes of `client-output-buffer-limit`, in the order Redis prints them.
const CLIENT_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

fn set_output_buffer_limit(current: &str, words: &[&str]) -> Result<String, &'static str> {
    if words.is_empty() || !words.len().is_multiple_of(4) {
        return Err("Wrong number of arguments in buffer limit configuration.");
    }
    let mut limits: Vec<Vec<u64>> = current
        .split_whitespace()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c[1..].iter().filter_map(|v| v.parse().ok()).collect())
        .collect();
    for group in words.chunks(4) {
        let class = match group[0].to_ascii_lowercase().as_str() {
            "normal" => 0,
            "slave" | "replica" => 1,
            "pubsub" => 2,
            _ => return Err("Invalid client class specified in buffer limit configuration."),
        };
        let hard = parse_memory(group[1]);
        let soft = parse_memory(group[2]);
        let seconds = crate::num::parse_i64(group[3].as_bytes()).filter(|s| *s >= 0);
        match (hard, soft, seconds) {
            (Some(hard), Some(soft), Some(seconds)) => {
                limits[class] = vec![hard, soft, seconds as u64];
            }
            _ => {
                return Err(
                    "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
                )
            }
        }
    }
    let mut out = String::new();
    for (class, limit) in CLIENT_CLASSES.iter().zip(&limits) {
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = write!(out, "{class} {} {} {}", limit[0], limit[1], limit[2]);
    }
    Ok(out)
}

/// Validates and normalises a special parameter's words.
fn set_special(name: &str, current: &str, words: &[&str]) -> Result<String, String> {
    let joined = words.join(" ");
    match name {
        "save" => {
            if words.len() == 1 && words[0].is_empty() {
                return Ok(String::new());
            }
            if !words.len().is_multiple_of(2)
                || words
                    .iter()
                    .any(|w| crate::num::parse_i64(w.as_bytes()).is_none_or(|n| n < 0))
            {
                return Err("Invalid save parameters".into());
            }
            Ok(joined)
        }
        "client-output-buffer-limit" => set_output_buffer_limit(current, words).map_err(Into::into),
        "notify-keyspace-events" => normalize_events(&joined).map_err(Into::into),
        "oom-score-adj-values" => {
            let values: Vec<i64> = words
                .iter()
                .filter_map(|w| crate::num::parse_i64(w.as_bytes()))
                .collect();
            if words.len() != 3 || values.len() != 3 {
                return Err("wrong number of arguments".into());
            }
            if values.iter().any(|v| !(-2000..=2000).contains(v)) {
                return Err(
                    "Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into(),
                );
            }
            Ok(joined)
        }
        "latency-tracking-info-percentiles" => {
            for word in words.iter().filter(|w| !w.is_empty()) {
                let value: f64 = word
                    .parse()
                    .map_err(|_| "Invalid latency-tracking-info-percentiles parameters")?;
                if !(0.0..=100.0).contains(&value) {
                    return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
                }
            }
            Ok(joined)
        }
        "bind" => {
            if words.len() > 16 {
                return Err("Too many bind addresses specified.".into());
            }
            Ok(joined)
        }
        "replicaof" => {
            if words.len() != 2 {
                return Err("wrong number of arguments".into());
            }
            if words[0].eq_ignore_ascii_case("no") && words[1].eq_ignore_ascii_case("one") {
                return Ok(String::new());
            }
            if crate::num::parse_i64(words[1].as_bytes()).is_none_or(|p| !(0..=65535).contains(&p))
            {
                return Err("Invalid master port".into());
            }
            Ok(joined)
        }
        "dir" => {
            if words.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            if !std::path::Path::new(words[0]).is_dir() {
                return Err("No such file or directory".into());
            }
            Ok(words[0].to_string())
        }
        _ => Ok(joined),
    }
}

impl Config {
    /// Checks `words` for parameter `index` and returns the value to store.
    fn validate(&self, index: usize, words: &[&str]) -> Result<String, String> {
        let param = &PARAMS[index];
        if param.flags & MULTI_ARG == 0 && words.len() != 1 {
            return Err("wrong number of arguments".into());
        }
        let value = words.first().copied().unwrap_or_default();
        match param.kind {
            Kind::Bool => match value.to_ascii_lowercase().as_str() {
                "yes" => Ok("yes".into()),
                "no" => Ok("no".into()),
                _ => Err("argument must be 'yes' or 'no'".into()),
            },
            Kind::Number { min, max, form } => {
                let number = parse_number(value, form)?;
                // A percentage is stored negated; Redis bounds it in its own words.
                if form == NumberForm::MemoryOrPercent && number < 0 && number < min {
                    return Err(format!(
                        "percentage argument must be less or equal to {}",
                        -min
                    ));
                }
                if number < min || number > max {
                    return Err(format!(
                        "argument must be between {min} and {max} inclusive"
                    ));
                }
                if param.name == "maxmemory" && number > 0 && !crate::memory::is_counting() {
                    return Err(MAXMEMORY_NEEDS_COUNTING.into());
                }
                Ok(format_number(number, form))
            }
            Kind::Enum(names) => {
                let mut chosen = Vec::new();
                for word in words.iter().flat_map(|w| w.split_whitespace()) {
                    match names.iter().find(|n| n.eq_ignore_ascii_case(word)) {
                        Some(name) => chosen.push(*name),
                        None => {
                            return Err(format!(
                                "argument(s) must be one of the following: {}",
                                names.join(", ")
                            ))
                        }
                    }
                }
                if chosen.is_empty() {
                    return Err(format!(
                        "argument(s) must be one of the following: {}",
                        names.join(", ")
                    ));
                }
                Ok(enum_names(param, &chosen))
            }
            Kind::Str => {
                if param.name == "dbfilename" && value.contains('/') {
                    return Err("dbfilename can't be a path, just a filename".into());
                }
                Ok(value.to_string())
            }
            Kind::Special => set_special(param.name, &self.values[index], words),
        }
    }

    /// `CONFIG GET pattern [pattern ...]`: each matching parameter once, as
    /// (name as matched, value). Exact names match hidden parameters too; patterns do not.
    pub fn get(&self, patterns: &[&[u8]]) -> Vec<(String, Vec<u8>)> {
        let mut found: Vec<(String, Vec<u8>)> = Vec::new();
        let push = |key: String, index: usize, found: &mut Vec<(String, Vec<u8>)>| {
            if !found.iter().any(|(k, _)| *k == key) {
                found.push((key, self.values[index].clone().into_bytes()));
            }
        };
        for pattern in patterns {
            let is_glob = pattern.iter().any(|b| matches!(b, b'*' | b'?' | b'['));
            if !is_glob {
                let name = String::from_utf8_lossy(pattern).into_owned();
                if let Some(index) = index_of(&name) {
                    push(name, index, &mut found);
                }
                continue;
            }
            for (index, param) in PARAMS.iter().enumerate() {
                if param.flags & HIDDEN != 0 {
                    continue;
                }
                for key in std::iter::once(param.name).chain(param.alias) {
                    if glob_match(pattern, key.as_bytes(), true) {
                        push(key.to_string(), index, &mut found);
                    }
                }
            }
        }
        found
    }

    /// `CONFIG SET name value [name value ...]`: all pairs or none.
    pub fn set(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<(), CommandError> {
        let mut indexes = Vec::with_capacity(pairs.len());
        let mut refused: Option<(String, &'static str)> = None;
        for (name, _) in pairs {
            let name = String::from_utf8_lossy(name).into_owned();
            let Some(index) = index_of(&name) else {
                return Err(CommandError::err(format!(
                    "Unknown option or number of arguments for CONFIG SET - '{name}'"
                )));
            };
            if refused.is_none() {
                let flags = PARAMS[index].flags;
                if flags & IMMUTABLE != 0 {
                    refused = Some((name.clone(), "can't set immutable config"));
                } else if flags & PROTECTED != 0
                    && self.get_str("enable-protected-configs") != "yes"
                {
                    refused = Some((name.clone(), "can't set protected config"));
                } else if indexes.contains(&index) {
                    refused = Some((name.clone(), "duplicate parameter"));
                }
            }
            indexes.push(index);
        }
        if let Some((name, why)) = refused {
            return Err(set_failed(&name, why));
        }
        let mut updated = self.values.clone();
        for ((_, value), &index) in pairs.iter().zip(&indexes) {
            let text = String::from_utf8_lossy(value).into_owned();
            let words: Vec<&str> = if PARAMS[index].flags & MULTI_ARG != 0 && !text.is_empty() {
                text.split_whitespace().collect()
            } else {
                vec![text.as_str()]
            };
            let words = if words.is_empty() { vec![""] } else { words };
            updated[index] = self
                .validate(index, &words)
                .map_err(|why| set_failed(PARAMS[index].name, &why))?;
        }
        self.values = updated;
        Ok(())
    }

    /// Applies a `redis.conf`'s text followed by command-line directives (`--name
    /// value...`), as Redis reads them: each directive becomes one more line after the
    /// file's, its values quoted, so `--save` lines add to the file's as further `save`
    /// lines do. Returns what [`Config::load_file_text`] returns.
    pub fn load_file_and_directives(
        &mut self,
        text: &str,
        directives: &[(String, Vec<String>)],
    ) -> Result<Vec<String>, String> {
        let mut text = text.to_string();
        for (name, values) in directives {
            text.push('\n');
            text.push_str(name);
            for value in values {
                text.push(' ');
                text.push_str(&rewrite::quoted(value));
            }
        }
        self.load_file_text(&text)
    }

    /// Applies the text of a `redis.conf`. Returns the names of directives that were
    /// accepted but have no effect in kvdb; a bad line is an error in Redis's format.
    ///
    /// The first `save` line replaces the save points; each further one adds to them
    /// (`save ""` still clears them), as Redis reads a file.
    pub fn load_file_text(&mut self, text: &str) -> Result<Vec<String>, String> {
        let mut ignored = Vec::new();
        let mut save_loaded = false;
        for (number, raw) in text.lines().enumerate() {
            let line = raw.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fatal = |why: &str| {
                format!(
                    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line {}\n>>> '{line}'\n{why}",
                    number + 1
                )
            };
            let Some(words) = kvdb_resp::split_args(line.as_bytes()) else {
                return Err(fatal("Unbalanced quotes in configuration line"));
            };
            let words: Vec<String> = words
                .iter()
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect();
            let Some((name, values)) = words.split_first() else {
                continue;
            };
            let name = name.to_ascii_lowercase();
            if name == "user" && !values.is_empty() {
                self.add_user_line(values).map_err(|why| fatal(&why))?;
                continue;
            }
            if matches!(name.as_str(), "include" | "rename-command" | "loadmodule") {
                ignored.push(name);
                continue;
            }
            let values = &split_multi_arg(&name, values)[..];
            let clears = matches!(values, [value] if value.is_empty());
            if name == "save" && save_loaded && !clears {
                let mut points: Vec<String> =
                    self.save().split_whitespace().map(String::from).collect();
                points.extend(values.iter().cloned());
                self.apply_directive(&name, &points)
            } else {
                self.apply_directive(&name, values)
            }
            .map_err(|why| fatal(&why))?;
            save_loaded |= name == "save";
            if !Self::is_applied(&name) {
                ignored.push(name);
            }
        }
        Ok(ignored)
    }

    /// Applies one directive (`--name value ...` on the command line, or a config line).
    pub fn apply_directive(&mut self, name: &str, values: &[String]) -> Result<(), String> {
        let Some(index) = index_of(name) else {
            return Err("Bad directive or wrong number of arguments".into());
        };
        let words = split_multi_arg(name, values);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        if words.is_empty() {
            return Err("wrong number of arguments".into());
        }
        self.values[index] = self.validate(index, &words)?;
        Ok(())
    }

    /// True when kvdb acts on the parameter `name` (or its alias).
    pub fn is_applied(name: &str) -> bool {
        index_of(name).is_some_and(|index| {
            let param = &PARAMS[index];
            APPLIED.contains(&param.name) || param.alias.is_some_and(|a| APPLIED.contains(&a))
        })
    }

    fn get_str(&self, name: &str) -> &str {
        index_of(name).map_or("", |index| self.values[index].as_str())
    }

    fn get_number(&self, name: &str) -> i128 {
        let value = self.get_str(name);
        match index_of(name).map(|index| PARAMS[index].kind) {
            Some(Kind::Number { form, .. }) => parse_number(value, form).unwrap_or(0),
            _ => 0,
        }
    }

    /// `port`.
    pub fn port(&self) -> u16 {
        u16::try_from(self.get_number("port")).unwrap_or(6379)
    }

    /// Records the port actually bound (after `--port 0`), so CONFIG GET shows it.
    pub fn set_port(&mut self, port: u16) {
        if let Some(index) = index_of("port") {
            self.values[index] = port.to_string();
        }
    }

    /// Records the master REPLICAOF set (`None`: NO ONE), as `CONFIG GET replicaof`
    /// and `CONFIG REWRITE` show it.
    pub fn set_replicaof(&mut self, master: Option<(&str, u16)>) {
        if let Some(index) = index_of("replicaof") {
            self.values[index] =
                master.map_or_else(String::new, |(host, port)| format!("{host} {port}"));
        }
    }

    /// `bind` addresses, a leading `-` marking one that may fail to bind.
    pub fn bind_addresses(&self) -> Vec<String> {
        self.get_str("bind")
            .split_whitespace()
            .map(String::from)
            .collect()
    }

    /// `always-show-logo`: the start-up banner even when the log is no terminal.
    pub fn always_show_logo(&self) -> bool {
        self.get_str("always-show-logo") == "yes"
    }

    /// `logfile`: where the server log goes (stdout when empty).
    pub fn logfile(&self) -> &str {
        self.get_str("logfile")
    }

    /// `unixsocket`, if set.
    pub fn unixsocket(&self) -> Option<String> {
        Some(self.get_str("unixsocket").to_string()).filter(|s| !s.is_empty())
    }

    /// `unixsocketperm` (0 = default permissions).
    pub fn unixsocketperm(&self) -> u32 {
        u32::try_from(self.get_number("unixsocketperm")).unwrap_or(0)
    }

    /// Keeps a config file's `user` line (its words after `user`) once its rules
    /// check out (Redis's `ACLAppendUserForLoading`); the error is Redis's.
    fn add_user_line(&mut self, words: &[String]) -> Result<(), String> {
        let words: Vec<bytes::Bytes> = words
            .iter()
            .map(|word| bytes::Bytes::copy_from_slice(word.as_bytes()))
            .collect();
        // Redis names the line's word at the index of the offending rule among the
        // rules (its own off-by-two), so `user` or the name for the first two.
        let line_word = |at: usize| match at {
            0 => "user".to_string(),
            _ => String::from_utf8_lossy(&words[at - 1]).into_owned(),
        };
        let declaration = |at: usize, error: crate::acl::RuleError| {
            format!(
                "Error in user declaration '{}': {}",
                line_word(at),
                error.message()
            )
        };
        if self.users.iter().any(|line| line[0] == words[0]) {
            return Err(declaration(1, crate::acl::RuleError::DuplicateUser));
        }
        let line = crate::acl::check_user_line(&words).map_err(|(at, e)| declaration(at, e))?;
        self.users.push(line);
        Ok(())
    }

    /// The config file's `user` lines (see [`Config::add_user_line`]).
    pub fn users(&self) -> &[Vec<bytes::Bytes>] {
        &self.users
    }

    /// `aclfile`, if set: as configured (messages name it so), and where it is. A
    /// relative path is inside `dir`, where Redis, which changes into `dir`, finds it.
    pub fn aclfile(&self) -> Option<(String, std::path::PathBuf)> {
        let configured = self.get_str("aclfile");
        if configured.is_empty() {
            return None;
        }
        let path = std::path::Path::new(self.dir()).join(configured);
        Some((configured.to_string(), path))
    }

    /// `acllog-max-len`.
    pub fn acllog_max_len(&self) -> usize {
        usize::try_from(self.get_number("acllog-max-len")).unwrap_or(128)
    }

    /// True when `acl-pubsub-default` is `allchannels`: new users and selectors may
    /// use every channel.
    pub fn acl_pubsub_all_channels(&self) -> bool {
        self.get_str("acl-pubsub-default") == "allchannels"
    }

    /// `requirepass`, if set.
    pub fn requirepass(&self) -> Option<&[u8]> {
        Some(self.get_str("requirepass").as_bytes()).filter(|p| !p.is_empty())
    }

    /// `databases`.
    pub fn databases(&self) -> usize {
        usize::try_from(self.get_number("databases"))
            .unwrap_or(16)
            .max(1)
    }

    /// `maxclients`.
    pub fn maxclients(&self) -> usize {
        usize::try_from(self.get_number("maxclients")).unwrap_or(10_000)
    }

    /// `timeout`: idle seconds before a client is closed (0 = never).
    pub fn timeout_secs(&self) -> u64 {
        u64::try_from(self.get_number("timeout")).unwrap_or(0)
    }

    /// `proto-max-bulk-len`.
    pub fn proto_max_bulk_len(&self) -> u64 {
        u64::try_from(self.get_number("proto-max-bulk-len")).unwrap_or(512 << 20)
    }

    /// `client-query-buffer-limit`.
    pub fn client_query_buffer_limit(&self) -> u64 {
        u64::try_from(self.get_number("client-query-buffer-limit")).unwrap_or(1 << 30)
    }

    /// `hz`.
    pub fn hz(&self) -> u32 {
        u32::try_from(self.get_number("hz")).unwrap_or(10)
    }

    /// `min-replicas-to-write` and `min-replicas-max-lag` both set: Redis then refuses
    /// writes unless that many replicas are in sync, and kvdb never has a replica.
    pub fn writes_need_replicas(&self) -> bool {
        self.get_number("min-replicas-to-write") > 0 && self.get_number("min-replicas-max-lag") > 0
    }

    /// `enable-debug-command`.
    pub fn enable_debug_command(&self) -> ProtectedAction {
        self.protected_action("enable-debug-command")
    }

    /// `enable-module-command`: whether MODULE LOAD, LOADEX and UNLOAD may run.
    pub fn enable_module_command(&self) -> ProtectedAction {
        self.protected_action("enable-module-command")
    }

    fn protected_action(&self, name: &str) -> ProtectedAction {
        match self.get_str(name) {
            "yes" => ProtectedAction::Yes,
            "local" => ProtectedAction::Local,
            _ => ProtectedAction::No,
        }
    }

    /// `maxmemory`.
    pub fn maxmemory(&self) -> u64 {
        u64::try_from(self.get_number("maxmemory")).unwrap_or(0)
    }

    /// `hll-sparse-max-bytes`: how long a sparse HyperLogLog may grow.
    pub fn hll_sparse_max_bytes(&self) -> usize {
        usize::try_from(self.get_number("hll-sparse-max-bytes")).unwrap_or(usize::MAX)
    }

    /// `maxmemory-policy`.
    pub fn maxmemory_policy(&self) -> &str {
        self.get_str("maxmemory-policy")
    }

    /// Redis's defaults without the `save` points: what an engine built without a
    /// configuration uses, so that a program embedding it writes no `dump.rdb`
    /// unless asked to.
    pub fn without_save_points() -> Config {
        let mut config = Config::default();
        if let Some(index) = index_of("save") {
            config.values[index] = String::new();
        }
        config
    }

    /// `latency-monitor-threshold` in ms (0: the monitor is off).
    pub fn latency_monitor_threshold(&self) -> u64 {
        u64::try_from(self.get_number("latency-monitor-threshold")).unwrap_or(0)
    }

    /// `latency-tracking-info-percentiles`: the percentiles INFO latencystats prints.
    pub fn latency_tracking_info_percentiles(&self) -> Vec<f64> {
        self.get_str("latency-tracking-info-percentiles")
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect()
    }

    /// The `lazyfree-lazy-*` settings kvdb acts on.
    pub fn lazyfree_settings(&self) -> crate::lazyfree::LazySettings {
        crate::lazyfree::LazySettings {
            user_del: self.get_str("lazyfree-lazy-user-del") == "yes",
            user_flush: self.get_str("lazyfree-lazy-user-flush") == "yes",
            expire: self.get_str("lazyfree-lazy-expire") == "yes",
            eviction: self.get_str("lazyfree-lazy-eviction") == "yes",
            server_del: self.get_str("lazyfree-lazy-server-del") == "yes",
            list_fill: self.rdb_settings().list_fill,
            packed_threshold: crate::rdb::DEFAULT_PACKED_THRESHOLD,
        }
    }

    /// `latency-tracking`: commands' latency histograms are kept.
    pub fn latency_tracking(&self) -> bool {
        self.get_str("latency-tracking") == "yes"
    }

    /// `dir`: where the RDB file is saved.
    pub fn dir(&self) -> &str {
        self.get_str("dir")
    }

    /// `dbfilename`: the RDB file's name.
    pub fn dbfilename(&self) -> &str {
        self.get_str("dbfilename")
    }

    /// `save`: the save points as Redis prints them (`"3600 1 300 100"`).
    pub fn save(&self) -> &str {
        self.get_str("save")
    }

    /// `rdbchecksum`: RDB files carry (and loading checks) a CRC64.
    pub fn rdbchecksum(&self) -> bool {
        self.get_str("rdbchecksum") == "yes"
    }

    /// `maxmemory-samples`.
    pub fn maxmemory_samples(&self) -> usize {
        usize::try_from(self.get_number("maxmemory-samples")).unwrap_or(5)
    }

    /// `maxmemory-eviction-tenacity`.
    pub fn maxmemory_eviction_tenacity(&self) -> u32 {
        u32::try_from(self.get_number("maxmemory-eviction-tenacity")).unwrap_or(10)
    }

    /// `notify-keyspace-events`, in canonical letters.
    pub fn notify_keyspace_events(&self) -> &str {
        self.get_str("notify-keyspace-events")
    }

    /// The keyspace event classes `notify-keyspace-events` enables
    /// ([`crate::notify`] bits).
    pub fn keyspace_event_classes(&self) -> u32 {
        crate::notify::classes_from_letters(self.notify_keyspace_events()).unwrap_or(0)
    }

    /// How keys record accesses: LFU counters under an LFU `maxmemory-policy`.
    pub fn access_policy(&self) -> crate::access::AccessPolicy {
        crate::access::AccessPolicy {
            lfu: self.maxmemory_policy().contains("lfu"),
            lfu_log_factor: u32::try_from(self.get_number("lfu-log-factor")).unwrap_or(10),
            lfu_decay_time: u32::try_from(self.get_number("lfu-decay-time")).unwrap_or(1),
        }
    }

    /// The collection encoding limits, with `seed` for collections' tables.
    pub fn encoding_rules(&self, seed: u64) -> crate::types::EncodingRules {
        let limit = |name| usize::try_from(self.get_number(name)).unwrap_or(usize::MAX);
        crate::types::EncodingRules {
            hash_max_listpack_entries: limit("hash-max-listpack-entries"),
            hash_max_listpack_value: limit("hash-max-listpack-value"),
            set_max_intset_entries: limit("set-max-intset-entries"),
            zset_max_listpack_entries: limit("zset-max-listpack-entries"),
            zset_max_listpack_value: limit("zset-max-listpack-value"),
            stream_node_limits: crate::types::stream::NodeLimits {
                max_bytes: limit("stream-node-max-bytes"),
                max_entries: limit("stream-node-max-entries"),
            },
            seed,
        }
    }

    /// The pubsub class of `client-output-buffer-limit`.
    pub fn pubsub_buffer_limit(&self) -> crate::pubsub::BufferLimit {
        let value = self.get_str("client-output-buffer-limit");
        crate::pubsub::BufferLimit::from_config(value, "pubsub").unwrap_or_default()
    }

    /// Replication's timing: `repl-ping-replica-period`, `repl-timeout` and
    /// `repl-backlog-ttl` in seconds, and `repl-backlog-size` in bytes.
    pub fn replication_settings(&self) -> (u64, u64, u64, usize) {
        let number = |name| u64::try_from(self.get_number(name)).unwrap_or(1);
        (
            number("repl-ping-replica-period"),
            number("repl-timeout"),
            number("repl-backlog-ttl"),
            usize::try_from(self.get_number("repl-backlog-size")).unwrap_or(1 << 20),
        )
    }

    /// `replicaof host port`, if set.
    pub fn replicaof(&self) -> Option<(String, u16)> {
        let value = self.get_str("replicaof");
        let (host, port) = value.split_once(' ')?;
        Some((host.to_string(), port.parse().ok()?))
    }

    /// What the append-only file follows ([`crate::aof::AofSettings`]).
    pub fn aof_settings(&self) -> crate::aof::AofSettings {
        let yes = |name: &str| self.get_str(name) == "yes";
        let number = |name: &str| u64::try_from(self.get_number(name)).unwrap_or(0);
        crate::aof::AofSettings {
            enabled: yes("appendonly"),
            dir: std::path::PathBuf::from(self.dir()),
            dirname: self.get_str("appenddirname").to_string(),
            filename: self.get_str("appendfilename").to_string(),
            fsync: match self.get_str("appendfsync") {
                "always" => crate::aof::FsyncPolicy::Always,
                "no" => crate::aof::FsyncPolicy::No,
                _ => crate::aof::FsyncPolicy::EverySec,
            },
            use_rdb_preamble: yes("aof-use-rdb-preamble"),
            timestamps: yes("aof-timestamp-enabled"),
            load_truncated: yes("aof-load-truncated"),
            no_fsync_on_rewrite: yes("no-appendfsync-on-rewrite"),
            keep_history: yes("aof-disable-auto-gc"),
            auto_rewrite: (
                number("auto-aof-rewrite-percentage"),
                number("auto-aof-rewrite-min-size"),
            ),
            rdb_settings: self.rdb_settings(),
            rdb_checksum: self.rdbchecksum(),
        }
    }

    /// What a replica's rules and its link to the master read ([`ReplicaSettings`]).
    pub fn replica_settings(&self) -> ReplicaSettings {
        let text = |name: &str| {
            let value = self.get_str(name);
            (!value.is_empty()).then(|| value.to_string())
        };
        ReplicaSettings {
            read_only: self.get_str("replica-read-only") == "yes",
            serve_stale_data: self.get_str("replica-serve-stale-data") == "yes",
            ignore_maxmemory: self.get_str("replica-ignore-maxmemory") == "yes",
            min_replicas: (
                usize::try_from(self.get_number("min-replicas-to-write")).unwrap_or(0),
                u64::try_from(self.get_number("min-replicas-max-lag")).unwrap_or(0),
            ),
            master_auth: text("masterauth"),
            master_user: text("masteruser"),
            announce_ip: text("replica-announce-ip"),
            announce_port: u16::try_from(self.get_number("replica-announce-port")).unwrap_or(0),
            timeout_secs: u64::try_from(self.get_number("repl-timeout"))
                .unwrap_or(60)
                .max(1),
        }
    }

    /// The replica class of `client-output-buffer-limit` (printed as `slave`).
    pub fn replica_buffer_limit(&self) -> crate::pubsub::BufferLimit {
        let value = self.get_str("client-output-buffer-limit");
        crate::pubsub::BufferLimit::from_config(value, "slave")
            .or_else(|| crate::pubsub::BufferLimit::from_config(value, "replica"))
            .unwrap_or(crate::pubsub::BufferLimit::REPLICA)
    }

    /// `slowlog-log-slower-than` (µs) and `slowlog-max-len`.
    pub fn slowlog_settings(&self) -> (i64, usize) {
        (
            i64::try_from(self.get_number("slowlog-log-slower-than")).unwrap_or(10_000),
            usize::try_from(self.get_number("slowlog-max-len")).unwrap_or(128),
        )
    }

    /// `loglevel`: the least a line must matter to be logged.
    pub fn log_level(&self) -> crate::log::Level {
        use crate::log::Level;
        match self.get_str("loglevel") {
            "debug" => Level::Debug,
            "verbose" => Level::Verbose,
            "warning" => Level::Warning,
            _ => Level::Notice,
        }
    }

    /// `rdbcompression`: LZF-compress long strings in RDB payloads (`FUNCTION DUMP`).
    pub fn rdbcompression(&self) -> bool {
        self.get_str("rdbcompression") == "yes"
    }

    /// What the RDB encoding of a value depends on: `rdbcompression` and
    /// `list-max-listpack-size` (with the default packed threshold: the keyspace keeps
    /// the one `DEBUG QUICKLIST-PACKED-THRESHOLD` sets, see `Ctx::rdb_settings`).
    pub fn rdb_settings(&self) -> crate::rdb::RdbSettings {
        crate::rdb::RdbSettings {
            compress: self.rdbcompression(),
            list_fill: i64::try_from(self.get_number("list-max-listpack-size")).unwrap_or(-2),
            packed_threshold: crate::rdb::DEFAULT_PACKED_THRESHOLD,
        }
    }

    /// `list-compress-depth`: list nodes kept uncompressed at each end (0: none is
    /// compressed).
    pub fn list_compress_depth(&self) -> i64 {
        i64::try_from(self.get_number("list-compress-depth")).unwrap_or(0)
    }

    /// `busy-reply-threshold` (alias `lua-time-limit`), in ms.
    pub fn busy_reply_threshold_ms(&self) -> u64 {
        u64::try_from(self.get_number("busy-reply-threshold")).unwrap_or(5000)
    }

    /// `tracking-table-max-keys` (0: no limit).
    pub fn tracking_table_max_keys(&self) -> usize {
        usize::try_from(self.get_number("tracking-table-max-keys")).unwrap_or(1_000_000)
    }
}

fn set_failed(name: &str, why: &str) -> CommandError {
    CommandError::err(format!(
        "CONFIG SET failed (possibly related to argument '{name}') - {why}"
    ))
}

#[cfg(test)]
mod tests;

/// The settings of a replica's rules and of its link to the master.
#[derive(Debug, Clone)]
pub struct ReplicaSettings {
    /// `replica-read-only`.
    pub read_only: bool,
    /// `replica-serve-stale-data`.
    pub serve_stale_data: bool,
    /// `replica-ignore-maxmemory`.
    pub ignore_maxmemory: bool,
    /// `min-replicas-to-write` and `min-replicas-max-lag`.
    pub min_replicas: (usize, u64),
    /// `masterauth`, if set.
    pub master_auth: Option<String>,
    /// `masteruser`, if set.
    pub master_user: Option<String>,
    /// `replica-announce-ip`, if set.
    pub announce_ip: Option<String>,
    /// `replica-announce-port` (0: the port this server listens on).
    pub announce_port: u16,
    /// `repl-timeout`, in seconds.
    pub timeout_secs: u64,
}
