//! WATCH bookkeeping: which clients watch which keys, and whose transaction a change
//! has spoiled.
//!
//! Redis's rules, kept here: a write that changes a watched key marks every client
//! watching it dirty (its next EXEC answers a null array). A key that had already
//! expired when it was watched is logically missing, so its deletion by expiry is no
//! change; only a later write to it counts. FLUSHDB, FLUSHALL and SWAPDB spoil the
//! watches of keys that existed in an affected database.

use std::collections::{HashMap, HashSet};

/// One client's watch on one key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Watcher {
    db: usize,
    client: u64,
    /// The key had expired (but was not yet deleted) when WATCH ran.
    expired: bool,
}

/// Every watch of every client of an engine.
#[derive(Debug, Clone, Default)]
pub struct Watches {
    by_key: HashMap<Vec<u8>, Vec<Watcher>>,
    by_client: HashMap<u64, Vec<(usize, Vec<u8>)>>,
    dirty: HashSet<u64>,
}

impl Watches {
    /// True when no client watches anything (the common case, checked on every write).
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// `client` watches `key` in `db`; `expired` tells whether the key is present but
    /// already expired. Watching a key twice is one watch.
    pub fn watch(&mut self, client: u64, db: usize, key: &[u8], expired: bool) {
        let keys = self.by_client.entry(client).or_default();
        if keys.iter().any(|(d, k)| *d == db && k == key) {
            return;
        }
        keys.push((db, key.to_vec()));
        self.by_key.entry(key.to_vec()).or_default().push(Watcher {
            db,
            client,
            expired,
        });
    }

    /// Forgets every watch of `client` and its dirty mark (UNWATCH, EXEC, DISCARD,
    /// disconnect).
    pub fn unwatch_all(&mut self, client: u64) {
        self.dirty.remove(&client);
        let Some(keys) = self.by_client.remove(&client) else {
            return;
        };
        for (db, key) in keys {
            if let Some(watchers) = self.by_key.get_mut(&key) {
                watchers.retain(|w| !(w.client == client && w.db == db));
                if watchers.is_empty() {
                    self.by_key.remove(&key);
                }
            }
        }
    }

    /// True when a change since WATCH spoiled `client`'s transaction.
    pub fn is_dirty(&self, client: u64) -> bool {
        self.dirty.contains(&client)
    }

    /// `client`'s watched keys that were live when watched, for EXEC's check that
    /// none has expired since.
    pub fn live_when_watched(&self, client: u64) -> Vec<(usize, &[u8])> {
        let Some(keys) = self.by_client.get(&client) else {
            return Vec::new();
        };
        keys.iter()
            .filter(|(db, key)| {
                self.by_key.get(key).is_some_and(|watchers| {
                    watchers
                        .iter()
                        .any(|w| w.client == client && w.db == *db && !w.expired)
                })
            })
            .map(|(db, key)| (*db, key.as_slice()))
            .collect()
    }

    /// `key` in `db` changed; `present` tells whether the key is (physically) in the
    /// database now.
    pub fn touch(&mut self, db: usize, key: &[u8], present: bool) {
        let Some(watchers) = self.by_key.get_mut(key) else {
            return;
        };
        for watcher in watchers.iter_mut().filter(|w| w.db == db) {
            if watcher.expired {
                // An already expired key is gone: no logical change, but from now
                // on the key counts as missing rather than expired.
                if !present {
                    watcher.expired = false;
                }
                continue;
            }
            self.dirty.insert(watcher.client);
        }
    }

    /// `db` was emptied or swapped (Redis's `touchAllWatchedKeysInDb`). `state` tells
    /// of each watched key whether it existed in `db` (expired or not), and whether
    /// the database taking its place holds it (`Some(expired)`) or not (`None`).
    /// Keys logically missing before and after are no change: an expired key deleted
    /// or replaced by another expired one, or a missing key replaced by an expired one.
    pub fn touch_db(&mut self, db: usize, state: impl Fn(&[u8]) -> (bool, Option<bool>)) {
        for (key, watchers) in &mut self.by_key {
            let (existed, replacement) = state(key);
            if !existed && replacement.is_none() {
                continue;
            }
            for watcher in watchers.iter_mut().filter(|w| w.db == db) {
                if watcher.expired {
                    match replacement {
                        // Deleted: from now on the key counts as missing, not expired.
                        None => {
                            watcher.expired = false;
                            continue;
                        }
                        Some(true) => continue,
                        Some(false) => {}
                    }
                } else if !existed && replacement == Some(true) {
                    watcher.expired = true;
                    continue;
                }
                self.dirty.insert(watcher.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_to_a_watched_key_spoils_every_watcher() {
        let mut watches = Watches::default();
        watches.watch(1, 0, b"k", false);
        watches.watch(2, 0, b"k", false);
        watches.watch(3, 1, b"k", false);
        watches.touch(0, b"k", true);
        assert!(watches.is_dirty(1) && watches.is_dirty(2));
        assert!(!watches.is_dirty(3));
    }

    #[test]
    fn the_deletion_of_an_already_expired_key_is_no_change() {
        let mut watches = Watches::default();
        watches.watch(1, 0, b"k", true);
        watches.touch(0, b"k", false);
        assert!(!watches.is_dirty(1));
        watches.touch(0, b"k", true);
        assert!(watches.is_dirty(1));
    }

    #[test]
    fn unwatch_forgets_the_keys_and_the_dirty_mark() {
        let mut watches = Watches::default();
        watches.watch(1, 0, b"k", false);
        watches.touch(0, b"k", true);
        watches.unwatch_all(1);
        assert!(!watches.is_dirty(1));
        assert!(watches.is_empty());
    }

    #[test]
    fn emptying_or_swapping_a_database_spoils_only_logical_changes() {
        let mut watches = Watches::default();
        // Client 1 watches a live key, 2 an expired one, 3 a missing one.
        watches.watch(1, 0, b"live", false);
        watches.watch(2, 0, b"stale", true);
        watches.watch(3, 0, b"missing", false);
        // Replacements: the stale key by another stale one, the missing one by a
        // stale one: no change for 2 and 3.
        watches.touch_db(0, |key| match key {
            b"live" => (true, Some(false)),
            b"stale" => (true, Some(true)),
            _ => (false, Some(true)),
        });
        assert!(watches.is_dirty(1));
        assert!(!watches.is_dirty(2) && !watches.is_dirty(3));
        // The missing key now counts as expired: its deletion is no change either,
        // but a live replacement of the stale key is.
        watches.touch_db(0, |key| match key {
            b"stale" => (true, Some(false)),
            _ => (true, None),
        });
        assert!(watches.is_dirty(2));
        assert!(!watches.is_dirty(3));
    }
}
