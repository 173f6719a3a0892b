//! Redis's latency monitor (`latency.c`) and per-command latency histograms.
//!
//! With `latency-monitor-threshold` above 0, every event that takes at least that many
//! milliseconds is a sample of its class (`command`, `fast-command`, `expire-cycle`,
//! `eviction-cycle`): each class keeps its last 160 samples, one per second (a later
//! sample of the same second keeps the larger latency), and the largest ever, for
//! LATENCY LATEST, HISTORY, GRAPH (Redis's sparkline, [`graph`]) and RESET.
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

/// Redis's HDR histogram for command latencies: values from 1 ns to 1 s with 2
/// significant digits (`hdr_init(1, 1000000000, 2)`): 256 sub-buckets per power of
/// two, 24 buckets of 128 counts each (the first holds 256).
const SUB_BUCKET_HALF_COUNT_MAGNITUDE: u32 = 7;
const SUB_BUCKET_HALF_COUNT: u64 = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
const SUB_BUCKET_MASK: u64 = (1 << (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1)) - 1;
const COUNTS_LEN: usize = 24 * SUB_BUCKET_HALF_COUNT as usize;
const MIN_NS: u64 = 1;
const MAX_NS: u64 = 1_000_000_000;

fn bucket_index(value: u64) -> u32 {
    let pow2_ceiling = 64 - (value | SUB_BUCKET_MASK).leading_zeros();
    pow2_ceiling - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1)
}

fn counts_index(value: u64) -> usize {
    let bucket = bucket_index(value);
    let sub_bucket = value >> bucket;
    // In the first bucket the sub-bucket may be under half the count: the index is
    // then the value itself.
    let base = (u64::from(bucket) + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    (base + sub_bucket - SUB_BUCKET_HALF_COUNT) as usize
}

fn value_at_index(index: usize) -> u64 {
    let mut bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) as i64 - 1;
    let mut sub_bucket = (index as u64 & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
    if bucket < 0 {
        sub_bucket -= SUB_BUCKET_HALF_COUNT;
        bucket = 0;
    }
    sub_bucket << bucket
}

/// The highest value in the same bucket as `value`.
fn highest_equivalent(value: u64) -> u64 {
    let bucket = bucket_index(value);
    let sub_bucket = value >> bucket;
    let lowest = sub_bucket << bucket;
    let width_bucket = if sub_bucket >= 2 * SUB_BUCKET_HALF_COUNT {
        bucket + 1
    } else {
        bucket
    };
    lowest + (1u64 << width_bucket) - 1
}

/// The lowest value in the same bucket as `value`.
fn lowest_equivalent(value: u64) -> u64 {
    let bucket = bucket_index(value);
    (value >> bucket) << bucket
}

/// A command's latencies, as Redis keeps them for LATENCY HISTOGRAM and INFO
/// latencystats; the counts are allocated on the first duration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: Option<Box<[u64]>>,
    /// Durations recorded.
    pub calls: u64,
}

impl Histogram {
    /// Counts a duration of `micros` µs (clamped to 1 ns .. 1 s, as Redis does).
    #[inline]
    pub fn record(&mut self, micros: u64) {
        let ns = micros.saturating_mul(1000).clamp(MIN_NS, MAX_NS);
        let counts = self
            .counts
            .get_or_insert_with(|| vec![0; COUNTS_LEN].into_boxed_slice());
        counts[counts_index(ns)] += 1;
        self.calls += 1;
    }

    /// LATENCY HISTOGRAM's distribution (Redis's `fillCommandCDF`): at 1024 ns and
    /// each doubling, the durations up to there, labelled with the top of the bucket
    /// holding the level in µs; only levels where the count grew.
    pub fn report(&self) -> Vec<(u64, u64)> {
        let Some(counts) = &self.counts else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut level = 1024u64;
        let mut cumulative = 0;
        let mut reported = 0;
        for (index, &count) in counts.iter().enumerate() {
            cumulative += count;
            let value = value_at_index(index);
            while value >= lowest_equivalent(level) {
                if cumulative > reported {
                    out.push((highest_equivalent(value) / 1000, cumulative));
                    reported = cumulative;
                }
                level *= 2;
            }
            if reported == self.calls {
                return out;
            }
        }
        // Durations past the last level reached: Redis's iterator runs out of buckets
        // and reports where it stopped, the top of the last bucket.
        if cumulative > reported {
            out.push((
                highest_equivalent(value_at_index(COUNTS_LEN - 1)) / 1000,
                cumulative,
            ));
        }
        out
    }

    /// The duration in µs at `percentile` (Redis's `hdr_value_at_percentile`, over
    /// 1000 as INFO latencystats prints it).
    pub fn percentile_micros(&self, percentile: f64) -> f64 {
        let Some(counts) = &self.counts else {
            return 0.0;
        };
        let wanted = ((percentile.min(100.0) / 100.0 * self.calls as f64) + 0.5) as u64;
        let wanted = wanted.max(1);
        let mut cumulative = 0;
        let index = counts
            .iter()
            .position(|&count| {
                cumulative += count;
                cumulative >= wanted
            })
            .unwrap_or(0);
        let value = value_at_index(index);
        let value = if percentile == 0.0 {
            lowest_equivalent(value)
        } else {
            highest_equivalent(value)
        };
        value as f64 / 1000.0
    }
}

/// Columns of a LATENCY GRAPH (Redis's `LATENCY_GRAPH_COLS`).
const GRAPH_COLUMNS: usize = 80;
/// Rows of its sparkline.
const GRAPH_ROWS: usize = 4;
/// The sparkline's characters, lowest first (Redis's `charset_fill`).
const GRAPH_CHARS: &[u8] = b"_o#";

/// LATENCY GRAPH of the class `event` at `unix_now` (Redis's
/// `latencyCommandGenSparkeline`): a header line, a rule, then the samples as a
/// filled sparkline, 80 columns a block, each labelled with how long ago it was.
pub fn graph(event: &str, series: &Series, unix_now: u64) -> String {
    let samples: Vec<&Sample> = series.samples().collect();
    let low = samples.iter().map(|s| s.latency).min().unwrap_or(0);
    let high = samples.iter().map(|s| s.latency).max().unwrap_or(0);
    let mut out = format!(
        "{event} - high {high} ms, low {low} ms (all time high {} ms)\n",
        series.max
    );
    out.push_str(&"-".repeat(GRAPH_COLUMNS));
    out.push('\n');
    let labels: Vec<Vec<u8>> = samples
        .iter()
        .map(|sample| ago(unix_now.saturating_sub(sample.time)).into_bytes())
        .collect();
    for (block, start) in (0..samples.len()).step_by(GRAPH_COLUMNS).enumerate() {
        if block > 0 {
            out.push('\n');
        }
        let end = (start + GRAPH_COLUMNS).min(samples.len());
        let column = |at: usize| (samples[at].latency, &labels[at][..]);
        let columns: Vec<(u64, &[u8])> = (start..end).map(column).collect();
        render_block(&mut out, &columns, (low, high));
    }
    out
}

/// How long ago, as Redis labels a sample: seconds, minutes, hours or days.
fn ago(elapsed: u64) -> String {
    match elapsed {
        0..60 => format!("{elapsed}s"),
        60..3600 => format!("{}m", elapsed / 60),
        3600..86_400 => format!("{}h", elapsed / 3600),
        _ => format!("{}d", elapsed / 86_400),
    }
}

/// Redis's `sparklineRenderRange` with `SPARKLINE_FILL`: the rows of the line, a
/// blank row, then the labels written downwards, one character a row.
fn render_block(out: &mut String, columns: &[(u64, &[u8])], (low, high): (u64, u64)) {
    let steps = GRAPH_CHARS.len() * GRAPH_ROWS;
    let range = match high - low {
        0 => 1.0,
        range => range as f64,
    };
    let step_of = |latency: u64| {
        let step = ((latency - low) as f64 * steps as f64 / range) as usize;
        step.min(steps - 1)
    };
    for row in 0..GRAPH_ROWS {
        let line: String = columns
            .iter()
            .map(|&(latency, _)| {
                let below = (GRAPH_ROWS - row - 1) * GRAPH_CHARS.len();
                match step_of(latency).checked_sub(below) {
                    Some(at) if at < GRAPH_CHARS.len() => char::from(GRAPH_CHARS[at]),
                    Some(_) => '|',
                    None => ' ',
                }
            })
            .collect();
        out.push_str(&line);
        out.push('\n');
    }
    // Every sample has a label, so a blank row separates them from the line.
    out.push_str(&" ".repeat(columns.len()));
    out.push('\n');
    let longest = columns
        .iter()
        .map(|(_, label)| label.len())
        .max()
        .unwrap_or(0);
    for at in 0..longest {
        let line: String = columns
            .iter()
            .map(|(_, label)| label.get(at).map_or(' ', |&b| char::from(b)))
            .collect();
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graph_is_redis_s_sparkline_with_age_labels() {
        let mut monitor = LatencyMonitor {
            threshold_ms: 1,
            ..LatencyMonitor::default()
        };
        for (latency, time) in [(10, 1000), (40, 1001), (25, 1002), (100, 1062)] {
            monitor.add_if_needed("command", latency, time);
        }
        let series = monitor.series(b"command").unwrap();
        // What Redis 7.0.15's sparkline.c draws for the same samples, 100 s after
        // the first.
        let expected = format!(
            "command - high 100 ms, low 10 ms (all time high 100 ms)\n{}\n   #\n   |\n o |\n\
             _|#|\n    \n1113\nmmm8\n   s\n",
            "-".repeat(80)
        );
        assert_eq!(graph("command", series, 1100), expected);
    }

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
        assert_eq!(histogram.report(), [(1, 2), (4, 3), (1_073_741, 4)]);
    }

    #[test]
    fn hdr_buckets_are_redis_s() {
        assert_eq!(counts_index(1), 1);
        assert_eq!(counts_index(255), 255);
        assert_eq!(counts_index(256), 256);
        assert_eq!(value_at_index(counts_index(1_000_000_000)), 998_244_352);
        assert_eq!(highest_equivalent(1024), 1031);
        assert_eq!(highest_equivalent(1000), 1003);
        assert!(counts_index(MAX_NS) < COUNTS_LEN);
        let mut histogram = Histogram::default();
        for micros in 1..=100 {
            histogram.record(micros);
        }
        assert_eq!(histogram.percentile_micros(50.0), 50.175);
        assert_eq!(histogram.percentile_micros(99.0), 99.327);
        assert_eq!(histogram.percentile_micros(100.0), 100.351);
    }
}
