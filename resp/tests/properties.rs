//! Properties of the codec: every frame survives encode -> decode, and a byte stream
//! decodes to the same frames (or requests) however it is split into reads.

use bytes::{Bytes, BytesMut};
use kvdb_resp::{decode, encode, Frame, Limits, RequestDecoder};
use proptest::prelude::*;

fn line_text() -> impl Strategy<Value = Bytes> {
    "[a-zA-Z0-9 _:.-]{0,20}".prop_map(Bytes::from)
}

fn blob() -> impl Strategy<Value = Bytes> {
    proptest::collection::vec(any::<u8>(), 0..40).prop_map(Bytes::from)
}

fn leaf() -> impl Strategy<Value = Frame> {
    prop_oneof![
        line_text().prop_map(Frame::Simple),
        line_text().prop_map(Frame::Error),
        any::<i64>().prop_map(Frame::Integer),
        blob().prop_map(Frame::Bulk),
        Just(Frame::Null),
        Just(Frame::NullBulk),
        Just(Frame::NullArray),
        any::<f64>()
            .prop_filter("NaN is not equal to itself", |d| !d.is_nan())
            .prop_map(Frame::Double),
        any::<bool>().prop_map(Frame::Boolean),
        "-?[1-9][0-9]{0,40}".prop_map(|s| Frame::BigNumber(Bytes::from(s))),
        ("[a-z]{3}", blob()).prop_map(|(format, text)| Frame::Verbatim {
            format: format.as_bytes().try_into().expect("three letters"),
            text,
        }),
    ]
}

fn frame() -> impl Strategy<Value = Frame> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Frame::Array),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Frame::Set),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Frame::Push),
            proptest::collection::vec((inner.clone(), inner.clone()), 0..4).prop_map(Frame::Map),
            (
                proptest::collection::vec((inner.clone(), inner.clone()), 0..3),
                inner
            )
                .prop_map(|(attributes, frame)| Frame::Attribute {
                    attributes,
                    frame: Box::new(frame),
                }),
        ]
    })
}

/// Feeds `wire` in pieces cut at `cuts`, decoding after every piece.
fn decode_in_pieces(wire: &[u8], cuts: &[usize]) -> Vec<Frame> {
    let mut buffer = BytesMut::new();
    let mut frames = Vec::new();
    let mut start = 0;
    let mut ends: Vec<usize> = cuts.iter().map(|c| c % (wire.len() + 1)).collect();
    ends.push(wire.len());
    ends.sort_unstable();
    for end in ends {
        buffer.extend_from_slice(&wire[start..end]);
        start = end;
        while let Some(frame) = decode(&mut buffer).expect("valid stream") {
            frames.push(frame);
        }
    }
    assert!(buffer.is_empty(), "bytes left over");
    frames
}

fn multibulk(argv: &[Vec<u8>]) -> Vec<u8> {
    let mut wire = format!("*{}\r\n", argv.len()).into_bytes();
    for arg in argv {
        wire.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        wire.extend_from_slice(arg);
        wire.extend_from_slice(b"\r\n");
    }
    wire
}

proptest! {
    #[test]
    fn every_frame_round_trips(frame in frame()) {
        let mut wire = BytesMut::new();
        encode(&frame, &mut wire);
        let decoded = decode(&mut wire).expect("valid").expect("complete");
        prop_assert_eq!(decoded, frame);
        prop_assert!(wire.is_empty());
    }

    #[test]
    fn frames_decode_the_same_however_split(
        frames in proptest::collection::vec(frame(), 1..6),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let mut wire = BytesMut::new();
        for frame in &frames {
            encode(frame, &mut wire);
        }
        prop_assert_eq!(decode_in_pieces(&wire, &cuts), frames);
    }

    #[test]
    fn requests_decode_the_same_however_split(
        requests in proptest::collection::vec(
            proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..30), 1..6),
            1..6,
        ),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let wire: Vec<u8> = requests.iter().flat_map(|argv| multibulk(argv)).collect();
        let mut ends: Vec<usize> = cuts.iter().map(|c| c % (wire.len() + 1)).collect();
        ends.push(wire.len());
        ends.sort_unstable();
        let mut decoder = RequestDecoder::new(Limits::default());
        let mut buffer = BytesMut::new();
        let mut decoded = Vec::new();
        let mut start = 0;
        for end in ends {
            buffer.extend_from_slice(&wire[start..end]);
            start = end;
            while let Some(argv) = decoder.decode(&mut buffer).expect("valid requests") {
                decoded.push(argv.iter().map(|a| a.to_vec()).collect::<Vec<_>>());
            }
        }
        prop_assert_eq!(decoded, requests);
    }

    /// Requests built from near misses of the protocol (leading zeros, signs, missing
    /// `$`, NULs, limits just passed, partial requests) decode the same whole (where the
    /// one-pass fast path reads them) and split into reads (where the state machine
    /// does), for an authenticated client with the default limits and an
    /// unauthenticated one with tiny limits.
    #[test]
    fn near_miss_requests_decode_the_same_however_split(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "*", "$", "0", "1", "2", "3", "5", "9", "-", "+", " ", "\r", "\n", "\r\n",
                "\0", "a", "*1\r\n", "*2\r\n", "*6\r\n", "*11\r\n", "*01\r\n", "$0\r\n",
                "$1\r\n", "$3\r\n", "$01\r\n", "$-1\r\n", "$+1\r\n", "$101\r\n",
                "$16385\r\n", "GET\r\n", "k\r\n", "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
                "*1\r\n$0\r\n\r\n", "*1\r\n$4\r\nPING\r\n", "PING\r\n",
            ]),
            1..24,
        ),
    ) {
        let wire: String = pieces.concat();
        kvdb_resp::fuzz::request_target(wire.as_bytes());
    }
}
