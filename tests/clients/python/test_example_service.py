"""The worked example (``example_service.py``) tested as a service's own suite would:
against ``kvdb-server`` started by the ``server`` fixture, with kvdb's virtual time
(the ``clock`` fixture, ``DEBUG CLOCK`` over the wire) so that a day-long TTL, a
30-minute session and a blocked worker's timeout take no time at all."""

from __future__ import annotations

import threading
import time

import pytest

from example_service import DAY, SESSION_TTL, PageService


@pytest.fixture
def service(r):
    return PageService(r)


def test_views_count_and_expire_after_a_day(service, clock):
    assert [service.record_view("home") for _ in range(3)] == [1, 2, 3]
    assert service.redis.ttl("views:home") == DAY
    clock.advance(DAY - 1)
    assert service.views("home") == 3
    assert service.redis.ttl("views:home") == 1
    clock.advance(1)
    assert service.views("home") == 0
    assert service.redis.exists("views:home") == 0


def test_sessions_last_thirty_minutes(service, clock):
    service.login("ada", "t-1")
    clock.advance(SESSION_TTL - 60)
    assert service.user_for("t-1") == "ada"
    clock.advance(60)
    assert service.user_for("t-1") is None


def test_rate_limit_window_is_a_lua_program(service, clock):
    assert [service.allow("10.0.0.1", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert service.allow("10.0.0.2", 3, 60), "another client has its own window"
    clock.advance(60)
    assert service.allow("10.0.0.1", 3, 60), "a new window"


def test_programs_survive_a_flushed_script_cache(service):
    assert service.allow("c", 5, 60)
    service.redis.script_flush()  # as after a failover or restart
    assert service.allow("c", 5, 60)
    assert service.redis.script_exists(service.programs["ratelimit.allow"].sha) == [True]


def test_top_pages(service):
    for page, views in (("home", 3), ("about", 1), ("blog", 2)):
        for _ in range(views):
            service.record_view(page)
    assert service.top_pages(["home", "about", "blog", "none"], 2) == [("home", 3), ("blog", 2)]


def test_views_are_published_to_subscribers(service, make_client):
    subscriber = make_client().pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe("views")
    try:
        assert service.redis.pubsub_numsub("views") == [("views", 1)]
        for page in ("home", "about", "home"):
            service.record_view(page)
        received = []
        deadline = time.monotonic() + 10
        while len(received) < 3 and time.monotonic() < deadline:
            # None also stands for the subscribe confirmation, which is ignored.
            message = subscriber.get_message(timeout=1)
            if message is not None:
                received.append(message["data"])
        assert received == ["home", "about", "home"]
    finally:
        subscriber.close()


def test_work_queue_hands_each_job_to_one_worker(service, make_client):
    worker = PageService(make_client())
    for job in ("resize:1", "resize:2"):
        service.enqueue(job)
    assert worker.next_job(1) == "resize:1"
    assert service.next_job(1) == "resize:2"


def test_a_waiting_worker_times_out_on_the_virtual_clock(service, make_client, clock):
    worker = PageService(make_client())
    result = {}
    waiting = threading.Thread(target=lambda: result.setdefault("job", worker.next_job(600)))
    waiting.start()
    deadline = time.monotonic() + 10
    while service.redis.info("clients")["blocked_clients"] == 0:
        assert time.monotonic() < deadline, "the worker never blocked"
        time.sleep(0.01)
    clock.advance(601)  # ten minutes of waiting, at once
    waiting.join(timeout=10)
    assert not waiting.is_alive()
    assert result == {"job": None}
