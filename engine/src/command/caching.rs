//! The CLIENT subcommands of client-side caching: TRACKING, CACHING, GETREDIR and
//! TRACKINGINFO (declared with the other CLIENT subcommands in `connection.rs`; the
//! tracking rules live in [`crate::tracking`]).

use super::Ctx;
use crate::args::Args;
use crate::error::CommandError;
use crate::reply::Reply;
use crate::tracking::{check_enable, Request};

/// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT]
/// [NOLOOP]. The redirection target must be connected now; it is given a mailbox so
/// that the messages reach it even if it never subscribed.
pub(super) fn client_tracking(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    let id = ctx.client.info.id;
    let request = {
        let clients = ctx.shared.clients.lock();
        Request::parse(args.rest(), |target| clients.contains_key(&target))?
    };
    if !request.on {
        ctx.keyspace.tracking.disable(id);
        return Ok(Reply::Ok);
    }
    check_enable(ctx.keyspace.tracking.client(id), &request)?;
    let pubsub = &mut ctx.keyspace.pubsub;
    let mailbox = ctx
        .client
        .mailbox
        .get_or_insert_with(|| pubsub.mailbox(id))
        .clone();
    let target = match request.redirect {
        0 => None,
        target => {
            let mailbox = pubsub.mailbox(target);
            if let Some(client) = ctx.shared.clients.lock().get(&target) {
                client.offer_mailbox(mailbox.clone());
            }
            Some(mailbox)
        }
    };
    let protocol = ctx.client.protocol;
    let tracking = &mut ctx.keyspace.tracking;
    tracking.enable(id, &request, protocol, mailbox, target);
    // The session names the current client only while some client tracks: from now
    // on (the rest of an EXEC too) this one's own invalidations wait for its reply.
    tracking.set_current(id);
    Ok(Reply::Ok)
}

/// CLIENT CACHING YES|NO: whether the next command's reads are remembered, in OPTIN
/// or OPTOUT mode.
pub(super) fn client_caching(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    let answer = args.required()?;
    let id = ctx.client.info.id;
    ctx.keyspace.tracking.caching(id, answer)?;
    Ok(Reply::Ok)
}

/// CLIENT GETREDIR: the redirection target, 0 for none, -1 when tracking is off.
pub(super) fn client_getredir(
    ctx: &mut Ctx<'_>,
    _args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    let tracker = ctx.keyspace.tracking.client(ctx.client.info.id);
    Ok(Reply::Int(tracker.map_or(-1, |t| t.redirect() as i64)))
}

/// CLIENT TRACKINGINFO: the flags (a set), the redirection and the prefixes.
pub(super) fn client_trackinginfo(
    ctx: &mut Ctx<'_>,
    _args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    let tracker = ctx.keyspace.tracking.client(ctx.client.info.id);
    let flags = tracker.map_or_else(|| vec!["off"], |t| t.flag_names());
    let redirect = tracker.map_or(-1, |t| t.redirect() as i64);
    let prefixes = tracker.map_or_else(Vec::new, |t| t.prefixes().cloned().collect());
    Ok(Reply::Map(vec![
        (
            Reply::bulk("flags"),
            Reply::Set(flags.into_iter().map(Reply::bulk).collect()),
        ),
        (Reply::bulk("redirect"), Reply::Int(redirect)),
        (Reply::bulk("prefixes"), Reply::bulks(prefixes)),
    ]))
}
