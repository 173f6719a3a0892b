//! `maxmemory`: Redis's eviction (`evict.c`), run before every command while memory
//! in use is over the limit.
//!
//! Memory in use is [`memory::current_bytes`], which is the allocator's own count
//! under [`memory::CountingAllocator`] (the only way `maxmemory` can be set, see
//! [`memory::is_counting`]). Over the limit, keys are deleted one at a time until the
//! bytes their deletion freed on this thread cover the excess:
//!
//! - `allkeys-*` policies choose among all keys, `volatile-*` among keys with a TTL;
//! - `*-lru`, `*-lfu` and `volatile-ttl` sample `maxmemory-samples` keys of every
//!   database into a pool of the 16 best candidates kept across calls (the longest
//!   idle, the least frequently used, the soonest to expire), and evict the best;
//! - `*-random` take a random key, visiting the databases in turn;
//! - `noeviction` deletes nothing.
//!
//! A call spends at most the time `maxmemory-eviction-tenacity` allows (500 µs by
//! default); what is left is done by later calls ([`Keyspace::eviction_pending`],
//! which the server's cron runs, as Redis's eviction time event does). When nothing is
//! left to evict and memory is still over, commands that may grow it are refused with
//! `OOM` (the caller's check, in `session`). Each evicted key is an `evicted` keyspace
//! event, a change WATCH sees and an invalidation for client-side caching.
//!
//! Memory in use includes clients' waiting messages, as Redis counts output buffers,
//! except those eviction itself posted, until they are delivered. Redis delivers them
//! before it reads the next command, so they never feed back into eviction there;
//! kvdb's connections deliver them concurrently, and counting them would make each
//! eviction post more messages and evict more keys until none were left.

use std::time::{Duration, Instant};

use crate::access::AccessPolicy;
use crate::config::Config;
use crate::keyspace::Keyspace;
use crate::memory;
use crate::notify;

/// `maxmemory-policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// Evict nothing; refuse commands that may grow memory.
    #[default]
    NoEviction,
    /// The least recently used key with a TTL.
    VolatileLru,
    /// The least frequently used key with a TTL.
    VolatileLfu,
    /// A random key with a TTL.
    VolatileRandom,
    /// The key with a TTL that expires soonest.
    VolatileTtl,
    /// The least recently used key.
    AllKeysLru,
    /// The least frequently used key.
    AllKeysLfu,
    /// A random key.
    AllKeysRandom,
}

impl Policy {
    /// The policy `name` (a `maxmemory-policy` value) names; `noeviction` for any other.
    pub fn from_name(name: &str) -> Policy {
        match name {
            "volatile-lru" => Policy::VolatileLru,
            "volatile-lfu" => Policy::VolatileLfu,
            "volatile-random" => Policy::VolatileRandom,
            "volatile-ttl" => Policy::VolatileTtl,
            "allkeys-lru" => Policy::AllKeysLru,
            "allkeys-lfu" => Policy::AllKeysLfu,
            "allkeys-random" => Policy::AllKeysRandom,
            _ => Policy::NoEviction,
        }
    }

    /// True when any key may be evicted, not only keys with a TTL.
    pub fn all_keys(self) -> bool {
        matches!(
            self,
            Policy::AllKeysLru | Policy::AllKeysLfu | Policy::AllKeysRandom
        )
    }
}

/// What [`Keyspace::perform_evictions`] found (Redis's `EVICT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Memory is within the limit, or eviction cannot run now.
    Ok,
    /// Memory is still over, but eviction goes on in later calls.
    Running,
    /// Memory is over and nothing (more) can be evicted.
    Fail,
}

/// The eviction settings in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// `maxmemory` in bytes; 0 = no limit.
    pub maxmemory: u64,
    /// `maxmemory-policy`.
    pub policy: Policy,
    /// `maxmemory-samples`: keys sampled per database per pool refill.
    pub samples: usize,
    /// `maxmemory-eviction-tenacity`, 0–100.
    pub tenacity: u32,
}

impl Limits {
    /// The settings `config` holds.
    pub fn from_config(config: &Config) -> Limits {
        Limits {
            maxmemory: config.maxmemory(),
            policy: Policy::from_name(config.maxmemory_policy()),
            samples: config.maxmemory_samples(),
            tenacity: config.maxmemory_eviction_tenacity(),
        }
    }

    /// How long one call may evict (Redis's `evictionTimeLimitUs`): 50 µs per point
    /// up to 10, then 15% more per point, without limit at 100.
    fn time_limit(&self) -> Duration {
        let micros = match self.tenacity {
            0..=10 => 50.0 * f64::from(self.tenacity),
            11..=99 => 500.0 * 1.15f64.powi(self.tenacity as i32 - 10),
            _ => return Duration::MAX,
        };
        Duration::from_micros(micros as u64)
    }
}

/// Candidates the pool keeps (Redis's `EVPOOL_SIZE`).
const POOL_SIZE: usize = 16;

/// Keys evicted between checks of the time limit.
const KEYS_PER_TIME_CHECK: u64 = 16;

/// A key the pool keeps for eviction.
#[derive(Debug, Clone, Default)]
struct Candidate {
    /// The larger, the better a candidate: idle milliseconds (LRU), 255 minus the
    /// frequency counter (LFU), or `u64::MAX` minus the expiry time (TTL).
    score: u64,
    key: Vec<u8>,
    db: usize,
}

/// Eviction's state: the settings, the candidate pool, and what INFO reports.
#[derive(Debug, Clone, Default)]
pub struct Eviction {
    /// The settings in force (see [`Keyspace::configure`]).
    pub limits: Limits,
    /// Candidates by ascending score; empty slots only at the end.
    pool: Vec<Option<Candidate>>,
    /// Where the random policies look next.
    next_db: usize,
    /// A call ran out of time with memory still over: later calls go on.
    pending: bool,
    /// The size of the messages evictions posted that may still wait for their
    /// clients (at most what all mailboxes hold, checked at each call).
    in_flight: u64,
    /// Since when memory has been over the limit (INFO's eviction exceeded times).
    exceeded_since: Option<Instant>,
    /// Time spent over the limit in earlier spells.
    exceeded_before: Duration,
    /// Memory was over the limit, with nothing to evict, when the running top-level
    /// command started (Redis's `pre_command_oom_state`): scripts consult it.
    pub oom_at_command_start: bool,
}

impl Eviction {
    /// (`total_eviction_exceeded_time`, `current_eviction_exceeded_time`) in ms.
    pub fn exceeded_ms(&self) -> (u64, u64) {
        let current = self
            .exceeded_since
            .map_or(Duration::ZERO, |since| since.elapsed());
        (
            (self.exceeded_before + current).as_millis() as u64,
            current.as_millis() as u64,
        )
    }

    /// Bytes of memory in use eviction leaves out (INFO's `mem_not_counted_for_evict`):
    /// the messages earlier evictions posted that may still wait for their clients.
    pub fn not_counted(&self) -> u64 {
        self.in_flight
    }

    /// Forgets the exceeded times (`CONFIG RESETSTAT`).
    pub fn reset_stats(&mut self) {
        self.exceeded_since = None;
        self.exceeded_before = Duration::ZERO;
    }

    /// Keeps the over-the-limit time as Redis's `update_metrics` does.
    fn note(&mut self, outcome: Outcome) {
        match (outcome, self.exceeded_since) {
            (Outcome::Ok, Some(since)) => {
                self.exceeded_before += since.elapsed();
                self.exceeded_since = None;
            }
            (Outcome::Running | Outcome::Fail, None) => self.exceeded_since = Some(Instant::now()),
            _ => {}
        }
    }

    /// Offers a sampled key to the pool (Redis's `evictionPoolPopulate` insertion):
    /// kept in score order, pushing out the worst candidate when the pool is full, and
    /// refused when it is no better than all of a full pool.
    fn offer(&mut self, score: u64, key: &[u8], db: usize) {
        let pool = &mut self.pool;
        if pool.is_empty() {
            pool.resize(POOL_SIZE, None);
        }
        let mut at = pool
            .iter()
            .position(|slot| slot.as_ref().is_none_or(|c| c.score >= score))
            .unwrap_or(POOL_SIZE);
        let full = pool[POOL_SIZE - 1].is_some();
        if at == 0 && full {
            return;
        }
        if at < POOL_SIZE && pool[at].is_none() {
            // An empty slot: nothing to move.
        } else if !full {
            // Room at the end: shift the better candidates right.
            pool[at..].rotate_right(1);
        } else {
            // Full: drop the worst, shifting the ones before `at` left.
            at -= 1;
            pool[..=at].rotate_left(1);
        }
        // The slot's key buffer is reused, as Redis reuses its cached strings.
        match &mut pool[at] {
            Some(candidate) => {
                candidate.key.clear();
                candidate.key.extend_from_slice(key);
                candidate.score = score;
                candidate.db = db;
            }
            slot => {
                *slot = Some(Candidate {
                    score,
                    key: key.to_vec(),
                    db,
                })
            }
        }
    }

    /// Takes the best candidate out of the pool.
    fn take_best(&mut self) -> Option<Candidate> {
        self.pool.iter_mut().rev().find_map(Option::take)
    }
}

/// A sampled key's score under `policy` (see [`Candidate::score`]).
fn score(
    policy: Policy,
    access: &AccessPolicy,
    field: u32,
    expire_at: Option<u64>,
    now_ms: u64,
) -> u64 {
    match policy {
        Policy::VolatileLfu | Policy::AllKeysLfu => {
            255 - u64::from(access.frequency(field, now_ms))
        }
        Policy::VolatileTtl => u64::MAX - expire_at.unwrap_or(u64::MAX),
        _ => AccessPolicy::idle_seconds(field, now_ms) * 1000,
    }
}

impl Keyspace {
    /// Brings memory in use under `maxmemory` by evicting keys, within the time the
    /// tenacity allows (Redis's `performEvictions`). Nothing is evicted while clients
    /// are paused, as the dataset then holds still.
    pub fn perform_evictions(&mut self, now_ms: u64) -> Outcome {
        if self.replication.is_replica() && self.replication.ignore_maxmemory {
            // `replica-ignore-maxmemory`: a replica's keys go when its master's do.
            return Outcome::Ok;
        }
        let outcome = self.evict(now_ms);
        // The evictions' deletions go out at once, never inside MULTI/EXEC.
        self.propagate_pending(true, now_ms);
        self.eviction.note(outcome);
        outcome
    }

    /// True when an earlier call left eviction unfinished: the server's cron calls
    /// [`Keyspace::perform_evictions`] again until it is not running any more.
    pub fn eviction_pending(&self) -> bool {
        self.eviction.pending
    }

    /// Runs the unfinished eviction on (the cron's step).
    pub fn continue_evictions(&mut self, now_ms: u64) {
        if self.perform_evictions(now_ms) != Outcome::Running {
            self.eviction.pending = false;
        }
    }

    fn evict(&mut self, now_ms: u64) -> Outcome {
        let limits = self.eviction.limits;
        if limits.maxmemory == 0 || self.refresh_pause(now_ms) {
            return Outcome::Ok;
        }
        // Messages earlier evictions posted (invalidations, `evicted` events) are not
        // counted while they wait for their clients: counting them would evict more
        // keys, posting more messages, until nothing was left.
        if self.eviction.in_flight > 0 {
            self.eviction.in_flight = self.eviction.in_flight.min(self.pubsub.pending_bytes());
        }
        let used = memory::current_bytes().saturating_sub(self.eviction.in_flight);
        if used <= limits.maxmemory {
            return Outcome::Ok;
        }
        if limits.policy == Policy::NoEviction {
            return Outcome::Fail;
        }
        let to_free = (used - limits.maxmemory) as i64;
        let posted_before = self.pubsub.pending_bytes();
        let started = Instant::now();
        let outcome = self.evict_keys(limits, to_free, now_ms);
        let ms = started.elapsed().as_millis() as u64;
        self.latency
            .add_if_needed("eviction-cycle", ms, now_ms / 1000);
        let posted = self.pubsub.pending_bytes().saturating_sub(posted_before);
        self.eviction.in_flight += posted;
        outcome
    }

    /// Evicts keys until their deletion freed `to_free` bytes (or time ran out).
    fn evict_keys(&mut self, limits: Limits, to_free: i64, now_ms: u64) -> Outcome {
        let started = Instant::now();
        let time_limit = limits.time_limit();
        let mut freed = 0i64;
        let mut evicted = 0u64;
        let lazily = self.lazyfree.settings.eviction;
        while freed < to_free {
            let Some((db, key)) = self.choose_victim(limits, now_ms) else {
                return self.wait_for_lazy_frees(limits, started, time_limit);
            };
            // Only the deletion's own frees count: the messages it causes are
            // released once delivered (and a value freed in the background, not
            // at all: progress is then checked against the limit itself).
            let before = memory::thread_bytes();
            let (table, _, _) = self.db_mut(db);
            let taken = table.take(&key);
            match taken {
                Some(entry) if lazily => self.lazyfree.free_value(entry.value),
                taken => drop(taken),
            }
            freed += before - memory::thread_bytes();
            self.stats.evicted_keys += 1;
            self.signal_deleted(db, &key, notify::EVICTED, "evicted", now_ms);
            let lazy = self.lazyfree.settings.eviction;
            self.replication.propagate_deletion(db, &key, lazy);
            evicted += 1;
            if evicted.is_multiple_of(KEYS_PER_TIME_CHECK) {
                if lazily && self.within_limit(limits) {
                    break;
                }
                if started.elapsed() > time_limit {
                    self.eviction.pending = true;
                    break;
                }
            }
        }
        if self.eviction.pending {
            Outcome::Running
        } else {
            Outcome::Ok
        }
    }

    /// True when memory in use (less what eviction's own messages hold) is within
    /// `maxmemory` (Redis's `getMaxmemoryState` answering OK).
    fn within_limit(&self, limits: Limits) -> bool {
        memory::current_bytes().saturating_sub(self.eviction.in_flight) <= limits.maxmemory
    }

    /// Nothing is left to evict: if values are still being freed in the background,
    /// waits for them a little (the rest of the time limit), as Redis does before
    /// giving up.
    fn wait_for_lazy_frees(
        &self,
        limits: Limits,
        started: Instant,
        time_limit: Duration,
    ) -> Outcome {
        while self.lazyfree.pending() > 0 && started.elapsed() < time_limit {
            if self.within_limit(limits) {
                return Outcome::Ok;
            }
            std::thread::sleep(time_limit.min(Duration::from_millis(1)));
        }
        Outcome::Fail
    }

    /// The next key to evict, as (database, key); `None` when there is none.
    fn choose_victim(&mut self, limits: Limits, now_ms: u64) -> Option<(usize, Vec<u8>)> {
        let all_keys = limits.policy.all_keys();
        let databases = self.db_count();
        if matches!(
            limits.policy,
            Policy::AllKeysRandom | Policy::VolatileRandom
        ) {
            for _ in 0..databases {
                self.eviction.next_db = (self.eviction.next_db + 1) % databases;
                let index = self.eviction.next_db;
                let (db, _, rng) = self.db_mut(index);
                if let Some(key) = db.random_candidate(all_keys, rng) {
                    return Some((index, key));
                }
            }
            return None;
        }
        loop {
            let mut keys = 0;
            for index in 0..databases {
                let (db, _, rng) = self.db_mut(index);
                let candidates = db.candidate_count(all_keys);
                if candidates == 0 {
                    continue;
                }
                keys += candidates;
                let access = db.access_policy();
                let mut sampled = Vec::with_capacity(limits.samples);
                db.sample_candidates(all_keys, limits.samples, rng, |key, field, expire_at| {
                    let score = score(limits.policy, &access, field, expire_at, now_ms);
                    sampled.push((score, key.to_vec()));
                });
                for (score, key) in sampled {
                    self.eviction.offer(score, &key, index);
                }
            }
            if keys == 0 {
                return None;
            }
            // Candidates deleted since they were pooled are skipped.
            while let Some(candidate) = self.eviction.take_best() {
                if self
                    .db(candidate.db)
                    .holds_candidate(all_keys, &candidate.key)
                {
                    return Some((candidate.db, candidate.key));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    /// A keyspace of `count` keys `k0`.. of 1000-byte values, created at time 0, every
    /// other one with a TTL (`k1` soonest), under the policy named `policy`.
    fn filled(count: usize, policy: &str) -> Keyspace {
        let mut keyspace = Keyspace::new(2, 7);
        let mut config = Config::default();
        config
            .set(&[(b"maxmemory-policy", policy.as_bytes())])
            .expect("a policy");
        keyspace.configure(&config);
        keyspace.eviction.limits = Limits {
            maxmemory: 1,
            samples: 10,
            tenacity: 100,
            ..keyspace.eviction.limits
        };
        for n in 0..count {
            let expire = (n % 2 == 1).then_some(1_000_000 + n as u64);
            let (db, _, _) = keyspace.db_mut(0);
            db.insert(
                format!("k{n}").as_bytes(),
                Value::string(&[b'v'; 1000][..]),
                expire,
                0,
            );
        }
        keyspace
    }

    fn survivors(keyspace: &Keyspace) -> Vec<usize> {
        let mut numbers: Vec<usize> = keyspace
            .db(0)
            .all_entries()
            .map(|(key, _)| std::str::from_utf8(&key[1..]).unwrap().parse().unwrap())
            .collect();
        numbers.sort_unstable();
        numbers
    }

    #[test]
    fn eviction_stops_once_enough_is_freed() {
        let mut keyspace = filled(100, "allkeys-random");
        let limits = keyspace.eviction.limits;
        assert_eq!(keyspace.evict_keys(limits, 10_000, 0), Outcome::Ok);
        // Each key frees its 1000-byte value and its element.
        let evicted = keyspace.stats.evicted_keys;
        assert!((8..=10).contains(&evicted), "{evicted} evicted");
        assert_eq!(keyspace.db(0).len() as u64, 100 - evicted);
    }

    #[test]
    fn lru_evicts_idle_keys_first() {
        let mut keyspace = filled(200, "allkeys-lru");
        let now = 100_000;
        let (db, stats, _) = keyspace.db_mut(0);
        for n in 0..100 {
            db.get(format!("k{n}").as_bytes(), now, stats);
        }
        let limits = keyspace.eviction.limits;
        keyspace.evict_keys(limits, 40 * 1000, now);
        let left = survivors(&keyspace);
        assert!(left.len() < 165);
        assert!(
            (0..100).all(|n| left.contains(&n)),
            "a recently used key went"
        );
    }

    #[test]
    fn lfu_evicts_rarely_used_keys_first() {
        let mut keyspace = filled(200, "allkeys-lfu");
        let (db, stats, _) = keyspace.db_mut(0);
        for _ in 0..20 {
            for n in 100..200 {
                db.get(format!("k{n}").as_bytes(), 0, stats);
            }
        }
        let limits = keyspace.eviction.limits;
        keyspace.evict_keys(limits, 40 * 1000, 0);
        let left = survivors(&keyspace);
        assert!(left.len() < 165);
        assert!(
            (100..200).all(|n| left.contains(&n)),
            "a frequently used key went"
        );
    }

    #[test]
    fn volatile_policies_spare_keys_without_ttl_and_then_fail() {
        for policy in ["volatile-lru", "volatile-random", "volatile-ttl"] {
            let mut keyspace = filled(40, policy);
            let limits = keyspace.eviction.limits;
            assert_eq!(keyspace.evict_keys(limits, i64::MAX, 0), Outcome::Fail);
            assert_eq!(survivors(&keyspace), (0..40).step_by(2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn volatile_ttl_evicts_the_soonest_to_expire_first() {
        let mut keyspace = filled(200, "volatile-ttl");
        let limits = keyspace.eviction.limits;
        keyspace.evict_keys(limits, 20 * 1000, 0);
        let left = survivors(&keyspace);
        let gone: Vec<usize> = (1..200).step_by(2).filter(|n| !left.contains(n)).collect();
        assert!(gone.len() >= 18);
        // The pool keeps the best of all samples: the keys to go first expire early.
        assert!(gone.iter().all(|&n| n < 120), "evicted {gone:?}");
    }

    #[test]
    fn no_eviction_while_paused_or_without_a_limit() {
        let mut keyspace = filled(10, "allkeys-random");
        keyspace.eviction.limits.maxmemory = 0;
        assert_eq!(keyspace.perform_evictions(0), Outcome::Ok);
        keyspace.eviction.limits.maxmemory = 1;
        keyspace.pause_clients(crate::pause::PauseKind::All, 10_000, 0);
        assert_eq!(keyspace.perform_evictions(0), Outcome::Ok);
        assert_eq!(keyspace.db(0).len(), 10);
        keyspace.unpause_clients();
        assert_eq!(keyspace.perform_evictions(0), Outcome::Fail);
        assert_eq!(keyspace.db(0).len(), 0);
        assert!(keyspace.eviction.exceeded_ms().0 < 1000);
    }

    fn scores(eviction: &Eviction) -> Vec<u64> {
        eviction.pool.iter().flatten().map(|c| c.score).collect()
    }

    #[test]
    fn the_pool_keeps_the_sixteen_best_in_order() {
        let mut eviction = Eviction::default();
        for score in [5, 1, 9, 3] {
            eviction.offer(score, format!("k{score}").as_bytes(), 0);
        }
        assert_eq!(scores(&eviction), [1, 3, 5, 9]);
        for score in 10..30 {
            eviction.offer(score, b"x", 0);
        }
        assert_eq!(scores(&eviction), (14..30).collect::<Vec<_>>());
        // No better than the worst of a full pool: refused.
        eviction.offer(2, b"y", 0);
        assert_eq!(scores(&eviction)[0], 14);
        assert_eq!(eviction.take_best().map(|c| c.score), Some(29));
        assert_eq!(eviction.take_best().map(|c| c.score), Some(28));
        // A hole at the end takes a middling candidate in order.
        eviction.offer(20, b"z", 0);
        assert_eq!(scores(&eviction).len(), 15);
        assert!(scores(&eviction).windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn tenacity_sets_the_time_per_call() {
        let limit = |tenacity| {
            Limits {
                tenacity,
                ..Limits::default()
            }
            .time_limit()
        };
        assert_eq!(limit(0), Duration::ZERO);
        assert_eq!(limit(10), Duration::from_micros(500));
        assert_eq!(limit(11), Duration::from_micros(575));
        assert_eq!(limit(100), Duration::MAX);
    }

    #[test]
    fn policies_parse_by_name() {
        assert_eq!(Policy::from_name("allkeys-lfu"), Policy::AllKeysLfu);
        assert!(Policy::from_name("allkeys-random").all_keys());
        assert!(!Policy::from_name("volatile-ttl").all_keys());
        assert_eq!(Policy::from_name("noeviction"), Policy::NoEviction);
    }

    #[test]
    fn scores_favour_idle_rare_and_soon_expiring_keys() {
        let lru = AccessPolicy::default();
        let now = 100_000;
        let old = lru.initial(10_000);
        let fresh = lru.initial(now);
        assert!(
            score(Policy::AllKeysLru, &lru, old, None, now)
                > score(Policy::AllKeysLru, &lru, fresh, None, now)
        );
        let soon = score(Policy::VolatileTtl, &lru, 0, Some(now + 10), now);
        let late = score(Policy::VolatileTtl, &lru, 0, Some(now + 10_000), now);
        assert!(soon > late);
    }
}
