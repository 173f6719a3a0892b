//! CLIENT PAUSE: which commands wait, who waits, and in what order they resume.
//!
//! Redis's rules, kept here:
//! - A pause is `WRITE` or `ALL` with an end time; a second CLIENT PAUSE keeps the more
//!   restrictive kind and the later end. CLIENT UNPAUSE, or the end passing, lifts it.
//! - Under `ALL` every command of every client waits (CLIENT UNPAUSE included); under
//!   `WRITE` the commands that write or may replicate wait (PUBLISH, EVAL of a script
//!   that may write, an EXEC whose queue holds one) while reads run.
//! - A command refused anyway (arity, unknown command ...) is answered at once; the
//!   check comes last among processCommand's.
//! - The clients that waited resume in the order they started waiting, and all of them
//!   run before any other client's next command (Redis re-runs them in the same event
//!   loop turn that lifted the pause).
//! - While paused, the dataset holds still: expiry deletes nothing (expired keys read
//!   as missing but stay, see [`crate::keyspace::Db`]).
//!
//! The waiting itself happens outside the store lock: a session whose command is held
//! back stops its pipeline there and waits for [`PauseSignal`] to move on (or for the
//! pause's end, on the engine clock), then runs the command again through dispatch.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

/// What a pause holds back (ordered: `All` is the more restrictive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PauseKind {
    /// Commands that write or may replicate.
    Write,
    /// Every command.
    All,
}

/// Whether a client's command may run now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Run it.
    Run,
    /// It waits: the pause holds it back, or clients resumed before it have not run yet.
    Wait,
}

/// The pause in force (if any) and the clients it holds.
#[derive(Debug, Default)]
pub struct ClientPause {
    /// The kind and end (Unix ms; the pause lasts while `now <= end`).
    active: Option<(PauseKind, i64)>,
    /// Clients whose command waits for the pause to end, in arrival order.
    postponed: VecDeque<u64>,
    /// Clients let go by the end of a pause that have not run yet, in order: they run
    /// before anyone else.
    resuming: VecDeque<u64>,
    signal: Arc<PauseSignal>,
}

impl Clone for ClientPause {
    /// A copy of a keyspace (a fork) is not paused and holds no clients.
    fn clone(&self) -> Self {
        ClientPause::default()
    }
}

impl ClientPause {
    /// True when nothing is paused and nobody is resuming: the one test every command
    /// pays.
    #[inline]
    pub fn is_idle(&self) -> bool {
        self.active.is_none() && self.resuming.is_empty()
    }

    /// True while a pause is in force (checked against its end by
    /// [`ClientPause::refresh`]): expiry deletes nothing then.
    pub fn is_paused(&self) -> bool {
        self.active.is_some()
    }

    /// CLIENT PAUSE: pauses `kind` until `end_ms` (Unix ms, which may already be past:
    /// then nothing is paused), merged with a pause in force as Redis merges them.
    pub fn pause(&mut self, kind: PauseKind, end_ms: i64, now_ms: u64) {
        self.active = Some(match self.active {
            None => (kind, end_ms),
            Some((old_kind, old_end)) => (old_kind.max(kind), old_end.max(end_ms)),
        });
        self.refresh(now_ms);
    }

    /// CLIENT UNPAUSE: lifts the pause, letting its clients resume.
    pub fn unpause(&mut self) {
        if self.active.take().is_some() {
            self.lift();
        }
    }

    /// Lifts the pause if its end has passed at `now_ms` (Redis's
    /// `checkClientPauseTimeoutAndReturnIfPaused`); true while still paused.
    pub fn refresh(&mut self, now_ms: u64) -> bool {
        if let Some((_, end)) = self.active {
            if end < i64::try_from(now_ms).unwrap_or(i64::MAX) {
                self.active = None;
                self.lift();
            }
        }
        self.active.is_some()
    }

    /// The pause ended: every postponed client resumes, in order, after those already
    /// resuming.
    fn lift(&mut self) {
        self.resuming.extend(self.postponed.drain(..));
        self.signal.bump();
    }

    /// Whether client `id` may run a command now; `writes` says whether the command
    /// writes or may replicate. A held command's client is queued (once) to resume in
    /// its turn.
    pub fn admit(&mut self, id: u64, writes: bool) -> Admission {
        let held = match self.active {
            Some((PauseKind::All, _)) => true,
            Some((PauseKind::Write, _)) => writes,
            None => false,
        };
        if held {
            if let Some(at) = self.resuming.iter().position(|&other| other == id) {
                self.resuming.remove(at);
                if at == 0 {
                    self.signal.bump();
                }
            }
            if !self.postponed.contains(&id) {
                self.postponed.push_back(id);
            }
            return Admission::Wait;
        }
        match self.resuming.front() {
            None => Admission::Run,
            Some(&first) if first == id => Admission::Run,
            Some(_) => Admission::Wait,
        }
    }

    /// Client `id` has run what it had to resume (or went away): the next one's turn.
    pub fn done(&mut self, id: u64) {
        if let Some(at) = self.resuming.iter().position(|&other| other == id) {
            self.resuming.remove(at);
            self.signal.bump();
        }
    }

    /// Forgets client `id` (it disconnected).
    pub fn forget(&mut self, id: u64) {
        self.postponed.retain(|&other| other != id);
        self.done(id);
    }

    /// Number of clients the pause holds (counted in `blocked_clients`, as Redis
    /// counts its postponed clients).
    pub fn postponed_len(&self) -> usize {
        self.postponed.len()
    }

    /// A waiter for the next change (pause lifted, a resumed client done), and how long
    /// until the pause ends by itself at `now_ms` (`None`: no pause in force).
    pub fn wait_for_change(&self, now_ms: u64) -> (PauseChanged, Option<Duration>) {
        let remaining = self.active.map(|(_, end)| {
            let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
            // The pause lasts while now <= end: it is over 1 ms after `end`.
            Duration::from_millis(end.saturating_sub(now).saturating_add(1).max(0) as u64)
        });
        (self.signal.changed(), remaining)
    }
}

/// A generation counter that wakes whoever waits for it to move, from async code
/// (a future) or a thread (a condition variable).
#[derive(Debug, Default)]
pub struct PauseSignal {
    state: Mutex<SignalState>,
    moved: Condvar,
}

#[derive(Debug, Default)]
struct SignalState {
    generation: u64,
    wakers: Vec<Waker>,
}

impl PauseSignal {
    fn bump(&self) {
        let mut state = self.state.lock();
        state.generation += 1;
        for waker in state.wakers.drain(..) {
            waker.wake();
        }
        self.moved.notify_all();
    }

    fn changed(self: &Arc<Self>) -> PauseChanged {
        PauseChanged {
            signal: self.clone(),
            seen: self.state.lock().generation,
        }
    }
}

/// Completes once the pause state moved on from when it was created.
#[derive(Debug)]
pub struct PauseChanged {
    signal: Arc<PauseSignal>,
    seen: u64,
}

impl PauseChanged {
    /// Blocks the thread until the state moves on or `limit` passes.
    pub fn wait(&self, limit: Duration) {
        let mut state = self.signal.state.lock();
        if state.generation == self.seen {
            self.signal.moved.wait_for(&mut state, limit);
        }
    }
}

impl Future for PauseChanged {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.signal.state.lock();
        if state.generation != self.seen {
            return Poll::Ready(());
        }
        state.wakers.push(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_holds_every_command_write_only_writes() {
        let mut pause = ClientPause::default();
        pause.pause(PauseKind::Write, 1_000, 0);
        assert_eq!(pause.admit(1, false), Admission::Run);
        assert_eq!(pause.admit(1, true), Admission::Wait);
        pause.pause(PauseKind::All, 10, 0);
        assert_eq!(pause.admit(2, false), Admission::Wait);
        assert_eq!(pause.postponed_len(), 2);
    }

    #[test]
    fn a_second_pause_keeps_the_stricter_kind_and_the_later_end() {
        let mut pause = ClientPause::default();
        pause.pause(PauseKind::All, 1_000, 0);
        pause.pause(PauseKind::Write, 10, 0);
        assert_eq!(pause.admit(1, false), Admission::Wait);
        assert!(pause.refresh(1_000));
        assert!(!pause.refresh(1_001));
    }

    #[test]
    fn a_pause_ending_in_the_past_pauses_nothing() {
        let mut pause = ClientPause::default();
        pause.pause(PauseKind::All, 0, 5);
        assert!(pause.is_idle());
        pause.pause(PauseKind::All, i64::MIN, 5);
        assert!(pause.is_idle());
    }

    #[test]
    fn held_clients_resume_in_order_before_anyone_else() {
        let mut pause = ClientPause::default();
        pause.pause(PauseKind::Write, 1_000, 0);
        assert_eq!(pause.admit(1, true), Admission::Wait);
        assert_eq!(pause.admit(2, true), Admission::Wait);
        assert_eq!(pause.admit(1, true), Admission::Wait, "queued once");
        let (changed, remaining) = pause.wait_for_change(0);
        assert_eq!(remaining, Some(Duration::from_millis(1_001)));
        pause.unpause();
        assert!(changed.signal.state.lock().generation != changed.seen);
        assert_eq!(pause.admit(3, false), Admission::Wait, "newcomer waits");
        assert_eq!(pause.admit(2, true), Admission::Wait, "not its turn");
        assert_eq!(pause.admit(1, true), Admission::Run);
        pause.done(1);
        assert_eq!(pause.admit(2, true), Admission::Run);
        pause.done(2);
        assert!(pause.is_idle());
        assert_eq!(pause.admit(3, false), Admission::Run);
    }

    #[test]
    fn a_resumed_client_paused_again_gives_its_turn_away() {
        let mut pause = ClientPause::default();
        pause.pause(PauseKind::Write, 1_000, 0);
        pause.admit(1, true);
        pause.admit(2, true);
        pause.unpause();
        pause.pause(PauseKind::Write, 1_000, 0);
        assert_eq!(pause.admit(1, true), Admission::Wait);
        assert_eq!(pause.admit(2, false), Admission::Run);
        pause.forget(2);
        assert_eq!(pause.postponed_len(), 1);
        assert!(!pause.is_idle());
    }
}
