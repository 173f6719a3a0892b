//! The C libraries Redis 7.0 loads into its Lua 5.1 scripting environment, rewritten in
//! Rust to behave byte for byte like Redis 7.0.15's copies: `cjson` (lua-cjson 2.1.0),
//! `cmsgpack` (lua-cmsgpack 0.4.0), `bit` (LuaBitOp) and `struct` (Roberto's struct.c).
//!
//! "Like Redis" covers the odd corners too: number formatting through glibc's `%.14g`,
//! `strtod`'s hexadecimal and `nan(...)` forms, what x86 makes of out-of-range C casts,
//! the `LUAI_MAXCSTACK` limit the C code runs into, and error messages worded and
//! positioned exactly like `luaL_error` ("user_script:1: ...") and `luaL_argerror`
//! ("bad argument #1 to 'band' (number expected, got string)"), naming the function the
//! way the calling script did.
//!
//! # Errors
//! mlua turns an error returned by a Rust callback into a Lua error whose value is an mlua
//! userdata, not a string. The libraries raise [`LibError`], which carries the exact bytes
//! the C library's error string would have; [`error_message`] digs them out of an
//! `mlua::Error`, so the host can render the EVAL error reply, or give `pcall` the string
//! a script expects.
//!
//! # Where kvdb cannot match Redis
//! - mlua hands a Lua number to Rust as an integer when it is within 2^-52 of one, so a
//!   call argument that is `-0` or strictly between -2^-52 and 2^-52 arrives as `0`:
//!   `cjson.encode(-0.0)` gives `0` (Redis `-0`), `cmsgpack.pack(1e-20)` packs integer 0,
//!   `struct.pack('d', -0.0)` packs +0. Such numbers inside tables are read again exactly;
//!   as table *keys* they stay 0.
//! - A C function may return up to `LUAI_MAXCSTACK` values; an mlua callback somewhat
//!   fewer, so `cmsgpack.unpack*` and `struct.unpack` raise their C stack-overflow error
//!   about 30 values (of ~8000) earlier than Redis.
//! - Not these libraries but the Lua VM: Redis's Lua hashes every byte of a string, stock
//!   Lua 5.1 (mlua's) only some bytes of strings of 32 bytes or more, so tables with such
//!   keys iterate in another order, and `cjson.encode` / `cmsgpack.pack` write their
//!   members in another order.
//!
//! # Layout
//! - `cjson.rs` (with `cjson/encode.rs`, `cjson/decode.rs`), `cmsgpack.rs`, `bit.rs`,
//!   `structlib.rs`: one library each, with its cases from redis-server as unit tests.
//! - `lua_api.rs`: Lua 5.1 C-API behaviour (argument checks, error positions, stack limit).
//! - `numconv.rs`: `%.14g`, `strtod` and C casts as glibc on x86-64 does them.

mod bit;
mod cjson;
mod cmsgpack;
mod lua_api;
mod numconv;
mod structlib;

use std::fmt;
use std::sync::Arc;

use mlua::Lua;

/// Creates the four libraries and sets them as the globals `cjson`, `struct`, `cmsgpack`
/// and `bit` (Redis's loading order).
pub fn open_all(lua: &Lua) -> mlua::Result<()> {
    let globals = lua.globals();
    globals.set("cjson", cjson::module(lua)?)?;
    globals.set("struct", structlib::module(lua)?)?;
    globals.set("cmsgpack", cmsgpack::module(lua)?)?;
    globals.set("bit", bit::module(lua)?)?;
    Ok(())
}

/// An error raised by one of these libraries: the exact message (bytes, as a Lua string)
/// the C library would have raised, position prefix included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibError {
    message: Vec<u8>,
}

impl LibError {
    fn new(message: Vec<u8>) -> Self {
        LibError { message }
    }

    /// The error value's bytes, as a script catching it with `pcall` sees them in Redis.
    pub fn message(&self) -> &[u8] {
        &self.message
    }
}

impl fmt::Display for LibError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.message))
    }
}

impl std::error::Error for LibError {}

impl From<LibError> for mlua::Error {
    fn from(error: LibError) -> Self {
        mlua::Error::ExternalError(Arc::new(error))
    }
}

/// The message of a [`LibError`] inside `error`, however mlua wrapped it on the way out
/// (callback and context layers); `None` for other errors.
pub fn error_message(error: &mlua::Error) -> Option<&[u8]> {
    match error {
        mlua::Error::ExternalError(inner) => {
            inner.downcast_ref::<LibError>().map(LibError::message)
        }
        mlua::Error::CallbackError { cause, .. } => error_message(cause),
        mlua::Error::WithContext { cause, .. } => error_message(cause),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Running snippets the way Redis runs a script body, for the libraries' tests.

    use mlua::{Lua, Value};

    /// A fresh Lua state with the libraries, and a global `errmsg(e)` that turns an error
    /// caught by `pcall` into its message string (what Redis's `pcall` returns).
    pub(crate) fn lua() -> Lua {
        let lua = Lua::new();
        super::open_all(&lua).expect("open libraries");
        let errmsg = lua
            .create_function(|lua, value: Value| match value {
                Value::Error(err) => match super::error_message(&err) {
                    Some(msg) => Ok(Value::String(lua.create_string(msg)?)),
                    None => Ok(Value::String(lua.create_string(err.to_string())?)),
                },
                other => Ok(other),
            })
            .expect("errmsg");
        lua.globals().set("errmsg", errmsg).expect("set errmsg");
        lua
    }

    /// Runs `body` as a chunk named like Redis's (`@user_script`) and returns what it
    /// returns as a string (its error message if it fails). Bodies return strings.
    pub(crate) fn run(lua: &Lua, body: &str) -> String {
        match lua
            .load(body)
            .set_name("@user_script")
            .eval::<mlua::String>()
        {
            Ok(s) => String::from_utf8_lossy(&s.as_bytes()).into_owned(),
            Err(err) => match super::error_message(&err) {
                Some(msg) => format!("ERR {}", String::from_utf8_lossy(msg)),
                None => format!("LUA {err}"),
            },
        }
    }

    /// Asserts each `(body, expected)`; `expected` was taken from redis-server 7.0.15 with
    /// `EVAL "<HEX>body" 0` (a failed script as "ERR " and its message without Redis's
    /// " script: ..." suffix).
    pub(crate) fn check(cases: &[(&str, &str)]) {
        let lua = lua();
        let mut failures = Vec::new();
        for (body, expected) in cases {
            let got = run(&lua, &format!("{HEX}{body}"));
            if got != *expected {
                failures.push(format!("{body}\n   want: {expected:?}\n    got: {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// A helper every test body gets in front (on its first line), to show binary
    /// results as hex.
    pub(crate) const HEX: &str = "local function hex(s) return (s:gsub('.', function(c) \
                                  return string.format('%02x', c:byte()) end)) end ";
}

#[cfg(test)]
mod tests {
    use super::{error_message, test_support};

    #[test]
    fn open_all_sets_the_four_globals() {
        let lua = test_support::lua();
        let types = test_support::run(
            &lua,
            "return type(cjson) .. type(struct) .. type(cmsgpack) .. type(bit) \
             .. type(cjson.encode) .. type(struct.pack) .. type(cmsgpack.pack) .. type(bit.band)",
        );
        assert_eq!(
            types,
            "tabletabletabletablefunctionfunctionfunctionfunction"
        );
    }

    #[test]
    fn error_message_finds_the_library_message_inside_mlua_errors() {
        let lua = test_support::lua();
        let err = lua
            .load("local x = 1\nreturn cjson.decode('[')")
            .set_name("@user_script")
            .exec()
            .expect_err("bad JSON");
        assert_eq!(
            error_message(&err),
            Some(&b"user_script:2: Expected value but found T_END at character 2"[..])
        );
        let other = lua.load("error('plain')").exec().expect_err("plain error");
        assert_eq!(error_message(&other), None);
    }

    /// Not Redis's behaviour but the nearest mlua allows: Redis returns up to 7999 values
    /// here; kvdb raises the same C error about 30 values earlier instead of failing with
    /// mlua's own "out of Lua stack" error (see `lua_api::max_results`).
    #[test]
    fn too_many_results_raise_the_c_stack_overflow_error() {
        let lua = test_support::lua();
        let unpack = test_support::run(&lua, "return cmsgpack.unpack(string.rep('\\1', 7990))");
        assert_eq!(
            unpack,
            "ERR user_script:1: stack overflow (too many return values at once; \
             use unpack_one or unpack_limit instead.)"
        );
        let limit = test_support::run(
            &lua,
            "return cmsgpack.unpack_limit(string.rep('\\1', 7990), 8000)",
        );
        assert_eq!(
            limit,
            "ERR user_script:1: stack overflow (in function mp_unpack_full)"
        );
        let fields = test_support::run(
            &lua,
            "return struct.unpack(string.rep('b', 7990), string.rep('x', 7990))",
        );
        assert_eq!(
            fields,
            "ERR user_script:1: stack overflow (too many results)"
        );
    }
}
