//! The engine side of the script running now, reachable from the `redis.*`
//! functions registered once per Lua state.
//!
//! This is kvdb's second `unsafe` exception (the first is `engine/src/dict.rs`; see
//! `docs/decisions.md`). The engine lends the host a `&mut dyn ScriptCalls` for one
//! run; safe mlua can only reach such a borrow from Lua through `Lua::scope`, which
//! builds and tears down a callback per run — as costly as a small script. Instead
//! the borrow is parked here, lifetime erased, for exactly the run's duration.

#![allow(unsafe_code)]

use std::any::Any;
use std::ptr::NonNull;

use bytes::{Bytes, BytesMut};
use kvdb_engine::scripting::ScriptCalls;
use parking_lot::Mutex;

/// A parked `&mut dyn ScriptCalls`.
struct Parked(NonNull<dyn ScriptCalls>);

// SAFETY: the pointee is only touched through `RunSlot::with`, on the thread running
// the script (mlua serialises every use of a state), while `RunSlot::run` is on that
// thread's stack; `ScriptCalls: Send` besides.
unsafe impl Send for Parked {}

/// Holds the running script's engine callbacks, or nothing between runs, and what
/// `redis.call` (`crate::raw`) keeps from call to call.
#[derive(Default)]
pub(crate) struct RunSlot {
    parked: Mutex<Option<Parked>>,
    /// `redis.call`'s argument vector and the bytes behind it, reused by every call.
    pub(crate) argv: Mutex<Argv>,
    /// A panic caught in Rust code Lua called, resumed once the run is back in Rust.
    panicked: Mutex<Option<Box<dyn Any + Send>>>,
}

/// A command's arguments as `redis.call` copies them out of Lua: one arena for the
/// bytes, split into the arguments. Once the command has dropped them, the next call
/// writes into the same allocation.
#[derive(Default)]
pub(crate) struct Argv {
    pub(crate) args: Vec<Bytes>,
    pub(crate) arena: BytesMut,
}

/// Empties the slot when a run ends, however it ends.
struct Unpark<'a>(&'a RunSlot);

impl Drop for Unpark<'_> {
    fn drop(&mut self) {
        *self.0.parked.lock() = None;
    }
}

impl RunSlot {
    /// Runs `f` with `calls` reachable through [`RunSlot::with`].
    pub(crate) fn run<R>(&self, calls: &mut dyn ScriptCalls, f: impl FnOnce() -> R) -> R {
        let borrowed: NonNull<dyn ScriptCalls + '_> = NonNull::from(calls);
        // SAFETY: only the lifetime is erased (same fat-pointer layout). The pointer
        // leaves the slot (`Unpark`) before this function returns or unwinds, so it
        // never outlives the `&mut` borrow it came from, and while it is parked
        // nothing else uses `calls` (this function holds that borrow).
        let erased: NonNull<dyn ScriptCalls + 'static> = unsafe { std::mem::transmute(borrowed) };
        *self.parked.lock() = Some(Parked(erased));
        let _unpark = Unpark(self);
        f()
    }

    /// Calls `f` with the running script's callbacks; `None` outside a run, or while
    /// they are already in use (a re-entrant call).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut dyn ScriptCalls) -> R) -> Option<R> {
        let parked = self.parked.lock().take()?;
        // SAFETY: the pointer was parked by `run`, still on this thread's stack (it
        // empties the slot before returning), so the borrow is live; taking it out of
        // the slot makes this the only `&mut` to it until it is put back.
        let calls = unsafe { &mut *parked.0.as_ptr() };
        let result = f(calls);
        *self.parked.lock() = Some(parked);
        Some(result)
    }

    /// Keeps `payload` (a panic caught before it could unwind through Lua) for
    /// [`RunSlot::take_panic`].
    pub(crate) fn park_panic(&self, payload: Box<dyn Any + Send>) {
        self.panicked.lock().get_or_insert(payload);
    }

    /// The panic parked during the run, if any.
    pub(crate) fn take_panic(&self) -> Option<Box<dyn Any + Send>> {
        self.panicked.lock().take()
    }

    /// True during a run.
    pub(crate) fn is_running(&self) -> bool {
        self.parked.lock().is_some()
    }
}
