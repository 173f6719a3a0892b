//! Differential tests of the sorted-set family: the same commands against redis-server
//! 7.0.15 and kvdb-server, raw replies compared byte for byte, error cases, RESP3 and
//! both encodings included.

mod support;

use support::{diff, diff_exclusive};

/// `ZADD key` with `count` members `m0..` scored `n * step`.
fn zadd_many(key: &str, count: usize, step: f64) -> String {
    let mut line = format!("ZADD {key}");
    for n in 0..count {
        line.push_str(&format!(" {} m{n}", n as f64 * step));
    }
    line
}

#[test]
fn zadd_options() {
    diff(
        r#"
        ZADD z 1 a 2 b
        ZADD z 1 a 3 c
        ZADD z CH 1 a 5 b 1 d
        ZADD z NX 9 a 6 e
        ZADD z XX 8 a 7 f
        ZADD z XX CH 8 a 7 b
        ZADD z GT CH 0 a 10 b 1 g
        ZADD z LT CH 100 a 1 b
        ZADD z xx gt ch 100 a 100 nope
        ZADD z nx ch 100 a 100 h
        ZRANGE z 0 -1 WITHSCORES
        ZADD z NX XX 1 a
        ZADD z GT LT 1 a
        ZADD z NX GT 1 a
        ZADD z LT NX 1 a
        ZADD z INCR 1 a 2 b
        ZADD z NX XX 1
        ZADD z 1 a 2
        ZADD z FOO 1 a
        ZADD z GT 1 a FOO
        ZADD z a a
        ZADD z nan a
        ZADD z 1e400 a
        ZADD z " 1" a
        ZADD z "" a
        ZADD z 0x10 hex -inf lo +inf hi
        ZADD nokey XX 1 a
        ZADD nokey XX INCR 1 a
        EXISTS nokey
        ZADD z
        SET str v
        ZADD str 1 a
        ZADD str 1 a 2
        ZADD str nan a
        "#,
    );
}

#[test]
fn zadd_incr_and_zincrby() {
    diff(
        r#"
        ZADD z INCR 1.5 a
        ZADD z INCR 1 a
        ZADD z INCR NX 1 a
        ZADD z INCR XX 1 a
        ZADD z INCR XX 1 nope
        ZADD z INCR GT -1 a
        ZADD z INCR GT 1 a
        ZADD z INCR LT -1 a
        ZADD z INCR GT 0 a
        ZADD z INCR 0 a
        ZADD z INCR -0 newm
        ZSCORE z newm
        ZADD z inf x
        ZADD z INCR -inf x
        ZINCRBY z -inf x
        ZINCRBY z inf x
        ZSCORE z x
        ZINCRBY z 0.1 y
        ZINCRBY z 0.2 y
        ZINCRBY z abc y
        ZINCRBY z nx y
        ZINCRBY z incr y
        ZINCRBY z 1 nx
        ZINCRBY fresh 2.5 m
        ZINCRBY z 1
        SET str v
        ZINCRBY str 1 a
        "#,
    );
}

#[test]
fn score_formatting() {
    diff(
        r#"
        ZADD z 1.5 a 1e300 b -inf c inf d 0.1 e 123456789012345678 f 1e-300 g -0 h 3 i
        ZADD z 0.30000000000000004 j 12345678901234567890 k 2.5e-5 l 1e16 m 1e17 n
        ZRANGE z 0 -1 WITHSCORES
        ZSCORE z b
        ZSCORE z c
        ZSCORE z h
        ZMSCORE z a e j nope
        ZINCRBY z 0.2 e
        ZSCAN z 0
        !resp3
        ZRANGE z 0 -1 WITHSCORES
        ZSCORE z e
        ZSCORE z c
        ZMSCORE z a nope
        ZINCRBY z 1 a
        ZSCAN z 0
        "#,
    );
}

#[test]
fn negative_zero_in_a_skiplist() {
    diff(&format!(
        "{}\nZADD big -0 neg\nZSCORE big neg\nZRANGE big 0 2 WITHSCORES\nZINCRBY big 0 neg\n\
         ZADD big 0 neg\nZSCORE big neg\n!resp3\nZSCORE big neg\nZRANGEBYSCORE big -0 0 WITHSCORES",
        zadd_many("big", 200, 1.0)
    ));
}

#[test]
fn reads() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 c 4 d 5 e
        ZCARD z
        ZCARD nokey
        ZSCORE z c
        ZSCORE z nope
        ZSCORE nokey a
        ZMSCORE z a nope e
        ZMSCORE nokey a b
        ZMSCORE z
        ZRANK z c
        ZREVRANK z c
        ZRANK z nope
        ZRANK nokey a
        ZCOUNT z 2 (4
        ZCOUNT z (2 4
        ZCOUNT z 4 2
        ZCOUNT z -inf +inf
        ZCOUNT z x 4
        ZCOUNT nokey x 4
        SET str v
        ZCARD str
        ZSCORE str a
        ZMSCORE str a
        ZRANK str a
        ZCOUNT str 1 2
        ZCOUNT str x 2
        "#,
    );
}

#[test]
fn zrange_by_rank() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 c 4 d 5 e
        ZRANGE z 0 -1
        ZRANGE z 0 -1 WITHSCORES
        ZRANGE z -2 -1
        ZRANGE z -100 1
        ZRANGE z 3 1
        ZRANGE z 5 10
        ZRANGE z 1 1000 REV
        ZRANGE z 0 1 REV WITHSCORES
        ZRANGE z 9223372036854775807 -9223372036854775808
        ZRANGE z -9223372036854775808 9223372036854775807
        ZRANGE z 0 9223372036854775808
        ZRANGE z a 1
        ZRANGE z 0 1 WITHSCORES WITHSCORES
        ZRANGE z 0 1 LIMIT 0 -1
        ZRANGE z 0 1 LIMIT 5 -1
        ZRANGE z 0 1 LIMIT 0 1
        ZRANGE z 0 1 REV LIMIT 0 1
        ZRANGE z 0 1 FOO
        ZRANGE z 0 1 REV REV
        ZRANGE nokey 0 -1
        ZREVRANGE z 0 -1 WITHSCORES
        ZREVRANGE z 1 1
        ZREVRANGE z -1 -1
        ZREVRANGE z 0 1 REV
        ZREVRANGE z 0 -1 WITHSCORES LIMIT 0 1
        ZREVRANGE z 0 -1 BYSCORE
        "#,
    );
}

#[test]
fn zrange_by_score() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 c 4 d 5 e
        ZRANGEBYSCORE z -inf +inf WITHSCORES
        ZRANGEBYSCORE z (1 (4
        ZRANGEBYSCORE z "" 5
        ZRANGEBYSCORE z "(" 5
        ZRANGEBYSCORE z " 1" 5
        ZRANGEBYSCORE z "1 " 5
        ZRANGEBYSCORE z 0x2 5
        ZRANGEBYSCORE z 1e999 5
        ZRANGEBYSCORE z -1e999 5
        ZRANGEBYSCORE z "2\x00abc" 5
        ZRANGEBYSCORE z "(2\x00" 5
        ZRANGEBYSCORE z "   " 5
        ZRANGEBYSCORE z nan 5
        ZRANGEBYSCORE z (nan 5
        ZRANGEBYSCORE z ((1 5
        ZRANGEBYSCORE z [1 5
        ZRANGEBYSCORE z 0 b
        ZRANGEBYSCORE z 0 3 LIMIT 0 0
        ZRANGEBYSCORE z 0 3 WITHSCORES LIMIT 1 -1
        ZRANGEBYSCORE z -inf +inf LIMIT 3 5
        ZRANGEBYSCORE z -inf +inf LIMIT 5 5
        ZRANGEBYSCORE z -inf +inf LIMIT -1 5
        ZRANGEBYSCORE z -inf +inf LIMIT 0 1 LIMIT 1 1
        ZRANGEBYSCORE z -inf +inf LIMIT 1
        ZRANGEBYSCORE z -inf +inf LIMIT x 1
        ZRANGEBYSCORE z 1 3 BYSCORE
        ZRANGEBYSCORE z 1 3 REV
        ZREVRANGEBYSCORE z 3 1
        ZREVRANGEBYSCORE z 1 3
        ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 1 -5
        ZREVRANGEBYSCORE z (5 (1 LIMIT 1 2
        ZRANGE z 1 3 BYSCORE
        ZRANGE z 3 1 BYSCORE REV WITHSCORES
        ZRANGE z 1 3 BYSCORE REV
        ZRANGE z (3 0 BYSCORE REV WITHSCORES LIMIT 1 1
        ZRANGE z 0 1 BYSCORE BYLEX
        ZRANGE z 0 1 BYSCORE LIMIT 1
        ZRANGE nokey 0 1 BYSCORE
        ZRANGE nokey x 1 BYSCORE
        "#,
    );
}

#[test]
fn zrange_by_lex() {
    diff(
        r#"
        ZADD z 0 a 0 b 0 c 0 d 0 e 0 aa 0 ""
        ZRANGEBYLEX z - +
        ZRANGEBYLEX z + -
        ZRANGEBYLEX z [b [d
        ZRANGEBYLEX z (b (d
        ZRANGEBYLEX z [a [a
        ZRANGEBYLEX z (a [a
        ZRANGEBYLEX z [ +
        ZRANGEBYLEX z ( +
        ZRANGEBYLEX z - -
        ZRANGEBYLEX z + +
        ZRANGEBYLEX z - (b LIMIT 1 2
        ZRANGEBYLEX z - + LIMIT 1 -1
        ZRANGEBYLEX z - + LIMIT -1 2
        ZRANGEBYLEX z "-\x00x" +
        ZRANGEBYLEX z "+\x00x" +
        ZRANGEBYLEX z - "+\x00"
        ZRANGEBYLEX z a b
        ZRANGEBYLEX z +x +
        ZRANGEBYLEX z "" +
        ZRANGEBYLEX z [a
        ZRANGEBYLEX z [a [c LIMIT 0
        ZRANGEBYLEX z [a [c LIMIT 0 1 WITHSCORES
        ZREVRANGEBYLEX z + -
        ZREVRANGEBYLEX z [d (a LIMIT 1 2
        ZREVRANGEBYLEX z - +
        ZRANGE z [b [d BYLEX
        ZRANGE z [d [b BYLEX REV
        ZRANGE z - + BYLEX LIMIT 2 2
        ZRANGE z - + BYLEX WITHSCORES
        ZLEXCOUNT z - +
        ZLEXCOUNT z [b (d
        ZLEXCOUNT z (e +
        ZLEXCOUNT z foo +
        ZLEXCOUNT nokey foo +
        ZLEXCOUNT nokey - +
        SET str v
        ZLEXCOUNT str - +
        ZLEXCOUNT str x +
        ZRANGEBYLEX str - +
        "#,
    );
}

#[test]
fn zrangestore() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 c 4 d
        ZRANGESTORE d z 0 -1
        ZRANGE d 0 -1 WITHSCORES
        ZRANGESTORE d z 3 1 BYSCORE REV
        ZRANGE d 0 -1 WITHSCORES
        ZRANGESTORE d z [b + BYLEX LIMIT 1 5
        ZRANGE d 0 -1
        ZRANGESTORE d z 1 0 BYSCORE
        EXISTS d
        SET d old EX 100
        ZRANGESTORE d z 0 0
        TTL d
        TYPE d
        ZRANGESTORE d nokey 0 -1
        EXISTS d
        ZRANGESTORE d z 0 -1 WITHSCORES
        ZRANGESTORE d z 0 1 LIMIT 0 1
        ZRANGESTORE d z 0
        ZRANGESTORE z z 1 2
        ZRANGE z 0 -1
        SET str v
        ZRANGESTORE d str 0 1
        ZRANGESTORE str nokey 0 1
        EXISTS str
        SET str v
        ZRANGESTORE d str 0 1 BYSCORE LIMIT a
        "#,
    );
}

#[test]
fn removals() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 c 4 d 5 e
        ZREM z a x a
        ZREM nokey a
        ZREMRANGEBYRANK z 0 0
        ZREMRANGEBYRANK z 5 10
        ZREMRANGEBYRANK z -100 -50
        ZREMRANGEBYRANK z a 0
        ZREMRANGEBYSCORE z (3 +inf
        ZREMRANGEBYSCORE z x 1
        ZRANGE z 0 -1 WITHSCORES
        ZREMRANGEBYSCORE z -inf +inf
        EXISTS z
        ZADD l 0 a 0 b 0 c 0 d
        ZREMRANGEBYLEX l (a [c
        ZRANGE l 0 -1
        ZREMRANGEBYLEX l foo +
        ZREMRANGEBYLEX l - +
        EXISTS l
        ZADD z 1 a
        ZREM z a
        EXISTS z
        ZADD t 1 a 2 b
        EXPIRE t 100
        ZREM t a
        TTL t
        SET str v
        ZREM str a
        ZREMRANGEBYRANK str x 1
        ZREMRANGEBYRANK str 0 1
        ZREMRANGEBYSCORE str x 1
        ZREMRANGEBYLEX str x 1
        "#,
    );
}

#[test]
fn pops() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 c 4 d 5 e
        ZPOPMIN z
        ZPOPMAX z
        ZPOPMIN z 0
        ZPOPMIN z 2
        ZPOPMAX z 10
        EXISTS z
        ZPOPMIN nokey
        ZPOPMIN nokey 2
        ZPOPMIN nokey 0
        ZADD z 1 a
        ZPOPMIN z -1
        ZPOPMIN z a
        ZPOPMIN z 1 2
        ZPOPMIN z a b
        ZPOPMIN z 9223372036854775808
        ZPOPMIN z 9223372036854775807
        SET str v
        ZPOPMIN str
        ZPOPMIN str 0
        ZPOPMIN str -1
        ZPOPMIN nokey -1
        "#,
    );
}

#[test]
fn zmpop() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 c
        ZMPOP 1 z MIN
        ZMPOP 2 nokey z max COUNT 10
        EXISTS z
        ZMPOP 1 z MIN
        ZMPOP 0 z MIN
        ZMPOP -1 z MIN
        ZMPOP a z MIN
        ZMPOP 2 z MIN
        ZMPOP 9223372036854775807 z MIN
        ZMPOP 1 z FOO
        ZMPOP 1 z MIN COUNT 0
        ZMPOP 1 z MIN COUNT -1
        ZMPOP 1 z MIN COUNT a
        ZMPOP 1 z MIN COUNT 9223372036854775808
        ZMPOP 1 z MIN COUNT 1 COUNT 1
        ZMPOP 1 z MIN COUNT
        ZMPOP 1 z MIN FOO
        ZADD z 1 a 2 b
        SET str v
        ZMPOP 2 z str MIN
        ZMPOP 2 str z MIN
        ZMPOP 2 nokey str MIN
        ZMPOP 1 z MAX COUNT 9223372036854775807
        !resp3
        ZADD z 1 a 2 b
        ZMPOP 1 z MAX
        ZMPOP 1 z MIN COUNT 5
        ZMPOP 1 z MIN
        "#,
    );
}

#[test]
fn zrandmember() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 c 4 d 5 e
        ZRANDMEMBER z 5
        ZRANDMEMBER z 6 WITHSCORES
        ZRANDMEMBER z 9223372036854775807
        ZRANDMEMBER z 0
        ZRANDMEMBER z 0 WITHSCORES
        ? ZRANDMEMBER z
        ? ZRANDMEMBER z 2
        ? ZRANDMEMBER z -7 WITHSCORES
        ZRANDMEMBER nokey
        ZRANDMEMBER nokey 5
        ZRANDMEMBER nokey -5 WITHSCORES
        ZRANDMEMBER z -9223372036854775808
        ZRANDMEMBER nokey -9223372036854775808
        ZRANDMEMBER z -4611686018427387904 WITHSCORES
        ZRANDMEMBER z 4611686018427387904 WITHSCORES
        ZRANDMEMBER nokey -9223372036854775807 WITHSCORES
        ZRANDMEMBER z a
        ZRANDMEMBER z 1 FOO
        ZRANDMEMBER z 1 WITHSCORES FOO
        ZRANDMEMBER z 9223372036854775807 WITHSCORES FOO
        ZRANDMEMBER z -9223372036854775808 FOO
        ZADD one 7 only
        ZRANDMEMBER one
        ZRANDMEMBER one -3 WITHSCORES
        SET str v
        ZRANDMEMBER str
        ZRANDMEMBER str 0
        ZRANDMEMBER str a
        !resp3
        ZRANDMEMBER z 10 WITHSCORES
        ZRANDMEMBER one -2 WITHSCORES
        ZRANDMEMBER one
        "#,
    );
}

#[test]
fn set_operations() {
    diff(
        r#"
        ZADD a 1 x 2 y
        ZADD b 10 y 20 z
        ZUNION 2 a b
        ZUNION 2 a b WITHSCORES
        ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES
        ZUNION 2 a b AGGREGATE MIN WITHSCORES
        ZUNION 2 a b AGGREGATE MAX WITHSCORES
        ZUNION 1 a WEIGHTS 2 WEIGHTS 3 WITHSCORES
        ZUNION 1 a AGGREGATE MIN AGGREGATE MAX WITHSCORES WITHSCORES
        ZINTER 2 a b WITHSCORES
        ZINTER 2 a b AGGREGATE MIN WITHSCORES
        ZINTER 3 a b nokey WITHSCORES
        ZINTER 2 a a WEIGHTS 1 2 WITHSCORES
        ZDIFF 2 a b WITHSCORES
        ZDIFF 3 a nokey b
        ZDIFF 2 nokey a
        ZDIFF 2 a a
        ZUNIONSTORE d 2 a b
        ZRANGE d 0 -1 WITHSCORES
        ZINTERSTORE d 2 a b WEIGHTS 1 -1
        ZRANGE d 0 -1 WITHSCORES
        ZDIFFSTORE d 2 b a
        ZRANGE d 0 -1 WITHSCORES
        ZINTERSTORE d 2 a nokey
        EXISTS d
        SET d old EX 100
        ZUNIONSTORE d 1 a
        TTL d
        ZUNIONSTORE a 2 a b
        ZRANGE a 0 -1 WITHSCORES
        ZINTERCARD 2 a b
        ZINTERCARD 2 a b LIMIT 1
        ZINTERCARD 2 a b LIMIT 0
        ZINTERCARD 2 a nokey
        "#,
    );
}

#[test]
fn set_operation_errors() {
    diff(
        r#"
        ZADD a 1 x
        ZADD b 2 x
        ZUNION 2 a b AGGREGATE FOO
        ZUNION 2 a b AGGREGATE
        ZUNION 2 a b WEIGHTS 1
        ZUNION 2 a b WEIGHTS 1 x
        ZUNION 2 a b WEIGHTS 1 2 3
        ZUNION 2 a b WEIGHTS x
        ZUNION 2 a b FOO
        ZUNION 0 a
        ZUNION -1 a
        ZUNION a a
        ZUNION 3 a b
        ZINTER 0 a
        ZDIFF 0 a
        ZUNIONSTORE d 0 a
        ZINTERSTORE d 0 a
        ZDIFFSTORE d 0 a
        ZINTERCARD 0 a
        ZUNIONSTORE d 2 a b WITHSCORES
        ZDIFF 2 a b WEIGHTS 1 2
        ZDIFF 2 a b AGGREGATE SUM
        ZINTERCARD 2 a b WITHSCORES
        ZINTERCARD 2 a b WEIGHTS 1 2
        ZINTERCARD 2 a b LIMIT -1
        ZINTERCARD 2 a b LIMIT x
        ZINTERCARD 2 a b LIMIT
        SET str v
        ZUNION 2 a str
        ZUNION 2 str a WEIGHTS x
        ZDIFF 2 nokey str
        ZINTER 2 str nokey
        ZINTERCARD 1 str
        ZUNIONSTORE str 1 nokey
        EXISTS str
        SET str v
        ZUNIONSTORE str 1 a
        TYPE str
        "#,
    );
}

#[test]
fn set_operation_float_rules() {
    diff(
        r#"
        ZADD a 0.1 x
        ZADD b 0.2 x 1 y
        ZADD c 0.3 x 1 y 1 z
        ZUNION 3 c b a WITHSCORES
        ZUNION 3 a b c WITHSCORES
        ZINTER 3 c b a WITHSCORES
        ZUNION 3 c b a WEIGHTS 1 2 3 WITHSCORES
        ZADD p 0.3 x
        ZADD q 0.2 x
        ZADD r 0.1 x
        ZUNION 3 p q r WITHSCORES
        ZUNION 3 r q p WITHSCORES
        ZINTER 3 p q r WITHSCORES
        ZINTER 3 r q p WITHSCORES
        ZADD inf1 inf x
        ZADD inf2 -inf x
        ZUNION 2 inf1 inf2 WITHSCORES
        ZINTER 2 inf1 inf2 WITHSCORES
        ZUNION 1 inf1 WEIGHTS 0 WITHSCORES
        ZINTER 2 inf1 inf1 WEIGHTS 0 0 WITHSCORES
        ZINTER 2 inf1 inf1 WEIGHTS 1 0 WITHSCORES
        ZINTER 2 inf1 inf1 WEIGHTS 1 0 AGGREGATE MIN WITHSCORES
        ZINTER 2 inf1 inf1 WEIGHTS 0 1 AGGREGATE MAX WITHSCORES
        ZUNION 2 inf1 inf1 WEIGHTS 1 0 AGGREGATE MIN WITHSCORES
        ZUNION 2 inf1 inf1 WEIGHTS 0 1 AGGREGATE MAX WITHSCORES
        "#,
    );
}

#[test]
fn zscan() {
    diff(
        r#"
        ZADD z 1 a 2 b 3 ab 0.1 c 1e300 d
        ZSCAN z 0
        ZSCAN z 0 MATCH a*
        ZSCAN z 5 COUNT 1
        ZSCAN z 18446744073709551615
        ZSCAN z -1
        ZSCAN z 18446744073709551616
        ZSCAN z x
        ZSCAN z 0 COUNT 0
        ZSCAN z 0 COUNT x
        ZSCAN z 0 MATCH
        ZSCAN z 0 TYPE zset
        ZSCAN z 0 FOO
        ZSCAN nokey 0
        ZSCAN nokey 0 FOO
        ZSCAN nokey x
        SET str v
        ZSCAN str 0 FOO
        ZSCAN str x
        "#,
    );
}

/// ZSCAN shows the score text a listpack stored: integral scores within ±2^62 as
/// integers; everything else, and every skiplist score, as `%.17g`.
#[test]
fn zscan_score_text_in_each_encoding() {
    let values = "9007199254740992 a 4611686018427387904 b 4611686018427388928 c \
                  9223372036854774784 d 9223372036854775808 e -4611686018427387904 f \
                  -4611686018427388928 g -9223372036854775808 h 1e15 i 4503599627370496 j \
                  4503599627370495.5 k 1e17 l -0 m 0.5 n inf o";
    diff(&format!(
        "ZADD lp {values}\nOBJECT ENCODING lp\nZSCAN lp 0\n{}\nZADD big {values}\n\
         ~~ ZSCAN big 0 COUNT 1000 MATCH ?",
        zadd_many("big", 200, 1.0)
    ));
}

#[test]
fn zscan_of_a_skiplist_returns_every_member_in_one_large_page() {
    diff(&format!(
        "{}\nOBJECT ENCODING big\n~~ ZSCAN big 0 COUNT 1000\n~~ ZSCAN big 0 COUNT 1000 MATCH m1*",
        zadd_many("big", 300, 0.5)
    ));
}

#[test]
fn a_large_skiplist_answers_like_redis() {
    diff(&format!(
        r#"{}
        OBJECT ENCODING big
        ZCARD big
        ZRANK big m150
        ZREVRANK big m150
        ZRANGE big 100 110 WITHSCORES
        ZRANGE big -5 -1 REV
        ZRANGEBYSCORE big (50 60 WITHSCORES LIMIT 2 3
        ZREVRANGEBYSCORE big 60 (50 LIMIT 2 3
        ZCOUNT big 10 (20.5
        ZADD big 75.25 m10
        ZRANK big m10
        ZREMRANGEBYRANK big 0 9
        ZREMRANGEBYSCORE big 100 (120
        ZCARD big
        ZPOPMIN big 3
        ZPOPMAX big 3
        ZRANGESTORE part big 0 50
        OBJECT ENCODING part
        ZRANGESTORE small big 0 9
        OBJECT ENCODING small
        ZUNIONSTORE u 2 big part WEIGHTS 1 -1
        ZRANGE u 0 5 WITHSCORES
        OBJECT ENCODING u
        ZINTERCARD 2 big part
        "#,
        zadd_many("big", 300, 0.5)
    ));
}

#[test]
fn a_large_lex_skiplist_answers_like_redis() {
    let mut add = String::from("ZADD lex");
    for n in 0..200 {
        add.push_str(&format!(" 0 k{n:03}"));
    }
    diff(&format!(
        r#"{add}
        OBJECT ENCODING lex
        ZRANGEBYLEX lex [k050 (k060
        ZREVRANGEBYLEX lex (k060 [k050 LIMIT 1 3
        ZLEXCOUNT lex [k050 +
        ZLEXCOUNT lex - (k000
        ZREMRANGEBYLEX lex [k100 [k149
        ZCARD lex
        ZRANGE lex [k099 [k151 BYLEX
        "#
    ));
}

#[test]
fn keyspace_commands_on_sorted_sets() {
    diff(&format!(
        r#"ZADD small 1 a 2 b
        {}
        TYPE small
        TYPE big
        OBJECT ENCODING small
        OBJECT ENCODING big
        COPY big big2
        OBJECT ENCODING big2
        ZRANGE big2 0 3 WITHSCORES
        ZADD big2 -1 new
        ZCARD big
        ZCARD big2
        RENAME small renamed
        ZRANGE renamed 0 -1 WITHSCORES
        ~~ SCAN 0 TYPE zset COUNT 100
        EXPIRE renamed 100
        ZADD renamed 3 c
        TTL renamed
        ZUNIONSTORE renamed 1 renamed
        TTL renamed
        DEL big big2 renamed
        EXISTS big
        "#,
        zadd_many("big", 150, 1.0)
    ));
}

#[test]
fn resp3_replies() {
    diff(
        r#"
        ZADD z 1 a 2.5 b -inf c
        !resp3
        ZADD z INCR 1 a
        ZADD z XX INCR 1 nope
        ZSCORE z b
        ZSCORE z nope
        ZMSCORE z a nope
        ZRANK z nope
        ZRANGE z 0 -1 WITHSCORES
        ZRANGE z 0 -1
        ZRANGEBYSCORE z -inf +inf WITHSCORES
        ZREVRANGE z 0 -1 WITHSCORES
        ZUNION 1 z WITHSCORES
        ZINTER 1 z WITHSCORES
        ZDIFF 1 z WITHSCORES
        ZRANDMEMBER z 3 WITHSCORES
        ZSCAN z 0
        ZPOPMIN z
        ZPOPMIN z 1
        ZPOPMAX z 5
        ZPOPMIN z
        ZMPOP 1 z MIN
        "#,
    );
}

#[test]
fn encodings_follow_the_listpack_limits() {
    diff_exclusive(
        r#"
        ZADD z 1 a 2 b 3 c
        OBJECT ENCODING z
        CONFIG SET zset-max-listpack-entries 3
        ZADD z 4 d
        OBJECT ENCODING z
        ZREM z d c
        OBJECT ENCODING z
        ZADD l 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        OBJECT ENCODING l
        ZADD l 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        OBJECT ENCODING l
        ZADD s 1 a 2 b 3 c 4 d
        OBJECT ENCODING s
        ZRANGESTORE d1 s 0 2
        OBJECT ENCODING d1
        ZRANGESTORE d2 s 0 -1
        OBJECT ENCODING d2
        ZRANGESTORE d3 s 0 2 BYSCORE
        OBJECT ENCODING d3
        ZUNIONSTORE d4 1 s
        OBJECT ENCODING d4
        ZREM s d
        ZUNIONSTORE d5 1 s
        OBJECT ENCODING d5
        ZINTERSTORE d6 2 s s
        OBJECT ENCODING d6
        ZDIFFSTORE d7 1 z
        OBJECT ENCODING d7
        CONFIG SET zset-max-listpack-value 1
        ZADD v 1 a
        OBJECT ENCODING v
        ZADD v 1 ab
        OBJECT ENCODING v
        ZUNIONSTORE d8 1 z
        OBJECT ENCODING d8
        CONFIG SET zset-max-listpack-value 64
        CONFIG SET zset-max-listpack-entries 0
        ZADD e 1 a
        OBJECT ENCODING e
        ZRANGESTORE d9 s 0 0
        OBJECT ENCODING d9
        CONFIG SET zset-max-ziplist-entries 128
        CONFIG GET zset-max-listpack-entries
        "#,
    );
}

#[test]
fn negative_zero_through_listpack_stages() {
    diff_exclusive(
        r#"
        CONFIG SET zset-max-listpack-entries 2
        ZADD src -0 a -0 b -0 c -0 d
        OBJECT ENCODING src
        !resp3
        ZRANGE src 0 -1 WITHSCORES
        ZRANGESTORE d1 src 0 -1
        ZRANGE d1 0 -1 WITHSCORES
        ZRANGESTORE d2 src -inf +inf BYSCORE
        ZRANGE d2 0 -1 WITHSCORES
        ZRANGESTORE d3 src +inf -inf BYSCORE REV
        ZRANGE d3 0 -1 WITHSCORES
        ZRANGESTORE d4 src 0 -1 REV
        ZRANGE d4 0 -1 WITHSCORES
        ZRANGESTORE d5 src - + BYLEX
        ZRANGE d5 0 -1 WITHSCORES
        ZUNIONSTORE d6 1 src
        ZRANGE d6 0 -1 WITHSCORES
        ZRANGESTORE d7 src 2 3
        ZRANGE d7 0 -1 WITHSCORES
        OBJECT ENCODING d7
        CONFIG SET zset-max-listpack-entries 128
        "#,
    );
}

#[test]
fn command_metadata() {
    diff(
        r#"
        COMMAND INFO zadd zincrby zrem zremrangebyrank zremrangebyscore zremrangebylex
        COMMAND INFO zcard zscore zmscore zcount zlexcount zrank zrevrank zscan zrandmember
        COMMAND INFO zrange zrangestore zrevrange zrangebyscore zrevrangebyscore zrangebylex zrevrangebylex
        COMMAND INFO zpopmin zpopmax
        COMMAND DOCS zadd zincrby zrem zremrangebyrank zremrangebyscore zremrangebylex
        COMMAND DOCS zcard zscore zmscore zcount zlexcount zrank zrevrank zscan zrandmember
        COMMAND DOCS zrange zrangestore zrevrange zrangebyscore zrevrangebyscore zrangebylex zrevrangebylex
        COMMAND DOCS zpopmin zpopmax
        "#,
    );
}

#[test]
fn sets_take_part_in_zset_algebra_with_score_one() {
    diff(
        r#"
        SADD s a b c
        SADD ints 1 2
        ZADD z 5 a 2 x
        ZUNION 2 z s WITHSCORES
        ZINTER 2 z s WITHSCORES
        ZDIFF 2 s z WITHSCORES
        ZUNION 2 s ints WITHSCORES
        ZUNIONSTORE dst 2 s z WEIGHTS 2 1
        ZRANGE dst 0 -1 WITHSCORES
        ZINTERCARD 2 s z
        ZINTERSTORE dst 2 s ints
        EXISTS dst
        SET str v
        ZUNION 2 s str
        ZINTERCARD 2 str s
        "#,
    );
}
