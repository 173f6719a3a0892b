//! Model test of the sorted-set commands: random command sequences over a few keys,
//! run on the engine and on plain `BTreeMap`s of member -> score; every reply must
//! agree. Listpack limits change along the way, so both representations and the
//! conversions between them are exercised.

mod common;

use std::collections::BTreeMap;

use bytes::Bytes;
use kvdb_engine::Reply;
use proptest::prelude::*;

type Set = BTreeMap<Vec<u8>, f64>;

#[derive(Debug, Clone)]
enum Op {
    Zadd {
        key: u8,
        flag: u8,
        pairs: Vec<(i8, u8)>,
    },
    Zincrby(u8, i8, u8),
    Zrem(u8, Vec<u8>),
    Zscore(u8, u8),
    Zrank(u8, u8, bool),
    Zcard(u8),
    Zrange(u8, i8, i8, bool, bool),
    Zrangebyscore(u8, i8, i8, bool, bool, Option<(i8, i8)>),
    Zcount(u8, i8, i8),
    Zremrangebyrank(u8, i8, i8),
    Zremrangebyscore(u8, i8, i8),
    Zpop(u8, bool, u8),
    Zunionstore(u8, u8, u8, bool),
    Limit(u8),
}

fn score_arg(s: i8) -> String {
    match s {
        i8::MAX => "inf".into(),
        i8::MIN => "-inf".into(),
        s => (f64::from(s) / 2.0).to_string(),
    }
}

fn score_of(s: i8) -> f64 {
    match s {
        i8::MAX => f64::INFINITY,
        i8::MIN => f64::NEG_INFINITY,
        s => f64::from(s) / 2.0,
    }
}

fn score() -> impl Strategy<Value = i8> {
    prop_oneof![9 => -8i8..8, 1 => Just(i8::MAX), 1 => Just(i8::MIN)]
}

fn member_name(m: u8) -> Vec<u8> {
    // A few long members push a listpack over zset-max-listpack-value.
    if m == 7 {
        vec![b'L'; 70]
    } else {
        format!("m{m}").into_bytes()
    }
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0u8..3;
    let member = 0u8..8;
    prop_oneof![
        6 => (key.clone(), 0u8..11, proptest::collection::vec((score(), member.clone()), 1..4))
            .prop_map(|(key, flag, pairs)| Op::Zadd { key, flag, pairs }),
        2 => (key.clone(), score(), member.clone()).prop_map(|(k, s, m)| Op::Zincrby(k, s, m)),
        2 => (key.clone(), proptest::collection::vec(member.clone(), 1..3)).prop_map(|(k, m)| Op::Zrem(k, m)),
        1 => (key.clone(), member.clone()).prop_map(|(k, m)| Op::Zscore(k, m)),
        1 => (key.clone(), member, any::<bool>()).prop_map(|(k, m, r)| Op::Zrank(k, m, r)),
        1 => key.clone().prop_map(Op::Zcard),
        2 => (key.clone(), -6i8..6, -6i8..6, any::<bool>(), any::<bool>())
            .prop_map(|(k, a, b, r, w)| Op::Zrange(k, a, b, r, w)),
        2 => (key.clone(), score(), score(), any::<bool>(), any::<bool>(), proptest::option::of((-1i8..3, -1i8..3)))
            .prop_map(|(k, a, b, x, r, l)| Op::Zrangebyscore(k, a, b, x, r, l)),
        1 => (key.clone(), score(), score()).prop_map(|(k, a, b)| Op::Zcount(k, a, b)),
        1 => (key.clone(), -6i8..6, -6i8..6).prop_map(|(k, a, b)| Op::Zremrangebyrank(k, a, b)),
        1 => (key.clone(), score(), score()).prop_map(|(k, a, b)| Op::Zremrangebyscore(k, a, b)),
        2 => (key.clone(), any::<bool>(), 0u8..4).prop_map(|(k, m, c)| Op::Zpop(k, m, c)),
        1 => (key.clone(), key.clone(), key, any::<bool>()).prop_map(|(d, a, b, i)| Op::Zunionstore(d, a, b, i)),
        1 => prop_oneof![Just(0u8), Just(2), Just(4), Just(128)].prop_map(Op::Limit),
    ]
}

fn key_name(k: u8) -> String {
    format!("z{k}")
}

/// Members of a model set in sorted-set order.
fn sorted(set: &Set) -> Vec<(Vec<u8>, f64)> {
    let mut items: Vec<(Vec<u8>, f64)> = set.iter().map(|(m, s)| (m.clone(), *s)).collect();
    items.sort_by(|a, b| {
        a.1.partial_cmp(&b.1)
            .expect("no NaN")
            .then_with(|| a.0.cmp(&b.0))
    });
    items
}

fn bulk(bytes: &[u8]) -> Reply {
    Reply::Bulk(Bytes::copy_from_slice(bytes))
}

fn items_reply(items: &[(Vec<u8>, f64)], with_scores: bool) -> Reply {
    let mut out = Vec::new();
    for (member, score) in items {
        out.push(bulk(member));
        if with_scores {
            out.push(Reply::Double(*score));
        }
    }
    Reply::Array(out)
}

fn error(text: &str) -> Reply {
    Reply::Error(Bytes::copy_from_slice(text.as_bytes()))
}

/// Redis's rank range over `len` members, inclusive.
fn rank_span(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { len + start } else { start }.max(0);
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

#[derive(Debug, Default)]
struct Model {
    keys: BTreeMap<String, Set>,
}

impl Model {
    fn set(&self, key: u8) -> Set {
        self.keys.get(&key_name(key)).cloned().unwrap_or_default()
    }

    fn put(&mut self, key: u8, set: Set) {
        if set.is_empty() {
            self.keys.remove(&key_name(key));
        } else {
            self.keys.insert(key_name(key), set);
        }
    }

    fn apply(&mut self, op: &Op) -> (Vec<String>, Reply) {
        match op {
            Op::Zadd { key, flag, pairs } => {
                // flag: 0 none, 1 NX, 2 XX, 3 GT, 4 LT, 5 CH, 6 INCR, 7 XX GT CH,
                // 8 GT INCR, 9 LT INCR, 10 NX INCR
                let (nx, xx, gt, lt, ch, incr) = match flag {
                    1 => (true, false, false, false, false, false),
                    2 => (false, true, false, false, false, false),
                    3 => (false, false, true, false, false, false),
                    4 => (false, false, false, true, false, false),
                    5 => (false, false, false, false, true, false),
                    6 => (false, false, false, false, false, true),
                    7 => (false, true, true, false, true, false),
                    8 => (false, false, true, false, false, true),
                    9 => (false, false, false, true, false, true),
                    10 => (true, false, false, false, false, true),
                    _ => (false, false, false, false, false, false),
                };
                let pairs = if incr { &pairs[..1] } else { &pairs[..] };
                let mut argv = vec!["ZADD".to_string(), key_name(*key)];
                for (on, name) in [
                    (nx, "NX"),
                    (xx, "XX"),
                    (gt, "GT"),
                    (lt, "LT"),
                    (ch, "CH"),
                    (incr, "INCR"),
                ] {
                    if on {
                        argv.push(name.into());
                    }
                }
                let mut set = self.set(*key);
                let (mut added, mut changed, mut processed, mut last) = (0, 0, 0, 0.0);
                for (s, m) in pairs {
                    argv.push(score_arg(*s));
                    argv.push(String::from_utf8(member_name(*m)).expect("ascii"));
                    let member = member_name(*m);
                    let score = score_of(*s);
                    match set.get(&member).copied() {
                        Some(current) => {
                            if nx {
                                continue;
                            }
                            let new = if incr { current + score } else { score };
                            if new.is_nan() {
                                return (argv, error("ERR resulting score is not a number (NaN)"));
                            }
                            if (lt && new >= current) || (gt && new <= current) {
                                continue;
                            }
                            processed += 1;
                            last = new;
                            if new != current {
                                changed += 1;
                                set.insert(member, new);
                            }
                        }
                        None if xx => {}
                        None => {
                            processed += 1;
                            last = score;
                            added += 1;
                            set.insert(member, score);
                        }
                    }
                }
                self.put(*key, set);
                let reply = if incr {
                    if processed > 0 {
                        Reply::Double(last)
                    } else {
                        Reply::Nil
                    }
                } else if ch {
                    Reply::Int(added + changed)
                } else {
                    Reply::Int(added)
                };
                (argv, reply)
            }
            Op::Zincrby(key, s, m) => {
                let argv = vec![
                    "ZINCRBY".into(),
                    key_name(*key),
                    score_arg(*s),
                    String::from_utf8(member_name(*m)).expect("ascii"),
                ];
                let mut set = self.set(*key);
                let new = match set.get(&member_name(*m)) {
                    Some(current) => current + score_of(*s),
                    None => score_of(*s),
                };
                if new.is_nan() {
                    return (argv, error("ERR resulting score is not a number (NaN)"));
                }
                set.insert(member_name(*m), new);
                self.put(*key, set);
                (argv, Reply::Double(new))
            }
            Op::Zrem(key, ms) => {
                let mut argv = vec!["ZREM".into(), key_name(*key)];
                let mut set = self.set(*key);
                let mut removed = 0;
                for m in ms {
                    argv.push(String::from_utf8(member_name(*m)).expect("ascii"));
                    removed += i64::from(set.remove(&member_name(*m)).is_some());
                }
                self.put(*key, set);
                (argv, Reply::Int(removed))
            }
            Op::Zscore(key, m) => (
                vec![
                    "ZSCORE".into(),
                    key_name(*key),
                    String::from_utf8(member_name(*m)).expect("ascii"),
                ],
                self.set(*key)
                    .get(&member_name(*m))
                    .map_or(Reply::Nil, |s| Reply::Double(*s)),
            ),
            Op::Zrank(key, m, rev) => {
                let items = sorted(&self.set(*key));
                let rank = items.iter().position(|(x, _)| *x == member_name(*m));
                let name = if *rev { "ZREVRANK" } else { "ZRANK" };
                let reply = rank.map_or(Reply::Nil, |r| {
                    Reply::Int(if *rev { items.len() - 1 - r } else { r } as i64)
                });
                (
                    vec![
                        name.into(),
                        key_name(*key),
                        String::from_utf8(member_name(*m)).expect("ascii"),
                    ],
                    reply,
                )
            }
            Op::Zcard(key) => (
                vec!["ZCARD".into(), key_name(*key)],
                Reply::Int(self.set(*key).len() as i64),
            ),
            Op::Zrange(key, a, b, rev, ws) => {
                let mut argv = vec![
                    "ZRANGE".into(),
                    key_name(*key),
                    a.to_string(),
                    b.to_string(),
                ];
                if *rev {
                    argv.push("REV".into());
                }
                if *ws {
                    argv.push("WITHSCORES".into());
                }
                let mut items = sorted(&self.set(*key));
                if *rev {
                    items.reverse();
                }
                let selected = match rank_span(i64::from(*a), i64::from(*b), items.len()) {
                    Some((first, last)) => items[first..=last].to_vec(),
                    None => Vec::new(),
                };
                (argv, items_reply(&selected, *ws))
            }
            Op::Zrangebyscore(key, a, b, exclusive, rev, limit) => {
                let (min, max) = (score_of(*a), score_of(*b));
                let bound = |s: i8| {
                    if *exclusive {
                        format!("({}", score_arg(s))
                    } else {
                        score_arg(s)
                    }
                };
                let mut argv = vec![
                    if *rev {
                        "ZREVRANGEBYSCORE"
                    } else {
                        "ZRANGEBYSCORE"
                    }
                    .to_string(),
                    key_name(*key),
                ];
                if *rev {
                    argv.push(bound(*b));
                    argv.push(bound(*a));
                } else {
                    argv.push(bound(*a));
                    argv.push(bound(*b));
                }
                argv.push("WITHSCORES".into());
                let mut items: Vec<_> = sorted(&self.set(*key))
                    .into_iter()
                    .filter(|(_, s)| {
                        if *exclusive {
                            *s > min && *s < max
                        } else {
                            *s >= min && *s <= max
                        }
                    })
                    .collect();
                if *rev {
                    items.reverse();
                }
                if let Some((offset, count)) = limit {
                    argv.extend(["LIMIT".into(), offset.to_string(), count.to_string()]);
                    items = if *offset < 0 {
                        Vec::new()
                    } else {
                        let rest = items.into_iter().skip(*offset as usize);
                        if *count < 0 {
                            rest.collect()
                        } else {
                            rest.take(*count as usize).collect()
                        }
                    };
                }
                (argv, items_reply(&items, true))
            }
            Op::Zcount(key, a, b) => {
                let (min, max) = (score_of(*a), score_of(*b));
                let count = self
                    .set(*key)
                    .values()
                    .filter(|s| **s >= min && **s <= max)
                    .count();
                (
                    vec![
                        "ZCOUNT".into(),
                        key_name(*key),
                        score_arg(*a),
                        score_arg(*b),
                    ],
                    Reply::Int(count as i64),
                )
            }
            Op::Zremrangebyrank(key, a, b) => {
                let items = sorted(&self.set(*key));
                let mut set = self.set(*key);
                let mut removed = 0;
                if let Some((first, last)) = rank_span(i64::from(*a), i64::from(*b), items.len()) {
                    for (m, _) in &items[first..=last] {
                        set.remove(m);
                        removed += 1;
                    }
                }
                self.put(*key, set);
                (
                    vec![
                        "ZREMRANGEBYRANK".into(),
                        key_name(*key),
                        a.to_string(),
                        b.to_string(),
                    ],
                    Reply::Int(removed),
                )
            }
            Op::Zremrangebyscore(key, a, b) => {
                let (min, max) = (score_of(*a), score_of(*b));
                let mut set = self.set(*key);
                let before = set.len();
                set.retain(|_, s| !(*s >= min && *s <= max));
                let removed = before - set.len();
                self.put(*key, set);
                (
                    vec![
                        "ZREMRANGEBYSCORE".into(),
                        key_name(*key),
                        score_arg(*a),
                        score_arg(*b),
                    ],
                    Reply::Int(removed as i64),
                )
            }
            Op::Zpop(key, max, count) => {
                let mut items = sorted(&self.set(*key));
                if *max {
                    items.reverse();
                }
                let popped: Vec<_> = items.into_iter().take(usize::from(*count)).collect();
                let mut set = self.set(*key);
                for (m, _) in &popped {
                    set.remove(m);
                }
                self.put(*key, set);
                (
                    vec![
                        if *max { "ZPOPMAX" } else { "ZPOPMIN" }.to_string(),
                        key_name(*key),
                        count.to_string(),
                    ],
                    items_reply(&popped, true),
                )
            }
            Op::Zunionstore(dst, a, b, inter) => {
                let (sa, sb) = (self.set(*a), self.set(*b));
                let mut result = Set::new();
                if *inter {
                    for (m, s) in &sa {
                        if let Some(t) = sb.get(m) {
                            let sum = if *a == *b { s + s } else { s + t };
                            result.insert(m.clone(), if sum.is_nan() { 0.0 } else { sum });
                        }
                    }
                } else {
                    for (m, s) in sa.iter().chain(sb.iter()) {
                        let total = match result.get(m) {
                            None => *s,
                            Some(t) if (t + s).is_nan() => 0.0,
                            Some(t) => t + s,
                        };
                        result.insert(m.clone(), total);
                    }
                }
                let len = result.len();
                self.put(*dst, result);
                (
                    vec![
                        if *inter { "ZINTERSTORE" } else { "ZUNIONSTORE" }.to_string(),
                        key_name(*dst),
                        "2".into(),
                        key_name(*a),
                        key_name(*b),
                    ],
                    Reply::Int(len as i64),
                )
            }
            Op::Limit(n) => (
                vec![
                    "CONFIG".into(),
                    "SET".into(),
                    "zset-max-listpack-entries".into(),
                    n.to_string(),
                ],
                Reply::Ok,
            ),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn engine_agrees_with_the_model(ops in proptest::collection::vec(op(), 1..100)) {
        let (mut session, _) = common::session();
        let mut model = Model::default();
        for op in &ops {
            let (argv, expected) = model.apply(op);
            let words: Vec<&str> = argv.iter().map(String::as_str).collect();
            let actual = common::call(&mut session, &words);
            prop_assert_eq!(actual, expected, "after {:?}", words);
        }
        for k in 0..3 {
            let items = sorted(&model.set(k));
            let actual = common::call(&mut session, &["ZRANGE", &key_name(k), "0", "-1", "WITHSCORES"]);
            prop_assert_eq!(actual, items_reply(&items, true));
        }
        let expected_keys = model.keys.len() as i64;
        prop_assert_eq!(common::call(&mut session, &["DBSIZE"]), Reply::Int(expected_keys));
    }
}
