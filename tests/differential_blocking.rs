//! Blocking list commands against redis-server 7.0: immediate answers, timeouts and
//! errors as differential scripts; then, with several connections per server, clients
//! served first-come first-served by another client's push, pipelines held up behind a
//! blocked command, CLIENT UNBLOCK, and (kvdb alone) many clients competing for
//! elements without loss or duplication.

mod support;

use std::collections::BTreeSet;
use std::thread;
use std::time::{Duration, Instant};

use support::{
    await_blocked, connect, diff, differential, encode_command, send, servers, slowlog_arguments,
    DiffSession, ServerProcess,
};

#[test]
fn immediate_answers_timeouts_and_errors() {
    diff(
        r#"
        RPUSH l a b c d e
        BLPOP nosuch l 0
        BRPOP l 1
        BLMOVE l dst LEFT RIGHT 0
        BRPOPLPUSH l dst 0
        LRANGE dst 0 -1
        BLMPOP 0 2 nosuch dst RIGHT COUNT 5
        BLPOP nosuch 0.01
        BRPOP nosuch 0.001
        BLMOVE nosuch dst LEFT LEFT 0.01
        BRPOPLPUSH nosuch dst 0.01
        BLMPOP 0.01 1 nosuch LEFT
        BLPOP nosuch -1
        BLPOP nosuch x
        BLPOP nosuch inf
        BLPOP nosuch 1e400
        BLMOVE nosuch dst UP LEFT 0
        BLMOVE nosuch dst LEFT LEFT x
        BLMPOP x 1 nosuch LEFT
        BLMPOP 0 0 nosuch LEFT
        BLMPOP 0 1 nosuch
        BLMPOP 0 1 nosuch LEFT COUNT 0
        SET str v
        BLPOP str 0
        BLMOVE str dst LEFT LEFT 0
        RPUSH src x
        BLMOVE src str LEFT LEFT 0
        LRANGE src 0 -1
        "#,
    );
}

#[test]
fn blocking_sorted_set_pops() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 c 4 d
        BZPOPMIN nosuch z 0
        BZPOPMAX z 0
        BZMPOP 0 2 nosuch z MIN COUNT 5
        EXISTS z
        BZPOPMIN nosuch 0.01
        BZPOPMAX nosuch 0.01
        BZMPOP 0.01 1 nosuch MAX
        BZPOPMIN nosuch -1
        BZPOPMIN nosuch x
        BZMPOP 0 0 nosuch MIN
        BZMPOP 0 1 nosuch MIDDLE
        BZMPOP 0 1 nosuch MIN COUNT 0
        SET str v
        BZPOPMIN str 0
        BZMPOP 0 1 str MIN
        MULTI
        BZPOPMIN nosuch 0
        BZMPOP 0 1 nosuch MAX
        EXEC
        "#,
    );
    diff(
        r#"
        !resp3
        ZADD z 1 a 2 b
        BZPOPMIN z 0
        BZMPOP 0 1 z MAX COUNT 2
        BZPOPMIN nosuch 0.01
        "#,
    );
}

#[test]
fn a_zadd_serves_blocked_sorted_set_pops() {
    differential(|server, db| {
        let mut min = connect(server, db);
        let mut mpop = connect(server, db);
        let mut writer = connect(server, db);
        send(&mut min, &[b"BZPOPMIN", b"z", b"0"]);
        await_blocked(&mut writer, 1);
        send(
            &mut mpop,
            &[b"BZMPOP", b"0", b"1", b"z", b"MAX", b"COUNT", b"2"],
        );
        await_blocked(&mut writer, 2);
        let mut replies =
            vec![writer.command(&[b"ZADD", b"z", b"1", b"a", b"2", b"b", b"3", b"c"])];
        replies.push(min.read_reply());
        replies.push(mpop.read_reply());
        replies.push(writer.command(&[b"EXISTS", b"z"]));
        replies
    });
}

#[test]
fn blocking_commands_answer_at_once_inside_multi() {
    diff(
        r#"
        MULTI
        BLPOP nosuch 0
        BLMOVE nosuch dst LEFT LEFT 0
        BRPOPLPUSH nosuch dst 0
        BLMPOP 0 1 nosuch LEFT
        EXEC
        "#,
    );
    diff(
        r#"
        !resp3
        MULTI
        BLPOP nosuch 0
        BLMOVE nosuch dst LEFT LEFT 0
        EXEC
        BLPOP nosuch 0.01
        "#,
    );
}

#[test]
fn waiters_are_served_first_come_first_served_right_after_the_push() {
    differential(|server, db| {
        let mut first = connect(server, db);
        let mut second = connect(server, db);
        let mut pusher = connect(server, db);
        send(&mut first, &[b"BLPOP", b"q", b"other", b"0"]);
        await_blocked(&mut pusher, 1);
        send(&mut second, &[b"BRPOP", b"q", b"0"]);
        await_blocked(&mut pusher, 2);
        let mut replies = vec![
            pusher.command(&[b"RPUSH", b"q", b"a", b"b", b"c"]),
            pusher.command(&[b"LRANGE", b"q", b"0", b"-1"]),
        ];
        replies.push(first.read_reply());
        replies.push(second.read_reply());
        replies
    });
}

#[test]
fn a_pipeline_waits_behind_a_blocked_command() {
    differential(|server, db| {
        let mut blocked = connect(server, db);
        let mut pusher = connect(server, db);
        let mut pipeline = encode_command(&[b"BLMPOP", b"0", b"1", b"q", b"LEFT", b"COUNT", b"2"]);
        pipeline.extend(encode_command(&[b"LLEN", b"q"]));
        pipeline.extend(encode_command(&[
            b"BLMOVE", b"q", b"dst", b"LEFT", b"LEFT", b"0",
        ]));
        blocked.send_raw(&pipeline);
        await_blocked(&mut pusher, 1);
        let mut replies = vec![pusher.command(&[b"RPUSH", b"q", b"1", b"2", b"3"])];
        replies.push(blocked.read_reply());
        replies.push(blocked.read_reply());
        replies.push(blocked.read_reply());
        replies.push(pusher.command(&[b"LRANGE", b"dst", b"0", b"-1"]));
        replies
    });
}

#[test]
fn a_command_sent_while_blocked_runs_once_the_block_ends() {
    differential(|server, db| {
        let mut blocked = connect(server, db);
        let mut pusher = connect(server, db);
        send(&mut blocked, &[b"BLPOP", b"q", b"0"]);
        await_blocked(&mut pusher, 1);
        // Sent on its own while the client waits: it must not wait for more input.
        send(&mut blocked, &[b"LLEN", b"q"]);
        thread::sleep(std::time::Duration::from_millis(50));
        let mut replies = vec![pusher.command(&[b"RPUSH", b"q", b"x", b"y"])];
        replies.push(blocked.read_reply());
        replies.push(blocked.read_reply());
        replies
    });
}

/// `total_net_input_bytes` from an `INFO stats` reply.
fn input_bytes(info: &[u8]) -> usize {
    let text = String::from_utf8_lossy(info);
    let field = text
        .lines()
        .find_map(|line| line.strip_prefix("total_net_input_bytes:"))
        .expect("INFO stats has total_net_input_bytes");
    field.trim().parse().expect("a number")
}

#[test]
fn bytes_sent_while_blocked_count_as_input() {
    // Each on a server of its own: the counter is server-wide.
    for server in [ServerProcess::redis(), ServerProcess::kvdb()] {
        let mut blocked = server.connect();
        let mut observer = server.connect();
        let info: [&[u8]; 2] = [b"INFO", b"stats"];
        let info_len = encode_command(&info).len();
        let before = input_bytes(&observer.command(&info));
        let block = encode_command(&[b"BLPOP", b"q", b"0"]);
        blocked.send_raw(&block);
        thread::sleep(Duration::from_millis(50));
        let meanwhile = encode_command(&[b"LLEN", b"q"]);
        blocked.send_raw(&meanwhile);
        // Every INFO asked adds its own request; ask until the server has read all.
        let mut expected = before + block.len() + meanwhile.len();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            expected += info_len;
            let counted = input_bytes(&observer.command(&info));
            if counted == expected || Instant::now() > deadline {
                assert_eq!(counted, expected, "{}", server.name());
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn a_push_inside_exec_serves_waiters_after_the_transaction() {
    differential(|server, db| {
        let mut blocked = connect(server, db);
        let mut writer = connect(server, db);
        send(&mut blocked, &[b"BLPOP", b"q", b"0"]);
        await_blocked(&mut writer, 1);
        let mut replies = vec![
            writer.command(&[b"MULTI"]),
            writer.command(&[b"RPUSH", b"q", b"x"]),
            writer.command(&[b"LLEN", b"q"]),
            writer.command(&[b"EXEC"]),
        ];
        replies.push(blocked.read_reply());
        replies
    });
}

#[test]
fn blmove_serves_chained_waiters() {
    differential(|server, db| {
        let mut mover = connect(server, db);
        let mut taker = connect(server, db);
        let mut pusher = connect(server, db);
        send(
            &mut mover,
            &[b"BLMOVE", b"a", b"b", b"LEFT", b"RIGHT", b"0"],
        );
        await_blocked(&mut pusher, 1);
        send(&mut taker, &[b"BLPOP", b"b", b"0"]);
        await_blocked(&mut pusher, 2);
        let mut replies = vec![pusher.command(&[b"LPUSH", b"a", b"x"])];
        replies.push(mover.read_reply());
        replies.push(taker.read_reply());
        replies.push(pusher.command(&[b"EXISTS", b"a", b"b"]));
        replies
    });
}

#[test]
fn client_unblock_answers_the_timeout_reply_or_an_error() {
    differential(|server, db| {
        let mut blocked = connect(server, db);
        let mut admin = connect(server, db);
        let id = blocked.command(&[b"CLIENT", b"ID"]);
        let id = String::from_utf8_lossy(&id[1..id.len() - 2]).into_owned();
        let mut replies = Vec::new();
        send(&mut blocked, &[b"BLPOP", b"q", b"0"]);
        await_blocked(&mut admin, 1);
        replies.push(admin.command(&[b"CLIENT", b"UNBLOCK", id.as_bytes()]));
        replies.push(blocked.read_reply());
        send(
            &mut blocked,
            &[b"BLMOVE", b"q", b"d", b"LEFT", b"LEFT", b"0"],
        );
        await_blocked(&mut admin, 1);
        replies.push(admin.command(&[b"CLIENT", b"UNBLOCK", id.as_bytes(), b"ERROR"]));
        replies.push(blocked.read_reply());
        replies.push(admin.command(&[b"CLIENT", b"UNBLOCK", id.as_bytes()]));
        replies.push(admin.command(&[b"CLIENT", b"UNBLOCK", id.as_bytes(), b"MAYBE"]));
        replies.push(admin.command(&[b"CLIENT", b"UNBLOCK", b"x"]));
        replies.push(admin.command(&[b"CLIENT", b"UNBLOCK", id.as_bytes(), b"ERROR", b"x"]));
        replies
    });
}

#[test]
fn a_disconnected_waiter_takes_nothing() {
    differential(|server, db| {
        let mut blocked = connect(server, db);
        let mut pusher = connect(server, db);
        send(&mut blocked, &[b"BLPOP", b"q", b"0"]);
        await_blocked(&mut pusher, 1);
        drop(blocked);
        await_blocked(&mut pusher, 0);
        vec![
            pusher.command(&[b"RPUSH", b"q", b"x"]),
            pusher.command(&[b"LRANGE", b"q", b"0", b"-1"]),
        ]
    });
}

#[test]
fn many_competing_clients_receive_every_element_exactly_once() {
    let session = DiffSession::exclusive();
    let db = session.db();
    let server = &servers().kvdb;
    const CLIENTS: usize = 20;
    const ELEMENTS: usize = 400;
    let consumers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let mut conn = connect(server, db);
            thread::spawn(move || {
                let mut got = Vec::new();
                loop {
                    let reply = conn.command(&[b"BLPOP", b"jobs", b"1"]);
                    if reply.starts_with(b"*-1") {
                        return got;
                    }
                    got.push(reply);
                }
            })
        })
        .collect();
    let mut producer = connect(server, db);
    for n in 0..ELEMENTS {
        let element = format!("job{n}");
        producer.command(&[b"RPUSH", b"jobs", element.as_bytes()]);
    }
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for consumer in consumers {
        let got = consumer.join().expect("consumer thread");
        total += got.len();
        seen.extend(got);
    }
    assert_eq!(total, ELEMENTS, "an element was lost or served twice");
    assert_eq!(seen.len(), ELEMENTS);
    drop(session);
}

#[test]
fn rename_and_sort_store_serve_waiters_too() {
    differential(|server, db| {
        let mut renamed = connect(server, db);
        let mut sorted = connect(server, db);
        let mut writer = connect(server, db);
        send(&mut renamed, &[b"BLPOP", b"target", b"0"]);
        await_blocked(&mut writer, 1);
        send(&mut sorted, &[b"BRPOP", b"sorted", b"0"]);
        await_blocked(&mut writer, 2);
        let mut replies = vec![
            writer.command(&[b"RPUSH", b"tmp", b"x", b"y"]),
            writer.command(&[b"RENAME", b"tmp", b"target"]),
        ];
        replies.push(renamed.read_reply());
        replies.push(writer.command(&[b"RPUSH", b"src", b"3", b"1", b"2"]));
        replies.push(writer.command(&[b"SORT", b"src", b"STORE", b"sorted"]));
        replies.push(sorted.read_reply());
        replies.push(writer.command(&[b"LRANGE", b"target", b"0", b"-1"]));
        replies.push(writer.command(&[b"LRANGE", b"sorted", b"0", b"-1"]));
        replies
    });
}

#[test]
fn a_blocked_command_enters_the_slowlog_when_served() {
    differential(|server, db| {
        let mut blocked = connect(server, db);
        let mut timed_out = connect(server, db);
        let mut pusher = connect(server, db);
        let mut replies = vec![
            pusher.command(&[b"CONFIG", b"SET", b"slowlog-log-slower-than", b"0"]),
            pusher.command(&[b"CONFIG", b"RESETSTAT"]),
        ];
        replies.push(timed_out.command(&[b"BRPOP", b"never", b"0.01"]));
        send(&mut blocked, &[b"BLPOP", b"q", b"0"]);
        await_blocked(&mut pusher, 1);
        // As in Redis's own test: the log is emptied inside the transaction that
        // serves the waiter, and the BLPOP is logged after it.
        replies.push(pusher.command(&[b"MULTI"]));
        replies.push(pusher.command(&[b"LPUSH", b"q", b"x"]));
        replies.push(pusher.command(&[b"SLOWLOG", b"RESET"]));
        replies.push(pusher.command(&[b"EXEC"]));
        replies.push(blocked.read_reply());
        let log = pusher.command(&[b"SLOWLOG", b"GET", b"10"]);
        replies.push(slowlog_arguments(&log));
        // Both blocking calls count once; the one that timed out never reaches the log.
        let stats = pusher.command(&[b"INFO", b"commandstats"]);
        // (Redis lists commands in its command table's hash order: sorted here.)
        let mut calls: Vec<String> = String::from_utf8_lossy(&stats)
            .lines()
            .filter(|line| line.starts_with("cmdstat_blpop") || line.starts_with("cmdstat_brpop"))
            .map(|line| line.split(",usec=").next().unwrap_or(line).to_string())
            .collect();
        calls.sort();
        replies.push(calls.join(" ").into_bytes());
        replies.push(pusher.command(&[b"CONFIG", b"SET", b"slowlog-log-slower-than", b"10000"]));
        replies.push(pusher.command(&[b"SLOWLOG", b"RESET"]));
        replies
    });
}
