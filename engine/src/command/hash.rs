//! The hash family: fields and values under one key.
//!
//! Rules that are easy to get wrong, all as in Redis 7.0: HSET/HMSET with an odd
//! number of field/value arguments is an arity error; HINCRBYFLOAT computes in long
//! double and stores its human form; HGETALL answers a map in RESP3; HRANDFIELD with
//! a negative count may repeat fields, and WITHVALUES answers [field, value] pairs in
//! RESP3; HSCAN of a listpack answers every field at once with cursor 0.

use bytes::Bytes;

use super::flags::*;
use super::generic::{parse_cursor, scan_loop, scan_reply, ScanOptions};
use super::{acl, pairs_reply, random_sample, spec, string_reply, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::error::CommandError;
use crate::glob::glob_match;
use crate::long_double::LongDouble;
use crate::notify;
use crate::num::parse_i64;
use crate::reply::Reply;
use crate::types::Hash;

fn hset_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    name: &'static str,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let pairs = args.rest();
    if pairs.len() % 2 == 1 {
        return Err(CommandError::WrongArity(name.into()));
    }
    let rules = ctx.rules();
    let hash = ctx.write_or_create::<Hash>(&key)?;
    hash.fit_lengths(pairs.iter().map(|arg| arg.len()), &rules);
    let mut created = 0;
    for pair in pairs.chunks(2) {
        created += i64::from(hash.set(&pair[0], &pair[1], &rules));
    }
    ctx.signal_modified_key(&key);
    ctx.reply_point();
    ctx.notify(notify::HASH, "hset", &key);
    Ok(if name == "hset" {
        Reply::Int(created)
    } else {
        Reply::Ok
    })
}

fn hset(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    hset_generic(ctx, args, "hset")
}

fn hmset(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    hset_generic(ctx, args, "hmset")
}

fn hsetnx(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let field = args.required()?;
    let value = args.required()?;
    let rules = ctx.rules();
    let hash = ctx.write_or_create::<Hash>(&key)?;
    if hash.get(field).is_some() {
        return Ok(Reply::Int(0));
    }
    hash.set(field, value, &rules);
    ctx.signal_modified_key(&key);
    ctx.reply_point();
    ctx.notify(notify::HASH, "hset", &key);
    Ok(Reply::Int(1))
}

fn hget(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let field = args.required()?;
    let hash = ctx.read_as::<Hash>(&key)?;
    Ok(hash
        .and_then(|hash| hash.get(field))
        .map_or(Reply::Nil, string_reply))
}

fn hmget(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let fields = args.rest();
    let hash = ctx.read_as::<Hash>(&key)?;
    let values = fields
        .iter()
        .map(|field| {
            hash.as_ref()
                .and_then(|hash| hash.get(field))
                .map_or(Reply::Nil, string_reply)
        })
        .collect();
    Ok(Reply::Array(values))
}

fn hdel(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let Some(hash) = ctx.write_as::<Hash>(&key)? else {
        return Ok(Reply::Int(0));
    };
    let mut deleted = 0;
    for field in args.rest() {
        if hash.remove(field) {
            deleted += 1;
            if hash.is_empty() {
                break;
            }
        }
    }
    if deleted > 0 {
        ctx.notify(notify::HASH, "hdel", &key);
        ctx.delete_if_empty::<Hash>(&key);
        ctx.signal_modified_key(&key);
    }
    Ok(Reply::Int(deleted))
}

fn hlen(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let len = ctx.read_as::<Hash>(&key)?.map_or(0, |hash| hash.len());
    Ok(Reply::Int(len as i64))
}

fn hstrlen(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let field = args.required()?;
    let hash = ctx.read_as::<Hash>(&key)?;
    let len = hash.and_then(|hash| hash.get(field)).map_or(0, |v| v.len());
    Ok(Reply::Int(len as i64))
}

fn hexists(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let field = args.required()?;
    let hash = ctx.read_as::<Hash>(&key)?;
    Ok(Reply::Int(i64::from(
        hash.is_some_and(|hash| hash.get(field).is_some()),
    )))
}

fn hkeys(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let hash = ctx.read_as::<Hash>(&key)?;
    Ok(Reply::Array(hash.map_or_else(Vec::new, |hash| {
        hash.iter()
            .map(|(field, _)| Reply::Bulk(Bytes::copy_from_slice(field)))
            .collect()
    })))
}

fn hvals(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let hash = ctx.read_as::<Hash>(&key)?;
    Ok(Reply::Array(hash.map_or_else(Vec::new, |hash| {
        hash.iter().map(|(_, value)| string_reply(value)).collect()
    })))
}

fn hgetall(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let hash = ctx.read_as::<Hash>(&key)?;
    Ok(Reply::Map(hash.map_or_else(Vec::new, |hash| {
        hash.iter()
            .map(|(field, value)| {
                (
                    Reply::Bulk(Bytes::copy_from_slice(field)),
                    string_reply(value),
                )
            })
            .collect()
    })))
}

fn hincrby(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let field = args.required()?;
    let increment = args.i64()?;
    let rules = ctx.rules();
    let hash = ctx.write_or_create::<Hash>(&key)?;
    let current = match hash.get(field) {
        Some(value) => {
            parse_i64(value).ok_or_else(|| CommandError::err("hash value is not an integer"))?
        }
        None => 0,
    };
    let sum = current
        .checked_add(increment)
        .ok_or(CommandError::IncrOverflow)?;
    hash.set(field, sum.to_string().as_bytes(), &rules);
    ctx.signal_modified_key(&key);
    ctx.reply_point();
    ctx.notify(notify::HASH, "hincrby", &key);
    Ok(Reply::Int(sum))
}

fn hincrbyfloat(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let field = args.required()?;
    let increment = LongDouble::parse(args.required()?).ok_or(CommandError::NotAFloat)?;
    if !increment.is_finite() {
        return Err(CommandError::err("value is NaN or Infinity"));
    }
    let rules = ctx.rules();
    let hash = ctx.write_or_create::<Hash>(&key)?;
    let current = match hash.get(field) {
        Some(value) => LongDouble::parse(value)
            .ok_or_else(|| CommandError::err("hash value is not a float"))?,
        None => LongDouble::from_i64(0),
    };
    let sum = current.add(increment);
    if !sum.is_finite() {
        return Err(CommandError::NanOrInfinity);
    }
    let text = Bytes::from(sum.to_human_string());
    hash.set(field, &text, &rules);
    ctx.signal_modified_key(&key);
    ctx.reply_point();
    ctx.notify(notify::HASH, "hincrbyfloat", &key);
    // Propagated as the value it set, so replicas never round differently.
    if ctx.propagating() {
        let hset = Bytes::from_static(b"HSET");
        ctx.propagate_as(vec![hset, key, Bytes::copy_from_slice(field), text.clone()]);
    }
    Ok(Reply::Bulk(text))
}

fn field_reply(field: &[u8]) -> Reply {
    Reply::Bulk(Bytes::copy_from_slice(field))
}

fn hrandfield(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    if args.is_empty() {
        let Some((hash, rng)) = ctx.with_rng::<Hash>(&key, false)? else {
            return Ok(Reply::Nil);
        };
        return Ok(hash
            .random_pair(|| rng.next_u64())
            .map_or(Reply::Nil, |(field, _)| field_reply(field)));
    }
    let count = args.i64_in(-i64::MAX, i64::MAX, None)?;
    let with_values = match args.try_next() {
        None => false,
        Some(arg) if is_keyword(arg, "WITHVALUES") && args.is_empty() => true,
        Some(_) => return Err(CommandError::Syntax),
    };
    if with_values && !(-i64::MAX / 2..=i64::MAX / 2).contains(&count) {
        return Err(CommandError::err("value is out of range"));
    }
    let protocol = ctx.client.protocol;
    let Some((hash, rng)) = ctx.with_rng::<Hash>(&key, false)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    let hash = &*hash;
    let pair = |(field, value): (&[u8], &crate::types::StrValue)| {
        (field_reply(field), string_reply(value))
    };
    let picks = random_sample(
        count,
        hash.len(),
        || hash.iter().map(pair).collect(),
        |rng| {
            hash.random_pair(|| rng.next_u64())
                .map(pair)
                .unwrap_or((Reply::Nil, Reply::Nil))
        },
        |(field, _)| field.bulk_bytes().map(<[u8]>::to_vec),
        rng,
    );
    Ok(if with_values {
        pairs_reply(protocol, picks)
    } else {
        Reply::Array(picks.into_iter().map(|(field, _)| field).collect())
    })
}

fn hscan(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let cursor = parse_cursor(args.required()?)?;
    let Some(hash) = ctx.read_as::<Hash>(&key)? else {
        return Ok(scan_reply(0, Vec::new()));
    };
    let options = ScanOptions::parse(args, false)?;
    let mut found = Vec::new();
    let cursor = match hash {
        Hash::Listpack(_) => {
            found.extend(
                hash.iter()
                    .map(|(field, value)| (field.to_vec(), string_reply(value))),
            );
            0
        }
        Hash::Table(table) => scan_loop(cursor, options.count, &mut found, |cursor, found| {
            table.scan(cursor, |field, value| {
                found.push((field.to_vec(), string_reply(value)))
            })
        }),
    };
    let items = found
        .into_iter()
        .filter(|(field, _)| options.pattern.is_none_or(|p| glob_match(p, field, false)))
        .flat_map(|(field, value)| [Reply::Bulk(Bytes::from(field)), value])
        .collect();
    Ok(scan_reply(cursor, items))
}

/// The hash family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "hset",
        -4,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::HASH,
        hset
    ),
    spec!(
        "hsetnx",
        4,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::HASH,
        hsetnx
    ),
    spec!("hget", 3, READONLY | FAST, (1, 1, 1), acl::HASH, hget),
    spec!("hmget", -3, READONLY | FAST, (1, 1, 1), acl::HASH, hmget),
    spec!(
        "hmset",
        -4,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::HASH,
        hmset
    ),
    spec!("hdel", -3, WRITE | FAST, (1, 1, 1), acl::HASH, hdel),
    spec!("hlen", 2, READONLY | FAST, (1, 1, 1), acl::HASH, hlen),
    spec!("hexists", 3, READONLY | FAST, (1, 1, 1), acl::HASH, hexists),
    spec!("hkeys", 2, READONLY, (1, 1, 1), acl::HASH, hkeys),
    spec!("hvals", 2, READONLY, (1, 1, 1), acl::HASH, hvals),
    spec!("hgetall", 2, READONLY, (1, 1, 1), acl::HASH, hgetall),
    spec!(
        "hincrby",
        4,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::HASH,
        hincrby
    ),
    spec!(
        "hincrbyfloat",
        4,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::HASH,
        hincrbyfloat
    ),
    spec!("hstrlen", 3, READONLY | FAST, (1, 1, 1), acl::HASH, hstrlen),
    spec!("hrandfield", -2, READONLY, (1, 1, 1), acl::HASH, hrandfield),
    spec!("hscan", -3, READONLY, (1, 1, 1), acl::HASH, hscan),
];
