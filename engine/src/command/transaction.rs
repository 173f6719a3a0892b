//! Transactions: MULTI, EXEC, DISCARD, WATCH and UNWATCH.
//!
//! Queueing happens in dispatch ([`crate::session`]): inside MULTI every command but
//! EXEC, DISCARD, MULTI, WATCH, QUIT and RESET is checked (unknown name, arity, auth)
//! and queued with `+QUEUED`; a refused command makes EXEC answer EXECABORT. EXEC runs
//! the queue under the store lock, at one time snapshot, so no other client and no
//! active expiry can interleave; a run-time error in one command is an error reply in
//! EXEC's array and does not stop the others. A watched key changed (or expired) since
//! WATCH makes EXEC answer a null array.

use super::flags::*;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::Args;
use crate::error::CommandError;
use crate::reply::Reply;
use crate::session::{execute_queued, ClientState};

fn multi(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    open(ctx.client)
}

/// MULTI for `client`: opens its queue. It needs nothing else, so a client can start a
/// transaction while a busy script holds the store.
pub fn open(client: &mut ClientState) -> Result<Reply, CommandError> {
    if client.multi.is_some() {
        return Err(CommandError::err("MULTI calls can not be nested"));
    }
    client.multi = Some(Vec::new());
    Ok(Reply::Ok)
}

/// Forgets the client's transaction and watches (DISCARD, EXEC, RESET).
pub fn discard_transaction(ctx: &mut Ctx<'_>) {
    ctx.client.end_transaction();
    ctx.keyspace.watches.unwatch_all(ctx.client.info.id);
}

fn discard(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    if ctx.client.multi.is_none() {
        return Err(CommandError::err("DISCARD without MULTI"));
    }
    discard_transaction(ctx);
    Ok(Reply::Ok)
}

/// True when a key watched while live has expired since (Redis's
/// `isWatchedKeyExpired`): EXEC then fails even if nothing deleted the key yet.
fn watched_key_expired(ctx: &Ctx<'_>) -> bool {
    let now = ctx.now_ms;
    ctx.keyspace
        .watches
        .live_when_watched(ctx.client.info.id)
        .into_iter()
        .any(|(db, key)| ctx.keyspace.db(db).is_expired(key, now))
}

fn exec(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let Some(queued) = ctx.client.multi.take() else {
        return Err(CommandError::err("EXEC without MULTI"));
    };
    let failed = ctx.client.multi_failed;
    let dirty = ctx.keyspace.watches.is_dirty(ctx.client.info.id) || watched_key_expired(ctx);
    discard_transaction(ctx);
    if failed {
        return Err(CommandError::Other(
            "EXECABORT Transaction discarded because of previous errors.".into(),
        ));
    }
    if dirty {
        return Ok(Reply::NilArray);
    }
    // Blocking commands answer at once inside a transaction.
    let could_block = std::mem::replace(&mut ctx.client.deny_blocking, true);
    ctx.client.in_exec = true;
    ctx.client.exec_queued = queued.len();
    let replies = queued
        .iter()
        .map(|argv| execute_queued(ctx, argv))
        .collect();
    ctx.client.in_exec = false;
    ctx.client.deny_blocking = could_block;
    Ok(Reply::Array(replies))
}

fn watch(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    if ctx.client.multi.is_some() {
        return Err(CommandError::err("WATCH inside MULTI is not allowed"));
    }
    let id = ctx.client.info.id;
    // No point in watching more once a change has spoiled the transaction.
    if ctx.keyspace.watches.is_dirty(id) {
        return Ok(Reply::Ok);
    }
    let db = ctx.client.db;
    let now = ctx.now_ms;
    for key in args.rest() {
        let expired = ctx.keyspace.db(db).is_expired(key, now);
        ctx.keyspace.watches.watch(id, db, key, expired);
    }
    Ok(Reply::Ok)
}

fn unwatch(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ctx.keyspace.watches.unwatch_all(ctx.client.info.id);
    Ok(Reply::Ok)
}

/// The transaction commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "multi",
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        (0, 0, 0),
        acl::TRANSACTION,
        multi
    ),
    spec!(
        "exec",
        1,
        NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG,
        (0, 0, 0),
        acl::TRANSACTION,
        exec
    ),
    spec!(
        "discard",
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        (0, 0, 0),
        acl::TRANSACTION,
        discard
    ),
    spec!(
        "watch",
        -2,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        (1, -1, 1),
        acl::TRANSACTION,
        watch
    ),
    spec!(
        "unwatch",
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        (0, 0, 0),
        acl::TRANSACTION,
        unwatch
    ),
];
