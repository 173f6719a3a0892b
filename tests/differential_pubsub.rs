//! Pub/sub against redis-server 7.0: the reply streams of (P|S)SUBSCRIBE and their
//! UNSUBSCRIBE twins in RESP2 and RESP3, subscribed-mode restrictions, PUBLISH counts,
//! PUBSUB introspection; then (kvdb alone) a 1 → 100 fan-out of 10,000 messages that
//! must all arrive in order, and a subscriber that stops reading being disconnected
//! instead of silently losing messages.

mod support;

use std::io::Read;
use std::thread;
use std::time::{Duration, Instant};

use support::{connect, diff, differential, encode_command, send, servers, DiffSession, RawConn};

/// Reads `count` replies from `conn`.
fn read_n(conn: &mut RawConn, count: usize) -> Vec<Vec<u8>> {
    (0..count).map(|_| conn.read_reply()).collect()
}

#[test]
fn subscribe_confirmations_and_messages() {
    differential(|server, db| {
        let mut subscriber = connect(server, db);
        let mut publisher = connect(server, db);
        let mut replies = Vec::new();
        send(&mut subscriber, &[b"SUBSCRIBE", b"news", b"sport", b"news"]);
        replies.extend(read_n(&mut subscriber, 3));
        send(&mut subscriber, &[b"PSUBSCRIBE", b"n*"]);
        replies.extend(read_n(&mut subscriber, 1));
        replies.push(publisher.command(&[b"PUBLISH", b"news", b"hello"]));
        replies.push(publisher.command(&[b"PUBLISH", b"nope", b"x"]));
        replies.push(publisher.command(&[b"PUBLISH", b"other", b"x"]));
        replies.extend(read_n(&mut subscriber, 3));
        replies.push(publisher.command(&[b"PUBSUB", b"NUMSUB", b"news", b"none"]));
        replies.push(publisher.command(&[b"PUBSUB", b"NUMPAT"]));
        replies.push(publisher.command(&[b"PUBSUB", b"CHANNELS", b"n*"]));
        send(&mut subscriber, &[b"GET", b"k"]);
        replies.extend(read_n(&mut subscriber, 1));
        send(&mut subscriber, &[b"PING"]);
        send(&mut subscriber, &[b"PING", b"hi"]);
        replies.extend(read_n(&mut subscriber, 2));
        send(&mut subscriber, &[b"UNSUBSCRIBE", b"sport", b"never"]);
        replies.extend(read_n(&mut subscriber, 2));
        send(&mut subscriber, &[b"PUNSUBSCRIBE"]);
        replies.extend(read_n(&mut subscriber, 1));
        send(&mut subscriber, &[b"UNSUBSCRIBE"]);
        replies.extend(read_n(&mut subscriber, 1));
        send(&mut subscriber, &[b"UNSUBSCRIBE"]);
        send(&mut subscriber, &[b"PUNSUBSCRIBE"]);
        replies.extend(read_n(&mut subscriber, 2));
        replies.push(subscriber.command(&[b"PING"]));
        replies.push(subscriber.command(&[b"GET", b"k"]));
        replies
    });
}

#[test]
fn resp3_subscribers_get_pushes_and_may_run_any_command() {
    differential(|server, db| {
        let mut subscriber = connect(server, db);
        let mut publisher = connect(server, db);
        let mut replies = Vec::new();
        let hello = subscriber.command(&[b"HELLO", b"3"]);
        replies.push(hello[..1].to_vec());
        send(&mut subscriber, &[b"SUBSCRIBE", b"c"]);
        replies.extend(read_n(&mut subscriber, 1));
        replies.push(subscriber.command(&[b"SET", b"k", b"v"]));
        replies.push(subscriber.command(&[b"PING"]));
        replies.push(publisher.command(&[b"PUBLISH", b"c", b"m"]));
        replies.extend(read_n(&mut subscriber, 1));
        // A client publishing to itself gets the message before the PUBLISH reply.
        send(&mut subscriber, &[b"PUBLISH", b"c", b"self"]);
        replies.extend(read_n(&mut subscriber, 2));
        send(&mut subscriber, &[b"UNSUBSCRIBE"]);
        replies.extend(read_n(&mut subscriber, 1));
        replies
    });
}

/// Redis sends pub/sub pushes even to a client whose replies are off (the Tcl suite's
/// "PubSub messages with CLIENT REPLY OFF"): confirmations and messages arrive, the
/// replies of other commands do not.
#[test]
fn pushes_arrive_with_replies_off() {
    differential(|server, db| {
        let mut subscriber = connect(server, db);
        let mut publisher = connect(server, db);
        let mut replies = Vec::new();
        let hello = subscriber.command(&[b"HELLO", b"3"]);
        replies.push(hello[..1].to_vec());
        send(&mut subscriber, &[b"CLIENT", b"REPLY", b"OFF"]);
        send(&mut subscriber, &[b"SET", b"silenced", b"1"]);
        send(&mut subscriber, &[b"SUBSCRIBE", b"channel"]);
        replies.extend(read_n(&mut subscriber, 1));
        send(&mut subscriber, &[b"PSUBSCRIBE", b"ch*"]);
        replies.extend(read_n(&mut subscriber, 1));
        replies.push(publisher.command(&[b"PUBLISH", b"channel", b"hello"]));
        replies.extend(read_n(&mut subscriber, 2));
        send(&mut subscriber, &[b"UNSUBSCRIBE", b"channel"]);
        send(&mut subscriber, &[b"PUNSUBSCRIBE", b"ch*"]);
        replies.extend(read_n(&mut subscriber, 2));
        send(&mut subscriber, &[b"CLIENT", b"REPLY", b"ON"]);
        replies.push(subscriber.command(&[b"GET", b"silenced"]));
        replies
    });
}

#[test]
fn shard_channels() {
    differential(|server, db| {
        let mut subscriber = connect(server, db);
        let mut publisher = connect(server, db);
        let mut replies = Vec::new();
        send(&mut subscriber, &[b"SSUBSCRIBE", b"s1"]);
        send(&mut subscriber, &[b"SUBSCRIBE", b"c1"]);
        replies.extend(read_n(&mut subscriber, 2));
        replies.push(publisher.command(&[b"SPUBLISH", b"s1", b"m"]));
        replies.push(publisher.command(&[b"PUBLISH", b"s1", b"m"]));
        replies.extend(read_n(&mut subscriber, 1));
        replies.push(publisher.command(&[b"PUBSUB", b"SHARDCHANNELS"]));
        replies.push(publisher.command(&[b"PUBSUB", b"SHARDNUMSUB", b"s1"]));
        send(&mut subscriber, &[b"SUNSUBSCRIBE"]);
        send(&mut subscriber, &[b"SUNSUBSCRIBE"]);
        replies.extend(read_n(&mut subscriber, 2));
        replies
    });
}

#[test]
fn pubsub_introspection_errors() {
    diff(
        r#"
        PUBLISH nobody hello
        PUBSUB CHANNELS
        PUBSUB CHANNELS * extra
        PUBSUB NUMSUB
        PUBSUB NUMPAT
        PUBSUB NUMPAT extra
        PUBSUB SHARDNUMSUB
        PUBSUB NOSUCH
        PUBLISH onlyone
        SUBSCRIBE
        "#,
    );
}

#[test]
fn one_publisher_a_hundred_subscribers_ten_thousand_messages_in_order() {
    let session = DiffSession::exclusive();
    let server = &servers().kvdb;
    const SUBSCRIBERS: usize = 100;
    const MESSAGES: usize = 10_000;
    let mut publisher = connect(server, 0);
    let readers: Vec<_> = (0..SUBSCRIBERS)
        .map(|_| {
            let mut conn = connect(server, 0);
            send(&mut conn, &[b"SUBSCRIBE", b"fanout"]);
            conn.read_reply();
            thread::spawn(move || {
                for n in 0..MESSAGES {
                    let reply = conn.read_reply();
                    let expected =
                        encode_command(&[b"message", b"fanout", n.to_string().as_bytes()]);
                    assert_eq!(reply, expected, "message {n} lost or out of order");
                }
            })
        })
        .collect();
    let mut pipeline = Vec::new();
    for n in 0..MESSAGES {
        pipeline.extend(encode_command(&[
            b"PUBLISH",
            b"fanout",
            n.to_string().as_bytes(),
        ]));
    }
    publisher.send_raw(&pipeline);
    for _ in 0..MESSAGES {
        assert_eq!(
            publisher.read_reply(),
            format!(":{SUBSCRIBERS}\r\n").into_bytes()
        );
    }
    for reader in readers {
        reader
            .join()
            .expect("every subscriber got every message in order");
    }
    drop(session);
}

#[test]
fn a_subscriber_that_stops_reading_is_disconnected() {
    let session = DiffSession::exclusive();
    let server = &servers().kvdb;
    let mut admin = connect(server, 0);
    admin.command(&[
        b"CONFIG",
        b"SET",
        b"client-output-buffer-limit",
        b"pubsub 1mb 256kb 60",
    ]);
    let mut slow = connect(server, 0);
    send(&mut slow, &[b"SUBSCRIBE", b"flood"]);
    slow.read_reply();
    let payload = vec![b'x'; 16 * 1024];
    let mut publisher = connect(server, 0);
    let started = Instant::now();
    // The slow subscriber reads nothing; the publisher never waits for it.
    for _ in 0..2_000 {
        publisher.command(&[b"PUBLISH", b"flood", &payload]);
    }
    assert!(started.elapsed() < Duration::from_secs(30));
    // Its connection is closed: reading reaches the end after whatever was written.
    slow.set_timeout(Duration::from_secs(10));
    let mut sink = Vec::new();
    let closed = slow
        .stream()
        .try_clone()
        .expect("clone")
        .read_to_end(&mut sink)
        .is_ok();
    assert!(closed, "the slow subscriber was not disconnected");
    assert!(
        sink.len() < 2_000 * payload.len(),
        "it received everything after all"
    );
    assert_eq!(publisher.command(&[b"PUBLISH", b"flood", b"x"]), b":0\r\n");
    admin.command(&[
        b"CONFIG",
        b"SET",
        b"client-output-buffer-limit",
        b"pubsub 32mb 8mb 60",
    ]);
    drop(session);
}
