"""redis-py against kvdb-server's client-side caching (CLIENT TRACKING).

redis-py's own cache (``cache_config=CacheConfig()``) refuses servers older than Redis
7.4, and kvdb reports 7.0.15 as Redis 7.0.15 does, so that cache cannot be used here (the
first test pins the refusal). These tests use what redis-py offers with any server: the
tracking commands, the RESP2 pattern of a Pub/Sub connection on
``__redis__:invalidate`` that tracking connections redirect to, and the RESP3
invalidation pushes its parser hands to a handler.

Run against a real redis-server with KVDB_TEST_AGAINST_REDIS=1 to check a new test.
"""

from __future__ import annotations

import time

import pytest
import redis


def test_the_built_in_cache_wants_redis_7_4(make_client):
    cache = pytest.importorskip("redis.cache", reason="redis-py before 5.1 has no cache")
    client = make_client(protocol=3, cache_config=cache.CacheConfig())
    with pytest.raises(redis.ConnectionError, match="7.4"):
        client.ping()


def test_tracking_commands_report_the_mode(make_client):
    client = make_client(single_connection_client=True)
    assert client.client_getredir() == -1
    assert client.client_tracking_on(bcast=True, prefix=["user:", "session:"]) == "OK"
    assert client.client_trackinginfo() == [
        "flags", ["on", "bcast"], "redirect", 0, "prefixes", ["session:", "user:"],
    ]
    assert client.client_getredir() == 0
    with pytest.raises(redis.ResponseError, match="overlaps with an existing prefix"):
        client.client_tracking_on(bcast=True, prefix=["user:1"])
    assert client.client_tracking_off() == "OK"
    assert client.client_getredir() == -1


def _subscribed_id(admin: redis.Redis, name: str) -> int:
    """The id of the connection named ``name`` that is subscribed to a channel."""
    for _ in range(100):
        for entry in admin.client_list():
            if entry["name"] == name and int(entry["sub"]) == 1:
                return int(entry["id"])
        time.sleep(0.01)
    raise AssertionError(f"no subscribed connection named {name}")


def test_a_resp2_cache_hears_through_a_redirected_pubsub_connection(make_client):
    admin = make_client()
    admin.flushdb()
    listener = make_client(client_name="invalidations")
    pubsub = listener.pubsub()
    pubsub.subscribe("__redis__:invalidate")
    assert pubsub.get_message(timeout=5)["type"] == "subscribe"
    listener_id = _subscribed_id(admin, "invalidations")

    cache = {}
    reader = make_client(single_connection_client=True)
    reader.client_tracking_on(clientid=listener_id)
    admin.set("user:1", "ada")
    cache["user:1"] = reader.get("user:1")
    admin.set("user:1", "grace")
    message = pubsub.get_message(timeout=5)
    assert message["channel"] == "__redis__:invalidate"
    assert message["data"] == ["user:1"]
    for key in message["data"]:
        cache.pop(key, None)
    assert cache == {}
    assert reader.get("user:1") == "grace"

    # A flush invalidates everything: the message carries no key list.
    admin.flushdb()
    assert pubsub.get_message(timeout=5)["data"] is None
    pubsub.close()


def test_resp3_invalidation_pushes_reach_the_parser_handler(make_client):
    admin = make_client()
    admin.flushdb()
    reader = make_client(protocol=3, single_connection_client=True)
    parser = reader.connection._parser
    if not hasattr(parser, "set_invalidation_push_handler"):
        pytest.skip("redis-py before 5.1 has no invalidation push handler")
    pushes = []
    parser.set_invalidation_push_handler(pushes.append)
    reader.client_tracking_on()
    admin.set("k", "1")
    assert reader.get("k") == "1"
    admin.set("k", "2")
    # The push is read before the next reply; the reply itself is unaffected.
    assert reader.ping() is True
    assert [push[1] for push in pushes] == [["k"]]
    # A write by the reader itself: the push follows its reply.
    assert reader.get("k") == "2"
    assert reader.set("k", "3") is True
    assert reader.ping() is True
    assert [push[1] for push in pushes] == [["k"], ["k"]]
