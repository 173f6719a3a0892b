//! The geo family: GEOADD, GEOPOS, GEOHASH, GEODIST, and the searches GEORADIUS,
//! GEORADIUSBYMEMBER (and their `_RO` forms), GEOSEARCH and GEOSEARCHSTORE in
//! [`search`]. A geo key is a plain sorted set whose scores are 52-bit geohashes
//! ([`crate::geohash`]).
//!
//! Rules that are easy to get wrong, all as in Redis 7.0.15:
//! - GEOADD turns its triples into scores and runs ZADD: the reply, the `zadd` event
//!   and NX/XX/CH are ZADD's. It checks the triples one by one, so the first bad
//!   number or out-of-range pair answers.
//! - Keywords and units are compared as C strings (anything after a NUL is ignored).
//! - Distances are bulk strings with four decimals (`fixedpoint_d2string`);
//!   coordinates use Redis's human long-double form ([`Reply::HumanDouble`]).
//! - Members missing from the set answer nulls: a null bulk in GEOHASH and GEODIST, a
//!   null array in GEOPOS.

mod search;

use bytes::Bytes;

use super::flags::*;
use super::{acl, spec, zset, CommandSpec, Ctx};
use crate::args::{c_str, is_keyword, Args};
use crate::error::CommandError;
use crate::geohash;
use crate::num;
use crate::reply::Reply;
use crate::types::ZSet;

/// True when `arg`, read as a C string, is `keyword` in any case (`strcasecmp`).
fn is_c_keyword(arg: &[u8], keyword: &str) -> bool {
    is_keyword(c_str(arg), keyword)
}

/// Meters per `unit` (`m`, `km`, `ft`, `mi`).
fn unit_to_meters(unit: &[u8]) -> Result<f64, CommandError> {
    const UNITS: [(&str, f64); 4] = [("m", 1.0), ("km", 1000.0), ("ft", 0.3048), ("mi", 1609.34)];
    UNITS
        .iter()
        .find(|(name, _)| is_c_keyword(unit, name))
        .map(|&(_, meters)| meters)
        .ok_or_else(|| CommandError::err("unsupported unit provided. please use M, KM, FT, MI"))
}

/// A number argument, with Redis's generic message or `ERR <message>` when given.
fn parse_number(arg: &[u8], message: Option<&str>) -> Result<f64, CommandError> {
    num::parse_f64(arg).ok_or_else(|| message.map_or(CommandError::NotAFloat, CommandError::err))
}

/// A `[longitude, latitude]` pair of arguments within the storable limits.
fn parse_long_lat(longitude: &[u8], latitude: &[u8]) -> Result<[f64; 2], CommandError> {
    let longitude = parse_number(longitude, None)?;
    let latitude = parse_number(latitude, None)?;
    if !(geohash::LONG_MIN..=geohash::LONG_MAX).contains(&longitude)
        || !(geohash::LAT_MIN..=geohash::LAT_MAX).contains(&latitude)
    {
        return Err(CommandError::err(format!(
            "invalid longitude,latitude pair {longitude:.6},{latitude:.6}"
        )));
    }
    Ok([longitude, latitude])
}

/// The position a member's score stands for; `None` for a missing member.
fn member_position(zset: &ZSet, member: &[u8]) -> Option<[f64; 2]> {
    zset.score(member).and_then(geohash::decode_score)
}

/// A distance as Redis replies it: a bulk string with exactly four decimals, rounded
/// to nearest even (`fixedpoint_d2string(..., 4)`).
fn distance_reply(distance: f64) -> Reply {
    if distance == 0.0 {
        return Reply::bulk("0.0000");
    }
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let scaled = (distance * 10000.0).round_ties_even();
    // `llrint` answers the smallest long long for what does not fit.
    let scaled = if (-LIMIT..LIMIT).contains(&scaled) {
        scaled as i64
    } else {
        i64::MIN
    };
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs();
    Reply::bulk(format!(
        "{sign}{}.{:04}",
        magnitude / 10000,
        magnitude % 10000
    ))
}

/// GEOADD key [NX|XX] [CH] longitude latitude member ...
fn geoadd(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let mut zadd_argv = vec![Bytes::from_static(b"zadd"), args.key()?];
    let (mut nx, mut xx) = (false, false);
    while let Some(option) = args.peek() {
        if is_c_keyword(option, "nx") {
            nx = true;
        } else if is_c_keyword(option, "xx") {
            xx = true;
        } else if !is_c_keyword(option, "ch") {
            break;
        }
        // The options pass to ZADD as the client spelled them, and so propagate.
        zadd_argv.push(option.clone());
        args.try_next();
    }
    let triples = args.rest();
    if !triples.len().is_multiple_of(3) || (nx && xx) {
        return Err(CommandError::Syntax);
    }
    for triple in triples.chunks(3) {
        let [longitude, latitude] = parse_long_lat(&triple[0], &triple[1])?;
        let score = geohash::score_of(longitude, latitude).ok_or(CommandError::Syntax)?;
        zadd_argv.push(Bytes::from(score.to_string()));
        zadd_argv.push(triple[2].clone());
    }
    // GEOADD propagates as the ZADD it runs, scores computed (Redis replaces the
    // command vector before calling ZADD).
    if ctx.propagating() {
        ctx.propagate_as(zadd_argv.clone());
    }
    zset::zadd(ctx, &mut Args::new(&zadd_argv, 1))
}

/// One reply per member of the sorted set under the first argument: `present` of its
/// position, or `missing` for a member (or key) that is not there.
fn per_member(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    missing: Reply,
    present: impl Fn([f64; 2]) -> Reply,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let members = args.rest();
    let zset = ctx.read_as::<ZSet>(&key)?;
    Ok(Reply::Array(
        members
            .iter()
            .map(|member| {
                zset.as_deref()
                    .and_then(|zset| member_position(zset, member))
                    .map_or_else(|| missing.clone(), &present)
            })
            .collect(),
    ))
}

/// `[longitude, latitude]` as GEOPOS and WITHCOORD reply it.
fn coordinates_reply([longitude, latitude]: [f64; 2]) -> Reply {
    Reply::Array(vec![
        Reply::HumanDouble(longitude),
        Reply::HumanDouble(latitude),
    ])
}

/// GEOPOS key member ...: `[longitude, latitude]` of each member.
fn geopos(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    per_member(ctx, args, Reply::NilArray, coordinates_reply)
}

/// GEOHASH key member ...: each member's 11-character standard geohash.
fn geohash_command(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    per_member(ctx, args, Reply::Nil, |[longitude, latitude]| {
        Reply::bulk(geohash::geohash_string(longitude, latitude).to_vec())
    })
}

/// GEODIST key member1 member2 [M|KM|FT|MI]: the unit is checked before the key.
fn geodist(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let first = args.required()?;
    let second = args.required()?;
    let to_meters = match args.rest() {
        [] => 1.0,
        [unit] => unit_to_meters(unit)?,
        _ => return Err(CommandError::Syntax),
    };
    let Some(zset) = ctx.read_as::<ZSet>(&key)? else {
        return Ok(Reply::Nil);
    };
    let (Some(from), Some(to)) = (member_position(zset, first), member_position(zset, second))
    else {
        return Ok(Reply::Nil);
    };
    Ok(distance_reply(
        geohash::distance(from[0], from[1], to[0], to[1]) / to_meters,
    ))
}

/// The geo commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!("geoadd", -5, WRITE | DENYOOM, (1, 1, 1), acl::GEO, geoadd),
    spec!("geodist", -4, READONLY, (1, 1, 1), acl::GEO, geodist),
    spec!(
        "geohash",
        -2,
        READONLY,
        (1, 1, 1),
        acl::GEO,
        geohash_command
    ),
    spec!("geopos", -2, READONLY, (1, 1, 1), acl::GEO, geopos),
    spec!(
        "georadius",
        -6,
        WRITE | DENYOOM | MOVABLE_KEYS,
        (1, 1, 1),
        acl::GEO,
        search::georadius
    ),
    spec!(
        "georadius_ro",
        -6,
        READONLY,
        (1, 1, 1),
        acl::GEO,
        search::georadius_ro
    ),
    spec!(
        "georadiusbymember",
        -5,
        WRITE | DENYOOM | MOVABLE_KEYS,
        (1, 1, 1),
        acl::GEO,
        search::georadiusbymember
    ),
    spec!(
        "georadiusbymember_ro",
        -5,
        READONLY,
        (1, 1, 1),
        acl::GEO,
        search::georadiusbymember_ro
    ),
    spec!(
        "geosearch",
        -7,
        READONLY,
        (1, 1, 1),
        acl::GEO,
        search::geosearch
    ),
    spec!(
        "geosearchstore",
        -8,
        WRITE | DENYOOM,
        (1, 2, 1),
        acl::GEO,
        search::geosearchstore
    ),
];
