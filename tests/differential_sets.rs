//! Differential tests of the set family against redis-server 7.0: membership, random
//! picks, the set algebra with its STORE forms, SSCAN and the intset/hashtable
//! encodings, with error cases, in RESP2 and RESP3.

mod support;

use support::{diff, diff_exclusive};

#[test]
fn membership() {
    diff(
        r#"
        SADD s 3 1 2
        SADD s 2 4
        SMEMBERS s
        SCARD s
        SISMEMBER s 1
        SISMEMBER s 9
        SISMEMBER nosuch 1
        SMISMEMBER s 1 9 2
        SMISMEMBER nosuch 1 2
        SREM s 1 9 1
        SMEMBERS s
        SREM s 2 3 4
        EXISTS s
        SREM nosuch a
        SCARD nosuch
        SMEMBERS nosuch
        SADD s
        SET str v
        SADD str a
        SREM str a
        SMEMBERS str
        SISMEMBER str a
        SMISMEMBER str a
        SCARD str
        SADD t a
        TYPE t
        ~ SMEMBERS t
        "#,
    );
}

#[test]
fn sets_in_resp3() {
    diff(
        r#"
        !resp3
        SADD s 1 2 3
        SMEMBERS s
        SMEMBERS nosuch
        SUNION s nosuch
        SINTER s nosuch
        SDIFF s
        SPOP nosuch 2
        SPOP s 0
        SRANDMEMBER s 5
        SRANDMEMBER nosuch 5
        "#,
    );
}

#[test]
fn encodings() {
    // CONFIG SET changes the shared servers: no other test may run meanwhile.
    diff_exclusive(
        r#"
        SADD ints 1 2 3 -5 9223372036854775807
        OBJECT ENCODING ints
        SMEMBERS ints
        SADD ints 007
        OBJECT ENCODING ints
        SADD words a
        OBJECT ENCODING words
        SADD mixed 1 a
        OBJECT ENCODING mixed
        CONFIG SET set-max-intset-entries 3
        SADD few 1 2 3
        OBJECT ENCODING few
        SADD few 4
        OBJECT ENCODING few
        SREM few 1 2 3
        OBJECT ENCODING few
        CONFIG SET set-max-intset-entries 512
        SADD neg -0
        OBJECT ENCODING neg
        SADD plus +1
        OBJECT ENCODING plus
        "#,
    );
}

#[test]
fn algebra() {
    diff(
        r#"
        SADD a 1 2 3 4
        SADD b 3 4 5
        SADD c 4 5 6
        SINTER a b
        SINTER a b c
        SINTER a nosuch
        SUNION a b c
        SUNION nosuch
        SDIFF a b
        SDIFF a b c
        SDIFF nosuch a
        SDIFF a a
        SDIFF a nosuch
        SINTERSTORE d a b
        SMEMBERS d
        SUNIONSTORE d a c
        SMEMBERS d
        SDIFFSTORE d a b
        SMEMBERS d
        SINTERSTORE d a nosuch
        EXISTS d
        SET d v
        EXPIRE d 100
        SUNIONSTORE d a
        TTL d
        SDIFFSTORE d a a
        EXISTS d
        SINTERCARD 2 a b
        SINTERCARD 3 a b c
        SINTERCARD 2 a b LIMIT 1
        SINTERCARD 2 a b LIMIT 0
        SINTERCARD 2 a nosuch
        SINTERCARD 0 a
        SINTERCARD -1 a
        SINTERCARD x a
        SINTERCARD 3 a b
        SINTERCARD 1 a LIMIT -1
        SINTERCARD 1 a LIMIT x
        SINTERCARD 1 a FOO 1
        SINTERCARD 1 a LIMIT
        SET str v
        SINTER a str
        SINTER nosuch str
        SUNION a str
        SDIFF a str
        SDIFF nosuch str
        SINTERSTORE d a str
        SINTERCARD 2 a str
        SUNIONSTORE str a
        TYPE str
        SADD w x y
        ~ SUNION w a
        ~ SINTER w w
        ~ SDIFF w a
        SUNIONSTORE e w
        OBJECT ENCODING e
        SUNIONSTORE e a
        OBJECT ENCODING e
        "#,
    );
}

#[test]
fn moves() {
    diff(
        r#"
        SADD src a b
        SADD dst c
        SMOVE src dst a
        SMOVE src dst a
        SMOVE src dst b
        EXISTS src
        ~ SMEMBERS dst
        SMOVE nosuch dst a
        SMOVE dst dst c
        SMOVE dst dst zz
        SMOVE dst newset c
        SMEMBERS newset
        SET str v
        SMOVE dst str a
        SMOVE str dst a
        SMOVE nosuch str a
        SADD i 1
        SMOVE dst i a
        OBJECT ENCODING i
        "#,
    );
}

#[test]
fn random_members() {
    diff(
        r#"
        SADD s 1 2 3 4 5
        ? SRANDMEMBER s
        SRANDMEMBER nosuch
        SRANDMEMBER nosuch 5
        SRANDMEMBER s 0
        SRANDMEMBER s 10
        ~ SRANDMEMBER s 5
        ? SRANDMEMBER s 3
        ? SRANDMEMBER s -10
        SRANDMEMBER s x
        SRANDMEMBER s 1 2
        SRANDMEMBER s -9223372036854775808
        SADD one x
        SRANDMEMBER one -3
        SPOP nosuch
        SPOP nosuch 3
        SPOP s 0
        SPOP s -1
        SPOP s x
        SPOP s 1 2
        ? SPOP s
        SCARD s
        ? SPOP s 2
        SCARD s
        ? SPOP s 10
        EXISTS s
        SADD w a b c d e f g h i j
        ? SPOP w 9
        SCARD w
        OBJECT ENCODING w
        SADD m 1 2 3 4 5 6 7 8 9 a
        ? SPOP m 9
        SET str v
        SPOP str
        SRANDMEMBER str
        "#,
    );
}

#[test]
fn scan() {
    diff(
        r#"
        SADD ints 1 2 3 10
        SSCAN ints 0
        SSCAN ints 0 MATCH 1*
        SSCAN ints 7 COUNT 1
        SSCAN nosuch 0
        SSCAN ints x
        SSCAN ints 0 TYPE set
        SSCAN ints 0 COUNT 0
        SET str v
        SSCAN str 0
        "#,
    );
}
