//! A chained hash table with Redis's iteration guarantees.
//!
//! The keyspace (and later hashes and sets) need three things std's `HashMap` cannot
//! give: SCAN's promise that an element present for the whole scan is returned at least
//! once even while the table grows or shrinks (Redis's reverse-binary cursor over bucket
//! indices), a uniformly chosen random element (RANDOMKEY, SPOP), and sampling from a
//! random starting bucket (active expiry). Buckets are a power of two; each holds a
//! singly linked chain. The table doubles when it holds as many elements as buckets and
//! halves when it falls under a tenth full, as Redis's `dict.c` does.

use std::hash::BuildHasher;

use bytes::Bytes;

/// Fewest buckets a non-empty table has (Redis's `DICT_HT_INITIAL_SIZE`).
const MIN_BUCKETS: usize = 4;

type Link<V> = Option<Box<Node<V>>>;

#[derive(Debug, Clone)]
struct Node<V> {
    key: Bytes,
    value: V,
    next: Link<V>,
}

/// Result of [`Dict::get_mut_unless`].
#[derive(Debug)]
pub enum Lookup<'a, V> {
    /// No element with that key.
    Missing,
    /// The element, left in place.
    Found(&'a mut V),
    /// The element matched the removal predicate and was taken out.
    Removed(Bytes, V),
}

/// A hash table from byte-string keys to `V`.
#[derive(Debug, Clone)]
pub struct Dict<V> {
    buckets: Vec<Link<V>>,
    len: usize,
    hasher: foldhash::fast::FixedState,
}

impl<V> Dict<V> {
    /// An empty table hashing with `seed`.
    pub fn with_seed(seed: u64) -> Self {
        Dict {
            buckets: Vec::new(),
            len: 0,
            hasher: foldhash::fast::FixedState::with_seed(seed),
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of buckets (for `DEBUG HTSTATS`-like reporting and memory estimates).
    pub fn bucket_count(&self) -> usize {
        self.buckets.len()
    }

    fn bucket_of(&self, key: &[u8]) -> usize {
        (self.hasher.hash_one(key) as usize) & (self.buckets.len() - 1)
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.get_key_value(key).map(|(_, value)| value)
    }

    /// The key as stored (sharing its bytes) and its value.
    pub fn get_key_value(&self, key: &[u8]) -> Option<(&Bytes, &V)> {
        if self.len == 0 {
            return None;
        }
        chain(&self.buckets[self.bucket_of(key)])
            .find(|node| node.key.as_ref() == key)
            .map(|node| (&node.key, &node.value))
    }

    /// The value stored under `key`, mutably.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        if self.len == 0 {
            return None;
        }
        let bucket = self.bucket_of(key);
        find_slot(&mut self.buckets[bucket], key)
            .as_mut()
            .map(|node| &mut node.value)
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Finds `key` in one pass; if `remove_if` says so, takes the element out instead of
    /// returning it (lazy expiry: an expired key is deleted on the access that finds it).
    pub fn get_mut_unless(
        &mut self,
        key: &[u8],
        remove_if: impl FnOnce(&V) -> bool,
    ) -> Lookup<'_, V> {
        if self.len == 0 {
            return Lookup::Missing;
        }
        let bucket = self.bucket_of(key);
        let slot = find_slot(&mut self.buckets[bucket], key);
        let Some(node) = slot else {
            return Lookup::Missing;
        };
        if remove_if(&node.value) {
            let Some(mut node) = slot.take() else {
                return Lookup::Missing;
            };
            *slot = node.next.take();
            self.len -= 1;
            return Lookup::Removed(node.key, node.value);
        }
        match slot {
            Some(node) => Lookup::Found(&mut node.value),
            None => Lookup::Missing,
        }
    }

    /// Stores `value` under `key`, returning the value it replaced.
    pub fn insert(&mut self, key: Bytes, value: V) -> Option<V> {
        if let Some(existing) = self.get_mut(&key) {
            return Some(std::mem::replace(existing, value));
        }
        self.grow_if_full();
        let bucket = self.bucket_of(&key);
        let head = self.buckets[bucket].take();
        self.buckets[bucket] = Some(Box::new(Node {
            key,
            value,
            next: head,
        }));
        self.len += 1;
        None
    }

    /// Removes `key`, returning its stored key and value.
    pub fn remove(&mut self, key: &[u8]) -> Option<(Bytes, V)> {
        if self.len == 0 {
            return None;
        }
        let bucket = self.bucket_of(key);
        let slot = find_slot(&mut self.buckets[bucket], key);
        let mut node = slot.take()?;
        *slot = node.next.take();
        self.len -= 1;
        self.shrink_if_sparse();
        Some((node.key, node.value))
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        // Unlink chains iteratively: dropping a long chain recursively could overflow
        // the stack.
        for bucket in &mut self.buckets {
            let mut link = bucket.take();
            while let Some(mut node) = link {
                link = node.next.take();
            }
        }
        self.buckets = Vec::new();
        self.len = 0;
    }

    /// Every element, in bucket order.
    pub fn iter(&self) -> Iter<'_, V> {
        Iter {
            buckets: &self.buckets,
            bucket: 0,
            node: None,
        }
    }

    /// Visits one bucket at `cursor` and returns the next cursor (0 when done), using
    /// Redis's reverse-binary increment so that resizes between calls never make the
    /// scan skip an element that was present throughout.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&Bytes, &V)) -> u64 {
        if self.len == 0 {
            return 0;
        }
        let mask = (self.buckets.len() - 1) as u64;
        let mut link = &self.buckets[(cursor & mask) as usize];
        while let Some(node) = link {
            visit(&node.key, &node.value);
            link = &node.next;
        }
        let mut next = cursor | !mask;
        next = next.reverse_bits();
        next = next.wrapping_add(1);
        next.reverse_bits()
    }

    /// A uniformly chosen element, using `random` as a source of random numbers.
    pub fn random_entry(&self, mut random: impl FnMut() -> u64) -> Option<(&Bytes, &V)> {
        if self.len == 0 {
            return None;
        }
        let mask = self.buckets.len() - 1;
        loop {
            let bucket = &self.buckets[(random() as usize) & mask];
            let chain_len = chain(bucket).count();
            if chain_len == 0 {
                continue;
            }
            let pick = (random() as usize) % chain_len;
            if let Some(node) = chain(bucket).nth(pick) {
                return Some((&node.key, &node.value));
            }
        }
    }

    /// Up to `limit` elements from consecutive buckets starting at bucket `start`
    /// (wrapping), for sampling (active expiry).
    pub fn sample_from(&self, start: u64, limit: usize, mut visit: impl FnMut(&Bytes, &V)) {
        if self.len == 0 {
            return;
        }
        let mask = self.buckets.len() - 1;
        let mut seen = 0;
        for offset in 0..self.buckets.len() {
            for node in chain(&self.buckets[(start as usize).wrapping_add(offset) & mask]) {
                visit(&node.key, &node.value);
                seen += 1;
            }
            if seen >= limit {
                return;
            }
        }
    }

    fn grow_if_full(&mut self) {
        if self.buckets.is_empty() {
            self.rehash(MIN_BUCKETS);
        } else if self.len >= self.buckets.len() {
            self.rehash(self.buckets.len() * 2);
        }
    }

    fn shrink_if_sparse(&mut self) {
        let buckets = self.buckets.len();
        if buckets > MIN_BUCKETS && self.len * 10 < buckets {
            self.rehash(self.len.next_power_of_two().max(MIN_BUCKETS));
        }
    }

    fn rehash(&mut self, new_size: usize) {
        let old = std::mem::take(&mut self.buckets);
        self.buckets.resize_with(new_size, || None);
        let mask = new_size - 1;
        for mut link in old {
            while let Some(mut node) = link {
                link = node.next.take();
                let bucket = (self.hasher.hash_one(node.key.as_ref()) as usize) & mask;
                node.next = self.buckets[bucket].take();
                self.buckets[bucket] = Some(node);
            }
        }
    }
}

impl<V> Drop for Dict<V> {
    fn drop(&mut self) {
        self.clear();
    }
}

/// The slot in a chain that holds `key`'s node, or the empty slot at the chain's end.
fn find_slot<'a, V>(mut slot: &'a mut Link<V>, key: &[u8]) -> &'a mut Link<V> {
    while slot.as_ref().is_some_and(|node| node.key.as_ref() != key) {
        match slot {
            Some(node) => slot = &mut node.next,
            None => unreachable!("loop condition checked the slot is occupied"),
        }
    }
    slot
}

fn chain<V>(link: &Link<V>) -> impl Iterator<Item = &Node<V>> {
    std::iter::successors(link.as_deref(), |node| node.next.as_deref())
}

/// Iterator over a [`Dict`]'s elements.
#[derive(Debug)]
pub struct Iter<'a, V> {
    buckets: &'a [Link<V>],
    bucket: usize,
    node: Option<&'a Node<V>>,
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a Bytes, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(node) = self.node {
                self.node = node.next.as_deref();
                return Some((&node.key, &node.value));
            }
            let bucket = self.buckets.get(self.bucket)?;
            self.bucket += 1;
            self.node = bucket.as_deref();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn key(n: u32) -> Bytes {
        Bytes::from(format!("key:{n}"))
    }

    #[test]
    fn insert_get_remove_round_trip() {
        let mut dict = Dict::with_seed(1);
        for n in 0..1000 {
            assert_eq!(dict.insert(key(n), n), None);
        }
        assert_eq!(dict.len(), 1000);
        assert_eq!(dict.insert(key(7), 70), Some(7));
        assert_eq!(dict.get(b"key:7"), Some(&70));
        assert_eq!(dict.remove(b"key:7"), Some((key(7), 70)));
        assert_eq!(dict.get(b"key:7"), None);
        for n in 0..1000 {
            dict.remove(&key(n));
        }
        assert!(dict.is_empty());
        assert!(dict.bucket_count() <= MIN_BUCKETS);
    }

    #[test]
    fn get_mut_unless_removes_in_one_pass() {
        let mut dict = Dict::with_seed(1);
        dict.insert(key(1), 1);
        dict.insert(key(2), 2);
        assert!(matches!(
            dict.get_mut_unless(b"key:1", |v| *v == 1),
            Lookup::Removed(_, 1)
        ));
        assert!(matches!(
            dict.get_mut_unless(b"key:1", |_| false),
            Lookup::Missing
        ));
        match dict.get_mut_unless(b"key:2", |_| false) {
            Lookup::Found(value) => *value = 20,
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(dict.get(b"key:2"), Some(&20));
        assert_eq!(dict.len(), 1);
    }

    #[test]
    fn full_scan_returns_every_element() {
        let mut dict = Dict::with_seed(3);
        for n in 0..500 {
            dict.insert(key(n), ());
        }
        let mut seen = BTreeSet::new();
        let mut cursor = 0;
        loop {
            cursor = dict.scan(cursor, |k, _| {
                seen.insert(k.clone());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 500);
    }

    #[test]
    fn random_entry_finds_an_element() {
        let mut dict = Dict::with_seed(3);
        for n in 0..50 {
            dict.insert(key(n), n);
        }
        let mut state = 12345u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (k, v) = dict.random_entry(&mut next).expect("non-empty");
        assert_eq!(k, &key(*v));
    }

    #[test]
    fn long_chains_drop_without_recursion() {
        let mut dict = Dict::with_seed(0);
        for n in 0..200_000 {
            dict.insert(key(n), ());
        }
        drop(dict);
    }

    proptest! {
        /// Redis's SCAN guarantee: an element present from the start to the end of a
        /// scan is returned, whatever is added or removed (and however the table
        /// resizes) between the calls.
        #[test]
        fn scan_returns_elements_present_throughout(
            initial in 0u32..400,
            steps in proptest::collection::vec((0u32..2000, any::<bool>()), 0..60),
        ) {
            let mut dict = Dict::with_seed(9);
            for n in 0..initial {
                dict.insert(key(n), ());
            }
            let mut ever_removed = BTreeSet::new();
            let mut seen = BTreeSet::new();
            let mut cursor = 0;
            let mut steps = steps.into_iter();
            loop {
                cursor = dict.scan(cursor, |k, _| { seen.insert(k.clone()); });
                if cursor == 0 {
                    break;
                }
                // Between calls, grow or shrink the table.
                if let Some((n, add)) = steps.next() {
                    if add {
                        for m in n..n + 50 { dict.insert(key(m), ()); }
                    } else {
                        for m in n.saturating_sub(200)..n {
                            if dict.remove(&key(m)).is_some() { ever_removed.insert(key(m)); }
                        }
                    }
                }
            }
            for n in 0..initial {
                let k = key(n);
                if !ever_removed.contains(&k) {
                    prop_assert!(seen.contains(&k), "missed {k:?}");
                }
            }
        }

        /// The table behaves like a map under any sequence of inserts and removes.
        #[test]
        fn behaves_like_a_btreemap(ops in proptest::collection::vec((0u32..64, any::<bool>()), 0..400)) {
            let mut dict = Dict::with_seed(5);
            let mut model = BTreeMap::new();
            for (n, insert) in ops {
                if insert {
                    prop_assert_eq!(dict.insert(key(n), n), model.insert(key(n), n));
                } else {
                    prop_assert_eq!(dict.remove(&key(n)).map(|(_, v)| v), model.remove(&key(n)));
                }
                prop_assert_eq!(dict.len(), model.len());
            }
            let mut items: Vec<_> = dict.iter().map(|(k, v)| (k.clone(), *v)).collect();
            items.sort();
            prop_assert_eq!(items, model.into_iter().collect::<Vec<_>>());
        }
    }
}
