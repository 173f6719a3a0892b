//! Fuzz RESTORE's payload reader: any bytes as a payload body, framed with a valid
//! footer (the body is `kvdb_engine::rdb::fuzz::restore_target`, also run over
//! `fuzz/seeds/restore_payload`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kvdb_engine::rdb::fuzz::restore_target(data));
