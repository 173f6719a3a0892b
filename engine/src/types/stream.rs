//! Streams: entries with ever-growing IDs, each a list of field-value pairs, kept as
//! Redis 7.0 keeps them, so that everything Redis derives from its layout comes out
//! the same (`DUMP` bytes, XINFO's `radix-tree-*` figures, which entries a `~` trim
//! removes).
//!
//! Redis stores a stream as a radix tree of listpacks keyed by each listpack's
//! *master ID* (the ID of the first entry added to it). A listpack starts with a
//! master entry (live count, deleted count, the first entry's field names) and holds
//! entries whose IDs are deltas from the master ID and whose field names are left out
//! when they equal the master's. A listpack takes new entries until it reaches
//! `stream-node-max-bytes` or `stream-node-max-entries` (deleted entries count);
//! XDEL and an exact trim only flag entries deleted, and a listpack goes away as a
//! whole when its last live entry is deleted (or a trim takes all of it).
//!
//! Here a [`Node`] is one such listpack, decoded: its entries with their flags, the
//! master's field names, the two counters, and the listpack's exact byte size (which
//! decides when a node is full). [`Stream`] keeps the nodes in a `BTreeMap` by master
//! ID and the metadata Redis 7.0 keeps beside them: last generated ID, first live
//! ID as recorded, the largest deleted ID, and the number of entries ever added; and
//! its consumer groups by name ([`groups`]).

pub mod groups;

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use bytes::Bytes;

pub use groups::{ConsumerGroup, PendingEntry};

use crate::rdb::{listpack_entry_size, listpack_int_size, LISTPACK_OVERHEAD};

/// A stream entry ID: milliseconds and a sequence number, ordered as a pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId {
    /// The milliseconds part.
    pub ms: u64,
    /// The sequence part.
    pub seq: u64,
}

impl StreamId {
    /// `0-0`, the smallest ID (`-` in a range).
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    /// The largest ID (`+` in a range).
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    /// An ID from its two parts.
    pub const fn new(ms: u64, seq: u64) -> Self {
        StreamId { ms, seq }
    }

    /// The next ID, `None` after the largest (Redis's `streamIncrID`).
    pub fn successor(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (u64::MAX, u64::MAX) => None,
            (ms, u64::MAX) => Some(StreamId::new(ms + 1, 0)),
            (ms, seq) => Some(StreamId::new(ms, seq + 1)),
        }
    }

    /// The previous ID, `None` before `0-0` (Redis's `streamDecrID`).
    pub fn predecessor(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (0, 0) => None,
            (ms, 0) => Some(StreamId::new(ms - 1, u64::MAX)),
            (ms, seq) => Some(StreamId::new(ms, seq - 1)),
        }
    }

    /// True for `0-0`.
    pub fn is_zero(self) -> bool {
        self == StreamId::MIN
    }

    /// The `<ms>-<seq>` text replies carry.
    pub fn to_bytes(self) -> Bytes {
        Bytes::from(self.to_string())
    }

    /// The 16-byte big-endian form the radix tree keys nodes by.
    pub fn key_bytes(self) -> [u8; 16] {
        let mut key = [0u8; 16];
        key[..8].copy_from_slice(&self.ms.to_be_bytes());
        key[8..].copy_from_slice(&self.seq.to_be_bytes());
        key
    }

    /// The ID of a 16-byte big-endian radix tree key.
    pub fn from_key_bytes(key: &[u8; 16]) -> Self {
        let (ms, seq) = key.split_at(8);
        StreamId::new(
            u64::from_be_bytes(ms.try_into().unwrap_or_default()),
            u64::from_be_bytes(seq.try_into().unwrap_or_default()),
        )
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// The largest listpack Redis builds, and the largest total of an entry's fields
/// and values (`STREAM_LISTPACK_MAX_SIZE`).
pub const LISTPACK_MAX_SIZE: usize = 1 << 30;

/// When a node is full (`stream-node-max-bytes`, `stream-node-max-entries`; 0 means
/// no limit of that kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeLimits {
    /// `stream-node-max-bytes`.
    pub max_bytes: usize,
    /// `stream-node-max-entries`.
    pub max_entries: usize,
}

impl Default for NodeLimits {
    /// Redis's defaults: 4096 bytes, 100 entries.
    fn default() -> Self {
        NodeLimits {
            max_bytes: 4096,
            max_entries: 100,
        }
    }
}

/// Entry flag: deleted (a tombstone).
pub const FLAG_DELETED: i64 = 1;
/// Entry flag: the field names are the master entry's.
pub const FLAG_SAMEFIELDS: i64 = 2;

/// One entry as its listpack holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeEntry {
    /// The entry's ID.
    pub id: StreamId,
    /// Flagged deleted.
    pub deleted: bool,
    /// Its own field names, or `None` when they are the master entry's.
    pub fields: Option<Vec<Bytes>>,
    /// Its values, one per field.
    pub values: Vec<Bytes>,
}

impl NodeEntry {
    /// The flags element (`FLAG_*`).
    pub fn flags(&self) -> i64 {
        let mut flags = 0;
        if self.deleted {
            flags |= FLAG_DELETED;
        }
        if self.fields.is_none() {
            flags |= FLAG_SAMEFIELDS;
        }
        flags
    }

    /// How many listpack elements follow the flags up to the `lp-count` element
    /// (flags, the ID's two deltas, [field count and names], values).
    pub fn lp_count(&self) -> i64 {
        let fields = self.values.len() as i64;
        match self.fields {
            None => 3 + fields,
            Some(_) => 3 + 1 + 2 * fields,
        }
    }

    /// The ID's deltas from the master ID, as the listpack stores them (two's
    /// complement: Redis subtracts unsigned and stores a signed integer).
    pub fn deltas(&self, master: StreamId) -> (i64, i64) {
        (
            self.id.ms.wrapping_sub(master.ms) as i64,
            self.id.seq.wrapping_sub(master.seq) as i64,
        )
    }

    /// The listpack bytes this entry takes in a node of `master`.
    fn size(&self, master: StreamId) -> usize {
        let (ms, seq) = self.deltas(master);
        let mut size = listpack_int_size(self.flags()) + listpack_int_size(ms);
        size += listpack_int_size(seq) + listpack_int_size(self.lp_count());
        if let Some(fields) = &self.fields {
            size += listpack_int_size(fields.len() as i64);
            size += fields.iter().map(|f| listpack_entry_size(f)).sum::<usize>();
        }
        size + self
            .values
            .iter()
            .map(|v| listpack_entry_size(v))
            .sum::<usize>()
    }
}

/// One listpack of a stream, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The master entry's field names.
    pub master_fields: Vec<Bytes>,
    /// Every entry, deleted ones included, in ID order.
    pub entries: Vec<NodeEntry>,
    live: usize,
    deleted: usize,
    bytes: usize,
}

impl Node {
    /// A node holding `entries` under `master`, with counters taken from the flags.
    pub fn new(master: StreamId, master_fields: Vec<Bytes>, entries: Vec<NodeEntry>) -> Node {
        let deleted = entries.iter().filter(|e| e.deleted).count();
        let mut node = Node {
            master_fields,
            live: entries.len() - deleted,
            deleted,
            entries,
            bytes: 0,
        };
        node.bytes =
            node.master_size() + node.entries.iter().map(|e| e.size(master)).sum::<usize>();
        node
    }

    /// Header, end byte and master entry.
    fn master_size(&self) -> usize {
        LISTPACK_OVERHEAD
            + listpack_int_size(self.live as i64)
            + listpack_int_size(self.deleted as i64)
            + listpack_int_size(self.master_fields.len() as i64)
            + self
                .master_fields
                .iter()
                .map(|f| listpack_entry_size(f))
                .sum::<usize>()
            + listpack_int_size(0)
    }

    /// Live entries (the master entry's count).
    pub fn live(&self) -> usize {
        self.live
    }

    /// Entries flagged deleted (the master entry's deleted count).
    pub fn deleted(&self) -> usize {
        self.deleted
    }

    /// The listpack's size in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Sets the two counters, keeping the byte size exact.
    fn set_counts(&mut self, live: usize, deleted: usize) {
        self.bytes =
            self.bytes + listpack_int_size(live as i64) + listpack_int_size(deleted as i64)
                - listpack_int_size(self.live as i64)
                - listpack_int_size(self.deleted as i64);
        self.live = live;
        self.deleted = deleted;
    }

    /// The value of each field of `entry`: pairs of (field, value).
    pub fn pairs<'a>(
        &'a self,
        entry: &'a NodeEntry,
    ) -> impl Iterator<Item = (&'a Bytes, &'a Bytes)> {
        entry
            .fields
            .as_ref()
            .unwrap_or(&self.master_fields)
            .iter()
            .zip(&entry.values)
    }
}

/// How the ID of a new entry is chosen (XADD's `*`, `<ms>-*` or `<ms>-<seq>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewId {
    /// From the clock, or after the last ID when the clock is behind it.
    Auto,
    /// These milliseconds, with the next free sequence number.
    Ms(u64),
    /// Exactly this ID.
    Exact(StreamId),
}

/// Why an entry could not be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendError {
    /// The ID is not greater than the last generated ID.
    IdNotGreater,
    /// The fields and values are too large for a listpack, or `<ms>-*` has no
    /// sequence number left (Redis answers both with the same error).
    TooLarge,
}

/// What a trim keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrimStrategy {
    /// At most this many entries (MAXLEN).
    MaxLen(u64),
    /// No entry below this ID (MINID).
    MinId(StreamId),
}

/// A stream (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stream {
    nodes: BTreeMap<StreamId, Node>,
    length: u64,
    /// The last ID generated (or set by XSETID).
    pub last_id: StreamId,
    /// The first live entry's ID as recorded (0-0 when empty).
    pub first_id: StreamId,
    /// The largest ID ever deleted by XDEL (or set by XSETID).
    pub max_deleted_id: StreamId,
    /// Entries ever added.
    pub entries_added: u64,
    /// The consumer groups, by name.
    pub groups: BTreeMap<Bytes, ConsumerGroup>,
}

/// A live entry's ID and its fields and values, flat: field, value, field, value...
pub type EntryPairs = (StreamId, Vec<Bytes>);

impl Stream {
    /// A stream from loaded parts, as Redis loads one: the counts and IDs are taken
    /// as given. `None` when the nodes do not hold strictly increasing IDs, a node
    /// starts below its master ID, or the live entries do not add up to `length`.
    pub fn from_parts(nodes: BTreeMap<StreamId, Node>, length: u64) -> Option<Stream> {
        let mut previous: Option<StreamId> = None;
        let mut live = 0u64;
        for (master, node) in &nodes {
            if node.entries.first()?.id < *master {
                return None;
            }
            for entry in &node.entries {
                if previous.is_some_and(|p| p >= entry.id) {
                    return None;
                }
                previous = Some(entry.id);
            }
            live += node.live as u64;
        }
        (live == length).then_some(Stream {
            nodes,
            length,
            ..Stream::default()
        })
    }

    /// Number of live entries (XLEN).
    pub fn len(&self) -> u64 {
        self.length
    }

    /// True when no live entry is left (the key stays, unlike other types).
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The nodes, by master ID.
    pub fn nodes(&self) -> &BTreeMap<StreamId, Node> {
        &self.nodes
    }

    /// Adds an entry of `pairs` (field, value, field, value...) with an ID chosen by
    /// `new_id` (`now_ms` is the clock for [`NewId::Auto`]); answers the ID.
    pub fn append(
        &mut self,
        new_id: NewId,
        pairs: &[Bytes],
        limits: NodeLimits,
        now_ms: u64,
    ) -> Result<StreamId, AppendError> {
        let last = self.last_id;
        let id = match new_id {
            NewId::Exact(id) => id,
            NewId::Ms(ms) if ms == last.ms => {
                StreamId::new(ms, last.seq.checked_add(1).ok_or(AppendError::TooLarge)?)
            }
            NewId::Ms(ms) => StreamId::new(ms, 0),
            NewId::Auto if now_ms > last.ms => StreamId::new(now_ms, 0),
            NewId::Auto => last.successor().unwrap_or(StreamId::MIN),
        };
        if id <= last {
            return Err(AppendError::IdNotGreater);
        }
        let total: usize = pairs.iter().map(Bytes::len).sum();
        if total > LISTPACK_MAX_SIZE {
            return Err(AppendError::TooLarge);
        }
        let copied = |items: &mut dyn Iterator<Item = &Bytes>| -> Vec<Bytes> {
            items.map(|b| Bytes::copy_from_slice(b)).collect()
        };
        let fields = || pairs.iter().step_by(2);
        let values = copied(&mut pairs.iter().skip(1).step_by(2));
        let max_bytes = match limits.max_bytes {
            0 => LISTPACK_MAX_SIZE,
            n => n.min(LISTPACK_MAX_SIZE),
        };
        let tail = self.nodes.last_entry().filter(|tail| {
            let node = tail.get();
            node.bytes + total < max_bytes
                && (limits.max_entries == 0 || node.live + node.deleted < limits.max_entries)
        });
        match tail {
            Some(mut tail) => {
                let master = *tail.key();
                let node = tail.get_mut();
                let same = node.master_fields.len() * 2 == pairs.len()
                    && fields().zip(&node.master_fields).all(|(a, b)| a == b);
                let entry = NodeEntry {
                    id,
                    deleted: false,
                    fields: (!same).then(|| copied(&mut fields())),
                    values,
                };
                node.bytes += entry.size(master);
                node.entries.push(entry);
                node.set_counts(node.live + 1, node.deleted);
            }
            None => {
                let entry = NodeEntry {
                    id,
                    deleted: false,
                    fields: None,
                    values,
                };
                let node = Node::new(id, copied(&mut fields()), vec![entry]);
                self.nodes.insert(id, node);
            }
        }
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
        Ok(id)
    }

    /// Deletes the live entries among `ids` (XDEL), keeping the first ID and the
    /// largest deleted ID as Redis does; answers how many were deleted.
    pub fn delete(&mut self, ids: &[StreamId]) -> u64 {
        let mut deleted = 0;
        let mut first_deleted = false;
        for &id in ids {
            if !self.delete_entry(id) {
                continue;
            }
            first_deleted |= id == self.first_id;
            self.max_deleted_id = self.max_deleted_id.max(id);
            deleted += 1;
        }
        if deleted > 0 {
            if self.length == 0 {
                self.first_id = StreamId::MIN;
            } else if first_deleted {
                self.first_id = self.first_live_id().unwrap_or(StreamId::MAX);
            }
        }
        deleted
    }

    /// Flags the live entry `id` deleted; a node losing its last live entry goes.
    fn delete_entry(&mut self, id: StreamId) -> bool {
        let Some(mut cursor) = self.nodes.range_mut(..=id).next_back() else {
            return false;
        };
        let node = &mut cursor.1;
        let Ok(at) = node.entries.binary_search_by_key(&id, |e| e.id) else {
            return false;
        };
        if node.entries[at].deleted {
            return false;
        }
        if node.live == 1 {
            let master = *cursor.0;
            self.nodes.remove(&master);
        } else {
            node.entries[at].deleted = true;
            node.set_counts(node.live - 1, node.deleted + 1);
        }
        self.length -= 1;
        true
    }

    /// Trims from the oldest entries (Redis's `streamTrim`): whole nodes while that
    /// stays within the strategy, then — unless `approx` — entries of the next node
    /// flagged deleted one by one. `limit` (0: none) caps the entries removed, in
    /// whole nodes. Answers how many entries were removed.
    pub fn trim(&mut self, strategy: TrimStrategy, approx: bool, limit: u64) -> u64 {
        let mut removed = 0u64;
        let mut from = StreamId::MIN;
        while let Some((&master, node)) = self.nodes.range_mut(from..).next() {
            if let TrimStrategy::MaxLen(max) = strategy {
                if self.length <= max {
                    break;
                }
            }
            let live = node.live as u64;
            if limit > 0 && removed + live > limit {
                break;
            }
            let whole = match strategy {
                TrimStrategy::MaxLen(max) => self.length - live >= max,
                // The last entry, deleted or not, decides.
                TrimStrategy::MinId(min) => node.entries.last().is_some_and(|e| e.id < min),
            };
            if whole {
                self.nodes.remove(&master);
                self.length -= live;
                removed += live;
                from = master;
                continue;
            }
            if approx {
                break;
            }
            let mut flagged = 0;
            for entry in &mut node.entries {
                let stop = match strategy {
                    TrimStrategy::MaxLen(max) => self.length <= max,
                    TrimStrategy::MinId(min) => entry.id >= min,
                };
                if stop {
                    break;
                }
                if !entry.deleted {
                    entry.deleted = true;
                    flagged += 1;
                    self.length -= 1;
                }
            }
            node.set_counts(node.live - flagged, node.deleted + flagged);
            removed += flagged as u64;
            break;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if removed > 0 {
            self.first_id = self.first_live_id().unwrap_or(StreamId::MAX);
        }
        removed
    }

    /// The first entry's ID, deleted entries included, or `StreamId::MAX` when the
    /// stream holds none (`streamGetEdgeID` not skipping tombstones): what an
    /// approximate MINID trim propagates as its exact bound.
    pub fn first_entry_id(&self) -> StreamId {
        self.nodes
            .values()
            .find_map(|node| node.entries.first().map(|entry| entry.id))
            .unwrap_or(StreamId::MAX)
    }

    /// The first live entry's ID.
    pub fn first_live_id(&self) -> Option<StreamId> {
        self.range(StreamId::MIN, StreamId::MAX, false, 1)
            .first()
            .map(|(id, _)| *id)
    }

    /// The last live entry's ID (`streamLastValidID`).
    pub fn last_live_id(&self) -> Option<StreamId> {
        self.range(StreamId::MIN, StreamId::MAX, true, 1)
            .first()
            .map(|(id, _)| *id)
    }

    /// Live entries from `start` to `end` inclusive, backwards when `rev`, at most
    /// `count` of them (0: all).
    pub fn range(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
        count: usize,
    ) -> Vec<EntryPairs> {
        let mut found = Vec::new();
        if start > end {
            return found;
        }
        let full = |found: &Vec<EntryPairs>| count > 0 && found.len() >= count;
        let emit = |node: &Node, entry: &NodeEntry| -> EntryPairs {
            let pairs = node
                .pairs(entry)
                .flat_map(|(f, v)| [f.clone(), v.clone()])
                .collect();
            (entry.id, pairs)
        };
        if rev {
            for node in self.nodes.range(..=end).rev().map(|(_, n)| n) {
                let upto = node.entries.partition_point(|e| e.id <= end);
                for entry in node.entries[..upto].iter().rev() {
                    if entry.id < start {
                        return found;
                    }
                    if !entry.deleted {
                        found.push(emit(node, entry));
                        if full(&found) {
                            return found;
                        }
                    }
                }
            }
        } else {
            let first = self
                .nodes
                .range(..=start)
                .next_back()
                .map_or(StreamId::MIN, |(master, _)| *master);
            for node in self.nodes.range(first..).map(|(_, n)| n) {
                let from = node.entries.partition_point(|e| e.id < start);
                for entry in &node.entries[from..] {
                    if entry.id > end {
                        return found;
                    }
                    if !entry.deleted {
                        found.push(emit(node, entry));
                        if full(&found) {
                            return found;
                        }
                    }
                }
            }
        }
        found
    }

    /// Nodes of Redis's radix tree over the master IDs (XINFO `radix-tree-nodes`): the
    /// root, every key, every prefix where keys branch and every child of a branching
    /// prefix, as a radix tree with compressed single-child runs has them.
    pub fn radix_tree_nodes(&self) -> usize {
        let keys: Vec<[u8; 16]> = self.nodes.keys().map(|id| id.key_bytes()).collect();
        let mut prefixes: HashSet<&[u8]> = HashSet::new();
        prefixes.insert(&[]);
        for key in &keys {
            prefixes.insert(&key[..]);
        }
        for pair in keys.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            prefixes.insert(&a[..common]);
            prefixes.insert(&a[..=common]);
            prefixes.insert(&b[..=common]);
        }
        prefixes.len()
    }

    /// An estimate of the heap bytes the stream uses.
    pub fn heap_size(&self) -> usize {
        let per_node = std::mem::size_of::<Node>() + 16 + 48;
        self.groups_heap_size()
            + self
                .nodes
                .values()
                .map(|node| {
                    per_node
                        + node.bytes
                        + node.entries.capacity() * std::mem::size_of::<NodeEntry>()
                        + node
                            .entries
                            .iter()
                            .map(|e| {
                                let fields = e.fields.as_ref().map_or(0, Vec::len);
                                (fields + e.values.len()) * std::mem::size_of::<Bytes>()
                            })
                            .sum::<usize>()
                })
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(items: &[&str]) -> Vec<Bytes> {
        items
            .iter()
            .map(|s| Bytes::copy_from_slice(s.as_bytes()))
            .collect()
    }

    fn add(stream: &mut Stream, ms: u64, seq: u64, pairs: &[&str]) {
        let id = NewId::Exact(StreamId::new(ms, seq));
        stream
            .append(id, &b(pairs), NodeLimits::default(), 0)
            .unwrap();
    }

    fn ids(entries: &[EntryPairs]) -> Vec<String> {
        entries.iter().map(|(id, _)| id.to_string()).collect()
    }

    #[test]
    fn ids_step_across_the_sequence_limit() {
        let top = StreamId::new(5, u64::MAX);
        assert_eq!(top.successor(), Some(StreamId::new(6, 0)));
        assert_eq!(StreamId::new(6, 0).predecessor(), Some(top));
        assert_eq!(StreamId::MAX.successor(), None);
        assert_eq!(StreamId::MIN.predecessor(), None);
        assert_eq!(StreamId::from_key_bytes(&top.key_bytes()), top);
    }

    #[test]
    fn a_node_takes_at_most_max_entries_deleted_ones_included() {
        let mut stream = Stream::default();
        for n in 1..=101 {
            add(&mut stream, n, 0, &["f", "v"]);
        }
        assert_eq!(stream.nodes().len(), 2);
        stream.delete(&[StreamId::new(101, 0)]);
        assert_eq!(stream.nodes().len(), 1, "its last live entry took the node");
        add(&mut stream, 200, 0, &["f", "v"]);
        assert_eq!(stream.nodes().len(), 2);
    }

    #[test]
    fn entries_with_the_master_fields_leave_them_out() {
        let mut stream = Stream::default();
        add(&mut stream, 1, 0, &["a", "1", "b", "2"]);
        add(&mut stream, 2, 0, &["a", "3", "b", "4"]);
        add(&mut stream, 3, 0, &["a", "3"]);
        let node = stream.nodes().values().next().unwrap();
        let same: Vec<bool> = node.entries.iter().map(|e| e.fields.is_none()).collect();
        assert_eq!(same, [true, true, false]);
        assert_eq!(
            stream.range(StreamId::MIN, StreamId::MAX, false, 0)[1].1,
            b(&["a", "3", "b", "4"])
        );
    }

    #[test]
    fn ms_star_takes_the_next_sequence_or_fails_at_the_top() {
        let mut stream = Stream::default();
        add(&mut stream, 5, u64::MAX, &["f", "v"]);
        let limits = NodeLimits::default();
        let pairs = b(&["f", "v"]);
        assert_eq!(
            stream.append(NewId::Ms(5), &pairs, limits, 0),
            Err(AppendError::TooLarge)
        );
        assert_eq!(
            stream.append(NewId::Ms(6), &pairs, limits, 0),
            Ok(StreamId::new(6, 0))
        );
        assert_eq!(
            stream.append(NewId::Ms(6), &pairs, limits, 0),
            Ok(StreamId::new(6, 1))
        );
        assert_eq!(
            stream.append(NewId::Auto, &pairs, limits, 3),
            Ok(StreamId::new(6, 2)),
            "a clock behind the last ID continues its sequence"
        );
    }

    #[test]
    fn ranges_skip_deleted_entries_both_ways() {
        let mut stream = Stream::default();
        for n in 1..=250 {
            add(&mut stream, n, 0, &["f", "v"]);
        }
        stream.delete(&[StreamId::new(100, 0), StreamId::new(101, 0)]);
        let got = stream.range(StreamId::new(99, 0), StreamId::new(102, 0), false, 0);
        assert_eq!(ids(&got), ["99-0", "102-0"]);
        let got = stream.range(StreamId::new(99, 0), StreamId::new(102, 0), true, 1);
        assert_eq!(ids(&got), ["102-0"]);
        assert_eq!(stream.len(), 248);
        assert_eq!(stream.max_deleted_id, StreamId::new(101, 0));
    }

    #[test]
    fn an_exact_trim_flags_entries_and_an_approximate_one_takes_whole_nodes() {
        let mut stream = Stream::default();
        for n in 1..=250 {
            add(&mut stream, n, 0, &["f", "v"]);
        }
        assert_eq!(stream.trim(TrimStrategy::MaxLen(200), true, 0), 0);
        assert_eq!(stream.trim(TrimStrategy::MaxLen(120), true, 0), 100);
        assert_eq!(stream.trim(TrimStrategy::MaxLen(120), false, 0), 30);
        assert_eq!(stream.len(), 120);
        assert_eq!(stream.first_id, StreamId::new(131, 0));
        let node = stream.nodes().values().next().unwrap();
        assert_eq!((node.live(), node.deleted()), (70, 30));
        assert_eq!(
            stream.trim(TrimStrategy::MinId(StreamId::new(240, 0)), false, 0),
            109
        );
        assert_eq!(stream.first_id, StreamId::new(240, 0));
    }

    #[test]
    fn the_radix_tree_counts_root_keys_and_branches() {
        let mut stream = Stream::default();
        assert_eq!(stream.radix_tree_nodes(), 1);
        add(&mut stream, 1, 0, &["f", "v"]);
        assert_eq!(stream.radix_tree_nodes(), 2);
    }

    #[test]
    fn node_sizes_follow_their_counters() {
        let mut stream = Stream::default();
        for n in 1..=100 {
            add(&mut stream, n, 0, &["field", "value"]);
        }
        let node = stream.nodes().values().next().unwrap();
        let rebuilt = Node::new(
            StreamId::new(1, 0),
            node.master_fields.clone(),
            node.entries.clone(),
        );
        assert_eq!(node.bytes(), rebuilt.bytes());
    }
}
