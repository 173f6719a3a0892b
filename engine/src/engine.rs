//! The engine handle: shared state behind one `Arc`, and the builder that makes it.
//!
//! All databases live in one [`Store`] behind one mutex. A connection takes the lock
//! once per pipelined batch and runs every command of the batch under it, which is also
//! what makes each command (and later MULTI/EXEC and scripts) atomic. Configuration,
//! the client registry and server counters sit beside it with their own cheap locks.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use parking_lot::{Mutex, RwLock};

use crate::clock::{Clock, EngineClock, SystemClock};
use crate::command::CommandId;
use crate::config::Config;
use crate::keyspace::Keyspace;
use crate::session::{Registered, Session};

/// Counters of one command for `INFO commandstats`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CommandCounters {
    /// Times the handler ran.
    pub calls: u64,
    /// Microseconds spent in the handler.
    pub usec: u64,
    /// Refused before running (arity, auth, ...).
    pub rejected_calls: u64,
    /// Ran and answered an error.
    pub failed_calls: u64,
    /// Durations, for LATENCY HISTOGRAM (with `latency-tracking yes`).
    pub latency: crate::latency::Histogram,
}

/// Execution counters, kept under the store lock so updating them costs no atomics.
#[derive(Debug, Default, Clone)]
pub struct ExecStats {
    /// Commands processed (`total_commands_processed`).
    pub total_commands: u64,
    /// Per command, indexed by [`CommandId`] (grown on first use).
    pub commands: Vec<CommandCounters>,
    /// Error replies by error code (`INFO errorstats`).
    pub errors: BTreeMap<String, u64>,
    /// All error replies (`total_error_replies`).
    pub total_error_replies: u64,
}

impl ExecStats {
    /// The counters of command `id`, if it has any yet.
    pub fn command(&self, id: CommandId) -> Option<&CommandCounters> {
        self.commands.get(usize::from(id))
    }

    /// The counters of command `id` (updated after every command: the growth on
    /// first use stays out of line).
    #[inline]
    pub fn command_mut(&mut self, id: CommandId) -> &mut CommandCounters {
        let index = usize::from(id);
        if index >= self.commands.len() {
            self.grow_commands();
        }
        &mut self.commands[index]
    }

    #[cold]
    fn grow_commands(&mut self) {
        self.commands.resize(
            crate::command::table().id_count(),
            CommandCounters::default(),
        );
    }
}

/// Everything behind the engine's lock.
#[derive(Debug)]
pub struct Store {
    /// The databases.
    pub keyspace: Keyspace,
    /// Execution counters.
    pub stats: ExecStats,
}

/// Server-wide counters updated outside the store lock.
#[derive(Debug, Default)]
pub struct ServerCounters {
    /// Connections accepted (`total_connections_received`).
    pub connections_received: AtomicU64,
    /// Connections refused for `maxclients` (`rejected_connections`).
    pub rejected_connections: AtomicU64,
    /// Bytes read from clients (`total_net_input_bytes`).
    pub net_input_bytes: AtomicU64,
    /// Bytes written to clients (`total_net_output_bytes`).
    pub net_output_bytes: AtomicU64,
    /// Bytes written to replicas (`total_net_repl_output_bytes`), not counted above.
    pub net_repl_output_bytes: AtomicU64,
    /// Bytes read from this replica's master (`total_net_repl_input_bytes`), counted
    /// in `net_input_bytes` too, as Redis counts them.
    pub net_repl_input_bytes: AtomicU64,
    /// Errors a replica's master's commands met (`unexpected_error_replies`).
    pub unexpected_error_replies: AtomicU64,
    /// Reply buffers the clients cron shrank and grew (`reply_buffer_shrinks`,
    /// `reply_buffer_expands`).
    pub reply_buffer_shrinks: AtomicU64,
    /// See `reply_buffer_shrinks`.
    pub reply_buffer_expands: AtomicU64,
    /// Reads and writes of client sockets (`total_reads_processed`,
    /// `total_writes_processed`).
    pub reads_processed: AtomicU64,
    /// See `reads_processed`.
    pub writes_processed: AtomicU64,
}

/// How the clients cron sizes reply buffers: `DEBUG REPLYBUFFER`'s settings.
#[derive(Debug)]
pub struct ReplyBufferSettings {
    /// How often (ms) a client's reply-buffer peak starts over; negative: never.
    pub peak_reset_ms: std::sync::atomic::AtomicI64,
    /// Whether reply buffers are resized at all.
    pub resizing: AtomicBool,
}

impl ReplyBufferSettings {
    /// Redis's `REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME`.
    pub const DEFAULT_PEAK_RESET_MS: i64 = 5000;
}

impl Default for ReplyBufferSettings {
    fn default() -> Self {
        ReplyBufferSettings {
            peak_reset_ms: std::sync::atomic::AtomicI64::new(Self::DEFAULT_PEAK_RESET_MS),
            resizing: AtomicBool::new(true),
        }
    }
}

/// Redis's `CLIENTS_CRON_MIN_ITERATIONS`: the fewest clients one clients-cron call
/// looks at.
const CLIENTS_CRON_MIN_ITERATIONS: usize = 5;

/// How a server moves its listeners to what a configuration says (see
/// [`Shared::listen_hook`]).
pub struct ListenHook(pub Box<ListenFn>);

/// Listens where a configuration says, or answers why not.
pub type ListenFn = dyn Fn(&Config) -> Result<(), String> + Send + Sync;

impl std::fmt::Debug for ListenHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ListenHook")
    }
}

/// State shared by every session of one engine.
#[derive(Debug)]
pub struct Shared {
    /// The keyspace and execution counters, locked once per batch.
    pub store: Mutex<Store>,
    /// Configuration (`CONFIG GET/SET`).
    pub config: RwLock<Config>,
    /// The engine's clock: the injected one, or virtual time once moved.
    pub clock: EngineClock,
    /// Connected clients, for `CLIENT LIST` and `INFO clients`. Each session updates
    /// its own entry (an uncontended lock) once per batch.
    pub clients: Mutex<BTreeMap<u64, Arc<Registered>>>,
    /// The id of the client the clients cron looked at last.
    pub clients_cron_cursor: AtomicU64,
    /// How the clients cron sizes reply buffers.
    pub reply_buffers: ReplyBufferSettings,
    /// Server counters.
    pub counters: ServerCounters,
    /// When the engine started (for uptime).
    pub started: Instant,
    /// The engine's clock at start, in ms.
    pub started_ms: u64,
    /// Memory in use when the engine was built (`startup.allocated`).
    pub startup_memory: u64,
    /// A random 40-hex-digit id for this run (`run_id`).
    pub run_id: String,
    /// Set by `SHUTDOWN`; the server watches it.
    pub shutdown: AtomicBool,
    /// The configuration asks for in-sync replicas before a write (see
    /// [`Config::writes_need_replicas`]): writes answer `NOREPLICAS`. Kept beside the
    /// configuration so the check costs one load per write.
    pub writes_need_replicas: AtomicBool,
    /// The script running now (read without the store lock, for `BUSY`).
    pub script_status: Arc<crate::scripting::ScriptStatus>,
    /// Makes the script host (none: scripting commands answer an error).
    pub script_host: Option<crate::scripting::HostFactory>,
    /// Called once by a script that runs long, on its thread: the server uses it to
    /// hand that thread's other duties (its async runtime worker) to another thread.
    pub long_script_hook: std::sync::OnceLock<fn()>,
    /// Set by a server: listens where a new configuration says (`CONFIG SET port` or
    /// `bind`), answering (and logging) why it could not.
    pub listen_hook: parking_lot::Mutex<Option<ListenHook>>,
    /// Armed fault rules (`DEBUG FAULT`, [`Engine::inject`]).
    pub faults: crate::fault::Faults,
    /// The structured log of executed commands ([`Engine::command_log`]).
    pub command_log: crate::command_log::CommandLog,
    /// The absolute path of the config file the server started from, which `CONFIG
    /// REWRITE` rewrites (none: it answers that there is no config file).
    pub config_file: Option<std::path::PathBuf>,
    /// Users and the security log (`ACL`, `AUTH`).
    pub acl: RwLock<crate::acl::Acl>,
    /// Moves on every change of `acl`: a session re-reads its user when it has.
    pub acl_version: AtomicU64,
    next_client_id: AtomicU64,
}

impl Shared {
    /// Changes the users with `change`, then tells every session to re-read its own.
    pub fn change_acl<R>(&self, change: impl FnOnce(&mut crate::acl::Acl) -> R) -> R {
        let mut acl = self.acl.write();
        let result = change(&mut acl);
        self.acl_version.fetch_add(1, Ordering::Release);
        result
    }

    /// A fresh client id (ids start at 1 and are never reused).
    pub fn next_client_id(&self) -> u64 {
        self.next_client_id.fetch_add(1, Ordering::Relaxed)
    }
}

/// A key's value and remaining TTL, as [`Engine::inspect`] reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspected {
    /// The value.
    pub value: InspectedValue,
    /// Milliseconds left before it expires, if it has a TTL.
    pub ttl_ms: Option<u64>,
}

/// A value in plain Rust types, for tests to assert on.
#[derive(Debug, Clone, PartialEq)]
pub enum InspectedValue {
    /// A string.
    String(Bytes),
    /// A list, head first.
    List(Vec<Bytes>),
    /// A hash's fields and values, in its iteration order.
    Hash(Vec<(Bytes, Bytes)>),
    /// A set's members, in its iteration order (ascending for an intset).
    Set(Vec<Bytes>),
    /// A sorted set's members and scores, lowest score first.
    ZSet(Vec<(Bytes, f64)>),
    /// A stream's live entries in ID order, each as its ID text and its fields and
    /// values (field, value, field, value...).
    Stream(Vec<(Bytes, Vec<Bytes>)>),
}

impl InspectedValue {
    fn of(value: &crate::types::Value) -> InspectedValue {
        use crate::types::Value;
        let bytes = |b: &[u8]| Bytes::copy_from_slice(b);
        match value {
            Value::Str(string) => InspectedValue::String(string.to_bytes()),
            Value::List(list) => InspectedValue::List(list.iter().map(|v| v.to_bytes()).collect()),
            Value::Hash(hash) => {
                InspectedValue::Hash(hash.iter().map(|(f, v)| (bytes(f), v.to_bytes())).collect())
            }
            Value::Set(set) => {
                InspectedValue::Set(set.members().map(|m| Bytes::from(m.to_vec())).collect())
            }
            Value::ZSet(zset) => {
                InspectedValue::ZSet(zset.iter().map(|(m, score)| (bytes(m), score)).collect())
            }
            Value::Stream(stream) => {
                use crate::types::stream::StreamId;
                let entries = stream.range(StreamId::MIN, StreamId::MAX, false, 0);
                InspectedValue::Stream(
                    entries
                        .into_iter()
                        .map(|(id, pairs)| (id.to_bytes(), pairs))
                        .collect(),
                )
            }
        }
    }
}

/// A handle to one engine; cheap to clone, shared by all its sessions.
#[derive(Debug, Clone)]
pub struct Engine {
    shared: Arc<Shared>,
}

/// Builds an [`Engine`].
#[derive(Debug, Default)]
pub struct EngineBuilder {
    config: Option<Config>,
    clock: Option<Arc<dyn Clock>>,
    seed: Option<u64>,
    script_host: Option<crate::scripting::HostFactory>,
    config_file: Option<std::path::PathBuf>,
}

impl EngineBuilder {
    /// Uses `config` (its `databases` sets the number of databases). Without one the
    /// engine has [`Config::without_save_points`].
    pub fn config(mut self, config: Config) -> Self {
        self.config = Some(config);
        self
    }

    /// Uses `clock` instead of the system clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Names the config file the configuration was read from, for `CONFIG REWRITE`
    /// and `INFO`'s `config_file`. A relative path is made absolute against the
    /// working directory now, as Redis does at startup.
    pub fn config_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        let path = path.as_ref();
        self.config_file = Some(std::path::absolute(path).unwrap_or_else(|_| path.into()));
        self
    }

    /// Seeds hashing and randomness, making randomised commands repeatable.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Runs scripts (`EVAL`, `FCALL`) with hosts made by `factory`; without one,
    /// those commands answer an error.
    pub fn script_host(mut self, factory: crate::scripting::HostFactory) -> Self {
        self.script_host = Some(factory);
        self
    }

    /// The engine. Panics when the configuration's users or ACL file cannot be
    /// loaded, which [`EngineBuilder::try_build`] answers instead.
    pub fn build(self) -> Engine {
        self.try_build().unwrap_or_else(|why| panic!("{why}"))
    }

    /// The engine, or why the configuration's users or ACL file cannot be loaded
    /// (the message Redis exits with).
    pub fn try_build(self) -> Result<Engine, String> {
        let config = self.config.unwrap_or_else(Config::without_save_points);
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let seed = self.seed.unwrap_or_else(random_seed);
        let mut keyspace = Keyspace::new(config.databases(), seed);
        keyspace.configure(&config);
        // `replicaof` in the configuration: a replica from the start.
        if let Some((host, port)) = config.replicaof() {
            keyspace.replication.follow(host, port);
            keyspace.refresh_expiry_hold();
        }
        keyspace.persistence.last_save = clock.now_ms() / 1000;
        let acl = crate::acl::Acl::configured(&config)?;
        Ok(Engine::assemble(
            (config, acl),
            clock,
            keyspace,
            seed,
            self.script_host,
            self.config_file,
        ))
    }
}

impl Engine {
    /// An engine around `keyspace`, reading `clock`.
    fn assemble(
        (config, acl): (Config, crate::acl::Acl),
        clock: Arc<dyn Clock>,
        keyspace: Keyspace,
        seed: u64,
        script_host: Option<crate::scripting::HostFactory>,
        config_file: Option<std::path::PathBuf>,
    ) -> Engine {
        let started_ms = clock.now_ms();
        let mut id_rng = crate::rng::Rng::new(seed ^ 0x5eed);
        let run_id = id_rng.hex_id();
        Engine {
            shared: Arc::new(Shared {
                store: Mutex::new(Store {
                    keyspace,
                    stats: ExecStats::default(),
                }),
                config: RwLock::new(config.clone()),
                clock: EngineClock::new(clock),
                clients: Mutex::new(BTreeMap::new()),
                clients_cron_cursor: AtomicU64::new(0),
                reply_buffers: ReplyBufferSettings::default(),
                counters: ServerCounters::default(),
                started: Instant::now(),
                started_ms,
                startup_memory: crate::memory::current_bytes(),
                run_id,
                shutdown: AtomicBool::new(false),
                writes_need_replicas: AtomicBool::new(config.writes_need_replicas()),
                script_status: Arc::default(),
                script_host,
                long_script_hook: std::sync::OnceLock::new(),
                listen_hook: parking_lot::Mutex::new(None),
                faults: Default::default(),
                command_log: Default::default(),
                config_file,
                acl: RwLock::new(acl),
                acl_version: AtomicU64::new(1),
                next_client_id: AtomicU64::new(1),
            }),
        }
    }

    /// An independent engine holding a copy of this one's data, configuration and
    /// time (virtual time included): parallel tests fork one seeded fixture instead of
    /// loading it again. Clients, subscriptions, blocked clients and counters are not
    /// copied.
    pub fn fork(&self) -> Engine {
        let keyspace = self.shared.store.lock().keyspace.clone();
        let config = self.shared.config.read().clone();
        let acl = self.shared.acl.read().clone();
        let fork = Engine::assemble(
            (config, acl),
            self.shared.clock.base(),
            keyspace,
            random_seed(),
            self.shared.script_host.clone(),
            self.shared.config_file.clone(),
        );
        fork.shared.clock.copy_time_from(&self.shared.clock);
        fork
    }
}

fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(Instant::now())
}

impl Default for Engine {
    fn default() -> Self {
        Engine::builder().build()
    }
}

impl Engine {
    /// A builder with Redis's defaults.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// An engine with Redis's defaults and the system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new client session (an in-process connection).
    pub fn session(&self) -> Session {
        Session::new(self.clone())
    }

    /// The state every session shares.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The engine's clock.
    pub fn clock(&self) -> &EngineClock {
        &self.shared.clock
    }

    /// Moves the engine's time forward by `by` without sleeping (virtual time from
    /// now on): every key whose TTL has passed is deleted as active expiry would, and
    /// clients blocked past their deadline get their timeout reply. TIME, TTLs and
    /// OBJECT IDLETIME move with it.
    pub fn advance(&self, by: std::time::Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.shared.clock.advance(ms);
        self.catch_up();
    }

    /// Sets the engine's time to `unix_ms` (virtual time from now on), then expires
    /// and times out what is due, as [`Engine::advance`] does.
    pub fn set_time(&self, unix_ms: u64) {
        self.shared.clock.set(unix_ms);
        self.catch_up();
    }

    /// Goes back to the injected clock (the system clock unless another was given).
    pub fn real_time(&self) {
        self.shared.clock.follow_base();
    }

    /// Deletes every key whose TTL has passed and times out blocked clients whose
    /// deadline has, at the engine's current time.
    fn catch_up(&self) {
        let now = self.shared.clock.now_ms();
        let mut store = self.shared.store.lock();
        store.keyspace.expire_all_due(now);
        store.keyspace.blocking.time_out(now);
        store.keyspace.migrate_sockets.close_idle(now / 1000);
        let (tracking, out) = store.keyspace.tracking_out(now);
        tracking.broadcast(out);
    }

    /// Runs one active-expiry cycle of at most `max_rounds` sampling rounds (the server
    /// calls this `hz` times a second), times out blocked clients whose deadline has
    /// passed on the engine clock, goes on with an unfinished eviction, and enforces
    /// `tracking-table-max-keys`; returns the number of keys expired.
    /// A script running past `busy-reply-threshold` holds the store: the cycle is
    /// skipped then rather than waited for (Redis runs no cron while busy either).
    pub fn expire_cycle(&self, max_rounds: usize) -> usize {
        let now = self.shared.clock.now_ms();
        let mut store = loop {
            if let Some(store) = self
                .shared
                .store
                .try_lock_for(std::time::Duration::from_millis(5))
            {
                break store;
            }
            if self.shared.script_status.running().is_some() {
                return 0;
            }
        };
        // Blocked clients time out even while the cron is paused, as Redis answers
        // them before its event loop sleeps.
        store.keyspace.blocking.time_out(now);
        let cron = !store.keyspace.cron_paused;
        let deleted = match cron {
            true => {
                let started = Instant::now();
                let deleted = store.keyspace.expire_cycle(now, max_rounds);
                let ms = started.elapsed().as_millis() as u64;
                store
                    .keyspace
                    .latency
                    .add_if_needed("expire-cycle", ms, now / 1000);
                store.keyspace.metrics.expire_cycle_ms += ms;
                deleted
            }
            false => 0,
        };
        let counters = &self.shared.counters;
        let (input, output) = (
            counters.net_input_bytes.load(Ordering::Relaxed),
            counters.net_output_bytes.load(Ordering::Relaxed),
        );
        let commands = store.stats.total_commands;
        store.keyspace.metrics.sample(commands, input, output);
        // An eviction that ran out of time goes on (Redis's eviction time event).
        if store.keyspace.eviction_pending() {
            store.keyspace.continue_evictions(now);
        }
        if cron {
            let (points, path, options) = {
                let config = self.shared.config.read();
                let points = crate::persistence::save_points(&config);
                let options = crate::persistence::save_options(&config, &store.keyspace, now);
                (points, crate::persistence::rdb_path(&config), options)
            };
            store.keyspace.save_if_due(&points, path, options, now);
            store.keyspace.aof_cron(now);
        }
        self.clients_cron(now);
        // A replica's link to its master runs on a thread of its own, started here
        // after REPLICAOF (and again after a failure, by the link itself).
        if let Some(generation) = store.keyspace.replication.link_to_start() {
            let current = store.keyspace.replication.link_generation.clone();
            if !crate::replica::spawn_link(self.clone(), current, generation) {
                store.keyspace.replication.link_not_started();
            }
        }
        if cron {
            // Replicas silent past `repl-timeout` are disconnected, as Redis frees them.
            for id in store.keyspace.replication.cron(now) {
                crate::session::disconnect_client(&self.shared, &mut store.keyspace, id);
            }
        }
        // Redis's cron also keeps the tracking table within its limit (a CONFIG SET may
        // have lowered it), and what expired reaches broadcast clients before it sleeps.
        let (tracking, out) = store.keyspace.tracking_out(now);
        if cron {
            tracking.limit_keys(out);
        }
        tracking.broadcast(out);
        deleted
    }

    /// Redis's `clientsCron`, run `hz` times a second: each call looks at the query
    /// and reply buffers of a share of the clients (all of them within a second, and at least
    /// five per call, as Redis does), the ones after where the last call stopped.
    fn clients_cron(&self, now_ms: u64) {
        let hz = self.shared.config.read().hz().clamp(1, 500) as usize;
        let clients = self.shared.clients.lock();
        let count = (clients.len() / hz).max(CLIENTS_CRON_MIN_ITERATIONS);
        let after = self.shared.clients_cron_cursor.load(Ordering::Relaxed);
        let mut last = None;
        let next = clients.range(after + 1..).chain(clients.range(..=after));
        for (&id, client) in next.take(count) {
            client.resize_buffers(now_ms, &self.shared);
            last = Some(id);
        }
        if let Some(id) = last {
            self.shared.clients_cron_cursor.store(id, Ordering::Relaxed);
        }
    }

    /// Loads the dataset as Redis does at start (`loadDataFromDisk`): from the
    /// append-only file with `appendonly yes` (and then opens it for writing, with a
    /// first base file if there was none), else from the RDB file. Answers what to
    /// log, or why the server must not start.
    pub fn load_from_disk(&self) -> Result<Option<String>, String> {
        let settings = self.shared.config.read().aof_settings();
        // The manifest is read either way: a rewrite later goes on from its files.
        let manifest = crate::command::aof::read_manifest(&settings)?;
        if !settings.enabled {
            let mut store = self.shared.store.lock();
            store.keyspace.aof.manifest = manifest;
            store.keyspace.aof.delete_history();
            drop(store);
            let loaded = self.load_rdb_file()?;
            return Ok(loaded.map(|keys| format!("DB loaded from disk: {keys} keys")));
        }
        let mut session = self.session();
        session.with_ctx(|ctx| {
            let loaded = crate::command::aof::load_files(ctx, manifest)?;
            ctx.keyspace.open_aof_at_start(ctx.now_ms)?;
            ctx.keyspace.aof.delete_history();
            let keys: usize = ctx.keyspace.dbs().iter().map(|db| db.len()).sum();
            Ok(match loaded {
                crate::command::aof::Loaded::Nothing => None,
                _ => Some(format!("DB loaded from append only file: {keys} keys")),
            })
        })
    }

    /// Loads the RDB file (`dir`/`dbfilename`) if there is one, as Redis does at start:
    /// answers the number of keys loaded (`None` without a file), or what was wrong
    /// with the file.
    pub fn load_rdb_file(&self) -> Result<Option<u64>, String> {
        let path = crate::persistence::rdb_path(&self.shared.config.read());
        let data = match std::fs::read(&path) {
            Ok(data) => data,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(format!("{}: {error}", path.display())),
        };
        let mut session = self.session();
        let mode = crate::persistence::LoadMode {
            flush: true,
            merge: false,
            keep_expired: false,
        };
        session.with_ctx(|ctx| crate::command::persistence::load(ctx, &data, mode))?;
        let mut store = self.shared.store.lock();
        // The history the file recorded goes on, so replication resumes with PSYNC:
        // a replica offers it to its master, a master to its replicas.
        if let Some(position) = crate::rdb::file::stream_position(&data) {
            let keyspace = &mut store.keyspace;
            if keyspace.replication.is_replica() {
                keyspace.replication.resume_from_file(position);
            } else {
                let new_replid = keyspace.rng().hex_id();
                keyspace
                    .replication
                    .resume_after_restart(position, new_replid);
            }
        }
        Ok(Some(store.keyspace.persistence.last_load.0))
    }

    /// Saves the dataset on the way out when save points are set, as Redis does when a
    /// signal stops it (a SHUTDOWN command has already saved, or not, as asked).
    /// Answers whether a file was written, or what went wrong.
    pub fn save_on_exit(&self) -> Result<bool, String> {
        if self.shutdown_requested() {
            return Ok(false);
        }
        // Redis stays up on a SIGTERM while the first rewrite after `appendonly yes`
        // runs (the files do not hold the dataset yet); kvdb waits for it to end.
        loop {
            let now = self.shared.clock.now_ms();
            let mut store = self.shared.store.lock();
            store.keyspace.reap_aof_rewrite();
            if store.keyspace.prepare_aof_for_exit(false, now) {
                break;
            }
            drop(store);
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let has_points = !crate::persistence::save_points(&self.shared.config.read()).is_empty();
        if !has_points {
            return Ok(false);
        }
        let mut session = self.session();
        match session.with_ctx(crate::command::persistence::save_now) {
            true => Ok(true),
            false => Err("Error trying to save the DB".into()),
        }
    }

    /// True once `SHUTDOWN` has run.
    pub fn shutdown_requested(&self) -> bool {
        self.shared.shutdown.load(Ordering::SeqCst)
    }

    /// Arms a fault rule: the next commands it catches fail, wait or drop their
    /// connection (see [`crate::fault`]); `DEBUG FAULT` does the same over the wire.
    pub fn inject(&self, fault: crate::fault::Fault) {
        self.shared.faults.inject(fault);
    }

    /// Disarms every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// The structured log of executed commands: `start` it, run the test, read
    /// `entries` or `take` them.
    pub fn command_log(&self) -> &crate::command_log::CommandLog {
        &self.shared.command_log
    }

    /// Runs `f` with the locked store (for inspection and tests).
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.shared.store.lock())
    }

    /// The live keys of database `db` (expired ones are left out, not deleted), in no
    /// particular order; no command runs and nothing is counted or touched.
    pub fn keys(&self, db: usize) -> Vec<Bytes> {
        let now = self.shared.clock.now_ms();
        let store = self.shared.store.lock();
        store.keyspace.dbs().get(db).map_or_else(Vec::new, |db| {
            db.keys(now)
                .map(|(key, _)| Bytes::copy_from_slice(key))
                .collect()
        })
    }

    /// The value of `key` in database `db` and its TTL, read directly (no command runs,
    /// nothing is touched or expired); `None` when missing or expired.
    pub fn inspect(&self, db: usize, key: &[u8]) -> Option<Inspected> {
        let now = self.shared.clock.now_ms();
        let store = self.shared.store.lock();
        let entry = store.keyspace.dbs().get(db)?.peek(key, now)?;
        Some(Inspected {
            value: InspectedValue::of(&entry.value),
            ttl_ms: entry.expire_at().map(|at| at.saturating_sub(now)),
        })
    }

    /// The value of `key` in database `db` as the client would see it, without
    /// touching or expiring it.
    pub fn peek_string(&self, db: usize, key: &[u8]) -> Option<Bytes> {
        let now = self.shared.clock.now_ms();
        let store = self.shared.store.lock();
        let entry = store.keyspace.dbs().get(db)?.peek(key, now)?;
        crate::command::string_of(entry)
            .ok()
            .map(crate::types::StrValue::to_bytes)
    }
}
