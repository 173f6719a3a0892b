//! Criterion benches of scripting in-process: `EVALSHA` of a cached script that does
//! one `redis.call` (the round trip Lua → engine → Lua), and one that does none.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use kvdb_engine::{Engine, Session};

fn session_with(script: &'static [u8]) -> (Session, [Bytes; 4]) {
    let engine = Engine::builder()
        .script_host(kvdb_lua::factory(kvdb_lua::DEFAULT_MEMORY_LIMIT))
        .build();
    let mut session = engine.session();
    let load = [
        Bytes::from_static(b"SCRIPT"),
        Bytes::from_static(b"LOAD"),
        Bytes::from_static(script),
    ];
    let sha = session
        .execute(&load)
        .as_bytes()
        .map(Bytes::copy_from_slice);
    let argv = [
        Bytes::from_static(b"EVALSHA"),
        sha.expect("SCRIPT LOAD answers the SHA"),
        Bytes::from_static(b"1"),
        Bytes::from_static(b"counter"),
    ];
    (session, argv)
}

fn evalsha(c: &mut Criterion) {
    let (mut session, argv) = session_with(b"return redis.call('incr', KEYS[1])");
    c.bench_function("evalsha_redis_call_round_trip", |b| {
        b.iter(|| session.execute(&argv))
    });
    let (mut session, argv) = session_with(b"return KEYS[1]");
    c.bench_function("evalsha_no_call", |b| b.iter(|| session.execute(&argv)));
}

criterion_group!(benches, evalsha);
criterion_main!(benches);
