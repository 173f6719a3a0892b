//! `cjson`: lua-cjson 2.1.0 as Redis 7.0 ships it (`deps/lua/src/lua_cjson.c`).
//!
//! Encoding: strings escaped with cjson's table (`/` becomes `\/`, DEL becomes `\u007f`,
//! other bytes pass untouched), numbers through `%.14g` (`encode_number_precision`), a
//! table is a JSON array when all its keys are positive integers and it is not
//! "excessively sparse", else an object in `next()` order; `cjson.null` and `nil` encode
//! as `null`. Decoding: JSON texts read as C strings (a NUL ends them), numbers through
//! `strtod` (so `0x10`, `+1`, `inf` and `nan` pass unless `decode_invalid_numbers` is
//! off), `null` as `cjson.null` (a NULL light userdata). Each module table (and each
//! `cjson.new()`) has its own settings, changed by the configuration functions.

mod decode;
mod encode;

use std::sync::{Arc, Mutex, MutexGuard};

use mlua::{LightUserData, Lua, MultiValue, Table, Value};

use self::decode::decode;
use self::encode::encode;
use super::lua_api::Args;
use super::numconv::c_str;

/// Settings of one module table (`json_config_t`).
#[derive(Clone, Copy, Debug)]
struct Config {
    sparse_convert: i32,
    sparse_ratio: i32,
    sparse_safe: i32,
    encode_max_depth: i32,
    decode_max_depth: i32,
    /// 0 refuse, 1 encode (`nan`, `inf`), 2 encode as `null`.
    encode_invalid_numbers: i32,
    decode_invalid_numbers: i32,
    encode_keep_buffer: i32,
    encode_number_precision: i32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sparse_convert: 0,
            sparse_ratio: 2,
            sparse_safe: 10,
            encode_max_depth: 1000,
            decode_max_depth: 1000,
            encode_invalid_numbers: 0,
            decode_invalid_numbers: 1,
            encode_keep_buffer: 1,
            encode_number_precision: 14,
        }
    }
}

type Shared = Arc<Mutex<Config>>;

fn lock(shared: &Shared) -> MutexGuard<'_, Config> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

type Handler = fn(&Lua, &Shared, Args) -> mlua::Result<MultiValue>;

/// A new module table with default settings (`lua_cjson_new`), fields set in cjson's
/// order so that `pairs(cjson)` walks them the same way.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Table> {
    let shared: Shared = Arc::new(Mutex::new(Config::default()));
    let functions: [(&str, Handler); 10] = [
        ("encode", encode),
        ("decode", decode),
        ("encode_sparse_array", cfg_encode_sparse_array),
        ("encode_max_depth", cfg_encode_max_depth),
        ("decode_max_depth", cfg_decode_max_depth),
        ("encode_number_precision", cfg_encode_number_precision),
        ("encode_keep_buffer", cfg_encode_keep_buffer),
        ("encode_invalid_numbers", cfg_encode_invalid_numbers),
        ("decode_invalid_numbers", cfg_decode_invalid_numbers),
        ("new", new_module),
    ];
    let table = lua.create_table()?;
    for (name, handler) in functions {
        let shared = shared.clone();
        let function = lua.create_function(move |lua, args: MultiValue| {
            handler(lua, &shared, Args::new(lua, args))
        })?;
        table.set(name, function)?;
    }
    table.set("null", null())?;
    table.set("_NAME", "cjson")?;
    table.set("_VERSION", "2.1.0")?;
    Ok(table)
}

/// `cjson.null`: a light userdata holding NULL.
fn null() -> Value {
    Value::LightUserData(LightUserData(std::ptr::null_mut()))
}

fn one(value: Value) -> mlua::Result<MultiValue> {
    Ok(MultiValue::from_vec(vec![value]))
}

fn new_module(lua: &Lua, _: &Shared, _: Args) -> mlua::Result<MultiValue> {
    one(Value::Table(module(lua)?))
}

// ---------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------

/// `json_arg_init`: at most `count` arguments; missing ones read as nil.
fn arg_init(args: &Args, count: usize) -> mlua::Result<()> {
    if args.top() > count {
        return Err(args.arg_error(count as i64 + 1, "found too many arguments"));
    }
    Ok(())
}

/// `json_integer_option`: a new value in `min..=max` if the argument is not nil (the range
/// error always names argument #1, as cjson's does); returns the setting.
fn integer_option(
    args: &Args,
    index: usize,
    setting: &mut i32,
    min: i32,
    max: i32,
) -> mlua::Result<Value> {
    if !args.is_none_or_nil(index) {
        // Stored in a C int: the integer's low 32 bits.
        let value = args.check_integer(index)? as i32;
        if !(min <= value && value <= max) {
            return Err(args.arg_error(1, format!("expected integer between {min} and {max}")));
        }
        *setting = value;
    }
    Ok(Value::Number(f64::from(*setting)))
}

const ON_OFF: &[&str] = &["off", "on"];

/// `json_enum_option` with `bool_true` 1: a boolean or one of `options` (by name);
/// returns the setting as a boolean when it is 0 or 1, else as its name.
fn enum_option(
    lua: &Lua,
    args: &Args,
    index: usize,
    setting: &mut i32,
    options: &[&str],
) -> mlua::Result<Value> {
    match args.get(index) {
        None | Some(Value::Nil) => {}
        Some(Value::Boolean(b)) => *setting = i32::from(*b),
        Some(_) => *setting = check_option(args, index, options)?,
    }
    if *setting == 0 || *setting == 1 {
        Ok(Value::Boolean(*setting == 1))
    } else {
        let name = options.get(*setting as usize).copied().unwrap_or("");
        Ok(Value::String(lua.create_string(name)?))
    }
}

/// `luaL_checkoption` without a default.
fn check_option(args: &Args, index: usize, options: &[&str]) -> mlua::Result<i32> {
    let name = args.check_bytes(index)?;
    let name = c_str(&name);
    match options.iter().position(|o| o.as_bytes() == name) {
        Some(i) => Ok(i as i32),
        None => {
            let mut message = b"invalid option '".to_vec();
            message.extend_from_slice(name);
            message.push(b'\'');
            Err(args.arg_error(index as i64, message))
        }
    }
}

fn cfg_encode_sparse_array(lua: &Lua, shared: &Shared, args: Args) -> mlua::Result<MultiValue> {
    arg_init(&args, 3)?;
    let mut cfg = lock(shared);
    let convert = enum_option(lua, &args, 1, &mut cfg.sparse_convert, ON_OFF)?;
    let ratio = integer_option(&args, 2, &mut cfg.sparse_ratio, 0, i32::MAX)?;
    let safe = integer_option(&args, 3, &mut cfg.sparse_safe, 0, i32::MAX)?;
    Ok(MultiValue::from_vec(vec![convert, ratio, safe]))
}

fn cfg_encode_max_depth(_: &Lua, shared: &Shared, args: Args) -> mlua::Result<MultiValue> {
    arg_init(&args, 1)?;
    let mut cfg = lock(shared);
    one(integer_option(
        &args,
        1,
        &mut cfg.encode_max_depth,
        1,
        i32::MAX,
    )?)
}

fn cfg_decode_max_depth(_: &Lua, shared: &Shared, args: Args) -> mlua::Result<MultiValue> {
    arg_init(&args, 1)?;
    let mut cfg = lock(shared);
    one(integer_option(
        &args,
        1,
        &mut cfg.decode_max_depth,
        1,
        i32::MAX,
    )?)
}

fn cfg_encode_number_precision(_: &Lua, shared: &Shared, args: Args) -> mlua::Result<MultiValue> {
    arg_init(&args, 1)?;
    let mut cfg = lock(shared);
    one(integer_option(
        &args,
        1,
        &mut cfg.encode_number_precision,
        1,
        14,
    )?)
}

fn cfg_encode_keep_buffer(lua: &Lua, shared: &Shared, args: Args) -> mlua::Result<MultiValue> {
    // Only a buffer-reuse optimisation in C: nothing a script can observe but the setting.
    arg_init(&args, 1)?;
    let mut cfg = lock(shared);
    one(enum_option(
        lua,
        &args,
        1,
        &mut cfg.encode_keep_buffer,
        ON_OFF,
    )?)
}

fn cfg_encode_invalid_numbers(lua: &Lua, shared: &Shared, args: Args) -> mlua::Result<MultiValue> {
    arg_init(&args, 1)?;
    let mut cfg = lock(shared);
    let options = &["off", "on", "null"];
    one(enum_option(
        lua,
        &args,
        1,
        &mut cfg.encode_invalid_numbers,
        options,
    )?)
}

fn cfg_decode_invalid_numbers(lua: &Lua, shared: &Shared, args: Args) -> mlua::Result<MultiValue> {
    arg_init(&args, 1)?;
    let mut cfg = lock(shared);
    one(enum_option(
        lua,
        &args,
        1,
        &mut cfg.decode_invalid_numbers,
        ON_OFF,
    )?)
}

#[cfg(test)]
mod tests {
    //! Expected values come from redis-server 7.0.15 (`EVAL body 0`).

    use crate::libs::test_support::check;

    #[test]
    fn configuration_matches_redis() {
        check(&[
            (
                "local c = cjson.new() return tostring(c.encode_sparse_array(true, 3, 5)) .. ' ' .. c.encode({[1]=1, [20]=2})",
                "true {\"1\":1,\"20\":2}",
            ),
            (
                "local c = cjson.new() local a, b, d = c.encode_sparse_array() return tostring(a) .. ' ' .. b .. ' ' .. d",
                "false 2 10",
            ),
            (
                "local c = cjson.new() c.encode_sparse_array('on') return c.encode({[1]=1, [20]=2})",
                "{\"1\":1,\"20\":2}",
            ),
            (
                "local c = cjson.new() c.encode_sparse_array(false, 0) return #c.encode({[1]=1, [2000]=2})",
                "9995",
            ),
            (
                "local c = cjson.new() c.encode_sparse_array(false, 1, 1) return c.encode({[1]=1, [2]=2, [4]=4})",
                "ERR user_script:1: Cannot serialise table: excessively sparse array",
            ),
            (
                "local c = cjson.new() return c.encode_sparse_array(1, 2, 3, 4)",
                "ERR user_script:1: bad argument #4 to 'encode_sparse_array' (found too many arguments)",
            ),
            (
                "local c = cjson.new() return c.encode_sparse_array(nil, -1)",
                "ERR user_script:1: bad argument #1 to 'encode_sparse_array' (expected integer between 0 and 2147483647)",
            ),
            (
                "local c = cjson.new() return c.encode_sparse_array(nil, nil, 'x')",
                "ERR user_script:1: bad argument #3 to 'encode_sparse_array' (number expected, got string)",
            ),
            (
                "local c = cjson.new() return c.encode_sparse_array('maybe')",
                "ERR user_script:1: bad argument #1 to 'encode_sparse_array' (invalid option 'maybe')",
            ),
            (
                "local c = cjson.new() return c.encode_sparse_array({})",
                "ERR user_script:1: bad argument #1 to 'encode_sparse_array' (string expected, got table)",
            ),
            (
                "local c = cjson.new() pcall(c.encode_sparse_array, true, -1) return tostring(c.encode_sparse_array())",
                "true",
            ),
            (
                "local c = cjson.new() return c.encode_max_depth(2) .. ' ' .. c.encode({{1}})",
                "2 [[1]]",
            ),
            (
                "local c = cjson.new() c.encode_max_depth(2) return c.encode({{{1}}})",
                "ERR user_script:1: Cannot serialise, excessive nesting (3)",
            ),
            (
                "local c = cjson.new() return c.encode_max_depth()",
                "1000",
            ),
            (
                "local c = cjson.new() return c.encode_max_depth(0)",
                "ERR user_script:1: bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)",
            ),
            (
                "local c = cjson.new() return c.encode_max_depth('x')",
                "ERR user_script:1: bad argument #1 to 'encode_max_depth' (number expected, got string)",
            ),
            (
                "local c = cjson.new() return c.encode_max_depth('7')",
                "7",
            ),
            (
                "local c = cjson.new() return c.encode_max_depth(2^32 + 5)",
                "5",
            ),
            (
                "local c = cjson.new() return c.encode_max_depth(3.9)",
                "3",
            ),
            (
                "local c = cjson.new() return c.encode_max_depth(1, 2)",
                "ERR user_script:1: bad argument #2 to 'encode_max_depth' (found too many arguments)",
            ),
            (
                "local c = cjson.new() return c.decode_max_depth(2) .. ' ' .. c.encode(c.decode('[[1]]'))",
                "2 [[1]]",
            ),
            (
                "local c = cjson.new() c.decode_max_depth(2) return c.decode('[[[1]]]')",
                "ERR user_script:1: Found too many nested data structures (3) at character 3",
            ),
            (
                "local c = cjson.new() c.decode_max_depth(2) return c.decode('{\"a\":{\"b\":{}}}')",
                "ERR user_script:1: Found too many nested data structures (3) at character 11",
            ),
            (
                "local c = cjson.new() return c.decode_max_depth(-5)",
                "ERR user_script:1: bad argument #1 to 'decode_max_depth' (expected integer between 1 and 2147483647)",
            ),
            (
                "local c = cjson.new() return c.encode_number_precision(3) .. ' ' .. c.encode({1/3, 1234.5, 0.0001234})",
                "3 [0.333,1.23e+03,0.000123]",
            ),
            (
                "local c = cjson.new() c.encode_number_precision(1) return c.encode({2.5, 3.5, 15, 0.05})",
                "[2,4,2e+01,0.05]",
            ),
            (
                "local c = cjson.new() return c.encode_number_precision(15)",
                "ERR user_script:1: bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)",
            ),
            (
                "local c = cjson.new() return c.encode_number_precision(0)",
                "ERR user_script:1: bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)",
            ),
            (
                "local c = cjson.new() return tostring(c.encode_keep_buffer()) .. tostring(c.encode_keep_buffer(false)) .. c.encode({1})",
                "truefalse[1]",
            ),
            (
                "local c = cjson.new() return tostring(c.encode_keep_buffer('off')) .. tostring(c.encode_keep_buffer('on'))",
                "falsetrue",
            ),
            (
                "local c = cjson.new() return c.encode_keep_buffer('yes')",
                "ERR user_script:1: bad argument #1 to 'encode_keep_buffer' (invalid option 'yes')",
            ),
            (
                "local c = cjson.new() return tostring(c.encode_invalid_numbers()) .. ' ' .. tostring(c.encode_invalid_numbers(true)) .. ' ' .. c.encode({math.huge, -math.huge, 0/0, -(0/0)})",
                "false true [inf,-inf,nan,nan]",
            ),
            (
                "local c = cjson.new() return c.encode_invalid_numbers('null') .. ' ' .. c.encode({math.huge, 0/0, [1.5]=1})",
                "null {\"1\":null,\"2\":null,\"1.5\":1}",
            ),
            (
                "local c = cjson.new() c.encode_invalid_numbers('null') return c.encode({[math.huge]=1})",
                "{\"null\":1}",
            ),
            (
                "local c = cjson.new() c.encode_invalid_numbers('on') return c.encode({[math.huge]=1})",
                "{\"inf\":1}",
            ),
            (
                "local c = cjson.new() return tostring(c.encode_invalid_numbers('off'))",
                "false",
            ),
            (
                "local c = cjson.new() return c.encode_invalid_numbers('nan')",
                "ERR user_script:1: bad argument #1 to 'encode_invalid_numbers' (invalid option 'nan')",
            ),
            (
                "local c = cjson.new() return c.encode_invalid_numbers(1)",
                "ERR user_script:1: bad argument #1 to 'encode_invalid_numbers' (invalid option '1')",
            ),
            (
                "local c = cjson.new() return tostring(c.decode_invalid_numbers()) .. tostring(c.decode_invalid_numbers(false))",
                "truefalse",
            ),
            (
                "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('0x10')",
                "ERR user_script:1: Expected value but found invalid number at character 1",
            ),
            (
                "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('nan')",
                "ERR user_script:1: Expected value but found invalid token at character 1",
            ),
            (
                "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('+1')",
                "ERR user_script:1: Expected value but found invalid token at character 1",
            ),
            (
                "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('-inf')",
                "ERR user_script:1: Expected value but found invalid number at character 1",
            ),
            (
                "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('01')",
                "ERR user_script:1: Expected value but found invalid number at character 1",
            ),
            (
                "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('-0x1')",
                "ERR user_script:1: Expected value but found invalid number at character 1",
            ),
            (
                "local c = cjson.new() c.decode_invalid_numbers(false) return tostring(c.decode('-0.5e2'))",
                "-50",
            ),
            (
                "local c = cjson.new() return tostring(c.decode_invalid_numbers('on'))",
                "true",
            ),
            (
                "local c = cjson.new() return c.decode_invalid_numbers(0)",
                "ERR user_script:1: bad argument #1 to 'decode_invalid_numbers' (invalid option '0')",
            ),
            (
                "local c = cjson.new() local d = c.new() c.encode_max_depth(1) return d.encode({{1}})",
                "[[1]]",
            ),
            (
                "local c = cjson.new() c.decode_max_depth(100000) return #c.encode(c.decode(string.rep('[', 900) .. string.rep(']', 900)))",
                "1800",
            ),
            (
                "local c = cjson.new() c.decode_max_depth(100000) c.encode_max_depth(100000) local t = c.decode(string.rep('[', 7998) .. string.rep(']', 7998)) local d = 0 while type(t) == 'table' do d = d + 1 t = t[1] end return d .. ''",
                "7998",
            ),
            (
                "local c = cjson.new() c.decode_max_depth(100000) return c.decode(string.rep('[', 8000) .. string.rep(']', 8000))",
                "ERR user_script:1: Found too many nested data structures (7999) at character 7999",
            ),
            (
                "local c = cjson.new() c.decode_max_depth(100000) return c.decode(string.rep('{\"a\":', 5000) .. '1' .. string.rep('}', 5000))",
                "ERR user_script:1: Found too many nested data structures (4000) at character 19996",
            ),
            (
                "local c = cjson.new() c.decode_max_depth(100000) return c.decode('[' .. string.rep('{\"a\":[', 3000) .. ']')",
                "ERR user_script:1: Found too many nested data structures (5333) at character 15997",
            ),
            (
                "local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 7996 do x[1] = {} x = x[1] end return #c.encode(t) .. ''",
                "15994",
            ),
            (
                "local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 8000 do x[1] = {} x = x[1] end return c.encode(t)",
                "ERR user_script:1: Cannot serialise, excessive nesting (7998)",
            ),
            (
                "local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 8000 do x.k = {} x = x.k end return c.encode(t)",
                "ERR user_script:1: Cannot serialise, excessive nesting (4000)",
            ),
            (
                "return cjson._NAME .. ' ' .. cjson._VERSION .. ' ' .. type(cjson.null) .. ' ' .. tostring(cjson.null == cjson.decode('null'))",
                "cjson 2.1.0 userdata true",
            ),
            (
                "local c = cjson.new() return c._NAME .. c._VERSION .. type(c.new)",
                "cjson2.1.0function",
            ),
            (
                "local n = 0 for k, v in pairs(cjson) do n = n + 1 end return tostring(n)",
                "13",
            ),
        ]);
    }
}
