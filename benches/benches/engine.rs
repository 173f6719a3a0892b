//! In-process hot paths: one GET and one SET through `Session::execute`, and a pipelined batch of 16
//! GETs decoded, executed and encoded as the server does it. Also GET at growing (10k to 10M)
//! keyspace sizes, to show the cost per GET stays flat.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use bytes::Bytes;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use kvdb_benches::{argv, filled_engine, key, pipelined_gets, Pipeline};

fn get_existing(c: &mut Criterion) {
    let engine = filled_engine(10_000);
    let mut session = engine.session();
    let get = argv(&["GET", &key(123)]);
    c.bench_function("session_execute_get", |b| {
        b.iter(|| black_box(session.execute(black_box(&get))))
    });
}

fn set_overwrite(c: &mut Criterion) {
    let engine = filled_engine(10_000);
    let mut session = engine.session();
    let set = argv(&["SET", &key(123), "val"]);
    c.bench_function("session_execute_set", |b| {
        b.iter(|| black_box(session.execute(black_box(&set))))
    });
}

fn pipelined_batch(c: &mut Criterion) {
    let engine = filled_engine(10_000);
    let mut session = engine.session();
    let wire = pipelined_gets(16);
    let mut pipeline = Pipeline::default();
    c.bench_function("decode_execute_encode_16_gets", |b| {
        b.iter(|| {
            pipeline.run(&mut session, &wire);
            black_box(&pipeline.out);
        })
    });
}

fn get_by_keyspace_size(c: &mut Criterion) {
    let mut group = c.benchmark_group("get_by_keyspace_size");
    for keys in [10_000usize, 100_000, 1_000_000, 10_000_000] {
        let engine = filled_engine(keys);
        let mut session = engine.session();
        let probes: Vec<Vec<Bytes>> = (0..1024)
            .map(|n| argv(&["GET", &key((n * 7919) % keys)]))
            .collect();
        let mut next = 0;
        group.bench_with_input(BenchmarkId::from_parameter(keys), &keys, |b, _| {
            b.iter(|| {
                next = (next + 1) & 1023;
                black_box(session.execute(&probes[next]))
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    get_existing,
    set_overwrite,
    pipelined_batch,
    get_by_keyspace_size
);
criterion_main!(benches);
