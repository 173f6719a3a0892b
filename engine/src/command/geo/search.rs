//! GEORADIUS, GEORADIUS_RO, GEORADIUSBYMEMBER, GEORADIUSBYMEMBER_RO, GEOSEARCH and
//! GEOSEARCHSTORE: one parser and one search, as Redis's `georadiusGeneric`.
//!
//! Rules reproduced:
//! - The source key is looked up (and type-checked) first; then the centre and size
//!   (GEORADIUS*), then the options left to right, each error answering as it is met:
//!   a FROMMEMBER that is not in the set fails before a later syntax error.
//! - Then, in order: STORE with a WITH* option, GEOSEARCH without a centre or without
//!   a shape, ANY without COUNT. A missing source answers an empty array, or 0 after
//!   deleting the STORE destination.
//! - Members are found cell by cell ([`geohash::Shape::areas`]), each cell in score
//!   order; COUNT ANY stops as soon as enough are found. Without ASC or DESC that is
//!   the reply's order, except that COUNT without ANY sorts ascending.
//! - A full sort is stable (glibc's merge sort); a COUNT smaller than the matches
//!   sorts partially with Redis's `pqsort`, whose order of equal distances differs.
//! - Stores write a sorted set of scores (or distances with STOREDIST) and publish
//!   `georadiusstore` / `geosearchstore` before replying.

use std::cmp::Ordering;

use bytes::Bytes;

use super::{
    coordinates_reply, distance_reply, is_c_keyword, member_position, parse_long_lat, parse_number,
    unit_to_meters,
};
use crate::args::{parse_i64, Args};
use crate::command::Ctx;
use crate::error::CommandError;
use crate::geohash::{self, HashBits, Shape, ShapeKind};
use crate::notify;
use crate::partial_sort::partial_sort;
use crate::reply::Reply;
use crate::types::zset::ZSetConfig;
use crate::types::zset::{compare, ScoreRange};
use crate::types::{Value, ZSet};

/// Which command runs the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// GEORADIUS (`store`) and GEORADIUS_RO: centre from coordinates.
    ByCoordinates { store: bool },
    /// GEORADIUSBYMEMBER (`store`) and GEORADIUSBYMEMBER_RO: centre from a member.
    ByMember { store: bool },
    /// GEOSEARCH and GEOSEARCHSTORE (`store`): centre and shape from options.
    Search { store: bool },
}

impl Variant {
    /// Whether STORE and STOREDIST take a key (the writing GEORADIUS* forms).
    fn takes_store_key(self) -> bool {
        matches!(
            self,
            Variant::ByCoordinates { store: true } | Variant::ByMember { store: true }
        )
    }

    fn is_search(self) -> bool {
        matches!(self, Variant::Search { .. })
    }
}

/// The order asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    None,
    Ascending,
    Descending,
}

/// Where a search's results go instead of the reply.
#[derive(Debug, Clone)]
struct Store {
    key: Bytes,
    /// STOREDIST: distances as scores instead of the geohashes.
    distances: bool,
}

/// A parsed search.
#[derive(Debug, Clone)]
struct Request {
    shape: Shape,
    with_dist: bool,
    with_hash: bool,
    with_coord: bool,
    any: bool,
    sort: Sort,
    /// 0: no COUNT.
    count: usize,
    store: Option<Store>,
}

/// A member found inside the shape.
#[derive(Debug, Clone)]
struct Found {
    member: Bytes,
    score: f64,
    position: [f64; 2],
    /// Meters from the centre.
    distance: f64,
}

/// A radius argument and its unit: `(radius, meters per unit)`.
fn parse_radius(radius: &[u8], unit: &[u8]) -> Result<(f64, f64), CommandError> {
    let radius = parse_number(radius, Some("need numeric radius"))?;
    if radius < 0.0 {
        return Err(CommandError::err("radius cannot be negative"));
    }
    Ok((radius, unit_to_meters(unit)?))
}

/// Box arguments and their unit: `(width, height, meters per unit)`.
fn parse_box(width: &[u8], height: &[u8], unit: &[u8]) -> Result<(f64, f64, f64), CommandError> {
    let width = parse_number(width, Some("need numeric width"))?;
    let height = parse_number(height, Some("need numeric height"))?;
    if height < 0.0 || width < 0.0 {
        return Err(CommandError::err("height or width cannot be negative"));
    }
    Ok((width, height, unit_to_meters(unit)?))
}

/// The position of `member` in `zset` as a search centre.
fn centre_of(zset: &ZSet, member: &[u8]) -> Result<[f64; 2], CommandError> {
    member_position(zset, member)
        .ok_or_else(|| CommandError::err("could not decode requested zset member"))
}

impl Request {
    /// Reads everything after the command name of `argv`, with `zset` the source (to
    /// place a member centre; `None` when missing, which defers that error).
    fn parse(argv: &[Bytes], variant: Variant, zset: Option<&ZSet>) -> Result<Self, CommandError> {
        let mut request = Request {
            shape: Shape {
                center: [0.0, 0.0],
                conversion: 0.0,
                kind: ShapeKind::Radius(0.0),
            },
            with_dist: false,
            with_hash: false,
            with_coord: false,
            any: false,
            sort: Sort::None,
            count: 0,
            store: None,
        };
        let options_at = match variant {
            Variant::ByCoordinates { .. } => {
                request.shape.center = parse_long_lat(&argv[2], &argv[3])?;
                request.set_radius(&argv[4], &argv[5])?;
                6
            }
            Variant::ByMember { .. } => {
                if let Some(zset) = zset {
                    request.shape.center = centre_of(zset, &argv[2])?;
                    request.set_radius(&argv[3], &argv[4])?;
                }
                5
            }
            Variant::Search { store: false } => 2,
            Variant::Search { store: true } => {
                request.store = Some(Store {
                    key: argv[1].clone(),
                    distances: false,
                });
                3
            }
        };
        let (mut from_member, mut from_lon_lat, mut by_radius, mut by_box) =
            (false, false, false, false);
        let options = &argv[options_at.min(argv.len())..];
        let mut i = 0;
        while i < options.len() {
            let arg = &options[i];
            let follows = |n: usize| i + n < options.len();
            if is_c_keyword(arg, "withdist") {
                request.with_dist = true;
            } else if is_c_keyword(arg, "withhash") {
                request.with_hash = true;
            } else if is_c_keyword(arg, "withcoord") {
                request.with_coord = true;
            } else if is_c_keyword(arg, "any") {
                request.any = true;
            } else if is_c_keyword(arg, "asc") {
                request.sort = Sort::Ascending;
            } else if is_c_keyword(arg, "desc") {
                request.sort = Sort::Descending;
            } else if is_c_keyword(arg, "count") && follows(1) {
                let count = parse_i64(&options[i + 1])?;
                if count <= 0 {
                    return Err(CommandError::err("COUNT must be > 0"));
                }
                request.count = usize::try_from(count).unwrap_or(usize::MAX);
                i += 1;
            } else if (is_c_keyword(arg, "store") || is_c_keyword(arg, "storedist"))
                && follows(1)
                && variant.takes_store_key()
            {
                request.store = Some(Store {
                    key: options[i + 1].clone(),
                    distances: is_c_keyword(arg, "storedist"),
                });
                i += 1;
            } else if is_c_keyword(arg, "storedist") && variant == (Variant::Search { store: true })
            {
                if let Some(store) = &mut request.store {
                    store.distances = true;
                }
            } else if is_c_keyword(arg, "frommember")
                && follows(1)
                && variant.is_search()
                && !from_lon_lat
            {
                if let Some(zset) = zset {
                    request.shape.center = centre_of(zset, &options[i + 1])?;
                }
                from_member = true;
                i += 1;
            } else if is_c_keyword(arg, "fromlonlat")
                && follows(2)
                && variant.is_search()
                && !from_member
            {
                request.shape.center = parse_long_lat(&options[i + 1], &options[i + 2])?;
                from_lon_lat = true;
                i += 2;
            } else if is_c_keyword(arg, "byradius") && follows(2) && variant.is_search() && !by_box
            {
                request.set_radius(&options[i + 1], &options[i + 2])?;
                by_radius = true;
                i += 2;
            } else if is_c_keyword(arg, "bybox") && follows(3) && variant.is_search() && !by_radius
            {
                let (width, height, conversion) =
                    parse_box(&options[i + 1], &options[i + 2], &options[i + 3])?;
                request.shape.kind = ShapeKind::Box { width, height };
                request.shape.conversion = conversion;
                by_box = true;
                i += 3;
            } else {
                return Err(CommandError::Syntax);
            }
            i += 1;
        }
        request.check(
            variant,
            &argv[0],
            from_member || from_lon_lat,
            by_radius || by_box,
        )?;
        Ok(request)
    }

    /// Sets a circle of the radius and unit given.
    fn set_radius(&mut self, radius: &[u8], unit: &[u8]) -> Result<(), CommandError> {
        let (radius, conversion) = parse_radius(radius, unit)?;
        self.shape.kind = ShapeKind::Radius(radius);
        self.shape.conversion = conversion;
        Ok(())
    }

    /// The checks Redis makes once the options are read, in its order.
    fn check(
        &self,
        variant: Variant,
        name: &[u8],
        has_centre: bool,
        has_shape: bool,
    ) -> Result<(), CommandError> {
        let name = String::from_utf8_lossy(name);
        if self.store.is_some() && (self.with_dist || self.with_hash || self.with_coord) {
            let what = if variant == (Variant::Search { store: true }) {
                "GEOSEARCHSTORE"
            } else {
                "STORE option in GEORADIUS"
            };
            return Err(CommandError::err(format!(
                "{what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
            )));
        }
        if variant.is_search() && !has_centre {
            return Err(CommandError::err(format!(
                "exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
            )));
        }
        if variant.is_search() && !has_shape {
            return Err(CommandError::err(format!(
                "exactly one of BYRADIUS and BYBOX can be specified for {name}"
            )));
        }
        if self.any && self.count == 0 {
            return Err(CommandError::err(
                "the ANY argument requires COUNT argument",
            ));
        }
        Ok(())
    }

    /// The members inside the shape, in the order the cells are walked; with ANY, no
    /// more than COUNT.
    fn find(&self, zset: &ZSet) -> Vec<Found> {
        let limit = if self.any { self.count } else { 0 };
        let cells = self.shape.areas();
        let mut found = Vec::new();
        // As in Redis, index 0 (the centre) never counts as "processed before".
        let mut last_processed = 0;
        for (i, cell) in cells.iter().enumerate() {
            if cell.is_zero() {
                continue;
            }
            // A huge radius can make neighbours coincide: skip a repeat of the last.
            if last_processed != 0 && *cell == cells[last_processed] {
                continue;
            }
            if limit != 0 && found.len() >= limit {
                break;
            }
            self.find_in_cell(zset, *cell, limit, &mut found);
            last_processed = i;
        }
        found
    }

    /// Appends the members of `cell` inside the shape, in score order.
    fn find_in_cell(&self, zset: &ZSet, cell: HashBits, limit: usize, found: &mut Vec<Found>) {
        let (min, max) = cell.score_range();
        let range = ScoreRange {
            min: min as f64,
            max: max as f64,
            min_exclusive: false,
            max_exclusive: true,
        };
        let Some(first) = zset.first_in_score_range(&range, false) else {
            return;
        };
        for (member, score) in zset.iter_from(first, false) {
            if !range.lte_max(score) {
                break;
            }
            let position = geohash::decode_score(score);
            let distance = position.and_then(|position| self.shape.distance_if_within(position));
            if let (Some(position), Some(distance)) = (position, distance) {
                found.push(Found {
                    member: Bytes::copy_from_slice(member),
                    score,
                    position,
                    distance,
                });
            }
            if limit != 0 && found.len() >= limit {
                break;
            }
        }
    }

    /// Orders `found` as asked and keeps the first COUNT.
    fn order(&self, found: &mut Vec<Found>) {
        // COUNT without an order means the nearest ones, unless ANY.
        let sort = match self.sort {
            Sort::None if self.count != 0 && !self.any => Sort::Ascending,
            sort => sort,
        };
        let returned = if self.count == 0 || found.len() < self.count {
            found.len()
        } else {
            self.count
        };
        let ascending = |a: &Found, b: &Found| {
            if a.distance > b.distance {
                Ordering::Greater
            } else if a.distance == b.distance {
                Ordering::Equal
            } else {
                Ordering::Less
            }
        };
        let descending = |a: &Found, b: &Found| ascending(a, b).reverse();
        match sort {
            Sort::None => {}
            Sort::Ascending => sort_first(found, returned, &ascending),
            Sort::Descending => sort_first(found, returned, &descending),
        }
        found.truncate(returned);
    }

    /// The reply listing `found`: bare members, or `[member, distance?, hash?,
    /// [longitude, latitude]?]` arrays when WITH* options ask for more.
    fn reply(&self, found: Vec<Found>) -> Reply {
        let detailed = self.with_dist || self.with_hash || self.with_coord;
        let items = found.into_iter().map(|found| {
            if !detailed {
                return Reply::Bulk(found.member);
            }
            let mut item = vec![Reply::Bulk(found.member)];
            if self.with_dist {
                item.push(distance_reply(found.distance / self.shape.conversion));
            }
            if self.with_hash {
                item.push(Reply::Int(found.score as i64));
            }
            if self.with_coord {
                item.push(coordinates_reply(found.position));
            }
            Reply::Array(item)
        });
        Reply::Array(items.collect())
    }
}

/// Sorts `found` so its first `returned` items are in order: a stable full sort when
/// they are all wanted (glibc's `qsort`), Redis's partial quicksort otherwise.
fn sort_first(found: &mut [Found], returned: usize, compare: &impl Fn(&Found, &Found) -> Ordering) {
    if returned == found.len() {
        found.sort_by(compare);
    } else if returned > 0 {
        partial_sort(found, 0, returned - 1, compare);
    }
}

/// Replaces the destination with the results (scores or, with STOREDIST, distances in
/// the unit), or deletes it when there are none; answers their number.
fn store_found(
    ctx: &mut Ctx<'_>,
    store: &Store,
    found: Vec<Found>,
    conversion: f64,
    event: &'static str,
) -> Reply {
    let stored = found.len();
    if stored == 0 {
        ctx.delete_stored(&store.key);
        return Reply::Int(0);
    }
    let mut pairs: Vec<(Box<[u8]>, f64)> = found
        .into_iter()
        .map(|found| {
            let score = if store.distances {
                found.distance / conversion
            } else {
                found.score
            };
            (Box::<[u8]>::from(&found.member[..]), score)
        })
        .collect();
    pairs.sort_by(|a, b| compare(a.1, &a.0, b.1, &b.0));
    let config = ZSetConfig::from_rules(&ctx.rules(), ctx.db().2.next_u64());
    let result = ZSet::from_sorted(pairs, &config);
    ctx.store(&store.key, Value::ZSet(Box::new(result)), None);
    ctx.notify(notify::ZSET, event, &store.key);
    Reply::Int(stored as i64)
}

/// Every search command: the source is `argv[1]`, or `argv[2]` for GEOSEARCHSTORE.
fn search(ctx: &mut Ctx<'_>, args: &mut Args<'_>, variant: Variant) -> Result<Reply, CommandError> {
    let argv = args.argv();
    let source = &argv[if variant == (Variant::Search { store: true }) {
        2
    } else {
        1
    }];
    let zset = ctx.read_as::<ZSet>(source)?.map(|zset| &*zset);
    let request = Request::parse(argv, variant, zset)?;
    let Some(zset) = zset else {
        return Ok(match &request.store {
            Some(store) => {
                ctx.delete_stored(&store.key);
                Reply::Int(0)
            }
            None => Reply::Array(Vec::new()),
        });
    };
    let mut found = request.find(zset);
    let Some(store) = &request.store else {
        if found.is_empty() {
            return Ok(Reply::Array(Vec::new()));
        }
        request.order(&mut found);
        return Ok(request.reply(found));
    };
    request.order(&mut found);
    let event = if variant.is_search() {
        "geosearchstore"
    } else {
        "georadiusstore"
    };
    Ok(store_found(
        ctx,
        store,
        found,
        request.shape.conversion,
        event,
    ))
}

/// GEORADIUS key longitude latitude radius unit [options] [STORE|STOREDIST key].
pub(super) fn georadius(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    search(ctx, args, Variant::ByCoordinates { store: true })
}

/// GEORADIUS_RO: GEORADIUS without STORE.
pub(super) fn georadius_ro(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    search(ctx, args, Variant::ByCoordinates { store: false })
}

/// GEORADIUSBYMEMBER key member radius unit [options] [STORE|STOREDIST key].
pub(super) fn georadiusbymember(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    search(ctx, args, Variant::ByMember { store: true })
}

/// GEORADIUSBYMEMBER_RO: GEORADIUSBYMEMBER without STORE.
pub(super) fn georadiusbymember_ro(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    search(ctx, args, Variant::ByMember { store: false })
}

/// GEOSEARCH key FROMMEMBER|FROMLONLAT ... BYRADIUS|BYBOX ... [options].
pub(super) fn geosearch(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    search(ctx, args, Variant::Search { store: false })
}

/// GEOSEARCHSTORE destination source ... [STOREDIST].
pub(super) fn geosearchstore(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
) -> Result<Reply, CommandError> {
    search(ctx, args, Variant::Search { store: true })
}
