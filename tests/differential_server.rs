//! The server surface against redis-server 7.0: CLIENT REPLY, WAIT without replicas,
//! ROLE and LATENCY with the monitor off.

mod support;

use support::{connect, diff, differential, encode_command};

#[test]
fn role_wait_and_latency() {
    diff(
        r#"
        ROLE
        WAIT 0 0
        WAIT 0 100
        WAIT 1 10
        WAIT x 0
        WAIT 1 x
        WAIT 1 -1
        WAIT -1 0
        LATENCY LATEST
        LATENCY HISTORY command
        LATENCY RESET
        LATENCY RESET command fork
        LATENCY NOSUCH
        LATENCY HISTORY
        MULTI
        WAIT 5 0
        EXEC
        "#,
    );
}

#[test]
fn client_reply_off_skip_and_on() {
    differential(|server, db| {
        let mut conn = connect(server, db);
        let mut pipeline = Vec::new();
        for argv in [
            &[&b"CLIENT"[..], b"REPLY", b"OFF"][..],
            &[b"SET", b"k", b"1"],
            &[b"GET", b"k"],
            &[b"CLIENT", b"REPLY", b"SKIP"],
            &[b"CLIENT", b"REPLY", b"ON"],
            &[b"INCR", b"k"],
            &[b"CLIENT", b"REPLY", b"SKIP"],
            &[b"INCR", b"k"],
            &[b"GET", b"k"],
            &[b"CLIENT", b"REPLY", b"MAYBE"],
        ] {
            pipeline.extend(encode_command(argv));
        }
        conn.send_raw(&pipeline);
        (0..4).map(|_| conn.read_reply()).collect()
    });
}
