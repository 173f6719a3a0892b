//! The sorted set value: members with scores, ordered by score then member bytes.
//!
//! Two representations, as in Redis, so `OBJECT ENCODING` answers the same:
//! - `listpack`: a small sorted vector of (member, score), used while the set has at
//!   most `zset-max-listpack-entries` members and none longer than
//!   `zset-max-listpack-value` bytes. Lookups by member scan it, as Redis scans its
//!   listpack. Like Redis's listpack, which keeps scores as text, it stores `-0` as `0`.
//! - `skiplist` (Redis's name for it): an order-statistic B+tree ([`ranktree`]) for
//!   order, rank and range queries in O(log n), where Redis has a skiplist, plus a
//!   [`Dict`] from member to score for O(1) lookups and ZSCAN's cursor. A set converts
//!   to it when an insertion breaks either limit and never converts back; results
//!   built whole (ZUNIONSTORE, ZRANGESTORE, ...) pick their representation by size
//!   with [`ZSet::from_sorted`].
//!
//! Scores are never NaN (commands refuse to store one). Ranks are 0-based, ascending.
//! Range lookups follow Redis's algorithms (find the first element past the lower
//! bound, then walk while under the upper one), which matters only for lex ranges over
//! members with different scores, where Redis leaves the result unspecified.

mod range;
mod ranktree;

use std::cmp::Ordering;

use crate::dict::{Dict, Entry};
pub use range::{LexBound, LexEdge, LexRange, ScoreRange};
use ranktree::{order, Pos, RankTree};

/// Largest magnitude a listpack keeps an integral score as an integer (`2^62`, Redis's
/// `LLONG_MAX / 2` as a double).
const LISTPACK_INTEGER_LIMIT: f64 = 4_611_686_018_427_387_904.0;

/// Sorted-set order of two members with their scores: by score (`-0` equal to `0`),
/// then by member bytes.
pub fn compare(a_score: f64, a_member: &[u8], b_score: f64, b_member: &[u8]) -> Ordering {
    order(a_score, a_member, b_score, b_member)
}

/// What decides a sorted set's representation (Redis's `zset-max-listpack-entries` and
/// `zset-max-listpack-value`), and a seed for the member table's hashing of a
/// skiplist-encoded set created under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZSetConfig {
    /// Most members a listpack holds.
    pub max_listpack_entries: usize,
    /// Longest member a listpack holds, in bytes.
    pub max_listpack_value: usize,
    /// Seed for a skiplist-encoded set's member table.
    pub seed: u64,
}

impl ZSetConfig {
    /// The sorted-set limits of `rules`, with `seed` for a skiplist's member table.
    pub fn from_rules(rules: &super::EncodingRules, seed: u64) -> Self {
        ZSetConfig {
            max_listpack_entries: rules.zset_max_listpack_entries,
            max_listpack_value: rules.zset_max_listpack_value,
            seed,
        }
    }
}

impl Default for ZSetConfig {
    /// Redis's defaults: 128 entries of at most 64 bytes.
    fn default() -> Self {
        ZSetConfig {
            max_listpack_entries: 128,
            max_listpack_value: 64,
            seed: 0,
        }
    }
}

/// What [`ZSet::add`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// The member was new.
    New,
    /// The member's score changed.
    Updated,
    /// The member already had that score.
    Unchanged,
}

/// A member and its score, borrowed.
type Element<'a> = (&'a [u8], f64);

/// A member and its score in a listpack.
#[derive(Debug, Clone)]
struct Pair {
    member: Box<[u8]>,
    score: f64,
}

/// The skiplist representation: order plus member lookup.
#[derive(Debug, Clone)]
struct Indexed {
    tree: RankTree,
    scores: Dict<f64>,
}

impl Indexed {
    /// The representation of `pairs`, sorted with distinct members.
    fn from_sorted(pairs: Vec<(Box<[u8]>, f64)>, seed: u64) -> Self {
        let mut scores = Dict::with_seed(seed);
        for (member, score) in &pairs {
            scores.insert(member, *score, keep_aux);
        }
        Indexed {
            tree: RankTree::from_sorted(pairs),
            scores,
        }
    }
}

#[derive(Debug, Clone)]
enum Repr {
    Listpack(Vec<Pair>),
    Skiplist(Indexed),
}

/// A sorted set.
#[derive(Debug, Clone)]
pub struct ZSet {
    repr: Repr,
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::new()
    }
}

/// A listpack keeps scores as text, where `-0` reads back as `0`.
fn listpack_score(score: f64) -> f64 {
    if score == 0.0 {
        0.0
    } else {
        score
    }
}

fn keep_aux(_: Option<u32>) -> u32 {
    0
}

impl ZSet {
    /// An empty set (listpack).
    pub fn new() -> Self {
        ZSet {
            repr: Repr::Listpack(Vec::new()),
        }
    }

    /// An empty set in the representation Redis picks for an expected `size`
    /// (`zsetTypeCreate`): a listpack unless `size` is over the entry limit.
    pub fn for_size(size: usize, config: &ZSetConfig) -> Self {
        if size <= config.max_listpack_entries {
            return ZSet::new();
        }
        ZSet {
            repr: Repr::Skiplist(Indexed {
                tree: RankTree::new(),
                scores: Dict::with_seed(config.seed),
            }),
        }
    }

    /// A set of `pairs`, which are sorted by score then member and have distinct
    /// members, in the representation Redis would pick for a result of this size.
    pub fn from_sorted(pairs: Vec<(Box<[u8]>, f64)>, config: &ZSetConfig) -> Self {
        let fits = pairs.len() <= config.max_listpack_entries
            && pairs
                .iter()
                .all(|(m, _)| m.len() <= config.max_listpack_value);
        if fits {
            let entries = pairs
                .into_iter()
                .map(|(member, score)| Pair {
                    member,
                    score: listpack_score(score),
                })
                .collect();
            return ZSet {
                repr: Repr::Listpack(entries),
            };
        }
        ZSet {
            repr: Repr::Skiplist(Indexed::from_sorted(pairs, config.seed)),
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Listpack(entries) => entries.len(),
            Repr::Skiplist(indexed) => indexed.tree.len(),
        }
    }

    /// True when there are no members (a key never holds an empty set).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text a listpack stores for `score` (Redis's `d2string`): the integer itself
    /// for an integral score within ±2^62 (so `1e17` is `100000000000000000`), `-0`,
    /// and `%.17g` otherwise.
    pub fn listpack_score_text(score: f64) -> Vec<u8> {
        let mut text = Vec::with_capacity(24);
        if score == 0.0 && score.is_sign_negative() {
            text.extend_from_slice(b"-0");
        } else if score.fract() == 0.0 && score.abs() <= LISTPACK_INTEGER_LIMIT {
            kvdb_resp::fmt::integer(score as i64, &mut text);
        } else {
            kvdb_resp::fmt::double_g17(score, &mut text);
        }
        text
    }

    /// True in the listpack representation.
    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Listpack(_))
    }

    /// The name `OBJECT ENCODING` replies with.
    pub fn encoding_name(&self) -> &'static str {
        if self.is_listpack() {
            "listpack"
        } else {
            "skiplist"
        }
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Listpack(entries) => entries
                .iter()
                .find(|pair| *pair.member == *member)
                .map(|pair| pair.score),
            Repr::Skiplist(indexed) => indexed.scores.get(member).copied(),
        }
    }

    /// Sets `member`'s score (never NaN), converting to a skiplist first if a new
    /// member would break `config`'s listpack limits.
    pub fn add(&mut self, member: &[u8], score: f64, config: &ZSetConfig) -> Added {
        let set = |_| Ok::<_, std::convert::Infallible>(Some(score));
        match self.upsert(member, config, set) {
            Ok(Some(added)) => added,
            Ok(None) | Err(_) => Added::Unchanged,
        }
    }

    /// Looks `member` up once and sets its score to what `decide` returns given its
    /// current score (`None` when absent): a score (never NaN) to store, `None` to
    /// leave the set alone (`Ok(None)` then), or an error, passed on. Converts to a
    /// skiplist first if a new member would break `config`'s listpack limits.
    pub fn upsert<E>(
        &mut self,
        member: &[u8],
        config: &ZSetConfig,
        decide: impl FnOnce(Option<f64>) -> Result<Option<f64>, E>,
    ) -> Result<Option<Added>, E> {
        let indexed = match &mut self.repr {
            Repr::Listpack(entries) => {
                let at = entries.iter().position(|pair| *pair.member == *member);
                let Some(score) = decide(at.map(|at| entries[at].score))? else {
                    return Ok(None);
                };
                if let Some(at) = at {
                    if entries[at].score == score {
                        return Ok(Some(Added::Unchanged));
                    }
                    let pair = entries.remove(at);
                    let score = listpack_score(score);
                    let to = entries
                        .partition_point(|p| order(p.score, &p.member, score, member).is_lt());
                    entries.insert(to, Pair { score, ..pair });
                    return Ok(Some(Added::Updated));
                }
                if entries.len() < config.max_listpack_entries
                    && member.len() <= config.max_listpack_value
                {
                    let score = listpack_score(score);
                    let to = entries
                        .partition_point(|p| order(p.score, &p.member, score, member).is_lt());
                    entries.insert(
                        to,
                        Pair {
                            member: member.into(),
                            score,
                        },
                    );
                    return Ok(Some(Added::New));
                }
                self.convert_to_skiplist(config.seed);
                let Repr::Skiplist(indexed) = &mut self.repr else {
                    return Ok(None);
                };
                indexed.scores.insert(member, score, keep_aux);
                indexed.tree.insert(score, member);
                return Ok(Some(Added::New));
            }
            Repr::Skiplist(indexed) => indexed,
        };
        match indexed.scores.entry(member) {
            Entry::Occupied(element) => {
                let current = *element.value;
                let Some(score) = decide(Some(current))? else {
                    return Ok(None);
                };
                if score == current {
                    return Ok(Some(Added::Unchanged));
                }
                *element.value = score;
                indexed.tree.update_score(current, member, score);
                Ok(Some(Added::Updated))
            }
            Entry::Vacant(place) => {
                let Some(score) = decide(None)? else {
                    return Ok(None);
                };
                place.insert(score, 0);
                indexed.tree.insert(score, member);
                Ok(Some(Added::New))
            }
        }
    }

    /// Turns a listpack into a skiplist (SORT does this to the set it sorts); a
    /// skiplist stays as it is.
    pub fn convert_to_skiplist(&mut self, seed: u64) {
        let Repr::Listpack(entries) = &mut self.repr else {
            return;
        };
        let pairs = std::mem::take(entries)
            .into_iter()
            .map(|pair| (pair.member, pair.score))
            .collect();
        self.repr = Repr::Skiplist(Indexed::from_sorted(pairs, seed));
    }

    /// Removes `member`, returning its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        match &mut self.repr {
            Repr::Listpack(entries) => {
                let at = entries.iter().position(|pair| *pair.member == *member)?;
                Some(entries.remove(at).score)
            }
            Repr::Skiplist(indexed) => {
                let score = indexed.scores.remove(member)?;
                indexed.tree.remove(score, member);
                Some(score)
            }
        }
    }

    /// The 0-based ascending rank of `member`.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        match &self.repr {
            Repr::Listpack(entries) => entries.iter().position(|pair| *pair.member == *member),
            Repr::Skiplist(indexed) => {
                let score = *indexed.scores.get(member)?;
                indexed.tree.rank(score, member)
            }
        }
    }

    /// The member and score at 0-based ascending `rank`.
    pub fn get(&self, rank: usize) -> Option<(&[u8], f64)> {
        match &self.repr {
            Repr::Listpack(entries) => entries.get(rank).map(|p| (&*p.member, p.score)),
            Repr::Skiplist(indexed) => indexed.tree.at(rank).map(|pos| indexed.tree.entry(pos)),
        }
    }

    /// Every member with its score, ascending.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0, false)
    }

    /// Members with scores from 0-based `rank`, ascending, or descending when
    /// `reverse` (towards rank 0). Empty when `rank` is out of range.
    pub fn iter_from(&self, rank: usize, reverse: bool) -> Iter<'_> {
        let state = match &self.repr {
            Repr::Listpack(entries) => IterState::Listpack {
                entries,
                next: (rank < entries.len()).then_some(rank),
            },
            Repr::Skiplist(indexed) => IterState::Skiplist {
                tree: &indexed.tree,
                pos: indexed.tree.at(rank),
            },
        };
        Iter { state, reverse }
    }

    /// Number of leading members (ascending) for which `pred` holds; `pred` must hold
    /// for a prefix of the order (a lower-bound test, say).
    fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        match &self.repr {
            Repr::Listpack(entries) => entries.partition_point(|p| pred(p.score, &p.member)),
            Repr::Skiplist(indexed) => indexed.tree.count_while(pred),
        }
    }

    /// Like [`ZSet::count_while`] for a test of the score alone.
    fn count_while_score(&self, pred: impl Fn(f64) -> bool) -> usize {
        match &self.repr {
            Repr::Listpack(entries) => entries.partition_point(|p| pred(p.score)),
            Repr::Skiplist(indexed) => indexed.tree.count_while_score(pred),
        }
    }

    fn first_and_last(&self) -> Option<(Element<'_>, Element<'_>)> {
        match &self.repr {
            Repr::Listpack(entries) => {
                let first = entries.first()?;
                let last = entries.last()?;
                Some(((&first.member, first.score), (&last.member, last.score)))
            }
            Repr::Skiplist(indexed) => {
                let tree = &indexed.tree;
                Some((tree.entry(tree.first()?), tree.entry(tree.last()?)))
            }
        }
    }

    /// The rank of the first member in `range` going up, or, when `reverse`, of the
    /// first going down (the last in ascending order).
    pub fn first_in_score_range(&self, range: &ScoreRange, reverse: bool) -> Option<usize> {
        let ((_, low), (_, high)) = self.first_and_last()?;
        if range.is_empty() || !range.gte_min(high) || !range.lte_max(low) {
            return None;
        }
        if reverse {
            let rank = self
                .count_while_score(|score| range.lte_max(score))
                .checked_sub(1)?;
            range.gte_min(self.get(rank)?.1).then_some(rank)
        } else {
            let rank = self.count_while_score(|score| !range.gte_min(score));
            range.lte_max(self.get(rank)?.1).then_some(rank)
        }
    }

    /// Number of members with a score in `range`.
    pub fn count_in_score_range(&self, range: &ScoreRange) -> usize {
        match (
            self.first_in_score_range(range, false),
            self.first_in_score_range(range, true),
        ) {
            (Some(first), Some(last)) => (last + 1).saturating_sub(first),
            _ => 0,
        }
    }

    /// Like [`ZSet::first_in_score_range`] for a lex range. A listpack is scanned from
    /// the end the walk starts at, as Redis scans its listpack.
    pub fn first_in_lex_range(&self, range: &LexRange, reverse: bool) -> Option<usize> {
        let ((low, _), (high, _)) = self.first_and_last()?;
        if range.is_empty() || !range.gte_min(high) || !range.lte_max(low) {
            return None;
        }
        let rank = match (&self.repr, reverse) {
            (Repr::Listpack(entries), false) => {
                entries.iter().position(|p| range.gte_min(&p.member))?
            }
            (Repr::Listpack(entries), true) => {
                entries.iter().rposition(|p| range.lte_max(&p.member))?
            }
            (Repr::Skiplist(_), false) => self.count_while(|_, member| !range.gte_min(member)),
            (Repr::Skiplist(_), true) => self
                .count_while(|_, member| range.lte_max(member))
                .checked_sub(1)?,
        };
        let (member, _) = self.get(rank)?;
        let inside = if reverse {
            range.gte_min(member)
        } else {
            range.lte_max(member)
        };
        inside.then_some(rank)
    }

    /// Number of members in a lex range (Redis walks a listpack from the first match,
    /// and subtracts ranks in a skiplist).
    pub fn count_in_lex_range(&self, range: &LexRange) -> usize {
        let Some(first) = self.first_in_lex_range(range, false) else {
            return 0;
        };
        if self.is_listpack() {
            return self
                .iter_from(first, false)
                .take_while(|(member, _)| range.lte_max(member))
                .count();
        }
        match self.first_in_lex_range(range, true) {
            Some(last) => (last + 1).saturating_sub(first),
            None => self.len() - first,
        }
    }

    /// Removes the members of 0-based ranks `first..first + count` (clamped to the
    /// set), returning them with their scores in ascending order.
    pub fn remove_ranks(&mut self, first: usize, count: usize) -> Vec<(Box<[u8]>, f64)> {
        match &mut self.repr {
            Repr::Listpack(entries) => {
                let first = first.min(entries.len());
                let end = first.saturating_add(count).min(entries.len());
                entries
                    .drain(first..end)
                    .map(|pair| (pair.member, pair.score))
                    .collect()
            }
            Repr::Skiplist(indexed) => {
                let removed = indexed.tree.remove_ranks(first, count);
                for (member, _) in &removed {
                    indexed.scores.remove(member);
                }
                removed
            }
        }
    }

    /// One step of ZSCAN: a listpack is visited whole and answers cursor 0; a skiplist
    /// visits one bucket of its member table with SCAN's reverse-binary cursor.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], f64)) -> u64 {
        match &self.repr {
            Repr::Listpack(entries) => {
                for pair in entries {
                    visit(&pair.member, pair.score);
                }
                0
            }
            Repr::Skiplist(indexed) => indexed.scores.scan(cursor, |member, &score| {
                visit(member, score);
            }),
        }
    }

    /// An estimate of the heap bytes used (for `INFO memory`).
    pub fn heap_size(&self) -> usize {
        match &self.repr {
            Repr::Listpack(entries) => {
                entries.capacity() * std::mem::size_of::<Pair>()
                    + entries.iter().map(|pair| pair.member.len()).sum::<usize>()
            }
            Repr::Skiplist(indexed) => {
                // Each table element is one block: link, lengths, score, member bytes.
                let element = 3 * std::mem::size_of::<u64>();
                let members: usize = indexed.scores.iter().map(|(m, _)| m.len()).sum();
                indexed.tree.heap_size()
                    + indexed.scores.bucket_count() * std::mem::size_of::<usize>()
                    + indexed.scores.len() * element
                    + members
            }
        }
    }

    /// Checks internal invariants (tests only).
    #[cfg(test)]
    fn check(&self) {
        match &self.repr {
            Repr::Listpack(entries) => {
                for pair in entries.windows(2) {
                    let (a, b) = (&pair[0], &pair[1]);
                    assert!(order(a.score, &a.member, b.score, &b.member).is_lt());
                }
            }
            Repr::Skiplist(indexed) => {
                indexed.tree.check();
                assert_eq!(indexed.scores.len(), indexed.tree.len());
                for (member, score) in self.iter() {
                    assert_eq!(indexed.scores.get(member), Some(&score));
                }
            }
        }
    }
}

impl PartialEq for ZSet {
    /// Same representation and the same members with the same scores.
    fn eq(&self, other: &Self) -> bool {
        self.is_listpack() == other.is_listpack()
            && self.len() == other.len()
            && self.iter().eq(other.iter())
    }
}

/// Iterator over members and scores from some rank, in either direction.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    state: IterState<'a>,
    reverse: bool,
}

#[derive(Debug, Clone)]
enum IterState<'a> {
    Listpack {
        entries: &'a [Pair],
        next: Option<usize>,
    },
    Skiplist {
        tree: &'a RankTree,
        pos: Option<Pos>,
    },
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.state {
            IterState::Listpack { entries, next } => {
                let at = (*next)?;
                *next = if self.reverse {
                    at.checked_sub(1)
                } else {
                    Some(at + 1).filter(|&n| n < entries.len())
                };
                let pair = &entries[at];
                Some((&pair.member, pair.score))
            }
            IterState::Skiplist { tree, pos } => {
                let at = (*pos)?;
                *pos = if self.reverse {
                    tree.prev(at)
                } else {
                    tree.next(at)
                };
                Some(tree.entry(at))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn small(entries: usize) -> ZSetConfig {
        ZSetConfig {
            max_listpack_entries: entries,
            max_listpack_value: 64,
            seed: 1,
        }
    }

    fn members(set: &ZSet) -> Vec<(Vec<u8>, f64)> {
        set.iter().map(|(m, s)| (m.to_vec(), s)).collect()
    }

    #[test]
    fn order_is_score_then_member_bytes() {
        let mut set = ZSet::new();
        let config = ZSetConfig::default();
        for (member, score) in [("b", 1.0), ("a", 1.0), ("c", 0.5), ("", 1.0)] {
            assert_eq!(set.add(member.as_bytes(), score, &config), Added::New);
        }
        let names: Vec<_> = set.iter().map(|(m, _)| m.to_vec()).collect();
        assert_eq!(names, [&b"c"[..], b"", b"a", b"b"]);
    }

    #[test]
    fn a_listpack_converts_past_either_limit_and_never_back() {
        let config = small(2);
        let mut set = ZSet::new();
        set.add(b"a", 1.0, &config);
        set.add(b"b", 2.0, &config);
        assert_eq!(set.encoding_name(), "listpack");
        set.add(b"c", 3.0, &config);
        assert_eq!(set.encoding_name(), "skiplist");
        set.remove(b"c");
        set.remove(b"b");
        assert_eq!(set.encoding_name(), "skiplist");

        let mut long = ZSet::new();
        long.add(&[b'x'; 64], 1.0, &ZSetConfig::default());
        assert_eq!(long.encoding_name(), "listpack");
        long.add(&[b'x'; 65], 1.0, &ZSetConfig::default());
        assert_eq!(long.encoding_name(), "skiplist");
    }

    #[test]
    fn zero_entries_means_always_a_skiplist() {
        let mut set = ZSet::new();
        set.add(b"a", 1.0, &small(0));
        assert_eq!(set.encoding_name(), "skiplist");
    }

    #[test]
    fn a_listpack_stores_negative_zero_as_zero_but_a_skiplist_keeps_it() {
        let mut listpack = ZSet::new();
        listpack.add(b"a", -0.0, &small(10));
        assert!(listpack.score(b"a").is_some_and(|s| s.is_sign_positive()));
        let mut skiplist = ZSet::new();
        skiplist.add(b"a", -0.0, &small(0));
        assert!(skiplist.score(b"a").is_some_and(|s| s.is_sign_negative()));
        // -0 and 0 are the same score: no update.
        assert_eq!(skiplist.add(b"a", 0.0, &small(0)), Added::Unchanged);
    }

    #[test]
    fn score_ranges_respect_exclusive_ends() {
        for entries in [128, 0] {
            let mut set = ZSet::new();
            for n in 1..=5 {
                set.add(format!("m{n}").as_bytes(), n as f64, &small(entries));
            }
            let range = ScoreRange {
                min: 2.0,
                max: 4.0,
                min_exclusive: true,
                max_exclusive: false,
            };
            assert_eq!(set.first_in_score_range(&range, false), Some(2));
            assert_eq!(set.first_in_score_range(&range, true), Some(3));
            assert_eq!(set.count_in_score_range(&range), 2);
            let empty = ScoreRange {
                min: 3.0,
                max: 3.0,
                min_exclusive: true,
                max_exclusive: false,
            };
            assert!(empty.is_empty());
            assert_eq!(set.count_in_score_range(&empty), 0);
        }
    }

    /// One operation of the model test.
    #[derive(Debug, Clone)]
    enum Op {
        Add(u8, i8),
        Remove(u8),
        RemoveRanks(u8, u8),
        ScoreRange(i8, i8, bool, bool, bool),
        LexRange(u8, u8, bool, bool, bool),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (any::<u8>(), -20i8..20).prop_map(|(m, s)| Op::Add(m, s)),
            2 => any::<u8>().prop_map(Op::Remove),
            1 => (0u8..40, 0u8..8).prop_map(|(f, c)| Op::RemoveRanks(f, c)),
            1 => (-20i8..20, -20i8..20, any::<bool>(), any::<bool>(), any::<bool>())
                .prop_map(|(a, b, x, y, r)| Op::ScoreRange(a, b, x, y, r)),
            1 => (any::<u8>(), any::<u8>(), any::<bool>(), any::<bool>(), any::<bool>())
                .prop_map(|(a, b, x, y, r)| Op::LexRange(a, b, x, y, r)),
        ]
    }

    fn name(m: u8) -> Vec<u8> {
        format!("m{:03}", m % 64).into_bytes()
    }

    proptest! {
        /// The set behaves like a `BTreeMap` of member -> score sorted by (score,
        /// member), in either representation and across conversion.
        #[test]
        fn behaves_like_a_sorted_model(
            limit in prop_oneof![Just(0usize), Just(4), Just(128)],
            ops in proptest::collection::vec(op(), 0..200),
        ) {
            let config = small(limit);
            let mut set = ZSet::new();
            let mut model: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
            let sorted = |model: &BTreeMap<Vec<u8>, f64>| {
                let mut v: Vec<(Vec<u8>, f64)> = model.iter().map(|(m, s)| (m.clone(), *s)).collect();
                v.sort_by(|a, b| order(a.1, &a.0, b.1, &b.0));
                v
            };
            for op in ops {
                match op {
                    Op::Add(m, s) => {
                        let score = f64::from(s) / 2.0;
                        let expected = match model.insert(name(m), score) {
                            None => Added::New,
                            Some(old) if old == score => Added::Unchanged,
                            Some(_) => Added::Updated,
                        };
                        prop_assert_eq!(set.add(&name(m), score, &config), expected);
                    }
                    Op::Remove(m) => {
                        prop_assert_eq!(set.remove(&name(m)), model.remove(&name(m)));
                    }
                    Op::RemoveRanks(first, count) => {
                        let all = sorted(&model);
                        let first = usize::from(first);
                        let end = (first + usize::from(count)).min(all.len());
                        let expected: Vec<_> = all.get(first.min(all.len())..end).unwrap_or_default().to_vec();
                        for (m, _) in &expected {
                            model.remove(m);
                        }
                        let removed: Vec<_> = set
                            .remove_ranks(first, usize::from(count))
                            .into_iter()
                            .map(|(m, s)| (m.to_vec(), s))
                            .collect();
                        prop_assert_eq!(removed, expected);
                    }
                    Op::ScoreRange(a, b, min_exclusive, max_exclusive, reverse) => {
                        let range = ScoreRange {
                            min: f64::from(a) / 2.0,
                            max: f64::from(b) / 2.0,
                            min_exclusive,
                            max_exclusive,
                        };
                        let all = sorted(&model);
                        let inside: Vec<usize> = (0..all.len())
                            .filter(|&i| range.gte_min(all[i].1) && range.lte_max(all[i].1))
                            .collect();
                        let expected = if reverse { inside.last() } else { inside.first() };
                        prop_assert_eq!(set.first_in_score_range(&range, reverse), expected.copied());
                        prop_assert_eq!(set.count_in_score_range(&range), inside.len());
                    }
                    Op::LexRange(a, b, min_exclusive, max_exclusive, reverse) => {
                        // Lex ranges are specified for members of one score only.
                        let members: Vec<Vec<u8>> = model.keys().cloned().collect();
                        let mut flat = ZSet::new();
                        for m in &members {
                            flat.add(m, 0.0, &config);
                        }
                        let edge = |v: u8| match v {
                            0 => LexEdge::Min,
                            255 => LexEdge::Max,
                            v => LexEdge::Value(Bytes::from(name(v))),
                        };
                        let range = LexRange {
                            min: LexBound { edge: edge(a), exclusive: min_exclusive || a == 0 || a == 255 },
                            max: LexBound { edge: edge(b), exclusive: max_exclusive || b == 0 || b == 255 },
                        };
                        let inside: Vec<usize> = (0..members.len())
                            .filter(|&i| range.gte_min(&members[i]) && range.lte_max(&members[i]))
                            .collect();
                        let expected = if reverse { inside.last() } else { inside.first() };
                        prop_assert_eq!(flat.first_in_lex_range(&range, reverse), expected.copied());
                        prop_assert_eq!(flat.count_in_lex_range(&range), inside.len());
                        flat.check();
                    }
                }
                set.check();
                let all = sorted(&model);
                prop_assert_eq!(set.len(), all.len());
                prop_assert_eq!(members(&set), all.clone());
                for (rank, (m, s)) in all.iter().enumerate() {
                    prop_assert_eq!(set.rank(m), Some(rank));
                    prop_assert_eq!(set.score(m), Some(*s));
                    prop_assert_eq!(set.get(rank), Some((&m[..], *s)));
                }
                let reversed: Vec<_> = match all.len() {
                    0 => Vec::new(),
                    n => set.iter_from(n - 1, true).map(|(m, s)| (m.to_vec(), s)).collect(),
                };
                let mut expected_reversed = all.clone();
                expected_reversed.reverse();
                prop_assert_eq!(reversed, expected_reversed);
                if limit == 128 {
                    prop_assert_eq!(set.encoding_name(), "listpack");
                }
            }
        }
    }
}
