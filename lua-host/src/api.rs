//! The `redis` table and the builtins kvdb changes (`math.random`, `rawset`,
//! `setmetatable`, `next`, `pairs`), as Redis 7.0's `script_lua.c` registers them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use kvdb_engine::scripting::ScriptCalls;
use kvdb_engine::Protocol;
use mlua::{Function, Lua, MultiValue, Table, Value};

use super::raw;
use super::run_slot::RunSlot;
use super::{
    argument_error, check_int, error_at_caller, raise_if, raise_text, raised_value, Flavor,
    REDIS_VERSION, REDIS_VERSION_NUM,
};
use crate::convert::error_table;

/// lrand48's starting state (Redis's `rand.c`).
pub(crate) const RAND48_START: u64 = 0x1234_ABCD_330E;

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

/// `redis.setresp(2|3)` underneath.
pub(crate) fn set_resp(
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
pub(crate) fn install_natives(lua: &Lua, globals: &Table, kernel: &Table) -> mlua::Result<()> {
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

/// The `redis` table, as Redis 7.0 registers it for `EVAL` or (`flavor`) functions.
pub(crate) fn redis_table(lua: &Lua, slot: &Arc<RunSlot>, flavor: Flavor) -> mlua::Result<Table> {
    let redis = lua.create_table()?;
    redis.raw_set("call", raw::redis_call_function(lua, slot, true)?)?;
    redis.raw_set("pcall", raw::redis_call_function(lua, slot, false)?)?;
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
            match acl_slot.with(|calls| calls.acl_check(&argv)).flatten() {
                Some(allowed) => Ok(Value::Boolean(allowed)),
                None => raise_text(lua, b"Invalid command passed to redis.acl_check_cmd()"),
            }
        })?,
    )?;
    redis.raw_set(
        "set_repl",
        during_run(lua, slot, "redis.set_repl", true, |lua, calls, args| {
            if args.len() != 1 {
                let error = error_table(lua, b"redis.set_repl() requires two arguments.", false)?;
                return Ok((Value::Table(error), true));
            }
            let flags = lua.coerce_number(args[0].clone())?.unwrap_or(0.0) as i64;
            if flags & !3 != 0 {
                let text = b"Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.";
                return Ok((Value::Table(error_table(lua, text, false)?), true));
            }
            calls.set_replication(flags as u8);
            Ok((Value::Nil, false))
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

/// The kernel's raw functions for `sandbox.lua`: the random generator (its state is
/// this host's: Redis's is process-wide and only `math.randomseed` resets it) and the
/// unwrapping of raised tables for `pcall`.
pub(crate) fn install_kernel(
    lua: &Lua,
    kernel: &Table,
    slot: &Arc<RunSlot>,
    state: Arc<AtomicU64>,
) -> mlua::Result<()> {
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
