//! [`ProtocolError`]: a malformed or over-limit byte stream.
//!
//! The text is exactly what Redis 7.0 puts after `-ERR ` in its reply before it
//! closes the connection (for [`RequestDecoder`](crate::RequestDecoder)), or a
//! description in the same style for the client-side [`decode`](crate::decode).

use std::borrow::Cow;
use std::fmt;

/// A protocol error: the input can never become a valid request or frame.
///
/// After a request error, Redis replies `-ERR <message>` and closes the
/// connection; the decoder that produced it keeps returning the same error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    /// The message as text (a non-UTF-8 byte quoted by Redis shows as U+FFFD).
    text: Cow<'static, str>,
    /// The exact message bytes, when they differ from `text`.
    raw: Option<Box<[u8]>>,
}

impl ProtocolError {
    /// An error with a fixed message.
    pub(crate) const fn fixed(text: &'static str) -> ProtocolError {
        ProtocolError {
            text: Cow::Borrowed(text),
            raw: None,
        }
    }

    /// An error with a computed message.
    pub(crate) fn owned(text: String) -> ProtocolError {
        ProtocolError {
            text: Cow::Owned(text),
            raw: None,
        }
    }

    /// Redis's `Protocol error: expected '$', got '%c'`. Redis formats the raw
    /// byte and then (as for every formatted error) turns `\r` and `\n` into
    /// spaces so the reply stays one line.
    pub(crate) fn expected_dollar(got: u8) -> ProtocolError {
        let got = if got == b'\r' || got == b'\n' {
            b' '
        } else {
            got
        };
        let mut raw = b"Protocol error: expected '$', got '".to_vec();
        raw.push(got);
        raw.push(b'\'');
        match String::from_utf8(raw) {
            Ok(text) => ProtocolError::owned(text),
            Err(err) => {
                let raw = err.into_bytes();
                ProtocolError {
                    text: Cow::Owned(String::from_utf8_lossy(&raw).into_owned()),
                    raw: Some(raw.into_boxed_slice()),
                }
            }
        }
    }

    /// The message, without Redis's `ERR ` prefix, e.g.
    /// `Protocol error: invalid multibulk length`.
    ///
    /// In the one case where Redis quotes a raw non-ASCII byte
    /// (`expected '$', got '\xff'`) the byte shows as U+FFFD here; use
    /// [`message_bytes`](Self::message_bytes) for the exact bytes.
    pub fn message(&self) -> &str {
        &self.text
    }

    /// The exact bytes Redis sends after `-ERR ` for this error.
    pub fn message_bytes(&self) -> &[u8] {
        match &self.raw {
            Some(raw) => raw,
            None => self.text.as_bytes(),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for ProtocolError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_dollar_text() {
        let e = ProtocolError::expected_dollar(b'x');
        assert_eq!(e.message(), "Protocol error: expected '$', got 'x'");
        assert_eq!(e.to_string(), e.message());
        assert_eq!(e.message_bytes(), e.message().as_bytes());
    }

    #[test]
    fn expected_dollar_sanitizes_newlines() {
        assert_eq!(
            ProtocolError::expected_dollar(b'\r').message(),
            "Protocol error: expected '$', got ' '"
        );
        assert_eq!(
            ProtocolError::expected_dollar(b'\n').message(),
            "Protocol error: expected '$', got ' '"
        );
    }

    #[test]
    fn expected_dollar_keeps_raw_byte() {
        let e = ProtocolError::expected_dollar(0xff);
        assert_eq!(
            e.message_bytes(),
            b"Protocol error: expected '$', got '\xff'"
        );
        assert_eq!(e.message(), "Protocol error: expected '$', got '\u{fffd}'");
    }
}
