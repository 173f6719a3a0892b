//! Client-side caching in-process: invalidations reach tracking sessions' mailboxes,
//! expiry on the engine clock counts as a change, the cron keeps the key limit, and a
//! redirection target that never subscribed still gets its messages.

mod common;

use bytes::BytesMut;
use common::{call, engine};
use kvdb_engine::{Protocol, Reply, Session};

/// What waits for `session`, written for its protocol (pushes included).
fn delivered(session: &mut Session) -> String {
    let mut out = BytesMut::new();
    session.deliver_messages(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A RESP3 session with tracking on, with `options` after `CLIENT TRACKING on`.
fn tracking_session(engine: &kvdb_engine::Engine, options: &[&str]) -> Session {
    let mut session = engine.session();
    call(&mut session, &["HELLO", "3"]);
    let mut words = vec!["CLIENT", "TRACKING", "on"];
    words.extend(options);
    assert_eq!(call(&mut session, &words), Reply::Ok);
    session
}

#[test]
fn a_read_key_is_invalidated_once_when_another_client_changes_it() {
    let (engine, _) = engine();
    let mut reader = tracking_session(&engine, &[]);
    let mut writer = engine.session();
    call(&mut reader, &["GET", "k"]);
    call(&mut writer, &["SET", "k", "1"]);
    call(&mut writer, &["SET", "k", "2"]);
    assert_eq!(
        delivered(&mut reader),
        ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"
    );
}

#[test]
fn expiry_on_the_engine_clock_invalidates_a_read_key() {
    let (engine, _) = engine();
    let mut reader = tracking_session(&engine, &[]);
    let mut writer = engine.session();
    call(&mut writer, &["SET", "k", "1", "PX", "500"]);
    call(&mut reader, &["GET", "k"]);
    engine.advance(std::time::Duration::from_secs(1));
    assert_eq!(
        delivered(&mut reader),
        ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"
    );
}

#[test]
fn broadcast_clients_hear_after_each_command_in_process() {
    let (engine, _) = engine();
    let mut listener = tracking_session(&engine, &["BCAST", "PREFIX", "user:"]);
    let mut writer = engine.session();
    call(
        &mut writer,
        &["MSET", "user:2", "a", "user:1", "b", "other", "c"],
    );
    assert_eq!(
        delivered(&mut listener),
        ">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n"
    );
}

#[test]
fn a_redirection_target_that_never_subscribed_gets_the_messages() {
    let (engine, _) = engine();
    let mut target = engine.session();
    call(&mut target, &["HELLO", "3"]);
    assert!(target.mailbox().is_none());
    let id = target.id().to_string();
    let mut reader = engine.session();
    call(&mut reader, &["CLIENT", "TRACKING", "on", "REDIRECT", &id]);
    call(&mut reader, &["GET", "k"]);
    call(&mut engine.session(), &["DEL", "k"]);
    call(&mut engine.session(), &["SET", "k", "v"]);
    assert_eq!(target.protocol(), Protocol::Resp3);
    assert_eq!(
        delivered(&mut target),
        ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"
    );
}

#[test]
fn the_cron_keeps_the_key_limit() {
    let (engine, _) = engine();
    let mut reader = tracking_session(&engine, &[]);
    call(&mut reader, &["MGET", "a", "b", "c"]);
    call(
        &mut engine.session(),
        &["CONFIG", "SET", "tracking-table-max-keys", "1"],
    );
    engine.expire_cycle(16);
    assert_eq!(delivered(&mut reader).matches("invalidate").count(), 2);
    let counts = engine.with_store(|store| store.keyspace.tracking.counts());
    assert_eq!(counts, (1, 1, 1, 0));
}

#[test]
fn a_fork_has_no_tracking_clients() {
    let (engine, _) = engine();
    let mut reader = tracking_session(&engine, &[]);
    call(&mut reader, &["GET", "k"]);
    let fork = engine.fork();
    let counts = fork.with_store(|store| store.keyspace.tracking.counts());
    assert_eq!(counts, (0, 0, 0, 0));
}

#[test]
fn reset_turns_tracking_off() {
    let (engine, _) = engine();
    let mut reader = tracking_session(&engine, &[]);
    call(&mut reader, &["GET", "k"]);
    call(&mut reader, &["RESET"]);
    call(&mut engine.session(), &["SET", "k", "v"]);
    assert_eq!(delivered(&mut reader), "");
    assert_eq!(call(&mut reader, &["CLIENT", "GETREDIR"]), Reply::Int(-1));
}
