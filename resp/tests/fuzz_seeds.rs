//! Runs both fuzz target bodies over the committed seed corpus (`fuzz/seeds/`), so every
//! CI run exercises what the fuzzers start from and any crash that became a seed.

use std::path::Path;

fn run_seeds(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/seeds")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("readable entry").path();
        let data = std::fs::read(&path).expect("readable seed");
        body(&data);
        count += 1;
    }
    assert!(count >= 10, "only {count} seeds in {}", dir.display());
}

#[test]
fn decode_target_survives_every_seed() {
    run_seeds("resp_decode", kvdb_resp::fuzz::decode_target);
}

#[test]
fn request_target_survives_every_seed() {
    run_seeds("resp_request", kvdb_resp::fuzz::request_target);
}
