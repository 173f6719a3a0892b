//! Lua 5.1 script host for kvdb.
//!
//! The engine answers `EVAL` and friends with Redis's `ERR unknown command` until the
//! host is in place, rather than pretending.
pub mod libs;
