//! Reading Redis's RDB encoding back (`rdbLoadObject`): lengths, strings in every
//! encoding, listpacks, intsets, and whole values of the types Redis 7.0 writes, plus
//! the plain list, set, hash and sorted-set forms of older versions.
//!
//! Everything is checked: a length past the end, a listpack whose header disagrees
//! with its entries, a duplicate member or an empty collection makes the value
//! unreadable (`None`), where Redis (with `sanitize-dump-payload no`) checks less. The
//! ziplist and zipmap encodings of Redis 6 and before are not read. Streams are read
//! by [`super::stream`].

use bytes::Bytes;

use super::stream;
use crate::lzf;
use crate::types::{EncodingRules, Hash, List, Set, StrEncoding, StrValue, Value, ZSet};

/// RDB type bytes (`RDB_TYPE_*`) this module reads.
pub mod types {
    /// A string.
    pub const STRING: u8 = 0;
    /// A list as a count and its elements (before quicklists).
    pub const LIST: u8 = 1;
    /// A set as a count and its members.
    pub const SET: u8 = 2;
    /// A sorted set with scores as text (before RDB 8).
    pub const ZSET: u8 = 3;
    /// A hash as a count and its field-value pairs.
    pub const HASH: u8 = 4;
    /// A sorted set with binary scores.
    pub const ZSET_2: u8 = 5;
    /// A set of integers as an intset.
    pub const SET_INTSET: u8 = 11;
    /// A hash as one listpack.
    pub const HASH_LISTPACK: u8 = 16;
    /// A sorted set as one listpack.
    pub const ZSET_LISTPACK: u8 = 17;
    /// A list as quicklist nodes of listpacks (or plain elements).
    pub const LIST_QUICKLIST_2: u8 = 18;
}

/// A quicklist node holding one large element as it is.
const QUICKLIST_NODE_PLAIN: usize = 1;
/// A quicklist node holding a listpack.
const QUICKLIST_NODE_PACKED: usize = 2;

/// A cursor over RDB bytes; every read fails (`None`) past their end.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

/// What an RDB length byte announced.
enum Len {
    Plain(u64),
    /// A special encoding (`11xxxxxx`): integer or LZF string.
    Encoded(u8),
}

impl<'a> Reader<'a> {
    /// A reader at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.data.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(slice)
    }

    /// The next `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        self.take(n)
    }

    /// One byte.
    pub fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// Redis's `rdbLoadLen`.
    fn len(&mut self) -> Option<Len> {
        let first = self.byte()?;
        Some(match first >> 6 {
            0 => Len::Plain(u64::from(first & 0x3f)),
            1 => Len::Plain((u64::from(first & 0x3f) << 8) | u64::from(self.byte()?)),
            3 => Len::Encoded(first & 0x3f),
            _ if first == 0x80 => Len::Plain(u64::from(u32::from_be_bytes(
                self.take(4)?.try_into().ok()?,
            ))),
            _ if first == 0x81 => Len::Plain(u64::from_be_bytes(self.take(8)?.try_into().ok()?)),
            _ => return None,
        })
    }

    /// A length that must be a plain one.
    pub fn plain_len(&mut self) -> Option<usize> {
        match self.len()? {
            Len::Plain(n) => usize::try_from(n).ok(),
            Len::Encoded(_) => None,
        }
    }

    /// Redis's `rdbGenericLoadStringObject`: plain, integer or LZF.
    pub fn string(&mut self) -> Option<Bytes> {
        match self.len()? {
            Len::Plain(n) => {
                let n = usize::try_from(n).ok()?;
                Some(Bytes::copy_from_slice(self.take(n)?))
            }
            Len::Encoded(0) => Some(Bytes::from((self.byte()? as i8).to_string())),
            Len::Encoded(1) => Some(Bytes::from(
                i16::from_le_bytes(self.take(2)?.try_into().ok()?).to_string(),
            )),
            Len::Encoded(2) => Some(Bytes::from(
                i32::from_le_bytes(self.take(4)?.try_into().ok()?).to_string(),
            )),
            Len::Encoded(3) => {
                let packed_len = self.plain_len()?;
                let len = self.plain_len()?;
                let packed = self.take(packed_len)?;
                lzf::decompress(packed, len).map(Bytes::from)
            }
            Len::Encoded(_) => None,
        }
    }

    /// A binary double (`rdbLoadBinaryDoubleValue`): 8 bytes little-endian.
    fn binary_double(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A double as text (`rdbLoadDoubleValue`): a length byte, with 253, 254 and 255
    /// standing for NaN, +inf and -inf.
    fn text_double(&mut self) -> Option<f64> {
        match self.byte()? {
            253 => Some(f64::NAN),
            254 => Some(f64::INFINITY),
            255 => Some(f64::NEG_INFINITY),
            len => {
                let text = std::str::from_utf8(self.take(usize::from(len))?).ok()?;
                text.trim().parse().ok()
            }
        }
    }

    /// A count of elements to come, refusing counts the remaining bytes cannot hold
    /// (every element takes at least one byte), so a forged count allocates nothing.
    pub(crate) fn count(&mut self) -> Option<usize> {
        let count = self.plain_len()?;
        (count <= self.remaining()).then_some(count)
    }
}

/// The elements of a listpack, in order, each as its string form (an integer entry
/// as its decimal text). `None` unless the bytes are exactly one well-formed listpack.
pub fn listpack_entries(listpack: &[u8]) -> Option<Vec<Bytes>> {
    let total = u32::from_le_bytes(listpack.get(..4)?.try_into().ok()?) as usize;
    if total != listpack.len() || total < 7 || listpack[total - 1] != 0xff {
        return None;
    }
    let declared = u16::from_le_bytes(listpack[4..6].try_into().ok()?);
    let mut entries = Vec::new();
    let mut at = 6;
    while at < total - 1 {
        let start = at;
        let first = listpack[at];
        let (entry, len) = match first {
            0x00..=0x7f => (Bytes::from(first.to_string()), 1),
            0x80..=0xbf => {
                let len = usize::from(first & 0x3f);
                (
                    Bytes::copy_from_slice(listpack.get(at + 1..at + 1 + len)?),
                    1 + len,
                )
            }
            0xc0..=0xdf => {
                let raw = (u16::from(first & 0x1f) << 8) | u16::from(*listpack.get(at + 1)?);
                let n = if raw >= 1 << 12 {
                    i32::from(raw) - (1 << 13)
                } else {
                    i32::from(raw)
                };
                (Bytes::from(n.to_string()), 2)
            }
            0xe0..=0xef => {
                let len = (usize::from(first & 0x0f) << 8) | usize::from(*listpack.get(at + 1)?);
                (
                    Bytes::copy_from_slice(listpack.get(at + 2..at + 2 + len)?),
                    2 + len,
                )
            }
            0xf0 => {
                let len =
                    u32::from_le_bytes(listpack.get(at + 1..at + 5)?.try_into().ok()?) as usize;
                let end = (at + 5).checked_add(len)?;
                (Bytes::copy_from_slice(listpack.get(at + 5..end)?), 5 + len)
            }
            0xf1..=0xf4 => {
                let width = match first {
                    0xf1 => 2,
                    0xf2 => 3,
                    0xf3 => 4,
                    _ => 8,
                };
                let n = signed_le(listpack.get(at + 1..at + 1 + width)?);
                (Bytes::from(n.to_string()), 1 + width)
            }
            _ => return None,
        };
        at = start + len;
        // The entry's length again, written to be read backwards.
        at = at.checked_add(super::backlen_size(len))?;
        if at >= total {
            return None;
        }
        entries.push(entry);
    }
    if declared != u16::MAX && usize::from(declared) != entries.len() {
        return None;
    }
    Some(entries)
}

/// A little-endian two's-complement integer of 1 to 8 bytes.
fn signed_le(bytes: &[u8]) -> i64 {
    let mut wide = [0u8; 8];
    wide[..bytes.len()].copy_from_slice(bytes);
    let shift = 64 - 8 * bytes.len() as u32;
    (i64::from_le_bytes(wide) << shift) >> shift
}

/// The members of an intset (encoding width, count, then the members little-endian),
/// which must be sorted and distinct.
fn intset_members(intset: &[u8]) -> Option<Vec<i64>> {
    let width = u32::from_le_bytes(intset.get(..4)?.try_into().ok()?) as usize;
    let count = u32::from_le_bytes(intset.get(4..8)?.try_into().ok()?) as usize;
    if !matches!(width, 2 | 4 | 8) || intset.len() != 8 + width.checked_mul(count)? {
        return None;
    }
    let members: Vec<i64> = intset[8..].chunks_exact(width).map(signed_le).collect();
    members.windows(2).all(|w| w[0] < w[1]).then_some(members)
}

/// Pairs of a listpack holding field, value, field, value...
fn listpack_pairs(listpack: &[u8]) -> Option<Vec<(Bytes, Bytes)>> {
    let entries = listpack_entries(listpack)?;
    if entries.len() % 2 != 0 {
        return None;
    }
    let mut entries = entries.into_iter();
    let mut pairs = Vec::new();
    while let (Some(first), Some(second)) = (entries.next(), entries.next()) {
        pairs.push((first, second));
    }
    Some(pairs)
}

/// A string value as Redis stores a loaded one (`tryObjectEncoding`).
fn string_value(bytes: &[u8]) -> StrValue {
    StrValue::copied(bytes, StrEncoding::for_written(bytes))
}

/// Reads the value of RDB type `kind` (the type byte already read), building each
/// collection in the representation `rules` give it, as Redis converts what it loads
/// (`rules.seed` seeds the tables). `None` for anything malformed, an unknown type, or
/// an empty collection.
pub fn read_object(reader: &mut Reader<'_>, kind: u8, rules: &EncodingRules) -> Option<Value> {
    let value = match kind {
        types::STRING => Value::Str(string_value(&reader.string()?)),
        types::LIST => {
            let count = reader.count()?;
            let mut list = List::new();
            for _ in 0..count {
                list.push_back(StrValue::copied(&reader.string()?, StrEncoding::Raw));
            }
            Value::List(Box::new(list))
        }
        types::LIST_QUICKLIST_2 => {
            let nodes = reader.count()?;
            let mut list = List::new();
            for _ in 0..nodes {
                let container = reader.plain_len()?;
                let node = reader.string()?;
                match container {
                    QUICKLIST_NODE_PLAIN => {
                        list.push_back(StrValue::copied(&node, StrEncoding::Raw));
                    }
                    QUICKLIST_NODE_PACKED => {
                        let entries = listpack_entries(&node)?;
                        list.extend(
                            entries
                                .iter()
                                .map(|entry| StrValue::copied(entry, StrEncoding::Raw)),
                        );
                    }
                    _ => return None,
                }
            }
            Value::List(Box::new(list))
        }
        types::SET | types::SET_INTSET => {
            let members = match kind {
                types::SET => {
                    let count = reader.count()?;
                    (0..count)
                        .map(|_| reader.string())
                        .collect::<Option<Vec<_>>>()?
                }
                _ => intset_members(&reader.string()?)?
                    .into_iter()
                    .map(|n| Bytes::from(n.to_string()))
                    .collect(),
            };
            let mut set = Set::default();
            for member in &members {
                if !set.add(member, rules) {
                    return None; // a duplicate member
                }
            }
            Value::Set(Box::new(set))
        }
        types::HASH | types::HASH_LISTPACK => {
            let pairs = match kind {
                types::HASH => {
                    let count = reader.count()?;
                    (0..count)
                        .map(|_| Some((reader.string()?, reader.string()?)))
                        .collect::<Option<Vec<_>>>()?
                }
                _ => listpack_pairs(&reader.string()?)?,
            };
            let mut hash = Hash::default();
            // Redis checks every length before converting, as HSET does.
            hash.fit_lengths(pairs.iter().flat_map(|(f, v)| [f.len(), v.len()]), rules);
            for (field, value) in &pairs {
                if !hash.set(field, value, rules) {
                    return None; // a duplicate field
                }
            }
            Value::Hash(Box::new(hash))
        }
        types::ZSET | types::ZSET_2 | types::ZSET_LISTPACK => {
            let mut pairs: Vec<(Box<[u8]>, f64)> = match kind {
                types::ZSET_LISTPACK => {
                    let mut pairs = Vec::new();
                    for (member, score) in listpack_pairs(&reader.string()?)? {
                        let score = crate::num::parse_f64_strtod(&score)?;
                        pairs.push((member.to_vec().into_boxed_slice(), score));
                    }
                    pairs
                }
                _ => {
                    let count = reader.count()?;
                    let mut pairs = Vec::with_capacity(count);
                    for _ in 0..count {
                        let member = reader.string()?.to_vec().into_boxed_slice();
                        let score = match kind {
                            types::ZSET => reader.text_double()?,
                            _ => reader.binary_double()?,
                        };
                        pairs.push((member, score));
                    }
                    pairs
                }
            };
            if pairs.iter().any(|(_, score)| score.is_nan()) {
                return None;
            }
            // Scores compare as Redis compares them (-0 equals 0), then members.
            pairs.sort_by(|a, b| {
                a.1.partial_cmp(&b.1)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| a.0.cmp(&b.0))
            });
            let mut members: Vec<&[u8]> = pairs.iter().map(|(m, _)| &m[..]).collect();
            members.sort_unstable();
            if members.windows(2).any(|w| w[0] == w[1]) {
                return None;
            }
            let config = crate::types::zset::ZSetConfig::from_rules(rules, rules.seed);
            Value::ZSet(Box::new(ZSet::from_sorted(pairs, &config)))
        }
        stream::TYPE_STREAM_LISTPACKS
        | stream::TYPE_STREAM_LISTPACKS_2
        | stream::TYPE_STREAM_LISTPACKS_3 => {
            // An empty stream is a stream: the key stays when its last entry goes.
            return stream::read_stream(reader, kind).map(|s| Value::Stream(Box::new(s)));
        }
        _ => return None,
    };
    let empty = match &value {
        Value::Str(_) => false,
        Value::List(list) => list.is_empty(),
        Value::Hash(hash) => hash.is_empty(),
        Value::Set(set) => set.is_empty(),
        Value::ZSet(zset) => zset.is_empty(),
        Value::Stream(_) => false,
    };
    (!empty).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::dump::{append_footer, dump, restore, BAD_DATA, BAD_FOOTER};
    use crate::rdb::{Listpack, RdbSettings};

    const SETTINGS: RdbSettings = RdbSettings {
        compress: true,
        list_fill: -2,
        packed_threshold: crate::rdb::DEFAULT_PACKED_THRESHOLD,
    };

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut payload = body.to_vec();
        append_footer(&mut payload);
        payload
    }

    #[test]
    fn listpacks_read_back_in_every_entry_encoding() {
        let elements = crate::rdb::tests::EVERY_ENTRY_ENCODING;
        let long = "x".repeat(5000);
        let medium = "y".repeat(300);
        let mut listpack = Listpack::default();
        let all: Vec<&str> = elements
            .iter()
            .copied()
            .chain([&long[..], &medium[..]])
            .collect();
        for element in &all {
            listpack.push(element.as_bytes());
        }
        let entries = listpack_entries(&listpack.finish()).unwrap();
        let entries: Vec<&[u8]> = entries.iter().map(|e| &e[..]).collect();
        let expected: Vec<&[u8]> = all.iter().map(|e| e.as_bytes()).collect();
        assert_eq!(entries, expected);
    }

    #[test]
    fn malformed_listpacks_and_intsets_are_refused() {
        let mut listpack = Listpack::default();
        listpack.push(b"hello");
        listpack.push(b"12");
        let good = listpack.finish();
        assert!(listpack_entries(&good).is_some());
        // Truncated, a wrong total, a wrong count, no end byte.
        assert!(listpack_entries(&good[..good.len() - 1]).is_none());
        let mut wrong_total = good.clone();
        wrong_total[0] += 1;
        assert!(listpack_entries(&wrong_total).is_none());
        let mut wrong_count = good.clone();
        wrong_count[4] = 3;
        assert!(listpack_entries(&wrong_count).is_none());
        let mut no_end = good.clone();
        *no_end.last_mut().unwrap() = 0;
        assert!(listpack_entries(&no_end).is_none());
        // An intset must be sorted, distinct, and as long as it says.
        assert_eq!(
            intset_members(b"\x02\x00\x00\x00\x02\x00\x00\x00\xff\xff\x05\x00"),
            Some(vec![-1, 5])
        );
        assert!(intset_members(b"\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x05\x00").is_none());
        assert!(intset_members(b"\x02\x00\x00\x00\x03\x00\x00\x00\x05\x00\x06\x00").is_none());
        assert!(intset_members(b"\x03\x00\x00\x00\x01\x00\x00\x00\x05\x00\x00").is_none());
    }

    /// A value's elements, sorted where a hash table's order is arbitrary.
    fn contents(value: &Value) -> Vec<Vec<u8>> {
        match value {
            Value::Set(set) => {
                let mut members: Vec<Vec<u8>> = set.members().map(|m| m.to_vec()).collect();
                members.sort();
                members
            }
            Value::Hash(hash) => {
                let mut pairs: Vec<Vec<u8>> = hash
                    .iter()
                    .map(|(f, v)| [f, v.as_bytes()].concat())
                    .collect();
                pairs.sort();
                pairs
            }
            other => vec![dump(other, SETTINGS)],
        }
    }

    /// Every kind of value, in each representation, comes back equal and in the same
    /// representation.
    #[test]
    fn dumps_restore_to_the_same_value() {
        let rules = EncodingRules::default();
        let zset_config = crate::types::zset::ZSetConfig::default();
        let mut values = vec![
            Value::Str(string_value(b"12345")),
            Value::Str(string_value(&b"z".repeat(100))),
            Value::List(Box::new(
                (0..2000)
                    .map(|n| StrValue::copied(format!("e{n}").as_bytes(), StrEncoding::Raw))
                    .collect(),
            )),
        ];
        for size in [3, 1000] {
            let mut hash = Hash::default();
            let mut set = Set::default();
            let mut ints = Set::default();
            let mut zset = ZSet::new();
            for n in 0..size {
                hash.set(format!("f{n}").as_bytes(), b"v", &rules);
                set.add(format!("m{n}").as_bytes(), &rules);
                ints.add(n.to_string().as_bytes(), &rules);
                zset.add(format!("m{n}").as_bytes(), f64::from(n) / 3.0, &zset_config);
            }
            values.extend([
                Value::Hash(Box::new(hash)),
                Value::Set(Box::new(set)),
                Value::Set(Box::new(ints)),
                Value::ZSet(Box::new(zset)),
            ]);
        }
        for value in values {
            let restored = restore(&dump(&value, SETTINGS), &rules).unwrap();
            assert_eq!(restored.encoding_name(), value.encoding_name());
            assert_eq!(contents(&restored), contents(&value));
        }
    }

    #[test]
    fn broken_payloads_are_refused() {
        let rules = EncodingRules::default();
        assert_eq!(restore(b"short", &rules).err(), Some(BAD_FOOTER));
        for body in [
            &b"\x07\x03abc"[..],                              // a module value
            b"\x12\x00",                                      // an empty list
            b"\x02\x02\x01a\x01a",                            // a set with a duplicate member
            b"\x04\x02\x01f\x01v\x01f\x01w",                  // a hash with a duplicate field
            b"\x05\x01\x01a\x00\x00\x00\x00\x00\x00\xf8\x7f", // a NaN score
            b"\x12\x01\x03\x01a",                             // an unknown quicklist container
            b"\x02\x80\xff\xff\xff\xff",                      // a count past the payload
        ] {
            assert_eq!(
                restore(&framed(body), &rules).err(),
                Some(BAD_DATA),
                "{body:?}"
            );
        }
    }
}
