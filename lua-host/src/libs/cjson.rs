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

use std::sync::{Arc, Mutex, MutexGuard};

use mlua::{LightUserData, Lua, MultiValue, Table, Value};

use super::lua_api::{lual_error, number_of, type_name, Args, Nest, MAX_C_STACK};
use super::numconv::{c_str, cast_i32, format_g, strtod};

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

// ---------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------

/// Appends `bytes` as a JSON string, escaped the way cjson's `char2escape` table says:
/// control characters and DEL as `\u00XX` (or their short forms), `"`, `\\` and `/`
/// backslashed, every other byte (UTF-8 or not) as it is.
fn append_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    for &b in bytes {
        match b {
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'/' => out.extend_from_slice(b"\\/"),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x00..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// An object member collected ahead of encoding, holding no Lua references.
struct Member {
    key: MemberKey,
    value: Scalar,
}

enum MemberKey {
    String(Vec<u8>),
    Number(f64),
    /// A key of another type: an error once encoding reaches it.
    Invalid(&'static str),
}

/// A value as the encoder needs it; tables are fetched again when reached.
enum Scalar {
    String(Vec<u8>),
    Number(f64),
    Boolean(bool),
    Null,
    Table,
    Unsupported(&'static str),
}

enum Frame {
    Array {
        next: i32,
        len: i32,
        depth: i32,
        top: usize,
    },
    Object {
        members: std::vec::IntoIter<Member>,
        first: bool,
        depth: i32,
        top: usize,
    },
}

struct Encoder<'lua> {
    lua: &'lua Lua,
    cfg: Config,
    out: Vec<u8>,
    frames: Vec<Frame>,
    tables: Nest<'lua>,
}

fn encode(lua: &Lua, shared: &Shared, mut args: Args) -> mlua::Result<MultiValue> {
    if args.top() != 1 {
        return Err(args.arg_error(1, "expected 1 argument"));
    }
    let cfg = *lock(shared);
    let mut encoder = Encoder {
        lua,
        cfg,
        out: Vec::new(),
        frames: Vec::new(),
        tables: Nest::new(lua),
    };
    let value = args.take(1);
    encoder.value(value, 0, 1)?;
    encoder.run()?;
    one(Value::String(lua.create_string(&encoder.out)?))
}

impl Encoder<'_> {
    /// `json_encode_exception`.
    fn exception(&self, type_name: &str, reason: &str) -> mlua::Error {
        lual_error(self.lua, format!("Cannot serialise {type_name}: {reason}"))
    }

    fn number(&mut self, x: f64) -> mlua::Result<()> {
        match self.cfg.encode_invalid_numbers {
            0 if !x.is_finite() => return Err(self.exception("number", "must not be NaN or Inf")),
            1 if x.is_nan() => {
                self.out.extend_from_slice(b"nan");
                return Ok(());
            }
            2 if !x.is_finite() => {
                self.out.extend_from_slice(b"null");
                return Ok(());
            }
            _ => {}
        }
        let text = format_g(x, self.cfg.encode_number_precision as usize);
        self.out.extend_from_slice(text.as_bytes());
        Ok(())
    }

    /// `json_append_data` for one value; a table opens a frame that `run` works through.
    /// `depth` is the nesting around the value, `top` the C stack slots in use with it.
    fn value(&mut self, value: Value, depth: i32, top: usize) -> mlua::Result<()> {
        match value {
            Value::String(s) => append_string(&mut self.out, &s.as_bytes()),
            Value::Integer(_) | Value::Number(_) => {
                self.number(number_of(&value).unwrap_or(0.0))?
            }
            Value::Boolean(b) => self
                .out
                .extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Nil => self.out.extend_from_slice(b"null"),
            Value::LightUserData(p) if p.0.is_null() => self.out.extend_from_slice(b"null"),
            Value::Table(table) => self.table(table, depth + 1, top)?,
            other => return Err(self.exception(type_name(Some(&other)), "type not supported")),
        }
        Ok(())
    }

    fn scalar(&mut self, value: Scalar, depth: i32, top: usize, table: Value) -> mlua::Result<()> {
        match value {
            Scalar::String(bytes) => append_string(&mut self.out, &bytes),
            Scalar::Number(x) => self.number(x)?,
            Scalar::Boolean(b) => self
                .out
                .extend_from_slice(if b { b"true" } else { b"false" }),
            Scalar::Null => self.out.extend_from_slice(b"null"),
            Scalar::Table => self.value(table, depth, top)?,
            Scalar::Unsupported(name) => return Err(self.exception(name, "type not supported")),
        }
        Ok(())
    }

    fn table(&mut self, table: Table, depth: i32, top: usize) -> mlua::Result<()> {
        // `json_check_encode_depth`: the setting, or the 3 stack slots the C code needs.
        if depth > self.cfg.encode_max_depth || top + 3 > MAX_C_STACK {
            return Err(lual_error(
                self.lua,
                format!("Cannot serialise, excessive nesting ({depth})"),
            ));
        }
        let len = self.array_length(&table)?;
        if len > 0 {
            self.out.push(b'[');
            self.frames.push(Frame::Array {
                next: 1,
                len,
                depth,
                top,
            });
        } else {
            let members = collect_members(&table)?;
            self.out.push(b'{');
            self.frames.push(Frame::Object {
                members: members.into_iter(),
                first: true,
                depth,
                top,
            });
        }
        self.tables.open(table)
    }

    /// `lua_array_length`: the largest key when every key is a positive integer (else -1),
    /// also -1 (or an error) for an excessively sparse array. The largest key lives in a C
    /// int, so a key beyond its range reads as `INT_MIN`, as on x86.
    fn array_length(&self, table: &Table) -> mlua::Result<i32> {
        let mut max: i32 = 0;
        let mut items: i32 = 0;
        for pair in table.pairs::<Value, Value>() {
            let (key, _) = pair?;
            match number_of(&key) {
                Some(k) if k != 0.0 && k.floor() == k && k >= 1.0 => {
                    if k > f64::from(max) {
                        max = cast_i32(k);
                    }
                    items = items.wrapping_add(1);
                }
                _ => return Ok(-1),
            }
        }
        let cfg = &self.cfg;
        if cfg.sparse_ratio > 0
            && max > items.wrapping_mul(cfg.sparse_ratio)
            && max > cfg.sparse_safe
        {
            if cfg.sparse_convert == 0 {
                return Err(self.exception("table", "excessively sparse array"));
            }
            return Ok(-1);
        }
        Ok(max)
    }

    /// Works through the open frames, writing elements and members in cjson's order.
    fn run(&mut self) -> mlua::Result<()> {
        while let Some(frame) = self.frames.last_mut() {
            match frame {
                Frame::Array {
                    next,
                    len,
                    depth,
                    top,
                } => {
                    if *next > *len {
                        self.out.push(b']');
                        self.frames.pop();
                        self.tables.close()?;
                        continue;
                    }
                    let (index, depth, top) = (*next, *depth, *top);
                    *next += 1;
                    if index > 1 {
                        self.out.push(b',');
                    }
                    let table = self.tables.current()?;
                    let mut element: Value = table.raw_get(index)?;
                    if matches!(element, Value::Integer(0)) {
                        element = Value::Number(table.raw_get::<f64>(index)?);
                    }
                    self.value(element, depth, top + 1)?;
                }
                Frame::Object {
                    members,
                    first,
                    depth,
                    top,
                } => {
                    let Some(member) = members.next() else {
                        self.out.push(b'}');
                        self.frames.pop();
                        self.tables.close()?;
                        continue;
                    };
                    if !*first {
                        self.out.push(b',');
                    }
                    *first = false;
                    let (depth, top) = (*depth, *top);
                    let key = match member.key {
                        MemberKey::String(bytes) => {
                            append_string(&mut self.out, &bytes);
                            self.out.push(b':');
                            Value::String(self.lua.create_string(&bytes)?)
                        }
                        MemberKey::Number(k) => {
                            self.out.push(b'"');
                            self.number(k)?;
                            self.out.extend_from_slice(b"\":");
                            Value::Number(k)
                        }
                        MemberKey::Invalid(name) => {
                            return Err(
                                self.exception(name, "table key must be a number or string")
                            );
                        }
                    };
                    let table_value = match member.value {
                        Scalar::Table => self.tables.current()?.raw_get(key)?,
                        _ => Value::Nil,
                    };
                    self.scalar(member.value, depth, top + 2, table_value)?;
                }
            }
        }
        Ok(())
    }
}

/// A table's members in `next()` order, as plain data.
fn collect_members(table: &Table) -> mlua::Result<Vec<Member>> {
    let mut members = Vec::new();
    for pair in table.pairs::<Value, Value>() {
        let (key, value) = pair?;
        let value = match value {
            Value::String(s) => Scalar::String(s.as_bytes().to_vec()),
            Value::Integer(0) => Scalar::Number(table.raw_get::<f64>(key.clone())?),
            Value::Integer(_) | Value::Number(_) => {
                Scalar::Number(number_of(&value).unwrap_or(0.0))
            }
            Value::Boolean(b) => Scalar::Boolean(b),
            Value::Nil => Scalar::Null,
            Value::LightUserData(p) if p.0.is_null() => Scalar::Null,
            Value::Table(_) => Scalar::Table,
            other => Scalar::Unsupported(type_name(Some(&other))),
        };
        let key = match key {
            Value::String(s) => MemberKey::String(s.as_bytes().to_vec()),
            Value::Integer(_) | Value::Number(_) => {
                MemberKey::Number(number_of(&key).unwrap_or(0.0))
            }
            other => MemberKey::Invalid(type_name(Some(&other))),
        };
        members.push(Member { key, value });
    }
    Ok(members)
}

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
enum Token {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    String(Vec<u8>),
    Number(f64),
    Boolean(bool),
    Null,
    Colon,
    Comma,
    End,
    Error(&'static str),
}

impl Token {
    /// What a parse error says was found (`json_token_type_name`, or the token error).
    fn found(&self) -> &'static str {
        match self {
            Token::ObjBegin => "T_OBJ_BEGIN",
            Token::ObjEnd => "T_OBJ_END",
            Token::ArrBegin => "T_ARR_BEGIN",
            Token::ArrEnd => "T_ARR_END",
            Token::String(_) => "T_STRING",
            Token::Number(_) => "T_NUMBER",
            Token::Boolean(_) => "T_BOOLEAN",
            Token::Null => "T_NULL",
            Token::Colon => "T_COLON",
            Token::Comma => "T_COMMA",
            Token::End => "T_END",
            Token::Error(what) => what,
        }
    }
}

/// An open container of the decoder: the table itself waits in the `Nest`.
enum Open {
    Array { next: i32 },
    Object { key: Vec<u8> },
}

struct Parser<'a, 'lua> {
    lua: &'lua Lua,
    cfg: Config,
    /// The JSON text up to its first NUL, which ends it for the C parser.
    data: &'a [u8],
    pos: usize,
    depth: i32,
    /// Stack slots the C parser would be using.
    top: usize,
}

fn decode(lua: &Lua, shared: &Shared, args: Args) -> mlua::Result<MultiValue> {
    if args.top() != 1 {
        return Err(args.arg_error(1, "expected 1 argument"));
    }
    let cfg = *lock(shared);
    let text = args.check_bytes(1)?;
    // Only the first two bytes are checked: enough to tell UTF-16/32 from UTF-8.
    if text.len() >= 2 && (text[0] == 0 || text[1] == 0) {
        return Err(lual_error(
            lua,
            "JSON parser does not support UTF-16 or UTF-32",
        ));
    }
    let mut parser = Parser {
        lua,
        cfg,
        data: c_str(&text),
        pos: 0,
        depth: 0,
        top: 1,
    };
    one(parser.parse()?)
}

impl Parser<'_, '_> {
    fn byte(&self, at: usize) -> u8 {
        self.data.get(at).copied().unwrap_or(0)
    }

    /// `json_next_token`: the next token and where it starts.
    fn next_token(&mut self) -> (Token, usize) {
        while matches!(self.byte(self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let start = self.pos;
        let ch = self.byte(start);
        let single = match ch {
            0 => return (Token::End, start),
            b'{' => Some(Token::ObjBegin),
            b'}' => Some(Token::ObjEnd),
            b'[' => Some(Token::ArrBegin),
            b']' => Some(Token::ArrEnd),
            b',' => Some(Token::Comma),
            b':' => Some(Token::Colon),
            _ => None,
        };
        if let Some(token) = single {
            self.pos += 1;
            return (token, start);
        }
        let rest = &self.data[start..];
        let token = match ch {
            b'"' => self.string_token(),
            b'-' | b'0'..=b'9' => {
                if self.cfg.decode_invalid_numbers == 0 && self.is_invalid_number() {
                    Token::Error("invalid number")
                } else {
                    self.number_token()
                }
            }
            b'f' | b'i' | b'I' | b'n' | b'N' | b't' | b'+' => {
                if rest.starts_with(b"true") {
                    self.pos += 4;
                    Token::Boolean(true)
                } else if rest.starts_with(b"false") {
                    self.pos += 5;
                    Token::Boolean(false)
                } else if rest.starts_with(b"null") {
                    self.pos += 4;
                    Token::Null
                } else if self.cfg.decode_invalid_numbers != 0 && self.is_invalid_number() {
                    self.number_token()
                } else {
                    Token::Error("invalid token")
                }
            }
            _ => Token::Error("invalid token"),
        };
        // A token error points at where the scanner stopped (`json_set_token_error`).
        let at = if matches!(token, Token::Error(_)) {
            self.pos
        } else {
            start
        };
        (token, at)
    }

    /// `json_is_invalid_number`: forms `strtod` takes but strict JSON does not.
    fn is_invalid_number(&self) -> bool {
        let mut p = self.pos;
        match self.byte(p) {
            b'+' => return true,
            b'-' => p += 1,
            _ => {}
        }
        let ch = self.byte(p);
        if ch == b'0' {
            let next = self.byte(p + 1);
            return next | 0x20 == b'x' || next.is_ascii_digit();
        }
        if ch <= b'9' {
            return false;
        }
        let rest = &self.data[p.min(self.data.len())..];
        rest.len() >= 3
            && (rest[..3].eq_ignore_ascii_case(b"inf") || rest[..3].eq_ignore_ascii_case(b"nan"))
    }

    fn number_token(&mut self) -> Token {
        match strtod(&self.data[self.pos..]) {
            Some((value, used)) => {
                self.pos += used;
                Token::Number(value)
            }
            None => Token::Error("invalid number"),
        }
    }

    /// `json_next_string_token`, the opening quote at `pos`.
    fn string_token(&mut self) -> Token {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let ch = self.byte(self.pos);
            match ch {
                b'"' => break,
                0 => return Token::Error("unexpected end of string"),
                b'\\' => {
                    let translated = match self.byte(self.pos + 1) {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b't' => b'\t',
                        b'n' => b'\n',
                        b'f' => 0x0c,
                        b'r' => b'\r',
                        b'u' => {
                            if self.unicode_escape(&mut out) {
                                continue;
                            }
                            return Token::Error("invalid unicode escape code");
                        }
                        _ => return Token::Error("invalid escape code"),
                    };
                    out.push(translated);
                    self.pos += 2;
                }
                _ => {
                    out.push(ch);
                    self.pos += 1;
                }
            }
        }
        self.pos += 1;
        Token::String(out)
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let mut value = 0;
        for i in 0..4 {
            value = value << 4 | (self.byte(at + i) as char).to_digit(16)?;
        }
        Some(value)
    }

    /// `json_append_unicode_escape`: `\uXXXX`, or a surrogate pair of them, as UTF-8.
    fn unicode_escape(&mut self, out: &mut Vec<u8>) -> bool {
        let Some(mut codepoint) = self.hex4(self.pos + 2) else {
            return false;
        };
        let mut escape_len = 6;
        if codepoint & 0xf800 == 0xd800 {
            // A surrogate: must be a high one, followed by an escaped low one.
            if codepoint & 0x400 != 0 {
                return false;
            }
            if self.byte(self.pos + 6) != b'\\' || self.byte(self.pos + 7) != b'u' {
                return false;
            }
            let Some(low) = self.hex4(self.pos + 8) else {
                return false;
            };
            if low & 0xfc00 != 0xdc00 {
                return false;
            }
            codepoint = (((codepoint & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
            escape_len = 12;
        }
        let mut buf = [0u8; 4];
        let len = match codepoint {
            0..=0x7f => {
                buf[0] = codepoint as u8;
                1
            }
            0x80..=0x7ff => {
                buf[0] = (codepoint >> 6) as u8 | 0xc0;
                buf[1] = (codepoint & 0x3f) as u8 | 0x80;
                2
            }
            0x800..=0xffff => {
                buf[0] = (codepoint >> 12) as u8 | 0xe0;
                buf[1] = ((codepoint >> 6) & 0x3f) as u8 | 0x80;
                buf[2] = (codepoint & 0x3f) as u8 | 0x80;
                3
            }
            _ => {
                buf[0] = (codepoint >> 18) as u8 | 0xf0;
                buf[1] = ((codepoint >> 12) & 0x3f) as u8 | 0x80;
                buf[2] = ((codepoint >> 6) & 0x3f) as u8 | 0x80;
                buf[3] = (codepoint & 0x3f) as u8 | 0x80;
                4
            }
        };
        out.extend_from_slice(&buf[..len]);
        self.pos += escape_len;
        true
    }

    /// `json_throw_parse_error`.
    fn parse_error(&self, expected: &str, token: &Token, at: usize) -> mlua::Error {
        let found = token.found();
        // The position goes through a C int.
        let at = (at as i64 + 1) as i32;
        lual_error(
            self.lua,
            format!("Expected {expected} but found {found} at character {at}"),
        )
    }

    /// `json_decode_descend`: the depth setting, or the stack slots the C code needs.
    fn descend(&mut self, slots: usize) -> mlua::Result<()> {
        self.depth += 1;
        if self.depth <= self.cfg.decode_max_depth && self.top + slots <= MAX_C_STACK {
            return Ok(());
        }
        let (depth, at) = (self.depth, self.pos as i32);
        Err(lual_error(
            self.lua,
            format!("Found too many nested data structures ({depth}) at character {at}"),
        ))
    }

    /// After an object's `{` or `,`: the key, its colon, and the token starting the value.
    fn member_key(&mut self, token: Token, at: usize) -> mlua::Result<(Vec<u8>, Token, usize)> {
        let Token::String(key) = token else {
            return Err(self.parse_error("object key string", &token, at));
        };
        let (colon, at) = self.next_token();
        if !matches!(colon, Token::Colon) {
            return Err(self.parse_error("colon", &colon, at));
        }
        let (token, at) = self.next_token();
        Ok((key, token, at))
    }

    /// The whole text: one value, then the end. Nested containers are kept on explicit
    /// stacks (`open` here, their tables in a `Nest`), so depth costs no Rust stack.
    fn parse(&mut self) -> mlua::Result<Value> {
        let lua = self.lua;
        let mut tables = Nest::new(lua);
        let mut open: Vec<Open> = Vec::new();
        let (mut token, mut at) = self.next_token();
        'value: loop {
            // `token` starts a value (`json_process_value`).
            let mut done = match token {
                Token::String(s) => Value::String(lua.create_string(&s)?),
                Token::Number(n) => Value::Number(n),
                Token::Boolean(b) => Value::Boolean(b),
                Token::Null => null(),
                Token::ObjBegin => {
                    self.descend(3)?;
                    tables.open(lua.create_table()?)?;
                    let (next, next_at) = self.next_token();
                    if matches!(next, Token::ObjEnd) {
                        self.depth -= 1;
                        Value::Table(tables.close()?)
                    } else {
                        let (key, value_token, value_at) = self.member_key(next, next_at)?;
                        open.push(Open::Object { key });
                        self.top += 2;
                        (token, at) = (value_token, value_at);
                        continue 'value;
                    }
                }
                Token::ArrBegin => {
                    self.descend(2)?;
                    tables.open(lua.create_table()?)?;
                    let (next, next_at) = self.next_token();
                    if matches!(next, Token::ArrEnd) {
                        self.depth -= 1;
                        Value::Table(tables.close()?)
                    } else {
                        open.push(Open::Array { next: 1 });
                        self.top += 1;
                        (token, at) = (next, next_at);
                        continue 'value;
                    }
                }
                other => return Err(self.parse_error("value", &other, at)),
            };
            // `done` is complete: store it in its container, or finish.
            loop {
                match open.last_mut() {
                    None => {
                        let (end, end_at) = self.next_token();
                        if !matches!(end, Token::End) {
                            return Err(self.parse_error("the end", &end, end_at));
                        }
                        return Ok(done);
                    }
                    Some(Open::Array { next }) => {
                        tables.current()?.raw_set(*next, done)?;
                        *next += 1;
                        let (after, after_at) = self.next_token();
                        match after {
                            Token::ArrEnd => {
                                open.pop();
                                self.top -= 1;
                                self.depth -= 1;
                                done = Value::Table(tables.close()?);
                            }
                            Token::Comma => {
                                (token, at) = self.next_token();
                                continue 'value;
                            }
                            other => {
                                return Err(self.parse_error(
                                    "comma or array end",
                                    &other,
                                    after_at,
                                ))
                            }
                        }
                    }
                    Some(Open::Object { key }) => {
                        let key_value = lua.create_string(&*key)?;
                        tables.current()?.raw_set(key_value, done)?;
                        let (after, after_at) = self.next_token();
                        match after {
                            Token::ObjEnd => {
                                open.pop();
                                self.top -= 2;
                                self.depth -= 1;
                                done = Value::Table(tables.close()?);
                            }
                            Token::Comma => {
                                let (next, next_at) = self.next_token();
                                let (new_key, value_token, value_at) =
                                    self.member_key(next, next_at)?;
                                *key = new_key;
                                (token, at) = (value_token, value_at);
                                continue 'value;
                            }
                            other => {
                                return Err(self.parse_error(
                                    "comma or object end",
                                    &other,
                                    after_at,
                                ))
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Expected values come from redis-server 7.0.15 (`EVAL body 0`).

    use crate::libs::test_support::check;

    #[test]
    fn encode_matches_redis() {
        check(&[
            (
                "return cjson.encode({1,2,{a=1}})",
                "[1,2,{\"a\":1}]",
            ),
            (
                "return cjson.encode('str')",
                "\"str\"",
            ),
            (
                "return cjson.encode(123)",
                "123",
            ),
            (
                "return cjson.encode(true) .. cjson.encode(false)",
                "truefalse",
            ),
            (
                "return cjson.encode(nil)",
                "null",
            ),
            (
                "return cjson.encode(cjson.null)",
                "null",
            ),
            (
                "return cjson.encode({})",
                "{}",
            ),
            (
                "return cjson.encode({{}, {{}}, {a={}}})",
                "[{},[{}],{\"a\":{}}]",
            ),
            (
                "return cjson.encode({a={b={c={1,2,3}}}})",
                "{\"a\":{\"b\":{\"c\":[1,2,3]}}}",
            ),
            (
                "return cjson.encode({a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8})",
                "{\"a\":1,\"h\":8,\"c\":3,\"b\":2,\"e\":5,\"d\":4,\"g\":7,\"f\":6}",
            ),
            (
                "return cjson.encode({name='x', tags={'a','b'}, n=1.5, ok=true, none=cjson.null})",
                "{\"ok\":true,\"name\":\"x\",\"tags\":[\"a\",\"b\"],\"none\":null,\"n\":1.5}",
            ),
            (
                "return cjson.encode({0.1, 1/3, 100, 1e14, 1e15, -1.5e-7, 2^53, 2^63, -2^63, 1e300, 5e-324})",
                "[0.1,0.33333333333333,100,1e+14,1e+15,-1.5e-07,9.007199254741e+15,9.2233720368548e+18,-9.2233720368548e+18,1e+300,4.9406564584125e-324]",
            ),
            (
                "return cjson.encode({123456789012345678, 0.000123456789012345, 12345.678901234567, 1e-5, 1e21})",
                "[1.2345678901235e+17,0.00012345678901234,12345.678901235,1e-05,1e+21]",
            ),
            (
                "return cjson.encode({-0.0, 0, -1})",
                "[-0,-0,-1]",
            ),
            (
                "return cjson.encode({1e-20, -2^-60, {v=1e-300}, {w=-0.0}})",
                "[1e-20,-8.673617379884e-19,{\"v\":1e-300},{\"w\":-0}]",
            ),
            (
                "return tostring(cjson.decode('1e-20')) .. ' ' .. cjson.encode(cjson.decode('[-1e-300]'))",
                "1e-20 [-1e-300]",
            ),
            (
                "return cjson.encode(3.14159265358979)",
                "3.1415926535898",
            ),
            (
                "return cjson.encode(math.huge)",
                "ERR user_script:1: Cannot serialise number: must not be NaN or Inf",
            ),
            (
                "return cjson.encode(-math.huge)",
                "ERR user_script:1: Cannot serialise number: must not be NaN or Inf",
            ),
            (
                "return cjson.encode({0/0})",
                "ERR user_script:1: Cannot serialise number: must not be NaN or Inf",
            ),
            (
                "return cjson.encode({[math.huge]=1})",
                "ERR user_script:1: Cannot serialise number: must not be NaN or Inf",
            ),
            (
                "return cjson.encode({[1.5]=1, [-2]=2})",
                "{\"1.5\":1,\"-2\":2}",
            ),
            (
                "return cjson.encode({[0]='zero'})",
                "{\"0\":\"zero\"}",
            ),
            (
                "return cjson.encode({[-1]='neg'})",
                "{\"-1\":\"neg\"}",
            ),
            (
                "return cjson.encode({[1]=1, [3]=3})",
                "[1,null,3]",
            ),
            (
                "return cjson.encode({1, nil, 3})",
                "[1,null,3]",
            ),
            (
                "return cjson.encode({[1]=1, [2]=2, [4]=4})",
                "[1,2,null,4]",
            ),
            (
                "return cjson.encode({[10]=1})",
                "[null,null,null,null,null,null,null,null,null,1]",
            ),
            (
                "return cjson.encode({[11]=1})",
                "ERR user_script:1: Cannot serialise table: excessively sparse array",
            ),
            (
                "return cjson.encode({[1]=1, [20]=2})",
                "ERR user_script:1: Cannot serialise table: excessively sparse array",
            ),
            (
                "return cjson.encode({[1]=1, [2]=2, x=3})",
                "{\"1\":1,\"2\":2,\"x\":3}",
            ),
            (
                "return cjson.encode({[1e300]=1})",
                "{\"1e+300\":1}",
            ),
            (
                "return cjson.encode({[2^31]=1})",
                "{\"2147483648\":1}",
            ),
            (
                "return cjson.encode({[2^31]=1, [1]=2})",
                "[2]",
            ),
            (
                "return cjson.encode({[2^33+3]=1})",
                "{\"8589934595\":1}",
            ),
            (
                "return cjson.encode({['1']=1, [2]=2})",
                "{\"1\":1,\"2\":2}",
            ),
            (
                "return hex(cjson.encode(string.char(0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,127)))",
                "225c75303030305c75303030315c75303030325c75303030335c75303030345c75303030355c75303030365c75303030375c625c745c6e5c75303030625c665c725c75303030655c75303030665c75303031305c75303031315c75303031325c75303031335c75303031345c75303031355c75303031365c75303031375c75303031385c75303031395c75303031615c75303031625c75303031635c75303031645c75303031655c7530303166205c753030376622",
            ),
            (
                "return cjson.encode('a/b\"c\\\\d')",
                "\"a\\/b\\\"c\\\\d\"",
            ),
            (
                "return hex(cjson.encode('\\128\\255\\195\\169'))",
                "2280ffc3a922",
            ),
            (
                "return cjson.encode({['k\\n']='v\\t'})",
                "{\"k\\n\":\"v\\t\"}",
            ),
            (
                "return cjson.encode(string.rep('x', 40))",
                "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
            ),
            (
                "return cjson.encode({string.rep('long key ', 2)})",
                "[\"long key long key \"]",
            ),
            (
                "local t = {} for i = 1, 300 do t[i] = i * 1.5 end local s = cjson.encode(t) return #s .. ' ' .. s:sub(1, 40)",
                "1429 [1.5,3,4.5,6,7.5,9,10.5,12,13.5,15,16.5,",
            ),
            (
                "local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end return #cjson.encode(t)",
                "2000",
            ),
            (
                "local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end return cjson.encode(t)",
                "ERR user_script:1: Cannot serialise, excessive nesting (1001)",
            ),
            (
                "local t = {} local c = t for i = 1, 1000 do c.k = {} c = c.k end return cjson.encode(t)",
                "ERR user_script:1: Cannot serialise, excessive nesting (1001)",
            ),
            (
                "return cjson.encode({f=function() end})",
                "ERR user_script:1: Cannot serialise function: type not supported",
            ),
            (
                "return cjson.encode(tostring)",
                "ERR user_script:1: Cannot serialise function: type not supported",
            ),
            (
                "return cjson.encode(coroutine.create(function() end))",
                "ERR user_script:1: Cannot serialise thread: type not supported",
            ),
            (
                "return cjson.encode({[true]=1})",
                "ERR user_script:1: Cannot serialise boolean: table key must be a number or string",
            ),
            (
                "return cjson.encode({[{}]=1})",
                "ERR user_script:1: Cannot serialise table: table key must be a number or string",
            ),
            (
                "return cjson.encode({x=1, [false]=2})",
                "ERR user_script:1: Cannot serialise boolean: table key must be a number or string",
            ),
            (
                "return cjson.encode()",
                "ERR user_script:1: bad argument #1 to 'encode' (expected 1 argument)",
            ),
            (
                "return cjson.encode(1, 2)",
                "ERR user_script:1: bad argument #1 to 'encode' (expected 1 argument)",
            ),
            (
                "return cjson:encode(1)",
                "ERR user_script:1: calling 'encode' on bad self (expected 1 argument)",
            ),
            (
                "local e = cjson.encode return e()",
                "ERR user_script:1: bad argument #1 to 'e' (expected 1 argument)",
            ),
            (
                "return errmsg(select(2, pcall(cjson.encode)))",
                "bad argument #1 to '?' (expected 1 argument)",
            ),
            (
                "local ok, e = pcall(cjson.encode, {tostring}) return errmsg(e)",
                "Cannot serialise function: type not supported",
            ),
        ]);
    }

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

    #[test]
    fn decode_matches_redis() {
        check(&[
            (
                "return cjson.encode(cjson.decode('[1,2,3]'))",
                "[1,2,3]",
            ),
            (
                "return cjson.encode(cjson.decode(' { \"a\" : [ true , false , null ] } '))",
                "{\"a\":[true,false,null]}",
            ),
            (
                "return cjson.encode(cjson.decode('{\"a\":{\"b\":{\"c\":[1,{\"d\":[]}]}}}'))",
                "{\"a\":{\"b\":{\"c\":[1,{\"d\":{}}]}}}",
            ),
            (
                "return cjson.encode(cjson.decode('{}')) .. cjson.encode(cjson.decode('[]'))",
                "{}{}",
            ),
            (
                "return cjson.decode('\"hi\"')",
                "hi",
            ),
            (
                "return tostring(cjson.decode('true'))",
                "true",
            ),
            (
                "return tostring(cjson.decode('null') == cjson.null)",
                "true",
            ),
            (
                "local t = cjson.decode('[null, 1]') return tostring(t[1] == cjson.null) .. #t",
                "true2",
            ),
            (
                "local t = cjson.decode('{\"a\":null}') return tostring(t.a == cjson.null)",
                "true",
            ),
            (
                "local t = cjson.decode('{\"a\":1,\"a\":2}') return tostring(t.a)",
                "2",
            ),
            (
                "local out = {} for _, s in ipairs({'1e5', '-0', '0x10', '+1', 'inf', '-Infinity', 'nan', '-nan', 'NaN', '1.5E+3', '01', '1.', '9007199254740993', '1e400', '-1e-400', '0x1p4', '0X.8', '123456789012345678901234567890', '2.2250738585072014e-308', '4.9e-324'}) do out[#out + 1] = tostring(cjson.decode(s)) end return table.concat(out, ' ')",
                "100000 -0 16 1 inf -inf nan -nan nan 1500 1 1 9.007199254741e+15 inf -0 16 0.5 1.2345678901235e+29 2.2250738585072e-308 4.9406564584125e-324",
            ),
            (
                "return tostring(cjson.decode('nan(123)'))",
                "nan",
            ),
            (
                "return hex(struct.pack('>d', cjson.decode('nan(0x123)')))",
                "7ff8000000000123",
            ),
            (
                "return hex(struct.pack('>d', cjson.decode('-nan')))",
                "fff8000000000000",
            ),
            (
                "return cjson.decode('.5')",
                "ERR user_script:1: Expected value but found invalid token at character 1",
            ),
            (
                "return cjson.decode('1e')",
                "ERR user_script:1: Expected the end but found invalid token at character 2",
            ),
            (
                "return cjson.decode('-')",
                "ERR user_script:1: Expected value but found invalid number at character 1",
            ),
            (
                "return cjson.decode('- 1')",
                "ERR user_script:1: Expected value but found invalid number at character 1",
            ),
            (
                "return cjson.decode('0x')",
                "ERR user_script:1: Expected the end but found invalid token at character 2",
            ),
            (
                "return cjson.decode('infinit')",
                "ERR user_script:1: Expected the end but found invalid token at character 4",
            ),
            (
                "return cjson.decode('+')",
                "ERR user_script:1: Expected value but found invalid number at character 1",
            ),
            (
                "return cjson.decode('\"\\\\n\\\\t\\\\\"\\\\\\\\\\\\/\\\\b\\\\f\\\\r\"') == '\\n\\t\"\\\\/\\b\\f\\r' and 'same' or 'different'",
                "same",
            ),
            (
                "return hex(cjson.decode('\"\\\\u0041\\\\u00e9\\\\u20ac\\\\ud83d\\\\ude00\\\\u0000\"'))",
                "41c3a9e282acf09f988000",
            ),
            (
                "return hex(cjson.decode('\"\\\\uD83D\\\\uDE00\\\\uFFFF\"'))",
                "f09f9880efbfbf",
            ),
            (
                "return cjson.decode('\"\\\\x\"')",
                "ERR user_script:1: Expected value but found invalid escape code at character 2",
            ),
            (
                "return cjson.decode('\"ab\\\\u12\"')",
                "ERR user_script:1: Expected value but found invalid unicode escape code at character 4",
            ),
            (
                "return cjson.decode('\"\\\\udc00\"')",
                "ERR user_script:1: Expected value but found invalid unicode escape code at character 2",
            ),
            (
                "return cjson.decode('\"\\\\ud800\"')",
                "ERR user_script:1: Expected value but found invalid unicode escape code at character 2",
            ),
            (
                "return cjson.decode('\"\\\\ud800\\\\u0041\"')",
                "ERR user_script:1: Expected value but found invalid unicode escape code at character 2",
            ),
            (
                "return cjson.decode('\"\\\\ud800x\"')",
                "ERR user_script:1: Expected value but found invalid unicode escape code at character 2",
            ),
            (
                "return cjson.decode('\"\\\\uzzzz\"')",
                "ERR user_script:1: Expected value but found invalid unicode escape code at character 2",
            ),
            (
                "return cjson.decode('\"abc')",
                "ERR user_script:1: Expected value but found unexpected end of string at character 5",
            ),
            (
                "return cjson.decode('\"abc\\\\')",
                "ERR user_script:1: Expected value but found invalid escape code at character 5",
            ),
            (
                "return hex(cjson.decode('\"a\\tb\\1\\255\"'))",
                "61096201ff",
            ),
            (
                "return cjson.decode('')",
                "ERR user_script:1: Expected value but found T_END at character 1",
            ),
            (
                "return cjson.decode('   ')",
                "ERR user_script:1: Expected value but found T_END at character 4",
            ),
            (
                "return cjson.decode('[1,]')",
                "ERR user_script:1: Expected value but found T_ARR_END at character 4",
            ),
            (
                "return cjson.decode('{\"a\":1,}')",
                "ERR user_script:1: Expected object key string but found T_OBJ_END at character 8",
            ),
            (
                "return cjson.decode('{\"a\" 1}')",
                "ERR user_script:1: Expected colon but found T_NUMBER at character 6",
            ),
            (
                "return cjson.decode('{1:2}')",
                "ERR user_script:1: Expected object key string but found T_NUMBER at character 2",
            ),
            (
                "return cjson.decode('[1 2]')",
                "ERR user_script:1: Expected comma or array end but found T_NUMBER at character 4",
            ),
            (
                "return cjson.decode('{\"a\":1 \"b\":2}')",
                "ERR user_script:1: Expected comma or object end but found T_STRING at character 8",
            ),
            (
                "return cjson.decode('[1] x')",
                "ERR user_script:1: Expected the end but found invalid token at character 5",
            ),
            (
                "return cjson.decode('[1]]')",
                "ERR user_script:1: Expected the end but found T_ARR_END at character 4",
            ),
            (
                "return cjson.decode('tru')",
                "ERR user_script:1: Expected value but found invalid token at character 1",
            ),
            (
                "return cjson.decode('nul')",
                "ERR user_script:1: Expected value but found invalid token at character 1",
            ),
            (
                "return cjson.decode('falsey')",
                "ERR user_script:1: Expected the end but found invalid token at character 6",
            ),
            (
                "return cjson.decode('[')",
                "ERR user_script:1: Expected value but found T_END at character 2",
            ),
            (
                "return cjson.decode('{')",
                "ERR user_script:1: Expected object key string but found T_END at character 2",
            ),
            (
                "return cjson.decode('{\"a\"')",
                "ERR user_script:1: Expected colon but found T_END at character 5",
            ),
            (
                "return cjson.decode(':')",
                "ERR user_script:1: Expected value but found T_COLON at character 1",
            ),
            (
                "return cjson.decode('@')",
                "ERR user_script:1: Expected value but found invalid token at character 1",
            ),
            (
                "return cjson.decode('\\0abc')",
                "ERR user_script:1: JSON parser does not support UTF-16 or UTF-32",
            ),
            (
                "return cjson.decode('1\\0')",
                "ERR user_script:1: JSON parser does not support UTF-16 or UTF-32",
            ),
            (
                "return tostring(cjson.decode('12\\0junk'))",
                "12",
            ),
            (
                "return cjson.encode(cjson.decode('[1]\\0garbage'))",
                "[1]",
            ),
            (
                "return cjson.decode('\"a\\0b\"')",
                "ERR user_script:1: Expected value but found unexpected end of string at character 3",
            ),
            (
                "return cjson.decode()",
                "ERR user_script:1: bad argument #1 to 'decode' (expected 1 argument)",
            ),
            (
                "return cjson.decode(nil)",
                "ERR user_script:1: bad argument #1 to 'decode' (string expected, got nil)",
            ),
            (
                "return cjson.decode({})",
                "ERR user_script:1: bad argument #1 to 'decode' (string expected, got table)",
            ),
            (
                "return tostring(cjson.decode(123))",
                "123",
            ),
            (
                "return cjson.decode('1', '2')",
                "ERR user_script:1: bad argument #1 to 'decode' (expected 1 argument)",
            ),
            (
                "return #cjson.encode(cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000)))",
                "2000",
            ),
            (
                "return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))",
                "ERR user_script:1: Found too many nested data structures (1001) at character 1001",
            ),
            (
                "return cjson.decode(string.rep('{\"a\":', 1001) .. '1' .. string.rep('}', 1001))",
                "ERR user_script:1: Found too many nested data structures (1001) at character 5001",
            ),
            (
                "return #cjson.encode(cjson.decode('[' .. string.rep('{\"a\":', 999) .. '1' .. string.rep('}', 999) .. ']'))",
                "5997",
            ),
            (
                "local t = cjson.decode('[' .. string.rep('\"x\",', 9999) .. '\"y\"]') return #t .. t[10000]",
                "10000y",
            ),
            (
                "local t = cjson.decode('{\"b\":1,\"a\":2,\"c\":3,\"d\":4,\"e\":5}') return cjson.encode(t)",
                "{\"a\":2,\"c\":3,\"b\":1,\"e\":5,\"d\":4}",
            ),
            (
                "return cjson.encode(cjson.decode('{\"k\":[1,2,{\"x\":\"y\"}],\"n\":-0.0,\"e\":1E2}'))",
                "{\"e\":100,\"k\":[1,2,{\"x\":\"y\"}],\"n\":-0}",
            ),
            (
                "local ok, e = pcall(cjson.decode, '{') return errmsg(e)",
                "Expected object key string but found T_END at character 2",
            ),
            (
                "return errmsg(select(2, pcall(cjson.decode, '[')))",
                "Expected value but found T_END at character 2",
            ),
            (
                "local x = 1\nreturn cjson.decode('[1,')",
                "ERR user_script:2: Expected value but found T_END at character 4",
            ),
        ]);
    }
}
