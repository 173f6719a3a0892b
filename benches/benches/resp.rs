//! The RESP codec alone: decoding a pipelined batch of 16 GETs, encoding bulk replies,
//! and decoding a SET with a 1 KiB value.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use bytes::BytesMut;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kvdb_resp::{write, Limits, RequestDecoder};

fn decode_16_gets(c: &mut Criterion) {
    let mut wire = Vec::new();
    for n in 0..16 {
        wire.extend_from_slice(format!("*2\r\n$3\r\nGET\r\n$15\r\nkey:{n:011}\r\n").as_bytes());
    }
    let mut decoder = RequestDecoder::new(Limits::default());
    c.bench_function("decode_16_pipelined_gets", |b| {
        b.iter(|| {
            let mut input = BytesMut::from(&wire[..]);
            let mut count = 0;
            while let Ok(Some(argv)) = decoder.decode(&mut input) {
                count += argv.len();
            }
            black_box(count)
        })
    });
}

fn encode_bulk_replies(c: &mut Criterion) {
    let value = vec![b'x'; 64];
    let mut out = BytesMut::with_capacity(4096);
    c.bench_function("encode_16_bulk_replies", |b| {
        b.iter(|| {
            for _ in 0..16 {
                write::bulk(&mut out, black_box(&value));
            }
            black_box(&out);
            out.clear();
        })
    });
}

fn decode_1kib_set(c: &mut Criterion) {
    let value = "v".repeat(1024);
    let wire = format!("*3\r\n$3\r\nSET\r\n$7\r\nkey:001\r\n$1024\r\n{value}\r\n").into_bytes();
    let mut decoder = RequestDecoder::new(Limits::default());
    c.bench_function("decode_set_1kib", |b| {
        b.iter(|| {
            let mut input = BytesMut::from(&wire[..]);
            black_box(decoder.decode(&mut input).ok().flatten())
        })
    });
}

criterion_group!(
    benches,
    decode_16_gets,
    encode_bulk_replies,
    decode_1kib_set
);
criterion_main!(benches);
