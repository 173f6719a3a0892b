//! Testing a service in-process: kvdb's engine stands in for Redis with no server
//! and no socket, and the test reads state directly and asserts on the command log.
//!
//! Run: `cargo run --example service_in_process`

#[path = "common/service.rs"]
mod service;

use kvdb::{Engine, InspectedValue, Origin};
use service::{Service, VIEWS_TTL_SECS};

fn main() -> service::Result<()> {
    let engine = Engine::new();
    engine.command_log().start();
    let mut service = Service::new(engine.session());

    let seen = service::scenario(&mut service)?;
    for line in &seen {
        println!("{line}");
    }
    assert_eq!(seen[2], "view home -> 3");
    assert_eq!(seen[5], "user of t-1 = Some(\"ada\")");
    assert_eq!(seen[10], "call 4 allowed = false");

    // State, read without commands: the counter and its day-long TTL.
    let views = engine
        .inspect(0, b"views:home")
        .expect("the counter exists");
    assert_eq!(views.value, InspectedValue::String("3".into()));
    assert_eq!(
        views.ttl_ms.map(|ms| ms.div_ceil(1000)),
        Some(VIEWS_TTL_SECS as u64)
    );
    let mut keys = engine.keys(0);
    keys.sort();
    assert_eq!(keys, ["ratelimit:10.0.0.1", "session:t-1", "views:home"]);

    // The command log: the first rate-limit call found no script cached, loaded it
    // and retried; the script's own commands are logged as its.
    let log = engine.command_log().take();
    let names: Vec<String> = log.iter().map(|entry| entry.name()).collect();
    let first_run = names
        .iter()
        .position(|name| name == "evalsha")
        .expect("EVALSHA ran");
    assert_eq!(
        names[first_run..first_run + 5],
        ["evalsha", "script", "incr", "expire", "evalsha"]
    );
    assert!(log[first_run]
        .reply
        .as_ref()
        .and_then(|reply| reply.as_error())
        .is_some_and(|e| e.starts_with("NOSCRIPT")));
    let by_scripts = log
        .iter()
        .filter(|entry| entry.origin == Origin::Script)
        .count();
    assert_eq!(by_scripts, 5, "four INCRs and the first call's EXPIRE");
    println!(
        "ok: {} commands logged, {by_scripts} of them by the Lua program",
        log.len()
    );
    Ok(())
}
