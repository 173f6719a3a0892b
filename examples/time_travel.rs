//! Time travel: a session's 30-minute TTL and a rate limiter's window tested in
//! milliseconds of wall time. The engine's clock moves forward on demand; keys whose
//! TTL passed are gone at once (active expiry runs as part of the move), and the
//! same control exists over the wire as `DEBUG CLOCK` for tests in other languages.
//!
//! Run: `cargo run --example time_travel`

#[path = "common/service.rs"]
mod service;

use std::time::Duration;

use kvdb::{Engine, RespClient};
use service::Service;

fn main() -> service::Result<()> {
    in_process()?;
    over_the_wire()?;
    Ok(())
}

/// Virtual time in-process: `Engine::advance`.
fn in_process() -> service::Result<()> {
    let engine = Engine::new();
    engine.set_time(1_700_000_000_000); // a fixed, repeatable "now"
    let mut service = Service::new(engine.session());

    service.login("ada", "t-1")?;
    engine.advance(Duration::from_secs(29 * 60));
    assert_eq!(service.user_for("t-1")?.as_deref(), Some("ada"));
    engine.advance(Duration::from_secs(60));
    assert_eq!(service.user_for("t-1")?, None, "expired after 30 minutes");
    // Gone from the keyspace, not only hidden: nobody had to read it.
    assert!(engine.keys(0).iter().all(|key| key != "session:t-1"));

    let allowed: Vec<bool> = (0..4)
        .map(|_| service.allow("10.0.0.1", 3, 60))
        .collect::<Result<_, _>>()?;
    assert_eq!(allowed, [true, true, true, false]);
    engine.advance(Duration::from_secs(60));
    assert!(service.allow("10.0.0.1", 3, 60)?, "a new window");
    println!("in-process: a 30-minute session and a 1-minute window, without waiting");
    Ok(())
}

/// The same over TCP with `DEBUG CLOCK`, as a Python or Node suite would drive
/// `kvdb-server --enable-debug-command yes`.
fn over_the_wire() -> service::Result<()> {
    let server = service::debug_server()?;
    let mut service = Service::new(RespClient::connect(server.addr())?);
    let mut control = RespClient::connect(server.addr())?;

    for _ in 0..5 {
        service.record_view("home")?;
    }
    control.call(["DEBUG", "CLOCK", "ADVANCE", &(23 * 3600 * 1000).to_string()])?;
    assert_eq!(service.views("home")?, 5);
    control.call(["DEBUG", "CLOCK", "ADVANCE", &(3600 * 1000).to_string()])?;
    assert_eq!(service.views("home")?, 0, "the day is over");
    control.call(["DEBUG", "CLOCK", "REAL"])?;
    println!("over the wire: a day of page views in one DEBUG CLOCK ADVANCE");
    Ok(())
}
