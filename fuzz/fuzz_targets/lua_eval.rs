//! Fuzz Lua scripts through EVAL_RO on an in-process engine with the Lua host (the
//! body is `kvdb_lua::fuzz::eval_target`, also run over `fuzz/seeds/lua_eval`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kvdb_lua::fuzz::eval_target(data));
