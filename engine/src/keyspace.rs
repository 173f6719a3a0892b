//! The databases: keys, their values and their expiry times.
//!
//! Each [`Db`] is a [`Dict`] of entries plus an index of the keys that have a TTL, which
//! active expiry walks. Every lookup expires lazily: a key whose time has passed is
//! deleted by the access that finds it and is never visible to any command. Counts that
//! Redis takes straight from its table (`DBSIZE`, `INFO keyspace`) include keys that are
//! logically expired but not collected yet, exactly as in Redis.
//!
//! While CLIENT PAUSE is in force the dataset holds still, as in Redis: expired keys
//! read as missing but nothing deletes them, lazily or actively, until the pause ends.

use std::num::NonZeroU64;

use bytes::Bytes;

use crate::access::AccessPolicy;
use crate::blocking::Blocking;
use crate::config::Config;
use crate::dict::{Dict, ElementMut, Lookup};
use crate::notify;
use crate::pause::{Admission, ClientPause, PauseKind};
use crate::pubsub::PubSub;
use crate::rng::Rng;
use crate::slowlog::SlowLog;
use crate::tracking::{Outbox, Tracking};
use crate::types::{EncodingRules, Value};
use crate::watch::Watches;

/// A key's value and expiry time. Redis's access field (LRU clock seconds, or LFU
/// minutes and counter, see [`AccessPolicy`]) lives beside it in the table's 32-bit
/// element field: [`Db::access`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The value.
    pub value: Value,
    /// Unix time in ms at which the key expires. Never zero: a stored expiry is always
    /// after the moment it was set, so the niche costs nothing and keeps this 8 bytes.
    expire: Option<NonZeroU64>,
}

impl Entry {
    fn new(value: Value, expire_at: Option<u64>) -> Self {
        Entry {
            value,
            expire: to_expire(expire_at),
        }
    }

    /// Unix time in ms at which the key expires, if it has a TTL.
    pub fn expire_at(&self) -> Option<u64> {
        self.expire.map(NonZeroU64::get)
    }

    /// True when the TTL has passed at `now_ms`.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        self.expire_at().is_some_and(|at| at <= now_ms)
    }
}

fn to_expire(expire_at: Option<u64>) -> Option<NonZeroU64> {
    expire_at.map(|at| NonZeroU64::MIN.saturating_add(at.saturating_sub(1)))
}

/// Counters `INFO stats` reports.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct KeyspaceStats {
    /// Keys deleted because their TTL passed (lazily or actively).
    pub expired_keys: u64,
    /// Successful key lookups by read commands.
    pub keyspace_hits: u64,
    /// Failed key lookups by read commands.
    pub keyspace_misses: u64,
    /// Keys evicted for `maxmemory`.
    pub evicted_keys: u64,
}

/// One numbered database.
#[derive(Debug, Clone)]
pub struct Db {
    entries: Dict<Entry>,
    /// Keys with a TTL, walked by active expiry.
    volatile: Dict<()>,
    /// Where active expiry resumes its walk of `volatile`.
    expire_cursor: u64,
    /// How accesses are recorded.
    policy: AccessPolicy,
    /// Randomness for LFU's probabilistic increment.
    rng: Rng,
    /// A pause is in force, or this server is a replica: expired keys look missing
    /// but are not deleted (see [`Keyspace::pause`] and [`crate::replica`]).
    hold_expired: bool,
    /// The master client of a replica is running a command: expired keys are live,
    /// as they still are on the master until its deletion arrives.
    expired_live: bool,
    /// Where expired values go under `lazyfree-lazy-expire` (`None`: freed in place).
    lazy_expire: Option<crate::lazyfree::LazyFree>,
    /// Where values the server deletes or overwrites go under
    /// `lazyfree-lazy-server-del` (`None`: freed in place).
    lazy_server_del: Option<crate::lazyfree::LazyFree>,
}

/// What [`Db::insert`] replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaced {
    /// The replaced entry had expired (it counts as a key that was missing).
    pub expired: bool,
}

impl Db {
    fn new(seed: u64) -> Self {
        Db {
            entries: Dict::with_seed(seed),
            volatile: Dict::with_seed(seed ^ 0x9e37_79b9_7f4a_7c15),
            expire_cursor: 0,
            policy: AccessPolicy::default(),
            rng: Rng::new(seed),
            hold_expired: false,
            expired_live: false,
            lazy_expire: None,
            lazy_server_del: None,
        }
    }

    /// Frees an entry that expired: in the background under `lazyfree-lazy-expire`.
    fn free_expired(&self, entry: Entry) {
        if let Some(lazyfree) = &self.lazy_expire {
            lazyfree.free_value(entry.value);
        }
    }

    /// Frees an entry the server deleted or overwrote (Redis's `dbDelete` and
    /// `dbSetValue`): in the background under `lazyfree-lazy-server-del`.
    fn free_deleted(&self, entry: Entry) {
        if let Some(lazyfree) = &self.lazy_server_del {
            lazyfree.free_value(entry.value);
        }
    }

    /// Number of keys, counting expired keys not collected yet (as `DBSIZE` does).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the database holds no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes the key table and the expiry index cost besides keys and values' heap
    /// (`MEMORY STATS`'s `overhead.hashtable.main` and `.expires`).
    pub fn overhead_bytes(&self) -> (usize, usize) {
        (
            self.entries.overhead_bytes(),
            self.volatile.overhead_bytes(),
        )
    }

    /// Bytes a key's element in the table costs besides its key and its value's heap.
    pub const ELEMENT_OVERHEAD: usize = Dict::<Entry>::ELEMENT_OVERHEAD;

    /// Number of keys with a TTL (as `INFO keyspace` reports `expires=`).
    pub fn volatile_len(&self) -> usize {
        self.volatile.len()
    }

    /// The entry under `key`, mutably, deleting it first if it has expired (during a
    /// pause an expired key is only missing); the access counts for `OBJECT IDLETIME`.
    pub fn get_mut(
        &mut self,
        key: &[u8],
        now_ms: u64,
        stats: &mut KeyspaceStats,
    ) -> Option<&mut Entry> {
        self.lookup(key, now_ms, stats, true)
    }

    /// Like [`Db::get_mut`] but leaves the access time alone (TTL, OBJECT, TYPE ...).
    pub fn get_untouched(
        &mut self,
        key: &[u8],
        now_ms: u64,
        stats: &mut KeyspaceStats,
    ) -> Option<&mut Entry> {
        self.lookup(key, now_ms, stats, false)
    }

    fn lookup(
        &mut self,
        key: &[u8],
        now_ms: u64,
        stats: &mut KeyspaceStats,
        touch: bool,
    ) -> Option<&mut Entry> {
        let expiry_now = self.expiry_now(now_ms);
        if self.hold_expired && self.is_expired(key, expiry_now) {
            return None;
        }
        let Db {
            entries,
            volatile,
            policy,
            rng,
            lazy_expire,
            ..
        } = self;
        match entries.get_mut_unless(key, |entry| entry.is_expired(expiry_now)) {
            Lookup::Missing => None,
            Lookup::Found(ElementMut { aux, value }) => {
                if touch {
                    let random = if policy.lfu { rng.next_f64() } else { 0.0 };
                    *aux = policy.touched(*aux, now_ms, random);
                }
                Some(value)
            }
            Lookup::Removed(entry) => {
                volatile.remove(key);
                stats.expired_keys += 1;
                if let Some(lazyfree) = lazy_expire {
                    lazyfree.free_value(entry.value);
                }
                None
            }
        }
    }

    /// The time expiry is judged at: none has passed for a replica's master client.
    fn expiry_now(&self, now_ms: u64) -> u64 {
        if self.expired_live {
            0
        } else {
            now_ms
        }
    }

    /// The entry under `key`, deleting it first if it has expired.
    pub fn get(&mut self, key: &[u8], now_ms: u64, stats: &mut KeyspaceStats) -> Option<&Entry> {
        self.get_mut(key, now_ms, stats).map(|entry| &*entry)
    }

    /// Redis's access field of `key` (for `OBJECT IDLETIME` and `OBJECT FREQ`).
    pub fn access(&self, key: &[u8]) -> Option<u32> {
        self.entries.aux(key)
    }

    /// Sets `key`'s access field (RESTORE's IDLETIME and FREQ).
    pub fn set_access(&mut self, key: &[u8], field: u32) {
        self.entries.set_aux(key, field);
    }

    /// True when `key` is still in the table but its TTL has passed (Redis's
    /// `keyIsExpired`).
    pub fn is_expired(&self, key: &[u8], now_ms: u64) -> bool {
        let now_ms = self.expiry_now(now_ms);
        self.entries
            .get(key)
            .is_some_and(|entry| entry.is_expired(now_ms))
    }

    /// The entry under `key` as stored, expired or not (Redis's `dbFind`).
    pub fn entry_raw(&self, key: &[u8]) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// True when `key` is physically in the table, expired or not.
    pub fn holds(&self, key: &[u8]) -> bool {
        self.entries.contains_key(key)
    }

    /// The entry under `key` without expiring or touching it (for inspection).
    pub fn peek(&self, key: &[u8], now_ms: u64) -> Option<&Entry> {
        let now_ms = self.expiry_now(now_ms);
        self.entries
            .get(key)
            .filter(|entry| !entry.is_expired(now_ms))
    }

    /// Stores `value` under `key` with `expire_at`, replacing any previous entry (and
    /// freeing it, in the background when the `lazyfree-lazy-*` setting for expired or
    /// overwritten values says so). The key is copied into the table's own element.
    pub fn insert(
        &mut self,
        key: &[u8],
        value: Value,
        expire_at: Option<u64>,
        now_ms: u64,
    ) -> Option<Replaced> {
        if expire_at.is_some() {
            self.volatile.insert(key, (), |_| 0);
        }
        let policy = self.policy;
        // An overwrite keeps the LFU counter, as Redis's dbSetValue does.
        let access = |old: Option<u32>| match old {
            Some(old) if policy.lfu => old,
            _ => policy.initial(now_ms),
        };
        let replaced = self
            .entries
            .insert(key, Entry::new(value, expire_at), access);
        if expire_at.is_none() && replaced.as_ref().is_some_and(|old| old.expire.is_some()) {
            self.volatile.remove(key);
        }
        let old = replaced?;
        let expired = old.is_expired(now_ms);
        match expired {
            true => self.free_expired(old),
            false => self.free_deleted(old),
        }
        Some(Replaced { expired })
    }

    /// [`Db::insert`] as RESTORE and loading an RDB file do: the access field comes
    /// from the saved LFU counter or idle seconds, whichever the policy records (see
    /// [`AccessPolicy::restored`]).
    pub fn insert_restored(
        &mut self,
        key: &[u8],
        value: Value,
        expire_at: Option<u64>,
        (frequency, idle): (Option<u32>, Option<u64>),
        now_ms: u64,
    ) -> Option<Replaced> {
        let replaced = self.insert(key, value, expire_at, now_ms);
        if let Some(field) = self.policy.restored(frequency, idle, now_ms) {
            self.set_access(key, field);
        }
        replaced
    }

    /// Removes `key`; an already expired key counts as missing (and is collected, but
    /// for during a pause).
    pub fn remove(&mut self, key: &[u8], now_ms: u64, stats: &mut KeyspaceStats) -> Option<Entry> {
        let expiry_now = self.expiry_now(now_ms);
        if self.hold_expired && self.is_expired(key, expiry_now) {
            return None;
        }
        let entry = self.entries.remove(key)?;
        if entry.expire.is_some() {
            self.volatile.remove(key);
        }
        if entry.is_expired(expiry_now) {
            stats.expired_keys += 1;
            self.free_expired(entry);
            return None;
        }
        Some(entry)
    }

    /// Deletes `key` as the server does (Redis's `dbDelete`: a store command's
    /// destination, RESTORE REPLACE, MIGRATE), expired or not, freeing its value in the
    /// background under `lazyfree-lazy-server-del`; true when it was there.
    pub fn delete(&mut self, key: &[u8]) -> bool {
        let Some(entry) = self.take(key) else {
            return false;
        };
        self.free_deleted(entry);
        true
    }

    /// [`Db::remove`] for a key the server deletes (RENAME's or COPY's destination):
    /// its value is freed as [`Db::delete`] frees it.
    pub fn discard(&mut self, key: &[u8], now_ms: u64, stats: &mut KeyspaceStats) {
        if let Some(entry) = self.remove(key, now_ms, stats) {
            self.free_deleted(entry);
        }
    }

    /// Removes `key` as stored, expired or not, answering its entry.
    pub fn take(&mut self, key: &[u8]) -> Option<Entry> {
        let entry = self.entries.remove(key)?;
        if entry.expire.is_some() {
            self.volatile.remove(key);
        }
        Some(entry)
    }

    /// Sets or clears the TTL of an existing key; false when the key is missing.
    pub fn set_expire(&mut self, key: &[u8], expire_at: Option<u64>) -> bool {
        let Some(entry) = self.entries.get_mut(key) else {
            return false;
        };
        let had_ttl = entry.expire.is_some();
        entry.expire = to_expire(expire_at);
        match (had_ttl, expire_at.is_some()) {
            (false, true) => {
                self.volatile.insert(key, (), |_| 0);
            }
            (true, false) => {
                self.volatile.remove(key);
            }
            _ => {}
        }
        true
    }

    /// Every key as stored, expired or not (Redis's safe dictionary iterator).
    pub fn all_entries(&self) -> impl Iterator<Item = (&[u8], &Entry)> {
        self.entries.iter()
    }

    /// Every live key (expired ones are skipped, not collected).
    pub fn keys(&self, now_ms: u64) -> impl Iterator<Item = (&[u8], &Entry)> {
        let now_ms = self.expiry_now(now_ms);
        self.entries
            .iter()
            .filter(move |(_, entry)| !entry.is_expired(now_ms))
    }

    /// One step of `SCAN`: visits a bucket and returns the next cursor.
    pub fn scan(&self, cursor: u64, visit: impl FnMut(&[u8], &Entry)) -> u64 {
        self.entries.scan(cursor, visit)
    }

    /// A random live key, collecting expired keys it comes across (each is handed to
    /// `expired` once deleted). During a pause expired keys stay: after a number of
    /// draws that met only expired keys, the first live key in table order is answered
    /// (Redis 7.0 would keep drawing forever when every key has expired).
    pub fn random_key(
        &mut self,
        now_ms: u64,
        rng: &mut Rng,
        stats: &mut KeyspaceStats,
        mut expired: impl FnMut(Bytes),
    ) -> Option<Bytes> {
        let mut draws = 0;
        loop {
            let (key, is_expired) = {
                let (key, entry) = self.entries.random_entry(|| rng.next_u64())?;
                (Bytes::copy_from_slice(key), entry.is_expired(now_ms))
            };
            if !is_expired {
                return Some(key);
            }
            if self.hold_expired {
                draws += 1;
                if draws == RANDOM_DRAWS_WHILE_PAUSED {
                    let mut live = self.keys(now_ms);
                    return live.next().map(|(key, _)| Bytes::copy_from_slice(key));
                }
                continue;
            }
            self.remove(&key, now_ms, stats);
            expired(key);
        }
    }

    /// How many keys eviction may choose from: all of them, or those with a TTL.
    pub fn candidate_count(&self, all_keys: bool) -> usize {
        if all_keys {
            self.entries.len()
        } else {
            self.volatile.len()
        }
    }

    /// Visits up to `count` eviction candidates found from a random spot (see
    /// [`Dict::sample`]), each with its access field and expiry time.
    pub fn sample_candidates(
        &self,
        all_keys: bool,
        count: usize,
        rng: &mut Rng,
        mut visit: impl FnMut(&[u8], u32, Option<u64>),
    ) {
        let entries = &self.entries;
        let mut visit_key = |key: &[u8]| {
            if let (Some(entry), Some(field)) = (entries.get(key), entries.aux(key)) {
                visit(key, field, entry.expire_at());
            }
        };
        if all_keys {
            entries.sample(count, || rng.next_u64(), |key, _| visit_key(key));
        } else {
            self.volatile
                .sample(count, || rng.next_u64(), |key, _| visit_key(key));
        }
    }

    /// A random eviction candidate.
    pub fn random_candidate(&self, all_keys: bool, rng: &mut Rng) -> Option<Vec<u8>> {
        let mut random = || rng.next_u64();
        if all_keys {
            self.entries
                .random_entry(&mut random)
                .map(|(key, _)| key.to_vec())
        } else {
            self.volatile
                .random_entry(&mut random)
                .map(|(key, _)| key.to_vec())
        }
    }

    /// True when `key` is still an eviction candidate.
    pub fn holds_candidate(&self, all_keys: bool, key: &[u8]) -> bool {
        if all_keys {
            self.entries.contains_key(key)
        } else {
            self.volatile.contains_key(key)
        }
    }

    /// How this database records accesses.
    pub fn access_policy(&self) -> AccessPolicy {
        self.policy
    }

    /// Removes every key, answering them as a database of their own, to be freed
    /// elsewhere (FLUSHDB ASYNC).
    pub fn take_all(&mut self) -> Db {
        self.expire_cursor = 0;
        Db {
            entries: self.entries.take_all(),
            volatile: self.volatile.take_all(),
            expire_cursor: 0,
            policy: self.policy,
            rng: self.rng.clone(),
            hold_expired: false,
            expired_live: false,
            lazy_expire: None,
            lazy_server_del: None,
        }
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.volatile.clear();
        self.expire_cursor = 0;
    }

    /// One round of active expiry on this database: walks up to `sample` keys with a TTL
    /// from where the last round stopped and deletes the expired ones. Returns
    /// (sampled, expired).
    fn expire_round(
        &mut self,
        now_ms: u64,
        sample: usize,
        stats: &mut KeyspaceStats,
        mut deleted: Option<&mut Vec<Vec<u8>>>,
    ) -> (usize, usize) {
        let mut sampled = Vec::with_capacity(sample);
        let mut cursor = self.expire_cursor;
        while sampled.len() < sample {
            cursor = self
                .volatile
                .scan(cursor, |key, _| sampled.push(key.to_vec()));
            if cursor == 0 {
                break;
            }
        }
        self.expire_cursor = cursor;
        let mut expired = 0;
        for key in &sampled {
            if self
                .entries
                .get(key)
                .is_some_and(|entry| entry.is_expired(now_ms))
            {
                if let Some(entry) = self.entries.remove(key) {
                    self.free_expired(entry);
                }
                self.volatile.remove(key);
                stats.expired_keys += 1;
                expired += 1;
                if let Some(deleted) = deleted.as_deref_mut() {
                    deleted.push(key.clone());
                }
            }
        }
        (sampled.len(), expired)
    }
}

/// Random draws RANDOMKEY makes during a pause before looking for a live key in order.
const RANDOM_DRAWS_WHILE_PAUSED: usize = 100;

/// Keys sampled per round of active expiry (Redis's `ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`).
const EXPIRE_SAMPLE: usize = 20;
/// Active expiry keeps going on a database while more than this percentage of the
/// sampled keys had expired (Redis's `ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE`).
const ACCEPTABLE_STALE_PERCENT: usize = 10;

/// All databases of an engine, with the counters and randomness they share.
#[derive(Debug, Clone)]
pub struct Keyspace {
    dbs: Vec<Db>,
    /// Counters for `INFO stats`.
    pub stats: KeyspaceStats,
    /// Randomness for RANDOMKEY and friends; seedable for reproducible tests.
    pub rng: Rng,
    /// What decides collections' representations.
    pub rules: EncodingRules,
    /// Every client's WATCHed keys.
    pub watches: Watches,
    /// Clients blocked on keys.
    pub blocking: Blocking,
    /// Pub/sub subscriptions and mailboxes.
    pub pubsub: PubSub,
    /// Client-side caching: tracking clients and the keys they may hold.
    pub tracking: Tracking,
    /// Active expiry runs (`DEBUG SET-ACTIVE-EXPIRE 0` leaves expiry to lookups).
    pub active_expire: bool,
    /// `DEBUG SET-DISABLE-DENY-SCRIPTS 1`: scripts may call `noscript` commands.
    pub scripts_may_call_anything: bool,
    /// `DEBUG PAUSE-CRON 1`: the periodic work of Redis's `serverCron` (active expiry,
    /// the tracking table's limit) is skipped.
    pub cron_paused: bool,
    /// SLOWLOG's entries and settings.
    pub slowlog: SlowLog,
    /// The latency monitor's samples and settings.
    pub latency: crate::latency::LatencyMonitor,
    /// INFO's sampled rates and cron timings.
    pub metrics: crate::metrics::Metrics,
    /// MONITOR clients, by id, with the mailbox their feed goes to.
    pub monitors: Vec<(u64, std::sync::Arc<crate::pubsub::Mailbox>)>,
    /// The keyspace event classes `notify-keyspace-events` enables ([`notify`] bits).
    pub notify_classes: u32,
    /// The script cache and the script host.
    pub scripts: crate::scripting::Scripts,
    /// `maxmemory`: its settings, candidate pool and figures.
    pub eviction: crate::evict::Eviction,
    /// Saving to RDB files: the changes since the last save, BGSAVE's state.
    pub persistence: crate::persistence::Persistence,
    /// Freeing large values in the background (UNLINK, ASYNC flushes, `lazyfree-*`).
    pub lazyfree: crate::lazyfree::LazyFree,
    /// MIGRATE's cached connections to its targets.
    pub migrate_sockets: crate::command::migrate::MigrateSockets,
    /// List elements of at least this many bytes count as a quicklist node of their
    /// own in DUMP and DEBUG OBJECT (`DEBUG QUICKLIST-PACKED-THRESHOLD`).
    pub list_packed_threshold: usize,
    /// What writes propagate, and the replicas they go to.
    pub replication: crate::replication::Replication,
    /// The append-only file.
    pub aof: crate::aof::Aof,
    /// CLIENT PAUSE and the clients it holds.
    pause: ClientPause,
}

impl Keyspace {
    /// `databases` empty databases, hashing and drawing randomness from `seed`.
    pub fn new(databases: usize, seed: u64) -> Self {
        Keyspace {
            dbs: (0..databases)
                .map(|n| Db::new(seed.wrapping_add(n as u64)))
                .collect(),
            stats: KeyspaceStats::default(),
            rng: Rng::new(seed),
            rules: EncodingRules {
                seed: seed.rotate_left(17) ^ 0xc011_ec71_0a5e_ed00,
                ..EncodingRules::default()
            },
            watches: Watches::default(),
            blocking: Blocking::default(),
            pubsub: PubSub::default(),
            tracking: Tracking::new(seed.rotate_left(29)),
            active_expire: true,
            cron_paused: false,
            scripts_may_call_anything: false,
            slowlog: SlowLog::default(),
            latency: crate::latency::LatencyMonitor::default(),
            metrics: crate::metrics::Metrics::default(),
            monitors: Vec::new(),
            notify_classes: 0,
            scripts: crate::scripting::Scripts::default(),
            eviction: crate::evict::Eviction::default(),
            persistence: crate::persistence::Persistence::default(),
            lazyfree: crate::lazyfree::LazyFree::default(),
            migrate_sockets: Default::default(),
            list_packed_threshold: crate::rdb::DEFAULT_PACKED_THRESHOLD,
            replication: crate::replication::Replication::default(),
            aof: crate::aof::Aof::default(),
            pause: ClientPause::default(),
        }
    }

    /// CLIENT PAUSE's state (read-only: changes go through the methods below, which
    /// keep expiry in step).
    pub fn pause(&self) -> &ClientPause {
        &self.pause
    }

    /// CLIENT PAUSE: pauses `kind` until `end_ms` (see [`ClientPause::pause`]).
    pub fn pause_clients(&mut self, kind: PauseKind, end_ms: i64, now_ms: u64) {
        self.pause.pause(kind, end_ms, now_ms);
        self.refresh_expiry_hold();
    }

    /// CLIENT UNPAUSE.
    pub fn unpause_clients(&mut self) {
        self.pause.unpause();
        self.refresh_expiry_hold();
    }

    /// Holds expired keys (missing, not deleted) while clients are paused or this
    /// server is a replica, whose deletions come from its master.
    pub fn refresh_expiry_hold(&mut self) {
        let hold = self.pause.is_paused() || self.replication.is_replica();
        self.hold_expired(hold);
    }

    /// While a replica's master client runs a command, expired keys are live.
    pub fn set_expired_live(&mut self, live: bool) {
        for db in &mut self.dbs {
            db.expired_live = live;
        }
    }

    /// True when nothing may be deleted for its TTL now: clients are paused (the
    /// pause's end checked at `now_ms`) or this is a replica.
    fn holds_expired(&mut self, now_ms: u64) -> bool {
        self.refresh_pause(now_ms) || self.replication.is_replica()
    }

    /// Ends a pause whose time has passed; true while still paused.
    pub fn refresh_pause(&mut self, now_ms: u64) -> bool {
        if self.pause.is_idle() {
            return false;
        }
        let paused = self.pause.refresh(now_ms);
        self.hold_expired(paused || self.replication.is_replica());
        paused
    }

    /// Whether client `id` may run a command now (see [`ClientPause::admit`]), with
    /// the pause's end checked at `now_ms` first.
    pub fn admit(&mut self, id: u64, writes: bool, now_ms: u64) -> Admission {
        self.refresh_pause(now_ms);
        self.pause.admit(id, writes)
    }

    /// Client `id` has run what it resumed with (see [`ClientPause::done`]).
    pub fn resumed(&mut self, id: u64) {
        self.pause.done(id);
    }

    /// Client `id` went away: the pause forgets it.
    pub fn forget_paused(&mut self, id: u64) {
        self.pause.forget(id);
    }

    fn hold_expired(&mut self, hold: bool) {
        for db in &mut self.dbs {
            db.hold_expired = hold;
        }
    }

    /// Number of databases.
    pub fn db_count(&self) -> usize {
        self.dbs.len()
    }

    /// Database `index` (which must exist).
    pub fn db(&self, index: usize) -> &Db {
        &self.dbs[index]
    }

    /// Database `index` (which must exist), with the shared counters and randomness.
    pub fn db_mut(&mut self, index: usize) -> (&mut Db, &mut KeyspaceStats, &mut Rng) {
        (&mut self.dbs[index], &mut self.stats, &mut self.rng)
    }

    /// The keyspace's randomness.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// Every database, for reporting.
    pub fn dbs(&self) -> &[Db] {
        &self.dbs
    }

    /// Applies the settings the keyspace acts on: how every database records accesses
    /// (`maxmemory-policy`, `lfu-*`), the collection encoding limits, the pubsub
    /// output limit and the keyspace events to publish.
    pub fn configure(&mut self, config: &Config) {
        let policy = config.access_policy();
        for db in &mut self.dbs {
            db.policy = policy;
        }
        self.rules = config.encoding_rules(self.rules.seed);
        self.pubsub.limit = config.pubsub_buffer_limit();
        self.replication.replica_limit = config.replica_buffer_limit();
        (
            self.replication.ping_period_secs,
            self.replication.timeout_secs,
            self.replication.backlog_ttl_secs,
            self.replication.backlog_size,
        ) = config.replication_settings();
        let replica = config.replica_settings();
        self.replication.read_only = replica.read_only;
        self.replication.serve_stale_data = replica.serve_stale_data;
        self.replication.ignore_maxmemory = replica.ignore_maxmemory;
        self.replication.min_replicas = replica.min_replicas;
        (self.slowlog.threshold_us, self.slowlog.max_len) = config.slowlog_settings();
        self.notify_classes = config.keyspace_event_classes();
        self.scripts.busy_threshold_ms = config.busy_reply_threshold_ms();
        self.tracking.max_keys = config.tracking_table_max_keys();
        self.eviction.limits = crate::evict::Limits::from_config(config);
        self.latency.threshold_ms = config.latency_monitor_threshold();
        self.latency.tracking = config.latency_tracking();
        self.lazyfree.settings = config.lazyfree_settings();
        self.apply_lazyfree_settings();
        self.configure_aof(config.aof_settings());
    }

    /// Hands each database the background freeing when `lazyfree-lazy-expire` asks
    /// for it (after the settings or the list node threshold changed).
    pub fn apply_lazyfree_settings(&mut self) {
        self.lazyfree.settings.packed_threshold = self.list_packed_threshold;
        let settings = self.lazyfree.settings;
        let lazy = |on: bool| on.then(|| self.lazyfree.clone());
        let (expire, server_del) = (lazy(settings.expire), lazy(settings.server_del));
        for db in &mut self.dbs {
            db.lazy_expire = expire.clone();
            db.lazy_server_del = server_del.clone();
        }
    }

    /// Client-side caching's state, with where its messages go at `now_ms`.
    pub fn tracking_out(&mut self, now_ms: u64) -> (&mut Tracking, Outbox<'_>) {
        let out = Outbox {
            pubsub: &self.pubsub,
            now_ms,
        };
        (&mut self.tracking, out)
    }

    /// Tells client-side caching that `key` changed, by client `by` (0: none, as for
    /// expiry): Redis's `trackingInvalidateKey` from `signalModifiedKey`. Costs one
    /// test when nothing is tracked.
    #[inline]
    pub fn invalidate_tracked(&mut self, key: &[u8], by: u64, now_ms: u64) {
        if !self.tracking.is_idle() {
            let (tracking, out) = self.tracking_out(now_ms);
            tracking.invalidate_key(key, by, out);
        }
    }

    /// Publishes keyspace event `event` of `class` on `key` of database `db`, when
    /// `notify-keyspace-events` enables the class (Redis's `notifyKeyspaceEvent`).
    #[inline]
    pub fn notify(&self, db: usize, class: u32, event: &str, key: &[u8], now_ms: u64) {
        if self.notify_classes & class != 0 {
            notify::publish(&self.pubsub, self.notify_classes, db, event, key, now_ms);
        }
    }

    /// Tells WATCH that database `db` is about to be emptied (FLUSHDB, FLUSHALL) or
    /// swapped with `replaced_with` (SWAPDB): a watched key that logically changes
    /// (see [`Watches::touch_db`]; expiry judged at `now_ms`) spoils its watchers.
    pub fn touch_watched_db(&mut self, db: usize, replaced_with: Option<usize>, now_ms: u64) {
        if self.watches.is_empty() {
            return;
        }
        let dbs = &self.dbs;
        self.watches.touch_db(db, |key| {
            let replacement = replaced_with
                .filter(|&other| dbs[other].holds(key))
                .map(|other| dbs[other].is_expired(key, now_ms));
            (dbs[db].holds(key), replacement)
        });
    }

    /// Swaps two databases' contents (`SWAPDB`); clients blocked on keys of either
    /// may now be served.
    pub fn swap(&mut self, a: usize, b: usize) {
        self.dbs.swap(a, b);
        self.blocking.signal_db(a);
        self.blocking.signal_db(b);
    }

    /// Empties every database; with `lazily`, their contents are freed in the
    /// background (FLUSHALL ASYNC).
    pub fn clear_all(&mut self, lazily: bool) {
        for db in &mut self.dbs {
            if lazily {
                let keys = db.len() as u64;
                self.lazyfree.free_database(db.take_all(), keys);
            } else {
                db.clear();
            }
        }
    }

    /// Deletes every key whose TTL has passed, in every database (virtual time moving
    /// forward); answers how many. Unlike [`Keyspace::expire_cycle`] it walks every
    /// key with a TTL, so nothing due is left behind.
    pub fn expire_all_due(&mut self, now_ms: u64) -> usize {
        if self.holds_expired(now_ms) {
            return 0;
        }
        let mut deleted = 0;
        let mut expired_keys = Vec::new();
        for index in 0..self.dbs.len() {
            let collect = self.collects_expired();
            let db = &mut self.dbs[index];
            db.expire_cursor = 0;
            let everything = db.volatile_len() + 1;
            let target = collect.then_some(&mut expired_keys);
            deleted += db
                .expire_round(now_ms, everything, &mut self.stats, target)
                .1;
            self.announce_expired(index, &mut expired_keys, now_ms);
        }
        deleted
    }

    /// Whether keys deleted by expiry must be collected: they are `expired` events,
    /// changes WATCH sees and invalidations, when any is in use.
    fn collects_expired(&self) -> bool {
        !self.watches.is_empty()
            || self.notify_classes & notify::EXPIRED != 0
            || !self.tracking.is_idle()
            || self.replication.is_active()
    }

    /// Publishes `expired` for keys active expiry deleted from database `db`, and tells
    /// WATCH and client-side caching, emptying `keys`.
    fn announce_expired(&mut self, db: usize, keys: &mut Vec<Vec<u8>>, now_ms: u64) {
        let lazy = self.lazyfree.settings.expire;
        for key in keys.drain(..) {
            self.signal_deleted(db, &key, notify::EXPIRED, "expired", now_ms);
            self.replication.propagate_deletion(db, &key, lazy);
        }
    }

    /// Announces a key the server itself deleted from database `db` (expired or
    /// evicted): the keyspace `event` of `class`, a change for WATCH, and an
    /// invalidation for client-side caching.
    pub(crate) fn signal_deleted(
        &mut self,
        db: usize,
        key: &[u8],
        class: u32,
        event: &str,
        now_ms: u64,
    ) {
        self.notify(db, class, event, key, now_ms);
        if !self.watches.is_empty() {
            self.watches.touch(db, key, false);
        }
        self.invalidate_tracked(key, 0, now_ms);
    }

    /// Active expiry: Redis's adaptive sampling. Each database is sampled in rounds of
    /// 20 keys with a TTL; a database gets another round while more than 10% of a round
    /// had expired, and the whole cycle stops after `max_rounds` rounds. Returns the
    /// number of keys deleted.
    pub fn expire_cycle(&mut self, now_ms: u64, max_rounds: usize) -> usize {
        if !self.active_expire || self.holds_expired(now_ms) {
            return 0;
        }
        let mut rounds = 0;
        let mut deleted = 0;
        let mut expired_keys = Vec::new();
        let collect = self.collects_expired();
        for index in 0..self.dbs.len() {
            while rounds < max_rounds && self.dbs[index].volatile_len() > 0 {
                rounds += 1;
                let target = collect.then_some(&mut expired_keys);
                let (sampled, expired) =
                    self.dbs[index].expire_round(now_ms, EXPIRE_SAMPLE, &mut self.stats, target);
                deleted += expired;
                self.announce_expired(index, &mut expired_keys, now_ms);
                if sampled == 0 || expired * 100 <= sampled * ACCEPTABLE_STALE_PERCENT {
                    break;
                }
            }
        }
        // Every deletion of the cycle goes out at once, never inside MULTI/EXEC.
        self.propagate_pending(true, now_ms);
        deleted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(s: &str) -> Value {
        Value::string(s.as_bytes())
    }

    #[test]
    fn expired_key_is_invisible_and_collected_on_access() {
        let mut ks = Keyspace::new(1, 1);
        let (db, stats, _) = ks.db_mut(0);
        db.insert(b"k", string("v"), Some(1_000), 0);
        assert!(db.get(b"k", 999, stats).is_some());
        assert!(db.get(b"k", 1_000, stats).is_none());
        assert_eq!(db.len(), 0);
        assert_eq!(db.volatile_len(), 0);
        assert_eq!(stats.expired_keys, 1);
    }

    #[test]
    fn overwriting_without_ttl_forgets_the_ttl() {
        let mut ks = Keyspace::new(1, 1);
        let (db, stats, _) = ks.db_mut(0);
        db.insert(b"k", string("v"), Some(1_000), 0);
        db.insert(b"k", string("w"), None, 0);
        assert_eq!(db.volatile_len(), 0);
        assert!(db.get(b"k", 5_000, stats).is_some());
    }

    #[test]
    fn active_expiry_collects_without_access() {
        let mut ks = Keyspace::new(2, 7);
        for n in 0..1000 {
            let (db, _, _) = ks.db_mut(n % 2);
            db.insert(format!("k{n}").as_bytes(), string("v"), Some(100), 0);
        }
        let mut total = 0;
        while ks.dbs().iter().any(|db| !db.is_empty()) {
            total += ks.expire_cycle(200, 16);
        }
        assert_eq!(total, 1000);
        assert_eq!(ks.stats.expired_keys, 1000);
    }

    #[test]
    fn active_expiry_leaves_live_keys() {
        let mut ks = Keyspace::new(1, 7);
        let (db, _, _) = ks.db_mut(0);
        db.insert(b"live", string("v"), Some(10_000), 0);
        db.insert(b"dead", string("v"), Some(10), 0);
        ks.expire_cycle(100, 16);
        assert_eq!(ks.db(0).len(), 1);
        assert!(ks.db(0).peek(b"live", 100).is_some());
    }

    #[test]
    fn table_overhead_counts_elements_and_buckets() {
        let mut ks = Keyspace::new(1, 3);
        let (db, _, _) = ks.db_mut(0);
        assert_eq!(db.overhead_bytes(), (0, 0));
        db.insert(b"a", string("v"), None, 0);
        db.insert(b"b", string("v"), Some(10), 0);
        let (main, expires) = db.overhead_bytes();
        let buckets = db.entries.bucket_count();
        assert_eq!(main, 2 * Db::ELEMENT_OVERHEAD + buckets * 8);
        assert!(expires > 0 && expires < main);
    }

    #[test]
    fn random_key_skips_and_collects_expired() {
        let mut ks = Keyspace::new(1, 3);
        let (db, stats, rng) = ks.db_mut(0);
        db.insert(b"dead", string("v"), Some(10), 0);
        db.insert(b"live", string("v"), None, 0);
        for _ in 0..20 {
            assert_eq!(
                db.random_key(100, rng, stats, |_| {}).as_deref(),
                Some(&b"live"[..])
            );
        }
        assert_eq!(db.len(), 1);
    }
}
