//! `cjson.decode`: JSON text to Lua values, nested containers on explicit stacks.

use mlua::{Lua, MultiValue, Value};

use super::{lock, null, one, Config, Shared};
use crate::libs::lua_api::{lual_error, Args, Nest, MAX_C_STACK};
use crate::libs::numconv::{c_str, strtod};

/// A token of the JSON text (`json_token_t`).
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

/// `json_parse_t`: the text, where the scanner is, and the nesting so far.
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

/// `cjson.decode(text)`.
pub(super) fn decode(lua: &Lua, shared: &Shared, args: Args) -> mlua::Result<MultiValue> {
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
mod scale_tests {
    use crate::libs::test_support;

    /// Each number is read where it stands: a long text of numbers decodes in linear time
    /// (a scan to the text's end per number once made this take minutes).
    #[test]
    fn long_texts_of_numbers_decode_in_linear_time() {
        let lua = test_support::lua();
        let body = "local parts = {} for i = 1, 50000 do parts[i] = i * 0.5 end \
                    local t = cjson.decode('[' .. table.concat(parts, ',') .. ']') \
                    return #t .. ' ' .. t[50000]";
        assert_eq!(test_support::run(&lua, body), "50000 25000");
    }
}

#[cfg(test)]
mod tests {
    //! Expected values come from redis-server 7.0.15 (`EVAL body 0`).

    use crate::libs::test_support::check;

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
