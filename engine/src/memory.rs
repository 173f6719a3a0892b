//! Process-level figures for INFO and MEMORY STATS: the memory in use (and the highest
//! seen), resident memory, CPU time; and [`CountingAllocator`], the global allocator
//! wrapper that makes "memory in use" the allocator's own count, as Redis's zmalloc
//! does.
//!
//! A program that installs [`CountingAllocator`] (`kvdb-server` does) gets Redis's
//! `used_memory`: the bytes its allocations hold now. That figure is what `maxmemory`
//! is enforced against, because it falls as soon as keys are deleted; the resident set
//! size, which an engine embedded without the wrapper falls back to, does not (the
//! allocator keeps freed pages), so `maxmemory` needs the wrapper (see
//! [`is_counting`]).
//!
//! Counting costs one plain load and store per allocation: each thread adds to a
//! counter slot of its own (no atomic read-modify-write, no shared cache line), and a
//! reader sums the slots. Threads past the slots share one atomic counter.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Threads that get a counter slot of their own; later ones share [`SHARED_SLOT`].
const SLOTS: usize = 256;

/// One thread's running total of bytes allocated minus bytes freed, alone on its
/// cache line. It may go negative (a thread freeing what another allocated).
#[repr(align(64))]
struct Slot(AtomicI64);

static THREAD_SLOTS: [Slot; SLOTS] = [const { Slot(AtomicI64::new(0)) }; SLOTS];
/// Threads beyond [`SLOTS`] add here, atomically.
static SHARED_SLOT: Slot = Slot(AtomicI64::new(0));
/// Slots handed out so far; non-zero once the wrapper has counted anything.
static SLOTS_TAKEN: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread's slot; `usize::MAX` until its first allocation. No destructor,
    /// so the allocator may read it at any point of a thread's life.
    static THREAD_SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// Adds `delta` bytes to the calling thread's count.
fn count(delta: i64) {
    let index = THREAD_SLOT.with(|slot| {
        let mut index = slot.get();
        if index == usize::MAX {
            index = SLOTS_TAKEN.fetch_add(1, Ordering::Relaxed);
            slot.set(index);
        }
        index
    });
    match THREAD_SLOTS.get(index) {
        // Only this thread writes its slot: a plain load and store suffice, and
        // readers see each store whole.
        Some(Slot(own)) => own.store(
            own.load(Ordering::Relaxed).wrapping_add(delta),
            Ordering::Relaxed,
        ),
        None => {
            SHARED_SLOT.0.fetch_add(delta, Ordering::Relaxed);
        }
    }
}

/// A global allocator that counts the bytes `A` holds for the program, so that
/// `used_memory` is Redis's figure and `maxmemory` can be enforced. Install it with
/// `#[global_allocator] static A: CountingAllocator<System> = CountingAllocator::new(System);`.
#[derive(Debug, Default)]
pub struct CountingAllocator<A>(A);

impl<A> CountingAllocator<A> {
    /// Wraps `inner`, which does the allocating.
    pub const fn new(inner: A) -> Self {
        CountingAllocator(inner)
    }
}

// SAFETY: every call is forwarded unchanged to `A`, which upholds GlobalAlloc's
// contract; the wrapper only adds to counters, which never allocates.
#[allow(unsafe_code)]
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `layout` are passed on.
        let block = unsafe { self.0.alloc(layout) };
        if !block.is_null() {
            count(layout.size() as i64);
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let block = unsafe { self.0.alloc_zeroed(layout) };
        if !block.is_null() {
            count(layout.size() as i64);
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: `block` came from this allocator with `layout`, hence from `A`.
        unsafe { self.0.dealloc(block, layout) };
        count(-(layout.size() as i64));
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; `new_size` is the caller's to vouch for.
        let moved = unsafe { self.0.realloc(block, layout, new_size) };
        if !moved.is_null() {
            count(new_size as i64 - layout.size() as i64);
        }
        moved
    }
}

/// True when the process allocates through [`CountingAllocator`]: `used_memory` is
/// then the counted figure and `maxmemory` can be enforced.
pub fn is_counting() -> bool {
    SLOTS_TAKEN.load(Ordering::Relaxed) > 0
}

/// Bytes allocated through [`CountingAllocator`] and not freed yet (0 without it).
pub fn counted_bytes() -> u64 {
    let shared = SHARED_SLOT.0.load(Ordering::Relaxed);
    let taken = SLOTS_TAKEN.load(Ordering::Relaxed).min(SLOTS);
    let total = THREAD_SLOTS[..taken].iter().fold(shared, |sum, slot| {
        sum.wrapping_add(slot.0.load(Ordering::Relaxed))
    });
    u64::try_from(total).unwrap_or(0)
}

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

/// The highest figure [`used_bytes`] has read.
static PEAK: AtomicU64 = AtomicU64::new(0);

/// `used_memory` and `used_memory_peak`: the memory in use now ([`counted_bytes`]
/// under [`CountingAllocator`], else the resident set size), and the highest read so
/// far (this one included).
pub fn used_bytes() -> (u64, u64) {
    let used = current_bytes();
    let peak = PEAK.fetch_max(used, Ordering::Relaxed).max(used);
    (used, peak)
}

/// The calling thread's net count: bytes it allocated minus bytes it freed through
/// [`CountingAllocator`] (0 without it). The difference across an operation is what
/// that operation allocated, or freed, on this thread alone.
pub fn thread_bytes() -> i64 {
    let index = THREAD_SLOT.with(Cell::get);
    match THREAD_SLOTS.get(index) {
        Some(slot) => slot.0.load(Ordering::Relaxed),
        None if index == usize::MAX => 0,
        None => SHARED_SLOT.0.load(Ordering::Relaxed),
    }
}

/// The memory in use now: [`counted_bytes`] under [`CountingAllocator`], else the
/// resident set size.
pub fn current_bytes() -> u64 {
    if is_counting() {
        counted_bytes()
    } else {
        resident_bytes()
    }
}

/// Resident set size in bytes (`used_memory_rss`), from `/proc/self/statm`.
pub fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|text| text.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// The machine's memory in bytes (`total_system_memory`), from `/proc/meminfo`.
pub fn total_system_bytes() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|line| line.starts_with("MemTotal:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kib| kib * 1024)
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
    fn allocations_are_counted_on_their_thread() {
        // The engine's test binary allocates through CountingAllocator (lib.rs).
        assert!(is_counting());
        let before = thread_bytes();
        let block = vec![7u8; 1 << 20];
        assert!(counted_bytes() >= 1 << 20);
        // Past the first SLOTS threads (a test binary makes one per test), threads
        // share one count, which the others move meanwhile.
        if THREAD_SLOT.with(Cell::get) >= SLOTS {
            return;
        }
        assert!(thread_bytes() - before >= 1 << 20);
        // Freed on another thread: that thread's count falls, this one's stays.
        std::thread::spawn(move || drop(block)).join().unwrap();
        assert!(thread_bytes() - before >= 1 << 20);
    }

    #[test]
    fn process_figures_are_readable() {
        assert!(resident_bytes() > 0);
        let (user, system) = cpu_seconds();
        assert!(user >= 0.0 && system >= 0.0);
    }
}
