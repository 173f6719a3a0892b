//! Differential tests of the replication stream: the same commands run against
//! redis-server 7.0 (whose stream a raw `SYNC` connection reads) and an in-process kvdb
//! server (whose stream an attached replication feed collects), and the propagated
//! commands must be the same, byte for byte. Only absolute timestamps (`PXAT` and
//! `PEXPIREAT` values) are compared for plausibility instead, and Redis's `PING`
//! keepalives are left out.

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kvdb::engine::replication::Feed;
use kvdb::{Config, Engine, Server};
use support::{escape, frame_len, split_command_line, RawConn, ServerProcess};

/// A redis-server with a raw replica attached, and a kvdb server with a feed attached.
struct Pair {
    _redis: ServerProcess,
    redis_client: RawConn,
    redis_stream: RawConn,
    _kvdb: Server,
    kvdb_client: RawConn,
    kvdb_feed: Arc<Feed>,
    marks: u64,
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
        let kvdb_feed = engine.attach_replication_feed();
        let kvdb = Server::start(engine).expect("kvdb server");
        let kvdb_client = RawConn::connect(kvdb.addr());
        Pair {
            redis_client: RawConn::connect(redis.addr()),
            _redis: redis,
            redis_stream,
            _kvdb: kvdb,
            kvdb_client,
            kvdb_feed,
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
        let mut kvdb = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while !ends_with_mark(&kvdb, self.marks) {
            kvdb.extend_from_slice(&self.kvdb_feed.drain());
            assert!(
                std::time::Instant::now() < deadline,
                "kvdb never propagated the mark: {}",
                escape(&kvdb)
            );
            std::thread::sleep(Duration::from_millis(5));
        }
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
/// `PEXPIREAT`'s), which must both be within a minute of now and of each other.
fn same_command(redis: &[Vec<u8>], kvdb: &[Vec<u8>]) -> bool {
    if redis.len() != kvdb.len() {
        return false;
    }
    let pexpireat = redis[0].eq_ignore_ascii_case(b"pexpireat");
    (0..redis.len()).all(|at| {
        let timestamp =
            (pexpireat && at == 2) || (at > 0 && redis[at - 1].eq_ignore_ascii_case(b"pxat"));
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
