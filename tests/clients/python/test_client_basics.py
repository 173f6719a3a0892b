"""redis-py against kvdb-server: the calls a typical application makes must work, with the
same results (and error messages) as against Redis 7.0.15.

Run against a real redis-server with KVDB_TEST_AGAINST_REDIS=1 to check a new test.
"""

from __future__ import annotations

import os
import time

import pytest
import redis


# --- strings and keys -----------------------------------------------------------------


def test_set_get_delete_exists(r):
    assert r.get("k") is None
    assert r.set("k", "v") is True
    assert r.get("k") == "v"
    assert r.exists("k") == 1
    assert r.exists("k", "k", "missing") == 2
    assert r.delete("k", "missing") == 1
    assert r.exists("k") == 0
    assert r.get("k") is None


def test_binary_values_round_trip(make_client):
    raw = make_client(decode_responses=False)
    raw.flushdb()
    value = bytes(range(256)) + b"\r\n\x00end"
    assert raw.set(b"bin\x00key", value) is True
    assert raw.get(b"bin\x00key") == value
    assert raw.strlen(b"bin\x00key") == len(value)


def test_expire_and_ttl(r):
    r.set("k", "v")
    assert r.ttl("k") == -1
    assert r.ttl("missing") == -2
    assert r.pttl("missing") == -2
    assert r.expire("k", 100) is True
    assert 0 < r.ttl("k") <= 100
    assert 0 < r.pttl("k") <= 100_000
    assert r.expire("missing", 100) is False
    assert r.persist("k") is True
    assert r.ttl("k") == -1


def test_key_expires(r):
    r.set("k", "v", px=50)
    time.sleep(0.2)
    assert r.get("k") is None
    assert r.exists("k") == 0


def test_incr_family(r):
    assert r.incr("n") == 1
    assert r.incrby("n", 10) == 11
    assert r.incrby("n", -20) == -9
    assert r.decr("n") == -10
    assert r.decrby("n", 5) == -15
    assert r.get("n") == "-15"


def test_incrbyfloat_formats_like_redis(r):
    r.set("f", "10.50")
    assert r.incrbyfloat("f", 0.1) == pytest.approx(10.6)
    assert r.get("f") == "10.6"
    r.set("g", "5.0e3")
    assert r.incrbyfloat("g", "2.0e2") == 5200.0
    assert r.get("g") == "5200"
    assert r.incrbyfloat("new", 1.5) == 1.5
    assert r.get("new") == "1.5"


def test_mset_mget(r):
    assert r.mset({"a": "1", "b": "2"}) is True
    assert r.mget("a", "b", "c") == ["1", "2", None]
    assert r.msetnx({"b": "x", "c": "3"}) is False
    assert r.mget(["b", "c"]) == ["2", None]


def test_append_and_strlen(r):
    assert r.append("s", "Hello") == 5
    assert r.append("s", " World") == 11
    assert r.strlen("s") == 11
    assert r.strlen("missing") == 0
    assert r.get("s") == "Hello World"


def test_getrange_and_setrange(r):
    r.set("s", "This is a string")
    assert r.getrange("s", 0, 3) == "This"
    assert r.getrange("s", -3, -1) == "ing"
    assert r.getrange("s", 0, -1) == "This is a string"
    assert r.getrange("s", 10, 100) == "string"
    assert r.getrange("s", 5, 2) == ""
    assert r.getrange("missing", 0, 10) == ""
    r.set("h", "Hello World")
    assert r.setrange("h", 6, "Redis") == 11
    assert r.get("h") == "Hello Redis"
    assert r.setrange("pad", 5, "x") == 6
    assert r.get("pad") == "\x00\x00\x00\x00\x00x"


def test_keys_and_scan_iter(r):
    users = {f"user:{i}" for i in range(25)}
    r.mset({key: "1" for key in users} | {"other": "1"})
    assert set(r.keys("user:*")) == users
    assert len(r.keys("*")) == 26
    assert r.keys("nomatch*") == []
    assert set(r.scan_iter(match="user:*", count=3)) == users
    assert set(r.scan_iter()) == users | {"other"}
    cursor, batch = r.scan(0, count=1000)
    assert cursor == 0
    assert set(batch) == users | {"other"}


def test_pipeline_without_transaction(r):
    pipe = r.pipeline(transaction=False)
    pipe.set("a", 1).incr("a").get("a").mget("a", "missing").delete("a")
    assert pipe.execute() == [True, 2, "2", ["2", None], 1]


def test_pipeline_reports_errors_in_place(r):
    pipe = r.pipeline(transaction=False)
    pipe.set("s", "text").incr("s").get("s")
    results = pipe.execute(raise_on_error=False)
    assert results[0] is True
    assert isinstance(results[1], redis.ResponseError)
    assert "value is not an integer or out of range" in str(results[1])
    assert results[2] == "text"
    with pytest.raises(redis.ResponseError):
        r.pipeline(transaction=False).set("s", "text").incr("s").execute()


def test_large_pipeline(r):
    pipe = r.pipeline(transaction=False)
    for i in range(2000):
        pipe.set(f"k{i}", i)
    assert pipe.execute() == [True] * 2000
    assert r.dbsize() == 2000
    pipe = r.pipeline(transaction=False)
    for i in range(2000):
        pipe.get(f"k{i}")
    assert pipe.execute() == [str(i) for i in range(2000)]


def test_object_encoding_and_type(r):
    r.set("int", "12345")
    r.set("short", "hello")
    r.set("long", "x" * 100)
    assert r.object("encoding", "int") == "int"
    assert r.object("encoding", "short") == "embstr"
    assert r.object("encoding", "long") == "raw"
    assert r.object("encoding", "missing") is None
    r.append("short", "!")
    assert r.object("encoding", "short") == "raw"
    assert r.type("int") == "string"
    assert r.type("missing") == "none"


def test_rename_and_copy(r, make_client):
    r.set("a", "1")
    assert r.rename("a", "b") is True
    assert r.get("a") is None
    assert r.get("b") == "1"
    with pytest.raises(redis.ResponseError, match="^no such key$"):
        r.rename("missing", "x")
    r.set("c", "2")
    assert r.renamenx("b", "c") is False
    assert r.copy("b", "d") is True
    assert r.copy("b", "c") is False
    assert r.copy("b", "c", replace=True) is True
    assert r.mget("b", "c", "d") == ["1", "1", "1"]
    db3 = make_client(db=3)
    db3.flushdb()
    assert r.copy("b", "b", destination_db=3) is True
    assert db3.get("b") == "1"


def test_getex_and_getdel(r):
    r.set("k", "v")
    assert r.getex("k", ex=100) == "v"
    assert 0 < r.ttl("k") <= 100
    assert r.getex("k", persist=True) == "v"
    assert r.ttl("k") == -1
    assert r.getex("missing") is None
    assert r.getdel("k") == "v"
    assert r.exists("k") == 0
    assert r.getdel("k") is None


def test_set_options(r):
    assert r.set("k", "v", nx=True, ex=10) is True
    assert 0 < r.ttl("k") <= 10
    assert r.set("k", "other", nx=True, ex=10) is None
    assert r.get("k") == "v"
    assert r.set("k", "new", get=True) == "v"
    assert r.ttl("k") == -1
    assert r.set("missing", "x", xx=True) is None
    assert r.set("missing", "x", get=True) is None
    assert r.set("k", "kept", px=100_000) is True
    assert r.set("k", "again", keepttl=True) is True
    assert r.ttl("k") > 0


def test_expiretime(r):
    r.set("k", "v")
    assert r.expiretime("k") == -1
    assert r.expiretime("missing") == -2
    at = int(time.time()) + 1000
    assert r.expireat("k", at) is True
    assert r.expiretime("k") == at
    assert r.pexpiretime("k") == at * 1000


def test_bit_operations(r):
    assert r.setbit("b", 7, 1) == 0
    assert r.setbit("b", 7, 1) == 1
    assert r.getbit("b", 7) == 1
    assert r.getbit("b", 100) == 0
    assert r.bitcount("b") == 1
    assert r.bitpos("b", 1) == 7
    assert r.bitpos("b", 0) == 0
    r.set("mykey", "foobar")
    assert r.bitcount("mykey") == 26
    assert r.bitcount("mykey", 0, 0) == 4
    assert r.bitcount("mykey", 1, 1) == 6
    assert r.bitcount("mykey", 5, 30, "BIT") == 17
    r.set("bits", b"\xff\xf0\x00")
    assert r.bitpos("bits", 0) == 12
    r.set("bits", b"\x00\xff\xf0")
    assert r.bitpos("bits", 1, 0) == 8
    assert r.bitpos("bits", 1, 2) == 16
    r.set("zero", b"\x00\x00\x00")
    assert r.bitpos("zero", 1) == -1


def test_lcs(r):
    r.mset({"key1": "ohmytext", "key2": "mynewtext"})
    assert r.lcs("key1", "key2") == "mytext"
    assert r.lcs("key1", "key2", len=True) == 6
    assert r.lcs("key1", "key2", idx=True) == [
        "matches",
        [[[4, 7], [5, 8]], [[2, 3], [0, 1]]],
        "len",
        6,
    ]
    assert r.lcs("key1", "key2", idx=True, minmatchlen=4, withmatchlen=True) == [
        "matches",
        [[[4, 7], [5, 8], 4]],
        "len",
        6,
    ]


# --- errors ---------------------------------------------------------------------------


def test_error_messages(r):
    r.set("s", "abc")
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        r.incr("s")
    with pytest.raises(redis.ResponseError, match="^value is not a valid float$"):
        r.incrbyfloat("s", 1)
    with pytest.raises(redis.ResponseError) as error:
        r.execute_command("NOSUCHCOMMAND", "a")
    assert str(error.value) == "unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' "
    with pytest.raises(redis.ResponseError) as error:
        r.execute_command("GET")
    assert str(error.value) == "wrong number of arguments for 'get' command"
    # The connection is still usable after errors.
    assert r.get("s") == "abc"


# --- connection and server ------------------------------------------------------------


def test_ping_echo_time(r):
    assert r.ping() is True
    assert r.echo("hello") == "hello"
    assert r.echo("") == ""
    seconds, micros = r.time()
    assert abs(seconds - time.time()) < 5
    assert 0 <= micros < 1_000_000


def test_dbsize_and_flushdb(r):
    assert r.dbsize() == 0
    r.mset({"a": "1", "b": "2"})
    assert r.dbsize() == 2
    assert r.flushdb() is True
    assert r.dbsize() == 0


def test_select_via_db_option(r, make_client):
    db3 = make_client(db=3)
    db3.flushdb()
    db3.set("in3", "x")
    assert db3.get("in3") == "x"
    assert db3.dbsize() == 1
    assert r.get("in3") is None
    assert r.dbsize() == 0


def test_config_get(r):
    assert r.config_get("maxmemory") == {"maxmemory": "0"}
    assert r.config_get("no-such-parameter") == {}


def test_client_names(r, make_client):
    assert r.client_getname() is None
    assert r.client_setname("worker-1") is True
    assert r.client_getname() == "worker-1"
    named = make_client(client_name="from-handshake")
    assert named.client_getname() == "from-handshake"
    with pytest.raises(redis.ResponseError):
        r.client_setname("has space")


def test_client_setinfo(r):
    # CLIENT SETINFO arrived in Redis 7.2; kvdb has it as 7.2 does (current clients send
    # it on connect), while the 7.0 reference answers its unknown-subcommand error.
    if os.environ.get("KVDB_TEST_AGAINST_REDIS"):
        with pytest.raises(redis.ResponseError) as error:
            r.client_setinfo("lib-name", "mylib")
        assert str(error.value) == "unknown subcommand 'SETINFO'. Try CLIENT HELP."
        return
    assert r.client_setinfo("lib-name", "mylib") is True
    assert r.client_setinfo("lib-ver", "1.2.3") is True
    assert "lib-name=mylib" in r.execute_command("CLIENT", "INFO")
    with pytest.raises(redis.ResponseError) as error:
        r.client_setinfo("lib-name", "has space")
    assert str(error.value) == "lib-name cannot contain spaces, newlines or special characters."
    with pytest.raises(redis.ResponseError) as error:
        r.execute_command("CLIENT", "SETINFO", "foo", "bar")
    assert str(error.value) == "Unrecognized option 'foo'"


def test_info(r):
    info = r.info()
    assert info["redis_version"] == "7.0.15"
    assert info["loading"] == 0
    assert info["role"] == "master"
    assert info["redis_mode"] == "standalone"
    assert info["connected_clients"] >= 1
    assert isinstance(info["used_memory"], int)
    assert "db0" not in info
    r.set("a", "1")
    r.set("b", "2", ex=100)
    db0 = r.info()["db0"]
    assert isinstance(db0, dict)
    assert db0["keys"] == 2
    assert db0["expires"] == 1
    assert isinstance(db0["avg_ttl"], int)


def test_info_keyspace_section(r):
    assert r.info("keyspace") == {}
    r.mset({"a": "1", "b": "2", "c": "3"})
    keyspace = r.info("keyspace")
    assert set(keyspace) == {"db0"}
    assert keyspace["db0"]["keys"] == 3
    assert keyspace["db0"]["expires"] == 0


def test_info_server_section(r):
    server = r.info("server")
    assert server["redis_version"] == "7.0.15"
    assert isinstance(server["process_id"], int)
    assert isinstance(server["uptime_in_seconds"], int)
    assert "used_memory" not in server


# --- RESP3 ----------------------------------------------------------------------------


def test_resp3_handshake(r3):
    hello = r3.execute_command("HELLO", "3")
    assert hello["server"] == "redis"
    assert hello["version"] == "7.0.15"
    assert hello["proto"] == 3
    assert hello["mode"] == "standalone"
    assert hello["role"] == "master"
    assert hello["modules"] == []
    assert isinstance(hello["id"], int)


def test_resp3_basic_calls(r3):
    assert r3.ping() is True
    assert r3.echo("hi") == "hi"
    assert r3.set("k", "v") is True
    assert r3.get("k") == "v"
    assert r3.get("missing") is None
    assert r3.mget("k", "missing") == ["v", None]
    assert r3.incr("n") == 1
    assert r3.incrbyfloat("f", 2.5) == 2.5
    assert r3.expire("k", 100) is True
    assert 0 < r3.ttl("k") <= 100
    assert r3.exists("k", "n", "nope") == 2
    assert r3.delete("k") == 1
    assert r3.dbsize() == 2
    assert r3.type("n") == "string"
    assert r3.config_get("maxmemory") == {"maxmemory": "0"}
    assert r3.info()["redis_version"] == "7.0.15"
    seconds, _micros = r3.time()
    assert abs(seconds - time.time()) < 5


def test_resp3_pipeline_and_errors(r3):
    pipe = r3.pipeline(transaction=False)
    pipe.set("a", "x").incr("a").get("a")
    results = pipe.execute(raise_on_error=False)
    assert results[0] is True
    assert isinstance(results[1], redis.ResponseError)
    assert results[2] == "x"


def test_resp3_lcs_idx_is_a_map(r3):
    r3.mset({"key1": "ohmytext", "key2": "mynewtext"})
    assert r3.lcs("key1", "key2", idx=True) == {
        "matches": [[[4, 7], [5, 8]], [[2, 3], [0, 1]]],
        "len": 6,
    }
