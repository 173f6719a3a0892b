//! INFO's instantaneous rates: commands per second and network kbps, as Redis's cron
//! samples them (`trackInstantaneousMetric`) every 100 ms and averages the last 16
//! samples; and the time active expiry spends, for `expire_cycle_cpu_milliseconds`.

use std::time::Instant;

/// Samples averaged (Redis's `STATS_METRIC_SAMPLES`).
const SAMPLES: usize = 16;
/// The shortest gap between two samples (Redis's cron runs this every 100 ms).
const PERIOD_MS: u128 = 100;

/// One metric's rate samples.
#[derive(Debug, Clone, Copy, Default)]
struct Rate {
    samples: [u64; SAMPLES],
    next: usize,
    last_count: u64,
}

impl Rate {
    fn sample(&mut self, count: u64, elapsed_ms: u128) {
        let delta = u128::from(count.saturating_sub(self.last_count));
        self.samples[self.next] = (delta * 1000 / elapsed_ms.max(1)) as u64;
        self.next = (self.next + 1) % SAMPLES;
        self.last_count = count;
    }

    fn per_second(&self) -> u64 {
        self.samples.iter().sum::<u64>() / SAMPLES as u64
    }
}

/// The server's sampled rates and cron timings.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    last_sample: Option<Instant>,
    commands: Rate,
    input_bytes: Rate,
    output_bytes: Rate,
    /// Milliseconds active expiry has taken (`expire_cycle_cpu_milliseconds`).
    pub expire_cycle_ms: u64,
}

impl Metrics {
    /// Takes a sample of the counters if 100 ms have passed since the last one.
    pub fn sample(&mut self, commands: u64, input_bytes: u64, output_bytes: u64) {
        let now = Instant::now();
        let Some(last) = self.last_sample else {
            self.last_sample = Some(now);
            (self.commands.last_count, self.input_bytes.last_count) = (commands, input_bytes);
            self.output_bytes.last_count = output_bytes;
            return;
        };
        let elapsed = now.duration_since(last).as_millis();
        if elapsed < PERIOD_MS {
            return;
        }
        self.last_sample = Some(now);
        self.commands.sample(commands, elapsed);
        self.input_bytes.sample(input_bytes, elapsed);
        self.output_bytes.sample(output_bytes, elapsed);
    }

    /// `instantaneous_ops_per_sec`.
    pub fn ops_per_sec(&self) -> u64 {
        self.commands.per_second()
    }

    /// `instantaneous_input_kbps` and `instantaneous_output_kbps`.
    pub fn kbps(&self) -> (f64, f64) {
        (
            self.input_bytes.per_second() as f64 / 1024.0,
            self.output_bytes.per_second() as f64 / 1024.0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_average_the_last_sixteen_samples() {
        let mut rate = Rate::default();
        rate.sample(100, 100); // 1000/s
        assert_eq!(rate.per_second(), 1000 / 16);
        for n in 2..=17 {
            rate.sample(n * 100, 100);
        }
        assert_eq!(rate.per_second(), 1000);
    }
}
