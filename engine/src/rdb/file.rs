//! Whole RDB files as Redis 7.0 writes them (`rdbSaveRio`) and reads them
//! (`rdbLoadRio`), for SAVE, BGSAVE, DEBUG RELOAD and loading at start.
//!
//! A file is `REDIS0010`; the aux fields `redis-ver`, `redis-bits`, `ctime`,
//! `used-mem` and `aof-base`; each function library (`FUNCTION2` and its code); then
//! for each non-empty database `SELECTDB`, `RESIZEDB` (keys, keys with a TTL) and its
//! keys, each as an optional `EXPIRETIME_MS`, an `IDLE` (LRU policies) or `FREQ` (LFU
//! policies), the type byte, the key and the value ([`super::write_object`]); then
//! `EOF` and the CRC64 of everything before (zeros with `rdbchecksum no`).
//!
//! Reading takes any file of RDB version 10 or older whose values [`read_object`]
//! reads, skipping aux fields, and the older `EXPIRETIME` (seconds). Module data is
//! refused, as kvdb has no modules.

use bytes::Bytes;

use super::dump::{crc64, type_byte, RDB_VERSION};
use super::read::{read_object, Reader};
use super::stream;
use super::{write_len, write_object, write_string, RdbSettings};
use crate::types::{EncodingRules, Value};

/// RDB opcodes (Redis's `RDB_OPCODE_*`).
mod opcode {
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// What a saved key records about its last access, by the policy in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessRecord {
    /// Nothing (a policy that is neither LRU nor LFU).
    None,
    /// Seconds idle (an LRU policy).
    Idle(u64),
    /// The LFU counter (an LFU policy).
    Frequency(u8),
}

/// One key as a file holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRecord {
    /// The database it belongs to.
    pub db: usize,
    /// The key.
    pub key: Bytes,
    /// Its value.
    pub value: Value,
    /// Unix ms at which it expires.
    pub expire_at: Option<u64>,
    /// Its idle time or access frequency.
    pub access: AccessRecord,
}

/// What a file holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contents {
    /// Each function library's code, in file order.
    pub libraries: Vec<Bytes>,
    /// Every key, in file order.
    pub keys: Vec<KeyRecord>,
    /// How many bytes of the data the file took (an append-only file's commands may
    /// follow).
    pub used: usize,
}

/// How a file is written (by default as Redis's defaults say, at time 0).
#[derive(Debug, Clone, Copy)]
pub struct SaveOptions {
    /// Values' encoding settings.
    pub settings: RdbSettings,
    /// `rdbchecksum`: write the CRC64 (else eight zero bytes).
    pub checksum: bool,
    /// The `ctime` aux field, Unix seconds.
    pub unix_time: u64,
    /// The `used-mem` aux field.
    pub used_memory: u64,
    /// Save the keys (a replica's `REPLCONF rdb-filter-only` may leave them out).
    pub with_keys: bool,
    /// Save the function libraries (likewise).
    pub with_functions: bool,
    /// The base of an append-only file (the `aof-base` aux field).
    pub aof_base: bool,
    /// Where the replication stream stands, for a server in a replication chain (the
    /// `repl-stream-db`, `repl-id` and `repl-offset` aux fields).
    pub replication: Option<StreamPosition>,
}

/// A replication stream's position as a file records it (Redis's `rdbSaveInfo`): the
/// database its next command runs in, its history's id and its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamPosition {
    /// `repl-stream-db`.
    pub db: usize,
    /// `repl-id`: 40 hex digits.
    pub replid: [u8; 40],
    /// `repl-offset`.
    pub offset: u64,
}

/// The value of the aux field `name` in the header of the RDB file `data`, if it has
/// one (aux fields come before the first database).
pub fn aux_field(data: &[u8], name: &[u8]) -> Option<Bytes> {
    let mut reader = Reader::new(data.get(9..)?);
    while reader.byte()? == opcode::AUX {
        let (key, value) = (reader.string()?, reader.string()?);
        if key == name {
            return Some(value);
        }
    }
    None
}

/// The stream position a file records, if it has all three fields.
pub fn stream_position(data: &[u8]) -> Option<StreamPosition> {
    let number = |name: &[u8]| -> Option<u64> {
        std::str::from_utf8(&aux_field(data, name)?)
            .ok()?
            .parse()
            .ok()
    };
    let replid = aux_field(data, b"repl-id")?;
    Some(StreamPosition {
        db: usize::try_from(number(b"repl-stream-db")?).ok()?,
        replid: replid.as_ref().try_into().ok()?,
        offset: number(b"repl-offset")?,
    })
}

impl Default for SaveOptions {
    fn default() -> Self {
        SaveOptions {
            settings: RdbSettings::default(),
            checksum: true,
            unix_time: 0,
            used_memory: 0,
            with_keys: true,
            with_functions: true,
            aof_base: false,
            replication: None,
        }
    }
}

/// Writes an RDB file piece by piece, so that saving borrows the dataset instead of
/// copying it: [`Writer::new`] (header, aux fields, libraries), then for each
/// non-empty database [`Writer::database`] and its [`Writer::key`]s, then
/// [`Writer::finish`].
pub struct Writer {
    out: Vec<u8>,
    options: SaveOptions,
}

impl Writer {
    /// A file with `libraries` (their codes) and no keys yet.
    pub fn new<'a>(libraries: impl IntoIterator<Item = &'a [u8]>, options: SaveOptions) -> Writer {
        let mut out = format!("REDIS{RDB_VERSION:04}").into_bytes();
        let compress = options.settings.compress;
        let mut aux = |name: &str, value: &str| {
            out.push(opcode::AUX);
            write_string(&mut out, name.as_bytes(), compress);
            write_string(&mut out, value.as_bytes(), compress);
        };
        aux("redis-ver", crate::command::connection::REDIS_VERSION);
        aux("redis-bits", "64");
        aux("ctime", &options.unix_time.to_string());
        aux("used-mem", &options.used_memory.to_string());
        if let Some(position) = &options.replication {
            aux("repl-stream-db", &position.db.to_string());
            aux("repl-id", &String::from_utf8_lossy(&position.replid));
            aux("repl-offset", &position.offset.to_string());
        }
        aux("aof-base", if options.aof_base { "1" } else { "0" });
        for code in libraries {
            out.push(opcode::FUNCTION2);
            write_string(&mut out, code, compress);
        }
        Writer { out, options }
    }

    /// Starts database `db`, which holds `keys` keys, `volatile` of them with a TTL.
    pub fn database(&mut self, db: usize, keys: usize, volatile: usize) {
        self.out.push(opcode::SELECTDB);
        write_len(&mut self.out, db);
        self.out.push(opcode::RESIZEDB);
        write_len(&mut self.out, keys);
        write_len(&mut self.out, volatile);
    }

    /// Adds a key of the current database.
    pub fn key(&mut self, key: &[u8], value: &Value, expire_at: Option<u64>, access: AccessRecord) {
        let out = &mut self.out;
        if let Some(at) = expire_at {
            out.push(opcode::EXPIRETIME_MS);
            out.extend_from_slice(&at.to_le_bytes());
        }
        match access {
            AccessRecord::None => {}
            AccessRecord::Idle(seconds) => {
                out.push(opcode::IDLE);
                write_len(out, seconds as usize);
            }
            AccessRecord::Frequency(counter) => {
                out.push(opcode::FREQ);
                out.push(counter);
            }
        }
        out.push(type_byte(value));
        write_string(out, key, self.options.settings.compress);
        write_object(out, value, self.options.settings);
    }

    /// The file: what was added, EOF, and the checksum.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.push(opcode::EOF);
        let crc = if self.options.checksum {
            crc64(&self.out)
        } else {
            0
        };
        self.out.extend_from_slice(&crc.to_le_bytes());
        self.out
    }
}

/// Reads an RDB file, building values as `rules` say. The error says what was wrong,
/// for the log.
pub fn read(data: &[u8], rules: &EncodingRules, checksum: bool) -> Result<Contents, String> {
    let version = data
        .strip_prefix(b"REDIS")
        .and_then(|rest| rest.get(..4))
        .and_then(|digits| std::str::from_utf8(digits).ok())
        .and_then(|digits| digits.parse::<u16>().ok())
        .ok_or("Wrong signature trying to load DB from file")?;
    if version == 0 || version > RDB_VERSION {
        return Err(format!("Can't handle RDB format version {version}"));
    }
    let mut reader = Reader::new(&data[9..]);
    let truncated =
        || "Short read or OOM loading DB. Unrecoverable error, aborting now.".to_string();
    let mut contents = Contents::default();
    let mut db = 0;
    let mut expire_at = None;
    let mut access = AccessRecord::None;
    loop {
        let kind = reader.byte().ok_or_else(truncated)?;
        match kind {
            opcode::EOF => break,
            opcode::SELECTDB => db = reader.plain_len().ok_or_else(truncated)?,
            opcode::RESIZEDB => {
                reader.plain_len().ok_or_else(truncated)?;
                reader.plain_len().ok_or_else(truncated)?;
            }
            opcode::AUX => {
                reader.string().ok_or_else(truncated)?;
                reader.string().ok_or_else(truncated)?;
            }
            opcode::EXPIRETIME_MS => {
                let bytes = reader.bytes(8).ok_or_else(truncated)?;
                expire_at = Some(u64::from_le_bytes(
                    bytes.try_into().map_err(|_| truncated())?,
                ));
            }
            opcode::EXPIRETIME => {
                let bytes = reader.bytes(4).ok_or_else(truncated)?;
                let seconds = u32::from_le_bytes(bytes.try_into().map_err(|_| truncated())?);
                expire_at = Some(u64::from(seconds) * 1000);
            }
            opcode::IDLE => {
                access = AccessRecord::Idle(reader.plain_len().ok_or_else(truncated)? as u64)
            }
            opcode::FREQ => access = AccessRecord::Frequency(reader.byte().ok_or_else(truncated)?),
            opcode::FUNCTION2 => contents
                .libraries
                .push(reader.string().ok_or_else(truncated)?),
            opcode::FUNCTION | opcode::MODULE_AUX => {
                return Err(format!(
                    "Unsupported RDB opcode {kind} (a module or an old function)"
                ))
            }
            _ => {
                let key = reader.string().ok_or_else(truncated)?;
                if let Some(what) = unsupported(kind) {
                    return Err(format!(
                        "{what} cannot be loaded (key '{}')",
                        String::from_utf8_lossy(&key)
                    ));
                }
                let bad_data = || {
                    format!(
                        "Bad data format loading key '{}'",
                        String::from_utf8_lossy(&key)
                    )
                };
                let value = match kind {
                    stream::TYPE_STREAM_LISTPACKS
                    | stream::TYPE_STREAM_LISTPACKS_2
                    | stream::TYPE_STREAM_LISTPACKS_3 => stream::read_stream(&mut reader, kind)
                        .map(|stream| Value::Stream(Box::new(stream)))
                        .ok_or_else(bad_data)?,
                    _ => read_object(&mut reader, kind, rules).ok_or_else(bad_data)?,
                };
                contents.keys.push(KeyRecord {
                    db,
                    key,
                    value,
                    expire_at: expire_at.take(),
                    access: std::mem::replace(&mut access, AccessRecord::None),
                });
            }
        }
    }
    if version >= 5 {
        let end = data.len() - reader.remaining();
        let stored = reader.bytes(8).ok_or_else(truncated)?;
        let crc = crc64(&data[..end]);
        if checksum && stored != [0; 8] && stored != crc.to_le_bytes() {
            return Err("Wrong RDB checksum. Aborting now.".into());
        }
    }
    contents.used = data.len() - reader.remaining();
    Ok(contents)
}

/// What an RDB type byte kvdb cannot load stands for: module values, which kvdb does
/// not have, and Redis 6's ziplist and zipmap encodings.
fn unsupported(kind: u8) -> Option<&'static str> {
    match kind {
        6 | 7 => Some("A module value (kvdb has no modules)"),
        9 | 10 | 12 | 13 | 14 => Some("A ziplist or zipmap value (Redis 6 and before)"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> SaveOptions {
        SaveOptions {
            unix_time: 1_700_000_000,
            used_memory: 1000,
            ..SaveOptions::default()
        }
    }

    fn record(
        db: usize,
        key: &str,
        value: Value,
        expire_at: Option<u64>,
        access: AccessRecord,
    ) -> KeyRecord {
        KeyRecord {
            db,
            key: Bytes::copy_from_slice(key.as_bytes()),
            value,
            expire_at,
            access,
        }
    }

    #[test]
    fn a_file_reads_back_what_was_written() {
        let keys0 = vec![
            record(
                0,
                "s",
                Value::string(b"hello"),
                None,
                AccessRecord::Idle(30),
            ),
            record(
                0,
                "n",
                Value::string(b"12345"),
                Some(1_800_000_000_000),
                AccessRecord::None,
            ),
        ];
        let keys3 = vec![record(
            3,
            "f",
            Value::string(&[b'x'; 100]),
            None,
            AccessRecord::Frequency(7),
        )];
        let code: &[u8] = b"#!lua name=lib\nredis.register_function('f', function() return 1 end)";
        let mut writer = Writer::new([code], options());
        for (db, keys, volatile, records) in [(0, 2, 1, &keys0), (3, 1, 0, &keys3)] {
            writer.database(db, keys, volatile);
            for r in records {
                writer.key(&r.key, &r.value, r.expire_at, r.access);
            }
        }
        let file = writer.finish();
        assert!(file.starts_with(b"REDIS0010\xfa\x09redis-ver\x067.0.15"));
        let contents = read(&file, &EncodingRules::default(), true).expect("a good file");
        assert_eq!(contents.libraries, [Bytes::from_static(code)]);
        assert_eq!(contents.keys, [keys0, keys3].concat());
    }

    #[test]
    fn the_stream_position_is_recorded_only_when_given() {
        let position = StreamPosition {
            db: 3,
            replid: *b"0123456789abcdef0123456789abcdef01234567",
            offset: 1234,
        };
        let with = Writer::new(
            [],
            SaveOptions {
                replication: Some(position),
                ..options()
            },
        )
        .finish();
        assert_eq!(stream_position(&with), Some(position));
        assert_eq!(aux_field(&with, b"aof-base").as_deref(), Some(&b"0"[..]));
        let without = Writer::new([], options()).finish();
        assert_eq!(stream_position(&without), None);
        assert_eq!(aux_field(&without, b"repl-id"), None);
        assert_eq!(aux_field(b"REDIS", b"repl-id"), None);
    }

    #[test]
    fn damage_is_reported_not_loaded() {
        let mut writer = Writer::new([], options());
        writer.database(0, 1, 0);
        writer.key(b"k", &Value::string(b"v"), None, AccessRecord::None);
        let file = writer.finish();
        let rules = EncodingRules::default();
        let mut flipped = file.clone();
        let at = flipped.len() - 12;
        flipped[at] ^= 1;
        assert_eq!(
            read(&flipped, &rules, true).unwrap_err(),
            "Wrong RDB checksum. Aborting now."
        );
        assert!(read(&flipped, &rules, false).is_ok());
        assert!(read(&file[..file.len() - 3], &rules, true).is_err());
        assert!(read(b"REDIS0011", &rules, true)
            .unwrap_err()
            .contains("version 11"));
        assert!(read(b"NOTREDIS", &rules, true).is_err());
        // A file written without a checksum reads with the check on.
        let unchecked = Writer::new(
            [],
            SaveOptions {
                checksum: false,
                ..options()
            },
        )
        .finish();
        assert!(unchecked.ends_with(&[0xff, 0, 0, 0, 0, 0, 0, 0, 0]));
        let empty = Contents {
            used: unchecked.len(),
            ..Contents::default()
        };
        assert_eq!(read(&unchecked, &rules, true), Ok(empty));
    }
}
