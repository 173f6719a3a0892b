//! The master side of replication: what each write sends to replicas.
//!
//! Redis propagates a command that changed the dataset (its `server.dirty` moved) as
//! the client sent it, unless the handler rewrote what to propagate (EXPIRE becomes
//! `PEXPIREAT`, GETDEL becomes `DEL` ...), asked for nothing to be propagated, or
//! forced propagation of a command that changed nothing (PUBLISH). Everything a
//! top-level command propagates — its own form, the commands its handler added, the
//! commands run by its EXEC or script, the deletions of keys found expired — is kept
//! until the command is done and then written out at once, wrapped in `MULTI`/`EXEC`
//! when there is more than one (Redis's `alsoPropagate` and `propagatePendingCommands`).
//! A `SELECT` goes first whenever the stream's database changes.
//!
//! Nothing is kept, and no command pays more than one test, until a feed is attached:
//! Redis too propagates nothing before its first replica creates the backlog.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use parking_lot::Mutex;

/// What a command asks of propagation, beyond its argv (kept per call, so nested calls
/// of EXEC and scripts each have their own).
#[derive(Debug, Clone, Default)]
pub struct CallPropagation {
    /// The form to propagate instead of the argv the client sent.
    pub rewritten: Option<Vec<Bytes>>,
    /// Propagate nothing of this call itself (Redis's `preventCommandPropagation`).
    pub prevented: bool,
    /// Propagate this call even if it changed nothing (`forceCommandPropagation`).
    pub forced: bool,
}

/// A replication stream's receiving end: the bytes propagated since it was attached.
#[derive(Debug, Default)]
pub struct Feed {
    buffer: Mutex<BytesMut>,
}

impl Feed {
    /// Takes everything propagated to this feed so far.
    pub fn drain(&self) -> Bytes {
        self.buffer.lock().split().freeze()
    }
}

/// The propagation state of an engine, kept in the keyspace.
#[derive(Debug, Clone, Default)]
pub struct Replication {
    feeds: Vec<Arc<Feed>>,
    /// True once a feed was attached (Redis's backlog exists): commands propagate.
    active: bool,
    /// Commands waiting for the end of the top-level command, with their database.
    pending: Vec<(usize, Vec<Bytes>)>,
    /// The database the stream last selected; `None` makes the next command select.
    stream_db: Option<usize>,
    /// Bytes propagated since the stream began (`master_repl_offset`).
    pub offset: u64,
}

impl Replication {
    /// True when commands propagate (a feed was attached). The one test a command
    /// pays while nothing is attached.
    #[inline]
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Attaches a new feed: the next command propagated selects its database first,
    /// as a full resynchronization makes Redis do.
    pub fn attach(&mut self) -> Arc<Feed> {
        let feed = Arc::new(Feed::default());
        self.feeds.push(feed.clone());
        self.active = true;
        self.stream_db = None;
        feed
    }

    /// Detaches `feed`.
    pub fn detach(&mut self, feed: &Arc<Feed>) {
        self.feeds.retain(|attached| !Arc::ptr_eq(attached, feed));
    }

    /// Number of attached feeds.
    pub fn feed_count(&self) -> usize {
        self.feeds.len()
    }

    /// Queues `argv` to propagate in database `db` once the running command is done
    /// (Redis's `alsoPropagate`). Does nothing until a feed was attached.
    pub fn also_propagate(&mut self, db: usize, argv: Vec<Bytes>) {
        if self.active {
            self.pending.push((db, argv));
        }
    }

    /// Queues the deletion of a key the server expired or evicted, as `UNLINK` when
    /// `lazy` (the matching `lazyfree-lazy-*` setting), else as `DEL` (Redis's
    /// `propagateDeletion`).
    pub fn propagate_deletion(&mut self, db: usize, key: &[u8], lazy: bool) {
        if self.active {
            let command: &'static [u8] = if lazy { b"UNLINK" } else { b"DEL" };
            let argv = vec![Bytes::from_static(command), Bytes::copy_from_slice(key)];
            self.pending.push((db, argv));
        }
    }

    /// Writes out what is pending (Redis's `propagatePendingCommands`): more than one
    /// command goes inside `MULTI`/`EXEC`, unless `no_multi` (active expiry and
    /// eviction, or a command that touches arbitrary keys).
    pub fn flush(&mut self, no_multi: bool) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let transaction = pending.len() > 1 && !no_multi;
        if transaction {
            self.write(pending[0].0, &[Bytes::from_static(b"MULTI")]);
        }
        for (db, argv) in &pending {
            self.write(*db, argv);
        }
        if let (true, Some((db, _))) = (transaction, pending.last()) {
            self.write(*db, &[Bytes::from_static(b"EXEC")]);
        }
    }

    /// Sends one command to every feed, selecting `db` first when the stream is on
    /// another (Redis's `replicationFeedSlaves`).
    fn write(&mut self, db: usize, argv: &[Bytes]) {
        let mut out = BytesMut::new();
        if self.stream_db != Some(db) {
            let number = Bytes::from(db.to_string());
            kvdb_resp::write::command(&mut out, &[Bytes::from_static(b"SELECT"), number]);
            self.stream_db = Some(db);
        }
        kvdb_resp::write::command(&mut out, argv);
        self.offset += out.len() as u64;
        for feed in &self.feeds {
            feed.buffer.lock().extend_from_slice(&out);
        }
    }
}

/// A number as a propagated argument.
pub fn number(n: impl std::fmt::Display) -> Bytes {
    Bytes::from(n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<Bytes> {
        words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    #[test]
    fn nothing_propagates_before_a_feed_is_attached() {
        let mut replication = Replication::default();
        replication.also_propagate(0, argv(&["set", "a", "1"]));
        replication.flush(false);
        assert_eq!(replication.offset, 0);
    }

    #[test]
    fn first_command_selects_its_database() {
        let mut replication = Replication::default();
        let feed = replication.attach();
        replication.also_propagate(9, argv(&["set", "a", "1"]));
        replication.flush(false);
        replication.also_propagate(9, argv(&["del", "a"]));
        replication.flush(false);
        assert_eq!(
            &feed.drain()[..],
            b"*2\r\n$6\r\nSELECT\r\n$1\r\n9\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n\
              *2\r\n$3\r\ndel\r\n$1\r\na\r\n"
        );
    }

    #[test]
    fn several_commands_are_wrapped_in_multi_exec_unless_told_not_to() {
        let mut replication = Replication::default();
        let feed = replication.attach();
        replication.also_propagate(0, argv(&["del", "a"]));
        replication.also_propagate(1, argv(&["del", "b"]));
        replication.flush(false);
        assert_eq!(
            &feed.drain()[..],
            &b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n*2\r\n$3\r\ndel\r\n$1\r\na\r\n\
               *2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*2\r\n$3\r\ndel\r\n$1\r\nb\r\n*1\r\n$4\r\nEXEC\r\n"[..]
        );
        replication.also_propagate(1, argv(&["del", "c"]));
        replication.also_propagate(1, argv(&["del", "d"]));
        replication.flush(true);
        assert!(!feed.drain().starts_with(b"*1\r\n$5\r\nMULTI"));
    }

    #[test]
    fn offset_counts_every_byte_propagated() {
        let mut replication = Replication::default();
        let feed = replication.attach();
        replication.also_propagate(0, argv(&["ping"]));
        replication.flush(false);
        assert_eq!(replication.offset, feed.drain().len() as u64);
    }
}
