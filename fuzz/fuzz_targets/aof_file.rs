//! Fuzz the append-only file's readers: any bytes as a manifest and as a file loaded
//! into an empty engine (the body is `kvdb_engine::command::aof::fuzz_target`, also
//! run over `fuzz/seeds/aof_file`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kvdb_engine::command::aof::fuzz_target(data));
