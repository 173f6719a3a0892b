//! CLIENT PAUSE in-process: a held command runs when the pause is lifted or ends on
//! the engine clock, a pipeline stops at the held command, and expiry holds still.

mod common;

use std::thread;
use std::time::Duration;

use bytes::BytesMut;
use common::{argv, bulk, call, engine, error};
use kvdb_engine::Reply;

fn held_clients(engine: &kvdb_engine::Engine) -> usize {
    engine.with_store(|store| store.keyspace.pause().postponed_len())
}

#[test]
fn a_held_write_runs_once_the_pause_is_lifted() {
    let (engine, _) = engine();
    let mut admin = engine.session();
    let mut writer = engine.session();
    assert_eq!(
        call(&mut admin, &["CLIENT", "PAUSE", "60000", "WRITE"]),
        Reply::Ok
    );
    let handle = thread::spawn(move || call(&mut writer, &["SET", "k", "v"]));
    while held_clients(&engine) == 0 {
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(call(&mut admin, &["GET", "k"]), Reply::Nil);
    assert_eq!(call(&mut admin, &["CLIENT", "UNPAUSE"]), Reply::Ok);
    assert_eq!(handle.join().expect("writer thread"), Reply::Ok);
    assert_eq!(call(&mut admin, &["GET", "k"]), bulk("v"));
}

#[test]
fn a_pipeline_stops_at_the_held_command_until_the_pause_ends_on_the_clock() {
    let (engine, clock) = engine();
    let mut admin = engine.session();
    let mut client = engine.session();
    call(&mut admin, &["CLIENT", "PAUSE", "1000", "WRITE"]);
    let mut out = BytesMut::new();
    let batch = [
        argv(&["PING"]),
        argv(&["SET", "k", "v"]),
        argv(&["GET", "k"]),
    ];
    assert_eq!(client.execute_batch(&batch, &mut out), 1);
    assert_eq!(&out[..], b"+PONG\r\n");
    let (_, remaining) = client.pause_wait().expect("held by the pause");
    assert_eq!(remaining, Some(Duration::from_millis(1001)));
    clock.advance(1000);
    assert_eq!(
        client.execute_batch(&batch[1..], &mut out),
        0,
        "still paused"
    );
    assert!(client.pause_wait().is_some());
    clock.advance(1);
    assert_eq!(client.execute_batch(&batch[1..], &mut out), 2);
    assert_eq!(&out[..], b"+PONG\r\n+OK\r\n$1\r\nv\r\n");
    assert!(client.pause_wait().is_none());
}

#[test]
fn an_all_pause_holds_reads_and_commands_refused_anyway_are_answered() {
    let (engine, _) = engine();
    let mut admin = engine.session();
    let mut client = engine.session();
    call(&mut admin, &["CLIENT", "PAUSE", "1000", "ALL"]);
    let mut out = BytesMut::new();
    let batch = [argv(&["GET"]), argv(&["NOSUCH"]), argv(&["GET", "k"])];
    assert_eq!(client.execute_batch(&batch, &mut out), 2);
    assert!(out.starts_with(b"-ERR wrong number of arguments for 'get' command\r\n"));
    assert!(client.pause_wait().is_some());
    assert_eq!(held_clients(&engine), 1);
    drop(client);
    assert_eq!(
        held_clients(&engine),
        0,
        "a client that leaves is forgotten"
    );
}

#[test]
fn expired_keys_stay_while_paused_and_go_after() {
    let (engine, clock) = engine();
    let mut s = engine.session();
    call(&mut s, &["SET", "k", "v", "PX", "10"]);
    call(&mut s, &["CLIENT", "PAUSE", "60000", "WRITE"]);
    clock.advance(20);
    assert_eq!(engine.expire_cycle(16), 0);
    assert_eq!(call(&mut s, &["GET", "k"]), Reply::Nil);
    assert_eq!(call(&mut s, &["EXISTS", "k"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["DBSIZE"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["RANDOMKEY"]), Reply::Nil, "no endless draw");
    call(&mut s, &["CLIENT", "UNPAUSE"]);
    assert_eq!(call(&mut s, &["GET", "k"]), Reply::Nil);
    assert_eq!(call(&mut s, &["DBSIZE"]), Reply::Int(0));
}

#[test]
fn pause_errors_are_redis_s() {
    let (engine, _) = engine();
    let mut s = engine.session();
    assert_eq!(
        call(&mut s, &["CLIENT", "PAUSE", "10", "READ"]),
        error("ERR CLIENT PAUSE mode must be WRITE or ALL")
    );
    assert_eq!(
        call(&mut s, &["CLIENT", "PAUSE", "x"]),
        error("ERR timeout is not an integer or out of range")
    );
    assert_eq!(
        call(&mut s, &["CLIENT", "PAUSE", "-5", "ALL"]),
        error("ERR timeout is negative")
    );
}
