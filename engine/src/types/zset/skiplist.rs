//! An indexable skiplist in safe Rust: the ordered half of a large sorted set.
//!
//! Nodes live in one arena (`Vec<Node>`) and link to each other by index, so there are
//! no raw pointers. Each node has a random number of levels (each level above the
//! first with probability 1/4, at most [`MAX_LEVEL`]); every forward link also records
//! its *span*, the number of level-0 steps it skips, which is what makes rank queries
//! (ZRANK, ZRANGE by index) O(log n) as in Redis's `zskiplist`. Order is by score, then
//! by member bytes. Freed slots are reused; when more than half the arena is free it is
//! compacted, so a set that shrank does not keep its peak size.
//!
//! The layout is chosen for the cost that dominates a large set, a cache miss per step
//! of a descent:
//! - a node is one aligned 64-byte cache line holding its score, backward link, height
//!   and its first [`INLINE_LEVELS`] links; only the one node in 64 that is taller keeps
//!   the rest in a side table (those nodes are few, so they stay cached);
//! - every link also holds the score of the node it points to, so a descent decides
//!   whether to move forward without touching a node it does not move to;
//! - members are kept apart, in a vector parallel to the arena (short ones inline):
//!   a descent reads one only when scores tie, and results read them in order.

use std::cmp::Ordering;

/// Most levels a node can have (Redis's `ZSKIPLIST_MAXLEVEL`).
const MAX_LEVEL: usize = 32;
/// "No node": the end of a level, or the first node's backward link.
const NIL: u32 = u32::MAX;
/// The header node, which holds no element and has every level.
const HEAD: u32 = 0;
/// Chance, out of 65536, that a node has another level: 1/4 as in Redis. (With scores
/// cached in links a descent pays per node it moves to; 1/3 and 1/2 measured more
/// misses per ZADD, 35.1 and 40.5 against 33.8, as more nodes outgrow their line.)
const LEVEL_UP: u64 = 0x4000;
/// Free slots tolerated before compaction is considered.
const COMPACT_MIN_FREE: usize = 64;
/// Links kept inside a node: 63 nodes in 64 have at most three levels.
const INLINE_LEVELS: usize = 3;
/// Bits of [`Node::shape`] that hold the height; the rest hold the upper-links slot.
const HEIGHT_BITS: u32 = 6;
const HEIGHT_MASK: u32 = (1 << HEIGHT_BITS) - 1;

/// One link of one level: where it goes, how many level-0 steps it skips, and the
/// score of the node it goes to (so a descent can compare without visiting it).
#[derive(Debug, Clone, Copy)]
struct Link {
    score: f64,
    forward: u32,
    span: u32,
}

const UNLINKED: Link = Link {
    score: 0.0,
    forward: NIL,
    span: 0,
};

/// A node: exactly one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Node {
    score: f64,
    backward: u32,
    /// The height (low [`HEIGHT_BITS`] bits) and, for a node taller than
    /// [`INLINE_LEVELS`], the slot of its upper links in [`SkipList::upper`].
    shape: u32,
    links: [Link; INLINE_LEVELS],
}

const _: () = assert!(std::mem::size_of::<Node>() == 64);

impl Node {
    const VACANT: Node = Node {
        score: 0.0,
        backward: NIL,
        shape: 0,
        links: [UNLINKED; INLINE_LEVELS],
    };

    fn height(&self) -> usize {
        (self.shape & HEIGHT_MASK) as usize
    }

    fn upper_slot(&self) -> usize {
        (self.shape >> HEIGHT_BITS) as usize
    }
}

/// Longest member kept inline in [`Member`].
const INLINE_MEMBER: usize = 22;

/// A member's bytes: short ones inline (no allocation, one cache line to compare),
/// longer ones on the heap.
#[derive(Debug, Clone)]
enum Member {
    Inline { len: u8, bytes: [u8; INLINE_MEMBER] },
    Heap(Box<[u8]>),
}

const _: () = assert!(std::mem::size_of::<Member>() == 24);

impl Member {
    const EMPTY: Member = Member::Inline {
        len: 0,
        bytes: [0; INLINE_MEMBER],
    };

    fn new(member: &[u8]) -> Self {
        if member.len() <= INLINE_MEMBER {
            let mut bytes = [0; INLINE_MEMBER];
            bytes[..member.len()].copy_from_slice(member);
            Member::Inline {
                len: member.len() as u8,
                bytes,
            }
        } else {
            Member::Heap(member.into())
        }
    }

    fn from_box(member: Box<[u8]>) -> Self {
        if member.len() <= INLINE_MEMBER {
            Member::new(&member)
        } else {
            Member::Heap(member)
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Member::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Member::Heap(bytes) => bytes,
        }
    }

    fn into_box(self) -> Box<[u8]> {
        match self {
            Member::Inline { .. } => self.as_bytes().into(),
            Member::Heap(bytes) => bytes,
        }
    }

    fn heap_size(&self) -> usize {
        match self {
            Member::Inline { .. } => 0,
            Member::Heap(bytes) => bytes.len(),
        }
    }
}

/// Sorted-set order: score, then member bytes (`-0.0` and `0.0` compare equal).
pub(crate) fn order(a_score: f64, a_member: &[u8], b_score: f64, b_member: &[u8]) -> Ordering {
    a_score
        .partial_cmp(&b_score)
        .unwrap_or(Ordering::Equal)
        .then_with(|| a_member.cmp(b_member))
}

/// The skiplist. Ranks in its interface are 0-based.
#[derive(Debug, Clone)]
pub(crate) struct SkipList {
    nodes: Vec<Node>,
    /// Each node's member, by node index.
    members: Vec<Member>,
    /// Links above [`INLINE_LEVELS`] of the nodes that have them, by slot.
    upper: Vec<Box<[Link]>>,
    free: Vec<u32>,
    free_upper: Vec<u32>,
    tail: u32,
    len: usize,
    level: usize,
    rng: u64,
}

/// Predecessors at each level of a position, and their ranks (1-based, header = 0).
struct Path {
    update: [u32; MAX_LEVEL],
    rank: [u32; MAX_LEVEL],
}

impl SkipList {
    /// An empty list; `seed` drives the level choices (any value).
    pub(crate) fn new(seed: u64) -> Self {
        let mut list = SkipList {
            nodes: Vec::new(),
            members: Vec::new(),
            upper: Vec::new(),
            free: Vec::new(),
            free_upper: Vec::new(),
            tail: NIL,
            len: 0,
            level: 1,
            rng: seed | 1,
        };
        let head = list.allocate(0.0, MAX_LEVEL, Member::EMPTY);
        debug_assert_eq!(head, HEAD);
        list
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn link(&self, node: u32, level: usize) -> Link {
        let node = &self.nodes[node as usize];
        if level < INLINE_LEVELS {
            node.links[level]
        } else {
            self.upper[node.upper_slot()][level - INLINE_LEVELS]
        }
    }

    fn link_mut(&mut self, node: u32, level: usize) -> &mut Link {
        let node = &mut self.nodes[node as usize];
        if level < INLINE_LEVELS {
            &mut node.links[level]
        } else {
            let slot = node.upper_slot();
            &mut self.upper[slot][level - INLINE_LEVELS]
        }
    }

    fn member(&self, node: u32) -> &[u8] {
        self.members[node as usize].as_bytes()
    }

    /// The element stored in `node`.
    pub(crate) fn entry(&self, node: u32) -> (&[u8], f64) {
        (self.member(node), self.nodes[node as usize].score)
    }

    /// The node after `node`, if any.
    pub(crate) fn next(&self, node: u32) -> Option<u32> {
        Some(self.nodes[node as usize].links[0].forward).filter(|&n| n != NIL)
    }

    /// The node before `node`, if any.
    pub(crate) fn prev(&self, node: u32) -> Option<u32> {
        Some(self.nodes[node as usize].backward).filter(|&n| n != NIL)
    }

    /// The first node.
    pub(crate) fn first(&self) -> Option<u32> {
        self.next(HEAD)
    }

    /// The last node.
    pub(crate) fn last(&self) -> Option<u32> {
        Some(self.tail).filter(|&n| n != NIL)
    }

    fn random_level(&mut self) -> usize {
        let mut level = 1;
        loop {
            // xorshift64
            self.rng ^= self.rng << 13;
            self.rng ^= self.rng >> 7;
            self.rng ^= self.rng << 17;
            if level >= MAX_LEVEL || self.rng & 0xFFFF >= LEVEL_UP {
                return level;
            }
            level += 1;
        }
    }

    /// Order of (`score`, `member`) against `node`, whose score is `node_score`; reads
    /// the node's member only when the scores tie.
    fn order_against(&self, score: f64, member: &[u8], node_score: f64, node: u32) -> Ordering {
        match score.partial_cmp(&node_score) {
            Some(Ordering::Equal) | None => member.cmp(self.member(node)),
            Some(unequal) => unequal,
        }
    }

    /// Walks down from the header, at each level moving forward while `before` holds
    /// for the next node (given its score, from the link, and its index); `before`
    /// must hold for a prefix of the list and fail after.
    fn descend(&self, before: impl Fn(f64, u32) -> bool) -> Path {
        let mut path = Path {
            update: [HEAD; MAX_LEVEL],
            rank: [0; MAX_LEVEL],
        };
        let mut x = HEAD;
        let mut rank = 0;
        for i in (0..self.level).rev() {
            loop {
                let link = self.link(x, i);
                if link.forward == NIL || !before(link.score, link.forward) {
                    break;
                }
                rank += link.span;
                x = link.forward;
            }
            path.update[i] = x;
            path.rank[i] = rank;
        }
        path
    }

    /// The path to the position of (`score`, `member`): its predecessors.
    fn descend_to(&self, score: f64, member: &[u8]) -> Path {
        self.descend(|node_score, node| self.order_against(score, member, node_score, node).is_gt())
    }

    /// Number of leading elements for which `pred` holds (it must hold for a prefix).
    pub(crate) fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        self.descend(|score, node| pred(score, self.member(node)))
            .rank[0] as usize
    }

    /// Like [`SkipList::count_while`] for a test of the score alone (which then reads
    /// no members).
    pub(crate) fn count_while_score(&self, pred: impl Fn(f64) -> bool) -> usize {
        self.descend(|score, _| pred(score)).rank[0] as usize
    }

    /// The node at 0-based `rank`.
    pub(crate) fn at(&self, rank: usize) -> Option<u32> {
        if rank >= self.len {
            return None;
        }
        let target = rank + 1;
        let mut x = HEAD;
        let mut traversed = 0;
        for i in (0..self.level).rev() {
            loop {
                let link = self.link(x, i);
                if link.forward == NIL || traversed + link.span as usize > target {
                    break;
                }
                traversed += link.span as usize;
                x = link.forward;
            }
            if traversed == target {
                return Some(x);
            }
        }
        None
    }

    /// The node after `path` that holds (`score`, `member`), if it does.
    fn found(&self, path: &Path, score: f64, member: &[u8]) -> Option<u32> {
        let link = self.link(path.update[0], 0);
        let hit = link.forward != NIL && link.score == score && self.member(link.forward) == member;
        hit.then_some(link.forward)
    }

    /// The 0-based rank of the element (`score`, `member`), if present.
    pub(crate) fn rank(&self, score: f64, member: &[u8]) -> Option<usize> {
        let path = self.descend_to(score, member);
        self.found(&path, score, member)
            .map(|_| path.rank[0] as usize)
    }

    /// A new unlinked node of `height` levels.
    fn allocate(&mut self, score: f64, height: usize, member: Member) -> u32 {
        let mut shape = height as u32;
        if height > INLINE_LEVELS {
            let links = vec![UNLINKED; height - INLINE_LEVELS].into_boxed_slice();
            let slot = match self.free_upper.pop() {
                Some(slot) => {
                    self.upper[slot as usize] = links;
                    slot
                }
                None => {
                    self.upper.push(links);
                    (self.upper.len() - 1) as u32
                }
            };
            // One node in 64 is this tall, so 2^26 slots mean over 2^31 nodes.
            assert!(slot < 1 << (32 - HEIGHT_BITS), "too many tall nodes");
            shape |= slot << HEIGHT_BITS;
        }
        let node = Node {
            score,
            shape,
            ..Node::VACANT
        };
        match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                self.members[slot as usize] = member;
                slot
            }
            None => {
                self.nodes.push(node);
                self.members.push(member);
                (self.nodes.len() - 1) as u32
            }
        }
    }

    /// Frees the slot of the unlinked node `x`, returning its element.
    fn release(&mut self, x: u32) -> (Member, f64) {
        let node = std::mem::replace(&mut self.nodes[x as usize], Node::VACANT);
        if node.height() > INLINE_LEVELS {
            self.upper[node.upper_slot()] = Box::default();
            self.free_upper.push(node.upper_slot() as u32);
        }
        self.free.push(x);
        let member = std::mem::replace(&mut self.members[x as usize], Member::EMPTY);
        (member, node.score)
    }

    /// Inserts an element that is not present.
    pub(crate) fn insert(&mut self, score: f64, member: &[u8]) {
        self.insert_member(score, Member::new(member));
    }

    /// Like [`SkipList::insert`], taking the member's bytes.
    pub(crate) fn insert_owned(&mut self, score: f64, member: Box<[u8]>) {
        self.insert_member(score, Member::from_box(member));
    }

    fn insert_member(&mut self, score: f64, member: Member) {
        let path = self.descend_to(score, member.as_bytes());
        let height = self.random_level();
        let x = self.allocate(score, height, member);
        self.attach(x, path);
    }

    /// Links the unlinked node `x` in after the predecessors `path`.
    fn attach(&mut self, x: u32, mut path: Path) {
        let node = &self.nodes[x as usize];
        let (height, score) = (node.height(), node.score);
        if height > self.level {
            for i in self.level..height {
                path.update[i] = HEAD;
                path.rank[i] = 0;
                self.link_mut(HEAD, i).span = self.len as u32;
            }
            self.level = height;
        }
        for i in 0..height {
            let before = path.update[i];
            let skipped = path.rank[0] - path.rank[i];
            let old = self.link(before, i);
            *self.link_mut(x, i) = Link {
                span: old.span - skipped,
                ..old
            };
            *self.link_mut(before, i) = Link {
                score,
                forward: x,
                span: skipped + 1,
            };
        }
        for i in height..self.level {
            self.link_mut(path.update[i], i).span += 1;
        }
        let previous = path.update[0];
        self.nodes[x as usize].backward = if previous == HEAD { NIL } else { previous };
        match self.next(x) {
            Some(next) => self.nodes[next as usize].backward = x,
            None => self.tail = x,
        }
        self.len += 1;
    }

    /// Unlinks `x`, whose predecessors are `update`, keeping its slot.
    fn detach(&mut self, x: u32, update: &[u32; MAX_LEVEL]) {
        for (i, &before) in update.iter().enumerate().take(self.level) {
            let link = self.link(before, i);
            if link.forward == x {
                let skipped = self.link(x, i);
                *self.link_mut(before, i) = Link {
                    span: link.span + skipped.span - 1,
                    ..skipped
                };
            } else {
                self.link_mut(before, i).span = link.span.saturating_sub(1);
            }
        }
        let backward = self.nodes[x as usize].backward;
        match self.next(x) {
            Some(next) => self.nodes[next as usize].backward = backward,
            None => self.tail = backward,
        }
        while self.level > 1 && self.link(HEAD, self.level - 1).forward == NIL {
            self.level -= 1;
        }
        self.len -= 1;
    }

    /// Removes the element (`score`, `member`); false if it is not present.
    pub(crate) fn remove(&mut self, score: f64, member: &[u8]) -> bool {
        let path = self.descend_to(score, member);
        let Some(x) = self.found(&path, score, member) else {
            return false;
        };
        self.detach(x, &path.update);
        self.release(x);
        self.compact_if_sparse();
        true
    }

    /// Changes the score of the present element (`old`, `member`) to `new`, in place
    /// when it keeps its position.
    pub(crate) fn update_score(&mut self, old: f64, member: &[u8], new: f64) {
        let path = self.descend_to(old, member);
        let Some(x) = self.found(&path, old, member) else {
            return;
        };
        let previous = path.update[0];
        let after_previous = previous == HEAD || {
            let previous_score = self.nodes[previous as usize].score;
            self.order_against(new, member, previous_score, previous)
                .is_gt()
        };
        let next = self.link(x, 0);
        let before_next = next.forward == NIL
            || self
                .order_against(new, member, next.score, next.forward)
                .is_lt();
        if after_previous && before_next {
            // Same place: the node and every link to it take the new score.
            self.nodes[x as usize].score = new;
            for (i, &before) in path.update.iter().enumerate() {
                if i >= self.nodes[x as usize].height() {
                    break;
                }
                self.link_mut(before, i).score = new;
            }
            return;
        }
        // Moved: the same node (member and height kept) is linked in elsewhere.
        self.detach(x, &path.update);
        self.nodes[x as usize].score = new;
        let path = self.descend_to(new, member);
        self.attach(x, path);
    }

    /// Removes up to `count` elements starting at 0-based rank `first`, in order.
    pub(crate) fn remove_ranks(&mut self, first: usize, count: usize) -> Vec<(Box<[u8]>, f64)> {
        let mut update = [HEAD; MAX_LEVEL];
        let mut x = HEAD;
        let mut traversed = 0;
        for i in (0..self.level).rev() {
            loop {
                let link = self.link(x, i);
                if link.forward == NIL || traversed + link.span as usize > first {
                    break;
                }
                traversed += link.span as usize;
                x = link.forward;
            }
            update[i] = x;
        }
        let mut removed = Vec::with_capacity(count.min(self.len));
        let mut next = self.link(update[0], 0).forward;
        while removed.len() < count && next != NIL {
            let x = next;
            next = self.link(x, 0).forward;
            self.detach(x, &update);
            let (member, score) = self.release(x);
            removed.push((member.into_box(), score));
        }
        self.compact_if_sparse();
        removed
    }

    /// Rebuilds the arena in list order once most of it is free slots.
    fn compact_if_sparse(&mut self) {
        if self.free.len() < COMPACT_MIN_FREE || self.free.len() * 2 < self.nodes.len() {
            return;
        }
        let mut new_index = vec![NIL; self.nodes.len()];
        new_index[HEAD as usize] = HEAD;
        let mut order = Vec::with_capacity(self.len + 1);
        order.push(HEAD);
        let mut at = self.first();
        while let Some(node) = at {
            new_index[node as usize] = order.len() as u32;
            order.push(node);
            at = self.next(node);
        }
        let remap = |index: u32| {
            if index == NIL {
                NIL
            } else {
                new_index[index as usize]
            }
        };
        let mut nodes = Vec::with_capacity(order.len());
        let mut members = Vec::with_capacity(order.len());
        for &old in &order {
            let mut node = self.nodes[old as usize];
            node.backward = remap(node.backward);
            let height = node.height();
            for link in node.links.iter_mut().take(height) {
                link.forward = remap(link.forward);
            }
            if height > INLINE_LEVELS {
                for link in self.upper[node.upper_slot()].iter_mut() {
                    link.forward = remap(link.forward);
                }
            }
            nodes.push(node);
            members.push(std::mem::replace(
                &mut self.members[old as usize],
                Member::EMPTY,
            ));
        }
        self.tail = remap(self.tail);
        self.nodes = nodes;
        self.members = members;
        self.free = Vec::new();
    }

    /// Bytes of heap used, roughly: the arena, the members and the upper links.
    pub(crate) fn heap_size(&self) -> usize {
        let arena = self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.members.capacity() * std::mem::size_of::<Member>()
            + self.upper.capacity() * std::mem::size_of::<Box<[Link]>>()
            + (self.free.capacity() + self.free_upper.capacity()) * std::mem::size_of::<u32>();
        let members: usize = self.members.iter().map(Member::heap_size).sum();
        let upper: usize = self
            .upper
            .iter()
            .map(|links| links.len() * std::mem::size_of::<Link>())
            .sum();
        arena + members + upper
    }

    /// Checks every structural invariant (tests only).
    #[cfg(test)]
    pub(crate) fn check(&self) {
        assert_eq!(self.nodes.len(), self.members.len());
        // Level 0 is sorted, backward links mirror it, and the length matches.
        let mut count = 0;
        let mut prev = NIL;
        let mut at = self.first();
        while let Some(node) = at {
            assert_eq!(self.nodes[node as usize].backward, prev);
            if prev != NIL {
                let (pm, ps) = self.entry(prev);
                let (m, s) = self.entry(node);
                assert!(order(ps, pm, s, m).is_lt(), "out of order");
            }
            prev = node;
            count += 1;
            at = self.next(node);
        }
        assert_eq!(prev, self.tail);
        assert_eq!(count, self.len);
        // Every span equals the rank distance it covers, and every link carries the
        // score of the node it points to.
        let mut rank_of = std::collections::HashMap::new();
        rank_of.insert(HEAD, 0usize);
        let mut at = self.first();
        let mut rank = 0;
        while let Some(node) = at {
            rank += 1;
            rank_of.insert(node, rank);
            at = self.next(node);
        }
        let mut reached = vec![0usize; MAX_LEVEL];
        for (&node, &rank) in &rank_of {
            let height = self.nodes[node as usize].height();
            assert!((1..=MAX_LEVEL).contains(&height), "height");
            if node == HEAD {
                assert_eq!(height, MAX_LEVEL);
            }
            for (i, reached) in reached.iter_mut().enumerate().take(height.min(self.level)) {
                let link = self.link(node, i);
                if link.forward != NIL {
                    *reached += 1;
                    assert_eq!(link.span as usize, rank_of[&link.forward] - rank, "span");
                    assert_eq!(
                        link.score.to_bits(),
                        self.nodes[link.forward as usize].score.to_bits(),
                        "cached score"
                    );
                }
            }
        }
        // Each level links exactly the nodes at least that tall.
        for (i, &linked) in reached.iter().enumerate().take(self.level) {
            let tall = rank_of
                .keys()
                .filter(|&&node| node != HEAD && self.nodes[node as usize].height() > i)
                .count();
            assert_eq!(linked, tall, "level {i}");
        }
        assert!(self.level == 1 || self.link(HEAD, self.level - 1).forward != NIL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(n: usize) -> Box<[u8]> {
        format!("m{n:05}").into_bytes().into_boxed_slice()
    }

    #[test]
    fn ranks_follow_insertion_order_of_keys() {
        let mut list = SkipList::new(7);
        for n in (0..500).rev() {
            list.insert(n as f64, &member(n));
        }
        list.check();
        for n in 0..500 {
            assert_eq!(list.rank(n as f64, &member(n)), Some(n));
            let node = list.at(n).expect("in range");
            assert_eq!(list.entry(node).1, n as f64);
        }
        assert_eq!(list.at(500), None);
        assert_eq!(list.rank(1.0, &member(2)), None);
    }

    #[test]
    fn removing_ranges_keeps_spans_right() {
        let mut list = SkipList::new(3);
        for n in 0..300 {
            list.insert((n % 7) as f64, &member(n));
        }
        let removed = list.remove_ranks(10, 50);
        assert_eq!(removed.len(), 50);
        list.check();
        assert_eq!(list.len(), 250);
        let all = list.remove_ranks(0, usize::MAX);
        assert_eq!(all.len(), 250);
        list.check();
        assert_eq!(list.first(), None);
    }

    #[test]
    fn updates_move_elements_only_when_needed() {
        let mut list = SkipList::new(11);
        for n in 0..100 {
            list.insert(n as f64, &member(n));
        }
        let node = list.at(50).expect("in range");
        list.update_score(50.0, &member(50), 50.5);
        assert_eq!(list.at(50), Some(node), "updated in place");
        list.update_score(10.0, &member(10), 1000.0);
        list.check();
        assert_eq!(list.rank(50.5, &member(50)), Some(49));
        assert_eq!(list.rank(1000.0, &member(10)), Some(99));
    }

    #[test]
    fn the_arena_is_compacted_after_mass_removal() {
        let mut list = SkipList::new(5);
        for n in 0..1000 {
            list.insert(n as f64, &member(n));
        }
        for n in 0..990 {
            assert!(list.remove(n as f64, &member(n)));
        }
        list.check();
        assert!(list.nodes.len() < 200, "arena still {}", list.nodes.len());
        assert_eq!(list.rank(995.0, &member(995)), Some(5));
    }

    #[test]
    fn members_long_and_short_round_trip() {
        for len in [0, 1, INLINE_MEMBER, INLINE_MEMBER + 1, 100] {
            let bytes: Box<[u8]> = (0..len as u8).collect();
            assert_eq!(Member::new(&bytes).as_bytes(), &*bytes);
            assert_eq!(Member::from_box(bytes.clone()).into_box(), bytes);
        }
    }

    /// Random inserts, removals, score updates (in place or moving) and range
    /// removals keep every invariant, including each link's copy of its target's
    /// score, and agree with a sorted vector.
    #[test]
    fn random_operations_keep_the_invariants() {
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |bound: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % bound
        };
        let mut list = SkipList::new(13);
        let mut model: Vec<(f64, Box<[u8]>)> = Vec::new();
        for step in 0..6000 {
            let n = next(400) as usize;
            let name: Box<[u8]> = if n.is_multiple_of(5) {
                format!("a-long-member-name-beyond-inline-{n}")
                    .into_bytes()
                    .into()
            } else {
                member(n)
            };
            let score = next(40) as f64 - 20.0;
            let at = model.iter().position(|(_, m)| *m == name);
            match (next(10), at) {
                (0..=4, None) => {
                    list.insert(score, &name);
                    model.push((score, name));
                }
                (0..=4, Some(at)) => {
                    list.update_score(model[at].0, &name, score);
                    model[at].0 = score;
                }
                (5..=6, Some(at)) => {
                    assert!(list.remove(model[at].0, &name));
                    model.remove(at);
                }
                (7, _) => {
                    let first = next(30) as usize;
                    let count = next(5) as usize;
                    model.sort_by(|a, b| order(a.0, &a.1, b.0, &b.1));
                    let end = (first + count).min(model.len());
                    let expected: Vec<_> = model
                        .drain(first.min(model.len())..end)
                        .map(|(s, m)| (m, s))
                        .collect();
                    assert_eq!(list.remove_ranks(first, count), expected);
                }
                _ => assert!(!list.remove(score + 0.5, &name)),
            }
            if step % 50 == 0 {
                list.check();
            }
        }
        list.check();
        model.sort_by(|a, b| order(a.0, &a.1, b.0, &b.1));
        let mut at = list.first();
        for (rank, (score, name)) in model.iter().enumerate() {
            let node = at.expect("as long as the model");
            assert_eq!(list.entry(node), (&name[..], *score));
            assert_eq!(list.rank(*score, name), Some(rank));
            at = list.next(node);
        }
        assert_eq!(at, None);
    }
}
