//! Scripting commands: `EVAL`, `EVALSHA` and their read-only twins, and `SCRIPT`; and
//! what they share with `FCALL` ([`run_in_host`], [`keys_and_args`]). The engine keeps
//! the script cache and checks everything Redis checks before a script runs
//! (`evalGenericCommand`, `scriptPrepareForRun`); the script host (the `kvdb-lua`
//! crate) compiles and runs the Lua, calling back through [`ScriptCalls`] for
//! `redis.call`.

use bytes::Bytes;

use super::flags::*;
use super::generic::{container, help_reply};
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{is_keyword, parse_i64, Args};
use crate::error::CommandError;
use crate::reply::{Protocol, Reply};
use crate::scripting::{
    parse_shebang, script_flags, sha1_hex, CachedScript, RunKind, ScriptCalls, ScriptError,
    ScriptHost,
};
use crate::session::{self, ClientState};

fn eval(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    eval_generic(ctx, args, false, false)
}

fn eval_ro(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    eval_generic(ctx, args, false, true)
}

fn evalsha(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    eval_generic(ctx, args, true, false)
}

fn evalsha_ro(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    eval_generic(ctx, args, true, true)
}

/// The `numkeys` keys and the arguments after them (from `argv[3]`), with Redis's
/// checks; callers parse `numkeys` (`argv[2]`) themselves, as their errors differ.
pub(crate) fn keys_and_args(
    argv: &[Bytes],
    numkeys: i64,
) -> Result<(&[Bytes], &[Bytes]), CommandError> {
    let rest = &argv[3..];
    if numkeys > rest.len() as i64 {
        return Err(CommandError::err(
            "Number of keys can't be greater than number of args",
        ));
    }
    if numkeys < 0 {
        return Err(CommandError::err("Number of keys can't be negative"));
    }
    Ok(rest.split_at(numkeys as usize))
}

fn eval_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    by_sha: bool,
    read_only_command: bool,
) -> Result<Reply, CommandError> {
    let argv = args.argv();
    feed_monitors_first(ctx, argv);
    if by_sha && argv[1].len() != 40 {
        return Err(CommandError::Other(crate::error::NO_SCRIPT.into()));
    }
    let (keys, script_args) = keys_and_args(argv, parse_i64(&argv[2])?)?;
    // SHAs are kept in lowercase. Clients nearly always send them so: the SHA as sent is
    // looked up first, and lowercased only when that misses (a key with an uppercase
    // letter can never be found, so the answer is the same).
    let cache = &ctx.keyspace.scripts.cache;
    let (sha, cached): (std::borrow::Cow<'_, str>, _) = match std::str::from_utf8(&argv[1]) {
        Ok(sha) if by_sha => match cache.get(sha) {
            Some(script) => (sha.into(), Some(script.clone())),
            None => lowercase_lookup(cache, &argv[1]),
        },
        Err(_) if by_sha => lowercase_lookup(cache, &argv[1]),
        _ => {
            let sha = sha1_hex(&argv[1]);
            let script = cache.get(&sha).cloned();
            (sha.into(), script)
        }
    };
    let sha = &*sha;
    let script = match cached {
        Some(script) => script,
        None if by_sha => return Err(CommandError::Other(crate::error::NO_SCRIPT.into())),
        None => create_script(ctx, argv, sha, &argv[1])?,
    };
    let mode = prepare_run(ctx, script.flags, read_only_command)?;
    run_in_host(ctx, argv, RunKind::Eval, sha, mode, |host, calls| {
        host.run(sha, script.code(), keys, script_args, calls)
    })
}

/// What a script run may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RunMode {
    /// Write commands are refused (`*_RO`, or the script declared `no-writes`).
    pub read_only: bool,
    /// Commands that may grow memory run even over `maxmemory` (`allow-oom`).
    pub allow_oom: bool,
}

/// The checks Redis's `scriptPrepareForRun` makes on a script's declared `flags`
/// (for an EVAL script without a shebang only the stale one): on a replica whose link
/// is down a script runs only if it declared `allow-stale`, and a script that may
/// write cannot run on a read-only replica, from a `*_RO` command, without the good
/// replicas `min-replicas-to-write` asks for, nor, unless it declared `allow-oom`,
/// while memory was over `maxmemory` when the command started. Answers what the run
/// may do.
pub(crate) fn prepare_run(
    ctx: &Ctx<'_>,
    flags: u32,
    read_only_command: bool,
) -> Result<RunMode, CommandError> {
    let replication = &ctx.keyspace.replication;
    let running_stale = replication.is_stale();
    if flags & script_flags::EVAL_COMPAT_MODE != 0 {
        if running_stale {
            return Err(CommandError::Other(crate::error::MASTER_DOWN.into()));
        }
        return Ok(RunMode {
            read_only: read_only_command,
            allow_oom: false,
        });
    }
    if running_stale && flags & script_flags::ALLOW_STALE == 0 {
        return Err(CommandError::Other(
            "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' \
             and 'allow-stale' flag is not set on the script."
                .into(),
        ));
    }
    let no_writes = flags & script_flags::NO_WRITES != 0;
    if !no_writes {
        if replication.is_replica() && replication.read_only && !ctx.client.info.master {
            return Err(CommandError::Other(
                "READONLY Can not run script with write flag on readonly replica".into(),
            ));
        }
        if read_only_command {
            return Err(CommandError::err(
                "Can not execute a script with write flag using *_ro command.",
            ));
        }
        let min_replicas_set = ctx
            .shared
            .writes_need_replicas
            .load(std::sync::atomic::Ordering::Relaxed);
        if min_replicas_set && !replication.has_good_replicas(ctx.now_ms / 1000) {
            return Err(CommandError::Other(crate::error::NO_REPLICAS.into()));
        }
    }
    let eviction = &ctx.keyspace.eviction;
    let may_grow = flags & (script_flags::ALLOW_OOM | script_flags::NO_WRITES) == 0;
    if may_grow && eviction.oom_at_command_start && eviction.limits.maxmemory != 0 {
        return Err(CommandError::Other(crate::error::OOM_SCRIPT.into()));
    }
    Ok(RunMode {
        read_only: read_only_command || no_writes,
        allow_oom: flags & script_flags::ALLOW_OOM != 0,
    })
}

/// The cached script of a SHA sent with uppercase letters (or bytes no SHA has).
fn lowercase_lookup(
    cache: &foldhash::HashMap<String, CachedScript>,
    sha: &[u8],
) -> (std::borrow::Cow<'static, str>, Option<CachedScript>) {
    let sha = String::from_utf8_lossy(sha).to_ascii_lowercase();
    let script = cache.get(&sha).cloned();
    (sha.into(), script)
}

/// Sends a script-running command to MONITOR clients before it runs: such commands
/// are left out of the generic feed so that they show before the commands they run.
pub(crate) fn feed_monitors_first(ctx: &Ctx<'_>, argv: &[Bytes]) {
    if !ctx.keyspace.monitors.is_empty() {
        session::feed_monitors(ctx, argv);
    }
}

/// Runs a script of `kind` named `name` for the command `argv`: lends the host out,
/// marks the script as running (for `BUSY` and the kill commands), lets `run` call
/// into the host with the engine side of the run (under `mode`), and ends the run.
pub(crate) fn run_in_host(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    kind: RunKind,
    name: &str,
    mode: RunMode,
    run: impl FnOnce(&mut dyn ScriptHost, &mut dyn ScriptCalls) -> Result<Reply, ScriptError>,
) -> Result<Reply, CommandError> {
    let mut host = take_host(ctx, argv)?;
    ctx.shared.script_status.start(kind, name);
    if ctx.keyspace.tracking.has_clients() {
        // A tracking caller's reads inside the script remember the declared keys.
        let declared = || {
            let name = super::table().resolve(argv).map_or("", |spec| spec.name);
            let positions = super::key_positions(name, argv);
            positions.into_iter().map(|at| argv[at].clone()).collect()
        };
        ctx.keyspace
            .tracking
            .begin_script(ctx.client.info.id, declared);
    }
    let kept = std::mem::take(&mut ctx.keyspace.scripts.client);
    let (result, kept) = {
        let mut calls = Calls::new(ctx, mode, argv, kept);
        let result = run(&mut *host, &mut calls);
        (result, calls.into_kept())
    };
    ctx.keyspace.replication.script_targets = crate::replication::TO_ALL;
    ctx.keyspace.tracking.end_script();
    ctx.keyspace.scripts.client = kept;
    ctx.keyspace.scripts.put_host(host);
    finish_run(ctx, result)
}

/// Ends a script run: counts what was refused while it was busy, and turns a script
/// error into the command's error.
fn finish_run(
    ctx: &mut Ctx<'_>,
    result: Result<Reply, ScriptError>,
) -> Result<Reply, CommandError> {
    let status = &ctx.shared.script_status;
    status.finish();
    for (id, code) in std::mem::take(&mut *status.busy_rejections.lock()) {
        ctx.stats.total_error_replies += 1;
        *ctx.stats.errors.entry(code).or_default() += 1;
        if let Some(id) = id {
            ctx.stats.command_mut(id).rejected_calls += 1;
        }
    }
    result.map_err(|error| CommandError::Script {
        text: Bytes::from(error.message),
        counted: error.already_counted,
    })
}

/// Lends out the script host for the command `argv` (give it back with
/// `Scripts::put_host`). An engine built without one answers what Redis answers for a
/// command that does not exist.
pub(crate) fn take_host(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
) -> Result<Box<dyn ScriptHost>, CommandError> {
    ctx.keyspace
        .scripts
        .take_host(ctx.shared.script_host.as_ref())
        .ok_or_else(|| CommandError::UnknownCommand {
            name: argv[0].to_vec(),
            args: argv[1..].iter().map(|arg| arg.to_vec()).collect(),
        })
}

/// Compiles `body` and adds it to the cache (Redis's `luaCreateFunction`); `argv` is
/// the command's, for the error of an engine without a script host.
fn create_script(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    sha: &str,
    body: &Bytes,
) -> Result<CachedScript, CommandError> {
    let (flags, code_start) = parse_shebang(body).map_err(CommandError::err)?;
    let script = CachedScript {
        body: body.clone(),
        code_start,
        flags,
    };
    let mut host = take_host(ctx, argv)?;
    let compiled = host.compile(sha, script.code());
    ctx.keyspace.scripts.put_host(host);
    compiled.map_err(|message| {
        CommandError::err(format!("Error compiling script (new function): {message}"))
    })?;
    ctx.keyspace
        .scripts
        .cache
        .insert(sha.to_string(), script.clone());
    Ok(script)
}

/// The engine side of one script run: `redis.call` runs commands as the script's own
/// client (its database, `redis.setresp` protocol, blocking denied), at the caller's
/// time snapshot.
struct Calls<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    client: ClientState,
    /// The last command name `redis.call` resolved, kept from run to run.
    names: session::ResolvedName,
    mode: RunMode,
    /// The command running the script, until the first stop check notes it in the
    /// script status.
    caller: Option<&'c [Bytes]>,
}

/// What the scripts' client keeps between runs, so that a run allocates nothing for
/// it: the buffer of its address (`lua`), and the last command name it resolved.
#[derive(Debug, Default)]
pub struct KeptClient {
    addr: String,
    names: session::ResolvedName,
}

impl<'c, 'a> Calls<'c, 'a> {
    fn new(ctx: &'c mut Ctx<'a>, mode: RunMode, caller: &'c [Bytes], kept: KeptClient) -> Self {
        let mut client = ClientState::new(0, ctx.client.db, Protocol::Resp2, ctx.now_ms);
        client.deny_blocking = true;
        client.in_script = true;
        // The script's client acts as its caller's user (Redis's `scriptCall`).
        client.user = ctx.client.user.clone();
        client.acl_version = ctx.client.acl_version;
        client.default_needs_auth = ctx.client.default_needs_auth;
        let KeptClient { mut addr, names } = kept;
        addr.clear();
        addr.push_str("lua");
        client.info.addr = addr;
        Calls {
            ctx,
            client,
            names,
            mode,
            caller: Some(caller),
        }
    }

    /// What the next run reuses.
    fn into_kept(mut self) -> KeptClient {
        KeptClient {
            addr: std::mem::take(&mut self.client.info.addr),
            names: std::mem::take(&mut self.names),
        }
    }
}

impl ScriptCalls for Calls<'_, '_> {
    fn call(&mut self, argv: &[Bytes]) -> Result<Reply, String> {
        let client = (&mut self.client, &mut self.names);
        session::execute_in_script(self.ctx, client, argv, self.mode)
    }

    fn protocol(&self) -> Protocol {
        self.client.protocol
    }

    fn set_protocol(&mut self, protocol: Protocol) {
        self.client.protocol = protocol;
    }

    fn should_stop(&mut self) -> bool {
        let shared = self.ctx.shared;
        if let Some(command) = self.caller.take() {
            // Libraries cannot change while a script runs (their commands are
            // `noscript`): these are the counts of the run's start.
            let counts = self.ctx.keyspace.scripts.libraries.counts();
            shared.script_status.note_caller(command, counts);
        }
        if shared.script_status.became_long() {
            if let Some(hook) = shared.long_script_hook.get() {
                hook();
            }
        }
        let threshold_ms = self.ctx.keyspace.scripts.busy_threshold_ms;
        shared.script_status.check(threshold_ms)
    }

    fn acl_check(&mut self, argv: &[Bytes]) -> Option<bool> {
        let id = super::table().resolve_id(argv).ok()?;
        let caller = &self.ctx.client;
        Some(caller.must_obey() || caller.user.check(id, argv).is_ok())
    }

    fn set_replication(&mut self, targets: u8) {
        self.ctx.keyspace.replication.script_targets = targets;
    }

    fn log(&mut self, level: u8, message: &[u8]) {
        let level = crate::log::Level::from_verbosity(level);
        if crate::log::enabled(level) {
            crate::log::log(level, format_args!("{}", String::from_utf8_lossy(message)));
        }
    }
}

fn script_load(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let sha = sha1_hex(&argv[2]);
    if !ctx.keyspace.scripts.cache.contains_key(&sha) {
        create_script(ctx, argv, &sha, &argv[2])?;
    }
    Ok(Reply::bulk(sha))
}

fn script_exists(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let cache = &ctx.keyspace.scripts.cache;
    Ok(Reply::Array(
        args.rest()
            .iter()
            .map(|sha| {
                let sha = String::from_utf8_lossy(sha).to_ascii_lowercase();
                Reply::Int(i64::from(cache.contains_key(&sha)))
            })
            .collect(),
    ))
}

fn script_flush(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    match args.rest() {
        [] => {}
        [mode] if is_keyword(mode, "SYNC") || is_keyword(mode, "ASYNC") => {}
        _ => {
            return Err(CommandError::err(
                "SCRIPT FLUSH only support SYNC|ASYNC option",
            ))
        }
    }
    ctx.keyspace.scripts.flush();
    Ok(Reply::Ok)
}

/// `SCRIPT KILL` with the store in hand: no script is running (a busy one is killed
/// by the session without the store).
fn script_kill(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    kill(ctx, RunKind::Eval)
}

/// `SCRIPT KILL` / `FUNCTION KILL`.
pub(crate) fn kill(ctx: &mut Ctx<'_>, kind: RunKind) -> Result<Reply, CommandError> {
    match ctx.shared.script_status.kill(kind) {
        Ok(()) => Ok(Reply::Ok),
        Err(text) => Err(CommandError::Other(text.into())),
    }
}

fn script_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(help_reply(
        "SCRIPT",
        &[
            "DEBUG (YES|SYNC|NO)",
            "    Set the debug mode for subsequent scripts executed.",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache. Very dangerous on replicas.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the scripts cache.",
            "    * SYNC: Synchronously flush the scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it.",
        ],
    ))
}

const SCRIPT_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "script|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        acl::SCRIPTING,
        script_help
    ),
    spec!(
        "script|flush",
        -2,
        NOSCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        script_flush
    ),
    spec!(
        "script|exists",
        -3,
        NOSCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        script_exists
    ),
    spec!(
        "script|load",
        3,
        NOSCRIPT | STALE,
        (0, 0, 0),
        acl::SCRIPTING,
        script_load
    ),
    spec!(
        "script|kill",
        2,
        NOSCRIPT | ALLOW_BUSY,
        (0, 0, 0),
        acl::SCRIPTING,
        script_kill
    ),
];

/// Flags of the commands that run a script.
pub(crate) const RUNS_SCRIPT: u32 =
    NOSCRIPT | STALE | SKIP_MONITOR | NO_MANDATORY_KEYS | MOVABLE_KEYS;

/// The scripting family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "eval",
        -3,
        RUNS_SCRIPT | MAY_REPLICATE,
        (0, 0, 0),
        acl::SCRIPTING,
        eval
    ),
    spec!(
        "eval_ro",
        -3,
        READONLY | RUNS_SCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        eval_ro
    ),
    spec!(
        "evalsha",
        -3,
        RUNS_SCRIPT | MAY_REPLICATE,
        (0, 0, 0),
        acl::SCRIPTING,
        evalsha
    ),
    spec!(
        "evalsha_ro",
        -3,
        READONLY | RUNS_SCRIPT,
        (0, 0, 0),
        acl::SCRIPTING,
        evalsha_ro
    ),
    CommandSpec {
        subcommands: SCRIPT_SUBCOMMANDS,
        ..spec!("script", -2, 0, (0, 0, 0), 0, container)
    },
];
