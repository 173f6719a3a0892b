//! One client connection: read, decode every complete request, run the batch under one
//! lock, write the replies with one write.
//!
//! A protocol error answers Redis's `-ERR Protocol error: ...` after the replies of the
//! requests before it, then closes. Until a client has authenticated, requests run one
//! at a time, because Redis applies stricter size limits to unauthenticated clients and
//! an AUTH in the middle of a pipeline lifts them for what follows.
//!
//! Between batches a connection may move to another runtime (see `workers`): it then
//! returns its socket, session and buffers, to be served on as if nothing happened.

use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use kvdb_engine::log;
use kvdb_engine::pubsub::MailArrived;
use kvdb_engine::session::PauseWait;
use kvdb_engine::Session;
use kvdb_resp::{Limits, RequestDecoder};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::flush::{self, ClosesDeferred, Deferral, DeferredReplies, Stalled};
use super::workers::Home;

/// Initial capacity of a connection's read and write buffers.
const BUFFER_SIZE: usize = 16 * 1024;
/// Most free space a read is offered. A read that fills what it was offered doubles
/// the offer for the next, up to this, as Redis's greedy query buffer grows: a pipeline
/// a little bigger than the buffer (16 SETs of 1 KiB) then arrives in one read and is
/// answered with one write, not two of each.
const MAX_READ_SIZE: usize = 2 * BUFFER_SIZE;

/// What a connection keeps between batches besides its socket and session: its
/// decoder, buffers and their sizes, and the limits read when it connected. All of it
/// moves with the connection when it changes runtime.
pub(crate) struct Carried {
    decoder: RequestDecoder,
    input: BytesMut,
    output: BytesMut,
    /// Request vectors are kept across batches (their Bytes dropped, their capacity
    /// reused), so decoding allocates nothing per request.
    batch: Vec<Vec<Bytes>>,
    /// The client's `timeout` when it connected.
    idle_timeout: Option<Duration>,
    /// `client-query-buffer-limit` when it connected.
    query_limit: usize,
    /// Free space the next read is offered (see [`MAX_READ_SIZE`]).
    read_size: usize,
    /// The reply buffer's size, as the clients cron sets it (Redis's
    /// `buf_usable_size`): a batch's replies may grow the buffer past it for a while.
    reply_size: usize,
    /// Set when the clients cron took the read buffer back: the next read gets only
    /// what it needs, until a request comes.
    trimmed: bool,
}

impl Carried {
    /// A new connection's state, under the limits `session`'s configuration sets now.
    pub(crate) fn new(session: &mut Session) -> Carried {
        let (limits, idle_timeout, query_limit) = {
            let config = session.engine().shared().config.read();
            let limits = Limits {
                // Keys and members are stored with 32-bit lengths.
                max_bulk_len: (config.proto_max_bulk_len() as usize).min(kvdb_engine::MAX_KEY_LEN),
                ..Limits::default()
            };
            let timeout = config.timeout_secs();
            let idle = (timeout > 0).then(|| Duration::from_secs(timeout));
            (limits, idle, config.client_query_buffer_limit() as usize)
        };
        let carried = Carried {
            decoder: RequestDecoder::new(limits),
            input: BytesMut::with_capacity(BUFFER_SIZE),
            output: BytesMut::with_capacity(BUFFER_SIZE),
            batch: Vec::new(),
            idle_timeout,
            query_limit,
            read_size: BUFFER_SIZE,
            reply_size: BUFFER_SIZE,
            trimmed: false,
        };
        session.note_buffers(carried.input.capacity(), carried.output.capacity());
        carried
    }
}

/// A connection on its way to another runtime: detached from this one's I/O driver,
/// with everything it keeps between batches.
pub(crate) struct Moving {
    socket: Socket,
    /// The client's session.
    pub(crate) session: Session,
    carried: Carried,
}

/// A client's socket, detached from any runtime.
pub(crate) enum Socket {
    Tcp(std::net::TcpStream),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
}

/// A socket that can leave the runtime it is registered with.
pub(crate) trait Detach: AsyncRead + AsyncWrite + AsRawFd + Unpin {
    /// The socket, deregistered from this runtime's I/O driver.
    fn detach(self) -> std::io::Result<Socket>;
}

impl Detach for tokio::net::TcpStream {
    fn detach(self) -> std::io::Result<Socket> {
        self.into_std().map(Socket::Tcp)
    }
}

#[cfg(unix)]
impl Detach for tokio::net::UnixStream {
    fn detach(self) -> std::io::Result<Socket> {
        self.into_std().map(Socket::Unix)
    }
}

impl Moving {
    /// Serves the connection on the runtime this runs on, as [`serve_connection`].
    pub(crate) async fn resume(self, home: Home) -> Option<Moving> {
        let Moving {
            socket,
            session,
            carried,
        } = self;
        match socket {
            Socket::Tcp(stream) => {
                let stream = moved(tokio::net::TcpStream::from_std(stream))?;
                serve_connection(stream, session, carried, home).await
            }
            #[cfg(unix)]
            Socket::Unix(stream) => {
                let stream = moved(tokio::net::UnixStream::from_std(stream))?;
                serve_connection(stream, session, carried, home).await
            }
        }
    }
}

/// What a step of moving a client between runtimes gave, or `None` (the client is
/// closed) with the reason logged: the socket could not leave or join an I/O driver.
fn moved<T>(step: std::io::Result<T>) -> Option<T> {
    step.inspect_err(|error| {
        log::warning(&format!(
            "closing a client that could not change worker thread: {error}"
        ));
    })
    .ok()
}

/// Serves one client until it disconnects, asks to close, or breaks the protocol
/// (then `None`), or until it belongs on another runtime than `home` (then it answers
/// the connection, to be [resumed](Moving::resume) there).
pub(crate) async fn serve_connection<S: Detach>(
    mut stream: S,
    mut session: Session,
    mut carried: Carried,
    home: Home,
) -> Option<Moving> {
    let deferred = Arc::new(DeferredReplies::new(stream.as_raw_fd()));
    let closes = ClosesDeferred(deferred.clone());
    let ended = serve(
        &mut stream,
        &mut session,
        &mut carried,
        &home,
        Some(&deferred),
    )
    .await;
    match ended {
        Ended::Closed => {
            // Replies the worker has not written yet get what room the socket has,
            // as a last word; the connection does not wait to say more.
            deferred.write();
            drop(closes);
            None
        }
        Ended::Leaving => {
            // The worker here writes nothing more for it; what it has not written
            // goes out before the connection leaves.
            let mut unwritten = BytesMut::new();
            deferred.take_back(&mut unwritten);
            drop(closes);
            if stream.write_all(&unwritten).await.is_err() {
                return None;
            }
            let socket = moved(stream.detach())?;
            Some(Moving {
                socket,
                session,
                carried,
            })
        }
    }
}

/// Why [`serve`] returned.
enum Ended {
    /// The connection is over.
    Closed,
    /// The client belongs on another runtime now; nothing of it is half done.
    Leaving,
}

/// Serves the connection (see [`serve_connection`]); with `deferred`, the worker
/// writes its replies ([`flush::defer_replies`]).
async fn serve<S>(
    stream: &mut S,
    session: &mut Session,
    carried: &mut Carried,
    home: &Home,
    deferred: Option<&Arc<DeferredReplies>>,
) -> Ended
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Carried {
        decoder,
        input,
        output,
        batch,
        idle_timeout,
        query_limit,
        read_size,
        reply_size,
        trimmed,
    } = carried;
    let (idle_timeout, query_limit) = (*idle_timeout, *query_limit);
    let mut queued = 0;
    // Set when a batch waited (a blocked or paused command) while the client kept
    // sending: what arrived meanwhile is already in `input`, to run before reading more.
    let mut buffered = false;
    // One future each for the connection's life, polled by reference in every wait
    // (both are ready whenever their flag is set, so they can be polled again).
    let mut killed = session.killed();
    let mut mailbox_offered = session.mailbox_offered();
    let mut resize_requested = session.resize_requested();
    loop {
        if !buffered {
            if home.should_leave(session.id()) {
                return Ended::Leaving;
            }
            if !*trimmed {
                // Reclaims the whole allocation once the requests split off it are
                // gone: its size is what CLIENT LIST shows as the query buffer.
                input.reserve(*read_size);
                session.note_buffers(input.capacity(), *reply_size);
            }
            let offered = input.capacity() - input.len();
            // Subscribers and MONITOR clients are never closed for idling (as in Redis).
            let idle = idle_timeout.filter(|_| !session.exempt_from_timeout());
            let event = match session.mailbox() {
                // A client with a mailbox (a subscriber, a tracking client, a tracking
                // redirection target) waits for its socket and its mailbox at once.
                // Biased: the socket first, the switches only when it has nothing.
                Some(mailbox) => tokio::select! {
                    biased;
                    read = read_within(stream, input, idle) => Event::Read(read),
                    _ = MailArrived(mailbox) => Event::Mail,
                    _ = &mut killed => return Ended::Closed, // CLIENT KILL
                    _ = &mut resize_requested => Event::Resize,
                    _ = Stalled(deferred.map(|d| &**d)) => Event::Stalled,
                },
                None => tokio::select! {
                    biased;
                    read = read_within(stream, input, idle) => Event::Read(read),
                    // Another client made this one its tracking redirection target.
                    _ = &mut mailbox_offered => Event::Mail,
                    _ = &mut killed => return Ended::Closed,
                    _ = &mut resize_requested => Event::Resize,
                    _ = Stalled(deferred.map(|d| &**d)) => Event::Stalled,
                },
            };
            let read = match event {
                Event::Read(Some(read)) => read,
                Event::Read(None) => return Ended::Closed, // idle past `timeout`: Redis closes silently
                Event::Resize => {
                    if let Some(resize) = session.take_resize() {
                        if let Some(room) = resize.query {
                            trim_query_buffer(input, room);
                            *trimmed = true;
                        }
                        if let Some(size) = resize.reply {
                            // Nothing waits in it between batches.
                            *output = BytesMut::with_capacity(size);
                            *reply_size = size;
                        }
                        session.note_buffers(input.capacity(), *reply_size);
                    }
                    continue;
                }
                // Published messages, or replies the worker could not write all of:
                // the connection writes them itself, waiting for the socket as long
                // as it takes.
                writing @ (Event::Mail | Event::Stalled) => {
                    if matches!(writing, Event::Mail) {
                        if session
                            .mailbox()
                            .is_some_and(|mailbox| mailbox.overflowed())
                        {
                            return Ended::Closed; // a subscriber past its output buffer limit is dropped
                        }
                        gather_messages(session).await;
                    }
                    let counted = take_back(deferred, output);
                    session.deliver_messages(output);
                    if write_out(stream, session, output, *reply_size, counted)
                        .await
                        .is_err()
                    {
                        return Ended::Closed;
                    }
                    give_back_buffers(session, output, *reply_size);
                    continue;
                }
            };
            match read {
                Ok(0) => {
                    if log::enabled(log::Level::Verbose) {
                        let client = session.describe();
                        log::log(
                            log::Level::Verbose,
                            format_args!("Client closed connection {client}"),
                        );
                    }
                    return Ended::Closed;
                }
                Err(error) => {
                    log::log(
                        log::Level::Verbose,
                        format_args!("Reading from client: {error}"),
                    );
                    return Ended::Closed;
                }
                Ok(n) => {
                    *trimmed = false;
                    if n == offered {
                        *read_size = (*read_size * 2).min(MAX_READ_SIZE);
                    }
                    count_input(session, n);
                    session.note_query_len(input.len());
                }
            }
        }
        buffered = false;
        // Set when a command of the batch waited: its reply is written here, so that
        // what it popped goes back if the client leaves first.
        let mut waited = false;
        let mut protocol_error = None;
        loop {
            decoder.set_authenticated(!session.needs_auth());
            if queued == batch.len() {
                batch.push(Vec::new());
            }
            match decoder.decode_into(input, &mut batch[queued]) {
                Ok(true) => {
                    queued += 1;
                    if session.needs_auth() {
                        let io = Io {
                            stream: &mut *stream,
                            input: &mut *input,
                            output: &mut *output,
                            deferred,
                        };
                        match run_batch(io, session, batch, &mut queued).await {
                            Ok(batch_waited) => waited |= batch_waited,
                            Err(Disconnected) => return Ended::Closed,
                        }
                        if session.should_close() {
                            break;
                        }
                    }
                }
                Ok(false) => break,
                Err(error) => {
                    protocol_error = Some(error);
                    break;
                }
            }
        }
        let scripts = batch[..queued]
            .iter()
            .any(|argv| kvdb_engine::command::runs_script(&argv[0]));
        let heavy = queued > 1 && scripts;
        if queued > 0 {
            if heavy {
                // A pipeline of scripts holds the engine long: while the other worker
                // has it, this one serves its other sockets instead of parking.
                for _ in 0..LOCK_YIELDS {
                    if !session.engine().shared().store.is_locked() {
                        break;
                    }
                    tokio::task::yield_now().await;
                }
            }
            let io = Io {
                stream: &mut *stream,
                input: &mut *input,
                output: &mut *output,
                deferred,
            };
            match run_batch(io, session, batch, &mut queued).await {
                Ok(batch_waited) => waited |= batch_waited,
                Err(Disconnected) => return Ended::Closed,
            }
        }
        buffered |= waited;
        if let Some(error) = &protocol_error {
            kvdb_resp::write::error(output, format!("ERR {error}").as_bytes());
        }
        session.deliver_messages(output);
        let closing = protocol_error.is_some() || session.should_close() || session.is_killed();
        let deferrable = !closing && !waited && session.mailbox().is_none();
        match deferred {
            Some(deferred) if deferrable && !output.is_empty() => {
                // The worker writes the replies when it runs out of work, with those
                // of every other connection it serves now (see `flush`).
                count_output(session, output.len(), *reply_size, 1);
                let deferral = flush::defer_replies(deferred, output);
                if deferral == Deferral::WaitForTurn {
                    // Its replies of this turn are written first, by the worker.
                    flush::worker_idle().await;
                }
                if deferral != Deferral::Deferred {
                    deferred.take_back(output);
                    if write_replies(stream, session, output).await.is_err() {
                        return Ended::Closed;
                    }
                }
            }
            _ => {
                if !output.is_empty() {
                    // Replies not left to the worker (a subscriber's, a closing
                    // client's, a blocked command's) wait for the end of the turn all
                    // the same, and take the messages published meanwhile along.
                    flush::worker_idle().await;
                    session.deliver_messages(output);
                }
                // After the wait the worker has written what this connection left it,
                // but for what its socket would not take.
                let counted = take_back(deferred, output);
                if write_out(stream, session, output, *reply_size, counted)
                    .await
                    .is_err()
                {
                    return Ended::Closed;
                }
            }
        }
        if closing {
            let _ = stream.shutdown().await;
            return Ended::Closed;
        }
        if input.len() > query_limit {
            return Ended::Closed; // Redis closes clients whose query buffer passes the limit
        }
        buffered &= !input.is_empty();
        give_back_buffers(session, output, *reply_size);
    }
}

/// Most turns of its worker a subscriber's messages wait for while publishers keep
/// coming (see [`gather_messages`]).
const MESSAGE_TURNS: usize = 4;
/// A subscriber with this much waiting is written to at the end of the turn.
const MESSAGE_BATCH_BYTES: u64 = 64 * 1024;

/// Waits while the messages for a subscriber pile up, so that one write carries
/// many. Redis writes a client's messages when its event loop is about to sleep, once
/// a turn; here they wait for the end of the turn too ([`flush`]), then for as many
/// as [`MESSAGE_TURNS`] turns while each brings more. Each further turn starts with a
/// poll of the sockets that does not wait, so a turn that finds nothing ends at once
/// and no message waits for I/O that may never come; a subscriber of a busy channel
/// is written to (and its reader woken) a few times less often than in Redis, for a
/// few turns' delay. [`MESSAGE_BATCH_BYTES`] waiting also ends the wait.
async fn gather_messages(session: &Session) {
    flush::worker_idle().await;
    let Some(mailbox) = session.mailbox() else {
        return;
    };
    for _ in 1..MESSAGE_TURNS {
        if mailbox.pending_bytes() >= MESSAGE_BATCH_BYTES {
            return;
        }
        let queued = mailbox.queued();
        // Another turn: the worker polls its sockets without waiting (a yielded
        // task runs after that poll), then runs whatever it found, publishers
        // included, before the turn ends.
        tokio::task::yield_now().await;
        flush::worker_idle().await;
        if mailbox.queued() == queued {
            return;
        }
    }
}

/// Puts the replies the worker has not written yet (if any) in front of `output`, for
/// the connection to write itself; answers how many bytes that was.
fn take_back(deferred: Option<&Arc<DeferredReplies>>, output: &mut BytesMut) -> usize {
    deferred.map_or(0, |deferred| deferred.take_back(output))
}

/// Once everything is written: an output buffer that grew past what a pipelined
/// client needs goes back to the reply buffer's size `reply_size`, as Redis frees its
/// reply blocks once written, and the messages written stop counting as in use.
/// `output` is kept up to twice that, which 16 replies of 1 KiB need. The sizes
/// themselves are the clients cron's ([`trim_query_buffer`]), as in Redis.
fn give_back_buffers(session: &mut Session, output: &mut BytesMut, reply_size: usize) {
    if output.capacity() > 2 * reply_size.max(BUFFER_SIZE) {
        *output = BytesMut::with_capacity(reply_size);
    }
    session.messages_written();
}

/// Shrinks the query buffer to `room` bytes (but never below what it holds), as the
/// clients cron asked: all of it for an idle client, down to its recent peak for one
/// whose buffer grew for a big request.
fn trim_query_buffer(input: &mut BytesMut, room: usize) {
    let room = room.max(input.len());
    if room < input.capacity() {
        let mut trimmed = BytesMut::with_capacity(room);
        trimmed.extend_from_slice(input);
        *input = trimmed;
    }
}

/// How many times a pipeline of scripts waits for the engine by yielding.
const LOCK_YIELDS: usize = 16;

/// How often a request waiting for a busy script tries again.
const BUSY_RETRY: Duration = Duration::from_millis(2);

/// Request vectors kept for reuse after a batch; a deeper pipeline allocates the rest.
const KEPT_REQUESTS: usize = 1024;
/// Largest argv capacity kept for reuse (a huge MSET's vector is freed).
const KEPT_ARGV_CAPACITY: usize = 64;

/// Reads from `stream` into `input`, giving up after `limit` (then `None`).
async fn read_within<S>(
    stream: &mut S,
    input: &mut BytesMut,
    limit: Option<Duration>,
) -> Option<std::io::Result<usize>>
where
    S: AsyncRead + Unpin,
{
    match limit {
        Some(limit) => tokio::time::timeout(limit, stream.read_buf(input))
            .await
            .ok(),
        None => Some(stream.read_buf(input).await),
    }
}

/// What woke a connection up.
enum Event {
    /// The socket was read (or failed), or nothing came within the idle timeout.
    Read(Option<std::io::Result<usize>>),
    /// Published messages arrived for this subscriber.
    Mail,
    /// The clients cron asked the connection to resize its buffers.
    Resize,
    /// The worker could not write all the replies it was left.
    Stalled,
}

/// How often a write to a subscriber checks whether its mailbox overflowed meanwhile.
const OVERFLOW_CHECK: Duration = Duration::from_millis(100);

/// Writes `output` (if any) and counts it, but for its first `counted` bytes (replies
/// counted when they were deferred), and how much of the reply buffer (of
/// `reply_size`) it filled. A subscriber whose mailbox overflows while the write waits
/// on a slow reader is dropped without finishing it.
async fn write_out<S>(
    stream: &mut S,
    session: &mut Session,
    output: &mut BytesMut,
    reply_size: usize,
    counted: usize,
) -> Result<(), Disconnected>
where
    S: AsyncWrite + Unpin,
{
    if output.is_empty() {
        return Ok(());
    }
    // A write of deferred replies alone was counted when they were deferred.
    let new = output.len() - counted;
    count_output(session, new, reply_size, u64::from(new > 0));
    write_replies(stream, session, output).await
}

/// Counts `len` bytes of replies, about to be written, in INFO's
/// `total_net_output_bytes` (or the replication figure) and `writes` writes in
/// `total_writes_processed`, and how much of the reply buffer (of `reply_size`)
/// they filled.
fn count_output(session: &Session, len: usize, reply_size: usize, writes: u64) {
    session.note_reply_len(len.min(reply_size));
    let counters = &session.engine().shared().counters;
    let counter = match session.is_replica() {
        true => &counters.net_repl_output_bytes,
        false => &counters.net_output_bytes,
    };
    counter.fetch_add(len as u64, std::sync::atomic::Ordering::Relaxed);
    counters
        .writes_processed
        .fetch_add(writes, std::sync::atomic::Ordering::Relaxed);
}

/// Writes `output`, counted already, and empties it (see [`write_out`]).
async fn write_replies<S>(
    stream: &mut S,
    session: &mut Session,
    output: &mut BytesMut,
) -> Result<(), Disconnected>
where
    S: AsyncWrite + Unpin,
{
    let written = match session.mailbox() {
        None => stream.write_all(output).await,
        Some(mailbox) => {
            let overflow = async {
                while !mailbox.overflowed() {
                    tokio::time::sleep(OVERFLOW_CHECK).await;
                }
            };
            tokio::select! {
                // The write first: one that finishes at once sets no timer.
                biased;
                written = stream.write_all(output) => written,
                _ = overflow => return Err(Disconnected),
            }
        }
    };
    if written.is_err() {
        return Err(Disconnected);
    }
    session.reply_delivered();
    output.clear();
    Ok(())
}

/// The connection's socket and buffers, lent to a batch that may have to wait.
struct Io<'a, S> {
    stream: &'a mut S,
    input: &'a mut BytesMut,
    output: &'a mut BytesMut,
    /// Replies of earlier batches the worker has not written yet.
    deferred: Option<&'a Arc<DeferredReplies>>,
}

/// The client went away while a command was blocked.
struct Disconnected;

/// Runs the first `queued` requests of `batch`, then empties them for reuse. A
/// blocking command that has to wait holds up the requests after it, as in Redis:
/// the replies so far are written, the reply is awaited, then the rest run. A command
/// CLIENT PAUSE holds back, one with an injected delay, or one that must wait for a
/// busy script, waits the same way, then runs with the rest. Answers whether it waited (the client may have sent more
/// meanwhile).
async fn run_batch<S>(
    io: Io<'_, S>,
    session: &mut Session,
    batch: &mut Vec<Vec<Bytes>>,
    queued: &mut usize,
) -> Result<bool, Disconnected>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut start = 0;
    let mut waited = false;
    while start < *queued {
        start += session.execute_batch(&batch[start..*queued], io.output);
        // A request that waits for a busy script waits as an injected delay does.
        let delay = match session.take_busy_wait() {
            true => Some(BUSY_RETRY),
            false => session.take_fault_delay(),
        };
        let paused = session.pause_wait();
        let waits = delay.is_some() || paused.is_some() || session.block_wait().is_some();
        if session.should_close() || !waits {
            break;
        }
        // What reached the client meanwhile (broadcast invalidations at the end of the
        // batch) goes out with the replies so far, before the wait.
        take_back(io.deferred, io.output);
        session.deliver_messages(io.output);
        if !io.output.is_empty() {
            if io.stream.write_all(io.output).await.is_err() {
                return Err(Disconnected);
            }
            io.output.clear();
        }
        waited = true;
        if let Some(delay) = delay {
            // Only this client waits; its runtime thread serves the others.
            tokio::time::sleep(delay).await;
            continue;
        }
        if let Some(wait) = paused {
            await_resume(io.stream, session, io.input, wait).await?;
            continue;
        }
        let reply = await_unblock(io.stream, session, io.input).await?;
        reply.encode(session.protocol(), io.output);
    }
    batch.truncate(KEPT_REQUESTS);
    for argv in batch.iter_mut().take(*queued) {
        if argv.capacity() > KEPT_ARGV_CAPACITY {
            *argv = Vec::new();
        } else {
            argv.clear();
        }
    }
    *queued = 0;
    Ok(waited)
}

/// Waits for the blocked command's reply or its deadline, keeping whatever the client
/// sends meanwhile for later; a client that disconnects ends the wait (its session,
/// dropped, gives back anything popped for it).
async fn await_unblock<S>(
    stream: &mut S,
    session: &mut Session,
    input: &mut BytesMut,
) -> Result<kvdb_engine::Reply, Disconnected>
where
    S: AsyncRead + Unpin,
{
    loop {
        if let Some(reply) = session.finish_block() {
            return Ok(reply);
        }
        let Some((filled, remaining)) = session.block_wait() else {
            return Err(Disconnected);
        };
        let deadline = sleep_or_forever(remaining);
        let killed = session.killed();
        tokio::select! {
            _ = filled => {}
            _ = deadline => {}
            _ = killed => return Err(Disconnected),
            read = stream.read_buf(input) => match read {
                Ok(0) | Err(_) => return Err(Disconnected),
                Ok(n) => count_input(session, n),
            },
        }
    }
}

/// Waits until the pause that holds the client's next command moves on (lifted, or
/// the clients resumed before this one have run) or reaches its end, keeping whatever
/// the client sends meanwhile for later.
async fn await_resume<S>(
    stream: &mut S,
    session: &Session,
    input: &mut BytesMut,
    (changed, remaining): PauseWait,
) -> Result<(), Disconnected>
where
    S: AsyncRead + Unpin,
{
    let end = sleep_or_forever(remaining);
    let killed = session.killed();
    tokio::select! {
        _ = changed => Ok(()),
        _ = end => Ok(()),
        _ = killed => Err(Disconnected),
        read = stream.read_buf(input) => match read {
            Ok(0) | Err(_) => Err(Disconnected),
            Ok(n) => {
                count_input(session, n);
                Ok(())
            }
        },
    }
}

/// Counts `n` bytes read from the client in INFO's `total_net_input_bytes`, and the
/// read in `total_reads_processed`: every read, including those made while a command
/// waits.
fn count_input(session: &Session, n: usize) {
    let counters = &session.engine().shared().counters;
    counters
        .net_input_bytes
        .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
    counters
        .reads_processed
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Sleeps for `wait`, or forever when there is no limit.
async fn sleep_or_forever(wait: Option<Duration>) {
    match wait {
        Some(wait) => tokio::time::sleep(wait).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use kvdb_engine::Engine;
    use tokio::io::ReadBuf;

    use super::*;

    /// A client that sends each batch of requests whole once the replies to the one
    /// before have all arrived, counting the reads and writes the server makes.
    struct PipeliningClient {
        batches: VecDeque<Vec<u8>>,
        unread: Vec<u8>,
        replies_per_batch: usize,
        batches_sent: usize,
        received: Vec<u8>,
        data_reads: usize,
        writes: usize,
    }

    impl PipeliningClient {
        fn replies(&self) -> usize {
            self.received.windows(5).filter(|w| w == b"+OK\r\n").count()
        }
    }

    impl AsyncRead for PipeliningClient {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            if self.unread.is_empty() {
                if self.replies() < self.batches_sent * self.replies_per_batch {
                    let error = io::Error::other("the server read again before replying");
                    return Poll::Ready(Err(error));
                }
                match self.batches.pop_front() {
                    Some(batch) => {
                        self.unread = batch;
                        self.batches_sent += 1;
                    }
                    None => return Poll::Ready(Ok(())), // end of stream
                }
            }
            let n = self.unread.len().min(buf.remaining());
            buf.put_slice(&self.unread[..n]);
            self.unread.drain(..n);
            self.data_reads += 1;
            Poll::Ready(Ok(()))
        }
    }

    impl AsyncWrite for PipeliningClient {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            data: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.received.extend_from_slice(data);
            self.writes += 1;
            Poll::Ready(Ok(data.len()))
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[test]
    fn trimming_keeps_what_the_query_buffer_holds() {
        let mut partial = BytesMut::with_capacity(64 * 1024);
        partial.extend_from_slice(b"*1\r\n$4\r\nPI");
        trim_query_buffer(&mut partial, 0);
        assert_eq!(&partial[..], b"*1\r\n$4\r\nPI");
        assert!(partial.capacity() < 64 * 1024);
        let mut idle = BytesMut::with_capacity(BUFFER_SIZE);
        trim_query_buffer(&mut idle, 0);
        assert_eq!(idle.capacity(), 0);
        let mut peak = BytesMut::with_capacity(512 * 1024);
        trim_query_buffer(&mut peak, 1000);
        assert!(peak.capacity() >= 1000 && peak.capacity() < 512 * 1024);
    }

    #[tokio::test]
    async fn a_pipeline_bigger_than_the_buffer_soon_arrives_in_one_read() {
        // 16 SETs of 1 KiB: about 17 KiB, more than the first read is offered.
        let value = "v".repeat(1024);
        let batch: Vec<u8> = (0..16)
            .flat_map(|n| {
                let key = format!("key:{n:04}");
                format!(
                    "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n$1024\r\n{value}\r\n",
                    key.len()
                )
                .into_bytes()
            })
            .collect();
        assert!(batch.len() > BUFFER_SIZE && batch.len() <= MAX_READ_SIZE);
        let mut client = PipeliningClient {
            batches: VecDeque::from(vec![batch; 3]),
            unread: Vec::new(),
            replies_per_batch: 16,
            batches_sent: 0,
            received: Vec::new(),
            data_reads: 0,
            writes: 0,
        };
        let mut session = Engine::new().session();
        let mut carried = Carried::new(&mut session);
        serve(
            &mut client,
            &mut session,
            &mut carried,
            &Home::fixed(),
            None,
        )
        .await;
        assert_eq!(client.replies(), 48);
        // The first batch fills the first read and needs a second; the read that
        // filled its offer doubled the next, so each later batch takes one read and
        // is answered with one write.
        assert_eq!((client.data_reads, client.writes), (4, 4));
    }
}
