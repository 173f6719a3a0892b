//! Runs the engine's fuzz target bodies over their committed seed corpora
//! (`fuzz/seeds/restore_payload`: payloads Redis 7.0 made, older formats and broken
//! ones; `fuzz/seeds/stream_payload`: stream bodies Redis 7.0 made; `fuzz/seeds/hll_value`: HyperLogLog strings Redis made, and corrupt ones), so
//! every CI run exercises what the fuzzers start from.

use std::path::Path;

#[test]
fn restore_target_survives_every_seed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/restore_payload");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let data = std::fs::read(entry.expect("readable entry").path()).expect("readable seed");
        kvdb_engine::rdb::fuzz::restore_target(&data);
        count += 1;
    }
    assert!(count >= 10, "only {count} seeds in {}", dir.display());
}

#[test]
fn stream_target_survives_every_seed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/stream_payload");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let data = std::fs::read(entry.expect("readable entry").path()).expect("readable seed");
        kvdb_engine::rdb::fuzz::stream_target(&data);
        count += 1;
    }
    assert!(count >= 5, "only {count} seeds in {}", dir.display());
}

#[test]
fn hll_target_survives_every_seed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/hll_value");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let data = std::fs::read(entry.expect("readable entry").path()).expect("readable seed");
        kvdb_engine::hyperloglog::fuzz_target(&data);
        count += 1;
    }
    assert!(count >= 10, "only {count} seeds in {}", dir.display());
}
