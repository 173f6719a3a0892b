//! Helpers shared by the criterion benches (`benches/benches/`) and the instruction
//! counter (`benches/examples/instructions.rs`): the same keys and the same fixture.

use bytes::{Bytes, BytesMut};
use kvdb_engine::{Engine, Session};
use kvdb_resp::{Limits, RequestDecoder};

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

/// `count` pipelined `GET`s of fixture keys (`key(0)`, `key(37)`, ...) on the wire.
pub fn pipelined_gets(count: usize) -> Vec<u8> {
    let mut wire = Vec::new();
    for n in 0..count {
        let key = key(n * 37);
        wire.extend_from_slice(
            format!("*2\r\n$3\r\nGET\r\n${}\r\n{key}\r\n", key.len()).as_bytes(),
        );
    }
    wire
}

/// What a connection does with one read: decode every request into reused vectors,
/// run them as one batch, encode the replies into one buffer.
#[derive(Debug)]
pub struct Pipeline {
    decoder: RequestDecoder,
    requests: Vec<Vec<Bytes>>,
    /// The encoded replies of the last batch.
    pub out: BytesMut,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline {
            decoder: RequestDecoder::new(Limits::default()),
            requests: Vec::new(),
            out: BytesMut::with_capacity(4096),
        }
    }
}

impl Pipeline {
    /// Decodes, executes and encodes everything in `wire` on `session`.
    pub fn run(&mut self, session: &mut Session, wire: &[u8]) {
        let mut input = BytesMut::from(wire);
        let mut queued = 0;
        loop {
            if queued == self.requests.len() {
                self.requests.push(Vec::new());
            }
            match self
                .decoder
                .decode_into(&mut input, &mut self.requests[queued])
            {
                Ok(true) => queued += 1,
                _ => break,
            }
        }
        self.out.clear();
        session.execute_batch(&self.requests[..queued], &mut self.out);
        for request in &mut self.requests[..queued] {
            request.clear();
        }
    }
}
