//! Blocking pops in-process: serving, timeouts on the engine clock, and the rule that
//! an element popped for a client that never receives it goes back to its list.

mod common;

use std::thread;
use std::time::Duration;

use bytes::BytesMut;
use common::{argv, bulk, call, engine};
use kvdb_engine::Reply;

#[test]
fn a_blocked_caller_is_served_by_another_sessions_push() {
    let (engine, _) = engine();
    let mut waiter = engine.session();
    let handle = thread::spawn(move || call(&mut waiter, &["BLPOP", "q", "0"]));
    let mut pusher = engine.session();
    while engine.with_store(|store| store.keyspace.blocking.is_empty()) {
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(call(&mut pusher, &["RPUSH", "q", "x"]), Reply::Int(1));
    assert_eq!(call(&mut pusher, &["LLEN", "q"]), Reply::Int(0));
    assert_eq!(
        handle.join().expect("waiter thread"),
        Reply::Array(vec![bulk("q"), bulk("x")])
    );
}

#[test]
fn a_deadline_passed_on_the_engine_clock_times_the_client_out() {
    let (engine, clock) = engine();
    let mut waiter = engine.session();
    let mut out = BytesMut::new();
    waiter.execute_batch(&[argv(&["BLPOP", "q", "5"])], &mut out);
    assert!(out.is_empty());
    clock.advance(4_999);
    engine.expire_cycle(1);
    assert_eq!(waiter.finish_block(), None);
    clock.advance(1);
    engine.expire_cycle(1);
    assert_eq!(waiter.finish_block(), Some(Reply::NilArray));
}

#[test]
fn an_element_popped_for_a_client_that_leaves_goes_back() {
    let (engine, _) = engine();
    let mut waiter = engine.session();
    let mut out = BytesMut::new();
    waiter.execute_batch(&[argv(&["BRPOP", "q", "0"])], &mut out);
    let mut pusher = engine.session();
    call(&mut pusher, &["RPUSH", "q", "a", "b"]);
    assert_eq!(
        call(&mut pusher, &["LRANGE", "q", "0", "-1"]),
        Reply::Array(vec![bulk("a")])
    );
    drop(waiter);
    assert_eq!(
        call(&mut pusher, &["LRANGE", "q", "0", "-1"]),
        Reply::Array(vec![bulk("a"), bulk("b")])
    );
}

#[test]
fn a_returned_element_goes_to_the_next_waiter() {
    let (engine, _) = engine();
    let mut leaving = engine.session();
    let mut staying = engine.session();
    let mut out = BytesMut::new();
    leaving.execute_batch(&[argv(&["BLPOP", "q", "0"])], &mut out);
    staying.execute_batch(&[argv(&["BLPOP", "q", "0"])], &mut out);
    let mut pusher = engine.session();
    call(&mut pusher, &["RPUSH", "q", "only"]);
    drop(leaving);
    assert_eq!(
        staying.finish_block(),
        Some(Reply::Array(vec![bulk("q"), bulk("only")]))
    );
}

#[test]
fn a_delivered_reply_is_not_returned() {
    let (engine, _) = engine();
    let mut waiter = engine.session();
    let mut out = BytesMut::new();
    waiter.execute_batch(&[argv(&["BLPOP", "q", "0"])], &mut out);
    let mut pusher = engine.session();
    call(&mut pusher, &["RPUSH", "q", "x"]);
    assert!(waiter.finish_block().is_some());
    waiter.reply_delivered();
    drop(waiter);
    assert_eq!(call(&mut pusher, &["EXISTS", "q"]), Reply::Int(0));
}

#[test]
fn a_sorted_set_member_popped_for_a_client_that_leaves_goes_back_with_its_score() {
    let (engine, _) = engine();
    let mut waiter = engine.session();
    let mut out = BytesMut::new();
    waiter.execute_batch(&[argv(&["BZPOPMIN", "z", "0"])], &mut out);
    let mut writer = engine.session();
    call(&mut writer, &["ZADD", "z", "1.5", "m"]);
    assert_eq!(call(&mut writer, &["EXISTS", "z"]), Reply::Int(0));
    drop(waiter);
    assert_eq!(call(&mut writer, &["ZSCORE", "z", "m"]), Reply::Double(1.5));
}
