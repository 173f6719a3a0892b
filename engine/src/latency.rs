//! Redis's latency monitor (`latency.c`) and per-command latency histograms.
//!
//! With `latency-monitor-threshold` above 0, every event that takes at least that many
//! milliseconds is a sample of its class (`command`, `fast-command`, `expire-cycle`,
//! `eviction-cycle`): each class keeps its last 160 samples, one per second (a later
//! sample of the same second keeps the larger latency), and the largest ever, for
//! LATENCY LATEST, HISTORY and RESET.
//!
//! With `latency-tracking yes` (the default) each command's durations are counted for
//! LATENCY HISTOGRAM in the buckets Redis reports: Redis records nanoseconds in an HDR
//! histogram (2 significant digits) and reports cumulative counts at 1024 ns, doubling,
//! each level labelled with the highest value its bucket holds, in microseconds.
//! [`Histogram`] keeps just those levels, which is all the report needs.

/// Samples a class keeps (Redis's `LATENCY_TS_LEN`).
const SERIES_LEN: usize = 160;

/// One latency sample: Unix seconds and milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sample {
    /// When, in Unix seconds.
    pub time: u64,
    /// How long, in milliseconds.
    pub latency: u64,
}

/// The samples of one event class, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Series {
    samples: std::collections::VecDeque<Sample>,
    /// The largest latency ever recorded.
    pub max: u64,
}

impl Series {
    /// The samples, oldest first.
    pub fn samples(&self) -> impl Iterator<Item = &Sample> {
        self.samples.iter()
    }

    /// The newest sample.
    pub fn latest(&self) -> Option<&Sample> {
        self.samples.back()
    }
}

/// The latency monitor: its threshold and each event class's samples, in the order
/// the classes first occurred.
#[derive(Debug, Clone, Default)]
pub struct LatencyMonitor {
    /// `latency-monitor-threshold` in ms; 0 records nothing.
    pub threshold_ms: u64,
    /// `latency-tracking`: commands' durations are counted for LATENCY HISTOGRAM.
    pub tracking: bool,
    events: Vec<(&'static str, Series)>,
}

impl LatencyMonitor {
    /// Records that `event` took `latency_ms` at `unix_secs`, if it reaches the
    /// threshold (Redis's `latencyAddSampleIfNeeded`).
    pub fn add_if_needed(&mut self, event: &'static str, latency_ms: u64, unix_secs: u64) {
        if self.threshold_ms == 0 || latency_ms < self.threshold_ms {
            return;
        }
        let index = match self.events.iter().position(|(name, _)| *name == event) {
            Some(index) => index,
            None => {
                self.events.push((event, Series::default()));
                self.events.len() - 1
            }
        };
        let series = &mut self.events[index].1;
        series.max = series.max.max(latency_ms);
        if let Some(last) = series.samples.back_mut() {
            if last.time == unix_secs {
                last.latency = last.latency.max(latency_ms);
                return;
            }
        }
        if series.samples.len() == SERIES_LEN {
            series.samples.pop_front();
        }
        series.samples.push_back(Sample {
            time: unix_secs,
            latency: latency_ms,
        });
    }

    /// Every event class with its samples.
    pub fn events(&self) -> impl Iterator<Item = (&'static str, &Series)> {
        self.events.iter().map(|(name, series)| (*name, series))
    }

    /// The samples of the class named `event`.
    pub fn series(&self, event: &[u8]) -> Option<&Series> {
        self.events
            .iter()
            .find(|(name, _)| name.as_bytes() == event)
            .map(|(_, series)| series)
    }

    /// Forgets the classes named in `events` (every class when `None`); answers how
    /// many there were.
    pub fn reset(&mut self, events: Option<&[bytes::Bytes]>) -> usize {
        let before = self.events.len();
        match events {
            None => self.events.clear(),
            Some(names) => self.events.retain(|(name, _)| {
                !names
                    .iter()
                    .any(|wanted| wanted.as_ref() == name.as_bytes())
            }),
        }
        before - self.events.len()
    }
}

/// A class's samples summed up as LATENCY DOCTOR reports them (Redis's
/// `analyzeLatencyForEvent`): count, average, mean absolute deviation, and the seconds
/// since the oldest sample (at least 1), all in whole ms or seconds as Redis rounds.
fn analyze(series: &Series, unix_now: u64) -> (u64, u64, u64, u64) {
    let samples = series.samples.len() as u64;
    if samples == 0 {
        return (0, 0, 0, 0);
    }
    let sum: u64 = series.samples.iter().map(|s| s.latency).sum();
    let avg = sum / samples;
    let mad = series
        .samples
        .iter()
        .map(|s| avg.abs_diff(s.latency))
        .sum::<u64>()
        / samples;
    let oldest = series
        .samples
        .iter()
        .map(|s| s.time)
        .min()
        .unwrap_or(unix_now);
    let period = unix_now.saturating_sub(oldest).max(1);
    (samples, avg, mad, period)
}

/// What LATENCY DOCTOR's advice depends on besides the samples.
#[derive(Debug, Clone, Copy)]
pub struct DoctorContext {
    /// `slowlog-log-slower-than` in µs (negative: the slow log is off).
    pub slowlog_threshold_us: i64,
    /// `hz`.
    pub hz: u64,
}

impl LatencyMonitor {
    /// LATENCY DOCTOR: Redis's report on the samples, with the advice that applies
    /// to the event classes kvdb records (`createLatencyReport`). Redis's advice on
    /// transparent huge pages is left out: it is about the copy-on-write of a forked
    /// child, and kvdb never forks (mimalloc may well use huge pages).
    pub fn doctor(&self, context: DoctorContext, unix_now: u64) -> String {
        use std::fmt::Write as _;
        if self.events.is_empty() && self.threshold_ms == 0 {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n".to_string();
        }
        let mut report = String::new();
        let (mut slowlog_enabled, mut slowlog_tuning, mut slowlog_inspect) = (false, false, false);
        let (mut scheduler, mut hz, mut large_objects, mut mass_eviction) =
            (false, false, false, false);
        let mut advices = 0;
        for (number, (event, series)) in self.events.iter().enumerate() {
            if number == 0 {
                report.push_str("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
            }
            let (samples, avg, mad, period) = analyze(series, unix_now);
            let _ = write!(
                report,
                "{}. {event}: {samples} latency spikes (average {avg}ms, mean deviation {mad}ms, period {:.2} sec). Worst all time event {}ms.",
                number + 1,
                period as f64 / samples.max(1) as f64,
                series.max
            );
            match *event {
                "command" => {
                    if context.slowlog_threshold_us < 0 {
                        slowlog_enabled = true;
                        advices += 1;
                    } else if (context.slowlog_threshold_us / 1000) as u64 > self.threshold_ms {
                        slowlog_tuning = true;
                        advices += 1;
                    }
                    slowlog_inspect = true;
                    large_objects = true;
                    advices += 2;
                }
                "fast-command" => {
                    scheduler = true;
                    advices += 1;
                }
                "expire-cycle" => {
                    hz = true;
                    large_objects = true;
                    advices += 2;
                }
                "eviction-cycle" => {
                    mass_eviction = true;
                    advices += 1;
                }
                _ => {}
            }
            report.push('\n');
        }
        if self.events.is_empty() && advices == 0 {
            report.push_str("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
            return report;
        }
        if advices == 0 {
            report.push_str("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n");
            return report;
        }
        report.push_str("\nI have a few advices for you:\n\n");
        let threshold_us = self.threshold_ms * 1000;
        if slowlog_enabled {
            let _ = writeln!(report, "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {threshold_us}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.");
        }
        if slowlog_tuning {
            let _ = writeln!(report, "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {threshold_us}'.");
        }
        if slowlog_inspect {
            report.push_str("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
        }
        if scheduler {
            report.push_str("- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n  1) Lower the system load.\n  2) Use a computer / VM just for Redis if you are running other software in the same system.\n  3) Check if you have a \"noisy neighbour\" problem.\n  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n");
        }
        if hz && context.hz < 100 {
            report.push_str("- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n");
        }
        if large_objects {
            report.push_str("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n");
        }
        if mass_eviction {
            report.push_str("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n");
        }
        report
    }
}

/// Reporting levels: 1024 ns doubling, up to past Redis's 1 s maximum.
const LEVELS: usize = 21;
/// Redis's HDR histogram: values from 1 ns to 1 s.
const MIN_NS: u64 = 1;
const MAX_NS: u64 = 1_000_000_000;

/// The highest value (ns) of the HDR bucket holding the level `1024 << k` ns, with 2
/// significant digits (256 sub-buckets): the level plus its bucket's width, less one.
const fn level_top(k: usize) -> u64 {
    (1024u64 << k) + (8u64 << k) - 1
}

/// A command's latency histogram at LATENCY HISTOGRAM's reporting levels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Histogram {
    /// Durations whose HDR bucket is at or under each level, not counted lower.
    counts: [u64; LEVELS],
    /// Durations recorded.
    pub calls: u64,
}

impl Histogram {
    /// Counts a duration of `micros` µs (clamped to 1 ns .. 1 s, as Redis does).
    #[inline]
    pub fn record(&mut self, micros: u64) {
        let ns = micros.saturating_mul(1000).clamp(MIN_NS, MAX_NS);
        let level = (0..LEVELS)
            .find(|&k| ns <= level_top(k))
            .unwrap_or(LEVELS - 1);
        self.counts[level] += 1;
        self.calls += 1;
    }

    /// The report: (µs label, cumulative count) for each level where the count grew.
    pub fn report(&self) -> Vec<(u64, u64)> {
        let mut cumulative = 0;
        let mut out = Vec::new();
        for (k, &count) in self.counts.iter().enumerate() {
            if count > 0 {
                cumulative += count;
                out.push((level_top(k) / 1000, cumulative));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_keep_one_per_second_and_the_max() {
        let mut monitor = LatencyMonitor {
            threshold_ms: 100,
            ..LatencyMonitor::default()
        };
        monitor.add_if_needed("command", 50, 10);
        assert_eq!(monitor.events().count(), 0);
        monitor.add_if_needed("command", 300, 10);
        monitor.add_if_needed("command", 200, 10);
        monitor.add_if_needed("command", 400, 11);
        let series = monitor.series(b"command").unwrap();
        let samples: Vec<_> = series.samples().copied().collect();
        assert_eq!(
            samples,
            [
                Sample {
                    time: 10,
                    latency: 300
                },
                Sample {
                    time: 11,
                    latency: 400
                }
            ]
        );
        assert_eq!(series.max, 400);
        for second in 0..200 {
            monitor.add_if_needed("expire-cycle", 100, second);
        }
        assert_eq!(
            monitor.series(b"expire-cycle").unwrap().samples().count(),
            SERIES_LEN
        );
        assert_eq!(
            monitor.reset(Some(&[bytes::Bytes::from_static(b"nosuch")])),
            0
        );
        assert_eq!(monitor.reset(None), 2);
    }

    #[test]
    fn histogram_levels_are_redis_s() {
        let mut histogram = Histogram::default();
        // 0 µs counts as 1 ns; 1 µs is 1000 ns: both in the first level (1 µs).
        histogram.record(0);
        histogram.record(1);
        histogram.record(3);
        histogram.record(20_000_000);
        assert_eq!(histogram.calls, 4);
        // Redis's labels: 1, 2, 4, 8, 16, 33, 66, ... µs; 1 s and more in the last.
        assert_eq!(
            histogram.report(),
            [(1, 2), (4, 3), (level_top(LEVELS - 1) / 1000, 4)]
        );
        assert_eq!(level_top(5) / 1000, 33);
    }
}
