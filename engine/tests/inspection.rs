//! Reading the engine's state directly, and forking a fixture: what a test asserts on
//! without going through commands.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::call;
use kvdb_engine::{Engine, InspectedValue, Reply};

fn b(text: &str) -> Bytes {
    Bytes::copy_from_slice(text.as_bytes())
}

#[test]
fn inspect_reads_each_type_and_its_ttl() {
    let engine = Engine::new();
    engine.set_time(1_700_000_000_000);
    let mut s = engine.session();
    call(&mut s, &["RPUSH", "l", "a", "b"]);
    call(&mut s, &["HSET", "h", "f", "v"]);
    call(&mut s, &["SADD", "s", "3", "1"]);
    call(&mut s, &["ZADD", "z", "2", "x", "1", "y"]);
    call(&mut s, &["SET", "str", "v", "PX", "5000"]);
    let value = |key: &str| engine.inspect(0, key.as_bytes()).map(|i| i.value);
    assert_eq!(value("l"), Some(InspectedValue::List(vec![b("a"), b("b")])));
    assert_eq!(
        value("h"),
        Some(InspectedValue::Hash(vec![(b("f"), b("v"))]))
    );
    assert_eq!(value("s"), Some(InspectedValue::Set(vec![b("1"), b("3")])));
    assert_eq!(
        value("z"),
        Some(InspectedValue::ZSet(vec![(b("y"), 1.0), (b("x"), 2.0)]))
    );
    assert_eq!(engine.inspect(0, b"str").and_then(|i| i.ttl_ms), Some(5000));
    engine.advance(Duration::from_secs(5));
    assert_eq!(engine.inspect(0, b"str"), None);
    let mut keys = engine.keys(0);
    keys.sort();
    assert_eq!(keys, vec![b("h"), b("l"), b("s"), b("z")]);
}

#[test]
fn a_fork_starts_from_the_same_data_and_then_lives_apart() {
    let fixture = Engine::new();
    let mut s = fixture.session();
    call(&mut s, &["SET", "shared", "1"]);
    let fork = fixture.fork();
    let mut f = fork.session();
    assert_eq!(call(&mut f, &["GET", "shared"]), Reply::bulk("1"));
    call(&mut f, &["SET", "shared", "2"]);
    assert_eq!(call(&mut s, &["GET", "shared"]), Reply::bulk("1"));
}
