//! The engine as kvdb's users get it: `kvdb_engine`'s [`kvdb_engine::Engine`] with
//! the Lua host (`kvdb-lua`) installed, so `EVAL` and `FCALL` work in-process and in
//! the server alike. The engine crate stays free of Lua; this is where the two meet.

use std::ops::Deref;
use std::sync::Arc;

use kvdb_engine::{Clock, Config};

/// A kvdb engine: keyspace, commands and Lua scripting. Cheap to clone; every clone
/// is the same engine. Everything of [`kvdb_engine::Engine`] is available through
/// `Deref` (`session`, `advance`, `inspect`, ...).
#[derive(Debug, Clone)]
pub struct Engine(kvdb_engine::Engine);

impl Engine {
    /// An engine with Redis's defaults and the system clock.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder with Redis's defaults.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// An independent copy of this engine's data, configuration and time (see
    /// [`kvdb_engine::Engine::fork`]); its scripts are compiled again on first use.
    pub fn fork(&self) -> Engine {
        Engine(self.0.fork())
    }

    /// The engine underneath, for APIs that take `kvdb_engine`'s type.
    pub fn core(&self) -> &kvdb_engine::Engine {
        &self.0
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Deref for Engine {
    type Target = kvdb_engine::Engine;

    fn deref(&self) -> &kvdb_engine::Engine {
        &self.0
    }
}

impl From<Engine> for kvdb_engine::Engine {
    fn from(engine: Engine) -> Self {
        engine.0
    }
}

/// Builds an [`Engine`].
#[derive(Debug, Default)]
pub struct EngineBuilder {
    inner: kvdb_engine::EngineBuilder,
    config: Option<Config>,
    databases: Option<usize>,
    lua_memory_limit: Option<usize>,
}

impl EngineBuilder {
    /// Uses `config` (its `databases` sets the number of databases, unless
    /// [`EngineBuilder::databases`] says otherwise). Without one, the engine has
    /// Redis's defaults but for the `save` points: an engine embedded in a program
    /// writes no `dump.rdb` unless its configuration asks for one.
    pub fn config(mut self, config: Config) -> Self {
        self.config = Some(config);
        self
    }

    /// Names the config file `config` was read from: `CONFIG REWRITE` rewrites it
    /// (without one it answers `ERR The server is running without a config file`).
    pub fn config_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        self.inner = self.inner.config_file(path);
        self
    }

    /// The number of databases (`SELECT 0` to `count - 1`; Redis's default is 16).
    pub fn databases(mut self, count: usize) -> Self {
        self.databases = Some(count);
        self
    }

    /// Uses `clock` instead of the system clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.inner = self.inner.clock(clock);
        self
    }

    /// Seeds hashing and randomness, making randomised commands repeatable.
    pub fn seed(mut self, seed: u64) -> Self {
        self.inner = self.inner.seed(seed);
        self
    }

    /// Caps the memory of the Lua interpreter (default 1 GiB): a script that needs
    /// more fails with an error instead of taking the process down.
    pub fn lua_memory_limit(mut self, bytes: usize) -> Self {
        self.lua_memory_limit = Some(bytes);
        self
    }

    /// The engine.
    ///
    /// # Panics
    /// When [`EngineBuilder::databases`] is 0 or above what `databases` accepts, or
    /// when the configuration's users or ACL file cannot be loaded (see
    /// [`EngineBuilder::try_build`]).
    pub fn build(self) -> Engine {
        self.try_build().unwrap_or_else(|why| panic!("{why}"))
    }

    /// The engine, or why the configuration's `user` lines or `aclfile` cannot be
    /// loaded (the message Redis exits with).
    ///
    /// # Panics
    /// When [`EngineBuilder::databases`] is 0 or above what `databases` accepts.
    pub fn try_build(self) -> Result<Engine, String> {
        let limit = self
            .lua_memory_limit
            .unwrap_or(kvdb_lua::DEFAULT_MEMORY_LIMIT);
        let mut config = self.config.unwrap_or_else(Config::without_save_points);
        if let Some(count) = self.databases {
            let directive = format!("databases {count}");
            if let Err(error) = config.load_file_text(&directive) {
                panic!("EngineBuilder::databases({count}): {error}");
            }
        }
        let inner = self.inner.config(config);
        Ok(Engine(
            inner.script_host(kvdb_lua::factory(limit)).try_build()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use kvdb_engine::Reply;

    use super::*;

    fn run(session: &mut kvdb_engine::Session, args: &[&str]) -> Reply {
        let argv: Vec<Bytes> = args
            .iter()
            .map(|arg| Bytes::copy_from_slice(arg.as_bytes()))
            .collect();
        session.execute(&argv)
    }

    #[test]
    fn the_builder_sets_the_number_of_databases() {
        let engine = Engine::builder().databases(2).seed(1).build();
        let mut session = engine.session();
        assert_eq!(run(&mut session, &["SELECT", "1"]), Reply::Ok);
        assert_eq!(
            run(&mut session, &["SELECT", "2"]),
            Reply::Error(Bytes::from_static(b"ERR DB index is out of range"))
        );
        assert_eq!(engine.keys(1), Vec::<Bytes>::new());
    }

    /// A fork has the libraries of its origin (its fresh Lua host loads them on first
    /// call) and they change independently afterwards.
    #[test]
    fn a_fork_carries_function_libraries() {
        let engine = Engine::new();
        let mut origin = engine.session();
        let code = "#!lua name=lib\nredis.register_function('hello', function(keys, args) return 'hi ' .. args[1] end)";
        assert_eq!(
            run(&mut origin, &["FUNCTION", "LOAD", code]),
            Reply::bulk("lib")
        );
        assert_eq!(
            run(&mut origin, &["FCALL", "hello", "0", "a"]),
            Reply::bulk("hi a")
        );

        let fork = engine.fork();
        let mut copy = fork.session();
        assert_eq!(
            run(&mut copy, &["FCALL", "hello", "0", "b"]),
            Reply::bulk("hi b")
        );
        assert_eq!(run(&mut copy, &["FUNCTION", "DELETE", "lib"]), Reply::Ok);
        assert_eq!(
            run(&mut origin, &["FCALL", "hello", "0", "c"]),
            Reply::bulk("hi c")
        );
        let missing = run(&mut copy, &["FCALL", "hello", "0", "d"]);
        assert_eq!(missing, Reply::Error(Bytes::from("ERR Function not found")));
    }

    /// An engine knows its config file only when told: CONFIG REWRITE then rewrites
    /// it (a relative path made absolute), and INFO names it.
    #[test]
    fn config_rewrite_needs_the_config_file() {
        let mut session = Engine::new().session();
        assert_eq!(
            run(&mut session, &["CONFIG", "REWRITE"]),
            Reply::Error(Bytes::from_static(
                b"ERR The server is running without a config file"
            ))
        );

        let dir =
            std::env::temp_dir().join(format!("kvdb-embedded-rewrite-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("kvdb.conf");
        std::fs::write(&file, "# mine\nhz 11\n").unwrap();
        let mut config = Config::without_save_points();
        config.load_file_text("hz 11\n").unwrap();
        let engine = Engine::builder().config(config).config_file(&file).build();
        let mut session = engine.session();
        assert_eq!(run(&mut session, &["CONFIG", "SET", "hz", "20"]), Reply::Ok);
        assert_eq!(run(&mut session, &["CONFIG", "REWRITE"]), Reply::Ok);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("# mine\nhz 20\n\n# Generated by CONFIG REWRITE\n"),
            "{text}"
        );
        assert!(text.contains("\nsave \"\"\n"), "{text}");
        let Reply::Verbatim(_, info) = run(&mut session, &["INFO", "server"]) else {
            panic!("INFO is verbatim text");
        };
        let line = format!("config_file:{}\r\n", file.display());
        assert!(String::from_utf8_lossy(&info).contains(&line));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
