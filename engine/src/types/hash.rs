//! Hashes: field → value maps in Redis's two representations.
//!
//! A small hash is a `listpack`: fields in insertion order (an update keeps the field's
//! place), searched linearly, which is also the order HGETALL answers in. It becomes a
//! `hashtable` for good once it holds more than `hash-max-listpack-entries` fields or
//! is given a field or value longer than `hash-max-listpack-value` bytes.

use super::{EncodingRules, StrEncoding, StrValue};
use crate::dict::Dict;

/// A hash value.
#[derive(Debug, Clone, PartialEq)]
pub enum Hash {
    /// Few, short fields, in insertion order.
    Listpack(Vec<(StrValue, StrValue)>),
    /// A hash table of fields.
    Table(Dict<StrValue>),
}

fn stored(bytes: &[u8]) -> StrValue {
    StrValue::copied(bytes, StrEncoding::Raw)
}

impl Default for Hash {
    fn default() -> Self {
        Hash::Listpack(Vec::new())
    }
}

impl Hash {
    /// Number of fields.
    pub fn len(&self) -> usize {
        match self {
            Hash::Listpack(pairs) => pairs.len(),
            Hash::Table(table) => table.len(),
        }
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `field`.
    pub fn get(&self, field: &[u8]) -> Option<&StrValue> {
        match self {
            Hash::Listpack(pairs) => pairs
                .iter()
                .find(|(name, _)| name.as_bytes() == field)
                .map(|(_, value)| value),
            Hash::Table(table) => table.get(field),
        }
    }

    /// Converts to a hash table when any of `lengths` is over the listpack value limit,
    /// as Redis checks every argument of HSET before writing.
    pub fn fit_lengths(&mut self, lengths: impl IntoIterator<Item = usize>, rules: &EncodingRules) {
        if matches!(self, Hash::Listpack(_))
            && lengths
                .into_iter()
                .any(|len| len > rules.hash_max_listpack_value)
        {
            self.convert(rules);
        }
    }

    /// Sets `field` to `value`; true when the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8], rules: &EncodingRules) -> bool {
        self.fit_lengths([field.len(), value.len()], rules);
        let added = match self {
            Hash::Listpack(pairs) => {
                match pairs.iter_mut().find(|(name, _)| name.as_bytes() == field) {
                    Some((_, old)) => {
                        *old = stored(value);
                        false
                    }
                    None => {
                        pairs.push((stored(field), stored(value)));
                        true
                    }
                }
            }
            Hash::Table(table) => table.insert(field, stored(value), |_| 0).is_none(),
        };
        if matches!(self, Hash::Listpack(pairs) if pairs.len() > rules.hash_max_listpack_entries) {
            self.convert(rules);
        }
        added
    }

    /// Removes `field`; true when it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(pairs) => {
                match pairs.iter().position(|(name, _)| name.as_bytes() == field) {
                    Some(index) => {
                        pairs.remove(index);
                        true
                    }
                    None => false,
                }
            }
            Hash::Table(table) => table.remove(field).is_some(),
        }
    }

    /// Every (field, value), in the representation's order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&[u8], &StrValue)> + '_> {
        match self {
            Hash::Listpack(pairs) => {
                Box::new(pairs.iter().map(|(field, value)| (field.as_bytes(), value)))
            }
            Hash::Table(table) => Box::new(table.iter()),
        }
    }

    /// A uniformly chosen (field, value); `random` supplies random numbers.
    pub fn random_pair(&self, mut random: impl FnMut() -> u64) -> Option<(&[u8], &StrValue)> {
        match self {
            Hash::Listpack(pairs) if pairs.is_empty() => None,
            Hash::Listpack(pairs) => {
                let (field, value) = &pairs[(random() as usize) % pairs.len()];
                Some((field.as_bytes(), value))
            }
            Hash::Table(table) => table.random_entry(random),
        }
    }

    /// The representation's name, as `OBJECT ENCODING` reports it.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Hash::Listpack(_) => "listpack",
            Hash::Table(_) => "hashtable",
        }
    }

    /// Estimated heap bytes.
    pub fn heap_size(&self) -> usize {
        match self {
            Hash::Listpack(pairs) => {
                pairs.capacity() * std::mem::size_of::<(StrValue, StrValue)>()
                    + pairs
                        .iter()
                        .map(|(f, v)| f.heap_size() + v.heap_size())
                        .sum::<usize>()
            }
            Hash::Table(table) => {
                table.bucket_count() * std::mem::size_of::<usize>()
                    + table
                        .iter()
                        .map(|(f, v)| f.len() + 24 + v.heap_size())
                        .sum::<usize>()
            }
        }
    }

    /// The hash-table representation of this hash.
    fn convert(&mut self, rules: &EncodingRules) {
        if let Hash::Listpack(pairs) = self {
            let mut table = Dict::with_seed(rules.seed);
            for (field, value) in pairs.drain(..) {
                table.insert(field.as_bytes(), value, |_| 0);
            }
            *self = Hash::Table(table);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(entries: usize, value: usize) -> EncodingRules {
        EncodingRules {
            hash_max_listpack_entries: entries,
            hash_max_listpack_value: value,
            ..EncodingRules::default()
        }
    }

    #[test]
    fn listpack_keeps_insertion_order_and_updates_in_place() {
        let mut hash = Hash::default();
        let rules = rules(128, 64);
        assert!(hash.set(b"b", b"1", &rules));
        assert!(hash.set(b"a", b"2", &rules));
        assert!(!hash.set(b"b", b"3", &rules));
        let pairs: Vec<(Vec<u8>, Vec<u8>)> =
            hash.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
        assert_eq!(
            pairs,
            vec![
                (b"b".to_vec(), b"3".to_vec()),
                (b"a".to_vec(), b"2".to_vec())
            ]
        );
        assert_eq!(hash.encoding_name(), "listpack");
    }

    #[test]
    fn more_entries_than_the_limit_make_a_hashtable() {
        let mut hash = Hash::default();
        let rules = rules(2, 64);
        hash.set(b"a", b"1", &rules);
        hash.set(b"b", b"1", &rules);
        assert_eq!(hash.encoding_name(), "listpack");
        hash.set(b"c", b"1", &rules);
        assert_eq!(hash.encoding_name(), "hashtable");
        assert_eq!(hash.len(), 3);
        assert_eq!(hash.get(b"b").map(|v| v.to_vec()), Some(b"1".to_vec()));
        assert!(hash.remove(b"a"));
        assert!(!hash.remove(b"a"));
        assert_eq!(hash.encoding_name(), "hashtable");
    }

    #[test]
    fn a_long_value_makes_a_hashtable() {
        let mut hash = Hash::default();
        let rules = rules(128, 4);
        hash.set(b"a", b"1234", &rules);
        assert_eq!(hash.encoding_name(), "listpack");
        hash.set(b"a", b"12345", &rules);
        assert_eq!(hash.encoding_name(), "hashtable");
    }
}
