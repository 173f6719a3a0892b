//! Model test: random sequences of string and key commands, with clock moves, run on the
//! engine and on a plain `BTreeMap` model; every reply must agree. This is the
//! keyspace's specification in miniature: values, TTLs, lazy expiry and counters.

mod common;

use std::collections::BTreeMap;

use bytes::Bytes;
use kvdb_engine::Reply;
use proptest::prelude::*;

/// One step of a test run.
#[derive(Debug, Clone)]
enum Op {
    Set(u8, u8),
    SetPx(u8, u8, u16),
    Get(u8),
    Del(u8),
    Exists(u8),
    Incr(u8),
    Append(u8, u8),
    Pexpire(u8, i16),
    Persist(u8),
    Pttl(u8),
    Rename(u8, u8),
    Advance(u16),
    ExpireCycle,
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0u8..6;
    prop_oneof![
        (key.clone(), any::<u8>()).prop_map(|(k, v)| Op::Set(k, v)),
        (key.clone(), any::<u8>(), 1u16..500).prop_map(|(k, v, t)| Op::SetPx(k, v, t)),
        key.clone().prop_map(Op::Get),
        key.clone().prop_map(Op::Del),
        key.clone().prop_map(Op::Exists),
        key.clone().prop_map(Op::Incr),
        (key.clone(), any::<u8>()).prop_map(|(k, v)| Op::Append(k, v)),
        (key.clone(), -50i16..500).prop_map(|(k, t)| Op::Pexpire(k, t)),
        key.clone().prop_map(Op::Persist),
        key.clone().prop_map(Op::Pttl),
        (key.clone(), key).prop_map(|(a, b)| Op::Rename(a, b)),
        (0u16..300).prop_map(Op::Advance),
        Just(Op::ExpireCycle),
    ]
}

/// The model: key -> (value, expire_at).
#[derive(Debug, Default)]
struct Model {
    now: u64,
    keys: BTreeMap<String, (Vec<u8>, Option<u64>)>,
}

impl Model {
    fn live(&mut self, key: &str) -> Option<&mut (Vec<u8>, Option<u64>)> {
        let now = self.now;
        if self
            .keys
            .get(key)
            .is_some_and(|(_, at)| at.is_some_and(|at| at <= now))
        {
            self.keys.remove(key);
        }
        self.keys.get_mut(key)
    }

    fn apply(&mut self, op: &Op) -> Reply {
        let name = |k: &u8| format!("key{k}");
        match op {
            Op::Set(k, v) => {
                self.keys
                    .insert(name(k), (v.to_string().into_bytes(), None));
                Reply::Ok
            }
            Op::SetPx(k, v, ttl) => {
                self.keys.insert(
                    name(k),
                    (v.to_string().into_bytes(), Some(self.now + u64::from(*ttl))),
                );
                Reply::Ok
            }
            Op::Get(k) => match self.live(&name(k)) {
                Some((value, _)) => Reply::Bulk(Bytes::from(value.clone())),
                None => Reply::Nil,
            },
            Op::Del(k) => Reply::Int(i64::from(
                self.live(&name(k)).is_some() && self.keys.remove(&name(k)).is_some(),
            )),
            Op::Exists(k) => Reply::Int(i64::from(self.live(&name(k)).is_some())),
            Op::Incr(k) => {
                let key = name(k);
                let entry = self.live(&key).map(|(v, at)| (v.clone(), *at));
                let (current, at) = entry.unwrap_or((b"0".to_vec(), None));
                match std::str::from_utf8(&current)
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
                    .filter(|n| n.to_string().as_bytes() == current)
                {
                    Some(n) => match n.checked_add(1) {
                        Some(next) => {
                            self.keys.insert(key, (next.to_string().into_bytes(), at));
                            Reply::Int(next)
                        }
                        None => Reply::Error(Bytes::from_static(
                            b"ERR increment or decrement would overflow",
                        )),
                    },
                    None => Reply::Error(Bytes::from_static(
                        b"ERR value is not an integer or out of range",
                    )),
                }
            }
            Op::Append(k, v) => {
                let key = name(k);
                let suffix = v.to_string().into_bytes();
                let len = match self.live(&key) {
                    Some((value, _)) => {
                        value.extend_from_slice(&suffix);
                        value.len()
                    }
                    None => {
                        let len = suffix.len();
                        self.keys.insert(key, (suffix, None));
                        len
                    }
                };
                Reply::Int(len as i64)
            }
            Op::Pexpire(k, ms) => {
                let key = name(k);
                let now = self.now;
                match self.live(&key) {
                    None => Reply::Int(0),
                    Some(entry) => {
                        let at = now as i64 + i64::from(*ms);
                        if at <= now as i64 {
                            self.keys.remove(&key);
                        } else {
                            entry.1 = Some(at as u64);
                        }
                        Reply::Int(1)
                    }
                }
            }
            Op::Persist(k) => match self.live(&name(k)) {
                Some((_, at)) if at.is_some() => {
                    *at = None;
                    Reply::Int(1)
                }
                _ => Reply::Int(0),
            },
            Op::Pttl(k) => {
                let now = self.now;
                match self.live(&name(k)) {
                    None => Reply::Int(-2),
                    Some((_, None)) => Reply::Int(-1),
                    Some((_, Some(at))) => Reply::Int((*at - now) as i64),
                }
            }
            Op::Rename(a, b) => {
                let (from, to) = (name(a), name(b));
                match self.live(&from).cloned() {
                    None => Reply::Error(Bytes::from_static(b"ERR no such key")),
                    Some(entry) => {
                        self.keys.remove(&from);
                        self.keys.insert(to, entry);
                        Reply::Ok
                    }
                }
            }
            Op::Advance(_) | Op::ExpireCycle => Reply::Ok,
        }
    }
}

fn argv(op: &Op) -> Option<Vec<String>> {
    let key = |k: &u8| format!("key{k}");
    Some(match op {
        Op::Set(k, v) => vec!["SET".into(), key(k), v.to_string()],
        Op::SetPx(k, v, t) => vec![
            "SET".into(),
            key(k),
            v.to_string(),
            "PX".into(),
            t.to_string(),
        ],
        Op::Get(k) => vec!["GET".into(), key(k)],
        Op::Del(k) => vec!["DEL".into(), key(k)],
        Op::Exists(k) => vec!["EXISTS".into(), key(k)],
        Op::Incr(k) => vec!["INCR".into(), key(k)],
        Op::Append(k, v) => vec!["APPEND".into(), key(k), v.to_string()],
        Op::Pexpire(k, t) => vec!["PEXPIRE".into(), key(k), t.to_string()],
        Op::Persist(k) => vec!["PERSIST".into(), key(k)],
        Op::Pttl(k) => vec!["PTTL".into(), key(k)],
        Op::Rename(a, b) => vec!["RENAME".into(), key(a), key(b)],
        Op::Advance(_) | Op::ExpireCycle => return None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn engine_agrees_with_the_model(ops in proptest::collection::vec(op(), 1..120)) {
        let (engine, clock) = common::engine();
        let mut session = engine.session();
        let mut model = Model { now: 1_700_000_000_000, ..Model::default() };
        for op in &ops {
            match op {
                Op::Advance(ms) => {
                    clock.advance(u64::from(*ms));
                    model.now += u64::from(*ms);
                }
                Op::ExpireCycle => {
                    engine.expire_cycle(100);
                }
                _ => {}
            }
            let expected = model.apply(op);
            if let Some(words) = argv(op) {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                let actual = common::call(&mut session, &words);
                prop_assert_eq!(actual, expected, "after {:?}", op);
            }
        }
        // Every key the model holds is visible with its value; no other key is.
        let now = model.now;
        model.keys.retain(|_, (_, at)| at.is_none_or(|at| at > now));
        let mut keys = match common::call(&mut session, &["KEYS", "*"]) {
            Reply::Array(keys) => keys,
            other => panic!("KEYS answered {other:?}"),
        };
        keys.sort_by_key(|k| format!("{k:?}"));
        let expected: Vec<Reply> = model.keys.keys().map(|k| Reply::Bulk(Bytes::from(k.clone()))).collect();
        prop_assert_eq!(keys, expected);
    }
}
