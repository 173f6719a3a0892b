//! Process-level figures for INFO and MEMORY STATS: resident memory (and the highest
//! seen), CPU time.
//!
//! `used_memory` is the resident set size: the engine cannot see the allocator of the
//! program embedding it, and a counting allocator would cost an atomic per allocation
//! (docs/decisions.md). The peak is the highest figure read so far.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The allocator INFO's `mem_allocator` names. The global allocator belongs to the
/// process, and only the program (not the engine) knows which it is.
static ALLOCATOR_NAME: OnceLock<&'static str> = OnceLock::new();

/// Names the process's global allocator for INFO (`kvdb-server` says `mimalloc`);
/// the first call wins.
pub fn set_allocator_name(name: &'static str) {
    let _ = ALLOCATOR_NAME.set(name);
}

/// INFO's `mem_allocator`: what [`set_allocator_name`] said, or `libc`.
pub fn allocator_name() -> &'static str {
    ALLOCATOR_NAME.get().copied().unwrap_or("libc")
}

/// The highest resident set size [`used_bytes`] has read.
static PEAK: AtomicU64 = AtomicU64::new(0);

/// `used_memory` and `used_memory_peak`: the resident set size now, and the highest
/// read so far (this one included).
pub fn used_bytes() -> (u64, u64) {
    let used = resident_bytes();
    let peak = PEAK.fetch_max(used, Ordering::Relaxed).max(used);
    (used, peak)
}

/// Resident set size in bytes (`used_memory_rss`), from `/proc/self/statm`.
pub fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|text| text.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// (user, system) CPU seconds of this process, from `/proc/self/stat`.
pub fn cpu_seconds() -> (f64, f64) {
    let Ok(text) = std::fs::read_to_string("/proc/self/stat") else {
        return (0.0, 0.0);
    };
    // Fields after the parenthesised command name; utime and stime are the 12th and
    // 13th of them, in clock ticks (100 per second on Linux).
    let after_name = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) / 100.0, ticks(12) / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_figures_are_readable() {
        assert!(resident_bytes() > 0);
        let (user, system) = cpu_seconds();
        assert!(user >= 0.0 && system >= 0.0);
    }
}
