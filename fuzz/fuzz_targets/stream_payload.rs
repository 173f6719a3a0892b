//! Fuzz the stream reader of RESTORE: any bytes as the body of an RDB type-19 stream
//! (the body is `kvdb_engine::rdb::fuzz::stream_target`, also run over
//! `fuzz/seeds/stream_payload`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kvdb_engine::rdb::fuzz::stream_target(data));
