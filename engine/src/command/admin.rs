//! Replication and monitoring surface of a lone master: WAIT, ROLE and LATENCY.
//!
//! kvdb has no replicas, so WAIT counts none (blocking until its timeout when asked
//! for more, as Redis does); ROLE answers a master at offset 0; the latency monitor is
//! off as it is by default in Redis (`latency-monitor-threshold 0`), so LATENCY LATEST
//! and HISTORY answer no samples and RESET resets nothing.

use super::flags::*;
use super::generic::help_reply;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::Args;
use crate::error::CommandError;
use crate::reply::Reply;

/// WAIT numreplicas timeout: the timeout (ms) is checked first, then the count; with no
/// replicas the answer is 0, at once when 0 replicas are asked for (or inside MULTI),
/// else when the timeout passes (0: never, until CLIENT UNBLOCK).
fn wait(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let replicas_arg = args.required()?.clone();
    let timeout = crate::num::parse_i64(args.required()?)
        .ok_or_else(|| CommandError::err("timeout is not an integer or out of range"))?;
    if timeout < 0 {
        return Err(CommandError::err("timeout is negative"));
    }
    let replicas = crate::args::parse_i64(&replicas_arg)?;
    if replicas <= 0 {
        return Ok(Reply::Int(0));
    }
    let deadline = (timeout > 0).then(|| ctx.now_ms.saturating_add(timeout as u64));
    ctx.block_without_keys(deadline, Reply::Int(0))
}

fn role(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Array(vec![
        Reply::bulk("master"),
        Reply::Int(0),
        Reply::Array(Vec::new()),
    ]))
}

fn latency_latest(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Array(Vec::new()))
}

fn latency_history(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Array(Vec::new()))
}

fn latency_reset(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Int(0))
}

fn latency_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(help_reply(
        "latency",
        &[
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
        ],
    ))
}

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
    spec!(
        "latency|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        0,
        latency_help
    ),
];

/// WAIT, ROLE and LATENCY.
pub static COMMANDS: &[CommandSpec] = &[
    spec!("wait", 3, NOSCRIPT, (0, 0, 0), acl::CONNECTION, wait),
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
];
