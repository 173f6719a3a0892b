//! What a command answers, before it becomes bytes.
//!
//! Handlers build a [`Reply`]; the connection encodes it for the protocol the client
//! chose with `HELLO` ([`Protocol`]). RESP2 clients get Redis's downgrades: maps become
//! flat arrays, sets become arrays, doubles become bulk strings, booleans become
//! integers, and a null is `$-1` or `*-1` depending on what Redis would send.

use bytes::{Bytes, BytesMut};
use kvdb_resp::write;

use crate::error::CommandError;
use crate::long_double::LongDouble;
use crate::types::StrValue;

/// The protocol a connection speaks, chosen with `HELLO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// RESP2, the default.
    #[default]
    Resp2,
    /// RESP3.
    Resp3,
}

/// A command's reply as a value.
#[derive(Debug, Clone)]
pub enum Reply {
    /// `+OK`
    Ok,
    /// A simple string (`+text`).
    Status(Bytes),
    /// An error reply built by a handler inside an aggregate (e.g. `EXEC` results).
    Error(Bytes),
    /// `:n`
    Int(i64),
    /// A bulk string.
    Bulk(Bytes),
    /// A stored string value as a bulk string: `GET` of a short value answers without
    /// an allocation. Equal to a [`Reply::Bulk`] of the same bytes.
    Stored(StrValue),
    /// The null of a missing value: `$-1` in RESP2, `_` in RESP3.
    Nil,
    /// The null of a missing aggregate: `*-1` in RESP2, `_` in RESP3.
    NilArray,
    /// An array.
    Array(Vec<Reply>),
    /// A map: `%` in RESP3, a flat array of key, value, ... in RESP2.
    Map(Vec<(Reply, Reply)>),
    /// A set: `~` in RESP3, an array in RESP2.
    Set(Vec<Reply>),
    /// A double: `,` in RESP3, a bulk string in RESP2 (Redis's `%.17g` form).
    Double(f64),
    /// A double in Redis's human form (`addReplyHumanLongDouble`: `%.17Lf` with trailing
    /// zeros trimmed, as GEOPOS prints coordinates): `,` in RESP3, a bulk string in
    /// RESP2.
    HumanDouble(f64),
    /// A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2.
    Bool(bool),
    /// A verbatim string (`=`) in RESP3 with its three-letter format, a bulk in RESP2.
    Verbatim([u8; 3], Bytes),
    /// A big number (`(` in RESP3, a bulk string in RESP2): what a script answers with
    /// `{big_number=...}`.
    BigNumber(Bytes),
    /// An out-of-band push (`>` in RESP3, an array in RESP2).
    Push(Vec<Reply>),
    /// Several replies to one command, one after the other (SUBSCRIBE confirms each
    /// channel separately).
    Sequence(Vec<Reply>),
    /// A RESP3 attribute (`|`): key/value pairs annotating the reply that follows it
    /// (in a [`Reply::Sequence`]); RESP2 clients get nothing of it, as from Redis.
    Attribute(Vec<(Reply, Reply)>),
}

impl Reply {
    /// A bulk reply from anything byte-like.
    pub fn bulk(bytes: impl Into<Bytes>) -> Self {
        Reply::Bulk(bytes.into())
    }

    /// A status reply from a static string.
    pub fn status(text: &'static str) -> Self {
        Reply::Status(Bytes::from_static(text.as_bytes()))
    }

    /// A bulk reply, or `Nil` when absent.
    pub fn bulk_or_nil(bytes: Option<Bytes>) -> Self {
        bytes.map_or(Reply::Nil, Reply::Bulk)
    }

    /// An array of bulk strings.
    pub fn bulks<I: IntoIterator<Item = Bytes>>(items: I) -> Self {
        Reply::Array(items.into_iter().map(Reply::Bulk).collect())
    }

    /// Appends this reply's bytes for `protocol` to `out`.
    pub fn encode(&self, protocol: Protocol, out: &mut BytesMut) {
        let resp3 = protocol == Protocol::Resp3;
        match self {
            Reply::Ok => out.extend_from_slice(b"+OK\r\n"),
            Reply::Status(text) => write::simple(out, text),
            Reply::Error(text) => write::error(out, text),
            Reply::Int(n) => write::integer(out, *n),
            Reply::Bulk(bytes) => write::bulk(out, bytes),
            Reply::Stored(string) => write::bulk(out, string),
            Reply::Nil if resp3 => write::null(out),
            Reply::Nil => write::null_bulk(out),
            Reply::NilArray if resp3 => write::null(out),
            Reply::NilArray => write::null_array(out),
            Reply::Array(items) => encode_items(b'*', items, protocol, out),
            Reply::Set(items) if resp3 => encode_items(b'~', items, protocol, out),
            Reply::Set(items) => encode_items(b'*', items, protocol, out),
            Reply::Push(items) if resp3 => encode_items(b'>', items, protocol, out),
            Reply::Push(items) => encode_items(b'*', items, protocol, out),
            Reply::Attribute(pairs) if resp3 => {
                write::aggregate_header(out, b'|', pairs.len());
                for (key, value) in pairs {
                    key.encode(protocol, out);
                    value.encode(protocol, out);
                }
            }
            Reply::Attribute(_) => {}
            Reply::Map(pairs) => {
                if resp3 {
                    write::aggregate_header(out, b'%', pairs.len());
                } else {
                    write::array_header(out, pairs.len() * 2);
                }
                for (key, value) in pairs {
                    key.encode(protocol, out);
                    value.encode(protocol, out);
                }
            }
            Reply::Double(d) if resp3 => write::double(out, *d),
            Reply::Double(d) => {
                let mut text = Vec::with_capacity(24);
                kvdb_resp::fmt::double_g17(*d, &mut text);
                write::bulk(out, &text);
            }
            Reply::HumanDouble(d) if resp3 => {
                write::double_text(out, &LongDouble::from_f64(*d).to_human_string())
            }
            Reply::HumanDouble(d) => write::bulk(out, &LongDouble::from_f64(*d).to_human_string()),
            Reply::Bool(b) if resp3 => write::boolean(out, *b),
            Reply::Bool(b) => write::integer(out, i64::from(*b)),
            Reply::Verbatim(format, text) if resp3 => write::verbatim(out, format, text),
            Reply::Verbatim(_, text) => write::bulk(out, text),
            Reply::BigNumber(digits) if resp3 => write::big_number(out, digits),
            Reply::BigNumber(digits) => write::bulk(out, digits),
            Reply::Sequence(replies) => {
                for reply in replies {
                    reply.encode(protocol, out);
                }
            }
        }
    }
}

fn encode_items(kind: u8, items: &[Reply], protocol: Protocol, out: &mut BytesMut) {
    if kind == b'*' {
        write::array_header(out, items.len());
    } else {
        write::aggregate_header(out, kind, items.len());
    }
    for item in items {
        item.encode(protocol, out);
    }
}

impl Reply {
    /// The bytes of a bulk reply, however it is held.
    pub fn bulk_bytes(&self) -> Option<&[u8]> {
        match self {
            Reply::Bulk(bytes) => Some(bytes),
            Reply::Stored(string) => Some(string),
            _ => None,
        }
    }

    /// The bytes of a bulk, status or verbatim reply (what a client reads as a
    /// string); `None` for anything else.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Reply::Status(text) | Reply::Verbatim(_, text) | Reply::BigNumber(text) => Some(text),
            _ => self.bulk_bytes(),
        }
    }

    /// The reply as UTF-8 text, when it is a string reply holding valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes()
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
    }

    /// The integer of an integer reply, or of a string reply holding one (as
    /// clients convert `INCRBYFLOAT`-style bulk numbers); booleans are 0 or 1.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Reply::Int(n) => Some(*n),
            Reply::Bool(b) => Some(i64::from(*b)),
            _ => self.as_str().and_then(|text| text.parse().ok()),
        }
    }

    /// The elements of an array, set or push reply (a map's keys and values in turn
    /// are not included: see [`Reply::as_map`]).
    pub fn as_array(&self) -> Option<&[Reply]> {
        match self {
            Reply::Array(items) | Reply::Set(items) | Reply::Push(items) => Some(items),
            _ => None,
        }
    }

    /// The pairs of a map reply.
    pub fn as_map(&self) -> Option<&[(Reply, Reply)]> {
        match self {
            Reply::Map(pairs) => Some(pairs),
            _ => None,
        }
    }

    /// True for a null (missing value or aggregate).
    pub fn is_nil(&self) -> bool {
        matches!(self, Reply::Nil | Reply::NilArray)
    }

    /// True for a push, or a sequence of pushes (what SUBSCRIBE and its kin answer).
    pub fn is_pushes(&self) -> bool {
        match self {
            Reply::Push(_) => true,
            Reply::Sequence(items) => !items.is_empty() && items.iter().all(Reply::is_pushes),
            _ => false,
        }
    }

    /// The message of an error reply (`ERR ...`, `WRONGTYPE ...`), errors being
    /// values rather than panics.
    pub fn as_error(&self) -> Option<&str> {
        match self {
            Reply::Error(text) => std::str::from_utf8(text).ok(),
            _ => None,
        }
    }

    /// True for an error reply.
    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }
}

impl PartialEq for Reply {
    fn eq(&self, other: &Self) -> bool {
        use Reply::*;
        match (self, other) {
            (Ok, Ok) | (Nil, Nil) | (NilArray, NilArray) => true,
            (Status(a), Status(b)) | (Error(a), Error(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Array(a), Array(b)) | (Set(a), Set(b)) | (Push(a), Push(b)) => a == b,
            (Sequence(a), Sequence(b)) => a == b,
            (Map(a), Map(b)) | (Attribute(a), Attribute(b)) => a == b,
            (Double(a), Double(b)) => a == b,
            (Bool(a), Bool(b)) => a == b,
            (Verbatim(f, a), Verbatim(g, b)) => f == g && a == b,
            (BigNumber(a), BigNumber(b)) => a == b,
            _ => match (self.bulk_bytes(), other.bulk_bytes()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }
}

impl From<CommandError> for Reply {
    fn from(error: CommandError) -> Self {
        Reply::Error(Bytes::from(error.bytes().into_owned()))
    }
}

/// Appends an error reply for `error` to `out` (the same bytes in RESP2 and RESP3).
pub fn encode_error(error: &CommandError, out: &mut BytesMut) {
    write::error(out, &error.bytes());
}

#[cfg(test)]
mod conversion_tests {
    use super::*;

    #[test]
    fn attributes_compare_by_their_pairs() {
        let popularity = |n| Reply::Attribute(vec![(Reply::bulk("key"), Reply::Int(n))]);
        assert_eq!(popularity(90), popularity(90));
        assert_ne!(popularity(90), popularity(91));
    }

    #[test]
    fn conversions_read_what_a_client_would() {
        assert_eq!(Reply::bulk("12").as_int(), Some(12));
        assert_eq!(Reply::status("OK").as_str(), Some("OK"));
        assert_eq!(Reply::Int(3).as_int(), Some(3));
        assert!(Reply::NilArray.is_nil());
        assert_eq!(
            Reply::Error(Bytes::from_static(b"ERR x")).as_error(),
            Some("ERR x")
        );
        assert_eq!(
            Reply::Array(vec![Reply::Int(1)])
                .as_array()
                .map(<[Reply]>::len),
            Some(1)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(reply: Reply, protocol: Protocol) -> Vec<u8> {
        let mut out = BytesMut::new();
        reply.encode(protocol, &mut out);
        out.to_vec()
    }

    #[test]
    fn nulls_follow_the_protocol() {
        assert_eq!(encoded(Reply::Nil, Protocol::Resp2), b"$-1\r\n");
        assert_eq!(encoded(Reply::NilArray, Protocol::Resp2), b"*-1\r\n");
        assert_eq!(encoded(Reply::Nil, Protocol::Resp3), b"_\r\n");
        assert_eq!(encoded(Reply::NilArray, Protocol::Resp3), b"_\r\n");
    }

    #[test]
    fn maps_flatten_in_resp2() {
        let map = Reply::Map(vec![(Reply::bulk("a"), Reply::Int(1))]);
        assert_eq!(
            encoded(map.clone(), Protocol::Resp2),
            b"*2\r\n$1\r\na\r\n:1\r\n"
        );
        assert_eq!(encoded(map, Protocol::Resp3), b"%1\r\n$1\r\na\r\n:1\r\n");
    }

    #[test]
    fn doubles_are_bulk_in_resp2() {
        assert_eq!(
            encoded(Reply::Double(0.1), Protocol::Resp2),
            b"$19\r\n0.10000000000000001\r\n"
        );
        assert_eq!(encoded(Reply::Double(1.5), Protocol::Resp3), b",1.5\r\n");
    }

    #[test]
    fn booleans_are_integers_in_resp2() {
        assert_eq!(encoded(Reply::Bool(true), Protocol::Resp2), b":1\r\n");
        assert_eq!(encoded(Reply::Bool(false), Protocol::Resp3), b"#f\r\n");
    }

    #[test]
    fn sets_and_verbatim_downgrade() {
        let set = Reply::Set(vec![Reply::Int(1)]);
        assert_eq!(encoded(set.clone(), Protocol::Resp2), b"*1\r\n:1\r\n");
        assert_eq!(encoded(set, Protocol::Resp3), b"~1\r\n:1\r\n");
        let text = Reply::Verbatim(*b"txt", Bytes::from_static(b"hi"));
        assert_eq!(encoded(text.clone(), Protocol::Resp2), b"$2\r\nhi\r\n");
        assert_eq!(encoded(text, Protocol::Resp3), b"=6\r\ntxt:hi\r\n");
    }
}
