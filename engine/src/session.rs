//! One client's view of the engine, and the dispatch path every command takes.
//!
//! [`Session::execute_batch`] is what a connection calls with the requests it has
//! decoded: it locks the store once, and for each request looks the command up, checks
//! arity, authentication and flags, snapshots the clock, runs the handler and encodes
//! the reply straight into the output buffer. In-process callers use
//! [`Session::execute`], which returns the [`Reply`] as a value.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use bytes::{Bytes, BytesMut};

use crate::args::Args;
use crate::blocking::{BlockSlot, BlockedCall, Restore, SlotFilled, Waiter};
use crate::clock::{Clock, Reading};
use crate::command::{self, flags, CommandId, CommandSpec, Ctx};
use crate::command_log::{LoggedCommand, Origin};
use crate::engine::{Engine, ExecStats, Shared, Store};
use crate::error::{CommandError, DROPPED_BY_FAULT};
use crate::fault::FaultAction;
use crate::keyspace::Keyspace;
use crate::pause::{Admission, PauseChanged};
use crate::pubsub::Mailbox;
use crate::replication::Replication;
use crate::reply::{encode_error, Protocol, Reply};

/// What the server needs to know about a connection for `CLIENT LIST`, beyond the
/// session's own state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// Client id.
    pub id: u64,
    /// Peer address (`ip:port` or a unix socket path), empty in-process.
    pub addr: String,
    /// Local address the client connected to.
    pub laddr: String,
    /// `CLIENT SETNAME` name.
    pub name: Vec<u8>,
    /// Selected database.
    pub db: usize,
    /// Protocol version (2 or 3).
    pub resp: u8,
    /// Creation time, engine clock ms.
    pub created_ms: u64,
    /// Last command time, engine clock ms.
    pub last_interaction_ms: u64,
    /// Full name of the last command.
    pub last_command: &'static str,
    /// `CLIENT SETINFO lib-name`.
    pub lib_name: Vec<u8>,
    /// `CLIENT SETINFO lib-ver`.
    pub lib_ver: Vec<u8>,
    /// True for unix-socket connections (flag `U`).
    pub unix_socket: bool,
    /// Channel, pattern and shard-channel subscriptions (`sub=`, `psub=`, `ssub=`;
    /// flag `P` when any).
    pub subscriptions: (usize, usize, usize),
    /// Commands queued since MULTI (`multi=`, flag `x`), if in a transaction.
    pub queued: Option<usize>,
    /// Blocked on keys or WAIT (flag `b`).
    pub blocked: bool,
    /// CLIENT NO-EVICT on (flag `e`).
    pub no_evict: bool,
    /// Client-side caching (flags `t`, `R`, `B`; `redir=`), filled in from the
    /// keyspace when listed: another client's change can break a redirection.
    pub tracking: crate::tracking::Summary,
    /// The capacities of its connection's read and write buffers (0 in-process).
    pub buffers: (usize, usize),
    /// The most a batch's replies filled of its write buffer lately (`rbp`).
    pub reply_peak: usize,
    /// A replica attached by SYNC or PSYNC (flag `S`).
    pub replica: bool,
    /// This replica's link to its master (flag `M`): its commands obey no
    /// read-only or stale rule and get no replies.
    pub master: bool,
    /// In MONITOR mode (flag `O`).
    pub monitor: bool,
    /// The user it is authenticated as (`user=`); empty until the session starts,
    /// shown as `default`.
    pub user: Bytes,
}

/// The class of a client, as `CLIENT LIST TYPE`, `CLIENT KILL TYPE` and
/// `client-output-buffer-limit` name them (Redis's `getClientType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// Any other client (a MONITOR client too).
    Normal,
    /// A replica attached by SYNC or PSYNC.
    Replica,
    /// A client with a pub/sub subscription.
    Pubsub,
    /// A replica's link to its master.
    Master,
}

impl ClientKind {
    /// The class a `TYPE` argument names (`normal`, `replica` or `slave`, `pubsub`,
    /// `master`), any case.
    pub fn from_name(name: &[u8]) -> Option<ClientKind> {
        let is = |word: &str| name.eq_ignore_ascii_case(word.as_bytes());
        if is("normal") {
            Some(ClientKind::Normal)
        } else if is("replica") || is("slave") {
            Some(ClientKind::Replica)
        } else if is("pubsub") {
            Some(ClientKind::Pubsub)
        } else if is("master") {
            Some(ClientKind::Master)
        } else {
            None
        }
    }
}

impl ClientInfo {
    /// The user the client is authenticated as (`default` before the session set it).
    pub fn user_name(&self) -> &[u8] {
        match self.user.is_empty() {
            true => b"default",
            false => &self.user,
        }
    }

    /// The client's class.
    pub fn kind(&self) -> ClientKind {
        let (channels, patterns, shard) = self.subscriptions;
        if self.replica {
            ClientKind::Replica
        } else if self.master {
            ClientKind::Master
        } else if channels + patterns + shard > 0 {
            ClientKind::Pubsub
        } else {
            ClientKind::Normal
        }
    }

    /// The `flags=` letters of CLIENT LIST, in Redis's order (`N` for none).
    pub fn flags(&self) -> String {
        let (channels, patterns, shard) = self.subscriptions;
        let mut flags = String::new();
        for (on, letter) in [
            (self.monitor, 'O'),
            (self.replica, 'S'),
            (self.master, 'M'),
            (channels + patterns + shard > 0, 'P'),
            (self.queued.is_some(), 'x'),
            (self.blocked, 'b'),
            (self.tracking.on, 't'),
            (self.tracking.broken, 'R'),
            (self.tracking.bcast, 'B'),
            (self.unix_socket, 'U'),
            (self.no_evict, 'e'),
        ] {
            if on {
                flags.push(letter);
            }
        }
        if flags.is_empty() {
            flags.push('N');
        }
        flags
    }
}

/// A connected client in the engine's registry: what CLIENT LIST shows of it, and the
/// switch CLIENT KILL flips to close it.
#[derive(Debug, Default)]
pub struct Registered {
    /// Its published state, but for the two fields below.
    info: Mutex<ClientInfo>,
    /// What changes with every command is published without the lock: the last
    /// command's id + 1 (0 before the first) ...
    last_command: AtomicU32,
    /// ... and when it ran (engine clock ms); the connection's buffer capacities.
    last_interaction_ms: AtomicU64,
    input_capacity: std::sync::atomic::AtomicUsize,
    output_capacity: std::sync::atomic::AtomicUsize,
    killed: std::sync::atomic::AtomicBool,
    waker: Mutex<Option<std::task::Waker>>,
    /// A mailbox another client gave this one (it made it its tracking redirection
    /// target), not adopted by the session yet.
    offered: Mutex<Option<Arc<Mailbox>>>,
    has_offer: std::sync::atomic::AtomicBool,
    offer_waker: Mutex<Option<std::task::Waker>>,
    /// The most the connection's query buffer held since the clients cron last
    /// looked (Redis's `querybuf_peak`).
    query_peak: std::sync::atomic::AtomicUsize,
    /// The most a batch's replies filled of the reply buffer since the peak last
    /// started over (Redis's `buf_peak`, CLIENT LIST's `rbp`), and when that was.
    reply_peak: std::sync::atomic::AtomicUsize,
    reply_peak_since_ms: AtomicU64,
    /// The sizes the clients cron asked the query buffer (`usize::MAX`: as it is)
    /// and the reply buffer (0: as it is) to take, and the switch that wakes the
    /// connection to do it.
    query_room: std::sync::atomic::AtomicUsize,
    reply_room: std::sync::atomic::AtomicUsize,
    resize: std::sync::atomic::AtomicBool,
    resize_waker: Mutex<Option<std::task::Waker>>,
}

/// New sizes for a connection's buffers, from the clients cron.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferResize {
    /// The room the query buffer shrinks to (never below what it holds).
    pub query: Option<usize>,
    /// The reply buffer's new size.
    pub reply: Option<usize>,
}

impl Registered {
    /// A registry entry showing `info`.
    fn new(info: ClientInfo) -> Self {
        Registered {
            last_interaction_ms: AtomicU64::new(info.last_interaction_ms),
            reply_peak_since_ms: AtomicU64::new(info.created_ms),
            info: Mutex::new(info),
            ..Registered::default()
        }
    }

    /// The client as CLIENT LIST shows it.
    pub fn info(&self) -> ClientInfo {
        let mut info = self.info.lock().clone();
        if let Some(id) = self.last_command.load(Ordering::Relaxed).checked_sub(1) {
            info.last_command = command::table().by_id(id as CommandId).name;
        }
        info.last_interaction_ms = self.last_interaction_ms.load(Ordering::Relaxed);
        info.buffers = (
            self.input_capacity.load(Ordering::Relaxed),
            self.output_capacity.load(Ordering::Relaxed),
        );
        info.reply_peak = self.reply_peak();
        info
    }

    /// Gives the client `mailbox` (its own, from the pub/sub registry) when its
    /// session has none yet, and wakes its connection to watch it.
    pub fn offer_mailbox(&self, mailbox: Arc<Mailbox>) {
        *self.offered.lock() = Some(mailbox);
        self.has_offer.store(true, Ordering::SeqCst);
        if let Some(waker) = self.offer_waker.lock().as_ref() {
            waker.wake_by_ref();
        }
    }

    /// The offered mailbox, if any (taken).
    fn take_offer(&self) -> Option<Arc<Mailbox>> {
        if !self.has_offer.load(Ordering::Relaxed) {
            return None;
        }
        self.has_offer.store(false, Ordering::SeqCst);
        self.offered.lock().take()
    }

    /// Publishes the user the client authenticated as at once, so that changes of
    /// that user (ACL SETUSER, DELUSER) find the client before its batch ends.
    pub fn set_user(&self, name: &Bytes) {
        self.info.lock().user.clone_from(name);
    }

    /// Marks the client for closing and wakes its connection.
    pub fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
        if let Some(waker) = self.waker.lock().as_ref() {
            waker.wake_by_ref();
        }
    }

    /// True once CLIENT KILL chose this client.
    pub fn is_killed(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }

    /// The clients cron's look at the connection's buffers, asking it to resize them
    /// when that is due.
    pub fn resize_buffers(&self, now_ms: u64, shared: &crate::engine::Shared) {
        let query = self.query_target(now_ms);
        let reply = self.reply_target(now_ms, shared);
        if query.is_none() && reply.is_none() {
            return;
        }
        self.query_room
            .store(query.unwrap_or(usize::MAX), Ordering::Relaxed);
        self.reply_room.store(reply.unwrap_or(0), Ordering::Relaxed);
        self.resize.store(true, Ordering::SeqCst);
        if let Some(waker) = self.resize_waker.lock().as_ref() {
            waker.wake_by_ref();
        }
    }

    /// Redis's `clientsCronResizeQueryBuffer`: a client idle for more than two
    /// seconds gives back all of an empty buffer, and one whose buffer is over 32 KiB
    /// and more than twice the most it held since the last look shrinks to that; a
    /// buffer with no more than 4 KiB to give back is left alone. The peak starts
    /// over.
    fn query_target(&self, now_ms: u64) -> Option<usize> {
        let capacity = self.input_capacity.load(Ordering::Relaxed);
        let peak = self.query_peak.swap(0, Ordering::Relaxed);
        let idle_secs =
            (now_ms / 1000).saturating_sub(self.last_interaction_ms.load(Ordering::Relaxed) / 1000);
        let target = if idle_secs > 2 {
            0
        } else if capacity > QUERY_RESIZE_THRESHOLD && capacity / 2 > peak {
            peak
        } else {
            return None;
        };
        (capacity.saturating_sub(target) > QUERY_TRIM_MIN).then_some(target)
    }

    /// Redis's `clientsCronResizeOutputBuffer`: a reply buffer whose peak stayed under
    /// half its size halves (to the peak, at least 1 KiB), a full one doubles (up to
    /// 16 KiB); the peak starts over every `DEBUG REPLYBUFFER peak-reset-time`.
    fn reply_target(&self, now_ms: u64, shared: &crate::engine::Shared) -> Option<usize> {
        let settings = &shared.reply_buffers;
        if !settings.resizing.load(Ordering::Relaxed) {
            return None;
        }
        let size = self.output_capacity.load(Ordering::Relaxed);
        if size == 0 {
            return None; // an in-process session: no connection, no buffer
        }
        let peak = self.reply_peak.load(Ordering::Relaxed);
        let counters = &shared.counters;
        let target = if size / 2 >= REPLY_MIN_BYTES && peak < size / 2 {
            counters
                .reply_buffer_shrinks
                .fetch_add(1, Ordering::Relaxed);
            Some(REPLY_MIN_BYTES.max(peak + 1))
        } else if size * 2 < REPLY_CHUNK_BYTES * 2 && peak == size {
            counters
                .reply_buffer_expands
                .fetch_add(1, Ordering::Relaxed);
            Some(REPLY_CHUNK_BYTES.min(size * 2))
        } else {
            None
        };
        let reset_ms = settings.peak_reset_ms.load(Ordering::Relaxed);
        let since = self.reply_peak_since_ms.load(Ordering::Relaxed);
        if reset_ms >= 0 && now_ms.saturating_sub(since) >= reset_ms as u64 {
            self.reply_peak.store(0, Ordering::Relaxed);
            self.reply_peak_since_ms.store(now_ms, Ordering::Relaxed);
        }
        target
    }

    /// The reply buffer's peak (CLIENT LIST's `rbp`).
    pub fn reply_peak(&self) -> usize {
        self.reply_peak.load(Ordering::Relaxed)
    }
}

/// Raises `peak` to `len` (only its connection raises it, so a load and a store do;
/// the clients cron lowers it).
fn raise_peak(peak: &std::sync::atomic::AtomicUsize, len: usize) {
    if len > peak.load(Ordering::Relaxed) {
        peak.store(len, Ordering::Relaxed);
    }
}

/// Redis's `PROTO_REPLY_MIN_BYTES` and `PROTO_REPLY_CHUNK_BYTES`: the smallest and the
/// usual size of a client's reply buffer.
const REPLY_MIN_BYTES: usize = 1024;
const REPLY_CHUNK_BYTES: usize = 16 * 1024;

/// Redis's `PROTO_RESIZE_THRESHOLD`: a busy client's query buffer is trimmed only
/// above this.
const QUERY_RESIZE_THRESHOLD: usize = 32 * 1024;
/// A query buffer is trimmed only when that gives back more than this.
const QUERY_TRIM_MIN: usize = 4 * 1024;

/// Ready once `flag` is set; until then the task's waker waits in `waker`
/// (registered first, so a flag set meanwhile is not missed). The waker stays
/// registered when it is woken, so a connection polling the same future on every wait
/// registers once: `registered` says it did.
fn poll_flag(
    flag: &std::sync::atomic::AtomicBool,
    waker: &Mutex<Option<std::task::Waker>>,
    registered: &mut bool,
    cx: &mut std::task::Context<'_>,
) -> std::task::Poll<()> {
    if !*registered {
        let mut slot = waker.lock();
        if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *slot = Some(cx.waker().clone());
        }
        *registered = true;
    }
    if flag.load(Ordering::SeqCst) {
        std::task::Poll::Ready(())
    } else {
        std::task::Poll::Pending
    }
}

/// A switch of a client's registry entry that its connection waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// CLIENT KILL chose the client.
    Killed,
    /// Another client gave it a mailbox ([`Registered::offer_mailbox`]).
    MailboxOffered,
    /// The clients cron asked it to resize its buffers
    /// ([`Registered::resize_buffers`]).
    ResizeRequested,
}

/// A future that completes once a switch of the client's registry entry is on (and
/// may be polled again: it stays ready while the switch is on). It registers its
/// task's waker on the first poll only: poll it from one task.
#[derive(Debug)]
pub struct Switched {
    entry: Arc<Registered>,
    switch: Switch,
    registered: bool,
}

impl Switched {
    fn new(entry: Arc<Registered>, switch: Switch) -> Switched {
        Switched {
            entry,
            switch,
            registered: false,
        }
    }
}

impl std::future::Future for Switched {
    type Output = ();

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let Switched {
            entry,
            switch,
            registered,
        } = self.get_mut();
        let (flag, waker) = match switch {
            Switch::Killed => (&entry.killed, &entry.waker),
            Switch::MailboxOffered => (&entry.has_offer, &entry.offer_waker),
            Switch::ResizeRequested => (&entry.resize, &entry.resize_waker),
        };
        poll_flag(flag, waker, registered, cx)
    }
}

/// Per-connection state a handler may read and change.
#[derive(Debug, Clone)]
pub struct ClientState {
    /// Registry view of this client.
    pub info: ClientInfo,
    /// Selected database.
    pub db: usize,
    /// Protocol chosen with `HELLO`.
    pub protocol: Protocol,
    /// True once authenticated: by AUTH or HELLO, or from the start when the default
    /// user needed no password then (Redis's `c->authenticated`).
    pub authenticated: bool,
    /// The user whose permissions apply (the default user until AUTH).
    pub user: Arc<crate::acl::User>,
    /// The [`Shared::acl_version`] `user` was read at (0: not yet).
    pub(crate) acl_version: u64,
    /// The default user asked for a password when `user` was read: unauthenticated
    /// clients may then only authenticate (Redis's `authRequired`).
    pub(crate) default_needs_auth: bool,
    /// Close the connection after this reply (QUIT).
    pub close_after_reply: bool,
    /// Send no reply for this command (SHUTDOWN).
    pub skip_reply: bool,
    /// Set by handlers that change the name, library or addresses in `info`, so the
    /// registry copy is refreshed after the batch (cheap fields are copied always).
    pub info_changed: bool,
    /// The commands queued since MULTI (`None` outside a transaction).
    pub multi: Option<Vec<Vec<Bytes>>>,
    /// A command was refused while queueing: EXEC will answer EXECABORT.
    pub multi_failed: bool,
    /// An EXEC refused while a script was busy discarded the transaction; its
    /// watches are dropped once the client has the store again.
    pub unwatch_pending: bool,
    /// The flags of the queued commands together, as Redis's `getCommandFlags` saw them
    /// (CLIENT PAUSE WRITE holds an EXEC whose queue writes).
    pub multi_flags: u32,
    /// The inverted flags of the queued commands, ORed (Redis's `cmd_inv_flags`):
    /// a bit set here was missing from one of them.
    pub multi_inv_flags: u32,
    /// Blocking commands answer at once instead of blocking (inside EXEC, scripts).
    pub deny_blocking: bool,
    /// EXEC is running this client's queued commands.
    pub in_exec: bool,
    /// How many commands the running EXEC has.
    pub exec_queued: usize,
    /// Set while the client is blocked: where its reply will arrive, and when it times
    /// out (Unix ms).
    pub blocked: Option<(Arc<BlockSlot>, Option<u64>)>,
    /// True while the client has any pub/sub subscription.
    pub subscribed: bool,
    /// Where published messages for this client wait (once it has subscribed).
    pub mailbox: Option<Arc<Mailbox>>,
    /// How many of the messages waiting in `mailbox` precede the reply of the command
    /// running: set where Redis adds that reply to the output buffer before publishing
    /// some of the command's events (see [`crate::command::Ctx::reply_point`]); `None`
    /// puts every waiting message first.
    pub reply_point: Option<usize>,
    /// CLIENT REPLY: whether command replies are sent (pushed messages always are).
    pub reply_mode: ReplyMode,
    /// MONITOR is on: the client receives every command others run.
    pub monitoring: bool,
    /// The client is a script's (`redis.call`): some commands make their output
    /// deterministic for it.
    pub in_script: bool,
    /// The id of the command `info.last_command` names.
    pub(crate) last_command_id: Option<CommandId>,
    /// Arguments of the running command that the slowlog and MONITOR show as
    /// `(redacted)` (passwords), by position in its argv.
    pub(crate) redacted: Vec<usize>,
    /// What the running command asked of propagation (see [`crate::replication`]).
    pub propagation: crate::replication::CallPropagation,
    /// The stream offset the client's last propagated write reached (Redis's `woff`,
    /// what WAIT waits for).
    pub write_offset: u64,
    /// What the client said with REPLCONF, for when it asks to SYNC.
    pub replica_conf: crate::replication::ReplicaConf,
}

/// What CLIENT REPLY chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReplyMode {
    /// Replies are sent.
    #[default]
    On,
    /// No command reply is sent.
    Off,
    /// The next command's reply is not sent.
    SkipNext,
    /// This command's reply is not sent (it follows CLIENT REPLY SKIP).
    Skip,
}

impl ClientState {
    /// Records `id` as the client's last command: its name for CLIENT LIST here, its
    /// id for the registry entry, which publishes it without a lock.
    pub(crate) fn set_last_command(&mut self, id: CommandId) {
        self.info.last_command = command::table().by_id(id).name;
        self.last_command_id = Some(id);
    }

    /// The state of client `id` on database `db` speaking `protocol`, as a new
    /// connection starts it (also used to serve a blocked client's command).
    pub fn new(id: u64, db: usize, protocol: Protocol, now_ms: u64) -> Self {
        ClientState {
            info: ClientInfo {
                id,
                resp: 2,
                created_ms: now_ms,
                last_interaction_ms: now_ms,
                last_command: "NULL",
                ..ClientInfo::default()
            },
            db,
            protocol,
            authenticated: true,
            user: crate::acl::User::initial(),
            acl_version: 0,
            default_needs_auth: false,
            close_after_reply: false,
            skip_reply: false,
            info_changed: false,
            multi: None,
            multi_failed: false,
            unwatch_pending: false,
            multi_flags: 0,
            multi_inv_flags: 0,
            deny_blocking: false,
            in_exec: false,
            exec_queued: 0,
            blocked: None,
            subscribed: false,
            mailbox: None,
            reply_mode: ReplyMode::On,
            monitoring: false,
            in_script: false,
            reply_point: None,
            last_command_id: None,
            redacted: Vec::new(),
            propagation: crate::replication::CallPropagation::default(),
            write_offset: 0,
            replica_conf: crate::replication::ReplicaConf::default(),
        }
    }

    /// Its registry view with what changes command by command filled in (database,
    /// queued commands, blocked, protocol), for CLIENT INFO and the ACL log.
    pub(crate) fn current_info(&self) -> ClientInfo {
        let mut info = self.info.clone();
        info.db = self.db;
        info.queued = self.queued();
        info.blocked = self.blocked.is_some();
        info.resp = match self.protocol {
            Protocol::Resp2 => 2,
            Protocol::Resp3 => 3,
        };
        info
    }

    /// Where a refusal of this client's command is logged (ACL LOG's `context`):
    /// inside MULTI while queueing or while EXEC runs the queue, else at top level.
    pub(crate) fn acl_context(&self) -> crate::acl::Context {
        match self.in_exec || self.multi.is_some() {
            true => crate::acl::Context::Multi,
            false => crate::acl::Context::Toplevel,
        }
    }

    /// Commands queued by MULTI: being queued, or being run by EXEC (`multi=` and
    /// flag `x` of CLIENT LIST, as Redis keeps them while EXEC runs).
    pub fn queued(&self) -> Option<usize> {
        match self.in_exec {
            true => Some(self.exec_queued),
            false => self.multi.as_ref().map(Vec::len),
        }
    }

    /// Leaves MULTI, forgetting the queue (EXEC, DISCARD, RESET).
    pub fn end_transaction(&mut self) {
        self.multi = None;
        self.multi_failed = false;
        self.multi_flags = 0;
        self.multi_inv_flags = 0;
    }

    /// Marks the open transaction as failed (Redis's `flagTransaction`): called for
    /// every command refused while queueing.
    /// True for a client whose commands are applied, not checked: a replica's master
    /// and the append-only file's loader (Redis's `mustObeyClient`).
    pub fn must_obey(&self) -> bool {
        self.info.master || self.info.id == crate::command::aof::AOF_CLIENT_ID
    }

    pub(crate) fn flag_transaction(&mut self) {
        if self.multi.is_some() {
            self.multi_failed = true;
        }
    }
}

/// A client connected to an engine, in-process or behind a socket.
#[derive(Debug)]
pub struct Session {
    engine: Engine,
    state: ClientState,
    /// This client's entry in the engine's client registry.
    published: Arc<Registered>,
    /// The last command name this client sent, exactly as spelled, and its id: clients
    /// repeat themselves, and a byte comparison is cheaper than a table lookup.
    last_command: ResolvedName,
    /// How to put back what a served blocking command popped, until the connection
    /// says the reply was written.
    undelivered: Option<Restore>,
    /// An injected delay the connection must wait out before running the rest of its
    /// batch ([`Session::take_fault_delay`]).
    fault_delay: Option<Duration>,
    /// The command at the head of the next batch has waited out its injected delay.
    delay_served: bool,
    /// An injected fault dropped this in-process client's last command.
    dropped_by_fault: bool,
    /// The last batch stopped at a request that waits for a busy script
    /// ([`Session::take_busy_wait`]).
    busy_wait: bool,
    /// Set while CLIENT PAUSE holds this client's next command: what to wait for
    /// before trying it again.
    paused: Option<PauseWait>,
    /// The fields of the registry entry [`Session::publish_info`] copied last.
    published_cheap: CheapInfo,
}

/// The registry fields that change now and then (SELECT, SUBSCRIBE, MULTI, a block):
/// compared after each batch, copied under the entry's lock only when they changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct CheapInfo {
    db: usize,
    subscriptions: (usize, usize, usize),
    queued: Option<usize>,
    blocked: bool,
    no_evict: bool,
    resp: u8,
}

impl CheapInfo {
    fn of(state: &ClientState) -> CheapInfo {
        CheapInfo {
            db: state.db,
            subscriptions: state.info.subscriptions,
            queued: state.queued(),
            blocked: state.blocked.is_some(),
            no_evict: state.info.no_evict,
            resp: match state.protocol {
                Protocol::Resp2 => 2,
                Protocol::Resp3 => 3,
            },
        }
    }
}

/// What a client held by CLIENT PAUSE waits for: the pause state to move on, or the
/// pause's own end (`None`: no end, the client waits for others to resume first).
pub type PauseWait = (PauseChanged, Option<Duration>);

/// A command name as the client spelled it, with the id it resolved to.
#[derive(Debug, Default)]
pub(crate) struct ResolvedName {
    name: [u8; 16],
    len: u8,
    id: CommandId,
}

impl ResolvedName {
    /// The id of `argv`'s command, from the cache when the name repeats.
    fn resolve(&mut self, argv: &[Bytes]) -> Result<CommandId, CommandError> {
        let name = argv.first().map(|b| b.as_ref()).unwrap_or_default();
        if self.len != 0 && name == &self.name[..usize::from(self.len)] {
            return Ok(self.id);
        }
        let table = command::table();
        let id = table.resolve_id(argv)?;
        // Container commands resolve on their second word: never cached.
        if name.len() <= self.name.len()
            && table.by_id(id).subcommands.is_empty()
            && !table.is_subcommand(id)
        {
            self.name[..name.len()].copy_from_slice(name);
            self.len = name.len() as u8;
            self.id = id;
        }
        Ok(id)
    }
}

impl Session {
    /// A session registered with `engine`'s client list.
    pub fn new(engine: Engine) -> Self {
        let shared = engine.shared();
        let id = shared.next_client_id();
        let now = shared.clock.now_ms();
        let mut state = ClientState::new(id, 0, Protocol::Resp2, now);
        refresh_user(shared, &mut state);
        // Redis's `clientSetDefaultAuth`.
        state.authenticated = !state.default_needs_auth;
        let published = Arc::new(Registered::new(state.info.clone()));
        shared.clients.lock().insert(id, published.clone());
        let published_cheap = CheapInfo::of(&state);
        Session {
            engine,
            published,
            state,
            last_command: ResolvedName::default(),
            undelivered: None,
            fault_delay: None,
            delay_served: false,
            dropped_by_fault: false,
            busy_wait: false,
            paused: None,
            published_cheap,
        }
    }

    /// The client as a line of CLIENT LIST, with empty buffers: how Redis names a
    /// client in its log.
    pub fn describe(&self) -> String {
        let now_ms = self.engine.shared().clock.now_ms();
        crate::command::connection::client_line(&self.state.current_info(), 0, 0, now_ms)
    }

    /// Records the peer and local addresses (the server calls this once on accept).
    pub fn set_addresses(&mut self, addr: String, laddr: String, unix_socket: bool) {
        self.state.info.addr = addr;
        self.state.info.laddr = laddr;
        self.state.info.unix_socket = unix_socket;
        self.state.info_changed = true;
        self.publish_info();
    }

    /// The engine this session belongs to.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// This client's state.
    pub fn state(&self) -> &ClientState {
        &self.state
    }

    /// The client id.
    pub fn id(&self) -> u64 {
        self.state.info.id
    }

    /// The protocol replies are encoded in.
    pub fn protocol(&self) -> Protocol {
        self.state.protocol
    }

    /// True when the connection must close after flushing (QUIT, SHUTDOWN).
    pub fn should_close(&self) -> bool {
        self.state.close_after_reply
    }

    /// True while the client may only authenticate (Redis's `authRequired`).
    pub fn needs_auth(&self) -> bool {
        self.state.default_needs_auth && !self.state.authenticated
    }

    /// Runs `work` as this client with the store locked: engine operations that are
    /// not commands (loading the RDB file at start, saving on the way out).
    pub(crate) fn with_ctx<R>(
        &mut self,
        work: impl FnOnce(&mut crate::command::Ctx<'_>) -> R,
    ) -> R {
        let shared = &**self.engine.shared();
        let mut store = shared.store.lock();
        let Store { keyspace, stats } = &mut *store;
        let mut ctx = crate::command::Ctx {
            keyspace,
            stats,
            now_ms: shared.clock.now_ms(),
            client: &mut self.state,
            shared,
        };
        work(&mut ctx)
    }

    /// Runs one command and returns its reply (errors as [`Reply::Error`]). A blocking
    /// command that has to wait, or one CLIENT PAUSE holds, blocks this thread until it
    /// is served or times out, or runs.
    pub fn execute(&mut self, argv: &[Bytes]) -> Reply {
        self.adopt_offered_mailbox();
        // Borrowed, not cloned: the fields below are borrowed apart from `engine`.
        let shared = &**self.engine.shared();
        if shared.faults.is_armed() {
            let resolved = self.last_command.resolve(argv);
            match take_fault(shared, &self.state, &mut self.delay_served, &resolved, argv) {
                Some(FaultAction::Error(text)) => return Reply::Error(text),
                Some(FaultAction::Delay(delay)) => std::thread::sleep(delay),
                Some(FaultAction::Drop) => {
                    self.dropped_by_fault = true;
                    return Reply::Error(Bytes::from_static(DROPPED_BY_FAULT));
                }
                None => {}
            }
        }
        self.execute_held(argv, None).unwrap_or(Reply::Nil)
    }

    /// Runs one command of a replica's master stream as this (master) session, with
    /// `step` consulted before and told after, under the same hold of the engine:
    /// `None` when `step` refused to let it run.
    pub(crate) fn execute_from_master(
        &mut self,
        argv: &[Bytes],
        step: &mut dyn StreamStep,
    ) -> Option<Reply> {
        self.execute_held(argv, Some(step))
    }

    /// Runs `argv`, waiting while CLIENT PAUSE holds it; `None` when `step` refused it.
    fn execute_held<'t>(
        &mut self,
        argv: &[Bytes],
        mut step: Option<&mut (dyn StreamStep + 't)>,
    ) -> Option<Reply> {
        loop {
            match self.execute_unless_paused(argv, step.as_deref_mut()) {
                Outcome::Ran(reply) => return Some(reply),
                Outcome::Refused => return None,
                Outcome::Paused => {}
            }
            // Held by CLIENT PAUSE: shown as blocked while this thread waits.
            self.publish_info();
            if let Some((changed, remaining)) = self.paused.take() {
                changed.wait(remaining.unwrap_or(PAUSE_POLL).min(PAUSE_POLL));
            }
        }
    }

    /// [`Session::execute`] once the faults are checked: `Paused` (and `self.paused`
    /// set) when CLIENT PAUSE holds the command.
    fn execute_unless_paused<'t>(
        &mut self,
        argv: &[Bytes],
        mut step: Option<&mut (dyn StreamStep + 't)>,
    ) -> Outcome {
        let shared = &**self.engine.shared();
        let mut store = loop {
            let requests = std::slice::from_ref(&argv);
            match lock_or_answer_busy(&mut self.state, shared, requests) {
                Locked::Store(store) => break store,
                Locked::Answered(mut replies) => {
                    return Outcome::Ran(replies.pop().unwrap_or(Reply::Ok))
                }
                // In-process, this thread is the client's own: it waits here.
                Locked::Busy => continue,
            }
        };
        let resolved = self.last_command.resolve(argv);
        let Store { keyspace, stats } = &mut *store;
        if held_by_pause(
            &mut self.state,
            &mut self.paused,
            shared,
            keyspace,
            &resolved,
            argv,
        ) {
            return Outcome::Paused;
        }
        if let Some(step) = step.as_deref_mut() {
            if !step.admit(keyspace) {
                return Outcome::Refused;
            }
        }
        drop_pending_watches(&mut self.state, keyspace);
        begin_tracked_command(keyspace, &self.state);
        let command = resolved.as_ref().ok().copied();
        let started = shared.clock.read();
        let target = Target {
            shared,
            keyspace,
            stats,
            client: &mut self.state,
        };
        let (result, _) = dispatch(target, resolved, argv, started, None, Origin::Client, None);
        if let Some(step) = step {
            step.applied(keyspace, self.state.multi.is_some(), self.state.db);
        }
        finish_tracked_command(shared, keyspace, &self.state, command);
        serve_blocked(shared, keyspace, stats);
        end_of_batch(shared, keyspace);
        if !keyspace.pause().is_idle() {
            keyspace.resumed(self.state.info.id);
        }
        self.state.reply_point = None;
        drop(store);
        self.publish_info();
        self.state.skip_reply = false;
        if self.state.blocked.is_some() {
            return Outcome::Ran(self.wait_blocked());
        }
        Outcome::Ran(result.unwrap_or_else(Reply::from))
    }

    /// While CLIENT PAUSE holds this client's next command: what to wait for before
    /// running the rest of the pipeline again (taken: ask again after the next batch).
    pub fn pause_wait(&mut self) -> Option<PauseWait> {
        self.paused.take()
    }

    /// Waits (blocking the thread) for the reply of the command this client is blocked
    /// on, checking its deadline against the engine clock.
    fn wait_blocked(&mut self) -> Reply {
        loop {
            if let Some(reply) = self.finish_block() {
                self.undelivered = None;
                return reply;
            }
            if let Some((slot, _)) = &self.state.blocked {
                slot.wait(Duration::from_millis(10));
            }
        }
    }

    /// Runs `requests` in order under one lock, appending each reply's bytes to `out`.
    /// Stops early (leaving later requests unrun) when a command asks to close the
    /// connection or blocks the client; returns how many requests ran.
    pub fn execute_batch(&mut self, requests: &[Vec<Bytes>], out: &mut BytesMut) -> usize {
        // Subscribers this batch publishes to are woken once, when it is done.
        let _wakes = crate::pubsub::DeferWakes::begin();
        self.adopt_offered_mailbox();
        let shared = &**self.engine.shared();
        let mut ran = 0;
        let mut store = loop {
            match lock_or_answer_busy(&mut self.state, shared, &requests[ran..]) {
                Locked::Store(store) => break store,
                Locked::Answered(replies) => {
                    ran += replies.len();
                    for reply in replies {
                        reply.encode(self.state.protocol, out);
                    }
                    if ran == requests.len() || self.state.close_after_reply {
                        return ran;
                    }
                }
                Locked::Busy => {
                    self.busy_wait = true;
                    return ran;
                }
            }
        };
        drop_pending_watches(&mut self.state, &mut store.keyspace);
        // Each command's end is the next one's start: one clock read per command.
        let mut started = shared.clock.read();
        self.paused = None;
        let mut resumed = false;
        for argv in &requests[ran..] {
            let resolved = self.last_command.resolve(argv);
            if !store.keyspace.pause().is_idle() {
                let state = &mut self.state;
                if held_by_pause(
                    state,
                    &mut self.paused,
                    shared,
                    &mut store.keyspace,
                    &resolved,
                    argv,
                ) {
                    break;
                }
                resumed = true;
            }
            let fault = match shared.faults.is_armed() {
                true => take_fault(shared, &self.state, &mut self.delay_served, &resolved, argv),
                false => None,
            };
            match fault {
                Some(FaultAction::Delay(delay)) => {
                    // Waited out by the connection, without the store; then this
                    // command heads the next batch and runs.
                    self.fault_delay = Some(delay);
                    self.delay_served = true;
                    break;
                }
                Some(FaultAction::Drop) => {
                    self.state.close_after_reply = true;
                    ran += 1;
                    break;
                }
                _ => {}
            }
            ran += 1;
            // CLIENT REPLY SKIP silences the command after it, once (unless that one
            // is CLIENT REPLY ON, which lifts it).
            if self.state.reply_mode == ReplyMode::SkipNext {
                self.state.reply_mode = ReplyMode::Skip;
            }
            let Store { keyspace, stats } = &mut *store;
            begin_tracked_command(keyspace, &self.state);
            let command = resolved.as_ref().ok().copied();
            let (result, ended) = match fault {
                Some(FaultAction::Error(text)) => (Ok(Reply::Error(text)), started),
                _ => {
                    let target = Target {
                        shared,
                        keyspace,
                        stats,
                        client: &mut self.state,
                    };
                    dispatch(target, resolved, argv, started, None, Origin::Client, None)
                }
            };
            started = ended;
            let skipping = self.state.reply_mode == ReplyMode::Skip;
            if skipping {
                self.state.reply_mode = ReplyMode::On;
            }
            let trailing = finish_tracked_command(shared, keyspace, &self.state, command);
            serve_blocked(shared, keyspace, stats);
            let reply_point = self.state.reply_point.take();
            if std::mem::take(&mut self.state.skip_reply) {
                if self.state.blocked.is_some() {
                    break;
                }
                continue;
            }
            // Messages published meanwhile (by this very command too) go where Redis
            // appends them to the output buffer as they are published: before the
            // reply, or after it for those published once the command had replied.
            let protocol = self.state.protocol;
            let messages = self.state.mailbox.as_ref().map(|mailbox| mailbox.drain());
            let messages = messages.unwrap_or_default();
            let before = match (&result, reply_point) {
                (Ok(_), Some(point)) => point.min(messages.len()),
                _ => messages.len(),
            };
            // Invalidations of keys the command changed that its own client had read
            // follow the reply, whatever it is.
            let before = trailing.map_or(before, |trailing| before.min(trailing));
            for message in &messages[..before] {
                message.encode(protocol, out);
            }
            // Pub/sub confirmations are pushes, which Redis sends even with replies
            // off (its CLIENT_PUSHING flag).
            let silenced = skipping || self.state.reply_mode == ReplyMode::Off;
            if silenced && !matches!(&result, Ok(reply) if reply.is_pushes()) {
                for message in &messages[before..] {
                    message.encode(protocol, out);
                }
                continue;
            }
            match result {
                Ok(reply) => reply.encode(protocol, out),
                Err(error) => encode_error(&error, out),
            }
            for message in &messages[before..] {
                message.encode(protocol, out);
            }
            if self.state.close_after_reply {
                break;
            }
        }
        if resumed {
            // A client let go by the end of a pause has run: the next one's turn.
            store.keyspace.resumed(self.state.info.id);
        }
        end_of_batch(shared, &mut store.keyspace);
        drop(store);
        self.publish_info();
        ran
    }

    /// True once (then reset) when [`Session::execute_batch`] stopped at a request
    /// that waits for a busy script: the connection waits a little, without its
    /// runtime thread, and runs the rest again.
    pub fn take_busy_wait(&mut self) -> bool {
        std::mem::take(&mut self.busy_wait)
    }

    /// The injected delay the connection must wait out (without the store) before it
    /// runs the rest of the batch [`Session::execute_batch`] stopped at.
    pub fn take_fault_delay(&mut self) -> Option<Duration> {
        self.fault_delay.take()
    }

    /// True once (then reset) when an injected fault dropped the last command given
    /// to [`Session::execute`]: a connection would have closed without a reply.
    pub fn take_dropped_by_fault(&mut self) -> bool {
        std::mem::take(&mut self.dropped_by_fault)
    }

    /// A future that completes when CLIENT KILL closes this client.
    pub fn killed(&self) -> Switched {
        Switched::new(self.published.clone(), Switch::Killed)
    }

    /// True once CLIENT KILL chose this client.
    pub fn is_killed(&self) -> bool {
        self.published.is_killed()
    }

    /// Where published messages for this client wait, once it has subscribed.
    pub fn mailbox(&self) -> Option<Arc<Mailbox>> {
        self.state.mailbox.clone()
    }

    /// Appends every waiting published message to `out`, encoded for the client.
    pub fn deliver_messages(&mut self, out: &mut BytesMut) {
        self.adopt_offered_mailbox();
        deliver(&self.state, out);
    }

    /// A future that completes when the clients cron asks the connection to resize
    /// its buffers (see [`Session::take_resize`]).
    pub fn resize_requested(&self) -> Switched {
        Switched::new(self.published.clone(), Switch::ResizeRequested)
    }

    /// The new sizes the clients cron asked for, once per request (`None` when
    /// there is none).
    pub fn take_resize(&self) -> Option<BufferResize> {
        let published = &self.published;
        if !published.resize.swap(false, Ordering::SeqCst) {
            return None;
        }
        let query = published.query_room.load(Ordering::Relaxed);
        let reply = published.reply_room.load(Ordering::Relaxed);
        Some(BufferResize {
            query: (query != usize::MAX).then_some(query),
            reply: (reply != 0).then_some(reply),
        })
    }

    /// A batch's replies filled `len` bytes of the reply buffer: the peak the clients
    /// cron sizes it by.
    pub fn note_reply_len(&self, len: usize) {
        raise_peak(&self.published.reply_peak, len);
    }

    /// The query buffer holds `len` bytes now: the peak the clients cron compares
    /// its size with.
    pub fn note_query_len(&self, len: usize) {
        raise_peak(&self.published.query_peak, len);
    }

    /// The connection's read and write buffers hold `input` and `output` bytes of
    /// room now (CLIENT LIST's `qbuf-free`, `rbs` and `tot-mem`).
    pub fn note_buffers(&mut self, input: usize, output: usize) {
        if self.state.info.buffers == (input, output) {
            return;
        }
        self.state.info.buffers = (input, output);
        self.published
            .input_capacity
            .store(input, Ordering::Relaxed);
        self.published
            .output_capacity
            .store(output, Ordering::Relaxed);
    }

    /// The messages delivered so far have been written to the client (see
    /// [`Mailbox::written`]).
    pub fn messages_written(&self) {
        if let Some(mailbox) = &self.state.mailbox {
            mailbox.written();
        }
    }

    /// Takes up a mailbox another client gave this one (it became that client's
    /// tracking redirection target): from now on its messages reach this client.
    fn adopt_offered_mailbox(&mut self) {
        if let Some(mailbox) = self.published.take_offer() {
            self.state.mailbox.get_or_insert(mailbox);
        }
    }

    /// A future that completes when another client gives this one a mailbox (a
    /// connection without one waits for it beside its socket).
    pub fn mailbox_offered(&self) -> Switched {
        Switched::new(self.published.clone(), Switch::MailboxOffered)
    }

    /// True when the client is exempt from the idle `timeout`: subscribers, MONITOR
    /// clients and replicas, as in Redis.
    pub fn exempt_from_timeout(&self) -> bool {
        self.state.subscribed || self.state.monitoring || self.state.info.replica
    }

    /// True for a replica attached by SYNC or PSYNC: its connection's writes count
    /// as replication output.
    pub fn is_replica(&self) -> bool {
        self.state.info.replica
    }

    /// Makes this session its server's master client ([`crate::replica`]): it is
    /// authenticated, listed with flag `M`, and its commands obey no read-only or
    /// stale rule.
    pub(crate) fn become_master_client(&mut self) {
        self.state.info.master = true;
        // Redis's master client has no user: CLIENT LIST shows `(superuser)`.
        self.state.info.user = Bytes::from_static(b"(superuser)");
        self.state.authenticated = true;
        self.state.info_changed = true;
        self.publish_info();
    }

    /// Selects database `db` without a command (a replica's master client continuing
    /// where its stream left off).
    pub(crate) fn select_db(&mut self, db: usize) {
        self.state.db = db;
        self.state.info_changed = true;
    }

    /// True between MULTI and EXEC (or DISCARD).
    pub fn in_transaction(&self) -> bool {
        self.state.multi.is_some()
    }

    /// While the client is blocked: a future that completes when its reply has arrived,
    /// and how long until its deadline on the engine clock (`None`: no deadline).
    pub fn block_wait(&self) -> Option<(SlotFilled, Option<Duration>)> {
        let (slot, deadline) = self.state.blocked.as_ref()?;
        let now = self.engine.shared().clock.now_ms();
        let remaining = deadline.map(|at| Duration::from_millis(at.saturating_sub(now)));
        Some((SlotFilled(slot.clone()), remaining))
    }

    /// Ends the block if its reply has arrived or its deadline has passed (then with
    /// the timeout reply), and answers that reply; `None` while still blocked. Until
    /// [`Session::reply_delivered`], a popped element is remembered so that it goes
    /// back to its key if the client disconnects.
    pub fn finish_block(&mut self) -> Option<Reply> {
        let (slot, deadline) = self.state.blocked.clone()?;
        let taken = match slot.take() {
            Some(taken) => taken,
            None => {
                let shared = &**self.engine.shared();
                let mut store = shared.store.lock();
                if deadline.is_none_or(|at| at > shared.clock.now_ms()) {
                    return None;
                }
                if let Some(waiter) = store.keyspace.blocking.unblock(self.state.info.id) {
                    waiter.slot.fill(waiter.timeout_reply, None);
                }
                drop(store);
                slot.take()?
            }
        };
        self.state.blocked = None;
        if slot.closes_client() {
            self.state.close_after_reply = true;
        }
        let (reply, restore) = taken;
        self.undelivered = restore;
        Some(reply)
    }

    /// The connection wrote the last blocking reply: what it popped is the client's now.
    pub fn reply_delivered(&mut self) {
        self.undelivered = None;
    }

    /// Copies what changed into the registry entry: the last command and its time
    /// always (without the lock), the other cheap fields when they differ from what was
    /// published last, names and addresses only when a handler said they changed.
    fn publish_info(&mut self) {
        let state = &mut self.state;
        let info = &state.info;
        let published = &*self.published;
        let last_command = state.last_command_id.map_or(0, |id| u32::from(id) + 1);
        published
            .last_command
            .store(last_command, Ordering::Relaxed);
        published
            .last_interaction_ms
            .store(info.last_interaction_ms, Ordering::Relaxed);
        let mut cheap = CheapInfo::of(state);
        // A client CLIENT PAUSE holds shows as blocked, as in Redis.
        cheap.blocked |= self.paused.is_some();
        if cheap == self.published_cheap && !state.info_changed {
            return;
        }
        self.published_cheap = cheap;
        let mut guard = published.info.lock();
        let slot = &mut *guard;
        slot.db = cheap.db;
        slot.subscriptions = cheap.subscriptions;
        slot.queued = cheap.queued;
        slot.blocked = cheap.blocked;
        slot.no_evict = cheap.no_evict;
        slot.resp = cheap.resp;
        if std::mem::take(&mut state.info_changed) {
            slot.name.clone_from(&info.name);
            slot.lib_name.clone_from(&info.lib_name);
            slot.lib_ver.clone_from(&info.lib_ver);
            slot.addr.clone_from(&info.addr);
            slot.laddr.clone_from(&info.laddr);
            slot.unix_socket = info.unix_socket;
            slot.replica = info.replica;
            slot.master = info.master;
            slot.monitor = info.monitor;
            slot.user.clone_from(&info.user);
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let shared = self.engine.shared().clone();
        let placeholder = ClientState::new(0, 0, Protocol::Resp2, 0);
        let state = std::mem::replace(&mut self.state, placeholder);
        let undelivered = self.undelivered.take();
        if let Some(mut store) = shared.store.try_lock() {
            forget_client(&shared, &mut store, state, undelivered);
            return;
        }
        if shared.script_status.running().is_some() {
            // A busy script holds the store: a disconnecting client must not hold up
            // the connection's worker thread until it ends, so another thread waits.
            std::thread::spawn(move || {
                let mut store = shared.store.lock();
                forget_client(&shared, &mut store, state, undelivered);
            });
        } else {
            let mut store = shared.store.lock();
            forget_client(&shared, &mut store, state, undelivered);
        }
    }
}

/// Takes client `id` out of the client list and of everything keyed by client under
/// the store: its WATCHes, subscriptions, tracking, MONITOR, block and pause. Run
/// when a client goes, and by CLIENT KILL for the clients it kills, which Redis frees
/// before answering.
pub(crate) fn detach_client(shared: &Shared, keyspace: &mut Keyspace, id: u64) {
    keyspace.watches.unwatch_all(id);
    keyspace.pubsub.remove_client(id);
    keyspace.tracking.client_gone(id);
    keyspace.monitors.retain(|(monitor, _)| *monitor != id);
    keyspace.blocking.unblock(id);
    keyspace.forget_paused(id);
    if keyspace.replication.detach_replica(id) {
        keyspace.answer_ack_waiters();
    }
    shared.clients.lock().remove(&id);
}

/// Closes client `id`'s connection and forgets it at once, as Redis frees a client
/// (a replica timed out or told to resynchronize, a replaced master client).
pub(crate) fn disconnect_client(shared: &Shared, keyspace: &mut Keyspace, id: u64) {
    if let Some(client) = shared.clients.lock().get(&id) {
        client.kill();
    }
    detach_client(shared, keyspace, id);
}

/// Removes a departed client from everything under the store: its WATCHes,
/// subscriptions, MONITOR and block; what was popped for it goes back to its key.
fn forget_client(
    shared: &Shared,
    store: &mut Store,
    mut state: ClientState,
    undelivered: Option<Restore>,
) {
    let Store { keyspace, stats } = store;
    // A client that goes away blocked, or before its blocking reply was written,
    // gives back what was popped for it (below).
    detach_client(shared, keyspace, state.info.id);
    let mut restore = undelivered;
    if let Some((slot, _)) = state.blocked.take() {
        restore = slot.take().and_then(|(_, restore)| restore).or(restore);
    }
    if let Some(restore) = restore {
        let now_ms = shared.clock.now_ms();
        let mut ctx = Ctx {
            keyspace,
            stats,
            now_ms,
            client: &mut state,
            shared,
        };
        command::blocking::restore(&mut ctx, restore);
        serve_blocked(shared, keyspace, stats);
        end_of_batch(shared, keyspace);
    }
}

/// Serves the clients blocked on keys that the last command made ready, oldest
/// waiter first, for as long as each key has something for them (Redis's
/// `handleClientsBlockedOnKeys`). Serving may make more keys ready (BLMOVE pushes).
/// Called after every command: the check that nobody is blocked is inlined.
#[inline]
fn serve_blocked(shared: &Shared, keyspace: &mut Keyspace, stats: &mut ExecStats) {
    if !keyspace.blocking.is_empty() {
        serve_ready_waiters(shared, keyspace, stats);
    }
}

/// Deletes a key its waiters were told of if it has expired meanwhile, as Redis's
/// lookup before serving them does (an `expired` event, a `DEL` propagated on its
/// own); they stay blocked.
fn expire_ready_key(
    shared: &Shared,
    keyspace: &mut Keyspace,
    stats: &mut ExecStats,
    db: usize,
    key: &[u8],
    now_ms: u64,
) {
    let database = keyspace.db(db);
    if database.entry_raw(key).is_none() || database.peek(key, now_ms).is_some() {
        return; // gone or live: nothing to expire
    }
    let mut client = ClientState::new(0, db, Protocol::Resp2, now_ms);
    let mut ctx = Ctx {
        keyspace,
        stats,
        now_ms,
        client: &mut client,
        shared,
    };
    ctx.expire_if_needed(key);
    ctx.keyspace.propagate_pending(false, now_ms);
}

/// [`serve_blocked`] once some client is blocked.
fn serve_ready_waiters(shared: &Shared, keyspace: &mut Keyspace, stats: &mut ExecStats) {
    let now_ms = shared.clock.now_ms();
    while let Some((db, key)) = keyspace.blocking.next_ready() {
        expire_ready_key(shared, keyspace, stats, db, &key, now_ms);
        while let Some(id) = keyspace
            .db(db)
            .peek(&key, now_ms)
            .and_then(|entry| keyspace.blocking.first_waiter(db, &key, &entry.value))
        {
            let Some(waiter) = keyspace.blocking.unblock(id) else {
                break;
            };
            let mut client = ClientState::new(id, waiter.db, waiter.protocol, now_ms);
            client.deny_blocking = true;
            let Some(op) = &waiter.op else {
                continue;
            };
            // While served the waiter is the current client: invalidations of its own
            // keys follow its reply.
            let previous = keyspace.tracking.set_current(id);
            let mut ctx = Ctx {
                keyspace,
                stats,
                now_ms,
                client: &mut client,
                shared,
            };
            let serving = shared.clock.read();
            let rpoplpush = waiter
                .command
                .is_some_and(|id| command::table().by_id(id).name == "brpoplpush");
            let outcome = command::blocking::serve(&mut ctx, &key, op, rpoplpush);
            let reply_us = serving.micros_until(shared.clock.read());
            answer_waiter(keyspace, stats, &waiter, outcome, reply_us, now_ms);
            // Each served client's pop goes out on its own (Redis's `afterCommand`).
            keyspace.propagate_pending(false, now_ms);
            if keyspace.tracking.has_pending() {
                let (tracking, out) = keyspace.tracking_out(now_ms);
                tracking.flush_pending(out);
            }
            keyspace.tracking.set_current(previous);
        }
        // XREADGROUP needs the stream itself: once it is deleted or replaced by
        // another type, its readers are told at once.
        let is_stream = keyspace
            .db(db)
            .peek(&key, now_ms)
            .is_some_and(|entry| matches!(entry.value, crate::types::Value::Stream(_)));
        if !is_stream {
            for id in keyspace.blocking.group_readers(db, &key) {
                if let Some(waiter) = keyspace.blocking.unblock(id) {
                    let gone = CommandError::Other(crate::error::STREAM_GONE.into());
                    answer_waiter(keyspace, stats, &waiter, Err(gone), 0, now_ms);
                }
            }
        }
    }
}

/// Answers a served blocked client, and takes the statistics Redis takes at that
/// moment (`updateStatsOnUnblock`): an error reply is counted; the blocked command gets
/// the time of the call that blocked plus `reply_us` in its time, latency histogram
/// and slowlog entry, and a failed call if it failed; a slow reply is a
/// `command-unblocking` latency sample.
fn answer_waiter(
    keyspace: &mut Keyspace,
    stats: &mut ExecStats,
    waiter: &Waiter,
    outcome: Result<(Reply, Option<Restore>), CommandError>,
    reply_us: u64,
    now_ms: u64,
) {
    let failed = outcome.is_err();
    match outcome {
        Ok((reply, restore)) => waiter.slot.fill(reply, restore),
        Err(error) => {
            stats.total_error_replies += 1;
            *stats.errors.entry(error.code()).or_default() += 1;
            waiter.slot.fill(Reply::from(error), None);
        }
    }
    let Some(command) = waiter.command else {
        return;
    };
    let counters = stats.command_mut(command);
    if failed {
        counters.failed_calls += 1;
    }
    let Some(call) = &waiter.call else {
        return;
    };
    let total_us = call.usec + reply_us;
    counters.usec += total_us;
    if keyspace.latency.tracking {
        counters.latency.record(total_us);
    }
    if keyspace.slowlog.is_slow(total_us) {
        let time = now_ms / 1000;
        keyspace
            .slowlog
            .record(&call.argv, time, total_us, &call.peer, &call.name);
    }
    keyspace
        .latency
        .add_if_needed("command-unblocking", reply_us / 1000, now_ms / 1000);
}

/// Locks the store. While a script runs past `busy-reply-threshold` (it holds the
/// store), answers `requests` from the front without the store instead, as Redis
/// does while busy: `BUSY` for most commands, `SCRIPT KILL`, `FUNCTION KILL` and
/// `SHUTDOWN NOSAVE` acted on, `FUNCTION STATS` and `MULTI` answered; stops at a
/// command that may run while busy but needs the store, answering [`Locked::Busy`]:
/// the caller waits and asks again (a connection must not hold its runtime thread
/// for as long as a script may run).
fn lock_or_answer_busy<'s, A: AsRef<[Bytes]>>(
    state: &mut ClientState,
    shared: &'s Shared,
    requests: &[A],
) -> Locked<'s> {
    if let Some(store) = shared.store.try_lock() {
        return Locked::Store(store);
    }
    loop {
        if let Some(store) = shared.store.try_lock_for(BUSY_POLL) {
            return Locked::Store(store);
        }
        let Some(kind) = shared.script_status.running() else {
            continue;
        };
        if !shared.script_status.is_busy() {
            continue;
        }
        if state.info.master {
            // A replica's master is never told BUSY: its stream waits for the script.
            return Locked::Busy;
        }
        let mut replies = Vec::new();
        for argv in requests {
            match answer_while_busy(state, shared, argv.as_ref(), kind) {
                Some(reply) => replies.push(reply),
                None => break,
            }
            if state.close_after_reply {
                break;
            }
        }
        if !replies.is_empty() {
            return Locked::Answered(replies);
        }
        return Locked::Busy;
    }
}

/// One command's reply while a script of `kind` is busy, or `None` when it must
/// wait for the store.
fn answer_while_busy(
    state: &mut ClientState,
    shared: &Shared,
    argv: &[Bytes],
    kind: crate::scripting::RunKind,
) -> Option<Reply> {
    use crate::scripting::{busy_error, RunKind};
    let table = command::table();
    let id = match table.resolve_id(argv) {
        Ok(id) => id,
        Err(error) => return Some(busy_rejection(state, shared, None, error)),
    };
    let checking = Checking::Run { top_level: None };
    if let Err(error) = check(shared, None, id, state, argv, checking) {
        return Some(busy_rejection(state, shared, Some(id), error));
    }
    let spec = table.by_id(id);
    let status = &shared.script_status;
    let nosave = argv[1..]
        .iter()
        .any(|arg| crate::args::is_keyword(arg, "NOSAVE"));
    let kill = match spec.name {
        "script|kill" => RunKind::Eval,
        "function|kill" => RunKind::Function,
        // Answered from the status: the running function holds the store, and no
        // library can change while it runs.
        // MULTI only opens the client's queue; the commands queued meanwhile
        // get BUSY, which aborts the transaction, as in Redis.
        "multi" => {
            let opened = command::transaction::open(state);
            return Some(opened.unwrap_or_else(Reply::from));
        }
        "function|stats" if kind == RunKind::Function => {
            let (command, counts) = status.caller();
            let (name, ms) = status.running_for().unwrap_or_default();
            let running = Some((name, command, ms));
            return Some(command::functions::stats_reply(running, counts));
        }
        "shutdown" if nosave => {
            status.force_stop();
            shared.shutdown.store(true, Ordering::SeqCst);
            // Like SHUTDOWN itself: no reply, the connection just closes.
            state.close_after_reply = true;
            return Some(Reply::Sequence(Vec::new()));
        }
        // FUNCTION STATS while a script (not a function) is busy gets its BUSY error.
        _ if spec.flags & flags::ALLOW_BUSY != 0
            && !matches!(spec.name, "shutdown" | "function|stats" | "multi") =>
        {
            return None
        }
        _ => {
            let error = CommandError::Other(busy_error(kind).into());
            return Some(busy_rejection(state, shared, Some(id), error));
        }
    };
    Some(match status.kill(kill) {
        Ok(()) => Reply::Ok,
        Err(text) => Reply::Error(Bytes::from_static(text.as_bytes())),
    })
}

/// Answers `error` while busy, keeping the count for the statistics.
fn busy_rejection(
    state: &mut ClientState,
    shared: &Shared,
    id: Option<CommandId>,
    error: CommandError,
) -> Reply {
    state.flag_transaction();
    let is_exec = id.is_some_and(|id| command::table().by_id(id).name == "exec");
    let error = match is_exec {
        // Its watches go when the client next has the store.
        true => {
            state.end_transaction();
            state.unwatch_pending = true;
            crate::error::exec_abort(&error)
        }
        false => error,
    };
    shared
        .script_status
        .busy_rejections
        .lock()
        .push((id, error.code()));
    Reply::from(error)
}

/// The fault armed for `argv` (resolved as `resolved`), if one catches it; a
/// caught command is logged with the error it answers or, when dropped, none.
/// The command at the head of a batch after its delay is not checked again.
fn take_fault(
    shared: &Shared,
    state: &ClientState,
    delay_served: &mut bool,
    resolved: &Result<CommandId, CommandError>,
    argv: &[Bytes],
) -> Option<FaultAction> {
    if std::mem::take(delay_served) {
        return None;
    }
    let name = resolved
        .as_ref()
        .map_or("", |id| command::table().by_id(*id).name);
    let action = shared.faults.take(name, argv)?;
    let reply = match &action {
        FaultAction::Error(text) => Some(Reply::Error(text.clone())),
        FaultAction::Delay(_) => return Some(action),
        FaultAction::Drop => None,
    };
    if shared.command_log.is_recording() {
        let client = LogClient::of(state);
        log_command(shared, client, argv, reply, Origin::Client);
    }
    Some(action)
}

/// Drops the watches of a transaction an EXEC refused while busy discarded.
fn drop_pending_watches(state: &mut ClientState, keyspace: &mut Keyspace) {
    if std::mem::take(&mut state.unwatch_pending) {
        keyspace.watches.unwatch_all(state.info.id);
    }
}

/// Whether CLIENT PAUSE holds the command `argv` back (then `paused` says what to
/// wait for). Redis checks the pause last in `processCommand`, so a command refused
/// anyway is answered at once.
fn held_by_pause(
    state: &mut ClientState,
    paused: &mut Option<PauseWait>,
    shared: &Shared,
    keyspace: &mut Keyspace,
    resolved: &Result<CommandId, CommandError>,
    argv: &[Bytes],
) -> bool {
    if keyspace.pause().is_idle() {
        return false;
    }
    let Ok(id) = resolved else {
        return false;
    };
    // A pause holds eviction back too, so memory refuses nothing here.
    if check(shared, Some(keyspace), *id, state, argv, Checking::Probe).is_err() {
        return false;
    }
    let spec = command::table().by_id(*id);
    let writes = command_flags(keyspace, spec, argv, state) & (flags::WRITE | flags::MAY_REPLICATE);
    let now = shared.clock.now_ms();
    match keyspace.admit(state.info.id, writes != 0, now) {
        Admission::Run => false,
        Admission::Wait => {
            // CLIENT LIST already shows the held command, as Redis's does.
            state.set_last_command(*id);
            *paused = Some(keyspace.pause().wait_for_change(now));
            true
        }
    }
}

/// Before a client's top-level command: while some client tracks, client-side caching
/// is told whose command runs (its invalidations wait for its reply).
#[inline(always)]
fn begin_tracked_command(keyspace: &mut Keyspace, client: &ClientState) {
    if keyspace.tracking.has_clients() {
        keyspace.tracking.set_current(client.info.id);
    }
}

/// After a client's top-level command (`command`, unless it was unknown; Redis's
/// `afterCommand` and `resetClient`): invalidations held for it go out, and CLIENT
/// CACHING's flag ends unless the client is in MULTI or the command was CLIENT or one
/// of its subcommands. Answers, when some went to the client's own mailbox, how many
/// of its messages were queued before them: those after follow the reply.
#[inline(always)]
fn finish_tracked_command(
    shared: &Shared,
    keyspace: &mut Keyspace,
    client: &ClientState,
    command: Option<CommandId>,
) -> Option<usize> {
    if !keyspace.tracking.is_active() {
        return None;
    }
    finish_tracked_command_slow(shared, keyspace, client, command)
}

/// [`finish_tracked_command`] when some client tracks or messages wait.
#[inline(never)]
fn finish_tracked_command_slow(
    shared: &Shared,
    keyspace: &mut Keyspace,
    client: &ClientState,
    command: Option<CommandId>,
) -> Option<usize> {
    let mut trailing = None;
    if keyspace.tracking.has_pending() {
        let queued = client
            .mailbox
            .as_ref()
            .map_or(0, |mailbox| mailbox.queued());
        let (tracking, out) = keyspace.tracking_out(shared.clock.now_ms());
        tracking.flush_pending(out);
        let now_queued = client
            .mailbox
            .as_ref()
            .map_or(0, |mailbox| mailbox.queued());
        trailing = (now_queued > queued).then_some(queued);
    }
    let tracking = &mut keyspace.tracking;
    tracking.set_current(0);
    if tracking.has_clients() {
        let client_command = command.is_some_and(|id| {
            let name = command::table().by_id(id).name;
            name == "client" || name.starts_with("client|")
        });
        tracking.command_done(client.info.id, client.multi.is_some() || client_command);
    }
    trailing
}

/// The end of a batch (Redis: before its event loop sleeps): the append-only file
/// gets what the batch propagated (synced before the replies go out under
/// `appendfsync always`), and broadcast-mode tracking clients the keys changed under
/// their prefixes.
#[inline]
fn end_of_batch(shared: &Shared, keyspace: &mut Keyspace) {
    if keyspace.aof.has_pending() {
        let child_active = keyspace.background_job_running();
        keyspace
            .aof
            .write_pending(shared.clock.now_ms(), child_active);
    }
    if keyspace.tracking.broadcasts() {
        let (tracking, out) = keyspace.tracking_out(shared.clock.now_ms());
        tracking.broadcast(out);
    }
}

/// How long a client waits for the store before looking whether a script is busy.
const BUSY_POLL: Duration = Duration::from_millis(2);

/// Longest an in-process client held by CLIENT PAUSE sleeps before looking again (the
/// engine clock may be virtual, so the pause's end is not a reliable alarm).
const PAUSE_POLL: Duration = Duration::from_millis(10);

/// How one in-process command went.
enum Outcome {
    /// It ran (or was answered while a script was busy).
    Ran(Reply),
    /// CLIENT PAUSE holds it.
    Paused,
    /// The [`StreamStep`] refused it.
    Refused,
}

/// What a replica's link does around each command of its master's stream
/// ([`Session::execute_from_master`]), under the same hold of the engine as the
/// command, so nothing sees the command applied but not counted.
pub(crate) trait StreamStep {
    /// Whether the command may run (the link is still current).
    fn admit(&mut self, keyspace: &mut Keyspace) -> bool;
    /// The command ran; the master client is now in database `db`, inside MULTI when
    /// `in_transaction`.
    fn applied(&mut self, keyspace: &mut Keyspace, in_transaction: bool, db: usize);
}

/// The store, or the replies given without it while a script was busy.
enum Locked<'s> {
    Store(parking_lot::MutexGuard<'s, Store>),
    Answered(Vec<Reply>),
    /// A busy script holds the store and the next request must wait for it.
    Busy,
}

/// Runs `argv` for a script (`redis.call`) as the script's `client`, with Redis's
/// script checks (`scriptCall`) before the usual dispatch: no re-locking, and the
/// script's time snapshot. Errors come back as Redis's texts.
pub(crate) fn execute_in_script(
    ctx: &mut Ctx<'_>,
    (client, names): (&mut ClientState, &mut ResolvedName),
    argv: &[Bytes],
    mode: crate::command::scripting::RunMode,
) -> Result<Reply, String> {
    let table = command::table();
    // A refusal is counted as Redis counts one (`rejected_calls`, errorstats by its
    // code); `message` starts with its code.
    let refused = |ctx: &mut Ctx<'_>, id: Option<CommandId>, message: String| {
        ctx.stats.total_commands += 1;
        ctx.stats.total_error_replies += 1;
        let code = message.split(' ').next().unwrap_or("ERR").to_string();
        *ctx.stats.errors.entry(code).or_default() += 1;
        if let Some(id) = id {
            ctx.stats.command_mut(id).rejected_calls += 1;
        }
        Err(message)
    };
    let rejected = |ctx: &mut Ctx<'_>, id: Option<CommandId>, text: &str| {
        refused(ctx, id, format!("ERR {text}"))
    };
    let id = match names.resolve(argv) {
        Ok(id) => id,
        Err(_) => return rejected(ctx, None, "Unknown Redis command called from script"),
    };
    let spec = table.by_id(id);
    if !spec.arity_ok(argv.len()) {
        return rejected(
            ctx,
            Some(id),
            "Wrong number of args calling Redis command from script",
        );
    }
    if spec.flags & flags::NOSCRIPT != 0 && !ctx.keyspace.scripts_may_call_anything {
        return rejected(
            ctx,
            Some(id),
            "This Redis command is not allowed from script",
        );
    }
    if ctx.keyspace.replication.is_stale() && spec.flags & flags::STALE == 0 {
        return rejected(
            ctx,
            Some(id),
            "Can not execute the command on a stale replica",
        );
    }
    if !ctx.client.must_obey() {
        if let Err(denied) = ctx.client.user.check(id, argv) {
            let context = crate::acl::Context::Lua;
            log_acl_denial(ctx.shared, ctx.client, (id, argv), denied, context);
            let reason = crate::error::acl_denial_reason(denied);
            let text = format!("The user executing the script {reason}");
            return rejected(ctx, Some(id), &text);
        }
    }
    if mode.read_only && spec.flags & (flags::WRITE | flags::MAY_REPLICATE) != 0 {
        return rejected(
            ctx,
            Some(id),
            "Write commands are not allowed from read-only scripts.",
        );
    }
    // Redis's scriptVerifyWriteCommandAllow and scriptVerifyOOM: once a script has
    // written, a later refusal would leave its work half done, so they only check
    // until its first write.
    let status = &ctx.shared.script_status;
    let written = status.has_written();
    let writes = spec.flags & flags::WRITE != 0;
    let replication = &ctx.keyspace.replication;
    let read_only_replica = replication.is_replica() && replication.read_only;
    if writes && !written && read_only_replica && !ctx.client.info.master {
        return refused(ctx, Some(id), crate::error::READ_ONLY_REPLICA.to_string());
    }
    if writes && !written {
        if let Some(why) = ctx.keyspace.aof_write_refusal() {
            return refused(ctx, Some(id), why);
        }
    }
    if writes
        && !written
        && ctx.shared.writes_need_replicas.load(Ordering::Relaxed)
        && !replication.has_good_replicas(ctx.now_ms / 1000)
    {
        return refused(ctx, Some(id), crate::error::NO_REPLICAS.to_string());
    }
    let eviction = &ctx.keyspace.eviction;
    if !mode.allow_oom
        && !written
        && spec.flags & flags::DENYOOM != 0
        && eviction.oom_at_command_start
        && eviction.limits.maxmemory != 0
    {
        return refused(ctx, Some(id), crate::error::OOM.to_string());
    }
    if writes {
        status.mark_wrote();
    }
    let target = Target {
        shared: ctx.shared,
        keyspace: ctx.keyspace,
        stats: ctx.stats,
        client,
    };
    let now = Some(ctx.now_ms);
    let (result, _) = dispatch(
        target,
        Ok(id),
        argv,
        ctx.shared.clock.read(),
        now,
        Origin::Script,
        Some(ctx.client),
    );
    result.map_err(|error| error.message().into_owned())
}

/// Appends the client's waiting published messages to `out`.
fn deliver(client: &ClientState, out: &mut BytesMut) {
    if let Some(mailbox) = &client.mailbox {
        mailbox.deliver(client.protocol, out);
    }
}

/// What a command runs against: the engine, the locked store's parts, the client.
struct Target<'a> {
    shared: &'a Shared,
    keyspace: &'a mut Keyspace,
    stats: &'a mut ExecStats,
    client: &'a mut ClientState,
}

/// Runs one command queued by MULTI, from EXEC's handler: the same checks and
/// counters as any command, at the transaction's time snapshot. Errors become error
/// replies inside EXEC's array.
pub(crate) fn execute_queued(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> Reply {
    let resolved = command::table().resolve_id(argv);
    // The user's permissions are checked again: they may have changed since the
    // command was queued.
    if let Ok(id) = resolved {
        if let Err(error) = recheck_queued(ctx, id, argv) {
            ctx.stats.total_error_replies += 1;
            *ctx.stats.errors.entry(error.code()).or_default() += 1;
            return Reply::from(error);
        }
    }
    let target = Target {
        shared: ctx.shared,
        keyspace: ctx.keyspace,
        stats: ctx.stats,
        client: ctx.client,
    };
    let now = Some(ctx.now_ms);
    let (result, _) = dispatch(
        target,
        resolved,
        argv,
        ctx.shared.clock.read(),
        now,
        Origin::Transaction,
        None,
    );
    // Inside EXEC's reply every message comes first.
    ctx.client.reply_point = None;
    result.unwrap_or_else(Reply::from)
}

/// EXEC's ACL check of a queued command (Redis's `execCommand`).
fn recheck_queued(ctx: &mut Ctx<'_>, id: CommandId, argv: &[Bytes]) -> Result<(), CommandError> {
    if ctx.client.must_obey() {
        return Ok(());
    }
    refresh_user(ctx.shared, ctx.client);
    ctx.client.user.check(id, argv).map_err(|denied| {
        let context = ctx.client.acl_context();
        log_acl_denial(ctx.shared, ctx.client, (id, argv), denied, context);
        crate::error::no_permission_in_exec(denied)
    })
}

/// Checks and runs one resolved command, updating the execution counters (and the
/// command log while it records). `started` is when the command began; `fixed_now`
/// is the time snapshot of an enclosing EXEC or script; `caller` is the client that
/// ran the script, for a script's command. Answers the result and when the command
/// ended.
fn dispatch(
    target: Target<'_>,
    resolved: Result<CommandId, CommandError>,
    argv: &[Bytes],
    started: Reading,
    fixed_now: Option<u64>,
    origin: Origin,
    caller: Option<&ClientState>,
) -> (Result<Reply, CommandError>, Reading) {
    let Target {
        shared,
        keyspace,
        stats,
        client,
    } = target;
    // The command log wants the client as it was before the command (SELECT moves it),
    // and for a script's command the client that ran the script.
    let before = match shared.command_log.is_recording() {
        true => Some(LogClient {
            db: client.db,
            ..LogClient::of(caller.unwrap_or(client))
        }),
        false => None,
    };
    let (result, ended, stats) = match resolved {
        Ok(id) => {
            let target = Target {
                shared,
                keyspace,
                stats,
                client: &mut *client,
            };
            check_and_run(target, id, argv, started, fixed_now)
        }
        Err(error) => {
            client.flag_transaction();
            (Err(error), started, stats)
        }
    };
    stats.total_commands += 1;
    if let Err(error) = &result {
        if !matches!(error, CommandError::Script { counted: true, .. }) {
            stats.total_error_replies += 1;
            *stats.errors.entry(error.code()).or_default() += 1;
        }
    }
    if let Some(before) = before {
        let reply = match (&result, &client.blocked) {
            (_, Some(_)) => None,
            (Ok(reply), None) => Some(reply.clone()),
            (Err(error), None) => Some(Reply::from(error.clone())),
        };
        log_command(shared, before, argv, reply, origin);
    }
    (result, ended)
}

/// Who ran a logged command.
struct LogClient {
    id: u64,
    name: Bytes,
    db: usize,
}

impl LogClient {
    fn of(client: &ClientState) -> LogClient {
        LogClient {
            id: client.info.id,
            name: Bytes::copy_from_slice(&client.info.name),
            db: client.db,
        }
    }
}

/// Keeps one command in the engine's command log.
fn log_command(
    shared: &Shared,
    client: LogClient,
    argv: &[Bytes],
    reply: Option<Reply>,
    origin: Origin,
) {
    shared.command_log.record(LoggedCommand {
        client_id: client.id,
        client_name: client.name,
        db: client.db,
        argv: argv.to_vec(),
        reply,
        time_ms: shared.clock.now_ms(),
        origin,
    });
}

/// What a RESP2 client may run while subscribed.
const ALLOWED_WHILE_SUBSCRIBED: &[&str] = &[
    "ping",
    "subscribe",
    "ssubscribe",
    "unsubscribe",
    "sunsubscribe",
    "psubscribe",
    "punsubscribe",
    "quit",
    "reset",
];

/// Commands that run at once inside MULTI instead of being queued.
const NOT_QUEUED: &[&str] = &["exec", "discard", "multi", "watch", "quit", "reset"];

fn check_and_run<'a>(
    target: Target<'a>,
    id: CommandId,
    argv: &[Bytes],
    started: Reading,
    fixed_now: Option<u64>,
) -> (Result<Reply, CommandError>, Reading, &'a mut ExecStats) {
    let Target {
        shared,
        keyspace,
        stats,
        client,
    } = target;
    let table = command::table();
    let spec = table.by_id(id);
    let now_ms = fixed_now.unwrap_or(started.now_ms());
    // Only a client's own commands answer to `maxmemory`, not those a transaction or a
    // script runs (which come with their caller's time).
    let top_level = fixed_now.is_none().then_some(now_ms);
    let checking = Checking::Run { top_level };
    if let Err(error) = check(shared, Some(&mut *keyspace), id, client, argv, checking) {
        stats.command_mut(id).rejected_calls += 1;
        client.flag_transaction();
        if spec.name == "exec" {
            client.end_transaction();
            keyspace.watches.unwatch_all(client.info.id);
            return (Err(crate::error::exec_abort(&error)), started, stats);
        }
        return (Err(error), started, stats);
    }
    // What EXEC runs leaves EXEC as the client's last command, as in Redis.
    if fixed_now.is_none() {
        client.set_last_command(id);
    }
    client.info.last_interaction_ms = now_ms;
    // Tracking clients only come and go through CLIENT and RESET, which read nothing.
    let tracking = keyspace.tracking.has_clients();
    if tracking && fixed_now.is_none() {
        // A command from a client (queued ones too) first keeps the tracking table
        // within `tracking-table-max-keys`; those messages precede its reply.
        let (tracking, out) = keyspace.tracking_out(now_ms);
        tracking.limit_keys(out);
    }
    if let Some(queue) = &mut client.multi {
        let container = spec.name.split('|').next().unwrap_or(spec.name);
        if !NOT_QUEUED.contains(&container) {
            queue.push(argv.iter().map(|arg| Bytes::copy_from_slice(arg)).collect());
            if !client.multi_failed {
                let flags = command_flags(keyspace, spec, argv, client);
                client.multi_flags |= flags;
                client.multi_inv_flags |= !flags;
            }
            return (Ok(Reply::status("QUEUED")), started, stats);
        }
    }
    let mut ctx = Ctx {
        keyspace,
        stats,
        now_ms,
        client,
        shared,
    };
    let mut args = Args::new(argv, if table.is_subcommand(id) { 2 } else { 1 });
    ctx.client.redacted.clear();
    // While writes propagate, this call gets its own propagation state (a nested
    // call of EXEC or a script would otherwise see its caller's).
    let propagation = ctx.keyspace.replication.is_active().then(|| {
        let outer = std::mem::take(&mut ctx.client.propagation);
        (ctx.keyspace.persistence.dirty, outer)
    });
    // A replica's master runs its commands on keys the master still has.
    let obeys_master = ctx.client.info.master;
    if obeys_master {
        ctx.keyspace.set_expired_live(true);
    }
    let result = (spec.handler)(&mut ctx, &mut args);
    if obeys_master {
        ctx.keyspace.set_expired_live(false);
    }
    if let Some((dirty_before, outer)) = propagation {
        propagate_call(&mut ctx, spec, argv, dirty_before, outer);
        if fixed_now.is_none() {
            // Redis's `afterCommand` at the outermost call: what it propagated goes
            // out now, as one transaction unless the command touches arbitrary keys.
            let arbitrary = matches!(spec.name, "randomkey" | "scan");
            let offset_before = ctx.keyspace.replication.offset;
            ctx.keyspace.propagate_pending(arbitrary, ctx.now_ms);
            // WAIT waits for the offset of the client's last write that propagated.
            if ctx.keyspace.replication.offset != offset_before {
                ctx.client.write_offset = ctx.keyspace.replication.offset;
            }
        }
    }
    // What the slowlog and MONITOR show: the arguments, passwords redacted.
    let shown = redacted(argv, &ctx.client.redacted);
    let argv = &shown[..];
    if tracking && spec.flags & flags::READONLY != 0 {
        remember_read_keys(&mut ctx, spec, argv);
    }
    let ended = shared.clock.read();
    let usec = started.micros_until(ended);
    // A command that blocked enters the slowlog and the latency histogram once it is
    // served (see `answer_waiter`); one that times out never does, as in Redis.
    let blocked = ctx.client.blocked.is_some();
    if blocked {
        let info = &ctx.client.info;
        let call = BlockedCall {
            argv: argv.iter().map(|arg| Bytes::copy_from_slice(arg)).collect(),
            peer: info.addr.clone(),
            name: Bytes::copy_from_slice(&info.name),
            usec,
        };
        ctx.keyspace.blocking.note_call(info.id, call);
    } else if ctx.keyspace.slowlog.is_slow(usec) && spec.flags & flags::SKIP_SLOWLOG == 0 {
        let info = &ctx.client.info;
        let time = ctx.now_ms / 1000;
        ctx.keyspace
            .slowlog
            .record(argv, time, usec, &info.addr, &info.name);
    }
    if !ctx.keyspace.monitors.is_empty() && spec.flags & (flags::SKIP_MONITOR | flags::ADMIN) == 0 {
        feed_monitors(&ctx, argv);
    }
    let event = match spec.flags & flags::FAST {
        0 => "command",
        _ => "fast-command",
    };
    let tracks_latency = ctx.keyspace.latency.tracking;
    ctx.keyspace
        .latency
        .add_if_needed(event, usec / 1000, ctx.now_ms / 1000);
    let stats = ctx.stats;
    let counters = stats.command_mut(id);
    counters.calls += 1;
    counters.usec += usec;
    if tracks_latency && !blocked {
        counters.latency.record(usec);
    }
    if result.is_err() {
        counters.failed_calls += 1;
    }
    (result, ended, stats)
}

/// `argv` with the arguments at `positions` replaced by `(redacted)`, as Redis's
/// `redactClientCommandArgument` leaves them for the slowlog and MONITOR.
fn redacted<'a>(argv: &'a [Bytes], positions: &[usize]) -> std::borrow::Cow<'a, [Bytes]> {
    if positions.is_empty() {
        return std::borrow::Cow::Borrowed(argv);
    }
    let mut shown = argv.to_vec();
    for &position in positions {
        if let Some(arg) = shown.get_mut(position) {
            *arg = Bytes::from_static(b"(redacted)");
        }
    }
    std::borrow::Cow::Owned(shown)
}

/// Queues what the call just run propagates (the end of Redis's `call`): its argv,
/// or the form its handler rewrote it to, when it changed the dataset or forced
/// propagation, unless it prevented it; never EXEC, a script or a function itself,
/// whose commands propagate on their own (effects replication). Restores the
/// caller's propagation state.
fn propagate_call(
    ctx: &mut Ctx<'_>,
    spec: &CommandSpec,
    argv: &[Bytes],
    dirty_before: u64,
    outer: crate::replication::CallPropagation,
) {
    let call = std::mem::replace(&mut ctx.client.propagation, outer);
    // A save during the call (BGSAVE reaped, SAVE) lowers the counter: no change.
    let changed = ctx.keyspace.persistence.dirty > dirty_before;
    let runs_commands = spec.name == "exec" || command::runs_script(spec.name.as_bytes());
    if call.prevented || runs_commands || !(changed || call.forced) {
        return;
    }
    let argv = call.rewritten.unwrap_or_else(|| argv.to_vec());
    // A command a script calls goes where `redis.set_repl` said; what a command adds
    // with `also_propagate` goes everywhere, as in Redis.
    let targets = match ctx.client.in_script {
        true => ctx.keyspace.replication.script_targets,
        false => crate::replication::TO_ALL,
    };
    let db = ctx.client.db;
    ctx.keyspace.replication.also_propagate(db, argv, targets);
}

/// After a read-only command, the keys it named are remembered for a tracking client
/// (Redis's `trackingRememberKeys`); a read inside a script remembers the keys the
/// script declared, for its caller. The read-only script commands themselves leave it
/// to the commands they call; shard channels are not keys to cache.
fn remember_read_keys(ctx: &mut Ctx<'_>, spec: &CommandSpec, argv: &[Bytes]) {
    let tracking = &mut ctx.keyspace.tracking;
    if ctx.client.in_script {
        tracking.script_read();
        return;
    }
    let id = ctx.client.info.id;
    let script = matches!(spec.name, "eval_ro" | "evalsha_ro" | "fcall_ro");
    if script || spec.flags & flags::PUBSUB != 0 || !tracking.remembers(id) {
        return;
    }
    let positions = command::key_positions(spec.name, argv);
    tracking.remember(id, positions.iter().map(|&at| argv[at].as_ref()));
}

/// Sends the command just run to every MONITOR client, in Redis's line format:
/// `+<unix seconds>.<micros> [<db> <addr>] "arg" "arg"...` with C-style escapes.
pub(crate) fn feed_monitors(ctx: &Ctx<'_>, argv: &[Bytes]) {
    use std::fmt::Write as _;
    let now_us = ctx.shared.clock.now_us();
    let mut line = format!(
        "{}.{:06} [{} {}]",
        now_us / 1_000_000,
        now_us % 1_000_000,
        ctx.client.db,
        if ctx.client.info.unix_socket {
            format!("unix:{}", ctx.client.info.laddr)
        } else {
            ctx.client.info.addr.clone()
        }
    );
    for arg in argv {
        line.push_str(" \"");
        for &byte in arg.iter() {
            match byte {
                b'\\' | b'"' => {
                    line.push('\\');
                    line.push(byte as char);
                }
                b'\n' => line.push_str("\\n"),
                b'\r' => line.push_str("\\r"),
                b'\t' => line.push_str("\\t"),
                0x07 => line.push_str("\\a"),
                0x08 => line.push_str("\\b"),
                0x20..=0x7e => line.push(byte as char),
                _ => {
                    let _ = write!(line, "\\x{byte:02x}");
                }
            }
        }
        line.push('"');
    }
    let size = line.len() as u64;
    let limit = ctx.keyspace.pubsub.limit;
    let feed = Reply::Status(Bytes::from(line));
    for (_, mailbox) in &ctx.keyspace.monitors {
        mailbox.post(feed.clone(), size, limit, ctx.now_ms);
    }
}

/// A command's flags as Redis's `getCommandFlags` sees them: a script's declared
/// flags replace those of EVAL, EVALSHA and FCALL (and their `_RO` forms), and EXEC
/// carries those of the commands it queued.
fn command_flags(
    keyspace: &Keyspace,
    spec: &CommandSpec,
    argv: &[Bytes],
    client: &ClientState,
) -> u32 {
    use crate::scripting::{command_flags_for_script, eval_command_flags};
    let scripts = &keyspace.scripts;
    match spec.name {
        "eval" | "eval_ro" => eval_command_flags(scripts, spec.flags, false, argv),
        "evalsha" | "evalsha_ro" => eval_command_flags(scripts, spec.flags, true, argv),
        "fcall" | "fcall_ro" => match argv
            .get(1)
            .and_then(|name| scripts.libraries.function(name))
        {
            Some((_, function)) => command_flags_for_script(spec.flags, function.flags),
            None => spec.flags,
        },
        "exec" => spec.flags | client.multi_flags,
        _ => spec.flags,
    }
}

/// Why [`check`] runs.
#[derive(Debug, Clone, Copy)]
enum Checking {
    /// Before the command runs; `top_level` is the time of a client's own command,
    /// which first makes room under `maxmemory`.
    Run { top_level: Option<u64> },
    /// Only to learn whether the command would be refused (CLIENT PAUSE holds only
    /// the others): a refusal is not recorded in the ACL log, since the command is
    /// checked again when it runs.
    Probe,
}

/// The checks Redis's `processCommand` makes before running a command, in its order
/// (`maxmemory` through [`refuse_when_out_of_memory`]).
fn check(
    shared: &Shared,
    mut keyspace: Option<&mut Keyspace>,
    id: CommandId,
    client: &mut ClientState,
    argv: &[Bytes],
    checking: Checking,
) -> Result<(), CommandError> {
    let (top_level, probe) = match checking {
        Checking::Run { top_level } => (top_level, false),
        Checking::Probe => (None, true),
    };
    let spec = command::table().by_id(id);
    refresh_user(shared, client);
    let client = &*client;
    // Over the wire the decoder already refuses such a bulk; in-process callers get the
    // same answer, because the keyspace stores key lengths in 32 bits.
    if argv.iter().any(|arg| arg.len() > crate::dict::MAX_KEY_LEN) {
        return Err(CommandError::err(kvdb_resp::ERR_INVALID_BULK.message()));
    }
    if !spec.arity_ok(argv.len()) {
        return Err(CommandError::WrongArity(spec.name.into()));
    }
    if spec.flags & flags::PROTECTED != 0 {
        let module = spec.name.starts_with("module|");
        let config = shared.config.read();
        let setting = match module {
            true => config.enable_module_command(),
            false => config.enable_debug_command(),
        };
        let allowed = match setting {
            crate::config::ProtectedAction::Yes => true,
            crate::config::ProtectedAction::No => false,
            crate::config::ProtectedAction::Local => is_local(&client.info),
        };
        if !allowed {
            return Err(match module {
                true => CommandError::ModuleNotAllowed,
                false => CommandError::DebugNotAllowed,
            });
        }
    }
    // EXEC checks again only what the user may run (below), as Redis's `execCommand`.
    let queued_by_exec = client.in_exec;
    if client.default_needs_auth
        && !client.authenticated
        && !queued_by_exec
        && spec.flags & flags::NO_AUTH == 0
    {
        return Err(CommandError::NoAuth);
    }
    if client.multi.is_some() && spec.flags & flags::NO_MULTI != 0 {
        return Err(CommandError::err(
            "Command not allowed inside a transaction",
        ));
    }
    // A client's own commands; EXEC and scripts check what they run themselves, and
    // a master or the AOF loader is obeyed, as Redis's user-less clients are.
    if !client.in_script && !client.in_exec && !client.must_obey() {
        if let Err(denied) = client.user.check(id, argv) {
            if !probe {
                log_acl_denial(shared, client, (id, argv), denied, client.acl_context());
            }
            return Err(crate::error::no_permission(denied, spec.name));
        }
    }
    if let (Some(keyspace), Some(now_ms)) = (keyspace.as_deref_mut(), top_level) {
        if keyspace.eviction.limits.maxmemory != 0 {
            refuse_when_out_of_memory(keyspace, spec, argv, client, now_ms)?;
        }
    }
    let keyspace = keyspace.as_deref();
    // Writes (and PING) are refused while the append-only file cannot be written
    // (Redis's `writeCommandsDeniedByDiskError`); its master and the file's own
    // loading are obeyed.
    if let Some(why) = keyspace.and_then(Keyspace::aof_write_refusal) {
        if !client.must_obey() && (spec.name == "ping" || is_write(keyspace, spec, argv, client)) {
            return Err(CommandError::Other(why.into()));
        }
    }
    if shared.writes_need_replicas.load(Ordering::Relaxed)
        && keyspace.is_some_and(|keyspace| {
            !keyspace
                .replication
                .has_good_replicas(shared.clock.now_ms() / 1000)
        })
        && is_write(keyspace, spec, argv, client)
    {
        return Err(CommandError::Other(crate::error::NO_REPLICAS.into()));
    }
    // A replica's rules bind every client but its master, checked when a command
    // arrives (EXEC and scripts do not check what they run again).
    let replica = keyspace
        .map(|keyspace| &keyspace.replication)
        .filter(|replication| {
            replication.is_replica() && !client.info.master && top_level.is_some()
        });
    if replica.is_some_and(|replication| replication.read_only)
        && is_write(keyspace, spec, argv, client)
    {
        return Err(CommandError::Other(crate::error::READ_ONLY_REPLICA.into()));
    }
    let touches_keyspace = flags::WRITE | flags::READONLY | flags::MAY_REPLICATE;
    if client.monitoring && spec.flags & touches_keyspace != 0 {
        return Err(CommandError::err(
            "Replica can't interact with the keyspace",
        ));
    }
    if client.subscribed
        && client.protocol == Protocol::Resp2
        && !queued_by_exec
        && !ALLOWED_WHILE_SUBSCRIBED.contains(&spec.name)
    {
        return Err(CommandError::err(format!(
            "Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / \
             RESET are allowed in this context",
            spec.name
        )));
    }
    if replica.is_some_and(Replication::is_stale) && denied_when_stale(keyspace, spec, argv, client)
    {
        return Err(CommandError::Other(crate::error::MASTER_DOWN.into()));
    }
    Ok(())
}

/// Re-reads the client's user once the users changed: Redis's clients point at
/// their user, so they see each change at once. A client whose user was deleted is
/// logged out to the default user, as Redis leaves one it is about to close.
pub(crate) fn refresh_user(shared: &Shared, client: &mut ClientState) {
    let version = shared.acl_version.load(Ordering::Acquire);
    if version == client.acl_version {
        return;
    }
    let acl = shared.acl.read();
    match acl.user(client.user.name()) {
        Some(user) => client.user = user.clone(),
        None => {
            client.user = acl.default_user().clone();
            client.authenticated = false;
        }
    }
    if client.info.user != *client.user.name() && !client.info.master {
        client.info.user = client.user.name().clone();
        client.info_changed = true;
    }
    client.default_needs_auth = !acl.default_user().logs_in_without_password();
    client.acl_version = version;
}

/// Records a refused command (or login) in the ACL log (Redis's `addACLLogEntry`).
/// `call` is the command and its arguments, which name the refused key or channel.
pub(crate) fn log_acl_denial(
    shared: &Shared,
    client: &ClientState,
    (id, argv): (CommandId, &[Bytes]),
    denied: crate::acl::Denied,
    context: crate::acl::Context,
) {
    use crate::acl::{Denied, Reason};
    let name = command::table().by_id(id).name;
    let (reason, object) = match denied {
        Denied::Command => (Reason::Command, Bytes::from_static(name.as_bytes())),
        Denied::Key(at) => (Reason::Key, argv[at].clone()),
        Denied::Channel(at) => (Reason::Channel, argv[at].clone()),
    };
    // A client's own refused command shows as its last one; inside EXEC or a script
    // that is EXEC or the script's command.
    let own = context != crate::acl::Context::Lua && !client.in_exec;
    let user = client.user.name().clone();
    let call = (argv, own.then_some(name));
    add_acl_log_entry(shared, client, (reason, context), (object, user), call);
}

/// Adds one entry to the ACL log for `client`, whose command is `call`: its
/// arguments and the name CLIENT INFO shows for it (see
/// [`command::connection::client_info_line`]).
pub(crate) fn add_acl_log_entry(
    shared: &Shared,
    client: &ClientState,
    (reason, context): (crate::acl::Reason, crate::acl::Context),
    (object, username): (Bytes, Bytes),
    call: (&[Bytes], Option<&'static str>),
) {
    let now_ms = shared.clock.now_ms();
    let entry = crate::acl::LogEntry {
        count: 1,
        reason,
        context,
        object,
        username,
        time_ms: now_ms,
        client_info: command::connection::client_info_line(client, call, now_ms),
    };
    let max_len = shared.config.read().acllog_max_len();
    shared.acl.write().log.add(entry, max_len);
}

/// Redis's `is_denystale_command`: the command lacks the `stale` flag, or it is an
/// EXEC with a queued command that lacks it.
fn denied_when_stale(
    keyspace: Option<&Keyspace>,
    spec: &CommandSpec,
    argv: &[Bytes],
    client: &ClientState,
) -> bool {
    effective_flags(keyspace, spec, argv, client) & flags::STALE == 0
        || (spec.name == "exec" && client.multi_inv_flags & flags::STALE != 0)
}

/// Redis's `maxmemory` step of `processCommand`: evicts what the policy allows, then
/// refuses a command that may grow memory (`denyoom`, a script that did not declare
/// `allow-oom` or `no-writes`, an EXEC of such) if memory is still over, and so any
/// command but EXEC, DISCARD, QUIT and RESET inside MULTI, whose queue grows. Whether
/// memory was over is kept for the scripts this command may run.
fn refuse_when_out_of_memory(
    keyspace: &mut Keyspace,
    spec: &CommandSpec,
    argv: &[Bytes],
    client: &ClientState,
    now_ms: u64,
) -> Result<(), CommandError> {
    // Invalidations of evicted keys precede the reply, even to the client whose command
    // this is (Redis's trackingHandlePendingKeyInvalidations): the command may act on
    // the key again, and its reply must not be followed by news of the old value.
    let current = keyspace.tracking.set_current(0);
    let out_of_memory = keyspace.perform_evictions(now_ms) == crate::evict::Outcome::Fail;
    keyspace.tracking.set_current(current);
    let refused = command_flags(keyspace, spec, argv, client) & flags::DENYOOM != 0
        || (client.multi.is_some() && !matches!(spec.name, "exec" | "discard" | "quit" | "reset"));
    if out_of_memory && refused {
        return Err(CommandError::Other(crate::error::OOM.into()));
    }
    keyspace.eviction.oom_at_command_start = out_of_memory;
    Ok(())
}

/// Redis's `is_write_command` for `processCommand`: a write, an EXEC of a queued
/// write, or a script that did not declare `no-writes`. Without the keyspace (while a
/// script runs busy) a script's declared flags are unknown, and only the command's own
/// count.
fn is_write(
    keyspace: Option<&Keyspace>,
    spec: &CommandSpec,
    argv: &[Bytes],
    client: &ClientState,
) -> bool {
    effective_flags(keyspace, spec, argv, client) & flags::WRITE != 0
}

/// The command's flags as `processCommand` sees them ([`command_flags`]); without the
/// keyspace (while a script runs busy) only its own and, for EXEC, the queued ones.
fn effective_flags(
    keyspace: Option<&Keyspace>,
    spec: &CommandSpec,
    argv: &[Bytes],
    client: &ClientState,
) -> u32 {
    match keyspace {
        Some(keyspace) => command_flags(keyspace, spec, argv, client),
        None if spec.name == "exec" => spec.flags | client.multi_flags,
        None => spec.flags,
    }
}

/// Redis's "local connection": loopback TCP or a unix socket (in-process counts too).
fn is_local(info: &crate::session::ClientInfo) -> bool {
    info.unix_socket
        || info.addr.is_empty()
        || info.addr.starts_with("127.")
        || info.addr.starts_with("[::1]")
}

/// Counts a connection accepted by the server.
pub fn count_connection(shared: &Shared) {
    shared
        .counters
        .connections_received
        .fetch_add(1, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clients_cron_trims_idle_and_oversized_query_buffers() {
        let client = Registered::new(ClientInfo {
            last_interaction_ms: 10_000,
            ..ClientInfo::default()
        });
        client.input_capacity.store(16 * 1024, Ordering::Relaxed);
        // Busy with its first-size buffer: left alone.
        assert_eq!(client.query_target(11_000), None);
        // Idle for more than two seconds: all of it goes.
        assert_eq!(client.query_target(13_000), Some(0));
        // Busy, with a buffer grown for one big request: down to the recent peak.
        client.last_interaction_ms.store(20_000, Ordering::Relaxed);
        client.input_capacity.store(512 * 1024, Ordering::Relaxed);
        client.query_peak.store(100, Ordering::Relaxed);
        assert_eq!(client.query_target(20_100), Some(100));
        // A buffer used to over half its size since the last look is kept, and the
        // peak starts over at each look.
        client.query_peak.store(300 * 1024, Ordering::Relaxed);
        assert_eq!(client.query_target(20_200), None);
        assert_eq!(client.query_peak.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn the_clients_cron_sizes_reply_buffers_by_their_peak() {
        let engine = crate::Engine::new();
        let shared = engine.shared();
        let client = Registered::new(ClientInfo::default());
        // An in-process session has no buffer to size.
        assert_eq!(client.reply_target(0, shared), None);
        client.output_capacity.store(16 * 1024, Ordering::Relaxed);
        // Small replies: down to 1 KiB at once.
        client.reply_peak.store(5, Ordering::Relaxed);
        assert_eq!(client.reply_target(100, shared), Some(1024));
        // A buffer filled by a big reply doubles, up to 16 KiB.
        for (size, grown) in [(1024, 2048), (8192, 16 * 1024)] {
            client.output_capacity.store(size, Ordering::Relaxed);
            client.reply_peak.store(size, Ordering::Relaxed);
            assert_eq!(client.reply_target(200, shared), Some(grown));
        }
        client.output_capacity.store(16 * 1024, Ordering::Relaxed);
        client.reply_peak.store(16 * 1024, Ordering::Relaxed);
        assert_eq!(client.reply_target(300, shared), None);
        // The peak starts over every peak-reset-time (5 s by default).
        assert_eq!(client.reply_peak(), 16 * 1024);
        client.reply_target(5_000, shared);
        assert_eq!(client.reply_peak(), 0);
        shared
            .reply_buffers
            .resizing
            .store(false, Ordering::Relaxed);
        assert_eq!(client.reply_target(5_100, shared), None);
        let counters = &shared.counters;
        assert_eq!(counters.reply_buffer_shrinks.load(Ordering::Relaxed), 1);
        assert_eq!(counters.reply_buffer_expands.load(Ordering::Relaxed), 2);
    }
}
