//! Lua 5.1 script host for kvdb: Redis 7.0's scripting environment on mlua.
//!
//! [`LuaHost`] implements the engine's [`ScriptHost`]: one Lua state for all scripts,
//! as in Redis, with Redis's globals and libraries, its read-only protections
//! (`sandbox.lua`), its error handler, and the `redis` table calling back into the
//! engine through [`ScriptCalls`] for the length of one run.
//!
//! - `sandbox.lua`: the environment scripts see, built once per state.
//! - [`convert`]: replies to Lua values and back, and Redis's error tables.
//! - [`libs`]: the C libraries Redis loads (cjson, struct, cmsgpack, bit), in Rust.

pub mod convert;
pub mod fuzz;
pub mod libs;
mod run_slot;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use kvdb_engine::scripting::{HostFactory, ScriptCalls, ScriptError, ScriptHost};
use kvdb_engine::{Protocol, Reply};
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};

use convert::{error_message, error_table, lua_to_reply, reply_to_lua};
use run_slot::RunSlot;

/// The `source` of kvdb's own Lua code; the error handler looks past its frames.
const SANDBOX_SOURCE: &str = "=kvdb";

/// What Redis reports in `redis.REDIS_VERSION` and `redis.REDIS_VERSION_NUM`.
const REDIS_VERSION: &str = "7.0.15";
const REDIS_VERSION_NUM: u32 = (7 << 16) | 15;

/// How many VM instructions run between checks for `SCRIPT KILL` (Redis's count hook).
const HOOK_INSTRUCTIONS: u32 = 100_000;

/// The default cap on the interpreter's memory.
pub const DEFAULT_MEMORY_LIMIT: usize = 1 << 30;

/// The engine's script host: one Lua 5.1 state running every script.
pub struct LuaHost {
    lua: Lua,
    /// Compiled scripts by SHA.
    scripts: HashMap<String, Function>,
    /// The engine side of the script running now.
    slot: Arc<RunSlot>,
    /// The real globals (scripts see a read-only proxy of them).
    globals: Table,
    /// The proxy scripts see as their globals.
    proxy: Table,
    /// The cap on the interpreter's memory, checked as scripts run.
    memory_limit: usize,
    /// Set once a killed script switched the hook to every line; the next run puts
    /// the count hook back.
    killed: Arc<AtomicBool>,
    /// `xpcall`'s error handler, Redis's `__redis__err__handler`.
    handler: Function,
    /// Runs one script or function under the handler (`K.run` in `sandbox.lua`).
    runner: Function,
}

impl std::fmt::Debug for LuaHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LuaHost")
            .field("scripts", &self.scripts.len())
            .finish()
    }
}

/// A factory for the engine's builder: each host gets `memory_limit` bytes of Lua
/// memory.
pub fn factory(memory_limit: usize) -> HostFactory {
    HostFactory::new(move || {
        let host = LuaHost::new(memory_limit).expect("the Lua sandbox builds");
        Box::new(host) as Box<dyn ScriptHost>
    })
}

/// lrand48's starting state (Redis's `rand.c`).
const RAND48_START: u64 = 0x1234_ABCD_330E;

/// The next lrand48 value (31 bits) from `state`.
fn lrand48(state: &AtomicU64) -> i64 {
    const A: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;
    let next = state
        .load(Ordering::Relaxed)
        .wrapping_mul(A)
        .wrapping_add(0xB)
        & MASK;
    state.store(next, Ordering::Relaxed);
    (next >> 17) as i64
}

/// srand48: restarts `state` from `seed`.
fn srand48(state: &AtomicU64, seed: i32) {
    state.store((u64::from(seed as u32) << 16) | 0x330E, Ordering::Relaxed);
}

impl LuaHost {
    /// A fresh state with Redis's environment, its memory capped at `memory_limit`.
    pub fn new(memory_limit: usize) -> mlua::Result<Self> {
        let lua = Lua::new_with(
            StdLib::TABLE | StdLib::STRING | StdLib::MATH,
            LuaOptions::default(),
        )?;
        let globals = lua.globals();
        libs::open_all(&lua)?;
        let kernel = lua.create_table()?;
        let slot = Arc::new(RunSlot::default());
        install_kernel(&lua, &kernel, &slot)?;
        globals.raw_set("redis", redis_table(&lua, &slot)?)?;
        let sandbox = lua
            .load(include_str!("sandbox.lua"))
            .set_name(SANDBOX_SOURCE)
            .set_environment(globals.clone())
            .into_function()?;
        let proxy: Table = sandbox.call((globals.clone(), kernel.clone()))?;
        install_natives(&lua, &globals, &kernel)?;
        let handler = lua.create_function(error_handler)?;
        globals.raw_set("__redis__err__handler", handler.clone())?;
        let runner: Function = kernel.raw_get("run")?;
        let killed = Arc::new(AtomicBool::new(false));
        install_hook(&lua, &slot, &killed, memory_limit);
        Ok(LuaHost {
            lua,
            scripts: HashMap::new(),
            slot,
            globals,
            proxy,
            handler,
            runner,
            memory_limit,
            killed,
        })
    }

    fn compile_function(&self, body: &[u8]) -> Result<Function, String> {
        self.lua
            .load(body)
            .set_name("@user_script")
            .set_environment(self.proxy.clone())
            .into_function()
            .map_err(|error| match error {
                mlua::Error::SyntaxError { message, .. } => message,
                other => other.to_string(),
            })
    }

    /// Runs `function` under Redis's error handler with the `redis` table wired to
    /// `calls`, and converts what it returns.
    /// `keys_as_globals`: `KEYS` and `ARGV` are globals (EVAL) rather than the
    /// function's arguments.
    fn call_protected(
        &mut self,
        name: &str,
        function: Function,
        (keys, args): (&[Bytes], &[Bytes]),
        keys_as_globals: bool,
        calls: &mut dyn ScriptCalls,
    ) -> Result<Reply, ScriptError> {
        let outcome = self.slot.run(calls, || {
            let mut arguments = MultiValue::with_capacity(keys.len() + args.len() + 4);
            arguments.push_back(Value::Function(function));
            arguments.push_back(Value::Function(self.handler.clone()));
            arguments.push_back(Value::Boolean(keys_as_globals));
            arguments.push_back(Value::Integer(keys.len() as i64));
            for value in keys.iter().chain(args) {
                arguments.push_back(Value::String(self.lua.create_string(value)?));
            }
            self.runner.call::<(bool, Value)>(arguments)
        });
        // A killed script left the hook firing on every line: put the count back.
        if self.killed.swap(false, Ordering::Relaxed) {
            install_hook(&self.lua, &self.slot, &self.killed, self.memory_limit);
        }
        let protocol = calls.protocol();
        match outcome {
            Ok((true, value)) => match lua_to_reply(&value, protocol) {
                // An error reply is the command's error: counted unless it is one a
                // command the script called already counted.
                Reply::Error(text) => Err(ScriptError {
                    message: text.to_vec(),
                    already_counted: match &value {
                        Value::Table(table) => error_message(table).1,
                        _ => false,
                    },
                }),
                reply => Ok(reply),
            },
            Ok((false, Value::Table(error))) => Err(script_error(name, &error)),
            Ok((false, other)) => Err(running_failed(name, &self.describe(&other))),
            Err(error) => Err(running_failed(name, &error.to_string())),
        }
    }

    /// Lua's `tostring` of `value`.
    fn describe(&self, value: &Value) -> String {
        let tostring: Option<Function> = self.globals.raw_get("tostring").ok();
        tostring
            .and_then(|f| f.call::<mlua::String>(value.clone()).ok())
            .map(|s| s.to_string_lossy())
            .unwrap_or_default()
    }
}

/// Installs the count hook (Redis's `luaMaskCountHook`): every so many instructions
/// it checks the memory cap, and asks the engine whether the script must stop
/// (entering busy mode past the threshold). A killed script is then hooked on every
/// line, so that a `pcall` cannot swallow the kill for long.
fn install_hook(lua: &Lua, slot: &Arc<RunSlot>, killed: &Arc<AtomicBool>, memory_limit: usize) {
    let (slot, killed) = (slot.clone(), killed.clone());
    lua.set_hook(
        HookTriggers::new().every_nth_instruction(HOOK_INSTRUCTIONS),
        move |lua, _| {
            // The cap is checked here rather than by mlua's allocator: a limit there
            // makes every value mlua pushes a protected call, several times the cost
            // of a small script.
            if lua.used_memory() > memory_limit {
                lua.gc_collect()?;
                if lua.used_memory() > memory_limit {
                    return Err(mlua::Error::RuntimeError(OUT_OF_MEMORY.into()));
                }
            }
            if slot.with(|calls| calls.should_stop()) == Some(true) {
                killed.store(true, Ordering::Relaxed);
                lua.set_hook(HookTriggers::new().every_line(), |_, _| Err(killed_error()));
                return Err(killed_error());
            }
            Ok(VmState::Continue)
        },
    );
}

/// Redis's reply for an error table raised by a script:
/// `<err> script: <name>, on <source>:<line>.`
fn script_error(name: &str, error: &Table) -> ScriptError {
    let (mut message, already_counted) = error_message(error);
    let source = error.get::<Option<mlua::String>>("source").ok().flatten();
    let line = match error.get::<Value>("line") {
        Ok(Value::Integer(n)) => Some(n.to_string()),
        Ok(Value::Number(n)) => Some(convert::lua_number_text(n)),
        Ok(Value::String(text)) => Some(text.to_string_lossy()),
        _ => None,
    };
    if let (Some(source), Some(line)) = (source, line) {
        message.extend_from_slice(format!(" script: {name}, on ").as_bytes());
        message.extend_from_slice(&source.as_bytes());
        message.extend_from_slice(format!(":{line}.").as_bytes());
    }
    ScriptError {
        message,
        already_counted,
    }
}

/// Redis's reply when a script failed without an error table (out of memory).
fn running_failed(name: &str, detail: &str) -> ScriptError {
    let detail: String = detail.chars().take(100).collect();
    ScriptError {
        message: format!("ERR Error running script {name}, {detail} ").into_bytes(),
        already_counted: false,
    }
}

/// The error a killed script is stopped with.
fn killed_error() -> mlua::Error {
    mlua::Error::runtime(KILLED)
}

const KILLED: &str = "Script killed by user with SCRIPT KILL...";

/// The error of a script that went past the memory cap.
const OUT_OF_MEMORY: &str = "Script used more memory than the Lua memory limit allows";

/// Redis's `__redis__err__handler`: makes the error a table and notes where it was
/// raised — the innermost Lua frame, skipping the C function that raised it (and
/// kvdb's own sandbox frames, which Redis does not have).
fn error_handler(lua: &Lua, error: Value) -> mlua::Result<Table> {
    let error = match &error {
        Value::Error(failure) if failure.to_string().contains(KILLED) => {
            Value::Table(error_table(lua, KILLED.as_bytes(), false)?)
        }
        Value::Error(failure) => raised_value(lua, failure)?.unwrap_or(error),
        _ => error,
    };
    let table = match error {
        Value::Table(table) => table,
        other => {
            let text = lua
                .globals()
                .raw_get::<Function>("tostring")
                .and_then(|tostring| tostring.call::<mlua::String>(other))
                .map(|s| s.as_bytes().to_vec())
                .unwrap_or_default();
            let table = lua.create_table()?;
            let mut message = b"ERR ".to_vec();
            message.extend_from_slice(&text);
            table.raw_set("err", lua.create_string(&message)?)?;
            table
        }
    };
    // Level 0 is this handler; frames of the sandbox are invisible in Redis.
    let mut frames = (1..)
        .map_while(|level| lua.inspect_stack(level))
        .filter(|frame| frame.source().source.as_deref() != Some(SANDBOX_SOURCE));
    let site = match frames.next() {
        Some(frame) if frame.source().what == "C" => frames.next(),
        other => other,
    };
    if let Some(frame) = site {
        let source = frame.source().source.map(|s| s.into_owned());
        table.set("source", source)?;
        table.set("line", frame.curr_line())?;
    }
    Ok(table)
}

/// An argument of `redis.call` as a command argument: strings as they are, numbers
/// in `%.17g` (Redis avoids Lua's lossy `%.14g`); anything else is refused.
fn command_arg(value: &Value) -> Option<Bytes> {
    match value {
        Value::String(text) => Some(Bytes::copy_from_slice(&text.as_bytes())),
        Value::Integer(n) => Some(Bytes::from(n.to_string())),
        Value::Number(n) => {
            let mut text = Vec::with_capacity(24);
            kvdb_resp::fmt::double_g17(*n, &mut text);
            Some(Bytes::from(text))
        }
        _ => None,
    }
}

/// `redis.call`/`redis.pcall` underneath: answers the reply as a Lua value, and
/// whether it is an error table (which `redis.call` raises).
fn redis_call(
    lua: &Lua,
    calls: &mut dyn ScriptCalls,
    args: MultiValue,
) -> mlua::Result<(Value, bool)> {
    if args.is_empty() {
        let error = error_table(
            lua,
            b"Please specify at least one argument for this redis lib call",
            false,
        )?;
        return Ok((Value::Table(error), true));
    }
    let argv: Option<Vec<Bytes>> = args.iter().map(command_arg).collect();
    let Some(argv) = argv else {
        let error = error_table(
            lua,
            b"Lua redis lib command arguments must be strings or integers",
            false,
        )?;
        return Ok((Value::Table(error), true));
    };
    match calls.call(&argv) {
        Ok(reply) => Ok((reply_to_lua(lua, &reply, calls.protocol())?, false)),
        Err(text) => {
            let mut buffer = Vec::with_capacity(text.len() + 1);
            buffer.push(b'-');
            buffer.extend_from_slice(text.as_bytes());
            Ok((Value::Table(error_table(lua, &buffer, true)?), true))
        }
    }
}

/// `redis.setresp(2|3)` underneath.
fn set_resp(
    lua: &Lua,
    calls: &mut dyn ScriptCalls,
    args: MultiValue,
) -> mlua::Result<(Value, bool)> {
    if args.len() != 1 {
        let error = error_table(lua, b"redis.setresp() requires one argument.", false)?;
        return Ok((Value::Table(error), true));
    }
    let version = lua.coerce_number(args[0].clone())?.map_or(0, |n| n as i64);
    match version {
        2 => calls.set_protocol(Protocol::Resp2),
        3 => calls.set_protocol(Protocol::Resp3),
        _ => {
            let error = error_table(lua, b"RESP version must be 2 or 3.", false)?;
            return Ok((Value::Table(error), true));
        }
    }
    Ok((Value::Nil, false))
}

/// A Lua table raised as an error from Rust. mlua raises a Rust error as a userdata;
/// the error handler and `pcall` unwrap it, so scripts see the table Redis raises.
#[derive(Debug, Clone)]
struct RaisedTable(Table);

impl std::fmt::Display for RaisedTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (message, _) = error_message(&self.0);
        f.write_str(&String::from_utf8_lossy(&message))
    }
}

impl std::error::Error for RaisedTable {}

/// The error table inside `error`, if it is one raised by [`RaisedTable`].
fn raised_table(error: &mlua::Error) -> Option<Table> {
    match error {
        mlua::Error::CallbackError { cause, .. } => raised_table(cause),
        other => other
            .downcast_ref::<RaisedTable>()
            .map(|raised| raised.0.clone()),
    }
}

/// The message of a string error raised from Rust (what `luaL_error` raises in C).
fn raised_text(error: &mlua::Error) -> Option<&str> {
    match error {
        mlua::Error::CallbackError { cause, .. } => raised_text(cause),
        mlua::Error::RuntimeError(text) => Some(text),
        _ => None,
    }
}

/// What a Rust-raised error is to Lua code: the table or string Redis would raise.
fn raised_value(lua: &Lua, error: &mlua::Error) -> mlua::Result<Option<Value>> {
    if let Some(table) = raised_table(error) {
        return Ok(Some(Value::Table(table)));
    }
    if let Some(text) = libs::error_message(error) {
        return Ok(Some(Value::String(lua.create_string(text)?)));
    }
    match raised_text(error) {
        Some(text) => Ok(Some(Value::String(lua.create_string(text)?))),
        None => Ok(None),
    }
}

/// `luaL_error` from a C function: `text` prefixed with where the caller is
/// (`user_script:1: `).
fn error_at_caller(lua: &Lua, text: &str) -> mlua::Error {
    let place = lua
        .inspect_stack(1)
        .and_then(|frame| {
            let line = frame.curr_line();
            let source = frame.source().short_src.map(|s| s.into_owned())?;
            (line > 0).then(|| format!("{source}:{line}: "))
        })
        .unwrap_or_default();
    mlua::Error::RuntimeError(format!("{place}{text}"))
}

/// `luaL_argerror`: `bad argument #n to 'name' (text)`, named as the function was
/// called.
fn argument_error(lua: &Lua, n: usize, text: &str) -> mlua::Error {
    let name = lua
        .inspect_stack(0)
        .and_then(|frame| frame.names().name.map(|name| name.into_owned()))
        .unwrap_or_else(|| "?".to_string());
    error_at_caller(lua, &format!("bad argument #{n} to '{name}' ({text})"))
}

/// `luaL_checkint`: argument `n` (1-based) as an integer, truncated.
fn check_int(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<i64> {
    let value = args.get(n - 1).cloned();
    let number = match &value {
        Some(value) => lua.coerce_number(value.clone())?,
        None => None,
    };
    match number {
        Some(number) => Ok(number as i64),
        None => {
            let got = value.map_or("no value", |value| value.type_name());
            Err(argument_error(
                lua,
                n,
                &format!("number expected, got {got}"),
            ))
        }
    }
}

/// Answers `value`, or raises it when `failed` (Redis's `luaError`).
fn raise_if(value: Value, failed: bool) -> mlua::Result<Value> {
    match value {
        Value::Table(table) if failed => Err(mlua::Error::external(RaisedTable(table))),
        other => Ok(other),
    }
}

/// Raises Redis's `{err="ERR <text>"}`.
fn raise_text(lua: &Lua, text: &[u8]) -> mlua::Result<Value> {
    raise_if(Value::Table(error_table(lua, text, false)?), true)
}

/// A `redis.*` function that needs the running script's engine: `f` gets it, and
/// answers a value and whether it is an error to raise (when `raises`). Outside a
/// run it raises Redis's "can only be called inside a script invocation".
fn during_run<F>(
    lua: &Lua,
    slot: &Arc<RunSlot>,
    what: &'static str,
    raises: bool,
    f: F,
) -> mlua::Result<Function>
where
    F: Fn(&Lua, &mut dyn ScriptCalls, MultiValue) -> mlua::Result<(Value, bool)> + Send + 'static,
{
    let slot = slot.clone();
    lua.create_function(move |lua, args: MultiValue| {
        let Some(answer) = slot.with(|calls| f(lua, calls, args)) else {
            let message = format!("{what} can only be called inside a script invocation");
            return raise_text(lua, message.as_bytes());
        };
        let (value, failed) = answer?;
        raise_if(value, failed && raises)
    })
}

/// Argument `n` of a builtin, which must be a table (`luaL_checktype`).
fn check_table(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<Table> {
    match args.get(n - 1) {
        Some(Value::Table(table)) => Ok(table.clone()),
        other => {
            let got = other.map_or("no value", Value::type_name);
            Err(argument_error(
                lua,
                n,
                &format!("table expected, got {got}"),
            ))
        }
    }
}

/// The builtins the read-only emulation changes, as C functions like Redis's:
/// `rawset` and `setmetatable` refuse read-only tables, `next` and `pairs` walk the
/// real table behind a read-only one.
fn install_natives(lua: &Lua, globals: &Table, kernel: &Table) -> mlua::Result<()> {
    let readonly: Table = kernel.raw_get("readonly")?;
    let real_of: Table = kernel.raw_get("real_of")?;
    let refuse = || mlua::Error::RuntimeError("Attempt to modify a readonly table".into());

    let original: Function = globals.raw_get("rawset")?;
    let protected = readonly.clone();
    globals.raw_set(
        "rawset",
        lua.create_function(move |lua, args: MultiValue| {
            let table = check_table(lua, &args, 1)?;
            for n in [2, 3] {
                if args.len() < n {
                    return Err(argument_error(lua, n, "value expected"));
                }
            }
            if protected.raw_get::<bool>(table)? {
                return Err(refuse());
            }
            original.call::<Value>(args)
        })?,
    )?;

    let original: Function = globals.raw_get("setmetatable")?;
    let protected = readonly;
    globals.raw_set(
        "setmetatable",
        lua.create_function(move |lua, args: MultiValue| {
            let table = check_table(lua, &args, 1)?;
            if !matches!(args.get(1), Some(Value::Nil | Value::Table(_))) {
                return Err(argument_error(lua, 2, "nil or table expected"));
            }
            if protected.raw_get::<bool>(table.clone())? {
                return Err(refuse());
            }
            if let Some(meta) = table.metatable() {
                if !matches!(meta.raw_get::<Value>("__metatable")?, Value::Nil) {
                    return Err(error_at_caller(lua, "cannot change a protected metatable"));
                }
            }
            original.call::<Value>(args)
        })?,
    )?;

    let original: Function = globals.raw_get("next")?;
    let next = lua.create_function(move |lua, args: MultiValue| {
        let table = check_table(lua, &args, 1)?;
        let real = match real_of.raw_get::<Value>(table.clone())? {
            Value::Table(real) => real,
            _ => table,
        };
        let key = args.get(1).cloned().unwrap_or(Value::Nil);
        original.call::<MultiValue>((real, key))
    })?;
    globals.raw_set("next", next.clone())?;
    globals.raw_set(
        "pairs",
        lua.create_function(move |lua, args: MultiValue| {
            let table = check_table(lua, &args, 1)?;
            Ok((next.clone(), table, Value::Nil))
        })?,
    )?;
    Ok(())
}

/// The `redis` table, as Redis 7.0 registers it for `EVAL`.
fn redis_table(lua: &Lua, slot: &Arc<RunSlot>) -> mlua::Result<Table> {
    let redis = lua.create_table()?;
    let call = |raises| during_run(lua, slot, "redis.call/pcall", raises, redis_call);
    redis.raw_set("call", call(true)?)?;
    redis.raw_set("pcall", call(false)?)?;
    redis.raw_set(
        "setresp",
        during_run(lua, slot, "redis.setresp", true, set_resp)?,
    )?;
    let acl_slot = slot.clone();
    redis.raw_set(
        "acl_check_cmd",
        lua.create_function(move |lua, args: MultiValue| {
            if !acl_slot.is_running() {
                return raise_text(
                    lua,
                    b"redis.acl_check_cmd can only be called inside a script invocation",
                );
            }
            if args.is_empty() {
                return raise_text(
                    lua,
                    b"Please specify at least one argument for this redis lib call",
                );
            }
            let Some(argv) = args.iter().map(command_arg).collect::<Option<Vec<Bytes>>>() else {
                return raise_text(
                    lua,
                    b"Lua redis lib command arguments must be strings or integers",
                );
            };
            // kvdb has one user, allowed everything: a command that exists is permitted.
            if kvdb_engine::command::table().resolve_id(&argv).is_err() {
                return raise_text(lua, b"Invalid command passed to redis.acl_check_cmd()");
            }
            Ok(Value::Boolean(true))
        })?,
    )?;
    redis.raw_set(
        "set_repl",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return raise_text(lua, b"redis.set_repl() requires two arguments.");
            }
            let flags = lua.coerce_number(args[0].clone())?.unwrap_or(0.0) as i64;
            if flags & !3 != 0 {
                return raise_text(
                    lua,
                    b"Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
                );
            }
            Ok(Value::Nil)
        })?,
    )?;
    redis.raw_set(
        "sha1hex",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return raise_text(lua, b"wrong number of arguments");
            }
            let text = lua.coerce_string(args[0].clone())?;
            let bytes = text.map(|s| s.as_bytes().to_vec()).unwrap_or_default();
            let digest = sha1_smol::Sha1::from(bytes).digest().to_string();
            Ok(Value::String(lua.create_string(digest)?))
        })?,
    )?;
    let log_slot = slot.clone();
    redis.raw_set(
        "log",
        lua.create_function(move |lua, args: MultiValue| {
            match log_arguments(lua, args)? {
                Err(error) => raise_if(Value::Table(error), true),
                Ok((level, line)) => {
                    // During a run the engine decides (it knows `loglevel`).
                    if log_slot.with(|calls| calls.log(level, &line)).is_none() {
                        log_line(level, &line);
                    }
                    Ok(Value::Nil)
                }
            }
        })?,
    )?;
    let single = |field: &'static str| {
        move |lua: &Lua, args: MultiValue| -> mlua::Result<Table> {
            match args.iter().collect::<Vec<_>>().as_slice() {
                [Value::String(text)] => {
                    if field == "err" {
                        let mut buffer = text.as_bytes().to_vec();
                        if buffer.first() != Some(&b'-') {
                            buffer.insert(0, b'-');
                        }
                        error_table(lua, &buffer, false)
                    } else {
                        let table = lua.create_table()?;
                        table.raw_set(field, text.clone())?;
                        Ok(table)
                    }
                }
                _ => error_table(lua, b"wrong number or type of arguments", false),
            }
        }
    };
    redis.raw_set("error_reply", lua.create_function(single("err"))?)?;
    redis.raw_set("status_reply", lua.create_function(single("ok"))?)?;
    redis.raw_set("replicate_commands", lua.create_function(|_, ()| Ok(true))?)?;
    redis.raw_set("breakpoint", lua.create_function(|_, ()| Ok(false))?)?;
    redis.raw_set("debug", lua.create_function(|_, _: MultiValue| Ok(()))?)?;
    for (name, value) in [
        ("LOG_DEBUG", 0),
        ("LOG_VERBOSE", 1),
        ("LOG_NOTICE", 2),
        ("LOG_WARNING", 3),
        ("REPL_NONE", 0),
        ("REPL_AOF", 1),
        ("REPL_SLAVE", 2),
        ("REPL_REPLICA", 2),
        ("REPL_ALL", 3),
    ] {
        redis.raw_set(name, value)?;
    }
    redis.raw_set("REDIS_VERSION", REDIS_VERSION)?;
    redis.raw_set("REDIS_VERSION_NUM", REDIS_VERSION_NUM)?;
    Ok(redis)
}

/// The kernel's raw functions for `sandbox.lua`: the random generator (its state is
/// this host's: Redis's is process-wide and only `math.randomseed` resets it) and the
/// unwrapping of raised tables for `pcall`.
fn install_kernel(lua: &Lua, kernel: &Table, slot: &Arc<RunSlot>) -> mlua::Result<()> {
    let state = Arc::new(AtomicU64::new(RAND48_START));
    let math: Table = lua.globals().raw_get("math")?;
    let (running, next) = (slot.clone(), state.clone());
    math.raw_set(
        "random",
        lua.create_function(move |lua, args: MultiValue| {
            if !running.is_running() {
                return Err(error_at_caller(
                    lua,
                    "math.random can only be called inside a script invocation",
                ));
            }
            const INT32_MAX: i64 = i32::MAX as i64;
            let r = (lrand48(&next) % INT32_MAX) as f64 / INT32_MAX as f64;
            match args.len() {
                0 => Ok(r),
                1 => {
                    let upper = check_int(lua, &args, 1)?;
                    if upper < 1 {
                        return Err(argument_error(lua, 1, "interval is empty"));
                    }
                    Ok((r * upper as f64).floor() + 1.0)
                }
                2 => {
                    let lower = check_int(lua, &args, 1)?;
                    let upper = check_int(lua, &args, 2)?;
                    if lower > upper {
                        return Err(argument_error(lua, 2, "interval is empty"));
                    }
                    Ok((r * (upper - lower + 1) as f64).floor() + lower as f64)
                }
                _ => Err(error_at_caller(lua, "wrong number of arguments")),
            }
        })?,
    )?;
    let running = slot.clone();
    math.raw_set(
        "randomseed",
        lua.create_function(move |lua, args: MultiValue| {
            if !running.is_running() {
                return Err(error_at_caller(
                    lua,
                    "math.randomseed can only be called inside a script invocation",
                ));
            }
            srand48(&state, check_int(lua, &args, 1)? as i32);
            Ok(())
        })?,
    )?;
    kernel.raw_set(
        "unwrap",
        lua.create_function(|lua, error: Value| match error {
            Value::Error(error) => raised_value(lua, &error),
            _ => Ok(None),
        })?,
    )?;
    Ok(())
}

/// The level and line of a `redis.log` call, or Redis's error table for bad arguments.
fn log_arguments(lua: &Lua, args: MultiValue) -> mlua::Result<Result<(u8, Vec<u8>), Table>> {
    let fail = |text: &[u8]| error_table(lua, text, false).map(Err);
    if args.len() < 2 {
        return fail(b"redis.log() requires two arguments or more.");
    }
    let Some(level) = lua.coerce_number(args[0].clone())? else {
        return fail(b"First argument must be a number (log level).");
    };
    let level = level as i64;
    if !(0..=3).contains(&level) {
        return fail(b"Invalid debug level.");
    }
    let mut line = Vec::new();
    for (n, arg) in args.iter().skip(1).enumerate() {
        if let Some(text) = lua.coerce_string(arg.clone())? {
            if n > 0 {
                line.push(b' ');
            }
            line.extend_from_slice(&text.as_bytes());
        }
    }
    Ok(Ok((level as u8, line)))
}

/// Writes a `redis.log` line to the server's log (stderr), outside a run (while a
/// library loads); during a run the engine's log decides.
fn log_line(level: u8, line: &[u8]) {
    let mark = ['.', '-', '*', '#'][usize::from(level.min(3))];
    eprintln!(
        "{}:M {mark} {}",
        std::process::id(),
        String::from_utf8_lossy(line)
    );
}

impl ScriptHost for LuaHost {
    fn compile(&mut self, sha: &str, body: &[u8]) -> Result<(), String> {
        let function = self.compile_function(body)?;
        self.scripts.insert(sha.to_string(), function);
        Ok(())
    }

    fn run(
        &mut self,
        sha: &str,
        body: &[u8],
        keys: &[Bytes],
        args: &[Bytes],
        calls: &mut dyn ScriptCalls,
    ) -> Result<Reply, ScriptError> {
        let function = match self.scripts.get(sha) {
            Some(function) => function.clone(),
            None => {
                let function = self.compile_function(body).map_err(|message| ScriptError {
                    message: format!("ERR Error compiling script (new function): {message}")
                        .into_bytes(),
                    already_counted: false,
                })?;
                self.scripts.insert(sha.to_string(), function.clone());
                function
            }
        };
        self.call_protected(sha, function, (keys, args), true, calls)
    }

    fn forget_scripts(&mut self) {
        self.scripts.clear();
        self.lua.gc_collect().ok();
    }

    fn memory_used(&self) -> usize {
        self.lua.used_memory()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for the engine: records what scripts call and answers from a
    /// script of replies.
    #[derive(Default)]
    struct FakeCalls {
        called: Vec<Vec<Bytes>>,
        replies: Vec<Result<Reply, String>>,
        protocol: Protocol,
        stop: bool,
        logged: Vec<(u8, Vec<u8>)>,
    }

    impl ScriptCalls for FakeCalls {
        fn call(&mut self, argv: &[Bytes]) -> Result<Reply, String> {
            self.called.push(argv.to_vec());
            if self.replies.is_empty() {
                Ok(Reply::Ok)
            } else {
                self.replies.remove(0)
            }
        }

        fn protocol(&self) -> Protocol {
            self.protocol
        }

        fn set_protocol(&mut self, protocol: Protocol) {
            self.protocol = protocol;
        }

        fn should_stop(&mut self) -> bool {
            self.stop
        }

        fn log(&mut self, level: u8, message: &[u8]) {
            self.logged.push((level, message.to_vec()));
        }
    }

    fn run(script: &str, calls: &mut FakeCalls) -> Result<Reply, ScriptError> {
        let mut host = LuaHost::new(DEFAULT_MEMORY_LIMIT).unwrap();
        let sha = kvdb_engine::scripting::sha1_hex(script.as_bytes());
        let keys = [Bytes::from_static(b"k1")];
        let args = [Bytes::from_static(b"a1")];
        host.run(&sha, script.as_bytes(), &keys, &args, calls)
    }

    fn text(error: ScriptError) -> String {
        String::from_utf8(error.message).unwrap()
    }

    #[test]
    fn redis_call_sends_strings_and_numbers_as_redis_does() {
        let mut calls = FakeCalls::default();
        let reply = run(
            "return redis.call('set', KEYS[1], 0.1, 7, ARGV[1])",
            &mut calls,
        );
        assert_eq!(reply, Ok(Reply::status("OK")));
        let sent: Vec<&[u8]> = calls.called[0].iter().map(|arg| &arg[..]).collect();
        assert_eq!(
            sent,
            [&b"set"[..], b"k1", b"0.10000000000000001", b"7", b"a1"]
        );
    }

    #[test]
    fn replies_become_lua_values_and_back() {
        let mut calls = FakeCalls {
            replies: vec![Ok(Reply::Array(vec![
                Reply::Int(3),
                Reply::bulk("x"),
                Reply::Nil,
                Reply::Int(4),
            ]))],
            ..FakeCalls::default()
        };
        let reply = run(
            "local r = redis.call('x') return {r[1], r[2], type(r[3])}",
            &mut calls,
        );
        assert_eq!(
            reply,
            Ok(Reply::Array(vec![
                Reply::Int(3),
                Reply::bulk("x"),
                Reply::bulk("boolean")
            ]))
        );
    }

    #[test]
    fn command_errors_raise_tables_and_are_marked_counted() {
        let mut calls = FakeCalls {
            replies: vec![Err("WRONGTYPE Operation".to_string())],
            ..FakeCalls::default()
        };
        let error = run("redis.call('incr', 'k')", &mut calls).unwrap_err();
        assert!(error.already_counted);
        assert_eq!(
            text(error),
            format!(
                "WRONGTYPE Operation script: {}, on @user_script:1.",
                kvdb_engine::scripting::sha1_hex(b"redis.call('incr', 'k')")
            )
        );
        let mut calls = FakeCalls {
            replies: vec![Err("ERR no".to_string())],
            ..FakeCalls::default()
        };
        let caught = run("return redis.pcall('x').err", &mut calls);
        assert_eq!(caught, Ok(Reply::bulk("ERR no")));
    }

    #[test]
    fn setresp_changes_how_replies_read() {
        let mut calls = FakeCalls {
            replies: vec![Ok(Reply::Map(vec![(Reply::bulk("a"), Reply::Int(1))]))],
            ..FakeCalls::default()
        };
        let reply = run(
            "redis.setresp(3) return redis.call('hgetall', 'h').map.a",
            &mut calls,
        );
        assert_eq!(reply, Ok(Reply::Int(1)));
        assert_eq!(calls.protocol, Protocol::Resp3);
    }

    #[test]
    fn a_stop_request_kills_the_script() {
        let mut calls = FakeCalls {
            stop: true,
            ..FakeCalls::default()
        };
        let error = run("while true do end", &mut calls).unwrap_err();
        assert!(text(error).starts_with("ERR Script killed by user with SCRIPT KILL... script: "));
    }

    #[test]
    fn logging_goes_to_the_engine_during_a_run() {
        let mut calls = FakeCalls::default();
        let reply = run("redis.log(redis.LOG_WARNING, 'a', 1) return 1", &mut calls);
        assert_eq!(reply, Ok(Reply::Int(1)));
        assert_eq!(calls.logged, vec![(3, b"a 1".to_vec())]);
    }

    #[test]
    fn the_memory_cap_stops_a_script() {
        let mut host = LuaHost::new(8 << 20).unwrap();
        let script = b"local t = {} for i = 1, 1e8 do t[i] = i end";
        let sha = kvdb_engine::scripting::sha1_hex(script);
        let error = host
            .run(&sha, script, &[], &[], &mut FakeCalls::default())
            .unwrap_err();
        assert!(text(error).contains(OUT_OF_MEMORY));
    }
}
