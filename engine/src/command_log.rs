//! A structured log of the commands an engine runs — who ran what, in which database,
//! what it answered and when — for tests to assert on ("the service wrote the session
//! with a 30-minute TTL", "it retried EVALSHA after NOSCRIPT") instead of parsing
//! MONITOR lines.
//!
//! Off by default; while off, the command path pays one relaxed atomic load. While on,
//! every command that reaches dispatch is kept, rejected ones included: each client's
//! commands, those queued and run by `EXEC`, and those a script runs with
//! `redis.call` (each entry says which), in the order they finished — so what an
//! `EXEC` or a script ran comes just before it. Entries are kept until taken.

use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use parking_lot::Mutex;

use crate::reply::Reply;

/// Where a logged command came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Sent by a client (queued by MULTI included: its reply is `QUEUED`).
    Client,
    /// Run by `EXEC` from the client's transaction.
    Transaction,
    /// Run by a script or function through `redis.call`/`redis.pcall`.
    Script,
}

/// One command the engine ran.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedCommand {
    /// The client's id (`CLIENT ID`).
    pub client_id: u64,
    /// The client's name (`CLIENT SETNAME`), empty when it has none.
    pub client_name: Bytes,
    /// The database selected when the command ran.
    pub db: usize,
    /// The command and its arguments, as sent.
    pub argv: Vec<Bytes>,
    /// What it answered (errors as [`Reply::Error`]); `None` when the command blocked
    /// the client (its reply comes later).
    pub reply: Option<Reply>,
    /// When it ran, on the engine clock (virtual time included), in Unix ms.
    pub time_ms: u64,
    /// Where it came from.
    pub origin: Origin,
}

impl LoggedCommand {
    /// The command's name as sent, lowercased (`"set"`).
    pub fn name(&self) -> String {
        let name = self
            .argv
            .first()
            .map(|arg| arg.as_ref())
            .unwrap_or_default();
        String::from_utf8_lossy(name).to_ascii_lowercase()
    }
}

/// The engine's command log.
#[derive(Debug, Default)]
pub struct CommandLog {
    recording: AtomicBool,
    entries: Mutex<Vec<LoggedCommand>>,
}

impl CommandLog {
    /// Starts recording (what was recorded before is kept).
    pub fn start(&self) {
        self.recording.store(true, Ordering::Release);
    }

    /// Stops recording; what was recorded is kept until taken.
    pub fn stop(&self) {
        self.recording.store(false, Ordering::Release);
    }

    /// True while recording.
    pub fn is_recording(&self) -> bool {
        self.recording.load(Ordering::Relaxed)
    }

    /// A copy of what was recorded, oldest first.
    pub fn entries(&self) -> Vec<LoggedCommand> {
        self.entries.lock().clone()
    }

    /// What was recorded, oldest first, leaving the log empty.
    pub fn take(&self) -> Vec<LoggedCommand> {
        std::mem::take(&mut *self.entries.lock())
    }

    /// Keeps `entry`.
    pub(crate) fn record(&self, entry: LoggedCommand) {
        self.entries.lock().push(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &'static str) -> LoggedCommand {
        LoggedCommand {
            client_id: 1,
            client_name: Bytes::new(),
            db: 0,
            argv: vec![Bytes::from_static(name.as_bytes())],
            reply: Some(Reply::Ok),
            time_ms: 0,
            origin: Origin::Client,
        }
    }

    #[test]
    fn entries_are_kept_in_order_until_taken() {
        let log = CommandLog::default();
        assert!(!log.is_recording());
        log.start();
        log.record(entry("SET"));
        log.record(entry("GET"));
        log.stop();
        assert!(!log.is_recording());
        let names: Vec<String> = log.entries().iter().map(LoggedCommand::name).collect();
        assert_eq!(names, ["set", "get"]);
        assert_eq!(log.take().len(), 2);
        assert!(log.entries().is_empty());
    }
}
