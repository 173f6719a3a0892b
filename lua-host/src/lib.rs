//! Lua 5.1 script host for kvdb: Redis 7.0's scripting environment on mlua.
//!
//! [`LuaHost`] implements the engine's [`ScriptHost`]: one Lua state for all scripts,
//! as in Redis, and another for function libraries, each with Redis's globals and
//! libraries, its read-only protections (`sandbox.lua`), its error handler, and the
//! `redis` table calling back into the engine through [`ScriptCalls`] for the length
//! of one run.
//!
//! - `sandbox.lua`: the environment scripts see, built once per state.
//! - [`convert`]: replies to Lua values and back, and Redis's error tables.
//! - `api`: the `redis` table and the builtins kvdb changes.
//! - [`libs`]: the C libraries Redis loads (cjson, struct, cmsgpack, bit), in Rust.
//! - `functions`: the functions' interpreter: loading libraries
//!   (`redis.register_function`) and calling their functions.
//! - `run_slot`: where a run's engine callbacks wait for the `redis.*` functions.
//! - `raw`: starting a run and `redis.call` through Lua's C API, the hot crossings.
//! - [`fuzz`]: the body of the `lua_eval` fuzz target.

mod api;
pub mod convert;
mod functions;
pub mod fuzz;
pub mod libs;
mod raw;
mod run_slot;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use kvdb_engine::functions::FunctionInfo;
use kvdb_engine::scripting::{HostFactory, ScriptCalls, ScriptError, ScriptHost};
use kvdb_engine::Reply;
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};
use raw::{Anchor, Ran};

use api::{install_kernel, install_natives, redis_table, RAND48_START};
use convert::{error_message, error_table, lua_to_reply};
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

/// The engine's script host: one Lua 5.1 state running every script, and, as in
/// Redis, another one for function libraries (made when the first library loads).
pub struct LuaHost {
    eval: Interpreter,
    /// Compiled scripts by SHA, anchored in the eval state's registry.
    scripts: foldhash::HashMap<String, Anchor>,
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
    /// Raw functions and slots the sandbox shares (`K` in `sandbox.lua`).
    kernel: Table,
    /// The engine side of the script running now.
    slot: Arc<RunSlot>,
    /// The real globals (scripts see a read-only proxy of them).
    globals: Table,
    /// The proxy scripts see as their globals.
    proxy: Table,
    /// What the raw run path pushes: the error handler, the globals, field names.
    refs: raw::Refs,
    /// The cap on the interpreter's memory, checked as scripts run.
    memory_limit: usize,
    /// Set once a killed script switched the hook to every line; the end of the run
    /// puts the count hook back.
    killed: Arc<AtomicBool>,
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
            scripts: foldhash::HashMap::default(),
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
        libs::open_all(&lua)?;
        let kernel = lua.create_table()?;
        let slot = Arc::new(RunSlot::default());
        install_kernel(&lua, &kernel, &slot, random)?;
        globals.raw_set("redis", redis_table(&lua, &slot, flavor)?)?;
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
        install_natives(&lua, &globals, &kernel)?;
        // The runs' error handler, Redis's `__redis__err__handler`.
        let handler = lua.create_function(error_handler)?;
        if flavor == Flavor::Eval {
            globals.raw_set("__redis__err__handler", handler.clone())?;
        }
        let refs = raw::Refs::new(&lua, &handler, &slot)?;
        let interpreter = Interpreter {
            lua,
            kernel,
            slot,
            globals,
            proxy,
            refs,
            memory_limit,
            killed: Arc::new(AtomicBool::new(false)),
        };
        interpreter.install_hook();
        Ok(interpreter)
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

    /// Runs `function` under Redis's error handler with the `redis` table wired to
    /// `calls`, and converts what it returns. `keys_as_globals`: `KEYS` and `ARGV` are
    /// globals (EVAL) rather than the function's two arguments (FCALL).
    fn call_protected(
        &mut self,
        name: &str,
        function: &Anchor,
        (keys, args): (&[Bytes], &[Bytes]),
        keys_as_globals: bool,
        calls: &mut dyn ScriptCalls,
    ) -> Result<Reply, ScriptError> {
        let (lua, refs, slot) = (&self.lua, &self.refs, &self.slot);
        let outcome = slot.run(calls, || {
            raw::run(lua, refs, function, (keys, args), keys_as_globals, slot)
        });
        // A killed script left the hook firing on every line: put the count back.
        if self.killed.swap(false, Ordering::Relaxed) {
            self.install_hook();
        }
        match outcome {
            Ok(Ran::Reply(reply)) => Ok(reply),
            // An error reply is the command's error: counted unless it is one a
            // command the script called already counted.
            Ok(Ran::ReturnedError(value)) => match lua_to_reply(&value, calls.protocol()) {
                Reply::Error(text) => Err(ScriptError {
                    message: text.to_vec(),
                    already_counted: match &value {
                        Value::Table(table) => error_message(table).1,
                        _ => false,
                    },
                }),
                reply => Ok(reply),
            },
            Ok(Ran::Raised(Value::Table(error))) => Err(script_error(name, &error)),
            Ok(Ran::Raised(other)) => Err(running_failed(name, &self.describe(&other))),
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

    /// Installs the count hook (see [`install_hook`]).
    fn install_hook(&self) {
        install_hook(&self.lua, &self.slot, &self.killed, self.memory_limit);
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
                lua.set_hook(HookTriggers::new().every_line(), |lua, _| {
                    // Not in kvdb's own frames: the run's wrapper must be able to
                    // return the caught kill (Redis has no Lua frame there).
                    match lua.inspect_stack(0) {
                        Some(frame) if frame.source().source.as_deref() == Some(SANDBOX_SOURCE) => {
                            Ok(VmState::Continue)
                        }
                        _ => Err(killed_error()),
                    }
                });
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

impl ScriptHost for LuaHost {
    fn compile(&mut self, sha: &str, body: &[u8]) -> Result<(), String> {
        let eval = &self.eval;
        let function = eval.compile(body, "@user_script", eval.proxy.clone())?;
        let anchor = raw::anchor(&eval.lua, &function).map_err(|error| error.to_string())?;
        if let Some(replaced) = self.scripts.insert(sha.to_string(), anchor) {
            raw::release(&eval.lua, replaced);
        }
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
        if let Some(function) = self.scripts.get(sha) {
            return self
                .eval
                .call_protected(sha, function, (keys, args), true, calls);
        }
        // Not compiled by this host yet (a fresh host after a fork).
        let eval = &self.eval;
        let anchor = eval
            .compile(body, "@user_script", eval.proxy.clone())
            .and_then(|function| {
                raw::anchor(&eval.lua, &function).map_err(|error| error.to_string())
            })
            .map_err(|message| ScriptError {
                message: format!("ERR Error compiling script (new function): {message}")
                    .into_bytes(),
                already_counted: false,
            })?;
        self.scripts.insert(sha.to_string(), anchor);
        let function = &self.scripts[sha];
        self.eval
            .call_protected(sha, function, (keys, args), true, calls)
    }

    fn forget_scripts(&mut self) {
        for (_, anchor) in self.scripts.drain() {
            raw::release(&self.eval.lua, anchor);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use kvdb_engine::Protocol;

    /// A stand-in for the engine: records what scripts call and answers from a
    /// script of replies.
    #[derive(Default)]
    struct FakeCalls {
        called: Vec<Vec<Bytes>>,
        replies: Vec<Result<Reply, String>>,
        protocol: Protocol,
        stop: bool,
        logged: Vec<(u8, Vec<u8>)>,
        replication: Option<u8>,
        /// Commands `redis.acl_check_cmd` says the user may not run.
        denied: Vec<Vec<u8>>,
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

        fn set_replication(&mut self, targets: u8) {
            self.replication = Some(targets);
        }

        fn acl_check(&mut self, argv: &[Bytes]) -> Option<bool> {
            let name = argv[0].to_ascii_lowercase();
            (name != b"nosuchcommand").then(|| !self.denied.contains(&name))
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
    fn acl_check_cmd_asks_the_engine_about_the_callers_user() {
        let mut calls = FakeCalls {
            denied: vec![b"hset".to_vec()],
            ..FakeCalls::default()
        };
        let script = "return {redis.acl_check_cmd('get', 'k'), redis.acl_check_cmd('HSET', 'k')}";
        assert_eq!(
            run(script, &mut calls),
            Ok(Reply::Array(vec![Reply::Int(1), Reply::Nil]))
        );
        let error = run("return redis.acl_check_cmd('nosuchcommand')", &mut calls).unwrap_err();
        assert!(text(error).starts_with("ERR Invalid command passed to redis.acl_check_cmd()"),);
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
    fn redis_call_takes_as_many_arguments_as_unpack_gives() {
        let mut calls = FakeCalls::default();
        let script = "local t = {} for i = 1, 7990 do t[i] = 'x' end \
                      return redis.call('del', unpack(t))";
        assert_eq!(run(script, &mut calls), Ok(Reply::status("OK")));
        assert_eq!(calls.called[0].len(), 7991);
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
    fn runs_leave_the_main_stack_as_they_found_it() {
        // Each kind of ending, many more times than the stack has slots: a value
        // left behind by any of them would overflow it.
        let mut host = LuaHost::new(DEFAULT_MEMORY_LIMIT).unwrap();
        let scripts: [&[u8]; 3] = [b"return KEYS[1]", b"return {err='no'}", b"error('raised')"];
        for n in 0..12_000 {
            let script = scripts[n % 3];
            let sha = kvdb_engine::scripting::sha1_hex(script);
            let keys = [Bytes::from_static(b"k")];
            let ran = host.run(&sha, script, &keys, &[], &mut FakeCalls::default());
            match n % 3 {
                0 => assert_eq!(ran, Ok(Reply::bulk("k"))),
                1 => assert_eq!(text(ran.unwrap_err()), "no"),
                _ => assert!(text(ran.unwrap_err()).starts_with("ERR user_script:1: raised")),
            }
        }
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
    fn a_stop_request_kills_a_function_with_redis_s_error() {
        let mut host = LuaHost::new(DEFAULT_MEMORY_LIMIT).unwrap();
        let body =
            b"redis.register_function('spin', function(keys, args)\n  while true do end\nend)";
        host.load_library(1, body, None).unwrap();
        let mut calls = FakeCalls {
            stop: true,
            ..FakeCalls::default()
        };
        let error = host
            .call_function(1, body, "spin", &[], &[], &mut calls)
            .unwrap_err();
        assert_eq!(
            text(error),
            "ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2."
        );
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
