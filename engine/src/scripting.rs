//! Scripting as the engine sees it: the [`ScriptHost`] trait a Lua implementation
//! plugs into (kvdb's is the `kvdb-lua` crate), what a running script may ask of the
//! engine ([`ScriptCalls`]), the script cache kept by SHA-1, `#!lua` shebang flags, and
//! the status of the script running now ([`ScriptStatus`]), which other clients read
//! without the store lock to answer `BUSY` and which `SCRIPT KILL` flips.
//!
//! The engine owns everything Redis reports (bodies, SHAs, flags); the host owns only
//! compiled code, so a fork or a fresh host recompiles from the bodies on demand.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use parking_lot::Mutex;

use crate::functions::{Counts, FunctionInfo, Libraries};
use crate::reply::{Protocol, Reply};

/// Creates a script host; the engine calls it the first time a script runs.
#[derive(Clone)]
pub struct HostFactory(Arc<dyn Fn() -> Box<dyn ScriptHost> + Send + Sync>);

impl HostFactory {
    /// A factory calling `make`.
    pub fn new(make: impl Fn() -> Box<dyn ScriptHost> + Send + Sync + 'static) -> Self {
        HostFactory(Arc::new(make))
    }

    /// A new host.
    pub fn make(&self) -> Box<dyn ScriptHost> {
        (self.0)()
    }
}

impl std::fmt::Debug for HostFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostFactory")
    }
}

/// A Lua implementation: compiles and runs scripts, calling back into the engine
/// through [`ScriptCalls`]. Errors are Redis's reply texts without the leading `-`.
pub trait ScriptHost: Send {
    /// Compiles `body` (the script after any shebang line) as script `sha`; the error
    /// is Lua's compiler message (`user_script:1: ...`).
    fn compile(&mut self, sha: &str, body: &[u8]) -> Result<(), String>;

    /// Runs script `sha` (compiling `body` first if this host has not seen it) with
    /// `KEYS` and `ARGV`, and answers its reply; a script error is a
    /// [`ScriptError`] carrying Redis's full error text.
    fn run(
        &mut self,
        sha: &str,
        body: &[u8],
        keys: &[Bytes],
        args: &[Bytes],
        calls: &mut dyn ScriptCalls,
    ) -> Result<Reply, ScriptError>;

    /// Forgets every compiled script (`SCRIPT FLUSH`).
    fn forget_scripts(&mut self);

    /// Bytes of memory the interpreter uses (`used_memory_lua`).
    fn memory_used(&self) -> usize;

    /// Loads a library as library `id`: compiles `body` (the code after the shebang,
    /// from the newline ending it) and runs it in Redis's loading environment, where
    /// only `redis.register_function`, `redis.log` and the version fields exist,
    /// stopping it after `timeout`. Answers the functions it registered, in order, or
    /// Redis's error text without its `ERR ` code (`Error compiling function: ...`,
    /// `Error registering functions: ...`).
    fn load_library(
        &mut self,
        id: u64,
        body: &[u8],
        timeout: Option<Duration>,
    ) -> Result<Vec<FunctionInfo>, String>;

    /// Calls `function` of library `id` (loading the library from `body` first if this
    /// host has not seen it) with the `keys` and `args` tables, as `FCALL` does.
    fn call_function(
        &mut self,
        id: u64,
        body: &[u8],
        function: &str,
        keys: &[Bytes],
        args: &[Bytes],
        calls: &mut dyn ScriptCalls,
    ) -> Result<Reply, ScriptError>;

    /// Forgets library `id` (deleted, replaced or flushed).
    fn drop_library(&mut self, id: u64);

    /// Bytes of memory the functions' interpreter uses (`used_memory_vm_functions`).
    fn functions_memory_used(&self) -> usize;
}

/// A script's error reply: the text after `-`, and whether it was already counted in
/// the error statistics when the command the script called failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// The error text, starting with its code (`ERR ...`, `WRONGTYPE ...`); any bytes.
    pub message: Vec<u8>,
    /// True when the error came from a command the script called (Redis counts it
    /// once, there, and only as a failed call of the script's command).
    pub already_counted: bool,
}

/// What the running script may ask of the engine.
pub trait ScriptCalls: Send {
    /// `redis.call`/`redis.pcall`: runs `argv` as the script's client. An error is
    /// Redis's text with its code (`ERR Unknown Redis command called from script`).
    fn call(&mut self, argv: &[Bytes]) -> Result<Reply, String>;

    /// The protocol `redis.call` replies are converted from (`redis.setresp`).
    fn protocol(&self) -> Protocol;

    /// `redis.setresp`.
    fn set_protocol(&mut self, protocol: Protocol);

    /// Called every so many instructions: true means stop the script now (`SCRIPT
    /// KILL`, or a shutdown). Past `busy-reply-threshold` it also puts the engine in
    /// busy mode.
    fn should_stop(&mut self) -> bool;

    /// `redis.log` at `level` (0 debug ... 3 warning).
    fn log(&mut self, level: u8, message: &[u8]);

    /// `redis.acl_check_cmd`: whether the script's user may run `argv`; `None` when
    /// `argv` names no command.
    fn acl_check(&mut self, argv: &[Bytes]) -> Option<bool>;

    /// `redis.set_repl`: where the commands the script calls from now on propagate
    /// (`crate::replication::TO_AOF` and `TO_REPLICAS` bits).
    fn set_replication(&mut self, targets: u8);
}

/// `#!lua` shebang flags (Redis's `SCRIPT_FLAG_*`).
pub mod script_flags {
    /// `no-writes`
    pub const NO_WRITES: u32 = 1 << 0;
    /// `allow-oom`
    pub const ALLOW_OOM: u32 = 1 << 1;
    /// `allow-stale`
    pub const ALLOW_STALE: u32 = 1 << 2;
    /// `no-cluster`
    pub const NO_CLUSTER: u32 = 1 << 3;
    /// No shebang: a script written before flags existed.
    pub const EVAL_COMPAT_MODE: u32 = 1 << 4;
    /// `allow-cross-slot-keys`
    pub const ALLOW_CROSS_SLOT: u32 = 1 << 5;

    /// Flag names as scripts spell them.
    pub const NAMES: &[(u32, &str)] = &[
        (NO_WRITES, "no-writes"),
        (ALLOW_OOM, "allow-oom"),
        (ALLOW_STALE, "allow-stale"),
        (NO_CLUSTER, "no-cluster"),
        (ALLOW_CROSS_SLOT, "allow-cross-slot-keys"),
    ];
}

/// A cached script.
#[derive(Debug, Clone)]
pub struct CachedScript {
    /// The whole body as sent, shebang included.
    pub body: Bytes,
    /// Where the Lua code starts (after the shebang line).
    pub code_start: usize,
    /// [`script_flags`] bits.
    pub flags: u32,
}

impl CachedScript {
    /// The Lua code, without the shebang line.
    pub fn code(&self) -> &[u8] {
        &self.body[self.code_start..]
    }
}

/// The engine's scripting state, kept with the keyspace.
#[derive(Default)]
pub struct Scripts {
    /// Scripts by lowercase hex SHA-1 (foldhash: SipHash was a tenth of an EVALSHA's
    /// engine-side cost, and SHA-1 keys cannot be chosen to collide).
    pub cache: foldhash::HashMap<String, CachedScript>,
    /// `busy-reply-threshold` in ms (kept here by `Keyspace::configure`).
    pub busy_threshold_ms: u64,
    /// Function libraries (they survive `FLUSHALL`, as in Redis).
    pub libraries: Libraries,
    /// The host, created on first use (and left out of clones: a fork compiles again).
    host: Option<Box<dyn ScriptHost>>,
    /// What the scripts' client keeps from run to run.
    pub(crate) client: crate::command::scripting::KeptClient,
}

impl std::fmt::Debug for Scripts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scripts")
            .field("cached", &self.cache.len())
            .field("libraries", &self.libraries.counts())
            .field("host", &self.host.is_some())
            .finish()
    }
}

impl Clone for Scripts {
    fn clone(&self) -> Self {
        Scripts {
            cache: self.cache.clone(),
            busy_threshold_ms: self.busy_threshold_ms,
            libraries: self.libraries.clone(),
            host: None,
            client: Default::default(),
        }
    }
}

impl Scripts {
    /// Lends the host out for one run (creating it with `factory` if needed); give it
    /// back with [`Scripts::put_host`]. `None` when the engine has no script host.
    pub fn take_host(&mut self, factory: Option<&HostFactory>) -> Option<Box<dyn ScriptHost>> {
        self.host.take().or_else(|| factory.map(HostFactory::make))
    }

    /// Returns the host lent by [`Scripts::take_host`].
    pub fn put_host(&mut self, host: Box<dyn ScriptHost>) {
        self.host = Some(host);
    }

    /// `SCRIPT FLUSH`: forgets every script.
    pub fn flush(&mut self) {
        self.cache.clear();
        if let Some(host) = &mut self.host {
            host.forget_scripts();
        }
    }

    /// Memory the interpreter uses, 0 before the first script.
    pub fn lua_memory(&self) -> usize {
        self.host.as_ref().map_or(0, |host| host.memory_used())
    }

    /// Memory the functions' interpreter uses, 0 before the first library.
    pub fn functions_memory(&self) -> usize {
        self.host
            .as_ref()
            .map_or(0, |host| host.functions_memory_used())
    }

    /// Tells the host (if there is one yet) to forget libraries `ids`.
    pub fn drop_libraries(&mut self, ids: impl IntoIterator<Item = u64>) {
        if let Some(host) = &mut self.host {
            for id in ids {
                host.drop_library(id);
            }
        }
    }

    /// Bytes the cached bodies take (`used_memory_scripts_eval`).
    pub fn cache_memory(&self) -> usize {
        self.cache
            .values()
            .map(|script| script.body.len() + 40 + 64)
            .sum()
    }
}

/// The lowercase hex SHA-1 of `body`.
pub fn sha1_hex(body: &[u8]) -> String {
    sha1_smol::Sha1::from(body).digest().to_string()
}

/// Parses a `#!lua` shebang (Redis's `evalExtractShebangFlags`): the flags and where
/// the code starts. A body without a shebang is in compatibility mode.
pub fn parse_shebang(body: &[u8]) -> Result<(u32, usize), String> {
    if !body.starts_with(b"#!") {
        return Ok((script_flags::EVAL_COMPAT_MODE, 0));
    }
    let Some(end) = body.iter().position(|&b| b == b'\n') else {
        return Err("Invalid script shebang".into());
    };
    let line = String::from_utf8_lossy(&body[..end]);
    let parts: Vec<&str> = line.split_ascii_whitespace().collect();
    match parts.first() {
        None => return Err("Invalid engine in script shebang".into()),
        Some(&"#!lua") => {}
        Some(engine) => return Err(format!("Unexpected engine in script shebang: {engine}")),
    }
    let mut flags = 0;
    for part in &parts[1..] {
        let Some(list) = part.strip_prefix("flags=") else {
            return Err(format!("Unknown lua shebang option: {part}"));
        };
        for name in list.split(',') {
            // An empty list (`flags=`) sets nothing, as Redis's split yields no parts.
            if name.is_empty() && list.is_empty() {
                continue;
            }
            match script_flags::NAMES.iter().find(|(_, n)| *n == name) {
                Some((bit, _)) => flags |= bit,
                None => return Err(format!("Unexpected flag in script shebang: {name}")),
            }
        }
    }
    Ok((flags, end))
}

/// The flags a command running a script with `script` flags has (Redis's
/// `scriptFlagsToCmdFlags`): declared flags replace the command's `write`, `denyoom`
/// and `stale`, and a script that declared them is known not to replicate otherwise.
pub fn command_flags_for_script(command: u32, script: u32) -> u32 {
    use crate::command::flags;
    let mut out = command & !(flags::STALE | flags::DENYOOM | flags::WRITE);
    if script & (script_flags::ALLOW_OOM | script_flags::NO_WRITES) == 0 {
        out |= flags::DENYOOM;
    }
    if script & script_flags::NO_WRITES == 0 {
        out |= flags::WRITE;
    }
    if script & script_flags::ALLOW_STALE != 0 {
        out |= flags::STALE;
    }
    out & !flags::MAY_REPLICATE
}

/// The flags of an EVAL-family command with `argv` (Redis's `evalGetCommandFlags`): a
/// cached script's declared flags, or those of an uncached EVAL body's shebang; the
/// command's own flags for a script without a shebang, an unknown SHA or a bad shebang.
pub fn eval_command_flags(scripts: &Scripts, command: u32, evalsha: bool, argv: &[Bytes]) -> u32 {
    let Some(body) = argv.get(1) else {
        return command;
    };
    let declared = if evalsha {
        if body.len() != 40 {
            return command;
        }
        let sha = String::from_utf8_lossy(body).to_ascii_lowercase();
        match scripts.cache.get(&sha) {
            Some(script) => script.flags,
            None => return command,
        }
    } else {
        match scripts.cache.get(&sha1_hex(body)) {
            Some(script) => script.flags,
            None => match parse_shebang(body) {
                Ok((flags, _)) => flags,
                Err(_) => return command,
            },
        }
    };
    if declared & script_flags::EVAL_COMPAT_MODE != 0 {
        return command;
    }
    command_flags_for_script(command, declared)
}

/// Which kind of script is running, for `BUSY` texts and `SCRIPT KILL`/`FUNCTION KILL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// `EVAL` and friends.
    Eval,
    /// `FCALL` and friends.
    Function,
}

/// How long a script runs before the engine's long-script hook is called.
pub const LONG_RUN_MS: u64 = 2;

const IDLE: u8 = 0;
const EVAL: u8 = 1;
const FUNCTION: u8 = 2;

/// The script running now, shared without the store lock: the running script's
/// thread holds that lock, and other clients read this to answer `BUSY` and to kill.
#[derive(Debug, Default)]
pub struct ScriptStatus {
    kind: AtomicU8,
    timed_out: AtomicBool,
    kill: AtomicBool,
    wrote: AtomicBool,
    /// The long-script hook ran for this run.
    long_run_noted: AtomicBool,
    /// When the running script started, and its name (its SHA, or the function's
    /// name): one lock for both, taken twice per run.
    run: Mutex<(Option<Instant>, String)>,
    /// The command that runs it, and the library counts then (`FUNCTION STATS`
    /// answers from these while a function is busy: libraries cannot change meanwhile).
    caller: Mutex<(Vec<Bytes>, Counts)>,
    /// Errors answered while busy (command id, error code), counted once the store is
    /// free again.
    pub busy_rejections: Mutex<Vec<(Option<crate::command::CommandId>, String)>>,
}

impl ScriptStatus {
    /// Marks a script of `kind` named `name` as running from now.
    ///
    /// The stores here and in [`ScriptStatus::finish`] (every run makes them) are
    /// `Release`, not `SeqCst` (a locked instruction each on x86): a thread that sees
    /// the new `kind` sees the flags reset before it, which is all readers rely on.
    pub fn start(&self, kind: RunKind, name: &str) {
        {
            let mut run = self.run.lock();
            run.0 = Some(Instant::now());
            name.clone_into(&mut run.1);
        }
        self.timed_out.store(false, Ordering::Release);
        self.kill.store(false, Ordering::Release);
        self.wrote.store(false, Ordering::Release);
        self.long_run_noted.store(false, Ordering::Release);
        let code = match kind {
            RunKind::Eval => EVAL,
            RunKind::Function => FUNCTION,
        };
        self.kind.store(code, Ordering::Release);
    }

    /// Marks the script as finished.
    pub fn finish(&self) {
        self.kind.store(IDLE, Ordering::Release);
        self.timed_out.store(false, Ordering::Release);
        self.run.lock().0 = None;
    }

    /// The kind of script running, if any.
    pub fn running(&self) -> Option<RunKind> {
        match self.kind.load(Ordering::SeqCst) {
            EVAL => Some(RunKind::Eval),
            FUNCTION => Some(RunKind::Function),
            _ => None,
        }
    }

    /// Records the command running the script and the library counts when it
    /// started, for `FUNCTION STATS` while busy. Done from the run's first stop check
    /// rather than at the start: a short run never needs it.
    pub fn note_caller(&self, command: &[Bytes], counts: Counts) {
        *self.caller.lock() = (command.to_vec(), counts);
    }

    /// The command running the script, and the library counts when it started.
    pub fn caller(&self) -> (Vec<Bytes>, Counts) {
        self.caller.lock().clone()
    }

    /// The running script's name and how long it has run (ms).
    pub fn running_for(&self) -> Option<(String, u64)> {
        let run = self.run.lock();
        let ms = u64::try_from(run.0?.elapsed().as_millis()).unwrap_or(u64::MAX);
        Some((run.1.clone(), ms))
    }

    /// True once the running script has passed `busy-reply-threshold`: other clients
    /// get `BUSY` until it ends.
    pub fn is_busy(&self) -> bool {
        self.running().is_some() && self.timed_out.load(Ordering::SeqCst)
    }

    /// Checks the running script against `threshold_ms`, entering busy mode when it
    /// has passed; answers true when the script must stop (killed).
    pub fn check(&self, threshold_ms: u64) -> bool {
        if !self.timed_out.load(Ordering::SeqCst) {
            let elapsed = self.running_for().map_or(0, |(_, elapsed_ms)| elapsed_ms);
            if threshold_ms == 0 || elapsed < threshold_ms {
                return false;
            }
            self.timed_out.store(true, Ordering::SeqCst);
        }
        self.kill.load(Ordering::SeqCst)
    }

    /// True the first time it is asked after the run passed `LONG_RUN_MS`.
    pub fn became_long(&self) -> bool {
        let long = self
            .running_for()
            .is_some_and(|(_, elapsed_ms)| elapsed_ms >= LONG_RUN_MS);
        long && !self.long_run_noted.swap(true, Ordering::SeqCst)
    }

    /// Records that the script ran a write command (it can no longer be killed).
    pub fn mark_wrote(&self) {
        self.wrote.store(true, Ordering::SeqCst);
    }

    /// Whether the running script has run a write command (Redis's
    /// `SCRIPT_WRITE_DIRTY`).
    pub fn has_written(&self) -> bool {
        self.wrote.load(Ordering::SeqCst)
    }

    /// `SCRIPT KILL` (`kind` Eval) or `FUNCTION KILL` (Function), with Redis's
    /// replies: `Ok` once asked to stop, else the error text.
    pub fn kill(&self, kind: RunKind) -> Result<(), &'static str> {
        let Some(running) = self.running() else {
            return Err("NOTBUSY No scripts in execution right now.");
        };
        if self.wrote.load(Ordering::SeqCst) {
            return Err(
                "UNKILLABLE Sorry the script already executed write commands \
                        against the dataset. You can either wait the script termination \
                        or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
            );
        }
        if running != kind {
            return Err(busy_error(running));
        }
        self.kill.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Stops the running script whatever it did (the server is shutting down).
    pub fn force_stop(&self) {
        self.timed_out.store(true, Ordering::SeqCst);
        self.kill.store(true, Ordering::SeqCst);
    }
}

/// The `BUSY` error for clients while a script of `kind` runs past the threshold.
pub fn busy_error(kind: RunKind) -> &'static str {
    match kind {
        RunKind::Eval => crate::error::BUSY_SCRIPT,
        RunKind::Function => crate::error::BUSY_FUNCTION,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_script_flags_replace_the_commands_write_flags() {
        use crate::command::flags;
        let eval = flags::NOSCRIPT | flags::MAY_REPLICATE | flags::STALE;
        let no_writes = command_flags_for_script(eval, script_flags::NO_WRITES);
        assert_eq!(no_writes, flags::NOSCRIPT);
        let writes = command_flags_for_script(eval, 0);
        assert_eq!(writes, flags::NOSCRIPT | flags::WRITE | flags::DENYOOM);
        let scripts = Scripts::default();
        let argv = |body: &'static [u8]| [Bytes::from_static(b"EVAL"), Bytes::from_static(body)];
        assert_eq!(
            eval_command_flags(&scripts, eval, false, &argv(b"return 1")),
            eval
        );
        assert_eq!(
            eval_command_flags(
                &scripts,
                eval,
                false,
                &argv(b"#!lua flags=no-writes\nreturn 1")
            ),
            flags::NOSCRIPT
        );
        assert_eq!(
            eval_command_flags(&scripts, eval, false, &argv(b"#!py\n")),
            eval
        );
        assert_eq!(
            eval_command_flags(&scripts, eval, true, &argv(b"abc")),
            eval
        );
    }

    #[test]
    fn shebangs_parse_as_redis_does() {
        assert_eq!(
            parse_shebang(b"return 1"),
            Ok((script_flags::EVAL_COMPAT_MODE, 0))
        );
        assert_eq!(parse_shebang(b"#!lua\nreturn 1"), Ok((0, 5)));
        assert_eq!(
            parse_shebang(b"#!lua flags=no-writes,allow-oom\nreturn 1"),
            Ok((script_flags::NO_WRITES | script_flags::ALLOW_OOM, 31))
        );
        assert_eq!(parse_shebang(b"#!lua flags=\nx"), Ok((0, 12)));
        assert_eq!(
            parse_shebang(b"#!lua"),
            Err("Invalid script shebang".to_string())
        );
        assert_eq!(
            parse_shebang(b"#!python\nx"),
            Err("Unexpected engine in script shebang: #!python".to_string())
        );
        assert_eq!(
            parse_shebang(b"#!lua name=x\nx"),
            Err("Unknown lua shebang option: name=x".to_string())
        );
        assert_eq!(
            parse_shebang(b"#!lua flags=bad\nx"),
            Err("Unexpected flag in script shebang: bad".to_string())
        );
    }

    #[test]
    fn sha1_is_lowercase_hex() {
        assert_eq!(
            sha1_hex(b"return 1"),
            "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
        );
    }

    #[test]
    fn kill_follows_redis_rules() {
        let status = ScriptStatus::default();
        assert_eq!(
            status.kill(RunKind::Eval),
            Err("NOTBUSY No scripts in execution right now.")
        );
        status.start(RunKind::Function, "f");
        assert_eq!(
            status.kill(RunKind::Eval),
            Err(busy_error(RunKind::Function))
        );
        assert!(!status.check(1_000_000));
        assert_eq!(status.kill(RunKind::Function), Ok(()));
        assert!(!status.is_busy(), "not busy before the threshold");
        status.force_stop();
        assert!(status.is_busy() && status.check(1_000_000));
        status.mark_wrote();
        assert!(status
            .kill(RunKind::Function)
            .unwrap_err()
            .starts_with("UNKILLABLE"));
        status.finish();
        assert_eq!(status.running(), None);
    }
}
