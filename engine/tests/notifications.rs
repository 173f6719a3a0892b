//! Keyspace notifications in-process: which events a command publishes, in which
//! order, on which channels, and the expiry events on the engine clock.

mod common;

use common::{call, engine};
use kvdb_engine::{Engine, Reply, Session};

/// A session subscribed to every keyspace and keyevent channel, after `CONFIG SET
/// notify-keyspace-events classes` on another session.
fn listener(engine: &Engine, classes: &str) -> (Session, Session) {
    let mut admin = engine.session();
    assert_eq!(
        call(
            &mut admin,
            &["CONFIG", "SET", "notify-keyspace-events", classes]
        ),
        Reply::Ok
    );
    let mut subscriber = engine.session();
    call(&mut subscriber, &["PSUBSCRIBE", "__key*__:*"]);
    (admin, subscriber)
}

/// The `channel message` pairs waiting for `subscriber`, oldest first.
fn heard(subscriber: &Session) -> Vec<String> {
    let text = |reply: &Reply| match reply {
        Reply::Bulk(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        other => panic!("not a bulk: {other:?}"),
    };
    subscriber
        .mailbox()
        .map(|mailbox| mailbox.drain())
        .unwrap_or_default()
        .into_iter()
        .map(|mail| match mail.into_reply() {
            Reply::Push(items) if items.len() == 4 => {
                format!("{} {}", text(&items[2]), text(&items[3]))
            }
            other => panic!("not a pmessage: {other:?}"),
        })
        .collect()
}

#[test]
fn nothing_is_published_by_default() {
    let (engine, _) = engine();
    let mut subscriber = engine.session();
    call(&mut subscriber, &["PSUBSCRIBE", "*"]);
    let mut client = engine.session();
    call(&mut client, &["SET", "k", "v"]);
    call(&mut client, &["DEL", "k"]);
    assert!(heard(&subscriber).is_empty());
}

#[test]
fn an_event_goes_to_the_keyspace_channel_then_the_keyevent_channel() {
    let (engine, _) = engine();
    let (mut client, subscriber) = listener(&engine, "KEA");
    call(&mut client, &["SET", "k", "v"]);
    assert_eq!(
        heard(&subscriber),
        ["__keyspace@0__:k set", "__keyevent@0__:set k"]
    );
}

#[test]
fn only_enabled_classes_and_channels_are_published() {
    let (engine, _) = engine();
    let (mut client, subscriber) = listener(&engine, "El");
    call(&mut client, &["SET", "k", "v"]);
    call(&mut client, &["RPUSH", "l", "a"]);
    call(&mut client, &["DEL", "l"]);
    assert_eq!(heard(&subscriber), ["__keyevent@0__:rpush l"]);
}

#[test]
fn a_command_that_changes_nothing_publishes_nothing() {
    let (engine, _) = engine();
    let (mut client, subscriber) = listener(&engine, "KA");
    call(&mut client, &["SADD", "s", "a"]);
    heard(&subscriber);
    call(&mut client, &["SADD", "s", "a"]);
    call(&mut client, &["SREM", "s", "nope"]);
    call(&mut client, &["HDEL", "nohash", "f"]);
    call(&mut client, &["LPUSHX", "nolist", "x"]);
    call(&mut client, &["PERSIST", "s"]);
    call(&mut client, &["SETBIT", "s2", "0", "0"]);
    heard(&subscriber);
    call(&mut client, &["SETBIT", "s2", "0", "0"]);
    assert!(heard(&subscriber).is_empty());
}

#[test]
fn emptying_a_collection_publishes_its_event_then_del() {
    let (engine, _) = engine();
    let (mut client, subscriber) = listener(&engine, "KA");
    call(&mut client, &["RPUSH", "l", "a"]);
    call(&mut client, &["LPOP", "l"]);
    call(&mut client, &["ZADD", "z", "1", "m"]);
    call(&mut client, &["ZPOPMAX", "z"]);
    assert_eq!(
        heard(&subscriber),
        [
            "__keyspace@0__:l rpush",
            "__keyspace@0__:l lpop",
            "__keyspace@0__:l del",
            "__keyspace@0__:z zadd",
            "__keyspace@0__:z zpopmax",
            "__keyspace@0__:z del",
        ]
    );
}

#[test]
fn new_comes_before_the_commands_event_and_only_for_a_created_key() {
    let (engine, _) = engine();
    let (mut client, subscriber) = listener(&engine, "KEn$");
    call(&mut client, &["SET", "k", "v"]);
    call(&mut client, &["SET", "k", "w"]);
    assert_eq!(
        heard(&subscriber),
        [
            "__keyspace@0__:k new",
            "__keyevent@0__:new k",
            "__keyspace@0__:k set",
            "__keyevent@0__:set k",
            "__keyspace@0__:k set",
            "__keyevent@0__:set k",
        ]
    );
}

#[test]
fn a_key_found_expired_on_access_is_an_expired_event() {
    let (engine, clock) = engine();
    let (mut client, subscriber) = listener(&engine, "Ex");
    call(&mut client, &["SET", "k", "v", "PX", "100"]);
    clock.advance(200);
    assert_eq!(call(&mut client, &["GET", "k"]), Reply::Nil);
    assert_eq!(heard(&subscriber), ["__keyevent@0__:expired k"]);
}

#[test]
fn overwriting_an_expired_key_is_expired_then_new() {
    let (engine, clock) = engine();
    let (mut client, subscriber) = listener(&engine, "KA$n");
    call(&mut client, &["SET", "k", "v", "PX", "100"]);
    heard(&subscriber);
    clock.advance(200);
    call(&mut client, &["MSET", "k", "w"]);
    assert_eq!(
        heard(&subscriber),
        [
            "__keyspace@0__:k expired",
            "__keyspace@0__:k new",
            "__keyspace@0__:k set",
        ]
    );
}

#[test]
fn active_expiry_publishes_expired_events() {
    let (engine, clock) = engine();
    let (mut client, subscriber) = listener(&engine, "KEx");
    call(&mut client, &["SET", "a", "v", "PX", "100"]);
    call(&mut client, &["SELECT", "3"]);
    call(&mut client, &["SET", "b", "v", "PX", "100"]);
    clock.advance(200);
    assert_eq!(engine.expire_cycle(16), 2);
    let mut events = heard(&subscriber);
    events.sort();
    assert_eq!(
        events,
        [
            "__keyevent@0__:expired a",
            "__keyevent@3__:expired b",
            "__keyspace@0__:a expired",
            "__keyspace@3__:b expired",
        ]
    );
}

#[test]
fn a_read_that_misses_is_a_keymiss_but_not_a_write_nor_object() {
    let (engine, _) = engine();
    let (mut client, subscriber) = listener(&engine, "Em");
    call(&mut client, &["GET", "nope"]);
    call(&mut client, &["EXISTS", "nope2"]);
    call(&mut client, &["LPUSHX", "nope3", "x"]);
    call(&mut client, &["OBJECT", "ENCODING", "nope4"]);
    call(&mut client, &["DEL", "nope5"]);
    assert_eq!(
        heard(&subscriber),
        [
            "__keyevent@0__:keymiss nope",
            "__keyevent@0__:keymiss nope2"
        ]
    );
}

#[test]
fn copy_and_move_publish_in_the_destination_database() {
    let (engine, _) = engine();
    let (mut client, subscriber) = listener(&engine, "KEg");
    call(&mut client, &["SET", "k", "v"]);
    call(&mut client, &["COPY", "k", "c", "DB", "2"]);
    call(&mut client, &["MOVE", "k", "5"]);
    assert_eq!(
        heard(&subscriber),
        [
            "__keyspace@2__:c copy_to",
            "__keyevent@2__:copy_to c",
            "__keyspace@0__:k move_from",
            "__keyevent@0__:move_from k",
            "__keyspace@5__:k move_to",
            "__keyevent@5__:move_to k",
        ]
    );
}

#[test]
fn a_client_hears_its_own_events_where_redis_writes_them_around_the_reply() {
    let (engine, _) = engine();
    let mut admin = engine.session();
    call(
        &mut admin,
        &["CONFIG", "SET", "notify-keyspace-events", "E$l"],
    );
    let mut client = engine.session();
    call(&mut client, &["HELLO", "3"]);
    call(&mut client, &["PSUBSCRIBE", "__keyevent@0__:*"]);
    let run = |client: &mut Session, words: &[&str]| {
        let argv = words
            .iter()
            .map(|w| bytes::Bytes::copy_from_slice(w.as_bytes()))
            .collect();
        let mut out = bytes::BytesMut::new();
        client.execute_batch(&[argv], &mut out);
        String::from_utf8_lossy(&out).replace("\r\n", " ")
    };
    let push = |event: &str, key: &str| {
        format!(
            ">4 $8 pmessage $16 __keyevent@0__:* ${} __keyevent@0__:{event} ${} {key} ",
            15 + event.len(),
            key.len()
        )
    };
    // SET publishes, then answers; LPUSH answers, then publishes.
    assert_eq!(
        run(&mut client, &["SET", "k", "v"]),
        push("set", "k") + "+OK "
    );
    assert_eq!(
        run(&mut client, &["LPUSH", "l", "a"]),
        ":1 ".to_string() + &push("lpush", "l")
    );
}
