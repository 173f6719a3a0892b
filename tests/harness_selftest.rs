//! Tests of the `support` harness itself: argument splitting, RESP frame boundaries and
//! reply comparison. No server needed.

mod support;

use support::{escape, frame_len, split_command_line, Compare};

fn split(line: &str) -> Vec<Vec<u8>> {
    split_command_line(line).expect("splits")
}

#[test]
fn splits_like_redis_cli() {
    assert_eq!(
        split("SET k v"),
        [b"SET".to_vec(), b"k".to_vec(), b"v".to_vec()]
    );
    assert_eq!(
        split(r#"SET "a b" 'c d'"#)[1..],
        [b"a b".to_vec(), b"c d".to_vec()]
    );
    assert_eq!(split(r#"ECHO "\x41\n\"\q""#)[1], b"A\n\"q");
    assert_eq!(split(r"ECHO 'it\'s \n'")[1], b"it's \\n");
    assert_eq!(split(r#"ECHO """#)[1], b"");
    assert_eq!(split(r#"ECHO ab"c d""#)[1], b"abc d");
    assert_eq!(split("  ECHO\tx  "), [b"ECHO".to_vec(), b"x".to_vec()]);
    assert!(split("   ").is_empty());
    assert!(split_command_line(r#"ECHO "abc"#).is_err());
    assert!(split_command_line(r#"ECHO "a"b"#).is_err());
    assert!(split_command_line("ECHO 'a").is_err());
}

#[test]
fn finds_frame_boundaries() {
    assert_eq!(frame_len(b""), Ok(None));
    assert_eq!(frame_len(b"+OK\r\n"), Ok(Some(5)));
    assert_eq!(frame_len(b"+OK\r"), Ok(None));
    assert_eq!(frame_len(b"$3\r\nabc\r\n+x"), Ok(Some(9)));
    assert_eq!(frame_len(b"$3\r\nabc\r"), Ok(None));
    assert_eq!(frame_len(b"$-1\r\n"), Ok(Some(5)));
    assert_eq!(frame_len(b"*-1\r\n"), Ok(Some(5)));
    assert_eq!(frame_len(b"*0\r\n"), Ok(Some(4)));
    assert_eq!(frame_len(b"*2\r\n:1\r\n*1\r\n$1\r\na\r\n"), Ok(Some(19)));
    assert_eq!(frame_len(b"*2\r\n:1\r\n"), Ok(None));
    assert_eq!(frame_len(b"%1\r\n+a\r\n_\r\n"), Ok(Some(11)));
    assert_eq!(frame_len(b"~1\r\n,1.5\r\n"), Ok(Some(10)));
    assert_eq!(frame_len(b">2\r\n+a\r\n(123\r\n"), Ok(Some(14)));
    assert_eq!(frame_len(b"|1\r\n+a\r\n:1\r\n#t\r\n"), Ok(Some(16)));
    assert_eq!(frame_len(b"|1\r\n+a\r\n:1\r\n"), Ok(None));
    assert_eq!(frame_len(b"=7\r\ntxt:abc\r\n"), Ok(Some(13)));
    assert_eq!(frame_len(b"!3\r\nERR\r\n"), Ok(Some(9)));
    assert!(frame_len(b"?\r\n").is_err());
    assert!(frame_len(b"$3\r\nabcd\r\n").is_err());
    assert!(frame_len(b"$x\r\n").is_err());
}

#[test]
fn compares_unordered_and_by_type() {
    let a = b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n";
    let b = b"*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n";
    let c = b"*3\r\n$1\r\nc\r\n$1\r\nc\r\n$1\r\nb\r\n";
    assert!(!Compare::Exact.matches(a, b));
    assert!(Compare::Unordered.matches(a, b));
    assert!(!Compare::Unordered.matches(a, c));
    assert!(!Compare::Unordered.matches(a, b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
    let scan_a = b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n";
    let scan_b = b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n";
    assert!(!Compare::Unordered.matches(scan_a, scan_b));
    assert!(Compare::UnorderedDeep.matches(scan_a, scan_b));
    let map_a = b"%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n";
    let map_b = b"%2\r\n+b\r\n:2\r\n+a\r\n:1\r\n";
    let map_c = b"%2\r\n+b\r\n:1\r\n+a\r\n:2\r\n";
    assert!(Compare::Unordered.matches(map_a, map_b));
    assert!(!Compare::Unordered.matches(map_a, map_c));
    assert!(!Compare::UnorderedDeep.matches(map_a, map_c));
    assert!(Compare::Unordered.matches(b"+OK\r\n", b"+OK\r\n"));
    assert!(!Compare::Unordered.matches(b"+OK\r\n", b"+KO\r\n"));
    assert!(Compare::TypeOnly.matches(b":1\r\n", b":2\r\n"));
    assert!(Compare::TypeOnly.matches(b"-ERR a\r\n", b"-ERR b c\r\n"));
    assert!(!Compare::TypeOnly.matches(b"-ERR a\r\n", b"-WRONGTYPE a\r\n"));
    assert!(!Compare::TypeOnly.matches(b":1\r\n", b"+1\r\n"));
}

#[test]
fn escapes_bytes() {
    assert_eq!(escape(b"+OK\r\n"), r#""+OK\r\n""#);
    assert_eq!(escape(b"\x00\"\\\xff"), r#""\x00\"\\\xff""#);
}
