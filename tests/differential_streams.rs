//! Differential tests of streams against redis-server 7.0 (consumer groups are in
//! `differential_stream_groups.rs`):
//! XADD and its ID and trimming options, XRANGE/XREVRANGE, XLEN, XDEL, XTRIM, XSETID,
//! XREAD (immediate, inside MULTI and scripts, and blocked clients served by XADD),
//! XINFO STREAM plain and FULL, with every error path; then the layout Redis exposes:
//! node splitting by `stream-node-max-*`, XINFO's radix-tree figures, DUMP bytes,
//! RESTORE, DEBUG DIGEST and DEBUG RELOAD; and the generic commands on a stream key.

mod support;

use support::{await_blocked, connect, diff, diff_exclusive, differential, send};

#[test]
fn xadd_ids_and_errors() {
    diff(
        r#"
        XADD s 1-1 a 1
        XADD s 1-1 a 1
        XADD s 1-* b 2
        XADD s 1 c 3
        XADD s 0-5 a 1
        XADD s 0-0 a 1
        XADD s2 0-0 a 1
        EXISTS s2
        XADD s2 0-* a 1
        XADD s2 -1 a 1
        XADD s2 + a 1
        XADD s2 - a 1
        XADD s2 "5--01" a 1
        XADD s3 " 7-+3" a 1
        XADD s3 "8-1\x00junk" a 1
        XADD s3 9-x a 1
        XADD s3 x-1 a 1
        XADD s3 18446744073709551616-1 a 1
        XADD s3 18446744073709551615-18446744073709551614 a 1
        XADD s3 18446744073709551615-* a 1
        XADD s3 * a 1
        XADD s4 5-18446744073709551615 f v
        XADD s4 5-* f v
        XADD s4 6-* f v
        XADD s a
        XADD s 9-1 a
        XADD s 9-1 a 1 b
        XADD s
        XADD s MAXLEN
        XADD s MAXLEN 5
        XADD s NOMKSTREAM
        XADD nokey NOMKSTREAM 1-1 f v
        EXISTS nokey
        XADD nokey NOMKSTREAM MAXLEN 1 1-1 f v
        XADD s NOMKSTREAM 20-1 f v
        ?XADD auto * f v
        ?XADD auto * f v
        XLEN auto
        XRANGE s - +
        XLEN s
        XLEN nokey
        SET str x
        XADD str 1-1 a 1
        XADD str NOMKSTREAM 1-1 a 1
        XLEN str
        TYPE s
        OBJECT ENCODING s
        "#,
    );
}

#[test]
fn xadd_trimming_options() {
    diff(
        r#"
        XADD s MAXLEN 2 1-1 f v
        XADD s MAXLEN 2 2-1 f v
        XADD s MAXLEN 2 3-1 f v
        XRANGE s - +
        XADD s MAXLEN = 1 4-1 f v
        XADD s MAXLEN ~ 1 5-1 f v
        XRANGE s - +
        XADD s MINID 5 6-1 f v
        XADD s MINID = 6-1 7-1 f v
        XADD s MINID ~ 7 8-1 f v
        XRANGE s - +
        XADD s MAXLEN -1 9-1 f v
        XADD s MAXLEN x 9-1 f v
        XADD s MAXLEN ~ x 9-1 f v
        XADD s MAXLEN ~ 9-1 f v
        XADD s MINID - 9-1 f v
        XADD s MINID + 9-1 f v
        XADD s MINID x 9-1 f v
        XADD s MINID 5 MAXLEN 5 9-1 f v
        XADD s MAXLEN 5 MINID 5 9-1 f v
        XADD s LIMIT 5 9-1 f v
        XADD s LIMIT 0 9-1 f v
        XADD s LIMIT -1 9-1 f v
        XADD s LIMIT x 9-1 f v
        XADD s MAXLEN 3 LIMIT 5 9-1 f v
        XADD s MAXLEN ~ 3 LIMIT -1 9-1 f v
        XADD s MAXLEN ~ 0 LIMIT 0 10-1 f v
        XADD s maxlen ~ 0 limit 1 nomkstream 11-1 f v
        XLEN s
        XINFO STREAM s
        "#,
    );
}

#[test]
fn ranges() {
    diff(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 a 2 b 3
        XADD s 2-2 c 4
        XADD s 3-0 a 5
        XRANGE s - +
        XREVRANGE s + -
        XRANGE s 2 2
        XREVRANGE s 2 2
        XRANGE s 2-1 3
        XRANGE s (1-1 +
        XRANGE s (2-1 (3-0
        XREVRANGE s (3-0 (1-1
        XRANGE s ( +
        XRANGE s (- +
        XRANGE s - (+
        XRANGE s (18446744073709551615-18446744073709551615 +
        XRANGE s - (0-0
        XREVRANGE s (0-0 -
        XRANGE s 3 1
        XRANGE s - + COUNT 0
        XRANGE nokey - + COUNT 0
        XRANGE s - + COUNT -1
        XRANGE s - + COUNT 2
        XRANGE s - + count 2 COUNT 1
        XREVRANGE s + - COUNT 1
        XRANGE s - + COUNT
        XRANGE s - + COUNT x
        XRANGE s - + foo
        XRANGE s x +
        XRANGE s - x
        XRANGE s -1 +
        XRANGE nokey - +
        XREVRANGE nokey + -
        SET str x
        XRANGE str - +
        XRANGE str x +
        XREVRANGE str + - COUNT 0
        !resp3
        XRANGE s - +
        XRANGE s - + COUNT 0
        "#,
    );
}

#[test]
fn xdel_and_stream_metadata() {
    diff(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 a 1
        XADD s 3-1 a 1
        XDEL s 1-1 2-2 bad
        XDEL s 2-1 2-1 1-1
        XDEL nokey bad
        XDEL s +
        XDEL s 5
        XINFO STREAM s
        XDEL s 3-1
        XINFO STREAM s
        EXISTS s
        XRANGE s - +
        XADD s 4-1 b 2
        XINFO STREAM s
        SET str x
        XDEL str 1-1
        "#,
    );
}

#[test]
fn xtrim() {
    diff(
        r#"
        XADD s 1-1 f v
        XADD s 2-1 f v
        XADD s 3-1 f v
        XADD s 4-1 f v
        XTRIM s
        XTRIM s MAXLEN
        XTRIM s foo 1
        XTRIM s MAXLEN 0 junk
        XTRIM s MINID -
        XTRIM s LIMIT 1
        XTRIM s LIMIT 0 MAXLEN 1
        XTRIM s MAXLEN 1 LIMIT 1
        XTRIM s MAXLEN ~ 1 LIMIT 1
        XTRIM s MAXLEN 3
        XTRIM s MINID 3
        XTRIM s MINID = 3
        XINFO STREAM s
        XTRIM s MAXLEN ~ 0
        XTRIM s MAXLEN = 0
        XINFO STREAM s
        XTRIM nokey MAXLEN 1
        XTRIM nokey MAXLEN x
        SET str x
        XTRIM str MAXLEN 1
        "#,
    );
}

#[test]
fn xsetid() {
    diff(
        r#"
        XADD s 5-1 f v
        XSETID s 1-1
        XSETID s 5-1
        XSETID s 30-1 ENTRIESADDED 1
        XSETID s 30-1 ENTRIESADDED 0
        XSETID s 30-1 ENTRIESADDED -1
        XSETID s 30-1 ENTRIESADDED x
        XSETID s 30-1 MAXDELETEDID 40-1
        XSETID s 30-1 MAXDELETEDID 20-1 ENTRIESADDED 100
        XSETID s 30-1 MAXDELETEDID 0-0
        XINFO STREAM s
        XSETID s 30-1 foo
        XSETID s 30-1 ENTRIESADDED
        XSETID s + 
        XSETID s x
        XSETID nokey 1-1
        XSETID nokey x
        XADD s 30-1 f v
        XADD s 30-2 f v
        XDEL s 30-2 5-1
        XSETID s 2-0
        XINFO STREAM s
        XADD s 1-1 f v
        SET str x
        XSETID str 1-1
        "#,
    );
}

#[test]
fn xinfo_stream() {
    diff(
        r#"
        XINFO STREAM nokey
        XADD s 1-1 a 1 b 2
        XADD s 2-1 a 3 b 4
        XADD s 3-1 c 5
        XINFO STREAM s
        XINFO STREAM s FULL
        XINFO STREAM s full count 1
        XINFO STREAM s FULL COUNT 0
        XINFO STREAM s FULL COUNT -5
        XINFO STREAM s FULL COUNT
        XINFO STREAM s FULL COUNT x
        XINFO STREAM s FULL LIMIT 1
        XINFO STREAM s foo
        XINFO STREAM s FULL COUNT 1 x
        XINFO STREAM
        XINFO
        XINFO HELP
        XINFO help x
        XINFO foo s
        SET str x
        XINFO STREAM str
        !resp3
        XINFO STREAM s
        XINFO STREAM s FULL
        XTRIM s MAXLEN 0
        XINFO STREAM s
        "#,
    );
}

#[test]
fn xread_immediate_answers_and_errors() {
    diff(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 b 2
        XADD t 5-1 c 3
        XREAD STREAMS s 0
        XREAD COUNT 1 STREAMS s t 0 0
        XREAD STREAMS s nokey t 1-1 0 5
        XREAD STREAMS s t $ $
        XREAD STREAMS s 2-1
        XREAD STREAMS nokey $
        XREAD COUNT 0 STREAMS s 0-0
        XREAD COUNT -3 STREAMS s 0
        XREAD count 1 count 2 STREAMS s 0
        XREAD STREAMS s
        XREAD STREAMS s t 0
        XREAD STREAMS
        XREAD COUNT 1
        XREAD s 0
        XREAD STREAMS s +
        XREAD STREAMS s -
        XREAD STREAMS s 1
        XREAD STREAMS s x
        XREAD STREAMS s >
        XREAD GROUP g c STREAMS s >
        XREAD GROUP g STREAMS s 0
        XREAD NOACK STREAMS s 0
        XREAD foo STREAMS s 0
        XREAD COUNT x STREAMS s 0
        XREAD BLOCK -1 STREAMS s 0
        XREAD BLOCK x STREAMS s 0
        XREAD BLOCK 1.5 STREAMS s 0
        XREAD BLOCK 10 STREAMS s $
        XREAD BLOCK 10 STREAMS s 0
        SET str x
        XREAD STREAMS s str 0 0
        XREAD STREAMS str s $ x
        XREAD STREAMS nokey str 0 x
        MULTI
        XREAD BLOCK 0 STREAMS s $
        XREAD BLOCK 0 STREAMS s 0
        EXEC
        EVAL "return redis.pcall('XREAD','BLOCK','0','STREAMS','s','$')" 0
        EVAL "return redis.pcall('xread','STREAMS','s','0')" 0
        !resp3
        XREAD STREAMS s t 0 0
        XREAD STREAMS s $
        "#,
    );
}

#[test]
fn an_xadd_serves_blocked_xreads_in_order() {
    differential(|server, db| {
        let mut first = connect(server, db);
        let mut second = connect(server, db);
        let mut resp3 = connect(server, db);
        let mut later = connect(server, db);
        let mut writer = connect(server, db);
        let mut replies = vec![writer.command(&[b"XADD", b"s", b"1-1", b"f", b"v"])];
        replies.push(resp3.command(&[b"HELLO", b"3"])[..1].to_vec());
        send(
            &mut first,
            &[
                b"XREAD", b"BLOCK", b"0", b"STREAMS", b"nokey", b"s", b"$", b"$",
            ],
        );
        await_blocked(&mut writer, 1);
        send(
            &mut second,
            &[
                b"XREAD", b"COUNT", b"1", b"BLOCK", b"0", b"STREAMS", b"s", b"1-1",
            ],
        );
        await_blocked(&mut writer, 2);
        send(
            &mut resp3,
            &[b"XREAD", b"BLOCK", b"0", b"STREAMS", b"s", b"$"],
        );
        await_blocked(&mut writer, 3);
        // Waits after 5-0: an entry below it serves nobody there.
        send(
            &mut later,
            &[b"XREAD", b"BLOCK", b"0", b"STREAMS", b"s", b"5-0"],
        );
        await_blocked(&mut writer, 4);
        replies.push(writer.command(&[b"MULTI"]));
        replies.push(writer.command(&[b"XADD", b"s", b"2-1", b"a", b"1"]));
        replies.push(writer.command(&[b"XADD", b"s", b"3-1", b"b", b"2"]));
        replies.push(writer.command(&[b"EXEC"]));
        replies.push(first.read_reply());
        replies.push(second.read_reply());
        replies.push(resp3.read_reply());
        replies.push(writer.command(&[b"XADD", b"nokey", b"1-1", b"f", b"v"]));
        replies.push(writer.command(&[b"XADD", b"s", b"6-1", b"c", b"3"]));
        replies.push(later.read_reply());
        replies
    });
}

#[test]
fn a_blocked_xread_times_out_or_waits_for_a_new_stream() {
    differential(|server, db| {
        let mut timed = connect(server, db);
        let mut waiting = connect(server, db);
        let mut writer = connect(server, db);
        let mut replies = vec![timed.command(&[b"XREAD", b"BLOCK", b"50", b"STREAMS", b"s", b"$"])];
        send(
            &mut waiting,
            &[b"XREAD", b"BLOCK", b"0", b"STREAMS", b"s", b"0"],
        );
        await_blocked(&mut writer, 1);
        replies.push(writer.command(&[b"SET", b"s", b"x"]));
        replies.push(writer.command(&[b"DEL", b"s"]));
        replies.push(writer.command(&[b"XADD", b"s", b"1-1", b"f", b"v"]));
        replies.push(waiting.read_reply());
        replies
    });
}

#[test]
fn nodes_split_by_size_and_count() {
    diff_exclusive(
        r#"
        CONFIG SET stream-node-max-entries 100
        CONFIG SET stream-node-max-bytes 4096
        XADD big 1-2 field 1 f2 v1
        XADD big 2-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -2000
        XADD big 3-2 field 3 f2 v3
        XADD big 4-2 field 4 f2 v4
        XADD big 5-2 field 5 f2 v5
        XADD big 6-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -6000
        XADD big 7-0 field 7 f2 v7
        XADD big 8-2 field 8 f2 v8
        XADD big 9-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -9000
        XADD big 10-0 f -8124847963522755701
        XADD big 11-0 field 11 f2 v11
        XADD big 12-1 field 12 f2 v12
        XADD big 13-2 field 13 f2 v13
        XADD big 14-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -14000
        XADD big 15-1 field 15 f2 v15
        XADD big 16-2 field 16 f2 v16
        XADD big 17-2 field 17 f2 v17
        XADD big 18-2 field 18 f2 v18
        XADD big 19-0 f 237679754525500006
        XADD big 20-2 field 20 f2 v20
        XADD big 21-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -21000
        XADD big 22-1 field 22 f2 v22
        XADD big 23-0 field 23 f2 v23
        XADD big 24-0 other  n -24000
        XADD big 25-0 field 25 f2 v25
        XADD big 26-2 field 26 f2 v26
        XADD big 27-0 field 27 f2 v27
        XADD big 28-0 field 28 f2 v28
        XADD big 29-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -29000
        XADD big 30-1 field 30 f2 v30
        XADD big 31-1 field 31 f2 v31
        XADD big 32-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -32000
        XADD big 33-2 field 33 f2 v33
        XADD big 34-0 field 34 f2 v34
        XADD big 35-1 field 35 f2 v35
        XADD big 36-2 field 36 f2 v36
        XADD big 37-2 field 37 f2 v37
        XADD big 38-2 field 38 f2 v38
        XADD big 39-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -39000
        XADD big 40-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -40000
        XADD big 41-0 field 41 f2 v41
        XADD big 42-2 field 42 f2 v42
        XADD big 43-0 field 43 f2 v43
        XADD big 44-1 field 44 f2 v44
        XADD big 45-0 f -5289726135381802516
        XADD big 46-2 field 46 f2 v46
        XADD big 47-1 field 47 f2 v47
        XADD big 48-0 field 48 f2 v48
        XADD big 49-2 field 49 f2 v49
        XADD big 50-0 other xxxxxxx n -50000
        XADD big 51-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -51000
        XADD big 52-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -52000
        XADD big 53-0 f 6761205223810644192
        XADD big 54-0 field 54 f2 v54
        XADD big 55-0 field 55 f2 v55
        XADD big 56-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -56000
        XADD big 57-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -57000
        XADD big 58-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -58000
        XADD big 59-1 field 59 f2 v59
        XADD big 60-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -60000
        XADD big 61-0 field 61 f2 v61
        XADD big 62-2 field 62 f2 v62
        XADD big 63-0 f -4482901946360881701
        XADD big 64-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -64000
        XADD big 65-0 field 65 f2 v65
        XADD big 66-0 f -7954676467656795635
        XADD big 67-2 field 67 f2 v67
        XADD big 68-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -68000
        XADD big 69-0 field 69 f2 v69
        XADD big 70-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -70000
        XADD big 71-1 field 71 f2 v71
        XADD big 72-0 field 72 f2 v72
        XADD big 73-1 field 73 f2 v73
        XADD big 74-0 field 74 f2 v74
        XADD big 75-0 field 75 f2 v75
        XADD big 76-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -76000
        XADD big 77-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -77000
        XADD big 78-0 field 78 f2 v78
        XADD big 79-0 field 79 f2 v79
        XADD big 80-1 field 80 f2 v80
        XADD big 81-0 other xxxxxxxxxxxxxxxxx n -81000
        XADD big 82-2 field 82 f2 v82
        XADD big 83-0 field 83 f2 v83
        XADD big 84-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -84000
        XADD big 85-0 field 85 f2 v85
        XADD big 86-2 field 86 f2 v86
        XADD big 87-0 field 87 f2 v87
        XADD big 88-0 f -2921704683754120217
        XADD big 89-1 field 89 f2 v89
        XADD big 90-0 f 6590940143396355578
        XADD big 91-0 f 6704887413149253782
        XADD big 92-2 field 92 f2 v92
        XADD big 93-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -93000
        XADD big 94-2 field 94 f2 v94
        XADD big 95-0 field 95 f2 v95
        XADD big 96-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -96000
        XADD big 97-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -97000
        XADD big 98-2 field 98 f2 v98
        XADD big 99-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -99000
        XADD big 100-2 field 100 f2 v100
        XADD big 101-2 field 101 f2 v101
        XADD big 102-2 field 102 f2 v102
        XADD big 103-0 field 103 f2 v103
        XADD big 104-2 field 104 f2 v104
        XADD big 105-2 field 105 f2 v105
        XADD big 106-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -106000
        XADD big 107-0 field 107 f2 v107
        XADD big 108-0 field 108 f2 v108
        XADD big 109-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -109000
        XADD big 110-1 field 110 f2 v110
        XADD big 111-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -111000
        XADD big 112-0 field 112 f2 v112
        XADD big 113-2 field 113 f2 v113
        XADD big 114-2 field 114 f2 v114
        XADD big 115-0 field 115 f2 v115
        XADD big 116-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -116000
        XADD big 117-1 field 117 f2 v117
        XADD big 118-0 field 118 f2 v118
        XADD big 119-0 field 119 f2 v119
        XADD big 120-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -120000
        XADD big 121-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -121000
        XADD big 122-1 field 122 f2 v122
        XADD big 123-0 f -1586700390341698555
        XADD big 124-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -124000
        XADD big 125-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -125000
        XADD big 126-0 field 126 f2 v126
        XADD big 127-2 field 127 f2 v127
        XADD big 128-2 field 128 f2 v128
        XADD big 129-1 field 129 f2 v129
        XADD big 130-2 field 130 f2 v130
        XADD big 131-0 field 131 f2 v131
        XADD big 132-0 field 132 f2 v132
        XADD big 133-1 field 133 f2 v133
        XADD big 134-0 field 134 f2 v134
        XADD big 135-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -135000
        XADD big 136-2 field 136 f2 v136
        XADD big 137-2 field 137 f2 v137
        XADD big 138-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -138000
        XADD big 139-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -139000
        XADD big 140-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -140000
        XADD big 141-0 field 141 f2 v141
        XADD big 142-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -142000
        XADD big 143-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -143000
        XADD big 144-1 field 144 f2 v144
        XADD big 145-2 field 145 f2 v145
        XADD big 146-0 field 146 f2 v146
        XADD big 147-2 field 147 f2 v147
        XADD big 148-0 f 4102134817410557264
        XADD big 149-1 field 149 f2 v149
        XADD big 150-0 field 150 f2 v150
        XADD big 151-2 field 151 f2 v151
        XADD big 152-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -152000
        XADD big 153-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -153000
        XADD big 154-2 field 154 f2 v154
        XADD big 155-0 f 4015154372523220424
        XADD big 156-1 field 156 f2 v156
        XADD big 157-0 f 6563046520585743619
        XADD big 158-0 field 158 f2 v158
        XADD big 159-1 field 159 f2 v159
        XADD big 160-1 field 160 f2 v160
        XADD big 161-0 field 161 f2 v161
        XADD big 162-0 field 162 f2 v162
        XADD big 163-0 field 163 f2 v163
        XADD big 164-1 field 164 f2 v164
        XADD big 165-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -165000
        XADD big 166-2 field 166 f2 v166
        XADD big 167-0 f 3487598840968366073
        XADD big 168-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -168000
        XADD big 169-1 field 169 f2 v169
        XADD big 170-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -170000
        XADD big 171-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -171000
        XADD big 172-2 field 172 f2 v172
        XADD big 173-2 field 173 f2 v173
        XADD big 174-2 field 174 f2 v174
        XADD big 175-0 field 175 f2 v175
        XADD big 176-0 f -5516180981794089651
        XADD big 177-2 field 177 f2 v177
        XADD big 178-1 field 178 f2 v178
        XADD big 179-0 field 179 f2 v179
        XADD big 180-1 field 180 f2 v180
        XADD big 181-2 field 181 f2 v181
        XADD big 182-0 field 182 f2 v182
        XADD big 183-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -183000
        XADD big 184-0 f -4257254165690516172
        XADD big 185-0 field 185 f2 v185
        XADD big 186-1 field 186 f2 v186
        XADD big 187-0 field 187 f2 v187
        XADD big 188-2 field 188 f2 v188
        XADD big 189-1 field 189 f2 v189
        XADD big 190-0 field 190 f2 v190
        XADD big 191-0 field 191 f2 v191
        XADD big 192-2 field 192 f2 v192
        XADD big 193-2 field 193 f2 v193
        XADD big 194-2 field 194 f2 v194
        XADD big 195-1 field 195 f2 v195
        XADD big 196-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -196000
        XADD big 197-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -197000
        XADD big 198-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -198000
        XADD big 199-0 other xxxxxxxxxxx n -199000
        XADD big 200-1 field 200 f2 v200
        XADD big 201-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -201000
        XADD big 202-2 field 202 f2 v202
        XADD big 203-0 field 203 f2 v203
        XADD big 204-2 field 204 f2 v204
        XADD big 205-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -205000
        XADD big 206-2 field 206 f2 v206
        XADD big 207-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -207000
        XADD big 208-0 f 1902366610188737264
        XADD big 209-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -209000
        XADD big 210-0 field 210 f2 v210
        XADD big 211-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -211000
        XADD big 212-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -212000
        XADD big 213-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -213000
        XADD big 214-1 field 214 f2 v214
        XADD big 215-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -215000
        XADD big 216-2 field 216 f2 v216
        XADD big 217-1 field 217 f2 v217
        XADD big 218-0 other xxxxxxxxx n -218000
        XADD big 219-2 field 219 f2 v219
        XADD big 220-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -220000
        XADD big 221-2 field 221 f2 v221
        XADD big 222-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -222000
        XADD big 223-2 field 223 f2 v223
        XADD big 224-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -224000
        XADD big 225-0 field 225 f2 v225
        XADD big 226-2 field 226 f2 v226
        XADD big 227-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -227000
        XADD big 228-0 field 228 f2 v228
        XADD big 229-0 field 229 f2 v229
        XADD big 230-0 field 230 f2 v230
        XADD big 231-0 f 3190140242154279069
        XADD big 232-0 field 232 f2 v232
        XADD big 233-0 f -3194473017945997584
        XADD big 234-2 field 234 f2 v234
        XADD big 235-0 field 235 f2 v235
        XADD big 236-0 other xxxxxx n -236000
        XADD big 237-0 other xxxxxxxxxxxxxxxxxxxx n -237000
        XADD big 238-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -238000
        XADD big 239-1 field 239 f2 v239
        XADD big 240-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -240000
        XADD big 241-0 f -6178245001691469647
        XADD big 242-0 field 242 f2 v242
        XADD big 243-0 field 243 f2 v243
        XADD big 244-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -244000
        XADD big 245-0 field 245 f2 v245
        XADD big 246-1 field 246 f2 v246
        XADD big 247-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -247000
        XADD big 248-0 field 248 f2 v248
        XADD big 249-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -249000
        XADD big 250-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -250000
        XADD big 251-1 field 251 f2 v251
        XADD big 252-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -252000
        XADD big 253-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -253000
        XADD big 254-2 field 254 f2 v254
        XADD big 255-1 field 255 f2 v255
        XADD big 256-0 field 256 f2 v256
        XADD big 257-1 field 257 f2 v257
        XADD big 258-0 f 2287770383414699622
        XADD big 259-2 field 259 f2 v259
        XADD big 260-0 field 260 f2 v260
        XADD big 261-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -261000
        XADD big 262-0 field 262 f2 v262
        XADD big 263-1 field 263 f2 v263
        XADD big 264-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -264000
        XADD big 265-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -265000
        XADD big 266-2 field 266 f2 v266
        XADD big 267-0 field 267 f2 v267
        XADD big 268-1 field 268 f2 v268
        XADD big 269-0 field 269 f2 v269
        XADD big 270-0 other xxxxx n -270000
        XADD big 271-1 field 271 f2 v271
        XADD big 272-1 field 272 f2 v272
        XADD big 273-2 field 273 f2 v273
        XADD big 274-2 field 274 f2 v274
        XADD big 275-0 field 275 f2 v275
        XADD big 276-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -276000
        XADD big 277-2 field 277 f2 v277
        XADD big 278-0 other xxxxxxxxxxxxxxxxxxxxxxx n -278000
        XADD big 279-0 field 279 f2 v279
        XADD big 280-0 field 280 f2 v280
        XADD big 281-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -281000
        XADD big 282-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -282000
        XADD big 283-1 field 283 f2 v283
        XADD big 284-2 field 284 f2 v284
        XADD big 285-1 field 285 f2 v285
        XADD big 286-1 field 286 f2 v286
        XADD big 287-1 field 287 f2 v287
        XADD big 288-1 field 288 f2 v288
        XADD big 289-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -289000
        XADD big 290-0 field 290 f2 v290
        XADD big 291-2 field 291 f2 v291
        XADD big 292-2 field 292 f2 v292
        XADD big 293-1 field 293 f2 v293
        XADD big 294-0 other xxxxxxxxxxxxxxxxxxxxxxxxx n -294000
        XADD big 295-2 field 295 f2 v295
        XADD big 296-0 f -4727747430363667203
        XADD big 297-2 field 297 f2 v297
        XADD big 298-0 f -7100275987516553428
        XADD big 299-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -299000
        XADD big 300-0 field 300 f2 v300
        XADD big 301-0 field 301 f2 v301
        XADD big 302-1 field 302 f2 v302
        XADD big 303-1 field 303 f2 v303
        XADD big 304-1 field 304 f2 v304
        XADD big 305-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -305000
        XADD big 306-2 field 306 f2 v306
        XADD big 307-0 field 307 f2 v307
        XADD big 308-0 f -6846110324014574283
        XADD big 309-2 field 309 f2 v309
        XADD big 310-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -310000
        XADD big 311-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -311000
        XADD big 312-2 field 312 f2 v312
        XADD big 313-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -313000
        XADD big 314-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -314000
        XADD big 315-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -315000
        XADD big 316-0 field 316 f2 v316
        XADD big 317-2 field 317 f2 v317
        XADD big 318-0 f 3378899901373447553
        XADD big 319-0 other xxxx n -319000
        XADD big 320-1 field 320 f2 v320
        XADD big 321-0 field 321 f2 v321
        XADD big 322-2 field 322 f2 v322
        XADD big 323-0 field 323 f2 v323
        XADD big 324-0 f 933933123013308515
        XADD big 325-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -325000
        XADD big 326-1 field 326 f2 v326
        XADD big 327-1 field 327 f2 v327
        XADD big 328-0 field 328 f2 v328
        XADD big 329-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -329000
        XADD big 330-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -330000
        XADD big 331-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -331000
        XADD big 332-2 field 332 f2 v332
        XADD big 333-0 field 333 f2 v333
        XADD big 334-2 field 334 f2 v334
        XADD big 335-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -335000
        XADD big 336-2 field 336 f2 v336
        XADD big 337-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -337000
        XADD big 338-1 field 338 f2 v338
        XADD big 339-1 field 339 f2 v339
        XADD big 340-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -340000
        XADD big 341-1 field 341 f2 v341
        XADD big 342-1 field 342 f2 v342
        XADD big 343-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -343000
        XADD big 344-0 field 344 f2 v344
        XADD big 345-0 field 345 f2 v345
        XADD big 346-0 f 3578314901721923907
        XADD big 347-0 field 347 f2 v347
        XADD big 348-2 field 348 f2 v348
        XADD big 349-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -349000
        XADD big 350-0 f 3860440057274680569
        XADD big 351-2 field 351 f2 v351
        XADD big 352-0 f -3601458531610678283
        XADD big 353-1 field 353 f2 v353
        XADD big 354-0 f -7668549189796565425
        XADD big 355-0 other xxxxxxxxxxxx n -355000
        XADD big 356-1 field 356 f2 v356
        XADD big 357-0 field 357 f2 v357
        XADD big 358-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -358000
        XADD big 359-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -359000
        XADD big 360-2 field 360 f2 v360
        XADD big 361-0 field 361 f2 v361
        XADD big 362-1 field 362 f2 v362
        XADD big 363-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -363000
        XADD big 364-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -364000
        XADD big 365-2 field 365 f2 v365
        XADD big 366-1 field 366 f2 v366
        XADD big 367-0 f -7672993908441025915
        XADD big 368-2 field 368 f2 v368
        XADD big 369-1 field 369 f2 v369
        XADD big 370-2 field 370 f2 v370
        XADD big 371-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -371000
        XADD big 372-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -372000
        XADD big 373-0 field 373 f2 v373
        XADD big 374-2 field 374 f2 v374
        XADD big 375-1 field 375 f2 v375
        XADD big 376-1 field 376 f2 v376
        XADD big 377-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -377000
        XADD big 378-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -378000
        XADD big 379-2 field 379 f2 v379
        XADD big 380-2 field 380 f2 v380
        XADD big 381-0 f 3075744243744417210
        XADD big 382-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -382000
        XADD big 383-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -383000
        XADD big 384-0 f 3875410234674478172
        XADD big 385-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -385000
        XADD big 386-0 f -6526652893437473529
        XADD big 387-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -387000
        XADD big 388-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -388000
        XADD big 389-1 field 389 f2 v389
        XADD big 390-1 field 390 f2 v390
        XADD big 391-0 f -526749834197585672
        XADD big 392-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -392000
        XADD big 393-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -393000
        XADD big 394-0 f -760752435620907352
        XADD big 395-0 field 395 f2 v395
        XADD big 396-0 field 396 f2 v396
        XADD big 397-0 field 397 f2 v397
        XADD big 398-2 field 398 f2 v398
        XADD big 399-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -399000
        XADD big 400-0 field 400 f2 v400
        XADD big 401-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -401000
        XADD big 402-1 field 402 f2 v402
        XADD big 403-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -403000
        XADD big 404-1 field 404 f2 v404
        XADD big 405-1 field 405 f2 v405
        XADD big 406-0 f 8430518908369033360
        XADD big 407-0 field 407 f2 v407
        XADD big 408-0 field 408 f2 v408
        XADD big 409-0 f 5502285088838759699
        XADD big 410-0 f 7234726966360032554
        XADD big 411-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -411000
        XADD big 412-0 field 412 f2 v412
        XADD big 413-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -413000
        XADD big 414-1 field 414 f2 v414
        XADD big 415-2 field 415 f2 v415
        XADD big 416-2 field 416 f2 v416
        XADD big 417-0 f -5934330282072639086
        XADD big 418-0 field 418 f2 v418
        XADD big 419-0 other xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx n -419000
        XINFO STREAM big
        DUMP big
        DEBUG DIGEST-VALUE big
        XDEL big 181-0 139-1
        XDEL big 315-0 367-1
        XDEL big 271-0 50-1
        XDEL big 246-0 356-1
        XDEL big 240-0 43-1
        XDEL big 384-0 301-1
        XDEL big 279-0 260-1
        XDEL big 156-0 10-1
        XDEL big 405-0 97-1
        XDEL big 214-0 99-1
        XDEL big 350-0 47-1
        XDEL big 401-0 226-1
        XDEL big 107-0 20-1
        XDEL big 279-0 212-1
        XDEL big 270-0 254-1
        XDEL big 81-0 160-1
        XDEL big 162-0 160-1
        XDEL big 208-0 39-1
        XDEL big 285-0 157-1
        XDEL big 240-0 342-1
        XDEL big 367-0 35-1
        XDEL big 185-0 39-1
        XDEL big 352-0 72-1
        XDEL big 55-0 342-1
        XDEL big 202-0 347-1
        XDEL big 237-0 383-1
        XDEL big 402-0 63-1
        XDEL big 335-0 228-1
        XDEL big 7-0 194-1
        XDEL big 365-0 364-1
        XINFO STREAM big
        DUMP big
        XTRIM big MAXLEN ~ 300
        XINFO STREAM big
        XTRIM big MINID 200
        XINFO STREAM big
        DUMP big
        XTRIM big MAXLEN ~ 10 LIMIT 150
        XINFO STREAM big FULL COUNT 2
        XADD big MAXLEN ~ 50 500-1 f v
        XINFO STREAM big
        DEBUG DIGEST-VALUE big
        DEBUG DIGEST
        CONFIG SET stream-node-max-entries 3
        XADD small 1-1 a 1
        XADD small 2-1 a 1
        XADD small 3-1 a 1
        XADD small 4-1 b 1
        XADD small 5-1 b 1
        XDEL small 4-1
        XADD small 6-1 b 1
        XINFO STREAM small
        DUMP small
        CONFIG SET stream-node-max-entries 0
        CONFIG SET stream-node-max-bytes 60
        XADD tiny 1-1 a 1
        XADD tiny 2-1 a 12345678901234567890
        XADD tiny 3-1 a 1
        XINFO STREAM tiny
        DUMP tiny
        CONFIG SET stream-node-max-bytes 0
        XADD none 1-1 a 1
        XADD none 2-1 a 1
        XINFO STREAM none
        CONFIG SET stream-node-max-entries 100
        CONFIG SET stream-node-max-bytes 4096
        "#,
    );
}

#[test]
fn an_exact_trim_can_leave_a_node_of_tombstones() {
    // MINID decides by a node's last entry, deleted or not: the live entries before a
    // deleted last one are flagged, and the node stays with none live.
    diff(
        r#"
        XADD s 1-1 f v
        XADD s 2-1 f v
        XADD s 3-1 f v
        XDEL s 3-1
        XTRIM s MINID 3
        XINFO STREAM s
        DUMP s
        XADD s 4-1 f v
        XINFO STREAM s FULL
        DUMP s
        XTRIM s MINID ~ 5
        XINFO STREAM s
        "#,
    );
}

#[test]
fn dump_restore_and_digest() {
    diff(
        r#"
        XADD s 1-1 a 1 b 2
        XADD s 1-2 a 3 b 4
        XADD s 2-1 x 5
        XADD s 3-1 a "" b 12345678901234567890123
        XADD s 4-1 a -17 b 3.5
        DUMP s
        DEBUG DIGEST-VALUE s
        ?DEBUG OBJECT s
        XDEL s 1-2
        DUMP s
        DEBUG DIGEST-VALUE s
        XSETID s 9-9 ENTRIESADDED 20 MAXDELETEDID 8-8
        DUMP s
        XTRIM s MAXLEN 0
        DUMP s
        DEBUG DIGEST-VALUE s
        RESTORE r 0 "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x0133\x00\x00\x00\x13\x00\x01\x01\x01\x01\x01\x01\x81f\x02\x00\x01\x03\x01\x00\x01\x00\x01\x81v\x02\x04\x01\x00\x01\x01\x01\x00\x01\x02\x01\x81f\x02\x81w\x02\x81g\x02\x81x\x02\x08\x01\xff\x01\x02\x01\x02\x01\x01\x01\x02\x00\x0a\x00\xe7h\xb7d\x02p\xfe\xa7"
        XRANGE r - +
        XINFO STREAM r
        RESTORE bad 0 "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x0133\x00\x00\x00\x13\x00\x01\x01\x01\x01\x01\x01\x81f\x02\x00\x01\x03\x01\x00\x01\x00\x01\x81v\x02\x04\x01\x00\x01\x01\x01\x00\x01\x02\x01\x81f\x02\x81w\x02\x81g\x02\x81x\x02\x08\x01\xff\x01\x02\x01\x02\x01\x01\x01\x02\x00\x0a\x00\xe7h\xb7d\x02p\xfe\xa6"
        RESTORE r 0 "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x0133\x00\x00\x00\x13\x00\x01\x01\x01\x01\x01\x01\x81f\x02\x00\x01\x03\x01\x00\x01\x00\x01\x81v\x02\x04\x01\x00\x01\x01\x01\x00\x01\x02\x01\x81f\x02\x81w\x02\x81g\x02\x81x\x02\x08\x01\xff\x01\x02\x01\x02\x01\x01\x01\x02\x00\x0a\x00\xe7h\xb7d\x02p\xfe\xa7"
        RESTORE r 0 "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x0133\x00\x00\x00\x13\x00\x01\x01\x01\x01\x01\x01\x81f\x02\x00\x01\x03\x01\x00\x01\x00\x01\x81v\x02\x04\x01\x00\x01\x01\x01\x00\x01\x02\x01\x81f\x02\x81w\x02\x81g\x02\x81x\x02\x08\x01\xff\x01\x02\x01\x02\x01\x01\x01\x02\x00\x0a\x00\xe7h\xb7d\x02p\xfe\xa7" REPLACE
        DUMP r
        "#,
    );
}

#[test]
fn generic_commands_on_a_stream() {
    diff(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 b 2
        TYPE s
        OBJECT ENCODING s
        EXISTS s
        RENAME s s2
        XRANGE s2 - +
        COPY s2 s3
        XADD s3 3-1 c 3
        XLEN s2
        XLEN s3
        DEBUG DIGEST-VALUE s2 s3
        EXPIRE s3 100
        TTL s3
        ~~SCAN 0 TYPE stream COUNT 1000
        ~KEYS *
        ?RANDOMKEY
        ?MEMORY USAGE s2
        DEL s2 s3
        EXISTS s2 s3
        XADD s 1-1 a 1
        GET s
        LPUSH s x
        HSET s f v
        SADD s m
        ZADD s 1 m
        "#,
    );
}

#[test]
fn streams_survive_a_reload() {
    diff_exclusive(
        r#"
        XADD s 1-1 a 1 b 2
        XADD s 2-1 a 3
        XDEL s 2-1
        XADD e 1-1 f v
        XTRIM e MAXLEN 0
        DEBUG DIGEST
        DEBUG RELOAD
        DEBUG DIGEST
        XINFO STREAM s
        XINFO STREAM e
        MOVE s 2
        SELECT 2
        XRANGE s - +
        FLUSHALL
        "#,
    );
}
