//! Time as the engine sees it: a [`Clock`] read once per command.
//!
//! Redis takes one time snapshot per command (and one per whole script), so every
//! expiry decision inside a command agrees with every other. The engine does the same:
//! dispatch reads the clock once and hands the value to the handler.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// A source of Unix time in milliseconds.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;

    /// Microseconds since the Unix epoch (for `TIME`); defaults to `now_ms * 1000`.
    fn now_us(&self) -> u64 {
        self.now_ms() * 1000
    }

    /// True for the wall clock: its readings also measure how long a command ran, so
    /// the engine reads one clock per command boundary instead of two (a clock read
    /// costs as much as a small command). Clocks that tests move by hand say false, and
    /// durations are then measured on [`Instant`].
    fn measures_durations(&self) -> bool {
        false
    }
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        self.now_us() / 1000
    }

    // Whole seconds and the sub-second part are combined by hand: `as_micros` divides
    // a u128, which costs more than the clock read on the hot path.
    fn now_us(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() * 1_000_000 + u64::from(d.subsec_micros()))
            .unwrap_or(0)
    }

    fn measures_durations(&self) -> bool {
        true
    }
}

/// A clock that only moves when told to: tests use it to expire keys without sleeping.
#[derive(Debug)]
pub struct ManualClock {
    now_ms: AtomicU64,
}

impl ManualClock {
    /// A manual clock standing at `now_ms`.
    pub fn new(now_ms: u64) -> Self {
        ManualClock {
            now_ms: AtomicU64::new(now_ms),
        }
    }

    /// A manual clock standing at the current wall-clock time.
    pub fn starting_now() -> Self {
        Self::new(SystemClock.now_ms())
    }

    /// Moves the clock forward by `ms` milliseconds.
    pub fn advance(&self, ms: u64) {
        self.now_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock to `now_ms`.
    pub fn set(&self, now_ms: u64) {
        self.now_ms.store(now_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.now_ms.load(Ordering::SeqCst)
    }
}

/// "Not frozen": an [`EngineClock`] follows its base clock.
const FOLLOWING: u64 = u64::MAX;

/// The clock an engine reads: its base clock, unless virtual time has taken over
/// (`Engine::advance`, `DEBUG CLOCK`), in which case time stands still except when
/// moved. Going back to real time (`DEBUG CLOCK REAL`) follows the base clock again.
#[derive(Debug)]
pub struct EngineClock {
    base: std::sync::Arc<dyn Clock>,
    /// The base clock's readings measure durations too ([`Clock::measures_durations`]).
    base_measures_durations: bool,
    /// The virtual time in microseconds, or [`FOLLOWING`].
    virtual_us: AtomicU64,
}

/// One reading of an [`EngineClock`] where a command starts or ends: the time the
/// command sees, and a real time its duration (commandstats, the slow log) is measured
/// on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Unix time in microseconds, as the engine's clock tells it.
    pub unix_us: u64,
    /// Microseconds on a clock that follows real time (the wall clock itself when the
    /// engine follows it: Redis before 7.0 measured commands on the wall clock too).
    real_us: u64,
}

impl Reading {
    /// The Unix time in milliseconds: a command's time snapshot.
    pub fn now_ms(&self) -> u64 {
        self.unix_us / 1000
    }

    /// Whole microseconds from `self` to `later` (0 if the wall clock stepped back).
    pub fn micros_until(&self, later: Reading) -> u64 {
        later.real_us.saturating_sub(self.real_us)
    }
}

/// Microseconds since the first call, on the monotonic clock.
fn monotonic_us() -> u64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    let elapsed = ORIGIN.get_or_init(Instant::now).elapsed();
    elapsed.as_secs() * 1_000_000 + u64::from(elapsed.subsec_micros())
}

impl EngineClock {
    /// A clock following `base`.
    pub fn new(base: std::sync::Arc<dyn Clock>) -> Self {
        EngineClock {
            base_measures_durations: base.measures_durations(),
            base,
            virtual_us: AtomicU64::new(FOLLOWING),
        }
    }

    /// Reads the clock at a command boundary: one wall-clock read when the engine
    /// follows the wall clock, else the engine's time and the monotonic clock.
    pub fn read(&self) -> Reading {
        match self.virtual_us.load(Ordering::SeqCst) {
            FOLLOWING if self.base_measures_durations => {
                let us = self.base.now_us();
                Reading {
                    unix_us: us,
                    real_us: us,
                }
            }
            FOLLOWING => Reading {
                unix_us: self.base.now_ms() * 1000,
                real_us: monotonic_us(),
            },
            us => Reading {
                unix_us: us,
                real_us: monotonic_us(),
            },
        }
    }

    /// True while virtual time is in force.
    pub fn is_virtual(&self) -> bool {
        self.virtual_us.load(Ordering::SeqCst) != FOLLOWING
    }

    /// Moves time forward by `ms` (starting virtual time from now if needed).
    pub fn advance(&self, ms: u64) {
        let now = self.now_us();
        self.virtual_us.store(
            now.saturating_add(ms.saturating_mul(1000)),
            Ordering::SeqCst,
        );
    }

    /// Sets virtual time to `unix_ms`.
    pub fn set(&self, unix_ms: u64) {
        self.virtual_us.store(
            unix_ms.saturating_mul(1000).min(FOLLOWING - 1),
            Ordering::SeqCst,
        );
    }

    /// The clock this one follows outside virtual time.
    pub fn base(&self) -> std::sync::Arc<dyn Clock> {
        self.base.clone()
    }

    /// Takes `other`'s virtual time, if it has any (an engine fork).
    pub fn copy_time_from(&self, other: &EngineClock) {
        self.virtual_us
            .store(other.virtual_us.load(Ordering::SeqCst), Ordering::SeqCst);
    }

    /// Goes back to following the base clock.
    pub fn follow_base(&self) {
        self.virtual_us.store(FOLLOWING, Ordering::SeqCst);
    }
}

impl Clock for EngineClock {
    fn now_ms(&self) -> u64 {
        match self.virtual_us.load(Ordering::SeqCst) {
            FOLLOWING => self.base.now_ms(),
            us => us / 1000,
        }
    }

    fn now_us(&self) -> u64 {
        match self.virtual_us.load(Ordering::SeqCst) {
            FOLLOWING => self.base.now_us(),
            us => us,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn engine_clock_follows_its_base_until_moved() {
        let base = std::sync::Arc::new(ManualClock::new(1_000));
        let clock = EngineClock::new(base.clone());
        base.advance(5);
        assert_eq!(clock.now_ms(), 1_005);
        clock.advance(100);
        base.advance(50);
        assert_eq!(clock.now_ms(), 1_105);
        clock.set(7_000);
        assert_eq!(clock.now_us(), 7_000_000);
        clock.follow_base();
        assert_eq!(clock.now_ms(), 1_055);
    }

    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(1_000);
        assert_eq!(clock.now_ms(), 1_000);
        clock.advance(250);
        assert_eq!(clock.now_ms(), 1_250);
        clock.set(5);
        assert_eq!(clock.now_ms(), 5);
        assert_eq!(clock.now_us(), 5_000);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now_ms() > 1_577_836_800_000);
    }
}
