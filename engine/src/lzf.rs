//! LZF compression as Redis's RDB writer uses it (liblzf 3.6 configured with a 16-bit
//! hash, its "very fast" mode and strict alignment), so that a payload kvdb writes is
//! the payload Redis writes; and the decompressor for payloads Redis wrote.
//!
//! The format: `000LLLLL` starts a run of L+1 literal bytes; `LLLooooo oooooooo` copies
//! L+2 bytes from o+1 bytes back; `111ooooo LLLLLLLL oooooooo` copies L+9 bytes.
//!
//! Written here rather than taken from a crate: Redis stops compressing as soon as the
//! output would pass `len - 4` bytes, and which inputs count as compressible is part
//! of the bytes of `FUNCTION DUMP`. Redis leaves the hash table uninitialised (any stale
//! slot is checked before use, so output is always valid); kvdb starts it empty, which
//! is what a fresh Redis process does in practice.

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

fn hash_slot(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

/// Compresses `input` into at most `limit` bytes; `None` when it does not fit (Redis
/// then stores the string as it is).
pub fn compress(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    if input.is_empty() || limit == 0 {
        return None;
    }
    let len = input.len();
    // Positions are stored plus one, so 0 means an empty slot.
    let mut table = vec![0u32; HSIZE];
    // The output may run a few bytes past `limit` before the checks refuse it.
    let mut out = vec![0u8; limit + 4];
    let first = |i: usize| (u32::from(input[i]) << 8) | u32::from(input[i + 1]);
    let next = |h: u32, i: usize| (h << 8) | u32::from(input[i + 2]);
    let mut ip = 0usize;
    let mut op = 1usize; // a literal run starts with its length byte
    let mut lit = 0usize;
    let mut hval = if len >= 2 { first(0) } else { 0 };
    while len > 2 && ip < len - 2 {
        hval = next(hval, ip);
        let slot = hash_slot(hval);
        let reference = table[slot].checked_sub(1).map(|r| r as usize);
        table[slot] = ip as u32 + 1;
        let found = reference.filter(|&r| {
            r > 0
                && r < ip
                && ip - r - 1 < MAX_OFF
                && input[r + 2] == input[ip + 2]
                && input[r] == input[ip]
                && input[r + 1] == input[ip + 1]
        });
        let Some(r) = found else {
            // One more literal byte.
            if op >= limit {
                return None;
            }
            push_literal(&mut out, &mut op, &mut lit, input[ip]);
            ip += 1;
            continue;
        };
        let off = ip - r - 1;
        let maxlen = (len - ip - 2).min(MAX_REF);
        if op + 4 >= limit && op - usize::from(lit == 0) + 4 >= limit {
            return None;
        }
        // Close the literal run (or take back its unused length byte).
        out[op - lit - 1] = lit.wrapping_sub(1) as u8;
        op -= usize::from(lit == 0);
        // The match length: liblzf first compares sixteen bytes unconditionally when
        // more than sixteen may match, then goes on byte by byte up to `maxlen`.
        let mut n = 2;
        let mut mismatched = false;
        if maxlen > 16 {
            for _ in 0..16 {
                n += 1;
                if input[r + n] != input[ip + n] {
                    mismatched = true;
                    break;
                }
            }
        }
        if !mismatched {
            loop {
                n += 1;
                if !(n < maxlen && input[r + n] == input[ip + n]) {
                    break;
                }
            }
        }
        let code = n - 2;
        ip += 1;
        if code < 7 {
            out[op] = ((off >> 8) + (code << 5)) as u8;
            op += 1;
        } else {
            out[op] = ((off >> 8) + (7 << 5)) as u8;
            out[op + 1] = (code - 7) as u8;
            op += 2;
        }
        out[op] = off as u8;
        op += 2; // the byte after starts a new literal run
        lit = 0;
        ip += code + 1;
        if ip >= len - 2 {
            break;
        }
        // Hash the last two positions of the match too.
        ip -= 2;
        hval = first(ip);
        hval = next(hval, ip);
        table[hash_slot(hval)] = ip as u32 + 1;
        ip += 1;
        hval = next(hval, ip);
        table[hash_slot(hval)] = ip as u32 + 1;
        ip += 1;
    }
    if op + 3 > limit {
        return None;
    }
    while ip < len {
        push_literal(&mut out, &mut op, &mut lit, input[ip]);
        ip += 1;
    }
    out[op - lit - 1] = lit.wrapping_sub(1) as u8;
    op -= usize::from(lit == 0);
    out.truncate(op);
    Some(out)
}

/// Appends one literal byte at `op` to the run of `lit` bytes, closing the run at
/// `MAX_LIT` bytes and leaving room for the next run's length byte.
fn push_literal(out: &mut [u8], op: &mut usize, lit: &mut usize, byte: u8) {
    *lit += 1;
    out[*op] = byte;
    *op += 1;
    if *lit == MAX_LIT {
        out[*op - *lit - 1] = (*lit - 1) as u8;
        *lit = 0;
        *op += 1;
    }
}

/// Decompresses `input` into exactly `expected` bytes; `None` when the data is corrupt
/// or does not decompress to that length.
pub fn decompress(input: &[u8], expected: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(expected.min(1 << 20));
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = usize::from(input[ip]);
        ip += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            let literal = input.get(ip..ip + run)?;
            if out.len() + run > expected {
                return None;
            }
            out.extend_from_slice(literal);
            ip += run;
        } else {
            let mut n = ctrl >> 5;
            if n == 7 {
                n += usize::from(*input.get(ip)?);
                ip += 1;
            }
            let back = ((ctrl & 0x1f) << 8) + usize::from(*input.get(ip)?) + 1;
            ip += 1;
            let n = n + 2;
            if back > out.len() || out.len() + n > expected {
                return None;
            }
            let start = out.len() - back;
            // Byte by byte: a copy may overlap what it writes.
            for k in 0..n {
                out.push(out[start + k]);
            }
        }
    }
    (out.len() == expected).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Redis 7.0.15 wrote in `FUNCTION DUMP` for this library.
    #[test]
    fn compresses_like_redis() {
        let code = b"#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 'hello hello hello hello' end)";
        let compressed = compress(code, code.len() - 4).unwrap();
        let expected: &[u8] = b"\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)";
        assert_eq!(compressed, expected);
        assert_eq!(decompress(&compressed, code.len()).unwrap(), code);
    }

    #[test]
    fn incompressible_input_does_not_fit() {
        let text: Vec<u8> = (0u8..=255).collect();
        assert_eq!(compress(&text, text.len() - 4), None);
    }

    #[test]
    fn round_trips() {
        let inputs: [&[u8]; 4] = [
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            b"abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc-xyz-abcabcabc",
            &[7u8; 5000],
            b"redis.register_function('f1', function() return 1 end) redis.register_function('f2', function() return 2 end)",
        ];
        for input in inputs {
            let compressed = compress(input, input.len() - 4).unwrap();
            assert_eq!(decompress(&compressed, input.len()).unwrap(), input);
        }
    }

    #[test]
    fn corrupt_input_is_refused() {
        assert_eq!(decompress(b"\x05ab", 6), None);
        assert_eq!(decompress(b"\x20\x05", 3), None);
        assert_eq!(decompress(b"\x01ab", 3), None);
    }
}
