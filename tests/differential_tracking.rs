//! Client-side caching (CLIENT TRACKING) against redis-server 7.0.15: option errors,
//! invalidations in default, OPTIN/OPTOUT and broadcast modes, in RESP3 (pushes on the
//! client's own connection) and RESP2 (messages to a redirection target subscribed to
//! `__redis__:invalidate`), where they land among the replies (after the reply of a
//! command that changed a key its own client read, after a whole EXEC, script or
//! pipeline), expiry, flushes, blocked clients, broken redirections, the key limit and
//! what CLIENT TRACKINGINFO, CLIENT INFO and INFO report. Client ids differ between the
//! servers, so replies that carry one are masked or left out.

mod support;

use std::thread;
use std::time::Duration;

use support::{
    await_blocked, connect, diff, differential, encode_command, numbers_masked, send, RawConn,
    ServerProcess,
};

/// Reads `count` replies from `conn`.
fn read_n(conn: &mut RawConn, count: usize) -> Vec<Vec<u8>> {
    (0..count).map(|_| conn.read_reply()).collect()
}

/// Sends every command in one write (one batch on both servers) and reads `replies`
/// frames, pushes included.
fn pipeline(conn: &mut RawConn, commands: &[&[&[u8]]], replies: usize) -> Vec<Vec<u8>> {
    let bytes: Vec<u8> = commands
        .iter()
        .flat_map(|argv| encode_command(argv))
        .collect();
    conn.send_raw(&bytes);
    read_n(conn, replies)
}

/// The client id of `conn`, as an argument.
fn client_id(conn: &mut RawConn) -> Vec<u8> {
    let reply = conn.command(&[b"CLIENT", b"ID"]);
    reply[1..reply.len() - 2].to_vec()
}

/// Switches `conn` to RESP3 (the HELLO reply, which carries the id, is dropped).
fn resp3(conn: &mut RawConn) {
    let hello = conn.command(&[b"HELLO", b"3"]);
    assert_eq!(hello[0], b'%');
}

/// A connection subscribed to `__redis__:invalidate` (RESP2), and its id.
fn redirection_target(server: &ServerProcess, db: u32) -> (RawConn, Vec<u8>) {
    let mut target = connect(server, db);
    let id = client_id(&mut target);
    send(&mut target, &[b"SUBSCRIBE", b"__redis__:invalidate"]);
    target.read_reply();
    (target, id)
}

/// `CLIENT TRACKING on` with `options` on `conn`.
fn track_on(conn: &mut RawConn, options: &[&[u8]]) -> Vec<u8> {
    let mut argv: Vec<&[u8]> = vec![b"CLIENT", b"TRACKING", b"on"];
    argv.extend_from_slice(options);
    conn.command(&argv)
}

/// Waits until the client `id` has left the server `conn` talks to.
fn await_gone(conn: &mut RawConn, id: &[u8]) {
    for _ in 0..500 {
        if conn.command(&[b"CLIENT", b"LIST", b"ID", id]) == b"$0\r\n\r\n" {
            return;
        }
        thread::sleep(Duration::from_millis(5));
    }
    panic!("client {} never left", String::from_utf8_lossy(id));
}

/// The `name:value` lines of INFO `section` whose names start with `prefix`.
fn info_lines(conn: &mut RawConn, section: &[u8], prefix: &str) -> Vec<u8> {
    let info = conn.command(&[b"INFO", section]);
    String::from_utf8_lossy(&info)
        .lines()
        .filter(|line| line.starts_with(prefix))
        .collect::<Vec<_>>()
        .join(" ")
        .into_bytes()
}

/// The `flags=` and `redir=` fields of CLIENT INFO (the redirection id masked).
fn list_fields(conn: &mut RawConn) -> Vec<u8> {
    let info = conn.command(&[b"CLIENT", b"INFO"]);
    let masked = |field: &str| match field.strip_prefix("redir=") {
        Some("-1") => Some(field.to_string()),
        Some(_) => Some("redir=#".to_string()),
        None => field.starts_with("flags=").then(|| field.to_string()),
    };
    String::from_utf8_lossy(&info)
        .split(' ')
        .filter_map(masked)
        .collect::<Vec<_>>()
        .join(" ")
        .into_bytes()
}

#[test]
fn tracking_options_and_their_errors() {
    diff(
        r#"
        CLIENT TRACKINGINFO
        CLIENT GETREDIR
        CLIENT TRACKING
        CLIENT TRACKING maybe
        CLIENT TRACKING on foo
        CLIENT TRACKING on PREFIX
        CLIENT TRACKING on REDIRECT
        CLIENT TRACKING on REDIRECT x
        CLIENT TRACKING on REDIRECT 0
        CLIENT TRACKING on REDIRECT -1
        CLIENT TRACKING off REDIRECT 999999
        CLIENT TRACKING on PREFIX a
        CLIENT TRACKING on BCAST OPTIN
        CLIENT TRACKING on BCAST OPTOUT
        CLIENT TRACKING on OPTIN OPTOUT
        CLIENT TRACKING on BCAST PREFIX FOOBAR PREFIX FOO
        CLIENT TRACKING on BCAST PREFIX FOO PREFIX FOOBAR
        CLIENT TRACKING on BCAST PREFIX ab PREFIX a
        CLIENT TRACKINGINFO
        CLIENT CACHING yes
        CLIENT CACHING maybe
        CLIENT CACHING yes no
        CLIENT TRACKING on BCAST PREFIX FOO PREFIX BAR
        CLIENT TRACKINGINFO
        CLIENT TRACKING on BCAST PREFIX FO
        CLIENT TRACKING on BCAST PREFIX BARB
        CLIENT TRACKING on BCAST PREFIX c PREFIX a
        CLIENT TRACKING on BCAST PREFIX baz
        CLIENT TRACKINGINFO
        CLIENT TRACKING on
        CLIENT TRACKING on OPTIN
        CLIENT CACHING yes
        CLIENT GETREDIR
        CLIENT TRACKING off
        CLIENT TRACKING off
        CLIENT GETREDIR
        CLIENT TRACKING on
        CLIENT GETREDIR
        CLIENT TRACKINGINFO
        CLIENT CACHING yes
        CLIENT CACHING no
        CLIENT CACHING maybe
        CLIENT TRACKING on OPTIN
        CLIENT TRACKINGINFO
        CLIENT CACHING no
        CLIENT CACHING YES
        CLIENT TRACKINGINFO
        CLIENT TRACKING on OPTOUT
        CLIENT TRACKING on NOLOOP
        CLIENT TRACKINGINFO
        CLIENT TRACKING on OPTOUT
        CLIENT CACHING no
        CLIENT TRACKINGINFO
        CLIENT TRACKING off
        CLIENT TRACKING on BCAST
        CLIENT TRACKINGINFO
        CLIENT TRACKING on BCAST PREFIX x
        CLIENT TRACKINGINFO
        CLIENT CACHING yes
        !resp3
        CLIENT TRACKINGINFO
        CLIENT TRACKING off
        CLIENT TRACKINGINFO
        "#,
    );
}

#[test]
fn resp2_invalidations_go_to_a_subscribed_redirection_target() {
    differential(|server, db| {
        let (mut target, target_id) = redirection_target(server, db);
        let mut client = connect(server, db);
        let mut other = connect(server, db);
        let mut replies = vec![track_on(&mut client, &[b"REDIRECT", &target_id])];
        let getredir = client.command(&[b"CLIENT", b"GETREDIR"]);
        assert_eq!(&getredir[1..getredir.len() - 2], &target_id[..]);
        replies.push(client.command(&[b"SET", b"a", b"1"]));
        replies.push(client.command(&[b"MGET", b"a", b"b", b"a"]));
        // Only keys that were read are invalidated, each once.
        replies.push(other.command(&[b"INCR", b"c"]));
        replies.push(other.command(&[b"SET", b"a", b"2"]));
        replies.push(target.read_reply());
        replies.push(other.command(&[b"SET", b"a", b"3"]));
        replies.push(other.command(&[b"SET", b"b", b"3"]));
        replies.push(target.read_reply());
        // A client's own change comes back to it too.
        replies.push(client.command(&[b"GET", b"a"]));
        replies.push(client.command(&[b"DEL", b"a"]));
        replies.push(target.read_reply());
        replies.push(target.command(&[b"PING"]));
        replies
    });
}

#[test]
fn a_clients_own_invalidation_follows_its_reply() {
    differential(|server, db| {
        let mut client = connect(server, db);
        resp3(&mut client);
        let mut replies = vec![track_on(&mut client, &[])];
        replies.push(client.command(&[b"HSET", b"h", b"f", b"1"]));
        replies.push(client.command(&[b"HGET", b"h", b"f"]));
        send(&mut client, &[b"HDEL", b"h", b"f"]);
        replies.extend(read_n(&mut client, 2));
        // A transaction: the message comes after EXEC's whole reply.
        replies.push(client.command(&[b"MSET", b"a", b"1", b"b", b"2"]));
        replies.push(client.command(&[b"GET", b"a"]));
        replies.extend(pipeline(
            &mut client,
            &[&[b"MULTI"], &[b"INCR", b"a"], &[b"GET", b"b"], &[b"EXEC"]],
            5,
        ));
        // A pipeline: each message right after the reply of the command that caused it.
        replies.extend(pipeline(
            &mut client,
            &[
                &[b"GET", b"p"],
                &[b"SET", b"p", b"1"],
                &[b"GET", b"p"],
                &[b"SET", b"p", b"2"],
            ],
            6,
        ));
        // A script that reads and writes a declared key.
        send(
            &mut client,
            &[
                b"EVAL",
                b"redis.call('get', KEYS[1]); redis.call('set', KEYS[1], 'x'); return 1",
                b"1",
                b"s",
            ],
        );
        replies.extend(read_n(&mut client, 2));
        // FLUSHDB in a transaction: a null, after EXEC's reply.
        replies.push(client.command(&[b"GET", b"a"]));
        replies.extend(pipeline(
            &mut client,
            &[&[b"MULTI"], &[b"FLUSHDB"], &[b"EXEC"]],
            4,
        ));
        // A read that fails on the type is remembered all the same.
        replies.push(client.command(&[b"LPUSH", b"list", b"x"]));
        replies.push(client.command(&[b"GET", b"list"]));
        send(&mut client, &[b"RPUSH", b"list", b"y"]);
        replies.extend(read_n(&mut client, 2));
        replies.push(client.command(&[b"PING"]));
        // Tracking turned on, or off, inside the transaction itself.
        replies.push(client.command(&[b"CLIENT", b"TRACKING", b"off"]));
        let on_inside: [&[&[u8]]; 5] = [
            &[b"MULTI"],
            &[b"CLIENT", b"TRACKING", b"on"],
            &[b"GET", b"mk"],
            &[b"SET", b"mk", b"1"],
            &[b"EXEC"],
        ];
        replies.extend(pipeline(&mut client, &on_inside, 6));
        let off_inside: [&[&[u8]]; 5] = [
            &[b"MULTI"],
            &[b"GET", b"mk"],
            &[b"CLIENT", b"TRACKING", b"off"],
            &[b"SET", b"mk", b"2"],
            &[b"EXEC"],
        ];
        replies.extend(pipeline(&mut client, &off_inside, 5));
        replies.push(client.command(&[b"PING"]));
        replies
    });
}

#[test]
fn resp3_clients_hear_of_other_clients_changes_and_flushes() {
    differential(|server, db| {
        let mut client = connect(server, db);
        let mut other = connect(server, db);
        resp3(&mut client);
        let mut replies = vec![track_on(&mut client, &[])];
        replies.push(client.command(&[b"GET", b"x"]));
        replies.push(other.command(&[b"SET", b"x", b"1"]));
        replies.push(client.read_reply());
        // Tracking a key once more after its invalidation.
        replies.push(client.command(&[b"EXISTS", b"x", b"y"]));
        replies.push(other.command(&[b"DEL", b"x", b"y"]));
        replies.push(client.read_reply());
        replies.push(other.command(&[b"SET", b"y", b"1"]));
        replies.push(client.read_reply());
        // A flush by anyone sends a null, even for nothing read.
        replies.push(other.command(&[b"FLUSHDB"]));
        replies.push(client.read_reply());
        // A RESP2 client without redirection hears nothing; after HELLO 3 it does.
        let mut resp2 = connect(server, db);
        replies.push(track_on(&mut resp2, &[]));
        replies.push(resp2.command(&[b"GET", b"k1"]));
        replies.push(resp2.command(&[b"GET", b"k2"]));
        replies.push(other.command(&[b"SET", b"k1", b"1"]));
        resp3(&mut resp2);
        replies.push(other.command(&[b"SET", b"k2", b"1"]));
        replies.push(resp2.read_reply());
        replies.push(resp2.command(&[b"PING"]));
        replies.push(client.command(&[b"PING"]));
        replies
    });
}

#[test]
fn noloop_leaves_out_the_clients_own_changes() {
    differential(|server, db| {
        let (mut target, target_id) = redirection_target(server, db);
        let mut client = connect(server, db);
        let mut other = connect(server, db);
        let mut replies = vec![track_on(&mut client, &[b"REDIRECT", &target_id, b"NOLOOP"])];
        replies.push(client.command(&[b"MGET", b"other1", b"loop", b"other2"]));
        replies.push(other.command(&[b"SET", b"other1", b"1"]));
        replies.push(client.command(&[b"SET", b"loop", b"1"]));
        replies.push(other.command(&[b"SET", b"other2", b"1"]));
        replies.extend(read_n(&mut target, 2));
        // A script's writes are its caller's too.
        replies.push(client.command(&[b"GET", b"s"]));
        replies.push(client.command(&[b"EVAL", b"return redis.call('set', 's', '2')", b"1", b"s"]));
        replies.push(target.command(&[b"PING"]));
        replies
    });
}

#[test]
fn optin_and_optout_follow_client_caching() {
    differential(|server, db| {
        let mut client = connect(server, db);
        let mut other = connect(server, db);
        resp3(&mut client);
        let mut replies = vec![track_on(&mut client, &[b"OPTIN"])];
        replies.push(client.command(&[b"GET", b"o1"]));
        replies.push(client.command(&[b"CLIENT", b"CACHING", b"yes"]));
        replies.push(client.command(&[b"CLIENT", b"TRACKINGINFO"]));
        // Another CLIENT subcommand keeps the flag for the next command.
        replies.push(client.command(&[b"CLIENT", b"GETREDIR"]));
        replies.push(client.command(&[b"GET", b"o2"]));
        replies.push(client.command(&[b"GET", b"o3"]));
        replies.push(other.command(&[b"MSET", b"o1", b"1", b"o2", b"2", b"o3", b"3"]));
        replies.push(client.read_reply());
        // In a transaction the flag lasts until EXEC.
        replies.push(client.command(&[b"CLIENT", b"CACHING", b"yes"]));
        replies.extend(pipeline(
            &mut client,
            &[&[b"MULTI"], &[b"GET", b"o4"], &[b"GET", b"o5"], &[b"EXEC"]],
            4,
        ));
        replies.push(client.command(&[b"GET", b"o6"]));
        replies.push(other.command(&[b"MSET", b"o4", b"1", b"o5", b"2", b"o6", b"3"]));
        replies.extend(read_n(&mut client, 2));
        replies.push(client.command(&[b"CLIENT", b"TRACKING", b"off"]));
        replies.push(track_on(&mut client, &[b"OPTOUT"]));
        replies.push(client.command(&[b"GET", b"n1"]));
        replies.push(client.command(&[b"CLIENT", b"CACHING", b"no"]));
        replies.push(client.command(&[b"GET", b"n2"]));
        replies.push(client.command(&[b"GET", b"n3"]));
        replies.push(other.command(&[b"MSET", b"n1", b"1", b"n2", b"2", b"n3", b"3"]));
        replies.extend(read_n(&mut client, 2));
        replies.push(client.command(&[b"PING"]));
        replies
    });
}

#[test]
fn broadcast_mode_sends_the_keys_under_each_prefix_after_the_batch() {
    differential(|server, db| {
        let (mut target, target_id) = redirection_target(server, db);
        let mut client = connect(server, db);
        let mut other = connect(server, db);
        let mut replies = vec![track_on(
            &mut client,
            &[
                b"BCAST",
                b"REDIRECT",
                &target_id,
                b"PREFIX",
                b"a:",
                b"PREFIX",
                b"b:",
            ],
        )];
        replies.extend(pipeline(
            &mut client,
            &[
                &[b"MULTI"],
                &[b"INCR", b"a:2"],
                &[b"INCR", b"a:1"],
                &[b"INCR", b"b:1"],
                &[b"INCR", b"b:2"],
                &[b"INCR", b"c:1"],
                &[b"EXEC"],
            ],
            7,
        ));
        replies.extend(read_n(&mut target, 2));
        // More prefixes add to those the client has.
        replies.push(track_on(
            &mut client,
            &[b"BCAST", b"REDIRECT", &target_id, b"PREFIX", b"c:"],
        ));
        replies.push(other.command(&[b"INCR", b"c:1234"]));
        replies.push(target.read_reply());
        replies.push(numbers_masked(&client.command(&[b"CLIENT", b"TRACKINGINFO"])).into_bytes());
        replies.push(list_fields(&mut client));
        // NOLOOP: keys the client changed last itself are left out.
        replies.push(client.command(&[b"CLIENT", b"TRACKING", b"off"]));
        replies.push(track_on(
            &mut client,
            &[b"BCAST", b"REDIRECT", &target_id, b"NOLOOP"],
        ));
        replies.push(other.command(&[b"SET", b"other1", b"1"]));
        replies.push(client.command(&[b"SET", b"loop", b"1"]));
        replies.push(other.command(&[b"SET", b"other2", b"1"]));
        replies.extend(read_n(&mut target, 2));
        replies.extend(pipeline(
            &mut other,
            &[
                &[b"SET", b"z2", b"1"],
                &[b"SET", b"z1", b"1"],
                &[b"DEL", b"z2"],
            ],
            3,
        ));
        replies.push(target.read_reply());
        replies.push(target.command(&[b"PING"]));
        replies.push(client.command(&[b"CLIENT", b"TRACKING", b"off"]));
        // RESP3, on the client's own connection: after the pipeline's replies.
        resp3(&mut client);
        replies.push(track_on(&mut client, &[b"BCAST", b"PREFIX", b"q"]));
        replies.extend(pipeline(
            &mut client,
            &[
                &[b"SET", b"q2", b"1"],
                &[b"SET", b"q1", b"1"],
                &[b"GET", b"q1"],
                &[b"SET", b"zz", b"1"],
            ],
            5,
        ));
        replies.push(other.command(&[b"FLUSHDB"]));
        replies.push(client.read_reply());
        // Keys read before switching to broadcast mode are not invalidated.
        replies.push(client.command(&[b"CLIENT", b"TRACKING", b"off"]));
        replies.push(track_on(&mut client, &[]));
        replies.push(client.command(&[b"GET", b"key1"]));
        replies.push(client.command(&[b"CLIENT", b"TRACKING", b"off"]));
        replies.push(track_on(&mut client, &[b"BCAST"]));
        replies.push(other.command(&[b"INCR", b"key1"]));
        replies.push(client.read_reply());
        replies.push(client.command(&[b"PING"]));
        replies
    });
}

#[test]
fn expired_keys_are_invalidated() {
    differential(|server, db| {
        let (mut target, target_id) = redirection_target(server, db);
        let mut client = connect(server, db);
        resp3(&mut client);
        let mut replies = vec![track_on(&mut client, &[])];
        // Lazy expiry inside a read: the message follows the read's reply.
        replies.push(client.command(&[b"DEBUG", b"SET-ACTIVE-EXPIRE", b"0"]));
        replies.extend(pipeline(
            &mut client,
            &[
                &[b"MULTI"],
                &[b"MSET", b"x", b"1", b"y", b"2"],
                &[b"PEXPIRE", b"y", b"100"],
                &[b"GET", b"y"],
                &[b"EXEC"],
            ],
            5,
        ));
        thread::sleep(Duration::from_millis(150));
        send(&mut client, &[b"MGET", b"x", b"y"]);
        replies.extend(read_n(&mut client, 2));
        replies.push(client.command(&[b"DEBUG", b"SET-ACTIVE-EXPIRE", b"1"]));
        // Active expiry, to a broadcast client: the key alone, not the NOLOOP one.
        let mut bcast = connect(server, db);
        replies.push(track_on(
            &mut bcast,
            &[b"BCAST", b"REDIRECT", &target_id, b"NOLOOP"],
        ));
        replies.push(bcast.command(&[b"SET", b"mykey", b"v", b"PX", b"1"]));
        replies.push(bcast.command(&[b"SET", b"mykeyother", b"v"]));
        replies.push(target.read_reply());
        replies.push(bcast.command(&[b"CLIENT", b"TRACKING", b"off"]));
        // A client's own PEXPIRE changes the key: its message follows the reply.
        replies.push(client.command(&[b"SET", b"e", b"1"]));
        replies.push(client.command(&[b"GET", b"e"]));
        send(&mut client, &[b"PEXPIRE", b"e", b"100000"]);
        replies.extend(read_n(&mut client, 2));
        // Active expiry, to a default-mode client.
        let mut other = connect(server, db);
        replies.push(other.command(&[b"SET", b"f", b"1", b"PX", b"1000"]));
        replies.push(client.command(&[b"GET", b"f"]));
        replies.push(client.read_reply());
        replies.push(client.command(&[b"PING"]));
        replies
    });
}

#[test]
fn a_served_blocked_client_gets_its_invalidation_after_its_reply() {
    differential(|server, db| {
        let mut waiter = connect(server, db);
        let mut pusher = connect(server, db);
        resp3(&mut waiter);
        let mut replies = vec![pusher.command(&[b"RPUSH", b"list2", b"a"])];
        replies.push(track_on(&mut waiter, &[]));
        replies.push(waiter.command(&[b"LRANGE", b"list2", b"0", b"-1"]));
        send(
            &mut waiter,
            &[b"BLMOVE", b"list1", b"list2", b"LEFT", b"LEFT", b"0"],
        );
        await_blocked(&mut pusher, 1);
        replies.push(pusher.command(&[b"RPUSH", b"list1", b"foo"]));
        replies.extend(read_n(&mut waiter, 2));
        replies.push(waiter.command(&[b"PING"]));
        replies
    });
}

#[test]
fn a_redirection_to_a_client_that_left_is_broken() {
    differential(|server, db| {
        let mut client = connect(server, db);
        let mut other = connect(server, db);
        let mut gone = connect(server, db);
        let gone_id = client_id(&mut gone);
        resp3(&mut client);
        let mut replies = vec![track_on(&mut client, &[b"REDIRECT", &gone_id])];
        replies.push(client.command(&[b"GET", b"k"]));
        replies.push(gone.command(&[b"QUIT"]));
        drop(gone);
        await_gone(&mut other, &gone_id);
        replies.push(numbers_masked(&client.command(&[b"CLIENT", b"TRACKINGINFO"])).into_bytes());
        replies.push(list_fields(&mut client));
        replies.push(other.command(&[b"SET", b"k", b"1"]));
        replies.push(numbers_masked(&client.read_reply()).into_bytes());
        replies.push(numbers_masked(&client.command(&[b"CLIENT", b"TRACKINGINFO"])).into_bytes());
        replies.push(list_fields(&mut client));
        // The client's own change: the broken-redirection push follows the reply.
        replies.push(client.command(&[b"GET", b"k"]));
        send(&mut client, &[b"SET", b"k", b"2"]);
        replies.push(client.read_reply());
        replies.push(numbers_masked(&client.read_reply()).into_bytes());
        replies.push(track_on(&mut client, &[b"REDIRECT", &gone_id]));
        replies.push(client.command(&[b"PING"]));
        replies
    });
}

#[test]
fn a_resp3_redirection_target_gets_pushes_even_with_replies_off() {
    differential(|server, db| {
        let mut target = connect(server, db);
        let mut client = connect(server, db);
        let mut other = connect(server, db);
        resp3(&mut target);
        let target_id = client_id(&mut target);
        let mut replies = vec![track_on(&mut client, &[b"REDIRECT", &target_id])];
        replies.push(other.command(&[b"SET", b"foo", b"bar"]));
        replies.push(client.command(&[b"GET", b"foo"]));
        send(&mut target, &[b"CLIENT", b"REPLY", b"OFF"]);
        // Something after it, answered, tells when it has run.
        replies.push(target.command(&[b"SUBSCRIBE", b"sync"]));
        replies.push(other.command(&[b"SET", b"foo", b"bar2"]));
        replies.push(target.read_reply());
        send(&mut target, &[b"CLIENT", b"REPLY", b"ON"]);
        replies.push(target.read_reply());
        replies.push(target.command(&[b"PING"]));
        // A RESP2 target in pub/sub mode on another channel gets a message all the same.
        let mut resp2 = connect(server, db);
        let resp2_id = client_id(&mut resp2);
        send(&mut resp2, &[b"SUBSCRIBE", b"elsewhere"]);
        replies.push(resp2.read_reply());
        replies.push(track_on(&mut client, &[b"REDIRECT", &resp2_id]));
        replies.push(client.command(&[b"GET", b"foo"]));
        replies.push(other.command(&[b"FLUSHDB"]));
        replies.push(resp2.read_reply());
        // Reset turns tracking off.
        replies.push(client.command(&[b"RESET"]));
        replies.push(client.command(&[b"CLIENT", b"TRACKINGINFO"]));
        replies.push(client.command(&[b"CLIENT", b"GETREDIR"]));
        replies.push(list_fields(&mut client));
        replies
    });
}

#[test]
fn scripts_track_their_declared_keys_when_they_read() {
    differential(|server, db| {
        let mut client = connect(server, db);
        let mut other = connect(server, db);
        resp3(&mut client);
        let mut replies = vec![track_on(&mut client, &[])];
        let declared: [&[u8]; 3] = [b"2", b"key1", b"key2"];
        let eval = |client: &mut RawConn, command: &[u8], body: &[u8]| {
            let mut argv: Vec<&[u8]> = vec![command, body];
            argv.extend(declared);
            client.command(&argv)
        };
        replies.push(eval(
            &mut client,
            b"EVAL",
            b"redis.call('set', 'key3', 'bar')",
        ));
        replies.push(other.command(&[b"MSET", b"key2", b"1", b"key1", b"1"]));
        replies.push(eval(&mut client, b"EVAL", b"redis.call('get', 'key3')"));
        replies.push(other.command(&[b"MSET", b"key2", b"2", b"key1", b"2"]));
        replies.extend(read_n(&mut client, 2));
        replies.push(eval(&mut client, b"EVAL_RO", b"redis.call('ping')"));
        replies.push(other.command(&[b"MSET", b"key2", b"3", b"key1", b"3"]));
        replies.push(eval(&mut client, b"EVAL_RO", b"redis.call('get', 'key1')"));
        replies.push(other.command(&[b"MSET", b"key2", b"4", b"key1", b"4"]));
        replies.extend(read_n(&mut client, 2));
        replies.push(client.command(&[b"PING"]));
        replies
    });
}

#[test]
fn info_counts_tracking_clients_keys_items_and_prefixes() {
    differential(|server, db| {
        let mut client = connect(server, db);
        let mut second = connect(server, db);
        let mut bcast = connect(server, db);
        let bcast_id = client_id(&mut bcast);
        let mut replies = vec![track_on(&mut client, &[])];
        replies.push(client.command(&[b"MGET", b"k1", b"k2"]));
        replies.push(track_on(&mut second, &[]));
        replies.push(second.command(&[b"GET", b"k1"]));
        replies.push(track_on(
            &mut bcast,
            &[b"BCAST", b"PREFIX", b"p:", b"PREFIX", b"q:"],
        ));
        replies.push(info_lines(&mut client, b"clients", "tracking_"));
        replies.push(info_lines(&mut client, b"stats", "tracking_"));
        // Turning tracking off or leaving forgets nothing the client read.
        replies.push(second.command(&[b"CLIENT", b"TRACKING", b"off"]));
        replies.push(bcast.command(&[b"QUIT"]));
        drop(bcast);
        await_gone(&mut second, &bcast_id);
        replies.push(info_lines(&mut client, b"clients", "tracking_"));
        replies.push(info_lines(&mut client, b"stats", "tracking_"));
        replies.push(client.command(&[b"SET", b"k1", b"x"]));
        replies.push(info_lines(&mut client, b"stats", "tracking_"));
        replies.push(client.command(&[b"FLUSHALL"]));
        replies.push(info_lines(&mut client, b"stats", "tracking_"));
        replies
    });
}

#[test]
fn the_key_limit_evicts_random_keys_with_invalidations() {
    differential(|server, db| {
        let (mut target, target_id) = redirection_target(server, db);
        let mut client = connect(server, db);
        let mut admin = connect(server, db);
        let mut replies = vec![track_on(&mut client, &[b"REDIRECT", &target_id])];
        let reads: Vec<u8> = (0..250)
            .flat_map(|n| encode_command(&[b"GET", format!("key{n}").as_bytes()]))
            .collect();
        client.send_raw(&reads);
        read_n(&mut client, 250);
        replies.push(info_lines(&mut client, b"stats", "tracking_total_keys"));
        replies.push(admin.command(&[b"CONFIG", b"SET", b"tracking-table-max-keys", b"1"]));
        // Which keys go is random; that all but one do is not.
        for _ in 0..249 {
            let message = target.read_reply();
            assert!(
                message.starts_with(b"*3\r\n$7\r\nmessage\r\n"),
                "{message:?}"
            );
        }
        replies.push(target.command(&[b"PING"]));
        replies.push(info_lines(&mut client, b"stats", "tracking_total_keys"));
        // A queued command enforces the limit too, before its QUEUED.
        let mut queued = connect(server, db);
        resp3(&mut queued);
        replies.push(admin.command(&[b"CONFIG", b"SET", b"tracking-table-max-keys", b"2"]));
        replies.push(client.command(&[b"FLUSHALL"]));
        replies.push(target.read_reply());
        replies.push(client.command(&[b"CLIENT", b"TRACKING", b"off"]));
        replies.push(track_on(&mut queued, &[]));
        replies.push(queued.command(&[b"MGET", b"ka", b"kb"]));
        replies.push(queued.command(&[b"MULTI"]));
        replies.push(admin.command(&[b"CONFIG", b"SET", b"tracking-table-max-keys", b"1"]));
        send(&mut queued, &[b"PING"]);
        send(&mut queued, &[b"EXEC"]);
        let invalidation = String::from_utf8_lossy(&queued.read_reply()).replace("kb", "ka");
        replies.push(invalidation.into_bytes());
        replies.extend(read_n(&mut queued, 2));
        replies.push(admin.command(&[b"CONFIG", b"SET", b"tracking-table-max-keys", b"1000000"]));
        replies
    });
}

/// Redis 7.0.15 answers an overlap between two given prefixes after the first with the
/// error *and* `+OK`, enabling tracking with every prefix; kvdb answers the error alone
/// and changes nothing, as Redis does for an overlap with the first prefix (see
/// docs/decisions.md).
#[test]
fn an_overlap_among_later_prefixes_is_an_error_alone() {
    if support::diff_against_redis() {
        return; // kvdb's own answer
    }
    let session = support::DiffSession::exclusive();
    let mut client = connect(&support::servers().kvdb, 0);
    let reply = track_on(
        &mut client,
        &[b"BCAST", b"PREFIX", b"a", b"PREFIX", b"b", b"PREFIX", b"bc"],
    );
    assert_eq!(
        reply,
        b"-ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single \
          client must not overlap.\r\n"
    );
    assert_eq!(
        client.command(&[b"CLIENT", b"GETREDIR"]),
        b":-1\r\n",
        "tracking stays off"
    );
    drop(session);
}
