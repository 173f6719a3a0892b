"""A worked example of a service written for Redis, the way integration services use it,
tested against kvdb-server in ``test_example_service.py``.

* page-view counters that live a day (a pipeline: INCR + EXPIRE NX), each view also
  published on the ``views`` channel for live dashboards (1:N pub/sub);
* login sessions with a 30-minute TTL;
* Lua programs kept one per file in ``example_lua/`` and run by name
  (``ratelimit.allow``, ``pages.top``) with EVALSHA, loaded on NOSCRIPT;
* a 1:1 work queue: producers LPUSH jobs, workers BRPOP them.
"""

from __future__ import annotations

from pathlib import Path

import redis

LUA_DIR = Path(__file__).resolve().parent / "example_lua"
DAY = 24 * 60 * 60
SESSION_TTL = 30 * 60


class PageService:
    """The service; one per ``redis.Redis`` client."""

    def __init__(self, client: redis.Redis, lua_dir: Path = LUA_DIR):
        self.redis = client
        # register_script runs EVALSHA and falls back to SCRIPT LOAD on NOSCRIPT.
        self.programs = {
            path.stem: client.register_script(path.read_text())
            for path in sorted(lua_dir.glob("*.lua"))
        }

    def run(self, name: str, keys=(), args=()):
        """Runs the Lua program ``name`` (its file name without ``.lua``)."""
        return self.programs[name](keys=list(keys), args=list(args))

    def record_view(self, page: str) -> int:
        """Counts a view of ``page`` (the counter lives a day from its first view) and
        announces it on ``views``; answers the views so far."""
        pipe = self.redis.pipeline()
        pipe.incr(f"views:{page}")
        pipe.expire(f"views:{page}", DAY, nx=True)
        pipe.publish("views", page)
        views, _, _ = pipe.execute()
        return views

    def views(self, page: str) -> int:
        return int(self.redis.get(f"views:{page}") or 0)

    def top_pages(self, pages: list[str], count: int) -> list[tuple[str, int]]:
        flat = self.run("pages.top", [f"views:{page}" for page in pages], [count])
        return list(zip(flat[::2], flat[1::2]))

    def login(self, user: str, token: str) -> None:
        self.redis.set(f"session:{token}", user, ex=SESSION_TTL)

    def user_for(self, token: str) -> str | None:
        return self.redis.get(f"session:{token}")

    def allow(self, client: str, limit: int, window_secs: int) -> bool:
        return self.run("ratelimit.allow", [f"ratelimit:{client}"], [limit, window_secs]) == 1

    def enqueue(self, job: str) -> None:
        self.redis.lpush("jobs", job)

    def next_job(self, timeout_secs: float) -> str | None:
        """The oldest job, waiting up to ``timeout_secs`` for one (None on timeout)."""
        popped = self.redis.brpop(["jobs"], timeout=timeout_secs)
        return popped[1] if popped else None
