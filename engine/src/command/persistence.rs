//! Persistence commands: `SAVE`, `BGSAVE` and `LASTSAVE`, with what SHUTDOWN, FLUSHALL
//! and DEBUG RELOAD share with them ([`save_now`], [`reload`]). The files are Redis
//! 7.0's RDB format; see `crate::persistence`.

use super::flags::*;
use super::functions::{restore_libraries, RestorePolicy};
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::error::CommandError;
use crate::persistence::{rdb_path, LoadMode};
use crate::rdb::file::SaveOptions;
use crate::reply::Reply;

/// How a file is written now.
fn save_options(ctx: &Ctx<'_>) -> SaveOptions {
    crate::persistence::save_options(&ctx.config(), ctx.keyspace, ctx.now_ms)
}

/// Saves the dataset to the RDB file now; false when it could not be written.
pub(crate) fn save_now(ctx: &mut Ctx<'_>) -> bool {
    let options = save_options(ctx);
    let path = rdb_path(&ctx.config());
    ctx.keyspace.save_to(&path, options, ctx.now_ms)
}

/// `SAVE`: refused while a BGSAVE runs; a plain `ERR` when the file cannot be written.
fn save(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ctx.keyspace.reap_background_save(ctx.now_ms);
    if ctx.keyspace.persistence.in_background() {
        return Err(CommandError::err("Background save already in progress"));
    }
    ctx.keyspace.persistence.saves += 1;
    match save_now(ctx) {
        true => Ok(Reply::Ok),
        false => Err(CommandError::Other("ERR".into())),
    }
}

/// `BGSAVE [SCHEDULE]`: the snapshot now, written by a thread of its own; inside
/// EXEC it is scheduled for the cron, as Redis does.
fn bgsave(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let schedule = match args.rest() {
        [] => false,
        [schedule] if is_keyword(schedule, "SCHEDULE") => true,
        _ => return Err(CommandError::Syntax),
    };
    ctx.keyspace.reap_background_save(ctx.now_ms);
    if ctx.keyspace.persistence.in_background() {
        return Err(CommandError::err("Background save already in progress"));
    }
    // Inside a transaction Redis does not start a child, nor beside an append-only
    // file rewrite: the cron will.
    if ctx.keyspace.aof.rewriting() || ctx.client.in_exec {
        if !schedule && !ctx.client.in_exec {
            return Err(CommandError::err(
                "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE \
                 SCHEDULE in order to schedule a BGSAVE whenever possible.",
            ));
        }
        ctx.keyspace.persistence.scheduled = true;
        return Ok(Reply::status("Background saving scheduled"));
    }
    let options = save_options(ctx);
    let path = rdb_path(&ctx.config());
    match ctx
        .keyspace
        .start_background_save(path, options, ctx.now_ms)
    {
        true => Ok(Reply::status("Background saving started")),
        false => Err(CommandError::err("Background save already in progress")),
    }
}

/// `LASTSAVE`: Unix seconds of the last successful save.
fn lastsave(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ctx.keyspace.reap_background_save(ctx.now_ms);
    Ok(Reply::Int(ctx.keyspace.persistence.last_save as i64))
}

/// Loads `data` (an RDB file) into the dataset as `mode` says, its function libraries
/// through the script host.
pub(crate) fn load(ctx: &mut Ctx<'_>, data: &[u8], mode: LoadMode) -> Result<usize, String> {
    let checksum = ctx.config().rdbchecksum();
    let factory = ctx.shared.script_host.as_ref();
    let create =
        |keyspace: &mut crate::keyspace::Keyspace, codes: Vec<bytes::Bytes>, merge: bool| {
            if mode.flush {
                let dropped = keyspace.scripts.libraries.flush();
                keyspace.scripts.drop_libraries(dropped);
            }
            if codes.is_empty() {
                return Ok(());
            }
            let scripts = &mut keyspace.scripts;
            let host = scripts
                .take_host(factory)
                .ok_or("The file has function libraries, and this engine runs no scripts")?;
            let policy = if merge {
                RestorePolicy::Replace
            } else {
                RestorePolicy::Append
            };
            restore_libraries(scripts, host, &codes, None, policy)
        };
    ctx.keyspace.load(data, mode, checksum, ctx.now_ms, create)
}

/// DEBUG RELOAD's work: save (unless `save` is false), then load the file back.
pub(crate) fn reload(ctx: &mut Ctx<'_>, save: bool, mode: LoadMode) -> Result<(), CommandError> {
    if save && !save_now(ctx) {
        return Err(CommandError::Other("ERR".into()));
    }
    let path = rdb_path(&ctx.config());
    let loaded = std::fs::read(&path)
        .map_err(|error| error.to_string())
        .and_then(|data| load(ctx, &data, mode));
    loaded
        .map(drop)
        .map_err(|_| CommandError::err("Error trying to load the RDB dump"))
}

pub(crate) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "save",
        1,
        ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI,
        (0, 0, 0),
        0,
        save
    ),
    spec!(
        "bgsave",
        -1,
        ADMIN | NOSCRIPT | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        bgsave
    ),
    spec!(
        "lastsave",
        1,
        LOADING | STALE | FAST,
        (0, 0, 0),
        acl::ADMIN | acl::DANGEROUS,
        lastsave
    ),
];
