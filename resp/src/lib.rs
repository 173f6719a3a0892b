//! Sans-IO RESP2/RESP3 codec for kvdb, byte-compatible with Redis 7.0.15.
//!
//! The crate never touches a socket: callers append received bytes to a
//! [`BytesMut`](bytes::BytesMut) and ask for decoded values, and write replies
//! into another `BytesMut`.
//!
//! - Servers decode client requests with [`RequestDecoder`], which follows Redis's
//!   request parser to the byte (multibulk and inline, the same limits, the same
//!   `Protocol error: ...` messages), and write replies with the allocation-free
//!   writers in [`write`].
//! - Clients and tests decode any reply with [`decode`] into a [`Frame`] and
//!   produce wire bytes with [`encode`].
//!
//! # Layout
//!
//! - `frame` — [`Frame`], the RESP2/RESP3 value type, and [`encode`].
//! - `decode` — [`decode`], the full RESP3 reader (two passes: measure, then
//!   build zero-copy).
//! - `request` — [`RequestDecoder`] and [`Limits`]: Redis's
//!   `processMultibulkBuffer` / `processInlineBuffer` rules.
//! - `inline` — the `sdssplitargs` splitter for inline requests.
//! - `error` — [`ProtocolError`].
//! - `number` — strict `string2ll` parsing and digit formatting.
//! - [`write`] — low-level reply writers used by the engine.
//! - [`fmt`] — `%.17g` doubles and integers formatted exactly like Redis.
//! - [`fuzz`] — the bodies of the cargo-fuzz targets in `fuzz/`, also run over
//!   the seed corpus by `tests/fuzz_seeds.rs`.

mod decode;
mod error;
mod frame;
mod inline;
mod number;
mod request;

pub mod fmt;
pub mod fuzz;
pub mod write;

pub use decode::{decode, MAX_DEPTH};
pub use error::ProtocolError;
pub use frame::{encode, Frame};
pub use number::parse_i64;
pub use request::{Limits, RequestDecoder, ERR_INVALID_BULK};

/// Splits `line` into arguments as Redis's `sdssplitargs` does (the rule for inline
/// commands and `redis.conf` lines: whitespace-separated words, `"double"` quotes with
/// `\xHH`-style escapes, `'single'` quotes); `None` when the quotes are unbalanced.
pub fn split_args(line: &[u8]) -> Option<Vec<bytes::Bytes>> {
    let line = bytes::Bytes::copy_from_slice(line);
    let mut argv = Vec::new();
    inline::split_args(&line, line.len(), &mut argv).ok()?;
    Some(argv)
}
