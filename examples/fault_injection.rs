//! Fault injection: the failures a service meets in production, made to happen in a
//! test. The script cache emptied by a failover (`NOSCRIPT`), a server still loading
//! its data (`LOADING`), a command that is slow, a connection that drops.
//!
//! Run: `cargo run --example fault_injection`

#[path = "common/service.rs"]
mod service;

use std::time::{Duration, Instant};

use kvdb::{Engine, Fault, RespClient};
use service::Service;

fn main() -> service::Result<()> {
    in_process()?;
    over_the_wire()?;
    Ok(())
}

fn in_process() -> service::Result<()> {
    let engine = Engine::new();
    let mut service = Service::new(engine.session());
    assert!(service.allow("10.0.0.1", 3, 60)?);

    // After a failover the new server has no scripts: the program is loaded again
    // with SCRIPT LOAD and the call retried, and the caller never knows.
    engine.command_log().start();
    engine.inject(Fault::error("NOSCRIPT").command("evalsha"));
    assert!(service.allow("10.0.0.1", 3, 60)?);
    let names: Vec<String> = engine
        .command_log()
        .take()
        .iter()
        .map(|e| e.name())
        .collect();
    assert_eq!(names, ["evalsha", "script", "incr", "evalsha"]);
    engine.command_log().stop();

    // A server still loading its dataset: the service reports it, no data changes.
    engine.inject(Fault::error("LOADING").key("views:*").times(2));
    for _ in 0..2 {
        let error = service.record_view("home").unwrap_err();
        assert_eq!(
            error.to_string(),
            "LOADING Redis is loading the dataset in memory"
        );
    }
    assert_eq!(
        service.record_view("home")?,
        1,
        "the third try goes through"
    );

    // A dropped connection surfaces as an I/O error; the command did not run.
    engine.inject(Fault::drop_connection().command("set"));
    let error = service.login("ada", "t-1").unwrap_err();
    let io = error
        .downcast_ref::<std::io::Error>()
        .expect("an I/O error");
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionReset);
    assert_eq!(service.user_for("t-1")?, None);
    println!("in-process: NOSCRIPT recovered, LOADING reported, a drop seen as a reset");
    Ok(())
}

fn over_the_wire() -> service::Result<()> {
    let server = service::debug_server()?;
    let mut service = Service::new(RespClient::connect(server.addr())?);
    let mut control = RespClient::connect(server.addr())?;

    // A slow server: the next GET of a session waits 200 ms; a client with a
    // shorter timeout gives up.
    control.call([
        "DEBUG",
        "FAULT",
        "DELAY",
        "200",
        "COMMAND",
        "get",
        "KEY",
        "session:*",
    ])?;
    service
        .connection()
        .set_timeout(Some(Duration::from_millis(50)))?;
    let started = Instant::now();
    let error = service.user_for("t-1").unwrap_err();
    let io = error
        .downcast_ref::<std::io::Error>()
        .expect("an I/O error");
    assert!(matches!(
        io.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ));
    assert!(started.elapsed() < Duration::from_millis(200));

    // The server closes the connection on the next INCR: the client sees it closed.
    control.call(["DEBUG", "FAULT", "DROP", "COMMAND", "incr"])?;
    let mut fresh = Service::new(RespClient::connect(server.addr())?);
    let error = fresh.record_view("home").unwrap_err();
    assert!(error.downcast_ref::<std::io::Error>().is_some(), "{error}");
    println!("over the wire: a slow GET timed out, a dropped INCR closed the connection");
    Ok(())
}
