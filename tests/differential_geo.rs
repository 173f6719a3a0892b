//! The geo family against redis-server 7.0: GEOADD's scores (read back with ZRANGE
//! WITHSCORES), GEOPOS, GEOHASH and GEODIST values, every search command and option,
//! the order of results without ASC/DESC, COUNT ANY, STORE and STOREDIST, positions at
//! the poles, the antimeridian and the latitude limits, every error, and hundreds of
//! searches over a deterministic set of 500 points, replies compared byte for byte.

mod support;

use support::diff;

/// A deterministic pseudo-random sequence in `0.0..1.0`.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// GEOADD lines for 500 points: clusters around Sicily, near the north pole limit and
/// across the antimeridian, and points spread over the whole map.
fn five_hundred_points(key: &str) -> String {
    let mut sequence = Sequence(42);
    let mut script = String::new();
    for chunk in 0..10 {
        let mut line = format!("GEOADD {key}");
        for n in chunk * 50..chunk * 50 + 50 {
            let (lon, lat) = match n % 5 {
                0 | 1 => (
                    13.4 + sequence.next() * 3.0 - 1.5,
                    38.1 + sequence.next() * 3.0 - 1.5,
                ),
                2 => (
                    sequence.next() * 360.0 - 180.0,
                    84.0 + sequence.next() * 1.05,
                ),
                3 => (
                    179.0 + sequence.next() * 2.0 - if n % 2 == 0 { 0.0 } else { 360.0 },
                    sequence.next() * 10.0 - 5.0,
                ),
                _ => (
                    sequence.next() * 360.0 - 180.0,
                    sequence.next() * 170.0 - 85.0,
                ),
            };
            let lon = lon.clamp(-180.0, 180.0);
            line.push_str(&format!(" {lon:.6} {lat:.6} p{n}"));
        }
        script.push_str(&line);
        script.push('\n');
    }
    script
}

#[test]
fn geoadd_stores_redis_s_scores() {
    diff(
        r#"
        GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        ZRANGE Sicily 0 -1 WITHSCORES
        GEOADD Sicily 13.361389 38.115556 Palermo
        GEOADD Sicily CH 13.361389 38.115556 Palermo 13.5 38 Palermo
        GEOADD Sicily NX 1 1 Palermo 2 2 new
        GEOADD Sicily XX 1 1 Palermo 3 3 other
        GEOADD Sicily XX CH 1 1 Palermo 3 3 other
        GEOADD Sicily ch nx xx 1 1 a
        GEOADD Sicily CH CH NX 4 4 d
        ZRANGE Sicily 0 -1 WITHSCORES
        GEOADD fresh XX 1 1 a
        EXISTS fresh
        GEOADD ints 1 2 1 3 4 2 5 6 300
        OBJECT ENCODING ints
        ZRANGE ints 0 -1 WITHSCORES
        GEOADD Sicily 1 2
        GEOADD Sicily 1 2 a 3
        GEOADD Sicily NX XX 1 2 a
        GEOADD Sicily CH
        GEOADD Sicily CH CH CH
        GEOADD Sicily GT 1 2 a
        GEOADD Sicily abc 2 a
        GEOADD Sicily 1 abc a
        GEOADD Sicily 180.1 0 a
        GEOADD Sicily -180.0000001 0 a
        GEOADD Sicily 0 85.05112879 a
        GEOADD Sicily 0 -85.05112879 a
        GEOADD Sicily 1 1 ok 200 100 bad
        GEOADD Sicily inf 0 a
        GEOADD Sicily 0 -inf a
        GEOADD Sicily -0 -0 negzero
        EXISTS ok
        SET str x
        GEOADD str 1 1 a
        GEOADD str 1 abc a
        "#,
    );
}

#[test]
fn geopos_geohash_and_geodist() {
    diff(
        r#"
        GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        GEOPOS Sicily Palermo Catania NonExisting
        GEOHASH Sicily Palermo Catania NonExisting
        GEODIST Sicily Palermo Catania
        GEODIST Sicily Palermo Catania m
        GEODIST Sicily Palermo Catania KM
        GEODIST Sicily Palermo Catania mi
        GEODIST Sicily Palermo Catania ft
        GEODIST Sicily Palermo Palermo
        GEODIST Sicily Palermo Foo
        GEODIST Sicily Foo Palermo
        GEODIST Sicily Palermo Catania furlongs
        GEODIST Sicily Palermo Catania km extra
        GEODIST nosuch Palermo Catania
        GEODIST nosuch Palermo Catania furlongs
        GEOPOS nosuch a b
        GEOHASH nosuch a b
        GEOPOS Sicily
        GEOHASH Sicily
        ZADD Sicily 0 zero -1 minus 1.5 frac 4503599627370496 big 1e300 huge inf infinite
        GEOPOS Sicily zero minus frac big huge infinite
        GEOHASH Sicily zero minus frac big huge infinite
        GEODIST Sicily zero minus
        GEODIST Sicily big huge km
        SET str x
        GEOPOS str a
        GEOHASH str a
        GEODIST str a b
        GEODIST str a b furlongs
        !resp3
        GEOPOS Sicily Palermo NonExisting zero
        GEOHASH Sicily Palermo NonExisting
        GEODIST Sicily Palermo Catania
        GEODIST Sicily Palermo NonExisting
        GEODIST nosuch a b
        "#,
    );
}

#[test]
fn edge_coordinates() {
    diff(
        r#"
        GEOADD edges 180 85.05112878 ne -180 85.05112878 nw 180 -85.05112878 se -180 -85.05112878 sw
        GEOADD edges 0 0 origin 179.9999999 0 east -179.9999999 0 west 0 85 top 0 -85 bottom
        GEOADD edges 0.0000001 0.0000001 tiny -0.0000001 -0.0000001 negtiny
        ZRANGE edges 0 -1 WITHSCORES
        GEOPOS edges ne nw se sw origin east west top bottom tiny negtiny
        GEOHASH edges ne nw se sw origin east west top bottom tiny negtiny
        GEODIST edges east west
        GEODIST edges ne sw km
        GEODIST edges top bottom mi
        GEODIST edges tiny negtiny
        GEORADIUS edges 180 0 100 km WITHDIST WITHCOORD
        GEORADIUS edges -180 0 100 km WITHDIST WITHCOORD
        GEORADIUS edges 0 85.05112878 500 km WITHDIST ASC
        GEORADIUS edges 0 -85.05112878 20000 km WITHDIST DESC
        GEORADIUS edges 0 0 0 m WITHDIST
        GEORADIUS edges 0 0 1 m WITHHASH
        GEORADIUS edges 0 0 40000 km
        GEORADIUS edges 0 0 100000 km WITHDIST ASC
        GEORADIUS edges 0 0 inf km
        GEOSEARCH edges FROMLONLAT 180 0 BYBOX 200 200 km WITHDIST
        GEOSEARCH edges FROMLONLAT 0 84 BYBOX 40000 500 km WITHCOORD
        GEOSEARCH edges FROMMEMBER origin BYBOX 0 0 m WITHDIST
        GEOSEARCH edges FROMMEMBER ne BYRADIUS 1000 km WITHDIST
        GEOSEARCH edges FROMLONLAT 0 0 BYBOX 50000 50000 km
        "#,
    );
}

#[test]
fn georadius_options() {
    diff(
        r#"
        GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1 17.241510 38.788135 edge2
        GEORADIUS Sicily 15 37 200 km
        GEORADIUS Sicily 15 37 200 km WITHDIST
        GEORADIUS Sicily 15 37 200 km WITHCOORD
        GEORADIUS Sicily 15 37 200 km WITHHASH
        GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH
        GEORADIUS Sicily 15 37 200 km withhash withcoord withdist ASC
        GEORADIUS Sicily 15 37 200 km DESC
        GEORADIUS Sicily 15 37 200 km ASC DESC
        GEORADIUS Sicily 15 37 200 km COUNT 1
        GEORADIUS Sicily 15 37 200 km COUNT 1 DESC
        GEORADIUS Sicily 15 37 200 km COUNT 3 ANY
        GEORADIUS Sicily 15 37 200 km COUNT 1 ANY
        GEORADIUS Sicily 15 37 200 km COUNT 1 ANY DESC
        GEORADIUS Sicily 15 37 200 km ANY COUNT 2 COUNT 99
        GEORADIUS Sicily 15 37 200 mi WITHDIST
        GEORADIUS Sicily 15 37 200000 ft WITHDIST
        GEORADIUS Sicily 15 37 200000 m WITHDIST
        GEORADIUS Sicily 15 37 2e2 KM WITHDIST
        GEORADIUS Sicily 15 37 1 km
        GEORADIUS_RO Sicily 15 37 200 km WITHDIST COUNT 2
        GEORADIUSBYMEMBER Sicily Palermo 200 km WITHDIST
        GEORADIUSBYMEMBER Sicily Palermo 200 km WITHCOORD COUNT 2 DESC
        GEORADIUSBYMEMBER_RO Sicily Catania 300 km WITHHASH ASC
        GEORADIUSBYMEMBER Sicily NonExisting 200 km
        GEORADIUSBYMEMBER_RO Sicily NonExisting 200 km
        GEORADIUSBYMEMBER nosuch NonExisting 200 km
        GEORADIUSBYMEMBER nosuch NonExisting x furlongs WITHDIST garbage
        GEORADIUSBYMEMBER nosuch NonExisting 200 km STORE out
        GEORADIUS nosuch 15 37 200 km
        GEORADIUS nosuch 15 37 200 km STORE out
        GEORADIUS Sicily 15 37 200 km COUNT 0
        GEORADIUS Sicily 15 37 200 km COUNT -1
        GEORADIUS Sicily 15 37 200 km COUNT abc
        GEORADIUS Sicily 15 37 200 km COUNT
        GEORADIUS Sicily 15 37 200 km ANY
        GEORADIUS Sicily 15 37 200 km WITHDIST STORE out
        GEORADIUS Sicily 15 37 200 km STOREDIST out WITHHASH
        GEORADIUS Sicily 15 37 200 km STORE
        GEORADIUS_RO Sicily 15 37 200 km STORE out
        GEORADIUSBYMEMBER_RO Sicily Palermo 200 km STOREDIST out
        GEORADIUS Sicily 15 37 200 km garbage
        GEORADIUS Sicily 15 37 200 km FROMLONLAT 1 1
        GEORADIUS Sicily 15 37 -1 km
        GEORADIUS Sicily 15 37 abc km
        GEORADIUS Sicily 15 37 200 furlongs
        GEORADIUS Sicily 200 37 200 km
        GEORADIUS Sicily 15 86 200 km
        GEORADIUS Sicily abc 37 200 km
        GEORADIUS Sicily 15 37 200 km COUNT 0 garbage
        GEORADIUS Sicily 15 37 200 km garbage COUNT 0
        GEORADIUSBYMEMBER Sicily NonExisting abc km
        GEORADIUSBYMEMBER Sicily Palermo abc km
        GEORADIUSBYMEMBER Sicily Palermo -5 km
        SET str x
        GEORADIUS str 15 37 200 km
        GEORADIUS str 15 abc 200 km
        GEORADIUSBYMEMBER str Palermo 200 km
        GEORADIUS_RO str 15 37 200 km
        GEORADIUS Sicily 15 37
        GEORADIUSBYMEMBER Sicily Palermo 200
        !resp3
        GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH
        GEORADIUS Sicily 15 37 200 km
        GEORADIUS Sicily 15 37 1 km
        "#,
    );
}

#[test]
fn geosearch_options() {
    diff(
        r#"
        GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1 17.241510 38.788135 edge2
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST WITHHASH
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km
        GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km DESC WITHDIST
        GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 200 200 mi COUNT 2 WITHDIST
        GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 200 200 mi COUNT 2 ANY
        GEOSEARCH Sicily FROMMEMBER Palermo FROMMEMBER Catania BYRADIUS 10 km
        GEOSEARCH Sicily BYRADIUS 500 km BYRADIUS 10 km FROMLONLAT 15 37
        GEOSEARCH Sicily BYBOX 1 1 km BYBOX 1000 1000 km FROMLONLAT 15 37 WITHDIST
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 100 km WITHDIST
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 100 400 km WITHDIST
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400000 400000 ft WITHDIST
        GEOSEARCH Sicily frommember Palermo bybox 200 200 KM withdist
        GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 10 km
        GEOSEARCH Sicily FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 10 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 10 km BYBOX 1 1 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 km BYRADIUS 10 km
        GEOSEARCH Sicily FROMLONLAT 15 37 FROMLONLAT 15 37 BYRADIUS 200 km
        GEOSEARCH Sicily BYRADIUS 10 km WITHDIST COUNT 1 WITHHASH
        GEOSEARCH Sicily FROMLONLAT 15 37 WITHDIST COUNT 1 WITHHASH
        GEOSEARCH Sicily FROMMEMBER NonExisting BYRADIUS 10 km
        GEOSEARCH Sicily FROMMEMBER NonExisting BYRADIUS 10 km garbage
        GEOSEARCH Sicily garbage FROMMEMBER NonExisting BYRADIUS 10 km
        GEOSEARCH Sicily FROMLONLAT 200 37 BYRADIUS 10 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS -10 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS x km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 10 furlongs
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX x 1 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 x km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX -1 1 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 -1 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 furlongs
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 10
        GEOSEARCH Sicily FROMLONLAT 15 BYRADIUS 10 km
        GEOSEARCH Sicily FROMMEMBER BYRADIUS 10 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ANY
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 0
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE out
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST
        geosearch Sicily FROMLONLAT 15 37 WITHDIST
        GeoSearch Sicily BYBOX 1 1 km
        GEOSEARCH nosuch FROMMEMBER x BYRADIUS 10 km
        GEOSEARCH nosuch FROMMEMBER x BYRADIUS 10 km WITHDIST COUNT 3 ANY
        GEOSEARCH nosuch FROMMEMBER x
        GEOSEARCH nosuch FROMLONLAT 300 0 BYRADIUS 10 km
        GEOSEARCH nosuch BYRADIUS 10 km FROMLONLAT 1 1 ANY
        SET str x
        GEOSEARCH str FROMLONLAT 15 37 BYRADIUS 10 km
        GEOSEARCH str garbage
        GEOSEARCH Sicily FROMLONLAT 15 37
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS
        "#,
    );
}

#[test]
fn stores_write_scores_or_distances() {
    diff(
        r#"
        GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1 17.241510 38.788135 edge2
        GEORADIUS Sicily 15 37 200 km STORE out
        ZRANGE out 0 -1 WITHSCORES
        OBJECT ENCODING out
        GEORADIUS Sicily 15 37 200 km STOREDIST out
        ZRANGE out 0 -1 WITHSCORES
        GEORADIUS Sicily 15 37 200 km STORE out STOREDIST out2
        EXISTS out2
        ZRANGE out2 0 -1 WITHSCORES
        GEORADIUS Sicily 15 37 200 km STOREDIST out3 STORE out3
        ZRANGE out3 0 -1 WITHSCORES
        GEORADIUS Sicily 15 37 500 mi STOREDIST out COUNT 2 DESC
        ZRANGE out 0 -1 WITHSCORES
        GEORADIUS Sicily 15 37 500 km STORE out COUNT 1 ANY
        ZRANGE out 0 -1 WITHSCORES
        GEORADIUSBYMEMBER Sicily Palermo 100 km STORE out
        ZRANGE out 0 -1 WITHSCORES
        GEORADIUSBYMEMBER Sicily Palermo 100 km STOREDIST out
        ZRANGE out 0 -1 WITHSCORES
        EXPIRE out 100
        GEORADIUSBYMEMBER Sicily Palermo 1000 km STOREDIST out
        TTL out
        GEORADIUS Sicily 0 0 1 km STORE out
        EXISTS out
        GEORADIUS Sicily 0 0 1 km STORE out
        GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km
        ZRANGE dst 0 -1 WITHSCORES
        GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST
        ZRANGE dst 0 -1 WITHSCORES
        GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 300 mi STOREDIST COUNT 2
        ZRANGE dst 0 -1 WITHSCORES
        GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 300 mi DESC COUNT 3 ANY storedist
        ZRANGE dst 0 -1 WITHSCORES
        GEOSEARCHSTORE Sicily Sicily FROMMEMBER Palermo BYRADIUS 100 km
        ZRANGE Sicily 0 -1 WITHSCORES
        GEOSEARCHSTORE dst Sicily FROMLONLAT 0 0 BYRADIUS 1 km
        EXISTS dst
        SET dst x
        GEOSEARCHSTORE dst nosuch FROMLONLAT 0 0 BYRADIUS 1 km
        EXISTS dst
        GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 km WITHDIST
        GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 km WITHCOORD
        GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 km STORE x
        GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST x
        GEOSEARCHSTORE dst Sicily BYRADIUS 1 km
        SET str x
        GEOSEARCHSTORE dst str FROMLONLAT 15 37 BYRADIUS 1 km
        GEOSEARCHSTORE str Sicily FROMMEMBER Palermo BYRADIUS 1 km
        TYPE str
        GEORADIUS Sicily 13 38 500 km STORE str
        TYPE str
        "#,
    );
}

#[test]
fn stored_results_turn_into_a_skiplist_when_large() {
    let mut script = five_hundred_points("pts");
    script.push_str(
        "GEORADIUS pts 13.4 38.1 200 km STORE big\n\
         OBJECT ENCODING big\n\
         ZCARD big\n\
         ZRANGE big 0 -1 WITHSCORES\n\
         GEOSEARCHSTORE big2 pts FROMLONLAT 13.4 38.1 BYBOX 300 300 km STOREDIST\n\
         OBJECT ENCODING big2\n\
         ZRANGE big2 0 -1 WITHSCORES\n\
         GEOSEARCHSTORE small pts FROMLONLAT 13.4 38.1 BYBOX 300 300 km STOREDIST COUNT 5\n\
         OBJECT ENCODING small\n\
         ZRANGE small 0 -1 WITHSCORES\n",
    );
    diff(&script);
}

#[test]
fn results_come_in_cell_order_without_asc_or_desc() {
    // Small sets are listpacks and large ones skiplists: both walk the cells in Redis's
    // neighbour order and each cell by score.
    for (key, count) in [("small", 50), ("large", 500)] {
        let mut script = five_hundred_points("all");
        script.push_str(&format!("ZRANGE all 0 {} WITHSCORES\n", count - 1));
        script.push_str(&format!(
            "ZRANGESTORE {key} all 0 {}\nOBJECT ENCODING {key}\n",
            count - 1
        ));
        for radius in ["10 km", "50 km", "120 km", "300 km", "1000 km", "5000 km"] {
            script.push_str(&format!("GEORADIUS {key} 13.4 38.1 {radius}\n"));
            script.push_str(&format!("GEORADIUS {key} 13.4 38.1 {radius} COUNT 7 ANY\n"));
            script.push_str(&format!(
                "GEOSEARCH {key} FROMLONLAT 14 39 BYBOX {radius} WITHHASH\n"
            ));
        }
        diff(&script);
    }
}

#[test]
fn ties_at_equal_distance_follow_redis_s_sort() {
    // Members at one spot are at equal distances: a full sort keeps their found order,
    // a partial one (COUNT below the matches) moves them as Redis's quicksort does.
    let mut script = String::new();
    for batch in 0..4 {
        let mut line = String::from("GEOADD ties");
        for n in 0..40 {
            let spot = n % 3;
            line.push_str(&format!(" {}.5 {}.5 m{batch}x{n}", 10 + spot, 20 + spot));
        }
        script.push_str(&line);
        script.push('\n');
    }
    for count in [1, 2, 5, 7, 8, 20, 41, 50, 80, 119, 160, 200] {
        script.push_str(&format!("GEORADIUS ties 11.5 21.5 500 km COUNT {count}\n"));
        script.push_str(&format!(
            "GEORADIUS ties 11.5 21.5 500 km COUNT {count} DESC WITHDIST\n"
        ));
        script.push_str(&format!(
            "GEOSEARCH ties FROMLONLAT 10.5 20.5 BYBOX 900 900 km ASC COUNT {count}\n"
        ));
    }
    script.push_str("GEORADIUS ties 11.5 21.5 500 km ASC\nGEORADIUS ties 11.5 21.5 500 km DESC\n");
    diff(&script);
}

#[test]
fn many_searches_over_five_hundred_points() {
    let mut script = five_hundred_points("pts");
    script.push_str("ZRANGE pts 0 -1 WITHSCORES\n");
    let centres = [
        "13.4 38.1",
        "12 37",
        "15.5 39.9",
        "0 0",
        "179.9 0",
        "-179.9 1",
        "180 -2",
        "-180 3",
        "45 84.5",
        "-120 85.05",
        "10 -85.05112878",
        "100 60",
        "-70 -66.5",
        "30 80.5",
    ];
    let radii = [
        "0 m", "500 m", "5 km", "30 km", "80 km", "150 km", "250 km", "600 km", "2000 km",
        "4000 mi", "9000 km", "20000 km",
    ];
    let mut sequence = Sequence(7);
    for (c, centre) in centres.iter().enumerate() {
        for (r, radius) in radii.iter().enumerate() {
            let (number, unit) = radius.split_once(' ').unwrap();
            let order = ["", " ASC", " DESC"][(c + r) % 3];
            script.push_str(&format!(
                "GEORADIUS pts {centre} {radius} WITHDIST{order}\n"
            ));
            script.push_str(&format!(
                "GEOSEARCH pts FROMLONLAT {centre} BYBOX {number} {} {unit} WITHCOORD{order}\n",
                number.parse::<f64>().unwrap() * (0.3 + sequence.next() * 2.0)
            ));
            script.push_str(&format!(
                "GEOSEARCH pts FROMLONLAT {centre} BYRADIUS {radius} COUNT {} WITHHASH\n",
                1 + (c * 7 + r * 3) % 25
            ));
        }
    }
    for member in ["p0", "p1", "p2", "p3", "p4", "p17", "p123", "p499"] {
        for radius in ["20 km", "200 km", "1500 km"] {
            script.push_str(&format!(
                "GEORADIUSBYMEMBER pts {member} {radius} WITHDIST WITHCOORD WITHHASH\n"
            ));
            script.push_str(&format!(
                "GEOSEARCH pts FROMMEMBER {member} BYBOX {radius} WITHDIST DESC COUNT 9\n"
            ));
        }
        script.push_str(&format!("GEOPOS pts {member}\nGEOHASH pts {member}\n"));
        script.push_str(&format!("GEODIST pts {member} p250 km\n"));
    }
    diff(&script);
}

#[test]
fn geo_in_scripts_and_command_metadata() {
    diff(
        r#"
        GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        EVAL "return redis.call('GEOPOS', KEYS[1], 'Palermo')" 1 Sicily
        EVAL "return redis.call('GEORADIUS', KEYS[1], 15, 37, 200, 'km', 'WITHDIST', 'WITHCOORD')" 1 Sicily
        COMMAND GETKEYS GEORADIUS Sicily 15 37 200 km STORE out
        COMMAND GETKEYS GEORADIUS Sicily 15 37 200 km STOREDIST out
        COMMAND GETKEYS GEORADIUSBYMEMBER Sicily Palermo 200 km STORE out
        COMMAND GETKEYS GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 1 km
        COMMAND INFO GEOADD GEODIST GEOHASH GEOPOS GEORADIUS GEORADIUS_RO GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO GEOSEARCH GEOSEARCHSTORE
        "#,
    );
}
