//! The stream family's commands on entries: XADD, XLEN, XRANGE, XREVRANGE, XDEL,
//! XTRIM, XSETID, XREAD (blocking too) and XINFO STREAM / HELP; the consumer group
//! commands are in [`super::stream_groups`], and share this file's ID parsing and
//! entry replies.
//!
//! Rules that are easy to get wrong, all as in Redis 7.0: IDs parse as C strings with
//! `strtoull`'s leniency (`+5`, ` 5`, even `-01` as 2^64-1) once the strict integer
//! parse fails; an empty stream is kept, never deleted; XADD answers before it
//! publishes `xadd` and trims after; `~` trims whole nodes only, under a work limit of
//! `100 * stream-node-max-entries` entries unless LIMIT says otherwise; XRANGE with
//! COUNT 0 answers a null array; XREAD answers a null array when nothing is new, a
//! map of streams in RESP3, and blocks only with BLOCK (never inside MULTI, and not
//! at all from a script).

use bytes::Bytes;

use super::flags::*;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{c_str, is_keyword, parse_i64, Args};
use crate::blocking::BlockedOp;
use crate::error::CommandError;
use crate::notify;
use crate::reply::{Protocol, Reply};
use crate::types::stream::{AppendError, EntryPairs, NewId, Stream, StreamId, TrimStrategy};

/// `ERR Invalid stream ID specified as stream command argument`
fn invalid_id() -> CommandError {
    CommandError::err("Invalid stream ID specified as stream command argument")
}

/// Redis's `string2ull`: the strict integer parse, then C's `strtoull` (leading
/// spaces, a sign, and a negated value wrapping around), the whole text consumed.
fn parse_u64_lenient(text: &[u8]) -> Option<u64> {
    if let Some(n) = crate::num::parse_i64(text) {
        return u64::try_from(n).ok();
    }
    let start = text
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))?;
    let (negative, digits) = match text[start] {
        b'-' => (true, &text[start + 1..]),
        b'+' => (false, &text[start + 1..]),
        _ => (false, &text[start..]),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits.iter().try_fold(0u64, |n, d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })?;
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// How an ID argument is read (Redis's `streamGenericParseIDOrReply`).
#[derive(Clone, Copy)]
pub(super) struct IdRules {
    /// The sequence of an ID given as milliseconds alone.
    pub missing_seq: u64,
    /// `-` and `+` are invalid.
    pub strict: bool,
}

pub(super) const STRICT: IdRules = IdRules {
    missing_seq: 0,
    strict: true,
};

/// Parses `<ms>[-<seq>]`, `-` or `+`; with `seq_star`, also `<ms>-*` (answered as
/// `None` for the sequence).
fn parse_id_or_star(
    arg: &[u8],
    rules: IdRules,
    seq_star: bool,
) -> Result<(u64, Option<u64>), CommandError> {
    if arg.len() > 127 {
        return Err(invalid_id());
    }
    let text = c_str(arg);
    match text {
        b"-" | b"+" if rules.strict => return Err(invalid_id()),
        b"-" => return Ok((0, Some(0))),
        b"+" => return Ok((u64::MAX, Some(u64::MAX))),
        _ => {}
    }
    let (ms, seq) = match text.iter().position(|&b| b == b'-') {
        Some(dash) => (&text[..dash], Some(&text[dash + 1..])),
        None => (text, None),
    };
    let ms = parse_u64_lenient(ms).ok_or_else(invalid_id)?;
    let seq = match seq {
        None => Some(rules.missing_seq),
        Some(b"*") if seq_star => None,
        Some(seq) => Some(parse_u64_lenient(seq).ok_or_else(invalid_id)?),
    };
    Ok((ms, seq))
}

/// A complete stream ID argument.
pub(super) fn parse_id(arg: &[u8], rules: IdRules) -> Result<StreamId, CommandError> {
    let (ms, seq) = parse_id_or_star(arg, rules, false)?;
    Ok(StreamId::new(ms, seq.unwrap_or(rules.missing_seq)))
}

/// A range bound of XRANGE/XREVRANGE: `(` makes it exclusive (and strict).
pub(super) fn parse_range_bound(
    arg: &[u8],
    missing_seq: u64,
) -> Result<(StreamId, bool), CommandError> {
    if arg.len() > 1 && arg[0] == b'(' {
        let rules = IdRules {
            missing_seq,
            strict: true,
        };
        return Ok((parse_id(&arg[1..], rules)?, true));
    }
    let rules = IdRules {
        missing_seq,
        strict: false,
    };
    Ok((parse_id(arg, rules)?, false))
}

/// The options XADD and XTRIM share, and XADD's own.
#[derive(Debug, Default)]
struct TrimArgs {
    strategy: Option<TrimStrategy>,
    approx: bool,
    /// 0: no limit.
    limit: u64,
    /// Where the MAXLEN/MINID value is in argv (after the `~` or `=`, if any).
    strategy_value_pos: usize,
    /// XADD: the ID given (`None` for `*`).
    id: Option<NewId>,
    no_mkstream: bool,
}

/// Redis's `streamParseAddOrTrimArgsOrReply`: the options from argv[2] on; answers
/// them and, for XADD, the position of the ID argument.
fn parse_add_or_trim(
    argv: &[Bytes],
    xadd: bool,
    max_entries: usize,
    must_obey: bool,
) -> Result<(TrimArgs, usize), CommandError> {
    let mut parsed = TrimArgs::default();
    let mut limit_given = false;
    let mut i = 2;
    let incompatible = || {
        CommandError::err(
            "syntax error, MAXLEN and MINID options at the same time are not compatible",
        )
    };
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        let opt = c_str(&argv[i]);
        if xadd && opt == b"*" {
            break;
        } else if (is_keyword(opt, "MAXLEN") || is_keyword(opt, "MINID")) && more > 0 {
            if parsed.strategy.is_some() {
                return Err(incompatible());
            }
            parsed.approx = false;
            let next = c_str(&argv[i + 1]);
            if more >= 2 && (next == b"~" || next == b"=") {
                parsed.approx = next == b"~";
                i += 1;
            }
            let value = &argv[i + 1];
            parsed.strategy_value_pos = i + 1;
            parsed.strategy = Some(if is_keyword(opt, "MAXLEN") {
                let max = parse_i64(value)?;
                let max = u64::try_from(max)
                    .map_err(|_| CommandError::err("The MAXLEN argument must be >= 0."))?;
                TrimStrategy::MaxLen(max)
            } else {
                TrimStrategy::MinId(parse_id(value, STRICT)?)
            });
            i += 1;
        } else if is_keyword(opt, "LIMIT") && more > 0 {
            let limit = parse_i64(&argv[i + 1])?;
            parsed.limit = u64::try_from(limit)
                .map_err(|_| CommandError::err("The LIMIT argument must be >= 0."))?;
            limit_given = true;
            i += 1;
        } else if xadd && is_keyword(opt, "NOMKSTREAM") {
            parsed.no_mkstream = true;
        } else if xadd {
            let (ms, seq) = parse_id_or_star(&argv[i], STRICT, true)?;
            parsed.id = Some(match seq {
                Some(seq) => NewId::Exact(StreamId::new(ms, seq)),
                None => NewId::Ms(ms),
            });
            break;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    if parsed.limit > 0 && parsed.strategy.is_none() {
        return Err(CommandError::err(
            "syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && parsed.strategy.is_none() {
        return Err(CommandError::err(
            "syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if must_obey {
        // What a master or the append-only file sends was rewritten to an exact
        // threshold: it trims exactly that, whatever LIMIT it still carries.
        parsed.limit = 0;
    } else if limit_given {
        if !parsed.approx {
            return Err(CommandError::err(
                "syntax error, LIMIT cannot be used without the special ~ option",
            ));
        }
    } else if parsed.approx {
        // At most 100 nodes' worth of work, kept within sane bounds.
        let limit = (max_entries as u64).saturating_mul(100);
        parsed.limit = if limit == 0 {
            10_000
        } else {
            limit.min(1_000_000)
        };
    } else {
        parsed.limit = 0;
    }
    Ok((parsed, i))
}

/// One entry as replies carry it: `[id, [field, value, ...]]`.
pub(super) fn entry_reply((id, pairs): EntryPairs) -> Reply {
    Reply::Array(vec![
        Reply::Bulk(id.to_bytes()),
        Reply::Array(pairs.into_iter().map(Reply::Bulk).collect()),
    ])
}

/// Entries as an array of [`entry_reply`]s.
pub(super) fn entries_reply(entries: Vec<EntryPairs>) -> Reply {
    Reply::Array(entries.into_iter().map(entry_reply).collect())
}

fn xadd(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let limits = ctx.rules().stream_node_limits;
    let (parsed, id_pos) =
        parse_add_or_trim(argv, true, limits.max_entries, ctx.client.must_obey())?;
    let pairs = argv.get(id_pos + 1..).unwrap_or_default();
    if pairs.len() < 2 || pairs.len() % 2 == 1 {
        return Err(CommandError::WrongArity("xadd".into()));
    }
    if parsed.id == Some(NewId::Exact(StreamId::MIN)) {
        return Err(CommandError::err(
            "The ID specified in XADD must be greater than 0-0",
        ));
    }
    let key = argv[1].clone();
    if parsed.no_mkstream && ctx.write_as::<Stream>(&key)?.is_none() {
        return Ok(Reply::Nil);
    }
    let now_ms = ctx.now_ms;
    let propagating = ctx.propagating();
    let stream = ctx.write_or_create::<Stream>(&key)?;
    if stream.last_id == StreamId::MAX {
        return Err(CommandError::err(
            "The stream has exhausted the last possible ID, unable to add more items",
        ));
    }
    let id = stream
        .append(parsed.id.unwrap_or(NewId::Auto), pairs, limits, now_ms)
        .map_err(|error| match error {
            AppendError::IdNotGreater => CommandError::err(
                "The ID specified in XADD is equal or smaller than the target stream top item",
            ),
            AppendError::TooLarge => CommandError::err("Elements are too large to be stored"),
        })?;
    let trimmed = match parsed.strategy {
        Some(strategy) => stream.trim(strategy, parsed.approx, parsed.limit),
        None => 0,
    };
    let propagated = propagating.then(|| {
        let mut propagated = argv.to_vec();
        if parsed.approx {
            rewrite_approx_trim(&mut propagated, &parsed, stream);
        }
        // An ID left to the server (`*`, `<ms>-*`) propagates as the one generated.
        if !matches!(parsed.id, Some(NewId::Exact(_))) {
            propagated[id_pos] = id.to_bytes();
        }
        propagated
    });
    if let Some(propagated) = propagated {
        ctx.propagate_as(propagated);
    }
    ctx.signal_modified_key(&key);
    ctx.reply_point();
    ctx.notify(notify::STREAM, "xadd", &key);
    if trimmed > 0 {
        ctx.notify(notify::STREAM, "xtrim", &key);
    }
    Ok(Reply::Bulk(id.to_bytes()))
}

fn xrange_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    rev: bool,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let first = args.required()?;
    let second = args.required()?;
    let (start_arg, end_arg) = if rev {
        (second, first)
    } else {
        (first, second)
    };
    let (mut start, start_excluded) = parse_range_bound(start_arg, 0)?;
    if start_excluded {
        start = start
            .successor()
            .ok_or_else(|| CommandError::err("invalid start ID for the interval"))?;
    }
    let (mut end, end_excluded) = parse_range_bound(end_arg, u64::MAX)?;
    if end_excluded {
        end = end
            .predecessor()
            .ok_or_else(|| CommandError::err("invalid end ID for the interval"))?;
    }
    let mut count = None;
    while let Some(arg) = args.try_next() {
        if is_keyword(c_str(arg), "COUNT") && !args.is_empty() {
            count = Some(args.i64()?.max(0));
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let Some(stream) = ctx.read_as::<Stream>(&key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    match count {
        Some(0) => Ok(Reply::NilArray),
        count => {
            let count = count.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
            Ok(entries_reply(stream.range(start, end, rev, count)))
        }
    }
}

fn xrange(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    xrange_generic(ctx, args, false)
}

fn xrevrange(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    xrange_generic(ctx, args, true)
}

fn xlen(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let len = ctx
        .read_as::<Stream>(&key)?
        .map_or(0, |stream| stream.len());
    Ok(Reply::Int(len as i64))
}

fn xdel(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let ids_args = args.rest();
    let Some(stream) = ctx.write_as::<Stream>(&key)? else {
        return Ok(Reply::Int(0));
    };
    // Every ID is checked before anything is deleted.
    let ids = ids_args
        .iter()
        .map(|arg| parse_id(arg, STRICT))
        .collect::<Result<Vec<_>, _>>()?;
    let deleted = stream.delete(&ids);
    if deleted > 0 {
        ctx.signal_modified_key(&key);
        ctx.notify(notify::STREAM, "xdel", &key);
    }
    Ok(Reply::Int(deleted as i64))
}

fn xtrim(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let limits = ctx.rules().stream_node_limits;
    let (parsed, _) = parse_add_or_trim(argv, false, limits.max_entries, ctx.client.must_obey())?;
    let key = argv[1].clone();
    let propagating = ctx.propagating();
    let Some(stream) = ctx.write_as::<Stream>(&key)? else {
        return Ok(Reply::Int(0));
    };
    let removed = match parsed.strategy {
        Some(strategy) => stream.trim(strategy, parsed.approx, parsed.limit),
        None => 0,
    };
    if removed > 0 {
        if parsed.approx && propagating {
            let mut propagated = argv.to_vec();
            rewrite_approx_trim(&mut propagated, &parsed, stream);
            ctx.propagate_as(propagated);
        }
        ctx.notify(notify::STREAM, "xtrim", &key);
        ctx.signal_modified_key(&key);
    }
    Ok(Reply::Int(removed as i64))
}

/// An approximate trim (`~`, maybe with LIMIT) propagates as the exact one its result
/// amounts to, so replicas trim the same entries: `MAXLEN = <length now>` or
/// `MINID = <first entry now, deleted ones included>`; LIMIT stays as given.
fn rewrite_approx_trim(argv: &mut [Bytes], parsed: &TrimArgs, stream: &Stream) {
    let at = parsed.strategy_value_pos;
    argv[at - 1] = Bytes::from_static(b"=");
    argv[at] = match parsed.strategy {
        Some(TrimStrategy::MinId(_)) => stream.first_entry_id().to_bytes(),
        _ => crate::replication::number(stream.len()),
    };
}

fn xsetid(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let id = parse_id(args.required()?, STRICT)?;
    let mut entries_added = None;
    let mut max_deleted = StreamId::MIN;
    while let Some(opt) = args.try_next() {
        let opt = c_str(opt);
        if is_keyword(opt, "ENTRIESADDED") && !args.is_empty() {
            let n = args.i64()?;
            let n = u64::try_from(n)
                .map_err(|_| CommandError::err("entries_added must be positive"))?;
            entries_added = Some(n);
        } else if is_keyword(opt, "MAXDELETEDID") && !args.is_empty() {
            max_deleted = parse_id(args.required()?, STRICT)?;
            if id < max_deleted {
                return Err(CommandError::err(
                    "The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let Some(stream) = ctx.write_as::<Stream>(&key)? else {
        return Err(CommandError::NoSuchKey);
    };
    if let Some(top) = stream.last_live_id() {
        if id < top {
            return Err(CommandError::err(
                "The ID specified in XSETID is smaller than the target stream top item",
            ));
        }
        if entries_added.is_some_and(|n| stream.len() > n) {
            return Err(CommandError::err(
                "The entries_added specified in XSETID is smaller than the target stream length",
            ));
        }
    }
    stream.last_id = id;
    if let Some(n) = entries_added {
        stream.entries_added = n;
    }
    if !max_deleted.is_zero() {
        stream.max_deleted_id = max_deleted;
    }
    // Redis 7.0 counts the change but does not signal the key (no WATCH, no
    // invalidation): only the dirty counter moves.
    ctx.keyspace.persistence.dirty += 1;
    ctx.reply_point();
    ctx.notify(notify::STREAM, "xsetid", &key);
    Ok(Reply::Ok)
}

/// XREAD's answer for the streams that had something: a map in RESP3, an array of
/// `[key, entries]` pairs in RESP2.
pub(super) fn streams_reply(protocol: Protocol, served: Vec<(Bytes, Reply)>) -> Reply {
    match protocol {
        Protocol::Resp3 => Reply::Map(
            served
                .into_iter()
                .map(|(key, entries)| (Reply::Bulk(key), entries))
                .collect(),
        ),
        Protocol::Resp2 => Reply::Array(
            served
                .into_iter()
                .map(|(key, entries)| Reply::Array(vec![Reply::Bulk(key), entries]))
                .collect(),
        ),
    }
}

/// The count a blocked XREAD or XREADGROUP without COUNT is served with.
pub(super) const BLOCKED_DEFAULT_COUNT: usize = 1000;

/// The options of XREAD and XREADGROUP (Redis's `xreadCommand` parses both).
pub(super) struct ReadArgs<'a> {
    /// BLOCK: `Some(None)` to wait forever, `Some(Some(ms))` until that Unix time.
    pub deadline: Option<Option<u64>>,
    /// COUNT (0: no limit).
    pub count: usize,
    /// The keys after STREAMS.
    pub keys: &'a [Bytes],
    /// The ID argument of each key.
    pub ids: &'a [Bytes],
    /// GROUP's group and consumer names (XREADGROUP only).
    pub group: Option<(&'a Bytes, &'a Bytes)>,
    /// NOACK (XREADGROUP only).
    pub noack: bool,
}

impl<'a> ReadArgs<'a> {
    /// Parses `argv` (the command name first) as XREADGROUP when `xreadgroup`, else as
    /// XREAD, which refuses GROUP and NOACK.
    pub fn parse(
        ctx: &Ctx<'_>,
        argv: &'a [Bytes],
        xreadgroup: bool,
    ) -> Result<ReadArgs<'a>, CommandError> {
        let mut parsed = ReadArgs {
            deadline: None,
            count: 0,
            keys: &[],
            ids: &[],
            group: None,
            noack: false,
        };
        let mut streams_at = None;
        let mut i = 1;
        while i < argv.len() {
            let more = argv.len() - 1 - i;
            let opt = c_str(&argv[i]);
            if is_keyword(opt, "BLOCK") && more > 0 {
                if ctx.client.in_script {
                    return Err(CommandError::err(format!(
                        "{} command is not allowed with BLOCK option from scripts",
                        String::from_utf8_lossy(c_str(&argv[0]))
                    )));
                }
                i += 1;
                let millis = parse_i64(&argv[i])
                    .map_err(|_| CommandError::err("timeout is not an integer or out of range"))?;
                let millis =
                    u64::try_from(millis).map_err(|_| CommandError::err("timeout is negative"))?;
                parsed.deadline = Some((millis > 0).then(|| ctx.now_ms.saturating_add(millis)));
            } else if is_keyword(opt, "COUNT") && more > 0 {
                i += 1;
                parsed.count = usize::try_from(parse_i64(&argv[i])?.max(0)).unwrap_or(usize::MAX);
            } else if is_keyword(opt, "STREAMS") && more > 0 {
                if !more.is_multiple_of(2) {
                    return Err(CommandError::err(
                        "Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
                    ));
                }
                streams_at = Some(i + 1);
                break;
            } else if is_keyword(opt, "GROUP") && more >= 2 {
                if !xreadgroup {
                    return Err(CommandError::err(
                        "The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                    ));
                }
                parsed.group = Some((&argv[i + 1], &argv[i + 2]));
                i += 2;
            } else if is_keyword(opt, "NOACK") {
                if !xreadgroup {
                    return Err(CommandError::err(
                        "The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                    ));
                }
                parsed.noack = true;
            } else {
                return Err(CommandError::Syntax);
            }
            i += 1;
        }
        let Some(streams_at) = streams_at else {
            return Err(CommandError::Syntax);
        };
        if xreadgroup && parsed.group.is_none() {
            return Err(CommandError::err("Missing GROUP option for XREADGROUP"));
        }
        let streams = &argv[streams_at..];
        (parsed.keys, parsed.ids) = streams.split_at(streams.len() / 2);
        Ok(parsed)
    }
}

fn xread(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let read = ReadArgs::parse(ctx, args.argv(), false)?;
    let (keys, count) = (read.keys, read.count);
    let mut after = Vec::with_capacity(keys.len());
    for (key, arg) in keys.iter().zip(read.ids) {
        let stream = ctx.read_as::<Stream>(key)?;
        let id = match c_str(arg) {
            b"$" => stream.map_or(StreamId::MIN, |stream| stream.last_id),
            b">" => {
                return Err(CommandError::err(
                    "The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
                ))
            }
            _ => parse_id(arg, STRICT)?,
        };
        after.push(id);
    }
    let mut served = Vec::new();
    for (key, &id) in keys.iter().zip(&after) {
        let Some(stream) = ctx.read_as::<Stream>(key)? else {
            continue;
        };
        if stream.last_live_id().is_some_and(|top| top > id) {
            let start = id.successor().unwrap_or(StreamId::MIN);
            let entries = stream.range(start, StreamId::MAX, false, count);
            served.push((key.clone(), entries_reply(entries)));
        }
    }
    if !served.is_empty() {
        return Ok(streams_reply(ctx.client.protocol, served));
    }
    let Some(deadline) = read.deadline else {
        return Ok(Reply::NilArray);
    };
    let op = BlockedOp::XRead {
        streams: keys.iter().cloned().zip(after).collect(),
        count: if count == 0 {
            BLOCKED_DEFAULT_COUNT
        } else {
            count
        },
    };
    ctx.block(keys, deadline, op, Reply::NilArray)
}

/// Serves a client blocked in XREAD on `key`, which holds a stream past the ID it
/// waits after (the caller checked): `[[key, entries]]` (a map in RESP3).
pub(crate) fn serve_xread(ctx: &mut Ctx<'_>, key: &Bytes, after: StreamId, count: usize) -> Reply {
    let protocol = ctx.client.protocol;
    let entries = match ctx.read_as::<Stream>(key) {
        Ok(Some(stream)) => {
            let start = after.successor().unwrap_or(StreamId::MIN);
            stream.range(start, StreamId::MAX, false, count)
        }
        _ => Vec::new(),
    };
    streams_reply(protocol, vec![(key.clone(), entries_reply(entries))])
}

fn xinfo_stream(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let key = args.key()?;
    let Some(stream) = ctx.read_as::<Stream>(&key)? else {
        return Err(CommandError::NoSuchKey);
    };
    let options = args.rest();
    let full = match options.len() {
        0 => None,
        1 | 3 if is_keyword(c_str(&options[0]), "FULL") => match options.get(1..) {
            Some([word, n]) if is_keyword(c_str(word), "COUNT") => {
                let n = parse_i64(n)?;
                Some(if n < 0 {
                    10
                } else {
                    usize::try_from(n).unwrap_or(usize::MAX)
                })
            }
            Some([]) => Some(10),
            _ => return Err(super::subcommand_syntax_error(argv)),
        },
        _ => return Err(super::subcommand_syntax_error(argv)),
    };
    let id = |id: StreamId| Reply::Bulk(id.to_bytes());
    let name = |text: &'static str| Reply::Bulk(Bytes::from_static(text.as_bytes()));
    let mut fields = vec![
        (name("length"), Reply::Int(stream.len() as i64)),
        (
            name("radix-tree-keys"),
            Reply::Int(stream.nodes().len() as i64),
        ),
        (
            name("radix-tree-nodes"),
            Reply::Int(stream.radix_tree_nodes() as i64),
        ),
        (name("last-generated-id"), id(stream.last_id)),
        (name("max-deleted-entry-id"), id(stream.max_deleted_id)),
        (
            name("entries-added"),
            Reply::Int(stream.entries_added as i64),
        ),
        (name("recorded-first-entry-id"), id(stream.first_id)),
    ];
    let edge = |rev: bool| {
        let mut entry = stream.range(StreamId::MIN, StreamId::MAX, rev, 1);
        entry.pop().map_or(Reply::Nil, entry_reply)
    };
    match full {
        None => fields.extend([
            (name("groups"), Reply::Int(stream.groups.len() as i64)),
            (name("first-entry"), edge(false)),
            (name("last-entry"), edge(true)),
        ]),
        Some(count) => fields.extend([
            (
                name("entries"),
                entries_reply(stream.range(StreamId::MIN, StreamId::MAX, false, count)),
            ),
            (
                name("groups"),
                super::stream_groups::full_groups_reply(stream, count),
            ),
        ]),
    }
    Ok(Reply::Map(fields))
}

fn xinfo_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(super::generic::help_reply(
        "xinfo",
        &[
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        ],
    ))
}

const XINFO_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "xinfo|stream",
        -3,
        READONLY,
        (2, 2, 1),
        acl::STREAM,
        xinfo_stream
    ),
    spec!(
        "xinfo|consumers",
        4,
        READONLY,
        (2, 2, 1),
        acl::STREAM,
        super::stream_groups::xinfo_consumers
    ),
    spec!(
        "xinfo|groups",
        3,
        READONLY,
        (2, 2, 1),
        acl::STREAM,
        super::stream_groups::xinfo_groups
    ),
    spec!(
        "xinfo|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        acl::STREAM,
        xinfo_help
    ),
];

/// The stream family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "xadd",
        -5,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STREAM,
        xadd
    ),
    spec!("xlen", 2, READONLY | FAST, (1, 1, 1), acl::STREAM, xlen),
    spec!("xrange", -4, READONLY, (1, 1, 1), acl::STREAM, xrange),
    spec!("xrevrange", -4, READONLY, (1, 1, 1), acl::STREAM, xrevrange),
    spec!("xdel", -3, WRITE | FAST, (1, 1, 1), acl::STREAM, xdel),
    spec!("xtrim", -4, WRITE, (1, 1, 1), acl::STREAM, xtrim),
    spec!(
        "xsetid",
        -3,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::STREAM,
        xsetid
    ),
    spec!(
        "xread",
        -4,
        READONLY | BLOCKING | MOVABLE_KEYS,
        (0, 0, 0),
        acl::STREAM,
        xread
    ),
    CommandSpec {
        subcommands: XINFO_SUBCOMMANDS,
        ..spec!("xinfo", -2, 0, (0, 0, 0), 0, super::generic::container)
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_as_redis_s_string2ull() {
        assert_eq!(parse_u64_lenient(b"5"), Some(5));
        assert_eq!(parse_u64_lenient(b"+5"), Some(5));
        assert_eq!(parse_u64_lenient(b" 05"), Some(5));
        assert_eq!(parse_u64_lenient(b"-01"), Some(u64::MAX));
        assert_eq!(parse_u64_lenient(b"-1"), None);
        assert_eq!(parse_u64_lenient(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64_lenient(b"18446744073709551616"), None);
        assert_eq!(parse_u64_lenient(b""), None);
        assert_eq!(parse_u64_lenient(b"5 "), None);
    }

    #[test]
    fn incomplete_and_special_ids() {
        let loose = IdRules {
            missing_seq: u64::MAX,
            strict: false,
        };
        assert_eq!(parse_id(b"7", loose), Ok(StreamId::new(7, u64::MAX)));
        assert_eq!(parse_id(b"+", loose), Ok(StreamId::MAX));
        assert!(parse_id(b"+", STRICT).is_err());
        assert!(parse_id(b"-5", loose).is_err());
        assert_eq!(parse_id(b"7-1\0junk", STRICT), Ok(StreamId::new(7, 1)));
        assert_eq!(parse_id_or_star(b"7-*", STRICT, true), Ok((7, None)));
        assert!(parse_id(b"7-*", STRICT).is_err());
    }
}
