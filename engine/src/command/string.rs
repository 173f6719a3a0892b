//! The string family: GET/SET and their variants, counters, ranges and LCS.
//!
//! Rules that are easy to get wrong, all as in Redis 7.0: SET without KEEPTTL (and
//! GETSET, MSET) clears a TTL while INCR/APPEND/SETRANGE/INCRBYFLOAT keep it; expire
//! arguments are checked before the key is looked at; INCRBYFLOAT computes in 80-bit
//! long double and prints with `%.17Lf` trimmed; APPEND and SETRANGE leave a `raw`
//! string behind while SET picks `int`/`embstr`/`raw`.

use bytes::Bytes;

use super::flags::*;
use super::{acl, spec, string_mut, string_of, string_reply, CommandSpec, Ctx};
use crate::args::{parse_i64, Args};
use crate::error::CommandError;
use crate::long_double;
use crate::notify;
use crate::reply::Reply;
use crate::types::{StrEncoding, StrValue, Value};

/// How an expiry argument is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExpireArg {
    /// EX: seconds from now.
    Seconds,
    /// PX: milliseconds from now.
    Millis,
    /// EXAT: Unix time in seconds.
    UnixSeconds,
    /// PXAT: Unix time in milliseconds.
    UnixMillis,
}

impl ExpireArg {
    fn keyword(arg: &[u8]) -> Option<Self> {
        [
            ("EX", ExpireArg::Seconds),
            ("PX", ExpireArg::Millis),
            ("EXAT", ExpireArg::UnixSeconds),
            ("PXAT", ExpireArg::UnixMillis),
        ]
        .into_iter()
        .find(|(name, _)| arg.eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, kind)| kind)
    }

    /// The absolute expiry time Redis's `getExpireMillisecondsOrReply` computes.
    fn resolve(
        self,
        value: &[u8],
        now_ms: u64,
        command: &'static str,
    ) -> Result<u64, CommandError> {
        let value = parse_i64(value)?;
        let invalid = CommandError::InvalidExpireTime(command);
        let in_seconds = matches!(self, ExpireArg::Seconds | ExpireArg::UnixSeconds);
        if value <= 0 || (in_seconds && value > i64::MAX / 1000) {
            return Err(invalid);
        }
        let mut ms = if in_seconds { value * 1000 } else { value };
        if matches!(self, ExpireArg::Seconds | ExpireArg::Millis) {
            ms = ms.checked_add(now_ms as i64).ok_or(invalid.clone())?;
        }
        if ms <= 0 {
            return Err(invalid);
        }
        Ok(ms as u64)
    }
}

/// Options of SET, parsed as Redis's `parseExtendedStringArgumentsOrReply` does:
/// conflicting options are a syntax error wherever they appear.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct SetOptions<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    expire: Option<(ExpireArg, &'a [u8])>,
}

impl<'a> SetOptions<'a> {
    fn parse(args: &mut Args<'a>) -> Result<Self, CommandError> {
        let mut options = SetOptions::default();
        while let Some(arg) = args.try_next() {
            let has_expiry = options.expire.is_some();
            if arg.eq_ignore_ascii_case(b"NX") && !options.xx {
                options.nx = true;
            } else if arg.eq_ignore_ascii_case(b"XX") && !options.nx {
                options.xx = true;
            } else if arg.eq_ignore_ascii_case(b"GET") {
                options.get = true;
            } else if arg.eq_ignore_ascii_case(b"KEEPTTL") && !has_expiry {
                options.keep_ttl = true;
            } else if let Some(kind) = ExpireArg::keyword(arg) {
                let repeat = options.expire.is_some_and(|(k, _)| k == kind);
                if options.keep_ttl || (has_expiry && !repeat) || args.is_empty() {
                    return Err(CommandError::Syntax);
                }
                options.expire = Some((kind, args.required()?));
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(options)
    }
}

/// The previous string for SET GET / GETSET: `WRONGTYPE` for another type.
fn previous_string(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Reply, CommandError> {
    Ok(Reply::bulk_or_nil(ctx.read_string(key)?))
}

fn set(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let value = args.key()?;
    let options = SetOptions::parse(args)?;
    let expire_at = match options.expire {
        Some((kind, arg)) => Some(kind.resolve(arg, ctx.now_ms, "set")?),
        None => None,
    };
    let old = if options.get {
        let old = previous_string(ctx, &key)?;
        // Redis answers the old value before it sets anything.
        ctx.reply_point();
        Some(old)
    } else {
        None
    };
    let exists = ctx.write(&key).is_some();
    if (options.nx && exists) || (options.xx && !exists) {
        return Ok(old.unwrap_or(Reply::Nil));
    }
    let keep = if options.keep_ttl && expire_at.is_none() {
        ctx.write(&key).and_then(|entry| entry.expire_at())
    } else {
        None
    };
    ctx.store(&key, Value::string(&value), expire_at.or(keep));
    ctx.notify(notify::STRING, "set", &key);
    if let Some(at) = expire_at {
        ctx.propagate_as_set_pxat(&key, &value, at);
        ctx.notify(notify::GENERIC, "expire", &key);
    } else if options.get && ctx.propagating() {
        // Propagated without its GET options (every one, after the value).
        let argv = args.argv();
        let kept = argv
            .iter()
            .enumerate()
            .filter(|(at, arg)| *at < 3 || !arg.eq_ignore_ascii_case(b"GET"))
            .map(|(_, arg)| arg.clone())
            .collect();
        ctx.propagate_as(kept);
    }
    Ok(old.unwrap_or(Reply::Ok))
}

/// SETNX, SETEX and PSETEX: SET with one option fixed.
fn set_with(
    ctx: &mut Ctx<'_>,
    key: Bytes,
    value: Bytes,
    expire_at: Option<u64>,
    only_if_new: bool,
) -> bool {
    if only_if_new && ctx.exists(&key) {
        return false;
    }
    ctx.store(&key, Value::string(&value), expire_at);
    ctx.notify(notify::STRING, "set", &key);
    if let Some(at) = expire_at {
        ctx.propagate_as_set_pxat(&key, &value, at);
        ctx.notify(notify::GENERIC, "expire", &key);
    }
    true
}

fn setnx(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let (key, value) = (args.key()?, args.key()?);
    Ok(Reply::Int(i64::from(set_with(ctx, key, value, None, true))))
}

fn setex(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    set_expiring(ctx, args, ExpireArg::Seconds, "setex")
}

fn psetex(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    set_expiring(ctx, args, ExpireArg::Millis, "psetex")
}

fn set_expiring(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    unit: ExpireArg,
    command: &'static str,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let expire_at = unit.resolve(args.required()?, ctx.now_ms, command)?;
    let value = args.key()?;
    set_with(ctx, key, value, Some(expire_at), false);
    Ok(Reply::Ok)
}

fn get(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.required()?;
    match ctx.read(key) {
        None => Ok(Reply::Nil),
        Some(entry) => Ok(string_reply(string_of(entry)?)),
    }
}

fn getset(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let (key, value) = (args.key()?, args.key()?);
    let old = previous_string(ctx, &key)?;
    ctx.reply_point();
    ctx.store(&key, Value::string(&value), None);
    ctx.notify(notify::STRING, "set", &key);
    // Propagated as SET.
    if ctx.propagating() {
        ctx.propagate_as(vec![Bytes::from_static(b"SET"), key, value]);
    }
    Ok(old)
}

fn getdel(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.required()?;
    let old = previous_string(ctx, key)?;
    if old != Reply::Nil {
        ctx.reply_point();
        ctx.delete(key);
        let lazy = ctx.keyspace.lazyfree.settings.user_del;
        ctx.propagate_as_deletion(key, lazy);
    }
    Ok(old)
}

/// What GETEX does to the TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GetexAction<'a> {
    Keep,
    Persist,
    Expire(ExpireArg, &'a [u8]),
}

fn parse_getex<'a>(args: &mut Args<'a>) -> Result<GetexAction<'a>, CommandError> {
    let mut action = GetexAction::Keep;
    while let Some(arg) = args.try_next() {
        action = match action {
            GetexAction::Keep if arg.eq_ignore_ascii_case(b"PERSIST") => GetexAction::Persist,
            GetexAction::Persist if arg.eq_ignore_ascii_case(b"PERSIST") => GetexAction::Persist,
            GetexAction::Keep | GetexAction::Expire(..) => match ExpireArg::keyword(arg) {
                Some(kind) if !args.is_empty() => {
                    let same = matches!(action, GetexAction::Expire(k, _) if k == kind);
                    if action != GetexAction::Keep && !same {
                        return Err(CommandError::Syntax);
                    }
                    GetexAction::Expire(kind, args.required()?)
                }
                _ => return Err(CommandError::Syntax),
            },
            GetexAction::Persist => return Err(CommandError::Syntax),
        };
    }
    Ok(action)
}

fn getex(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let action = parse_getex(args)?;
    let Some(value) = ctx.read_string(&key)? else {
        return Ok(Reply::Nil);
    };
    let now = ctx.now_ms;
    // Redis answers the value before it changes the TTL (an error still answers alone).
    ctx.reply_point();
    match action {
        GetexAction::Keep => {}
        GetexAction::Persist => {
            if ctx
                .db()
                .0
                .peek(&key, now)
                .is_some_and(|e| e.expire_at().is_some())
            {
                ctx.db().0.set_expire(&key, None);
                ctx.signal_modified_key(&key);
                if ctx.propagating() {
                    ctx.propagate_as(vec![Bytes::from_static(b"PERSIST"), key.clone()]);
                }
                ctx.notify(notify::GENERIC, "persist", &key);
            }
        }
        GetexAction::Expire(kind, arg) => {
            let at = kind.resolve(arg, now, "getex")?;
            let absolute = matches!(kind, ExpireArg::UnixSeconds | ExpireArg::UnixMillis);
            if absolute && ctx.already_expired(at as i64) {
                ctx.delete(&key);
                let lazy = ctx.keyspace.lazyfree.settings.expire;
                ctx.propagate_as_deletion(&key, lazy);
            } else {
                ctx.db().0.set_expire(&key, Some(at));
                ctx.signal_modified_key(&key);
                if ctx.propagating() {
                    let at = crate::replication::number(at);
                    ctx.propagate_as(vec![Bytes::from_static(b"PEXPIREAT"), key.clone(), at]);
                }
                ctx.notify(notify::GENERIC, "expire", &key);
            }
        }
    }
    Ok(Reply::Bulk(value))
}

fn mget(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let keys = args.rest();
    let mut replies = Vec::with_capacity(keys.len());
    for key in keys {
        let value = ctx
            .read(key)
            .and_then(|entry| string_of(entry).ok().map(StrValue::to_bytes));
        replies.push(Reply::bulk_or_nil(value));
    }
    Ok(Reply::Array(replies))
}

/// MSET and MSETNX: pairs of key and value; an odd count is an arity error.
fn set_pairs(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    command: &'static str,
    only_if_none_exist: bool,
) -> Result<bool, CommandError> {
    let pairs = args.rest();
    if !pairs.len().is_multiple_of(2) {
        return Err(CommandError::WrongArity(command.into()));
    }
    if only_if_none_exist && pairs.chunks(2).any(|pair| ctx.exists(&pair[0])) {
        return Ok(false);
    }
    for pair in pairs.chunks(2) {
        ctx.store(&pair[0], Value::string(&pair[1]), None);
        ctx.notify(notify::STRING, "set", &pair[0]);
    }
    Ok(true)
}

fn mset(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    set_pairs(ctx, args, "mset", false)?;
    Ok(Reply::Ok)
}

fn msetnx(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Int(i64::from(set_pairs(ctx, args, "msetnx", true)?)))
}

/// `ERR string exceeds maximum allowed size` when a string would pass
/// `proto-max-bulk-len` (Redis's `checkStringLength`).
pub(crate) fn check_string_length(ctx: &Ctx<'_>, total: u64) -> Result<(), CommandError> {
    if total > ctx.config().proto_max_bulk_len() {
        Err(CommandError::StringTooLong)
    } else {
        Ok(())
    }
}

/// Runs `edit` on the string under `key` (created empty when missing) as a growable
/// buffer, keeping the key's TTL, and leaves a `raw` string as Redis's in-place edits
/// do. The bytes are edited in place when nothing else shares them, so repeated
/// APPENDs and SETBITs cost what they add, not the length of the string.
pub(crate) fn edit_string<R>(
    ctx: &mut Ctx<'_>,
    key: &Bytes,
    edit: impl FnOnce(&mut Vec<u8>) -> R,
) -> Result<R, CommandError> {
    edit_string_counting(ctx, key, |bytes| (edit(bytes), 1))
}

/// [`edit_string`] whose `edit` also counts the changes it made, as Redis's SETBIT
/// and BITFIELD do: an existing string left as it was (0) is no modification for
/// WATCH, client-side caching or the save points, and each change counts for
/// `rdb_changes_since_last_save`.
pub(crate) fn edit_string_counting<R>(
    ctx: &mut Ctx<'_>,
    key: &Bytes,
    edit: impl FnOnce(&mut Vec<u8>) -> (R, u64),
) -> Result<R, CommandError> {
    let Some(entry) = ctx.write(key) else {
        let mut buffer = Vec::new();
        let (result, changes) = edit(&mut buffer);
        ctx.store(key, Value::raw_string(buffer), None);
        ctx.keyspace.persistence.dirty += changes.saturating_sub(1);
        return Ok(result);
    };
    let string = string_mut(entry)?;
    let mut buffer = std::mem::take(string).into_vec();
    let (result, changes) = edit(&mut buffer);
    *string = StrValue::owned(buffer, StrEncoding::Raw);
    if changes > 0 {
        ctx.signal_modified_key(key);
        ctx.keyspace.persistence.dirty += changes - 1;
    }
    Ok(result)
}

/// Replaces the string under `key` keeping its TTL (INCR, APPEND, ... use `dbOverwrite`).
pub(crate) fn overwrite_keeping_ttl(ctx: &mut Ctx<'_>, key: &Bytes, value: Value) {
    match ctx.write(key) {
        Some(entry) => {
            entry.value = value;
            ctx.signal_modified_key(key);
        }
        None => ctx.store(key, value, None),
    }
}

fn append(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let suffix = args.required()?;
    let Some(entry) = ctx.write(&key) else {
        let len = suffix.len();
        ctx.store(&key, Value::string(suffix), None);
        ctx.notify(notify::STRING, "append", &key);
        return Ok(Reply::Int(len as i64));
    };
    let current = string_of(entry)?.len();
    check_string_length(ctx, (current + suffix.len()) as u64)?;
    let len = edit_string(ctx, &key, |bytes| {
        bytes.extend_from_slice(suffix);
        bytes.len()
    })?;
    ctx.notify(notify::STRING, "append", &key);
    Ok(Reply::Int(len as i64))
}

fn strlen(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let len = ctx
        .read_string(args.required()?)?
        .map_or(0, |value| value.len());
    Ok(Reply::Int(len as i64))
}

/// INCR, DECR, INCRBY, DECRBY: one integer add with Redis's overflow rule.
/// INCR and friends: one lookup, and the new value replaces the old one in place (as
/// Redis updates its integer object); a value that fits stays inline, unallocated.
fn incr_by(ctx: &mut Ctx<'_>, key: &Bytes, delta: i64) -> Result<Reply, CommandError> {
    let value = match ctx.write(key) {
        None => {
            ctx.store(key, integer_value(delta), None);
            delta
        }
        Some(entry) => {
            let value = parse_i64(string_of(entry)?)?
                .checked_add(delta)
                .ok_or(CommandError::IncrOverflow)?;
            entry.value = integer_value(value);
            ctx.signal_modified_key(key);
            value
        }
    };
    ctx.notify(notify::STRING, "incrby", key);
    Ok(Reply::Int(value))
}

/// `n` as a stored string, `int`-encoded.
fn integer_value(n: i64) -> Value {
    let mut text = [0u8; kvdb_resp::fmt::INTEGER_MAX];
    let len = kvdb_resp::fmt::integer_into(n, &mut text);
    Value::Str(StrValue::copied(&text[..len], StrEncoding::Int))
}

fn incr(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    incr_by(ctx, &key, 1)
}

fn decr(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    incr_by(ctx, &key, -1)
}

fn incrby(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let delta = args.i64()?;
    incr_by(ctx, &key, delta)
}

fn decrby(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let delta = args.i64()?;
    let negated = delta.checked_neg().ok_or(CommandError::DecrOverflow)?;
    incr_by(ctx, &key, negated)
}

fn incrbyfloat(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let increment = args.required()?;
    let current = match ctx.write(&key) {
        None => long_double::LongDouble::parse(b"0"),
        Some(entry) => long_double::LongDouble::parse(string_of(entry)?),
    }
    .ok_or(CommandError::NotAFloat)?;
    let increment = long_double::LongDouble::parse(increment).ok_or(CommandError::NotAFloat)?;
    let sum = current.add(increment);
    if !sum.is_finite() {
        return Err(CommandError::NanOrInfinity);
    }
    let text = Bytes::from(sum.to_human_string());
    let encoding = StrEncoding::for_created(&text);
    overwrite_keeping_ttl(ctx, &key, Value::Str(StrValue::copied(&text, encoding)));
    ctx.notify(notify::STRING, "incrbyfloat", &key);
    // Propagated as the value it set, so replicas never round differently.
    if ctx.propagating() {
        let keepttl = Bytes::from_static(b"KEEPTTL");
        ctx.propagate_as(vec![Bytes::from_static(b"SET"), key, text.clone(), keepttl]);
    }
    Ok(Reply::Bulk(text))
}

fn setrange(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let offset = args.i64()?;
    let patch = args.required()?;
    if offset < 0 {
        return Err(CommandError::OffsetOutOfRange);
    }
    let current = match ctx.write(&key) {
        None => 0,
        Some(entry) => string_of(entry)?.len(),
    };
    if patch.is_empty() {
        return Ok(Reply::Int(current as i64));
    }
    check_string_length(ctx, offset as u64 + patch.len() as u64)?;
    let offset = offset as usize;
    let len = edit_string(ctx, &key, |bytes| {
        if bytes.len() < offset + patch.len() {
            bytes.resize(offset + patch.len(), 0);
        }
        bytes[offset..offset + patch.len()].copy_from_slice(patch);
        bytes.len()
    })?;
    ctx.notify(notify::STRING, "setrange", &key);
    Ok(Reply::Int(len as i64))
}

/// The byte range GETRANGE returns for `start..=end` over `len` bytes, with Redis's
/// negative-index rules (including its quirk that two negative indexes with
/// start > end give an empty string before any clamping).
pub(crate) fn string_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    if start < 0 && end < 0 && start > end {
        return None;
    }
    let mut start = if start < 0 { len + start } else { start };
    let mut end = if end < 0 { len + end } else { end };
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return None;
    }
    Some((start as usize, end as usize))
}

fn getrange(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let start = args.i64()?;
    let end = args.i64()?;
    let Some(value) = ctx.read_string(&key)? else {
        return Ok(Reply::Bulk(Bytes::new()));
    };
    Ok(Reply::Bulk(match string_range(start, end, value.len()) {
        Some((from, to)) => value.slice(from..=to),
        None => Bytes::new(),
    }))
}

/// LCS's options: LEN, IDX, MINMATCHLEN n, WITHMATCHLEN.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct LcsOptions {
    len: bool,
    idx: bool,
    with_match_len: bool,
    min_match_len: usize,
}

impl LcsOptions {
    fn parse(args: &mut Args<'_>) -> Result<Self, CommandError> {
        let mut options = LcsOptions::default();
        while let Some(arg) = args.try_next() {
            if arg.eq_ignore_ascii_case(b"IDX") {
                options.idx = true;
            } else if arg.eq_ignore_ascii_case(b"LEN") {
                options.len = true;
            } else if arg.eq_ignore_ascii_case(b"WITHMATCHLEN") {
                options.with_match_len = true;
            } else if arg.eq_ignore_ascii_case(b"MINMATCHLEN") && !args.is_empty() {
                options.min_match_len = usize::try_from(args.i64()?.max(0)).unwrap_or(usize::MAX);
            } else {
                return Err(CommandError::Syntax);
            }
        }
        if options.len && options.idx {
            return Err(CommandError::err(
                "If you want both the length and indexes, please just use IDX.",
            ));
        }
        Ok(options)
    }
}

fn lcs(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let (a_key, b_key) = (args.key()?, args.key()?);
    let mut strings = Vec::with_capacity(2);
    for key in [&a_key, &b_key] {
        strings.push(match ctx.read(key) {
            None => Bytes::new(),
            Some(entry) => string_of(entry)
                .map_err(|_| CommandError::err("The specified keys must contain string values"))?
                .to_bytes(),
        });
    }
    let options = LcsOptions::parse(args)?;
    let limit = ctx.config().proto_max_bulk_len();
    let result = crate::lcs::lcs(&strings[0], &strings[1], limit)
        .map_err(|error| CommandError::err(error.message()))?;
    if options.len {
        return Ok(Reply::Int(result.len as i64));
    }
    if !options.idx {
        return Ok(Reply::Bulk(Bytes::from(result.lcs)));
    }
    let range = |start: usize, end: usize| {
        Reply::Array(vec![Reply::Int(start as i64), Reply::Int(end as i64)])
    };
    let matches = result
        .matches
        .iter()
        .filter(|m| options.min_match_len == 0 || m.len >= options.min_match_len)
        .map(|m| {
            let mut item = vec![range(m.a_start, m.a_end), range(m.b_start, m.b_end)];
            if options.with_match_len {
                item.push(Reply::Int(m.len as i64));
            }
            Reply::Array(item)
        })
        .collect();
    Ok(Reply::Map(vec![
        (Reply::bulk("matches"), Reply::Array(matches)),
        (Reply::bulk("len"), Reply::Int(result.len as i64)),
    ]))
}

/// The string family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!("get", 2, READONLY | FAST, (1, 1, 1), acl::STRING, get),
    spec!("set", -3, WRITE | DENYOOM, (1, 1, 1), acl::STRING, set),
    spec!(
        "setnx",
        3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STRING,
        setnx
    ),
    spec!("setex", 4, WRITE | DENYOOM, (1, 1, 1), acl::STRING, setex),
    spec!("psetex", 4, WRITE | DENYOOM, (1, 1, 1), acl::STRING, psetex),
    spec!(
        "getset",
        3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STRING,
        getset
    ),
    spec!("getdel", 2, WRITE | FAST, (1, 1, 1), acl::STRING, getdel),
    spec!("getex", -2, WRITE | FAST, (1, 1, 1), acl::STRING, getex),
    spec!("mget", -2, READONLY | FAST, (1, -1, 1), acl::STRING, mget),
    spec!("mset", -3, WRITE | DENYOOM, (1, -1, 2), acl::STRING, mset),
    spec!(
        "msetnx",
        -3,
        WRITE | DENYOOM,
        (1, -1, 2),
        acl::STRING,
        msetnx
    ),
    spec!(
        "append",
        3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STRING,
        append
    ),
    spec!("strlen", 2, READONLY | FAST, (1, 1, 1), acl::STRING, strlen),
    spec!(
        "incr",
        2,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STRING,
        incr
    ),
    spec!(
        "decr",
        2,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STRING,
        decr
    ),
    spec!(
        "incrby",
        3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STRING,
        incrby
    ),
    spec!(
        "decrby",
        3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STRING,
        decrby
    ),
    spec!(
        "incrbyfloat",
        3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STRING,
        incrbyfloat
    ),
    spec!(
        "setrange",
        4,
        WRITE | DENYOOM,
        (1, 1, 1),
        acl::STRING,
        setrange
    ),
    spec!("getrange", 4, READONLY, (1, 1, 1), acl::STRING, getrange),
    spec!("substr", 4, READONLY, (1, 1, 1), acl::STRING, getrange),
    spec!("lcs", -3, READONLY, (1, 2, 1), acl::STRING, lcs),
];
