//! Bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs`), kept in the library so
//! that ordinary tests can run them over the seed corpus.
//!
//! Each target feeds the input whole and split at several points (into a
//! growing buffer, as a socket would deliver it) and asserts:
//!
//! - nothing panics;
//! - the result does not depend on the split (same frames or argv, same error);
//! - every decoded value re-encodes to bytes that decode back to the same value
//!   (doubles compare NaN-equal).

use bytes::{Bytes, BytesMut};

use crate::{decode, encode, Frame, Limits, RequestDecoder};

/// Fuzz body for [`decode`]: the full RESP3 reader.
pub fn decode_target(data: &[u8]) {
    let whole = decode_stream(&[data]);
    for plan in split_plans(data) {
        let chunks = chunks(data, &plan);
        let split = decode_stream(&chunks);
        assert_eq!(
            whole.frames.len(),
            split.frames.len(),
            "frame count differs for {plan:?}"
        );
        for (a, b) in whole.frames.iter().zip(&split.frames) {
            assert!(same_frame(a, b), "{a:?} != {b:?} for {plan:?}");
        }
        assert_eq!(whole.end, split.end, "ending differs for {plan:?}");
    }
    for frame in &whole.frames {
        let mut wire = BytesMut::new();
        encode(frame, &mut wire);
        let encoded = wire.clone();
        match decode(&mut wire) {
            Ok(Some(back)) => {
                assert!(wire.is_empty(), "re-encoded frame left bytes");
                assert!(same_frame(frame, &back), "{frame:?} re-decoded as {back:?}");
                let mut again = BytesMut::new();
                encode(&back, &mut again);
                assert_eq!(encoded, again, "re-encoding is not stable");
            }
            other => panic!("{frame:?} re-encoded as {encoded:?} decodes as {other:?}"),
        }
    }
}

/// Fuzz body for [`RequestDecoder`], run with the default limits as an
/// authenticated client and with tiny limits as an unauthenticated one.
pub fn request_target(data: &[u8]) {
    let tiny = Limits {
        max_bulk_len: 100,
        max_inline_len: 64,
        max_multibulk_len: 5,
    };
    for (limits, authenticated) in [(Limits::default(), true), (tiny, false)] {
        let whole = request_stream(&[data], limits, authenticated);
        for plan in split_plans(data) {
            let chunks = chunks(data, &plan);
            let split = request_stream(&chunks, limits, authenticated);
            assert_eq!(whole, split, "split {plan:?} changed the result");
        }
        for argv in &whole.requests {
            assert!(!argv.is_empty(), "empty request returned");
            check_request_round_trip(argv, &multibulk(argv));
            check_request_round_trip(argv, &inline_repr(argv));
        }
    }
}

/// How a stream of input ended.
#[derive(Debug, PartialEq)]
enum End {
    /// Waiting for more bytes; for [`decode`], the bytes still buffered.
    Pending(Vec<u8>),
    /// A protocol error, by message.
    Error(Vec<u8>),
}

struct Frames {
    frames: Vec<Frame>,
    end: End,
}

/// Feeds `chunks` one after another into a growing buffer, decoding frames
/// after each, until the input ends or an error.
fn decode_stream(chunks: &[&[u8]]) -> Frames {
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match decode(&mut buf) {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break,
                Err(e) => {
                    return Frames {
                        frames,
                        end: End::Error(e.message_bytes().to_vec()),
                    }
                }
            }
        }
    }
    Frames {
        frames,
        end: End::Pending(buf.to_vec()),
    }
}

#[derive(Debug, PartialEq)]
struct Requests {
    requests: Vec<Vec<Bytes>>,
    end: End,
}

fn request_stream(chunks: &[&[u8]], limits: Limits, authenticated: bool) -> Requests {
    let mut decoder = RequestDecoder::new(limits);
    decoder.set_authenticated(authenticated);
    let mut buf = BytesMut::new();
    let mut requests = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(argv)) => requests.push(argv),
                Ok(None) => break,
                Err(e) => {
                    // The error is sticky.
                    assert_eq!(decoder.decode(&mut buf).err(), Some(e.clone()));
                    return Requests {
                        requests,
                        end: End::Error(e.message_bytes().to_vec()),
                    };
                }
            }
        }
    }
    // The decoder consumes partial requests, so the leftover bytes depend on
    // the split; only "pending" is compared.
    Requests {
        requests,
        end: End::Pending(Vec::new()),
    }
}

/// A way to split the input: `Points` cuts at the given offsets, `Every` cuts
/// into pieces of that size.
#[derive(Debug)]
enum Plan {
    Points(Vec<usize>),
    Every(usize),
}

fn split_plans(data: &[u8]) -> Vec<Plan> {
    let len = data.len();
    if len < 2 {
        return Vec::new();
    }
    let mut plans = vec![
        Plan::Points(vec![1]),
        Plan::Points(vec![len / 2]),
        Plan::Points(vec![len - 1]),
        Plan::Points(vec![len / 3, 2 * len / 3]),
    ];
    // Cut points chosen by the input itself, so the fuzzer can steer them.
    let a = usize::from(data[0]) * 7 % len;
    let b = usize::from(data[len - 1]) * 13 % len;
    plans.push(Plan::Points(vec![a.min(b), a.max(b)]));
    for size in [2, 3, 7, 16] {
        plans.push(Plan::Every(size));
    }
    // Byte at a time: quadratic for `decode` (which rescans), so only when short.
    if len <= 2048 {
        plans.push(Plan::Every(1));
    }
    plans
}

fn chunks<'a>(data: &'a [u8], plan: &Plan) -> Vec<&'a [u8]> {
    match plan {
        Plan::Every(size) => data.chunks((*size).max(1)).collect(),
        Plan::Points(points) => {
            let mut out = Vec::new();
            let mut start = 0;
            for &p in points {
                let p = p.clamp(start, data.len());
                out.push(&data[start..p]);
                start = p;
            }
            out.push(&data[start..]);
            out
        }
    }
}

/// Frame equality where a NaN double equals any NaN.
fn same_frame(a: &Frame, b: &Frame) -> bool {
    let all = |x: &[Frame], y: &[Frame]| {
        x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_frame(p, q))
    };
    let pairs = |x: &[(Frame, Frame)], y: &[(Frame, Frame)]| {
        x.len() == y.len()
            && x.iter()
                .zip(y)
                .all(|((k1, v1), (k2, v2))| same_frame(k1, k2) && same_frame(v1, v2))
    };
    match (a, b) {
        (Frame::Double(x), Frame::Double(y)) => (x.is_nan() && y.is_nan()) || x == y,
        (Frame::Array(x), Frame::Array(y))
        | (Frame::Set(x), Frame::Set(y))
        | (Frame::Push(x), Frame::Push(y)) => all(x, y),
        (Frame::Map(x), Frame::Map(y)) => pairs(x, y),
        (
            Frame::Attribute {
                attributes: x,
                frame: f,
            },
            Frame::Attribute {
                attributes: y,
                frame: g,
            },
        ) => pairs(x, y) && same_frame(f, g),
        _ => a == b,
    }
}

/// `argv` as a multibulk request.
fn multibulk(argv: &[Bytes]) -> Vec<u8> {
    let mut out = BytesMut::new();
    crate::write::array_header(&mut out, argv.len());
    for arg in argv {
        crate::write::bulk(&mut out, arg);
    }
    out.to_vec()
}

/// `argv` as an inline request with every argument double-quoted the way
/// Redis's `sdscatrepr` quotes.
fn inline_repr(argv: &[Bytes]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, arg) in argv.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.push(b'"');
        for &b in arg.iter() {
            match b {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'"' => out.extend_from_slice(b"\\\""),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                0x07 => out.extend_from_slice(b"\\a"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x20..=0x7e => out.push(b),
                _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
            }
        }
        out.push(b'"');
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn check_request_round_trip(argv: &[Bytes], wire: &[u8]) {
    let mut decoder = RequestDecoder::new(Limits {
        max_inline_len: usize::MAX,
        ..Limits::default()
    });
    let mut buf = BytesMut::from(wire);
    match decoder.decode(&mut buf) {
        Ok(Some(back)) => {
            assert_eq!(
                back,
                argv,
                "{:?} decoded differently",
                wire.escape_ascii().to_string()
            );
            assert!(buf.is_empty(), "request left bytes");
        }
        other => panic!("{:?} decodes as {other:?}", wire.escape_ascii().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_accept_trivial_inputs() {
        for input in [
            &b""[..],
            b"\r\n",
            b"*",
            b"$",
            b"PING\r\n",
            b"+OK\r\n",
            b"\x00",
        ] {
            decode_target(input);
            request_target(input);
        }
    }

    #[test]
    fn same_frame_treats_nan_as_equal() {
        assert!(same_frame(
            &Frame::Double(f64::NAN),
            &Frame::Double(-f64::NAN)
        ));
        assert!(!same_frame(&Frame::Double(1.0), &Frame::Double(f64::NAN)));
        assert!(same_frame(
            &Frame::Array(vec![Frame::Double(f64::NAN)]),
            &Frame::Array(vec![Frame::Double(f64::NAN)])
        ));
    }

    #[test]
    fn inline_repr_quotes_everything() {
        let argv = vec![
            Bytes::from_static(b"a b"),
            Bytes::from_static(b"\x00\"\\\xff\r\n"),
        ];
        assert_eq!(
            inline_repr(&argv),
            b"\"a b\" \"\\x00\\\"\\\\\\xff\\r\\n\"\r\n"
        );
        check_request_round_trip(&argv, &inline_repr(&argv));
    }
}
