//! Where connections run: one single-worker runtime per worker thread, and a balancer
//! that spreads connections over more of them only while the machine has a core to
//! spare.
//!
//! A tokio runtime with several workers wakes a parked sibling whenever one poll of
//! its I/O driver finds more than one ready connection. When the clients run on the
//! same machine (a benchmark, a test suite, a service beside its cache), the sibling
//! then takes a core from them and each request costs a futex wake-up and a context
//! switch more (docs/performance.md measures it). So each worker thread has a runtime
//! of its own; connections start on the first, and the balancer moves some of them
//! to the next only when the first is saturated and the rest of the machine leaves a
//! core idle, and back when other processes need the cores. A connection changes
//! runtime between batches, carrying its socket, session and buffers.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;

/// The runtimes connections may run on, and how many of them they are spread over.
#[derive(Debug)]
pub(crate) struct Placement {
    /// `homes[0]` is the runtime the server itself runs on.
    homes: Vec<Handle>,
    /// Connections are spread over the first `active` homes.
    active: AtomicUsize,
    /// Connections that changed runtime so far.
    moves: AtomicU64,
}

impl Placement {
    /// Connections on `homes`, all on the first until the balancer spreads them.
    pub(crate) fn new(homes: Vec<Handle>) -> Arc<Placement> {
        assert!(!homes.is_empty(), "a placement needs a runtime");
        Arc::new(Placement {
            homes,
            active: AtomicUsize::new(1),
            moves: AtomicU64::new(0),
        })
    }

    /// How many runtimes connections may run on.
    pub(crate) fn homes(&self) -> usize {
        self.homes.len()
    }

    /// The index of the runtime the client with `id` belongs on now.
    pub(crate) fn home_of(&self, id: u64) -> usize {
        let active = self.active.load(Ordering::Relaxed).max(1);
        (id % active as u64) as usize
    }

    /// The runtime with index `index`.
    pub(crate) fn handle(&self, index: usize) -> &Handle {
        &self.homes[index]
    }

    /// Counts a connection that changed runtime.
    pub(crate) fn count_move(&self) {
        self.moves.fetch_add(1, Ordering::Relaxed);
    }

    /// Connections that changed runtime so far.
    #[cfg(test)]
    pub(crate) fn moves(&self) -> u64 {
        self.moves.load(Ordering::Relaxed)
    }

    /// How many runtimes connections are spread over.
    pub(crate) fn active(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }

    /// Spreads connections over the first `active` runtimes (at least one, at most
    /// all); each moves when it next finishes a batch.
    pub(crate) fn set_active(&self, active: usize) {
        let active = active.clamp(1, self.homes.len());
        self.active.store(active, Ordering::Relaxed);
    }
}

/// Where a connection runs, to tell it when it should move.
#[derive(Debug, Clone)]
pub(crate) struct Home {
    placement: Option<Arc<Placement>>,
    index: usize,
}

impl Home {
    /// A home the connection never leaves (a server on one runtime).
    pub(crate) fn fixed() -> Home {
        Home {
            placement: None,
            index: 0,
        }
    }

    /// Runtime `index` of `placement`.
    pub(crate) fn at(placement: &Arc<Placement>, index: usize) -> Home {
        Home {
            placement: Some(placement.clone()),
            index,
        }
    }

    /// True when the client with `id` now belongs on another runtime.
    pub(crate) fn should_leave(&self, id: u64) -> bool {
        self.placement
            .as_ref()
            .is_some_and(|placement| placement.home_of(id) != self.index)
    }
}

/// How often the balancer samples the machine's CPU use.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// Spreads connections over as many runtimes as the machine has cores to spare,
/// re-deciding every [`SAMPLE_EVERY`]; runs until the server stops. Where CPU use
/// cannot be read (no `/proc`), connections are spread over every runtime.
pub(crate) async fn balance(placement: Arc<Placement>) {
    let Some(mut last) = Ticks::read() else {
        placement.set_active(placement.homes());
        return;
    };
    let mut balancer = Balancer::default();
    let first = tokio::time::Instant::now() + SAMPLE_EVERY;
    let mut tick = tokio::time::interval_at(first, SAMPLE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(now) = Ticks::read() else {
            continue;
        };
        if let Some(usage) = now.usage_since(&last) {
            let active = balancer.decide(placement.active(), placement.homes(), usage);
            placement.set_active(active);
        }
        last = now;
    }
}

/// CPU use over one sampling interval, in cores (1.0 = one core busy all of it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Usage {
    /// Cores the machine has.
    pub cores: f64,
    /// Cores busy, this process included (stolen time counts as busy: the hypervisor
    /// gave that core to someone else).
    pub busy: f64,
    /// Cores this process kept busy.
    pub ours: f64,
}

/// What a core must be short of busy, counted in cores, to count as spare: others
/// using up to a quarter of a core still leave it to the server.
const SPARE_MARGIN: f64 = 0.25;

/// How much of a core others may take from a runtime in use before connections
/// leave it: more than [`SPARE_MARGIN`], so that a client whose use grows a little
/// once the server spreads (it gets its answers sooner) does not bring them straight
/// back.
const KEEP_MARGIN: f64 = 0.5;

/// The server counts as saturating its runtimes when it keeps this share of each busy.
const SATURATED: f64 = 0.8;

/// Samples in a row that must call for more runtimes before connections spread.
const SPREAD_AFTER: u32 = 2;

/// Decides, sample by sample, how many runtimes connections should run on.
#[derive(Debug, Default)]
struct Balancer {
    /// Samples in a row that called for more runtimes than are in use.
    wanting_more: u32,
}

impl Balancer {
    /// The number of runtimes to use after `usage`, with `current` in use out of
    /// `homes`. Fewer at once when other processes need the cores; one more only when
    /// the server saturates the ones it has and a core has been spare for
    /// [`SPREAD_AFTER`] samples.
    fn decide(&mut self, current: usize, homes: usize, usage: Usage) -> usize {
        let others = (usage.busy - usage.ours).max(0.0);
        let fitting =
            |margin: f64| ((usage.cores - others + margin).floor().max(1.0) as usize).min(homes);
        let kept = fitting(KEEP_MARGIN);
        if kept < current {
            self.wanting_more = 0;
            return kept;
        }
        if fitting(SPARE_MARGIN) > current && usage.ours >= SATURATED * current as f64 {
            self.wanting_more += 1;
            if self.wanting_more >= SPREAD_AFTER {
                self.wanting_more = 0;
                return current + 1;
            }
        } else {
            self.wanting_more = 0;
        }
        current
    }
}

/// Cumulative CPU time counters, in clock ticks, from `/proc`, over the CPUs this
/// process may run on.
#[derive(Debug, Clone, Copy)]
struct Ticks {
    /// CPUs whose time is counted.
    cpus: usize,
    /// Cores this process may use: its CPUs, or fewer under a CPU quota.
    cores: f64,
    /// Every counted CPU's time, busy or not.
    total: u64,
    /// Time the counted CPUs sat idle (waiting for I/O included).
    idle: u64,
    /// This process's user and system time.
    ours: u64,
}

impl Ticks {
    /// The counters now, if `/proc` has them.
    fn read() -> Option<Ticks> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let own = std::fs::read_to_string("/proc/self/stat").ok()?;
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let allowed = status
            .lines()
            .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))
            .and_then(|list| cpu_list(list.trim()));
        // The standard library's count honours CPU quotas (cgroups) as well.
        let limit = std::thread::available_parallelism().map_or(usize::MAX, |n| n.get());
        Ticks::parse(&stat, &own, allowed.as_deref(), limit)
    }

    /// The counters in the texts of `/proc/stat` and `/proc/self/stat`, over the CPUs
    /// `allowed` (all when `None`), for a process that may use `limit` cores.
    fn parse(stat: &str, own: &str, allowed: Option<&[usize]>, limit: usize) -> Option<Ticks> {
        let (mut cpus, mut total, mut idle) = (0, 0, 0);
        for line in stat.lines() {
            let Some((name, fields)) = line.split_once(' ') else {
                continue;
            };
            let Some(number) = name.strip_prefix("cpu") else {
                continue;
            };
            let counted = match (number.parse::<usize>(), allowed) {
                (Ok(cpu), Some(allowed)) => allowed.contains(&cpu),
                (Ok(_), None) => true,
                (Err(_), _) => false, // the all-CPU line
            };
            if !counted {
                continue;
            }
            let fields: Vec<u64> = fields
                .split_whitespace()
                .map(|field| field.parse().ok())
                .collect::<Option<_>>()?;
            // user nice system idle iowait irq softirq steal (guest time is in user's).
            total += fields.iter().take(8).sum::<u64>();
            idle += fields.get(3)? + fields.get(4).copied().unwrap_or(0);
            cpus += 1;
        }
        if cpus == 0 {
            return None;
        }
        // Fields after the command name (which may hold spaces and parentheses):
        // state is the first, utime the twelfth, stime the thirteenth.
        let fields: Vec<&str> = own.rsplit_once(')')?.1.split_whitespace().collect();
        let ours = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Ticks {
            cpus,
            cores: cpus.min(limit.max(1)) as f64,
            total,
            idle,
            ours,
        })
    }

    /// CPU use between `earlier` and these counters (`None` if no time passed).
    fn usage_since(&self, earlier: &Ticks) -> Option<Usage> {
        let total = self.total.checked_sub(earlier.total).filter(|&t| t > 0)? as f64;
        let idle = self.idle.saturating_sub(earlier.idle) as f64;
        let ours = self.ours.saturating_sub(earlier.ours) as f64;
        let cpus = self.cpus as f64;
        Some(Usage {
            cores: self.cores,
            busy: (total - idle).max(0.0) / total * cpus,
            ours: ours / total * cpus,
        })
    }
}

/// The CPUs of a list such as `0-3,8,10-11` (`Cpus_allowed_list`).
fn cpu_list(list: &str) -> Option<Vec<usize>> {
    let mut cpus = Vec::new();
    for part in list.split(',') {
        match part.split_once('-') {
            Some((first, last)) => cpus.extend(first.parse::<usize>().ok()?..=last.parse().ok()?),
            None => cpus.push(part.parse().ok()?),
        }
    }
    Some(cpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that `balancer`, with `current` of two runtimes in use, keeps them
    /// sample after sample of `usage`.
    fn keeps(balancer: &mut Balancer, current: usize, usage: Usage) {
        for _ in 0..10 {
            assert_eq!(balancer.decide(current, 2, usage), current, "{usage:?}");
        }
    }

    /// Asserts that `balancer` spreads from one runtime to two on the second sample
    /// of `usage`, not the first.
    fn spreads_on_the_second(balancer: &mut Balancer, usage: Usage) {
        assert_eq!(balancer.decide(1, 2, usage), 1, "{usage:?}");
        assert_eq!(balancer.decide(1, 2, usage), 2, "{usage:?}");
    }

    fn usage(busy: f64, ours: f64) -> Usage {
        Usage {
            cores: 2.0,
            busy,
            ours,
        }
    }

    #[test]
    fn a_client_on_the_other_core_keeps_connections_on_one_runtime() {
        let mut balancer = Balancer::default();
        // The server saturates its runtime, the client the other core.
        keeps(&mut balancer, 1, usage(2.0, 1.0));
        // A lighter client (a pipelining one) still takes more than the margin.
        keeps(&mut balancer, 1, usage(1.6, 1.0));
    }

    #[test]
    fn a_saturated_server_on_an_idle_machine_spreads_after_two_samples() {
        let mut balancer = Balancer::default();
        spreads_on_the_second(&mut balancer, usage(1.0, 0.95));
        // Spread, it stays spread while nothing else runs.
        keeps(&mut balancer, 2, usage(1.9, 1.9));
        // A quiet spell in between resets the count.
        let mut balancer = Balancer::default();
        assert_eq!(balancer.decide(1, 2, usage(1.0, 0.95)), 1);
        assert_eq!(balancer.decide(1, 2, usage(0.3, 0.2)), 1);
        assert_eq!(balancer.decide(1, 2, usage(1.0, 0.95)), 1);
    }

    #[test]
    fn a_lightly_loaded_server_stays_on_one_runtime() {
        let mut balancer = Balancer::default();
        keeps(&mut balancer, 1, usage(0.4, 0.3));
    }

    #[test]
    fn others_needing_a_core_bring_connections_back_at_once() {
        let mut balancer = Balancer::default();
        assert_eq!(balancer.decide(2, 2, usage(2.0, 1.2)), 1);
        let mut balancer = Balancer::default();
        // Four runtimes on four cores, others now using two of them.
        let busy = Usage {
            cores: 4.0,
            busy: 4.0,
            ours: 2.0,
        };
        assert_eq!(balancer.decide(4, 4, busy), 2);
    }

    #[test]
    fn never_more_runtimes_than_there_are() {
        let mut balancer = Balancer::default();
        let idle_machine = Usage {
            cores: 8.0,
            busy: 1.0,
            ours: 1.0,
        };
        keeps(&mut balancer, 2, idle_machine);
    }

    #[test]
    fn spreading_holds_while_others_grow_a_little() {
        let mut balancer = Balancer::default();
        spreads_on_the_second(&mut balancer, usage(1.15, 0.95));
        // The client takes a little more once answered sooner: connections stay.
        keeps(&mut balancer, 2, usage(2.0, 1.6));
        // Others needing more than half a core bring them back.
        assert_eq!(balancer.decide(2, 2, usage(2.0, 1.4)), 1);
    }

    #[test]
    fn proc_counters_parse() {
        let stat = "cpu  100 5 50 800 20 1 2 3 0 0\ncpu0 50 2 25 400 10 0 1 1 0 0\n\
                    cpu1 50 3 25 400 10 1 1 2 0 0\nintr 12345\n";
        let own = "4242 (kvdb (server) x) S 1 2 3 4 5 6 7 8 9 10 70 30 0 0 20 0 3";
        let ticks = Ticks::parse(stat, own, None, usize::MAX).expect("parses");
        assert_eq!((ticks.cpus, ticks.cores), (2, 2.0));
        assert_eq!(ticks.total, 981);
        assert_eq!(ticks.idle, 820);
        assert_eq!(ticks.ours, 100);
        let later = Ticks {
            total: ticks.total + 100,
            idle: ticks.idle + 25,
            ours: ticks.ours + 50,
            ..ticks
        };
        let measured = later.usage_since(&ticks).expect("time passed");
        assert_eq!(measured, usage(1.5, 1.0));
        assert!(ticks.usage_since(&ticks).is_none());
        assert!(Ticks::parse("intr 1\n", own, None, 2).is_none());
        // Only the CPUs the process may run on count, and a quota caps the cores.
        let one = Ticks::parse(stat, own, Some(&[1]), usize::MAX).expect("parses");
        assert_eq!(
            (one.cpus, one.cores, one.total, one.idle),
            (1, 1.0, 492, 410)
        );
        let quota = Ticks::parse(stat, own, None, 1).expect("parses");
        assert_eq!((quota.cpus, quota.cores), (2, 1.0));
    }

    #[test]
    fn cpu_lists_parse() {
        assert_eq!(cpu_list("0-1"), Some(vec![0, 1]));
        assert_eq!(cpu_list("0-2,5,7-8"), Some(vec![0, 1, 2, 5, 7, 8]));
        assert_eq!(cpu_list("3"), Some(vec![3]));
        assert_eq!(cpu_list("x"), None);
    }
}
