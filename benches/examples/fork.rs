//! Times `Engine::fork` of a fixture of 1M string keys (the figure docs/embedding.md
//! quotes). `cargo run --release -p kvdb-benches --example fork`

use std::time::Instant;

use kvdb_benches::filled_engine;

fn main() {
    let engine = filled_engine(1_000_000);
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            let fork = engine.fork();
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            drop(fork);
            elapsed
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    println!("fork of 1M keys: {:.0} ms (median of 5)", runs[2]);
}
