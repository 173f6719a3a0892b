//! Stream consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER,
//! DELCONSUMER, HELP), XREADGROUP (blocking too), XACK, XPENDING, XCLAIM, XAUTOCLAIM,
//! XINFO GROUPS and CONSUMERS, and the groups of XINFO STREAM FULL.
//!
//! Rules that are easy to get wrong, all as in Redis 7.0: a group command changes no
//! key as WATCH or client-side caching see it (only the change counter moves), and
//! its only events are `xgroup-*` ones (a consumer created by XREADGROUP, XCLAIM or
//! XAUTOCLAIM is an `xgroup-createconsumer`); XREADGROUP with an ID other than `>`
//! answers the consumer's own pending entries at once and never blocks, an entry
//! deleted since showing as its ID with a null; a consumer is created (and seen) only
//! when a read serves it or a claim gives it something; a blocked XREADGROUP is
//! answered `NOGROUP` when its group goes and `UNBLOCKED` when its stream does; XACK
//! on a missing group answers 0 before it looks at the IDs; XCLAIM reads IDs until
//! one does not parse, and the rest are options.

use bytes::Bytes;

use super::flags::*;
use super::stream::{
    entries_reply, entry_reply, parse_id, parse_range_bound, streams_reply, IdRules, ReadArgs,
    BLOCKED_DEFAULT_COUNT, STRICT,
};
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{c_str, is_keyword, parse_i64, Args};
use crate::blocking::BlockedOp;
use crate::error::{CommandError, BUSY_GROUP, NO_GROUP_BLOCKED};
use crate::notify;
use crate::replication::number;
use crate::reply::Reply;
use crate::types::stream::groups::{elapsed, Claimant, CountUpdate, PendingEntry};
use crate::types::stream::{ConsumerGroup, EntryPairs, Stream, StreamId};

/// `Reply::Bulk` of a static name.
fn name(text: &'static str) -> Reply {
    Reply::Bulk(Bytes::from_static(text.as_bytes()))
}

/// An ID as a bulk reply.
fn id_reply(id: StreamId) -> Reply {
    Reply::Bulk(id.to_bytes())
}

/// The time of this command as Redis's signed milliseconds.
fn now(ctx: &Ctx<'_>) -> i64 {
    ctx.now_ms as i64
}

/// One change for the save points, where Redis counts one without signalling the key.
fn dirty(ctx: &mut Ctx<'_>, changes: u64) {
    ctx.keyspace.persistence.dirty += changes;
}

/// `NOGROUP No such key ... or consumer group ...` of XPENDING, XCLAIM, XAUTOCLAIM.
fn no_key_or_group(key: &[u8], group: &[u8]) -> CommandError {
    CommandError::NoKeyOrGroup {
        key: key.to_vec(),
        group: group.to_vec(),
        in_xreadgroup: false,
    }
}

/// A consumer created by a read or a claim: a change, and an event.
fn consumer_created(ctx: &mut Ctx<'_>, key: &[u8], created: bool) {
    if created {
        dirty(ctx, 1);
        ctx.notify(notify::STREAM, "xgroup-createconsumer", key);
    }
}

/// The idempotent form in which a change to a pending entry propagates (Redis's
/// `streamPropagateXCLAIM`): `XCLAIM key group owner 0 id TIME t RETRYCOUNT n FORCE
/// JUSTID LASTID last`, with the entry's owner, delivery time and count.
fn propagated_xclaim(
    key: &Bytes,
    group: &Bytes,
    id: Bytes,
    entry: &PendingEntry,
    last_id: StreamId,
) -> Vec<Bytes> {
    vec![
        Bytes::from_static(b"XCLAIM"),
        key.clone(),
        group.clone(),
        entry.consumer.clone(),
        Bytes::from_static(b"0"),
        id,
        Bytes::from_static(b"TIME"),
        number(entry.delivery_time),
        Bytes::from_static(b"RETRYCOUNT"),
        number(entry.delivery_count),
        Bytes::from_static(b"FORCE"),
        Bytes::from_static(b"JUSTID"),
        Bytes::from_static(b"LASTID"),
        last_id.to_bytes(),
    ]
}

/// How a group's new last ID propagates when no XCLAIM carries it (Redis's
/// `streamPropagateGroupID`): `XGROUP SETID key group id ENTRIESREAD n`, -1 for an
/// unknown read counter.
fn propagated_setid(
    key: &Bytes,
    group: &Bytes,
    last_id: StreamId,
    entries_read: Option<i64>,
) -> Vec<Bytes> {
    vec![
        Bytes::from_static(b"XGROUP"),
        Bytes::from_static(b"SETID"),
        key.clone(),
        group.clone(),
        last_id.to_bytes(),
        Bytes::from_static(b"ENTRIESREAD"),
        number(entries_read.unwrap_or(-1)),
    ]
}

// ---------------------------------------------------------------------------- XGROUP

/// Which XGROUP subcommand runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupCommand {
    Create,
    SetId,
    Destroy,
    CreateConsumer,
    DelConsumer,
}

/// XGROUP's options after the ID (`MKSTREAM`, `ENTRIESREAD n`), parsed as Redis does
/// for every subcommand: only CREATE and SETID take any.
fn group_options(
    argv: &[Bytes],
    command: GroupCommand,
) -> Result<(bool, Option<i64>), CommandError> {
    let mut mkstream = false;
    let mut entries_read = None;
    let mut i = 5;
    let create = command == GroupCommand::Create;
    let setid = command == GroupCommand::SetId;
    while i < argv.len() {
        let opt = c_str(&argv[i]);
        if create && is_keyword(opt, "MKSTREAM") {
            mkstream = true;
            i += 1;
        } else if (create || setid) && is_keyword(opt, "ENTRIESREAD") && i + 1 < argv.len() {
            let n = parse_i64(&argv[i + 1])?;
            if n < -1 {
                return Err(CommandError::err(
                    "value for ENTRIESREAD must be positive or -1",
                ));
            }
            entries_read = (n >= 0).then_some(n);
            i += 2;
        } else {
            return Err(super::subcommand_syntax_error(argv));
        }
    }
    Ok((mkstream, entries_read))
}

fn xgroup_run(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    command: GroupCommand,
) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let (mkstream, entries_read) = group_options(argv, command)?;
    let key = &argv[2];
    let group_name = &argv[3];
    let exists = ctx.write_as::<Stream>(key)?.is_some();
    if !exists && !mkstream {
        return Err(CommandError::err(
            "The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
        ));
    }
    let has_group = exists
        && ctx
            .write_as::<Stream>(key)?
            .is_some_and(|stream| stream.groups.contains_key(group_name));
    let needs_group = matches!(
        command,
        GroupCommand::SetId | GroupCommand::CreateConsumer | GroupCommand::DelConsumer
    );
    if exists && needs_group && !has_group {
        return Err(CommandError::NoGroupForKey {
            key: key.to_vec(),
            group: group_name.to_vec(),
        });
    }
    let now = now(ctx);
    match command {
        GroupCommand::Create if argv.len() <= 8 => {
            let id = match c_str(&argv[4]) {
                b"$" => match ctx.write_as::<Stream>(key)? {
                    Some(stream) => stream.last_id,
                    None => StreamId::MIN,
                },
                _ => parse_id(&argv[4], STRICT)?,
            };
            if !exists {
                ctx.write_or_create::<Stream>(key)?;
                ctx.signal_modified_key(key);
            }
            let Some(stream) = ctx.write_as::<Stream>(key)? else {
                return Err(CommandError::NoSuchKey);
            };
            if stream.groups.contains_key(group_name) {
                return Err(CommandError::Other(BUSY_GROUP.into()));
            }
            let group = ConsumerGroup::new(id, entries_read);
            stream.groups.insert(group_name.clone(), group);
            dirty(ctx, 1);
            ctx.notify(notify::STREAM, "xgroup-create", key);
            Ok(Reply::Ok)
        }
        GroupCommand::SetId if argv.len() == 5 || argv.len() == 7 => {
            let Some(stream) = ctx.write_as::<Stream>(key)? else {
                return Err(CommandError::NoSuchKey);
            };
            let id = match c_str(&argv[4]) {
                b"$" => stream.last_id,
                _ => {
                    let rules = IdRules {
                        missing_seq: 0,
                        strict: false,
                    };
                    parse_id(&argv[4], rules)?
                }
            };
            if let Some(group) = stream.groups.get_mut(group_name) {
                group.last_id = id;
                group.entries_read = entries_read;
            }
            dirty(ctx, 1);
            ctx.notify(notify::STREAM, "xgroup-setid", key);
            Ok(Reply::Ok)
        }
        GroupCommand::Destroy => {
            let Some(stream) = ctx.write_as::<Stream>(key)? else {
                return Err(CommandError::NoSuchKey);
            };
            if stream.groups.remove(group_name).is_none() {
                return Ok(Reply::Int(0));
            }
            dirty(ctx, 1);
            ctx.notify(notify::STREAM, "xgroup-destroy", key);
            // Its blocked readers learn of it: they are answered NOGROUP.
            let db = ctx.client.db;
            ctx.keyspace.blocking.signal(db, key);
            Ok(Reply::Int(1))
        }
        GroupCommand::CreateConsumer => {
            let created = ctx
                .write_as::<Stream>(key)?
                .and_then(|stream| stream.groups.get_mut(group_name))
                .is_some_and(|group| group.create_consumer(&argv[4], now));
            consumer_created(ctx, key, created);
            Ok(Reply::Int(i64::from(created)))
        }
        GroupCommand::DelConsumer => {
            let pending = ctx
                .write_as::<Stream>(key)?
                .and_then(|stream| stream.groups.get_mut(group_name))
                .and_then(|group| group.delete_consumer(&argv[4]));
            if pending.is_some() {
                dirty(ctx, 1);
                ctx.notify(notify::STREAM, "xgroup-delconsumer", key);
            }
            Ok(Reply::Int(pending.unwrap_or(0) as i64))
        }
        _ => Err(super::subcommand_syntax_error(argv)),
    }
}

fn xgroup_create(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    xgroup_run(ctx, args, GroupCommand::Create)
}

fn xgroup_setid(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    xgroup_run(ctx, args, GroupCommand::SetId)
}

fn xgroup_destroy(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    xgroup_run(ctx, args, GroupCommand::Destroy)
}

fn xgroup_createconsumer(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    xgroup_run(ctx, args, GroupCommand::CreateConsumer)
}

fn xgroup_delconsumer(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    xgroup_run(ctx, args, GroupCommand::DelConsumer)
}

fn xgroup_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(super::generic::help_reply(
        "xgroup",
        &[
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
        ],
    ))
}

// ------------------------------------------------------------------------ XREADGROUP

/// `>`: new entries, as the IDs of a read are kept (Redis marks it as the largest ID,
/// so that ID given explicitly means `>` too).
const NEW_ENTRIES: StreamId = StreamId::MAX;

/// Entries as XREADGROUP answers history: a deleted entry is its ID and a null.
fn history_reply(entries: Vec<(StreamId, Option<Vec<Bytes>>)>) -> Reply {
    Reply::Array(
        entries
            .into_iter()
            .map(|(id, pairs)| match pairs {
                Some(pairs) => entry_reply((id, pairs)),
                None => Reply::Array(vec![id_reply(id), Reply::NilArray]),
            })
            .collect(),
    )
}

/// What a group read answers.
#[derive(Debug, Clone, Copy)]
enum GroupRead {
    /// The consumer's own pending entries after this ID.
    History(StreamId),
    /// Entries after this ID (the group's last), new to the group.
    New(StreamId),
}

/// Serves `consumer` of `group` on the stream under `key`: the consumer is seen
/// (created if new), then gets what `read` asks for. `NOGROUP` when the group is gone
/// (a blocked reader's).
fn serve_group(
    ctx: &mut Ctx<'_>,
    key: &Bytes,
    (group, consumer): (&Bytes, &Bytes),
    read: GroupRead,
    count: usize,
    noack: bool,
) -> Result<Reply, CommandError> {
    let now = now(ctx);
    let propagating = ctx.propagating();
    let Some(stream) = ctx.read_as::<Stream>(key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    let Some(created) = stream
        .groups
        .get_mut(group)
        .map(|group| group.touch_consumer(consumer, now).1)
    else {
        return Err(CommandError::Other(NO_GROUP_BLOCKED.into()));
    };
    if created && noack && propagating {
        // XCLAIM creates the consumer on replicas, but NOACK reads propagate none.
        ctx.also_propagate(vec![
            Bytes::from_static(b"XGROUP"),
            Bytes::from_static(b"CREATECONSUMER"),
            key.clone(),
            group.clone(),
            consumer.clone(),
        ]);
    }
    let Some(stream) = ctx.read_as::<Stream>(key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    let reply = match read {
        GroupRead::New(after) => {
            let start = after.successor().unwrap_or(StreamId::MIN);
            let entries = stream
                .deliver_new(group, consumer, start, count, noack, now)
                .unwrap_or_default();
            if propagating {
                let read = (group, consumer, after, noack);
                for argv in delivery_propagation(stream, key, read, &entries) {
                    ctx.also_propagate(argv);
                }
            }
            entries_reply(entries)
        }
        GroupRead::History(after) => {
            let start = after.successor().unwrap_or(StreamId::MIN);
            history_reply(stream.deliver_history(group, consumer, start, count, now))
        }
    };
    consumer_created(ctx, key, created);
    Ok(reply)
}

/// How a delivery of new entries to `consumer` of `group` (whose last ID was `after`)
/// propagates: one idempotent XCLAIM per entry made pending, each carrying the group's
/// last ID as it then was; with NOACK, nothing is pending and the group's new last
/// ID goes as XGROUP SETID.
fn delivery_propagation(
    stream: &Stream,
    key: &Bytes,
    (group, consumer, after, noack): (&Bytes, &Bytes, StreamId, bool),
    entries: &[EntryPairs],
) -> Vec<Vec<Bytes>> {
    let Some(state) = stream.groups.get(group) else {
        return Vec::new();
    };
    if noack {
        if state.last_id == after {
            return Vec::new();
        }
        return vec![propagated_setid(
            key,
            group,
            state.last_id,
            state.entries_read,
        )];
    }
    let mut last_id = after;
    entries
        .iter()
        .filter_map(|(id, _)| {
            last_id = last_id.max(*id);
            let entry = state.pending.get(id)?;
            debug_assert_eq!(&entry.consumer, consumer);
            Some(propagated_xclaim(key, group, id.to_bytes(), entry, last_id))
        })
        .collect()
}

fn xreadgroup(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let read = ReadArgs::parse(ctx, args.argv(), true)?;
    let Some(group) = read.group else {
        return Err(CommandError::err("Missing GROUP option for XREADGROUP"));
    };
    // What a read changes propagates as XCLAIM and XGROUP commands, never as itself.
    ctx.prevent_propagation();
    let mut after = Vec::with_capacity(read.keys.len());
    for (key, arg) in read.keys.iter().zip(read.ids) {
        let has_group = ctx
            .read_as::<Stream>(key)?
            .is_some_and(|stream| stream.groups.contains_key(group.0));
        if !has_group {
            return Err(CommandError::NoKeyOrGroup {
                key: key.to_vec(),
                group: group.0.to_vec(),
                in_xreadgroup: true,
            });
        }
        after.push(match c_str(arg) {
            b"$" => {
                return Err(CommandError::err(
                    "The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
                ))
            }
            b">" => NEW_ENTRIES,
            _ => parse_id(arg, STRICT)?,
        });
    }
    let mut served = Vec::new();
    for (key, &id) in read.keys.iter().zip(&after) {
        let Some(stream) = ctx.read_as::<Stream>(key)? else {
            continue;
        };
        // History is always answered; new entries only when there are some.
        let what = if id == NEW_ENTRIES {
            let Some(last) = stream.groups.get(group.0).map(|g| g.last_id) else {
                continue;
            };
            match stream.last_live_id() {
                Some(top) if top > last => GroupRead::New(last),
                _ => continue,
            }
        } else {
            GroupRead::History(id)
        };
        let entries = serve_group(ctx, key, group, what, read.count, read.noack)?;
        dirty(ctx, 1);
        served.push((key.clone(), entries));
    }
    if !served.is_empty() {
        return Ok(streams_reply(ctx.client.protocol, served));
    }
    let Some(deadline) = read.deadline else {
        return Ok(Reply::NilArray);
    };
    let op = BlockedOp::XReadGroup {
        group: group.0.clone(),
        consumer: group.1.clone(),
        noack: read.noack,
        count: match read.count {
            0 => BLOCKED_DEFAULT_COUNT,
            n => n,
        },
    };
    ctx.block(read.keys, deadline, op, Reply::NilArray)
}

/// Serves a client blocked in XREADGROUP on `key`, which holds a stream with new
/// entries for the group, or without the group: `[[key, entries]]` (a map in RESP3),
/// or `NOGROUP`.
pub(crate) fn serve_blocked(
    ctx: &mut Ctx<'_>,
    key: &Bytes,
    (group, consumer): (&Bytes, &Bytes),
    noack: bool,
    count: usize,
) -> Result<Reply, CommandError> {
    let last = ctx
        .read_as::<Stream>(key)?
        .and_then(|stream| stream.groups.get(group))
        .map(|group| group.last_id)
        .ok_or(CommandError::Other(NO_GROUP_BLOCKED.into()))?;
    let read = GroupRead::New(last);
    let entries = serve_group(ctx, key, (group, consumer), read, count, noack)?;
    Ok(streams_reply(
        ctx.client.protocol,
        vec![(key.clone(), entries)],
    ))
}

// ------------------------------------------------------------------ XACK, XPENDING

fn xack(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let group = args.key()?;
    let ids = args.rest();
    let has_group = ctx
        .read_as::<Stream>(&key)?
        .is_some_and(|stream| stream.groups.contains_key(&group));
    if !has_group {
        return Ok(Reply::Int(0));
    }
    // Every ID is checked before anything is acknowledged.
    let ids = ids
        .iter()
        .map(|arg| parse_id(arg, STRICT))
        .collect::<Result<Vec<_>, _>>()?;
    let acknowledged = ctx
        .read_as::<Stream>(&key)?
        .and_then(|stream| stream.groups.get_mut(&group))
        .map_or(0, |group| ids.iter().filter(|id| group.ack(**id)).count());
    dirty(ctx, acknowledged as u64);
    Ok(Reply::Int(acknowledged as i64))
}

/// XPENDING's extended form: `[IDLE min-idle] start end count [consumer]`.
struct PendingRange<'a> {
    min_idle: i64,
    start: StreamId,
    end: StreamId,
    count: i64,
    consumer: Option<&'a Bytes>,
}

impl<'a> PendingRange<'a> {
    /// Parses the arguments after key and group (3 to 6 of them).
    fn parse(rest: &'a [Bytes]) -> Result<PendingRange<'a>, CommandError> {
        let mut at = 0;
        let mut min_idle = 0;
        if is_keyword(c_str(&rest[0]), "IDLE") {
            min_idle = parse_i64(&rest[1])?;
            if rest.len() < 5 {
                return Err(CommandError::Syntax);
            }
            at = 2;
        }
        let count = parse_i64(&rest[at + 2])?.max(0);
        let (mut start, excluded) = parse_range_bound(&rest[at], 0)?;
        if excluded {
            start = start
                .successor()
                .ok_or_else(|| CommandError::err("invalid start ID for the interval"))?;
        }
        let (mut end, excluded) = parse_range_bound(&rest[at + 1], u64::MAX)?;
        if excluded {
            end = end
                .predecessor()
                .ok_or_else(|| CommandError::err("invalid end ID for the interval"))?;
        }
        Ok(PendingRange {
            min_idle,
            start,
            end,
            count,
            consumer: rest.get(at + 3),
        })
    }
}

fn xpending(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let group_name = args.key()?;
    let rest = args.rest();
    if !rest.is_empty() && !(3..=6).contains(&rest.len()) {
        return Err(CommandError::Syntax);
    }
    let range = match rest.is_empty() {
        true => None,
        false => Some(PendingRange::parse(rest)?),
    };
    let now = now(ctx);
    let group = ctx
        .read_as::<Stream>(&key)?
        .and_then(|stream| stream.groups.get(&group_name))
        .ok_or_else(|| no_key_or_group(&key, &group_name))?;
    let Some(range) = range else {
        let (Some(first), Some(last)) = (
            group.pending.keys().next(),
            group.pending.keys().next_back(),
        ) else {
            return Ok(Reply::Array(vec![
                Reply::Int(0),
                Reply::Nil,
                Reply::Nil,
                Reply::NilArray,
            ]));
        };
        let owners = group
            .consumers
            .iter()
            .filter(|(_, consumer)| !consumer.pending.is_empty())
            .map(|(name, consumer)| {
                Reply::Array(vec![
                    Reply::Bulk(name.clone()),
                    Reply::Bulk(Bytes::from(consumer.pending.len().to_string())),
                ])
            })
            .collect();
        return Ok(Reply::Array(vec![
            Reply::Int(group.pending.len() as i64),
            id_reply(*first),
            id_reply(*last),
            Reply::Array(owners),
        ]));
    };
    let ids: Box<dyn Iterator<Item = &StreamId>> = match range.consumer {
        Some(name) => match group.consumers.get(name) {
            Some(consumer) => Box::new(consumer.pending.range(range.start..)),
            None => return Ok(Reply::Array(Vec::new())),
        },
        None => Box::new(group.pending.range(range.start..).map(|(id, _)| id)),
    };
    let mut left = range.count;
    let mut found = Vec::new();
    for &id in ids {
        if left == 0 || id > range.end {
            break;
        }
        let Some(entry) = group.pending.get(&id) else {
            continue;
        };
        let idle = elapsed(now, entry.delivery_time);
        if range.min_idle != 0 && idle < range.min_idle {
            continue;
        }
        left -= 1;
        found.push(Reply::Array(vec![
            id_reply(id),
            Reply::Bulk(entry.consumer.clone()),
            Reply::Int(idle.max(0)),
            Reply::Int(entry.delivery_count as i64),
        ]));
    }
    Ok(Reply::Array(found))
}

// ------------------------------------------------------------- XCLAIM, XAUTOCLAIM

/// XCLAIM's options after the IDs.
struct ClaimOptions {
    /// When the claimed entries count as delivered.
    delivery_time: i64,
    count: CountUpdate,
    force: bool,
    just_id: bool,
    /// LASTID: the group's last ID moves up to it.
    last_id: StreamId,
}

impl ClaimOptions {
    /// Parses `options` (what follows the IDs) at time `now`.
    fn parse(options: &[Bytes], now: i64) -> Result<ClaimOptions, CommandError> {
        let mut delivery_time = None;
        let mut retry_count = -1;
        let mut parsed = ClaimOptions {
            delivery_time: now,
            count: CountUpdate::Increment,
            force: false,
            just_id: false,
            last_id: StreamId::MIN,
        };
        let mut i = 0;
        let number = |arg: &[u8], what: &str| {
            crate::num::parse_i64(arg).ok_or_else(|| {
                CommandError::err(format!("Invalid {what} option argument for XCLAIM"))
            })
        };
        while i < options.len() {
            let more = i + 1 < options.len();
            let opt = c_str(&options[i]);
            if is_keyword(opt, "FORCE") {
                parsed.force = true;
            } else if is_keyword(opt, "JUSTID") {
                parsed.just_id = true;
            } else if is_keyword(opt, "IDLE") && more {
                i += 1;
                let idle = number(&options[i], "IDLE")?;
                delivery_time = Some(now.wrapping_sub(idle));
            } else if is_keyword(opt, "TIME") && more {
                i += 1;
                delivery_time = Some(number(&options[i], "TIME")?);
            } else if is_keyword(opt, "RETRYCOUNT") && more {
                i += 1;
                retry_count = number(&options[i], "RETRYCOUNT")?;
            } else if is_keyword(opt, "LASTID") && more {
                i += 1;
                parsed.last_id = parse_id(&options[i], STRICT)?;
            } else {
                return Err(CommandError::err(format!(
                    "Unrecognized XCLAIM option '{}'",
                    String::from_utf8_lossy(opt)
                )));
            }
            i += 1;
        }
        // A time in the future or before the epoch is taken as now, not refused:
        // clients may compute it from clocks a little off.
        parsed.delivery_time = delivery_time
            .filter(|&time| (0..=now).contains(&time))
            .unwrap_or(now);
        parsed.count = match u64::try_from(retry_count) {
            Ok(n) => CountUpdate::Set(n),
            Err(_) if parsed.just_id => CountUpdate::Keep,
            Err(_) => CountUpdate::Increment,
        };
        Ok(parsed)
    }
}

/// Entries a claim gave: their IDs with JUSTID, else the entries themselves.
fn claimed_reply(stream: &Stream, ids: &[StreamId], just_id: bool) -> Reply {
    Reply::Array(
        ids.iter()
            .map(|&id| match just_id {
                true => id_reply(id),
                false => match stream.range(id, id, false, 1).pop() {
                    Some(entry) => entry_reply(entry),
                    None => Reply::Array(vec![id_reply(id), Reply::NilArray]),
                },
            })
            .collect(),
    )
}

fn xclaim(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let group_name = args.key()?;
    let consumer = args.key()?;
    let min_idle_arg = args.required()?;
    let rest = args.rest();
    let has_group = ctx
        .read_as::<Stream>(&key)?
        .is_some_and(|stream| stream.groups.contains_key(&group_name));
    if !has_group {
        return Err(no_key_or_group(&key, &group_name));
    }
    let min_idle = crate::num::parse_i64(min_idle_arg)
        .ok_or_else(|| CommandError::err("Invalid min-idle-time argument for XCLAIM"))?
        .max(0);
    // IDs until one does not parse; the rest are options.
    let ids: Vec<StreamId> = rest
        .iter()
        .map_while(|arg| parse_id(arg, STRICT).ok())
        .collect();
    let now = now(ctx);
    let options = ClaimOptions::parse(&rest[ids.len()..], now)?;
    let ctx_propagating = ctx.propagating();
    let Some(stream) = ctx.read_as::<Stream>(&key)? else {
        return Err(no_key_or_group(&key, &group_name));
    };
    let mut changes = 0;
    if let Some(group) = stream.groups.get_mut(&group_name) {
        if options.last_id > group.last_id {
            group.last_id = options.last_id;
            changes += 1;
        }
    }
    let record = ctx_propagating;
    let who = Claimant {
        group: &group_name,
        consumer: &consumer,
        min_idle,
        now,
        record,
    };
    let claimed = stream
        .claim(
            &who,
            &ids,
            options.delivery_time,
            options.count,
            options.force,
        )
        .unwrap_or_default();
    let reply = claimed_reply(stream, &claimed.ids, options.just_id);
    let group = stream.groups.get(&group_name);
    let (last_id, entries_read) = group.map_or((StreamId::MIN, None), |group| {
        (group.last_id, group.entries_read)
    });
    // Redis counts the group's new last ID only when nothing else was counted.
    let counted = (claimed.ids.len() + claimed.dropped) as u64;
    if counted > 0 {
        changes = counted;
    }
    dirty(ctx, changes);
    if ctx_propagating {
        // XCLAIM propagates as one idempotent XCLAIM per pending entry changed, the
        // ID as the client wrote it; a new last ID alone as XGROUP SETID.
        ctx.prevent_propagation();
        for change in &claimed.changes {
            let id_arg = rest[change.at].clone();
            let argv = propagated_xclaim(&key, &group_name, id_arg, &change.entry, last_id);
            ctx.also_propagate(argv);
        }
        if claimed.changes.is_empty() && changes > 0 {
            ctx.also_propagate(propagated_setid(&key, &group_name, last_id, entries_read));
        }
    }
    consumer_created(ctx, &key, claimed.consumer_created);
    Ok(reply)
}

/// The largest XAUTOCLAIM COUNT: what its scratch space can hold.
const AUTOCLAIM_MAX_COUNT: i64 = i64::MAX / 16;

/// Redis allocates 16 bytes per COUNT up front for the IDs it may drop, and answers
/// an error when the allocator refuses: on a 64-bit Linux host jemalloc refuses past
/// its largest mappable size class, 2^46 + 2^44 bytes (measured on Redis 7.0.15:
/// COUNT 5e12 works, 6e12 fails). kvdb needs no such space, but answers the same.
const AUTOCLAIM_SCRATCH_LIMIT: u64 = (1 << 46) + (1 << 44);

fn xautoclaim(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let group_name = args.key()?;
    let consumer = args.key()?;
    let min_idle = crate::num::parse_i64(args.required()?)
        .ok_or_else(|| CommandError::err("Invalid min-idle-time argument for XAUTOCLAIM"))?
        .max(0);
    let (mut start, excluded) = parse_range_bound(args.required()?, 0)?;
    if excluded {
        start = start
            .successor()
            .ok_or_else(|| CommandError::err("invalid start ID for the interval"))?;
    }
    let mut count = 100;
    let mut just_id = false;
    while let Some(opt) = args.try_next() {
        let opt = c_str(opt);
        if is_keyword(opt, "COUNT") && !args.is_empty() {
            count = args.i64_in(1, AUTOCLAIM_MAX_COUNT, Some("COUNT must be > 0"))?;
        } else if is_keyword(opt, "JUSTID") {
            just_id = true;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let now = now(ctx);
    let propagating = ctx.propagating();
    let stream = ctx
        .read_as::<Stream>(&key)?
        .filter(|stream| stream.groups.contains_key(&group_name))
        .ok_or_else(|| no_key_or_group(&key, &group_name))?;
    if (count as u64).saturating_mul(16) > AUTOCLAIM_SCRATCH_LIMIT {
        return Err(CommandError::err(
            "Insufficient memory, failed allocating transient memory, COUNT too high.",
        ));
    }
    let who = Claimant {
        group: &group_name,
        consumer: &consumer,
        min_idle,
        now,
        record: propagating,
    };
    let done = stream
        .auto_claim(&who, start, count as u64, just_id)
        .unwrap_or_default();
    let claimed = claimed_reply(stream, &done.ids, just_id);
    let deleted = done.deleted.iter().map(|id| id_reply(*id)).collect();
    let last_id = stream
        .groups
        .get(&group_name)
        .map_or(StreamId::MIN, |group| group.last_id);
    dirty(ctx, (done.ids.len() + done.deleted.len()) as u64);
    if propagating {
        // As XCLAIM: one idempotent XCLAIM per pending entry claimed or dropped.
        ctx.prevent_propagation();
        for change in &done.changes {
            let id_arg = change.id.to_bytes();
            let argv = propagated_xclaim(&key, &group_name, id_arg, &change.entry, last_id);
            ctx.also_propagate(argv);
        }
    }
    consumer_created(ctx, &key, done.consumer_created);
    Ok(Reply::Array(vec![
        id_reply(done.cursor),
        claimed,
        Reply::Array(deleted),
    ]))
}

// ----------------------------------------------------------------------------- XINFO

/// A group's read counter: null when unknown.
fn entries_read_reply(group: &ConsumerGroup) -> Reply {
    group.entries_read.map_or(Reply::Nil, Reply::Int)
}

/// A group's lag: null when unknown.
fn lag_reply(stream: &Stream, group: &ConsumerGroup) -> Reply {
    stream.group_lag(group).map_or(Reply::Nil, Reply::Int)
}

pub(super) fn xinfo_groups(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let stream = ctx
        .read_as::<Stream>(&key)?
        .ok_or(CommandError::NoSuchKey)?;
    let groups = stream
        .groups
        .iter()
        .map(|(group_name, group)| {
            Reply::Map(vec![
                (name("name"), Reply::Bulk(group_name.clone())),
                (name("consumers"), Reply::Int(group.consumers.len() as i64)),
                (name("pending"), Reply::Int(group.pending.len() as i64)),
                (name("last-delivered-id"), id_reply(group.last_id)),
                (name("entries-read"), entries_read_reply(group)),
                (name("lag"), lag_reply(stream, group)),
            ])
        })
        .collect();
    Ok(Reply::Array(groups))
}

pub(super) fn xinfo_consumers(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let group_name = args.key()?;
    let now = now(ctx);
    let stream = ctx
        .read_as::<Stream>(&key)?
        .ok_or(CommandError::NoSuchKey)?;
    let group = stream
        .groups
        .get(&group_name)
        .ok_or_else(|| CommandError::NoGroupForKey {
            key: key.to_vec(),
            group: group_name.to_vec(),
        })?;
    let consumers = group
        .consumers
        .iter()
        .map(|(consumer_name, consumer)| {
            Reply::Map(vec![
                (name("name"), Reply::Bulk(consumer_name.clone())),
                (name("pending"), Reply::Int(consumer.pending.len() as i64)),
                (
                    name("idle"),
                    Reply::Int(elapsed(now, consumer.seen_time).max(0)),
                ),
            ])
        })
        .collect();
    Ok(Reply::Array(consumers))
}

/// The `groups` of XINFO STREAM FULL: every group with its pending entries and
/// consumers, each list cut at `count` items (0: no limit).
pub(super) fn full_groups_reply(stream: &Stream, count: usize) -> Reply {
    let limit = |n: usize| if count == 0 { n } else { n.min(count) };
    let groups = stream
        .groups
        .iter()
        .map(|(group_name, group)| {
            let pending = group
                .pending
                .iter()
                .take(limit(group.pending.len()))
                .map(|(id, entry)| {
                    Reply::Array(vec![
                        id_reply(*id),
                        Reply::Bulk(entry.consumer.clone()),
                        Reply::Int(entry.delivery_time),
                        Reply::Int(entry.delivery_count as i64),
                    ])
                })
                .collect();
            let consumers = group
                .consumers
                .iter()
                .map(|(consumer_name, consumer)| {
                    let pending = consumer
                        .pending
                        .iter()
                        .take(limit(consumer.pending.len()))
                        .filter_map(|id| group.pending.get(id).map(|entry| (id, entry)))
                        .map(|(id, entry)| {
                            Reply::Array(vec![
                                id_reply(*id),
                                Reply::Int(entry.delivery_time),
                                Reply::Int(entry.delivery_count as i64),
                            ])
                        })
                        .collect();
                    Reply::Map(vec![
                        (name("name"), Reply::Bulk(consumer_name.clone())),
                        (name("seen-time"), Reply::Int(consumer.seen_time)),
                        (name("pel-count"), Reply::Int(consumer.pending.len() as i64)),
                        (name("pending"), Reply::Array(pending)),
                    ])
                })
                .collect();
            Reply::Map(vec![
                (name("name"), Reply::Bulk(group_name.clone())),
                (name("last-delivered-id"), id_reply(group.last_id)),
                (name("entries-read"), entries_read_reply(group)),
                (name("lag"), lag_reply(stream, group)),
                (name("pel-count"), Reply::Int(group.pending.len() as i64)),
                (name("pending"), Reply::Array(pending)),
                (name("consumers"), Reply::Array(consumers)),
            ])
        })
        .collect();
    Reply::Array(groups)
}

// ------------------------------------------------------------------------ the table

const XGROUP_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "xgroup|create",
        -5,
        WRITE | DENYOOM,
        (2, 2, 1),
        acl::STREAM,
        xgroup_create
    ),
    spec!(
        "xgroup|createconsumer",
        5,
        WRITE | DENYOOM,
        (2, 2, 1),
        acl::STREAM,
        xgroup_createconsumer
    ),
    spec!(
        "xgroup|delconsumer",
        5,
        WRITE,
        (2, 2, 1),
        acl::STREAM,
        xgroup_delconsumer
    ),
    spec!(
        "xgroup|destroy",
        4,
        WRITE,
        (2, 2, 1),
        acl::STREAM,
        xgroup_destroy
    ),
    spec!(
        "xgroup|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        acl::STREAM,
        xgroup_help
    ),
    spec!(
        "xgroup|setid",
        -5,
        WRITE,
        (2, 2, 1),
        acl::STREAM,
        xgroup_setid
    ),
];

/// The consumer group commands (XINFO GROUPS and CONSUMERS are XINFO's, in
/// [`super::stream`]).
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        subcommands: XGROUP_SUBCOMMANDS,
        ..spec!("xgroup", -2, 0, (0, 0, 0), 0, super::generic::container)
    },
    spec!(
        "xreadgroup",
        -7,
        WRITE | BLOCKING | MOVABLE_KEYS,
        (0, 0, 0),
        acl::STREAM,
        xreadgroup
    ),
    spec!("xack", -4, WRITE | FAST, (1, 1, 1), acl::STREAM, xack),
    spec!("xpending", -3, READONLY, (1, 1, 1), acl::STREAM, xpending),
    spec!("xclaim", -6, WRITE | FAST, (1, 1, 1), acl::STREAM, xclaim),
    spec!(
        "xautoclaim",
        -6,
        WRITE | FAST,
        (1, 1, 1),
        acl::STREAM,
        xautoclaim
    ),
];
