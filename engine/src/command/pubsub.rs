//! The pub/sub family: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.
//!
//! Rules that are easy to get wrong, all as in Redis 7.0: each channel of a
//! SUBSCRIBE gets its own confirmation (a push in RESP3), counting the client's
//! channel and pattern subscriptions together (shard channels apart); UNSUBSCRIBE with
//! no argument confirms every channel, or once with a null channel when there was
//! none; PUBLISH answers how many subscriptions received the message, a client
//! subscribed to the channel and to a matching pattern counting twice; in RESP2 a
//! subscribed client may only (un)subscribe, PING (answered `pong`), QUIT and RESET
//! (checked in dispatch).

use bytes::Bytes;

use super::flags::*;
use super::generic::help_reply;
use super::{spec, subcommand_syntax_error, CommandSpec, Ctx};
use crate::args::Args;
use crate::error::CommandError;
use crate::pubsub::Kind;
use crate::reply::Reply;

impl Kind {
    fn confirmations(self) -> (&'static [u8], &'static [u8]) {
        match self {
            Kind::Channel => (b"subscribe", b"unsubscribe"),
            Kind::Pattern => (b"psubscribe", b"punsubscribe"),
            Kind::Shard => (b"ssubscribe", b"sunsubscribe"),
        }
    }
}

/// The count a confirmation carries: channels and patterns, or shard channels.
fn count_for(ctx: &Ctx<'_>, kind: Kind) -> i64 {
    let (regular, shard) = ctx.keyspace.pubsub.counts(ctx.client.info.id);
    match kind {
        Kind::Shard => shard as i64,
        _ => regular as i64,
    }
}

/// Records whether the client is in subscribed mode, and gives it a mailbox.
fn refresh_subscribed(ctx: &mut Ctx<'_>) {
    let id = ctx.client.info.id;
    let (regular, shard) = ctx.keyspace.pubsub.counts(id);
    ctx.client.subscribed = regular + shard > 0;
    let pubsub = &ctx.keyspace.pubsub;
    ctx.client.info.subscriptions = (
        pubsub.subscriptions(id, Kind::Channel).len(),
        pubsub.subscriptions(id, Kind::Pattern).len(),
        shard,
    );
    if ctx.client.subscribed && ctx.client.mailbox.is_none() {
        ctx.client.mailbox = Some(ctx.keyspace.pubsub.mailbox(id));
    }
}

fn confirmation(word: &'static [u8], name: Option<Bytes>, count: i64) -> Reply {
    Reply::Push(vec![
        Reply::Bulk(Bytes::from_static(word)),
        name.map_or(Reply::Nil, Reply::Bulk),
        Reply::Int(count),
    ])
}

fn subscribe_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    kind: Kind,
) -> Result<Reply, CommandError> {
    let id = ctx.client.info.id;
    let mut replies = Vec::new();
    for name in args.rest() {
        ctx.keyspace.pubsub.subscribe(id, kind, name);
        replies.push(confirmation(
            kind.confirmations().0,
            Some(name.clone()),
            count_for(ctx, kind),
        ));
    }
    refresh_subscribed(ctx);
    Ok(Reply::Sequence(replies))
}

fn unsubscribe_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    kind: Kind,
) -> Result<Reply, CommandError> {
    let id = ctx.client.info.id;
    let word = kind.confirmations().1;
    let names = match args.rest() {
        [] => ctx.keyspace.pubsub.subscriptions(id, kind),
        names => names.to_vec(),
    };
    let mut replies = Vec::new();
    for name in names {
        ctx.keyspace.pubsub.unsubscribe(id, kind, &name);
        replies.push(confirmation(word, Some(name), count_for(ctx, kind)));
    }
    if replies.is_empty() {
        replies.push(confirmation(word, None, count_for(ctx, kind)));
    }
    refresh_subscribed(ctx);
    Ok(Reply::Sequence(replies))
}

/// Drops every subscription of the client without confirmations (RESET). Its mailbox
/// stays: what is queued there is still written, before RESET's reply, as Redis writes
/// what its output buffer holds.
pub fn unsubscribe_all(ctx: &mut Ctx<'_>) {
    ctx.keyspace.pubsub.unsubscribe_all(ctx.client.info.id);
    ctx.client.subscribed = false;
    ctx.client.info.subscriptions = (0, 0, 0);
}

fn subscribe(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    subscribe_generic(ctx, args, Kind::Channel)
}

fn psubscribe(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    subscribe_generic(ctx, args, Kind::Pattern)
}

fn ssubscribe(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    subscribe_generic(ctx, args, Kind::Shard)
}

fn unsubscribe(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    unsubscribe_generic(ctx, args, Kind::Channel)
}

fn punsubscribe(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    unsubscribe_generic(ctx, args, Kind::Pattern)
}

fn sunsubscribe(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    unsubscribe_generic(ctx, args, Kind::Shard)
}

fn publish_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    shard: bool,
) -> Result<Reply, CommandError> {
    let channel = args.required()?;
    let message = args.required()?;
    let receivers = ctx
        .keyspace
        .pubsub
        .publish(channel, message, shard, ctx.now_ms);
    // Replicas get every message, though it changed nothing.
    ctx.force_propagation();
    Ok(Reply::Int(receivers as i64))
}

fn publish(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    publish_generic(ctx, args, false)
}

fn spublish(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    publish_generic(ctx, args, true)
}

fn channels_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    kind: Kind,
) -> Result<Reply, CommandError> {
    let pattern = match args.rest() {
        [] => None,
        [pattern] => Some(pattern.as_ref()),
        _ => return Err(subcommand_syntax_error(args.argv())),
    };
    let names = ctx.keyspace.pubsub.active(kind, pattern);
    Ok(Reply::Array(names.into_iter().map(Reply::Bulk).collect()))
}

fn numsub_generic(ctx: &mut Ctx<'_>, args: &mut Args<'_>, kind: Kind) -> Reply {
    let mut items = Vec::new();
    for channel in args.rest() {
        items.push(Reply::Bulk(channel.clone()));
        let count = ctx.keyspace.pubsub.subscriber_count(kind, channel);
        items.push(Reply::Int(count as i64));
    }
    Reply::Array(items)
}

fn pubsub_channels(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    channels_generic(ctx, args, Kind::Channel)
}

fn pubsub_shardchannels(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    channels_generic(ctx, args, Kind::Shard)
}

fn pubsub_numsub(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(numsub_generic(ctx, args, Kind::Channel))
}

fn pubsub_shardnumsub(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(numsub_generic(ctx, args, Kind::Shard))
}

fn pubsub_numpat(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Int(ctx.keyspace.pubsub.pattern_count() as i64))
}

fn pubsub_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(help_reply(
        "pubsub",
        &[
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
        ],
    ))
}

const SUBSCRIBING: u32 = PUBSUB | NOSCRIPT | LOADING | STALE;
const LISTING: u32 = PUBSUB | LOADING | STALE;

const PUBSUB_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "pubsub|channels",
        -2,
        LISTING,
        (0, 0, 0),
        0,
        pubsub_channels
    ),
    spec!("pubsub|numsub", -2, LISTING, (0, 0, 0), 0, pubsub_numsub),
    spec!("pubsub|numpat", 2, LISTING, (0, 0, 0), 0, pubsub_numpat),
    spec!(
        "pubsub|shardchannels",
        -2,
        LISTING,
        (0, 0, 0),
        0,
        pubsub_shardchannels
    ),
    spec!(
        "pubsub|shardnumsub",
        -2,
        LISTING,
        (0, 0, 0),
        0,
        pubsub_shardnumsub
    ),
    spec!("pubsub|help", 2, LOADING | STALE, (0, 0, 0), 0, pubsub_help),
];

/// The pub/sub family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!("subscribe", -2, SUBSCRIBING, (0, 0, 0), 0, subscribe),
    spec!("unsubscribe", -1, SUBSCRIBING, (0, 0, 0), 0, unsubscribe),
    spec!("psubscribe", -2, SUBSCRIBING, (0, 0, 0), 0, psubscribe),
    spec!("punsubscribe", -1, SUBSCRIBING, (0, 0, 0), 0, punsubscribe),
    spec!("ssubscribe", -2, SUBSCRIBING, (1, -1, 1), 0, ssubscribe),
    spec!("sunsubscribe", -1, SUBSCRIBING, (1, -1, 1), 0, sunsubscribe),
    spec!(
        "publish",
        3,
        LISTING | FAST | MAY_REPLICATE,
        (0, 0, 0),
        0,
        publish
    ),
    spec!(
        "spublish",
        3,
        LISTING | FAST | MAY_REPLICATE,
        (1, 1, 1),
        0,
        spublish
    ),
    CommandSpec {
        subcommands: PUBSUB_SUBCOMMANDS,
        ..spec!("pubsub", -2, 0, (0, 0, 0), 0, super::generic::container)
    },
];
