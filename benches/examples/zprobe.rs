//! Times ZADD on a 100,000-member sorted set in-process: half a million random
//! score updates and inserts through `Session::execute`, the shape of redis-benchmark's
//! ZADD workload, reported as nanoseconds per command (median of 5 runs, to ride out a
//! noisy machine). `cargo run --release -p kvdb-benches --example zprobe`
//!
//! `zprobe once` does a single run, with the timed half in `measured`, for a cache
//! simulation that wall-clock noise cannot blur (misses per ZADD = the D1/LL miss
//! totals callgrind prints / 200,000):
//!
//! ```text
//! valgrind --tool=callgrind --cache-sim=yes --LL=524288,16,64 \
//!     --toggle-collect='*zprobe::measured*' target/release/examples/zprobe once
//! ```

use std::time::Instant;

use bytes::Bytes;
use kvdb_benches::argv;
use kvdb_engine::Session;

/// The timed half: every request through `Session::execute`.
#[inline(never)]
fn measured(session: &mut Session, requests: &[Vec<Bytes>]) {
    for request in requests {
        session.execute(request);
    }
}

fn main() {
    let mut state: u64 = 88_172_645_463_325_252;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % 100_000
    };
    let requests: Vec<_> = (0..400_000)
        .map(|_| {
            let score = random();
            let member = random();
            argv(&[
                "ZADD",
                "z",
                &score.to_string(),
                &format!("element:{member:012}"),
            ])
        })
        .collect();
    let once = std::env::args().nth(1).is_some_and(|arg| arg == "once");
    let mut runs: Vec<f64> = (0..if once { 1 } else { 5 })
        .map(|_| {
            let engine = kvdb_engine::Engine::builder().seed(1).build();
            let mut session = engine.session();
            for request in &requests[..200_000] {
                session.execute(request);
            }
            let started = Instant::now();
            measured(&mut session, &requests[200_000..]);
            started.elapsed().as_nanos() as f64 / 200_000.0
        })
        .collect();
    if once {
        println!("{:.0} ns/ZADD (one run)", runs[0]);
        return;
    }
    runs.sort_by(f64::total_cmp);
    println!("{:.0} ns/ZADD (median of 5)", runs[2]);
}
