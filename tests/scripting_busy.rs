//! A script that runs past `busy-reply-threshold`, on kvdb and on redis-server side by
//! side (each on its own server process): other clients get `BUSY`, `SCRIPT KILL`
//! stops a script that has not written, one that has written is `UNKILLABLE`, MULTI
//! is answered, clients waiting for the script hold up nobody, and `SHUTDOWN NOSAVE`
//! still ends the server. Every reply is compared byte for byte.

mod support;

use std::thread;
use std::time::{Duration, Instant};

use support::{encode_command, RawConn, ServerProcess};

/// A loop that never ends by itself.
const SPIN: &[u8] = b"local i = 0 while true do i = i + 1 end";

/// A loop that writes first, so it cannot be killed.
const WRITE_THEN_SPIN: &[u8] = b"redis.call('set','x','1') local i = 0 while true do i = i + 1 end";

/// Both servers with a short busy threshold.
fn servers() -> [ServerProcess; 2] {
    let servers = [ServerProcess::redis(), ServerProcess::kvdb()];
    for server in &servers {
        let reply = server
            .connect()
            .command(&[b"CONFIG", b"SET", b"busy-reply-threshold", b"50"]);
        assert_eq!(reply, b"+OK\r\n", "{}", server.name());
    }
    servers
}

/// Sends `EVAL script 0` on a new connection without waiting for the reply.
fn start_script(server: &ServerProcess, script: &[u8]) -> RawConn {
    let mut conn = server.connect();
    conn.send_raw(&encode_command(&[b"EVAL", script, b"0"]));
    conn
}

/// Asks `PING` on a new connection until it answers `BUSY` (the script has passed
/// the threshold), and answers that reply.
fn wait_until_busy(server: &ServerProcess) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let reply = server.connect().command(&[b"PING"]);
        if reply.starts_with(b"-BUSY") || Instant::now() > deadline {
            return reply;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_busy_script_answers_busy_and_script_kill_ends_it() {
    let servers = servers();
    let mut transcripts: Vec<Vec<Vec<u8>>> = Vec::new();
    for server in &servers {
        let mut script = start_script(server, SPIN);
        let mut transcript = vec![wait_until_busy(server)];
        let mut other = server.connect();
        transcript.push(other.command(&[b"GET", b"x"]));
        transcript.push(other.command(&[b"NOSUCHCOMMAND"]));
        transcript.push(other.command(&[b"SCRIPT", b"KILL"]));
        transcript.push(script.read_reply());
        transcript.push(other.command(&[b"PING"]));
        transcript.push(other.command(&[b"SCRIPT", b"KILL"]));
        transcripts.push(transcript);
    }
    assert_same(&transcripts);
    assert!(transcripts[0][0].starts_with(b"-BUSY Redis is busy running a script."));
}

/// Redis's "MULTI and script timeout": MULTI is answered while busy, a command queued
/// then gets BUSY and aborts the transaction. Clients whose command must wait for the
/// script (WATCH needs the keyspace) wait without holding up the server: more of them
/// than kvdb has worker threads, and SCRIPT KILL still gets through.
#[test]
fn multi_while_busy_and_clients_waiting_for_the_script() {
    let servers = servers();
    let mut transcripts: Vec<Vec<Vec<u8>>> = Vec::new();
    for server in &servers {
        let mut script = start_script(server, SPIN);
        let mut transcript = vec![wait_until_busy(server)];
        let mut transaction = server.connect();
        transcript.push(transaction.command(&[b"MULTI"]));
        transcript.push(transaction.command(&[b"INCR", b"xx"]));
        let mut waiting: Vec<RawConn> = (0..4).map(|_| server.connect()).collect();
        for conn in &mut waiting {
            conn.send_raw(&encode_command(&[b"WATCH", b"k"]));
        }
        thread::sleep(Duration::from_millis(50));
        transcript.push(server.connect().command(&[b"SCRIPT", b"KILL"]));
        transcript.push(script.read_reply());
        for conn in &mut waiting {
            transcript.push(conn.read_reply());
        }
        transcript.push(transaction.command(&[b"INCR", b"xx"]));
        transcript.push(transaction.command(&[b"EXEC"]));
        transcript.push(transaction.command(&[b"GET", b"xx"]));
        // Redis's "just EXEC and script timeout": EXEC while busy aborts the
        // transaction with BUSY as its reason, and the client leaves MULTI.
        transcript.push(transaction.command(&[b"MULTI"]));
        transcript.push(transaction.command(&[b"INCR", b"xx"]));
        let mut script = start_script(server, SPIN);
        transcript.push(wait_until_busy(server));
        transcript.push(transaction.command(&[b"EXEC"]));
        transcript.push(server.connect().command(&[b"SCRIPT", b"KILL"]));
        transcript.push(script.read_reply());
        transcript.push(transaction.command(&[b"GET", b"xx"]));
        transcript.push(transaction.command(&[b"PING", b"asdf"]));
        transcripts.push(transcript);
    }
    assert_same(&transcripts);
}

#[test]
fn a_script_that_wrote_is_unkillable_but_shutdown_nosave_ends_the_server() {
    let servers = servers();
    let mut transcripts: Vec<Vec<Vec<u8>>> = Vec::new();
    for server in &servers {
        let _script = start_script(server, WRITE_THEN_SPIN);
        let mut transcript = vec![wait_until_busy(server)];
        let mut other = server.connect();
        transcript.push(other.command(&[b"SCRIPT", b"KILL"]));
        transcript.push(other.command(&[b"SHUTDOWN"]));
        other.send_raw(&encode_command(&[b"SHUTDOWN", b"NOSAVE"]));
        let (rest, closed) = other.read_until_close(Duration::from_secs(5));
        transcript.push(rest);
        assert!(
            closed,
            "{} kept the connection after SHUTDOWN NOSAVE",
            server.name()
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while server.is_running() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        assert!(!server.is_running(), "{} still runs", server.name());
        transcripts.push(transcript);
    }
    assert_same(&transcripts);
}

/// Fails unless redis-server's transcript (first) and kvdb's are the same bytes.
fn assert_same(transcripts: &[Vec<Vec<u8>>]) {
    assert_eq!(
        transcripts[0],
        transcripts[1],
        "redis-server vs kvdb:\n{}",
        describe(transcripts)
    );
}

fn describe(transcripts: &[Vec<Vec<u8>>]) -> String {
    transcripts
        .iter()
        .map(|replies| {
            replies
                .iter()
                .map(|reply| format!("  {:?}", String::from_utf8_lossy(reply)))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n  ---\n")
}
