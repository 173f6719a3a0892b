//! Blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP;
//! and serving XREAD (in `stream`) and XREADGROUP (in `stream_groups`) once they
//! blocked.
//!
//! Each first tries what its non-blocking twin does; with nothing to pop it blocks the
//! client on its keys ([`Ctx::block`]). Dispatch serves blocked clients after every
//! command that readied one of their keys ([`serve`]). Timeouts are seconds as
//! floats (`0` waits forever); a timeout answers a null array, as in Redis 7.0, and
//! inside MULTI the commands never block.

use bytes::Bytes;

use super::flags::*;
use super::list::{move_element, pop_from_key, push, End};
use super::zset::{pop_members, zmpop_first, zmpop_reply, PopEnd};
use super::MpopArgs;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::Args;
use crate::blocking::{BlockedOp, Restore};
use crate::error::CommandError;
use crate::num::parse_f64;
use crate::reply::Reply;
use crate::types::stream::StreamId;
use crate::types::{List, StrEncoding, StrValue, ZSet};

/// A blocking timeout in float seconds (Redis's `getTimeoutFromObjectOrReply`): the
/// deadline in Unix ms, `None` for 0 (forever).
pub fn parse_timeout(arg: &[u8], now_ms: u64) -> Result<Option<u64>, CommandError> {
    if crate::long_double::LongDouble::parse(arg).is_none() {
        return Err(CommandError::err("timeout is not a float or out of range"));
    }
    // Redis converts `ceil(seconds * 1000)` to a 64-bit integer; a value past its range
    // (infinity included) becomes the most negative integer, hence "negative".
    let millis = parse_f64(arg)
        .map(|value| (value * 1000.0).ceil())
        .filter(|ms| {
            ms.is_finite() && *ms < 9.223_372_036_854_775e18 && *ms >= -9.223_372_036_854_775e18
        })
        .map_or(i64::MIN, |ms| ms as i64);
    if millis < 0 {
        return Err(CommandError::err("timeout is negative"));
    }
    Ok((millis > 0).then(|| now_ms.saturating_add(millis as u64)))
}

fn bpop_generic(ctx: &mut Ctx<'_>, args: &mut Args<'_>, end: End) -> Result<Reply, CommandError> {
    let rest = args.rest();
    let (timeout, keys) = rest.split_last().ok_or(CommandError::Syntax)?;
    let deadline = parse_timeout(timeout, ctx.now_ms)?;
    for key in keys {
        if let Some(mut popped) = pop_from_key(ctx, key, end, 1)? {
            if ctx.propagating() {
                ctx.propagate_as(vec![end.pop_command(), key.clone()]);
            }
            let value = popped.pop().unwrap_or(Reply::Nil);
            return Ok(Reply::Array(vec![Reply::Bulk(key.clone()), value]));
        }
    }
    ctx.block(
        keys,
        deadline,
        BlockedOp::Pop { end, count: None },
        Reply::NilArray,
    )
}

fn blpop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    bpop_generic(ctx, args, End::Left)
}

fn brpop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    bpop_generic(ctx, args, End::Right)
}

fn blmove_generic(
    ctx: &mut Ctx<'_>,
    source: Bytes,
    destination: Bytes,
    from: End,
    to: End,
    deadline: Option<u64>,
    (rpoplpush, client_argv): (bool, &[Bytes]),
) -> Result<Reply, CommandError> {
    if let Some(reply) = move_element(ctx, &source, &destination, from, to)? {
        // Propagated as RPOPLPUSH or LMOVE, the ends as the client spelled them.
        if ctx.propagating() {
            let name: &'static [u8] = if rpoplpush { b"RPOPLPUSH" } else { b"LMOVE" };
            let mut argv = vec![Bytes::from_static(name)];
            argv.extend_from_slice(&client_argv[1..client_argv.len() - 1]);
            ctx.propagate_as(argv);
        }
        return Ok(reply);
    }
    let op = BlockedOp::Move {
        destination,
        from,
        to,
    };
    ctx.block(&[source], deadline, op, Reply::Nil)
}

fn blmove(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let source = args.key()?;
    let destination = args.key()?;
    let from = End::parse(args.required()?)?;
    let to = End::parse(args.required()?)?;
    let deadline = parse_timeout(args.required()?, ctx.now_ms)?;
    let client_argv = args.argv();
    blmove_generic(
        ctx,
        source,
        destination,
        from,
        to,
        deadline,
        (false, client_argv),
    )
}

fn brpoplpush(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let source = args.key()?;
    let destination = args.key()?;
    let deadline = parse_timeout(args.required()?, ctx.now_ms)?;
    let client_argv = args.argv();
    blmove_generic(
        ctx,
        source,
        destination,
        End::Right,
        End::Left,
        deadline,
        (true, client_argv),
    )
}

/// How a blocking move propagates: BRPOPLPUSH as RPOPLPUSH, BLMOVE as LMOVE (its ends
/// in lower case, as Redis spells them).
fn move_command(
    source: Bytes,
    destination: Bytes,
    from: End,
    to: End,
    rpoplpush: bool,
) -> Vec<Bytes> {
    if rpoplpush {
        vec![Bytes::from_static(b"RPOPLPUSH"), source, destination]
    } else {
        vec![
            Bytes::from_static(b"LMOVE"),
            source,
            destination,
            from.word(),
            to.word(),
        ]
    }
}

fn blmpop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let deadline = parse_timeout(args.required()?, ctx.now_ms)?;
    let mpop = MpopArgs::parse(args, End::parse)?;
    if let Some(reply) = super::list::mpop_first(ctx, &mpop)? {
        return Ok(reply);
    }
    let op = BlockedOp::Pop {
        end: mpop.end,
        count: Some(mpop.count),
    };
    ctx.block(mpop.keys, deadline, op, Reply::NilArray)
}

fn bzpop_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    end: PopEnd,
) -> Result<Reply, CommandError> {
    let rest = args.rest();
    let (timeout, keys) = rest.split_last().ok_or(CommandError::Syntax)?;
    let deadline = parse_timeout(timeout, ctx.now_ms)?;
    for key in keys {
        if let Some(popped) = pop_members(ctx, key, end, 1)? {
            if ctx.propagating() {
                ctx.propagate_as(vec![end.pop_command(), key.clone()]);
            }
            return Ok(zpop_one_reply(key, popped));
        }
    }
    ctx.block(
        keys,
        deadline,
        BlockedOp::ZPop { end, count: None },
        Reply::NilArray,
    )
}

/// `[key, member, score]`: BZPOPMIN's and BZPOPMAX's reply.
fn zpop_one_reply(key: &Bytes, popped: Vec<(Bytes, f64)>) -> Reply {
    let mut reply = vec![Reply::Bulk(key.clone())];
    if let Some((member, score)) = popped.into_iter().next() {
        reply.push(Reply::Bulk(member));
        reply.push(Reply::Double(score));
    }
    Reply::Array(reply)
}

fn bzpopmin(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    bzpop_generic(ctx, args, PopEnd::Min)
}

fn bzpopmax(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    bzpop_generic(ctx, args, PopEnd::Max)
}

fn bzmpop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let deadline = parse_timeout(args.required()?, ctx.now_ms)?;
    let zmpop = MpopArgs::parse(args, PopEnd::parse)?;
    if let Some(reply) = zmpop_first(ctx, &zmpop)? {
        return Ok(reply);
    }
    let op = BlockedOp::ZPop {
        end: zmpop.end,
        count: Some(zmpop.count),
    };
    ctx.block(zmpop.keys, deadline, op, Reply::NilArray)
}

/// The bytes of the elements in popped replies.
fn popped_bytes(popped: &[Reply]) -> Vec<Bytes> {
    popped
        .iter()
        .filter_map(|reply| reply.bulk_bytes().map(Bytes::copy_from_slice))
        .collect()
}

/// Serves a blocked client's `op` from the ready `key`: its reply, and how to undo a
/// pop if the client never receives it.
///
/// Each serve propagates what it did, as the non-blocking command: LPOP/RPOP (with the
/// number popped for BLMPOP), LMOVE or RPOPLPUSH (`rpoplpush`: the client sent
/// BRPOPLPUSH), ZPOPMIN/ZPOPMAX.
pub(crate) fn serve(
    ctx: &mut Ctx<'_>,
    key: &Bytes,
    op: &BlockedOp,
    rpoplpush: bool,
) -> Result<(Reply, Option<Restore>), CommandError> {
    match op {
        BlockedOp::Pop { end, count } => {
            let popped = pop_from_key(ctx, key, *end, count.unwrap_or(1))?.unwrap_or_default();
            if ctx.propagating() {
                let mut argv = vec![end.pop_command(), key.clone()];
                if count.is_some() {
                    argv.push(crate::replication::number(popped.len()));
                }
                ctx.also_propagate(argv);
            }
            let restore = Restore::List {
                db: ctx.client.db,
                key: key.clone(),
                end: *end,
                elements: popped_bytes(&popped),
            };
            let mut popped = popped;
            let reply = match count {
                Some(_) => Reply::Array(vec![Reply::Bulk(key.clone()), Reply::Array(popped)]),
                None => Reply::Array(vec![
                    Reply::Bulk(key.clone()),
                    popped.pop().unwrap_or(Reply::Nil),
                ]),
            };
            Ok((reply, Some(restore)))
        }
        BlockedOp::Move {
            destination,
            from,
            to,
        } => {
            let moved = move_element(ctx, key, destination, *from, *to)?;
            if moved.is_some() && ctx.propagating() {
                let argv = move_command(key.clone(), destination.clone(), *from, *to, rpoplpush);
                ctx.also_propagate(argv);
            }
            let reply = moved.unwrap_or(Reply::Nil);
            // The element sits in the destination list: nothing to give back.
            Ok((reply, None))
        }
        BlockedOp::ZPop { end, count } => {
            let popped = pop_members(ctx, key, *end, count.unwrap_or(1))?.unwrap_or_default();
            if ctx.propagating() {
                let mut argv = vec![end.pop_command(), key.clone()];
                if count.is_some() {
                    argv.push(crate::replication::number(popped.len()));
                }
                ctx.also_propagate(argv);
            }
            let restore = Restore::ZSet {
                db: ctx.client.db,
                key: key.clone(),
                members: popped.clone(),
            };
            let reply = match count {
                Some(_) => zmpop_reply(key.clone(), popped),
                None => zpop_one_reply(key, popped),
            };
            Ok((reply, Some(restore)))
        }
        BlockedOp::XReadGroup {
            group,
            consumer,
            noack,
            count,
        } => {
            // Reading takes nothing away: nothing to give back.
            let reply =
                super::stream_groups::serve_blocked(ctx, key, (group, consumer), *noack, *count)?;
            Ok((reply, None))
        }
        BlockedOp::XRead { streams, count } => {
            let after = crate::blocking::waited_after(streams, key).unwrap_or(StreamId::MAX);
            // Reading takes nothing away: nothing to give back.
            Ok((super::stream::serve_xread(ctx, key, after, *count), None))
        }
    }
}

/// Puts back what was popped for a client that disconnected before getting it: the
/// elements return to the end they came from, in their original order. Redis never
/// pops for a client that is gone, so this undo publishes no keyspace event.
pub(crate) fn restore(ctx: &mut Ctx<'_>, restore: Restore) {
    match restore {
        Restore::List {
            db,
            key,
            end,
            elements,
        } => {
            ctx.client.db = db;
            let Ok(list) = ctx.write_or_create_as::<List>(&key, false) else {
                return;
            };
            for element in elements.iter().rev() {
                push(list, end, StrValue::copied(element, StrEncoding::Raw));
            }
            ctx.signal_modified_key(&key);
        }
        Restore::ZSet { db, key, members } => {
            ctx.client.db = db;
            let config = crate::types::zset::ZSetConfig::from_rules(&ctx.rules(), ctx.rules().seed);
            let Ok(zset) = ctx.write_or_create_as::<ZSet>(&key, false) else {
                return;
            };
            for (member, score) in members {
                zset.add(&member, score, &config);
            }
            ctx.signal_modified_key(&key);
        }
    }
}

/// The blocking list commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "blpop",
        -3,
        WRITE | NOSCRIPT | BLOCKING,
        (1, -2, 1),
        acl::LIST,
        blpop
    ),
    spec!(
        "brpop",
        -3,
        WRITE | NOSCRIPT | BLOCKING,
        (1, -2, 1),
        acl::LIST,
        brpop
    ),
    spec!(
        "blmove",
        6,
        WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        (1, 2, 1),
        acl::LIST,
        blmove
    ),
    spec!(
        "brpoplpush",
        4,
        WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        (1, 2, 1),
        acl::LIST,
        brpoplpush
    ),
    spec!(
        "blmpop",
        -5,
        WRITE | BLOCKING | MOVABLE_KEYS,
        (0, 0, 0),
        acl::LIST,
        blmpop
    ),
    spec!(
        "bzpopmin",
        -3,
        WRITE | NOSCRIPT | FAST | BLOCKING,
        (1, -2, 1),
        acl::SORTEDSET,
        bzpopmin
    ),
    spec!(
        "bzpopmax",
        -3,
        WRITE | NOSCRIPT | FAST | BLOCKING,
        (1, -2, 1),
        acl::SORTEDSET,
        bzpopmax
    ),
    spec!(
        "bzmpop",
        -5,
        WRITE | BLOCKING | MOVABLE_KEYS,
        (0, 0, 0),
        acl::SORTEDSET,
        bzmpop
    ),
];
