//! Differential tests of SORT and SORT_RO against redis-server 7.0: numeric and ALPHA
//! order, LIMIT arithmetic, BY and GET patterns (strings and hash fields), STORE, and
//! the errors. (An element overflowing a double is left to the unit tests: Redis
//! checks a stale `errno` after `strtod`, so its answers to later SORTs vary.)

mod support;

use support::diff;

#[test]
fn numeric_and_alpha_order() {
    diff(
        r#"
        RPUSH l 3 1 2 10 -5 1.5
        SORT l
        SORT l DESC
        SORT l ALPHA
        SORT l ALPHA DESC
        SORT_RO l
        RPUSH words banana apple cherry
        SORT words
        SORT words ALPHA
        SORT words alpha desc
        RPUSH spaced " 2" "1" ""
        SORT spaced
        RPUSH bad 1 nan
        SORT bad
        SADD s 5 3 9 1
        SORT s
        SORT s DESC LIMIT 1 2
        SORT nosuch
        SORT nosuch STORE dst
        SET str v
        SORT str
        SORT_RO str
        RPUSH ties 2 1 2 1 a
        SORT ties ALPHA
        "#,
    );
}

#[test]
fn limits() {
    diff(
        r#"
        RPUSH l 5 4 3 2 1
        SORT l LIMIT 0 2
        SORT l LIMIT 1 -1
        SORT l LIMIT -2 3
        SORT l LIMIT 10 2
        SORT l LIMIT 4 10
        SORT l LIMIT 0 0
        SORT l LIMIT x 1
        SORT l LIMIT 0
        SORT l LIMIT 0 1 LIMIT 2 2
        SORT l BY nosort LIMIT 1 2
        SORT l BY nosort DESC
        SORT l BY nosort DESC LIMIT 1 2
        SORT l BY nosort LIMIT 10 1
        "#,
    );
}

#[test]
fn by_and_get_patterns() {
    diff(
        r#"
        RPUSH ids 1 2 3
        SET weight_1 30
        SET weight_2 10
        SET weight_3 20
        SET name_1 one
        SET name_2 two
        HSET obj_1 f z
        HSET obj_2 f y
        SORT ids BY weight_*
        SORT ids BY weight_* DESC
        SORT ids BY weight_* GET name_* GET #
        SORT ids BY weight_* GET name_* GET nosuch_*
        SORT ids BY obj_*->f ALPHA
        SORT ids BY obj_*->f ALPHA GET obj_*->f
        SORT ids GET obj_*->
        SORT ids GET #->f
        SORT ids BY missing_* GET #
        SORT ids BY missing_* ALPHA
        SORT ids GET name
        SET weight_2 x
        SORT ids BY weight_*
        SORT ids BY name_* ALPHA
        SORT ids BY obj_*->f
        "#,
    );
}

#[test]
fn store() {
    diff(
        r#"
        RPUSH l 3 1 2
        SORT l STORE dst
        LRANGE dst 0 -1
        SET name_1 one
        SORT l GET name_* STORE dst
        LRANGE dst 0 -1
        SET other v
        EXPIRE other 100
        SORT l STORE other
        TTL other
        TYPE other
        SORT l LIMIT 5 5 STORE other
        EXISTS other
        SADD s c a b
        SORT s BY nosort STORE sorted
        LRANGE sorted 0 -1
        SORT_RO l STORE dst
        SORT l STORE
        "#,
    );
}

#[test]
fn sorted_sets() {
    diff(
        r#"
        ZADD z 3 c 1 a 2 b 10 j
        SORT z ALPHA
        SORT z BY nosort
        SORT z BY nosort DESC
        SORT z BY nosort LIMIT 1 2
        SORT z BY nosort DESC LIMIT 1 2
        SORT z ALPHA DESC LIMIT 0 2
        OBJECT ENCODING z
        ZADD n 1 10 2 9 3 8
        SORT n
        SORT n BY nosort STORE dst
        LRANGE dst 0 -1
        "#,
    );
}
