#!/usr/bin/env bash
# kvdb's whole test suite, as CI runs it (.ci/run execs this), on a fresh Debian machine
# as root or on a developer's machine:
#
#   1. installs what is missing, idempotently and quietly: redis-server + redis-tools
#      (the oracle of the differential tests), Python's redis + pytest (plain pip, or
#      a venv at tests/clients/python/.venv where pip is refused under PEP 668), and
#      Node.js + npm (apt) with ioredis (npm ci in tests/clients/node);
#   2. cargo fmt --all --check
#   3. cargo clippy --workspace --all-targets -- -D warnings
#   4. cargo test --workspace        (unit, engine, and differential tests vs redis-server)
#   5. the Rust examples in examples/, each run (they assert what they show)
#   6. cargo build --bin kvdb-server, then the redis-py client tests with pytest
#      (KVDB_SERVER_BIN points them at the binary);
#   7. the ioredis client tests with node --test (same binary).
#
# Stops at the first failing step and says which. Every cargo call takes the shared lock
# /tmp/kvdb-cargo.lock (set KVDB_CARGO_LOCK= to skip it; don't run this script itself
# under that lock, or it waits for itself).
#
# Usage: scripts/test.sh [--no-install]
set -Eeuo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
START=$SECONDS
STEP="start"
INSTALL=1
for arg in "$@"; do
  case "$arg" in
    --no-install) INSTALL=0 ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

on_error() {
  local status=$?
  echo >&2
  echo "test.sh: FAILED at step '$STEP' (exit $status) after $((SECONDS - START))s" >&2
  exit "$status"
}
trap on_error ERR

step() {
  STEP=$1
  echo
  echo "==> [$((SECONDS - START))s] $STEP"
}

fail() {
  echo "test.sh: $*" >&2
  echo "test.sh: FAILED at step '$STEP' after $((SECONDS - START))s" >&2
  exit 1
}

# Runs a command with its output in a log, shown only when it fails.
quietly() {
  local log
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    rm -f "$log"
  else
    local status=$?
    tail -n 60 "$log" >&2
    rm -f "$log"
    return "$status"
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    fail "need root (or sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || fail "apt-get not found; install $* by hand"
  if [ "$APT_UPDATED" -eq 0 ]; then
    quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    APT_UPDATED=1
  fi
  quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

LOCK=${KVDB_CARGO_LOCK-/tmp/kvdb-cargo.lock}
cargo_locked() {
  if [ -n "$LOCK" ] && command -v flock >/dev/null 2>&1; then
    flock "$LOCK" cargo "$@"
  else
    cargo "$@"
  fi
}

# --- 1. dependencies -------------------------------------------------------------------

command -v cargo >/dev/null 2>&1 || fail "cargo not found: install Rust (rustup) first"

if [ "$INSTALL" -eq 1 ] && ! { command -v redis-server && command -v redis-cli; } >/dev/null 2>&1; then
  step "install redis-server and redis-tools (apt)"
  apt_install redis-server redis-tools
  # Debian's postinst may have started a redis-server service on 6379, kvdb's default
  # port. The tests use free ports, but leave 6379 to kvdb: stop that service only.
  if command -v service >/dev/null 2>&1; then
    as_root service redis-server stop >/dev/null 2>&1 || true
  fi
fi
command -v redis-server >/dev/null 2>&1 || fail "redis-server not found (run without --no-install)"
echo "redis-server: $(redis-server --version)"

PY_DIR=tests/clients/python
VENV="$PY_DIR/.venv"
REQUIREMENTS="$PY_DIR/requirements.txt"

# Whether python $1 can import compatible redis-py (>= 5) and pytest (>= 7).
py_ready() {
  [ -x "$1" ] || command -v "$1" >/dev/null 2>&1 || return 1
  "$1" - <<'EOF' >/dev/null 2>&1
import importlib.metadata as m
import redis, pytest  # noqa: F401
major = lambda name: int(m.version(name).split(".")[0])
assert major("redis") >= 5 and major("pytest") >= 7
EOF
}

PYTHON=""
if [ -x "$VENV/bin/python" ] && py_ready "$VENV/bin/python"; then
  PYTHON="$VENV/bin/python"
elif py_ready python3; then
  PYTHON=python3
elif [ "$INSTALL" -eq 1 ]; then
  step "install Python redis + pytest"
  if ! command -v python3 >/dev/null 2>&1; then
    apt_install python3 python3-venv
  fi
  export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_INPUT=1
  pip_log=$(mktemp)
  if python3 -m pip install -q -r "$REQUIREMENTS" >"$pip_log" 2>&1 && py_ready python3; then
    PYTHON=python3
  elif grep -qi "externally-managed-environment" "$pip_log" || ! python3 -m pip --version >/dev/null 2>&1; then
    echo "plain pip install refused (PEP 668) or pip missing: using a venv at $VENV"
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
      rm -rf "$VENV"
      apt_install python3-venv
      python3 -m venv "$VENV"
    fi
    quietly "$VENV/bin/python" -m pip install -q -r "$REQUIREMENTS"
    py_ready "$VENV/bin/python" || fail "redis/pytest still not importable in $VENV"
    PYTHON="$VENV/bin/python"
  else
    tail -n 40 "$pip_log" >&2
    rm -f "$pip_log"
    fail "pip install -r $REQUIREMENTS failed"
  fi
  rm -f "$pip_log"
else
  fail "Python redis/pytest missing (run without --no-install)"
fi
echo "python: $PYTHON ($("$PYTHON" -c 'import redis, pytest; print("redis-py", redis.__version__, "pytest", pytest.__version__)'))"

NODE_DIR=tests/clients/node

# Whether the ioredis version package.json pins is installed in $NODE_DIR/node_modules.
node_ready() {
  command -v node >/dev/null 2>&1 || return 1
  (cd "$NODE_DIR" && node -e '
    const wanted = require("./package.json").devDependencies.ioredis;
    process.exit(require("ioredis/package.json").version === wanted ? 0 : 1);
  ') >/dev/null 2>&1
}

if ! node_ready; then
  if [ "$INSTALL" -eq 0 ]; then
    fail "Node.js or ioredis missing in $NODE_DIR (run without --no-install)"
  fi
  if ! { command -v node && command -v npm; } >/dev/null 2>&1; then
    step "install Node.js and npm (apt)"
    apt_install nodejs npm
  fi
  step "npm ci ($NODE_DIR)"
  (cd "$NODE_DIR" && quietly npm ci --no-audit --no-fund --loglevel=error)
  node_ready || fail "ioredis still not loadable from $NODE_DIR"
fi
echo "node: $(node --version) (ioredis $(cd "$NODE_DIR" && node -p 'require("ioredis/package.json").version'))"

# --- 2-4. Rust -------------------------------------------------------------------------

step "cargo fmt --all --check"
cargo_locked fmt --all --check || fail "formatting differs: run 'cargo fmt --all'"

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo_locked clippy --workspace --all-targets --quiet -- -D warnings

step "cargo test --workspace"
cargo_locked test --workspace

step "examples (each of examples/*.rs, run)"
cargo_locked build --examples --quiet
for example in examples/*.rs; do
  name=$(basename "$example" .rs)
  echo "--- example $name"
  "${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples/$name"
done

# --- 6. Python client tests ------------------------------------------------------------

step "cargo build --bin kvdb-server"
cargo_locked build --bin kvdb-server --quiet
KVDB_SERVER_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/kvdb-server"
[ -x "$KVDB_SERVER_BIN" ] || fail "built kvdb-server not found at $KVDB_SERVER_BIN"
export KVDB_SERVER_BIN

step "python client tests (pytest $PY_DIR)"
"$PYTHON" -m pytest "$PY_DIR" -q -ra -p no:cacheprovider

# --- 7. Node client tests --------------------------------------------------------------

step "node client tests (node --test $NODE_DIR)"
(cd "$NODE_DIR" && node --test)

STEP="done"
trap - ERR
echo
echo "test.sh: OK - fmt, clippy, cargo test, examples, python and node client tests all green in $((SECONDS - START))s"
