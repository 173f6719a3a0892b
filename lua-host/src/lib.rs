//! Lua 5.1 script host for kvdb: Redis 7.0's scripting environment on mlua.
//!
//! [`LuaHost`] implements the engine's [`ScriptHost`]: one Lua state for all scripts,
//! as in Redis, with Redis's globals and libraries, its read-only protections
//! (`sandbox.lua`), its error handler, and the `redis` table calling back into the
//! engine through [`ScriptCalls`] for the length of one run.
//!
//! - `sandbox.lua`: the environment scripts see, built once per state.
//! - [`convert`]: replies to Lua values and back, and Redis's error tables.
//! - `api`: the `redis` table and `math.random`.
//! - `bit`: the `bit` library (LuaBitOp) Redis loads.
//! - `functions`: the functions' interpreter: loading libraries
//!   (`redis.register_function`) and calling their functions.

mod api;
mod bit;
pub mod convert;
mod functions;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use bytes::Bytes;
use std::time::Duration;

use kvdb_engine::functions::FunctionInfo;
use kvdb_engine::scripting::{HostFactory, ScriptCalls, ScriptError, ScriptHost};
use kvdb_engine::Reply;
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};

use api::{install_kernel, redis_call, redis_table, set_resp, RAND48_START};
use convert::{error_message, error_table, lua_to_reply};

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
