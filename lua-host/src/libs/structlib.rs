//! `struct`: Roberto Ierusalimschy's struct library (v1.7) as Redis 7.0 ships it
//! (`deps/lua/src/lua_struct.c`), with the sizes of x86-64 Linux.
//!
//! Format characters: `>` big endian, `<` little endian (the default, native), `!n` align
//! to `n` (a power of two; 8 without `n`), `x` a pad byte, `b`/`B` `h`/`H` `l`/`L` signed
//! and unsigned 1-, 2- and 8-byte integers, `T` size_t, `i`/`I`[n] integers of `n` bytes
//! (default 4, at most 32; above 8 the C code works on 64 bits and pads with zeros),
//! `f`/`d` float and double, `c`[n] `n` characters (`c0`: the whole string when packing,
//! a length read just before when unpacking), `s` a zero-terminated string, space ignored.
//! The format is read as a C string (a NUL ends it). There is no `=`.

use mlua::{Lua, MultiValue, Table, Value};

use super::lua_api::{lual_error, max_results, stack_overflow, to_number, Args, MAX_C_STACK};
use super::numconv::{c_str, cast_i64, cast_u64};

/// `MAXINTSIZE`: the largest `i`/`I` size.
const MAX_INT_SIZE: i32 = 32;

/// `MAXALIGN` on x86-64: what `!` without a number aligns to.
const MAX_ALIGN: i32 = 8;

type Handler = fn(&Args) -> mlua::Result<MultiValue>;

/// The module table, presized and filled like `luaL_register` does.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Table> {
    let functions: [(&str, Handler); 3] = [("pack", pack), ("unpack", unpack), ("size", size)];
    let table = lua.create_table_with_capacity(0, functions.len())?;
    for (name, handler) in functions {
        let function =
            lua.create_function(move |lua, args: MultiValue| handler(&Args::new(lua, args)))?;
        table.set(name, function)?;
    }
    Ok(table)
}

/// Byte order and alignment in effect while reading a format.
struct Header {
    big_endian: bool,
    align: usize,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            big_endian: false,
            align: 1,
        }
    }
}

/// A format string being read, option by option.
struct Format<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Format<'_> {
    fn next_option(&mut self) -> Option<u8> {
        let opt = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(opt)
    }

    /// `getnum`: a decimal count, or `default` when no digit follows.
    fn number(&mut self, lua: &Lua, default: i32) -> mlua::Result<i32> {
        if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Ok(default);
        }
        let mut a: i32 = 0;
        while let Some(&d) = self.bytes.get(self.pos).filter(|b| b.is_ascii_digit()) {
            let d = i32::from(d - b'0');
            if a > i32::MAX / 10 || a * 10 > i32::MAX - d {
                return Err(lual_error(lua, "integral size overflow"));
            }
            a = a * 10 + d;
            self.pos += 1;
        }
        Ok(a)
    }

    /// `optsize`: the size of option `opt` (0 for those without one), reading its count.
    fn size(&mut self, lua: &Lua, opt: u8) -> mlua::Result<usize> {
        Ok(match opt {
            b'B' | b'b' | b'x' => 1,
            b'H' | b'h' => 2,
            b'L' | b'l' | b'T' | b'd' => 8,
            b'f' => 4,
            b'c' => self.number(lua, 1)? as usize,
            b'i' | b'I' => {
                let size = self.number(lua, 4)?;
                if size > MAX_INT_SIZE {
                    return Err(lual_error(
                        lua,
                        format!("integral size {size} is larger than limit of {MAX_INT_SIZE}"),
                    ));
                }
                size as usize
            }
            _ => 0,
        })
    }

    /// `controloptions`: endianness, alignment and spaces; anything else is invalid.
    fn control(&mut self, args: &Args, opt: u8, header: &mut Header) -> mlua::Result<()> {
        match opt {
            b' ' => {}
            b'>' => header.big_endian = true,
            b'<' => header.big_endian = false,
            b'!' => {
                let align = self.number(args.lua(), MAX_ALIGN)?;
                if !(align > 0 && align & (align - 1) == 0) {
                    return Err(lual_error(
                        args.lua(),
                        format!("alignment {align} is not a power of 2"),
                    ));
                }
                header.align = align as usize;
            }
            _ => {
                let mut message = b"invalid format option '".to_vec();
                message.push(opt);
                message.push(b'\'');
                return Err(args.arg_error(1, message));
            }
        }
        Ok(())
    }
}

/// `gettoalign`: padding before an item of `size` at offset `len` (none for `c`); the
/// arithmetic is C's, so sizes that are not powers of two give the C results.
fn padding(len: usize, header: &Header, opt: u8, size: usize) -> usize {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(header.align);
    size.wrapping_sub(len & size.wrapping_sub(1)) & size.wrapping_sub(1)
}

fn is_integer_option(opt: u8) -> bool {
    matches!(
        opt,
        b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I'
    )
}

/// `struct.pack(fmt, ...)`.
fn pack(args: &Args) -> mlua::Result<MultiValue> {
    let lua = args.lua();
    let fmt_bytes = args.check_bytes(1)?;
    let mut fmt = Format {
        bytes: c_str(&fmt_bytes),
        pos: 0,
    };
    let mut header = Header::default();
    let mut arg = 2;
    let mut total: usize = 0;
    let mut out = Vec::new();
    while let Some(opt) = fmt.next_option() {
        let mut size = fmt.size(lua, opt)?;
        let pad = padding(total, &header, opt, size);
        total = total.wrapping_add(pad);
        out.resize(out.len() + pad, 0);
        match opt {
            _ if is_integer_option(opt) => {
                let n = args.check_number(arg)?;
                arg += 1;
                // Negative numbers go through a signed cast, the others an unsigned one.
                let mut value = if n < 0.0 {
                    cast_i64(n) as u64
                } else {
                    cast_u64(n)
                };
                let mut bytes = vec![0u8; size];
                for byte in bytes.iter_mut() {
                    *byte = value as u8;
                    value >>= 8;
                }
                if header.big_endian {
                    bytes.reverse();
                }
                out.extend_from_slice(&bytes);
            }
            b'x' => out.push(0),
            b'f' => {
                let x = args.check_number(arg)? as f32;
                arg += 1;
                out.extend_from_slice(&ordered(x.to_le_bytes(), header.big_endian));
            }
            b'd' => {
                let x = args.check_number(arg)?;
                arg += 1;
                out.extend_from_slice(&ordered(x.to_le_bytes(), header.big_endian));
            }
            b'c' | b's' => {
                let s = args.check_bytes(arg)?;
                arg += 1;
                if size == 0 {
                    size = s.len();
                }
                if s.len() < size {
                    // The C code has already moved on to the next argument when it checks.
                    return Err(args.arg_error(arg as i64, "string too short"));
                }
                out.extend_from_slice(&s[..size]);
                if opt == b's' {
                    out.push(0);
                    size += 1;
                }
            }
            _ => fmt.control(args, opt, &mut header)?,
        }
        total = total.wrapping_add(size);
    }
    Ok(MultiValue::from_vec(vec![Value::String(
        lua.create_string(&out)?,
    )]))
}

/// Little-endian bytes in the requested order.
fn ordered<const N: usize>(mut bytes: [u8; N], big_endian: bool) -> [u8; N] {
    if big_endian {
        bytes.reverse();
    }
    bytes
}

/// `getinteger`: `bytes` as an integer of `bytes.len()` bytes, kept in 64 bits. The sign
/// mask is `~0 << (8*size - 1)` with x86's shift (the count taken modulo 64), which is what
/// sizes 0 and above 8 get in C.
fn read_integer(bytes: &[u8], big_endian: bool, signed: bool) -> f64 {
    let mut value: u64 = 0;
    let mut push = |b: u8| value = value << 8 | u64::from(b);
    if big_endian {
        bytes.iter().copied().for_each(&mut push);
    } else {
        bytes.iter().rev().copied().for_each(&mut push);
    }
    if !signed {
        return value as f64;
    }
    let shift = (bytes.len() as i32).wrapping_mul(8).wrapping_sub(1) as u32;
    let mask = u64::MAX.wrapping_shl(shift);
    if value & mask != 0 {
        value |= mask;
    }
    value as i64 as f64
}

/// `struct.unpack(fmt, data [, pos])`: the values, then the position after them.
fn unpack(args: &Args) -> mlua::Result<MultiValue> {
    let lua = args.lua();
    let fmt_bytes = args.check_bytes(1)?;
    let mut fmt = Format {
        bytes: c_str(&fmt_bytes),
        pos: 0,
    };
    let data = args.check_bytes(2)?;
    let len = data.len();
    // A size_t: negative offsets become huge ones.
    let mut pos = args.opt_integer(3, 1)? as u64 as usize;
    if pos == 0 {
        return Err(args.arg_error(3, "offset must be 1 or greater"));
    }
    pos -= 1;
    let mut header = Header::default();
    let mut results: Vec<Value> = Vec::new();
    let too_short = || args.arg_error(2, "data string too short");
    while let Some(opt) = fmt.next_option() {
        let mut size = fmt.size(lua, opt)?;
        pos = pos.wrapping_add(padding(pos, &header, opt, size));
        if !(size <= len && pos <= len - size) {
            return Err(too_short());
        }
        if args.top() + results.len() + 2 > MAX_C_STACK {
            return Err(stack_overflow(lua, "too many results"));
        }
        match opt {
            _ if is_integer_option(opt) => {
                let signed = opt.is_ascii_lowercase();
                let value = read_integer(&data[pos..pos + size], header.big_endian, signed);
                results.push(Value::Number(value));
            }
            b'x' => {}
            b'f' => {
                let mut bytes = [0u8; 4];
                bytes.copy_from_slice(&data[pos..pos + 4]);
                let x = f32::from_le_bytes(ordered(bytes, header.big_endian));
                results.push(Value::Number(f64::from(x)));
            }
            b'd' => {
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(&data[pos..pos + 8]);
                let x = f64::from_le_bytes(ordered(bytes, header.big_endian));
                results.push(Value::Number(x));
            }
            b'c' => {
                if size == 0 {
                    // `c0`: the length is the number unpacked just before, which it replaces.
                    let Some(previous) = results.last().and_then(to_number) else {
                        return Err(lual_error(lua, "format 'c0' needs a previous size"));
                    };
                    size = cast_u64(previous) as usize;
                    results.pop();
                    if !(size <= len && pos <= len - size) {
                        return Err(too_short());
                    }
                }
                results.push(Value::String(lua.create_string(&data[pos..pos + size])?));
            }
            b's' => {
                let Some(end) = data[pos..].iter().position(|&b| b == 0) else {
                    return Err(lual_error(lua, "unfinished string in data"));
                };
                size = end + 1;
                results.push(Value::String(lua.create_string(&data[pos..pos + end])?));
            }
            _ => fmt.control(args, opt, &mut header)?,
        }
        pos = pos.wrapping_add(size);
    }
    if results.len() + 1 > max_results(args) {
        return Err(stack_overflow(lua, "too many results"));
    }
    results.push(Value::Number(pos.wrapping_add(1) as i64 as f64));
    Ok(MultiValue::from_vec(results))
}

/// `struct.size(fmt)`: the packed size of a format with fixed-size items. Unknown letters
/// and digits count for nothing here (only other characters are checked).
fn size(args: &Args) -> mlua::Result<MultiValue> {
    let lua = args.lua();
    let fmt_bytes = args.check_bytes(1)?;
    let mut fmt = Format {
        bytes: c_str(&fmt_bytes),
        pos: 0,
    };
    let mut header = Header::default();
    let mut pos: usize = 0;
    while let Some(opt) = fmt.next_option() {
        let size = fmt.size(lua, opt)?;
        pos = pos.wrapping_add(padding(pos, &header, opt, size));
        if opt == b's' {
            return Err(args.arg_error(1, "option 's' has no fixed size"));
        }
        if opt == b'c' && size == 0 {
            return Err(args.arg_error(1, "option 'c0' has no fixed size"));
        }
        if !opt.is_ascii_alphanumeric() {
            fmt.control(args, opt, &mut header)?;
        }
        pos = pos.wrapping_add(size);
    }
    Ok(MultiValue::from_vec(vec![Value::Number(pos as i64 as f64)]))
}
