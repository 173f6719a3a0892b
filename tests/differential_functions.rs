//! Differential tests of Redis 7.0 Functions against redis-server 7.0.15: FUNCTION
//! LOAD (metadata, registration and its errors, the loading environment, REPLACE),
//! LIST, DELETE, FLUSH, DUMP/RESTORE, STATS and HELP, and FCALL/FCALL_RO (keys and
//! arguments, the run environment, errors, flags). Libraries are server-global, so
//! every script here runs exclusively and starts with `FUNCTION FLUSH`.

mod support;

use support::diff_exclusive;

#[test]
fn load_and_call() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 'hello' end)"
        FCALL myfunc 0
        FCALL MYFUNC 0
        FCALL_RO myfunc 0
        FCALL nosuch 0
        FUNCTION LOAD "#!LUA name=other\nredis.register_function('echo', function(keys, args) return {keys, args} end)"
        FCALL echo 2 k1 k2 a1 a2 a3
        FCALL echo 0
        FCALL echo 0 a b
        FCALL echo x
        FCALL echo -1 a
        FCALL echo 3 a b
        FCALL nosuch x
        FUNCTION LOAD "#!lua name=sets\nredis.register_function('setget', function(keys, args) redis.call('set', keys[1], args[1]) return redis.call('get', keys[1]) end)"
        FCALL setget 1 key value
        GET key
        "##,
    );
}

#[test]
fn load_metadata_errors() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "redis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#!lua name=x"
        FUNCTION LOAD "#!lua\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#!lua name=a name=b\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#!lua name=a foo=bar\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#! name=a\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#!python name=a\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#!lua name=bad-name\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#!lua name=\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#!lua name=\"quoted\"\nredis.register_function('q', function() return 1 end)"
        FUNCTION LOAD "#!lua NAME=upper\nredis.register_function('u', function() return 1 end)"
        FUNCTION LOAD "#!lua name=\"unbalanced\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD "#!lua name=x\0y\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD
        FUNCTION LOAD REPLACE
        FUNCTION LOAD foo "#!lua name=a\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD REPLACE foo "#!lua name=a\nredis.register_function('f', function() return 1 end)"
        FUNCTION LOAD replace REPLACE "#!lua name=a\nredis.register_function('f', function() return 1 end)"
        ~~ FUNCTION LIST
        "##,
    );
}

#[test]
fn registration_errors() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=a\nreturn 1"
        FUNCTION LOAD "#!lua name=a\nredis.register_function()"
        FUNCTION LOAD "#!lua name=a\nredis.register_function('f')"
        FUNCTION LOAD "#!lua name=a\nredis.register_function('f', function() end, 3)"
        FUNCTION LOAD "#!lua name=a\nredis.register_function(nil, function() end)"
        FUNCTION LOAD "#!lua name=a\nredis.register_function({}, function() end)"
        FUNCTION LOAD "#!lua name=a\nredis.register_function('f', 'not a function')"
        FUNCTION LOAD "#!lua name=a\nredis.register_function('bad name', function() end)"
        FUNCTION LOAD "#!lua name=a\nredis.register_function('', function() end)"
        FUNCTION LOAD "#!lua name=a\nredis.register_function(12, function() return 'twelve' end)"
        FCALL 12 0
        FUNCTION LOAD "#!lua name=b\nredis.register_function('f', function() end)\nredis.register_function('f', function() end)"
        FUNCTION LOAD "#!lua name=b\nredis.register_function('f', function() end)\nredis.register_function('F', function() end)"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name='f', callback='bad'}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name=function() end, callback=function() end}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name='f', callback=function() end, description=function() end}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name='f', callback=function() end, other=1}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{callback=function() end}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name='f'}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name='f', callback=function() end, flags='no-writes'}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name='f', callback=function() end, flags={'unknown'}}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name='f', callback=function() end, flags={function() end}}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name='f', callback=function() end, [1]=2}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function{function_name='f', callback=function() end, [true]=2}"
        FUNCTION LOAD "#!lua name=c\nredis.register_function({})"
        FUNCTION LOAD "#!lua name=c\nredis.register_function(5)"
        FUNCTION LOAD "#!lua name=d\nredis.register_function{FUNCTION_NAME='up', CALLBACK=function() return 'up' end, FLAGS={'NO-WRITES'}, DESCRIPTION='Up'}"
        FCALL_RO up 0
        ~~ FUNCTION LIST
        "##,
    );
}

#[test]
fn the_loading_environment_has_only_the_library_api() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=a\nreturn math.random()"
        FUNCTION LOAD "#!lua name=a\nlocal y = x"
        FUNCTION LOAD "#!lua name=a\nx = 1"
        FUNCTION LOAD "#!lua name=a\nerror('boom')"
        FUNCTION LOAD "#!lua name=a\nredis.call('ping')"
        FUNCTION LOAD "#!lua name=a\nredis.setresp(3)"
        FUNCTION LOAD "#!lua name=a\nredis.set_repl(redis.REPL_NONE)"
        FUNCTION LOAD "#!lua name=a\nredis.x = 1"
        FUNCTION LOAD "#!lua name=a\nlocal t = nil; return t.x"
        FUNCTION LOAD "#!lua name=a\nreturn +"
        FUNCTION LOAD "#!lua name=a\nlocal g = _G"
        FUNCTION LOAD "#!lua name=a\nmt = getmetatable(_G)"
        FUNCTION LOAD "#!lua name=a\nredis.math.random()"
        FUNCTION LOAD "#!lua name=a\nredis.redis.call('ping')"
        FUNCTION LOAD "#!lua name=a\nlocal v = redis.REDIS_VERSION .. redis.REDIS_VERSION_NUM .. redis.LOG_DEBUG .. redis.LOG_VERBOSE .. redis.LOG_NOTICE .. redis.LOG_WARNING\nredis.log(redis.LOG_DEBUG, 'loading')\nredis.register_function('v', function() return v end)"
        FCALL v 0
        FUNCTION LOAD "#!lua name=b\nredis.log()"
        FUNCTION LOAD "#!lua name=b\nlocal a = 1\nwhile true do a = a + 1 end"
        "##,
    );
}

#[test]
fn the_run_environment() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=env\nlocal function helper(a) return a + 1 end\nredis.register_function('shared', function(keys, args) return helper(1) end)\nredis.register_function('global', function() return x end)\nredis.register_function('setglobal', function() y = 1 end)\nredis.register_function('errh', function() return __redis__err__handler end)\nredis.register_function('keys', function() return type(KEYS) end)\nredis.register_function('argv', function() return ARGV end)\nredis.register_function('reg', function() redis.register_function('g', function() end) end)\nredis.register_function('bp', function() return redis.breakpoint() end)\nredis.register_function('repl', function() return redis.replicate_commands() end)\nredis.register_function('nargs', function(...) return select('#', ...) end)\nredis.register_function('libs', function() return {type(string), type(math), type(table), type(redis.call), type(redis.sha1hex), type(redis.setresp), type(redis.debug), type(pcall), type(loadstring)} end)\nredis.register_function('trick', function() local mt = getmetatable(_G) mt.__index.redis = 1 end)\nredis.register_function('rnd', function() math.randomseed(7) return {math.random(100), math.random(100)} end)\nredis.register_function('ver', function() return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM} end)"
        FCALL shared 0
        FCALL global 0
        FCALL setglobal 0
        FCALL errh 0
        FCALL keys 0
        FCALL argv 0
        FCALL reg 0
        FCALL bp 0
        FCALL repl 0
        FCALL nargs 0
        FCALL libs 0
        FCALL trick 0
        FCALL rnd 0
        FCALL ver 0
        "##,
    );
}

#[test]
fn library_api_captured_at_load_is_read_only() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=lib1\nlocal lib = redis\nlib.register_function('f1', function() lib.redis = redis return {ok='OK'} end)\nlib.register_function('f2', function() lib.register_function('f3', function() end) end)"
        FCALL f1 0
        FCALL f2 0
        "##,
    );
}

#[test]
fn errors_inside_functions_name_the_function() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        SET str x
        FUNCTION LOAD "#!lua name=errs\nredis.register_function('nosuch', function() return redis.call('nosuch') end)\nredis.register_function('incr', function() return redis.call('incr', 'str') end)\nredis.register_function('pincr', function() return redis.pcall('incr', 'str') end)\nredis.register_function('boom', function() error('boom') end)\nredis.register_function('tboom', function() error({err='MY boom'}) end)\nredis.register_function('reply', function() return redis.error_reply('MY reply') end)\nredis.register_function('status', function() return redis.status_reply('FINE') end)\nredis.register_function('index', function() local t = nil return t.x end)\nredis.register_function('pcalled', function() return {pcall(function() redis.call('incr', 'str') end)} end)\nredis.register_function('noscript', function() return redis.call('function', 'list') end)\nredis.register_function('help', function() return redis.call('function', 'help') end)\nredis.register_function('fcall', function() return redis.call('fcall', 'boom', 0) end)"
        FCALL nosuch 0
        FCALL incr 0
        FCALL pincr 0
        FCALL boom 0
        FCALL tboom 0
        FCALL reply 0
        FCALL status 0
        FCALL index 0
        FCALL pcalled 0
        FCALL noscript 0
        FCALL help 0
        FCALL fcall 0
        "##,
    );
}

#[test]
fn flags_and_read_only_calls() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=flags\nredis.register_function('writer', function() return redis.call('set', 'x', '1') end)\nredis.register_function{function_name='nowrite', callback=function() return redis.call('set', 'x', '2') end, flags={'no-writes'}}\nredis.register_function{function_name='reader', callback=function() return redis.call('get', 'x') end, flags={'no-writes'}}\nredis.register_function{function_name='all', callback=function() return 'all' end, flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}, description='every flag'}\nredis.register_function{function_name='pub', callback=function() return redis.call('publish', 'ch', 'm') end, flags={'no-writes'}}"
        FCALL writer 0
        FCALL_RO writer 0
        FCALL nowrite 0
        FCALL_RO nowrite 0
        FCALL reader 0
        FCALL_RO reader 0
        FCALL all 0
        FCALL_RO all 0
        FCALL pub 0
        ~~ FUNCTION LIST
        !resp3
        ~~ FUNCTION LIST
        "##,
    );
}

#[test]
fn replace_keeps_the_old_library_on_failure() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=lib1\nredis.register_function('f1', function() return 1 end)\nredis.register_function('f2', function() return 2 end)"
        FUNCTION LOAD "#!lua name=lib1\nredis.register_function('f1', function() return 10 end)"
        FUNCTION LOAD REPLACE "#!lua name=lib1\nredis.register_function('f1', function() return 10 end)\nredis.register_function('f2', 'not a function')"
        FCALL f1 0
        FCALL f2 0
        FUNCTION LOAD "#!lua name=lib2\nredis.register_function('F1', function() return 20 end)"
        FUNCTION LOAD "#!lua name=lib2\nredis.register_function('other', function() return 20 end)\nredis.register_function('f2', function() return 20 end)"
        FUNCTION LOAD REPLACE "#!lua name=lib1\nredis.register_function('f3', function() return 3 end)"
        FCALL f1 0
        FCALL f3 0
        FUNCTION LOAD REPLACE "#!lua name=lib1\nreturn 1"
        FCALL f3 0
        FUNCTION STATS
        "##,
    );
}

#[test]
fn list_filters_and_code() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LIST
        FUNCTION LOAD "#!lua name=library1\nredis.register_function('f6', function(keys, args) return 7 end)"
        FUNCTION LIST
        FUNCTION LIST WITHCODE
        FUNCTION LOAD "#!lua name=lib1\nredis.register_function{function_name='f7', callback=function() return 7 end, description='seven'}"
        FUNCTION LIST LIBRARYNAME library*
        FUNCTION LIST LIBRARYNAME LIB1 WITHCODE
        ~~ FUNCTION LIST withcode libraryname *1
        FUNCTION LIST LIBRARYNAME nomatch
        FUNCTION LIST bad_argument
        FUNCTION LIST LIBRARYNAME
        FUNCTION LIST WITHCODE WITHCODE
        FUNCTION LIST WITHCODE LIBRARYNAME a LIBRARYNAME b
        ~~ FUNCTION LIST
        !resp3
        FUNCTION LIST LIBRARYNAME lib1 WITHCODE
        FUNCTION LIST LIBRARYNAME nomatch
        "##,
    );
}

#[test]
fn delete_and_flush() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=lib1\nredis.register_function('f1', function() return 1 end)"
        FUNCTION DELETE nosuch
        FUNCTION DELETE LIB1
        FUNCTION DELETE lib1
        FCALL f1 0
        FUNCTION LIST
        FUNCTION DELETE
        FUNCTION DELETE a b
        FUNCTION LOAD "#!lua name=lib1\nredis.register_function('f1', function() return 1 end)"
        FLUSHALL
        FLUSHDB
        FUNCTION LIST
        FUNCTION FLUSH ASYNC
        FUNCTION LIST
        FUNCTION FLUSH sync
        FUNCTION FLUSH bad_arg
        FUNCTION FLUSH sync extra_arg
        FUNCTION KILL
        FUNCTION KILL x
        FUNCTION STATS x
        FUNCTION
        FUNCTION NOSUCH
        FUNCTION HELP
        FUNCTION HELP x
        "##,
    );
}

#[test]
fn dump_and_restore_round_trip() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION DUMP
        FUNCTION LOAD "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 'hello hello hello hello' end)"
        FUNCTION DUMP
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f"
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f" REPLACE
        FUNCTION DELETE mylib
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f"
        FCALL myfunc 0
        FUNCTION LOAD "#!lua name=other\nredis.register_function('o', function() return 'o' end)"
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f" FLUSH
        FUNCTION LIST
        FCALL o 0
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=short\nredis.register_function('s', function() return 1 end)"
        FUNCTION DUMP
        FUNCTION LOAD "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 'hello hello hello hello' end)"
        FUNCTION DELETE short
        CONFIG SET rdbcompression no
        FUNCTION DUMP
        CONFIG SET rdbcompression yes
        "##,
    );
}

#[test]
fn restore_policies_and_collisions() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION RESTORE "\xf5\x1e#!lua name=x\nredis.register_function('f3', function() return 3 end)\n\x00\xff\xff\xff\xff\xff\xff\xff\xff" APPEND
        FUNCTION LOAD "#!lua name=lib1\nredis.register_function('f3', function() return 3 end)"
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f" APPEND
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f" APPEND
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f" append
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f" bogus
        FUNCTION RESTORE bad_payload
        FUNCTION RESTORE ""
        FUNCTION RESTORE a b c
        FUNCTION RESTORE "\n\x00\x0b\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ~~ FUNCTION LIST
        FUNCTION STATS
        "##,
    );
}

#[test]
fn restore_reports_library_and_function_collisions() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=mylib\nredis.register_function('other', function() return 1 end)"
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f"
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=clash\nredis.register_function('MYFUNC', function() return 1 end)"
        FUNCTION RESTORE "\xf5\xc3@]@m\x1f#!lua name=mylib\nredis.register_\x0bfunction('my@\x0b\x02', @\x06`\x12\x19keys, args) return 'hello \xe0\x08\x05\x05' end)\n\x00\xcc\n|\xda\xb0\xe1\x08\x0f" REPLACE
        FUNCTION LIST
        FCALL myfunc 0
        "##,
    );
}

#[test]
fn stats_count_libraries_and_functions() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        FUNCTION STATS
        FUNCTION LOAD "#!lua name=test1\nredis.register_function('f1', function() return 1 end)\nredis.register_function('f2', function() return 1 end)"
        FUNCTION LOAD "#!lua name=test2\nredis.register_function('f3', function() return 1 end)"
        FUNCTION STATS
        FUNCTION LOAD "#!lua name=test1\nredis.register_function('f4', function() return 1 end)"
        FUNCTION STATS
        FUNCTION DELETE test1
        FUNCTION STATS
        !resp3
        FUNCTION STATS
        FUNCTION FLUSH
        FUNCTION STATS
        "##,
    );
}

#[test]
fn resp3_conversions_in_functions() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        HSET h a 1
        FUNCTION LOAD "#!lua name=r3\nredis.register_function('map', function() redis.setresp(3) return redis.call('hgetall', 'h') end)\nredis.register_function('dbl', function() return {double=3.5} end)\nredis.register_function('bool', function() return true end)\nredis.register_function('nilr', function() return nil end)"
        FCALL map 0
        FCALL dbl 0
        FCALL bool 0
        FCALL nilr 0
        !resp3
        FCALL map 0
        FCALL dbl 0
        FCALL bool 0
        FCALL nilr 0
        "##,
    );
}

#[test]
fn getkeys_and_errorstats() {
    diff_exclusive(
        r##"
        FUNCTION FLUSH
        COMMAND GETKEYS fcall test 1 x foo
        COMMAND GETKEYS fcall_ro test 2 x y foo
        COMMAND GETKEYS fcall test 0
        CONFIG RESETSTAT
        SET str x
        FUNCTION LOAD "#!lua name=e\nredis.register_function('incr', function() return redis.call('incr', 'str') end)\nredis.register_function('x', function() return x end)"
        FCALL incr 0
        FCALL x 0
        FCALL nosuch 0
        FUNCTION LOAD bad
        INFO errorstats
        "##,
    );
}

/// A function running past `busy-reply-threshold` makes other clients get the
/// function flavour of BUSY; FUNCTION STATS shows it, SCRIPT KILL refuses it and
/// FUNCTION KILL ends it (and the other way round for EVAL). Run on both servers at
/// once, each with a second connection running the script.
#[test]
fn busy_functions_are_killed_with_function_kill() {
    use std::time::Duration;
    use support::{servers, Compare, DiffSession};

    let mut session = DiffSession::exclusive();
    session.run(
        r##"
        CONFIG SET busy-reply-threshold 50
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=busy\nredis.register_function('spin', function(keys, args)\n  local a = 1\n  while true do a = a + 1 end\nend)\nredis.register_function('writer', function(keys, args)\n  redis.call('set', 'written', '1')\n  local start = redis.call('time')[1]\n  while redis.call('time')[1] - start < 2 do end\n  return 'done'\nend)"
        "##,
    );
    let mut runners = [servers().redis.connect(), servers().kvdb.connect()];
    let start_on_both = |runners: &mut [support::RawConn; 2], argv: &[&[u8]]| {
        for runner in runners.iter_mut() {
            runner.send_raw(&support::encode_command(argv));
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    // Only the running time may differ in FUNCTION STATS.
    let without_duration = |reply: Vec<u8>| -> Vec<u8> {
        let text = String::from_utf8_lossy(&reply).into_owned();
        match text.find("duration_ms\r\n:") {
            Some(at) => {
                let digits = at + "duration_ms\r\n:".len();
                let end = text[digits..]
                    .find("\r\n")
                    .map_or(text.len(), |n| digits + n);
                format!("{}<ms>{}", &text[..digits], &text[end..]).into_bytes()
            }
            None => reply,
        }
    };

    start_on_both(&mut runners, &[b"FCALL", b"spin", b"0", b"arg"]);
    session.check(&[b"PING"], Compare::Exact);
    session.check(&[b"GET", b"k"], Compare::Exact);
    session.check(&[b"SCRIPT", b"KILL"], Compare::Exact);
    session.check(&[b"EVAL", b"return 1", b"0"], Compare::Exact);
    let (redis, kvdb) = session.exchange(&[b"FUNCTION", b"STATS"]);
    assert_eq!(without_duration(redis), without_duration(kvdb));
    session.check(&[b"FUNCTION", b"KILL"], Compare::Exact);
    let [redis_runner, kvdb_runner] = &mut runners;
    assert_eq!(
        String::from_utf8_lossy(&redis_runner.read_reply()),
        String::from_utf8_lossy(&kvdb_runner.read_reply())
    );
    session.check(&[b"PING"], Compare::Exact);

    start_on_both(&mut runners, &[b"EVAL", b"while true do end", b"0"]);
    session.check(&[b"FUNCTION", b"KILL"], Compare::Exact);
    session.check(&[b"FUNCTION", b"STATS"], Compare::Exact);
    session.check(&[b"SCRIPT", b"KILL"], Compare::Exact);
    let [redis_runner, kvdb_runner] = &mut runners;
    let (redis, kvdb) = (redis_runner.read_reply(), kvdb_runner.read_reply());
    // The script's name is its SHA in both; compare the whole error.
    assert_eq!(
        String::from_utf8_lossy(&redis),
        String::from_utf8_lossy(&kvdb)
    );

    // A function that wrote cannot be killed; it ends by itself.
    start_on_both(&mut runners, &[b"FCALL", b"writer", b"0"]);
    session.check(&[b"FUNCTION", b"KILL"], Compare::Exact);
    let [redis_runner, kvdb_runner] = &mut runners;
    assert_eq!(redis_runner.read_reply(), kvdb_runner.read_reply());
    session.run(
        r##"
        FUNCTION KILL
        GET written
        CONFIG SET busy-reply-threshold 5000
        FUNCTION FLUSH
        "##,
    );
}
