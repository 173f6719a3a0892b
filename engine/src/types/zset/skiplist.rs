//! An indexable skiplist in safe Rust: the ordered half of a large sorted set.
//!
//! Nodes live in one arena (`Vec<Node>`) and link to each other by index, so there are
//! no raw pointers. Each node has a random number of levels (each level above the
//! first with probability 1/4, at most [`MAX_LEVEL`]); every forward link also records
//! its *span*, the number of level-0 steps it skips, which is what makes rank queries
//! (ZRANK, ZRANGE by index) O(log n) as in Redis's `zskiplist`. Order is by score, then
//! by member bytes. Freed slots are reused; when more than half the arena is free it is
//! compacted, so a set that shrank does not keep its peak size.

use std::cmp::Ordering;

/// Most levels a node can have (Redis's `ZSKIPLIST_MAXLEVEL`).
const MAX_LEVEL: usize = 32;
/// "No node": the end of a level, or the first node's backward link.
const NIL: u32 = u32::MAX;
/// The header node, which holds no element and has every level.
const HEAD: u32 = 0;
/// Free slots tolerated before compaction is considered.
const COMPACT_MIN_FREE: usize = 64;

/// One link of one level: where it goes, and how many level-0 steps it skips.
#[derive(Debug, Clone, Copy)]
struct Link {
    forward: u32,
    span: u32,
}

/// Links kept inside a node: three nodes in four have one level and fifteen in
/// sixteen at most two, so a descent usually finds the next links in the node it just
/// compared against instead of in another allocation.
const INLINE_LEVELS: usize = 2;

/// A node's links, one per level.
#[derive(Debug, Clone)]
enum Levels {
    Inline {
        height: u8,
        links: [Link; INLINE_LEVELS],
    },
    Heap(Box<[Link]>),
}

impl Levels {
    fn new(height: usize) -> Self {
        let unlinked = Link {
            forward: NIL,
            span: 0,
        };
        if height <= INLINE_LEVELS {
            Levels::Inline {
                height: height as u8,
                links: [unlinked; INLINE_LEVELS],
            }
        } else {
            Levels::Heap(vec![unlinked; height].into_boxed_slice())
        }
    }

    fn as_slice(&self) -> &[Link] {
        match self {
            Levels::Inline { height, links } => &links[..usize::from(*height)],
            Levels::Heap(links) => links,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [Link] {
        match self {
            Levels::Inline { height, links } => &mut links[..usize::from(*height)],
            Levels::Heap(links) => links,
        }
    }

    /// Heap bytes beyond the node.
    fn heap_size(&self) -> usize {
        match self {
            Levels::Inline { .. } => 0,
            Levels::Heap(links) => links.len() * std::mem::size_of::<Link>(),
        }
    }
}

#[derive(Debug, Clone)]
struct Node {
    member: Box<[u8]>,
    score: f64,
    backward: u32,
    levels: Levels,
}

impl Node {
    fn vacant() -> Self {
        Node {
            member: Box::default(),
            score: 0.0,
            backward: NIL,
            levels: Levels::new(0),
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
    free: Vec<u32>,
    tail: u32,
    len: usize,
    level: usize,
    rng: u64,
}

/// Predecessors at each level of a position, and their ranks (1-based, header = 0).
struct Path {
    update: [u32; MAX_LEVEL],
    rank: [usize; MAX_LEVEL],
}

impl SkipList {
    /// An empty list; `seed` drives the level choices (any value).
    pub(crate) fn new(seed: u64) -> Self {
        let header = Node {
            levels: Levels::new(MAX_LEVEL),
            ..Node::vacant()
        };
        SkipList {
            nodes: vec![header],
            free: Vec::new(),
            tail: NIL,
            len: 0,
            level: 1,
            rng: seed | 1,
        }
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn link(&self, node: u32, level: usize) -> Link {
        self.nodes[node as usize].levels.as_slice()[level]
    }

    fn link_mut(&mut self, node: u32, level: usize) -> &mut Link {
        &mut self.nodes[node as usize].levels.as_mut_slice()[level]
    }

    /// The element stored in `node`.
    pub(crate) fn entry(&self, node: u32) -> (&[u8], f64) {
        let node = &self.nodes[node as usize];
        (&node.member, node.score)
    }

    /// The node after `node`, if any.
    pub(crate) fn next(&self, node: u32) -> Option<u32> {
        Some(self.link(node, 0).forward).filter(|&n| n != NIL)
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
            if level >= MAX_LEVEL || self.rng & 0xFFFF >= 0x4000 {
                return level;
            }
            level += 1;
        }
    }

    /// Walks down from the header, at each level moving forward while `before` holds
    /// for the next node; `before` must hold for a prefix of the list and fail after.
    fn descend(&self, before: impl Fn(&Node) -> bool) -> Path {
        let mut path = Path {
            update: [HEAD; MAX_LEVEL],
            rank: [0; MAX_LEVEL],
        };
        let mut x = HEAD;
        let mut rank = 0;
        for i in (0..self.level).rev() {
            loop {
                let link = self.link(x, i);
                if link.forward == NIL || !before(&self.nodes[link.forward as usize]) {
                    break;
                }
                rank += link.span as usize;
                x = link.forward;
            }
            path.update[i] = x;
            path.rank[i] = rank;
        }
        path
    }

    /// Number of leading elements for which `pred` holds (it must hold for a prefix).
    pub(crate) fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        self.descend(|node| pred(node.score, &node.member)).rank[0]
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

    /// The 0-based rank of the element (`score`, `member`), if present.
    pub(crate) fn rank(&self, score: f64, member: &[u8]) -> Option<usize> {
        let path = self.descend(|node| order(node.score, &node.member, score, member).is_lt());
        let found = self.link(path.update[0], 0).forward;
        let hit = found != NIL && {
            let node = &self.nodes[found as usize];
            node.score == score && *node.member == *member
        };
        hit.then_some(path.rank[0])
    }

    fn allocate(&mut self, node: Node) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                slot
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        }
    }

    /// Inserts an element that is not present.
    pub(crate) fn insert(&mut self, score: f64, member: Box<[u8]>) {
        let mut path = self.descend(|node| order(node.score, &node.member, score, &member).is_lt());
        let level = self.random_level();
        if level > self.level {
            for i in self.level..level {
                path.update[i] = HEAD;
                path.rank[i] = 0;
                self.link_mut(HEAD, i).span = self.len as u32;
            }
            self.level = level;
        }
        let new = self.allocate(Node {
            member,
            score,
            backward: NIL,
            levels: Levels::new(level),
        });
        for i in 0..level {
            let before = path.update[i];
            let skipped = (path.rank[0] - path.rank[i]) as u32;
            let old = self.link(before, i);
            *self.link_mut(new, i) = Link {
                forward: old.forward,
                span: old.span - skipped,
            };
            *self.link_mut(before, i) = Link {
                forward: new,
                span: skipped + 1,
            };
        }
        for i in level..self.level {
            self.link_mut(path.update[i], i).span += 1;
        }
        let previous = path.update[0];
        self.nodes[new as usize].backward = if previous == HEAD { NIL } else { previous };
        match self.next(new) {
            Some(next) => self.nodes[next as usize].backward = new,
            None => self.tail = new,
        }
        self.len += 1;
    }

    /// Unlinks `x`, whose predecessors are `update`, and frees its slot.
    fn unlink(&mut self, x: u32, update: &[u32; MAX_LEVEL]) -> (Box<[u8]>, f64) {
        for (i, &before) in update.iter().enumerate().take(self.level) {
            let link = self.link(before, i);
            if link.forward == x {
                let skipped = self.link(x, i);
                *self.link_mut(before, i) = Link {
                    forward: skipped.forward,
                    span: link.span + skipped.span - 1,
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
        let node = std::mem::replace(&mut self.nodes[x as usize], Node::vacant());
        self.free.push(x);
        (node.member, node.score)
    }

    /// Removes the element (`score`, `member`), returning its member bytes.
    pub(crate) fn remove(&mut self, score: f64, member: &[u8]) -> Option<Box<[u8]>> {
        let path = self.descend(|node| order(node.score, &node.member, score, member).is_lt());
        let x = self.link(path.update[0], 0).forward;
        if x == NIL {
            return None;
        }
        let node = &self.nodes[x as usize];
        if node.score != score || *node.member != *member {
            return None;
        }
        let (member, _) = self.unlink(x, &path.update);
        self.compact_if_sparse();
        Some(member)
    }

    /// Changes the score of the present element (`old`, `member`) to `new`, in place
    /// when it keeps its position.
    pub(crate) fn update_score(&mut self, old: f64, member: &[u8], new: f64) {
        let path = self.descend(|node| order(node.score, &node.member, old, member).is_lt());
        let x = self.link(path.update[0], 0).forward;
        if x == NIL {
            return;
        }
        let stays = {
            let after_prev = self.prev(x).is_none_or(|p| {
                order(
                    self.nodes[p as usize].score,
                    &self.nodes[p as usize].member,
                    new,
                    member,
                )
                .is_lt()
            });
            let before_next = self.next(x).is_none_or(|n| {
                order(
                    new,
                    member,
                    self.nodes[n as usize].score,
                    &self.nodes[n as usize].member,
                )
                .is_lt()
            });
            after_prev && before_next
        };
        if stays {
            self.nodes[x as usize].score = new;
            return;
        }
        let (member, _) = self.unlink(x, &path.update);
        self.insert(new, member);
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
            removed.push(self.unlink(x, &update));
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
        let mut order = Vec::with_capacity(self.len);
        let mut at = self.first();
        while let Some(node) = at {
            new_index[node as usize] = (order.len() + 1) as u32;
            order.push(node);
            at = self.next(node);
        }
        let mut nodes = Vec::with_capacity(order.len() + 1);
        nodes.push(std::mem::replace(
            &mut self.nodes[HEAD as usize],
            Node::vacant(),
        ));
        for &old in &order {
            nodes.push(std::mem::replace(
                &mut self.nodes[old as usize],
                Node::vacant(),
            ));
        }
        let remap = |index: u32| {
            if index == NIL {
                NIL
            } else {
                new_index[index as usize]
            }
        };
        for node in &mut nodes {
            node.backward = remap(node.backward);
            for link in node.levels.as_mut_slice() {
                link.forward = remap(link.forward);
            }
        }
        self.tail = remap(self.tail);
        self.nodes = nodes;
        self.free.clear();
    }

    /// Bytes of heap used, roughly: the arena, each node's levels and member.
    pub(crate) fn heap_size(&self) -> usize {
        let arena = self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.free.capacity() * std::mem::size_of::<u32>();
        let per_node: usize = self
            .nodes
            .iter()
            .map(|node| node.member.len() + node.levels.heap_size())
            .sum();
        arena + per_node
    }

    /// Checks every structural invariant (tests only).
    #[cfg(test)]
    pub(crate) fn check(&self) {
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
        // Every span equals the rank distance it covers.
        let mut rank_of = std::collections::HashMap::new();
        rank_of.insert(HEAD, 0usize);
        let mut at = self.first();
        let mut rank = 0;
        while let Some(node) = at {
            rank += 1;
            rank_of.insert(node, rank);
            at = self.next(node);
        }
        for (&node, &rank) in &rank_of {
            for (i, link) in self.nodes[node as usize]
                .levels
                .as_slice()
                .iter()
                .enumerate()
            {
                if i >= self.level {
                    break;
                }
                if link.forward != NIL {
                    assert_eq!(link.span as usize, rank_of[&link.forward] - rank, "span");
                }
            }
        }
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
            list.insert(n as f64, member(n));
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
            list.insert((n % 7) as f64, member(n));
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
            list.insert(n as f64, member(n));
        }
        list.update_score(50.0, &member(50), 50.5);
        list.update_score(10.0, &member(10), 1000.0);
        list.check();
        assert_eq!(list.rank(50.5, &member(50)), Some(49));
        assert_eq!(list.rank(1000.0, &member(10)), Some(99));
    }

    #[test]
    fn the_arena_is_compacted_after_mass_removal() {
        let mut list = SkipList::new(5);
        for n in 0..1000 {
            list.insert(n as f64, member(n));
        }
        for n in 0..990 {
            assert!(list.remove(n as f64, &member(n)).is_some());
        }
        list.check();
        assert!(list.nodes.len() < 200, "arena still {}", list.nodes.len());
        assert_eq!(list.rank(995.0, &member(995)), Some(5));
    }
}
