//! Model test of the stream structure: random XADD / XDEL / XTRIM / range sequences,
//! and consumer group reads, acks and claims, run on `types::stream::Stream` (with
//! tiny node limits, so entries spread over many nodes and nodes fill with
//! tombstones) and on a plain `BTreeMap` of ID -> pairs with a map of pending ID ->
//! owner; every answer must agree, approximate trims may only remove the oldest
//! entries and never more than the exact trim would, every consumer must own exactly
//! the pending entries the model gives it, and a dump must read back the same stream,
//! groups included.

use std::collections::BTreeMap;

use bytes::Bytes;
use kvdb_engine::rdb::{dump::dump, dump::restore, RdbSettings};
use kvdb_engine::types::stream::groups::{Claimant, CountUpdate};
use kvdb_engine::types::stream::{
    ConsumerGroup, NewId, NodeLimits, Stream, StreamId, TrimStrategy,
};
use kvdb_engine::types::{EncodingRules, Value};
use proptest::prelude::*;

type Model = BTreeMap<StreamId, Vec<Bytes>>;

#[derive(Debug, Clone)]
enum Op {
    Add {
        ms: u8,
        seq: u8,
        same_fields: bool,
        value: u8,
    },
    Del(Vec<(u8, u8)>),
    TrimMaxLen {
        max: u8,
        approx: bool,
    },
    TrimMinId {
        ms: u8,
        approx: bool,
    },
    Range {
        from: (u8, u8),
        to: (u8, u8),
        rev: bool,
        count: u8,
    },
    /// XREADGROUP `>` by consumer `a` or `b`.
    ReadGroup {
        b: bool,
        count: u8,
        noack: bool,
    },
    /// XACK.
    Ack((u8, u8)),
    /// XCLAIM with no minimum idle time, by `a` or `b`.
    Claim {
        b: bool,
        id: (u8, u8),
    },
    /// XGROUP SETID back to the start: entries are delivered again.
    Rewind,
}

/// The two consumers of the model's group.
const CONSUMERS: [&[u8]; 2] = [b"a", b"b"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<u8>(), 0u8..3, any::<bool>(), any::<u8>())
            .prop_map(|(ms, seq, same_fields, value)| Op::Add { ms, seq, same_fields, value }),
        2 => prop::collection::vec((any::<u8>(), 0u8..3), 1..4).prop_map(Op::Del),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(max, approx)| Op::TrimMaxLen { max, approx }),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(ms, approx)| Op::TrimMinId { ms, approx }),
        2 => ((any::<u8>(), 0u8..3), (any::<u8>(), 0u8..3), any::<bool>(), 0u8..5)
            .prop_map(|(from, to, rev, count)| Op::Range { from, to, rev, count }),
        2 => (any::<bool>(), 0u8..4, any::<bool>())
            .prop_map(|(b, count, noack)| Op::ReadGroup { b, count, noack }),
        1 => (any::<u8>(), 0u8..3).prop_map(Op::Ack),
        1 => (any::<bool>(), (any::<u8>(), 0u8..3)).prop_map(|(b, id)| Op::Claim { b, id }),
        1 => Just(Op::Rewind),
    ]
}

fn id((ms, seq): (u8, u8)) -> StreamId {
    StreamId::new(u64::from(ms), u64::from(seq))
}

/// Checks an approximate trim: it took only the oldest entries, no more than `exact`.
fn trimmed_oldest(model: &mut Model, removed: u64, exact: u64) {
    assert!(
        removed <= exact,
        "approximate removed {removed} > exact {exact}"
    );
    for _ in 0..removed {
        model.pop_first();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn stream_matches_a_btreemap(ops in prop::collection::vec(op(), 1..120)) {
        let limits = NodeLimits { max_bytes: 120, max_entries: 4 };
        let mut stream = Stream::default();
        let mut model = Model::new();
        let mut last_id = StreamId::MIN;
        // The group's last delivered ID, and each pending ID's owner.
        let mut group_last = StreamId::MIN;
        let mut pending: BTreeMap<StreamId, usize> = BTreeMap::new();
        let group = Bytes::from_static(b"g");
        stream.groups.insert(group.clone(), ConsumerGroup::new(StreamId::MIN, Some(0)));
        for name in CONSUMERS {
            stream.groups.get_mut(&group).unwrap().touch_consumer(name, 0);
        }
        let consumers = CONSUMERS.map(Bytes::from_static);
        for op in ops {
            match op {
                Op::Add { ms, seq, same_fields, value } => {
                    let id = id((ms, seq));
                    let field = if same_fields { "f" } else { "g" };
                    let pairs = vec![Bytes::from(field), Bytes::from(value.to_string())];
                    let added = stream.append(NewId::Exact(id), &pairs, limits, 0);
                    // IDs only grow, even past deleted entries.
                    if id > last_id {
                        prop_assert_eq!(added, Ok(id));
                        model.insert(id, pairs);
                        last_id = id;
                    } else {
                        prop_assert!(added.is_err());
                    }
                }
                Op::Del(ids) => {
                    let ids: Vec<StreamId> = ids.into_iter().map(id).collect();
                    let mut expected = 0;
                    for id in &ids {
                        expected += u64::from(model.remove(id).is_some());
                    }
                    prop_assert_eq!(stream.delete(&ids), expected);
                }
                Op::TrimMaxLen { max, approx } => {
                    let max = u64::from(max % 40);
                    let exact = (model.len() as u64).saturating_sub(max);
                    let removed = stream.trim(TrimStrategy::MaxLen(max), approx, 0);
                    if approx {
                        trimmed_oldest(&mut model, removed, exact);
                    } else {
                        prop_assert_eq!(removed, exact);
                        trimmed_oldest(&mut model, removed, exact);
                    }
                }
                Op::TrimMinId { ms, approx } => {
                    let min = StreamId::new(u64::from(ms), 0);
                    let exact = model.range(..min).count() as u64;
                    let removed = stream.trim(TrimStrategy::MinId(min), approx, 0);
                    if !approx {
                        prop_assert_eq!(removed, exact);
                    }
                    trimmed_oldest(&mut model, removed, exact);
                }
                Op::Range { from, to, rev, count } => {
                    let (from, to) = (id(from), id(to));
                    let got = stream.range(from, to, rev, usize::from(count));
                    let mut expected: Vec<(StreamId, Vec<Bytes>)> = if from <= to {
                        model.range(from..=to).map(|(k, v)| (*k, v.clone())).collect()
                    } else {
                        Vec::new()
                    };
                    if rev {
                        expected.reverse();
                    }
                    if count > 0 {
                        expected.truncate(usize::from(count));
                    }
                    prop_assert_eq!(got, expected);
                }
                Op::ReadGroup { b, count, noack } => {
                    let who = usize::from(b);
                    let start = group_last.successor().unwrap_or(StreamId::MIN);
                    let got = stream
                        .deliver_new(&group, &consumers[who], start, usize::from(count), noack, 5)
                        .unwrap();
                    let mut expected: Vec<(StreamId, Vec<Bytes>)> =
                        model.range(start..).map(|(k, v)| (*k, v.clone())).collect();
                    if count > 0 {
                        expected.truncate(usize::from(count));
                    }
                    for (id, _) in &expected {
                        group_last = *id;
                        if !noack {
                            pending.insert(*id, who);
                        }
                    }
                    prop_assert_eq!(got, expected);
                }
                Op::Ack(at) => {
                    let id = id(at);
                    let acked = stream.groups.get_mut(&group).unwrap().ack(id);
                    prop_assert_eq!(acked, pending.remove(&id).is_some());
                }
                Op::Claim { b, id: at } => {
                    let (who, id) = (usize::from(b), id(at));
                    let claimant = Claimant {
                        group: &group,
                        consumer: &consumers[who],
                        min_idle: 0,
                        now: 5,
                        record: false,
                    };
                    let claimed = stream
                        .claim(&claimant, &[id], 5, CountUpdate::Increment, false)
                        .unwrap();
                    let expected: Vec<StreamId> = match (model.contains_key(&id), pending.contains_key(&id)) {
                        (true, true) => {
                            pending.insert(id, who);
                            vec![id]
                        }
                        (false, true) => {
                            pending.remove(&id);
                            Vec::new()
                        }
                        _ => Vec::new(),
                    };
                    prop_assert_eq!(claimed.ids, expected);
                }
                Op::Rewind => {
                    let found = stream.groups.get_mut(&group).unwrap();
                    found.last_id = StreamId::MIN;
                    found.entries_read = None;
                    group_last = StreamId::MIN;
                }
            }
            let found = &stream.groups[&group];
            prop_assert_eq!(found.last_id, group_last);
            let owners: BTreeMap<StreamId, usize> = found
                .pending
                .iter()
                .map(|(id, entry)| (*id, usize::from(entry.consumer == consumers[1])))
                .collect();
            prop_assert_eq!(&owners, &pending);
            for (at, name) in consumers.iter().enumerate() {
                let owned: Vec<StreamId> =
                    pending.iter().filter(|(_, who)| **who == at).map(|(id, _)| *id).collect();
                let held: Vec<StreamId> = found.consumers[name].pending.iter().copied().collect();
                prop_assert_eq!(held, owned);
            }
            prop_assert_eq!(stream.len(), model.len() as u64);
            let first = model.keys().next().copied().unwrap_or(StreamId::MIN);
            prop_assert_eq!(stream.first_id, first);
        }
        let value = Value::Stream(Box::new(stream));
        let restored = restore(&dump(&value, RdbSettings::default()), &EncodingRules::default());
        prop_assert_eq!(restored, Ok(value));
    }
}
