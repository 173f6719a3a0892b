//! Differential tests of CONFIG and INFO shapes against redis-server 7.0. Servers run
//! with the same `--save '' --appendonly no --enable-debug-command yes`.

mod support;

use support::{diff_exclusive, DiffSession};

#[test]
fn config_get_single_parameters() {
    diff_exclusive(
        r#"
        CONFIG GET maxmemory
        CONFIG GET MAXMEMORY
        CONFIG GET proto-max-bulk-len
        CONFIG GET databases
        CONFIG GET save
        CONFIG GET appendonly
        CONFIG GET maxmemory-policy
        CONFIG GET client-output-buffer-limit
        CONFIG GET notify-keyspace-events
        CONFIG GET lua-time-limit
        CONFIG GET busy-reply-threshold
        CONFIG GET slave-read-only
        CONFIG GET hash-max-ziplist-entries
        CONFIG GET key-load-delay
        CONFIG GET enable-debug-command
        CONFIG GET requirepass
        CONFIG GET unixsocketperm
        CONFIG GET nosuch
        ~ CONFIG GET maxmemory hz
        ~ CONFIG GET maxmemory* 
        ~ CONFIG GET *-max-*-entries
        CONFIG GET
        "#,
    );
}

#[test]
fn config_set_rules() {
    diff_exclusive(
        r#"
        CONFIG SET maxmemory 1mb
        CONFIG GET maxmemory
        CONFIG SET maxmemory 0
        CONFIG SET maxmemory lots
        CONFIG SET maxmemory -1
        CONFIG SET nosuch 1
        CONFIG SET maxmemory
        CONFIG SET maxmemory 1 hz
        CONFIG SET databases 3
        CONFIG SET dir /tmp
        CONFIG SET appendonly maybe
        CONFIG SET hz x
        CONFIG SET hz 20 hz 30
        CONFIG SET hz 20 HZ 30
        CONFIG SET maxmemory-policy sometimes
        CONFIG SET maxmemory-policy ALLKEYS-LRU
        CONFIG GET maxmemory-policy
        CONFIG SET maxmemory-policy noeviction
        CONFIG SET proto-max-bulk-len 10
        CONFIG SET notify-keyspace-events Q
        CONFIG SET notify-keyspace-events KEA
        CONFIG GET notify-keyspace-events
        CONFIG SET notify-keyspace-events Ex$
        CONFIG GET notify-keyspace-events
        CONFIG SET notify-keyspace-events ""
        CONFIG SET maxmemory 2mb hz bad
        CONFIG GET maxmemory
        CONFIG SET maxmemory-clients 10%
        CONFIG GET maxmemory-clients
        CONFIG SET maxmemory-clients 200%
        CONFIG SET maxmemory 10000001 maxmemory-clients 200% client-query-buffer-limit invalid
        CONFIG GET maxmemory-clients
        CONFIG SET maxmemory-clients 100%
        CONFIG SET maxmemory-clients 0
        CONFIG SET client-output-buffer-limit "pubsub 64mb 16mb 30"
        CONFIG GET client-output-buffer-limit
        CONFIG SET client-output-buffer-limit "pubsub 32mb 8mb 60"
        CONFIG SET client-output-buffer-limit "foo 1 2 3"
        CONFIG SET save "60 1 x"
        CONFIG SET save ""
        CONFIG SET lua-time-limit 4000
        CONFIG GET busy-reply-threshold
        CONFIG SET busy-reply-threshold 5000
        CONFIG SET hz 10
        CONFIG HELP
        CONFIG RESETSTAT
        "#,
    );
}

#[test]
fn info_sections_have_redis_headers() {
    diff_exclusive(
        r#"
        ? INFO
        ? INFO server
        ? INFO keyspace
        INFO nosuch
        "#,
    );
}

/// INFO everything has Redis's sections and fields, in Redis's order, but for the
/// few kvdb cannot fill truthfully (listed) and its own `kvdb_version`. Per-command,
/// per-error and per-database lines depend on what ran, so they are left out.
#[test]
fn info_has_redis_s_fields_in_redis_s_order() {
    /// Fields Redis has and kvdb leaves out: kvdb has no main thread.
    const LEFT_OUT: &[&str] = &["used_cpu_sys_main_thread", "used_cpu_user_main_thread"];
    let mut session = DiffSession::exclusive();
    let (redis, kvdb) = session.exchange(&[b"INFO".as_slice(), b"everything"]);
    let fields = |reply: &[u8], skip: &[&str]| -> Vec<String> {
        String::from_utf8_lossy(reply)
            .lines()
            .skip(1)
            .map(|line| {
                line.split(':')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            })
            .filter(|name| {
                !["cmdstat_", "errorstat_", "latency_percentiles_usec_", "db"]
                    .iter()
                    .any(|prefix| name.starts_with(prefix))
                    && !skip.contains(&name.as_str())
            })
            .collect()
    };
    assert_eq!(
        fields(&redis, LEFT_OUT),
        fields(&kvdb, &["kvdb_version"]),
        "INFO everything (left redis-server, right kvdb)"
    );
}

/// Under an LFU policy new keys start at counter 5 and the first access always counts
/// (later increments are probabilistic, so only these are compared).
#[test]
fn object_freq_under_lfu() {
    diff_exclusive(
        r#"
        SET k v
        OBJECT FREQ k
        CONFIG SET maxmemory-policy allkeys-lfu
        SET fresh v
        OBJECT FREQ fresh
        GET fresh
        OBJECT FREQ fresh
        OBJECT IDLETIME fresh
        OBJECT FREQ missing
        CONFIG SET maxmemory-policy noeviction
        OBJECT FREQ fresh
        ? OBJECT IDLETIME fresh
        FLUSHALL
        "#,
    );
}

#[test]
fn enum_synonyms_and_flags_read_back_as_redis_prints_them() {
    diff_exclusive(
        r#"
        CONFIG SET oom-score-adj relative
        CONFIG GET oom-score-adj
        CONFIG SET oom-score-adj no
        CONFIG SET shutdown-on-sigterm "force save save"
        CONFIG GET shutdown-on-sigterm
        CONFIG SET shutdown-on-sigterm "default now"
        CONFIG GET shutdown-on-sigterm
        CONFIG SET shutdown-on-sigterm default
        CONFIG GET shutdown-on-sigterm
        "#,
    );
}

/// `--save` on the command line adds to the save points as further `save` lines of a
/// config file do (after the harness's own `--save ""`).
#[test]
fn command_line_save_options_add_up() {
    let extra = [
        "--save",
        "60 5",
        "--save",
        "10",
        "100",
        "--bind",
        "127.0.0.1 ::1",
    ];
    let redis = support::ServerProcess::redis_with_args(&extra);
    let kvdb =
        support::ServerProcess::kvdb_with_args(&[support::DIFF_SERVER_ARGS, &extra[..]].concat());
    let replies: Vec<Vec<u8>> = [&redis, &kvdb]
        .iter()
        .map(|server| {
            let mut conn = server.connect();
            let mut reply = conn.command(&[b"CONFIG", b"GET", b"save"]);
            reply.extend(conn.command(&[b"CONFIG", b"GET", b"bind"]));
            reply
        })
        .collect();
    assert_eq!(
        support::escape(&replies[0]),
        support::escape(&replies[1]),
        "left redis-server, right kvdb"
    );
}
