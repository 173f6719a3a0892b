//! The ZRANGE family: ZRANGE (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), ZRANGESTORE,
//! and the older ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX and
//! ZREVRANGEBYLEX, all one parser and one walk.

use bytes::Bytes;

use super::write::rank_span;
use super::{
    owned, parse_lex_range, parse_score_range, read_zset, scored_reply, store_result, zset_config,
};
use crate::args::{is_keyword, Args};
use crate::command::Ctx;
use crate::error::CommandError;
use crate::reply::Reply;
use crate::types::zset::{LexRange, ScoreRange};
use crate::types::ZSet;

/// How the two range arguments are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rank,
    Score,
    Lex,
}

/// A parsed range request.
#[derive(Debug, Clone, PartialEq)]
struct RangeRequest {
    kind: Kind,
    reverse: bool,
    with_scores: bool,
    offset: i64,
    /// Negative: no limit.
    limit: i64,
}

/// The range itself, parsed by kind.
enum Bounds {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

impl RangeRequest {
    /// Reads the options after `key min max`. `kind` and `reverse` are fixed by the
    /// older commands; ZRANGE and ZRANGESTORE may set each once (a repeat is a syntax
    /// error). LIMIT needs both its numbers; a store takes no WITHSCORES. Then: LIMIT
    /// (unless its count is -1) needs BYSCORE or BYLEX, WITHSCORES refuses BYLEX.
    fn parse(
        args: &mut Args<'_>,
        kind: Option<Kind>,
        reverse: Option<bool>,
        store: bool,
    ) -> Result<Self, CommandError> {
        let (mut kind_set, mut reverse_set) = (kind, reverse);
        let mut request = RangeRequest {
            kind: Kind::Rank,
            reverse: false,
            with_scores: false,
            offset: 0,
            limit: -1,
        };
        while let Some(arg) = args.try_next() {
            if !store && is_keyword(arg, "WITHSCORES") {
                request.with_scores = true;
            } else if is_keyword(arg, "LIMIT") && args.remaining() >= 2 {
                request.offset = args.i64()?;
                request.limit = args.i64()?;
            } else if reverse_set.is_none() && is_keyword(arg, "REV") {
                reverse_set = Some(true);
            } else if kind_set.is_none() && is_keyword(arg, "BYLEX") {
                kind_set = Some(Kind::Lex);
            } else if kind_set.is_none() && is_keyword(arg, "BYSCORE") {
                kind_set = Some(Kind::Score);
            } else {
                return Err(CommandError::Syntax);
            }
        }
        request.kind = kind_set.unwrap_or(Kind::Rank);
        request.reverse = reverse_set.unwrap_or(false);
        if request.limit != -1 && request.kind == Kind::Rank {
            return Err(CommandError::LimitWithoutBy);
        }
        if request.with_scores && request.kind == Kind::Lex {
            return Err(CommandError::WithscoresByLex);
        }
        Ok(request)
    }

    /// Reads the range arguments; by score or lex in reverse they come as `max min`.
    fn bounds(&self, first: &Bytes, second: &Bytes) -> Result<Bounds, CommandError> {
        let (min, max) = if self.reverse && self.kind != Kind::Rank {
            (second, first)
        } else {
            (first, second)
        };
        Ok(match self.kind {
            Kind::Rank => Bounds::Rank(crate::args::parse_i64(min)?, crate::args::parse_i64(max)?),
            Kind::Score => Bounds::Score(parse_score_range(min, max)?),
            Kind::Lex => Bounds::Lex(parse_lex_range(min, max)?),
        })
    }

    /// The members (with scores) the request selects, in reply order.
    fn select(&self, zset: &ZSet, bounds: &Bounds) -> Vec<(Bytes, f64)> {
        let reverse = self.reverse;
        match bounds {
            Bounds::Rank(start, end) => {
                let Some((first, last)) = rank_span(*start, *end, zset.len()) else {
                    return Vec::new();
                };
                let from = if reverse {
                    zset.len() - 1 - first
                } else {
                    first
                };
                zset.iter_from(from, reverse)
                    .take(last - first + 1)
                    .map(owned)
                    .collect()
            }
            Bounds::Score(range) => {
                let Some(first) = zset.first_in_score_range(range, reverse) else {
                    return Vec::new();
                };
                let inside = |score: f64| {
                    if reverse {
                        range.gte_min(score)
                    } else {
                        range.lte_max(score)
                    }
                };
                self.walk(zset, first, |_, score| inside(score))
            }
            Bounds::Lex(range) => {
                let Some(first) = zset.first_in_lex_range(range, reverse) else {
                    return Vec::new();
                };
                let inside = |member: &[u8]| {
                    if reverse {
                        range.gte_min(member)
                    } else {
                        range.lte_max(member)
                    }
                };
                self.walk(zset, first, |member, _| inside(member))
            }
        }
    }

    /// From rank `first`, skips OFFSET members (a negative offset skips them all),
    /// then takes members while `inside` holds, at most LIMIT of them.
    fn walk(
        &self,
        zset: &ZSet,
        first: usize,
        inside: impl Fn(&[u8], f64) -> bool,
    ) -> Vec<(Bytes, f64)> {
        let skip = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let take = usize::try_from(self.limit).unwrap_or(usize::MAX);
        zset.iter_from(first, self.reverse)
            .skip(skip)
            .take_while(|&(member, score)| inside(member, score))
            .take(take)
            .map(owned)
            .collect()
    }
}

/// Every range command: parse the options, then the range, then look the key up.
fn range_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    dst: Option<Bytes>,
    kind: Option<Kind>,
    reverse: Option<bool>,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let (first, second) = (args.key()?, args.key()?);
    let request = RangeRequest::parse(args, kind, reverse, dst.is_some())?;
    let bounds = request.bounds(&first, &second)?;
    let selected = read_zset(ctx, &key)?
        .map(|zset| request.select(zset, &bounds))
        .unwrap_or_default();
    let Some(dst) = dst else {
        return Ok(scored_reply(ctx, selected, request.with_scores));
    };
    // Redis sizes the destination by the rank range's length when it knows it (a
    // score or lex range starts as a listpack), then adds the members in reply order:
    // those that pass through a listpack have `-0` turned into `0` on the way.
    let config = zset_config(ctx);
    let expected = match bounds {
        Bounds::Rank(..) => selected.len(),
        Bounds::Score(_) | Bounds::Lex(_) => 0,
    };
    let mut result = ZSet::for_size(expected, &config);
    for (member, score) in &selected {
        result.add(member, *score, &config);
    }
    Ok(store_result(ctx, &dst, result, "zrangestore"))
}

pub(super) fn zrange(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    range_generic(ctx, args, None, None, None)
}

pub(super) fn zrangestore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let dst = args.key()?;
    range_generic(ctx, args, Some(dst), None, None)
}

pub(super) fn zrevrange(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    range_generic(ctx, args, None, Some(Kind::Rank), Some(true))
}

pub(super) fn zrangebyscore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    range_generic(ctx, args, None, Some(Kind::Score), Some(false))
}

pub(super) fn zrevrangebyscore(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    range_generic(ctx, args, None, Some(Kind::Score), Some(true))
}

pub(super) fn zrangebylex(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    range_generic(ctx, args, None, Some(Kind::Lex), Some(false))
}

pub(super) fn zrevrangebylex(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    range_generic(ctx, args, None, Some(Kind::Lex), Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str], store: bool) -> Result<RangeRequest, CommandError> {
        let argv: Vec<Bytes> = words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect();
        RangeRequest::parse(&mut Args::new(&argv, 0), None, None, store)
    }

    #[test]
    fn zrange_options_matrix() {
        let request = parse(&["byscore", "rev", "limit", "1", "2", "withscores"], false);
        assert_eq!(
            request,
            Ok(RangeRequest {
                kind: Kind::Score,
                reverse: true,
                with_scores: true,
                offset: 1,
                limit: 2,
            })
        );
        assert_eq!(parse(&["rev", "rev"], false), Err(CommandError::Syntax));
        assert_eq!(
            parse(&["bylex", "byscore"], false),
            Err(CommandError::Syntax)
        );
        assert_eq!(parse(&["limit", "0"], false), Err(CommandError::Syntax));
        assert_eq!(parse(&["withscores"], true), Err(CommandError::Syntax));
        assert_eq!(
            parse(&["limit", "0", "1"], false),
            Err(CommandError::LimitWithoutBy)
        );
        // A count of -1 is "no limit", so it is allowed by rank.
        assert!(parse(&["limit", "5", "-1"], false).is_ok());
        assert_eq!(
            parse(&["bylex", "withscores"], false),
            Err(CommandError::WithscoresByLex)
        );
        assert_eq!(
            parse(&["limit", "x", "1"], false),
            Err(CommandError::NotAnInteger)
        );
    }
}
