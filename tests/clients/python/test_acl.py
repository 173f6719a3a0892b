"""redis-py's ACL API against the server: users made with ``acl_setuser`` and read
back with ``acl_getuser`` (which parses Redis's reply into a dict), clients that log
in with ``username=``/``password=``, and the exceptions redis-py raises for NOPERM and
WRONGPASS. Every test deletes the users it made: the server is shared by the session.
"""

from __future__ import annotations

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

USERS = ("reader", "writer", "scoped")

# A refused login is final: no reconnecting with back-off.
NO_RETRY = Retry(NoBackoff(), 0)


@pytest.fixture
def admin(r):
    r.acl_deluser(*USERS)
    r.acl_log_reset()
    yield r
    r.acl_deluser(*USERS)
    r.acl_log_reset()


def test_users_are_made_and_read_back_with_redis_py(admin):
    assert admin.acl_setuser(
        "reader",
        enabled=True,
        passwords=["+secret"],
        categories=["+@connection"],
        commands=["+get"],
        keys=["public:*"],
        channels=["news:*"],
    )
    user = admin.acl_getuser("reader")
    assert user["enabled"] is True
    assert user["flags"] == ["on"]
    assert user["keys"] == ["~public:*"]
    assert user["channels"] == ["&news:*"]
    assert user["commands"] == ["+get"] and user["categories"] == ["-@all", "+@connection"]
    assert len(user["passwords"]) == 1
    assert "reader" in admin.acl_users()
    assert any(line.startswith("user reader on #") for line in admin.acl_list())
    assert admin.acl_getuser("nobody") is None


def test_a_user_logs_in_and_runs_only_what_it_may(admin, make_client):
    admin.acl_setuser(
        "reader",
        enabled=True,
        passwords=["+secret"],
        commands=["+get", "+acl|whoami"],
        keys=["public:*"],
    )
    admin.set("public:page", "hello")
    reader = make_client(username="reader", password="secret")
    assert reader.acl_whoami() == "reader"
    assert reader.get("public:page") == "hello"
    with pytest.raises(redis.exceptions.NoPermissionError, match="'set' command"):
        reader.set("public:page", "changed")
    with pytest.raises(redis.exceptions.NoPermissionError, match="one of the keys"):
        reader.get("private:page")
    with pytest.raises(redis.exceptions.AuthenticationError):
        make_client(username="reader", password="wrong", retry=NO_RETRY).ping()
    log = admin.acl_log()
    assert [entry["reason"] for entry in log[:3]] == ["auth", "key", "command"]
    assert log[1]["object"] == "private:page" and log[1]["username"] == "reader"


def test_selectors_and_read_write_key_permissions(admin, make_client):
    admin.acl_setuser(
        "scoped",
        enabled=True,
        nopass=True,
        commands=["+get", "+set"],
        keys=["%R~in:*", "%W~out:*"],
        selectors=[("+del", "~tmp:*")],
    )
    scoped = make_client(username="scoped", password="any")
    assert scoped.get("in:1") is None
    assert scoped.set("out:1", "v")
    assert scoped.delete("tmp:1") == 0
    with pytest.raises(redis.exceptions.NoPermissionError):
        scoped.set("in:1", "v")
    with pytest.raises(redis.exceptions.NoPermissionError):
        scoped.delete("in:1")
    assert admin.acl_dryrun("scoped", "get", "out:1") == (
        "This user has no permissions to access the 'out:1' key"
    )
    assert admin.acl_dryrun("scoped", "del", "tmp:9") == "OK"
    admin.delete("out:1")


def test_deleting_a_user_disconnects_its_clients(admin, make_client):
    admin.acl_setuser("writer", enabled=True, nopass=True, commands=["+@all"], keys=["*"])
    writer = make_client(username="writer", password="x", retry=NO_RETRY)
    assert writer.ping()
    assert admin.acl_deluser("writer") == 1
    with pytest.raises(redis.exceptions.ConnectionError):
        # The server closed the connection: the next command finds it gone.
        writer.ping()
