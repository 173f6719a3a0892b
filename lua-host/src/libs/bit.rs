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

#[cfg(test)]
mod tests {
    //! Expected values come from redis-server 7.0.15 (`EVAL body 0`).

    use crate::libs::test_support::check;

    #[test]
    fn bit_matches_redis() {
        check(&[
            (
                "return tostring(bit.tobit(0)) .. ' ' .. tostring(bit.tobit(1)) .. ' ' .. tostring(bit.tobit(-1)) .. ' ' .. tostring(bit.tobit(2^31)) .. ' ' .. tostring(bit.tobit(2^31-1)) .. ' ' .. tostring(bit.tobit(-2^31)) .. ' ' .. tostring(bit.tobit(2^32)) .. ' ' .. tostring(bit.tobit(2^32+5)) .. ' ' .. tostring(bit.tobit(-2^32-1)) .. ' ' .. tostring(bit.tobit(2^52)) .. ' ' .. tostring(bit.tobit(2^53+2)) .. ' ' .. tostring(bit.tobit(1e20)) .. ' ' .. tostring(bit.tobit(-1e20)) .. ' ' .. tostring(bit.tobit(1.5)) .. ' ' .. tostring(bit.tobit(2.5)) .. ' ' .. tostring(bit.tobit(-1.5)) .. ' ' .. tostring(bit.tobit(-2.5)) .. ' ' .. tostring(bit.tobit(0.49999999999999994)) .. ' ' .. tostring(bit.tobit(3.7)) .. ' ' .. tostring(bit.tobit(math.huge)) .. ' ' .. tostring(bit.tobit(-math.huge)) .. ' ' .. tostring(bit.tobit(0/0)) .. ' ' .. tostring(bit.tobit('12')) .. ' ' .. tostring(bit.tobit(' 0x1F ')) .. ' ' .. tostring(bit.tobit('1e3')) .. ' ' .. tostring(bit.tobit(2^51)) .. ' ' .. tostring(bit.tobit(2^51+0.5)) .. ' ' .. tostring(bit.tobit(-2^51-0.5)) .. ' ' .. tostring(bit.tobit(0xdeadbeef))",
                "0 1 -1 -2147483648 2147483647 -2147483648 0 5 -1 0 1 2025163840 2025163840 2 2 -2 -2 0 4 0 0 0 12 31 1000 0 0 -1 -559038737",
            ),
            (
                "return tostring(bit.bnot(0)) .. ' ' .. tostring(bit.bnot(1)) .. ' ' .. tostring(bit.bnot(-1)) .. ' ' .. tostring(bit.bnot(2^31)) .. ' ' .. tostring(bit.bnot(2^31-1)) .. ' ' .. tostring(bit.bnot(-2^31)) .. ' ' .. tostring(bit.bnot(2^32)) .. ' ' .. tostring(bit.bnot(2^32+5)) .. ' ' .. tostring(bit.bnot(-2^32-1)) .. ' ' .. tostring(bit.bnot(2^52)) .. ' ' .. tostring(bit.bnot(2^53+2)) .. ' ' .. tostring(bit.bnot(1e20)) .. ' ' .. tostring(bit.bnot(-1e20)) .. ' ' .. tostring(bit.bnot(1.5)) .. ' ' .. tostring(bit.bnot(2.5)) .. ' ' .. tostring(bit.bnot(-1.5)) .. ' ' .. tostring(bit.bnot(-2.5)) .. ' ' .. tostring(bit.bnot(0.49999999999999994)) .. ' ' .. tostring(bit.bnot(3.7)) .. ' ' .. tostring(bit.bnot(math.huge)) .. ' ' .. tostring(bit.bnot(-math.huge)) .. ' ' .. tostring(bit.bnot(0/0)) .. ' ' .. tostring(bit.bnot('12')) .. ' ' .. tostring(bit.bnot(' 0x1F ')) .. ' ' .. tostring(bit.bnot('1e3')) .. ' ' .. tostring(bit.bnot(2^51)) .. ' ' .. tostring(bit.bnot(2^51+0.5)) .. ' ' .. tostring(bit.bnot(-2^51-0.5)) .. ' ' .. tostring(bit.bnot(0xdeadbeef))",
                "-1 -2 0 2147483647 -2147483648 2147483647 -1 -6 0 -1 -2 -2025163841 -2025163841 -3 -3 1 1 -1 -5 -1 -1 -1 -13 -32 -1001 -1 -1 0 559038736",
            ),
            (
                "return tostring(bit.bswap(0)) .. ' ' .. tostring(bit.bswap(1)) .. ' ' .. tostring(bit.bswap(-1)) .. ' ' .. tostring(bit.bswap(2^31)) .. ' ' .. tostring(bit.bswap(2^31-1)) .. ' ' .. tostring(bit.bswap(-2^31)) .. ' ' .. tostring(bit.bswap(2^32)) .. ' ' .. tostring(bit.bswap(2^32+5)) .. ' ' .. tostring(bit.bswap(-2^32-1)) .. ' ' .. tostring(bit.bswap(2^52)) .. ' ' .. tostring(bit.bswap(2^53+2)) .. ' ' .. tostring(bit.bswap(1e20)) .. ' ' .. tostring(bit.bswap(-1e20)) .. ' ' .. tostring(bit.bswap(1.5)) .. ' ' .. tostring(bit.bswap(2.5)) .. ' ' .. tostring(bit.bswap(-1.5)) .. ' ' .. tostring(bit.bswap(-2.5)) .. ' ' .. tostring(bit.bswap(0.49999999999999994)) .. ' ' .. tostring(bit.bswap(3.7)) .. ' ' .. tostring(bit.bswap(math.huge)) .. ' ' .. tostring(bit.bswap(-math.huge)) .. ' ' .. tostring(bit.bswap(0/0)) .. ' ' .. tostring(bit.bswap('12')) .. ' ' .. tostring(bit.bswap(' 0x1F ')) .. ' ' .. tostring(bit.bswap('1e3')) .. ' ' .. tostring(bit.bswap(2^51)) .. ' ' .. tostring(bit.bswap(2^51+0.5)) .. ' ' .. tostring(bit.bswap(-2^51-0.5)) .. ' ' .. tostring(bit.bswap(0xdeadbeef))",
                "0 16777216 -1 128 -129 128 0 83886080 -1 0 16777216 1082963320 1082963320 33554432 33554432 -16777217 -16777217 0 67108864 0 0 0 201326592 520093696 -402456576 0 0 -1 -272716322",
            ),
            (
                "return tostring(bit.tohex(0)) .. ' ' .. tostring(bit.tohex(1)) .. ' ' .. tostring(bit.tohex(-1)) .. ' ' .. tostring(bit.tohex(2^31)) .. ' ' .. tostring(bit.tohex(2^31-1)) .. ' ' .. tostring(bit.tohex(-2^31)) .. ' ' .. tostring(bit.tohex(2^32)) .. ' ' .. tostring(bit.tohex(2^32+5)) .. ' ' .. tostring(bit.tohex(-2^32-1)) .. ' ' .. tostring(bit.tohex(2^52)) .. ' ' .. tostring(bit.tohex(2^53+2)) .. ' ' .. tostring(bit.tohex(1e20)) .. ' ' .. tostring(bit.tohex(-1e20)) .. ' ' .. tostring(bit.tohex(1.5)) .. ' ' .. tostring(bit.tohex(2.5)) .. ' ' .. tostring(bit.tohex(-1.5)) .. ' ' .. tostring(bit.tohex(-2.5)) .. ' ' .. tostring(bit.tohex(0.49999999999999994)) .. ' ' .. tostring(bit.tohex(3.7)) .. ' ' .. tostring(bit.tohex(math.huge)) .. ' ' .. tostring(bit.tohex(-math.huge)) .. ' ' .. tostring(bit.tohex(0/0)) .. ' ' .. tostring(bit.tohex('12')) .. ' ' .. tostring(bit.tohex(' 0x1F ')) .. ' ' .. tostring(bit.tohex('1e3')) .. ' ' .. tostring(bit.tohex(2^51)) .. ' ' .. tostring(bit.tohex(2^51+0.5)) .. ' ' .. tostring(bit.tohex(-2^51-0.5)) .. ' ' .. tostring(bit.tohex(0xdeadbeef))",
                "00000000 00000001 ffffffff 80000000 7fffffff 80000000 00000000 00000005 ffffffff 00000000 00000001 78b58c40 78b58c40 00000002 00000002 fffffffe fffffffe 00000000 00000004 00000000 00000000 00000000 0000000c 0000001f 000003e8 00000000 00000000 ffffffff deadbeef",
            ),
            (
                "return tostring(bit.band(0xff00, 0x0ff0)) .. ' ' .. tostring(bit.band(-1, 2^32+7)) .. ' ' .. tostring(bit.band(1)) .. ' ' .. tostring(bit.band(7, 3, 6)) .. ' ' .. tostring(bit.bor(1, 2, 4, 8)) .. ' ' .. tostring(bit.bor(2^31)) .. ' ' .. tostring(bit.bxor(0xf0f0, 0xff00)) .. ' ' .. tostring(bit.bxor(-1, 1, 2)) .. ' ' .. tostring(bit.band('7', '0x3'))",
                "3840 7 1 2 15 -2147483648 4080 -4 3",
            ),
            (
                "return tostring(bit.lshift(1, 0)) .. ' ' .. tostring(bit.lshift(1, 31)) .. ' ' .. tostring(bit.lshift(1, 32)) .. ' ' .. tostring(bit.lshift(1, 33)) .. ' ' .. tostring(bit.lshift(1, -1)) .. ' ' .. tostring(bit.lshift(0x7fffffff, 1)) .. ' ' .. tostring(bit.rshift(-1, 0)) .. ' ' .. tostring(bit.rshift(-1, 1)) .. ' ' .. tostring(bit.rshift(-1, 31)) .. ' ' .. tostring(bit.rshift(-256, 4)) .. ' ' .. tostring(bit.rshift(1, 32)) .. ' ' .. tostring(bit.arshift(-256, 4)) .. ' ' .. tostring(bit.arshift(-1, 31)) .. ' ' .. tostring(bit.arshift(2^31, 1)) .. ' ' .. tostring(bit.arshift(256, 36))",
                "1 -2147483648 1 2 -2147483648 -2 -1 2147483647 1 268435440 1 -16 -1 -1073741824 16",
            ),
            (
                "return tostring(bit.rol(0x12345678, 0)) .. ' ' .. tostring(bit.rol(0x12345678, 4)) .. ' ' .. tostring(bit.rol(0x12345678, 32)) .. ' ' .. tostring(bit.rol(0x12345678, 36)) .. ' ' .. tostring(bit.rol(-1, 7)) .. ' ' .. tostring(bit.ror(0x12345678, 0)) .. ' ' .. tostring(bit.ror(0x12345678, 4)) .. ' ' .. tostring(bit.ror(0x12345678, 36)) .. ' ' .. tostring(bit.ror(1, 1)) .. ' ' .. tostring(bit.ror(0x12345678, -4))",
                "305419896 591751041 305419896 591751041 -1 305419896 -2128394905 -2128394905 -2147483648 591751041",
            ),
            (
                "return tostring(bit.tohex(255)) .. ' ' .. tostring(bit.tohex(255, 2)) .. ' ' .. tostring(bit.tohex(255, -2)) .. ' ' .. tostring(bit.tohex(-1, 4)) .. ' ' .. tostring(bit.tohex(0x12345678, 0)) .. ' ' .. tostring(bit.tohex(0x12345678, 12)) .. ' ' .. tostring(bit.tohex(0x12345678, -12)) .. ' ' .. tostring(bit.tohex(1, 2^31)) .. ' ' .. tostring(bit.tohex(0xABCDEF12, -2^31)) .. ' ' .. tostring(bit.tohex(0xABCDEF12, 2^31)) .. ' ' .. tostring(bit.tohex(0x1f, 1.6)) .. ' ' .. tostring(bit.tohex(0x1f, '3')) .. ' ' .. tostring(bit.tohex(-2^31))",
                "000000ff ff FF ffff  12345678 12345678 00000001 ABCDEF12 ABCDEF12 1f 01f 80000000",
            ),
            (
                "return bit.tobit()",
                "ERR user_script:1: bad argument #1 to 'tobit' (number expected, got no value)",
            ),
            (
                "return bit.tobit(nil)",
                "ERR user_script:1: bad argument #1 to 'tobit' (number expected, got nil)",
            ),
            (
                "return bit.tobit('x')",
                "ERR user_script:1: bad argument #1 to 'tobit' (number expected, got string)",
            ),
            (
                "return bit.tobit({})",
                "ERR user_script:1: bad argument #1 to 'tobit' (number expected, got table)",
            ),
            (
                "return bit.tobit(true)",
                "ERR user_script:1: bad argument #1 to 'tobit' (number expected, got boolean)",
            ),
            (
                "return bit.bnot(cjson.null)",
                "ERR user_script:1: bad argument #1 to 'bnot' (number expected, got userdata)",
            ),
            (
                "return bit.band(1, 2, 'x', {})",
                "ERR user_script:1: bad argument #4 to 'band' (number expected, got table)",
            ),
            (
                "return bit.band(1, 'x', 3)",
                "ERR user_script:1: bad argument #2 to 'band' (number expected, got string)",
            ),
            (
                "return bit.bor()",
                "ERR user_script:1: bad argument #1 to 'bor' (number expected, got no value)",
            ),
            (
                "return bit.bxor(1, nil)",
                "ERR user_script:1: bad argument #2 to 'bxor' (number expected, got nil)",
            ),
            (
                "return bit.lshift(1)",
                "ERR user_script:1: bad argument #2 to 'lshift' (number expected, got no value)",
            ),
            (
                "return bit.lshift('a', 1)",
                "ERR user_script:1: bad argument #1 to 'lshift' (number expected, got string)",
            ),
            (
                "return bit.rshift(1, {})",
                "ERR user_script:1: bad argument #2 to 'rshift' (number expected, got table)",
            ),
            (
                "return bit.tohex(1, nil)",
                "ERR user_script:1: bad argument #2 to 'tohex' (number expected, got nil)",
            ),
            (
                "return bit.tohex(1, 'z')",
                "ERR user_script:1: bad argument #2 to 'tohex' (number expected, got string)",
            ),
            (
                "return bit.tohex('z')",
                "ERR user_script:1: bad argument #1 to 'tohex' (number expected, got string)",
            ),
            (
                "return bit.bswap()",
                "ERR user_script:1: bad argument #1 to 'bswap' (number expected, got no value)",
            ),
            (
                "local b = bit.band return b(1, 'x')",
                "ERR user_script:1: bad argument #2 to 'b' (number expected, got string)",
            ),
            (
                "return bit:band(1)",
                "ERR user_script:1: calling 'band' on bad self (number expected, got table)",
            ),
            (
                "return bit:tobit()",
                "ERR user_script:1: calling 'tobit' on bad self (number expected, got table)",
            ),
            (
                "return errmsg(select(2, pcall(bit.band, 'x')))",
                "bad argument #1 to '?' (number expected, got string)",
            ),
            (
                "local n = {} for k in pairs(bit) do n[#n + 1] = k end return table.concat(n, ',')",
                "band,rshift,bor,bnot,bswap,bxor,tobit,ror,lshift,tohex,rol,arshift",
            ),
            (
                "return tostring(bit.tobit(0)) .. ' ' .. tostring(bit.tobit('0')) .. ' ' .. tostring(bit.tobit(2^32))",
                "0 0 0",
            ),
            (
                "return tostring(bit.band(2^32, 5))",
                "0",
            ),
        ]);
    }
}
