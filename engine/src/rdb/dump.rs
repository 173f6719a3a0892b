//! The `DUMP` payload Redis 7.0 writes and `RESTORE` reads: the value's RDB type byte
//! and encoding, then the RDB version (10, two bytes little-endian) and a CRC64 of
//! everything before it (Redis's Jones polynomial, little-endian). `FUNCTION DUMP`
//! payloads end with the same footer.
//!
//! The CRC comes from the `crc` crate (`CRC_64_REDIS`), a well-kept implementation of
//! exactly Redis's parameters, rather than a hand-rolled table.

use super::read::{read_object, types, Reader};
use super::{write_object, RdbSettings};
use crate::types::{EncodingRules, Hash, Set, Value};

/// The RDB version Redis 7.0 writes.
pub const RDB_VERSION: u16 = 10;

const CRC64: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);

/// The error for a payload whose footer does not check.
pub const BAD_FOOTER: &str = "DUMP payload version or checksum are wrong";

/// Redis's CRC64 of `bytes`.
pub fn crc64(bytes: &[u8]) -> u64 {
    CRC64.checksum(bytes)
}

/// Appends the footer: the RDB version and the CRC64 of `out` with it.
pub fn append_footer(out: &mut Vec<u8>) {
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(out);
    out.extend_from_slice(&crc.to_le_bytes());
}

/// Redis's `verifyDumpPayload`: a known RDB version and a matching CRC64.
pub fn check_footer(payload: &[u8]) -> Result<(), &'static str> {
    let Some(body_len) = payload.len().checked_sub(10) else {
        return Err(BAD_FOOTER);
    };
    let footer = &payload[body_len..];
    if u16::from_le_bytes([footer[0], footer[1]]) > RDB_VERSION {
        return Err(BAD_FOOTER);
    }
    let crc = crc64(&payload[..payload.len() - 8]);
    if crc.to_le_bytes() != footer[2..] {
        return Err(BAD_FOOTER);
    }
    Ok(())
}

/// The RDB type byte Redis writes for `value` (`rdbSaveObjectType`).
pub fn type_byte(value: &Value) -> u8 {
    match value {
        Value::Str(_) => types::STRING,
        Value::List(_) => types::LIST_QUICKLIST_2,
        Value::Set(set) => match **set {
            Set::Intset(_) => types::SET_INTSET,
            Set::Table(_) => types::SET,
        },
        Value::ZSet(zset) if zset.is_listpack() => types::ZSET_LISTPACK,
        Value::ZSet(_) => types::ZSET_2,
        Value::Hash(hash) => match **hash {
            Hash::Listpack(_) => types::HASH_LISTPACK,
            Hash::Table(_) => types::HASH,
        },
        Value::Stream(_) => super::stream::TYPE_STREAM_LISTPACKS_2,
    }
}

/// `DUMP`'s payload for `value`.
pub fn dump(value: &Value, settings: RdbSettings) -> Vec<u8> {
    let mut out = vec![type_byte(value)];
    write_object(&mut out, value, settings);
    append_footer(&mut out);
    out
}

/// The error for a payload whose footer checks but whose value does not read.
pub const BAD_DATA: &str = "Bad data format";

/// The value a `DUMP` payload holds, built as `rules` say (see [`read_object`]). As
/// in Redis, the value is read from the whole payload: a length that runs into the
/// footer reads the footer's bytes.
pub fn restore(payload: &[u8], rules: &EncodingRules) -> Result<Value, &'static str> {
    check_footer(payload)?;
    let mut reader = Reader::new(payload);
    let kind = reader.byte().ok_or(BAD_DATA)?;
    read_object(&mut reader, kind, rules).ok_or(BAD_DATA)
}
