//! Sets of byte strings in Redis 7.0's two representations.
//!
//! A set of canonical integers is an `intset`: the integers sorted ascending, which is
//! the order SMEMBERS answers in. Adding a member that is not a canonical integer, or
//! growing past `set-max-intset-entries`, turns it into a `hashtable` for good.

use super::EncodingRules;
use crate::dict::Dict;
use crate::num::parse_i64;

/// A set value.
#[derive(Debug, Clone, PartialEq)]
pub enum Set {
    /// Canonical integers, sorted ascending.
    Intset(Vec<i64>),
    /// A hash table of members.
    Table(Dict<()>),
}

impl Default for Set {
    fn default() -> Self {
        Set::Intset(Vec::new())
    }
}

/// Intsets are capped at 2^30 entries whatever the setting, as in Redis.
const INTSET_HARD_LIMIT: usize = 1 << 30;

impl Set {
    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            Set::Intset(numbers) => numbers.len(),
            Set::Table(table) => table.len(),
        }
    }

    /// True when there are no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when `member` is in the set.
    pub fn contains(&self, member: &[u8]) -> bool {
        match self {
            Set::Intset(numbers) => {
                parse_i64(member).is_some_and(|n| numbers.binary_search(&n).is_ok())
            }
            Set::Table(table) => table.contains_key(member),
        }
    }

    /// Adds `member`; true when it was not there.
    pub fn add(&mut self, member: &[u8], rules: &EncodingRules) -> bool {
        if let Set::Intset(numbers) = self {
            if let Some(number) = parse_i64(member) {
                let Err(at) = numbers.binary_search(&number) else {
                    return false;
                };
                numbers.insert(at, number);
                let limit = rules.set_max_intset_entries.min(INTSET_HARD_LIMIT);
                if numbers.len() > limit {
                    self.convert(rules);
                }
                return true;
            }
            self.convert(rules);
        }
        match self {
            Set::Table(table) => table.insert(member, (), |_| 0).is_none(),
            Set::Intset(_) => unreachable!("converted above"),
        }
    }

    /// Removes `member`; true when it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            Set::Intset(numbers) => match parse_i64(member).map(|n| numbers.binary_search(&n)) {
                Some(Ok(at)) => {
                    numbers.remove(at);
                    true
                }
                _ => false,
            },
            Set::Table(table) => table.remove(member).is_some(),
        }
    }

    /// Every member, in the representation's order (ascending for an intset).
    pub fn members(&self) -> Box<dyn Iterator<Item = Member<'_>> + '_> {
        match self {
            Set::Intset(numbers) => Box::new(numbers.iter().map(|&n| Member::Int(n))),
            Set::Table(table) => Box::new(table.iter().map(|(member, ())| Member::Bytes(member))),
        }
    }

    /// A uniformly chosen member; `random` supplies random numbers.
    pub fn random_member(&self, mut random: impl FnMut() -> u64) -> Option<Member<'_>> {
        match self {
            Set::Intset(numbers) if numbers.is_empty() => None,
            Set::Intset(numbers) => Some(Member::Int(numbers[(random() as usize) % numbers.len()])),
            Set::Table(table) => table
                .random_entry(random)
                .map(|(member, ())| Member::Bytes(member)),
        }
    }

    /// Visits the members of one cursor step of SSCAN and answers the next cursor: an
    /// intset is visited whole (cursor 0), a table one bucket at a time.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(Member<'_>)) -> u64 {
        match self {
            Set::Intset(_) => {
                self.members().for_each(visit);
                0
            }
            Set::Table(table) => table.scan(cursor, |member, ()| visit(Member::Bytes(member))),
        }
    }

    /// The representation's name, as `OBJECT ENCODING` reports it.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Set::Intset(_) => "intset",
            Set::Table(_) => "hashtable",
        }
    }

    /// Estimated heap bytes.
    pub fn heap_size(&self) -> usize {
        match self {
            Set::Intset(numbers) => numbers.capacity() * 8,
            Set::Table(table) => {
                table.bucket_count() * std::mem::size_of::<usize>()
                    + table
                        .iter()
                        .map(|(member, ())| member.len() + 16)
                        .sum::<usize>()
            }
        }
    }

    fn convert(&mut self, rules: &EncodingRules) {
        if let Set::Intset(numbers) = self {
            let mut table = Dict::with_seed(rules.seed);
            for number in numbers.iter() {
                table.insert(number.to_string().as_bytes(), (), |_| 0);
            }
            *self = Set::Table(table);
        }
    }
}

/// A set member as stored: an intset's integer or a table's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member<'a> {
    /// An intset integer.
    Int(i64),
    /// A table member.
    Bytes(&'a [u8]),
}

impl Member<'_> {
    /// The member's bytes (an integer in its canonical spelling).
    pub fn to_vec(self) -> Vec<u8> {
        match self {
            Member::Int(number) => number.to_string().into_bytes(),
            Member::Bytes(bytes) => bytes.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(set: &Set) -> Vec<Vec<u8>> {
        set.members().map(Member::to_vec).collect()
    }

    #[test]
    fn canonical_integers_make_a_sorted_intset() {
        let mut set = Set::default();
        let rules = EncodingRules::default();
        assert!(set.add(b"10", &rules));
        assert!(set.add(b"-3", &rules));
        assert!(!set.add(b"10", &rules));
        assert_eq!(members(&set), vec![b"-3".to_vec(), b"10".to_vec()]);
        assert_eq!(set.encoding_name(), "intset");
        assert!(set.contains(b"-3"));
        assert!(!set.contains(b"-03"));
    }

    #[test]
    fn a_non_integer_member_makes_a_hashtable() {
        let mut set = Set::default();
        let rules = EncodingRules::default();
        set.add(b"1", &rules);
        set.add(b"01", &rules);
        assert_eq!(set.encoding_name(), "hashtable");
        assert!(set.contains(b"1") && set.contains(b"01"));
        assert!(set.remove(b"1"));
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn more_integers_than_the_limit_make_a_hashtable() {
        let rules = EncodingRules {
            set_max_intset_entries: 2,
            ..EncodingRules::default()
        };
        let mut set = Set::default();
        set.add(b"1", &rules);
        set.add(b"2", &rules);
        assert_eq!(set.encoding_name(), "intset");
        set.add(b"3", &rules);
        assert_eq!(set.encoding_name(), "hashtable");
        assert_eq!(set.len(), 3);
    }
}
