//! The server surface against redis-server 7.0: CLIENT REPLY, WAIT without replicas,
//! ROLE, the replication handshake's errors, and LATENCY with the monitor off and on,
//! and its histograms.

mod support;

use support::{
    connect, diff, differential, encode_command, numbers_masked, slowlog_arguments, DiffSession,
};

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

/// What a client that is not (yet) a replica gets from the replication handshake.
#[test]
fn replconf_and_sync_errors() {
    diff(
        r#"
        REPLCONF
        REPLCONF listening-port
        REPLCONF listening-port 6380
        REPLCONF listening-port x
        REPLCONF ip-address 10.0.0.1 capa eof capa psync2 capa whatever
        REPLCONF nosuch 1
        REPLCONF rdb-only 2
        REPLCONF rdb-only x
        REPLCONF rdb-only 0
        REPLCONF rdb-filter-only "functions keys"
        REPLCONF rdb-filter-only ""
        PSYNC
        PSYNC ? -1 failover
        PSYNC ? x
        SYNC extra
        MULTI
        SYNC
        PSYNC ? -1
        EXEC
        "#,
    );
}

/// CONFIG SET port and bind move a server's listeners while it runs: a port in use
/// is refused and nothing changes; a free one takes over, the old port closes, and
/// the connections accepted before stay, on both servers alike.
#[test]
fn config_set_port_moves_the_listener() {
    let occupied = std::net::TcpListener::bind("127.0.0.1:0").expect("a port to occupy");
    let occupied_port = occupied
        .local_addr()
        .expect("its address")
        .port()
        .to_string();
    let args = ["--bind", "127.0.0.1"];
    let servers = [
        support::ServerProcess::redis_with_args(&args),
        support::ServerProcess::kvdb_with_args(&args),
    ];
    let mut answers = Vec::new();
    for server in &servers {
        let mut conn = server.connect();
        let port = server.addr().port().to_string();
        let mut out = vec![conn.command(&[b"CONFIG", b"SET", b"port", occupied_port.as_bytes()])];
        let kept = conn.command(&[b"CONFIG", b"GET", b"port"]);
        out.push((kept == encode_config_port(&port)).to_string().into_bytes());
        let new_port = support::free_port();
        out.push(conn.command(&[b"CONFIG", b"SET", b"port", new_port.to_string().as_bytes()]));
        // The connection that asked stays; new ones go to the new port.
        out.push(conn.command(&[b"PING"]));
        let moved = std::net::SocketAddr::from(([127, 0, 0, 1], new_port));
        out.push(support::RawConn::connect(moved).command(&[b"PING"]));
        let old = std::net::TcpStream::connect(server.addr());
        out.push(old.is_err().to_string().into_bytes());
        out.push(conn.command(&[b"CONFIG", b"SET", b"bind", b"127.0.0.1 -::1"]));
        out.push(support::RawConn::connect(moved).command(&[b"PING"]));
        answers.push(out);
    }
    assert_eq!(answers[0], answers[1], "left redis-server, right kvdb");
    drop(occupied);
}

/// CONFIG GET port's reply for `port`.
fn encode_config_port(port: &str) -> Vec<u8> {
    format!("*2\r\n$4\r\nport\r\n${}\r\n{port}\r\n", port.len()).into_bytes()
}

#[test]
fn cluster_commands_without_cluster_support() {
    diff(
        r#"
        CLUSTER HELP
        CLUSTER INFO
        CLUSTER KEYSLOT foo
        CLUSTER NOSUCH
        CLUSTER
        CLUSTER INFO extra
        READONLY
        READWRITE
        ASKING
        EVAL "return redis.call('cluster', 'reset')" 0
        EVAL "return redis.pcall('cluster', 'info')" 0
        ~~ COMMAND INFO cluster readonly readwrite asking
        COMMAND DOCS asking cluster|reset
        "#,
    );
}

#[test]
fn module_commands_without_modules() {
    diff(
        r#"
        MODULE HELP
        MODULE LIST
        MODULE LIST extra
        MODULE LOAD /nonexistent/module.so
        MODULE LOADEX /nonexistent/module.so CONFIG a b ARGS c
        MODULE UNLOAD nosuch
        MODULE NOSUCH
        MODULE
        MODULE LOAD
        EVAL "return redis.pcall('module', 'list')" 0
        ~~ COMMAND INFO module
        COMMAND DOCS module|list module|unload
        COMMAND HELP
        COMMAND HELP extra
        "#,
    );
}

#[test]
fn lolwut_answers_with_the_version_or_random_art_of_redis_s_shape() {
    diff(
        r#"
        LOLWUT
        LOLWUT 10 20
        LOLWUT VERSION 7
        LOLWUT VERSION 4
        LOLWUT VERSION -1
        LOLWUT VERSION abc
        LOLWUT VERSION 5 abc
        LOLWUT VERSION 6 10 x
        ~~ COMMAND INFO lolwut
        "#,
    );
    // The drawings are random on both servers: their lines, widths and footers match.
    let mut session = DiffSession::exclusive();
    // Per line of the bulk's text: its pixels (Braille characters, or coloured cells
    // for version 6, whose escape codes vary in length), and the credit lines whole.
    let shape = |reply: &[u8]| -> Vec<(usize, String)> {
        let text = String::from_utf8_lossy(reply).into_owned();
        let body = text.split_once("\r\n").map_or("", |(_, body)| body);
        let lines: Vec<&str> = body.trim_end_matches("\r\n").split('\n').collect();
        let footer = |line: &str| line.contains("Redis ver.") || line.starts_with("Dedicated");
        lines
            .iter()
            .map(|line| {
                let pixels = match line.contains('\u{1b}') {
                    true => line.matches("\u{1b}[0m").count(),
                    false => line.chars().count(),
                };
                let kept = if footer(line) {
                    line.to_string()
                } else {
                    String::new()
                };
                (pixels, kept)
            })
            .collect()
    };
    for argv in [
        &[&b"LOLWUT"[..], b"VERSION", b"5", b"20", b"4", b"3"][..],
        &[b"LOLWUT", b"VERSION", b"6", b"30", b"8"],
    ] {
        let (redis, kvdb) = session.exchange(argv);
        assert_eq!(shape(&redis), shape(&kvdb), "{argv:?}");
    }
}

#[test]
fn latency_monitor_samples_and_histograms() {
    let mut session = DiffSession::exclusive();
    // Figures are each server's own: only their shape and the events must match.
    let masked = |session: &mut DiffSession, argv: &[&[u8]]| {
        let (redis, kvdb) = session.exchange(argv);
        assert_eq!(
            numbers_masked(&redis),
            numbers_masked(&kvdb),
            "{:?} (left redis-server, right kvdb)",
            String::from_utf8_lossy(&argv.join(&b' '))
        );
    };
    session.run(
        r#"
        LATENCY RESET
        LATENCY DOCTOR
        CONFIG SET latency-monitor-threshold 100
        LATENCY DOCTOR
        DEBUG SLEEP 0.15
        "#,
    );
    masked(&mut session, &[b"LATENCY", b"LATEST"]);
    // The report's text with its figures (sleep times, counts) masked.
    let (redis, kvdb) = session.exchange(&[b"LATENCY", b"DOCTOR"]);
    let digits_masked = |reply: &[u8]| -> String {
        let text = String::from_utf8_lossy(reply);
        let body = text.split_once("\r\n").map_or("", |(_, body)| body);
        let mut out = String::new();
        for c in body.chars() {
            if !c.is_ascii_digit() {
                out.push(c);
            } else if !out.ends_with('#') {
                out.push('#');
            }
        }
        out
    };
    assert_eq!(
        digits_masked(&redis),
        digits_masked(&kvdb),
        "LATENCY DOCTOR"
    );
    masked(&mut session, &[b"LATENCY", b"HISTORY", b"command"]);
    // The sparkline of that one sample, labelled with its age, figures masked.
    let (redis, kvdb) = session.exchange(&[b"LATENCY", b"GRAPH", b"command"]);
    assert_eq!(digits_masked(&redis), digits_masked(&kvdb), "LATENCY GRAPH");
    session.run(
        r#"
        LATENCY GRAPH nosuch
        LATENCY GRAPH
        LATENCY HELP
        LATENCY HISTORY fast-command
        LATENCY RESET nosuch
        LATENCY RESET
        LATENCY LATEST
        CONFIG SET latency-monitor-threshold 0
        CONFIG RESETSTAT
        SET a b
        GET a
        LATENCY HISTOGRAM nosuch
        LATENCY HISTOGRAM nosuch other
        LATENCY HELP extra
        "#,
    );
    masked(
        &mut session,
        &[b"LATENCY", b"HISTOGRAM", b"set", b"nosuch", b"get"],
    );
    session.run("? CLIENT ID");
    masked(&mut session, &[b"LATENCY", b"HISTOGRAM", b"client"]);
    masked(&mut session, &[b"LATENCY", b"HISTOGRAM", b"CLIENT|ID"]);
    session.run("!resp3");
    masked(&mut session, &[b"LATENCY", b"HISTOGRAM", b"set"]);
    session.run("!resp2");
    // INFO latencystats: a line per command, at the configured percentiles.
    session.run(
        r#"
        CONFIG SET latency-tracking-info-percentiles "50 99.9 0"
        CONFIG RESETSTAT
        SET a b
        "#,
    );
    let (redis, kvdb) = session.exchange(&[b"INFO", b"latencystats"]);
    // Each line with its figures masked: `p50=#,p99.9=#,p0=#`.
    let lines = |reply: &[u8]| {
        let text = String::from_utf8_lossy(reply).into_owned();
        let mut lines: Vec<String> = text
            .lines()
            .filter(|line| line.starts_with("latency_percentiles"))
            .map(|line| {
                let (name, values) = line.split_once(':').unwrap_or((line, ""));
                let masked: Vec<String> = values
                    .split(',')
                    .map(|pair| format!("{}=#", pair.split('=').next().unwrap_or("")))
                    .collect();
                format!("{name}:{}", masked.join(","))
            })
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(lines(&redis), lines(&kvdb), "INFO latencystats");
    assert_eq!(lines(&kvdb).len(), 2, "{kvdb:?}");
    session.run(
        r#"
        CONFIG SET latency-tracking-info-percentiles "50 99 99.9"
        LATENCY RESET
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
            // ON right after SKIP lifts the skip and is answered itself.
            &[b"CLIENT", b"REPLY", b"SKIP"],
            &[b"CLIENT", b"REPLY", b"ON"],
            &[b"PING"],
        ] {
            pipeline.extend(encode_command(argv));
        }
        conn.send_raw(&pipeline);
        (0..6).map(|_| conn.read_reply()).collect()
    });
}

#[test]
fn client_list_flags_and_client_kill() {
    differential(|server, db| {
        let mut admin = connect(server, db);
        let mut subscriber = connect(server, db);
        let mut victim = connect(server, db);
        let mut replies = Vec::new();
        subscriber.send_raw(&encode_command(&[b"SUBSCRIBE", b"a", b"b"]));
        replies.push(subscriber.read_reply());
        replies.push(subscriber.read_reply());
        let victim_id = victim.command(&[b"CLIENT", b"ID"]);
        let victim_id = String::from_utf8_lossy(&victim_id[1..victim_id.len() - 2]).into_owned();
        victim.command(&[b"MULTI"]);
        victim.command(&[b"PING"]);
        let list = String::from_utf8_lossy(&admin.command(&[b"CLIENT", b"LIST"])).into_owned();
        let fields = |line: &str| {
            line.split(' ')
                .filter(|field| {
                    ["flags=", "sub=", "psub=", "ssub=", "multi="]
                        .iter()
                        .any(|name| field.starts_with(name))
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut shown: Vec<String> = list.lines().skip(1).map(fields).collect();
        shown.sort();
        replies.push(shown.join("|").into_bytes());
        replies.push(admin.command(&[b"CLIENT", b"KILL", b"TYPE", b"pubsub"]));
        replies.push(admin.command(&[b"CLIENT", b"KILL", b"TYPE", b"master"]));
        replies.push(admin.command(&[b"CLIENT", b"KILL", b"ID", victim_id.as_bytes()]));
        replies.push(admin.command(&[b"CLIENT", b"KILL", b"ID", b"0"]));
        replies.push(admin.command(&[b"CLIENT", b"KILL", b"TYPE", b"nosuch"]));
        replies.push(admin.command(&[b"CLIENT", b"KILL", b"USER", b"nobody"]));
        replies.push(admin.command(&[b"CLIENT", b"KILL", b"ID"]));
        replies.push(admin.command(&[b"CLIENT", b"KILL", b"1.2.3.4:5"]));
        replies.push(admin.command(&[b"CLIENT", b"KILL", b"SKIPME", b"maybe"]));
        replies.push(admin.command(&[b"CLIENT", b"NO-EVICT", b"on"]));
        replies.push(admin.command(&[b"CLIENT", b"NO-EVICT", b"maybe"]));
        replies.push(admin.command(&[b"CLIENT", b"GETREDIR"]));
        replies.push(admin.command(&[b"CLIENT", b"TRACKINGINFO"]));
        let victim_gone = victim.try_command(&[b"PING"]).is_err();
        let subscriber_gone = subscriber.try_read_reply().is_err();
        replies.push(format!("{victim_gone} {subscriber_gone}").into_bytes());
        replies
    });
}

#[test]
fn slowlog_records_what_passes_the_threshold() {
    differential(|server, db| {
        let mut conn = connect(server, db);
        let mut replies = vec![
            conn.command(&[b"CONFIG", b"SET", b"slowlog-log-slower-than", b"0"]),
            conn.command(&[b"SLOWLOG", b"RESET"]),
            conn.command(&[b"SET", b"k", &[b'x'; 200]]),
            conn.command(&[b"SLOWLOG", b"LEN"]),
        ];
        // Ids, times, durations and the client's port differ between servers: compare
        // the arguments of the newest entries.
        let log = conn.command(&[b"SLOWLOG", b"GET", b"2"]);
        let text = String::from_utf8_lossy(&log).into_owned();
        replies.push(text.contains("more bytes").to_string().into_bytes());
        replies.push(
            text.contains("$5\r\nSLOWLOG\r\n$3\r\nLEN")
                .to_string()
                .into_bytes(),
        );
        replies.push(conn.command(&[b"SLOWLOG", b"GET", b"-2"]));
        replies.push(conn.command(&[b"SLOWLOG", b"GET", b"x"]));
        replies.push(conn.command(&[b"SLOWLOG", b"NOSUCH"]));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"slowlog-log-slower-than", b"-1"]));
        replies.push(conn.command(&[b"SLOWLOG", b"RESET"]));
        replies.push(conn.command(&[b"GET", b"k"])[..5].to_vec());
        replies.push(conn.command(&[b"SLOWLOG", b"LEN"]));
        replies.push(conn.command(&[b"CONFIG", b"SET", b"slowlog-log-slower-than", b"10000"]));
        replies
    });
}

/// A MONITOR line without what differs between servers (the timestamp and the
/// client's address): the database and the arguments.
fn monitor_line_shown(reply: &[u8]) -> Vec<u8> {
    let line = String::from_utf8_lossy(reply).into_owned();
    let db_and_args = line.split_once(" [").map(|(_, rest)| rest.to_string());
    db_and_args
        .map(|rest| {
            let (db, args) = rest.split_once("] ").unwrap_or(("", ""));
            format!("{} {}", db.split(' ').next().unwrap_or(""), args)
        })
        .unwrap_or(line)
        .into_bytes()
}

#[test]
fn passwords_are_redacted_in_monitor_and_the_slowlog() {
    differential(|server, db| {
        let mut monitor = connect(server, db);
        let mut client = connect(server, db);
        let mut replies = vec![
            monitor.command(&[b"MONITOR"]),
            client.command(&[b"CONFIG", b"SET", b"slowlog-log-slower-than", b"0"]),
            client.command(&[b"SLOWLOG", b"RESET"]),
            client.command(&[b"AUTH", b"not-real"]),
            client.command(&[b"AUTH", b"someone", b"not-a-password"]),
            client.command(&[b"AUTH", b"a", b"b", b"c"]),
            client.command(&[b"HELLO", b"2", b"AUTH", b"someone", b"not-a-password"]),
            client.command(&[
                b"CONFIG",
                b"SET",
                b"masterauth",
                b"",
                b"maxmemory-samples",
                b"5",
            ]),
            client.command(&[b"CONFIG", b"SET", b"masteruser", b"x", b"nosuch", b"y"]),
            client.command(&[b"CONFIG", b"SET", b"slowlog-log-slower-than", b"10000"]),
        ];
        // CONFIG and SLOWLOG are admin commands, which MONITOR never shows.
        for _ in 0..4 {
            replies.push(monitor_line_shown(&monitor.read_reply()));
        }
        replies.push(slowlog_arguments(
            &client.command(&[b"SLOWLOG", b"GET", b"10"]),
        ));
        replies.push(client.command(&[b"CONFIG", b"SET", b"masteruser", b""]));
        replies.push(client.command(&[b"SLOWLOG", b"RESET"]));
        replies
    });
}

#[test]
fn monitor_streams_commands_in_redis_line_format() {
    differential(|server, db| {
        let mut monitor = connect(server, db);
        let mut client = connect(server, db);
        let mut replies = vec![monitor.command(&[b"MONITOR"])];
        client.command(&[b"SET", b"k", b"a \"quoted\"\n\x01 value"]);
        client.command(&[b"GET", b"k"]);
        client.command(&[b"CONFIG", b"GET", b"maxmemory"]);
        client.command(&[b"SELECT", b"5"]);
        client.command(&[b"PING"]);
        client.command(&[b"GET", b"nosuch", b"extra"]);
        for _ in 0..4 {
            replies.push(monitor_line_shown(&monitor.read_reply()));
        }
        replies.push(monitor.command(&[b"GET", b"k"]));
        replies.push(monitor.command(&[b"RESET"]));
        replies.push(monitor.command(&[b"GET", b"k"]));
        replies
    });
}

/// The `qbuf=` field of a CLIENT LIST / CLIENT INFO reply.
fn qbuf_field(reply: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(reply);
    let field = text
        .split_whitespace()
        .find(|field| field.starts_with("qbuf="))
        .unwrap_or("no qbuf field");
    field.as_bytes().to_vec()
}

/// The `qbuf=` figure of a reply less the `id_len` bytes of a client id in the request.
fn qbuf_without_id(reply: &[u8], id_len: usize) -> Vec<u8> {
    let field = String::from_utf8_lossy(&qbuf_field(reply)).into_owned();
    let qbuf: usize = field
        .strip_prefix("qbuf=")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    format!("qbuf={} + id", qbuf.saturating_sub(id_len)).into_bytes()
}

/// Redis's suite matches `qbuf=26` for the client running `CLIENT LIST`: its query
/// buffer holds the running request.
#[test]
fn client_list_shows_the_running_request_in_qbuf() {
    differential(|server, db| {
        let mut conn = connect(server, db);
        let id = conn.command(&[b"CLIENT", b"ID"]);
        let id = &id[1..id.len() - 2];
        vec![
            qbuf_field(&conn.command(&[b"CLIENT", b"INFO"])),
            qbuf_field(&conn.command(&[b"client", b"list"])),
            // The request holds the client's id, whose digits differ between servers.
            qbuf_without_id(&conn.command(&[b"CLIENT", b"LIST", b"ID", id]), id.len()),
        ]
    });
}

/// CLIENT LIST's buffer figures are the connection's own (kvdb-server alone: Redis's
/// figures are its allocator's): room left in the read buffer, the write buffer's
/// size, and their total.
#[test]
fn client_list_reports_the_connection_buffers() {
    let server = support::ServerProcess::kvdb();
    let mut conn = server.connect();
    let list = String::from_utf8_lossy(&conn.cmd("CLIENT LIST")).into_owned();
    let field = |name: &str| -> u64 {
        list.split_whitespace()
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {list}"))
    };
    let (qbuf, free, rbs, total) = (
        field("qbuf"),
        field("qbuf-free"),
        field("rbs"),
        field("tot-mem"),
    );
    assert_eq!(qbuf, 26, "{list}");
    assert!(qbuf + free >= 16 * 1024, "{list}");
    assert_eq!(rbs, 16 * 1024, "{list}");
    assert_eq!(total, qbuf + free + rbs + field("omem"), "{list}");
}

#[test]
fn client_help_is_redis_s() {
    diff("CLIENT HELP\nCLIENT HELP extra");
}

/// CLIENT KILL frees the clients it kills before it answers: they are gone from the
/// client count and their channels at once.
#[test]
fn killed_clients_are_gone_when_client_kill_answers() {
    differential(|server, db| {
        let mut killer = connect(server, db);
        let mut subscriber = connect(server, db);
        let mut other = connect(server, db);
        subscriber.command(&[b"CLIENT", b"SETNAME", b"victim"]);
        subscriber.command(&[b"SUBSCRIBE", b"killed-channel"]);
        other.command(&[b"CLIENT", b"SETNAME", b"victim"]);
        let count = |conn: &mut support::RawConn| {
            let info = String::from_utf8_lossy(&conn.command(&[b"INFO", b"clients"])).into_owned();
            info.lines()
                .find(|line| line.starts_with("connected_clients:"))
                .unwrap_or("none")
                .as_bytes()
                .to_vec()
        };
        let before = count(&mut killer);
        let list = String::from_utf8_lossy(&killer.command(&[b"CLIENT", b"LIST"])).into_owned();
        let victims: Vec<String> = list
            .lines()
            .filter(|line| line.contains("name=victim"))
            .filter_map(|line| line.split_whitespace().find_map(|f| f.strip_prefix("id=")))
            .map(String::from)
            .collect();
        let mut replies = vec![before];
        for id in &victims {
            replies.push(killer.command(&[b"CLIENT", b"KILL", b"ID", id.as_bytes()]));
        }
        replies.push(count(&mut killer));
        replies.push(killer.command(&[b"PUBSUB", b"NUMSUB", b"killed-channel"]));
        replies.push(killer.command(&[b"CLIENT", b"KILL", b"ID", victims[0].as_bytes()]));
        replies
    });
}
