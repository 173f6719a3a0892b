//! `bit`: LuaBitOp as Redis 7.0 ships it (`deps/lua/src/lua_bit.c`).
//!
//! Every argument is normalised to a 32-bit integer the way LuaBitOp does it on a double
//! Lua: add 2^52 + 2^51 and keep the low 32 bits of the result's representation, which
//! rounds to nearest-even and wraps modulo 2^32 (numeric strings are accepted, as
//! `lua_tonumber` reads them). Results are signed 32-bit numbers.

use mlua::{Lua, MultiValue, Table, Value};

use super::lua_api::{to_number, Args};

type Handler = fn(&Args) -> mlua::Result<Value>;

/// The module table, presized and filled in LuaBitOp's order like `luaL_register` does.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Table> {
    let functions: [(&str, Handler); 12] = [
        ("tobit", |a| ret(arg(a, 1)?)),
        ("bnot", |a| ret(!arg(a, 1)?)),
        ("band", |a| fold(a, |x, y| x & y)),
        ("bor", |a| fold(a, |x, y| x | y)),
        ("bxor", |a| fold(a, |x, y| x ^ y)),
        ("lshift", |a| shift(a, |b, n| b << n)),
        ("rshift", |a| shift(a, |b, n| b >> n)),
        ("arshift", |a| shift(a, |b, n| ((b as i32) >> n) as u32)),
        ("rol", |a| shift(a, u32::rotate_left)),
        ("ror", |a| shift(a, u32::rotate_right)),
        ("bswap", |a| ret(arg(a, 1)?.swap_bytes())),
        ("tohex", tohex),
    ];
    let table = lua.create_table_with_capacity(0, functions.len())?;
    for (name, handler) in functions {
        let function = lua.create_function(move |lua, args: MultiValue| {
            handler(&Args::new(lua, args)).map(|v| MultiValue::from_vec(vec![v]))
        })?;
        table.set(name, function)?;
    }
    Ok(table)
}

/// `barg`: argument `n` as 32 bits; a value that is not a number (nor a numeric string)
/// is a type error, as LuaBitOp reports it.
fn arg(args: &Args, n: usize) -> mlua::Result<u32> {
    match args.get(n).and_then(to_number) {
        Some(x) => Ok(normalise(x)),
        None => Err(args.type_error(n, "number")),
    }
}

/// LuaBitOp's conversion: the low word of `x + 2^52 + 2^51`.
fn normalise(x: f64) -> u32 {
    (x + 6_755_399_441_055_744.0).to_bits() as u32
}

/// `BRET`: the bits as a signed 32-bit Lua number.
fn ret(bits: u32) -> mlua::Result<Value> {
    Ok(Value::Number(f64::from(bits as i32)))
}

/// `band`/`bor`/`bxor`: argument 1, then the others from the last one down (so the last
/// bad argument is the one reported).
fn fold(args: &Args, op: fn(u32, u32) -> u32) -> mlua::Result<Value> {
    let mut bits = arg(args, 1)?;
    for n in (2..=args.top()).rev() {
        bits = op(bits, arg(args, n)?);
    }
    ret(bits)
}

/// The shifts and rotations: the count is argument 2 modulo 32.
fn shift(args: &Args, op: fn(u32, u32) -> u32) -> mlua::Result<Value> {
    let bits = arg(args, 1)?;
    let count = arg(args, 2)? & 31;
    ret(op(bits, count))
}

/// `tohex(x [, n])`: the low `|n|` hex digits of `x` (8 by default, at most 8), upper case
/// when `n` is negative.
fn tohex(args: &Args) -> mlua::Result<Value> {
    let mut bits = arg(args, 1)?;
    let mut n = if args.get(2).is_none() {
        8
    } else {
        i64::from(arg(args, 2)? as i32)
    };
    // In C, `-INT_MIN` (a count of -2^31) comes out as 8 upper-case digits too.
    let digits: &[u8; 16] = if n < 0 {
        n = -n;
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let n = n.min(8) as usize;
    let mut buf = [0u8; 8];
    for slot in buf[..n].iter_mut().rev() {
        *slot = digits[(bits & 15) as usize];
        bits >>= 4;
    }
    Ok(Value::String(args.lua().create_string(&buf[..n])?))
}
