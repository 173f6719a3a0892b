//! Differential tests of the replication stream: the same commands run against
//! redis-server 7.0 and an in-process kvdb server, each with a raw `SYNC` connection
//! reading its stream, and the propagated commands must be the same, byte for byte. Only absolute timestamps (`PXAT` and
//! `PEXPIREAT` values) are compared for plausibility instead, and Redis's `PING`
//! keepalives are left out.

mod support;

// The in-process kvdb server needs the counting allocator to accept `maxmemory`.
#[global_allocator]
static ALLOCATOR: kvdb::CountingAllocator<std::alloc::System> =
    kvdb::CountingAllocator::new(std::alloc::System);
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kvdb::{Config, Engine, Server};
use support::{escape, frame_len, split_command_line, RawConn, ServerProcess};

/// A redis-server and a kvdb server, each with a raw replica attached.
struct Pair {
    redis_client: RawConn,
    redis_stream: RawConn,
    kvdb_client: RawConn,
    kvdb_stream: RawConn,
    marks: u64,
    // The servers go after their connections: redis-server's SHUTDOWN waits for a
    // replica still attached to catch up, and the raw SYNC one never acknowledges.
    _redis: ServerProcess,
    _kvdb: Server,
}

impl Pair {
    fn new(directives: &[(&str, &str)]) -> Pair {
        let mut args = vec![
            "--repl-diskless-sync".to_string(),
            "no".to_string(),
            "--repl-ping-replica-period".to_string(),
            "3600".to_string(),
        ];
        for (name, value) in directives {
            args.push(format!("--{name}"));
            args.push(value.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let redis = ServerProcess::redis_with_args(&args);
        let mut redis_stream = RawConn::connect(redis.addr());
        redis_stream.send_raw(b"SYNC\r\n");
        skip_rdb(&mut redis_stream);

        let mut text = String::from("enable-debug-command yes\n");
        for (name, value) in directives {
            text.push_str(&format!("{name} {value}\n"));
        }
        let mut config = Config::default();
        config.load_file_text(&text).expect("valid directives");
        let engine = Engine::builder().config(config).build();
        let kvdb = Server::start(engine).expect("kvdb server");
        let mut kvdb_stream = RawConn::connect(kvdb.addr());
        kvdb_stream.send_raw(b"SYNC\r\n");
        skip_rdb(&mut kvdb_stream);
        let kvdb_client = RawConn::connect(kvdb.addr());
        Pair {
            redis_client: RawConn::connect(redis.addr()),
            _redis: redis,
            redis_stream,
            _kvdb: kvdb,
            kvdb_client,
            kvdb_stream,
            marks: 0,
        }
    }

    /// Runs `script` (one command per line, `#` comments, `!sleep <ms>` pauses) on
    /// both servers, then compares what both propagated.
    fn check(&mut self, script: &str) {
        for line in script.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(ms) = line.strip_prefix("!sleep ") {
                std::thread::sleep(Duration::from_millis(ms.parse().expect("a number")));
                continue;
            }
            let argv = split_command_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
            self.redis_client.command(&argv);
            self.kvdb_client.command(&argv);
        }
        self.compare(script);
    }

    /// Ends the section with a marker write both propagate, reads both streams up to
    /// it and compares them.
    fn compare(&mut self, script: &str) {
        self.marks += 1;
        let mark = format!("SET __mark__ {}", self.marks);
        self.redis_client.cmd(&mark);
        self.kvdb_client.cmd(&mark);
        let redis = read_stream_until(&mut self.redis_stream, self.marks);
        let kvdb = read_stream_until(&mut self.kvdb_stream, self.marks);
        let redis = commands(&redis);
        let kvdb = commands(&kvdb);
        let shown = |commands: &[Vec<Vec<u8>>]| {
            commands
                .iter()
                .map(|argv| {
                    argv.iter()
                        .map(|arg| escape(arg))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join("\n    ")
        };
        let same = redis.len() == kvdb.len()
            && redis
                .iter()
                .zip(&kvdb)
                .all(|(expected, actual)| same_command(expected, actual));
        assert!(
            same,
            "replication streams differ for:\n{script}\nredis:\n    {}\nkvdb:\n    {}",
            shown(&redis),
            shown(&kvdb)
        );
    }
}

/// Reads the `SYNC` reply: newlines while the RDB is produced, then `$<len>\r\n` and
/// the payload (no trailing CRLF).
fn skip_rdb(stream: &mut RawConn) {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        std::io::Read::read_exact(&mut stream_ref(stream), &mut byte).expect("SYNC reply");
        if byte[0] == b'\n' {
            if line.first() == Some(&b'$') {
                break;
            }
            line.clear();
        } else if byte[0] != b'\r' {
            line.push(byte[0]);
        }
    }
    let len: usize = std::str::from_utf8(&line[1..])
        .unwrap()
        .parse()
        .expect("RDB length");
    let mut payload = vec![0u8; len];
    std::io::Read::read_exact(&mut stream_ref(stream), &mut payload).expect("RDB payload");
    assert!(payload.starts_with(b"REDIS"), "an RDB payload");
}

fn stream_ref(conn: &RawConn) -> &std::net::TcpStream {
    conn.stream()
}

/// Reads the stream until the marker `SET __mark__ <mark>`.
fn read_stream_until(stream: &mut RawConn, mark: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while !ends_with_mark(&out, mark) {
        let frame = stream.read_reply();
        out.extend_from_slice(&frame);
    }
    out
}

fn ends_with_mark(stream: &[u8], mark: u64) -> bool {
    let value = mark.to_string();
    let encoded = format!(
        "*3\r\n$3\r\nSET\r\n$8\r\n__mark__\r\n${}\r\n{value}\r\n",
        value.len()
    );
    stream.ends_with(encoded.as_bytes())
}

/// The stream's commands, without the marker writes and PING keepalives.
fn commands(mut stream: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    while !stream.is_empty() {
        let len = frame_len(stream)
            .expect("a RESP stream")
            .expect("whole frames");
        let frame = &stream[..len];
        stream = &stream[len..];
        let argv = parse_multibulk(frame);
        let name = argv[0].to_ascii_lowercase();
        if name == b"ping" || (argv.len() == 3 && argv[1] == b"__mark__") {
            continue;
        }
        out.push(argv);
    }
    out
}

fn parse_multibulk(frame: &[u8]) -> Vec<Vec<u8>> {
    let text = frame;
    let mut lines = text.split(|&b| b == b'\n');
    let count: usize = std::str::from_utf8(&lines.next().unwrap()[1..])
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut at = frame.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut argv = Vec::with_capacity(count);
    for _ in 0..count {
        let end = at + frame[at..].iter().position(|&b| b == b'\n').unwrap();
        let len: usize = std::str::from_utf8(&frame[at + 1..end - 1])
            .unwrap()
            .parse()
            .unwrap();
        at = end + 1;
        argv.push(frame[at..at + len].to_vec());
        at += len + 2;
    }
    argv
}

/// Same command, but for absolute millisecond timestamps (after `PXAT`, or
/// `PEXPIREAT`'s and `RESTORE ... ABSTTL`'s, XCLAIM's `TIME`), which must both be within a minute of now and of each other.
fn same_command(redis: &[Vec<u8>], kvdb: &[Vec<u8>]) -> bool {
    if redis.len() != kvdb.len() {
        return false;
    }
    // RESTORE propagates its TTL as an absolute one (with ABSTTL).
    let absolute_second = redis[0].eq_ignore_ascii_case(b"pexpireat")
        || (redis[0].eq_ignore_ascii_case(b"restore")
            && redis.iter().any(|arg| arg.eq_ignore_ascii_case(b"absttl")));
    (0..redis.len()).all(|at| {
        let timestamp = (absolute_second && at == 2)
            || (at > 0
                && (redis[at - 1].eq_ignore_ascii_case(b"pxat")
                    || redis[at - 1].eq_ignore_ascii_case(b"time")));
        if timestamp {
            plausible_pair(&redis[at], &kvdb[at])
        } else {
            redis[at] == kvdb[at]
        }
    })
}

fn plausible_pair(redis: &[u8], kvdb: &[u8]) -> bool {
    let parse = |bytes: &[u8]| -> Option<i64> { std::str::from_utf8(bytes).ok()?.parse().ok() };
    let (Some(redis), Some(kvdb)) = (parse(redis), parse(kvdb)) else {
        return redis == kvdb;
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // A timestamp far from now (EXAT 1, a year ahead) was given, not computed.
    if (redis - now).abs() > 3_600_000 {
        return redis == kvdb;
    }
    (redis - kvdb).abs() < 5_000
}

#[test]
fn strings_and_expiry_rewrites() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        SELECT 9
        SET a 1
        set b 2
        SET c 3 EX 100
        SET d 4 PX 100000 NX
        SET e 5 EXAT 4102444800
        SET f 6 PXAT 4102444800000 GET
        SET a 7 GET
        SET a 8 XX KEEPTTL
        SET nope 1 XX
        SETEX g 100 v
        PSETEX h 100000 v
        SETNX a x
        SETNX i x
        GETSET a 9
        GETDEL a
        GETDEL a
        GETEX b EX 100
        GETEX b PERSIST
        GETEX b PERSIST
        GETEX b
        GETEX b PXAT 1
        MSET m1 1 m2 2
        MSETNX m1 1 m3 3
        MSETNX n1 1 n2 2
        INCR n
        INCRBY n 5
        DECR n
        DECRBY n 2
        INCRBYFLOAT fl 1.5
        INCRBYFLOAT fl 2e3
        APPEND s abc
        SETRANGE s 1 X
        SETBIT bits 7 1
        SETBIT bits 7 1
        GET s
        STRLEN s
        "#,
    );
}

#[test]
fn generic_keyspace_commands() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        SELECT 2
        SET a 1
        SET b 2
        EXPIRE a 100
        EXPIRE a 100 NX
        EXPIRE a 200 GT
        PEXPIRE a 100000
        EXPIREAT a 4102444800
        PEXPIREAT a 4102444800000
        EXPIRE b 0
        EXPIRE missing 10
        PERSIST a
        PERSIST a
        SET c 1
        RENAME c d
        RENAMENX d e
        COPY e f
        COPY e f REPLACE
        MOVE f 3
        DEL e f missing
        UNLINK d
        SET g 1
        TOUCH g
        EXISTS g
        SWAPDB 2 3
        SELECT 3
        FLUSHDB
        FLUSHALL
        "#,
    );
}

#[test]
fn lists_and_blocking_pops_without_waiting() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        RPUSH l a b c d e f
        LPUSH l z
        LPOP l
        RPOP l 2
        LPOP missing
        BLPOP l 1
        BRPOP l 1
        LMPOP 1 l LEFT COUNT 10
        RPUSH l a b c
        BLMPOP 1 1 l RIGHT COUNT 2
        RPUSH l x y
        LMOVE l m LEFT RIGHT
        BLMOVE l m RIGHT LEFT 1
        RPOPLPUSH m l
        BRPOPLPUSH m l 1
        LSET l 0 q
        LINSERT l BEFORE q p
        LREM l 0 p
        LTRIM l 0 0
        RPUSHX l more
        LPUSHX nothing x
        "#,
    );
}

#[test]
fn sorted_sets_and_blocking_pops_without_waiting() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        ZADD z 1 a 2 b 3 c 4 d 5 e
        ZADD z NX 1 a
        ZINCRBY z 2 a
        ZPOPMIN z
        ZPOPMAX z 1
        BZPOPMIN z 1
        BZPOPMAX z 1
        ZADD z 1 a 2 b 3 c
        ZMPOP 1 z MIN COUNT 10
        ZADD z 1 a 2 b 3 c
        BZMPOP 1 1 z MAX COUNT 2
        ZREM z a
        ZREM z nope
        ZADD y 1 a 2 b
        ZUNIONSTORE u 2 y z
        ZRANGESTORE r y 0 -1
        ZREMRANGEBYRANK y 0 0
        "#,
    );
}

#[test]
fn transactions_wrap_more_than_one_write() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        MULTI
        SET a 1
        GET a
        EXEC
        MULTI
        SET a 1
        INCR a
        SET b 1 EX 100
        EXEC
        MULTI
        GET a
        EXEC
        "#,
    );
}

#[test]
fn lazy_and_active_expiry_propagate_deletions() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        DEBUG SET-ACTIVE-EXPIRE 0
        SET a 1 PX 50
        SET b 1 PX 50
        !sleep 100
        GET a
        SET b 2
        DEBUG SET-ACTIVE-EXPIRE 1
        SET c 1 PX 50
        !sleep 1000
        "#,
    );
}

#[test]
fn hashes_sets_and_publish() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        HSET h a 1 b 2
        HSETNX h a 9
        HSETNX h c 3
        HINCRBY h a 5
        HINCRBYFLOAT h f 1.5
        HINCRBYFLOAT h f 0.25
        HDEL h a nope
        HGET h b
        SADD s a b c
        SADD s a
        SREM s a
        SMOVE s t b
        SADD one x
        SPOP one
        SADD two x y
        SPOP two 5
        SPOP two 0
        SPOP missing
        SINTERSTORE d s t
        SUNIONSTORE d s t
        SDIFFSTORE d s t
        PUBLISH chan hello
        SPUBLISH chan hello
        "#,
    );
}

#[test]
fn scripts_replicate_their_effects() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        EVAL "redis.call('set', KEYS[1], 'x')" 1 a
        EVAL "redis.call('set', KEYS[1], 'x') redis.call('incr', 'n') return redis.call('get', KEYS[1])" 1 a
        EVAL "return redis.call('get', KEYS[1])" 1 a
        EVAL "redis.call('set', KEYS[1], 'y', 'EX', 100) redis.call('getdel', KEYS[1])" 1 b
        "#,
    );
}

#[test]
fn served_blocked_clients_propagate_their_pops() {
    let mut pair = Pair::new(&[]);
    let mut redis_blocked = RawConn::connect(pair._redis.addr());
    let mut kvdb_blocked = RawConn::connect(pair._kvdb.addr());
    for (command, push) in [
        ("BLPOP l 0", "RPUSH l a b"),
        ("BLMPOP 0 1 l RIGHT COUNT 5", "RPUSH l a b c"),
        ("BLMOVE l m LEFT RIGHT 0", "RPUSH l a"),
        ("BRPOPLPUSH l m 0", "RPUSH l a"),
        ("BZPOPMIN z 0", "ZADD z 1 a 2 b"),
        ("BZMPOP 0 1 z MAX COUNT 5", "ZADD z 1 a 2 b"),
    ] {
        redis_blocked.send_raw(&support::encode_command(
            &split_command_line(command)
                .unwrap()
                .iter()
                .map(Vec::as_slice)
                .collect::<Vec<_>>(),
        ));
        kvdb_blocked.send_raw(&support::encode_command(
            &split_command_line(command)
                .unwrap()
                .iter()
                .map(Vec::as_slice)
                .collect::<Vec<_>>(),
        ));
        std::thread::sleep(Duration::from_millis(100));
        pair.check(push);
        redis_blocked.read_reply();
        kvdb_blocked.read_reply();
        pair.check("DEL l m z");
    }
}

/// A blocked client's key that has expired by the time a write wakes its waiters is
/// deleted, and the DEL goes out after the write's transaction; the client stays
/// blocked.
#[test]
fn a_waited_key_found_expired_is_deleted_and_propagated() {
    let mut pair = Pair::new(&[]);
    let mut blocked = [
        RawConn::connect(pair._redis.addr()),
        RawConn::connect(pair._kvdb.addr()),
    ];
    let ids: Vec<String> = blocked
        .iter_mut()
        .map(|conn| {
            let reply = String::from_utf8(conn.cmd("CLIENT ID")).unwrap();
            reply.trim_start_matches(':').trim().to_string()
        })
        .collect();
    for conn in &mut blocked {
        conn.send_raw(b"BRPOP k 0\r\n");
    }
    std::thread::sleep(Duration::from_millis(100));
    pair.check(
        r#"
        DEBUG SET-ACTIVE-EXPIRE 0
        MULTI
        RPUSH k hello
        PEXPIRE k 100
        DEBUG SLEEP 0.2
        EXEC
        "#,
    );
    pair.redis_client.cmd(&format!("CLIENT UNBLOCK {}", ids[0]));
    pair.kvdb_client.cmd(&format!("CLIENT UNBLOCK {}", ids[1]));
    for conn in &mut blocked {
        assert_eq!(conn.read_reply(), b"*-1\r\n", "unblocked with no element");
    }
    pair.check("DEBUG SET-ACTIVE-EXPIRE 1");
}

/// FUNCTION RESTORE of a FUNCTION DUMP payload (Redis's, which kvdb reads), with and
/// without REPLACE.
#[test]
fn function_restore_propagates_as_sent() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r##"FUNCTION LOAD "#!lua name=lib\nredis.register_function('f', function() return 1 end)""##,
    );
    let dump = pair.redis_client.cmd("FUNCTION DUMP");
    let header_end = dump.iter().position(|&b| b == b'\n').expect("a bulk reply") + 1;
    let payload = &dump[header_end..dump.len() - 2];
    pair.check("FUNCTION FLUSH");
    for conn in [&mut pair.redis_client, &mut pair.kvdb_client] {
        assert_eq!(
            conn.command(&[b"FUNCTION", b"RESTORE", payload]),
            b"+OK\r\n"
        );
        let replace: &[&[u8]] = &[b"FUNCTION", b"RESTORE", payload, b"REPLACE"];
        assert_eq!(conn.command(replace), b"+OK\r\n");
    }
    pair.compare("FUNCTION RESTORE <dump>\nFUNCTION RESTORE <dump> REPLACE");
}

#[test]
fn functions_and_script_cache_commands() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r##"
        SCRIPT LOAD "return 1"
        SCRIPT FLUSH
        FUNCTION LOAD "#!lua name=lib\nredis.register_function('f', function(keys, args) return redis.call('set', keys[1], args[1]) end)"
        FCALL f 1 k v
        FUNCTION DELETE lib
        FUNCTION FLUSH
        "##,
    );
}

#[test]
fn migrate_propagates_as_del_of_the_keys_that_went() {
    let target = ServerProcess::redis();
    let port = target.addr().port();
    let mut pair = Pair::new(&[]);
    pair.check(&format!(
        r#"
        SET a 1
        SET b 2
        SET c 3
        MIGRATE 127.0.0.1 {port} a 0 1000 REPLACE
        MIGRATE 127.0.0.1 {port} "" 0 1000 REPLACE KEYS b nosuch c
        SET d 4
        MIGRATE 127.0.0.1 {port} d 0 1000 COPY REPLACE
        MIGRATE 127.0.0.1 {port} nosuch 0 1000
        "#
    ));
}

#[test]
fn restore_copy_rename_move_and_flushes() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        SET src hello
        RESTORE r1 0 "\x00\x05hello\n\x00cr\xdfve4 \n"
        RESTORE r2 100000 "\x00\x05hello\n\x00cr\xdfve4 \n"
        RESTORE r3 4102444800000 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL
        RESTORE r3 1 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL REPLACE
        RESTORE r2 1 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL REPLACE
        RESTORE-ASKING r4 0 "\x00\x05hello\n\x00cr\xdfve4 \n"
        RESTORE r4 0 "\x00\x05hello\n\x00cr\xdfve4 \n" IDLETIME 100 REPLACE
        RESTORE r5 0 "\x00\x05hello\n\x00cr\xdfve4 \n" FREQ 5
        RESTORE r6 1 "\x00\x05hello\n\x00cr\xdfve4 \n" ABSTTL
        RESTORE r7 0 "\x12\x01\x02\r\r\x00\x00\x00\x02\x00\x81a\x02\x81b\x02\xff\n\x00h\xeb\n\x89\x13A\xbb\xb1"
        RESTORE r7 0 "\x00\x05hello\n\x00cr\xdfve4 \n"
        COPY src dst
        COPY src dst
        COPY src dst DB 4 REPLACE
        COPY nosuch dst
        RENAME src src
        RENAME src s2
        RENAMENX s2 dst
        MOVE s2 5
        MOVE nosuch 5
        SWAPDB 0 5
        SWAPDB 0 0
        FLUSHDB ASYNC
        FLUSHDB SYNC
        SET a 1
        FLUSHALL ASYNC
        SET a 1
        FLUSHALL SYNC
        FLUSHALL
        "#,
    );
}

#[test]
fn store_commands_and_bitmaps() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        SADD s1 a b c
        SADD s2 b c d
        SINTERSTORE d s1 s2
        SINTERSTORE d nosuch s2
        SINTERSTORE d nosuch s2
        SUNIONSTORE d s1 s2
        SDIFFSTORE d s1 s2
        SDIFFSTORE d nosuch
        SINTERCARD 2 s1 s2
        SMOVE s1 s2 a
        SMOVE s1 s2 nosuch
        SMOVE s1 s1 b
        SRANDMEMBER s1
        SRANDMEMBER s1 -5
        ZADD z1 1 a 2 b 3 c
        ZADD z2 1 b 2 c 3 d
        ZINTERSTORE zd 2 z1 z2 WEIGHTS 1 2 AGGREGATE MAX
        ZUNIONSTORE zd 2 z1 z2
        ZDIFFSTORE zd 2 z1 z2
        ZDIFFSTORE zd 1 nosuch
        ZRANGESTORE zd z1 0 -1
        ZRANGESTORE zd z1 5 10
        ZRANGESTORE zd z1 (1 +inf BYSCORE LIMIT 0 1
        ZADD z1 XX CH 5 a 6 nosuch
        ZADD z1 GT 1 a
        ZADD z1 LT 1 a
        ZADD z1 INCR 2 a
        ZADD z1 NX INCR 2 a
        ZINCRBY z1 -1 b
        ZREMRANGEBYSCORE z1 -inf 2
        ZREMRANGEBYLEX z2 - +
        ZADD s1 1 a
        RPUSH list 3 1 2
        SORT list STORE sorted
        SORT list
        SORT nosuch STORE sorted
        SORT nosuch STORE sorted
        SORT_RO list
        SET k1 foobar
        SET k2 abcdef
        BITOP AND dest k1 k2
        BITOP OR dest k1 nosuch
        BITOP NOT dest nosuch
        BITOP XOR dest nosuch nosuch2
        BITFIELD bf SET u8 0 255 GET u8 0
        BITFIELD bf GET u8 0
        BITFIELD bf INCRBY u2 100 1 OVERFLOW SAT INCRBY u2 102 1
        BITFIELD bf OVERFLOW FAIL INCRBY u2 100 10
        BITFIELD_RO bf GET u8 0
        SETBIT bm 100 0
        SETBIT bm 100 0
        SETRANGE sr 0 ""
        SETRANGE sr 5 ""
        SETRANGE sr 5 x
        APPEND sr ""
        APPEND ap ""
        "#,
    );
}

#[test]
fn hyperloglogs_geo_hashes_and_lists() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        PFADD h1 a b c
        PFADD h1 a
        PFADD h1
        PFADD h3
        PFCOUNT h1
        PFCOUNT h1
        PFADD h2 c d e
        PFCOUNT h1 h2
        PFMERGE hm h1 h2
        PFMERGE hm
        PFMERGE hn
        PFCOUNT nosuch
        PFDEBUG TODENSE h1
        PFDEBUG TODENSE h1
        PFDEBUG GETREG h1
        GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        GEOADD g NX 13.361389 38.115556 Palermo
        GEOADD g XX CH 13.361389 38.115556 Palermo
        GEORADIUS g 15 37 200 km STORE gs
        GEORADIUS g 15 37 200 km STOREDIST gd
        GEORADIUSBYMEMBER g Palermo 200 km STORE gs2
        GEOSEARCHSTORE gs3 g FROMLONLAT 15 37 BYRADIUS 200 km
        GEOSEARCHSTORE gs3 g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST
        GEOSEARCHSTORE gs3 g FROMLONLAT 0 0 BYRADIUS 1 km
        GEORADIUS g 15 37 200 km
        HSET h a 1
        HSETNX h a 2
        HINCRBY h n 0
        HINCRBY h n -3
        HMSET h b 2 c 3
        HDEL h nosuch
        RPUSH l a b c a
        LINSERT l AFTER nosuch x
        LINSERT l AFTER a x
        LINSERT nosuch AFTER a x
        LSET l -1 z
        LTRIM l 0 -1
        LTRIM l 1 1
        LTRIM l 5 1
        RPUSH l a b a
        LREM l 1 a
        LREM l 0 nosuch
        LPOS l b
        "#,
    );
}

#[test]
fn expire_edge_cases_touch_object_and_getex() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        SET a 1
        SET b 1
        SET c 1
        TOUCH a b nosuch
        OBJECT ENCODING a
        OBJECT FREQ a
        EXPIRE a 100 XX
        EXPIRE a 100 NX
        EXPIRE a 200 NX
        EXPIRE a 50 GT
        EXPIRE a 300 GT
        EXPIRE a 400 LT
        EXPIRE a 10 LT
        PEXPIRE a 100000 GT
        EXPIREAT a 1
        EXPIRE b -1
        PEXPIREAT c 1 NX
        SET d 1
        PEXPIRE d 0
        EXPIRE nosuch 100
        EXPIRE nosuch -1
        SET e 1 EX 100
        PERSIST e
        PERSIST e
        PERSIST nosuch
        SET f 1
        GETEX f EX 100
        GETEX f PX 100000
        GETEX f EXAT 4102444800
        GETEX f PXAT 4102444800000
        GETEX f PERSIST
        GETEX f EXAT 1
        GETEX nosuch EX 10
        GETEX nosuch PERSIST
        SET g 1
        GETEX g PX 0
        SET h 1
        SET h 2 PXAT 1
        SET i 1 EX 100
        SET i 2 KEEPTTL
        "#,
    );
}

#[test]
fn streams_propagate_generated_ids_and_exact_trims() {
    let mut pair = Pair::new(&[("stream-node-max-entries", "4")]);
    let mut script = String::from("XADD s 1-1 f v\nXADD s 1-* f v\nXADD s 2 f v\n");
    for ms in 3..=30 {
        script.push_str(&format!("XADD s {ms}-0 f v\n"));
    }
    script.push_str(
        r#"
        XADD s MAXLEN ~ 9 31-* f v
        XADD s MAXLEN = 100 32-* f v
        XADD s MINID ~ 20 33-0 f v
        XTRIM s MAXLEN ~ 5
        XTRIM s MAXLEN ~ 5
        XTRIM s MINID ~ 31 LIMIT 4
        XTRIM s MAXLEN 3
        XTRIM s MAXLEN 3
        XADD s 99999999999999-0 f v
        XADD s * f v
        XADD s MAXLEN ~ 1 LIMIT 100 * f v
        XADD s NOMKSTREAM * f v
        XADD nosuch NOMKSTREAM * f v
        XADD s 1-0 f v
        XDEL s 99999999999999-0 nosuch-0
        XDEL s 5-0
        XSETID s 99999999999999-9
        XSETID s 99999999999999-10 ENTRIESADDED 1000 MAXDELETEDID 1-0
        XLEN s
        XRANGE s - +
        "#,
    );
    pair.check(&script);
}

#[test]
fn consumer_groups_propagate_as_xclaim_and_setid() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        XADD s 1-0 f v
        XADD s 2-0 f v
        XADD s 3-0 f v
        XADD s 4-0 f v
        XADD s 5-0 f v
        XADD s 6-0 f v
        XGROUP CREATE s g 0
        XGROUP CREATE s g2 $
        XGROUP CREATE s g2 $
        XGROUP CREATE t g $ MKSTREAM
        XGROUP CREATECONSUMER s g alice
        XGROUP CREATECONSUMER s g alice
        XREADGROUP GROUP g alice COUNT 2 STREAMS s >
        XREADGROUP GROUP g bob NOACK COUNT 1 STREAMS s >
        XREADGROUP GROUP g bob NOACK COUNT 1 STREAMS s >
        XREADGROUP GROUP g alice STREAMS s 0
        XREADGROUP GROUP g carol COUNT 1 STREAMS s >
        XREADGROUP GROUP g2 carol STREAMS s >
        XREADGROUP GROUP g carol STREAMS s >
        XREADGROUP GROUP g carol STREAMS s >
        XREADGROUP GROUP g frank STREAMS s 0
        XCLAIM s g dave 0 1-0 2-0
        XCLAIM s g dave 0 1-0 JUSTID
        XCLAIM s g dave 0 1 RETRYCOUNT 7 TIME 1000
        XCLAIM s g dave 3600000 1-0
        XCLAIM s g dave 0 999-0 LASTID 100-0
        XCLAIM s g dave 0 999-0 FORCE
        XCLAIM s g dave 0 5-0 FORCE
        XDEL s 2-0
        XCLAIM s g erin 0 2-0
        XDEL s 6-0
        XAUTOCLAIM s g erin 0 0 COUNT 10
        XAUTOCLAIM s g erin 0 0 JUSTID
        XAUTOCLAIM s g erin 3600000 0
        XACK s g 1-0 999-0
        XACK s g 1-0
        XACK s nosuch 1-0
        XGROUP SETID s g 0 ENTRIESREAD 0
        XGROUP SETID s g $
        XGROUP DELCONSUMER s g alice
        XGROUP DELCONSUMER s g nobody
        XGROUP DESTROY s g2
        XGROUP DESTROY s g2
        XINFO GROUPS s
        XPENDING s g
        "#,
    );
}

#[test]
fn served_blocked_group_readers_propagate_their_claims() {
    let mut pair = Pair::new(&[]);
    pair.check("XGROUP CREATE x g $ MKSTREAM");
    let mut redis_blocked = RawConn::connect(pair._redis.addr());
    let mut kvdb_blocked = RawConn::connect(pair._kvdb.addr());
    for (command, add) in [
        (
            "XREADGROUP GROUP g c1 BLOCK 0 STREAMS x >",
            "XADD x 1-0 f v",
        ),
        (
            "XREADGROUP GROUP g c2 NOACK BLOCK 0 STREAMS x >",
            "XADD x 2-0 f v",
        ),
        (
            "XREADGROUP GROUP g c1 COUNT 5 BLOCK 0 STREAMS x >",
            "XADD x 3-0 f v",
        ),
    ] {
        let argv = split_command_line(command).unwrap();
        let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        redis_blocked.send_raw(&support::encode_command(&argv));
        kvdb_blocked.send_raw(&support::encode_command(&argv));
        std::thread::sleep(Duration::from_millis(100));
        pair.check(add);
        redis_blocked.read_reply();
        kvdb_blocked.read_reply();
    }
}

#[test]
fn keys_found_expired_by_scans_and_randomkey_propagate_their_deletions() {
    let mut pair = Pair::new(&[]);
    pair.check(
        r#"
        DEBUG SET-ACTIVE-EXPIRE 0
        SET a 1 PX 20
        !sleep 50
        SCAN 0 COUNT 100
        SET a 1 PX 20
        !sleep 50
        KEYS *
        SET a 1 PX 20
        !sleep 50
        RANDOMKEY
        SET a 1 PX 20
        !sleep 50
        EXISTS a
        SET a 1 PX 20
        !sleep 50
        TOUCH a
        SET z 1 PX 20
        SADD key z
        !sleep 50
        SORT key BY nosort GET z
        DEBUG SET-ACTIVE-EXPIRE 1
        "#,
    );
}

/// A 1-byte limit evicts every key on both servers: each eviction propagates as DEL, or
/// as UNLINK under `lazyfree-lazy-eviction`. One key at a time keeps the order fixed.
#[test]
fn evictions_propagate_as_deletions() {
    let mut pair = Pair::new(&[("maxmemory-policy", "allkeys-lru")]);
    pair.check(
        r#"
        SET a 1
        CONFIG SET maxmemory 1
        !sleep 200
        CONFIG SET maxmemory 0
        CONFIG SET lazyfree-lazy-eviction yes
        SET b 1
        CONFIG SET maxmemory 1
        !sleep 200
        CONFIG SET maxmemory 0
        "#,
    );
}
