//! The core of the LCS command (Redis 7.0, `lcsCommand` in `t_string.c`): the longest
//! common subsequence of two strings, its length, and the matching ranges that
//! `LCS ... IDX` reports.
//!
//! Rules reproduced:
//! - The table is Redis's `(len_a + 1) × (len_b + 1)` grid of `u32` LCS lengths, and
//!   the answer is read back from the bottom-right corner: on equal bytes take the
//!   byte and step diagonally; otherwise step to the neighbour with the longer LCS,
//!   preferring to drop a byte of `b` on a tie. That choice decides *which* LCS is
//!   returned and which ranges are reported.
//! - Ranges come out from the end of the strings towards the start, each a maximal run
//!   of diagonal steps: `(a_start, a_end)`, `(b_start, b_end)` inclusive, with its
//!   length. `MINMATCHLEN n` (negative counts as 0) is the caller's filter: Redis
//!   reports a range iff `n == 0 || len >= n`, but `len` in the reply is the full LCS
//!   length regardless.
//! - Limits, checked in this order: either string of `u32::MAX - 1` bytes or more is
//!   "String too long for LCS"; a table of more than `proto-max-bulk-len` bytes is
//!   "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"; a
//!   table size that overflows or cannot be allocated is "Insufficient memory, failed
//!   allocating transient memory for LCS".

/// One run of matching bytes, as `LCS ... IDX` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LcsMatch {
    /// First byte of the run in `a`.
    pub a_start: usize,
    /// Last byte of the run in `a` (inclusive).
    pub a_end: usize,
    /// First byte of the run in `b`.
    pub b_start: usize,
    /// Last byte of the run in `b` (inclusive).
    pub b_end: usize,
    /// Length of the run (`WITHMATCHLEN`).
    pub len: usize,
}

/// The result of [`lcs`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LcsResult {
    /// The common subsequence Redis returns (plain `LCS a b`).
    pub lcs: Vec<u8>,
    /// Its length (`LEN`, and the `len` entry of `IDX`).
    pub len: usize,
    /// All matching runs, in Redis's order (from the ends of the strings backwards),
    /// before any `MINMATCHLEN` filtering.
    pub matches: Vec<LcsMatch>,
}

/// Why Redis refuses to compute an LCS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LcsError {
    /// A string is `u32::MAX - 1` bytes or longer.
    StringTooLong,
    /// The table would be larger than `proto-max-bulk-len` bytes.
    ExceedsProtoMaxBulkLen,
    /// The table size overflows, or the memory cannot be allocated.
    AllocationFailed,
}

impl LcsError {
    /// Redis's error text, without the `ERR ` prefix.
    pub fn message(&self) -> &'static str {
        match self {
            LcsError::StringTooLong => "String too long for LCS",
            LcsError::ExceedsProtoMaxBulkLen => {
                "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
            }
            LcsError::AllocationFailed => {
                "Insufficient memory, failed allocating transient memory for LCS"
            }
        }
    }
}

impl std::fmt::Display for LcsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for LcsError {}

/// Checks Redis's size limits for an LCS of strings of these lengths and returns the
/// number of table cells: see the module docs for the rules and their order.
pub fn check_limits(
    a_len: usize,
    b_len: usize,
    proto_max_bulk_len: u64,
) -> Result<usize, LcsError> {
    let limit = u64::from(u32::MAX - 1);
    let (a_len, b_len) = (a_len as u64, b_len as u64);
    if a_len >= limit || b_len >= limit {
        return Err(LcsError::StringTooLong);
    }
    // Cannot overflow: both factors are below 2^32.
    let cells = (a_len + 1) * (b_len + 1);
    let bytes = cells.checked_mul(4).ok_or(LcsError::AllocationFailed)?;
    if bytes == u64::MAX {
        return Err(LcsError::AllocationFailed);
    }
    if bytes > proto_max_bulk_len {
        return Err(LcsError::ExceedsProtoMaxBulkLen);
    }
    usize::try_from(cells).map_err(|_| LcsError::AllocationFailed)
}

/// Computes the LCS of `a` and `b` exactly as Redis 7.0 does (same subsequence, same
/// ranges in the same order), after checking Redis's limits against
/// `proto_max_bulk_len` (see [`check_limits`]).
pub fn lcs(a: &[u8], b: &[u8], proto_max_bulk_len: u64) -> Result<LcsResult, LcsError> {
    let cells = check_limits(a.len(), b.len(), proto_max_bulk_len)?;
    let mut table: Vec<u32> = Vec::new();
    table
        .try_reserve_exact(cells)
        .map_err(|_| LcsError::AllocationFailed)?;
    table.resize(cells, 0);

    // table[i * width + j] = LCS length of a[..i] and b[..j].
    let width = b.len() + 1;
    for (i, &ai) in a.iter().enumerate() {
        let (done, rest) = table.split_at_mut((i + 1) * width);
        let prev = &done[i * width..];
        let cur = &mut rest[..width];
        for (j, &bj) in b.iter().enumerate() {
            cur[j + 1] = if ai == bj {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
    }
    let at = |i: usize, j: usize| table[i * width + j];

    let total = at(a.len(), b.len()) as usize;
    let mut out = vec![0u8; total];
    let mut filled = total;
    let mut matches = Vec::new();
    // The run being extended backwards: (a_start, a_end, b_start, b_end).
    let mut run: Option<(usize, usize, usize, usize)> = None;
    let (mut i, mut j) = (a.len(), b.len());
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            filled -= 1;
            out[filled] = a[i - 1];
            run = Some(match run {
                // Diagonal steps always continue the run.
                Some((a_start, a_end, b_start, b_end)) if a_start == i && b_start == j => {
                    (a_start - 1, a_end, b_start - 1, b_end)
                }
                Some(open) => {
                    emit = true;
                    open
                }
                None => (i - 1, i - 1, j - 1, j - 1),
            });
            if let Some((a_start, _, b_start, _)) = run {
                if a_start == 0 || b_start == 0 {
                    emit = true;
                }
            }
            i -= 1;
            j -= 1;
        } else {
            if at(i - 1, j) > at(i, j - 1) {
                i -= 1;
            } else {
                j -= 1;
            }
            emit = run.is_some();
        }
        if emit {
            if let Some((a_start, a_end, b_start, b_end)) = run.take() {
                matches.push(LcsMatch {
                    a_start,
                    a_end,
                    b_start,
                    b_end,
                    len: a_end - a_start + 1,
                });
            }
        }
    }
    Ok(LcsResult {
        lcs: out,
        len: total,
        matches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u64 = 512 * 1024 * 1024;

    fn m(a: (usize, usize), b: (usize, usize), len: usize) -> LcsMatch {
        LcsMatch {
            a_start: a.0,
            a_end: a.1,
            b_start: b.0,
            b_end: b.1,
            len,
        }
    }

    #[test]
    fn docs_example_ohmytext_mynewtext() {
        let r = lcs(b"ohmytext", b"mynewtext", MAX).unwrap();
        assert_eq!(r.lcs, b"mytext");
        assert_eq!(r.len, 6);
        assert_eq!(r.matches, vec![m((4, 7), (5, 8), 4), m((2, 3), (0, 1), 2)]);
    }

    #[test]
    fn identical_strings_are_one_run() {
        let r = lcs(b"hello", b"hello", MAX).unwrap();
        assert_eq!(r.lcs, b"hello");
        assert_eq!(r.matches, vec![m((0, 4), (0, 4), 5)]);
    }

    #[test]
    fn disjoint_and_empty_strings_have_no_matches() {
        for (a, b) in [
            (&b"abc"[..], &b"xyz"[..]),
            (b"", b"abc"),
            (b"abc", b""),
            (b"", b""),
        ] {
            let r = lcs(a, b, MAX).unwrap();
            assert_eq!(r, LcsResult::default());
        }
    }

    #[test]
    fn ties_drop_a_byte_of_b_first() {
        // "ab" vs "ba": both "a" and "b" are an LCS. At the corner the two
        // neighbours tie, so Redis drops b's last byte and finds "b" (as the real
        // server answers).
        let r = lcs(b"ab", b"ba", MAX).unwrap();
        assert_eq!(r.lcs, b"b");
        assert_eq!(r.matches, vec![m((1, 1), (0, 0), 1)]);
    }

    #[test]
    fn limits_in_redis_order() {
        assert_eq!(check_limits(10, 10, MAX), Ok(121));
        assert_eq!(
            check_limits(10, 10, 483),
            Err(LcsError::ExceedsProtoMaxBulkLen)
        );
        assert_eq!(check_limits(10, 10, 484), Ok(121));
        assert_eq!(
            check_limits(u32::MAX as usize - 1, 0, u64::MAX),
            Err(LcsError::StringTooLong)
        );
        assert_eq!(
            check_limits(0, u32::MAX as usize - 1, 0),
            Err(LcsError::StringTooLong)
        );
        assert_eq!(
            check_limits(1 << 20, 1 << 20, 1),
            Err(LcsError::ExceedsProtoMaxBulkLen)
        );
        assert_eq!(
            check_limits(u32::MAX as usize - 2, u32::MAX as usize - 2, 1),
            Err(LcsError::AllocationFailed),
            "a table size that overflows is an allocation failure, whatever the limit"
        );
        assert_eq!(
            lcs(b"abc", b"abd", 63).unwrap_err(),
            LcsError::ExceedsProtoMaxBulkLen
        );
        // With proto-max-bulk-len 1048576 the real server refuses 600 × 600 bytes and
        // accepts 600 × 435 (601 × 436 × 4 = 1048144 bytes).
        assert_eq!(
            check_limits(600, 600, 1 << 20),
            Err(LcsError::ExceedsProtoMaxBulkLen)
        );
        assert_eq!(check_limits(600, 435, 1 << 20), Ok(601 * 436));
        assert_eq!(
            check_limits(600, 436, 1 << 20),
            Err(LcsError::ExceedsProtoMaxBulkLen)
        );
        assert_eq!(lcs(b"abc", b"abd", 64).unwrap().lcs, b"ab");
    }

    #[test]
    fn error_messages_are_redis_text() {
        assert_eq!(
            LcsError::StringTooLong.to_string(),
            "String too long for LCS"
        );
        assert_eq!(
            LcsError::ExceedsProtoMaxBulkLen.message(),
            "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
        );
        assert_eq!(
            LcsError::AllocationFailed.message(),
            "Insufficient memory, failed allocating transient memory for LCS"
        );
    }

    /// `LCS a b IDX WITHMATCHLEN` on redis-server 7.0.15: (a, b, lcs, [(a_start,
    /// a_end, b_start, b_end, len)]).
    #[test]
    fn matches_real_server_table() {
        for &(a, b, want_lcs, want) in SERVER_TABLE {
            let r = lcs(a, b, MAX).unwrap();
            assert_eq!(r.lcs, want_lcs, "{a:?} {b:?}");
            assert_eq!(r.len, want_lcs.len());
            let got: Vec<_> = r
                .matches
                .iter()
                .map(|m| (m.a_start, m.a_end, m.b_start, m.b_end, m.len))
                .collect();
            assert_eq!(got, want, "{a:?} {b:?}");
        }
    }

    type Row = (
        &'static [u8],
        &'static [u8],
        &'static [u8],
        &'static [(usize, usize, usize, usize, usize)],
    );
    const SERVER_TABLE: &[Row] = &[
        (
            b"ohmytext",
            b"mynewtext",
            b"mytext",
            &[(4, 7, 5, 8, 4), (2, 3, 0, 1, 2)],
        ),
        (b"hello", b"hello", b"hello", &[(0, 4, 0, 4, 5)]),
        (b"abc", b"xyz", b"", &[]),
        (b"", b"abc", b"", &[]),
        (b"abc", b"", b"", &[]),
        (b"", b"", b"", &[]),
        (b"ab", b"ba", b"b", &[(1, 1, 0, 0, 1)]),
        (b"aaaa", b"aa", b"aa", &[(2, 3, 0, 1, 2)]),
        (
            b"abcabcabc",
            b"cbacba",
            b"cbac",
            &[
                (8, 8, 3, 3, 1),
                (6, 6, 2, 2, 1),
                (4, 4, 1, 1, 1),
                (2, 2, 0, 0, 1),
            ],
        ),
        (
            b"\x00\xff\x00",
            b"\xff\x00\xff",
            b"\xff\x00",
            &[(1, 2, 0, 1, 2)],
        ),
        (
            b"zzyy1xz0w",
            b"0xz001x1wy1w1w",
            b"xz0w",
            &[(8, 8, 13, 13, 1), (7, 7, 4, 4, 1), (5, 6, 1, 2, 2)],
        ),
        (b"aa", b"a", b"a", &[(1, 1, 0, 0, 1)]),
        (
            b"babaabababbb",
            b"aaababbaaaba",
            b"aaababbb",
            &[(11, 11, 10, 10, 1), (6, 10, 2, 6, 5), (3, 4, 0, 1, 2)],
        ),
        (b"a", b"abaaaaabababaa", b"a", &[(0, 0, 13, 13, 1)]),
        (b"cc", b"", b"", &[]),
        (
            b"abaa",
            b"baaabababbaba",
            b"abaa",
            &[(3, 3, 12, 12, 1), (1, 2, 9, 10, 2), (0, 0, 7, 7, 1)],
        ),
        (
            b"babaaa",
            b"bbabbaa",
            b"bbaaa",
            &[(4, 5, 5, 6, 2), (2, 3, 1, 2, 2), (0, 0, 0, 0, 1)],
        ),
        (
            b"bbbaab",
            b"aabbbababa",
            b"bbbaab",
            &[(4, 5, 7, 8, 2), (0, 3, 2, 5, 4)],
        ),
        (
            b"abaaaaaababb",
            b"abbabbaab",
            b"abbabb",
            &[
                (11, 11, 8, 8, 1),
                (10, 10, 5, 5, 1),
                (8, 9, 2, 3, 2),
                (0, 1, 0, 1, 2),
            ],
        ),
        (b"b", b"ababbba", b"b", &[(0, 0, 5, 5, 1)]),
        (
            b"aaaa",
            b"aaaabbbaabba",
            b"aaaa",
            &[(3, 3, 11, 11, 1), (1, 2, 7, 8, 2), (0, 0, 3, 3, 1)],
        ),
        (
            b"bbabaaaaa",
            b"bbabaababab",
            b"bbabaaaa",
            &[
                (8, 8, 9, 9, 1),
                (7, 7, 7, 7, 1),
                (5, 6, 4, 5, 2),
                (0, 3, 0, 3, 4),
            ],
        ),
        (b"yx00x0x1ww0xxy", b"", b"", &[]),
        (b"a", b"", b"", &[]),
        (
            b"ddaacacad",
            b"bddbacb",
            b"ddac",
            &[(5, 6, 4, 5, 2), (0, 1, 1, 2, 2)],
        ),
        (
            b"yyyxxxxx1xzx",
            b"xw10yz1xyxz",
            b"x1zx",
            &[
                (11, 11, 9, 9, 1),
                (10, 10, 5, 5, 1),
                (8, 8, 2, 2, 1),
                (7, 7, 0, 0, 1),
            ],
        ),
        (b"", b"bcaacba", b"", &[]),
        (
            b"cbacbca",
            b"bcdacaacdbdc",
            b"bacbc",
            &[
                (5, 5, 11, 11, 1),
                (4, 4, 9, 9, 1),
                (2, 3, 6, 7, 2),
                (1, 1, 0, 0, 1),
            ],
        ),
        (
            b"zwwyxzzww",
            b"0wwwyzwxz",
            b"wwyzw",
            &[(8, 8, 6, 6, 1), (6, 6, 5, 5, 1), (1, 3, 2, 4, 3)],
        ),
        (b"ba", b"aba", b"ba", &[(0, 1, 1, 2, 2)]),
        (b"bbaba", b"", b"", &[]),
        (
            b"y1z00xw",
            b"xz0yxyxzxxy",
            b"z0x",
            &[(5, 5, 4, 4, 1), (4, 4, 2, 2, 1), (2, 2, 1, 1, 1)],
        ),
        (b"ad", b"ddbcccbcdb", b"d", &[(1, 1, 8, 8, 1)]),
        (
            b"aabcabbcc",
            b"abbacb",
            b"abbc",
            &[(8, 8, 4, 4, 1), (4, 6, 0, 2, 3)],
        ),
        (
            b"yyzy11z10x",
            b"zzx0y01x",
            b"zz0x",
            &[
                (9, 9, 7, 7, 1),
                (8, 8, 5, 5, 1),
                (6, 6, 1, 1, 1),
                (2, 2, 0, 0, 1),
            ],
        ),
        (b"zy", b"0ywy0y10wx0", b"y", &[(1, 1, 5, 5, 1)]),
        (
            b"bbbabbbbaaaabb",
            b"abaabaaaaabbab",
            b"abbaaaabb",
            &[
                (13, 13, 13, 13, 1),
                (12, 12, 11, 11, 1),
                (8, 11, 6, 9, 4),
                (7, 7, 4, 4, 1),
                (6, 6, 1, 1, 1),
                (3, 3, 0, 0, 1),
            ],
        ),
        (
            b"aadbdd",
            b"acbbbdbdadb",
            b"adbdd",
            &[(5, 5, 9, 9, 1), (2, 4, 5, 7, 3), (1, 1, 0, 0, 1)],
        ),
        (b"dbadcc", b"cabad", b"bad", &[(1, 3, 2, 4, 3)]),
        (b"ababdacccbabdc", b"ccbab", b"ccbab", &[(7, 11, 0, 4, 5)]),
        (b"a", b"abc", b"a", &[(0, 0, 0, 0, 1)]),
        (
            b"z01xx",
            b"w1wyxy0y00w",
            b"1x",
            &[(4, 4, 4, 4, 1), (2, 2, 1, 1, 1)],
        ),
        (
            b"bcdabccdccd",
            b"daacbdccdcad",
            b"dabccdcd",
            &[
                (10, 10, 11, 11, 1),
                (9, 9, 9, 9, 1),
                (5, 7, 6, 8, 3),
                (4, 4, 4, 4, 1),
                (3, 3, 2, 2, 1),
                (2, 2, 0, 0, 1),
            ],
        ),
        (b"c", b"c", b"c", &[(0, 0, 0, 0, 1)]),
        (
            b"dacdad",
            b"bdba",
            b"da",
            &[(4, 4, 3, 3, 1), (3, 3, 1, 1, 1)],
        ),
        (
            b"caca",
            b"caabcabcb",
            b"caca",
            &[(2, 3, 4, 5, 2), (1, 1, 2, 2, 1), (0, 0, 0, 0, 1)],
        ),
        (
            b"acccbacbaabbbc",
            b"bccbccbaccc",
            b"ccbcbac",
            &[
                (13, 13, 10, 10, 1),
                (9, 9, 7, 7, 1),
                (6, 7, 5, 6, 2),
                (2, 4, 1, 3, 3),
            ],
        ),
        (
            b"xxw1zxwy000y1",
            b"1w0wx00",
            b"1w000",
            &[
                (9, 10, 5, 6, 2),
                (8, 8, 2, 2, 1),
                (6, 6, 1, 1, 1),
                (3, 3, 0, 0, 1),
            ],
        ),
        (
            b"bbabababbbb",
            b"aabbbbabbabb",
            b"bbbbabbbb",
            &[
                (9, 10, 10, 11, 2),
                (5, 8, 5, 8, 4),
                (3, 3, 4, 4, 1),
                (0, 1, 2, 3, 2),
            ],
        ),
        (
            b"bbabbabbb",
            b"aaaaaaa",
            b"aa",
            &[(5, 5, 1, 1, 1), (2, 2, 0, 0, 1)],
        ),
        (b"", b"cadbbac", b"", &[]),
        (b"a", b"bbaa", b"a", &[(0, 0, 3, 3, 1)]),
        (
            b"ccabccb",
            b"abcabba",
            b"abcb",
            &[(6, 6, 5, 5, 1), (5, 5, 2, 2, 1), (2, 3, 0, 1, 2)],
        ),
        (
            b"accbabbacacb",
            b"cbaaba",
            b"cbaab",
            &[
                (11, 11, 4, 4, 1),
                (9, 9, 3, 3, 1),
                (6, 7, 1, 2, 2),
                (2, 2, 0, 0, 1),
            ],
        ),
        (
            b"aaaacdcb",
            b"dadccbcacb",
            b"adcb",
            &[(6, 7, 8, 9, 2), (5, 5, 2, 2, 1), (3, 3, 1, 1, 1)],
        ),
        (
            b"bdaabbaba",
            b"dbdcdadbca",
            b"dbaba",
            &[
                (8, 8, 9, 9, 1),
                (7, 7, 7, 7, 1),
                (6, 6, 5, 5, 1),
                (5, 5, 1, 1, 1),
                (1, 1, 0, 0, 1),
            ],
        ),
        (b"bc", b"abac", b"bc", &[(1, 1, 3, 3, 1), (0, 0, 1, 1, 1)]),
        (
            b"aabdbccbbc",
            b"ababadadaa",
            b"aabd",
            &[(3, 3, 5, 5, 1), (1, 2, 2, 3, 2), (0, 0, 0, 0, 1)],
        ),
        (
            b"cbca",
            b"caccaa",
            b"cca",
            &[(3, 3, 5, 5, 1), (2, 2, 3, 3, 1), (0, 0, 0, 0, 1)],
        ),
        (b"a", b"ababb", b"a", &[(0, 0, 2, 2, 1)]),
        (
            b"bbaaabaababa",
            b"aa",
            b"aa",
            &[(11, 11, 1, 1, 1), (9, 9, 0, 0, 1)],
        ),
        (b"", b"1z1xyyy1101", b"", &[]),
        (
            b"wz10w0wy",
            b"wzw",
            b"wzw",
            &[(6, 6, 2, 2, 1), (0, 1, 0, 1, 2)],
        ),
        (
            b"aababab",
            b"abbaa",
            b"abba",
            &[(4, 5, 2, 3, 2), (1, 2, 0, 1, 2)],
        ),
        (b"b", b"b", b"b", &[(0, 0, 0, 0, 1)]),
        (b"c", b"dbdbcdc", b"c", &[(0, 0, 6, 6, 1)]),
        (
            b"ba",
            b"aacaddcacbdcaa",
            b"ba",
            &[(1, 1, 13, 13, 1), (0, 0, 9, 9, 1)],
        ),
        (b"bacdabd", b"c", b"c", &[(2, 2, 0, 0, 1)]),
        (
            b"bababbaaba",
            b"aabbbb",
            b"aabbb",
            &[(8, 8, 4, 4, 1), (3, 5, 1, 3, 3), (1, 1, 0, 0, 1)],
        ),
        (b"adcdacbb", b"d", b"d", &[(3, 3, 0, 0, 1)]),
        (
            b"dacddbcdbca",
            b"adcc",
            b"adcc",
            &[
                (9, 9, 3, 3, 1),
                (6, 6, 2, 2, 1),
                (4, 4, 1, 1, 1),
                (1, 1, 0, 0, 1),
            ],
        ),
        (
            b"ywy01zw0z",
            b"zyxxxwzy",
            b"zwz",
            &[(8, 8, 6, 6, 1), (6, 6, 5, 5, 1), (5, 5, 0, 0, 1)],
        ),
        (
            b"aababaabaaaa",
            b"aabaababababa",
            b"aabaabaaaa",
            &[
                (11, 11, 12, 12, 1),
                (10, 10, 10, 10, 1),
                (9, 9, 8, 8, 1),
                (3, 8, 1, 6, 6),
                (1, 1, 0, 0, 1),
            ],
        ),
        (b"bbaab", b"accc", b"a", &[(3, 3, 0, 0, 1)]),
        (b"a", b"ba", b"a", &[(0, 0, 1, 1, 1)]),
        (
            b"bbbabaabaaaa",
            b"aababaaaa",
            b"aaabaaaa",
            &[(6, 11, 3, 8, 6), (5, 5, 1, 1, 1), (3, 3, 0, 0, 1)],
        ),
        (
            b"abaaaa",
            b"aba",
            b"aba",
            &[(5, 5, 2, 2, 1), (0, 1, 0, 1, 2)],
        ),
        (
            b"abbbaabaaaabbb",
            b"baa",
            b"baa",
            &[(9, 10, 1, 2, 2), (6, 6, 0, 0, 1)],
        ),
        (
            b"baaaaaaaabaaba",
            b"bbb",
            b"bbb",
            &[(12, 12, 2, 2, 1), (9, 9, 1, 1, 1), (0, 0, 0, 0, 1)],
        ),
        (
            b"1z1xzx",
            b"1zyz1",
            b"1zz",
            &[(4, 4, 3, 3, 1), (0, 1, 0, 1, 2)],
        ),
    ];

    proptest::proptest! {
        #[test]
        fn result_is_a_common_subsequence_of_ranges(a in "[abc]{0,12}", b in "[abc]{0,12}") {
            let r = lcs(a.as_bytes(), b.as_bytes(), MAX).unwrap();
            // The runs, read in string order, spell the LCS.
            let mut spelled = Vec::new();
            for m in r.matches.iter().rev() {
                proptest::prop_assert_eq!(&a.as_bytes()[m.a_start..=m.a_end], &b.as_bytes()[m.b_start..=m.b_end]);
                spelled.extend_from_slice(&a.as_bytes()[m.a_start..=m.a_end]);
            }
            proptest::prop_assert_eq!(&spelled, &r.lcs);
            proptest::prop_assert_eq!(r.lcs.len(), r.len);
        }
    }
}
