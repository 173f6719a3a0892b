//! Shared helpers for kvdb's end-to-end tests over real sockets: start servers, talk raw
//! RESP to them, and run *differential* scripts that send the same commands to Redis
//! 7.0.15 (the oracle) and to `kvdb-server` and demand byte-identical replies.
//!
//! Include it from an integration test file with `mod support;`.
//!
//! # Differential tests
//!
//! ```ignore
//! mod support;
//! use support::{diff, diff_exclusive, diff_raw};
//!
//! #[test]
//! fn incr_rules() {
//!     diff(r#"
//!         # A comment. Blank lines are skipped too.
//!         SET counter 10
//!         INCR counter
//!         INCRBY counter -3
//!         SET text "not a number"
//!         INCR text
//!         # Order-insensitive: a multiset of top-level elements.
//!         ~ KEYS *
//!         # Only the reply type (and an error's first word) must match.
//!         ? RANDOMKEY
//!         # Both connections switch to RESP3 (HELLO 3).
//!         !resp3
//!         GET counter
//!     "#);
//! }
//!
//! #[test]
//! fn select_and_flushall() {
//!     // Server-wide commands: runs alone, from database 0 after FLUSHALL.
//!     diff_exclusive("SET a 1\nSELECT 2\nGET a\nFLUSHALL\nDBSIZE");
//! }
//!
//! #[test]
//! fn bad_bulk_length_is_a_protocol_error() {
//!     // Everything both servers answer, until they close the connection, must match.
//!     diff_raw(b"*1\r\n$abc\r\n");
//! }
//! ```
//!
//! # The API at a glance
//! - Scripts: [`diff`], [`diff_exclusive`]; raw bytes: [`diff_raw`], [`diff_raw_chunks`].
//! - [`DiffSession`] for custom differential checks: `DiffSession::new()` (own database) or
//!   `DiffSession::exclusive()`, then `run(script)`, `check(argv, Compare::Unordered)`,
//!   `exchange(argv) -> (redis_reply, kvdb_reply)`, `exchange_raw(bytes, n_replies)`, and
//!   the two [`RawConn`]s as `session.redis` / `session.kvdb`.
//! - [`ServerProcess`]: `redis()`, `kvdb()`, `*_with_args(&[..])`, `addr()`, `connect()`,
//!   `log()`; stops its server on drop. [`servers`] is the shared pair of this test binary.
//! - [`RawConn`]: `command(&[b"SET", b"k", b"v"])`, `cmd("SET k \"a b\"")`, `send_raw`,
//!   `read_reply`, `read_until_close`; every read times out after [`REPLY_TIMEOUT`].
//! - Multi-connection scenarios: [`differential`], [`connect`], [`send`], [`await_blocked`].
//! - Helpers: [`encode_command`], [`split_command_line`], [`frame_len`], [`escape`],
//!   [`Compare`], [`redis_server_path`], [`kvdb_server_path`], [`free_port`].
//!
//! ## Script syntax
//! One command per line, split like `redis-cli` does: `"double quoted"` (with `\n`, `\r`,
//! `\t`, `\b`, `\a`, `\\`, `\"` and `\xHH` escapes), `'single quoted'` (only `\'` is an
//! escape), and `""` for an empty argument. Blank lines and lines whose first non-blank
//! character is `#` are skipped; ` # ...` after a command is *not* a comment (quote `#`
//! args are fine), so keep comments on their own lines. A line may start with one modifier:
//!
//! | prefix | the replies must match ... |
//! | --- | --- |
//! | (none) | byte for byte |
//! | `~` | as a multiset of top-level aggregate elements (`SMEMBERS`, `KEYS`, `HKEYS`); map pairs stay pairs |
//! | `~~` | as multisets at every depth (`SCAN 0 COUNT 1000`, `SINTER` inside arrays ...) |
//! | `?` | by reply type only (first byte); errors also by their first word (`ERR`, `WRONGTYPE`) |
//!
//! Directives: `!resp3` / `!resp2` send `HELLO 3` / `HELLO 2` on both connections (their
//! replies compared with `?`), and `!sleep MS` pauses (for expiry tests).
//!
//! ## Isolation
//! Both servers are started once per test binary and shared by its tests, which run in
//! parallel threads. [`diff`] leases one of databases 1..=15 for its whole script (the
//! connections `SELECT` it and `FLUSHDB` first), so scripts must not `SELECT`, `SWAPDB`,
//! `MOVE`, `FLUSHALL`, look at other databases (`INFO keyspace`, `DBSIZE` is fine) or change
//! server-wide state (`CONFIG SET`, `CLIENT PAUSE`, `DEBUG SET-ACTIVE-EXPIRE`). Such a script
//! belongs in [`diff_exclusive`], which waits until no other script runs, `FLUSHALL`s both
//! servers and starts in database 0 (and should undo any `CONFIG SET` it does).
//!
//! ## Which server is "kvdb"
//! By default the `kvdb-server` binary built by cargo for this test run, started with
//! `--port 0 --bind 127.0.0.1` plus [`DIFF_SERVER_ARGS`] (the settings Redis gets). With the
//! environment variable `KVDB_DIFF_AGAINST_REDIS=1` the "kvdb" side is a second
//! `redis-server`, which checks the harness (and a new test script) against Redis itself.
//! `KVDB_REDIS_SERVER=/path/to/redis-server` overrides where Redis is found.

#![allow(dead_code)]

pub mod replication;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread;
use std::time::{Duration, Instant};

/// How long a [`RawConn`] waits for a reply before the test fails (instead of hanging CI).
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a server gets to start accepting connections.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// Arguments given to *both* servers of the differential pair (besides port and bind), so
/// that configuration-dependent replies (`CONFIG GET save`, `DEBUG`) are comparable.
pub const DIFF_SERVER_ARGS: &[&str] = &[
    "--save",
    "",
    "--appendonly",
    "no",
    "--enable-debug-command",
    "yes",
];

/// The line `kvdb-server` prints on stdout once it accepts connections, followed by
/// `HOST:PORT` (after the server log's first lines when the log goes to stdout).
pub const KVDB_LISTENING_PREFIX: &str = "kvdb listening on ";

// ---------------------------------------------------------------------------------------
// Finding and starting servers
// ---------------------------------------------------------------------------------------

/// The `redis-server` binary: `$KVDB_REDIS_SERVER`, else the first `redis-server` on `PATH`,
/// else `/usr/bin/redis-server` or `/usr/local/bin/redis-server`.
///
/// Panics with a hint to run `scripts/test.sh` (which installs it) when there is none.
pub fn redis_server_path() -> PathBuf {
    if let Some(path) = std::env::var_os("KVDB_REDIS_SERVER") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "KVDB_REDIS_SERVER={} is not a file",
            path.display()
        );
        return path;
    }
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    let fixed = [PathBuf::from("/usr/bin"), PathBuf::from("/usr/local/bin")];
    on_path
        .iter()
        .chain(fixed.iter())
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "redis-server not found (on PATH, /usr/bin or /usr/local/bin): the differential \
                 tests compare kvdb with Redis 7.0. Run scripts/test.sh once (it installs \
                 redis-server), or `apt-get install -y redis-server`, or set KVDB_REDIS_SERVER."
            )
        })
}

/// The `kvdb-server` binary cargo built for this test run.
pub fn kvdb_server_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kvdb-server"))
}

/// Whether `KVDB_DIFF_AGAINST_REDIS` asks for a second redis-server in kvdb's place.
pub fn diff_against_redis() -> bool {
    matches!(
        std::env::var("KVDB_DIFF_AGAINST_REDIS").as_deref(),
        Ok(v) if !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")
    )
}

/// Runs the server as a background job of a small `sh` wrapper whose stdin is a pipe from
/// the test process: when the test process exits, however it exits, the pipe closes and the
/// wrapper stops the server (SIGTERM, then SIGKILL after 5 s). Servers kept in statics are
/// never dropped, so this is what keeps `cargo test` from leaking servers. The wrapper
/// prints the server's pid first, then hands its stdout/stderr to the server alone, so EOF
/// on the stdout pipe means the server has exited. It also removes the server's scratch
/// directory (`$KVDB_TEST_SCRATCH_DIR`) at the end.
const WRAPPER: &str = r#"
"$@" </dev/null &
pid=$!
echo "kvdb-test-wrapper pid $pid"
exec >/dev/null 2>&1
read -r _ignored
kill "$pid" 2>/dev/null
( sleep 5; kill -9 "$pid" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
killer=$!
wait "$pid"
kill "$killer" 2>/dev/null
if [ -n "${KVDB_TEST_SCRATCH_DIR:-}" ]; then rm -rf "$KVDB_TEST_SCRATCH_DIR"; fi
"#;

/// Keeps the last bytes a server wrote to stdout and stderr, for failure messages.
const LOG_LIMIT: usize = 64 * 1024;

/// Events from the stdout reader thread.
enum OutEvent {
    Line(String),
    Eof,
}

/// A server process on a loopback port, stopped (and its scratch directory removed) on drop.
///
/// Servers in a `static` are never dropped; they stop when the test process exits.
pub struct ServerProcess {
    wrapper: Child,
    stdin: Option<ChildStdin>,
    pid: u32,
    addr: SocketAddr,
    name: &'static str,
    log: Arc<Mutex<VecDeque<u8>>>,
    dir: Option<PathBuf>,
}

impl ServerProcess {
    /// Starts Debian's `redis-server` (see [`redis_server_path`]) with
    /// `--save '' --appendonly no --bind 127.0.0.1 --enable-debug-command yes
    /// --daemonize no` on a free port, waiting until it answers `PING`.
    pub fn redis() -> ServerProcess {
        ServerProcess::redis_with_args(&[])
    }

    /// Like [`ServerProcess::redis`], with extra `--name value` arguments appended.
    pub fn redis_with_args(extra: &[&str]) -> ServerProcess {
        ServerProcess::redis_started(None, extra)
    }

    /// Like [`ServerProcess::redis_with_args`], started from the config file `config`
    /// (given first, as redis-server wants it; the options given after it win).
    pub fn redis_with_config(config: &Path, extra: &[&str]) -> ServerProcess {
        ServerProcess::redis_started(Some(config), extra)
    }

    fn redis_started(config: Option<&Path>, extra: &[&str]) -> ServerProcess {
        let binary = redis_server_path();
        let mut last_error = String::new();
        // The port is found free and then handed over, so another process may take it in
        // between: retry with a new one.
        for _attempt in 0..5 {
            let port = free_port();
            let dir = scratch_dir("redis");
            // redis-server reads a config file only as its first argument.
            let mut args: Vec<String> = config
                .map(|c| c.display().to_string())
                .into_iter()
                .collect();
            args.extend([
                "--port".into(),
                port.to_string(),
                "--bind".into(),
                "127.0.0.1".into(),
                "--save".into(),
                "".into(),
                "--appendonly".into(),
                "no".into(),
                "--enable-debug-command".into(),
                "yes".into(),
                "--daemonize".into(),
                "no".into(),
                "--dir".into(),
                dir.display().to_string(),
            ]);
            args.extend(extra.iter().map(|a| a.to_string()));
            let (mut server, events) =
                ServerProcess::spawn("redis-server", &binary, &args, Some(dir))
                    .unwrap_or_else(|error| panic!("{error}"));
            server.addr = SocketAddr::from(([127, 0, 0, 1], port));
            match server.wait_for_redis(&events) {
                Ok(()) => return server,
                Err(error) => last_error = error,
            }
        }
        panic!("could not start redis-server: {last_error}");
    }

    /// Starts `kvdb-server` (the binary cargo built for this test run) with
    /// `--port 0 --bind 127.0.0.1` and waits for its `kvdb listening on HOST:PORT` line.
    pub fn kvdb() -> ServerProcess {
        ServerProcess::kvdb_with_args(&[])
    }

    /// Like [`ServerProcess::kvdb`], with extra `--name value` arguments appended.
    pub fn kvdb_with_args(extra: &[&str]) -> ServerProcess {
        ServerProcess::kvdb_binary_with_args(&kvdb_server_path(), extra)
    }

    /// Like [`ServerProcess::kvdb_with_args`], started from the config file `config`
    /// (given first, as kvdb-server wants it; the options given after it win).
    pub fn kvdb_with_config(config: &Path, extra: &[&str]) -> ServerProcess {
        ServerProcess::kvdb_started(&kvdb_server_path(), Some(config), extra)
    }

    /// Starts a given `kvdb-server` binary like [`ServerProcess::kvdb_with_args`].
    pub fn kvdb_binary_with_args(binary: &Path, extra: &[&str]) -> ServerProcess {
        ServerProcess::kvdb_started(binary, None, extra)
    }

    fn kvdb_started(binary: &Path, config: Option<&Path>, extra: &[&str]) -> ServerProcess {
        let mut args: Vec<String> = config
            .map(|c| c.display().to_string())
            .into_iter()
            .collect();
        args.extend([
            "--port".into(),
            "0".into(),
            "--bind".into(),
            "127.0.0.1".into(),
        ]);
        args.extend(extra.iter().map(|a| a.to_string()));
        let (mut server, events) =
            ServerProcess::spawn("kvdb-server", binary, &args, Some(scratch_dir("kvdb")))
                .unwrap_or_else(|error| panic!("{error}"));
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match events.recv_timeout(left) {
                Ok(OutEvent::Line(line)) => {
                    let Some(rest) = line.trim().strip_prefix(KVDB_LISTENING_PREFIX) else {
                        continue;
                    };
                    if rest.starts_with("unix:") {
                        continue; // a unix socket listener; we want the TCP one
                    }
                    let addr: SocketAddr = rest.trim().parse().unwrap_or_else(|_| {
                        panic!("kvdb-server printed an unparsable address: {line:?}")
                    });
                    server.addr = addr;
                    return server;
                }
                Ok(OutEvent::Eof) | Err(RecvTimeoutError::Disconnected) => {
                    thread::sleep(Duration::from_millis(100));
                    panic!(
                        "kvdb-server ({}) exited before printing `{KVDB_LISTENING_PREFIX}HOST:PORT`; \
                         its output:\n{}",
                        binary.display(),
                        server.log()
                    );
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "kvdb-server ({}) did not print `{KVDB_LISTENING_PREFIX}HOST:PORT` within {:?}; \
                     its output:\n{}",
                    binary.display(),
                    STARTUP_TIMEOUT,
                    server.log()
                ),
            }
        }
    }

    /// The "kvdb" side of the differential pair: `kvdb-server` with [`DIFF_SERVER_ARGS`],
    /// or a second redis-server when `KVDB_DIFF_AGAINST_REDIS=1`.
    pub fn kvdb_or_redis_for_diff() -> ServerProcess {
        if diff_against_redis() {
            let mut server = ServerProcess::redis();
            server.name = "redis-server #2 (as kvdb)";
            server
        } else {
            ServerProcess::kvdb_with_args(DIFF_SERVER_ARGS)
        }
    }

    /// Where the server listens (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's process id (not the wrapper's).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// `"redis-server"`, `"kvdb-server"`, or for the second redis-server of
    /// `KVDB_DIFF_AGAINST_REDIS=1`, `"redis-server #2 (as kvdb)"`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// A new [`RawConn`] to this server; panics (with the server's output, if it died)
    /// when it does not accept the connection.
    pub fn connect(&self) -> RawConn {
        match TcpStream::connect_timeout(&self.addr, Duration::from_secs(5)) {
            Ok(stream) => RawConn::from_stream(stream),
            Err(error) => panic!(
                "cannot connect to {} at {}: {error}{}",
                self.name,
                self.addr,
                self.death_note()
            ),
        }
    }

    /// Empty while the server runs; otherwise a note that it exited, with the end of its
    /// output (a panic message, say). For failure messages.
    pub fn death_note(&self) -> String {
        if self.is_running() {
            return String::new();
        }
        let log = self.log();
        let tail_start = log
            .char_indices()
            .rev()
            .nth(4000)
            .map_or(0, |(index, _)| index);
        format!(
            "\n  {} (pid {}) is no longer running; the end of its output:\n{}",
            self.name,
            self.pid,
            &log[tail_start..]
        )
    }

    /// The last 64 KiB the server wrote to stdout and stderr.
    pub fn log(&self) -> String {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let (a, b) = log.as_slices();
        let mut bytes = a.to_vec();
        bytes.extend_from_slice(b);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Whether the server process is still running (not exited, not a zombie).
    pub fn is_running(&self) -> bool {
        std::fs::read_to_string(format!("/proc/{}/stat", self.pid))
            .ok()
            .and_then(|stat| {
                let state = stat.rsplit_once(") ")?.1.chars().next()?;
                Some(state != 'Z' && state != 'X')
            })
            .unwrap_or(false)
    }

    fn spawn(
        name: &'static str,
        binary: &Path,
        args: &[String],
        dir: Option<PathBuf>,
    ) -> Result<(ServerProcess, Receiver<OutEvent>), String> {
        let mut command = Command::new("sh");
        if let Some(dir) = &dir {
            // Run in the scratch directory so nothing the server writes lands in the repo.
            command.env("KVDB_TEST_SCRATCH_DIR", dir).current_dir(dir);
        }
        let mut wrapper = command
            .arg("-c")
            .arg(WRAPPER)
            .arg("kvdb-test-wrapper")
            .arg(binary)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot start {} via sh: {error}", binary.display()))?;
        let stdin = wrapper.stdin.take();
        let stdout = wrapper.stdout.take().expect("piped stdout");
        let stderr = wrapper.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(VecDeque::new()));

        let (sender, events) = mpsc::channel();
        let stdout_log = log.clone();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = Vec::new();
            // The server starts before the wrapper prints its pid, so the server's first
            // lines can come first: hold them back until the pid line has been sent.
            let mut held: Option<Vec<String>> = Some(Vec::new());
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let text: String = String::from_utf8_lossy(&line).into();
                        let is_pid = text.starts_with("kvdb-test-wrapper pid ");
                        if !is_pid {
                            append_log(&stdout_log, &line);
                        }
                        match held.as_mut() {
                            Some(early) if !is_pid => early.push(text),
                            Some(_) => {
                                let _ = sender.send(OutEvent::Line(text));
                                for early in held.take().unwrap_or_default() {
                                    let _ = sender.send(OutEvent::Line(early));
                                }
                            }
                            None => {
                                let _ = sender.send(OutEvent::Line(text));
                            }
                        }
                    }
                }
            }
            for early in held.unwrap_or_default() {
                let _ = sender.send(OutEvent::Line(early));
            }
            let _ = sender.send(OutEvent::Eof);
        });
        let stderr_log = log.clone();
        thread::spawn(move || {
            let mut reader = stderr;
            let mut chunk = [0u8; 4096];
            while let Ok(n) = reader.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                append_log(&stderr_log, &chunk[..n]);
            }
        });

        let mut server = ServerProcess {
            wrapper,
            stdin,
            pid: 0,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            name,
            log,
            dir,
        };
        // The wrapper's first line is the server's pid.
        match events.recv_timeout(STARTUP_TIMEOUT) {
            Ok(OutEvent::Line(line)) => {
                server.pid = line
                    .trim()
                    .strip_prefix("kvdb-test-wrapper pid ")
                    .and_then(|pid| pid.parse().ok())
                    .ok_or_else(|| format!("unexpected wrapper output {line:?}"))?;
            }
            _ => {
                return Err(format!(
                    "the sh wrapper for {} did not start",
                    binary.display()
                ))
            }
        }
        Ok((server, events))
    }

    /// Polls `PING` until the server at `self.addr` answers and is ours (its `process_id`
    /// is our child's), or it has exited.
    fn wait_for_redis(&mut self, events: &Receiver<OutEvent>) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            // Drain output; EOF means the server exited (e.g. the port was taken).
            loop {
                match events.try_recv() {
                    Ok(OutEvent::Line(_)) => {}
                    Ok(OutEvent::Eof) | Err(mpsc::TryRecvError::Disconnected) => {
                        return Err(format!(
                            "redis-server exited while starting on {}:\n{}",
                            self.addr,
                            self.log()
                        ));
                    }
                    Err(mpsc::TryRecvError::Empty) => break,
                }
            }
            if let Ok(stream) = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)) {
                let mut conn = RawConn::from_stream(stream);
                conn.set_timeout(Duration::from_secs(2));
                if let Ok(reply) = conn.try_command(&[b"PING"]) {
                    if reply == b"+PONG\r\n" {
                        let info = conn.try_command(&[b"INFO", b"server"]).unwrap_or_default();
                        let needle = format!("process_id:{}\r\n", self.pid);
                        if contains(&info, needle.as_bytes()) {
                            return Ok(());
                        }
                        return Err(format!(
                            "another server answered on {} (port taken)",
                            self.addr
                        ));
                    }
                    // -LOADING and the like: not ready yet.
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "redis-server did not answer PING on {} within {:?}:\n{}",
                    self.addr,
                    STARTUP_TIMEOUT,
                    self.log()
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Closing the wrapper's stdin makes it stop the server and exit.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.wrapper.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() > deadline => {
                    let _ = Command::new("kill")
                        .args(["-KILL", &self.pid.to_string()])
                        .status();
                    let _ = self.wrapper.kill();
                    let _ = self.wrapper.wait();
                    break;
                }
                Ok(None) => thread::sleep(Duration::from_millis(10)),
            }
        }
        // The wrapper removes the scratch directory; make sure if it was killed.
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn append_log(log: &Mutex<VecDeque<u8>>, bytes: &[u8]) {
    let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
    log.extend(bytes.iter().copied());
    let excess = log.len().saturating_sub(LOG_LIMIT);
    log.drain(..excess);
}

/// The first line of `text()` (a server's log, a file) containing `part`, waiting up
/// to 10 s for it to come (lines reach a file or the harness's pipe reader a little
/// after the event).
pub fn wait_for_line(text: impl Fn() -> String, part: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = text();
        if let Some(line) = text.lines().find(|line| line.contains(part)) {
            return line.to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no line with {part:?} in:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A port that was free on 127.0.0.1 a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("cannot bind 127.0.0.1:0")
}

/// A new empty directory under the system's temporary one, unique to this call.
pub fn scratch_dir(what: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "kvdb-tests-{what}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("cannot create a scratch directory");
    dir
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

// ---------------------------------------------------------------------------------------
// Raw RESP connection
// ---------------------------------------------------------------------------------------

/// A blocking RESP client that hands back raw reply bytes, for byte-exact comparisons.
///
/// Every read has a timeout ([`REPLY_TIMEOUT`] by default), so a server that never answers
/// fails the test instead of hanging it. Bytes after a reply stay buffered for the next
/// [`RawConn::read_reply`], so pipelining works: `send_raw` several commands, then read
/// as many replies.
pub struct RawConn {
    stream: TcpStream,
    buf: Vec<u8>,
    timeout: Duration,
}

impl RawConn {
    /// Connects to `addr`; panics if it cannot.
    pub fn connect(addr: SocketAddr) -> RawConn {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .unwrap_or_else(|error| panic!("cannot connect to {addr}: {error}"));
        RawConn::from_stream(stream)
    }

    /// Wraps a connected stream.
    pub fn from_stream(stream: TcpStream) -> RawConn {
        let _ = stream.set_nodelay(true);
        let mut conn = RawConn {
            stream,
            buf: Vec::new(),
            timeout: REPLY_TIMEOUT,
        };
        conn.set_timeout(REPLY_TIMEOUT);
        conn
    }

    /// Changes how long a read may wait.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
        let _ = self.stream.set_read_timeout(Some(timeout));
        let _ = self.stream.set_write_timeout(Some(timeout));
    }

    /// The underlying stream (e.g. to `shutdown` the write half).
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Sends `argv` as a RESP multibulk and returns the raw bytes of the one reply.
    /// Panics on I/O errors, timeouts and unparsable replies.
    pub fn command(&mut self, argv: &[&[u8]]) -> Vec<u8> {
        self.try_command(argv)
            .unwrap_or_else(|error| panic!("{} failed: {error}", escape(&encode_command(argv))))
    }

    /// [`RawConn::command`] that returns errors instead of panicking.
    pub fn try_command(&mut self, argv: &[&[u8]]) -> Result<Vec<u8>, String> {
        self.stream
            .write_all(&encode_command(argv))
            .map_err(|error| format!("write: {error}"))?;
        self.try_read_reply()
    }

    /// Sends a command written in `redis-cli` syntax (see [`split_command_line`]).
    pub fn cmd(&mut self, line: &str) -> Vec<u8> {
        let argv = split_command_line(line).unwrap_or_else(|error| panic!("{line:?}: {error}"));
        let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        self.command(&argv)
    }

    /// Writes bytes as they are (inline commands, pipelines, malformed protocol).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream
            .write_all(bytes)
            .unwrap_or_else(|error| panic!("write {}: {error}", escape(bytes)));
    }

    /// Reads exactly one complete reply (RESP2 or RESP3; an attribute travels with the
    /// reply it annotates) and returns its raw bytes. Panics on timeout or EOF.
    pub fn read_reply(&mut self) -> Vec<u8> {
        self.try_read_reply()
            .unwrap_or_else(|error| panic!("reading a reply: {error}"))
    }

    /// [`RawConn::read_reply`] that returns errors instead of panicking.
    pub fn try_read_reply(&mut self) -> Result<Vec<u8>, String> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match frame_len(&self.buf) {
                Ok(Some(len)) => return Ok(self.buf.drain(..len).collect()),
                Ok(None) => {}
                Err(error) => {
                    return Err(format!("unparsable reply ({error}): {}", escape(&self.buf)))
                }
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    return Err(format!(
                        "connection closed; partial reply: {}",
                        escape(&self.buf)
                    ))
                }
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error)
                    if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                {
                    return Err(format!(
                        "no complete reply within {:?}; got so far: {}",
                        self.timeout,
                        escape(&self.buf)
                    ))
                }
                Err(error) => return Err(format!("read: {error}")),
            }
        }
    }

    /// Reads everything until the server closes the connection, or until it has sent
    /// nothing for `idle`. Returns the bytes (including any not yet consumed by
    /// [`RawConn::read_reply`]) and whether the connection was closed (EOF or reset).
    pub fn read_until_close(&mut self, idle: Duration) -> (Vec<u8>, bool) {
        let _ = self.stream.set_read_timeout(Some(idle));
        let mut out = std::mem::take(&mut self.buf);
        let mut chunk = [0u8; 16 * 1024];
        let deadline = Instant::now() + self.timeout.max(idle);
        let closed = loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => break true,
                Ok(n) => out.extend_from_slice(&chunk[..n]),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error)
                    if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                {
                    break false
                }
                Err(_) => break true,
            }
            if Instant::now() > deadline {
                break false;
            }
        };
        let _ = self.stream.set_read_timeout(Some(self.timeout));
        (out, closed)
    }
}

/// Encodes `argv` as a RESP multibulk request: `*N\r\n$len\r\narg\r\n...`.
pub fn encode_command(argv: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", argv.len()).into_bytes();
    for arg in argv {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

// ---------------------------------------------------------------------------------------
// RESP frame scanning (a private oracle, independent of kvdb-resp)
// ---------------------------------------------------------------------------------------

/// Deepest nesting [`frame_len`] accepts.
const MAX_DEPTH: usize = 128;

/// The length of the complete RESP2/RESP3 frame at the start of `buf`: `Ok(None)` when
/// more bytes are needed, `Err` when the bytes cannot be a reply. An attribute (`|`) is
/// counted together with the frame that follows it.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, String> {
    frame_end(buf, 0, 0)
}

fn frame_end(buf: &[u8], pos: usize, depth: usize) -> Result<Option<usize>, String> {
    if depth > MAX_DEPTH {
        return Err("nesting too deep".into());
    }
    let Some(&kind) = buf.get(pos) else {
        return Ok(None);
    };
    let Some(line_end) = find_crlf(buf, pos + 1) else {
        return Ok(None);
    };
    let line = &buf[pos + 1..line_end];
    let after = line_end + 2;
    match kind {
        b'+' | b'-' | b':' | b'_' | b',' | b'#' | b'(' => Ok(Some(after)),
        b'$' | b'!' | b'=' => {
            let len = parse_len(line, kind)?;
            if len < 0 {
                return if kind == b'$' && len == -1 {
                    Ok(Some(after))
                } else {
                    Err(format!("bad length {len} for '{}'", kind as char))
                };
            }
            let end = after + len as usize;
            if buf.len() < end + 2 {
                return Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                return Err("bulk payload not followed by CRLF".into());
            }
            Ok(Some(end + 2))
        }
        b'*' | b'~' | b'%' | b'>' | b'|' => {
            let count = parse_len(line, kind)?;
            if count < 0 {
                return if kind == b'*' && count == -1 {
                    Ok(Some(after))
                } else {
                    Err(format!("bad count {count} for '{}'", kind as char))
                };
            }
            let elements = if matches!(kind, b'%' | b'|') {
                count * 2
            } else {
                count
            };
            let mut at = after;
            for _ in 0..elements {
                match frame_end(buf, at, depth + 1)? {
                    Some(end) => at = end,
                    None => return Ok(None),
                }
            }
            if kind == b'|' {
                // The attribute annotates the next frame.
                return frame_end(buf, at, depth + 1);
            }
            Ok(Some(at))
        }
        other => Err(format!("unknown RESP type byte {:?}", other as char)),
    }
}

fn find_crlf(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?
        .windows(2)
        .position(|w| w == b"\r\n")
        .map(|i| from + i)
}

fn parse_len(line: &[u8], kind: u8) -> Result<i64, String> {
    std::str::from_utf8(line)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|n| *n >= -1 && *n <= 512 * 1024 * 1024)
        .ok_or_else(|| format!("bad length line {} for '{}'", escape(line), kind as char))
}

/// Splits an aggregate frame into its header line and its element frames (for maps and
/// attributes: key and value together as one element). `None` for non-aggregates.
fn split_aggregate(frame: &[u8]) -> Option<(&[u8], Vec<&[u8]>)> {
    let kind = *frame.first()?;
    if !matches!(kind, b'*' | b'~' | b'%' | b'>') {
        return None;
    }
    let line_end = find_crlf(frame, 1)?;
    let count = parse_len(&frame[1..line_end], kind).ok()?;
    if count < 0 {
        return None;
    }
    let per_element = if kind == b'%' { 2 } else { 1 };
    let mut at = line_end + 2;
    let mut elements = Vec::new();
    for _ in 0..count {
        let start = at;
        for _ in 0..per_element {
            at = frame_end(frame, at, 1).ok()??;
        }
        elements.push(&frame[start..at]);
    }
    Some((&frame[..line_end + 2], elements))
}

/// A canonical form of `frame` whose aggregate elements are sorted: at the top level only,
/// or at every depth.
fn canonical_unordered(frame: &[u8], deep: bool) -> Vec<u8> {
    let Some((header, elements)) = split_aggregate(frame) else {
        return frame.to_vec();
    };
    let mut elements: Vec<Vec<u8>> = elements
        .into_iter()
        .map(|element| {
            if deep {
                canonical_element(element)
            } else {
                element.to_vec()
            }
        })
        .collect();
    elements.sort();
    let mut out = header.to_vec();
    for element in elements {
        out.extend_from_slice(&element);
    }
    out
}

/// For deep canonicalization: a map pair is canonicalized per part.
fn canonical_element(element: &[u8]) -> Vec<u8> {
    match frame_end(element, 0, 1) {
        Ok(Some(first)) if first < element.len() => {
            let mut out = canonical_unordered(&element[..first], true);
            out.extend(canonical_unordered(&element[first..], true));
            out
        }
        _ => canonical_unordered(element, true),
    }
}

/// `frame` as text with every number masked as `#` (integers, doubles, and bulk
/// strings that read as numbers, which is how RESP2 sends doubles), aggregates kept
/// element by element: for replies whose shape and names must match but whose figures
/// cannot (`MEMORY STATS`).
pub fn numbers_masked(frame: &[u8]) -> String {
    if let Some((header, elements)) = split_aggregate(frame) {
        let mut out = escape(header);
        for element in elements {
            let mut at = 0;
            while at < element.len() {
                let end = match frame_end(element, at, 1) {
                    Ok(Some(end)) => end,
                    _ => element.len(),
                };
                out.push_str(&numbers_masked(&element[at..end]));
                at = end;
            }
        }
        return out;
    }
    let numeric = |body: &[u8]| String::from_utf8_lossy(body).trim().parse::<f64>().is_ok();
    match frame.first() {
        Some(b':') => ":#".to_string(),
        Some(b',') => ",#".to_string(),
        Some(b'$') => {
            let body_start = frame
                .iter()
                .position(|&b| b == b'\n')
                .map_or(0, |at| at + 1);
            let body = &frame[body_start..frame.len().saturating_sub(2)];
            if numeric(body) {
                "$#".to_string()
            } else {
                escape(frame)
            }
        }
        _ => escape(frame),
    }
}

/// The part of a reply that [`Compare::TypeOnly`] compares: its type byte, plus the first
/// word of an error.
fn type_signature(frame: &[u8]) -> Vec<u8> {
    match frame.first() {
        Some(b'-') => {
            let body = &frame[1..];
            let end = body
                .iter()
                .position(|&b| b == b' ' || b == b'\r')
                .unwrap_or(body.len());
            frame[..1 + end].to_vec()
        }
        Some(b'!') => {
            // Blob error: "!len\r\nCODE message\r\n".
            let body_start = find_crlf(frame, 1).map(|i| i + 2).unwrap_or(frame.len());
            let body = &frame[body_start..];
            let end = body
                .iter()
                .position(|&b| b == b' ' || b == b'\r')
                .unwrap_or(body.len());
            let mut out = vec![b'!'];
            out.extend_from_slice(&body[..end]);
            out
        }
        Some(&kind) => vec![kind],
        None => Vec::new(),
    }
}

/// Shows bytes as a Rust-like byte string: printable ASCII as is, `\r`, `\n`, `\t`, `\"`,
/// `\\` and `\xHH` otherwise. Long inputs are cut at 4 KiB.
pub fn escape(bytes: &[u8]) -> String {
    const LIMIT: usize = 4096;
    let mut out = String::from("\"");
    for &b in bytes.iter().take(LIMIT) {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
    if bytes.len() > LIMIT {
        let _ = write!(out, "... ({} bytes in all)", bytes.len());
    }
    out
}

// ---------------------------------------------------------------------------------------
// redis-cli argument splitting
// ---------------------------------------------------------------------------------------

/// Splits a command line the way `redis-cli` does (`sdssplitargs`): arguments separated by
/// blanks; `"..."` with `\n \r \t \b \a \\ \" \xHH` escapes (any other `\c` is `c`);
/// `'...'` where only `\'` is an escape; a closing quote must be followed by a blank or
/// the end. A quote inside an unquoted word opens a quoted part of the same argument.
pub fn split_command_line(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let bytes = line.as_bytes();
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            return Ok(args);
        }
        let mut arg = Vec::new();
        let mut in_double = false;
        let mut in_single = false;
        loop {
            let c = bytes.get(i).copied();
            if in_double {
                match c {
                    None => return Err("unbalanced double quotes".into()),
                    Some(b'\\')
                        if bytes.get(i + 1) == Some(&b'x')
                            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
                            && bytes.get(i + 3).is_some_and(u8::is_ascii_hexdigit) =>
                    {
                        let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).unwrap_or("00");
                        arg.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                        i += 4;
                    }
                    Some(b'\\') if i + 1 < bytes.len() => {
                        arg.push(match bytes[i + 1] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 0x08,
                            b'a' => 0x07,
                            other => other,
                        });
                        i += 2;
                    }
                    Some(b'"') => {
                        if bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                            return Err("closing quote must be followed by a space".into());
                        }
                        i += 1;
                        break;
                    }
                    Some(other) => {
                        arg.push(other);
                        i += 1;
                    }
                }
            } else if in_single {
                match c {
                    None => return Err("unbalanced single quotes".into()),
                    Some(b'\\') if bytes.get(i + 1) == Some(&b'\'') => {
                        arg.push(b'\'');
                        i += 2;
                    }
                    Some(b'\'') => {
                        if bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                            return Err("closing quote must be followed by a space".into());
                        }
                        i += 1;
                        break;
                    }
                    Some(other) => {
                        arg.push(other);
                        i += 1;
                    }
                }
            } else {
                match c {
                    None => break,
                    Some(b) if b.is_ascii_whitespace() => break,
                    Some(b'"') => {
                        in_double = true;
                        i += 1;
                    }
                    Some(b'\'') => {
                        in_single = true;
                        i += 1;
                    }
                    Some(other) => {
                        arg.push(other);
                        i += 1;
                    }
                }
            }
        }
        args.push(arg);
    }
}

// ---------------------------------------------------------------------------------------
// Differential runner
// ---------------------------------------------------------------------------------------

/// How two replies must agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// Byte for byte.
    Exact,
    /// As a multiset of top-level aggregate elements (script prefix `~`).
    Unordered,
    /// As multisets at every depth (script prefix `~~`).
    UnorderedDeep,
    /// Same type byte; errors also the same first word (script prefix `?`).
    TypeOnly,
}

impl Compare {
    /// Whether `redis` and `kvdb` agree under this rule.
    pub fn matches(self, redis: &[u8], kvdb: &[u8]) -> bool {
        match self {
            Compare::Exact => redis == kvdb,
            Compare::Unordered => {
                canonical_unordered(redis, false) == canonical_unordered(kvdb, false)
            }
            Compare::UnorderedDeep => {
                canonical_unordered(redis, true) == canonical_unordered(kvdb, true)
            }
            Compare::TypeOnly => type_signature(redis) == type_signature(kvdb),
        }
    }
}

/// The shared pair of servers of this test binary, started on first use.
pub struct DiffServers {
    /// The oracle: Debian's redis-server 7.0.
    pub redis: ServerProcess,
    /// `kvdb-server` (or a second redis-server with `KVDB_DIFF_AGAINST_REDIS=1`).
    pub kvdb: ServerProcess,
    exclusive: RwLock<()>,
    free_dbs: Mutex<Vec<u32>>,
    db_returned: Condvar,
}

/// Databases leased to [`diff`] scripts; 0 is left to [`diff_exclusive`].
const SHARED_DBS: std::ops::RangeInclusive<u32> = 1..=15;

/// The servers shared by this test binary's differential tests (started on first call).
pub fn servers() -> &'static DiffServers {
    static SERVERS: OnceLock<DiffServers> = OnceLock::new();
    SERVERS.get_or_init(|| {
        let redis = ServerProcess::redis();
        let kvdb = ServerProcess::kvdb_or_redis_for_diff();
        DiffServers {
            redis,
            kvdb,
            exclusive: RwLock::new(()),
            free_dbs: Mutex::new(SHARED_DBS.rev().collect()),
            db_returned: Condvar::new(),
        }
    })
}

enum Access {
    Shared {
        _guard: RwLockReadGuard<'static, ()>,
        db: u32,
    },
    Exclusive {
        _guard: RwLockWriteGuard<'static, ()>,
    },
}

/// A connection to each server of the shared pair, on the same database and protocol, for
/// running scripts or custom exchanges. Drop it to give its database back.
pub struct DiffSession {
    /// Connection to Redis (the oracle).
    pub redis: RawConn,
    /// Connection to kvdb.
    pub kvdb: RawConn,
    access: Access,
    /// Script lines run so far, for failure messages.
    history: Vec<String>,
}

impl DiffSession {
    /// Leases a database of its own (waiting if all are leased), connects to both servers,
    /// `SELECT`s it and `FLUSHDB`s it.
    pub fn new() -> DiffSession {
        let servers = servers();
        let guard = servers.exclusive.read().unwrap_or_else(|e| e.into_inner());
        let db = {
            let mut free = servers.free_dbs.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(db) = free.pop() {
                    break db;
                }
                free = servers
                    .db_returned
                    .wait(free)
                    .unwrap_or_else(|e| e.into_inner());
            }
        };
        let mut session = DiffSession {
            redis: servers.redis.connect(),
            kvdb: servers.kvdb.connect(),
            access: Access::Shared { _guard: guard, db },
            history: Vec::new(),
        };
        let db = db.to_string();
        session.setup(&[b"SELECT", db.as_bytes()]);
        session.setup(&[b"FLUSHDB"]);
        session
    }

    /// Waits until no other session exists, connects to both servers (database 0) and
    /// `FLUSHALL`s them.
    pub fn exclusive() -> DiffSession {
        let servers = servers();
        let guard = servers.exclusive.write().unwrap_or_else(|e| e.into_inner());
        let mut session = DiffSession {
            redis: servers.redis.connect(),
            kvdb: servers.kvdb.connect(),
            access: Access::Exclusive { _guard: guard },
            history: Vec::new(),
        };
        session.setup(&[b"FLUSHALL"]);
        session
    }

    /// The database this session uses (0 for an exclusive one).
    pub fn db(&self) -> u32 {
        match self.access {
            Access::Shared { db, .. } => db,
            Access::Exclusive { .. } => 0,
        }
    }

    fn setup(&mut self, argv: &[&[u8]]) {
        let (redis, kvdb) = self.exchange(argv);
        let what = escape(&argv.join(&b' '));
        assert!(
            redis == b"+OK\r\n",
            "setup command {what} failed on redis-server: {}",
            escape(&redis)
        );
        assert!(
            kvdb == b"+OK\r\n",
            "setup command {what} failed on {}: {}",
            servers().kvdb.name(),
            escape(&kvdb)
        );
    }

    /// Sends `argv` to both servers and returns both raw replies (redis first).
    pub fn exchange(&mut self, argv: &[&[u8]]) -> (Vec<u8>, Vec<u8>) {
        let request = encode_command(argv);
        self.exchange_raw(&request, 1)
            .into_iter()
            .next()
            .expect("one reply")
    }

    /// Sends the same raw bytes to both servers and reads `replies` replies from each.
    /// Panics with a clear message if either side does not answer in time.
    pub fn exchange_raw(&mut self, bytes: &[u8], replies: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.redis.send_raw(bytes);
        self.kvdb.send_raw(bytes);
        let kvdb_name = servers().kvdb.name();
        (0..replies)
            .map(|n| {
                let redis = self.redis.try_read_reply().unwrap_or_else(|error| {
                    panic!(
                        "redis-server gave no reply #{} to {}: {error}{}",
                        n + 1,
                        escape(bytes),
                        self.history_text()
                    )
                });
                let kvdb = self.kvdb.try_read_reply().unwrap_or_else(|error| {
                    panic!(
                        "{kvdb_name} gave no reply #{} to {} (redis-server replied {}): \
                         {error}{}{}",
                        n + 1,
                        escape(bytes),
                        escape(&redis),
                        self.history_text(),
                        servers().kvdb.death_note()
                    )
                });
                (redis, kvdb)
            })
            .collect()
    }

    /// Sends `argv` to both servers and panics unless the replies agree under `compare`.
    pub fn check(&mut self, argv: &[&[u8]], compare: Compare) {
        let shown = argv
            .iter()
            .map(|arg| escape(arg))
            .collect::<Vec<_>>()
            .join(" ");
        self.check_labelled(argv, compare, &shown);
    }

    fn check_labelled(&mut self, argv: &[&[u8]], compare: Compare, label: &str) {
        let (redis, kvdb) = self.exchange(argv);
        if !compare.matches(&redis, &kvdb) {
            panic!(
                "differential mismatch ({compare:?}) on: {label}\n  redis-server: {}\n  {:<12}: {}{}",
                escape(&redis),
                servers().kvdb.name(),
                escape(&kvdb),
                self.history_text()
            );
        }
    }

    fn history_text(&self) -> String {
        if self.history.is_empty() {
            return String::new();
        }
        let start = self.history.len().saturating_sub(8);
        let mut out = format!("\n  (database {}) script so far:", self.db());
        for line in &self.history[start..] {
            let _ = write!(out, "\n    {line}");
        }
        out
    }

    /// Runs a script (syntax in the module docs) and panics at the first mismatch, naming
    /// the script line (counted from the first line of `script`, so a raw string that starts
    /// with a newline has its first command on line 2), the command and both replies.
    pub fn run(&mut self, script: &str) {
        for (index, raw_line) in script.lines().enumerate() {
            let number = index + 1;
            let line = raw_line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            self.history.push(format!("{number:>4}| {line}"));
            if let Some(directive) = line.strip_prefix('!') {
                self.directive(directive.trim(), number);
                continue;
            }
            let (compare, rest) = if let Some(rest) = line.strip_prefix("~~") {
                (Compare::UnorderedDeep, rest)
            } else if let Some(rest) = line.strip_prefix('~') {
                (Compare::Unordered, rest)
            } else if let Some(rest) = line.strip_prefix('?') {
                (Compare::TypeOnly, rest)
            } else {
                (Compare::Exact, line)
            };
            let argv = split_command_line(rest)
                .unwrap_or_else(|error| panic!("script line {number}: {error}: {line}"));
            assert!(!argv.is_empty(), "script line {number}: no command: {line}");
            let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
            self.check_labelled(&argv, compare, &format!("script line {number}: {line}"));
        }
    }

    fn directive(&mut self, directive: &str, number: usize) {
        let words: Vec<&str> = directive.split_whitespace().collect();
        match words.as_slice() {
            ["resp3"] => self.check_labelled(
                &[b"HELLO", b"3"],
                Compare::TypeOnly,
                &format!("script line {number}: !resp3 (HELLO 3)"),
            ),
            ["resp2"] => self.check_labelled(
                &[b"HELLO", b"2"],
                Compare::TypeOnly,
                &format!("script line {number}: !resp2 (HELLO 2)"),
            ),
            ["sleep", ms] => {
                let ms: u64 = ms
                    .parse()
                    .unwrap_or_else(|_| panic!("script line {number}: !sleep needs milliseconds"));
                thread::sleep(Duration::from_millis(ms));
            }
            _ => panic!(
                "script line {number}: unknown directive !{directive} (known: !resp3, !resp2, \
                 !sleep MS)"
            ),
        }
    }
}

impl Default for DiffSession {
    fn default() -> Self {
        DiffSession::new()
    }
}

impl Drop for DiffSession {
    fn drop(&mut self) {
        if let Access::Shared { db, .. } = self.access {
            let servers = servers();
            servers
                .free_dbs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(db);
            servers.db_returned.notify_one();
        }
    }
}

/// Runs a differential script on a database of its own (see the module docs for the
/// syntax); panics at the first reply that differs between Redis and kvdb.
pub fn diff(script: &str) {
    DiffSession::new().run(script);
}

/// Like [`diff`], but alone on both servers, from database 0 after `FLUSHALL`: for scripts
/// that `SELECT`, `SWAPDB`, `FLUSHALL`, read `INFO keyspace` or change configuration.
pub fn diff_exclusive(script: &str) {
    DiffSession::exclusive().run(script);
}

/// How long [`diff_raw`] waits for more output before deciding a server keeps the
/// connection open.
pub const RAW_IDLE: Duration = Duration::from_millis(500);

/// Sends the same raw bytes to both servers (on connections `SELECT`ed to a leased
/// database) and compares *everything* each answers until it closes the connection (or is
/// silent for [`RAW_IDLE`]), and whether it closed it. For protocol errors and inline
/// commands.
pub fn diff_raw(bytes: &[u8]) {
    diff_raw_chunks(&[bytes]);
}

/// Like [`diff_raw`], sending the chunks one by one with a 20 ms pause between them, so the
/// servers see a request split across reads.
pub fn diff_raw_chunks(chunks: &[&[u8]]) {
    let mut session = DiffSession::new();
    for (n, chunk) in chunks.iter().enumerate() {
        if n > 0 {
            thread::sleep(Duration::from_millis(20));
        }
        // A server may close early; later writes may then fail, which is part of the
        // behaviour being compared (through what was read), not a test error.
        let _ = session.redis.stream.write_all(chunk);
        let _ = session.kvdb.stream.write_all(chunk);
    }
    let (redis, redis_closed) = session.redis.read_until_close(RAW_IDLE);
    let (kvdb, kvdb_closed) = session.kvdb.read_until_close(RAW_IDLE);
    let sent: Vec<u8> = chunks.concat();
    if redis != kvdb || redis_closed != kvdb_closed {
        panic!(
            "differential mismatch on raw bytes {}\n  redis-server: {} ({})\n  {:<12}: {} ({})",
            escape(&sent),
            escape(&redis),
            if redis_closed {
                "then closed"
            } else {
                "connection left open"
            },
            servers().kvdb.name(),
            escape(&kvdb),
            if kvdb_closed {
                "then closed"
            } else {
                "connection left open"
            },
        );
    }
}

// ---------------------------------------------------------------------------------------
// Multi-connection scenarios
// ---------------------------------------------------------------------------------------

/// A connection to `server` on database `db`, with a 10 s timeout.
pub fn connect(server: &ServerProcess, db: u32) -> RawConn {
    let mut conn = server.connect();
    conn.set_timeout(Duration::from_secs(10));
    assert_eq!(
        conn.command(&[b"SELECT", db.to_string().as_bytes()]),
        b"+OK\r\n"
    );
    conn
}

/// Sends `argv` without reading a reply.
pub fn send(conn: &mut RawConn, argv: &[&[u8]]) {
    conn.send_raw(&encode_command(argv));
}

/// Waits until `count` clients are blocked (on keys, or held by CLIENT PAUSE) on
/// `conn`'s server, as `INFO clients` counts them; panics after a few seconds.
pub fn await_blocked(conn: &mut RawConn, count: usize) {
    for _ in 0..500 {
        let info = conn.command(&[b"INFO", b"clients"]);
        let text = String::from_utf8_lossy(&info).into_owned();
        if text.contains(&format!("blocked_clients:{count}\r\n")) {
            return;
        }
        thread::sleep(Duration::from_millis(5));
    }
    panic!("clients never blocked");
}

/// Runs `scenario` on each server of the pair, with connections of its own, and
/// panics unless both produced the same replies in the same order. The scenario runs
/// alone (an exclusive session): it may count server-wide state such as blocked
/// clients or channels.
pub fn differential(scenario: impl Fn(&ServerProcess, u32) -> Vec<Vec<u8>>) {
    let session = DiffSession::exclusive();
    let db = session.db();
    let servers = servers();
    let redis = scenario(&servers.redis, db);
    let kvdb = scenario(&servers.kvdb, db);
    let show = |replies: &[Vec<u8>]| {
        replies
            .iter()
            .map(|r| escape(r))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert_eq!(
        show(&redis),
        show(&kvdb),
        "replies differ (left redis-server, right kvdb)"
    );
    drop(session);
}

/// The arguments of each entry of a `SLOWLOG GET` reply (ids, times, durations and
/// the client's address differ between servers).
pub fn slowlog_arguments(log: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(log);
    let mut arguments = Vec::new();
    let mut lines = text.split("\r\n").peekable();
    while let Some(line) = lines.next() {
        // An entry's arguments are its only array of bulk strings.
        if let Some(count) = line.strip_prefix('*').and_then(|n| n.parse::<usize>().ok()) {
            if lines.peek().is_some_and(|next| next.starts_with('$')) {
                let words: Vec<&str> = (0..count)
                    .filter_map(|_| {
                        lines.next()?;
                        lines.next()
                    })
                    .collect();
                arguments.extend_from_slice(words.join(" ").as_bytes());
                arguments.push(b'\n');
            }
        }
    }
    arguments
}

/// Starts a server with extra arguments ([`ServerProcess::redis_with_args`] and
/// [`ServerProcess::kvdb_with_args`]).
pub type StartServer = fn(&[&str]) -> ServerProcess;

/// How to start redis-server and kvdb-server with extra arguments, by name: for
/// tests that take both through the same steps and compare the outcomes.
#[allow(dead_code)]
pub const BOTH_SERVERS: [(&str, StartServer); 2] = [
    ("redis", ServerProcess::redis_with_args),
    ("kvdb", ServerProcess::kvdb_with_args),
];

/// Starts redis-server and then kvdb-server with `args` (a data directory to load,
/// say) and asserts that each loaded the dataset of DEBUG DIGEST `digest` with the
/// function `hi` (answering "hi"); `what` names the data in the message. Each server
/// runs `after` before it stops.
#[allow(dead_code)]
pub fn assert_both_load(args: &[&str], digest: &[u8], what: &str, after: &str) {
    for (_, start) in BOTH_SERVERS {
        let server = start(args);
        let mut conn = server.connect();
        assert_eq!(
            conn.cmd("DEBUG DIGEST"),
            digest,
            "{} loading {what}",
            server.name()
        );
        assert_eq!(conn.cmd("FCALL hi 0"), b"$2\r\nhi\r\n");
        if !after.is_empty() {
            conn.cmd(after);
        }
    }
}
