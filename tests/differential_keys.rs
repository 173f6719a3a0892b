//! Differential tests of the keyspace family, expiry, databases and connection/server
//! commands: the same commands against redis-server 7.0 and kvdb-server, raw replies
//! compared byte for byte, error cases included.

mod support;

use support::{diff, diff_exclusive};

#[test]
fn del_exists_type_touch() {
    diff(
        r#"
        MSET a 1 b 2
        EXISTS a b c a
        TYPE a
        TYPE nosuch
        TOUCH a b c
        DEL a c
        UNLINK b b
        EXISTS a b
        DEL
        EXISTS
        "#,
    );
}

#[test]
fn rename_and_renamenx() {
    diff(
        r#"
        SET a 1 EX 100
        RENAME a b
        TTL b
        GET b
        RENAME a b
        RENAME b b
        RENAMENX b b
        RENAMENX nosuch x
        SET c 3
        RENAMENX b c
        RENAMENX b d
        RENAME d c
        GET c
        KEYS *
        "#,
    );
}

#[test]
fn copy_and_move() {
    diff_exclusive(
        r#"
        SET a 1 EX 100
        COPY a b
        TTL b
        COPY a b
        COPY a b REPLACE
        COPY a a
        COPY nosuch x
        COPY a b DB
        COPY a b DB x
        COPY a b DB 99
        COPY a b DB -1
        COPY a b FOO
        COPY a b DB 5
        MOVE a 0
        MOVE a 5
        MOVE a 3
        MOVE a 3
        MOVE nosuch 3
        MOVE a 99
        MOVE a x
        SELECT 3
        GET a
        TTL a
        SELECT 5
        GET b
        FLUSHALL
        "#,
    );
}

#[test]
fn expire_family() {
    diff(
        r#"
        SET k v
        EXPIRE k 100
        TTL k
        PEXPIRE k 100000
        ? PTTL k
        EXPIREAT k 99999999999
        TTL k
        EXPIRETIME k
        PEXPIREAT k 99999999999000
        PEXPIRETIME k
        PERSIST k
        PERSIST k
        TTL k
        EXPIRE k 100 XX
        EXPIRE k 100 GT
        EXPIRE k 100 LT
        EXPIRE k 100 NX
        EXPIRE k 200 NX
        EXPIRE k 50 GT
        EXPIRE k 200 GT
        EXPIRE k 300 LT
        EXPIRE k 10 LT
        TTL k
        EXPIRE k 10 NX XX
        EXPIRE k 10 NX GT
        EXPIRE k 10 GT LT
        EXPIRE k 10 FOO
        EXPIRE k 20 xx gt
        EXPIRE k abc
        EXPIRE k 9223372036854775807
        EXPIRE k -9223372036854775808
        PEXPIRE k 9223372036854775807
        EXPIREAT k 9223372036854775807
        EXPIRE nosuch 10
        TTL nosuch
        PTTL nosuch
        EXPIRETIME nosuch
        PEXPIRETIME nosuch
        EXPIRE k -1
        EXISTS k
        SET k2 v
        EXPIREAT k2 1
        EXISTS k2
        SET k3 v
        PEXPIRE k3 0
        GET k3
        EXPIRE
        TTL
        "#,
    );
}

#[test]
fn keys_patterns() {
    diff(
        r#"
        MSET hello 1 hallo 2 hxllo 3 hllo 4 heeeello 5 world 6 "h*llo" 7 "a[b" 8 "a\\b" 9
        ~ KEYS *
        ~ KEYS h?llo
        ~ KEYS h*llo
        ~ KEYS h[ae]llo
        ~ KEYS h[^e]llo
        ~ KEYS h[a-b]llo
        ~ KEYS h[b-a]llo
        ~ KEYS "h\\*llo"
        ~ KEYS "a[b"
        ~ KEYS "a\\\\b"
        ~ KEYS "[a"
        ~ KEYS nomatch*
        ~ KEYS ""
        "#,
    );
}

#[test]
fn scan_full_iteration() {
    diff(
        r#"
        MSET a 1 b 2 c 3 d 4 e 5 f 6 g 7 h 8 i 9 j 10 ka 11 kb 12
        ~~ SCAN 0 COUNT 1000
        ~~ SCAN 0 COUNT 1000 MATCH k*
        ~~ SCAN 0 COUNT 1000 TYPE string
        ~~ SCAN 0 COUNT 1000 TYPE list
        ~~ SCAN 0 COUNT 1000 MATCH nothing*
        SCAN x
        SCAN -1x
        SCAN 0 COUNT 0
        SCAN 0 COUNT -1
        SCAN 0 COUNT x
        SCAN 0 MATCH
        SCAN 0 FOO bar
        SCAN 0 COUNT
        SCAN
        "#,
    );
}

#[test]
fn databases() {
    diff_exclusive(
        r#"
        SET a 1
        SELECT 1
        GET a
        SET b 2
        DBSIZE
        SELECT 16
        SELECT -1
        SELECT x
        SELECT 0
        DBSIZE
        SWAPDB 0 1
        GET b
        SWAPDB 0 99
        SWAPDB x 0
        SWAPDB 0 y
        SWAPDB 0 0
        FLUSHDB
        DBSIZE
        FLUSHDB ASYNC
        FLUSHDB SYNC
        FLUSHDB FOO
        FLUSHDB SYNC ASYNC
        FLUSHALL ASYNC
        FLUSHALL sync
        FLUSHALL BAD
        SELECT 1
        DBSIZE
        RANDOMKEY
        SET only 1
        RANDOMKEY
        SELECT 0
        FLUSHALL
        "#,
    );
}

#[test]
fn connection_commands() {
    diff(
        r#"
        PING
        PING x
        PING x y
        ECHO
        ECHO a b
        ? CLIENT ID
        CLIENT GETNAME
        CLIENT SETNAME worker
        CLIENT GETNAME
        CLIENT SETNAME "a b"
        CLIENT SETNAME "a\nb"
        CLIENT SETNAME ""
        CLIENT GETNAME
        CLIENT NOSUCH
        CLIENT
        AUTH x
        AUTH default x
        AUTH other x
        AUTH a b c
        HELLO 4
        HELLO 1
        HELLO x
        HELLO 2 FOO
        HELLO 2 AUTH default
        ? HELLO 2 SETNAME bad\x20name
        TIME x
        COMMAND FOO
        CONFIG FOO
        CONFIG
        INFO nosuchsection
        "#,
    );
}

#[test]
fn time_and_hello_shapes() {
    diff(
        r#"
        ? TIME
        ? HELLO
        ? HELLO 2
        "#,
    );
}

/// COMMAND INFO and COMMAND DOCS of every command kvdb implements that is not a
/// container (containers list all of Redis's subcommands, in hash order).
#[test]
fn command_info_and_docs_match() {
    diff(&format!(
        "{}\n{}\n{}",
        r#"
        COMMAND INFO nosuchcommand
        COMMAND INFO get nosuchcommand
        COMMAND INFO config|get client|list object|encoding
        COMMAND DOCS nosuchcommand
        COMMAND DOCS get set nosuchcommand
        COMMAND DOCS config|get client|list object|encoding function|flush
        "#,
        r#"
        COMMAND INFO setbit
        COMMAND INFO getbit
        COMMAND INFO bitcount
        COMMAND INFO bitpos
        COMMAND INFO bitop
        COMMAND INFO bitfield
        COMMAND INFO bitfield_ro
        COMMAND INFO ping
        COMMAND INFO echo
        COMMAND INFO quit
        COMMAND INFO reset
        COMMAND INFO auth
        COMMAND INFO hello
        COMMAND INFO del
        COMMAND INFO unlink
        COMMAND INFO exists
        COMMAND INFO touch
        COMMAND INFO type
        COMMAND INFO rename
        COMMAND INFO renamenx
        COMMAND INFO copy
        COMMAND INFO move
        COMMAND INFO keys
        COMMAND INFO scan
        COMMAND INFO randomkey
        COMMAND INFO expire
        COMMAND INFO pexpire
        COMMAND INFO expireat
        COMMAND INFO pexpireat
        COMMAND INFO ttl
        COMMAND INFO pttl
        COMMAND INFO expiretime
        COMMAND INFO pexpiretime
        COMMAND INFO persist
        COMMAND INFO select
        COMMAND INFO swapdb
        COMMAND INFO dbsize
        COMMAND INFO flushdb
        COMMAND INFO flushall
        COMMAND INFO info
        COMMAND INFO time
        COMMAND INFO shutdown
        COMMAND INFO get
        COMMAND INFO set
        COMMAND INFO setnx
        COMMAND INFO setex
        COMMAND INFO psetex
        COMMAND INFO getset
        COMMAND INFO getdel
        COMMAND INFO getex
        COMMAND INFO mget
        COMMAND INFO mset
        COMMAND INFO msetnx
        COMMAND INFO append
        COMMAND INFO strlen
        COMMAND INFO incr
        COMMAND INFO decr
        COMMAND INFO incrby
        COMMAND INFO decrby
        COMMAND INFO incrbyfloat
        COMMAND INFO setrange
        COMMAND INFO getrange
        COMMAND INFO substr
        COMMAND INFO lcs
        "#,
        r#"
        COMMAND DOCS setbit
        COMMAND DOCS getbit
        COMMAND DOCS bitcount
        COMMAND DOCS bitpos
        COMMAND DOCS bitop
        COMMAND DOCS bitfield
        COMMAND DOCS bitfield_ro
        COMMAND DOCS ping
        COMMAND DOCS echo
        COMMAND DOCS quit
        COMMAND DOCS reset
        COMMAND DOCS auth
        COMMAND DOCS hello
        COMMAND DOCS del
        COMMAND DOCS unlink
        COMMAND DOCS exists
        COMMAND DOCS touch
        COMMAND DOCS type
        COMMAND DOCS rename
        COMMAND DOCS renamenx
        COMMAND DOCS copy
        COMMAND DOCS move
        COMMAND DOCS keys
        COMMAND DOCS scan
        COMMAND DOCS randomkey
        COMMAND DOCS expire
        COMMAND DOCS pexpire
        COMMAND DOCS expireat
        COMMAND DOCS pexpireat
        COMMAND DOCS ttl
        COMMAND DOCS pttl
        COMMAND DOCS expiretime
        COMMAND DOCS pexpiretime
        COMMAND DOCS persist
        COMMAND DOCS select
        COMMAND DOCS swapdb
        COMMAND DOCS dbsize
        COMMAND DOCS flushdb
        COMMAND DOCS flushall
        COMMAND DOCS info
        COMMAND DOCS time
        COMMAND DOCS shutdown
        COMMAND DOCS get
        COMMAND DOCS set
        COMMAND DOCS setnx
        COMMAND DOCS setex
        COMMAND DOCS psetex
        COMMAND DOCS getset
        COMMAND DOCS getdel
        COMMAND DOCS getex
        COMMAND DOCS mget
        COMMAND DOCS mset
        COMMAND DOCS msetnx
        COMMAND DOCS append
        COMMAND DOCS strlen
        COMMAND DOCS incr
        COMMAND DOCS decr
        COMMAND DOCS incrby
        COMMAND DOCS decrby
        COMMAND DOCS incrbyfloat
        COMMAND DOCS setrange
        COMMAND DOCS getrange
        COMMAND DOCS substr
        COMMAND DOCS lcs
        "#
    ));
}

#[test]
fn function_flush_on_an_empty_library_set() {
    diff(
        r#"
        FUNCTION FLUSH
        FUNCTION FLUSH SYNC
        FUNCTION FLUSH async
        FUNCTION FLUSH LATER
        FUNCTION FLUSH SYNC ASYNC
        FUNCTION
        "#,
    );
}

#[test]
fn command_info_and_docs_in_resp3() {
    diff(
        r#"
        !resp3
        COMMAND INFO get mget set exists nosuchcommand
        COMMAND DOCS get set lcs bitfield nosuchcommand
        COMMAND INFO config|set
        "#,
    );
}

#[test]
fn reset_returns_the_connection_to_its_defaults() {
    diff(
        r#"
        CLIENT SETNAME before-reset
        RESET
        CLIENT GETNAME
        RESET extra
        ECHO after
        "#,
    );
}

#[test]
fn memory_usage() {
    diff(
        r#"
        SET k v
        ? MEMORY USAGE k
        ? MEMORY USAGE k SAMPLES 0
        MEMORY USAGE nosuch
        MEMORY USAGE k SAMPLES -1
        MEMORY USAGE k SAMPLES x
        MEMORY USAGE k FOO
        MEMORY USAGE k SAMPLES
        MEMORY USAGE
        MEMORY NOSUCH
        "#,
    );
}

#[test]
fn command_getkeys() {
    diff(
        r#"
        COMMAND GETKEYS GET k
        COMMAND GETKEYS MSET a 1 b 2
        COMMAND GETKEYS SORT abc STORE def
        COMMAND GETKEYS SORT abc LIMIT 0 1 STORE d1 GET x STORE d2
        COMMAND GETKEYS SORT_RO abc BY x
        COMMAND GETKEYS LMPOP 2 a b LEFT
        COMMAND GETKEYS ZUNIONSTORE dst 2 a b WEIGHTS 1 2
        COMMAND GETKEYS ZUNION 3 a b
        COMMAND GETKEYS LMOVE a b LEFT RIGHT
        COMMAND GETKEYS BLPOP a b 0
        COMMAND GETKEYS MEMORY USAGE k
        COMMAND GETKEYS OBJECT ENCODING k
        COMMAND GETKEYS PING x
        COMMAND GETKEYS NOSUCH x
        COMMAND GETKEYS GET
        COMMAND GETKEYS GET a b
        COMMAND GETKEYS SET k
        COMMAND GETKEYS
        COMMAND GETKEYSANDFLAGS SET k v
        COMMAND GETKEYSANDFLAGS SET k v NX GET
        COMMAND GETKEYSANDFLAGS BITFIELD k GET u8 0
        COMMAND GETKEYSANDFLAGS BITFIELD k GET u8 0 SET u8 0 1
        COMMAND GETKEYSANDFLAGS BITFIELD_RO k GET u8 0
        COMMAND GETKEYSANDFLAGS LMOVE a b LEFT RIGHT
        COMMAND GETKEYSANDFLAGS SORT abc STORE def
        !resp3
        COMMAND GETKEYSANDFLAGS RENAME a b
        "#,
    );
}
