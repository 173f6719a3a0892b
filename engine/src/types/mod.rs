//! The values keys hold. Pure data: no argv, no replies.
//!
//! Strings ([`string`]), hashes ([`hash`]), sets ([`set`]), sorted sets ([`zset`])
//! and streams ([`stream`]) each have a file; a list is a plain deque of strings (Redis 7.0 reports every list as
//! `quicklist`).

pub mod hash;
pub mod set;
pub mod stream;
pub mod string;
pub mod zset;

use std::collections::VecDeque;

pub use hash::Hash;
pub use set::Set;
pub use stream::Stream;
pub use string::StrValue;
pub use zset::ZSet;

/// A list value: Redis 7.0 always reports `quicklist`, whatever the size.
pub type List = VecDeque<StrValue>;

/// The settings that decide a collection's representation (`hash-max-listpack-*`,
/// `set-max-intset-entries`, `zset-max-listpack-*`, `stream-node-max-*`), and the seed hashtable-encoded
/// collections hash with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodingRules {
    /// `hash-max-listpack-entries`
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value`
    pub hash_max_listpack_value: usize,
    /// `set-max-intset-entries`
    pub set_max_intset_entries: usize,
    /// `zset-max-listpack-entries`
    pub zset_max_listpack_entries: usize,
    /// `zset-max-listpack-value`
    pub zset_max_listpack_value: usize,
    /// `stream-node-max-bytes` and `stream-node-max-entries`.
    pub stream_node_limits: stream::NodeLimits,
    /// Hash seed of collections' tables.
    pub seed: u64,
}

impl Default for EncodingRules {
    /// Redis's defaults.
    fn default() -> Self {
        EncodingRules {
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            stream_node_limits: stream::NodeLimits::default(),
            seed: 0,
        }
    }
}

/// How a string is stored, as `OBJECT ENCODING` reports it. Redis decides this when a
/// value is written: `int` for a canonical integer of at most 20 bytes, `embstr` for
/// other strings of at most 44 bytes, `raw` for longer ones and for any string modified
/// in place (APPEND, SETRANGE, SETBIT, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrEncoding {
    /// A canonical 64-bit integer.
    Int,
    /// A short string stored with its object header.
    Embstr,
    /// A separately allocated string.
    Raw,
}

/// Longest string Redis stores as `embstr` (`OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
const EMBSTR_LIMIT: usize = 44;

impl StrEncoding {
    /// The encoding Redis's `tryObjectEncoding` gives a freshly written value.
    pub fn for_written(bytes: &[u8]) -> Self {
        if bytes.len() <= 20 && crate::num::parse_i64(bytes).is_some() {
            StrEncoding::Int
        } else {
            Self::for_created(bytes)
        }
    }

    /// The encoding of a string created without integer detection (e.g. INCRBYFLOAT's
    /// result): `embstr` when short, `raw` otherwise.
    pub fn for_created(bytes: &[u8]) -> Self {
        if bytes.len() <= EMBSTR_LIMIT {
            StrEncoding::Embstr
        } else {
            StrEncoding::Raw
        }
    }

    /// The name `OBJECT ENCODING` replies with.
    pub fn name(self) -> &'static str {
        match self {
            StrEncoding::Int => "int",
            StrEncoding::Embstr => "embstr",
            StrEncoding::Raw => "raw",
        }
    }
}

/// A value stored under a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, with the encoding Redis would report for it.
    Str(StrValue),
    /// A list (boxed, like every collection, so a value stays 16 bytes).
    List(Box<List>),
    /// A hash.
    Hash(Box<Hash>),
    /// A set.
    Set(Box<Set>),
    /// A sorted set.
    ZSet(Box<ZSet>),
    /// A stream.
    Stream(Box<Stream>),
}

impl Value {
    /// A string value written by SET-like commands (integer detection on). The bytes
    /// are copied: argv slices share the connection's read buffer, which a stored
    /// value must not keep alive.
    pub fn string(bytes: &[u8]) -> Self {
        Value::Str(StrValue::copied(bytes, StrEncoding::for_written(bytes)))
    }

    /// A string value produced by an in-place modification (always `raw`), taking
    /// ownership of a buffer the engine built.
    pub fn raw_string(bytes: Vec<u8>) -> Self {
        Value::Str(StrValue::owned(bytes, StrEncoding::Raw))
    }

    /// The name `TYPE` replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// The name `OBJECT ENCODING` replies with.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Value::Str(string) => string.encoding().name(),
            Value::List(_) => "quicklist",
            Value::Hash(hash) => hash.encoding_name(),
            Value::Set(set) => set.encoding_name(),
            Value::ZSet(zset) => zset.encoding_name(),
            Value::Stream(_) => "stream",
        }
    }

    /// An estimate of the heap bytes this value uses (a collection's box included).
    pub fn heap_size(&self) -> usize {
        match self {
            Value::Str(string) => string.heap_size(),
            Value::List(list) => {
                std::mem::size_of::<List>()
                    + list.capacity() * std::mem::size_of::<StrValue>()
                    + list.iter().map(StrValue::heap_size).sum::<usize>()
            }
            Value::Hash(hash) => std::mem::size_of::<Hash>() + hash.heap_size(),
            Value::Set(set) => std::mem::size_of::<Set>() + set.heap_size(),
            Value::ZSet(zset) => std::mem::size_of::<ZSet>() + zset.heap_size(),
            Value::Stream(stream) => std::mem::size_of::<Stream>() + stream.heap_size(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_canonical_integers_are_int_encoded() {
        assert_eq!(StrEncoding::for_written(b"12345"), StrEncoding::Int);
        assert_eq!(StrEncoding::for_written(b"-7"), StrEncoding::Int);
    }

    #[test]
    fn non_canonical_integers_are_strings() {
        assert_eq!(StrEncoding::for_written(b"007"), StrEncoding::Embstr);
        assert_eq!(StrEncoding::for_written(b" 7"), StrEncoding::Embstr);
    }

    #[test]
    fn strings_longer_than_44_bytes_are_raw() {
        assert_eq!(StrEncoding::for_written(&[b'a'; 44]), StrEncoding::Embstr);
        assert_eq!(StrEncoding::for_written(&[b'a'; 45]), StrEncoding::Raw);
    }
}
