//! Values in Redis 7.0's RDB encoding (`rdbSaveObject`), as `DUMP`, the `FUNCTION DUMP`
//! payload and DEBUG OBJECT's `serializedlength` need them; [`read`] reads them back,
//! [`dump`] frames a key's value as `DUMP` and `RESTORE` do, and [`file`] frames a
//! whole dataset as an RDB file.
//!
//! - Strings: `rdbSaveRawString` (a short canonical integer as 1, 2 or 4 bytes, LZF
//!   past 20 bytes when `rdbcompression` is on and it saves four bytes, else length
//!   and bytes).
//! - Small hashes and sorted sets are their listpack, and a set of integers its intset,
//!   saved as one string; large ones are a count and their elements (a sorted set's
//!   scores as 8-byte doubles).
//! - Lists are quicklists: a node count, then each node's container kind and listpack.
//! - Streams are their nodes' listpacks and metadata ([`stream`]).
//!
//! Where kvdb keeps less history than Redis, the bytes are those of the same contents
//! built the plain way: a list's nodes are filled front to back as RPUSH fills them
//! (LPUSH, LINSERT or LREM can leave Redis with other node boundaries), nodes are never
//! compressed (`list-compress-depth` 0, the default), and an intset is as wide as its
//! widest member now (Redis never narrows one after a removal).

pub mod dump;
pub mod file;
pub mod fuzz;
pub mod read;
pub mod stream;

use crate::lzf;
use crate::types::{Hash, List, Set, Value, ZSet};

/// What the encoding depends on besides the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RdbSettings {
    /// `rdbcompression`: LZF-compress long strings.
    pub compress: bool,
    /// `list-max-listpack-size`: a quicklist node's limit (negative: bytes, by level).
    pub list_fill: i64,
    /// Elements of at least this many bytes get a plain quicklist node of their own
    /// (`DEBUG QUICKLIST-PACKED-THRESHOLD`; 1 GiB by default, so in practice never).
    pub packed_threshold: usize,
}

/// The default of [`RdbSettings::packed_threshold`] (Redis's `packed_threshold`).
pub const DEFAULT_PACKED_THRESHOLD: usize = 1 << 30;

impl Default for RdbSettings {
    /// Redis's defaults: compression on, `list-max-listpack-size -2`.
    fn default() -> Self {
        RdbSettings {
            compress: true,
            list_fill: -2,
            packed_threshold: DEFAULT_PACKED_THRESHOLD,
        }
    }
}

/// An RDB length: 6 bits, 14 bits, or a 32/64-bit big-endian number after a marker.
pub fn write_len(out: &mut Vec<u8>, len: usize) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.push(0x40 | (len >> 8) as u8);
        out.push(len as u8);
    } else if let Ok(len) = u32::try_from(len) {
        out.push(0x80);
        out.extend_from_slice(&len.to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&(len as u64).to_be_bytes());
    }
}

/// Redis's `rdbSaveRawString`.
pub fn write_string(out: &mut Vec<u8>, s: &[u8], compress: bool) {
    if s.len() <= 11 {
        if let Some(n) = crate::num::parse_i64(s) {
            if let Ok(n) = i8::try_from(n) {
                out.extend_from_slice(&[0xc0, n as u8]);
                return;
            }
            if let Ok(n) = i16::try_from(n) {
                out.push(0xc1);
                out.extend_from_slice(&n.to_le_bytes());
                return;
            }
            if let Ok(n) = i32::try_from(n) {
                out.push(0xc2);
                out.extend_from_slice(&n.to_le_bytes());
                return;
            }
        }
    }
    // Redis needs a saving of at least four bytes, and does not try under 21.
    if compress && s.len() > 20 {
        if let Some(packed) = lzf::compress(s, s.len() - 4) {
            out.push(0xc3);
            write_len(out, packed.len());
            write_len(out, s.len());
            out.extend_from_slice(&packed);
            return;
        }
    }
    write_len(out, s.len());
    out.extend_from_slice(s);
}

/// Appends `value` as `rdbSaveObject` writes it (without the type byte).
pub fn write_object(out: &mut Vec<u8>, value: &Value, settings: RdbSettings) {
    let compress = settings.compress;
    match value {
        Value::Str(string) => write_string(out, string.as_bytes(), compress),
        Value::List(list) => write_quicklist(out, list, settings),
        Value::Hash(hash) => match &**hash {
            Hash::Listpack(pairs) => {
                let mut listpack = Listpack::default();
                for (field, value) in pairs {
                    listpack.push(field.as_bytes());
                    listpack.push(value.as_bytes());
                }
                write_string(out, &listpack.finish(), compress);
            }
            Hash::Table(_) => {
                write_len(out, hash.len());
                for (field, value) in hash.iter() {
                    write_string(out, field, compress);
                    write_string(out, value.as_bytes(), compress);
                }
            }
        },
        Value::Set(set) => match &**set {
            Set::Intset(members) => write_string(out, &intset(members), compress),
            Set::Table(_) => {
                write_len(out, set.len());
                for member in set.members() {
                    write_string(out, &member.to_vec(), compress);
                }
            }
        },
        Value::ZSet(zset) if zset.is_listpack() => {
            let mut listpack = Listpack::default();
            for (member, score) in zset.iter() {
                listpack.push(member);
                listpack.push(&ZSet::listpack_score_text(score));
            }
            write_string(out, &listpack.finish(), compress);
        }
        Value::ZSet(zset) => {
            write_len(out, zset.len());
            // Redis writes from the tail, so that loading appends in order.
            for (member, score) in zset.iter_from(zset.len().saturating_sub(1), true) {
                write_string(out, member, compress);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
        Value::Stream(stream) => stream::write_stream(out, stream, compress),
    }
}

/// The quicklist node container kinds of Redis 7.0: one large element as it is, or a
/// listpack.
const QUICKLIST_NODE_PLAIN: usize = 1;
const QUICKLIST_NODE_PACKED: usize = 2;

fn write_quicklist(out: &mut Vec<u8>, list: &List, settings: RdbSettings) {
    let nodes = quicklist_nodes(list, settings);
    write_len(out, nodes.len());
    for node in nodes {
        let (kind, bytes) = match &node {
            Node::Plain(element) => (QUICKLIST_NODE_PLAIN, *element),
            Node::Packed(listpack) => (QUICKLIST_NODE_PACKED, &listpack[..]),
        };
        write_len(out, kind);
        write_string(out, bytes, settings.compress);
    }
}

/// The quicklist shape DEBUG OBJECT reports: nodes, elements, and their listpacks'
/// total size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuicklistShape {
    /// Number of nodes.
    pub nodes: usize,
    /// Number of elements.
    pub count: usize,
    /// Total bytes of the nodes' listpacks.
    pub bytes: usize,
}

/// The shape of `list` as a quicklist filled front to back under `settings`.
pub fn quicklist_shape(list: &List, settings: RdbSettings) -> QuicklistShape {
    let nodes = quicklist_nodes(list, settings);
    QuicklistShape {
        nodes: nodes.len(),
        count: list.len(),
        bytes: nodes.iter().map(Node::len).sum(),
    }
}

/// A quicklist node: a large element alone, or a listpack of smaller ones.
enum Node<'a> {
    Plain(&'a [u8]),
    Packed(Vec<u8>),
}

impl Node<'_> {
    fn len(&self) -> usize {
        match self {
            Node::Plain(element) => element.len(),
            Node::Packed(listpack) => listpack.len(),
        }
    }
}

/// Redis's size limits for a negative `list-max-listpack-size` (-1 .. -5).
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// Largest node a positive (count) fill still allows (`SIZE_SAFETY_LIMIT`).
const SIZE_SAFETY_LIMIT: usize = 8192;
/// Redis's overestimate of what one more element adds to a node.
const SIZE_ESTIMATE_OVERHEAD: usize = 8;

/// Whether a node of `node_bytes` holding `count` elements takes one of `len` bytes
/// (Redis's `_quicklistNodeAllowInsert`).
fn node_allows(node_bytes: usize, count: usize, len: usize, fill: i64) -> bool {
    let new_size = node_bytes + len + SIZE_ESTIMATE_OVERHEAD;
    if fill < 0 {
        let level = usize::try_from(-fill - 1).unwrap_or(usize::MAX);
        if OPTIMIZATION_LEVEL
            .get(level)
            .is_some_and(|limit| new_size <= *limit)
        {
            return true;
        }
    }
    new_size <= SIZE_SAFETY_LIMIT && i64::try_from(count).unwrap_or(i64::MAX) < fill
}

/// The nodes of `list` pushed front to back: an element of at least the packed
/// threshold gets a plain node of its own (Redis's `isLargeElement`).
fn quicklist_nodes(list: &List, settings: RdbSettings) -> Vec<Node<'_>> {
    let mut nodes = Vec::new();
    let mut node = Listpack::default();
    for element in list {
        let bytes = element.as_bytes();
        let large = bytes.len() >= settings.packed_threshold;
        if ends_node(node.size(), node.count, bytes, settings) {
            nodes.push(Node::Packed(std::mem::take(&mut node).finish()));
        }
        if large {
            nodes.push(Node::Plain(bytes));
        } else {
            node.push(bytes);
        }
    }
    if node.count > 0 {
        nodes.push(Node::Packed(node.finish()));
    }
    nodes
}

/// Whether `element` starts a new quicklist node after a packed node of `node_bytes`
/// bytes holding `count` elements (a large element always gets a node of its own).
fn ends_node(node_bytes: usize, count: usize, element: &[u8], settings: RdbSettings) -> bool {
    let large = element.len() >= settings.packed_threshold;
    count > 0 && (large || !node_allows(node_bytes, count, element.len(), settings.list_fill))
}

/// How many quicklist nodes [`quicklist_shape`] finds in `list`, without building them;
/// the count stops at `limit` + 1.
pub fn quicklist_node_count(list: &List, settings: RdbSettings, limit: usize) -> usize {
    let (mut nodes, mut node_bytes, mut count) = (0, LISTPACK_OVERHEAD, 0);
    for element in list {
        if nodes > limit {
            return nodes;
        }
        let bytes = element.as_bytes();
        if ends_node(node_bytes, count, bytes, settings) {
            nodes += 1;
            (node_bytes, count) = (LISTPACK_OVERHEAD, 0);
        }
        if bytes.len() >= settings.packed_threshold {
            nodes += 1;
        } else {
            node_bytes += listpack_entry_size(bytes);
            count += 1;
        }
    }
    nodes + usize::from(count > 0)
}

/// An intset's bytes: encoding width and count (32-bit little-endian), then the
/// members, all as wide as the widest.
fn intset(members: &[i64]) -> Vec<u8> {
    let width: usize = if members.iter().all(|n| i16::try_from(*n).is_ok()) {
        2
    } else if members.iter().all(|n| i32::try_from(*n).is_ok()) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(8 + width * members.len());
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(&(members.len() as u32).to_le_bytes());
    for n in members {
        out.extend_from_slice(&n.to_le_bytes()[..width]);
    }
    out
}

/// A listpack under construction: a 6-byte header (total bytes, element count), the
/// entries, and an end byte.
#[derive(Debug, Default)]
pub(crate) struct Listpack {
    entries: Vec<u8>,
    count: usize,
}

/// Listpack header and end byte.
pub(crate) const LISTPACK_OVERHEAD: usize = 7;

/// The bytes [`Listpack::push`] spends on `element`, its backwards length included.
pub(crate) fn listpack_entry_size(element: &[u8]) -> usize {
    match crate::num::parse_i64(element).filter(|_| element.len() <= 20) {
        Some(n) => listpack_int_size(n),
        None => {
            let len = element.len();
            let encoded = if len < 64 {
                1 + len
            } else if len < 4096 {
                2 + len
            } else {
                5 + len
            };
            encoded + backlen_size(encoded)
        }
    }
}

/// The bytes a listpack spends on the integer `n` (always one byte of backwards
/// length: an integer entry is at most 9 bytes).
pub(crate) fn listpack_int_size(n: i64) -> usize {
    let encoded = match n {
        0..=127 => 1,
        -4096..=4095 => 2,
        _ if i16::try_from(n).is_ok() => 3,
        -8_388_608..=8_388_607 => 4,
        _ if i32::try_from(n).is_ok() => 5,
        _ => 9,
    };
    encoded + 1
}

impl Listpack {
    /// The listpack's size in bytes as it stands.
    fn size(&self) -> usize {
        LISTPACK_OVERHEAD + self.entries.len()
    }

    /// Appends the integer `n`, as `lpAppendInteger` does.
    pub(crate) fn push_int(&mut self, n: i64) {
        self.push(n.to_string().as_bytes());
    }

    /// Appends `element`: an integer encoding for a canonical integer, else a string
    /// encoding; then the entry's length backwards.
    pub(crate) fn push(&mut self, element: &[u8]) {
        let start = self.entries.len();
        let out = &mut self.entries;
        match crate::num::parse_i64(element).filter(|_| element.len() <= 20) {
            Some(n @ 0..=127) => out.push(n as u8),
            Some(n @ -4096..=4095) => {
                let v = if n < 0 { (1 << 13) + n } else { n } as u16;
                out.extend_from_slice(&[0xc0 | (v >> 8) as u8, v as u8]);
            }
            Some(n) if i16::try_from(n).is_ok() => {
                out.push(0xf1);
                out.extend_from_slice(&(n as i16).to_le_bytes());
            }
            Some(n) if (-(1 << 23)..1 << 23).contains(&n) => {
                out.push(0xf2);
                out.extend_from_slice(&(n as i32).to_le_bytes()[..3]);
            }
            Some(n) if i32::try_from(n).is_ok() => {
                out.push(0xf3);
                out.extend_from_slice(&(n as i32).to_le_bytes());
            }
            Some(n) => {
                out.push(0xf4);
                out.extend_from_slice(&n.to_le_bytes());
            }
            None => {
                let len = element.len();
                if len < 64 {
                    out.push(0x80 | len as u8);
                } else if len < 4096 {
                    out.extend_from_slice(&[0xe0 | (len >> 8) as u8, len as u8]);
                } else {
                    out.push(0xf0);
                    out.extend_from_slice(&(len as u32).to_le_bytes());
                }
                out.extend_from_slice(element);
            }
        }
        let entry = out.len() - start;
        write_backlen(out, entry);
        self.count += 1;
    }

    /// The finished listpack's bytes.
    pub(crate) fn finish(self) -> Vec<u8> {
        let total = self.size();
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&(total as u32).to_le_bytes());
        out.extend_from_slice(&(self.count.min(65535) as u16).to_le_bytes());
        out.extend_from_slice(&self.entries);
        out.push(0xff);
        out
    }
}

/// How many bytes a listpack entry of `len` bytes spends repeating its length.
fn backlen_size(len: usize) -> usize {
    match len {
        0..=127 => 1,
        128..=16_382 => 2,
        16_383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// A listpack entry's length, written to be read backwards: 7 bits a byte, most
/// significant first, the continuation bit on all but the first byte written.
fn write_backlen(out: &mut Vec<u8>, len: usize) {
    let groups = backlen_size(len);
    for group in (0..groups).rev() {
        let bits = ((len >> (7 * group)) & 127) as u8;
        out.push(if group + 1 < groups { bits | 128 } else { bits });
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::types::{StrEncoding, StrValue};

    /// One element per listpack entry encoding, at the edges of each range.
    pub(crate) const EVERY_ENTRY_ENCODING: &[&str] = &[
        "0",
        "127",
        "128",
        "-1",
        "-4096",
        "4095",
        "4096",
        "-32768",
        "32767",
        "32768",
        "-8388608",
        "8388607",
        "8388608",
        "-2147483648",
        "2147483647",
        "2147483648",
        "-9223372036854775808",
        "9223372036854775807",
        "",
        "a",
        "007",
    ];

    fn list(items: &[&str]) -> List {
        items
            .iter()
            .map(|s| StrValue::copied(s.as_bytes(), StrEncoding::Raw))
            .collect()
    }

    #[test]
    fn listpack_bytes_are_redis_s() {
        // One entry per encoding: a 6-bit string, a 7-bit uint, a 16-bit int, a string.
        let mut lp = Listpack::default();
        for element in ["a", "1", "-5000", "hello"] {
            lp.push(element.as_bytes());
        }
        assert_eq!(
            lp.finish(),
            [
                &[23, 0, 0, 0, 4, 0][..],
                &[0x81, b'a', 2],
                &[1, 1],
                &[0xf1, 0x78, 0xec, 3],
                &[0x85, b'h', b'e', b'l', b'l', b'o', 6],
                &[0xff],
            ]
            .concat()
        );
    }

    #[test]
    fn entry_sizes_are_what_push_spends() {
        let long = "x".repeat(5000);
        let medium = "y".repeat(300);
        let mut elements: Vec<String> =
            EVERY_ENTRY_ENCODING.iter().map(|s| s.to_string()).collect();
        elements.push("-0".into());
        elements.extend([
            long,
            medium,
            "z".repeat(63),
            "z".repeat(64),
            "z".repeat(4095),
        ]);
        for element in &elements {
            let mut lp = Listpack::default();
            lp.push(element.as_bytes());
            assert_eq!(
                lp.size() - LISTPACK_OVERHEAD,
                listpack_entry_size(element.as_bytes())
            );
        }
    }

    #[test]
    fn backlen_continuation_bits() {
        let mut out = Vec::new();
        write_backlen(&mut out, 300);
        assert_eq!(out, [2, 44 | 128]);
        out.clear();
        write_backlen(&mut out, 20_000);
        assert_eq!(out, [1, (156 & 127) | 128, 32 | 128]);
    }

    #[test]
    fn small_strings_serialize_as_redis_s() {
        let settings = RdbSettings {
            compress: true,
            list_fill: -2,
            packed_threshold: crate::rdb::DEFAULT_PACKED_THRESHOLD,
        };
        let len = |value: &Value| {
            let mut out = Vec::new();
            write_object(&mut out, value, settings);
            out.len()
        };
        assert_eq!(len(&Value::string(b"12345")), 3);
        assert_eq!(len(&Value::string(b"hello")), 6);
        // Redis 7.0's DEBUG OBJECT says 13 for a hundred `a`s (LZF).
        assert_eq!(len(&Value::string(&[b'a'; 100])), 13);
        assert_eq!(
            len(&Value::List(Box::new(list(&["a", "b", "c"])))),
            1 + 1 + 1 + 16
        );
    }

    #[test]
    fn a_quicklist_node_stops_at_its_size_limit() {
        let big = "x".repeat(1000);
        let items: Vec<&str> = std::iter::repeat_n(big.as_str(), 20).collect();
        let fill = |list_fill| RdbSettings {
            compress: false,
            list_fill,
            packed_threshold: DEFAULT_PACKED_THRESHOLD,
        };
        let shape = quicklist_shape(&list(&items), fill(-2));
        assert_eq!(shape.nodes, 3);
        assert_eq!(quicklist_shape(&list(&["1", "2", "3"]), fill(2)).nodes, 2);
    }

    #[test]
    fn large_elements_get_plain_nodes_of_their_own() {
        let settings = RdbSettings {
            compress: false,
            list_fill: -2,
            packed_threshold: 4,
        };
        // a, b | plain | c | plain | plain
        let items = ["a", "b", "large", "c", "large", "large"];
        let shape = quicklist_shape(&list(&items), settings);
        assert_eq!((shape.nodes, shape.count), (5, 6));
        let mut out = Vec::new();
        write_object(&mut out, &Value::List(Box::new(list(&items))), settings);
        // Node count, then the first listpack node, then a plain node: kind 1 and the
        // element as a string.
        assert_eq!(out[0], 5);
        assert_eq!(out[1] as usize, QUICKLIST_NODE_PACKED);
        let plain = 2 + 1 + out[2] as usize;
        assert_eq!(&out[plain..plain + 7], b"\x01\x05large");
    }
}
