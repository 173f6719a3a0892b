//! Lua 5.1 script host for kvdb.
//!
//! Empty until the scripting issue lands: the engine answers `EVAL` and friends with
//! Redis's `ERR unknown command` until then, rather than pretending.
