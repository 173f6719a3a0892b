//! Lua 5.1 script host for kvdb: Redis 7.0's scripting environment on mlua.
//!
//! [`LuaHost`] implements the engine's [`ScriptHost`]: one Lua state for all scripts,
//! as in Redis, with Redis's globals and libraries, its read-only protections
//! (`sandbox.lua`), its error handler, and the `redis` table calling back into the
//! engine through [`ScriptCalls`] for the length of one run.
//!
//! - `sandbox.lua`: the environment scripts see, built once per state.
//! - [`convert`]: replies to Lua values and back, and Redis's error tables.
//! - `bit`: the `bit` library (LuaBitOp) Redis loads.
//! - `functions`: the functions' interpreter: loading libraries
//!   (`redis.register_function`) and calling their functions.

mod bit;
pub mod convert;
mod functions;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use std::time::Duration;

use kvdb_engine::functions::FunctionInfo;
use kvdb_engine::scripting::{HostFactory, ScriptCalls, ScriptError, ScriptHost};
use kvdb_engine::{Protocol, Reply};
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};

use convert::{error_message, error_table, lua_to_reply, reply_to_lua};

/// The `source` of kvdb's own Lua code; the error handler looks past its frames.
const SANDBOX_SOURCE: &str = "=kvdb";

/// What Redis reports in `redis.REDIS_VERSION` and `redis.REDIS_VERSION_NUM`.
const REDIS_VERSION: &str = "7.0.15";
const REDIS_VERSION_NUM: u32 = (7 << 16) | 15;

/// How many VM instructions run between checks for `SCRIPT KILL` (Redis's count hook).
const HOOK_INSTRUCTIONS: u32 = 100_000;

/// The default cap on the interpreter's memory.
pub const DEFAULT_MEMORY_LIMIT: usize = 1 << 30;

/// The engine's script host: one Lua 5.1 state running every script, and, as in
/// Redis, another one for function libraries (made when the first library loads).
pub struct LuaHost {
    eval: Interpreter,
    /// Compiled scripts by SHA.
    scripts: HashMap<String, Function>,
    functions: Option<functions::Libraries>,
    /// The random generator's state, shared by both interpreters (Redis's is one per
    /// process).
    random: Arc<AtomicU64>,
    memory_limit: usize,
}

/// Which environment an interpreter gives its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// `EVAL`'s: `KEYS` and `ARGV` globals, `__redis__err__handler`, and
    /// `redis.breakpoint`, `redis.debug` and `redis.replicate_commands`.
    Eval,
    /// Functions': no such globals, and the library-loading environment.
    Functions,
}

/// One Lua state with Redis's environment.
struct Interpreter {
    lua: Lua,
    /// Raw functions and per-run slots the sandbox reads (`K` in `sandbox.lua`).
    kernel: Table,
    /// The real globals (scripts see a read-only proxy of them).
    globals: Table,
    /// The proxy scripts see as their globals.
    proxy: Table,
    /// `xpcall`'s error handler, Redis's `__redis__err__handler`.
    handler: Function,
    /// Runs `f` under the handler, with the keys and arguments of a function call if
    /// given: `function(f, h, k, a)`.
    protected_call: Function,
}

impl std::fmt::Debug for LuaHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LuaHost")
            .field("scripts", &self.scripts.len())
            .field("functions", &self.functions.is_some())
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
    /// A fresh host with Redis's environment, each interpreter's memory capped at
    /// `memory_limit`.
    pub fn new(memory_limit: usize) -> mlua::Result<Self> {
        let random = Arc::new(AtomicU64::new(RAND48_START));
        Ok(LuaHost {
            eval: Interpreter::new(memory_limit, Flavor::Eval, random.clone())?,
            scripts: HashMap::new(),
            functions: None,
            random,
            memory_limit,
        })
    }

    /// The functions' interpreter, made on first use.
    fn libraries(&mut self) -> Result<&mut functions::Libraries, String> {
        if self.functions.is_none() {
            let interpreter =
                Interpreter::new(self.memory_limit, Flavor::Functions, self.random.clone())
                    .map_err(|error| error.to_string())?;
            self.functions =
                Some(functions::Libraries::new(interpreter).map_err(|error| error.to_string())?);
        }
        Ok(self.functions.as_mut().expect("made above"))
    }
}

impl Interpreter {
    /// A fresh state of `flavor`, its memory capped at `memory_limit`, drawing random
    /// numbers from `random`.
    fn new(memory_limit: usize, flavor: Flavor, random: Arc<AtomicU64>) -> mlua::Result<Self> {
        let lua = Lua::new_with(
            StdLib::TABLE | StdLib::STRING | StdLib::MATH,
            LuaOptions::default(),
        )?;
        let globals = lua.globals();
        let kernel = lua.create_table()?;
        install_kernel(&lua, &kernel, random)?;
        globals.raw_set("redis", redis_table(&lua, &kernel, flavor)?)?;
        globals.raw_set("bit", bit::table(&lua)?)?;
        if flavor == Flavor::Functions {
            kernel.raw_set("functions", true)?;
            kernel.raw_set(
                "register_function",
                lua.create_function(functions::register_function)?,
            )?;
        }
        let sandbox = lua
            .load(include_str!("sandbox.lua"))
            .set_name(SANDBOX_SOURCE)
            .set_environment(globals.clone())
            .into_function()?;
        let proxy: Table = sandbox.call((globals.clone(), kernel.clone()))?;
        let handler = lua.create_function(error_handler)?;
        if flavor == Flavor::Eval {
            globals.raw_set("__redis__err__handler", handler.clone())?;
        }
        // A function is called with its keys and arguments; a script with nothing
        // (`select('#', ...)` is 0 in a script).
        let protected_call = lua
            .load(
                "local f, h, k, a = ... \
                 if k == nil then return xpcall(f, h) end \
                 return xpcall(function() local r = f(k, a) return r end, h)",
            )
            .set_name(SANDBOX_SOURCE)
            .set_environment(globals.clone())
            .into_function()?;
        lua.set_memory_limit(memory_limit)?;
        Ok(Interpreter {
            lua,
            kernel,
            globals,
            proxy,
            handler,
            protected_call,
        })
    }

    /// Compiles `body` as chunk `name` with `environment` as its globals; the error is
    /// Lua's compiler message.
    fn compile(&self, body: &[u8], name: &str, environment: Table) -> Result<Function, String> {
        self.lua
            .load(body)
            .set_name(name)
            .set_environment(environment)
            .into_function()
            .map_err(|error| match error {
                mlua::Error::SyntaxError { message, .. } => message,
                other => other.to_string(),
            })
    }

    /// Runs `function` (with the `keys` and `args` tables of a function call) under
    /// Redis's error handler with the `redis` table wired to `calls`, and converts
    /// what it returns.
    fn call_protected(
        &mut self,
        name: &str,
        function: Function,
        arguments: Option<(Table, Table)>,
        calls: &mut dyn ScriptCalls,
    ) -> Result<Reply, ScriptError> {
        let stop = calls.stop_check();
        self.lua.set_hook(
            HookTriggers::new().every_nth_instruction(HOOK_INSTRUCTIONS),
            move |lua, _| {
                if stop() {
                    // Redis hooks every line from now on, so that a pcall cannot
                    // swallow the kill for long.
                    let again = HookTriggers::new().every_line();
                    lua.set_hook(again, |_, _| Err(killed()));
                    return Err(killed());
                }
                Ok(VmState::Continue)
            },
        );
        let calls = RefCell::new(calls);
        let outcome = self.lua.scope(|scope| {
            let call = scope.create_function(|lua, args: MultiValue| {
                redis_call(lua, &mut **calls.borrow_mut(), args)
            })?;
            let setresp = scope.create_function(|lua, args: MultiValue| {
                set_resp(lua, &mut **calls.borrow_mut(), args)
            })?;
            let log = scope.create_function(|_, (level, line): (u8, mlua::String)| {
                calls.borrow_mut().log(level, &line.as_bytes());
                Ok(())
            })?;
            self.kernel.raw_set("call", call)?;
            self.kernel.raw_set("setresp", setresp)?;
            self.kernel.raw_set("log", log)?;
            self.kernel.raw_set("running", true)?;
            let (keys, args) = arguments.unzip();
            let result = self.protected_call.call::<(bool, Value)>((
                function,
                self.handler.clone(),
                keys,
                args,
            ));
            self.kernel.raw_set("running", false)?;
            self.kernel.raw_set("call", Value::Nil)?;
            self.kernel.raw_set("setresp", Value::Nil)?;
            self.kernel.raw_set("log", Value::Nil)?;
            result
        });
        self.lua.remove_hook();
        let protocol = calls.borrow().protocol();
        match outcome {
            Ok((true, value)) => match lua_to_reply(&value, protocol) {
                // An error reply is the command's error: counted unless it is one a
                // command the script called already counted.
                Reply::Error(text) => Err(ScriptError {
                    message: String::from_utf8_lossy(&text).into_owned(),
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

/// Redis's reply for an error table raised by a script:
/// `<err> script: <name>, on <source>:<line>.`
fn script_error(name: &str, error: &Table) -> ScriptError {
    let (message, already_counted) = error_message(error);
    let mut message = String::from_utf8_lossy(&message).into_owned();
    let source = error.get::<Option<mlua::String>>("source").ok().flatten();
    let line = match error.get::<Value>("line") {
        Ok(Value::Integer(n)) => Some(n.to_string()),
        Ok(Value::Number(n)) => Some(convert::lua_number_text(n)),
        Ok(Value::String(text)) => Some(text.to_string_lossy()),
        _ => None,
    };
    if let (Some(source), Some(line)) = (source, line) {
        message.push_str(&format!(
            " script: {name}, on {}:{line}.",
            source.to_string_lossy()
        ));
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
        message: format!("ERR Error running script {name}, {detail} "),
        already_counted: false,
    }
}

/// The error a killed script is stopped with.
fn killed() -> mlua::Error {
    mlua::Error::runtime(KILLED)
}

/// The message of a killed script (`ERR ` is added when it becomes an error table).
const KILLED: &str = "Script killed by user with SCRIPT KILL...";

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

/// A `redis.*` function that needs the running script: it calls `K[name]`, set for
/// the length of a run, and raises what that answers as failed; outside a run it
/// raises Redis's "can only be called inside a script invocation".
fn during_run(
    lua: &Lua,
    kernel: &Table,
    name: &'static str,
    what: &'static str,
    raises: bool,
) -> mlua::Result<Function> {
    let kernel = kernel.clone();
    lua.create_function(move |lua, args: MultiValue| {
        let Some(run) = kernel.raw_get::<Option<Function>>(name)? else {
            let message = format!("{what} can only be called inside a script invocation");
            return raise_text(lua, message.as_bytes());
        };
        let (value, failed) = run.call::<(Value, bool)>(args)?;
        raise_if(value, failed && raises)
    })
}

/// The `redis` table, as Redis 7.0 registers it for `EVAL` or for functions (which
/// lack the debugger's `breakpoint` and `debug`, and `replicate_commands`).
fn redis_table(lua: &Lua, kernel: &Table, flavor: Flavor) -> mlua::Result<Table> {
    let redis = lua.create_table()?;
    redis.raw_set(
        "call",
        during_run(lua, kernel, "call", "redis.call/pcall", true)?,
    )?;
    redis.raw_set(
        "pcall",
        during_run(lua, kernel, "call", "redis.call/pcall", false)?,
    )?;
    redis.raw_set(
        "setresp",
        during_run(lua, kernel, "setresp", "redis.setresp", true)?,
    )?;
    let acl_kernel = kernel.clone();
    redis.raw_set(
        "acl_check_cmd",
        lua.create_function(move |lua, args: MultiValue| {
            if !acl_kernel.raw_get::<bool>("running")? {
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
    let log_kernel = kernel.clone();
    redis.raw_set(
        "log",
        lua.create_function(move |lua, args: MultiValue| {
            match log_arguments(lua, args)? {
                Err(error) => raise_if(Value::Table(error), true),
                Ok((level, line)) => {
                    // During a run the engine decides (it knows `loglevel`).
                    match log_kernel.raw_get::<Option<Function>>("log")? {
                        Some(log) => log.call::<()>((level, lua.create_string(&line)?))?,
                        None => log_line(level, &line),
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
    if flavor == Flavor::Eval {
        redis.raw_set("replicate_commands", lua.create_function(|_, ()| Ok(true))?)?;
        redis.raw_set("breakpoint", lua.create_function(|_, ()| Ok(false))?)?;
        redis.raw_set("debug", lua.create_function(|_, _: MultiValue| Ok(()))?)?;
    }
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

/// The kernel's raw functions for `sandbox.lua`: the random generator (its `state` is
/// this host's, shared by its interpreters: Redis's is process-wide and only
/// `math.randomseed` resets it) and the unwrapping of raised tables for `pcall`.
fn install_kernel(lua: &Lua, kernel: &Table, state: Arc<AtomicU64>) -> mlua::Result<()> {
    kernel.raw_set("running", false)?;
    let math: Table = lua.globals().raw_get("math")?;
    let (running, next) = (kernel.clone(), state.clone());
    math.raw_set(
        "random",
        lua.create_function(move |lua, args: MultiValue| {
            if !running.raw_get::<bool>("running")? {
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
    let running = kernel.clone();
    math.raw_set(
        "randomseed",
        lua.create_function(move |lua, args: MultiValue| {
            if !running.raw_get::<bool>("running")? {
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
        let eval = &self.eval;
        let function = eval.compile(body, "@user_script", eval.proxy.clone())?;
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
        let eval = &mut self.eval;
        let function = match self.scripts.get(sha) {
            Some(function) => function.clone(),
            None => {
                let function = eval
                    .compile(body, "@user_script", eval.proxy.clone())
                    .map_err(|message| ScriptError {
                        message: format!("ERR Error compiling script (new function): {message}"),
                        already_counted: false,
                    })?;
                self.scripts.insert(sha.to_string(), function.clone());
                function
            }
        };
        let lua = &eval.lua;
        let set = |name: &str, values: &[Bytes]| -> mlua::Result<()> {
            eval.globals.raw_set(name, string_array(lua, values)?)
        };
        set("KEYS", keys)
            .and_then(|()| set("ARGV", args))
            .map_err(|error| running_failed(sha, &error.to_string()))?;
        eval.call_protected(sha, function, None, calls)
    }

    fn forget_scripts(&mut self) {
        self.scripts.clear();
        self.eval.lua.gc_collect().ok();
    }

    fn memory_used(&self) -> usize {
        self.eval.lua.used_memory()
    }

    fn load_library(
        &mut self,
        id: u64,
        body: &[u8],
        timeout: Option<Duration>,
    ) -> Result<Vec<FunctionInfo>, String> {
        self.libraries()?.load(id, body, timeout)
    }

    fn call_function(
        &mut self,
        id: u64,
        body: &[u8],
        function: &str,
        keys: &[Bytes],
        args: &[Bytes],
        calls: &mut dyn ScriptCalls,
    ) -> Result<Reply, ScriptError> {
        let libraries = self
            .libraries()
            .map_err(|error| running_failed(function, &error))?;
        libraries.call(id, body, function, keys, args, calls)
    }

    fn drop_library(&mut self, id: u64) {
        if let Some(libraries) = &mut self.functions {
            libraries.drop_library(id);
        }
    }

    fn functions_memory_used(&self) -> usize {
        self.functions
            .as_ref()
            .map_or(0, |libraries| libraries.memory_used())
    }
}

/// `values` as a Lua array of strings (`KEYS`, `ARGV`).
fn string_array(lua: &Lua, values: &[Bytes]) -> mlua::Result<Table> {
    let table = lua.create_table_with_capacity(values.len(), 0)?;
    for (n, value) in values.iter().enumerate() {
        table.raw_set(n + 1, lua.create_string(value)?)?;
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_builds() {
        LuaHost::new(DEFAULT_MEMORY_LIMIT).unwrap();
    }
}
