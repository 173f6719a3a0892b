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
