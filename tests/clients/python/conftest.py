"""Fixtures for kvdb's redis-py client tests.

One server per test session:

* by default the ``kvdb-server`` binary at ``$KVDB_SERVER_BIN`` (default
  ``target/debug/kvdb-server`` under the repository root), started with
  ``--port 0 --bind 127.0.0.1 --enable-debug-command local``; the fixture waits for its
  ``kvdb listening on HOST:PORT`` line;
* with ``KVDB_TEST_AGAINST_REDIS=1``, a real ``redis-server`` (7.0) on a free port
  instead, to check that the tests themselves are right.

Fixtures: ``server`` (the running server: ``.host``, ``.port``, ``.kind``, ``.output()``),
``r`` (RESP2 client, ``decode_responses=True``), ``r3`` (the same over RESP3) and
``make_client`` (a factory for more clients, e.g. ``make_client(db=3)``). ``r`` and ``r3``
flush their database before each test. ``clock`` is kvdb's virtual time over the wire
(``DEBUG CLOCK``): frozen for the test, moved with ``clock.advance(seconds)``, back to
real time after it; tests that use it are skipped against redis-server.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

REPO_ROOT = Path(__file__).resolve().parents[3]
LISTENING_PREFIX = "kvdb listening on "
STARTUP_TIMEOUT = 30.0


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


try:  # Resolved up front: the child may only call it, not import anything.
    import ctypes

    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (ImportError, OSError, AttributeError):
    _PRCTL = None


def _die_with_parent() -> None:
    """Runs in the child before exec: ask Linux to SIGTERM it if pytest dies hard."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG; the fixture stops it normally


@dataclass
class ServerProcess:
    """A server started for the test session."""

    kind: str
    host: str
    port: int
    process: subprocess.Popen
    _output: list = field(default_factory=list)
    _scratch: str | None = None

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        return "".join(self._output)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)


def _spawn(argv: list[str], cwd: str | None = None) -> tuple[subprocess.Popen, queue.Queue, list]:
    """Starts argv with stdout+stderr piped into a reader thread (so the pipe never fills)."""
    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        preexec_fn=_die_with_parent,
    )
    lines: queue.Queue = queue.Queue()
    output: list = []

    def pump() -> None:
        assert process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            output.append(line)
            lines.put(line)
        lines.put(None)  # EOF: the server exited

    threading.Thread(target=pump, daemon=True).start()
    return process, lines, output


def _start_kvdb() -> ServerProcess:
    binary = Path(os.environ.get("KVDB_SERVER_BIN", REPO_ROOT / "target" / "debug" / "kvdb-server"))
    if not binary.is_absolute():
        binary = REPO_ROOT / binary
    if not binary.is_file():
        pytest.exit(
            f"kvdb-server binary not found at {binary}: build it with "
            "`cargo build --bin kvdb-server` or set KVDB_SERVER_BIN "
            "(or KVDB_TEST_AGAINST_REDIS=1 to test against redis-server)",
            returncode=2,
        )
    # Run in a scratch directory so nothing the server writes lands in the repository.
    scratch = tempfile.mkdtemp(prefix="kvdb-pytest-kvdb-")
    process, lines, output = _spawn(
        [str(binary), "--port", "0", "--bind", "127.0.0.1", "--enable-debug-command", "local"],
        cwd=scratch,
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            process.kill()
            shutil.rmtree(scratch, ignore_errors=True)
            pytest.exit(
                f"kvdb-server did not print '{LISTENING_PREFIX}HOST:PORT' within "
                f"{STARTUP_TIMEOUT}s; output:\n{''.join(output)}",
                returncode=2,
            )
        if line is None:
            process.wait(timeout=10)
            shutil.rmtree(scratch, ignore_errors=True)
            pytest.exit(
                f"kvdb-server exited (status {process.returncode}) before listening; "
                f"output:\n{''.join(output)}",
                returncode=2,
            )
        if line.startswith(LISTENING_PREFIX) and not line[len(LISTENING_PREFIX):].startswith("unix:"):
            host, _, port = line[len(LISTENING_PREFIX):].strip().rpartition(":")
            host = host.strip("[]")
            return ServerProcess("kvdb", host, int(port), process, output, scratch)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis() -> ServerProcess:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).is_file():
        pytest.exit("redis-server not found: run scripts/test.sh once to install it", returncode=2)
    last_output = ""
    for _attempt in range(5):
        port = _free_port()
        scratch = tempfile.mkdtemp(prefix="kvdb-pytest-redis-")
        argv = [
            binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--dir", scratch,
            "--enable-debug-command", "local",
        ]
        process, _lines, output = _spawn(argv, cwd=scratch)
        server = ServerProcess("redis", "127.0.0.1", port, process, output, scratch)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            try:
                client = redis.Redis(host="127.0.0.1", port=port, protocol=2, socket_timeout=2)
                pid = client.info("server")["process_id"]
                client.close()
                if pid == process.pid:
                    return server
                break  # someone else took the port
            except redis.ConnectionError:
                time.sleep(0.05)
            except redis.BusyLoadingError:
                time.sleep(0.05)
        last_output = server.output()
        server.stop()
    pytest.exit(f"could not start redis-server; last output:\n{last_output}", returncode=2)


@pytest.fixture(scope="session")
def server():
    """The kvdb-server (or, with KVDB_TEST_AGAINST_REDIS=1, redis-server) under test."""
    started = _start_redis() if _truthy("KVDB_TEST_AGAINST_REDIS") else _start_kvdb()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def make_client(server):
    """A factory for clients of the session's server; kwargs go to ``redis.Redis``.

    Defaults: RESP2, ``decode_responses=True``, 10 s socket timeout. Clients on a database
    other than 0 flush it when the test ends, so INFO keyspace stays predictable.
    """
    clients = []

    def make(**kwargs) -> redis.Redis:
        options = {"protocol": 2, "decode_responses": True, "socket_timeout": 10}
        options.update(kwargs)
        client = redis.Redis(host=server.host, port=server.port, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        try:
            if client.get_connection_kwargs().get("db", 0):
                client.flushdb()
        finally:
            client.close()


@pytest.fixture
def r(make_client):
    """A RESP2 client (``decode_responses=True``) on a freshly flushed database 0."""
    client = make_client(protocol=2)
    client.flushdb()
    return client


@pytest.fixture
def r3(make_client):
    """A RESP3 client (``HELLO 3`` on connect, ``decode_responses=True``) on a flushed db 0."""
    client = make_client(protocol=3)
    client.flushdb()
    return client


class VirtualClock:
    """kvdb's engine clock over the wire (``DEBUG CLOCK``). Moving it forward expires
    every key whose TTL passed and times out blocked clients whose deadline did, at
    once; TTL, TIME and OBJECT IDLETIME follow it."""

    def __init__(self, client: redis.Redis):
        self._client = client

    def now_ms(self) -> int:
        """The engine's time, in Unix milliseconds."""
        return int(self._client.execute_command("DEBUG", "CLOCK", "GET"))

    def set(self, unix_ms: int) -> None:
        """Sets the engine's time (it stands still there until moved)."""
        self._client.execute_command("DEBUG", "CLOCK", "SET", unix_ms)

    def advance(self, seconds: float) -> None:
        """Moves the engine's time forward, without sleeping."""
        self._client.execute_command("DEBUG", "CLOCK", "ADVANCE", round(seconds * 1000))

    def real(self) -> None:
        """Back to the real clock."""
        self._client.execute_command("DEBUG", "CLOCK", "REAL")


@pytest.fixture
def clock(server, make_client):
    """Virtual time for one test: frozen at its start, moved by ``clock.advance``."""
    if server.kind != "kvdb":
        pytest.skip("virtual time is kvdb's own (DEBUG CLOCK); redis-server has none")
    virtual = VirtualClock(make_client())
    virtual.set(virtual.now_ms())
    try:
        yield virtual
    finally:
        virtual.real()
