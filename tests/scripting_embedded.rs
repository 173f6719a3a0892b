//! Scripting in-process, where kvdb adds to Redis: the Lua memory cap, scripts in a
//! forked engine, and a script another thread's session finds busy.

use std::time::Duration;

use kvdb::{Engine, Reply, SessionExt};

#[test]
fn a_script_past_the_memory_cap_fails_cleanly_and_the_engine_goes_on() {
    let engine = Engine::builder().lua_memory_limit(16 << 20).build();
    let mut session = engine.session();
    let reply = session.call([
        "EVAL",
        "local t = {} for i = 1, 1e8 do t[i] = string.rep('x', 64) .. i end return #t",
        "0",
    ]);
    let error = reply.as_error().expect("an error reply");
    assert!(
        error.contains("more memory than the Lua memory limit allows"),
        "{error}"
    );
    assert_eq!(session.call(["EVAL", "return 1 + 1", "0"]), Reply::Int(2));
}

#[test]
fn a_fork_runs_the_scripts_cached_before_it() {
    let engine = Engine::new();
    let mut session = engine.session();
    let sha = session.call(["SCRIPT", "LOAD", "return ARGV[1] .. '!'"]);
    let sha = sha.as_str().expect("a SHA").to_string();
    let fork = engine.fork();
    let mut forked = fork.session();
    assert_eq!(
        forked.call(["EVALSHA", &sha, "0", "hi"]),
        Reply::bulk("hi!")
    );
    assert_eq!(
        forked
            .call(["SCRIPT", "EXISTS", &sha])
            .as_array()
            .map(|a| a.to_vec()),
        Some(vec![Reply::Int(1)])
    );
}

#[test]
fn another_session_gets_busy_and_kills_the_script() {
    let engine = Engine::new();
    engine
        .session()
        .call(["CONFIG", "SET", "busy-reply-threshold", "20"]);
    let runner = {
        let engine = engine.clone();
        std::thread::spawn(move || engine.session().call(["EVAL", "while true do end", "0"]))
    };
    let mut other = engine.session();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let busy = loop {
        let reply = other.call(["PING"]);
        if reply.is_error() || std::time::Instant::now() > deadline {
            break reply;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(
        busy.as_error().is_some_and(|e| e.starts_with("BUSY ")),
        "{busy:?}"
    );
    assert_eq!(other.call(["SCRIPT", "KILL"]), Reply::Ok);
    let killed = runner.join().expect("the script's thread");
    assert!(
        killed
            .as_error()
            .is_some_and(|e| e.starts_with("ERR Script killed by user with SCRIPT KILL...")),
        "{killed:?}"
    );
    assert_eq!(other.call(["PING"]), Reply::status("PONG"));
}
