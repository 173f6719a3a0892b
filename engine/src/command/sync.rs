//! The master's side of the replication handshake: `SYNC`, `PSYNC` and `REPLCONF`.
//!
//! A replica that asks to synchronize gets, through its client's mailbox, a snapshot
//! of the dataset as an RDB payload and then every write propagated after that
//! instant ([`crate::replication`]); both are taken under the engine's lock, so no
//! write falls between them. As Redis's disk-based synchronization does, the snapshot
//! is also saved to the RDB file (unless a BGSAVE is already writing one), and the
//! payload is sent as a bulk of known length (`$<len>`), which every replica reads,
//! or with Redis's `$EOF:<mark>` delimiters for a filtered RDB (`REPLCONF
//! rdb-filter-only`), which Redis sends only that way. Redis 7.0 would send a
//! replica announcing `capa eof` a diskless payload after `repl-diskless-sync-delay`;
//! kvdb's snapshot costs no fork, so it sends at once. A `PSYNC` whose replication id
//! and offset the backlog still covers continues from there (`+CONTINUE`).

use bytes::{BufMut, Bytes, BytesMut};

use super::flags::*;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::error::CommandError;
use crate::pubsub::{BufferLimit, Mail};
use crate::replica::LinkState;
use crate::replication::Replica;
use crate::reply::Reply;

/// SYNC and PSYNC replid offset: attaches the client as a replica.
fn sync(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let psync = is_keyword(&args.argv()[0], "psync");
    if ctx.client.info.replica {
        // Already a replica: ignored, without a reply.
        ctx.client.skip_reply = true;
        return Ok(Reply::Nil);
    }
    let link_down = ctx
        .keyspace
        .replication
        .master
        .as_ref()
        .is_some_and(|master| master.state != LinkState::Connected);
    if link_down {
        return Err(CommandError::Other(
            "NOMASTERLINK Can't SYNC while not connected with my master".into(),
        ));
    }
    let requested = if psync {
        let replid = args.required()?.clone();
        let offset = args.required()?.clone();
        if args
            .try_next()
            .is_some_and(|word| is_keyword(word, "failover"))
        {
            return Err(CommandError::err(
                "PSYNC FAILOVER can't be sent to a master.",
            ));
        }
        Some((replid, offset))
    } else {
        None
    };
    let conf = ctx.client.replica_conf.clone();
    if conf.rdb_filter.is_some() && !conf.capa_eof {
        return Err(CommandError::err(
            "Filtered replica requires EOF capability",
        ));
    }
    let mut out = BytesMut::new();
    if let Some((replid, offset)) = &requested {
        let offset = crate::args::parse_i64(offset)?;
        if let Some(backlog) = partial_resync(ctx, replid, offset) {
            ctx.keyspace.replication.sync_partial_ok += 1;
            let replid = ctx.keyspace.replication.replid.clone();
            match conf.capa_psync2 {
                true => out.put_slice(format!("+CONTINUE {replid}\r\n").as_bytes()),
                false => out.put_slice(b"+CONTINUE\r\n"),
            }
            out.put_slice(&backlog);
            attach(ctx, false, false, out.freeze());
            return Ok(Reply::Nil);
        }
        if replid.first() != Some(&b'?') {
            ctx.keyspace.replication.sync_partial_err += 1;
        }
    }
    ctx.keyspace.replication.sync_full += 1;
    let mut options = crate::persistence::save_options(&ctx.config(), ctx.keyspace, ctx.now_ms);
    if let Some((keys, functions)) = conf.rdb_filter {
        options.with_keys = keys;
        options.with_functions = functions;
    }
    // Attached now, the replica's stream starts where the snapshot was taken.
    attach(ctx, true, requested.is_none(), Bytes::new());
    let snapshot = Bytes::from(ctx.keyspace.snapshot(options, ctx.now_ms));
    if conf.rdb_filter.is_none() {
        ctx.keyspace.reap_background_save(ctx.now_ms);
        if !ctx.keyspace.background_job_running() {
            let path = crate::persistence::rdb_path(&ctx.config());
            ctx.keyspace
                .write_in_background(path, snapshot.clone(), ctx.now_ms);
        }
    }
    if requested.is_some() {
        let replication = &ctx.keyspace.replication;
        let line = format!(
            "+FULLRESYNC {} {}\r\n",
            replication.replid, replication.offset
        );
        out.put_slice(line.as_bytes());
    }
    if conf.rdb_filter.is_some() {
        let mark = ctx.keyspace.rng().hex_id();
        out.put_slice(b"$EOF:");
        out.put_slice(mark.as_bytes());
        out.put_slice(b"\r\n");
        out.put_slice(&snapshot);
        out.put_slice(mark.as_bytes());
    } else {
        out.put_slice(format!("${}\r\n", snapshot.len()).as_bytes());
        out.put_slice(&snapshot);
    }
    post(ctx, out.freeze());
    if conf.rdb_only {
        // The RDB and no stream after it: the connection closes once it is written.
        let id = ctx.client.info.id;
        ctx.keyspace.replication.detach_replica(id);
        ctx.client.close_after_reply = true;
    }
    Ok(Reply::Nil)
}

/// The backlog from `offset` when `replid` is this stream's (or its previous id, up
/// to where it ended) and the backlog still holds everything from there (Redis's
/// `masterTryPartialResynchronization`).
fn partial_resync(ctx: &Ctx<'_>, replid: &[u8], offset: i64) -> Option<Bytes> {
    let replication = &ctx.keyspace.replication;
    let current = !replication.replid.is_empty() && replication.replid.as_bytes() == replid;
    // A promoted replica's replicas continue under its master's id, up to where it
    // was promoted.
    let previous = !replication.replid2.is_empty()
        && replication.replid2.as_bytes() == replid
        && offset <= replication.second_replid_offset;
    if !current && !previous {
        return None;
    }
    replication.backlog_from(u64::try_from(offset).ok()?)
}

/// Makes the client a replica, with `first` (a `+CONTINUE` and the backlog, or
/// nothing) waiting in its mailbox ahead of the stream.
fn attach(ctx: &mut Ctx<'_>, full: bool, pre_psync: bool, first: Bytes) {
    let id = ctx.client.info.id;
    let mailbox = ctx.keyspace.pubsub.mailbox(id);
    ctx.client.mailbox = Some(mailbox.clone());
    let conf = &ctx.client.replica_conf;
    let ip = conf.ip_address.clone().unwrap_or_else(|| {
        let addr = &ctx.client.info.addr;
        addr.rsplit_once(':')
            .map_or_else(|| addr.clone(), |(ip, _)| ip.to_string())
    });
    let replica = Replica {
        client_id: id,
        mailbox,
        ip,
        listening_port: conf.listening_port,
        ack_offset: 0,
        ack_secs: ctx.now_ms / 1000,
        pre_psync,
    };
    let new_replid = ctx.keyspace.rng().hex_id();
    ctx.keyspace
        .replication
        .attach_replica(replica, full, new_replid);
    ctx.client.info.replica = true;
    ctx.client.info_changed = true;
    ctx.client.skip_reply = true;
    if !first.is_empty() {
        post(ctx, first);
    }
}

/// Queues `bytes` for the client's connection, ahead of the stream that follows.
/// The snapshot does not count against the replica's output limit (Redis sends it
/// apart from the output buffer).
fn post(ctx: &mut Ctx<'_>, bytes: Bytes) {
    let mailbox = ctx.keyspace.pubsub.mailbox(ctx.client.info.id);
    ctx.client.mailbox = Some(mailbox.clone());
    mailbox.post(Mail::Raw(bytes), 0, BufferLimit::NONE, ctx.now_ms);
}

/// REPLCONF option value ...: what a replica tells its master before and after it
/// synchronizes. `ACK` and `GETACK` answer nothing.
fn replconf(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    if !args.remaining().is_multiple_of(2) {
        return Err(CommandError::Syntax);
    }
    while let Some(option) = args.try_next() {
        let value = args.required()?;
        if is_keyword(option, "listening-port") {
            ctx.client.replica_conf.listening_port = crate::args::parse_i64(value)?;
        } else if is_keyword(option, "ip-address") {
            // NET_HOST_STR_LEN
            if value.len() >= 256 {
                return Err(CommandError::err(format!(
                    "REPLCONF ip-address provided by replica instance is too long: {} bytes",
                    value.len()
                )));
            }
            ctx.client.replica_conf.ip_address = Some(String::from_utf8_lossy(value).into_owned());
        } else if is_keyword(option, "capa") {
            // Capabilities this master does not know are ignored.
            if is_keyword(value, "eof") {
                ctx.client.replica_conf.capa_eof = true;
            } else if is_keyword(value, "psync2") {
                ctx.client.replica_conf.capa_psync2 = true;
            }
        } else if is_keyword(option, "ack") {
            acknowledge(ctx, value);
            ctx.client.skip_reply = true;
            return Ok(Reply::Nil);
        } else if is_keyword(option, "getack") {
            // Only a replica answers GETACK (to its master).
            ctx.client.skip_reply = true;
            return Ok(Reply::Nil);
        } else if is_keyword(option, "rdb-only") {
            let rdb_only = crate::args::parse_i64(value)?;
            if !(0..=1).contains(&rdb_only) {
                return Err(CommandError::err(
                    "value is out of range, value must between 0 and 1",
                ));
            }
            ctx.client.replica_conf.rdb_only = rdb_only == 1;
        } else if is_keyword(option, "rdb-filter-only") {
            let Some(filters) = kvdb_resp::split_args(value) else {
                return Err(CommandError::err("Missing rdb-filter-only values"));
            };
            let mut functions = false;
            for filter in &filters {
                if !is_keyword(filter, "functions") {
                    return Err(CommandError::err(format!(
                        "Unsupported rdb-filter-only option: {}",
                        String::from_utf8_lossy(filter)
                    )));
                }
                functions = true;
            }
            ctx.client.replica_conf.rdb_filter = Some((false, functions));
        } else {
            return Err(CommandError::err(format!(
                "Unrecognized REPLCONF option: {}",
                String::from_utf8_lossy(option)
            )));
        }
    }
    Ok(Reply::Ok)
}

/// REPLCONF ACK offset from a replica: how far it has processed the stream. Answers
/// the WAITs that this acknowledgement satisfies.
fn acknowledge(ctx: &mut Ctx<'_>, offset: &[u8]) {
    let id = ctx.client.info.id;
    let Some(offset) = crate::num::parse_i64(offset) else {
        return;
    };
    let now = ctx.now_ms / 1000;
    let Some(replica) = ctx.keyspace.replication.replica_mut(id) else {
        return; // only a replica's acknowledgement counts
    };
    if let Ok(offset) = u64::try_from(offset) {
        replica.ack_offset = replica.ack_offset.max(offset);
    }
    replica.ack_secs = now;
    ctx.keyspace.answer_ack_waiters();
}

/// REPLICAOF host port (and SLAVEOF): follows that master from now on (the link
/// starts with the next cron, [`crate::replica`]); `REPLICAOF NO ONE` stops following
/// and continues the history as a master (Redis's `replicaofCommand`).
fn replicaof(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let host = args.required()?.clone();
    let port = args.required()?.clone();
    let requester = format!("id={} addr={}", ctx.client.info.id, ctx.client.info.addr);
    if is_keyword(&host, "no") && is_keyword(&port, "one") {
        if ctx.keyspace.replication.is_replica() {
            if ctx.keyspace.replication.replid.is_empty() {
                // The id INFO showed until now becomes the secondary one.
                ctx.keyspace.replication.replid = ctx.shared.run_id.clone();
            }
            let new_replid = ctx.keyspace.rng().hex_id();
            let master = ctx.keyspace.replication.stop_following(new_replid);
            if let Some(id) = master {
                crate::session::disconnect_client(ctx.shared, ctx.keyspace, id);
            }
            // They learn the new replication id when they reconnect (and can then
            // continue under the old one).
            crate::replica::disconnect_replicas(ctx.shared, ctx.keyspace);
            ctx.keyspace.refresh_expiry_hold();
            ctx.shared.config.write().set_replicaof(None);
            crate::log::notice(&format!(
                "MASTER MODE enabled (user request from '{requester}')"
            ));
        }
        return Ok(Reply::Ok);
    }
    if ctx.client.info.replica {
        return Err(CommandError::err(
            "Command is not valid when client is a replica.",
        ));
    }
    let port = crate::num::parse_i64(&port)
        .and_then(|port| u16::try_from(port).ok())
        .ok_or_else(|| CommandError::err("Invalid master port"))?;
    let host = String::from_utf8_lossy(&host).into_owned();
    let same = ctx
        .keyspace
        .replication
        .master
        .as_ref()
        .is_some_and(|master| master.host.eq_ignore_ascii_case(&host) && master.port == port);
    if same {
        crate::log::notice(
            "REPLICAOF would result into synchronization with the master we are already \
             connected with. No operation performed.",
        );
        return Ok(Reply::status("OK Already connected to specified master"));
    }
    if let Some(id) = ctx
        .keyspace
        .replication
        .master
        .as_ref()
        .and_then(|master| master.client.as_ref())
        .map(|client| client.id)
    {
        crate::session::disconnect_client(ctx.shared, ctx.keyspace, id);
    }
    ctx.shared.config.write().set_replicaof(Some((&host, port)));
    ctx.keyspace.replication.follow(host.clone(), port);
    ctx.keyspace.blocking.disconnect_all(
        "UNBLOCKED force unblock from blocking operation, instance state changed \
         (master -> replica?)",
    );
    ctx.keyspace.refresh_expiry_hold();
    crate::log::notice(&format!(
        "REPLICAOF {host}:{port} enabled (user request from '{requester}')"
    ));
    Ok(Reply::Ok)
}

/// Replication's commands.
pub const COMMANDS: &[CommandSpec] = &[
    spec!(
        "replicaof",
        3,
        NO_ASYNC_LOADING | ADMIN | NOSCRIPT | STALE,
        (0, 0, 0),
        acl::ADMIN | acl::DANGEROUS,
        replicaof
    ),
    spec!(
        "slaveof",
        3,
        NO_ASYNC_LOADING | ADMIN | NOSCRIPT | STALE,
        (0, 0, 0),
        acl::ADMIN | acl::DANGEROUS,
        replicaof
    ),
    spec!(
        "sync",
        1,
        NO_ASYNC_LOADING | ADMIN | NO_MULTI | NOSCRIPT,
        (0, 0, 0),
        acl::ADMIN | acl::DANGEROUS,
        sync
    ),
    spec!(
        "psync",
        -3,
        NO_ASYNC_LOADING | ADMIN | NO_MULTI | NOSCRIPT,
        (0, 0, 0),
        acl::ADMIN | acl::DANGEROUS,
        sync
    ),
    spec!(
        "replconf",
        -1,
        ADMIN | NOSCRIPT | LOADING | STALE | ALLOW_BUSY,
        (0, 0, 0),
        acl::ADMIN | acl::DANGEROUS,
        replconf
    ),
];
