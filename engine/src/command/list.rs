//! The list family: pushes and pops at either end, ranges, positions and moves.
//!
//! Rules that are easy to get wrong, all as in Redis 7.0: numeric arguments are parsed
//! before the key is looked up, except LINDEX and LSET which look the key up first;
//! a list left empty is deleted; LPOP/RPOP with a count answer a null array for a
//! missing key and an empty array for a count of 0; RPOP with a count answers the
//! elements from the tail inward; LTRIM answers OK for a missing key.

use super::flags::*;
use super::{acl, spec, string_reply, CommandSpec, Ctx, MpopArgs};
use crate::args::{is_keyword, Args};
use crate::error::CommandError;
use crate::notify;
use crate::reply::Reply;
use crate::types::{List, StrEncoding, StrValue};

/// One end of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The head (LPUSH, LPOP, `LEFT`).
    Left,
    /// The tail (RPUSH, RPOP, `RIGHT`).
    Right,
}

impl End {
    /// The event of a push at this end.
    pub fn push_event(self) -> &'static str {
        match self {
            End::Left => "lpush",
            End::Right => "rpush",
        }
    }

    /// The command that pops at this end, as Redis propagates it.
    pub fn pop_command(self) -> bytes::Bytes {
        let name: &'static [u8] = match self {
            End::Left => b"LPOP",
            End::Right => b"RPOP",
        };
        bytes::Bytes::from_static(name)
    }

    /// The end as LMOVE's argument, as Redis propagates it.
    pub fn word(self) -> bytes::Bytes {
        let word: &'static [u8] = match self {
            End::Left => b"left",
            End::Right => b"right",
        };
        bytes::Bytes::from_static(word)
    }

    /// The event of a pop at this end.
    pub fn pop_event(self) -> &'static str {
        match self {
            End::Left => "lpop",
            End::Right => "rpop",
        }
    }

    /// `LEFT` or `RIGHT` in any case; `ERR syntax error` otherwise.
    pub fn parse(arg: &[u8]) -> Result<End, CommandError> {
        if is_keyword(arg, "LEFT") {
            Ok(End::Left)
        } else if is_keyword(arg, "RIGHT") {
            Ok(End::Right)
        } else {
            Err(CommandError::Syntax)
        }
    }
}

/// A list element as stored.
fn element(bytes: &[u8]) -> StrValue {
    StrValue::copied(bytes, StrEncoding::Raw)
}

/// Adds `value` at `end` of `list`.
pub fn push(list: &mut List, end: End, value: StrValue) {
    match end {
        End::Left => list.push_front(value),
        End::Right => list.push_back(value),
    }
}

/// Takes up to `count` elements from `end` of `list`, in pop order.
pub fn pop_many(list: &mut List, end: End, count: usize) -> Vec<Reply> {
    let count = count.min(list.len());
    let mut popped = Vec::with_capacity(count);
    for _ in 0..count {
        let value = match end {
            End::Left => list.pop_front(),
            End::Right => list.pop_back(),
        };
        if let Some(value) = value {
            popped.push(string_reply(&value));
        }
    }
    popped
}

/// Redis's list range rule: negative indexes count from the tail, the start is
/// clamped to 0 and the end to the last element; `None` when the range is empty.
pub fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { len + start } else { start }.max(0);
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

/// The element at `index` (negative counts from the tail).
fn index_of(len: usize, index: i64) -> Option<usize> {
    let len = len as i64;
    let index = if index < 0 { len + index } else { index };
    (0..len).contains(&index).then_some(index as usize)
}

fn push_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    end: End,
    only_existing: bool,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let list = if only_existing {
        match ctx.write_as::<List>(&key)? {
            Some(list) => list,
            None => return Ok(Reply::Int(0)),
        }
    } else {
        ctx.write_or_create::<List>(&key)?
    };
    for value in args.rest() {
        push(list, end, element(value));
    }
    let len = list.len();
    ctx.signal_modified_key(&key);
    ctx.reply_point();
    ctx.notify(notify::LIST, end.push_event(), &key);
    Ok(Reply::Int(len as i64))
}

fn lpush(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    push_generic(ctx, args, End::Left, false)
}

fn rpush(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    push_generic(ctx, args, End::Right, false)
}

fn lpushx(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    push_generic(ctx, args, End::Left, true)
}

fn rpushx(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    push_generic(ctx, args, End::Right, true)
}

/// Pops up to `count` elements from `end` of the list under `key`, deleting the key
/// when it empties. `None` when the key is missing.
pub fn pop_from_key(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    end: End,
    count: usize,
) -> Result<Option<Vec<Reply>>, CommandError> {
    let Some(list) = ctx.write_as::<List>(key)? else {
        return Ok(None);
    };
    let popped = pop_many(list, end, count);
    ctx.reply_point();
    popped_from(ctx, key, end);
    Ok(Some(popped))
}

/// After elements were popped from `end` of the list under `key`: the pop event, the
/// key deleted (a `del` event) if the list emptied, and the change signalled (Redis's
/// `listElementsRemoved`).
fn popped_from(ctx: &mut Ctx<'_>, key: &[u8], end: End) {
    ctx.notify(notify::LIST, end.pop_event(), key);
    ctx.delete_if_empty::<List>(key);
    ctx.signal_modified_key(key);
}

fn pop_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    end: End,
    name: &'static str,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    if args.remaining() > 1 {
        return Err(CommandError::WrongArity(name.into()));
    }
    let count = match args.is_empty() {
        true => None,
        false => Some(args.non_negative("value is out of range, must be positive")?),
    };
    let Some(list) = ctx.write_as::<List>(&key)? else {
        return Ok(if count.is_some() {
            Reply::NilArray
        } else {
            Reply::Nil
        });
    };
    if count == Some(0) {
        return Ok(Reply::Array(Vec::new()));
    }
    let mut popped = pop_many(list, end, count.map_or(1, |n| n as usize));
    ctx.reply_point();
    popped_from(ctx, &key, end);
    Ok(match count {
        Some(_) => Reply::Array(popped),
        None => popped.pop().unwrap_or(Reply::Nil),
    })
}

fn lpop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    pop_generic(ctx, args, End::Left, "lpop")
}

fn rpop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    pop_generic(ctx, args, End::Right, "rpop")
}

fn llen(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let len = ctx.read_as::<List>(&key)?.map_or(0, |list| list.len());
    Ok(Reply::Int(len as i64))
}

fn lrange(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let start = args.i64()?;
    let end = args.i64()?;
    let Some(list) = ctx.read_as::<List>(&key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    let items = match clamp_range(start, end, list.len()) {
        Some((start, end)) => list.range(start..=end).map(string_reply).collect(),
        None => Vec::new(),
    };
    Ok(Reply::Array(items))
}

fn lindex(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let Some(list) = ctx.read_as::<List>(&key)? else {
        return Ok(Reply::Nil);
    };
    let index = args.i64()?;
    Ok(index_of(list.len(), index).map_or(Reply::Nil, |at| string_reply(&list[at])))
}

fn lset(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let Some(list) = ctx.write_as::<List>(&key)? else {
        return Err(CommandError::NoSuchKey);
    };
    let index = args.i64()?;
    let value = args.required()?;
    let at = index_of(list.len(), index).ok_or(CommandError::IndexOutOfRange)?;
    list[at] = element(value);
    ctx.signal_modified_key(&key);
    ctx.reply_point();
    ctx.notify(notify::LIST, "lset", &key);
    Ok(Reply::Ok)
}

fn linsert(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let after = match args.required()? {
        arg if is_keyword(arg, "AFTER") => true,
        arg if is_keyword(arg, "BEFORE") => false,
        _ => return Err(CommandError::Syntax),
    };
    let pivot = args.required()?;
    let value = args.required()?;
    let Some(list) = ctx.write_as::<List>(&key)? else {
        return Ok(Reply::Int(0));
    };
    let Some(at) = list
        .iter()
        .position(|item| item.as_bytes() == pivot.as_ref())
    else {
        return Ok(Reply::Int(-1));
    };
    list.insert(if after { at + 1 } else { at }, element(value));
    let len = list.len();
    ctx.signal_modified_key(&key);
    ctx.notify(notify::LIST, "linsert", &key);
    Ok(Reply::Int(len as i64))
}

fn lrem(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let count = args.i64()?;
    let value = args.required()?;
    let Some(list) = ctx.write_as::<List>(&key)? else {
        return Ok(Reply::Int(0));
    };
    let limit = if count == 0 {
        usize::MAX
    } else {
        usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX)
    };
    let len = list.len();
    let order: Box<dyn Iterator<Item = usize>> = if count < 0 {
        Box::new((0..len).rev())
    } else {
        Box::new(0..len)
    };
    let mut doomed = vec![false; len];
    let mut removed = 0;
    for at in order {
        if removed == limit {
            break;
        }
        if list[at].as_bytes() == value.as_ref() {
            doomed[at] = true;
            removed += 1;
        }
    }
    if removed > 0 {
        let mut doomed = doomed.into_iter();
        list.retain(|_| !doomed.next().unwrap_or(false));
        ctx.notify(notify::LIST, "lrem", &key);
        ctx.delete_if_empty::<List>(&key);
        ctx.signal_modified_key(&key);
    }
    Ok(Reply::Int(removed as i64))
}

fn ltrim(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let start = args.i64()?;
    let end = args.i64()?;
    let Some(list) = ctx.write_as::<List>(&key)? else {
        return Ok(Reply::Ok);
    };
    let before = list.len();
    match clamp_range(start, end, list.len()) {
        Some((start, end)) => {
            list.truncate(end + 1);
            list.drain(..start);
        }
        None => list.clear(),
    }
    let removed = before - list.len();
    ctx.notify(notify::LIST, "ltrim", &key);
    ctx.delete_if_empty::<List>(&key);
    // A trim that removed nothing still signals the key but changes nothing, so it
    // does not propagate.
    if removed == 0 {
        ctx.signal_key_unchanged(&key);
    } else {
        ctx.signal_modified_key(&key);
    }
    Ok(Reply::Ok)
}

/// LPOS's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LposOptions {
    /// Which match to start from; negative searches from the tail.
    rank: i64,
    /// How many matches to answer (0 = all); `None` answers a single position.
    count: Option<i64>,
    /// How many elements to compare at most (0 = all).
    maxlen: i64,
}

impl LposOptions {
    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        let mut options = LposOptions {
            rank: 1,
            count: None,
            maxlen: 0,
        };
        while let Some(arg) = args.try_next() {
            let has_value = !args.is_empty();
            if is_keyword(arg, "RANK") && has_value {
                options.rank = args.i64()?;
                if options.rank == 0 {
                    return Err(CommandError::err(
                        "RANK can't be zero: use 1 to start from the first match, 2 from \
                         the second ... or use negative to start from the end of the list",
                    ));
                }
            } else if is_keyword(arg, "COUNT") && has_value {
                options.count = Some(args.non_negative("COUNT can't be negative")?);
            } else if is_keyword(arg, "MAXLEN") && has_value {
                options.maxlen = args.non_negative("MAXLEN can't be negative")?;
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(options)
    }
}

fn lpos(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let wanted = args.required()?;
    let options = LposOptions::parse(args)?;
    let Some(list) = ctx.read_as::<List>(&key)? else {
        return Ok(match options.count {
            Some(_) => Reply::Array(Vec::new()),
            None => Reply::Nil,
        });
    };
    let len = list.len();
    let scanned = match options.maxlen {
        0 => len,
        maxlen => len.min(usize::try_from(maxlen).unwrap_or(usize::MAX)),
    };
    let from_tail = options.rank < 0;
    let order: Box<dyn Iterator<Item = usize>> = if from_tail {
        Box::new((len - scanned..len).rev())
    } else {
        Box::new(0..scanned)
    };
    // RANK i64::MIN stays negative when Redis negates it, so every match qualifies and
    // a COUNT never stops the search.
    let wrapped = options.rank == i64::MIN;
    let skip = match wrapped {
        true => 0,
        false => usize::try_from(options.rank.unsigned_abs() - 1).unwrap_or(usize::MAX),
    };
    let take = match options.count {
        None => 1,
        Some(0) => usize::MAX,
        Some(_) if wrapped => usize::MAX,
        Some(count) => usize::try_from(count).unwrap_or(usize::MAX),
    };
    let positions: Vec<Reply> = order
        .filter(|&at| list[at].as_bytes() == wanted.as_ref())
        .skip(skip)
        .take(take)
        .map(|at| Reply::Int(at as i64))
        .collect();
    Ok(match options.count {
        Some(_) => Reply::Array(positions),
        None => positions.into_iter().next().unwrap_or(Reply::Nil),
    })
}

/// Moves one element from `from` of `source` to `to` of `destination` (LMOVE,
/// RPOPLPUSH and their blocking forms once served). `None` when the source is missing.
pub fn move_element(
    ctx: &mut Ctx<'_>,
    source: &[u8],
    destination: &[u8],
    from: End,
    to: End,
) -> Result<Option<Reply>, CommandError> {
    if ctx.write_as::<List>(source)?.is_none() {
        return Ok(None);
    }
    // The destination's type is checked before anything moves.
    ctx.write_as::<List>(destination)?;
    let value = match ctx.write_as::<List>(source)? {
        Some(list) => match from {
            End::Left => list.pop_front(),
            End::Right => list.pop_back(),
        },
        None => None,
    };
    let Some(value) = value else {
        return Ok(None);
    };
    let reply = string_reply(&value);
    push(ctx.write_or_create::<List>(destination)?, to, value);
    ctx.signal_modified_key(destination);
    ctx.notify(notify::LIST, to.push_event(), destination);
    ctx.reply_point();
    popped_from(ctx, source, from);
    Ok(Some(reply))
}

fn lmove(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let source = args.key()?;
    let destination = args.key()?;
    let from = End::parse(args.required()?)?;
    let to = End::parse(args.required()?)?;
    Ok(move_element(ctx, &source, &destination, from, to)?.unwrap_or(Reply::Nil))
}

fn rpoplpush(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let source = args.key()?;
    let destination = args.key()?;
    Ok(move_element(ctx, &source, &destination, End::Right, End::Left)?.unwrap_or(Reply::Nil))
}

/// Pops from the first non-empty list of `mpop.keys`: `[key, [elements]]`, or `None`
/// when every key is missing.
pub fn mpop_first(
    ctx: &mut Ctx<'_>,
    mpop: &MpopArgs<'_, End>,
) -> Result<Option<Reply>, CommandError> {
    for key in mpop.keys {
        if let Some(popped) = pop_from_key(ctx, key, mpop.end, mpop.count)? {
            // Propagated as LPOP/RPOP with the number popped.
            if ctx.propagating() {
                let count = crate::replication::number(popped.len());
                ctx.propagate_as(vec![mpop.end.pop_command(), key.clone(), count]);
            }
            return Ok(Some(Reply::Array(vec![
                Reply::Bulk(key.clone()),
                Reply::Array(popped),
            ])));
        }
    }
    Ok(None)
}

fn lmpop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let mpop = MpopArgs::parse(args, End::parse)?;
    Ok(mpop_first(ctx, &mpop)?.unwrap_or(Reply::NilArray))
}

/// The list family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "lpush",
        -3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::LIST,
        lpush
    ),
    spec!(
        "rpush",
        -3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::LIST,
        rpush
    ),
    spec!(
        "lpushx",
        -3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::LIST,
        lpushx
    ),
    spec!(
        "rpushx",
        -3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::LIST,
        rpushx
    ),
    spec!("lpop", -2, WRITE | FAST, (1, 1, 1), acl::LIST, lpop),
    spec!("rpop", -2, WRITE | FAST, (1, 1, 1), acl::LIST, rpop),
    spec!("llen", 2, READONLY | FAST, (1, 1, 1), acl::LIST, llen),
    spec!("lrange", 4, READONLY, (1, 1, 1), acl::LIST, lrange),
    spec!("lindex", 3, READONLY, (1, 1, 1), acl::LIST, lindex),
    spec!("lset", 4, WRITE | DENYOOM, (1, 1, 1), acl::LIST, lset),
    spec!("linsert", 5, WRITE | DENYOOM, (1, 1, 1), acl::LIST, linsert),
    spec!("lrem", 4, WRITE, (1, 1, 1), acl::LIST, lrem),
    spec!("ltrim", 4, WRITE, (1, 1, 1), acl::LIST, ltrim),
    spec!("lpos", -3, READONLY, (1, 1, 1), acl::LIST, lpos),
    spec!("lmove", 5, WRITE | DENYOOM, (1, 2, 1), acl::LIST, lmove),
    spec!(
        "rpoplpush",
        3,
        WRITE | DENYOOM,
        (1, 2, 1),
        acl::LIST,
        rpoplpush
    ),
    spec!(
        "lmpop",
        -4,
        WRITE | MOVABLE_KEYS,
        (0, 0, 0),
        acl::LIST,
        lmpop
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_redis_clamping() {
        assert_eq!(clamp_range(0, -1, 3), Some((0, 2)));
        assert_eq!(clamp_range(-100, 100, 3), Some((0, 2)));
        assert_eq!(clamp_range(2, 1, 3), None);
        assert_eq!(clamp_range(3, 5, 3), None);
        assert_eq!(clamp_range(-1, -1, 3), Some((2, 2)));
        assert_eq!(clamp_range(0, -4, 3), None);
        assert_eq!(clamp_range(0, 0, 0), None);
    }

    #[test]
    fn indexes_count_from_either_end() {
        assert_eq!(index_of(3, 0), Some(0));
        assert_eq!(index_of(3, -1), Some(2));
        assert_eq!(index_of(3, 3), None);
        assert_eq!(index_of(3, -4), None);
        assert_eq!(index_of(0, 0), None);
    }
}
