//! The hash family, one test per Redis rule, in-process.

mod common;

use common::{bulk, call, error, session};
use kvdb_engine::Reply;

#[test]
fn hset_counts_only_new_fields() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["HSET", "h", "a", "1", "b", "2"]),
        Reply::Int(2)
    );
    assert_eq!(
        call(&mut s, &["HSET", "h", "a", "3", "c", "4"]),
        Reply::Int(1)
    );
    assert_eq!(call(&mut s, &["HGET", "h", "a"]), bulk("3"));
}

#[test]
fn hset_with_an_odd_number_of_arguments_is_an_arity_error() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["HSET", "h", "a", "1", "b"]),
        error("ERR wrong number of arguments for 'hset' command")
    );
}

#[test]
fn a_listpack_hash_answers_in_insertion_order() {
    let (mut s, _) = session();
    call(&mut s, &["HSET", "h", "z", "1", "a", "2"]);
    call(&mut s, &["HSET", "h", "z", "3"]);
    assert_eq!(
        call(&mut s, &["HKEYS", "h"]),
        Reply::Array(vec![bulk("z"), bulk("a")])
    );
}

#[test]
fn deleting_the_last_field_deletes_the_key() {
    let (mut s, _) = session();
    call(&mut s, &["HSET", "h", "a", "1"]);
    assert_eq!(call(&mut s, &["HDEL", "h", "a", "a"]), Reply::Int(1));
    assert_eq!(call(&mut s, &["EXISTS", "h"]), Reply::Int(0));
}

#[test]
fn hincrby_refuses_a_non_integer_field() {
    let (mut s, _) = session();
    call(&mut s, &["HSET", "h", "f", "x"]);
    assert_eq!(
        call(&mut s, &["HINCRBY", "h", "f", "1"]),
        error("ERR hash value is not an integer")
    );
}

#[test]
fn hincrbyfloat_stores_the_long_double_sum() {
    let (mut s, _) = session();
    assert_eq!(
        call(&mut s, &["HINCRBYFLOAT", "h", "f", "0.1"]),
        bulk("0.1")
    );
    assert_eq!(
        call(&mut s, &["HINCRBYFLOAT", "h", "f", "0.2"]),
        bulk("0.3")
    );
}

#[test]
fn a_value_longer_than_the_listpack_limit_makes_a_hashtable() {
    let (mut s, _) = session();
    call(&mut s, &["HSET", "h", "f", "v"]);
    assert_eq!(call(&mut s, &["OBJECT", "ENCODING", "h"]), bulk("listpack"));
    call(&mut s, &["HSET", "h", "g", &"x".repeat(65)]);
    assert_eq!(
        call(&mut s, &["OBJECT", "ENCODING", "h"]),
        bulk("hashtable")
    );
}

#[test]
fn hrandfield_with_a_negative_count_may_repeat() {
    let (mut s, _) = session();
    call(&mut s, &["HSET", "h", "only", "1"]);
    assert_eq!(
        call(&mut s, &["HRANDFIELD", "h", "-3"]),
        Reply::Array(vec![bulk("only"), bulk("only"), bulk("only")])
    );
}

#[test]
fn hscan_of_a_hashtable_visits_every_field_once() {
    let (mut s, _) = session();
    for n in 0..1000 {
        call(&mut s, &["HSET", "h", &format!("f{n}"), "v"]);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut cursor = "0".to_string();
    loop {
        let Reply::Array(parts) = call(&mut s, &["HSCAN", "h", &cursor, "COUNT", "50"]) else {
            panic!("HSCAN answered something else");
        };
        let (Some(Reply::Bulk(next)), Some(Reply::Array(items))) = (parts.first(), parts.get(1))
        else {
            panic!("HSCAN reply has the wrong shape");
        };
        for pair in items.chunks(2) {
            seen.insert(format!("{:?}", pair[0]));
        }
        cursor = String::from_utf8_lossy(next).into_owned();
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 1000);
}
