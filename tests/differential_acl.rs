//! Access control against redis-server 7.0: ACL SETUSER rules and their errors, how
//! ACL LIST and GETUSER write users back, what users may run (commands, first
//! arguments, keys by read/write permission, channels, selectors), AUTH and HELLO
//! AUTH with users and `requirepass`, NOPERM at top level, in MULTI/EXEC and in
//! scripts, ACL DRYRUN, ACL LOG, ACL CAT, and clients disconnected when their user is
//! deleted or loses a channel. ACL state is server-wide, so every script runs alone
//! and deletes the users it made.
//!
//! Redis lists the single commands of a description in its command table's hash
//! order, which changes from run to run; the users here need at most one, and ACL CAT
//! is compared as a set, for categories holding only commands kvdb has.

mod support;

use std::time::Duration;

use support::{connect, diff_exclusive, differential, numbers_masked, RawConn, ServerProcess};

/// Deletes the users these tests make, before and after each script.
const CLEANUP: &str = "ACL DELUSER alice bob carol dave\nACL LOG RESET";

fn diff_acl(script: &str) {
    diff_exclusive(&format!("{CLEANUP}\n{script}\n{CLEANUP}"));
}

#[test]
fn rules_are_applied_and_written_back_as_redis_writes_them() {
    diff_acl(
        r#"
        ACL SETUSER alice
        ACL LIST
        ACL GETUSER alice
        ACL SETUSER alice on >pass +get ~k*
        ACL GETUSER alice
        ACL SETUSER alice +@all -@hash -@slow +hget
        ACL GETUSER alice
        ACL SETUSER bob +@all -config|set +select|0 +select|1
        ACL GETUSER bob
        ACL SETUSER bob -@all +config|get
        ACL GETUSER bob
        ACL SETUSER bob +@all -client|id
        ACL GETUSER bob
        ACL SETUSER bob reset
        ACL GETUSER bob
        ACL SETUSER carol on nopass %R~read* %W~write* %RW~both* ~plain &news:*
        ACL GETUSER carol
        ACL SETUSER carol (+get ~foo) (+set ~bar)
        ACL GETUSER carol
        ACL SETUSER carol clearselectors
        ACL SETUSER carol "(+get" "~foo)"
        ACL GETUSER carol
        ACL SETUSER dave ON OFF NOPASS RESETPASS ALLKEYS ALLCHANNELS skip-sanitize-payload
        ACL GETUSER dave
        ACL SETUSER dave sanitize-payload >a >b <a #2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
        ACL GETUSER dave
        ACL LIST
        ACL USERS
        ACL GETUSER nosuch
        ACL WHOAMI
        !resp3
        ACL GETUSER carol
        ACL GETUSER dave
        ACL LIST
        ACL CAT
        "#,
    );
}

#[test]
fn bad_rules_change_nothing_and_answer_redis_errors() {
    diff_acl(
        r#"
        ACL SETUSER alice on +get
        ACL SETUSER alice +set badop
        ACL SETUSER alice +nosuchcmd
        ACL SETUSER alice +@nosuchcat
        ACL SETUSER alice ~* ~foo
        ACL SETUSER alice allkeys ~foo
        ACL SETUSER alice allchannels &foo
        ACL SETUSER alice #abc
        ACL SETUSER alice <nopass
        ACL SETUSER alice !0000000000000000000000000000000000000000000000000000000000000000
        ACL SETUSER alice +config|get|x
        ACL SETUSER alice +config|
        ACL SETUSER alice -select|0
        ACL SETUSER alice +get|x|y
        ACL SETUSER alice %X~foo
        ACL SETUSER alice %RR~foo
        ACL SETUSER alice "~foo bar"
        ACL SETUSER alice (+get ~foo
        ACL SETUSER alice "(on)"
        ACL SETUSER alice "(+get \"\")"
        ACL SETUSER "a b"
        ACL GETUSER alice
        ACL DELUSER default
        ACL DELUSER alice nosuch
        "#,
    );
}

#[test]
fn acl_subcommands_check_their_arguments_as_redis_does() {
    diff_acl(
        r#"
        ACL CAT
        ACL CAT nosuch
        ACL CAT a b
        ~ ACL CAT string
        ~ ACL CAT hash
        ~ ACL CAT pubsub
        ~ ACL CAT transaction
        ACL GENPASS 0
        ACL GENPASS 5000
        ACL GENPASS abc
        ACL GENPASS 1 2
        ? ACL GENPASS
        ? ACL GENPASS 5
        ACL LOG 1 2
        ACL LOG abc
        ACL LOG -5
        ACL LOAD
        ACL SAVE
        ACL HELP
        ACL
        ACL NOSUCH
        ACL WHOAMI extra
        "#,
    );
}

#[test]
fn users_run_only_what_their_rules_allow() {
    differential(|server, _| {
        let (mut admin, mut user, mut replies) = admin_and_user(server);
        replies.extend(run(
            &mut admin,
            &[
                "ACL SETUSER alice on >pw +get +set +publish +subscribe +psubscribe +select|0 %R~r* %W~w* ~rw* &news:* +client|list",
                "ACL SETUSER alice (+hset ~h*) (+lpush ~l* %R~r*)",
                "SET rkey v",
            ],
        ));
        replies.extend(run(
            &mut user,
            &[
                "GET rkey",
                "AUTH alice nope",
                "AUTH alice pw",
                "ACL WHOAMI",
                "GET rkey",
                "SET rkey v",
                "GET wkey",
                "SET wkey v",
                "SET rwkey v",
                "GET rwkey",
                "SET rkey v GET",
                "HSET hkey f v",
                "HSET rkey f v",
                "LPUSH lkey v",
                "DEL rwkey",
                "SELECT 0",
                "SELECT 1",
                "PUBLISH news:1 m",
                "PUBLISH sport m",
                "PSUBSCRIBE news:*",
                "RESET",
                "ACL WHOAMI",
            ],
        ));
        replies.extend(run(
            &mut admin,
            &[
                "ACL DRYRUN alice get rkey",
                "ACL DRYRUN alice get wkey",
                "ACL DRYRUN alice set rkey v",
                "ACL DRYRUN alice hset hkey f v",
                "ACL DRYRUN alice lpush lkey v",
                "ACL DRYRUN alice lpush rkey v",
                "ACL DRYRUN alice publish sport m",
                "ACL DRYRUN alice subscribe news:1 sport",
                "ACL DRYRUN alice psubscribe news:* n*",
                "ACL DRYRUN alice config get port",
                "ACL DRYRUN alice config nosuch",
                "ACL DRYRUN alice get",
                "ACL DRYRUN alice nosuch",
                "ACL DRYRUN nobody get k",
                "DEL rkey",
                "ACL DELUSER alice",
            ],
        ));
        replies
    });
}

#[test]
fn transactions_and_scripts_check_the_callers_permissions() {
    differential(|server, _| {
        let (mut admin, mut user, mut replies) = admin_and_user(server);
        replies.push(admin.cmd(
            "ACL SETUSER bob on >123 +@scripting +set +get +multi +exec +discard ~x* +acl|whoami",
        ));
        replies.extend(run(
            &mut user,
            &[
                "AUTH bob 123",
                "EVAL \"return redis.call('get','x1')\" 0",
                "EVAL \"return redis.call('get','y1')\" 0",
                "EVAL \"return redis.pcall('get','y1')\" 0",
                "EVAL \"return redis.call('hset','x1','f','v')\" 0",
                "EVAL \"return redis.acl_check_cmd('set','xx',1)\" 0",
                "EVAL \"return redis.acl_check_cmd('hset','xx','f',1)\" 0",
                "EVAL \"return redis.acl_check_cmd('set','yy',1)\" 0",
                "EVAL \"return redis.acl_check_cmd('invalid-cmd','arg')\" 0",
                "MULTI",
                "SET x2 v",
                "GET y2",
                "EXEC",
                "MULTI",
                "SET x3 v",
                "GET x3",
            ],
        ));
        replies.push(admin.cmd("ACL SETUSER bob -get"));
        replies.push(user.cmd("EXEC"));
        replies.push(admin.cmd("ACL LOG"));
        replies = replies.iter().map(|reply| without_times(reply)).collect();
        replies.push(admin.cmd("DEL x2 x3"));
        replies.extend(cleanup(&mut admin));
        replies
    });
}

#[test]
fn logins_follow_the_default_user_and_requirepass() {
    differential(|server, _| {
        let mut admin = server.connect();
        let mut replies = vec![admin.cmd("ACL SETUSER alice on >pw +@all ~*")];
        let mut commands = |conn: &mut RawConn, lines: &[&str]| {
            for line in lines {
                let reply = conn.cmd(line);
                // HELLO's reply holds the client id, which differs.
                let reply = match line.starts_with("HELLO") {
                    true => numbers_masked(&reply).into_bytes(),
                    false => reply,
                };
                replies.push(reply);
            }
        };
        commands(
            &mut admin,
            &["AUTH pw", "AUTH a b c", "CONFIG SET requirepass secret"],
        );
        let mut second = server.connect();
        commands(
            &mut second,
            &[
                "PING",
                "ACL WHOAMI",
                "HELLO 3",
                "AUTH wrong",
                "AUTH secret",
                "PING",
                "HELLO 2 AUTH alice nope",
                "HELLO 2 AUTH alice pw",
                "ACL WHOAMI",
                "RESET",
                "PING",
            ],
        );
        // Setting requirepass to its value again keeps the default user's passwords.
        commands(
            &mut admin,
            &[
                "ACL GETUSER default",
                "ACL SETUSER default >extra",
                "CONFIG SET requirepass secret",
            ],
        );
        let mut extra = server.connect();
        commands(&mut extra, &["AUTH extra", "ACL WHOAMI"]);
        commands(&mut admin, &["CONFIG SET requirepass \"\""]);
        let mut third = server.connect();
        commands(&mut third, &["PING", "AUTH x"]);
        commands(&mut admin, &["ACL SETUSER default off"]);
        let mut fourth = server.connect();
        commands(
            &mut fourth,
            &["PING", "AUTH default x", "AUTH alice pw", "PING"],
        );
        commands(
            &mut admin,
            &["ACL SETUSER default on nopass", "ACL DELUSER alice"],
        );
        commands(&mut admin, &["ACL LOG"]);
        let mut replies: Vec<Vec<u8>> = replies.iter().map(|reply| without_times(reply)).collect();
        replies.push(admin.cmd("ACL LOG RESET"));
        replies
    });
}

#[test]
fn exec_checks_again_only_the_users_permissions() {
    differential(|server, _| {
        let mut conn = server.connect();
        let mut replies = run(&mut conn, &["MULTI", "CLIENT INFO", "EXEC"]);
        // CLIENT INFO run by EXEC still shows the transaction.
        replies[2] = multi_fields(&replies[2]);
        // A subscription made inside MULTI does not stop the commands after it.
        replies.extend(run(
            &mut conn,
            &["MULTI", "SUBSCRIBE chat", "GET nosuchkey", "EXEC"],
        ));
        replies.extend(run(&mut conn, &["UNSUBSCRIBE"]));
        replies
    });
}

/// The `flags=` and `multi=` fields of the CLIENT INFO inside an EXEC reply.
fn multi_fields(reply: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(reply);
    text.split([' ', '\n', '\r'])
        .filter(|field| field.starts_with("flags=") || field.starts_with("multi="))
        .collect::<Vec<_>>()
        .join(" ")
        .into_bytes()
}

#[test]
fn clients_of_a_deleted_user_or_a_revoked_channel_are_disconnected() {
    differential(|server, _| {
        let mut admin = server.connect();
        let mut replies = cleanup(&mut admin);
        replies.push(admin.cmd("ACL SETUSER carol on >pw +@all ~* &chat:*"));
        let mut doomed = server.connect();
        let mut subscriber = server.connect();
        let mut kept = server.connect();
        for conn in [&mut doomed, &mut subscriber, &mut kept] {
            replies.push(conn.cmd("AUTH carol pw"));
        }
        replies.push(subscriber.cmd("SUBSCRIBE chat:1"));
        replies.push(kept.cmd("PSUBSCRIBE chat:*"));
        // Still allowed: `chat:*` stays, so nobody is disconnected.
        replies.push(admin.cmd("ACL SETUSER carol &other"));
        replies.push(admin.cmd("PUBLISH chat:1 hello"));
        replies.push(subscriber.read_reply());
        replies.push(kept.read_reply());
        // `chat:1` is no longer allowed: both subscribers go.
        replies.push(admin.cmd("ACL SETUSER carol resetchannels &other"));
        replies.push(closed(&mut subscriber));
        replies.push(closed(&mut kept));
        replies.push(doomed.cmd("PING"));
        replies.push(admin.cmd("CLIENT KILL USER nosuch"));
        replies.push(admin.cmd("ACL DELUSER carol"));
        replies.push(closed(&mut doomed));
        replies.push(admin.cmd("ACL WHOAMI"));
        replies
    });
}

#[test]
fn client_kill_and_client_list_know_the_user() {
    differential(|server, _| {
        let mut admin = server.connect();
        let mut replies = cleanup(&mut admin);
        replies.push(admin.cmd("ACL SETUSER dave on >pw +@all ~* &*"));
        let mut other = connect(server, 0);
        replies.push(other.cmd("AUTH dave pw"));
        replies.push(user_field(&other.cmd("CLIENT INFO")));
        replies.push(user_field(&admin.cmd("CLIENT INFO")));
        replies.push(admin.cmd("CLIENT KILL USER dave"));
        replies.push(closed(&mut other));
        replies.push(admin.cmd("CLIENT KILL USER dave"));
        replies.push(admin.cmd("ACL DELUSER dave"));
        replies
    });
}

#[test]
fn acl_load_and_save_read_and_write_the_acl_file_as_redis_does() {
    // Each server gets its own ACL file, with the same content; their paths differ,
    // so the replies are compared with the path masked.
    let start = |kvdb: bool| {
        let dir = support::scratch_dir("aclfile");
        let file = dir.join("users.acl");
        std::fs::write(&file, "user default on nopass ~* &* +@all\n").unwrap();
        let file_text = file.display().to_string();
        let args = ["--aclfile", &file_text];
        let server = match kvdb {
            true => ServerProcess::kvdb_with_args(&args),
            false => ServerProcess::redis_with_args(&args),
        };
        (server, file)
    };
    let scenario = |(server, file): (ServerProcess, std::path::PathBuf)| {
        let mut conn = server.connect();
        let path = file.display().to_string();
        let masked = |reply: Vec<u8>| String::from_utf8_lossy(&reply).replace(&path, "FILE");
        let mut replies = Vec::new();
        std::fs::write(
            &file,
            "user bob on +nosuch\nuser bob\nfoo\nuser x (+get\nuser y on badop nope\n\n",
        )
        .unwrap();
        replies.push(masked(conn.cmd("ACL LOAD")));
        replies.push(masked(conn.cmd("ACL USERS")));
        std::fs::write(&file, "user carol on >pw ~k* +get (+set ~w*)\n").unwrap();
        replies.push(masked(conn.cmd("ACL LOAD")));
        replies.push(masked(conn.cmd("ACL LIST")));
        replies.push(masked(conn.cmd("ACL SETUSER dave on nopass +@read")));
        replies.push(masked(conn.cmd("ACL SAVE")));
        replies.push(std::fs::read_to_string(&file).unwrap());
        replies
    };
    assert_eq!(scenario(start(false)), scenario(start(true)));
}

#[test]
fn a_refused_command_during_a_pause_is_logged_once() {
    differential(|server, _| {
        let (mut admin, mut user, mut replies) = admin_and_user(server);
        replies.extend(run(
            &mut admin,
            &[
                "ACL SETUSER eve on >pw +@all ~mine:*",
                "CLIENT PAUSE 5000 WRITE",
            ],
        ));
        replies.extend(run(&mut user, &["AUTH eve pw", "SET other v"]));
        replies.push(without_times(&admin.cmd("ACL LOG")));
        replies.extend(run(&mut admin, &["CLIENT UNPAUSE", "ACL DELUSER eve"]));
        replies.extend(cleanup(&mut admin));
        replies
    });
}

/// An administrator's connection (having run [`CLEANUP`]) and a connection to log in
/// as a user, with the cleanup's replies.
fn admin_and_user(server: &ServerProcess) -> (RawConn, RawConn, Vec<Vec<u8>>) {
    let mut admin = server.connect();
    let user = server.connect();
    let replies = cleanup(&mut admin);
    (admin, user, replies)
}

/// Runs [`CLEANUP`] on `conn`.
fn cleanup(conn: &mut RawConn) -> Vec<Vec<u8>> {
    run(conn, &CLEANUP.lines().collect::<Vec<_>>())
}

/// The replies to `lines`, sent one by one on `conn`.
fn run(conn: &mut RawConn, lines: &[&str]) -> Vec<Vec<u8>> {
    lines.iter().map(|line| conn.cmd(line)).collect()
}

/// `closed` when the server has closed `conn`, else what it sent.
fn closed(conn: &mut RawConn) -> Vec<u8> {
    let (bytes, closed) = conn.read_until_close(Duration::from_secs(2));
    match closed {
        true => [&b"closed:"[..], &bytes].concat(),
        false => [&b"open:"[..], &bytes].concat(),
    }
}

/// The `user=` field of a CLIENT INFO reply.
fn user_field(reply: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(reply);
    text.split(' ')
        .find(|field| field.starts_with("user="))
        .unwrap_or("no user field")
        .as_bytes()
        .to_vec()
}

/// `reply` with ACL LOG's `age-seconds` values and `client-info` lines (ids, ports
/// and buffer sizes differ) reduced to what both servers agree on: the client's
/// command and user.
fn without_times(reply: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(reply);
    let mut lines = text.split("\r\n");
    let mut out = Vec::new();
    while let Some(line) = lines.next() {
        out.push(line.to_string());
        if line == "age-seconds" || line == "client-info" {
            lines.next();
            let value = lines.next().unwrap_or_default();
            let kept: Vec<&str> = value
                .split(' ')
                .filter(|field| field.starts_with("cmd=") || field.starts_with("user="))
                .collect();
            out.push(kept.join(" "));
        }
    }
    out.join("\n").into_bytes()
}
