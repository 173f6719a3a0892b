//! MIGRATE: moving keys to another Redis-protocol server, as Redis 7.0's
//! `migrateCommand` does it.
//!
//! The keys go as `RESTORE key ttl payload [REPLACE]` commands (after `AUTH` and, when
//! the target's selected database differs, `SELECT`) written in one buffer; each
//! acknowledged key is then deleted here unless COPY was given. Like Redis, the whole
//! exchange is blocking, within the given timeout, while every other client waits.
//! Connections are cached per `host:port` (at most 64) and closed by the cron after
//! 10 idle seconds; a failed exchange on a cached connection is retried once on a
//! fresh one unless it timed out.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use bytes::Bytes;

use super::flags::*;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{is_keyword, parse_i64, Args};
use crate::error::CommandError;
use crate::notify;
use crate::reply::Reply;

/// Cached connections kept at most (Redis's `MIGRATE_SOCKET_CACHE_ITEMS`).
const CACHE_ITEMS: usize = 64;
/// Seconds a cached connection may stay unused (Redis's `MIGRATE_SOCKET_CACHE_TTL`).
const CACHE_TTL_SECS: u64 = 10;
/// Bytes written to the target per write call.
const WRITE_CHUNK: usize = 64 * 1024;
/// The longest reply line read (Redis reads into 1024-byte buffers).
const LINE_LIMIT: usize = 1024;

/// One cached connection to a MIGRATE target.
#[derive(Debug)]
struct CachedSocket {
    reader: BufReader<TcpStream>,
    /// The database last selected on it (`None`: unknown, SELECT again).
    last_db: Option<i64>,
    last_use_secs: u64,
}

/// MIGRATE's connections, by `host:port`.
#[derive(Debug, Default)]
pub struct MigrateSockets {
    sockets: HashMap<Vec<u8>, CachedSocket>,
}

impl Clone for MigrateSockets {
    /// A copy of a keyspace has no connections of its own.
    fn clone(&self) -> Self {
        MigrateSockets::default()
    }
}

impl MigrateSockets {
    /// How many connections are cached (`migrate_cached_sockets`).
    pub fn len(&self) -> usize {
        self.sockets.len()
    }

    /// True when none is cached.
    pub fn is_empty(&self) -> bool {
        self.sockets.is_empty()
    }

    /// Closes the connections unused for more than 10 seconds (the cron's
    /// `migrateCloseTimedoutSockets`).
    pub fn close_idle(&mut self, now_secs: u64) {
        self.sockets
            .retain(|_, socket| now_secs.saturating_sub(socket.last_use_secs) <= CACHE_TTL_SECS);
    }

    /// The cached connection to `name`, or a new one; Redis's IOERR when it cannot
    /// be made within `timeout`.
    fn get(
        &mut self,
        name: &[u8],
        host: &[u8],
        port: &[u8],
        timeout: Duration,
        now_secs: u64,
    ) -> Result<&mut CachedSocket, Failure> {
        if !self.sockets.contains_key(name) && self.sockets.len() == CACHE_ITEMS {
            // Too many: one goes, as Redis drops a random one.
            if let Some(victim) = self.sockets.keys().next().cloned() {
                self.sockets.remove(&victim);
            }
        }
        let socket = match self.sockets.entry(name.to_vec()) {
            Entry::Occupied(cached) => cached.into_mut(),
            Entry::Vacant(slot) => slot.insert(CachedSocket {
                reader: BufReader::new(connect(host, port, timeout)?),
                last_db: None,
                last_use_secs: now_secs,
            }),
        };
        socket.last_use_secs = now_secs;
        Ok(socket)
    }
}

/// A blocking connection to `host:port` within `timeout` (Redis's `atoi` port: what
/// is not a number is port 0, which no connection reaches). An address that cannot be
/// resolved is Redis's IOERR for connecting; a connection refused or timed out shows
/// up, as in Redis (whose connect only waits for the socket to be writable), as a
/// failure to write.
fn connect(host: &[u8], port: &[u8], timeout: Duration) -> Result<TcpStream, Failure> {
    let unreachable = || {
        Failure::Reply(CommandError::Other(
            "IOERR error or timeout connecting to the client".into(),
        ))
    };
    let host = std::str::from_utf8(host).map_err(|_| unreachable())?;
    let digits = port.iter().take_while(|b| b.is_ascii_digit()).count();
    let port = std::str::from_utf8(&port[..digits])
        .ok()
        .and_then(|digits| digits.parse::<u16>().ok())
        .unwrap_or(0);
    let address = (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addresses| addresses.next())
        .ok_or_else(unreachable)?;
    let stream =
        TcpStream::connect_timeout(&address, timeout).map_err(|error| Failure::Socket {
            writing: true,
            timed_out: is_timeout(&error),
        })?;
    // Without it every RESTORE would wait on Nagle; Redis sets it too.
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// MIGRATE's options.
struct Options<'a> {
    copy: bool,
    replace: bool,
    /// AUTH password, or AUTH2 user and password.
    auth: Option<(Option<&'a [u8]>, &'a [u8])>,
    /// The keys: argv from this index on (KEYS), or just argv[3].
    keys: Vec<Bytes>,
}

/// Parses the options after the timeout, redacting passwords as it meets them.
fn parse_options<'a>(ctx: &mut Ctx<'_>, argv: &'a [Bytes]) -> Result<Options<'a>, CommandError> {
    let mut options = Options {
        copy: false,
        replace: false,
        auth: None,
        keys: vec![argv[3].clone()],
    };
    let mut at = 6;
    while at < argv.len() {
        let more = argv.len() - 1 - at;
        let option = &argv[at];
        if is_keyword(option, "COPY") {
            options.copy = true;
        } else if is_keyword(option, "REPLACE") {
            options.replace = true;
        } else if is_keyword(option, "AUTH") {
            if more == 0 {
                return Err(CommandError::Syntax);
            }
            at += 1;
            ctx.redact(at);
            options.auth = Some((None, &argv[at]));
        } else if is_keyword(option, "AUTH2") {
            if more < 2 {
                return Err(CommandError::Syntax);
            }
            ctx.redact(at + 1);
            ctx.redact(at + 2);
            options.auth = Some((Some(&argv[at + 1]), &argv[at + 2]));
            at += 2;
        } else if is_keyword(option, "KEYS") {
            if !argv[3].is_empty() {
                return Err(CommandError::err(
                    "When using MIGRATE KEYS option, the key argument must be set to the empty string",
                ));
            }
            options.keys = argv[at + 1..].to_vec();
            break;
        } else {
            return Err(CommandError::Syntax);
        }
        at += 1;
    }
    Ok(options)
}

/// `MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password |
/// AUTH2 username password] [KEYS key...]`.
fn migrate(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let options = parse_options(ctx, argv)?;
    let timeout = parse_i64(&argv[5])?;
    let db = parse_i64(&argv[4])?;
    let timeout = Duration::from_millis(if timeout <= 0 { 1000 } else { timeout as u64 });
    // Only keys that are here go; none at all is NOKEY, not an error (they may
    // just have expired).
    let mut keys: Vec<Bytes> = Vec::new();
    for key in &options.keys {
        if ctx.read(key).is_some() {
            keys.push(key.clone());
        }
    }
    if keys.is_empty() {
        return Ok(Reply::status("NOKEY"));
    }
    let (host, port) = (&argv[1], &argv[2]);
    let mut name = host.to_vec();
    name.push(b':');
    name.extend_from_slice(port);
    let mut may_retry = true;
    loop {
        match exchange(ctx, &options, &keys, &name, (host, port), db, timeout) {
            Ok(reply) => return Ok(reply),
            Err(Failure::Reply(error)) => return Err(error),
            Err(Failure::Socket { writing, timed_out }) => {
                ctx.keyspace.migrate_sockets.sockets.remove(&name);
                if may_retry && !timed_out {
                    may_retry = false;
                    continue;
                }
                let what = if writing { "writing" } else { "reading" };
                return Err(CommandError::Other(
                    format!("IOERR error or timeout {what} to target instance").into(),
                ));
            }
        }
    }
}

/// Why an exchange with the target ended without a reply of its own.
enum Failure {
    /// The answer to give the client (IOERR connecting, the target's error...).
    Reply(CommandError),
    /// The connection failed before anything was acknowledged: retried once.
    Socket { writing: bool, timed_out: bool },
}

/// One attempt: writes the AUTH, SELECT and RESTORE commands for `keys`, reads the
/// replies, deletes the acknowledged keys (without COPY) and answers OK or the
/// target's first error.
fn exchange(
    ctx: &mut Ctx<'_>,
    options: &Options<'_>,
    keys: &[Bytes],
    name: &[u8],
    (host, port): (&[u8], &[u8]),
    db: i64,
    timeout: Duration,
) -> Result<Reply, Failure> {
    let now_secs = ctx.now_ms / 1000;
    let now_ms = ctx.now_ms;
    let settings = ctx.rdb_settings();
    // The payloads first: the keys' values and remaining TTLs, before any I/O.
    let client_db = ctx.client.db;
    let mut restores = Vec::new();
    for key in keys {
        let Some(entry) = ctx.keyspace.db(client_db).entry_raw(key) else {
            continue;
        };
        let ttl = match entry.expire_at() {
            Some(at) if at < now_ms => continue,
            Some(at) => (at - now_ms).max(1),
            None => 0,
        };
        let payload = crate::rdb::dump::dump(&entry.value, settings);
        restores.push((key.clone(), ttl, payload));
    }
    let socket = ctx
        .keyspace
        .migrate_sockets
        .get(name, host, port, timeout, now_secs)?;
    let select = socket.last_db != Some(db);
    let mut out = bytes::BytesMut::new();
    if let Some((user, password)) = options.auth {
        let mut argv: Vec<&[u8]> = vec![b"AUTH"];
        argv.extend(user);
        argv.push(password);
        kvdb_resp::write::command(&mut out, &argv);
    }
    if select {
        kvdb_resp::write::command(&mut out, &[b"SELECT", db.to_string().as_bytes()]);
    }
    for (key, ttl, payload) in &restores {
        let ttl = ttl.to_string();
        let mut argv: Vec<&[u8]> = vec![b"RESTORE", key, ttl.as_bytes(), payload];
        if options.replace {
            argv.push(b"REPLACE");
        }
        kvdb_resp::write::command(&mut out, &argv);
    }
    let stream = socket.reader.get_mut();
    let timeouts = stream
        .set_write_timeout(Some(timeout))
        .and_then(|()| stream.set_read_timeout(Some(timeout)));
    let written = timeouts.and_then(|()| {
        out.chunks(WRITE_CHUNK)
            .try_for_each(|chunk| stream.write_all(chunk))
    });
    if let Err(error) = written {
        return Err(Failure::Socket {
            writing: true,
            timed_out: is_timeout(&error),
        });
    }
    let read_fail = |error: io::Error| Failure::Socket {
        writing: false,
        timed_out: is_timeout(&error),
    };
    let auth_reply = match options.auth {
        Some(_) => Some(read_line(&mut socket.reader).map_err(read_fail)?),
        None => None,
    };
    let select_reply = match select {
        true => Some(read_line(&mut socket.reader).map_err(read_fail)?),
        false => None,
    };
    let mut target_error = None;
    let mut acknowledged = Vec::new();
    let mut socket_error = None;
    for (index, (key, _, _)) in restores.iter().enumerate() {
        let reply = match read_line(&mut socket.reader) {
            Ok(reply) => reply,
            Err(error) => {
                socket_error = Some((index, error));
                break;
            }
        };
        let failed = [
            auth_reply.as_deref(),
            select_reply.as_deref(),
            Some(&reply[..]),
        ]
        .into_iter()
        .flatten()
        .find(|line| line.first() == Some(&b'-'));
        match failed {
            Some(line) => {
                if target_error.is_none() {
                    socket.last_db = None;
                    target_error = Some(CommandError::err(format!(
                        "Target instance replied with error: {}",
                        String::from_utf8_lossy(&line[1..])
                    )));
                }
            }
            None => acknowledged.push(key.clone()),
        }
    }
    // Nothing processed yet: a fresh connection may do better (unless it timed out).
    if let Some((0, error)) = &socket_error {
        if target_error.is_none() {
            return Err(Failure::Socket {
                writing: false,
                timed_out: is_timeout(error),
            });
        }
    }
    if socket_error.is_some() {
        ctx.keyspace.migrate_sockets.sockets.remove(name);
    } else if target_error.is_none() {
        socket.last_db = Some(db);
    }
    if !options.copy && !acknowledged.is_empty() {
        for key in &acknowledged {
            let (store, _, _) = ctx.keyspace.db_mut(client_db);
            store.delete(key);
            ctx.signal_modified_key(key);
            ctx.notify(notify::GENERIC, "del", key);
            ctx.keyspace.persistence.dirty += 1;
        }
        // Replicas see the keys that went as one DEL.
        if ctx.propagating() {
            let mut del = vec![Bytes::from_static(b"DEL")];
            del.extend(acknowledged);
            ctx.propagate_as(del);
        }
    }
    if let Some(error) = target_error {
        return Err(Failure::Reply(error));
    }
    if socket_error.is_some() {
        // Some keys went: the client is told, without another try.
        return Err(Failure::Reply(CommandError::Other(
            "IOERR error or timeout reading to target instance".into(),
        )));
    }
    Ok(Reply::Ok)
}

/// Whether an I/O error is a timeout (Redis does not retry after one).
fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// One reply line without its CRLF, at most [`LINE_LIMIT`] bytes kept (Redis's
/// `connSyncReadLine`); an empty read is an error.
fn read_line(reader: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let mut line = Vec::new();
    let read = reader.read_until(b'\n', &mut line)?;
    if read == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    line.truncate(LINE_LIMIT - 1);
    Ok(line)
}

/// MIGRATE's registration.
pub(crate) const COMMANDS: &[CommandSpec] = &[spec!(
    "migrate",
    -6,
    WRITE | MOVABLE_KEYS,
    (3, 3, 1),
    acl::KEYSPACE | acl::DANGEROUS,
    migrate
)];
