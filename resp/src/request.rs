//! [`RequestDecoder`]: client requests (multibulk or inline) to argv, with the
//! rules of Redis 7.0's `processInputBuffer`, `processMultibulkBuffer` and
//! `processInlineBuffer`.
//!
//! # Rules (Redis 7.0.15)
//!
//! A request whose first byte is `*` is multibulk, anything else is inline.
//!
//! **Multibulk.** The count line is read up to the first `\r`, and the byte after
//! the `\r` is skipped whatever it is (Redis never checks that it is `\n`); the
//! same holds for every `$` line and for the two bytes after each payload. The
//! count must satisfy the strict `string2ll` rules (no `+`, no leading zeros, no
//! spaces) and be at most `i32::MAX` (`Limits::max_multibulk_len`); a count <= 0
//! is an empty request that is skipped silently. A client that must still
//! authenticate may send at most 10 arguments and bulks of at most 16384 bytes.
//!
//! **Inline.** The line runs up to the first `\n`, minus one `\r` just before it,
//! and is split by [`sdssplitargs`](crate::inline) rules. A line with no
//! arguments (empty, `\r`, blanks only) is skipped.
//!
//! **Line search.** Redis looks for the end of a line with `strchr`, which stops
//! at a NUL byte: a NUL before the terminator means the terminator is never
//! found, so the request waits for more input until the limit below. (So an
//! inline request holding a NUL, or a count line holding one, stalls the
//! connection until 64 KiB have arrived and then fails as too big.)
//!
//! **Line length limit.** Redis fails with `too big ...` when it has more than
//! `max_inline_len` (64 KiB) bytes buffered and still no terminator. Whether a
//! longer line arrives whole in one read is a matter of TCP timing in Redis;
//! this decoder decides by position instead, so that its answer never depends on
//! how the input was split: a line whose terminator is not among its first
//! `max_inline_len + 1` bytes is too big.
//!
//! # Incremental decoding
//!
//! Like Redis, the decoder keeps its place in a request between calls: it
//! consumes each argument from the buffer as soon as it is complete (as a
//! zero-copy [`Bytes`] split off the buffer) and remembers how far it already
//! searched the current line, so a request arriving in many small pieces
//! (a 512 MB bulk, a million small arguments, a 64 KiB line) costs O(n) overall.
//! Always call it again with the same buffer, with new bytes appended.

use bytes::{Buf, Bytes, BytesMut};

use crate::error::ProtocolError;
use crate::inline::split_args;
use crate::number::parse_i64;

/// Redis's `PROTO_INLINE_MAX_SIZE`.
const DEFAULT_MAX_INLINE_LEN: usize = 64 * 1024;
/// Redis's `proto-max-bulk-len` default.
const DEFAULT_MAX_BULK_LEN: usize = 512 * 1024 * 1024;
/// Redis 7.0 accepts multibulk counts up to `INT_MAX`.
const DEFAULT_MAX_MULTIBULK_LEN: usize = i32::MAX as usize;
/// Most arguments an unauthenticated client may send in one multibulk request.
const UNAUTH_MAX_MULTIBULK_LEN: i64 = 10;
/// Longest bulk an unauthenticated client may send.
const UNAUTH_MAX_BULK_LEN: i64 = 16384;
/// Cap on the argv capacity reserved up front from a declared count (Redis
/// uses the same bound).
const ARGV_PREALLOC: usize = 1024;

const ERR_TOO_BIG_MBULK: ProtocolError =
    ProtocolError::fixed("Protocol error: too big mbulk count string");
const ERR_INVALID_MBULK: ProtocolError =
    ProtocolError::fixed("Protocol error: invalid multibulk length");
const ERR_UNAUTH_MBULK: ProtocolError =
    ProtocolError::fixed("Protocol error: unauthenticated multibulk length");
const ERR_TOO_BIG_BULK: ProtocolError =
    ProtocolError::fixed("Protocol error: too big bulk count string");
/// A bulk length that is negative, malformed or over the limit.
pub const ERR_INVALID_BULK: ProtocolError =
    ProtocolError::fixed("Protocol error: invalid bulk length");
const ERR_UNAUTH_BULK: ProtocolError =
    ProtocolError::fixed("Protocol error: unauthenticated bulk length");
const ERR_TOO_BIG_INLINE: ProtocolError =
    ProtocolError::fixed("Protocol error: too big inline request");
const ERR_UNBALANCED: ProtocolError =
    ProtocolError::fixed("Protocol error: unbalanced quotes in request");

/// Size limits applied to client requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest bulk argument (`proto-max-bulk-len`); default 512 MiB. A longer
    /// one is `Protocol error: invalid bulk length`.
    pub max_bulk_len: usize,
    /// Longest inline request line, and longest `*`/`$` line (Redis's
    /// `PROTO_INLINE_MAX_SIZE`); default 64 KiB.
    pub max_inline_len: usize,
    /// Largest multibulk argument count. The default is `i32::MAX`, Redis 7.0's
    /// limit (Redis 6 and older used 1024 * 1024); a larger count is
    /// `Protocol error: invalid multibulk length`.
    pub max_multibulk_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: DEFAULT_MAX_BULK_LEN,
            max_inline_len: DEFAULT_MAX_INLINE_LEN,
            max_multibulk_len: DEFAULT_MAX_MULTIBULK_LEN,
        }
    }
}

/// Where the decoder is inside the current request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between requests.
    Start,
    /// Waiting for the end of an inline line.
    Inline,
    /// Waiting for the end of the `*<count>` line.
    Count,
    /// Waiting for the end of a `$<len>` line; `remaining` arguments to go.
    BulkLen { remaining: usize },
    /// Waiting for `len` payload bytes plus the two bytes after them.
    Payload { remaining: usize, len: usize },
}

/// Most arguments [`RequestDecoder::decode_whole`] reads; longer requests go through
/// the state machine (which keeps its place across reads).
const WHOLE_MAX_ARGS: u64 = 64;

/// Reads the `*<n>` or `$<n>` line starting at `start` when it is buffered and plain:
/// a canonical non-negative number (`0`, or up to 18 digits not starting with `0`)
/// then `\r` within `max_line` bytes of `start`, and the byte after the `\r` buffered.
/// Answers the number and where the next line starts.
#[inline]
fn header(buf: &[u8], start: usize, max_line: usize) -> Option<(u64, usize)> {
    let digits = buf.get(start + 1..)?;
    let mut value: u64 = 0;
    for (i, &b) in digits.iter().enumerate().take(19) {
        match b {
            b'0'..=b'9' if i == 0 || value != 0 => value = value * 10 + u64::from(b - b'0'),
            b'\r' if i > 0 && i < max_line && i + 1 < digits.len() => {
                return Some((value, start + i + 3));
            }
            _ => return None,
        }
    }
    None
}

/// Which line terminator a search looks for.
#[derive(Debug, Clone, Copy)]
enum Line {
    /// A `*` or `$` line: ends at `\r`, and the byte after it must be buffered.
    Header,
    /// An inline request: ends at `\n`.
    Inline,
}

/// Server-side request decoder: turns the bytes a client sends into argument
/// vectors, exactly as Redis 7.0 does (see the [module docs](self) for the
/// rules).
///
/// ```
/// use bytes::BytesMut;
/// use kvdb_resp::{Limits, RequestDecoder};
///
/// let mut decoder = RequestDecoder::new(Limits::default());
/// let mut buf = BytesMut::from(&b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n"[..]);
/// assert_eq!(decoder.decode(&mut buf).unwrap().unwrap(), vec!["GET", "k"]);
/// assert_eq!(decoder.decode(&mut buf).unwrap().unwrap(), vec!["PING"]);
/// assert_eq!(decoder.decode(&mut buf).unwrap(), None);
/// ```
#[derive(Debug)]
pub struct RequestDecoder {
    limits: Limits,
    authenticated: bool,
    state: State,
    /// Arguments of the multibulk request in progress.
    argv: Vec<Bytes>,
    /// How many bytes of the current line were already searched in vain.
    scanned: usize,
    /// Set once a protocol error was returned; every later call returns it.
    failed: Option<ProtocolError>,
    /// Where each argument lies in a request [`RequestDecoder::decode_whole`] reads
    /// (offset and length), kept for its allocation.
    spans: Vec<(usize, usize)>,
}

impl RequestDecoder {
    /// A decoder with the given limits, for a client that counts as
    /// authenticated (the server has no `requirepass`); see
    /// [`set_authenticated`](Self::set_authenticated).
    pub fn new(limits: Limits) -> Self {
        RequestDecoder {
            limits,
            authenticated: true,
            state: State::Start,
            argv: Vec::new(),
            scanned: 0,
            failed: None,
            spans: Vec::new(),
        }
    }

    /// Tells the decoder whether the client is authenticated. Like Redis, a
    /// client that still has to authenticate may send at most 10 arguments per
    /// multibulk request (`Protocol error: unauthenticated multibulk length`) and
    /// bulks of at most 16384 bytes (`Protocol error: unauthenticated bulk
    /// length`). Takes effect for the next header the decoder reads.
    pub fn set_authenticated(&mut self, yes: bool) {
        self.authenticated = yes;
    }

    /// Decodes the next request from `buf`.
    ///
    /// - `Ok(Some(argv))`: one request (never empty); its bytes were consumed
    ///   and the arguments are zero-copy slices of them (except inline
    ///   arguments that needed unquoting).
    /// - `Ok(None)`: no complete request is buffered. Bytes of a partial request
    ///   may have been consumed into the decoder's state: append more input to
    ///   the same buffer and call again.
    /// - `Err(e)`: protocol error; Redis replies `-ERR <e>` and closes the
    ///   connection. Requests before the error were already returned; every
    ///   later call returns the same error.
    ///
    /// Empty requests (`*0\r\n`, `*-1\r\n`, blank inline lines) are skipped.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        let mut argv = Vec::new();
        if self.decode_whole(buf, &mut argv) {
            return Ok(Some(argv));
        }
        Ok(self
            .step_checked(buf)?
            .then(|| std::mem::take(&mut self.argv)))
    }

    /// Like [`RequestDecoder::decode`], but answers the request in `argv` (replacing its
    /// contents) and keeps `argv`'s allocation for the next request: a connection that
    /// keeps its vectors decodes without allocating. True when a request was decoded.
    pub fn decode_into(
        &mut self,
        buf: &mut BytesMut,
        argv: &mut Vec<Bytes>,
    ) -> Result<bool, ProtocolError> {
        if self.decode_whole(buf, argv) {
            return Ok(true);
        }
        let complete = self.step_checked(buf)?;
        if complete {
            argv.clear();
            std::mem::swap(argv, &mut self.argv);
        }
        Ok(complete)
    }

    /// The fast path: a multibulk request that is wholly buffered and plain (canonical
    /// positive counts and lengths within the limits, a `$` before each length, at
    /// most [`WHOLE_MAX_ARGS`] arguments) is read in one pass and split off the buffer
    /// in one piece, its arguments slices of it. Anything else answers false with
    /// nothing consumed, and the state machine ([`RequestDecoder::step`]), which
    /// defines every rule, reads it: the two agree on every request this one takes,
    /// as the split-invariance fuzz target and properties check.
    fn decode_whole(&mut self, buf: &mut BytesMut, argv: &mut Vec<Bytes>) -> bool {
        if self.state != State::Start || self.failed.is_some() || buf.first() != Some(&b'*') {
            return false;
        }
        let max_bulk = match self.authenticated {
            true => self.limits.max_bulk_len as u64,
            false => (self.limits.max_bulk_len as u64).min(UNAUTH_MAX_BULK_LEN as u64),
        };
        let max_line = self.limits.max_inline_len;
        let Some((count, mut at)) = header(buf, 0, max_line) else {
            return false;
        };
        let max_count = match self.authenticated {
            true => self.limits.max_multibulk_len as u64,
            false => (self.limits.max_multibulk_len as u64).min(UNAUTH_MAX_MULTIBULK_LEN as u64),
        };
        if count == 0 || count > max_count || count > WHOLE_MAX_ARGS {
            return false;
        }
        self.spans.clear();
        for _ in 0..count {
            if buf.get(at) != Some(&b'$') {
                return false;
            }
            let Some((len, payload)) = header(buf, at, max_line) else {
                return false;
            };
            if len > max_bulk {
                return false;
            }
            // The payload and the two bytes after it (skipped unchecked, as Redis does).
            let end = payload + len as usize + 2;
            if end > buf.len() {
                return false;
            }
            self.spans.push((payload, len as usize));
            at = end;
        }
        let mut request = buf.split_to(at).freeze();
        argv.clear();
        let (last, others) = self.spans.split_last().unwrap_or((&(0, 0), &[]));
        argv.extend(
            others
                .iter()
                .map(|&(offset, len)| request.slice(offset..offset + len)),
        );
        // The last argument keeps the request's own handle: one reference count less.
        request.advance(last.0);
        request.truncate(last.1);
        argv.push(request);
        true
    }

    /// One step, remembering a protocol error for every later call.
    fn step_checked(&mut self, buf: &mut BytesMut) -> Result<bool, ProtocolError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        self.step(buf)
            .inspect_err(|error| self.failed = Some(error.clone()))
    }

    /// Consumes input until a whole request is in `self.argv` (true) or more input is
    /// needed (false).
    fn step(&mut self, buf: &mut BytesMut) -> Result<bool, ProtocolError> {
        loop {
            match self.state {
                State::Start => {
                    let Some(&first) = buf.first() else {
                        return Ok(false);
                    };
                    self.state = if first == b'*' {
                        State::Count
                    } else {
                        State::Inline
                    };
                }
                State::Inline => {
                    let Some(nl) = self.find_line(buf, Line::Inline)? else {
                        return Ok(false);
                    };
                    let len = if nl > 0 && buf[nl - 1] == b'\r' {
                        nl - 1
                    } else {
                        nl
                    };
                    let line = buf.split_to(nl + 1).freeze();
                    self.state = State::Start;
                    self.argv.clear();
                    split_args(&line, len, &mut self.argv).map_err(|_| ERR_UNBALANCED)?;
                    if !self.argv.is_empty() {
                        return Ok(true);
                    }
                }
                State::Count => {
                    let Some(cr) = self.find_line(buf, Line::Header)? else {
                        return Ok(false);
                    };
                    let count = parse_i64(&buf[1..cr])
                        .filter(|&n| n <= i64::from(i32::MAX))
                        .filter(|&n| n <= 0 || n as u64 <= self.limits.max_multibulk_len as u64)
                        .ok_or(ERR_INVALID_MBULK)?;
                    if count > UNAUTH_MAX_MULTIBULK_LEN && !self.authenticated {
                        return Err(ERR_UNAUTH_MBULK);
                    }
                    buf.advance(cr + 2);
                    if count <= 0 {
                        self.state = State::Start;
                        continue;
                    }
                    let remaining = count as usize;
                    self.argv.clear();
                    self.argv.reserve(remaining.min(ARGV_PREALLOC));
                    self.state = State::BulkLen { remaining };
                }
                State::BulkLen { remaining } => {
                    let Some(cr) = self.find_line(buf, Line::Header)? else {
                        return Ok(false);
                    };
                    if buf[0] != b'$' {
                        return Err(ProtocolError::expected_dollar(buf[0]));
                    }
                    let len = parse_i64(&buf[1..cr])
                        .filter(|&n| n >= 0)
                        .and_then(|n| usize::try_from(n).ok())
                        .filter(|&n| n <= self.limits.max_bulk_len)
                        .ok_or(ERR_INVALID_BULK)?;
                    if len as u64 > UNAUTH_MAX_BULK_LEN as u64 && !self.authenticated {
                        return Err(ERR_UNAUTH_BULK);
                    }
                    buf.advance(cr + 2);
                    self.state = State::Payload { remaining, len };
                }
                State::Payload { remaining, len } => {
                    // Redis skips the two bytes after the payload unchecked.
                    if buf.len() < len.saturating_add(2) {
                        return Ok(false);
                    }
                    let arg = buf.split_to(len).freeze();
                    buf.advance(2);
                    self.argv.push(arg);
                    if remaining > 1 {
                        self.state = State::BulkLen {
                            remaining: remaining - 1,
                        };
                    } else {
                        self.state = State::Start;
                        return Ok(true);
                    }
                }
            }
        }
    }

    /// Searches the line at the front of `buf` for its terminator, resuming
    /// where the last search of this line stopped. Returns the terminator's
    /// index once the line is complete (for a header line, once the byte after
    /// the `\r` is buffered too).
    #[inline]
    fn find_line(&mut self, buf: &[u8], kind: Line) -> Result<Option<usize>, ProtocolError> {
        let max = self.limits.max_inline_len;
        let terminator = match kind {
            Line::Header => b'\r',
            Line::Inline => b'\n',
        };
        let window = buf.len().min(max.saturating_add(1));
        let mut i = self.scanned;
        while i < window {
            let b = buf[i];
            if b == terminator {
                if matches!(kind, Line::Header) && i + 1 >= buf.len() {
                    // Found, but the byte after the `\r` is not here yet.
                    self.scanned = i;
                    return Ok(None);
                }
                self.scanned = 0;
                return Ok(Some(i));
            }
            if b == 0 {
                // strchr stops at NUL: this line's terminator is never found.
                i = usize::MAX;
                break;
            }
            i += 1;
        }
        self.scanned = i;
        if buf.len() > max {
            return Err(match (kind, self.state) {
                (Line::Inline, _) => ERR_TOO_BIG_INLINE,
                (Line::Header, State::Count) => ERR_TOO_BIG_MBULK,
                (Line::Header, _) => ERR_TOO_BIG_BULK,
            });
        }
        Ok(None)
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
