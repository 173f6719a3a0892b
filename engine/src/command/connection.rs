//! The connection family: PING, ECHO, QUIT, RESET, HELLO, AUTH and CLIENT (CLIENT PAUSE's
//! rules live in [`crate::pause`]; the client-side caching subcommands are in
//! `caching.rs`).
//!
//! AUTH and HELLO AUTH log a client in as one of the ACL users ([`crate::acl`]); a
//! client starts as the default user, authenticated when that user needs no password
//! then, as Redis's `clientSetDefaultAuth` decides, and RESET starts it over.
//! `requirepass` is the default user's password; changing it does not log out clients
//! already in.

use bytes::Bytes;

use super::caching::{client_caching, client_getredir, client_tracking, client_trackinginfo};
use super::flags::*;
use super::generic::container;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::error::CommandError;
use crate::pause::PauseKind;
use crate::reply::{Protocol, Reply};
use crate::session::{ClientInfo, ClientKind, ReplyMode};

/// The Redis version whose behaviour kvdb reproduces (reported by HELLO and INFO).
pub const REDIS_VERSION: &str = "7.0.15";

fn ping(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let message = match args.remaining() {
        0 => None,
        1 => Some(args.key()?),
        _ => return Err(CommandError::WrongArity("ping".into())),
    };
    // A RESP2 client in subscribed mode gets a message-shaped answer.
    if ctx.client.subscribed && ctx.client.protocol == Protocol::Resp2 {
        return Ok(Reply::Array(vec![
            Reply::bulk("pong"),
            Reply::Bulk(message.unwrap_or_default()),
        ]));
    }
    Ok(message.map_or(Reply::status("PONG"), Reply::Bulk))
}

fn echo(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Bulk(args.key()?))
}

fn quit(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ctx.client.close_after_reply = true;
    Ok(Reply::Ok)
}

fn reset(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    super::transaction::discard_transaction(ctx);
    super::pubsub::unsubscribe_all(ctx);
    super::admin::stop_monitoring(ctx);
    ctx.keyspace.tracking.disable(ctx.client.info.id);
    ctx.client.db = 0;
    ctx.client.protocol = Protocol::Resp2;
    ctx.client.info.name.clear();
    ctx.client.info_changed = true;
    // Redis's `clientSetDefaultAuth`.
    let default = ctx.shared.acl.read().default_user().clone();
    ctx.client.authenticated = default.logs_in_without_password();
    set_user(ctx, default);
    Ok(Reply::status("RESET"))
}

/// Makes `user` the client's user, published at once.
fn set_user(ctx: &mut Ctx<'_>, user: std::sync::Arc<crate::acl::User>) {
    let client = &mut *ctx.client;
    client.info.user = user.name().clone();
    client.info_changed = true;
    if let Some(registered) = ctx.shared.clients.lock().get(&client.info.id) {
        registered.set_user(user.name());
    }
    client.user = user;
}

/// Logs the client in as `user` if `password` is one of its passwords (Redis's
/// `ACLAuthenticateUser`); a failure is logged in the ACL log.
fn authenticate(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    (user, password): (&Bytes, &[u8]),
) -> Result<(), CommandError> {
    let found = ctx.shared.acl.read().user(user).cloned();
    match found.filter(|found| found.accepts(password)) {
        Some(found) => {
            ctx.client.authenticated = true;
            set_user(ctx, found);
            Ok(())
        }
        None => {
            crate::session::add_acl_log_entry(
                ctx.shared,
                ctx.client,
                (crate::acl::Reason::Auth, ctx.client.acl_context()),
                (argv[0].clone(), user.clone()),
                (argv, None),
            );
            Err(CommandError::WrongPass)
        }
    }
}

fn auth(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    if args.remaining() > 2 {
        return Err(CommandError::Syntax);
    }
    // The password (and a user name) never reach the slowlog or MONITOR.
    for position in 1..=args.remaining() {
        ctx.redact(position);
    }
    let (user, password) = match args.remaining() {
        1 => {
            if ctx.shared.acl.read().default_user().is_nopass() {
                return Err(CommandError::AuthNotConfigured);
            }
            (Bytes::from_static(b"default"), args.required()?.clone())
        }
        2 => (args.required()?.clone(), args.required()?.clone()),
        _ => return Err(CommandError::Syntax),
    };
    authenticate(ctx, args.argv(), (&user, &password))?;
    Ok(Reply::Ok)
}

/// A client name's charset rule: printable ASCII without spaces (`!`..=`~`).
fn valid_name(name: &[u8]) -> bool {
    name.iter().all(|b| (b'!'..=b'~').contains(b))
}

fn set_name(ctx: &mut Ctx<'_>, name: &[u8]) -> Result<(), CommandError> {
    if !valid_name(name) {
        return Err(CommandError::err(
            "Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    ctx.client.info.name = name.to_vec();
    ctx.client.info_changed = true;
    Ok(())
}

fn hello(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let mut version = None;
    if let Some(arg) = args.try_next() {
        let parsed = crate::num::parse_i64(arg).ok_or_else(|| {
            CommandError::err("Protocol version is not an integer or out of range")
        })?;
        if !(2..=3).contains(&parsed) {
            return Err(CommandError::NoProto);
        }
        version = Some(parsed);
    }
    while let Some(option) = args.try_next() {
        if is_keyword(option, "AUTH") && args.remaining() >= 2 {
            ctx.redact(args.position());
            ctx.redact(args.position() + 1);
            let (user, password) = (args.required()?.clone(), args.required()?.clone());
            authenticate(ctx, args.argv(), (&user, &password))?;
        } else if is_keyword(option, "SETNAME") && !args.is_empty() {
            set_name(ctx, args.required()?)?;
        } else {
            let shown = crate::args::c_str(option);
            return Err(CommandError::err(format!(
                "Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(shown)
            )));
        }
    }
    if !ctx.client.authenticated {
        return Err(CommandError::Other(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the \
             HELLO AUTH <user> <pass> option can be used to authenticate the client and select \
             the RESP protocol version at the same time"
                .into(),
        ));
    }
    match version {
        Some(3) => ctx.client.protocol = Protocol::Resp3,
        Some(_) => ctx.client.protocol = Protocol::Resp2,
        None => {}
    }
    let id = ctx.client.info.id;
    ctx.keyspace.tracking.set_protocol(id, ctx.client.protocol);
    let proto = match ctx.client.protocol {
        Protocol::Resp2 => 2,
        Protocol::Resp3 => 3,
    };
    let role = match ctx.keyspace.replication.is_replica() {
        true => "replica",
        false => "master",
    };
    let field = |name: &'static str| Reply::bulk(name);
    Ok(Reply::Map(vec![
        (field("server"), field("redis")),
        (field("version"), field(REDIS_VERSION)),
        (field("proto"), Reply::Int(proto)),
        (field("id"), Reply::Int(ctx.client.info.id as i64)),
        (field("mode"), field("standalone")),
        (field("role"), field(role)),
        (field("modules"), Reply::Array(Vec::new())),
    ]))
}

fn client_id(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Int(ctx.client.info.id as i64))
}

fn client_setname(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    set_name(ctx, args.required()?)?;
    Ok(Reply::Ok)
}

fn client_getname(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let name = &ctx.client.info.name;
    Ok(if name.is_empty() {
        Reply::Nil
    } else {
        Reply::Bulk(Bytes::copy_from_slice(name))
    })
}

/// CLIENT SETINFO LIB-NAME|LIB-VER value, as Redis 7.2 has it (current clients send it
/// on connect).
fn client_setinfo(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let attribute = args.required()?;
    let value = args.required()?;
    let (slot, label) = if is_keyword(attribute, "LIB-NAME") {
        (&mut ctx.client.info.lib_name, "lib-name")
    } else if is_keyword(attribute, "LIB-VER") {
        (&mut ctx.client.info.lib_ver, "lib-ver")
    } else {
        return Err(CommandError::err(format!(
            "Unrecognized option '{}'",
            String::from_utf8_lossy(attribute)
        )));
    };
    if !valid_name(value) {
        return Err(CommandError::err(format!(
            "{label} cannot contain spaces, newlines or special characters."
        )));
    }
    *slot = value.to_vec();
    ctx.client.info_changed = true;
    Ok(Reply::Ok)
}

/// The bytes of `argv` as a RESP request: what Redis's query buffer (`qbuf=`) holds
/// of the client running it.
fn request_size(argv: &[Bytes]) -> usize {
    let header = |len: usize| 3 + len.to_string().len();
    header(argv.len())
        + argv
            .iter()
            .map(|arg| header(arg.len()) + arg.len() + 2)
            .sum::<usize>()
}

/// One `CLIENT LIST` line, in Redis's field order; `qbuf` is the size of the client's
/// query buffer (the running client's own request, 0 for the others), `omem` the size
/// of the messages waiting for it. The buffer figures are its connection's: room in
/// its read buffer, its write buffer's size, and those with the waiting messages as
/// its total, and the most a batch's replies filled of the write buffer lately.
pub(crate) fn client_line(info: &ClientInfo, qbuf: usize, omem: u64, now_ms: u64) -> String {
    let age = now_ms.saturating_sub(info.created_ms) / 1000;
    let idle = now_ms.saturating_sub(info.last_interaction_ms) / 1000;
    let (channels, patterns, shard) = info.subscriptions;
    let multi = info.queued.map_or(-1, |queued| queued as i64);
    let redir = match info.tracking.on {
        true => info.tracking.redirect as i64,
        false => -1,
    };
    let (input, output) = info.buffers;
    format!(
        "id={} addr={} laddr={} fd=8 name={} age={} idle={} flags={} db={} sub={} psub={} \
         ssub={} multi={} qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs={} rbp={} obl=0 oll=0 \
         omem={omem} tot-mem={} events=r cmd={} user={} redir={} resp={} lib-name={} \
         lib-ver={}\n",
        info.id,
        info.addr,
        info.laddr,
        String::from_utf8_lossy(&info.name),
        age,
        idle,
        info.flags(),
        info.db,
        channels,
        patterns,
        shard,
        multi,
        qbuf,
        input.saturating_sub(qbuf),
        output,
        info.reply_peak,
        input as u64 + output as u64 + omem,
        info.last_command,
        String::from_utf8_lossy(info.user_name()),
        redir,
        info.resp,
        String::from_utf8_lossy(&info.lib_name),
        String::from_utf8_lossy(&info.lib_ver),
    )
}

/// The client's CLIENT INFO line for the ACL log (Redis's `catClientInfoString`),
/// `argv` being the command it is running and `command` the full name of the one
/// it shows as its last (a refused command's own: Redis names it before refusing).
pub(crate) fn client_info_line(
    client: &crate::session::ClientState,
    (argv, command): (&[Bytes], Option<&'static str>),
    now_ms: u64,
) -> String {
    let mut info = client.current_info();
    if let Some(command) = command {
        info.last_command = command;
    }
    let mut line = client_line(&info, request_size(argv), 0, now_ms);
    line.pop();
    line
}

/// The calling client's registry view, fresh (the registry is updated after batches).
fn own_info(ctx: &Ctx<'_>) -> ClientInfo {
    let mut info = ctx.client.current_info();
    let registered = ctx.shared.clients.lock().get(&info.id).cloned();
    info.reply_peak = registered.map_or(0, |client| client.reply_peak());
    info.tracking = ctx.keyspace.tracking.summary(info.id);
    info
}

fn client_unblock(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    if args.remaining() > 2 {
        return Err(super::subcommand_syntax_error(args.argv()));
    }
    let id = args.required()?.clone();
    let as_error = match args.try_next() {
        None => false,
        Some(reason) if is_keyword(reason, "TIMEOUT") => false,
        Some(reason) if is_keyword(reason, "ERROR") => true,
        Some(_) => {
            return Err(CommandError::err(
                "CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
            ))
        }
    };
    let id = crate::args::parse_i64(&id)?;
    let Some(waiter) = u64::try_from(id)
        .ok()
        .and_then(|id| ctx.keyspace.blocking.unblock(id))
    else {
        return Ok(Reply::Int(0));
    };
    let reply = if as_error {
        Reply::from(CommandError::Other(
            "UNBLOCKED client unblocked via CLIENT UNBLOCK".into(),
        ))
    } else {
        waiter.timeout_reply
    };
    waiter.slot.fill(reply, None);
    Ok(Reply::Int(1))
}

/// CLIENT REPLY ON|OFF|SKIP: OFF and SKIP are not answered themselves; SKIP does
/// nothing while replies are off.
fn client_reply(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let mode = args.required()?;
    if is_keyword(mode, "ON") {
        ctx.client.reply_mode = ReplyMode::On;
        return Ok(Reply::Ok);
    }
    if is_keyword(mode, "OFF") {
        ctx.client.reply_mode = ReplyMode::Off;
    } else if is_keyword(mode, "SKIP") {
        if ctx.client.reply_mode != ReplyMode::Off {
            ctx.client.reply_mode = ReplyMode::SkipNext;
        }
    } else {
        return Err(CommandError::Syntax);
    }
    ctx.client.skip_reply = true;
    Ok(Reply::Ok)
}

/// Which clients CLIENT KILL closes.
#[derive(Debug, Default)]
struct KillFilter {
    id: Option<u64>,
    addr: Option<String>,
    laddr: Option<String>,
    kind: Option<ClientKind>,
    user: Option<Bytes>,
    skip_me: bool,
}

/// The class a `TYPE` argument names, or Redis's error.
fn client_kind(name: &[u8]) -> Result<ClientKind, CommandError> {
    ClientKind::from_name(name).ok_or_else(|| {
        CommandError::err(format!(
            "Unknown client type '{}'",
            String::from_utf8_lossy(name)
        ))
    })
}

impl KillFilter {
    fn parse(options: &[Bytes], acl: &crate::acl::Acl) -> Result<Self, CommandError> {
        let mut filter = KillFilter {
            skip_me: true,
            ..KillFilter::default()
        };
        let text = |arg: &Bytes| String::from_utf8_lossy(arg).into_owned();
        let mut at = 0;
        while at < options.len() {
            let option = &options[at];
            let Some(value) = options.get(at + 1) else {
                return Err(CommandError::Syntax);
            };
            if is_keyword(option, "ID") {
                let id = crate::num::parse_i64(value)
                    .filter(|id| *id >= 1)
                    .ok_or_else(|| CommandError::err("client-id should be greater than 0"))?;
                filter.id = Some(id as u64);
            } else if is_keyword(option, "TYPE") {
                filter.kind = Some(client_kind(value)?);
            } else if is_keyword(option, "ADDR") {
                filter.addr = Some(text(value));
            } else if is_keyword(option, "LADDR") {
                filter.laddr = Some(text(value));
            } else if is_keyword(option, "USER") {
                if acl.user(value).is_none() {
                    return Err(CommandError::err(format!("No such user '{}'", text(value))));
                }
                filter.user = Some(value.clone());
            } else if is_keyword(option, "SKIPME") {
                filter.skip_me = crate::args::switch(value, "yes", "no")?;
            } else {
                return Err(CommandError::Syntax);
            }
            at += 2;
        }
        Ok(filter)
    }

    fn matches(&self, info: &ClientInfo, me: u64) -> bool {
        let kind = info.kind();
        self.addr.as_ref().is_none_or(|addr| *addr == info.addr)
            && self.laddr.as_ref().is_none_or(|laddr| *laddr == info.laddr)
            && self.kind.is_none_or(|wanted| wanted == kind)
            && self.id.is_none_or(|id| id == info.id)
            && self
                .user
                .as_ref()
                .is_none_or(|user| user == info.user_name())
            && !(self.skip_me && info.id == me)
    }
}

/// CLIENT KILL addr:port (the old form: OK or "No such client", may kill the caller)
/// or CLIENT KILL with filters (ID ADDR LADDR USER TYPE SKIPME; answers how many).
fn client_kill(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let options = args.rest();
    let old_form = options.len() == 1;
    let filter = if old_form {
        KillFilter {
            addr: Some(String::from_utf8_lossy(&options[0]).into_owned()),
            ..KillFilter::default()
        }
    } else {
        KillFilter::parse(options, &ctx.shared.acl.read())?
    };
    let me = ctx.client.info.id;
    let killed = kill_clients(ctx, |info, _| filter.matches(info, me));
    if old_form {
        return if killed == 0 {
            Err(CommandError::err("No such client"))
        } else {
            Ok(Reply::Ok)
        };
    }
    Ok(Reply::Int(killed))
}

/// Disconnects every client whose registry view `doomed` picks (it may look at the
/// keyspace, e.g. at a client's subscriptions), the caller after its reply; answers
/// how many.
pub(crate) fn kill_clients(
    ctx: &mut Ctx<'_>,
    doomed: impl Fn(&ClientInfo, &crate::keyspace::Keyspace) -> bool,
) -> i64 {
    let me = ctx.client.info.id;
    let own = ctx.client.info.clone();
    let mut killed = 0;
    let mut others = Vec::new();
    for (id, client) in ctx.shared.clients.lock().iter() {
        let info = if *id == me {
            own.clone()
        } else {
            client.info()
        };
        if !doomed(&info, ctx.keyspace) {
            continue;
        }
        if *id == me {
            ctx.client.close_after_reply = true;
        } else {
            client.kill();
            others.push(*id);
        }
        killed += 1;
    }
    // Redis frees the other clients before answering: they are gone from CLIENT
    // LIST, INFO, their channels and WATCHes at once, not when their connection
    // notices.
    for id in others {
        crate::session::detach_client(ctx.shared, ctx.keyspace, id);
    }
    killed
}

fn client_no_evict(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let value = args.required()?;
    ctx.client.info.no_evict = crate::args::switch(value, "ON", "OFF")?;
    Ok(Reply::Ok)
}

/// CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout (ms); a
/// pause in force keeps the stricter mode and the later end. A timeout of 0 pauses
/// nothing, and one past the clock's range wraps into the past, as in Redis.
fn client_pause(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    if args.remaining() > 2 {
        return Err(super::subcommand_syntax_error(args.argv()));
    }
    let timeout = args.required()?.clone();
    let kind = match args.try_next() {
        None => PauseKind::All,
        Some(mode) if is_keyword(mode, "WRITE") => PauseKind::Write,
        Some(mode) if is_keyword(mode, "ALL") => PauseKind::All,
        Some(_) => return Err(CommandError::err("CLIENT PAUSE mode must be WRITE or ALL")),
    };
    let millis = crate::num::parse_i64(&timeout)
        .ok_or_else(|| CommandError::err("timeout is not an integer or out of range"))?;
    if millis < 0 {
        return Err(CommandError::err("timeout is negative"));
    }
    let now = i64::try_from(ctx.now_ms).unwrap_or(i64::MAX);
    let end = if millis > 0 {
        millis.wrapping_add(now)
    } else {
        0
    };
    ctx.keyspace.pause_clients(kind, end, ctx.now_ms);
    Ok(Reply::Ok)
}

/// CLIENT UNPAUSE: lifts a pause; the clients it held run in the order they came.
fn client_unpause(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    ctx.keyspace.unpause_clients();
    Ok(Reply::Ok)
}

fn client_info(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let me = own_info(ctx);
    let omem = ctx.keyspace.pubsub.pending_bytes_of(me.id);
    let line = client_line(&me, request_size(args.argv()), omem, ctx.now_ms);
    Ok(Reply::Verbatim(*b"txt", Bytes::from(line)))
}

fn client_list(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let mut ids: Option<Vec<u64>> = None;
    let mut kind = None;
    while let Some(option) = args.try_next() {
        if is_keyword(option, "TYPE") && !args.is_empty() {
            kind = Some(client_kind(args.required()?)?);
        } else if is_keyword(option, "ID") && !args.is_empty() {
            let mut wanted = Vec::new();
            for arg in args.rest() {
                let id = crate::num::parse_i64(arg)
                    .filter(|id| *id > 0)
                    .ok_or_else(|| CommandError::err("Invalid client ID"))?;
                wanted.push(id as u64);
            }
            ids = Some(wanted);
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let me = own_info(ctx);
    let own_qbuf = request_size(args.argv());
    let mut clients: Vec<ClientInfo> = ctx
        .shared
        .clients
        .lock()
        .values()
        .map(|client| client.info())
        .collect();
    for client in &mut clients {
        if client.id == me.id {
            *client = me.clone();
        }
        client.tracking = ctx.keyspace.tracking.summary(client.id);
    }
    let mut text = String::new();
    for client in clients {
        let listed = ids.as_ref().is_none_or(|ids| ids.contains(&client.id))
            && kind.is_none_or(|kind| kind == client.kind());
        if listed {
            let qbuf = if client.id == me.id { own_qbuf } else { 0 };
            let omem = ctx.keyspace.pubsub.pending_bytes_of(client.id);
            text.push_str(&client_line(&client, qbuf, omem, ctx.now_ms));
        }
    }
    Ok(Reply::Verbatim(*b"txt", Bytes::from(text)))
}

const CLIENT_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "client|id",
        2,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_id
    ),
    spec!(
        "client|setname",
        3,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_setname
    ),
    spec!(
        "client|getname",
        2,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_getname
    ),
    spec!(
        "client|setinfo",
        4,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_setinfo
    ),
    spec!(
        "client|info",
        2,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_info
    ),
    spec!(
        "client|unblock",
        -3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_unblock
    ),
    spec!(
        "client|kill",
        -3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_kill
    ),
    spec!(
        "client|no-evict",
        3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_no_evict
    ),
    spec!(
        "client|pause",
        -3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_pause
    ),
    spec!(
        "client|unpause",
        2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_unpause
    ),
    spec!(
        "client|getredir",
        2,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_getredir
    ),
    spec!(
        "client|trackinginfo",
        2,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_trackinginfo
    ),
    spec!(
        "client|tracking",
        -3,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_tracking
    ),
    spec!(
        "client|caching",
        3,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_caching
    ),
    spec!(
        "client|reply",
        3,
        NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_reply
    ),
    spec!(
        "client|list",
        -2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_list
    ),
    spec!(
        "client|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        client_help
    ),
];

/// CLIENT HELP: Redis 7.0.15's text.
fn client_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(super::generic::help_reply(
        "client",
        &[
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
        ],
    ))
}

/// Flags of the commands a client may send at any time: before authenticating, while
/// loading or busy, and never from scripts (QUIT, RESET, AUTH, HELLO).
const ANYTIME: u32 = NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY;

/// The connection family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!("ping", -1, FAST, (0, 0, 0), acl::CONNECTION, ping),
    spec!(
        "echo",
        2,
        LOADING | STALE | FAST,
        (0, 0, 0),
        acl::CONNECTION,
        echo
    ),
    spec!("quit", -1, ANYTIME, (0, 0, 0), acl::CONNECTION, quit),
    spec!("reset", 1, ANYTIME, (0, 0, 0), acl::CONNECTION, reset),
    spec!("auth", -2, ANYTIME, (0, 0, 0), acl::CONNECTION, auth),
    spec!("hello", -1, ANYTIME, (0, 0, 0), acl::CONNECTION, hello),
    CommandSpec {
        subcommands: CLIENT_SUBCOMMANDS,
        ..spec!("client", -2, 0, (0, 0, 0), 0, container)
    },
];
