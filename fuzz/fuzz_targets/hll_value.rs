//! Fuzz the HyperLogLog string reader: any bytes as the value PFCOUNT, PFADD and
//! PFMERGE meet (the body is `kvdb_engine::hyperloglog::fuzz_target`, also run over
//! `fuzz/seeds/hll_value`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kvdb_engine::hyperloglog::fuzz_target(data));
