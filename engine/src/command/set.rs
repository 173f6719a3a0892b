//! The set family: membership, random picks, and the algebra of several sets.
//!
//! Rules that are easy to get wrong, all as in Redis 7.0: SMEMBERS, SINTER, SUNION,
//! SDIFF and SPOP with a count answer RESP3 sets, SRANDMEMBER with a count an array;
//! SUNION and SDIFF build their result as a new set, so integer results come back
//! sorted (an intset); the *STORE forms delete the destination when the result is
//! empty and otherwise replace it (dropping its TTL); SMOVE to the same set only
//! checks membership.

use bytes::Bytes;

use super::flags::*;
use super::generic::{parse_cursor, scan_loop, scan_reply, ScanOptions};
use super::{acl, random_sample, spec, Collection, CommandSpec, Ctx};
use crate::args::Args;
use crate::error::CommandError;
use crate::glob::glob_match;
use crate::notify;
use crate::reply::Reply;
use crate::types::set::Member;
use crate::types::{EncodingRules, Set};

fn member_reply(member: Member<'_>) -> Reply {
    Reply::Bulk(Bytes::from(member.to_vec()))
}

fn set_reply(set: &Set) -> Reply {
    Reply::Set(set.members().map(member_reply).collect())
}

fn sadd(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let rules = ctx.rules();
    let set = ctx.write_or_create::<Set>(&key)?;
    let added = args
        .rest()
        .iter()
        .filter(|member| set.add(member, &rules))
        .count();
    if added > 0 {
        ctx.signal_modified_key(&key);
        ctx.notify(notify::SET, "sadd", &key);
    }
    Ok(Reply::Int(added as i64))
}

fn srem(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let Some(set) = ctx.write_as::<Set>(&key)? else {
        return Ok(Reply::Int(0));
    };
    let mut removed = 0;
    for member in args.rest() {
        if set.remove(member) {
            removed += 1;
            if set.is_empty() {
                break;
            }
        }
    }
    if removed > 0 {
        ctx.notify(notify::SET, "srem", &key);
        ctx.delete_if_empty::<Set>(&key);
        ctx.signal_modified_key(&key);
    }
    Ok(Reply::Int(removed))
}

fn smove(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let source = args.key()?;
    let destination = args.key()?;
    let member = args.required()?;
    let rules = ctx.rules();
    // Both keys are looked up (and lazily expired) before anything is checked.
    let source_exists = ctx.write(&source).is_some();
    ctx.write(&destination);
    if !source_exists {
        return Ok(Reply::Int(0));
    }
    ctx.write_as::<Set>(&source)?;
    ctx.write_as::<Set>(&destination)?;
    if source == destination {
        let is_member = ctx
            .write_as::<Set>(&source)?
            .is_some_and(|set| set.contains(member));
        return Ok(Reply::Int(i64::from(is_member)));
    }
    let removed = ctx
        .write_as::<Set>(&source)?
        .is_some_and(|set| set.remove(member));
    if !removed {
        return Ok(Reply::Int(0));
    }
    ctx.notify(notify::SET, "srem", &source);
    ctx.delete_if_empty::<Set>(&source);
    ctx.signal_modified_key(&source);
    if ctx
        .write_or_create::<Set>(&destination)?
        .add(member, &rules)
    {
        ctx.signal_modified_key(&destination);
        ctx.notify(notify::SET, "sadd", &destination);
    }
    Ok(Reply::Int(1))
}

fn sismember(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let member = args.required()?;
    let set = ctx.read_as::<Set>(&key)?;
    Ok(Reply::Int(i64::from(
        set.is_some_and(|set| set.contains(member)),
    )))
}

fn smismember(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let set = ctx.read_as::<Set>(&key)?;
    let answers = args
        .rest()
        .iter()
        .map(|member| {
            Reply::Int(i64::from(
                set.as_ref().is_some_and(|set| set.contains(member)),
            ))
        })
        .collect();
    Ok(Reply::Array(answers))
}

fn scard(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let len = ctx.read_as::<Set>(&key)?.map_or(0, |set| set.len());
    Ok(Reply::Int(len as i64))
}

fn smembers(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let set = ctx.read_as::<Set>(&key)?;
    Ok(set.map_or(Reply::Set(Vec::new()), |set| set_reply(set)))
}

/// A new set of `members`, built the way Redis builds results: starting as an
/// intset, so its representation follows from its contents.
fn build_set(members: impl IntoIterator<Item = Vec<u8>>, rules: &EncodingRules) -> Set {
    let mut set = Set::default();
    for member in members {
        set.add(&member, rules);
    }
    set
}

fn spop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let count = match args.remaining() {
        0 => None,
        1 => Some(args.non_negative("value is out of range, must be positive")?),
        _ => return Err(CommandError::Syntax),
    };
    let rules = ctx.rules();
    let Some((set, rng)) = ctx.with_rng::<Set>(&key, true)? else {
        return Ok(match count {
            Some(_) => Reply::Set(Vec::new()),
            None => Reply::Nil,
        });
    };
    let Some(count) = count else {
        let member = set.random_member(|| rng.next_u64()).map(Member::to_vec);
        let reply = match member {
            Some(member) => {
                set.remove(&member);
                Reply::Bulk(Bytes::from(member))
            }
            None => Reply::Nil,
        };
        // Propagated as the SREM of the member popped.
        if let (true, Reply::Bulk(member)) = (ctx.propagating(), &reply) {
            let srem = Bytes::from_static(b"SREM");
            ctx.propagate_as(vec![srem, key.clone(), member.clone()]);
        }
        ctx.notify(notify::SET, "spop", &key);
        ctx.reply_point();
        ctx.delete_if_empty::<Set>(&key);
        ctx.signal_modified_key(&key);
        return Ok(reply);
    };
    if count == 0 {
        return Ok(Reply::Set(Vec::new()));
    }
    let size = set.len();
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let reply = if count >= size {
        // The whole set, answered in the order of a freshly built copy.
        let all = build_set(set.members().map(Member::to_vec), &rules);
        set_reply(&all)
    } else if (size - count).saturating_mul(5) > count {
        let mut popped = Vec::with_capacity(count);
        for _ in 0..count {
            if let Some(member) = set.random_member(|| rng.next_u64()).map(Member::to_vec) {
                set.remove(&member);
                popped.push(Reply::Bulk(Bytes::from(member)));
            }
        }
        Reply::Set(popped)
    } else {
        // Most of the set goes: move the few that stay into a new set, answer the rest.
        let mut kept = Vec::with_capacity(size - count);
        for _ in 0..size - count {
            if let Some(member) = set.random_member(|| rng.next_u64()).map(Member::to_vec) {
                set.remove(&member);
                kept.push(member);
            }
        }
        let reply = set_reply(set);
        *set = build_set(kept, &rules);
        reply
    };
    ctx.notify(notify::SET, "spop", &key);
    if count >= size {
        ctx.reply_point();
        ctx.delete(&key);
    }
    ctx.signal_modified_key(&key);
    if ctx.propagating() {
        propagate_spop(ctx, &key, count >= size, &reply);
    }
    Ok(reply)
}

/// How SPOP with a count propagates: the whole set popped as `DEL key`, else one
/// `SREM key member` per member, in the order answered.
fn propagate_spop(ctx: &mut Ctx<'_>, key: &Bytes, everything: bool, reply: &Reply) {
    if everything {
        ctx.propagate_as(vec![Bytes::from_static(b"DEL"), key.clone()]);
        return;
    }
    ctx.prevent_propagation();
    let (Reply::Set(members) | Reply::Array(members)) = reply else {
        return;
    };
    for member in members {
        if let Some(member) = member.bulk_bytes() {
            let srem = Bytes::from_static(b"SREM");
            ctx.also_propagate(vec![srem, key.clone(), Bytes::copy_from_slice(member)]);
        }
    }
}

fn srandmember(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let count = match args.remaining() {
        0 => None,
        1 => Some(args.i64_in(-i64::MAX, i64::MAX, None)?),
        _ => return Err(CommandError::Syntax),
    };
    let Some((set, rng)) = ctx.with_rng::<Set>(&key, false)? else {
        return Ok(match count {
            Some(_) => Reply::Array(Vec::new()),
            None => Reply::Nil,
        });
    };
    let Some(count) = count else {
        return Ok(set
            .random_member(|| rng.next_u64())
            .map_or(Reply::Nil, member_reply));
    };
    let set = &*set;
    let picks = random_sample(
        count,
        set.len(),
        || set.members().map(Member::to_vec).collect(),
        |rng| {
            set.random_member(|| rng.next_u64())
                .map(Member::to_vec)
                .unwrap_or_default()
        },
        |member| member.clone(),
        rng,
    );
    Ok(Reply::Array(
        picks
            .into_iter()
            .map(|member| Reply::Bulk(Bytes::from(member)))
            .collect(),
    ))
}

/// The sets under `keys`, `None` for missing keys, borrowed together; `WRONGTYPE` if
/// any key holds another type. Every key is looked up first (expiring it, counting a
/// hit or miss), in order, as Redis does.
fn sets_of<'c>(ctx: &'c mut Ctx<'_>, keys: &[Bytes]) -> Result<Vec<Option<&'c Set>>, CommandError> {
    for key in keys {
        ctx.read_as::<Set>(key)?;
    }
    let now = ctx.now_ms;
    let db = ctx.keyspace.db(ctx.client.db);
    Ok(keys
        .iter()
        .map(|key| db.peek(key, now).and_then(|entry| Set::of(&entry.value)))
        .collect())
}

/// The members of the intersection of `sets`, in the iteration order of the smallest,
/// stopping after `limit` members (0 = no limit).
fn intersection(mut sets: Vec<&Set>, limit: usize) -> Vec<Vec<u8>> {
    sets.sort_by_key(|set| set.len());
    let Some((smallest, others)) = sets.split_first() else {
        return Vec::new();
    };
    let mut members = Vec::new();
    for member in smallest.members() {
        let bytes = member.to_vec();
        if others.iter().all(|set| set.contains(&bytes)) {
            members.push(bytes);
            if members.len() == limit {
                break;
            }
        }
    }
    members
}

/// Replaces `destination` with `set` (deleting it when the set is empty),
/// as the *STORE commands do, publishing `event` for a stored set; answers the new
/// cardinality. Redis answers before the event, and before the `del` of an emptied
/// destination unless it `deletes_first` (SINTERSTORE with a missing source).
fn store_set(
    ctx: &mut Ctx<'_>,
    destination: &[u8],
    set: Set,
    event: &'static str,
    deletes_first: bool,
) -> Reply {
    let len = set.len();
    if len == 0 {
        if !deletes_first {
            ctx.reply_point();
        }
        ctx.delete_stored(destination);
    } else {
        ctx.store(destination, set.into_value(), None);
        ctx.reply_point();
        ctx.notify(notify::SET, event, destination);
    }
    Reply::Int(len as i64)
}

fn sinter_generic(
    ctx: &mut Ctx<'_>,
    keys: &[Bytes],
    destination: Option<&[u8]>,
) -> Result<Reply, CommandError> {
    let rules = ctx.rules();
    let sets: Vec<&Set> = sets_of(ctx, keys)?.into_iter().flatten().collect();
    let some_missing = sets.len() < keys.len();
    let members = if some_missing {
        Vec::new()
    } else {
        intersection(sets, 0)
    };
    Ok(match destination {
        Some(destination) => store_set(
            ctx,
            destination,
            build_set(members, &rules),
            "sinterstore",
            some_missing,
        ),
        None => Reply::Set(
            members
                .into_iter()
                .map(|member| Reply::Bulk(Bytes::from(member)))
                .collect(),
        ),
    })
}

fn sinter(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    sinter_generic(ctx, args.rest(), None)
}

fn sinterstore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let destination = args.key()?;
    sinter_generic(ctx, args.rest(), Some(&destination))
}

fn sintercard(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let numkeys = args.i64_in(1, i64::MAX, Some("numkeys should be greater than 0"))?;
    let rest = args.rest();
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys > rest.len() {
        return Err(CommandError::err(
            "Number of keys can't be greater than number of args",
        ));
    }
    let (keys, options) = rest.split_at(numkeys);
    let mut options = Args::new(options, 0);
    let mut limit = 0;
    while let Some(arg) = options.try_next() {
        if crate::args::is_keyword(arg, "LIMIT") && !options.is_empty() {
            limit = options.non_negative("LIMIT can't be negative")?;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let sets: Vec<&Set> = sets_of(ctx, keys)?.into_iter().flatten().collect();
    if sets.len() < keys.len() {
        return Ok(Reply::Int(0));
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok(Reply::Int(intersection(sets, limit).len() as i64))
}

/// SUNION or SDIFF of `keys`, stored at `destination` or answered.
fn sunion_diff_generic(
    ctx: &mut Ctx<'_>,
    keys: &[Bytes],
    destination: Option<&[u8]>,
    union: bool,
) -> Result<Reply, CommandError> {
    let rules = ctx.rules();
    let sets = sets_of(ctx, keys)?;
    let mut result = Set::default();
    if union {
        for set in sets.iter().flatten() {
            for member in set.members() {
                result.add(&member.to_vec(), &rules);
            }
        }
    } else if let Some(Some(first)) = sets.first() {
        let same_key_again = keys[1..].iter().any(|key| *key == keys[0]);
        if !same_key_again {
            for member in first.members() {
                let bytes = member.to_vec();
                if !sets[1..].iter().flatten().any(|set| set.contains(&bytes)) {
                    result.add(&bytes, &rules);
                }
            }
        }
    }
    Ok(match destination {
        Some(destination) => store_set(
            ctx,
            destination,
            result,
            if union { "sunionstore" } else { "sdiffstore" },
            false,
        ),
        None => set_reply(&result),
    })
}

fn sunion(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    sunion_diff_generic(ctx, args.rest(), None, true)
}

fn sunionstore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let destination = args.key()?;
    sunion_diff_generic(ctx, args.rest(), Some(&destination), true)
}

fn sdiff(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    sunion_diff_generic(ctx, args.rest(), None, false)
}

fn sdiffstore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let destination = args.key()?;
    sunion_diff_generic(ctx, args.rest(), Some(&destination), false)
}

fn sscan(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let cursor = parse_cursor(args.required()?)?;
    let Some(set) = ctx.read_as::<Set>(&key)? else {
        return Ok(scan_reply(0, Vec::new()));
    };
    let options = ScanOptions::parse(args, false)?;
    let mut found = Vec::new();
    let cursor = match set {
        Set::Intset(_) => set.scan(0, |member| found.push(member.to_vec())),
        Set::Table(_) => scan_loop(cursor, options.count, &mut found, |cursor, found| {
            set.scan(cursor, |member| found.push(member.to_vec()))
        }),
    };
    let items = found
        .into_iter()
        .filter(|member| options.pattern.is_none_or(|p| glob_match(p, member, false)))
        .map(|member| Reply::Bulk(Bytes::from(member)))
        .collect();
    Ok(scan_reply(cursor, items))
}

/// The set family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "sadd",
        -3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::SET,
        sadd
    ),
    spec!("srem", -3, WRITE | FAST, (1, 1, 1), acl::SET, srem),
    spec!("smembers", 2, READONLY, (1, 1, 1), acl::SET, smembers),
    spec!(
        "sismember",
        3,
        READONLY | FAST,
        (1, 1, 1),
        acl::SET,
        sismember
    ),
    spec!(
        "smismember",
        -3,
        READONLY | FAST,
        (1, 1, 1),
        acl::SET,
        smismember
    ),
    spec!("scard", 2, READONLY | FAST, (1, 1, 1), acl::SET, scard),
    spec!("spop", -2, WRITE | FAST, (1, 1, 1), acl::SET, spop),
    spec!(
        "srandmember",
        -2,
        READONLY,
        (1, 1, 1),
        acl::SET,
        srandmember
    ),
    spec!("sinter", -2, READONLY, (1, -1, 1), acl::SET, sinter),
    spec!(
        "sintercard",
        -3,
        READONLY | MOVABLE_KEYS,
        (0, 0, 0),
        acl::SET,
        sintercard
    ),
    spec!(
        "sinterstore",
        -3,
        WRITE | DENYOOM,
        (1, -1, 1),
        acl::SET,
        sinterstore
    ),
    spec!("sunion", -2, READONLY, (1, -1, 1), acl::SET, sunion),
    spec!(
        "sunionstore",
        -3,
        WRITE | DENYOOM,
        (1, -1, 1),
        acl::SET,
        sunionstore
    ),
    spec!("sdiff", -2, READONLY, (1, -1, 1), acl::SET, sdiff),
    spec!(
        "sdiffstore",
        -3,
        WRITE | DENYOOM,
        (1, -1, 1),
        acl::SET,
        sdiffstore
    ),
    spec!("smove", 4, WRITE | FAST, (1, 2, 1), acl::SET, smove),
    spec!("sscan", -3, READONLY, (1, 1, 1), acl::SET, sscan),
];
