//! [`decode`]: the full RESP2/RESP3 reader, for clients and tests.
//!
//! Decoding is two passes over the buffered bytes. The first pass only
//! *measures*: it walks the frame, validates every header and finds where the
//! frame ends, without allocating or consuming anything, so an incomplete frame
//! leaves the buffer untouched. The second pass splits exactly that many bytes
//! off the buffer, freezes them and builds the [`Frame`], taking every bulk
//! payload as a zero-copy slice. Because the first pass proved that every
//! element is present, the second may size each `Vec` from the declared count:
//! untrusted lengths never cause an allocation larger than the input.

use bytes::{Bytes, BytesMut};

use crate::error::ProtocolError;
use crate::frame::Frame;
use crate::number::parse_i64;

/// Aggregates may nest this deep; one level deeper is a protocol error.
pub const MAX_DEPTH: usize = 128;

const ERR_CRLF: ProtocolError = ProtocolError::fixed("Protocol error: expected CRLF");
const ERR_INTEGER: ProtocolError = ProtocolError::fixed("Protocol error: invalid integer");
const ERR_BULK_LEN: ProtocolError = ProtocolError::fixed("Protocol error: invalid bulk length");
const ERR_BULK_END: ProtocolError =
    ProtocolError::fixed("Protocol error: bulk string not terminated by CRLF");
const ERR_AGGREGATE_LEN: ProtocolError =
    ProtocolError::fixed("Protocol error: invalid multibulk length");
const ERR_DOUBLE: ProtocolError = ProtocolError::fixed("Protocol error: invalid double");
const ERR_BOOLEAN: ProtocolError = ProtocolError::fixed("Protocol error: invalid boolean");
const ERR_BIG_NUMBER: ProtocolError = ProtocolError::fixed("Protocol error: invalid big number");
const ERR_NULL: ProtocolError = ProtocolError::fixed("Protocol error: invalid null");
const ERR_VERBATIM: ProtocolError = ProtocolError::fixed("Protocol error: invalid verbatim string");
const ERR_DEPTH: ProtocolError = ProtocolError::fixed("Protocol error: nesting too deep");

/// Decodes one complete frame from the front of `buf`.
///
/// - `Ok(None)`: `buf` holds only part of a frame; it is left untouched. Append
///   more bytes and call again.
/// - `Ok(Some(frame))`: exactly that frame's bytes were removed from `buf`; bulk
///   payloads are zero-copy slices of them.
/// - `Err(_)`: the bytes can never form a valid frame (bad type byte, bad
///   length, missing CRLF, nesting deeper than 128, ...).
///
/// Reads every type of RESP2 and RESP3 that Redis 7.0 sends, plus the RESP3
/// blob error (`!`), which becomes [`Frame::Error`]. Streamed RESP3 aggregates
/// (`*?`) are not supported.
pub fn decode(buf: &mut BytesMut) -> Result<Option<Frame>, ProtocolError> {
    let end = match measure(buf, 0, 0)? {
        Some(end) => end,
        None => return Ok(None),
    };
    let data = buf.split_to(end).freeze();
    let mut pos = 0;
    build(&data, &mut pos)
}

/// Finds the end of the line that starts at `start`: returns the index of its
/// `\r`, which is followed by `\n`. `None` when the line is not complete yet.
#[inline]
fn line_end(data: &[u8], start: usize) -> Result<Option<usize>, ProtocolError> {
    let rest = data.get(start..).unwrap_or(&[]);
    let Some(offset) = rest.iter().position(|&b| b == b'\r') else {
        return Ok(None);
    };
    let cr = start + offset;
    match data.get(cr + 1) {
        None => Ok(None),
        Some(b'\n') => Ok(Some(cr)),
        Some(_) => Err(ERR_CRLF),
    }
}

/// A frame's header line: `(type byte, line bytes, next pos)`.
type Header<'a> = (u8, &'a [u8], usize);

/// The header line of the frame at `pos`.
#[inline]
fn header(data: &[u8], pos: usize) -> Result<Option<Header<'_>>, ProtocolError> {
    let Some(&kind) = data.get(pos) else {
        return Ok(None);
    };
    Ok(line_end(data, pos + 1)?.map(|cr| (kind, &data[pos + 1..cr], cr + 2)))
}

/// A `$`/`=`/`!` payload: returns `(payload start, payload end)` once the
/// payload and its CRLF are buffered.
#[inline]
fn payload(data: &[u8], start: usize, len: i64) -> Result<Option<(usize, usize)>, ProtocolError> {
    let len = usize::try_from(len).map_err(|_| ERR_BULK_LEN)?;
    let end = start.checked_add(len).ok_or(ERR_BULK_LEN)?;
    let Some(crlf) = end.checked_add(2).and_then(|stop| data.get(end..stop)) else {
        return Ok(None);
    };
    if crlf != b"\r\n" {
        return Err(ERR_BULK_END);
    }
    Ok(Some((start, end)))
}

fn parse_double(line: &[u8]) -> Result<f64, ProtocolError> {
    std::str::from_utf8(line)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .ok_or(ERR_DOUBLE)
}

fn check_big_number(line: &[u8]) -> Result<(), ProtocolError> {
    let digits = line.strip_prefix(b"-").unwrap_or(line);
    if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
        Ok(())
    } else {
        Err(ERR_BIG_NUMBER)
    }
}

fn check_boolean(line: &[u8]) -> Result<bool, ProtocolError> {
    match line {
        b"t" => Ok(true),
        b"f" => Ok(false),
        _ => Err(ERR_BOOLEAN),
    }
}

fn unexpected_type(kind: u8) -> ProtocolError {
    ProtocolError::owned(format!(
        "Protocol error: unexpected type byte '{}'",
        [kind].escape_ascii()
    ))
}

/// The element count of an aggregate header (`-1` only for `*`, the RESP2 null
/// array).
#[inline]
fn aggregate_len(kind: u8, line: &[u8]) -> Result<Option<u64>, ProtocolError> {
    match parse_i64(line) {
        Some(-1) if kind == b'*' => Ok(None),
        Some(n) if n >= 0 => Ok(Some(n as u64)),
        _ => Err(ERR_AGGREGATE_LEN),
    }
}

/// Pass 1: validates the frame at `pos` and returns where it ends, or `None`
/// if it is incomplete. Never allocates (except to format a bad type byte).
fn measure(data: &[u8], pos: usize, depth: usize) -> Result<Option<usize>, ProtocolError> {
    let Some((kind, line, next)) = header(data, pos)? else {
        return Ok(None);
    };
    match kind {
        b'+' | b'-' => Ok(Some(next)),
        b':' => parse_i64(line).map(|_| Some(next)).ok_or(ERR_INTEGER),
        b'_' if line.is_empty() => Ok(Some(next)),
        b'_' => Err(ERR_NULL),
        b',' => parse_double(line).map(|_| Some(next)),
        b'#' => check_boolean(line).map(|_| Some(next)),
        b'(' => check_big_number(line).map(|_| Some(next)),
        b'$' | b'=' | b'!' => {
            let len = parse_i64(line).ok_or(ERR_BULK_LEN)?;
            if len == -1 && kind == b'$' {
                return Ok(Some(next));
            }
            let Some((start, end)) = payload(data, next, len)? else {
                return Ok(None);
            };
            if kind == b'=' && (end - start < 4 || data[start + 3] != b':') {
                return Err(ERR_VERBATIM);
            }
            Ok(Some(end + 2))
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let Some(count) = aggregate_len(kind, line)? else {
                return Ok(Some(next));
            };
            if depth >= MAX_DEPTH {
                return Err(ERR_DEPTH);
            }
            let per_item = if kind == b'%' || kind == b'|' { 2 } else { 1 };
            let mut pos = next;
            for _ in 0..count {
                for _ in 0..per_item {
                    match measure(data, pos, depth + 1)? {
                        Some(end) => pos = end,
                        None => return Ok(None),
                    }
                }
            }
            if kind == b'|' {
                // The attributes annotate the frame that follows them.
                match measure(data, pos, depth + 1)? {
                    Some(end) => pos = end,
                    None => return Ok(None),
                }
            }
            Ok(Some(pos))
        }
        other => Err(unexpected_type(other)),
    }
}

/// Pass 2: builds the frame at `*pos` from bytes that [`measure`] accepted.
/// The error paths are unreachable after a successful measure but are kept
/// rather than unwrapping.
fn build(data: &Bytes, pos: &mut usize) -> Result<Option<Frame>, ProtocolError> {
    build_frame(data, pos).map(Some)
}

fn build_frame(data: &Bytes, pos: &mut usize) -> Result<Frame, ProtocolError> {
    let Some((kind, line, next)) = header(data, *pos)? else {
        return Err(ERR_CRLF);
    };
    let line_start = *pos + 1;
    let line_range = line_start..line_start + line.len();
    *pos = next;
    let frame = match kind {
        b'+' => Frame::Simple(data.slice(line_range)),
        b'-' => Frame::Error(data.slice(line_range)),
        b':' => Frame::Integer(parse_i64(line).ok_or(ERR_INTEGER)?),
        b'_' => Frame::Null,
        b',' => Frame::Double(parse_double(line)?),
        b'#' => Frame::Boolean(check_boolean(line)?),
        b'(' => Frame::BigNumber(data.slice(line_range)),
        b'$' | b'=' | b'!' => {
            let len = parse_i64(line).ok_or(ERR_BULK_LEN)?;
            if len == -1 && kind == b'$' {
                return Ok(Frame::NullBulk);
            }
            let (start, end) = payload(data, next, len)?.ok_or(ERR_BULK_END)?;
            *pos = end + 2;
            match kind {
                b'$' => Frame::Bulk(data.slice(start..end)),
                b'!' => Frame::Error(data.slice(start..end)),
                _ => {
                    let format = data
                        .get(start..start + 3)
                        .and_then(|f| <[u8; 3]>::try_from(f).ok())
                        .ok_or(ERR_VERBATIM)?;
                    Frame::Verbatim {
                        format,
                        text: data.slice(start + 4..end),
                    }
                }
            }
        }
        b'*' | b'~' | b'>' => {
            let Some(count) = aggregate_len(kind, line)? else {
                return Ok(Frame::NullArray);
            };
            // Safe to size from `count`: pass 1 found every element buffered.
            let mut items = Vec::with_capacity(count as usize);
            for _ in 0..count {
                items.push(build_frame(data, pos)?);
            }
            match kind {
                b'*' => Frame::Array(items),
                b'~' => Frame::Set(items),
                _ => Frame::Push(items),
            }
        }
        b'%' | b'|' => {
            let count = aggregate_len(kind, line)?.ok_or(ERR_AGGREGATE_LEN)?;
            let mut pairs = Vec::with_capacity(count as usize);
            for _ in 0..count {
                let key = build_frame(data, pos)?;
                let value = build_frame(data, pos)?;
                pairs.push((key, value));
            }
            if kind == b'%' {
                Frame::Map(pairs)
            } else {
                let frame = Box::new(build_frame(data, pos)?);
                Frame::Attribute {
                    attributes: pairs,
                    frame,
                }
            }
        }
        other => return Err(unexpected_type(other)),
    };
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::encode;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    fn one(input: &[u8]) -> Result<Option<Frame>, ProtocolError> {
        let mut buf = BytesMut::from(input);
        let result = decode(&mut buf);
        if let Ok(Some(_)) = result {
            assert!(buf.is_empty(), "frame left {:?}", buf);
        }
        result
    }

    fn frame(input: &[u8]) -> Frame {
        match one(input) {
            Ok(Some(frame)) => frame,
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(input)),
        }
    }

    fn err(input: &[u8]) -> String {
        match one(input) {
            Err(e) => e.message().to_owned(),
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(input)),
        }
    }

    #[test]
    fn every_type() {
        assert_eq!(frame(b"+OK\r\n"), Frame::Simple(b("OK")));
        assert_eq!(frame(b"+\r\n"), Frame::Simple(b("")));
        assert_eq!(frame(b"-ERR bad\r\n"), Frame::Error(b("ERR bad")));
        assert_eq!(frame(b"!5\r\nA\r\nBC\r\n"), Frame::Error(b("A\r\nBC")));
        assert_eq!(frame(b":0\r\n"), Frame::Integer(0));
        assert_eq!(
            frame(b":-9223372036854775808\r\n"),
            Frame::Integer(i64::MIN)
        );
        assert_eq!(frame(b"$5\r\nhello\r\n"), Frame::Bulk(b("hello")));
        assert_eq!(frame(b"$0\r\n\r\n"), Frame::Bulk(b("")));
        assert_eq!(frame(b"$4\r\na\r\nb\r\n"), Frame::Bulk(b("a\r\nb")));
        assert_eq!(frame(b"$-1\r\n"), Frame::NullBulk);
        assert_eq!(frame(b"*-1\r\n"), Frame::NullArray);
        assert_eq!(frame(b"_\r\n"), Frame::Null);
        assert_eq!(frame(b"*0\r\n"), Frame::Array(vec![]));
        assert_eq!(
            frame(b"*2\r\n:1\r\n*1\r\n$1\r\nx\r\n"),
            Frame::Array(vec![
                Frame::Integer(1),
                Frame::Array(vec![Frame::Bulk(b("x"))])
            ])
        );
        assert_eq!(
            frame(b"%2\r\n+a\r\n:1\r\n+b\r\n_\r\n"),
            Frame::Map(vec![
                (Frame::Simple(b("a")), Frame::Integer(1)),
                (Frame::Simple(b("b")), Frame::Null)
            ])
        );
        assert_eq!(
            frame(b"~1\r\n#t\r\n"),
            Frame::Set(vec![Frame::Boolean(true)])
        );
        assert_eq!(frame(b",1.5\r\n"), Frame::Double(1.5));
        assert_eq!(frame(b",-0\r\n"), Frame::Double(-0.0));
        assert_eq!(frame(b",inf\r\n"), Frame::Double(f64::INFINITY));
        assert_eq!(frame(b",-inf\r\n"), Frame::Double(f64::NEG_INFINITY));
        assert!(matches!(frame(b",nan\r\n"), Frame::Double(d) if d.is_nan()));
        assert_eq!(frame(b",1e+20\r\n"), Frame::Double(1e20));
        assert_eq!(frame(b"#f\r\n"), Frame::Boolean(false));
        assert_eq!(
            frame(b"(-12345678901234567890\r\n"),
            Frame::BigNumber(b("-12345678901234567890"))
        );
        assert_eq!(
            frame(b"=15\r\ntxt:Some string\r\n"),
            Frame::Verbatim {
                format: *b"txt",
                text: b("Some string")
            }
        );
        assert_eq!(
            frame(b"=4\r\nmkd:\r\n"),
            Frame::Verbatim {
                format: *b"mkd",
                text: b("")
            }
        );
        assert_eq!(
            frame(b">2\r\n$7\r\nmessage\r\n$2\r\nhi\r\n"),
            Frame::Push(vec![Frame::Bulk(b("message")), Frame::Bulk(b("hi"))])
        );
        assert_eq!(
            frame(b"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*1\r\n:2\r\n"),
            Frame::Attribute {
                attributes: vec![(
                    Frame::Simple(b("key-popularity")),
                    Frame::Map(vec![(Frame::Bulk(b("a")), Frame::Double(0.1923))])
                )],
                frame: Box::new(Frame::Array(vec![Frame::Integer(2)])),
            }
        );
    }

    #[test]
    fn consumes_exactly_one_frame() {
        let mut buf = BytesMut::from(&b"+A\r\n$1\r\nb\r\n:1"[..]);
        assert_eq!(decode(&mut buf), Ok(Some(Frame::Simple(b("A")))));
        assert_eq!(&buf[..], b"$1\r\nb\r\n:1");
        assert_eq!(decode(&mut buf), Ok(Some(Frame::Bulk(b("b")))));
        assert_eq!(&buf[..], b":1");
        assert_eq!(decode(&mut buf), Ok(None));
        assert_eq!(&buf[..], b":1");
    }

    #[test]
    fn incomplete_leaves_buffer_untouched() {
        let full: &[u8] =
            b"*3\r\n$3\r\nSET\r\n%1\r\n+k\r\n=6\r\ntxt:hi\r\n|1\r\n+a\r\n:1\r\n#t\r\n";
        for cut in 0..full.len() {
            let mut buf = BytesMut::from(&full[..cut]);
            assert_eq!(decode(&mut buf), Ok(None), "cut at {cut}");
            assert_eq!(&buf[..], &full[..cut]);
        }
        assert!(one(full).is_ok_and(|f| f.is_some()));
    }

    #[test]
    fn bulk_payload_is_zero_copy() {
        let mut buf = BytesMut::from(&b"$5\r\nhello\r\n"[..]);
        let start = buf.as_ptr() as usize;
        let Ok(Some(Frame::Bulk(payload))) = decode(&mut buf) else {
            panic!("not a bulk")
        };
        assert_eq!(payload.as_ptr() as usize, start + 4);
    }

    #[test]
    fn errors() {
        assert_eq!(err(b"?x\r\n"), "Protocol error: unexpected type byte '?'");
        assert_eq!(
            err(b"\x00\r\n"),
            "Protocol error: unexpected type byte '\\x00'"
        );
        assert_eq!(err(b"+OK\rX"), "Protocol error: expected CRLF");
        assert_eq!(err(b":12a\r\n"), "Protocol error: invalid integer");
        assert_eq!(err(b":\r\n"), "Protocol error: invalid integer");
        assert_eq!(err(b":+1\r\n"), "Protocol error: invalid integer");
        assert_eq!(err(b"$-2\r\n"), "Protocol error: invalid bulk length");
        assert_eq!(err(b"$x\r\n"), "Protocol error: invalid bulk length");
        assert_eq!(err(b"=-1\r\n"), "Protocol error: invalid bulk length");
        assert_eq!(
            err(b"$1\r\nab\r\n"),
            "Protocol error: bulk string not terminated by CRLF"
        );
        assert_eq!(err(b"*-2\r\n"), "Protocol error: invalid multibulk length");
        assert_eq!(err(b"%-1\r\n"), "Protocol error: invalid multibulk length");
        assert_eq!(err(b"*?\r\n"), "Protocol error: invalid multibulk length");
        assert_eq!(err(b",abc\r\n"), "Protocol error: invalid double");
        assert_eq!(err(b",\r\n"), "Protocol error: invalid double");
        assert_eq!(err(b"#x\r\n"), "Protocol error: invalid boolean");
        assert_eq!(err(b"(1.5\r\n"), "Protocol error: invalid big number");
        assert_eq!(err(b"(\r\n"), "Protocol error: invalid big number");
        assert_eq!(err(b"_x\r\n"), "Protocol error: invalid null");
        assert_eq!(
            err(b"=3\r\ntxt\r\n"),
            "Protocol error: invalid verbatim string"
        );
        assert_eq!(
            err(b"=5\r\ntxt_x\r\n"),
            "Protocol error: invalid verbatim string"
        );
        // An error inside an aggregate is reported even before it is complete.
        assert_eq!(
            err(b"*3\r\n:1\r\n:x\r\n"),
            "Protocol error: invalid integer"
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let mut ok = b"*1\r\n".repeat(MAX_DEPTH);
        ok.extend_from_slice(b":1\r\n");
        assert!(one(&ok).is_ok_and(|f| f.is_some()));
        let too_deep = b"*1\r\n".repeat(MAX_DEPTH + 1);
        assert_eq!(err(&too_deep), "Protocol error: nesting too deep");
        // Attributes count as a level too.
        let deep_attr = b"|1\r\n".repeat(MAX_DEPTH + 1);
        assert_eq!(err(&deep_attr), "Protocol error: nesting too deep");
    }

    #[test]
    fn huge_declared_lengths_do_not_allocate() {
        assert_eq!(one(b"*2147483647\r\n:1\r\n"), Ok(None));
        assert_eq!(one(b"%9223372036854775807\r\n"), Ok(None));
        assert_eq!(one(b"$9223372036854775807\r\nabc"), Ok(None));
    }

    #[test]
    fn encode_then_decode_is_identity() {
        let frames = vec![
            Frame::Error(b("multi\nline")),
            Frame::Attribute {
                attributes: vec![],
                frame: Box::new(Frame::Attribute {
                    attributes: vec![(Frame::Null, Frame::NullBulk)],
                    frame: Box::new(Frame::NullArray),
                }),
            },
            Frame::Verbatim {
                format: *b"\r\n:",
                text: b(":\r\n"),
            },
            Frame::Double(-0.0),
            Frame::Double(f64::MIN_POSITIVE),
        ];
        for f in frames {
            let mut buf = BytesMut::new();
            encode(&f, &mut buf);
            assert_eq!(decode(&mut buf), Ok(Some(f)));
            assert!(buf.is_empty());
        }
    }
}
