//! Clients blocked on keys (BLPOP, BLMOVE, BLMPOP, BZPOPMIN, BZMPOP, XREAD, XREADGROUP...),
//! and the
//! hand-off of their replies.
//!
//! Redis's rules, kept here: waiters on a key are served first-come first-served; a
//! key is served right after the command (or the whole EXEC) that made it ready, under
//! the same lock, so the writer's next command already sees the element gone; a
//! waiter that times out gets a null array. The reply travels through a [`BlockSlot`],
//! which a connection awaits as a future and an in-process caller waits on.
//!
//! An element popped for a client is never lost: until the client's connection has
//! written the reply, the slot remembers how to put the element back, and a client
//! that disconnects first returns it to its list.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use parking_lot::{Condvar, Mutex};

use crate::command::list::End;
use crate::command::zset::PopEnd;
use crate::reply::{Protocol, Reply};
use crate::types::stream::StreamId;
use crate::types::Value;

/// What a blocked command does once one of its keys is ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockedOp {
    /// BLPOP/BRPOP (`count: None`, answers `[key, element]`) or BLMPOP (`[key,
    /// [elements]]`).
    Pop {
        /// Which end to pop from.
        end: End,
        /// BLMPOP's count.
        count: Option<usize>,
    },
    /// BLMOVE / BRPOPLPUSH.
    Move {
        /// Where the element goes.
        destination: Bytes,
        /// The source end.
        from: End,
        /// The destination end.
        to: End,
    },
    /// BZPOPMIN/BZPOPMAX (`count: None`, answers `[key, member, score]`) or BZMPOP
    /// (`[key, [[member, score], ...]]`).
    ZPop {
        /// Which end to pop from.
        end: PopEnd,
        /// BZMPOP's count.
        count: Option<usize>,
    },
    /// XREADGROUP `>`: entries new to a group, on whichever stream gets one first.
    XReadGroup {
        /// The group.
        group: Bytes,
        /// The consumer reading.
        consumer: Bytes,
        /// NOACK: delivered entries do not become pending.
        noack: bool,
        /// How many entries to answer at most.
        count: usize,
    },
    /// XREAD: entries after an ID, on whichever stream gets one first.
    XRead {
        /// Each key with the ID the client waits after (a key given twice keeps its
        /// first ID, as in Redis).
        streams: Vec<(Bytes, StreamId)>,
        /// How many entries to answer at most.
        count: usize,
    },
}

impl BlockedOp {
    /// True when `value`, now under `key`, has something for this operation: a list
    /// for the list pops, a sorted set for the sorted-set pops, a stream whose last
    /// ID passed the one XREAD waits after, or the last one its group delivered (or
    /// that lost the group, which XREADGROUP is told).
    pub fn can_serve(&self, key: &[u8], value: &Value) -> bool {
        match (self, value) {
            (BlockedOp::Pop { .. } | BlockedOp::Move { .. }, Value::List(_)) => true,
            (BlockedOp::ZPop { .. }, Value::ZSet(_)) => true,
            (BlockedOp::XReadGroup { group, .. }, Value::Stream(stream)) => stream
                .groups
                .get(group)
                .is_none_or(|group| stream.last_id > group.last_id),
            (BlockedOp::XRead { streams, .. }, Value::Stream(stream)) => {
                waited_after(streams, key).is_some_and(|after| stream.last_id > after)
            }
            _ => false,
        }
    }
}

/// The ID an XREAD waiter on `streams` waits after on `key` (its first mention).
pub fn waited_after(streams: &[(Bytes, StreamId)], key: &[u8]) -> Option<StreamId> {
    streams
        .iter()
        .find(|(waited, _)| waited.as_ref() == key)
        .map(|(_, id)| *id)
}

/// How to put back what was popped for a client that never received it.
#[derive(Debug, Clone, PartialEq)]
pub enum Restore {
    /// List elements popped from `end` of `key`, in pop order.
    List {
        /// The database.
        db: usize,
        /// The list.
        key: Bytes,
        /// The end they came from.
        end: End,
        /// The elements, first popped first.
        elements: Vec<Bytes>,
    },
    /// Sorted-set members with their scores.
    ZSet {
        /// The database.
        db: usize,
        /// The sorted set.
        key: Bytes,
        /// (member, score) pairs.
        members: Vec<(Bytes, f64)>,
    },
}

#[derive(Debug, Default)]
struct SlotState {
    reply: Option<Reply>,
    restore: Option<Restore>,
    waker: Option<Waker>,
    /// The client's connection closes once the reply is written.
    closes: bool,
}

/// Where a blocked client's reply is left for it.
#[derive(Debug, Default)]
pub struct BlockSlot {
    state: Mutex<SlotState>,
    filled: Condvar,
}

impl BlockSlot {
    /// Leaves `reply` (with how to undo it) and wakes the waiting client.
    pub fn fill(&self, reply: Reply, restore: Option<Restore>) {
        let mut state = self.state.lock();
        state.reply = Some(reply);
        state.restore = restore;
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
        self.filled.notify_all();
    }

    /// Leaves `reply` and has the client's connection closed once it is written.
    pub fn fill_and_close(&self, reply: Reply) {
        self.state.lock().closes = true;
        self.fill(reply, None);
    }

    /// True when the client's connection closes after this reply.
    pub fn closes_client(&self) -> bool {
        self.state.lock().closes
    }

    /// The reply, if it has arrived, with its undo information.
    pub fn take(&self) -> Option<(Reply, Option<Restore>)> {
        let mut state = self.state.lock();
        let reply = state.reply.take()?;
        Some((reply, state.restore.take()))
    }

    /// Waits up to `limit` for the reply to arrive; true when it has.
    pub fn wait(&self, limit: Duration) -> bool {
        let mut state = self.state.lock();
        if state.reply.is_none() {
            self.filled.wait_for(&mut state, limit);
        }
        state.reply.is_some()
    }
}

/// A future that completes once the slot holds a reply.
#[derive(Debug, Clone)]
pub struct SlotFilled(pub Arc<BlockSlot>);

impl Future for SlotFilled {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.state.lock();
        if state.reply.is_some() {
            return Poll::Ready(());
        }
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// One blocked client.
#[derive(Debug)]
pub struct Waiter {
    /// The client's database.
    pub db: usize,
    /// The client's protocol (some replies depend on it).
    pub protocol: Protocol,
    /// The keys it waits on, in the order given.
    pub keys: Vec<Bytes>,
    /// What it does when one of its keys is served (`None`: it waits for time only).
    pub op: Option<BlockedOp>,
    /// When it times out (Unix ms), if ever.
    pub deadline: Option<u64>,
    /// Where its reply goes.
    pub slot: Arc<BlockSlot>,
    /// The reply it gets on timeout.
    pub timeout_reply: Reply,
    /// The command it blocked in (its failure is counted there).
    pub command: Option<crate::command::CommandId>,
    /// The call that blocked, for the statistics taken when it is served.
    pub call: Option<BlockedCall>,
}

/// The call a client blocked in. Redis enters a blocked command in the slowlog and
/// the latency histogram only once it is served (`updateStatsOnUnblock`), with the
/// time of the call that blocked plus the time its reply took.
#[derive(Debug, Clone)]
pub struct BlockedCall {
    /// The command's arguments, as the slowlog shows them.
    pub argv: Vec<Bytes>,
    /// The client's address and name, for the slowlog.
    pub peer: String,
    /// The client's name.
    pub name: Bytes,
    /// Microseconds the call that blocked took.
    pub usec: u64,
}

/// Every blocked client of an engine, by client id and by key.
#[derive(Debug, Default)]
pub struct Blocking {
    waiters: HashMap<u64, Waiter>,
    by_key: HashMap<(usize, Bytes), VecDeque<u64>>,
    ready: VecDeque<(usize, Bytes)>,
    ready_set: HashSet<(usize, Bytes)>,
}

impl Clone for Blocking {
    /// A copy of a keyspace has no blocked clients.
    fn clone(&self) -> Self {
        Blocking::default()
    }
}

impl Blocking {
    /// True when no client is blocked (checked on every write).
    pub fn is_empty(&self) -> bool {
        self.waiters.is_empty()
    }

    /// Number of blocked clients (`INFO clients`).
    pub fn len(&self) -> usize {
        self.waiters.len()
    }

    /// Number of blocked clients with a deadline (`clients_in_timeout_table`).
    pub fn with_deadline(&self) -> usize {
        self.waiters
            .values()
            .filter(|w| w.deadline.is_some())
            .count()
    }

    /// Blocks client `id`.
    pub fn block(&mut self, id: u64, waiter: Waiter) {
        for key in &waiter.keys {
            let queue = self.by_key.entry((waiter.db, key.clone())).or_default();
            if !queue.contains(&id) {
                queue.push_back(id);
            }
        }
        self.waiters.insert(id, waiter);
    }

    /// Unblocks every blocked client with `error`, closing their connections once it
    /// is written (Redis's `disconnectAllBlockedClients`).
    pub fn disconnect_all(&mut self, error: &str) {
        let ids: Vec<u64> = self.waiters.keys().copied().collect();
        for id in ids {
            if let Some(waiter) = self.unblock(id) {
                let text = Bytes::copy_from_slice(error.as_bytes());
                waiter.slot.fill_and_close(Reply::Error(text));
            }
        }
    }

    /// Unblocks client `id`, answering its waiter if it was blocked.
    pub fn unblock(&mut self, id: u64) -> Option<Waiter> {
        let waiter = self.waiters.remove(&id)?;
        for key in &waiter.keys {
            let slot = (waiter.db, key.clone());
            if let Some(queue) = self.by_key.get_mut(&slot) {
                queue.retain(|&other| other != id);
                if queue.is_empty() {
                    self.by_key.remove(&slot);
                }
            }
        }
        Some(waiter)
    }

    /// True while client `id` is blocked in the block whose reply goes to `slot`.
    pub fn is_blocked_in(&self, id: u64, slot: &Arc<BlockSlot>) -> bool {
        self.waiters
            .get(&id)
            .is_some_and(|waiter| Arc::ptr_eq(&waiter.slot, slot))
    }

    /// Changes what client `id` gets if its block times out.
    pub fn set_timeout_reply(&mut self, id: u64, reply: Reply) {
        if let Some(waiter) = self.waiters.get_mut(&id) {
            waiter.timeout_reply = reply;
        }
    }

    /// `key` in `db` changed: if someone waits on it, serve them after this command.
    pub fn signal(&mut self, db: usize, key: &[u8]) {
        if self.waiters.is_empty() {
            return;
        }
        let slot = (db, Bytes::copy_from_slice(key));
        if self.by_key.contains_key(&slot) && self.ready_set.insert(slot.clone()) {
            self.ready.push_back(slot);
        }
    }

    /// Marks every waited-on key of `db` ready (SWAPDB brought in new contents).
    pub fn signal_db(&mut self, db: usize) {
        let keys: Vec<Bytes> = self
            .by_key
            .keys()
            .filter(|(d, _)| *d == db)
            .map(|(_, key)| key.clone())
            .collect();
        for key in keys {
            self.signal(db, &key);
        }
    }

    /// The next ready key, if any.
    pub fn next_ready(&mut self) -> Option<(usize, Bytes)> {
        let slot = self.ready.pop_front()?;
        self.ready_set.remove(&slot);
        Some(slot)
    }

    /// Keeps the call client `id` just blocked in (the command has returned by now).
    pub fn note_call(&mut self, id: u64, call: BlockedCall) {
        if let Some(waiter) = self.waiters.get_mut(&id) {
            waiter.call = Some(call);
        }
    }

    /// The clients blocked in XREADGROUP on `key` in `db`, longest-waiting first.
    pub fn group_readers(&self, db: usize, key: &Bytes) -> Vec<u64> {
        let Some(queue) = self.by_key.get(&(db, key.clone())) else {
            return Vec::new();
        };
        queue
            .iter()
            .copied()
            .filter(|id| {
                self.waiters
                    .get(id)
                    .is_some_and(|w| matches!(w.op, Some(BlockedOp::XReadGroup { .. })))
            })
            .collect()
    }

    /// The longest-waiting client on `key` in `db` whose operation `value` (the key's
    /// value now) can serve.
    pub fn first_waiter(&self, db: usize, key: &Bytes, value: &Value) -> Option<u64> {
        self.by_key
            .get(&(db, key.clone()))?
            .iter()
            .copied()
            .find(|id| {
                self.waiters.get(id).is_some_and(|waiter| {
                    waiter
                        .op
                        .as_ref()
                        .is_some_and(|op| op.can_serve(key, value))
                })
            })
    }

    /// Unblocks every client whose deadline is at or before `now_ms`, giving each its
    /// timeout reply; answers how many.
    pub fn time_out(&mut self, now_ms: u64) -> usize {
        let due: Vec<u64> = self
            .waiters
            .iter()
            .filter(|(_, waiter)| waiter.deadline.is_some_and(|at| at <= now_ms))
            .map(|(&id, _)| id)
            .collect();
        for &id in &due {
            if let Some(waiter) = self.unblock(id) {
                waiter.slot.fill(waiter.timeout_reply, None);
            }
        }
        due.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiter(keys: &[&str], deadline: Option<u64>) -> (Waiter, Arc<BlockSlot>) {
        let slot = Arc::new(BlockSlot::default());
        let waiter = Waiter {
            db: 0,
            protocol: Protocol::Resp2,
            keys: keys
                .iter()
                .map(|k| Bytes::copy_from_slice(k.as_bytes()))
                .collect(),
            op: Some(BlockedOp::Pop {
                end: End::Left,
                count: None,
            }),
            deadline,
            slot: slot.clone(),
            timeout_reply: Reply::NilArray,
            command: None,
            call: None,
        };
        (waiter, slot)
    }

    #[test]
    fn waiters_on_a_key_are_first_come_first_served() {
        let mut blocking = Blocking::default();
        blocking.block(1, waiter(&["k"], None).0);
        blocking.block(2, waiter(&["k"], None).0);
        let key = Bytes::from_static(b"k");
        let list = Value::List(Box::default());
        let zset = Value::ZSet(Box::default());
        assert_eq!(blocking.first_waiter(0, &key, &list), Some(1));
        blocking.unblock(1);
        assert_eq!(blocking.first_waiter(0, &key, &list), Some(2));
        assert_eq!(blocking.first_waiter(0, &key, &zset), None);
    }

    #[test]
    fn a_signal_readies_only_waited_keys_once() {
        let mut blocking = Blocking::default();
        blocking.block(1, waiter(&["a", "b"], None).0);
        blocking.signal(0, b"a");
        blocking.signal(0, b"a");
        blocking.signal(0, b"other");
        assert_eq!(blocking.next_ready(), Some((0, Bytes::from_static(b"a"))));
        assert_eq!(blocking.next_ready(), None);
    }

    #[test]
    fn a_passed_deadline_answers_the_timeout_reply() {
        let mut blocking = Blocking::default();
        let (first, slot) = waiter(&["k"], Some(100));
        blocking.block(1, first);
        blocking.block(2, waiter(&["k"], None).0);
        assert_eq!(blocking.time_out(99), 0);
        assert_eq!(blocking.time_out(100), 1);
        assert_eq!(slot.take().map(|(reply, _)| reply), Some(Reply::NilArray));
        assert_eq!(blocking.len(), 1);
    }
}
