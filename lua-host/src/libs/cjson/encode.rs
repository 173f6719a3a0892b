//! `cjson.encode`: Lua values to JSON text, walking nested tables on explicit stacks.

use mlua::{Lua, MultiValue, Table, Value};

use super::{lock, one, Config, Shared};
use crate::libs::lua_api::{lual_error, number_of, type_name, Args, Nest, MAX_C_STACK};
use crate::libs::numconv::{cast_i32, format_g};

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

/// An object member collected ahead of encoding, holding no Lua references (a deep or
/// wide table must not pin one mlua reference per member).
struct Member {
    key: MemberKey,
    value: MemberValue,
}

enum MemberKey {
    String(Vec<u8>),
    Number(f64),
    /// A key of another type: an error once encoding reaches it.
    Invalid(&'static str),
}

enum MemberValue {
    /// Looked up again by its key when encoding reaches it.
    Table,
    Scalar(Scalar),
}

/// A non-table value as the encoder needs it.
enum Scalar {
    String(Vec<u8>),
    Number(f64),
    Boolean(bool),
    Null,
    Unsupported(&'static str),
}

/// A table being written: an array by index, or an object by its collected members.
/// `depth` is its nesting level, `top` the C stack slots in use with it on top.
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

/// `json_append_data` and friends, with the recursion turned into `frames`.
struct Encoder<'lua> {
    lua: &'lua Lua,
    cfg: Config,
    out: Vec<u8>,
    frames: Vec<Frame>,
    tables: Nest<'lua>,
}

/// `cjson.encode(value)`.
pub(super) fn encode(lua: &Lua, shared: &Shared, mut args: Args) -> mlua::Result<MultiValue> {
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

    /// `json_append_number`: `%.<precision>g`, with NaN and infinities as configured.
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

    /// A member's value other than a table.
    fn scalar(&mut self, value: Scalar) -> mlua::Result<()> {
        match value {
            Scalar::String(bytes) => append_string(&mut self.out, &bytes),
            Scalar::Number(x) => self.number(x)?,
            Scalar::Boolean(b) => self
                .out
                .extend_from_slice(if b { b"true" } else { b"false" }),
            Scalar::Null => self.out.extend_from_slice(b"null"),
            Scalar::Unsupported(name) => return Err(self.exception(name, "type not supported")),
        }
        Ok(())
    }

    /// Opens a table at nesting `depth`: checks the depth, picks array or object.
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
                    // mlua turns -0 and tiny numbers into integer 0: read the double itself.
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
                    match &member.key {
                        MemberKey::String(bytes) => {
                            append_string(&mut self.out, bytes);
                            self.out.push(b':');
                        }
                        MemberKey::Number(k) => {
                            self.out.push(b'"');
                            self.number(*k)?;
                            self.out.extend_from_slice(b"\":");
                        }
                        MemberKey::Invalid(name) => {
                            return Err(
                                self.exception(name, "table key must be a number or string")
                            );
                        }
                    }
                    match member.value {
                        MemberValue::Scalar(scalar) => self.scalar(scalar)?,
                        MemberValue::Table => {
                            let key = match member.key {
                                MemberKey::String(bytes) => {
                                    Value::String(self.lua.create_string(bytes)?)
                                }
                                MemberKey::Number(k) => Value::Number(k),
                                MemberKey::Invalid(_) => Value::Nil,
                            };
                            let nested = self.tables.current()?.raw_get(key)?;
                            // The C stack holds the key and the value below the table.
                            self.value(nested, depth, top + 2)?;
                        }
                    }
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
        let scalar = match value {
            Value::Table(_) => None,
            Value::String(s) => Some(Scalar::String(s.as_bytes().to_vec())),
            // mlua turns -0 and tiny numbers into integer 0: read the double itself.
            Value::Integer(0) => Some(Scalar::Number(table.raw_get::<f64>(key.clone())?)),
            Value::Integer(_) | Value::Number(_) => {
                Some(Scalar::Number(number_of(&value).unwrap_or(0.0)))
            }
            Value::Boolean(b) => Some(Scalar::Boolean(b)),
            Value::Nil => Some(Scalar::Null),
            Value::LightUserData(p) if p.0.is_null() => Some(Scalar::Null),
            other => Some(Scalar::Unsupported(type_name(Some(&other)))),
        };
        let value = scalar.map_or(MemberValue::Table, MemberValue::Scalar);
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
}
