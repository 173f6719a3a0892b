//! Pub/sub: who listens to which channel or pattern, and each listener's mailbox.
//!
//! PUBLISH runs under the store lock like any command: it looks the channel up, then
//! every pattern, and posts the message to each subscriber's [`Mailbox`] in subscription
//! order, so every subscriber sees messages in publish order. A connection drains its
//! mailbox whenever it can write; an in-process subscriber waits on it. A subscriber
//! that does not keep up is disconnected, as Redis does, once its queue passes the
//! `client-output-buffer-limit pubsub` hard limit, or stays past the soft limit for
//! the soft seconds: it never silently misses a message.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use parking_lot::{Condvar, Mutex};

use crate::glob::glob_match;
use crate::reply::Reply;

/// One class of `client-output-buffer-limit`: bytes and seconds, 0 = none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferLimit {
    /// Disconnect at once past this many queued bytes.
    pub hard: u64,
    /// Disconnect when past this many bytes for `soft_seconds`.
    pub soft: u64,
    /// How long the soft limit may be exceeded.
    pub soft_seconds: u64,
}

impl Default for BufferLimit {
    /// Redis's default: `pubsub 32mb 8mb 60`.
    fn default() -> Self {
        BufferLimit {
            hard: 32 << 20,
            soft: 8 << 20,
            soft_seconds: 60,
        }
    }
}

impl BufferLimit {
    /// No limit.
    pub const NONE: BufferLimit = BufferLimit {
        hard: 0,
        soft: 0,
        soft_seconds: 0,
    };

    /// Redis's default for replicas: `replica 256mb 64mb 60`.
    pub const REPLICA: BufferLimit = BufferLimit {
        hard: 256 << 20,
        soft: 64 << 20,
        soft_seconds: 60,
    };

    /// The limit of class `class` (`pubsub`, `replica`) in a
    /// `client-output-buffer-limit` value (`normal 0 0 0 replica ... pubsub 33554432
    /// 8388608 60`).
    pub fn from_config(value: &str, class: &str) -> Option<BufferLimit> {
        let words: Vec<&str> = value.split_whitespace().collect();
        let at = words.iter().position(|w| w.eq_ignore_ascii_case(class))?;
        let number = |n: usize| words.get(at + n)?.parse::<u64>().ok();
        Some(BufferLimit {
            hard: number(1)?,
            soft: number(2)?,
            soft_seconds: number(3)?,
        })
    }
}

/// A message published to a channel, encoded once for all its receivers: each
/// subscriber's mailbox holds an `Arc` of it, and a connection copies its bytes.
#[derive(Debug)]
pub struct Published {
    /// The push (`message`/`pmessage`/`smessage` and its parts) in RESP2; RESP3's
    /// encoding differs only in its first byte (`>` for `*`).
    resp2: Bytes,
    /// Where each part's bytes lie in `resp2`, for [`Mail::into_reply`].
    parts: [std::ops::Range<usize>; MAX_PUSH_PARTS],
    /// How many of `parts` are used.
    len: usize,
}

/// The most parts a published push has (`pmessage pattern channel message`).
const MAX_PUSH_PARTS: usize = 4;

impl Published {
    /// The push of `parts` (at most four), encoded into one exactly sized buffer.
    pub fn new(parts: &[&[u8]]) -> Arc<Published> {
        assert!(
            parts.len() <= MAX_PUSH_PARTS,
            "a push of {} parts",
            parts.len()
        );
        // `*N\r\n`, then per part `$len\r\n` + bytes + `\r\n` (a length takes at
        // most 20 digits).
        let capacity = 4 + parts.iter().map(|part| part.len() + 25).sum::<usize>();
        let mut encoded = bytes::BytesMut::with_capacity(capacity);
        kvdb_resp::write::array_header(&mut encoded, parts.len());
        let mut ranges = [0..0, 0..0, 0..0, 0..0];
        for (range, part) in ranges.iter_mut().zip(parts) {
            kvdb_resp::write::bulk(&mut encoded, part);
            let end = encoded.len() - 2;
            *range = end - part.len()..end;
        }
        Arc::new(Published {
            resp2: encoded.freeze(),
            parts: ranges,
            len: parts.len(),
        })
    }

    /// The push as a reply, its parts sharing the encoded bytes.
    fn reply(&self) -> Reply {
        let parts = &self.parts[..self.len];
        Reply::Push(
            parts
                .iter()
                .map(|range| Reply::Bulk(self.resp2.slice(range.clone())))
                .collect(),
        )
    }
}

/// One thing waiting in a mailbox.
#[derive(Debug, Clone)]
pub enum Mail {
    /// A published message, shared with its other receivers.
    Published(Arc<Published>),
    /// Any other push: a MONITOR line, a test's own.
    Reply(Reply),
    /// Bytes sent as they are, whatever the protocol: a replica's stream.
    Raw(Bytes),
    /// A client-side caching invalidation, whose form depends on the receiver's
    /// protocol.
    Invalidation(crate::tracking::Invalidation),
}

impl Mail {
    /// Appends the mail's bytes for a client speaking `protocol` to `out`.
    pub fn encode(&self, protocol: crate::reply::Protocol, out: &mut bytes::BytesMut) {
        match self {
            Mail::Published(published) => {
                let at = out.len();
                out.extend_from_slice(&published.resp2);
                if protocol == crate::reply::Protocol::Resp3 {
                    out[at] = b'>';
                }
            }
            Mail::Reply(reply) => reply.encode(protocol, out),
            Mail::Raw(bytes) => out.extend_from_slice(bytes),
            Mail::Invalidation(invalidation) => invalidation.encode(protocol, out),
        }
    }

    /// The mail as a reply.
    pub fn into_reply(self) -> Reply {
        match self {
            Mail::Published(published) => published.reply(),
            Mail::Reply(reply) => reply,
            Mail::Raw(bytes) => Reply::Bulk(bytes),
            Mail::Invalidation(invalidation) => invalidation.to_reply(),
        }
    }
}

impl From<Reply> for Mail {
    fn from(reply: Reply) -> Mail {
        Mail::Reply(reply)
    }
}

thread_local! {
    /// Wake-ups held back while a batch of commands runs on this thread.
    static DEFERRED_WAKES: std::cell::RefCell<Option<Vec<Waker>>> =
        const { std::cell::RefCell::new(None) };
}

/// While alive, subscribers' connections that mail reaches on this thread are woken
/// only when it is dropped: a pipeline of PUBLISHes wakes each subscriber once, and
/// it writes them all at once, as Redis writes a client's output buffer once per
/// event-loop pass. Nested scopes defer to the outermost.
#[derive(Debug)]
pub struct DeferWakes {
    outermost: bool,
}

impl DeferWakes {
    /// Starts holding back wake-ups on this thread.
    pub fn begin() -> DeferWakes {
        let outermost = DEFERRED_WAKES.with(|deferred| {
            let mut deferred = deferred.borrow_mut();
            let outermost = deferred.is_none();
            if outermost {
                *deferred = Some(Vec::new());
            }
            outermost
        });
        DeferWakes { outermost }
    }
}

impl Drop for DeferWakes {
    fn drop(&mut self) {
        if !self.outermost {
            return;
        }
        let wakers = DEFERRED_WAKES.with(|deferred| deferred.borrow_mut().take());
        for waker in wakers.into_iter().flatten() {
            waker.wake();
        }
    }
}

/// Wakes `waker` now, or when this thread's [`DeferWakes`] scope ends.
fn wake(waker: Waker) {
    let waker = DEFERRED_WAKES.with(|deferred| match deferred.borrow_mut().as_mut() {
        Some(held) => {
            held.push(waker);
            None
        }
        None => Some(waker),
    });
    if let Some(waker) = waker {
        waker.wake();
    }
}

#[derive(Debug, Default)]
struct MailState {
    queue: VecDeque<Mail>,
    bytes: u64,
    /// Since when (Unix ms) the queue has been over the soft limit.
    over_soft_since: Option<u64>,
    /// The limit was passed: the subscriber must be disconnected.
    overflowed: bool,
    waker: Option<Waker>,
}

/// One subscriber's queue of pushed messages.
#[derive(Debug, Default)]
pub struct Mailbox {
    state: Mutex<MailState>,
    posted: Condvar,
    /// The size of the messages [`Mailbox::deliver`] took that the connection has not
    /// written out yet ([`Mailbox::written`]): still memory in use.
    in_delivery: AtomicU64,
}

impl Mailbox {
    /// Queues `message` (about `size` bytes) unless the subscriber already overflowed;
    /// passing `limit` marks it overflowed and drops its queue.
    pub fn post(&self, message: impl Into<Mail>, size: u64, limit: BufferLimit, now_ms: u64) {
        let mut state = self.state.lock();
        if state.overflowed {
            return;
        }
        state.queue.push_back(message.into());
        state.bytes += size;
        let over_hard = limit.hard > 0 && state.bytes >= limit.hard;
        let over_soft = limit.soft > 0 && state.bytes >= limit.soft;
        if over_soft {
            let since = *state.over_soft_since.get_or_insert(now_ms);
            if now_ms.saturating_sub(since) >= limit.soft_seconds * 1000 {
                state.overflowed = true;
            }
        } else {
            state.over_soft_since = None;
        }
        if over_hard {
            state.overflowed = true;
        }
        if state.overflowed {
            state.queue.clear();
            state.bytes = 0;
        }
        if let Some(waker) = state.waker.take() {
            drop(state);
            wake(waker);
        }
        self.posted.notify_all();
    }

    /// Takes every queued message, oldest first.
    pub fn drain(&self) -> Vec<Mail> {
        let mut state = self.state.lock();
        state.bytes = 0;
        state.over_soft_since = None;
        state.queue.drain(..).collect()
    }

    /// Takes every queued message, appending each encoded for `protocol` to `out`.
    /// Their size counts as [`Mailbox::pending_bytes`] until [`Mailbox::written`].
    pub fn deliver(&self, protocol: crate::reply::Protocol, out: &mut bytes::BytesMut) {
        let mut state = self.state.lock();
        let taken = std::mem::take(&mut state.bytes);
        state.over_soft_since = None;
        for mail in state.queue.drain(..) {
            mail.encode(protocol, out);
        }
        drop(state);
        if taken > 0 {
            self.in_delivery.fetch_add(taken, Ordering::Relaxed);
        }
    }

    /// The messages delivered so far have been written out (and their buffer space
    /// given back).
    pub fn written(&self) {
        if self.in_delivery.load(Ordering::Relaxed) != 0 {
            self.in_delivery.store(0, Ordering::Relaxed);
        }
    }

    /// The size of the messages waiting or being written out, as the output buffer
    /// limit counts a message.
    pub fn pending_bytes(&self) -> u64 {
        self.state.lock().bytes + self.in_delivery.load(Ordering::Relaxed)
    }

    /// True once the subscriber fell too far behind and must be disconnected.
    pub fn overflowed(&self) -> bool {
        self.state.lock().overflowed
    }

    /// How many messages are waiting.
    pub fn queued(&self) -> usize {
        self.state.lock().queue.len()
    }

    /// True when messages are waiting.
    pub fn has_mail(&self) -> bool {
        !self.state.lock().queue.is_empty()
    }

    /// Waits up to `limit` for a message (or an overflow); true when one is there.
    pub fn wait(&self, limit: Duration) -> bool {
        let mut state = self.state.lock();
        if state.queue.is_empty() && !state.overflowed {
            self.posted.wait_for(&mut state, limit);
        }
        !state.queue.is_empty() || state.overflowed
    }
}

/// A future that completes when the mailbox has mail or overflowed.
#[derive(Debug, Clone)]
pub struct MailArrived(pub Arc<Mailbox>);

impl Future for MailArrived {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.state.lock();
        if !state.queue.is_empty() || state.overflowed {
            return Poll::Ready(());
        }
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// The three kinds of subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SUBSCRIBE: a channel.
    Channel,
    /// PSUBSCRIBE: a glob pattern over channels.
    Pattern,
    /// SSUBSCRIBE: a shard channel.
    Shard,
}

/// One client's subscriptions.
#[derive(Debug, Default)]
struct Listener {
    mailbox: Arc<Mailbox>,
    channels: HashMap<Bytes, ()>,
    /// In subscription order (PUNSUBSCRIBE with no argument answers in this order).
    patterns: Vec<Bytes>,
    shard: HashMap<Bytes, ()>,
}

/// A subscriber as a channel or pattern lists it: its mailbox at hand, so PUBLISH
/// posts without looking the client up.
#[derive(Debug)]
struct Receiver {
    id: u64,
    mailbox: Arc<Mailbox>,
}

/// Every subscription of an engine.
#[derive(Debug, Default)]
pub struct PubSub {
    // foldhash: PUBLISH looks its channel up every time, and SipHash cost about 2% of
    // the server's CPU under a PUBLISH benchmark.
    channels: foldhash::HashMap<Bytes, Vec<Receiver>>,
    patterns: foldhash::HashMap<Bytes, Vec<Receiver>>,
    shard: foldhash::HashMap<Bytes, Vec<Receiver>>,
    listeners: HashMap<u64, Listener>,
    /// The pubsub output buffer limit.
    pub limit: BufferLimit,
}

impl Clone for PubSub {
    /// A copy of a keyspace has no subscribers.
    fn clone(&self) -> Self {
        PubSub {
            limit: self.limit,
            ..PubSub::default()
        }
    }
}

impl PubSub {
    fn registry(&mut self, kind: Kind) -> &mut foldhash::HashMap<Bytes, Vec<Receiver>> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard,
        }
    }

    /// Client `id`'s mailbox, created on first use.
    pub fn mailbox(&mut self, id: u64) -> Arc<Mailbox> {
        self.listeners.entry(id).or_default().mailbox.clone()
    }

    /// The size of the messages waiting in every client's mailbox.
    pub fn pending_bytes(&self) -> u64 {
        self.listeners
            .values()
            .map(|listener| listener.mailbox.pending_bytes())
            .sum()
    }

    /// The size of the messages waiting for client `id` (0 without a mailbox).
    pub fn pending_bytes_of(&self, id: u64) -> u64 {
        self.listeners
            .get(&id)
            .map_or(0, |listener| listener.mailbox.pending_bytes())
    }

    /// Subscribes client `id` to `name`; false when it already was.
    pub fn subscribe(&mut self, id: u64, kind: Kind, name: &Bytes) -> bool {
        let listener = self.listeners.entry(id).or_default();
        let added = match kind {
            Kind::Channel => listener.channels.insert(name.clone(), ()).is_none(),
            Kind::Shard => listener.shard.insert(name.clone(), ()).is_none(),
            Kind::Pattern => {
                let new = !listener.patterns.contains(name);
                if new {
                    listener.patterns.push(name.clone());
                }
                new
            }
        };
        if added {
            let mailbox = listener.mailbox.clone();
            self.registry(kind)
                .entry(name.clone())
                .or_default()
                .push(Receiver { id, mailbox });
        }
        added
    }

    /// Unsubscribes client `id` from `name`; false when it was not subscribed.
    pub fn unsubscribe(&mut self, id: u64, kind: Kind, name: &[u8]) -> bool {
        let Some(listener) = self.listeners.get_mut(&id) else {
            return false;
        };
        let removed = match kind {
            Kind::Channel => listener.channels.remove(name).is_some(),
            Kind::Shard => listener.shard.remove(name).is_some(),
            Kind::Pattern => {
                let before = listener.patterns.len();
                listener.patterns.retain(|p| p.as_ref() != name);
                listener.patterns.len() != before
            }
        };
        if removed {
            let registry = self.registry(kind);
            if let Some(receivers) = registry.get_mut(name) {
                receivers.retain(|receiver| receiver.id != id);
                if receivers.is_empty() {
                    registry.remove(name);
                }
            }
        }
        removed
    }

    /// What client `id` is subscribed to of `kind` (patterns in subscription order).
    pub fn subscriptions(&self, id: u64, kind: Kind) -> Vec<Bytes> {
        let Some(listener) = self.listeners.get(&id) else {
            return Vec::new();
        };
        match kind {
            Kind::Channel => listener.channels.keys().cloned().collect(),
            Kind::Shard => listener.shard.keys().cloned().collect(),
            Kind::Pattern => listener.patterns.clone(),
        }
    }

    /// Client `id`'s channel plus pattern subscriptions (what SUBSCRIBE replies count),
    /// and its shard channel subscriptions.
    pub fn counts(&self, id: u64) -> (usize, usize) {
        self.listeners.get(&id).map_or((0, 0), |listener| {
            (
                listener.channels.len() + listener.patterns.len(),
                listener.shard.len(),
            )
        })
    }

    /// Drops every subscription of client `id` (RESET); its mailbox stays, as it is the
    /// client's for as long as it is connected.
    pub fn unsubscribe_all(&mut self, id: u64) {
        for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
            for name in self.subscriptions(id, kind) {
                self.unsubscribe(id, kind, &name);
            }
        }
    }

    /// Forgets client `id` entirely (disconnect).
    pub fn remove_client(&mut self, id: u64) {
        self.unsubscribe_all(id);
        self.listeners.remove(&id);
    }

    /// Posts `message` on `channel` to its subscribers (and, unless `shard`, to every
    /// matching pattern's subscribers); answers how many received it.
    pub fn publish(&self, channel: &[u8], message: &[u8], shard: bool, now_ms: u64) -> usize {
        let size = (channel.len() + message.len() + 48) as u64;
        let mut receivers = 0;
        let (registry, kind) = if shard {
            (&self.shard, &b"smessage"[..])
        } else {
            (&self.channels, &b"message"[..])
        };
        if let Some(subscribers) = registry.get(channel).filter(|list| !list.is_empty()) {
            let push = Published::new(&[kind, channel, message]);
            for subscriber in subscribers {
                let mail = Mail::Published(push.clone());
                subscriber.mailbox.post(mail, size, self.limit, now_ms);
                receivers += 1;
            }
        }
        if shard {
            return receivers;
        }
        for (pattern, subscribers) in &self.patterns {
            if subscribers.is_empty() || !glob_match(pattern, channel, false) {
                continue;
            }
            let push = Published::new(&[b"pmessage", pattern, channel, message]);
            let size = size + pattern.len() as u64;
            for subscriber in subscribers {
                let mail = Mail::Published(push.clone());
                subscriber.mailbox.post(mail, size, self.limit, now_ms);
                receivers += 1;
            }
        }
        receivers
    }

    /// Active channels of `kind` (Channel or Shard) matching `pattern`.
    pub fn active(&self, kind: Kind, pattern: Option<&[u8]>) -> Vec<Bytes> {
        let registry = match kind {
            Kind::Shard => &self.shard,
            _ => &self.channels,
        };
        registry
            .keys()
            .filter(|name| pattern.is_none_or(|p| glob_match(p, name, false)))
            .cloned()
            .collect()
    }

    /// Subscribers of `channel` of `kind` (Channel or Shard), patterns excluded.
    pub fn subscriber_count(&self, kind: Kind, channel: &[u8]) -> usize {
        let registry = match kind {
            Kind::Shard => &self.shard,
            _ => &self.channels,
        };
        registry.get(channel).map_or(0, Vec::len)
    }

    /// Number of distinct patterns subscribed to (PUBSUB NUMPAT).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Number of channels of `kind` (Channel or Shard) with a subscriber (INFO's
    /// `pubsub_channels` and `pubsubshard_channels`).
    pub fn channel_count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Shard => self.shard.len(),
            _ => self.channels.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(text: &str) -> Bytes {
        Bytes::copy_from_slice(text.as_bytes())
    }

    #[test]
    fn publish_reaches_channel_and_pattern_subscribers() {
        let mut pubsub = PubSub::default();
        pubsub.subscribe(1, Kind::Channel, &bytes("news"));
        pubsub.subscribe(2, Kind::Pattern, &bytes("n*"));
        pubsub.subscribe(2, Kind::Channel, &bytes("news"));
        assert_eq!(pubsub.publish(b"news", b"hi", false, 0), 3);
        assert_eq!(pubsub.mailbox(1).drain().len(), 1);
        assert_eq!(pubsub.mailbox(2).drain().len(), 2);
        assert_eq!(pubsub.publish(b"other", b"hi", false, 0), 0);
    }

    #[test]
    fn published_mail_encodes_as_its_reply_in_both_protocols() {
        use crate::reply::Protocol;
        let long = vec![b'x'; 100_000];
        let pushes: [&[&[u8]]; 3] = [
            &[b"message", b"news", b"hi"],
            &[b"pmessage", b"n*", b"news", b""],
            &[b"smessage", b"\r\n\0", &long],
        ];
        for parts in pushes {
            let reply = Reply::Push(
                parts
                    .iter()
                    .map(|part| Reply::Bulk(Bytes::copy_from_slice(part)))
                    .collect(),
            );
            let mail = Mail::Published(Published::new(parts));
            for protocol in [Protocol::Resp2, Protocol::Resp3] {
                let (mut expected, mut encoded) = (bytes::BytesMut::new(), bytes::BytesMut::new());
                reply.encode(protocol, &mut expected);
                mail.encode(protocol, &mut encoded);
                assert_eq!(encoded, expected);
            }
            assert_eq!(mail.into_reply(), reply);
        }
    }

    #[test]
    fn deferred_wakes_fire_when_the_outermost_scope_ends() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        struct Counter(AtomicUsize);
        impl std::task::Wake for Counter {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let mailbox = Mailbox::default();
        // What a waiting connection's MailArrived leaves behind.
        let register = || mailbox.state.lock().waker = Some(Waker::from(counter.clone()));
        let limit = BufferLimit::default();
        let outer = DeferWakes::begin();
        register();
        let inner = DeferWakes::begin();
        mailbox.post(Reply::Nil, 1, limit, 0);
        drop(inner);
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            0,
            "held by the outer scope"
        );
        drop(outer);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        register();
        mailbox.post(Reply::Nil, 1, limit, 0);
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            2,
            "no scope: woken at once"
        );
    }

    #[test]
    fn a_subscriber_past_the_hard_limit_overflows() {
        let mut pubsub = PubSub {
            limit: BufferLimit {
                hard: 1000,
                soft: 0,
                soft_seconds: 0,
            },
            ..PubSub::default()
        };
        pubsub.subscribe(1, Kind::Channel, &bytes("c"));
        for _ in 0..10 {
            pubsub.publish(b"c", &[b'x'; 200], false, 0);
        }
        assert!(pubsub.mailbox(1).overflowed());
        assert!(!pubsub.mailbox(1).has_mail());
    }

    #[test]
    fn the_soft_limit_allows_a_burst_for_its_seconds() {
        let limit = BufferLimit {
            hard: 0,
            soft: 100,
            soft_seconds: 2,
        };
        let mailbox = Mailbox::default();
        mailbox.post(Reply::Nil, 150, limit, 1_000);
        mailbox.post(Reply::Nil, 10, limit, 2_999);
        assert!(!mailbox.overflowed());
        mailbox.post(Reply::Nil, 10, limit, 3_000);
        assert!(mailbox.overflowed());
    }

    #[test]
    fn the_pubsub_class_is_read_from_the_config_value() {
        assert_eq!(
            BufferLimit::from_config(
                "normal 0 0 0 slave 1 2 3 pubsub 33554432 8388608 60",
                "pubsub"
            ),
            Some(BufferLimit::default())
        );
    }

    #[test]
    fn removing_a_client_drops_its_subscriptions() {
        let mut pubsub = PubSub::default();
        pubsub.subscribe(1, Kind::Channel, &bytes("a"));
        pubsub.subscribe(1, Kind::Pattern, &bytes("*"));
        pubsub.remove_client(1);
        assert_eq!(pubsub.publish(b"a", b"x", false, 0), 0);
        assert_eq!(pubsub.pattern_count(), 0);
    }
}
