//! Differential tests of MULTI/EXEC/DISCARD/WATCH against redis-server 7.0: queueing,
//! queue-time versus run-time errors, nesting errors, and what spoils a WATCH.

mod support;

use support::{diff, diff_exclusive, DiffSession};

#[test]
fn queue_and_exec() {
    diff(
        r#"
        MULTI
        SET a 1
        INCR a
        LPUSH a x
        GET a
        EXEC
        EXEC
        DISCARD
        MULTI
        MULTI
        WATCH a
        SET b 2
        DISCARD
        GET b
        MULTI
        EXEC
        EXEC extra
        MULTI
        SET c 3
        EXEC extra
        EXEC
        GET c
        "#,
    );
}

#[test]
fn queue_time_errors_abort_the_transaction() {
    diff(
        r#"
        MULTI
        SET a 1
        NOSUCHCOMMAND x
        GET
        SET a 2
        EXEC
        GET a
        MULTI
        SET a 3
        CONFIG NOSUCH
        EXEC
        MULTI
        SHUTDOWN
        EXEC
        GET a
        "#,
    );
}

#[test]
fn resp3_transactions() {
    diff(
        r#"
        !resp3
        MULTI
        HSET h a 1
        HGETALL h
        SMEMBERS nosuch
        LPOP nosuch 1
        EXEC
        "#,
    );
}

#[test]
fn watch_rules() {
    diff(
        r#"
        SET w 1
        WATCH w
        SET w 2
        MULTI
        INCR w
        EXEC
        GET w
        WATCH w
        MULTI
        INCR w
        EXEC
        WATCH w nosuch
        UNWATCH
        SET w 5
        MULTI
        GET w
        EXEC
        WATCH w
        SADD set1 a
        MULTI
        PING
        EXEC
        WATCH set1
        SADD set1 a
        MULTI
        PING
        EXEC
        WATCH set1
        SADD set1 b
        MULTI
        PING
        EXEC
        WATCH w
        GET w
        MULTI
        PING
        EXEC
        WATCH w
        MULTI
        WATCH w
        EXEC
        WATCH missing
        DEL missing
        MULTI
        PING
        EXEC
        WATCH w
        DEL w
        MULTI
        PING
        EXEC
        SET w 1
        WATCH w
        EXPIRE w 100
        MULTI
        PING
        EXEC
        WATCH w
        FLUSHDB
        MULTI
        PING
        EXEC
        WATCH gone
        FLUSHDB
        MULTI
        PING
        EXEC
        "#,
    );
}

/// SWAPDB and FLUSHDB judge a watched key by whether it logically changed: a missing
/// or expired key that stays missing or expired is no change (Redis's
/// `touchAllWatchedKeysInDb`).
#[test]
fn swapdb_spoils_watches_only_on_logical_changes() {
    diff_exclusive(
        r#"
        FLUSHALL
        DEBUG SET-ACTIVE-EXPIRE 0
        SET x foo PX 1
        !sleep 5
        SELECT 1
        WATCH x
        SWAPDB 0 1
        MULTI
        PING
        EXEC
        FLUSHALL
        SELECT 0
        SET x foo PX 1
        SELECT 1
        SET x bar PX 1
        !sleep 5
        WATCH x
        SWAPDB 0 1
        MULTI
        PING
        EXEC
        WATCH x
        SWAPDB 0 1
        FLUSHDB
        MULTI
        PING
        EXEC
        SELECT 0
        SET y live
        SELECT 1
        SET y stale PX 1
        !sleep 5
        WATCH y
        SWAPDB 0 1
        MULTI
        PING
        EXEC
        DEBUG SET-ACTIVE-EXPIRE 1
        FLUSHALL
        "#,
    );
}

#[test]
fn a_write_from_another_client_spoils_the_watch() {
    let mut session = DiffSession::new();
    session.run("SET k 1\nWATCH k\nMULTI\nINCR k");
    let db = session.db().to_string();
    let servers = support::servers();
    for server in [&servers.redis, &servers.kvdb] {
        let mut other = server.connect();
        other.command(&[b"SELECT", db.as_bytes()]);
        assert_eq!(other.command(&[b"SET", b"k", b"10"]), b"+OK\r\n");
    }
    session.run("EXEC\nGET k");
}
