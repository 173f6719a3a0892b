//! `DEBUG DIGEST` and `DEBUG DIGEST-VALUE`: Redis's SHA-1 digests of the dataset and of
//! single values (`computeDatasetDigest`, `xorObjectDigest`), byte for byte, so tests
//! can compare datasets across servers and across kvdb and Redis.
//!
//! Order-free collections (sets, hashes, sorted sets, and the keys of a database)
//! XOR their elements' digests; lists, streams and the parts of one element "mix": the digest
//! becomes SHA-1 of itself XOR the SHA-1 of the data, so order counts.

use sha1_smol::Sha1;

use crate::keyspace::{Db, Entry};
use crate::types::stream::StreamId;
use crate::types::Value;

/// A 20-byte digest.
type Digest = [u8; 20];

/// `digest ^= SHA1(data)`.
fn xor_digest(digest: &mut Digest, data: &[u8]) {
    let hash = Sha1::from(data).digest().bytes();
    for (d, h) in digest.iter_mut().zip(hash) {
        *d ^= h;
    }
}

/// `digest = SHA1(digest ^ SHA1(data))`.
fn mix_digest(digest: &mut Digest, data: &[u8]) {
    xor_digest(digest, data);
    *digest = Sha1::from(&digest[..]).digest().bytes();
}

/// Redis's type codes (`OBJ_STRING` ...), which the digest includes.
fn type_code(value: &Value) -> u32 {
    match value {
        Value::Str(_) => 0,
        Value::List(_) => 1,
        Value::Set(_) => 2,
        Value::ZSet(_) => 3,
        Value::Hash(_) => 4,
        Value::Stream(_) => 6,
    }
}

/// Mixes `entry`'s value (and whether it has a TTL) into `digest`
/// (`xorObjectDigest`).
fn mix_entry(digest: &mut Digest, entry: &Entry) {
    mix_digest(digest, &type_code(&entry.value).to_be_bytes());
    match &entry.value {
        Value::Str(string) => mix_digest(digest, string.as_bytes()),
        Value::List(list) => {
            for element in list.iter() {
                mix_digest(digest, element.as_bytes());
            }
        }
        Value::Set(set) => {
            for member in set.members() {
                xor_digest(digest, &member.to_vec());
            }
        }
        Value::ZSet(zset) => {
            let mut score_text = Vec::new();
            for (member, score) in zset.iter() {
                let mut element = [0u8; 20];
                mix_digest(&mut element, member);
                score_text.clear();
                kvdb_resp::fmt::double_g17(score, &mut score_text);
                mix_digest(&mut element, &score_text);
                xor_digest(digest, &element);
            }
        }
        Value::Hash(hash) => {
            for (field, value) in hash.iter() {
                let mut element = [0u8; 20];
                mix_digest(&mut element, field);
                mix_digest(&mut element, value.as_bytes());
                xor_digest(digest, &element);
            }
        }
        Value::Stream(stream) => {
            // Each live entry in order: "<ms>.<seq>", then its fields and values.
            for (id, pairs) in stream.range(StreamId::MIN, StreamId::MAX, false, 0) {
                mix_digest(digest, format!("{}.{}", id.ms, id.seq).as_bytes());
                for item in &pairs {
                    mix_digest(digest, item);
                }
            }
        }
    }
    if entry.expire_at().is_some() {
        xor_digest(digest, b"!!expire!!");
    }
}

/// `DEBUG DIGEST-VALUE`'s answer for one key's entry: all zeros for none.
pub fn value_digest(entry: Option<&Entry>) -> String {
    let mut digest = [0u8; 20];
    if let Some(entry) = entry {
        mix_entry(&mut digest, entry);
    }
    crate::num::lower_hex(&digest)
}

/// `DEBUG DIGEST`'s answer for `dbs`: every key as stored, expired or not, with its
/// database's number (all zeros for an empty dataset).
pub fn dataset_digest(dbs: &[Db]) -> String {
    let mut digest = [0u8; 20];
    for (index, db) in dbs.iter().enumerate() {
        let mut entries = db.all_entries().peekable();
        if entries.peek().is_none() {
            continue;
        }
        mix_digest(&mut digest, &(index as u32).to_be_bytes());
        for (key, entry) in entries {
            let mut key_digest = [0u8; 20];
            mix_digest(&mut key_digest, key);
            mix_entry(&mut key_digest, entry);
            xor_digest(&mut digest, &key_digest);
        }
    }
    crate::num::lower_hex(&digest)
}
