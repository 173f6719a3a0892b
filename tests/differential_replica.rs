//! A replica's rules against redis-server 7.0: REPLICAOF's replies and errors, and
//! what clients get from a server following a master it cannot reach (port 1 never
//! answers): READONLY for writes, MASTERDOWN while `replica-serve-stale-data` is no,
//! the scripts' own refusals, EXEC refused when the state changed after queueing,
//! blocked clients disconnected, and the shape of ROLE, INFO replication and HELLO.
//! Every test leaves both servers masters again.

mod support;

use std::sync::{Mutex, MutexGuard};

use support::{numbers_masked, servers, DiffSession, RawConn};

/// Runs the tests of this file one at a time: each makes both servers replicas.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Both servers to this test alone, masters again (a failed test may have left them
/// replicas), after FLUSHALL.
fn exclusive() -> (MutexGuard<'static, ()>, DiffSession) {
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for server in [&servers().redis, &servers().kvdb] {
        let mut conn = server.connect();
        conn.cmd("REPLICAOF NO ONE");
        conn.cmd("CONFIG SET replica-serve-stale-data yes");
        conn.cmd("CONFIG SET replica-read-only yes");
    }
    (turn, DiffSession::exclusive())
}

/// Runs a differential script (see `support`) with both servers to itself.
fn diff_exclusive(script: &str) {
    exclusive().1.run(script);
}

#[test]
fn replicaof_arguments() {
    diff_exclusive(
        r##"
        REPLICAOF
        REPLICAOF 127.0.0.1
        REPLICAOF 127.0.0.1 x
        REPLICAOF 127.0.0.1 70000
        REPLICAOF 127.0.0.1 -1
        REPLICAOF no one
        SLAVEOF NO ONE
        SLAVEOF a b c
        EVAL "return redis.call('replicaof', 'no', 'one')" 0
        "##,
    );
}

#[test]
fn a_replica_refuses_writes_and_serves_reads() {
    diff_exclusive(
        r##"
        SET k v
        RPUSH list a b
        CONFIG GET replicaof
        REPLICAOF 127.0.0.1 1
        REPLICAOF 127.0.0.1 1
        CONFIG GET replicaof
        CONFIG GET slaveof
        CONFIG SET replicaof 127.0.0.1 2
        PSYNC ? -1
        SYNC
        SET k v2
        INCR counter
        DEL k
        GET k
        LRANGE list 0 -1
        PUBLISH channel message
        EVAL "return redis.call('set', 'x', 'y')" 0
        EVAL "return redis.pcall('set', 'x', 'y')" 0
        EVAL "return redis.call('get', 'k')" 0
        EVAL "#!lua\nreturn redis.call('get', 'k')" 0
        EVAL "#!lua flags=no-writes\nreturn redis.call('get', 'k')" 0
        EVAL "#!lua flags=no-writes\nreturn redis.call('set', 'k', 'v')" 0
        EVAL_RO "return redis.call('set', 'x', 'y')" 0
        MULTI
        GET k
        SET k v3
        EXEC
        CONFIG SET replica-read-only no
        SET k v4
        GET k
        CONFIG SET replica-read-only yes
        REPLICAOF NO ONE
        CONFIG GET replicaof
        SET k v5
        GET k
        "##,
    );
}

#[test]
fn a_stale_replica_answers_masterdown() {
    diff_exclusive(
        r##"
        SET k v
        FUNCTION LOAD "#!lua name=lib\nredis.register_function{function_name='plain', callback=function() return 1 end, flags={'no-writes'}}\nredis.register_function{function_name='stale', callback=function() return 2 end, flags={'no-writes', 'allow-stale'}}\nredis.register_function{function_name='reads', callback=function() return redis.call('get', 'k') end, flags={'no-writes', 'allow-stale'}}\nredis.register_function{function_name='info', callback=function() return redis.call('echo', 'up') end, flags={'no-writes', 'allow-stale'}}"
        CONFIG SET replica-serve-stale-data no
        REPLICAOF 127.0.0.1 1
        GET k
        PING
        DBSIZE
        ECHO hello
        ?TIME
        EVAL "return 1" 0
        EVAL "#!lua flags=no-writes\nreturn 1" 0
        EVAL "#!lua flags=no-writes,allow-stale\nreturn redis.call('get', 'k')" 0
        EVAL "#!lua flags=no-writes,allow-stale\nreturn redis.call('echo', 'k')" 0
        FCALL plain 0
        FCALL stale 0
        FCALL reads 0
        FCALL info 0
        MULTI
        GET k
        EXEC
        MULTI
        ECHO a
        EXEC
        CONFIG SET replica-serve-stale-data yes
        GET k
        PING
        REPLICAOF NO ONE
        FUNCTION FLUSH
        "##,
    );
}

#[test]
fn replicaof_inside_a_transaction() {
    diff_exclusive(
        r##"
        MULTI
        SET a 1
        REPLICAOF 127.0.0.1 1
        SET b 2
        EXEC
        SET c 3
        MGET a b c
        MULTI
        REPLICAOF NO ONE
        SET d 4
        EXEC
        "##,
    );
}

/// Runs `work` on each server with two fresh connections (database 0, after FLUSHALL),
/// and compares what it answers.
fn on_both(work: impl Fn(&mut RawConn, &mut RawConn) -> Vec<Vec<u8>>) {
    let session = exclusive();
    let servers = servers();
    let answers: Vec<Vec<Vec<u8>>> = [&servers.redis, &servers.kvdb]
        .iter()
        .map(|server| work(&mut server.connect(), &mut server.connect()))
        .collect();
    drop(session);
    for (index, (redis, kvdb)) in answers[0].iter().zip(&answers[1]).enumerate() {
        assert_eq!(
            String::from_utf8_lossy(redis),
            String::from_utf8_lossy(kvdb),
            "answer {index} (left redis-server, right kvdb)"
        );
    }
}

/// A transaction queued on a master whose server became a replica (or stale) before
/// EXEC is refused whole, naming why.
#[test]
fn exec_after_the_server_became_a_replica() {
    on_both(|client, other| {
        let mut out = vec![
            client.cmd("SET xx 1"),
            client.cmd("MULTI"),
            client.cmd("INCR xx"),
            other.cmd("REPLICAOF 127.0.0.1 1"),
            client.cmd("EXEC"),
            client.cmd("GET xx"),
            other.cmd("CONFIG SET replica-serve-stale-data no"),
            other.cmd("REPLICAOF NO ONE"),
            client.cmd("MULTI"),
            client.cmd("GET xx"),
            other.cmd("REPLICAOF 127.0.0.1 1"),
            client.cmd("EXEC"),
        ];
        out.push(other.cmd("REPLICAOF NO ONE"));
        out.push(other.cmd("CONFIG SET replica-serve-stale-data yes"));
        out
    });
}

/// REPLICAOF answers every blocked client with UNBLOCKED and closes its connection.
#[test]
fn replicaof_disconnects_blocked_clients() {
    on_both(|blocked, other| {
        blocked.send_raw(b"*3\r\n$5\r\nBLPOP\r\n$4\r\nlist\r\n$1\r\n0\r\n");
        std::thread::sleep(std::time::Duration::from_millis(100));
        let mut out = vec![other.cmd("REPLICAOF 127.0.0.1 1")];
        let (reply, closed) = blocked.read_until_close(std::time::Duration::from_secs(2));
        out.push(reply);
        out.push(closed.to_string().into_bytes());
        out.push(other.cmd("REPLICAOF NO ONE"));
        out
    });
}

/// ROLE and INFO replication of a replica whose link is down: the same fields in the
/// same order (the link's state and the figures are each server's own).
#[test]
fn role_and_info_of_a_replica() {
    on_both(|client, _| {
        let mut out = vec![client.cmd("REPLICAOF 127.0.0.1 1")];
        // The link may be between attempts or in one.
        let role = String::from_utf8_lossy(&client.cmd("ROLE"))
            .replace("$10\r\nconnecting", "$7\r\nconnect");
        out.push(numbers_masked(role.as_bytes()).into_bytes());
        let info = client.cmd("INFO replication");
        let fields: Vec<String> = String::from_utf8_lossy(&info)
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| match name {
                "role" | "master_host" | "master_port" | "master_link_status"
                | "slave_read_only" | "connected_slaves" => format!("{name}:{value}"),
                _ => name.to_string(),
            })
            .collect();
        out.push(fields.join("\n").into_bytes());
        // HELLO names the role too (its client id differs).
        out.push(numbers_masked(&client.cmd("HELLO 2")).into_bytes());
        out.push(client.cmd("REPLICAOF NO ONE"));
        out.push(numbers_masked(&client.cmd("HELLO 2")).into_bytes());
        let info = String::from_utf8_lossy(&client.cmd("INFO replication")).into_owned();
        let shifted = info.lines().any(|line| line.starts_with("master_replid2:"))
            && !info.contains("master_replid2:0000000000000000000000000000000000000000");
        out.push(shifted.to_string().into_bytes());
        out
    });
}
