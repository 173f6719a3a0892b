//! The keyspace family and expiry, one test per Redis rule, in-process with a manual
//! clock (no sleeps).

mod common;

use common::{bulk, call, error, session, status};
use kvdb_engine::Reply;

#[test]
fn ttl_is_minus_two_for_missing_and_minus_one_without_ttl() {
    let (mut s, _) = session();
    assert_eq!(call(&mut s, &["TTL", "k"]), Reply::Int(-2));
    call(&mut s, &["SET", "k", "v"]);
    assert_eq!(call(&mut s, &["TTL", "k"]), Reply::Int(-1));
    assert_eq!(call(&mut s, &["PTTL", "k"]), Reply::Int(-1));
    assert_eq!(call(&mut s, &["EXPIRETIME", "k"]), Reply::Int(-1));
}

#[test]
fn ttl_rounds_to_the_nearest_second() {
    let (mut s, clock) = session();
    call(&mut s, &["SET", "k", "v", "PX", "10000"]);
    clock.advance(400);
    assert_eq!(call(&mut s, &["TTL", "k"]), Reply::Int(10));
    clock.advance(200);
    assert_eq!(call(&mut s, &["TTL", "k"]), Reply::Int(9));
}

#[test]
fn expire_in_the_past_deletes_the_key() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "k", "v"]);
    assert_eq!(call(&mut s, &["EXPIRE", "k", "-1"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["EXISTS", "k"]), Reply::Int(0));
}

#[test]
fn expire_of_a_missing_key_is_zero() {
    let (mut s, _) = session();
    assert_eq!(call(&mut s, &["EXPIRE", "k", "10"]), Reply::Int(0));
}

#[test]
fn expire_options_follow_redis() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "k", "v"]);
    assert_eq!(call(&mut s, &["EXPIRE", "k", "100", "XX"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["EXPIRE", "k", "100", "GT"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["EXPIRE", "k", "100", "NX"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["EXPIRE", "k", "200", "NX"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["EXPIRE", "k", "50", "GT"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["EXPIRE", "k", "150", "GT"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["EXPIRE", "k", "160", "LT"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["EXPIRE", "k", "10", "LT"]), Reply::Int(1));
    assert_eq!(
        call(&mut s, &["EXPIRE", "k", "10", "NX", "XX"]),
        error("ERR NX and XX, GT or LT options at the same time are not compatible")
    );
    assert_eq!(
        call(&mut s, &["EXPIRE", "k", "10", "GT", "LT"]),
        error("ERR GT and LT options at the same time are not compatible")
    );
    assert_eq!(
        call(&mut s, &["EXPIRE", "k", "10", "FOO"]),
        error("ERR Unsupported option FOO")
    );
}

#[test]
fn expire_overflow_is_an_invalid_expire_time() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "k", "v"]);
    assert_eq!(
        call(&mut s, &["EXPIRE", "k", "9223372036854775807"]),
        error("ERR invalid expire time in 'expire' command")
    );
}

#[test]
fn persist_removes_the_ttl() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "k", "v", "EX", "10"]);
    assert_eq!(call(&mut s, &["PERSIST", "k"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["PERSIST", "k"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["TTL", "k"]), Reply::Int(-1));
}

#[test]
fn expired_keys_are_invisible_to_every_command() {
    let (mut s, clock) = session();
    call(&mut s, &["SET", "k", "v", "PX", "100"]);
    clock.advance(100);
    assert_eq!(call(&mut s, &["EXISTS", "k"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["KEYS", "*"]), Reply::Array(vec![]));
    assert_eq!(call(&mut s, &["TYPE", "k"]), status("none"));
    assert_eq!(call(&mut s, &["RANDOMKEY"]), Reply::Nil);
    assert_eq!(call(&mut s, &["APPEND", "k", "x"]), Reply::Int(1));
}

#[test]
fn active_expiry_collects_keys_nobody_reads() {
    let (engine, clock) = common::engine();
    let mut s = engine.session();
    for n in 0..100 {
        call(&mut s, &["SET", &format!("k{n}"), "v", "PX", "50"]);
    }
    call(&mut s, &["SET", "live", "v"]);
    clock.advance(60);
    while engine.expire_cycle(100) > 0 {}
    assert_eq!(call(&mut s, &["DBSIZE"]), Reply::Int(1));
}

#[test]
fn del_counts_only_existing_keys() {
    let (mut s, _) = session();
    call(&mut s, &["MSET", "a", "1", "b", "2"]);
    assert_eq!(call(&mut s, &["DEL", "a", "b", "c", "a"]), Reply::Int(2));
    assert_eq!(call(&mut s, &["UNLINK", "a"]), Reply::Int(0));
}

#[test]
fn exists_counts_repeated_keys() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "a", "1"]);
    assert_eq!(call(&mut s, &["EXISTS", "a", "a", "b"]), Reply::Int(2));
}

#[test]
fn rename_carries_the_ttl() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "a", "1", "EX", "100"]);
    assert_eq!(call(&mut s, &["RENAME", "a", "b"]), Reply::Ok);
    assert_eq!(call(&mut s, &["TTL", "b"]), Reply::Int(100));
    assert_eq!(
        call(&mut s, &["RENAME", "a", "b"]),
        error("ERR no such key")
    );
    assert_eq!(call(&mut s, &["RENAME", "b", "b"]), Reply::Ok);
}

#[test]
fn renamenx_refuses_an_existing_target() {
    let (mut s, _) = session();
    call(&mut s, &["MSET", "a", "1", "b", "2"]);
    assert_eq!(call(&mut s, &["RENAMENX", "a", "b"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["RENAMENX", "a", "a"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["RENAMENX", "a", "c"]), Reply::Int(1));
}

#[test]
fn copy_between_databases_with_replace() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "a", "1"]);
    assert_eq!(
        call(&mut s, &["COPY", "a", "a"]),
        error("ERR source and destination objects are the same")
    );
    assert_eq!(call(&mut s, &["COPY", "a", "b", "DB", "3"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["COPY", "a", "b", "DB", "3"]), Reply::Int(0));
    assert_eq!(
        call(&mut s, &["COPY", "a", "b", "DB", "3", "REPLACE"]),
        Reply::Int(1)
    );
    assert_eq!(
        call(&mut s, &["COPY", "a", "b", "DB", "99"]),
        error("ERR DB index is out of range")
    );
    call(&mut s, &["SELECT", "3"]);
    assert_eq!(call(&mut s, &["GET", "b"]), bulk("1"));
}

#[test]
fn move_refuses_same_db_and_existing_target() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "a", "1"]);
    assert_eq!(
        call(&mut s, &["MOVE", "a", "0"]),
        error("ERR source and destination objects are the same")
    );
    assert_eq!(call(&mut s, &["MOVE", "a", "1"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["MOVE", "a", "1"]), Reply::Int(0));
}

#[test]
fn select_checks_the_range() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["SELECT", "16"]),
        error("ERR DB index is out of range")
    );
    assert_eq!(
        call(&mut s, &["SELECT", "-1"]),
        error("ERR DB index is out of range")
    );
    assert_eq!(
        call(&mut s, &["SELECT", "x"]),
        error("ERR value is not an integer or out of range")
    );
    assert_eq!(call(&mut s, &["SELECT", "15"]), Reply::Ok);
}

#[test]
fn swapdb_swaps_contents() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "a", "1"]);
    assert_eq!(call(&mut s, &["SWAPDB", "0", "1"]), Reply::Ok);
    assert_eq!(call(&mut s, &["DBSIZE"]), Reply::Int(0));
    assert_eq!(
        call(&mut s, &["SWAPDB", "x", "1"]),
        error("ERR invalid first DB index")
    );
    assert_eq!(
        call(&mut s, &["SWAPDB", "0", "y"]),
        error("ERR invalid second DB index")
    );
}

#[test]
fn keys_matches_glob_patterns() {
    let (mut s, _) = session();
    call(
        &mut s,
        &[
            "MSET", "hello", "1", "hallo", "2", "hxllo", "3", "world", "4",
        ],
    );
    let Reply::Array(mut found) = call(&mut s, &["KEYS", "h[ae]llo"]) else {
        panic!("not an array");
    };
    found.sort_by_key(|r| format!("{r:?}"));
    assert_eq!(found, vec![bulk("hallo"), bulk("hello")]);
}

#[test]
fn scan_visits_every_key_once_over_a_full_iteration() {
    let (mut s, _) = session();
    for n in 0..500 {
        call(&mut s, &["SET", &format!("key:{n}"), "v"]);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut cursor = "0".to_string();
    loop {
        let Reply::Array(parts) = call(&mut s, &["SCAN", &cursor, "COUNT", "7"]) else {
            panic!("not an array");
        };
        let Reply::Bulk(next) = &parts[0] else {
            panic!()
        };
        let Reply::Array(keys) = &parts[1] else {
            panic!()
        };
        for key in keys {
            seen.insert(format!("{key:?}"));
        }
        cursor = String::from_utf8(next.to_vec()).unwrap();
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 500);
}

#[test]
fn scan_rejects_bad_cursors_and_counts() {
    let (mut s, _) = session();
    assert_eq!(call(&mut s, &["SCAN", "x"]), error("ERR invalid cursor"));
    assert_eq!(
        call(&mut s, &["SCAN", "0", "COUNT", "0"]),
        error("ERR syntax error")
    );
    assert_eq!(
        call(&mut s, &["SCAN", "0", "FOO"]),
        error("ERR syntax error")
    );
}

#[test]
fn flushdb_empties_only_the_selected_database() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "a", "1"]);
    call(&mut s, &["SELECT", "1"]);
    call(&mut s, &["SET", "b", "1"]);
    assert_eq!(call(&mut s, &["FLUSHDB", "ASYNC"]), Reply::Ok);
    assert_eq!(call(&mut s, &["DBSIZE"]), Reply::Int(0));
    call(&mut s, &["SELECT", "0"]);
    assert_eq!(call(&mut s, &["DBSIZE"]), Reply::Int(1));
    assert_eq!(
        call(&mut s, &["FLUSHALL", "BAD"]),
        error("ERR syntax error")
    );
    assert_eq!(call(&mut s, &["FLUSHALL"]), Reply::Ok);
    assert_eq!(call(&mut s, &["DBSIZE"]), Reply::Int(0));
}

#[test]
fn object_idletime_moves_with_the_clock() {
    let (mut s, clock) = session();
    call(&mut s, &["SET", "k", "v"]);
    clock.advance(5_000);
    assert_eq!(call(&mut s, &["OBJECT", "IDLETIME", "k"]), Reply::Int(5));
    call(&mut s, &["GET", "k"]);
    assert_eq!(call(&mut s, &["OBJECT", "IDLETIME", "k"]), Reply::Int(0));
}

#[test]
fn unknown_commands_and_arity_use_redis_messages() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["FOO", "a", "b"]),
        error("ERR unknown command 'FOO', with args beginning with: 'a' 'b' ")
    );
    assert_eq!(
        call(&mut s, &["GET"]),
        error("ERR wrong number of arguments for 'get' command")
    );
    assert_eq!(
        call(&mut s, &["OBJECT", "FOO", "k"]),
        error("ERR unknown subcommand 'FOO'. Try OBJECT HELP.")
    );
}

#[test]
fn exists_does_not_touch_but_touch_does() {
    let (mut s, clock) = session();
    call(&mut s, &["SET", "k", "v"]);
    clock.advance(10_000);
    assert_eq!(call(&mut s, &["EXISTS", "k"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["OBJECT", "IDLETIME", "k"]), Reply::Int(10));
    assert_eq!(call(&mut s, &["TOUCH", "k", "missing"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["OBJECT", "IDLETIME", "k"]), Reply::Int(0));
}

#[test]
fn inspection_reads_without_touching_or_expiring() {
    let (engine, clock) = common::engine();
    let mut s = engine.session();
    call(&mut s, &["SET", "k", "v", "PX", "100"]);
    assert_eq!(engine.peek_string(0, b"k").as_deref(), Some(&b"v"[..]));
    assert_eq!(engine.peek_string(1, b"k"), None);
    clock.advance(100);
    assert_eq!(engine.peek_string(0, b"k"), None);
    // Peeking collected nothing: the expired key is still in the table until touched.
    assert_eq!(engine.with_store(|store| store.keyspace.db(0).len()), 1);
}

#[test]
fn lfu_counters_decay_with_the_clock() {
    let (mut s, clock) = session();
    assert_eq!(
        call(
            &mut s,
            &["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"]
        ),
        Reply::Ok
    );
    call(&mut s, &["SET", "k", "v"]);
    assert_eq!(call(&mut s, &["OBJECT", "FREQ", "k"]), Reply::Int(5));
    clock.advance(3 * 60_000);
    assert_eq!(call(&mut s, &["OBJECT", "FREQ", "k"]), Reply::Int(2));
    call(&mut s, &["GET", "k"]);
    assert_eq!(call(&mut s, &["OBJECT", "FREQ", "k"]), Reply::Int(3));
}
