//! [`Frame`], one RESP2/RESP3 value, and [`encode`], its writer.

use bytes::{Bytes, BytesMut};

use crate::write;

/// A decoded or encodable RESP value (every RESP2 and RESP3 type Redis 7.0
/// sends).
///
/// [`encode`] and [`decode`](crate::decode) are exact inverses:
/// `decode(encode(f)) == f` for every frame whose simple strings contain no
/// `\r`/`\n` and whose big numbers are digits (doubles compare as `f64`, so a
/// NaN never equals itself).
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `+text\r\n`: a status reply such as `OK`.
    Simple(Bytes),
    /// `-text\r\n` (or the RESP3 blob error `!len\r\n...`): an error reply.
    Error(Bytes),
    /// `:n\r\n`.
    Integer(i64),
    /// `$len\r\nbytes\r\n`: a binary-safe string.
    Bulk(Bytes),
    /// RESP3 null: `_\r\n`.
    Null,
    /// RESP2 null bulk string: `$-1\r\n`.
    NullBulk,
    /// RESP2 null array: `*-1\r\n`.
    NullArray,
    /// `*n\r\n` followed by `n` frames.
    Array(Vec<Frame>),
    /// RESP3 map: `%n\r\n` followed by `n` key/value pairs.
    Map(Vec<(Frame, Frame)>),
    /// RESP3 set: `~n\r\n` followed by `n` frames.
    Set(Vec<Frame>),
    /// RESP3 double: `,<%.17g>\r\n` (`inf`, `-inf`, `nan` for non-finite).
    Double(f64),
    /// RESP3 boolean: `#t\r\n` / `#f\r\n`.
    Boolean(bool),
    /// RESP3 big number: `(digits\r\n`, kept as its decimal text.
    BigNumber(Bytes),
    /// RESP3 verbatim string: `=len\r\nfmt:text\r\n`.
    Verbatim {
        /// The three-byte format, e.g. `txt` or `mkd`.
        format: [u8; 3],
        /// The text after `fmt:`.
        text: Bytes,
    },
    /// RESP3 push (out-of-band data such as pub/sub messages): `>n\r\n` + frames.
    Push(Vec<Frame>),
    /// RESP3 attribute: `|n\r\n` + `n` key/value pairs, annotating the frame
    /// that follows them.
    Attribute {
        /// The attribute map.
        attributes: Vec<(Frame, Frame)>,
        /// The frame the attributes describe.
        frame: Box<Frame>,
    },
}

/// Appends the wire form of `frame` to `out`; the exact inverse of
/// [`decode`](crate::decode).
///
/// An [`Frame::Error`] whose text contains `\r` or `\n` is written as a RESP3
/// blob error (`!len\r\n...`) so that it still decodes to the same frame.
pub fn encode(frame: &Frame, out: &mut BytesMut) {
    match frame {
        Frame::Simple(s) => write::simple(out, s),
        Frame::Error(s) => {
            if s.iter().any(|&b| b == b'\r' || b == b'\n') {
                write::blob_error(out, s);
            } else {
                write::error(out, s);
            }
        }
        Frame::Integer(n) => write::integer(out, *n),
        Frame::Bulk(b) => write::bulk(out, b),
        Frame::Null => write::null(out),
        Frame::NullBulk => write::null_bulk(out),
        Frame::NullArray => write::null_array(out),
        Frame::Array(items) => encode_items(out, b'*', items),
        Frame::Set(items) => encode_items(out, b'~', items),
        Frame::Push(items) => encode_items(out, b'>', items),
        Frame::Map(pairs) => encode_pairs(out, b'%', pairs),
        Frame::Double(d) => write::double(out, *d),
        Frame::Boolean(b) => write::boolean(out, *b),
        Frame::BigNumber(digits) => write::big_number(out, digits),
        Frame::Verbatim { format, text } => write::verbatim(out, format, text),
        Frame::Attribute { attributes, frame } => {
            encode_pairs(out, b'|', attributes);
            encode(frame, out);
        }
    }
}

fn encode_items(out: &mut BytesMut, kind: u8, items: &[Frame]) {
    write::aggregate_header(out, kind, items.len());
    for item in items {
        encode(item, out);
    }
}

fn encode_pairs(out: &mut BytesMut, kind: u8, pairs: &[(Frame, Frame)]) {
    write::aggregate_header(out, kind, pairs.len());
    for (key, value) in pairs {
        encode(key, out);
        encode(value, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(frame: &Frame) -> Vec<u8> {
        let mut out = BytesMut::new();
        encode(frame, &mut out);
        out.to_vec()
    }

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    #[test]
    fn every_type() {
        assert_eq!(enc(&Frame::Simple(b("OK"))), b"+OK\r\n");
        assert_eq!(enc(&Frame::Error(b("ERR x"))), b"-ERR x\r\n");
        assert_eq!(enc(&Frame::Error(b("ERR\nx"))), b"!5\r\nERR\nx\r\n");
        assert_eq!(enc(&Frame::Integer(-7)), b":-7\r\n");
        assert_eq!(enc(&Frame::Bulk(b("hi"))), b"$2\r\nhi\r\n");
        assert_eq!(enc(&Frame::Null), b"_\r\n");
        assert_eq!(enc(&Frame::NullBulk), b"$-1\r\n");
        assert_eq!(enc(&Frame::NullArray), b"*-1\r\n");
        assert_eq!(
            enc(&Frame::Array(vec![Frame::Integer(1), Frame::Bulk(b("a"))])),
            b"*2\r\n:1\r\n$1\r\na\r\n"
        );
        assert_eq!(
            enc(&Frame::Map(vec![(
                Frame::Simple(b("k")),
                Frame::Boolean(true)
            )])),
            b"%1\r\n+k\r\n#t\r\n"
        );
        assert_eq!(enc(&Frame::Set(vec![Frame::Null])), b"~1\r\n_\r\n");
        assert_eq!(enc(&Frame::Double(3.25)), b",3.25\r\n");
        assert_eq!(enc(&Frame::Boolean(false)), b"#f\r\n");
        assert_eq!(enc(&Frame::BigNumber(b("123"))), b"(123\r\n");
        assert_eq!(
            enc(&Frame::Verbatim {
                format: *b"txt",
                text: b("hi")
            }),
            b"=6\r\ntxt:hi\r\n"
        );
        assert_eq!(
            enc(&Frame::Push(vec![Frame::Bulk(b("m"))])),
            b">1\r\n$1\r\nm\r\n"
        );
        assert_eq!(
            enc(&Frame::Attribute {
                attributes: vec![(Frame::Simple(b("ttl")), Frame::Integer(3))],
                frame: Box::new(Frame::Integer(9)),
            }),
            b"|1\r\n+ttl\r\n:3\r\n:9\r\n"
        );
    }
}
