//! Consumer groups of a stream, as Redis 7.0 keeps them.
//!
//! A group has the last ID delivered to it, a read counter (`entries_read`: how many
//! entries of the stream's history that ID stands for, unknown after some moves, and
//! with it the group's lag), a pending entries list (the PEL: every entry delivered
//! and not acknowledged yet, with its owner, last delivery time and delivery count)
//! and its consumers, each with the time it was last seen and the IDs of the group's
//! pending entries it owns. Groups and consumers are ordered by their names' bytes
//! and pending entries by ID, as Redis's radix trees order them: that order is the
//! order of every reply and of the RDB encoding.
//!
//! Times are Unix milliseconds, signed as Redis keeps them (a loaded payload may hold
//! any value, and idle times are differences of them).

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;

use super::{EntryPairs, Stream, StreamId};

/// One pending entry of a group: delivered, not acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEntry {
    /// The consumer it was last delivered to.
    pub consumer: Bytes,
    /// When it was last delivered (Unix ms).
    pub delivery_time: i64,
    /// How many times it was delivered.
    pub delivery_count: u64,
}

/// A consumer of a group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consumer {
    /// When it was created or last named by a read or a claim (Unix ms).
    pub seen_time: i64,
    /// The IDs of the group's pending entries it owns.
    pub pending: BTreeSet<StreamId>,
}

/// A consumer group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerGroup {
    /// The last ID delivered: `>` reads continue after it.
    pub last_id: StreamId,
    /// The read counter of `last_id`, `None` when unknown.
    pub entries_read: Option<i64>,
    /// The pending entries, by ID.
    pub pending: BTreeMap<StreamId, PendingEntry>,
    /// The consumers, by name.
    pub consumers: BTreeMap<Bytes, Consumer>,
}

/// How a claim changes a pending entry's delivery count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountUpdate {
    /// Set to this (XCLAIM's RETRYCOUNT).
    Set(u64),
    /// One more delivery.
    Increment,
    /// Left alone (JUSTID).
    Keep,
}

/// Who claims pending entries, and which: XCLAIM's and XAUTOCLAIM's common arguments.
#[derive(Debug, Clone, Copy)]
pub struct Claimant<'a> {
    /// The group.
    pub group: &'a [u8],
    /// The consumer that takes the entries (created, seen now, on the first one).
    pub consumer: &'a Bytes,
    /// Only entries idle for at least this many ms are taken (0: any).
    pub min_idle: i64,
    /// The time of the claim (Unix ms).
    pub now: i64,
    /// Record every pending entry changed or dropped, for replication.
    pub record: bool,
}

/// A pending entry a claim changed (as it is after the change) or dropped (as it was):
/// what replicas are told of it, as an XCLAIM. `at` is the entry's position among the
/// IDs asked for (XCLAIM) or its ID's place in the scan (XAUTOCLAIM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimChange {
    /// The pending entry's ID.
    pub id: StreamId,
    /// Its position among XCLAIM's IDs (0 for XAUTOCLAIM).
    pub at: usize,
    /// The pending entry after the change, or before it was dropped.
    pub entry: PendingEntry,
}

/// What XCLAIM did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claimed {
    /// The IDs now owned by the claiming consumer, in the order asked.
    pub ids: Vec<StreamId>,
    /// Pending entries dropped because their stream entry is gone.
    pub dropped: usize,
    /// True when the claiming consumer had to be created.
    pub consumer_created: bool,
    /// With [`Claimant::record`], each change in the order made.
    pub changes: Vec<ClaimChange>,
}

/// What XAUTOCLAIM did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutoClaimed {
    /// Where the next call should start (`0-0` when the scan reached the end).
    pub cursor: StreamId,
    /// The IDs now owned by the claiming consumer, in ID order.
    pub ids: Vec<StreamId>,
    /// Pending IDs dropped because their stream entry is gone.
    pub deleted: Vec<StreamId>,
    /// True when the claiming consumer had to be created.
    pub consumer_created: bool,
    /// With [`Claimant::record`], each change in the order made.
    pub changes: Vec<ClaimChange>,
}

impl ConsumerGroup {
    /// A group that continues after `last_id`, with the read counter given.
    pub fn new(last_id: StreamId, entries_read: Option<i64>) -> ConsumerGroup {
        ConsumerGroup {
            last_id,
            entries_read,
            ..ConsumerGroup::default()
        }
    }

    /// The consumer `name`, seen now: created if missing (answered `true`).
    pub fn touch_consumer(&mut self, name: &[u8], now: i64) -> (&mut Consumer, bool) {
        let created = !self.consumers.contains_key(name);
        let consumer = self
            .consumers
            .entry(Bytes::copy_from_slice(name))
            .or_default();
        consumer.seen_time = now;
        (consumer, created)
    }

    /// Creates the consumer `name` unless it exists (XGROUP CREATECONSUMER); true
    /// when created. An existing consumer is not refreshed.
    pub fn create_consumer(&mut self, name: &[u8], now: i64) -> bool {
        if self.consumers.contains_key(name) {
            return false;
        }
        self.touch_consumer(name, now);
        true
    }

    /// Deletes the consumer `name` and its pending entries; answers how many it had,
    /// `None` when there is no such consumer.
    pub fn delete_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let consumer = self.consumers.remove(name)?;
        for id in &consumer.pending {
            self.pending.remove(id);
        }
        Some(consumer.pending.len())
    }

    /// Acknowledges `id`: it leaves the group's PEL and its owner's. True when it was
    /// pending.
    pub fn ack(&mut self, id: StreamId) -> bool {
        self.drop_pending(id).is_some()
    }

    /// Removes the pending entry `id` from the group and its owner.
    fn drop_pending(&mut self, id: StreamId) -> Option<PendingEntry> {
        let entry = self.pending.remove(&id)?;
        if let Some(owner) = self.consumers.get_mut(&entry.consumer) {
            owner.pending.remove(&id);
        }
        Some(entry)
    }

    /// Records the delivery of `id` to `consumer` (which exists): a new pending entry,
    /// or one taken over from its previous owner, delivered once, now.
    fn deliver(&mut self, id: StreamId, consumer: &Bytes, now: i64) {
        if let Some(previous) = self.pending.get(&id).map(|entry| entry.consumer.clone()) {
            if let Some(owner) = self.consumers.get_mut(&previous) {
                owner.pending.remove(&id);
            }
        }
        self.pending.insert(
            id,
            PendingEntry {
                consumer: consumer.clone(),
                delivery_time: now,
                delivery_count: 1,
            },
        );
        if let Some(owner) = self.consumers.get_mut(consumer) {
            owner.pending.insert(id);
        }
    }

    /// Gives the pending entry `id` to `consumer` (which exists), delivered at
    /// `delivery_time`, its count changed by `count`.
    fn give(&mut self, id: StreamId, consumer: &Bytes, delivery_time: i64, count: CountUpdate) {
        let Some(entry) = self.pending.get_mut(&id) else {
            return;
        };
        entry.delivery_time = delivery_time;
        match count {
            CountUpdate::Set(n) => entry.delivery_count = n,
            CountUpdate::Increment => entry.delivery_count = entry.delivery_count.wrapping_add(1),
            CountUpdate::Keep => {}
        }
        if entry.consumer != *consumer {
            let previous = std::mem::replace(&mut entry.consumer, consumer.clone());
            if let Some(owner) = self.consumers.get_mut(&previous) {
                owner.pending.remove(&id);
            }
            if let Some(owner) = self.consumers.get_mut(consumer) {
                owner.pending.insert(id);
            }
        }
    }
}

/// Time since `then`, as Redis computes it (wrapping like C's signed arithmetic).
pub fn elapsed(now: i64, then: i64) -> i64 {
    now.wrapping_sub(then)
}

impl Stream {
    /// True when `id` is a live entry.
    pub fn entry_exists(&self, id: StreamId) -> bool {
        !self.range(id, id, false, 1).is_empty()
    }

    /// Whether a deleted entry may lie between `start` and `end` (Redis's
    /// `streamRangeHasTombstones`, which only knows the largest deleted ID).
    pub fn range_has_tombstones(&self, start: StreamId, end: StreamId) -> bool {
        if self.is_empty() || self.max_deleted_id.is_zero() || self.first_id > self.max_deleted_id {
            return false;
        }
        start <= self.max_deleted_id && self.max_deleted_id <= end
    }

    /// The read counter of `id`: how many entries were added up to it, when that can
    /// be told (Redis's `streamEstimateDistanceFromFirstEverEntry`).
    pub fn estimate_entries_read(&self, id: StreamId) -> Option<i64> {
        let added = self.entries_added as i64;
        if self.entries_added == 0 {
            return Some(0);
        }
        if self.is_empty() && id <= self.last_id {
            return Some(added);
        }
        match id.cmp(&self.last_id) {
            std::cmp::Ordering::Equal => return Some(added),
            std::cmp::Ordering::Greater => return None,
            std::cmp::Ordering::Less => {}
        }
        if self.max_deleted_id.is_zero() || self.max_deleted_id < self.first_id {
            // Nothing deleted after the first entry: the counter is exact from there.
            let before_first = added.wrapping_sub(self.len() as i64);
            match id.cmp(&self.first_id) {
                std::cmp::Ordering::Less => return Some(before_first),
                std::cmp::Ordering::Equal => return Some(before_first.wrapping_add(1)),
                std::cmp::Ordering::Greater => {}
            }
        }
        None
    }

    /// A group's lag: entries added and not yet delivered to it, `None` when unknown.
    pub fn group_lag(&self, group: &ConsumerGroup) -> Option<i64> {
        let added = self.entries_added as i64;
        if self.entries_added == 0 {
            return Some(0);
        }
        if let Some(read) = group.entries_read {
            if !self.range_has_tombstones(group.last_id, StreamId::MAX) {
                return Some(added.wrapping_sub(read));
            }
        }
        self.estimate_entries_read(group.last_id)
            .map(|read| added.wrapping_sub(read))
    }

    /// Delivers to `consumer` of group `name` (both exist) at most `count` (0: no
    /// limit) entries from `start` on, as XREADGROUP `>` does: the group's last ID and
    /// read counter follow each entry past them and, unless `noack`, each entry
    /// becomes pending for the consumer. Answers the entries; `None` for no such group.
    pub fn deliver_new(
        &mut self,
        name: &[u8],
        consumer: &Bytes,
        start: StreamId,
        count: usize,
        noack: bool,
        now: i64,
    ) -> Option<Vec<EntryPairs>> {
        let entries = self.range(start, StreamId::MAX, false, count);
        // What the counter needs from the stream, per entry, before the group is
        // borrowed mutably.
        let counters: Vec<(bool, Option<i64>)> = entries
            .iter()
            .map(|(id, _)| {
                (
                    self.range_has_tombstones(*id, StreamId::MAX),
                    self.estimate_entries_read(*id),
                )
            })
            .collect();
        let ever_added = self.entries_added > 0;
        let group = self.groups.get_mut(name)?;
        for ((id, _), (tombstones_ahead, estimate)) in entries.iter().zip(counters) {
            if *id > group.last_id {
                match group.entries_read {
                    Some(read) if !tombstones_ahead => {
                        group.entries_read = Some(read.wrapping_add(1))
                    }
                    _ if ever_added => group.entries_read = estimate,
                    _ => {}
                }
                group.last_id = *id;
            }
            if !noack {
                group.deliver(*id, consumer, now);
            }
        }
        Some(entries)
    }

    /// Re-delivers the entries `consumer` of group `name` has pending from `start` on
    /// (at most `count`, 0: all), as XREADGROUP with an ID does: each entry with its
    /// fields, or `None` for an entry deleted since (whose pending entry stays).
    /// Delivered entries count one more delivery, now.
    pub fn deliver_history(
        &mut self,
        name: &[u8],
        consumer: &[u8],
        start: StreamId,
        count: usize,
        now: i64,
    ) -> Vec<(StreamId, Option<Vec<Bytes>>)> {
        let ids: Vec<StreamId> = self
            .groups
            .get(name)
            .and_then(|group| group.consumers.get(consumer))
            .map(|consumer| {
                let ids = consumer.pending.range(start..).copied();
                match count {
                    0 => ids.collect(),
                    n => ids.take(n).collect(),
                }
            })
            .unwrap_or_default();
        let found: Vec<(StreamId, Option<Vec<Bytes>>)> = ids
            .into_iter()
            .map(|id| {
                (
                    id,
                    self.range(id, id, false, 1).pop().map(|(_, pairs)| pairs),
                )
            })
            .collect();
        if let Some(group) = self.groups.get_mut(name) {
            for (id, pairs) in &found {
                if pairs.is_none() {
                    continue;
                }
                if let Some(entry) = group.pending.get_mut(id) {
                    entry.delivery_time = now;
                    entry.delivery_count = entry.delivery_count.wrapping_add(1);
                }
            }
        }
        found
    }

    /// XCLAIM: gives the claimant the pending entries `ids` idle long enough,
    /// delivered at `delivery_time` with their counts changed by `count`; with `force`,
    /// entries not pending are claimed too. Pending entries whose stream entry is gone
    /// are dropped. `None` for no such group.
    pub fn claim(
        &mut self,
        who: &Claimant<'_>,
        ids: &[StreamId],
        delivery_time: i64,
        count: CountUpdate,
        force: bool,
    ) -> Option<Claimed> {
        let Claimant {
            group: name,
            consumer,
            min_idle,
            now,
            record,
        } = *who;
        let exists: Vec<bool> = ids.iter().map(|id| self.entry_exists(*id)).collect();
        let group = self.groups.get_mut(name)?;
        let mut claimed = Claimed::default();
        let mut consumer_seen = false;
        for (at, (&id, exists)) in ids.iter().zip(exists).enumerate() {
            if !exists {
                if let Some(entry) = group.drop_pending(id) {
                    claimed.dropped += 1;
                    if record {
                        claimed.changes.push(ClaimChange { id, at, entry });
                    }
                }
                continue;
            }
            let fresh = match group.pending.get(&id) {
                Some(entry) => {
                    if min_idle > 0 && elapsed(now, entry.delivery_time) < min_idle {
                        continue;
                    }
                    false
                }
                None if force => true,
                None => continue,
            };
            if !consumer_seen {
                consumer_seen = true;
                claimed.consumer_created = group.touch_consumer(consumer, now).1;
            }
            if fresh {
                // A forced claim of an entry nobody has pending: delivered once so
                // far, and no idle time applies.
                group.deliver(id, consumer, now);
            }
            group.give(id, consumer, delivery_time, count);
            claimed.ids.push(id);
            if let (true, Some(entry)) = (record, group.pending.get(&id)) {
                let entry = entry.clone();
                claimed.changes.push(ClaimChange { id, at, entry });
            }
        }
        Some(claimed)
    }

    /// XAUTOCLAIM: scans the group's pending entries from `start`, giving the
    /// claimant those idle long enough, now, one more delivery each unless `just_id`;
    /// entries whose stream entry is gone are dropped and reported. Answers at most
    /// `count` entries (claimed and dropped together) after examining at most ten
    /// times as many. `None` for no such group.
    pub fn auto_claim(
        &mut self,
        who: &Claimant<'_>,
        start: StreamId,
        count: u64,
        just_id: bool,
    ) -> Option<AutoClaimed> {
        let Claimant {
            group: name,
            consumer,
            min_idle,
            now,
            record,
        } = *who;
        let mut attempts = count.saturating_mul(10);
        let mut left = count;
        let candidates: Vec<StreamId> = {
            let group = self.groups.get(name)?;
            // Every attempt examines one pending entry: no more can be examined.
            let most = usize::try_from(attempts).unwrap_or(usize::MAX);
            group
                .pending
                .range(start..)
                .map(|(id, _)| *id)
                .take(most)
                .collect()
        };
        let exists: Vec<bool> = candidates.iter().map(|id| self.entry_exists(*id)).collect();
        let group = self.groups.get_mut(name)?;
        let mut done = AutoClaimed::default();
        let mut consumer_seen = false;
        let mut resume = Some(start);
        for (&id, exists) in candidates.iter().zip(exists) {
            if attempts == 0 || left == 0 {
                break;
            }
            attempts -= 1;
            resume = id.successor();
            if !exists {
                if let (true, Some(entry)) = (record, group.drop_pending(id)) {
                    done.changes.push(ClaimChange { id, at: 0, entry });
                }
                done.deleted.push(id);
                left -= 1;
                continue;
            }
            let idle = group
                .pending
                .get(&id)
                .map_or(0, |entry| elapsed(now, entry.delivery_time));
            if min_idle > 0 && idle < min_idle {
                continue;
            }
            if !consumer_seen {
                consumer_seen = true;
                done.consumer_created = group.touch_consumer(consumer, now).1;
            }
            let update = match just_id {
                true => CountUpdate::Keep,
                false => CountUpdate::Increment,
            };
            group.give(id, consumer, now, update);
            done.ids.push(id);
            if let (true, Some(entry)) = (record, group.pending.get(&id)) {
                let entry = entry.clone();
                done.changes.push(ClaimChange { id, at: 0, entry });
            }
            left -= 1;
        }
        done.cursor = resume
            .and_then(|from| group.pending.range(from..).next().map(|(id, _)| *id))
            .unwrap_or(StreamId::MIN);
        Some(done)
    }

    /// An estimate of the heap bytes the groups use.
    pub(super) fn groups_heap_size(&self) -> usize {
        let pending = std::mem::size_of::<PendingEntry>() + 16 + 32;
        self.groups
            .iter()
            .map(|(name, group)| {
                std::mem::size_of::<ConsumerGroup>()
                    + name.len()
                    + group.pending.len() * pending
                    + group
                        .consumers
                        .iter()
                        .map(|(name, consumer)| {
                            std::mem::size_of::<Consumer>()
                                + name.len()
                                + consumer.pending.len() * 24
                        })
                        .sum::<usize>()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::stream::{NewId, NodeLimits};

    fn stream_of(ids: &[u64]) -> Stream {
        let mut stream = Stream::default();
        for &ms in ids {
            let pairs = [Bytes::from_static(b"f"), Bytes::from(ms.to_string())];
            stream
                .append(
                    NewId::Exact(StreamId::new(ms, 0)),
                    &pairs,
                    NodeLimits::default(),
                    0,
                )
                .unwrap();
        }
        stream
    }

    fn id(ms: u64) -> StreamId {
        StreamId::new(ms, 0)
    }

    fn with_group(stream: &mut Stream, consumer: &str) -> Bytes {
        stream.groups.insert(
            Bytes::from_static(b"g"),
            ConsumerGroup::new(StreamId::MIN, Some(0)),
        );
        let name = Bytes::copy_from_slice(consumer.as_bytes());
        stream
            .groups
            .get_mut(&b"g"[..])
            .unwrap()
            .touch_consumer(&name, 0);
        name
    }

    #[test]
    fn a_read_makes_entries_pending_and_moves_the_counter() {
        let mut stream = stream_of(&[1, 2, 3]);
        let alice = with_group(&mut stream, "alice");
        let got = stream
            .deliver_new(b"g", &alice, id(1), 2, false, 100)
            .unwrap();
        assert_eq!(got.len(), 2);
        let group = &stream.groups[&b"g"[..]];
        assert_eq!(group.last_id, id(2));
        assert_eq!(group.entries_read, Some(2));
        assert_eq!(stream.group_lag(group), Some(1));
        assert_eq!(group.pending.len(), 2);
        assert_eq!(group.consumers[&alice].pending.len(), 2);
    }

    #[test]
    fn a_redelivery_to_another_consumer_moves_ownership_and_resets_the_count() {
        let mut stream = stream_of(&[1, 2]);
        let alice = with_group(&mut stream, "alice");
        stream.deliver_new(b"g", &alice, id(1), 0, false, 100);
        let group = stream.groups.get_mut(&b"g"[..]).unwrap();
        let bob = Bytes::from_static(b"bob");
        group.touch_consumer(&bob, 5);
        group.last_id = StreamId::MIN;
        stream.deliver_new(b"g", &bob, id(1), 1, false, 200);
        let group = &stream.groups[&b"g"[..]];
        assert_eq!(group.pending[&id(1)].consumer, bob);
        assert_eq!(group.pending[&id(1)].delivery_count, 1);
        assert!(!group.consumers[&alice].pending.contains(&id(1)));
        assert!(group.consumers[&bob].pending.contains(&id(1)));
    }

    #[test]
    fn history_counts_deliveries_and_reports_deleted_entries() {
        let mut stream = stream_of(&[1, 2]);
        let alice = with_group(&mut stream, "alice");
        stream.deliver_new(b"g", &alice, id(1), 0, false, 100);
        stream.delete(&[id(1)]);
        let got = stream.deliver_history(b"g", &alice, StreamId::MIN, 0, 300);
        assert_eq!(got[0], (id(1), None));
        assert!(got[1].1.is_some());
        let group = &stream.groups[&b"g"[..]];
        assert_eq!(group.pending[&id(1)].delivery_count, 1);
        assert_eq!(group.pending[&id(2)].delivery_count, 2);
        assert_eq!(group.pending[&id(2)].delivery_time, 300);
    }

    #[test]
    fn the_counter_is_unknown_past_a_deletion() {
        let mut stream = stream_of(&[1, 2, 3, 4]);
        let alice = with_group(&mut stream, "alice");
        stream.delete(&[id(3)]);
        stream.deliver_new(b"g", &alice, id(1), 1, true, 0);
        let group = &stream.groups[&b"g"[..]];
        assert_eq!(group.entries_read, None, "an estimate inside a hole fails");
        assert_eq!(stream.group_lag(group), None);
        assert_eq!(stream.estimate_entries_read(id(4)), Some(4));
        assert_eq!(stream.estimate_entries_read(id(9)), None);
    }

    #[test]
    fn claims_respect_idle_time_and_drop_deleted_entries() {
        let mut stream = stream_of(&[1, 2, 3]);
        let alice = with_group(&mut stream, "alice");
        stream.deliver_new(b"g", &alice, id(1), 0, false, 100);
        stream.delete(&[id(3)]);
        let bob = Bytes::from_static(b"bob");
        let ids = [id(1), id(2), id(3)];
        let mut who = Claimant {
            group: b"g",
            consumer: &bob,
            min_idle: 500,
            now: 150,
            record: false,
        };
        let increment = CountUpdate::Increment;
        let none = stream.claim(&who, &ids, 150, increment, false).unwrap();
        assert!(none.ids.is_empty() && !none.consumer_created);
        assert_eq!(none.dropped, 1);
        who.min_idle = 50;
        let some = stream.claim(&who, &ids, 150, increment, false).unwrap();
        assert_eq!(some.ids, [id(1), id(2)]);
        assert!(some.consumer_created);
        let group = &stream.groups[&b"g"[..]];
        assert_eq!(group.pending[&id(1)].delivery_count, 2);
        assert!(group.consumers[&alice].pending.is_empty());
    }

    #[test]
    fn a_forced_claim_creates_the_pending_entry() {
        let mut stream = stream_of(&[1]);
        with_group(&mut stream, "alice");
        let bob = Bytes::from_static(b"bob");
        let who = Claimant {
            group: b"g",
            consumer: &bob,
            min_idle: 0,
            now: 9,
            record: false,
        };
        let claimed = stream
            .claim(&who, &[id(1)], 7, CountUpdate::Increment, true)
            .unwrap();
        assert_eq!(claimed.ids, [id(1)]);
        let entry = &stream.groups[&b"g"[..]].pending[&id(1)];
        assert_eq!((entry.delivery_time, entry.delivery_count), (7, 2));
    }

    #[test]
    fn auto_claim_pages_with_a_cursor() {
        let mut stream = stream_of(&[1, 2, 3, 4]);
        let alice = with_group(&mut stream, "alice");
        stream.deliver_new(b"g", &alice, id(1), 0, false, 0);
        stream.delete(&[id(2)]);
        let bob = Bytes::from_static(b"bob");
        let who = Claimant {
            group: b"g",
            consumer: &bob,
            min_idle: 0,
            now: 10,
            record: false,
        };
        let first = stream.auto_claim(&who, StreamId::MIN, 2, false).unwrap();
        assert_eq!(first.ids, [id(1)]);
        assert_eq!(first.deleted, [id(2)]);
        assert_eq!(first.cursor, id(3));
        let second = stream.auto_claim(&who, id(3), 5, true).unwrap();
        assert_eq!(second.ids, [id(3), id(4)]);
        assert_eq!(second.cursor, StreamId::MIN);
    }
}
