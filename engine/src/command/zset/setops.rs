//! ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD.
//!
//! As in Redis 7.0.15: every input key is looked up (and type-checked) before the
//! options are read; union and intersection visit the inputs from the smallest to the
//! largest (a stable order, so equal sizes keep their argument order), which decides
//! the order floating-point sums are taken in; a weighted score that comes out NaN
//! (`inf × 0`) counts as 0 for the first input that contributes it, and a SUM that
//! comes out NaN (`inf + -inf`) is 0. ZDIFF keeps the first input's scores.

use std::collections::hash_map::Entry as MapEntry;
use std::collections::HashMap;

use bytes::Bytes;

use super::{scored_reply, store_result, zset_config};
use crate::args::{is_keyword, Args};
use crate::command::{Collection, Ctx};
use crate::error::CommandError;
use crate::reply::Reply;
use crate::types::zset::compare;
use crate::types::zset::ZSetConfig;
use crate::types::{EncodingRules, Set, Value, ZSet};

/// The set operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

/// How the scores of a member found in several inputs combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

impl Aggregate {
    fn apply(self, target: &mut f64, value: f64) {
        match self {
            Aggregate::Sum => {
                *target += value;
                if target.is_nan() {
                    *target = 0.0;
                }
            }
            Aggregate::Min => {
                if value < *target {
                    *target = value;
                }
            }
            Aggregate::Max => {
                if value > *target {
                    *target = value;
                }
            }
        }
    }
}

/// What the command does with the result.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Output {
    /// Reply with the members (ZUNION, ZINTER, ZDIFF).
    Reply,
    /// Store under the key (the STORE forms).
    Store(Bytes),
    /// Count the intersection (ZINTERCARD).
    Cardinality,
}

/// Options after the keys.
#[derive(Debug, Clone, PartialEq)]
struct SetOpOptions {
    weights: Vec<f64>,
    aggregate: Aggregate,
    with_scores: bool,
    /// ZINTERCARD's LIMIT; 0 means none.
    limit: usize,
}

impl SetOpOptions {
    /// WEIGHTS (one per key) and AGGREGATE for union and intersection, WITHSCORES when
    /// replying, LIMIT for ZINTERCARD; each may repeat (the last wins).
    fn parse(
        args: &mut Args<'_>,
        op: SetOp,
        output: &Output,
        numkeys: usize,
    ) -> Result<Self, CommandError> {
        let mut options = SetOpOptions {
            weights: vec![1.0; numkeys],
            aggregate: Aggregate::Sum,
            with_scores: false,
            limit: 0,
        };
        let weighted = op != SetOp::Diff && *output != Output::Cardinality;
        while let Some(arg) = args.try_next() {
            let left = args.remaining();
            if weighted && left >= numkeys && is_keyword(arg, "WEIGHTS") {
                for weight in options.weights.iter_mut() {
                    *weight = crate::num::parse_f64(args.required()?)
                        .ok_or(CommandError::WeightNotFloat)?;
                }
            } else if weighted && left >= 1 && is_keyword(arg, "AGGREGATE") {
                let how = args.required()?;
                options.aggregate = if is_keyword(how, "SUM") {
                    Aggregate::Sum
                } else if is_keyword(how, "MIN") {
                    Aggregate::Min
                } else if is_keyword(how, "MAX") {
                    Aggregate::Max
                } else {
                    return Err(CommandError::Syntax);
                };
            } else if *output == Output::Reply && is_keyword(arg, "WITHSCORES") {
                options.with_scores = true;
            } else if *output == Output::Cardinality && left >= 1 && is_keyword(arg, "LIMIT") {
                let limit = crate::num::parse_i64(args.required()?)
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or(CommandError::NegativeLimit)?;
                options.limit = limit;
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(options)
    }
}

/// Computes the operation over `sources` (None = missing key). Returns the members
/// with their scores (unsorted) or, for ZINTERCARD, only counts them.
fn compute<'a>(
    op: SetOp,
    sources: &[Option<&'a ZSet>],
    options: &SetOpOptions,
    cardinality_only: bool,
) -> (Vec<(&'a [u8], f64)>, usize) {
    let size = |i: usize| sources[i].map_or(0, |zset| zset.len());
    let mut visit: Vec<usize> = (0..sources.len()).collect();
    if op != SetOp::Diff {
        visit.sort_by_key(|&i| size(i));
    }
    let weighted = |i: usize, score: f64| {
        let value = options.weights[i] * score;
        if value.is_nan() {
            0.0
        } else {
            value
        }
    };
    let mut result = Vec::new();
    let mut count = 0;
    match op {
        SetOp::Union => {
            let mut scores: HashMap<&[u8], f64, foldhash::fast::RandomState> = HashMap::default();
            for &i in &visit {
                for (member, score) in sources[i].into_iter().flat_map(|zset| zset.iter()) {
                    let value = weighted(i, score);
                    match scores.entry(member) {
                        MapEntry::Vacant(slot) => {
                            slot.insert(value);
                        }
                        MapEntry::Occupied(mut slot) => {
                            options.aggregate.apply(slot.get_mut(), value);
                        }
                    }
                }
            }
            result = scores.into_iter().collect();
        }
        SetOp::Inter => {
            let Some(smallest) = sources[visit[0]] else {
                return (result, 0);
            };
            'members: for (member, score) in smallest.iter() {
                let mut total = weighted(visit[0], score);
                for &j in &visit[1..] {
                    let Some(other) = sources[j].and_then(|zset| zset.score(member)) else {
                        continue 'members;
                    };
                    options
                        .aggregate
                        .apply(&mut total, other * options.weights[j]);
                }
                count += 1;
                if cardinality_only {
                    if options.limit > 0 && count >= options.limit {
                        break;
                    }
                } else {
                    result.push((member, total));
                }
            }
        }
        SetOp::Diff => {
            let Some(first) = sources[0] else {
                return (result, 0);
            };
            for (member, score) in first.iter() {
                let elsewhere = sources[1..]
                    .iter()
                    .any(|other| other.is_some_and(|zset| zset.score(member).is_some()));
                if !elsewhere {
                    result.push((member, score));
                }
            }
        }
    }
    (result, count)
}

/// The members of `set` with score 1, as a sorted set.
fn scored_set(set: &Set, rules: &EncodingRules) -> ZSet {
    let mut members: Vec<Box<[u8]>> = set
        .members()
        .map(|member| member.to_vec().into_boxed_slice())
        .collect();
    members.sort();
    let config = ZSetConfig::from_rules(rules, rules.seed);
    ZSet::from_sorted(members.into_iter().map(|m| (m, 1.0)).collect(), &config)
}

/// Every set operation: numkeys, the keys (looked up at once), the options, then the
/// computation and its output.
fn setop_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    op: SetOp,
    output: Output,
    command: &'static str,
) -> Result<Reply, CommandError> {
    let numkeys = args.i64()?;
    if numkeys < 1 {
        return Err(CommandError::NoInputKeys(command));
    }
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys > args.remaining() {
        return Err(CommandError::Syntax);
    }
    let keys: Vec<Bytes> = (0..numkeys).map(|_| args.key()).collect::<Result<_, _>>()?;
    // Sorted sets and sets may be mixed; anything else is WRONGTYPE.
    for key in &keys {
        if let Some(entry) = ctx.read(key) {
            if !matches!(entry.value, Value::ZSet(_) | Value::Set(_)) {
                return Err(CommandError::WrongType);
            }
        }
    }
    let options = SetOpOptions::parse(args, op, &output, numkeys)?;
    let now = ctx.now_ms;
    let rules = ctx.rules();
    let db = ctx.keyspace.db(ctx.client.db);
    // A set takes part as a sorted set with every score 1.
    let from_sets: Vec<Option<ZSet>> = keys
        .iter()
        .map(|key| match db.peek(key, now).map(|entry| &entry.value) {
            Some(Value::Set(set)) => Some(scored_set(set, &rules)),
            _ => None,
        })
        .collect();
    let sources: Vec<Option<&ZSet>> = keys
        .iter()
        .zip(&from_sets)
        .map(|(key, converted)| {
            converted
                .as_ref()
                .or_else(|| db.peek(key, now).and_then(|entry| ZSet::of(&entry.value)))
        })
        .collect();
    let cardinality_only = output == Output::Cardinality;
    let (members, count) = compute(op, &sources, &options, cardinality_only);
    if cardinality_only {
        return Ok(Reply::Int(count as i64));
    }
    let mut members = members;
    members.sort_by(|a, b| compare(a.1, a.0, b.1, b.0));
    match output {
        Output::Store(dst) => {
            // Built whole, then kept as a listpack only if it fits (Redis converts its
            // result with zsetConvertToListpackIfNeeded).
            let pairs = members
                .into_iter()
                .map(|(member, score)| (Box::<[u8]>::from(member), score))
                .collect();
            let config = zset_config(ctx);
            let result = ZSet::from_sorted(pairs, &config);
            Ok(store_result(ctx, &dst, result, command))
        }
        _ => {
            let items = members
                .into_iter()
                .map(|(member, score)| (Bytes::copy_from_slice(member), score))
                .collect();
            Ok(scored_reply(ctx, items, options.with_scores))
        }
    }
}

pub(super) fn zunion(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    setop_generic(ctx, args, SetOp::Union, Output::Reply, "zunion")
}

pub(super) fn zinter(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    setop_generic(ctx, args, SetOp::Inter, Output::Reply, "zinter")
}

pub(super) fn zdiff(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    setop_generic(ctx, args, SetOp::Diff, Output::Reply, "zdiff")
}

pub(super) fn zunionstore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let dst = args.key()?;
    setop_generic(ctx, args, SetOp::Union, Output::Store(dst), "zunionstore")
}

pub(super) fn zinterstore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let dst = args.key()?;
    setop_generic(ctx, args, SetOp::Inter, Output::Store(dst), "zinterstore")
}

pub(super) fn zdiffstore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let dst = args.key()?;
    setop_generic(ctx, args, SetOp::Diff, Output::Store(dst), "zdiffstore")
}

pub(super) fn zintercard(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    setop_generic(ctx, args, SetOp::Inter, Output::Cardinality, "zintercard")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_follow_redis_nan_rules() {
        let mut total = f64::INFINITY;
        Aggregate::Sum.apply(&mut total, f64::NEG_INFINITY);
        assert_eq!(total, 0.0);
        let mut low = 1.0;
        Aggregate::Min.apply(&mut low, f64::NAN);
        assert_eq!(low, 1.0);
        let mut high = 1.0;
        Aggregate::Max.apply(&mut high, 2.0);
        assert_eq!(high, 2.0);
    }
}
