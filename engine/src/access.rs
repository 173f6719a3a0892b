//! How entries remember being used: Redis's 24-bit LRU clock (seconds), or, when
//! `maxmemory-policy` is an LFU policy, its logarithmic access counter.
//!
//! In LFU mode the field holds `(minutes << 8) | counter`, as Redis's object header does:
//! a new key starts at 5, an access first decays the counter by one per
//! `lfu-decay-time` minutes elapsed and then increments it with probability
//! `1 / ((counter - 5) * lfu-log-factor + 1)`; `OBJECT FREQ` reports the decayed counter.
//! Switching the policy at runtime leaves old keys' fields to be read the other way,
//! as in Redis.

/// The counter a new key starts with (Redis's `LFU_INIT_VAL`).
const LFU_INIT_VAL: u32 = 5;
/// The LRU clock's range (24 bits of seconds).
const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;

/// The access-tracking rule in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccessPolicy {
    /// True under an LFU `maxmemory-policy`.
    pub lfu: bool,
    /// `lfu-log-factor`.
    pub lfu_log_factor: u32,
    /// `lfu-decay-time`, in minutes (0 = never decay).
    pub lfu_decay_time: u32,
}

fn lru_clock(now_ms: u64) -> u32 {
    ((now_ms / 1000) as u32) & LRU_CLOCK_MAX
}

fn minutes(now_ms: u64) -> u32 {
    ((now_ms / 60_000) & 0xffff) as u32
}

impl AccessPolicy {
    /// The field of a key created at `now_ms`.
    pub fn initial(&self, now_ms: u64) -> u32 {
        if self.lfu {
            (minutes(now_ms) << 8) | LFU_INIT_VAL
        } else {
            lru_clock(now_ms)
        }
    }

    /// The field after an access at `now_ms`; `random` is uniform in [0, 1).
    pub fn touched(&self, field: u32, now_ms: u64, random: f64) -> u32 {
        if !self.lfu {
            return lru_clock(now_ms);
        }
        let mut counter = self.frequency(field, now_ms);
        if counter < 255 {
            let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
            if random < 1.0 / (base * f64::from(self.lfu_log_factor) + 1.0) {
                counter += 1;
            }
        }
        (minutes(now_ms) << 8) | counter
    }

    /// The decayed LFU counter (`OBJECT FREQ`).
    pub fn frequency(&self, field: u32, now_ms: u64) -> u32 {
        let last = field >> 8;
        let counter = field & 0xff;
        let now = minutes(now_ms);
        let elapsed = if now >= last {
            now - last
        } else {
            65_535 - last + now
        };
        let periods = elapsed.checked_div(self.lfu_decay_time).unwrap_or(0);
        counter.saturating_sub(periods)
    }

    /// The field RESTORE sets from `FREQ` (under an LFU policy) or `IDLETIME` seconds
    /// (otherwise), as Redis's `objectSetLRUOrLFU`; `None` leaves a new key's field.
    pub fn restored(&self, frequency: Option<u32>, idle: Option<u64>, now_ms: u64) -> Option<u32> {
        if self.lfu {
            return frequency.map(|count| (minutes(now_ms) << 8) | count.min(255));
        }
        let idle = idle?;
        let clock = lru_clock(now_ms);
        Some(
            match u32::try_from(idle).ok().filter(|&idle| idle <= clock) {
                Some(idle) => clock - idle,
                // An idle time past the clock's start wraps to half the clock's range
                // ahead, so the key stays idle a long while.
                None => (clock + LRU_CLOCK_MAX / 2) % LRU_CLOCK_MAX,
            },
        )
    }

    /// Seconds since the last access (`OBJECT IDLETIME`), with the LRU clock's wrap.
    pub fn idle_seconds(field: u32, now_ms: u64) -> u64 {
        let now = lru_clock(now_ms);
        if now >= field {
            u64::from(now - field)
        } else {
            u64::from(now) + u64::from(LRU_CLOCK_MAX - field)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LFU: AccessPolicy = AccessPolicy {
        lfu: true,
        lfu_log_factor: 10,
        lfu_decay_time: 1,
    };

    #[test]
    fn new_keys_start_at_five() {
        assert_eq!(LFU.frequency(LFU.initial(60_000), 60_000), 5);
    }

    #[test]
    fn first_accesses_always_count() {
        let field = LFU.touched(LFU.initial(0), 0, 0.99);
        assert_eq!(LFU.frequency(field, 0), 6);
    }

    #[test]
    fn counters_decay_one_per_period() {
        let field = LFU.initial(0);
        assert_eq!(LFU.frequency(field, 3 * 60_000), 2);
        assert_eq!(LFU.frequency(field, 30 * 60_000), 0);
        let no_decay = AccessPolicy {
            lfu_decay_time: 0,
            ..LFU
        };
        assert_eq!(no_decay.frequency(field, 30 * 60_000), 5);
    }

    #[test]
    fn counters_stop_at_255() {
        let field = 255; // minute 0, counter 255
        assert_eq!(LFU.frequency(LFU.touched(field, 0, 0.0), 0), 255);
    }

    #[test]
    fn idle_time_survives_the_clock_wrap() {
        let field = LRU_CLOCK_MAX - 5;
        assert_eq!(AccessPolicy::idle_seconds(field, 4_000), 9);
        assert_eq!(AccessPolicy::idle_seconds(lru_clock(10_000), 15_000), 5);
    }
}
