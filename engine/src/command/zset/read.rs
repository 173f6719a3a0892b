//! ZCARD, ZSCORE, ZMSCORE, ZCOUNT, ZLEXCOUNT, ZRANK, ZREVRANK, ZSCAN, ZRANDMEMBER.

use std::collections::HashSet;

use bytes::Bytes;

use super::{owned, parse_lex_range, parse_score_range, read_zset, scored_reply};
use crate::args::Args;
use crate::command::generic::{parse_cursor, ScanOptions};
use crate::command::Ctx;
use crate::error::CommandError;
use crate::glob::glob_match;
use crate::reply::Reply;
use crate::types::ZSet;

pub(super) fn zcard(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let len = read_zset(ctx, args.required()?)?.map_or(0, |zset| zset.len());
    Ok(Reply::Int(len as i64))
}

pub(super) fn zscore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.required()?;
    let member = args.required()?;
    let score = read_zset(ctx, key)?.and_then(|zset| zset.score(member));
    Ok(score.map_or(Reply::Nil, Reply::Double))
}

pub(super) fn zmscore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.required()?;
    let members = args.rest();
    let zset = read_zset(ctx, key)?;
    Ok(Reply::Array(
        members
            .iter()
            .map(|member| {
                zset.and_then(|zset| zset.score(member))
                    .map_or(Reply::Nil, Reply::Double)
            })
            .collect(),
    ))
}

pub(super) fn zcount(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.required()?;
    let range = parse_score_range(args.required()?, args.required()?)?;
    let count = read_zset(ctx, key)?.map_or(0, |zset| zset.count_in_score_range(&range));
    Ok(Reply::Int(count as i64))
}

pub(super) fn zlexcount(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.required()?;
    let range = parse_lex_range(args.required()?, args.required()?)?;
    let count = read_zset(ctx, key)?.map_or(0, |zset| zset.count_in_lex_range(&range));
    Ok(Reply::Int(count as i64))
}

/// ZRANK and ZREVRANK: the 0-based position going up or down; nil when missing.
fn rank_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    reverse: bool,
) -> Result<Reply, CommandError> {
    let key = args.required()?;
    let member = args.required()?;
    let Some(zset) = read_zset(ctx, key)? else {
        return Ok(Reply::Nil);
    };
    Ok(match zset.rank(member) {
        Some(rank) if reverse => Reply::Int((zset.len() - 1 - rank) as i64),
        Some(rank) => Reply::Int(rank as i64),
        None => Reply::Nil,
    })
}

pub(super) fn zrank(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    rank_generic(ctx, args, false)
}

pub(super) fn zrevrank(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    rank_generic(ctx, args, true)
}

/// ZSCAN: the cursor is checked first, then the key (a missing one answers an empty
/// page without reading the options), then MATCH/COUNT. A listpack is returned whole
/// with cursor 0; a skiplist walks its member table, stopping once it has COUNT
/// *strings* (members and scores both count, as in Redis) or after COUNT × 10 buckets.
/// Scores are text, as [`scan_score_text`] writes them.
pub(super) fn zscan(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.required()?;
    let mut cursor = parse_cursor(args.required()?)?;
    let Some(zset) = read_zset(ctx, key)? else {
        return Ok(scan_reply(0, Vec::new()));
    };
    let options = ScanOptions::parse(args, false)?;
    let mut found: Vec<(Bytes, f64)> = Vec::new();
    let mut iterations = options.count.saturating_mul(10);
    loop {
        cursor = zset.scan(cursor, |member, score| found.push(owned((member, score))));
        if cursor == 0 || iterations == 0 || found.len() * 2 >= options.count {
            break;
        }
        iterations -= 1;
    }
    let listpack = zset.is_listpack();
    let mut items = Vec::with_capacity(found.len() * 2);
    for (member, score) in found {
        if options
            .pattern
            .is_some_and(|p| !glob_match(p, &member, false))
        {
            continue;
        }
        items.push(Reply::Bulk(member));
        items.push(Reply::Bulk(Bytes::from(scan_score_text(score, listpack))));
    }
    Ok(scan_reply(cursor, items))
}

/// A score as ZSCAN shows it: a skiplist prints `%.17g`; a listpack shows the text it
/// stored ([`ZSet::listpack_score_text`]).
fn scan_score_text(score: f64, listpack: bool) -> Vec<u8> {
    if listpack {
        return ZSet::listpack_score_text(score);
    }
    let mut text = Vec::with_capacity(24);
    kvdb_resp::fmt::double_g17(score, &mut text);
    text
}

fn scan_reply(cursor: u64, items: Vec<Reply>) -> Reply {
    Reply::Array(vec![
        Reply::Bulk(Bytes::from(cursor.to_string())),
        Reply::Array(items),
    ])
}

/// Largest |count| ZRANDMEMBER accepts with WITHSCORES (Redis's `LONG_MAX / 2`, so the
/// reply length cannot overflow).
const MAX_COUNT_WITH_SCORES: i64 = i64::MAX / 2;

/// ZRANDMEMBER key [count [WITHSCORES]]. The count is checked (integer, then not
/// `i64::MIN`), then the rest of the syntax, then the WITHSCORES limit, and only then
/// is the key looked up. A negative count may repeat members; a positive one never
/// does and, when it covers the set, returns it whole, highest score first.
pub(super) fn zrandmember(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let Some(count_arg) = args.try_next() else {
        let Some(len) = read_zset(ctx, &key)?.map(|zset| zset.len()) else {
            return Ok(Reply::Nil);
        };
        let pick = (ctx.db().2.next_u64() % len as u64) as usize;
        let member = refetch(ctx, &key)?
            .and_then(|zset| zset.get(pick))
            .map(|(member, _)| Bytes::copy_from_slice(member));
        return Ok(Reply::bulk_or_nil(member));
    };
    let count = crate::args::parse_i64(count_arg)?;
    if count == i64::MIN {
        return Err(CommandError::NotBetween(-i64::MAX, i64::MAX));
    }
    let with_scores = match args.try_next() {
        None => false,
        Some(arg) if arg.eq_ignore_ascii_case(b"WITHSCORES") => true,
        Some(_) => return Err(CommandError::Syntax),
    };
    args.finish()?;
    if with_scores && !(-MAX_COUNT_WITH_SCORES..=MAX_COUNT_WITH_SCORES).contains(&count) {
        return Err(CommandError::OutOfRange);
    }
    let Some((len, listpack)) = read_zset(ctx, &key)?.map(|z| (z.len(), z.is_listpack())) else {
        return Ok(Reply::Array(Vec::new()));
    };
    let ranks = random_ranks(ctx, count, len, listpack);
    let Some(zset) = refetch(ctx, &key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    let items = match ranks {
        None => zset.iter_from(len - 1, true).map(owned).collect(),
        Some(ranks) => ranks
            .into_iter()
            .filter_map(|rank| zset.get(rank).map(owned))
            .collect(),
    };
    Ok(scored_reply(ctx, items, with_scores))
}

/// The set looked up again after drawing random numbers (as a write lookup, so the
/// keyspace hit is not counted twice).
fn refetch<'c>(ctx: &'c mut Ctx<'_>, key: &[u8]) -> Result<Option<&'c ZSet>, CommandError> {
    Ok(ctx.write_as::<ZSet>(key)?.map(|zset| &*zset))
}

/// The ranks ZRANDMEMBER returns for `count` over `len` (> 0) members: `None` for the
/// whole set (which Redis replies highest score first). Negative counts draw with
/// repetition; positive ones draw distinct ranks (Floyd's algorithm), kept in set
/// order when Redis samples a listpack directly (a count up to a third of the size).
fn random_ranks(ctx: &mut Ctx<'_>, count: i64, len: usize, listpack: bool) -> Option<Vec<usize>> {
    let rng = ctx.db().2;
    if count < 0 {
        let mut ranks = Vec::new();
        for _ in 0..count.unsigned_abs() {
            ranks.push((rng.next_u64() % len as u64) as usize);
        }
        return Some(ranks);
    }
    let count = count as usize;
    if count >= len {
        return None;
    }
    let mut chosen = HashSet::with_capacity(count);
    let mut ranks = Vec::with_capacity(count);
    for upper in len - count..len {
        let pick = (rng.next_u64() % (upper as u64 + 1)) as usize;
        let rank = if chosen.insert(pick) {
            pick
        } else {
            chosen.insert(upper);
            upper
        };
        ranks.push(rank);
    }
    if listpack && count.saturating_mul(3) <= len {
        ranks.sort_unstable();
    }
    Some(ranks)
}
