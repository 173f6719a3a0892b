//! Named Lua programs: a directory of `*.lua` files, one program per file, run by name
//! with keys and arguments on any [`Connection`] — the in-process [`Session`](crate::Session),
//! kvdb-server or a real Redis over [`RespClient`](crate::RespClient).
//!
//! A program runs as `EVALSHA sha numkeys key... arg...`. When the server answers
//! `NOSCRIPT` (its script cache never saw the program, or was flushed), the program is
//! sent once with `SCRIPT LOAD` and the `EVALSHA` retried once: the source crosses the
//! wire only when the server lacks it, and never through `EVAL`.
//!
//! # Directory rules
//! [`Programs::load_dir`] reads one directory, not its subdirectories:
//! - each regular file (or symlink to one) named `NAME.lua` is the program `NAME`: the
//!   file name less `.lua`, dots kept, so `mylib.rename_if_exists.lua` is
//!   `mylib.rename_if_exists` (dotted names are how programs are grouped);
//! - subdirectories, files not ending in `.lua` (exactly, lower case) and hidden files
//!   (starting with `.`, such as editor lock files) are skipped;
//! - a `.lua` entry that cannot be read (a broken symlink, no permission, not a regular
//!   file) or whose name is not UTF-8 fails the whole load, naming the path: a program
//!   that is silently missing would only show up later, as an unknown name at run time;
//! - a name already in the set is an error too ([`LoadError::Duplicate`]), never a
//!   silent replacement; loading is all or nothing.
//!
//! The source is kept as bytes, as Lua reads it; its SHA-1 is the one `SCRIPT LOAD`
//! answers.
//!
//! # Layout
//! - [`Program`]: name, source, SHA-1; [`Program::run`] (the `EVALSHA` / `NOSCRIPT`
//!   path) and [`Program::script_load`].
//! - [`Programs`]: the set by name; [`Programs::load_dir`], [`Programs::add`],
//!   [`Programs::run`].
//! - [`LoadError`], [`RunError`].

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::client::Connection;
use crate::Reply;

/// One Lua program: its name, its source and the source's SHA-1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    name: String,
    source: Bytes,
    sha: String,
}

impl Program {
    /// A program named `name` with Lua source `source`.
    pub fn new(name: impl Into<String>, source: impl AsRef<[u8]>) -> Program {
        let source = Bytes::copy_from_slice(source.as_ref());
        let sha = sha1_smol::Sha1::from(&source[..]).digest().to_string();
        Program {
            name: name.into(),
            source,
            sha,
        }
    }

    /// The program's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Lua source.
    pub fn source(&self) -> &[u8] {
        &self.source
    }

    /// The SHA-1 of the source in lower-case hex: what `SCRIPT LOAD` answers and
    /// `EVALSHA` takes.
    pub fn sha(&self) -> &str {
        &self.sha
    }

    /// Runs the program on `connection` with `keys` (its `KEYS`) and `args` (its
    /// `ARGV`): `EVALSHA`, and on `NOSCRIPT` one `SCRIPT LOAD` and one more `EVALSHA`.
    ///
    /// The reply is the script's, Redis errors included as [`Reply::Error`] (a
    /// `redis.error_reply`, a failing `redis.call`, or `SCRIPT LOAD`'s compile error);
    /// `Err` only when the connection fails.
    pub fn run<C, K, A>(&self, connection: &mut C, keys: K, args: A) -> io::Result<Reply>
    where
        C: Connection + ?Sized,
        K: IntoIterator,
        K::Item: AsRef<[u8]>,
        A: IntoIterator,
        A::Item: AsRef<[u8]>,
    {
        let mut argv = vec![
            Bytes::from_static(b"EVALSHA"),
            Bytes::copy_from_slice(self.sha.as_bytes()),
            Bytes::new(),
        ];
        argv.extend(keys.into_iter().map(|k| Bytes::copy_from_slice(k.as_ref())));
        let numkeys = argv.len() - 3;
        argv[2] = Bytes::from(numkeys.to_string());
        argv.extend(args.into_iter().map(|a| Bytes::copy_from_slice(a.as_ref())));

        let reply = connection.command(&argv)?;
        if !is_noscript(&reply) {
            return Ok(reply);
        }
        let loaded = self.script_load(connection)?;
        if loaded.is_error() {
            return Ok(loaded);
        }
        connection.command(&argv)
    }

    /// Sends `SCRIPT LOAD source` and returns the reply: the SHA as a bulk string, or
    /// an error (`ERR Error compiling script ...`).
    pub fn script_load<C: Connection + ?Sized>(&self, connection: &mut C) -> io::Result<Reply> {
        connection.command(&[
            Bytes::from_static(b"SCRIPT"),
            Bytes::from_static(b"LOAD"),
            self.source.clone(),
        ])
    }
}

/// True for Redis's `NOSCRIPT No matching script. Please use EVAL.`: the error code is
/// the first word.
fn is_noscript(reply: &Reply) -> bool {
    match reply {
        Reply::Error(text) => text.split(|&b| b == b' ').next() == Some(b"NOSCRIPT"),
        _ => false,
    }
}

/// A set of named [`Program`]s, in name order.
///
/// ```
/// use kvdb::Programs;
///
/// let mut programs = Programs::new();
/// programs.add("demo.one", "return 1").unwrap();
/// let one = programs.get("demo.one").unwrap();
/// assert_eq!(one.sha(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
/// ```
///
/// Running one (here in-process; a [`RespClient`](crate::RespClient) to any Redis
/// works the same):
///
/// ```no_run
/// use kvdb::{Engine, Programs, Reply};
///
/// let programs = Programs::from_dir("lua")?; // lua/mylib.rename_if_exists.lua, ...
/// let mut session = Engine::new().session();
/// let reply = programs.run(&mut session, "mylib.rename_if_exists", ["from", "to"], [""; 0])?;
/// assert_eq!(reply, Reply::Int(11)); // no key "from"
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Programs {
    by_name: BTreeMap<String, Program>,
}

impl Programs {
    /// An empty set.
    pub fn new() -> Programs {
        Programs::default()
    }

    /// The programs of directory `dir` (see the [module rules](self)).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Programs, LoadError> {
        let mut programs = Programs::new();
        programs.load_dir(dir)?;
        Ok(programs)
    }

    /// Adds the programs of directory `dir` (see the [module rules](self)); returns how
    /// many. On error nothing is added.
    pub fn load_dir(&mut self, dir: impl AsRef<Path>) -> Result<usize, LoadError> {
        let dir = dir.as_ref();
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |error| LoadError::Io { path, error }
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io_error(dir))? {
            let path = entry.map_err(io_error(dir))?.path();
            let Some(file_name) = path.file_name() else {
                continue;
            };
            let hidden = file_name.as_encoded_bytes().starts_with(b".");
            let lua = path.extension().is_some_and(|ext| ext == "lua");
            if hidden || !lua {
                continue;
            }
            // Follows symlinks: a link to a program file is a program file.
            let metadata = std::fs::metadata(&path).map_err(io_error(&path))?;
            if metadata.is_dir() {
                continue;
            }
            if !metadata.is_file() {
                let error = io::Error::new(io::ErrorKind::InvalidInput, "not a regular file");
                return Err(LoadError::Io { path, error });
            }
            paths.push(path);
        }
        paths.sort();

        let mut loaded = Vec::with_capacity(paths.len());
        for path in paths {
            let name = match path.file_stem().and_then(|stem| stem.to_str()) {
                Some(name) => name.to_string(),
                None => return Err(LoadError::NonUtf8Name { path }),
            };
            let source = std::fs::read(&path).map_err(io_error(&path))?;
            if self.by_name.contains_key(&name) {
                return Err(LoadError::Duplicate { name });
            }
            loaded.push(Program::new(name, source));
        }
        let count = loaded.len();
        for program in loaded {
            self.by_name.insert(program.name.clone(), program);
        }
        Ok(count)
    }

    /// Adds a program from its source; an empty or already present name is an error.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        source: impl AsRef<[u8]>,
    ) -> Result<&Program, LoadError> {
        let name = name.into();
        if name.is_empty() {
            return Err(LoadError::EmptyName);
        }
        match self.by_name.entry(name) {
            std::collections::btree_map::Entry::Occupied(entry) => Err(LoadError::Duplicate {
                name: entry.key().clone(),
            }),
            std::collections::btree_map::Entry::Vacant(entry) => {
                let program = Program::new(entry.key().clone(), source);
                Ok(entry.insert(program))
            }
        }
    }

    /// The program called `name`.
    pub fn get(&self, name: &str) -> Option<&Program> {
        self.by_name.get(name)
    }

    /// The programs in name order.
    pub fn iter(&self) -> impl Iterator<Item = &Program> {
        self.by_name.values()
    }

    /// How many programs the set holds.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// True when the set holds no program.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Runs the program called `name` on `connection` with `keys` and `args`
    /// ([`Program::run`]). A Redis error reply, the script's own included, is
    /// `Ok(Reply::Error(..))`; an unknown name and a failed connection are the two
    /// [`RunError`]s.
    pub fn run<C, K, A>(
        &self,
        connection: &mut C,
        name: &str,
        keys: K,
        args: A,
    ) -> Result<Reply, RunError>
    where
        C: Connection + ?Sized,
        K: IntoIterator,
        K::Item: AsRef<[u8]>,
        A: IntoIterator,
        A::Item: AsRef<[u8]>,
    {
        let program = self
            .get(name)
            .ok_or_else(|| RunError::UnknownProgram(name.to_string()))?;
        Ok(program.run(connection, keys, args)?)
    }
}

impl<'a> IntoIterator for &'a Programs {
    type Item = &'a Program;
    type IntoIter = std::collections::btree_map::Values<'a, String, Program>;

    fn into_iter(self) -> Self::IntoIter {
        self.by_name.values()
    }
}

/// Why programs could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The directory, or a `.lua` entry in it, could not be read.
    Io {
        /// The directory or file.
        path: PathBuf,
        /// What went wrong.
        error: io::Error,
    },
    /// A `.lua` file whose name is not UTF-8, so it names no program.
    NonUtf8Name {
        /// The file.
        path: PathBuf,
    },
    /// A program of this name is already in the set.
    Duplicate {
        /// The name.
        name: String,
    },
    /// [`Programs::add`] was given an empty name.
    EmptyName,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, error } => {
                write!(
                    f,
                    "cannot read Lua programs from {}: {error}",
                    path.display()
                )
            }
            LoadError::NonUtf8Name { path } => {
                write!(f, "Lua program file name is not UTF-8: {}", path.display())
            }
            LoadError::Duplicate { name } => write!(f, "duplicate Lua program name '{name}'"),
            LoadError::EmptyName => f.write_str("a Lua program needs a name"),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Why [`Programs::run`] has no reply. (A Redis error is a reply: `Ok(Reply::Error)`.)
#[derive(Debug)]
pub enum RunError {
    /// No program of this name in the set.
    UnknownProgram(String),
    /// The connection failed: I/O, a timeout, or a reply that is not RESP.
    Io(io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::UnknownProgram(name) => write!(f, "no Lua program named '{name}'"),
            RunError::Io(error) => write!(f, "connection error: {error}"),
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Io(error) => Some(error),
            RunError::UnknownProgram(_) => None,
        }
    }
}

impl From<io::Error> for RunError {
    fn from(error: io::Error) -> Self {
        RunError::Io(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake server: records each command and answers like a Redis whose script cache
    /// starts empty (or, with `broken`, that cannot compile anything).
    #[derive(Default)]
    struct FakeRedis {
        sent: Vec<Vec<Bytes>>,
        cache: Vec<Bytes>,
        broken: bool,
    }

    impl FakeRedis {
        fn names(&self) -> Vec<String> {
            let word = |b: &Bytes| String::from_utf8_lossy(b).into_owned();
            self.sent
                .iter()
                .map(|argv| match argv[0].as_ref() {
                    b"SCRIPT" => format!("SCRIPT {}", word(&argv[1])),
                    _ => word(&argv[0]),
                })
                .collect()
        }
    }

    impl Connection for FakeRedis {
        fn command(&mut self, argv: &[Bytes]) -> io::Result<Reply> {
            self.sent.push(argv.to_vec());
            Ok(match argv[0].as_ref() {
                b"EVALSHA" if self.cache.contains(&argv[1]) => {
                    Reply::Array(argv[2..].iter().cloned().map(Reply::Bulk).collect())
                }
                b"EVALSHA" => Reply::Error(Bytes::from_static(
                    b"NOSCRIPT No matching script. Please use EVAL.",
                )),
                b"SCRIPT" if self.broken => Reply::Error(Bytes::from_static(
                    b"ERR Error compiling script (new function): user_script:1: syntax error",
                )),
                b"SCRIPT" => {
                    let sha = Program::new("", &argv[2]).sha().to_string();
                    self.cache.push(Bytes::from(sha.clone()));
                    Reply::bulk(sha)
                }
                _ => Reply::Error(Bytes::from_static(b"ERR unknown command")),
            })
        }
    }

    /// A connection whose socket is gone.
    struct Closed;

    impl Connection for Closed {
        fn command(&mut self, _argv: &[Bytes]) -> io::Result<Reply> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
    }

    fn scratch_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "kvdb-programs-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_sha_is_the_one_script_load_answers() {
        // Redis: SCRIPT LOAD "return 1" answers e0e1f9fa...
        let program = Program::new("one", "return 1");
        assert_eq!(program.sha(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
        assert_eq!(program.source(), b"return 1");
    }

    #[test]
    fn evalsha_carries_numkeys_keys_then_args() {
        let program = Program::new("p", "return 1");
        let mut redis = FakeRedis::default();
        program.script_load(&mut redis).unwrap();
        let reply = program.run(&mut redis, ["k1", "k2"], ["a"]).unwrap();
        let sent = redis.sent.last().unwrap();
        let expected: Vec<&[u8]> = vec![
            b"EVALSHA",
            program.sha().as_bytes(),
            b"2",
            b"k1",
            b"k2",
            b"a",
        ];
        assert_eq!(sent.iter().map(|b| &b[..]).collect::<Vec<_>>(), expected);
        assert!(reply.as_array().is_some());
    }

    #[test]
    fn noscript_loads_once_and_retries_once() {
        let program = Program::new("p", "return 1");
        let mut redis = FakeRedis::default();
        program.run(&mut redis, [""; 0], [""; 0]).unwrap();
        assert_eq!(redis.names(), ["EVALSHA", "SCRIPT LOAD", "EVALSHA"]);
        // Now cached: one EVALSHA, and never EVAL.
        program.run(&mut redis, [""; 0], [""; 0]).unwrap();
        assert_eq!(
            redis.names(),
            ["EVALSHA", "SCRIPT LOAD", "EVALSHA", "EVALSHA"]
        );
    }

    #[test]
    fn a_load_error_is_the_reply_and_nothing_is_retried() {
        let program = Program::new("p", "return (");
        let mut redis = FakeRedis {
            broken: true,
            ..FakeRedis::default()
        };
        let reply = program.run(&mut redis, [""; 0], [""; 0]).unwrap();
        assert!(reply
            .as_error()
            .unwrap()
            .starts_with("ERR Error compiling script"));
        assert_eq!(redis.names(), ["EVALSHA", "SCRIPT LOAD"]);
    }

    #[test]
    fn unknown_name_io_and_redis_errors_are_distinct() {
        let mut programs = Programs::new();
        programs.add("p", "return 1").unwrap();
        let unknown = programs.run(&mut FakeRedis::default(), "q", [""; 0], [""; 0]);
        assert!(matches!(unknown, Err(RunError::UnknownProgram(name)) if name == "q"));
        let io = programs.run(&mut Closed, "p", [""; 0], [""; 0]);
        assert!(matches!(io, Err(RunError::Io(_))));
        let mut broken = FakeRedis {
            broken: true,
            ..FakeRedis::default()
        };
        let redis_error = programs.run(&mut broken, "p", [""; 0], [""; 0]);
        assert!(matches!(redis_error, Ok(Reply::Error(_))));
    }

    #[test]
    fn only_noscript_triggers_a_load() {
        assert!(is_noscript(&Reply::Error(Bytes::from_static(
            b"NOSCRIPT No matching script. Please use EVAL."
        ))));
        assert!(!is_noscript(&Reply::Error(Bytes::from_static(
            b"NOSCRIPTS x"
        ))));
        assert!(!is_noscript(&Reply::bulk("NOSCRIPT")));
    }

    #[test]
    fn a_name_is_added_once() {
        let mut programs = Programs::new();
        programs.add("a", "return 1").unwrap();
        assert!(matches!(
            programs.add("a", "return 2"),
            Err(LoadError::Duplicate { name }) if name == "a"
        ));
        assert!(matches!(
            programs.add("", "return 2"),
            Err(LoadError::EmptyName)
        ));
        assert_eq!(programs.get("a").unwrap().source(), b"return 1");
    }

    #[test]
    fn a_directory_gives_one_program_per_lua_file() {
        let dir = scratch_dir("rules");
        std::fs::write(dir.join("mylib.rename_if_exists.lua"), "return 10").unwrap();
        std::fs::write(dir.join("plain.lua"), "return 1").unwrap();
        std::fs::write(dir.join("README.md"), "not a program").unwrap();
        std::fs::write(dir.join("upper.LUA"), "return 2").unwrap();
        std::fs::write(dir.join(".hidden.lua"), "return 3").unwrap();
        std::fs::write(dir.join("backup.lua~"), "return 4").unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub").join("nested.lua"), "return 5").unwrap();
        std::fs::create_dir(dir.join("dir.lua")).unwrap();

        let programs = Programs::from_dir(&dir).unwrap();
        let names: Vec<&str> = programs.iter().map(Program::name).collect();
        assert_eq!(names, ["mylib.rename_if_exists", "plain"]);
        assert_eq!(
            programs.get("mylib.rename_if_exists").unwrap().source(),
            b"return 10"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_program_fails_the_whole_load() {
        let dir = scratch_dir("unreadable");
        std::fs::write(dir.join("good.lua"), "return 1").unwrap();
        std::os::unix::fs::symlink(dir.join("missing"), dir.join("broken.lua")).unwrap();
        let mut programs = Programs::new();
        let error = programs.load_dir(&dir).unwrap_err();
        assert!(
            matches!(&error, LoadError::Io { path, .. } if path.ends_with("broken.lua")),
            "{error}"
        );
        assert!(programs.is_empty(), "nothing is added on error");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let error = Programs::from_dir("/nonexistent/kvdb-lua").unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/kvdb-lua"),
            "{error}"
        );
    }

    #[test]
    fn a_second_directory_may_not_redefine_a_name() {
        let first = scratch_dir("first");
        let second = scratch_dir("second");
        std::fs::write(first.join("a.lua"), "return 1").unwrap();
        std::fs::write(second.join("b.lua"), "return 2").unwrap();
        std::fs::write(second.join("a.lua"), "return 3").unwrap();
        let mut programs = Programs::from_dir(&first).unwrap();
        assert!(matches!(
            programs.load_dir(&second),
            Err(LoadError::Duplicate { name }) if name == "a"
        ));
        assert_eq!(programs.len(), 1);
        std::fs::remove_dir_all(first).unwrap();
        std::fs::remove_dir_all(second).unwrap();
    }
}
