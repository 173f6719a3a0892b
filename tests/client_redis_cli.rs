//! Real clients' handshakes, part one: Redis's own `redis-cli`, run against
//! `kvdb-server` and against `redis-server` with the same arguments and input, its
//! output (stdout, stderr, exit status) compared: commands read from a pipe as in
//! interactive use (redis-cli also asks the server for `COMMAND DOCS` for its HELP),
//! `--pipe` mass insertion and its `errors: N, replies: M` summary, `--scan --pattern`,
//! `--raw`, and `-3` (RESP3, HELLO 3 on connect); and `--rdb`, which takes a snapshot
//! through the replication handshake.
//!
//! Each test starts its own pair of servers on free ports.

mod support;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use support::{redis_server_path, ServerProcess};

/// How long one redis-cli run may take before the test fails.
const CLI_TIMEOUT: Duration = Duration::from_secs(30);

/// `redis-cli`, next to `redis-server`.
fn redis_cli_path() -> PathBuf {
    let path = redis_server_path().with_file_name("redis-cli");
    assert!(path.is_file(), "redis-cli not found at {}", path.display());
    path
}

/// What one redis-cli run printed, and how it ended.
#[derive(Debug, PartialEq, Eq)]
struct CliRun {
    stdout: String,
    stderr: String,
    status: Option<i32>,
}

/// Runs `redis-cli -h 127.0.0.1 -p PORT args...` against `server` with `input` on its
/// stdin; fails the test if it runs past [`CLI_TIMEOUT`].
fn cli(server: &ServerProcess, args: &[&str], input: &[u8]) -> CliRun {
    let port = server.addr().port().to_string();
    let mut child = Command::new(redis_cli_path())
        .args(["-h", "127.0.0.1", "-p", &port])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("redis-cli starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    let writer = thread::spawn(move || {
        // redis-cli may stop reading early (an error ends --pipe); that is its answer.
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let out_reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + CLI_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("redis-cli can be waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "redis-cli {args:?} against {} ran past {CLI_TIMEOUT:?}",
                server.name()
            );
        }
        thread::sleep(Duration::from_millis(10));
    };
    let _ = writer.join();
    CliRun {
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
        status: status.code(),
    }
}

/// A fresh pair: Redis (the oracle) and kvdb.
fn pair() -> (ServerProcess, ServerProcess) {
    (ServerProcess::redis(), ServerProcess::kvdb())
}

/// Runs the same redis-cli invocation against both servers and demands the same
/// output; answers kvdb's.
fn same_output(pair: &(ServerProcess, ServerProcess), args: &[&str], input: &[u8]) -> CliRun {
    let redis = cli(&pair.0, args, input);
    let kvdb = cli(&pair.1, args, input);
    assert_eq!(
        redis, kvdb,
        "redis-cli {args:?}: left redis-server, right kvdb"
    );
    kvdb
}

#[test]
fn commands_piped_into_interactive_redis_cli() {
    let servers = pair();
    let input = b"SET k 10\nINCR k\nGET k\nRPUSH l a b c\nLRANGE l 0 -1\nHSET h f v\n\
                  HGETALL h\nGET nosuch\nFOO bar\nMULTI\nSET x 1\nLPUSH l z\nEXEC\n\
                  HELP SET\nHELP GETEX\nSELECT 1\nPING\nDBSIZE\n";
    let run = same_output(&servers, &[], input);
    assert!(
        run.stdout.contains("summary:"),
        "HELP printed nothing: {run:?}"
    );
    assert_eq!(run.status, Some(0));
}

#[test]
fn pipe_mass_insertion_counts_replies_and_errors() {
    let servers = pair();
    let mut input = Vec::new();
    for i in 0..1000 {
        let (key, value) = (format!("key:{i}"), format!("value{i}"));
        input.extend(support::encode_command(&[
            b"SET",
            key.as_bytes(),
            value.as_bytes(),
        ]));
    }
    input.extend(support::encode_command(&[b"INCR", b"key:1"]));
    let run = same_output(&servers, &["-n", "2", "--pipe"], &input);
    assert!(
        run.stdout.ends_with("errors: 1, replies: 1001\n"),
        "{run:?}"
    );
    for server in [&servers.0, &servers.1] {
        let mut conn = server.connect();
        conn.cmd("SELECT 2");
        assert_eq!(conn.cmd("DBSIZE"), b":1000\r\n", "{}", server.name());
    }
    let clean = same_output(
        &servers,
        &["-n", "3", "--pipe"],
        &support::encode_command(&[b"SET", b"a", b"b"]),
    );
    assert!(clean.stdout.ends_with("errors: 0, replies: 1\n"));
    assert_eq!(clean.status, Some(0));
}

#[test]
fn scan_with_a_pattern_finds_the_same_keys() {
    let servers = pair();
    for server in [&servers.0, &servers.1] {
        let mut conn = server.connect();
        for i in 0..300 {
            conn.cmd(&format!("SET user:{i} x"));
            conn.cmd(&format!("SET order:{i} y"));
        }
    }
    let sorted = |run: CliRun| {
        let mut lines: Vec<String> = run.stdout.lines().map(String::from).collect();
        lines.sort();
        (lines, run.stderr, run.status)
    };
    for pattern in ["user:1*", "order:29?", "*:42", "nomatch*"] {
        let args = ["--scan", "--pattern", pattern];
        let redis = sorted(cli(&servers.0, &args, b""));
        let kvdb = sorted(cli(&servers.1, &args, b""));
        assert_eq!(redis, kvdb, "--scan --pattern {pattern}");
    }
    let all = sorted(cli(&servers.1, &["--scan"], b""));
    assert_eq!(all.0.len(), 600);
}

#[test]
fn raw_output() {
    let servers = pair();
    let setup = b"RPUSH l a \"b c\" 3\nHSET h f v\nSET s \"line1\\nline2\"\nZADD z 1.5 m\n";
    same_output(&servers, &[], setup);
    for command in [
        &["LRANGE", "l", "0", "-1"][..],
        &["HGETALL", "h"],
        &["GET", "s"],
        &["GET", "nosuch"],
        &["INCR", "s"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["EXISTS", "l", "h"],
    ] {
        let mut args = vec!["--raw"];
        args.extend_from_slice(command);
        same_output(&servers, &args, b"");
    }
}

#[test]
fn resp3_output() {
    let servers = pair();
    let setup = b"HSET h f v g w\nHSET one k v\nZADD z 1.5 a 2 b\nSADD s x\n";
    same_output(&servers, &[], setup);
    for command in [
        &["HGETALL", "h"][..],
        &["ZSCORE", "z", "a"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["SMEMBERS", "s"],
        &["SMEMBERS", "nosuch"],
        &["GET", "nosuch"],
        &["CONFIG", "GET", "maxmemory"],
        &["HRANDFIELD", "one", "-1", "WITHVALUES"],
    ] {
        let mut args = vec!["-3", "--no-raw"];
        args.extend_from_slice(command);
        same_output(&servers, &args, b"");
    }
}

/// `redis-cli --rdb FILE` asks for the RDB alone (`REPLCONF rdb-only 1`, then SYNC) and
/// writes it out. Redis 7.0 would send it diskless after its 5 s delay, kvdb at once,
/// so the messages differ; the file must hold the dataset.
#[test]
fn rdb_snapshot_through_redis_cli() {
    let kvdb = ServerProcess::kvdb();
    assert_eq!(
        cli(&kvdb, &["SET", "snapshot-key", "snapshot-value"], b"").stdout,
        "OK\n"
    );
    let dir = std::env::temp_dir().join(format!("kvdb-cli-rdb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch dir");
    let file = dir.join("dump.rdb");
    let run = cli(&kvdb, &["--rdb", file.to_str().unwrap()], b"");
    assert_eq!(run.status, Some(0), "{run:?}");
    let rdb = std::fs::read(&file).expect("redis-cli wrote the file");
    std::fs::remove_dir_all(&dir).ok();
    assert!(rdb.starts_with(b"REDIS0010"), "an RDB file");
    assert!(rdb.windows(12).any(|w| w == b"snapshot-key"));
    assert!(rdb.windows(14).any(|w| w == b"snapshot-value"));
    // The connection that asked was not left attached as a replica.
    let info = cli(&kvdb, &["INFO", "replication"], b"").stdout;
    assert!(info.contains("connected_slaves:0"), "{info}");
}
