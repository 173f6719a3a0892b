//! The replica side of replication: following a master after `REPLICAOF host port`.
//!
//! The link runs on a thread of its own with blocking sockets (the engine has no async
//! runtime, as MIGRATE's exchange has none), in Redis 7.0's steps: connect; `PING`;
//! `AUTH` when `masterauth` is set, `REPLCONF listening-port`, `REPLCONF ip-address`
//! when `replica-announce-ip` is set and `REPLCONF capa eof capa psync2`; then `PSYNC`
//! with this server's replication id and offset, so a master that shares the history
//! continues (`+CONTINUE`) and any other sends a snapshot (`+FULLRESYNC`, then the RDB
//! as `$<len>` or between `$EOF:` marks). The snapshot replaces every key and function
//! library. From then on each command of the stream runs as the master client (flag
//! `M`, no replies), and its exact bytes go on to this server's own replicas and
//! backlog, so the offsets stay the master's. `REPLCONF ACK <offset>` goes back every
//! second and on `REPLCONF GETACK`.
//!
//! A link that fails (refused, timed out after `repl-timeout`, closed) is retried a
//! second later, as Redis's replication cron does. `REPLICAOF` to another master or
//! `NO ONE` bumps the link's generation: the thread of an older generation notices
//! within [`POLL`] (its socket is also shut down at once) and ends.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};

use crate::clock::Clock;
use crate::engine::{Engine, Shared};
use crate::replication::Replication;
use crate::reply::Reply;
use crate::session::StreamStep;

/// Counts REPLICAOF changes ([`Replication::link_generation`]).
pub type Generation = Arc<AtomicU64>;

/// How far the link to the master has come (Redis's `repl_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Waiting to connect (after REPLICAOF, or a second after a failure).
    Connect,
    /// Connecting.
    Connecting,
    /// Connected, in the PING/AUTH/REPLCONF/PSYNC exchange.
    Handshake,
    /// Receiving the snapshot.
    Transfer,
    /// Following the master's stream.
    Connected,
}

impl LinkState {
    /// The state as ROLE names it.
    pub fn role_name(self) -> &'static str {
        match self {
            LinkState::Connect => "connect",
            LinkState::Connecting => "connecting",
            LinkState::Handshake => "handshake",
            LinkState::Transfer => "sync",
            LinkState::Connected => "connected",
        }
    }
}

/// A snapshot transfer under way, as INFO's `master_sync_*` fields show it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Transfer {
    /// Bytes announced (`$<len>`), 0 for an EOF-delimited one, -1 before the header.
    pub total: i64,
    /// Bytes read so far.
    pub read: u64,
    /// When bytes last came (Unix seconds).
    pub last_io_secs: u64,
}

/// The master client's place in the stream (Redis's `read_reploff` and `reploff`).
#[derive(Debug, Clone, Copy)]
pub struct MasterClient {
    /// Its client id.
    pub id: u64,
    /// Stream bytes read.
    pub read_offset: u64,
    /// Stream bytes applied.
    pub applied_offset: u64,
    /// When the master last sent anything (Unix seconds).
    pub last_io_secs: u64,
}

/// The master this server follows (Redis's `masterhost` and link state).
#[derive(Debug)]
pub struct MasterLink {
    /// The master's host, as REPLICAOF gave it.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// How far the link has come.
    pub state: LinkState,
    /// The REPLICAOF this link serves.
    pub generation: u64,
    /// When the link went down (Unix seconds; 0: it was never up).
    pub down_since_secs: u64,
    /// The snapshot being received.
    pub transfer: Option<Transfer>,
    /// The master client, while the link is up.
    pub client: Option<MasterClient>,
    /// The database the master's stream last selected: a link that continues
    /// (`+CONTINUE`) starts there, as the master does not select it again.
    pub master_db: usize,
    /// A second handle on the link's socket, to close it when the master changes.
    socket: Option<TcpStream>,
    /// The generation a thread was started for.
    thread_generation: Option<u64>,
}

impl MasterLink {
    /// Closes the link's socket (its thread then ends, or retries).
    fn close_socket(&mut self) {
        if let Some(socket) = self.socket.take() {
            let _ = socket.shutdown(Shutdown::Both);
        }
    }
}

impl Replication {
    /// True while this server follows a master (Redis's `masterhost` is set).
    #[inline]
    pub fn is_replica(&self) -> bool {
        self.master.is_some()
    }

    /// True when the link to the master is down and `replica-serve-stale-data` is no:
    /// commands without the `stale` flag answer `MASTERDOWN`.
    pub fn is_stale(&self) -> bool {
        self.master
            .as_ref()
            .is_some_and(|master| master.state != LinkState::Connected)
            && !self.serve_stale_data
    }

    /// Follows `host:port` from now on (Redis's `replicationSetMaster`): the current
    /// link, if any, closes; a new one starts with the next cron. Keeps the replication
    /// id, offset and backlog, which the next PSYNC offers the master.
    pub fn follow(&mut self, host: String, port: u16) {
        if let Some(mut old) = self.master.take() {
            old.close_socket();
        }
        let generation = self.link_generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.master = Some(MasterLink {
            host,
            port,
            state: LinkState::Connect,
            generation,
            down_since_secs: 0,
            transfer: None,
            client: None,
            master_db: 0,
            socket: None,
            thread_generation: None,
        });
        crate::log::set_replica(true);
        self.refresh_active();
    }

    /// Stops following the master (`REPLICAOF NO ONE`, Redis's
    /// `replicationUnsetMaster`): the link closes, and the history continues under
    /// `new_replid`, the old id staying valid up to the current offset for replicas
    /// that reconnect. Answers the master client's id, if the link was up.
    pub fn stop_following(&mut self, new_replid: String) -> Option<u64> {
        let mut master = self.master.take()?;
        master.close_socket();
        self.link_generation.fetch_add(1, Ordering::SeqCst);
        let current = std::mem::replace(&mut self.replid, new_replid);
        if !current.is_empty() {
            self.replid2 = current;
            self.second_replid_offset = self.offset as i64 + 1;
        }
        self.restart_stream();
        self.refresh_active();
        crate::log::set_replica(false);
        master.client.map(|client| client.id)
    }

    /// Ends the link's thread for good, its server stopping: the master stays set,
    /// but nothing follows it any more.
    pub fn abandon_link(&mut self) {
        self.link_generation.fetch_add(1, Ordering::SeqCst);
        if let Some(master) = &mut self.master {
            master.close_socket();
            master.state = LinkState::Connect;
        }
    }

    /// The generation of a link whose thread should start now (the cron starts it).
    pub fn link_to_start(&mut self) -> Option<u64> {
        let master = self.master.as_mut()?;
        if master.thread_generation == Some(master.generation) {
            return None;
        }
        master.thread_generation = Some(master.generation);
        Some(master.generation)
    }

    /// The link's thread could not start: the next cron tries again.
    pub fn link_not_started(&mut self) {
        if let Some(master) = &mut self.master {
            master.thread_generation = None;
        }
    }

    /// Resumes the history a replica's own RDB file recorded, at start (Redis's
    /// `replicationCacheMasterUsingMyself`): the next PSYNC offers that id and offset,
    /// and the master's stream continues in the database it had selected.
    pub fn resume_from_file(&mut self, position: crate::rdb::file::StreamPosition) {
        if self.master.is_none() {
            return;
        }
        let replid = String::from_utf8_lossy(&position.replid).into_owned();
        self.adopt_history(replid, position.offset);
        if let Some(master) = &mut self.master {
            master.master_db = position.db;
        }
    }

    /// The link of `generation`, if it is still the current one.
    fn link(&mut self, generation: u64) -> Option<&mut MasterLink> {
        self.master
            .as_mut()
            .filter(|master| master.generation == generation)
    }

    /// Takes the master's history after a full synchronization: its id and offset,
    /// no secondary id, and a fresh backlog for this server's own replicas.
    fn adopt_history(&mut self, replid: String, offset: u64) {
        self.replid = replid;
        self.offset = offset;
        self.replid2.clear();
        self.second_replid_offset = -1;
        self.reset_backlog();
    }

    /// The master changed its replication id on a partial resynchronization: the old
    /// one stays valid up to here.
    fn switch_history(&mut self, replid: String) {
        let old = std::mem::replace(&mut self.replid, replid);
        self.replid2 = old;
        self.second_replid_offset = self.offset as i64 + 1;
        self.ensure_backlog();
    }
}

/// How often a link blocked on its socket looks whether it is still wanted.
const POLL: Duration = Duration::from_millis(100);
/// How long a failed link waits before the next attempt (Redis's cron period).
const RETRY: Duration = Duration::from_secs(1);
/// The longest reply line the handshake reads from a master.
const MAX_LINE: usize = 64 * 1024;
/// How often the link acknowledges its offset.
const ACK_PERIOD: Duration = Duration::from_secs(1);

/// Starts the link thread of `generation` (called by the cron, `current` being
/// [`Replication::link_generation`]); false when no thread could be made (the next
/// cron tries again).
pub(crate) fn spawn_link(engine: Engine, current: Generation, generation: u64) -> bool {
    let spawned = std::thread::Builder::new()
        .name("kvdb-replica-link".into())
        .spawn(move || run_link(&engine, &current, generation));
    if spawned.is_err() {
        crate::log::warning("Unable to start the thread of the link with the MASTER");
    }
    spawned.is_ok()
}

/// Why a link stopped.
enum Stop {
    /// REPLICAOF changed the master, or the server is stopping: the thread ends.
    Superseded,
    /// The link failed; it is tried again.
    Failed(String),
}

impl From<std::io::Error> for Stop {
    fn from(error: std::io::Error) -> Self {
        Stop::Failed(error.to_string())
    }
}

/// Keeps the link of `generation` up until REPLICAOF moves on.
fn run_link(engine: &Engine, current: &Generation, generation: u64) {
    loop {
        let Some(target) = link_target(engine, generation) else {
            return;
        };
        match follow_master(engine, current, generation, &target) {
            Stop::Superseded => return,
            Stop::Failed(why) => {
                crate::log::warning(&why);
                let now = engine.shared().clock.now_ms() / 1000;
                let gone = with_link(engine, generation, |link| {
                    link.state = LinkState::Connect;
                    link.transfer = None;
                    link.close_socket();
                    if link.client.take().is_some() {
                        link.down_since_secs = now;
                    }
                });
                if gone.is_err() {
                    return;
                }
            }
        }
        let until = Instant::now() + RETRY;
        while Instant::now() < until {
            if superseded(current, generation) {
                return;
            }
            std::thread::sleep(POLL);
        }
    }
}

/// What a link needs from the configuration, read when it (re)connects.
struct Target {
    host: String,
    port: u16,
    timeout: Duration,
    auth: Option<(Option<String>, String)>,
    announce_ip: Option<String>,
    listening_port: u16,
}

fn link_target(engine: &Engine, generation: u64) -> Option<Target> {
    let (host, port) = {
        let mut store = engine.shared().store.lock();
        let link = store.keyspace.replication.link(generation)?;
        (link.host.clone(), link.port)
    };
    let config = engine.shared().config.read();
    let settings = config.replica_settings();
    Some(Target {
        host,
        port,
        timeout: Duration::from_secs(settings.timeout_secs),
        auth: settings
            .master_auth
            .map(|password| (settings.master_user, password)),
        announce_ip: settings.announce_ip,
        listening_port: match settings.announce_port {
            0 => config.port(),
            port => port,
        },
    })
}

/// True once REPLICAOF moved on from `generation` (read without the engine's lock).
fn superseded(current: &Generation, generation: u64) -> bool {
    current.load(Ordering::SeqCst) != generation
}

/// Updates the link of `generation` under the store, unless it was superseded.
fn with_link<R>(
    engine: &Engine,
    generation: u64,
    update: impl FnOnce(&mut MasterLink) -> R,
) -> Result<R, Stop> {
    let mut store = engine.shared().store.lock();
    match store.keyspace.replication.link(generation) {
        Some(link) => Ok(update(link)),
        None => Err(Stop::Superseded),
    }
}

/// One connection to the master, from connecting to the link's end.
fn follow_master(engine: &Engine, current: &Generation, generation: u64, target: &Target) -> Stop {
    match connect_and_follow(engine, current, generation, target) {
        Ok(never) => match never {},
        Err(stop) => stop,
    }
}

fn connect_and_follow(
    engine: &Engine,
    current: &Generation,
    generation: u64,
    target: &Target,
) -> Result<std::convert::Infallible, Stop> {
    with_link(engine, generation, |link| {
        link.state = LinkState::Connecting
    })?;
    crate::log::notice(&format!(
        "Connecting to MASTER {}:{}",
        target.host, target.port
    ));
    let stream = connect(target)?;
    let peer = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let local = stream
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    with_link(engine, generation, |link| {
        link.state = LinkState::Handshake;
        link.socket = stream.try_clone().ok();
    })?;
    crate::log::notice("MASTER <-> REPLICA sync started");
    let mut wire = Wire {
        engine,
        current,
        generation,
        stream,
        input: BytesMut::with_capacity(16 * 1024),
        timeout: target.timeout,
    };
    handshake(&mut wire, target)?;
    let (replid, offset) = {
        let store = engine.shared().store.lock();
        let replication = &store.keyspace.replication;
        (replication.replid.clone(), replication.offset)
    };
    let psync = match replid.is_empty() {
        true => wire.command(&[b"PSYNC", b"?", b"-1"]),
        false => wire.command(&[
            b"PSYNC",
            replid.as_bytes(),
            (offset + 1).to_string().as_bytes(),
        ]),
    };
    psync?;
    let line = loop {
        let line = wire.line()?;
        if !line.is_empty() {
            break line; // empty lines are the master's keep-alives
        }
    };
    let text = String::from_utf8_lossy(&line).into_owned();
    // The master client exists once the link is up, as Redis creates it.
    let master_client = || {
        let mut session = engine.session();
        session.set_addresses(peer.clone(), local.clone(), false);
        session
    };
    let mut master;
    if let Some(rest) = text.strip_prefix("+FULLRESYNC ") {
        let mut words = rest.split(' ');
        let replid = words.next().unwrap_or_default().to_string();
        let offset = words.next().and_then(|w| w.parse::<i64>().ok());
        let (Some(offset), 40) = (offset.and_then(|o| u64::try_from(o).ok()), replid.len()) else {
            return Err(Stop::Failed(
                "Master replied with wrong +FULLRESYNC syntax.".into(),
            ));
        };
        crate::log::notice(&format!("Full resync from master: {replid}:{offset}"));
        let rdb = receive_snapshot(&mut wire)?;
        master = master_client();
        load_snapshot(generation, &mut master, &rdb, replid, offset)?;
    } else if let Some(rest) = text.strip_prefix("+CONTINUE") {
        crate::log::notice("Successful partial resynchronization with master.");
        master = master_client();
        let new_replid = rest.trim();
        let now = engine.shared().clock.now_ms() / 1000;
        let mut store = engine.shared().store.lock();
        let keyspace = &mut store.keyspace;
        if keyspace.replication.link(generation).is_none() {
            return Err(Stop::Superseded);
        }
        if new_replid.len() == 40 && new_replid != keyspace.replication.replid {
            crate::log::warning(&format!("Master replication ID changed to {new_replid}"));
            keyspace.replication.switch_history(new_replid.to_string());
            disconnect_replicas(engine.shared(), keyspace);
        }
        keyspace.replication.ensure_backlog();
        let offset = keyspace.replication.offset;
        mark_connected(keyspace, generation, master.id(), offset, now);
        let db = keyspace
            .replication
            .link(generation)
            .map_or(0, |link| link.master_db);
        drop(store);
        master.become_master_client();
        master.select_db(db);
        crate::log::notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    } else if text.starts_with("-NOMASTERLINK") || text.starts_with("-LOADING") {
        return Err(Stop::Failed(format!(
            "Master is currently unable to PSYNC but should be in the future: {text}"
        )));
    } else {
        return Err(Stop::Failed(format!(
            "Unexpected reply to PSYNC from master: {text}"
        )));
    }
    stream_from_master(&mut wire, &mut master)
}

fn connect(target: &Target) -> Result<TcpStream, Stop> {
    let unable = |why: String| Stop::Failed(format!("Unable to connect to MASTER: {why}"));
    let addresses = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|error| unable(error.to_string()))?;
    let mut last = "no address".to_string();
    for address in addresses {
        match TcpStream::connect_timeout(&address, target.timeout) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(error) => last = error.to_string(),
        }
    }
    Err(unable(last))
}

/// The link's socket with what has been read of it.
struct Wire<'e> {
    engine: &'e Engine,
    current: &'e Generation,
    generation: u64,
    stream: TcpStream,
    input: BytesMut,
    timeout: Duration,
}

impl Wire<'_> {
    /// Sends one command.
    fn command(&mut self, argv: &[&[u8]]) -> Result<(), Stop> {
        let argv: Vec<Bytes> = argv.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        let mut out = BytesMut::new();
        kvdb_resp::write::command(&mut out, &argv);
        self.stream.write_all(&out)?;
        Ok(())
    }

    /// Reads more into `input`, failing when nothing came within `limit`.
    fn fill(&mut self, limit: Duration) -> Result<usize, Stop> {
        let started = Instant::now();
        loop {
            if let Some(n) = self.poll()? {
                return Ok(n);
            }
            if started.elapsed() >= limit {
                return Err(Stop::Failed("Timeout connecting to the MASTER...".into()));
            }
        }
    }

    /// Reads what arrives within [`POLL`] into `input` (`None`: nothing did); ends
    /// when the link was superseded meanwhile.
    fn poll(&mut self) -> Result<Option<usize>, Stop> {
        if superseded(self.current, self.generation) {
            return Err(Stop::Superseded);
        }
        let mut chunk = [0u8; 16 * 1024];
        self.stream.set_read_timeout(Some(POLL))?;
        match self.stream.read(&mut chunk) {
            Ok(0) => Err(Stop::Failed("Connection with master lost.".into())),
            Ok(n) => {
                self.input.extend_from_slice(&chunk[..n]);
                count_input(self.engine, n);
                Ok(Some(n))
            }
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                Ok(None)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// One reply line, without its line end, waiting at most `repl-timeout` for
    /// each read.
    fn line(&mut self) -> Result<Vec<u8>, Stop> {
        loop {
            if self.input.len() > MAX_LINE {
                return Err(Stop::Failed(
                    "Bad protocol from MASTER: a reply line is too long".into(),
                ));
            }
            if let Some(end) = self.input.iter().position(|&b| b == b'\n') {
                let line = self.input.split_to(end + 1);
                let line = line.strip_suffix(b"\n").unwrap_or(&line);
                return Ok(line.strip_suffix(b"\r").unwrap_or(line).to_vec());
            }
            self.fill(self.timeout)?;
        }
    }
}

/// Counts bytes read from the master in INFO's input counters.
fn count_input(engine: &Engine, n: usize) {
    let counters = &engine.shared().counters;
    counters
        .net_input_bytes
        .fetch_add(n as u64, Ordering::Relaxed);
    counters
        .net_repl_input_bytes
        .fetch_add(n as u64, Ordering::Relaxed);
}

/// PING, then AUTH and the REPLCONFs, as Redis's `syncWithMaster` sends them.
fn handshake(wire: &mut Wire<'_>, target: &Target) -> Result<(), Stop> {
    wire.command(&[b"PING"])?;
    let pong = wire.line()?;
    let accepted = pong.starts_with(b"+")
        || pong.starts_with(b"-NOAUTH")
        || pong.starts_with(b"-NOPERM")
        || pong.starts_with(b"-ERR operation not permitted");
    if !accepted {
        return Err(Stop::Failed(format!(
            "Error reply to PING from master: '{}'",
            String::from_utf8_lossy(&pong)
        )));
    }
    crate::log::notice("Master replied to PING, replication can continue...");
    if let Some((user, password)) = &target.auth {
        match user {
            Some(user) => wire.command(&[b"AUTH", user.as_bytes(), password.as_bytes()])?,
            None => wire.command(&[b"AUTH", password.as_bytes()])?,
        }
    }
    let port = target.listening_port.to_string();
    wire.command(&[b"REPLCONF", b"listening-port", port.as_bytes()])?;
    if let Some(ip) = &target.announce_ip {
        wire.command(&[b"REPLCONF", b"ip-address", ip.as_bytes()])?;
    }
    wire.command(&[b"REPLCONF", b"capa", b"eof", b"capa", b"psync2"])?;
    if target.auth.is_some() {
        let reply = wire.line()?;
        if reply.starts_with(b"-") {
            return Err(Stop::Failed(format!(
                "Unable to AUTH to MASTER: {}",
                String::from_utf8_lossy(&reply)
            )));
        }
    }
    let replies = 2 + usize::from(target.announce_ip.is_some());
    for _ in 0..replies {
        // Errors here are not critical: an older master does not know the option.
        wire.line()?;
    }
    Ok(())
}

/// Reads the snapshot after `+FULLRESYNC`: `$<len>` and that many bytes, or `$EOF:`,
/// a 40-byte mark, the RDB and the mark again. Empty lines before it are keep-alives.
fn receive_snapshot(wire: &mut Wire<'_>) -> Result<Vec<u8>, Stop> {
    with_link(wire.engine, wire.generation, |link| {
        link.state = LinkState::Transfer;
        link.transfer = Some(Transfer {
            total: -1,
            read: 0,
            last_io_secs: now_secs(wire.engine),
        });
    })?;
    let timeout = wire.timeout;
    let header = loop {
        let line = wire.line()?;
        if !line.is_empty() {
            break line;
        }
    };
    let header = String::from_utf8_lossy(&header).into_owned();
    if header.starts_with('-') {
        return Err(Stop::Failed(format!(
            "MASTER aborted replication with an error: {header}"
        )));
    }
    let Some(size) = header.strip_prefix('$') else {
        return Err(Stop::Failed(format!(
            "Bad protocol from MASTER, the first byte is not '$' (we received '{header}'), \
             are you sure the host and port are right?"
        )));
    };
    let mark = size
        .strip_prefix("EOF:")
        .map(|mark| mark.as_bytes().to_vec());
    let total: Option<usize> = match &mark {
        Some(_) => None,
        None => Some(
            size.parse()
                .map_err(|_| Stop::Failed(format!("Bad protocol from MASTER: '{header}'")))?,
        ),
    };
    let announced = total.map_or(0, |n| n as i64);
    with_link(wire.engine, wire.generation, |link| {
        if let Some(transfer) = &mut link.transfer {
            transfer.total = announced;
        }
    })?;
    crate::log::notice(&match total {
        Some(n) => format!("MASTER <-> REPLICA sync: receiving {n} bytes from master to disk"),
        None => "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk"
            .to_string(),
    });
    loop {
        let done = match (&mark, total) {
            (_, Some(n)) => wire.input.len() >= n,
            (Some(mark), None) => wire.input.len() >= mark.len() && wire.input.ends_with(mark),
            (None, None) => unreachable!("a snapshot has a length or a mark"),
        };
        if done {
            break;
        }
        wire.fill(timeout)?;
        let read = wire.input.len() as u64;
        let now = now_secs(wire.engine);
        with_link(wire.engine, wire.generation, |link| {
            if let Some(transfer) = &mut link.transfer {
                transfer.read = read;
                transfer.last_io_secs = now;
            }
        })?;
    }
    let rdb = match (&mark, total) {
        (_, Some(n)) => wire.input.split_to(n).to_vec(),
        (Some(mark), None) => {
            let all = wire.input.split().to_vec();
            all[..all.len() - mark.len()].to_vec()
        }
        (None, None) => unreachable!("a snapshot has a length or a mark"),
    };
    Ok(rdb)
}

/// Replaces the dataset with the master's snapshot and takes its history (Redis's
/// `readSyncBulkPayload` after the transfer): this server's replicas must resync.
fn load_snapshot(
    generation: u64,
    master: &mut crate::Session,
    rdb: &[u8],
    replid: String,
    offset: u64,
) -> Result<(), Stop> {
    crate::log::notice("MASTER <-> REPLICA sync: Flushing old data");
    let id = master.id();
    let db = master.with_ctx(|ctx| {
        if ctx.keyspace.replication.link(generation).is_none() {
            return Err(Stop::Superseded);
        }
        disconnect_replicas(ctx.shared, ctx.keyspace);
        let mode = crate::persistence::LoadMode {
            flush: true,
            merge: false,
            keep_expired: false,
        };
        // The append-only file is stopped while the snapshot loads and started
        // again after, with a rewrite of the new dataset (`restartAOFAfterSYNC`).
        if ctx.keyspace.aof.state != crate::aof::AofState::Off {
            ctx.keyspace.stop_aof(ctx.now_ms);
        }
        crate::log::notice("MASTER <-> REPLICA sync: Loading DB in memory");
        let loaded = crate::command::persistence::load(ctx, rdb, mode);
        // Started again whether the load worked or not, as Redis does.
        if ctx.keyspace.aof.settings.enabled && !ctx.keyspace.start_aof(false, ctx.now_ms) {
            crate::log::warning("Failed enabling the AOF after successful master synchronization!");
        }
        loaded.map_err(|why| {
            Stop::Failed(format!(
                "Failed trying to load the MASTER synchronization DB from socket: {why}"
            ))
        })?;
        ctx.keyspace.replication.adopt_history(replid, offset);
        mark_connected(ctx.keyspace, generation, id, offset, ctx.now_ms / 1000);
        // The stream continues in the database the snapshot says it had selected
        // (a master's own stream selects again anyway; a replica's passes its
        // master's on).
        let db = crate::rdb::file::aux_field(rdb, b"repl-stream-db")
            .and_then(|value| std::str::from_utf8(&value).ok()?.parse::<usize>().ok())
            .filter(|&db| db < ctx.keyspace.db_count())
            .unwrap_or(0);
        if let Some(link) = ctx.keyspace.replication.link(generation) {
            link.master_db = db;
        }
        Ok(db)
    })?;
    master.become_master_client();
    master.select_db(db);
    crate::log::notice("MASTER <-> REPLICA sync: Finished with success");
    Ok(())
}

/// The link is up, with the master client `id` at `offset`.
fn mark_connected(
    keyspace: &mut crate::keyspace::Keyspace,
    generation: u64,
    id: u64,
    offset: u64,
    now_secs: u64,
) {
    if let Some(link) = keyspace.replication.link(generation) {
        link.state = LinkState::Connected;
        link.transfer = None;
        link.down_since_secs = 0;
        link.client = Some(MasterClient {
            id,
            read_offset: offset,
            applied_offset: offset,
            last_io_secs: now_secs,
        });
    }
    keyspace.refresh_expiry_hold();
}

/// Disconnects this server's own replicas, which must synchronize again (or learn a
/// new replication id).
pub(crate) fn disconnect_replicas(shared: &Shared, keyspace: &mut crate::keyspace::Keyspace) {
    let ids: Vec<u64> = keyspace
        .replication
        .replicas
        .iter()
        .map(|replica| replica.client_id)
        .collect();
    for id in ids {
        crate::session::disconnect_client(shared, keyspace, id);
    }
}

/// Applies the master's stream as the master client until the link ends: each
/// command's exact bytes then go to this server's replicas and backlog (a transaction's
/// at its EXEC, so a link lost inside one resumes before its MULTI), under the same
/// hold of the engine as the command itself ([`StreamApplier`]).
fn stream_from_master(
    wire: &mut Wire<'_>,
    master: &mut crate::Session,
) -> Result<std::convert::Infallible, Stop> {
    let mut decoder = kvdb_resp::RequestDecoder::new(kvdb_resp::Limits {
        max_bulk_len: crate::MAX_KEY_LEN,
        ..kvdb_resp::Limits::default()
    });
    decoder.set_authenticated(true);
    let mut argv = Vec::new();
    let engine = wire.engine;
    let generation = wire.generation;
    let mut applier = StreamApplier {
        generation,
        now_ms: 0,
        command: Bytes::new(),
        transaction: BytesMut::new(),
    };
    let mut last_ack = Instant::now();
    let mut last_io = Instant::now();
    send_ack(wire, engine, generation)?;
    loop {
        loop {
            // Only multibulk requests: Redis closes a master that sends anything else.
            if wire.input.first().is_some_and(|&byte| byte != b'*') {
                return Err(Stop::Failed(
                    "Receiving inline protocol from master, master stream corruption? \
                     Closing the master connection."
                        .into(),
                ));
            }
            match decoder.decode_into(&mut wire.input, &mut argv) {
                Ok(true) if !argv.is_empty() => {}
                Ok(true) => return Err(Stop::Failed("Empty request from MASTER".into())),
                Ok(false) => break,
                Err(error) => {
                    return Err(Stop::Failed(format!(
                        "Protocol error from MASTER: {error}, closing the link"
                    )))
                }
            }
            applier.command = stream_bytes(&argv);
            applier.now_ms = engine.shared().clock.now_ms();
            if is_getack(&argv) {
                // Answered with the offset before it, then counted like any command.
                send_ack(wire, engine, generation)?;
                let mut store = engine.shared().store.lock();
                if !applier.admit(&mut store.keyspace) {
                    return Err(Stop::Superseded);
                }
                applier.count(&mut store.keyspace, master.in_transaction());
            } else if !apply(master, &argv, &mut applier) {
                return Err(Stop::Superseded);
            }
            argv.clear();
            last_io = Instant::now();
        }
        if last_ack.elapsed() >= ACK_PERIOD {
            send_ack(wire, engine, generation)?;
            last_ack = Instant::now();
        }
        if master.is_killed() {
            return Err(Stop::Failed("Connection with master lost.".into()));
        }
        match wire.poll()? {
            Some(n) => {
                last_io = Instant::now();
                let now = now_secs(engine);
                with_link(engine, generation, |link| {
                    if let Some(client) = &mut link.client {
                        client.read_offset += n as u64;
                        client.last_io_secs = now;
                    }
                })?;
            }
            None if last_io.elapsed() >= wire.timeout => {
                return Err(Stop::Failed(
                    "MASTER timeout: no data nor PING received...".into(),
                ));
            }
            None => {}
        }
    }
}

/// Counts each command of the master's stream where it is applied: the link must
/// still be current for it to run, and its bytes join the applied offset and go on
/// to this server's replicas once no transaction is open.
struct StreamApplier {
    generation: u64,
    now_ms: u64,
    /// The command's stream bytes.
    command: Bytes,
    /// The bytes of a transaction under way, since its MULTI.
    transaction: BytesMut,
}

impl StreamApplier {
    fn count(&mut self, keyspace: &mut crate::keyspace::Keyspace, in_transaction: bool) {
        self.transaction.extend_from_slice(&self.command);
        if in_transaction {
            return;
        }
        let applied = self.transaction.split().freeze();
        let replication = &mut keyspace.replication;
        if let Some(client) = replication
            .link(self.generation)
            .and_then(|link| link.client.as_mut())
        {
            client.applied_offset += applied.len() as u64;
        }
        replication.feed_from_master(applied, self.now_ms);
    }
}

impl StreamStep for StreamApplier {
    fn admit(&mut self, keyspace: &mut crate::keyspace::Keyspace) -> bool {
        keyspace.replication.link(self.generation).is_some()
    }

    fn applied(
        &mut self,
        keyspace: &mut crate::keyspace::Keyspace,
        in_transaction: bool,
        db: usize,
    ) {
        if let Some(link) = keyspace.replication.link(self.generation) {
            link.master_db = db;
        }
        self.count(keyspace, in_transaction);
    }
}

/// The stream bytes of one decoded command. The decoder hands out arguments, not
/// bytes: they are encoded again, which for the multibulk form masters send (nothing
/// else is accepted from them) gives the same bytes, and so the master's offsets.
fn stream_bytes(argv: &[Bytes]) -> Bytes {
    let mut out = BytesMut::new();
    kvdb_resp::write::command(&mut out, argv);
    out.freeze()
}

fn is_getack(argv: &[Bytes]) -> bool {
    argv.len() >= 2
        && argv[0].eq_ignore_ascii_case(b"replconf")
        && argv[1].eq_ignore_ascii_case(b"getack")
}

/// Runs one command of the stream; false when the link was superseded first. An
/// error is counted and logged, as Redis logs the errors a replica would have sent
/// its master.
fn apply(master: &mut crate::Session, argv: &[Bytes], applier: &mut StreamApplier) -> bool {
    let Some(reply) = master.execute_from_master(argv, applier) else {
        return false;
    };
    if let Reply::Error(text) = reply {
        master
            .engine()
            .shared()
            .counters
            .unexpected_error_replies
            .fetch_add(1, Ordering::Relaxed);
        let name = String::from_utf8_lossy(&argv[0]);
        crate::log::warning(&format!(
            "== CRITICAL == This replica is sending an error to its master: '{}' after \
                 processing the command '{name}'",
            String::from_utf8_lossy(&text),
        ));
    }
    true
}

/// Sends `REPLCONF ACK <applied offset>`.
fn send_ack(wire: &mut Wire<'_>, engine: &Engine, generation: u64) -> Result<(), Stop> {
    let offset = with_link(engine, generation, |link| {
        link.client.map_or(0, |client| client.applied_offset)
    })?;
    wire.command(&[b"REPLCONF", b"ACK", offset.to_string().as_bytes()])
}

fn now_secs(engine: &Engine) -> u64 {
    engine.shared().clock.now_ms() / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_replicaof_starts_one_link_and_ends_the_last() {
        let mut replication = Replication::default();
        assert_eq!(replication.link_to_start(), None);
        replication.follow("127.0.0.1".into(), 6379);
        let first = replication.link_to_start().expect("a link to start");
        assert_eq!(replication.link_to_start(), None, "started once");
        replication.follow("127.0.0.1".into(), 6380);
        let second = replication.link_to_start().expect("the new master's link");
        assert_ne!(first, second);
        assert!(
            replication.link(first).is_none(),
            "the old link is superseded"
        );
        assert!(replication.link(second).is_some());
        replication.abandon_link();
        assert_eq!(
            replication.link_to_start(),
            None,
            "a stopped server restarts none"
        );
    }

    #[test]
    fn a_replica_propagates_nothing_of_its_own() {
        let mut replication = Replication::default();
        replication.adopt_history("a".repeat(40), 100);
        assert!(replication.is_active());
        replication.follow("127.0.0.1".into(), 6379);
        assert!(!replication.is_active());
        let all = crate::replication::TO_ALL;
        replication.also_propagate(0, vec![Bytes::from_static(b"ping")], all);
        replication.flush(false, 0, &mut crate::aof::Aof::default());
        assert_eq!(replication.offset, 100);
        replication.feed_from_master(Bytes::from_static(b"*1\r\n$4\r\nping\r\n"), 0);
        assert_eq!(replication.offset, 114, "the master's bytes count");
    }

    #[test]
    fn promotion_keeps_the_old_id_up_to_the_offset_reached() {
        let mut replication = Replication::default();
        replication.follow("127.0.0.1".into(), 6379);
        replication.adopt_history("a".repeat(40), 1000);
        replication.stop_following("b".repeat(40));
        assert!(!replication.is_replica());
        assert_eq!(replication.replid, "b".repeat(40));
        assert_eq!(replication.replid2, "a".repeat(40));
        assert_eq!(replication.second_replid_offset, 1001);
        assert!(replication.is_active(), "writes propagate again");
    }

    #[test]
    fn stale_only_while_the_link_is_down_and_stale_data_is_refused() {
        let mut replication = Replication::default();
        replication.follow("127.0.0.1".into(), 6379);
        assert!(!replication.is_stale(), "replica-serve-stale-data yes");
        replication.serve_stale_data = false;
        assert!(replication.is_stale());
        let generation = replication.link_to_start().expect("a link");
        if let Some(link) = replication.link(generation) {
            link.state = LinkState::Connected;
        }
        assert!(!replication.is_stale());
    }

    #[test]
    fn good_replicas_are_the_ones_within_the_lag() {
        let mut replication = Replication::default();
        replication.min_replicas = (1, 10);
        assert!(!replication.has_good_replicas(100));
        replication.replicas.push(crate::replication::Replica {
            client_id: 1,
            mailbox: Arc::default(),
            ip: "127.0.0.1".into(),
            listening_port: 0,
            ack_offset: 0,
            ack_secs: 95,
            pre_psync: false,
        });
        assert!(replication.has_good_replicas(100));
        assert!(!replication.has_good_replicas(106));
        replication.follow("127.0.0.1".into(), 6379);
        assert!(
            replication.has_good_replicas(106),
            "never refused on a replica"
        );
    }
}
