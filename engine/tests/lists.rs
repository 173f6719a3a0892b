//! The list family, one test per Redis rule, in-process.

mod common;

use common::{bulk, call, error, session};
use kvdb_engine::Reply;

fn bulks(items: &[&str]) -> Reply {
    Reply::Array(items.iter().map(|item| bulk(item)).collect())
}

#[test]
fn lpush_adds_each_element_at_the_head_in_turn() {
    let (mut s, _) = session();
    assert_eq!(call(&mut s, &["LPUSH", "l", "a", "b", "c"]), Reply::Int(3));
    assert_eq!(
        call(&mut s, &["LRANGE", "l", "0", "-1"]),
        bulks(&["c", "b", "a"])
    );
}

#[test]
fn pushx_does_not_create_a_list() {
    let (mut s, _) = session();
    assert_eq!(call(&mut s, &["RPUSHX", "l", "a"]), Reply::Int(0));
    assert_eq!(call(&mut s, &["EXISTS", "l"]), Reply::Int(0));
}

#[test]
fn popping_the_last_element_deletes_the_key() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "a"]);
    assert_eq!(call(&mut s, &["LPOP", "l"]), bulk("a"));
    assert_eq!(call(&mut s, &["EXISTS", "l"]), Reply::Int(0));
}

#[test]
fn rpop_with_a_count_answers_from_the_tail_inward() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "a", "b", "c"]);
    assert_eq!(call(&mut s, &["RPOP", "l", "2"]), bulks(&["c", "b"]));
}

#[test]
fn pop_with_a_count_of_a_missing_key_is_a_null_array() {
    let (mut s, _) = session();
    assert_eq!(call(&mut s, &["LPOP", "l", "2"]), Reply::NilArray);
    assert_eq!(call(&mut s, &["LPOP", "l"]), Reply::Nil);
}

#[test]
fn pop_with_a_negative_count_is_out_of_range() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["LPOP", "l", "-1"]),
        error("ERR value is out of range, must be positive")
    );
}

#[test]
fn lrange_clamps_its_indexes() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "a", "b", "c"]);
    assert_eq!(
        call(&mut s, &["LRANGE", "l", "-100", "100"]),
        bulks(&["a", "b", "c"])
    );
    assert_eq!(call(&mut s, &["LRANGE", "l", "2", "1"]), bulks(&[]));
}

#[test]
fn lset_out_of_range_is_an_error() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "a"]);
    assert_eq!(
        call(&mut s, &["LSET", "l", "1", "x"]),
        error("ERR index out of range")
    );
    assert_eq!(
        call(&mut s, &["LSET", "nope", "0", "x"]),
        error("ERR no such key")
    );
}

#[test]
fn lrem_with_a_negative_count_removes_from_the_tail() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "a", "b", "a", "b", "a"]);
    assert_eq!(call(&mut s, &["LREM", "l", "-2", "a"]), Reply::Int(2));
    assert_eq!(
        call(&mut s, &["LRANGE", "l", "0", "-1"]),
        bulks(&["a", "b", "b"])
    );
}

#[test]
fn ltrim_to_an_empty_range_deletes_the_key() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "a", "b"]);
    assert_eq!(call(&mut s, &["LTRIM", "l", "5", "10"]), Reply::Ok);
    assert_eq!(call(&mut s, &["EXISTS", "l"]), Reply::Int(0));
}

#[test]
fn lpos_rank_and_count_select_matches() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "x", "a", "x", "x"]);
    assert_eq!(
        call(&mut s, &["LPOS", "l", "x", "RANK", "2"]),
        Reply::Int(2)
    );
    assert_eq!(
        call(&mut s, &["LPOS", "l", "x", "RANK", "-1"]),
        Reply::Int(3)
    );
    assert_eq!(
        call(&mut s, &["LPOS", "l", "x", "COUNT", "0"]),
        Reply::Array(vec![Reply::Int(0), Reply::Int(2), Reply::Int(3)])
    );
}

#[test]
fn lmove_onto_the_same_list_rotates_it() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "a", "b", "c"]);
    assert_eq!(
        call(&mut s, &["LMOVE", "l", "l", "LEFT", "RIGHT"]),
        bulk("a")
    );
    assert_eq!(
        call(&mut s, &["LRANGE", "l", "0", "-1"]),
        bulks(&["b", "c", "a"])
    );
}

#[test]
fn lmove_checks_the_destination_type_before_moving() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "a"]);
    call(&mut s, &["SET", "str", "v"]);
    assert_eq!(
        call(&mut s, &["LMOVE", "l", "str", "LEFT", "LEFT"]),
        error("WRONGTYPE Operation against a key holding the wrong kind of value")
    );
    assert_eq!(call(&mut s, &["LLEN", "l"]), Reply::Int(1));
}

#[test]
fn lmpop_pops_from_the_first_non_empty_list() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "b", "1", "2"]);
    assert_eq!(
        call(&mut s, &["LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5"]),
        Reply::Array(vec![bulk("b"), bulks(&["2", "1"])])
    );
}

#[test]
fn every_list_reports_quicklist() {
    let (mut s, _) = session();
    call(&mut s, &["RPUSH", "l", "a"]);
    assert_eq!(
        call(&mut s, &["OBJECT", "ENCODING", "l"]),
        bulk("quicklist")
    );
}
