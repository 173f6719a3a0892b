//! The server log, as Redis writes it: `pid:role dd Mon yyyy HH:MM:SS.mmm level
//! message`, to stdout or appended to `logfile`, lines under `loglevel` left out.
//!
//! One per process, as in Redis: `kvdb-server` turns it on when it starts
//! ([`to_file`]); an engine embedded in another program logs nothing unless that
//! program turns it on the same way. `CONFIG SET loglevel` sets the level for the
//! whole process.

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use parking_lot::RwLock;

/// How much a line matters, as Redis's `LL_*` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// `loglevel debug`: `.`
    Debug = 0,
    /// `loglevel verbose`: `-`
    Verbose = 1,
    /// `loglevel notice` (the default): `*`
    Notice = 2,
    /// `loglevel warning`: `#`
    Warning = 3,
}

impl Level {
    /// The level numbered as Redis numbers them (`redis.LOG_DEBUG` is 0 ...
    /// `redis.LOG_WARNING` 3).
    pub fn from_verbosity(verbosity: u8) -> Level {
        match verbosity {
            0 => Level::Debug,
            1 => Level::Verbose,
            2 => Level::Notice,
            _ => Level::Warning,
        }
    }

    fn mark(self) -> char {
        ['.', '-', '*', '#'][self as usize]
    }
}

/// Where lines go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sink {
    Nowhere,
    Stdout,
    /// Opened for each line, as Redis does, so a rotated file is followed.
    File(String),
}

static SINK: RwLock<Sink> = RwLock::new(Sink::Nowhere);
static VERBOSITY: AtomicU8 = AtomicU8::new(Level::Notice as u8);
static REPLICA: AtomicBool = AtomicBool::new(false);

/// Logs to `logfile` from now on: stdout when it is empty, else appended to the file.
pub fn to_file(logfile: &str) {
    *SINK.write() = match logfile {
        "" => Sink::Stdout,
        path => Sink::File(path.to_string()),
    };
}

/// Leaves out lines below `level` from now on (`loglevel`).
pub fn set_level(level: Level) {
    VERBOSITY.store(level as u8, Ordering::Relaxed);
}

/// Marks lines as a replica's (`S`) or a master's (`M`) from now on.
pub fn set_replica(replica: bool) {
    REPLICA.store(replica, Ordering::Relaxed);
}

/// True when a line at `level` would be written somewhere.
pub fn enabled(level: Level) -> bool {
    sink_for(level).is_some()
}

/// The sink, if the log is on and `loglevel` lets a line at `level` through.
fn sink_for(level: Level) -> Option<parking_lot::RwLockReadGuard<'static, Sink>> {
    if (level as u8) < VERBOSITY.load(Ordering::Relaxed) {
        return None;
    }
    let sink = SINK.read();
    (*sink != Sink::Nowhere).then_some(sink)
}

/// Writes one line at `level`, if the log is on and `loglevel` lets it through.
pub fn log(level: Level, message: fmt::Arguments<'_>) {
    let Some(sink) = sink_for(level) else {
        return;
    };
    let role = if REPLICA.load(Ordering::Relaxed) {
        'S'
    } else {
        'M'
    };
    let line = format!(
        "{}:{role} {} {} {message}\n",
        std::process::id(),
        timestamp(),
        level.mark()
    );
    write(&sink, &line);
}

/// Appends `text` to `sink`. Errors are ignored, as Redis ignores them: a log that
/// cannot be written must not stop the server.
fn write(sink: &Sink, text: &str) {
    match sink {
        Sink::Nowhere => {}
        Sink::Stdout => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        }
        Sink::File(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path);
            if let Ok(mut file) = file {
                let _ = file.write_all(text.as_bytes());
            }
        }
    }
}

/// Writes `text` as it is, without the line's prefix, at `level` (Redis's `LL_RAW`).
pub fn raw(level: Level, text: &str) {
    if let Some(sink) = sink_for(level) {
        write(&sink, text);
    }
}

/// Logs `message` at [`Level::Warning`], which every `loglevel` shows.
pub fn warning(message: &str) {
    log(Level::Warning, format_args!("{message}"));
}

/// Logs `message` at [`Level::Notice`] (the default `loglevel`).
pub fn notice(message: &str) {
    log(Level::Notice, format_args!("{message}"));
}

/// Now in the local time zone as Redis writes it: `03 Dec 2026 08:30:00.123`.
fn timestamp() -> String {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since_epoch.as_secs() as i64;
    let local = secs + utc_offset(secs);
    format_time(local, since_epoch.subsec_millis())
}

/// `secs` (seconds since the epoch, already in the wanted zone) and `millis` as
/// `dd Mon yyyy HH:MM:SS.mmm`.
fn format_time(secs: i64, millis: u32) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{day:02} {} {year} {:02}:{:02}:{:02}.{millis:03}",
        MONTHS[month as usize - 1],
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The local time zone's offset from UTC at `secs`, in seconds.
#[allow(unsafe_code)]
fn utc_offset(secs: i64) -> i64 {
    let time = secs as libc::time_t;
    // SAFETY: `localtime_r` writes only the `tm` it is given, which is plain data
    // and lives across the call; both pointers are valid for the call.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let converted = unsafe { libc::localtime_r(&time, &mut tm) };
    if converted.is_null() {
        0
    } else {
        tm.tm_gmtoff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_redis_writes_them() {
        assert_eq!(format_time(0, 0), "01 Jan 1970 00:00:00.000");
        // 2026-12-03T08:30:05Z
        assert_eq!(format_time(1_796_286_605, 7), "03 Dec 2026 08:30:05.007");
        // A leap day, and a date before the epoch.
        assert_eq!(format_time(951_782_400, 999), "29 Feb 2000 00:00:00.999");
        assert_eq!(format_time(-86_400, 0), "31 Dec 1969 00:00:00.000");
    }

    #[test]
    fn levels_follow_loglevel_numbers() {
        assert_eq!(Level::from_verbosity(0), Level::Debug);
        assert_eq!(Level::from_verbosity(2), Level::Notice);
        assert_eq!(Level::from_verbosity(3), Level::Warning);
        assert_eq!(Level::Warning.mark(), '#');
        assert_eq!(Level::Notice.mark(), '*');
    }
}
