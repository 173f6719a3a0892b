//! Freeing large values away from the engine's lock, as Redis's `lazyfree.c` does.
//!
//! UNLINK, FLUSHDB/FLUSHALL ASYNC, and DEL, flushes, expiry, eviction and the server's
//! own deletes and overwrites when the matching `lazyfree-lazy-*` setting is on, hand
//! what they remove to a background thread
//! instead of freeing it while every client waits. A single value goes there only when
//! freeing it is worth a hand-off: its free effort (Redis's `lazyfreeGetFreeEffort`,
//! roughly its allocations) passes [`LAZYFREE_THRESHOLD`]; a flushed database always
//! does. `INFO memory` reports the objects waiting (`lazyfree_pending_objects`) and
//! those freed so far (`lazyfreed_objects`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, OnceLock};

use crate::keyspace::Db;
use crate::rdb::RdbSettings;
use crate::types::Value;

/// Values with a free effort up to this are freed at once (Redis's
/// `LAZYFREE_THRESHOLD`).
pub const LAZYFREE_THRESHOLD: usize = 64;

/// The `lazyfree-lazy-*` settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LazySettings {
    /// `list-max-listpack-size`, which sets a list's node count (its free effort).
    pub list_fill: i64,
    /// `lazyfree-lazy-user-del`: DEL frees as UNLINK does.
    pub user_del: bool,
    /// `lazyfree-lazy-user-flush`: FLUSHDB/FLUSHALL without a mode flush asynchronously.
    pub user_flush: bool,
    /// `lazyfree-lazy-expire`: expired keys are freed in the background (and
    /// propagated as UNLINK, not DEL).
    pub expire: bool,
    /// `lazyfree-lazy-eviction`: evicted keys are freed in the background (and
    /// propagated as UNLINK, not DEL).
    pub eviction: bool,
    /// `lazyfree-lazy-server-del`: values the server deletes or overwrites (a store
    /// command's destination, RENAME's, SET over a key) are freed in the background.
    pub server_del: bool,
    /// List elements of at least this many bytes are quicklist nodes of their own
    /// (`DEBUG QUICKLIST-PACKED-THRESHOLD`), which a list's free effort counts.
    pub packed_threshold: usize,
}

/// What the background thread frees (a value, or a whole database's contents): it
/// is only dropped there.
type Garbage = Box<dyn Send>;

/// What the freeing thread receives: garbage and how many objects it counts for.
type Job = (Garbage, u64);

/// Objects handed over and not yet freed, and freed so far.
#[derive(Debug, Default)]
struct Counts {
    pending: AtomicU64,
    freed: AtomicU64,
}

/// The background freeing of one engine: its settings, its counters, and the thread
/// (started on first use) that frees what it is sent.
#[derive(Debug, Clone, Default)]
pub struct LazyFree {
    /// The `lazyfree-lazy-*` settings in force.
    pub settings: LazySettings,
    counts: Arc<Counts>,
    worker: Arc<OnceLock<Option<Sender<Job>>>>,
}

impl LazyFree {
    /// `lazyfree_pending_objects`: objects handed over and not yet freed.
    pub fn pending(&self) -> u64 {
        self.counts.pending.load(Ordering::Relaxed)
    }

    /// `lazyfreed_objects`: objects the background thread has freed.
    pub fn freed(&self) -> u64 {
        self.counts.freed.load(Ordering::Relaxed)
    }

    /// Zeroes `lazyfreed_objects` (CONFIG RESETSTAT).
    pub fn reset_stats(&self) {
        self.counts.freed.store(0, Ordering::Relaxed);
    }

    /// Frees `value`, in the background when its free effort passes the threshold
    /// (Redis's `freeObjAsync`).
    pub fn free_value(&self, value: Value) {
        let settings = RdbSettings {
            compress: false,
            list_fill: self.settings.list_fill,
            packed_threshold: self.settings.packed_threshold,
        };
        if free_effort(&value, settings, LAZYFREE_THRESHOLD) > LAZYFREE_THRESHOLD {
            self.hand_over(Box::new(value), 1);
        }
    }

    /// Frees a flushed database's contents, holding `keys` keys, in the background
    /// (Redis's `emptyDbAsync`: counted as `keys` objects, whatever their size).
    pub fn free_database(&self, contents: Db, keys: u64) {
        self.hand_over(Box::new(contents), keys);
    }

    fn hand_over(&self, garbage: Garbage, objects: u64) {
        let counts = &self.counts;
        counts.pending.fetch_add(objects, Ordering::Relaxed);
        let worker = self
            .worker
            .get_or_init(|| start_worker(self.counts.clone()));
        let unsent = match worker {
            Some(sender) => sender
                .send((garbage, objects))
                .err()
                .map(|error| error.0 .0),
            None => Some(garbage),
        };
        // Without a thread, freed here and now, and counted as freed all the same.
        if let Some(garbage) = unsent {
            drop(garbage);
            counts.pending.fetch_sub(objects, Ordering::Relaxed);
            counts.freed.fetch_add(objects, Ordering::Relaxed);
        }
    }
}

/// Starts the thread that frees what it receives; `None` if no thread can be started.
fn start_worker(counts: Arc<Counts>) -> Option<Sender<Job>> {
    let (sender, receiver) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("kvdb-lazyfree".into())
        .spawn(move || {
            for (garbage, objects) in receiver {
                drop(garbage);
                counts.pending.fetch_sub(objects, Ordering::Relaxed);
                counts.freed.fetch_add(objects, Ordering::Relaxed);
            }
        })
        .ok()?;
    Some(sender)
}

/// How much work freeing `value` is, as Redis's `lazyfreeGetFreeEffort` counts it:
/// a list's quicklist nodes, a hash table's or skiplist's elements, a stream's radix
/// tree nodes plus its groups times (1 + the first group's pending entries); 1 for
/// everything kept in one allocation (strings, listpacks, intsets). Counting stops
/// once the effort is known to pass `enough` (Redis keeps these counts; kvdb walks a
/// list or a stream's nodes to find them, which must not cost a big value's size
/// under the engine's lock), answering some number past it.
pub fn free_effort(value: &Value, settings: RdbSettings, enough: usize) -> usize {
    match value {
        Value::List(list) => crate::rdb::quicklist_node_count(list, settings, enough),
        Value::Set(set) if set.encoding_name() == "hashtable" => set.len(),
        Value::ZSet(zset) if zset.encoding_name() == "skiplist" => zset.len(),
        Value::Hash(hash) if hash.encoding_name() == "hashtable" => hash.len(),
        // The radix tree has a node per stream node and more.
        Value::Stream(stream) if stream.nodes().len() > enough => stream.nodes().len(),
        Value::Stream(stream) => {
            let groups = stream.groups.len();
            let first_pending = stream.groups.values().next().map_or(0, |g| g.pending.len());
            stream.radix_tree_nodes() + groups * (1 + first_pending)
        }
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{List, StrEncoding, StrValue};

    fn settings() -> RdbSettings {
        RdbSettings {
            compress: false,
            list_fill: -2,
            packed_threshold: crate::rdb::DEFAULT_PACKED_THRESHOLD,
        }
    }

    fn list_of(elements: usize, len: usize) -> Value {
        let mut list = List::default();
        for _ in 0..elements {
            list.push_back(StrValue::copied(&vec![b'x'; len], StrEncoding::Raw));
        }
        Value::List(Box::new(list))
    }

    #[test]
    fn strings_and_small_lists_are_one_allocation_or_node() {
        let all = usize::MAX;
        assert_eq!(free_effort(&Value::string(b"abc"), settings(), all), 1);
        // 100 small elements fit one 8 KiB node.
        assert_eq!(free_effort(&list_of(100, 10), settings(), all), 1);
        // 1 KiB elements: 7 to a node.
        assert!(free_effort(&list_of(1000, 1024), settings(), all) > LAZYFREE_THRESHOLD);
        // Counting stops past what the caller needs to know.
        assert_eq!(free_effort(&list_of(1000, 1024), settings(), 10), 11);
    }

    #[test]
    fn node_counts_agree_with_the_shape_dump_uses() {
        for (elements, len, threshold) in [
            (0, 1, 1 << 30),
            (500, 30, 1 << 30),
            (300, 900, 1 << 30),
            (50, 20, 10),
            (9, 5000, 1 << 30),
        ] {
            let Value::List(list) = list_of(elements, len) else {
                unreachable!()
            };
            let settings = RdbSettings {
                packed_threshold: threshold,
                ..settings()
            };
            assert_eq!(
                crate::rdb::quicklist_node_count(&list, settings, usize::MAX),
                crate::rdb::quicklist_shape(&list, settings).nodes,
                "{elements} elements of {len} bytes"
            );
        }
    }

    #[test]
    fn big_values_are_freed_in_the_background_and_counted() {
        let mut lazy = LazyFree::default();
        lazy.settings.list_fill = -2;
        lazy.settings.packed_threshold = crate::rdb::DEFAULT_PACKED_THRESHOLD;
        lazy.free_value(list_of(1000, 1024));
        lazy.free_value(Value::string(b"small"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while lazy.pending() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!((lazy.pending(), lazy.freed()), (0, 1));
        lazy.reset_stats();
        assert_eq!(lazy.freed(), 0);
    }
}
