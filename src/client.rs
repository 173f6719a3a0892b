//! Talking to "a Redis": the [`Connection`] abstraction, implemented by the in-process
//! [`Session`] and by [`RespClient`], a small blocking RESP client for any Redis server
//! (kvdb-server, a real redis-server) over TCP or a unix socket.
//!
//! Both give a command's answer as a [`Reply`], errors included as [`Reply::Error`]
//! values, so code written against [`Connection`] (the named Lua programs of
//! [`crate::programs`], for one) runs unchanged in-process and over the wire. Only a
//! failure to talk at all — a closed socket, a timeout, bytes that are not RESP — is an
//! `Err`.
//!
//! # Layout
//! - [`Connection`] and its impls for [`Session`] and [`RespClient`].
//! - [`RespClient`]: the socket, a read buffer, requests encoded as RESP arrays of bulk
//!   strings, replies decoded by [`kvdb_resp::decode`] (no second parser here).
//! - [`reply_from_frame`]: a decoded [`Frame`] as the [`Reply`] the engine would have
//!   built.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use kvdb_resp::{write, Frame};

use crate::{Reply, Session};

/// Something that runs one Redis command and answers with its reply.
///
/// A Redis error reply (`ERR ...`, `NOSCRIPT ...`, a script's own error) is
/// `Ok(Reply::Error(..))`, as [`Session::execute`] presents it; `Err` means the command
/// could not be exchanged at all (I/O, or a reply that is not valid RESP).
pub trait Connection {
    /// Sends `argv` (command name first) and returns its reply.
    fn command(&mut self, argv: &[Bytes]) -> io::Result<Reply>;
}

impl Connection for Session {
    /// Runs the command in-process; fails only when an injected fault drops it, as
    /// a connection reset would.
    fn command(&mut self, argv: &[Bytes]) -> io::Result<Reply> {
        let reply = self.execute(argv);
        if self.take_dropped_by_fault() {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "connection dropped by an injected fault",
            ));
        }
        Ok(reply)
    }
}

impl<C: Connection + ?Sized> Connection for &mut C {
    fn command(&mut self, argv: &[Bytes]) -> io::Result<Reply> {
        (**self).command(argv)
    }
}

impl<C: Connection + ?Sized> Connection for Box<C> {
    fn command(&mut self, argv: &[Bytes]) -> io::Result<Reply> {
        (**self).command(argv)
    }
}

/// The socket under a [`RespClient`].
#[derive(Debug)]
enum Stream {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
}

impl Stream {
    fn set_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(stream) => {
                stream.set_read_timeout(timeout)?;
                stream.set_write_timeout(timeout)
            }
            #[cfg(unix)]
            Stream::Unix(stream) => {
                stream.set_read_timeout(timeout)?;
                stream.set_write_timeout(timeout)
            }
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Stream::Tcp(stream) => stream.write_all(bytes),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.write_all(bytes),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(stream) => stream.read(buf),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.read(buf),
        }
    }
}

/// A minimal blocking RESP client: one request, then its reply, in turn.
///
/// It speaks RESP2 unless told otherwise (`HELLO 3` through [`RespClient::command`]),
/// exactly like a fresh `redis-cli` connection, and is meant for request/reply use:
/// it returns whatever frame comes next, so a subscribed connection's messages would
/// be read as replies.
///
/// ```no_run
/// use kvdb::{Reply, RespClient};
///
/// let mut client = RespClient::connect("127.0.0.1:6379")?;
/// assert_eq!(client.call(["SET", "k", "v"])?, Reply::Ok);
/// assert_eq!(client.call(["GET", "k"])?, Reply::bulk("v"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct RespClient {
    stream: Stream,
    /// Received bytes not yet decoded (a reply may arrive in pieces).
    buffer: BytesMut,
    /// Scratch space for one encoded request.
    request: BytesMut,
}

impl RespClient {
    /// Connects over TCP (`"127.0.0.1:6379"`, a `SocketAddr`, ...), trying each address
    /// `address` resolves to.
    pub fn connect(address: impl ToSocketAddrs) -> io::Result<RespClient> {
        let stream = TcpStream::connect(address)?;
        // Requests are written whole; waiting to coalesce them only adds latency.
        stream.set_nodelay(true)?;
        Ok(RespClient::new(Stream::Tcp(stream)))
    }

    /// Connects to a unix socket (Redis's `unixsocket`).
    #[cfg(unix)]
    pub fn connect_unix(path: impl AsRef<std::path::Path>) -> io::Result<RespClient> {
        let stream = std::os::unix::net::UnixStream::connect(path)?;
        Ok(RespClient::new(Stream::Unix(stream)))
    }

    fn new(stream: Stream) -> RespClient {
        RespClient {
            stream,
            buffer: BytesMut::with_capacity(4096),
            request: BytesMut::with_capacity(256),
        }
    }

    /// Limits how long one write or one read may wait (`None`: forever, the default).
    /// A timeout is an `Err` of kind `WouldBlock` or `TimedOut`; the connection is then
    /// out of step with the server and should be dropped.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.stream.set_timeout(timeout)
    }

    /// Runs a command given as anything byte-like: `client.call(["GET", "k"])`.
    pub fn call<I, A>(&mut self, argv: I) -> io::Result<Reply>
    where
        I: IntoIterator<Item = A>,
        A: AsRef<[u8]>,
    {
        self.command(&crate::to_argv(argv))
    }

    /// Reads until one whole frame is buffered and returns it.
    fn read_frame(&mut self) -> io::Result<Frame> {
        loop {
            match kvdb_resp::decode(&mut self.buffer) {
                Ok(Some(frame)) => return Ok(frame),
                Ok(None) => {}
                Err(error) => return Err(io::Error::new(io::ErrorKind::InvalidData, error)),
            }
            let mut chunk = [0u8; 16 * 1024];
            let read = self.stream.read(&mut chunk)?;
            if read == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection",
                ));
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        }
    }
}

impl Connection for RespClient {
    /// Writes `argv` as a RESP array of bulk strings, then reads one reply.
    fn command(&mut self, argv: &[Bytes]) -> io::Result<Reply> {
        self.request.clear();
        write::array_header(&mut self.request, argv.len());
        for arg in argv {
            write::bulk(&mut self.request, arg);
        }
        self.stream.write_all(&self.request)?;
        self.read_frame().map(reply_from_frame)
    }
}

/// A decoded frame as the [`Reply`] the engine builds for the same answer, so that a
/// reply read off the wire compares equal to the one [`Session::execute`] returns:
/// `+OK` is [`Reply::Ok`], RESP2's `$-1` is [`Reply::Nil`] and `*-1`
/// [`Reply::NilArray`], RESP3's `_` is [`Reply::Nil`].
///
/// The engine has no big-number reply: a RESP3 big number becomes a bulk string of its
/// digits, which is what Redis sends a RESP2 client. Attributes are dropped (the frame
/// they annotate is kept); a verbatim string of a format other than `txt` or `mkd`
/// becomes a bulk string.
pub fn reply_from_frame(frame: Frame) -> Reply {
    fn all(frames: Vec<Frame>) -> Vec<Reply> {
        frames.into_iter().map(reply_from_frame).collect()
    }
    match frame {
        Frame::Simple(text) if text.as_ref() == b"OK" => Reply::Ok,
        Frame::Simple(text) => Reply::Status(text),
        Frame::Error(text) => Reply::Error(text),
        Frame::Integer(n) => Reply::Int(n),
        Frame::Bulk(bytes) => Reply::Bulk(bytes),
        Frame::BigNumber(digits) => Reply::BigNumber(digits),
        Frame::Null | Frame::NullBulk => Reply::Nil,
        Frame::NullArray => Reply::NilArray,
        Frame::Array(items) => Reply::Array(all(items)),
        Frame::Set(items) => Reply::Set(all(items)),
        Frame::Push(items) => Reply::Push(all(items)),
        Frame::Map(pairs) => Reply::Map(
            pairs
                .into_iter()
                .map(|(key, value)| (reply_from_frame(key), reply_from_frame(value)))
                .collect(),
        ),
        Frame::Double(d) => Reply::Double(d),
        Frame::Boolean(b) => Reply::Bool(b),
        Frame::Verbatim { format, text } => Reply::Verbatim(format, text),
        Frame::Attribute { frame, .. } => reply_from_frame(*frame),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, Protocol};

    /// Encodes `reply` as the engine would for `protocol`, decodes it as a client, and
    /// converts it back.
    fn round_trip(reply: &Reply, protocol: Protocol) -> Reply {
        let mut wire = BytesMut::new();
        reply.encode(protocol, &mut wire);
        let frame = kvdb_resp::decode(&mut wire).unwrap().unwrap();
        assert!(wire.is_empty());
        reply_from_frame(frame)
    }

    #[test]
    fn replies_survive_the_wire_in_both_protocols() {
        let replies = [
            Reply::Ok,
            Reply::status("PONG"),
            Reply::Error(Bytes::from_static(b"ERR no")),
            Reply::Int(-3),
            Reply::bulk("v"),
            Reply::Nil,
            Reply::Array(vec![Reply::Int(1), Reply::bulk("a"), Reply::Nil]),
            Reply::Array(vec![Reply::Error(Bytes::from_static(b"MYERR x"))]),
        ];
        for protocol in [Protocol::Resp2, Protocol::Resp3] {
            for reply in &replies {
                assert_eq!(&round_trip(reply, protocol), reply, "{protocol:?}");
            }
        }
        assert_eq!(
            round_trip(&Reply::NilArray, Protocol::Resp2),
            Reply::NilArray
        );
        let map = Reply::Map(vec![(Reply::bulk("k"), Reply::Double(1.5))]);
        assert_eq!(round_trip(&map, Protocol::Resp3), map);
        let set = Reply::Set(vec![Reply::Bool(true)]);
        assert_eq!(round_trip(&set, Protocol::Resp3), set);
    }

    #[test]
    fn resp3_extras_become_what_a_resp2_client_reads() {
        assert_eq!(
            reply_from_frame(Frame::BigNumber(Bytes::from_static(b"123"))),
            Reply::BigNumber(Bytes::from_static(b"123"))
        );
        let annotated = Frame::Attribute {
            attributes: vec![(Frame::Simple(Bytes::from_static(b"a")), Frame::Integer(1))],
            frame: Box::new(Frame::Integer(9)),
        };
        assert_eq!(reply_from_frame(annotated), Reply::Int(9));
    }

    #[test]
    fn a_session_is_a_connection() {
        let mut session = Engine::new().session();
        let argv = [Bytes::from_static(b"PING")];
        assert_eq!(
            Connection::command(&mut session, &argv).unwrap(),
            Reply::status("PONG")
        );
    }
}
