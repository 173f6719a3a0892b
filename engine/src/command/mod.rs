//! The command table and everything a handler sees.
//!
//! Each family module ends with its `COMMANDS` slice: one [`CommandSpec`] per command,
//! declaring name, Redis arity, flags, key positions, ACL categories and handler. The
//! same table drives dispatch (lookup, arity, auth and flag checks, in
//! [`crate::session`]), the `COMMAND` command, and a test that compares every spec with
//! real Redis 7.0.15's. Handlers get a [`Ctx`] (the locked keyspace, the time snapshot,
//! the client) and an [`Args`] cursor, and return a [`Reply`] or a [`CommandError`]:
//! they never count arguments, lock, read the clock or touch I/O.

pub mod acl_command;
pub mod admin;
pub mod aof;
pub mod bitmap;
pub mod blocking;
mod caching;
mod cluster;
pub mod connection;
pub mod debug;
mod digest;
mod docs;
mod docs_data;
pub mod functions;
pub mod generic;
pub mod geo;
pub mod hash;
pub mod hyperloglog;
pub mod introspection;
pub mod list;
mod lolwut;
pub mod memory;
pub mod migrate;
pub mod module;
pub mod persistence;
pub mod pubsub;
pub mod scripting;
pub mod server;
pub mod set;
pub mod sort;
pub mod stream;
pub mod stream_groups;
pub mod string;
pub mod sync;
pub mod transaction;
pub mod zset;

use std::collections::HashMap;
use std::sync::OnceLock;

use bytes::Bytes;

use crate::args::Args;
use crate::engine::Shared;
use crate::error::CommandError;
use crate::keyspace::{Db, Entry, Keyspace, KeyspaceStats};
use crate::notify;
use crate::reply::Reply;
use crate::rng::Rng;
use crate::session::ClientState;
use crate::types::{EncodingRules, Hash, List, Set, StrValue, Stream, Value, ZSet};

/// A command handler.
pub type Handler = fn(&mut Ctx<'_>, &mut Args<'_>) -> Result<Reply, CommandError>;

/// Command flags, as `COMMAND` reports them (Redis's `CMD_*`).
pub mod flags {
    /// May modify the keyspace.
    pub const WRITE: u32 = 1 << 0;
    /// Only reads the keyspace.
    pub const READONLY: u32 = 1 << 1;
    /// May grow memory use: refused when over `maxmemory`.
    pub const DENYOOM: u32 = 1 << 2;
    /// Administrative.
    pub const ADMIN: u32 = 1 << 3;
    /// Pub/sub related.
    pub const PUBSUB: u32 = 1 << 4;
    /// Not allowed from scripts.
    pub const NOSCRIPT: u32 = 1 << 5;
    /// May block the client.
    pub const BLOCKING: u32 = 1 << 6;
    /// Allowed while loading.
    pub const LOADING: u32 = 1 << 7;
    /// Allowed on a stale replica.
    pub const STALE: u32 = 1 << 8;
    /// Not shown by MONITOR.
    pub const SKIP_MONITOR: u32 = 1 << 9;
    /// Not recorded in the slow log.
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    /// O(1) or O(log n).
    pub const FAST: u32 = 1 << 11;
    /// Allowed before authentication.
    pub const NO_AUTH: u32 = 1 << 12;
    /// May replicate though not a write.
    pub const MAY_REPLICATE: u32 = 1 << 13;
    /// Not allowed inside MULTI.
    pub const NO_MULTI: u32 = 1 << 14;
    /// Allowed while a script is busy.
    pub const ALLOW_BUSY: u32 = 1 << 15;
    /// Key arguments are found by parsing, not by position.
    pub const MOVABLE_KEYS: u32 = 1 << 16;
    /// Guarded by an `enable-*-command` setting.
    pub const PROTECTED: u32 = 1 << 17;
    /// May be called without key arguments though it takes keys (`EVAL` with 0 keys).
    pub const NO_MANDATORY_KEYS: u32 = 1 << 18;
    /// Refused while a replica loads its dataset asynchronously.
    pub const NO_ASYNC_LOADING: u32 = 1 << 19;
    /// Served for a cluster node's ASKING redirection (RESTORE-ASKING).
    pub const ASKING: u32 = 1 << 20;

    /// Flag names in the order Redis's `COMMAND` lists them.
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (ASKING, "asking"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        // MAY_REPLICATE is left out: Redis hides it from COMMAND on purpose.
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (MOVABLE_KEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// ACL categories (Redis's `ACL_CATEGORY_*`), in the order Redis lists them.
pub mod acl {
    /// `@keyspace`
    pub const KEYSPACE: u32 = 1 << 0;
    /// `@read`
    pub const READ: u32 = 1 << 1;
    /// `@write`
    pub const WRITE: u32 = 1 << 2;
    /// `@set`
    pub const SET: u32 = 1 << 3;
    /// `@sortedset`
    pub const SORTEDSET: u32 = 1 << 4;
    /// `@list`
    pub const LIST: u32 = 1 << 5;
    /// `@hash`
    pub const HASH: u32 = 1 << 6;
    /// `@string`
    pub const STRING: u32 = 1 << 7;
    /// `@bitmap`
    pub const BITMAP: u32 = 1 << 8;
    /// `@hyperloglog`
    pub const HYPERLOGLOG: u32 = 1 << 9;
    /// `@geo`
    pub const GEO: u32 = 1 << 10;
    /// `@stream`
    pub const STREAM: u32 = 1 << 11;
    /// `@pubsub`
    pub const PUBSUB: u32 = 1 << 12;
    /// `@admin`
    pub const ADMIN: u32 = 1 << 13;
    /// `@fast`
    pub const FAST: u32 = 1 << 14;
    /// `@slow`
    pub const SLOW: u32 = 1 << 15;
    /// `@blocking`
    pub const BLOCKING: u32 = 1 << 16;
    /// `@dangerous`
    pub const DANGEROUS: u32 = 1 << 17;
    /// `@connection`
    pub const CONNECTION: u32 = 1 << 18;
    /// `@transaction`
    pub const TRANSACTION: u32 = 1 << 19;
    /// `@scripting`
    pub const SCRIPTING: u32 = 1 << 20;

    /// Category names in Redis's order.
    pub const NAMES: &[(u32, &str)] = &[
        (KEYSPACE, "@keyspace"),
        (READ, "@read"),
        (WRITE, "@write"),
        (SET, "@set"),
        (SORTEDSET, "@sortedset"),
        (LIST, "@list"),
        (HASH, "@hash"),
        (STRING, "@string"),
        (BITMAP, "@bitmap"),
        (HYPERLOGLOG, "@hyperloglog"),
        (GEO, "@geo"),
        (STREAM, "@stream"),
        (PUBSUB, "@pubsub"),
        (ADMIN, "@admin"),
        (FAST, "@fast"),
        (SLOW, "@slow"),
        (BLOCKING, "@blocking"),
        (DANGEROUS, "@dangerous"),
        (CONNECTION, "@connection"),
        (TRANSACTION, "@transaction"),
        (SCRIPTING, "@scripting"),
    ];
}

/// One command (or subcommand), declared once.
#[derive(Debug)]
pub struct CommandSpec {
    /// Lowercase name; subcommands use Redis's `container|sub` full name.
    pub name: &'static str,
    /// Redis arity: positive means exactly, negative means at least its absolute value
    /// (counting the command name, and the subcommand name for subcommands).
    pub arity: i32,
    /// [`flags`] bits.
    pub flags: u32,
    /// First key position (0 = none).
    pub first_key: i32,
    /// Last key position (-1 = last argument).
    pub last_key: i32,
    /// Step between keys.
    pub key_step: i32,
    /// ACL categories beyond those Redis derives from the flags ([`acl`] bits).
    pub acl: u32,
    /// The handler.
    pub handler: Handler,
    /// Subcommands, for container commands (CONFIG, CLIENT, OBJECT, COMMAND).
    pub subcommands: &'static [CommandSpec],
}

impl CommandSpec {
    /// All ACL categories, with those Redis derives from the flags.
    pub fn acl_categories(&self) -> u32 {
        let mut categories = self.acl;
        if self.flags & flags::WRITE != 0 {
            categories |= acl::WRITE;
        }
        // Redis's `setImplicitACLCategories`: read-only scripting commands (EVAL_RO)
        // are not `@read`.
        if self.flags & flags::READONLY != 0 && self.acl & acl::SCRIPTING == 0 {
            categories |= acl::READ;
        }
        if self.flags & flags::ADMIN != 0 {
            categories |= acl::ADMIN | acl::DANGEROUS;
        }
        if self.flags & flags::PUBSUB != 0 {
            categories |= acl::PUBSUB;
        }
        if self.flags & flags::FAST != 0 {
            categories |= acl::FAST;
        }
        if self.flags & flags::BLOCKING != 0 {
            categories |= acl::BLOCKING;
        }
        if categories & acl::FAST == 0 {
            categories |= acl::SLOW;
        }
        categories
    }

    /// True when `argc` arguments (name included) satisfy the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i64;
        let arity = i64::from(self.arity);
        if arity > 0 {
            argc == arity
        } else {
            argc >= -arity
        }
    }
}

/// Declares a command spec tersely; families use it for their `COMMANDS` slices.
macro_rules! spec {
    ($name:literal, $arity:expr, $flags:expr, ($first:expr, $last:expr, $step:expr), $acl:expr, $handler:expr) => {
        $crate::command::CommandSpec {
            name: $name,
            arity: $arity,
            flags: $flags,
            first_key: $first,
            last_key: $last,
            key_step: $step,
            acl: $acl,
            handler: $handler,
            subcommands: &[],
        }
    };
}
pub use introspection::key_positions;
pub(crate) use spec;

/// The command table: every family's commands, looked up case-insensitively.
///
/// Every spec, subcommands included, also has a dense [`CommandId`], so per-command
/// counters live in a plain vector instead of a map keyed by name.
#[derive(Debug)]
pub struct CommandTable {
    by_name: HashMap<&'static [u8], CommandId, foldhash::fast::RandomState>,
    /// Every top-level command, in registration order.
    pub all: Vec<&'static CommandSpec>,
    /// Every spec by id: top-level commands first, then all subcommands.
    by_id: Vec<&'static CommandSpec>,
    /// Id of the first subcommand of each top-level command, by the command's id.
    first_subcommand: Vec<CommandId>,
}

/// A command's (or subcommand's) dense index in the [`CommandTable`].
pub type CommandId = u16;

/// The table, built once.
pub fn table() -> &'static CommandTable {
    static TABLE: OnceLock<CommandTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let families: &[&'static [CommandSpec]] = &[
            string::COMMANDS,
            bitmap::COMMANDS,
            generic::COMMANDS,
            connection::COMMANDS,
            server::COMMANDS,
            introspection::COMMANDS,
            scripting::COMMANDS,
            functions::COMMANDS,
            list::COMMANDS,
            blocking::COMMANDS,
            hash::COMMANDS,
            hyperloglog::COMMANDS,
            set::COMMANDS,
            zset::COMMANDS,
            stream::COMMANDS,
            stream_groups::COMMANDS,
            geo::COMMANDS,
            sort::COMMANDS,
            transaction::COMMANDS,
            pubsub::COMMANDS,
            debug::COMMANDS,
            memory::COMMANDS,
            persistence::COMMANDS,
            aof::COMMANDS,
            cluster::COMMANDS,
            migrate::COMMANDS,
            admin::COMMANDS,
            sync::COMMANDS,
            acl_command::COMMANDS,
            module::COMMANDS,
            lolwut::COMMANDS,
        ];
        let all: Vec<&'static CommandSpec> = families.iter().flat_map(|f| f.iter()).collect();
        let mut by_id = all.clone();
        let mut first_subcommand = Vec::with_capacity(all.len());
        for spec in &all {
            first_subcommand.push(by_id.len() as CommandId);
            by_id.extend(spec.subcommands.iter());
        }
        let by_name = all
            .iter()
            .enumerate()
            .map(|(id, spec)| (spec.name.as_bytes(), id as CommandId))
            .collect();
        CommandTable {
            by_name,
            all,
            by_id,
            first_subcommand,
        }
    })
}

/// Longest command name looked up without allocating.
const MAX_NAME: usize = 32;

impl CommandTable {
    /// The top-level command named `name` (any case).
    pub fn get(&self, name: &[u8]) -> Option<&'static CommandSpec> {
        self.id_of(name).map(|id| self.by_id[usize::from(id)])
    }

    fn id_of(&self, name: &[u8]) -> Option<CommandId> {
        let mut buffer = [0u8; MAX_NAME];
        let lower = buffer.get_mut(..name.len())?;
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        self.by_name.get(&*lower).copied()
    }

    /// Number of ids (commands and subcommands).
    pub fn id_count(&self) -> usize {
        self.by_id.len()
    }

    /// The command or subcommand whose full name (`config|get`) is `name`, any case.
    pub fn id_of_full_name(&self, name: &[u8]) -> Option<CommandId> {
        let Some(at) = name.iter().position(|&b| b == b'|') else {
            return self.id_of(name);
        };
        let argv = [
            Bytes::copy_from_slice(&name[..at]),
            Bytes::copy_from_slice(&name[at + 1..]),
        ];
        self.resolve_id(&argv)
            .ok()
            .filter(|&id| self.is_subcommand(id))
    }

    /// The ids of `id`'s subcommands.
    pub fn subcommand_ids(&self, id: CommandId) -> impl Iterator<Item = CommandId> {
        let count = self.by_id(id).subcommands.len() as CommandId;
        let first = match count {
            0 => 0,
            _ => self.first_subcommand[usize::from(id)],
        };
        first..first + count
    }

    /// True when `id` names a subcommand (`container|sub`).
    pub fn is_subcommand(&self, id: CommandId) -> bool {
        usize::from(id) >= self.all.len()
    }

    /// The spec with id `id`.
    pub fn by_id(&self, id: CommandId) -> &'static CommandSpec {
        self.by_id[usize::from(id)]
    }

    /// The command `argv` names: a subcommand when the first word is a container and
    /// a second word is given. Errors are Redis's unknown command / subcommand.
    pub fn resolve(&self, argv: &[Bytes]) -> Result<&'static CommandSpec, CommandError> {
        self.resolve_id(argv).map(|id| self.by_id(id))
    }

    /// Like [`CommandTable::resolve`], answering the id.
    pub fn resolve_id(&self, argv: &[Bytes]) -> Result<CommandId, CommandError> {
        let name = argv.first().map(|b| b.as_ref()).unwrap_or_default();
        let Some(id) = self.id_of(name) else {
            return Err(CommandError::UnknownCommand {
                name: name.to_vec(),
                args: argv.iter().skip(1).map(|a| a.to_vec()).collect(),
            });
        };
        let spec = self.by_id(id);
        if spec.subcommands.is_empty() || argv.len() < 2 {
            return Ok(id);
        }
        let sub = &argv[1];
        spec.subcommands
            .iter()
            .position(|s| {
                s.name
                    .split_once('|')
                    .is_some_and(|(_, n)| n.as_bytes().eq_ignore_ascii_case(sub))
            })
            .map(|offset| self.first_subcommand[usize::from(id)] + offset as CommandId)
            .ok_or_else(|| CommandError::UnknownSubcommand {
                command: name.to_vec(),
                subcommand: sub.to_vec(),
            })
    }
}

/// How [`Ctx`] looks a key up (Redis's `LOOKUP_*` flags, inverted).
mod lookup {
    /// The access counts for `OBJECT IDLETIME` / `OBJECT FREQ`.
    pub const TOUCH: u8 = 1 << 0;
    /// Counts a keyspace hit or miss.
    pub const STATS: u8 = 1 << 1;
    /// A missing key is a `keymiss` event.
    pub const MISS_EVENT: u8 = 1 << 2;
}

/// What a handler works with: the locked keyspace, the time snapshot, its client.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// All databases.
    pub keyspace: &'a mut Keyspace,
    /// The time of this command, in Unix ms (one snapshot per command).
    pub now_ms: u64,
    /// Execution counters (INFO commandstats/errorstats).
    pub stats: &'a mut crate::engine::ExecStats,
    /// The calling client's state.
    pub client: &'a mut ClientState,
    /// Engine-wide state: configuration, clients, server counters.
    pub shared: &'a Shared,
}

impl Ctx<'_> {
    /// The client's selected database, with shared counters and randomness.
    pub fn db(&mut self) -> (&mut Db, &mut KeyspaceStats, &mut Rng) {
        self.keyspace.db_mut(self.client.db)
    }

    /// Finds `key` in database `db`, expiring it first if due (an `expired` event and a
    /// change WATCH sees, as in Redis). `flags` say whether the access touches the key,
    /// counts a keyspace hit or miss, and publishes `keymiss` when the key is missing.
    fn lookup_in(&mut self, db: usize, key: &[u8], flags: u8) -> Option<&mut Entry> {
        let now = self.now_ms;
        let classes = self.keyspace.notify_classes;
        if !self.keyspace.watches.is_empty()
            || classes & (notify::EXPIRED | notify::KEY_MISS) != 0
            || !self.keyspace.tracking.is_idle()
            || self.keyspace.replication.is_active()
        {
            // Someone has to hear of a lazy expiry or a miss: find out without holding
            // on to the entry, so the events can be published first.
            let expired_before = self.keyspace.stats.expired_keys;
            let (database, stats, _) = self.keyspace.db_mut(db);
            let present = database.get_untouched(key, now, stats).is_some();
            if self.keyspace.stats.expired_keys != expired_before {
                self.expired_lazily(db, key);
            }
            if !present {
                if flags & lookup::STATS != 0 {
                    self.keyspace.stats.keyspace_misses += 1;
                }
                if flags & lookup::MISS_EVENT != 0 {
                    self.notify_in(db, notify::KEY_MISS, "keymiss", key);
                }
                return None;
            }
        }
        let (database, stats, _) = self.keyspace.db_mut(db);
        let found = if flags & lookup::TOUCH != 0 {
            database.get_mut(key, now, stats)
        } else {
            database.get_untouched(key, now, stats)
        };
        if flags & lookup::STATS != 0 {
            if found.is_some() {
                stats.keyspace_hits += 1;
            } else {
                stats.keyspace_misses += 1;
            }
        }
        found
    }

    /// A lazy expiry just deleted `key` of database `db`: Redis's `expired` event and a
    /// change WATCH and client-side caching see (made by no client).
    /// Like Redis's, the deletion is no change of the dataset (`server.dirty` stays):
    /// the command that found the key expired propagates only if it changed something
    /// itself, after the `DEL` (or `UNLINK`) the expiry propagates.
    fn expired_lazily(&mut self, db: usize, key: &[u8]) {
        self.notify_in(db, notify::EXPIRED, "expired", key);
        self.signal_modified_key_by(db, key, 0);
        let lazy = self.keyspace.lazyfree.settings.expire;
        self.keyspace.replication.propagate_deletion(db, key, lazy);
    }

    /// Looks a key up for reading (counts a keyspace hit or miss; a miss is a `keymiss`
    /// event).
    pub fn read(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup_in(
            self.client.db,
            key,
            lookup::TOUCH | lookup::STATS | lookup::MISS_EVENT,
        )
    }

    /// Looks a key up for reading without touching its access time, as Redis's
    /// `LOOKUP_NOTOUCH` does for TTL, TYPE and EXISTS.
    pub fn read_untouched(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup_in(self.client.db, key, lookup::STATS | lookup::MISS_EVENT)
    }

    /// Looks a key up for OBJECT and MEMORY USAGE: counts a hit or miss, but neither
    /// touches the key nor publishes `keymiss` (Redis's `LOOKUP_NOTOUCH |
    /// LOOKUP_NONOTIFY`).
    pub fn read_for_object(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup_in(self.client.db, key, lookup::STATS)
    }

    /// Looks a key up for writing (no hit/miss counting, no `keymiss`).
    pub fn write(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup_in(self.client.db, key, lookup::TOUCH)
    }

    /// [`Ctx::write`] in database `db` (COPY's and MOVE's destination).
    pub fn write_in(&mut self, db: usize, key: &[u8]) -> Option<&mut Entry> {
        self.lookup_in(db, key, lookup::TOUCH)
    }

    /// True when the key exists (expiring it first if due), without counting.
    pub fn exists(&mut self, key: &[u8]) -> bool {
        self.write(key).is_some()
    }

    /// Redis's `expireIfNeeded`: deletes `key` if its TTL has passed (an `expired`
    /// event); true when it is there and live. Touches and counts nothing.
    pub fn expire_if_needed(&mut self, key: &[u8]) -> bool {
        self.lookup_in(self.client.db, key, 0).is_some()
    }

    /// The string under `key` for reading; `WRONGTYPE` for another type.
    pub fn read_string(&mut self, key: &[u8]) -> Result<Option<Bytes>, CommandError> {
        match self.read(key) {
            None => Ok(None),
            Some(entry) => string_of(entry).map(|string| Some(string.to_bytes())),
        }
    }

    /// Stores `value` under `key` with `expire_at`, replacing any entry (a change
    /// WATCH sees). A key that was missing is created: a `new` event, after the
    /// `expired` event of an expired entry it replaces (Redis looks the key up first).
    pub fn store(&mut self, key: &[u8], value: Value, expire_at: Option<u64>) {
        let now = self.now_ms;
        let (db, stats, _) = self.keyspace.db_mut(self.client.db);
        let created = match db.insert(key, value, expire_at, now) {
            None => true,
            Some(old) if old.expired => {
                stats.expired_keys += 1;
                self.expired_lazily(self.client.db, key);
                true
            }
            Some(_) => false,
        };
        if created {
            self.notify(notify::NEW, "new", key);
        }
        self.signal_modified_key(key);
    }

    /// Shows argument `position` of the running command as `(redacted)` in the slowlog
    /// and MONITOR (Redis's `redactClientCommandArgument`): passwords.
    pub fn redact(&mut self, position: usize) {
        if !self.client.redacted.contains(&position) {
            self.client.redacted.push(position);
        }
    }

    /// Deletes `key`; true when it existed (and had not expired): a `del` event. Either
    /// way the deletion is a change WATCH sees; an expired key is an `expired` event.
    pub fn delete(&mut self, key: &[u8]) -> bool {
        self.delete_freeing(key, false)
    }

    /// [`Ctx::delete`], freeing a big value in the background when `lazily` (UNLINK).
    pub fn delete_freeing(&mut self, key: &[u8], lazily: bool) -> bool {
        let now = self.now_ms;
        let (db, stats, _) = self.keyspace.db_mut(self.client.db);
        let expired_before = stats.expired_keys;
        let removed = db.remove(key, now, stats);
        let existed = removed.is_some();
        if let Some(entry) = removed.filter(|_| lazily) {
            self.keyspace.lazyfree.free_value(entry.value);
        }
        if existed {
            self.signal_modified_key(key);
            self.notify(notify::GENERIC, "del", key);
        } else if self.keyspace.stats.expired_keys != expired_before {
            self.expired_lazily(self.client.db, key);
        }
        existed
    }

    /// Deletes `key` as stored, expired or not, as the store commands (SINTERSTORE,
    /// ZUNIONSTORE, SORT ... STORE, BITOP) do with a destination that gets an empty
    /// result without ever looking it up (Redis's `dbDelete`): a `del` event and a
    /// change WATCH sees when something was there.
    pub fn delete_stored(&mut self, key: &[u8]) -> bool {
        let (db, _, _) = self.keyspace.db_mut(self.client.db);
        let existed = db.delete(key);
        if existed {
            self.signal_modified_key(key);
            self.notify(notify::GENERIC, "del", key);
        }
        existed
    }

    /// Publishes keyspace event `event` of `class` (a [`notify`] bit) on `key` of the
    /// selected database, where Redis calls `notifyKeyspaceEvent`. Costs one test when
    /// the class is not enabled.
    #[inline]
    pub fn notify(&self, class: u32, event: &'static str, key: &[u8]) {
        self.keyspace
            .notify(self.client.db, class, event, key, self.now_ms);
    }

    /// Marks where Redis adds this command's reply to the output buffer, when it does so
    /// before publishing some of its events: events a subscribed client publishes to
    /// itself after this point reach it after the reply (LPUSH, HSET, ZADD, the *STORE
    /// commands ...). Without a mark, every event comes first (SET, DEL, SADD ...).
    #[inline]
    pub fn reply_point(&mut self) {
        if let Some(mailbox) = &self.client.mailbox {
            self.client.reply_point = Some(mailbox.queued());
        }
    }

    /// [`Ctx::notify`] for a key of database `db` (COPY, MOVE).
    #[inline]
    pub fn notify_in(&self, db: usize, class: u32, event: &'static str, key: &[u8]) {
        self.keyspace.notify(db, class, event, key, self.now_ms);
    }

    /// Tells WATCH and client-side caching that `key` in the selected database changed
    /// (Redis's `signalModifiedKey`): every handler calls it when it really changed a
    /// key.
    #[inline]
    pub fn signal_modified_key(&mut self, key: &[u8]) {
        self.signal_modified_key_in(self.client.db, key);
    }

    /// [`Ctx::signal_modified_key`] for a command that touched `key` without changing
    /// the dataset (an LTRIM that removed nothing): WATCH, tracking and blocked clients
    /// see it, but it is no change to save or propagate.
    #[inline]
    pub fn signal_key_unchanged(&mut self, key: &[u8]) {
        self.signal_modified_key_by(self.client.db, key, self.client.info.id);
    }

    /// [`Ctx::signal_modified_key`] for a key of database `db` (COPY, MOVE).
    #[inline]
    pub fn signal_modified_key_in(&mut self, db: usize, key: &[u8]) {
        // One change for the save points, `rdb_changes_since_last_save` and
        // propagation to replicas.
        self.keyspace.persistence.dirty += 1;
        self.signal_modified_key_by(db, key, self.client.info.id);
    }

    /// A change to `key` of database `db` made by client `by` (0 for expiry, and the
    /// id of a script's own client).
    #[inline]
    fn signal_modified_key_by(&mut self, db: usize, key: &[u8], by: u64) {
        // Clients blocked on the key get a look at it after this command.
        self.keyspace.blocking.signal(db, key);
        self.keyspace.invalidate_tracked(key, by, self.now_ms);
        if !self.keyspace.watches.is_empty() {
            self.touch_watched(db, key);
        }
    }

    /// Tells WATCH that `key` of database `db` changed.
    fn touch_watched(&mut self, db: usize, key: &[u8]) {
        let present = self.keyspace.db(db).holds(key);
        self.keyspace.watches.touch(db, key, present);
    }

    /// True while writes propagate to replicas: a handler builds the form it
    /// propagates only then.
    #[inline]
    pub fn propagating(&self) -> bool {
        self.keyspace.replication.is_active()
    }

    /// Propagates `argv` instead of what the client sent, if this call changes the
    /// dataset (Redis's `rewriteClientCommandVector`). Call only while
    /// [`Ctx::propagating`].
    pub fn propagate_as(&mut self, argv: Vec<Bytes>) {
        self.client.propagation.rewritten = Some(argv);
    }

    /// Propagates this call as the deletion of `key`: `UNLINK` when `lazy` (the
    /// `lazyfree-lazy-*` setting that applies), else `DEL`.
    pub fn propagate_as_deletion(&mut self, key: &Bytes, lazy: bool) {
        if self.propagating() {
            let command: &'static [u8] = if lazy { b"UNLINK" } else { b"DEL" };
            self.propagate_as(vec![Bytes::from_static(command), key.clone()]);
        }
    }

    /// Propagates this call as `SET key value PXAT at`, as Redis does for every SET
    /// with an expiry (SET EX/PX/EXAT/PXAT, SETEX, PSETEX).
    pub fn propagate_as_set_pxat(&mut self, key: &Bytes, value: &Bytes, at: u64) {
        if self.propagating() {
            self.propagate_as(vec![
                Bytes::from_static(b"SET"),
                key.clone(),
                value.clone(),
                Bytes::from_static(b"PXAT"),
                crate::replication::number(at),
            ]);
        }
    }

    /// True when a TTL ending at `when` (Unix ms) has passed and the key is to be
    /// deleted rather than given it (Redis's `checkAlreadyExpired`): never on a
    /// replica, whose master sends the deletion, nor while a file loads.
    pub fn already_expired(&self, when: i64) -> bool {
        let replication = &self.keyspace.replication;
        when <= self.now_ms as i64 && !replication.is_replica() && !replication.is_loading()
    }

    /// Propagates `argv` after this call's own form (Redis's `alsoPropagate`), in the
    /// selected database. Does nothing while nothing propagates.
    pub fn also_propagate(&mut self, argv: Vec<Bytes>) {
        let db = self.client.db;
        let all = crate::replication::TO_ALL;
        self.keyspace.replication.also_propagate(db, argv, all);
    }

    /// Propagates nothing of this call itself (Redis's `preventCommandPropagation`):
    /// what it propagates it adds with [`Ctx::also_propagate`].
    pub fn prevent_propagation(&mut self) {
        self.client.propagation.prevented = true;
    }

    /// Propagates this call even if it changed nothing (`forceCommandPropagation`).
    pub fn force_propagation(&mut self) {
        self.client.propagation.forced = true;
    }

    /// Blocks the client on `keys` until one is ready for `op` or `deadline` (Unix ms)
    /// passes; the reply then arrives through the client's block slot. A client that
    /// may not block (inside MULTI or a script) gets `nothing` at once, as Redis
    /// answers.
    pub fn block(
        &mut self,
        keys: &[Bytes],
        deadline: Option<u64>,
        op: crate::blocking::BlockedOp,
        nothing: Reply,
    ) -> Result<Reply, CommandError> {
        if self.client.deny_blocking {
            return Ok(nothing);
        }
        self.register_block(keys, deadline, Some(op), Reply::NilArray);
        Ok(Reply::Nil)
    }

    /// Blocks the client on nothing but time (WAIT): it gets `timeout_reply` when
    /// `deadline` passes or CLIENT UNBLOCK ends the wait; inside MULTI, at once.
    pub fn block_without_keys(
        &mut self,
        deadline: Option<u64>,
        timeout_reply: Reply,
    ) -> Result<Reply, CommandError> {
        if self.client.deny_blocking {
            return Ok(timeout_reply);
        }
        self.register_block(&[], deadline, None, timeout_reply);
        Ok(Reply::Nil)
    }

    fn register_block(
        &mut self,
        keys: &[Bytes],
        deadline: Option<u64>,
        op: Option<crate::blocking::BlockedOp>,
        timeout_reply: Reply,
    ) {
        let slot = std::sync::Arc::new(crate::blocking::BlockSlot::default());
        let waiter = crate::blocking::Waiter {
            db: self.client.db,
            protocol: self.client.protocol,
            keys: keys.to_vec(),
            op,
            deadline,
            slot: slot.clone(),
            timeout_reply,
            command: self.client.last_command_id,
            call: None,
        };
        self.keyspace.blocking.block(self.client.info.id, waiter);
        self.client.blocked = Some((slot, deadline));
        self.client.skip_reply = true;
    }

    /// The collection of type `T` under `key` for reading (counts a hit or miss);
    /// `WRONGTYPE` when the key holds another type.
    pub fn read_as<T: Collection>(&mut self, key: &[u8]) -> Result<Option<&mut T>, CommandError> {
        self.read(key)
            .map(|entry| T::of_mut(&mut entry.value).ok_or(CommandError::WrongType))
            .transpose()
    }

    /// Like [`Ctx::read_as`] (or [`Ctx::write_as`] when `write`), with the keyspace's
    /// random generator for commands that pick elements at random.
    pub fn with_rng<T: Collection>(
        &mut self,
        key: &[u8],
        write: bool,
    ) -> Result<Option<(&mut T, &mut Rng)>, CommandError> {
        let found = if write {
            self.write_as::<T>(key)?.is_some()
        } else {
            self.read_as::<T>(key)?.is_some()
        };
        if !found {
            return Ok(None);
        }
        let now = self.now_ms;
        let (db, stats, rng) = self.keyspace.db_mut(self.client.db);
        Ok(db
            .get_untouched(key, now, stats)
            .and_then(|entry| T::of_mut(&mut entry.value))
            .map(|collection| (collection, rng)))
    }

    /// The collection of type `T` under `key` for writing; `WRONGTYPE` for another type.
    pub fn write_as<T: Collection>(&mut self, key: &[u8]) -> Result<Option<&mut T>, CommandError> {
        self.write(key)
            .map(|entry| T::of_mut(&mut entry.value).ok_or(CommandError::WrongType))
            .transpose()
    }

    /// The collection of type `T` under `key` for writing, created empty when the key
    /// is missing (a `new` event); `WRONGTYPE` for another type.
    pub fn write_or_create<T: Collection + Default>(
        &mut self,
        key: &[u8],
    ) -> Result<&mut T, CommandError> {
        self.write_or_create_as::<T>(key, true)
    }

    /// [`Ctx::write_or_create`]; `announce` publishes the `new` event of a created key.
    pub(crate) fn write_or_create_as<T: Collection + Default>(
        &mut self,
        key: &[u8],
        announce: bool,
    ) -> Result<&mut T, CommandError> {
        if self.write(key).is_none() {
            let now = self.now_ms;
            let (db, _, _) = self.keyspace.db_mut(self.client.db);
            db.insert(key, T::default().into_value(), None, now);
            if announce {
                self.notify(notify::NEW, "new", key);
            }
        }
        match self.write(key) {
            Some(entry) => T::of_mut(&mut entry.value).ok_or(CommandError::WrongType),
            None => unreachable!("inserted above"),
        }
    }

    /// Deletes `key` when the collection under it has become empty: Redis never keeps
    /// an empty collection, and publishes `del` for it (after the command's own event).
    pub fn delete_if_empty<T: Collection>(&mut self, key: &[u8]) {
        let now = self.now_ms;
        let (db, _, _) = self.keyspace.db_mut(self.client.db);
        let empty = db
            .peek(key, now)
            .and_then(|entry| T::of(&entry.value))
            .is_some_and(T::is_empty);
        if empty {
            self.delete(key);
        }
    }

    /// The encoding rules collections are built with.
    pub fn rules(&self) -> EncodingRules {
        self.keyspace.rules
    }

    /// Configuration value reader.
    pub fn config(&self) -> parking_lot::RwLockReadGuard<'_, crate::config::Config> {
        self.shared.config.read()
    }

    /// What values' RDB encoding depends on: the configuration's settings and the
    /// list packed threshold DEBUG sets.
    pub fn rdb_settings(&self) -> crate::rdb::RdbSettings {
        crate::rdb::RdbSettings {
            packed_threshold: self.keyspace.list_packed_threshold,
            ..self.config().rdb_settings()
        }
    }
}

/// The keys, end and count of LMPOP, BLMPOP, ZMPOP and BZMPOP
/// (`numkeys key... <end> [COUNT n]`), with the end read by `end` (LEFT|RIGHT or
/// MIN|MAX).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MpopArgs<'a, E> {
    /// The keys, in the order given.
    pub keys: &'a [Bytes],
    /// Which end to pop from.
    pub end: E,
    /// How many elements at most.
    pub count: usize,
}

impl<'a, E> MpopArgs<'a, E> {
    /// Parses the arguments after the command name (and a blocking form's timeout).
    pub fn parse(
        args: &mut Args<'a>,
        end: fn(&[u8]) -> Result<E, CommandError>,
    ) -> Result<Self, CommandError> {
        let numkeys = args
            .i64()
            .ok()
            .filter(|&n| n > 0)
            .ok_or(CommandError::NumkeysNotPositive)?;
        let rest = args.rest();
        let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
        if numkeys >= rest.len() {
            return Err(CommandError::Syntax);
        }
        let (keys, rest) = rest.split_at(numkeys);
        let mut options = Args::new(rest, 0);
        let end = end(options.required()?)?;
        let mut count = None;
        while let Some(arg) = options.try_next() {
            if count.is_none() && crate::args::is_keyword(arg, "COUNT") && !options.is_empty() {
                let n = options
                    .i64()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(CommandError::CountNotPositive)?;
                count = Some(usize::try_from(n).unwrap_or(usize::MAX));
            } else {
                return Err(CommandError::Syntax);
            }
        }
        let count = count.unwrap_or(1);
        Ok(MpopArgs { keys, end, count })
    }
}

/// Redis's `addReplySubcommandSyntaxError`: a known subcommand with arguments it
/// does not take.
pub fn subcommand_syntax_error(argv: &[Bytes]) -> CommandError {
    CommandError::err(format!(
        "unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        String::from_utf8_lossy(argv.get(1).map_or(&b""[..], Bytes::as_ref)),
        String::from_utf8_lossy(argv.first().map_or(&b""[..], Bytes::as_ref)).to_ascii_uppercase()
    ))
}

/// True for the commands that run a script: EVAL, EVALSHA, FCALL and their `_RO`
/// forms (any case).
pub fn runs_script(name: &[u8]) -> bool {
    const SCRIPT_CALLS: [&[u8]; 6] = [
        b"eval",
        b"evalsha",
        b"eval_ro",
        b"evalsha_ro",
        b"fcall",
        b"fcall_ro",
    ];
    (4..=10).contains(&name.len())
        && SCRIPT_CALLS
            .iter()
            .any(|call| name.eq_ignore_ascii_case(call))
}

/// A collection type a key can hold, for the typed lookups of [`Ctx`].
pub trait Collection: Sized {
    /// The collection inside `value`, if it is one of this type.
    fn of(value: &Value) -> Option<&Self>;
    /// The collection inside `value`, mutably, if it is one of this type.
    fn of_mut(value: &mut Value) -> Option<&mut Self>;
    /// The value holding this collection.
    fn into_value(self) -> Value;
    /// True when it holds no element.
    fn is_empty(&self) -> bool;
}

macro_rules! collection {
    ($type:ty, $variant:ident) => {
        impl Collection for $type {
            fn of(value: &Value) -> Option<&Self> {
                match value {
                    Value::$variant(inner) => Some(inner),
                    _ => None,
                }
            }
            fn of_mut(value: &mut Value) -> Option<&mut Self> {
                match value {
                    Value::$variant(inner) => Some(inner),
                    _ => None,
                }
            }
            fn into_value(self) -> Value {
                Value::$variant(Box::new(self))
            }
            fn is_empty(&self) -> bool {
                <$type>::is_empty(self)
            }
        }
    };
}
collection!(List, List);
collection!(Hash, Hash);
collection!(Set, Set);
collection!(ZSet, ZSet);
collection!(Stream, Stream);

/// `[element, element, ...]` pairs flattened in RESP2 and as two-element arrays in
/// RESP3 (HRANDFIELD and ZRANDMEMBER with values, ZRANGE WITHSCORES).
pub fn pairs_reply(protocol: crate::reply::Protocol, pairs: Vec<(Reply, Reply)>) -> Reply {
    match protocol {
        crate::reply::Protocol::Resp2 => Reply::Array(
            pairs
                .into_iter()
                .flat_map(|(first, second)| [first, second])
                .collect(),
        ),
        crate::reply::Protocol::Resp3 => Reply::Array(
            pairs
                .into_iter()
                .map(|(first, second)| Reply::Array(vec![first, second]))
                .collect(),
        ),
    }
}

/// Redis's rule for random samples with a count (HRANDFIELD, SRANDMEMBER,
/// ZRANDMEMBER): a negative count (or 1) draws that many independent picks, repeats
/// allowed; a count at least the size answers every element (`all`, in its order);
/// otherwise `count` distinct elements, told apart by `identity`. `pick` draws one
/// element with the generator it is given.
pub fn random_sample<T, K: Eq + std::hash::Hash>(
    count: i64,
    size: usize,
    all: impl FnOnce() -> Vec<T>,
    mut pick: impl FnMut(&mut Rng) -> T,
    identity: impl Fn(&T) -> K,
    rng: &mut Rng,
) -> Vec<T> {
    if count == 0 || size == 0 {
        return Vec::new();
    }
    if count < 0 || count == 1 {
        let draws = count.unsigned_abs();
        let mut picks = Vec::with_capacity(usize::try_from(draws.min(1 << 16)).unwrap_or(0));
        for _ in 0..draws {
            picks.push(pick(rng));
        }
        return picks;
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    if count >= size {
        return all();
    }
    if count.saturating_mul(3) > size {
        // Many of the elements: copy them all and drop random ones.
        let mut kept = all();
        while kept.len() > count {
            let at = (rng.next_u64() as usize) % kept.len();
            kept.swap_remove(at);
        }
        return kept;
    }
    let mut seen = std::collections::HashSet::with_capacity(count);
    let mut picks = Vec::with_capacity(count);
    while picks.len() < count {
        let candidate = pick(rng);
        if seen.insert(identity(&candidate)) {
            picks.push(candidate);
        }
    }
    picks
}

/// The string bytes of an entry; `WRONGTYPE` for another type.
pub fn string_of(entry: &Entry) -> Result<&StrValue, CommandError> {
    match &entry.value {
        Value::Str(string) => Ok(string),
        _ => Err(CommandError::WrongType),
    }
}

/// A stored string as a bulk reply: a short one copied into the reply (no allocation),
/// a long one shared.
pub fn string_reply(string: &StrValue) -> Reply {
    match string {
        StrValue::Inline { .. } => Reply::Stored(string.clone()),
        StrValue::Heap { bytes, .. } => Reply::Bulk(Bytes::clone(bytes)),
    }
}

/// The string of an entry, mutably; `WRONGTYPE` for another type.
pub fn string_mut(entry: &mut Entry) -> Result<&mut StrValue, CommandError> {
    match &mut entry.value {
        Value::Str(string) => Ok(string),
        _ => Err(CommandError::WrongType),
    }
}

#[cfg(test)]
mod tests;
