//! MEMORY against redis-server 7.0: HELP, the subcommands' errors, and MEMORY STATS's
//! field names, order and types (RESP2 and RESP3), with a `db.N` entry for each
//! non-empty database. The figures themselves are kvdb's own, so numbers are masked.

mod support;

use support::{diff, numbers_masked, DiffSession};

#[test]
fn memory_help_and_errors() {
    diff(
        r#"
        MEMORY HELP
        MEMORY
        MEMORY NOSUCH
        MEMORY STATS extra
        MEMORY DOCTOR extra
        MEMORY PURGE
        MEMORY USAGE nosuch
        MEMORY USAGE nosuch SAMPLES -1
        MEMORY USAGE nosuch SAMPLES
        "#,
    );
}

#[test]
fn memory_stats_has_redis_s_fields_in_redis_s_order() {
    let mut session = DiffSession::exclusive();
    session.run(
        r#"
        SET a 1
        SELECT 3
        SET b 2 EX 100
        SELECT 0
        "#,
    );
    for protocol in ["2", "3"] {
        session.exchange(&[b"HELLO", protocol.as_bytes()]);
        let (redis, kvdb) = session.exchange(&[b"MEMORY", b"STATS"]);
        assert_eq!(
            numbers_masked(&redis),
            numbers_masked(&kvdb),
            "MEMORY STATS over RESP{protocol} (left redis-server, right kvdb)"
        );
    }
    session.exchange(&[b"HELLO", b"2"]);
    session.run("FLUSHALL");
}

#[test]
fn memory_malloc_stats_and_doctor_are_text() {
    let mut session = DiffSession::new();
    // Redis here is built on jemalloc and prints its statistics; kvdb answers as a libc
    // build does. Both are text; DOCTOR's verdict depends on the figures.
    session.run(
        r#"
        ? MEMORY MALLOC-STATS
        ? MEMORY DOCTOR
        "#,
    );
}

/// `lazyfree_pending_objects` and `lazyfreed_objects` from INFO memory, once nothing
/// is pending any more.
fn lazyfree_counts(conn: &mut support::RawConn) -> Vec<u8> {
    for _ in 0..500 {
        let info = String::from_utf8_lossy(&conn.command(&[b"INFO", b"memory"])).into_owned();
        let field = |name: &str| {
            info.lines()
                .find_map(|line| line.strip_prefix(name))
                .unwrap_or("?")
                .to_string()
        };
        if field("lazyfree_pending_objects:") == "0" {
            return format!("lazyfreed_objects:{}", field("lazyfreed_objects:")).into_bytes();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    b"still pending".to_vec()
}

#[test]
fn unlink_and_async_flushes_free_big_values_in_the_background() {
    support::differential(|server, db| {
        let mut conn = support::connect(server, db);
        let mut replies = vec![conn.command(&[b"CONFIG", b"RESETSTAT"])];
        let members: Vec<Vec<u8>> = (0..1000).map(|n| n.to_string().into_bytes()).collect();
        let fill = |conn: &mut support::RawConn, key: &[u8]| {
            let mut argv: Vec<&[u8]> = vec![b"SADD", key];
            argv.extend(members.iter().map(Vec::as_slice));
            conn.command(&argv)
        };
        // A hashtable set of 1000 members is freed in the background; a small set and
        // a string are not worth it.
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"SADD", b"small", b"a", b"b"]));
        replies.push(conn.command(&[b"SET", b"s", b"v"]));
        replies.push(conn.command(&[b"UNLINK", b"big", b"small", b"s", b"missing"]));
        replies.push(lazyfree_counts(&mut conn));
        // DEL frees in place, unless lazyfree-lazy-user-del says otherwise.
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"DEL", b"big"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-user-del", b"yes"]));
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"DEL", b"big"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-user-del", b"no"]));
        // An asynchronous flush counts every key it frees, big or not.
        replies.push(conn.command(&[b"MSET", b"a", b"1", b"b", b"2", b"c", b"3"]));
        replies.push(conn.command(&[b"FLUSHDB", b"ASYNC"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(conn.command(&[b"MSET", b"a", b"1", b"b", b"2"]));
        replies.push(conn.command(&[b"FLUSHALL", b"SYNC"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-user-flush", b"yes"]));
        replies.push(conn.command(&[b"MSET", b"a", b"1", b"b", b"2"]));
        replies.push(conn.command(&[b"FLUSHALL"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-user-flush", b"no"]));
        // An expired big value, found by a read, under lazyfree-lazy-expire.
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-expire", b"yes"]));
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"PEXPIRE", b"big", b"1"]));
        std::thread::sleep(std::time::Duration::from_millis(20));
        replies.push(conn.command(&[b"EXISTS", b"big"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-expire", b"no"]));
        // Evicted under lazyfree-lazy-eviction: a 1-byte limit evicts every key.
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-eviction", b"yes"]));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-random"]));
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"SET", b"small", b"v"]));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"maxmemory", b"1"]));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"maxmemory", b"0"]));
        replies.push(conn.command(&[b"DBSIZE"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"maxmemory-policy", b"noeviction"]));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-eviction", b"no"]));
        // What the server deletes or overwrites, under lazyfree-lazy-server-del: SET
        // over a big value, RENAME's destination, an empty SINTERSTORE's destination,
        // RESTORE REPLACE.
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-server-del", b"yes"]));
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"SET", b"big", b"now a string"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"SET", b"s", b"v"]));
        replies.push(conn.command(&[b"RENAME", b"s", b"big"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"SINTERSTORE", b"big", b"nosuch"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"SET", b"s", b"v"]));
        let dump = conn.command(&[b"DUMP", b"s"]);
        let payload =
            &dump[dump.iter().position(|&b| b == b'\n').map_or(0, |at| at + 1)..dump.len() - 2];
        replies.push(conn.command(&[b"RESTORE", b"big", b"0", payload, b"REPLACE"]));
        replies.push(lazyfree_counts(&mut conn));
        // Without the setting, all of those free in place.
        replies.push(conn.command(&[b"CONFIG", b"SET", b"lazyfree-lazy-server-del", b"no"]));
        replies.push(fill(&mut conn, b"big"));
        replies.push(conn.command(&[b"SET", b"big", b"x"]));
        replies.push(lazyfree_counts(&mut conn));
        replies.push(conn.command(&[b"DEL", b"big", b"s"]));
        replies.push(conn.command(&[b"CONFIG", b"RESETSTAT"]));
        replies.push(lazyfree_counts(&mut conn));
        replies
    });
}
