//! The security log (`ACL LOG`): refused commands and failed logins, newest first.
//! Like Redis, an event that repeats one of the ten newest entries within a minute
//! (same reason, context, object and user) counts into it instead of adding one.

use std::collections::VecDeque;

use bytes::Bytes;

/// Events this close together (ms) may be counted as one.
const GROUPING_MS: u64 = 60_000;
/// How many of the newest entries a new event is compared with.
const GROUPING_SCAN: usize = 10;

/// What was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A command.
    Command,
    /// A key.
    Key,
    /// A channel.
    Channel,
    /// A login.
    Auth,
}

impl Reason {
    /// The name ACL LOG shows.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Command => "command",
            Reason::Key => "key",
            Reason::Channel => "channel",
            Reason::Auth => "auth",
        }
    }
}

/// Where the refused command came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A client's own command.
    Toplevel,
    /// A command queued by MULTI (or run by EXEC).
    Multi,
    /// A command a script called.
    Lua,
}

impl Context {
    /// The name ACL LOG shows.
    pub fn name(self) -> &'static str {
        match self {
            Context::Toplevel => "toplevel",
            Context::Multi => "multi",
            Context::Lua => "lua",
        }
    }
}

/// One entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// How many events it stands for.
    pub count: u64,
    /// What was refused.
    pub reason: Reason,
    /// Where.
    pub context: Context,
    /// The command's full name, the key or channel, or for a login the command.
    pub object: Bytes,
    /// The user.
    pub username: Bytes,
    /// When it last happened (ms).
    pub time_ms: u64,
    /// CLIENT INFO of the client it last happened to.
    pub client_info: String,
}

impl LogEntry {
    fn same_event(&self, other: &LogEntry) -> bool {
        self.reason == other.reason
            && self.context == other.context
            && self.time_ms.abs_diff(other.time_ms) <= GROUPING_MS
            && self.object == other.object
            && self.username == other.username
    }
}

/// The log.
#[derive(Debug, Clone, Default)]
pub struct AclLog {
    entries: VecDeque<LogEntry>,
}

impl AclLog {
    /// Records `entry`, keeping at most `max_len` entries (Redis's `addACLLogEntry`).
    pub fn add(&mut self, entry: LogEntry, max_len: usize) {
        let scanned = self.entries.len().min(GROUPING_SCAN);
        if let Some(at) = (0..scanned).find(|&at| self.entries[at].same_event(&entry)) {
            let mut existing = self.entries.remove(at).expect("index in range");
            existing.count += 1;
            existing.time_ms = entry.time_ms;
            existing.client_info = entry.client_info;
            self.entries.push_front(existing);
            return;
        }
        self.entries.push_front(entry);
        self.entries.truncate(max_len);
    }

    /// The newest `count` entries.
    pub fn newest(&self, count: usize) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter().take(count)
    }

    /// Forgets every entry (`ACL LOG RESET`).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(object: &str, time_ms: u64) -> LogEntry {
        LogEntry {
            count: 1,
            reason: Reason::Key,
            context: Context::Toplevel,
            object: Bytes::copy_from_slice(object.as_bytes()),
            username: Bytes::from_static(b"bob"),
            time_ms,
            client_info: format!("at {time_ms}"),
        }
    }

    #[test]
    fn repeated_events_count_into_their_entry_and_move_it_first() {
        let mut log = AclLog::default();
        log.add(entry("a", 0), 128);
        log.add(entry("b", 1), 128);
        log.add(entry("a", 2), 128);
        let entries: Vec<_> = log.newest(10).collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            (entries[0].object.as_ref(), entries[0].count),
            (&b"a"[..], 2)
        );
        assert_eq!(entries[0].client_info, "at 2");
        assert_eq!(entries[1].object.as_ref(), b"b");
    }

    #[test]
    fn events_a_minute_apart_or_past_the_tenth_entry_are_new() {
        let mut log = AclLog::default();
        log.add(entry("a", 0), 128);
        log.add(entry("a", GROUPING_MS + 1), 128);
        assert_eq!(log.newest(10).count(), 2);
        let mut log = AclLog::default();
        log.add(entry("old", 0), 128);
        for at in 0..10 {
            log.add(entry(&format!("k{at}"), 1), 128);
        }
        log.add(entry("old", 2), 128);
        assert_eq!(log.newest(100).count(), 12);
    }

    #[test]
    fn the_log_keeps_the_newest_max_len_entries() {
        let mut log = AclLog::default();
        for at in 0..5 {
            log.add(entry(&format!("k{at}"), 0), 3);
        }
        let objects: Vec<_> = log.newest(10).map(|e| e.object.clone()).collect();
        assert_eq!(objects, ["k4", "k3", "k2"]);
    }
}
