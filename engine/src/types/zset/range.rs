//! Score and lex intervals, as ZRANGEBYSCORE and ZRANGEBYLEX read them, with Redis's
//! comparison rules (`(` excludes an end; `-` and `+` sit below and above every
//! member and count as exclusive).

use std::cmp::Ordering;

use bytes::Bytes;

/// A score interval as ZRANGEBYSCORE reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// The lower bound itself is excluded (`(min`).
    pub min_exclusive: bool,
    /// The upper bound itself is excluded (`(max`).
    pub max_exclusive: bool,
}

impl ScoreRange {
    /// `score` is not below the range.
    pub fn gte_min(&self, score: f64) -> bool {
        if self.min_exclusive {
            score > self.min
        } else {
            score >= self.min
        }
    }

    /// `score` is not above the range.
    pub fn lte_max(&self, score: f64) -> bool {
        if self.max_exclusive {
            score < self.max
        } else {
            score <= self.max
        }
    }

    /// No score can be in the range.
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.min_exclusive || self.max_exclusive))
    }
}

/// One end of a lex range: `-`, `+`, or a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexEdge {
    /// `-`: below every member.
    Min,
    /// `+`: above every member.
    Max,
    /// A member's bytes.
    Value(Bytes),
}

impl LexEdge {
    /// How `member` compares with this edge.
    fn cmp_member(&self, member: &[u8]) -> Ordering {
        match self {
            LexEdge::Min => Ordering::Greater,
            LexEdge::Max => Ordering::Less,
            LexEdge::Value(value) => member.cmp(value),
        }
    }
}

/// One end of a lex range with its exclusivity (`(` excludes, `[` includes; Redis
/// counts `-` and `+` as exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexBound {
    /// Where the range ends.
    pub edge: LexEdge,
    /// The edge itself is excluded.
    pub exclusive: bool,
}

/// A member interval as ZRANGEBYLEX reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexRange {
    /// Lower end.
    pub min: LexBound,
    /// Upper end.
    pub max: LexBound,
}

impl LexRange {
    /// `member` is not below the range.
    pub fn gte_min(&self, member: &[u8]) -> bool {
        let cmp = self.min.edge.cmp_member(member);
        if self.min.exclusive {
            cmp.is_gt()
        } else {
            cmp.is_ge()
        }
    }

    /// `member` is not above the range.
    pub fn lte_max(&self, member: &[u8]) -> bool {
        let cmp = self.max.edge.cmp_member(member);
        if self.max.exclusive {
            cmp.is_lt()
        } else {
            cmp.is_le()
        }
    }

    /// No member can be in the range: min above max, or equal with an exclusive end.
    pub fn is_empty(&self) -> bool {
        let cmp = match (&self.min.edge, &self.max.edge) {
            (LexEdge::Min, LexEdge::Min) | (LexEdge::Max, LexEdge::Max) => Ordering::Equal,
            (LexEdge::Min, _) | (_, LexEdge::Max) => Ordering::Less,
            (LexEdge::Max, _) | (_, LexEdge::Min) => Ordering::Greater,
            (LexEdge::Value(a), LexEdge::Value(b)) => a.cmp(b),
        };
        cmp.is_gt() || (cmp.is_eq() && (self.min.exclusive || self.max.exclusive))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lex_edges_order_around_every_member() {
        let range = LexRange {
            min: LexBound {
                edge: LexEdge::Min,
                exclusive: true,
            },
            max: LexBound {
                edge: LexEdge::Value(Bytes::from_static(b"b")),
                exclusive: true,
            },
        };
        assert!(range.gte_min(b""));
        assert!(range.lte_max(b"a"));
        assert!(!range.lte_max(b"b"));
        assert!(!range.is_empty());
        let dashes = LexRange {
            min: LexBound {
                edge: LexEdge::Min,
                exclusive: true,
            },
            max: LexBound {
                edge: LexEdge::Min,
                exclusive: true,
            },
        };
        assert!(dashes.is_empty());
    }
}
