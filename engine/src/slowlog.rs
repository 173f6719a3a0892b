//! The slow log: commands that took at least `slowlog-log-slower-than` microseconds
//! (negative: none; 0: every command), newest first, at most `slowlog-max-len`.
//!
//! As in Redis: each entry keeps at most 32 arguments (the last slot then says how
//! many more there were) and at most 128 bytes of each (then how many more bytes),
//! with the client's address and name at the time.

use std::collections::VecDeque;

use bytes::Bytes;

/// Most arguments an entry keeps (Redis's `SLOWLOG_ENTRY_MAX_ARGC`).
const MAX_ARGS: usize = 32;
/// Most bytes of one argument an entry keeps (Redis's `SLOWLOG_ENTRY_MAX_STRING`).
const MAX_ARG_BYTES: usize = 128;

/// One logged command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowEntry {
    /// Increasing id.
    pub id: u64,
    /// When it ran, Unix seconds.
    pub time: u64,
    /// How long it took, in microseconds.
    pub duration_us: u64,
    /// Its arguments, shortened as described above.
    pub argv: Vec<Bytes>,
    /// The client's address.
    pub peer: String,
    /// The client's name.
    pub name: Vec<u8>,
}

/// The slow log and its settings.
#[derive(Debug, Clone)]
pub struct SlowLog {
    entries: VecDeque<SlowEntry>,
    next_id: u64,
    /// `slowlog-log-slower-than`, in microseconds.
    pub threshold_us: i64,
    /// `slowlog-max-len`.
    pub max_len: usize,
}

impl Default for SlowLog {
    /// Redis's defaults: 10 ms, 128 entries.
    fn default() -> Self {
        SlowLog {
            entries: VecDeque::new(),
            next_id: 0,
            threshold_us: 10_000,
            max_len: 128,
        }
    }
}

impl SlowLog {
    /// True when a command that took `duration_us` belongs in the log.
    pub fn is_slow(&self, duration_us: u64) -> bool {
        self.threshold_us >= 0 && duration_us >= self.threshold_us as u64
    }

    /// Logs a command.
    pub fn record(&mut self, argv: &[Bytes], time: u64, duration_us: u64, peer: &str, name: &[u8]) {
        let kept = argv.len().min(MAX_ARGS);
        let mut args: Vec<Bytes> = argv[..kept]
            .iter()
            .map(|arg| {
                if arg.len() > MAX_ARG_BYTES {
                    let mut short = arg[..MAX_ARG_BYTES].to_vec();
                    short.extend_from_slice(
                        format!("... ({} more bytes)", arg.len() - MAX_ARG_BYTES).as_bytes(),
                    );
                    Bytes::from(short)
                } else {
                    Bytes::copy_from_slice(arg)
                }
            })
            .collect();
        if argv.len() > MAX_ARGS {
            args[MAX_ARGS - 1] = Bytes::from(format!(
                "... ({} more arguments)",
                argv.len() - MAX_ARGS + 1
            ));
        }
        self.entries.push_front(SlowEntry {
            id: self.next_id,
            time,
            duration_us,
            argv: args,
            peer: peer.to_string(),
            name: name.to_vec(),
        });
        self.next_id += 1;
        self.entries.truncate(self.max_len);
    }

    /// The newest `count` entries.
    pub fn newest(&self, count: usize) -> impl Iterator<Item = &SlowEntry> {
        self.entries.iter().take(count)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets every entry (ids keep counting).
    pub fn reset(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_arguments_and_argument_lists_are_shortened() {
        let mut log = SlowLog::default();
        let mut argv: Vec<Bytes> = (0..40).map(|n| Bytes::from(n.to_string())).collect();
        argv[1] = Bytes::from(vec![b'x'; 130]);
        log.record(&argv, 1, 20_000, "127.0.0.1:1", b"");
        let entry = log.newest(1).next().expect("an entry");
        assert_eq!(entry.argv.len(), 32);
        assert!(entry.argv[1].ends_with(b"... (2 more bytes)"));
        assert_eq!(&entry.argv[31][..], b"... (9 more arguments)");
    }

    #[test]
    fn the_log_keeps_the_newest_entries() {
        let mut log = SlowLog {
            max_len: 2,
            ..SlowLog::default()
        };
        for n in 0..3 {
            log.record(&[Bytes::from(format!("c{n}"))], n, 1, "", b"");
        }
        let ids: Vec<u64> = log.newest(10).map(|e| e.id).collect();
        assert_eq!(ids, vec![2, 1]);
    }
}
