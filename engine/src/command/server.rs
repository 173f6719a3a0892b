//! The server family: INFO, CONFIG (GET, SET, RESETSTAT, REWRITE), TIME and SHUTDOWN.
//!
//! INFO speaks Redis 7.0's format (`# Section` headers, `field:value` lines, CRLF,
//! a blank line between sections) with the fields clients parse; figures kvdb has no
//! counterpart for (forks, replication offsets, defrag) are reported as an idle Redis
//! reports them.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::connection::REDIS_VERSION;
use super::flags::*;
use super::generic::{container, help_reply};
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::clock::Clock;
use crate::error::CommandError;
use crate::memory;
use crate::reply::Reply;

/// Every section, in the order Redis prints them, whatever order they were asked in.
const SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "commandstats",
    "errorstats",
    "latencystats",
    "cluster",
    "keyspace",
];
/// Sections only `INFO all`, `INFO everything` or their own name print; `INFO` and
/// `INFO default` print the others.
const EXTRA_SECTIONS: &[&str] = &["commandstats", "latencystats"];

fn wanted_sections(args: &[Bytes]) -> Vec<&'static str> {
    let is_default = |name: &&str| !EXTRA_SECTIONS.contains(name);
    let wanted = |name: &&str| {
        args.is_empty() && is_default(name)
            || args.iter().any(|arg| {
                is_keyword(arg, "all")
                    || is_keyword(arg, "everything")
                    || (is_keyword(arg, "default") && is_default(name))
                    || is_keyword(arg, name)
            })
    };
    SECTIONS
        .iter()
        .copied()
        .filter(|name| wanted(name))
        .collect()
}

/// Formats a byte count as Redis's `bytesToHuman` does (B, K, M, G, T, P with 2 decimals).
pub(crate) fn human_bytes(n: u64) -> String {
    let units = ["K", "M", "G", "T", "P"];
    if n < 1024 {
        return format!("{n}B");
    }
    let mut value = n as f64 / 1024.0;
    for unit in units {
        if value < 1024.0 || unit == "P" {
            return format!("{value:.2}{unit}");
        }
        value /= 1024.0;
    }
    format!("{n}B")
}

fn section_server(ctx: &Ctx<'_>, out: &mut String) {
    let shared = ctx.shared;
    let uptime = shared.started.elapsed().as_secs();
    let config = ctx.config();
    let now_us = shared.clock.now_us();
    let _ = write!(
        out,
        "redis_version:{REDIS_VERSION}\r\nkvdb_version:{}\r\nredis_git_sha1:00000000\r\n\
         redis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:standalone\r\nos:{} {}\r\n\
         arch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\n\
         atomicvar_api:c11-builtin\r\ngcc_version:0.0.0\r\nprocess_id:{}\r\n\
         process_supervised:no\r\nrun_id:{}\r\ntcp_port:{}\r\nserver_time_usec:{}\r\n\
         uptime_in_seconds:{}\r\nuptime_in_days:{}\r\nhz:{}\r\nconfigured_hz:{}\r\n\
         lru_clock:{}\r\nexecutable:{}\r\nconfig_file:{}\r\nio_threads_active:0\r\n",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH,
        std::process::id(),
        shared.run_id,
        config.port(),
        now_us,
        uptime,
        uptime / 86_400,
        config.hz(),
        config.hz(),
        (ctx.now_ms / 1000) & 0xff_ffff,
        std::env::current_exe()
            .map(|path| path.display().to_string())
            .unwrap_or_default(),
        shared
            .config_file
            .as_ref()
            .map(|path| path.display().to_string())
            .unwrap_or_default(),
    );
}

fn section_clients(ctx: &Ctx<'_>, out: &mut String) {
    // Replicas are not counted as clients, as in Redis.
    let connected = ctx
        .shared
        .clients
        .lock()
        .len()
        .saturating_sub(ctx.keyspace.replication.replicas.len());
    let _ = write!(
        out,
        "connected_clients:{connected}\r\ncluster_connections:0\r\nmaxclients:{}\r\n\
         client_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\n\
         blocked_clients:{blocked}\r\ntracking_clients:{tracking}\r\n\
         clients_in_timeout_table:{timed}\r\n",
        ctx.config().maxclients(),
        tracking = ctx.keyspace.tracking.counts().0,
        // Clients held by CLIENT PAUSE count as blocked, as in Redis.
        blocked = ctx.keyspace.blocking.len() + ctx.keyspace.pause().postponed_len(),
        timed = ctx.keyspace.blocking.with_deadline(),
    );
}

/// The memory section, in Redis's fields and order; `(used, peak)` were read when
/// INFO started, before its own text took any memory. kvdb keeps no replication,
/// AOF or client buffer figures: those fields are 0, as in MEMORY STATS.
fn section_memory(ctx: &Ctx<'_>, used_and_peak: (u64, u64), out: &mut String) {
    let o = super::memory::Overhead::measured(ctx, used_and_peak);
    let (allocated, active, resident) = o.allocator();
    let config = ctx.config();
    let maxmemory = config.maxmemory();
    let ratio = |a: u64, b: u64| a as f32 / b.max(1) as f32;
    let total_system = memory::total_system_bytes();
    let _ = write!(
        out,
        "used_memory:{used}\r\nused_memory_human:{}\r\nused_memory_rss:{rss}\r\n\
         used_memory_rss_human:{}\r\nused_memory_peak:{peak}\r\nused_memory_peak_human:{}\r\n\
         used_memory_peak_perc:{:.2}%\r\nused_memory_overhead:{}\r\nused_memory_startup:{}\r\n\
         used_memory_dataset:{}\r\nused_memory_dataset_perc:{:.2}%\r\n\
         allocator_allocated:{allocated}\r\nallocator_active:{active}\r\n\
         allocator_resident:{resident}\r\ntotal_system_memory:{total_system}\r\n\
         total_system_memory_human:{}\r\n",
        human_bytes(o.used),
        human_bytes(o.rss),
        human_bytes(o.peak),
        o.peak_percentage(),
        o.total,
        o.startup,
        o.dataset(),
        o.dataset_percentage(),
        human_bytes(total_system),
        used = o.used,
        rss = o.rss,
        peak = o.peak,
    );
    section_scripts_memory(ctx, out);
    let _ = write!(
        out,
        "maxmemory:{maxmemory}\r\nmaxmemory_human:{}\r\nmaxmemory_policy:{}\r\n\
         allocator_frag_ratio:{:.2}\r\nallocator_frag_bytes:{}\r\n\
         allocator_rss_ratio:{:.2}\r\nallocator_rss_bytes:{}\r\n\
         rss_overhead_ratio:{:.2}\r\nrss_overhead_bytes:{}\r\n\
         mem_fragmentation_ratio:{:.2}\r\nmem_fragmentation_bytes:{}\r\n\
         mem_not_counted_for_evict:{}\r\nmem_replication_backlog:0\r\n\
         mem_total_replication_buffers:0\r\nmem_clients_slaves:0\r\nmem_clients_normal:0\r\n\
         mem_cluster_links:0\r\nmem_aof_buffer:0\r\nmem_allocator:{}\r\n\
         active_defrag_running:0\r\nlazyfree_pending_objects:{}\r\nlazyfreed_objects:{}\r\n",
        human_bytes(maxmemory),
        config.maxmemory_policy(),
        ratio(active, allocated),
        active.saturating_sub(allocated),
        ratio(resident, active),
        resident as i64 - active as i64,
        ratio(o.rss, resident),
        o.rss as i64 - resident as i64,
        ratio(o.rss, o.used),
        o.rss as i64 - o.used as i64,
        ctx.keyspace.eviction.not_counted(),
        crate::memory::allocator_name(),
        ctx.keyspace.lazyfree.pending(),
        ctx.keyspace.lazyfree.freed(),
    );
}

/// What an interpreter takes before it runs anything, reported for one not made yet
/// (kvdb makes its Lua states on first use; Redis at startup).
const EMPTY_LUA_VM: usize = 32 * 1024;

/// The scripting fields of INFO memory, in Redis's order: both interpreters, the
/// script cache and the function libraries.
fn section_scripts_memory(ctx: &Ctx<'_>, out: &mut String) {
    let scripts = &ctx.keyspace.scripts;
    let vm = |bytes: usize| if bytes == 0 { EMPTY_LUA_VM } else { bytes } as u64;
    let vm_eval = vm(scripts.lua_memory());
    let vm_functions = vm(scripts.functions_memory());
    let eval = scripts.cache_memory() as u64;
    let functions = scripts.libraries.memory() as u64;
    let _ = write!(
        out,
        "used_memory_lua:{vm_eval}\r\nused_memory_vm_eval:{vm_eval}\r\n\
         used_memory_lua_human:{}\r\nused_memory_scripts_eval:{eval}\r\n\
         number_of_cached_scripts:{}\r\nnumber_of_functions:{}\r\nnumber_of_libraries:{}\r\n\
         used_memory_vm_functions:{vm_functions}\r\nused_memory_vm_total:{}\r\n\
         used_memory_vm_total_human:{}\r\nused_memory_functions:{functions}\r\n\
         used_memory_scripts:{}\r\nused_memory_scripts_human:{}\r\n",
        human_bytes(vm_eval),
        scripts.cache.len(),
        scripts.libraries.function_names(),
        scripts.libraries.counts().libraries,
        vm_eval + vm_functions,
        human_bytes(vm_eval + vm_functions),
        eval + functions,
        human_bytes(eval + functions),
    );
}

fn section_persistence(ctx: &Ctx<'_>, out: &mut String) {
    let state = &ctx.keyspace.persistence;
    let aof = &ctx.keyspace.aof;
    let secs = |secs: Option<u64>| secs.map_or(-1, |secs| secs as i64);
    let _ = write!(
        out,
        "loading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\ncurrent_cow_size:0\r\n\
         current_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\ncurrent_save_keys_processed:0\r\n\
         current_save_keys_total:0\r\nrdb_changes_since_last_save:{}\r\n\
         rdb_bgsave_in_progress:{}\r\nrdb_last_save_time:{}\r\nrdb_last_bgsave_status:{}\r\n\
         rdb_last_bgsave_time_sec:{}\r\nrdb_current_bgsave_time_sec:{}\r\nrdb_saves:{}\r\n\
         rdb_last_cow_size:0\r\nrdb_last_load_keys_expired:{}\r\nrdb_last_load_keys_loaded:{}\r\n\
         aof_enabled:{}\r\naof_rewrite_in_progress:{}\r\naof_rewrite_scheduled:{}\r\n\
         aof_last_rewrite_time_sec:{}\r\naof_current_rewrite_time_sec:{}\r\n\
         aof_last_bgrewrite_status:{}\r\naof_rewrites:{}\r\naof_rewrites_consecutive_failures:{}\r\n\
         aof_last_write_status:{}\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\n\
         module_fork_last_cow_size:0\r\n",
        state.dirty,
        u8::from(state.in_background()),
        state.last_save,
        if state.last_failed { "err" } else { "ok" },
        secs(state.last_bgsave_secs),
        secs(state.background_secs()),
        state.saves,
        state.last_load.1,
        state.last_load.0,
        u8::from(aof.state != crate::aof::AofState::Off),
        u8::from(aof.rewriting()),
        u8::from(aof.rewrite_scheduled),
        secs(aof.last_rewrite_secs),
        secs(aof.rewrite_secs()),
        if aof.last_rewrite_failed { "err" } else { "ok" },
        aof.rewrites,
        aof.consecutive_failures,
        if aof.write_error().is_some() { "err" } else { "ok" },
    );
    if aof.settings.enabled {
        let _ = write!(
            out,
            "aof_current_size:{}\r\naof_base_size:{}\r\naof_pending_rewrite:{}\r\n\
             aof_buffer_length:{}\r\naof_pending_bio_fsync:{}\r\naof_delayed_fsync:0\r\n",
            aof.current_size,
            aof.base_size,
            u8::from(aof.rewrite_scheduled),
            aof.buffered(),
            aof.fsyncs_running(),
        );
    }
}

fn section_stats(ctx: &Ctx<'_>, stats: &crate::engine::ExecStats, out: &mut String) {
    let counters = &ctx.shared.counters;
    let keyspace = ctx.keyspace.stats;
    let (_, tracked_keys, tracked_items, prefixes) = ctx.keyspace.tracking.counts();
    let (exceeded_total, exceeded_now) = ctx.keyspace.eviction.exceeded_ms();
    let metrics = &ctx.keyspace.metrics;
    let (input_kbps, output_kbps) = metrics.kbps();
    let pubsub = &ctx.keyspace.pubsub;
    let _ = write!(
        out,
        "total_connections_received:{}\r\ntotal_commands_processed:{}\r\n\
         instantaneous_ops_per_sec:{}\r\ntotal_net_input_bytes:{}\r\ntotal_net_output_bytes:{}\r\n\
         total_net_repl_input_bytes:{}\r\ntotal_net_repl_output_bytes:{}\r\n\
         instantaneous_input_kbps:{:.2}\r\ninstantaneous_output_kbps:{:.2}\r\n\
         instantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\n\
         rejected_connections:{}\r\nsync_full:{}\r\nsync_partial_ok:{}\r\nsync_partial_err:{}\r\n\
         expired_keys:{}\r\nexpired_stale_perc:0.00\r\nexpired_time_cap_reached_count:0\r\n\
         expire_cycle_cpu_milliseconds:{}\r\nevicted_keys:{}\r\nevicted_clients:0\r\ntotal_eviction_exceeded_time:{}\r\n\
         current_eviction_exceeded_time:{}\r\nkeyspace_hits:{}\r\nkeyspace_misses:{}\r\n\
         pubsub_channels:{}\r\npubsub_patterns:{}\r\npubsubshard_channels:{}\r\nlatest_fork_usec:0\r\n\
         total_forks:0\r\nmigrate_cached_sockets:{}\r\nslave_expires_tracked_keys:0\r\n\
         active_defrag_hits:0\r\nactive_defrag_misses:0\r\nactive_defrag_key_hits:0\r\n\
         active_defrag_key_misses:0\r\ntotal_active_defrag_time:0\r\n\
         current_active_defrag_time:0\r\ntracking_total_keys:{tracked_keys}\r\n\
         tracking_total_items:{tracked_items}\r\ntracking_total_prefixes:{prefixes}\r\n\
         unexpected_error_replies:{}\r\ntotal_error_replies:{}\r\ndump_payload_sanitizations:0\r\n\
         total_reads_processed:{}\r\ntotal_writes_processed:{}\r\n\
         io_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\n\
         reply_buffer_shrinks:{}\r\nreply_buffer_expands:{}\r\n",
        counters.connections_received.load(Ordering::Relaxed),
        stats.total_commands,
        metrics.ops_per_sec(),
        counters.net_input_bytes.load(Ordering::Relaxed),
        counters.net_output_bytes.load(Ordering::Relaxed),
        counters.net_repl_input_bytes.load(Ordering::Relaxed),
        counters.net_repl_output_bytes.load(Ordering::Relaxed),
        input_kbps,
        output_kbps,
        counters.rejected_connections.load(Ordering::Relaxed),
        ctx.keyspace.replication.sync_full,
        ctx.keyspace.replication.sync_partial_ok,
        ctx.keyspace.replication.sync_partial_err,
        keyspace.expired_keys,
        metrics.expire_cycle_ms,
        keyspace.evicted_keys,
        exceeded_total,
        exceeded_now,
        keyspace.keyspace_hits,
        keyspace.keyspace_misses,
        pubsub.channel_count(crate::pubsub::Kind::Channel),
        pubsub.pattern_count(),
        pubsub.channel_count(crate::pubsub::Kind::Shard),
        ctx.keyspace.migrate_sockets.len(),
        counters.unexpected_error_replies.load(Ordering::Relaxed),
        stats.total_error_replies,
        counters.reads_processed.load(Ordering::Relaxed),
        counters.writes_processed.load(Ordering::Relaxed),
        counters.reply_buffer_shrinks.load(Ordering::Relaxed),
        counters.reply_buffer_expands.load(Ordering::Relaxed),
        tracked_keys = tracked_keys,
        tracked_items = tracked_items,
        prefixes = prefixes,
    );
}

fn section_replication(ctx: &Ctx<'_>, out: &mut String) {
    let replication = &ctx.keyspace.replication;
    let now = ctx.now_ms / 1000;
    match &replication.master {
        None => out.push_str("role:master\r\n"),
        Some(master) => replica_fields(ctx, master, now, out),
    }
    let _ = write!(out, "connected_slaves:{}\r\n", replication.replicas.len());
    let (wanted, max_lag) = replication.min_replicas;
    if wanted > 0 && max_lag > 0 {
        let _ = write!(
            out,
            "min_slaves_good_slaves:{}\r\n",
            replication.good_replicas(now)
        );
    }
    for (index, replica) in replication.replicas.iter().enumerate() {
        let _ = write!(
            out,
            "slave{index}:ip={},port={},state=online,offset={},lag={}\r\n",
            replica.ip,
            replica.listening_port,
            replica.ack_offset,
            now.saturating_sub(replica.ack_secs)
        );
    }
    // Before its first replica Redis has a replication id but no backlog.
    let replid = match replication.replid.as_str() {
        "" => ctx.shared.run_id.as_str(),
        replid => replid,
    };
    let replid2 = match replication.replid2.as_str() {
        "" => "0000000000000000000000000000000000000000",
        replid2 => replid2,
    };
    let (active, first_byte, histlen) = match replication.backlog_span() {
        Some((first, len)) => (1, first, len),
        None => (0, 0, 0),
    };
    let _ = write!(
        out,
        "master_failover_state:no-failover\r\n\
         master_replid:{replid}\r\nmaster_replid2:{replid2}\r\n\
         master_repl_offset:{}\r\nsecond_repl_offset:{}\r\nrepl_backlog_active:{active}\r\n\
         repl_backlog_size:{}\r\nrepl_backlog_first_byte_offset:{first_byte}\r\n\
         repl_backlog_histlen:{histlen}\r\n",
        replication.offset, replication.second_replid_offset, replication.backlog_size,
    );
}

/// The fields of `INFO replication` a replica adds about its master.
fn replica_fields(ctx: &Ctx<'_>, master: &crate::replica::MasterLink, now: u64, out: &mut String) {
    use crate::replica::LinkState;
    let connected = master.state == LinkState::Connected;
    let (last_io, read, applied) = match &master.client {
        Some(client) => (
            now.saturating_sub(client.last_io_secs) as i64,
            client.read_offset,
            client.applied_offset,
        ),
        None => {
            let offset = ctx.keyspace.replication.offset;
            (-1, offset, offset)
        }
    };
    let _ = write!(
        out,
        "role:slave\r\nmaster_host:{}\r\nmaster_port:{}\r\nmaster_link_status:{}\r\n\
         master_last_io_seconds_ago:{last_io}\r\nmaster_sync_in_progress:{}\r\n\
         slave_read_repl_offset:{read}\r\nslave_repl_offset:{applied}\r\n",
        master.host,
        master.port,
        if connected { "up" } else { "down" },
        u8::from(master.state == LinkState::Transfer),
    );
    if let Some(transfer) = master
        .transfer
        .filter(|_| master.state == LinkState::Transfer)
    {
        let total = transfer.total;
        let read = transfer.read as i64;
        let percent = match total {
            0 => 0.0,
            total => read as f64 * 100.0 / total as f64,
        };
        let _ = write!(
            out,
            "master_sync_total_bytes:{total}\r\nmaster_sync_read_bytes:{read}\r\n\
             master_sync_left_bytes:{}\r\nmaster_sync_perc:{percent:.2}\r\n\
             master_sync_last_io_seconds_ago:{}\r\n",
            total - read,
            now.saturating_sub(transfer.last_io_secs)
        );
    }
    if !connected {
        let down = match master.down_since_secs {
            0 => -1,
            since => now.saturating_sub(since) as i64,
        };
        let _ = write!(out, "master_link_down_since_seconds:{down}\r\n");
    }
    let config = ctx.config();
    let priority = config
        .get(&[b"replica-priority"])
        .first()
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let announced = config
        .get(&[b"replica-announced"])
        .first()
        .is_some_and(|(_, value)| value == b"yes");
    let _ = write!(
        out,
        "slave_priority:{}\r\nslave_read_only:{}\r\nreplica_announced:{}\r\n",
        String::from_utf8_lossy(&priority),
        u8::from(ctx.keyspace.replication.read_only),
        u8::from(announced),
    );
}

fn section_cpu(out: &mut String) {
    let (user, system) = memory::cpu_seconds();
    let _ = write!(
        out,
        "used_cpu_sys:{system:.6}\r\nused_cpu_user:{user:.6}\r\nused_cpu_sys_children:0.000000\r\n\
         used_cpu_user_children:0.000000\r\n"
    );
}

fn section_commandstats(stats: &crate::engine::ExecStats, out: &mut String) {
    let table = crate::command::table();
    let mut names: Vec<_> = stats
        .commands
        .iter()
        .enumerate()
        .filter(|(_, c)| c.calls + c.rejected_calls > 0)
        .map(|(id, c)| (table.by_id(id as crate::command::CommandId).name, c))
        .collect();
    names.sort_by_key(|(name, _)| *name);
    for (name, counters) in names {
        let per_call = if counters.calls == 0 {
            0.0
        } else {
            counters.usec as f64 / counters.calls as f64
        };
        let _ = write!(
            out,
            "cmdstat_{name}:calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}\r\n",
            counters.calls, counters.usec, counters.rejected_calls, counters.failed_calls
        );
    }
}

/// `latency_percentiles_usec_<command>:p50=...,p99=...` for each command that has a
/// latency histogram, at `latency-tracking-info-percentiles`.
fn section_latencystats(ctx: &Ctx<'_>, stats: &crate::engine::ExecStats, out: &mut String) {
    let percentiles = ctx.config().latency_tracking_info_percentiles();
    let table = crate::command::table();
    let mut commands: Vec<_> = stats
        .commands
        .iter()
        .enumerate()
        .filter(|(_, counters)| counters.latency.calls > 0)
        .map(|(id, counters)| (table.by_id(id as crate::command::CommandId).name, counters))
        .collect();
    commands.sort_by_key(|(name, _)| *name);
    for (name, counters) in commands {
        let _ = write!(out, "latency_percentiles_usec_{name}:");
        for (n, percentile) in percentiles.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            // Redis prints the percentile with `%f` and trims the trailing zeros.
            let label = format!("{percentile:.6}");
            let label = label.trim_end_matches('0').trim_end_matches('.');
            let _ = write!(
                out,
                "p{label}={:.3}",
                counters.latency.percentile_micros(*percentile)
            );
        }
        out.push_str("\r\n");
    }
}

fn section_errorstats(stats: &crate::engine::ExecStats, out: &mut String) {
    for (code, count) in &stats.errors {
        let _ = write!(out, "errorstat_{code}:count={count}\r\n");
    }
}

fn section_keyspace(ctx: &Ctx<'_>, out: &mut String) {
    for (index, db) in ctx.keyspace.dbs().iter().enumerate() {
        if !db.is_empty() {
            let _ = write!(
                out,
                "db{index}:keys={},expires={},avg_ttl=0\r\n",
                db.len(),
                db.volatile_len()
            );
        }
    }
}

fn info(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let sections = wanted_sections(args.rest());
    ctx.keyspace.reap_background_save(ctx.now_ms);
    let ctx = &*ctx;
    let stats = &*ctx.stats;
    let memory_at_start = memory::used_bytes();
    let mut out = String::with_capacity(4096);
    for (n, section) in sections.iter().enumerate() {
        if n > 0 {
            out.push_str("\r\n");
        }
        let title = match *section {
            "cpu" => "CPU".to_string(),
            other => {
                let mut title = other.to_string();
                title[..1].make_ascii_uppercase();
                title
            }
        };
        let _ = write!(out, "# {title}\r\n");
        match *section {
            "server" => section_server(ctx, &mut out),
            "clients" => section_clients(ctx, &mut out),
            "memory" => section_memory(ctx, memory_at_start, &mut out),
            "persistence" => section_persistence(ctx, &mut out),
            "stats" => section_stats(ctx, stats, &mut out),
            "replication" => section_replication(ctx, &mut out),
            "cpu" => section_cpu(&mut out),
            "commandstats" => section_commandstats(stats, &mut out),
            "errorstats" => section_errorstats(stats, &mut out),
            "latencystats" => section_latencystats(ctx, stats, &mut out),
            "cluster" => out.push_str("cluster_enabled:0\r\n"),
            "keyspace" => section_keyspace(ctx, &mut out),
            _ => {}
        }
    }
    Ok(Reply::Verbatim(*b"txt", Bytes::from(out)))
}

fn config_get(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let patterns: Vec<&[u8]> = args.rest().iter().map(|arg| arg.as_ref()).collect();
    let pairs = ctx.config().get(&patterns);
    Ok(Reply::Map(
        pairs
            .into_iter()
            .map(|(name, value)| (Reply::bulk(name), Reply::bulk(value)))
            .collect(),
    ))
}

fn config_set(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let rest = args.rest();
    if !rest.len().is_multiple_of(2) {
        return Err(CommandError::Syntax);
    }
    let pairs: Vec<(&[u8], &[u8])> = rest
        .chunks(2)
        .map(|pair| (pair[0].as_ref(), pair[1].as_ref()))
        .collect();
    // Secrets' values never reach the slowlog or MONITOR, whatever happens next.
    for (index, (name, _)) in pairs.iter().enumerate() {
        if crate::config::is_sensitive(name) {
            ctx.redact(3 + index * 2);
        }
    }
    let mut config = ctx.shared.config.write();
    let before = config.clone();
    config.set(&pairs)?;
    // Listening where the new port or bind says is Redis's apply step: if it fails,
    // everything set is rolled back.
    let listening = |config: &crate::config::Config| (config.port(), config.bind_addresses());
    if listening(&before) != listening(&config) {
        if let Some(listen) = &*ctx.shared.listen_hook.lock() {
            if (listen.0)(&config).is_err() {
                let (name, reason) = match before.port() != config.port() {
                    true => ("port", "Unable to listen on this port. Check server logs."),
                    false => ("bind", "Failed to bind to specified addresses."),
                };
                *config = before;
                return Err(CommandError::err(format!(
                    "CONFIG SET failed (possibly related to argument '{name}') - {reason}"
                )));
            }
        }
    }
    let old_limit = ctx.keyspace.eviction.limits.maxmemory;
    ctx.keyspace.configure(&config);
    // Turning the append-only file on starts a rewrite; if it cannot start, the
    // whole CONFIG SET is undone (Redis's `updateAppendonly`).
    let appending = ctx.keyspace.aof.state != crate::aof::AofState::Off;
    match (config.aof_settings().enabled, appending) {
        (false, true) => ctx.keyspace.stop_aof(ctx.now_ms),
        (true, false) if !ctx.keyspace.start_aof(ctx.client.in_exec, ctx.now_ms) => {
            *config = before;
            ctx.keyspace.configure(&config);
            return Err(CommandError::err(
                "CONFIG SET failed (possibly related to argument 'appendonly') - Unable to \
                 turn on AOF. Check server logs.",
            ));
        }
        _ => {}
    }
    ctx.shared
        .writes_need_replicas
        .store(config.writes_need_replicas(), Ordering::Relaxed);
    crate::log::set_level(config.log_level());
    // `requirepass` is the default user's password (Redis's `updateRequirePass`, run
    // when the value changed).
    let password = config.requirepass().map(<[u8]>::to_vec);
    let password_changed = before.requirepass() != password.as_deref();
    drop(config);
    if password_changed {
        ctx.shared
            .change_acl(|acl| acl.set_default_password(password.as_deref()));
    }
    // A new limit is acted on at once, as Redis's eviction time event fires right
    // after the command; a new policy waits for the next command.
    let limit = ctx.keyspace.eviction.limits.maxmemory;
    if limit != 0 && limit != old_limit {
        ctx.keyspace.perform_evictions(ctx.now_ms);
    }
    Ok(Reply::Ok)
}

fn config_resetstat(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ctx.keyspace.stats = Default::default();
    ctx.keyspace.eviction.reset_stats();
    ctx.keyspace.lazyfree.reset_stats();
    let replication = &mut ctx.keyspace.replication;
    (
        replication.sync_full,
        replication.sync_partial_ok,
        replication.sync_partial_err,
    ) = (0, 0, 0);
    *ctx.stats = Default::default();
    let counters = &ctx.shared.counters;
    for counter in [
        &counters.connections_received,
        &counters.rejected_connections,
        &counters.net_input_bytes,
        &counters.net_output_bytes,
        &counters.net_repl_output_bytes,
        &counters.reads_processed,
        &counters.writes_processed,
        &counters.reply_buffer_shrinks,
        &counters.reply_buffer_expands,
    ] {
        counter.store(0, Ordering::Relaxed);
    }
    Ok(Reply::Ok)
}

/// `CONFIG REWRITE`: the config file the server started from, rewritten with the
/// running configuration (see [`crate::config::rewrite_file`]).
fn config_rewrite(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let Some(path) = &ctx.shared.config_file else {
        return Err(CommandError::err(
            "The server is running without a config file",
        ));
    };
    let config = ctx.config().clone();
    let users = ctx.shared.acl.read().user_lines();
    match crate::config::rewrite_file(path, &config, &users) {
        Ok(()) => {
            crate::log::warning("CONFIG REWRITE executed with success.");
            Ok(Reply::Ok)
        }
        Err(error) => {
            let why = crate::config::strerror(&error);
            crate::log::warning(&format!("CONFIG REWRITE failed: {why}"));
            Err(CommandError::err(format!("Rewriting config file: {why}")))
        }
    }
}

fn config_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(help_reply(
        "config",
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ],
    ))
}

fn time(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let now_us = ctx.shared.clock.now_us();
    Ok(Reply::bulks([
        Bytes::from((now_us / 1_000_000).to_string()),
        Bytes::from((now_us % 1_000_000).to_string()),
    ]))
}

fn shutdown(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let (mut save, mut nosave, mut abort, mut now_or_force, mut force) =
        (false, false, false, false, false);
    for arg in args.rest() {
        if is_keyword(arg, "NOSAVE") {
            nosave = true;
        } else if is_keyword(arg, "SAVE") {
            save = true;
        } else if is_keyword(arg, "NOW") {
            now_or_force = true;
        } else if is_keyword(arg, "FORCE") {
            now_or_force = true;
            force = true;
        } else if is_keyword(arg, "ABORT") {
            abort = true;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    if (abort && (save || nosave || now_or_force)) || (save && nosave) {
        return Err(CommandError::Syntax);
    }
    if abort {
        return Err(CommandError::err("No shutdown in progress."));
    }
    crate::log::warning("User requested shutdown...");
    if !ctx.keyspace.prepare_aof_for_exit(force, ctx.now_ms) {
        return Err(CommandError::err("Errors trying to SHUTDOWN. Check logs."));
    }
    // Redis saves when asked to, or when save points are set and NOSAVE was not
    // given; after a failed save it stays up unless FORCE says otherwise.
    let has_save_points = !crate::persistence::save_points(&ctx.config()).is_empty();
    if save || (has_save_points && !nosave) {
        crate::log::notice("Saving the final RDB snapshot before exiting.");
        if super::persistence::save_now(ctx) {
            crate::log::notice("DB saved on disk");
        } else if force {
            crate::log::warning("Error trying to save the DB. Exit anyway.");
        } else {
            crate::log::warning("Error trying to save the DB, can't exit.");
            return Err(CommandError::err("Errors trying to SHUTDOWN. Check logs."));
        }
    }
    ctx.shared.shutdown.store(true, Ordering::SeqCst);
    ctx.client.close_after_reply = true;
    ctx.client.skip_reply = true;
    Ok(Reply::Ok)
}

const CONFIG_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "config|get",
        -3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        0,
        config_get
    ),
    spec!(
        "config|set",
        -4,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        0,
        config_set
    ),
    spec!(
        "config|resetstat",
        2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        0,
        config_resetstat
    ),
    spec!(
        "config|rewrite",
        2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        0,
        config_rewrite
    ),
    spec!("config|help", 2, LOADING | STALE, (0, 0, 0), 0, config_help),
];

/// The server family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!("info", -1, LOADING | STALE, (0, 0, 0), acl::DANGEROUS, info),
    CommandSpec {
        subcommands: CONFIG_SUBCOMMANDS,
        ..spec!("config", -2, 0, (0, 0, 0), 0, container)
    },
    spec!("time", 1, LOADING | STALE | FAST, (0, 0, 0), 0, time),
    spec!(
        "shutdown",
        -1,
        ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
        (0, 0, 0),
        0,
        shutdown
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_matches_redis() {
        assert_eq!(human_bytes(0), "0B");
        assert_eq!(human_bytes(1023), "1023B");
        assert_eq!(human_bytes(965_848), "943.21K");
        assert_eq!(human_bytes(7_237_632), "6.90M");
        assert_eq!(human_bytes(25_276_502_016), "23.54G");
    }

    #[test]
    fn sections_come_in_redis_order() {
        let args = [
            Bytes::from_static(b"keyspace"),
            Bytes::from_static(b"SERVER"),
        ];
        assert_eq!(wanted_sections(&args), vec!["server", "keyspace"]);
        assert!(wanted_sections(&[Bytes::from_static(b"all")]).contains(&"commandstats"));
        assert!(!wanted_sections(&[]).contains(&"commandstats"));
    }
}
