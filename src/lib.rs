//! kvdb: a Redis 7.0 compatible key/value engine, in your process or as a drop-in
//! `redis-server`.
//!
//! ```
//! use kvdb::{Engine, Reply, SessionExt};
//!
//! let engine = Engine::new();
//! let mut session = engine.session();
//! assert_eq!(session.call(["SET", "greeting", "hello"]), Reply::Ok);
//! assert_eq!(session.call(["GET", "greeting"]), Reply::bulk("hello"));
//! ```
//!
//! # Layout
//! - [`kvdb_resp`] (re-exported as [`resp`]): the RESP2/RESP3 codec.
//! - [`kvdb_engine`] (re-exported as [`engine`]): keyspace, types, expiry, commands.
//! - [`server`]: the tokio network server behind `kvdb-server` and [`Server`].
//! - This file: the embedding API — [`Engine`] (with virtual time:
//!   [`Engine::advance`]), [`Session`] with [`SessionExt::call`] and [`cmd!`], a
//!   [`Subscriber`] for pub/sub in-process. The test controls fault injection
//!   ([`Fault`]) and the command log ([`LoggedCommand`]) come from the engine.
//! - [`Server`] (`local_server.rs`): the real server in this process, on an ephemeral
//!   port and/or a unix socket, on its own thread or the caller's runtime.
//! - [`client`]: the [`Connection`] abstraction over the in-process [`Session`] and
//!   [`RespClient`], a blocking RESP client for any Redis server.
//! - [`CountingAllocator`]: a global allocator wrapper that counts memory in use, as
//!   Redis's `used_memory` does; `maxmemory` (and its eviction) needs it installed.
//! - [`programs`]: named Lua programs ([`Programs`]), a directory of `*.lua` files run
//!   by name through `EVALSHA`, on any [`Connection`].

pub mod client;
mod embedded;
mod local_server;
pub mod programs;
pub mod server;

use bytes::Bytes;
pub use embedded::{Engine, EngineBuilder};
pub use kvdb_engine as engine;
pub use kvdb_engine::memory::CountingAllocator;
pub use kvdb_engine::{
    Clock, CommandError, CommandLog, Config, Fault, FaultAction, Inspected, InspectedValue,
    LoggedCommand, ManualClock, Origin, Protocol, Reply, Session, SystemClock,
};
pub use kvdb_resp as resp;
pub use local_server::{Server, ServerBuilder};

pub use client::{Connection, RespClient};
pub use programs::{LoadError, Program, Programs, RunError};

/// Convenience calls on a [`Session`].
pub trait SessionExt {
    /// Runs a command given as anything byte-like: `session.call(["SET", "k", "v"])`.
    fn call<I, A>(&mut self, argv: I) -> Reply
    where
        I: IntoIterator<Item = A>,
        A: AsRef<[u8]>;
}

impl SessionExt for Session {
    fn call<I, A>(&mut self, argv: I) -> Reply
    where
        I: IntoIterator<Item = A>,
        A: AsRef<[u8]>,
    {
        self.execute(&to_argv(argv))
    }
}

/// A command's arguments from anything byte-like (`["SET", "k", "v"]`), copied.
pub(crate) fn to_argv<I, A>(argv: I) -> Vec<Bytes>
where
    I: IntoIterator<Item = A>,
    A: AsRef<[u8]>,
{
    argv.into_iter()
        .map(|arg| Bytes::copy_from_slice(arg.as_ref()))
        .collect()
}

/// One command argument, from anything a test would naturally pass.
pub trait Arg {
    /// The argument's bytes.
    fn into_arg(self) -> Bytes;
}

impl Arg for &str {
    fn into_arg(self) -> Bytes {
        Bytes::copy_from_slice(self.as_bytes())
    }
}

impl Arg for String {
    fn into_arg(self) -> Bytes {
        Bytes::from(self)
    }
}

impl Arg for &String {
    fn into_arg(self) -> Bytes {
        Bytes::copy_from_slice(self.as_bytes())
    }
}

impl Arg for &[u8] {
    fn into_arg(self) -> Bytes {
        Bytes::copy_from_slice(self)
    }
}

impl<const N: usize> Arg for &[u8; N] {
    fn into_arg(self) -> Bytes {
        Bytes::copy_from_slice(self)
    }
}

impl Arg for Vec<u8> {
    fn into_arg(self) -> Bytes {
        Bytes::from(self)
    }
}

impl Arg for Bytes {
    fn into_arg(self) -> Bytes {
        self
    }
}

macro_rules! display_args {
    ($($type:ty),*) => {$(
        impl Arg for $type {
            fn into_arg(self) -> Bytes {
                Bytes::from(self.to_string())
            }
        }
    )*};
}
display_args!(i32, i64, u32, u64, usize, f64);

/// A command as an argument vector, from mixed argument types:
/// `session.call(cmd!("SET", "counter", 5, "EX", 60))`.
///
/// ```
/// use kvdb::{cmd, Engine, Reply, SessionExt};
///
/// let mut session = Engine::new().session();
/// session.call(cmd!("SET", "n", 41));
/// assert_eq!(session.call(cmd!("INCR", "n")).as_int(), Some(42));
/// ```
#[macro_export]
macro_rules! cmd {
    ($($arg:expr),+ $(,)?) => {
        vec![$($crate::Arg::into_arg($arg)),+]
    };
}

/// A message received by a [`Subscriber`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The channel it was published on.
    pub channel: Bytes,
    /// The pattern it matched, for a pattern subscription.
    pub pattern: Option<Bytes>,
    /// The payload.
    pub payload: Bytes,
}

impl Message {
    /// The message of a pushed `message`, `pmessage` or `smessage`, if it is one.
    fn from_push(push: &Reply) -> Option<Message> {
        let parts: Vec<&[u8]> = push
            .as_array()?
            .iter()
            .filter_map(Reply::as_bytes)
            .collect();
        match parts.as_slice() {
            [b"message" | b"smessage", channel, payload] => Some(Message {
                channel: Bytes::copy_from_slice(channel),
                pattern: None,
                payload: Bytes::copy_from_slice(payload),
            }),
            [b"pmessage", pattern, channel, payload] => Some(Message {
                channel: Bytes::copy_from_slice(channel),
                pattern: Some(Bytes::copy_from_slice(pattern)),
                payload: Bytes::copy_from_slice(payload),
            }),
            _ => None,
        }
    }
}

/// An in-process pub/sub subscriber: a client of the engine that receives what
/// `PUBLISH` sends to its channels and patterns, in order, as an iterator (blocking)
/// or with `recv().await`.
///
/// ```
/// use std::time::Duration;
/// use kvdb::{cmd, Engine, SessionExt, Subscriber};
///
/// let engine = Engine::new();
/// let mut subscriber = Subscriber::new(&engine);
/// subscriber.subscribe(["news"]);
/// engine.session().call(cmd!("PUBLISH", "news", "hello"));
/// let message = subscriber.next_timeout(Duration::from_secs(1)).unwrap();
/// assert_eq!(&message.payload[..], b"hello");
/// ```
#[derive(Debug)]
pub struct Subscriber {
    session: Session,
    pending: std::collections::VecDeque<Message>,
}

impl Subscriber {
    /// A subscriber of `engine` with no subscription yet.
    pub fn new(engine: &Engine) -> Subscriber {
        Subscriber {
            session: engine.session(),
            pending: std::collections::VecDeque::new(),
        }
    }

    fn run(&mut self, command: &str, names: impl IntoIterator<Item = impl AsRef<[u8]>>) {
        let mut argv = vec![Bytes::copy_from_slice(command.as_bytes())];
        argv.extend(
            names
                .into_iter()
                .map(|n| Bytes::copy_from_slice(n.as_ref())),
        );
        self.session.execute(&argv);
    }

    /// Subscribes to channels (SUBSCRIBE).
    pub fn subscribe(&mut self, channels: impl IntoIterator<Item = impl AsRef<[u8]>>) {
        self.run("SUBSCRIBE", channels);
    }

    /// Subscribes to glob patterns (PSUBSCRIBE).
    pub fn psubscribe(&mut self, patterns: impl IntoIterator<Item = impl AsRef<[u8]>>) {
        self.run("PSUBSCRIBE", patterns);
    }

    /// Unsubscribes from channels (all of them when given none).
    pub fn unsubscribe(&mut self, channels: impl IntoIterator<Item = impl AsRef<[u8]>>) {
        self.run("UNSUBSCRIBE", channels);
    }

    /// Moves what the mailbox holds into the local queue; false once the mailbox
    /// overflowed (the subscriber fell too far behind and was dropped).
    fn collect(&mut self) -> bool {
        let Some(mailbox) = self.session.mailbox() else {
            return true;
        };
        let messages = mailbox.drain();
        self.pending.extend(
            messages
                .into_iter()
                .filter_map(|mail| Message::from_push(&mail.into_reply())),
        );
        !mailbox.overflowed()
    }

    /// The next message if one is waiting.
    pub fn try_next(&mut self) -> Option<Message> {
        if self.pending.is_empty() {
            self.collect();
        }
        self.pending.pop_front()
    }

    /// The next message, waiting up to `timeout` for one.
    pub fn next_timeout(&mut self, timeout: std::time::Duration) -> Option<Message> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(message) = self.try_next() {
                return Some(message);
            }
            let mailbox = self.session.mailbox()?;
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            if mailbox.overflowed() || !mailbox.wait(left) {
                return None;
            }
        }
    }

    /// The next message, waiting as long as it takes (`None` once the subscriber has
    /// no subscription or was dropped for falling behind).
    pub async fn recv(&mut self) -> Option<Message> {
        loop {
            if let Some(message) = self.try_next() {
                return Some(message);
            }
            let mailbox = self.session.mailbox()?;
            if mailbox.overflowed() || !self.session.state().subscribed {
                return None;
            }
            engine::pubsub::MailArrived(mailbox).await;
        }
    }
}

impl Iterator for Subscriber {
    type Item = Message;

    /// Blocks until the next message (`None` once no subscription is left or the
    /// subscriber was dropped for falling behind).
    fn next(&mut self) -> Option<Message> {
        loop {
            if let Some(message) = self.try_next() {
                return Some(message);
            }
            let mailbox = self.session.mailbox()?;
            if mailbox.overflowed() || !self.session.state().subscribed {
                return None;
            }
            mailbox.wait(std::time::Duration::from_millis(100));
        }
    }
}

/// Waits until `channel` has at least `count` subscribers (so a test can publish
/// without sleeping first); false if `timeout` passes first.
pub fn wait_for_subscribers(
    engine: &Engine,
    channel: impl AsRef<[u8]>,
    count: usize,
    timeout: std::time::Duration,
) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let present = engine.with_store(|store| {
            store
                .keyspace
                .pubsub
                .subscriber_count(engine::pubsub::Kind::Channel, channel.as_ref())
        });
        if present >= count {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}
