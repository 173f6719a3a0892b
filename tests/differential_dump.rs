//! DUMP and RESTORE against redis-server 7.0: payloads compared byte for byte for
//! every encoding whose bytes do not depend on a hash table's order, payloads Redis
//! made restored on both servers, the options and every error, and payloads crafted
//! (with a valid checksum) in older and broken formats.

mod support;

use std::cell::RefCell;

use support::{connect, diff, diff_exclusive, differential, servers, RawConn};

#[test]
fn payloads_are_redis_s_byte_for_byte() {
    diff(
        r#"
        DUMP nosuch
        SET short abc
        DUMP short
        SET number 12345
        DUMP number
        SET negative -70000
        DUMP negative
        SET big 123456789012345678901234
        DUMP big
        SET compressible aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        DUMP compressible
        SET plain "abcdefghijklmnopqrstuvwxyz0123456789"
        DUMP plain
        RPUSH list a 1 -5000 hello 70000 "" 9999999999
        DUMP list
        HSET hash f1 v1 f2 2 f3 ""
        DUMP hash
        SADD ints 1 2 300 -7
        DUMP ints
        SADD wide 1 5000000000
        DUMP wide
        ZADD zset 1.5 a 2 b -inf c inf d
        DUMP zset
        "#,
    );
}

#[test]
fn large_lists_and_sorted_sets_are_redis_s_byte_for_byte() {
    // A list of several quicklist nodes, and a skiplist-encoded sorted set (written
    // from its tail, so the order is the sort order, not a table's).
    let mut script = String::from("RPUSH biglist");
    for n in 0..1000 {
        script.push_str(&format!(" element-{n}"));
    }
    script.push_str("\nDUMP biglist\nZADD bigzset");
    for n in 0..200 {
        script.push_str(&format!(" {} member-{n}", n as f64 / 7.0));
    }
    script.push_str("\nOBJECT ENCODING bigzset\nDUMP bigzset\n");
    diff(&script);
}

#[test]
fn restore_round_trips_every_encoding() {
    let fields: String = (0..600).map(|n| format!(" f{n} v{n}")).collect();
    let members: String = (0..600).map(|n| format!(" m{n}")).collect();
    differential(|server, db| {
        let mut conn = connect(server, db);
        conn.cmd("FLUSHDB");
        conn.cmd(&format!("HSET bighash{fields}"));
        conn.cmd(&format!("SADD bigset{members}"));
        conn.cmd("RPUSH list a b 3 4");
        conn.cmd("HSET hash f v");
        conn.cmd("SADD ints 3 1 2");
        conn.cmd("ZADD zset 1 a 2 b");
        conn.cmd("SET string hello");
        let mut replies = Vec::new();
        for key in [
            "list", "hash", "ints", "zset", "string", "bighash", "bigset",
        ] {
            let payload = bulk_payload(&conn.command(&[b"DUMP", key.as_bytes()]));
            let copy = format!("{key}-copy");
            replies.push(conn.command(&[b"RESTORE", copy.as_bytes(), b"0", &payload]));
            replies.push(conn.cmd(&format!("OBJECT ENCODING {copy}")));
            replies.push(conn.cmd(&format!("SORT {copy} ALPHA LIMIT 0 5")));
        }
        replies.push(conn.cmd("LRANGE list-copy 0 -1"));
        replies.push(conn.cmd("HGETALL hash-copy"));
        replies.push(conn.cmd("SMEMBERS ints-copy"));
        replies.push(conn.cmd("ZRANGE zset-copy 0 -1 WITHSCORES"));
        replies.push(conn.cmd("GET string-copy"));
        replies.push(conn.cmd("HLEN bighash-copy"));
        replies.push(conn.cmd("HGET bighash-copy f599"));
        replies.push(conn.cmd("SCARD bigset-copy"));
        replies.push(conn.cmd("SISMEMBER bigset-copy m599"));
        replies
    });
}

/// The bytes of a bulk-string reply.
fn bulk_payload(reply: &[u8]) -> Vec<u8> {
    let header_end = reply
        .windows(2)
        .position(|w| w == b"\r\n")
        .expect("a bulk reply");
    assert_eq!(reply[0], b'$', "a bulk reply: {reply:?}");
    reply[header_end + 2..reply.len() - 2].to_vec()
}

#[test]
fn payloads_redis_made_restore_alike_on_both() {
    // Hash-table encodings, whose bytes follow Redis's table order: the payloads
    // Redis makes (in its run, which comes first) are restored on both servers.
    let made: RefCell<Option<(Vec<u8>, Vec<u8>)>> = RefCell::new(None);
    let fields: String = (0..600).map(|n| format!(" f{n} v{n}")).collect();
    let members: String = (0..600).map(|n| format!(" m{n}")).collect();
    differential(|server, db| {
        let mut conn = connect(server, db);
        conn.cmd("FLUSHDB");
        if made.borrow().is_none() {
            assert_eq!(server.name(), servers().redis.name(), "Redis runs first");
            conn.cmd(&format!("HSET made:hash{fields}"));
            conn.cmd(&format!("SADD made:set{members}"));
            let hash = bulk_payload(&conn.cmd("DUMP made:hash"));
            let set = bulk_payload(&conn.cmd("DUMP made:set"));
            conn.cmd("DEL made:hash made:set");
            *made.borrow_mut() = Some((hash, set));
        }
        let made = made.borrow();
        let (hash, set) = made.as_ref().expect("payloads made");
        vec![
            conn.command(&[b"RESTORE", b"hash", b"0", hash]),
            conn.command(&[b"RESTORE", b"set", b"0", set]),
            conn.cmd("OBJECT ENCODING hash"),
            conn.cmd("OBJECT ENCODING set"),
            conn.cmd("HLEN hash"),
            conn.cmd("HGET hash f17"),
            conn.cmd("SCARD set"),
            conn.cmd("SORT set ALPHA LIMIT 0 3"),
        ]
    });
}

#[test]
fn restore_options_and_errors() {
    diff(
        r#"
        SET source value
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2"
        GET k
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2"
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE
        RESTORE k 0 bad_payload REPLACE
        RESTORE k 0 "" REPLACE
        RESTORE k x "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE
        RESTORE k -1 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE bogus
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE IDLETIME
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE IDLETIME -1
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE IDLETIME x
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE FREQ 256
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE FREQ -1
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE IDLETIME 10 FREQ 5
        RESTORE k 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE FREQ 5 IDLETIME 10
        RESTORE k 100000 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE
        TTL k
        RESTORE k 1 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE ABSTTL
        EXISTS k
        RESTORE k 4000000000000 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" ABSTTL
        PEXPIRETIME k
        RESTORE source 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2"
        RESTORE
        RESTORE k 0
        DUMP
        DUMP a b
        "#,
    );
}

#[test]
fn crafted_payloads_of_old_and_broken_formats() {
    diff(
        r#"
        RESTORE module 0 "\x07\x03abc\x0a\x00l\xb0\xab\xcc\xa2\xc5\xa5\xe4"
        RESTORE emptylist 0 "\x12\x00\x0a\x00i\xf6\x84[j\x1b\xbfW"
        RESTORE newer 0 "\x00\x03abc\x0b\x00\xb0s\x8dN\xbc\xedKk"
        RESTORE intofooter 0 "\x00\x05ab\x0a\x00'\xa9\xb3T\xd1\x94\xf9\x9e"
        STRLEN intofooter
        RESTORE oldlist 0 "\x01\x02\x01a\x01b\x0a\x002\xa8\x90~\xd5\x03\x1aE"
        LRANGE oldlist 0 -1
        OBJECT ENCODING oldlist
        RESTORE oldzset 0 "\x03\x02\x01a\x031.5\x01b\xfe\x0a\x00\x05\xed\x07o\xe4\xd5\x08\xea"
        ZRANGE oldzset 0 -1 WITHSCORES
        OBJECT ENCODING oldzset
        RESTORE plainset 0 "\x02\x02\x01a\x01b\x0a\x00\xfed!%\xeb\x03=\x0d"
        OBJECT ENCODING plainset
        SORT plainset ALPHA
        RESTORE plainhash 0 "\x04\x01\x01f\x01v\x0a\x00\xad\xf2CV\xb1\x86\x0e\xfc"
        OBJECT ENCODING plainhash
        HGETALL plainhash
        "#,
    );
}

#[test]
fn restored_encodings_follow_the_configuration() {
    differential(|server, db| {
        let mut conn = connect(server, db);
        conn.cmd("FLUSHDB");
        conn.cmd("HSET hash a 1 b 2 c 3");
        conn.cmd("ZADD zset 1 a 2 b 3 c");
        conn.cmd("SADD set 1 2 3");
        let payloads: Vec<(&str, Vec<u8>)> = ["hash", "zset", "set"]
            .iter()
            .map(|key| (*key, bulk_payload(&conn.cmd(&format!("DUMP {key}")))))
            .collect();
        conn.cmd("CONFIG SET hash-max-listpack-entries 2");
        conn.cmd("CONFIG SET zset-max-listpack-entries 2");
        conn.cmd("CONFIG SET set-max-intset-entries 2");
        let mut replies = Vec::new();
        for (key, payload) in &payloads {
            let copy = format!("{key}-copy");
            replies.push(conn.command(&[b"RESTORE", copy.as_bytes(), b"0", payload]));
            replies.push(conn.cmd(&format!("OBJECT ENCODING {copy}")));
        }
        conn.cmd("CONFIG SET hash-max-listpack-entries 128");
        conn.cmd("CONFIG SET zset-max-listpack-entries 128");
        conn.cmd("CONFIG SET set-max-intset-entries 512");
        replies
    });
}

#[test]
fn idletime_and_freq_set_the_access_field() {
    const PAYLOAD: &[u8] = b"\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2";
    differential(|server, db| {
        let mut conn = connect(server, db);
        fn restore(conn: &mut RawConn, options: &[&[u8]]) -> Vec<u8> {
            let mut argv: Vec<&[u8]> = vec![b"RESTORE", b"k", b"0", PAYLOAD, b"REPLACE"];
            argv.extend_from_slice(options);
            conn.command(&argv)
        }
        let mut replies = vec![restore(&mut conn, &[b"IDLETIME", b"1000"])];
        // The LRU clock may tick between the two commands.
        let idle = conn.cmd("OBJECT IDLETIME k");
        let idle: u64 = String::from_utf8_lossy(&idle[1..idle.len() - 2])
            .parse()
            .unwrap();
        replies.push(format!("idle in range: {}", (1000..=1002).contains(&idle)).into_bytes());
        // FREQ counts only under an LFU policy, IDLETIME only otherwise.
        replies.push(conn.cmd("CONFIG SET maxmemory-policy allkeys-lfu"));
        replies.push(restore(&mut conn, &[b"FREQ", b"100"]));
        replies.push(conn.cmd("OBJECT FREQ k"));
        replies.push(restore(&mut conn, &[b"IDLETIME", b"1000"]));
        replies.push(conn.cmd("OBJECT FREQ k"));
        replies.push(conn.cmd("CONFIG SET maxmemory-policy noeviction"));
        replies
    });
}

#[test]
fn large_list_elements_get_plain_quicklist_nodes() {
    diff_exclusive(
        r#"
        DEBUG QUICKLIST-PACKED-THRESHOLD 10b
        RPUSH list a bbbbbbbbbbbb c d eeeeeeeeeeeeeeeeee eeeeeeeeeeeeeeeeeeeeeeee f
        DUMP list
        LRANGE list 0 -1
        DEBUG QUICKLIST-PACKED-THRESHOLD 1b
        RPUSH every x yy zzz
        DUMP every
        DEBUG QUICKLIST-PACKED-THRESHOLD 0
        RPUSH packed a bbbbbbbbbbbb c
        DUMP packed
        DEBUG QUICKLIST-PACKED-THRESHOLD 5gb
        DEBUG QUICKLIST-PACKED-THRESHOLD -1
        DEBUG QUICKLIST-PACKED-THRESHOLD 10q
        DEBUG QUICKLIST-PACKED-THRESHOLD 4095mb
        DEBUG QUICKLIST-PACKED-THRESHOLD 0
        "#,
    );
}

/// MIGRATE from each server to the same target redis-server (a database of its own
/// per source): the replies, what is left at the source and what arrived, compared.
#[test]
fn migrate_moves_keys_to_another_server() {
    let target = support::ServerProcess::redis();
    let target_port = target.addr().port().to_string();
    let closed_port = support::free_port().to_string();
    let next_db = std::sync::atomic::AtomicUsize::new(1);
    differential(|server, db| {
        let to_db = next_db
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_string();
        let mut target_conn = connect(&target, to_db.parse().unwrap_or(1));
        target_conn.command(&[b"FLUSHDB"]);
        let mut conn = connect(server, db);
        let port = target_port.as_bytes();
        let host: &[u8] = b"127.0.0.1";
        let to = to_db.as_bytes();
        let mut replies = vec![
            conn.command(&[b"SET", b"a", b"1"]),
            conn.command(&[b"RPUSH", b"list", b"x", b"y", b"z"]),
            conn.command(&[b"SET", b"ttl", b"v", b"PX", b"100000"]),
            conn.command(&[b"SET", b"kept", b"copy me"]),
            // Every key missing: nothing to do.
            conn.command(&[b"MIGRATE", host, port, b"nosuch", to, b"1000"]),
            conn.command(&[b"MIGRATE", host, port, b"a", to, b"1000"]),
            conn.command(&[b"EXISTS", b"a"]),
            conn.command(&[
                b"MIGRATE", host, port, b"", to, b"1000", b"KEYS", b"list", b"ttl", b"gone",
            ]),
            conn.command(&[b"MIGRATE", host, port, b"kept", to, b"1000", b"COPY"]),
            conn.command(&[b"EXISTS", b"kept", b"list", b"ttl"]),
            // The target has it now: BUSYKEY, unless REPLACE.
            conn.command(&[b"MIGRATE", host, port, b"kept", to, b"1000", b"COPY"]),
            conn.command(&[b"MIGRATE", host, port, b"kept", to, b"1000", b"REPLACE"]),
            conn.command(&[b"SET", b"a", b"2"]),
            // The target has no password.
            conn.command(&[
                b"MIGRATE", host, port, b"a", to, b"1000", b"AUTH", b"secret",
            ]),
            conn.command(&[
                b"MIGRATE", host, port, b"a", to, b"1000", b"AUTH2", b"user", b"secret",
            ]),
            conn.command(&[b"MIGRATE", host, closed_port.as_bytes(), b"a", to, b"1000"]),
            conn.command(&[b"MIGRATE", host, port, b"a", to, b"1000", b"KEYS", b"a"]),
            conn.command(&[b"MIGRATE", host, port, b"a", to, b"1000", b"AUTH"]),
            conn.command(&[b"MIGRATE", host, port, b"a", to, b"1000", b"AUTH2", b"user"]),
            conn.command(&[b"MIGRATE", host, port, b"a", to, b"1000", b"NOSUCH"]),
            conn.command(&[b"MIGRATE", host, port, b"a", to, b"x"]),
            conn.command(&[b"MIGRATE", host, port, b"a", b"x", b"1000"]),
            conn.command(&[b"MIGRATE", host, port, b"a", to]),
            conn.command(&[
                b"COMMAND", b"GETKEYS", b"MIGRATE", host, port, b"a", to, b"0",
            ]),
            conn.command(&[
                b"COMMAND", b"GETKEYS", b"MIGRATE", host, port, b"", to, b"0", b"KEYS", b"k1",
                b"k2",
            ]),
        ];
        let info = String::from_utf8_lossy(&conn.command(&[b"INFO", b"stats"])).into_owned();
        let cached = info
            .lines()
            .find(|line| line.starts_with("migrate_cached_sockets:"))
            .unwrap_or("no field")
            .to_string();
        replies.push(cached.into_bytes());
        // What arrived, with its TTL still there.
        replies.push(target_conn.command(&[b"GET", b"a"]));
        replies.push(target_conn.command(&[b"LRANGE", b"list", b"0", b"-1"]));
        replies.push(target_conn.command(&[b"GET", b"kept"]));
        let ttl = target_conn.command(&[b"PTTL", b"ttl"]);
        let ttl: i64 = String::from_utf8_lossy(&ttl[1..ttl.len() - 2])
            .parse()
            .unwrap_or(-3);
        replies.push(format!("ttl kept: {}", (1..=100_000).contains(&ttl)).into_bytes());
        replies.push(conn.command(&[b"DEL", b"a", b"kept"]));
        replies
    });
}
