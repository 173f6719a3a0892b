//! The append-only file's commands: `BGREWRITEAOF`, and loading the files back (at
//! start and by `DEBUG LOADAOF`), which runs their commands as Redis's AOF client
//! does: straight to each handler, with no checks, replies or propagation, expired
//! keys still live, `MULTI`/`EXEC` applied whole or not at all. The files themselves
//! are kept by [`crate::aof`].

use bytes::Bytes;

use super::flags::*;
use super::{spec, CommandSpec, Ctx};
use crate::aof::manifest::Manifest;
use crate::aof::AofSettings;
use crate::args::Args;
use crate::error::CommandError;
use crate::log;
use crate::persistence::LoadMode;
use crate::reply::{Protocol, Reply};
use crate::session::ClientState;

/// The AOF client's id (Redis's `CLIENT_ID_AOF`).
pub(crate) const AOF_CLIENT_ID: u64 = u64::MAX;

/// Longest line of an append-only file Redis reads at once
/// (`AOF_ANNOTATION_LINE_MAX_LEN`).
const MAX_LINE: usize = 1024;

/// `BGREWRITEAOF`: starts a rewrite, or schedules one beside a BGSAVE or inside a
/// transaction.
fn bgrewriteaof(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ctx.keyspace.reap_aof_rewrite();
    if ctx.keyspace.aof.rewriting() {
        return Err(CommandError::err(
            "Background append only file rewriting already in progress",
        ));
    }
    ctx.keyspace.reap_background_save(ctx.now_ms);
    if ctx.keyspace.persistence.in_background() || ctx.client.in_exec {
        ctx.keyspace.aof.rewrite_scheduled = true;
        ctx.keyspace.aof.consecutive_failures = 0;
        return Ok(Reply::status(
            "Background append only file rewriting scheduled",
        ));
    }
    match ctx.keyspace.start_aof_rewrite(ctx.now_ms) {
        true => Ok(Reply::status(
            "Background append only file rewriting started",
        )),
        false => Err(CommandError::err(
            "Can't execute an AOF background rewriting. Please check the server logs for \
             more information.",
        )),
    }
}

/// How loading the append-only files went, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loaded {
    /// Every file loaded.
    Whole,
    /// The manifest lists no file.
    Nothing,
    /// The files are empty.
    Empty,
    /// The last file was cut short and loaded up to its last whole command
    /// (`aof-load-truncated`).
    Truncated,
}

/// Reads the manifest in the AOF directory: an empty one when the directory or the
/// manifest is missing (Redis's `aofLoadManifestFromDisk`).
pub fn read_manifest(settings: &AofSettings) -> Result<Manifest, String> {
    if !settings.aof_dir().is_dir() {
        return Ok(Manifest::default());
    }
    let path = settings.path(&settings.manifest_name());
    match std::fs::read(&path) {
        Ok(text) => Manifest::parse(&text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
        Err(error) => Err(format!(
            "Fatal error: can't open the AOF manifest {} for reading: {error}",
            settings.manifest_name()
        )),
    }
}

/// Moves an append-only file of Redis before 7.0 (`appendfilename` in `dir`) into
/// the AOF directory as the base, when the manifest does not list files already or
/// a previous move stopped halfway (Redis's `aofUpgradePrepare` and its conditions).
fn upgrade_old_style(settings: &AofSettings, manifest: Manifest) -> Result<Manifest, String> {
    let old_style = settings.dir.join(&settings.filename);
    let moved = settings.path(&settings.filename);
    let halfway = manifest.incr.is_empty()
        && manifest
            .base
            .as_ref()
            .is_some_and(|base| base.name == settings.filename && !moved.exists());
    if !old_style.is_file() || !(!settings.aof_dir().is_dir() || manifest.is_empty() || halfway) {
        return Ok(manifest);
    }
    let failed = |error: std::io::Error| format!("Can't upgrade the old-style AOF: {error}");
    std::fs::create_dir_all(settings.aof_dir()).map_err(failed)?;
    let manifest = match manifest.base {
        Some(_) => manifest,
        None => Manifest::parse(format!("file {} seq 1 type b\n", settings.filename).as_bytes())?,
    };
    crate::aof::persist_manifest(settings, &manifest).map_err(failed)?;
    std::fs::rename(&old_style, &moved).map_err(failed)?;
    log::notice("Successfully migrated an old-style AOF into the AOF directory");
    Ok(manifest)
}

/// Loads the files `manifest` lists into the dataset (Redis's
/// `loadAppendOnlyFiles`); the error is what Redis logs before it exits.
pub fn load_files(ctx: &mut Ctx<'_>, manifest: Manifest) -> Result<Loaded, String> {
    let settings = ctx.keyspace.aof.settings.clone();
    let manifest = upgrade_old_style(&settings, manifest)?;
    ctx.keyspace.aof.manifest = manifest.clone();
    if manifest.is_empty() {
        return Ok(Loaded::Nothing);
    }
    let files: Vec<_> = manifest.files_to_load().collect();
    let mut sizes = Vec::new();
    for file in &files {
        let size = std::fs::metadata(settings.path(&file.name))
            .map_err(|error| {
                format!(
                    "Unable to obtain the AOF file {} length: {error}",
                    file.name
                )
            })?
            .len();
        sizes.push(size);
    }
    if sizes.iter().sum::<u64>() == 0 {
        return Ok(Loaded::Empty);
    }
    ctx.keyspace.replication.set_loading(true);
    ctx.keyspace.set_expired_live(true);
    let mut outcome = Ok(Loaded::Whole);
    for (index, file) in files.iter().enumerate() {
        let last = index + 1 == files.len();
        match load_file(ctx, &settings, &file.name) {
            Ok(Loaded::Truncated) if !last => {
                outcome = Err("Fatal error: the truncated file is not the last file".into());
                break;
            }
            Ok(Loaded::Truncated) => outcome = Ok(Loaded::Truncated),
            Ok(_) => log::notice(&format!(
                "DB loaded from {} file {}",
                kind_word(index, &manifest),
                file.name
            )),
            Err(error) => {
                outcome = Err(error);
                break;
            }
        }
    }
    ctx.keyspace.set_expired_live(false);
    ctx.keyspace.replication.set_loading(false);
    if outcome.is_ok() {
        let total = sizes.iter().sum::<u64>();
        let aof = &mut ctx.keyspace.aof;
        aof.current_size = total;
        aof.base_size = manifest.base.as_ref().map_or(0, |_| sizes[0]);
    }
    outcome
}

/// "base" or "incr", for the log.
fn kind_word(index: usize, manifest: &Manifest) -> &'static str {
    match (index, &manifest.base) {
        (0, Some(_)) => "base",
        _ => "incr",
    }
}

/// Loads one file (Redis's `loadSingleAppendOnlyFile`), cutting it after its last
/// whole command when it ends inside one and `aof-load-truncated` allows.
fn load_file(ctx: &mut Ctx<'_>, settings: &AofSettings, name: &str) -> Result<Loaded, String> {
    let path = settings.path(name);
    let data = std::fs::read(&path).map_err(|error| {
        format!("Fatal error: can't open the append log file {name} for reading: {error}")
    })?;
    if data.is_empty() {
        return Ok(Loaded::Empty);
    }
    let Some(cut_at) = apply(ctx, name, &data)? else {
        return Ok(Loaded::Whole);
    };
    if !settings.load_truncated {
        return Err(format!(
            "Unexpected end of file reading the append only file {name}. You can: 1) Make a \
             backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. \
             2) Alternatively you can set the 'aof-load-truncated' configuration option to \
             yes and restart the server."
        ));
    }
    log::warning(&format!(
        "!!! Warning: short read while loading the AOF file {name}!!!"
    ));
    log::warning(&format!(
        "!!! Truncating the AOF {name} at offset {cut_at} !!!"
    ));
    let file = std::fs::OpenOptions::new().write(true).open(&path);
    file.and_then(|file| file.set_len(cut_at as u64))
        .map_err(|error| format!("Error truncating the AOF file {name}: {error}"))?;
    log::warning(&format!(
        "AOF {name} loaded anyway because aof-load-truncated is enabled"
    ));
    Ok(Loaded::Truncated)
}

/// Runs the contents of file `name`: an RDB part when it starts with one, then its
/// commands. Answers `None` when it was whole, or the offset after its last whole
/// command when it ends inside one (or inside a transaction, which is dropped).
fn apply(ctx: &mut Ctx<'_>, name: &str, data: &[u8]) -> Result<Option<usize>, String> {
    let mut start = 0;
    if data.starts_with(b"REDIS") {
        let mode = LoadMode {
            flush: false,
            merge: false,
            keep_expired: true,
        };
        start = super::persistence::load(ctx, data, mode)
            .map_err(|why| format!("Error reading the RDB base file {name}: {why}"))?;
    }
    let mut reader = CommandReader { data, at: start };
    let mut client = ClientState::new(AOF_CLIENT_ID, 0, Protocol::Resp2, ctx.now_ms);
    client.deny_blocking = true;
    let mut transaction: Option<(usize, Vec<Vec<Bytes>>)> = None;
    let mut valid_up_to = start;
    let cut_at = loop {
        let argv = match reader.next_command() {
            Ok(Some(argv)) => argv,
            Ok(None) => break None,
            Err(Malformed::Truncated) => break Some(valid_up_to),
            Err(Malformed::Format) => {
                return Err(format!(
                    "Bad file format reading the append only file {name}: make a backup of \
                     your AOF file, then use ./redis-check-aof --fix <filename.manifest>"
                ))
            }
        };
        let Ok(id) = super::table().resolve_id(&argv) else {
            return Err(format!(
                "Unknown command '{}' reading the append only file {name}",
                String::from_utf8_lossy(&argv[0])
            ));
        };
        match (super::table().by_id(id).name, &mut transaction) {
            ("multi", None) => transaction = Some((valid_up_to, Vec::new())),
            ("exec", Some(_)) => {
                let (_, queued) = transaction.take().unwrap_or_default();
                for argv in &queued {
                    run(ctx, &mut client, argv);
                }
            }
            (_, Some((_, queued))) => queued.push(argv),
            (_, None) => run(ctx, &mut client, &argv),
        }
        valid_up_to = reader.at;
    };
    match (cut_at, transaction) {
        (None, None) => Ok(None),
        (_, Some((before_multi, _))) => {
            log::warning(&format!(
                "Revert incomplete MULTI/EXEC transaction in AOF file {name}"
            ));
            Ok(Some(before_multi))
        }
        (Some(cut_at), None) => Ok(Some(cut_at)),
    }
}

/// The body of the `aof_file` fuzz target (`fuzz/fuzz_targets/`), here so its seeds
/// run in ordinary tests (`engine/tests/fuzz_seeds.rs`): any bytes as a manifest, and
/// as a file loaded into an empty engine. Nothing may panic, and a manifest that reads
/// and lists files writes a text that reads back the same, unless a file name is empty.
pub fn fuzz_target(data: &[u8]) {
    if let Ok(manifest) = Manifest::parse(data) {
        let mut named = manifest.files_to_load().chain(&manifest.history).peekable();
        if named.peek().is_some() && named.all(|file| !file.name.is_empty()) {
            let again = Manifest::parse(manifest.to_text().as_bytes());
            assert_eq!(again.as_ref(), Ok(&manifest));
        }
    }
    let engine = crate::Engine::builder().build();
    let mut session = engine.session();
    session.with_ctx(|ctx| {
        ctx.keyspace.replication.set_loading(true);
        ctx.keyspace.set_expired_live(true);
        if let Ok(Some(cut_at)) = apply(ctx, "fuzz", data) {
            assert!(cut_at <= data.len());
        }
        ctx.keyspace.set_expired_live(false);
        ctx.keyspace.replication.set_loading(false);
    });
}

/// Runs one command of a file as the AOF client: its reply, an error included, is
/// dropped, as Redis drops its fake client's.
fn run(ctx: &mut Ctx<'_>, client: &mut ClientState, argv: &[Bytes]) {
    let table = super::table();
    let Ok(id) = table.resolve_id(argv) else {
        return;
    };
    let spec = table.by_id(id);
    // DEBUG never reaches a file Redis writes; one in a hostile file could load the
    // files again from inside the load, without end.
    if !spec.arity_ok(argv.len()) || spec.name == "debug" {
        return;
    }
    let mut inner = Ctx {
        keyspace: &mut *ctx.keyspace,
        now_ms: ctx.now_ms,
        stats: &mut *ctx.stats,
        client,
        shared: ctx.shared,
    };
    let mut args = Args::new(argv, if table.is_subcommand(id) { 2 } else { 1 });
    let _ = (spec.handler)(&mut inner, &mut args);
}

/// Why the commands of a file stopped before its end.
enum Malformed {
    /// The file ends inside a command.
    Truncated,
    /// Something other than a command is there.
    Format,
}

/// Reads a file's commands as Redis's loader does: `*<argc>` lines, then for each
/// argument a `$<len>` line, the bytes and two more; `#` lines are annotations.
struct CommandReader<'a> {
    data: &'a [u8],
    at: usize,
}

impl CommandReader<'_> {
    /// The next line, with its line ending, up to [`MAX_LINE`] - 1 bytes (`fgets`).
    fn line(&mut self) -> Option<&[u8]> {
        let rest = &self.data[self.at..];
        if rest.is_empty() {
            return None;
        }
        let limit = rest.len().min(MAX_LINE - 1);
        let end = rest[..limit]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(limit, |at| at + 1);
        self.at += end;
        Some(&rest[..end])
    }

    /// The next command; `None` at the end of the file.
    fn next_command(&mut self) -> Result<Option<Vec<Bytes>>, Malformed> {
        let header = loop {
            match self.line() {
                None => return Ok(None),
                Some(line) if line.first() == Some(&b'#') => continue,
                Some(line) => break line.to_vec(),
            }
        };
        if header.first() != Some(&b'*') {
            return Err(Malformed::Format);
        }
        if header.len() == 1 {
            return Err(Malformed::Truncated);
        }
        let argc = atoi(&header[1..]);
        if argc < 1 {
            return Err(Malformed::Format);
        }
        let mut argv = Vec::with_capacity((argc as usize).min(1024));
        for _ in 0..argc {
            let line = self.line().ok_or(Malformed::Truncated)?;
            if line.first() != Some(&b'$') {
                return Err(Malformed::Format);
            }
            let len = atoi(&line[1..]).max(0) as usize;
            let rest = &self.data[self.at..];
            if rest.len() < len + 2 {
                return Err(Malformed::Truncated);
            }
            argv.push(Bytes::copy_from_slice(&rest[..len]));
            self.at += len + 2;
        }
        Ok(Some(argv))
    }
}

/// C's `atoi`/`strtol`: an optional sign and leading digits, 0 without any.
fn atoi(text: &[u8]) -> i64 {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let value = digits
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0i64, |n, &d| {
            n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        });
    if negative {
        -value
    } else {
        value
    }
}

/// `DEBUG LOADAOF`: what is buffered is written, the dataset emptied, and the files
/// loaded back as the manifest on disk lists them.
pub(crate) fn debug_loadaof(ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
    if ctx.keyspace.aof.state != crate::aof::AofState::Off {
        ctx.keyspace.flush_aof(ctx.now_ms);
    }
    for db in 0..ctx.keyspace.db_count() {
        ctx.keyspace.touch_watched_db(db, None, ctx.now_ms);
    }
    ctx.keyspace.clear_all(false);
    let dropped = ctx.keyspace.scripts.libraries.flush();
    ctx.keyspace.scripts.drop_libraries(dropped);
    let settings = ctx.keyspace.aof.settings.clone();
    let loaded = read_manifest(&settings).and_then(|manifest| {
        ctx.keyspace.aof.manifest = manifest.clone();
        ctx.keyspace.aof.delete_history();
        load_files(ctx, manifest)
    });
    // Redis exits unless the files loaded whole or were empty; kvdb answers the
    // error instead, with what did load in the dataset.
    let why = match loaded {
        Ok(Loaded::Whole | Loaded::Empty) => None,
        Ok(Loaded::Nothing) => Some("there are no append-only files".to_string()),
        Ok(Loaded::Truncated) => Some("the last file was cut short".to_string()),
        Err(why) => Some(why),
    };
    if let Some(why) = why {
        log::warning(&why);
        return Err(CommandError::err(format!("Error loading the AOF: {why}")));
    }
    ctx.keyspace.persistence.dirty = 0;
    log::warning("Append Only File loaded by DEBUG LOADAOF");
    Ok(Reply::Ok)
}

pub(crate) const COMMANDS: &[CommandSpec] = &[spec!(
    "bgrewriteaof",
    1,
    ADMIN | NOSCRIPT | NO_ASYNC_LOADING,
    (0, 0, 0),
    0,
    bgrewriteaof
)];

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(data: &[u8]) -> Result<Vec<Vec<Bytes>>, &'static str> {
        let mut reader = CommandReader { data, at: 0 };
        let mut all = Vec::new();
        loop {
            match reader.next_command() {
                Ok(Some(argv)) => all.push(argv),
                Ok(None) => return Ok(all),
                Err(Malformed::Truncated) => return Err("truncated"),
                Err(Malformed::Format) => return Err("format"),
            }
        }
    }

    /// A scratch directory for one test.
    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("kvdb-aof-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// An engine whose append-only file lives in `dir`, with `appendonly` as given.
    fn engine_in(dir: &std::path::Path, appendonly: &str) -> crate::Engine {
        let dir = dir.to_string_lossy().into_owned();
        let mut config = crate::Config::default();
        config.apply_directive("dir", &[dir]).unwrap();
        config
            .apply_directive("appendonly", &[appendonly.to_string()])
            .unwrap();
        crate::Engine::builder().config(config).build()
    }

    fn call(engine: &crate::Engine, words: &[&str]) -> Reply {
        engine.session().execute(&crate::args::argv(words))
    }

    #[test]
    fn a_redis_6_file_becomes_the_base() {
        let dir = scratch("upgrade");
        std::fs::write(
            dir.join("appendonly.aof"),
            b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
        )
        .unwrap();
        let engine = engine_in(&dir, "yes");
        engine.load_from_disk().unwrap();
        assert_eq!(call(&engine, &["GET", "k"]), Reply::bulk("v"));
        assert!(!dir.join("appendonly.aof").exists());
        let manifest = std::fs::read_to_string(dir.join("appendonlydir/appendonly.aof.manifest"));
        assert_eq!(
            manifest.unwrap(),
            "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_cannot_be_written_refuses_writes() {
        let dir = scratch("misconf");
        let engine = engine_in(&dir, "yes");
        engine.load_from_disk().unwrap();
        assert_eq!(call(&engine, &["SET", "a", "1"]), Reply::Ok);
        // The incr file swapped for a read-only handle: the next write fails.
        engine.session().with_ctx(|ctx| {
            let incr = ctx.keyspace.aof.settings.path("appendonly.aof.1.incr.aof");
            ctx.keyspace
                .aof
                .replace_file(std::fs::File::open(incr).unwrap());
        });
        assert_eq!(call(&engine, &["SET", "b", "2"]), Reply::Ok);
        let refused = Reply::Error(Bytes::from_static(
            b"MISCONF Errors writing to the AOF file: Bad file descriptor",
        ));
        assert_eq!(call(&engine, &["SET", "c", "3"]), refused);
        assert_eq!(call(&engine, &["PING"]), refused);
        assert_eq!(call(&engine, &["GET", "a"]), Reply::bulk("1"));
        assert_eq!(
            call(&engine, &["CONFIG", "SET", "appendonly", "no"]),
            Reply::Ok
        );
        assert_eq!(call(&engine, &["SET", "c", "3"]), Reply::Ok);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A small file of every kind of line the loader meets.
    const SAMPLE: &[u8] = b"#TS:1\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*1\r\n$5\r\nMULTI\r\n\
        *3\r\n$4\r\nSADD\r\n$1\r\ns\r\n$1\r\na\r\n*1\r\n$4\r\nEXEC\r\n\
        *3\r\n$9\r\nPEXPIREAT\r\n$1\r\ns\r\n$1\r\n5\r\n";

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Damaged files (bytes changed, cut, spliced) never make the loader panic.
        #[test]
        fn damaged_files_never_panic(
            edits in proptest::collection::vec((0..SAMPLE.len(), proptest::prelude::any::<u8>()), 0..4),
            cut in 0..=SAMPLE.len(),
        ) {
            let mut data = SAMPLE.to_vec();
            for (at, byte) in edits {
                data[at] = byte;
            }
            data.truncate(cut);
            fuzz_target(&data);
        }
    }

    #[test]
    fn commands_and_annotations_are_read_as_redis_reads_them() {
        let data = b"#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na\nb\r\n";
        let read = commands(data).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(&read[1][2][..], b"a\nb");
        assert_eq!(
            commands(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nab"),
            Err("truncated")
        );
        assert_eq!(commands(b"*1\r\n$4\r\nPING"), Err("truncated"));
        assert_eq!(commands(b"*"), Err("truncated"));
        assert_eq!(commands(b"SET k v\r\n"), Err("format"));
        assert_eq!(commands(b"*0\r\n"), Err("format"));
        assert_eq!(commands(b"*1\r\n:4\r\n"), Err("format"));
    }
}
