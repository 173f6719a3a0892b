"""Lua scripting through redis-py, as services use it: ``register_script`` (EVALSHA with
a SCRIPT LOAD fallback on NOSCRIPT), scripts in pipelines, errors as exceptions, and a
directory of named programs (``tests/lua``) run by name."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

LUA_DIR = Path(__file__).resolve().parents[2] / "lua"


def test_eval_with_keys_and_args(r):
    assert r.eval("return {KEYS[1], ARGV[1], #KEYS, #ARGV}", 1, "k", "v") == ["k", "v", 1, 1]
    assert r.eval("return redis.call('set', KEYS[1], ARGV[1])", 1, "k", "v") == "OK"
    assert r.get("k") == "v"


def test_register_script_loads_on_noscript_and_reruns_by_sha(r):
    incr_by = r.register_script(
        "return redis.call('incrby', KEYS[1], ARGV[1])"
    )
    r.script_flush()
    assert incr_by(keys=["counter"], args=[5]) == 5
    assert r.script_exists(incr_by.sha) == [True]
    assert incr_by(keys=["counter"], args=[2]) == 7


def test_scripts_in_a_pipeline(r):
    append = r.register_script("return redis.call('append', KEYS[1], ARGV[1])")
    r.script_load(append.script)
    pipe = r.pipeline()
    for word in ("a", "b", "c"):
        append(keys=["word"], args=[word], client=pipe)
    pipe.get("word")
    assert pipe.execute() == [1, 2, 3, "abc"]


def test_script_errors_are_response_errors(r):
    r.set("text", "x")
    with pytest.raises(redis.exceptions.ResponseError) as raised:
        r.eval("return redis.call('incr', KEYS[1])", 1, "text")
    assert str(raised.value).startswith("value is not an integer or out of range script: ")
    with pytest.raises(redis.exceptions.ResponseError) as raised:
        r.eval("return redis.error_reply('MYERR custom')", 0)
    assert str(raised.value) == "MYERR custom"
    with pytest.raises(redis.exceptions.NoScriptError):
        r.evalsha("f" * 40, 0)


def test_conversions_and_libraries(r):
    assert r.eval("return {1, 'two', 3.9, true, false, nil, 5}", 0) == [1, "two", 3, 1, None]
    assert r.eval("return cjson.encode({a = {1, 2}})", 0) == '{"a":[1,2]}'
    assert r.eval("return cmsgpack.unpack(cmsgpack.pack({1, 2}))", 0) == [1, 2]
    assert r.eval("return bit.band(0xff, 0x0f)", 0) == 15
    assert r.eval("return redis.sha1hex('')", 0) == "da39a3ee5e6b4b0d3255bfef95601890afd80709"


def test_named_programs_run_by_name(r):
    """The seed's style: one program a file, run by its file name with keys and args."""
    programs = {
        path.name[: -len(".lua")]: r.register_script(path.read_text())
        for path in LUA_DIR.glob("*.lua")
    }
    assert "mylib.rename_if_exists" in programs
    rename = programs["mylib.rename_if_exists"]
    assert rename(keys=["from", "to"]) == 11
    r.set("from", "value")
    assert rename(keys=["from", "to"]) == 10
    assert r.get("to") == "value"


def test_resp3_scripts(r3):
    r3.hset("h", mapping={"a": "1"})
    assert r3.eval("redis.setresp(3); return redis.call('hgetall', KEYS[1])", 1, "h") == {"a": "1"}
    assert r3.eval("return {double = 1.5}", 0) == 1.5
    assert r3.eval("redis.setresp(3); return true", 0) is True
