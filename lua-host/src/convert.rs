//! Conversions between Redis replies and Lua values, both ways, as Redis 7.0's
//! `redisProtocolToLuaType` and `luaReplyToRedisReply` do them, and the `{err=...}`
//! tables Redis uses for errors.

use bytes::Bytes;
use kvdb_engine::{Protocol, Reply};
use mlua::{Lua, Table, Value};

/// How deep a returned table may nest before the conversion gives up with Redis's
/// "reached lua stack limit". Redis runs out of Lua stack only some thousands of
/// levels down; kvdb stops where its recursion is safe on a 2 MiB thread stack even
/// in a debug build. Real replies nest a few levels; a self-referencing table nests
/// forever either way (and gets the error in both).
pub(crate) const MAX_DEPTH: usize = 200;

/// The text of a Redis error as Redis's Lua glue stores it in `{err=...}`
/// (`luaPushErrorBuff`): `-CODE message` keeps its code, anything else gets `ERR`;
/// CR and LF are trimmed from both ends and the text stops at a NUL, as C strings do.
pub fn error_text(buffer: &[u8]) -> Vec<u8> {
    let parts = match buffer.strip_prefix(b"-") {
        Some(rest) => error_parts(rest, true),
        None => error_parts(buffer, false),
    };
    parts.concat()
}

/// [`error_text`] in three pieces (code, space, message) that need no allocation, for
/// the raw `redis.call` (`crate::raw`): `dashed` says `text` followed a `-` (and so
/// starts with its code).
pub(crate) fn error_parts(text: &[u8], dashed: bool) -> [&[u8]; 3] {
    let (code, message): (&[u8], &[u8]) = match text.iter().position(|&b| b == b' ') {
        Some(space) if dashed => (&text[..space], &text[space + 1..]),
        _ => (b"ERR", text),
    };
    let mut parts = [code, b" ", trim_crlf(message)];
    let mut cut = false;
    for part in &mut parts {
        if cut {
            *part = b"";
        } else if let Some(nul) = part.iter().position(|&b| b == 0) {
            *part = &part[..nul];
            cut = true;
        }
    }
    parts
}

fn trim_crlf(mut bytes: &[u8]) -> &[u8] {
    while let [b'\r' | b'\n', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b'\r' | b'\n'] = bytes {
        bytes = rest;
    }
    bytes
}

/// `{err=<text>}` for `buffer` (see [`error_text`]); `relayed` adds the mark Redis
/// sets on errors of commands a script called, so they are counted once.
pub fn error_table(lua: &Lua, buffer: &[u8], relayed: bool) -> mlua::Result<Table> {
    let table = lua.create_table()?;
    table.raw_set("err", lua.create_string(error_text(buffer))?)?;
    if relayed {
        table.raw_set("ignore_error_stats_update", true)?;
    }
    Ok(table)
}

/// A command's reply as a Lua value, read in `protocol` (the script's `setresp`).
pub fn reply_to_lua(lua: &Lua, reply: &Reply, protocol: Protocol) -> mlua::Result<Value> {
    let resp3 = protocol == Protocol::Resp3;
    let single = |key: &str, value: Value| -> mlua::Result<Value> {
        let table = lua.create_table()?;
        table.raw_set(key, value)?;
        Ok(Value::Table(table))
    };
    Ok(match reply {
        Reply::Ok => single("ok", Value::String(lua.create_string("OK")?))?,
        Reply::Status(text) => single("ok", Value::String(lua.create_string(text)?))?,
        Reply::Error(text) => {
            let mut buffer = Vec::with_capacity(text.len() + 1);
            buffer.push(b'-');
            buffer.extend_from_slice(text);
            Value::Table(error_table(lua, &buffer, true)?)
        }
        Reply::Int(n) => Value::Number(*n as f64),
        Reply::Bulk(_) | Reply::Stored(_) => {
            Value::String(lua.create_string(reply.bulk_bytes().unwrap_or_default())?)
        }
        Reply::Nil | Reply::NilArray if resp3 => Value::Nil,
        Reply::Nil | Reply::NilArray => Value::Boolean(false),
        Reply::Array(items) | Reply::Push(items) => array(lua, items, protocol)?,
        Reply::Set(items) if resp3 => {
            let members = lua.create_table()?;
            for item in items {
                members.raw_set(reply_to_lua(lua, item, protocol)?, true)?;
            }
            single("set", Value::Table(members))?
        }
        Reply::Set(items) => array(lua, items, protocol)?,
        Reply::Map(pairs) if resp3 => {
            let map = lua.create_table()?;
            for (key, value) in pairs {
                map.raw_set(
                    reply_to_lua(lua, key, protocol)?,
                    reply_to_lua(lua, value, protocol)?,
                )?;
            }
            single("map", Value::Table(map))?
        }
        Reply::Map(pairs) => {
            let table = lua.create_table_with_capacity(pairs.len() * 2, 0)?;
            for (n, (key, value)) in pairs.iter().enumerate() {
                table.raw_set(2 * n + 1, reply_to_lua(lua, key, protocol)?)?;
                table.raw_set(2 * n + 2, reply_to_lua(lua, value, protocol)?)?;
            }
            Value::Table(table)
        }
        Reply::Double(d) if resp3 => single("double", Value::Number(*d))?,
        Reply::Double(d) => {
            let mut text = Vec::with_capacity(24);
            kvdb_resp::fmt::double_g17(*d, &mut text);
            Value::String(lua.create_string(&text)?)
        }
        Reply::HumanDouble(d) if resp3 => single("double", Value::Number(*d))?,
        Reply::HumanDouble(d) => {
            let text = kvdb_engine::long_double::LongDouble::from_f64(*d).to_human_string();
            Value::String(lua.create_string(&text)?)
        }
        Reply::Bool(b) if resp3 => Value::Boolean(*b),
        Reply::Bool(b) => Value::Number(f64::from(u8::from(*b))),
        Reply::Verbatim(format, text) if resp3 => {
            let inner = lua.create_table()?;
            inner.raw_set("string", lua.create_string(text)?)?;
            inner.raw_set("format", lua.create_string(&format[..])?)?;
            single("verbatim_string", Value::Table(inner))?
        }
        Reply::Verbatim(_, text) => Value::String(lua.create_string(text)?),
        Reply::BigNumber(digits) if resp3 => {
            single("big_number", Value::String(lua.create_string(digits)?))?
        }
        Reply::BigNumber(digits) => Value::String(lua.create_string(digits)?),
        Reply::Sequence(replies) => match replies.last() {
            Some(last) => reply_to_lua(lua, last, protocol)?,
            None => Value::Nil,
        },
        // An attribute only annotates the reply after it, which is what a script gets
        // (Redis's Lua parser skips attributes too).
        Reply::Attribute(_) => Value::Nil,
    })
}

fn array(lua: &Lua, items: &[Reply], protocol: Protocol) -> mlua::Result<Value> {
    let table = lua.create_table_with_capacity(items.len(), 0)?;
    for (n, item) in items.iter().enumerate() {
        table.raw_set(n + 1, reply_to_lua(lua, item, protocol)?)?;
    }
    Ok(Value::Table(table))
}

/// A script's return value as a reply (`luaReplyToRedisReply`); `protocol` is the
/// script's `setresp`, which decides how booleans are sent.
pub fn lua_to_reply(value: &Value, protocol: Protocol) -> Reply {
    to_reply(value, protocol, 0)
}

fn to_reply(value: &Value, protocol: Protocol, depth: usize) -> Reply {
    if depth > MAX_DEPTH {
        return Reply::Error(Bytes::from_static(b"ERR reached lua stack limit"));
    }
    match value {
        Value::String(text) => Reply::Bulk(Bytes::copy_from_slice(&text.as_bytes())),
        Value::Boolean(b) => match protocol {
            Protocol::Resp2 if *b => Reply::Int(1),
            Protocol::Resp2 => Reply::Nil,
            Protocol::Resp3 => Reply::Bool(*b),
        },
        Value::Integer(n) => Reply::Int(*n),
        Value::Number(n) => Reply::Int(c_long_long(*n)),
        Value::Table(table) => table_to_reply(table, protocol, depth),
        _ => Reply::Nil,
    }
}

/// C's `(long long)` of a double, as x86-64 computes it: truncation, and the
/// "integer indefinite" value for NaN and out-of-range numbers.
pub(crate) fn c_long_long(n: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if !(-LIMIT..LIMIT).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

fn raw_string(table: &Table, key: &str) -> Option<mlua::String> {
    match table.raw_get::<Value>(key) {
        Ok(Value::String(text)) => Some(text),
        _ => None,
    }
}

fn table_to_reply(table: &Table, protocol: Protocol, depth: usize) -> Reply {
    if raw_string(table, "err").is_some() {
        return Reply::Error(Bytes::from(error_message(table).0));
    }
    if let Some(ok) = raw_string(table, "ok") {
        return Reply::Status(Bytes::from(newlines_to_spaces(&ok.as_bytes())));
    }
    if let Ok(Value::Number(d)) = table.raw_get::<Value>("double") {
        return Reply::Double(d);
    }
    if let Ok(Value::Integer(d)) = table.raw_get::<Value>("double") {
        return Reply::Double(d as f64);
    }
    if let Some(digits) = raw_string(table, "big_number") {
        return Reply::BigNumber(Bytes::from(newlines_to_spaces(&digits.as_bytes())));
    }
    if let Ok(Value::Table(verbatim)) = table.raw_get::<Value>("verbatim_string") {
        if let (Some(format), Some(text)) = (
            raw_string(&verbatim, "format"),
            raw_string(&verbatim, "string"),
        ) {
            let mut code = [0u8; 3];
            for (slot, byte) in code.iter_mut().zip(format.as_bytes().iter()) {
                *slot = *byte;
            }
            return Reply::Verbatim(code, Bytes::copy_from_slice(&text.as_bytes()));
        }
    }
    if let Ok(Value::Table(map)) = table.raw_get::<Value>("map") {
        let pairs = map
            .pairs::<Value, Value>()
            .filter_map(Result::ok)
            .map(|(key, value)| {
                (
                    to_reply(&key, protocol, depth + 1),
                    to_reply(&value, protocol, depth + 1),
                )
            })
            .collect();
        return Reply::Map(pairs);
    }
    if let Ok(Value::Table(set)) = table.raw_get::<Value>("set") {
        let members = set
            .pairs::<Value, Value>()
            .filter_map(Result::ok)
            .map(|(key, _)| to_reply(&key, protocol, depth + 1))
            .collect();
        return Reply::Set(members);
    }
    let mut items = Vec::new();
    for n in 1.. {
        match table.raw_get::<Value>(n) {
            Ok(Value::Nil) | Err(_) => break,
            Ok(item) => items.push(to_reply(&item, protocol, depth + 1)),
        }
    }
    Reply::Array(items)
}

/// The message of an error table (its `err` field as Lua's `tostring` would give a
/// string or number) and whether it carries the already-counted mark.
pub fn error_message(table: &Table) -> (Vec<u8>, bool) {
    let message = match table.get::<Value>("err") {
        Ok(Value::String(text)) => text.as_bytes().to_vec(),
        Ok(Value::Integer(n)) => n.to_string().into_bytes(),
        Ok(Value::Number(n)) => lua_number_text(n).into_bytes(),
        _ => Vec::new(),
    };
    let counted = matches!(
        table.get::<Value>("ignore_error_stats_update"),
        Ok(Value::Boolean(true))
    );
    (newlines_to_spaces(&message), counted)
}

/// A number as Lua 5.1 prints it (C's `%.14g`).
pub fn lua_number_text(n: f64) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    let scientific = format!("{n:.13e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let trim = |text: &str| -> String {
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text.to_string()
        }
    };
    if (-4..14).contains(&exponent) {
        let decimals = usize::try_from(13 - exponent).unwrap_or(0);
        return trim(&format!("{n:.decimals$}"));
    }
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{}e{sign}{:02}", trim(mantissa), exponent.abs())
}

/// Redis maps CR and LF to spaces in status and error replies built from scripts.
pub(crate) fn newlines_to_spaces(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_keep_or_add_the_code() {
        assert_eq!(error_text(b"-WRONGTYPE Operation"), b"WRONGTYPE Operation");
        assert_eq!(error_text(b"-NOSPACE"), b"ERR NOSPACE");
        assert_eq!(error_text(b"My error"), b"ERR My error");
        assert_eq!(error_text(b"-ERR x\r\n"), b"ERR x");
        assert_eq!(error_text(b"-ERR a\0b"), b"ERR a");
    }

    #[test]
    fn numbers_print_as_lua_does() {
        assert_eq!(lua_number_text(3.0), "3");
        assert_eq!(lua_number_text(0.5), "0.5");
        assert_eq!(lua_number_text(1e100), "1e+100");
        assert_eq!(lua_number_text(-2.5e-7), "-2.5e-07");
        assert_eq!(lua_number_text(123456.789), "123456.789");
    }

    #[test]
    fn doubles_truncate_like_c() {
        assert_eq!(c_long_long(3.9), 3);
        assert_eq!(c_long_long(-3.9), -3);
        assert_eq!(c_long_long(f64::NAN), i64::MIN);
        assert_eq!(c_long_long(1e300), i64::MIN);
    }
}
