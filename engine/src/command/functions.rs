//! Redis 7.0 Functions: `FCALL`, `FCALL_RO` and the `FUNCTION` subcommands (Redis's
//! `functions.c`). The libraries live in [`crate::functions::Libraries`]; loading and
//! calling go through the script host, like `EVAL`, and share its run machinery
//! ([`run_in_host`]).

use bytes::Bytes;

use super::flags::*;
use super::generic::{container, help_reply};
use super::scripting::{
    feed_monitors_first, keys_and_args, kill, prepare_run, run_in_host, take_host, RUNS_SCRIPT,
};
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{is_keyword, parse_i64, Args};
use crate::error::{c_string, CommandError};
use crate::functions::{payload, Counts, Libraries, LOAD_TIMEOUT};
use crate::glob::glob_match;
use crate::reply::Reply;
use crate::scripting::{script_flags, RunKind};

fn fcall(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    fcall_generic(ctx, args, false)
}

fn fcall_ro(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    fcall_generic(ctx, args, true)
}

/// `FCALL`/`FCALL_RO`: the function is looked up before `numkeys` is read; a function
/// without `no-writes` may not run from `FCALL_RO`, and one with it runs read-only.
fn fcall_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    read_only_command: bool,
) -> Result<Reply, CommandError> {
    let argv = args.argv();
    feed_monitors_first(ctx, argv);
    // Function names are `[A-Za-z0-9_]`: bytes that are not UTF-8 name none.
    let called = std::str::from_utf8(&argv[1]).ok();
    let found = called.and_then(|called| ctx.keyspace.scripts.libraries.function_named(called));
    let Some((library, function)) = found else {
        return Err(CommandError::err("Function not found"));
    };
    let (id, body) = (library.id, library.code.slice(library.body_start..));
    // The name as registered; nearly always the one called, borrowed from argv then.
    let name: std::borrow::Cow<'_, str> = match called {
        Some(called) if called == function.name => called.into(),
        _ => function.name.clone().into(),
    };
    let flags = function.flags;
    let numkeys =
        parse_i64(&argv[2]).map_err(|_| CommandError::err("Bad number of keys provided"))?;
    let (keys, function_args) = keys_and_args(argv, numkeys)?;
    let mode = prepare_run(ctx, flags, read_only_command)?;
    run_in_host(ctx, argv, RunKind::Function, &name, mode, |host, calls| {
        host.call_function(id, &body, &name, keys, function_args, calls)
    })
}

/// `FUNCTION LOAD [REPLACE] code`: every argument before the code must be `REPLACE`.
fn function_load(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let Some((code, options)) = args.rest().split_last() else {
        return Err(CommandError::err("Function code is missing"));
    };
    let mut replace = false;
    for option in options {
        if !is_keyword(option, "REPLACE") {
            return Err(CommandError::err(format!(
                "Unknown option given: {}",
                c_string(option, usize::MAX)
            )));
        }
        replace = true;
    }
    let mut host = take_host(ctx, argv)?;
    let scripts = &mut ctx.keyspace.scripts;
    let mut replaced = Vec::new();
    let created =
        scripts
            .libraries
            .create(&mut *host, code, replace, Some(LOAD_TIMEOUT), &mut replaced);
    scripts.put_host(host);
    scripts.drop_libraries(replaced);
    let name = created.map_err(CommandError::err)?;
    ctx.keyspace.persistence.dirty += 1;
    Ok(Reply::bulk(name))
}

/// `FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]`: each option at most once; the
/// pattern matches library names case-insensitively.
fn function_list(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let mut with_code = false;
    let mut pattern = None;
    let rest = args.rest();
    let mut at = 0;
    while at < rest.len() {
        let arg = &rest[at];
        at += 1;
        if !with_code && is_keyword(arg, "WITHCODE") {
            with_code = true;
        } else if pattern.is_none() && is_keyword(arg, "LIBRARYNAME") {
            let Some(given) = rest.get(at) else {
                return Err(CommandError::err("library name argument was not given"));
            };
            pattern = Some(given);
            at += 1;
        } else {
            return Err(CommandError::err(format!(
                "Unknown argument {}",
                c_string(arg, usize::MAX)
            )));
        }
    }
    let libraries = ctx.keyspace.scripts.libraries.iter().filter(|library| {
        pattern.is_none_or(|pattern| glob_match(pattern, library.name.as_bytes(), true))
    });
    Ok(Reply::Array(
        libraries
            .map(|library| {
                let functions = library
                    .functions
                    .iter()
                    .map(|function| {
                        let flags = script_flags::NAMES
                            .iter()
                            .filter(|(bit, _)| function.flags & bit != 0)
                            .map(|(_, name)| Reply::status(name))
                            .collect();
                        Reply::Map(vec![
                            field("name", Reply::bulk(function.name.clone())),
                            field(
                                "description",
                                function.description.clone().map_or(Reply::Nil, Reply::Bulk),
                            ),
                            field("flags", Reply::Set(flags)),
                        ])
                    })
                    .collect();
                let mut map = vec![
                    field("library_name", Reply::bulk(library.name.clone())),
                    field("engine", Reply::bulk(crate::functions::ENGINE_NAME)),
                    field("functions", Reply::Array(functions)),
                ];
                if with_code {
                    map.push(field("library_code", Reply::Bulk(library.code.clone())));
                }
                Reply::Map(map)
            })
            .collect(),
    ))
}

fn field(name: &'static str, value: Reply) -> (Reply, Reply) {
    (Reply::bulk(name), value)
}

fn function_delete(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let name = args.required()?;
    let scripts = &mut ctx.keyspace.scripts;
    let Some(library) = scripts.libraries.delete(name) else {
        return Err(CommandError::err("Library not found"));
    };
    scripts.drop_libraries([library.id]);
    ctx.keyspace.persistence.dirty += 1;
    Ok(Reply::Ok)
}

/// `FUNCTION FLUSH [ASYNC|SYNC]`; FLUSHALL leaves libraries alone.
fn function_flush(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    match args.rest() {
        [] => {}
        [mode] if is_keyword(mode, "SYNC") || is_keyword(mode, "ASYNC") => {}
        [_] => {
            return Err(CommandError::err(
                "FUNCTION FLUSH only supports SYNC|ASYNC option",
            ))
        }
        _ => return Err(super::subcommand_syntax_error(argv)),
    }
    let scripts = &mut ctx.keyspace.scripts;
    let ids = scripts.libraries.flush();
    scripts.drop_libraries(ids);
    ctx.keyspace.persistence.dirty += 1;
    Ok(Reply::Ok)
}

fn function_dump(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let compress = ctx.config().rdbcompression();
    let libraries = ctx.keyspace.scripts.libraries.iter();
    let payload = payload::dump(libraries.map(|library| &library.code[..]), compress);
    Ok(Reply::bulk(payload))
}

/// How `FUNCTION RESTORE` treats the libraries already loaded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RestorePolicy {
    /// The restored libraries replace all those loaded.
    Flush,
    /// They join those loaded; a name taken is an error.
    Append,
    /// They join those loaded, replacing any of the same name.
    Replace,
}

/// `FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]`: every library of the payload is
/// loaded first (with no time limit, as when loading an RDB), then the set replaces,
/// or joins, the libraries loaded; any error leaves them as they were.
fn function_restore(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let policy = match args.rest() {
        [_] => RestorePolicy::Append,
        [_, policy] if is_keyword(policy, "APPEND") => RestorePolicy::Append,
        [_, policy] if is_keyword(policy, "REPLACE") => RestorePolicy::Replace,
        [_, policy] if is_keyword(policy, "FLUSH") => RestorePolicy::Flush,
        [_, _] => {
            return Err(CommandError::err(
                "Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
            ))
        }
        _ => return Err(super::subcommand_syntax_error(argv)),
    };
    let (codes, read_error) = payload::read(&argv[2]).map_err(CommandError::err)?;
    let host = take_host(ctx, argv)?;
    restore_libraries(&mut ctx.keyspace.scripts, host, &codes, read_error, policy)
        .map_err(CommandError::err)?;
    ctx.keyspace.persistence.dirty += 1;
    Ok(Reply::Ok)
}

/// Creates the libraries of `codes` with `host` and adds them to `scripts` under
/// `policy`, as FUNCTION RESTORE and loading an RDB file do: nothing changes unless
/// every library is created (and `read_error`, what stopped reading the codes, is
/// `None`) and, but for FLUSH or REPLACE, none has a name already taken.
pub(crate) fn restore_libraries(
    scripts: &mut crate::scripting::Scripts,
    mut host: Box<dyn crate::scripting::ScriptHost>,
    codes: &[Bytes],
    read_error: Option<String>,
    policy: RestorePolicy,
) -> Result<(), String> {
    let mut restored = Libraries::default();
    let mut dropped = Vec::new();
    let mut outcome = codes
        .iter()
        .try_for_each(|code| {
            restored
                .create(&mut *host, code, false, None, &mut dropped)
                .map(drop)
        })
        .and_then(|()| read_error.map_or(Ok(()), Err));
    scripts.put_host(host);
    if outcome.is_ok() {
        if policy == RestorePolicy::Flush {
            dropped = scripts.libraries.flush();
            scripts.libraries = std::mem::take(&mut restored);
        } else {
            let replace = policy == RestorePolicy::Replace;
            outcome = scripts.libraries.join(&mut restored, replace, &mut dropped);
        }
    }
    // What a failed restore loaded is forgotten by the host too.
    dropped.extend(restored.flush());
    scripts.drop_libraries(dropped);
    outcome
}

/// `FUNCTION STATS` with the store in hand: no function is running.
fn function_stats(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(stats_reply(None, ctx.keyspace.scripts.libraries.counts()))
}

/// A running function as `FUNCTION STATS` shows it: name, command, milliseconds.
pub(crate) type RunningFunction = (String, Vec<Bytes>, u64);

/// `FUNCTION STATS`'s reply; the session answers it from the script status while a
/// function is busy.
pub(crate) fn stats_reply(running: Option<RunningFunction>, counts: Counts) -> Reply {
    let running = match running {
        None => Reply::Nil,
        Some((name, command, ms)) => Reply::Map(vec![
            field("name", Reply::bulk(name)),
            field(
                "command",
                Reply::Array(command.into_iter().map(Reply::Bulk).collect()),
            ),
            field("duration_ms", Reply::Int(ms as i64)),
        ]),
    };
    let engine = Reply::Map(vec![
        field("libraries_count", Reply::Int(counts.libraries as i64)),
        field("functions_count", Reply::Int(counts.functions as i64)),
    ]);
    Reply::Map(vec![
        field("running_script", running),
        field(
            "engines",
            Reply::Map(vec![(Reply::bulk(crate::functions::ENGINE_NAME), engine)]),
        ),
    ])
}

/// `FUNCTION KILL` with the store in hand: no function is running (a busy one is
/// killed by the session without the store).
fn function_kill(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    kill(ctx, RunKind::Function)
}

fn function_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(help_reply(
        "FUNCTION",
        &[
            "LOAD [REPLACE] <FUNCTION CODE>",
            "    Create a new library with the given library name and code.",
            "DELETE <LIBRARY NAME>",
            "    Delete the given library.",
            "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
            "    Return general information on all the libraries:",
            "    * Library name",
            "    * The engine used to run the Library",
            "    * Library description",
            "    * Functions list",
            "    * Library code (if WITHCODE is given)",
            "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
            "STATS",
            "    Return information about the current function running:",
            "    * Function name",
            "    * Command used to run the function",
            "    * Duration in MS that the function is running",
            "    If no function is running, return nil",
            "    In addition, returns a list of available engines.",
            "KILL",
            "    Kill the current running function.",
            "FLUSH [ASYNC|SYNC]",
            "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.",
            "    * SYNC: Synchronously flush the libraries.",
            "DUMP",
            "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
            "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
            "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
            "    control how to handle existing libraries (default APPEND):",
            "    * FLUSH: delete all existing libraries.",
            "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
            "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
            "      libraries with the new libraries (notice that even on this option there is a chance of failure",
            "      in case of functions name collision with another library).",
        ],
    ))
}

const FUNCTION_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "function|delete",
        3,
        WRITE | NOSCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        function_delete
    ),
    spec!(
        "function|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        acl::SCRIPTING,
        function_help
    ),
    spec!(
        "function|dump",
        2,
        NOSCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        function_dump
    ),
    spec!(
        "function|restore",
        -3,
        WRITE | DENYOOM | NOSCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        function_restore
    ),
    spec!(
        "function|flush",
        -2,
        WRITE | NOSCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        function_flush
    ),
    spec!(
        "function|load",
        -3,
        WRITE | DENYOOM | NOSCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        function_load
    ),
    spec!(
        "function|list",
        -2,
        NOSCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        function_list
    ),
    spec!(
        "function|kill",
        2,
        NOSCRIPT | ALLOW_BUSY,
        (0, 0, 0),
        acl::SCRIPTING,
        function_kill
    ),
    spec!(
        "function|stats",
        2,
        NOSCRIPT | ALLOW_BUSY,
        (0, 0, 0),
        acl::SCRIPTING,
        function_stats
    ),
];

/// The functions family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "fcall",
        -3,
        RUNS_SCRIPT | MAY_REPLICATE,
        (0, 0, 0),
        acl::SCRIPTING,
        fcall
    ),
    spec!(
        "fcall_ro",
        -3,
        READONLY | RUNS_SCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        fcall_ro
    ),
    CommandSpec {
        subcommands: FUNCTION_SUBCOMMANDS,
        ..spec!("function", -2, 0, (0, 0, 0), 0, container)
    },
];
