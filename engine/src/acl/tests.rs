//! Rules, descriptions, permission checks and the ACL file, with the answers Redis
//! 7.0.15 gives for the same rules (the differential tests compare the same through
//! the server).

use bytes::Bytes;

use super::*;

fn words(rules: &[&str]) -> Vec<Bytes> {
    rules
        .iter()
        .map(|rule| Bytes::copy_from_slice(rule.as_bytes()))
        .collect()
}

fn user(rules: &[&str]) -> Arc<User> {
    let mut acl = Acl::default();
    acl.set_user(b"u", &words(rules), false)
        .expect("valid rules");
    acl.user(b"u").unwrap().clone()
}

fn described(rules: &[&str]) -> String {
    String::from_utf8(user(rules).describe()).unwrap()
}

fn argv(line: &str) -> Vec<Bytes> {
    line.split(' ')
        .map(|word| Bytes::copy_from_slice(word.as_bytes()))
        .collect()
}

/// What `user` may do with `line`.
fn check(user: &User, line: &str) -> Result<(), Denied> {
    let argv = argv(line);
    let id = command::table().resolve_id(&argv).expect("a command");
    user.check(id, &argv)
}

#[test]
fn the_default_user_and_a_new_user_describe_as_redis_lists_them() {
    let acl = Acl::default();
    assert_eq!(acl.default_user().describe(), b"on nopass ~* &* +@all");
    assert_eq!(described(&[]), "off resetchannels -@all");
}

#[test]
fn command_rules_come_back_as_the_fewest_categories_and_commands() {
    assert_eq!(
        described(&["on", ">pass", "+get", "~k*"]),
        "on #d74ff0ee8da3b9806b18c877dbf29bbde50b5bd8e4dad7a3a725000feb82e8f1 ~k* \
         resetchannels -@all +get"
    );
    assert_eq!(
        described(&["+@all", "-@hash", "-@slow", "+hget"]),
        "off resetchannels +@all -@slow -@hash +hget"
    );
    // A container's rule covers its subcommands. Single commands come in command
    // table order (Redis's follow its hash table, and change from run to run).
    assert_eq!(
        described(&["-@all", "+config", "-config|set", "+select|0"]),
        "off resetchannels -@all +select|0 +config -config|set"
    );
    assert_eq!(
        described(&["%R~r*", "%W~w*", "%RW~rw*", "&news", "(+get ~x)"]),
        "off %R~r* %W~w* ~rw* resetchannels &news -@all (~x resetchannels -@all +get)"
    );
}

#[test]
fn reset_returns_a_user_to_a_new_ones_rules() {
    assert_eq!(
        described(&["on", "nopass", "~*", "&*", "+@all", "(+get)", "reset"]),
        "off sanitize-payload resetchannels -@all"
    );
}

#[test]
fn a_bad_rule_names_itself_and_changes_nothing() {
    // An empty rule is nothing at the top level and a syntax error in a selector.
    assert_eq!(described(&["", "+get"]), "off resetchannels -@all +get");
    let mut acl = Acl::default();
    acl.set_user(b"u", &words(&["+get"]), false).unwrap();
    let error = |rules: &[&str]| {
        let mut acl = acl.clone();
        let error = acl.set_user(b"u", &words(rules), false).unwrap_err();
        assert_eq!(
            acl.user(b"u").unwrap().describe(),
            b"off resetchannels -@all +get"
        );
        error
    };
    assert_eq!(
        error(&["+set", "nosuch"]),
        "Error in ACL SETUSER modifier 'nosuch': Syntax error"
    );
    assert_eq!(
        error(&["+nosuch"]),
        "Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL"
    );
    assert_eq!(
        error(&["allkeys", "~x"]),
        format!(
            "Error in ACL SETUSER modifier '~x': {}",
            RuleError::KeyAfterAllKeys.message()
        )
    );
    assert_eq!(
        error(&["+config|get|x"]),
        "Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand is \
         not supported"
    );
    assert_eq!(
        error(&["(+get \"\")"]),
        "Error in ACL SETUSER modifier '(+get \"\")': Syntax error"
    );
    assert_eq!(
        error(&["(+get", "~x"]),
        "Unmatched parenthesis in acl selector starting at '(+get'."
    );
    assert_eq!(
        error(&["<nope"]).split(": ").nth(1),
        Some(RuleError::NoSuchPassword.message())
    );
    assert_eq!(
        error(&["#abc"]).split(": ").nth(1),
        Some(RuleError::BadHash.message())
    );
}

#[test]
fn selectors_spread_over_arguments_are_joined() {
    let merged = merge_selector_arguments(&words(&["on", "(+get", "~a", "~b)", "(x)"])).unwrap();
    assert_eq!(merged, words(&["on", "(+get ~a ~b)", "(x)"]));
    // An opening parenthesis starts over, as in Redis.
    let merged = merge_selector_arguments(&words(&["(a", "(b", "c)"])).unwrap();
    assert_eq!(merged, words(&["(b c)"]));
}

#[test]
fn commands_first_arguments_and_subcommands_are_checked() {
    let user = user(&["+get", "+select|0", "+config|get", "allkeys"]);
    assert_eq!(check(&user, "get k"), Ok(()));
    assert_eq!(check(&user, "set k v"), Err(Denied::Command));
    assert_eq!(check(&user, "select 0"), Ok(()));
    assert_eq!(check(&user, "select 1"), Err(Denied::Command));
    assert_eq!(check(&user, "config get port"), Ok(()));
    assert_eq!(check(&user, "config set port 1"), Err(Denied::Command));
    // Commands that need no authentication need no permission either.
    assert_eq!(check(&user, "auth x"), Ok(()));
    // A call shorter than its key finder expects (redis.acl_check_cmd checks no
    // arity) is checked without the key it lacks.
    let keyed = self::user(&["+@all", "~x*"]);
    let set = command::table().resolve_id(&argv("set")).unwrap();
    assert_eq!(keyed.check(set, &argv("set")), Ok(()));
}

#[test]
fn keys_need_the_permission_their_command_uses_them_with() {
    let user = user(&["+@all", "%R~r*", "%W~w*", "~rw*"]);
    assert_eq!(check(&user, "get rkey"), Ok(()));
    assert_eq!(check(&user, "get wkey"), Err(Denied::Key(1)));
    assert_eq!(check(&user, "set wkey v"), Ok(()));
    assert_eq!(check(&user, "set rkey v"), Err(Denied::Key(1)));
    assert_eq!(check(&user, "copy rkey wkey"), Ok(()));
    assert_eq!(check(&user, "copy wkey rkey"), Err(Denied::Key(1)));
    assert_eq!(check(&user, "mset rw1 v other v"), Err(Denied::Key(3)));
    // SET ... GET reads the key too.
    assert_eq!(check(&user, "set wkey v GET"), Err(Denied::Key(1)));
    assert_eq!(check(&user, "set rwkey v GET"), Ok(()));
}

#[test]
fn channels_are_matched_and_patterns_compared_literally() {
    let user = user(&["+@all", "allkeys", "&news:*"]);
    assert_eq!(check(&user, "publish news:1 m"), Ok(()));
    assert_eq!(check(&user, "publish sport m"), Err(Denied::Channel(1)));
    assert_eq!(
        check(&user, "subscribe news:1 sport"),
        Err(Denied::Channel(2))
    );
    assert_eq!(check(&user, "psubscribe news:*"), Ok(()));
    assert_eq!(check(&user, "psubscribe news:1*"), Err(Denied::Channel(1)));
    assert_eq!(check(&user, "unsubscribe sport"), Ok(()));
}

#[test]
fn any_selector_may_allow_and_the_most_relevant_refusal_wins() {
    let user = user(&["+get", "~a*", "(+set ~b*)", "(+get ~c*)"]);
    assert_eq!(check(&user, "get a1"), Ok(()));
    assert_eq!(check(&user, "get c1"), Ok(()));
    assert_eq!(check(&user, "set b1 v"), Ok(()));
    assert_eq!(check(&user, "set a1 v"), Err(Denied::Key(1)));
    assert_eq!(check(&user, "del a1"), Err(Denied::Command));
    // SORT's BY and GET need every key readable by a selector that allows SORT.
    let get = command::table().resolve_id(&argv("get x")).unwrap();
    assert!(!user.may_run_on_any_key(get, &argv("get x"), KEY_READ));
    let reader = self::user(&["+get", "%R~*"]);
    assert!(reader.may_run_on_any_key(get, &argv("get x"), KEY_READ));
    assert!(!reader.may_run_on_any_key(get, &argv("get x"), KEY_WRITE));
}

#[test]
fn passwords_are_checked_and_off_users_cannot_log_in() {
    let on = user(&["on", ">secret", ">other"]);
    assert!(on.accepts(b"secret") && on.accepts(b"other") && !on.accepts(b"x"));
    assert!(!user(&["off", ">secret"]).accepts(b"secret"));
    assert!(user(&["on", "nopass"]).accepts(b"anything"));
    let mut acl = Acl::default();
    acl.set_default_password(Some(b"pw"));
    assert!(acl.default_user().accepts(b"pw") && !acl.default_user().is_nopass());
    acl.set_default_password(None);
    assert!(acl.default_user().is_nopass());
}

#[test]
fn subscribers_are_checked_unless_the_user_had_no_channel_or_now_has_all() {
    let before = user(&["&a", "&b*"]);
    // Even a superset is checked, as Redis checks it.
    let kept = before
        .channels_revoked(&user(&["&b*", "&a", "&c"]))
        .unwrap();
    assert!(subscriptions_allowed(
        &kept,
        &words(&["a"]),
        &words(&["b*"])
    ));
    assert_eq!(user(&[]).channels_revoked(&user(&["&a"])), None);
    let allowed = before.channels_revoked(&user(&["&a"])).unwrap();
    assert!(subscriptions_allowed(&allowed, &words(&["a"]), &[]));
    assert!(!subscriptions_allowed(&allowed, &[], &words(&["b*"])));
    assert_eq!(
        user(&["&*"]).channels_revoked(&user(&["allchannels"])),
        None
    );
}

#[test]
fn the_acl_file_round_trips_and_a_bad_one_changes_nothing() {
    let dir = std::env::temp_dir().join(format!("kvdb-acl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("users.acl");
    let mut acl = Acl::default();
    acl.set_user(
        b"alice",
        &words(&["on", ">pw", "~k*", "+get", "(+set ~w*)"]),
        false,
    )
    .unwrap();
    acl.save_file(&file, 1).unwrap();
    let saved = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        saved,
        "user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~k* \
         resetchannels -@all +get (~w* resetchannels -@all +set)\n\
         user default on nopass ~* &* +@all\n"
    );
    let mut loaded = Acl::default();
    loaded.load_file(("users.acl", &file), false).unwrap();
    assert_eq!(loaded.user_lines(), acl.user_lines());

    std::fs::write(&file, "user x (+get\nuser x on\n").unwrap();
    let error = loaded.load_file(("users.acl", &file), false).unwrap_err();
    assert!(
        error.starts_with(
            "users.acl:1: Unmatched parenthesis in selector definition.WARNING: Duplicate \
             user 'x' found on line 2. "
        ),
        "{error}"
    );
    std::fs::write(&file, "user bob on +nosuch\nuser bob\nfoo\n").unwrap();
    let error = loaded.load_file(("users.acl", &file), false).unwrap_err();
    assert_eq!(
        error,
        "users.acl:1: Error in applying operation '+nosuch': Unknown command or category name \
         in ACL. WARNING: Duplicate user 'bob' found on line 2. users.acl:3 should start with \
         user keyword followed by the username. WARNING: ACL errors detected, no change to the \
         previously active ACL rules was performed"
    );
    assert_eq!(loaded.user_lines(), acl.user_lines());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn config_user_lines_are_checked_like_redis_and_reset_the_default_user() {
    assert_eq!(
        check_user_line(&words(&["bob", "on", "+nosuch"])).map(|l| l.len()),
        Ok(3)
    );
    assert_eq!(
        check_user_line(&words(&["bob", "on", "bad"])),
        Err((1, RuleError::Syntax))
    );
    let mut acl = Acl::default();
    let lines = vec![words(&["default", "on", ">pw", "+get"])];
    acl.load_configured_users(&lines, false).unwrap();
    assert_eq!(
        acl.default_user().describe(),
        b"on sanitize-payload #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 \
          resetchannels -@all +get"
    );
}
