//! Number conversions exactly as the C code under Redis's Lua libraries performs them on
//! x86-64 Linux: glibc's `printf("%.Ng")` and `strtod`, Lua 5.1's string-to-number rule,
//! and the x86 results of C casts from `double` to integers (out-of-range casts are
//! undefined in C, but the libraries rely on what the hardware does, and so do scripts).

/// `printf("%.<precision>g", x)` as glibc prints it: `precision` significant digits
/// (0 counts as 1), trailing zeros dropped, exponent form when the exponent is below -4
/// or not below the precision, and `inf`, `-inf`, `nan`, `-nan` for the special values
/// (a NaN prints its sign bit, so `0/0` on x86 prints `-nan`).
pub(crate) fn format_g(x: f64, precision: usize) -> String {
    let precision = precision.max(1);
    let negative = x.is_sign_negative();
    let sign = if negative { "-" } else { "" };
    if x.is_nan() {
        return format!("{sign}nan");
    }
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    // Rust's exact formatting rounds like glibc (correctly, ties to even), so the digits of
    // `%.{p-1}e` are the digits `%g` chooses between its two styles with.
    let scientific = format!("{:.*e}", precision - 1, x.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::with_capacity(precision + 8);
    out.push_str(sign);
    if exponent < -4 || exponent >= precision as i32 {
        out.push_str(&digits[..1]);
        let fraction = digits[1..].trim_end_matches('0');
        if !fraction.is_empty() {
            out.push('.');
            out.push_str(fraction);
        }
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exponent.unsigned_abs()));
    } else if exponent >= 0 {
        let integer_digits = exponent as usize + 1;
        out.push_str(&digits[..integer_digits]);
        let fraction = digits[integer_digits..].trim_end_matches('0');
        if !fraction.is_empty() {
            out.push('.');
            out.push_str(fraction);
        }
    } else {
        out.push_str("0.");
        for _ in 0..(-exponent - 1) {
            out.push('0');
        }
        out.push_str(digits.trim_end_matches('0'));
    }
    out
}

/// Lua 5.1's `lua_number2str`: `%.14g`.
pub(crate) fn lua_number_to_string(x: f64) -> String {
    format_g(x, 14)
}

/// The bytes C code sees of a Lua string: everything before the first NUL.
pub(crate) use kvdb_engine::args::c_str;

/// C's `isspace` in the "C" locale.
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// glibc `strtod` over `s` (read as a C string: a NUL ends it). Returns the value and the
/// number of bytes consumed, or `None` when no conversion is possible. Accepts leading
/// white space, a sign, decimal and hexadecimal (`0x1.8p3`) floats, `inf`/`infinity`
/// and `nan`/`nan(chars)`, case-insensitively; rounding is correct (ties to even).
pub(crate) fn strtod(s: &[u8]) -> Option<(f64, usize)> {
    // No scan for the NUL up front: a NUL stops every form below anyway, and the
    // decoders call this at every number of a long text.
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let negative = take_sign(s, &mut i);
    let apply_sign = |v: f64| if negative { -v } else { v };
    let rest = &s[i..];
    if starts_with_ignore_case(rest, b"inf") {
        let len = if starts_with_ignore_case(rest, b"infinity") {
            8
        } else {
            3
        };
        return Some((apply_sign(f64::INFINITY), i + len));
    }
    if starts_with_ignore_case(rest, b"nan") {
        let (value, len) = parse_nan(rest);
        return Some((apply_sign(value), i + len));
    }
    if rest.len() >= 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' {
        let after = &rest[2..];
        let has_digits = after.first().is_some_and(u8::is_ascii_hexdigit)
            || (after.first() == Some(&b'.') && after.get(1).is_some_and(u8::is_ascii_hexdigit));
        if has_digits {
            let (value, len) = parse_hex(after);
            return Some((apply_sign(value), i + 2 + len));
        }
        // "0x" without hex digits: only the "0" is a number.
        return Some((apply_sign(0.0), i + 1));
    }
    let (value, len) = parse_decimal(rest)?;
    Some((apply_sign(value), i + len))
}

fn starts_with_ignore_case(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// `nan` or `nan(n-char-sequence)`; glibc puts a sequence that reads as an unsigned
/// integer (base 0, like `strtoull`) into the mantissa below the quiet bit.
fn parse_nan(s: &[u8]) -> (f64, usize) {
    let quiet = f64::from_bits(0x7ff8_0000_0000_0000);
    if s.get(3) != Some(&b'(') {
        return (quiet, 3);
    }
    let body_len = s[4..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    if s.get(4 + body_len) != Some(&b')') {
        return (quiet, 3);
    }
    let body = &s[4..4 + body_len];
    let payload = parse_c_unsigned_base0(body).unwrap_or(0) & 0x0007_ffff_ffff_ffff;
    (
        f64::from_bits(0x7ff8_0000_0000_0000 | payload),
        4 + body_len + 1,
    )
}

/// `strtoull(s, &end, 0)` when it consumes all of `s` (which holds no sign or space).
fn parse_c_unsigned_base0(s: &[u8]) -> Option<u64> {
    let (digits, radix) = if s.len() > 2 && s[0] == b'0' && (s[1] | 0x20) == b'x' {
        (&s[2..], 16)
    } else if s.len() > 1 && s[0] == b'0' {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    let mut overflow = false;
    for &b in digits {
        let d = (b as char).to_digit(radix)? as u64;
        match value
            .checked_mul(radix as u64)
            .and_then(|v| v.checked_add(d))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    Some(if overflow { u64::MAX } else { value })
}

/// Hex digits `[.digits][p[sign]digits]` after "0x"; returns the value and bytes consumed.
fn parse_hex(s: &[u8]) -> (f64, usize) {
    let mut i = 0;
    let mut mantissa: u64 = 0;
    let mut sticky = false;
    let mut exp2: i64 = 0;
    let mut seen_point = false;
    loop {
        match s.get(i) {
            Some(&b) if b.is_ascii_hexdigit() => {
                let d = (b as char).to_digit(16).unwrap_or(0) as u64;
                if mantissa >> 60 == 0 {
                    mantissa = mantissa << 4 | d;
                    if seen_point {
                        exp2 -= 4;
                    }
                } else {
                    sticky |= d != 0;
                    if !seen_point {
                        exp2 += 4;
                    }
                }
            }
            Some(b'.') if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if let Some((e, len)) = parse_exponent(&s[i..], b'p') {
        exp2 = exp2.saturating_add(e);
        i += len;
    }
    (compose_f64(mantissa, exp2, sticky), i)
}

/// Reads an optional `+`/`-` at `s[*i]`, moving past it; true for `-`.
fn take_sign(s: &[u8], i: &mut usize) -> bool {
    match s.get(*i) {
        Some(&sign @ (b'-' | b'+')) => {
            *i += 1;
            sign == b'-'
        }
        _ => false,
    }
}

/// An exponent `<marker>[sign]digits` (case-insensitive marker), saturating; `None` when
/// the marker is not followed by digits (then it is not part of the number).
fn parse_exponent(s: &[u8], marker: u8) -> Option<(i64, usize)> {
    if s.first().map(|b| b | 0x20) != Some(marker) {
        return None;
    }
    let mut i = 1;
    let negative = take_sign(s, &mut i);
    let start = i;
    let mut value: i64 = 0;
    while let Some(&b) = s.get(i).filter(|b| b.is_ascii_digit()) {
        value = value.saturating_mul(10).saturating_add((b - b'0') as i64);
        i += 1;
    }
    if i == start {
        return None;
    }
    Some((if negative { -value } else { value }, i))
}

/// `mantissa * 2^exp2` (plus a little more when `sticky`), correctly rounded to a double.
fn compose_f64(mantissa: u64, exp2: i64, sticky: bool) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    let shift_in = mantissa.leading_zeros();
    let m = (mantissa as u128) << (shift_in + 64);
    // value = m * 2^(exp2 - shift_in - 64), m in [2^127, 2^128): binary exponent e.
    let e = exp2
        .saturating_sub(shift_in as i64 + 64)
        .saturating_add(127);
    if e > 1023 {
        return f64::INFINITY;
    }
    // Bits kept: 53 for normal numbers, fewer below the normal range.
    let drop = if e >= -1022 {
        128 - 53
    } else {
        (128 - 53) + (-1022 - e)
    };
    if drop > 128 {
        return 0.0;
    }
    let (kept, rest, half) = if drop == 128 {
        (0u128, m, 1u128 << 127)
    } else {
        (m >> drop, m & ((1u128 << drop) - 1), 1u128 << (drop - 1))
    };
    let round_up = rest > half || (rest == half && (sticky || kept & 1 == 1));
    let kept = (kept + u128::from(round_up)) as u64;
    let bits = if e >= -1022 {
        (((e + 1023) as u64) << 52) + (kept - (1u64 << 52))
    } else {
        kept
    };
    f64::from_bits(bits)
}

/// Decimal digits `[.digits][e[sign]digits]`; `None` without any digit.
fn parse_decimal(s: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
    let int_start = i;
    while s.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int_digits = &s[int_start..i];
    let mut frac_digits: &[u8] = &[];
    if s.get(i) == Some(&b'.') {
        let frac_start = i + 1;
        let mut j = frac_start;
        while s.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if !int_digits.is_empty() || j > frac_start {
            frac_digits = &s[frac_start..j];
            i = j;
        }
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return None;
    }
    let mut exponent = 0i64;
    if let Some((e, len)) = parse_exponent(&s[i..], b'e') {
        exponent = e;
        i += len;
    }
    let mut text = String::with_capacity(int_digits.len() + frac_digits.len() + 24);
    text.push_str(std::str::from_utf8(int_digits).unwrap_or("0"));
    if int_digits.is_empty() {
        text.push('0');
    }
    text.push('.');
    text.push_str(std::str::from_utf8(frac_digits).unwrap_or("0"));
    text.push('0');
    // Beyond these bounds the value is 0 or infinite whatever the digits are; clamping
    // keeps Rust's parser (correctly rounding, like glibc) within its exponent range.
    let exponent = exponent.clamp(-100_000_000, 100_000_000);
    text.push_str(&format!("e{exponent}"));
    let value: f64 = text.parse().ok()?;
    Some((value, i))
}

/// Lua 5.1's `luaO_str2d` as `lua_tonumber` applies it to a string: `strtod` over the C
/// string, then nothing but white space may follow.
pub(crate) fn lua_str_to_number(s: &[u8]) -> Option<f64> {
    let s = c_str(s);
    let (value, used) = strtod(s)?;
    if s[used..].iter().all(|&b| is_c_space(b)) {
        Some(value)
    } else {
        None
    }
}

/// `(int64_t)x` on x86-64: truncation, and `INT64_MIN` for NaN and out-of-range values.
pub(crate) fn cast_i64(x: f64) -> i64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if x.is_nan() || !(-TWO_63..TWO_63).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// `(int)x` on x86-64: truncation, and `INT_MIN` for NaN and out-of-range values.
pub(crate) fn cast_i32(x: f64) -> i32 {
    if x.is_nan() || x <= -2_147_483_649.0 || x >= 2_147_483_648.0 {
        i32::MIN
    } else {
        x as i32
    }
}

/// `(uint64_t)x` as gcc compiles it for x86-64: values below 2^63 (and NaN) go through the
/// signed conversion, larger ones through `x - 2^63` with the top bit flipped back.
pub(crate) fn cast_u64(x: f64) -> u64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if x.is_nan() || x < TWO_63 {
        cast_i64(x) as u64
    } else {
        (cast_i64(x - TWO_63) as u64) ^ (1 << 63)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_g_matches_printf() {
        let cases: &[(f64, usize, &str)] = &[
            (0.0, 14, "0"),
            (-0.0, 14, "-0"),
            (1.0, 14, "1"),
            (0.1, 14, "0.1"),
            (1.0 / 3.0, 14, "0.33333333333333"),
            (100.0, 14, "100"),
            (1e14, 14, "1e+14"),
            (123456789012345.0, 14, "1.2345678901234e+14"),
            (1e-5, 14, "1e-05"),
            (0.0001, 14, "0.0001"),
            (1.5e300, 14, "1.5e+300"),
            (f64::INFINITY, 14, "inf"),
            (f64::NEG_INFINITY, 14, "-inf"),
            (f64::NAN, 14, "nan"),
            (-f64::NAN, 14, "-nan"),
            (2.5, 1, "2"),
            (3.5, 1, "4"),
            (0.5, 0, "0.5"),
            (1234.5, 3, "1.23e+03"),
            (5e-324, 14, "4.9406564584125e-324"),
        ];
        for &(x, p, want) in cases {
            assert_eq!(format_g(x, p), want, "format_g({x:e}, {p})");
        }
    }

    #[test]
    fn strtod_forms() {
        let cases: &[(&str, Option<(f64, usize)>)] = &[
            ("1", Some((1.0, 1))),
            ("  -12.5e1x", Some((-125.0, 9))),
            ("1.", Some((1.0, 2))),
            (".5", Some((0.5, 2))),
            (".", None),
            ("-", None),
            ("1e", Some((1.0, 1))),
            ("1e+", Some((1.0, 1))),
            ("0x10", Some((16.0, 4))),
            ("0x", Some((0.0, 1))),
            ("0x.8p1", Some((1.0, 6))),
            ("0X1P-2", Some((0.25, 6))),
            ("inf", Some((f64::INFINITY, 3))),
            ("-Infinity", Some((f64::NEG_INFINITY, 9))),
            ("infinit", Some((f64::INFINITY, 3))),
            ("1e400", Some((f64::INFINITY, 5))),
            ("1e-400", Some((0.0, 6))),
            ("1e99999999999999999999", Some((f64::INFINITY, 22))),
            ("12\u{0}34", Some((12.0, 2))),
        ];
        for &(text, want) in cases {
            assert_eq!(strtod(text.as_bytes()), want, "strtod({text:?})");
        }
        let (nan, used) = strtod(b"nan(12)x").unwrap_or((0.0, 0));
        assert!(nan.is_nan());
        assert_eq!((nan.to_bits(), used), (0x7ff8_0000_0000_000c, 7));
        let (nan, _) = strtod(b"-nan").unwrap_or((0.0, 0));
        assert_eq!(nan.to_bits(), 0xfff8_0000_0000_0000);
    }

    #[test]
    fn hex_floats_round_to_nearest_even() {
        let tie_down = strtod(b"0x1.00000000000008p0").map(|v| v.0);
        assert_eq!(tie_down, Some(1.0));
        let tie_up = strtod(b"0x1.00000000000018p0").map(|v| v.0);
        assert_eq!(tie_up, Some(1.0 + 2.0 * f64::EPSILON));
        let above = strtod(b"0x1.000000000000080001p0").map(|v| v.0);
        assert_eq!(above, Some(1.0 + f64::EPSILON));
        assert_eq!(strtod(b"0x1p-1074").map(|v| v.0), Some(5e-324));
        assert_eq!(strtod(b"0x1p-1075").map(|v| v.0), Some(0.0));
        assert_eq!(strtod(b"0x1.8p-1075").map(|v| v.0), Some(5e-324));
        assert_eq!(strtod(b"0x1p1024").map(|v| v.0), Some(f64::INFINITY));
        assert_eq!(
            strtod(b"0xffffffffffffffffff").map(|v| v.0),
            Some(2f64.powi(72))
        );
    }

    #[test]
    fn lua_string_numbers() {
        assert_eq!(lua_str_to_number(b" 0x1A \t"), Some(26.0));
        assert_eq!(lua_str_to_number(b"1e5"), Some(1e5));
        assert_eq!(lua_str_to_number(b"12\0junk"), Some(12.0));
        assert_eq!(lua_str_to_number(b"0x"), None);
        assert_eq!(lua_str_to_number(b"1x"), None);
        assert_eq!(lua_str_to_number(b""), None);
    }

    #[test]
    fn casts_behave_like_x86() {
        assert_eq!(cast_i64(f64::NAN), i64::MIN);
        assert_eq!(cast_i64(1e300), i64::MIN);
        assert_eq!(cast_i64(-1.9), -1);
        assert_eq!(cast_i32(2_147_483_648.0), i32::MIN);
        assert_eq!(cast_i32(-2_147_483_648.9), i32::MIN);
        assert_eq!(cast_u64(2f64.powi(64)), 0);
        assert_eq!(cast_u64(f64::NAN), 1 << 63);
        assert_eq!(cast_u64(-1.0), u64::MAX);
        assert_eq!(
            cast_u64(2f64.powi(63) + 2f64.powi(62)),
            0xc000_0000_0000_0000
        );
    }
}
