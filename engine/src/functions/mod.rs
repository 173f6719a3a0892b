//! Redis 7.0 Functions as the engine keeps them: the loaded libraries (name, code and
//! the functions each registered), the lookup `FCALL` uses, and the rules of
//! `FUNCTION LOAD`, `DELETE`, `FLUSH` and `RESTORE` (Redis's `functions.c`).
//!
//! The engine owns everything Redis reports; the script host owns only the compiled
//! callbacks, keyed by a library id, so a fresh host (after a fork) loads a library
//! again from its code the first time one of its functions is called.
//!
//! - [`payload`]: the `FUNCTION DUMP` payload (RDB strings, version and CRC64).

pub mod payload;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;

use crate::args::c_str;
use crate::scripting::ScriptHost;

/// The only engine Redis 7.0 has, as `FUNCTION LIST` and `FUNCTION STATS` name it.
pub const ENGINE_NAME: &str = "LUA";

/// How long a library body may run while it loads (Redis's `LOAD_TIMEOUT_MS`).
pub const LOAD_TIMEOUT: Duration = Duration::from_millis(500);

/// The error for a library or function name with characters outside `[A-Za-z0-9_]`.
pub const BAD_NAME: &str = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

/// A function a library registered with `redis.register_function`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionInfo {
    /// The name as registered (`FCALL` finds it case-insensitively).
    pub name: String,
    /// `description=` of the table form, if given.
    pub description: Option<Bytes>,
    /// [`crate::scripting::script_flags`] bits from `flags={...}`.
    pub flags: u32,
}

/// A loaded library.
#[derive(Debug, Clone)]
pub struct Library {
    /// `name=` of its shebang.
    pub name: String,
    /// The code as loaded, shebang included (`WITHCODE`, `FUNCTION DUMP`).
    pub code: Bytes,
    /// Where the Lua code starts: at the newline ending the shebang, so that line
    /// numbers count the shebang as line 1, as in Redis.
    pub body_start: usize,
    /// The host's handle on its compiled callbacks.
    pub id: u64,
    /// Its functions, in registration order.
    pub functions: Vec<FunctionInfo>,
}

impl Library {
    /// The Lua code after the shebang line.
    pub fn body(&self) -> &[u8] {
        &self.code[self.body_start..]
    }
}

/// Every loaded library, and every function by lowercase name.
#[derive(Debug, Clone, Default)]
pub struct Libraries {
    libraries: BTreeMap<String, Library>,
    /// Lowercase function name -> (library, index in its `functions`). foldhash, as
    /// for the script cache: every FCALL looks its function up here.
    functions: foldhash::HashMap<String, (String, usize)>,
}

/// Library ids are unique in the process, so a host never mixes two loads up.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A shebang's metadata: engine, library name, where the code starts.
#[derive(Debug, PartialEq, Eq)]
pub struct Metadata {
    /// The engine after `#!` (Redis looks it up case-insensitively).
    pub engine: String,
    /// `name=`.
    pub name: Bytes,
    /// Index of the newline ending the shebang.
    pub body_start: usize,
}

/// Reads the `#!<engine> name=<library>` line (Redis's `functionExtractLibMetaData`).
/// The line is split like redis-cli arguments, so `name="x"` is `x`.
pub fn parse_metadata(code: &[u8]) -> Result<Metadata, String> {
    // Redis reads the shebang as a C string: a NUL ends it.
    let text = c_str(code);
    if !text.starts_with(b"#!") {
        return Err("Missing library metadata".into());
    }
    let Some(end) = text.iter().position(|&b| b == b'\n') else {
        return Err("Invalid library metadata".into());
    };
    let parts = match kvdb_resp::split_args(&text[..end]) {
        Some(parts) if !parts.is_empty() => parts,
        _ => return Err("Invalid library metadata".into()),
    };
    let engine = String::from_utf8_lossy(parts[0].get(2..).unwrap_or_default()).into_owned();
    let mut name = None;
    for part in &parts[1..] {
        if part.len() >= 5 && part[..5].eq_ignore_ascii_case(b"name=") {
            if name.is_some() {
                return Err(
                    "Invalid metadata value, name argument was given multiple times".into(),
                );
            }
            name = Some(part.slice(5..));
            continue;
        }
        return Err(format!(
            "Invalid metadata value given: {}",
            String::from_utf8_lossy(c_str(part))
        ));
    }
    let Some(name) = name else {
        return Err("Library name was not given".into());
    };
    Ok(Metadata {
        engine,
        name,
        body_start: end,
    })
}

/// True for a valid library or function name: one or more of `[A-Za-z0-9_]`.
pub fn is_valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Counts of libraries and functions (`FUNCTION STATS`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// `libraries_count`.
    pub libraries: usize,
    /// `functions_count`.
    pub functions: usize,
}

impl Libraries {
    /// The libraries, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Library> {
        self.libraries.values()
    }

    /// How many libraries and functions are loaded. Functions are counted per library,
    /// as Redis does (two that differ only in case count twice).
    pub fn counts(&self) -> Counts {
        Counts {
            libraries: self.libraries.len(),
            functions: self.libraries.values().map(|l| l.functions.len()).sum(),
        }
    }

    /// How many function names `FCALL` knows (`number_of_functions`).
    pub fn function_names(&self) -> usize {
        self.functions.len()
    }

    /// Bytes the libraries take on the engine side (`used_memory_functions`): their
    /// code and names, and a record per library and function.
    pub fn memory(&self) -> usize {
        self.libraries
            .values()
            .map(|library| {
                let functions: usize = library
                    .functions
                    .iter()
                    .map(|f| 64 + f.name.len() + f.description.as_ref().map_or(0, Bytes::len))
                    .sum();
                96 + library.name.len() + library.code.len() + functions
            })
            .sum()
    }

    /// The function `FCALL` names (case-insensitively), with its library.
    pub fn function(&self, name: &[u8]) -> Option<(&Library, &FunctionInfo)> {
        // Names are `[A-Za-z0-9_]`: bytes that are not UTF-8 name none.
        self.function_named(std::str::from_utf8(name).ok()?)
    }

    /// [`Libraries::function`] of a name already known to be UTF-8.
    pub fn function_named(&self, name: &str) -> Option<(&Library, &FunctionInfo)> {
        // Names are kept in lowercase, and nearly always called so: lowercased only
        // when that misses.
        let (library, index) = match self.functions.get(name) {
            Some(found) => found,
            None => self.functions.get(&name.to_ascii_lowercase())?,
        };
        let library = self.libraries.get(library)?;
        Some((library, library.functions.get(*index)?))
    }

    /// Loads `code` as a library into `host` (Redis's `functionsCreateWithLibraryCtx`),
    /// replacing one of the same name when `replace`; answers its name. On failure
    /// nothing changes. `replaced` collects the ids of libraries replaced, for the host
    /// to forget.
    pub fn create(
        &mut self,
        host: &mut dyn ScriptHost,
        code: &Bytes,
        replace: bool,
        timeout: Option<Duration>,
        replaced: &mut Vec<u64>,
    ) -> Result<String, String> {
        let metadata = parse_metadata(code)?;
        if !is_valid_name(&metadata.name) {
            return Err(BAD_NAME.into());
        }
        let name = String::from_utf8_lossy(&metadata.name).into_owned();
        if !metadata.engine.eq_ignore_ascii_case(ENGINE_NAME) {
            return Err(format!("Engine '{}' not found", metadata.engine));
        }
        let old = match self.libraries.contains_key(&name) {
            true if !replace => return Err(format!("Library '{name}' already exists")),
            true => self.unlink(&name),
            false => None,
        };
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let body = &code[metadata.body_start..];
        let outcome = match host.load_library(id, body, timeout) {
            Ok(functions) if functions.is_empty() => Err("No functions registered".to_string()),
            Ok(functions) => match functions
                .iter()
                .find(|f| self.functions.contains_key(&f.name.to_ascii_lowercase()))
            {
                Some(taken) => Err(format!("Function {} already exists", taken.name)),
                None => Ok(functions),
            },
            Err(error) => Err(error),
        };
        match outcome {
            Ok(functions) => {
                self.link(Library {
                    name: name.clone(),
                    code: code.clone(),
                    body_start: metadata.body_start,
                    id,
                    functions,
                });
                replaced.extend(old.map(|old| old.id));
                Ok(name)
            }
            Err(error) => {
                host.drop_library(id);
                if let Some(old) = old {
                    self.link(old);
                }
                Err(error)
            }
        }
    }

    /// `FUNCTION DELETE`: removes the library named `name`.
    pub fn delete(&mut self, name: &[u8]) -> Option<Library> {
        let name = std::str::from_utf8(name).ok()?;
        self.unlink(name)
    }

    /// `FUNCTION FLUSH`: removes every library; answers their ids.
    pub fn flush(&mut self) -> Vec<u64> {
        let ids = self.libraries.values().map(|l| l.id).collect();
        self.libraries.clear();
        self.functions.clear();
        ids
    }

    /// Moves the libraries of `other` here (Redis's `libraryJoin`, for `FUNCTION
    /// RESTORE` APPEND and REPLACE): a library of the same name is an error, or is
    /// replaced when `replace`; a function name taken by another library is an error.
    /// On error nothing changes; on success `other` is left empty and `replaced` gets
    /// the ids of the libraries replaced.
    pub fn join(
        &mut self,
        other: &mut Libraries,
        replace: bool,
        replaced: &mut Vec<u64>,
    ) -> Result<(), String> {
        let mut old = Vec::new();
        let mut outcome = Ok(());
        for name in other.libraries.keys() {
            if self.libraries.contains_key(name) {
                if !replace {
                    outcome = Err(format!("Library {name} already exists"));
                    break;
                }
                old.extend(self.unlink(name));
            }
        }
        if outcome.is_ok() {
            if let Some(taken) = other
                .functions
                .keys()
                .find(|key| self.functions.contains_key(*key))
            {
                let (library, index) = &other.functions[taken];
                let name = &other.libraries[library].functions[*index].name;
                outcome = Err(format!("Function {name} already exists"));
            }
        }
        match outcome {
            Ok(()) => {
                for library in std::mem::take(other).libraries.into_values() {
                    self.link(library);
                }
                replaced.extend(old.iter().map(|l| l.id));
            }
            Err(_) => {
                for library in old {
                    self.link(library);
                }
            }
        }
        outcome
    }

    fn link(&mut self, library: Library) {
        for (index, function) in library.functions.iter().enumerate() {
            // As in Redis, of two names differing only in case the first one wins.
            self.functions
                .entry(function.name.to_ascii_lowercase())
                .or_insert_with(|| (library.name.clone(), index));
        }
        self.libraries.insert(library.name.clone(), library);
    }

    fn unlink(&mut self, name: &str) -> Option<Library> {
        let library = self.libraries.remove(name)?;
        self.functions.retain(|_, (owner, _)| owner != name);
        Some(library)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::Reply;
    use crate::scripting::{ScriptCalls, ScriptError};

    /// A host whose "Lua" is one function name per line after the shebang.
    #[derive(Default)]
    struct FakeHost {
        loaded: Vec<u64>,
    }

    impl ScriptHost for FakeHost {
        fn compile(&mut self, _: &str, _: &[u8]) -> Result<(), String> {
            Ok(())
        }
        fn run(
            &mut self,
            _: &str,
            _: &[u8],
            _: &[Bytes],
            _: &[Bytes],
            _: &mut dyn ScriptCalls,
        ) -> Result<Reply, ScriptError> {
            Ok(Reply::Nil)
        }
        fn forget_scripts(&mut self) {}
        fn memory_used(&self) -> usize {
            0
        }
        fn load_library(
            &mut self,
            id: u64,
            body: &[u8],
            _: Option<Duration>,
        ) -> Result<Vec<FunctionInfo>, String> {
            self.loaded.push(id);
            let text = String::from_utf8_lossy(body);
            Ok(text
                .split_whitespace()
                .map(|name| FunctionInfo {
                    name: name.to_string(),
                    description: None,
                    flags: 0,
                })
                .collect())
        }
        fn call_function(
            &mut self,
            _: u64,
            _: &[u8],
            _: &str,
            _: &[Bytes],
            _: &[Bytes],
            _: &mut dyn ScriptCalls,
        ) -> Result<Reply, ScriptError> {
            Ok(Reply::Nil)
        }
        fn drop_library(&mut self, id: u64) {
            self.loaded.retain(|&loaded| loaded != id);
        }
        fn functions_memory_used(&self) -> usize {
            0
        }
    }

    fn load(
        libraries: &mut Libraries,
        host: &mut FakeHost,
        code: &'static str,
        replace: bool,
    ) -> Result<String, String> {
        let mut replaced = Vec::new();
        let created = libraries.create(host, &Bytes::from(code), replace, None, &mut replaced);
        for id in replaced {
            host.drop_library(id);
        }
        created
    }

    #[test]
    fn a_failed_replace_keeps_the_old_library() {
        let (mut libraries, mut host) = (Libraries::default(), FakeHost::default());
        assert_eq!(
            load(&mut libraries, &mut host, "#!lua name=a\nf g", false),
            Ok("a".into())
        );
        assert_eq!(
            load(&mut libraries, &mut host, "#!lua name=a\nh", false),
            Err("Library 'a' already exists".into())
        );
        assert_eq!(
            load(&mut libraries, &mut host, "#!lua name=a\n", true),
            Err("No functions registered".into())
        );
        assert_eq!(
            libraries
                .function(b"G")
                .map(|(l, f)| (&l.name[..], &f.name[..])),
            Some(("a", "g"))
        );
        assert_eq!(
            host.loaded.len(),
            1,
            "failed loads are dropped from the host"
        );
        assert_eq!(
            load(&mut libraries, &mut host, "#!lua name=a\nh", true),
            Ok("a".into())
        );
        assert!(libraries.function(b"f").is_none());
        assert_eq!(host.loaded.len(), 1, "the replaced library is dropped");
        assert_eq!(
            load(&mut libraries, &mut host, "#!lua name=b\nx H", false),
            Err("Function H already exists".into())
        );
    }

    #[test]
    fn join_is_all_or_nothing() {
        let (mut libraries, mut host) = (Libraries::default(), FakeHost::default());
        load(&mut libraries, &mut host, "#!lua name=a\nf", false).unwrap();
        load(&mut libraries, &mut host, "#!lua name=b\ng", false).unwrap();
        let mut incoming = Libraries::default();
        load(&mut incoming, &mut host, "#!lua name=a\nf2", false).unwrap();
        load(&mut incoming, &mut host, "#!lua name=c\nG", false).unwrap();
        let mut replaced = Vec::new();
        assert_eq!(
            libraries.join(&mut incoming, false, &mut replaced),
            Err("Library a already exists".into())
        );
        assert_eq!(
            libraries.join(&mut incoming, true, &mut replaced),
            Err("Function G already exists".into())
        );
        assert!(libraries.function(b"f").is_some() && replaced.is_empty());
        assert_eq!(
            libraries.counts(),
            Counts {
                libraries: 2,
                functions: 2
            }
        );
        incoming.delete(b"c");
        assert_eq!(libraries.join(&mut incoming, true, &mut replaced), Ok(()));
        assert!(libraries.function(b"f").is_none() && libraries.function(b"f2").is_some());
        assert_eq!(replaced.len(), 1);
        assert_eq!(incoming.counts(), Counts::default());
    }

    #[test]
    fn metadata_parses_as_redis_does() {
        let parsed = parse_metadata(b"#!lua name=lib\nbody").unwrap();
        assert_eq!(parsed.engine, "lua");
        assert_eq!(&parsed.name[..], b"lib");
        assert_eq!(parsed.body_start, 14);
        assert_eq!(
            &parse_metadata(b"#!lua NAME=\"x y\"\n").unwrap().name[..],
            b"x y"
        );
        let error = |code: &[u8]| parse_metadata(code).unwrap_err();
        assert_eq!(error(b"return 1"), "Missing library metadata");
        assert_eq!(error(b"#!lua name=x"), "Invalid library metadata");
        assert_eq!(error(b"#!lua name=x\0\n"), "Invalid library metadata");
        assert_eq!(error(b"#!lua name=\"x\n"), "Invalid library metadata");
        assert_eq!(error(b"#!lua\n"), "Library name was not given");
        assert_eq!(
            error(b"#!lua name=a name=b\n"),
            "Invalid metadata value, name argument was given multiple times"
        );
        assert_eq!(
            error(b"#!lua name=a foo=bar\n"),
            "Invalid metadata value given: foo=bar"
        );
        assert_eq!(parse_metadata(b"#! name=a\n").unwrap().engine, "");
    }

    #[test]
    fn names_are_letters_digits_and_underscores() {
        assert!(is_valid_name(b"my_lib_2"));
        assert!(!is_valid_name(b""));
        assert!(!is_valid_name(b"bad-name"));
        assert!(!is_valid_name(b"bad\0name"));
    }
}
