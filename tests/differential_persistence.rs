//! RDB persistence against redis-server 7.0: SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD and
//! INFO persistence answer alike, every type survives a reload with the same
//! DEBUG DIGEST, and each server loads the other's `dump.rdb` to the same digest. Then
//! kvdb-server alone: what it saves on SHUTDOWN or a SIGTERM is there when it starts
//! again in the same directory.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use support::{assert_both_load, diff_exclusive, send, DiffSession, RawConn, ServerProcess};

/// A dataset of every type and encoding, in two databases, with TTLs and a library.
const DATASET: &str = r##"
    DEBUG POPULATE 300
    SET int 12345
    SET text "hello world"
    SET long xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    SET ttl v PX 100000000
    RPUSH list a b c 1 2 3
    SADD intset 1 2 3 -5
    SADD set a b c
    HSET hash f1 v1 f2 v2
    ZADD zset 1 a 2.5 b -3 c
    PFADD hll a b c d
    SELECT 3
    SET elsewhere 1
    ZADD bigzset 1 m1 2 m2 3 m3 4 m4 5 m5 6 m6 7 m7 8 m8 9 m9 10 m10 11 m11 12 m12 13 m13 14 m14 15 m15 16 m16 17 m17 18 m18 19 m19 20 m20 21 m21 22 m22 23 m23 24 m24 25 m25 26 m26 27 m27 28 m28 29 m29 30 m30 31 m31 32 m32 33 m33 34 m34 35 m35 36 m36 37 m37 38 m38 39 m39 40 m40 41 m41 42 m42 43 m43 44 m44 45 m45 46 m46 47 m47 48 m48 49 m49 50 m50 51 m51 52 m52 53 m53 54 m54 55 m55 56 m56 57 m57 58 m58 59 m59 60 m60 61 m61 62 m62 63 m63 64 m64 65 m65 66 m66 67 m67 68 m68 69 m69 70 m70 71 m71 72 m72 73 m73 74 m74 75 m75 76 m76 77 m77 78 m78 79 m79 80 m80 81 m81 82 m82 83 m83 84 m84 85 m85 86 m86 87 m87 88 m88 89 m89 90 m90 91 m91 92 m92 93 m93 94 m94 95 m95 96 m96 97 m97 98 m98 99 m99 100 m100 101 m101 102 m102 103 m103 104 m104 105 m105 106 m106 107 m107 108 m108 109 m109 110 m110 111 m111 112 m112 113 m113 114 m114 115 m115 116 m116 117 m117 118 m118 119 m119 120 m120 121 m121 122 m122 123 m123 124 m124 125 m125 126 m126 127 m127 128 m128 129 m129 130 m130
    SELECT 0
    FUNCTION LOAD "#!lua name=lib\nredis.register_function('hi', function() return 'hi' end)"
"##;

#[test]
fn save_bgsave_lastsave_and_their_errors() {
    diff_exclusive(
        r#"
        SET k v
        SAVE
        ? LASTSAVE
        SAVE extra
        BGSAVE extra
        LASTSAVE extra
        MULTI
        SAVE
        DISCARD
        EVAL "return redis.call('SAVE')" 0
        "#,
    );
    // One BGSAVE at a time; then INFO says it ended well.
    let mut session = DiffSession::exclusive();
    session.run("BGSAVE SCHEDULE");
    for server in [&mut session.redis, &mut session.kvdb] {
        wait_for_background_save(server);
    }
    session.run("BGSAVE");
    for server in [&mut session.redis, &mut session.kvdb] {
        wait_for_background_save(server);
    }
    // The same fields, in the same order (the figures are each server's own).
    let (redis, kvdb) = session.exchange(&[b"INFO", b"persistence"]);
    let names = |reply: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(reply)
            .lines()
            .skip(1)
            .map(|line| line.split(':').next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(names(&redis), names(&kvdb), "INFO persistence");
    for line in ["rdb_bgsave_in_progress:0", "rdb_last_bgsave_status:ok"] {
        assert!(String::from_utf8_lossy(&kvdb).contains(line), "{line}");
    }
    // Inside a transaction BGSAVE is scheduled; the cron starts it soon after.
    let saves_before: Vec<u64> = [&mut session.redis, &mut session.kvdb]
        .into_iter()
        .map(saves)
        .collect();
    session.run(
        r#"
        MULTI
        BGSAVE
        EXEC
        "#,
    );
    for (server, before) in [&mut session.redis, &mut session.kvdb]
        .into_iter()
        .zip(saves_before)
    {
        let deadline = Instant::now() + Duration::from_secs(10);
        while saves(server) == before {
            assert!(
                Instant::now() < deadline,
                "the scheduled BGSAVE did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        wait_for_background_save(server);
    }
}

/// INFO persistence's `rdb_saves`.
fn saves(conn: &mut RawConn) -> u64 {
    String::from_utf8_lossy(&conn.cmd("INFO persistence"))
        .lines()
        .find_map(|line| line.strip_prefix("rdb_saves:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("rdb_saves in INFO")
}

/// Polls INFO until no BGSAVE runs.
fn wait_for_background_save(conn: &mut RawConn) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while String::from_utf8_lossy(&conn.cmd("INFO persistence"))
        .contains("rdb_bgsave_in_progress:1")
    {
        assert!(Instant::now() < deadline, "BGSAVE did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn changes_since_the_last_save() {
    let mut session = DiffSession::exclusive();
    let changes = |session: &mut DiffSession| {
        let (redis, kvdb) = session.exchange(&[b"INFO", b"persistence"]);
        let line = |reply: &[u8]| {
            String::from_utf8_lossy(reply)
                .lines()
                .find(|line| line.starts_with("rdb_changes_since_last_save:"))
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(line(&redis), line(&kvdb), "left redis-server, right kvdb");
    };
    for step in [
        "SAVE",
        "SET a 1",
        "MSET b 2 c 3",
        "SET a 1 NX",
        "DEL a b nosuch",
        "INCR counter",
        "GET c",
        "DEBUG POPULATE 5",
        "EXPIRE c 100",
        "FLUSHDB",
        "SAVE",
    ] {
        session.run(step);
        changes(&mut session);
    }
}

#[test]
fn debug_reload_keeps_every_type_and_the_libraries() {
    diff_exclusive(&format!(
        r##"
        FUNCTION FLUSH
        {DATASET}
        DEBUG DIGEST
        DEBUG RELOAD
        DEBUG DIGEST
        TTL ttl
        OBJECT ENCODING intset
        OBJECT ENCODING list
        FCALL hi 0
        DEBUG RELOAD NOFLUSH
        DEBUG RELOAD NOFLUSH MERGE
        DEBUG DIGEST
        FUNCTION LIST
        SET extra 1
        DEBUG RELOAD NOSAVE
        EXISTS extra
        DEBUG RELOAD BADOPTION
        FUNCTION FLUSH
        "##
    ));
}

/// The directory a server saves to.
fn dir_of(conn: &mut RawConn) -> PathBuf {
    let reply = String::from_utf8_lossy(&conn.cmd("CONFIG GET dir")).into_owned();
    let dir = reply.lines().nth(4).expect("a dir").trim().to_string();
    PathBuf::from(dir)
}

/// A fresh directory holding `file` as `dump.rdb`.
fn directory_with(file: &[u8], name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kvdb-rdb-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    std::fs::write(dir.join("dump.rdb"), file).expect("the file written");
    dir
}

#[test]
fn each_server_loads_the_others_file() {
    let mut session = DiffSession::exclusive();
    session.run("FUNCTION FLUSH");
    session.run(DATASET);
    let (digest, kvdb_digest) = session.exchange(&[b"DEBUG", b"DIGEST"]);
    assert_eq!(digest, kvdb_digest);
    session.run("SAVE");
    let redis_file =
        std::fs::read(dir_of(&mut session.redis).join("dump.rdb")).expect("Redis's file");
    let kvdb_file = std::fs::read(dir_of(&mut session.kvdb).join("dump.rdb")).expect("kvdb's file");
    session.run("FUNCTION FLUSH");
    for (file, name) in [(&redis_file, "from-redis"), (&kvdb_file, "from-kvdb")] {
        let dir = directory_with(file, name);
        let dir_arg = dir.to_string_lossy().into_owned();
        let args = [
            "--dir",
            dir_arg.as_str(),
            "--save",
            "",
            "--enable-debug-command",
            "yes",
        ];
        assert_both_load(&args, &digest, &format!("the file {name}"), "");
        std::fs::remove_dir_all(&dir).expect("the scratch directory removed");
    }
}

#[test]
fn kvdb_server_keeps_its_data_across_restarts() {
    let dir = directory_with(b"", "restart");
    std::fs::remove_file(dir.join("dump.rdb")).expect("an empty directory");
    let dir_arg = dir.to_string_lossy().into_owned();
    // Redis's default save points: a SHUTDOWN and a SIGTERM both save.
    let args = ["--dir", dir_arg.as_str()];
    {
        let server = ServerProcess::kvdb_with_args(&args);
        let mut conn = server.connect();
        conn.cmd("SET kept 1");
        conn.cmd("SET expiring 1 PX 100000000");
        // No reply: the server saves and exits.
        send(&mut conn, &[b"SHUTDOWN"]);
    }
    {
        let server = ServerProcess::kvdb_with_args(&args);
        let mut conn = server.connect();
        assert_eq!(conn.cmd("GET kept"), b"$1\r\n1\r\n");
        assert!(conn.cmd("PTTL expiring").starts_with(b":9"));
        conn.cmd("SET added 2");
        // Dropped: stopped by SIGTERM.
    }
    {
        let server = ServerProcess::kvdb_with_args(&args);
        let mut conn = server.connect();
        assert_eq!(conn.cmd("MGET kept added"), b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
        assert!(server.log().contains("DB loaded from disk: 3 keys"));
        send(&mut conn, &[b"SHUTDOWN", b"NOSAVE"]);
    }
    // A damaged file stops the start, as in Redis.
    let path = dir.join("dump.rdb");
    let mut file = std::fs::read(&path).expect("the saved file");
    let middle = file.len() / 2;
    file[middle] ^= 0x55;
    std::fs::write(&path, file).expect("the damaged file");
    let started = std::panic::catch_unwind(|| ServerProcess::kvdb_with_args(&args));
    assert!(started.is_err(), "kvdb-server started on a damaged file");
    std::fs::remove_dir_all(&dir).expect("the scratch directory removed");
}
