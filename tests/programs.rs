//! Named Lua programs end to end: the programs of `tests/lua/` run by name through
//! `EVALSHA` (with the `SCRIPT LOAD` fallback on `NOSCRIPT`) against a real
//! redis-server, the in-process `Session`, and a `kvdb::Server` over TCP, with the same
//! results; and `kvdb-server --lua-dir`.
//!
//! The real-Redis tests are named `redis_*` and stand alone (`cargo test --test programs
//! redis_`); the `kvdb_*` ones need kvdb's own EVAL/EVALSHA/SCRIPT.

mod support;

use std::io;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use kvdb::{Connection, Engine, Programs, Protocol, Reply, RespClient, RunError};
use support::{escape, wait_for_line, ServerProcess};

const RENAME: &str = "mylib.rename_if_exists";
const TABLE: &str = "demo.table";
const FAIL: &str = "demo.fail";
const KEYS_AND_ARGV: &str = "demo.keys_and_argv";

/// Nothing given as keys or arguments.
const NONE: [&str; 0] = [];

fn lua_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/lua")
}

fn programs() -> Programs {
    Programs::from_dir(lua_dir()).expect("tests/lua loads")
}

fn client(addr: std::net::SocketAddr) -> RespClient {
    let mut client = RespClient::connect(addr).expect("connects");
    client
        .set_timeout(Some(Duration::from_secs(10)))
        .expect("sets a timeout");
    client
}

/// A connection that notes the first word (two for SCRIPT) of every command it passes
/// on, to show which path a run took.
struct Recording<'a> {
    inner: &'a mut dyn Connection,
    sent: Vec<String>,
}

impl Connection for Recording<'_> {
    fn command(&mut self, argv: &[Bytes]) -> io::Result<Reply> {
        let word = |b: &Bytes| String::from_utf8_lossy(b).to_uppercase();
        self.sent.push(match argv {
            [script, sub, ..] if word(script) == "SCRIPT" => format!("SCRIPT {}", word(sub)),
            [name, ..] => word(name),
            [] => String::new(),
        });
        self.inner.command(argv)
    }
}

/// One step of [`scenario`]: what it did, the commands it sent, and the reply as the
/// RESP2 bytes a client reads (byte equality, as in every differential test here).
fn line(label: &str, sent: &[String], reply: &Reply) -> String {
    let mut bytes = BytesMut::new();
    reply.encode(Protocol::Resp2, &mut bytes);
    format!("{label} | {} | {}", sent.join(","), escape(&bytes))
}

/// Runs every program of `tests/lua/`, through both the NOSCRIPT path (an empty or
/// flushed script cache) and the cached one, and returns one line per step.
fn scenario(connection: &mut dyn Connection) -> Vec<String> {
    let programs = programs();
    let mut conn = Recording {
        inner: connection,
        sent: Vec::new(),
    };
    let mut lines = Vec::new();
    let direct = |conn: &mut Recording, label: &str, argv: &[&str]| {
        let argv: Vec<Bytes> = argv.iter().map(|a| Bytes::from(a.to_string())).collect();
        conn.sent.clear();
        let reply = conn.command(&argv).expect("command runs");
        line(label, &conn.sent, &reply)
    };
    let run = |conn: &mut Recording, label: &str, name: &str, keys: &[&str], args: &[&str]| {
        conn.sent.clear();
        let reply = programs
            .run(conn, name, keys, args)
            .unwrap_or_else(|error| panic!("{label}: {error}"));
        line(label, &conn.sent, &reply)
    };
    let sha = |name: &str| programs.get(name).expect("program").sha().to_string();

    lines.push(direct(&mut conn, "flushall", &["FLUSHALL"]));
    lines.push(direct(&mut conn, "empty cache", &["SCRIPT", "FLUSH"]));
    lines.push(run(
        &mut conn,
        "rename, no source key",
        RENAME,
        &["from", "to"],
        &[],
    ));
    lines.push(direct(&mut conn, "set source", &["SET", "from", "v"]));
    lines.push(run(
        &mut conn,
        "rename, cached",
        RENAME,
        &["from", "to"],
        &[],
    ));
    lines.push(direct(&mut conn, "renamed", &["MGET", "from", "to"]));
    let (rename_sha, table_sha) = (sha(RENAME), sha(TABLE));
    lines.push(direct(
        &mut conn,
        "cache holds what ran",
        &["SCRIPT", "EXISTS", &rename_sha, &table_sha],
    ));
    lines.push(run(&mut conn, "table", TABLE, &[], &[]));
    lines.push(run(&mut conn, "error_reply", FAIL, &[], &[]));
    lines.push(run(&mut conn, "error_reply, cached", FAIL, &[], &[]));
    lines.push(run(
        &mut conn,
        "keys and argv",
        KEYS_AND_ARGV,
        &["k", "l"],
        &["v", "a", "b", "c"],
    ));
    lines.push(direct(
        &mut conn,
        "flush between runs",
        &["SCRIPT", "FLUSH"],
    ));
    lines.push(run(
        &mut conn,
        "keys and argv, after a flush",
        KEYS_AND_ARGV,
        &["k2", "l2"],
        &["w", "x"],
    ));
    lines.push(run(
        &mut conn,
        "a failing redis.call",
        KEYS_AND_ARGV,
        &["k3", "l3"],
        &["only-one"],
    ));
    lines.push(run(
        &mut conn,
        "rename, after a flush",
        RENAME,
        &["to", "back"],
        &[],
    ));
    lines.push(direct(&mut conn, "renamed back", &["MGET", "to", "back"]));
    lines
}

/// What Redis 7.0.15 answers to [`scenario`].
fn expected() -> Vec<String> {
    let loaded = "EVALSHA,SCRIPT LOAD,EVALSHA";
    let keys_and_argv_sha = programs().get(KEYS_AND_ARGV).unwrap().sha().to_string();
    let steps: Vec<(&str, &str, String)> = vec![
        ("flushall", "FLUSHALL", "+OK\r\n".into()),
        ("empty cache", "SCRIPT FLUSH", "+OK\r\n".into()),
        ("rename, no source key", loaded, ":11\r\n".into()),
        ("set source", "SET", "+OK\r\n".into()),
        ("rename, cached", "EVALSHA", ":10\r\n".into()),
        ("renamed", "MGET", "*2\r\n$-1\r\n$1\r\nv\r\n".into()),
        (
            "cache holds what ran",
            "SCRIPT EXISTS",
            "*2\r\n:1\r\n:0\r\n".into(),
        ),
        (
            "table",
            loaded,
            "*6\r\n:1\r\n$3\r\ntwo\r\n:3\r\n*2\r\n$6\r\nnested\r\n:4\r\n+fine\r\n+STATUS\r\n"
                .into(),
        ),
        (
            "error_reply",
            loaded,
            "-MYERR something went wrong\r\n".into(),
        ),
        (
            "error_reply, cached",
            "EVALSHA",
            "-MYERR something went wrong\r\n".into(),
        ),
        (
            "keys and argv",
            loaded,
            "*4\r\n$1\r\nv\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n:2\r\n:4\r\n".into(),
        ),
        ("flush between runs", "SCRIPT FLUSH", "+OK\r\n".into()),
        (
            "keys and argv, after a flush",
            loaded,
            "*4\r\n$1\r\nw\r\n*1\r\n$1\r\nx\r\n:2\r\n:2\r\n".into(),
        ),
        (
            "a failing redis.call",
            "EVALSHA",
            format!(
                "-ERR Wrong number of args calling Redis command from script script: \
                 {keys_and_argv_sha}, on @user_script:4.\r\n"
            ),
        ),
        ("rename, after a flush", loaded, ":10\r\n".into()),
        ("renamed back", "MGET", "*2\r\n$-1\r\n$1\r\nv\r\n".into()),
    ];
    steps
        .into_iter()
        .map(|(label, sent, reply)| format!("{label} | {sent} | {}", escape(reply.as_bytes())))
        .collect()
}

fn assert_same(actual: &[String], expected: &[String], what: &str) {
    if actual != expected {
        let mut report = format!("{what} differs from Redis:\n");
        for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
            let mark = if a == e { " " } else { "!" };
            report.push_str(&format!("{mark} {i:2} got      {a}\n"));
            if a != e {
                report.push_str(&format!("  {i:2} expected {e}\n"));
            }
        }
        panic!("{report}");
    }
}

// ---------------------------------------------------------------------------------------
// The program set itself
// ---------------------------------------------------------------------------------------

#[test]
fn the_fixture_directory_gives_its_lua_files_and_skips_the_rest() {
    let names: Vec<String> = programs().iter().map(|p| p.name().to_string()).collect();
    // README.md and ignored/not.loaded.lua (a subdirectory) are not programs.
    assert_eq!(names, [FAIL, KEYS_AND_ARGV, TABLE, RENAME]);
}

// ---------------------------------------------------------------------------------------
// Against a real redis-server (pass without kvdb's scripting)
// ---------------------------------------------------------------------------------------

#[test]
fn redis_runs_the_programs_over_tcp() {
    let redis = ServerProcess::redis();
    let lines = scenario(&mut client(redis.addr()));
    assert_same(&lines, &expected(), "redis-server over TCP");
}

#[cfg(unix)]
#[test]
fn redis_runs_the_programs_over_a_unix_socket() {
    let socket = std::env::temp_dir().join(format!("kvdb-programs-{}.sock", std::process::id()));
    let socket_text = socket.display().to_string();
    let redis = ServerProcess::redis_with_args(&["--unixsocket", &socket_text]);
    let mut client = RespClient::connect_unix(&socket).expect("connects to the socket");
    let lines = scenario(&mut client);
    drop(redis);
    let _ = std::fs::remove_file(&socket);
    assert_same(&lines, &expected(), "redis-server over a unix socket");
}

#[test]
fn redis_unknown_program_sends_nothing() {
    let redis = ServerProcess::redis();
    let mut client = client(redis.addr());
    let mut conn = Recording {
        inner: &mut client,
        sent: Vec::new(),
    };
    let result = programs().run(&mut conn, "mylib.no_such_program", NONE, NONE);
    assert!(
        matches!(&result, Err(RunError::UnknownProgram(name)) if name == "mylib.no_such_program"),
        "{result:?}"
    );
    assert!(conn.sent.is_empty(), "sent {:?}", conn.sent);
}

#[test]
fn redis_gone_is_an_io_error() {
    let redis = ServerProcess::redis();
    let mut client = client(redis.addr());
    drop(redis);
    let result = programs().run(&mut client, RENAME, ["a", "b"], NONE);
    assert!(matches!(result, Err(RunError::Io(_))), "{result:?}");
}

#[test]
fn redis_compile_error_is_a_reply() {
    let redis = ServerProcess::redis();
    let mut programs = Programs::new();
    programs.add("broken", "return (").unwrap();
    let reply = programs
        .run(&mut client(redis.addr()), "broken", NONE, NONE)
        .expect("a reply");
    let message = reply.as_error().expect("an error reply");
    assert!(
        message.starts_with("ERR Error compiling script"),
        "{message}"
    );
}

// ---------------------------------------------------------------------------------------
// Against kvdb (pass once kvdb has EVAL/EVALSHA/SCRIPT)
// ---------------------------------------------------------------------------------------

#[test]
fn kvdb_in_process_session_matches_redis() {
    let redis = ServerProcess::redis();
    let from_redis = scenario(&mut client(redis.addr()));
    let mut session = Engine::new().session();
    let from_kvdb = scenario(&mut session);
    assert_same(&from_kvdb, &from_redis, "kvdb in-process Session");
}

#[test]
fn kvdb_server_over_tcp_matches_redis() {
    let redis = ServerProcess::redis();
    let from_redis = scenario(&mut client(redis.addr()));
    let server = kvdb::Server::start(Engine::new()).expect("kvdb::Server starts");
    let from_kvdb = scenario(&mut client(server.addr()));
    assert_same(&from_kvdb, &from_redis, "kvdb::Server over TCP");
}

#[test]
fn kvdb_compile_error_is_a_reply() {
    let mut programs = Programs::new();
    programs.add("broken", "return (").unwrap();
    let reply = programs
        .run(&mut Engine::new().session(), "broken", NONE, NONE)
        .expect("a reply");
    let message = reply.as_error().expect("an error reply");
    assert!(
        message.starts_with("ERR Error compiling script"),
        "{message}"
    );
}

// ---------------------------------------------------------------------------------------
// kvdb-server --lua-dir
// ---------------------------------------------------------------------------------------

#[test]
fn kvdb_server_lua_dir_preloads_and_logs_each_program() {
    let dir = lua_dir();
    let server = ServerProcess::kvdb_with_args(&["--lua-dir", &dir.display().to_string()]);
    let programs = programs();
    let expected: Vec<String> = programs
        .iter()
        .map(|program| {
            // A notice line of the server log: `pid:M date time * message`.
            format!(
                " * loaded Lua program '{}' as {}",
                program.name(),
                program.sha()
            )
        })
        .collect();
    // The lines come before `kvdb listening`, but the harness reads the server's
    // output on another thread.
    for line in &expected {
        wait_for_line(|| server.log(), line);
    }
    let log = server.log();
    assert!(
        !log.contains("not.loaded"),
        "a subdirectory was loaded:\n{log}"
    );

    let mut client = client(server.addr());
    for program in &programs {
        let reply = client.call(["SCRIPT", "EXISTS", program.sha()]).unwrap();
        assert_eq!(
            reply,
            Reply::Array(vec![Reply::Int(1)]),
            "{}",
            program.name()
        );
    }
    // Preloaded: the first run is one EVALSHA, no NOSCRIPT round trip.
    let mut conn = Recording {
        inner: &mut client,
        sent: Vec::new(),
    };
    let reply = programs.run(&mut conn, RENAME, ["a", "b"], NONE).unwrap();
    assert_eq!(reply, Reply::Int(11));
    assert_eq!(conn.sent, ["EVALSHA"]);
}

#[test]
fn kvdb_server_lua_dir_works_with_requirepass() {
    let dir = lua_dir().display().to_string();
    let server = ServerProcess::kvdb_with_args(&["--requirepass", "s3cret", "--lua-dir", &dir]);
    let mut client = client(server.addr());
    assert_eq!(client.call(["AUTH", "s3cret"]).unwrap(), Reply::Ok);
    let sha = programs().get(RENAME).unwrap().sha().to_string();
    let reply = client.call(["SCRIPT", "EXISTS", &sha]).unwrap();
    assert_eq!(reply, Reply::Array(vec![Reply::Int(1)]));
}

#[test]
fn kvdb_server_starts_with_an_empty_lua_dir_under_requirepass() {
    // No program to load, but the preloading client still authenticates first.
    let dir = std::env::temp_dir().join(format!("kvdb-lua-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dir_text = dir.display().to_string();
    let server =
        ServerProcess::kvdb_with_args(&["--requirepass", "s3cret", "--lua-dir", &dir_text]);
    std::fs::remove_dir_all(&dir).unwrap();
    let mut client = client(server.addr());
    assert_eq!(client.call(["AUTH", "s3cret"]).unwrap(), Reply::Ok);
    assert!(!server.log().contains("loaded Lua program"));
}

/// Runs `kvdb-server` with `args` and returns its exit success and output, failing the
/// test if it is still running after 20 s (it was expected to refuse to start).
fn run_to_exit(args: &[&str]) -> (bool, String) {
    let mut child = Command::new(support::kvdb_server_path())
        .args(["--port", "0", "--bind", "127.0.0.1"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kvdb-server starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kvdb-server {args:?} is still running; it should have refused to start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn kvdb_server_refuses_a_missing_lua_dir() {
    let (success, output) = run_to_exit(&["--lua-dir", "/nonexistent/kvdb-lua-dir"]);
    assert!(!success, "exited successfully:\n{output}");
    assert!(
        output.contains("cannot read Lua programs from /nonexistent/kvdb-lua-dir"),
        "{output}"
    );
    assert!(!output.contains("kvdb listening"), "{output}");
}

#[test]
fn kvdb_server_refuses_a_program_that_does_not_compile() {
    let dir = std::env::temp_dir().join(format!("kvdb-lua-broken-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("broken.lua"), "return (").unwrap();
    let (success, output) = run_to_exit(&["--lua-dir", &dir.display().to_string()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!success, "exited successfully:\n{output}");
    assert!(
        output.contains("cannot load Lua program 'broken': ERR Error compiling script"),
        "{output}"
    );
}
