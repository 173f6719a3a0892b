//! End-to-end tests of the `kvdb-server` process: command line and redis.conf,
//! authentication, client limits, idle timeout, bad input, and stopping.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{wait_for_line, RawConn, ServerProcess};

fn wait_for_exit(server: &ServerProcess, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if !server.is_running() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn shutdown_stops_the_server() {
    let server = ServerProcess::kvdb();
    let mut conn = server.connect();
    assert_eq!(conn.cmd("SHUTDOWN FOO"), b"-ERR syntax error\r\n");
    assert_eq!(
        conn.cmd("SHUTDOWN ABORT"),
        b"-ERR No shutdown in progress.\r\n"
    );
    conn.send_raw(b"SHUTDOWN NOSAVE\r\n");
    let (rest, closed) = conn.read_until_close(Duration::from_secs(5));
    assert!(closed, "connection stays open after SHUTDOWN");
    assert!(rest.is_empty(), "SHUTDOWN answered {rest:?}");
    assert!(
        wait_for_exit(&server, Duration::from_secs(5)),
        "process still running"
    );
}

#[test]
fn sigterm_stops_the_server() {
    let server = ServerProcess::kvdb();
    let status = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    assert!(
        wait_for_exit(&server, Duration::from_secs(5)),
        "process still running"
    );
    // Logged as Redis logs it.
    for line in [
        " # Received SIGTERM scheduling shutdown...",
        " # User requested shutdown...",
        " # kvdb is now ready to exit, bye bye...",
    ] {
        wait_for_line(|| server.log(), line);
    }
}

#[test]
fn quit_answers_ok_then_closes() {
    let server = ServerProcess::kvdb();
    let mut conn = server.connect();
    conn.send_raw(b"QUIT\r\nPING\r\n");
    let (rest, closed) = conn.read_until_close(Duration::from_secs(5));
    assert_eq!(rest, b"+OK\r\n");
    assert!(closed);
}

#[test]
fn info_names_the_servers_allocator() {
    let server = ServerProcess::kvdb();
    let mut conn = server.connect();
    let info = String::from_utf8(conn.cmd("INFO memory")).unwrap();
    assert!(info.contains("\r\nmem_allocator:mimalloc\r\n"), "{info}");
}

#[test]
fn requirepass_from_the_command_line() {
    let server = ServerProcess::kvdb_with_args(&["--requirepass", "s3cret"]);
    let mut conn = server.connect();
    assert_eq!(conn.cmd("GET k"), b"-NOAUTH Authentication required.\r\n");
    assert_eq!(
        conn.cmd("AUTH nope"),
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    );
    assert_eq!(conn.cmd("AUTH s3cret"), b"+OK\r\n");
    assert_eq!(conn.cmd("GET k"), b"$-1\r\n");
}

#[test]
fn unauthenticated_clients_get_small_protocol_limits() {
    let server = ServerProcess::kvdb_with_args(&["--requirepass", "s3cret"]);
    let mut conn = server.connect();
    conn.send_raw(b"*100\r\n");
    let (reply, closed) = conn.read_until_close(Duration::from_secs(5));
    assert_eq!(
        reply,
        b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    );
    assert!(closed);
}

#[test]
fn maxclients_refuses_extra_connections() {
    let server = ServerProcess::kvdb_with_args(&["--maxclients", "2"]);
    let mut first = server.connect();
    let mut second = server.connect();
    assert_eq!(first.cmd("PING"), b"+PONG\r\n");
    assert_eq!(second.cmd("PING"), b"+PONG\r\n");
    let mut third = server.connect();
    let (reply, closed) = third.read_until_close(Duration::from_secs(5));
    assert_eq!(reply, b"-ERR max number of clients reached\r\n");
    assert!(closed);
    drop(first);
    std::thread::sleep(Duration::from_millis(200));
    let mut fourth = server.connect();
    assert_eq!(fourth.cmd("PING"), b"+PONG\r\n");
}

/// The clients cron sizes buffers as Redis's does, on both servers: an idle client's
/// query buffer is given back after two seconds and its reply buffer shrinks to
/// 1 KiB (sooner with a short `DEBUG REPLYBUFFER peak-reset-time`); a big reply
/// makes the reply buffer grow back, doubling up to 16 KiB.
#[test]
fn idle_clients_give_their_buffers_back_like_redis() {
    let servers = [
        ServerProcess::redis(),
        ServerProcess::kvdb_with_args(support::DIFF_SERVER_ARGS),
    ];
    for server in &servers {
        let mut admin = server.connect();
        admin.cmd("DEBUG REPLYBUFFER peak-reset-time 100");
        admin.cmd(&format!("SET bigval {}", "x".repeat(32 * 1024)));
        let mut idler = server.connect();
        idler.cmd("CLIENT SETNAME idler");
        let field = |admin: &mut RawConn, name: &str| -> usize {
            let list = String::from_utf8(admin.cmd("CLIENT LIST")).unwrap();
            let line = list
                .lines()
                .find(|line| line.contains("name=idler"))
                .unwrap();
            let value = line
                .split(' ')
                .find_map(|field| field.strip_prefix(&format!("{name}=")))
                .unwrap();
            value.parse().unwrap()
        };
        let deadline = Instant::now() + Duration::from_secs(8);
        while field(&mut admin, "qbuf") + field(&mut admin, "qbuf-free") > 0
            || !(1024..2046).contains(&field(&mut admin, "rbs"))
        {
            assert!(Instant::now() < deadline, "{}: buffers kept", server.name());
            std::thread::sleep(Duration::from_millis(100));
        }
        admin.cmd("DEBUG REPLYBUFFER peak-reset-time never");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            idler.cmd("GET bigval");
            if (16384..32768).contains(&field(&mut admin, "rbs")) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{}: reply buffer kept small",
                server.name()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        admin.cmd("DEBUG REPLYBUFFER peak-reset-time reset");
    }
}

#[test]
fn idle_clients_are_closed_after_timeout() {
    let server = ServerProcess::kvdb_with_args(&["--timeout", "1"]);
    let mut conn = server.connect();
    assert_eq!(conn.cmd("PING"), b"+PONG\r\n");
    let (rest, closed) = conn.read_until_close(Duration::from_secs(4));
    assert!(closed, "idle connection still open");
    assert!(rest.is_empty());
}

/// As in Redis, only subscribers (and MONITOR clients) are exempt from the idle
/// timeout: a client whose mailbox serves client-side caching, or one that subscribed
/// and then RESET, is closed like any other.
#[test]
fn the_idle_timeout_spares_subscribers_only() {
    let server = ServerProcess::kvdb_with_args(&["--timeout", "1"]);
    let mut subscriber = server.connect();
    assert!(subscriber.cmd("SUBSCRIBE news").starts_with(b"*3\r\n"));
    let mut tracker = server.connect();
    assert_eq!(tracker.cmd("CLIENT TRACKING on"), b"+OK\r\n");
    let mut reset = server.connect();
    assert!(reset.cmd("SUBSCRIBE news").starts_with(b"*3\r\n"));
    assert_eq!(reset.cmd("RESET"), b"+RESET\r\n");
    for conn in [&mut tracker, &mut reset] {
        let (rest, closed) = conn.read_until_close(Duration::from_secs(4));
        assert!(closed, "idle connection still open");
        assert!(rest.is_empty());
    }
    assert_eq!(subscriber.cmd("PING"), b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
}

#[test]
fn a_dropped_half_request_costs_only_its_own_connection() {
    let server = ServerProcess::kvdb();
    let mut broken = server.connect();
    broken.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc");
    drop(broken);
    let mut conn = server.connect();
    assert_eq!(conn.cmd("EXISTS k"), b":0\r\n");
    assert_eq!(conn.cmd("PING"), b"+PONG\r\n");
}

#[test]
fn huge_lengths_are_protocol_errors_not_allocations() {
    let server = ServerProcess::kvdb();
    for request in [
        &b"*1\r\n$999999999999\r\n"[..],
        &b"*99999999999\r\n"[..],
        &b"*1\r\n$-5\r\n"[..],
    ] {
        let mut conn = server.connect();
        conn.send_raw(request);
        let (reply, closed) = conn.read_until_close(Duration::from_secs(5));
        assert!(
            reply.starts_with(b"-ERR Protocol error: invalid "),
            "{reply:?}"
        );
        assert!(closed);
    }
    assert!(server.is_running());
}

#[test]
fn config_file_is_read() {
    let (dir, path) = write_config(
        "conf",
        "# a stock-style config\nbind 127.0.0.1\nport 0\nrequirepass \"from file\"\ndatabases 4\nsave 3600 1 300 100\nappendonly no\n",
    );
    let (mut child, mut conn) = start_with_config(&path);
    assert_eq!(conn.cmd("GET k"), b"-NOAUTH Authentication required.\r\n");
    assert_eq!(conn.cmd("AUTH \"from file\""), b"+OK\r\n");
    assert_eq!(conn.cmd("SELECT 4"), b"-ERR DB index is out of range\r\n");
    assert_eq!(conn.cmd("SELECT 3"), b"+OK\r\n");
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A new directory for the test `what` holding `redis.conf` with `text`: the directory
/// and the file.
fn write_config(what: &str, text: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("kvdb-{what}-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("redis.conf");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Starts `kvdb-server` on the config file `path`; answers it and a connection.
fn start_with_config(path: &std::path::Path) -> (std::process::Child, RawConn) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kvdb-server"))
        .arg(path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kvdb-server starts");
    // The server log's first lines come before it.
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let addr = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("kvdb listening on ").map(str::to_string))
        .expect("listening line");
    (child, RawConn::connect(addr.parse().unwrap()))
}

#[test]
fn users_come_from_the_config_file_or_the_acl_file_inside_dir() {
    let (dir, path) = write_config(
        "users",
        "bind 127.0.0.1\nport 0\nuser default on nopass ~* &* +@all\nuser alice on >pw ~a* +get\n",
    );
    let (mut child, mut conn) = start_with_config(&path);
    assert_eq!(conn.cmd("AUTH alice pw"), b"+OK\r\n");
    assert_eq!(conn.cmd("GET a1"), b"$-1\r\n");
    assert_eq!(
        conn.cmd("GET b1"),
        &b"-NOPERM this user has no permissions to access one of the keys used as arguments\r\n"[..]
    );
    let _ = child.kill();
    let _ = child.wait();

    // An ACL file named relative to `dir`, as Redis finds it after changing into it.
    std::fs::write(dir.join("users.acl"), "user bob on nopass ~* +ping\n").unwrap();
    let dir_text = dir.display().to_string();
    std::fs::write(
        &path,
        format!("bind 127.0.0.1\nport 0\ndir \"{dir_text}\"\naclfile users.acl\n"),
    )
    .unwrap();
    let (mut child, mut conn) = start_with_config(&path);
    assert_eq!(
        conn.cmd("ACL USERS"),
        b"*2\r\n$3\r\nbob\r\n$7\r\ndefault\r\n"
    );
    assert_eq!(conn.cmd("ACL SETUSER carol on >x +get"), b"+OK\r\n");
    assert_eq!(conn.cmd("ACL SAVE"), b"+OK\r\n");
    let saved = std::fs::read_to_string(dir.join("users.acl")).unwrap();
    assert!(
        saved.starts_with("user bob on nopass ~* resetchannels -@all +ping\nuser carol on #"),
        "{saved}"
    );
    std::fs::write(dir.join("users.acl"), "user bob on nopass ~* +ping\n").unwrap();
    assert_eq!(conn.cmd("ACL LOAD"), b"+OK\r\n");
    assert_eq!(
        conn.cmd("ACL USERS"),
        b"*2\r\n$3\r\nbob\r\n$7\r\ndefault\r\n"
    );
    let _ = child.kill();
    let _ = child.wait();

    // Users in both places, or a bad ACL file, stop the start as in Redis.
    std::fs::write(
        &path,
        format!("port 0\ndir \"{dir_text}\"\naclfile users.acl\nuser x on\n"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kvdb-server"))
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .expect("kvdb-server runs");
    assert!(!output.status.success());
    // Logged, as Redis logs it, then the process exits.
    assert!(String::from_utf8_lossy(&output.stdout).contains("but not both"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_malformed_config_file_is_a_startup_error() {
    let (dir, path) = write_config("badconf", "port 0\nno-such-directive yes\n");
    let output = Command::new(env!("CARGO_BIN_EXE_kvdb-server"))
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .expect("kvdb-server runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no-such-directive"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pipelined_replies_come_in_one_piece() {
    let server = ServerProcess::kvdb();
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    let mut request = Vec::new();
    for n in 0..1000 {
        request.extend_from_slice(format!("SET k{n} {n}\r\n").as_bytes());
    }
    request.extend_from_slice(b"DBSIZE\r\n");
    stream.write_all(&request).unwrap();
    let mut conn = RawConn::from_stream(stream);
    for _ in 0..1000 {
        assert_eq!(conn.read_reply(), b"+OK\r\n");
    }
    assert_eq!(conn.read_reply(), b":1000\r\n");
}

#[test]
fn shutdown_save_force_exits_despite_the_failed_save() {
    let server = ServerProcess::kvdb();
    let mut conn = server.connect();
    conn.send_raw(b"SHUTDOWN SAVE FORCE\r\n");
    let (rest, closed) = conn.read_until_close(Duration::from_secs(5));
    assert!(closed && rest.is_empty(), "{rest:?}");
    assert!(
        wait_for_exit(&server, Duration::from_secs(5)),
        "process still running"
    );
}

#[cfg(unix)]
#[test]
fn unix_socket_serves_clients() {
    use std::io::Read;
    use std::os::unix::net::UnixStream;
    let path = std::env::temp_dir().join(format!("kvdb-test-{}.sock", std::process::id()));
    let path_text = path.display().to_string();
    // With a unix socket, port 0 means "no TCP" as in Redis: give the harness a port.
    let port = support::free_port().to_string();
    let _server = ServerProcess::kvdb_with_args(&["--unixsocket", &path_text, "--port", &port]);
    let mut stream = UnixStream::connect(&path).expect("unix socket accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(b"PING\r\nCLIENT INFO\r\n").unwrap();
    let mut reply = Vec::new();
    let mut chunk = [0u8; 4096];
    while !reply.ends_with(b"\n\r\n") {
        let n = stream.read(&mut chunk).expect("reply");
        assert!(n > 0, "closed early: {reply:?}");
        reply.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&reply);
    assert!(text.starts_with("+PONG\r\n"), "{text}");
    assert!(text.contains(" flags=U "), "{text}");
}

/// Whether `line` is a line of Redis's log format, `pid:role dd Mon yyyy
/// HH:MM:SS.mmm level message`, with role `role` and level mark `level`.
fn is_log_line(line: &str, role: char, level: char) -> bool {
    let Some((pid, rest)) = line.split_once(':') else {
        return false;
    };
    let fields: Vec<&str> = rest.splitn(6, ' ').collect();
    let [found_role, day, month, year, time, rest] = fields[..] else {
        return false;
    };
    let digits =
        |text: &str, len: usize| text.len() == len && text.bytes().all(|b| b.is_ascii_digit());
    let time_ok = time.len() == 12
        && time.bytes().enumerate().all(|(at, b)| match at {
            2 | 5 => b == b':',
            8 => b == b'.',
            _ => b.is_ascii_digit(),
        });
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && found_role == role.to_string()
        && digits(day, 2)
        && month.len() == 3
        && digits(year, 4)
        && time_ok
        && rest.starts_with(&format!("{level} "))
}

#[test]
fn the_log_goes_to_logfile_in_redis_format_at_loglevel() {
    let dir = std::env::temp_dir().join(format!("kvdb-logfile-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let logfile = dir.join("kvdb.log");
    let logfile_text = logfile.display().to_string();
    let server = ServerProcess::kvdb_with_args(&[
        "--logfile",
        &logfile_text,
        "--enable-debug-command",
        "yes",
    ]);
    let mut conn = server.connect();
    let log_text = || std::fs::read_to_string(&logfile).unwrap_or_default();
    let ready = wait_for_line(log_text, " Ready to accept connections");
    assert!(is_log_line(&ready, 'M', '*'), "{ready}");
    // Nothing of the log on stdout, which keeps only the listening line.
    assert!(
        !server.log().contains("Ready to accept"),
        "{}",
        server.log()
    );

    let script = |level: &str, text: &str| format!("EVAL \"redis.log(redis.{level}, '{text}')\" 0");
    assert_eq!(
        conn.cmd(&script("LOG_NOTICE", "shown at notice")),
        b"$-1\r\n"
    );
    assert_eq!(conn.cmd("CONFIG SET loglevel warning"), b"+OK\r\n");
    assert_eq!(conn.cmd(&script("LOG_NOTICE", "left out")), b"$-1\r\n");
    assert_eq!(
        conn.cmd(&script("LOG_WARNING", "shown at warning")),
        b"$-1\r\n"
    );
    let log = log_text();
    let line = |text: &str| {
        log.lines()
            .find(|line| line.ends_with(text))
            .map(str::to_string)
    };
    assert!(is_log_line(
        &line(" shown at notice").expect("notice line"),
        'M',
        '*'
    ));
    assert!(is_log_line(
        &line(" shown at warning").expect("warning line"),
        'M',
        '#'
    ));
    assert_eq!(line(" left out"), None, "{log}");
    assert_eq!(conn.cmd("DEBUG LOG \"from a test\""), b"+OK\r\n");
    // At verbose, connections come and go in the log as in Redis's.
    assert_eq!(conn.cmd("CONFIG SET loglevel verbose"), b"+OK\r\n");
    let mut other = server.connect();
    assert_eq!(other.cmd("CLIENT SETNAME leaving"), b"+OK\r\n");
    drop(other);
    let accepted = wait_for_line(log_text, " - Accepted 127.0.0.1:");
    assert!(is_log_line(&accepted, 'M', '-'), "{accepted}");
    let closed = wait_for_line(log_text, " - Client closed connection id=");
    assert!(closed.contains(" name=leaving "), "{closed}");
    let debug_line = wait_for_line(log_text, " DEBUG LOG: from a test");
    assert!(is_log_line(&debug_line, 'M', '#'), "{debug_line}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_log_marks_a_replica_and_goes_to_stdout_by_default() {
    let master = ServerProcess::kvdb();
    let replica = ServerProcess::kvdb();
    let mut conn = replica.connect();
    let port = master.addr().port();
    assert_eq!(conn.cmd(&format!("REPLICAOF 127.0.0.1 {port}")), b"+OK\r\n");
    let line = wait_for_line(
        || replica.log(),
        " MASTER <-> REPLICA sync: Finished with success",
    );
    assert!(is_log_line(&line, 'S', '*'), "{line}");
}

#[test]
fn redis_and_kvdb_log_readiness_in_the_same_format() {
    for server in [ServerProcess::redis(), ServerProcess::kvdb()] {
        let line = wait_for_line(|| server.log(), " Ready to accept connections");
        assert!(is_log_line(&line, 'M', '*'), "{}: {line}", server.name());
    }
}

#[test]
fn the_banner_names_the_pid_when_asked_for_and_the_mode_otherwise() {
    let server = ServerProcess::kvdb_with_args(&["--always-show-logo", "yes"]);
    wait_for_line(|| server.log(), &format!(" PID: {}", server.pid()));
    let plain = ServerProcess::kvdb();
    // Started with `--port 0`: the configured port, as Redis logs it.
    let line = wait_for_line(|| plain.log(), " Running mode=standalone, port=0.");
    assert!(is_log_line(&line, 'M', '*'), "{line}");
    assert!(!plain.log().contains(" PID: "), "{}", plain.log());
}

#[test]
fn a_relative_logfile_is_inside_dir_as_in_redis() {
    let dir = std::env::temp_dir().join(format!("kvdb-logdir-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dir_text = dir.display().to_string();
    let server = ServerProcess::kvdb_with_args(&["--dir", &dir_text, "--logfile", "kvdb.log"]);
    let log_text = || std::fs::read_to_string(dir.join("kvdb.log")).unwrap_or_default();
    wait_for_line(log_text, " Ready to accept connections");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Replies a client does not read for a while (more than the socket holds) arrive
/// whole and in order once it reads: the worker writes what the socket takes and the
/// connection the rest.
#[test]
fn replies_read_late_arrive_whole_and_in_order() {
    let server = ServerProcess::kvdb();
    let mut conn = server.connect();
    let value = vec![b'v'; 4 << 20];
    assert_eq!(conn.command(&[b"SET", b"big", &value]), b"+OK\r\n");
    let mut pipeline = Vec::new();
    for argv in [&[&b"GET"[..], b"big"][..], &[b"GET", b"big"], &[b"PING"]] {
        pipeline.extend(support::encode_command(argv));
    }
    conn.send_raw(&pipeline);
    std::thread::sleep(Duration::from_millis(300));
    let bulk = [
        format!("${}\r\n", value.len()).into_bytes(),
        value,
        b"\r\n".to_vec(),
    ]
    .concat();
    assert_eq!(conn.read_reply(), bulk);
    assert_eq!(conn.read_reply(), bulk);
    assert_eq!(conn.read_reply(), b"+PONG\r\n");
}

/// A client that keeps its connection's socket full of requests is served once a
/// turn like the others: another client's reply does not wait for it to stop, and
/// every one of its own replies arrives.
#[test]
fn a_client_that_never_stops_sending_does_not_hold_up_the_others() {
    use std::io::Read;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    const PINGS: usize = 1_000_000;
    let server = ServerProcess::kvdb();
    let flood = server.connect();
    let mut writer = flood.stream().try_clone().expect("clone");
    let mut reader = flood.stream().try_clone().expect("clone");
    let sending = std::thread::spawn(move || {
        let chunk = b"*1\r\n$4\r\nPING\r\n".repeat(10_000);
        for _ in 0..PINGS / 10_000 {
            writer.write_all(&chunk).expect("send");
        }
    });
    let all_read = Arc::new(AtomicBool::new(false));
    let receiving = {
        let all_read = all_read.clone();
        std::thread::spawn(move || {
            reader
                .set_read_timeout(Some(Duration::from_secs(60)))
                .expect("timeout");
            let (mut received, mut chunk) = (0, vec![0u8; 1 << 16]);
            while received < PINGS * b"+PONG\r\n".len() {
                let n = reader.read(&mut chunk).expect("replies");
                assert!(n > 0, "closed after {received} bytes");
                received += n;
            }
            all_read.store(true, Ordering::SeqCst);
            received
        })
    };
    // Wait until the flood's replies are flowing, then ask on another connection.
    std::thread::sleep(Duration::from_millis(200));
    let mut other = server.connect();
    assert_eq!(other.cmd("PING"), b"+PONG\r\n");
    let answered_during_flood = !all_read.load(Ordering::SeqCst);
    sending.join().expect("sender");
    assert_eq!(receiving.join().expect("receiver"), PINGS * 7);
    assert!(
        answered_during_flood,
        "the other client was answered only after the flood"
    );
}
