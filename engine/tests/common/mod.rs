//! Shared helpers for the engine's in-process behaviour tests.

#![allow(dead_code)]

use std::sync::Arc;

use bytes::Bytes;
use kvdb_engine::{Engine, ManualClock, Reply, Session};

/// An engine on a manual clock at a fixed, realistic time, with a fixed seed.
pub fn engine() -> (Engine, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let engine = Engine::builder().clock(clock.clone()).seed(7).build();
    (engine, clock)
}

/// A session on a fresh engine, with its clock.
pub fn session() -> (Session, Arc<ManualClock>) {
    let (engine, clock) = engine();
    (engine.session(), clock)
}

/// A command's argv, written as words.
pub fn argv(words: &[&str]) -> Vec<Bytes> {
    words
        .iter()
        .map(|w| Bytes::copy_from_slice(w.as_bytes()))
        .collect()
}

/// Runs a command written as words.
pub fn call(session: &mut Session, words: &[&str]) -> Reply {
    session.execute(&argv(words))
}

/// A bulk reply.
pub fn bulk(text: &str) -> Reply {
    Reply::Bulk(Bytes::copy_from_slice(text.as_bytes()))
}

/// An error reply with exactly this message.
pub fn error(text: &str) -> Reply {
    Reply::Error(Bytes::copy_from_slice(text.as_bytes()))
}

/// A status reply.
pub fn status(text: &str) -> Reply {
    Reply::Status(Bytes::copy_from_slice(text.as_bytes()))
}
