//! Fuzz the server's request decoder, multibulk and inline (the body is
//! `kvdb_resp::fuzz::request_target`, also run over `fuzz/seeds/resp_request`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kvdb_resp::fuzz::request_target(data));
