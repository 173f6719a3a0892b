//! Differential tests of stream consumer groups against redis-server 7.0: XGROUP and
//! its subcommands, XREADGROUP (new entries, history, NOACK, inside MULTI and
//! scripts, blocked readers served, refused and timed out), XACK, XPENDING, XCLAIM,
//! XAUTOCLAIM, XINFO GROUPS / CONSUMERS / STREAM FULL, the read counter and lag,
//! WATCH, DUMP bytes of streams with groups, RESTORE and DEBUG RELOAD; every error.
//!
//! Times: delivery and seen times are set by the clock of each server, so they and the
//! idle times derived from them cannot match byte for byte. Scripts set delivery times
//! with XCLAIM's TIME where a reply shows them; replies that still show the clock
//! (a consumer's `seen-time` and `idle`, XPENDING's idle time, times close to now) are
//! compared with those figures masked ([`times_masked`]), everything else exactly.

mod support;

use support::{await_blocked, connect, diff, diff_exclusive, differential, send, DiffSession};

// ------------------------------------------------------------------- reply masking

/// A parsed reply, for masking.
#[derive(Debug, PartialEq)]
enum Frame {
    /// `:n`
    Int(i64),
    /// `$n` bulk string.
    Bulk(Vec<u8>),
    /// `*`, `%` (flattened pairs), `~`, `>` aggregates: their kind byte and elements.
    Aggregate(u8, Vec<Frame>),
    /// Anything else, as sent.
    Other(Vec<u8>),
    /// A figure taken from the clock.
    Masked,
}

/// Reads one frame from `bytes` at `at`, answering it and where the next one starts.
fn parse(bytes: &[u8], at: usize) -> (Frame, usize) {
    let line_end = at + bytes[at..].windows(2).position(|w| w == b"\r\n").unwrap();
    let head = std::str::from_utf8(&bytes[at + 1..line_end]).unwrap();
    let next = line_end + 2;
    match bytes[at] {
        b':' => (Frame::Int(head.parse().unwrap()), next),
        b'$' if head != "-1" => {
            let len: usize = head.parse().unwrap();
            (
                Frame::Bulk(bytes[next..next + len].to_vec()),
                next + len + 2,
            )
        }
        kind @ (b'*' | b'%' | b'~' | b'>') if head != "-1" => {
            let mut count: usize = head.parse().unwrap();
            if kind == b'%' {
                count *= 2;
            }
            let mut elements = Vec::with_capacity(count);
            let mut cursor = next;
            for _ in 0..count {
                let (element, after) = parse(bytes, cursor);
                elements.push(element);
                cursor = after;
            }
            (Frame::Aggregate(kind, elements), cursor)
        }
        _ => (Frame::Other(bytes[at..next].to_vec()), next),
    }
}

/// Masks what the clock decides: integers that are Unix times in ms (from 2001 on),
/// the value after a `seen-time` or `idle` name, and the idle time of XPENDING's
/// `[id, consumer, idle, count]` entries.
fn mask(frame: Frame) -> Frame {
    match frame {
        Frame::Int(n) if n >= 1_000_000_000_000 => Frame::Masked,
        Frame::Aggregate(kind, elements) => {
            let pending_entry = elements.len() == 4
                && matches!(
                    elements.as_slice(),
                    [Frame::Bulk(_), Frame::Bulk(_), Frame::Int(_), Frame::Int(_)]
                );
            let mut out = Vec::with_capacity(elements.len());
            let mut clock_next = false;
            for (at, element) in elements.into_iter().enumerate() {
                let clock = clock_next || (pending_entry && at == 2);
                clock_next = matches!(&element, Frame::Bulk(name) if name == b"seen-time" || name == b"idle");
                out.push(if clock { Frame::Masked } else { mask(element) });
            }
            Frame::Aggregate(kind, out)
        }
        other => other,
    }
}

/// A reply with its clock figures masked, for comparing.
fn times_masked(reply: &[u8]) -> Frame {
    let (frame, end) = parse(reply, 0);
    assert_eq!(end, reply.len(), "one frame");
    mask(frame)
}

/// Runs each line of `script` on both servers (split like the `diff` scripts), and
/// compares the replies with clock figures masked.
fn diff_masked(session: &mut DiffSession, script: &str) {
    for line in script.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let argv = support::split_command_line(line).unwrap();
        let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        if argv[0].eq_ignore_ascii_case(b"HELLO") {
            // Its reply holds each server's own connection id.
            session.check(&argv, support::Compare::TypeOnly);
            continue;
        }
        let (redis, kvdb) = session.exchange(&argv);
        assert_eq!(
            times_masked(&redis),
            times_masked(&kvdb),
            "{line}: replies differ beyond the clock (left redis-server, right kvdb)\n{}\n{}",
            support::escape(&redis),
            support::escape(&kvdb)
        );
    }
}

#[test]
fn masking_keeps_all_but_the_clock() {
    let seen = b"*4\r\n$4\r\nname\r\n$1\r\na\r\n$9\r\nseen-time\r\n:5\r\n";
    let other = b"*4\r\n$4\r\nname\r\n$1\r\na\r\n$9\r\nseen-time\r\n:6\r\n";
    assert_eq!(times_masked(seen), times_masked(other));
    let name = b"*4\r\n$4\r\nname\r\n$1\r\nb\r\n$9\r\nseen-time\r\n:6\r\n";
    assert_ne!(times_masked(seen), times_masked(name));
    let pending = b"*4\r\n$3\r\n1-1\r\n$1\r\na\r\n:17\r\n:1\r\n";
    let later = b"*4\r\n$3\r\n1-1\r\n$1\r\na\r\n:19\r\n:1\r\n";
    let twice = b"*4\r\n$3\r\n1-1\r\n$1\r\na\r\n:19\r\n:2\r\n";
    assert_eq!(times_masked(pending), times_masked(later));
    assert_ne!(times_masked(pending), times_masked(twice));
}

// ------------------------------------------------------------------------- XGROUP

#[test]
fn xgroup_create_setid_destroy_and_errors() {
    diff(
        r#"
        XGROUP CREATE s g $
        EXISTS s
        XGROUP CREATE s g $ MKSTREAM
        XGROUP CREATE s g $ MKSTREAM
        TYPE s
        XADD s 5-1 f v
        XGROUP CREATE s g2 0
        XGROUP CREATE s g3 x
        XGROUP CREATE s g3 +
        XGROUP CREATE s g3 -
        XGROUP CREATE s g3 "3\x00junk"
        XGROUP CREATE s g4 5 ENTRIESREAD 3
        XGROUP CREATE s g5 5 ENTRIESREAD -1
        XGROUP CREATE s g6 5 ENTRIESREAD -2
        XGROUP CREATE s g6 5 ENTRIESREAD x
        XGROUP CREATE s g6 5 ENTRIESREAD
        XGROUP CREATE s g6 5 FOO
        XGROUP CREATE s g6 5 MKSTREAM MKSTREAM MKSTREAM MKSTREAM
        XGROUP CREATE nokey g 5 MKSTREAM MKSTREAM MKSTREAM MKSTREAM
        EXISTS nokey
        XGROUP CREATE s g7 $ mkstream entriesread 0
        XGROUP CREATE s ""  $
        XGROUP CREATE s
        XGROUP
        XGROUP FOO
        XGROUP FOO s g
        XGROUP HELP
        XGROUP help x
        XINFO GROUPS s
        XGROUP SETID s g 7
        XGROUP SETID s nog 7
        XGROUP SETID nokey g 7
        XGROUP SETID s g $ ENTRIESREAD 2
        XGROUP SETID s g2 -
        XGROUP SETID s g3 +
        XGROUP SETID s g x
        XGROUP SETID s g 1 MKSTREAM
        XGROUP SETID s g 1 ENTRIESREAD
        XGROUP SETID s g 1 ENTRIESREAD -3
        XGROUP SETID s g 1 ENTRIESREAD 1 ENTRIESREAD 2
        XINFO GROUPS s
        XGROUP DESTROY s g4
        XGROUP DESTROY s g4
        XGROUP DESTROY nokey g
        XGROUP DESTROY s g4 x
        XGROUP CREATECONSUMER s g alice
        XGROUP CREATECONSUMER s g alice
        XGROUP CREATECONSUMER s nog alice
        XGROUP CREATECONSUMER nokey g alice
        XGROUP CREATECONSUMER s g alice x
        XGROUP DELCONSUMER s g alice
        XGROUP DELCONSUMER s g alice
        XGROUP DELCONSUMER s nog alice
        XGROUP DELCONSUMER nokey g alice
        XINFO CONSUMERS s g
        XINFO CONSUMERS s nog
        XINFO CONSUMERS nokey g
        XINFO CONSUMERS s
        XINFO GROUPS nokey
        XINFO GROUPS s x
        XINFO STREAM s
        SET str x
        XGROUP CREATE str g $
        XGROUP CREATE str g $ MKSTREAM
        XGROUP SETID str g $
        XGROUP DESTROY str g
        XGROUP CREATECONSUMER str g c
        XINFO GROUPS str
        XINFO CONSUMERS str g
        !resp3
        XINFO GROUPS s
        "#,
    );
}

#[test]
fn command_info_and_docs_of_the_group_commands() {
    diff(
        r#"
        COMMAND INFO xreadgroup xack xpending xclaim xautoclaim
        COMMAND INFO xgroup|create xgroup|setid xgroup|destroy xgroup|createconsumer
        COMMAND INFO xgroup|delconsumer xgroup|help xinfo|groups xinfo|consumers
        COMMAND DOCS xreadgroup xack xpending xclaim xautoclaim
        COMMAND DOCS xgroup|create xgroup|setid xgroup|destroy xgroup|createconsumer
        COMMAND DOCS xgroup|delconsumer xgroup|help xinfo|groups xinfo|consumers
        COMMAND GETKEYS XREADGROUP GROUP g c COUNT 1 STREAMS a b > >
        COMMAND GETKEYS XGROUP CREATE s g $
        COMMAND GETKEYSANDFLAGS XCLAIM s g c 0 1-1
        "#,
    );
}

// --------------------------------------------------------------------- XREADGROUP

#[test]
fn xreadgroup_new_entries_history_and_acks() {
    diff(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 b 2
        XADD s 3-1 c 3
        XGROUP CREATE s g 0
        XREADGROUP GROUP g alice COUNT 1 STREAMS s >
        XREADGROUP GROUP g bob STREAMS s >
        XREADGROUP GROUP g bob STREAMS s >
        XREADGROUP GROUP g alice STREAMS s 0
        XREADGROUP GROUP g bob STREAMS s 0
        XREADGROUP GROUP g bob COUNT 1 STREAMS s 2-1
        XREADGROUP GROUP g bob STREAMS s 18446744073709551615-18446744073709551615
        XREADGROUP GROUP g nobody STREAMS s 0
        XPENDING s g
        XINFO GROUPS s
        XACK s g 1-1 9-9
        XACK s g 1-1
        XACK s g 2-1 3-1 2-1
        XACK s g x
        XACK s g 1-1 x
        XACK s nog x
        XACK nokey g x
        XPENDING s g
        XADD s 4-1 d 4
        XADD s 5-1 e 5
        XREADGROUP GROUP g carol NOACK STREAMS s >
        XPENDING s g
        XINFO GROUPS s
        XREADGROUP GROUP g dave STREAMS s >
        XADD s 6-1 f 6
        XADD t 1-1 x 1
        XGROUP CREATE t g $
        XREADGROUP GROUP g alice COUNT 5 STREAMS s t > >
        XREADGROUP GROUP g alice STREAMS s t 0 >
        XADD t 2-1 y 2
        XREADGROUP GROUP g alice STREAMS t s > 0
        XDEL s 6-1
        XREADGROUP GROUP g alice STREAMS s 0
        XPENDING s g
        !resp3
        XREADGROUP GROUP g alice STREAMS s t 0 0
        XREADGROUP GROUP g alice STREAMS s >
        "#,
    );
}

#[test]
fn xreadgroup_errors() {
    diff(
        r#"
        XADD s 1-1 a 1
        XGROUP CREATE s g $
        SET str x
        XREADGROUP STREAMS s >
        XREADGROUP COUNT 1 STREAMS s >
        XREADGROUP GROUP g c STREAMS s
        XREADGROUP GROUP g c STREAMS s t >
        XREADGROUP GROUP g STREAMS s >
        XREADGROUP GROUP g c s >
        XREADGROUP GROUP g c STREAMS s $
        XREADGROUP GROUP g c STREAMS s x
        XREADGROUP GROUP g c STREAMS s +
        XREADGROUP GROUP g c STREAMS s -
        XREADGROUP GROUP nog c STREAMS s >
        XREADGROUP GROUP g c STREAMS nokey >
        XREADGROUP GROUP g c STREAMS s nokey > >
        XREADGROUP GROUP g c STREAMS str >
        XREADGROUP GROUP g c STREAMS s str > >
        XREADGROUP GROUP g c COUNT x STREAMS s >
        XREADGROUP GROUP g c COUNT -1 STREAMS s 0
        XREADGROUP GROUP g c BLOCK x STREAMS s >
        XREADGROUP GROUP g c BLOCK -1 STREAMS s >
        XREADGROUP GROUP g c FOO STREAMS s >
        XREADGROUP GROUP g c BLOCK 10 STREAMS s >
        XREADGROUP GROUP g c BLOCK 10 STREAMS s 0
        XREAD GROUP g c STREAMS s >
        XREAD NOACK STREAMS s 0
        MULTI
        XREADGROUP GROUP g c BLOCK 0 STREAMS s >
        XREADGROUP GROUP g c BLOCK 0 STREAMS s 0
        EXEC
        EVAL "return redis.pcall('XREADGROUP','GROUP','g','c','BLOCK','0','STREAMS','s','>')" 1 s
        EVAL "return redis.pcall('xreadgroup','GROUP','g','c','STREAMS','s','0')" 1 s
        EVAL "return redis.pcall('XREADGROUP','GROUP','g','c','STREAMS','s','>')" 1 s
        EVAL_RO "return redis.pcall('XREADGROUP','GROUP','g','c','STREAMS','s','>')" 1 s
        "#,
    );
}

#[test]
fn read_counter_and_lag() {
    diff(
        r#"
        XGROUP CREATE e g $ MKSTREAM
        XINFO GROUPS e
        XADD s 1-1 f v
        XADD s 2-1 f v
        XADD s 3-1 f v
        XADD s 4-1 f v
        XGROUP CREATE s g 0
        XGROUP CREATE s last $
        XGROUP CREATE s counted 0 ENTRIESREAD 10
        XINFO GROUPS s
        XREADGROUP GROUP g c COUNT 1 STREAMS s >
        XINFO GROUPS s
        XDEL s 3-1
        XINFO GROUPS s
        XREADGROUP GROUP g c COUNT 1 STREAMS s >
        XINFO GROUPS s
        XREADGROUP GROUP g c COUNT 1 STREAMS s >
        XINFO GROUPS s
        XGROUP SETID s g 0
        XINFO GROUPS s
        XGROUP SETID s g 2-1 ENTRIESREAD 2
        XINFO GROUPS s
        XTRIM s MAXLEN 1
        XINFO GROUPS s
        XADD s 5-1 f v
        XREADGROUP GROUP counted c STREAMS s >
        XINFO GROUPS s
        XSETID s 9-9 ENTRIESADDED 50 MAXDELETEDID 8-8
        XINFO GROUPS s
        XTRIM s MAXLEN 0
        XINFO GROUPS s
        XINFO STREAM s
        "#,
    );
}

#[test]
fn a_read_of_a_group_is_no_change_watch_sees() {
    diff(
        r#"
        XADD s 1-1 f v
        XGROUP CREATE s g 0
        WATCH s
        XREADGROUP GROUP g c STREAMS s >
        XACK s g 1-1
        XGROUP CREATECONSUMER s g d
        XGROUP SETID s g 0
        XCLAIM s g e 0 1-1 FORCE JUSTID
        XAUTOCLAIM s g f 0 0 JUSTID
        XGROUP DELCONSUMER s g d
        XGROUP DESTROY s g
        MULTI
        PING
        EXEC
        WATCH n
        XGROUP CREATE n g $ MKSTREAM
        MULTI
        PING
        EXEC
        "#,
    );
}

// ------------------------------------------------------------------------ XPENDING

#[test]
fn xpending_summary_and_ranges() {
    let mut session = DiffSession::new();
    session.run(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 b 2
        XADD s 3-1 c 3
        XADD s 4-1 d 4
        XGROUP CREATE s g 0
        XPENDING s g
        XPENDING s g - + 10
        XREADGROUP GROUP g alice COUNT 2 STREAMS s >
        XREADGROUP GROUP g bob STREAMS s >
        XCLAIM s g alice 0 1-1 TIME 1 JUSTID
        XCLAIM s g alice 0 2-1 TIME 2 JUSTID
        XCLAIM s g bob 0 3-1 TIME 3 JUSTID RETRYCOUNT 5
        XPENDING s g
        XPENDING s g IDLE
        XPENDING s g - +
        XPENDING s g - + x
        XPENDING s g x + 10
        XPENDING s g - x 10
        XPENDING s g ( + 10
        XPENDING s g (18446744073709551615-18446744073709551615 + 10
        XPENDING s g - (0-0 10
        XPENDING s g IDLE x - + 10
        XPENDING s g IDLE 10 - +
        XPENDING s g IDLE 10 - + 10 alice x
        XPENDING s g - + 10 alice x y z
        XPENDING s nog
        XPENDING nokey g
        XPENDING nokey g x + 10
        SET str x
        XPENDING str g
        XPENDING str nog - + 1
        "#,
    );
    // 4-1 was delivered just now; the others at fixed times long ago.
    diff_masked(
        &mut session,
        r#"
        XPENDING s g - + 10
        XPENDING s g - + 2
        XPENDING s g - + 0
        XPENDING s g - + -1
        XPENDING s g 2 3 10
        XPENDING s g (1-1 (4-1 10
        XPENDING s g 4 1 10
        XPENDING s g - + 10 alice
        XPENDING s g - + 10 bob
        XPENDING s g - + 10 nobody
        XPENDING s g IDLE 3600000 - + 10
        XPENDING s g IDLE 3600000 - + 1 bob
        XPENDING s g IDLE -5 - + 10
        XPENDING s g idle 0 - + 10 alice
        "#,
    );
}

// --------------------------------------------------------------- XCLAIM, XAUTOCLAIM

#[test]
fn xclaim_options_and_errors() {
    let mut session = DiffSession::new();
    session.run(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 b 2
        XADD s 3-1 c 3
        XADD s 4-1 d 4
        XGROUP CREATE s g 0
        XREADGROUP GROUP g alice STREAMS s >
        XCLAIM s g bob 0 1-1 TIME 10
        XCLAIM s g bob 0 2-1 JUSTID TIME 20 RETRYCOUNT 7
        XCLAIM s g bob 3600000 3-1 TIME 30
        XCLAIM s g bob 0 9-9 FORCE
        XDEL s 4-1
        XCLAIM s g bob 0 4-1 JUSTID
        XCLAIM s g carol 0 3-1 2-1 FORCE JUSTID TIME 30
        XADD s 5-1 e 5
        XCLAIM s g dave 0 5-1 FORCE TIME 50
        XCLAIM s g dave 0 5-1 JUSTID TIME 50 LASTID 9-0
        XCLAIM s g dave 0 5-1 JUSTID TIME 50 RETRYCOUNT -1
        XCLAIM s g dave 0 5-1 TIME 50 RETRYCOUNT 0
        XCLAIM s g erin 0 5-1 1-1 TIME 99999999999999999
        XCLAIM s g erin 0 5-1 TIME -1 IDLE 5
        XCLAIM s g erin -5 JUSTID LASTID 7-0
        XINFO GROUPS s
        XCLAIM s g erin 0 JUSTID LASTID 12-0
        XINFO GROUPS s
        XCLAIM s g erin 0 1-1 JUSTID 2-1
        XCLAIM s g erin 0 1-1 FOO
        XCLAIM s g erin 0 1-1 "F\r\nOO"
        XCLAIM s g erin 0 1-1 IDLE
        XCLAIM s g erin 0 1-1 IDLE x
        XCLAIM s g erin 0 1-1 TIME x
        XCLAIM s g erin 0 1-1 RETRYCOUNT x
        XCLAIM s g erin 0 1-1 LASTID x
        XCLAIM s g erin x 1-1
        XCLAIM s nog erin x 1-1
        XCLAIM nokey g erin x 1-1
        XCLAIM s g erin 0 + JUSTID
        SET str x
        XCLAIM str g erin 0 1-1
        XCLAIM s g erin
        "#,
    );
    diff_masked(
        &mut session,
        r#"
        XPENDING s g - + 10
        XINFO CONSUMERS s g
        XINFO STREAM s FULL
        "#,
    );
}

#[test]
fn xautoclaim_pages_and_reports_deleted_entries() {
    let mut session = DiffSession::new();
    session.run(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 b 2
        XADD s 3-1 c 3
        XADD s 4-1 d 4
        XADD s 5-1 e 5
        XGROUP CREATE s g 0
        XREADGROUP GROUP g alice STREAMS s >
        XDEL s 2-1 3-1
        XAUTOCLAIM s g bob 3600000 0
        XAUTOCLAIM s g bob 0 0 COUNT 1
        XAUTOCLAIM s g bob 0 0 COUNT 2
        XAUTOCLAIM s g bob 0 (1-1 COUNT 1 JUSTID
        XAUTOCLAIM s g carol 0 - JUSTID
        XAUTOCLAIM s g carol 0 5-1
        XAUTOCLAIM s g carol 0 (5-1
        XAUTOCLAIM s g carol 0 (18446744073709551615-18446744073709551615
        XAUTOCLAIM s g carol 0 0 COUNT 0
        XAUTOCLAIM s g carol 0 0 COUNT -1
        XAUTOCLAIM s g carol 0 0 COUNT x
        XAUTOCLAIM s g carol 0 0 COUNT 576460752303423487 JUSTID
        XAUTOCLAIM s g carol 0 0 COUNT 1000000000 JUSTID
        XAUTOCLAIM s g carol 0 0 COUNT 576460752303423488
        XAUTOCLAIM s g carol 0 0 COUNT
        XAUTOCLAIM s g carol 0 0 FOO
        XAUTOCLAIM s g carol x 0
        XAUTOCLAIM s g carol 0 x
        XAUTOCLAIM s nog carol 0 0
        XAUTOCLAIM nokey g carol 0 0
        XAUTOCLAIM nokey g carol x 0
        SET str x
        XAUTOCLAIM str g carol 0 0
        !resp3
        XAUTOCLAIM s g dave 0 0
        "#,
    );
    diff_masked(
        &mut session,
        r#"
        XPENDING s g - + 10
        XINFO CONSUMERS s g
        "#,
    );
}

#[test]
fn xautoclaim_gives_up_after_ten_attempts_per_count() {
    let mut session = DiffSession::new();
    let mut script = String::new();
    for n in 1..=30 {
        script.push_str(&format!("XADD s {n}-1 f v\n"));
    }
    script.push_str("XGROUP CREATE s g 0\nXREADGROUP GROUP g alice STREAMS s >\n");
    script.push_str("XCLAIM s g alice 0 25-1 TIME 1 JUSTID\n");
    script.push_str("XAUTOCLAIM s g bob 3600000 0 COUNT 2 JUSTID\n");
    script.push_str("XAUTOCLAIM s g bob 3600000 21-1 COUNT 1 JUSTID\n");
    script.push_str("XAUTOCLAIM s g bob 3600000 (22-1 COUNT 1 JUSTID\n");
    session.run(&script);
}

// --------------------------------------------------------------------------- XINFO

#[test]
fn xinfo_stream_full_with_groups() {
    let mut session = DiffSession::new();
    session.run(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 b 2
        XADD s 3-1 c 3
        XGROUP CREATE s g1 0
        XGROUP CREATE s g2 $
        XREADGROUP GROUP g1 alice COUNT 2 STREAMS s >
        XREADGROUP GROUP g1 bob STREAMS s >
        XCLAIM s g1 alice 0 1-1 2-1 TIME 100 JUSTID
        XCLAIM s g1 bob 0 3-1 TIME 200 RETRYCOUNT 4 JUSTID
        XINFO STREAM s
        "#,
    );
    diff_masked(
        &mut session,
        r#"
        XINFO STREAM s FULL
        XINFO STREAM s FULL COUNT 1
        XINFO STREAM s FULL COUNT 0
        XINFO CONSUMERS s g1
        XINFO CONSUMERS s g2
        XGROUP CREATECONSUMER s g2 carol
        XINFO CONSUMERS s g2
        XINFO STREAM s FULL
        HELLO 3
        XINFO STREAM s FULL
        XINFO CONSUMERS s g1
        XINFO GROUPS s
        HELLO 2
        "#,
    );
}

// ------------------------------------------------------------------ blocked readers

#[test]
fn blocked_xreadgroups_are_served_in_order_and_share_the_group() {
    differential(|server, db| {
        let mut first = connect(server, db);
        let mut second = connect(server, db);
        let mut noack = connect(server, db);
        let mut writer = connect(server, db);
        let mut replies = vec![
            writer.command(&[b"XGROUP", b"CREATE", b"s", b"g", b"$", b"MKSTREAM"]),
            writer.command(&[b"XGROUP", b"CREATE", b"s", b"other", b"$"]),
        ];
        send(
            &mut first,
            &[
                b"XREADGROUP",
                b"GROUP",
                b"g",
                b"alice",
                b"BLOCK",
                b"0",
                b"STREAMS",
                b"s",
                b">",
            ],
        );
        await_blocked(&mut writer, 1);
        send(
            &mut second,
            &[
                b"XREADGROUP",
                b"GROUP",
                b"g",
                b"bob",
                b"COUNT",
                b"1",
                b"BLOCK",
                b"0",
                b"STREAMS",
                b"nokey",
                b"s",
                b">",
                b">",
            ],
        );
        // nokey has no group: refused at once.
        replies.push(second.read_reply());
        send(
            &mut second,
            &[
                b"XREADGROUP",
                b"GROUP",
                b"g",
                b"bob",
                b"COUNT",
                b"1",
                b"BLOCK",
                b"0",
                b"STREAMS",
                b"s",
                b">",
            ],
        );
        await_blocked(&mut writer, 2);
        send(
            &mut noack,
            &[
                b"XREADGROUP",
                b"GROUP",
                b"other",
                b"carol",
                b"NOACK",
                b"BLOCK",
                b"0",
                b"STREAMS",
                b"s",
                b">",
            ],
        );
        await_blocked(&mut writer, 3);
        replies.push(writer.command(&[b"MULTI"]));
        replies.push(writer.command(&[b"XADD", b"s", b"1-1", b"a", b"1"]));
        replies.push(writer.command(&[b"XADD", b"s", b"2-1", b"b", b"2"]));
        replies.push(writer.command(&[b"EXEC"]));
        replies.push(first.read_reply());
        replies.push(noack.read_reply());
        // The first reader took both entries: bob waits for the next one.
        replies.push(writer.command(&[b"XADD", b"s", b"3-1", b"c", b"3"]));
        replies.push(second.read_reply());
        replies.push(writer.command(&[b"XPENDING", b"s", b"g"]));
        replies.push(writer.command(&[b"XPENDING", b"s", b"other"]));
        replies.push(writer.command(&[b"XINFO", b"GROUPS", b"s"]));
        replies
    });
}

#[test]
fn blocked_xreadgroups_learn_their_group_or_stream_is_gone() {
    differential(|server, db| {
        let mut reader = connect(server, db);
        let mut writer = connect(server, db);
        let block = |reader: &mut support::RawConn| {
            send(
                reader,
                &[
                    b"XREADGROUP",
                    b"GROUP",
                    b"g",
                    b"c",
                    b"BLOCK",
                    b"0",
                    b"STREAMS",
                    b"s",
                    b">",
                ],
            );
        };
        let create: &[&[u8]] = &[b"XGROUP", b"CREATE", b"s", b"g", b"$", b"MKSTREAM"];
        let mut replies = vec![writer.command(create)];
        block(&mut reader);
        await_blocked(&mut writer, 1);
        replies.push(writer.command(&[b"XGROUP", b"DESTROY", b"s", b"g"]));
        replies.push(reader.read_reply());

        replies.push(writer.command(create));
        block(&mut reader);
        await_blocked(&mut writer, 1);
        replies.push(writer.command(&[b"DEL", b"s"]));
        replies.push(reader.read_reply());

        replies.push(writer.command(create));
        block(&mut reader);
        await_blocked(&mut writer, 1);
        replies.push(writer.command(&[b"SET", b"s", b"x"]));
        replies.push(reader.read_reply());

        replies.push(writer.command(&[b"DEL", b"s"]));
        replies.push(writer.command(create));
        block(&mut reader);
        await_blocked(&mut writer, 1);
        replies.push(writer.command(&[b"MULTI"]));
        replies.push(writer.command(&[b"DEL", b"s"]));
        replies.push(writer.command(&[b"XADD", b"s", b"1-1", b"f", b"v"]));
        replies.push(writer.command(&[b"EXEC"]));
        replies.push(reader.read_reply());

        // A stream renamed over it, with the group: served.
        replies.push(writer.command(&[b"DEL", b"s"]));
        replies.push(writer.command(create));
        block(&mut reader);
        await_blocked(&mut writer, 1);
        replies.push(writer.command(&[b"XGROUP", b"CREATE", b"t", b"g", b"$", b"MKSTREAM"]));
        replies.push(writer.command(&[b"XADD", b"t", b"5-1", b"f", b"v"]));
        replies.push(writer.command(&[b"RENAME", b"t", b"s"]));
        replies.push(reader.read_reply());

        // Timed out: a null array, and nothing pending.
        replies.push(reader.command(&[
            b"XREADGROUP",
            b"GROUP",
            b"g",
            b"c",
            b"BLOCK",
            b"20",
            b"STREAMS",
            b"s",
            b">",
        ]));
        replies.push(writer.command(&[b"XPENDING", b"s", b"g"]));
        replies
    });
}

#[test]
fn flushing_the_database_unblocks_group_readers() {
    differential(|server, db| {
        let mut reader = connect(server, db);
        let mut writer = connect(server, db);
        let mut replies =
            vec![writer.command(&[b"XGROUP", b"CREATE", b"s", b"g", b"$", b"MKSTREAM"])];
        send(
            &mut reader,
            &[
                b"XREADGROUP",
                b"GROUP",
                b"g",
                b"c",
                b"BLOCK",
                b"0",
                b"STREAMS",
                b"s",
                b">",
            ],
        );
        await_blocked(&mut writer, 1);
        replies.push(writer.command(&[b"FLUSHDB"]));
        replies.push(reader.read_reply());
        replies
    });
}

// ----------------------------------------------------------- DUMP, RESTORE, RELOAD

/// The bulk payload of a `DUMP` reply.
fn payload(reply: &[u8]) -> Vec<u8> {
    match parse(reply, 0).0 {
        Frame::Bulk(bytes) => bytes,
        other => panic!("DUMP answered {other:?}"),
    }
}

#[test]
fn dump_bytes_of_streams_with_groups() {
    let mut session = DiffSession::new();
    session.run(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 b 2
        XADD s 3-1 c 3
        XADD s 4-1 d 4
        XDEL s 4-1
        XGROUP CREATE s g1 0
        XGROUP CREATE s "a group with a rather long name, long enough to compress" $
        XGROUP CREATE s g0 0 ENTRIESREAD 2
        XREADGROUP GROUP g1 alice COUNT 2 STREAMS s >
        XREADGROUP GROUP g1 bob STREAMS s >
        XCLAIM s g1 alice 0 1-1 2-1 TIME 100 JUSTID
        XCLAIM s g1 bob 0 3-1 TIME 200 RETRYCOUNT 40000 JUSTID
        XGROUP SETID s g0 2-1
        DEBUG DIGEST-VALUE s
        "#,
    );
    // Consumers' seen times come from each server's clock: each server's bytes are
    // checked by the other, as what it dumps once it restores them.
    let (redis_dump, kvdb_dump) = session.exchange(&[b"DUMP", b"s"]);
    assert_eq!(redis_dump.len(), kvdb_dump.len(), "same layout");
    for (name, dumped) in [("redis", redis_dump), ("kvdb", kvdb_dump)] {
        let bytes = payload(&dumped);
        session.check(
            &[b"RESTORE", b"copy", b"0", &bytes, b"REPLACE"],
            support::Compare::Exact,
        );
        let (redis_again, kvdb_again) = session.exchange(&[b"DUMP", b"copy"]);
        assert_eq!(redis_again, dumped, "redis-server re-dumps {name}'s bytes");
        assert_eq!(kvdb_again, dumped, "kvdb re-dumps {name}'s bytes");
        session.run(
            r#"
            XINFO STREAM copy FULL
            XINFO GROUPS copy
            DEBUG DIGEST-VALUE copy
            "#,
        );
    }
}

#[test]
fn restore_refuses_broken_groups() {
    let mut session = DiffSession::new();
    session.run(
        r#"
        XADD s 1-1 a 1
        XGROUP CREATE s g 0
        XREADGROUP GROUP g alice STREAMS s >
        "#,
    );
    let (dumped, _) = session.exchange(&[b"DUMP", b"s"]);
    let good = payload(&dumped);
    session.check(&[b"RESTORE", b"copy", b"0", &good], support::Compare::Exact);
    // Cut anywhere inside the groups, the payload is refused by both.
    for cut in [good.len() - 11, good.len() - 20, good.len() - 30] {
        let mut broken = good[..cut].to_vec();
        broken.extend_from_slice(&good[good.len() - 10..]);
        session.check(
            &[b"RESTORE", b"broken", b"0", &broken],
            support::Compare::TypeOnly,
        );
    }
    session.run("EXISTS broken");
}

#[test]
fn groups_survive_a_reload_and_a_copy() {
    diff_exclusive(
        r#"
        XADD s 1-1 a 1
        XADD s 2-1 b 2
        XGROUP CREATE s g 0
        XGROUP CREATE s h $ ENTRIESREAD 7
        XREADGROUP GROUP g alice STREAMS s >
        XCLAIM s g alice 0 1-1 2-1 TIME 1000 JUSTID
        XGROUP DELCONSUMER s g nobody
        COPY s c
        XACK c g 1-1
        XPENDING s g
        XPENDING c g
        DEBUG DIGEST-VALUE s c
        DEBUG RELOAD
        XPENDING s g
        XPENDING c g
        XINFO GROUPS s
        XINFO GROUPS c
        DEBUG DIGEST-VALUE s c
        FLUSHALL
        "#,
    );
}

#[test]
fn swapping_databases_unblocks_group_readers_whose_stream_goes() {
    differential(|server, db| {
        let other = if db == 15 { 14 } else { db + 1 };
        let (db_arg, other_arg) = (db.to_string(), other.to_string());
        let mut reader = connect(server, db);
        let mut writer = connect(server, db);
        let read: &[&[u8]] = &[
            b"XREADGROUP",
            b"GROUP",
            b"g",
            b"c",
            b"BLOCK",
            b"0",
            b"STREAMS",
            b"s",
            b">",
        ];
        let swap: &[&[u8]] = &[b"SWAPDB", db_arg.as_bytes(), other_arg.as_bytes()];
        let mut replies = vec![
            writer.command(&[b"XGROUP", b"CREATE", b"s", b"g", b"$", b"MKSTREAM"]),
            writer.command(&[b"SELECT", other_arg.as_bytes()]),
            writer.command(&[b"FLUSHDB"]),
            writer.command(&[b"SELECT", db_arg.as_bytes()]),
        ];
        // The other database has no such key: the reader's stream is gone.
        send(&mut reader, read);
        await_blocked(&mut writer, 1);
        replies.push(writer.command(swap));
        replies.push(reader.read_reply());
        // Back, and the other database now has a stream with the group and news.
        replies.push(writer.command(swap));
        replies.push(writer.command(&[b"SELECT", other_arg.as_bytes()]));
        replies.push(writer.command(&[b"XGROUP", b"CREATE", b"s", b"g", b"$", b"MKSTREAM"]));
        replies.push(writer.command(&[b"XADD", b"s", b"7-1", b"f", b"v"]));
        replies.push(writer.command(&[b"SELECT", db_arg.as_bytes()]));
        send(&mut reader, read);
        await_blocked(&mut writer, 1);
        replies.push(writer.command(swap));
        replies.push(reader.read_reply());
        replies.push(writer.command(&[b"SELECT", other_arg.as_bytes()]));
        replies.push(writer.command(&[b"FLUSHDB"]));
        replies
    });
}
