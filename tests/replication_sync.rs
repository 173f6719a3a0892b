//! A real redis-server 7.0 as a replica of kvdb-server: the full synchronization of
//! every type, the stream after it, WAIT, ROLE and INFO as the master shows them, a
//! partial resynchronization after the link drops, and `REPLCONF rdb-only`. The
//! replica's `DEBUG DIGEST` must equal kvdb's after each step.

mod support;

use std::time::Duration;

use support::replication::{digest, eventually, info_field, text, DATASET, WRITES};
use support::ServerProcess;

#[test]
fn a_redis_replica_follows_kvdb() {
    let kvdb = ServerProcess::kvdb_with_args(&[
        "--repl-ping-replica-period",
        "1",
        "--enable-debug-command",
        "yes",
    ]);
    let mut master = kvdb.connect();
    for command in DATASET {
        master.cmd(command);
    }
    let kvdb_port = kvdb.addr().port().to_string();
    let redis = ServerProcess::redis_with_args(&["--replicaof", "127.0.0.1", &kvdb_port]);
    let mut replica = redis.connect();
    eventually("the replica's link", || {
        info_field(&mut replica, "replication", "master_link_status").as_deref() == Some("up")
    });
    assert_eq!(
        digest(&mut replica),
        digest(&mut master),
        "after the full sync"
    );

    for command in WRITES {
        master.cmd(command);
    }
    // WAIT asks the replica to acknowledge, and answers once it has.
    assert_eq!(master.cmd("WAIT 1 5000"), b":1\r\n");
    assert_eq!(
        digest(&mut replica),
        digest(&mut master),
        "after the stream"
    );
    // More replicas than there are: the count at the timeout.
    assert_eq!(master.cmd("WAIT 2 50"), b":1\r\n");

    let role = text(master.cmd("ROLE"));
    let replica_port = redis.addr().port().to_string();
    assert!(role.starts_with("*3\r\n$6\r\nmaster\r\n:"), "{role}");
    assert!(role.contains(&format!(
        "$9\r\n127.0.0.1\r\n${}\r\n{replica_port}\r\n",
        replica_port.len()
    )));
    assert_eq!(
        info_field(&mut master, "replication", "connected_slaves").as_deref(),
        Some("1")
    );
    let line = info_field(&mut master, "replication", "slave0").expect("slave0 line");
    assert!(
        line.starts_with(&format!(
            "ip=127.0.0.1,port={replica_port},state=online,offset="
        )),
        "{line}"
    );
    assert_eq!(
        info_field(&mut master, "replication", "master_replid"),
        info_field(&mut replica, "replication", "master_replid"),
    );
    let clients = text(master.cmd("CLIENT LIST TYPE replica"));
    assert_eq!(clients.matches("id=").count(), 1, "{clients}");
    assert!(clients.contains("flags=S "), "{clients}");
    assert_eq!(
        info_field(&mut master, "clients", "connected_clients").as_deref(),
        Some("1")
    );

    // The link drops; the replica comes back with PSYNC and continues from the backlog.
    master.cmd("CLIENT KILL TYPE replica");
    master.cmd("SET after-reconnect 1");
    eventually("the partial resync", || {
        info_field(&mut master, "stats", "sync_partial_ok").as_deref() == Some("1")
    });
    assert_eq!(master.cmd("WAIT 1 5000"), b":1\r\n");
    assert_eq!(
        digest(&mut replica),
        digest(&mut master),
        "after the partial resync"
    );
    assert_eq!(
        info_field(&mut master, "stats", "sync_full").as_deref(),
        Some("1")
    );
    // The keep-alive PINGs move both offsets alike.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(master.cmd("WAIT 1 5000"), b":1\r\n");
    assert_eq!(
        info_field(&mut master, "replication", "master_repl_offset"),
        info_field(&mut replica, "replication", "master_repl_offset"),
    );
}

/// `REPLCONF rdb-only 1` then `SYNC`: the RDB alone, then the connection closes (what
/// `redis-cli --rdb` asks for).
#[test]
fn rdb_only_sends_the_snapshot_and_closes() {
    let kvdb = ServerProcess::kvdb();
    let mut master = kvdb.connect();
    master.cmd("SET k v");
    let mut conn = kvdb.connect();
    assert_eq!(conn.cmd("REPLCONF rdb-only 1"), b"+OK\r\n");
    conn.send_raw(b"SYNC\r\n");
    let (bytes, closed) = conn.read_until_close(Duration::from_secs(5));
    assert!(closed, "the connection closes after the RDB");
    let header_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .expect("a length line");
    let len: usize = std::str::from_utf8(&bytes[1..header_end - 1])
        .unwrap()
        .parse()
        .unwrap();
    let payload = &bytes[header_end + 1..];
    assert_eq!(payload.len(), len);
    assert!(payload.starts_with(b"REDIS0010"));
    assert!(
        payload.windows(5).any(|w| w == b"\x00\x01k\x01v"),
        "the key k"
    );
    assert_eq!(master.cmd("SET k2 v"), b"+OK\r\n");
    assert_eq!(
        info_field(&mut master, "replication", "connected_slaves").as_deref(),
        Some("0")
    );
}

/// The backlog outlives the last replica by `repl-backlog-ttl` seconds, then goes
/// (`repl_backlog_active:0`), on both servers.
#[test]
fn the_backlog_is_freed_after_its_ttl_without_replicas() {
    for server in [ServerProcess::redis(), ServerProcess::kvdb()] {
        let mut admin = server.connect();
        admin.cmd("CONFIG SET repl-backlog-ttl 1");
        let mut replica = server.connect();
        replica.send_raw(b"SYNC\r\n");
        // Newlines while the RDB is made, then its length line and payload.
        let (bytes, _) = replica.read_until_close(Duration::from_millis(1500));
        assert!(
            bytes.windows(5).any(|w| w == b"REDIS"),
            "{}: an RDB",
            server.name()
        );
        assert_eq!(
            info_field(&mut admin, "replication", "repl_backlog_active").as_deref(),
            Some("1")
        );
        drop(replica);
        eventually("the backlog to go", || {
            info_field(&mut admin, "replication", "repl_backlog_active").as_deref() == Some("0")
        });
    }
}

#[test]
fn replicas_of_a_restarted_master_resume() {
    let dir = support::scratch_dir("master-restart");
    let dir_arg = dir.to_string_lossy().into_owned();
    let first =
        ServerProcess::kvdb_with_args(&["--dir", &dir_arg, "--enable-debug-command", "yes"]);
    let port = first.addr().port().to_string();
    let mut master = first.connect();
    for command in DATASET {
        master.cmd(command);
    }
    let redis = ServerProcess::redis_with_args(&["--replicaof", "127.0.0.1", &port]);
    let mut replica = redis.connect();
    let link_up = |replica: &mut support::RawConn| {
        info_field(replica, "replication", "master_link_status").as_deref() == Some("up")
    };
    eventually("the replica's link", || link_up(&mut replica));
    master.cmd("SELECT 4");
    master.cmd("SET before-restart 1");
    assert_eq!(master.cmd("WAIT 1 5000"), b":1\r\n");
    let old_replid = info_field(&mut master, "replication", "master_replid");
    // Saved with its stream's position, stopped, and started again on the same port.
    assert_eq!(master.cmd("SAVE"), b"+OK\r\n");
    drop(master);
    drop(first);
    let second = ServerProcess::kvdb_with_args(&[
        "--dir",
        &dir_arg,
        "--port",
        &port,
        "--enable-debug-command",
        "yes",
    ]);
    let mut master = second.connect();
    assert_eq!(
        info_field(&mut master, "replication", "master_replid2"),
        old_replid
    );
    eventually("the replica to resume", || {
        info_field(&mut master, "stats", "sync_partial_ok").as_deref() == Some("1")
    });
    eventually("the replica's link", || link_up(&mut replica));
    master.cmd("SET after-restart 1");
    assert_eq!(master.cmd("WAIT 1 5000"), b":1\r\n");
    assert_eq!(digest(&mut replica), digest(&mut master));
    assert_eq!(
        info_field(&mut master, "stats", "sync_full").as_deref(),
        Some("0")
    );
    drop(master);
    drop(second);
    std::fs::remove_dir_all(&dir).expect("the scratch directory removed");
}
