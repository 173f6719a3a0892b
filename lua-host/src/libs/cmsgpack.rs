//! `cmsgpack`: lua-cmsgpack 0.4.0 as Redis 7.0 ships it (`deps/lua/src/lua_cmsgpack.c`).
//!
//! Packing: a number that is exactly a 64-bit integer is packed as the smallest MessagePack
//! integer, other numbers as a float 32 when that loses nothing, else a float 64; strings
//! as str 8/16/32 (never bin); a table as an array when its keys are exactly 1..n (the
//! empty table too), else as a map in `next()` order; tables nested 16 deep, and values
//! of other types, as nil. Unpacking reads a stream of values; integers become Lua numbers
//! (uint 64 through a signed cast), bin and ext types are a format error.

use mlua::{Lua, MultiValue, Table, Value};

use super::lua_api::{
    arg_error, lual_error, number_of, runtime_error, stack_overflow, Args, Nest, MAX_C_STACK,
};
use super::numconv::{cast_i32, cast_i64};

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
                    let element: Value = table.raw_get(index)?;
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
                    self.value(key, level + 1, top + 3)?;
                    self.value(value, level + 1, top + 2)
                })?;
            }
        }
        Ok(())
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
        if base + values.len() + 1 > MAX_C_STACK {
            return Err(stack_overflow(lua, "in function mp_unpack_full"));
        }
        let next = if cursor.pos == len {
            -1
        } else {
            cursor.pos as i64
        };
        values.insert(0, Value::Number(next as f64));
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
            return Err(stack_overflow(
                self.lua,
                "too many return values at once; use unpack_one or unpack_limit instead.",
            ));
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
