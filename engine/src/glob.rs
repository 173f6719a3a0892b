//! Glob-style pattern matching with Redis 7.0's `stringmatchlen` semantics, used by
//! KEYS, SCAN/HSCAN/SSCAN/ZSCAN `MATCH`, PSUBSCRIBE/PUBSUB patterns and CONFIG GET.
//!
//! Rules reproduced (Redis 7.0.15, `util.c`):
//! - `*` matches any run of bytes, `?` exactly one byte, `\x` the byte `x` literally.
//! - `[abc]` matches one byte from the set, `[^abc]` one byte not in it, `[a-c]` a range
//!   (a reversed range such as `[c-a]` is the same range), and `\x` inside a class is the
//!   byte `x` literally. A class that meets the end of the pattern without `]` still
//!   matches with what it has seen: `[a` matches `a`, `[^` matches any one byte, a lone
//!   `[` matches nothing. A `]` right after a `-` closes a range, not the class: `[a-]`
//!   is an unterminated class holding the range `]`..`a`.
//! - A trailing lone `\` matches a literal backslash.
//! - Bytes are compared as C `char`, which is signed on the x86-64 builds Redis ships:
//!   class ranges compare bytes `0x80..=0xFF` as negative numbers, so `[a-\xff]` means
//!   `\xff..=a` (bytes `0xFF` and `0x00..=0x61`). With `nocase` only ASCII letters fold.
//! - The pattern is read as if followed by a NUL byte, as Redis reads its sds strings.
//! - Once the string is used up, trailing `*`s are skipped; a `*` never matches against
//!   an already empty string otherwise, so `glob_match(b"*", b"", _)` is `false`
//!   (Redis's KEYS and SCAN special-case the pattern `*` before calling the matcher).
//! - Protection against exponential backtracking (`skipLongerMatches`, Redis 7.0.9+):
//!   when the part of the pattern after a `*` fails at every later position of the
//!   string, the whole match fails without retrying earlier `*`s with longer runs. So
//!   only the innermost `*` ever backtracks, which this module does in a loop (no
//!   recursion) in O(pattern × string) time.

/// What one linear matching pass ended with.
enum Pass {
    /// The pattern matched (or met a final `*`, which matches the rest).
    Match,
    /// This pass failed; the innermost `*` may try its next position.
    NoMatch,
    /// Met a `*` that has more pattern after it: try the rest of the pattern (from
    /// `pattern_at`) against the string from `string_at` on.
    Star { pattern_at: usize, string_at: usize },
}

/// Returns whether `string` matches the glob `pattern`, exactly as Redis's
/// `stringmatchlen` decides it; `nocase` folds ASCII letters.
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    // The innermost `*` being retried: where the rest of the pattern starts, and the
    // string position it is currently tried at.
    let mut star: Option<(usize, usize)> = None;
    let mut pass = linear_pass(pattern, 0, string, 0, nocase);
    loop {
        match pass {
            Pass::Match => return true,
            Pass::Star {
                pattern_at,
                string_at,
            } => {
                // A newer `*` takes over: if it fails everywhere, Redis gives up on
                // the whole match (skipLongerMatches), so older stars never retry.
                star = Some((pattern_at, string_at));
                pass = linear_pass(pattern, pattern_at, string, string_at, nocase);
            }
            Pass::NoMatch => match star {
                None => return false,
                Some((pattern_at, string_at)) => {
                    // The `*` only tries non-empty rests of the string.
                    let next = string_at + 1;
                    if next >= string.len() {
                        return false;
                    }
                    star = Some((pattern_at, next));
                    pass = linear_pass(pattern, pattern_at, string, next, nocase);
                }
            },
        }
    }
}

/// The pattern byte at `i`, or NUL past the end (Redis patterns are NUL-terminated).
fn byte_at(pattern: &[u8], i: usize) -> u8 {
    pattern.get(i).copied().unwrap_or(0)
}

/// A byte as the C `char` (signed on x86-64) promoted to `int`.
fn as_c_char(b: u8) -> i32 {
    i32::from(b as i8)
}

/// glibc's C-locale `tolower` on a promoted `char`: `A`..=`Z` fold to lower case, and
/// (a glibc table detail) negative values other than `EOF` (-1) come back as the
/// unsigned byte value, so `tolower(-128)` is 128 while `tolower(-1)` stays -1.
fn c_tolower(c: i32) -> i32 {
    match c {
        65..=90 => c + 32,
        -128..=-2 => c + 256,
        _ => c,
    }
}

/// Byte equality, folding ASCII letters when `nocase`.
fn same_byte(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

/// Matches `pattern[p..]` against `string[s..]` without backtracking, stopping at the
/// first `*` that has more pattern after it.
fn linear_pass(pattern: &[u8], mut p: usize, string: &[u8], mut s: usize, nocase: bool) -> Pass {
    let plen = pattern.len();
    let slen = string.len();
    while p < plen && s < slen {
        match pattern[p] {
            b'*' => {
                // Collapse a run of stars.
                while p < plen && byte_at(pattern, p + 1) == b'*' {
                    p += 1;
                }
                if plen - p == 1 {
                    return Pass::Match;
                }
                return Pass::Star {
                    pattern_at: p + 1,
                    string_at: s,
                };
            }
            b'?' => s += 1,
            b'[' => {
                p += 1;
                let negate = byte_at(pattern, p) == b'^';
                if negate {
                    p += 1;
                }
                let c = string[s];
                let mut matched = false;
                loop {
                    let rest = plen.saturating_sub(p);
                    let here = byte_at(pattern, p);
                    if here == b'\\' && rest >= 2 {
                        p += 1;
                        if pattern[p] == c {
                            matched = true;
                        }
                    } else if here == b']' {
                        break;
                    } else if rest == 0 {
                        // Unterminated class: step back onto the last byte, which the
                        // step below moves past again.
                        p -= 1;
                        break;
                    } else if rest >= 3 && pattern[p + 1] == b'-' {
                        let mut lo = as_c_char(pattern[p]);
                        let mut hi = as_c_char(pattern[p + 2]);
                        let mut cc = as_c_char(c);
                        if lo > hi {
                            std::mem::swap(&mut lo, &mut hi);
                        }
                        if nocase {
                            lo = c_tolower(lo);
                            hi = c_tolower(hi);
                            cc = c_tolower(cc);
                        }
                        p += 2;
                        if cc >= lo && cc <= hi {
                            matched = true;
                        }
                    } else if same_byte(pattern[p], c, nocase) {
                        matched = true;
                    }
                    p += 1;
                }
                if negate {
                    matched = !matched;
                }
                if !matched {
                    return Pass::NoMatch;
                }
                s += 1;
            }
            first => {
                let literal = if first == b'\\' && plen - p >= 2 {
                    p += 1;
                    pattern[p]
                } else {
                    first
                };
                if !same_byte(literal, string[s], nocase) {
                    return Pass::NoMatch;
                }
                s += 1;
            }
        }
        p += 1;
        if s == slen {
            while byte_at(pattern, p) == b'*' {
                p += 1;
            }
            break;
        }
    }
    if p == plen && s == slen {
        Pass::Match
    } else {
        Pass::NoMatch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &[u8], s: &[u8]) -> bool {
        glob_match(p, s, false)
    }

    #[test]
    fn star_matches_any_run() {
        assert!(m(b"h*llo", b"hllo"));
        assert!(m(b"h*llo", b"heeeello"));
        assert!(m(b"*", b"anything"));
        assert!(m(b"a*", b"a"));
        assert!(!m(b"h*llo", b"hell"));
    }

    #[test]
    fn star_alone_does_not_match_empty_string() {
        assert!(!m(b"*", b""));
        assert!(!m(b"**", b""));
        assert!(m(b"", b""));
        assert!(!m(b"", b"a"));
    }

    #[test]
    fn question_mark_matches_one_byte() {
        assert!(m(b"h?llo", b"hello"));
        assert!(!m(b"h?llo", b"hllo"));
        assert!(!m(b"?", b""));
    }

    #[test]
    fn class_matches_listed_bytes() {
        assert!(m(b"h[ae]llo", b"hello"));
        assert!(m(b"h[ae]llo", b"hallo"));
        assert!(!m(b"h[ae]llo", b"hillo"));
    }

    #[test]
    fn negated_class() {
        assert!(m(b"h[^e]llo", b"hallo"));
        assert!(!m(b"h[^e]llo", b"hello"));
    }

    #[test]
    fn ranges_and_reversed_ranges() {
        assert!(m(b"h[a-b]llo", b"hbllo"));
        assert!(m(b"h[b-a]llo", b"hbllo"));
        assert!(!m(b"h[a-b]llo", b"hcllo"));
    }

    #[test]
    fn escapes_are_literal() {
        assert!(m(b"a\\*b", b"a*b"));
        assert!(!m(b"a\\*b", b"axb"));
        assert!(m(b"[\\]]", b"]"));
        assert!(m(b"[\\-]", b"-"));
    }

    #[test]
    fn trailing_backslash_is_literal() {
        assert!(m(b"a\\", b"a\\"));
        assert!(!m(b"a\\", b"a"));
    }

    #[test]
    fn unterminated_class_uses_what_it_saw() {
        assert!(!m(b"[", b"["));
        assert!(!m(b"[", b""));
        assert!(m(b"[a", b"a"));
        assert!(!m(b"[a", b"b"));
        assert!(m(b"[^", b"x"));
        assert!(m(b"[\\", b"\\"));
        // `-]` is a range end, so the class stays open.
        assert!(m(b"[a-]", b"_"));
        assert!(!m(b"[a-]", b"-"));
    }

    #[test]
    fn bytes_compare_as_signed_chars_in_ranges() {
        assert!(m(b"[a-\xff]", b"\x00"));
        assert!(m(b"[a-\xff]", b"\xff"));
        assert!(!m(b"[a-\xff]", b"b"));
        assert!(!m(b"[a-\xff]", b"\x80"));
    }

    #[test]
    fn nocase_folds_ascii_only() {
        assert!(glob_match(b"HeLLo", b"hello", true));
        assert!(glob_match(b"[A-C]", b"b", true));
        assert!(glob_match(b"[^X]", b"y", true));
        assert!(!glob_match(b"[^X]", b"x", true));
        assert!(!glob_match(b"\xc4", b"\xe4", true));
        assert!(!glob_match(b"HeLLo", b"hello", false));
    }

    #[test]
    fn pathological_star_patterns_are_fast() {
        let s = vec![b'a'; 100];
        let start = std::time::Instant::now();
        assert!(!m(b"a*a*a*a*a*a*a*a*a*b", &s));
        let long_pat: Vec<u8> = b"a*".repeat(5000).into_iter().chain(*b"b").collect();
        let long_s = vec![b'a'; 20000];
        assert!(!m(&long_pat, &long_s));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn deep_star_nesting_does_not_overflow_the_stack() {
        let pat = b"*a".repeat(1_000_000);
        assert!(!m(&pat, b"aaa"));
        assert!(m(&pat[..6], b"aaa"));
    }

    /// Cases checked against Redis 7.0.15's `stringmatchlen` (compiled as an oracle)
    /// and, for a sample, against `KEYS` on a real redis-server 7.0.15.
    #[test]
    fn matches_redis_reference_table() {
        for &(pattern, string, nocase, expected) in REFERENCE {
            assert_eq!(
                glob_match(pattern, string, nocase),
                expected,
                "pattern {:?} string {:?} nocase {}",
                String::from_utf8_lossy(pattern),
                String::from_utf8_lossy(string),
                nocase
            );
        }
    }

    /// `KEYS pattern` on a real redis-server 7.0.15 holding exactly these keys.
    #[test]
    fn matches_keys_on_real_server() {
        let keys: &[&[u8]] = &[
            b"a", b"\\", b"[", b"_", b"-", b"]", b"b", b"x", b"\xff", b"\x80", b"\x00", b"", b"A",
        ];
        let expected: &[(&[u8], &[&[u8]])] = &[
            (b"[", &[]),
            (b"[a", &[b"a"]),
            (
                b"[^",
                &[
                    b"\x00", b"-", b"A", b"[", b"\\", b"]", b"_", b"a", b"b", b"x", b"\x80",
                    b"\xff",
                ],
            ),
            (b"[\\", &[b"\\"]),
            (b"[a-]", &[b"]", b"_", b"a"]),
            (
                b"[a-\xff]",
                &[b"\x00", b"-", b"A", b"[", b"\\", b"]", b"_", b"a", b"\xff"],
            ),
            (b"a\\", &[]),
            (b"\\", &[b"\\"]),
            (
                b"?*",
                &[
                    b"\x00", b"-", b"A", b"[", b"\\", b"]", b"_", b"a", b"b", b"x", b"\x80",
                    b"\xff",
                ],
            ),
            (
                b"[\x80-]",
                &[b"\x00", b"-", b"A", b"[", b"\\", b"]", b"\x80", b"\xff"],
            ),
            (b"[A-\xfe]", &[b"\x00", b"-", b"A", b"\xff"]),
        ];
        for (pattern, want) in expected {
            let mut got: Vec<&[u8]> = keys
                .iter()
                .copied()
                .filter(|k| glob_match(pattern, k, false))
                .collect();
            got.sort();
            let mut want = want.to_vec();
            want.sort();
            assert_eq!(got, want, "pattern {:?}", String::from_utf8_lossy(pattern));
        }
    }

    /// (pattern, string, nocase, Redis result)
    const REFERENCE: &[(&[u8], &[u8], bool, bool)] = &[
        (b"", b"", true, true),
        (b"\\A?", b"Az", true, true),
        (b"", b"", false, true),
        (b"[\x00\\z\x80A?", b"\x00", true, true),
        (b"", b"", false, true),
        (b"\x00", b"\x00", false, true),
        (b"?*A", b"\\]Aa", true, true),
        (b"*", b"\x00B\x00", false, true),
        (b"?", b"\xff", true, true),
        (b"", b"", false, true),
        (b"", b"", false, true),
        (b"*", b"\xffb_-\x00bzB", true, true),
        (b"", b"", true, true),
        (b"", b"", true, true),
        (b"*", b"z_\x80A\xff", true, true),
        (b"*A", b"-]\xff]BzBA", true, true),
        (b"", b"", false, true),
        (b"", b"", true, true),
        (b"***", b"^", true, true),
        (b"*", b"\\*", true, true),
        (b"", b"", true, true),
        (b"*", b"-]\x80]A[A_", false, true),
        (b"?", b"\x80", true, true),
        (b"??", b"A\x80", true, true),
        (b"*", b"[A\xff\x00*z", false, true),
        (b"[^a", b"z", false, true),
        (b"*", b"z^b", false, true),
        (b"?*", b"]*\xff", false, true),
        (b"*", b"B\x80\\", false, true),
        (b"", b"", true, true),
        (b"", b"B[z\\a*", false, false),
        (b"^[^z]\\\xff^", b"", false, false),
        (b"z^-", b"zA", true, false),
        (b"??b]\\]b\x00", b"^_a\x00_*z", true, false),
        (b"", b"*^b\\z", false, false),
        (b"??^\\\\*z?", b"\xff\\\x00az\x00\\", true, false),
        (b"z\xff]\x80z\x00\x00*", b"\x00**z*B", false, false),
        (b"", b"a[^", false, false),
        (b"\x00\x80]", b"A\xffa*\x00*\x80", true, false),
        (b"]\xff\\a", b"]\x80", false, false),
        (b"", b"B*", false, false),
        (b"[?\\z*", b"\\a-", true, false),
        (b"[\xffab?\\\\", b"b[B", true, false),
        (b"\x00]AA", b"", false, false),
        (b"[a?\x80]\\\xffb", b"b*^z", false, false),
        (b"", b"^\\]*^\x00z-", true, false),
        (b"^]a*[^\\b", b"b_^z", false, false),
        (b"\\-\x80", b"[z\\b", true, false),
        (b"A-b\\b[?b", b"[_\x00\xff*A[b", true, false),
        (b"]z\\?a?\xff", b"-z", false, false),
        (b"]--\\A?", b"a]]", false, false),
        (b"\x00[\xff-*[", b"[__^[A", true, false),
        (b"[\xffa?b]", b"\x00_a", false, false),
        (b"-?^\xff", b"^\x00\x00a**", true, false),
        (b"\x80a?\\\x00^", b"", true, false),
        (b"?A\x00*\x00", b"_*\xff\x80aA", false, false),
        (b"^ba?", b"_*-", false, false),
        (b"A\x00\x00*-\\", b"\x00b*z-zB*", true, false),
        (b"A\xff-", b"\x00\\zB[a", false, false),
        (b"^", b"", false, false),
        (b"??", b"A[", false, true),
        (b"", b"", true, true),
        (b"", b"", true, true),
        (b"*", b"zb[\x00[z", false, true),
        (b"", b"", true, true),
        (b"", b"", true, true),
        (b"", b"", false, true),
        (b"", b"", true, true),
        (b"*", b"a", true, true),
        (b"", b"", false, true),
        (b"", b"", false, true),
        (b"*", b"*\xffa", true, true),
        (b"*", b"_b", true, true),
        (b"", b"", false, true),
        (b"", b"", false, true),
        (b"*", b"\x80B", false, true),
        (b"*", b"^]^\x80_\\", true, true),
        (b"?*?b", b"_AB", true, true),
        (b"", b"", false, true),
        (b"", b"", true, true),
        (b"*", b"\\_a", false, true),
        (b"", b"", false, true),
        (b"*[-\xff\x80", b"\xff\x80", false, true),
        (b"*", b"\\*a[", false, true),
        (b"", b"", true, true),
        (b"*", b"__AB\x00]\x00[", false, true),
        (b"", b"", true, true),
        (b"?*?[\x00[", b"[\x00\x00", false, true),
        (b"*", b"\x00", true, true),
        (b"", b"", false, true),
        (b"^zabb\\z", b"[]aB\x00]\x00", false, false),
        (b"", b"[\x80", false, false),
        (b"\xff]\xffb", b"*_\xffz_", true, false),
        (b"z]\x00a]\xff", b"^[A_b__-", false, false),
        (b"]?^a", b"\\\\", true, false),
        (b"\x80ba\xff[", b"", false, false),
        (b"?\x80^", b"a\x80az\x80\x80", false, false),
        (b"\xff*", b"-", false, false),
        (b"^*z\\-\\", b"]^\x00", true, false),
        (b"", b"[z", true, false),
        (b"?", b"\\\xff_", false, false),
        (b"]b", b"]]_][\x80\\", false, false),
        (b"-\xff", b"_\xffa", true, false),
        (b"\x00", b"z\xffz-", true, false),
        (b"Az[a-*?z", b"bz_]\x80A", true, false),
        (b"?a^\\", b"", false, false),
        (b"\x00^?z-a", b"^-a*-b", true, false),
        (b"][A\x80\\-\x00", b"--^a[\x80\x80\x00", true, false),
        (b"?", b"_B", true, false),
        (b"z\x80b^", b"\x80abaa\x00*b", true, false),
        (b"?zA]\x00\xff", b"", true, false),
        (b"\x00aza-\\", b"B^A_]", false, false),
        (b"z", b"", false, false),
        (b"-\\AzA\x00z-", b"[]", true, false),
        (b"*-Az*\x00", b"*Ab", true, false),
        (b"\\\x00z-\\*", b"B_a\\bb]\x00", true, false),
        (b"^z", b"zbB\\", false, false),
        (b"A]\\\x80A\xff\xff-", b"]]A*Az\x80b", true, false),
        (b"[[?[", b"\xffz[\x80__bB", true, false),
        (b"", b"B", true, false),
        (b"a*[\\b**[[b[a\\*", b"aba", true, true),
        (b"*bb*?**", b"bbb", false, true),
        (b"**a", b"bbbabbaaaaaa", true, true),
        (b"**?b[**b", b"baabb", false, true),
        (b"**?\\b**", b"bbaabaab", false, true),
        (b"*b", b"babaabbaaaabbaabbb", true, true),
        (b"*[?b*a**[b]", b"baabaaabbaaaabbbbb", true, true),
        (b"a\\a[a?bb", b"aaa", true, true),
        (b"?**a", b"baaabbbbabbbbabbaba", true, true),
        (b"*", b"abaabbbbaa", true, true),
        (b"*?b***b", b"abbaaaaaababb", true, true),
        (b"[*?\\b*\\a?[]*", b"bbaabb", false, true),
        (b"a[*a*", b"aa", true, true),
        (b"b*[[[*[?*a**b\\", b"bb", false, true),
        (b"*[*??*??a[[]?", b"abaaaab", false, true),
        (b"\\b*?*b", b"bbbabaabbab", false, true),
        (b"**", b"abbbbbabbabbabbaba", false, true),
        (b"bb*[a", b"bbaaabbaaaaba", false, true),
        (b"**[a\\**\\\\*", b"aaaabbbbbabbbaababaa", true, true),
        (b"a***", b"aaabaaababbbaaa", false, true),
        (b"*a*", b"abbbaaaa", false, true),
        (b"*b*a*[?aa", b"abbabbbabaabbbbaaa", false, true),
        (b"??*?*", b"babbbaabb", true, true),
        (b"*", b"babaaaaaabb", true, true),
        (b"??*[a", b"aabbaa", true, true),
        (b"", b"", false, true),
        (b"*b*[aa\\", b"bbaa", false, true),
        (b"**", b"aabbaabaaaaaabbbaba", false, true),
        (b"*?", b"bababa", true, true),
        (b"*[b?ba]", b"abbaaab", true, true),
        (b"**", b"abbbbaaaabaaaabbb", false, true),
        (b"*", b"bbbaaaabaaab", false, true),
        (b"?[?\\]\\b\\b*\\]\\]]*", b"bbaababbbbbbb", false, true),
        (b"*", b"abba", true, true),
        (b"*[[?*a**[?\\**\\", b"babba", true, true),
        (b"", b"", true, true),
        (b"?*[\\abba", b"aababbabaabb", false, true),
        (b"?**?", b"bab", false, true),
        (b"**[*a\\**[bb", b"abbbbbaaababbaaaaaa", true, true),
        (b"*b*[**a?[[bb*b*", b"ababbb", true, true),
        (b"?*]*a*a\\?[?**?", b"baabababbab", false, false),
        (b"]?\\]?****]ba]", b"a", false, false),
        (b"?ab]aa]", b"b", false, false),
        (b"[**]ba[\\*bbb*", b"bbbbaaba", true, false),
        (b"aba\\", b"baaabbb", true, false),
        (b"\\??*][", b"baaabab", true, false),
        (b"*ba?ba[*ab?]]**", b"abbbabbbbb", true, false),
        (b"b**?a*[[?*a]*\\*[", b"bababbaabaaaa", false, false),
        (b"***]]*", b"bbbabaab", true, false),
        (b"a[[[]*b[*[b", b"abaaaababaaa", true, false),
        (b"b*]", b"abbbababbaabba", true, false),
        (b"a[[]]", b"aabba", true, false),
        (b"]]", b"b", false, false),
        (b"a*[?]bb\\\\", b"bbabaab", false, false),
        (b"b\\?*]**", b"aabbbbabaaba", true, false),
        (b"a?*[*?a\\*?[aabb*", b"babbbabbbbaaaabbbaab", true, false),
        (b"*??a\\ba\\*[a", b"baaaaaababaababaa", true, false),
        (b"[*\\*", b"abbaaaabbbabb", false, false),
        (b"\\*\\?a?[\\]*", b"", true, false),
        (b"a?ab**?", b"aabbbba", false, false),
        (b"[aa**\\a", b"abbabaabaaa", false, false),
        (b"**a?\\*]", b"abaaaababbba", false, false),
        (b"?a[?[b**aa**", b"bbaaa", true, false),
        (b"a*[\\]", b"abbaaaaabbbbabbbbbab", false, false),
        (b"[", b"aabbbaabbaaababa", false, false),
        (b"\\]b*a*\\", b"babbabbaabaaababbaba", false, false),
        (b"\\*]**][bb", b"baaaabababba", true, false),
        (b"*]b[*]b[", b"aabaabaa", true, false),
        (b"[*ba\\?**]a**", b"abbaaabbbbbabbababbb", false, false),
        (b"[*[?a]abb?[ba", b"baabbabbabbbba", true, false),
        (b"[[]*bb**?\\b\\*b*", b"bba", false, false),
        (b"", b"baabb", false, false),
        (b"", b"abbbb", true, false),
        (b"?]*", b"ababba", true, false),
        (b"\\b[a", b"aaababba", false, false),
        (b"[*bb\\", b"bab", false, false),
        (b"ba**]\\b[", b"bbbbbabaaababababb", true, false),
        (b"a*?]b", b"aaabaaaabbbaabaaaaaa", true, false),
        (b"b*\\*****[a[*?**a", b"aa", true, false),
        (b"", b"babb", true, false),
    ];

    proptest::proptest! {
        #[test]
        fn never_panics(p in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
                        s in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
                        nocase in proptest::prelude::any::<bool>()) {
            let _ = glob_match(&p, &s, nocase);
        }

        #[test]
        fn literal_patterns_match_only_themselves(s in "[a-z0-9]{0,12}", t in "[a-z0-9]{0,12}") {
            proptest::prop_assert_eq!(glob_match(s.as_bytes(), t.as_bytes(), false), s == t);
        }
    }
}
