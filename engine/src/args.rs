//! A typed cursor over a command's arguments.
//!
//! Dispatch has already checked arity against the command table, so handlers ask for
//! what they expect (`key()`, `i64()`, `eat_keyword("NX")`) and never count. A missing
//! mandatory argument still answers `ERR syntax error` rather than panicking, so a wrong
//! arity in the table can never crash the server.

use bytes::Bytes;

use crate::error::CommandError;
use crate::num;

/// An argument's bytes as C string functions see them (`strcasecmp`, `%s`, `strtod`):
/// everything before the first NUL. Redis reads many arguments this way.
pub fn c_str(bytes: &[u8]) -> &[u8] {
    bytes
        .iter()
        .position(|&b| b == 0)
        .map_or(bytes, |nul| &bytes[..nul])
}

/// The arguments of one command, after its name (and subcommand name, if any).
#[derive(Debug, Clone)]
pub struct Args<'a> {
    argv: &'a [Bytes],
    position: usize,
}

impl<'a> Args<'a> {
    /// A cursor over `argv`, starting at index `start`.
    pub fn new(argv: &'a [Bytes], start: usize) -> Self {
        Args {
            argv,
            position: start.min(argv.len()),
        }
    }

    /// The whole argv, command name included.
    pub fn argv(&self) -> &'a [Bytes] {
        self.argv
    }

    /// The argv index of the next argument.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Arguments not consumed yet.
    pub fn remaining(&self) -> usize {
        self.argv.len() - self.position
    }

    /// True when every argument has been consumed.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The rest of the arguments, consuming them.
    pub fn rest(&mut self) -> &'a [Bytes] {
        let rest = &self.argv[self.position..];
        self.position = self.argv.len();
        rest
    }

    /// The next argument without consuming it.
    pub fn peek(&self) -> Option<&'a Bytes> {
        self.argv.get(self.position)
    }

    /// The next argument, if any.
    pub fn try_next(&mut self) -> Option<&'a Bytes> {
        let arg = self.argv.get(self.position)?;
        self.position += 1;
        Some(arg)
    }

    /// The next argument; `ERR syntax error` if there is none.
    pub fn required(&mut self) -> Result<&'a Bytes, CommandError> {
        self.try_next().ok_or(CommandError::Syntax)
    }

    /// The next argument as a key (a cheap clone sharing the request buffer).
    pub fn key(&mut self) -> Result<Bytes, CommandError> {
        self.required().cloned()
    }

    /// The next argument as Redis's strict 64-bit integer.
    pub fn i64(&mut self) -> Result<i64, CommandError> {
        parse_i64(self.required()?)
    }

    /// The next argument as a float (Redis's `getDoubleFromObject` rules).
    pub fn f64(&mut self) -> Result<f64, CommandError> {
        num::parse_f64(self.required()?).ok_or(CommandError::NotAFloat)
    }

    /// The next argument as an integer in `min..=max`, answering Redis's
    /// `getRangeLongFromObjectOrReply` errors: `message` (as `ERR message`) for a
    /// non-integer or out-of-range value when given, Redis's generic texts otherwise.
    pub fn i64_in(
        &mut self,
        min: i64,
        max: i64,
        message: Option<&'static str>,
    ) -> Result<i64, CommandError> {
        let custom = || message.map(CommandError::err);
        let value = num::parse_i64(self.required()?)
            .ok_or_else(|| custom().unwrap_or(CommandError::NotAnInteger))?;
        if value < min || value > max {
            return Err(custom().unwrap_or_else(|| {
                CommandError::err(format!(
                    "value is out of range, value must between {min} and {max}"
                ))
            }));
        }
        Ok(value)
    }

    /// The next argument as a non-negative integer (Redis's
    /// `getPositiveLongFromObjectOrReply`), with `message` for any bad value.
    pub fn non_negative(&mut self, message: &'static str) -> Result<i64, CommandError> {
        self.i64_in(0, i64::MAX, Some(message))
    }

    /// Consumes the next argument if it equals `keyword`, ignoring ASCII case.
    pub fn eat_keyword(&mut self, keyword: &str) -> bool {
        match self.peek() {
            Some(arg) if arg.eq_ignore_ascii_case(keyword.as_bytes()) => {
                self.position += 1;
                true
            }
            _ => false,
        }
    }

    /// `ERR syntax error` unless every argument was consumed.
    pub fn finish(&self) -> Result<(), CommandError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(CommandError::Syntax)
        }
    }
}

/// Parses `arg` as Redis's strict 64-bit integer.
pub fn parse_i64(arg: &[u8]) -> Result<i64, CommandError> {
    num::parse_i64(arg).ok_or(CommandError::NotAnInteger)
}

/// True when `arg` equals `keyword`, ignoring ASCII case.
pub fn is_keyword(arg: &[u8], keyword: &str) -> bool {
    arg.eq_ignore_ascii_case(keyword.as_bytes())
}

/// A two-way switch (`ON|OFF`, `YES|NO`, any case): true for `yes`, false for `no`,
/// a syntax error otherwise.
pub fn switch(arg: &[u8], yes: &str, no: &str) -> Result<bool, CommandError> {
    if is_keyword(arg, yes) {
        Ok(true)
    } else if is_keyword(arg, no) {
        Ok(false)
    } else {
        Err(CommandError::Syntax)
    }
}

/// Words as an argv (for tests).
#[cfg(test)]
pub(crate) fn argv(words: &[&str]) -> Vec<Bytes> {
    words
        .iter()
        .map(|word| Bytes::copy_from_slice(word.as_bytes()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_str_stops_at_the_first_nul() {
        assert_eq!(c_str(b"and\0x"), b"and");
        assert_eq!(c_str(b"\0"), b"");
        assert_eq!(c_str(b"plain"), b"plain");
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let argv = argv(&["set", "k", "v", "nx"]);
        let mut args = Args::new(&argv, 3);
        assert!(!args.eat_keyword("XX"));
        assert!(args.eat_keyword("NX"));
        assert!(args.finish().is_ok());
    }

    #[test]
    fn missing_argument_is_a_syntax_error_not_a_panic() {
        let argv = argv(&["get"]);
        let mut args = Args::new(&argv, 1);
        assert_eq!(args.key(), Err(CommandError::Syntax));
        assert_eq!(args.i64(), Err(CommandError::Syntax));
    }

    #[test]
    fn integers_follow_redis_rules() {
        let argv = argv(&["x", "12", "+1", "1.0"]);
        let mut args = Args::new(&argv, 1);
        assert_eq!(args.i64(), Ok(12));
        assert_eq!(args.i64(), Err(CommandError::NotAnInteger));
        assert_eq!(args.i64(), Err(CommandError::NotAnInteger));
    }

    #[test]
    fn leftover_arguments_are_a_syntax_error() {
        let argv = argv(&["x", "a"]);
        assert_eq!(Args::new(&argv, 1).finish(), Err(CommandError::Syntax));
    }
}
