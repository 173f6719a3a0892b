//! Differential tests of the list family against redis-server 7.0: pushes, pops with
//! and without counts, ranges, positions, inserts, removals, moves and LMPOP, with
//! their error cases, in RESP2 and RESP3.

mod support;

use support::diff;

#[test]
fn push_and_pop() {
    diff(
        r#"
        LPUSH l a b c
        RPUSH l d e
        LRANGE l 0 -1
        LLEN l
        LPUSHX l x
        RPUSHX l y
        LPUSHX missing x
        RPUSHX missing x
        EXISTS missing
        LPOP l
        RPOP l
        LPOP l 2
        RPOP l 2
        LPOP l 0
        RPOP l 0
        LRANGE l 0 -1
        LPOP l 10
        EXISTS l
        LPOP l
        LPOP l 1
        RPOP l 3
        LPOP l -1
        LPOP l abc
        RPOP l 1 2
        LPUSH
        LPUSH l
        SET s v
        LPUSH s a
        RPUSH s a
        LPUSHX s a
        LPOP s
        LPOP s 1
        LLEN s
        LLEN nosuch
        TYPE l
        RPUSH l 1 2 3
        TYPE l
        OBJECT ENCODING l
        "#,
    );
}

#[test]
fn pops_in_resp3() {
    diff(
        r#"
        !resp3
        LPOP nosuch
        LPOP nosuch 2
        RPUSH l a b c
        RPOP l 2
        LPOP l 0
        LMPOP 1 nosuch LEFT
        LMPOP 2 nosuch l RIGHT COUNT 5
        LINDEX nosuch 0
        LPOS nosuch a
        LPOS nosuch a COUNT 0
        "#,
    );
}

#[test]
fn ranges_and_indexes() {
    diff(
        r#"
        RPUSH l a b c d e f
        LRANGE l 0 2
        LRANGE l -2 -1
        LRANGE l -100 100
        LRANGE l 4 2
        LRANGE l 10 20
        LRANGE l 0 -7
        LRANGE l x 1
        LRANGE l 0 y
        LRANGE nosuch 0 -1
        LRANGE nosuch x y
        LINDEX l 0
        LINDEX l -1
        LINDEX l 6
        LINDEX l -7
        LINDEX l x
        LINDEX nosuch x
        LSET l 0 A
        LSET l -1 F
        LSET l 6 z
        LSET l x z
        LSET nosuch 0 z
        LSET nosuch x z
        LRANGE l 0 -1
        SET s v
        LRANGE s 0 1
        LINDEX s 0
        LSET s 0 v
        "#,
    );
}

#[test]
fn trim() {
    diff(
        r#"
        RPUSH l 1 2 3 4 5 6 7 8 9
        LTRIM l 1 -2
        LRANGE l 0 -1
        LTRIM l -3 100
        LRANGE l 0 -1
        LTRIM l 2 1
        EXISTS l
        LTRIM nosuch 0 1
        LTRIM nosuch x 1
        RPUSH l a
        LTRIM l a 1
        LTRIM l 0 b
        SET s v
        LTRIM s 0 1
        "#,
    );
}

#[test]
fn insert_and_remove() {
    diff(
        r#"
        RPUSH l a b a c a
        LINSERT l BEFORE b x
        LINSERT l after c y
        LINSERT l BEFORE nosuch z
        LINSERT l MIDDLE a z
        LINSERT nosuch BEFORE a z
        LINSERT nosuch MIDDLE a z
        LRANGE l 0 -1
        LREM l 1 a
        LRANGE l 0 -1
        LREM l -1 a
        LRANGE l 0 -1
        RPUSH l a a a
        LREM l 0 a
        LRANGE l 0 -1
        LREM l 0 nothing
        LREM l x a
        LREM nosuch 0 a
        LREM nosuch x a
        LREM l 0 x
        LREM l 0 b
        LREM l 0 c
        LREM l 0 y
        EXISTS l
        SET s v
        LINSERT s BEFORE a b
        LREM s 0 a
        "#,
    );
}

#[test]
fn positions() {
    diff(
        r#"
        RPUSH l a b c 1 2 3 c c
        LPOS l c
        LPOS l c RANK 2
        LPOS l c RANK -1
        LPOS l c RANK -3
        LPOS l c RANK 4
        LPOS l c COUNT 0
        LPOS l c COUNT 2
        LPOS l c COUNT 2 RANK 2
        LPOS l c COUNT 0 RANK -1
        LPOS l c MAXLEN 3
        LPOS l c MAXLEN 3 COUNT 0
        LPOS l c RANK -1 MAXLEN 2 COUNT 0
        LPOS l c RANK 0
        LPOS l c COUNT -1
        LPOS l c MAXLEN -1
        LPOS l c RANK x
        LPOS l c COUNT x
        LPOS l c FOO 1
        LPOS l c RANK
        LPOS l nothing
        LPOS l nothing COUNT 0
        LPOS l c RANK -9223372036854775808
        LPOS l c RANK 9223372036854775807
        SET s v
        LPOS s a
        "#,
    );
}

#[test]
fn moves() {
    diff(
        r#"
        RPUSH src a b c
        LMOVE src dst LEFT RIGHT
        LMOVE src dst RIGHT LEFT
        LRANGE src 0 -1
        LRANGE dst 0 -1
        RPOPLPUSH src dst
        EXISTS src
        RPOPLPUSH src dst
        LMOVE src dst LEFT LEFT
        LMOVE dst dst LEFT RIGHT
        LRANGE dst 0 -1
        RPOPLPUSH dst dst
        LRANGE dst 0 -1
        LMOVE dst x UP LEFT
        LMOVE dst x LEFT DOWN
        LMOVE nosuch x UP LEFT
        SET s v
        LMOVE dst s LEFT LEFT
        LRANGE dst 0 -1
        LMOVE s dst LEFT LEFT
        RPOPLPUSH dst s
        RPOPLPUSH nosuch s
        "#,
    );
}

#[test]
fn lmpop() {
    diff(
        r#"
        RPUSH a 1 2 3
        RPUSH b 4 5
        LMPOP 2 nosuch a LEFT
        LMPOP 2 a b RIGHT COUNT 10
        LMPOP 2 a b LEFT COUNT 1
        LMPOP 1 b LEFT COUNT 1 COUNT 1
        LMPOP 2 nosuch nosuch2 LEFT
        LMPOP 0 a LEFT
        LMPOP -1 a LEFT
        LMPOP x a LEFT
        LMPOP 3 a b LEFT
        LMPOP 2 a b
        LMPOP 1 a MIDDLE
        LMPOP 1 a LEFT COUNT 0
        LMPOP 1 a LEFT COUNT -1
        LMPOP 1 a LEFT COUNT x
        LMPOP 1 a LEFT FOO
        LMPOP 1 a LEFT COUNT
        SET s v
        LMPOP 2 nosuch s LEFT
        RPUSH c x
        LMPOP 2 c s LEFT
        "#,
    );
}

#[test]
fn binary_and_long_elements() {
    diff(
        r#"
        RPUSH l "a\x00b" "\xff\xfe" ""
        LRANGE l 0 -1
        LPOS l ""
        LREM l 0 "a\x00b"
        RPUSH l aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        LRANGE l 0 -1
        LINDEX l -1
        OBJECT ENCODING l
        "#,
    );
}
