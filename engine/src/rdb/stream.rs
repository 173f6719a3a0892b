//! Streams in the RDB encoding: `RDB_TYPE_STREAM_LISTPACKS_2` (19), which Redis 7.0
//! writes, and reading 15 (Redis 5 and 6), 19 and 21 (Redis 7.2, whose difference
//! lies only in consumer groups).
//!
//! The value is the node count, then each node's master ID (16 bytes big-endian) and
//! listpack as strings; then the length, the last ID, and (19 and 21) the first ID,
//! the largest deleted ID and the entries ever added; then the consumer groups: per
//! group its name, last ID, (19 and 21) read counter (`-1` as a 64-bit length when
//! unknown), its pending entries (raw 16-byte ID, 8-byte little-endian delivery time,
//! delivery count) and its consumers (name, seen time, (21) active time, and the
//! raw IDs of the pending entries it owns).
//!
//! A node's listpack: the master entry (live count, deleted count, field count, the
//! field names, a 0), then per entry its flags, the ID's deltas from the master ID,
//! [field count and names unless the flags say they are the master's], the values,
//! and how many elements the entry took (`lp-count`), for walking backwards.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::read::{listpack_entries, Reader};
use super::{write_len, write_string, Listpack};
use crate::types::stream::groups::{Consumer, ConsumerGroup, PendingEntry};
use crate::types::stream::{Node, NodeEntry, Stream, StreamId, FLAG_DELETED, FLAG_SAMEFIELDS};

/// Streams as Redis 5 and 6 wrote them: no first ID, deleted ID or entries added.
pub const TYPE_STREAM_LISTPACKS: u8 = 15;
/// Streams as Redis 7.0 writes them.
pub const TYPE_STREAM_LISTPACKS_2: u8 = 19;
/// Streams as Redis 7.2 writes them (consumers gained an active time).
pub const TYPE_STREAM_LISTPACKS_3: u8 = 21;

/// Appends `stream` as `rdbSaveObject` writes it (without the type byte).
pub fn write_stream(out: &mut Vec<u8>, stream: &Stream, compress: bool) {
    write_len(out, stream.nodes().len());
    for (master, node) in stream.nodes() {
        write_string(out, &master.key_bytes(), compress);
        write_string(out, &node_listpack(*master, node), compress);
    }
    write_len(out, stream.len() as usize);
    for id in [stream.last_id, stream.first_id, stream.max_deleted_id] {
        write_len(out, id.ms as usize);
        write_len(out, id.seq as usize);
    }
    write_len(out, stream.entries_added as usize);
    write_len(out, stream.groups.len());
    for (name, group) in &stream.groups {
        write_string(out, name, compress);
        write_len(out, group.last_id.ms as usize);
        write_len(out, group.last_id.seq as usize);
        // Redis writes its signed counter as a length: unknown (-1) is 2^64 - 1.
        write_len(out, group.entries_read.unwrap_or(-1) as u64 as usize);
        write_len(out, group.pending.len());
        for (id, entry) in &group.pending {
            out.extend_from_slice(&id.key_bytes());
            out.extend_from_slice(&entry.delivery_time.to_le_bytes());
            write_len(out, entry.delivery_count as usize);
        }
        write_len(out, group.consumers.len());
        for (name, consumer) in &group.consumers {
            write_string(out, name, compress);
            out.extend_from_slice(&consumer.seen_time.to_le_bytes());
            write_len(out, consumer.pending.len());
            for id in &consumer.pending {
                out.extend_from_slice(&id.key_bytes());
            }
        }
    }
}

/// A node's listpack bytes.
pub fn node_listpack(master: StreamId, node: &Node) -> Vec<u8> {
    let mut lp = Listpack::default();
    lp.push_int(node.live() as i64);
    lp.push_int(node.deleted() as i64);
    lp.push_int(node.master_fields.len() as i64);
    for field in &node.master_fields {
        lp.push(field);
    }
    lp.push_int(0);
    for entry in &node.entries {
        let (ms, seq) = entry.deltas(master);
        lp.push_int(entry.flags());
        lp.push_int(ms);
        lp.push_int(seq);
        match &entry.fields {
            Some(fields) => {
                lp.push_int(fields.len() as i64);
                for (field, value) in fields.iter().zip(&entry.values) {
                    lp.push(field);
                    lp.push(value);
                }
            }
            None => {
                for value in &entry.values {
                    lp.push(value);
                }
            }
        }
        lp.push_int(entry.lp_count());
    }
    lp.finish()
}

/// Reads a stream of RDB type `kind` (15, 19 or 21); `None` for malformed bytes.
pub fn read_stream(reader: &mut Reader<'_>, kind: u8) -> Option<Stream> {
    let count = reader.count()?;
    let mut nodes = BTreeMap::new();
    for _ in 0..count {
        let key = reader.string()?;
        let key: &[u8; 16] = key.as_ref().try_into().ok()?;
        let master = StreamId::from_key_bytes(key);
        let node = read_node(master, &reader.string()?)?;
        if nodes.insert(master, node).is_some() {
            return None;
        }
    }
    let length = number(reader)?;
    let last_id = read_id(reader)?;
    let metadata = match kind {
        TYPE_STREAM_LISTPACKS => None,
        _ => Some((read_id(reader)?, read_id(reader)?, number(reader)?)),
    };
    let mut stream = Stream::from_parts(nodes, length)?;
    stream.last_id = last_id;
    match metadata {
        Some((first_id, max_deleted_id, entries_added)) => {
            stream.first_id = first_id;
            stream.max_deleted_id = max_deleted_id;
            stream.entries_added = entries_added;
        }
        // Redis 7.0 derives them as it loads an older stream.
        None => {
            stream.first_id = stream.first_live_id().unwrap_or(StreamId::MAX);
            stream.entries_added = length;
        }
    }
    for _ in 0..reader.count()? {
        let name = reader.string()?;
        let group = read_group(reader, kind, &stream)?;
        if stream.groups.insert(name, group).is_some() {
            return None;
        }
    }
    Some(stream)
}

/// A plain RDB length as a 64-bit number.
fn number(reader: &mut Reader<'_>) -> Option<u64> {
    reader.plain_len().map(|n| n as u64)
}

/// An ID as two lengths.
fn read_id(reader: &mut Reader<'_>) -> Option<StreamId> {
    Some(StreamId::new(number(reader)?, number(reader)?))
}

/// A 16-byte big-endian ID.
fn raw_id(reader: &mut Reader<'_>) -> Option<StreamId> {
    Some(StreamId::from_key_bytes(reader.bytes(16)?.try_into().ok()?))
}

/// An 8-byte little-endian millisecond time (`rdbLoadMillisecondTime`).
fn millis(reader: &mut Reader<'_>) -> Option<i64> {
    Some(i64::from_le_bytes(reader.bytes(8)?.try_into().ok()?))
}

/// One consumer group after its name. Checked as Redis's deep sanitization checks
/// it: no pending entry twice, every consumer's pending entry in the group's list,
/// and every pending entry owned by exactly one consumer.
fn read_group(reader: &mut Reader<'_>, kind: u8, stream: &Stream) -> Option<ConsumerGroup> {
    let last_id = read_id(reader)?;
    let entries_read = match kind {
        // Redis 7.0 estimates the counter of a group an older Redis saved.
        TYPE_STREAM_LISTPACKS => stream.estimate_entries_read(last_id),
        _ => match number(reader)? {
            u64::MAX => None,
            n => Some(n as i64),
        },
    };
    let mut group = ConsumerGroup::new(last_id, entries_read);
    let mut unowned = BTreeMap::new();
    for _ in 0..reader.count()? {
        let id = raw_id(reader)?;
        let delivery = (millis(reader)?, number(reader)?);
        if unowned.insert(id, delivery).is_some() {
            return None;
        }
    }
    for _ in 0..reader.count()? {
        let name = reader.string()?;
        let seen_time = millis(reader)?;
        if kind == TYPE_STREAM_LISTPACKS_3 {
            // Redis 7.2's active time, which 7.0 does not keep.
            millis(reader)?;
        }
        let mut consumer = Consumer {
            seen_time,
            ..Consumer::default()
        };
        for _ in 0..reader.count()? {
            let id = raw_id(reader)?;
            let (delivery_time, delivery_count) = unowned.remove(&id)?;
            let entry = PendingEntry {
                consumer: name.clone(),
                delivery_time,
                delivery_count,
            };
            group.pending.insert(id, entry);
            consumer.pending.insert(id);
        }
        if group.consumers.insert(name, consumer).is_some() {
            return None;
        }
    }
    unowned.is_empty().then_some(group)
}

/// A node from its listpack, checked as Redis's deep sanitization checks it: the
/// master entry, every entry's shape and `lp-count`, counters that match the flags.
/// A node must hold at least one entry.
fn read_node(master: StreamId, listpack: &[u8]) -> Option<Node> {
    let elements = listpack_entries(listpack)?;
    let rest = &mut elements.iter();
    let live = usize::try_from(next_int(rest)?).ok()?;
    let deleted = usize::try_from(next_int(rest)?).ok()?;
    let field_count = usize::try_from(next_int(rest)?).ok()?;
    let master_fields: Vec<Bytes> = rest.take(field_count).cloned().collect();
    if master_fields.len() != field_count || next_int(rest)? != 0 {
        return None;
    }
    let mut entries = Vec::new();
    for _ in 0..live.checked_add(deleted)? {
        let flags = next_int(rest)?;
        let ms = master.ms.wrapping_add(next_int(rest)? as u64);
        let seq = master.seq.wrapping_add(next_int(rest)? as u64);
        let fields = match flags & FLAG_SAMEFIELDS {
            0 => Some(usize::try_from(next_int(rest)?).ok()?),
            _ => None,
        };
        let (fields, values) = match fields {
            Some(count) => {
                let mut names = Vec::with_capacity(count.min(elements.len()));
                let mut values = Vec::with_capacity(count.min(elements.len()));
                for _ in 0..count {
                    names.push(rest.next()?.clone());
                    values.push(rest.next()?.clone());
                }
                (Some(names), values)
            }
            None => {
                let values: Vec<Bytes> = rest.take(field_count).cloned().collect();
                if values.len() != field_count {
                    return None;
                }
                (None, values)
            }
        };
        let entry = NodeEntry {
            id: StreamId::new(ms, seq),
            deleted: flags & FLAG_DELETED != 0,
            fields,
            values,
        };
        if next_int(rest)? != entry.lp_count() {
            return None;
        }
        entries.push(entry);
    }
    if rest.next().is_some() || entries.is_empty() {
        return None;
    }
    let node = Node::new(master, master_fields, entries);
    (node.live() == live).then_some(node)
}

/// The next listpack element as an integer.
fn next_int(elements: &mut std::slice::Iter<'_, Bytes>) -> Option<i64> {
    crate::num::parse_i64(elements.next()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::stream::{NewId, NodeLimits};

    fn sample() -> Stream {
        let mut stream = Stream::default();
        for n in 0..250u64 {
            let pairs: Vec<Bytes> = if n % 7 == 0 {
                vec![Bytes::from("other"), Bytes::from(n.to_string())]
            } else {
                vec![Bytes::from("field"), Bytes::from(format!("value {n}"))]
            };
            stream
                .append(
                    NewId::Exact(StreamId::new(1000 + n, n)),
                    &pairs,
                    NodeLimits::default(),
                    0,
                )
                .unwrap();
        }
        stream.delete(&[StreamId::new(1010, 10), StreamId::new(1200, 200)]);
        stream.trim(crate::types::stream::TrimStrategy::MaxLen(200), false, 0);
        stream
    }

    #[test]
    fn a_stream_reads_back_equal() {
        let stream = sample();
        let mut out = Vec::new();
        write_stream(&mut out, &stream, true);
        let mut reader = Reader::new(&out);
        let read = read_stream(&mut reader, TYPE_STREAM_LISTPACKS_2).unwrap();
        assert_eq!(read, stream);
        assert_eq!(reader.remaining(), 0);
    }

    #[test]
    fn node_sizes_are_their_listpacks_lengths() {
        let stream = sample();
        for (master, node) in stream.nodes() {
            assert_eq!(node_listpack(*master, node).len(), node.bytes());
        }
    }

    #[test]
    fn groups_read_back_equal_and_pending_entries_need_an_owner() {
        let mut stream = sample();
        let ids: Vec<StreamId> = stream
            .range(StreamId::MIN, StreamId::MAX, false, 3)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let mut group = ConsumerGroup::new(ids[2], None);
        let alice = Bytes::from_static(b"alice");
        let mut consumer = Consumer {
            seen_time: -5,
            ..Consumer::default()
        };
        for (n, id) in ids.iter().enumerate() {
            consumer.pending.insert(*id);
            let entry = PendingEntry {
                consumer: alice.clone(),
                delivery_time: 1_700_000_000_000 + n as i64,
                delivery_count: n as u64 + 1,
            };
            group.pending.insert(*id, entry);
        }
        group.consumers.insert(alice, consumer);
        group
            .consumers
            .insert(Bytes::from_static(b"idle"), Consumer::default());
        stream
            .groups
            .insert(Bytes::from_static(b"g1"), group.clone());
        group.entries_read = Some(7);
        stream.groups.insert(Bytes::from_static(b"g0"), group);
        let mut out = Vec::new();
        write_stream(&mut out, &stream, true);
        let mut reader = Reader::new(&out);
        assert_eq!(
            read_stream(&mut reader, TYPE_STREAM_LISTPACKS_2),
            Some(stream.clone())
        );

        // The same group with a pending entry nobody owns does not load.
        let group = stream.groups.get_mut(&b"g1"[..]).unwrap();
        group
            .consumers
            .get_mut(&b"alice"[..])
            .unwrap()
            .pending
            .clear();
        let mut out = Vec::new();
        write_stream(&mut out, &stream, false);
        assert_eq!(
            read_stream(&mut Reader::new(&out), TYPE_STREAM_LISTPACKS_2),
            None
        );
    }
}
