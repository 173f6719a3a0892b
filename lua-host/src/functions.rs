//! The functions' interpreter (Redis's `function_lua.c`): loading a library runs its
//! body with only the library API visible (`redis.register_function`, `redis.log`, the
//! log levels and the version) under a time limit, and collects the functions it
//! registers; calling one runs it with its keys and arguments as two tables.

use std::time::{Duration, Instant};

use bytes::Bytes;
use kvdb_engine::args::c_str;
use kvdb_engine::functions::{is_valid_name, FunctionInfo, BAD_NAME};
use kvdb_engine::scripting::{script_flags, ScriptCalls, ScriptError};
use kvdb_engine::Reply;
use mlua::{Function, HookTriggers, Lua, MultiValue, Table, Value, VmState};

use super::raw::{self, Anchor};
use super::{
    error_table, raise_text, raised_value, running_failed, Interpreter, RaisedTable,
    HOOK_INSTRUCTIONS,
};

/// The functions' interpreter and the callbacks of every library loaded in it.
pub(crate) struct Libraries {
    interpreter: Interpreter,
    /// The globals of library code: reads go to `meta.__index`.
    env: Table,
    /// `env`'s metatable, whose `__index` is the globals proxy, or the library API
    /// while a library loads.
    env_meta: Table,
    /// What a loading library sees: `redis` with the library API only.
    library_api: Table,
    /// Lua's own `pcall` (scripts get one that unwraps error tables).
    raw_pcall: Function,
    /// Callbacks by library id and function name, anchored in the registry (foldhash:
    /// both are looked up on every FCALL).
    libraries: foldhash::HashMap<u64, foldhash::HashMap<String, Anchor>>,
}

/// The functions a library registered so far, while it loads.
struct Loading(Vec<(FunctionInfo, Function)>);

impl Libraries {
    /// Wraps a [`crate::Flavor::Functions`] interpreter.
    pub(crate) fn new(interpreter: Interpreter) -> mlua::Result<Self> {
        let kernel = &interpreter.kernel;
        Ok(Libraries {
            env: kernel.raw_get("function_env")?,
            env_meta: kernel.raw_get("function_env_meta")?,
            library_api: kernel.raw_get("library_api")?,
            raw_pcall: kernel.raw_get("raw_pcall")?,
            interpreter,
            libraries: foldhash::HashMap::default(),
        })
    }

    /// Loads a library as `id` (see [`kvdb_engine::scripting::ScriptHost::load_library`]).
    pub(crate) fn load(
        &mut self,
        id: u64,
        body: &[u8],
        timeout: Option<Duration>,
    ) -> Result<Vec<FunctionInfo>, String> {
        let chunk = self
            .interpreter
            .compile(body, "@user_function", self.env.clone())
            .map_err(|message| format!("Error compiling function: {message}"))?;
        let lua = &self.interpreter.lua;
        if let Some(timeout) = timeout {
            let started = Instant::now();
            lua.set_hook(
                HookTriggers::new().every_nth_instruction(HOOK_INSTRUCTIONS),
                move |lua, _| {
                    if started.elapsed() <= timeout {
                        return Ok(VmState::Continue);
                    }
                    // From now on every line fails, as in Redis.
                    lua.set_hook(HookTriggers::new().every_line(), |lua, _| {
                        Err(load_timeout(lua))
                    });
                    Err(load_timeout(lua))
                },
            );
        }
        lua.set_app_data(Loading(Vec::new()));
        let swapped = self.env_meta.raw_set("__index", self.library_api.clone());
        let outcome = swapped.and_then(|()| self.raw_pcall.call::<(bool, Value)>(chunk));
        let restored = self
            .env_meta
            .raw_set("__index", self.interpreter.proxy.clone());
        // Back to the count hook every run has (the load's timeout hook replaced it).
        self.interpreter.install_hook();
        let registered = lua.remove_app_data::<Loading>().map(|l| l.0);
        let failure = match (outcome, restored) {
            (Ok((true, _)), Ok(())) => None,
            (Ok((false, error)), _) => Some(error_text(lua, error)),
            (Err(error), _) | (_, Err(error)) => Some(format!("ERR {error}")),
        };
        if let Some(failure) = failure {
            return Err(format!("Error registering functions: {failure}"));
        }
        let registered = registered.unwrap_or_default();
        let infos = registered.iter().map(|(info, _)| info.clone()).collect();
        let mut callbacks =
            foldhash::HashMap::with_capacity_and_hasher(registered.len(), Default::default());
        for (info, callback) in registered {
            let anchor = raw::anchor(lua, &callback)
                .map_err(|error| format!("Error registering functions: ERR {error}"))?;
            callbacks.insert(info.name, anchor);
        }
        if let Some(replaced) = self.libraries.insert(id, callbacks) {
            release_all(lua, replaced);
        }
        Ok(infos)
    }

    /// Calls `function` of library `id`, loading the library from `body` first if
    /// this interpreter has not seen it (a fresh host after a fork).
    pub(crate) fn call(
        &mut self,
        id: u64,
        body: &[u8],
        function: &str,
        keys: &[Bytes],
        args: &[Bytes],
        calls: &mut dyn ScriptCalls,
    ) -> Result<Reply, ScriptError> {
        if !self.libraries.contains_key(&id) {
            self.load(id, body, None)
                .map_err(|error| running_failed(function, &error))?;
        }
        let Some(callback) = self
            .libraries
            .get(&id)
            .and_then(|callbacks| callbacks.get(function))
        else {
            return Err(ScriptError {
                message: "ERR Function not found".into(),
                already_counted: false,
            });
        };
        self.interpreter
            .call_protected(function, callback, (keys, args), false, calls)
    }

    /// Forgets library `id`.
    pub(crate) fn drop_library(&mut self, id: u64) {
        if let Some(callbacks) = self.libraries.remove(&id) {
            release_all(&self.interpreter.lua, callbacks);
            self.interpreter.lua.gc_collect().ok();
        }
    }

    /// Bytes the interpreter uses.
    pub(crate) fn memory_used(&self) -> usize {
        self.interpreter.lua.used_memory()
    }
}

/// Gives back the registry slots of a library's callbacks.
fn release_all(lua: &Lua, callbacks: foldhash::HashMap<String, Anchor>) {
    for (_, anchor) in callbacks {
        raw::release(lua, anchor);
    }
}

/// Redis's `{err="ERR FUNCTION LOAD timeout"}`, raised from the hook.
fn load_timeout(lua: &Lua) -> mlua::Error {
    match error_table(lua, b"FUNCTION LOAD timeout", false) {
        Ok(table) => mlua::Error::external(RaisedTable(table)),
        Err(error) => error,
    }
}

/// The message of an error a library body raised (Redis's
/// `luaExtractErrorInformation` with no error handler): a string gets `ERR `, a table
/// gives its `err`.
fn error_text(lua: &Lua, error: Value) -> String {
    let error = match error {
        Value::Error(failure) => match raised_value(lua, &failure) {
            Ok(Some(value)) => value,
            _ => return format!("ERR {failure}"),
        },
        other => other,
    };
    match error {
        Value::String(text) => format!("ERR {}", text.to_string_lossy()),
        Value::Integer(_) | Value::Number(_) => {
            let text = lua.coerce_string(error).ok().flatten();
            format!(
                "ERR {}",
                text.map_or(String::new(), |t| t.to_string_lossy())
            )
        }
        Value::Table(table) => match table.raw_get::<Value>("err") {
            Ok(message @ (Value::String(_) | Value::Integer(_) | Value::Number(_))) => lua
                .coerce_string(message)
                .ok()
                .flatten()
                .map_or(String::new(), |t| t.to_string_lossy()),
            _ => "(null)".into(),
        },
        _ => "(null)".into(),
    }
}

/// `value` as a string if Lua's `lua_isstring` accepts it (a string or a number).
fn lua_string(lua: &Lua, value: &Value) -> Option<Bytes> {
    match value {
        Value::String(_) | Value::Integer(_) | Value::Number(_) => lua
            .coerce_string(value.clone())
            .ok()
            .flatten()
            .map(|text| Bytes::copy_from_slice(&text.as_bytes())),
        _ => None,
    }
}

/// What `redis.register_function` was given.
struct Registration {
    name: Bytes,
    description: Option<Bytes>,
    callback: Function,
    flags: u32,
}

/// `redis.register_function(name, callback)` or `redis.register_function{...}`.
pub(crate) fn register_function(lua: &Lua, args: MultiValue) -> mlua::Result<()> {
    if lua.app_data_ref::<Loading>().is_none() {
        raise_text(
            lua,
            b"redis.register_function can only be called on FUNCTION LOAD command",
        )?;
    }
    let registration = match args.len() {
        1 => named_arguments(lua, &args[0]),
        2 => positional_arguments(lua, &args[0], &args[1]),
        _ => Err("wrong number of arguments to redis.register_function"),
    };
    let registration = match registration {
        Ok(registration) => registration,
        Err(message) => return raise_text(lua, message.as_bytes()).map(drop),
    };
    if !is_valid_name(&registration.name) {
        return raise_text(lua, BAD_NAME.as_bytes()).map(drop);
    }
    let name = String::from_utf8_lossy(&registration.name).into_owned();
    let mut loading = lua
        .app_data_mut::<Loading>()
        .ok_or_else(|| mlua::Error::runtime("no library is loading"))?;
    if loading.0.iter().any(|(info, _)| info.name == name) {
        drop(loading);
        return raise_text(lua, b"Function already exists in the library").map(drop);
    }
    loading.0.push((
        FunctionInfo {
            name,
            description: registration.description,
            flags: registration.flags,
        },
        registration.callback,
    ));
    Ok(())
}

fn positional_arguments(
    lua: &Lua,
    name: &Value,
    callback: &Value,
) -> Result<Registration, &'static str> {
    let name = lua_string(lua, name)
        .ok_or("first argument to redis.register_function must be a string")?;
    let Value::Function(callback) = callback else {
        return Err("second argument to redis.register_function must be a function");
    };
    Ok(Registration {
        name,
        description: None,
        callback: callback.clone(),
        flags: 0,
    })
}

/// The table form: `function_name`, `callback`, `description` and `flags`, keys in
/// any case, read in the table's own order (so the first bad one is Redis's).
fn named_arguments(lua: &Lua, table: &Value) -> Result<Registration, &'static str> {
    let Value::Table(table) = table else {
        return Err("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
    };
    let (mut name, mut description, mut callback, mut flags) = (None, None, None, 0);
    for pair in table.pairs::<Value, Value>() {
        let Ok((key, value)) = pair else {
            return Err("named argument key given to redis.register_function is not a string");
        };
        let key = lua_string(lua, &key)
            .ok_or("named argument key given to redis.register_function is not a string")?;
        let key = c_str(&key);
        if key.eq_ignore_ascii_case(b"function_name") {
            name = Some(lua_string(lua, &value).ok_or(
                "function_name argument given to redis.register_function must be a string",
            )?);
        } else if key.eq_ignore_ascii_case(b"description") {
            description =
                Some(lua_string(lua, &value).ok_or(
                    "description argument given to redis.register_function must be a string",
                )?);
        } else if key.eq_ignore_ascii_case(b"callback") {
            let Value::Function(function) = value else {
                return Err(
                    "callback argument given to redis.register_function must be a function",
                );
            };
            callback = Some(function);
        } else if key.eq_ignore_ascii_case(b"flags") {
            let Value::Table(list) = value else {
                return Err("flags argument to redis.register_function must be a table representing function flags");
            };
            flags = read_flags(lua, &list).ok_or("unknown flag given")?;
        } else {
            return Err("unknown argument given to redis.register_function");
        }
    }
    let name = name.ok_or("redis.register_function must get a function name argument")?;
    let callback = callback.ok_or("redis.register_function must get a callback argument")?;
    Ok(Registration {
        name,
        description,
        callback,
        flags,
    })
}

/// The flags of `flags={...}`: `list[1]`, `list[2]`, ... up to the first nil, each a
/// flag name in any case.
fn read_flags(lua: &Lua, list: &Table) -> Option<u32> {
    let mut flags = 0;
    for n in 1.. {
        let value = list.get::<Value>(n).ok()?;
        if value.is_nil() {
            break;
        }
        let text = lua_string(lua, &value)?;
        let (bit, _) = script_flags::NAMES
            .iter()
            .find(|(_, flag)| c_str(&text).eq_ignore_ascii_case(flag.as_bytes()))?;
        flags |= bit;
    }
    Some(flags)
}
