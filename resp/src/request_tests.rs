//! Unit tests for [`RequestDecoder`](super::RequestDecoder): one test per Redis
//! rule, with the exact error texts.

use super::*;

fn decoder() -> RequestDecoder {
    RequestDecoder::new(Limits::default())
}

fn unauthenticated() -> RequestDecoder {
    let mut d = decoder();
    d.set_authenticated(false);
    d
}

/// Decodes everything in `input` at once: the requests, then `Err(message)` or
/// `Ok(())` if the input ran out.
fn run(mut d: RequestDecoder, input: &[u8]) -> (Vec<Vec<Vec<u8>>>, Result<(), String>) {
    let mut buf = BytesMut::from(input);
    let mut requests = Vec::new();
    loop {
        match d.decode(&mut buf) {
            Ok(Some(argv)) => requests.push(argv.iter().map(|a| a.to_vec()).collect()),
            Ok(None) => return (requests, Ok(())),
            Err(e) => return (requests, Err(e.message().to_owned())),
        }
    }
}

fn requests(input: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let (reqs, end) = run(decoder(), input);
    assert_eq!(end, Ok(()), "{:?}", input.escape_ascii().to_string());
    reqs
}

fn error(d: RequestDecoder, input: &[u8]) -> String {
    match run(d, input) {
        (_, Err(e)) => e,
        (reqs, Ok(())) => panic!(
            "no error for {:?}: {reqs:?}",
            input.escape_ascii().to_string()
        ),
    }
}

fn argv(args: &[&str]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.as_bytes().to_vec()).collect()
}

// ---- multibulk ------------------------------------------------------------

#[test]
fn multibulk_request() {
    assert_eq!(
        requests(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"),
        vec![argv(&["GET", "k"])]
    );
}

#[test]
fn multibulk_binary_and_empty_arguments() {
    assert_eq!(
        requests(b"*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\n\r\n\x00\xff\r\n"),
        vec![vec![
            b"SET".to_vec(),
            b"".to_vec(),
            b"\r\n\x00\xff".to_vec()
        ]]
    );
}

#[test]
fn pipelined_requests_come_one_per_call() {
    let mut d = decoder();
    let mut buf = BytesMut::from(&b"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\nPING\r\n*1\r\n$1"[..]);
    for _ in 0..3 {
        assert_eq!(d.decode(&mut buf).map(|r| r.map(|a| a.len())), Ok(Some(1)));
    }
    assert_eq!(d.decode(&mut buf), Ok(None));
}

#[test]
fn empty_multibulk_is_skipped() {
    assert_eq!(
        requests(b"*0\r\n*-1\r\n*-100\r\n*1\r\n$1\r\nx\r\n"),
        vec![argv(&["x"])]
    );
    assert_eq!(requests(b"*0\r\n"), Vec::<Vec<Vec<u8>>>::new());
}

#[test]
fn arguments_are_zero_copy() {
    let mut buf = BytesMut::from(&b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"[..]);
    let base = buf.as_ptr() as usize;
    let argv = decoder().decode(&mut buf).ok().flatten().expect("request");
    assert_eq!(argv[0].as_ptr() as usize, base + 8);
    assert_eq!(argv[1].as_ptr() as usize, base + 17);
}

#[test]
fn count_line_needs_the_byte_after_cr() {
    let mut d = decoder();
    let mut buf = BytesMut::from(&b"*1\r"[..]);
    assert_eq!(d.decode(&mut buf), Ok(None));
    buf.extend_from_slice(b"\n$1\r\na\r\n");
    assert_eq!(d.decode(&mut buf).ok().flatten().map(|a| a.len()), Some(1));
}

#[test]
fn byte_after_cr_is_not_checked() {
    // Redis skips two bytes after each `\r` and after each payload unchecked.
    assert_eq!(
        requests(b"*2\rX$3\rYGET!!$1\r\nk\r\n"),
        vec![argv(&["GET", "k"])]
    );
}

#[test]
fn invalid_multibulk_length() {
    for input in [
        &b"*\r\n"[..],
        b"*x\r\n",
        b"*+1\r\n",
        b"*01\r\n",
        b"*-0\r\n",
        b"* 1\r\n",
        b"*1 \r\n",
        b"*2147483648\r\n",
        b"*9223372036854775808\r\n",
        b"*1\n$1\r\n",
    ] {
        assert_eq!(
            error(decoder(), input),
            "Protocol error: invalid multibulk length",
            "{:?}",
            input.escape_ascii().to_string()
        );
    }
}

#[test]
fn multibulk_length_up_to_int_max_is_accepted() {
    let mut d = decoder();
    let mut buf = BytesMut::from(&b"*2147483647\r\n"[..]);
    assert_eq!(d.decode(&mut buf), Ok(None));
}

#[test]
fn configured_multibulk_limit() {
    let d = RequestDecoder::new(Limits {
        max_multibulk_len: 3,
        ..Limits::default()
    });
    assert_eq!(
        error(d, b"*4\r\n"),
        "Protocol error: invalid multibulk length"
    );
    let d = RequestDecoder::new(Limits {
        max_multibulk_len: 3,
        ..Limits::default()
    });
    assert_eq!(run(d, b"*3\r\n").1, Ok(()));
}

#[test]
fn unauthenticated_multibulk_length() {
    assert_eq!(
        error(unauthenticated(), b"*11\r\n"),
        "Protocol error: unauthenticated multibulk length"
    );
    assert_eq!(run(unauthenticated(), b"*10\r\n").1, Ok(()));
    // The range check comes first.
    assert_eq!(
        error(unauthenticated(), b"*2147483648\r\n"),
        "Protocol error: invalid multibulk length"
    );
}

#[test]
fn too_big_mbulk_count_string() {
    let mut input = b"*".to_vec();
    input.resize(64 * 1024 + 1, b'1');
    assert_eq!(
        error(decoder(), &input),
        "Protocol error: too big mbulk count string"
    );
    // Exactly 64 KiB without a terminator still waits.
    input.pop();
    assert_eq!(run(decoder(), &input).1, Ok(()));
}

#[test]
fn long_count_line_with_terminator_in_window_is_invalid_not_too_big() {
    let mut input = b"*".to_vec();
    input.resize(1000, b'1');
    input.extend_from_slice(b"\r\n");
    assert_eq!(
        error(decoder(), &input),
        "Protocol error: invalid multibulk length"
    );
}

#[test]
fn nul_in_count_line_stalls_until_too_big() {
    let mut input = b"*1\x00\r\n$1\r\na\r\n".to_vec();
    assert_eq!(run(decoder(), &input), (vec![], Ok(())));
    input.resize(64 * 1024 + 1, b'\r');
    assert_eq!(
        error(decoder(), &input),
        "Protocol error: too big mbulk count string"
    );
}

#[test]
fn expected_dollar() {
    assert_eq!(
        error(decoder(), b"*1\r\nGET\r\n"),
        "Protocol error: expected '$', got 'G'"
    );
    assert_eq!(
        error(decoder(), b"*1\r\n:1\r\n"),
        "Protocol error: expected '$', got ':'"
    );
    assert_eq!(
        error(decoder(), b"*1\r\n\r\n"),
        "Protocol error: expected '$', got ' '"
    );
    assert_eq!(
        error(decoder(), b"*1\r\n\n\r\n"),
        "Protocol error: expected '$', got ' '"
    );
    let e = decoder()
        .decode(&mut BytesMut::from(&b"*1\r\n\xfe\r\n"[..]))
        .expect_err("error");
    assert_eq!(
        e.message_bytes(),
        b"Protocol error: expected '$', got '\xfe'"
    );
}

#[test]
fn expected_dollar_waits_for_the_whole_line() {
    // Redis looks at the first byte only once the line's `\r` is buffered.
    assert_eq!(run(decoder(), b"*1\r\nGET"), (vec![], Ok(())));
}

#[test]
fn invalid_bulk_length() {
    for input in [
        &b"*1\r\n$\r\n"[..],
        b"*1\r\n$-1\r\n",
        b"*1\r\n$-5\r\n",
        b"*1\r\n$x\r\n",
        b"*1\r\n$01\r\n",
        b"*1\r\n$+1\r\n",
        b"*1\r\n$536870913\r\n",
        b"*1\r\n$99999999999999999999\r\n",
    ] {
        assert_eq!(
            error(decoder(), input),
            "Protocol error: invalid bulk length",
            "{:?}",
            input.escape_ascii().to_string()
        );
    }
    // 512 MiB exactly is allowed (and just waits for the payload).
    assert_eq!(run(decoder(), b"*1\r\n$536870912\r\n").1, Ok(()));
}

#[test]
fn configured_bulk_limit() {
    let limits = Limits {
        max_bulk_len: 5,
        ..Limits::default()
    };
    assert_eq!(
        error(RequestDecoder::new(limits), b"*1\r\n$6\r\n"),
        "Protocol error: invalid bulk length"
    );
    let (reqs, end) = run(RequestDecoder::new(limits), b"*1\r\n$5\r\nhello\r\n");
    assert_eq!((reqs, end), (vec![argv(&["hello"])], Ok(())));
}

#[test]
fn unauthenticated_limits_hold_for_requests_buffered_whole() {
    // Whole requests take the one-pass path; the limits are the same there.
    let mut big = b"*1\r\n$16385\r\n".to_vec();
    big.extend_from_slice(&[b'x'; 16385]);
    big.extend_from_slice(b"\r\n");
    assert_eq!(
        error(unauthenticated(), &big),
        "Protocol error: unauthenticated bulk length"
    );
    let mut many = b"*11\r\n".to_vec();
    many.extend_from_slice(&b"$1\r\nx\r\n".repeat(11));
    assert_eq!(
        error(unauthenticated(), &many),
        "Protocol error: unauthenticated multibulk length"
    );
    let mut ok = b"*1\r\n$16384\r\n".to_vec();
    ok.extend_from_slice(&[b'x'; 16384]);
    ok.extend_from_slice(b"\r\n");
    assert_eq!(run(unauthenticated(), &ok).0.len(), 1);
}

#[test]
fn unauthenticated_bulk_length() {
    assert_eq!(
        error(unauthenticated(), b"*1\r\n$16385\r\n"),
        "Protocol error: unauthenticated bulk length"
    );
    assert_eq!(run(unauthenticated(), b"*1\r\n$16384\r\n").1, Ok(()));
    assert_eq!(
        error(unauthenticated(), b"*1\r\n$-1\r\n"),
        "Protocol error: invalid bulk length"
    );
}

#[test]
fn authentication_can_change_between_requests() {
    let mut d = unauthenticated();
    let mut buf = BytesMut::from(&b"*1\r\n$4\r\nAUTH\r\n*11\r\n"[..]);
    assert!(matches!(d.decode(&mut buf), Ok(Some(_))));
    d.set_authenticated(true);
    assert_eq!(d.decode(&mut buf), Ok(None));
}

#[test]
fn too_big_bulk_count_string() {
    let mut input = b"*1\r\n$".to_vec();
    input.resize(4 + 64 * 1024 + 1, b'1');
    assert_eq!(
        error(decoder(), &input),
        "Protocol error: too big bulk count string"
    );
}

#[test]
fn nul_at_start_of_bulk_line_stalls() {
    assert_eq!(run(decoder(), b"*1\r\n\x00\r\n"), (vec![], Ok(())));
}

#[test]
fn errors_are_sticky_and_come_after_earlier_requests() {
    let mut d = decoder();
    let mut buf = BytesMut::from(&b"PING\r\n*x\r\nPING\r\n"[..]);
    assert!(matches!(d.decode(&mut buf), Ok(Some(_))));
    let e = d.decode(&mut buf).expect_err("error");
    assert_eq!(e.message(), "Protocol error: invalid multibulk length");
    assert_eq!(d.decode(&mut buf).err(), Some(e));
}

// ---- inline ---------------------------------------------------------------

#[test]
fn inline_request() {
    assert_eq!(requests(b"SET k v\r\n"), vec![argv(&["SET", "k", "v"])]);
    assert_eq!(requests(b"PING\n"), vec![argv(&["PING"])]);
}

#[test]
fn inline_strips_only_one_cr() {
    assert_eq!(requests(b"GET k\r\r\n"), vec![argv(&["GET", "k"])]);
    assert_eq!(requests(b"GET \"k\r\"\r\n"), vec![argv(&["GET", "k\r"])]);
}

#[test]
fn inline_empty_lines_are_skipped() {
    assert_eq!(
        requests(b"\n\r\n   \r\n\t\n\r\r\nPING\r\n"),
        vec![argv(&["PING"])]
    );
    assert_eq!(requests(b"\n"), Vec::<Vec<Vec<u8>>>::new());
    assert_eq!(requests(b"\r\n"), Vec::<Vec<Vec<u8>>>::new());
}

#[test]
fn lone_cr_waits_for_newline() {
    let mut d = decoder();
    let mut buf = BytesMut::from(&b"\r"[..]);
    assert_eq!(d.decode(&mut buf), Ok(None));
    buf.extend_from_slice(b"\nPING\r\n");
    assert_eq!(d.decode(&mut buf).ok().flatten().map(|a| a.len()), Some(1));
}

#[test]
fn inline_quoting() {
    assert_eq!(
        requests(b"SET \"a b\" 'c d' \"\\x41\\n\"\r\n"),
        vec![vec![
            b"SET".to_vec(),
            b"a b".to_vec(),
            b"c d".to_vec(),
            b"A\n".to_vec()
        ]]
    );
    assert_eq!(
        requests(b"ECHO \"\"\r\n"),
        vec![vec![b"ECHO".to_vec(), b"".to_vec()]]
    );
}

#[test]
fn unbalanced_quotes_in_request() {
    for input in [
        &b"SET \"a\r\n"[..],
        b"SET 'a\r\n",
        b"SET \"a\"b\r\n",
        b"SET 'a'b\r\n",
    ] {
        assert_eq!(
            error(decoder(), input),
            "Protocol error: unbalanced quotes in request",
            "{:?}",
            input.escape_ascii().to_string()
        );
    }
}

#[test]
fn inline_line_starting_with_star_later_is_inline() {
    assert_eq!(requests(b" *1\r\n"), vec![argv(&["*1"])]);
}

#[test]
fn too_big_inline_request() {
    let mut input = vec![b'a'; 64 * 1024 + 1];
    assert_eq!(
        error(decoder(), &input),
        "Protocol error: too big inline request"
    );
    input.pop();
    assert_eq!(run(decoder(), &input).1, Ok(()));
    input.push(b'\n');
    assert_eq!(run(decoder(), &input).0.len(), 1);
}

#[test]
fn inline_terminator_beyond_the_limit_is_too_big() {
    // Decided by position, so the answer does not depend on how reads split it.
    let mut input = vec![b'a'; 64 * 1024 + 1];
    input.push(b'\n');
    assert_eq!(
        error(decoder(), &input),
        "Protocol error: too big inline request"
    );
}

#[test]
fn nul_in_inline_request_stalls_until_too_big() {
    let mut input = b"GET a\x00b\r\nPING\r\n".to_vec();
    assert_eq!(run(decoder(), &input), (vec![], Ok(())));
    input.resize(64 * 1024 + 1, b'\n');
    assert_eq!(
        error(decoder(), &input),
        "Protocol error: too big inline request"
    );
}

#[test]
fn inline_then_multibulk_then_inline() {
    assert_eq!(
        requests(b"PING\r\n*1\r\n$4\r\nPING\r\nECHO x\n"),
        vec![argv(&["PING"]), argv(&["PING"]), argv(&["ECHO", "x"])]
    );
}

// ---- incremental input ----------------------------------------------------

#[test]
fn byte_at_a_time() {
    let input = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\nGET k\r\n*0\r\n\r\n";
    let mut d = decoder();
    let mut buf = BytesMut::new();
    let mut got = Vec::new();
    for &b in input.iter() {
        buf.extend_from_slice(&[b]);
        while let Some(argv) = d.decode(&mut buf).expect("valid") {
            got.push(argv.len());
        }
    }
    assert_eq!(got, vec![3, 2]);
    assert!(buf.is_empty());
}

#[test]
fn big_bulk_in_small_pieces_is_linear() {
    // 8 MiB arriving 1 KiB at a time: each call does O(1) work while waiting.
    let len = 8 * 1024 * 1024;
    let mut d = decoder();
    let mut buf = BytesMut::from(format!("*1\r\n${len}\r\n").as_bytes());
    assert_eq!(d.decode(&mut buf), Ok(None));
    let piece = vec![b'x'; 1024];
    for _ in 0..len / 1024 {
        buf.extend_from_slice(&piece);
        assert_eq!(d.decode(&mut buf), Ok(None));
    }
    buf.extend_from_slice(b"\r\n");
    let argv = d.decode(&mut buf).ok().flatten().expect("request");
    assert_eq!(argv[0].len(), len);
}

#[test]
fn long_inline_line_in_small_pieces_resumes_its_search() {
    let mut d = decoder();
    let mut buf = BytesMut::new();
    for _ in 0..(60 * 1024 / 16) {
        buf.extend_from_slice(b"aaaaaaaaaaaaaaa ");
        assert_eq!(d.decode(&mut buf), Ok(None));
        assert!(d.scanned == buf.len());
    }
    buf.extend_from_slice(b"\n");
    assert_eq!(
        d.decode(&mut buf).ok().flatten().map(|a| a.len()),
        Some(60 * 1024 / 16)
    );
}

#[test]
fn decode_into_matches_decode_and_reuses_the_vector() {
    let input =
        b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING  x\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$2\r\nbc\r\n";
    let expected = requests(input);
    let mut d = decoder();
    let mut buf = BytesMut::new();
    let mut argv = Vec::with_capacity(8);
    let mut got = Vec::new();
    // Byte by byte, so every state resumes across calls.
    for &byte in input.iter() {
        buf.extend_from_slice(&[byte]);
        while d.decode_into(&mut buf, &mut argv).expect("valid input") {
            got.push(argv.iter().map(|a| a.to_vec()).collect::<Vec<_>>());
        }
    }
    assert_eq!(got, expected);
    assert!(argv.capacity() >= 3, "the vector's allocation is kept");
}
