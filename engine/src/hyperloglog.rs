//! HyperLogLog exactly as Redis 7.0 keeps it (`hyperloglog.c`): a string value of a
//! 16-byte header (`HYLL`, the encoding, three zero bytes, and the cached cardinality,
//! little-endian, whose top bit marks it stale) followed by 16384 registers of 6 bits,
//! either dense (12288 bytes, packed little-endian) or sparse (run-length opcodes:
//! `ZERO` 00xxxxxx, `XZERO` 01xxxxxx yyyyyyyy, `VAL` 1vvvvvxx).
//!
//! The bytes are Redis's, because clients GET, DUMP and SET these strings: the sparse
//! form is edited in place as Redis edits it (split the run, then merge equal values
//! nearby), which is history-dependent, and it turns dense at the same moment
//! (a register above 32, or past `hll-sparse-max-bytes`). Elements hash with
//! MurmurHash64A (seed 0xadc83b19), and the count is Ertl's estimator, as in Redis.

/// Header bytes before the registers.
pub const HEADER_LEN: usize = 16;
/// Number of registers (2^14).
pub const REGISTERS: usize = 1 << P;
/// Bits of the hash that pick the register.
const P: u32 = 14;
/// Bits of the hash left for the run of zeros.
const Q: u32 = 64 - P;
/// Bits per dense register.
const BITS: usize = 6;
/// Largest register value.
const REGISTER_MAX: u8 = (1 << BITS) - 1;
/// Size of a dense HyperLogLog string.
pub const DENSE_LEN: usize = HEADER_LEN + (REGISTERS * BITS).div_ceil(8);
/// The dense encoding byte.
const DENSE: u8 = 0;
/// The sparse encoding byte.
const SPARSE: u8 = 1;
/// Largest value a sparse `VAL` opcode holds.
const SPARSE_VAL_MAX_VALUE: u8 = 32;
/// Longest run a sparse `VAL` opcode covers.
const SPARSE_VAL_MAX_LEN: usize = 4;
/// Longest run a sparse `ZERO` opcode covers.
const SPARSE_ZERO_MAX_LEN: usize = 64;
/// Longest run a sparse `XZERO` opcode covers.
const SPARSE_XZERO_MAX_LEN: usize = 16384;
/// `0.5 / ln 2`.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// A HyperLogLog whose registers do not add up (Redis's `INVALIDOBJ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

/// A new, empty HyperLogLog: sparse, one `XZERO` for all the registers.
pub fn new_sparse() -> Vec<u8> {
    let mut hll = Vec::with_capacity(HEADER_LEN + 2);
    hll.extend_from_slice(b"HYLL");
    hll.push(SPARSE);
    hll.extend_from_slice(&[0; 11]);
    let mut left = REGISTERS;
    while left > 0 {
        let run = left.min(SPARSE_XZERO_MAX_LEN);
        push_xzero(&mut hll, run);
        left -= run;
    }
    hll
}

/// Redis's `isHLLObjectOrReply` checks: long enough, `HYLL`, a known encoding, and a
/// dense one exactly as long as its registers need.
pub fn is_valid(value: &[u8]) -> bool {
    value.len() >= HEADER_LEN
        && &value[..4] == b"HYLL"
        && value[4] <= SPARSE
        && (value[4] != DENSE || value.len() == DENSE_LEN)
}

/// True for the dense encoding.
pub fn is_dense(hll: &[u8]) -> bool {
    hll[4] == DENSE
}

/// Marks the cached cardinality stale.
pub fn invalidate_cache(hll: &mut [u8]) {
    hll[15] |= 0x80;
}

/// MurmurHash2, 64-bit (`MurmurHash64A`), reading words little-endian as Redis does.
fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut words = key.chunks_exact(8);
    for word in &mut words {
        let mut k = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        for (i, &byte) in tail.iter().enumerate() {
            h ^= u64::from(byte) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register `element` hashes to, and the length of its run of zeros plus one
/// (`hllPatLen`).
fn pattern(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, 0xadc8_3b19);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    let rest = (hash >> P) | (1 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

/// Dense register `index` of `registers`.
fn dense_get(registers: &[u8], index: usize) -> u8 {
    let byte = index * BITS / 8;
    let shift = (index * BITS) & 7;
    let low = u16::from(registers[byte]) >> shift;
    // The byte after the last register is the string's end; its bits never count.
    let high = registers
        .get(byte + 1)
        .map_or(0, |&b| u16::from(b) << (8 - shift));
    ((low | high) & u16::from(REGISTER_MAX)) as u8
}

/// Sets dense register `index` of `registers` to `value`.
fn dense_set(registers: &mut [u8], index: usize, value: u8) {
    let byte = index * BITS / 8;
    let shift = (index * BITS) & 7;
    let value = u16::from(value);
    registers[byte] &= !((u16::from(REGISTER_MAX) << shift) as u8);
    registers[byte] |= (value << shift) as u8;
    if let Some(next) = registers.get_mut(byte + 1) {
        *next &= !((u16::from(REGISTER_MAX) >> (8 - shift)) as u8);
        *next |= (value >> (8 - shift)) as u8;
    }
}

/// Raises dense register `index` to `count`; true when it rose (`hllDenseSet`).
fn dense_raise(registers: &mut [u8], index: usize, count: u8) -> bool {
    if count > dense_get(registers, index) {
        dense_set(registers, index, count);
        true
    } else {
        false
    }
}

/// One sparse opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// A run of zero registers (one or two bytes).
    Zeros { len: usize, wide: bool },
    /// A run of registers of one value.
    Val { value: u8, len: usize },
}

impl Op {
    /// The opcode at `at`, if its bytes are there.
    fn at(sparse: &[u8], at: usize) -> Option<Op> {
        let byte = *sparse.get(at)?;
        Some(match byte & 0xc0 {
            0x00 => Op::Zeros {
                len: usize::from(byte & 0x3f) + 1,
                wide: false,
            },
            0x40 => Op::Zeros {
                len: ((usize::from(byte & 0x3f) << 8) | usize::from(*sparse.get(at + 1)?)) + 1,
                wide: true,
            },
            _ => Op::Val {
                value: ((byte >> 2) & 0x1f) + 1,
                len: usize::from(byte & 0x3) + 1,
            },
        })
    }

    /// Registers covered.
    fn span(self) -> usize {
        match self {
            Op::Zeros { len, .. } | Op::Val { len, .. } => len,
        }
    }

    /// Bytes taken.
    fn size(self) -> usize {
        match self {
            Op::Zeros { wide: true, .. } => 2,
            _ => 1,
        }
    }
}

/// A `VAL` opcode.
fn val_byte(value: u8, len: usize) -> u8 {
    0x80 | ((value - 1) << 2) | (len - 1) as u8
}

fn push_val(out: &mut Vec<u8>, value: u8, len: usize) {
    out.push(val_byte(value, len));
}

fn push_xzero(out: &mut Vec<u8>, len: usize) {
    let len = len - 1;
    out.push((len >> 8) as u8 | 0x40);
    out.push(len as u8);
}

/// A run of zeros as Redis writes one: `ZERO` up to 64, `XZERO` beyond.
fn push_zeros(out: &mut Vec<u8>, len: usize) {
    if len > SPARSE_ZERO_MAX_LEN {
        push_xzero(out, len);
    } else {
        out.push((len - 1) as u8);
    }
}

/// Every register of a sparse HyperLogLog, in order, as `(value, run length)`;
/// `Err` when the runs do not cover exactly the registers (or a value runs past them).
fn sparse_runs(hll: &[u8]) -> Result<Vec<(u8, usize)>, Corrupt> {
    let mut runs = Vec::new();
    let mut at = HEADER_LEN;
    let mut covered = 0;
    while let Some(op) = Op::at(hll, at) {
        let value = match op {
            Op::Zeros { .. } => 0,
            Op::Val { value, .. } => value,
        };
        if value > 0 && covered + op.span() > REGISTERS {
            return Err(Corrupt);
        }
        runs.push((value, op.span()));
        covered += op.span();
        at += op.size();
    }
    if covered != REGISTERS || at != hll.len() {
        return Err(Corrupt);
    }
    Ok(runs)
}

/// Turns a sparse HyperLogLog dense, keeping the header (`hllSparseToDense`).
pub fn sparse_to_dense(hll: &mut Vec<u8>) -> Result<(), Corrupt> {
    if is_dense(hll) {
        return Ok(());
    }
    let runs = sparse_runs(hll)?;
    let mut dense = vec![0u8; DENSE_LEN];
    dense[..HEADER_LEN].copy_from_slice(&hll[..HEADER_LEN]);
    dense[4] = DENSE;
    let registers = &mut dense[HEADER_LEN..];
    let mut index = 0;
    for (value, len) in runs {
        if value > 0 {
            for register in index..index + len {
                dense_set(registers, register, value);
            }
        }
        index += len;
    }
    *hll = dense;
    Ok(())
}

/// Raises register `index` of a sparse HyperLogLog to `count` as Redis does in place
/// (`hllSparseSet`), turning it dense when the value or the size calls for it; true
/// when the register rose.
fn sparse_raise(
    hll: &mut Vec<u8>,
    index: usize,
    count: u8,
    max_bytes: usize,
) -> Result<bool, Corrupt> {
    if count > SPARSE_VAL_MAX_VALUE {
        return promote(hll, index, count);
    }
    // Step 1: the opcode covering the register, and the one before it.
    let mut at = HEADER_LEN;
    let mut first = 0;
    let mut prev = None;
    let op = loop {
        let op = Op::at(hll, at).ok_or(Corrupt)?;
        if index < first + op.span() {
            break op;
        }
        prev = Some(at);
        at += op.size();
        first += op.span();
    };
    // Steps 2 and 3: update a run of one in place, or split the run around it.
    match op {
        Op::Val { value, .. } if value >= count => return Ok(false),
        Op::Val { len: 1, .. }
        | Op::Zeros {
            len: 1,
            wide: false,
        } => {
            hll[at] = val_byte(count, 1);
        }
        _ => {
            let last = first + op.span() - 1;
            let mut seq = Vec::with_capacity(5);
            match op {
                Op::Zeros { .. } => {
                    if index != first {
                        push_zeros(&mut seq, index - first);
                    }
                    push_val(&mut seq, count, 1);
                    if index != last {
                        push_zeros(&mut seq, last - index);
                    }
                }
                Op::Val { value, .. } => {
                    if index != first {
                        push_val(&mut seq, value, index - first);
                    }
                    push_val(&mut seq, count, 1);
                    if index != last {
                        push_val(&mut seq, value, last - index);
                    }
                }
            }
            if seq.len() > op.size() && hll.len() + seq.len() - op.size() > max_bytes {
                return promote(hll, index, count);
            }
            hll.splice(at..at + op.size(), seq);
        }
    }
    // Step 4: merge equal adjacent values, scanning up to five opcodes from the one
    // before the change (a merge looks again at the same place).
    let mut at = prev.unwrap_or(HEADER_LEN);
    let mut scan = 5;
    while at < hll.len() && scan > 0 {
        scan -= 1;
        let op = Op::at(hll, at).ok_or(Corrupt)?;
        if let Op::Val { value, len } = op {
            if let Some(Op::Val {
                value: next_value,
                len: next_len,
            }) = Op::at(hll, at + 1)
            {
                if value == next_value && len + next_len <= SPARSE_VAL_MAX_LEN {
                    hll[at + 1] = val_byte(value, len + next_len);
                    hll.remove(at);
                    continue;
                }
            }
        }
        at += op.size();
    }
    invalidate_cache(hll);
    Ok(true)
}

/// Turns `hll` dense, then raises the register there (`promote:`).
fn promote(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    sparse_to_dense(hll)?;
    Ok(dense_raise(&mut hll[HEADER_LEN..], index, count))
}

/// Raises register `index` to `count` in either encoding; true when it rose.
pub fn raise(
    hll: &mut Vec<u8>,
    index: usize,
    count: u8,
    max_bytes: usize,
) -> Result<bool, Corrupt> {
    if is_dense(hll) {
        Ok(dense_raise(&mut hll[HEADER_LEN..], index, count))
    } else {
        sparse_raise(hll, index, count, max_bytes)
    }
}

/// Adds `element` (`hllAdd`); true when a register rose.
pub fn add(hll: &mut Vec<u8>, element: &[u8], max_bytes: usize) -> Result<bool, Corrupt> {
    let (index, count) = pattern(element);
    raise(hll, index, count, max_bytes)
}

/// Raises each of `max` to the matching register of `hll` (`hllMerge`).
pub fn merge_into(max: &mut [u8], hll: &[u8]) -> Result<(), Corrupt> {
    if is_dense(hll) {
        let registers = &hll[HEADER_LEN..];
        for (index, slot) in max.iter_mut().enumerate() {
            *slot = (*slot).max(dense_get(registers, index));
        }
        return Ok(());
    }
    let mut index = 0;
    for (value, len) in sparse_runs(hll)? {
        for slot in &mut max[index..index + len] {
            *slot = (*slot).max(value);
        }
        index += len;
    }
    Ok(())
}

/// Every register's value.
pub fn registers(hll: &[u8]) -> Result<Vec<u8>, Corrupt> {
    let mut all = vec![0u8; REGISTERS];
    merge_into(&mut all, hll)?;
    Ok(all)
}

/// Ertl's sigma (`hllSigma`).
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let before = z;
        z += x * y;
        y += y;
        if before == z {
            return z;
        }
    }
}

/// Ertl's tau (`hllTau`).
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let before = z;
        y *= 0.5;
        z -= (1.0 - x).powf(2.0) * y;
        if before == z {
            return z / 3.0;
        }
    }
}

/// The estimated cardinality of registers with values `values` (`hllCount`).
pub fn estimate(values: &[u8]) -> u64 {
    let mut histogram = [0u32; 64];
    for &value in values {
        histogram[usize::from(value & 63)] += 1;
    }
    let m = REGISTERS as f64;
    let q = Q as usize;
    let mut z = m * tau((m - f64::from(histogram[q + 1])) / m);
    for j in (1..=q).rev() {
        z += f64::from(histogram[j]);
        z *= 0.5;
    }
    z += m * sigma(f64::from(histogram[0]) / m);
    (ALPHA_INF * m * m / z).round() as u64
}

/// The cached cardinality, if it is fresh.
pub fn cached_cardinality(hll: &[u8]) -> Option<u64> {
    (hll[15] & 0x80 == 0).then(|| u64::from_le_bytes(hll[8..16].try_into().expect("8 bytes")))
}

/// Computes the cardinality and caches it in the header (the string changes).
pub fn cache_cardinality(hll: &mut [u8]) -> Result<u64, Corrupt> {
    let count = estimate(&registers(hll)?);
    hll[8..16].copy_from_slice(&count.to_le_bytes());
    Ok(count)
}

/// PFDEBUG DECODE: the sparse opcodes as `z:len`, `Z:len` and `v:value,len`.
pub fn decode_sparse(hll: &[u8]) -> String {
    let mut words = Vec::new();
    let mut at = HEADER_LEN;
    while let Some(op) = Op::at(hll, at) {
        words.push(match op {
            Op::Zeros { len, wide: false } => format!("z:{len}"),
            Op::Zeros { len, wide: true } => format!("Z:{len}"),
            Op::Val { value, len } => format!("v:{value},{len}"),
        });
        at += op.size();
    }
    words.join(" ")
}

/// PFSELFTEST: dense registers keep what is set in them (1000 rounds), and the
/// estimate stays within six standard errors of the truth up to ten million elements,
/// sparse and dense agreeing while both are used. `random` supplies the test's random
/// numbers.
pub fn self_test(random: impl FnMut() -> u64, max_bytes: usize) -> Result<(), String> {
    self_test_sized(random, max_bytes, 1000, 10_000_000)
}

/// [`self_test`] with `rounds` rounds of register checks and up to `elements` elements.
fn self_test_sized(
    mut random: impl FnMut() -> u64,
    max_bytes: usize,
    rounds: usize,
    elements: u64,
) -> Result<(), String> {
    let mut dense = vec![0u8; DENSE_LEN - HEADER_LEN];
    let mut expected = vec![0u8; REGISTERS];
    for _ in 0..rounds {
        for (index, slot) in expected.iter_mut().enumerate() {
            *slot = (random() & u64::from(REGISTER_MAX)) as u8;
            dense_set(&mut dense, index, *slot);
        }
        for (index, &slot) in expected.iter().enumerate() {
            let value = dense_get(&dense, index);
            if value != slot {
                return Err(format!(
                    "TESTFAILED Register {index} should be {slot} but is {value}"
                ));
            }
        }
    }
    let mut dense = vec![0u8; DENSE_LEN];
    dense[..4].copy_from_slice(b"HYLL");
    let mut sparse = new_sparse();
    let relative_error = 1.04 / (REGISTERS as f64).sqrt();
    let seed = random();
    let mut checkpoint = 1u64;
    for j in 1..=elements {
        let element = (j ^ seed).to_le_bytes();
        let (index, count) = pattern(&element);
        dense_raise(&mut dense[HEADER_LEN..], index, count);
        raise(&mut sparse, index, count, max_bytes).map_err(|_| "TESTFAILED corrupt")?;
        if j != checkpoint {
            continue;
        }
        if (j as usize) < max_bytes / 2 && is_dense(&sparse) {
            return Err("TESTFAILED sparse encoding not used".into());
        }
        let dense_count = estimate(&registers(&dense).map_err(|_| "TESTFAILED corrupt")?);
        let sparse_count = estimate(&registers(&sparse).map_err(|_| "TESTFAILED corrupt")?);
        if dense_count != sparse_count {
            return Err("TESTFAILED dense/sparse disagree".into());
        }
        let error = checkpoint.abs_diff(dense_count);
        let allowed = if j == 10 {
            1
        } else {
            (relative_error * 6.0 * checkpoint as f64).ceil() as u64
        };
        if error > allowed {
            return Err(format!(
                "TESTFAILED Too big error. card:{checkpoint} abserr:{error}"
            ));
        }
        checkpoint *= 10;
    }
    Ok(())
}

/// The body of the `hll_value` fuzz target (`fuzz/fuzz_targets/`), here so the seed
/// corpus runs in ordinary tests (`engine/tests/fuzz_seeds.rs`): any bytes as a string
/// PFCOUNT, PFADD, PFMERGE and PFDEBUG meet. Nothing may panic; a value whose
/// registers read must turn dense with the same registers, and take elements.
pub fn fuzz_target(data: &[u8]) {
    if !is_valid(data) {
        return;
    }
    let Ok(before) = registers(data) else {
        let mut copy = data.to_vec();
        assert_eq!(sparse_to_dense(&mut copy), Err(Corrupt));
        return;
    };
    let _ = cache_cardinality(&mut data.to_vec());
    let _ = decode_sparse(data);
    let mut dense = data.to_vec();
    sparse_to_dense(&mut dense).expect("readable registers turn dense");
    assert_eq!(registers(&dense), Ok(before));
    for max_bytes in [0, 40, 3000] {
        let mut grown = data.to_vec();
        for n in 0..50u32 {
            add(&mut grown, &n.to_le_bytes(), max_bytes).expect("a readable value takes elements");
        }
        let after = registers(&grown).expect("still readable");
        assert!(after
            .iter()
            .zip(registers(data).unwrap())
            .all(|(a, b)| *a >= b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_twice_changes_nothing() {
        let mut hll = new_sparse();
        assert!(add(&mut hll, b"a", 3000).unwrap());
        assert!(!add(&mut hll, b"a", 3000).unwrap());
        assert_eq!(
            sparse_runs(&hll)
                .unwrap()
                .iter()
                .map(|r| r.1)
                .sum::<usize>(),
            REGISTERS
        );
    }

    #[test]
    fn an_empty_hll_is_one_xzero() {
        let hll = new_sparse();
        assert_eq!(&hll[..5], b"HYLL\x01");
        assert_eq!(&hll[HEADER_LEN..], b"\x7f\xff");
        assert_eq!(decode_sparse(&hll), "Z:16384");
        assert!(is_valid(&hll));
    }

    #[test]
    fn dense_registers_keep_their_values() {
        let mut registers = vec![0u8; DENSE_LEN - HEADER_LEN];
        for index in 0..REGISTERS {
            dense_set(&mut registers, index, (index % 64) as u8);
        }
        for index in 0..REGISTERS {
            assert_eq!(dense_get(&registers, index), (index % 64) as u8);
        }
    }

    #[test]
    fn sparse_and_dense_agree_and_promote_at_the_limit() {
        let mut sparse = new_sparse();
        let mut dense = new_sparse();
        sparse_to_dense(&mut dense).unwrap();
        for n in 0..5000u32 {
            let element = n.to_string();
            add(&mut sparse, element.as_bytes(), 3000).unwrap();
            add(&mut dense, element.as_bytes(), 3000).unwrap();
            if !is_dense(&sparse) {
                assert!(sparse.len() <= 3000);
            }
        }
        assert!(is_dense(&sparse));
        invalidate_cache(&mut dense);
        assert_eq!(sparse, dense);
        invalidate_cache(&mut dense);
        let count = cache_cardinality(&mut dense).unwrap();
        assert_eq!(cached_cardinality(&dense), Some(count));
        assert!((4800..5200).contains(&count), "{count}");
    }

    #[test]
    fn corrupt_sparse_forms_are_detected() {
        let mut short = new_sparse();
        short.truncate(HEADER_LEN + 1);
        assert_eq!(registers(&short), Err(Corrupt));
        let mut long = new_sparse();
        long.push(0x00);
        assert_eq!(sparse_to_dense(&mut long), Err(Corrupt));
    }

    #[test]
    fn self_test_passes() {
        let mut state = 12345u64;
        let random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        assert_eq!(self_test_sized(random, 3000, 3, 100_000), Ok(()));
    }
}
