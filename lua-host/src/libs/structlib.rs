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

type Handler = fn(Args) -> mlua::Result<MultiValue>;

/// The module table, presized and filled like `luaL_register` does.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Table> {
    let functions: [(&str, Handler); 3] = [("pack", pack), ("unpack", unpack), ("size", size)];
    let table = lua.create_table_with_capacity(0, functions.len())?;
    for (name, handler) in functions {
        let function =
            lua.create_function(move |lua, args: MultiValue| handler(Args::new(lua, args)))?;
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

impl<'a> Format<'a> {
    /// A format read as C reads it (up to a NUL), from its start.
    fn new(bytes: &'a [u8]) -> Self {
        Format {
            bytes: c_str(bytes),
            pos: 0,
        }
    }

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
fn pack(mut args: Args) -> mlua::Result<MultiValue> {
    let lua = args.lua();
    let fmt_bytes = args.check_bytes(1)?;
    // The C code pushes a nil after the arguments before packing, so a missing value
    // reads as nil ("number expected, got nil").
    args.push_nil();
    let args = &args;
    let mut fmt = Format::new(&fmt_bytes);
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
fn unpack(args: Args) -> mlua::Result<MultiValue> {
    let args = &args;
    let lua = args.lua();
    let fmt_bytes = args.check_bytes(1)?;
    let mut fmt = Format::new(&fmt_bytes);
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
fn size(args: Args) -> mlua::Result<MultiValue> {
    let args = &args;
    let lua = args.lua();
    let fmt_bytes = args.check_bytes(1)?;
    let mut fmt = Format::new(&fmt_bytes);
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

#[cfg(test)]
mod byte_exact_tests {
    use crate::libs::{error_message, test_support};

    /// A format byte that is not UTF-8 comes back in the message as the raw byte.
    #[test]
    fn invalid_option_message_keeps_the_raw_byte() {
        let lua = test_support::lua();
        for (body, expected) in [
            (
                "return struct.pack('\\255', 1)",
                &b"user_script:1: bad argument #1 to 'pack' (invalid format option '\xff')"[..],
            ),
            (
                "return struct.size('b\\255')",
                &b"user_script:1: bad argument #1 to 'size' (invalid format option '\xff')"[..],
            ),
        ] {
            let err = lua
                .load(body)
                .set_name("@user_script")
                .exec()
                .expect_err(body);
            assert_eq!(error_message(&err), Some(expected), "{body}");
        }
    }
}

#[cfg(test)]
mod tests {
    //! Expected values come from redis-server 7.0.15 (`EVAL body 0`).

    use crate::libs::test_support::check;

    #[test]
    fn pack_matches_redis() {
        check(&[
            (
                "return hex(struct.pack('b', -1)) .. ' ' .. hex(struct.pack('B', 255)) .. ' ' .. hex(struct.pack('b', 128)) .. ' ' .. hex(struct.pack('B', -2))",
                "ff ff 80 fe",
            ),
            (
                "return hex(struct.pack('h', -2)) .. ' ' .. hex(struct.pack('>h', -2)) .. ' ' .. hex(struct.pack('<H', 0x1234)) .. ' ' .. hex(struct.pack('>H', 0x1234))",
                "feff fffe 3412 1234",
            ),
            (
                "return hex(struct.pack('l', -2)) .. ' ' .. hex(struct.pack('>L', 2^40 + 3)) .. ' ' .. hex(struct.pack('T', 17)) .. ' ' .. hex(struct.pack('>T', 17))",
                "feffffffffffffff 0000010000000003 1100000000000000 0000000000000011",
            ),
            (
                "return hex(struct.pack('i', -2)) .. ' ' .. hex(struct.pack('>I', 0xdeadbeef)) .. ' ' .. hex(struct.pack('i1', 300)) .. ' ' .. hex(struct.pack('>i3', -2)) .. ' ' .. hex(struct.pack('<I5', 2^33 + 1))",
                "feffffff deadbeef 2c fffffe 0100000002",
            ),
            (
                "return hex(struct.pack('>i0', 5)) .. '|' .. hex(struct.pack('<i12', -2)) .. '|' .. hex(struct.pack('>I16', 2^63 + 2^62)) .. '|' .. hex(struct.pack('>i32', -1))",
                "|feffffffffffffff00000000|0000000000000000c000000000000000|000000000000000000000000000000000000000000000000ffffffffffffffff",
            ),
            (
                "return hex(struct.pack('i33', 1))",
                "ERR user_script:1: integral size 33 is larger than limit of 32",
            ),
            (
                "return hex(struct.pack('i99999999999', 1))",
                "ERR user_script:1: integral size overflow",
            ),
            (
                "return hex(struct.pack('c2147483648', 'x'))",
                "ERR user_script:1: integral size overflow",
            ),
            (
                "local out = {} for _, v in ipairs({'2^64', '2^63', '2^63+2^62', '1e30', '0/0', 'math.huge', '-math.huge', '-1', '-2^63', '-2^64', '-1e30', '2^64-2048', '1.9', '-1.9', '0.5', '-0.5'}) do out[#out + 1] = hex(struct.pack('>L', loadstring('return ' .. v)())) end return table.concat(out, ' ')",
                "0000000000000000 8000000000000000 c000000000000000 0000000000000000 8000000000000000 0000000000000000 8000000000000000 ffffffffffffffff 8000000000000000 8000000000000000 8000000000000000 fffffffffffff800 0000000000000001 ffffffffffffffff 0000000000000000 0000000000000000",
            ),
            (
                "return hex(struct.pack('>l', 2^63)) .. ' ' .. hex(struct.pack('>i', 2^32 + 7)) .. ' ' .. hex(struct.pack('>B', 1.99)) .. ' ' .. hex(struct.pack('>b', -1.99))",
                "8000000000000000 00000007 01 ff",
            ),
            (
                "return hex(struct.pack('f', 1.5)) .. ' ' .. hex(struct.pack('>f', 1.5)) .. ' ' .. hex(struct.pack('>f', 0.1)) .. ' ' .. hex(struct.pack('>f', 1e300)) .. ' ' .. hex(struct.pack('>f', 1e-50)) .. ' ' .. hex(struct.pack('>f', 0/0))",
                "0000c03f 3fc00000 3dcccccd 7f800000 00000000 ffc00000",
            ),
            (
                "return hex(struct.pack('d', 1.5)) .. ' ' .. hex(struct.pack('>d', -0.1)) .. ' ' .. hex(struct.pack('>d', math.huge)) .. ' ' .. hex(struct.pack('>d', '2.5'))",
                "000000000000f83f bfb999999999999a 7ff0000000000000 4004000000000000",
            ),
            (
                "return hex(struct.pack('c', 'abc')) .. ' ' .. hex(struct.pack('c3', 'abcdef')) .. ' ' .. hex(struct.pack('c0', 'abc')) .. ' ' .. hex(struct.pack('c0', '')) .. ' ' .. hex(struct.pack('c1', 7))",
                "61 616263 616263  37",
            ),
            (
                "return hex(struct.pack('s', 'ab')) .. ' ' .. hex(struct.pack('s', '')) .. ' ' .. hex(struct.pack('s', 'a\\0b')) .. ' ' .. hex(struct.pack('s', 1.5)) .. ' ' .. hex(struct.pack('s', 1e100))",
                "616200 00 61006200 312e3500 31652b31303000",
            ),
            (
                "return hex(struct.pack('x')) .. ' ' .. hex(struct.pack('bxb', 1, 2)) .. ' ' .. hex(struct.pack('  b  ', 3))",
                "00 010002 03",
            ),
            (
                "return hex(struct.pack('!4 b i', 1, 2)) .. ' ' .. hex(struct.pack('!b d', 1, 2)) .. ' ' .. hex(struct.pack('!2 b h b i', 1, 2, 3, 4)) .. ' ' .. hex(struct.pack('!8 b T', 1, 2))",
                "0100000002000000 01000000000000000000000000000040 01000200030004000000 01000000000000000200000000000000",
            ),
            (
                "return hex(struct.pack('!4 b c3 i', 1, 'xyz', 2)) .. ' ' .. hex(struct.pack('!4 b s i', 1, 'xy', 2)) .. ' ' .. hex(struct.pack('!4 b i3 b i', 1, 2, 3, 4)) .. ' ' .. hex(struct.pack('!8 b i6 b i12', 1, 2, 3, 4))",
                "0178797a02000000 0178790002000000 010000020000030004000000 01000000000002000000000003000000040000000000000000000000",
            ),
            (
                "return hex(struct.pack('!1 b i', 1, 2)) .. ' ' .. hex(struct.pack('!16 b d', 1, 2)) .. ' ' .. hex(struct.pack('b!4i!1b', 1, 2, 3))",
                "0102000000 01000000000000000000000000000040 010000000200000003",
            ),
            (
                "return hex(struct.pack('>!4 b h <i', 1, 2, 3)) .. ' ' .. hex(struct.pack('>i<i', 1, 1))",
                "0100000203000000 0000000101000000",
            ),
            (
                "return hex(struct.pack('b\\0b', 1, 2))",
                "01",
            ),
            (
                "return hex(struct.pack(''))",
                "",
            ),
            (
                "return hex(struct.pack(12, 1))",
                "ERR user_script:1: bad argument #1 to 'pack' (invalid format option '1')",
            ),
            (
                "return struct.pack('!3 b', 1)",
                "ERR user_script:1: alignment 3 is not a power of 2",
            ),
            (
                "return struct.pack('!0 b', 1)",
                "ERR user_script:1: alignment 0 is not a power of 2",
            ),
            (
                "return struct.pack('=i', 1)",
                "ERR user_script:1: bad argument #1 to 'pack' (invalid format option '=')",
            ),
            (
                "return struct.pack('q', 1)",
                "ERR user_script:1: bad argument #1 to 'pack' (invalid format option 'q')",
            ),
            (
                "return struct.pack('5', 1)",
                "ERR user_script:1: bad argument #1 to 'pack' (invalid format option '5')",
            ),
            (
                "return struct.pack('\\255', 1)",
                "ERR user_script:1: bad argument #1 to 'pack' (invalid format option '�')",
            ),
            (
                "return struct.pack('b')",
                "ERR user_script:1: bad argument #2 to 'pack' (number expected, got nil)",
            ),
            (
                "return struct.pack('b', 'x')",
                "ERR user_script:1: bad argument #2 to 'pack' (number expected, got string)",
            ),
            (
                "return struct.pack('b', {})",
                "ERR user_script:1: bad argument #2 to 'pack' (number expected, got table)",
            ),
            (
                "return struct.pack('bb', 1)",
                "ERR user_script:1: bad argument #3 to 'pack' (number expected, got nil)",
            ),
            (
                "return struct.pack('d', nil)",
                "ERR user_script:1: bad argument #2 to 'pack' (number expected, got nil)",
            ),
            (
                "return struct.pack('c5', 'ab')",
                "ERR user_script:1: bad argument #3 to 'pack' (string too short)",
            ),
            (
                "return struct.pack('bc5', 1, 'ab')",
                "ERR user_script:1: bad argument #4 to 'pack' (string too short)",
            ),
            (
                "return struct.pack('s', {})",
                "ERR user_script:1: bad argument #2 to 'pack' (string expected, got table)",
            ),
            (
                "return struct.pack('c')",
                "ERR user_script:1: bad argument #2 to 'pack' (string expected, got nil)",
            ),
            (
                "return struct.pack()",
                "ERR user_script:1: bad argument #1 to 'pack' (string expected, got no value)",
            ),
            (
                "return struct.pack({})",
                "ERR user_script:1: bad argument #1 to 'pack' (string expected, got table)",
            ),
            (
                "return struct:pack('b', 1)",
                "ERR user_script:1: calling 'pack' on bad self (string expected, got table)",
            ),
            (
                "return errmsg(select(2, pcall(struct.pack, 'b')))",
                "bad argument #2 to '?' (number expected, got nil)",
            ),
            (
                "local n = {} for k in pairs(struct) do n[#n + 1] = k end return table.concat(n, ',')",
                "pack,size,unpack",
            ),
        ]);
    }

    #[test]
    fn unpack_matches_redis() {
        check(&[
            (
                "return table.concat({struct.unpack('bBhHlLTiI', struct.pack('bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 5, -4, 2^32 - 1))}, ' ')",
                "-1 255 -2 65535 -3 1099511627776 5 -4 4294967295 39",
            ),
            (
                "return table.concat({struct.unpack('>bBhHlLTiI', struct.pack('>bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 5, -4, 2^32 - 1))}, ' ')",
                "-1 255 -2 65535 -3 1099511627776 5 -4 4294967295 39",
            ),
            (
                "return table.concat({struct.unpack('<i3>i3', '\\255\\255\\127\\127\\255\\255')}, ' ')",
                "8388607 8388607 7",
            ),
            (
                "return table.concat({struct.unpack('>L>l', '\\255\\255\\255\\255\\255\\255\\255\\255\\128\\0\\0\\0\\0\\0\\0\\0')}, ' ')",
                "1.844674407371e+19 -9.2233720368548e+18 17",
            ),
            (
                "return table.concat({struct.unpack('>L', '\\0\\32\\0\\0\\0\\0\\0\\1')}, ' ')",
                "9.007199254741e+15 9",
            ),
            (
                "return tostring(struct.unpack('>i9', string.rep('\\255', 9))) .. ' ' .. tostring(struct.unpack('>i9', '\\0\\0\\0\\0\\0\\0\\0\\0\\128')) .. ' ' .. tostring(struct.unpack('>i16', string.rep('\\255', 16))) .. ' ' .. tostring(struct.unpack('>i12', '\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\128')) .. ' ' .. tostring(struct.unpack('>I9', string.rep('\\255', 9))) .. ' ' .. tostring(struct.unpack('<i10', '\\1\\0\\0\\0\\0\\0\\0\\0\\0\\128'))",
                "-1 -128 -1 128 1.844674407371e+19 1",
            ),
            (
                "return table.concat({struct.unpack('>i0', '')}, ' ') .. ' ' .. table.concat({struct.unpack('i0i0', 'x')}, ' ')",
                "0 1 0 0 1",
            ),
            (
                "return table.concat({struct.unpack('>f>d', struct.pack('>f>d', 1.5, -0.1))}, ' ')",
                "1.5 -0.1 13",
            ),
            (
                "return table.concat({struct.unpack('<f<d', struct.pack('<f<d', 0.1, 1e300))}, ' ')",
                "0.10000000149012 1e+300 13",
            ),
            (
                "return tostring(struct.unpack('>f', '\\127\\192\\0\\0')) .. ' ' .. tostring(struct.unpack('>d', '\\255\\240\\0\\0\\0\\0\\0\\0')) .. ' ' .. tostring(struct.unpack('>f', '\\0\\0\\0\\1'))",
                "nan -inf 1.4012984643248e-45",
            ),
            (
                "return table.concat({struct.unpack('c3', 'abcdef')}, ' ') .. '|' .. table.concat({struct.unpack('c', 'abc')}, ' ')",
                "abc 4|a 2",
            ),
            (
                "return table.concat({struct.unpack('bc0', '\\3abcdef')}, ' ')",
                "abc 5",
            ),
            (
                "return table.concat({struct.unpack('c1c0', '3abcd')}, ' ')",
                "abc 5",
            ),
            (
                "return table.concat({struct.unpack('bc0', '\\0abc')}, '|')",
                "|2",
            ),
            (
                "return struct.unpack('c0', 'abc')",
                "ERR user_script:1: format 'c0' needs a previous size",
            ),
            (
                "return struct.unpack('c1c0', 'xabc')",
                "ERR user_script:1: format 'c0' needs a previous size",
            ),
            (
                "return struct.unpack('bc0', '\\9abc')",
                "ERR user_script:1: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                "return struct.unpack('bc0', '\\255abc')",
                "ERR user_script:1: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                "return table.concat({struct.unpack('s', 'ab\\0cd\\0')}, ' ') .. '|' .. table.concat({struct.unpack('ss', 'ab\\0cd\\0')}, ' ') .. '|' .. table.concat({struct.unpack('s', '\\0')}, ' ')",
                "ab 4|ab cd 7| 2",
            ),
            (
                "return struct.unpack('s', 'abc')",
                "ERR user_script:1: unfinished string in data",
            ),
            (
                "return table.concat({struct.unpack('bxb', '\\1\\2\\3')}, ' ') .. '|' .. table.concat({struct.unpack('x', 'a')}, ' ')",
                "1 3 4|2",
            ),
            (
                "return table.concat({struct.unpack('!4 b i', struct.pack('!4 b i', 1, 2))}, ' ') .. '|' .. table.concat({struct.unpack('!b d', struct.pack('!b d', 7, 2.5))}, ' ')",
                "1 2 9|7 2.5 17",
            ),
            (
                "return table.concat({struct.unpack('!4 b i3 b i', struct.pack('!4 b i3 b i', 1, 2, 3, 4))}, ' ')",
                "1 2 3 4 13",
            ),
            (
                "return table.concat({struct.unpack('b', 'abc', 2)}, ' ') .. '|' .. table.concat({struct.unpack('b', 'abc', 3)}, ' ') .. '|' .. table.concat({struct.unpack('', 'abc', 10)}, ' ')",
                "98 3|99 4|10",
            ),
            (
                "return table.concat({struct.unpack('!4 i', '\\0\\0\\0\\0\\1\\0\\0\\0', 2)}, ' ')",
                "1 9",
            ),
            (
                "return table.concat({struct.unpack('b', 'abc', 1.9)}, ' ') .. '|' .. table.concat({struct.unpack('b', 'abc', '2')}, ' ')",
                "97 2|98 3",
            ),
            (
                "return struct.unpack('b', 'abc', 0)",
                "ERR user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater)",
            ),
            (
                "return struct.unpack('b', 'abc', -1)",
                "ERR user_script:1: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                "return struct.unpack('b', 'abc', 4)",
                "ERR user_script:1: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                "return struct.unpack(' ', 'abc', 10)",
                "ERR user_script:1: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                "return struct.unpack('b', 'abc', 'x')",
                "ERR user_script:1: bad argument #3 to 'unpack' (number expected, got string)",
            ),
            (
                "return struct.unpack('i', 'abc')",
                "ERR user_script:1: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                "return struct.unpack('bbbb', 'abc')",
                "ERR user_script:1: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                "return struct.unpack('d', '')",
                "ERR user_script:1: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                "return struct.unpack('c4', 'abc')",
                "ERR user_script:1: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                "return table.concat({struct.unpack('b', 5)}, ' ')",
                "53 2",
            ),
            (
                "return struct.unpack('b')",
                "ERR user_script:1: bad argument #2 to 'unpack' (string expected, got no value)",
            ),
            (
                "return struct.unpack(nil, 'a')",
                "ERR user_script:1: bad argument #1 to 'unpack' (string expected, got nil)",
            ),
            (
                "return struct.unpack('q', 'a')",
                "ERR user_script:1: bad argument #1 to 'unpack' (invalid format option 'q')",
            ),
            (
                "return struct.unpack('!5', 'a')",
                "ERR user_script:1: alignment 5 is not a power of 2",
            ),
            (
                "return struct.unpack('i40', 'a')",
                "ERR user_script:1: integral size 40 is larger than limit of 32",
            ),
            (
                "return table.concat({struct.unpack('>b\\0junk', '\\255')}, ' ')",
                "-1 2",
            ),
            (
                "return select('#', struct.unpack(string.rep('b', 7900), string.rep('x', 7900))) .. ''",
                "7901",
            ),
            (
                "return select('#', struct.unpack(string.rep('b', 8000), string.rep('x', 8000))) .. ''",
                "ERR user_script:1: stack overflow (too many results)",
            ),
            (
                "return errmsg(select(2, pcall(struct.unpack, 'i', '')))",
                "bad argument #2 to '?' (data string too short)",
            ),
        ]);
    }

    #[test]
    fn size_matches_redis() {
        check(&[
            (
                "return table.concat({struct.size(''), struct.size('b'), struct.size('bBhHlLTiIfd'), struct.size('i3'), struct.size('c10'), struct.size('x'), struct.size('>!4 b i'), struct.size('!b d'), struct.size('!2 b d'), struct.size('!4 b i3 b i')}, ' ')",
                "0 1 50 3 10 1 8 16 10 12",
            ),
            (
                "return table.concat({struct.size('z'), struct.size('q5'), struct.size('5'), struct.size('bzb'), struct.size(12), struct.size('i0')}, ' ')",
                "0 0 0 2 0 0",
            ),
            (
                "return tostring(struct.size('c2147483647c2147483647'))",
                "4294967294",
            ),
            (
                "return struct.size('s')",
                "ERR user_script:1: bad argument #1 to 'size' (option 's' has no fixed size)",
            ),
            (
                "return struct.size('bs')",
                "ERR user_script:1: bad argument #1 to 'size' (option 's' has no fixed size)",
            ),
            (
                "return struct.size('c0')",
                "ERR user_script:1: bad argument #1 to 'size' (option 'c0' has no fixed size)",
            ),
            (
                "return struct.size('=')",
                "ERR user_script:1: bad argument #1 to 'size' (invalid format option '=')",
            ),
            (
                "return struct.size('!3')",
                "ERR user_script:1: alignment 3 is not a power of 2",
            ),
            (
                "return struct.size('i33')",
                "ERR user_script:1: integral size 33 is larger than limit of 32",
            ),
            (
                "return struct.size()",
                "ERR user_script:1: bad argument #1 to 'size' (string expected, got no value)",
            ),
            (
                "return struct.size({})",
                "ERR user_script:1: bad argument #1 to 'size' (string expected, got table)",
            ),
            (
                "return struct.size('b\\255')",
                "ERR user_script:1: bad argument #1 to 'size' (invalid format option '�')",
            ),
        ]);
    }
}
