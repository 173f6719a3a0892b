//! The MEMORY family: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE and HELP.
//!
//! kvdb's memory figures are its own, in Redis's shapes: used memory is what the
//! counting allocator holds (the resident set size without it, see `crate::memory`),
//! so the allocator fields MEMORY STATS shares with Redis are what Redis reports when
//! its allocator gives no statistics (allocated = active = used, resident = the RSS);
//! the per-database overheads are kvdb's table costs (element headers and values,
//! bucket arrays). MALLOC-STATS and PURGE answer as
//! Redis built on libc malloc does.

use bytes::Bytes;

use super::flags::*;
use super::generic::{container, help_reply};
use super::{spec, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::error::CommandError;
use crate::keyspace::Db;
use crate::reply::Reply;

/// `MEMORY USAGE key [SAMPLES n]`: the bytes kvdb uses for the key: its element in
/// the keyspace table, the key bytes and the value's heap. The figures are kvdb's own
/// (its layout is not Redis's), so they compare with each other, not with Redis's.
fn memory_usage(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    while let Some(option) = args.try_next() {
        if is_keyword(option, "SAMPLES") && !args.is_empty() {
            if args.i64()? < 0 {
                return Err(CommandError::Syntax);
            }
        } else {
            return Err(CommandError::Syntax);
        }
    }
    Ok(match ctx.read_for_object(&key) {
        Some(entry) => {
            Reply::Int((Db::ELEMENT_OVERHEAD + key.len() + entry.value.heap_size()) as i64)
        }
        None => Reply::Nil,
    })
}

/// What MEMORY STATS, MEMORY DOCTOR and INFO memory report (Redis's
/// `redisMemOverhead`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Overhead {
    pub peak: u64,
    pub used: u64,
    /// The process's resident set size.
    pub rss: u64,
    pub startup: u64,
    pub lua_caches: u64,
    pub functions_caches: u64,
    /// (database index, main table, expiry index) for each non-empty database.
    dbs: Vec<(usize, u64, u64)>,
    pub total: u64,
    keys: u64,
    scripts: usize,
}

impl Overhead {
    fn of(ctx: &Ctx<'_>) -> Overhead {
        Overhead::measured(ctx, crate::memory::used_bytes())
    }

    /// The figures with `(used, peak)` memory, read beforehand.
    pub(crate) fn measured(ctx: &Ctx<'_>, (used, peak): (u64, u64)) -> Overhead {
        let startup = ctx.shared.startup_memory;
        let scripts = &ctx.keyspace.scripts;
        let lua_caches = scripts.cache_memory() as u64;
        let functions_caches = scripts.libraries.memory() as u64;
        let mut total = startup + lua_caches + functions_caches;
        let mut keys = 0;
        let mut dbs = Vec::new();
        for (index, db) in ctx.keyspace.dbs().iter().enumerate() {
            if db.is_empty() {
                continue;
            }
            keys += db.len() as u64;
            let (main, expires) = db.overhead_bytes();
            total += (main + expires) as u64;
            dbs.push((index, main as u64, expires as u64));
        }
        Overhead {
            peak,
            used,
            rss: crate::memory::resident_bytes(),
            startup,
            lua_caches,
            functions_caches,
            dbs,
            total,
            keys,
            scripts: scripts.cache.len(),
        }
    }

    /// Used memory beyond what the engine started with (at least 1, as in Redis).
    fn net_usage(&self) -> u64 {
        self.used.saturating_sub(self.startup).max(1)
    }

    /// `dataset.bytes`: used memory beyond every overhead.
    pub(crate) fn dataset(&self) -> u64 {
        self.used.saturating_sub(self.total)
    }

    /// `dataset.percentage`: the dataset's share of the memory used since startup.
    pub(crate) fn dataset_percentage(&self) -> f64 {
        f64::from(self.dataset() as f32 * 100.0 / self.net_usage() as f32)
    }

    /// `peak.percentage`: memory in use as a share of the peak.
    pub(crate) fn peak_percentage(&self) -> f64 {
        f64::from(self.used as f32 * 100.0 / self.peak.max(1) as f32)
    }

    /// The allocator's (allocated, active, resident) bytes as Redis fakes them when its
    /// allocator gives no statistics: what it counted, and the RSS for the others.
    pub(crate) fn allocator(&self) -> (u64, u64, u64) {
        (self.used, self.rss, self.rss)
    }
}

/// A ratio as Redis computes it: in single precision, reported as a double.
fn ratio(numerator: u64, denominator: u64) -> f64 {
    f64::from(numerator as f32 / denominator.max(1) as f32)
}

/// MEMORY STATS: Redis 7.0's fields in its order, with kvdb's figures.
fn memory_stats(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let o = Overhead::of(ctx);
    let int = |n: u64| Reply::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let field = |name: &str| Reply::Bulk(Bytes::copy_from_slice(name.as_bytes()));
    let (allocated, active, rss) = o.allocator();
    let signed = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let mut pairs = vec![
        (field("peak.allocated"), int(o.peak)),
        (field("total.allocated"), int(o.used)),
        (field("startup.allocated"), int(o.startup)),
        (field("replication.backlog"), int(0)),
        (field("clients.slaves"), int(0)),
        (field("clients.normal"), int(0)),
        (field("cluster.links"), int(0)),
        (field("aof.buffer"), int(0)),
        (field("lua.caches"), int(o.lua_caches)),
        (field("functions.caches"), int(o.functions_caches)),
    ];
    for (index, main, expires) in &o.dbs {
        pairs.push((
            field(&format!("db.{index}")),
            Reply::Map(vec![
                (field("overhead.hashtable.main"), int(*main)),
                (field("overhead.hashtable.expires"), int(*expires)),
                (field("overhead.hashtable.slot-to-keys"), int(0)),
            ]),
        ));
    }
    let net = o.net_usage();
    pairs.extend([
        (field("overhead.total"), int(o.total)),
        (field("keys.count"), int(o.keys)),
        (
            field("keys.bytes-per-key"),
            int(net.checked_div(o.keys).unwrap_or(0)),
        ),
        (field("dataset.bytes"), int(o.dataset())),
        (
            field("dataset.percentage"),
            Reply::Double(o.dataset_percentage()),
        ),
        (field("peak.percentage"), Reply::Double(o.peak_percentage())),
        (field("allocator.allocated"), int(allocated)),
        (field("allocator.active"), int(active)),
        (field("allocator.resident"), int(rss)),
        (
            field("allocator-fragmentation.ratio"),
            Reply::Double(ratio(active, allocated)),
        ),
        (
            field("allocator-fragmentation.bytes"),
            int(active.saturating_sub(allocated)),
        ),
        (
            field("allocator-rss.ratio"),
            Reply::Double(ratio(rss, active)),
        ),
        (
            field("allocator-rss.bytes"),
            Reply::Int(signed(rss) - signed(active)),
        ),
        (field("rss-overhead.ratio"), Reply::Double(ratio(rss, rss))),
        (field("rss-overhead.bytes"), int(0)),
        (field("fragmentation"), Reply::Double(ratio(rss, o.used))),
        (
            field("fragmentation.bytes"),
            Reply::Int(signed(rss) - signed(o.used)),
        ),
    ]);
    Ok(Reply::Map(pairs))
}

/// Below this much used memory MEMORY DOCTOR has nothing to say.
const DOCTOR_MIN_USED: u64 = 5 * 1024 * 1024;
/// MEMORY DOCTOR warns past this many cached scripts.
const DOCTOR_MANY_SCRIPTS: usize = 1000;

/// MEMORY DOCTOR: Redis's report, from the same figures as MEMORY STATS, on the peak
/// and the script cache. Redis's fragmentation and buffer checks are left out: kvdb
/// has no allocator statistics to tell fragmentation from the process's own resident
/// pages, and keeps no client or replica buffer figures.
fn memory_doctor(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let o = Overhead::of(ctx);
    let text = if o.used < DOCTOR_MIN_USED {
        "Hi Sam, this instance is empty or is using very little memory, my issues detector \
         can't be used in these conditions. Please, leave for your mission on Earth and fill \
         it with some data. The new Sam and I will be back to our programming as soon as I \
         finished rebooting.\n"
            .to_string()
    } else {
        let big_peak = o.peak as f32 / o.used as f32 > 1.5;
        let many_scripts = o.scripts > DOCTOR_MANY_SCRIPTS;
        if !big_peak && !many_scripts {
            "Hi Sam, I can't find any memory issue in your instance. I can only account for \
             what occurs on this base.\n"
                .to_string()
        } else {
            let mut text =
                "Sam, I detected a few issues in this Redis instance memory implants:\n\n"
                    .to_string();
            if big_peak {
                text.push_str(
                    " * Peak memory: In the past this instance used more than 150% the memory \
                     that is currently using. The allocator is normally not able to release \
                     memory after a peak, so you can expect to see a big fragmentation ratio, \
                     however this is actually harmless and is only due to the memory peak, and \
                     if the Redis instance Resident Set Size (RSS) is currently bigger than \
                     expected, the memory will be used as soon as you fill the Redis instance \
                     with more data. If the memory peak was only occasional and you want to try \
                     to reclaim memory, please try the MEMORY PURGE command, otherwise the only \
                     other option is to shutdown and restart the instance.\n\n",
                );
            }
            if many_scripts {
                text.push_str(
                    " * Many scripts: There seem to be many cached scripts in this instance \
                     (more than 1000). This may be because scripts are generated and `EVAL`ed, \
                     instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and \
                     `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' \
                     caches may end up consuming most of your memory.\n\n",
                );
            }
            text.push_str("I'm here to keep you safe, Sam. I want to help you.\n");
            text
        }
    };
    Ok(Reply::Verbatim(*b"txt", Bytes::from(text)))
}

/// MEMORY MALLOC-STATS: Redis's answer when its allocator is not jemalloc.
fn memory_malloc_stats(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::bulk("Stats not supported for the current allocator"))
}

/// MEMORY PURGE: Redis purges only jemalloc's arenas, and answers OK otherwise.
fn memory_purge(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Ok)
}

fn memory_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(help_reply(
        "memory",
        &[
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    ))
}

const MEMORY_SUBCOMMANDS: &[CommandSpec] = &[
    spec!("memory|doctor", 2, 0, (0, 0, 0), 0, memory_doctor),
    spec!("memory|help", 2, LOADING | STALE, (0, 0, 0), 0, memory_help),
    spec!(
        "memory|malloc-stats",
        2,
        0,
        (0, 0, 0),
        0,
        memory_malloc_stats
    ),
    spec!("memory|purge", 2, 0, (0, 0, 0), 0, memory_purge),
    spec!("memory|stats", 2, 0, (0, 0, 0), 0, memory_stats),
    spec!("memory|usage", -3, READONLY, (2, 2, 1), 0, memory_usage),
];

/// The MEMORY command.
pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    subcommands: MEMORY_SUBCOMMANDS,
    ..spec!("memory", -2, 0, (0, 0, 0), 0, container)
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_single_precision_like_redis_s() {
        assert_eq!(ratio(3, 2), 1.5);
        assert_eq!(ratio(1, 3), f64::from(1.0f32 / 3.0));
        assert_eq!(ratio(5, 0), 5.0);
    }
}
