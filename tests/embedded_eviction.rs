//! `maxmemory` in an embedded engine: with `kvdb::CountingAllocator` as the program's
//! global allocator (as this test binary has it), `used_memory` is what the program's
//! allocations hold and eviction keeps it under the limit; virtual time makes some keys
//! idle, and LRU eviction spares the ones used since. One test only: the count is the
//! whole process's, so no other test may allocate meanwhile.

use std::time::Duration;

use kvdb::{CountingAllocator, Engine, Reply, Session, SessionExt};

#[global_allocator]
static ALLOCATOR: CountingAllocator<std::alloc::System> =
    CountingAllocator::new(std::alloc::System);

/// The number after `field:` in INFO.
fn info_number(session: &mut Session, field: &str) -> u64 {
    let Reply::Verbatim(_, text) = session.call(["INFO"]) else {
        panic!("INFO answers text");
    };
    let text = String::from_utf8_lossy(&text).into_owned();
    let prefix = format!("{field}:");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in INFO"))
}

#[test]
fn lru_eviction_keeps_memory_under_the_limit_and_spares_recent_keys() {
    let engine = Engine::new();
    let mut session = engine.session();
    let value = "x".repeat(500);
    for n in 0..2000 {
        session.call(["SET", &format!("key:{n}"), &value]);
    }
    engine.advance(Duration::from_secs(60));
    for n in 0..200 {
        assert_eq!(
            session.call(["GET", &format!("key:{n}")]),
            Reply::bulk(value.clone())
        );
    }
    // No time limit on one round of eviction (a debug build is slow), so that it is
    // all done by the CONFIG SET that sets the limit.
    assert_eq!(
        session.call([
            "CONFIG",
            "SET",
            "maxmemory-policy",
            "allkeys-lru",
            "maxmemory-eviction-tenacity",
            "100"
        ]),
        Reply::Ok
    );
    let used = info_number(&mut session, "used_memory");
    let limit = used - 400_000;
    assert_eq!(
        session.call(["CONFIG", "SET", "maxmemory", &limit.to_string()]),
        Reply::Ok
    );
    let evicted = info_number(&mut session, "evicted_keys");
    assert!((500..1200).contains(&evicted), "{evicted} keys evicted");
    assert!(info_number(&mut session, "used_memory") <= limit + 4096);
    for n in 0..200 {
        assert_eq!(
            session.call(["EXISTS", &format!("key:{n}")]),
            Reply::Int(1),
            "key:{n} was used a minute after the others"
        );
    }
    // More writes keep it there, evicting as they go.
    for n in 2000..3000 {
        assert_eq!(
            session.call(["SET", &format!("key:{n}"), &value]),
            Reply::Ok
        );
    }
    assert!(info_number(&mut session, "used_memory") <= limit + 4096);
    assert!(info_number(&mut session, "evicted_keys") > evicted + 900);
    // Under noeviction the limit refuses writes instead.
    session.call(["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
    session.call(["CONFIG", "SET", "maxmemory", "1"]);
    assert_eq!(
        session.call(["SET", "one", "more"]).as_error(),
        Some("OOM command not allowed when used memory > 'maxmemory'.")
    );
    assert_eq!(session.call(["CONFIG", "SET", "maxmemory", "0"]), Reply::Ok);
    assert_eq!(session.call(["SET", "one", "more"]), Reply::Ok);
}
