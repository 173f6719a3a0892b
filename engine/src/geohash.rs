//! Redis's geohash, as pure functions: what GEOADD stores as a sorted-set score, what
//! GEOPOS and GEOHASH decode, the distances and the areas a GEORADIUS / GEOSEARCH
//! walks. Every formula is Redis 7.0.15's, in the same `f64` operation order, so
//! results are bit-identical.
//!
//! Rules reproduced:
//! - A position is 26 bits of longitude over -180..180 and 26 of latitude over
//!   -85.05112878..85.05112878 (the Web Mercator limits), interleaved latitude bit
//!   first into a 52-bit integer: the score.
//! - Decoding answers the centre of the cell, clamped to the limits.
//! - Distances are haversine on a sphere of radius 6372797.560856 m; when the
//!   longitudes match, the latitude difference alone.
//! - A search covers the cell of the centre and its eight neighbours at a step chosen
//!   from the radius (one less near the poles, one less again when a neighbour would
//!   not reach the bounding box), dropping neighbours the bounding box does not reach.
//! - GEOHASH strings re-encode the decoded position over the standard -90..90 latitude
//!   range; the eleventh character is always `0`.

use std::f64::consts::PI;

/// Bits per coordinate in a stored score (26 × 2 = 52 bits).
pub const STEP_MAX: u8 = 26;
/// The southernmost latitude that can be stored.
pub const LAT_MIN: f64 = -85.05112878;
/// The northernmost latitude that can be stored.
pub const LAT_MAX: f64 = 85.05112878;
/// The westernmost longitude.
pub const LONG_MIN: f64 = -180.0;
/// The easternmost longitude.
pub const LONG_MAX: f64 = 180.0;

/// The Earth's quadratic mean radius for WGS-84, in meters.
const EARTH_RADIUS_IN_METERS: f64 = 6372797.560856;
/// Half the Web Mercator world width, in meters: the radius the step estimate halves.
const MERCATOR_MAX: f64 = 20037726.37;
/// Degrees to radians, as Redis's `D_R`.
const D_R: f64 = PI / 180.0;

fn deg_rad(angle: f64) -> f64 {
    angle * D_R
}

fn rad_deg(angle: f64) -> f64 {
    angle / D_R
}

/// A geohash: `step` bits of each coordinate, interleaved in the low `2 × step` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashBits {
    /// The interleaved bits.
    pub bits: u64,
    /// Bits per coordinate.
    pub step: u8,
}

impl HashBits {
    /// The "no area" marker of a pruned neighbour.
    pub const ZERO: HashBits = HashBits { bits: 0, step: 0 };

    /// True for [`HashBits::ZERO`].
    pub fn is_zero(&self) -> bool {
        self.bits == 0 && self.step == 0
    }

    /// The hash shifted to 52 bits: the lowest score of the area.
    pub fn align_52(&self) -> u64 {
        self.bits << (52 - u32::from(self.step) * 2)
    }

    /// The sorted-set scores `min..max` (max excluded) of every position in the area.
    pub fn score_range(&self) -> (u64, u64) {
        let next = HashBits {
            bits: self.bits + 1,
            step: self.step,
        };
        (self.align_52(), next.align_52())
    }
}

/// A closed interval of one coordinate.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Range {
    min: f64,
    max: f64,
}

const LONG_RANGE: Range = Range {
    min: LONG_MIN,
    max: LONG_MAX,
};
const LAT_RANGE: Range = Range {
    min: LAT_MIN,
    max: LAT_MAX,
};
/// The standard geohash latitude range GEOHASH strings are encoded over.
const STANDARD_LAT_RANGE: Range = Range {
    min: -90.0,
    max: 90.0,
};

/// The cell a hash stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Area {
    longitude: Range,
    latitude: Range,
}

/// Spreads the bits of `x` to the even positions and those of `y` to the odd ones.
fn interleave(x: u32, y: u32) -> u64 {
    const B: [u64; 5] = [
        0x5555555555555555,
        0x3333333333333333,
        0x0F0F0F0F0F0F0F0F,
        0x00FF00FF00FF00FF,
        0x0000FFFF0000FFFF,
    ];
    const S: [u32; 5] = [1, 2, 4, 8, 16];
    let mut x = u64::from(x);
    let mut y = u64::from(y);
    for level in (0..5).rev() {
        x = (x | (x << S[level])) & B[level];
        y = (y | (y << S[level])) & B[level];
    }
    x | (y << 1)
}

/// The inverse of [`interleave`]: even bits in the low half, odd bits in the high.
fn deinterleave(interleaved: u64) -> u64 {
    const B: [u64; 6] = [
        0x5555555555555555,
        0x3333333333333333,
        0x0F0F0F0F0F0F0F0F,
        0x00FF00FF00FF00FF,
        0x0000FFFF0000FFFF,
        0x00000000FFFFFFFF,
    ];
    const S: [u32; 6] = [0, 1, 2, 4, 8, 16];
    let mut x = interleaved;
    let mut y = interleaved >> 1;
    for level in 0..6 {
        x = (x | (x >> S[level])) & B[level];
        y = (y | (y >> S[level])) & B[level];
    }
    x | (y << 32)
}

/// Encodes a position over the given ranges; `None` outside the storable limits or
/// the ranges, or for a step outside 1..=32.
fn encode(
    long_range: Range,
    lat_range: Range,
    longitude: f64,
    latitude: f64,
    step: u8,
) -> Option<HashBits> {
    if step == 0 || step > 32 {
        return None;
    }
    let outside = |value: f64, range: Range| value < range.min || value > range.max;
    if outside(longitude, LONG_RANGE) || outside(latitude, LAT_RANGE) {
        return None;
    }
    if outside(latitude, lat_range) || outside(longitude, long_range) {
        return None;
    }
    let cells = (1u64 << step) as f64;
    let lat_offset = (latitude - lat_range.min) / (lat_range.max - lat_range.min) * cells;
    let long_offset = (longitude - long_range.min) / (long_range.max - long_range.min) * cells;
    Some(HashBits {
        bits: interleave(lat_offset as u32, long_offset as u32),
        step,
    })
}

/// Encodes a position over the storable limits (`None` outside them).
pub fn encode_wgs84(longitude: f64, latitude: f64, step: u8) -> Option<HashBits> {
    encode(LONG_RANGE, LAT_RANGE, longitude, latitude, step)
}

/// The cell of `hash` over the storable limits; `None` for [`HashBits::ZERO`].
fn decode(hash: HashBits) -> Option<Area> {
    if hash.is_zero() {
        return None;
    }
    let separated = deinterleave(hash.bits);
    let lat_cell = separated as u32;
    let long_cell = (separated >> 32) as u32;
    let cells = (1u64 << hash.step) as f64;
    // The cell index plus one wraps as Redis's 32-bit arithmetic does.
    let edge = |range: Range, cell: u32| {
        range.min + (f64::from(cell) * 1.0 / cells) * (range.max - range.min)
    };
    Some(Area {
        latitude: Range {
            min: edge(LAT_RANGE, lat_cell),
            max: edge(LAT_RANGE, lat_cell.wrapping_add(1)),
        },
        longitude: Range {
            min: edge(LONG_RANGE, long_cell),
            max: edge(LONG_RANGE, long_cell.wrapping_add(1)),
        },
    })
}

/// The `[longitude, latitude]` centre of `hash`'s cell, clamped to the limits.
pub fn decode_to_long_lat(hash: HashBits) -> Option<[f64; 2]> {
    let area = decode(hash)?;
    let longitude = ((area.longitude.min + area.longitude.max) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let latitude = ((area.latitude.min + area.latitude.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    Some([longitude, latitude])
}

/// C's `(uint64_t)` conversion of a double as x86-64 code does it: what Redis makes of
/// a score that is not a geohash (negative, fractional, huge).
fn c_double_to_u64(value: f64) -> u64 {
    const TWO_63: f64 = 9223372036854775808.0;
    // `cvttsd2si`: truncation, or the "integer indefinite" 2^63 when out of range.
    let truncate = |v: f64| {
        if (-TWO_63..TWO_63).contains(&v) {
            v as i64 as u64
        } else {
            1 << 63
        }
    };
    if value >= TWO_63 {
        truncate(value - TWO_63) ^ (1 << 63)
    } else {
        truncate(value)
    }
}

/// The `[longitude, latitude]` a sorted-set score stands for (Redis's `decodeGeohash`).
pub fn decode_score(score: f64) -> Option<[f64; 2]> {
    decode_to_long_lat(HashBits {
        bits: c_double_to_u64(score),
        step: STEP_MAX,
    })
}

/// The score GEOADD stores for a position; `None` outside the storable limits.
pub fn score_of(longitude: f64, latitude: f64) -> Option<u64> {
    encode_wgs84(longitude, latitude, STEP_MAX).map(|hash| hash.align_52())
}

/// The 11-character standard geohash of a position (GEOHASH's reply).
pub fn geohash_string(longitude: f64, latitude: f64) -> [u8; 11] {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    // Redis ignores a failed encoding and prints the zeroed hash.
    let bits = encode(
        LONG_RANGE,
        STANDARD_LAT_RANGE,
        longitude,
        latitude,
        STEP_MAX,
    )
    .map_or(0, |hash| hash.bits);
    let mut text = [b'0'; 11];
    for (i, char) in text.iter_mut().take(10).enumerate() {
        *char = ALPHABET[((bits >> (52 - (i + 1) * 5)) & 0x1f) as usize];
    }
    text
}

/// Even bits of a hash: the latitude's.
const EVEN_BITS: u64 = 0x5555555555555555;
/// Odd bits of a hash: the longitude's.
const ODD_BITS: u64 = 0xaaaaaaaaaaaaaaaa;

/// Moves `hash` one cell forwards (`direction > 0`) or backwards along the coordinate
/// whose bits are `moving` ([`ODD_BITS`] east-west, [`EVEN_BITS`] north-south),
/// wrapping around.
fn move_along(hash: &mut HashBits, direction: i8, moving: u64) {
    let shift = 64 - u32::from(hash.step) * 2;
    let moved = hash.bits & moving;
    let kept = hash.bits & !moving;
    // Filling the other coordinate's bits makes the carry (or borrow) skip them.
    let other = !moving >> shift;
    let moved = if direction > 0 {
        moved.wrapping_add(other + 1)
    } else {
        (moved | other).wrapping_sub(other + 1)
    };
    hash.bits = (moved & (moving >> shift)) | kept;
}

/// The cell `dx` east and `dy` north of `hash`.
fn neighbour(hash: HashBits, dx: i8, dy: i8) -> HashBits {
    let mut moved = hash;
    if dx != 0 {
        move_along(&mut moved, dx, ODD_BITS);
    }
    if dy != 0 {
        move_along(&mut moved, dy, EVEN_BITS);
    }
    moved
}

/// The step (bits per coordinate) of the cells a search of `range_meters` around
/// `latitude` covers.
pub fn estimate_steps_by_radius(range_meters: f64, latitude: f64) -> u8 {
    if range_meters == 0.0 {
        return STEP_MAX;
    }
    let mut range = range_meters;
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2; // Make sure the range is covered in most cases.
               // Cells narrow towards the poles.
    if !(-66.0..=66.0).contains(&latitude) {
        step -= 1;
        if !(-80.0..=80.0).contains(&latitude) {
            step -= 1;
        }
    }
    step.clamp(1, i32::from(STEP_MAX)) as u8
}

/// What a search covers around its centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShapeKind {
    /// A circle of this radius (in the shape's unit).
    Radius(f64),
    /// An axis-aligned box of this width and height (in the shape's unit).
    Box {
        /// East-west extent.
        width: f64,
        /// North-south extent.
        height: f64,
    },
}

/// A search area: a circle or box around a centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// `[longitude, latitude]` of the centre.
    pub center: [f64; 2],
    /// Meters per unit of the sizes.
    pub conversion: f64,
    /// Circle or box, in the unit.
    pub kind: ShapeKind,
}

impl Shape {
    /// `[min longitude, min latitude, max longitude, max latitude]` of the area (its
    /// longitude span measured at the latitude edge nearer the pole).
    fn bounding_box(&self) -> [f64; 4] {
        let [longitude, latitude] = self.center;
        let (half_width, half_height) = match self.kind {
            ShapeKind::Radius(radius) => (radius, radius),
            ShapeKind::Box { width, height } => (width / 2.0, height / 2.0),
        };
        let height = self.conversion * half_height;
        let width = self.conversion * half_width;
        let lat_delta = rad_deg(height / EARTH_RADIUS_IN_METERS);
        let long_delta_top =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude + lat_delta).cos());
        let long_delta_bottom =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude - lat_delta).cos());
        let long_delta = if latitude < 0.0 {
            long_delta_bottom
        } else {
            long_delta_top
        };
        [
            longitude - long_delta,
            latitude - lat_delta,
            longitude + long_delta,
            latitude + lat_delta,
        ]
    }

    /// The cells to scan, in Redis's order: the centre's, north, south, east, west,
    /// north-east, north-west, south-east, south-west; pruned ones are
    /// [`HashBits::ZERO`].
    pub fn areas(&self) -> [HashBits; 9] {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounding_box();
        let [longitude, latitude] = self.center;
        let radius_meters = match self.kind {
            ShapeKind::Radius(radius) => radius,
            ShapeKind::Box { width, height } => {
                ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
            }
        } * self.conversion;
        let mut steps = estimate_steps_by_radius(radius_meters, latitude);
        let centre_cell =
            |steps| encode_wgs84(longitude, latitude, steps).unwrap_or(HashBits::ZERO);
        let mut hash = centre_cell(steps);
        // A neighbour that does not reach the bounding box's edge: one step coarser.
        let short_of = |dx, dy, too_short: &dyn Fn(Area) -> bool| {
            decode(neighbour(hash, dx, dy)).is_some_and(too_short)
        };
        let decrease_step = short_of(0, 1, &|a| a.latitude.max < max_lat)
            | short_of(0, -1, &|a| a.latitude.min > min_lat)
            | short_of(1, 0, &|a| a.longitude.max < max_lon)
            | short_of(-1, 0, &|a| a.longitude.min > min_lon);
        if steps > 1 && decrease_step {
            steps -= 1;
            hash = centre_cell(steps);
        }
        let mut cells = [
            hash,
            neighbour(hash, 0, 1),
            neighbour(hash, 0, -1),
            neighbour(hash, 1, 0),
            neighbour(hash, -1, 0),
            neighbour(hash, 1, 1),
            neighbour(hash, -1, 1),
            neighbour(hash, 1, -1),
            neighbour(hash, -1, -1),
        ];
        if steps >= 2 {
            if let Some(area) = decode(hash) {
                let mut prune = |indexes: [usize; 3]| indexes.map(|i| cells[i] = HashBits::ZERO);
                if area.latitude.min < min_lat {
                    prune([2, 8, 7]); // south, south-west, south-east
                }
                if area.latitude.max > max_lat {
                    prune([1, 5, 6]); // north, north-east, north-west
                }
                if area.longitude.min < min_lon {
                    prune([4, 8, 6]); // west, south-west, north-west
                }
                if area.longitude.max > max_lon {
                    prune([3, 7, 5]); // east, south-east, north-east
                }
            }
        }
        cells
    }

    /// The distance in meters from the centre to `point` when the point is inside the
    /// shape.
    pub fn distance_if_within(&self, point: [f64; 2]) -> Option<f64> {
        let [x1, y1] = self.center;
        let [x2, y2] = point;
        match self.kind {
            ShapeKind::Radius(radius) => {
                let distance = distance(x1, y1, x2, y2);
                (distance <= radius * self.conversion).then_some(distance)
            }
            ShapeKind::Box { width, height } => {
                let (width_m, height_m) = (width * self.conversion, height * self.conversion);
                // The latitude test is the cheaper one, so it comes first.
                if lat_distance(y2, y1) > height_m / 2.0 {
                    return None;
                }
                if distance(x2, y2, x1, y2) > width_m / 2.0 {
                    return None;
                }
                Some(distance(x1, y1, x2, y2))
            }
        }
    }
}

/// Meters between two latitudes on one meridian.
fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS_IN_METERS * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// Great-circle meters between two positions (haversine).
pub fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let lon1r = deg_rad(lon1);
    let lon2r = deg_rad(lon2);
    let v = ((lon2r - lon1r) / 2.0).sin();
    // Practically equal longitudes: skip the expensive part.
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let lat1r = deg_rad(lat1);
    let lat2r = deg_rad(lat2);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleave_and_deinterleave_are_inverse() {
        for (x, y) in [
            (0u32, 0u32),
            (1, 0),
            (0, 1),
            (0x3ffffff, 0x1234567),
            (u32::MAX, 7),
        ] {
            let separated = deinterleave(interleave(x, y));
            assert_eq!((separated as u32, (separated >> 32) as u32), (x, y));
        }
        assert_eq!(interleave(1, 0), 1);
        assert_eq!(interleave(0, 1), 2);
    }

    #[test]
    fn scores_are_redis_s() {
        // GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        assert_eq!(score_of(13.361389, 38.115556), Some(3479099956230698));
        assert_eq!(score_of(15.087269, 37.502669), Some(3479447370796909));
        assert_eq!(score_of(-180.0, -85.05112878), Some(0));
        assert_eq!(score_of(180.1, 0.0), None);
        assert_eq!(score_of(0.0, 85.06), None);
    }

    #[test]
    fn decoding_gives_the_cell_centre() {
        let [lon, lat] = decode_score(3479099956230698.0).unwrap();
        assert_eq!(format!("{lon:.17}"), "13.36138933897018433");
        assert_eq!(format!("{lat:.17}"), "38.11555639549629859");
    }

    #[test]
    fn odd_scores_convert_as_c_does() {
        assert_eq!(c_double_to_u64(-1.0), u64::MAX);
        assert_eq!(c_double_to_u64(1.9), 1);
        assert_eq!(c_double_to_u64(f64::INFINITY), 0);
        assert_eq!(c_double_to_u64(f64::NEG_INFINITY), 1 << 63);
        assert_eq!(c_double_to_u64(1e19), 10_000_000_000_000_000_000);
    }

    #[test]
    fn distances_are_haversine() {
        let palermo = decode_score(3479099956230698.0).unwrap();
        let catania = decode_score(3479447370796909.0).unwrap();
        let meters = distance(palermo[0], palermo[1], catania[0], catania[1]);
        assert_eq!(format!("{meters:.4}"), "166274.1516");
        assert_eq!(distance(1.0, 10.0, 1.0, 11.0), lat_distance(10.0, 11.0));
    }

    #[test]
    fn geohash_strings_use_the_standard_latitude_range() {
        let palermo = decode_score(3479099956230698.0).unwrap();
        assert_eq!(&geohash_string(palermo[0], palermo[1]), b"sqc8b49rny0");
        let catania = decode_score(3479447370796909.0).unwrap();
        assert_eq!(&geohash_string(catania[0], catania[1]), b"sqdtr74hyu0");
    }

    #[test]
    fn step_estimates() {
        assert_eq!(estimate_steps_by_radius(0.0, 0.0), 26);
        assert_eq!(estimate_steps_by_radius(1.0, 0.0), 24);
        assert_eq!(estimate_steps_by_radius(1.0, 70.0), 23);
        assert_eq!(estimate_steps_by_radius(1.0, -85.0), 22);
        assert_eq!(estimate_steps_by_radius(1e9, 0.0), 1);
    }

    #[test]
    fn neighbours_wrap_around() {
        let hash = HashBits { bits: 0, step: 1 };
        assert_eq!(neighbour(hash, -1, 0), HashBits { bits: 2, step: 1 });
        assert_eq!(neighbour(hash, 0, -1), HashBits { bits: 1, step: 1 });
        assert_eq!(neighbour(hash, 1, 1), HashBits { bits: 3, step: 1 });
    }

    #[test]
    fn small_searches_prune_far_neighbours() {
        let shape = Shape {
            center: [15.0, 37.0],
            conversion: 1000.0,
            kind: ShapeKind::Radius(1.0),
        };
        let areas = shape.areas();
        assert!(!areas[0].is_zero());
        assert!(areas.iter().all(|a| a.is_zero() || a.step == areas[0].step));
        let within = shape.distance_if_within([15.0, 37.001]).unwrap();
        assert!(within > 100.0 && within < 120.0);
        assert_eq!(shape.distance_if_within([15.0, 37.1]), None);
    }
}
