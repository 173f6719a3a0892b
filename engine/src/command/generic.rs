//! The keyspace family: existence, deletion, renaming, copying, iteration, expiry and
//! the numbered databases.
//!
//! Rules as in Redis 7.0: TTL answers -2 for a missing key and -1 for one without a TTL,
//! rounding to the nearest second; EXPIRE with a time already past deletes the key and
//! answers 1; RENAME carries the TTL along; SCAN filters MATCH/TYPE after visiting COUNT
//! buckets' worth of keys, so a page may be empty while the cursor is not 0.

use bytes::Bytes;

use super::flags::*;
use super::{acl, spec, CommandSpec, Ctx};
use crate::access::AccessPolicy;
use crate::args::{is_keyword, parse_i64, Args};
use crate::error::CommandError;
use crate::glob::glob_match;
use crate::keyspace::Entry;
use crate::notify;
use crate::reply::Reply;
use crate::types::{StrEncoding, Value};

fn del(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let lazily = ctx.keyspace.lazyfree.settings.user_del;
    delete_keys(ctx, args, lazily)
}

/// UNLINK: DEL whose big values are freed in the background.
fn unlink(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    delete_keys(ctx, args, true)
}

fn delete_keys(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    lazily: bool,
) -> Result<Reply, CommandError> {
    let deleted = args
        .rest()
        .iter()
        .filter(|key| ctx.delete_freeing(key, lazily))
        .count();
    Ok(Reply::Int(deleted as i64))
}

/// EXISTS counts without touching access times (Redis's `LOOKUP_NOTOUCH`); TOUCH
/// counts and touches.
fn count_existing(ctx: &mut Ctx<'_>, keys: &[Bytes], touch: bool) -> Reply {
    let found = keys
        .iter()
        .filter(|key| {
            if touch {
                ctx.read(key).is_some()
            } else {
                ctx.read_untouched(key).is_some()
            }
        })
        .count();
    Reply::Int(found as i64)
}

fn exists(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(count_existing(ctx, args.rest(), false))
}

fn touch(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(count_existing(ctx, args.rest(), true))
}

fn type_of(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let name = ctx
        .read_untouched(args.required()?)
        .map_or("none", |entry| entry.value.type_name());
    Ok(Reply::status(name))
}

/// RENAME and RENAMENX.
fn rename_key(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    only_if_new: bool,
) -> Result<Reply, CommandError> {
    let from = args.key()?;
    let to = args.key()?;
    if ctx.write(&from).is_none() {
        return Err(CommandError::NoSuchKey);
    }
    let done = |renamed: bool| {
        if only_if_new {
            Reply::Int(i64::from(renamed))
        } else {
            Reply::Ok
        }
    };
    if from == to {
        return Ok(done(false));
    }
    // The destination is looked up (and lazily expired) whether or not NX was given.
    if ctx.exists(&to) && only_if_new {
        return Ok(Reply::Int(0));
    }
    let now = ctx.now_ms;
    let (db, stats, _) = ctx.db();
    let Some(entry) = db.remove(&from, now, stats) else {
        return Err(CommandError::NoSuchKey);
    };
    db.discard(&to, now, stats);
    let expire_at = entry.expire_at();
    db.insert(&to, entry.value, expire_at, now);
    ctx.signal_modified_key(&from);
    ctx.signal_modified_key(&to);
    // The destination is deleted and added again, so even an overwrite is `new`.
    ctx.notify(notify::NEW, "new", &to);
    ctx.notify(notify::GENERIC, "rename_from", &from);
    ctx.notify(notify::GENERIC, "rename_to", &to);
    Ok(done(true))
}

fn rename(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    rename_key(ctx, args, false)
}

fn renamenx(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    rename_key(ctx, args, true)
}

/// A database index argument: an `int`, then within range.
fn db_index(
    ctx: &Ctx<'_>,
    arg: &[u8],
    not_int: Option<&'static str>,
) -> Result<usize, CommandError> {
    let index = parse_i64(arg)
        .ok()
        .filter(|n| i32::try_from(*n).is_ok())
        .ok_or_else(|| match not_int {
            Some(message) => CommandError::err(message),
            None => CommandError::NotAnInteger,
        })?;
    usize::try_from(index)
        .ok()
        .filter(|&n| n < ctx.keyspace.db_count())
        .ok_or(CommandError::DbIndexOutOfRange)
}

fn copy(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let from = args.key()?;
    let to = args.key()?;
    let mut target_db = ctx.client.db;
    let mut replace = false;
    while let Some(arg) = args.try_next() {
        if is_keyword(arg, "REPLACE") {
            replace = true;
        } else if is_keyword(arg, "DB") && !args.is_empty() {
            target_db = db_index(ctx, args.required()?, None)?;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    if target_db == ctx.client.db && from == to {
        return Err(CommandError::SameObject);
    }
    // The source is read (a hit or a miss, as Redis counts it), the destination
    // looked up for writing in its database.
    let Some(entry) = ctx.read(&from).map(|entry| entry.clone()) else {
        return Ok(Reply::Int(0));
    };
    if ctx.write_in(target_db, &to).is_some() && !replace {
        return Ok(Reply::Int(0));
    }
    let now = ctx.now_ms;
    let (db, stats, _) = ctx.keyspace.db_mut(target_db);
    db.discard(&to, now, stats);
    let expire_at = entry.expire_at();
    db.insert(&to, entry.value, expire_at, now);
    ctx.signal_modified_key_in(target_db, &to);
    ctx.notify_in(target_db, notify::NEW, "new", &to);
    ctx.notify_in(target_db, notify::GENERIC, "copy_to", &to);
    Ok(Reply::Int(1))
}

/// DUMP key: the value in Redis's RDB encoding, framed for RESTORE.
fn dump(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let settings = ctx.rdb_settings();
    match ctx.read(&key) {
        Some(entry) => Ok(Reply::bulk(crate::rdb::dump::dump(&entry.value, settings))),
        None => Ok(Reply::Nil),
    }
}

/// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], in
/// Redis's order of checks: options, an existing key, the TTL, the payload.
fn restore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let ttl_arg = args.required()?;
    let payload = args.required()?;
    let (mut replace, mut absolute) = (false, false);
    let (mut idle, mut frequency) = (None, None);
    while let Some(arg) = args.try_next() {
        if is_keyword(arg, "REPLACE") {
            replace = true;
        } else if is_keyword(arg, "ABSTTL") {
            absolute = true;
        } else if is_keyword(arg, "IDLETIME") && !args.is_empty() && frequency.is_none() {
            let seconds = args.i64()?;
            if seconds < 0 {
                return Err(CommandError::err("Invalid IDLETIME value, must be >= 0"));
            }
            idle = Some(seconds as u64);
        } else if is_keyword(arg, "FREQ") && !args.is_empty() && idle.is_none() {
            let count = args.i64()?;
            if !(0..=255).contains(&count) {
                return Err(CommandError::err(
                    "Invalid FREQ value, must be >= 0 and <= 255",
                ));
            }
            frequency = Some(count as u32);
        } else {
            return Err(CommandError::Syntax);
        }
    }
    if !replace && ctx.write(&key).is_some() {
        return Err(CommandError::Other(crate::error::BUSY_KEY.into()));
    }
    let ttl = parse_i64(ttl_arg)?;
    if ttl < 0 {
        return Err(CommandError::err("Invalid TTL value, must be >= 0"));
    }
    let mut rules = ctx.rules();
    rules.seed = ctx.db().2.next_u64();
    let value = crate::rdb::dump::restore(payload, &rules).map_err(CommandError::err)?;
    let now = ctx.now_ms;
    // The replaced key goes as stored (Redis's dbDelete), announced only if nothing
    // takes its place.
    let (db, _, _) = ctx.db();
    let deleted = replace && db.delete(&key);
    let expire_at = match ttl {
        0 => None,
        ttl if absolute => Some(ttl as u64),
        ttl => Some((ttl as u64).saturating_add(now)),
    };
    if expire_at.is_some_and(|at| at <= now) {
        if deleted {
            // Only the deletion of the replaced key happened: that is what propagates.
            if ctx.propagating() {
                ctx.propagate_as(vec![Bytes::from_static(b"DEL"), key.clone()]);
            }
            ctx.signal_modified_key(&key);
            ctx.notify(notify::GENERIC, "del", &key);
        }
        return Ok(Reply::Ok);
    }
    let (db, _, _) = ctx.db();
    db.insert_restored(&key, value, expire_at, (frequency, idle), now);
    if let (Some(at), false, true) = (expire_at, absolute, ctx.propagating()) {
        // A relative TTL propagates as the absolute one it came to.
        let mut argv = args.argv().to_vec();
        argv[2] = crate::replication::number(at);
        argv.push(Bytes::from_static(b"ABSTTL"));
        ctx.propagate_as(argv);
    }
    ctx.signal_modified_key(&key);
    ctx.notify(notify::NEW, "new", &key);
    ctx.notify(notify::GENERIC, "restore", &key);
    Ok(Reply::Ok)
}

fn move_key(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let target = db_index(ctx, args.required()?, None)?;
    if target == ctx.client.db {
        return Err(CommandError::SameObject);
    }
    if ctx.write(&key).is_none() {
        return Ok(Reply::Int(0));
    }
    if ctx.write_in(target, &key).is_some() {
        return Ok(Reply::Int(0));
    }
    let now = ctx.now_ms;
    let (db, stats, _) = ctx.db();
    let Some(entry) = db.remove(&key, now, stats) else {
        return Ok(Reply::Int(0));
    };
    let (target_db, _, _) = ctx.keyspace.db_mut(target);
    let expire_at = entry.expire_at();
    target_db.insert(&key, entry.value, expire_at, now);
    ctx.signal_modified_key(&key);
    ctx.signal_modified_key_in(target, &key);
    ctx.notify_in(target, notify::NEW, "new", &key);
    ctx.notify(notify::GENERIC, "move_from", &key);
    ctx.notify_in(target, notify::GENERIC, "move_to", &key);
    Ok(Reply::Int(1))
}

fn keys(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let pattern = args.required()?;
    let all = pattern.as_ref() == b"*";
    let now = ctx.now_ms;
    let (db, _, _) = ctx.db();
    let found = db
        .keys(now)
        .filter(|(key, _)| all || glob_match(pattern, key, false))
        .map(|(key, _)| Reply::Bulk(Bytes::copy_from_slice(key)))
        .collect();
    Ok(Reply::Array(found))
}

/// Parses a SCAN cursor as Redis does (`strtoul`: optional sign, digits, nothing else).
pub(crate) fn parse_cursor(arg: &[u8]) -> Result<u64, CommandError> {
    let invalid = || CommandError::err("invalid cursor");
    let (negative, digits) = match arg.first() {
        Some(b'-') => (true, &arg[1..]),
        Some(b'+') => (false, &arg[1..]),
        _ => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let value = std::str::from_utf8(digits)
        .ok()
        .and_then(|text| text.parse::<u64>().ok())
        .ok_or_else(invalid)?;
    Ok(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// SCAN's options: COUNT (at least 1), MATCH, and (for the keyspace only) TYPE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanOptions<'a> {
    pub count: usize,
    pub pattern: Option<&'a [u8]>,
    pub type_name: Option<&'a [u8]>,
}

impl<'a> ScanOptions<'a> {
    pub(crate) fn parse(args: &mut Args<'a>, allow_type: bool) -> Result<Self, CommandError> {
        let mut options = ScanOptions {
            count: 10,
            pattern: None,
            type_name: None,
        };
        while let Some(arg) = args.try_next() {
            if is_keyword(arg, "COUNT") && !args.is_empty() {
                let count = args.i64()?;
                if count < 1 {
                    return Err(CommandError::Syntax);
                }
                options.count = usize::try_from(count).unwrap_or(usize::MAX);
            } else if is_keyword(arg, "MATCH") && !args.is_empty() {
                let pattern = args.required()?;
                options.pattern = (pattern.as_ref() != b"*").then_some(pattern.as_ref());
            } else if is_keyword(arg, "TYPE") && allow_type && !args.is_empty() {
                options.type_name = Some(args.required()?);
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(options)
    }
}

fn scan(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let mut cursor = parse_cursor(args.required()?)?;
    let options = ScanOptions::parse(args, true)?;
    let (db, _, _) = ctx.db();
    let mut visited: Vec<Bytes> = Vec::new();
    cursor = scan_loop(cursor, options.count, &mut visited, |cursor, visited| {
        db.scan(cursor, |key, _| visited.push(Bytes::copy_from_slice(key)))
    });
    let mut keys = Vec::with_capacity(visited.len());
    for key in visited {
        if options.pattern.is_some_and(|p| !glob_match(p, &key, false)) {
            continue;
        }
        if let Some(wanted) = options.type_name {
            // Redis reads the key to learn its type (a hit or a miss; a key expired
            // here is of type "none"), and only then drops expired keys, by which
            // time that one is gone already.
            let type_name = ctx
                .read_untouched(&key)
                .map_or("none", |entry| entry.value.type_name());
            if !wanted.eq_ignore_ascii_case(type_name.as_bytes()) {
                continue;
            }
        } else if !ctx.expire_if_needed(&key) {
            continue;
        }
        keys.push(Reply::Bulk(key));
    }
    Ok(scan_reply(cursor, keys))
}

/// SCAN's loop over a hash table: `step` visits the bucket at a cursor, appending what
/// it finds to `found`, and answers the next cursor. Stops when the walk is done, when
/// `count` elements were found, or after 10 × `count` buckets. Answers the cursor to
/// resume from (0 when done).
pub(crate) fn scan_loop<T>(
    mut cursor: u64,
    count: usize,
    found: &mut Vec<T>,
    mut step: impl FnMut(u64, &mut Vec<T>) -> u64,
) -> u64 {
    let mut budget = count.saturating_mul(10);
    loop {
        cursor = step(cursor, found);
        budget = budget.saturating_sub(1);
        if cursor == 0 || budget == 0 || found.len() >= count {
            return cursor;
        }
    }
}

/// A SCAN-family reply: the cursor as a bulk string, then the elements found.
pub(crate) fn scan_reply(cursor: u64, items: Vec<Reply>) -> Reply {
    Reply::Array(vec![
        Reply::Bulk(Bytes::from(cursor.to_string())),
        Reply::Array(items),
    ])
}

fn randomkey(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let now = ctx.now_ms;
    let (db, stats, rng) = ctx.db();
    let mut expired = Vec::new();
    let key = db.random_key(now, rng, stats, |key| expired.push(key));
    for key in expired {
        ctx.expired_lazily(ctx.client.db, &key);
    }
    Ok(Reply::bulk_or_nil(key))
}

/// EXPIRE's NX/XX/GT/LT options.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct ExpireCondition {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

impl ExpireCondition {
    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        let mut condition = ExpireCondition::default();
        for arg in args.rest() {
            if is_keyword(arg, "NX") {
                condition.nx = true;
            } else if is_keyword(arg, "XX") {
                condition.xx = true;
            } else if is_keyword(arg, "GT") {
                condition.gt = true;
            } else if is_keyword(arg, "LT") {
                condition.lt = true;
            } else {
                let shown = crate::args::c_str(arg);
                return Err(CommandError::err(format!(
                    "Unsupported option {}",
                    String::from_utf8_lossy(shown)
                )));
            }
        }
        if condition.nx && (condition.xx || condition.gt || condition.lt) {
            return Err(CommandError::err(
                "NX and XX, GT or LT options at the same time are not compatible",
            ));
        }
        if condition.gt && condition.lt {
            return Err(CommandError::err(
                "GT and LT options at the same time are not compatible",
            ));
        }
        Ok(condition)
    }

    /// Whether the new expiry may replace `current` (None = no TTL, i.e. infinite).
    fn allows(self, current: Option<u64>, when: i64) -> bool {
        match current {
            None => !(self.xx || self.gt),
            Some(current) => {
                let current = current as i64;
                !(self.nx || (self.gt && when <= current) || (self.lt && when >= current))
            }
        }
    }
}

/// EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT.
fn expire_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    in_seconds: bool,
    relative: bool,
    command: &'static str,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let amount = args.required()?;
    let condition = ExpireCondition::parse(args)?;
    let mut when = parse_i64(amount)?;
    let invalid = CommandError::InvalidExpireTime(command);
    if in_seconds {
        when = when.checked_mul(1000).ok_or(invalid.clone())?;
    }
    if relative {
        when = when.checked_add(ctx.now_ms as i64).ok_or(invalid)?;
    }
    let Some(entry) = ctx.write(&key) else {
        return Ok(Reply::Int(0));
    };
    if !condition.allows(entry.expire_at(), when) {
        return Ok(Reply::Int(0));
    }
    if ctx.already_expired(when) {
        ctx.delete(&key);
        let lazy = ctx.keyspace.lazyfree.settings.expire;
        ctx.propagate_as_deletion(&key, lazy);
    } else {
        ctx.db().0.set_expire(&key, Some(when as u64));
        ctx.signal_modified_key(&key);
        if ctx.propagating() {
            // Propagated as PEXPIREAT with the absolute time, its options kept.
            let mut argv = args.argv().to_vec();
            if command != "pexpireat" {
                argv[0] = Bytes::from_static(b"PEXPIREAT");
                argv[2] = crate::replication::number(when);
            }
            ctx.propagate_as(argv);
        }
        ctx.reply_point();
        ctx.notify(notify::GENERIC, "expire", &key);
    }
    Ok(Reply::Int(1))
}

fn expire(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    expire_generic(ctx, args, true, true, "expire")
}

fn pexpire(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    expire_generic(ctx, args, false, true, "pexpire")
}

fn expireat(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    expire_generic(ctx, args, true, false, "expireat")
}

fn pexpireat(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    expire_generic(ctx, args, false, false, "pexpireat")
}

/// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 missing, -1 no TTL.
fn ttl_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    in_ms: bool,
    absolute: bool,
) -> Result<Reply, CommandError> {
    let now = ctx.now_ms as i64;
    let Some(entry) = ctx.read_untouched(args.required()?) else {
        return Ok(Reply::Int(-2));
    };
    let Some(at) = entry.expire_at() else {
        return Ok(Reply::Int(-1));
    };
    let at = at as i64;
    let ttl = if absolute { at } else { (at - now).max(0) };
    Ok(Reply::Int(if in_ms { ttl } else { (ttl + 500) / 1000 }))
}

fn ttl(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ttl_generic(ctx, args, false, false)
}

fn pttl(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ttl_generic(ctx, args, true, false)
}

fn expiretime(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ttl_generic(ctx, args, false, true)
}

fn pexpiretime(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ttl_generic(ctx, args, true, true)
}

fn persist(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.required()?;
    let had_ttl = ctx
        .write(key)
        .is_some_and(|entry| entry.expire_at().is_some());
    if had_ttl {
        ctx.db().0.set_expire(key, None);
        ctx.signal_modified_key(key);
        ctx.notify(notify::GENERIC, "persist", key);
    }
    Ok(Reply::Int(i64::from(had_ttl)))
}

/// Smallest integer Redis does not share as a refcounted constant (`OBJ_SHARED_INTEGERS`).
const SHARED_INTEGERS: i64 = 10_000;
/// The refcount Redis reports for shared objects (`OBJ_SHARED_REFCOUNT`).
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// The refcount Redis reports for a key's value: shared small integers have the
/// shared objects' count.
pub(crate) fn refcount(entry: &Entry) -> i64 {
    match &entry.value {
        Value::Str(string) if string.encoding() == StrEncoding::Int => {
            match crate::num::parse_i64(string) {
                Some(n) if (0..SHARED_INTEGERS).contains(&n) => SHARED_REFCOUNT,
                _ => 1,
            }
        }
        _ => 1,
    }
}

fn access_policy(ctx: &Ctx<'_>) -> AccessPolicy {
    ctx.keyspace.db(ctx.client.db).access_policy()
}

/// The access field of a live `key` (expiring it first if due), untouched.
fn access_of(ctx: &mut Ctx<'_>, key: &[u8]) -> Option<u32> {
    ctx.read_for_object(key)?;
    ctx.keyspace.db(ctx.client.db).access(key)
}

fn object_encoding(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(match ctx.read_for_object(args.required()?) {
        None => Reply::Nil,
        Some(entry) => Reply::bulk(entry.value.encoding_name()),
    })
}

fn object_refcount(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(match ctx.read_for_object(args.required()?) {
        None => Reply::Nil,
        Some(entry) => Reply::Int(refcount(entry)),
    })
}

fn object_idletime(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let now = ctx.now_ms;
    let lfu = access_policy(ctx).lfu;
    let key = args.required()?;
    let Some(access) = access_of(ctx, key) else {
        return Ok(Reply::Nil);
    };
    if lfu {
        return Err(CommandError::err(
            "An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ));
    }
    Ok(Reply::Int(AccessPolicy::idle_seconds(access, now) as i64))
}

fn object_freq(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let now = ctx.now_ms;
    let policy = access_policy(ctx);
    let key = args.required()?;
    let Some(access) = access_of(ctx, key) else {
        return Ok(Reply::Nil);
    };
    if !policy.lfu {
        return Err(CommandError::err(
            "An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ));
    }
    Ok(Reply::Int(i64::from(policy.frequency(access, now))))
}

/// The reply of a container's HELP subcommand, framed as Redis's `addReplyHelp` does.
pub(crate) fn help_reply(command: &str, lines: &[&str]) -> Reply {
    let mut replies = Vec::with_capacity(lines.len() + 3);
    replies.push(Reply::Status(Bytes::from(format!(
        "{} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        command.to_ascii_uppercase()
    ))));
    replies.extend(
        lines
            .iter()
            .map(|line| Reply::Status(Bytes::copy_from_slice(line.as_bytes()))),
    );
    replies.push(Reply::status("HELP"));
    replies.push(Reply::status("    Prints this help."));
    Reply::Array(replies)
}

fn object_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(help_reply(
        "object",
        &[
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
        ],
    ))
}

/// Container commands never run their own handler with a subcommand given; with none,
/// arity (at least 2) already refused them.
pub(crate) fn container(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Err(CommandError::Syntax)
}

fn select(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ctx.client.db = db_index(ctx, args.required()?, None)?;
    Ok(Reply::Ok)
}

fn swapdb(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let first = db_index(ctx, args.required()?, Some("invalid first DB index"))?;
    let second = db_index(ctx, args.required()?, Some("invalid second DB index"))?;
    ctx.keyspace
        .touch_watched_db(first, Some(second), ctx.now_ms);
    ctx.keyspace
        .touch_watched_db(second, Some(first), ctx.now_ms);
    ctx.keyspace.swap(first, second);
    ctx.keyspace.persistence.dirty += 1;
    Ok(Reply::Ok)
}

fn dbsize(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Int(ctx.db().0.len() as i64))
}

/// FLUSHDB/FLUSHALL's optional ASYNC or SYNC: whether the keys are freed in the
/// background (without either, as `lazyfree-lazy-user-flush` says). The keys are gone
/// for every client at once either way.
fn parse_flush_mode(ctx: &Ctx<'_>, args: &mut Args<'_>) -> Result<bool, CommandError> {
    let lazily = if args.eat_keyword("ASYNC") {
        true
    } else if args.eat_keyword("SYNC") {
        false
    } else {
        ctx.keyspace.lazyfree.settings.user_flush
    };
    args.finish()?;
    Ok(lazily)
}

fn flushdb(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let lazily = parse_flush_mode(ctx, args)?;
    ctx.keyspace
        .touch_watched_db(ctx.client.db, None, ctx.now_ms);
    // Clients blocked in XREADGROUP on a stream that goes are told so.
    ctx.keyspace.blocking.signal_db(ctx.client.db);
    let db = ctx.db().0;
    let removed = db.len() as u64;
    if lazily {
        let contents = db.take_all();
        ctx.keyspace.lazyfree.free_database(contents, removed);
    } else {
        db.clear();
    }
    ctx.keyspace.persistence.dirty += removed;
    invalidate_tracked_keys(ctx);
    // Propagated even when the database was already empty.
    ctx.force_propagation();
    Ok(Reply::Ok)
}

fn flushall(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let lazily = parse_flush_mode(ctx, args)?;
    let mut removed = 0;
    for db in 0..ctx.keyspace.db_count() {
        ctx.keyspace.touch_watched_db(db, None, ctx.now_ms);
        ctx.keyspace.blocking.signal_db(db);
        removed += ctx.keyspace.db(db).len() as u64;
    }
    ctx.keyspace.clear_all(lazily);
    ctx.keyspace.persistence.dirty += removed;
    invalidate_tracked_keys(ctx);
    // With save points set, Redis saves the empty dataset at once; the flush itself
    // is one more change.
    if !crate::persistence::save_points(&ctx.config()).is_empty() {
        super::persistence::save_now(ctx);
    }
    ctx.keyspace.persistence.dirty += 1;
    ctx.force_propagation();
    Ok(Reply::Ok)
}

/// A flush, of one database or all, tells every tracking client that all its keys are
/// invalid (tracked keys are not kept per database), and empties the tracking table.
fn invalidate_tracked_keys(ctx: &mut Ctx<'_>) {
    let (tracking, out) = ctx.keyspace.tracking_out(ctx.now_ms);
    tracking.invalidate_all(out);
}

const OBJECT_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "object|encoding",
        3,
        READONLY,
        (2, 2, 1),
        acl::KEYSPACE,
        object_encoding
    ),
    spec!(
        "object|refcount",
        3,
        READONLY,
        (2, 2, 1),
        acl::KEYSPACE,
        object_refcount
    ),
    spec!(
        "object|idletime",
        3,
        READONLY,
        (2, 2, 1),
        acl::KEYSPACE,
        object_idletime
    ),
    spec!(
        "object|freq",
        3,
        READONLY,
        (2, 2, 1),
        acl::KEYSPACE,
        object_freq
    ),
    spec!(
        "object|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        acl::KEYSPACE,
        object_help
    ),
];

/// The keyspace family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!("del", -2, WRITE, (1, -1, 1), acl::KEYSPACE, del),
    spec!(
        "unlink",
        -2,
        WRITE | FAST,
        (1, -1, 1),
        acl::KEYSPACE,
        unlink
    ),
    spec!(
        "exists",
        -2,
        READONLY | FAST,
        (1, -1, 1),
        acl::KEYSPACE,
        exists
    ),
    spec!(
        "touch",
        -2,
        READONLY | FAST,
        (1, -1, 1),
        acl::KEYSPACE,
        touch
    ),
    spec!(
        "type",
        2,
        READONLY | FAST,
        (1, 1, 1),
        acl::KEYSPACE,
        type_of
    ),
    spec!("rename", 3, WRITE, (1, 2, 1), acl::KEYSPACE, rename),
    spec!(
        "renamenx",
        3,
        WRITE | FAST,
        (1, 2, 1),
        acl::KEYSPACE,
        renamenx
    ),
    spec!("copy", -3, WRITE | DENYOOM, (1, 2, 1), acl::KEYSPACE, copy),
    spec!("move", 3, WRITE | FAST, (1, 1, 1), acl::KEYSPACE, move_key),
    spec!("dump", 2, READONLY, (1, 1, 1), acl::KEYSPACE, dump),
    spec!(
        "restore",
        -4,
        WRITE | DENYOOM,
        (1, 1, 1),
        acl::KEYSPACE | acl::DANGEROUS,
        restore
    ),
    // What a cluster node's MIGRATE sends after an ASKING redirection; without a
    // cluster, RESTORE itself.
    spec!(
        "restore-asking",
        -4,
        WRITE | DENYOOM | ASKING,
        (1, 1, 1),
        acl::KEYSPACE | acl::DANGEROUS,
        restore
    ),
    spec!(
        "keys",
        2,
        READONLY,
        (0, 0, 0),
        acl::KEYSPACE | acl::DANGEROUS,
        keys
    ),
    spec!("scan", -2, READONLY, (0, 0, 0), acl::KEYSPACE, scan),
    spec!(
        "randomkey",
        1,
        READONLY,
        (0, 0, 0),
        acl::KEYSPACE,
        randomkey
    ),
    spec!("expire", -3, WRITE | FAST, (1, 1, 1), acl::KEYSPACE, expire),
    spec!(
        "pexpire",
        -3,
        WRITE | FAST,
        (1, 1, 1),
        acl::KEYSPACE,
        pexpire
    ),
    spec!(
        "expireat",
        -3,
        WRITE | FAST,
        (1, 1, 1),
        acl::KEYSPACE,
        expireat
    ),
    spec!(
        "pexpireat",
        -3,
        WRITE | FAST,
        (1, 1, 1),
        acl::KEYSPACE,
        pexpireat
    ),
    spec!("ttl", 2, READONLY | FAST, (1, 1, 1), acl::KEYSPACE, ttl),
    spec!("pttl", 2, READONLY | FAST, (1, 1, 1), acl::KEYSPACE, pttl),
    spec!(
        "expiretime",
        2,
        READONLY | FAST,
        (1, 1, 1),
        acl::KEYSPACE,
        expiretime
    ),
    spec!(
        "pexpiretime",
        2,
        READONLY | FAST,
        (1, 1, 1),
        acl::KEYSPACE,
        pexpiretime
    ),
    spec!(
        "persist",
        2,
        WRITE | FAST,
        (1, 1, 1),
        acl::KEYSPACE,
        persist
    ),
    CommandSpec {
        subcommands: OBJECT_SUBCOMMANDS,
        ..spec!("object", -2, 0, (0, 0, 0), 0, container)
    },
    spec!(
        "select",
        2,
        LOADING | STALE | FAST,
        (0, 0, 0),
        acl::CONNECTION,
        select
    ),
    spec!(
        "swapdb",
        3,
        WRITE | FAST,
        (0, 0, 0),
        acl::KEYSPACE | acl::DANGEROUS,
        swapdb
    ),
    spec!(
        "dbsize",
        1,
        READONLY | FAST,
        (0, 0, 0),
        acl::KEYSPACE,
        dbsize
    ),
    spec!(
        "flushdb",
        -1,
        WRITE,
        (0, 0, 0),
        acl::KEYSPACE | acl::DANGEROUS,
        flushdb
    ),
    spec!(
        "flushall",
        -1,
        WRITE,
        (0, 0, 0),
        acl::KEYSPACE | acl::DANGEROUS,
        flushall
    ),
];
