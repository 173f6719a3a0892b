//! Model test of lists, hashes and sets: random command sequences over a few shared
//! keys run on the engine and on plain `VecDeque`/`Vec`/`BTreeSet` models, every reply
//! compared. The keys are shared between the types, so WRONGTYPE and the deletion of
//! emptied collections are exercised too.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bytes::Bytes;
use kvdb_engine::Reply;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Push(u8, bool, Vec<u8>),
    Pop(u8, bool, Option<u8>),
    Lrange(u8, i8, i8),
    Lrem(u8, i8, u8),
    Lset(u8, i8, u8),
    Hset(u8, u8, u8),
    Hdel(u8, u8),
    Hincrby(u8, u8, i8),
    Hgetall(u8),
    Sadd(u8, Vec<u8>),
    Srem(u8, u8),
    Smembers(u8),
    Sismember(u8, u8),
    Del(u8),
    Type(u8),
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0u8..4;
    let small = 0u8..6;
    prop_oneof![
        (
            key.clone(),
            any::<bool>(),
            proptest::collection::vec(small.clone(), 1..4)
        )
            .prop_map(|(k, left, v)| Op::Push(k, left, v)),
        (key.clone(), any::<bool>(), proptest::option::of(0u8..4))
            .prop_map(|(k, left, c)| Op::Pop(k, left, c)),
        (key.clone(), -5i8..5, -5i8..5).prop_map(|(k, a, b)| Op::Lrange(k, a, b)),
        (key.clone(), -3i8..3, small.clone()).prop_map(|(k, c, v)| Op::Lrem(k, c, v)),
        (key.clone(), -4i8..4, small.clone()).prop_map(|(k, i, v)| Op::Lset(k, i, v)),
        (key.clone(), small.clone(), small.clone()).prop_map(|(k, f, v)| Op::Hset(k, f, v)),
        (key.clone(), small.clone()).prop_map(|(k, f)| Op::Hdel(k, f)),
        (key.clone(), small.clone(), any::<i8>()).prop_map(|(k, f, n)| Op::Hincrby(k, f, n)),
        key.clone().prop_map(Op::Hgetall),
        (key.clone(), proptest::collection::vec(small.clone(), 1..4))
            .prop_map(|(k, v)| Op::Sadd(k, v)),
        (key.clone(), small.clone()).prop_map(|(k, m)| Op::Srem(k, m)),
        key.clone().prop_map(Op::Smembers),
        (key.clone(), small).prop_map(|(k, m)| Op::Sismember(k, m)),
        key.clone().prop_map(Op::Del),
        key.prop_map(Op::Type),
    ]
}

#[derive(Debug, Clone)]
enum Value {
    List(VecDeque<String>),
    Hash(Vec<(String, String)>),
    Set(BTreeSet<i64>),
}

fn bulk(text: &str) -> Reply {
    Reply::Bulk(Bytes::copy_from_slice(text.as_bytes()))
}

fn wrongtype() -> Reply {
    Reply::Error(Bytes::from_static(
        b"WRONGTYPE Operation against a key holding the wrong kind of value",
    ))
}

fn key(k: u8) -> String {
    format!("k{k}")
}

/// Redis's list range clamping.
fn clamp(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { len + start } else { start }.max(0);
    let end = if end < 0 { len + end } else { end };
    (start <= end && start < len).then(|| (start as usize, end.min(len - 1) as usize))
}

#[derive(Debug, Default)]
struct Model {
    keys: BTreeMap<String, Value>,
}

impl Model {
    /// Runs `op` and answers what Redis would.
    fn apply(&mut self, op: &Op) -> Reply {
        let result = self.apply_inner(op);
        // Redis never keeps an empty collection.
        self.keys.retain(|_, value| match value {
            Value::List(list) => !list.is_empty(),
            Value::Hash(pairs) => !pairs.is_empty(),
            Value::Set(set) => !set.is_empty(),
        });
        result
    }

    fn apply_inner(&mut self, op: &Op) -> Reply {
        match op {
            Op::Push(k, left, values) => {
                let entry = self
                    .keys
                    .entry(key(*k))
                    .or_insert_with(|| Value::List(VecDeque::new()));
                let Value::List(list) = entry else {
                    return wrongtype();
                };
                for value in values {
                    if *left {
                        list.push_front(value.to_string());
                    } else {
                        list.push_back(value.to_string());
                    }
                }
                Reply::Int(list.len() as i64)
            }
            Op::Pop(k, left, count) => match self.keys.get_mut(&key(*k)) {
                None if count.is_some() => Reply::NilArray,
                None => Reply::Nil,
                Some(Value::List(list)) => {
                    let mut popped = Vec::new();
                    for _ in 0..count.map_or(1, usize::from) {
                        let value = if *left {
                            list.pop_front()
                        } else {
                            list.pop_back()
                        };
                        if let Some(value) = value {
                            popped.push(bulk(&value));
                        }
                    }
                    match count {
                        Some(_) => Reply::Array(popped),
                        None => popped.pop().unwrap_or(Reply::Nil),
                    }
                }
                Some(_) => wrongtype(),
            },
            Op::Lrange(k, start, end) => match self.keys.get(&key(*k)) {
                None => Reply::Array(vec![]),
                Some(Value::List(list)) => Reply::Array(
                    match clamp(i64::from(*start), i64::from(*end), list.len()) {
                        Some((a, b)) => list.range(a..=b).map(|v| bulk(v)).collect(),
                        None => vec![],
                    },
                ),
                Some(_) => wrongtype(),
            },
            Op::Lrem(k, count, value) => match self.keys.get_mut(&key(*k)) {
                None => Reply::Int(0),
                Some(Value::List(list)) => {
                    let value = value.to_string();
                    let limit = if *count == 0 {
                        usize::MAX
                    } else {
                        count.unsigned_abs() as usize
                    };
                    let mut removed = 0;
                    let mut kept: Vec<String> = Vec::new();
                    let items: Vec<String> = if *count < 0 {
                        list.iter().rev().cloned().collect()
                    } else {
                        list.iter().cloned().collect()
                    };
                    for item in items {
                        if item == value && removed < limit {
                            removed += 1;
                        } else {
                            kept.push(item);
                        }
                    }
                    if *count < 0 {
                        kept.reverse();
                    }
                    *list = kept.into();
                    Reply::Int(removed as i64)
                }
                Some(_) => wrongtype(),
            },
            Op::Lset(k, index, value) => match self.keys.get_mut(&key(*k)) {
                None => Reply::Error(Bytes::from_static(b"ERR no such key")),
                Some(Value::List(list)) => {
                    let len = list.len() as i64;
                    let at = if *index < 0 {
                        len + i64::from(*index)
                    } else {
                        i64::from(*index)
                    };
                    if (0..len).contains(&at) {
                        list[at as usize] = value.to_string();
                        Reply::Ok
                    } else {
                        Reply::Error(Bytes::from_static(b"ERR index out of range"))
                    }
                }
                Some(_) => wrongtype(),
            },
            Op::Hset(k, field, value) => {
                let entry = self
                    .keys
                    .entry(key(*k))
                    .or_insert_with(|| Value::Hash(Vec::new()));
                let Value::Hash(pairs) = entry else {
                    return wrongtype();
                };
                let (field, value) = (field.to_string(), value.to_string());
                match pairs.iter_mut().find(|(f, _)| *f == field) {
                    Some((_, old)) => {
                        *old = value;
                        Reply::Int(0)
                    }
                    None => {
                        pairs.push((field, value));
                        Reply::Int(1)
                    }
                }
            }
            Op::Hdel(k, field) => match self.keys.get_mut(&key(*k)) {
                None => Reply::Int(0),
                Some(Value::Hash(pairs)) => {
                    let before = pairs.len();
                    pairs.retain(|(f, _)| *f != field.to_string());
                    Reply::Int((before - pairs.len()) as i64)
                }
                Some(_) => wrongtype(),
            },
            Op::Hincrby(k, field, by) => {
                let entry = self
                    .keys
                    .entry(key(*k))
                    .or_insert_with(|| Value::Hash(Vec::new()));
                let Value::Hash(pairs) = entry else {
                    return wrongtype();
                };
                let field = field.to_string();
                let current = pairs
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map_or(0, |(_, v)| v.parse::<i64>().unwrap_or(0));
                let sum = current + i64::from(*by);
                match pairs.iter_mut().find(|(f, _)| *f == field) {
                    Some((_, old)) => *old = sum.to_string(),
                    None => pairs.push((field, sum.to_string())),
                }
                Reply::Int(sum)
            }
            Op::Hgetall(k) => match self.keys.get(&key(*k)) {
                None => Reply::Map(vec![]),
                Some(Value::Hash(pairs)) => {
                    Reply::Map(pairs.iter().map(|(f, v)| (bulk(f), bulk(v))).collect())
                }
                Some(_) => wrongtype(),
            },
            Op::Sadd(k, members) => {
                let entry = self
                    .keys
                    .entry(key(*k))
                    .or_insert_with(|| Value::Set(BTreeSet::new()));
                let Value::Set(set) = entry else {
                    return wrongtype();
                };
                let added = members
                    .iter()
                    .filter(|m| set.insert(i64::from(**m)))
                    .count();
                Reply::Int(added as i64)
            }
            Op::Srem(k, member) => match self.keys.get_mut(&key(*k)) {
                None => Reply::Int(0),
                Some(Value::Set(set)) => Reply::Int(i64::from(set.remove(&i64::from(*member)))),
                Some(_) => wrongtype(),
            },
            Op::Smembers(k) => match self.keys.get(&key(*k)) {
                None => Reply::Set(vec![]),
                Some(Value::Set(set)) => {
                    Reply::Set(set.iter().map(|m| bulk(&m.to_string())).collect())
                }
                Some(_) => wrongtype(),
            },
            Op::Sismember(k, member) => match self.keys.get(&key(*k)) {
                None => Reply::Int(0),
                Some(Value::Set(set)) => Reply::Int(i64::from(set.contains(&i64::from(*member)))),
                Some(_) => wrongtype(),
            },
            Op::Del(k) => Reply::Int(i64::from(self.keys.remove(&key(*k)).is_some())),
            Op::Type(k) => Reply::Status(Bytes::from_static(match self.keys.get(&key(*k)) {
                None => b"none",
                Some(Value::List(_)) => b"list",
                Some(Value::Hash(_)) => b"hash",
                Some(Value::Set(_)) => b"set",
            })),
        }
    }
}

fn argv(op: &Op) -> Vec<String> {
    let words = |items: &[&dyn ToString]| items.iter().map(|i| i.to_string()).collect::<Vec<_>>();
    match op {
        Op::Push(k, left, values) => {
            let mut argv = vec![if *left { "LPUSH" } else { "RPUSH" }.to_string(), key(*k)];
            argv.extend(values.iter().map(u8::to_string));
            argv
        }
        Op::Pop(k, left, count) => {
            let mut argv = vec![if *left { "LPOP" } else { "RPOP" }.to_string(), key(*k)];
            argv.extend(count.map(|c| c.to_string()));
            argv
        }
        Op::Lrange(k, a, b) => words(&[&"LRANGE", &key(*k), a, b]),
        Op::Lrem(k, c, v) => words(&[&"LREM", &key(*k), c, v]),
        Op::Lset(k, i, v) => words(&[&"LSET", &key(*k), i, v]),
        Op::Hset(k, f, v) => words(&[&"HSET", &key(*k), f, v]),
        Op::Hdel(k, f) => words(&[&"HDEL", &key(*k), f]),
        Op::Hincrby(k, f, n) => words(&[&"HINCRBY", &key(*k), f, n]),
        Op::Hgetall(k) => words(&[&"HGETALL", &key(*k)]),
        Op::Sadd(k, members) => {
            let mut argv = vec!["SADD".to_string(), key(*k)];
            argv.extend(members.iter().map(u8::to_string));
            argv
        }
        Op::Srem(k, m) => words(&[&"SREM", &key(*k), m]),
        Op::Smembers(k) => words(&[&"SMEMBERS", &key(*k)]),
        Op::Sismember(k, m) => words(&[&"SISMEMBER", &key(*k), m]),
        Op::Del(k) => words(&[&"DEL", &key(*k)]),
        Op::Type(k) => words(&[&"TYPE", &key(*k)]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn engine_agrees_with_the_collection_models(ops in proptest::collection::vec(op(), 1..150)) {
        let (engine, _) = common::engine();
        let mut session = engine.session();
        let mut model = Model::default();
        for op in &ops {
            let expected = model.apply(op);
            let words = argv(op);
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let actual = common::call(&mut session, &words);
            prop_assert_eq!(actual, expected, "after {:?}", op);
        }
        let mut keys = match common::call(&mut session, &["KEYS", "*"]) {
            Reply::Array(keys) => keys,
            other => panic!("KEYS answered {other:?}"),
        };
        keys.sort_by_key(|k| format!("{k:?}"));
        let expected: Vec<Reply> = model.keys.keys().map(|k| bulk(k)).collect();
        prop_assert_eq!(keys, expected);
    }
}
