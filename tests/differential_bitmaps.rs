//! Differential tests of the bitmap commands and LCS against redis-server 7.0.

mod support;

use support::diff;

#[test]
fn setbit_getbit() {
    diff(
        r#"
        SETBIT b 7 1
        GET b
        GETBIT b 7
        GETBIT b 6
        GETBIT b 100000
        SETBIT b 7 0
        SETBIT b 100 1
        STRLEN b
        SETBIT b 1 2
        SETBIT b 1 -1
        SETBIT b 1 x
        SETBIT b -1 1
        SETBIT b x 1
        SETBIT b 4294967296 1
        SETBIT b 4294967295 1
        GETBIT b -1
        GETBIT missing 0
        SET s 1
        SETBIT s 6 1
        GET s
        OBJECT ENCODING s
        SET t v EX 100
        SETBIT t 0 1
        TTL t
        "#,
    );
}

#[test]
fn bitcount_and_bitpos() {
    diff(
        r#"
        SET s foobar
        BITCOUNT s
        BITCOUNT s 0 0
        BITCOUNT s 1 1
        BITCOUNT s 1 1 BYTE
        BITCOUNT s 5 30 BIT
        BITCOUNT s -1 -2
        BITCOUNT s -2 -1
        BITCOUNT s 0 -100
        BITCOUNT s 0
        BITCOUNT s 0 1 FOO
        BITCOUNT s a b
        BITCOUNT missing
        BITCOUNT missing 0 1 FOO
        SET z "\xff\xf0\x00"
        BITPOS z 0
        BITPOS z 1
        BITPOS z 1 2
        BITPOS z 0 2
        BITPOS z 1 2 -1 BYTE
        BITPOS z 1 7 15 BIT
        BITPOS z 0 0 -1 BIT
        BITPOS z 1 -10 -20
        BITPOS z 2
        BITPOS z x
        BITPOS z 1 0 1 FOO
        BITPOS z 1 a
        SET ones "\xff\xff"
        BITPOS ones 0
        BITPOS ones 0 0
        BITPOS ones 0 0 -1
        BITPOS missing 0
        BITPOS missing 1
        SET empty ""
        BITPOS empty 0
        BITPOS empty 1
        "#,
    );
}

#[test]
fn bitop() {
    diff(
        r#"
        SET a "\x0f\xf0"
        SET b "\xff"
        BITOP AND dest a b
        GET dest
        BITOP OR dest a b
        GET dest
        BITOP XOR dest a b missing
        GET dest
        BITOP NOT dest a
        GET dest
        BITOP NOT dest a b
        BITOP FOO dest a
        BITOP AND dest missing1 missing2
        EXISTS dest
        SET dest2 v EX 100
        BITOP OR dest2 a
        TTL dest2
        OBJECT ENCODING dest2
        "#,
    );
}

#[test]
fn bitfield() {
    diff(
        r#"
        BITFIELD f SET i8 0 100 GET i8 0
        BITFIELD f INCRBY i8 0 100
        BITFIELD f OVERFLOW SAT INCRBY i8 0 100
        BITFIELD f OVERFLOW FAIL INCRBY i8 0 100
        BITFIELD f OVERFLOW WRAP INCRBY u4 #1 20 GET u4 #1
        BITFIELD f SET u8 0 -1 GET u8 0
        BITFIELD f OVERFLOW SAT SET i8 0 -9223372036854775808 GET i8 0
        BITFIELD f GET i64 0 GET u63 0 GET i1 3
        BITFIELD f GET u64 0
        BITFIELD f GET i65 0
        BITFIELD f GET x8 0
        BITFIELD f GET i8 -1
        BITFIELD f GET i8
        BITFIELD f OVERFLOW FOO GET i8 0
        BITFIELD f OVERFLOW
        BITFIELD f BAR
        BITFIELD f SET i8 0 x
        BITFIELD f
        BITFIELD missing GET u8 0
        BITFIELD grown OVERFLOW FAIL INCRBY u8 100 300
        STRLEN grown
        BITFIELD_RO f GET i8 0 GET u4 #1
        BITFIELD_RO f SET i8 0 1
        BITFIELD_RO missing GET u8 0
        SET t v EX 100
        BITFIELD t SET u8 0 65
        TTL t
        GET t
        "#,
    );
}

#[test]
fn lcs() {
    diff(
        r#"
        MSET a ohmytext b mynewtext
        LCS a b
        LCS a b LEN
        LCS a b IDX
        LCS a b IDX MINMATCHLEN 4
        LCS a b IDX WITHMATCHLEN
        LCS a b IDX MINMATCHLEN -1 WITHMATCHLEN
        LCS a b LEN IDX
        LCS a b FOO
        LCS a b IDX MINMATCHLEN x
        LCS a missing
        LCS missing1 missing2 IDX
        MSET x ab y ba
        LCS x y IDX WITHMATCHLEN
        !resp3
        LCS a b IDX
        "#,
    );
}

#[test]
fn bit_commands_on_wrong_types_and_binary() {
    diff(
        r#"
        SET n 12345
        GETBIT n 3
        BITCOUNT n
        BITPOS n 1
        LCS n n
        SET bin "\x00\x80\xff"
        BITCOUNT bin
        BITPOS bin 1 1 1
        "#,
    );
}
