//! kvdb-server as a replica: of a real redis-server 7.0 master (full synchronization,
//! the stream, acknowledgements for WAIT, a partial resynchronization after the link
//! drops, promotion with REPLICAOF NO ONE), of another kvdb with a redis-server
//! chained behind it (which continues when the middle one is promoted), and side by side with a redis-server replica of the same master
//! to compare how both treat keys that expired before the master deleted them.
//! `DEBUG DIGEST` must agree after every step.

mod support;

use std::time::Duration;

use support::replication::{
    caught_up, digest, eventually, info_field, link_up, text, DATASET, WRITES,
};
use support::{RawConn, ServerProcess};

/// A master's settings for quick tests: a snapshot at once, keep-alives every second.
const MASTER_ARGS: &[&str] = &[
    "--repl-diskless-sync",
    "no",
    "--repl-ping-replica-period",
    "1",
    "--enable-debug-command",
    "yes",
];

/// A redis-server master holding [`DATASET`] and a kvdb-server started as its
/// replica by its configuration (with `extra` arguments), once the link is up: both
/// servers and a connection to each.
fn redis_master_and_kvdb_replica(
    extra: &[&str],
) -> (ServerProcess, RawConn, ServerProcess, RawConn) {
    let redis = ServerProcess::redis_with_args(MASTER_ARGS);
    let mut master = redis.connect();
    for command in DATASET {
        master.cmd(command);
    }
    let port = redis.addr().port().to_string();
    let mut args = vec![
        "--replicaof",
        "127.0.0.1",
        &port,
        "--enable-debug-command",
        "yes",
    ];
    args.extend_from_slice(extra);
    let kvdb = ServerProcess::kvdb_with_args(&args);
    let mut replica = kvdb.connect();
    eventually("the link", || link_up(&mut replica));
    (redis, master, kvdb, replica)
}

#[test]
fn kvdb_follows_a_redis_master() {
    let (redis, mut master, _kvdb, mut replica) = redis_master_and_kvdb_replica(&[]);
    let port = redis.addr().port().to_string();
    assert_eq!(
        digest(&mut replica),
        digest(&mut master),
        "after the full sync"
    );
    assert_eq!(
        info_field(&mut replica, "replication", "master_replid"),
        info_field(&mut master, "replication", "master_replid"),
    );

    for command in WRITES {
        master.cmd(command);
    }
    // WAIT counts kvdb's acknowledgement.
    assert_eq!(master.cmd("WAIT 1 5000"), b":1\r\n");
    caught_up(&mut master, &mut replica);
    assert_eq!(
        digest(&mut replica),
        digest(&mut master),
        "after the stream"
    );
    assert_eq!(
        info_field(&mut replica, "replication", "master_repl_offset"),
        info_field(&mut master, "replication", "master_repl_offset"),
    );

    // What clients of the replica see.
    assert_eq!(
        replica.cmd("SET s x"),
        b"-READONLY You can't write against a read only replica.\r\n"
    );
    let role = text(replica.cmd("ROLE"));
    assert!(
        role.starts_with(&format!(
            "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:{port}\r\n$9\r\nconnected\r\n:"
        )),
        "{role}"
    );
    let clients = text(replica.cmd("CLIENT LIST TYPE master"));
    assert!(clients.contains("flags=M "), "{clients}");
    assert_eq!(clients.matches("id=").count(), 1, "{clients}");

    // A dropped link continues where it stopped, in the database the stream had
    // selected (the master does not select it again).
    master.cmd("SELECT 3");
    master.cmd("SET before-reconnect 1");
    caught_up(&mut master, &mut replica);
    assert_eq!(replica.cmd("CLIENT KILL TYPE master"), b":1\r\n");
    eventually("the link to come back", || {
        info_field(&mut master, "stats", "sync_partial_ok").as_deref() == Some("1")
    });
    eventually("the link", || link_up(&mut replica));
    master.cmd("SET after-reconnect 1");
    caught_up(&mut master, &mut replica);
    assert_eq!(
        digest(&mut replica),
        digest(&mut master),
        "after the partial resync"
    );
    assert_eq!(
        info_field(&mut master, "stats", "sync_full").as_deref(),
        Some("1")
    );

    // Promoted, it keeps the data and the history, and takes writes.
    let replid = info_field(&mut replica, "replication", "master_replid");
    assert_eq!(replica.cmd("REPLICAOF NO ONE"), b"+OK\r\n");
    assert_eq!(
        info_field(&mut replica, "replication", "role").as_deref(),
        Some("master")
    );
    assert_eq!(
        info_field(&mut replica, "replication", "master_replid2"),
        replid
    );
    assert_eq!(replica.cmd("SET promoted 1"), b"+OK\r\n");
    eventually("the master to lose its replica", || {
        info_field(&mut master, "replication", "connected_slaves").as_deref() == Some("0")
    });
}

#[test]
fn a_chain_of_kvdb_master_kvdb_replica_and_redis() {
    let first = ServerProcess::kvdb_with_args(MASTER_ARGS);
    let mut master = first.connect();
    for command in DATASET {
        master.cmd(command);
    }
    let middle = ServerProcess::kvdb_with_args(&["--enable-debug-command", "yes"]);
    let mut replica = middle.connect();
    let master_port = first.addr().port().to_string();
    assert_eq!(
        replica.cmd(&format!("REPLICAOF 127.0.0.1 {master_port}")),
        b"+OK\r\n"
    );
    eventually("the first link", || link_up(&mut replica));
    // The master's stream is in database 3 when the last one syncs from the middle
    // one: the snapshot says so (repl-stream-db), as the stream will not select again.
    master.cmd("SELECT 3");
    master.cmd("SET in-three 1");
    caught_up(&mut master, &mut replica);
    let middle_port = middle.addr().port().to_string();
    let last = ServerProcess::redis_with_args(&["--replicaof", "127.0.0.1", &middle_port]);
    let mut end = last.connect();
    eventually("the second link", || link_up(&mut end));
    master.cmd("SET still-in-three 1");
    for command in WRITES {
        master.cmd(command);
    }
    caught_up(&mut master, &mut replica);
    caught_up(&mut replica, &mut end);
    let expected = digest(&mut master);
    assert_eq!(digest(&mut replica), expected, "the kvdb replica");
    assert_eq!(
        digest(&mut end),
        expected,
        "the redis replica of the replica"
    );
    // The chain shares one history: the same id and offset all along.
    let offset = info_field(&mut master, "replication", "master_repl_offset");
    assert_eq!(
        info_field(&mut end, "replication", "master_repl_offset"),
        offset
    );
    assert_eq!(
        info_field(&mut end, "replication", "master_replid"),
        info_field(&mut master, "replication", "master_replid"),
    );

    // Promoted, the middle one disconnects its replica, which continues under the
    // old id (now its master_replid2) without a full synchronization.
    assert_eq!(replica.cmd("REPLICAOF NO ONE"), b"+OK\r\n");
    eventually("the replica of the promoted one to continue", || {
        info_field(&mut replica, "stats", "sync_partial_ok").as_deref() == Some("1")
    });
    eventually("the link", || link_up(&mut end));
    replica.cmd("SET after-promotion 1");
    caught_up(&mut replica, &mut end);
    assert_eq!(
        digest(&mut end),
        digest(&mut replica),
        "after the promotion"
    );
    assert_eq!(
        info_field(&mut replica, "stats", "sync_full").as_deref(),
        Some("1")
    );
}

/// Keys past their TTL that the master has not deleted yet: a replica shows them as
/// missing without deleting them, as redis-server's own replica does.
#[test]
fn expired_keys_on_a_replica_match_redis() {
    let redis = ServerProcess::redis_with_args(MASTER_ARGS);
    let mut master = redis.connect();
    master.cmd("DEBUG SET-ACTIVE-EXPIRE 0");
    master.cmd("SET short v PX 300");
    master.cmd("SET long v EX 1000");
    master.cmd("RPUSH list a");
    master.cmd("PEXPIRE list 300");
    let port = redis.addr().port().to_string();
    let replicas = [
        ServerProcess::redis_with_args(&["--replicaof", "127.0.0.1", &port]),
        ServerProcess::kvdb_with_args(&["--replicaof", "127.0.0.1", &port]),
    ];
    let mut conns: Vec<RawConn> = replicas.iter().map(ServerProcess::connect).collect();
    for conn in &mut conns {
        eventually("the link", || link_up(conn));
        caught_up(&mut master, conn);
    }
    std::thread::sleep(Duration::from_millis(400));
    let reads = [
        "GET short",
        "EXISTS short list long",
        "TTL short",
        "PTTL list",
        "LRANGE list 0 -1",
        "DBSIZE",
        "KEYS *",
        "SCAN 0",
        "TYPE short",
        "GET short",
        "DBSIZE",
    ];
    let seen: Vec<Vec<String>> = conns
        .iter_mut()
        .map(|conn| reads.iter().map(|read| text(conn.cmd(read))).collect())
        .collect();
    for (index, read) in reads.iter().enumerate() {
        assert_eq!(
            seen[0][index], seen[1][index],
            "{read} (left redis-server, right kvdb)"
        );
    }
    // The master's lazy expiry deletes them everywhere.
    master.cmd("GET short");
    master.cmd("GET list");
    for conn in &mut conns {
        caught_up(&mut master, conn);
        assert_eq!(conn.cmd("DBSIZE"), b":1\r\n");
    }
}

#[test]
fn a_replica_appends_what_its_master_sends() {
    let (_redis, mut master, _kvdb, mut replica) =
        redis_master_and_kvdb_replica(&["--appendonly", "yes"]);
    for command in WRITES {
        master.cmd(command);
    }
    caught_up(&mut master, &mut replica);
    // The full sync started the file over with a rewrite of the master's snapshot;
    // the stream went into it after.
    eventually("the rewrite after the sync", || {
        info_field(&mut replica, "persistence", "aof_rewrite_in_progress").as_deref() == Some("0")
            && info_field(&mut replica, "persistence", "aof_rewrites").as_deref() == Some("1")
    });
    assert_eq!(replica.cmd("DEBUG LOADAOF"), b"+OK\r\n");
    assert_eq!(
        digest(&mut replica),
        digest(&mut master),
        "after DEBUG LOADAOF"
    );
}

#[test]
fn a_restarted_replica_resumes_from_its_file() {
    let dir = support::scratch_dir("replica-restart");
    let dir_arg = dir.to_string_lossy().into_owned();
    let (redis, mut master, kvdb, mut replica) =
        redis_master_and_kvdb_replica(&["--dir", &dir_arg]);
    master.cmd("SELECT 5");
    master.cmd("SET before 1");
    caught_up(&mut master, &mut replica);
    // Saved with the history it follows, and stopped.
    assert_eq!(replica.cmd("SAVE"), b"+OK\r\n");
    drop(replica);
    drop(kvdb);
    master.cmd("SET while-down 1");
    let port = redis.addr().port().to_string();
    let kvdb = ServerProcess::kvdb_with_args(&[
        "--replicaof",
        "127.0.0.1",
        &port,
        "--dir",
        &dir_arg,
        "--enable-debug-command",
        "yes",
    ]);
    let mut replica = kvdb.connect();
    eventually("the link", || link_up(&mut replica));
    master.cmd("SET after 1");
    caught_up(&mut master, &mut replica);
    assert_eq!(digest(&mut replica), digest(&mut master));
    // One full synchronization (the first start), then a partial one.
    assert_eq!(
        info_field(&mut master, "stats", "sync_full").as_deref(),
        Some("1")
    );
    assert_eq!(
        info_field(&mut master, "stats", "sync_partial_ok").as_deref(),
        Some("1")
    );
    drop(replica);
    drop(kvdb);
    std::fs::remove_dir_all(&dir).expect("the scratch directory removed");
}
