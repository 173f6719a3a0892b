//! The `FUNCTION DUMP` payload, as Redis 7.0 writes it: for each library the opcode
//! `RDB_OPCODE_FUNCTION2` (245) and its code as an RDB string (integer-encoded when it
//! is a short number, LZF-compressed past 20 bytes when `rdbcompression` is on), then
//! the RDB version (10, two bytes little-endian) and a CRC64 of everything before it
//! (Redis's Jones polynomial, little-endian). `FUNCTION RESTORE` also reads the old
//! `RDB_OPCODE_FUNCTION` (246) records of Redis 7.0 release candidates.
//!
//! The footer is [`crate::rdb::dump`]'s, shared with key `DUMP` payloads.

use bytes::Bytes;

use crate::rdb::dump::{append_footer, check_footer};
use crate::rdb::read::Reader;
use crate::rdb::write_string;

/// `RDB_OPCODE_FUNCTION2`: a library's code follows.
const OPCODE_FUNCTION2: u8 = 245;
/// `RDB_OPCODE_FUNCTION`: name, engine, optional description and code follow.
const OPCODE_FUNCTION: u8 = 246;

/// The payload holding `codes` (each library's code, shebang included).
pub fn dump<'a>(codes: impl IntoIterator<Item = &'a [u8]>, compress: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for code in codes {
        out.push(OPCODE_FUNCTION2);
        write_string(&mut out, code, compress);
    }
    append_footer(&mut out);
    out
}

/// Reads the libraries' codes out of `payload`, in order. Redis creates each library
/// as it reads it, so a reading error only counts after the libraries before it:
/// the codes read are answered with the error that stopped the reading, if any.
pub fn read(payload: &[u8]) -> Result<(Vec<Bytes>, Option<String>), &'static str> {
    check_footer(payload)?;
    // Read from the whole payload, as Redis does, up to its 10-byte footer.
    let mut reader = Reader::new(payload);
    let mut codes = Vec::new();
    while reader.remaining() > 10 {
        let error = match reader.byte() {
            None => "can not read data type".to_string(),
            Some(OPCODE_FUNCTION2) => match reader.string() {
                Some(code) => {
                    codes.push(code);
                    continue;
                }
                None => "Failed loading library payload".to_string(),
            },
            Some(OPCODE_FUNCTION) => match old_format(&mut reader) {
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

/// An `RDB_OPCODE_FUNCTION` record, turned into the code it stands for.
fn old_format(reader: &mut Reader<'_>) -> Result<Bytes, &'static str> {
    let name = reader.string().ok_or("Failed loading library name")?;
    let engine = reader.string().ok_or("Failed loading engine name")?;
    let has_description = reader
        .plain_len()
        .ok_or("Failed loading library description indicator")?;
    if has_description != 0 {
        reader
            .string()
            .ok_or("Failed loading library description")?;
    }
    let blob = reader.string().ok_or("Failed loading library blob")?;
    let mut code = b"#!".to_vec();
    code.extend_from_slice(&engine);
    code.extend_from_slice(b" name=");
    code.extend_from_slice(&name);
    code.push(b'\n');
    code.extend_from_slice(&blob);
    Ok(Bytes::from(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::dump::BAD_FOOTER;

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
            append_footer(&mut out);
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
