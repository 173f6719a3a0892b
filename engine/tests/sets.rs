//! The set family, one test per Redis rule, in-process.

mod common;

use common::{bulk, call, session};
use kvdb_engine::Reply;

#[test]
fn an_intset_answers_its_members_sorted() {
    let (mut s, _) = session();
    call(&mut s, &["SADD", "s", "10", "-1", "3"]);
    assert_eq!(call(&mut s, &["OBJECT", "ENCODING", "s"]), bulk("intset"));
    assert_eq!(
        call(&mut s, &["SMEMBERS", "s"]),
        Reply::Set(vec![bulk("-1"), bulk("3"), bulk("10")])
    );
}

#[test]
fn a_non_canonical_integer_makes_a_hashtable() {
    let (mut s, _) = session();
    call(&mut s, &["SADD", "s", "1", "01"]);
    assert_eq!(
        call(&mut s, &["OBJECT", "ENCODING", "s"]),
        bulk("hashtable")
    );
    assert_eq!(call(&mut s, &["SCARD", "s"]), Reply::Int(2));
}

#[test]
fn sinter_with_a_missing_key_is_empty() {
    let (mut s, _) = session();
    call(&mut s, &["SADD", "a", "1"]);
    assert_eq!(call(&mut s, &["SINTER", "a", "nope"]), Reply::Set(vec![]));
}

#[test]
fn a_store_with_an_empty_result_deletes_the_destination() {
    let (mut s, _) = session();
    call(&mut s, &["SET", "dst", "v"]);
    call(&mut s, &["SADD", "a", "1"]);
    assert_eq!(
        call(&mut s, &["SINTERSTORE", "dst", "a", "nope"]),
        Reply::Int(0)
    );
    assert_eq!(call(&mut s, &["EXISTS", "dst"]), Reply::Int(0));
}

#[test]
fn sdiff_of_a_key_with_itself_is_empty() {
    let (mut s, _) = session();
    call(&mut s, &["SADD", "a", "1", "2"]);
    assert_eq!(call(&mut s, &["SDIFF", "a", "a"]), Reply::Set(vec![]));
}

#[test]
fn spop_removes_what_it_answers() {
    let (mut s, _) = session();
    call(&mut s, &["SADD", "s", "a", "b", "c"]);
    let Reply::Bulk(popped) = call(&mut s, &["SPOP", "s"]) else {
        panic!("SPOP answered something else");
    };
    let member = String::from_utf8_lossy(&popped).into_owned();
    assert_eq!(call(&mut s, &["SISMEMBER", "s", &member]), Reply::Int(0));
    assert_eq!(call(&mut s, &["SCARD", "s"]), Reply::Int(2));
}

#[test]
fn srandmember_with_a_positive_count_answers_distinct_members() {
    let (mut s, _) = session();
    for n in 0..100 {
        call(&mut s, &["SADD", "s", &format!("m{n}")]);
    }
    let Reply::Array(picks) = call(&mut s, &["SRANDMEMBER", "s", "20"]) else {
        panic!("SRANDMEMBER answered something else");
    };
    let distinct: std::collections::BTreeSet<String> =
        picks.iter().map(|p| format!("{p:?}")).collect();
    assert_eq!(distinct.len(), 20);
}

#[test]
fn the_same_seed_gives_the_same_random_picks() {
    let picks = || {
        let (mut s, _) = session();
        call(&mut s, &["SADD", "s", "a", "b", "c", "d", "e", "f"]);
        call(&mut s, &["SRANDMEMBER", "s", "-10"])
    };
    assert_eq!(picks(), picks());
}

#[test]
fn smove_to_the_same_set_only_checks_membership() {
    let (mut s, _) = session();
    call(&mut s, &["SADD", "s", "a"]);
    assert_eq!(call(&mut s, &["SMOVE", "s", "s", "a"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["SMOVE", "s", "s", "z"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["SCARD", "s"]), Reply::Int(1));
}
