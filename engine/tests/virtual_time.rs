//! Virtual time in-process: `Engine::advance` expires what became due, answers
//! blocked clients past their deadline and moves TIME and TTLs, without sleeping.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::call;
use kvdb_engine::{Engine, Reply};

#[test]
fn advance_expires_due_keys_without_touching_them() {
    let engine = Engine::builder().seed(3).build();
    let mut s = engine.session();
    engine.set_time(1_700_000_000_000);
    for n in 0..1000 {
        call(
            &mut s,
            &["SET", &format!("k{n}"), "v", "PX", &(n + 1).to_string()],
        );
    }
    call(&mut s, &["SET", "keep", "v"]);
    engine.advance(Duration::from_millis(500));
    assert_eq!(call(&mut s, &["DBSIZE"]), Reply::Int(501));
    engine.advance(Duration::from_millis(500));
    assert_eq!(call(&mut s, &["DBSIZE"]), Reply::Int(1));
}

#[test]
fn advance_moves_ttls_and_time() {
    let engine = Engine::new();
    let mut s = engine.session();
    engine.set_time(1_700_000_000_000);
    call(&mut s, &["SET", "k", "v", "EX", "100"]);
    engine.advance(Duration::from_secs(40));
    assert_eq!(call(&mut s, &["TTL", "k"]), Reply::Int(60));
    assert_eq!(
        call(&mut s, &["TIME"]),
        Reply::Array(vec![Reply::bulk("1700000040"), Reply::bulk("0")])
    );
}

#[test]
fn advance_times_out_blocked_clients() {
    let engine = Engine::new();
    engine.set_time(1_700_000_000_000);
    let mut waiter = engine.session();
    let mut out = bytes::BytesMut::new();
    let blpop: Vec<Bytes> = ["BLPOP", "q", "10"]
        .iter()
        .map(|w| Bytes::from_static(w.as_bytes()))
        .collect();
    waiter.execute_batch(&[blpop], &mut out);
    engine.advance(Duration::from_secs(9));
    assert_eq!(waiter.finish_block(), None);
    engine.advance(Duration::from_secs(1));
    assert_eq!(waiter.finish_block(), Some(Reply::NilArray));
}
