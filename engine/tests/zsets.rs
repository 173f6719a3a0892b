//! The sorted-set family, one test per Redis rule, in-process with a manual clock.

mod common;

use common::{bulk, call, error, session, status};
use kvdb_engine::{Reply, Session};

/// An array of bulk members.
fn members(items: &[&str]) -> Reply {
    Reply::Array(items.iter().map(|m| bulk(m)).collect())
}

/// Members with scores as RESP2 sends them: flat.
fn scored(items: &[(&str, f64)]) -> Reply {
    Reply::Array(
        items
            .iter()
            .flat_map(|(m, s)| [bulk(m), Reply::Double(*s)])
            .collect(),
    )
}

/// Members with scores as RESP3 sends them: `[member, score]` pairs.
fn pairs(items: &[(&str, f64)]) -> Reply {
    Reply::Array(
        items
            .iter()
            .map(|(m, s)| Reply::Array(vec![bulk(m), Reply::Double(*s)]))
            .collect(),
    )
}

fn int(n: i64) -> Reply {
    Reply::Int(n)
}

/// A session holding `z` = {a:1, b:2, c:3, d:4, e:5}.
fn with_five() -> Session {
    let (mut s, _) = session();
    call(
        &mut s,
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
    );
    s
}

fn encoding(s: &mut Session, key: &str) -> Reply {
    call(s, &["OBJECT", "ENCODING", key])
}

#[test]
fn zadd_counts_only_new_members() {
    let (mut s, _) = session();
    assert_eq!(call(&mut s, &["ZADD", "z", "1", "a", "2", "b"]), int(2));
    assert_eq!(call(&mut s, &["ZADD", "z", "5", "a", "3", "c"]), int(1));
    assert_eq!(call(&mut s, &["ZSCORE", "z", "a"]), Reply::Double(5.0));
}

#[test]
fn zadd_ch_counts_changed_scores_too() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "z", "1", "a", "2", "b"]);
    assert_eq!(
        call(&mut s, &["ZADD", "z", "CH", "1", "a", "3", "b", "1", "c"]),
        int(2)
    );
}

#[test]
fn zadd_nx_never_updates_and_xx_never_adds() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "z", "1", "a"]);
    assert_eq!(
        call(&mut s, &["ZADD", "z", "NX", "9", "a", "2", "b"]),
        int(1)
    );
    assert_eq!(
        call(&mut s, &["ZADD", "z", "XX", "CH", "7", "a", "3", "c"]),
        int(1)
    );
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "-1", "WITHSCORES"]),
        scored(&[("b", 2.0), ("a", 7.0)])
    );
}

#[test]
fn zadd_xx_on_a_missing_key_creates_nothing() {
    let (mut s, _) = session();
    assert_eq!(call(&mut s, &["ZADD", "z", "XX", "1", "a"]), int(0));
    assert_eq!(
        call(&mut s, &["ZADD", "z", "XX", "INCR", "1", "a"]),
        Reply::Nil
    );
    assert_eq!(call(&mut s, &["EXISTS", "z"]), int(0));
}

#[test]
fn zadd_gt_only_raises_and_lt_only_lowers_but_both_add() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "z", "5", "a", "5", "b"]);
    assert_eq!(
        call(
            &mut s,
            &["ZADD", "z", "GT", "CH", "4", "a", "6", "b", "1", "c"]
        ),
        int(2)
    );
    assert_eq!(
        call(&mut s, &["ZADD", "z", "LT", "CH", "9", "a", "1", "b"]),
        int(1)
    );
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "-1", "WITHSCORES"]),
        scored(&[("b", 1.0), ("c", 1.0), ("a", 5.0)])
    );
}

#[test]
fn zadd_conflicting_options_are_errors() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["ZADD", "z", "NX", "XX", "1", "a"]),
        error("ERR XX and NX options at the same time are not compatible")
    );
    for options in [["GT", "LT"], ["NX", "GT"], ["LT", "NX"]] {
        assert_eq!(
            call(&mut s, &["ZADD", "z", options[0], options[1], "1", "a"]),
            error("ERR GT, LT, and/or NX options at the same time are not compatible")
        );
    }
    assert_eq!(call(&mut s, &["ZADD", "z", "XX", "GT", "1", "a"]), int(0));
}

#[test]
fn zadd_incr_replies_the_new_score_or_nil_when_skipped() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["ZADD", "z", "INCR", "1.5", "a"]),
        Reply::Double(1.5)
    );
    assert_eq!(
        call(&mut s, &["ZADD", "z", "INCR", "1", "a"]),
        Reply::Double(2.5)
    );
    assert_eq!(
        call(&mut s, &["ZADD", "z", "INCR", "NX", "1", "a"]),
        Reply::Nil
    );
    assert_eq!(
        call(&mut s, &["ZADD", "z", "INCR", "GT", "-1", "a"]),
        Reply::Nil
    );
    assert_eq!(
        call(&mut s, &["ZADD", "z", "INCR", "1", "a", "1", "b"]),
        error("ERR INCR option supports a single increment-element pair")
    );
}

#[test]
fn zadd_needs_score_member_pairs() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["ZADD", "z", "1", "a", "2"]),
        error("ERR syntax error")
    );
    assert_eq!(
        call(&mut s, &["ZADD", "z", "NX", "1"]),
        error("ERR syntax error")
    );
    assert_eq!(
        call(&mut s, &["ZADD", "z", "FOO", "1", "a"]),
        error("ERR syntax error")
    );
}

#[test]
fn zadd_checks_every_score_before_the_key_type() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "str", "v"]);
    assert_eq!(
        call(&mut s, &["ZADD", "str", "1", "a", "nan", "b"]),
        error("ERR value is not a valid float")
    );
    assert_eq!(
        call(&mut s, &["ZADD", "str", "1", "a"]),
        error("WRONGTYPE Operation against a key holding the wrong kind of value")
    );
}

#[test]
fn zadd_scores_are_strict_floats() {
    let (mut s, _) = session();
    for bad in ["nan", " 1", "1e400", "", "1x"] {
        assert_eq!(
            call(&mut s, &["ZADD", "z", bad, "a"]),
            error("ERR value is not a valid float"),
            "{bad:?}"
        );
    }
    assert_eq!(
        call(&mut s, &["ZADD", "z", "-inf", "a", "0x10", "b"]),
        int(2)
    );
    assert_eq!(call(&mut s, &["ZSCORE", "z", "b"]), Reply::Double(16.0));
}

#[test]
fn an_increment_giving_nan_is_refused() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "z", "inf", "a"]);
    let nan = error("ERR resulting score is not a number (NaN)");
    assert_eq!(call(&mut s, &["ZINCRBY", "z", "-inf", "a"]), nan);
    assert_eq!(call(&mut s, &["ZADD", "z", "INCR", "-inf", "a"]), nan);
    assert_eq!(
        call(&mut s, &["ZSCORE", "z", "a"]),
        Reply::Double(f64::INFINITY)
    );
}

#[test]
fn zincrby_creates_members_and_keys() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["ZINCRBY", "z", "0.1", "a"]),
        Reply::Double(0.1)
    );
    assert_eq!(
        call(&mut s, &["ZINCRBY", "z", "0.2", "a"]),
        Reply::Double(0.1 + 0.2)
    );
}

#[test]
fn zincrby_reads_its_increment_as_a_zadd_option_first() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["ZINCRBY", "z", "nx", "a"]),
        error("ERR syntax error")
    );
    assert_eq!(
        call(&mut s, &["ZINCRBY", "z", "1", "nx"]),
        Reply::Double(1.0)
    );
}

#[test]
fn members_are_ordered_by_score_then_bytes() {
    let (mut s, _) = session();
    call(
        &mut s,
        &["ZADD", "z", "1", "b", "1", "a", "0", "z", "1", "", "1", "B"],
    );
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "-1"]),
        members(&["z", "", "B", "a", "b"])
    );
}

#[test]
fn missing_keys_read_as_empty_sets() {
    let (mut s, _) = session();
    assert_eq!(call(&mut s, &["ZCARD", "z"]), int(0));
    assert_eq!(call(&mut s, &["ZSCORE", "z", "a"]), Reply::Nil);
    assert_eq!(call(&mut s, &["ZRANK", "z", "a"]), Reply::Nil);
    assert_eq!(
        call(&mut s, &["ZMSCORE", "z", "a", "b"]),
        Reply::Array(vec![Reply::Nil, Reply::Nil])
    );
    assert_eq!(call(&mut s, &["ZRANGE", "z", "0", "-1"]), members(&[]));
    assert_eq!(call(&mut s, &["ZCOUNT", "z", "-inf", "+inf"]), int(0));
    assert_eq!(call(&mut s, &["ZREM", "z", "a"]), int(0));
}

#[test]
fn other_types_are_wrongtype() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "str", "v"]);
    let wrong = error("WRONGTYPE Operation against a key holding the wrong kind of value");
    for words in [
        &["ZCARD", "str"][..],
        &["ZSCORE", "str", "a"],
        &["ZRANGE", "str", "0", "1"],
        &["ZREM", "str", "a"],
        &["ZPOPMIN", "str"],
        &["ZRANDMEMBER", "str"],
        &["ZSCAN", "str", "0"],
        &["ZUNION", "1", "str"],
    ] {
        assert_eq!(call(&mut s, words), wrong, "{words:?}");
    }
}

#[test]
fn zmscore_answers_nil_per_missing_member() {
    let mut s = with_five();
    assert_eq!(
        call(&mut s, &["ZMSCORE", "z", "a", "nope", "e"]),
        Reply::Array(vec![Reply::Double(1.0), Reply::Nil, Reply::Double(5.0)])
    );
}

#[test]
fn removing_the_last_member_deletes_the_key() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "z", "1", "a", "2", "b"]);
    assert_eq!(call(&mut s, &["ZREM", "z", "a", "x", "a"]), int(1));
    assert_eq!(call(&mut s, &["ZREM", "z", "b"]), int(1));
    assert_eq!(call(&mut s, &["EXISTS", "z"]), int(0));
    call(&mut s, &["ZADD", "z", "1", "a"]);
    call(&mut s, &["ZPOPMIN", "z"]);
    assert_eq!(call(&mut s, &["EXISTS", "z"]), int(0));
}

#[test]
fn zadd_keeps_the_keys_ttl() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "z", "1", "a"]);
    call(&mut s, &["EXPIRE", "z", "100"]);
    call(&mut s, &["ZADD", "z", "2", "b"]);
    call(&mut s, &["ZREM", "z", "a"]);
    assert_eq!(call(&mut s, &["TTL", "z"]), int(100));
}

#[test]
fn zremrangebyrank_uses_redis_index_rules() {
    let mut s = with_five();
    assert_eq!(call(&mut s, &["ZREMRANGEBYRANK", "z", "5", "10"]), int(0));
    assert_eq!(call(&mut s, &["ZREMRANGEBYRANK", "z", "-2", "100"]), int(2));
    assert_eq!(call(&mut s, &["ZREMRANGEBYRANK", "z", "-100", "0"]), int(1));
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "-1"]),
        members(&["b", "c"])
    );
}

#[test]
fn zremrangebyscore_respects_exclusive_bounds() {
    let mut s = with_five();
    assert_eq!(call(&mut s, &["ZREMRANGEBYSCORE", "z", "(1", "(3"]), int(1));
    assert_eq!(
        call(&mut s, &["ZREMRANGEBYSCORE", "z", "4", "+inf"]),
        int(2)
    );
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "-1"]),
        members(&["a", "c"])
    );
}

#[test]
fn zremrangebylex_removes_a_member_range() {
    let (mut s, _) = session();
    call(
        &mut s,
        &["ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d"],
    );
    assert_eq!(call(&mut s, &["ZREMRANGEBYLEX", "z", "(a", "[c"]), int(2));
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "-1"]),
        members(&["a", "d"])
    );
    assert_eq!(call(&mut s, &["ZREMRANGEBYLEX", "z", "-", "+"]), int(2));
    assert_eq!(call(&mut s, &["EXISTS", "z"]), int(0));
}

#[test]
fn zcount_and_zlexcount_count_ranges() {
    let mut s = with_five();
    assert_eq!(call(&mut s, &["ZCOUNT", "z", "(1", "3"]), int(2));
    assert_eq!(call(&mut s, &["ZCOUNT", "z", "3", "(3"]), int(0));
    assert_eq!(call(&mut s, &["ZCOUNT", "z", "5", "1"]), int(0));
    call(&mut s, &["ZADD", "lex", "0", "a", "0", "b", "0", "c"]);
    assert_eq!(call(&mut s, &["ZLEXCOUNT", "lex", "[b", "+"]), int(2));
    assert_eq!(call(&mut s, &["ZLEXCOUNT", "lex", "-", "(a"]), int(0));
}

#[test]
fn score_bounds_are_read_like_strtod() {
    let mut s = with_five();
    // "" reads as 0, leading whitespace is skipped, overflow is infinity.
    assert_eq!(call(&mut s, &["ZCOUNT", "z", "", "1"]), int(1));
    assert_eq!(call(&mut s, &["ZCOUNT", "z", " 2", "1e999"]), int(4));
    assert_eq!(call(&mut s, &["ZCOUNT", "z", "(", "(0x2"]), int(1));
    assert_eq!(call(&mut s, &["ZCOUNT", "z", "4\0junk", "+inf"]), int(2));
}

#[test]
fn invalid_score_bounds_are_errors() {
    let mut s = with_five();
    for bad in ["nan", "1 ", "((1", "[1", "abc", "   "] {
        assert_eq!(
            call(&mut s, &["ZRANGEBYSCORE", "z", bad, "1"]),
            error("ERR min or max is not a float"),
            "{bad:?}"
        );
    }
}

#[test]
fn lex_bounds_need_a_bracket_or_a_sign() {
    let mut s = with_five();
    for bad in ["a", "", "+a", "-a"] {
        assert_eq!(
            call(&mut s, &["ZRANGEBYLEX", "z", bad, "+"]),
            error("ERR min or max not valid string range item"),
            "{bad:?}"
        );
    }
}

#[test]
fn zrank_and_zrevrank_count_from_each_end() {
    let mut s = with_five();
    assert_eq!(call(&mut s, &["ZRANK", "z", "b"]), int(1));
    assert_eq!(call(&mut s, &["ZREVRANK", "z", "b"]), int(3));
    assert_eq!(call(&mut s, &["ZRANK", "z", "nope"]), Reply::Nil);
}

#[test]
fn zrange_by_rank_takes_negative_indexes_from_the_end() {
    let mut s = with_five();
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "-2", "-1"]),
        members(&["d", "e"])
    );
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "-100", "1"]),
        members(&["a", "b"])
    );
    assert_eq!(call(&mut s, &["ZRANGE", "z", "3", "1"]), members(&[]));
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "1", "REV"]),
        members(&["e", "d"])
    );
    assert_eq!(
        call(&mut s, &["ZREVRANGE", "z", "0", "1"]),
        members(&["e", "d"])
    );
}

#[test]
fn zrange_by_score_reversed_takes_max_first() {
    let mut s = with_five();
    assert_eq!(
        call(
            &mut s,
            &["ZRANGE", "z", "(4", "2", "BYSCORE", "REV", "WITHSCORES"]
        ),
        scored(&[("c", 3.0), ("b", 2.0)])
    );
    assert_eq!(
        call(&mut s, &["ZREVRANGEBYSCORE", "z", "+inf", "4"]),
        members(&["e", "d"])
    );
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "2", "4", "BYSCORE", "REV"]),
        members(&[])
    );
}

#[test]
fn limit_skips_offset_then_takes_count() {
    let mut s = with_five();
    let range = |s: &mut Session, offset: &str, count: &str| {
        call(
            s,
            &["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", offset, count],
        )
    };
    assert_eq!(range(&mut s, "1", "2"), members(&["b", "c"]));
    assert_eq!(range(&mut s, "3", "-1"), members(&["d", "e"]));
    assert_eq!(range(&mut s, "-1", "2"), members(&[]));
    assert_eq!(range(&mut s, "0", "0"), members(&[]));
    assert_eq!(
        call(&mut s, &["ZRANGEBYLEX", "z", "-", "+", "LIMIT", "4", "10"]),
        members(&["e"])
    );
}

#[test]
fn limit_needs_byscore_or_bylex_unless_its_count_is_minus_one() {
    let mut s = with_five();
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"]),
        error(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
        )
    );
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "1", "LIMIT", "3", "-1"]),
        members(&["a", "b"])
    );
}

#[test]
fn bylex_refuses_withscores() {
    let mut s = with_five();
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"]),
        error("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
    );
}

#[test]
fn zrange_options_may_not_repeat_or_mix() {
    let mut s = with_five();
    for words in [
        &["ZRANGE", "z", "0", "1", "REV", "REV"][..],
        &["ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"],
        &["ZRANGEBYSCORE", "z", "0", "1", "REV"],
        &["ZRANGE", "z", "0", "1", "LIMIT", "1"],
    ] {
        assert_eq!(call(&mut s, words), error("ERR syntax error"), "{words:?}");
    }
}

#[test]
fn withscores_pairs_nest_in_resp3() {
    let mut s = with_five();
    call(&mut s, &["HELLO", "3"]);
    assert_eq!(
        call(&mut s, &["ZRANGE", "z", "0", "1", "WITHSCORES"]),
        pairs(&[("a", 1.0), ("b", 2.0)])
    );
    assert_eq!(
        call(&mut s, &["ZUNION", "1", "z", "WITHSCORES"]),
        call(&mut s, &["ZRANGE", "z", "0", "-1", "WITHSCORES"])
    );
    // ZPOPMIN without a count stays flat; with one it nests.
    assert_eq!(call(&mut s, &["ZPOPMIN", "z"]), scored(&[("a", 1.0)]));
    assert_eq!(call(&mut s, &["ZPOPMIN", "z", "1"]), pairs(&[("b", 2.0)]));
}

#[test]
fn zrangestore_stores_the_range_and_deletes_on_empty() {
    let mut s = with_five();
    call(&mut s, &["SET", "dst", "old", "EX", "100"]);
    assert_eq!(
        call(
            &mut s,
            &["ZRANGESTORE", "dst", "z", "3", "1", "BYSCORE", "REV"]
        ),
        int(3)
    );
    assert_eq!(
        call(&mut s, &["ZRANGE", "dst", "0", "-1"]),
        members(&["a", "b", "c"])
    );
    assert_eq!(call(&mut s, &["TTL", "dst"]), int(-1));
    assert_eq!(
        call(&mut s, &["ZRANGESTORE", "dst", "nokey", "0", "-1"]),
        int(0)
    );
    assert_eq!(call(&mut s, &["EXISTS", "dst"]), int(0));
    assert_eq!(
        call(
            &mut s,
            &["ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"]
        ),
        error("ERR syntax error")
    );
}

#[test]
fn zpopmin_and_zpopmax_pop_from_each_end() {
    let mut s = with_five();
    assert_eq!(
        call(&mut s, &["ZPOPMIN", "z", "2"]),
        scored(&[("a", 1.0), ("b", 2.0)])
    );
    assert_eq!(
        call(&mut s, &["ZPOPMAX", "z", "2"]),
        scored(&[("e", 5.0), ("d", 4.0)])
    );
    assert_eq!(call(&mut s, &["ZPOPMAX", "z", "0"]), scored(&[]));
    assert_eq!(call(&mut s, &["ZPOPMAX", "z", "10"]), scored(&[("c", 3.0)]));
    assert_eq!(call(&mut s, &["ZPOPMAX", "z"]), scored(&[]));
}

#[test]
fn zpop_counts_must_be_non_negative_integers() {
    let mut s = with_five();
    for bad in ["-1", "x"] {
        assert_eq!(
            call(&mut s, &["ZPOPMIN", "z", bad]),
            error("ERR value is out of range, must be positive")
        );
    }
    assert_eq!(
        call(&mut s, &["ZPOPMIN", "z", "1", "2"]),
        error("ERR syntax error")
    );
}

#[test]
fn zmpop_pops_from_the_first_key_holding_a_set() {
    let mut s = with_five();
    assert_eq!(
        call(&mut s, &["ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "2"]),
        Reply::Array(vec![bulk("z"), pairs(&[("e", 5.0), ("d", 4.0)])])
    );
    assert_eq!(
        call(&mut s, &["ZMPOP", "1", "nokey", "MIN"]),
        Reply::NilArray
    );
}

#[test]
fn zmpop_checks_numkeys_direction_and_count() {
    let mut s = with_five();
    let numkeys = error("ERR numkeys should be greater than 0");
    assert_eq!(call(&mut s, &["ZMPOP", "0", "z", "MIN"]), numkeys);
    assert_eq!(call(&mut s, &["ZMPOP", "x", "z", "MIN"]), numkeys);
    assert_eq!(
        call(&mut s, &["ZMPOP", "2", "z", "MIN"]),
        error("ERR syntax error")
    );
    assert_eq!(
        call(&mut s, &["ZMPOP", "1", "z", "UP"]),
        error("ERR syntax error")
    );
    assert_eq!(
        call(&mut s, &["ZMPOP", "1", "z", "MIN", "COUNT", "0"]),
        error("ERR count should be greater than 0")
    );
    assert_eq!(
        call(
            &mut s,
            &["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"]
        ),
        error("ERR syntax error")
    );
}

fn reply_len(reply: &Reply) -> usize {
    match reply {
        Reply::Array(items) => items.len(),
        other => panic!("not an array: {other:?}"),
    }
}

#[test]
fn zrandmember_positive_counts_are_distinct() {
    let mut s = with_five();
    for _ in 0..20 {
        let Reply::Array(items) = call(&mut s, &["ZRANDMEMBER", "z", "3"]) else {
            panic!("not an array");
        };
        let mut names: Vec<_> = items.iter().map(|r| format!("{r:?}")).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 3);
    }
}

#[test]
fn zrandmember_negative_counts_may_repeat() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "z", "1", "only"]);
    assert_eq!(
        call(&mut s, &["ZRANDMEMBER", "z", "-3", "WITHSCORES"]),
        scored(&[("only", 1.0), ("only", 1.0), ("only", 1.0)])
    );
}

#[test]
fn zrandmember_covering_the_set_returns_it_highest_first() {
    let mut s = with_five();
    assert_eq!(
        call(&mut s, &["ZRANDMEMBER", "z", "100"]),
        members(&["e", "d", "c", "b", "a"])
    );
    assert_eq!(call(&mut s, &["ZRANDMEMBER", "z", "0"]), members(&[]));
    assert_eq!(call(&mut s, &["ZRANDMEMBER", "nokey"]), Reply::Nil);
    assert_eq!(reply_len(&call(&mut s, &["ZRANDMEMBER", "z", "-7"])), 7);
}

#[test]
fn zrandmember_count_limits() {
    let mut s = with_five();
    assert_eq!(
        call(&mut s, &["ZRANDMEMBER", "z", "-9223372036854775808"]),
        error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    );
    assert_eq!(
        call(
            &mut s,
            &["ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"]
        ),
        error("ERR value is out of range")
    );
    assert_eq!(
        call(&mut s, &["ZRANDMEMBER", "z", "1", "FOO"]),
        error("ERR syntax error")
    );
}

#[test]
fn zunion_sums_scores_with_weights_and_aggregates() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "a", "1", "x", "2", "y"]);
    call(&mut s, &["ZADD", "b", "10", "y", "20", "z"]);
    assert_eq!(
        call(&mut s, &["ZUNION", "2", "a", "b", "WITHSCORES"]),
        scored(&[("x", 1.0), ("y", 12.0), ("z", 20.0)])
    );
    assert_eq!(
        call(
            &mut s,
            &[
                "ZUNION",
                "2",
                "a",
                "b",
                "WEIGHTS",
                "2",
                "0.5",
                "AGGREGATE",
                "MAX",
                "WITHSCORES"
            ]
        ),
        scored(&[("x", 2.0), ("y", 5.0), ("z", 10.0)])
    );
    assert_eq!(
        call(
            &mut s,
            &["ZINTER", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"]
        ),
        scored(&[("y", 2.0)])
    );
}

#[test]
fn union_adds_from_the_smallest_input_up() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "a", "0.1", "x"]);
    call(&mut s, &["ZADD", "b", "0.2", "x", "1", "y"]);
    call(&mut s, &["ZADD", "c", "0.3", "x", "1", "y", "1", "z"]);
    let expected = Reply::Double(0.1 + 0.2 + 0.3);
    assert_ne!(expected, Reply::Double(0.3 + 0.2 + 0.1));
    for keys in [["a", "b", "c"], ["c", "b", "a"]] {
        let reply = call(
            &mut s,
            &["ZUNION", "3", keys[0], keys[1], keys[2], "WITHSCORES"],
        );
        let Reply::Array(items) = reply else {
            panic!("not an array")
        };
        assert_eq!(items[1], expected);
    }
}

#[test]
fn infinities_cancel_to_zero_in_set_operations() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "a", "inf", "x"]);
    call(&mut s, &["ZADD", "b", "-inf", "x"]);
    assert_eq!(
        call(&mut s, &["ZUNION", "2", "a", "b", "WITHSCORES"]),
        scored(&[("x", 0.0)])
    );
    assert_eq!(
        call(&mut s, &["ZUNION", "1", "a", "WEIGHTS", "0", "WITHSCORES"]),
        scored(&[("x", 0.0)])
    );
}

#[test]
fn zdiff_keeps_the_first_inputs_scores() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "a", "1", "x", "2", "y", "3", "z"]);
    call(&mut s, &["ZADD", "b", "9", "y"]);
    assert_eq!(
        call(&mut s, &["ZDIFF", "3", "a", "nokey", "b", "WITHSCORES"]),
        scored(&[("x", 1.0), ("z", 3.0)])
    );
    assert_eq!(
        call(&mut s, &["ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"]),
        error("ERR syntax error")
    );
}

#[test]
fn set_operations_need_at_least_one_key() {
    let (mut s, _) = session();
    for (command, name) in [("ZUNION", "zunion"), ("ZINTERCARD", "zintercard")] {
        assert_eq!(
            call(&mut s, &[command, "0", "a"]),
            error(&format!(
                "ERR at least 1 input key is needed for '{name}' command"
            ))
        );
    }
    assert_eq!(
        call(&mut s, &["ZUNIONSTORE", "d", "-1", "a"]),
        error("ERR at least 1 input key is needed for 'zunionstore' command")
    );
    assert_eq!(
        call(&mut s, &["ZUNION", "3", "a", "b"]),
        error("ERR syntax error")
    );
}

#[test]
fn set_operations_type_check_keys_before_reading_options() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "str", "v"]);
    assert_eq!(
        call(&mut s, &["ZUNION", "2", "nokey", "str", "WEIGHTS", "x"]),
        error("WRONGTYPE Operation against a key holding the wrong kind of value")
    );
    assert_eq!(
        call(&mut s, &["ZUNION", "1", "nokey", "WEIGHTS", "x"]),
        error("ERR weight value is not a float")
    );
}

#[test]
fn store_forms_replace_the_destination_and_its_ttl() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "a", "1", "x"]);
    call(&mut s, &["SET", "d", "v", "EX", "100"]);
    assert_eq!(call(&mut s, &["ZUNIONSTORE", "d", "1", "a"]), int(1));
    assert_eq!(call(&mut s, &["TYPE", "d"]), status("zset"));
    assert_eq!(call(&mut s, &["TTL", "d"]), int(-1));
    assert_eq!(
        call(&mut s, &["ZINTERSTORE", "d", "2", "a", "nokey"]),
        int(0)
    );
    assert_eq!(call(&mut s, &["EXISTS", "d"]), int(0));
}

#[test]
fn zintercard_stops_at_its_limit() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "a", "1", "x", "2", "y", "3", "z"]);
    call(&mut s, &["ZADD", "b", "1", "x", "2", "y", "3", "z"]);
    assert_eq!(call(&mut s, &["ZINTERCARD", "2", "a", "b"]), int(3));
    assert_eq!(
        call(&mut s, &["ZINTERCARD", "2", "a", "b", "LIMIT", "2"]),
        int(2)
    );
    assert_eq!(
        call(&mut s, &["ZINTERCARD", "2", "a", "b", "LIMIT", "0"]),
        int(3)
    );
    assert_eq!(
        call(&mut s, &["ZINTERCARD", "2", "a", "b", "LIMIT", "-1"]),
        error("ERR LIMIT can't be negative")
    );
}

#[test]
fn encoding_is_listpack_until_either_limit() {
    let (mut s, _) = session();
    call(&mut s, &["CONFIG", "SET", "zset-max-listpack-entries", "3"]);
    call(&mut s, &["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
    assert_eq!(encoding(&mut s, "z"), bulk("listpack"));
    call(&mut s, &["ZADD", "z", "4", "d"]);
    assert_eq!(encoding(&mut s, "z"), bulk("skiplist"));
    let long = "x".repeat(65);
    call(&mut s, &["ZADD", "long", "1", &"x".repeat(64)]);
    assert_eq!(encoding(&mut s, "long"), bulk("listpack"));
    call(&mut s, &["ZADD", "long", "1", &long]);
    assert_eq!(encoding(&mut s, "long"), bulk("skiplist"));
}

#[test]
fn encoding_never_goes_back_after_removals() {
    let (mut s, _) = session();
    call(&mut s, &["CONFIG", "SET", "zset-max-listpack-entries", "1"]);
    call(&mut s, &["ZADD", "z", "1", "a", "2", "b"]);
    call(&mut s, &["ZREM", "z", "b"]);
    assert_eq!(encoding(&mut s, "z"), bulk("skiplist"));
}

#[test]
fn stored_results_pick_their_encoding_by_size() {
    let (mut s, _) = session();
    call(&mut s, &["CONFIG", "SET", "zset-max-listpack-entries", "2"]);
    call(&mut s, &["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
    call(&mut s, &["ZRANGESTORE", "small", "z", "0", "1"]);
    assert_eq!(encoding(&mut s, "small"), bulk("listpack"));
    call(&mut s, &["ZUNIONSTORE", "all", "1", "z"]);
    assert_eq!(encoding(&mut s, "all"), bulk("skiplist"));
    call(&mut s, &["ZREM", "z", "c"]);
    call(&mut s, &["ZUNIONSTORE", "two", "1", "z"]);
    assert_eq!(encoding(&mut s, "two"), bulk("listpack"));
}

#[test]
fn a_listpack_turns_negative_zero_into_zero() {
    let (mut s, _) = session();
    // The reply is the computed score; the listpack stores it as text.
    assert_eq!(
        call(&mut s, &["ZADD", "z", "INCR", "-0", "a"]),
        Reply::Double(-0.0)
    );
    let Reply::Double(stored) = call(&mut s, &["ZSCORE", "z", "a"]) else {
        panic!("not a double")
    };
    assert!(stored.is_sign_positive());
}

#[test]
fn zscan_returns_a_listpack_whole_with_scores_as_text() {
    let (mut s, _) = session();
    call(&mut s, &["ZADD", "z", "1.5", "a", "0.1", "b", "1e300", "c"]);
    assert_eq!(
        call(&mut s, &["ZSCAN", "z", "7", "COUNT", "1"]),
        Reply::Array(vec![
            bulk("0"),
            members(&[
                "b",
                "0.10000000000000001",
                "a",
                "1.5",
                "c",
                "1.0000000000000001e+300"
            ]),
        ])
    );
    assert_eq!(
        call(&mut s, &["ZSCAN", "z", "0", "MATCH", "[ab]"]),
        Reply::Array(vec![
            bulk("0"),
            members(&["b", "0.10000000000000001", "a", "1.5"])
        ])
    );
}

#[test]
fn zscan_shows_a_listpacks_integral_scores_as_integers() {
    let (mut s, _) = session();
    call(
        &mut s,
        &["ZADD", "lp", "1e17", "a", "4611686018427388928", "b"],
    );
    let page = |text: &[&str]| Reply::Array(vec![bulk("0"), members(text)]);
    assert_eq!(
        call(&mut s, &["ZSCAN", "lp", "0"]),
        page(&["a", "100000000000000000", "b", "4.6116860184273889e+18"])
    );
    call(&mut s, &["CONFIG", "SET", "zset-max-listpack-entries", "0"]);
    call(&mut s, &["ZADD", "sl", "1e17", "a"]);
    assert_eq!(call(&mut s, &["ZSCAN", "sl", "0"]), page(&["a", "1e+17"]));
}

#[test]
fn zscan_walks_a_skiplist_with_a_cursor() {
    let (mut s, _) = session();
    call(&mut s, &["CONFIG", "SET", "zset-max-listpack-entries", "0"]);
    for n in 0..200 {
        call(&mut s, &["ZADD", "z", &n.to_string(), &format!("m{n}")]);
    }
    let mut cursor = "0".to_string();
    let mut seen = std::collections::BTreeSet::new();
    let mut calls = 0;
    loop {
        let Reply::Array(reply) = call(&mut s, &["ZSCAN", "z", &cursor, "COUNT", "10"]) else {
            panic!("not an array")
        };
        let Reply::Array(items) = &reply[1] else {
            panic!("no items")
        };
        for pair in items.chunks(2) {
            seen.insert(format!("{:?}", pair[0]));
        }
        cursor = String::from_utf8(reply[0].bulk_bytes().expect("cursor").to_vec()).expect("ascii");
        calls += 1;
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 200);
    assert!(calls > 1);
}

#[test]
fn zscan_checks_the_cursor_then_the_key_then_the_options() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "str", "v"]);
    assert_eq!(
        call(&mut s, &["ZSCAN", "str", "x"]),
        error("ERR invalid cursor")
    );
    assert_eq!(
        call(&mut s, &["ZSCAN", "str", "0", "FOO"]),
        error("WRONGTYPE Operation against a key holding the wrong kind of value")
    );
    assert_eq!(
        call(&mut s, &["ZSCAN", "nokey", "0", "FOO"]),
        Reply::Array(vec![bulk("0"), members(&[])])
    );
    call(&mut s, &["ZADD", "z", "1", "a"]);
    assert_eq!(
        call(&mut s, &["ZSCAN", "z", "0", "TYPE", "zset"]),
        error("ERR syntax error")
    );
}
