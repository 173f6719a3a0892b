//! Fuzz the full RESP2/RESP3 frame decoder (the body is `kvdb_resp::fuzz::decode_target`,
//! which the crate's tests also run over `fuzz/seeds/resp_decode`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kvdb_resp::fuzz::decode_target(data));
