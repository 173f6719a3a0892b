//! An order-statistic B+tree in safe Rust: the ordered half of a large sorted set
//! (what Redis keeps in a skiplist, and still calls `skiplist` in `OBJECT ENCODING`).
//!
//! Elements (score, member) sit in leaves of up to [`LEAF_CAP`], in order, chained both
//! ways for iteration. An inner node keeps, for each of up to [`INNER_CAP`] children,
//! the number of elements under it and its last (greatest) element, so a descent by
//! element or by rank is one node per level, and ranks (ZRANK, ZRANGE by index) are
//! O(log n) as in Redis's `zskiplist`. Order is by score, then by member bytes.
//!
//! Nodes live in arenas (`Vec`s) and refer to each other by index: no raw pointers. The
//! layout is chosen for what dominates a large set, cache misses: a 100k-member set is
//! five levels deep, the top three stay cached, and a node's scores sit together, so a
//! descent waits on about two nodes instead of a cache miss per skiplist step. Members
//! live apart in their own arena (short ones inline), read only on score ties and for
//! results. Emptied slots are reused; when most of an arena is free the tree is rebuilt
//! packed, so a set that shrank does not keep its peak size.

use std::cmp::Ordering;

/// Elements in a leaf, at most: 15 scores and the length fill two cache lines, the
/// members a third.
const LEAF_CAP: usize = 15;
/// Children of an inner node, at most: as for leaves, the greatest scores and the
/// length fill two lines; counts, children and greatest members a line each.
const INNER_CAP: usize = 15;
/// The score of an unused slot: no score is below it, so counting the scores below a
/// target over a whole node needs no length (and the loads need not wait for it).
const PAD: f64 = f64::INFINITY;
/// Fewest elements in a leaf other than the root; fewer and it borrows or merges.
const LEAF_MIN: usize = LEAF_CAP / 3;
/// Fewest children of an inner node other than the root.
const INNER_MIN: usize = INNER_CAP / 3;
/// Inner levels a tree can have: every inner node but the root has at least
/// [`INNER_MIN`] children and every leaf but the root [`LEAF_MIN`] elements, so 2^32
/// elements need fewer than this.
const MAX_DEPTH: usize = 16;
/// "No node": the end of the leaf chain.
const NIL: u32 = u32::MAX;
/// Free leaves tolerated before a rebuild is considered.
const COMPACT_MIN_FREE: usize = 64;

/// Sorted-set order: score, then member bytes (`-0.0` and `0.0` compare equal).
pub(crate) fn order(a_score: f64, a_member: &[u8], b_score: f64, b_member: &[u8]) -> Ordering {
    a_score
        .partial_cmp(&b_score)
        .unwrap_or(Ordering::Equal)
        .then_with(|| a_member.cmp(b_member))
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

/// One element of a leaf: its score and the index of its member.
#[derive(Debug, Clone, Copy)]
struct Element {
    score: f64,
    member: u32,
}

/// One child of an inner node: the child, the elements under it, and the last of them.
#[derive(Debug, Clone, Copy)]
struct Child {
    max: Element,
    count: u32,
    node: u32,
}

/// The columns of a node, each kept contiguous so a search scans one run of scores.
trait Columns: Copy {
    type Entry: Copy;
    const CAP: usize;
    fn len(&self) -> usize;
    /// Sets the length; slots given up get the [`PAD`] score.
    fn set_len(&mut self, len: usize);
    fn get(&self, at: usize) -> Self::Entry;
    fn set(&mut self, at: usize, entry: Self::Entry);
    /// Moves the entries `from..len` to start at `to` (the length is the caller's).
    fn shift(&mut self, from: usize, to: usize);
}

#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Leaf {
    /// Scores in order; [`PAD`] past the length.
    scores: [f64; LEAF_CAP],
    len: u32,
    prev: u32,
    members: [u32; LEAF_CAP],
    next: u32,
}

const _: () = assert!(std::mem::size_of::<Leaf>() == 192);

impl Leaf {
    const EMPTY: Leaf = Leaf {
        scores: [PAD; LEAF_CAP],
        len: 0,
        prev: NIL,
        members: [0; LEAF_CAP],
        next: NIL,
    };
}

impl Columns for Leaf {
    type Entry = Element;
    const CAP: usize = LEAF_CAP;

    fn len(&self) -> usize {
        self.len as usize
    }

    fn set_len(&mut self, len: usize) {
        let old = self.len();
        if len < old {
            self.scores[len..old].fill(PAD);
        }
        self.len = len as u32;
    }

    fn get(&self, at: usize) -> Element {
        Element {
            score: self.scores[at],
            member: self.members[at],
        }
    }

    fn set(&mut self, at: usize, entry: Element) {
        self.scores[at] = entry.score;
        self.members[at] = entry.member;
    }

    fn shift(&mut self, from: usize, to: usize) {
        let len = self.len();
        self.scores.copy_within(from..len, to);
        self.members.copy_within(from..len, to);
    }
}

/// The columns of 32-bit values have a spare lane, which keeps each on a line of its own.
const INNER_LANES: usize = INNER_CAP + 1;

#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Inner {
    /// The score of each child's greatest element; [`PAD`] past the length.
    max_scores: [f64; INNER_CAP],
    len: u32,
    counts: [u32; INNER_LANES],
    children: [u32; INNER_LANES],
    /// The member of each child's greatest element.
    max_members: [u32; INNER_LANES],
}

const _: () = assert!(std::mem::size_of::<Inner>() == 320);

impl Inner {
    const EMPTY: Inner = Inner {
        max_scores: [PAD; INNER_CAP],
        len: 0,
        counts: [0; INNER_LANES],
        children: [NIL; INNER_LANES],
        max_members: [0; INNER_LANES],
    };
}

impl Columns for Inner {
    type Entry = Child;
    const CAP: usize = INNER_CAP;

    fn len(&self) -> usize {
        self.len as usize
    }

    fn set_len(&mut self, len: usize) {
        let old = self.len();
        if len < old {
            self.max_scores[len..old].fill(PAD);
        }
        self.len = len as u32;
    }

    fn get(&self, at: usize) -> Child {
        Child {
            max: Element {
                score: self.max_scores[at],
                member: self.max_members[at],
            },
            count: self.counts[at],
            node: self.children[at],
        }
    }

    fn set(&mut self, at: usize, entry: Child) {
        self.max_scores[at] = entry.max.score;
        self.max_members[at] = entry.max.member;
        self.counts[at] = entry.count;
        self.children[at] = entry.node;
    }

    fn shift(&mut self, from: usize, to: usize) {
        let len = self.len();
        self.max_scores.copy_within(from..len, to);
        self.max_members.copy_within(from..len, to);
        self.counts.copy_within(from..len, to);
        self.children.copy_within(from..len, to);
    }
}

/// Inserts `entry` at `at` in a node with room for it.
fn insert_entry<N: Columns>(node: &mut N, at: usize, entry: N::Entry) {
    let len = node.len();
    node.shift(at, at + 1);
    node.set(at, entry);
    node.set_len(len + 1);
}

/// Removes and returns the entry at `at`.
fn remove_entry<N: Columns>(node: &mut N, at: usize) -> N::Entry {
    let entry = node.get(at);
    node.shift(at + 1, at);
    node.set_len(node.len() - 1);
    entry
}

/// Inserts `entry` at `at` in a full node: the upper half moves to `right` (empty),
/// and the entry goes to whichever half `at` falls in.
fn split_insert<N: Columns>(left: &mut N, right: &mut N, at: usize, entry: N::Entry) {
    let half = N::CAP.div_ceil(2);
    for i in half..N::CAP {
        right.set(i - half, left.get(i));
    }
    right.set_len(N::CAP - half);
    left.set_len(half);
    if at <= half {
        insert_entry(left, at, entry);
    } else {
        insert_entry(right, at - half, entry);
    }
}

/// Moves every entry of `right` to the end of `left` (they fit).
fn merge_into<N: Columns>(left: &mut N, right: &N) {
    let len = left.len();
    for i in 0..right.len() {
        left.set(len + i, right.get(i));
    }
    left.set_len(len + right.len());
}

/// Shares the entries of two neighbours evenly, keeping their order.
fn redistribute<N: Columns>(left: &mut N, right: &mut N) {
    let total = left.len() + right.len();
    let want = total / 2;
    if left.len() > want {
        let moving = left.len() - want;
        right.shift(0, moving);
        for i in 0..moving {
            right.set(i, left.get(want + i));
        }
        right.set_len(right.len() + moving);
        left.set_len(want);
    } else {
        let moving = want - left.len();
        let len = left.len();
        for i in 0..moving {
            left.set(len + i, right.get(i));
        }
        left.set_len(want);
        right.shift(moving, 0);
        right.set_len(total - want);
    }
}

/// Where an element sits: a leaf and an index in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    leaf: u32,
    index: u32,
}

/// The inner nodes a descent went through (root first) and the child taken in each.
#[derive(Clone, Copy)]
struct Path {
    nodes: [u32; MAX_DEPTH],
    slots: [u8; MAX_DEPTH],
}

/// What a descent found: the way down, the leaf, the index in it, and the rank there.
struct Found {
    path: Path,
    leaf: u32,
    index: usize,
    rank: usize,
}

/// The tree. Ranks in its interface are 0-based.
#[derive(Debug, Clone)]
pub(crate) struct RankTree {
    leaves: Vec<Leaf>,
    inners: Vec<Inner>,
    members: Vec<Member>,
    free_leaves: Vec<u32>,
    free_inners: Vec<u32>,
    free_members: Vec<u32>,
    root: u32,
    /// Inner levels above the leaves (0: the root is a leaf).
    height: usize,
    len: usize,
    first_leaf: u32,
    last_leaf: u32,
}

impl RankTree {
    /// An empty tree.
    pub(crate) fn new() -> Self {
        RankTree {
            leaves: vec![Leaf::EMPTY],
            inners: Vec::new(),
            members: Vec::new(),
            free_leaves: Vec::new(),
            free_inners: Vec::new(),
            free_members: Vec::new(),
            root: 0,
            height: 0,
            len: 0,
            first_leaf: 0,
            last_leaf: 0,
        }
    }

    /// A tree of `elements`, which are in order with distinct members, packed.
    pub(crate) fn from_sorted(elements: impl IntoIterator<Item = (Box<[u8]>, f64)>) -> Self {
        let mut tree = RankTree::new();
        let elements = elements
            .into_iter()
            .map(|(member, score)| (Member::from_box(member), score));
        tree.build(elements);
        tree
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn member(&self, member: u32) -> &[u8] {
        self.members[member as usize].as_bytes()
    }

    /// The element at `pos`.
    pub(crate) fn entry(&self, pos: Pos) -> (&[u8], f64) {
        let leaf = &self.leaves[pos.leaf as usize];
        let at = pos.index as usize;
        (self.member(leaf.members[at]), leaf.scores[at])
    }

    /// The position after `pos`, if any.
    pub(crate) fn next(&self, pos: Pos) -> Option<Pos> {
        let leaf = &self.leaves[pos.leaf as usize];
        if pos.index + 1 < leaf.len {
            return Some(Pos {
                index: pos.index + 1,
                ..pos
            });
        }
        (leaf.next != NIL).then_some(Pos {
            leaf: leaf.next,
            index: 0,
        })
    }

    /// The position before `pos`, if any.
    pub(crate) fn prev(&self, pos: Pos) -> Option<Pos> {
        if pos.index > 0 {
            return Some(Pos {
                index: pos.index - 1,
                ..pos
            });
        }
        let prev = self.leaves[pos.leaf as usize].prev;
        (prev != NIL).then(|| Pos {
            leaf: prev,
            index: self.leaves[prev as usize].len - 1,
        })
    }

    /// The first position.
    pub(crate) fn first(&self) -> Option<Pos> {
        (self.len > 0).then_some(Pos {
            leaf: self.first_leaf,
            index: 0,
        })
    }

    /// The last position.
    pub(crate) fn last(&self) -> Option<Pos> {
        (self.len > 0).then(|| Pos {
            leaf: self.last_leaf,
            index: self.leaves[self.last_leaf as usize].len - 1,
        })
    }

    /// Number of leading entries of a node's `len` sorted `scores` (and `members`)
    /// that order before (`score`, `member`): a branch-free count of lower scores over
    /// the whole node (padding counts for none), then member comparisons across equal
    /// scores only.
    fn count_before<const N: usize>(
        &self,
        scores: &[f64; N],
        members: &[u32],
        len: usize,
        score: f64,
        member: &[u8],
    ) -> usize {
        let mut at = scores.iter().filter(|&&s| s < score).count();
        while at < len && scores[at] == score && self.member(members[at]) < member {
            at += 1;
        }
        at
    }

    /// The descent to (`score`, `member`): where it is, or would be inserted.
    fn locate(&self, score: f64, member: &[u8]) -> Found {
        let [found] = self.locate_each([(score, member)]);
        found
    }

    /// [`RankTree::locate`] for several elements at once, level by level, so the
    /// cache misses of the descents overlap instead of following one another.
    fn locate_each<const N: usize>(&self, targets: [(f64, &[u8]); N]) -> [Found; N] {
        let mut found = [0; N].map(|_| Found {
            path: Path {
                nodes: [NIL; MAX_DEPTH],
                slots: [0; MAX_DEPTH],
            },
            leaf: self.root,
            index: 0,
            rank: 0,
        });
        for depth in 0..self.height {
            for (found, &(score, member)) in found.iter_mut().zip(&targets) {
                let node = found.leaf;
                let inner = &self.inners[node as usize];
                let len = inner.len();
                let slot = self
                    .count_before(&inner.max_scores, &inner.max_members, len, score, member)
                    .min(len - 1);
                found.rank += inner.counts[..slot]
                    .iter()
                    .map(|&c| c as usize)
                    .sum::<usize>();
                found.path.nodes[depth] = node;
                found.path.slots[depth] = slot as u8;
                found.leaf = inner.children[slot];
            }
        }
        for (found, &(score, member)) in found.iter_mut().zip(&targets) {
            let leaf = &self.leaves[found.leaf as usize];
            found.index = self.count_before(&leaf.scores, &leaf.members, leaf.len(), score, member);
            found.rank += found.index;
        }
        found
    }

    /// The descent past every element for which `before` holds (given its score and
    /// member index; it must hold for a prefix of the order).
    fn descend(&self, before: impl Fn(f64, u32) -> bool) -> usize {
        let mut node = self.root;
        let mut rank = 0;
        for _ in 0..self.height {
            let inner = &self.inners[node as usize];
            let mut slot = 0;
            while slot + 1 < inner.len() && before(inner.max_scores[slot], inner.max_members[slot])
            {
                rank += inner.counts[slot] as usize;
                slot += 1;
            }
            node = inner.children[slot];
        }
        let leaf = &self.leaves[node as usize];
        let mut index = 0;
        while index < leaf.len() && before(leaf.scores[index], leaf.members[index]) {
            index += 1;
        }
        rank + index
    }

    /// The descent to 0-based `rank` (below the length).
    fn locate_rank(&self, rank: usize) -> Found {
        let mut path = Path {
            nodes: [NIL; MAX_DEPTH],
            slots: [0; MAX_DEPTH],
        };
        let mut node = self.root;
        let mut left = rank;
        for depth in 0..self.height {
            let inner = &self.inners[node as usize];
            let mut slot = 0;
            while slot + 1 < inner.len() && left >= inner.counts[slot] as usize {
                left -= inner.counts[slot] as usize;
                slot += 1;
            }
            path.nodes[depth] = node;
            path.slots[depth] = slot as u8;
            node = inner.children[slot];
        }
        Found {
            path,
            leaf: node,
            index: left,
            rank,
        }
    }

    /// Number of leading elements for which `pred` holds (it must hold for a prefix).
    pub(crate) fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        self.descend(|score, member| pred(score, self.member(member)))
    }

    /// Like [`RankTree::count_while`] for a test of the score alone (which then reads
    /// no members).
    pub(crate) fn count_while_score(&self, pred: impl Fn(f64) -> bool) -> usize {
        self.descend(|score, _| pred(score))
    }

    /// The position of 0-based `rank`.
    pub(crate) fn at(&self, rank: usize) -> Option<Pos> {
        if rank >= self.len {
            return None;
        }
        let found = self.locate_rank(rank);
        Some(Pos {
            leaf: found.leaf,
            index: found.index as u32,
        })
    }

    /// True when `found` stopped at (`score`, `member`) itself.
    fn is_at(&self, found: &Found, score: f64, member: &[u8]) -> bool {
        let leaf = &self.leaves[found.leaf as usize];
        found.index < leaf.len()
            && leaf.scores[found.index] == score
            && self.member(leaf.members[found.index]) == member
    }

    /// The 0-based rank of the element (`score`, `member`), if present.
    pub(crate) fn rank(&self, score: f64, member: &[u8]) -> Option<usize> {
        let found = self.locate(score, member);
        self.is_at(&found, score, member).then_some(found.rank)
    }

    fn allocate_member(&mut self, member: Member) -> u32 {
        match self.free_members.pop() {
            Some(slot) => {
                self.members[slot as usize] = member;
                slot
            }
            None => {
                self.members.push(member);
                (self.members.len() - 1) as u32
            }
        }
    }

    fn release_member(&mut self, member: u32) -> Member {
        self.free_members.push(member);
        std::mem::replace(&mut self.members[member as usize], Member::EMPTY)
    }

    fn allocate_leaf(&mut self, leaf: Leaf) -> u32 {
        match self.free_leaves.pop() {
            Some(slot) => {
                self.leaves[slot as usize] = leaf;
                slot
            }
            None => {
                self.leaves.push(leaf);
                (self.leaves.len() - 1) as u32
            }
        }
    }

    fn allocate_inner(&mut self, inner: Inner) -> u32 {
        match self.free_inners.pop() {
            Some(slot) => {
                self.inners[slot as usize] = inner;
                slot
            }
            None => {
                self.inners.push(inner);
                (self.inners.len() - 1) as u32
            }
        }
    }

    /// The entry an inner node keeps for `node`, a leaf when `leaf`.
    fn summary(&self, node: u32, leaf: bool) -> Child {
        let (count, max) = if leaf {
            let leaf = &self.leaves[node as usize];
            (leaf.len, leaf.get(leaf.len() - 1))
        } else {
            let inner = &self.inners[node as usize];
            let count = inner.counts[..inner.len()].iter().sum();
            (count, inner.get(inner.len() - 1).max)
        };
        Child { max, count, node }
    }

    /// Recomputes the entry `slot` of inner node `parent` from its child.
    fn refresh(&mut self, parent: u32, slot: usize, leaf: bool) {
        let child = self.inners[parent as usize].children[slot];
        let summary = self.summary(child, leaf);
        self.inners[parent as usize].set(slot, summary);
    }

    /// Inserts an element that is not present.
    pub(crate) fn insert(&mut self, score: f64, member: &[u8]) {
        let found = self.locate(score, member);
        let member = self.allocate_member(Member::new(member));
        self.insert_at(&found, Element { score, member });
    }

    /// Puts `element` where `found` points, splitting full nodes on the way up.
    fn insert_at(&mut self, found: &Found, element: Element) {
        let mut split = self.leaf_insert(found.leaf, found.index, element);
        let mut leaf_children = true;
        for depth in (0..self.height).rev() {
            let parent = found.path.nodes[depth];
            let slot = usize::from(found.path.slots[depth]);
            self.refresh(parent, slot, leaf_children);
            split = split.and_then(|right| {
                let entry = self.summary(right, leaf_children);
                self.inner_insert(parent, slot + 1, entry)
            });
            leaf_children = false;
        }
        if let Some(right) = split {
            let old = self.root;
            let mut root = Inner::EMPTY;
            root.set(0, self.summary(old, self.height == 0));
            root.set(1, self.summary(right, self.height == 0));
            root.len = 2;
            self.root = self.allocate_inner(root);
            self.height += 1;
        }
        self.len += 1;
    }

    /// Inserts into a leaf; when it was full, returns the new leaf after it that took
    /// its upper half.
    fn leaf_insert(&mut self, leaf: u32, at: usize, element: Element) -> Option<u32> {
        let node = &mut self.leaves[leaf as usize];
        if node.len() < LEAF_CAP {
            insert_entry(node, at, element);
            return None;
        }
        let mut right = Leaf {
            prev: leaf,
            next: node.next,
            ..Leaf::EMPTY
        };
        split_insert(node, &mut right, at, element);
        let next = right.next;
        let right = self.allocate_leaf(right);
        self.leaves[leaf as usize].next = right;
        match next {
            NIL => self.last_leaf = right,
            next => self.leaves[next as usize].prev = right,
        }
        Some(right)
    }

    /// Inserts a child entry; when the node was full, returns the new node after it
    /// that took its upper half.
    fn inner_insert(&mut self, inner: u32, at: usize, entry: Child) -> Option<u32> {
        let node = &mut self.inners[inner as usize];
        if node.len() < INNER_CAP {
            insert_entry(node, at, entry);
            return None;
        }
        let mut right = Inner::EMPTY;
        split_insert(node, &mut right, at, entry);
        Some(self.allocate_inner(right))
    }

    /// Removes the element at `found` (which is there), rebalancing on the way up;
    /// returns it, its member still allocated, and whether any node other than
    /// `found`'s leaf changed beyond its counts and greatest elements (a merge, a
    /// share with a neighbour, a shorter tree).
    fn remove_at(&mut self, found: &Found) -> (Element, bool) {
        let removed = remove_entry(&mut self.leaves[found.leaf as usize], found.index);
        let mut reshaped = false;
        let mut leaf_children = true;
        for depth in (0..self.height).rev() {
            let parent = found.path.nodes[depth];
            let slot = usize::from(found.path.slots[depth]);
            reshaped |= self.rebalance(parent, slot, leaf_children);
            leaf_children = false;
        }
        while self.height > 0 && self.inners[self.root as usize].len == 1 {
            let old = self.root;
            self.root = self.inners[old as usize].children[0];
            self.free_inners.push(old);
            self.height -= 1;
            reshaped = true;
        }
        self.len -= 1;
        (removed, reshaped)
    }

    /// After a removal under child `slot` of `parent`: merges the child with a
    /// neighbour or borrows from it if it is under its minimum, and refreshes the
    /// entries that changed. True when it merged or shared.
    fn rebalance(&mut self, parent: u32, slot: usize, leaf: bool) -> bool {
        let node = &self.inners[parent as usize];
        let child = node.children[slot];
        let (len, min) = if leaf {
            (self.leaves[child as usize].len(), LEAF_MIN)
        } else {
            (self.inners[child as usize].len(), INNER_MIN)
        };
        if len >= min || node.len() == 1 {
            if len > 0 {
                self.refresh(parent, slot, leaf);
            }
            return false;
        }
        let left_slot = slot.saturating_sub(1);
        let (left, right) = (node.children[left_slot], node.children[left_slot + 1]);
        let merged = if leaf {
            self.leaf_pair(left, right)
        } else {
            self.inner_pair(left, right)
        };
        if merged {
            remove_entry(&mut self.inners[parent as usize], left_slot + 1);
            self.refresh(parent, left_slot, leaf);
        } else {
            self.refresh(parent, left_slot, leaf);
            self.refresh(parent, left_slot + 1, leaf);
        }
        true
    }

    /// Merges two neighbouring leaves when they fit in one (freeing the right one and
    /// returning true), or shares their elements evenly.
    fn leaf_pair(&mut self, left: u32, right: u32) -> bool {
        let mut a = self.leaves[left as usize];
        let mut b = self.leaves[right as usize];
        if a.len() + b.len() <= LEAF_CAP {
            merge_into(&mut a, &b);
            a.next = b.next;
            match b.next {
                NIL => self.last_leaf = left,
                next => self.leaves[next as usize].prev = left,
            }
            self.leaves[left as usize] = a;
            self.leaves[right as usize] = Leaf::EMPTY;
            self.free_leaves.push(right);
            return true;
        }
        redistribute(&mut a, &mut b);
        self.leaves[left as usize] = a;
        self.leaves[right as usize] = b;
        false
    }

    /// Like [`RankTree::leaf_pair`] for inner nodes.
    fn inner_pair(&mut self, left: u32, right: u32) -> bool {
        let mut a = self.inners[left as usize];
        let mut b = self.inners[right as usize];
        if a.len() + b.len() <= INNER_CAP {
            merge_into(&mut a, &b);
            self.inners[left as usize] = a;
            self.inners[right as usize] = Inner::EMPTY;
            self.free_inners.push(right);
            return true;
        }
        redistribute(&mut a, &mut b);
        self.inners[left as usize] = a;
        self.inners[right as usize] = b;
        false
    }

    /// Removes the element (`score`, `member`); false if it is not present.
    pub(crate) fn remove(&mut self, score: f64, member: &[u8]) -> bool {
        let found = self.locate(score, member);
        if !self.is_at(&found, score, member) {
            return false;
        }
        let (removed, _) = self.remove_at(&found);
        self.release_member(removed.member);
        self.compact_if_sparse();
        true
    }

    /// Changes the score of the present element (`old`, `member`) to `new`, in place
    /// when it keeps its place among its leaf's neighbours.
    pub(crate) fn update_score(&mut self, old: f64, member: &[u8], new: f64) {
        // Both places at once: the element's, and where it goes.
        let [found, mut target] = self.locate_each([(old, member), (new, member)]);
        if !self.is_at(&found, old, member) {
            return;
        }
        let leaf = &self.leaves[found.leaf as usize];
        let at = found.index;
        let after_previous = match at.checked_sub(1) {
            Some(previous) => order(
                leaf.scores[previous],
                self.member(leaf.members[previous]),
                new,
                member,
            )
            .is_lt(),
            None => leaf.prev == NIL,
        };
        let before_next = if at + 1 < leaf.len() {
            order(
                new,
                member,
                leaf.scores[at + 1],
                self.member(leaf.members[at + 1]),
            )
            .is_lt()
        } else {
            leaf.next == NIL
        };
        if after_previous && before_next {
            self.leaves[found.leaf as usize].scores[at] = new;
            if at + 1 == self.leaves[found.leaf as usize].len() {
                // The leaf's greatest element changed: so did the entries above it.
                let mut leaf_children = true;
                for depth in (0..self.height).rev() {
                    let slot = usize::from(found.path.slots[depth]);
                    self.refresh(found.path.nodes[depth], slot, leaf_children);
                    leaf_children = false;
                }
            }
            return;
        }
        // Moved: the same member slot is linked in elsewhere. Unless the removal
        // reshaped the tree, the place found before it still holds (one to the left
        // if it was after the element in the element's leaf).
        let (removed, reshaped) = self.remove_at(&found);
        if reshaped {
            target = self.locate(new, member);
        } else if target.leaf == found.leaf && target.index > found.index {
            target.index -= 1;
        }
        self.insert_at(
            &target,
            Element {
                score: new,
                member: removed.member,
            },
        );
    }

    /// Removes up to `count` elements starting at 0-based rank `first`, in order.
    pub(crate) fn remove_ranks(&mut self, first: usize, count: usize) -> Vec<(Box<[u8]>, f64)> {
        let count = count.min(self.len.saturating_sub(first));
        if count == 0 {
            return Vec::new();
        }
        if count > LEAF_CAP && count >= self.len / 8 {
            // Cheaper to rebuild around the range than to take it out one by one.
            let mut elements = self.take_all();
            let removed: Vec<_> = elements
                .drain(first..first + count)
                .map(|(member, score)| (member.into_box(), score))
                .collect();
            self.build(elements);
            return removed;
        }
        let mut removed = Vec::with_capacity(count);
        for _ in 0..count {
            let found = self.locate_rank(first);
            let (element, _) = self.remove_at(&found);
            let member = self.release_member(element.member).into_box();
            removed.push((member, element.score));
        }
        self.compact_if_sparse();
        removed
    }

    /// Every element in order, leaving the tree empty.
    fn take_all(&mut self) -> Vec<(Member, f64)> {
        let mut elements = Vec::with_capacity(self.len);
        let mut leaf = self.first_leaf;
        while leaf != NIL {
            let node = self.leaves[leaf as usize];
            for at in 0..node.len() {
                let member =
                    std::mem::replace(&mut self.members[node.members[at] as usize], Member::EMPTY);
                elements.push((member, node.scores[at]));
            }
            leaf = node.next;
        }
        *self = RankTree::new();
        elements
    }

    /// Fills an empty tree with `elements` (in order, distinct), leaves and inner
    /// nodes packed as full as evenly sharing allows.
    fn build(&mut self, elements: impl IntoIterator<Item = (Member, f64)>) {
        let mut elements: Vec<(Member, f64)> = elements.into_iter().collect();
        debug_assert!(elements.windows(2).all(|w| order(
            w[0].1,
            w[0].0.as_bytes(),
            w[1].1,
            w[1].0.as_bytes()
        )
        .is_lt()));
        *self = RankTree::new();
        let n = elements.len();
        if n == 0 {
            return;
        }
        self.len = n;
        self.leaves.clear();
        self.members.reserve_exact(n);
        let leaf_count = n.div_ceil(LEAF_CAP);
        let mut level: Vec<u32> = Vec::with_capacity(leaf_count);
        let mut drain = elements.drain(..);
        for i in 0..leaf_count {
            let size = share(n, leaf_count, i);
            let mut leaf = Leaf {
                prev: if i == 0 { NIL } else { i as u32 - 1 },
                next: if i + 1 == leaf_count {
                    NIL
                } else {
                    i as u32 + 1
                },
                ..Leaf::EMPTY
            };
            for (at, (member, score)) in drain.by_ref().take(size).enumerate() {
                self.members.push(member);
                leaf.set(
                    at,
                    Element {
                        score,
                        member: (self.members.len() - 1) as u32,
                    },
                );
            }
            leaf.len = size as u32;
            self.leaves.push(leaf);
            level.push(i as u32);
        }
        self.first_leaf = 0;
        self.last_leaf = (leaf_count - 1) as u32;
        let mut leaf_children = true;
        while level.len() > 1 {
            let count = level.len().div_ceil(INNER_CAP);
            let mut upper = Vec::with_capacity(count);
            let mut children = level.iter();
            for i in 0..count {
                let mut inner = Inner::EMPTY;
                for (at, &child) in children
                    .by_ref()
                    .take(share(level.len(), count, i))
                    .enumerate()
                {
                    inner.set(at, self.summary(child, leaf_children));
                    inner.len += 1;
                }
                upper.push(self.allocate_inner(inner));
            }
            level = upper;
            leaf_children = false;
            self.height += 1;
        }
        self.root = level[0];
    }

    /// Rebuilds the tree packed once most of its leaves or members are free slots.
    fn compact_if_sparse(&mut self) {
        let sparse = |free: usize, total: usize| free >= COMPACT_MIN_FREE && free * 2 >= total;
        if sparse(self.free_leaves.len(), self.leaves.len())
            || sparse(self.free_members.len(), self.members.len())
        {
            let elements = self.take_all();
            self.build(elements);
        }
    }

    /// Bytes of heap used, roughly: the node and member arenas, long members' bytes.
    pub(crate) fn heap_size(&self) -> usize {
        let arenas = self.leaves.capacity() * std::mem::size_of::<Leaf>()
            + self.inners.capacity() * std::mem::size_of::<Inner>()
            + self.members.capacity() * std::mem::size_of::<Member>()
            + (self.free_leaves.capacity()
                + self.free_inners.capacity()
                + self.free_members.capacity())
                * std::mem::size_of::<u32>();
        arenas + self.members.iter().map(Member::heap_size).sum::<usize>()
    }

    /// Checks every structural invariant (tests only).
    #[cfg(test)]
    pub(crate) fn check(&self) {
        // The leaf chain holds every element in order, linked both ways.
        let mut count = 0;
        let mut prev = NIL;
        let mut leaf = self.first_leaf;
        let mut last: Option<(f64, &[u8])> = None;
        let mut used_members = vec![false; self.members.len()];
        while leaf != NIL {
            let node = &self.leaves[leaf as usize];
            assert_eq!(node.prev, prev, "prev link");
            assert!(node.len() > 0 || self.len == 0, "empty leaf");
            for at in 0..node.len() {
                let member = node.members[at];
                assert!(!std::mem::replace(&mut used_members[member as usize], true));
                let element = (node.scores[at], self.member(member));
                if let Some((score, member)) = last {
                    assert!(order(score, member, element.0, element.1).is_lt(), "order");
                }
                last = Some(element);
            }
            count += node.len();
            prev = leaf;
            leaf = node.next;
        }
        assert_eq!(prev, self.last_leaf);
        assert_eq!(count, self.len);
        for &free in &self.free_members {
            assert!(!used_members[free as usize], "free member in use");
        }
        assert_eq!(
            used_members.iter().filter(|&&used| used).count() + self.free_members.len(),
            self.members.len()
        );
        // Every inner entry counts and ends its subtree; every node is full enough.
        let mut leaves_in_order = Vec::new();
        let total = self.check_node(self.root, self.height, true, &mut leaves_in_order);
        assert_eq!(total, self.len);
        let mut chain = Vec::new();
        let mut leaf = self.first_leaf;
        while leaf != NIL {
            chain.push(leaf);
            leaf = self.leaves[leaf as usize].next;
        }
        assert_eq!(leaves_in_order, chain, "leaf chain against the tree");
    }

    /// Checks the subtree at `node` (`height` inner levels), returning its size.
    #[cfg(test)]
    fn check_node(&self, node: u32, height: usize, root: bool, leaves: &mut Vec<u32>) -> usize {
        if height == 0 {
            assert!(!self.free_leaves.contains(&node));
            let len = self.leaves[node as usize].len();
            assert!(root || len >= LEAF_MIN, "leaf under its minimum");
            let padding = &self.leaves[node as usize].scores[len..];
            assert!(padding.iter().all(|&s| s == PAD), "leaf padding");
            leaves.push(node);
            return len;
        }
        assert!(!self.free_inners.contains(&node));
        let inner = &self.inners[node as usize];
        assert!(
            inner.len() >= if root { 2 } else { INNER_MIN },
            "inner too small"
        );
        let mut total = 0;
        for slot in 0..inner.len() {
            let child = inner.children[slot];
            let size = self.check_node(child, height - 1, false, leaves);
            assert_eq!(inner.counts[slot] as usize, size, "count");
            let expected = self.summary(child, height == 1).max;
            assert_eq!(
                inner.max_scores[slot].to_bits(),
                expected.score.to_bits(),
                "max"
            );
            assert_eq!(inner.max_members[slot], expected.member, "max member");
            total += size;
        }
        total
    }
}

/// The size of part `i` of `n` items shared evenly among `parts`.
fn share(n: usize, parts: usize, i: usize) -> usize {
    n / parts + usize::from(i < n % parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn member(n: usize) -> Box<[u8]> {
        format!("m{n:05}").into_bytes().into_boxed_slice()
    }

    #[test]
    fn ranks_follow_insertion_order_of_keys() {
        let mut tree = RankTree::new();
        for n in (0..500).rev() {
            tree.insert(n as f64, &member(n));
        }
        tree.check();
        for n in 0..500 {
            assert_eq!(tree.rank(n as f64, &member(n)), Some(n));
            let pos = tree.at(n).expect("in range");
            assert_eq!(tree.entry(pos).1, n as f64);
        }
        assert_eq!(tree.at(500), None);
        assert_eq!(tree.rank(1.0, &member(2)), None);
    }

    #[test]
    fn removing_ranges_keeps_counts_right() {
        for (first, count) in [(10, 5), (10, 50), (0, 1000)] {
            let mut tree = RankTree::new();
            for n in 0..300 {
                tree.insert((n % 7) as f64, &member(n));
            }
            let removed = tree.remove_ranks(first, count);
            assert_eq!(removed.len(), count.min(300 - first));
            tree.check();
            assert_eq!(tree.len(), 300 - removed.len());
        }
    }

    #[test]
    fn updates_move_elements_only_when_needed() {
        let mut tree = RankTree::new();
        for n in 0..100 {
            tree.insert(n as f64, &member(n));
        }
        let pos = tree.at(50).expect("in range");
        tree.update_score(50.0, &member(50), 50.5);
        assert_eq!(tree.at(50), Some(pos), "updated in place");
        tree.update_score(10.0, &member(10), 1000.0);
        tree.check();
        assert_eq!(tree.rank(50.5, &member(50)), Some(49));
        assert_eq!(tree.rank(1000.0, &member(10)), Some(99));
    }

    #[test]
    fn the_arenas_are_compacted_after_mass_removal() {
        let mut tree = RankTree::new();
        for n in 0..1000 {
            tree.insert(n as f64, &member(n));
        }
        for n in 0..990 {
            assert!(tree.remove(n as f64, &member(n)));
        }
        tree.check();
        assert!(tree.leaves.len() < 20, "leaves still {}", tree.leaves.len());
        assert!(
            tree.members.len() < 200,
            "members still {}",
            tree.members.len()
        );
        assert_eq!(tree.rank(995.0, &member(995)), Some(5));
    }

    #[test]
    fn built_trees_are_packed_and_valid() {
        for n in [0, 1, LEAF_CAP, LEAF_CAP + 1, 1000, 5000] {
            let tree = RankTree::from_sorted((0..n).map(|i| (member(i), i as f64)));
            tree.check();
            assert_eq!(tree.len(), n);
            assert_eq!(tree.leaves.len(), n.div_ceil(LEAF_CAP).max(1));
        }
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
    /// removals keep every invariant (counts, greatest elements, fill, the leaf chain)
    /// and agree with a sorted vector, through several tree heights.
    #[test]
    fn random_operations_keep_the_invariants() {
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |bound: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % bound
        };
        let mut tree = RankTree::new();
        let mut model: Vec<(f64, Box<[u8]>)> = Vec::new();
        for step in 0..20_000 {
            // Grow, then shrink, then grow again, crossing heights both ways.
            let phase = step / 5000 % 2;
            let n = next(3000) as usize;
            let name: Box<[u8]> = if n.is_multiple_of(5) {
                format!("a-long-member-name-beyond-inline-{n}")
                    .into_bytes()
                    .into()
            } else {
                member(n)
            };
            let score = next(40) as f64 - 20.0;
            let at = model.iter().position(|(_, m)| *m == name);
            let op = next(10) + if phase == 1 { 2 } else { 0 };
            match (op, at) {
                (0..=4, None) => {
                    tree.insert(score, &name);
                    model.push((score, name));
                }
                (0..=4, Some(at)) => {
                    tree.update_score(model[at].0, &name, score);
                    model[at].0 = score;
                }
                (5..=7 | 10..=11, Some(at)) => {
                    assert!(tree.remove(model[at].0, &name));
                    model.remove(at);
                }
                (8, _) => {
                    let first = next(model.len() as u64 + 5) as usize;
                    let count = if next(4) == 0 { next(400) } else { next(5) } as usize;
                    model.sort_by(|a, b| order(a.0, &a.1, b.0, &b.1));
                    let end = (first + count).min(model.len());
                    let expected: Vec<_> = model
                        .drain(first.min(model.len())..end)
                        .map(|(s, m)| (m, s))
                        .collect();
                    assert_eq!(tree.remove_ranks(first, count), expected);
                }
                _ => assert!(!tree.remove(score + 0.5, &name)),
            }
            if step % 500 == 0 {
                tree.check();
            }
        }
        tree.check();
        model.sort_by(|a, b| order(a.0, &a.1, b.0, &b.1));
        let mut pos = tree.first();
        for (rank, (score, name)) in model.iter().enumerate() {
            let at = pos.expect("as long as the model");
            assert_eq!(tree.entry(at), (&name[..], *score));
            assert_eq!(tree.rank(*score, name), Some(rank));
            assert_eq!(tree.at(rank), Some(at));
            pos = tree.next(at);
        }
        assert_eq!(pos, None);
        let mut pos = tree.last();
        for (score, name) in model.iter().rev() {
            let at = pos.expect("as long as the model");
            assert_eq!(tree.entry(at), (&name[..], *score));
            pos = tree.prev(at);
        }
        assert_eq!(pos, None);
    }

    /// One operation of the model test: members are small numbers, scores few, so
    /// ties and moves within and across leaves are common.
    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, i8),
        Update(u8, i8),
        Remove(u8),
        RemoveRanks(u8, u16),
        Clear,
    }

    fn op() -> impl Strategy<Value = Op> {
        // Inserts outweigh removals, so sets grow over several leaves and levels.
        prop_oneof![
            40 => (any::<u8>(), -8i8..8).prop_map(|(m, s)| Op::Insert(m, s)),
            16 => (any::<u8>(), -8i8..8).prop_map(|(m, s)| Op::Update(m, s)),
            12 => any::<u8>().prop_map(Op::Remove),
            2 => (any::<u8>(), 0u16..8).prop_map(|(f, c)| Op::RemoveRanks(f, c)),
            1 => (any::<u8>(), 0u16..300).prop_map(|(f, c)| Op::RemoveRanks(f, c)),
            1 => Just(Op::Clear),
        ]
    }

    proptest! {
        /// The tree behaves like a sorted vector of (score, member) under any
        /// sequence of operations, and every invariant holds after each one.
        #[test]
        fn behaves_like_a_sorted_vector(ops in proptest::collection::vec(op(), 0..400)) {
            let mut tree = RankTree::new();
            let mut model: Vec<(f64, Box<[u8]>)> = Vec::new();
            for op in ops {
                match op {
                    Op::Insert(m, s) | Op::Update(m, s) => {
                        let name = member(usize::from(m));
                        let score = f64::from(s);
                        match model.iter().position(|(_, n)| *n == name) {
                            Some(at) => {
                                tree.update_score(model[at].0, &name, score);
                                model[at].0 = score;
                            }
                            None if matches!(op, Op::Insert(..)) => {
                                tree.insert(score, &name);
                                model.push((score, name));
                            }
                            None => {}
                        }
                    }
                    Op::Remove(m) => {
                        let name = member(usize::from(m));
                        let at = model.iter().position(|(_, n)| *n == name);
                        let score = at.map_or(0.0, |at| model[at].0);
                        prop_assert_eq!(tree.remove(score, &name), at.is_some());
                        if let Some(at) = at {
                            model.remove(at);
                        }
                    }
                    Op::RemoveRanks(first, count) => {
                        model.sort_by(|a, b| order(a.0, &a.1, b.0, &b.1));
                        let first = usize::from(first);
                        let end = (first + usize::from(count)).min(model.len());
                        let expected: Vec<_> = model
                            .drain(first.min(model.len())..end)
                            .map(|(s, m)| (m, s))
                            .collect();
                        prop_assert_eq!(tree.remove_ranks(first, usize::from(count)), expected);
                    }
                    Op::Clear => {
                        model.sort_by(|a, b| order(a.0, &a.1, b.0, &b.1));
                        for (score, name) in model.drain(..) {
                            prop_assert!(tree.remove(score, &name));
                        }
                    }
                }
                tree.check();
                model.sort_by(|a, b| order(a.0, &a.1, b.0, &b.1));
                prop_assert_eq!(tree.len(), model.len());
                let mut pos = tree.first();
                for (rank, (score, name)) in model.iter().enumerate() {
                    let at = pos.expect("as long as the model");
                    prop_assert_eq!(tree.entry(at), (&name[..], *score));
                    prop_assert_eq!(tree.rank(*score, name), Some(rank));
                    pos = tree.next(at);
                }
                prop_assert_eq!(pos, None);
                let below_zero = model.iter().filter(|(s, _)| *s < 0.0).count();
                prop_assert_eq!(tree.count_while_score(|s| s < 0.0), below_zero);
            }
        }
    }
}
