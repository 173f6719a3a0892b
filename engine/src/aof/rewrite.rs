//! The dataset as commands: the base file an append-only file rewrite writes when
//! `aof-use-rdb-preamble` is no (Redis's `rewriteAppendOnlyFileRio`).
//!
//! Function libraries first (`FUNCTION LOAD`), then per non-empty database a `SELECT`
//! and each key as the commands that rebuild it: `SET`, `RPUSH`/`SADD`/`ZADD`/`HMSET`
//! of at most 64 items each, streams as `XADD`s, `XSETID` and their consumer groups,
//! and a `PEXPIREAT` for a key with a TTL.

use bytes::{Bytes, BytesMut};
use kvdb_resp::write;

use crate::keyspace::Keyspace;
use crate::types::stream::{Stream, StreamId};
use crate::types::Value;

/// Items per command for a collection (Redis's `AOF_REWRITE_ITEMS_PER_CMD`).
const ITEMS_PER_COMMAND: usize = 64;

/// The dataset of `keyspace` as commands; `timestamp` (Unix seconds) starts the text
/// with a `#TS:` annotation when `aof-timestamp-enabled` is on.
pub fn dataset_commands(keyspace: &Keyspace, timestamp: Option<u64>) -> BytesMut {
    let mut out = BytesMut::new();
    if let Some(seconds) = timestamp {
        out.extend_from_slice(format!("#TS:{seconds}\r\n").as_bytes());
    }
    for library in keyspace.scripts.libraries.iter() {
        write::command(&mut out, &[&b"FUNCTION"[..], b"LOAD", &library.code]);
    }
    for (index, db) in keyspace.dbs().iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        write::command(
            &mut out,
            &[b"SELECT".to_vec(), index.to_string().into_bytes()],
        );
        for (key, entry) in db.all_entries() {
            write_value(&mut out, key, &entry.value);
            if let Some(at) = entry.expire_at() {
                write::command(&mut out, &[b"PEXPIREAT", key, at.to_string().as_bytes()]);
            }
        }
    }
    out
}

/// The commands that rebuild `value` at `key`.
fn write_value(out: &mut BytesMut, key: &[u8], value: &Value) {
    match value {
        Value::Str(string) => write::command(out, &[b"SET", key, string.as_bytes()]),
        Value::List(list) => {
            let items = list.iter().map(|element| vec![element.as_bytes().to_vec()]);
            write_batched(out, b"RPUSH", key, list.len(), items);
        }
        Value::Set(set) => {
            let items = set.members().map(|member| vec![member.to_vec()]);
            write_batched(out, b"SADD", key, set.len(), items);
        }
        Value::ZSet(zset) => {
            let items = zset.iter().map(|(member, score)| {
                let mut text = Vec::new();
                kvdb_resp::fmt::double_g17(score, &mut text);
                vec![text, member.to_vec()]
            });
            write_batched(out, b"ZADD", key, zset.len(), items);
        }
        Value::Hash(hash) => {
            let items = hash
                .iter()
                .map(|(field, value)| vec![field.to_vec(), value.as_bytes().to_vec()]);
            write_batched(out, b"HMSET", key, hash.len(), items);
        }
        Value::Stream(stream) => write_stream(out, key, stream),
    }
}

/// `command key item...` for `count` items, at most [`ITEMS_PER_COMMAND`] per command
/// (Redis's `rewriteListObject` and siblings). Each item is one or two arguments.
fn write_batched(
    out: &mut BytesMut,
    command: &[u8],
    key: &[u8],
    count: usize,
    items: impl Iterator<Item = Vec<Vec<u8>>>,
) {
    let mut left = count;
    let mut in_command = 0;
    for item in items {
        if in_command == 0 {
            let batch = left.min(ITEMS_PER_COMMAND);
            write::array_header(out, 2 + batch * item.len());
            write::bulk(out, command);
            write::bulk(out, key);
        }
        for argument in &item {
            write::bulk(out, argument);
        }
        in_command += 1;
        if in_command == ITEMS_PER_COMMAND {
            in_command = 0;
        }
        left -= 1;
    }
}

/// A stream: its entries as `XADD`s (an empty one as an `XADD` trimmed to nothing),
/// `XSETID` with its counters, then each group with `XGROUP CREATE`, its consumers'
/// pending entries as `XCLAIM ... FORCE` and consumers without any as
/// `XGROUP CREATECONSUMER` (Redis's `rewriteStreamObject`).
fn write_stream(out: &mut BytesMut, key: &[u8], stream: &Stream) {
    let id = |id: StreamId| Bytes::from(id.to_string());
    let key = Bytes::copy_from_slice(key);
    let text = |s: &'static str| Bytes::from_static(s.as_bytes());
    if stream.is_empty() {
        let first = StreamId { ms: 0, seq: 1 };
        let argv = [text("XADD"), key.clone(), text("MAXLEN"), text("0")];
        let argv = [&argv[..], &[id(first), text("x"), text("y")]].concat();
        write::command(out, &argv);
    } else {
        for (entry_id, pairs) in stream.range(StreamId::MIN, StreamId::MAX, false, 0) {
            let mut argv = vec![text("XADD"), key.clone(), id(entry_id)];
            argv.extend(pairs);
            write::command(out, &argv);
        }
    }
    write::command(
        out,
        &[
            text("XSETID"),
            key.clone(),
            id(stream.last_id),
            text("ENTRIESADDED"),
            Bytes::from(stream.entries_added.to_string()),
            text("MAXDELETEDID"),
            id(stream.max_deleted_id),
        ],
    );
    for (name, group) in &stream.groups {
        let entries_read = group.entries_read.unwrap_or(-1);
        write::command(
            out,
            &[
                text("XGROUP"),
                text("CREATE"),
                key.clone(),
                name.clone(),
                id(group.last_id),
                text("ENTRIESREAD"),
                Bytes::from(entries_read.to_string()),
            ],
        );
        for (consumer_name, consumer) in &group.consumers {
            if consumer.pending.is_empty() {
                let argv = [text("XGROUP"), text("CREATECONSUMER"), key.clone()];
                let argv = [&argv[..], &[name.clone(), consumer_name.clone()]].concat();
                write::command(out, &argv);
                continue;
            }
            for pending_id in &consumer.pending {
                let Some(entry) = group.pending.get(pending_id) else {
                    continue;
                };
                write::command(
                    out,
                    &[
                        text("XCLAIM"),
                        key.clone(),
                        name.clone(),
                        consumer_name.clone(),
                        text("0"),
                        id(*pending_id),
                        text("TIME"),
                        Bytes::from(entry.delivery_time.to_string()),
                        text("RETRYCOUNT"),
                        Bytes::from(entry.delivery_count.to_string()),
                        text("JUSTID"),
                        text("FORCE"),
                    ],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_collections_go_in_commands_of_64_items() {
        let mut keyspace = Keyspace::new(2, 1);
        let (db, _, _) = keyspace.db_mut(1);
        let list = (0..70)
            .map(|n| match Value::string(n.to_string().as_bytes()) {
                Value::Str(element) => element,
                _ => unreachable!("a string"),
            })
            .collect();
        db.insert(b"l", Value::List(Box::new(list)), Some(5000), 0);
        let text = dataset_commands(&keyspace, Some(7));
        let text = String::from_utf8(text.to_vec()).unwrap();
        assert!(
            text.starts_with("#TS:7\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*66\r\n$5\r\nRPUSH\r\n")
        );
        assert!(text.contains("*8\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$2\r\n64\r\n"));
        assert!(text.ends_with("*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nl\r\n$4\r\n5000\r\n"));
    }
}
