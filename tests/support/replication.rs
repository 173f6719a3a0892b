//! Helpers of the two-server replication tests (`replication_sync.rs`,
//! `replica_link.rs`): waiting for a condition, INFO fields, `DEBUG DIGEST`, and the
//! dataset and writes both replicate.

use std::time::{Duration, Instant};

use super::RawConn;

/// Waits until `check` holds, for up to fifteen seconds.
pub fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A reply as text.
pub fn text(reply: Vec<u8>) -> String {
    String::from_utf8_lossy(&reply).into_owned()
}

/// Field `field` of `INFO section`.
pub fn info_field(conn: &mut RawConn, section: &str, field: &str) -> Option<String> {
    let info = text(conn.cmd(&format!("INFO {section}")));
    info.lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .map(str::to_string)
}

/// `DEBUG DIGEST` of the whole dataset.
pub fn digest(conn: &mut RawConn) -> String {
    text(conn.cmd("DEBUG DIGEST"))
}

/// Every type, an expiring key, a function library and a second database.
pub const DATASET: &[&str] = &[
    "SET s hello",
    "SET counter 10",
    "SET volatile v PX 600000",
    "RPUSH list a b c",
    "HSET hash f1 v1 f2 v2",
    "SADD set x y z",
    "SADD intset 1 2 3",
    "ZADD zset 1 a 2.5 b",
    "XADD stream 1-1 field value",
    "XGROUP CREATE stream group 0",
    "PFADD hll a b c",
    "SETBIT bits 100 1",
    "SELECT 3",
    "SET other-db 1",
    "SELECT 0",
];

/// Writes of every family, to run while the replica follows.
pub const WRITES: &[&str] = &[
    "INCRBY counter 5",
    "APPEND s -world",
    "LPUSH list z",
    "LPOP list",
    "HINCRBY hash n 3",
    "SREM set x",
    "ZINCRBY zset 2 a",
    "XADD stream * f v",
    "XREADGROUP GROUP group alice COUNT 1 STREAMS stream >",
    "EXPIRE s 1000",
    "GETDEL counter",
    "MULTI",
    "SET in-multi 1",
    "INCR in-multi",
    "EXEC",
    "EVAL \"redis.call('set', KEYS[1], ARGV[1]) return redis.call('incr', 'script-counter')\" 1 from-script v",
    "SELECT 3",
    "DEL other-db",
    "SET db3 x",
    "SELECT 0",
    "FUNCTION LOAD \"#!lua name=lib\nredis.register_function('f', function() return 1 end)\"",
];

/// True when the replica's link to its master is up.
pub fn link_up(conn: &mut RawConn) -> bool {
    info_field(conn, "replication", "master_link_status").as_deref() == Some("up")
}

/// Waits until `replica` has applied everything `master` propagated so far. At or
/// past: a keep-alive PING the master sends meanwhile moves the replica further.
pub fn caught_up(master: &mut RawConn, replica: &mut RawConn) {
    let offset = |conn: &mut RawConn, field: &str| -> Option<u64> {
        info_field(conn, "replication", field)?.parse().ok()
    };
    let target = offset(master, "master_repl_offset").expect("the master's offset");
    eventually("the replica to catch up", || {
        offset(replica, "slave_repl_offset").is_some_and(|at| at >= target)
    });
}
