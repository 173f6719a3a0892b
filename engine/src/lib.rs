//! kvdb's engine: keyspace, value types, expiry and the command table, with no async
//! runtime and no I/O.
//!
//! Every way into kvdb — the in-process API, the TCP server and (later) Lua's
//! `redis.call` — runs commands through [`Session`]: look the command up in the table,
//! check arity, authentication and flags as Redis's `processCommand` does, take one
//! clock snapshot, run the handler under the store lock, and encode its [`Reply`] for
//! the client's protocol. Replies and error strings are Redis 7.0's, byte for byte.
//!
//! # Layout
//! - [`engine`]: the [`Engine`] handle, its builder and the shared state behind it.
//! - [`session`]: per-client state and the dispatch path.
//! - [`command`]: the command table; one module per family, each ending with its
//!   `COMMANDS` slice (`string`, `bitmap`, `generic`, `connection`, `server`,
//!   `introspection`, `memory`, `list`, `hash`, `set`, `zset`, `stream`, `geo`,
//!   `sort`, `transaction`, `pubsub`).
//! - [`keyspace`] and [`dict`]: databases, entries, lazy and active expiry; the chained
//!   hash table with Redis's SCAN guarantees.
//! - [`types`]: the values keys hold (pure data).
//! - [`reply`] and [`error`]: replies as values, and the one error enum with Redis's
//!   exact messages.
//! - [`args`]: the typed argument cursor handlers use.
//! - [`config`]: every Redis 7.0 configuration parameter, CONFIG GET/SET/REWRITE and
//!   redis.conf.
//! - [`clock`]: the injectable clock (system or manual).
//! - [`glob`], [`num`], [`long_double`], [`bitmap`], [`lcs`]: Redis's pattern matching,
//!   number rules, long-double arithmetic, bit operations and LCS, as pure functions.
//! - [`geohash`] and [`partial_sort`]: Redis's geohash cells and distances, and the
//!   partial quicksort its geo searches order results with.
//! - [`access`]: LRU clock and LFU counter of each key (OBJECT IDLETIME / FREQ).
//! - [`memory`], [`rng`]: process figures for INFO and the counting allocator;
//!   [`metrics`]: INFO's instantaneous rates;
//!   seedable randomness. [`evict`]: `maxmemory` and its eviction policies.
//! - [`persistence`]: RDB files: SAVE, BGSAVE, save points, loading.
//! - [`pubsub`]: subscriptions and subscribers' mailboxes; [`slowlog`]: SLOWLOG;
//!   [`latency`]: the latency monitor and commands' latency histograms.
//! - [`scripting`]: the script host trait, the script cache and the running-script
//!   status behind `BUSY` and `SCRIPT KILL`.
//! - [`functions`]: Redis 7.0 Functions' libraries and the `FUNCTION DUMP` payload;
//!   [`lzf`]: the LZF compression of RDB strings; [`rdb`]: values in the RDB encoding.
//! - [`fault`]: fault injection (`DEBUG FAULT`); [`command_log`]: the structured log
//!   of executed commands — test controls no Redis has.
//! - [`watch`]: WATCH bookkeeping for transactions; [`blocking`]: clients blocked on
//!   keys and the hand-off of their replies; [`pause`]: CLIENT PAUSE and the clients it
//!   holds; [`tracking`]: client-side caching (CLIENT TRACKING) and its invalidations.
//! - [`replication`]: what each write propagates to replicas, and the feeds it goes to.

pub mod access;
pub mod acl;
pub mod aof;
pub mod args;
pub mod bitmap;
pub mod blocking;
pub mod clock;
pub mod command;
pub mod command_log;
pub mod config;
pub mod dict;
pub mod engine;
pub mod error;
pub mod evict;
pub mod fault;
pub mod functions;
pub mod geohash;
pub mod glob;
pub mod hyperloglog;
pub mod keyspace;
pub mod latency;
pub mod lazyfree;
pub mod lcs;
pub mod log;
pub mod long_double;
pub mod lzf;
pub mod memory;
pub mod metrics;
pub mod notify;
pub mod num;
pub mod partial_sort;
pub mod pause;
pub mod persistence;
pub mod pubsub;
pub mod rdb;
pub mod replica;
pub mod replication;
pub mod reply;
pub mod rng;
pub mod scripting;
pub mod session;
pub mod slowlog;
pub mod tracking;
pub mod types;
pub mod watch;

pub use clock::{Clock, ManualClock, SystemClock};
pub use command_log::{CommandLog, LoggedCommand, Origin};
pub use config::Config;
pub use dict::MAX_KEY_LEN;
pub use engine::{Engine, EngineBuilder, Inspected, InspectedValue};
pub use error::CommandError;
pub use fault::{Fault, FaultAction};
pub use reply::{Protocol, Reply};
pub use session::Session;

/// The engine's unit tests count memory as `kvdb-server` does, so that `maxmemory`
/// can be set and eviction observed.
#[cfg(test)]
#[global_allocator]
static TEST_ALLOCATOR: memory::CountingAllocator<std::alloc::System> =
    memory::CountingAllocator::new(std::alloc::System);
