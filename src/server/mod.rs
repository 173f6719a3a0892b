//! The network server: listeners, the accept loop, active expiry, graceful stop.
//!
//! Connection tasks run directly on the engine (no channel hop): each decodes its
//! requests and executes them under the engine's lock, so throughput scales with the
//! worker threads while commands stay atomic. A server may run its connections on
//! several runtimes (`workers`), moving them between batches.

mod connection;
mod flush;
mod workers;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use kvdb_engine::engine::Shared;
use kvdb_engine::log;
use kvdb_engine::{Engine, Session};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;
use tokio::sync::watch;
use tokio::task::JoinSet;

use connection::{serve_connection, Carried, Detach, Moving};
use workers::{Home, Placement};

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
/// With Redis's default `bind`, `protected-mode yes` and no password for the default
/// user, Redis accepts outside connections only to refuse them; kvdb, which does not
/// implement that refusal, listens on loopback alone in that case. Port 0 means a free port at start
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
    // Protected mode is about the default user needing no password (`requirepass`
    // or its own `user default` line).
    let nopass = kvdb_engine::acl::Acl::configured(config)
        .map_or(true, |acl| acl.default_user().is_nopass());
    if protected && nopass && binds == DEFAULT_BIND {
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
    /// Runtimes besides the one [`BoundServer::run`] runs on, to spread connections
    /// over while the machine has cores to spare.
    more_runtimes: Vec<Handle>,
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
            more_runtimes: Vec::new(),
        })
    }

    /// Runs the server's connections as `kvdb-server` does: on the runtime it runs on
    /// and on `runtimes` (each best with one worker thread), moved to one more at a
    /// time while those in use are saturated and a core is spare, back as soon as
    /// other processes need the cores. The runtimes must have I/O and time enabled
    /// ([`worker_runtimes`] makes such) and outlive the run.
    pub fn spread_over(mut self, runtimes: &[tokio::runtime::Runtime]) -> Self {
        self.more_runtimes = runtimes.iter().map(|r| r.handle().clone()).collect();
        self
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
        let placement = (!self.more_runtimes.is_empty()).then(|| {
            let mut homes = vec![Handle::current()];
            homes.extend(self.more_runtimes);
            Placement::new(homes)
        });
        if let Some(placement) = &placement {
            tasks.spawn(workers::balance(placement.clone()));
        }
        let open: OpenListeners = Arc::default();
        for listener in self.tcp {
            let retire = Stopper::new();
            if let Ok(addr) = listener.local_addr() {
                open.lock()
                    .push((addr, retire.clone(), Closer::of(&listener)));
            }
            let (engine, stop) = (self.engine.clone(), self.stop.clone());
            let connections = Connections::new(placement.clone());
            tasks.spawn(accept_tcp(listener, engine, stop, retire, connections));
        }
        let (moved, mut new_listeners) = tokio::sync::mpsc::unbounded_channel();
        let listeners = open.clone();
        let hook = kvdb_engine::engine::ListenHook(Box::new(move |config| {
            let addresses = tcp_addresses(config, false);
            let bound = move_listeners(&listeners, &addresses).inspect_err(|why| {
                log::warning(&format!("could not listen where CONFIG SET asked: {why}"));
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
                Connections::new(placement.clone()),
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
                        let connections = Connections::new(placement.clone());
                        tasks.spawn(accept_tcp(listener, engine, stop, retire, connections));
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

/// `threads` runtimes of one worker thread each (at least one), their threads named
/// `kvdb-worker-N`: the first for a server to run on, the rest to
/// [spread](BoundServer::spread_over) its connections over.
pub fn worker_runtimes(
    threads: usize,
) -> std::io::Result<(tokio::runtime::Runtime, Vec<tokio::runtime::Runtime>)> {
    let worker = |index: usize| {
        // Replies wait for the worker to run out of work (`flush`).
        let flushes = Arc::new(flush::Flushes::default());
        let (parked, unparked) = (flushes.clone(), flushes.clone());
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .event_interval(EVENT_INTERVAL)
            .thread_name(format!("kvdb-worker-{index}"))
            .on_thread_start(move || flush::Flushes::enter(&flushes))
            .on_thread_park(move || parked.flush())
            .on_thread_unpark(move || unparked.unparked())
            .enable_all()
            .build()
    };
    let first = worker(0)?;
    let more = (1..threads).map(worker).collect::<std::io::Result<_>>()?;
    Ok((first, more))
}

/// Tasks a worker runs between polls of its sockets while it still has tasks to run
/// (tokio's default is 61). A worker polls them whenever it runs out of work anyway,
/// once a turn as Redis's event loop does; a poll in the middle of a turn only splits
/// it, each part with fewer replies to write together ([`flush`]). Under unpipelined
/// load from 50 clients this took `epoll_wait` calls from 0.18 to 0.15 per PUBLISH
/// and from 0.81 to 0.77 per GET (Redis: 0.06 and 0.76). The bound stays, for a flood
/// of ready tasks, which Redis would serve in one turn too.
const EVENT_INTERVAL: u32 = 4096;

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

/// The connections one listener accepted: their tasks, and the runtimes they may run
/// on.
struct Connections {
    placement: Option<Arc<Placement>>,
    tasks: JoinSet<Option<Moving>>,
}

impl Connections {
    /// No connections yet; they will run on `placement`'s runtimes, or on the current
    /// one when there is none.
    fn new(placement: Option<Arc<Placement>>) -> Self {
        Connections {
            placement,
            tasks: JoinSet::new(),
        }
    }

    /// Serves a client just accepted, on the listener's runtime (the first): one that
    /// belongs on another moves there before its first read, as any connection does.
    fn start<S: Detach + Send + 'static>(&mut self, stream: S, mut session: Session) {
        let carried = Carried::new(&mut session);
        let home = self
            .placement
            .as_ref()
            .map_or_else(Home::fixed, |placement| Home::at(placement, 0));
        self.tasks
            .spawn(serve_connection(stream, session, carried, home));
    }

    /// Serves a connection on the runtime it belongs on now.
    fn place(&mut self, moving: Moving) {
        let Some(placement) = &self.placement else {
            return; // never: without a placement connections do not move
        };
        placement.count_move();
        let index = placement.home_of(moving.session.id());
        let home = Home::at(placement, index);
        self.tasks
            .spawn_on(moving.resume(home), placement.handle(index));
    }

    /// The next connection that left its runtime, to [place](Connections::place)
    /// again; connections that ended are reaped meanwhile. Never resolves while no
    /// connection runs.
    async fn next_moving(&mut self) -> Moving {
        loop {
            match self.tasks.join_next().await {
                Some(Ok(Some(moving))) => return moving,
                Some(_) => continue,
                None => std::future::pending().await,
            }
        }
    }
}

/// Accepts connections on `listener` until the server stops, or until `retired` says
/// the listener was replaced: it then closes, and the connections it accepted are
/// served until they end or the server stops.
async fn accept_tcp(
    listener: TcpListener,
    engine: Engine,
    stop: Stopper,
    retired: Stopper,
    mut connections: Connections,
) {
    let mut listener = Some(listener);
    loop {
        let Some(open) = &listener else {
            tokio::select! {
                _ = stop.stopped() => break,
                moving = connections.next_moving() => connections.place(moving),
            }
            continue;
        };
        let accepted = tokio::select! {
            accepted = open.accept() => accepted,
            _ = stop.stopped() => break,
            _ = retired.stopped() => {
                listener = None;
                continue;
            }
            moving = connections.next_moving() => {
                connections.place(moving);
                continue;
            }
        };
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        kvdb_engine::session::count_connection(engine.shared());
        // As Redis writes it: the address without IPv6's brackets.
        let (ip, port) = (peer.ip(), peer.port());
        log::log(log::Level::Verbose, format_args!("Accepted {ip}:{port}"));
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
        connections.start(stream, session);
    }
    connections.tasks.shutdown().await;
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
    mut connections: Connections,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.stopped() => break,
            moving = connections.next_moving() => {
                connections.place(moving);
                continue;
            }
        };
        let Ok((mut stream, _)) = accepted else {
            continue;
        };
        kvdb_engine::session::count_connection(engine.shared());
        let shown = path.display();
        log::log(
            log::Level::Verbose,
            format_args!("Accepted connection to {shown}"),
        );
        if over_client_limit(&engine) {
            use tokio::io::AsyncWriteExt;
            let _ = stream.write_all(MAX_CLIENTS_ERROR).await;
            continue;
        }
        let mut session = engine.session();
        session.set_addresses(format!("{}:0", path.display()), String::new(), true);
        connections.start(stream, session);
    }
    connections.tasks.shutdown().await;
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

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::sync::atomic::AtomicBool;

    use bytes::{Bytes, BytesMut};
    use kvdb_resp::{write, Frame};

    use super::*;

    /// A blocking client that may pipeline: requests encoded and replies decoded by
    /// `kvdb_resp`, reads failing after a few seconds instead of hanging.
    struct Wire<S> {
        stream: S,
        received: BytesMut,
    }

    impl Wire<std::net::TcpStream> {
        fn tcp(addr: SocketAddr) -> Self {
            let stream = std::net::TcpStream::connect(addr).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            Wire::new(stream)
        }
    }

    impl<S: Read + Write> Wire<S> {
        fn new(stream: S) -> Self {
            Wire {
                stream,
                received: BytesMut::new(),
            }
        }

        /// Sends every command of `commands` in one write.
        fn send(&mut self, commands: &[&[&str]]) {
            let mut out = BytesMut::new();
            for args in commands {
                write::array_header(&mut out, args.len());
                for arg in *args {
                    write::bulk(&mut out, arg.as_bytes());
                }
            }
            self.stream.write_all(&out).expect("write");
        }

        /// The next reply.
        fn reply(&mut self) -> Frame {
            loop {
                if let Some(frame) = kvdb_resp::decode(&mut self.received).expect("RESP") {
                    return frame;
                }
                let mut chunk = [0; 4096];
                let n = self.stream.read(&mut chunk).expect("a reply");
                assert!(n > 0, "the server closed the connection");
                self.received.extend_from_slice(&chunk[..n]);
            }
        }
    }

    fn bulks(items: &[&str]) -> Frame {
        Frame::Array(
            items
                .iter()
                .map(|item| Frame::Bulk(Bytes::copy_from_slice(item.as_bytes())))
                .collect(),
        )
    }

    /// Sends `key` INCRs, 20 to a batch, checking every reply in order.
    fn count_up<S: Read + Write>(wire: &mut Wire<S>, key: &str) {
        let mut expected = 0;
        for _ in 0..200 {
            let incr: &[&str] = &["INCR", key];
            wire.send(&[incr; 20]);
            for _ in 0..20 {
                expected += 1;
                assert_eq!(wire.reply(), Frame::Integer(expected));
            }
        }
    }

    #[test]
    fn connections_moving_between_runtimes_lose_nothing() {
        let (first, more) = worker_runtimes(2).expect("runtimes");
        let placement = Placement::new(vec![first.handle().clone(), more[0].handle().clone()]);
        let engine = Engine::new();
        let stop = Stopper::new();
        let listener = first
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        first.spawn(accept_tcp(
            listener,
            engine.clone(),
            stop.clone(),
            Stopper::new(),
            Connections::new(Some(placement.clone())),
        ));
        // Connections are told to move every millisecond or so.
        let toggling = Arc::new(AtomicBool::new(true));
        let toggler = {
            let (placement, toggling) = (placement.clone(), toggling.clone());
            std::thread::spawn(move || {
                let mut flips = 0;
                while toggling.load(Ordering::Relaxed) {
                    placement.set_active(1 + flips % 2);
                    flips += 1;
                    std::thread::sleep(Duration::from_micros(700));
                }
                flips
            })
        };
        // A subscriber gets every message, in order, while it and the publisher move.
        let mut subscriber = Wire::tcp(addr);
        subscriber.send(&[&["SUBSCRIBE", "news"]]);
        let Frame::Array(subscribed) = subscriber.reply() else {
            panic!("SUBSCRIBE answers an array");
        };
        assert_eq!(subscribed[1], Frame::Bulk(Bytes::from_static(b"news")));
        let messages = 3000;
        let publisher = std::thread::spawn(move || {
            let mut publisher = Wire::tcp(addr);
            for n in 0..messages {
                publisher.send(&[&["PUBLISH", "news", &n.to_string()]]);
                assert_eq!(publisher.reply(), Frame::Integer(1));
            }
        });
        // A client blocked in BLPOP, and one in a transaction, while they move.
        let mut blocked = Wire::tcp(addr);
        blocked.send(&[&["BLPOP", "queue", "0"]]);
        let mut transaction = Wire::tcp(addr);
        transaction.send(&[&["MULTI"]]);
        assert_eq!(
            transaction.reply(),
            Frame::Simple(Bytes::from_static(b"OK"))
        );
        // Pipelining clients see every reply, in order, over TCP and a unix socket.
        let mut counters: Vec<_> = (0..4)
            .map(|client| {
                std::thread::spawn(move || {
                    count_up(&mut Wire::tcp(addr), &format!("counter:{client}"));
                })
            })
            .collect();
        let path = std::env::temp_dir().join(format!("kvdb-moving-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let unix = {
            let _entered = first.enter();
            tokio::net::UnixListener::bind(&path).expect("bind unix")
        };
        first.spawn(accept_unix(
            unix,
            path.clone(),
            engine.clone(),
            stop.clone(),
            Connections::new(Some(placement.clone())),
        ));
        counters.push(std::thread::spawn(move || {
            let stream = std::os::unix::net::UnixStream::connect(&path).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            count_up(&mut Wire::new(stream), "counter:unix");
        }));
        for n in 0..messages {
            let message = n.to_string();
            assert_eq!(
                subscriber.reply(),
                bulks(&["message", "news", &message]),
                "message {n}"
            );
        }
        publisher.join().expect("publisher");
        for counter in counters {
            counter.join().expect("counter");
        }
        transaction.send(&[&["INCR", "counter:0"]]);
        assert_eq!(
            transaction.reply(),
            Frame::Simple(Bytes::from_static(b"QUEUED"))
        );
        transaction.send(&[&["EXEC"]]);
        assert_eq!(
            transaction.reply(),
            Frame::Array(vec![Frame::Integer(4001)])
        );
        transaction.send(&[&["LPUSH", "queue", "job"]]);
        assert_eq!(transaction.reply(), Frame::Integer(1));
        assert_eq!(blocked.reply(), bulks(&["queue", "job"]));
        toggling.store(false, Ordering::Relaxed);
        assert!(toggler.join().expect("toggler") > 10);
        assert!(
            placement.moves() > 10,
            "connections moved {} times",
            placement.moves()
        );
        stop.stop();
    }
}
