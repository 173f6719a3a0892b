//! The `bit` library Redis ships (LuaBitOp 1.0): 32-bit operations on Lua numbers.
//!
//! Arguments are reduced to 32 bits the way LuaBitOp does it (adding 2^52 + 2^51 to
//! the double and keeping the low word, so 2^32 + 1 is 1 and 1.5 rounds to 2), and
//! results are signed 32-bit numbers.

use mlua::{Lua, MultiValue, Table, Value};

use super::argument_error;

/// LuaBitOp's argument conversion; a non-number is `bad argument #n ... (number
/// expected, got <type>)`.
fn bits(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<u32> {
    let value = args.get(n - 1);
    let number = match value {
        Some(value) => lua.coerce_number(value.clone())?,
        None => None,
    };
    let word = (number.unwrap_or(0.0) + 6_755_399_441_055_744.0).to_bits() as u32;
    if word == 0 && number.is_none() {
        let got = value.map_or("no value", Value::type_name);
        return Err(argument_error(
            lua,
            n,
            &format!("number expected, got {got}"),
        ));
    }
    Ok(word)
}

/// A result as Lua sees it: the signed 32-bit value.
fn number(word: u32) -> f64 {
    f64::from(word as i32)
}

/// Folds every argument with `op`, from the last one back to the second, as LuaBitOp.
fn fold(lua: &Lua, args: &MultiValue, op: fn(u32, u32) -> u32) -> mlua::Result<f64> {
    let mut word = bits(lua, args, 1)?;
    for n in (2..=args.len()).rev() {
        word = op(word, bits(lua, args, n)?);
    }
    Ok(number(word))
}

/// A shift or rotation: the count is taken modulo 32.
fn shift(lua: &Lua, args: &MultiValue, op: fn(u32, u32) -> u32) -> mlua::Result<f64> {
    let word = bits(lua, args, 1)?;
    let count = bits(lua, args, 2)? & 31;
    Ok(number(op(word, count)))
}

/// The `bit` table.
pub(crate) fn table(lua: &Lua) -> mlua::Result<Table> {
    let bit = lua.create_table()?;
    let unary = |op: fn(u32) -> u32| {
        lua.create_function(move |lua, args: MultiValue| Ok(number(op(bits(lua, &args, 1)?))))
    };
    bit.raw_set("tobit", unary(|w| w)?)?;
    bit.raw_set("bnot", unary(|w| !w)?)?;
    bit.raw_set("bswap", unary(u32::swap_bytes)?)?;
    let folding = |op: fn(u32, u32) -> u32| {
        lua.create_function(move |lua, args: MultiValue| fold(lua, &args, op))
    };
    bit.raw_set("band", folding(|a, b| a & b)?)?;
    bit.raw_set("bor", folding(|a, b| a | b)?)?;
    bit.raw_set("bxor", folding(|a, b| a ^ b)?)?;
    let shifting = |op: fn(u32, u32) -> u32| {
        lua.create_function(move |lua, args: MultiValue| shift(lua, &args, op))
    };
    bit.raw_set("lshift", shifting(|w, n| w << n)?)?;
    bit.raw_set("rshift", shifting(|w, n| w >> n)?)?;
    bit.raw_set("arshift", shifting(|w, n| ((w as i32) >> n) as u32)?)?;
    bit.raw_set("rol", shifting(u32::rotate_left)?)?;
    bit.raw_set("ror", shifting(u32::rotate_right)?)?;
    bit.raw_set(
        "tohex",
        lua.create_function(|lua, args: MultiValue| {
            let mut word = bits(lua, &args, 1)?;
            let mut digits: i64 = if args.len() < 2 {
                8
            } else {
                i64::from(bits(lua, &args, 2)? as i32)
            };
            let alphabet: &[u8; 16] = if digits < 0 {
                digits = -digits;
                b"0123456789ABCDEF"
            } else {
                b"0123456789abcdef"
            };
            let digits = digits.min(8) as usize;
            let mut text = vec![0u8; digits];
            for slot in text.iter_mut().rev() {
                *slot = alphabet[(word & 15) as usize];
                word >>= 4;
            }
            lua.create_string(&text)
        })?,
    )?;
    Ok(bit)
}
