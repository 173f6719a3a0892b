//! ZPOPMIN, ZPOPMAX and ZMPOP, and the pop that BZPOPMIN/BZPOPMAX/BZMPOP will share.

use bytes::Bytes;

use super::{edit_zset, pairs_reply, scored_reply};
use crate::args::{is_keyword, Args};
use crate::command::{Ctx, MpopArgs};
use crate::error::CommandError;
use crate::reply::Reply;

/// Which end of a sorted set a pop takes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopEnd {
    /// Lowest scores first (ZPOPMIN).
    Min,
    /// Highest scores first (ZPOPMAX).
    Max,
}

impl PopEnd {
    /// The command that pops at this end, as Redis propagates it.
    pub fn pop_command(self) -> bytes::Bytes {
        let name: &'static [u8] = match self {
            PopEnd::Min => b"ZPOPMIN",
            PopEnd::Max => b"ZPOPMAX",
        };
        bytes::Bytes::from_static(name)
    }
}

/// Pops up to `count` members from `end` of the sorted set under `key`, in pop order
/// (ascending from the low end, descending from the high end). `None` when the key is
/// missing, `WRONGTYPE` for another type. Deletes the key once empty and signals the
/// change. Shared by ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms.
pub fn pop_members(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    end: PopEnd,
    count: usize,
) -> Result<Option<Vec<(Bytes, f64)>>, CommandError> {
    let event = match end {
        PopEnd::Min => "zpopmin",
        PopEnd::Max => "zpopmax",
    };
    let popped = edit_zset(ctx, key, event, |zset| {
        let count = count.min(zset.len());
        let first = match end {
            PopEnd::Min => 0,
            PopEnd::Max => zset.len() - count,
        };
        let mut removed: Vec<(Bytes, f64)> = zset
            .remove_ranks(first, count)
            .into_iter()
            .map(|(member, score)| (Bytes::from(member), score))
            .collect();
        if end == PopEnd::Max {
            removed.reverse();
        }
        removed
    })?;
    if popped.as_ref().is_some_and(|items| !items.is_empty()) {
        ctx.signal_modified_key(key);
    }
    Ok(popped)
}

/// ZPOPMIN / ZPOPMAX key [count]. More arguments are a syntax error; the count must be a non-negative integer (checked
/// before the key); 0 answers an empty array once the key's type is checked. Without a
/// count the reply is one flat `[member, score]`; with one, the usual scored reply.
fn pop_command(ctx: &mut Ctx<'_>, args: &mut Args<'_>, end: PopEnd) -> Result<Reply, CommandError> {
    let key = args.key()?;
    if args.remaining() > 1 {
        return Err(CommandError::Syntax);
    }
    let count = match args.try_next() {
        None => None,
        Some(arg) => Some(
            crate::num::parse_i64(arg)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or(CommandError::NotPositive)?,
        ),
    };
    let popped = pop_members(ctx, &key, end, count.unwrap_or(1))?.unwrap_or_default();
    Ok(match count {
        None => {
            let flat = popped
                .into_iter()
                .flat_map(|(member, score)| [Reply::Bulk(member), Reply::Double(score)])
                .collect();
            Reply::Array(flat)
        }
        Some(_) => scored_reply(ctx, popped, true),
    })
}

pub(super) fn zpopmin(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    pop_command(ctx, args, PopEnd::Min)
}

pub(super) fn zpopmax(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    pop_command(ctx, args, PopEnd::Max)
}

impl PopEnd {
    /// `MIN` or `MAX` in any case; `ERR syntax error` otherwise.
    pub fn parse(arg: &[u8]) -> Result<PopEnd, CommandError> {
        if is_keyword(arg, "MIN") {
            Ok(PopEnd::Min)
        } else if is_keyword(arg, "MAX") {
            Ok(PopEnd::Max)
        } else {
            Err(CommandError::Syntax)
        }
    }
}

/// `[key, [[member, score], ...]]`: the reply of ZMPOP and BZMPOP.
pub fn zmpop_reply(key: Bytes, popped: Vec<(Bytes, f64)>) -> Reply {
    Reply::Array(vec![Reply::Bulk(key), pairs_reply(popped)])
}

/// Pops from the first key holding a sorted set; a key of another type before it is
/// WRONGTYPE. `None` when every key is missing.
pub fn zmpop_first(
    ctx: &mut Ctx<'_>,
    zmpop: &MpopArgs<'_, PopEnd>,
) -> Result<Option<Reply>, CommandError> {
    for key in zmpop.keys {
        if let Some(popped) = pop_members(ctx, key, zmpop.end, zmpop.count)? {
            // Propagated as ZPOPMIN/ZPOPMAX with the number popped.
            if ctx.propagating() {
                let count = crate::replication::number(popped.len());
                ctx.propagate_as(vec![zmpop.end.pop_command(), key.clone(), count]);
            }
            return Ok(Some(zmpop_reply(key.clone(), popped)));
        }
    }
    Ok(None)
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: a null array when every key is
/// missing.
pub(super) fn zmpop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let zmpop = MpopArgs::parse(args, PopEnd::parse)?;
    Ok(zmpop_first(ctx, &zmpop)?.unwrap_or(Reply::NilArray))
}
