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
//! Nothing is kept, and no command pays more than one test, until a replica attaches:
//! Redis too propagates nothing before its first replica creates the backlog.
//!
//! Replicas attach with `SYNC` or `PSYNC` ([`crate::command::sync`]): each gets the
//! stream in its client's mailbox, and the last `repl-backlog-size` bytes are kept for
//! a replica that reconnects (`PSYNC` at an offset the backlog still holds).

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use crate::aof::Aof;
use crate::pubsub::{BufferLimit, Mail, Mailbox};

/// Where a propagated command goes: the append-only file (Redis's `PROPAGATE_AOF`,
/// the Lua `redis.REPL_AOF`).
pub const TO_AOF: u8 = 1;
/// See [`TO_AOF`]: the replicas (`PROPAGATE_REPL`, `redis.REPL_REPLICA`).
pub const TO_REPLICAS: u8 = 2;
/// Both (`redis.REPL_ALL`).
pub const TO_ALL: u8 = TO_AOF | TO_REPLICAS;

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

/// A replica attached by `SYNC` or `PSYNC`, as `INFO replication` and `ROLE` show it.
#[derive(Debug, Clone)]
pub struct Replica {
    /// Its client's id.
    pub client_id: u64,
    /// Where its stream waits for its connection.
    pub mailbox: Arc<Mailbox>,
    /// Its address (`REPLCONF ip-address`, else its connection's).
    pub ip: String,
    /// The port it listens on (`REPLCONF listening-port`, else 0).
    pub listening_port: i64,
    /// The stream offset it acknowledged last (`REPLCONF ACK`).
    pub ack_offset: u64,
    /// When it acknowledged last (Unix seconds; when it attached, before that).
    pub ack_secs: u64,
    /// It attached with the old `SYNC` and will not acknowledge (Redis's
    /// `CLIENT_PRE_PSYNC`): never timed out for silence.
    pub pre_psync: bool,
}

/// What a client said with `REPLCONF` before it asked to SYNC.
#[derive(Debug, Clone, Default)]
pub struct ReplicaConf {
    /// `listening-port`.
    pub listening_port: i64,
    /// `ip-address`.
    pub ip_address: Option<String>,
    /// `capa eof`: it reads an RDB delimited by a mark rather than a length.
    pub capa_eof: bool,
    /// `capa psync2`: it understands `+CONTINUE <replid>`.
    pub capa_psync2: bool,
    /// `rdb-only 1`: it wants the RDB and no stream after it.
    pub rdb_only: bool,
    /// `rdb-filter-only`: which parts the RDB keeps (keys, functions), if filtered.
    pub rdb_filter: Option<(bool, bool)>,
}

/// A client blocked in `WAIT` until enough replicas acknowledge its writes.
#[derive(Debug, Clone)]
pub struct AckWaiter {
    /// The waiting client.
    pub client_id: u64,
    /// Its block (a later block of the same client is another).
    pub slot: Arc<crate::blocking::BlockSlot>,
    /// The offset its last write reached.
    pub offset: u64,
    /// How many replicas must have acknowledged it.
    pub replicas: usize,
}

/// The propagation state of an engine, kept in the keyspace.
#[derive(Debug)]
pub struct Replication {
    /// The attached replicas, in the order they attached.
    pub replicas: Vec<Replica>,
    /// Their output limit (`client-output-buffer-limit replica`).
    pub replica_limit: BufferLimit,
    /// The id of this stream's history (`master_replid`), made when the backlog is.
    pub replid: String,
    /// The last bytes of the stream, for partial resynchronization (once a replica
    /// attached).
    backlog: Option<Backlog>,
    /// The backlog's size (`repl-backlog-size`).
    pub backlog_size: usize,
    /// How often replicas get a keep-alive `PING` (`repl-ping-replica-period`).
    pub ping_period_secs: u64,
    /// How long a replica may go without acknowledging (`repl-timeout`).
    pub timeout_secs: u64,
    /// How long the backlog outlives the last replica (`repl-backlog-ttl`; 0:
    /// forever), and since when (Unix seconds) there has been none.
    pub backlog_ttl_secs: u64,
    no_replicas_since: Option<u64>,
    /// The replication cron's runs so far (one a second), and the second it last ran.
    cron_loops: u64,
    cron_secs: u64,
    /// Clients blocked in `WAIT`.
    pub ack_waiters: Vec<AckWaiter>,
    /// Counters of `INFO stats`: full synchronizations, and partial ones accepted
    /// and refused.
    pub sync_full: u64,
    /// See `sync_full`.
    pub sync_partial_ok: u64,
    /// See `sync_full`.
    pub sync_partial_err: u64,
    /// True while commands propagate: a replica attached (Redis's backlog exists) or
    /// the append-only file is fed, and no file is being loaded.
    active: bool,
    /// The append-only file takes commands ([`Aof::is_fed`]).
    aof_fed: bool,
    /// A file is being loaded: nothing propagates (Redis's `server.loading`).
    loading: bool,
    /// Where the commands a script calls go (`redis.set_repl`; [`TO_ALL`] outside
    /// scripts).
    pub script_targets: u8,
    /// Commands waiting for the end of the top-level command, with their database and
    /// where they go.
    pending: Vec<(usize, Vec<Bytes>, u8)>,
    /// The database the stream last selected; `None` makes the next command select.
    stream_db: Option<usize>,
    /// Bytes propagated since the stream began (`master_repl_offset`).
    pub offset: u64,
    /// The previous replication id (`master_replid2`; empty: none), valid up to
    /// `second_replid_offset`, after a replica was promoted or its master's id changed.
    pub replid2: String,
    /// See `replid2` (-1: none).
    pub second_replid_offset: i64,
    /// The master this server follows, if it is a replica ([`crate::replica`]).
    pub master: Option<crate::replica::MasterLink>,
    /// Counts REPLICAOF changes: a link thread of an older generation ends.
    pub link_generation: crate::replica::Generation,
    /// `replica-read-only`: clients other than the master may not write.
    pub read_only: bool,
    /// `replica-serve-stale-data`: commands run while the link is down.
    pub serve_stale_data: bool,
    /// `replica-ignore-maxmemory`: a replica evicts nothing and refuses nothing for
    /// `maxmemory`.
    pub ignore_maxmemory: bool,
    /// `min-replicas-to-write` and `min-replicas-max-lag`.
    pub min_replicas: (usize, u64),
}

impl Clone for Replication {
    /// A copy of a keyspace (a forked engine) has no replicas and no stream yet, only
    /// the settings.
    fn clone(&self) -> Self {
        Replication {
            replica_limit: self.replica_limit,
            backlog_size: self.backlog_size,
            ping_period_secs: self.ping_period_secs,
            timeout_secs: self.timeout_secs,
            backlog_ttl_secs: self.backlog_ttl_secs,
            read_only: self.read_only,
            serve_stale_data: self.serve_stale_data,
            ignore_maxmemory: self.ignore_maxmemory,
            min_replicas: self.min_replicas,
            ..Replication::default()
        }
    }
}

impl Default for Replication {
    fn default() -> Self {
        Replication {
            replicas: Vec::new(),
            replica_limit: BufferLimit::REPLICA,
            replid: String::new(),
            backlog: None,
            backlog_size: 1 << 20,
            ping_period_secs: 10,
            timeout_secs: 60,
            backlog_ttl_secs: 3600,
            no_replicas_since: None,
            cron_loops: 0,
            cron_secs: 0,
            ack_waiters: Vec::new(),
            sync_full: 0,
            sync_partial_ok: 0,
            sync_partial_err: 0,
            active: false,
            aof_fed: false,
            loading: false,
            script_targets: TO_ALL,
            pending: Vec::new(),
            stream_db: None,
            offset: 0,
            replid2: String::new(),
            second_replid_offset: -1,
            master: None,
            link_generation: Default::default(),
            read_only: true,
            serve_stale_data: true,
            ignore_maxmemory: true,
            min_replicas: (0, 10),
        }
    }
}

impl Replication {
    /// True when commands propagate (a replica attached). The one test a command
    /// pays while nothing is attached.
    #[inline]
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Attaches a replica: it receives everything propagated from now on. The first
    /// one makes the backlog, with `new_replid` as the replication id. After a full
    /// synchronization (`full`) the next command selects its database.
    pub fn attach_replica(&mut self, replica: Replica, full: bool, new_replid: String) {
        if self.replid.is_empty() {
            self.replid = new_replid;
        }
        self.ensure_backlog();
        self.replicas.push(replica);
        if full {
            self.stream_db = None;
        }
    }

    /// Makes the backlog if there is none, starting at the next byte.
    pub(crate) fn ensure_backlog(&mut self) {
        if self.backlog.is_none() {
            self.reset_backlog();
        }
    }

    /// Starts the backlog over, empty, at the next byte.
    pub(crate) fn reset_backlog(&mut self) {
        self.backlog = Some(Backlog {
            bytes: VecDeque::new(),
            first_offset: self.offset + 1,
        });
        self.refresh_active();
    }

    /// Commands propagate while there is a backlog, unless this server is a replica
    /// (which passes its master's stream on instead, [`Replication::feed_from_master`]),
    /// or while the append-only file is fed; never while a file loads.
    pub(crate) fn refresh_active(&mut self) {
        let to_replicas = self.backlog.is_some() && self.master.is_none();
        self.active = !self.loading && (to_replicas || self.aof_fed);
    }

    /// Whether the append-only file takes commands now (see [`Aof::is_fed`]).
    pub fn set_aof_fed(&mut self, fed: bool) {
        self.aof_fed = fed;
        self.refresh_active();
    }

    /// Where the stream stands, for a file to record (Redis's `rdbPopulateSaveInfo`):
    /// on a master with a backlog, the database its stream selected last (0 when
    /// the next command selects anyway); on a replica, the database its master's
    /// stream is in. `None` outside any replication chain.
    pub fn stream_position(&self) -> Option<crate::rdb::file::StreamPosition> {
        let db = match &self.master {
            Some(link) => link.master_db,
            None if self.backlog.is_some() => self.stream_db.unwrap_or(0),
            None => return None,
        };
        Some(crate::rdb::file::StreamPosition {
            db,
            replid: self.replid.as_bytes().try_into().ok()?,
            offset: self.offset,
        })
    }

    /// A master restarted from a file that recorded its stream (Redis 7.0's
    /// `loadDataFromDisk`): its history goes on under `new_replid` from the recorded
    /// offset, the recorded id staying valid up to there (`master_replid2`), so its
    /// replicas resume with PSYNC instead of a full copy.
    pub fn resume_after_restart(
        &mut self,
        position: crate::rdb::file::StreamPosition,
        new_replid: String,
    ) {
        self.replid = new_replid;
        self.replid2 = String::from_utf8_lossy(&position.replid).into_owned();
        self.second_replid_offset = position.offset as i64 + 1;
        self.offset = position.offset;
        self.reset_backlog();
        self.restart_stream();
    }

    /// True while a file loads.
    pub fn is_loading(&self) -> bool {
        self.loading
    }

    /// Marks the start or end of loading a file: nothing propagates meanwhile.
    pub fn set_loading(&mut self, loading: bool) {
        self.loading = loading;
        self.refresh_active();
    }

    /// The next command propagated selects its database first.
    pub(crate) fn restart_stream(&mut self) {
        self.stream_db = None;
    }

    /// Passes bytes of the master's stream, applied here, on to this server's
    /// replicas and backlog unchanged (Redis's
    /// `replicationFeedStreamFromMasterStream`): the offsets stay the master's.
    pub fn feed_from_master(&mut self, bytes: Bytes, now_ms: u64) {
        self.append(bytes, now_ms);
    }

    /// True when `min-replicas-to-write` replicas acknowledged within
    /// `min-replicas-max-lag` seconds of `now_secs` (Redis's
    /// `checkGoodReplicasStatus`), or the check is off, or this is a replica.
    pub fn has_good_replicas(&self, now_secs: u64) -> bool {
        let (wanted, max_lag) = self.min_replicas;
        wanted == 0 || max_lag == 0 || self.is_replica() || self.good_replicas(now_secs) >= wanted
    }

    /// Replicas that acknowledged within `min-replicas-max-lag` seconds of `now_secs`
    /// (`min_slaves_good_slaves`).
    pub fn good_replicas(&self, now_secs: u64) -> usize {
        let max_lag = self.min_replicas.1;
        self.replicas
            .iter()
            .filter(|replica| now_secs.saturating_sub(replica.ack_secs) <= max_lag)
            .count()
    }

    /// Frees the backlog once there has been no replica for `repl-backlog-ttl`
    /// seconds: writes stop propagating, and the next replica starts a new history
    /// (a new replication id), as in Redis.
    fn free_unused_backlog(&mut self, now_secs: u64) {
        if !self.replicas.is_empty() || self.backlog.is_none() || self.is_replica() {
            self.no_replicas_since = None;
            return;
        }
        let since = *self.no_replicas_since.get_or_insert(now_secs);
        if self.backlog_ttl_secs > 0 && now_secs.saturating_sub(since) > self.backlog_ttl_secs {
            self.backlog = None;
            self.replid.clear();
            self.refresh_active();
            self.no_replicas_since = None;
        }
    }

    /// Detaches the replica of client `id`; true when it was one.
    pub fn detach_replica(&mut self, id: u64) -> bool {
        let before = self.replicas.len();
        self.replicas.retain(|replica| replica.client_id != id);
        self.ack_waiters.retain(|waiter| waiter.client_id != id);
        before != self.replicas.len()
    }

    /// The replica of client `id`.
    pub fn replica_mut(&mut self, id: u64) -> Option<&mut Replica> {
        self.replicas
            .iter_mut()
            .find(|replica| replica.client_id == id)
    }

    /// How many replicas acknowledged at least `offset` (Redis's
    /// `replicationCountAcksByOffset`).
    pub fn acked(&self, offset: u64) -> usize {
        self.replicas
            .iter()
            .filter(|replica| replica.ack_offset >= offset)
            .count()
    }

    /// The backlog as INFO shows it: first byte's offset and length (`None` until a
    /// replica attached).
    pub fn backlog_span(&self) -> Option<(u64, u64)> {
        let backlog = self.backlog.as_ref()?;
        Some((backlog.first_offset, backlog.bytes.len() as u64))
    }

    /// The stream from `offset` (the next byte a reconnecting replica wants) on, if
    /// the backlog still holds it all (Redis's `masterTryPartialResynchronization`).
    pub fn backlog_from(&self, offset: u64) -> Option<Bytes> {
        let backlog = self.backlog.as_ref()?;
        let end = backlog.first_offset + backlog.bytes.len() as u64;
        if offset < backlog.first_offset || offset > end {
            return None;
        }
        let skip = (offset - backlog.first_offset) as usize;
        Some(backlog.bytes.iter().skip(skip).copied().collect())
    }

    /// Sends `argv` to the replicas without selecting a database (the keep-alive
    /// `PING`, `REPLCONF GETACK *`).
    pub fn send_to_replicas(&mut self, argv: &[Bytes], now_ms: u64) {
        // A replica's replicas get its master's stream and nothing else.
        if self.replicas.is_empty() || self.is_replica() {
            return;
        }
        let mut out = BytesMut::new();
        kvdb_resp::write::command(&mut out, argv);
        self.append(out.freeze(), now_ms);
    }

    /// Replication's part of the cron (Redis's `replicationCron`, run once a second):
    /// a keep-alive `PING` to the replicas every `repl-ping-replica-period` seconds.
    /// Answers the clients of replicas silent for longer than `repl-timeout`, to
    /// disconnect.
    pub fn cron(&mut self, now_ms: u64) -> Vec<u64> {
        let now = now_ms / 1000;
        if now == self.cron_secs {
            return Vec::new();
        }
        self.cron_secs = now;
        let loops = self.cron_loops;
        self.cron_loops += 1;
        if loops.is_multiple_of(self.ping_period_secs.max(1)) {
            self.send_to_replicas(&[Bytes::from_static(b"PING")], now_ms);
        }
        self.free_unused_backlog(now);
        self.replicas
            .iter()
            .filter(|replica| {
                !replica.pre_psync && now.saturating_sub(replica.ack_secs) > self.timeout_secs
            })
            .map(|replica| replica.client_id)
            .collect()
    }

    /// Queues `argv` to propagate in database `db` once the running command is done
    /// (Redis's `alsoPropagate`), to `targets` ([`TO_AOF`], [`TO_REPLICAS`]). Does
    /// nothing while nothing propagates.
    pub fn also_propagate(&mut self, db: usize, argv: Vec<Bytes>, targets: u8) {
        if self.active && targets != 0 {
            self.pending.push((db, argv, targets));
        }
    }

    /// Queues the deletion of a key the server expired or evicted, as `UNLINK` when
    /// `lazy` (the matching `lazyfree-lazy-*` setting), else as `DEL` (Redis's
    /// `propagateDeletion`).
    pub fn propagate_deletion(&mut self, db: usize, key: &[u8], lazy: bool) {
        if self.active {
            let command: &'static [u8] = if lazy { b"UNLINK" } else { b"DEL" };
            let argv = vec![Bytes::from_static(command), Bytes::copy_from_slice(key)];
            self.pending.push((db, argv, TO_ALL));
        }
    }

    /// Writes out what is pending (Redis's `propagatePendingCommands`) to the replicas
    /// and to `aof`: more than one command goes inside `MULTI`/`EXEC` (both of which go
    /// to both), unless `no_multi` (active expiry and eviction, or a command that
    /// touches arbitrary keys). A replica sends its own replicas nothing of this (they
    /// get its master's stream), but its append-only file gets what it applied.
    pub fn flush(&mut self, no_multi: bool, now_ms: u64, aof: &mut Aof) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let to_replicas = self.backlog.is_some() && !self.is_replica();
        let transaction = pending.len() > 1 && !no_multi;
        let mut out = BytesMut::new();
        let mut send = |replication: &mut Self, db: usize, argv: &[Bytes], targets: u8| {
            if targets & TO_REPLICAS != 0 && to_replicas {
                replication.write(&mut out, db, argv);
            }
            if targets & TO_AOF != 0 {
                aof.feed(db, argv, now_ms);
            }
        };
        if transaction {
            send(self, pending[0].0, &[Bytes::from_static(b"MULTI")], TO_ALL);
        }
        for (db, argv, targets) in &pending {
            send(self, *db, argv, *targets);
        }
        if let (true, Some((db, _, _))) = (transaction, pending.last()) {
            send(self, *db, &[Bytes::from_static(b"EXEC")], TO_ALL);
        }
        if !out.is_empty() {
            self.append(out.freeze(), now_ms);
        }
    }

    /// Encodes one command for the stream into `out`, selecting `db` first when the
    /// stream is on another (Redis's `replicationFeedSlaves`).
    fn write(&mut self, out: &mut BytesMut, db: usize, argv: &[Bytes]) {
        if self.stream_db != Some(db) {
            let number = Bytes::from(db.to_string());
            kvdb_resp::write::command(out, &[Bytes::from_static(b"SELECT"), number]);
            self.stream_db = Some(db);
        }
        kvdb_resp::write::command(out, argv);
    }

    /// Sends `bytes` of the stream to every replica and the backlog.
    fn append(&mut self, bytes: Bytes, now_ms: u64) {
        self.offset += bytes.len() as u64;
        for replica in &self.replicas {
            let size = bytes.len() as u64;
            replica
                .mailbox
                .post(Mail::Raw(bytes.clone()), size, self.replica_limit, now_ms);
        }
        if let Some(backlog) = &mut self.backlog {
            backlog.bytes.extend(bytes.iter());
            let excess = backlog.bytes.len().saturating_sub(self.backlog_size.max(1));
            if excess > 0 {
                backlog.bytes.drain(..excess);
                backlog.first_offset += excess as u64;
            }
        }
    }
}

impl crate::keyspace::Keyspace {
    /// Answers the `WAIT`s that enough replicas have acknowledged now, and sets what
    /// the others get on timeout to their count now (Redis's
    /// `processClientsWaitingReplicas` and `replicationCountAcksByOffset`).
    pub fn answer_ack_waiters(&mut self) {
        let waiters = std::mem::take(&mut self.replication.ack_waiters);
        for waiter in waiters {
            if !self.blocking.is_blocked_in(waiter.client_id, &waiter.slot) {
                continue; // timed out, unblocked or gone
            }
            let acked = self.replication.acked(waiter.offset);
            let reply = crate::reply::Reply::Int(acked as i64);
            if acked >= waiter.replicas {
                self.blocking.unblock(waiter.client_id);
                waiter.slot.fill(reply, None);
            } else {
                self.blocking.set_timeout_reply(waiter.client_id, reply);
                self.replication.ack_waiters.push(waiter);
            }
        }
    }
}

/// The last bytes of the stream (Redis's `repl_backlog`).
#[derive(Debug)]
struct Backlog {
    bytes: VecDeque<u8>,
    /// The stream offset of its first byte (the offset of a byte counts from 1).
    first_offset: u64,
}

/// A number as a propagated argument.
pub fn number(n: impl std::fmt::Display) -> Bytes {
    Bytes::from(n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::args::argv;

    /// Attaches a replica, answering its mailbox.
    fn attach(replication: &mut Replication) -> Arc<Mailbox> {
        let mailbox = Arc::new(Mailbox::default());
        let replica = Replica {
            client_id: 1,
            mailbox: mailbox.clone(),
            ip: "127.0.0.1".into(),
            listening_port: 0,
            ack_offset: 0,
            ack_secs: 0,
            pre_psync: true,
        };
        replication.attach_replica(replica, true, "0".repeat(40));
        mailbox
    }

    /// What reached a replica's mailbox.
    fn drain(mailbox: &Mailbox) -> Vec<u8> {
        let mut out = BytesMut::new();
        mailbox.deliver(crate::reply::Protocol::Resp2, &mut out);
        out.to_vec()
    }

    #[test]
    fn nothing_propagates_before_a_replica_attached() {
        let mut replication = Replication::default();
        replication.also_propagate(0, argv(&["set", "a", "1"]), TO_ALL);
        replication.flush(false, 0, &mut Aof::default());
        assert_eq!(replication.offset, 0);
    }

    #[test]
    fn first_command_selects_its_database() {
        let mut replication = Replication::default();
        let replica = attach(&mut replication);
        replication.also_propagate(9, argv(&["set", "a", "1"]), TO_ALL);
        replication.flush(false, 0, &mut Aof::default());
        replication.also_propagate(9, argv(&["del", "a"]), TO_ALL);
        replication.flush(false, 0, &mut Aof::default());
        assert_eq!(
            &drain(&replica)[..],
            b"*2\r\n$6\r\nSELECT\r\n$1\r\n9\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n\
              *2\r\n$3\r\ndel\r\n$1\r\na\r\n"
        );
    }

    #[test]
    fn several_commands_are_wrapped_in_multi_exec_unless_told_not_to() {
        let mut replication = Replication::default();
        let replica = attach(&mut replication);
        replication.also_propagate(0, argv(&["del", "a"]), TO_ALL);
        replication.also_propagate(1, argv(&["del", "b"]), TO_ALL);
        replication.flush(false, 0, &mut Aof::default());
        assert_eq!(
            &drain(&replica)[..],
            &b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n*2\r\n$3\r\ndel\r\n$1\r\na\r\n\
               *2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*2\r\n$3\r\ndel\r\n$1\r\nb\r\n*1\r\n$4\r\nEXEC\r\n"[..]
        );
        replication.also_propagate(1, argv(&["del", "c"]), TO_ALL);
        replication.also_propagate(1, argv(&["del", "d"]), TO_ALL);
        replication.flush(true, 0, &mut Aof::default());
        assert!(!drain(&replica).starts_with(b"*1\r\n$5\r\nMULTI"));
    }

    #[test]
    fn the_backlog_goes_once_no_replica_was_there_for_its_ttl() {
        let mut replication = Replication {
            backlog_ttl_secs: 10,
            ..Replication::default()
        };
        attach(&mut replication);
        replication.detach_replica(1);
        replication.cron(100_000);
        replication.cron(110_000);
        assert!(replication.is_active() && replication.backlog_span().is_some());
        replication.cron(111_000);
        assert!(!replication.is_active() && replication.backlog_span().is_none());
        assert!(replication.replid.is_empty());
        replication.also_propagate(0, argv(&["set", "a", "1"]), TO_ALL);
        assert!(replication.pending.is_empty());
    }

    #[test]
    fn offset_counts_every_byte_propagated() {
        let mut replication = Replication::default();
        let replica = attach(&mut replication);
        replication.also_propagate(0, argv(&["ping"]), TO_ALL);
        replication.flush(false, 0, &mut Aof::default());
        assert_eq!(replication.offset, drain(&replica).len() as u64);
    }
}
