//! Process-level figures for INFO: allocated bytes, resident memory, CPU time.
//!
//! The engine cannot see the allocator of the program embedding it, so the binary
//! registers a probe ([`set_allocated_probe`]) backed by its counting global allocator;
//! without one, `used_memory` falls back to the resident set size.

use std::sync::OnceLock;

static ALLOCATED_PROBE: OnceLock<fn() -> u64> = OnceLock::new();

/// Registers the function that reports bytes currently allocated (first call wins).
pub fn set_allocated_probe(probe: fn() -> u64) {
    let _ = ALLOCATED_PROBE.set(probe);
}

/// Bytes currently allocated (`used_memory`).
pub fn allocated_bytes() -> u64 {
    match ALLOCATED_PROBE.get() {
        Some(probe) => probe(),
        None => resident_bytes(),
    }
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
