//! Redis 7.0's number parsing rules for client-supplied bytes (`util.c`, `object.c`).
//!
//! Rules reproduced:
//! - Integers (`string2ll`, used for every integer argument and INCR's stored value):
//!   optional `-`, then `0` alone or a digit `1`-`9` followed by digits; no `+`, no
//!   spaces, no leading zeros, and `-0` is rejected. Inputs of 21 bytes or more are
//!   rejected outright; values outside `i64` are rejected.
//! - Integer encoding (`tryObjectEncoding`): a string value is stored int-encoded iff it
//!   is at most 20 bytes and `string2l` accepts it (on 64-bit builds, the same as
//!   `string2ll`): see [`is_canonical_i64`].
//! - Doubles (`string2d`, used by `getDoubleFromObject` for ZADD/ZINCRBY scores,
//!   ZRANGEBYSCORE bounds, GEO coordinates, INCRBYFLOAT-free paths): whatever glibc's
//!   `strtod` consumes *entirely*, minus a few rejections: empty input, a first byte that
//!   is C whitespace, NaN in any spelling, overflow to ±infinity, and a non-zero value
//!   that underflows to zero. Accepted spellings are decimal (`1`, `-1.5`, `.5`, `5.`,
//!   `1e10`, `1E-3`), `inf`/`infinity` in any case with an optional sign, and C99 hex
//!   floats (`0x1.8p3`, `0X.8`, `-0x10`). Subnormal results are accepted. Values are
//!   rounded to nearest, ties to even, as glibc does.
//!
//! The float grammar and binary rounding helpers are shared with
//! [`crate::long_double`], which applies the same rules at 64-bit mantissa precision.
//! [`lower_hex`] writes bytes as the lowercase hex Redis replies digests and
//! passwords in.

/// `bytes` as lowercase hex, two digits a byte.
pub fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

/// Parses `s` exactly as Redis's `string2ll` (one implementation, shared with the
/// protocol decoder): the canonical decimal spelling of an `i64` and nothing else.
pub use kvdb_resp::parse_i64;

/// Whether a string value of these bytes would be stored int-encoded by Redis
/// (`OBJECT ENCODING` reports `int`): at most 20 bytes and accepted by `string2l`.
pub fn is_canonical_i64(s: &[u8]) -> bool {
    s.len() <= 20 && parse_i64(s).is_some()
}

/// Parses `s` exactly as Redis's `string2d` (`getDoubleFromObject`): see the module
/// docs for the accepted spellings. Returns `None` for anything Redis answers with
/// "value is not a valid float"; infinities spelled out (`inf`, `-Infinity`) are
/// accepted, overflowing values (`1e400`) are not.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    match scan_float(s)? {
        FloatSyntax::Infinity { negative } => Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        FloatSyntax::Decimal {
            int_digits,
            frac_digits,
            ..
        } => {
            // The grammar already checked is a subset of Rust's, and Rust's conversion
            // is correctly rounded (ties to even) like glibc's.
            let text = std::str::from_utf8(s).ok()?;
            let value: f64 = text.parse().ok()?;
            let nonzero_input = int_digits.iter().chain(frac_digits).any(|&d| d != b'0');
            if value.is_infinite() || (value == 0.0 && nonzero_input) {
                return None; // ERANGE: overflow, or underflow to zero.
            }
            Some(value)
        }
        FloatSyntax::Hex {
            negative,
            int_digits,
            frac_digits,
            exp2,
        } => {
            let value = match hex_to_binary(int_digits, frac_digits, exp2) {
                None => 0.0,
                Some((mantissa, sticky, exponent)) => {
                    let rounded = round_binary(mantissa, sticky, exponent, 53, F64_MIN_EXP)?;
                    if rounded.mantissa == 0 {
                        return None; // Underflow to zero.
                    }
                    if rounded.top_exponent() > F64_MAX_TOP {
                        return None; // Overflow.
                    }
                    // mantissa < 2^53 and the exponent is in range: exact.
                    (rounded.mantissa as f64) * pow2(rounded.exponent)
                }
            };
            Some(if negative { -value } else { value })
        }
    }
}

/// Parses `s` as Redis reads a sorted-set score bound (`zslParseRange`): C's `strtod`
/// applied to the C string, which must then be used up. That is looser than
/// [`parse_f64`]: the text stops at the first NUL byte, leading C whitespace is
/// skipped, out-of-range values become ±infinity or zero instead of being refused, and
/// an empty string (nothing converted, nothing left over) reads as 0. NaN is refused,
/// as is whitespace alone (`strtod` then consumes nothing and leaves it behind).
pub fn parse_f64_strtod(s: &[u8]) -> Option<f64> {
    let text = crate::args::c_str(s);
    if text.is_empty() {
        return Some(0.0);
    }
    let start = text.iter().position(|&b| !is_c_space(b))?;
    let text = &text[start..];
    match scan_float(text)? {
        FloatSyntax::Infinity { negative } => Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        // Rust's conversion saturates to infinity and flushes to zero as strtod does.
        FloatSyntax::Decimal { .. } => std::str::from_utf8(text).ok()?.parse().ok(),
        FloatSyntax::Hex {
            negative,
            int_digits,
            frac_digits,
            exp2,
        } => {
            let magnitude = match hex_to_binary(int_digits, frac_digits, exp2) {
                None => 0.0,
                Some((mantissa, sticky, exponent)) => {
                    let rounded = round_binary(mantissa, sticky, exponent, 53, F64_MIN_EXP)?;
                    if rounded.top_exponent() > F64_MAX_TOP {
                        f64::INFINITY
                    } else {
                        (rounded.mantissa as f64) * pow2(rounded.exponent)
                    }
                }
            };
            Some(if negative { -magnitude } else { magnitude })
        }
    }
}

/// Exponent of the least significant bit of an `f64` subnormal.
const F64_MIN_EXP: i64 = -1074;
/// Every finite `f64` is below `2^1024`.
const F64_MAX_TOP: i64 = 1024;

/// `2^e` as an `f64`, exact for `e` in `-1074..=1023`, built in two steps so that
/// subnormal powers are exact too.
fn pow2(e: i64) -> f64 {
    let half = e / 2;
    let rest = e - half;
    pow2_normal(half) * pow2_normal(rest)
}

/// `2^e` for `e` in `-1022..=1023` (the normal exponent range).
fn pow2_normal(e: i64) -> f64 {
    let biased = (e + 1023).clamp(1, 2046) as u64;
    f64::from_bits(biased << 52)
}

/// What `strtod`/`strtold` would read from a string that they consume entirely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FloatSyntax<'a> {
    /// `inf` or `infinity` in any case.
    Infinity {
        /// A leading `-` was present.
        negative: bool,
    },
    /// Decimal: `int_digits.frac_digits × 10^exp10`.
    Decimal {
        /// A leading `-` was present.
        negative: bool,
        /// Digits before the point (possibly empty).
        int_digits: &'a [u8],
        /// Digits after the point (possibly empty; not both empty).
        frac_digits: &'a [u8],
        /// The exponent after `e`, saturated to ±10^15.
        exp10: i64,
    },
    /// Hexadecimal: `0x int_digits.frac_digits × 2^exp2`.
    Hex {
        /// A leading `-` was present.
        negative: bool,
        /// Hex digits before the point (possibly empty).
        int_digits: &'a [u8],
        /// Hex digits after the point (possibly empty; not both empty).
        frac_digits: &'a [u8],
        /// The exponent after `p`, saturated to ±10^15.
        exp2: i64,
    },
}

/// Exponents are saturated here: far beyond any finite or subnormal range.
const EXP_SATURATION: i64 = 1_000_000_000_000_000;

/// C `isspace` in the C locale.
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Checks that glibc's `strtod` would consume all of `s` (Redis rejects any leftover,
/// including an embedded NUL) and that Redis's extra checks on the *syntax* pass: not
/// empty, no leading whitespace, not NaN. Range checks are left to the converter.
pub(crate) fn scan_float(s: &[u8]) -> Option<FloatSyntax<'_>> {
    let first = *s.first()?;
    if is_c_space(first) {
        return None;
    }
    let (negative, body) = match first {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(FloatSyntax::Infinity { negative });
    }
    let is_hex = body.len() > 2 && body[0] == b'0' && (body[1] | 0x20) == b'x';
    if is_hex {
        let (int_digits, frac_digits, rest) = scan_mantissa(&body[2..], |b| b.is_ascii_hexdigit())?;
        let exp2 = scan_exponent(rest, b'p')?;
        return Some(FloatSyntax::Hex {
            negative,
            int_digits,
            frac_digits,
            exp2,
        });
    }
    let (int_digits, frac_digits, rest) = scan_mantissa(body, |b| b.is_ascii_digit())?;
    let exp10 = scan_exponent(rest, b'e')?;
    Some(FloatSyntax::Decimal {
        negative,
        int_digits,
        frac_digits,
        exp10,
    })
}

/// Splits `digits [. digits]` (at least one digit in all) off the front of `s`.
fn scan_mantissa(s: &[u8], is_digit: impl Fn(u8) -> bool) -> Option<(&[u8], &[u8], &[u8])> {
    let int_len = s.iter().take_while(|&&b| is_digit(b)).count();
    let (int_digits, rest) = s.split_at(int_len);
    let (frac_digits, rest) = match rest.split_first() {
        Some((b'.', after)) => {
            let frac_len = after.iter().take_while(|&&b| is_digit(b)).count();
            after.split_at(frac_len)
        }
        _ => (&rest[..0], rest),
    };
    if int_digits.is_empty() && frac_digits.is_empty() {
        return None;
    }
    Some((int_digits, frac_digits, rest))
}

/// Parses an optional exponent (`e`/`p` in either case, optional sign, at least one
/// decimal digit) that must end the input; saturates its value.
fn scan_exponent(s: &[u8], marker: u8) -> Option<i64> {
    let Some((&m, rest)) = s.split_first() else {
        return Some(0);
    };
    if (m | 0x20) != marker {
        return None;
    }
    let (negative, digits) = match rest.split_first() {
        Some((b'-', d)) => (true, d),
        Some((b'+', d)) => (false, d),
        _ => (false, rest),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value: i64 = 0;
    for &d in digits {
        value = (value * 10 + i64::from(d - b'0')).min(EXP_SATURATION);
    }
    Some(if negative { -value } else { value })
}

/// Value of a hex digit.
fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// Turns hex mantissa digits and a binary exponent into `(m, sticky, e)` meaning
/// `(m + ε) × 2^e` with `0 <= ε < 1` and `ε > 0` iff `sticky`; `m` keeps the first 32
/// significant hex digits. `None` if the mantissa is zero.
pub(crate) fn hex_to_binary(
    int_digits: &[u8],
    frac_digits: &[u8],
    exp2: i64,
) -> Option<(u128, bool, i64)> {
    let mut mantissa: u128 = 0;
    let mut significant = 0usize;
    let mut sticky = false;
    let mut exponent = exp2;
    for (i, &d) in int_digits.iter().chain(frac_digits).enumerate() {
        let v = hex_value(d);
        let in_fraction = i >= int_digits.len();
        if significant == 0 && v == 0 {
            if in_fraction {
                exponent -= 4;
            }
            continue;
        }
        if significant < 32 {
            mantissa = (mantissa << 4) | u128::from(v);
            significant += 1;
            if in_fraction {
                exponent -= 4;
            }
        } else {
            sticky |= v != 0;
            if !in_fraction {
                exponent += 4;
            }
        }
    }
    if mantissa == 0 {
        return None;
    }
    Some((mantissa, sticky, exponent))
}

/// A finite binary value `mantissa × 2^exponent` after rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rounded {
    /// Below `2^precision`; zero if the value rounded to zero.
    pub(crate) mantissa: u64,
    /// Exponent of the mantissa's least significant bit (at least `min_exp`).
    pub(crate) exponent: i64,
}

impl Rounded {
    /// The value is below `2^top_exponent()` (and at least half that if non-zero).
    pub(crate) fn top_exponent(&self) -> i64 {
        self.exponent + i64::from(64 - self.mantissa.leading_zeros())
    }
}

/// Rounds `(m + ε) × 2^e` (`ε` in `[0, 1)`, non-zero iff `sticky`) to nearest, ties to
/// even, keeping `precision` bits (at most 64) and never letting the exponent of the
/// least significant bit go below `min_exp` (gradual underflow). The caller checks the
/// resulting exponent for overflow. `None` only if `precision` is out of range.
pub(crate) fn round_binary(
    m: u128,
    sticky: bool,
    e: i64,
    precision: u32,
    min_exp: i64,
) -> Option<Rounded> {
    if precision == 0 || precision > 64 {
        return None;
    }
    if m == 0 {
        return Some(Rounded {
            mantissa: 0,
            exponent: min_exp,
        });
    }
    let bits = i64::from(128 - m.leading_zeros());
    let shift = (bits - i64::from(precision)).max(min_exp.saturating_sub(e));
    if shift <= 0 {
        // Exact (a non-zero ε only ever comes with more than `precision` bits).
        let m = u64::try_from(m).ok()?;
        return Some(Rounded {
            mantissa: m,
            exponent: e,
        });
    }
    let (kept, round_up) = if shift > 128 {
        (0u128, false)
    } else {
        let kept = if shift == 128 { 0 } else { m >> shift };
        let rem = if shift == 128 {
            m
        } else {
            m & ((1u128 << shift) - 1)
        };
        let half = 1u128 << (shift - 1);
        let up = rem > half || (rem == half && (sticky || kept & 1 == 1));
        (kept, up)
    };
    let mut mantissa = kept + u128::from(round_up);
    let mut exponent = e.saturating_add(shift);
    if mantissa >> precision != 0 {
        mantissa >>= 1;
        exponent += 1;
    }
    Some(Rounded {
        mantissa: u64::try_from(mantissa).ok()?,
        exponent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_i64_accepts_canonical_integers() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"1"), Some(1));
        assert_eq!(parse_i64(b"-1"), Some(-1));
        assert_eq!(parse_i64(b"1234567890"), Some(1234567890));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn parse_i64_rejects_minus_zero() {
        assert_eq!(parse_i64(b"-0"), None);
    }

    #[test]
    fn parse_i64_rejects_plus_sign_spaces_and_leading_zeros() {
        for s in [
            &b"+1"[..],
            b" 1",
            b"1 ",
            b"01",
            b"00",
            b"-01",
            b"1.0",
            b"0x10",
            b"1e3",
        ] {
            assert_eq!(parse_i64(s), None, "{:?}", s);
        }
    }

    #[test]
    fn parse_i64_rejects_empty_and_lone_minus() {
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"-"), None);
    }

    #[test]
    fn parse_i64_rejects_overflow() {
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"-9223372036854775809"), None);
        assert_eq!(parse_i64(b"18446744073709551616"), None);
        assert_eq!(parse_i64(b"99999999999999999999"), None);
    }

    #[test]
    fn parse_i64_rejects_21_bytes_or_more() {
        assert_eq!(parse_i64(b"-00000000000000000001"), None);
        assert_eq!(parse_i64(b"100000000000000000000"), None);
    }

    #[test]
    fn parse_i64_rejects_embedded_nul() {
        assert_eq!(parse_i64(b"1\x00"), None);
    }

    #[test]
    fn is_canonical_i64_follows_tryobjectencoding() {
        assert!(is_canonical_i64(b"12345"));
        assert!(is_canonical_i64(b"-9223372036854775808"));
        assert!(!is_canonical_i64(b"012"));
        assert!(!is_canonical_i64(b"-0"));
        assert!(!is_canonical_i64(b"1.5"));
        assert!(!is_canonical_i64(b"9223372036854775808"));
    }

    #[test]
    fn parse_f64_strtod_follows_zslparserange() {
        assert_eq!(parse_f64_strtod(b""), Some(0.0));
        assert_eq!(parse_f64_strtod(b" 1.5"), Some(1.5));
        assert_eq!(parse_f64_strtod(b"2\0junk"), Some(2.0));
        assert_eq!(parse_f64_strtod(b"\0"), Some(0.0));
        assert_eq!(parse_f64_strtod(b"1e999"), Some(f64::INFINITY));
        assert_eq!(parse_f64_strtod(b"-1e999"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64_strtod(b"1e-999"), Some(0.0));
        assert_eq!(parse_f64_strtod(b"0x10"), Some(16.0));
        assert_eq!(parse_f64_strtod(b"0x1p99999"), Some(f64::INFINITY));
        assert_eq!(parse_f64_strtod(b"-inf"), Some(f64::NEG_INFINITY));
        for bad in [
            &b"   "[..],
            b"1 ",
            b"nan",
            b"-nan",
            b"(1",
            b"1e",
            b"0x",
            b"abc",
        ] {
            assert_eq!(parse_f64_strtod(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn parse_f64_accepts_decimal_forms() {
        assert_eq!(parse_f64(b"1"), Some(1.0));
        assert_eq!(parse_f64(b"-1.5"), Some(-1.5));
        assert_eq!(parse_f64(b"+1.5"), Some(1.5));
        assert_eq!(parse_f64(b".5"), Some(0.5));
        assert_eq!(parse_f64(b"5."), Some(5.0));
        assert_eq!(parse_f64(b"-.5e1"), Some(-5.0));
        assert_eq!(parse_f64(b"1e10"), Some(1e10));
        assert_eq!(parse_f64(b"1E+10"), Some(1e10));
        assert_eq!(parse_f64(b"00012.50"), Some(12.5));
        assert_eq!(parse_f64(b"0.1"), Some(0.1));
        assert_eq!(parse_f64(b"-0").map(f64::is_sign_negative), Some(true));
    }

    #[test]
    fn parse_f64_rejects_incomplete_or_trailing_garbage() {
        for s in [
            &b""[..],
            b".",
            b"-",
            b"+",
            b"e5",
            b"1e",
            b"1e+",
            b"1.5x",
            b"1,5",
            b"1 ",
            b"1\x00",
            b"--1",
            b"+-1",
            b"- 1",
            b"0x",
            b"0x.",
            b"0x1p",
            b"0x1.8p+",
            b"infinit",
            b"infinityy",
            b"in",
        ] {
            assert_eq!(parse_f64(s), None, "{:?}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn parse_f64_rejects_leading_whitespace() {
        for s in [&b" 1"[..], b"\t1", b"\n1", b"\x0b1", b"\x0c1", b"\r1"] {
            assert_eq!(parse_f64(s), None, "{:?}", s);
        }
    }

    #[test]
    fn parse_f64_accepts_infinity_spellings() {
        for s in [
            &b"inf"[..],
            b"INF",
            b"+inf",
            b"Infinity",
            b"+INFINITY",
            b"iNfInItY",
        ] {
            assert_eq!(parse_f64(s), Some(f64::INFINITY), "{:?}", s);
        }
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"-Infinity"), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn parse_f64_rejects_nan() {
        for s in [&b"nan"[..], b"NaN", b"-nan", b"+nan", b"nan(123)", b"nan()"] {
            assert_eq!(parse_f64(s), None, "{:?}", s);
        }
    }

    #[test]
    fn parse_f64_rejects_overflow_and_underflow_to_zero() {
        assert_eq!(parse_f64(b"1e309"), None);
        assert_eq!(parse_f64(b"-1e309"), None);
        assert_eq!(parse_f64(b"1.7976931348623159e308"), None);
        assert_eq!(parse_f64(b"1e-400"), None);
        assert_eq!(parse_f64(b"2e-324"), None);
        assert_eq!(parse_f64(b"1e99999999999999999999999"), None);
        assert_eq!(parse_f64(b"1e-99999999999999999999999"), None);
    }

    #[test]
    fn parse_f64_accepts_zero_with_any_exponent() {
        assert_eq!(parse_f64(b"0e99999999999999999999999"), Some(0.0));
        assert_eq!(parse_f64(b"0.000e-999"), Some(0.0));
        assert_eq!(parse_f64(b"0x0p99999"), Some(0.0));
    }

    #[test]
    fn parse_f64_accepts_subnormals() {
        assert_eq!(
            parse_f64(b"4.9406564584124654e-324"),
            Some(f64::from_bits(1))
        );
        assert_eq!(parse_f64(b"3e-324"), Some(f64::from_bits(1)));
        assert_eq!(parse_f64(b"1.7976931348623157e308"), Some(f64::MAX));
    }

    #[test]
    fn parse_f64_accepts_hex_floats() {
        assert_eq!(parse_f64(b"0x10"), Some(16.0));
        assert_eq!(parse_f64(b"0X1.8p1"), Some(3.0));
        assert_eq!(parse_f64(b"-0x.8"), Some(-0.5));
        assert_eq!(parse_f64(b"0x1P-2"), Some(0.25));
        assert_eq!(parse_f64(b"0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(parse_f64(b"0x1.fffffffffffffp1023"), Some(f64::MAX));
        assert_eq!(parse_f64(b"0xA"), Some(10.0));
    }

    #[test]
    fn parse_f64_rounds_hex_to_nearest_even() {
        // 2^53 + 1 is a tie between 2^53 and 2^53 + 2: even wins.
        assert_eq!(parse_f64(b"0x20000000000001"), Some(9007199254740992.0));
        assert_eq!(parse_f64(b"0x20000000000003"), Some(9007199254740996.0));
        // Any non-zero digit beyond the tie breaks it upwards.
        assert_eq!(
            parse_f64(b"0x20000000000001.00000000000000000000000000001"),
            Some(9007199254740994.0)
        );
        // Half of the smallest subnormal ties to zero: underflow, rejected.
        assert_eq!(parse_f64(b"0x1p-1075"), None);
        assert_eq!(parse_f64(b"0x1.8p-1075"), Some(f64::from_bits(1)));
        assert_eq!(parse_f64(b"0x1.fffffffffffff8p1023"), None);
        assert_eq!(parse_f64(b"0x1p1024"), None);
    }

    /// Inputs run through Redis's `string2d` compiled against glibc 2.36 (x86-64).
    #[test]
    fn parse_f64_matches_c_strtod_table() {
        for &(input, want) in STRTOD_TABLE {
            assert_eq!(
                parse_f64(input).map(f64::to_bits),
                want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    /// (input, bits of the result, or None where Redis rejects it), from C.
    const STRTOD_TABLE: &[(&[u8], Option<u64>)] = &[
        (b"-21883e+93", Some(0xd4247d65275d11c6)),
        (b"56.609004909226037986", Some(0x404c4df3df741d59)),
        (
            b"500852337179907366274761255866e-82",
            Some(0x351330586e117395),
        ),
        (b"infinity", Some(0x7ff0000000000000)),
        (b"12350133847844571351.96", Some(0x43e56c8fa9a029b9)),
        (b"13673410729416822363.", Some(0x43e7b836d3a25cf2)),
        (b"-53316936048E-8", Some(0xc080a95ad9aad6ae)),
        (b"0xE51B9B93Dda0da", Some(0x436ca373727bb41b)),
        (b"infinity", Some(0x7ff0000000000000)),
        (b"+1657843601690758665250.18", Some(0x445677cce906c6f7)),
        (b"-19351031643", Some(0xc21205a53d6c0000)),
        (
            b"474218902182187858732077477227e-319",
            Some(0x03dd93b8bb0ca8c2),
        ),
        (
            b"0x06B3743d41b.Dfc37edc1F4401fBbDp-1076",
            Some(0x0000001acdd0f507),
        ),
        (b"+0x57f8c2Dbd05d48Fe.1A1FB9E", Some(0x43d5fe30b6f41752)),
        (b"-3153", Some(0xc0a8a20000000000)),
        (b"-4e-320", Some(0x8000000000001fa0)),
        (b"0x67d0fF7cea81Bb32eef8p-1001", Some(0x0649f43fdf3aa06f)),
        (b"+0X5c8dc9A610A2E6", Some(0x43572372698428ba)),
        (
            b"-1512712075638.848353127017617225646972656249999",
            Some(0xc276034aa7976d93),
        ),
        (b"0Xf2778De.5e83B7FB4c57dCF082", Some(0x41ae4ef1bcbd0770)),
        (
            b"3183330383419361733125370090964338502342607113e87",
            Some(0x5b71f070dac30667),
        ),
        (b"+548.0231017E-224", Some(0x11ffb202f6be148a)),
        (b"0Xe736CAaD.bF7AB72eBCaF82P-1021", Some(0x021ce6d955b7ef57)),
        (b"0x2dBE010eB89d616B1P+32", Some(0x4606df00875c4eb1)),
        (b"-INF", Some(0xfff0000000000000)),
        (b"+53100752636244669182522.1834", Some(0x44a67d31f47da386)),
        (b"0XE4e4BEbF7DDE3B3a8f0.A", Some(0x44ac9c97d7efbbc7)),
        (b"-17532109330162365779456", Some(0xc48db35725157dbc)),
        (
            b"-08761288444049.8014891862064986020405E+156",
            Some(0xe302927368bb7db9),
        ),
        (b"-511.27981478608564", Some(0xc07ff47a1f11b2cd)),
        (b"3152437533.89884729942709803436", Some(0x41e77ccc23bcc35b)),
        (
            b"3366017618066073766.34616753708058",
            Some(0x43c75b3f98484474),
        ),
        (b"0X1BF83EcCc455264Df", Some(0x43fbf83eccc45526)),
        (b"+0996053600971.07251685858e+254", Some(0x7728b665cca136d2)),
        (
            b"-0x709C5BAd399.a5B9D479Cd5b2bP+56",
            Some(0xc61c2716eb4e6697),
        ),
        (b"15.850708933725761635016157", Some(0x402fb3901f1188cc)),
        (
            b"-929592846304945991555235645526455019047037666e76",
            Some(0xd90cccaa0fa0aaa2),
        ),
        (b"0846358707207976361.2484", Some(0x43a77dbd851f616b)),
        (b"78863788438272070728", Some(0x441119d1d6fc430f)),
        (b"13659502090830.03656020e22", Some(0x473a4ea78caa9f1c)),
        (b"-7278.99090357764e24", Some(0xc5b7850a478edcb3)),
        (b"0x27P1007", Some(0x7f33800000000000)),
        (
            b"-279898493106845.1398309341424999828748041e-254",
            Some(0x8e32a9e6671e20ef),
        ),
        (b"+0x4dDcc790cd47722C", Some(0x43d37731e43351dd)),
        (b"-697097252374", Some(0xc26449c77dc2c000)),
        (b"INF", Some(0x7ff0000000000000)),
        (b"0X17C3e9AAD3CB3f.96ab6Fbp69", Some(0x4787c3e9aad3cb40)),
        (b"125.6E+10", Some(0x427246f6f1000000)),
        (b"4726371289436979.", Some(0x4330ca9c11c89333)),
        (b"42666085041891359.9384765625", Some(0x4362f292815c1d04)),
        (
            b"262557194165716575210410063597404160",
            Some(0x47494888d8ce19d0),
        ),
        (b"0x.5BBFb60332p49", Some(0x42e6efed80cc8000)),
        (b"+06045491688.46", Some(0x41f6856e1e875c29)),
        (b"-90048.49118582258324107032", Some(0xc0f5fc07dbe5aa44)),
        (b"+1542660653541592970347199e-192", Some(0x1d1749ab83de2bdf)),
        (b"011636642847597.320955e-18", Some(0x3ee8676003d090d1)),
        (
            b"156863390863486299791108337999610e83",
            Some(0x57d97aa30bf1f262),
        ),
        (b"6", Some(0x4018000000000000)),
        (
            b"64728984921.12475836463272571563720703125",
            Some(0x422e244bdab23fe0),
        ),
        (b"0XbEaE7Fc.A99B", Some(0x41a7d5cff9533600)),
        (b"-2.5e-324", Some(0x8000000000000001)),
        (b"+4e-320", Some(0x0000000000001fa0)),
        (b"0XF11c20fe5bBb1B", Some(0x436e23841fcb7763)),
        (b"Infinity", Some(0x7ff0000000000000)),
        (b"+249.3663", Some(0x406f2bb8bac710cb)),
        (b"2.5e-324", Some(0x0000000000000001)),
        (
            b"13634227205.514599800109863281249999",
            Some(0x4209654e602c1de6),
        ),
        (
            b"-092693657330909361.624299452891040771",
            Some(0xc37495063e62400b),
        ),
        (b"+954.5794706937176710818493", Some(0x408dd4a2c187f410)),
        (b"-0xDfdeaF0BEaECfdF.1dBDB2De96", Some(0xc3abfbd5e17d5da0)),
        (b"+Infinity", Some(0x7ff0000000000000)),
        (b"390208.6469590513085E-314", Some(0x0002ce4f919b79a0)),
        (
            b"182218853370.789911112100424743341",
            Some(0x4245368b85fd651c),
        ),
        (b"0X5f317A8CAEF822a0p44", Some(0x4697cc5ea32bbe09)),
        (b"-59066308244", Some(0xc22b8140ad280000)),
        (b"-4e-320", Some(0x8000000000001fa0)),
        (b"+620634951333.95585362851051373", Some(0x4262101739d4be96)),
        (b"+8851602695410674299509e-19", Some(0x408ba9483b65ab70)),
        (
            b"4205829233550582678646983573486051024926e-280",
            Some(0x0e066f850e5dbc13),
        ),
        (
            b"08565835406708140416.064352943782466986663",
            Some(0x43ddb7fd7acb535a),
        ),
        (
            b"+2143.56956168489500554282492E127",
            Some(0x5afeec9cde97f7e5),
        ),
        (
            b"0X1bc2cC957b45c496Bd0c.91BeB0FC0A85",
            Some(0x44bbc2cc957b45c5),
        ),
        (
            b"+0xeDeEbff8.4d07dFf73cAd33EDAP42",
            Some(0x448dbdd7ff09a0fc),
        ),
        (b"371015972809493453794172", Some(0x44d3a4343c69d73d)),
        (b"5739125483", Some(0x41f56141aeb00000)),
        (b"-0xAa2A43A2C4dd8ACe629", Some(0xc4a5454874589bb1)),
        (b"+54805944899388896632.73904e7", Some(0x457c5581a4334747)),
        (b"+4e-320", Some(0x0000000000001fa0)),
        (b"+0X0ab172fP+45", Some(0x443562e5e0000000)),
        (b"+0XBb4779DF5daE30b347C.bDc784eA", Some(0x44a768ef3bebb5c6)),
        (b"4439952684", Some(0x41f08a44d2c00000)),
        (b"+8.313912902449397526E6", Some(0x415fb70e39c1bb1e)),
        (b"+Infinity", Some(0x7ff0000000000000)),
        (b"0xe7F8E8AfFeFd2A0", Some(0x43acff1d15ffdfa5)),
        (b"0X0faef3Ce5", Some(0x41ef5de79ca00000)),
        (b"-0x4DbcA1aa50f85B04.1e18c64118E", Some(0xc3d36f286a943e17)),
        (
            b"82754254619778215984460.6491095679405622531734",
            Some(0x44b1861dfc5ddb2d),
        ),
        (
            b"65498683593134246923.0590963382739814204e-295",
            Some(0x06cd06d9d9ee1d52),
        ),
        (b"6791828876025E10", Some(0x44acc3b73309dcc6)),
        (b"0X549662f3D.98153p5", Some(0x42652598bcf66055)),
        (b"5.86e-316", Some(0x000000000711cf68)),
        (b"10897990580749936365469.4761", Some(0x4482764001a94e88)),
        (b"0Xb8355ED12dF.14ad86C3c67B64CA", Some(0x42a706abda25be29)),
        (b"0x6Becb77713aa18C", Some(0x439afb2dddc4ea86)),
        (b"17579993132404672580", Some(0x43ee7f15d38e5931)),
        (b"7850601458787431895e142", Some(0x6156560383ff2bcc)),
        (b"5907759.2252307", Some(0x4156894bce6a2e07)),
        (
            b"+42563861953329968058422589559846588839847e-289",
            Some(0x0c5e797cafdc9685),
        ),
        (b"885725669955649493.85595", Some(0x43a895759bac4d80)),
        (b"8129577331922368349E238", Some(0x7545a83c1ac45004)),
        (b"92c-ca", None),
        (b"p5.2it53AEN", None),
        (b"IFpbFy3P", None),
        (b"1e-4950", None),
        (b"..8F", None),
        (b"+1.2e4932", None),
        (b"cy89", None),
        (b"1T 4b9typ1A", None),
        (b"", None),
        (b"pc+yn656A3d", None),
        (b"0XB5FEb33deE47fP-16496", None),
        (b"d 544c5+a2", None),
        (b"+e+4956", None),
        (b"\x09", None),
        (b"+nan", None),
        (b"+0x1Bf.d6B3ac31p+16463", None),
        (b"0XE11dE.FB99E6a68f2p-16357", None),
        (b"+0x9EDb8ef9.ac8DCfp1028", None),
        (b"X1+.6eT7", None),
        (b"\x002", None),
        (b"6FiA\x00eNni20", None),
        (b".x+2TA", None),
        (b"0Xe11B5p+1062", None),
        (b"N", None),
        (b"XxN2T.6Iiyb", None),
        (b"28780343E+335", None),
        (b" .4iaeab i3N", None),
        (b"+1e-4951", None),
        (b"b73-A", None),
        (b"+0Xcc1DBEP-16316", None),
        (b"", None),
        (b" P9", None),
        (b"+.29772628635522E4938", None),
        (b"bxtIt7E5P", None),
        (b".Ean7dy", None),
        (b"N", None),
        (b"-0XB891F6F39bp16443", None),
        (b"-232225009062496e+4950", None),
        (b"8A.A", None),
        (b"-0xa0a22p1038", None),
        (b"N0f90\x00P+ai", None),
        (b"0xecf.p-16379", None),
        (b"42507.E+330", None),
        (b"+1e4932", None),
        (b"dNPX2p1", None),
        (b"5a-1454dy9", None),
        (b"E3-", None),
        (b"+e-251", None),
        (b"+x0f-6Ea0", None),
        (b"", None),
    ];

    proptest::proptest! {
        #[test]
        fn parse_i64_round_trips_every_i64(n in proptest::prelude::any::<i64>()) {
            proptest::prop_assert_eq!(parse_i64(n.to_string().as_bytes()), Some(n));
        }

        #[test]
        fn parse_f64_round_trips_finite_f64(bits in proptest::prelude::any::<u64>()) {
            let x = f64::from_bits(bits);
            if x.is_finite() && x != 0.0 {
                let text = format!("{:e}", x);
                proptest::prop_assert_eq!(parse_f64(text.as_bytes()), Some(x));
            }
        }

        #[test]
        fn parsers_never_panic(s in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
            let _ = parse_i64(&s);
            let _ = parse_f64(&s);
        }

        #[test]
        fn parse_f64_agrees_with_rust_on_plain_decimals(s in "-?[0-9]{1,20}(\\.[0-9]{0,20})?(e-?[0-9]{1,3})?") {
            let ours = parse_f64(s.as_bytes());
            let rust: f64 = s.parse().unwrap();
            if rust.is_finite() && (rust != 0.0 || !s.trim_start_matches('-').bytes().take_while(|b| *b != b'e').any(|b| (b'1'..=b'9').contains(&b))) {
                proptest::prop_assert_eq!(ours, Some(rust));
            } else {
                proptest::prop_assert_eq!(ours, None);
            }
        }
    }
}
