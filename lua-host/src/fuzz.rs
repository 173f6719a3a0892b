//! The body of the `lua_eval` fuzz target (`fuzz/fuzz_targets/lua_eval.rs`), here so
//! that ordinary tests run it over the committed seeds (`lua-host/tests/fuzz_seeds.rs`).
//!
//! Any bytes are run as a script with `EVAL_RO` (read-only, so always killable) on one
//! in-process engine, keys and arguments included: whatever the script does —
//! errors, deep tables, huge strings, endless loops (a watchdog kills those) — the
//! engine must answer and stay usable, never panic or hang. It exercises the parts
//! of the host that hold `unsafe` on every run and every `redis.call`: the run slot
//! and the C-API paths of `raw.rs`.

use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use kvdb_engine::scripting::RunKind;
use kvdb_engine::{Engine, Reply};

/// How long a fuzzed script may run before the watchdog kills it.
const SCRIPT_TIME_LIMIT: Duration = Duration::from_millis(50);

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let engine = Engine::builder()
            .script_host(crate::factory(64 << 20))
            .build();
        let status = engine.shared().script_status.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(SCRIPT_TIME_LIMIT / 5);
            let overdue = status
                .running_for()
                .is_some_and(|(_, ms)| ms > SCRIPT_TIME_LIMIT.as_millis() as u64);
            if overdue {
                status.force_stop();
                let _ = status.kill(RunKind::Eval);
            }
        });
        engine
    })
}

/// Runs `data` as a script: the first line, if it starts with `--`, lists keys and
/// arguments separated by spaces (`-- k1 k2 | a1 a2`).
pub fn eval_target(data: &[u8]) {
    let engine = engine();
    let mut session = engine.session();
    let (keys, args) = parameters(data);
    let mut argv = vec![
        Bytes::from_static(b"EVAL_RO"),
        Bytes::copy_from_slice(data),
        Bytes::from(keys.len().to_string()),
    ];
    argv.extend(keys);
    argv.extend(args);
    session.execute(&argv);
    // The engine must still answer, and scripts still run.
    let ping = [
        Bytes::from_static(b"EVAL"),
        Bytes::from_static(b"return 1"),
        Bytes::from_static(b"0"),
    ];
    assert_eq!(session.execute(&ping), Reply::Int(1));
}

fn parameters(data: &[u8]) -> (Vec<Bytes>, Vec<Bytes>) {
    let first_line = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let Some(spec) = first_line.strip_prefix(b"--") else {
        return (Vec::new(), Vec::new());
    };
    let words = |part: &[u8]| -> Vec<Bytes> {
        part.split(|&b| b == b' ')
            .filter(|word| !word.is_empty())
            .map(Bytes::copy_from_slice)
            .collect()
    };
    match spec.iter().position(|&b| b == b'|') {
        Some(bar) => (words(&spec[..bar]), words(&spec[bar + 1..])),
        None => (words(spec), Vec::new()),
    }
}
