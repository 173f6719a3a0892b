//! The bodies of the `restore_payload` and `stream_payload` fuzz targets
//! (`fuzz/fuzz_targets/`), here so the seed corpora run in ordinary tests
//! (`engine/tests/fuzz_seeds.rs`).

use super::dump::{append_footer, dump, restore};
use super::RdbSettings;
use crate::types::{EncodingRules, Value};

/// Reads `data` as a RESTORE payload body (framed with a valid footer, so the fuzzer
/// explores the reader rather than the checksum), under Redis's default encoding
/// limits and under tiny ones. It must never panic, and whatever reads must dump
/// and read again to a value of the same kind and representation.
pub fn restore_target(data: &[u8]) {
    let mut payload = data.to_vec();
    append_footer(&mut payload);
    let tiny = EncodingRules {
        hash_max_listpack_entries: 1,
        hash_max_listpack_value: 1,
        set_max_intset_entries: 1,
        zset_max_listpack_entries: 1,
        zset_max_listpack_value: 1,
        stream_node_limits: crate::types::stream::NodeLimits {
            max_bytes: 1,
            max_entries: 1,
        },
        seed: 7,
    };
    for rules in [EncodingRules::default(), tiny] {
        let Ok(value) = restore(&payload, &rules) else {
            continue;
        };
        // Plain list nodes too: elements of 16 bytes or more get one each.
        for (compress, packed_threshold) in [(true, super::DEFAULT_PACKED_THRESHOLD), (false, 16)] {
            let settings = RdbSettings {
                compress,
                list_fill: -2,
                packed_threshold,
            };
            let again =
                restore(&dump(&value, settings), &rules).expect("a dumped value reads back");
            assert_eq!(again.type_name(), value.type_name());
            assert_eq!(again.encoding_name(), value.encoding_name());
            if let Value::Stream(_) = value {
                assert_eq!(
                    again, value,
                    "a stream reads back node for node, groups too"
                );
            }
        }
    }
}

/// Reads `data` as the body of a stream value (RDB type 19, Redis 7.0's) through
/// [`restore_target`], so the fuzzer spends its time in the stream reader.
pub fn stream_target(data: &[u8]) {
    let mut body = vec![super::stream::TYPE_STREAM_LISTPACKS_2];
    body.extend_from_slice(data);
    restore_target(&body);
}
