//! Streams in the RDB encoding: `RDB_TYPE_STREAM_LISTPACKS_2` (19), which Redis 7.0
//! writes, and reading 15 (Redis 5 and 6), 19 and 21 (Redis 7.2, whose difference
//! lies only in consumer groups).
//!
//! The value is the node count, then each node's master ID (16 bytes big-endian) and
//! listpack as strings; then the length, the last ID, and (19 and 21) the first ID,
//! the largest deleted ID and the entries ever added; then the consumer groups. kvdb
//! has no consumer groups yet, so it writes 0 and refuses a payload that has some.
//!
//! A node's listpack: the master entry (live count, deleted count, field count, the
//! field names, a 0), then per entry its flags, the ID's deltas from the master ID,
//! [field count and names unless the flags say they are the master's], the values,
//! and how many elements the entry took (`lp-count`), for walking backwards.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::read::{listpack_entries, Reader};
use super::{write_len, write_string, Listpack};
use crate::types::stream::{Node, NodeEntry, Stream, StreamId, FLAG_DELETED, FLAG_SAMEFIELDS};

/// Streams as Redis 5 and 6 wrote them: no first ID, deleted ID or entries added.
pub const TYPE_STREAM_LISTPACKS: u8 = 15;
/// Streams as Redis 7.0 writes them.
pub const TYPE_STREAM_LISTPACKS_2: u8 = 19;
/// Streams as Redis 7.2 writes them (consumers gained an active time).
pub const TYPE_STREAM_LISTPACKS_3: u8 = 21;

/// Why a stream payload did not load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamLoadError {
    /// Malformed bytes.
    BadData,
    /// It has consumer groups, which kvdb cannot hold yet.
    HasGroups,
}

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
    write_len(out, 0); // consumer groups
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

/// Reads a stream of RDB type `kind` (15, 19 or 21).
pub fn read_stream(reader: &mut Reader<'_>, kind: u8) -> Result<Stream, StreamLoadError> {
    use StreamLoadError::BadData;
    let count = reader.count().ok_or(BadData)?;
    let mut nodes = BTreeMap::new();
    for _ in 0..count {
        let key = reader.string().ok_or(BadData)?;
        let key: &[u8; 16] = key.as_ref().try_into().map_err(|_| BadData)?;
        let master = StreamId::from_key_bytes(key);
        let node = read_node(master, &reader.string().ok_or(BadData)?).ok_or(BadData)?;
        if nodes.insert(master, node).is_some() {
            return Err(BadData);
        }
    }
    let mut number = || reader.plain_len().map(|n| n as u64).ok_or(BadData);
    let length = number()?;
    let last_id = StreamId::new(number()?, number()?);
    let metadata = match kind {
        TYPE_STREAM_LISTPACKS => None,
        _ => Some((
            StreamId::new(number()?, number()?),
            StreamId::new(number()?, number()?),
            number()?,
        )),
    };
    if number()? != 0 {
        return Err(StreamLoadError::HasGroups);
    }
    let mut stream = Stream::from_parts(nodes, length).ok_or(BadData)?;
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
    Ok(stream)
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
    fn consumer_groups_are_refused_by_name() {
        let mut out = Vec::new();
        write_stream(&mut out, &sample(), false);
        *out.last_mut().unwrap() = 1;
        let mut reader = Reader::new(&out);
        assert_eq!(
            read_stream(&mut reader, TYPE_STREAM_LISTPACKS_2),
            Err(StreamLoadError::HasGroups)
        );
    }
}
