//! MULTI/EXEC/WATCH, one test per Redis rule, in-process with a manual clock.

mod common;

use common::{bulk, call, engine, error, status};
use kvdb_engine::Reply;

#[test]
fn commands_inside_multi_are_queued_and_run_by_exec() {
    let (engine, _) = engine();
    let mut s = engine.session();
    assert_eq!(call(&mut s, &["MULTI"]), Reply::Ok);
    assert_eq!(call(&mut s, &["SET", "k", "1"]), status("QUEUED"));
    assert_eq!(call(&mut s, &["INCR", "k"]), status("QUEUED"));
    assert_eq!(
        call(&mut s, &["EXEC"]),
        Reply::Array(vec![Reply::Ok, Reply::Int(2)])
    );
}

#[test]
fn a_queue_time_error_aborts_exec() {
    let (engine, _) = engine();
    let mut s = engine.session();
    call(&mut s, &["MULTI"]);
    call(&mut s, &["SET", "k", "1"]);
    call(&mut s, &["GET"]);
    assert_eq!(
        call(&mut s, &["EXEC"]),
        error("EXECABORT Transaction discarded because of previous errors.")
    );
    assert_eq!(call(&mut s, &["EXISTS", "k"]), Reply::Int(0));
}

#[test]
fn a_run_time_error_does_not_stop_the_other_commands() {
    let (engine, _) = engine();
    let mut s = engine.session();
    call(&mut s, &["SET", "k", "v"]);
    call(&mut s, &["MULTI"]);
    call(&mut s, &["LPUSH", "k", "x"]);
    call(&mut s, &["SET", "k", "w"]);
    assert_eq!(
        call(&mut s, &["EXEC"]),
        Reply::Array(vec![
            error("WRONGTYPE Operation against a key holding the wrong kind of value"),
            Reply::Ok
        ])
    );
    assert_eq!(call(&mut s, &["GET", "k"]), bulk("w"));
}

#[test]
fn a_write_by_another_client_spoils_a_watch() {
    let (engine, _) = engine();
    let mut s = engine.session();
    let mut other = engine.session();
    call(&mut s, &["WATCH", "k"]);
    call(&mut other, &["SET", "k", "1"]);
    call(&mut s, &["MULTI"]);
    call(&mut s, &["SET", "k", "2"]);
    assert_eq!(call(&mut s, &["EXEC"]), Reply::NilArray);
    assert_eq!(call(&mut s, &["GET", "k"]), bulk("1"));
}

#[test]
fn a_no_op_write_does_not_spoil_a_watch() {
    let (engine, _) = engine();
    let mut s = engine.session();
    let mut other = engine.session();
    call(&mut s, &["SADD", "set", "a"]);
    call(&mut s, &["WATCH", "set"]);
    call(&mut other, &["SADD", "set", "a"]);
    call(&mut s, &["MULTI"]);
    assert_eq!(call(&mut s, &["EXEC"]), Reply::Array(vec![]));
}

#[test]
fn expiry_of_a_watched_key_spoils_the_watch() {
    let (engine, clock) = engine();
    let mut s = engine.session();
    call(&mut s, &["SET", "k", "v", "PX", "100"]);
    call(&mut s, &["WATCH", "k"]);
    clock.advance(200);
    call(&mut s, &["MULTI"]);
    assert_eq!(call(&mut s, &["EXEC"]), Reply::NilArray);
}

#[test]
fn active_expiry_of_a_watched_key_spoils_the_watch() {
    let (engine, clock) = engine();
    let mut s = engine.session();
    call(&mut s, &["SET", "k", "v", "PX", "100"]);
    call(&mut s, &["WATCH", "k"]);
    clock.advance(200);
    engine.expire_cycle(100);
    call(&mut s, &["SET", "k", "again"]);
    call(&mut s, &["MULTI"]);
    assert_eq!(call(&mut s, &["EXEC"]), Reply::NilArray);
}

#[test]
fn the_deletion_of_a_key_already_expired_at_watch_time_is_no_change() {
    let (engine, clock) = engine();
    let mut s = engine.session();
    call(&mut s, &["SET", "k", "v", "PX", "100"]);
    clock.advance(200);
    call(&mut s, &["WATCH", "k"]);
    engine.expire_cycle(100);
    call(&mut s, &["MULTI"]);
    assert_eq!(call(&mut s, &["EXEC"]), Reply::Array(vec![]));
}

#[test]
fn flushall_spoils_the_watch_of_an_existing_key() {
    let (engine, _) = engine();
    let mut s = engine.session();
    call(&mut s, &["SET", "k", "v"]);
    call(&mut s, &["WATCH", "k"]);
    call(&mut s, &["FLUSHALL"]);
    call(&mut s, &["MULTI"]);
    assert_eq!(call(&mut s, &["EXEC"]), Reply::NilArray);
}

#[test]
fn a_disconnected_client_leaves_no_watch_behind() {
    let (engine, _) = engine();
    {
        let mut s = engine.session();
        call(&mut s, &["WATCH", "k"]);
    }
    let mut other = engine.session();
    call(&mut other, &["SET", "k", "1"]);
    assert!(engine.with_store(|store| store.keyspace.watches.is_empty()));
}
