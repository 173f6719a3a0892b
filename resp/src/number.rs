//! Hand-written integer parsing and formatting shared by the codec.
//!
//! [`parse_i64`] follows Redis's strict `string2ll` rules (no sign other than a
//! leading `-`, no leading zeros, no spaces, at most 20 characters), which is how
//! Redis reads every length prefix in the protocol. The digit writers format into
//! a caller-provided stack buffer so the reply path never allocates.

/// Longest textual form of an `i64` (`-9223372036854775808`) plus one, like
/// Redis's `LONG_STR_SIZE`: inputs this long or longer are rejected outright.
const LONG_STR_SIZE: usize = 21;

/// Parses `s` as a signed 64-bit integer with Redis's strict `string2ll` rules.
///
/// Accepted: `0`, or an optional `-` followed by a digit 1-9 and more digits,
/// in range. Rejected: the empty string, `+5`, `05`, `-0`, ` 5`, `5 `, overflow.
/// Parses `s` exactly as Redis's `string2ll`: the canonical decimal spelling of an
/// `i64` and nothing else (`"-0"`, `"+1"`, `"01"`, `" 1"` and `""` are all rejected).
#[inline]
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() >= LONG_STR_SIZE {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let (&first, rest) = digits.split_first()?;
    if !(b'1'..=b'9').contains(&first) {
        return None;
    }
    let mut value = u64::from(first - b'0');
    for &b in rest {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    if negative {
        // -(i64::MIN) does not fit an i64, so go through the unsigned magnitude.
        if value > i64::MIN.unsigned_abs() {
            None
        } else {
            Some(0i64.wrapping_sub_unsigned(value))
        }
    } else {
        i64::try_from(value).ok()
    }
}

/// Two ASCII digits for every value 0..100, for writing digits in pairs.
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes the decimal digits of `n` at the end of `buf` and returns the index of
/// the first digit (`buf[start..]` is the number).
#[inline]
pub(crate) fn write_u64(mut n: u64, buf: &mut [u8; 20]) -> usize {
    let mut pos = buf.len();
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        pos -= 2;
        buf[pos] = DIGIT_PAIRS[pair];
        buf[pos + 1] = DIGIT_PAIRS[pair + 1];
    }
    if n >= 10 {
        let pair = n as usize * 2;
        pos -= 2;
        buf[pos] = DIGIT_PAIRS[pair];
        buf[pos + 1] = DIGIT_PAIRS[pair + 1];
    } else {
        pos -= 1;
        buf[pos] = b'0' + n as u8;
    }
    pos
}

/// A stack-built protocol header: a type byte, an integer and `\r\n`
/// (`:-42\r\n`, `$5\r\n`, `*3\r\n`), at most 1 + 20 + 2 bytes.
pub(crate) struct Header {
    buf: [u8; 24],
    start: usize,
}

impl Header {
    /// Builds `<kind><n>\r\n` for a signed `n`.
    #[inline]
    pub(crate) fn signed(kind: u8, n: i64) -> Header {
        let mut digits = [0u8; 20];
        let mut start = write_u64(n.unsigned_abs(), &mut digits);
        if n < 0 {
            start -= 1;
            digits[start] = b'-';
        }
        Header::assemble(kind, &digits[start..])
    }

    /// Builds `<kind><n>\r\n` for an unsigned `n`.
    #[inline]
    pub(crate) fn unsigned(kind: u8, n: u64) -> Header {
        let mut digits = [0u8; 20];
        let start = write_u64(n, &mut digits);
        Header::assemble(kind, &digits[start..])
    }

    #[inline]
    fn assemble(kind: u8, digits: &[u8]) -> Header {
        let mut buf = [0u8; 24];
        // Right-align so the common tail ("\r\n") sits at a fixed place.
        let end = buf.len();
        buf[end - 2] = b'\r';
        buf[end - 1] = b'\n';
        let start = end - 2 - digits.len() - 1;
        buf[start] = kind;
        buf[start + 1..end - 2].copy_from_slice(digits);
        Header { buf, start }
    }

    /// The header's bytes.
    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_i64_follows_string2ll() {
        let ok: &[(&[u8], i64)] = &[
            (b"0", 0),
            (b"1", 1),
            (b"-1", -1),
            (b"10", 10),
            (b"9223372036854775807", i64::MAX),
            (b"-9223372036854775808", i64::MIN),
            (b"2147483648", 2147483648),
        ];
        for (s, v) in ok {
            assert_eq!(parse_i64(s), Some(*v), "{:?}", String::from_utf8_lossy(s));
        }
        let bad: &[&[u8]] = &[
            b"",
            b"-",
            b"+1",
            b"01",
            b"-0",
            b"00",
            b" 1",
            b"1 ",
            b"1a",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"18446744073709551616",
            b"100000000000000000000",
            b"0x10",
            b"1.0",
        ];
        for s in bad {
            assert_eq!(parse_i64(s), None, "{:?}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn write_u64_matches_std() {
        let mut values = vec![0u64, 1, 9, 10, 11, 99, 100, 101, 999, 1000, u64::MAX];
        let mut x = 1u64;
        while let Some(next) = x.checked_mul(10) {
            values.extend([x - 1, x, x + 1]);
            x = next;
        }
        for v in values {
            let mut buf = [0u8; 20];
            let start = write_u64(v, &mut buf);
            assert_eq!(&buf[start..], v.to_string().as_bytes());
        }
    }

    #[test]
    fn headers() {
        assert_eq!(Header::signed(b':', -42).as_bytes(), b":-42\r\n");
        assert_eq!(
            Header::signed(b':', i64::MIN).as_bytes(),
            b":-9223372036854775808\r\n"
        );
        assert_eq!(Header::unsigned(b'$', 0).as_bytes(), b"$0\r\n");
        assert_eq!(
            Header::unsigned(b'*', u64::MAX).as_bytes(),
            b"*18446744073709551615\r\n"
        );
    }
}
