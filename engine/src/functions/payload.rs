//! The `FUNCTION DUMP` payload, as Redis 7.0 writes it: for each library the opcode
//! `RDB_OPCODE_FUNCTION2` (245) and its code as an RDB string (integer-encoded when it
//! is a short number, LZF-compressed past 20 bytes when `rdbcompression` is on), then
//! the RDB version (10, two bytes little-endian) and a CRC64 of everything before it
//! (Redis's Jones polynomial, little-endian). `FUNCTION RESTORE` also reads the old
//! `RDB_OPCODE_FUNCTION` (246) records of Redis 7.0 release candidates.
//!
//! The CRC comes from the `crc` crate (`CRC_64_REDIS`), a well-kept implementation of
//! exactly Redis's parameters, rather than a hand-rolled table.

use bytes::Bytes;

use crate::lzf;
use crate::rdb::write_string;

/// `RDB_OPCODE_FUNCTION2`: a library's code follows.
const OPCODE_FUNCTION2: u8 = 245;
/// `RDB_OPCODE_FUNCTION`: name, engine, optional description and code follow.
const OPCODE_FUNCTION: u8 = 246;
/// The RDB version Redis 7.0 writes.
const RDB_VERSION: u16 = 10;

const CRC64: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);

/// The error for a payload whose footer does not check.
pub const BAD_FOOTER: &str = "DUMP payload version or checksum are wrong";

/// The payload holding `codes` (each library's code, shebang included).
pub fn dump<'a>(codes: impl IntoIterator<Item = &'a [u8]>, compress: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for code in codes {
        out.push(OPCODE_FUNCTION2);
        write_string(&mut out, code, compress);
    }
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = CRC64.checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Reads the libraries' codes out of `payload`, in order. Redis creates each library
/// as it reads it, so a reading error only counts after the libraries before it:
/// the codes read are answered with the error that stopped the reading, if any.
pub fn read(payload: &[u8]) -> Result<(Vec<Bytes>, Option<String>), &'static str> {
    check_footer(payload)?;
    let mut reader = Reader {
        data: payload,
        pos: 0,
    };
    let mut codes = Vec::new();
    while payload.len() - reader.pos > 10 {
        let error = match reader.byte() {
            None => "can not read data type".to_string(),
            Some(OPCODE_FUNCTION2) => match reader.string() {
                Some(code) => {
                    codes.push(code);
                    continue;
                }
                None => "Failed loading library payload".to_string(),
            },
            Some(OPCODE_FUNCTION) => match reader.old_format() {
                Ok(code) => {
                    codes.push(code);
                    continue;
                }
                Err(error) => error.to_string(),
            },
            Some(_) => "given type is not a function".to_string(),
        };
        return Ok((codes, Some(error)));
    }
    Ok((codes, None))
}

/// Redis's `verifyDumpPayload`: a known RDB version and a matching CRC64.
fn check_footer(payload: &[u8]) -> Result<(), &'static str> {
    if payload.len() < 10 {
        return Err(BAD_FOOTER);
    }
    let footer = &payload[payload.len() - 10..];
    if u16::from_le_bytes([footer[0], footer[1]]) > RDB_VERSION {
        return Err(BAD_FOOTER);
    }
    let crc = CRC64.checksum(&payload[..payload.len() - 8]);
    if crc.to_le_bytes() != footer[2..] {
        return Err(BAD_FOOTER);
    }
    Ok(())
}

/// A cursor over a payload; every read fails (`None`) past its end.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

/// What an RDB length byte announced.
enum Len {
    Plain(u64),
    /// A special encoding (`11xxxxxx`): integer or LZF string.
    Encoded(u8),
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let slice = self.data.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(slice)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// Redis's `rdbLoadLen`.
    fn len(&mut self) -> Option<Len> {
        let first = self.byte()?;
        Some(match first >> 6 {
            0 => Len::Plain(u64::from(first & 0x3f)),
            1 => Len::Plain((u64::from(first & 0x3f) << 8) | u64::from(self.byte()?)),
            3 => Len::Encoded(first & 0x3f),
            _ if first == 0x80 => Len::Plain(u64::from(u32::from_be_bytes(
                self.take(4)?.try_into().ok()?,
            ))),
            _ if first == 0x81 => Len::Plain(u64::from_be_bytes(self.take(8)?.try_into().ok()?)),
            _ => return None,
        })
    }

    fn plain_len(&mut self) -> Option<usize> {
        match self.len()? {
            Len::Plain(n) => usize::try_from(n).ok(),
            Len::Encoded(_) => None,
        }
    }

    /// Redis's `rdbGenericLoadStringObject`: plain, integer or LZF.
    fn string(&mut self) -> Option<Bytes> {
        match self.len()? {
            Len::Plain(n) => {
                let n = usize::try_from(n).ok()?;
                Some(Bytes::copy_from_slice(self.take(n)?))
            }
            Len::Encoded(0) => Some(Bytes::from((self.byte()? as i8).to_string())),
            Len::Encoded(1) => Some(Bytes::from(
                i16::from_le_bytes(self.take(2)?.try_into().ok()?).to_string(),
            )),
            Len::Encoded(2) => Some(Bytes::from(
                i32::from_le_bytes(self.take(4)?.try_into().ok()?).to_string(),
            )),
            Len::Encoded(3) => {
                let packed_len = self.plain_len()?;
                let len = self.plain_len()?;
                let packed = self.take(packed_len)?;
                lzf::decompress(packed, len).map(Bytes::from)
            }
            Len::Encoded(_) => None,
        }
    }

    /// An `RDB_OPCODE_FUNCTION` record, turned into the code it stands for.
    fn old_format(&mut self) -> Result<Bytes, &'static str> {
        let name = self.string().ok_or("Failed loading library name")?;
        let engine = self.string().ok_or("Failed loading engine name")?;
        let has_description = self
            .plain_len()
            .ok_or("Failed loading library description indicator")?;
        if has_description != 0 {
            self.string().ok_or("Failed loading library description")?;
        }
        let blob = self.string().ok_or("Failed loading library blob")?;
        let mut code = b"#!".to_vec();
        code.extend_from_slice(&engine);
        code.extend_from_slice(b" name=");
        code.extend_from_slice(&name);
        code.push(b'\n');
        code.extend_from_slice(&blob);
        Ok(Bytes::from(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Redis 7.0.15's `FUNCTION DUMP` of one library, byte for byte.
    #[test]
    fn dumps_like_redis() {
        let code: &[u8] = b"#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 'hello hello hello hello' end)";
        let expected: &[u8] = b"\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f";
        assert_eq!(dump([code], true), expected);
        assert_eq!(read(expected).unwrap(), (vec![Bytes::from(code)], None));
    }

    #[test]
    fn empty_dump_is_version_and_crc() {
        let payload = dump([], true);
        assert_eq!(payload.len(), 10);
        assert_eq!(read(&payload).unwrap(), (vec![], None));
    }

    #[test]
    fn strings_round_trip_in_every_encoding() {
        for code in [
            &b"12"[..],
            b"-300",
            b"70000",
            b"short",
            &[b'x'; 100],
            &[b'y'; 20000],
        ] {
            for compress in [true, false] {
                let payload = dump([code], compress);
                assert_eq!(
                    read(&payload).unwrap().0,
                    vec![Bytes::copy_from_slice(code)]
                );
            }
        }
    }

    #[test]
    fn bad_payloads_are_refused() {
        assert_eq!(read(b"bad_payload"), Err(BAD_FOOTER));
        let mut payload = dump([&b"#!lua name=a\n"[..]], true);
        payload[3] ^= 1;
        assert_eq!(read(&payload), Err(BAD_FOOTER));
    }

    #[test]
    fn reading_errors_follow_the_libraries_before_them() {
        let with_footer = |body: &[u8]| {
            let mut out = body.to_vec();
            out.extend_from_slice(&RDB_VERSION.to_le_bytes());
            let crc = CRC64.checksum(&out);
            out.extend_from_slice(&crc.to_le_bytes());
            out
        };
        assert_eq!(
            read(&with_footer(b"\x07")).unwrap(),
            (vec![], Some("given type is not a function".to_string()))
        );
        assert_eq!(
            read(&with_footer(b"\xf5\x02ab\xf5\x3f")).unwrap(),
            (
                vec![Bytes::from_static(b"ab")],
                Some("Failed loading library payload".to_string())
            )
        );
        assert_eq!(
            read(&with_footer(b"\xf6\x01n\x03lua\x00\x04body")).unwrap(),
            (vec![Bytes::from_static(b"#!lua name=n\nbody")], None)
        );
    }
}
