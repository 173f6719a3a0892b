//! `cmsgpack`: lua-cmsgpack 0.4.0 as Redis 7.0 ships it (`deps/lua/src/lua_cmsgpack.c`).
//!
//! Packing: a number that is exactly a 64-bit integer is packed as the smallest MessagePack
//! integer, other numbers as a float 32 when that loses nothing, else a float 64; strings
//! as str 8/16/32 (never bin); a table as an array when its keys are exactly 1..n (the
//! empty table too), else as a map in `next()` order; tables nested 16 deep, and values
//! of other types, as nil. Unpacking reads a stream of values; integers become Lua numbers
//! (uint 64 through a signed cast), bin and ext types are a format error.

use mlua::{IntoLua, Lua, MultiValue, Table, Value};

use super::lua_api::{
    arg_error, lual_error, max_results, number_of, runtime_error, stack_overflow, Args, Nest,
    MAX_C_STACK,
};
use super::numconv::{cast_i32, cast_i64};

/// What `cmsgpack.unpack` says when a stream has more values than it can return.
const TOO_MANY_VALUES: &str =
    "too many return values at once; use unpack_one or unpack_limit instead.";

/// `LUACMSGPACK_MAX_NESTING`: tables at this level are packed as nil.
const MAX_NESTING: usize = 16;

type Handler = fn(&Args) -> mlua::Result<MultiValue>;

/// The module table, filled in lua-cmsgpack's order.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Table> {
    let functions: [(&str, Handler); 4] = [
        ("pack", pack),
        ("unpack", unpack),
        ("unpack_one", unpack_one),
        ("unpack_limit", unpack_limit),
    ];
    let table = lua.create_table()?;
    for (name, handler) in functions {
        let function =
            lua.create_function(move |lua, args: MultiValue| handler(&Args::new(lua, args)))?;
        table.set(name, function)?;
    }
    table.set("_NAME", "cmsgpack")?;
    table.set("_VERSION", "lua-cmsgpack 0.4.0")?;
    table.set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    table.set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    Ok(table)
}

// ---------------------------------------------------------------------------------------
// Packing
// ---------------------------------------------------------------------------------------

/// `cmsgpack.pack(...)`: every argument packed, concatenated.
fn pack(args: &Args) -> mlua::Result<MultiValue> {
    let lua = args.lua();
    let count = args.top();
    if count == 0 {
        return Err(arg_error(lua, 0, b"MessagePack pack needs input."));
    }
    // `lua_checkstack(L, nargs)` with the arguments already on the stack.
    if count + count > MAX_C_STACK {
        return Err(arg_error(
            lua,
            0,
            b"Too many arguments for MessagePack pack.",
        ));
    }
    let mut packer = Packer {
        lua,
        out: Vec::new(),
    };
    for n in 1..=count {
        let value = args.get(n).cloned().unwrap_or(Value::Nil);
        // The stack holds the arguments, the results so far and the copy being packed.
        packer.value(value, 0, count + n)?;
    }
    Ok(MultiValue::from_vec(vec![Value::String(
        lua.create_string(&packer.out)?,
    )]))
}

struct Packer<'lua> {
    lua: &'lua Lua,
    out: Vec<u8>,
}

impl Packer<'_> {
    /// `mp_encode_lua_type` for a value at nesting `level`, `top` stack slots in use.
    /// Recursion is bounded by the nesting limit.
    fn value(&mut self, value: Value, level: usize, top: usize) -> mlua::Result<()> {
        match value {
            Value::String(s) => self.bytes(&s.as_bytes()),
            Value::Boolean(b) => self.out.push(if b { 0xc3 } else { 0xc2 }),
            Value::Integer(_) | Value::Number(_) => self.number(number_of(&value).unwrap_or(0.0)),
            Value::Table(table) if level < MAX_NESTING => self.table(&table, level, top)?,
            _ => self.out.push(0xc0),
        }
        Ok(())
    }

    fn bytes(&mut self, s: &[u8]) {
        let len = s.len();
        if len < 32 {
            self.out.push(0xa0 | len as u8);
        } else if len <= 0xff {
            self.out.extend_from_slice(&[0xd9, len as u8]);
        } else if len <= 0xffff {
            self.out.push(0xda);
            self.out.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            self.out.push(0xdb);
            self.out.extend_from_slice(&(len as u32).to_be_bytes());
        }
        self.out.extend_from_slice(s);
    }

    /// An integer when the double is exactly one (`-0` included), else a float.
    fn number(&mut self, x: f64) {
        let i = cast_i64(x);
        if !x.is_infinite() && i as f64 == x {
            self.integer(i);
        } else if f64::from(x as f32) == x {
            self.out.push(0xca);
            self.out.extend_from_slice(&(x as f32).to_be_bytes());
        } else {
            self.out.push(0xcb);
            self.out.extend_from_slice(&x.to_be_bytes());
        }
    }

    fn integer(&mut self, n: i64) {
        let out = &mut self.out;
        if n >= 0 {
            if n <= 127 {
                out.push(n as u8);
            } else if n <= 0xff {
                out.extend_from_slice(&[0xcc, n as u8]);
            } else if n <= 0xffff {
                out.push(0xcd);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            } else if n <= 0xffff_ffff {
                out.push(0xce);
                out.extend_from_slice(&(n as u32).to_be_bytes());
            } else {
                out.push(0xcf);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        } else if n >= -32 {
            out.push(n as i8 as u8);
        } else if n >= -128 {
            out.extend_from_slice(&[0xd0, n as i8 as u8]);
        } else if n >= -32768 {
            out.push(0xd1);
            out.extend_from_slice(&(n as i16).to_be_bytes());
        } else if n >= -2_147_483_648 {
            out.push(0xd2);
            out.extend_from_slice(&(n as i32).to_be_bytes());
        } else {
            out.push(0xd3);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }

    fn header(&mut self, n: usize, fix: u8, marker16: u8) {
        if n <= 15 {
            self.out.push(fix | n as u8);
        } else if n <= 0xffff {
            self.out.push(marker16);
            self.out.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            self.out.push(marker16 + 1);
            self.out.extend_from_slice(&(n as u32).to_be_bytes());
        }
    }

    fn table(&mut self, table: &Table, level: usize, top: usize) -> mlua::Result<()> {
        if top + 2 > MAX_C_STACK {
            return Err(stack_overflow(self.lua, "in function table_is_an_array"));
        }
        match array_length(table)? {
            Some(len) => {
                if top + 1 > MAX_C_STACK {
                    let what = "in function mp_encode_lua_table_as_array";
                    return Err(stack_overflow(self.lua, what));
                }
                self.header(len, 0x90, 0xdc);
                for index in 1..=len {
                    let element = exact(table, table.raw_get(index)?, index)?;
                    self.value(element, level + 1, top + 1)?;
                }
            }
            None => {
                if top + 3 > MAX_C_STACK {
                    let what = "in function mp_encode_lua_table_as_map";
                    return Err(stack_overflow(self.lua, what));
                }
                let mut count = 0;
                table.for_each(|_: Value, _: Value| {
                    count += 1;
                    Ok(())
                })?;
                self.header(count, 0x80, 0xde);
                table.for_each(|key: Value, value: Value| {
                    let value = exact(table, value, key.clone())?;
                    self.value(key, level + 1, top + 3)?;
                    self.value(value, level + 1, top + 2)
                })?;
            }
        }
        Ok(())
    }
}

/// `value`, read from `table[key]`, with the exact number when mlua made it integer 0.
fn exact(table: &Table, value: Value, key: impl IntoLua) -> mlua::Result<Value> {
    match value {
        Value::Integer(0) => Ok(Value::Number(table.raw_get::<f64>(key)?)),
        other => Ok(other),
    }
}

/// `table_is_an_array`: `Some(n)` when the keys are exactly 1..n (each a number that fits
/// a C int, the largest equal to the count), `None` for a map.
fn array_length(table: &Table) -> mlua::Result<Option<usize>> {
    let mut count: i32 = 0;
    let mut max: i32 = 0;
    for pair in table.pairs::<Value, Value>() {
        let (key, _) = pair?;
        let Some(n) = number_of(&key) else {
            return Ok(None);
        };
        if n <= 0.0 || n.is_infinite() || f64::from(cast_i32(n)) != n {
            return Ok(None);
        }
        if n > f64::from(max) {
            max = cast_i32(n);
        }
        count = count.wrapping_add(1);
    }
    Ok((max == count).then_some(count as usize))
}

// ---------------------------------------------------------------------------------------
// Unpacking
// ---------------------------------------------------------------------------------------

/// `cmsgpack.unpack(data)`: every value in the stream.
fn unpack(args: &Args) -> mlua::Result<MultiValue> {
    unpack_full(args, 0, 0, args.top())
}

/// `cmsgpack.unpack_one(data [, offset])`: the next offset (-1 at the end), then a value.
fn unpack_one(args: &Args) -> mlua::Result<MultiValue> {
    let offset = args.opt_integer(2, 0)?;
    unpack_full(args, 1, offset, 1)
}

/// `cmsgpack.unpack_limit(data, limit [, offset])`: the next offset, then up to `limit`
/// values (all of them for a limit of 0 at offset 0).
fn unpack_limit(args: &Args) -> mlua::Result<MultiValue> {
    let limit = args.check_integer(2)?;
    let offset = args.opt_integer(3, 0)?;
    unpack_full(args, limit, offset, 1)
}

/// `mp_unpack_full`; `base` is how many stack slots the arguments left in place.
fn unpack_full(args: &Args, limit: i64, offset: i64, base: usize) -> mlua::Result<MultiValue> {
    let lua = args.lua();
    let data = args.check_bytes(1)?;
    let len = data.len();
    let decode_all = limit == 0 && offset == 0;
    if offset < 0 || limit < 0 {
        // (Sic: the message shows the input length where it says "limit".)
        return Err(lual_error(
            lua,
            format!(
                "Invalid request to unpack with offset of {} and limit of {}.",
                offset as i32, len as i32
            ),
        ));
    }
    if offset as u64 > len as u64 {
        return Err(lual_error(
            lua,
            format!(
                "Start offset {} greater than input length {}.",
                offset as i32, len as i32
            ),
        ));
    }
    let limit = if decode_all {
        i64::from(i32::MAX)
    } else {
        limit
    };
    let mut cursor = Cursor {
        lua,
        data: &data,
        pos: offset as usize,
    };
    let mut values = Vec::new();
    while cursor.pos < len && (values.len() as i64) < limit {
        match cursor.value(base + values.len())? {
            Ok(value) => values.push(value),
            Err(Malformed::Eof) => return Err(lual_error(lua, "Missing bytes in input.")),
            Err(Malformed::Format) => return Err(lual_error(lua, "Bad data format in input.")),
        }
    }
    if !decode_all {
        if base + values.len() + 1 > MAX_C_STACK || values.len() + 1 > max_results(args) {
            return Err(stack_overflow(lua, "in function mp_unpack_full"));
        }
        let next = if cursor.pos == len {
            -1
        } else {
            cursor.pos as i64
        };
        values.insert(0, Value::Number(next as f64));
    } else if values.len() > max_results(args) {
        return Err(stack_overflow(lua, TOO_MANY_VALUES));
    }
    Ok(MultiValue::from_vec(values))
}

/// Why a stream could not be read (`MP_CUR_ERROR_EOF`, `MP_CUR_ERROR_BADFMT`).
enum Malformed {
    Eof,
    Format,
}

/// An open container of the decoder (the table waits in a `Nest`, a map key waits
/// there too). `top` is the stack depth the C code decoded the container at.
enum Open {
    Array {
        left: usize,
        next: i32,
        top: usize,
    },
    Map {
        left: usize,
        key_pending: bool,
        top: usize,
    },
}

struct Cursor<'a, 'lua> {
    lua: &'lua Lua,
    data: &'a [u8],
    pos: usize,
}

impl Cursor<'_, '_> {
    fn need(&self, n: usize) -> Result<(), Malformed> {
        if self.data.len() - self.pos < n {
            Err(Malformed::Eof)
        } else {
            Ok(())
        }
    }

    fn take<const N: usize>(&mut self, at: usize) -> Result<[u8; N], Malformed> {
        self.need(at + N)?;
        let mut bytes = [0u8; N];
        bytes.copy_from_slice(&self.data[self.pos + at..self.pos + at + N]);
        Ok(bytes)
    }

    fn string(&mut self, header: usize, len: usize) -> mlua::Result<Result<Value, Malformed>> {
        if let Err(e) = self.need(header.saturating_add(len)) {
            return Ok(Err(e));
        }
        let start = self.pos + header;
        let s = self.lua.create_string(&self.data[start..start + len])?;
        self.pos = start + len;
        Ok(Ok(Value::String(s)))
    }

    /// One value of the stream (`mp_decode_to_lua_type` at stack depth `top`), nested
    /// containers handled on explicit stacks rather than by recursion.
    fn value(&mut self, top: usize) -> mlua::Result<Result<Value, Malformed>> {
        let lua = self.lua;
        let mut tables = Nest::new(lua);
        let mut open: Vec<Open> = Vec::new();
        let mut top = top;
        loop {
            // Read the item at `pos`, to be decoded at stack depth `top`.
            let mut done = match self.item(top, &mut tables, &mut open)? {
                Ok(Some(value)) => value,
                Ok(None) => match finish_empty(&mut open, &mut tables)? {
                    Some(value) => value,
                    None => {
                        top = next_top(&open);
                        continue;
                    }
                },
                Err(e) => return Ok(Err(e)),
            };
            // Store completed values in their containers, closing full ones.
            loop {
                match open.last_mut() {
                    None => return Ok(Ok(done)),
                    Some(Open::Array { left, next, .. }) => {
                        tables.current()?.raw_set(*next, done)?;
                        *next += 1;
                        *left -= 1;
                        if *left > 0 {
                            break;
                        }
                    }
                    Some(Open::Map {
                        left, key_pending, ..
                    }) => {
                        if *key_pending {
                            *key_pending = false;
                            tables.park(done)?;
                            break;
                        }
                        let key = tables.unpark()?;
                        match &key {
                            Value::Nil => return Err(runtime_error("table index is nil")),
                            Value::Number(n) if n.is_nan() => {
                                return Err(runtime_error("table index is NaN"))
                            }
                            _ => {}
                        }
                        tables.current()?.raw_set(key, done)?;
                        *left -= 1;
                        *key_pending = true;
                        if *left > 0 {
                            break;
                        }
                    }
                }
                open.pop();
                done = Value::Table(tables.close()?);
            }
            top = next_top(&open);
        }
    }

    /// Decodes the item at `pos`: a scalar (`Some`), or a container opened on the stacks
    /// (`None`).
    fn item(
        &mut self,
        top: usize,
        tables: &mut Nest,
        open: &mut Vec<Open>,
    ) -> mlua::Result<Result<Option<Value>, Malformed>> {
        macro_rules! read {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                }
            };
        }
        read!(self.need(1));
        if top + 1 > MAX_C_STACK {
            return Err(stack_overflow(self.lua, TOO_MANY_VALUES));
        }
        let marker = self.data[self.pos];
        let number = |x: f64| Ok(Ok(Some(Value::Number(x))));
        let (value, size) = match marker {
            0xcc => (f64::from(read!(self.take::<1>(1))[0]), 2),
            0xd0 => (f64::from(read!(self.take::<1>(1))[0] as i8), 2),
            0xcd => (f64::from(u16::from_be_bytes(read!(self.take(1)))), 3),
            0xd1 => (f64::from(i16::from_be_bytes(read!(self.take(1)))), 3),
            0xce => (f64::from(u32::from_be_bytes(read!(self.take(1)))), 5),
            0xd2 => (f64::from(i32::from_be_bytes(read!(self.take(1)))), 5),
            // Pushed as a lua_Integer: above 2^63 it wraps to negative.
            0xcf => (u64::from_be_bytes(read!(self.take(1))) as i64 as f64, 9),
            0xd3 => (i64::from_be_bytes(read!(self.take(1))) as f64, 9),
            0xca => (f64::from(f32::from_be_bytes(read!(self.take(1)))), 5),
            0xcb => (f64::from_be_bytes(read!(self.take(1))), 9),
            0xc0 | 0xc2 | 0xc3 => {
                self.pos += 1;
                return Ok(Ok(Some(match marker {
                    0xc0 => Value::Nil,
                    b => Value::Boolean(b == 0xc3),
                })));
            }
            0xd9 => {
                let len = usize::from(read!(self.take::<1>(1))[0]);
                return self.string(2, len).map(|r| r.map(Some));
            }
            0xda => {
                let len = usize::from(u16::from_be_bytes(read!(self.take(1))));
                return self.string(3, len).map(|r| r.map(Some));
            }
            0xdb => {
                let len = u32::from_be_bytes(read!(self.take(1))) as usize;
                return self.string(5, len).map(|r| r.map(Some));
            }
            0xdc | 0xde => {
                let len = usize::from(u16::from_be_bytes(read!(self.take(1))));
                self.pos += 3;
                self.open(marker == 0xdc, len, top, tables, open)?;
                return Ok(Ok(None));
            }
            0xdd | 0xdf => {
                let len = u32::from_be_bytes(read!(self.take(1))) as usize;
                self.pos += 5;
                self.open(marker == 0xdd, len, top, tables, open)?;
                return Ok(Ok(None));
            }
            0x00..=0x7f => (f64::from(marker), 1),
            0xe0..=0xff => (f64::from(marker as i8), 1),
            0xa0..=0xbf => {
                return self
                    .string(1, usize::from(marker & 0x1f))
                    .map(|r| r.map(Some))
            }
            0x80..=0x9f => {
                self.pos += 1;
                let len = usize::from(marker & 0x0f);
                self.open(marker >= 0x90, len, top, tables, open)?;
                return Ok(Ok(None));
            }
            _ => return Ok(Err(Malformed::Format)),
        };
        self.pos += size;
        number(value)
    }

    /// Opens an array or map of `len` items decoded at stack depth `top`.
    fn open(
        &mut self,
        array: bool,
        len: usize,
        top: usize,
        tables: &mut Nest,
        open: &mut Vec<Open>,
    ) -> mlua::Result<()> {
        tables.open(self.lua.create_table()?)?;
        if array {
            if top + 2 > MAX_C_STACK {
                return Err(stack_overflow(
                    self.lua,
                    "in function mp_decode_to_lua_array",
                ));
            }
            open.push(Open::Array {
                left: len,
                next: 1,
                top,
            });
        } else {
            open.push(Open::Map {
                left: len,
                key_pending: true,
                top,
            });
        }
        Ok(())
    }
}

/// A container just opened with no items is complete at once: closes it (and any
/// container it completes in turn is left to the caller's loop). Returns the table, or
/// `None` when the new container has items to read.
fn finish_empty(open: &mut Vec<Open>, tables: &mut Nest) -> mlua::Result<Option<Value>> {
    let empty = match open.last() {
        Some(Open::Array { left, .. } | Open::Map { left, .. }) => *left == 0,
        None => false,
    };
    if !empty {
        return Ok(None);
    }
    open.pop();
    Ok(Some(Value::Table(tables.close()?)))
}

/// The stack depth the next item of the innermost container is decoded at: above the
/// container's table and, in an array, the index; in a map, the key (for a value).
fn next_top(open: &[Open]) -> usize {
    match open.last() {
        Some(Open::Array { top, .. }) => top + 2,
        Some(Open::Map {
            top, key_pending, ..
        }) => {
            if *key_pending {
                top + 1
            } else {
                top + 2
            }
        }
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    //! Expected values come from redis-server 7.0.15 (`EVAL body 0`).

    use crate::libs::test_support::check;

    #[test]
    fn pack_matches_redis() {
        check(&[
            (
                "return hex(cmsgpack.pack(0))",
                "00",
            ),
            (
                "return hex(cmsgpack.pack(1))",
                "01",
            ),
            (
                "return hex(cmsgpack.pack(127))",
                "7f",
            ),
            (
                "return hex(cmsgpack.pack(128))",
                "cc80",
            ),
            (
                "return hex(cmsgpack.pack(255))",
                "ccff",
            ),
            (
                "return hex(cmsgpack.pack(256))",
                "cd0100",
            ),
            (
                "return hex(cmsgpack.pack(65535))",
                "cdffff",
            ),
            (
                "return hex(cmsgpack.pack(65536))",
                "ce00010000",
            ),
            (
                "return hex(cmsgpack.pack(2^32-1))",
                "ceffffffff",
            ),
            (
                "return hex(cmsgpack.pack(2^32))",
                "cf0000000100000000",
            ),
            (
                "return hex(cmsgpack.pack(2^53))",
                "cf0020000000000000",
            ),
            (
                "return hex(cmsgpack.pack(2^53+1))",
                "cf0020000000000000",
            ),
            (
                "return hex(cmsgpack.pack(2^63-1024))",
                "cf7ffffffffffffc00",
            ),
            (
                "return hex(cmsgpack.pack(2^63))",
                "ca5f000000",
            ),
            (
                "return hex(cmsgpack.pack(2^64))",
                "ca5f800000",
            ),
            (
                "return hex(cmsgpack.pack(-1))",
                "ff",
            ),
            (
                "return hex(cmsgpack.pack(-32))",
                "e0",
            ),
            (
                "return hex(cmsgpack.pack(-33))",
                "d0df",
            ),
            (
                "return hex(cmsgpack.pack(-128))",
                "d080",
            ),
            (
                "return hex(cmsgpack.pack(-129))",
                "d1ff7f",
            ),
            (
                "return hex(cmsgpack.pack(-32768))",
                "d18000",
            ),
            (
                "return hex(cmsgpack.pack(-32769))",
                "d2ffff7fff",
            ),
            (
                "return hex(cmsgpack.pack(-2^31))",
                "d280000000",
            ),
            (
                "return hex(cmsgpack.pack(-2^31-1))",
                "d3ffffffff7fffffff",
            ),
            (
                "return hex(cmsgpack.pack(-2^63))",
                "d38000000000000000",
            ),
            (
                "return hex(cmsgpack.pack(-2^63-2048))",
                "cbc3e0000000000001",
            ),
            (
                "return hex(cmsgpack.pack(1.5))",
                "ca3fc00000",
            ),
            (
                "return hex(cmsgpack.pack(0.1))",
                "cb3fb999999999999a",
            ),
            (
                "return hex(cmsgpack.pack(-0.25))",
                "cabe800000",
            ),
            (
                "return hex(cmsgpack.pack(3.25))",
                "ca40500000",
            ),
            (
                "return hex(cmsgpack.pack(1e300))",
                "cb7e37e43c8800759c",
            ),
            (
                "return hex(cmsgpack.pack(-1e300))",
                "cbfe37e43c8800759c",
            ),
            (
                "return hex(cmsgpack.pack(1e38))",
                "cb47d2ced32a16a1b1",
            ),
            (
                "return hex(cmsgpack.pack(3.4028235677973366e38))",
                "cb47effffff0000000",
            ),
            (
                "return hex(cmsgpack.pack(1e39))",
                "cb48078287f49c4a1d",
            ),
            (
                "return hex(cmsgpack.pack(math.huge))",
                "ca7f800000",
            ),
            (
                "return hex(cmsgpack.pack(-math.huge))",
                "caff800000",
            ),
            (
                "return hex(cmsgpack.pack(0/0))",
                "cbfff8000000000000",
            ),
            (
                "return hex(cmsgpack.pack(-0.0))",
                "00",
            ),
            (
                "return hex(cmsgpack.pack(2.5e-7))",
                "cb3e90c6f7a0b5ed8d",
            ),
            (
                "return hex(cmsgpack.pack(123456.789))",
                "cb40fe240c9fbe76c9",
            ),
            (
                "return hex(cmsgpack.pack({0, 1, 127, 128, 255, 256, 65535, 65536, 2^32-1, 2^32, 2^53, 2^53+1, 2^63-1024, 2^63, 2^64, -1, -32, -33, -128, -129, -32768, -32769, -2^31, -2^31-1, -2^63, -2^63-2048, 1.5, 0.1, -0.25, 3.25, 1e300, -1e300, 1e38, 3.4028235677973366e38, 1e39, 2^-149, 1e-46, math.huge, -math.huge, 0/0, -0.0, 2.5e-7, 123456.789, 2.5e-20, -2^-60}))",
                "dc002d00017fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000cf0020000000000000cf0020000000000000cf7ffffffffffffc00ca5f000000ca5f800000ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffffd38000000000000000cbc3e0000000000001ca3fc00000cb3fb999999999999acabe800000ca40500000cb7e37e43c8800759ccbfe37e43c8800759ccb47d2ced32a16a1b1cb47effffff0000000cb48078287f49c4a1dca00000001cb366244ce242c5561ca7f800000caff800000cbfff800000000000000cb3e90c6f7a0b5ed8dcb40fe240c9fbe76c9cb3bdd83c94fb6d2accaa1800000",
            ),
            (
                "return hex(cmsgpack.pack({v=2^-149})) .. ' ' .. hex(cmsgpack.pack({v=-2^-60}))",
                "81a176ca00000001 81a176caa1800000",
            ),
            (
                "return hex(cmsgpack.pack(''))",
                "a0",
            ),
            (
                "return hex(cmsgpack.pack('a'))",
                "a161",
            ),
            (
                "return hex(cmsgpack.pack('\\0\\255'))",
                "a200ff",
            ),
            (
                "local s = cmsgpack.pack(string.rep('x', 31)) return hex(s:sub(1, 3)) .. ' ' .. #s",
                "bf7878 32",
            ),
            (
                "local s = cmsgpack.pack(string.rep('x', 32)) return hex(s:sub(1, 3)) .. ' ' .. #s",
                "d92078 34",
            ),
            (
                "local s = cmsgpack.pack(string.rep('x', 255)) return hex(s:sub(1, 3)) .. ' ' .. #s",
                "d9ff78 257",
            ),
            (
                "local s = cmsgpack.pack(string.rep('x', 256)) return hex(s:sub(1, 4)) .. ' ' .. #s",
                "da010078 259",
            ),
            (
                "local s = cmsgpack.pack(string.rep('x', 65535)) return hex(s:sub(1, 4)) .. ' ' .. #s",
                "daffff78 65538",
            ),
            (
                "local s = cmsgpack.pack(string.rep('x', 65536)) return hex(s:sub(1, 6)) .. ' ' .. #s",
                "db0001000078 65541",
            ),
            (
                "return hex(cmsgpack.pack(true, false, nil))",
                "c3c2c0",
            ),
            (
                "return hex(cmsgpack.pack(tostring, cjson.null, coroutine.create(function() end)))",
                "c0c0c0",
            ),
            (
                "return hex(cmsgpack.pack({}))",
                "90",
            ),
            (
                "return hex(cmsgpack.pack({1, 2, 3}))",
                "93010203",
            ),
            (
                "return hex(cmsgpack.pack({'a', {'b', {}}, true}))",
                "93a16192a16290c3",
            ),
            (
                "return hex(cmsgpack.pack({a=1}))",
                "81a16101",
            ),
            (
                "return hex(cmsgpack.pack({a=1, b=2, c=3, d={e='f'}}))",
                "84a16101a16481a165a166a16303a16202",
            ),
            (
                "return hex(cmsgpack.pack({1, 2, nil, 4}))",
                "83010102020404",
            ),
            (
                "return hex(cmsgpack.pack({[1]=1, [3]=3}))",
                "8201010303",
            ),
            (
                "return hex(cmsgpack.pack({[0]=1}))",
                "810001",
            ),
            (
                "return hex(cmsgpack.pack({[1.5]=1}))",
                "81ca3fc0000001",
            ),
            (
                "return hex(cmsgpack.pack({[-1]=1}))",
                "81ff01",
            ),
            (
                "return hex(cmsgpack.pack({[2^31]=1}))",
                "81ce8000000001",
            ),
            (
                "return hex(cmsgpack.pack({[2^31]=1, [1]=2}))",
                "82ce80000000010102",
            ),
            (
                "return hex(cmsgpack.pack({[1]='x', [2]='y', n=2}))",
                "8301a17802a179a16e02",
            ),
            (
                "return hex(cmsgpack.pack({[true]=false, [{}]={}}))",
                "829090c3c2",
            ),
            (
                "return hex(cmsgpack.pack({[math.huge]=1}))",
                "81ca7f80000001",
            ),
            (
                "local t = {} for i = 1, 15 do t[i] = i end return hex(cmsgpack.pack(t):sub(1, 3))",
                "9f0102",
            ),
            (
                "local t = {} for i = 1, 16 do t[i] = i end return hex(cmsgpack.pack(t):sub(1, 3))",
                "dc0010",
            ),
            (
                "local t = {} for i = 1, 65536 do t[i] = 0 end local s = cmsgpack.pack(t) return hex(s:sub(1, 6)) .. ' ' .. #s",
                "dd0001000000 65541",
            ),
            (
                "local t = {} for i = 1, 16 do t['k' .. i] = i end local s = cmsgpack.pack(t) return hex(s:sub(1, 3)) .. ' ' .. #s",
                "de0010 74",
            ),
            (
                "local t = {} for i = 1, 65536 do t['k' .. i] = true end local s = cmsgpack.pack(t) return hex(s:sub(1, 5)) .. ' ' .. #s",
                "df00010000 513187",
            ),
            (
                "local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return hex(cmsgpack.pack(t))",
                "91919191919191919191919191919191c0",
            ),
            (
                "local t = {} local c = t for i = 1, 20 do c.k = {} c = c.k end return hex(cmsgpack.pack(t))",
                "81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16b81a16bc0",
            ),
            (
                "local t = {} t[1] = t return hex(cmsgpack.pack(t))",
                "91919191919191919191919191919191c0",
            ),
            (
                "local t = {} local c = t for i = 1, 15 do c[1] = {} c = c[1] end c[1] = 5 return hex(cmsgpack.pack(t))",
                "9191919191919191919191919191919105",
            ),
            (
                "local t = {} for i = 1, 4000 do t[i] = i end return #cmsgpack.pack(unpack(t)) .. ''",
                "11618",
            ),
            (
                "local t = {} for i = 1, 3999 do t[i] = i end t[4000] = {} return cmsgpack.pack(unpack(t))",
                "ERR user_script:1: stack overflow (in function table_is_an_array)",
            ),
            (
                "local t = {} for i = 1, 3999 do t[i] = i end t[4000] = 'x' return #cmsgpack.pack(unpack(t)) .. ''",
                "11617",
            ),
            (
                "local t = {} for i = 1, 4001 do t[i] = i end return cmsgpack.pack(unpack(t))",
                "ERR user_script:1: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)",
            ),
            (
                "return cmsgpack.pack()",
                "ERR user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.)",
            ),
            (
                "return cmsgpack:pack() and 'packed self' or ''",
                "packed self",
            ),
            (
                "return errmsg(select(2, pcall(cmsgpack.pack)))",
                "bad argument #0 to '?' (MessagePack pack needs input.)",
            ),
            (
                "return cmsgpack._NAME .. '|' .. cmsgpack._VERSION .. '|' .. cmsgpack._COPYRIGHT .. '|' .. cmsgpack._DESCRIPTION",
                "cmsgpack|lua-cmsgpack 0.4.0|Copyright (C) 2012, Salvatore Sanfilippo|MessagePack C implementation for Lua",
            ),
            (
                "local n = {} for k in pairs(cmsgpack) do n[#n + 1] = k end return table.concat(n, ',')",
                "_DESCRIPTION,pack,_NAME,unpack,_COPYRIGHT,_VERSION,unpack_one,unpack_limit",
            ),
        ]);
    }

    #[test]
    fn round_trips_match_redis() {
        check(&[
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(0)))",
                "0",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(1)))",
                "1",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(127)))",
                "127",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(128)))",
                "128",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(255)))",
                "255",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(256)))",
                "256",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(65535)))",
                "65535",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(65536)))",
                "65536",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(2^32-1)))",
                "4294967295",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(2^32)))",
                "4294967296",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(2^53)))",
                "9.007199254741e+15",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(2^53+1)))",
                "9.007199254741e+15",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(2^63-1024)))",
                "9.2233720368548e+18",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(2^63)))",
                "9.2233720368548e+18",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(2^64)))",
                "1.844674407371e+19",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-1)))",
                "-1",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-32)))",
                "-32",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-33)))",
                "-33",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-128)))",
                "-128",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-129)))",
                "-129",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-32768)))",
                "-32768",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-32769)))",
                "-32769",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-2^31)))",
                "-2147483648",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-2^31-1)))",
                "-2147483649",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-2^63)))",
                "-9.2233720368548e+18",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-2^63-2048)))",
                "-9.2233720368548e+18",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(1.5)))",
                "1.5",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))",
                "0.1",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-0.25)))",
                "-0.25",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(3.25)))",
                "3.25",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(1e300)))",
                "1e+300",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-1e300)))",
                "-1e+300",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(1e38)))",
                "1e+38",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(3.4028235677973366e38)))",
                "3.4028235677973e+38",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(1e39)))",
                "1e+39",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(math.huge)))",
                "inf",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-math.huge)))",
                "-inf",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(0/0)))",
                "-nan",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(-0.0)))",
                "0",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(2.5e-7)))",
                "2.5e-07",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack(123456.789)))",
                "123456.789",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack({2^-149}))[1])",
                "1.4012984643248e-45",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack({1e-46}))[1])",
                "1e-46",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack({2.5e-20}))[1])",
                "2.5e-20",
            ),
            (
                "return tostring(cmsgpack.unpack(cmsgpack.pack({-2^-60}))[1])",
                "-8.673617379884e-19",
            ),
            (
                "return cjson.encode(cmsgpack.unpack(cmsgpack.pack({1, 'two', {three=3}, {}, true})))",
                "[1,\"two\",{\"three\":3},{},true]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack(cmsgpack.pack(1, 'a', {2}, false))})",
                "[1,\"a\",[2],false]",
            ),
            (
                "return tostring(select('#', cmsgpack.unpack('')))",
                "0",
            ),
            (
                "return tostring(select('#', cmsgpack.unpack(cmsgpack.pack(nil, nil))))",
                "2",
            ),
            (
                "local s = string.rep('x', 70000) return tostring(cmsgpack.unpack(cmsgpack.pack(s)) == s)",
                "true",
            ),
            (
                "local t = {} for i = 1, 65536 do t['k' .. i] = i end local u = cmsgpack.unpack(cmsgpack.pack(t)) return u.k1 .. ' ' .. u.k65536",
                "1 65536",
            ),
        ]);
    }

    #[test]
    fn unpack_matches_redis() {
        check(&[
            (
                "return tostring(cmsgpack.unpack('\\204\\255'))",
                "255",
            ),
            (
                "return tostring(cmsgpack.unpack('\\208\\128'))",
                "-128",
            ),
            (
                "return tostring(cmsgpack.unpack('\\205\\1\\0'))",
                "256",
            ),
            (
                "return tostring(cmsgpack.unpack('\\209\\255\\128'))",
                "-128",
            ),
            (
                "return tostring(cmsgpack.unpack('\\209\\128\\0'))",
                "-32768",
            ),
            (
                "return tostring(cmsgpack.unpack('\\206\\255\\255\\255\\255'))",
                "4294967295",
            ),
            (
                "return tostring(cmsgpack.unpack('\\210\\128\\0\\0\\0'))",
                "-2147483648",
            ),
            (
                "return tostring(cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255'))",
                "-1",
            ),
            (
                "return tostring(cmsgpack.unpack('\\207\\128\\0\\0\\0\\0\\0\\0\\0'))",
                "-9.2233720368548e+18",
            ),
            (
                "return tostring(cmsgpack.unpack('\\207\\0\\32\\0\\0\\0\\0\\0\\1'))",
                "9.007199254741e+15",
            ),
            (
                "return tostring(cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0'))",
                "-9.2233720368548e+18",
            ),
            (
                "return tostring(cmsgpack.unpack('\\211\\255\\255\\255\\255\\255\\255\\255\\254'))",
                "-2",
            ),
            (
                "return tostring(cmsgpack.unpack('\\202\\63\\192\\0\\0'))",
                "1.5",
            ),
            (
                "return tostring(cmsgpack.unpack('\\202\\127\\128\\0\\0'))",
                "inf",
            ),
            (
                "return tostring(cmsgpack.unpack('\\202\\255\\192\\0\\0'))",
                "-nan",
            ),
            (
                "return tostring(cmsgpack.unpack('\\203\\63\\241\\153\\153\\153\\153\\153\\154'))",
                "1.1",
            ),
            (
                "return tostring(cmsgpack.unpack('\\192'))",
                "nil",
            ),
            (
                "return tostring(cmsgpack.unpack('\\194')) .. tostring(cmsgpack.unpack('\\195'))",
                "falsetrue",
            ),
            (
                "return cmsgpack.unpack('\\217\\3abc')",
                "abc",
            ),
            (
                "return cmsgpack.unpack('\\218\\0\\3abc')",
                "abc",
            ),
            (
                "return cmsgpack.unpack('\\219\\0\\0\\0\\3abc')",
                "abc",
            ),
            (
                "return cmsgpack.unpack('\\163xyz')",
                "xyz",
            ),
            (
                "return '[' .. cmsgpack.unpack('\\160') .. ']'",
                "[]",
            ),
            (
                "return cjson.encode(cmsgpack.unpack('\\220\\0\\2\\1\\2'))",
                "[1,2]",
            ),
            (
                "return cjson.encode(cmsgpack.unpack('\\221\\0\\0\\0\\2\\1\\2'))",
                "[1,2]",
            ),
            (
                "return cjson.encode(cmsgpack.unpack('\\222\\0\\1\\161a\\1'))",
                "{\"a\":1}",
            ),
            (
                "return cjson.encode(cmsgpack.unpack('\\223\\0\\0\\0\\1\\161a\\1'))",
                "{\"a\":1}",
            ),
            (
                "return cjson.encode(cmsgpack.unpack('\\147\\1\\192\\3'))",
                "[1,null,3]",
            ),
            (
                "return cjson.encode(cmsgpack.unpack('\\130\\1\\161a\\2\\192'))",
                "[\"a\"]",
            ),
            (
                "return cjson.encode(cmsgpack.unpack('\\129\\145\\1\\2'))",
                "ERR user_script:1: Cannot serialise table: table key must be a number or string",
            ),
            (
                "return cjson.encode(cmsgpack.unpack('\\144')) .. cjson.encode(cmsgpack.unpack('\\128'))",
                "{}{}",
            ),
            (
                "return cjson.encode({cmsgpack.unpack('\\127\\255\\224\\0')})",
                "[127,-1,-32,0]",
            ),
            (
                "return cmsgpack.unpack('\\193')",
                "ERR user_script:1: Bad data format in input.",
            ),
            (
                "return cmsgpack.unpack('\\196\\1a')",
                "ERR user_script:1: Bad data format in input.",
            ),
            (
                "return cmsgpack.unpack('\\199\\1\\1a')",
                "ERR user_script:1: Bad data format in input.",
            ),
            (
                "return cmsgpack.unpack('\\212\\1\\1')",
                "ERR user_script:1: Bad data format in input.",
            ),
            (
                "return cmsgpack.unpack('\\216\\1')",
                "ERR user_script:1: Bad data format in input.",
            ),
            (
                "return cmsgpack.unpack('\\1\\2\\193')",
                "ERR user_script:1: Bad data format in input.",
            ),
            (
                "return cmsgpack.unpack('\\205\\1')",
                "ERR user_script:1: Missing bytes in input.",
            ),
            (
                "return cmsgpack.unpack('\\217\\5ab')",
                "ERR user_script:1: Missing bytes in input.",
            ),
            (
                "return cmsgpack.unpack('\\219\\0\\0\\0')",
                "ERR user_script:1: Missing bytes in input.",
            ),
            (
                "return cmsgpack.unpack('\\145')",
                "ERR user_script:1: Missing bytes in input.",
            ),
            (
                "return cmsgpack.unpack('\\146\\1')",
                "ERR user_script:1: Missing bytes in input.",
            ),
            (
                "return cmsgpack.unpack('\\129\\1')",
                "ERR user_script:1: Missing bytes in input.",
            ),
            (
                "return cmsgpack.unpack('\\221\\255\\255\\255\\255\\1')",
                "ERR user_script:1: Missing bytes in input.",
            ),
            (
                "return cmsgpack.unpack('\\145\\193')",
                "ERR user_script:1: Bad data format in input.",
            ),
            (
                "return cmsgpack.unpack('\\129\\192\\1')",
                "ERR table index is nil",
            ),
            (
                "return cmsgpack.unpack('\\129\\192')",
                "ERR user_script:1: Missing bytes in input.",
            ),
            (
                "return cmsgpack.unpack('\\129\\203\\255\\248\\0\\0\\0\\0\\0\\0\\1')",
                "ERR table index is NaN",
            ),
            (
                "return cjson.encode(cmsgpack.unpack('\\129\\1\\192'))",
                "{}",
            ),
            (
                "return cmsgpack.unpack()",
                "ERR user_script:1: bad argument #1 to 'unpack' (string expected, got no value)",
            ),
            (
                "return cmsgpack.unpack(nil)",
                "ERR user_script:1: bad argument #1 to 'unpack' (string expected, got nil)",
            ),
            (
                "return cmsgpack.unpack({})",
                "ERR user_script:1: bad argument #1 to 'unpack' (string expected, got table)",
            ),
            (
                "return tostring(cmsgpack.unpack(5))",
                "53",
            ),
            (
                "local ok, e = pcall(cmsgpack.unpack, '\\193') return errmsg(e)",
                "Bad data format in input.",
            ),
            (
                "return select('#', cmsgpack.unpack(string.rep('\\1', 7900))) .. ''",
                "7900",
            ),
            (
                "return select('#', cmsgpack.unpack(string.rep('\\1', 8000))) .. ''",
                "ERR user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                "return select('#', cmsgpack.unpack(string.rep('\\1', 7900), 'extra arg')) .. ''",
                "7900",
            ),
            (
                "local d = 0 local t = cmsgpack.unpack(string.rep('\\145', 3999) .. '\\1') while type(t) == 'table' do d = d + 1 t = t[1] end return d .. ''",
                "3999",
            ),
            (
                "return cmsgpack.unpack(string.rep('\\145', 4000) .. '\\1')",
                "ERR user_script:1: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                "local d = 0 local t = cmsgpack.unpack(string.rep('\\129\\1', 3999) .. '\\1') while type(t) == 'table' do d = d + 1 t = t[1] end return d .. ''",
                "3999",
            ),
            (
                "return cmsgpack.unpack(string.rep('\\129\\1', 4000) .. '\\1')",
                "ERR user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                "return cmsgpack.unpack(string.rep('\\129\\145', 3000) .. '\\1')",
                "ERR user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
        ]);
    }

    #[test]
    fn unpack_one_and_limit_match_redis() {
        check(&[
            (
                "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))})",
                "[1,1]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)})",
                "[2,2]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)})",
                "[-1,3]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)})",
                "[-1]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_one('')})",
                "[-1]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack('a'), nil)})",
                "[-1,\"a\"]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2), 1.9)})",
                "[-1,2]",
            ),
            (
                "return cmsgpack.unpack_one('abc', -1)",
                "ERR user_script:1: Invalid request to unpack with offset of -1 and limit of 3.",
            ),
            (
                "return cmsgpack.unpack_one('abc', 4)",
                "ERR user_script:1: Start offset 4 greater than input length 3.",
            ),
            (
                "return cmsgpack.unpack_one('abc', 2^40)",
                "ERR user_script:1: Start offset 0 greater than input length 3.",
            ),
            (
                "return cmsgpack.unpack_one('abc', 0/0)",
                "ERR user_script:1: Invalid request to unpack with offset of 0 and limit of 3.",
            ),
            (
                "return cmsgpack.unpack_one('abc', 'x')",
                "ERR user_script:1: bad argument #2 to 'unpack_one' (number expected, got string)",
            ),
            (
                "return cmsgpack.unpack_one()",
                "ERR user_script:1: bad argument #1 to 'unpack_one' (string expected, got no value)",
            ),
            (
                "return cmsgpack.unpack_one(nil, 'x')",
                "ERR user_script:1: bad argument #2 to 'unpack_one' (number expected, got string)",
            ),
            (
                "return cmsgpack.unpack_one('\\205')",
                "ERR user_script:1: Missing bytes in input.",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)})",
                "[2,1,2]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 2)})",
                "[-1,3]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5)})",
                "[-1,1,2,3]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)})",
                "[1,2,3]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)})",
                "[1]",
            ),
            (
                "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, nil, 3), 2)})",
                "[2,1]",
            ),
            (
                "return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)",
                "ERR user_script:1: Invalid request to unpack with offset of 0 and limit of 3.",
            ),
            (
                "return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1, -5)",
                "ERR user_script:1: Invalid request to unpack with offset of -5 and limit of 3.",
            ),
            (
                "return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1, 7)",
                "ERR user_script:1: Start offset 7 greater than input length 3.",
            ),
            (
                "return cmsgpack.unpack_limit('x')",
                "ERR user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value)",
            ),
            (
                "return cmsgpack.unpack_limit()",
                "ERR user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value)",
            ),
            (
                "return cmsgpack.unpack_limit(nil, 1, 'z')",
                "ERR user_script:1: bad argument #3 to 'unpack_limit' (number expected, got string)",
            ),
            (
                "return cmsgpack.unpack_limit({}, 1)",
                "ERR user_script:1: bad argument #1 to 'unpack_limit' (string expected, got table)",
            ),
            (
                "return cmsgpack.unpack_limit('\\1\\193', 5)",
                "ERR user_script:1: Bad data format in input.",
            ),
            (
                "return select('#', cmsgpack.unpack_limit(string.rep('\\1', 7900), 9000)) .. ''",
                "7901",
            ),
            (
                "return select('#', cmsgpack.unpack_limit(string.rep('\\1', 7999), 9000)) .. ''",
                "ERR user_script:1: stack overflow (in function mp_unpack_full)",
            ),
            (
                "return select('#', cmsgpack.unpack_limit(string.rep('\\1', 7900), 9000, 1)) .. ''",
                "7900",
            ),
        ]);
    }
}
