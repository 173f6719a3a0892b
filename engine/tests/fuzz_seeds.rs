//! Runs the engine's fuzz target bodies over their committed seed corpora
//! (`fuzz/seeds/restore_payload`: payloads Redis 7.0 made, older formats and broken
//! ones; `fuzz/seeds/stream_payload`: stream bodies Redis 7.0 made; `fuzz/seeds/hll_value`: HyperLogLog strings Redis made, and corrupt ones;
//! `fuzz/seeds/aof_file`: manifests and append-only files, whole, cut and broken), so
//! every CI run exercises what the fuzzers start from.

use std::path::Path;

/// Runs `target` over every seed in `fuzz/seeds/<corpus>`, of which there must be at
/// least `min`.
fn run_seeds(corpus: &str, min: usize, target: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/seeds")
        .join(corpus);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let data = std::fs::read(entry.expect("readable entry").path()).expect("readable seed");
        target(&data);
        count += 1;
    }
    assert!(count >= min, "only {count} seeds in {}", dir.display());
}

#[test]
fn restore_target_survives_every_seed() {
    run_seeds(
        "restore_payload",
        10,
        kvdb_engine::rdb::fuzz::restore_target,
    );
}

#[test]
fn stream_target_survives_every_seed() {
    run_seeds("stream_payload", 5, kvdb_engine::rdb::fuzz::stream_target);
}

#[test]
fn aof_target_survives_every_seed() {
    run_seeds("aof_file", 8, kvdb_engine::command::aof::fuzz_target);
}

#[test]
fn hll_target_survives_every_seed() {
    run_seeds("hll_value", 10, kvdb_engine::hyperloglog::fuzz_target);
}
