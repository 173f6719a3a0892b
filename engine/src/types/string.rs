//! The string value: short strings live inside the value itself, longer ones in a
//! shared buffer.
//!
//! Most keys hold short values (counters, flags, ids), so a string of up to
//! [`INLINE_CAPACITY`] bytes is stored in the 16 bytes the value occupies anyway, with
//! no allocation. Longer strings are a boxed [`Bytes`], so `GET` of a large value hands
//! out a reference-counted view instead of a copy. Either way the value also carries
//! the encoding `OBJECT ENCODING` reports.

use bytes::Bytes;

use super::StrEncoding;

/// Longest string stored without an allocation.
pub const INLINE_CAPACITY: usize = 13;

/// A string value and the encoding Redis would report for it.
#[derive(Debug, Clone)]
pub enum StrValue {
    /// At most [`INLINE_CAPACITY`] bytes, stored in place.
    Inline {
        /// The encoding.
        encoding: StrEncoding,
        /// Number of bytes used.
        len: u8,
        /// The bytes (the first `len` are the string).
        bytes: [u8; INLINE_CAPACITY],
    },
    /// A longer string in a buffer of its own.
    Heap {
        /// The encoding.
        encoding: StrEncoding,
        /// The bytes.
        bytes: Box<Bytes>,
    },
}

impl StrValue {
    /// A copy of `bytes` with `encoding`.
    pub fn copied(bytes: &[u8], encoding: StrEncoding) -> Self {
        Self::inline(bytes, encoding).unwrap_or_else(|| StrValue::Heap {
            encoding,
            bytes: Box::new(Bytes::copy_from_slice(bytes)),
        })
    }

    /// `bytes` with `encoding`, keeping the buffer when the string is long.
    pub fn owned(bytes: Vec<u8>, encoding: StrEncoding) -> Self {
        Self::inline(&bytes, encoding).unwrap_or_else(|| StrValue::Heap {
            encoding,
            bytes: Box::new(Bytes::from(bytes)),
        })
    }

    fn inline(bytes: &[u8], encoding: StrEncoding) -> Option<Self> {
        let mut stored = [0; INLINE_CAPACITY];
        stored.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(StrValue::Inline {
            encoding,
            len: bytes.len() as u8,
            bytes: stored,
        })
    }

    /// The string's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            StrValue::Inline { len, bytes, .. } => &bytes[..usize::from(*len)],
            StrValue::Heap { bytes, .. } => bytes,
        }
    }

    /// The bytes as a [`Bytes`]: shared for a long string, copied for a short one.
    pub fn to_bytes(&self) -> Bytes {
        match self {
            StrValue::Inline { .. } => Bytes::copy_from_slice(self.as_bytes()),
            StrValue::Heap { bytes, .. } => Bytes::clone(bytes),
        }
    }

    /// The bytes as a growable buffer, reusing a long string's allocation when nothing
    /// else shares it.
    pub fn into_vec(self) -> Vec<u8> {
        match self {
            StrValue::Inline { .. } => self.as_bytes().to_vec(),
            StrValue::Heap { bytes, .. } => Vec::from(*bytes),
        }
    }

    /// How Redis would store this string.
    pub fn encoding(&self) -> StrEncoding {
        match self {
            StrValue::Inline { encoding, .. } | StrValue::Heap { encoding, .. } => *encoding,
        }
    }

    /// Heap bytes used beyond the value itself.
    pub fn heap_size(&self) -> usize {
        match self {
            StrValue::Inline { .. } => 0,
            StrValue::Heap { bytes, .. } => std::mem::size_of::<Bytes>() + bytes.len(),
        }
    }
}

impl Default for StrValue {
    /// The empty string, `raw` as Redis's in-place edits leave it.
    fn default() -> Self {
        StrValue::copied(b"", StrEncoding::Raw)
    }
}

impl std::ops::Deref for StrValue {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for StrValue {
    /// Equal strings with equal encodings, however they are stored.
    fn eq(&self, other: &Self) -> bool {
        self.encoding() == other.encoding() && self.as_bytes() == other.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_strings_are_inline_and_long_ones_on_the_heap() {
        let short = StrValue::copied(&[b'x'; INLINE_CAPACITY], StrEncoding::Embstr);
        assert!(matches!(short, StrValue::Inline { .. }));
        let long = StrValue::copied(&[b'x'; INLINE_CAPACITY + 1], StrEncoding::Embstr);
        assert!(matches!(long, StrValue::Heap { .. }));
        assert_eq!(long.as_bytes(), &[b'x'; INLINE_CAPACITY + 1]);
        assert_eq!(&*short.to_bytes(), &[b'x'; INLINE_CAPACITY]);
    }

    #[test]
    fn a_value_fits_in_two_words() {
        assert_eq!(std::mem::size_of::<StrValue>(), 16);
        assert_eq!(std::mem::size_of::<super::super::Value>(), 16);
    }

    #[test]
    fn owned_buffers_round_trip_through_into_vec() {
        let long = vec![7u8; 100];
        let value = StrValue::owned(long.clone(), StrEncoding::Raw);
        assert_eq!(value.into_vec(), long);
        let short = StrValue::owned(b"abc".to_vec(), StrEncoding::Int);
        assert_eq!(short.encoding(), StrEncoding::Int);
        assert_eq!(short.into_vec(), b"abc");
    }

    #[test]
    fn equality_ignores_where_the_bytes_live() {
        let a = StrValue::copied(b"abc", StrEncoding::Raw);
        let b = StrValue::Heap {
            encoding: StrEncoding::Raw,
            bytes: Box::new(Bytes::from_static(b"abc")),
        };
        assert_eq!(a, b);
    }
}
