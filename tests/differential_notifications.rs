//! Keyspace notifications against redis-server 7.0: with `notify-keyspace-events` set
//! (all classes, and narrower sets), one connection listens on `__key*__:*` while
//! another runs commands of every family; after each command a PING on the listener
//! fences the events it caused, so both the events and which command published them
//! must match Redis byte for byte. Also: blocked clients served by a push, MULTI/EXEC,
//! other databases, lazy and active expiry, key misses, RESP3 listeners.

mod support;

use std::thread;
use std::time::Duration;

use support::{await_blocked, connect, differential, encode_command, send, RawConn, ServerProcess};

/// A listener on every keyspace and keyevent channel and a client running commands,
/// recording the client's replies and the events each command caused.
struct Listening {
    client: RawConn,
    listener: RawConn,
    out: Vec<Vec<u8>>,
}

impl Listening {
    /// Sets `notify-keyspace-events` to `classes` and subscribes a RESP2 listener.
    fn new(server: &ServerProcess, db: u32, classes: &str) -> Listening {
        Listening::with_protocol(server, db, classes, false)
    }

    /// [`Listening::new`] with a RESP3 listener (events arrive as push frames).
    fn resp3(server: &ServerProcess, db: u32, classes: &str) -> Listening {
        Listening::with_protocol(server, db, classes, true)
    }

    fn with_protocol(server: &ServerProcess, db: u32, classes: &str, resp3: bool) -> Listening {
        let mut client = connect(server, db);
        let mut listener = connect(server, db);
        let mut out = vec![client.command(&[
            b"CONFIG",
            b"SET",
            b"notify-keyspace-events",
            classes.as_bytes(),
        ])];
        if resp3 {
            let hello = listener.command(&[b"HELLO", b"3"]);
            out.push(hello[..1].to_vec());
        }
        out.push(listener.command(&[b"PSUBSCRIBE", b"__key*__:*"]));
        Listening {
            client,
            listener,
            out,
        }
    }

    /// Runs each line of `script` on the client (`!sleep MS` pauses), recording the
    /// command, its reply, then the events it caused.
    fn run(&mut self, script: &str) {
        for line in script.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(ms) = line.strip_prefix("!sleep ") {
                thread::sleep(Duration::from_millis(ms.parse().expect("!sleep MS")));
                continue;
            }
            self.out.push(line.as_bytes().to_vec());
            let reply = self.client.cmd(line);
            self.out.push(reply);
            self.fence();
        }
    }

    /// Records every event published so far: a PING on the listener answers after
    /// them.
    fn fence(&mut self) {
        send(&mut self.listener, &[b"PING"]);
        loop {
            let frame = self.listener.read_reply();
            if frame == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n" || frame == b"+PONG\r\n" {
                return;
            }
            self.out.push(frame);
        }
    }

    /// Turns notifications off again and answers everything recorded.
    fn finish(mut self) -> Vec<Vec<u8>> {
        self.fence();
        self.out.push(
            self.client
                .command(&[b"CONFIG", b"SET", b"notify-keyspace-events", b""]),
        );
        self.out
    }
}

/// Runs `script` with `classes` enabled, on each server, and compares.
fn scenario(classes: &'static str, script: &'static str) {
    differential(|server, db| {
        let mut listening = Listening::new(server, db, classes);
        listening.run(script);
        listening.finish()
    });
}

#[test]
fn string_commands() {
    scenario(
        "KEA",
        r#"
        SET s v
        SET s w NX
        SET s w XX GET
        SET nx v XX
        SET s v EX 100
        SET s v KEEPTTL
        SET s v PXAT 99999999999999
        SETNX s v
        SETNX s2 v
        SETEX s3 100 v
        PSETEX s3 100000 v
        SETEX s3 0 v
        GETSET s3 x
        GETSET nosuch x
        GETDEL s3
        GETDEL s3
        GETEX s EX 100
        GETEX s PX 100000
        GETEX s EXAT 99999999999
        GETEX s PERSIST
        GETEX s PERSIST
        GETEX s
        GETEX s PXAT 1
        GETEX nosuch EX 10
        MSET a 1 b 2 a 3
        MSETNX a 1 c 2
        MSETNX c 1 d 2
        APPEND ap x
        APPEND ap yz
        INCR n
        DECR n
        INCRBY n 10
        DECRBY n 3
        INCR ap
        INCRBYFLOAT f 1.5
        INCRBYFLOAT f 1e400
        SETRANGE sr 5 x
        SETRANGE sr 0 ""
        SETRANGE new 3 ""
        SETRANGE sr 0 abc
        LPUSH l x
        SET l v GET
        APPEND l x
        "#,
    );
}

#[test]
fn string_commands_with_new_key_events() {
    scenario(
        "KEn$",
        r#"
        SET s v
        SET s w
        SET s w NX
        MSET a 1 s 2
        APPEND ap x
        INCR n
        INCRBYFLOAT f 1
        SETRANGE sr 1 x
        SETBIT b 7 1
        BITFIELD bf SET u8 0 255
        BITOP OR dst b bf
        "#,
    );
}

#[test]
fn bitmap_commands() {
    scenario(
        "KEAn",
        r#"
        SETBIT b 7 1
        SETBIT b 7 1
        SETBIT b 7 0
        SETBIT b 100 0
        SETBIT b 100 0
        GETBIT b 7
        BITFIELD bf SET u8 0 255 GET u8 0
        BITFIELD bf SET u8 0 255
        BITFIELD bf INCRBY u8 0 1
        BITFIELD bf OVERFLOW FAIL INCRBY u8 0 1000
        BITFIELD bf GET u8 0
        BITFIELD nosuch GET u8 0
        BITFIELD bf2 OVERFLOW FAIL INCRBY i8 0 1000
        BITFIELD bf SET u8 64 0
        BITFIELD_RO bf GET u8 0
        BITOP AND dst b bf
        BITOP AND dst nosuch1 nosuch2
        BITOP AND dst nosuch1 nosuch2
        BITOP NOT dst b
        SET dst v
        BITOP OR dst nosuch
        LPUSH l x
        SETBIT l 0 1
        "#,
    );
}

#[test]
fn generic_commands() {
    scenario(
        "KEAn",
        r#"
        MSET a 1 b 2 c 3
        DEL a b nosuch
        UNLINK c nosuch
        SET k v
        EXPIRE k 100
        EXPIRE k 100 NX
        EXPIRE k 200 GT
        PEXPIRE k 100000 LT
        EXPIREAT k 99999999999
        PEXPIREAT k 99999999999999
        EXPIRE nosuch 100
        PERSIST k
        PERSIST k
        PERSIST nosuch
        EXPIRE k -1
        SET k v
        PEXPIREAT k 1
        SET k v EX 100
        SET other x
        RENAME k other
        TTL other
        RENAME other other
        RENAME nosuch other
        RENAMENX other fresh
        SET taken y
        RENAMENX fresh taken
        RENAMENX fresh fresh
        COPY fresh copied
        COPY fresh copied
        COPY fresh copied REPLACE
        COPY fresh copied DB 4
        COPY fresh fresh
        COPY nosuch anything
        MOVE fresh 5
        MOVE taken 5
        SET taken y
        MOVE taken 5
        MOVE nosuch 5
        TOUCH fresh copied
        TYPE copied
        EXISTS copied
        SELECT 5
        DEL fresh taken
        "#,
    );
}

#[test]
fn hyperloglog() {
    scenario(
        "KEA$n",
        r#"
        PFADD h a b
        PFADD h a
        PFCOUNT h
        PFADD other c
        PFMERGE merged h other
        PFMERGE merged
        PFDEBUG TODENSE h
        "#,
    );
}

#[test]
fn restore() {
    scenario(
        "KEAn",
        r#"
        RESTORE r 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2"
        RESTORE r 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2"
        RESTORE r 0 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE
        RESTORE r 100000 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE
        RESTORE r 1 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" REPLACE ABSTTL
        RESTORE r 1 "\x00\x03abc\x0a\x00\xd9\xac0=Ar\xa2\xe2" ABSTTL
        RESTORE r 0 bad
        "#,
    );
}

#[test]
fn list_commands() {
    scenario(
        "KEAn",
        r#"
        LPUSH l a b
        RPUSH l c d e f g
        LPUSHX nosuch x
        RPUSHX l h
        LPOP l
        RPOP l 2
        LPOP l 0
        LPOP nosuch
        LSET l 0 z
        LSET l 99 z
        LINSERT l BEFORE z y
        LINSERT l AFTER nosuch y
        LREM l 0 nosuch
        LREM l 1 y
        LTRIM l 0 -1
        LTRIM l 1 1
        LRANGE l 0 -1
        LTRIM l 5 1
        RPUSH src a b c
        LMOVE src dst LEFT RIGHT
        RPOPLPUSH src dst
        LMOVE src src LEFT RIGHT
        LMOVE src dst RIGHT LEFT
        LMOVE nosuch dst LEFT LEFT
        LMPOP 2 nosuch dst RIGHT COUNT 2
        LMPOP 1 dst LEFT COUNT 5
        RPUSH b1 x y
        BLPOP nosuch b1 0
        BRPOP b1 0
        RPUSH b1 x y
        BLMOVE b1 b2 LEFT LEFT 0
        BRPOPLPUSH b1 b2 0
        BLMPOP 0 1 b2 LEFT COUNT 9
        RPUSH l2 v
        LREM l2 0 v
        SET str v
        LPUSH str x
        "#,
    );
}

#[test]
fn hash_commands() {
    scenario(
        "KEAn",
        r#"
        HSET h a 1 b 2
        HSET h a 1
        HMSET h c 3
        HSETNX h a 9
        HSETNX h d 4
        HSETNX h2 x 1
        HINCRBY h a 10
        HINCRBY h e 1
        HINCRBY h c x
        HINCRBYFLOAT h f 1.5
        HINCRBYFLOAT h g 1e400
        HDEL h nosuch
        HDEL h a b nosuch
        HDEL h c d e f
        HDEL h2 x
        HGET h2 x
        "#,
    );
}

#[test]
fn stream_commands() {
    scenario(
        "KEAn",
        r#"
        XADD s 1-1 a 1
        XADD s 1-1 a 1
        XADD s MAXLEN 1 2-1 b 2
        XADD s MAXLEN 5 3-1 b 2
        XADD nokey NOMKSTREAM * f v
        XADD s2 MINID 5 1-1 f v
        XDEL s 1-1
        XDEL s 2-1 3-1
        XDEL s 9-9
        XTRIM s MAXLEN 0
        XTRIM s2 MAXLEN 0
        XTRIM nokey MAXLEN 0
        XSETID s 10-1
        XSETID s 1-1
        XSETID nokey 1-1
        XRANGE nokey - +
        XREAD STREAMS nokey 0
        XLEN nokey
        XINFO STREAM nokey
        "#,
    );
}

#[test]
fn set_commands() {
    scenario(
        "KEAn",
        r#"
        SADD s a b c
        SADD s a
        SREM s nosuch
        SREM s a
        SADD other x
        SMOVE s other b
        SMOVE s other nosuch
        SMOVE s s c
        SMOVE s fresh c
        SMOVE nosuch fresh c
        SADD p 1 2 3
        SPOP p 0
        SPOP p 10
        SPOP nosuch
        SADD one x
        SPOP one
        SADD x 1 2 3
        SADD y 2 3 4
        SINTERSTORE d x y
        SUNIONSTORE d x y
        SDIFFSTORE d x y
        SDIFFSTORE d x x
        SINTERSTORE d x nosuch
        SINTERSTORE d x nosuch
        SUNIONSTORE d nosuch
        "#,
    );
}

#[test]
fn sorted_set_commands() {
    scenario(
        "KEAn",
        r#"
        ZADD z 1 a 2 b 3 c
        ZADD z 1 a
        ZADD z NX 5 a
        ZADD z XX 5 nosuch
        ZADD z CH 9 a
        ZADD z INCR 1 a
        ZINCRBY z 2 b
        ZADD z GT 0 c
        ZADD fresh XX 1 a
        ZREM z nosuch
        ZREM z a
        ZADD r 1 a 2 b 3 c 4 d 5 e 6 f
        ZREMRANGEBYRANK r 0 0
        ZREMRANGEBYRANK r 10 20
        ZREMRANGEBYSCORE r 2 3
        ZREMRANGEBYSCORE r 100 200
        ZREMRANGEBYLEX r [e [e
        ZREMRANGEBYLEX r - +
        ZADD p 1 a 2 b 3 c 4 d
        ZPOPMIN p
        ZPOPMAX p 0
        ZPOPMAX p 2
        ZMPOP 2 nosuch p MIN COUNT 5
        ZMPOP 1 nosuch MIN
        ZADD bz 1 a 2 b
        BZPOPMIN nosuch bz 0
        BZPOPMAX bz 0
        ZADD bz 1 a 2 b
        BZMPOP 0 1 bz MAX COUNT 5
        ZADD x 1 a 2 b
        ZADD y 2 b 3 c
        SADD s b c d
        ZUNIONSTORE d 2 x y
        ZINTERSTORE d 3 x y s
        ZDIFFSTORE d 2 x y
        ZDIFFSTORE d 2 x x
        ZINTERSTORE d 2 x nosuch
        ZINTERSTORE d 2 x nosuch
        ZRANGESTORE d2 x 0 0
        ZRANGESTORE d2 x 5 10
        ZRANGESTORE d2 nosuch 0 -1
        ZADD d2 1 a
        ZRANGESTORE d2 nosuch 0 -1
        ZREM z b c
        "#,
    );
}

#[test]
fn sort_store() {
    scenario(
        "KEAn",
        r#"
        RPUSH l 3 1 2
        SORT l STORE out
        SORT l STORE out
        SORT l LIMIT 5 5 STORE out
        SORT l LIMIT 5 5 STORE out
        SORT nosuch STORE out
        SADD s b a
        SORT s ALPHA STORE out
        SORT l
        "#,
    );
}

#[test]
fn narrower_classes() {
    let script = r#"
        SET s v
        EXPIRE s 100
        RPUSH l a b
        LPOP l 2
        SADD st a
        HSET h f v
        ZADD z 1 a
        DEL s st h z
        "#;
    for classes in [
        "Kl", "Ex", "Kg$", "E$", "Kgl", "Es", "Eh", "Kz", "g", "K", "AE",
    ] {
        scenario(classes, script);
    }
}

#[test]
fn blocked_clients_served_by_a_push_publish_their_pops() {
    differential(|server, db| {
        let mut listening = Listening::new(server, db, "KEAn");
        let mut blpop = connect(server, db);
        let mut blmove = connect(server, db);
        let mut blmpop = connect(server, db);
        let mut bzpop = connect(server, db);
        send(&mut blpop, &[b"BLPOP", b"q", b"0"]);
        await_blocked(&mut listening.client, 1);
        send(
            &mut blmove,
            &[b"BLMOVE", b"q", b"dst", b"RIGHT", b"LEFT", b"0"],
        );
        await_blocked(&mut listening.client, 2);
        send(
            &mut blmpop,
            &[b"BLMPOP", b"0", b"1", b"q", b"LEFT", b"COUNT", b"5"],
        );
        await_blocked(&mut listening.client, 3);
        send(&mut bzpop, &[b"BZPOPMAX", b"z", b"0"]);
        await_blocked(&mut listening.client, 4);
        listening.run(
            r#"
            RPUSH q a
            RPUSH q b c d
            ZADD z 1 a
            "#,
        );
        listening.out.push(blpop.read_reply());
        listening.out.push(blmove.read_reply());
        listening.out.push(blmpop.read_reply());
        listening.out.push(bzpop.read_reply());
        listening.run("LRANGE dst 0 -1");
        listening.finish()
    });
}

#[test]
fn a_push_inside_exec_serves_the_blocked_client_after_the_transaction() {
    differential(|server, db| {
        let mut listening = Listening::new(server, db, "KEAn");
        let mut blocked = connect(server, db);
        send(&mut blocked, &[b"BRPOP", b"q", b"0"]);
        await_blocked(&mut listening.client, 1);
        listening.run(
            r#"
            MULTI
            RPUSH q x y
            SET k v
            LPOP q
            EXEC
            "#,
        );
        listening.out.push(blocked.read_reply());
        listening.finish()
    });
}

#[test]
fn events_name_the_database_of_the_key() {
    scenario(
        "KEAn",
        r#"
        SELECT 7
        SET k v
        RPUSH l x
        COPY k k DB 3
        MOVE l 12
        SELECT 12
        LPOP l
        "#,
    );
}

#[test]
fn transactions_publish_as_they_run() {
    scenario(
        "KEAn",
        r#"
        MULTI
        SET k v
        INCR k
        LPUSH k x
        DEL k
        EXEC
        MULTI
        SET k v
        DISCARD
        "#,
    );
}

/// Gives `server` a few thousand keys with a long TTL, so that active expiry, which
/// samples 20 keys with a TTL at a time, is unlikely to find the one short-lived key a
/// test waits on before the test's own access does.
fn decoys(server: &ServerProcess, db: u32) {
    let mut conn = connect(server, db);
    let mut pipeline = Vec::new();
    for n in 0..3000 {
        pipeline.extend(encode_command(&[
            b"SET",
            format!("decoy:{n}").as_bytes(),
            b"v",
            b"EX",
            b"100000",
        ]));
    }
    conn.send_raw(&pipeline);
    for _ in 0..3000 {
        conn.read_reply();
    }
}

#[test]
fn a_key_found_expired_is_an_expired_event() {
    // Active expiry is off for the scenario, so every key is found expired by the
    // command that touches it: otherwise Redis's cron may delete a key first, and a
    // lookup that would have reported `keymiss` (SCAN with TYPE) finds nothing.
    differential(|server, db| {
        decoys(server, db);
        let mut listening = Listening::new(server, db, "KEAnm");
        listening.run(
            r#"
            DEBUG SET-ACTIVE-EXPIRE 0
            SET k v PX 50
            !sleep 100
            GET k
            RPUSH l a
            PEXPIRE l 50
            !sleep 100
            RPUSH l b
            HSET h f v
            PEXPIRE h 50
            !sleep 100
            HGET h f
            SET over v PX 50
            !sleep 100
            MSET over w
            SET d v PX 50
            !sleep 100
            DEL d
            SADD src a
            SET r v PX 50
            !sleep 100
            RENAME src r
            SET n v PX 50
            !sleep 100
            EXISTS n
            SET dst v PX 50
            !sleep 100
            COPY r dst
            SET t v PX 50
            !sleep 100
            TYPE t
            SET s v PX 50
            !sleep 100
            SCAN 0 MATCH s COUNT 10000
            SET s v PX 50
            !sleep 100
            SCAN 0 MATCH s COUNT 10000 TYPE string
            SET o v PX 50
            !sleep 100
            OBJECT ENCODING o
            DEBUG SET-ACTIVE-EXPIRE 1
            "#,
        );
        listening.finish()
    });
}

#[test]
fn store_commands_delete_a_destination_that_expired_without_looking_it_up() {
    // Redis deletes the destination as stored: an expired one is a `del`, not an
    // `expired` event. The cron tick already due at the old `hz` passes first, so that
    // no active expiry comes within the next second.
    differential(|server, db| {
        decoys(server, db);
        let mut listening = Listening::new(server, db, "KEAn");
        listening.run(
            r#"
            CONFIG SET hz 1
            !sleep 150
            SET d v PX 50
            !sleep 100
            SINTERSTORE d nosuch
            SET d v PX 50
            !sleep 100
            SADD s1 a
            SADD s2 b
            SINTERSTORE d s1 s2
            SET d v PX 50
            !sleep 100
            ZUNIONSTORE d 1 nosuch
            SET d v PX 50
            !sleep 100
            SORT nosuch STORE d
            SET d v PX 50
            !sleep 100
            BITOP OR d nosuch
            SET d v PX 50
            !sleep 100
            ZRANGESTORE d nosuch 0 -1
            CONFIG SET hz 10
            "#,
        );
        listening.finish()
    });
}

#[test]
fn active_expiry_publishes_expired_events() {
    differential(|server, db| {
        let mut listening = Listening::new(server, db, "KEx");
        listening.run(
            r#"
            CONFIG SET hz 100
            SET k v PX 20
            "#,
        );
        // Nobody touches the key: the server expires it on its own.
        listening.out.push(listening.listener.read_reply());
        listening.out.push(listening.listener.read_reply());
        listening.run(
            r#"
            DBSIZE
            CONFIG SET hz 10
            "#,
        );
        listening.finish()
    });
}

#[test]
fn read_commands_that_miss_publish_keymiss() {
    scenario(
        "Em",
        r#"
        GET nosuch
        MGET a b
        EXISTS a b
        TTL nosuch
        TYPE nosuch
        STRLEN nosuch
        LRANGE nosuch 0 -1
        HGET nosuch f
        SMEMBERS nosuch
        ZSCORE nosuch m
        SINTER a b
        ZUNION 2 a b
        SORT nosuch
        RPUSH l 2 1
        SET w_1 5
        SORT l BY w_* GET o_* GET # GET h_*->f
        SORT l BY nosort GET o_*
        SORT l BY h_*->f
        LCS a b
        BITCOUNT nosuch
        BITPOS nosuch 1
        GETBIT nosuch 0
        GETRANGE nosuch 0 1
        HRANDFIELD nosuch
        ZRANDMEMBER nosuch
        SRANDMEMBER nosuch 2
        SPOP nosuch
        LPOS nosuch x
        LINDEX nosuch 0
        TOUCH a b
        SINTERCARD 2 a b
        ZINTERCARD 2 a b
        BITFIELD_RO nosuch GET u8 0
        BITFIELD nosuch GET u8 0
        HMGET nosuch f g
        HGETALL nosuch
        SMISMEMBER nosuch a
        ZMSCORE nosuch a
        ZRANGE nosuch 0 -1
        ZRANGESTORE dst nosuch 0 -1
        HSCAN nosuch 0
        PTTL nosuch
        EXPIRETIME nosuch
        OBJECT FREQ nosuch
        MEMORY USAGE nosuch
        OBJECT ENCODING nosuch
        DEL nosuch
        LPUSHX nosuch v
        SET k v
        GET k
        COPY nosuch x
        SET k v GET
        GETDEL nosuch
        "#,
    );
}

#[test]
fn a_resp3_listener_gets_push_frames() {
    differential(|server, db| {
        let mut listening = Listening::resp3(server, db, "KEAn");
        listening.run(
            r#"
            SET k v
            RPUSH l a
            DEL k l
            "#,
        );
        listening.finish()
    });
}

#[test]
fn a_resp3_client_hears_its_own_events_where_redis_writes_them() {
    // Redis writes a message to its own publisher's output buffer the moment it is
    // published: before the reply for most commands, after it for those that answer
    // before they publish (LPUSH, HSET, ZADD, the *STORE commands ...), and around it
    // for some (LMOVE, SPOP, GETSET).
    differential(|server, db| {
        let mut conn = connect(server, db);
        let mut out = vec![conn.command(&[b"CONFIG", b"SET", b"notify-keyspace-events", b"KEAn"])];
        let hello = conn.command(&[b"HELLO", b"3"]);
        out.push(hello[..1].to_vec());
        out.push(conn.command(&[b"PSUBSCRIBE", b"__key*__:*"]));
        let script = r#"
            SET k v
            SET k w GET
            SET k2 v EX 100 GET
            GETSET k x
            GETEX k EX 100
            GETEX k PERSIST
            GETDEL k
            EXPIRE k2 200
            EXPIRE k2 -1
            LPUSH l a b c
            LSET l 0 z
            LPOP l
            RPOP l 5
            RPUSH l a b
            LMOVE l l2 LEFT RIGHT
            RPOPLPUSH l l2
            LMPOP 1 l2 LEFT COUNT 1
            BLPOP l2 0
            HSET h f v
            HSETNX h g v
            HINCRBY h n 1
            HINCRBYFLOAT h x 1.5
            HDEL h f g n x
            SADD s a
            SPOP s
            SADD s 1 2
            SPOP s 5
            SADD x 1
            SADD y 2
            SINTERSTORE d x y
            SINTERSTORE d x
            SINTERSTORE d x nosuch
            SUNIONSTORE d x y
            SDIFFSTORE d x x
            ZADD z 1 a
            ZINCRBY z 1 a
            ZUNIONSTORE zd 1 z
            ZRANGESTORE zd z 5 9
            ZRANGESTORE zd z 0 -1
            ZREM z a
            BITFIELD b SET u8 0 1
            SETBIT b 0 1
            SORT x STORE sorted
            DEL sorted zd d y x
            XADD st 1-1 f v
            XADD st MAXLEN 1 2-1 f v
            XDEL st 2-1
            XSETID st 9-9
            XADD st 10-1 f v
            XTRIM st MAXLEN 0
        "#;
        for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push(line.as_bytes().to_vec());
            let argv = support::split_command_line(line).expect("command line");
            let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
            send(&mut conn, &argv);
            send(&mut conn, &[b"PING"]);
            loop {
                let frame = conn.read_reply();
                if frame == b"+PONG\r\n" {
                    break;
                }
                out.push(frame);
            }
        }
        out.push(conn.command(&[b"PUNSUBSCRIBE"]));
        out.push(conn.command(&[b"CONFIG", b"SET", b"notify-keyspace-events", b""]));
        out
    });
}

#[test]
fn a_channel_subscriber_gets_the_events_of_its_channel() {
    differential(|server, db| {
        let mut listening = Listening::new(server, db, "KEA");
        let mut channel = connect(server, db);
        let mut out = vec![channel.command(&[b"SUBSCRIBE", b"__keyevent@0__:del"])];
        listening.run(
            r#"
            SET k v
            DEL k
            "#,
        );
        out.push(channel.read_reply());
        out.extend(listening.finish());
        out
    });
}

#[test]
fn geo_commands() {
    scenario(
        "KEAn",
        r#"
        GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        GEOADD g 13.361389 38.115556 Palermo
        GEOADD g XX CH 13.4 38.1 Palermo 1 1 nope
        GEOADD g NX 0 0 zero
        GEORADIUS g 15 37 200 km STORE out
        GEORADIUS g 15 37 200 km STOREDIST out
        GEORADIUSBYMEMBER g Palermo 1 m STORE out
        GEORADIUSBYMEMBER g Palermo 1 m STORE out
        GEORADIUS nosuch 15 37 200 km STORE g2
        GEOSEARCHSTORE out g FROMLONLAT 15 37 BYBOX 400 400 km
        GEOSEARCHSTORE out g FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST
        GEOSEARCHSTORE out g FROMLONLAT 100 37 BYBOX 4 4 km
        GEOSEARCHSTORE out nosuch FROMMEMBER x BYRADIUS 1 km
        GEOSEARCH g FROMMEMBER Palermo BYRADIUS 1 km
        GEOPOS g Palermo
        GEODIST g Palermo Catania
        "#,
    );
}

#[test]
fn stream_group_commands() {
    scenario(
        "KEA",
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 a 2
        XGROUP CREATE s g $
        XGROUP CREATE s g $
        XGROUP CREATE new g $ MKSTREAM
        XGROUP SETID s g 0
        XGROUP CREATECONSUMER s g alice
        XGROUP CREATECONSUMER s g alice
        XREADGROUP GROUP g bob COUNT 1 STREAMS s >
        XREADGROUP GROUP g bob COUNT 1 STREAMS s >
        XREADGROUP GROUP g carol STREAMS s 0
        XREADGROUP GROUP g carol STREAMS s >
        XACK s g 1-1
        XCLAIM s g dave 0 2-1 JUSTID
        XCLAIM s g dave 0 2-1 JUSTID
        XAUTOCLAIM s g erin 0 0 JUSTID
        XCLAIM s g frank 0 JUSTID LASTID 5-0
        XGROUP DELCONSUMER s g alice
        XGROUP DELCONSUMER s g nobody
        XGROUP DESTROY s g
        XGROUP DESTROY s g
        "#,
    );
}
