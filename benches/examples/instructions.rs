//! Runs one in-process hot path a fixed number of times, for instruction counts under
//! callgrind, where wall-clock benches are too noisy to see a change of a few percent:
//!
//! ```text
//! cargo build --release -p kvdb-benches --example instructions
//! valgrind --tool=callgrind --toggle-collect='*instructions::measured*' \
//!     target/release/examples/instructions get 100000
//! ```
//!
//! Instructions per operation = the total callgrind prints / the count. Workloads:
//! `get` and `set` through `Session::execute`, `batch16` (decode + execute + encode of 16
//! pipelined GETs, counted per batch).

use std::hint::black_box;

use bytes::Bytes;
use kvdb_benches::{argv, filled_engine, key, pipelined_gets, Pipeline};
use kvdb_engine::Session;

const KEYS: usize = 10_000;

fn main() {
    let mut args = std::env::args().skip(1);
    let workload = args.next().unwrap_or_else(|| "get".into());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let engine = filled_engine(KEYS);
    let mut session = engine.session();
    let requests: Vec<Vec<Bytes>> = (0..1024)
        .map(|n| match workload.as_str() {
            "set" => argv(&["SET", &key(n * 7 % KEYS), "val"]),
            _ => argv(&["GET", &key(n * 7 % KEYS)]),
        })
        .collect();
    let wire = pipelined_gets(16);
    match workload.as_str() {
        "batch16" => measured_batches(&mut session, &wire, count),
        "get" | "set" => measured(&mut session, &requests, count),
        other => panic!("unknown workload {other} (get, set, batch16)"),
    }
}

#[inline(never)]
fn measured(session: &mut Session, requests: &[Vec<Bytes>], count: usize) {
    for n in 0..count {
        black_box(session.execute(&requests[n & 1023]));
    }
}

#[inline(never)]
fn measured_batches(session: &mut Session, wire: &[u8], count: usize) {
    let mut pipeline = Pipeline::default();
    for _ in 0..count {
        pipeline.run(session, wire);
        black_box(&pipeline.out);
    }
}
