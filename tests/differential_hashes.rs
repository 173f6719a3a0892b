//! Differential tests of the hash family against redis-server 7.0: setting, reading,
//! deleting, counters, random fields, HSCAN and encodings, with error cases, in RESP2
//! and RESP3.

mod support;

use support::{diff, diff_exclusive};

#[test]
fn set_get_delete() {
    diff(
        r#"
        HSET h f1 v1 f2 v2
        HSET h f1 v1b f3 v3
        HGET h f1
        HGET h nosuch
        HGET nosuch f
        HMGET h f1 nosuch f3
        HMGET nosuch a b
        HMSET h f4 v4 f5 v5
        HSETNX h f1 x
        HSETNX h f6 v6
        HSETNX newkey f v
        HLEN h
        HLEN nosuch
        HEXISTS h f1
        HEXISTS h nosuch
        HEXISTS nosuch f
        HSTRLEN h f1
        HSTRLEN h nosuch
        HSTRLEN nosuch f
        HKEYS h
        HVALS h
        HGETALL h
        HDEL h f1 f1 nosuch f2
        HGETALL h
        HDEL h f3 f4 f5 f6
        EXISTS h
        HDEL nosuch f
        HKEYS nosuch
        HVALS nosuch
        HGETALL nosuch
        HSET h f
        HSET h f v g
        HMSET h f v g
        HSET h
        SET s v
        HSET s f v
        HGET s f
        HMGET s f
        HGETALL s
        HDEL s f
        HLEN s
        HSETNX s f v
        TYPE newkey
        OBJECT ENCODING newkey
        "#,
    );
}

#[test]
fn resp3_replies() {
    diff(
        r#"
        !resp3
        HSET h a 1 b 2
        HGETALL h
        HGETALL nosuch
        HKEYS h
        HRANDFIELD h 2 WITHVALUES
        HRANDFIELD h 5 WITHVALUES
        HRANDFIELD nosuch 5 WITHVALUES
        HGET h nosuch
        HMGET h a nosuch
        "#,
    );
}

#[test]
fn counters() {
    diff(
        r#"
        HINCRBY h n 5
        HINCRBY h n -10
        HINCRBY h n x
        HINCRBY h n 9223372036854775807
        HSET h n 9223372036854775807
        HINCRBY h n 1
        HSET h n -9223372036854775808
        HINCRBY h n -1
        HSET h s hello
        HINCRBY h s 1
        HSET h z " 1"
        HINCRBY h z 1
        HINCRBYFLOAT h f 1.5
        HINCRBYFLOAT h f 0.1
        HINCRBYFLOAT h f -1e3
        HINCRBYFLOAT h f 3.0e3
        HINCRBYFLOAT h f abc
        HINCRBYFLOAT h f inf
        HINCRBYFLOAT h f nan
        HINCRBYFLOAT h s 1
        HSET h big 1e308
        HINCRBYFLOAT h big 1e308
        HINCRBYFLOAT h n 1
        OBJECT ENCODING h
        ~ HGETALL h
        SET str v
        HINCRBY str f 1
        HINCRBYFLOAT str f 1
        "#,
    );
}

#[test]
fn random_fields() {
    diff(
        r#"
        HSET h a 1 b 2 c 3
        ? HRANDFIELD h
        HRANDFIELD nosuch
        HRANDFIELD nosuch 3
        HRANDFIELD h 0
        ~ HRANDFIELD h 3
        HRANDFIELD h 10
        HRANDFIELD h 10 WITHVALUES
        ~ HRANDFIELD h 3 WITHVALUES
        ? HRANDFIELD h 2
        ? HRANDFIELD h -5
        ? HRANDFIELD h -2 WITHVALUES
        HRANDFIELD h 1 WITHVALUES FOO
        HRANDFIELD h 1 FOO
        HRANDFIELD h x
        HRANDFIELD h -9223372036854775808
        HRANDFIELD h 9223372036854775807 WITHVALUES
        HRANDFIELD h -4611686018427387904 WITHVALUES
        HSET one f v
        HRANDFIELD one -3
        HRANDFIELD one -2 WITHVALUES
        SET s v
        HRANDFIELD s
        HRANDFIELD s 1
        "#,
    );
}

#[test]
fn scan_listpack() {
    diff(
        r#"
        HSET h a 1 b 2 c 3 ab 4
        HSCAN h 0
        HSCAN h 0 MATCH a*
        HSCAN h 0 COUNT 1
        HSCAN h 0 COUNT 0
        HSCAN h 0 TYPE string
        HSCAN h x
        HSCAN h 0 MATCH
        HSCAN nosuch 0
        HSCAN nosuch 0 COUNT 0
        HSCAN nosuch x
        SET s v
        HSCAN s 0
        "#,
    );
}

#[test]
fn encodings_follow_the_listpack_limits() {
    // CONFIG SET changes the shared servers: no other test may run meanwhile.
    diff_exclusive(
        r#"
        HSET small f v
        OBJECT ENCODING small
        HSET long f aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        OBJECT ENCODING long
        HSET edge f aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        OBJECT ENCODING edge
        HINCRBYFLOAT edge aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1
        OBJECT ENCODING edge
        CONFIG SET hash-max-listpack-entries 2
        HSET few a 1 b 2
        OBJECT ENCODING few
        HSET few c 3
        OBJECT ENCODING few
        HDEL few a b
        OBJECT ENCODING few
        ~ HGETALL few
        CONFIG SET hash-max-listpack-entries 512
        CONFIG SET hash-max-listpack-value 3
        HSET v a 123
        OBJECT ENCODING v
        HSET v a 1234
        OBJECT ENCODING v
        CONFIG SET hash-max-listpack-value 64
        "#,
    );
}
