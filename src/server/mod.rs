//! The network server: listeners, the accept loop, active expiry, graceful stop.
//!
//! Connection tasks run directly on the engine (no channel hop): each decodes its
//! requests and executes them under the engine's lock, so throughput scales with the
//! runtime's worker threads while commands stay atomic.

mod connection;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use kvdb_engine::engine::Shared;
use kvdb_engine::Engine;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Error reply for a connection over `maxclients`.
const MAX_CLIENTS_ERROR: &[u8] = b"-ERR max number of clients reached\r\n";

/// One TCP address to listen on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpAddress {
    /// `host:port` (port 0 picks a free one).
    pub address: String,
    /// Redis's `-` prefix in `bind`: failing to bind this one is not an error.
    pub optional: bool,
}

/// Redis's default `bind`: every interface, IPv6 optional.
const DEFAULT_BIND: [&str; 2] = ["*", "-::*"];

/// The TCP addresses `config` says to listen on: each `bind` address with `port`.
/// With Redis's default `bind`, `protected-mode yes` and no password, Redis accepts
/// outside connections only to refuse them; kvdb, which does not implement that
/// refusal, listens on loopback alone in that case. Port 0 means a free port at start
/// (`free_port_at_zero`, kvdb's own convenience, unless a unix socket is set) and no
/// TCP at all later, as `CONFIG SET port 0` means in Redis.
pub fn tcp_addresses(config: &kvdb_engine::Config, free_port_at_zero: bool) -> Vec<TcpAddress> {
    let port = config.port();
    if port == 0 && (!free_port_at_zero || config.unixsocket().is_some()) {
        return Vec::new();
    }
    let mut binds = config.bind_addresses();
    let protected = config
        .get(&[b"protected-mode"])
        .first()
        .is_some_and(|(_, v)| v == b"yes");
    if protected && config.requirepass().is_none() && binds == DEFAULT_BIND {
        binds = vec!["127.0.0.1".to_string(), "-::1".to_string()];
    }
    binds
        .into_iter()
        .map(|address| {
            let optional = address.starts_with('-');
            let host = match address.trim_start_matches('-') {
                "*" => "0.0.0.0".to_string(),
                "::*" => "[::]".to_string(),
                host if host.contains(':') => format!("[{host}]"),
                host => host.to_string(),
            };
            TcpAddress {
                address: format!("{host}:{port}"),
                optional,
            }
        })
        .collect()
}

/// The TCP listeners of a running server, by address, each with the stopper that
/// retires it and a second handle on its socket; shared by the accept loop and the
/// `CONFIG SET` hook.
type OpenListeners = Arc<parking_lot::Mutex<Vec<(SocketAddr, Stopper, Option<Closer>)>>>;

/// A second handle on a listening socket: shutting it down stops the socket listening
/// at once (a connection attempt is refused), before the accept loop that owns the
/// listener sees that it was retired, as Redis closes its old port before `CONFIG
/// SET port` answers.
struct Closer(std::net::TcpStream);

impl Closer {
    /// A closer for `listener`'s socket, if its descriptor can be duplicated.
    #[cfg(unix)]
    fn of(listener: &impl std::os::fd::AsFd) -> Option<Closer> {
        let fd = listener.as_fd().try_clone_to_owned().ok()?;
        Some(Closer(std::net::TcpStream::from(fd)))
    }

    /// Stops the socket listening.
    fn close(self) {
        let _ = self.0.shutdown(std::net::Shutdown::Both);
    }
}

/// Moves the listeners to `addresses` (Redis's `changeListenPort` and
/// `changeBindAddr`): an address already listened on is kept, new ones are bound
/// first (if one cannot be, nothing changes), then the ones no longer wanted are
/// retired. Answers the new listeners, for the runtime to accept on.
fn move_listeners(
    open: &OpenListeners,
    addresses: &[TcpAddress],
) -> Result<Vec<(std::net::TcpListener, Stopper)>, String> {
    let mut open = open.lock();
    let mut wanted = Vec::new();
    let mut bound = Vec::new();
    for address in addresses {
        let parsed = address.address.parse::<SocketAddr>().ok();
        if let Some(addr) = parsed.filter(|addr| open.iter().any(|(at, _, _)| at == addr)) {
            wanted.push(addr);
            continue;
        }
        let listener = match std::net::TcpListener::bind(&address.address) {
            Ok(listener) => listener,
            Err(_) if address.optional => continue,
            Err(error) => return Err(format!("{}: {error}", address.address)),
        };
        listener
            .set_nonblocking(true)
            .map_err(|error| error.to_string())?;
        let addr = listener.local_addr().map_err(|error| error.to_string())?;
        wanted.push(addr);
        bound.push((listener, Stopper::new()));
    }
    let (kept, retired): (Vec<_>, Vec<_>) = std::mem::take(&mut *open)
        .into_iter()
        .partition(|(addr, _, _)| wanted.contains(addr));
    *open = kept;
    for (_, retire, closer) in retired {
        retire.stop();
        if let Some(closer) = closer {
            closer.close();
        }
    }
    for (listener, retire) in &bound {
        if let Ok(addr) = listener.local_addr() {
            open.push((addr, retire.clone(), Closer::of(listener)));
        }
    }
    Ok(bound)
}

/// Where the server listens.
#[derive(Debug, Clone, Default)]
pub struct Listen {
    /// TCP addresses.
    pub tcp: Vec<TcpAddress>,
    /// A unix socket path.
    pub unix: Option<std::path::PathBuf>,
    /// Permissions of the unix socket file (`unixsocketperm`, octal), 0 = default.
    pub unix_permissions: u32,
}

/// Stops a running server. Cheap to clone; stopping is sticky, so a task that starts
/// waiting after the stop still sees it (a `Notify` would lose that wake-up).
#[derive(Debug, Clone)]
pub struct Stopper {
    sender: Arc<watch::Sender<bool>>,
}

impl Stopper {
    fn new() -> Self {
        Stopper {
            sender: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Asks the server to stop.
    pub fn stop(&self) {
        self.sender.send_replace(true);
    }

    /// Resolves once [`Stopper::stop`] has been called (at any time before or after).
    pub async fn stopped(&self) {
        let mut receiver = self.sender.subscribe();
        let _ = receiver.wait_for(|stopped| *stopped).await;
    }
}

/// A bound server, ready to run.
#[derive(Debug)]
pub struct BoundServer {
    engine: Engine,
    tcp: Vec<TcpListener>,
    #[cfg(unix)]
    unix: Option<(tokio::net::UnixListener, std::path::PathBuf)>,
    stop: Stopper,
}

impl BoundServer {
    /// Binds every listener of `listen` for `engine`.
    pub async fn bind(engine: Engine, listen: &Listen) -> std::io::Result<Self> {
        // A long script holds its worker thread; without this the connections that
        // worker was driving (tokio polls I/O from whichever worker parks next) would
        // never be read, and could not get BUSY or send SCRIPT KILL.
        let _ = engine.shared().long_script_hook.set(release_worker);
        let mut tcp = Vec::new();
        for address in &listen.tcp {
            match TcpListener::bind(&address.address).await {
                Ok(listener) => tcp.push(listener),
                Err(_) if address.optional => {}
                Err(error) => {
                    return Err(std::io::Error::new(
                        error.kind(),
                        format!("{}: {error}", address.address),
                    ))
                }
            }
        }
        #[cfg(unix)]
        let unix = match &listen.unix {
            Some(path) => {
                let _ = std::fs::remove_file(path);
                let listener = tokio::net::UnixListener::bind(path)?;
                if listen.unix_permissions != 0 {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(
                        path,
                        std::fs::Permissions::from_mode(listen.unix_permissions),
                    )?;
                }
                Some((listener, path.clone()))
            }
            None => None,
        };
        if let Some(first) = tcp.first() {
            let port = first.local_addr()?.port();
            engine.shared().config.write().set_port(port);
        }
        Ok(BoundServer {
            engine,
            tcp,
            #[cfg(unix)]
            unix,
            stop: Stopper::new(),
        })
    }

    /// The TCP addresses actually bound.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.tcp
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    /// A handle that stops the server.
    pub fn stopper(&self) -> Stopper {
        self.stop.clone()
    }

    /// Serves until `SHUTDOWN` runs or the stopper is notified. `CONFIG SET port` or
    /// `bind` moves the TCP listeners meanwhile: the new ones are bound before the
    /// command answers (or it fails and nothing changes), the old ones close, and the
    /// connections they accepted stay, as in Redis.
    pub async fn run(self) {
        let shared = self.engine.shared().clone();
        let mut tasks = tokio::task::JoinSet::new();
        let open: OpenListeners = Arc::default();
        for listener in self.tcp {
            let retire = Stopper::new();
            if let Ok(addr) = listener.local_addr() {
                open.lock()
                    .push((addr, retire.clone(), Closer::of(&listener)));
            }
            let (engine, stop) = (self.engine.clone(), self.stop.clone());
            tasks.spawn(accept_tcp(listener, engine, stop, retire));
        }
        let (moved, mut new_listeners) = tokio::sync::mpsc::unbounded_channel();
        let listeners = open.clone();
        let hook = kvdb_engine::engine::ListenHook(Box::new(move |config| {
            let addresses = tcp_addresses(config, false);
            let bound = move_listeners(&listeners, &addresses).inspect_err(|why| {
                eprintln!("kvdb: could not listen where CONFIG SET asked: {why}");
            })?;
            moved
                .send(bound)
                .map_err(|_| "the server is stopping".to_string())
        }));
        *shared.listen_hook.lock() = Some(hook);
        #[cfg(unix)]
        if let Some((listener, path)) = self.unix {
            tasks.spawn(accept_unix(
                listener,
                path,
                self.engine.clone(),
                self.stop.clone(),
            ));
        }
        tasks.spawn(active_expiry(self.engine.clone()));
        let watcher = tokio::spawn(watch_shutdown(shared.clone(), self.stop.clone()));
        loop {
            tokio::select! {
                _ = self.stop.stopped() => break,
                Some(bound) = new_listeners.recv() => {
                    for (listener, retire) in bound {
                        let Ok(listener) = TcpListener::from_std(listener) else {
                            continue;
                        };
                        let (engine, stop) = (self.engine.clone(), self.stop.clone());
                        tasks.spawn(accept_tcp(listener, engine, stop, retire));
                    }
                }
            }
        }
        *shared.listen_hook.lock() = None;
        // A script still running would keep its connection's task (and the store)
        // forever: stop it, as Redis exits whatever its script is doing.
        self.engine.shared().script_status.force_stop();
        // A replica's link thread would go on following its master.
        shared.store.lock().keyspace.replication.abandon_link();
        watcher.abort();
        tasks.shutdown().await;
    }
}

/// Turns a `SHUTDOWN` command into a stop.
async fn watch_shutdown(shared: Arc<Shared>, stop: Stopper) {
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    loop {
        tick.tick().await;
        if shared.shutdown.load(Ordering::SeqCst) {
            stop.stop();
            return;
        }
    }
}

/// True (and the client told) when the server is at `maxclients`.
fn over_client_limit(engine: &Engine) -> bool {
    let shared = engine.shared();
    let limit = shared.config.read().maxclients();
    let over = shared.clients.lock().len() >= limit;
    if over {
        shared
            .counters
            .rejected_connections
            .fetch_add(1, Ordering::Relaxed);
    }
    over
}

/// Accepts connections on `listener` until the server stops, or until `retired` says
/// the listener was replaced: it then closes, and the connections it accepted are
/// served until they end or the server stops.
async fn accept_tcp(listener: TcpListener, engine: Engine, stop: Stopper, retired: Stopper) {
    let mut connections = tokio::task::JoinSet::new();
    let mut listener = Some(listener);
    loop {
        let Some(open) = &listener else {
            tokio::select! {
                _ = stop.stopped() => break,
                Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            }
        };
        let accepted = tokio::select! {
            accepted = open.accept() => accepted,
            _ = stop.stopped() => break,
            _ = retired.stopped() => {
                listener = None;
                continue;
            }
        };
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        kvdb_engine::session::count_connection(engine.shared());
        let _ = stream.set_nodelay(true);
        let local = stream
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        if over_client_limit(&engine) {
            reject(stream).await;
            continue;
        }
        let mut session = engine.session();
        session.set_addresses(peer.to_string(), local, false);
        connections.spawn(connection::serve_connection(stream, session));
        while connections.try_join_next().is_some() {}
    }
    connections.shutdown().await;
}

async fn reject(mut stream: TcpStream) {
    use tokio::io::AsyncWriteExt;
    let _ = stream.write_all(MAX_CLIENTS_ERROR).await;
}

#[cfg(unix)]
async fn accept_unix(
    listener: tokio::net::UnixListener,
    path: std::path::PathBuf,
    engine: Engine,
    stop: Stopper,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.stopped() => break,
        };
        let Ok((mut stream, _)) = accepted else {
            continue;
        };
        kvdb_engine::session::count_connection(engine.shared());
        if over_client_limit(&engine) {
            use tokio::io::AsyncWriteExt;
            let _ = stream.write_all(MAX_CLIENTS_ERROR).await;
            continue;
        }
        let mut session = engine.session();
        session.set_addresses(format!("{}:0", path.display()), String::new(), true);
        connections.spawn(connection::serve_connection(stream, session));
        while connections.try_join_next().is_some() {}
    }
    connections.shutdown().await;
    let _ = std::fs::remove_file(&path);
}

/// Sampling rounds per active-expiry tick; each round looks at 20 keys with a TTL.
const EXPIRE_ROUNDS_PER_TICK: usize = 200;

/// Runs active expiry `hz` times a second.
async fn active_expiry(engine: Engine) {
    loop {
        let hz = engine.shared().config.read().hz().clamp(1, 500);
        tokio::time::sleep(Duration::from_millis(1000 / u64::from(hz))).await;
        engine.expire_cycle(EXPIRE_ROUNDS_PER_TICK);
    }
}

/// Hands the calling runtime worker's duties to another thread, so that the rest of a
/// long script runs on this thread alone while other workers read sockets and answer
/// `BUSY`. Only on a multi-threaded runtime; elsewhere there is nothing to hand over.
///
/// `block_in_place` offers this worker's core to a fresh thread, but takes it back when
/// its closure returns if that thread has not picked it up yet; an empty closure loses
/// that race and the script keeps the core, stalling every socket it was driving. So
/// the closure waits, outside the runtime, until a task injected into the runtime has
/// run: by then some other worker is awake (the new one, or a parked one that will poll
/// I/O when it parks again), and this core's queued tasks can be stolen.
fn release_worker() {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
        return;
    }
    tokio::task::block_in_place(|| {
        let (ran, wait) = std::sync::mpsc::sync_channel(1);
        handle.spawn(async move {
            let _ = ran.send(());
        });
        // Bounded: a runtime shutting down may never run the task.
        let _ = wait.recv_timeout(HANDOFF_WAIT);
    });
}

/// The longest a long script waits for its worker's duties to move elsewhere.
const HANDOFF_WAIT: Duration = Duration::from_millis(100);
