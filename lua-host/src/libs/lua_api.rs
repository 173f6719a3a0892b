//! What Lua 5.1's C API gives Redis's C libraries, for the same libraries written as mlua
//! callbacks: argument checks (`luaL_checknumber`, `luaL_checklstring`, ...) with their
//! coercions, errors worded and positioned like `luaL_error` / `luaL_argerror`, the
//! `LUAI_MAXCSTACK` limit the C code runs into, and a way to hold nested tables without
//! one mlua reference per nesting level.

use std::collections::VecDeque;

use mlua::{Lua, MultiValue, Table, Value};

use super::numconv::{cast_i64, lua_number_to_string, lua_str_to_number};
use super::LibError;

/// Lua 5.1's `LUAI_MAXCSTACK`: how many stack slots one C function may use. The C
/// libraries' `lua_checkstack` calls fail beyond it, and their error messages are part of
/// their behaviour, so the Rust versions count the slots the C code would be using.
pub(crate) const MAX_C_STACK: usize = 8000;

/// How many values an mlua callback called with `args` can safely return. A C function
/// may fill its stack up to `LUAI_MAXCSTACK` slots with results; an mlua callback keeps
/// its arguments there and mlua needs room of its own while returning (measured: up to
/// 22 slots after an earlier callback failed), so the libraries stop 32 values short and
/// raise their C stack-overflow error there, rather than let mlua fail with its own.
pub(crate) fn max_results(args: &Args) -> usize {
    MAX_C_STACK.saturating_sub(args.top() + 32)
}

/// The type name Lua 5.1 gives a value (`luaL_typename`); `None` is an absent argument.
pub(crate) fn type_name(value: Option<&Value>) -> &'static str {
    match value {
        None => "no value",
        Some(Value::Nil) => "nil",
        Some(Value::Boolean(_)) => "boolean",
        Some(Value::Integer(_) | Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Table(_)) => "table",
        Some(Value::Function(_)) => "function",
        Some(Value::Thread(_)) => "thread",
        // Light and full userdata, and mlua's error values (a userdata inside Lua).
        Some(_) => "userdata",
    }
}

/// `lua_tonumber`: numbers, and strings that read as numbers; `None` otherwise.
pub(crate) fn to_number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        Value::String(s) => lua_str_to_number(&s.as_bytes()),
        _ => None,
    }
}

/// A Lua number as a `double`. mlua hands integral numbers over as `Value::Integer`, which
/// loses the sign of `-0.0`; callers that can re-read the value (from a table) do.
pub(crate) fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// `luaL_error`: the message, prefixed with the caller's `chunk:line: ` when the caller
/// is Lua code (a C caller such as `pcall` adds nothing), like `luaL_where(L, 1)`.
pub(crate) fn lual_error(lua: &Lua, message: impl AsRef<[u8]>) -> mlua::Error {
    let mut text = Vec::new();
    if let Some(caller) = lua.inspect_stack(1) {
        let line = caller.curr_line();
        if line > 0 {
            let source = caller.source();
            let short_src = source.short_src.as_deref().unwrap_or("?");
            text.extend_from_slice(format!("{short_src}:{line}: ").as_bytes());
        }
    }
    text.extend_from_slice(message.as_ref());
    LibError::new(text).into()
}

/// An error raised by the Lua core itself while a C function runs (`luaG_runerror`, as in
/// "table index is nil"): no position, because the running function is not Lua code.
pub(crate) fn runtime_error(message: impl AsRef<[u8]>) -> mlua::Error {
    LibError::new(message.as_ref().to_vec()).into()
}

/// `luaL_checkstack` failing: "stack overflow (<what>)".
pub(crate) fn stack_overflow(lua: &Lua, what: &str) -> mlua::Error {
    lual_error(lua, format!("stack overflow ({what})"))
}

/// The arguments of one call, seen the way a C function sees its stack (1-based).
pub(crate) struct Args<'lua> {
    lua: &'lua Lua,
    values: Vec<Value>,
}

impl<'lua> Args<'lua> {
    pub(crate) fn new(lua: &'lua Lua, args: MultiValue) -> Self {
        Args {
            lua,
            values: args.into_vec(),
        }
    }

    /// The Lua state the call runs in.
    pub(crate) fn lua(&self) -> &'lua Lua {
        self.lua
    }

    /// `lua_gettop`.
    pub(crate) fn top(&self) -> usize {
        self.values.len()
    }

    /// Argument `n`, or `None` when fewer were passed.
    pub(crate) fn get(&self, n: usize) -> Option<&Value> {
        n.checked_sub(1).and_then(|i| self.values.get(i))
    }

    /// Pushes a nil after the arguments, as a C function that marks the end of its
    /// arguments with one does (a missing argument then reads as nil, not "no value").
    pub(crate) fn push_nil(&mut self) {
        self.values.push(Value::Nil);
    }

    /// Takes argument `n` out (leaving nil), for values passed on whole.
    pub(crate) fn take(&mut self, n: usize) -> Value {
        n.checked_sub(1)
            .and_then(|i| self.values.get_mut(i))
            .map(std::mem::take)
            .unwrap_or(Value::Nil)
    }

    /// `lua_isnoneornil`.
    pub(crate) fn is_none_or_nil(&self, n: usize) -> bool {
        matches!(self.get(n), None | Some(Value::Nil))
    }

    /// `luaL_argerror`: "bad argument #n to 'name' (message)", the name being how the
    /// caller named the function; a method call does not count `self`.
    pub(crate) fn arg_error(&self, n: i64, message: impl AsRef<[u8]>) -> mlua::Error {
        arg_error(self.lua, n, message.as_ref())
    }

    /// `luaL_typerror`: "<expected> expected, got <type>".
    pub(crate) fn type_error(&self, n: usize, expected: &str) -> mlua::Error {
        let got = type_name(self.get(n));
        self.arg_error(n as i64, format!("{expected} expected, got {got}"))
    }

    /// `luaL_checknumber`.
    pub(crate) fn check_number(&self, n: usize) -> mlua::Result<f64> {
        self.get(n)
            .and_then(to_number)
            .ok_or_else(|| self.type_error(n, "number"))
    }

    /// `luaL_checkinteger`: the number truncated the way a C cast does.
    pub(crate) fn check_integer(&self, n: usize) -> mlua::Result<i64> {
        self.check_number(n).map(cast_i64)
    }

    /// `luaL_optinteger`.
    pub(crate) fn opt_integer(&self, n: usize, default: i64) -> mlua::Result<i64> {
        if self.is_none_or_nil(n) {
            Ok(default)
        } else {
            self.check_integer(n)
        }
    }

    /// `luaL_checklstring`: strings, and numbers written as `%.14g`.
    pub(crate) fn check_bytes(&self, n: usize) -> mlua::Result<Vec<u8>> {
        match self.get(n) {
            Some(Value::String(s)) => Ok(s.as_bytes().to_vec()),
            Some(value @ (Value::Integer(_) | Value::Number(_))) => {
                Ok(lua_number_to_string(number_of(value).unwrap_or(0.0)).into_bytes())
            }
            _ => Err(self.type_error(n, "string")),
        }
    }
}

/// `luaL_argerror` for the running callback (see [`Args::arg_error`]).
pub(crate) fn arg_error(lua: &Lua, n: i64, message: &[u8]) -> mlua::Error {
    let (name, is_method) = match lua.inspect_stack(0) {
        Some(frame) => {
            let names = frame.names();
            (
                names.name.map(|n| n.into_owned()),
                names.name_what == Some("method"),
            )
        }
        None => (None, false),
    };
    let mut n = n;
    let mut text = Vec::new();
    if is_method {
        n -= 1;
        if n == 0 {
            let name = name.as_deref().unwrap_or("?");
            text.extend_from_slice(format!("calling '{name}' on bad self (").as_bytes());
            text.extend_from_slice(message);
            text.push(b')');
            return lual_error(lua, text);
        }
    }
    let name = name.as_deref().unwrap_or("?");
    text.extend_from_slice(format!("bad argument #{n} to '{name}' (").as_bytes());
    text.extend_from_slice(message);
    text.push(b')');
    lual_error(lua, text)
}

/// How many set-aside values a [`Nest`] keeps in Rust before it spills into a Lua table.
const NEST_HELD: usize = 128;

/// Tables being built or walked one inside another. Every value Rust holds takes a slot of
/// mlua's reference stack, which Lua 5.1 limits to `LUAI_MAXCSTACK` slots in all, so a
/// deep nest must not hold one per level: the innermost table and the next [`NEST_HELD`]
/// set-aside values are held directly (no Lua call to reach them), deeper ones wait in a
/// Lua table. Other values (a map key waiting for its value) are set aside the same way,
/// in stack order.
pub(crate) struct Nest<'lua> {
    lua: &'lua Lua,
    current: Option<Table>,
    held: VecDeque<Value>,
    spilled: Option<Table>,
    spilled_len: usize,
}

impl<'lua> Nest<'lua> {
    pub(crate) fn new(lua: &'lua Lua) -> Self {
        Nest {
            lua,
            current: None,
            held: VecDeque::new(),
            spilled: None,
            spilled_len: 0,
        }
    }

    /// The innermost table.
    pub(crate) fn current(&self) -> mlua::Result<&Table> {
        self.current
            .as_ref()
            .ok_or_else(|| mlua::Error::runtime("no open table"))
    }

    /// Makes `table` the innermost one.
    pub(crate) fn open(&mut self, table: Table) -> mlua::Result<()> {
        if let Some(outer) = self.current.take() {
            self.park(Value::Table(outer))?;
        }
        self.current = Some(table);
        Ok(())
    }

    /// Closes the innermost table, returning it; the next one out becomes innermost.
    pub(crate) fn close(&mut self) -> mlua::Result<Table> {
        let done = self
            .current
            .take()
            .ok_or_else(|| mlua::Error::runtime("no open table"))?;
        if !self.held.is_empty() {
            match self.unpark()? {
                Value::Table(outer) => self.current = Some(outer),
                _ => return Err(mlua::Error::runtime("unbalanced nest")),
            }
        }
        Ok(done)
    }

    /// Sets a value aside (above the tables opened so far).
    pub(crate) fn park(&mut self, value: Value) -> mlua::Result<()> {
        if self.held.len() < NEST_HELD {
            self.held.push_back(value);
            return Ok(());
        }
        // Full: the oldest held value moves out to the Lua table, keeping stack order.
        let spilled = match &self.spilled {
            Some(t) => t,
            None => self.spilled.insert(self.lua.create_table()?),
        };
        self.spilled_len += 1;
        spilled.raw_set(self.spilled_len, self.held.pop_front())?;
        self.held.push_back(value);
        Ok(())
    }

    /// Takes back the value set aside last.
    pub(crate) fn unpark(&mut self) -> mlua::Result<Value> {
        let value = self
            .held
            .pop_back()
            .ok_or_else(|| mlua::Error::runtime("nothing parked"))?;
        if self.spilled_len > 0 {
            if let Some(spilled) = &self.spilled {
                self.held.push_front(spilled.raw_get(self.spilled_len)?);
                spilled.raw_set(self.spilled_len, Value::Nil)?;
                self.spilled_len -= 1;
            }
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::Nest;
    use mlua::{Lua, Value};

    /// Deeper than the values held in Rust, set-aside values still come back in stack
    /// order, and tables reopen in the right order.
    #[test]
    fn nest_keeps_stack_order_past_what_it_holds() -> mlua::Result<()> {
        let lua = Lua::new();
        let mut nest = Nest::new(&lua);
        let depth = 3 * super::NEST_HELD + 7;
        for level in 0..depth {
            let table = lua.create_table()?;
            table.raw_set("level", level)?;
            nest.open(table)?;
            nest.park(Value::Integer(level as i64))?;
        }
        for level in (0..depth).rev() {
            assert_eq!(nest.unpark()?, Value::Integer(level as i64));
            let table = nest.close()?;
            assert_eq!(table.raw_get::<usize>("level")?, level);
        }
        assert!(nest.current().is_err());
        Ok(())
    }
}
