//! Splitting an inline request line into arguments, with the exact rules of
//! Redis's `sdssplitargs`.
//!
//! - Arguments are separated by blanks. Leading blanks are C `isspace` (space,
//!   `\t`, `\n`, `\v`, `\f`, `\r`), but an unquoted argument ends only at space,
//!   `\t`, `\n`, `\r` or the end of the line, so `\v` and `\f` *inside* an
//!   argument are kept.
//! - `"double quotes"` understand `\xHH` (two hex digits), `\n`, `\r`, `\t`,
//!   `\b`, `\a` and `\<any other byte>` (that byte; so `\\` and `\"`); an invalid
//!   `\x` escape is just `x`.
//! - `'single quotes'` understand only `\'`; every other byte is literal.
//! - A quote may start in the middle of an argument (`ab"c d"` is `abc d`), but a
//!   closing quote must be followed by a blank or the end of the line, and a
//!   quote must be closed: otherwise the whole line is rejected.
//!
//! Arguments without quotes are zero-copy slices of the line.

use bytes::Bytes;

/// C's `isspace` in the "C" locale.
#[inline]
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

#[inline]
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The line is not a valid argument list (unbalanced quotes).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unbalanced;

/// Splits `line[..len]` into arguments appended to `argv`. The request reader
/// never passes a line holding a NUL byte (Redis's line search stops at NUL);
/// if there were one, it would end the line, as it ends the C string.
pub(crate) fn split_args(
    line: &Bytes,
    len: usize,
    argv: &mut Vec<Bytes>,
) -> Result<(), Unbalanced> {
    let s = &line[..len];
    // Byte at `i`, or 0 past the end (the C string's terminator).
    let at = |i: usize| -> u8 { s.get(i).copied().unwrap_or(0) };
    let mut i = 0;
    loop {
        while i < s.len() && is_c_space(s[i]) {
            i += 1;
        }
        if at(i) == 0 {
            // The end of the line (a NUL would end the C string too).
            return Ok(());
        }
        let start = i;
        // Set once the argument needs unescaping; until then it is `s[start..i]`.
        let mut owned: Option<Vec<u8>> = None;
        let mut in_double = false;
        let mut in_single = false;
        // Where an unquoted argument ends (its separator or the end of line).
        let mut end = start;
        loop {
            let c = at(i);
            if in_double {
                let buf = owned.get_or_insert_with(Vec::new);
                if c == b'\\' && at(i + 1) == b'x' {
                    if let (Some(hi), Some(lo)) = (hex_value(at(i + 2)), hex_value(at(i + 3))) {
                        buf.push(hi * 16 + lo);
                        i += 4;
                        continue;
                    }
                }
                if c == b'\\' && at(i + 1) != 0 {
                    buf.push(match at(i + 1) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                    i += 2;
                } else if c == b'"' {
                    let next = at(i + 1);
                    if next != 0 && !is_c_space(next) {
                        return Err(Unbalanced);
                    }
                    i += 1;
                    break;
                } else if c == 0 {
                    return Err(Unbalanced);
                } else {
                    buf.push(c);
                    i += 1;
                }
            } else if in_single {
                let buf = owned.get_or_insert_with(Vec::new);
                if c == b'\\' && at(i + 1) == b'\'' {
                    buf.push(b'\'');
                    i += 2;
                } else if c == b'\'' {
                    let next = at(i + 1);
                    if next != 0 && !is_c_space(next) {
                        return Err(Unbalanced);
                    }
                    i += 1;
                    break;
                } else if c == 0 {
                    return Err(Unbalanced);
                } else {
                    buf.push(c);
                    i += 1;
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => {
                        end = i;
                        if c != 0 {
                            i += 1;
                        }
                        break;
                    }
                    b'"' | b'\'' => {
                        // Switch to an owned buffer holding what came before.
                        if owned.is_none() {
                            owned = Some(s[start..i].to_vec());
                        }
                        in_double = c == b'"';
                        in_single = c == b'\'';
                        i += 1;
                    }
                    _ => {
                        if let Some(buf) = owned.as_mut() {
                            buf.push(c);
                        }
                        i += 1;
                    }
                }
            }
        }
        argv.push(match owned {
            Some(buf) => Bytes::from(buf),
            None => line.slice(start..end),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &[u8]) -> Result<Vec<Vec<u8>>, Unbalanced> {
        let bytes = Bytes::copy_from_slice(line);
        let mut argv = Vec::new();
        split_args(&bytes, line.len(), &mut argv)?;
        Ok(argv.into_iter().map(|a| a.to_vec()).collect())
    }

    fn ok(line: &[u8]) -> Vec<Vec<u8>> {
        split(line).unwrap_or_else(|_| panic!("{:?} unbalanced", String::from_utf8_lossy(line)))
    }

    fn v(args: &[&[u8]]) -> Vec<Vec<u8>> {
        args.iter().map(|a| a.to_vec()).collect()
    }

    #[test]
    fn plain_words() {
        assert_eq!(ok(b"SET key value"), v(&[b"SET", b"key", b"value"]));
        assert_eq!(ok(b"  GET   k  "), v(&[b"GET", b"k"]));
        assert_eq!(ok(b"a\tb\rc\nd"), v(&[b"a", b"b", b"c", b"d"]));
        assert_eq!(ok(b""), v(&[]));
        assert_eq!(ok(b"   "), v(&[]));
        assert_eq!(ok(b"x"), v(&[b"x"]));
    }

    #[test]
    fn vertical_tab_and_form_feed() {
        // Skipped as leading blanks, kept inside an unquoted argument.
        assert_eq!(ok(b"\x0b\x0ca\x0bb\x0c c"), v(&[b"a\x0bb\x0c", b"c"]));
    }

    #[test]
    fn double_quotes() {
        assert_eq!(ok(b"SET \"a b\" c"), v(&[b"SET", b"a b", b"c"]));
        assert_eq!(ok(b"\"\""), v(&[b""]));
        assert_eq!(ok(b"\"\\x41\\x7a\\xFF\\x00\""), v(&[b"Az\xff\x00"]));
        assert_eq!(ok(b"\"\\xZZ\""), v(&[b"xZZ"]));
        assert_eq!(ok(b"\"\\x4\""), v(&[b"x4"]));
        assert_eq!(
            ok(b"\"\\n\\r\\t\\b\\a\\\\\\\"\\q\""),
            v(&[b"\n\r\t\x08\x07\\\"q"])
        );
        assert_eq!(ok(b"\"a\" \"b\"\t\"c\""), v(&[b"a", b"b", b"c"]));
        assert_eq!(ok(b"\"a\"\x0bb"), v(&[b"a", b"b"]));
    }

    #[test]
    fn single_quotes() {
        assert_eq!(ok(b"'a b'"), v(&[b"a b"]));
        assert_eq!(ok(b"'it\\'s'"), v(&[b"it's"]));
        assert_eq!(ok(b"'\\n\\x41'"), v(&[b"\\n\\x41"]));
        assert_eq!(ok(b"''"), v(&[b""]));
    }

    #[test]
    fn quote_inside_a_word() {
        assert_eq!(ok(b"ab\"c d\" e"), v(&[b"abc d", b"e"]));
        assert_eq!(ok(b"ab'c d'"), v(&[b"abc d"]));
    }

    #[test]
    fn unbalanced() {
        for line in [
            &b"\"abc"[..],
            b"'abc",
            b"\"a\"b",
            b"'a'b",
            b"\"a\"\"b\"",
            b"'a'\"b\"",
            b"\"abc\\\"",
            b"x \"",
            b"\"\\",
        ] {
            assert_eq!(
                split(line),
                Err(Unbalanced),
                "{:?}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn nul_ends_the_line() {
        assert_eq!(ok(b"a\x00b"), v(&[b"a"]));
        assert_eq!(ok(b"a \x00b"), v(&[b"a"]));
        assert_eq!(split(b"\"a\x00\""), Err(Unbalanced));
    }

    #[test]
    fn unquoted_arguments_are_zero_copy() {
        let line = Bytes::from_static(b"GET key");
        let mut argv = Vec::new();
        assert_eq!(split_args(&line, line.len(), &mut argv), Ok(()));
        assert_eq!(argv[1].as_ptr() as usize, line.as_ptr() as usize + 4);
    }
}
