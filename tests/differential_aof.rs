//! The append-only file against redis-server 7.0: turning it on and off, BGREWRITEAOF
//! (RDB and command bases), DEBUG LOADAOF, `redis.set_repl`, and INFO persistence
//! answer alike and leave the same manifest; each server loads the directory the other
//! wrote to the same DEBUG DIGEST; both come back after a hard kill under
//! `appendfsync always`, and treat a cut-short file as `aof-load-truncated` says.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::{assert_both_load, scratch_dir, DiffSession, RawConn, BOTH_SERVERS};

/// Every type, TTLs (one already past, which a load must keep until it expires), a
/// stream with a group, pending entries and an idle consumer, a transaction and a
/// library, over two databases.
const DATASET: &str = r##"
    DEBUG POPULATE 200
    SET int 12345
    SET text "hello world"
    SET ttl v PX 100000000
    INCRBYFLOAT float 1.5
    RPUSH list a b c 1 2 3
    SADD intset 1 2 3 -5
    SADD set a b c
    HSET hash f1 v1 f2 v2
    ZADD zset 1 a 2.5 b -3 c
    PFADD hll a b c d
    EXPIRE hash 5000
    XADD stream 1-1 f v
    XADD stream 2-1 f w
    XADD stream MAXLEN 5 3-1 f x
    XGROUP CREATE stream group 0
    XREADGROUP GROUP group alice COUNT 1 STREAMS stream >
    XGROUP CREATECONSUMER stream group bob
    XADD empty 5-5 f v
    XDEL empty 5-5
    MULTI
    INCR counter
    LPUSH list head
    EXEC
    SELECT 3
    SET elsewhere 1
    GETEX elsewhere PX 90000000
    SELECT 0
    FUNCTION LOAD "#!lua name=lib\nredis.register_function('hi', function() return 'hi' end)"
"##;

/// The stream of [`DATASET`] after a load: entries, counters, the group and its
/// pending entry (what does not depend on the time of the load).
const STREAM_CHECKS: &str = r#"
    XINFO STREAM stream
    XINFO GROUPS stream
    XPENDING stream group
    XINFO STREAM empty
"#;

/// Polls INFO until no rewrite runs or waits to run.
fn wait_for_rewrite(conn: &mut RawConn) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let info = String::from_utf8_lossy(&conn.cmd("INFO persistence")).into_owned();
        if info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0") {
            return;
        }
        assert!(Instant::now() < deadline, "the rewrite did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Both servers' rewrites are done.
fn wait_for_rewrites(session: &mut DiffSession) {
    wait_for_rewrite(&mut session.redis);
    wait_for_rewrite(&mut session.kvdb);
}

/// Waits for both servers' rewrites, then compares their manifests: the same files
/// after the same steps.
fn same_files_after_rewrites(session: &mut DiffSession) {
    wait_for_rewrites(session);
    assert_eq!(
        manifest_of(&mut session.redis),
        manifest_of(&mut session.kvdb)
    );
}

/// The directory a server saves to.
fn dir_of(conn: &mut RawConn) -> PathBuf {
    let reply = String::from_utf8_lossy(&conn.cmd("CONFIG GET dir")).into_owned();
    PathBuf::from(reply.lines().nth(4).expect("a dir").trim())
}

/// The manifest in a server's AOF directory.
fn manifest_of(conn: &mut RawConn) -> String {
    let path = dir_of(conn).join("appendonlydir/appendonly.aof.manifest");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names of INFO persistence's fields, in order.
fn field_names(reply: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(reply)
        .lines()
        .skip(1)
        .map(|line| line.split(':').next().unwrap_or_default().to_string())
        .collect()
}

/// A copy of `from` (a directory of files) at a new scratch path.
fn copy_dir(from: &Path, name: &str) -> PathBuf {
    let to = scratch_dir(&format!("aof-{name}"));
    for entry in std::fs::read_dir(from).expect("the directory") {
        let entry = entry.expect("an entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("a copied file");
    }
    to
}

#[test]
fn appendonly_rewrites_and_loadaof_match_redis() {
    let mut session = DiffSession::exclusive();
    session.run(
        r#"
        FUNCTION FLUSH
        CONFIG SET appendonly yes
        "#,
    );
    same_files_after_rewrites(&mut session);
    session.run(DATASET);
    session.run(
        r#"
        DEBUG DIGEST
        DEBUG LOADAOF
        DEBUG DIGEST
        TTL ttl
        TTL hash
        FCALL hi 0
        "#,
    );
    session.run(STREAM_CHECKS);
    session.run("BGREWRITEAOF");
    same_files_after_rewrites(&mut session);
    session.run(
        r#"
        SET after 1
        DEBUG LOADAOF
        DEBUG DIGEST
        GET after
        CONFIG SET aof-use-rdb-preamble no
        BGREWRITEAOF
        "#,
    );
    same_files_after_rewrites(&mut session);
    session.run(
        r#"
        DEBUG LOADAOF
        DEBUG DIGEST
        FUNCTION LIST
        "#,
    );
    session.run(STREAM_CHECKS);
    session.run(
        r#"
        MULTI
        BGREWRITEAOF
        EXEC
        BGREWRITEAOF extra
        "#,
    );
    same_files_after_rewrites(&mut session);
    let (redis, kvdb) = session.exchange(&[b"INFO", b"persistence"]);
    assert_eq!(field_names(&redis), field_names(&kvdb), "INFO persistence");
    // Turned off, then on again: a new base, the same in both.
    session.run(
        r#"
        CONFIG SET appendonly no
        SET while-off 1
        CONFIG SET aof-use-rdb-preamble yes
        CONFIG SET appendonly yes
        "#,
    );
    same_files_after_rewrites(&mut session);
    session.run(
        r#"
        DEBUG LOADAOF
        GET while-off
        DEBUG DIGEST
        CONFIG SET appendonly no
        FUNCTION FLUSH
        "#,
    );
}

#[test]
fn scripts_choose_where_their_commands_go() {
    let mut session = DiffSession::exclusive();
    session.run("CONFIG SET appendonly yes");
    wait_for_rewrites(&mut session);
    session.run(
        r#"
        EVAL "redis.call('set','a','1'); redis.set_repl(redis.REPL_NONE); redis.call('set','b','2'); redis.set_repl(redis.REPL_AOF); redis.call('set','c','3'); redis.set_repl(redis.REPL_ALL); redis.call('set','d','4'); return 1" 0
        DEBUG LOADAOF
        MGET a b c d
        EVAL "redis.set_repl(12345)" 0
        EVAL "redis.set_repl()" 0
        EVAL "redis.set_repl(redis.REPL_REPLICA); redis.call('set','e','5')" 0
        DEBUG LOADAOF
        EXISTS e
        CONFIG SET appendonly no
        "#,
    );
}

#[test]
fn each_server_loads_the_directory_the_other_wrote() {
    let mut session = DiffSession::exclusive();
    // With `#TS:` annotations between the commands, which both loaders skip.
    session.run("FUNCTION FLUSH\nCONFIG SET aof-timestamp-enabled yes\nCONFIG SET appendonly yes");
    wait_for_rewrites(&mut session);
    session.run(DATASET);
    // One base in command form, then more commands in a new incr file.
    session.run("CONFIG SET aof-use-rdb-preamble no\nBGREWRITEAOF");
    wait_for_rewrites(&mut session);
    session.run("SET late 1\nZADD zset 9 z\nCONFIG SET aof-use-rdb-preamble yes");
    let (digest, kvdb_digest) = session.exchange(&[b"DEBUG", b"DIGEST"]);
    assert_eq!(digest, kvdb_digest);
    let redis_dir = dir_of(&mut session.redis).join("appendonlydir");
    let kvdb_dir = dir_of(&mut session.kvdb).join("appendonlydir");
    for (from, name) in [(redis_dir, "from-redis"), (kvdb_dir, "from-kvdb")] {
        let copy = copy_dir(&from, name);
        // The command base starts with an annotation in both.
        let manifest = std::fs::read_to_string(copy.join("appendonly.aof.manifest"));
        let manifest = manifest.expect("the manifest");
        let base = manifest.split(' ').nth(1).expect("a base file");
        let base = std::fs::read(copy.join(base)).expect("the base file");
        assert!(base.starts_with(b"#TS:"), "{name}: annotations");
        let dir = copy.parent().expect("a parent").to_path_buf();
        let dirname = copy
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let dir_arg = dir.to_string_lossy().into_owned();
        let args = [
            "--dir",
            dir_arg.as_str(),
            "--appenddirname",
            dirname.as_str(),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--enable-debug-command",
            "yes",
        ];
        let what = format!("the files {name}");
        assert_both_load(&args, &digest, &what, "CONFIG SET appendonly no");
        std::fs::remove_dir_all(&copy).expect("the copy removed");
    }
    session.run("CONFIG SET appendonly no\nCONFIG SET aof-timestamp-enabled no\nFUNCTION FLUSH");
}

/// The last incr file a manifest lists.
fn last_incr(aof_dir: &Path) -> PathBuf {
    let manifest =
        std::fs::read_to_string(aof_dir.join("appendonly.aof.manifest")).expect("the manifest");
    let line = manifest
        .lines()
        .rfind(|line| line.ends_with("type i"))
        .expect("an incr file");
    aof_dir.join(line.split(' ').nth(1).expect("a file name"))
}

#[test]
fn a_killed_server_comes_back_and_a_cut_file_loads_as_configured() {
    for (name, start) in BOTH_SERVERS {
        let dir = scratch_dir(&format!("aof-kill-{name}"));
        let dir_arg = dir.to_string_lossy().into_owned();
        let args = |truncated: &'static str| {
            [
                "--dir".to_string(),
                dir_arg.clone(),
                "--appendonly".into(),
                "yes".into(),
                "--appendfsync".into(),
                "always".into(),
                "--aof-load-truncated".into(),
                truncated.into(),
            ]
        };
        let with = |truncated| {
            let owned = args(truncated);
            let borrowed: Vec<&str> = owned.iter().map(String::as_str).collect();
            std::panic::catch_unwind(|| start(&borrowed))
        };
        {
            let server = with("yes").expect("a first start");
            let mut conn = server.connect();
            conn.cmd("SET kept 1");
            conn.cmd("RPUSH list a b");
            let killed = std::process::Command::new("kill")
                .args(["-KILL", &server.pid().to_string()])
                .status()
                .expect("kill");
            assert!(killed.success());
        }
        let incr = last_incr(&dir.join("appendonlydir"));
        {
            let server = with("yes").expect("a start after the kill");
            let mut conn = server.connect();
            assert_eq!(conn.cmd("GET kept"), b"$1\r\n1\r\n", "{name}");
            assert_eq!(conn.cmd("LLEN list"), b":2\r\n", "{name}");
            conn.cmd("SET more 2");
        }
        // Half a command at the end: loaded up to it, and the file cut there...
        let whole = std::fs::read(&incr).expect("the incr file");
        let mut cut = whole.clone();
        cut.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$4\r\nhalf");
        std::fs::write(&incr, &cut).expect("the cut file");
        {
            let server = with("yes").expect("a start with aof-load-truncated yes");
            let mut conn = server.connect();
            assert_eq!(conn.cmd("GET more"), b"$1\r\n2\r\n", "{name}");
            assert_eq!(conn.cmd("EXISTS half"), b":0\r\n", "{name}");
        }
        assert!(!std::fs::read(&incr)
            .expect("the incr file")
            .ends_with(b"half"));
        // ... or, with aof-load-truncated no, no start at all.
        let mut cut = std::fs::read(&incr).expect("the incr file");
        cut.extend_from_slice(b"*2\r\n$3\r\nDEL\r\n");
        std::fs::write(&incr, &cut).expect("the cut file");
        assert!(with("no").is_err(), "{name} started on a cut file");
        std::fs::remove_dir_all(&dir).expect("the scratch directory removed");
    }
}

#[test]
fn a_file_that_cannot_be_made_is_refused_alike() {
    let mut answers = Vec::new();
    for (name, start) in BOTH_SERVERS {
        // A plain file stands where the AOF directory would go.
        let dir = scratch_dir(&format!("aof-blocked-{name}"));
        std::fs::write(dir.join("appendonlydir"), b"in the way").expect("the file");
        let dir_arg = dir.to_string_lossy().into_owned();
        let server = start(&["--dir", &dir_arg]);
        let mut conn = server.connect();
        let mut replies = Vec::new();
        for command in [
            "CONFIG SET appendonly yes",
            "CONFIG GET appendonly",
            "BGREWRITEAOF",
        ] {
            replies.push(conn.cmd(command));
        }
        let info = String::from_utf8_lossy(&conn.cmd("INFO persistence")).into_owned();
        for field in [
            "aof_enabled:",
            "aof_last_bgrewrite_status:",
            "aof_rewrites:",
        ] {
            let line = info.lines().find(|line| line.starts_with(field));
            replies.push(line.unwrap_or_default().as_bytes().to_vec());
        }
        answers.push(replies);
        drop(server);
        std::fs::remove_dir_all(&dir).expect("the scratch directory removed");
    }
    let shown = |replies: &[Vec<u8>]| -> Vec<String> {
        replies
            .iter()
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect()
    };
    assert_eq!(
        shown(&answers[0]),
        shown(&answers[1]),
        "left redis-server, right kvdb"
    );
}

#[test]
fn files_left_by_an_earlier_run_are_carried_on() {
    let mut manifests = Vec::new();
    for (name, start) in BOTH_SERVERS {
        let dir = scratch_dir(&format!("aof-again-{name}"));
        let dir_arg = dir.to_string_lossy().into_owned();
        {
            let server = start(&["--dir", &dir_arg, "--appendonly", "yes"]);
            server.connect().cmd("SET k v");
        }
        // Started without the file, then turned on: the next files follow the
        // manifest's, and the old ones go.
        let server = start(&["--dir", &dir_arg, "--appendonly", "no"]);
        let mut conn = server.connect();
        assert_eq!(conn.cmd("CONFIG SET appendonly yes"), b"+OK\r\n");
        wait_for_rewrite(&mut conn);
        manifests.push(manifest_of(&mut conn));
        let mut files: Vec<String> = std::fs::read_dir(dir.join("appendonlydir"))
            .expect("the AOF directory")
            .map(|entry| {
                entry
                    .expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        files.sort();
        manifests.push(files.join(" "));
        drop(conn);
        drop(server);
        std::fs::remove_dir_all(&dir).expect("the scratch directory removed");
    }
    assert_eq!(manifests[0], manifests[2], "left redis-server, right kvdb");
    assert_eq!(manifests[1], manifests[3], "left redis-server, right kvdb");
}

/// The newest incr file of a server, as bytes.
fn last_incr_of(conn: &mut RawConn) -> Vec<u8> {
    let path = last_incr(&dir_of(conn).join("appendonlydir"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_incr_file_holds_what_redis_writes() {
    let mut session = DiffSession::exclusive();
    session.run("CONFIG SET appendonly yes");
    wait_for_rewrites(&mut session);
    // Commands whose propagated form differs from what the client sent, in two
    // databases, inside and outside transactions and scripts (no clock-dependent
    // argument survives into the file).
    session.run(
        r#"
        SET a 1
        EXPIREAT a 4102444800
        PEXPIRE a 0
        SET b 1.5 KEEPTTL
        INCRBYFLOAT b 2
        GETDEL b
        SADD s only
        SPOP s
        RPUSH l x y z
        LMOVE l l2 LEFT RIGHT
        SELECT 3
        MULTI
        HSET h f v
        HINCRBYFLOAT h g 1.25
        EXEC
        EVAL "redis.call('set', KEYS[1], 'v'); redis.call('del', KEYS[1]); return 1" 1 k
        SET nx-miss 1 NX
        SET nx-miss 2 NX
        XADD st 1-1 f v
        XADD st MAXLEN ~ 0 2-1 f v
        SELECT 0
        FLUSHDB
        SWAPDB 0 3
        FLUSHALL
        "#,
    );
    let redis = String::from_utf8_lossy(&last_incr_of(&mut session.redis)).into_owned();
    let kvdb = String::from_utf8_lossy(&last_incr_of(&mut session.kvdb)).into_owned();
    assert_eq!(redis, kvdb, "left redis-server, right kvdb");
    for expected in ["PEXPIREAT", "KEEPTTL", "MULTI", "FLUSHALL", "SWAPDB"] {
        assert!(redis.contains(expected), "{expected} in {redis:?}");
    }
    session.run("CONFIG SET appendonly no");
}
