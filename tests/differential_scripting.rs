//! Differential tests of Lua scripting against redis-server 7.0: EVAL/EVALSHA and their
//! read-only twins, the SCRIPT subcommands, conversions both ways in RESP2 and RESP3,
//! the `redis` table, error texts (with the script's SHA and line), the sandbox, and
//! the error statistics scripts leave behind.

mod support;

use support::{diff, diff_exclusive};

#[test]
fn results_convert_to_replies() {
    diff(
        r##"
        EVAL "return 1" 0
        EVAL "return {1,2,'x',{3}}" 0
        EVAL "return 3.99" 0
        EVAL "return -3.99" 0
        EVAL "return true" 0
        EVAL "return false" 0
        EVAL "return nil" 0
        EVAL "return {1,2,nil,4}" 0
        EVAL "return {err='x y'}" 0
        EVAL "return {ok='fine\r\nline'}" 0
        EVAL "return {double=3.5}" 0
        EVAL "local t = {} t[1] = 'a' t[3] = 'c' return t" 0
        EVAL "return {unpack({1,2,3})}" 0
        EVAL "return {1, {err='nested'}, {ok='fine'}}" 0
        EVAL "return function() end" 0
        EVAL "return KEYS[1] .. ARGV[2]" 2 a b c d
        EVAL "return {#KEYS, #ARGV}" 1 a
        "##,
    );
}

/// The strings' metatable is read-only: no script can change string methods for the
/// scripts after it, or keep values there between runs.
#[test]
fn the_string_metatable_is_read_only() {
    diff(
        r##"
        EVAL "getmetatable('').keep = KEYS" 1 a
        EVAL "getmetatable('').__index = nil" 0
        EVAL "return ('x'):upper()" 0
        EVAL "rawset(getmetatable(''), 'x', 1)" 0
        EVAL "return getmetatable('').__index == string" 0
        EVAL "local n = 0 for k in pairs(getmetatable('')) do n = n + 1 end return n" 0
        EVAL "return type(getmetatable(''))" 0
        EVAL "return getmetatable('').keep" 0
        "##,
    );
}

#[test]
fn redis_call_replies_convert_to_lua() {
    diff(
        r##"
        EVAL "return redis.call('set',KEYS[1],ARGV[1])" 1 k v
        EVAL "return redis.call('get','nokey')" 0
        EVAL "return {redis.call('get','nokey')}" 0
        EVAL "return type(redis.call('get','nokey'))" 0
        EVAL "return redis.call('set', 'a', 1.5)" 0
        EVAL "redis.call('set', 'n', 0.1); return redis.call('get','n')" 0
        EVAL "redis.call('rpush','l','a','b'); return redis.call('lrange','l',0,-1)" 0
        EVAL "return type(redis.call('ping'))" 0
        EVAL "return redis.call('ping').ok" 0
        EVAL "redis.call('hset','h','a','1'); return redis.call('hgetall','h')" 0
        EVAL "return redis.call('zscore','nozset','m')" 0
        EVAL "redis.call('zadd','z',1.5,'m'); return redis.call('zscore','z','m')" 0
        EVAL "redis.call('set', 'n', 1e-17); return redis.call('get','n')" 0
        EVAL "redis.call('set', 'n', 2^62); return redis.call('get','n')" 0
        EVAL "redis.call('set', 'n', -0.0); return redis.call('get','n')" 0
        EVAL "return {xpcall(function() redis.call('incr', 'l') end, function(e) return type(e) end)}" 0
        EVAL "return {xpcall(function() redis.call('incr', 'l') end, function(e) return e.err end)}" 0
        "##,
    );
}

#[test]
fn resp3_inside_scripts() {
    diff(
        r##"
        HSET h a 1
        ZADD z 2.5 m
        EVAL "redis.setresp(3); return redis.call('hgetall','h')" 0
        EVAL "redis.setresp(3); local r = redis.call('hgetall','h'); return r.map.a" 0
        EVAL "redis.setresp(3); return redis.call('zscore','z','m')" 0
        EVAL "redis.setresp(3); return redis.call('zscore','z','m').double" 0
        EVAL "redis.setresp(3); return {double=3.5}" 0
        EVAL "redis.setresp(3); return true" 0
        EVAL "redis.setresp(3); return false" 0
        EVAL "redis.setresp(3); return type(redis.call('get','nokey'))" 0
        EVAL "redis.setresp(3); return redis.call('smembers','nokey')" 0
        EVAL "redis.setresp(4)" 0
        EVAL "redis.setresp()" 0
        !resp3
        EVAL "redis.setresp(3); return redis.call('hgetall','h')" 0
        EVAL "return {map={a=1}}" 0
        EVAL "return {set={a=true}}" 0
        EVAL "return {double=0.25}" 0
        EVAL "return {big_number='12345678901234567890'}" 0
        EVAL "return {verbatim_string={format='txt', string='hello'}}" 0
        EVAL "redis.setresp(3); return true" 0
        EVAL "return false" 0
        EVAL "return nil" 0
        !resp2
        EVAL "return {map={a=1}}" 0
        EVAL "return {big_number='123'}" 0
        "##,
    );
}

#[test]
fn errors_name_the_script_and_line() {
    diff(
        r##"
        SET str x
        EVAL "return redis.call('nosuch')" 0
        EVAL "return redis.pcall('incr','str')" 0
        EVAL "return redis.call('incr','str')" 0
        EVAL "redis.call('incr','str')" 0
        EVAL "local x = 1\nlocal y = 2\nredis.call('incr','str')" 0
        EVAL "return pcall(function() redis.call('incr','str') end)" 0
        EVAL "return {pcall(function() redis.call('incr','str') end)}" 0
        EVAL "return redis.error_reply('My err')" 0
        EVAL "return redis.error_reply('-My err')" 0
        EVAL "return redis.error_reply('x')" 0
        EVAL "return redis.error_reply()" 0
        EVAL "return redis.status_reply('FINE')" 0
        EVAL "return redis.status_reply(5)" 0
        EVAL "return 'a' .. " 0
        EVAL "error('boom')" 0
        EVAL "error({err='MY boom'})" 0
        EVAL "error('boom', 0)" 0
        EVAL "local t = nil; return t.x" 0
        EVAL "return redis.call()" 0
        EVAL "return redis.call('set', {}, 1)" 0
        EVAL "return redis.call('set','a')" 0
        EVAL "return redis.call('subscribe','a')" 0
        EVAL "return redis.call('eval','return 1', 0)" 0
        EVAL "return redis.pcall('nosuch')" 0
        EVAL "return redis.sha1hex()" 0
        EVAL "return redis.log()" 0
        EVAL "return redis.log('x', 'y')" 0
        EVAL "return redis.log(9, 'y')" 0
        EVAL "return redis.set_repl(99)" 0
        EVAL "return redis.set_repl()" 0
        "##,
    );
}

#[test]
fn argument_checks() {
    diff(
        r##"
        EVAL "return 1" -1
        EVAL "return 1" 3 a
        EVAL "return 1" x
        EVAL "return 1"
        EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db x
        EVALSHA ffffffffffffffffffffffffffffffffffffffff 0
        EVALSHA short 0
        EVALSHA_RO ffffffffffffffffffffffffffffffffffffffff 0
        "##,
    );
}

#[test]
fn shebangs_and_read_only_scripts() {
    diff(
        r##"
        EVAL "#!lua flags=no-writes\nreturn redis.call('set','a','b')" 0
        EVAL "#!lua flags=no-writes\nreturn redis.call('get','a')" 0
        EVAL_RO "return redis.call('set','a','b')" 0
        EVAL_RO "return redis.call('get','a')" 0
        EVAL "#!lua\nreturn redis.call('set','a','b')" 0
        EVAL_RO "#!lua\nreturn 1" 0
        EVAL_RO "#!lua flags=no-writes\nreturn 1" 0
        EVAL "#!lua flags=bad\nreturn 1" 0
        EVAL "#!lua" 0
        EVAL "#!python\nreturn 1" 0
        EVAL "#!lua name=x\nreturn 1" 0
        EVAL "#!lua flags=allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 2" 0
        "##,
    );
}

#[test]
fn the_sandbox_protects_globals_and_libraries() {
    diff(
        r##"
        EVAL "return x" 0
        EVAL "x = 1" 0
        EVAL "setmetatable(_G, {})" 0
        EVAL "local g = getmetatable(_G); g.__index = {}" 0
        EVAL "redis.call = function() return 1 end" 0
        EVAL "_G = {}" 0
        EVAL "rawset(_G, 'x', 1)" 0
        EVAL "string.x = 1" 0
        EVAL "math.x = 1" 0
        EVAL "table.insert = nil" 0
        EVAL "return print" 0
        EVAL "return loadfile" 0
        EVAL "return dofile" 0
        EVAL "return getfenv" 0
        EVAL "return setfenv" 0
        EVAL "return os" 0
        EVAL "return io" 0
        EVAL "return debug" 0
        EVAL "return require" 0
        EVAL "return _VERSION" 0
        EVAL "return type(coroutine)" 0
        EVAL "return type(__redis__err__handler)" 0
        EVAL "return loadstring(string.dump(function() return 1 end))()" 0
        EVAL "return loadstring('return 7')()" 0
        EVAL "local f = loadstring('y = 1'); f()" 0
        EVAL "return ('abc'):upper()" 0
        EVAL "return string.format('%d-%s', 5, 'x')" 0
        EVAL "return type(unpack)" 0
        EVAL "return pairs(nil)" 0
        EVAL "return next()" 0
        EVAL "local n = 0 for k in pairs(redis) do n = n + 1 end return n" 0
        EVAL "local n = 0 for k in pairs(string) do n = n + 1 end return n" 0
        EVAL "local n = 0 for k in pairs({a=1,b=2}) do n = n + 1 end return n" 0
        EVAL "local keys = {} for k in pairs(redis) do keys[#keys+1] = k end table.sort(keys) return keys" 0
        "##,
    );
}

#[test]
fn the_redis_table() {
    diff(
        r##"
        EVAL "return redis.sha1hex('')" 0
        EVAL "return redis.sha1hex('abc')" 0
        EVAL "return redis.REDIS_VERSION" 0
        EVAL "return redis.REDIS_VERSION_NUM" 0
        EVAL "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}" 0
        EVAL "return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}" 0
        EVAL "return redis.log(redis.LOG_DEBUG, 'quiet')" 0
        EVAL "return redis.set_repl(redis.REPL_ALL)" 0
        EVAL "return redis.replicate_commands()" 0
        EVAL "return redis.breakpoint()" 0
        EVAL "return redis.debug('x')" 0
        EVAL "return redis.acl_check_cmd('get','x')" 0
        EVAL "return redis.acl_check_cmd('nosuch')" 0
        "##,
    );
}

#[test]
fn the_script_cache() {
    diff_exclusive(
        r##"
        SCRIPT FLUSH
        SCRIPT LOAD "return 'loaded'"
        SCRIPT EXISTS 0b3a7e9a59ef2ad72b2b39ac6e5e2e5f4bb05e0c e0e1f9fabfc9d4800c877a703b823ac0578ff8db
        EVALSHA 0b3a7e9a59ef2ad72b2b39ac6e5e2e5f4bb05e0c 0
        EVALSHA 0B3A7E9A59EF2AD72B2B39AC6E5E2E5F4BB05E0C 0
        SCRIPT EXISTS 0B3A7E9A59EF2AD72B2B39AC6E5E2E5F4BB05E0C
        SCRIPT LOAD "return +"
        SCRIPT LOAD "#!lua flags=bad\nreturn 1"
        EVAL "return 1" 0
        EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0
        SCRIPT FLUSH ASYNC
        SCRIPT FLUSH SYNC
        SCRIPT FLUSH x
        SCRIPT FLUSH SYNC x
        SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db
        EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0
        SCRIPT KILL
        SCRIPT HELP
        SCRIPT
        SCRIPT NOSUCH
        SCRIPT LOAD
        "##,
    );
}

#[test]
fn math_random_is_redis_lrand48() {
    diff_exclusive(
        r##"
        EVAL "math.randomseed(7) return {math.random(1000), math.random(1000), math.random(5, 9)}" 0
        EVAL "math.randomseed(42) return tostring(math.random())" 0
        EVAL "return math.random(0)" 0
        EVAL "return math.random(3, 1)" 0
        EVAL "return math.random('x')" 0
        EVAL "return math.random(1, 2, 3)" 0
        EVAL "return math.randomseed()" 0
        "##,
    );
}

#[test]
fn error_statistics_count_each_error_once() {
    diff_exclusive(
        r##"
        CONFIG RESETSTAT
        SET str x
        EVAL "return redis.call('incr','str')" 0
        EVAL "return redis.pcall('incr','str')" 0
        EVAL "return redis.error_reply('MY err')" 0
        EVAL "return {err='OTHER x'}" 0
        EVAL "return redis.call('nosuch')" 0
        EVAL "return x" 0
        EVALSHA ffffffffffffffffffffffffffffffffffffffff 0
        EVAL_RO "return redis.call('set','a','b')" 0
        INFO errorstats
        "##,
    );
}

#[test]
fn the_bit_library() {
    diff(
        r##"
        EVAL "return {bit.tobit(1), bit.tobit(2^32 + 5), bit.tobit(-1), bit.tobit(1.5), bit.tobit(2.5), bit.tobit('12')}" 0
        EVAL "return {bit.band(0xff, 0x0f), bit.band(7, 3, 1), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0)}" 0
        EVAL "return {bit.lshift(1, 31), bit.lshift(1, 33), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x80000001, 1), bit.ror(1, 1)}" 0
        EVAL "return {bit.tohex(255), bit.tohex(255, 2), bit.tohex(255, -4), bit.tohex(-1, 12), bit.tohex(0x12345678, 0)}" 0
        EVAL "return bit.bswap(0x12345678)" 0
        EVAL "return bit.band()" 0
        EVAL "return bit.band(1, 'x')" 0
        EVAL "return bit.tobit({})" 0
        EVAL "bit.x = 1" 0
        EVAL "return type(bit)" 0
        "##,
    );
}

/// `min-replicas-to-write` with no replica: writes answer NOREPLICAS before they run,
/// scripts that declare flags are judged by them, and an undeclared EVAL only when it
/// first writes (Redis's `scriptVerifyWriteCommandAllow`).
#[test]
fn writes_need_good_replicas() {
    diff_exclusive(
        r##"
        SET x "some value"
        CONFIG RESETSTAT
        CONFIG SET min-replicas-to-write 1
        GET x
        SET x other
        MULTI
        SET x queued
        GET x
        EXEC
        EVAL "#!lua flags=no-writes\nreturn redis.call('get','x')" 1 x
        EVAL "return redis.call('get','x')" 1 x
        EVAL "#!lua\nreturn redis.call('get','x')" 1 x
        EVAL "return redis.call('set','x', 1)" 1 x
        EVAL "return redis.pcall('set','x', 1)" 1 x
        EVAL "return redis.call('get','x')" 1 x
        FUNCTION LOAD "#!lua name=lib\nredis.register_function('w', function(keys) return redis.call('set', keys[1], 'f') end)\nredis.register_function{function_name='r', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}"
        FCALL w 1 x
        FCALL r 1 x
        FCALL_RO r 1 x
        CONFIG SET min-replicas-max-lag 0
        SET x lagless
        CONFIG SET min-replicas-max-lag 10
        CONFIG SET min-replicas-to-write 0
        SET x done
        GET x
        INFO errorstats
        FUNCTION FLUSH
        "##,
    );
}
