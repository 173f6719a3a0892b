//! Differential smoke tests: a few basic replies must be byte-identical between Redis
//! 7.0.15 and kvdb-server. They double as examples of the `support` harness; run them
//! against two redis-servers with `KVDB_DIFF_AGAINST_REDIS=1` to check the harness itself.

mod support;

use support::{diff, diff_exclusive, diff_raw, diff_raw_chunks, DiffSession};

#[test]
fn ping_and_echo() {
    diff(
        r#"
        PING
        PING "hello world"
        ECHO hello
        ECHO ""
        ECHO "bin\x00ary\r\n"
        ping
        "#,
    );
}

#[test]
fn set_and_get() {
    diff(
        r#"
        GET missing
        SET greeting hello
        GET greeting
        SET greeting 'it\'s overwritten'
        GET greeting
        SET n 12345
        GET n
        EXISTS greeting n missing
        DEL greeting missing
        GET greeting
        ? RANDOMKEY
        ~ KEYS *
        "#,
    );
}

#[test]
fn unknown_command_is_an_error() {
    diff(
        r#"
        NOSUCHCOMMAND
        nosuchcommand with some args
        NOSUCHCOMMAND "a very long argument that is quite long indeed and goes on and on and on and on and on and on and on"
        "#,
    );
}

#[test]
fn wrong_arity_is_an_error() {
    diff(
        r#"
        GET
        GET a b
        SET k
        ECHO
        ECHO a b
        PING a b
        "#,
    );
}

#[test]
fn resp3_replies() {
    diff(
        r#"
        SET k v
        !resp3
        GET k
        GET missing
        PING
        !resp2
        GET missing
        "#,
    );
}

#[test]
fn keys_are_per_database() {
    diff_exclusive(
        r#"
        SET a 1
        SELECT 2
        GET a
        SET a 2
        SELECT 0
        GET a
        DBSIZE
        FLUSHALL
        DBSIZE
        "#,
    );
}

#[test]
fn pipelined_requests_get_replies_in_order() {
    let mut session = DiffSession::new();
    let replies = session.exchange_raw(
        b"*1\r\n$4\r\nPING\r\nECHO inline\r\n*2\r\n$3\r\nGET\r\n$1\r\nx\r\n",
        3,
    );
    for (redis, kvdb) in replies {
        assert_eq!(support::escape(&redis), support::escape(&kvdb));
    }
}

#[test]
fn malformed_bulk_length_is_a_protocol_error() {
    diff_raw(b"*1\r\n$abc\r\n");
}

#[test]
fn malformed_multibulk_length_is_a_protocol_error() {
    diff_raw(b"*abc\r\n");
}

#[test]
fn unbalanced_quotes_in_inline_command() {
    diff_raw(b"SET \"a b\r\n");
}

#[test]
fn request_split_across_reads() {
    diff_raw_chunks(&[b"*2\r\n$4\r\nEC", b"HO\r\n$5\r\nhel", b"lo\r\n"]);
}
