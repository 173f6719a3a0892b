//! Times `EVALSHA` of a small cached script in-process (one `redis.call` each), or
//! `FCALL` of the same body as a library function, for profiling the scripting path
//! without the network: `cargo run --release -p kvdb-benches --example evalprobe
//! [iterations] [evalsha|fcall]`.
//!
//! Instructions per call, steady on a busy machine (the total callgrind prints / the
//! iterations; setup is outside `measured`):
//!
//! ```text
//! cargo build --release -p kvdb-benches --example evalprobe
//! valgrind --tool=callgrind --toggle-collect='*evalprobe::measured*' \
//!     target/release/examples/evalprobe 100000 evalsha
//! ```

use std::time::Instant;

use bytes::Bytes;
use kvdb_engine::{Engine, Session};

fn main() {
    let mut words = std::env::args().skip(1);
    let iterations: usize = words.next().and_then(|n| n.parse().ok()).unwrap_or(200_000);
    let mode = words.next().unwrap_or_else(|| "evalsha".to_string());
    let engine = Engine::builder()
        .script_host(kvdb_lua::factory(kvdb_lua::DEFAULT_MEMORY_LIMIT))
        .build();
    let mut session = engine.session();
    let argv = match mode.as_str() {
        "fcall" => fcall_argv(&mut session),
        _ => evalsha_argv(&mut session),
    };
    let started = Instant::now();
    measured(&mut session, &argv, iterations);
    let elapsed = started.elapsed();
    println!(
        "{iterations} {mode} in {elapsed:?}: {:.0} ns each",
        elapsed.as_nanos() as f64 / iterations as f64
    );
}

/// `EVALSHA <sha> 1 counter` of `return redis.call('incr', KEYS[1])`, loaded first.
fn evalsha_argv(session: &mut Session) -> [Bytes; 4] {
    let load = [
        Bytes::from_static(b"SCRIPT"),
        Bytes::from_static(b"LOAD"),
        Bytes::from_static(b"return redis.call('incr', KEYS[1])"),
    ];
    let sha = session
        .execute(&load)
        .as_bytes()
        .map(Bytes::copy_from_slice);
    let sha = sha.expect("SCRIPT LOAD answers the SHA");
    [
        Bytes::from_static(b"EVALSHA"),
        sha,
        Bytes::from_static(b"1"),
        Bytes::from_static(b"counter"),
    ]
}

/// `FCALL incr 1 counter` of the same body as a library function, loaded first.
fn fcall_argv(session: &mut Session) -> [Bytes; 4] {
    let load = [
        Bytes::from_static(b"FUNCTION"),
        Bytes::from_static(b"LOAD"),
        Bytes::from_static(
            b"#!lua name=probe\nredis.register_function('incr', function(keys, args) return redis.call('incr', keys[1]) end)",
        ),
    ];
    session.execute(&load);
    [
        Bytes::from_static(b"FCALL"),
        Bytes::from_static(b"incr"),
        Bytes::from_static(b"1"),
        Bytes::from_static(b"counter"),
    ]
}

#[inline(never)]
fn measured(session: &mut Session, argv: &[Bytes], iterations: usize) {
    for _ in 0..iterations {
        std::hint::black_box(session.execute(argv));
    }
}
