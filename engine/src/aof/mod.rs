//! The append-only file, as Redis 7.0 keeps it (multi-part: a base file, incr files
//! and a manifest in `dir`/`appenddirname`).
//!
//! With `appendonly yes` every command that propagates is also appended, in the RESP
//! form replicas get, to the last incr file: it collects in a buffer while a batch
//! runs and is written at the batch's end (Redis writes before its event loop
//! sleeps), before the batch's replies go out; `appendfsync always` syncs it then,
//! `everysec` syncs on a thread of its own once a second, `no` leaves it to the
//! kernel.
//!
//! A rewrite (BGREWRITEAOF, turning the file on, or `auto-aof-rewrite-*`) writes the
//! dataset as a new base file: the snapshot is taken under the store lock, as
//! BGSAVE's is, at the same moment a new incr file starts taking commands, and a
//! thread writes it; the cron then installs it in the manifest and deletes the files
//! it made obsolete (Redis's `backgroundRewriteDoneHandler`). Loading the files back
//! (at start, DEBUG LOADAOF) is in [`crate::command::aof`], as it runs commands.

pub mod manifest;
pub mod rewrite;

use std::fs::File;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use parking_lot::Mutex;

use crate::keyspace::Keyspace;
use crate::log;
use manifest::Manifest;

/// Whether commands are appended (Redis's `aof_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AofState {
    /// `appendonly no`.
    #[default]
    Off,
    /// Turned on, waiting for the first rewrite to finish: commands go to a
    /// temporary incr file while it runs.
    WaitRewrite,
    /// Commands are appended.
    On,
}

/// `appendfsync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FsyncPolicy {
    /// After every batch, before its replies.
    Always,
    /// Once a second, on a thread of its own.
    #[default]
    EverySec,
    /// Never: the kernel writes when it likes.
    No,
}

/// The settings the append-only file follows.
#[derive(Debug, Clone, Default)]
pub struct AofSettings {
    /// `appendonly`.
    pub enabled: bool,
    /// `dir`: where the AOF directory and temporary files are.
    pub dir: PathBuf,
    /// `appenddirname`.
    pub dirname: String,
    /// `appendfilename`: the prefix of every file's name.
    pub filename: String,
    /// `appendfsync`.
    pub fsync: FsyncPolicy,
    /// `aof-use-rdb-preamble`: a rewrite writes its base as an RDB file.
    pub use_rdb_preamble: bool,
    /// `aof-timestamp-enabled`: `#TS:` annotations as the second changes.
    pub timestamps: bool,
    /// `aof-load-truncated`: a last file cut short loads up to its last whole command.
    pub load_truncated: bool,
    /// `no-appendfsync-on-rewrite`.
    pub no_fsync_on_rewrite: bool,
    /// `aof-disable-auto-gc`: files a rewrite made obsolete are kept.
    pub keep_history: bool,
    /// `auto-aof-rewrite-percentage` (0: off) and `auto-aof-rewrite-min-size`.
    pub auto_rewrite: (u64, u64),
    /// How a base file in RDB form encodes values, and `rdbchecksum`.
    pub rdb_settings: crate::rdb::RdbSettings,
    /// See `rdb_settings`.
    pub rdb_checksum: bool,
}

impl AofSettings {
    /// The AOF directory.
    pub fn aof_dir(&self) -> PathBuf {
        self.dir.join(&self.dirname)
    }

    /// A file of the AOF directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.aof_dir().join(name)
    }

    /// The manifest's name.
    pub fn manifest_name(&self) -> String {
        format!("{}.manifest", self.filename)
    }

    /// Where commands go while the first rewrite runs (`getTempIncrAofName`).
    fn temp_incr_name(&self) -> String {
        format!("temp-{}.incr", self.filename)
    }

    /// Where rewrite number `n` writes its base before it is installed (Redis names
    /// it after the child's pid: a new name for every rewrite).
    fn rewrite_temp_path(&self, n: u64) -> PathBuf {
        let name = format!("temp-rewriteaof-bg-{}-{n}.aof", std::process::id());
        self.dir.join(name)
    }
}

/// A rewrite whose base file a thread is writing.
#[derive(Debug)]
struct Rewrite {
    started: Instant,
    /// Where the thread writes the base.
    temp_path: PathBuf,
    /// Set by the thread: whether the file was written.
    outcome: Arc<Mutex<Option<bool>>>,
    /// Set when the rewrite is abandoned: the thread writes nothing more.
    cancelled: Arc<AtomicBool>,
}

/// The append-only file's state, as INFO persistence shows it.
#[derive(Debug, Default)]
pub struct Aof {
    /// What it follows.
    pub settings: AofSettings,
    /// Whether commands are appended.
    pub state: AofState,
    /// The files that hold the dataset.
    pub manifest: Manifest,
    /// The incr file commands are appended to.
    file: Option<File>,
    /// Commands not written yet (`aof_buf`).
    buffer: bytes::BytesMut,
    /// The database the file selected last (`None`: the next command selects).
    selected_db: Option<usize>,
    /// The second of the last `#TS:` annotation.
    timestamp_secs: u64,
    /// Bytes in the incr file, and of those the ones synced.
    incr_size: u64,
    incr_synced: u64,
    /// `aof_current_size` and `aof_base_size`.
    pub current_size: u64,
    /// See `current_size`.
    pub base_size: u64,
    /// When the file was last synced (Unix seconds).
    last_fsync_secs: u64,
    /// Syncs running on their threads (`aof_pending_bio_fsync`).
    fsyncs_running: Arc<AtomicUsize>,
    /// Why the last sync on a thread failed, if it did (`aof_bio_fsync_status`), and
    /// a flag for it that commands test without taking the lock.
    fsync_error: Arc<Mutex<Option<String>>>,
    fsync_failed: Arc<AtomicBool>,
    rewrite: Option<Rewrite>,
    /// A rewrite to start when it can (`aof_rewrite_scheduled`).
    pub rewrite_scheduled: bool,
    /// How long the last rewrite took, in seconds.
    pub last_rewrite_secs: Option<u64>,
    /// The last rewrite failed.
    pub last_rewrite_failed: bool,
    /// Rewrites started (`aof_rewrites`) and failed in a row.
    pub rewrites: u64,
    /// See `rewrites`.
    pub consecutive_failures: u64,
    /// Why the last write to the file failed, if it did (`aof_last_write_status`).
    pub last_write_error: Option<String>,
    /// After failed rewrites in a row, when the cron may try again (Unix seconds),
    /// and the delay doubled each time (Redis's `aofRewriteLimited`).
    retry_at_secs: u64,
    retry_delay_minutes: u64,
}

impl Clone for Aof {
    /// A copy of an engine appends to no file: it keeps only the settings.
    fn clone(&self) -> Self {
        Aof {
            settings: self.settings.clone(),
            ..Aof::default()
        }
    }
}

impl Aof {
    /// True when commands are taken: the file is on, or its first rewrite runs
    /// (they go to the temporary incr file).
    pub fn is_fed(&self) -> bool {
        match self.state {
            AofState::On => true,
            AofState::WaitRewrite => self.rewrite.is_some(),
            AofState::Off => false,
        }
    }

    /// After three rewrites failed in a row the cron waits before it tries again: a
    /// minute, then two, four... up to an hour (Redis's `aofRewriteLimited`).
    /// BGREWRITEAOF is not held back.
    fn rewrite_limited(&mut self, now_secs: u64) -> bool {
        if self.consecutive_failures < 3 {
            (self.retry_at_secs, self.retry_delay_minutes) = (0, 0);
            return false;
        }
        if self.retry_at_secs != 0 {
            if now_secs < self.retry_at_secs {
                return true;
            }
            self.retry_at_secs = 0;
            return false;
        }
        self.retry_delay_minutes = (self.retry_delay_minutes * 2).clamp(1, 60);
        self.retry_at_secs = now_secs + self.retry_delay_minutes * 60;
        log::warning(&format!(
            "Background AOF rewrite has repeatedly failed and triggered the limit, will retry \
             in {} minutes",
            self.retry_delay_minutes
        ));
        true
    }

    /// True while a rewrite's base file is being written.
    pub fn rewriting(&self) -> bool {
        self.rewrite.is_some()
    }

    /// Seconds the running rewrite has taken so far.
    pub fn rewrite_secs(&self) -> Option<u64> {
        self.rewrite.as_ref().map(|r| r.started.elapsed().as_secs())
    }

    /// Bytes waiting to be written (`aof_buffer_length`).
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Syncs running on their threads.
    pub fn fsyncs_running(&self) -> usize {
        self.fsyncs_running.load(Ordering::SeqCst)
    }

    /// Why the file cannot be written, if the last write or sync failed: writes
    /// are refused with it while appending is on (Redis's `MISCONF Errors writing to
    /// the AOF file: ...`).
    pub fn write_error(&self) -> Option<String> {
        if let Some(error) = &self.last_write_error {
            return Some(error.clone());
        }
        match self.fsync_failed.load(Ordering::Relaxed) {
            true => self.fsync_error.lock().clone(),
            false => None,
        }
    }

    /// Appends `argv`, run in database `db`, to the buffer (Redis's
    /// `feedAppendOnlyFile`): a `#TS:` annotation first when the second changed and
    /// they are on, a `SELECT` when the database changed.
    pub fn feed(&mut self, db: usize, argv: &[Bytes], now_ms: u64) {
        if !self.is_fed() {
            return;
        }
        let out = &mut self.buffer;
        if self.settings.timestamps && self.timestamp_secs < now_ms / 1000 {
            self.timestamp_secs = now_ms / 1000;
            out.extend_from_slice(format!("#TS:{}\r\n", self.timestamp_secs).as_bytes());
        }
        if self.selected_db != Some(db) {
            let number = db.to_string();
            kvdb_resp::write::command(out, &[&b"SELECT"[..], number.as_bytes()]);
            self.selected_db = Some(db);
        }
        kvdb_resp::write::command(out, argv);
    }

    /// True when the buffer holds commands to write: the one test a batch pays.
    #[inline]
    pub fn has_pending(&self) -> bool {
        !self.buffer.is_empty()
    }

    /// Writes the buffer to the incr file and syncs it as `appendfsync` says
    /// (Redis's `flushAppendOnlyFile`); `child_active` (a BGSAVE or a rewrite runs)
    /// skips the sync under `no-appendfsync-on-rewrite`. A failed write is cut off
    /// the file again (a half command would make it unreadable), keeps the buffer for
    /// the next try, and makes writes answer `MISCONF` until one succeeds.
    pub fn write_pending(&mut self, now_ms: u64, child_active: bool) {
        let now_secs = now_ms / 1000;
        if !self.buffer.is_empty() {
            let Some(file) = &mut self.file else {
                self.buffer.clear();
                return;
            };
            if let Err(error) = file.write_all(&self.buffer) {
                let _ = file.set_len(self.incr_size);
                if self.last_write_error.is_none() {
                    log::warning(&format!("Error writing to the AOF file: {error}"));
                }
                self.last_write_error = Some(crate::config::strerror(&error));
                return;
            }
            if self.last_write_error.take().is_some() {
                log::warning("AOF write error looks solved, Redis can write again.");
            }
            self.current_size += self.buffer.len() as u64;
            self.incr_size += self.buffer.len() as u64;
            // A small buffer is kept for the next batch; one a big batch grew goes
            // (Redis keeps `aof_buf` under 4000 bytes the same way).
            match self.buffer.capacity() < 4000 {
                true => self.buffer.clear(),
                false => self.buffer = bytes::BytesMut::new(),
            }
        }
        if self.incr_synced == self.incr_size || (self.settings.no_fsync_on_rewrite && child_active)
        {
            return;
        }
        match self.settings.fsync {
            FsyncPolicy::Always => {
                if let Some(file) = &self.file {
                    if let Err(error) = file.sync_data() {
                        log::warning(&format!("Can't persist AOF for fsync error: {error}"));
                        self.last_write_error = Some(crate::config::strerror(&error));
                        return;
                    }
                }
                self.incr_synced = self.incr_size;
                self.last_fsync_secs = now_secs;
            }
            FsyncPolicy::EverySec if now_secs > self.last_fsync_secs => {
                if self.fsyncs_running() == 0 {
                    self.sync_in_background(false);
                    self.incr_synced = self.incr_size;
                }
                self.last_fsync_secs = now_secs;
            }
            FsyncPolicy::EverySec | FsyncPolicy::No => {}
        }
    }

    /// Appends to `file` from now on (tests put a failing one in place).
    #[cfg(test)]
    pub(crate) fn replace_file(&mut self, file: File) {
        self.file = Some(file);
    }

    /// Syncs the incr file on a thread of its own (Redis's bio fsync job); `close`
    /// gives the thread the file to close after (a new incr file took its place).
    fn sync_in_background(&mut self, close: bool) {
        let file = match close {
            true => self.file.take(),
            false => self.file.as_ref().and_then(|file| file.try_clone().ok()),
        };
        let Some(file) = file else {
            return;
        };
        let running = self.fsyncs_running.clone();
        let (error, failed) = (self.fsync_error.clone(), self.fsync_failed.clone());
        running.fetch_add(1, Ordering::SeqCst);
        let spawned = std::thread::Builder::new()
            .name("kvdb-aof-fsync".into())
            .spawn(move || {
                let outcome = file.sync_data();
                failed.store(outcome.is_err(), Ordering::Relaxed);
                *error.lock() = outcome.err().map(|e| crate::config::strerror(&e));
                running.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            self.fsyncs_running.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Opens `name` in the AOF directory for appending, as the incr file.
    fn open_incr(&mut self, name: &str, truncate: bool) -> std::io::Result<()> {
        let path = self.settings.path(name);
        // Always appended to, so a write cut off after a failure continues at the
        // file's end.
        let opened = match truncate {
            true => File::create(&path).and_then(|_| File::options().append(true).open(&path)),
            false => File::options().create(true).append(true).open(&path),
        };
        let file = opened.inspect_err(|error| {
            log::warning(&format!("Can't open the append-only file {name}: {error}"));
        })?;
        self.incr_size = file.metadata().map_or(0, |m| m.len());
        self.incr_synced = self.incr_size;
        if self.file.is_some() {
            // The old incr file is synced and closed on a thread, as Redis does.
            self.sync_in_background(true);
        }
        self.file = Some(file);
        Ok(())
    }

    /// The size of `name` in the AOF directory (0 when it cannot be read).
    fn file_size(&self, name: &str) -> u64 {
        std::fs::metadata(self.settings.path(name)).map_or(0, |m| m.len())
    }

    /// Deletes the history files, unless `aof-disable-auto-gc` keeps them
    /// (`aofDelHistoryFiles`).
    pub fn delete_history(&mut self) {
        if self.settings.keep_history || self.manifest.history.is_empty() {
            return;
        }
        for file in std::mem::take(&mut self.manifest.history) {
            let _ = std::fs::remove_file(self.settings.path(&file.name));
        }
        let _ = persist_manifest(&self.settings, &self.manifest);
    }

    /// Ends appending (`appendonly no`, Redis's `stopAppendOnly`): what is buffered
    /// is written and synced, and a running rewrite is abandoned.
    pub fn stop(&mut self, now_ms: u64) {
        self.write_and_sync(now_ms);
        self.file = None;
        self.selected_db = None;
        self.state = AofState::Off;
        self.rewrite_scheduled = false;
        (self.incr_size, self.incr_synced) = (0, 0);
        self.abandon_rewrite();
        self.buffer.clear();
    }

    /// Writes what is buffered and syncs the file now.
    fn write_and_sync(&mut self, now_ms: u64) {
        self.write_pending(now_ms, false);
        if let Some(file) = &self.file {
            let _ = file.sync_data();
        }
    }

    /// Stops a running rewrite: its thread writes nothing more and its file goes.
    fn abandon_rewrite(&mut self) {
        if let Some(rewrite) = self.rewrite.take() {
            // The thread removes its file itself if it is still writing it.
            rewrite.cancelled.store(true, Ordering::SeqCst);
            let _ = std::fs::remove_file(&rewrite.temp_path);
        }
    }

    /// Takes note of a rewrite whose thread is done (Redis's
    /// `backgroundRewriteDoneHandler`): its base file is renamed into the AOF
    /// directory and listed in the manifest, with the temporary incr file of a
    /// first rewrite, and the files it made obsolete become history.
    fn reap_rewrite(&mut self) {
        let Some(rewrite) = &self.rewrite else {
            return;
        };
        let Some(written) = *rewrite.outcome.lock() else {
            return;
        };
        let (started, temp_path) = (rewrite.started, rewrite.temp_path.clone());
        self.rewrite = None;
        let installed = written && self.install_rewrite(&temp_path).is_ok();
        if written && installed {
            self.last_rewrite_failed = false;
            self.consecutive_failures = 0;
            (self.retry_at_secs, self.retry_delay_minutes) = (0, 0);
            log::notice("Background AOF rewrite finished successfully");
            if self.state == AofState::WaitRewrite {
                self.state = AofState::On;
            }
        } else {
            self.last_rewrite_failed = true;
            self.consecutive_failures += 1;
            log::warning("Background AOF rewrite terminated with error");
        }
        let _ = std::fs::remove_file(&temp_path);
        if self.state == AofState::WaitRewrite {
            // The commands of a first rewrite that failed are dropped with it, and
            // another is tried.
            self.buffer.clear();
            self.file = None;
            let _ = std::fs::remove_file(self.settings.path(&self.settings.temp_incr_name()));
            self.rewrite_scheduled = true;
        }
        self.last_rewrite_secs = Some(started.elapsed().as_secs());
    }

    /// The renames and the manifest of a finished rewrite.
    fn install_rewrite(&mut self, temp_path: &std::path::Path) -> std::io::Result<()> {
        let settings = &self.settings;
        let mut manifest = self.manifest.clone();
        let base = manifest.new_base(&settings.filename, settings.use_rdb_preamble);
        let base_path = settings.path(&base);
        std::fs::rename(temp_path, &base_path).inspect_err(|error| {
            log::warning(&format!(
                "Error trying to rename the temporary AOF base file into {base}: {error}"
            ));
        })?;
        let mut new_incr = None;
        if self.state == AofState::WaitRewrite {
            let incr = manifest.new_incr(&settings.filename);
            let temporary = settings.path(&settings.temp_incr_name());
            if let Err(error) = std::fs::rename(temporary, settings.path(&incr)) {
                log::warning(&format!(
                    "Error trying to rename the temporary AOF incr file into {incr}: {error}"
                ));
                let _ = std::fs::remove_file(&base_path);
                return Err(error);
            }
            new_incr = Some(settings.path(&incr));
        }
        manifest.incr_to_history(self.file.is_some());
        if let Err(error) = persist_manifest(&self.settings, &manifest) {
            let _ = std::fs::remove_file(&base_path);
            if let Some(incr) = new_incr {
                let _ = std::fs::remove_file(incr);
            }
            return Err(error);
        }
        self.manifest = manifest;
        if self.state != AofState::Off {
            self.current_size = self.file_size(&base) + self.incr_size;
            self.base_size = self.current_size;
        }
        self.delete_history();
        Ok(())
    }
}

impl Keyspace {
    /// Writes out what the running command propagated, to the replicas and the
    /// append-only file's buffer.
    pub fn propagate_pending(&mut self, no_multi: bool, now_ms: u64) {
        self.replication.flush(no_multi, now_ms, &mut self.aof);
    }

    /// Applies `settings` (CONFIG SET, start): everything but `appendonly` itself,
    /// which [`Keyspace::start_aof`] and [`Keyspace::stop_aof`] act on.
    pub fn configure_aof(&mut self, settings: AofSettings) {
        let history_kept = self.aof.settings.keep_history;
        self.aof.settings = settings;
        if history_kept && !self.aof.settings.keep_history {
            self.aof.delete_history();
        }
    }

    /// The error writes get while appending is on and the file cannot be written.
    pub fn aof_write_refusal(&self) -> Option<String> {
        if self.aof.state == AofState::Off {
            return None;
        }
        let why = self.aof.write_error()?;
        Some(format!("MISCONF Errors writing to the AOF file: {why}"))
    }

    /// True while a BGSAVE or a rewrite runs (Redis's `hasActiveChildProcess`).
    pub fn background_job_running(&self) -> bool {
        self.persistence.in_background() || self.aof.rewriting()
    }

    /// Turns appending on (`appendonly yes` by CONFIG SET, Redis's
    /// `startAppendOnly`): a rewrite starts, now or, with a BGSAVE running or inside
    /// a transaction, when the cron can; appending begins with it. False when the
    /// rewrite could not start (appending stays off).
    pub fn start_aof(&mut self, in_exec: bool, now_ms: u64) -> bool {
        self.aof.state = AofState::WaitRewrite;
        if self.persistence.in_background() {
            self.aof.rewrite_scheduled = true;
            log::warning(
                "AOF was enabled but there is already another background operation. An AOF \
                 background was scheduled to start when possible.",
            );
        } else if in_exec {
            self.aof.rewrite_scheduled = true;
            log::warning(
                "AOF was enabled during a transaction. An AOF background was scheduled to \
                 start when possible.",
            );
        } else {
            if self.aof.rewriting() {
                log::warning(
                    "AOF was enabled but there is already an AOF rewriting in background. \
                     Stopping background AOF and starting a rewrite now.",
                );
                self.aof.abandon_rewrite();
            }
            if !self.start_aof_rewrite(now_ms) {
                self.aof.state = AofState::Off;
                self.refresh_aof_feeding();
                log::warning(
                    "Redis needs to enable the AOF but can't trigger a background AOF rewrite \
                     operation. Check the above logs for more info about the error.",
                );
                return false;
            }
        }
        self.aof.last_fsync_secs = now_ms / 1000;
        if self.aof.write_error().is_some() {
            log::warning("AOF reopen, just ignore the last error.");
        }
        self.aof.last_write_error = None;
        *self.aof.fsync_error.lock() = None;
        self.aof.fsync_failed.store(false, Ordering::Relaxed);
        self.refresh_aof_feeding();
        true
    }

    /// Takes note of a finished rewrite (see [`Aof`]'s `reap_rewrite`).
    pub fn reap_aof_rewrite(&mut self) {
        self.aof.reap_rewrite();
        self.refresh_aof_feeding();
    }

    /// Turns appending off (`appendonly no`).
    pub fn stop_aof(&mut self, now_ms: u64) {
        self.aof.stop(now_ms);
        self.refresh_aof_feeding();
    }

    /// The dataset as a base file now: an RDB file (with no replication position,
    /// as Redis writes it) or, with `aof-use-rdb-preamble no`, commands.
    fn aof_base_contents(&self, now_ms: u64) -> Vec<u8> {
        let settings = &self.aof.settings;
        if !settings.use_rdb_preamble {
            let timestamp = settings.timestamps.then_some(now_ms / 1000);
            return rewrite::dataset_commands(self, timestamp).into();
        }
        let options = crate::rdb::file::SaveOptions {
            aof_base: true,
            ..crate::persistence::base_save_options(
                settings.rdb_settings,
                settings.rdb_checksum,
                self,
                now_ms,
            )
        };
        self.snapshot(options, now_ms)
    }

    /// Tells propagation whether the file takes commands.
    fn refresh_aof_feeding(&mut self) {
        let fed = self.aof.is_fed();
        self.replication.set_aof_fed(fed);
    }

    /// Starts a rewrite (Redis's `rewriteAppendOnlyFileBackground`): what is buffered
    /// is written, a new incr file takes the commands from now on, and a thread
    /// writes the dataset as it is now as the next base file. False when it could
    /// not start.
    pub fn start_aof_rewrite(&mut self, now_ms: u64) -> bool {
        if self.background_job_running() {
            return false;
        }
        let settings = self.aof.settings.clone();
        if let Err(error) = std::fs::create_dir_all(settings.aof_dir()) {
            log::warning(&format!(
                "Can't open or create append-only dir {}: {error}",
                settings.dirname
            ));
            self.aof.last_rewrite_failed = true;
            return false;
        }
        self.aof.selected_db = None;
        self.aof.write_pending(now_ms, false);
        if self.open_next_incr().is_err() {
            self.aof.last_rewrite_failed = true;
            return false;
        }
        self.aof.rewrites += 1;
        let snapshot = self.aof_base_contents(now_ms);
        let outcome = Arc::new(Mutex::new(None));
        let cancelled = Arc::new(AtomicBool::new(false));
        let (slot, abandoned) = (outcome.clone(), cancelled.clone());
        let temp_path = settings.rewrite_temp_path(self.aof.rewrites);
        let path = temp_path.clone();
        let spawned = std::thread::Builder::new()
            .name("kvdb-aof-rewrite".into())
            .spawn(move || {
                let written =
                    !abandoned.load(Ordering::SeqCst) && write_synced(&path, &snapshot).is_ok();
                // An abandoned rewrite leaves no file behind.
                if abandoned.load(Ordering::SeqCst) {
                    let _ = std::fs::remove_file(&path);
                }
                *slot.lock() = Some(written);
            });
        if spawned.is_err() {
            self.aof.last_rewrite_failed = true;
            return false;
        }
        log::notice("Background append only file rewriting started");
        self.aof.rewrite = Some(Rewrite {
            started: Instant::now(),
            temp_path,
            outcome,
            cancelled,
        });
        self.aof.rewrite_scheduled = false;
        self.refresh_aof_feeding();
        true
    }

    /// The incr file a rewrite starts (`openNewIncrAofForAppend`): a temporary one
    /// while the file is being turned on, the next in the manifest when it is on,
    /// none when it is off.
    fn open_next_incr(&mut self) -> std::io::Result<()> {
        let aof = &mut self.aof;
        match aof.state {
            AofState::Off => Ok(()),
            AofState::WaitRewrite => {
                let name = aof.settings.temp_incr_name();
                aof.open_incr(&name, true)
            }
            AofState::On => {
                let mut manifest = aof.manifest.clone();
                let name = manifest.new_incr(&aof.settings.filename);
                let path = aof.settings.path(&name);
                File::create(&path).inspect_err(|error| {
                    log::warning(&format!("Can't open the append-only file {name}: {error}"));
                })?;
                persist_manifest(&aof.settings, &manifest)?;
                aof.open_incr(&name, true)?;
                aof.manifest = manifest;
                Ok(())
            }
        }
    }

    /// The append-only file's part of the cron: buffered commands written and synced,
    /// a finished rewrite installed, a scheduled one started, and an automatic one
    /// when the file grew past `auto-aof-rewrite-*` (Redis's `serverCron`).
    pub fn aof_cron(&mut self, now_ms: u64) {
        let aof = &mut self.aof;
        if aof.state == AofState::Off && !aof.rewriting() && !aof.rewrite_scheduled {
            return;
        }
        let child_active = self.background_job_running();
        self.aof.write_pending(now_ms, child_active);
        self.reap_aof_rewrite();
        if self.background_job_running() || self.aof.rewrite_limited(now_ms / 1000) {
            self.refresh_aof_feeding();
            return;
        }
        let (percentage, min_size) = self.aof.settings.auto_rewrite;
        let aof = &self.aof;
        let base = aof.base_size.max(1);
        let grown = aof.current_size.saturating_sub(base) * 100 / base;
        let due = aof.state == AofState::On
            && percentage > 0
            && aof.current_size > min_size
            && grown >= percentage;
        if due {
            log::notice(&format!(
                "Starting automatic rewriting of AOF on {grown}% growth"
            ));
        }
        if aof.rewrite_scheduled || due {
            self.start_aof_rewrite(now_ms);
        }
        self.refresh_aof_feeding();
    }

    /// Opens the append-only file at start, once the dataset is loaded (Redis's
    /// `aofOpenIfNeededOnServerStart`): a base file is written first when there is
    /// none, then the last incr file (or a new one) takes the commands.
    pub fn open_aof_at_start(&mut self, now_ms: u64) -> Result<(), String> {
        if !self.aof.settings.enabled {
            return Ok(());
        }
        let settings = self.aof.settings.clone();
        std::fs::create_dir_all(settings.aof_dir()).map_err(|error| {
            format!(
                "Can't open or create append-only dir {}: {error}",
                settings.dirname
            )
        })?;
        let mut manifest = self.aof.manifest.clone();
        if manifest.is_empty() {
            let name = manifest.new_base(&settings.filename, settings.use_rdb_preamble);
            let contents = self.aof_base_contents(now_ms);
            write_synced(&settings.path(&name), &contents)
                .map_err(|error| format!("Can't write the AOF base file {name}: {error}"))?;
            log::notice(&format!("Creating AOF base file {name} on server start"));
        }
        let name = manifest.last_incr(&settings.filename);
        let aof = &mut self.aof;
        aof.state = AofState::On;
        aof.open_incr(&name, false)
            .map_err(|error| format!("Can't open the append-only file {name}: {error}"))?;
        persist_manifest(&aof.settings, &manifest)
            .map_err(|error| format!("Can't persist the AOF manifest: {error}"))?;
        aof.manifest = manifest;
        aof.last_fsync_secs = now_ms / 1000;
        self.refresh_aof_feeding();
        Ok(())
    }

    /// The append-only file's part of stopping the server (Redis's
    /// `prepareForShutdown`): a running rewrite is abandoned and what is buffered is
    /// written and synced. False, to stay up, while the first rewrite after
    /// `appendonly yes` still runs, unless `force`: the file would not hold the
    /// dataset yet.
    pub fn prepare_aof_for_exit(&mut self, force: bool, now_ms: u64) -> bool {
        if self.aof.rewriting() {
            if self.aof.state == AofState::WaitRewrite {
                if !force {
                    log::warning("Writing initial AOF, can't exit.");
                    return false;
                }
                log::warning("Writing initial AOF. Exit anyway.");
            }
            log::warning("There is a child rewriting the AOF. Killing it!");
            self.aof.abandon_rewrite();
        }
        if self.aof.state != AofState::Off {
            log::notice("Calling fsync() on the AOF file.");
            self.flush_aof(now_ms);
        }
        true
    }

    /// Writes and syncs whatever is buffered (SHUTDOWN, the server stopping).
    pub fn flush_aof(&mut self, now_ms: u64) {
        self.aof.write_and_sync(now_ms);
    }
}

/// Writes `manifest` into the AOF directory of `settings`: a temporary file, synced,
/// renamed over the old one, and the directory synced.
pub fn persist_manifest(settings: &AofSettings, manifest: &Manifest) -> std::io::Result<()> {
    let path = settings.path(&settings.manifest_name());
    let temporary = settings.path(&format!("temp-{}", settings.manifest_name()));
    let written = File::create(&temporary).and_then(|mut file| {
        file.write_all(manifest.to_text().as_bytes())?;
        file.sync_all()
    });
    let result = written
        .and_then(|()| std::fs::rename(&temporary, &path))
        .and_then(|()| sync_dir(&settings.aof_dir()));
    if let Err(error) = &result {
        let _ = std::fs::remove_file(&temporary);
        log::warning(&format!("Can't persist the AOF manifest file: {error}"));
    }
    result
}

/// Syncs a directory, so that the renames in it survive a crash (Redis's
/// `fsyncFileDir`).
fn sync_dir(dir: &std::path::Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Writes `bytes` to `path`, synced to disk.
fn write_synced(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::args::argv;

    #[test]
    fn commands_are_taken_only_while_the_file_is_on() {
        let mut aof = Aof::default();
        aof.feed(0, &argv(&["SET", "k", "v"]), 0);
        assert!(!aof.has_pending(), "off: nothing is kept");
        aof.state = AofState::WaitRewrite;
        aof.feed(0, &argv(&["SET", "k", "v"]), 0);
        assert!(!aof.has_pending(), "no rewrite runs yet: nothing is kept");
        aof.state = AofState::On;
        aof.settings.timestamps = true;
        aof.feed(2, &argv(&["SET", "k", "v"]), 5_000);
        aof.feed(2, &argv(&["DEL", "k"]), 5_500);
        aof.feed(0, &argv(&["DEL", "j"]), 6_000);
        assert_eq!(
            String::from_utf8_lossy(&aof.buffer),
            "#TS:5\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n\
             *2\r\n$3\r\nDEL\r\n$1\r\nk\r\n\
             #TS:6\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$1\r\nj\r\n"
        );
    }

    #[test]
    fn failed_rewrites_are_retried_ever_later() {
        let mut aof = Aof {
            consecutive_failures: 2,
            ..Aof::default()
        };
        assert!(!aof.rewrite_limited(1000));
        aof.consecutive_failures = 3;
        assert!(aof.rewrite_limited(1000), "the limit starts: a minute");
        assert!(aof.rewrite_limited(1059));
        assert!(!aof.rewrite_limited(1060), "one try when it is over");
        assert!(aof.rewrite_limited(1060), "then two minutes");
        assert!(aof.rewrite_limited(1179));
        assert!(!aof.rewrite_limited(1180));
        aof.consecutive_failures = 0;
        assert!(!aof.rewrite_limited(1181));
    }

    #[test]
    fn a_rewrite_installs_its_base_and_starts_a_new_incr_file() {
        let dir = std::env::temp_dir().join(format!("kvdb-aof-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut keyspace = Keyspace::new(1, 1);
        keyspace.aof.settings = AofSettings {
            enabled: true,
            dir: dir.clone(),
            dirname: "aof".into(),
            filename: "appendonly.aof".into(),
            use_rdb_preamble: true,
            ..AofSettings::default()
        };
        keyspace.open_aof_at_start(0).unwrap();
        assert!(
            keyspace.replication.is_active(),
            "commands propagate to the file"
        );
        keyspace.aof.feed(0, &argv(&["SET", "k", "v"]), 0);
        keyspace.aof.write_pending(0, false);
        assert!(keyspace.start_aof_rewrite(0));
        assert!(!keyspace.start_aof_rewrite(0), "one rewrite at a time");
        while keyspace.aof.rewriting() {
            std::thread::sleep(std::time::Duration::from_millis(5));
            keyspace.reap_aof_rewrite();
        }
        let manifest = std::fs::read_to_string(dir.join("aof/appendonly.aof.manifest")).unwrap();
        assert_eq!(
            manifest,
            "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"
        );
        let mut files: Vec<String> = std::fs::read_dir(dir.join("aof"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(
            files,
            [
                "appendonly.aof.2.base.rdb",
                "appendonly.aof.2.incr.aof",
                "appendonly.aof.manifest"
            ],
            "the history files are gone"
        );
        keyspace.stop_aof(0);
        assert!(!keyspace.replication.is_active());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
