//! Number formatting exactly as Redis prints numbers in replies.
//!
//! [`double_g17`] reproduces C's `printf("%.17g", d)` (glibc) byte for byte,
//! which is what Redis 7.0 uses for RESP3 double replies and for scores sent as
//! bulk strings. [`integer`] is Redis's `ll2string`.

use crate::number;

/// Longest `%.17g` output: `-1.2345678901234567e-308` is 24 bytes.
pub const G17_MAX: usize = 32;

/// Formats `d` like C's `printf("%.17g", d)` byte for byte (what Redis 7.0 uses
/// for double replies) and appends it to `out`.
///
/// Non-finite values print as `inf`, `-inf` and `nan` (glibc prints `-nan` for a
/// NaN whose sign bit is set, and so does this). Examples: `0.1` ->
/// `0.10000000000000001`, `1.5` -> `1.5`, `1e20` -> `1e+20`, `100` -> `100`,
/// `-0.0` -> `-0`.
pub fn double_g17(d: f64, out: &mut Vec<u8>) {
    let mut buf = [0u8; G17_MAX];
    let len = g17_into(d, &mut buf);
    out.extend_from_slice(&buf[..len]);
}

/// Appends Redis's decimal form of `n` (as `ll2string`: plain digits with a
/// leading `-` for negatives) to `out`.
pub fn integer(n: i64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let start = number::write_u64(n.unsigned_abs(), &mut digits);
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[start..]);
}

/// The longest decimal form of an `i64` (`-9223372036854775808`).
pub const INTEGER_MAX: usize = 20;

/// Writes [`integer`]'s form of `n` into `buf`, returning the length: for callers that
/// must not allocate (INCR stores its result this way).
pub fn integer_into(n: i64, buf: &mut [u8; INTEGER_MAX]) -> usize {
    let mut digits = [0u8; 20];
    let start = number::write_u64(n.unsigned_abs(), &mut digits);
    let sign = usize::from(n < 0);
    buf[0] = b'-';
    let len = sign + digits.len() - start;
    buf[sign..len].copy_from_slice(&digits[start..]);
    len
}

/// A fixed-size stack buffer that `core::fmt` can write into.
struct StackBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl std::fmt::Write for StackBuf<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Writes `%.17g` of `d` into `buf`, returning the length: [`double_g17`] for callers
/// that must not allocate (the Lua host formats `redis.call` arguments this way).
pub fn g17_into(d: f64, buf: &mut [u8; G17_MAX]) -> usize {
    if d.is_nan() {
        let s: &[u8] = if d.is_sign_negative() {
            b"-nan"
        } else {
            b"nan"
        };
        buf[..s.len()].copy_from_slice(s);
        return s.len();
    }
    if d.is_infinite() {
        let s: &[u8] = if d < 0.0 { b"-inf" } else { b"inf" };
        buf[..s.len()].copy_from_slice(s);
        return s.len();
    }
    // An integer below 2^53 has at most 16 digits, so `%.17g` prints exactly its
    // digits (no point, no exponent): skip the general conversion, whose exact mode
    // falls back to slow bignum arithmetic for such values. `-0.0` keeps its sign.
    if d.fract() == 0.0 && d.abs() < 9_007_199_254_740_992.0 {
        let mut digits = [0u8; 20];
        let start = number::write_u64(d.abs() as u64, &mut digits);
        let negative = usize::from(d.is_sign_negative());
        buf[0] = b'-';
        buf[negative..negative + 20 - start].copy_from_slice(&digits[start..]);
        return negative + 20 - start;
    }

    // Rust's `{:.16e}` is the correctly rounded 17-significant-digit scientific
    // form (ties to even on exact halves, like glibc): `-1.2345678901234567e-5`.
    let mut sci = [0u8; G17_MAX];
    let mut w = StackBuf {
        buf: &mut sci,
        len: 0,
    };
    if std::fmt::write(&mut w, format_args!("{d:.16e}")).is_err() {
        // Cannot happen: the longest form is 25 bytes.
        return 0;
    }
    let sci_len = w.len;
    let sci = &sci[..sci_len];

    let negative = sci.first() == Some(&b'-');
    let body = if negative { &sci[1..] } else { sci };
    // body = D.DDDDDDDDDDDDDDDDe[-]X
    let e_at = body.iter().position(|&b| b == b'e').unwrap_or(body.len());
    let mut digits = [0u8; 17];
    let mut n = 0;
    for &b in &body[..e_at] {
        if b.is_ascii_digit() && n < digits.len() {
            digits[n] = b;
            n += 1;
        }
    }
    let exp_text = body.get(e_at + 1..).unwrap_or(b"");
    let (exp_negative, exp_digits) = match exp_text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, exp_text),
    };
    let mut exp: i32 = 0;
    for &b in exp_digits {
        exp = exp * 10 + i32::from(b - b'0');
    }
    if exp_negative {
        exp = -exp;
    }

    // %g drops trailing zeros of the significand (no '#' flag).
    let mut sig = n;
    while sig > 1 && digits[sig - 1] == b'0' {
        sig -= 1;
    }
    let digits = &digits[..sig];

    let mut len = 0;
    let mut push = |b: u8| {
        buf[len] = b;
        len += 1;
    };
    if negative {
        push(b'-');
    }
    // C: with precision P=17 and decimal exponent X, use fixed notation when
    // P > X >= -4, else exponent notation.
    if (-4..17).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            for i in 0..int_len {
                push(digits.get(i).copied().unwrap_or(b'0'));
            }
            if digits.len() > int_len {
                push(b'.');
                for &b in &digits[int_len..] {
                    push(b);
                }
            }
        } else {
            push(b'0');
            push(b'.');
            for _ in 0..(-exp - 1) {
                push(b'0');
            }
            for &b in digits {
                push(b);
            }
        }
    } else {
        push(digits[0]);
        if digits.len() > 1 {
            push(b'.');
            for &b in &digits[1..] {
                push(b);
            }
        }
        push(b'e');
        push(if exp < 0 { b'-' } else { b'+' });
        let mag = exp.unsigned_abs();
        if mag >= 100 {
            push(b'0' + (mag / 100) as u8);
        }
        push(b'0' + (mag / 10 % 10) as u8);
        push(b'0' + (mag % 10) as u8);
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g17(d: f64) -> String {
        let mut out = Vec::new();
        double_g17(d, &mut out);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn integer_into_writes_what_integer_appends() {
        for n in [0, 1, -1, 9, -10, 12345, i64::MAX, i64::MIN, i64::MIN + 1] {
            let mut buf = [0u8; INTEGER_MAX];
            let len = integer_into(n, &mut buf);
            assert_eq!(&buf[..len], n.to_string().as_bytes());
        }
    }

    #[test]
    #[allow(clippy::excessive_precision)] // exact binary ties, written in full
    fn documented_examples() {
        assert_eq!(g17(0.1), "0.10000000000000001");
        assert_eq!(g17(1.5), "1.5");
        assert_eq!(g17(1e20), "1e+20");
        assert_eq!(g17(100.0), "100");
        assert_eq!(g17(-0.0), "-0");
        assert_eq!(g17(0.0), "0");
        assert_eq!(g17(f64::INFINITY), "inf");
        assert_eq!(g17(f64::NEG_INFINITY), "-inf");
        assert_eq!(g17(f64::NAN), "nan");
        assert_eq!(g17(-f64::NAN), "-nan");
        assert_eq!(g17(1e16), "10000000000000000");
        assert_eq!(g17(-12345.0), "-12345");
        assert_eq!(g17(9007199254740991.0), "9007199254740991");
        assert_eq!(g17(9007199254740992.0), "9007199254740992");
        assert_eq!(g17(1e17), "1e+17");
        assert_eq!(g17(1e-5), "1.0000000000000001e-05");
        assert_eq!(g17(0.0001), "0.0001");
        assert_eq!(g17(5e-324), "4.9406564584124654e-324");
        assert_eq!(g17(f64::MAX), "1.7976931348623157e+308");
        // Exact ties round half to even, like glibc.
        assert_eq!(g17(1234567890123456.25), "1234567890123456.2");
        assert_eq!(g17(1234567890123456.75), "1234567890123456.8");
    }

    /// Expected strings were produced by glibc's `printf("%.17g")`; each line of
    /// `tests/data/double_g17.tsv` is `<f64 bits in hex>\t<expected>`. The
    /// generator (`gcc gen.c -o gen -lm && ./gen > tests/data/double_g17.tsv`) is kept here for reference:
    ///
    /// ```c
    /// #include <stdio.h>
    /// #include <stdint.h>
    /// #include <string.h>
    /// #include <stdlib.h>
    /// #include <float.h>
    /// #include <math.h>
    /// static uint64_t s = 88172645463325252ull;
    /// static uint64_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
    /// static void emit(double d) {
    ///     uint64_t b; memcpy(&b, &d, 8);
    ///     if (isnan(d)) return;
    ///     printf("%016llx\t%.17g\n", (unsigned long long)b, d);
    /// }
    /// int main(void) {
    ///     for (int i = 0; i < 1500; i++) { uint64_t b = rnd(); double d; memcpy(&d, &b, 8); emit(d); }
    ///     for (int e = -330; e <= 310; e++) { char t[32]; snprintf(t, 32, "1e%d", e);
    ///         double d = strtod(t, 0); emit(d); emit(-d); emit(nextafter(d, 0)); emit(nextafter(d, INFINITY)); }
    ///     for (int e = -1074; e <= 1023; e += 7) emit(ldexp(1, e));
    ///     for (int i = 0; i < 200; i++) { uint64_t b = rnd() % 0x0010000000000000ull; double d; memcpy(&d, &b, 8); emit(d); }
    ///     for (int i = 0; i < 200; i++) { double k = ldexp(1, 50) + (double)(rnd() % (1ull << 50)); emit(k + 0.25); emit(k + 0.75); emit(k + 0.5); }
    ///     for (int i = 0; i < 300; i++) { emit((double)(int64_t)(rnd() % 2000001) / 1000.0 - 1000.0); emit((double)(rnd() >> 11)); }
    ///     for (int i = 0; i < 300; i++) { double d = (double)(rnd() % 1000000) * pow(10, (int)(rnd() % 40) - 20); emit(d); }
    ///     emit(0.0); emit(-0.0); emit(INFINITY); emit(-INFINITY); emit(DBL_MAX); emit(DBL_MIN); emit(DBL_TRUE_MIN);
    ///     return 0;
    /// }
    /// ```
    #[test]
    fn matches_glibc_table() {
        let table = include_str!("../tests/data/double_g17.tsv");
        let mut checked = 0;
        for line in table.lines().filter(|l| !l.is_empty()) {
            let (bits, expected) = line.split_once('\t').expect("tab-separated line");
            let bits = u64::from_str_radix(bits, 16).expect("hex bits");
            let d = f64::from_bits(bits);
            assert_eq!(g17(d), expected, "bits {bits:016x}");
            checked += 1;
        }
        assert!(checked > 3000, "table too small: {checked}");
    }

    #[test]
    fn g17_round_trips() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let d = f64::from_bits(x);
            if !d.is_finite() {
                continue;
            }
            let text = g17(d);
            let back: f64 = text.parse().expect("parses");
            assert_eq!(back.to_bits(), d.to_bits(), "{text}");
        }
    }

    #[test]
    fn integer_like_ll2string() {
        for n in [
            0i64,
            1,
            -1,
            42,
            -42,
            i64::MAX,
            i64::MIN,
            1_000_000,
            -999_999,
        ] {
            let mut out = Vec::new();
            integer(n, &mut out);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}
