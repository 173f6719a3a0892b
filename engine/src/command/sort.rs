//! SORT and SORT_RO: the elements of a list, set or sorted set, sorted numerically or
//! lexicographically, optionally by other keys (`BY pattern`), projected through
//! other keys (`GET pattern`), limited, and stored as a list.
//!
//! Rules that are easy to get wrong, all as in Redis 7.0: options are checked before
//! the key is looked up; a missing key sorts as an empty list; numeric sorting parses
//! with C's `strtod` (leading blanks allowed, the empty string is 0) and any element
//! that does not parse fails the whole command; equal scores fall back to comparing
//! the elements; `BY` without `*` means "don't sort", except for a set being stored,
//! which is then sorted lexicographically so the result is deterministic; a `BY` key
//! that is missing scores 0 (or sorts first with `ALPHA`); `GET #` is the element
//! itself and `GET key->field` reads a hash field; STORE replaces the destination
//! with a list (dropping its TTL) or deletes it when the result is empty.

use std::cmp::Ordering;

use bytes::Bytes;

use super::flags::*;
use super::{acl, spec, Collection, CommandSpec, Ctx};
use crate::args::{is_keyword, parse_i64, Args};
use crate::error::CommandError;
use crate::num::parse_f64;
use crate::reply::Reply;
use crate::types::set::Member;
use crate::types::{List, StrEncoding, StrValue, Value};

/// SORT's options.
#[derive(Debug, Default)]
struct SortOptions<'a> {
    desc: bool,
    alpha: bool,
    limit: Option<(i64, i64)>,
    by: Option<&'a [u8]>,
    gets: Vec<&'a [u8]>,
    store: Option<&'a Bytes>,
}

impl<'a> SortOptions<'a> {
    /// `full_key_access`: the user may read every key, which BY with a pattern and
    /// GET need (they read keys the command does not name).
    fn parse(
        args: &mut Args<'a>,
        readonly: bool,
        full_key_access: bool,
    ) -> Result<Self, CommandError> {
        let mut options = SortOptions::default();
        while let Some(arg) = args.try_next() {
            let left = args.remaining();
            if is_keyword(arg, "ASC") {
                options.desc = false;
            } else if is_keyword(arg, "DESC") {
                options.desc = true;
            } else if is_keyword(arg, "ALPHA") {
                options.alpha = true;
            } else if is_keyword(arg, "LIMIT") && left >= 2 {
                let start = parse_i64(args.required()?)?;
                let count = parse_i64(args.required()?)?;
                options.limit = Some((start, count));
            } else if !readonly && is_keyword(arg, "STORE") && left >= 1 {
                options.store = Some(args.required()?);
            } else if is_keyword(arg, "BY") && left >= 1 {
                let pattern = args.required()?;
                if !is_constant(pattern) && !full_key_access {
                    return Err(CommandError::err(
                        "BY option of SORT denied due to insufficient ACL permissions.",
                    ));
                }
                options.by = Some(pattern);
            } else if is_keyword(arg, "GET") && left >= 1 {
                if !full_key_access {
                    return Err(CommandError::err(
                        "GET option of SORT denied due to insufficient ACL permissions.",
                    ));
                }
                options.gets.push(args.required()?);
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(options)
    }
}

/// True for a BY pattern without `*` (read as a C string, like Redis's `strchr`):
/// it names one key for every element, so SORT keeps the elements' order.
fn is_constant(pattern: &[u8]) -> bool {
    !crate::args::c_str(pattern).contains(&b'*')
}

/// What a `BY`/`GET` pattern points at for one element: `#` is the element itself;
/// otherwise the first `*` is replaced by the element, and a `->field` suffix reads a
/// hash field instead of a string. `None` when the key (or field) is missing or of
/// another type, or the pattern has no `*`.
fn lookup_by_pattern(ctx: &mut Ctx<'_>, pattern: &[u8], element: &[u8]) -> Option<Bytes> {
    if pattern == b"#" {
        return Some(Bytes::copy_from_slice(element));
    }
    let star = pattern.iter().position(|&b| b == b'*')?;
    let after_star = &pattern[star + 1..];
    let arrow = after_star
        .windows(2)
        .position(|pair| pair == b"->")
        .filter(|&at| at + 2 < after_star.len());
    let (postfix, field) = match arrow {
        Some(at) => (&after_star[..at], Some(&after_star[at + 2..])),
        None => (after_star, None),
    };
    let mut key = Vec::with_capacity(star + element.len() + postfix.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(element);
    key.extend_from_slice(postfix);
    let entry = ctx.read(&key)?;
    match (&entry.value, field) {
        (Value::Hash(hash), Some(field)) => hash.get(field).map(StrValue::to_bytes),
        (Value::Str(string), None) => Some(string.to_bytes()),
        _ => None,
    }
}

/// C's `strtod` as SORT uses it on the C string (it ends at a NUL): leading blanks
/// skipped, the rest must parse, the empty string is 0; NaN and out-of-range values
/// (`ERANGE`) are refused.
fn sort_score(bytes: &[u8]) -> Option<f64> {
    let text = crate::args::c_str(bytes);
    if text.is_empty() {
        return Some(0.0);
    }
    let start = text.iter().position(|&b| !crate::num::is_c_space(b))?;
    parse_f64(&text[start..])
}

/// One element being sorted, with what it sorts by.
struct Item {
    element: Bytes,
    score: f64,
    by: Option<Bytes>,
}

/// Redis's start/end arithmetic for LIMIT over `len` elements (end may be start - 1:
/// nothing).
fn limit_range(limit: Option<(i64, i64)>, len: usize) -> (i64, i64) {
    let len = len as i64;
    let (start, count) = limit.unwrap_or((0, -1));
    let mut start = start.max(0).min(len);
    let count = count.max(-1).min(len);
    let mut end = if count < 0 {
        len - 1
    } else {
        start.saturating_add(count) - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }
    (start, end)
}

/// The elements of the list, set or sorted set under `key`, in the order SORT starts
/// from (a sorted set's in rank order).
fn elements_of(value: Option<&Value>) -> Result<Vec<Bytes>, CommandError> {
    Ok(match value {
        None => Vec::new(),
        Some(Value::List(list)) => list.iter().map(StrValue::to_bytes).collect(),
        Some(Value::Set(set)) => set
            .members()
            .map(|member| Bytes::from(Member::to_vec(member)))
            .collect(),
        Some(Value::ZSet(zset)) => zset
            .iter()
            .map(|(member, _)| Bytes::copy_from_slice(member))
            .collect(),
        Some(_) => return Err(CommandError::WrongType),
    })
}

fn sort_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    readonly: bool,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    // A master or the AOF loader is obeyed, as Redis's user-less master client is.
    let full_key_access = ctx.client.must_obey()
        || super::table().resolve_id(args.argv()).is_ok_and(|id| {
            let user = &ctx.client.user;
            user.may_run_on_any_key(id, args.argv(), crate::acl::KEY_READ)
        });
    let mut options = SortOptions::parse(args, readonly, full_key_access)?;
    let seed = ctx.rules().seed;
    let value = ctx.read(&key).map(|entry| {
        // Redis sorts a sorted set through its skiplist, converting it for good.
        if let Value::ZSet(zset) = &mut entry.value {
            zset.convert_to_skiplist(seed);
        }
        entry.value.clone()
    });
    let is_set = matches!(value, Some(Value::Set(_)));
    let mut elements = elements_of(value.as_ref())?;
    let mut dont_sort = options.by.is_some_and(is_constant);
    // An unsorted set is in hash order; a stored result, or one a script reads, must
    // not depend on it.
    if dont_sort && is_set && (options.store.is_some() || ctx.client.in_script) {
        dont_sort = false;
        options.alpha = true;
        options.by = None;
    }
    let (mut start, mut end) = limit_range(options.limit, elements.len());
    if dont_sort && !is_set {
        // Lists and sorted sets keep their order: take the limited range straight away.
        if options.desc {
            elements.reverse();
        }
        if end >= start {
            elements = elements[start as usize..=end as usize].to_vec();
        } else {
            elements.clear();
        }
        end -= start;
        start = 0;
    }
    let mut items: Vec<Item> = elements
        .into_iter()
        .map(|element| Item {
            element,
            score: 0.0,
            by: None,
        })
        .collect();
    if !dont_sort {
        let mut unparsable = false;
        for item in &mut items {
            let by = match options.by {
                Some(pattern) => match lookup_by_pattern(ctx, pattern, &item.element) {
                    Some(by) => by,
                    None => continue,
                },
                None => item.element.clone(),
            };
            if options.alpha {
                if options.by.is_some() {
                    item.by = Some(by);
                }
            } else {
                match sort_score(&by) {
                    Some(score) => item.score = score,
                    None => unparsable = true,
                }
            }
        }
        if unparsable {
            return Err(CommandError::err(
                "One or more scores can't be converted into double",
            ));
        }
        let by_pattern = options.by.is_some();
        items.sort_by(|a, b| {
            let order = if !options.alpha {
                a.score
                    .partial_cmp(&b.score)
                    .unwrap_or(Ordering::Equal)
                    .then_with(|| a.element.cmp(&b.element))
            } else if by_pattern {
                match (&a.by, &b.by) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Less,
                    (Some(_), None) => Ordering::Greater,
                    (Some(x), Some(y)) => x.cmp(y),
                }
            } else {
                a.element.cmp(&b.element)
            };
            if options.desc {
                order.reverse()
            } else {
                order
            }
        });
    }
    let chosen: &[Item] = if end >= start {
        &items[start as usize..=end as usize]
    } else {
        &[]
    };
    let mut output: Vec<Option<Bytes>> = Vec::new();
    for item in chosen {
        if options.gets.is_empty() {
            output.push(Some(item.element.clone()));
        }
        for pattern in &options.gets {
            output.push(lookup_by_pattern(ctx, pattern, &item.element));
        }
    }
    let Some(destination) = options.store else {
        return Ok(Reply::Array(
            output.into_iter().map(Reply::bulk_or_nil).collect(),
        ));
    };
    let len = output.len();
    if len == 0 {
        ctx.delete_stored(destination);
    } else {
        let list: List = output
            .into_iter()
            .map(|element| StrValue::copied(&element.unwrap_or_default(), StrEncoding::Raw))
            .collect();
        ctx.store(destination, list.into_value(), None);
        ctx.notify(crate::notify::LIST, "sortstore", destination);
    }
    Ok(Reply::Int(len as i64))
}

fn sort(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    sort_generic(ctx, args, false)
}

fn sort_ro(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    sort_generic(ctx, args, true)
}

const SORT_ACL: u32 = acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS;

/// SORT and SORT_RO.
pub static COMMANDS: &[CommandSpec] = &[
    spec!(
        "sort",
        -2,
        WRITE | DENYOOM | MOVABLE_KEYS,
        (1, 1, 1),
        SORT_ACL,
        sort
    ),
    spec!(
        "sort_ro",
        -2,
        READONLY | MOVABLE_KEYS,
        (1, 1, 1),
        SORT_ACL,
        sort_ro
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_redis_arithmetic() {
        assert_eq!(limit_range(None, 5), (0, 4));
        assert_eq!(limit_range(Some((1, 2)), 5), (1, 2));
        assert_eq!(limit_range(Some((-3, 2)), 5), (0, 1));
        assert_eq!(limit_range(Some((10, 2)), 5), (4, 3));
        assert_eq!(limit_range(Some((3, 100)), 5), (3, 4));
        assert_eq!(limit_range(Some((0, 0)), 5), (0, -1));
        assert_eq!(limit_range(None, 0), (-1, -2));
    }

    #[test]
    fn scores_parse_like_strtod() {
        assert_eq!(sort_score(b""), Some(0.0));
        assert_eq!(sort_score(b"  1.5"), Some(1.5));
        assert_eq!(sort_score(b"1.5 "), None);
        assert_eq!(sort_score(b"nan"), None);
        assert_eq!(sort_score(b"   "), None);
        assert_eq!(sort_score(b"1e400"), None);
        assert_eq!(sort_score(b"2\x00junk"), Some(2.0));
    }
}
