//! DEBUG against redis-server 7.0: SLEEP, SET-ACTIVE-EXPIRE, LOG, OBJECT and the errors;
//! then kvdb's own DEBUG CLOCK (virtual time over the wire), which Redis does not have.

mod support;

use std::time::Duration;

use support::{connect, diff, diff_exclusive, escape, servers, DiffSession};

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
        DEBUG REPLYBUFFER peak-reset-time 100
        DEBUG REPLYBUFFER peak-reset-time never
        DEBUG REPLYBUFFER peak-reset-time x
        DEBUG REPLYBUFFER nosuch 1
        DEBUG REPLYBUFFER resizing 0
        DEBUG REPLYBUFFER resizing 1
        DEBUG REPLYBUFFER peak-reset-time
        DEBUG REPLYBUFFER peak-reset-time reset
        DEBUG LOG "a line for the server log"
        DEBUG LOG
        DEBUG LOG a b
        "#,
    );
}

/// DEBUG DIGEST-VALUE of every type, and of values whose order does or does not count.
#[test]
fn populate_fills_the_database_with_test_keys() {
    diff(
        r#"
        DEBUG POPULATE 3
        MGET key:0 key:1 key:2
        OBJECT ENCODING key:2
        DEBUG POPULATE 2 p 10
        GET p:0
        DEBUG POPULATE 2 p 3
        GET p:1
        DEBUG POPULATE 2 q 3
        GET q:1
        DEBUG POPULATE 1 long 60
        OBJECT ENCODING long:0
        STRLEN long:0
        DEBUG POPULATE 0
        DEBUG POPULATE -1
        DEBUG POPULATE x
        DEBUG POPULATE 1 p -5
        DEBUG POPULATE 1 p 1 extra
        DEBUG POPULATE
        DBSIZE
        "#,
    );
}

#[test]
fn digests_of_values() {
    diff(
        r#"
        SET s hello
        SET n 12345
        SET t v EX 1000
        RPUSH l a b 1
        RPUSH l2 1 b a
        SADD set a b 1
        SADD set2 1 b a
        SADD ints 3 1 2
        HSET h f1 v1 f2 v2
        HSET h2 f2 v2 f1 v1
        ZADD z 1.5 a 2 b -inf c 0.1 d
        DEBUG DIGEST-VALUE s n t l l2 set set2 ints h h2 z nosuch
        DEBUG DIGEST-VALUE
        "#,
    );
}

/// DEBUG DIGEST of the whole dataset (several databases, big collections), and of none.
#[test]
fn digest_of_the_dataset() {
    let members: String = (0..300).map(|n| format!(" m{n}")).collect();
    let fields: String = (0..300).map(|n| format!(" f{n} {n}")).collect();
    let scores: String = (0..300)
        .map(|n| format!(" {} m{n}", n as f64 / 3.0))
        .collect();
    diff_exclusive(&format!(
        "FLUSHALL\nDEBUG DIGEST\nSET a 1\nDEBUG DIGEST\nSADD set{members}\nHSET hash{fields}\n\
         ZADD zset{scores}\nSELECT 3\nSET a 1 EX 100\nDEBUG DIGEST\nDEBUG DIGEST-VALUE a\n\
         DEBUG DIGEST extra\nFLUSHALL\n"
    ));
}

/// DEBUG PAUSE-CRON 1 stops active expiry (a key past its TTL stays counted until it is
/// looked up); 0 lets the cron delete it again.
#[test]
fn pause_cron_stops_active_expiry() {
    diff_exclusive(
        r#"
        DEBUG PAUSE-CRON 1
        SET k v PX 1
        SET other v
        !sleep 300
        DBSIZE
        DEBUG PAUSE-CRON 0
        !sleep 400
        DBSIZE
        DEBUG PAUSE-CRON
        DEBUG PAUSE-CRON yes
        DEBUG PAUSE-CRON 0
        "#,
    );
}

/// DEBUG PROTOCOL's sample of every type, in RESP2 and RESP3 (an attribute and a push
/// each followed by their ordinary reply).
#[test]
fn debug_protocol_answers_each_type() {
    let types = "string integer double bignum null array set map attrib push verbatim true false";
    let mut script = String::new();
    for protocol in ["!resp2", "!resp3"] {
        script.push_str(protocol);
        script.push('\n');
        for name in types.split(' ') {
            script.push_str(&format!("DEBUG PROTOCOL {name}\n"));
        }
        script.push_str("DEBUG PROTOCOL nosuch\nDEBUG PROTOCOL\nDEBUG PROTOCOL string extra\n");
    }
    script.push_str("!resp2\n");
    diff(&script);
}

/// DEBUG OBJECT's line with what differs by nature masked: the value's address and its
/// LRU clock stamp. Everything else (refcount, encoding, serializedlength,
/// lru_seconds_idle, the quicklist fields) must match.
fn masked(reply: &[u8]) -> String {
    let text = String::from_utf8_lossy(reply);
    text.split(' ')
        .map(|field| {
            if field.starts_with("at:0x") {
                "at:ADDR"
            } else if field.starts_with("lru:") {
                "lru:CLOCK"
            } else {
                field
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn debug_object_describes_values_as_redis_does() {
    let mut session = DiffSession::new();
    session.run(
        r#"
        SET shared 5
        SET int 12345
        SET big 99999999999
        SET short hello
        SET long "the quick brown fox jumps over the lazy dog the quick brown fox"
        SET same aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        RPUSH list a 1 -5000 hello 70000 9000000 99999999999 -1
        HSET hash f1 v1 f2 2 f3 300
        SADD ints 1 2 3 -40000
        SADD strs a b c
        ZADD zset 1 a 2.5 b -3 c 1e17 d -0 e
        "#,
    );
    let mut big_list: Vec<Vec<u8>> = vec![b"RPUSH".to_vec(), b"biglist".to_vec()];
    big_list.extend((0..3000).map(|i| format!("{}{i}", "x".repeat(i % 50)).into_bytes()));
    let mut big_hash: Vec<Vec<u8>> = vec![b"HSET".to_vec(), b"bighash".to_vec()];
    for i in 0..300 {
        big_hash.push(format!("field{i}").into_bytes());
        big_hash.push(format!("value{}", i * 7).into_bytes());
    }
    let mut big_zset: Vec<Vec<u8>> = vec![b"ZADD".to_vec(), b"bigzset".to_vec()];
    for i in 0..300 {
        big_zset.push(format!("{}", f64::from(i) * 1.5).into_bytes());
        big_zset.push(format!("member{i}").into_bytes());
    }
    let mut big_set: Vec<Vec<u8>> = vec![b"SADD".to_vec(), b"bigset".to_vec()];
    big_set.extend((0..600).map(|i| (i * 1000).to_string().into_bytes()));
    for command in [big_list, big_hash, big_zset, big_set] {
        let argv: Vec<&[u8]> = command.iter().map(Vec::as_slice).collect();
        session.exchange(&argv);
    }
    let keys: &[&[u8]] = &[
        b"shared", b"int", b"big", b"short", b"long", b"same", b"list", b"hash", b"ints", b"strs",
        b"zset", b"biglist", b"bighash", b"bigzset", b"bigset",
    ];
    // lru_seconds_idle is compared exactly. The keys are touched on both servers at
    // once first (creating the large ones takes a while); if a second still ticked
    // over between the two, touch and look again.
    let mut touch: Vec<&[u8]> = vec![b"TOUCH"];
    touch.extend_from_slice(keys);
    let mut differences = Vec::new();
    for attempt in 0..3 {
        differences.clear();
        session.exchange(&touch);
        for key in keys {
            let (redis, kvdb) = session.exchange(&[b"DEBUG", b"OBJECT", key]);
            assert!(redis.starts_with(b"+Value at:0x"), "{}", escape(&redis));
            if masked(&redis) != masked(&kvdb) {
                differences.push(format!(
                    "DEBUG OBJECT {}\n  redis: {}\n  kvdb:  {}",
                    String::from_utf8_lossy(key),
                    masked(&redis),
                    masked(&kvdb)
                ));
            }
        }
        if differences.is_empty() || attempt == 2 {
            break;
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn debug_object_errors_and_expired_keys() {
    diff(
        r#"
        DEBUG OBJECT nosuch
        DEBUG OBJECT
        DEBUG OBJECT a b
        "#,
    );
    let mut session = DiffSession::exclusive();
    // `lru_seconds_idle` reads Redis's LRU clock, which ticks once a second: a run that
    // straddles a tick on one server only is tried again.
    for attempt in 0..3 {
        session.run("DEBUG SET-ACTIVE-EXPIRE 0\nSET k v PX 1\n!sleep 20");
        // Found as stored, expired or not, and not expired by looking.
        let (redis, kvdb) = session.exchange(&[b"DEBUG", b"OBJECT", b"k"]);
        session.run("DBSIZE\nDEBUG SET-ACTIVE-EXPIRE 1");
        if masked(&redis) == masked(&kvdb) || attempt == 2 {
            assert_eq!(masked(&redis), masked(&kvdb));
            break;
        }
    }
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
