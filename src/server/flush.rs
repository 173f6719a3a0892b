//! Replies written when a worker runs out of work, as Redis writes every client's
//! replies in `beforeSleep`, just before its event loop waits for I/O again.
//!
//! A connection that has run a batch leaves its replies here ([`defer_replies`]) and
//! goes back to reading; when its runtime's worker has nothing else to run, the
//! worker writes every connection's replies itself, without running their tasks
//! again. Every connection served in one turn of the worker thus answers together: a
//! client driving many connections (redis-benchmark, a connection pool) finds their
//! replies together in one `epoll_wait`. Writing each reply as soon as its batch had
//! run cost the server a poll of its sockets for every one or two requests, and the
//! client more wake-ups; waking each connection's task to write cost a second run of
//! the task per request.
//!
//! A socket that takes only part of the replies (its client reads slowly) wakes its
//! connection, which writes the rest itself ([`Stalled`]). A connection that writes
//! itself for other reasons (a subscriber's messages, a reply before it closes) waits
//! for the same moment with [`worker_idle`], to be woken then.
//!
//! The worker's `on_thread_park` hook ([`Flushes::flush`]) does both. On a runtime
//! without the hook (a server spawned on its caller's runtime) nothing waits and
//! connections write their replies themselves at once.

use std::cell::RefCell;
use std::future::Future;
use std::os::fd::RawFd;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use bytes::{Buf, BytesMut};
use parking_lot::Mutex;

/// The connections of one runtime waiting to write their replies.
#[derive(Debug, Default)]
pub(crate) struct Flushes {
    waiting: Mutex<Waiting>,
}

#[derive(Debug, Default)]
struct Waiting {
    /// Counts the flushes so far: a connection that registered in an earlier one
    /// has been released.
    turn: u64,
    /// Connections that came to write in this turn, waiting or not.
    writers: u32,
    /// The last turn that had writers had only one: the next turn's first writer
    /// writes at once. A lone client has nobody to answer together with, and waiting
    /// would only cost it a wake-up of its task per request.
    alone: bool,
    wakers: Vec<Waker>,
    /// Connections whose replies the flush writes, in the order they came.
    replies: Vec<Arc<DeferredReplies>>,
    /// The vectors the last flush emptied, kept for their capacity.
    spare: (Vec<Waker>, Vec<Arc<DeferredReplies>>),
    /// The worker has flushed and may be asleep: a connection that comes to wait
    /// now (a task that ran on after `block_in_place` handed the worker to another
    /// thread) has to wake it.
    parked: bool,
}

thread_local! {
    /// The flushes of the runtime whose thread this is (set when it starts).
    static CURRENT: RefCell<Option<Arc<Flushes>>> = const { RefCell::new(None) };
}

impl Flushes {
    /// Makes `flushes` the ones connections on the calling thread wait for: the
    /// runtime's `on_thread_start` hook.
    pub(crate) fn enter(flushes: &Arc<Flushes>) {
        CURRENT.with(|current| *current.borrow_mut() = Some(flushes.clone()));
    }

    /// Writes every connection's deferred replies and releases every waiting
    /// connection: the runtime's `on_thread_park` hook.
    ///
    /// Tasks woken here, while the worker is between its run queue and its sleep,
    /// go to the runtime's shared queue; the worker, the last to stop searching for
    /// work, checks that queue once more before it sleeps, finds them and runs them.
    pub(crate) fn flush(&self) {
        let (mut wakers, mut replies) = {
            let mut waiting = self.waiting.lock();
            waiting.parked = true;
            if waiting.writers > 0 {
                waiting.alone = waiting.writers == 1;
                waiting.writers = 0;
            }
            if waiting.wakers.is_empty() && waiting.replies.is_empty() {
                return;
            }
            waiting.turn += 1;
            let (spare_wakers, spare_replies) = std::mem::take(&mut waiting.spare);
            (
                std::mem::replace(&mut waiting.wakers, spare_wakers),
                std::mem::replace(&mut waiting.replies, spare_replies),
            )
        };
        // Last come, first written, as Redis adds a client to the head of its list
        // of pending writes. Deferred replies are written here and now; a woken
        // connection (a subscriber woken by a publisher of the turn, say) writes
        // when its task runs, after them.
        for deferred in replies.drain(..).rev() {
            deferred.write();
        }
        for waker in wakers.drain(..).rev() {
            waker.wake();
        }
        self.waiting.lock().spare = (wakers, replies);
    }

    /// The worker woke up and runs tasks again: the runtime's `on_thread_unpark`
    /// hook.
    pub(crate) fn unparked(&self) {
        self.waiting.lock().parked = false;
    }
}

/// Wakes the worker of the current runtime, when `asleep`, with a task that does
/// nothing: it then runs out of work again and flushes.
fn wake_worker(asleep: bool) {
    if asleep {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async {});
        }
    }
}

/// A connection's replies waiting for its worker to write them ([`defer_replies`]).
#[derive(Debug)]
pub(crate) struct DeferredReplies {
    state: Mutex<Deferred>,
}

#[derive(Debug)]
struct Deferred {
    /// The connection's socket, or `None` once the connection stopped deferring
    /// ([`DeferredReplies::close`]): it may be closed, its number reused.
    socket: Option<RawFd>,
    /// Replies not written yet.
    replies: BytesMut,
    /// In the list of the coming flush.
    queued: bool,
    /// The socket took only part of the replies, or failed: the connection writes
    /// the rest itself, and defers nothing until it has.
    stalled: bool,
    /// Wakes the connection when its socket stalls.
    waker: Option<Waker>,
}

impl DeferredReplies {
    /// Nothing deferred yet, for a connection on `socket`, a connected stream socket
    /// in non-blocking mode that the connection keeps open until it calls
    /// [`close`](DeferredReplies::close).
    pub(crate) fn new(socket: RawFd) -> DeferredReplies {
        DeferredReplies {
            state: Mutex::new(Deferred {
                socket: Some(socket),
                replies: BytesMut::new(),
                queued: false,
                stalled: false,
                waker: None,
            }),
        }
    }

    /// Puts whatever is still deferred in front of `output`, for the connection to
    /// write itself, and answers how many bytes that was; a stalled socket is the
    /// connection's to write to again.
    pub(crate) fn take_back(&self, output: &mut BytesMut) -> usize {
        let mut deferred = self.state.lock();
        deferred.stalled = false;
        let taken = deferred.replies.len();
        if taken > 0 {
            let mut replies = std::mem::take(&mut deferred.replies);
            replies.extend_from_slice(output);
            *output = replies;
        }
        taken
    }

    /// Stops deferring for good: nothing is written to the socket from now on, and
    /// anything deferred is dropped. The connection calls it (or drops its
    /// [`ClosesDeferred`]) before it closes its socket or lets it go.
    pub(crate) fn close(&self) {
        let mut deferred = self.state.lock();
        deferred.socket = None;
        deferred.replies = BytesMut::new();
    }

    /// Writes the deferred replies without waiting: the flush, and a connection's
    /// last word before it closes. A socket that takes only part of them, or fails,
    /// wakes the connection to deal with the rest.
    #[allow(unsafe_code)]
    pub(crate) fn write(&self) {
        let mut deferred = self.state.lock();
        deferred.queued = false;
        let Some(socket) = deferred.socket else {
            return;
        };
        while !deferred.replies.is_empty() {
            let pending = &deferred.replies;
            // SAFETY: the pointer and length describe `pending`'s initialised bytes,
            // borrowed for the call; `socket` is open while `deferred.socket` holds
            // it (the connection clears it under this lock before closing).
            // MSG_DONTWAIT: never block the worker; MSG_NOSIGNAL: a closed peer is
            // EPIPE, not SIGPIPE.
            let sent = unsafe {
                libc::send(
                    socket,
                    pending.as_ptr().cast(),
                    pending.len(),
                    libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
                )
            };
            match usize::try_from(sent) {
                Ok(sent) if sent == pending.len() => {
                    deferred.replies.clear();
                    // A big reply's buffer goes, as the connection's own would.
                    if deferred.replies.capacity() > KEPT_CAPACITY {
                        deferred.replies = BytesMut::new();
                    }
                }
                Ok(sent) => deferred.replies.advance(sent),
                Err(_)
                    if std::io::Error::last_os_error().kind()
                        == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    // Would block, or failed: the connection's own write finds out
                    // which, and waits for the socket or closes.
                    deferred.stalled = true;
                    if let Some(waker) = deferred.waker.take() {
                        waker.wake();
                    }
                    return;
                }
            }
        }
    }
}

/// Largest buffer of deferred replies kept once written.
const KEPT_CAPACITY: usize = 16 * 1024;

/// What became of replies offered to [`defer_replies`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deferral {
    /// Left to the worker, which writes them when it runs out of work.
    Deferred,
    /// The connection writes them itself now: no [`Flushes`] are set up, its socket
    /// is [stalled](Stalled), or it is the first writer of a turn after a turn with a
    /// single writer (see `alone`).
    WriteNow,
    /// The connection already left replies for this turn: it waits for the turn's
    /// end ([`worker_idle`]), when they are written, then writes these. A client
    /// that keeps a connection's socket full is served once a turn, like any other,
    /// and never piles up replies the worker has not written.
    WaitForTurn,
}

/// Leaves `output` (a connection's replies, non-empty) to be written by the worker
/// when it runs out of work, and empties it ([`Deferral::Deferred`]); the connection
/// goes on reading. Otherwise `output` is left as it is.
pub(crate) fn defer_replies(deferred: &Arc<DeferredReplies>, output: &mut BytesMut) -> Deferral {
    let (deferral, asleep) = CURRENT.with(|current| {
        let current = current.borrow();
        let Some(flushes) = current.as_ref() else {
            return (Deferral::WriteNow, false);
        };
        let mut waiting = flushes.waiting.lock();
        let mut state = deferred.state.lock();
        if state.stalled || state.socket.is_none() {
            return (Deferral::WriteNow, false);
        }
        if state.queued {
            return (Deferral::WaitForTurn, false);
        }
        waiting.writers += 1;
        if waiting.alone && waiting.writers == 1 {
            return (Deferral::WriteNow, false);
        }
        state.queued = true;
        waiting.replies.push(deferred.clone());
        // Copied, not swapped: replies are small, and the connection keeps one
        // buffer of its size instead of two.
        state.replies.extend_from_slice(output);
        output.clear();
        (Deferral::Deferred, waiting.parked)
    });
    wake_worker(asleep);
    deferral
}

/// Resolves when a flush could not write all of a connection's deferred replies:
/// the connection is to [take them back](DeferredReplies::take_back) and write them
/// itself. Never resolves without deferred replies (`None`).
pub(crate) struct Stalled<'a>(pub(crate) Option<&'a DeferredReplies>);

impl Future for Stalled<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(deferred) = self.0 else {
            return Poll::Pending;
        };
        let mut state = deferred.state.lock();
        if state.stalled {
            return Poll::Ready(());
        }
        if !state
            .waker
            .as_ref()
            .is_some_and(|waker| waker.will_wake(cx.waker()))
        {
            state.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// Closes a connection's [`DeferredReplies`] when dropped, however the connection
/// ends (a task aborted at shutdown included), before its socket closes.
pub(crate) struct ClosesDeferred(pub(crate) Arc<DeferredReplies>);

impl Drop for ClosesDeferred {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Resolves once the worker running the calling task has run out of other work, or
/// at once for the first writer of a turn after a turn with a single writer, and
/// where no [`Flushes`] are set up.
pub(crate) fn worker_idle() -> WorkerIdle {
    WorkerIdle { turn: None }
}

/// The future of [`worker_idle`].
#[derive(Debug)]
pub(crate) struct WorkerIdle {
    /// The flush turn it registered in.
    turn: Option<u64>,
}

impl Future for WorkerIdle {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        CURRENT.with(|current| {
            let current = current.borrow();
            let Some(flushes) = current.as_ref() else {
                return Poll::Ready(());
            };
            let mut waiting = flushes.waiting.lock();
            match self.turn {
                Some(turn) if turn != waiting.turn => Poll::Ready(()),
                // Polled again before the flush (woken by something else): its
                // waker is still registered.
                Some(_) => Poll::Pending,
                None => {
                    waiting.writers += 1;
                    if waiting.alone && waiting.writers == 1 {
                        return Poll::Ready(());
                    }
                    self.turn = Some(waiting.turn);
                    waiting.wakers.push(cx.waker().clone());
                    let asleep = waiting.parked;
                    drop(waiting);
                    wake_worker(asleep);
                    Poll::Pending
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A runtime of the server's, with the hooks installed.
    fn runtime() -> tokio::runtime::Runtime {
        crate::server::worker_runtimes(1).expect("runtime").0
    }

    #[test]
    fn waiting_writers_are_released_when_their_worker_would_sleep() {
        let runtime = runtime();
        // Two writers a turn, so every turn waits for the hook.
        let writer = || async {
            for _ in 0..1000 {
                worker_idle().await;
            }
        };
        let (first, second) = (runtime.spawn(writer()), runtime.spawn(writer()));
        // A release that waited for outside events would wait for this timer alone.
        let both = async {
            first.await.expect("writer");
            second.await.expect("writer");
        };
        let done = runtime.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(30), both).await
        });
        assert!(done.is_ok(), "a release waited for I/O that never came");
    }

    #[test]
    fn tasks_ready_together_are_released_together_last_first() {
        let runtime = runtime();
        let order = Arc::new(Mutex::new(Vec::new()));
        let spawner = {
            let order = order.clone();
            // Spawned from a task of the worker, the four wait in its queue together.
            runtime.spawn(async move {
                let tasks: Vec<_> = (0..4)
                    .map(|n| {
                        let order = order.clone();
                        tokio::spawn(async move {
                            order.lock().push(format!("ran {n}"));
                            worker_idle().await;
                            order.lock().push(format!("wrote {n}"));
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("task");
                }
            })
        };
        runtime.block_on(spawner).expect("spawner");
        let order = order.lock();
        let (ran, wrote) = order.split_at(4);
        let tasks = |steps: &[String], verb: &str| -> Vec<String> {
            steps
                .iter()
                .map(|step| {
                    step.strip_prefix(verb)
                        .expect("every task ran first")
                        .to_string()
                })
                .collect()
        };
        let mut last_first = tasks(ran, "ran ");
        last_first.reverse();
        assert_eq!(tasks(wrote, "wrote "), last_first, "{order:?}");
    }

    #[test]
    fn a_writer_alone_in_its_turns_stops_waiting_until_another_comes() {
        let runtime = runtime();
        let polled_once = || {
            let mut idle = Box::pin(worker_idle());
            std::future::poll_fn(move |cx| Poll::Ready(idle.as_mut().poll(cx).is_ready()))
        };
        let steps = runtime.block_on(runtime.spawn(async move {
            // The first turn has one writer, which waits for its end.
            worker_idle().await;
            // Alone last turn: this one writes at once, the next of the turn waits.
            let first = polled_once().await;
            let second = polled_once().await;
            (first, second)
        }));
        assert_eq!(steps.expect("task"), (true, false));
    }

    #[test]
    fn without_the_hooks_nothing_waits() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(worker_idle());
    }

    /// A connected pair of sockets: the server's end (non-blocking, as the runtime's
    /// sockets are) and the client's.
    fn socket_pair() -> (
        std::os::unix::net::UnixStream,
        std::os::unix::net::UnixStream,
    ) {
        let (server, client) = std::os::unix::net::UnixStream::pair().expect("pair");
        server.set_nonblocking(true).expect("non-blocking");
        (server, client)
    }

    fn deferred_on(socket: &std::os::unix::net::UnixStream) -> Arc<DeferredReplies> {
        use std::os::fd::AsRawFd;
        Arc::new(DeferredReplies::new(socket.as_raw_fd()))
    }

    /// The other sockets of [`two_connections`], open while this lives.
    type OpenSockets = [std::os::unix::net::UnixStream; 3];

    /// A connection's deferred replies with its client's end, and a second
    /// connection's, which makes a turn with two writers (so the turn waits for the
    /// flush).
    fn two_connections() -> (
        Arc<DeferredReplies>,
        std::os::unix::net::UnixStream,
        Arc<DeferredReplies>,
        OpenSockets,
    ) {
        let (server, client) = socket_pair();
        let (other_server, other_client) = socket_pair();
        let (deferred, other) = (deferred_on(&server), deferred_on(&other_server));
        (
            deferred,
            client,
            other,
            [server, other_server, other_client],
        )
    }

    /// Everything the client end can read without waiting.
    fn received(client: &mut std::os::unix::net::UnixStream) -> Vec<u8> {
        use std::io::Read;
        client.set_nonblocking(true).expect("non-blocking");
        let mut all = Vec::new();
        let mut chunk = [0u8; 64 * 1024];
        while let Ok(n @ 1..) = client.read(&mut chunk) {
            all.extend_from_slice(&chunk[..n]);
        }
        all
    }

    #[test]
    fn the_worker_writes_deferred_replies_when_it_runs_out_of_work() {
        let runtime = runtime();
        let (first_server, mut first_client) = socket_pair();
        let (second_server, mut second_client) = socket_pair();
        let (first, second) = (deferred_on(&first_server), deferred_on(&second_server));
        let deferred = {
            let (first, second) = (first.clone(), second.clone());
            runtime.block_on(runtime.spawn(async move {
                let mut output = BytesMut::from(&b"+first\r\n"[..]);
                let first_deferred = defer_replies(&first, &mut output);
                let left_empty = output.is_empty();
                output.extend_from_slice(b"+second\r\n");
                let second_deferred = defer_replies(&second, &mut output);
                // A later batch of the same connection in the same turn waits for the
                // turn's end, its replies left as they are.
                let mut again = BytesMut::from(&b"+again\r\n"[..]);
                let again_deferred = defer_replies(&first, &mut again);
                // Released by the same flush, after the replies were written.
                worker_idle().await;
                let taken_back = first.take_back(&mut again);
                (
                    [first_deferred, second_deferred, again_deferred],
                    left_empty,
                    taken_back,
                    again,
                )
            }))
        };
        let (deferrals, left_empty, taken_back, again) = deferred.expect("task");
        use Deferral::*;
        assert_eq!(deferrals, [Deferred, Deferred, WaitForTurn]);
        assert!(left_empty);
        assert_eq!((taken_back, &again[..]), (0, &b"+again\r\n"[..]));
        assert_eq!(received(&mut first_client), b"+first\r\n");
        assert_eq!(received(&mut second_client), b"+second\r\n");
    }

    #[test]
    fn a_socket_that_takes_part_of_the_replies_hands_the_rest_back() {
        let runtime = runtime();
        let (deferred, mut client, other, _sockets) = two_connections();
        // More than a socket buffer holds while nobody reads.
        let replies = vec![b'x'; 8 << 20];
        let rest = runtime.block_on(runtime.spawn({
            let replies = replies.clone();
            async move {
                // Two writers, so this turn waits for the flush.
                defer_replies(&other, &mut BytesMut::from(&b"+OK\r\n"[..]));
                let mut output = BytesMut::from(&replies[..]);
                assert_eq!(defer_replies(&deferred, &mut output), Deferral::Deferred);
                Stalled(Some(&deferred)).await;
                // Stalled, it defers nothing more until the connection wrote the rest.
                let mut more = BytesMut::from(&b"+more\r\n"[..]);
                assert_eq!(defer_replies(&deferred, &mut more), Deferral::WriteNow);
                let taken = deferred.take_back(&mut more);
                assert_eq!(taken + b"+more\r\n".len(), more.len());
                more
            }
        }));
        let rest = rest.expect("task");
        let written = received(&mut client);
        assert!(!written.is_empty() && written.len() < replies.len());
        assert_eq!(
            written.len() + rest.len(),
            replies.len() + b"+more\r\n".len()
        );
        assert!(rest.ends_with(b"x+more\r\n"));
    }

    #[test]
    fn a_task_that_handed_its_worker_on_still_gets_a_flush() {
        // After `block_in_place` the task runs on while another thread holds the
        // worker, which found nothing to run and sleeps with no timer set.
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = runtime();
            runtime
                .block_on(runtime.spawn(async {
                    tokio::task::block_in_place(|| {
                        std::thread::sleep(std::time::Duration::from_millis(100));
                    });
                    worker_idle().await;
                }))
                .expect("task");
            let _ = done.send(());
        });
        let waited = finished.recv_timeout(std::time::Duration::from_secs(30));
        assert!(
            waited.is_ok(),
            "the sleeping worker was never woken to flush"
        );
    }

    #[test]
    fn closed_replies_are_never_written() {
        let runtime = runtime();
        let (deferred, mut client, other, _sockets) = two_connections();
        let stopped = runtime.block_on(runtime.spawn(async move {
            defer_replies(&other, &mut BytesMut::from(&b"+OK\r\n"[..]));
            let deferred_before = defer_replies(&deferred, &mut BytesMut::from(&b"+OK\r\n"[..]));
            // The connection ends before the flush, and its socket with it.
            drop(ClosesDeferred(deferred.clone()));
            let deferred_after = defer_replies(&deferred, &mut BytesMut::from(&b"+OK\r\n"[..]));
            worker_idle().await; // the flush has run
            (deferred_before, deferred_after)
        }));
        let stopped = stopped.expect("task");
        assert_eq!(stopped, (Deferral::Deferred, Deferral::WriteNow));
        assert!(received(&mut client).is_empty());
    }
}
