//! DEBUG against redis-server 7.0: SLEEP, SET-ACTIVE-EXPIRE and the errors; then
//! kvdb's own DEBUG CLOCK (virtual time over the wire), which Redis does not have.

mod support;

use std::time::Duration;

use support::{connect, diff_exclusive, servers, DiffSession};

#[test]
fn sleep_active_expire_and_errors() {
    diff_exclusive(
        r#"
        DEBUG SLEEP 0
        DEBUG SLEEP 0.01
        DEBUG SLEEP abc
        DEBUG SET-ACTIVE-EXPIRE 0
        SET k v PX 1
        !sleep 50
        DBSIZE
        GET k
        DBSIZE
        DEBUG SET-ACTIVE-EXPIRE 1
        DEBUG SET-ACTIVE-EXPIRE
        DEBUG SLEEP
        DEBUG NOSUCHSUB
        DEBUG
        "#,
    );
}

fn int_of(reply: &[u8]) -> i64 {
    String::from_utf8_lossy(&reply[1..reply.len() - 2])
        .parse()
        .expect("an integer reply")
}

#[test]
fn debug_clock_moves_ttls_expiry_and_time() {
    let session = DiffSession::exclusive();
    let mut conn = connect(&servers().kvdb, 0);
    assert_eq!(
        conn.command(&[b"DEBUG", b"CLOCK", b"SET", b"1700000000000"]),
        b"+OK\r\n"
    );
    assert_eq!(
        int_of(&conn.command(&[b"DEBUG", b"CLOCK", b"GET"])),
        1_700_000_000_000
    );
    let time = conn.command(&[b"TIME"]);
    assert!(String::from_utf8_lossy(&time).contains("1700000000"));
    conn.command(&[b"SET", b"session", b"x", b"EX", b"60"]);
    conn.command(&[b"SET", b"other", b"x", b"EX", b"600"]);
    assert_eq!(
        conn.command(&[b"DEBUG", b"CLOCK", b"ADVANCE", b"59000"]),
        b"+OK\r\n"
    );
    assert_eq!(conn.command(&[b"TTL", b"session"]), b":1\r\n");
    assert_eq!(
        conn.command(&[b"DEBUG", b"CLOCK", b"ADVANCE", b"1000"]),
        b"+OK\r\n"
    );
    // Gone without being touched: ADVANCE runs the expiry that became due.
    assert_eq!(conn.command(&[b"DBSIZE"]), b":1\r\n");
    assert_eq!(conn.command(&[b"TTL", b"other"]), b":540\r\n");
    // A blocked client whose timeout passes in virtual time is answered.
    let mut blocked = connect(&servers().kvdb, 0);
    blocked.set_timeout(Duration::from_secs(5));
    blocked.send_raw(&support::encode_command(&[b"BLPOP", b"q", b"30"]));
    std::thread::sleep(Duration::from_millis(100));
    conn.command(&[b"DEBUG", b"CLOCK", b"ADVANCE", b"30000"]);
    assert_eq!(blocked.read_reply(), b"*-1\r\n");
    assert_eq!(
        conn.command(&[b"DEBUG", b"CLOCK", b"ADVANCE", b"-1"])
            .first(),
        Some(&b'-')
    );
    assert_eq!(
        conn.command(&[b"DEBUG", b"CLOCK", b"WARP"]),
        b"-ERR syntax error\r\n"
    );
    assert_eq!(conn.command(&[b"DEBUG", b"CLOCK", b"REAL"]), b"+OK\r\n");
    let now = int_of(&conn.command(&[b"DEBUG", b"CLOCK", b"GET"]));
    assert!(now > 1_750_000_000_000, "back on the real clock");
    conn.command(&[b"FLUSHALL"]);
    drop(session);
}
