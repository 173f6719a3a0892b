//! CLIENT PAUSE and CLIENT UNPAUSE against redis-server 7.0: argument errors, which
//! commands a WRITE pause holds and which run, that held clients resume in the order
//! they came (before anyone else's next command), that an ALL pause holds everything
//! until its end, and that expiry deletes nothing while paused.
//!
//! Pauses here are short or undone by each scenario, and scenarios run alone (they
//! pause the whole server).

mod support;

use std::thread;
use std::time::{Duration, Instant};

use support::{await_blocked, connect, diff_exclusive, differential, send, RawConn};

/// How long a test waits before deciding a reply is held back.
const HELD: Duration = Duration::from_millis(600);

/// After [`HELD`], each connection's reply if it has come, else `held` (the reply
/// stays to be read). One wait for all, so a slow machine gives every reply as long.
fn replies_or_held(conns: &mut [RawConn]) -> Vec<Vec<u8>> {
    thread::sleep(HELD);
    conns
        .iter_mut()
        .map(|conn| {
            conn.set_timeout(Duration::from_millis(50));
            let reply = conn.try_read_reply().unwrap_or_else(|_| b"held".to_vec());
            conn.set_timeout(Duration::from_secs(10));
            reply
        })
        .collect()
}

/// [`replies_or_held`] for one connection.
fn reply_or_held(conn: &mut RawConn) -> Vec<u8> {
    replies_or_held(std::slice::from_mut(conn)).remove(0)
}

/// One line of `INFO` (`field:value`), to compare a counter.
fn info_field(conn: &mut RawConn, section: &str, field: &str) -> String {
    let info = conn.command(&[b"INFO", section.as_bytes()]);
    String::from_utf8_lossy(&info)
        .lines()
        .find(|line| line.starts_with(&format!("{field}:")))
        .unwrap_or_default()
        .to_string()
}

/// One `name=value` field of client `id`'s CLIENT LIST line.
fn client_field(conn: &mut RawConn, id: &[u8], field: &str) -> String {
    let list = conn.command(&[b"CLIENT", b"LIST", b"ID", id]);
    String::from_utf8_lossy(&list)
        .split([' ', '\n'])
        .find(|pair| pair.starts_with(&format!("{field}=")))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn pause_arguments_are_checked_as_redis_does() {
    diff_exclusive(
        r#"
        CLIENT PAUSE
        CLIENT PAUSE abc
        CLIENT PAUSE -1
        CLIENT PAUSE 1.5
        CLIENT PAUSE 10 READ
        CLIENT PAUSE abc READ
        CLIENT PAUSE -1 write
        CLIENT PAUSE 10 WRITE extra
        CLIENT UNPAUSE extra
        CLIENT UNPAUSE
        CLIENT PAUSE 0
        CLIENT PAUSE 0 WRITE
        CLIENT PAUSE 9223372036854775807 ALL
        SET k v
        GET k
        "#,
    );
}

#[test]
fn the_pausing_client_waits_for_its_own_write_pause() {
    // One connection: its write waits until the pause ends, its read does not.
    diff_exclusive(
        r#"
        SET k v
        CLIENT PAUSE 150 WRITE
        GET k
        SET k w
        GET k
        SET k
        CLIENT PAUSE 100 all
        PING
        "#,
    );
}

#[test]
fn a_write_pause_holds_writes_and_lets_reads_run_until_unpause() {
    differential(|server, db| {
        let mut admin = connect(server, db);
        let mut writer = connect(server, db);
        let mut reader = connect(server, db);
        let writer_id = writer.command(&[b"CLIENT", b"ID"]);
        let writer_id = String::from_utf8_lossy(&writer_id[1..writer_id.len() - 2]).to_string();
        let mut replies = vec![admin.command(&[b"CLIENT", b"PAUSE", b"10000", b"WRITE"])];
        send(&mut writer, &[b"SET", b"foo", b"bar"]);
        await_blocked(&mut admin, 1);
        // The held command already shows in CLIENT LIST.
        replies.push(client_field(&mut admin, writer_id.as_bytes(), "cmd").into_bytes());
        replies.push(reader.command(&[b"GET", b"foo"]));
        replies.push(reader.command(&[b"PING"]));
        replies.push(reply_or_held(&mut writer));
        replies.push(info_field(&mut admin, "clients", "blocked_clients").into_bytes());
        replies.push(admin.command(&[b"CLIENT", b"UNPAUSE"]));
        replies.push(writer.read_reply());
        replies.push(reader.command(&[b"GET", b"foo"]));
        replies.push(info_field(&mut admin, "clients", "blocked_clients").into_bytes());
        replies
    });
}

#[test]
fn held_clients_resume_in_arrival_order_before_the_next_command() {
    differential(|server, db| {
        let mut admin = connect(server, db);
        let mut clients: Vec<RawConn> = (0..3).map(|_| connect(server, db)).collect();
        let mut replies = vec![admin.command(&[b"CLIENT", b"PAUSE", b"10000", b"WRITE"])];
        for (n, client) in clients.iter_mut().enumerate() {
            let digit = n.to_string();
            send(client, &[b"APPEND", b"k", digit.as_bytes()]);
            await_blocked(&mut admin, n + 1);
        }
        replies.push(admin.command(&[b"CLIENT", b"UNPAUSE"]));
        // The held commands ran before this one, in the order they came.
        replies.push(admin.command(&[b"GET", b"k"]));
        for client in &mut clients {
            replies.push(client.read_reply());
        }
        replies
    });
}

#[test]
fn a_pipeline_stops_at_the_held_command_and_goes_on_after() {
    differential(|server, db| {
        let mut admin = connect(server, db);
        let mut piped = connect(server, db);
        let mut replies = vec![admin.command(&[b"SET", b"k", b"1"])];
        replies.push(admin.command(&[b"CLIENT", b"PAUSE", b"10000", b"WRITE"]));
        piped.send_raw(b"GET k\r\nINCR k\r\nGET k\r\n");
        replies.push(piped.read_reply());
        await_blocked(&mut admin, 1);
        replies.push(reply_or_held(&mut piped));
        replies.push(admin.command(&[b"CLIENT", b"UNPAUSE"]));
        replies.push(piped.read_reply());
        replies.push(piped.read_reply());
        replies
    });
}

#[test]
fn a_command_sent_while_held_runs_after_the_held_one() {
    differential(|server, db| {
        let mut admin = connect(server, db);
        let mut writer = connect(server, db);
        let mut replies = vec![admin.command(&[b"CLIENT", b"PAUSE", b"10000", b"WRITE"])];
        send(&mut writer, &[b"SET", b"k", b"v"]);
        await_blocked(&mut admin, 1);
        // Sent on its own while the client waits: it must not wait for more input.
        send(&mut writer, &[b"GET", b"k"]);
        thread::sleep(Duration::from_millis(50));
        replies.push(admin.command(&[b"CLIENT", b"UNPAUSE"]));
        replies.push(writer.read_reply());
        replies.push(writer.read_reply());
        replies
    });
}

#[test]
fn a_write_pause_holds_what_may_replicate_and_scripts_that_may_write() {
    differential(|server, db| {
        let mut admin = connect(server, db);
        let mut replies = vec![admin.command(&[b"SET", b"x", b"y"])];
        replies.push(admin.command(&[
            b"FUNCTION",
            b"LOAD",
            b"REPLACE",
            b"#!lua name=pauselib\nredis.register_function{function_name='pause_ro', \
              callback=function() return 'ro' end, flags={'no-writes'}}\n\
              redis.register_function('pause_rw', function() return 'rw' end)",
        ]));
        let mut queued = connect(server, db);
        replies.push(queued.command(&[b"MULTI"]));
        replies.push(queued.command(&[b"SET", b"q", b"1"]));
        let mut read_multi = connect(server, db);
        replies.push(admin.command(&[b"CLIENT", b"PAUSE", b"10000", b"WRITE"]));
        let commands: &[&[&[u8]]] = &[
            &[b"EVAL", b"#!lua flags=no-writes\nreturn 'ro'", b"0"],
            &[b"EVAL_RO", b"return redis.call('get', KEYS[1])", b"1", b"x"],
            &[b"FCALL", b"pause_ro", b"0"],
            &[b"FCALL_RO", b"pause_ro", b"0"],
            &[b"EVAL", b"return 1", b"0"],
            &[b"EVAL", b"#!lua\nreturn 2", b"0"],
            &[b"FCALL", b"pause_rw", b"0"],
            &[b"FCALL", b"nosuchfunction", b"0"],
            &[b"PUBLISH", b"ch", b"msg"],
            &[b"SPUBLISH", b"ch", b"msg"],
            &[b"DEL", b"x"],
            &[b"WAIT", b"0", b"0"],
        ];
        let mut clients: Vec<RawConn> = commands
            .iter()
            .map(|argv| {
                let mut client = connect(server, db);
                send(&mut client, argv);
                client
            })
            .collect();
        let first = replies_or_held(&mut clients);
        let mut held = Vec::new();
        for (client, reply) in clients.into_iter().zip(first) {
            if reply == b"held" {
                held.push(client);
            }
            replies.push(reply);
        }
        // A transaction of reads runs; one whose queue writes waits in EXEC.
        replies.push(read_multi.command(&[b"MULTI"]));
        replies.push(read_multi.command(&[b"GET", b"x"]));
        replies.push(read_multi.command(&[b"EVAL", b"#!lua flags=no-writes\nreturn 3", b"0"]));
        replies.push(read_multi.command(&[b"EXEC"]));
        send(&mut queued, &[b"EXEC"]);
        replies.push(reply_or_held(&mut queued));
        replies.push(admin.command(&[b"CLIENT", b"UNPAUSE"]));
        for client in &mut held {
            replies.push(client.read_reply());
        }
        replies.push(queued.read_reply());
        replies.push(admin.command(&[b"FUNCTION", b"DELETE", b"pauselib"]));
        replies
    });
}

#[test]
fn an_all_pause_holds_every_command_until_it_ends() {
    differential(|server, db| {
        let mut admin = connect(server, db);
        let mut other = connect(server, db);
        let start = Instant::now();
        let mut replies = vec![admin.command(&[b"CLIENT", b"PAUSE", b"1500", b"ALL"])];
        send(&mut other, &[b"PING"]);
        send(&mut admin, &[b"CLIENT", b"UNPAUSE"]);
        replies.push(reply_or_held(&mut other));
        replies.push(other.read_reply());
        replies.push(admin.read_reply());
        let waited = start.elapsed() >= Duration::from_millis(1400);
        replies.push(format!("waited for the end: {waited}").into_bytes());
        replies
    });
}

#[test]
fn expiry_deletes_nothing_while_paused() {
    differential(|server, db| {
        let mut admin = connect(server, db);
        let before = info_field(&mut admin, "stats", "expired_keys");
        let mut replies = vec![
            admin.command(&[b"MULTI"]),
            admin.command(&[b"SET", b"foo", b"bar", b"PX", b"10"]),
            admin.command(&[b"SET", b"bar", b"foo", b"PX", b"10"]),
            admin.command(&[b"CLIENT", b"PAUSE", b"10000", b"WRITE"]),
            admin.command(&[b"EXEC"]),
        ];
        thread::sleep(Duration::from_millis(200));
        // Logically gone, still stored, not counted as expired.
        replies.push(admin.command(&[b"GET", b"foo"]));
        replies.push(admin.command(&[b"EXISTS", b"bar"]));
        replies.push(admin.command(&[b"TTL", b"foo"]));
        replies.push(admin.command(&[b"KEYS", b"*"]));
        replies.push(admin.command(&[b"DBSIZE"]));
        let during = info_field(&mut admin, "stats", "expired_keys");
        replies.push(format!("none expired: {}", during == before).into_bytes());
        replies.push(admin.command(&[b"CLIENT", b"UNPAUSE"]));
        replies.push(admin.command(&[b"GET", b"foo"]));
        replies.push(admin.command(&[b"GET", b"bar"]));
        replies.push(admin.command(&[b"DBSIZE"]));
        replies
    });
}

#[test]
fn a_pause_inside_a_transaction_starts_after_it() {
    differential(|server, db| {
        let mut admin = connect(server, db);
        let mut writer = connect(server, db);
        let mut replies = vec![
            admin.command(&[b"MULTI"]),
            admin.command(&[b"SET", b"foo1", b"bar"]),
            admin.command(&[b"CLIENT", b"PAUSE", b"10000", b"WRITE"]),
            admin.command(&[b"SET", b"foo2", b"bar"]),
            admin.command(&[b"EXEC"]),
        ];
        send(&mut writer, &[b"SET", b"foo3", b"bar"]);
        await_blocked(&mut admin, 1);
        replies.push(admin.command(&[b"MGET", b"foo1", b"foo2", b"foo3"]));
        replies.push(admin.command(&[b"CLIENT", b"UNPAUSE"]));
        replies.push(writer.read_reply());
        replies.push(admin.command(&[b"GET", b"foo3"]));
        replies
    });
}
