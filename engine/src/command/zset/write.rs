//! ZADD, ZINCRBY, ZREM and the ZREMRANGEBY* commands.

use bytes::Bytes;

use super::{edit_zset, parse_lex_range, parse_score_range, write_zset, zset_config};
use crate::args::Args;
use crate::command::Ctx;
use crate::error::CommandError;
use crate::notify;
use crate::reply::Reply;
use crate::types::zset::{Added, LexRange, ScoreRange, ZSetConfig};
use crate::types::{Value, ZSet};

/// ZADD's options. They come first, in any order and case, repeated at will; the
/// first argument that is not one of them starts the score-member pairs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct ZaddOptions {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

impl ZaddOptions {
    /// Reads the options, then checks the pairs and conflicts in Redis's order:
    /// an odd or empty pair list, NX with XX, GT/LT/NX together, INCR with more than
    /// one pair. `incr` is preset for ZINCRBY (which parses options too).
    fn parse(args: &mut Args<'_>, incr: bool) -> Result<Self, CommandError> {
        let mut options = ZaddOptions {
            incr,
            ..ZaddOptions::default()
        };
        loop {
            let flag = match args.peek() {
                Some(arg) if arg.eq_ignore_ascii_case(b"NX") => &mut options.nx,
                Some(arg) if arg.eq_ignore_ascii_case(b"XX") => &mut options.xx,
                Some(arg) if arg.eq_ignore_ascii_case(b"GT") => &mut options.gt,
                Some(arg) if arg.eq_ignore_ascii_case(b"LT") => &mut options.lt,
                Some(arg) if arg.eq_ignore_ascii_case(b"CH") => &mut options.ch,
                Some(arg) if arg.eq_ignore_ascii_case(b"INCR") => &mut options.incr,
                _ => break,
            };
            *flag = true;
            args.try_next();
        }
        let pairs = args.remaining();
        if pairs == 0 || pairs % 2 == 1 {
            return Err(CommandError::Syntax);
        }
        if options.nx && options.xx {
            return Err(CommandError::XxAndNx);
        }
        if (options.gt || options.lt) && (options.nx || options.gt && options.lt) {
            return Err(CommandError::GtLtNx);
        }
        if options.incr && pairs > 2 {
            return Err(CommandError::IncrSinglePair);
        }
        Ok(options)
    }
}

/// What applying ZADD's pairs did.
#[derive(Debug, Default)]
struct ZaddOutcome {
    added: usize,
    updated: usize,
    /// Pairs not skipped by NX/XX/GT/LT.
    processed: usize,
    /// The last score set (INCR's reply).
    score: f64,
}

/// Applies one score-member pair under `options` (Redis's `zsetAdd` rules).
fn zadd_one(
    zset: &mut ZSet,
    member: &[u8],
    score: f64,
    options: ZaddOptions,
    config: &ZSetConfig,
    outcome: &mut ZaddOutcome,
) -> Result<(), CommandError> {
    let decided = zset.upsert(member, config, |current| {
        let new = match current {
            Some(_) if options.nx => return Ok(None),
            Some(current) => {
                let new = if options.incr {
                    let sum = current + score;
                    if sum.is_nan() {
                        return Err(CommandError::ScoreIsNaN);
                    }
                    sum
                } else {
                    score
                };
                if (options.lt && new >= current) || (options.gt && new <= current) {
                    return Ok(None);
                }
                new
            }
            None if options.xx => return Ok(None),
            None => score,
        };
        outcome.processed += 1;
        outcome.score = new;
        Ok(Some(new))
    })?;
    match decided {
        Some(Added::New) => outcome.added += 1,
        Some(Added::Updated) => outcome.updated += 1,
        Some(Added::Unchanged) | None => {}
    }
    Ok(())
}

/// ZADD and ZINCRBY: parse everything (scores included) before touching the key.
fn zadd_generic(ctx: &mut Ctx<'_>, args: &mut Args<'_>, incr: bool) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let options = ZaddOptions::parse(args, incr)?;
    let rest = args.rest();
    let mut pairs = Vec::with_capacity(rest.len() / 2);
    for pair in rest.chunks(2) {
        let score = crate::num::parse_f64(&pair[0]).ok_or(CommandError::NotAFloat)?;
        pairs.push((score, &pair[1]));
    }
    let config = zset_config(ctx);
    let mut outcome = ZaddOutcome::default();
    let mut apply = |zset: &mut ZSet| -> Result<(), CommandError> {
        for &(score, member) in &pairs {
            zadd_one(zset, member, score, options, &config, &mut outcome)?;
        }
        Ok(())
    };
    match write_zset(ctx, &key)? {
        Some(zset) => apply(zset)?,
        None if options.xx => {}
        None => {
            let mut zset = ZSet::new();
            apply(&mut zset)?;
            if !zset.is_empty() {
                ctx.store(&key, Value::ZSet(Box::new(zset)), None);
            }
        }
    }
    if outcome.added + outcome.updated > 0 {
        ctx.signal_modified_key(&key);
        let event = if options.incr { "zincr" } else { "zadd" };
        ctx.reply_point();
        ctx.notify(notify::ZSET, event, &key);
    }
    Ok(if options.incr {
        if outcome.processed > 0 {
            Reply::Double(outcome.score)
        } else {
            Reply::Nil
        }
    } else if options.ch {
        Reply::Int((outcome.added + outcome.updated) as i64)
    } else {
        Reply::Int(outcome.added as i64)
    })
}

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ...; GEOADD hands its scores
/// on to it as Redis does.
pub(crate) fn zadd(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    zadd_generic(ctx, args, false)
}

pub(super) fn zincrby(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    zadd_generic(ctx, args, true)
}

pub(super) fn zrem(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let members = args.rest();
    let removed = edit_zset(ctx, &key, "zrem", |zset| {
        members
            .iter()
            .filter(|member| zset.remove(member).is_some())
            .count()
    })?
    .unwrap_or(0);
    if removed > 0 {
        ctx.signal_modified_key(&key);
    }
    Ok(Reply::Int(removed as i64))
}

/// What a ZREMRANGEBY* command removes.
enum RemoveRange {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

/// The 0-based ranks `first..first + count` a removal covers in `zset`.
fn removal_span(zset: &ZSet, range: &RemoveRange) -> Option<(usize, usize)> {
    match range {
        RemoveRange::Rank(start, end) => {
            rank_span(*start, *end, zset.len()).map(|(first, last)| (first, last - first + 1))
        }
        RemoveRange::Score(range) => {
            let first = zset.first_in_score_range(range, false)?;
            let count = zset
                .iter_from(first, false)
                .take_while(|&(_, score)| range.lte_max(score))
                .count();
            Some((first, count))
        }
        RemoveRange::Lex(range) => {
            let first = zset.first_in_lex_range(range, false)?;
            let count = zset
                .iter_from(first, false)
                .take_while(|(member, _)| range.lte_max(member))
                .count();
            Some((first, count))
        }
    }
}

/// Redis's index rules for a rank range over `len` members: negative indexes count
/// from the end, the start is clamped at 0 and the end at the last member; `None`
/// when nothing is left.
pub(super) fn rank_span(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { len + start } else { start }.max(0);
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

/// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX: the range is parsed before the
/// key is looked up.
fn remove_range_generic(
    ctx: &mut Ctx<'_>,
    key: Bytes,
    range: RemoveRange,
) -> Result<Reply, CommandError> {
    let event = match range {
        RemoveRange::Rank(..) => "zremrangebyrank",
        RemoveRange::Score(_) => "zremrangebyscore",
        RemoveRange::Lex(_) => "zremrangebylex",
    };
    let removed = edit_zset(ctx, &key, event, |zset| match removal_span(zset, &range) {
        Some((first, count)) => zset.remove_ranks(first, count).len(),
        None => 0,
    })?
    .unwrap_or(0);
    if removed > 0 {
        ctx.signal_modified_key(&key);
    }
    Ok(Reply::Int(removed as i64))
}

pub(super) fn zremrangebyrank(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let (start, end) = (args.i64()?, args.i64()?);
    remove_range_generic(ctx, key, RemoveRange::Rank(start, end))
}

pub(super) fn zremrangebyscore(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let range = parse_score_range(args.required()?, args.required()?)?;
    remove_range_generic(ctx, key, RemoveRange::Score(range))
}

pub(super) fn zremrangebylex(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let range = parse_lex_range(args.required()?, args.required()?)?;
    remove_range_generic(ctx, key, RemoveRange::Lex(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<ZaddOptions, CommandError> {
        let argv: Vec<Bytes> = words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect();
        ZaddOptions::parse(&mut Args::new(&argv, 0), false)
    }

    #[test]
    fn zadd_options_matrix() {
        assert!(parse(&["nx", "ch", "1", "a"]).is_ok_and(|o| o.nx && o.ch));
        assert_eq!(parse(&["nx", "xx", "1", "a"]), Err(CommandError::XxAndNx));
        assert_eq!(parse(&["gt", "lt", "1", "a"]), Err(CommandError::GtLtNx));
        assert_eq!(parse(&["nx", "gt", "1", "a"]), Err(CommandError::GtLtNx));
        assert!(parse(&["xx", "gt", "1", "a"]).is_ok());
        assert_eq!(
            parse(&["incr", "1", "a", "2", "b"]),
            Err(CommandError::IncrSinglePair)
        );
        // Pair count is checked before conflicts.
        assert_eq!(parse(&["nx", "xx", "1"]), Err(CommandError::Syntax));
        assert_eq!(parse(&["nx"]), Err(CommandError::Syntax));
    }

    #[test]
    fn rank_spans_follow_redis_index_rules() {
        assert_eq!(rank_span(0, -1, 5), Some((0, 4)));
        assert_eq!(rank_span(-100, 2, 5), Some((0, 2)));
        assert_eq!(rank_span(3, 100, 5), Some((3, 4)));
        assert_eq!(rank_span(5, 10, 5), None);
        assert_eq!(rank_span(-1, -2, 5), None);
        assert_eq!(rank_span(i64::MIN, i64::MAX, 5), Some((0, 4)));
        assert_eq!(rank_span(0, -1, 0), None);
    }
}
