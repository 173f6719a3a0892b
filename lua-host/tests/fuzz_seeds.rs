//! Runs the `lua_eval` fuzz target body over the committed seeds (`fuzz/seeds/lua_eval`),
//! so every seed (and every crash a fuzzing run turns into one) is checked in CI.

#[test]
fn every_seed_runs_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/lua_eval");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("the seed directory exists") {
        let path = entry.expect("a directory entry").path();
        let data = std::fs::read(&path).expect("a readable seed");
        kvdb_lua::fuzz::eval_target(&data);
        count += 1;
    }
    assert!(count >= 10, "only {count} seeds in {}", dir.display());
}
