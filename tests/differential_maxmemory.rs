//! `maxmemory` against redis-server 7.0. Both servers measure memory their own way, so
//! the scripts set a limit of 1 byte, which every server is over: what is evicted
//! (everything the policy allows, in every database), what is refused with `OOM` and
//! what still runs (reads, deletes, `no-writes` and `allow-oom` scripts, EXEC and
//! DISCARD) are then the same on both, byte for byte, with the `evicted` events,
//! invalidations and `evicted_keys` count.

mod support;

use support::{connect, diff_exclusive, differential, send, DiffSession};

/// The `name:value` line of INFO `section` on both servers.
fn info_line(session: &mut DiffSession, section: &str, name: &str) -> (String, String) {
    let (redis, kvdb) = session.exchange(&[b"INFO", section.as_bytes()]);
    let line = |reply: &[u8]| {
        String::from_utf8_lossy(reply)
            .lines()
            .find(|line| line.starts_with(&format!("{name}:")))
            .unwrap_or_default()
            .to_string()
    };
    (line(&redis), line(&kvdb))
}

#[test]
fn noeviction_refuses_what_may_grow_memory() {
    diff_exclusive(
        r##"
        SET counter 1
        RPUSH list a b
        FUNCTION LOAD "#!lua name=lib\nredis.register_function('grow', function(keys) return redis.call('SET', keys[1], 'x') end)\nredis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}"
        CONFIG SET maxmemory-policy noeviction
        CONFIG SET maxmemory 1
        SET other 1
        INCR counter
        APPEND counter 2
        LPUSH list c
        SETNX fresh 1
        GET counter
        LRANGE list 0 -1
        LPOP list
        EXPIRE counter 100
        DEL list
        EXISTS list
        PING
        CONFIG GET maxmemory
        FUNCTION LOAD "#!lua name=other\nredis.register_function('f', function() return 1 end)"
        FCALL grow 1 counter
        FCALL peek 1 counter
        FCALL_RO peek 1 counter
        GET counter
        CONFIG SET maxmemory 0
        SET other 1
        FUNCTION FLUSH
        "##,
    );
}

#[test]
fn out_of_memory_inside_transactions() {
    diff_exclusive(
        r#"
        SET k 1
        CONFIG SET maxmemory-policy noeviction
        CONFIG SET maxmemory 1
        MULTI
        DISCARD
        MULTI
        GET k
        EXEC
        CONFIG SET maxmemory 0
        MULTI
        GET k
        SET k 2
        CONFIG SET maxmemory 1
        EXEC
        CONFIG SET maxmemory 0
        MULTI
        GET k
        CONFIG SET maxmemory 1
        EXEC
        GET k
        CONFIG SET maxmemory 0
        "#,
    );
}

#[test]
fn scripts_over_the_limit() {
    diff_exclusive(
        r##"
        SET k 1
        CONFIG SET maxmemory-policy noeviction
        CONFIG SET maxmemory 1
        EVAL "return redis.call('GET', KEYS[1])" 1 k
        EVAL "return redis.call('SET', KEYS[1], '2')" 1 k
        EVAL "return redis.pcall('SET', KEYS[1], '2')" 1 k
        EVAL "return redis.call('DEL', KEYS[1])" 1 nosuch
        EVAL "#!lua\nreturn redis.call('GET', KEYS[1])" 1 k
        EVAL "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])" 1 k
        EVAL "#!lua flags=allow-oom\nreturn redis.call('SET', KEYS[1], '3')" 1 k
        EVAL_RO "return redis.call('GET', KEYS[1])" 1 k
        SCRIPT LOAD "return redis.call('INCR', KEYS[1])"
        EVALSHA 61636018f4e6b5817b89791bbed242f93fa089e3 1 k
        GET k
        CONFIG SET maxmemory 0
        EVAL "return redis.call('SET', KEYS[1], '4')" 1 k
        GET k
        "##,
    );
}

#[test]
fn volatile_policies_evict_only_keys_with_a_ttl() {
    for policy in [
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        diff_exclusive(&format!(
            r#"
            SET plain 1
            SET soon 1 EX 100
            SELECT 1
            SET later 1 PX 1000000
            HSET plain2 f v
            SELECT 0
            CONFIG SET maxmemory-policy {policy}
            CONFIG SET maxmemory 1
            DBSIZE
            EXISTS plain soon
            SET fresh 1 EX 10
            GET plain
            SELECT 1
            DBSIZE
            HGETALL plain2
            SELECT 0
            CONFIG SET maxmemory 0
            SET fresh 1 EX 10
            CONFIG SET maxmemory-policy noeviction
            "#
        ));
    }
}

#[test]
fn allkeys_policies_evict_every_key_then_refuse() {
    for policy in ["allkeys-lru", "allkeys-lfu", "allkeys-random"] {
        let mut session = DiffSession::exclusive();
        session.run(&format!(
            r#"
            CONFIG RESETSTAT
            SET a 1
            SET b 2 EX 100
            SADD set x y
            SELECT 5
            ZADD z 1 m
            SELECT 0
            CONFIG SET maxmemory-policy {policy}
            CONFIG SET maxmemory 1
            DBSIZE
            SET a 1
            SELECT 5
            DBSIZE
            SELECT 0
            "#
        ));
        let (redis, kvdb) = info_line(&mut session, "stats", "evicted_keys");
        assert_eq!(
            redis, kvdb,
            "{policy}: evicted_keys (left redis-server, right kvdb)"
        );
        assert_eq!(kvdb, "evicted_keys:4");
        session.run(
            r#"
            CONFIG SET maxmemory 0
            SET a 1
            GET a
            CONFIG SET maxmemory-policy noeviction
            "#,
        );
    }
}

#[test]
fn evictions_are_keyspace_events_watch_changes_and_invalidations() {
    differential(|server, _| {
        let mut client = connect(server, 0);
        let mut listener = connect(server, 0);
        let mut tracker = connect(server, 0);
        let mut out = vec![
            client.cmd("FLUSHALL"),
            client.cmd("CONFIG SET notify-keyspace-events KEe"),
            listener.cmd("PSUBSCRIBE __key*__:*"),
            tracker.cmd("HELLO 3")[..1].to_vec(),
            tracker.cmd("CLIENT TRACKING on"),
            client.cmd("SET watched 1"),
            tracker.cmd("GET watched"),
            client.cmd("WATCH watched"),
            client.cmd("CONFIG SET maxmemory-policy allkeys-lru"),
            client.cmd("CONFIG SET maxmemory 1"),
        ];
        // `evicted` on the key's keyspace channel, then on the keyevent channel.
        for _ in 0..2 {
            out.push(listener.read_reply());
        }
        // The invalidation, then the fenced reply.
        send(&mut tracker, &[b"PING"]);
        out.push(tracker.read_reply());
        out.push(tracker.read_reply());
        out.push(client.cmd("CONFIG SET maxmemory 0"));
        out.extend([
            client.cmd("MULTI"),
            client.cmd("SET watched 2"),
            client.cmd("EXEC"),
            client.cmd("CONFIG SET notify-keyspace-events \"\""),
            client.cmd("CONFIG SET maxmemory-policy noeviction"),
        ]);
        out
    });
}

#[test]
fn a_client_hears_of_an_evicted_key_before_its_reply() {
    differential(|server, _| {
        let mut client = connect(server, 0);
        let mut out = vec![
            client.cmd("FLUSHALL"),
            client.cmd("HELLO 3")[..1].to_vec(),
            client.cmd("CLIENT TRACKING on"),
            client.cmd("SETEX volatile-key 10000 x"),
            client.cmd("GET volatile-key"),
            client.cmd("CONFIG SET maxmemory-policy noeviction"),
            client.cmd("CONFIG SET maxmemory 1"),
            // A new policy evicts nothing by itself...
            client.cmd("CONFIG SET maxmemory-policy volatile-random"),
        ];
        // ...the next command does, first: the invalidation, then its reply.
        send(&mut client, &[b"GETBIT", b"other", b"0"]);
        out.push(client.read_reply());
        out.push(client.read_reply());
        out.push(client.cmd("CONFIG SET maxmemory 0"));
        out.push(client.cmd("CONFIG SET maxmemory-policy noeviction"));
        out
    });
}

/// The number after `field:` in the server's INFO.
fn info_number(conn: &mut support::RawConn, field: &str) -> u64 {
    let reply = conn.cmd("INFO");
    let text = String::from_utf8_lossy(&reply).into_owned();
    let prefix = format!("{field}:");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in INFO"))
}

/// Redis's own test of the limit (`unit/maxmemory`, which its suite runs only against
/// a server it starts), on kvdb-server alone: 100 KiB over what is in use, keys with a
/// TTL are written until the limit is near, then as many again; every policy that can
/// evict them keeps memory in use within 4 KiB of the limit.
#[test]
fn kvdb_server_keeps_memory_under_the_limit() {
    let server = support::ServerProcess::kvdb();
    let mut conn = server.connect();
    for policy in [
        "allkeys-random",
        "allkeys-lru",
        "allkeys-lfu",
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        assert_eq!(conn.cmd("FLUSHALL"), b"+OK\r\n");
        let limit = info_number(&mut conn, "used_memory") + 100 * 1024;
        conn.cmd(&format!("CONFIG SET maxmemory {limit}"));
        conn.cmd(&format!("CONFIG SET maxmemory-policy {policy}"));
        let mut written = 0;
        loop {
            conn.cmd(&format!("SETEX key:{written} 10000 x"));
            written += 1;
            if info_number(&mut conn, "used_memory") + 4096 > limit {
                break;
            }
        }
        assert!(written > 10, "{policy}: {written} keys filled 100 KiB");
        for n in 0..written {
            assert_eq!(conn.cmd(&format!("SETEX more:{n} 10000 x")), b"+OK\r\n");
        }
        let used = info_number(&mut conn, "used_memory");
        assert!(
            used < limit + 4096,
            "{policy}: {used} in use, limit {limit}"
        );
        assert!(info_number(&mut conn, "evicted_keys") > 0, "{policy}");
    }
}
