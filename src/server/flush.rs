//! Replies written when a worker runs out of work, as Redis writes every client's
//! replies in `beforeSleep`, just before its event loop waits for I/O again.
//!
//! A connection that has run a batch waits here with its replies until its runtime's
//! worker has nothing else to run, then writes them. Every connection served in one
//! turn of the worker thus answers together: a client driving many connections
//! (redis-benchmark, a connection pool) finds their replies together in one
//! `epoll_wait`, and a subscriber's write carries every message published in that
//! turn. Writing each reply as soon as its batch had run cost the server a poll of
//! its sockets for every one or two requests, and the client more wake-ups.
//!
//! The worker's `on_thread_park` hook ([`Flushes::flush`]) wakes the waiting
//! connections; the runtime then finds them queued and runs them before it sleeps.
//! On a runtime without the hook (a server spawned on its caller's runtime) nothing
//! waits.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

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
    /// The vector the last flush emptied, kept for its capacity.
    spare: Vec<Waker>,
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

    /// Releases every waiting connection: the runtime's `on_thread_park` hook.
    ///
    /// Tasks woken here, while the worker is between its run queue and its sleep,
    /// go to the runtime's shared queue; the worker, the last to stop searching for
    /// work, checks that queue once more before it sleeps, finds them and runs them.
    pub(crate) fn flush(&self) {
        let mut wakers = {
            let mut waiting = self.waiting.lock();
            if waiting.writers > 0 {
                waiting.alone = waiting.writers == 1;
                waiting.writers = 0;
            }
            if waiting.wakers.is_empty() {
                return;
            }
            waiting.turn += 1;
            let spare = std::mem::take(&mut waiting.spare);
            std::mem::replace(&mut waiting.wakers, spare)
        };
        // Last come, first written, as Redis adds a client to the head of its list
        // of pending writes: a subscriber woken by the first publisher of the turn
        // is written to after the publishers' replies.
        for waker in wakers.drain(..).rev() {
            waker.wake();
        }
        self.waiting.lock().spare = wakers;
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
}
