//! The command table against real Redis 7.0.15's `COMMAND` reply
//! (`../shared/redis-7.0.15-commands.json`, next to the repository): every command kvdb
//! has must declare the same arity, flags, key positions and ACL categories.
//! (serde_json is a dev-dependency for this: a hand-rolled JSON reader would be fragile.)

use super::*;

/// One command's metadata as compared: (name, arity, flags, first, last, step, categories).
type Meta = (String, i64, Vec<String>, i64, i64, i64, Vec<String>);

/// The reference: every command and subcommand of real Redis 7.0.15.
fn reference() -> Option<Vec<Meta>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/redis-7.0.15-commands.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut out = Vec::new();
    for command in json["commands"].as_array()? {
        out.push(meta_of(command));
        for sub in command["subcommands"].as_array().into_iter().flatten() {
            out.push(meta_of(sub));
        }
    }
    Some(out)
}

fn meta_of(command: &serde_json::Value) -> Meta {
    let strings = |field: &str| -> Vec<String> {
        command[field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    let int = |field: &str| command[field].as_i64().unwrap_or(i64::MIN);
    (
        command["name"].as_str().unwrap_or_default().to_string(),
        int("arity"),
        strings("flags"),
        int("first_key"),
        int("last_key"),
        int("step"),
        strings("acl_categories"),
    )
}

fn names(bits: u32, table: &[(u32, &str)]) -> Vec<String> {
    table
        .iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, name)| name.to_string())
        .collect()
}

#[test]
fn every_command_matches_redis_metadata() {
    let Some(reference) = reference() else {
        eprintln!("shared/redis-7.0.15-commands.json not found; skipping");
        return;
    };
    let mut checked = 0;
    for spec in &table().all {
        for candidate in std::iter::once(*spec).chain(spec.subcommands.iter()) {
            if candidate.name == "client|setinfo" {
                continue; // Redis 7.2's, not in the 7.0 reference.
            }
            let Some(expected) = reference.iter().find(|r| r.0 == candidate.name) else {
                panic!("{} is not a Redis 7.0.15 command", candidate.name);
            };
            let actual = (
                candidate.name.to_string(),
                i64::from(candidate.arity),
                names(candidate.flags, flags::NAMES),
                i64::from(candidate.first_key),
                i64::from(candidate.last_key),
                i64::from(candidate.key_step),
                names(candidate.acl_categories(), acl::NAMES),
            );
            assert_eq!(&actual, expected, "metadata of {}", candidate.name);
            checked += 1;
        }
    }
    assert!(checked > 70, "checked only {checked} commands");
}

#[test]
fn lookup_is_case_insensitive_and_rejects_long_names() {
    assert_eq!(table().get(b"GeT").map(|s| s.name), Some("get"));
    assert!(table().get(&[b'a'; 100]).is_none());
}

#[test]
fn unknown_subcommand_names_the_container() {
    let argv = [Bytes::from_static(b"config"), Bytes::from_static(b"nope")];
    assert_eq!(
        table().resolve(&argv).unwrap_err().message(),
        "ERR unknown subcommand 'nope'. Try CONFIG HELP."
    );
}
