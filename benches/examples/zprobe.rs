//! Times ZADD on a 100,000-member sorted set in-process: half a million random
//! score updates and inserts through `Session::execute`, the shape of redis-benchmark's
//! ZADD workload, reported as nanoseconds per command (median of 5 runs, to ride out a
//! noisy machine). `cargo run --release -p kvdb-benches --example zprobe`

use std::time::Instant;

use kvdb_benches::argv;

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
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let engine = kvdb_engine::Engine::builder().seed(1).build();
            let mut session = engine.session();
            for request in &requests[..200_000] {
                session.execute(request);
            }
            let started = Instant::now();
            for request in &requests[200_000..] {
                session.execute(request);
            }
            started.elapsed().as_nanos() as f64 / 200_000.0
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    println!("{:.0} ns/ZADD (median of 5)", runs[2]);
}
