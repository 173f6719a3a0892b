//! Helpers shared by the criterion benches (`benches/benches/`) and the instruction
//! counter (`benches/examples/instructions.rs`): the same keys and the same fixture.

use bytes::Bytes;
use kvdb_engine::Engine;

/// A request from words.
pub fn argv(words: &[&str]) -> Vec<Bytes> {
    words
        .iter()
        .map(|w| Bytes::copy_from_slice(w.as_bytes()))
        .collect()
}

/// The `n`th key of the fixture: 16 bytes, like redis-benchmark's `key:000000000123`.
pub fn key(n: usize) -> String {
    format!("key:{n:012}")
}

/// An engine (seed 1) holding `keys` keys `key(0)..` with the 3-byte value `val`.
pub fn filled_engine(keys: usize) -> Engine {
    let engine = Engine::builder().seed(1).build();
    let mut session = engine.session();
    for n in 0..keys {
        session.execute(&argv(&["SET", &key(n), "val"]));
    }
    engine
}
