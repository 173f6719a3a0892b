//! End-to-end tests with redis-rs, the Rust client services use, against an in-process
//! `kvdb::Server` on an ephemeral port (which also exercises the embedding API).

use std::sync::Arc;

use kvdb::{Engine, ManualClock, Server};
use redis::Commands;

fn server() -> Server {
    Server::start(Engine::new()).expect("server starts")
}

fn connect(server: &Server) -> redis::Connection {
    redis::Client::open(format!("redis://{}", server.addr()))
        .expect("valid url")
        .get_connection()
        .expect("connects")
}

#[test]
fn strings_round_trip() {
    let server = server();
    let mut con = connect(&server);
    let _: () = con.set("greeting", "hello").unwrap();
    let value: String = con.get("greeting").unwrap();
    assert_eq!(value, "hello");
    let missing: Option<String> = con.get("missing").unwrap();
    assert_eq!(missing, None);
    let n: i64 = con.incr("counter", 5).unwrap();
    assert_eq!(n, 5);
    let f: f64 = con.incr("float", 1.5).unwrap();
    assert_eq!(f, 1.5);
    let values: Vec<Option<String>> = con.mget(&["greeting", "missing"]).unwrap();
    assert_eq!(values, vec![Some("hello".to_string()), None]);
}

#[test]
fn binary_values_survive() {
    let server = server();
    let mut con = connect(&server);
    let value = vec![0u8, 255, b'\r', b'\n', 7];
    let _: () = con.set(&value[..], &value[..]).unwrap();
    let back: Vec<u8> = con.get(&value[..]).unwrap();
    assert_eq!(back, value);
}

#[test]
fn pipelines_keep_order() {
    let server = server();
    let mut con = connect(&server);
    let mut pipe = redis::pipe();
    for n in 0..100 {
        pipe.set(format!("k{n}"), n).ignore();
    }
    for n in 0..100 {
        pipe.get(format!("k{n}"));
    }
    let values: Vec<i64> = pipe.query(&mut con).unwrap();
    assert_eq!(values, (0..100).collect::<Vec<_>>());
}

#[test]
fn errors_arrive_as_server_errors() {
    let server = server();
    let mut con = connect(&server);
    let _: () = con.set("s", "text").unwrap();
    let error = con.incr::<_, _, i64>("s", 1).unwrap_err();
    assert_eq!(error.code(), Some("ERR"));
    assert!(error
        .to_string()
        .contains("value is not an integer or out of range"));
    let unknown: redis::RedisResult<()> = redis::cmd("NOSUCH").query(&mut con);
    assert!(unknown
        .unwrap_err()
        .to_string()
        .contains("unknown command 'NOSUCH'"));
}

#[test]
fn expiry_follows_the_engine_clock() {
    let clock = Arc::new(ManualClock::starting_now());
    let server = Server::start(Engine::builder().clock(clock.clone()).build()).unwrap();
    let mut con = connect(&server);
    let _: () = con.set_ex("session", "data", 30).unwrap();
    let ttl: i64 = con.ttl("session").unwrap();
    assert_eq!(ttl, 30);
    clock.advance(30_000);
    let gone: Option<String> = con.get("session").unwrap();
    assert_eq!(gone, None);
}

#[test]
fn select_isolates_databases() {
    let server = server();
    let mut db0 = connect(&server);
    let mut db3 = redis::Client::open(format!("redis://{}/3", server.addr()))
        .unwrap()
        .get_connection()
        .unwrap();
    let _: () = db3.set("k", "three").unwrap();
    let in_db0: Option<String> = db0.get("k").unwrap();
    assert_eq!(in_db0, None);
    let size: i64 = redis::cmd("DBSIZE").query(&mut db3).unwrap();
    assert_eq!(size, 1);
}

#[test]
fn scan_iter_sees_every_key() {
    let server = server();
    let mut con = connect(&server);
    for n in 0..300 {
        let _: () = con.set(format!("item:{n}"), n).unwrap();
    }
    let mut keys: Vec<String> = con
        .scan_match::<_, String>("item:*")
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 300);
}

#[test]
fn server_stops_when_dropped() {
    let server = server();
    let addr = server.addr();
    drop(server);
    assert!(std::net::TcpStream::connect(addr).is_err());
}
