//! `kvdb-server`: a drop-in `redis-server`.
//!
//! Accepts redis-server's command line — `kvdb-server [redis.conf] [--name value ...]` —
//! plus kvdb's own `--seed N` (repeatable randomness), `--threads N` (worker
//! threads, default: all cores), `--lua-dir DIR` (preload a directory of named Lua
//! programs into the script cache, see `kvdb::programs`) and `--lua-memory-limit
//! BYTES`. Prints `kvdb listening on
//! HOST:PORT` once it accepts connections, which test fixtures wait for (`--port 0`
//! picks a free port).

use std::io::IsTerminal;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: Redis ships with jemalloc for the same reason.
/// Pub/sub fan-out, Lua and large replies allocate per request, and glibc's arenas
/// and chunk consolidation took a quarter of the server's CPU under PUBLISH. Counted,
/// so that `used_memory` is Redis's figure and `maxmemory` is enforced.
#[global_allocator]
static ALLOCATOR: kvdb::CountingAllocator<mimalloc::MiMalloc> =
    kvdb::CountingAllocator::new(mimalloc::MiMalloc);

use kvdb::engine::log;
use kvdb::server::{BoundServer, Listen};
use kvdb::{Config, Engine, Programs, Reply, SessionExt};

/// What the command line asked for beyond configuration directives.
#[derive(Debug, Default)]
struct Options {
    config_file: Option<String>,
    directives: Vec<(String, Vec<String>)>,
    seed: Option<u64>,
    threads: Option<usize>,
    /// `--lua-dir DIR`, repeatable: directories of named Lua programs to preload.
    lua_dirs: Vec<String>,
    /// `--lua-memory-limit BYTES`: the cap on the Lua interpreter's memory.
    lua_memory_limit: Option<usize>,
}

const USAGE: &str = "Usage: kvdb-server [/path/to/redis.conf] [--option value ...]\n\
       kvdb-server --port 6380 --bind 127.0.0.1\n\
       kvdb-server --port 0            (pick a free port; prints `kvdb listening on HOST:PORT`)\n\
kvdb options: --seed N (repeatable randomness), --threads N (worker threads),\n\
       --lua-dir DIR (preload DIR/*.lua into the script cache, one named program a file),\n\
       --lua-memory-limit BYTES (cap on Lua's memory; default 1 GiB)";

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut rest = args;
    if let Some(first) = rest.first() {
        if !first.starts_with("--") {
            options.config_file = Some(first.clone());
            rest = &rest[1..];
        }
    }
    let mut i = 0;
    while i < rest.len() {
        let Some(name) = rest[i].strip_prefix("--") else {
            return Err(format!("unexpected argument '{}'", rest[i]));
        };
        let mut values = Vec::new();
        i += 1;
        while i < rest.len() && !rest[i].starts_with("--") {
            values.push(rest[i].clone());
            i += 1;
        }
        match name {
            "seed" => {
                let seed = values.first().and_then(|v| v.parse().ok());
                options.seed = Some(seed.ok_or("--seed needs a number")?);
            }
            "threads" => {
                let threads = values
                    .first()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0);
                options.threads = Some(threads.ok_or("--threads needs a positive number")?);
            }
            "lua-memory-limit" => {
                let limit = values
                    .first()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0);
                options.lua_memory_limit =
                    Some(limit.ok_or("--lua-memory-limit needs a positive number of bytes")?);
            }
            "lua-dir" => match values.as_slice() {
                [dir] => options.lua_dirs.push(dir.clone()),
                _ => return Err("--lua-dir needs one directory".to_string()),
            },
            _ => options.directives.push((name.to_string(), values)),
        }
    }
    Ok(options)
}

/// The configuration the file and directives of `options` make, with the names of the
/// directives kvdb accepts but does nothing with.
fn build_config(options: &Options) -> Result<(Config, Vec<String>), String> {
    let mut config = Config::default();
    let text = match &options.config_file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|error| format!("Fatal error, can't open config file '{path}': {error}"))?,
        None => String::new(),
    };
    let mut ignored = config.load_file_and_directives(&text, &options.directives)?;
    ignored.sort();
    ignored.dedup();
    Ok((config, ignored))
}

/// Points the server log where `config` says and writes Redis's first lines.
fn start_log(config: &Config, options: &Options, ignored: &[String]) {
    // Redis works in `dir` (it changes directory there), so a relative `logfile` is
    // inside it.
    let logfile = match config.logfile() {
        "" => String::new(),
        path => std::path::Path::new(config.dir())
            .join(path)
            .display()
            .to_string(),
    };
    log::to_file(&logfile);
    log::set_level(config.log_level());
    log::warning("oO0OoO0OoO0Oo kvdb is starting oO0OoO0OoO0Oo");
    log::warning(&format!(
        "kvdb version={}, Redis 7.0.15 compatible, bits={}, pid={}, just started",
        env!("CARGO_PKG_VERSION"),
        usize::BITS,
        std::process::id()
    ));
    match options.config_file {
        Some(_) => log::warning("Configuration loaded"),
        None => log::warning(
            "Warning: no config file specified, using the default config. In order to \
             specify a config file use kvdb-server /path/to/redis.conf",
        ),
    }
    for name in ignored {
        log::warning(&format!(
            "configuration directive '{name}' is accepted but has no effect in kvdb"
        ));
    }
    // Redis's rule for its logo: on a terminal, or when asked for.
    let show_banner = config.always_show_logo()
        || (config.logfile().is_empty() && std::io::stdout().is_terminal());
    if show_banner {
        log::raw(log::Level::Notice, &banner(config.port()));
    } else {
        log::notice(&format!("Running mode=standalone, port={}.", config.port()));
    }
}

/// The start-up banner, in place of Redis's logo: what it names, with the `PID:`
/// line test harnesses look for.
fn banner(port: u16) -> String {
    format!(
        "\n    kvdb {} (Redis 7.0.15 compatible) {} bit\n\n    Running in standalone mode\n    \
         Port: {port}\n    PID: {}\n\n",
        env!("CARGO_PKG_VERSION"),
        usize::BITS,
        std::process::id()
    )
}

/// Where `config` says to listen (see [`kvdb::server::tcp_addresses`]).
fn listen_from(config: &Config) -> Listen {
    let tcp = kvdb::server::tcp_addresses(config, true);
    Listen {
        tcp,
        unix: config.unixsocket().map(Into::into),
        unix_permissions: config.unixsocketperm(),
    }
}

fn main() -> ExitCode {
    kvdb::engine::memory::set_allocator_name("mimalloc");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "-v" || a == "--version") {
        println!(
            "kvdb-server v={} (Redis 7.0.15 compatible)",
            env!("CARGO_PKG_VERSION")
        );
        return ExitCode::SUCCESS;
    }
    let options = match parse_args(&args) {
        Ok(options) => options,
        Err(message) => {
            startup_error(format_args!("{message}\n{USAGE}"));
            return ExitCode::FAILURE;
        }
    };
    let config = match build_config(&options) {
        Ok((config, ignored)) => {
            start_log(&config, &options, &ignored);
            config
        }
        Err(message) => {
            startup_error(format_args!("{message}"));
            return ExitCode::FAILURE;
        }
    };
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    // One runtime per worker thread, each with one worker: connections start on the
    // first and spread over the others only while a core is spare (server::workers).
    let (runtime, more_runtimes) = match kvdb::server::worker_runtimes(threads) {
        Ok(runtimes) => runtimes,
        Err(error) => {
            log::warning(&format!("cannot start the runtime: {error}"));
            return ExitCode::FAILURE;
        }
    };
    let listen = listen_from(&config);
    let mut builder = Engine::builder().config(config);
    if let Some(path) = &options.config_file {
        builder = builder.config_file(path);
    }
    if let Some(limit) = options.lua_memory_limit {
        builder = builder.lua_memory_limit(limit);
    }
    if let Some(seed) = options.seed {
        builder = builder.seed(seed);
    }
    let engine = match builder.try_build() {
        Ok(engine) => engine,
        Err(message) => {
            log::warning(&message);
            return ExitCode::FAILURE;
        }
    };
    log::warning("Server initialized");
    if let Err(message) = preload_programs(&engine, &options.lua_dirs) {
        log::warning(&message);
        return ExitCode::FAILURE;
    }
    // Redis loads its data before it serves, and refuses to start on a bad file.
    match engine.core().load_from_disk() {
        Ok(Some(message)) => log::notice(&message),
        Ok(None) => {}
        Err(message) => {
            log::warning(&format!("Fatal error loading the DB: {message}. Exiting."));
            return ExitCode::FAILURE;
        }
    }
    let exiting = engine.clone();
    // Borrowed, not moved, into the server: the runtimes must be dropped out here,
    // outside any runtime.
    let more_runtimes = &more_runtimes;
    runtime.block_on(async move {
        let server = match BoundServer::bind(engine.into(), &listen).await {
            Ok(server) => server.spread_over(more_runtimes),
            Err(error) => {
                log::warning(&format!("could not listen: {error}"));
                return ExitCode::FAILURE;
            }
        };
        // Signal handlers go in before anyone is told the server listens: a SIGTERM
        // that came before them would end the process without its save.
        let signalled = signal_received();
        for addr in server.local_addrs() {
            println!("kvdb listening on {addr}");
        }
        if let Some(path) = &listen.unix {
            println!("kvdb listening on unix:{}", path.display());
        }
        log::notice("Ready to accept connections");
        let stop = server.stopper();
        tokio::spawn(async move {
            let signal = signalled.await;
            log::warning(&format!("Received {signal} scheduling shutdown..."));
            log::warning("User requested shutdown...");
            stop.stop();
        });
        server.run().await;
        // Stopped by a signal: save first when save points are set, as Redis does.
        match exiting.core().save_on_exit() {
            Ok(true) => log::notice("DB saved on disk"),
            Ok(false) => {}
            Err(message) => log::warning(&message),
        }
        log::warning("kvdb is now ready to exit, bye bye...");
        ExitCode::SUCCESS
    })
}

/// Loads the named Lua programs of `dirs` into `engine`'s script cache with `SCRIPT
/// LOAD` through an in-process session, before any client connects, logging each
/// name with its SHA. Any unreadable directory or program, or a program the engine
/// refuses (a compile error), stops the start: a service should not come up without
/// the programs it was told to have.
fn preload_programs(engine: &Engine, dirs: &[String]) -> Result<(), String> {
    let mut programs = Programs::new();
    for dir in dirs {
        programs.load_dir(dir).map_err(|error| error.to_string())?;
    }
    let mut session = engine.session();
    // The preloading client authenticates like any other would under `requirepass`.
    let password = engine
        .shared()
        .config
        .read()
        .requirepass()
        .map(<[u8]>::to_vec);
    if let Some(password) = password {
        let reply = session.call([&b"AUTH"[..], &password]);
        if reply != Reply::Ok {
            return Err(format!(
                "cannot authenticate to load Lua programs: {reply:?}"
            ));
        }
    }
    for program in &programs {
        let reply = program
            .script_load(&mut session)
            .map_err(|error| error.to_string())?;
        if reply.as_bytes() != Some(program.sha().as_bytes()) {
            let answer = reply
                .as_error()
                .map_or_else(|| format!("{reply:?}"), |error| error.to_string());
            return Err(format!(
                "cannot load Lua program '{}': {answer}",
                program.name()
            ));
        }
        log::notice(&format!(
            "loaded Lua program '{}' as {}",
            program.name(),
            program.sha()
        ));
    }
    Ok(())
}

/// Writes `kvdb: <message>` and a newline to stderr in one write, so that a reader
/// merging stdout and stderr never sees a line cut by another (unbuffered `eprintln!`
/// writes each piece of its format separately). For what goes wrong before the
/// configuration is read; the server log (`kvdb::engine::log`) takes everything after.
fn startup_error(message: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let line = format!("kvdb: {message}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Resolves on SIGINT or SIGTERM with the signal's name; the handlers are installed
/// by this call.
fn signal_received() -> impl std::future::Future<Output = &'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        // Registered now, when the streams are made, not when first polled.
        let streams = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        );
        async move {
            let (Ok(mut interrupt), Ok(mut terminate)) = streams else {
                return std::future::pending().await;
            };
            tokio::select! {
                _ = interrupt.recv() => "SIGINT",
                _ = terminate.recv() => "SIGTERM",
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn config_file_then_directives() {
        let options =
            parse_args(&args("/etc/redis.conf --port 7000 --save 60 1 --seed 3")).unwrap();
        assert_eq!(options.config_file.as_deref(), Some("/etc/redis.conf"));
        assert_eq!(options.seed, Some(3));
        assert_eq!(
            options.directives,
            vec![
                ("port".to_string(), vec!["7000".to_string()]),
                ("save".to_string(), vec!["60".to_string(), "1".to_string()]),
            ]
        );
    }

    #[test]
    fn default_bind_without_password_is_loopback_only() {
        let listen = listen_from(&Config::default());
        let addresses: Vec<&str> = listen.tcp.iter().map(|a| a.address.as_str()).collect();
        assert_eq!(addresses, vec!["127.0.0.1:6379", "[::1]:6379"]);
        assert!(listen.tcp[1].optional);
    }

    #[test]
    fn explicit_bind_is_honoured() {
        let mut config = Config::default();
        config
            .apply_directive("bind", &["0.0.0.0".to_string(), "-::*".to_string()])
            .unwrap();
        let listen = listen_from(&config);
        let addresses: Vec<&str> = listen.tcp.iter().map(|a| a.address.as_str()).collect();
        assert_eq!(addresses, vec!["0.0.0.0:6379", "[::]:6379"]);
    }

    #[test]
    fn bad_kvdb_options_are_errors() {
        assert!(parse_args(&args("--threads 0")).is_err());
        assert!(parse_args(&args("--seed x")).is_err());
        assert!(parse_args(&args("a b")).is_err());
        assert!(parse_args(&args("--lua-dir")).is_err());
        assert!(parse_args(&args("--lua-memory-limit 0")).is_err());
        assert_eq!(
            parse_args(&args("--lua-memory-limit 1048576"))
                .unwrap()
                .lua_memory_limit,
            Some(1 << 20)
        );
        assert!(parse_args(&args("--lua-dir a b")).is_err());
    }

    #[test]
    fn lua_dir_is_kvdb_s_own_option() {
        let options = parse_args(&args("--lua-dir /srv/lua --port 7000 --lua-dir x")).unwrap();
        assert_eq!(options.lua_dirs, vec!["/srv/lua", "x"]);
        assert_eq!(
            options.directives,
            vec![("port".to_string(), vec!["7000".to_string()])]
        );
    }

    #[test]
    fn a_bad_lua_dir_stops_the_start() {
        let error =
            preload_programs(&Engine::new(), &["/nonexistent/kvdb-lua".to_string()]).unwrap_err();
        assert!(error.contains("/nonexistent/kvdb-lua"), "{error}");
    }
}
