//! The sorted-set family: ZADD and friends, ranges, pops, set operations, ZSCAN.
//!
//! Layout: [`write`] (ZADD, ZINCRBY, ZREM, ZREMRANGEBY*), [`read`] (ZSCORE, ZCARD,
//! ZCOUNT, ZRANK, ZSCAN, ZRANDMEMBER, ...), [`range`] (the ZRANGE family and
//! ZRANGESTORE), [`pop`] (ZPOPMIN, ZPOPMAX, ZMPOP and the pop helper blocking
//! variants will share), [`setops`] (ZUNION, ZINTER, ZDIFF, their STORE forms and
//! ZINTERCARD). This file holds what they share: range parsing, replies of scored
//! members, and the lookups.
//!
//! Rules that are easy to get wrong, all as in Redis 7.0.15:
//! - Scores given to ZADD/ZINCRBY are read strictly (`value is not a valid float`),
//!   but score *range* bounds with `strtod`'s leniency: `""` is 0, `" 1"` is 1,
//!   `1e999` is infinity, and text after a NUL byte is ignored.
//! - Arguments are fully parsed before the key is looked at, so a syntax error wins
//!   over WRONGTYPE; the set operations are the exception: their keys are looked up
//!   (and type-checked) before WEIGHTS/AGGREGATE are read.
//! - Scores are replied as doubles: `%.17g` bulk strings in RESP2, `,` doubles in
//!   RESP3. WITHSCORES results are flat in RESP2 and `[member, score]` pairs in RESP3
//!   (ZPOPMIN without a count stays flat; ZMPOP always nests).
//! - A key never holds an empty sorted set: whatever empties one deletes the key.

mod pop;
mod range;
mod read;
mod setops;
mod write;

use bytes::Bytes;

use super::flags::*;
use super::{acl, spec, CommandSpec, Ctx};
use crate::error::CommandError;
use crate::notify;
use crate::num;
use crate::reply::Reply;
use crate::types::zset::{LexBound, LexEdge, LexRange, ScoreRange, ZSetConfig};
use crate::types::{Value, ZSet};

pub use pop::{pop_members, zmpop_first, zmpop_reply, PopEnd};
pub(crate) use write::zadd;

/// The listpack limits in force, and a fresh seed for a skiplist built under them.
fn zset_config(ctx: &mut Ctx<'_>) -> ZSetConfig {
    let rules = ctx.rules();
    ZSetConfig::from_rules(&rules, ctx.db().2.next_u64())
}

/// The sorted set under `key` for a read command (counts a hit or miss).
fn read_zset<'c>(ctx: &'c mut Ctx<'_>, key: &[u8]) -> Result<Option<&'c ZSet>, CommandError> {
    Ok(ctx.read_as::<ZSet>(key)?.map(|zset| &*zset))
}

/// The sorted set under `key` for a write command.
fn write_zset<'c>(ctx: &'c mut Ctx<'_>, key: &[u8]) -> Result<Option<&'c mut ZSet>, CommandError> {
    ctx.write_as::<ZSet>(key)
}

/// What a removal from a sorted set answers: a count or the members removed.
trait Removed {
    /// True when nothing was removed.
    fn nothing(&self) -> bool;
}

impl Removed for usize {
    fn nothing(&self) -> bool {
        *self == 0
    }
}

impl<T> Removed for Vec<T> {
    fn nothing(&self) -> bool {
        self.is_empty()
    }
}

/// Runs `edit`, which removes members, on the sorted set under `key`; when it removed
/// any publishes `event`, then deletes the key (a `del` event) if the set ended up
/// empty, in Redis's order. `None` when the key is missing.
fn edit_zset<R: Removed>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    event: &'static str,
    edit: impl FnOnce(&mut ZSet) -> R,
) -> Result<Option<R>, CommandError> {
    let Some(zset) = write_zset(ctx, key)? else {
        return Ok(None);
    };
    let result = edit(zset);
    let empty = zset.is_empty();
    if !result.nothing() {
        ctx.notify(notify::ZSET, event, key);
    }
    if empty {
        ctx.delete(key);
    }
    Ok(Some(result))
}

/// Replaces `dst` with `result` as a store command does: a non-empty set is stored
/// without a TTL (publishing `event`); an empty one deletes `dst`. Signals the change
/// and answers the size.
fn store_result(ctx: &mut Ctx<'_>, dst: &[u8], result: ZSet, event: &'static str) -> Reply {
    // Redis answers before the event (or the `del` of an emptied destination).
    let len = result.len();
    if len == 0 {
        ctx.reply_point();
        ctx.delete_stored(dst);
        return Reply::Int(0);
    }
    ctx.store(dst, Value::ZSet(Box::new(result)), None);
    ctx.reply_point();
    ctx.notify(notify::ZSET, event, dst);
    Reply::Int(len as i64)
}

/// Reads one end of a score range: `(` makes it exclusive; the rest is read as
/// `strtod` reads it (see the module docs).
fn parse_score_bound(arg: &[u8]) -> Option<(f64, bool)> {
    match arg.split_first() {
        Some((b'(', rest)) => num::parse_f64_strtod(rest).map(|v| (v, true)),
        _ => num::parse_f64_strtod(arg).map(|v| (v, false)),
    }
}

/// A score range from its two arguments (`ERR min or max is not a float`).
fn parse_score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, CommandError> {
    let (min, min_exclusive) = parse_score_bound(min).ok_or(CommandError::ScoreRangeNotFloat)?;
    let (max, max_exclusive) = parse_score_bound(max).ok_or(CommandError::ScoreRangeNotFloat)?;
    Ok(ScoreRange {
        min,
        max,
        min_exclusive,
        max_exclusive,
    })
}

/// Reads one end of a lex range: `-`, `+`, `(member` or `[member`. Redis reads `-` and
/// `+` as C strings, so anything after a NUL byte following them is ignored.
fn parse_lex_bound(arg: &Bytes) -> Option<LexBound> {
    let alone = arg.len() == 1 || arg.get(1) == Some(&0);
    let (edge, exclusive) = match arg.first()? {
        b'-' if alone => (LexEdge::Min, true),
        b'+' if alone => (LexEdge::Max, true),
        b'(' => (LexEdge::Value(arg.slice(1..)), true),
        b'[' => (LexEdge::Value(arg.slice(1..)), false),
        _ => return None,
    };
    Some(LexBound { edge, exclusive })
}

/// A lex range from its two arguments (`ERR min or max not valid string range item`).
fn parse_lex_range(min: &Bytes, max: &Bytes) -> Result<LexRange, CommandError> {
    match (parse_lex_bound(min), parse_lex_bound(max)) {
        (Some(min), Some(max)) => Ok(LexRange { min, max }),
        _ => Err(CommandError::LexRangeInvalid),
    }
}

/// Members (with their scores when asked): flat in RESP2, `[member, score]` pairs in
/// RESP3, as Redis's range replies are.
fn scored_reply(ctx: &Ctx<'_>, items: Vec<(Bytes, f64)>, with_scores: bool) -> Reply {
    if !with_scores {
        return Reply::Array(items.into_iter().map(|(m, _)| Reply::Bulk(m)).collect());
    }
    super::pairs_reply(
        ctx.client.protocol,
        items
            .into_iter()
            .map(|(member, score)| (Reply::Bulk(member), Reply::Double(score)))
            .collect(),
    )
}

/// Members with scores as `[member, score]` pairs whatever the protocol (ZMPOP).
fn pairs_reply(items: Vec<(Bytes, f64)>) -> Reply {
    Reply::Array(
        items
            .into_iter()
            .map(|(member, score)| Reply::Array(vec![Reply::Bulk(member), Reply::Double(score)]))
            .collect(),
    )
}

/// Copies a borrowed member and score out of a set.
fn owned((member, score): (&[u8], f64)) -> (Bytes, f64) {
    (Bytes::copy_from_slice(member), score)
}

/// The sorted-set family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "zadd",
        -4,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        write::zadd
    ),
    spec!(
        "zincrby",
        4,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        write::zincrby
    ),
    spec!(
        "zrem",
        -3,
        WRITE | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        write::zrem
    ),
    spec!(
        "zremrangebyrank",
        4,
        WRITE,
        (1, 1, 1),
        acl::SORTEDSET,
        write::zremrangebyrank
    ),
    spec!(
        "zremrangebyscore",
        4,
        WRITE,
        (1, 1, 1),
        acl::SORTEDSET,
        write::zremrangebyscore
    ),
    spec!(
        "zremrangebylex",
        4,
        WRITE,
        (1, 1, 1),
        acl::SORTEDSET,
        write::zremrangebylex
    ),
    spec!(
        "zcard",
        2,
        READONLY | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        read::zcard
    ),
    spec!(
        "zscore",
        3,
        READONLY | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        read::zscore
    ),
    spec!(
        "zmscore",
        -3,
        READONLY | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        read::zmscore
    ),
    spec!(
        "zcount",
        4,
        READONLY | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        read::zcount
    ),
    spec!(
        "zlexcount",
        4,
        READONLY | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        read::zlexcount
    ),
    spec!(
        "zrank",
        3,
        READONLY | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        read::zrank
    ),
    spec!(
        "zrevrank",
        3,
        READONLY | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        read::zrevrank
    ),
    spec!(
        "zscan",
        -3,
        READONLY,
        (1, 1, 1),
        acl::SORTEDSET,
        read::zscan
    ),
    spec!(
        "zrandmember",
        -2,
        READONLY,
        (1, 1, 1),
        acl::SORTEDSET,
        read::zrandmember
    ),
    spec!(
        "zrange",
        -4,
        READONLY,
        (1, 1, 1),
        acl::SORTEDSET,
        range::zrange
    ),
    spec!(
        "zrangestore",
        -5,
        WRITE | DENYOOM,
        (1, 2, 1),
        acl::SORTEDSET,
        range::zrangestore
    ),
    spec!(
        "zrevrange",
        -4,
        READONLY,
        (1, 1, 1),
        acl::SORTEDSET,
        range::zrevrange
    ),
    spec!(
        "zrangebyscore",
        -4,
        READONLY,
        (1, 1, 1),
        acl::SORTEDSET,
        range::zrangebyscore
    ),
    spec!(
        "zrevrangebyscore",
        -4,
        READONLY,
        (1, 1, 1),
        acl::SORTEDSET,
        range::zrevrangebyscore
    ),
    spec!(
        "zrangebylex",
        -4,
        READONLY,
        (1, 1, 1),
        acl::SORTEDSET,
        range::zrangebylex
    ),
    spec!(
        "zrevrangebylex",
        -4,
        READONLY,
        (1, 1, 1),
        acl::SORTEDSET,
        range::zrevrangebylex
    ),
    spec!(
        "zpopmin",
        -2,
        WRITE | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        pop::zpopmin
    ),
    spec!(
        "zpopmax",
        -2,
        WRITE | FAST,
        (1, 1, 1),
        acl::SORTEDSET,
        pop::zpopmax
    ),
    spec!(
        "zmpop",
        -4,
        WRITE | MOVABLE_KEYS,
        (0, 0, 0),
        acl::SORTEDSET,
        pop::zmpop
    ),
    spec!(
        "zunion",
        -3,
        READONLY | MOVABLE_KEYS,
        (0, 0, 0),
        acl::SORTEDSET,
        setops::zunion
    ),
    spec!(
        "zinter",
        -3,
        READONLY | MOVABLE_KEYS,
        (0, 0, 0),
        acl::SORTEDSET,
        setops::zinter
    ),
    spec!(
        "zdiff",
        -3,
        READONLY | MOVABLE_KEYS,
        (0, 0, 0),
        acl::SORTEDSET,
        setops::zdiff
    ),
    spec!(
        "zunionstore",
        -4,
        WRITE | DENYOOM | MOVABLE_KEYS,
        (1, 1, 1),
        acl::SORTEDSET,
        setops::zunionstore
    ),
    spec!(
        "zinterstore",
        -4,
        WRITE | DENYOOM | MOVABLE_KEYS,
        (1, 1, 1),
        acl::SORTEDSET,
        setops::zinterstore
    ),
    spec!(
        "zdiffstore",
        -4,
        WRITE | DENYOOM | MOVABLE_KEYS,
        (1, 1, 1),
        acl::SORTEDSET,
        setops::zdiffstore
    ),
    spec!(
        "zintercard",
        -3,
        READONLY | MOVABLE_KEYS,
        (0, 0, 0),
        acl::SORTEDSET,
        setops::zintercard
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_bounds_read_like_zslparserange() {
        assert_eq!(parse_score_bound(b"(1.5"), Some((1.5, true)));
        assert_eq!(parse_score_bound(b"("), Some((0.0, true)));
        assert_eq!(parse_score_bound(b"-inf"), Some((f64::NEG_INFINITY, false)));
        assert_eq!(parse_score_bound(b"[1"), None);
        assert_eq!(parse_score_bound(b"((1"), None);
    }

    #[test]
    fn lex_bounds_need_a_prefix() {
        let bound = |s: &'static [u8]| parse_lex_bound(&Bytes::from_static(s));
        assert_eq!(
            bound(b"(a"),
            Some(LexBound {
                edge: LexEdge::Value(Bytes::from_static(b"a")),
                exclusive: true
            })
        );
        assert_eq!(bound(b"[").map(|b| b.exclusive), Some(false));
        assert_eq!(bound(b"+\0x").map(|b| b.edge), Some(LexEdge::Max));
        assert_eq!(bound(b"+x"), None);
        assert_eq!(bound(b"a"), None);
        assert_eq!(bound(b""), None);
    }
}
