//! The CLIENT subcommands of client-side caching: TRACKING, CACHING, GETREDIR and
//! TRACKINGINFO (declared with the other CLIENT subcommands in `connection.rs`). The
//! arguments of CLIENT TRACKING and Redis's checks of them, in its order, are here;
//! the tracking itself is [`crate::tracking`]'s.

use bytes::Bytes;

use super::Ctx;
use crate::args::{is_keyword, parse_i64, Args};
use crate::error::CommandError;
use crate::reply::Reply;
use crate::tracking::{Enable, Options, Tracker};

/// A `CLIENT TRACKING` command, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Request {
    /// `ON` (else `OFF`).
    on: bool,
    /// The client to send the messages to (0: the client itself).
    redirect: u64,
    /// The modes asked for.
    options: Options,
    /// `PREFIX` arguments, in the order given.
    prefixes: Vec<Bytes>,
}

impl Request {
    /// Parses `ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]`
    /// (the arguments after `TRACKING`) as Redis does: the options in order first,
    /// with `exists` telling whether a redirection target is connected, then the
    /// switch. The checks of `ON` against the client's state are [`check_enable`]'s.
    fn parse(args: &[Bytes], exists: impl Fn(u64) -> bool) -> Result<Request, CommandError> {
        let Some((switch, options)) = args.split_first() else {
            return Err(CommandError::Syntax);
        };
        let mut request = Request {
            on: false,
            redirect: 0,
            options: Options::default(),
            prefixes: Vec::new(),
        };
        let mut at = 0;
        while at < options.len() {
            let option = &options[at];
            let has_value = at + 1 < options.len();
            if is_keyword(option, "REDIRECT") && has_value {
                at += 1;
                if request.redirect != 0 {
                    return Err(CommandError::err(
                        "A client can only redirect to a single other client",
                    ));
                }
                // A negative id reads as a huge one, which no client has.
                let id = parse_i64(&options[at])? as u64;
                if !exists(id) {
                    return Err(CommandError::err(
                        "The client ID you want redirect to does not exist",
                    ));
                }
                request.redirect = id;
            } else if is_keyword(option, "BCAST") {
                request.options.bcast = true;
            } else if is_keyword(option, "OPTIN") {
                request.options.optin = true;
            } else if is_keyword(option, "OPTOUT") {
                request.options.optout = true;
            } else if is_keyword(option, "NOLOOP") {
                request.options.noloop = true;
            } else if is_keyword(option, "PREFIX") && has_value {
                at += 1;
                request.prefixes.push(options[at].clone());
            } else {
                return Err(CommandError::Syntax);
            }
            at += 1;
        }
        request.on = crate::args::switch(switch, "ON", "OFF")?;
        Ok(request)
    }
}

/// Redis's checks of `CLIENT TRACKING ON` against the client's tracking state now
/// (`current`), in its order. Prefixes overlap when one starts with the other, among
/// those given or with those the client has.
///
/// Redis 7.0.15 answers an overlap between two given prefixes after the first one with
/// the error *and* `+OK` (enabling tracking); kvdb answers the error alone and changes
/// nothing, as for an overlap with the first (see docs/decisions.md).
fn check_enable(current: Option<&Tracker>, request: &Request) -> Result<(), CommandError> {
    let options = request.options;
    if !options.bcast && !request.prefixes.is_empty() {
        return Err(CommandError::err(
            "PREFIX option requires BCAST mode to be enabled",
        ));
    }
    if current.is_some_and(|tracker| tracker.options().bcast != options.bcast) {
        return Err(CommandError::err(
            "You can't switch BCAST mode on/off before disabling tracking for this client, \
             and then re-enabling it with a different mode.",
        ));
    }
    if options.bcast && (options.optin || options.optout) {
        return Err(CommandError::err(
            "OPTIN and OPTOUT are not compatible with BCAST",
        ));
    }
    if options.optin && options.optout {
        return Err(CommandError::err(
            "You can't specify both OPTIN mode and OPTOUT mode",
        ));
    }
    let switches = |tracker: &Tracker| {
        (options.optin && tracker.options().optout) || (options.optout && tracker.options().optin)
    };
    if current.is_some_and(switches) {
        return Err(CommandError::err(
            "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, \
             and then re-enabling it with a different mode.",
        ));
    }
    if options.bcast {
        let existing: Vec<&Bytes> = current.into_iter().flat_map(Tracker::prefixes).collect();
        check_prefixes(&existing, &request.prefixes)?;
    }
    Ok(())
}

/// True when one of the two starts with the other: a key could match both.
fn overlap(a: &[u8], b: &[u8]) -> bool {
    let shorter = a.len().min(b.len());
    a[..shorter] == b[..shorter]
}

/// The overlap checks of the `given` prefixes, against the client's `existing` ones and
/// each other.
fn check_prefixes(existing: &[&Bytes], given: &[Bytes]) -> Result<(), CommandError> {
    let shown = |bytes: &[u8]| crate::error::c_string(bytes, usize::MAX);
    for (i, prefix) in given.iter().enumerate() {
        if let Some(old) = existing.iter().find(|old| overlap(old, prefix)) {
            return Err(CommandError::err(format!(
                "Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single \
                 client must not overlap.",
                shown(prefix),
                shown(old)
            )));
        }
        if let Some(other) = given[i + 1..].iter().find(|other| overlap(prefix, other)) {
            return Err(CommandError::err(format!(
                "Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a \
                 single client must not overlap.",
                shown(prefix),
                shown(other)
            )));
        }
    }
    Ok(())
}

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
    let enable = Enable {
        options: request.options,
        redirect: request.redirect,
        target,
        prefixes: &request.prefixes,
        protocol: ctx.client.protocol,
    };
    let tracking = &mut ctx.keyspace.tracking;
    tracking.enable(id, enable, mailbox);
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::pubsub::Mailbox;
    use crate::reply::Protocol;
    use crate::tracking::Tracking;

    fn args(words: &[&str]) -> Vec<Bytes> {
        words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    fn parse(words: &[&str]) -> Result<Request, String> {
        Request::parse(&args(words), |id| id == 7).map_err(|e| e.message().into_owned())
    }

    fn request(words: &[&str]) -> Request {
        parse(words).expect("parses")
    }

    fn message(words: &[&str], current: Option<&Tracker>) -> String {
        let request = request(words);
        let error = check_enable(current, &request).expect_err("refused");
        error.message().into_owned()
    }

    /// A tracking table with client 1 tracking as `words` ask.
    fn tracking_with(words: &[&str]) -> Tracking {
        let mut tracking = Tracking::new(1);
        let request = request(words);
        check_enable(tracking.client(1), &request).expect("allowed");
        let enable = Enable {
            options: request.options,
            redirect: request.redirect,
            target: None,
            prefixes: &request.prefixes,
            protocol: Protocol::Resp3,
        };
        tracking.enable(1, enable, Arc::new(Mailbox::default()));
        tracking
    }

    #[test]
    fn options_parse_in_order_then_the_switch() {
        let parsed = request(&["on", "redirect", "7", "bcast", "prefix", "a", "noloop"]);
        assert!(parsed.on && parsed.options.bcast && parsed.options.noloop);
        assert_eq!(parsed.redirect, 7);
        assert_eq!(parsed.prefixes, args(&["a"]));
        assert_eq!(parse(&["maybe", "foo"]).unwrap_err(), "ERR syntax error");
        assert_eq!(
            parse(&["off", "redirect", "9"]).unwrap_err(),
            "ERR The client ID you want redirect to does not exist"
        );
        assert_eq!(
            parse(&["on", "redirect", "x"]).unwrap_err(),
            "ERR value is not an integer or out of range"
        );
        assert_eq!(
            parse(&["on", "redirect", "7", "redirect", "x"]).unwrap_err(),
            "ERR A client can only redirect to a single other client"
        );
        assert_eq!(parse(&["on", "prefix"]).unwrap_err(), "ERR syntax error");
        assert_eq!(parse(&["maybe"]).unwrap_err(), "ERR syntax error");
        assert!(!request(&["OFF"]).on);
    }

    #[test]
    fn enabling_checks_run_in_redis_order() {
        assert_eq!(
            message(&["on", "optin", "optout", "prefix", "a"], None),
            "ERR PREFIX option requires BCAST mode to be enabled"
        );
        assert_eq!(
            message(&["on", "bcast", "optin", "optout"], None),
            "ERR OPTIN and OPTOUT are not compatible with BCAST"
        );
        assert_eq!(
            message(&["on", "optin", "optout"], None),
            "ERR You can't specify both OPTIN mode and OPTOUT mode"
        );
        let tracking = tracking_with(&["on", "optin"]);
        let current = tracking.client(1);
        assert!(message(&["on", "bcast"], current).starts_with("ERR You can't switch BCAST"));
        assert!(message(&["on", "optout"], current).starts_with("ERR You can't switch OPTIN"));
        assert!(check_enable(current, &request(&["on", "noloop"])).is_ok());
    }

    #[test]
    fn prefixes_must_not_overlap() {
        assert_eq!(
            message(&["on", "bcast", "prefix", "FOOBAR", "prefix", "FOO"], None),
            "ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for \
             a single client must not overlap."
        );
        assert!(message(
            &["on", "bcast", "prefix", "a", "prefix", "b", "prefix", "bc"],
            None
        )
        .contains("'b' overlaps with another provided prefix 'bc'"));
        let tracking = tracking_with(&["on", "bcast", "prefix", "FOO", "prefix", "BAR"]);
        assert_eq!(
            message(&["on", "bcast", "prefix", "FO"], tracking.client(1)),
            "ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single \
             client must not overlap."
        );
    }
}
