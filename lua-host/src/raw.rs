//! The two crossings every script run makes, through Lua's C API as Redis makes them:
//! starting a run (one `lua_pcall` under the error handler, made on the main state, of
//! a C function that pushes the function, `KEYS` and `ARGV` with `lua_pushlstring`,
//! calls it and reads the result off the stack), and `redis.call`/`redis.pcall` as C
//! functions (arguments read with `lua_tolstring` into a reused buffer, the reply
//! pushed straight onto the stack). Through mlua's safe API every value crossing takes
//! a slot on mlua's reference thread and gives it back, a third of a small EVALSHA's
//! instructions; entering through mlua's `Function::call` cost a second `lua_pcall`
//! and mlua's own bookkeeping, 4% more.
//!
//! This is kvdb's third `unsafe` exception (see `docs/decisions.md`). What keeps it
//! sound:
//!
//! 1. **No `longjmp` over a Rust destructor.** Lua 5.1, as mlua builds it (C, not
//!    C++), raises errors with `longjmp`, which must never skip a Rust frame that
//!    owns something to drop. The Lua functions that may raise — anything that
//!    allocates (a collector step can run finalizers) and `lua_error` — are called
//!    only from frames that own nothing: [`run_protected`] until the function has
//!    returned, [`push_protected`] and the functions it calls (they borrow the reply
//!    through a light userdata), and [`redis_call`] once its inner function has
//!    returned. Frames that own Rust values ([`run`] owns the run's job) call only
//!    functions that cannot raise: `lua_gettop`, `lua_settop`,
//!    `lua_type`, `lua_tolstring` on a string, `lua_tonumber`, `lua_toboolean`,
//!    `lua_touserdata`, `lua_rawgeti`, `lua_rawget`, `lua_next` with the key it gave,
//!    `lua_replace`, `lua_pushvalue`, `lua_pushlightuserdata`, `lua_pushnumber`,
//!    `lua_pushboolean`, `lua_pushnil` (no memory), `lua_rawseti` of a key the table
//!    already has (no memory), `lua_checkstack`, and `lua_pcall`, which catches
//!    whatever its callee raises.
//! 2. **Lua cannot fail to allocate.** With no mlua memory limit, mlua's allocator
//!    never returns NULL (it aborts the process), so Lua never raises a memory error
//!    from the functions above (`lua_checkstack` may grow the stack); mlua's own
//!    unprotected calls rely on the same. [`Refs::new`] clears the limit; kvdb's
//!    memory cap is the count hook's.
//! 3. **No panic unwinds through Lua's C frames.** Rust code Lua calls runs under
//!    `catch_unwind`; a panic is parked in the run slot and replaced by a Lua error,
//!    and [`run`] resumes it once back in Rust.
//! 4. **Stack room.** A C function starts with `LUA_MINSTACK` (20) free slots;
//!    anything that recurses checks with `lua_checkstack` first.
//! 5. **What Lua points at.** `redis.call`'s first upvalue is the interpreter's
//!    [`RunSlot`], which the Lua state itself keeps alive (an `Arc` in mlua's app
//!    data, dropped with the state).
//! 6. **The main state, outside mlua.** [`run`] pushes onto and calls on the main
//!    state (taken from `exec_raw` when the interpreter is made) without mlua's lock.
//!    Only the interpreter that owns the `Lua` calls it, through `&mut self`, from
//!    the engine (never from inside Lua, never in a coroutine), so nothing else uses
//!    the state meanwhile; it leaves the stack as it found it. mlua callbacks the
//!    script reaches take mlua's lock themselves, as under `redis.call` before. An
//!    error comes back to mlua through a registry slot read with `exec_raw`.

#![allow(unsafe_code)]

use std::any::Any;
use std::cell::Cell;
use std::ffi::{c_int, c_void};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Arc;

use bytes::Bytes;
use kvdb_engine::scripting::ScriptCalls;
use kvdb_engine::{Protocol, Reply};
use kvdb_resp::fmt::{g17_into, G17_MAX};
use mlua::ffi::{self, lua_State};
use mlua::{Function, Lua, Value};

use crate::convert::{c_long_long, error_parts, newlines_to_spaces, MAX_DEPTH};
use crate::run_slot::{Argv, RunSlot};

const REGISTRY: c_int = ffi::LUA_REGISTRYINDEX;

/// A Lua value held in the registry (`luaL_ref`), pushed without mlua. Give it
/// back with [`release`]; one merely dropped keeps its value until the state closes.
#[derive(Debug)]
pub(crate) struct Anchor(c_int);

/// The strings the raw paths look up, anchored so that reading them allocates
/// nothing (invariant 1).
#[derive(Clone, Copy)]
enum Name {
    Err,
    Ok,
    Double,
    BigNumber,
    Verbatim,
    Format,
    String,
    Map,
    Set,
    Keys,
    Argv,
}

const NAMES: [&[u8]; 11] = [
    b"err",
    b"ok",
    b"double",
    b"big_number",
    b"verbatim_string",
    b"format",
    b"string",
    b"map",
    b"set",
    b"KEYS",
    b"ARGV",
];

/// The registry references a run needs, made once per interpreter, and the state
/// they belong to.
pub(crate) struct Refs {
    /// The interpreter's main state, which [`run`] drives directly (invariant 6).
    state: *mut lua_State,
    /// [`run_protected`] as a Lua function.
    runner: c_int,
    handler: c_int,
    globals: c_int,
    /// A slot where [`run`] leaves a run's error for mlua to read.
    stash: c_int,
    names: [c_int; NAMES.len()],
}

// SAFETY: `state` is the main state of the `Lua` owned by the same `Interpreter` as
// these references; it is used only by `run`, which that interpreter calls through
// `&mut self` (invariant 6), so moving `Refs` to another thread moves the only user.
unsafe impl Send for Refs {}

impl Refs {
    /// Anchors `handler` (Redis's `__redis__err__handler`), the real globals and the
    /// field names; makes `slot` live as long as the state (invariant 5) and clears
    /// mlua's memory limit (invariant 2).
    pub(crate) fn new(lua: &Lua, handler: &Function, slot: &Arc<RunSlot>) -> mlua::Result<Refs> {
        lua.set_memory_limit(0)?;
        lua.set_app_data(Arc::clone(slot));
        let mut refs = Refs {
            state: std::ptr::null_mut(),
            runner: 0,
            handler: 0,
            globals: 0,
            stash: 0,
            names: [0; NAMES.len()],
        };
        let values = (handler.clone(), lua.globals());
        // SAFETY: runs inside mlua's protected call with the two values on the
        // stack; `luaL_ref` pops what it anchors. The closure owns nothing to drop.
        // `exec_raw` hands it `lua`'s main state (no coroutine is running).
        // `run_protected` keeps Lua's C function contract (it only reads the light
        // userdata `run` passes it).
        unsafe {
            lua.exec_raw::<()>(values, |state| {
                refs.state = state;
                refs.globals = ffi::luaL_ref(state, REGISTRY);
                refs.handler = ffi::luaL_ref(state, REGISTRY);
                ffi::lua_pushcfunction(state, run_protected);
                refs.runner = ffi::luaL_ref(state, REGISTRY);
                ffi::lua_pushboolean(state, 0);
                refs.stash = ffi::luaL_ref(state, REGISTRY);
                for (name, slot) in NAMES.iter().zip(refs.names.iter_mut()) {
                    ffi::lua_pushlstring_(state, name.as_ptr().cast(), name.len());
                    *slot = ffi::luaL_ref(state, REGISTRY);
                }
            })?;
        }
        Ok(refs)
    }

    fn name(&self, name: Name) -> c_int {
        self.names[name as usize]
    }
}

/// Anchors `function` in the registry.
pub(crate) fn anchor(lua: &Lua, function: &Function) -> mlua::Result<Anchor> {
    let mut anchored = 0;
    // SAFETY: `luaL_ref` pops the one value exec_raw pushed; nothing owned.
    unsafe {
        lua.exec_raw::<()>(function.clone(), |state| {
            anchored = ffi::luaL_ref(state, REGISTRY);
        })?;
    }
    Ok(Anchor(anchored))
}

/// Gives `anchor`'s registry slot back.
pub(crate) fn release(lua: &Lua, anchor: Anchor) {
    // SAFETY: `luaL_unref` of a reference `anchor` made, once (it is consumed).
    let released = unsafe {
        lua.exec_raw::<()>((), |state| {
            ffi::luaL_unref(state, REGISTRY, anchor.0);
        })
    };
    // Only a failure to enter Lua at all; the slot then stays taken.
    drop(released);
}

/// How a run ended.
pub(crate) enum Ran {
    /// The function returned this.
    Reply(Reply),
    /// The function returned an error table (`{err=...}`); read through mlua, since
    /// the mark of an already counted error may come through a metatable.
    ReturnedError(Value),
    /// The function raised: what the error handler made of the error.
    Raised(Value),
}

/// What [`start`] pushes: plain data, so that its frame owns nothing.
#[derive(Clone, Copy)]
struct Start<'a> {
    refs: &'a Refs,
    function: c_int,
    keys: &'a [Bytes],
    args: &'a [Bytes],
    keys_as_globals: bool,
}

/// A run for [`run_protected`]: what to push, and what came back.
struct RunJob<'a> {
    start: Start<'a>,
    slot: &'a RunSlot,
    converted: Option<Reply>,
    panicked: Option<Box<dyn Any + Send>>,
}

/// Runs `function` of `lua` under the error handler: `KEYS` and `ARGV` as globals
/// (`keys_as_globals`, EVAL) or as its two arguments (FCALL). The result is read in
/// the protocol the script left in `slot`'s callbacks.
///
/// One `lua_pcall`, made here on the main state with Redis's error handler, of
/// [`run_protected`], which pushes the arguments and calls the function inside it, as
/// Redis's `luaCallFunction` does; an error or error table comes back to mlua through
/// the stash slot.
pub(crate) fn run(
    lua: &Lua,
    refs: &Refs,
    function: &Anchor,
    (keys, args): (&[Bytes], &[Bytes]),
    keys_as_globals: bool,
    slot: &RunSlot,
) -> mlua::Result<Ran> {
    let mut job = RunJob {
        start: Start {
            refs,
            function: function.0,
            keys,
            args,
            keys_as_globals,
        },
        slot,
        converted: None,
        panicked: None,
    };
    let state = refs.state;
    // SAFETY: invariant 6 makes `state` ours for the call. This frame owns `job`, so
    // it calls only what cannot raise (invariant 1): `lua_checkstack` (room for three
    // values), `lua_rawgeti` of registry slots, `lua_pushlightuserdata`, `lua_pcall`
    // (which catches what `run_protected` raises; it borrows `job` for the call),
    // `lua_rawseti` of an existing slot and `lua_settop`.
    let status = unsafe {
        if ffi::lua_checkstack(state, 3) == 0 {
            return Err(mlua::Error::StackError);
        }
        let base = ffi::lua_gettop(state);
        ffi::lua_rawgeti_(state, REGISTRY, refs.handler);
        ffi::lua_rawgeti_(state, REGISTRY, refs.runner);
        ffi::lua_pushlightuserdata(state, std::ptr::from_mut(&mut job).cast());
        let status = ffi::lua_pcall(state, 1, 1, base + 1);
        // [handler, the error or error table, or nothing when converted]
        if job.converted.is_none() {
            ffi::lua_rawseti_(state, REGISTRY, refs.stash);
        }
        ffi::lua_settop(state, base);
        status
    };
    if let Some(payload) = job.panicked.take().or_else(|| slot.take_panic()) {
        resume_unwind(payload);
    }
    if let Some(reply) = job.converted {
        return Ok(Ran::Reply(reply));
    }
    let left = take_stash(lua, refs)?;
    Ok(match status {
        ffi::LUA_OK => Ran::ReturnedError(left),
        _ => Ran::Raised(left),
    })
}

/// The value [`run`] left in the stash slot, which is emptied.
fn take_stash(lua: &Lua, refs: &Refs) -> mlua::Result<Value> {
    // SAFETY: inside mlua's protected call; pushes the value, then empties the slot
    // with a nil (an existing key: no allocation). Owns nothing.
    unsafe {
        lua.exec_raw((), |state| {
            ffi::lua_rawgeti_(state, REGISTRY, refs.stash);
            ffi::lua_pushnil(state);
            ffi::lua_rawseti_(state, REGISTRY, refs.stash);
        })
    }
}

/// The body of a run, called by [`run`] with a `RunJob` as a light userdata under
/// the error handler: pushes the function and its arguments and calls it (its errors
/// go to the handler), then returns nothing when the result was converted, else the
/// result (an error table). Owns nothing while it may raise (invariant 1); then only
/// reads, with panics caught (invariant 3).
unsafe extern "C-unwind" fn run_protected(state: *mut lua_State) -> c_int {
    let job = ffi::lua_touserdata(state, 1).cast::<RunJob<'_>>();
    ffi::lua_settop(state, 0);
    start(state, (*job).start);
    let refs = (*job).start.refs;
    let protocol = (*job)
        .slot
        .with(|calls| calls.protocol())
        .unwrap_or(Protocol::Resp2);
    match catch_unwind(AssertUnwindSafe(|| read_result(state, refs, protocol))) {
        Ok(None) => 1,
        Ok(converted) => {
            (*job).converted = converted;
            0
        }
        Err(payload) => {
            (*job).panicked = Some(payload);
            0
        }
    }
}

/// Pushes the function and its arguments and calls it, leaving its one result. Owns
/// nothing, so it may raise (invariant 1): the function's errors go through the
/// handler of [`run`]'s `lua_pcall`.
unsafe fn start(state: *mut lua_State, run: Start<'_>) {
    ffi::luaL_checkstack(state, 8, c"kvdb: run".as_ptr());
    let base = ffi::lua_gettop(state);
    ffi::lua_rawgeti_(state, REGISTRY, run.function);
    push_strings(state, run.keys);
    push_strings(state, run.args);
    let nargs = if run.keys_as_globals {
        ffi::lua_rawgeti_(state, REGISTRY, run.refs.globals);
        for (name, table) in [(Name::Keys, base + 2), (Name::Argv, base + 3)] {
            ffi::lua_rawgeti_(state, REGISTRY, run.refs.name(name));
            ffi::lua_pushvalue(state, table);
            ffi::lua_rawset(state, base + 4);
        }
        ffi::lua_settop(state, base + 1);
        0
    } else {
        2
    };
    ffi::lua_call(state, nargs, 1);
}

/// Pushes a new array of `values`.
unsafe fn push_strings(state: *mut lua_State, values: &[Bytes]) {
    ffi::lua_createtable(state, c_int::try_from(values.len()).unwrap_or(0), 0);
    for (n, value) in (1..).zip(values) {
        ffi::lua_pushlstring_(state, value.as_ptr().cast(), value.len());
        ffi::lua_rawseti_(state, -2, n);
    }
}

/// The bytes of the string at `index` (which must be a string: `lua_tolstring`
/// then converts nothing), valid while it stays on the stack.
unsafe fn string_at<'a>(state: *mut lua_State, index: c_int) -> &'a [u8] {
    let mut len = 0;
    let text = ffi::lua_tolstring(state, index, &mut len);
    if text.is_null() {
        return b"";
    }
    std::slice::from_raw_parts(text.cast(), len)
}

/// Pushes field `name` of the table at `table` (raw): its type.
unsafe fn field(state: *mut lua_State, refs: &Refs, table: c_int, name: Name) -> c_int {
    ffi::lua_rawgeti_(state, REGISTRY, refs.name(name));
    ffi::lua_rawget_(state, table);
    ffi::lua_type(state, -1)
}

/// The function's result (top of the stack) as a reply (`luaReplyToRedisReply`),
/// or `None` for an error table. Only reading functions (invariant 1).
unsafe fn read_result(state: *mut lua_State, refs: &Refs, protocol: Protocol) -> Option<Reply> {
    let top = ffi::lua_gettop(state);
    if ffi::lua_type(state, top) == ffi::LUA_TTABLE {
        let is_error = field(state, refs, top, Name::Err) == ffi::LUA_TSTRING;
        ffi::lua_settop(state, top);
        if is_error {
            return None;
        }
    }
    Some(to_reply(state, refs, top, protocol, 0))
}

fn stack_limit() -> Reply {
    Reply::Error(Bytes::from_static(b"ERR reached lua stack limit"))
}

/// The value at `index` as a reply (`crate::convert::lua_to_reply` on the stack).
unsafe fn to_reply(
    state: *mut lua_State,
    refs: &Refs,
    index: c_int,
    protocol: Protocol,
    depth: usize,
) -> Reply {
    if depth > MAX_DEPTH {
        return stack_limit();
    }
    match ffi::lua_type(state, index) {
        ffi::LUA_TSTRING => Reply::Bulk(Bytes::copy_from_slice(string_at(state, index))),
        ffi::LUA_TBOOLEAN => match (protocol, ffi::lua_toboolean(state, index) != 0) {
            (Protocol::Resp2, true) => Reply::Int(1),
            (Protocol::Resp2, false) => Reply::Nil,
            (Protocol::Resp3, b) => Reply::Bool(b),
        },
        ffi::LUA_TNUMBER => Reply::Int(c_long_long(ffi::lua_tonumber(state, index))),
        ffi::LUA_TTABLE => table_to_reply(state, refs, index, protocol, depth),
        _ => Reply::Nil,
    }
}

/// A table as a reply: the first of `err`, `ok`, `double`, `big_number`,
/// `verbatim_string`, `map` and `set` it has, else an array up to the first nil.
unsafe fn table_to_reply(
    state: *mut lua_State,
    refs: &Refs,
    table: c_int,
    protocol: Protocol,
    depth: usize,
) -> Reply {
    if ffi::lua_checkstack(state, 4) == 0 {
        return stack_limit();
    }
    let top = ffi::lua_gettop(state);
    let text = |name| -> Option<Vec<u8>> {
        let text = (field(state, refs, table, name) == ffi::LUA_TSTRING)
            .then(|| newlines_to_spaces(string_at(state, -1)));
        ffi::lua_settop(state, top);
        text
    };
    if let Some(message) = text(Name::Err) {
        return Reply::Error(Bytes::from(message));
    }
    if let Some(status) = text(Name::Ok) {
        return Reply::Status(Bytes::from(status));
    }
    if field(state, refs, table, Name::Double) == ffi::LUA_TNUMBER {
        let d = ffi::lua_tonumber(state, -1);
        ffi::lua_settop(state, top);
        return Reply::Double(d);
    }
    ffi::lua_settop(state, top);
    if let Some(digits) = text(Name::BigNumber) {
        return Reply::BigNumber(Bytes::from(digits));
    }
    if field(state, refs, table, Name::Verbatim) == ffi::LUA_TTABLE {
        let verbatim = top + 1;
        let format = field(state, refs, verbatim, Name::Format) == ffi::LUA_TSTRING;
        let string = field(state, refs, verbatim, Name::String) == ffi::LUA_TSTRING;
        if format && string {
            let mut code = [0u8; 3];
            for (slot, byte) in code.iter_mut().zip(string_at(state, top + 2)) {
                *slot = *byte;
            }
            let text = Bytes::copy_from_slice(string_at(state, top + 3));
            ffi::lua_settop(state, top);
            return Reply::Verbatim(code, text);
        }
    }
    ffi::lua_settop(state, top);
    if field(state, refs, table, Name::Map) == ffi::LUA_TTABLE {
        let mut pairs = Vec::new();
        walk(state, top + 1, |key, value| {
            pairs.push((
                to_reply(state, refs, key, protocol, depth + 1),
                to_reply(state, refs, value, protocol, depth + 1),
            ));
        });
        ffi::lua_settop(state, top);
        return Reply::Map(pairs);
    }
    ffi::lua_settop(state, top);
    if field(state, refs, table, Name::Set) == ffi::LUA_TTABLE {
        let mut members = Vec::new();
        walk(state, top + 1, |key, _| {
            members.push(to_reply(state, refs, key, protocol, depth + 1));
        });
        ffi::lua_settop(state, top);
        return Reply::Set(members);
    }
    ffi::lua_settop(state, top);
    let mut items = Vec::new();
    for n in 1.. {
        ffi::lua_rawgeti_(state, table, n);
        if ffi::lua_type(state, -1) == ffi::LUA_TNIL {
            break;
        }
        items.push(to_reply(state, refs, top + 1, protocol, depth + 1));
        ffi::lua_settop(state, top);
    }
    ffi::lua_settop(state, top);
    Reply::Array(items)
}

/// Calls `f` with the stack indexes of each key and value of the table at `table`
/// (`lua_next`, the order `pairs` walks). `f` must leave the key as it found it.
unsafe fn walk(state: *mut lua_State, table: c_int, mut f: impl FnMut(c_int, c_int)) {
    ffi::lua_pushnil(state);
    while ffi::lua_next(state, table) != 0 {
        let value = ffi::lua_gettop(state);
        f(value - 1, value);
        ffi::lua_settop(state, value - 1);
    }
}

/// Makes `redis.call` (`raises`) or `redis.pcall`: a C function with the run slot
/// and [`push_protected`] as upvalues.
pub(crate) fn redis_call_function(
    lua: &Lua,
    slot: &Arc<RunSlot>,
    raises: bool,
) -> mlua::Result<Function> {
    let slot = Arc::as_ptr(slot).cast_mut().cast::<c_void>();
    let body = match raises {
        true => redis_call::<true> as ffi::lua_CFunction,
        false => redis_call::<false>,
    };
    // SAFETY: pushes two upvalues and the closure inside mlua's protected call;
    // the slot outlives the state (invariant 5, set up by `Refs::new`).
    unsafe {
        lua.exec_raw((), |state| {
            ffi::lua_pushlightuserdata(state, slot);
            ffi::lua_pushcclosure(state, push_protected, 0);
            ffi::lua_pushcclosure(state, body, 2);
        })
    }
}

/// `redis.call`'s upvalue holding the run slot.
const SLOT_UPVALUE: c_int = 1;
/// `redis.call`'s upvalue holding [`push_protected`].
const PUSH_UPVALUE: c_int = 2;

/// What `redis.call` ended with; the error cases leave the error on the stack.
#[derive(Clone, Copy)]
enum Answer {
    /// A value to return.
    Value,
    /// An error table to raise from `redis.call` and return from `redis.pcall`.
    Failed,
    /// An error to raise from both.
    Raise,
    /// A panic, parked in the run slot.
    Panicked,
}

/// `redis.call` (`RAISES`) and `redis.pcall` (Redis's `luaRedisGenericCommand`).
/// Owns nothing: it raises only after [`call_and_push`] has returned (invariant 1).
unsafe extern "C-unwind" fn redis_call<const RAISES: bool>(state: *mut lua_State) -> c_int {
    match call_and_push(state) {
        Answer::Value => 1,
        Answer::Failed if !RAISES => 1,
        Answer::Failed | Answer::Raise => ffi::lua_error(state),
        Answer::Panicked => {
            let text = b"kvdb: panic in redis.call";
            ffi::lua_pushlstring_(state, text.as_ptr().cast(), text.len());
            ffi::lua_error(state)
        }
    }
}

const OUTSIDE_A_RUN: &[u8] = b"redis.call/pcall can only be called inside a script invocation";
const NO_ARGUMENTS: &[u8] = b"Please specify at least one argument for this redis lib call";
const BAD_ARGUMENT: &[u8] = b"Lua redis lib command arguments must be strings or integers";

/// Runs the command and pushes its reply (or error table); all Rust values live
/// here and are gone when it returns. Lua is only read, or called protected.
unsafe fn call_and_push(state: *mut lua_State) -> Answer {
    // SAFETY (of the dereference): invariant 5.
    let slot = &*ffi::lua_touserdata(state, ffi::lua_upvalueindex(SLOT_UPVALUE)).cast::<RunSlot>();
    let answered = catch_unwind(AssertUnwindSafe(|| {
        slot.with(|calls| call_command(state, slot, calls))
    }));
    match answered {
        Ok(Some(answer)) => answer,
        Ok(None) => match push(state, Push::Error(OUTSIDE_A_RUN, false, false)) {
            Answer::Panicked => Answer::Panicked,
            _ => Answer::Raise,
        },
        Err(payload) => {
            slot.park_panic(payload);
            Answer::Panicked
        }
    }
}

/// Reads the arguments, runs the command and pushes its reply.
unsafe fn call_command(
    state: *mut lua_State,
    slot: &RunSlot,
    calls: &mut dyn ScriptCalls,
) -> Answer {
    let mut reused = slot.argv.try_lock();
    let mut fresh = Argv::default();
    let argv = reused.as_deref_mut().unwrap_or(&mut fresh);
    if let Err(text) = read_argv(state, argv) {
        return failed(push(state, Push::Error(text, false, false)));
    }
    match calls.call(&argv.args) {
        Ok(reply) if push_unallocated(state, &reply, calls.protocol()) => Answer::Value,
        Ok(reply) => push(state, Push::Reply(&reply, calls.protocol())),
        Err(text) => failed(push(state, Push::Error(text.as_bytes(), true, true))),
    }
}

/// A pushed error table is a failure.
fn failed(answer: Answer) -> Answer {
    match answer {
        Answer::Value => Answer::Failed,
        other => other,
    }
}

/// Copies the arguments into `argv` (Redis's `luaArgsToRedisArgv`): strings as they
/// are, numbers in `%.17g`; anything else is refused.
unsafe fn read_argv(state: *mut lua_State, argv: &mut Argv) -> Result<(), &'static [u8]> {
    argv.args.clear();
    let argc = ffi::lua_gettop(state);
    if argc == 0 {
        return Err(NO_ARGUMENTS);
    }
    let mut total = 0;
    for n in 1..=argc {
        total += match ffi::lua_type(state, n) {
            ffi::LUA_TNUMBER => G17_MAX,
            ffi::LUA_TSTRING => string_at(state, n).len(),
            _ => return Err(BAD_ARGUMENT),
        };
    }
    argv.arena.reserve(total);
    for n in 1..=argc {
        if ffi::lua_type(state, n) == ffi::LUA_TNUMBER {
            let mut text = [0u8; G17_MAX];
            let len = g17_into(ffi::lua_tonumber(state, n), &mut text);
            argv.arena.extend_from_slice(&text[..len]);
        } else {
            argv.arena.extend_from_slice(string_at(state, n));
        }
        argv.args.push(argv.arena.split().freeze());
    }
    Ok(())
}

/// What [`push_protected`] pushes.
#[derive(Clone, Copy)]
enum Push<'a> {
    /// A command's reply, read in a protocol.
    Reply(&'a Reply, Protocol),
    /// `{err=...}` of a text (see `crate::convert::error_parts`): whether it
    /// followed a `-`, and whether it carries the already-counted mark.
    Error(&'a [u8], bool, bool),
}

/// A [`Push`] and a place for a panic in it.
struct Job<'a> {
    push: Push<'a>,
    panicked: Cell<Option<Box<dyn Any + Send>>>,
}

/// Pushes `what` through [`push_protected`], so that whatever Lua raises meanwhile
/// stops at this `lua_pcall`: [`Answer::Raise`] with the error on the stack.
unsafe fn push(state: *mut lua_State, what: Push<'_>) -> Answer {
    let job = Job {
        push: what,
        panicked: Cell::new(None),
    };
    ffi::lua_pushvalue(state, ffi::lua_upvalueindex(PUSH_UPVALUE));
    ffi::lua_pushlightuserdata(state, std::ptr::from_ref(&job).cast_mut().cast());
    let status = ffi::lua_pcall(state, 1, 1, 0);
    if let Some(payload) = job.panicked.take() {
        let slot = ffi::lua_touserdata(state, ffi::lua_upvalueindex(SLOT_UPVALUE));
        (*slot.cast::<RunSlot>()).park_panic(payload);
        return Answer::Panicked;
    }
    if status == ffi::LUA_OK {
        Answer::Value
    } else {
        Answer::Raise
    }
}

/// The protected half of [`push`]: its frames only borrow (invariant 1).
unsafe extern "C-unwind" fn push_protected(state: *mut lua_State) -> c_int {
    let job = &*ffi::lua_touserdata(state, 1).cast::<Job<'_>>();
    match catch_unwind(AssertUnwindSafe(|| match job.push {
        Push::Reply(reply, protocol) => push_reply(state, reply, protocol),
        Push::Error(text, dashed, relayed) => push_error(state, text, dashed, relayed),
    })) {
        Ok(()) => 1,
        Err(payload) => {
            job.panicked.set(Some(payload));
            0
        }
    }
}

unsafe fn push_bytes(state: *mut lua_State, bytes: &[u8]) {
    ffi::lua_pushlstring_(state, bytes.as_ptr().cast(), bytes.len());
}

/// Pushes `{err=<text>}` (with `ignore_error_stats_update=true` when `relayed`).
unsafe fn push_error(state: *mut lua_State, text: &[u8], dashed: bool, relayed: bool) {
    ffi::lua_createtable(state, 0, 2);
    push_bytes(state, b"err");
    for part in error_parts(text, dashed) {
        push_bytes(state, part);
    }
    ffi::lua_concat(state, 3);
    ffi::lua_rawset(state, -3);
    if relayed {
        push_bytes(state, b"ignore_error_stats_update");
        ffi::lua_pushboolean(state, 1);
        ffi::lua_rawset(state, -3);
    }
}

/// Pushes `{key=<value on top>}` in place of the value.
unsafe fn wrap_single(state: *mut lua_State, key: &[u8]) {
    ffi::lua_createtable(state, 0, 1);
    push_bytes(state, key);
    ffi::lua_pushvalue(state, -3);
    ffi::lua_rawset(state, -3);
    ffi::lua_replace(state, -2);
}

/// Pushes `reply` read in `protocol` (`crate::convert::reply_to_lua` on the stack,
/// Redis's `redisProtocolToLuaType`).
unsafe fn push_reply(state: *mut lua_State, reply: &Reply, protocol: Protocol) {
    if ffi::lua_checkstack(state, 4) == 0 {
        let text = b"reached lua stack limit";
        push_bytes(state, text);
        ffi::lua_error(state);
    }
    if push_unallocated(state, reply, protocol) {
        return;
    }
    let resp3 = protocol == Protocol::Resp3;
    match reply {
        Reply::Ok => {
            push_bytes(state, b"OK");
            wrap_single(state, b"ok");
        }
        Reply::Status(text) => {
            push_bytes(state, text);
            wrap_single(state, b"ok");
        }
        Reply::Error(text) => push_error(state, text, true, true),
        Reply::Bulk(_) | Reply::Stored(_) => {
            push_bytes(state, reply.bulk_bytes().unwrap_or_default());
        }
        Reply::Array(items) | Reply::Push(items) => push_array(state, items, protocol),
        Reply::Set(items) if resp3 => {
            ffi::lua_createtable(state, 0, 0);
            for item in items {
                push_reply(state, item, protocol);
                ffi::lua_pushboolean(state, 1);
                ffi::lua_rawset(state, -3);
            }
            wrap_single(state, b"set");
        }
        Reply::Set(items) => push_array(state, items, protocol),
        Reply::Map(pairs) if resp3 => {
            ffi::lua_createtable(state, 0, 0);
            for (key, value) in pairs {
                push_reply(state, key, protocol);
                push_reply(state, value, protocol);
                ffi::lua_rawset(state, -3);
            }
            wrap_single(state, b"map");
        }
        Reply::Map(pairs) => {
            ffi::lua_createtable(state, c_int::try_from(pairs.len() * 2).unwrap_or(0), 0);
            for (n, (key, value)) in (1..).step_by(2).zip(pairs) {
                push_reply(state, key, protocol);
                ffi::lua_rawseti_(state, -2, n);
                push_reply(state, value, protocol);
                ffi::lua_rawseti_(state, -2, n + 1);
            }
        }
        Reply::Double(d) if resp3 => {
            ffi::lua_pushnumber(state, *d);
            wrap_single(state, b"double");
        }
        Reply::Double(d) => {
            let mut text = [0u8; G17_MAX];
            let len = g17_into(*d, &mut text);
            push_bytes(state, &text[..len]);
        }
        Reply::HumanDouble(d) if resp3 => {
            ffi::lua_pushnumber(state, *d);
            wrap_single(state, b"double");
        }
        Reply::HumanDouble(d) => {
            let text = kvdb_engine::long_double::LongDouble::from_f64(*d).to_human_string();
            push_bytes(state, &text);
        }
        Reply::Verbatim(format, text) if resp3 => {
            ffi::lua_createtable(state, 0, 2);
            push_bytes(state, b"string");
            push_bytes(state, text);
            ffi::lua_rawset(state, -3);
            push_bytes(state, b"format");
            push_bytes(state, &format[..]);
            ffi::lua_rawset(state, -3);
            wrap_single(state, b"verbatim_string");
        }
        Reply::Verbatim(_, text) => push_bytes(state, text),
        Reply::BigNumber(digits) if resp3 => {
            push_bytes(state, digits);
            wrap_single(state, b"big_number");
        }
        Reply::BigNumber(digits) => push_bytes(state, digits),
        Reply::Sequence(replies) => match replies.last() {
            Some(last) => push_reply(state, last, protocol),
            None => ffi::lua_pushnil(state),
        },
        // An attribute only annotates the reply after it, which is what a script gets.
        Reply::Attribute(_) => ffi::lua_pushnil(state),
        // Pushed above.
        Reply::Int(_) | Reply::Nil | Reply::NilArray | Reply::Bool(_) => {}
    }
}

/// Pushes the replies that need no Lua memory (numbers, booleans, nil): those pushes
/// cannot raise, so they need no protected call. False for any other reply.
unsafe fn push_unallocated(state: *mut lua_State, reply: &Reply, protocol: Protocol) -> bool {
    let resp3 = protocol == Protocol::Resp3;
    match reply {
        Reply::Int(n) => ffi::lua_pushnumber(state, *n as f64),
        Reply::Nil | Reply::NilArray if resp3 => ffi::lua_pushnil(state),
        Reply::Nil | Reply::NilArray => ffi::lua_pushboolean(state, 0),
        Reply::Bool(b) if resp3 => ffi::lua_pushboolean(state, c_int::from(*b)),
        Reply::Bool(b) => ffi::lua_pushnumber(state, f64::from(u8::from(*b))),
        _ => return false,
    }
    true
}

unsafe fn push_array(state: *mut lua_State, items: &[Reply], protocol: Protocol) {
    ffi::lua_createtable(state, c_int::try_from(items.len()).unwrap_or(0), 0);
    for (n, item) in (1..).zip(items) {
        push_reply(state, item, protocol);
        ffi::lua_rawseti_(state, -2, n);
    }
}
