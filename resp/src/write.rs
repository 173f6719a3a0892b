//! Low-level reply writers: encode RESP values straight into an output buffer.
//!
//! The engine builds replies with these functions without allocating a
//! [`Frame`](crate::Frame). Each function writes one complete value (or, for the
//! `*_header` functions, the header of an aggregate whose elements follow).
//! Numbers are formatted by hand into stack buffers; nothing here allocates
//! except growing `out`.

use bytes::{BufMut, BytesMut};

use crate::fmt;
use crate::number::Header;

/// Writes a simple string: `+s\r\n`. `s` must not contain `\r` or `\n`.
#[inline]
pub fn simple(out: &mut BytesMut, s: &[u8]) {
    line(out, b'+', s);
}

/// Writes an error: `-s\r\n` (`s` normally starts with a code such as `ERR `).
/// `s` must not contain `\r` or `\n`.
#[inline]
pub fn error(out: &mut BytesMut, s: &[u8]) {
    line(out, b'-', s);
}

/// Writes an integer: `:n\r\n`.
#[inline]
pub fn integer(out: &mut BytesMut, n: i64) {
    out.extend_from_slice(Header::signed(b':', n).as_bytes());
}

/// Writes a bulk string: `$len\r\nb\r\n`.
#[inline]
pub fn bulk(out: &mut BytesMut, b: &[u8]) {
    let header = Header::unsigned(b'$', b.len() as u64);
    let header = header.as_bytes();
    out.reserve(header.len() + b.len() + 2);
    out.put_slice(header);
    out.put_slice(b);
    out.put_slice(b"\r\n");
}

/// Writes the RESP2 null bulk string: `$-1\r\n`.
#[inline]
pub fn null_bulk(out: &mut BytesMut) {
    out.extend_from_slice(b"$-1\r\n");
}

/// Writes the RESP2 null array: `*-1\r\n`.
#[inline]
pub fn null_array(out: &mut BytesMut) {
    out.extend_from_slice(b"*-1\r\n");
}

/// Writes the RESP3 null: `_\r\n`.
#[inline]
pub fn null(out: &mut BytesMut) {
    out.extend_from_slice(b"_\r\n");
}

/// Writes an array header: `*len\r\n`; `len` elements must follow.
#[inline]
pub fn array_header(out: &mut BytesMut, len: usize) {
    aggregate_header(out, b'*', len);
}

/// Writes a command as clients send it: an array of bulk strings.
pub fn command<A: AsRef<[u8]>>(out: &mut BytesMut, argv: &[A]) {
    array_header(out, argv.len());
    for arg in argv {
        bulk(out, arg.as_ref());
    }
}

/// Writes an aggregate header `<kind>len\r\n`: `b'*'` array, `b'%'` map (then
/// `len` key/value *pairs* follow), `b'~'` set, `b'>'` push, `b'|'` attribute.
#[inline]
pub fn aggregate_header(out: &mut BytesMut, kind: u8, len: usize) {
    out.extend_from_slice(Header::unsigned(kind, len as u64).as_bytes());
}

/// Writes a RESP3 double: `,<d formatted by fmt::double_g17>\r\n`
/// (`,inf\r\n`, `,-inf\r\n` for infinities, like Redis).
#[inline]
pub fn double(out: &mut BytesMut, d: f64) {
    let mut buf = [0u8; fmt::G17_MAX];
    let len = fmt::g17_into(d, &mut buf);
    line(out, b',', &buf[..len]);
}

/// Writes a RESP3 double already formatted as `text`: `,text\r\n`.
#[inline]
pub fn double_text(out: &mut BytesMut, text: &[u8]) {
    line(out, b',', text);
}

/// Writes a RESP3 boolean: `#t\r\n` or `#f\r\n`.
#[inline]
pub fn boolean(out: &mut BytesMut, b: bool) {
    out.extend_from_slice(if b { b"#t\r\n" } else { b"#f\r\n" });
}

/// Writes a RESP3 verbatim string: `=len\r\nfmt:text\r\n` where `len` counts
/// the 4 bytes of `fmt:` plus `text` (e.g. format `txt` or `mkd`).
#[inline]
pub fn verbatim(out: &mut BytesMut, format: &[u8; 3], text: &[u8]) {
    let header = Header::unsigned(b'=', text.len() as u64 + 4);
    let header = header.as_bytes();
    out.reserve(header.len() + 4 + text.len() + 2);
    out.put_slice(header);
    out.put_slice(format);
    out.put_u8(b':');
    out.put_slice(text);
    out.put_slice(b"\r\n");
}

/// Writes a RESP3 big number: `(digits\r\n`.
#[inline]
pub fn big_number(out: &mut BytesMut, digits: &[u8]) {
    line(out, b'(', digits);
}

/// Writes a RESP3 blob error: `!len\r\nb\r\n` (used by [`crate::encode`] for an
/// error message that contains a line break).
#[inline]
pub(crate) fn blob_error(out: &mut BytesMut, b: &[u8]) {
    let header = Header::unsigned(b'!', b.len() as u64);
    let header = header.as_bytes();
    out.reserve(header.len() + b.len() + 2);
    out.put_slice(header);
    out.put_slice(b);
    out.put_slice(b"\r\n");
}

/// `<kind>s\r\n`.
#[inline]
fn line(out: &mut BytesMut, kind: u8, s: &[u8]) {
    out.reserve(s.len() + 3);
    out.put_u8(kind);
    out.put_slice(s);
    out.put_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl FnOnce(&mut BytesMut)) -> Vec<u8> {
        let mut out = BytesMut::new();
        f(&mut out);
        out.to_vec()
    }

    #[test]
    fn a_command_is_an_array_of_bulk_strings() {
        assert_eq!(
            with(|o| command(o, &[&b"SET"[..], b"k", b""])),
            b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"
        );
    }

    #[test]
    fn every_writer() {
        assert_eq!(with(|o| simple(o, b"OK")), b"+OK\r\n");
        assert_eq!(with(|o| error(o, b"ERR no")), b"-ERR no\r\n");
        assert_eq!(with(|o| integer(o, 0)), b":0\r\n");
        assert_eq!(with(|o| integer(o, -12345)), b":-12345\r\n");
        assert_eq!(with(|o| integer(o, i64::MAX)), b":9223372036854775807\r\n");
        assert_eq!(with(|o| integer(o, i64::MIN)), b":-9223372036854775808\r\n");
        assert_eq!(with(|o| bulk(o, b"hello")), b"$5\r\nhello\r\n");
        assert_eq!(with(|o| bulk(o, b"")), b"$0\r\n\r\n");
        assert_eq!(with(null_bulk), b"$-1\r\n");
        assert_eq!(with(null_array), b"*-1\r\n");
        assert_eq!(with(null), b"_\r\n");
        assert_eq!(with(|o| array_header(o, 3)), b"*3\r\n");
        assert_eq!(with(|o| aggregate_header(o, b'%', 2)), b"%2\r\n");
        assert_eq!(with(|o| aggregate_header(o, b'~', 0)), b"~0\r\n");
        assert_eq!(with(|o| aggregate_header(o, b'>', 10)), b">10\r\n");
        assert_eq!(with(|o| double(o, 1.5)), b",1.5\r\n");
        assert_eq!(with(|o| double(o, 0.1)), b",0.10000000000000001\r\n");
        assert_eq!(with(|o| double(o, f64::INFINITY)), b",inf\r\n");
        assert_eq!(with(|o| double(o, f64::NEG_INFINITY)), b",-inf\r\n");
        assert_eq!(with(|o| boolean(o, true)), b"#t\r\n");
        assert_eq!(with(|o| boolean(o, false)), b"#f\r\n");
        assert_eq!(
            with(|o| verbatim(o, b"txt", b"Some string")),
            b"=15\r\ntxt:Some string\r\n"
        );
        assert_eq!(
            with(|o| big_number(o, b"-3492890328409238509324850943850943825024385")),
            {
                let mut v = b"(-3492890328409238509324850943850943825024385".to_vec();
                v.extend_from_slice(b"\r\n");
                v
            }
        );
        assert_eq!(
            with(|o| blob_error(o, b"SYNTAX a\r\nb")),
            b"!11\r\nSYNTAX a\r\nb\r\n"
        );
    }
}
