//! HyperLogLog against redis-server 7.0: the strings PFADD and PFMERGE leave (GET'd
//! byte for byte, sparse and dense, through the switch between them), counts, the
//! cached cardinality PFCOUNT writes, merges, PFDEBUG, PFSELFTEST, and every error,
//! corrupted values included.

mod support;

use support::{diff, diff_exclusive};

/// `count` elements named `prefix0`, `prefix1`, ... as PFADD arguments.
fn elements(prefix: &str, range: std::ops::Range<usize>) -> String {
    range.map(|n| format!(" {prefix}{n}")).collect()
}

#[test]
fn pfadd_and_pfcount_leave_redis_s_bytes() {
    diff(
        r#"
        PFADD h a b c
        GET h
        PFCOUNT h
        GET h
        PFADD h a
        PFADD h d
        GET h
        PFCOUNT h
        PFADD fresh
        PFADD fresh
        GET fresh
        PFCOUNT fresh nosuch
        PFCOUNT nosuch
        OBJECT ENCODING h
        STRLEN h
        "#,
    );
}

#[test]
fn sparse_values_grow_then_turn_dense_alike() {
    let mut script = String::new();
    for batch in 0..30 {
        script.push_str(&format!(
            "PFADD h{}\n",
            elements("e", batch * 100..batch * 100 + 100)
        ));
        script.push_str("PFDEBUG ENCODING h\nSTRLEN h\n");
        if batch % 5 == 0 {
            script.push_str("GET h\nPFCOUNT h\n");
        }
    }
    script.push_str("GET h\nPFCOUNT h\nGET h\n");
    diff(&script);
}

#[test]
fn counts_and_merges_of_several() {
    diff(&format!(
        "PFADD a{}\nPFADD b{}\nPFADD big{}\n\
         PFCOUNT a b\nPFCOUNT a b big nosuch\n\
         PFMERGE ab a b\nGET ab\nPFCOUNT ab\n\
         PFMERGE abbig a big\nPFDEBUG ENCODING abbig\nGET abbig\nPFCOUNT abbig\n\
         PFMERGE a b\nGET a\nPFMERGE empty\nGET empty\nPFMERGE a nosuch\nPFCOUNT a\n",
        elements("x", 0..50),
        elements("x", 25..120),
        elements("y", 0..5000),
    ));
}

#[test]
fn pfdebug_subcommands() {
    diff(
        r#"
        PFADD h a b c d e
        PFDEBUG DECODE h
        PFDEBUG ENCODING h
        PFDEBUG GETREG h
        PFDEBUG ENCODING h
        PFDEBUG DECODE h
        PFDEBUG TODENSE h
        PFADD s a
        PFDEBUG TODENSE s
        PFDEBUG TODENSE s
        GET s
        PFDEBUG GETREG nosuch
        PFDEBUG NOSUCH h
        PFDEBUG NOSUCH nosuch
        PFDEBUG DECODE
        SET str hello
        PFDEBUG ENCODING str
        "#,
    );
}

#[test]
fn errors_and_corrupted_values() {
    diff(
        r#"
        RPUSH list a
        PFADD list a
        PFCOUNT list
        PFMERGE list
        PFMERGE dest list
        SET str hello
        PFADD str a
        PFCOUNT str
        PFCOUNT str nosuch
        PFMERGE dest str
        SET int 12345
        PFCOUNT int
        SET bad "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"
        PFCOUNT bad
        PFCOUNT bad bad
        PFADD bad a
        PFMERGE dest bad
        PFDEBUG GETREG bad
        SET wrongenc "HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff"
        PFCOUNT wrongenc
        SET shortdense "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00\x00"
        PFCOUNT shortdense
        SET okempty "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff"
        PFCOUNT okempty
        GET okempty
        PFADD
        PFCOUNT
        PFMERGE
        PFDEBUG
        PFSELFTEST extra
        "#,
    );
}

#[test]
fn the_sparse_limit_follows_the_configuration_and_selftest_passes() {
    diff_exclusive(&format!(
        "CONFIG SET hll-sparse-max-bytes 100\nPFADD h{}\nPFDEBUG ENCODING h\nSTRLEN h\n\
         PFADD h2{}\nPFDEBUG ENCODING h2\nGET h2\n\
         CONFIG SET hll-sparse-max-bytes 3000\nPFSELFTEST\nFLUSHALL\n",
        elements("e", 0..10),
        elements("e", 0..40),
    ));
}
