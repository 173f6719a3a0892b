//! Replication and monitoring surface of a master: WAIT, ROLE, LATENCY, SLOWLOG and
//! MONITOR.
//!
//! WAIT counts the replicas ([`crate::command::sync`]) that acknowledged the client's
//! last write, blocking until enough have or its timeout passes; ROLE lists them.
//! LATENCY reports the latency monitor's samples and the commands' latency histograms
//! ([`crate::latency`]), DOCTOR's report on them and GRAPH's sparkline.

use bytes::Bytes;

use super::flags::*;
use super::generic::help_reply;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::Args;
use crate::error::CommandError;
use crate::reply::Reply;

/// WAIT numreplicas timeout: the number of replicas that acknowledged the client's
/// last propagated write, at once when that is enough (or inside MULTI), else when
/// enough have or the timeout (ms; 0: none) passes. The timeout is checked first,
/// then the count. Replicas are asked to acknowledge (`REPLCONF GETACK *`) when the
/// client blocks.
fn wait(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let replicas_arg = args.required()?.clone();
    let timeout = crate::num::parse_i64(args.required()?)
        .ok_or_else(|| CommandError::err("timeout is not an integer or out of range"))?;
    if timeout < 0 {
        return Err(CommandError::err("timeout is negative"));
    }
    let wanted = crate::args::parse_i64(&replicas_arg)?;
    let offset = ctx.client.write_offset;
    let acked = ctx.keyspace.replication.acked(offset);
    if i64::try_from(acked).unwrap_or(i64::MAX) >= wanted || ctx.client.deny_blocking {
        return Ok(Reply::Int(acked as i64));
    }
    let deadline = (timeout > 0).then(|| ctx.now_ms.saturating_add(timeout as u64));
    let reply = ctx.block_without_keys(deadline, Reply::Int(acked as i64))?;
    if let Some((slot, _)) = &ctx.client.blocked {
        let waiter = crate::replication::AckWaiter {
            client_id: ctx.client.info.id,
            slot: slot.clone(),
            offset,
            replicas: usize::try_from(wanted).unwrap_or(usize::MAX),
        };
        let replication = &mut ctx.keyspace.replication;
        replication.ack_waiters.push(waiter);
        let getack = [&b"REPLCONF"[..], b"GETACK", b"*"].map(Bytes::from_static);
        replication.send_to_replicas(&getack, ctx.now_ms);
    }
    Ok(reply)
}

/// MONITOR: from now on the client receives every command run (but administrative
/// ones), as status lines; a second MONITOR is ignored without a reply, as in Redis.
fn monitor(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    if ctx.client.deny_blocking {
        return Err(CommandError::err(
            "MONITOR isn't allowed for DENY BLOCKING client",
        ));
    }
    if ctx.client.monitoring {
        ctx.client.skip_reply = true;
        return Ok(Reply::Nil);
    }
    let id = ctx.client.info.id;
    let mailbox = ctx.keyspace.pubsub.mailbox(id);
    ctx.keyspace.monitors.push((id, mailbox.clone()));
    ctx.client.mailbox = Some(mailbox);
    ctx.client.monitoring = true;
    ctx.client.info.monitor = true;
    ctx.client.info_changed = true;
    Ok(Reply::Ok)
}

/// Stops MONITOR for the client (RESET).
pub fn stop_monitoring(ctx: &mut Ctx<'_>) {
    let id = ctx.client.info.id;
    ctx.keyspace.monitors.retain(|(monitor, _)| *monitor != id);
    ctx.client.monitoring = false;
    ctx.client.info.monitor = false;
    ctx.client.info_changed = true;
}

/// ROLE: `master`, the stream's offset, and each replica's address, listening port and
/// acknowledged offset; on a replica, `slave` and its master's address, the link's
/// state and the offset applied.
fn role(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let replication = &ctx.keyspace.replication;
    if let Some(master) = &replication.master {
        // A replica: its master, the link's state and the offset applied.
        let offset = master
            .client
            .map_or(-1, |client| client.applied_offset as i64);
        return Ok(Reply::Array(vec![
            Reply::bulk("slave"),
            Reply::bulk(master.host.clone()),
            Reply::Int(i64::from(master.port)),
            Reply::bulk(master.state.role_name()),
            Reply::Int(offset),
        ]));
    }
    let replicas = replication.replicas.iter().map(|replica| {
        Reply::Array(vec![
            Reply::bulk(replica.ip.clone()),
            Reply::bulk(replica.listening_port.to_string()),
            Reply::bulk(replica.ack_offset.to_string()),
        ])
    });
    Ok(Reply::Array(vec![
        Reply::bulk("master"),
        Reply::Int(replication.offset as i64),
        Reply::Array(replicas.collect()),
    ]))
}

/// LATENCY LATEST: each event class's newest sample and its maximum.
fn latency_latest(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let int = |n: u64| Reply::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let events = ctx.keyspace.latency.events().filter_map(|(name, series)| {
        let latest = series.latest()?;
        Some(Reply::Array(vec![
            Reply::bulk(name),
            int(latest.time),
            int(latest.latency),
            int(series.max),
        ]))
    });
    Ok(Reply::Array(events.collect()))
}

/// LATENCY HISTORY event: the class's samples as (time, latency), oldest first.
fn latency_history(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let event = args.required()?;
    let int = |n: u64| Reply::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let samples = ctx
        .keyspace
        .latency
        .series(event)
        .map_or_else(Vec::new, |series| {
            series
                .samples()
                .map(|sample| Reply::Array(vec![int(sample.time), int(sample.latency)]))
                .collect()
        });
    Ok(Reply::Array(samples))
}

/// LATENCY GRAPH event: the class's samples as Redis's ASCII sparkline.
fn latency_graph(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let event = args.required()?;
    let latency = &ctx.keyspace.latency;
    let Some((name, series)) = latency.events().find(|(name, _)| name.as_bytes() == event) else {
        return Err(CommandError::err(format!(
            "No samples available for event '{}'",
            String::from_utf8_lossy(crate::args::c_str(event))
        )));
    };
    let graph = crate::latency::graph(name, series, ctx.now_ms / 1000);
    Ok(Reply::Verbatim(*b"txt", Bytes::from(graph)))
}

/// LATENCY RESET [event ...]: forgets the classes named (all without names).
fn latency_reset(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let names = args.rest();
    let reset = ctx
        .keyspace
        .latency
        .reset((!names.is_empty()).then_some(names));
    Ok(Reply::Int(reset as i64))
}

/// LATENCY DOCTOR: Redis's human-readable report on the samples.
fn latency_doctor(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let context = {
        let config = ctx.config();
        crate::latency::DoctorContext {
            slowlog_threshold_us: config.slowlog_settings().0,
            hz: u64::from(config.hz()),
        }
    };
    let report = ctx.keyspace.latency.doctor(context, ctx.now_ms / 1000);
    Ok(Reply::Verbatim(*b"txt", bytes::Bytes::from(report)))
}

/// LATENCY HISTOGRAM [command ...]: each command's (or each named one's, with its
/// subcommands) calls and cumulative latency distribution; unknown names and commands
/// never called are left out.
fn latency_histogram(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let table = super::table();
    let mut ids = Vec::new();
    if args.is_empty() {
        ids.extend((0..table.id_count()).filter_map(|id| super::CommandId::try_from(id).ok()));
    } else {
        for name in args.rest() {
            let Some(id) = table.id_of_full_name(name) else {
                continue;
            };
            ids.push(id);
            ids.extend(table.subcommand_ids(id));
        }
    }
    let int = |n: u64| Reply::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let mut entries = Vec::new();
    for id in ids {
        let Some(counters) = ctx.stats.command(id) else {
            continue;
        };
        if counters.latency.calls == 0 {
            continue;
        }
        let histogram = counters
            .latency
            .report()
            .into_iter()
            .map(|(micros, count)| (int(micros), int(count)))
            .collect();
        entries.push((
            Reply::bulk(table.by_id(id).name),
            Reply::Map(vec![
                (Reply::bulk("calls"), int(counters.latency.calls)),
                (Reply::bulk("histogram_usec"), Reply::Map(histogram)),
            ]),
        ));
    }
    Ok(Reply::Map(entries))
}

fn latency_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(help_reply(
        "latency",
        &[
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ],
    ))
}

fn slowlog_get(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let log = &ctx.keyspace.slowlog;
    let count = match args.is_empty() {
        true => 10,
        false => match args.i64_in(
            -1,
            i64::MAX,
            Some("count should be greater than or equal to -1"),
        )? {
            -1 => log.len(),
            count => usize::try_from(count).unwrap_or(usize::MAX),
        },
    };
    Ok(Reply::Array(
        log.newest(count)
            .map(|entry| {
                Reply::Array(vec![
                    Reply::Int(entry.id as i64),
                    Reply::Int(entry.time as i64),
                    Reply::Int(entry.duration_us as i64),
                    Reply::Array(entry.argv.iter().cloned().map(Reply::Bulk).collect()),
                    Reply::bulk(entry.peer.clone()),
                    Reply::bulk(entry.name.clone()),
                ])
            })
            .collect(),
    ))
}

fn slowlog_len(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Int(ctx.keyspace.slowlog.len() as i64))
}

fn slowlog_reset(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ctx.keyspace.slowlog.reset();
    Ok(Reply::Ok)
}

fn slowlog_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(help_reply(
        "slowlog",
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    ))
}

const SLOWLOG_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "slowlog|get",
        -2,
        ADMIN | LOADING | STALE,
        (0, 0, 0),
        0,
        slowlog_get
    ),
    spec!(
        "slowlog|len",
        2,
        ADMIN | LOADING | STALE,
        (0, 0, 0),
        0,
        slowlog_len
    ),
    spec!(
        "slowlog|reset",
        2,
        ADMIN | LOADING | STALE,
        (0, 0, 0),
        0,
        slowlog_reset
    ),
    spec!(
        "slowlog|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        0,
        slowlog_help
    ),
];

const MONITORING: u32 = ADMIN | NOSCRIPT | LOADING | STALE;

const LATENCY_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "latency|latest",
        2,
        MONITORING,
        (0, 0, 0),
        0,
        latency_latest
    ),
    spec!(
        "latency|history",
        3,
        MONITORING,
        (0, 0, 0),
        0,
        latency_history
    ),
    spec!("latency|reset", -2, MONITORING, (0, 0, 0), 0, latency_reset),
    spec!("latency|graph", 3, MONITORING, (0, 0, 0), 0, latency_graph),
    spec!(
        "latency|doctor",
        2,
        MONITORING,
        (0, 0, 0),
        0,
        latency_doctor
    ),
    spec!(
        "latency|histogram",
        -2,
        MONITORING,
        (0, 0, 0),
        0,
        latency_histogram
    ),
    spec!(
        "latency|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        0,
        latency_help
    ),
];

/// WAIT, ROLE, LATENCY and SLOWLOG.
pub static COMMANDS: &[CommandSpec] = &[
    spec!("wait", 3, NOSCRIPT, (0, 0, 0), acl::CONNECTION, wait),
    spec!("monitor", 1, MONITORING, (0, 0, 0), 0, monitor),
    spec!(
        "role",
        1,
        NOSCRIPT | LOADING | STALE | FAST,
        (0, 0, 0),
        acl::ADMIN | acl::DANGEROUS,
        role
    ),
    CommandSpec {
        subcommands: LATENCY_SUBCOMMANDS,
        ..spec!("latency", -2, 0, (0, 0, 0), 0, super::generic::container)
    },
    CommandSpec {
        subcommands: SLOWLOG_SUBCOMMANDS,
        ..spec!("slowlog", -2, 0, (0, 0, 0), 0, super::generic::container)
    },
];
