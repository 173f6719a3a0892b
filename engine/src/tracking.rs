//! Client-side caching (`CLIENT TRACKING`): which clients may hold which keys in a
//! local cache, and the invalidation messages a change to those keys sends them.
//!
//! Redis's rules (its `tracking.c`), kept here:
//! - **Default mode.** After a read-only command, each key it names (by the command's
//!   key specs) is remembered for the client that ran it, or, for a read inside a
//!   script, every key the script declared is remembered for the script's caller. With
//!   `OPTIN` only the command after `CLIENT CACHING yes` counts, with `OPTOUT` every
//!   command but the one after `CLIENT CACHING no` (a flag that lasts one command, or
//!   a whole transaction). The table is global: keys of every database share it.
//! - **Invalidation.** The first change to a remembered key sends each client that
//!   read it one message naming it, then forgets the key: the next read remembers it
//!   again. A client's own change comes back to it too, unless `NOLOOP`; that message
//!   waits until the command (the whole `EXEC` or script) has replied. Expiry counts as
//!   a change; `FLUSHDB` and `FLUSHALL` send every tracking client one message with a
//!   null instead of keys, and empty the table.
//! - **Broadcast mode.** A `BCAST` client registers prefixes (none means `""`) instead
//!   of reads. Every change to a key under a prefix is collected, and once the batch
//!   of commands is done each client of the prefix gets one message with the keys
//!   (sorted, each once), leaving out under `NOLOOP` the keys it changed last itself.
//! - **Delivery.** A RESP3 client gets the push `>2 invalidate [keys]`. A RESP2
//!   client gets nothing on its own connection: it redirects (`REDIRECT id`) to a client
//!   in pub/sub mode, which gets the message on `__redis__:invalidate`. A redirection
//!   target that has gone makes the client's next message a `tracking-redir-broken`
//!   push (RESP3 only) and sets the `R` flag.
//! - **Limits.** Past `tracking-table-max-keys` remembered keys, keys picked at random
//!   are invalidated as if changed, before the next command runs (and on the cron).
//!
//! Disabling tracking, or a client leaving, does not walk the table: its id stays under
//! the keys it read until they change, and counts in `tracking_total_items` meanwhile.
//! When nobody tracks, a write costs [`Tracking::is_idle`]: two length checks.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use crate::args::switch;
use crate::dict::Dict;
use crate::error::CommandError;
use crate::pubsub::{Mail, Mailbox, PubSub};
use crate::reply::{Protocol, Reply};
use crate::rng::Rng;

/// The channel a RESP2 redirection target gets invalidations on.
pub const CHANNEL: &[u8] = b"__redis__:invalidate";

/// The modes `CLIENT TRACKING ON` can ask for (Redis's `CLIENT_TRACKING_*` flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// `BCAST`: prefixes instead of remembered reads.
    pub bcast: bool,
    /// `OPTIN`: only reads after `CLIENT CACHING yes` are remembered.
    pub optin: bool,
    /// `OPTOUT`: reads after `CLIENT CACHING no` are not remembered.
    pub optout: bool,
    /// `NOLOOP`: no message about the client's own changes.
    pub noloop: bool,
}

/// What `CLIENT TRACKING ON` turns on, once checked.
#[derive(Debug, Clone)]
pub struct Enable<'a> {
    /// The modes.
    pub options: Options,
    /// The redirection target's id (0: none).
    pub redirect: u64,
    /// Its mailbox, when there is one.
    pub target: Option<Arc<Mailbox>>,
    /// Broadcast prefixes (none: `""`).
    pub prefixes: &'a [Bytes],
    /// The client's protocol now.
    pub protocol: Protocol,
}

/// One tracking client's state.
#[derive(Debug)]
pub struct Tracker {
    options: Options,
    /// `CLIENT CACHING yes|no` was given for the next command.
    caching: bool,
    /// A message found the redirection target gone (flag `R`).
    broken: bool,
    /// The redirection target's id (0: none).
    redirect: u64,
    /// Broadcast prefixes, in byte order.
    prefixes: BTreeSet<Bytes>,
    /// The client's protocol: whether it can take pushes, and how a flush's null is
    /// written.
    protocol: Protocol,
    /// The client's own mailbox.
    mailbox: Arc<Mailbox>,
    /// The redirection target's mailbox; `None` once the target has gone.
    target: Option<Arc<Mailbox>>,
}

impl Tracker {
    /// The modes it asked for.
    pub fn options(&self) -> Options {
        self.options
    }

    /// The redirection target's id (0: none), as CLIENT GETREDIR answers it.
    pub fn redirect(&self) -> u64 {
        self.redirect
    }

    /// The prefixes of broadcast mode, in byte order.
    pub fn prefixes(&self) -> impl Iterator<Item = &Bytes> {
        self.prefixes.iter()
    }

    /// The modes, as CLIENT TRACKINGINFO lists them after `on`.
    pub fn flag_names(&self) -> Vec<&'static str> {
        let options = self.options;
        let mut names = vec!["on"];
        for (set, name) in [
            (options.bcast, "bcast"),
            (options.optin, "optin"),
            (options.optin && self.caching, "caching-yes"),
            (options.optout, "optout"),
            (options.optout && self.caching, "caching-no"),
            (options.noloop, "noloop"),
            (self.broken, "broken_redirect"),
        ] {
            if set {
                names.push(name);
            }
        }
        names
    }

    /// What CLIENT LIST shows of it.
    pub fn summary(&self) -> Summary {
        Summary {
            on: true,
            broken: self.broken,
            bcast: self.options.bcast,
            redirect: self.redirect,
        }
    }

    /// Whether a read-only command now remembers its keys for this client: never in
    /// broadcast mode; with OPTIN only after CLIENT CACHING yes, with OPTOUT unless
    /// after CLIENT CACHING no.
    fn remembers(&self) -> bool {
        let options = self.options;
        let opted_out = match self.caching {
            true => options.optout,
            false => options.optin,
        };
        !options.bcast && !opted_out
    }
}

/// A client's tracking as CLIENT LIST shows it: flags `t`, `R`, `B` and `redir=`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Tracking is on (`t`).
    pub on: bool,
    /// The redirection is broken (`R`).
    pub broken: bool,
    /// Broadcast mode (`B`).
    pub bcast: bool,
    /// The redirection target (0: none).
    pub redirect: u64,
}

/// A message about invalidated keys (Redis's `sendTrackingMessage`), written for the
/// receiver's protocol when it is delivered.
#[derive(Debug, Clone)]
pub struct Invalidation {
    /// The keys; `None` for every key (a flush).
    keys: Option<Arc<[Bytes]>>,
    /// The tracking client's protocol: a flush's null is written in it, even to a
    /// redirection target that speaks the other (as Redis does).
    source: Protocol,
    /// Sent to a redirection target in pub/sub mode: a RESP2 receiver gets it as a
    /// message on [`CHANNEL`]. A RESP2 receiver gets nothing otherwise.
    as_message: bool,
}

impl Invalidation {
    /// Appends the message's bytes for a receiver speaking `protocol` to `out`.
    pub fn encode(&self, protocol: Protocol, out: &mut BytesMut) {
        use kvdb_resp::write;
        match protocol {
            Protocol::Resp3 => {
                write::aggregate_header(out, b'>', 2);
                write::bulk(out, b"invalidate");
            }
            Protocol::Resp2 if self.as_message => {
                write::array_header(out, 3);
                write::bulk(out, b"message");
                write::bulk(out, CHANNEL);
            }
            Protocol::Resp2 => return,
        }
        match (&self.keys, self.source) {
            (Some(keys), _) => {
                write::array_header(out, keys.len());
                for key in keys.iter() {
                    write::bulk(out, key);
                }
            }
            (None, Protocol::Resp3) => write::null(out),
            (None, Protocol::Resp2) => write::null_bulk(out),
        }
    }

    /// The message as a reply (for in-process readers of a mailbox).
    pub fn to_reply(&self) -> Reply {
        let keys = match &self.keys {
            Some(keys) => Reply::bulks(keys.iter().cloned()),
            None => Reply::Nil,
        };
        if self.as_message {
            Reply::Push(vec![Reply::bulk("message"), Reply::bulk(CHANNEL), keys])
        } else {
            Reply::Push(vec![Reply::bulk("invalidate"), keys])
        }
    }

    /// About how many bytes it queues (for the output buffer limit).
    fn size(&self) -> u64 {
        let keys = self.keys.as_deref().unwrap_or_default();
        (48 + keys.iter().map(|key| key.len() + 16).sum::<usize>()) as u64
    }
}

/// The keys changed under one broadcast prefix since the last broadcast, and the
/// clients registered for it.
#[derive(Debug, Default)]
struct Prefix {
    /// Changed keys, each with the client that changed it last (0: none, e.g. expiry).
    keys: BTreeMap<Bytes, u64>,
    clients: BTreeSet<u64>,
}

/// Where messages go: the subscriptions (is a target in pub/sub mode?), their output
/// limit, and the time for it.
#[derive(Debug, Clone, Copy)]
pub struct Outbox<'a> {
    /// The engine's subscriptions.
    pub pubsub: &'a PubSub,
    /// Now, in Unix ms.
    pub now_ms: u64,
}

/// Every client's tracking state and the table of remembered keys.
#[derive(Debug)]
pub struct Tracking {
    clients: BTreeMap<u64, Tracker>,
    /// Remembered keys, each with the ids (ascending) of the clients that read it.
    table: Dict<Vec<u64>>,
    /// Ids in the table, all keys together (`tracking_total_items`).
    items: usize,
    prefixes: BTreeMap<Bytes, Prefix>,
    /// The client whose command is running (0: none): messages to it wait in
    /// `pending` until the command has replied. Named by the session only while some
    /// client tracks, and by CLIENT TRACKING for a client that starts to.
    current: u64,
    /// Messages that wait for the current command to reply: the client, and the key
    /// (`None` for a flush).
    pending: Vec<(u64, Option<Bytes>)>,
    /// The caller of the running script and the keys the script declared, while the
    /// caller uses default tracking.
    script_keys: Option<(u64, Vec<Bytes>)>,
    /// `tracking-table-max-keys` (0: no limit).
    pub max_keys: usize,
    /// Rounds in a row the limit could not be reached (each round tries harder).
    over_limit_rounds: usize,
    rng: Rng,
}

impl Default for Tracking {
    fn default() -> Self {
        Tracking::new(0)
    }
}

impl Clone for Tracking {
    /// A copy of a keyspace has no clients, so nothing tracked.
    fn clone(&self) -> Self {
        Tracking {
            max_keys: self.max_keys,
            ..Tracking::new(self.rng.clone().next_u64())
        }
    }
}

/// Keys a round of `tracking-table-max-keys` enforcement evicts at most, times the
/// number of rounds in a row that have not reached the limit.
const EVICTION_EFFORT: usize = 100;

impl Tracking {
    /// No client tracks anything; randomness from `seed`.
    pub fn new(seed: u64) -> Self {
        Tracking {
            clients: BTreeMap::new(),
            table: Dict::with_seed(seed),
            items: 0,
            prefixes: BTreeMap::new(),
            current: 0,
            pending: Vec::new(),
            script_keys: None,
            max_keys: 1_000_000,
            over_limit_rounds: 0,
            rng: Rng::new(seed ^ 0x7ac4_1e55),
        }
    }

    /// True when a change to a key concerns nobody: no key is remembered and no
    /// prefix registered (checked on every write).
    #[inline]
    pub fn is_idle(&self) -> bool {
        self.table.is_empty() && self.prefixes.is_empty()
    }

    /// True when some client has tracking on.
    #[inline]
    pub fn has_clients(&self) -> bool {
        !self.clients.is_empty()
    }

    /// Client `id`'s tracking state, if it has tracking on.
    pub fn client(&self, id: u64) -> Option<&Tracker> {
        self.clients.get(&id)
    }

    /// What CLIENT LIST shows of client `id`.
    pub fn summary(&self, id: u64) -> Summary {
        self.clients
            .get(&id)
            .map(Tracker::summary)
            .unwrap_or_default()
    }

    /// `INFO`'s figures: tracking clients, remembered keys, ids under them, prefixes.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        (
            self.clients.len(),
            self.table.len(),
            self.items,
            self.prefixes.len(),
        )
    }

    /// Turns tracking on for client `id` as `request` says (or changes its modes; a
    /// broadcast client's prefixes add to those it has), once CLIENT TRACKING's checks
    /// passed; `mailbox` is the client's.
    pub fn enable(&mut self, id: u64, request: Enable<'_>, mailbox: Arc<Mailbox>) {
        let tracker = self.clients.entry(id).or_insert_with(|| Tracker {
            options: Options::default(),
            caching: false,
            broken: false,
            redirect: 0,
            prefixes: BTreeSet::new(),
            protocol: request.protocol,
            mailbox: mailbox.clone(),
            target: None,
        });
        tracker.options = request.options;
        tracker.broken = false;
        tracker.redirect = request.redirect;
        tracker.protocol = request.protocol;
        tracker.mailbox = mailbox;
        tracker.target = request.target;
        if !request.options.bcast {
            return;
        }
        let empty = [Bytes::new()];
        let prefixes = match request.prefixes {
            [] => &empty[..],
            given => given,
        };
        for prefix in prefixes {
            let registered = self.prefixes.entry(prefix.clone()).or_default();
            if registered.clients.insert(id) {
                tracker.prefixes.insert(prefix.clone());
            }
        }
    }

    /// Turns tracking off for client `id` (CLIENT TRACKING OFF, RESET). The keys it
    /// read stay in the table until they change.
    pub fn disable(&mut self, id: u64) {
        let Some(tracker) = self.clients.remove(&id) else {
            return;
        };
        if self.clients.is_empty() {
            // Nobody tracks: the session stops naming the current client, so none is.
            self.current = 0;
        }
        for prefix in &tracker.prefixes {
            if let Some(registered) = self.prefixes.get_mut(prefix) {
                registered.clients.remove(&id);
                if registered.clients.is_empty() {
                    self.prefixes.remove(prefix);
                }
            }
        }
    }

    /// Client `id` disconnected: its tracking ends, and clients redirecting to it
    /// find their redirection broken at their next message.
    pub fn client_gone(&mut self, id: u64) {
        self.disable(id);
        for tracker in self.clients.values_mut() {
            if tracker.redirect == id {
                tracker.target = None;
            }
        }
    }

    /// Client `id` switched to `protocol` (HELLO).
    pub fn set_protocol(&mut self, id: u64, protocol: Protocol) {
        if let Some(tracker) = self.clients.get_mut(&id) {
            tracker.protocol = protocol;
        }
    }

    /// CLIENT CACHING `answer` for client `id`: `yes` is only valid in OPTIN mode, `no`
    /// in OPTOUT mode (Redis checks that tracking is on before reading the answer).
    pub fn caching(&mut self, id: u64, answer: &[u8]) -> Result<(), CommandError> {
        let Some(tracker) = self.clients.get_mut(&id) else {
            return Err(CommandError::err(
                "CLIENT CACHING can be called only when the client is in tracking mode with \
                 OPTIN or OPTOUT mode enabled",
            ));
        };
        let (allowed, refusal) = match switch(answer, "YES", "NO")? {
            true => (
                tracker.options.optin,
                "CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
            ),
            false => (
                tracker.options.optout,
                "CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
            ),
        };
        if !allowed {
            return Err(CommandError::err(refusal));
        }
        tracker.caching = true;
        Ok(())
    }

    /// Client `id`'s command is done: `CLIENT CACHING` lasts for the next command, or
    /// the whole transaction, so it ends unless `keep` (the client is in MULTI, or the
    /// command was a CLIENT subcommand).
    pub fn command_done(&mut self, id: u64, keep: bool) {
        if keep {
            return;
        }
        if let Some(tracker) = self.clients.get_mut(&id) {
            tracker.caching = false;
        }
    }

    /// True when a read by client `id` now remembers keys.
    pub fn remembers(&self, id: u64) -> bool {
        self.clients.get(&id).is_some_and(Tracker::remembers)
    }

    /// A read-only command of client `id` read `keys`: remember them for it (unless
    /// its mode says otherwise).
    pub fn remember<'k>(&mut self, id: u64, keys: impl IntoIterator<Item = &'k [u8]>) {
        if !self.remembers(id) {
            return;
        }
        for key in keys {
            let ids = match self.table.entry(key) {
                crate::dict::Entry::Occupied(element) => element.value,
                crate::dict::Entry::Vacant(place) => {
                    place.insert(vec![id], 0);
                    self.items += 1;
                    continue;
                }
            };
            if let Err(at) = ids.binary_search(&id) {
                ids.insert(at, id);
                self.items += 1;
            }
        }
    }

    /// A script starts for client `id` (its caller), declaring `keys`: while it runs,
    /// each read-only command it calls remembers them all for the caller.
    pub fn begin_script(&mut self, id: u64, keys: impl FnOnce() -> Vec<Bytes>) {
        self.script_keys = self
            .clients
            .get(&id)
            .filter(|tracker| !tracker.options.bcast)
            .map(|_| (id, keys()));
    }

    /// The running script called a read-only command: its declared keys are
    /// remembered for the client running it.
    pub fn script_read(&mut self) {
        if let Some((id, keys)) = self.script_keys.take() {
            self.remember(id, keys.iter().map(|key| key.as_ref()));
            self.script_keys = Some((id, keys));
        }
    }

    /// The script is done.
    pub fn end_script(&mut self) {
        self.script_keys = None;
    }

    /// Client `id`'s command is running (0: none, between commands); answers the
    /// previous one, to put back after serving a blocked client.
    #[inline]
    pub fn set_current(&mut self, id: u64) -> u64 {
        std::mem::replace(&mut self.current, id)
    }

    /// True when messages wait for the current command's reply.
    #[inline]
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// True when a command's end has something to do: some client tracks, or
    /// messages wait (checked after every command).
    #[inline]
    pub fn is_active(&self) -> bool {
        !self.clients.is_empty() || !self.pending.is_empty()
    }

    /// The current command has replied: the messages about keys it changed that its
    /// own client read go out now (Redis's `trackingHandlePendingKeyInvalidations`).
    pub fn flush_pending(&mut self, out: Outbox<'_>) {
        for (id, key) in std::mem::take(&mut self.pending) {
            let keys = key.map(|key| Arc::from(vec![key]));
            self.send(id, keys, out);
        }
    }

    /// True when some client is in broadcast mode.
    #[inline]
    pub fn broadcasts(&self) -> bool {
        !self.prefixes.is_empty()
    }

    /// `key` changed; `by` is the client that changed it (0: none, as for expiry or a
    /// script). Broadcast prefixes collect it; clients that read it get a message (the
    /// current client's waits for its reply), and the key is forgotten.
    pub fn invalidate_key(&mut self, key: &[u8], by: u64, out: Outbox<'_>) {
        if !self.prefixes.is_empty() {
            for (prefix, registered) in &mut self.prefixes {
                if key.starts_with(prefix) {
                    registered.keys.insert(Bytes::copy_from_slice(key), by);
                }
            }
        }
        self.invalidate_readers(key, true, out);
    }

    /// Sends the readers of `key` their message and forgets the key; `defer_current`
    /// holds the current client's until its command has replied.
    fn invalidate_readers(&mut self, key: &[u8], defer_current: bool, out: Outbox<'_>) {
        let Some(ids) = self.table.remove(key) else {
            return;
        };
        self.items -= ids.len();
        let mut shared: Option<Arc<[Bytes]>> = None;
        for id in ids {
            let Some(tracker) = self.clients.get(&id) else {
                continue;
            };
            // A client that switched to broadcast mode since its read gets nothing.
            if tracker.options.bcast || (tracker.options.noloop && id == self.current) {
                continue;
            }
            if id == self.current && defer_current {
                self.pending.push((id, Some(Bytes::copy_from_slice(key))));
                continue;
            }
            let keys = shared.get_or_insert_with(|| Arc::from(vec![Bytes::copy_from_slice(key)]));
            let keys = Some(keys.clone());
            self.send(id, keys, out);
        }
    }

    /// FLUSHDB or FLUSHALL: every tracking client (broadcast ones too) gets a message
    /// with a null, the current client's after its reply, and the table is emptied.
    pub fn invalidate_all(&mut self, out: Outbox<'_>) {
        let ids: Vec<u64> = self.clients.keys().copied().collect();
        for id in ids {
            if id == self.current {
                self.pending.push((id, None));
            } else {
                self.send(id, None, out);
            }
        }
        self.table.clear();
        self.items = 0;
    }

    /// Sends each broadcast client the keys changed under its prefixes since the last
    /// time (Redis does it before the event loop sleeps; kvdb after each batch).
    pub fn broadcast(&mut self, out: Outbox<'_>) {
        if self.prefixes.is_empty() {
            return;
        }
        let mut messages = Vec::new();
        for registered in self.prefixes.values_mut() {
            let changed = std::mem::take(&mut registered.keys);
            if changed.is_empty() {
                continue;
            }
            let all: Arc<[Bytes]> = changed.keys().cloned().collect();
            for &id in &registered.clients {
                let noloop = self.clients.get(&id).is_some_and(|t| t.options.noloop);
                if !noloop {
                    messages.push((id, all.clone()));
                    continue;
                }
                let others: Arc<[Bytes]> = changed
                    .iter()
                    .filter(|(_, by)| **by != id)
                    .map(|(key, _)| key.clone())
                    .collect();
                if !others.is_empty() {
                    messages.push((id, others));
                }
            }
        }
        for (id, keys) in messages {
            self.send(id, Some(keys), out);
        }
    }

    /// Keeps the table within `tracking-table-max-keys`: random keys are invalidated
    /// (their messages go out at once, broadcast aside) until it is, trying harder each
    /// time in a row it could not get there (Redis's `trackingLimitUsedSlots`).
    pub fn limit_keys(&mut self, out: Outbox<'_>) {
        if !self.has_clients() {
            return;
        }
        if self.max_keys == 0 || self.table.len() <= self.max_keys {
            self.over_limit_rounds = 0;
            return;
        }
        let effort = EVICTION_EFFORT * (self.over_limit_rounds + 1);
        for _ in 0..effort {
            let rng = &mut self.rng;
            let Some((key, _)) = self.table.random_entry(|| rng.next_u64()) else {
                break;
            };
            let key = key.to_vec();
            self.invalidate_readers(&key, false, out);
            if self.table.len() <= self.max_keys {
                self.over_limit_rounds = 0;
                return;
            }
        }
        self.over_limit_rounds += 1;
    }

    /// Sends client `id` a message about `keys` (`None`: every key), to its
    /// redirection target if it has one.
    fn send(&mut self, id: u64, keys: Option<Arc<[Bytes]>>, out: Outbox<'_>) {
        let Some(tracker) = self.clients.get_mut(&id) else {
            return;
        };
        let limit = out.pubsub.limit;
        let mut message = Invalidation {
            keys,
            source: tracker.protocol,
            as_message: false,
        };
        if tracker.redirect == 0 {
            // RESP2 has no pushes on the client's own connection.
            if tracker.protocol == Protocol::Resp3 {
                let size = message.size();
                tracker
                    .mailbox
                    .post(Mail::Invalidation(message), size, limit, out.now_ms);
            }
            return;
        }
        let Some(target) = &tracker.target else {
            tracker.broken = true;
            if tracker.protocol == Protocol::Resp3 {
                let push = Reply::Push(vec![
                    Reply::bulk("tracking-redir-broken"),
                    Reply::Int(tracker.redirect as i64),
                ]);
                tracker.mailbox.post(push, 48, limit, out.now_ms);
            }
            return;
        };
        let (channels, shard) = out.pubsub.counts(tracker.redirect);
        message.as_message = channels + shard > 0;
        let size = message.size();
        target.post(Mail::Invalidation(message), size, limit, out.now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(mail: &Mail, protocol: Protocol) -> Vec<u8> {
        let mut out = BytesMut::new();
        mail.encode(protocol, &mut out);
        out.to_vec()
    }

    /// Where the tests' messages go: no client is subscribed to anything.
    fn out() -> Outbox<'static> {
        static PUBSUB: std::sync::LazyLock<PubSub> = std::sync::LazyLock::new(PubSub::default);
        Outbox {
            pubsub: &PUBSUB,
            now_ms: 0,
        }
    }

    /// A tracking table with client 1 (RESP3) tracking with `options` and `prefixes`.
    fn tracking_with(options: Options, prefixes: &[&str]) -> (Tracking, Arc<Mailbox>) {
        let mut tracking = Tracking::new(1);
        let mailbox = Arc::new(Mailbox::default());
        let prefixes: Vec<Bytes> = prefixes
            .iter()
            .map(|p| Bytes::copy_from_slice(p.as_bytes()))
            .collect();
        let request = Enable {
            options,
            redirect: 0,
            target: None,
            prefixes: &prefixes,
            protocol: Protocol::Resp3,
        };
        tracking.enable(1, request, mailbox.clone());
        (tracking, mailbox)
    }

    const DEFAULT: Options = Options {
        bcast: false,
        optin: false,
        optout: false,
        noloop: false,
    };

    fn drained(mailbox: &Mailbox) -> Vec<String> {
        mailbox
            .drain()
            .iter()
            .map(|mail| String::from_utf8_lossy(&encoded(mail, Protocol::Resp3)).into_owned())
            .collect()
    }

    #[test]
    fn a_change_to_a_read_key_is_sent_once() {
        let (mut tracking, mailbox) = tracking_with(DEFAULT, &[]);
        let out = out();
        tracking.remember(1, [&b"k"[..], b"k", b"j"]);
        assert_eq!(tracking.counts(), (1, 2, 2, 0));
        tracking.invalidate_key(b"k", 2, out);
        tracking.invalidate_key(b"k", 2, out);
        assert_eq!(
            drained(&mailbox),
            [">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"]
        );
        assert_eq!(tracking.counts(), (1, 1, 1, 0));
    }

    #[test]
    fn the_current_clients_own_change_waits_for_its_reply() {
        let (mut tracking, mailbox) = tracking_with(DEFAULT, &[]);
        let out = out();
        tracking.remember(1, [&b"k"[..]]);
        tracking.set_current(1);
        tracking.invalidate_key(b"k", 1, out);
        assert!(drained(&mailbox).is_empty());
        tracking.flush_pending(out);
        assert_eq!(drained(&mailbox).len(), 1);
    }

    #[test]
    fn noloop_skips_the_clients_own_changes() {
        let (mut tracking, mailbox) = tracking_with(
            Options {
                noloop: true,
                ..DEFAULT
            },
            &[],
        );
        let out = out();
        tracking.remember(1, [&b"k"[..]]);
        tracking.set_current(1);
        tracking.invalidate_key(b"k", 1, out);
        tracking.flush_pending(out);
        assert!(drained(&mailbox).is_empty());
        assert_eq!(tracking.counts().1, 0, "forgotten all the same");
    }

    #[test]
    fn optin_remembers_only_after_caching_yes() {
        let (mut tracking, _) = tracking_with(
            Options {
                optin: true,
                ..DEFAULT
            },
            &[],
        );
        tracking.remember(1, [&b"a"[..]]);
        tracking.caching(1, b"yes").expect("optin");
        tracking.remember(1, [&b"b"[..]]);
        tracking.command_done(1, false);
        tracking.remember(1, [&b"c"[..]]);
        assert_eq!(tracking.counts().1, 1);
        assert!(tracking.caching(1, b"no").is_err());
    }

    #[test]
    fn broadcast_sends_sorted_keys_per_prefix_without_noloop_ones() {
        let (mut tracking, mailbox) = tracking_with(
            Options {
                bcast: true,
                noloop: true,
                ..DEFAULT
            },
            &["a", "b"],
        );
        let out = out();
        tracking.invalidate_key(b"b2", 2, out);
        tracking.invalidate_key(b"a2", 2, out);
        tracking.invalidate_key(b"a1", 2, out);
        tracking.invalidate_key(b"a1", 2, out);
        tracking.invalidate_key(b"b1", 1, out);
        tracking.invalidate_key(b"c", 2, out);
        tracking.broadcast(out);
        assert_eq!(
            drained(&mailbox),
            [
                ">2\r\n$10\r\ninvalidate\r\n*2\r\n$2\r\na1\r\n$2\r\na2\r\n",
                ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nb2\r\n",
            ]
        );
        tracking.broadcast(out);
        assert!(drained(&mailbox).is_empty());
    }

    #[test]
    fn a_flush_sends_a_null_in_the_tracking_clients_protocol() {
        let mail = Mail::Invalidation(Invalidation {
            keys: None,
            source: Protocol::Resp2,
            as_message: true,
        });
        assert_eq!(
            encoded(&mail, Protocol::Resp3),
            b">2\r\n$10\r\ninvalidate\r\n$-1\r\n"
        );
        assert_eq!(
            encoded(&mail, Protocol::Resp2),
            b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n"
        );
        let unsubscribed = Mail::Invalidation(Invalidation {
            keys: None,
            source: Protocol::Resp3,
            as_message: false,
        });
        assert!(encoded(&unsubscribed, Protocol::Resp2).is_empty());
    }

    #[test]
    fn a_gone_redirection_target_breaks_the_redirection() {
        let mut tracking = Tracking::new(1);
        let out = out();
        let mailbox = Arc::new(Mailbox::default());
        let target = Arc::new(Mailbox::default());
        let request = Enable {
            options: DEFAULT,
            redirect: 7,
            target: Some(target),
            prefixes: &[],
            protocol: Protocol::Resp3,
        };
        tracking.enable(1, request, mailbox.clone());
        tracking.remember(1, [&b"k"[..]]);
        tracking.client_gone(7);
        tracking.invalidate_key(b"k", 2, out);
        assert_eq!(
            drained(&mailbox),
            [">2\r\n$21\r\ntracking-redir-broken\r\n:7\r\n"]
        );
        assert_eq!(
            tracking.client(1).map(Tracker::flag_names),
            Some(vec!["on", "broken_redirect"])
        );
    }

    #[test]
    fn the_key_limit_evicts_until_it_holds() {
        let (mut tracking, mailbox) = tracking_with(DEFAULT, &[]);
        let out = out();
        let keys: Vec<String> = (0..250).map(|n| format!("k{n}")).collect();
        tracking.remember(1, keys.iter().map(|k| k.as_bytes()));
        tracking.max_keys = 1;
        tracking.limit_keys(out);
        assert_eq!(tracking.counts().1, 150, "100 keys in the first round");
        tracking.limit_keys(out);
        assert_eq!(tracking.counts().1, 1, "the second round tries harder");
        assert_eq!(drained(&mailbox).len(), 249);
    }
}
