//! Times `EVALSHA` of a small cached script in-process (one `redis.call` each), for
//! profiling the scripting path without the network: `cargo run --release -p
//! kvdb-benches --example evalprobe [iterations]`.

use std::time::Instant;

use bytes::Bytes;
use kvdb_engine::Engine;

fn main() {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200_000);
    let engine = Engine::builder()
        .script_host(kvdb_lua::factory(kvdb_lua::DEFAULT_MEMORY_LIMIT))
        .build();
    let mut session = engine.session();
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
    let argv = [
        Bytes::from_static(b"EVALSHA"),
        sha,
        Bytes::from_static(b"1"),
        Bytes::from_static(b"counter"),
    ];
    let started = Instant::now();
    for _ in 0..iterations {
        session.execute(&argv);
    }
    let elapsed = started.elapsed();
    println!(
        "{iterations} EVALSHA in {elapsed:?}: {:.0} ns each",
        elapsed.as_nanos() as f64 / iterations as f64
    );
}
