//! Times sorted-set commands on a 100,000-member sorted set in-process, through
//! `Session::execute`, reported as nanoseconds per command (median of 5 runs, to ride
//! out a noisy machine). Each run first grows the set with 200,000 random ZADDs (random
//! scores and members over 0..100,000, members `element:%012d`, the shape of
//! redis-benchmark's ZADD workload), then times 200,000 commands of one workload:
//!
//! - `zadd` (the default): more of the same, mostly score updates plus inserts;
//! - `zincrby`, `zrank`, `zscore`, `zrem` (each removal followed by a re-insertion);
//! - `zrange` (100 members with scores from a random rank), `zrangebyscore` (a score
//!   window of 100), `zpopmin` (each pop followed by a re-insertion).
//!
//! `cargo run --release -p kvdb-benches --example zprobe [WORKLOAD] [once]`
//!
//! `once` does a single run, with the timed half in `measured`, for a cache
//! simulation that wall-clock noise cannot blur (misses per command = the D1/LL miss
//! totals callgrind prints / 200,000):
//!
//! ```text
//! valgrind --tool=callgrind --cache-sim=yes --LL=524288,16,64 \
//!     --toggle-collect='*zprobe::measured*' target/release/examples/zprobe zadd once
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
    let mut args = std::env::args().skip(1).collect::<Vec<_>>();
    let once = args.last().is_some_and(|arg| arg == "once");
    if once {
        args.pop();
    }
    let workload = args.first().map_or("zadd", String::as_str).to_owned();
    let mut state: u64 = 88_172_645_463_325_252;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % 100_000
    };
    let member = |n: u64| format!("element:{n:012}");
    let zadd = |random: &mut dyn FnMut() -> u64| {
        let score = random();
        let member = member(random());
        argv(&["ZADD", "z", &score.to_string(), &member])
    };
    let warm_up: Vec<_> = (0..200_000).map(|_| zadd(&mut random)).collect();
    let mut timed = Vec::with_capacity(200_000);
    while timed.len() < 200_000 {
        if workload == "zadd" {
            timed.push(zadd(&mut random));
            continue;
        }
        let n = random();
        let score = random();
        match workload.as_str() {
            "zincrby" => timed.push(argv(&["ZINCRBY", "z", "1", &member(n)])),
            "zrank" => timed.push(argv(&["ZRANK", "z", &member(n)])),
            "zscore" => timed.push(argv(&["ZSCORE", "z", &member(n)])),
            "zrem" => {
                timed.push(argv(&["ZREM", "z", &member(n)]));
                timed.push(argv(&["ZADD", "z", &score.to_string(), &member(n)]));
            }
            "zrange" => {
                let (first, last) = (n % 90_000, n % 90_000 + 99);
                let (first, last) = (first.to_string(), last.to_string());
                timed.push(argv(&["ZRANGE", "z", &first, &last, "WITHSCORES"]));
            }
            "zrangebyscore" => {
                let (min, max) = (n.to_string(), (n + 100).to_string());
                timed.push(argv(&["ZRANGEBYSCORE", "z", &min, &max, "WITHSCORES"]));
            }
            "zpopmin" => {
                timed.push(argv(&["ZPOPMIN", "z"]));
                timed.push(zadd(&mut random));
            }
            other => panic!("unknown workload {other}"),
        }
    }
    let mut runs: Vec<f64> = (0..if once { 1 } else { 5 })
        .map(|_| {
            let engine = kvdb_engine::Engine::builder().seed(1).build();
            let mut session = engine.session();
            for request in &warm_up {
                session.execute(request);
            }
            let started = Instant::now();
            measured(&mut session, &timed);
            started.elapsed().as_nanos() as f64 / timed.len() as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    println!(
        "{:.0} ns/{workload} ({})",
        runs[runs.len() / 2],
        if once { "one run" } else { "median of 5" }
    );
}
