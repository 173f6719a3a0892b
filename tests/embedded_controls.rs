//! The test controls no Redis has, end to end: fault injection in-process
//! (`Engine::inject`) and over the wire (`DEBUG FAULT`), the structured command log,
//! and `kvdb::Server` on a unix socket and on the caller's tokio runtime.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use bytes::Bytes;
use kvdb::{
    cmd, Config, Connection, Engine, Fault, LoggedCommand, Origin, Reply, RespClient, Server,
    SessionExt,
};

/// An engine that allows DEBUG (as `--enable-debug-command yes` does).
fn debug_engine() -> Engine {
    let mut config = Config::default();
    config
        .load_file_text("enable-debug-command yes")
        .expect("a valid directive");
    Engine::builder().config(config).build()
}

fn error_text(reply: &Reply) -> String {
    reply.as_error().expect("an error reply").to_string()
}

#[test]
fn in_process_faults_fail_match_and_expire() {
    let engine = Engine::new();
    let mut session = engine.session();
    session.call(["SET", "user:1", "ada"]);
    engine.inject(
        Fault::error("LOADING")
            .command("get")
            .key("user:*")
            .times(2),
    );
    // Another command, or another key, is not caught.
    assert_eq!(session.call(["GET", "other"]), Reply::Nil);
    assert_eq!(session.call(["STRLEN", "user:1"]), Reply::Int(3));
    for _ in 0..2 {
        assert_eq!(
            error_text(&session.call(["GET", "user:1"])),
            "LOADING Redis is loading the dataset in memory"
        );
    }
    assert_eq!(session.call(["GET", "user:1"]), Reply::bulk("ada"));
    assert!(engine.shared().faults.list().is_empty());

    engine.inject(Fault::error("TRYAGAIN not now").always());
    for _ in 0..3 {
        assert_eq!(error_text(&session.call(["PING"])), "TRYAGAIN not now");
    }
    engine.clear_faults();
    assert_eq!(session.call(["PING"]), Reply::status("PONG"));
}

#[test]
fn in_process_drop_is_a_connection_reset_and_delay_is_real_time() {
    let engine = Engine::new();
    let mut session = engine.session();
    engine.inject(Fault::drop_connection().command("set"));
    let error = session
        .command(&[Bytes::from("SET"), Bytes::from("k"), Bytes::from("v")])
        .expect_err("the connection drops");
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset);
    // The dropped command did not run; the session goes on.
    assert_eq!(session.call(["EXISTS", "k"]), Reply::Int(0));

    engine.inject(Fault::delay(Duration::from_millis(30)));
    let started = Instant::now();
    assert_eq!(session.call(["PING"]), Reply::status("PONG"));
    assert!(started.elapsed() >= Duration::from_millis(30));
}

#[test]
fn debug_fault_over_the_wire() {
    let server = Server::start(debug_engine()).unwrap();
    let mut client = RespClient::connect(server.addr()).unwrap();
    let mut call = |argv: &[&str]| client.call(argv).unwrap();
    assert_eq!(
        call(&["DEBUG", "FAULT", "ERROR", "NOSCRIPT", "COMMAND", "evalsha"]),
        Reply::Ok
    );
    assert_eq!(
        call(&["DEBUG", "FAULT", "ERROR", "OOM", "KEY", "cache:*", "COUNT", "0"]),
        Reply::Ok
    );
    assert_eq!(
        call(&["DEBUG", "FAULT", "LIST"]),
        Reply::Array(vec![
            Reply::bulk("ERROR \"NOSCRIPT No matching script. Please use EVAL.\" COMMAND evalsha COUNT 1"),
            Reply::bulk(
                "ERROR \"OOM command not allowed when used memory > 'maxmemory'.\" KEY \"cache:*\" COUNT 0"
            ),
        ])
    );
    let sha = call(&["SCRIPT", "LOAD", "return 1"]);
    let sha = String::from_utf8(sha.as_bytes().unwrap().to_vec()).unwrap();
    assert_eq!(
        error_text(&call(&["EVALSHA", &sha, "0"])),
        "NOSCRIPT No matching script. Please use EVAL."
    );
    assert_eq!(call(&["EVALSHA", &sha, "0"]), Reply::Int(1));
    for _ in 0..2 {
        assert!(error_text(&call(&["SET", "cache:a", "1"])).starts_with("OOM "));
    }
    assert_eq!(call(&["SET", "plain", "1"]), Reply::Ok);
    // DEBUG itself is never caught, so CLEAR gets through a catch-all rule.
    assert_eq!(
        call(&["DEBUG", "FAULT", "ERROR", "ERR down", "COUNT", "0"]),
        Reply::Ok
    );
    assert_eq!(error_text(&call(&["PING"])), "ERR down");
    assert_eq!(call(&["DEBUG", "FAULT", "CLEAR"]), Reply::Ok);
    assert_eq!(call(&["DEBUG", "FAULT", "LIST"]), Reply::Array(vec![]));
    assert_eq!(call(&["PING"]), Reply::status("PONG"));
    for bad in [
        &["DEBUG", "FAULT"][..],
        &["DEBUG", "FAULT", "EXPLODE"],
        &["DEBUG", "FAULT", "DROP", "COUNT"],
        &["DEBUG", "FAULT", "DROP", "COLOR", "red"],
    ] {
        assert_eq!(error_text(&call(bad)), "ERR syntax error");
    }
    assert_eq!(
        error_text(&call(&["DEBUG", "FAULT", "DELAY", "soon"])),
        "ERR value is not an integer or out of range"
    );
}

#[test]
fn debug_fault_is_guarded_like_debug() {
    let server = Server::start(Engine::new()).unwrap();
    let mut client = RespClient::connect(server.addr()).unwrap();
    let reply = client.call(["DEBUG", "FAULT", "DROP"]).unwrap();
    assert!(error_text(&reply).starts_with("ERR DEBUG command not allowed."));
}

#[test]
fn a_dropped_command_closes_the_connection_after_earlier_replies() {
    let server = Server::start(debug_engine()).unwrap();
    let mut control = RespClient::connect(server.addr()).unwrap();
    let armed = control
        .call(["DEBUG", "FAULT", "DROP", "COMMAND", "INCR"])
        .unwrap();
    assert_eq!(armed, Reply::Ok);
    let mut socket = std::net::TcpStream::connect(server.addr()).unwrap();
    socket.write_all(b"PING\r\nINCR n\r\nPING\r\n").unwrap();
    let mut received = Vec::new();
    socket.read_to_end(&mut received).unwrap();
    assert_eq!(
        received, b"+PONG\r\n",
        "one reply, then the connection closed"
    );
    assert_eq!(control.call(["EXISTS", "n"]).unwrap(), Reply::Int(0));
}

#[test]
fn a_delayed_command_holds_up_only_its_own_client() {
    let server = Server::start(debug_engine()).unwrap();
    let mut control = RespClient::connect(server.addr()).unwrap();
    let armed = control.call(["DEBUG", "FAULT", "DELAY", "3000", "COMMAND", "get"]);
    assert_eq!(armed.unwrap(), Reply::Ok);
    let addr = server.addr();
    let slow = std::thread::spawn(move || {
        let mut client = RespClient::connect(addr).unwrap();
        client.call(["SET", "k", "v"]).unwrap();
        client.call(["GET", "k"]).unwrap()
    });
    // The rule is gone once it caught the GET, which now waits; everybody else is
    // served meanwhile.
    while control.call(["DEBUG", "FAULT", "LIST"]).unwrap() != Reply::Array(vec![]) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(control.call(["PING"]).unwrap(), Reply::status("PONG"));
    assert_eq!(control.call(["GET", "k"]).unwrap(), Reply::bulk("v"));
    assert!(!slow.is_finished(), "the delayed GET is still waiting");
    assert_eq!(slow.join().unwrap(), Reply::bulk("v"));
}

fn names(log: &[LoggedCommand]) -> Vec<String> {
    log.iter().map(LoggedCommand::name).collect()
}

#[test]
fn the_command_log_records_clients_transactions_and_scripts() {
    let engine = Engine::new();
    let mut session = engine.session();
    session.call(["SET", "before", "recording"]);
    engine.command_log().start();
    session.call(["CLIENT", "SETNAME", "worker"]);
    session.call(["SELECT", "2"]);
    session.call(cmd!("SET", "k", 1));
    session.call(["MULTI"]);
    session.call(["INCR", "k"]);
    session.call(["EXEC"]);
    session.call(["EVAL", "return redis.call('GET', KEYS[1])", "1", "k"]);
    session.call(["NOSUCH"]);
    engine.inject(Fault::error("LOADING").command("get"));
    session.call(["GET", "k"]);
    engine.command_log().stop();
    session.call(["GET", "after"]);

    let log = engine.command_log().take();
    // In the order they finished: what EXEC or a script ran comes before it.
    assert_eq!(
        names(&log),
        [
            "client", "select", "set", "multi", "incr", "incr", "exec", "get", "eval", "nosuch",
            "get"
        ]
    );
    let origins: Vec<Origin> = log.iter().map(|entry| entry.origin).collect();
    use Origin::*;
    assert_eq!(
        origins,
        [
            Client,
            Client,
            Client,
            Client,
            Client,
            Transaction,
            Client,
            Script,
            Client,
            Client,
            Client
        ]
    );
    // The database is the one the command ran in; SELECT itself ran in db 0.
    assert_eq!(log[1].db, 0);
    assert_eq!(log[2].db, 2);
    assert_eq!(log[0].client_name, Bytes::new());
    assert_eq!(log[2].client_name, Bytes::from("worker"));
    assert!(log.iter().all(|entry| entry.client_id == session.id()));
    assert_eq!(log[4].reply, Some(Reply::status("QUEUED")));
    assert_eq!(log[5].reply, Some(Reply::Int(2)));
    assert_eq!(log[6].reply, Some(Reply::Array(vec![Reply::Int(2)])));
    assert_eq!(log[7].reply, Some(Reply::bulk("2")));
    assert!(error_text(log[9].reply.as_ref().unwrap()).starts_with("ERR unknown command 'NOSUCH'"));
    assert_eq!(
        error_text(log[10].reply.as_ref().unwrap()),
        "LOADING Redis is loading the dataset in memory"
    );
    assert!(engine.command_log().entries().is_empty(), "taken");
}

#[test]
fn the_command_log_keeps_engine_time_and_marks_blocked_commands() {
    let engine = Engine::new();
    engine.set_time(1_700_000_000_000);
    engine.command_log().start();
    let mut waiter = engine.session();
    let blocked = std::thread::spawn(move || waiter.call(["BLPOP", "queue", "0"]));
    let mut producer = engine.session();
    while engine.command_log().entries().is_empty() {
        std::thread::sleep(Duration::from_millis(1));
    }
    engine.advance(Duration::from_secs(5));
    producer.call(["RPUSH", "queue", "job"]);
    assert_eq!(
        blocked.join().unwrap(),
        Reply::Array(vec![Reply::bulk("queue"), Reply::bulk("job")])
    );
    let log = engine.command_log().entries();
    assert_eq!(names(&log), ["blpop", "rpush"]);
    assert_eq!(log[0].reply, None, "BLPOP blocked: its reply came later");
    assert_eq!(log[0].time_ms, 1_700_000_000_000);
    assert_eq!(log[1].time_ms, 1_700_000_005_000);
}

#[test]
fn a_server_on_a_unix_socket_and_tcp() {
    let dir = std::env::temp_dir().join(format!("kvdb-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kvdb.sock");
    let server = Server::builder(Engine::new())
        .tcp("127.0.0.1:0")
        .unix(&path)
        .start()
        .unwrap();
    assert_eq!(server.unix_path(), Some(path.as_path()));
    let mut over_unix = RespClient::connect_unix(&path).unwrap();
    let mut over_tcp = RespClient::connect(server.addr()).unwrap();
    assert_eq!(over_unix.call(["SET", "k", "v"]).unwrap(), Reply::Ok);
    assert_eq!(over_tcp.call(["GET", "k"]).unwrap(), Reply::bulk("v"));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// One inline PING over a tokio socket, for servers on the test's own runtime.
async fn ping(addr: std::net::SocketAddr) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    socket.write_all(b"PING\r\n").await.unwrap();
    let mut reply = vec![0; 7];
    socket.read_exact(&mut reply).await.unwrap();
    reply
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_the_callers_multi_thread_runtime() {
    let first = Server::builder(Engine::new()).spawn().await.unwrap();
    let second = Server::builder(Engine::new()).spawn().await.unwrap();
    assert_ne!(first.addr(), second.addr());
    assert_eq!(ping(first.addr()).await, b"+PONG\r\n");
    assert_eq!(ping(second.addr()).await, b"+PONG\r\n");
    let addr = first.addr();
    first.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "stopped"
    );
    second.shutdown().await;
}

#[tokio::test]
async fn a_server_on_a_current_thread_runtime() {
    let server = Server::builder(Engine::new()).spawn().await.unwrap();
    assert_eq!(ping(server.addr()).await, b"+PONG\r\n");
    server.shutdown().await;
}

#[test]
fn maxmemory_needs_the_counting_allocator() {
    // This test binary allocates through the system allocator, uncounted: memory in
    // use cannot be measured, so no limit can be enforced, and setting one says why.
    let engine = Engine::new();
    let mut session = engine.session();
    let reply = session.call(["CONFIG", "SET", "maxmemory", "10mb"]);
    assert_eq!(
        error_text(&reply),
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - maxmemory needs \
         memory counted: install kvdb::CountingAllocator as the program's global allocator"
    );
    assert_eq!(session.call(["CONFIG", "SET", "maxmemory", "0"]), Reply::Ok);
}
