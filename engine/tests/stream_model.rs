//! Model test of the stream structure: random XADD / XDEL / XTRIM / range sequences run
//! on `types::stream::Stream` (with tiny node limits, so entries spread over many
//! nodes and nodes fill with tombstones) and on a plain `BTreeMap` of ID -> pairs;
//! every answer must agree, approximate trims may only remove the oldest entries and
//! never more than the exact trim would, and a dump must read back the same stream.

use std::collections::BTreeMap;

use bytes::Bytes;
use kvdb_engine::rdb::{dump::dump, dump::restore, RdbSettings};
use kvdb_engine::types::stream::{NewId, NodeLimits, Stream, StreamId, TrimStrategy};
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
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<u8>(), 0u8..3, any::<bool>(), any::<u8>())
            .prop_map(|(ms, seq, same_fields, value)| Op::Add { ms, seq, same_fields, value }),
        2 => prop::collection::vec((any::<u8>(), 0u8..3), 1..4).prop_map(Op::Del),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(max, approx)| Op::TrimMaxLen { max, approx }),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(ms, approx)| Op::TrimMinId { ms, approx }),
        2 => ((any::<u8>(), 0u8..3), (any::<u8>(), 0u8..3), any::<bool>(), 0u8..5)
            .prop_map(|(from, to, rev, count)| Op::Range { from, to, rev, count }),
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
