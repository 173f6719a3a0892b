//! Connection and server commands, in-process.

mod common;

use common::{bulk, call, error, status};
use kvdb_engine::{Config, Engine, Protocol, Reply};

#[test]
fn ping_and_echo() {
    let (mut s, _) = common::session();
    assert_eq!(call(&mut s, &["PING"]), status("PONG"));
    assert_eq!(call(&mut s, &["PING", "hi"]), bulk("hi"));
    assert_eq!(
        call(&mut s, &["PING", "a", "b"]),
        error("ERR wrong number of arguments for 'ping' command")
    );
    assert_eq!(call(&mut s, &["ECHO", "x"]), bulk("x"));
}

#[test]
fn hello_switches_protocol_and_describes_the_server() {
    let (mut s, _) = common::session();
    let Reply::Map(fields) = call(&mut s, &["HELLO", "3"]) else {
        panic!("HELLO answers a map");
    };
    assert_eq!(fields[0], (bulk("server"), bulk("redis")));
    assert_eq!(fields[1], (bulk("version"), bulk("7.0.15")));
    assert_eq!(fields[2], (bulk("proto"), Reply::Int(3)));
    assert_eq!(s.protocol(), Protocol::Resp3);
    assert_eq!(
        call(&mut s, &["HELLO", "4"]),
        error("NOPROTO unsupported protocol version")
    );
    assert_eq!(
        call(&mut s, &["HELLO", "x"]),
        error("ERR Protocol version is not an integer or out of range")
    );
    assert_eq!(
        call(&mut s, &["HELLO", "2", "FOO"]),
        error("ERR Syntax error in HELLO option 'FOO'")
    );
}

fn engine_with_password() -> Engine {
    let mut config = Config::default();
    config
        .set(&[(b"requirepass".as_slice(), b"secret".as_slice())])
        .expect("requirepass is settable");
    Engine::builder().config(config).build()
}

#[test]
fn requirepass_demands_auth() {
    let engine = engine_with_password();
    let mut s = engine.session();
    assert_eq!(
        call(&mut s, &["GET", "k"]),
        error("NOAUTH Authentication required.")
    );
    assert_eq!(
        call(&mut s, &["AUTH", "wrong"]),
        error("WRONGPASS invalid username-password pair or user is disabled.")
    );
    assert_eq!(call(&mut s, &["AUTH", "secret"]), Reply::Ok);
    assert_eq!(call(&mut s, &["GET", "k"]), Reply::Nil);
    assert_eq!(call(&mut s, &["RESET"]), status("RESET"));
    assert_eq!(
        call(&mut s, &["GET", "k"]),
        error("NOAUTH Authentication required.")
    );
    assert_eq!(call(&mut s, &["AUTH", "default", "secret"]), Reply::Ok);
}

#[test]
fn auth_without_a_password_configured_is_an_error() {
    let (mut s, _) = common::session();
    assert_eq!(
        call(&mut s, &["AUTH", "x"]),
        error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
    );
    assert_eq!(call(&mut s, &["AUTH", "default", "anything"]), Reply::Ok);
}

#[test]
fn client_names_follow_redis_charset() {
    let (mut s, _) = common::session();
    assert_eq!(call(&mut s, &["CLIENT", "GETNAME"]), Reply::Nil);
    assert_eq!(call(&mut s, &["CLIENT", "SETNAME", "worker-1"]), Reply::Ok);
    assert_eq!(call(&mut s, &["CLIENT", "GETNAME"]), bulk("worker-1"));
    assert_eq!(
        call(&mut s, &["CLIENT", "SETNAME", "a b"]),
        error("ERR Client names cannot contain spaces, newlines or special characters.")
    );
    assert_eq!(
        call(&mut s, &["CLIENT", "SETINFO", "LIB-NAME", "redis-py"]),
        Reply::Ok
    );
    let Reply::Verbatim(_, line) = call(&mut s, &["CLIENT", "INFO"]) else {
        panic!("CLIENT INFO answers text");
    };
    let line = String::from_utf8(line.to_vec()).unwrap();
    assert!(line.contains(" name=worker-1 "), "{line}");
    assert!(line.contains("lib-name=redis-py"), "{line}");
}

#[test]
fn client_list_shows_every_session() {
    let (engine, _) = common::engine();
    let mut a = engine.session();
    let _b = engine.session();
    let Reply::Verbatim(_, text) = call(&mut a, &["CLIENT", "LIST"]) else {
        panic!("CLIENT LIST answers text");
    };
    assert_eq!(String::from_utf8_lossy(&text).lines().count(), 2);
}

#[test]
fn info_has_the_fields_clients_read() {
    let (mut s, _) = common::session();
    call(&mut s, &["SET", "k", "v", "EX", "100"]);
    let Reply::Verbatim(_, text) = call(&mut s, &["INFO"]) else {
        panic!("INFO answers text");
    };
    let text = String::from_utf8(text.to_vec()).unwrap();
    for field in [
        "redis_version:7.0.15\r\n",
        "loading:0\r\n",
        "role:master\r\n",
        "connected_clients:1\r\n",
        "db0:keys=1,expires=1,avg_ttl=0\r\n",
        "# Keyspace\r\n",
    ] {
        assert!(text.contains(field), "INFO lacks {field:?}:\n{text}");
    }
    assert!(text.contains("used_memory:"));
    assert!(!text.contains("# Commandstats"));
}

#[test]
fn info_commandstats_counts_calls() {
    let (mut s, _) = common::session();
    call(&mut s, &["GET", "k"]);
    call(&mut s, &["GET"]);
    let Reply::Verbatim(_, text) = call(&mut s, &["INFO", "commandstats"]) else {
        panic!("INFO answers text");
    };
    let text = String::from_utf8(text.to_vec()).unwrap();
    assert!(text.contains("cmdstat_get:calls=1,"), "{text}");
    assert!(text.contains("rejected_calls=1,failed_calls=0"), "{text}");
}

#[test]
fn time_uses_the_engine_clock() {
    let (mut s, _) = common::session();
    assert_eq!(
        call(&mut s, &["TIME"]),
        Reply::Array(vec![bulk("1700000000"), bulk("0")])
    );
}

#[test]
fn command_count_matches_the_table() {
    let (mut s, _) = common::session();
    let Reply::Int(count) = call(&mut s, &["COMMAND", "COUNT"]) else {
        panic!("COMMAND COUNT answers an integer");
    };
    assert_eq!(count as usize, kvdb_engine::command::table().all.len());
    let Reply::Array(info) = call(&mut s, &["COMMAND", "INFO", "get", "nope"]) else {
        panic!("COMMAND INFO answers an array");
    };
    assert_eq!(info[1], Reply::Nil);
}
