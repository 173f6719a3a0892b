//! A chained hash table with Redis's iteration guarantees, one allocation per element.
//!
//! The keyspace (and later hashes and sets) need three things std's `HashMap` cannot
//! give: SCAN's promise that an element present for the whole scan is returned at least
//! once even while the table grows or shrinks (Redis's reverse-binary cursor over bucket
//! indices), a uniformly chosen random element (RANDOMKEY, SPOP), and sampling from a
//! random starting bucket (active expiry). Buckets are a power of two; each holds a
//! singly linked chain. The table doubles when it holds as many elements as buckets and
//! halves when it falls under a tenth full, as Redis's `dict.c` does.
//!
//! Memory decides the layout: each element is a single heap block holding the chain
//! link, the key's length, a 32-bit field the owner may use (the keyspace keeps Redis's
//! LRU/LFU bits there), the value, and then the key's bytes. A small key therefore costs
//! one allocation and no pointer-sized headers beyond the link (see
//! `docs/performance.md`). That layout needs raw pointers, so this is the one module
//! that allows `unsafe`; every block states why it holds.

#![allow(unsafe_code)]

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::hash::BuildHasher;
use std::marker::PhantomData;
use std::ptr::{addr_of_mut, NonNull};

/// Fewest buckets a non-empty table has (Redis's `DICT_HT_INITIAL_SIZE`).
const MIN_BUCKETS: usize = 4;

/// Longest key a table stores: the length is kept in 32 bits.
pub const MAX_KEY_LEN: usize = u32::MAX as usize;

/// Chain length up to which [`Dict::random_entry`] is exactly uniform.
const FAIR_CHAIN: usize = 4;

type Link<V> = Option<NonNull<Node<V>>>;

/// An element's header; the key's bytes follow it in the same allocation.
#[repr(C)]
struct Node<V> {
    next: Link<V>,
    key_len: u32,
    aux: u32,
    value: V,
}

impl<V> Node<V> {
    /// Where the key's bytes start in a node's allocation.
    const KEY_OFFSET: usize = std::mem::size_of::<Node<V>>();

    fn layout(key_len: usize) -> Layout {
        match Layout::from_size_align(Self::KEY_OFFSET + key_len, std::mem::align_of::<Self>()) {
            Ok(layout) => layout,
            // Keys are at most MAX_KEY_LEN bytes, far from isize::MAX.
            Err(_) => handle_alloc_error(Layout::new::<Self>()),
        }
    }

    /// A new node holding a copy of `key` (at most [`MAX_KEY_LEN`] bytes).
    fn allocate(key: &[u8], aux: u32, value: V, next: Link<V>) -> NonNull<Node<V>> {
        let key_len = u32::try_from(key.len()).unwrap_or(u32::MAX);
        let key = &key[..key_len as usize];
        let layout = Self::layout(key.len());
        // SAFETY: the layout is never zero-sized (the header holds at least a pointer).
        let raw = unsafe { alloc(layout) }.cast::<Node<V>>();
        let Some(node) = NonNull::new(raw) else {
            handle_alloc_error(layout)
        };
        // SAFETY: `raw` is a fresh, aligned allocation of `layout`: a header followed by
        // `key.len()` bytes, which the copy fills.
        unsafe {
            raw.write(Node {
                next,
                key_len,
                aux,
                value,
            });
            std::ptr::copy_nonoverlapping(
                key.as_ptr(),
                raw.cast::<u8>().add(Self::KEY_OFFSET),
                key.len(),
            );
        }
        node
    }

    /// Frees `node` and returns its value.
    ///
    /// # Safety
    /// `node` came from [`Node::allocate`], is no longer linked, and is not used again.
    unsafe fn free(node: NonNull<Node<V>>) -> V {
        let raw = node.as_ptr();
        // SAFETY: the caller hands over a live node; its value is moved out exactly once
        // before the block is released with the layout it was allocated with.
        unsafe {
            let layout = Self::layout((*raw).key_len as usize);
            let value = std::ptr::read(addr_of_mut!((*raw).value));
            dealloc(raw.cast::<u8>(), layout);
            value
        }
    }

    /// The key stored after the header.
    ///
    /// # Safety
    /// `node` is live for `'a` (the table that owns it is borrowed for `'a`).
    unsafe fn key<'a>(node: NonNull<Node<V>>) -> &'a [u8] {
        let raw = node.as_ptr();
        // SAFETY: `allocate` put `key_len` bytes right after the header.
        unsafe {
            std::slice::from_raw_parts(
                raw.cast::<u8>().add(Self::KEY_OFFSET),
                (*raw).key_len as usize,
            )
        }
    }
}

/// An element found for changing: the owner's 32-bit field and the value.
#[derive(Debug)]
pub struct ElementMut<'a, V> {
    /// The field the owner may use (the keyspace keeps LRU/LFU bits in it).
    pub aux: &'a mut u32,
    /// The value.
    pub value: &'a mut V,
}

/// Result of [`Dict::get_mut_unless`].
#[derive(Debug)]
pub enum Lookup<'a, V> {
    /// No element with that key.
    Missing,
    /// The element, left in place.
    Found(ElementMut<'a, V>),
    /// The element matched the removal predicate and was taken out.
    Removed(V),
}

/// Result of [`Dict::entry`].
#[derive(Debug)]
pub enum Entry<'a, 'k, V> {
    /// The element with that key.
    Occupied(ElementMut<'a, V>),
    /// No element with that key: where one goes, without hashing the key again.
    Vacant(VacantEntry<'a, 'k, V>),
}

/// A missing key found by [`Dict::entry`], ready to be inserted.
pub struct VacantEntry<'a, 'k, V> {
    dict: &'a mut Dict<V>,
    key: &'k [u8],
    hash: u64,
}

impl<V> VacantEntry<'_, '_, V> {
    /// Inserts the key (copying it) with `value` and the owner's 32-bit field `aux`.
    pub fn insert(self, value: V, aux: u32) {
        let dict = self.dict;
        dict.grow_if_full();
        let bucket = dict.bucket_of_hash(self.hash);
        let head = dict.buckets[bucket];
        dict.buckets[bucket] = Some(Node::allocate(self.key, aux, value, head));
        dict.len += 1;
    }
}

impl<V> std::fmt::Debug for VacantEntry<'_, '_, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("VacantEntry")
            .field(&String::from_utf8_lossy(self.key))
            .finish()
    }
}

/// A hash table from byte-string keys to `V`.
pub struct Dict<V> {
    buckets: Vec<Link<V>>,
    len: usize,
    hasher: foldhash::fast::FixedState,
    /// The table owns its nodes' values.
    _owns: PhantomData<V>,
}

// SAFETY: a `Dict` owns its nodes outright (no sharing, no interior mutability), so it
// is as thread-safe as the values it holds, like `Vec<V>`.
unsafe impl<V: Send> Send for Dict<V> {}
// SAFETY: as above; `&Dict` only hands out `&V`.
unsafe impl<V: Sync> Sync for Dict<V> {}

impl<V> Dict<V> {
    /// An empty table hashing with `seed`.
    pub fn with_seed(seed: u64) -> Self {
        Dict {
            buckets: Vec::new(),
            len: 0,
            hasher: foldhash::fast::FixedState::with_seed(seed),
            _owns: PhantomData,
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

    /// Bytes an element costs besides its key: the header (link, key length, owner
    /// field) and the value.
    pub const ELEMENT_OVERHEAD: usize = Node::<V>::KEY_OFFSET;

    /// Bytes the table costs besides its keys: every element's header and value, and
    /// the bucket array (`MEMORY STATS`'s `overhead.hashtable.*`).
    pub fn overhead_bytes(&self) -> usize {
        self.len * Self::ELEMENT_OVERHEAD + self.buckets.len() * std::mem::size_of::<Link<V>>()
    }

    fn bucket_of(&self, key: &[u8]) -> usize {
        self.bucket_of_hash(self.hasher.hash_one(key))
    }

    fn bucket_of_hash(&self, hash: u64) -> usize {
        (hash as usize) & (self.buckets.len() - 1)
    }

    /// The node holding `key`.
    fn find(&self, key: &[u8]) -> Link<V> {
        self.find_hashed(key, self.hasher.hash_one(key))
    }

    /// The node holding `key`, whose hash is `hash`.
    fn find_hashed(&self, key: &[u8], hash: u64) -> Link<V> {
        if self.len == 0 {
            return None;
        }
        let mut link = self.buckets[self.bucket_of_hash(hash)];
        while let Some(node) = link {
            // SAFETY: linked nodes are live while `self` is borrowed.
            unsafe {
                if Node::key(node) == key {
                    return Some(node);
                }
                link = (*node.as_ptr()).next;
            }
        }
        None
    }

    /// The link that points at `key`'s node.
    fn find_link(&mut self, key: &[u8]) -> Option<NonNull<Link<V>>> {
        if self.len == 0 {
            return None;
        }
        let bucket = self.bucket_of(key);
        let mut link = NonNull::from(&mut self.buckets[bucket]);
        // SAFETY: `link` points at a bucket or at a live node's `next`, all owned by
        // `self`, which is borrowed mutably.
        unsafe {
            while let Some(node) = *link.as_ptr() {
                if Node::key(node) == key {
                    return Some(link);
                }
                link = NonNull::new_unchecked(addr_of_mut!((*node.as_ptr()).next));
            }
        }
        None
    }

    /// Takes the node `link` points at out of its chain.
    ///
    /// # Safety
    /// `link` came from [`Dict::find_link`] on `self` with no change since.
    unsafe fn unlink(&mut self, link: NonNull<Link<V>>) -> NonNull<Node<V>> {
        // SAFETY: per the contract, `link` holds a live node of this table.
        unsafe {
            let node = (*link.as_ptr()).unwrap_unchecked();
            *link.as_ptr() = (*node.as_ptr()).next;
            self.len -= 1;
            node
        }
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        // SAFETY: the node is live while `self` is borrowed.
        self.find(key)
            .map(|node| unsafe { &(*node.as_ptr()).value })
    }

    /// The owner's 32-bit field of `key`'s element.
    pub fn aux(&self, key: &[u8]) -> Option<u32> {
        // SAFETY: the node is live while `self` is borrowed.
        self.find(key).map(|node| unsafe { (*node.as_ptr()).aux })
    }

    /// Replaces the auxiliary field of `key`'s entry; false when `key` is absent.
    pub fn set_aux(&mut self, key: &[u8], aux: u32) -> bool {
        // SAFETY: the node is live and exclusively ours while `self` is borrowed mutably.
        self.find(key)
            .map(|node| unsafe { (*node.as_ptr()).aux = aux })
            .is_some()
    }

    /// The value stored under `key`, mutably.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        // SAFETY: the node is live and exclusively ours while `self` is borrowed mutably.
        self.find(key)
            .map(|node| unsafe { &mut (*node.as_ptr()).value })
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.find(key).is_some()
    }

    /// Finds `key` in one pass; if `remove_if` says so, takes the element out instead of
    /// returning it (lazy expiry: an expired key is deleted on the access that finds it).
    pub fn get_mut_unless(
        &mut self,
        key: &[u8],
        remove_if: impl FnOnce(&V) -> bool,
    ) -> Lookup<'_, V> {
        let Some(link) = self.find_link(key) else {
            return Lookup::Missing;
        };
        // SAFETY: `link` was just found and holds a live node owned by `self`.
        unsafe {
            let node = (*link.as_ptr()).unwrap_unchecked().as_ptr();
            if remove_if(&(*node).value) {
                let node = self.unlink(link);
                self.shrink_if_sparse();
                return Lookup::Removed(Node::free(node));
            }
            Lookup::Found(ElementMut {
                aux: &mut (*node).aux,
                value: &mut (*node).value,
            })
        }
    }

    /// Looks `key` up once, for reading or changing its element or, when it is
    /// missing, inserting one without hashing the key again.
    pub fn entry<'a, 'k>(&'a mut self, key: &'k [u8]) -> Entry<'a, 'k, V> {
        let hash = self.hasher.hash_one(key);
        match self.find_hashed(key, hash) {
            // SAFETY: the node is live and exclusively ours while `self` is borrowed
            // mutably for 'a.
            Some(node) => unsafe {
                let node = node.as_ptr();
                Entry::Occupied(ElementMut {
                    aux: &mut (*node).aux,
                    value: &mut (*node).value,
                })
            },
            None => Entry::Vacant(VacantEntry {
                dict: self,
                key,
                hash,
            }),
        }
    }

    /// Stores `value` under `key` (copying the key), returning the value it replaced.
    /// `aux` gives the element's 32-bit field from the replaced element's, if any.
    pub fn insert(
        &mut self,
        key: &[u8],
        value: V,
        aux: impl FnOnce(Option<u32>) -> u32,
    ) -> Option<V> {
        match self.entry(key) {
            Entry::Occupied(element) => {
                *element.aux = aux(Some(*element.aux));
                Some(std::mem::replace(element.value, value))
            }
            Entry::Vacant(place) => {
                place.insert(value, aux(None));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &[u8]) -> Option<V> {
        let link = self.find_link(key)?;
        // SAFETY: `link` was just found; the unlinked node is freed exactly once.
        let value = unsafe {
            let node = self.unlink(link);
            Node::free(node)
        };
        self.shrink_if_sparse();
        Some(value)
    }

    /// Moves every element into a table of its own (hashing alike), leaving this one
    /// empty.
    pub fn take_all(&mut self) -> Dict<V> {
        Dict {
            buckets: std::mem::take(&mut self.buckets),
            len: std::mem::take(&mut self.len),
            hasher: self.hasher.clone(),
            _owns: PhantomData,
        }
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        for bucket in std::mem::take(&mut self.buckets) {
            let mut link = bucket;
            while let Some(node) = link {
                // SAFETY: each node is read once, then freed once; the buckets are
                // already detached from `self`.
                unsafe {
                    link = (*node.as_ptr()).next;
                    drop(Node::free(node));
                }
            }
        }
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

    /// The elements of one bucket's chain.
    fn chain(&self, bucket: usize) -> Iter<'_, V> {
        Iter {
            buckets: &[],
            bucket: 0,
            node: self.buckets[bucket],
        }
    }

    /// Visits one bucket at `cursor` and returns the next cursor (0 when done), using
    /// Redis's reverse-binary increment so that resizes between calls never make the
    /// scan skip an element that was present throughout.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], &V)) -> u64 {
        if self.len == 0 {
            return 0;
        }
        let mask = (self.buckets.len() - 1) as u64;
        for (key, value) in self.chain((cursor & mask) as usize) {
            visit(key, value);
        }
        let mut next = cursor | !mask;
        next = next.reverse_bits();
        next = next.wrapping_add(1);
        next.reverse_bits()
    }

    /// Visits up to `count` elements found from a random bucket onwards, Redis's
    /// `dictGetSomeKeys`: whole chains are taken in bucket order, a run of more than
    /// `count` (and at least 5) empty buckets jumps to another random bucket, and the
    /// walk gives up after `10 * count` buckets. Answers how many were visited. Cheaper
    /// than `count` calls of [`Dict::random_entry`], and as random as eviction needs.
    pub fn sample(
        &self,
        count: usize,
        mut random: impl FnMut() -> u64,
        mut visit: impl FnMut(&[u8], &V),
    ) -> usize {
        let count = count.min(self.len);
        if count == 0 {
            return 0;
        }
        let mask = self.buckets.len() - 1;
        let mut bucket = (random() as usize) & mask;
        let mut empty_run = 0;
        let mut visited = 0;
        for _ in 0..count * 10 {
            if self.buckets[bucket].is_none() {
                empty_run += 1;
                if empty_run >= 5 && empty_run > count {
                    bucket = (random() as usize) & mask;
                    empty_run = 0;
                }
            } else {
                empty_run = 0;
                for (key, value) in self.chain(bucket) {
                    visit(key, value);
                    visited += 1;
                    if visited == count {
                        return visited;
                    }
                }
            }
            bucket = (bucket + 1) & mask;
        }
        visited
    }

    /// A uniformly chosen element, using `random` as a source of random numbers.
    ///
    /// A random bucket, then a random slot among [`FAIR_CHAIN`] (or the chain's length
    /// when longer), retried when the slot is empty: every element is equally likely
    /// as long as no chain is longer than that, which the load factor makes rare. (A
    /// random element of a random bucket would favour elements alone in their chain;
    /// SRANDMEMBER's distribution test notices.)
    pub fn random_entry(&self, mut random: impl FnMut() -> u64) -> Option<(&[u8], &V)> {
        if self.len == 0 {
            return None;
        }
        let mask = self.buckets.len() - 1;
        loop {
            let bucket = (random() as usize) & mask;
            let chain_len = self.chain(bucket).count();
            if chain_len == 0 {
                continue;
            }
            let slot = (random() as usize) % chain_len.max(FAIR_CHAIN);
            if let Some(element) = self.chain(bucket).nth(slot) {
                return Some(element);
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
        let old = std::mem::replace(&mut self.buckets, vec![None; new_size]);
        let mask = new_size - 1;
        for mut link in old {
            while let Some(node) = link {
                // SAFETY: every node moves from the detached old chains to exactly one
                // new chain; only links change.
                unsafe {
                    let raw = node.as_ptr();
                    link = (*raw).next;
                    let bucket = (self.hasher.hash_one(Node::key(node)) as usize) & mask;
                    (*raw).next = self.buckets[bucket];
                    self.buckets[bucket] = Some(node);
                }
            }
        }
    }
}

/// Equal when both hold the same keys with equal values, whatever the layout.
impl<V: PartialEq> PartialEq for Dict<V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(key, value)| other.get(key) == Some(value))
    }
}

impl<V: Clone> Clone for Dict<V> {
    /// A deep copy with the same buckets and chain order (so SCAN and random choices
    /// of the copy match the original's).
    fn clone(&self) -> Self {
        let mut copy = Dict {
            buckets: vec![None; self.buckets.len()],
            len: self.len,
            hasher: self.hasher.clone(),
            _owns: PhantomData,
        };
        for (slot, source) in copy.buckets.iter_mut().zip(&self.buckets) {
            // Copy each chain in order: append at the tail.
            let mut tail = slot;
            let mut link = *source;
            while let Some(node) = link {
                // SAFETY: `node` is a live node of `self`, which is borrowed; the copy
                // is a fresh node linked at the end of the new chain.
                unsafe {
                    let raw = node.as_ptr();
                    let copied =
                        Node::allocate(Node::key(node), (*raw).aux, (*raw).value.clone(), None);
                    *tail = Some(copied);
                    tail = &mut (*copied.as_ptr()).next;
                    link = (*raw).next;
                }
            }
        }
        copy
    }
}

impl<V> Drop for Dict<V> {
    fn drop(&mut self) {
        self.clear();
    }
}

impl<V: std::fmt::Debug> std::fmt::Debug for Dict<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(k, v)| (String::from_utf8_lossy(k), v)))
            .finish()
    }
}

/// Iterator over a [`Dict`]'s elements.
pub struct Iter<'a, V> {
    buckets: &'a [Link<V>],
    bucket: usize,
    node: Link<V>,
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a [u8], &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(node) = self.node {
                // SAFETY: the table is borrowed for 'a, so its nodes live that long.
                unsafe {
                    self.node = (*node.as_ptr()).next;
                    return Some((Node::key(node), &(*node.as_ptr()).value));
                }
            }
            self.node = *self.buckets.get(self.bucket)?;
            self.bucket += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn key(n: u32) -> Vec<u8> {
        format!("key:{n}").into_bytes()
    }

    fn keep(_: Option<u32>) -> u32 {
        0
    }

    /// A small deterministic source of random numbers.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    #[test]
    fn insert_get_remove_round_trip() {
        let mut dict = Dict::with_seed(1);
        for n in 0..1000 {
            assert_eq!(dict.insert(&key(n), n, keep), None);
        }
        assert_eq!(dict.len(), 1000);
        assert_eq!(dict.insert(&key(7), 70, keep), Some(7));
        assert_eq!(dict.get(b"key:7"), Some(&70));
        assert_eq!(dict.remove(b"key:7"), Some(70));
        assert_eq!(dict.get(b"key:7"), None);
        for n in 0..1000 {
            dict.remove(&key(n));
        }
        assert!(dict.is_empty());
        assert!(dict.bucket_count() <= MIN_BUCKETS);
    }

    #[test]
    fn entry_finds_or_inserts_with_one_lookup() {
        let mut dict = Dict::with_seed(1);
        for n in 0..100 {
            match dict.entry(&key(n)) {
                Entry::Vacant(place) => place.insert(n, n + 1),
                Entry::Occupied(_) => panic!("key {n} not inserted yet"),
            }
        }
        match dict.entry(&key(42)) {
            Entry::Occupied(element) => {
                assert_eq!((*element.aux, *element.value), (43, 42));
                *element.value = 4200;
            }
            Entry::Vacant(_) => panic!("key 42 is present"),
        }
        assert_eq!(dict.get(&key(42)), Some(&4200));
        assert_eq!(dict.aux(&key(99)), Some(100));
        assert_eq!(dict.len(), 100);
    }

    #[test]
    fn aux_is_set_on_insert_and_offered_on_replace() {
        let mut dict = Dict::with_seed(1);
        dict.insert(b"k", 1, |old| {
            assert_eq!(old, None);
            41
        });
        dict.insert(b"k", 2, |old| old.unwrap_or_default() + 1);
        assert_eq!(dict.aux(b"k"), Some(42));
        assert_eq!(dict.get(b"k"), Some(&2));
    }

    #[test]
    fn empty_and_binary_keys_are_distinct() {
        let mut dict = Dict::with_seed(2);
        dict.insert(b"", 1, keep);
        dict.insert(b"\0", 2, keep);
        dict.insert(b"\0\xff", 3, keep);
        assert_eq!(dict.get(b""), Some(&1));
        assert_eq!(dict.get(b"\0"), Some(&2));
        assert_eq!(dict.get(b"\0\xff"), Some(&3));
    }

    #[test]
    fn values_with_heap_data_are_dropped_exactly_once() {
        let counted = std::rc::Rc::new(());
        let mut dict = Dict::with_seed(4);
        for n in 0..100 {
            dict.insert(&key(n), counted.clone(), keep);
        }
        let copy = dict.clone();
        assert_eq!(std::rc::Rc::strong_count(&counted), 201);
        for n in 0..50 {
            dict.remove(&key(n));
        }
        drop(copy);
        assert_eq!(std::rc::Rc::strong_count(&counted), 51);
        drop(dict);
        assert_eq!(std::rc::Rc::strong_count(&counted), 1);
    }

    #[test]
    fn clone_keeps_chain_order_and_aux() {
        let mut dict = Dict::with_seed(6);
        for n in 0..300 {
            dict.insert(&key(n), n, |_| n * 2);
        }
        let copy = dict.clone();
        let original: Vec<_> = dict.iter().collect();
        let copied: Vec<_> = copy.iter().collect();
        assert_eq!(original, copied);
        assert_eq!(copy.aux(&key(21)), Some(42));
    }

    #[test]
    fn get_mut_unless_removes_in_one_pass() {
        let mut dict = Dict::with_seed(1);
        dict.insert(&key(1), 1, keep);
        dict.insert(&key(2), 2, keep);
        assert!(matches!(
            dict.get_mut_unless(b"key:1", |v| *v == 1),
            Lookup::Removed(1)
        ));
        assert!(matches!(
            dict.get_mut_unless(b"key:1", |_| false),
            Lookup::Missing
        ));
        match dict.get_mut_unless(b"key:2", |_| false) {
            Lookup::Found(element) => {
                *element.value = 20;
                *element.aux = 9;
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(dict.get(b"key:2"), Some(&20));
        assert_eq!(dict.aux(b"key:2"), Some(9));
        assert_eq!(dict.len(), 1);
    }

    #[test]
    fn full_scan_returns_every_element() {
        let mut dict = Dict::with_seed(3);
        for n in 0..500 {
            dict.insert(&key(n), (), keep);
        }
        let mut seen = BTreeSet::new();
        let mut cursor = 0;
        loop {
            cursor = dict.scan(cursor, |k, _| {
                seen.insert(k.to_vec());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 500);
    }

    #[test]
    fn sample_visits_distinct_elements_from_everywhere() {
        let mut dict = Dict::with_seed(5);
        for n in 0..1000 {
            dict.insert(&key(n), n, keep);
        }
        let mut next = xorshift(99);
        let mut everywhere = BTreeSet::new();
        for _ in 0..200 {
            let mut seen = BTreeSet::new();
            let visited = dict.sample(5, &mut next, |k, v| {
                assert_eq!(k, &key(*v)[..]);
                seen.insert(*v);
            });
            assert_eq!((visited, seen.len()), (5, 5));
            everywhere.extend(seen);
        }
        // Random starting buckets: the samples cover most of the table.
        assert!(everywhere.len() > 500, "{} seen", everywhere.len());
        // Never more than the table holds, nor anything from an empty one.
        let mut small = Dict::with_seed(5);
        small.insert(b"only", 1, keep);
        assert_eq!(small.sample(5, &mut next, |_, _| {}), 1);
        assert_eq!(Dict::<u32>::with_seed(1).sample(5, &mut next, |_, _| {}), 0);
    }

    #[test]
    fn random_entry_finds_an_element() {
        let mut dict = Dict::with_seed(3);
        for n in 0..50 {
            dict.insert(&key(n), n, keep);
        }
        let mut next = xorshift(12345);
        let (k, v) = dict.random_entry(&mut next).expect("non-empty");
        assert_eq!(k, &key(*v)[..]);
    }

    #[test]
    fn long_chains_drop_without_recursion() {
        let mut dict = Dict::with_seed(0);
        for n in 0..200_000 {
            dict.insert(&key(n), (), keep);
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
                dict.insert(&key(n), (), keep);
            }
            let mut ever_removed = BTreeSet::new();
            let mut seen = BTreeSet::new();
            let mut cursor = 0;
            let mut steps = steps.into_iter();
            loop {
                cursor = dict.scan(cursor, |k, _| { seen.insert(k.to_vec()); });
                if cursor == 0 {
                    break;
                }
                // Between calls, grow or shrink the table.
                if let Some((n, add)) = steps.next() {
                    if add {
                        for m in n..n + 50 { dict.insert(&key(m), (), keep); }
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

        /// The table behaves like a map under any sequence of inserts, lookups that
        /// may remove, and removes; keys of any bytes and lengths.
        #[test]
        fn behaves_like_a_btreemap(
            ops in proptest::collection::vec(
                (proptest::collection::vec(any::<u8>(), 0..40), 0u8..3, any::<u32>()),
                0..400,
            ),
        ) {
            let mut dict = Dict::with_seed(5);
            let mut model = BTreeMap::new();
            for (k, op, v) in ops {
                match op {
                    0 => prop_assert_eq!(dict.insert(&k, v, keep), model.insert(k.clone(), v)),
                    1 => prop_assert_eq!(dict.remove(&k), model.remove(&k)),
                    _ => {
                        let expected = model.get(&k).copied();
                        let removes = v % 2 == 0;
                        match dict.get_mut_unless(&k, |_| removes) {
                            Lookup::Missing => prop_assert_eq!(expected, None),
                            Lookup::Found(element) => prop_assert_eq!(Some(*element.value), expected),
                            Lookup::Removed(value) => {
                                prop_assert_eq!(Some(value), expected);
                                model.remove(&k);
                            }
                        }
                    }
                }
                prop_assert_eq!(dict.len(), model.len());
            }
            let mut items: Vec<_> = dict.iter().map(|(k, v)| (k.to_vec(), *v)).collect();
            items.sort();
            prop_assert_eq!(items, model.into_iter().collect::<Vec<_>>());
        }
    }
}
