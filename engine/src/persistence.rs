//! RDB persistence: the dataset saved to `dir`/`dbfilename` (SAVE, BGSAVE, the `save`
//! points, SHUTDOWN, FLUSHALL) and loaded back (at start, DEBUG RELOAD), in Redis 7.0's
//! file format ([`crate::rdb::file`]).
//!
//! A save encodes the dataset under the store lock (a consistent snapshot, as Redis's
//! fork gives) and writes it to a temporary file renamed over the old one, so a crash
//! never leaves half a file. BGSAVE does the writing on a thread of its own; the
//! encoding still holds the engine, where Redis's fork costs only page-table copies.
//! `rdb_changes_since_last_save` counts the changes to keys (one per key a command
//! changes) and to function libraries, and drives the `save` points.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use parking_lot::Mutex;

use crate::access::AccessPolicy;
use crate::config::Config;
use crate::evict::Policy;
use crate::keyspace::Keyspace;
use crate::rdb::file::{self, AccessRecord, SaveOptions, Writer};

/// Seconds between BGSAVE attempts after one failed (Redis's
/// `CONFIG_BGSAVE_RETRY_DELAY`).
const RETRY_DELAY_SECS: u64 = 5;

/// A BGSAVE writing its file.
#[derive(Debug)]
struct Background {
    started: Instant,
    /// Changes made before the snapshot: they are saved once the file is written.
    dirty_at_start: u64,
    /// Set by the writing thread: whether the file was written.
    outcome: Arc<Mutex<Option<bool>>>,
    /// Set when a newer save supersedes this one: the thread writes nothing more.
    cancelled: Arc<std::sync::atomic::AtomicBool>,
}

/// The state of saving, as INFO persistence and LASTSAVE report it.
#[derive(Debug, Default)]
pub struct Persistence {
    /// Changes since the last successful save.
    pub dirty: u64,
    /// Unix seconds of the last successful save (the start, before any).
    pub last_save: u64,
    /// The last save (of any kind) failed.
    pub last_failed: bool,
    /// Unix seconds of the last BGSAVE attempt.
    last_try: u64,
    /// How long the last BGSAVE took, in seconds.
    pub last_bgsave_secs: Option<u64>,
    /// SAVE commands and BGSAVEs started (`rdb_saves`).
    pub saves: u64,
    /// Keys the last load read, and of those the ones already expired (not loaded).
    pub last_load: (u64, u64),
    /// A BGSAVE asked for inside a transaction, for the cron to start (Redis's
    /// `rdb_bgsave_scheduled`).
    pub scheduled: bool,
    background: Option<Background>,
}

impl Clone for Persistence {
    /// A copy of an engine saves nothing in the background.
    fn clone(&self) -> Self {
        Persistence {
            background: None,
            ..*self
        }
    }
}

impl Persistence {
    /// True while a BGSAVE writes its file.
    pub fn in_background(&self) -> bool {
        self.background.is_some()
    }

    /// Seconds the running BGSAVE has taken so far.
    pub fn background_secs(&self) -> Option<u64> {
        self.background
            .as_ref()
            .map(|b| b.started.elapsed().as_secs())
    }

    /// Records a save's outcome at `unix_now` (`dirty_saved` changes are on disk).
    fn finished(&mut self, ok: bool, dirty_saved: u64, unix_now: u64) {
        self.last_failed = !ok;
        if ok {
            self.dirty = self.dirty.saturating_sub(dirty_saved);
            self.last_save = unix_now;
        }
    }
}

/// Where the dataset is saved: `dir`/`dbfilename`.
pub fn rdb_path(config: &Config) -> PathBuf {
    Path::new(config.dir()).join(config.dbfilename())
}

/// How a file of `keyspace` is written now under `config` (its encoding settings
/// and checksum, with the list packed threshold DEBUG may have set), recording
/// where the replication stream stands.
pub fn save_options(config: &Config, keyspace: &Keyspace, now_ms: u64) -> SaveOptions {
    SaveOptions {
        replication: keyspace.replication.stream_position(),
        ..base_save_options(
            config.rdb_settings(),
            config.rdbchecksum(),
            keyspace,
            now_ms,
        )
    }
}

/// How a file of `keyspace` is written now with `settings` and `checksum`: the
/// options every RDB file shares (an append-only file's base adds nothing more).
pub fn base_save_options(
    settings: crate::rdb::RdbSettings,
    checksum: bool,
    keyspace: &Keyspace,
    now_ms: u64,
) -> SaveOptions {
    SaveOptions {
        settings: crate::rdb::RdbSettings {
            packed_threshold: keyspace.list_packed_threshold,
            ..settings
        },
        checksum,
        unix_time: now_ms / 1000,
        used_memory: crate::memory::current_bytes(),
        ..SaveOptions::default()
    }
}

/// The `save` points: (seconds, changes) pairs.
pub fn save_points(config: &Config) -> Vec<(u64, u64)> {
    let numbers: Vec<u64> = config
        .save()
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    numbers
        .chunks_exact(2)
        .map(|pair| (pair[0], pair[1]))
        .collect()
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = path.with_file_name(format!("temp-{}.rdb", std::process::id()));
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&temporary, path)) {
        Ok(()) => Ok(()),
        Err(error) => {
            let _ = std::fs::remove_file(&temporary);
            Err(error)
        }
    }
}

/// What loading a file does to the dataset already there (DEBUG RELOAD's options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadMode {
    /// Empty every database and the function libraries first.
    pub flush: bool,
    /// A key or library in the file replaces one already there (else it is an error).
    pub merge: bool,
    /// Keys whose TTL has passed are loaded too, to expire later (an append-only
    /// file's RDB part, as Redis loads it).
    pub keep_expired: bool,
}

impl Keyspace {
    /// The dataset as an RDB file at `now_ms`: every library, then every key as stored
    /// (expired ones too, as Redis saves them), with its idle time under an LRU
    /// policy or its counter under an LFU one; libraries or keys are left out when
    /// `options` say so.
    pub fn snapshot(&self, options: SaveOptions, now_ms: u64) -> Vec<u8> {
        let policy = self.eviction.limits.policy;
        let lru = matches!(policy, Policy::AllKeysLru | Policy::VolatileLru);
        let lfu = matches!(policy, Policy::AllKeysLfu | Policy::VolatileLfu);
        let libraries = self.scripts.libraries.iter().map(|l| &l.code[..]);
        let libraries = libraries.filter(|_| options.with_functions);
        let mut writer = Writer::new(libraries, options);
        for (index, db) in self.dbs().iter().enumerate() {
            if db.is_empty() || !options.with_keys {
                continue;
            }
            writer.database(index, db.len(), db.volatile_len());
            let access_policy = db.access_policy();
            for (key, entry) in db.all_entries() {
                let field = db.access(key).unwrap_or_default();
                let access = if lru {
                    AccessRecord::Idle(AccessPolicy::idle_seconds(field, now_ms))
                } else if lfu {
                    AccessRecord::Frequency(access_policy.frequency(field, now_ms) as u8)
                } else {
                    AccessRecord::None
                };
                writer.key(key, &entry.value, entry.expire_at(), access);
            }
        }
        writer.finish()
    }

    /// Saves the dataset to `path` now (SAVE); false when the file could not be
    /// written.
    /// A BGSAVE still writing is superseded (Redis kills its child): its older
    /// snapshot never replaces this one.
    pub fn save_to(&mut self, path: &Path, options: SaveOptions, now_ms: u64) -> bool {
        if let Some(background) = self.persistence.background.take() {
            background
                .cancelled
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let bytes = self.snapshot(options, now_ms);
        let ok = write_atomically(path, &bytes).is_ok();
        let dirty = self.persistence.dirty;
        self.persistence.finished(ok, dirty, now_ms / 1000);
        ok
    }

    /// Starts a BGSAVE to `path`: the snapshot now, the writing on a thread of its own.
    /// False when one is already running.
    pub fn start_background_save(
        &mut self,
        path: PathBuf,
        options: SaveOptions,
        now_ms: u64,
    ) -> bool {
        self.reap_background_save(now_ms);
        if self.background_job_running() {
            return false;
        }
        let bytes = self.snapshot(options, now_ms);
        self.write_in_background(path, Bytes::from(bytes), now_ms);
        true
    }

    /// Writes `snapshot`, the dataset as it is now, to `path` on a thread of its own,
    /// as a BGSAVE (one must not be running): what a replica's full synchronization
    /// saves too.
    pub fn write_in_background(&mut self, path: PathBuf, snapshot: Bytes, now_ms: u64) {
        let outcome = Arc::new(Mutex::new(None));
        let slot = outcome.clone();
        let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let superseded = cancelled.clone();
        self.persistence.last_try = now_ms / 1000;
        self.persistence.saves += 1;
        self.persistence.background = Some(Background {
            started: Instant::now(),
            dirty_at_start: self.persistence.dirty,
            outcome,
            cancelled,
        });
        let spawned = std::thread::Builder::new()
            .name("kvdb-bgsave".into())
            .spawn(move || {
                let ok = superseded.load(std::sync::atomic::Ordering::SeqCst)
                    || write_atomically(&path, &snapshot).is_ok();
                *slot.lock() = Some(ok);
            });
        if spawned.is_err() {
            self.persistence.background = None;
            self.persistence.finished(false, 0, now_ms / 1000);
        }
    }

    /// Takes note of a BGSAVE that has finished (Redis's `backgroundSaveDoneHandler`).
    pub fn reap_background_save(&mut self, now_ms: u64) {
        let persistence = &mut self.persistence;
        let Some(background) = &persistence.background else {
            return;
        };
        let Some(ok) = *background.outcome.lock() else {
            return;
        };
        let (dirty, secs) = (
            background.dirty_at_start,
            background.started.elapsed().as_secs(),
        );
        persistence.background = None;
        persistence.last_bgsave_secs = Some(secs);
        persistence.finished(ok, dirty, now_ms / 1000);
    }

    /// The `save` points' check of Redis's cron: a BGSAVE when one of them is due, or
    /// when one was scheduled.
    /// Answers whether one started.
    pub fn save_if_due(
        &mut self,
        points: &[(u64, u64)],
        path: PathBuf,
        options: SaveOptions,
        now_ms: u64,
    ) -> bool {
        self.reap_background_save(now_ms);
        if self.background_job_running() {
            return false;
        }
        let state = &self.persistence;
        let now = now_ms / 1000;
        let may_try = !state.last_failed || now.saturating_sub(state.last_try) > RETRY_DELAY_SECS;
        let due = state.scheduled
            || points.iter().any(|&(seconds, changes)| {
                state.dirty >= changes && now.saturating_sub(state.last_save) > seconds
            });
        let started = due && may_try && self.start_background_save(path, options, now_ms);
        if started {
            self.persistence.scheduled = false;
        }
        started
    }

    /// Loads an RDB file's libraries and keys (see [`LoadMode`]); keys whose TTL has
    /// passed at `now_ms` are left out, as a Redis master does (a replica keeps them).
    /// `create_libraries` makes the function libraries (they need the script host).
    /// Answers how many bytes of `data` the file took (an append-only file may go on
    /// after it). On an error the dataset may hold part of the file, as Redis's does.
    pub fn load(
        &mut self,
        data: &[u8],
        mode: LoadMode,
        checksum: bool,
        now_ms: u64,
        create_libraries: impl FnOnce(&mut Keyspace, Vec<bytes::Bytes>, bool) -> Result<(), String>,
    ) -> Result<usize, String> {
        let contents = file::read(data, &self.rules, checksum)?;
        if mode.flush {
            for db in 0..self.db_count() {
                self.touch_watched_db(db, None, now_ms);
            }
            self.clear_all(false);
        }
        create_libraries(self, contents.libraries, mode.merge)?;
        let (mut loaded, mut expired) = (0, 0);
        for record in contents.keys {
            if record.db >= self.db_count() {
                return Err(format!(
                    "FATAL: Data file was created with a Redis server configured to handle \
                     more than {} databases. Exiting",
                    self.db_count()
                ));
            }
            // A replica keeps them: its master's deletions will come.
            let replica = self.replication.is_replica() || mode.keep_expired;
            if !replica && record.expire_at.is_some_and(|at| at <= now_ms) {
                expired += 1;
                continue;
            }
            let (db, _, _) = self.db_mut(record.db);
            if db.holds(&record.key) && !mode.merge {
                return Err(format!(
                    "RDB has duplicated key '{}' in DB {}",
                    String::from_utf8_lossy(&record.key),
                    record.db
                ));
            }
            let access = match record.access {
                AccessRecord::None => (None, None),
                AccessRecord::Idle(seconds) => (None, Some(seconds)),
                AccessRecord::Frequency(counter) => (Some(u32::from(counter)), None),
            };
            db.insert_restored(&record.key, record.value, record.expire_at, access, now_ms);
            loaded += 1;
        }
        self.persistence.last_load = (loaded, expired);
        Ok(contents.used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    fn options() -> SaveOptions {
        SaveOptions::default()
    }

    fn no_libraries(_: &mut Keyspace, codes: Vec<bytes::Bytes>, _: bool) -> Result<(), String> {
        assert!(codes.is_empty());
        Ok(())
    }

    const FLUSH: LoadMode = LoadMode {
        flush: true,
        merge: false,
        keep_expired: false,
    };

    #[test]
    fn a_snapshot_loads_back_without_what_expired() {
        let mut keyspace = Keyspace::new(4, 1);
        let (db, _, _) = keyspace.db_mut(2);
        db.insert(b"live", Value::string(b"v"), Some(10_000), 0);
        db.insert(b"dying", Value::string(b"w"), Some(500), 0);
        db.insert(b"forever", Value::string(b"x"), None, 0);
        let file = keyspace.snapshot(options(), 0);
        let mut copy = Keyspace::new(4, 2);
        copy.db_mut(0)
            .0
            .insert(b"gone", Value::string(b"y"), None, 0);
        copy.load(&file, FLUSH, true, 1_000, no_libraries)
            .expect("loads");
        assert_eq!(copy.db(0).len(), 0);
        assert_eq!(copy.db(2).len(), 2);
        assert_eq!(
            copy.db(2).peek(b"live", 1_000).and_then(|e| e.expire_at()),
            Some(10_000)
        );
        assert_eq!(copy.persistence.last_load, (2, 1));
    }

    #[test]
    fn duplicates_need_merge() {
        let mut keyspace = Keyspace::new(1, 1);
        keyspace
            .db_mut(0)
            .0
            .insert(b"k", Value::string(b"file"), None, 0);
        let file = keyspace.snapshot(options(), 0);
        keyspace
            .db_mut(0)
            .0
            .insert(b"k", Value::string(b"memory"), None, 0);
        let keep = LoadMode {
            flush: false,
            merge: false,
            keep_expired: false,
        };
        assert!(keyspace
            .load(&file, keep, true, 0, no_libraries)
            .unwrap_err()
            .contains("duplicated key 'k'"));
        let merge = LoadMode {
            flush: false,
            merge: true,
            keep_expired: false,
        };
        keyspace
            .load(&file, merge, true, 0, no_libraries)
            .expect("merges");
        assert_eq!(
            keyspace.db(0).peek(b"k", 0).map(|e| e.value.clone()),
            Some(Value::string(b"file"))
        );
    }

    #[test]
    fn save_points_fire_on_changes_and_time() {
        let dir = std::env::temp_dir().join(format!("kvdb-persistence-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dump.rdb");
        let mut keyspace = Keyspace::new(1, 1);
        keyspace.persistence.dirty = 5;
        let points = [(60, 10), (10, 5)];
        assert!(!keyspace.save_if_due(&points, path.clone(), options(), 5_000));
        assert!(keyspace.save_if_due(&points, path.clone(), options(), 11_000));
        while keyspace.persistence.in_background() {
            std::thread::sleep(std::time::Duration::from_millis(1));
            keyspace.reap_background_save(11_000);
        }
        assert_eq!(
            (keyspace.persistence.dirty, keyspace.persistence.last_save),
            (0, 11)
        );
        assert_eq!(keyspace.persistence.saves, 1);
        assert!(path.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
