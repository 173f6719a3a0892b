#!/usr/bin/env bash
# Side-by-side benchmark: kvdb-server against Debian's redis-server on this machine.
#
# For every workload, runs redis-benchmark against both servers in alternating order
# (A B B A ...) for several rounds after a warm-up, pausing (SIGSTOP) whichever server is
# idle, and prints per workload: median ops/s of each, their ratio (kvdb / redis) with the
# spread across rounds, p50/p99 latency, server CPU time per request, and the CPU time
# per request of the client (redis-benchmark) itself. Then a memory table: resident
# growth per key for 1M small string keys, with and without a TTL. Exits non-zero if any
# workload reports errors (an unsupported command must never look fast).
#
# Each workload's request count is sized from its warm-up so one measured run takes about
# --seconds (default 1): a default run of every workload takes about five minutes.
#
# Usage: benches/vs-redis.sh [--rounds N] [--seconds S] [--requests N] [--quick] [--no-memory]
#                            [--memory-only]
#                            [--only NAME,NAME...]   (run only these workloads, e.g. ZADD,ZRANGE-100)
#                            [--kvdb-args "ARGS"]    (extra kvdb-server arguments, e.g. "--threads 2")
#                            [--kvdb-bin PATH]       (serve "kvdb" with PATH instead of building it)
#   --requests N fixes every workload's request count instead of sizing it.
#   --kvdb-bin "$(command -v redis-server)" measures Redis against itself: the spread of
#   ratios at true parity, the noise any kvdb ratio is read against.
set -euo pipefail

ROUNDS=3
SECONDS_PER_RUN=1
REQUESTS=""          # empty: sized per workload from SECONDS_PER_RUN
WARMUP_REQUESTS=20000
CLIENTS=50
KEYSPACE=100000
MEMORY=1
MEMORY_KEYS=1000000
THROUGHPUT=1
ONLY=""
KVDB_ARGS=""
KVDB_BIN=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --requests) REQUESTS=$2; shift 2 ;;
    --quick) ROUNDS=1; SECONDS_PER_RUN=0.3; WARMUP_REQUESTS=5000; MEMORY_KEYS=200000; shift ;;
    --no-memory) MEMORY=0; shift ;;
    --memory-only) THROUGHPUT=0; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --kvdb-args) KVDB_ARGS=$2; shift 2 ;;
    --kvdb-bin) KVDB_BIN=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "redis-server and redis-benchmark are needed (apt-get install redis-server redis-tools)" >&2
  exit 2
}
if [ -z "$KVDB_BIN" ]; then
  # The shared cargo lock of scripts/test.sh (KVDB_CARGO_LOCK= skips it).
  LOCK=${KVDB_CARGO_LOCK-/tmp/kvdb-cargo.lock}
  if [ -n "$LOCK" ] && command -v flock >/dev/null; then
    flock "$LOCK" cargo build --release --quiet --bin kvdb-server
  else
    cargo build --release --quiet --bin kvdb-server
  fi
  KVDB_BIN=target/release/kvdb-server
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_servers: a fresh redis-server and kvdb-server on new free ports.
start_servers() {
  REDIS_PORT=$(free_port)
  KVDB_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --logfile "$WORK/redis.log" &
  REDIS_PID=$!; PIDS+=("$REDIS_PID")
  # shellcheck disable=SC2086 # KVDB_ARGS is a list of words
  "$KVDB_BIN" --port "$KVDB_PORT" --bind 127.0.0.1 --save '' $KVDB_ARGS > "$WORK/kvdb.log" 2>&1 &
  KVDB_PID=$!; PIDS+=("$KVDB_PID")
  for port in "$REDIS_PORT" "$KVDB_PORT"; do
    for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  done
}

# stop_servers: ends the current pair.
stop_servers() {
  kill "$REDIS_PID" "$KVDB_PID" 2>/dev/null || true
  wait "$REDIS_PID" "$KVDB_PID" 2>/dev/null || true
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_one PORT PID PIPELINE REQUESTS TESTS EXTRA...
#   -> "rps p50 p99 server_cpu_ticks client_cpu_seconds"
# TESTS is a redis-benchmark -t list, or "cmd:WORDS..." for a command of our own.
run_one() {
  local port=$1 pid=$2 pipeline=$3 requests=$4 tests=$5; shift 5
  local before after out client_cpu TIMEFORMAT='%3U %3S'
  local test_args=(-t "$tests")
  [[ "$tests" == cmd:* ]] && read -r -a test_args <<<"${tests#cmd:}"
  before=$(cpu_ticks "$pid")
  # bash's `time` prints the client's user and system seconds as the last line.
  out=$( { time redis-benchmark -p "$port" -c "$CLIENTS" -n "$requests" -P "$pipeline" \
        -r "$KEYSPACE" --csv "$@" "${test_args[@]}" 2>&1; } 2>&1)
  after=$(cpu_ticks "$pid")
  if echo "$out" | grep -qiE '^(ERR|error)|Error from server|WRONGTYPE|unknown command'; then
    echo "ERROR running $tests on port $port: $out" >&2
    return 1
  fi
  client_cpu=$(echo "$out" | tail -1 | awk '{print $1 + $2}')
  # CSV: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  echo "$out" | awk -v cpu=$((after - before)) -v client="$client_cpu" \
    '/^"/ && !/^"test"/ {gsub(/"/,"",$0); split($0,f,","); print f[2], f[5], f[7], cpu, client; exit}'
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# per_request TOTAL SCALE REQUESTS: TOTAL * SCALE / REQUESTS, two decimals.
per_request() { awk -v t="$1" -v s="$2" -v n="$3" 'BEGIN{printf "%.2f", t*s/n}'; }

# wanted NAME: whether --only lets workload NAME run.
wanted() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

# measure NAME PIPELINE TESTS [EXTRA...]
FAILED=0
RESULTS=()
measure() {
  local name=$1 pipeline=$2 tests=$3; shift 3
  wanted "$name" || return 0
  local r_rps=() k_rps=() r_p50=() k_p50=() r_p99=() k_p99=() r_cpu=() k_cpu=() r_cli=() k_cli=() ratios=()
  # Warm-up, both; the slower rate sizes the measured runs (the same count for both).
  local r_warm k_warm requests
  r_warm=$(run_one "$REDIS_PORT" "$REDIS_PID" "$pipeline" "$WARMUP_REQUESTS" "$tests" "$@") || { FAILED=1; return; }
  k_warm=$(run_one "$KVDB_PORT" "$KVDB_PID" "$pipeline" "$WARMUP_REQUESTS" "$tests" "$@") || { FAILED=1; return; }
  requests=${REQUESTS:-$(awk -v r="${r_warm%% *}" -v k="${k_warm%% *}" -v s="$SECONDS_PER_RUN" \
    'BEGIN{n = (r < k ? r : k) * s; n = int(n / 1000 + 0.5) * 1000; print (n < 5000 ? 5000 : n)}')}
  for round in $(seq "$ROUNDS"); do
    local order="redis kvdb"; [ $((round % 2)) -eq 0 ] && order="kvdb redis"
    local rr kr
    for who in $order; do
      if [ "$who" = redis ]; then
        kill -STOP "$KVDB_PID"; rr=$(run_one "$REDIS_PORT" "$REDIS_PID" "$pipeline" "$requests" "$tests" "$@") || FAILED=1; kill -CONT "$KVDB_PID"
      else
        kill -STOP "$REDIS_PID"; kr=$(run_one "$KVDB_PORT" "$KVDB_PID" "$pipeline" "$requests" "$tests" "$@") || FAILED=1; kill -CONT "$REDIS_PID"
      fi
    done
    [ -n "${rr:-}" ] && [ -n "${kr:-}" ] || { FAILED=1; return; }
    read -r a b c d e <<<"$rr"; r_rps+=("$a"); r_p50+=("$b"); r_p99+=("$c"); r_cpu+=("$d"); r_cli+=("$e")
    read -r a b c d e <<<"$kr"; k_rps+=("$a"); k_p50+=("$b"); k_p99+=("$c"); k_cpu+=("$d"); k_cli+=("$e")
    ratios+=("$(awk -v k="${k_rps[-1]}" -v r="${r_rps[-1]}" 'BEGIN{printf "%.3f", k/r}')")
  done
  local mr mk ratio lo hi
  mr=$(printf '%s\n' "${r_rps[@]}" | median); mk=$(printf '%s\n' "${k_rps[@]}" | median)
  ratio=$(awk -v k="$mk" -v r="$mr" 'BEGIN{printf "%.2f", k/r}')
  lo=$(printf '%s\n' "${ratios[@]}" | sort -g | head -1); hi=$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1)
  # Server CPU per request in microseconds (ticks are 10 ms), client's likewise.
  local us_r us_k cli_r cli_k cpu_ratio
  us_r=$(per_request "$(printf '%s\n' "${r_cpu[@]}" | median)" 10000 "$requests")
  us_k=$(per_request "$(printf '%s\n' "${k_cpu[@]}" | median)" 10000 "$requests")
  cli_r=$(per_request "$(printf '%s\n' "${r_cli[@]}" | median)" 1000000 "$requests")
  cli_k=$(per_request "$(printf '%s\n' "${k_cli[@]}" | median)" 1000000 "$requests")
  cpu_ratio=$(awk -v k="$us_k" -v r="$us_r" 'BEGIN{ if (r > 0) printf "%.2f", k/r; else print "n/a"}')
  RESULTS+=("$(printf '%-14s %3s %7s %11.0f %11.0f %6s  [%s-%s] %6s/%-6s %6s/%-6s %6s/%-6s %5s  %6s/%s' \
    "$name" "$pipeline" "$requests" "$mr" "$mk" "$ratio" "$lo" "$hi" \
    "$(printf '%s\n' "${r_p50[@]}" | median)" "$(printf '%s\n' "${k_p50[@]}" | median)" \
    "$(printf '%s\n' "${r_p99[@]}" | median)" "$(printf '%s\n' "${k_p99[@]}" | median)" \
    "$us_r" "$us_k" "$cpu_ratio" "$cli_r" "$cli_k")")
  echo "${RESULTS[-1]}" >&2
}

echo "kvdb vs redis-server $(redis-server --version | awk '{print $3}'): $CLIENTS clients, ${REQUESTS:-about ${SECONDS_PER_RUN}s of} requests, $ROUNDS rounds, keyspace $KEYSPACE, $(nproc) cores" >&2
[ "$THROUGHPUT" = 1 ] && start_servers
# The script EVALSHA runs: a small cached script doing one redis.call, loaded on both;
# FCALL runs the same body as a library function.
EVAL_SCRIPT="return redis.call('incr', KEYS[1])"
EVAL_SHA=$(printf '%s' "$EVAL_SCRIPT" | sha1sum | awk '{print $1}')
FUNCTION_LIBRARY="#!lua name=bench
redis.register_function('incr_key', function(keys) return redis.call('incr', keys[1]) end)"
load_scripts() {
  for port in "$REDIS_PORT" "$KVDB_PORT"; do
    [ "$(redis-cli -p "$port" SCRIPT LOAD "$EVAL_SCRIPT")" = "$EVAL_SHA" ] || {
      echo "SCRIPT LOAD failed on port $port" >&2; FAILED=1; }
    [ "$(redis-cli -p "$port" FUNCTION LOAD REPLACE "$FUNCTION_LIBRARY")" = bench ] || {
      echo "FUNCTION LOAD failed on port $port" >&2; FAILED=1; }
  done
}
[ "$THROUGHPUT" = 1 ] && load_scripts
# GET-ACL runs as a user whose key pattern every command's key is checked against.
make_users() {
  for port in "$REDIS_PORT" "$KVDB_PORT"; do
    [ "$(redis-cli -p "$port" ACL SETUSER bench on '>bench' '~key:*' '+@all')" = OK ] || {
      echo "ACL SETUSER failed on port $port" >&2; FAILED=1; }
  done
}
[ "$THROUGHPUT" = 1 ] && make_users

# measure_publish N PIPELINE: PUBLISH to N subscribers of each server (one Python
# process per server holds them), after checking that both count N receivers.
measure_publish() {
  local n=$1 pipeline=$2 subscriber_pids=() port receivers
  wanted "PUBLISH-$n" || return 0
  for port in "$REDIS_PORT" "$KVDB_PORT"; do
    python3 benches/subscribers.py "$port" "$n" bench-channel &
    subscriber_pids+=("$!"); PIDS+=("$!")
  done
  for port in "$REDIS_PORT" "$KVDB_PORT"; do
    for _ in $(seq 100); do
      receivers=$(redis-cli -p "$port" PUBLISH bench-channel ready)
      [ "$receivers" = "$n" ] && break
      sleep 0.05
    done
    [ "$receivers" = "$n" ] || { echo "PUBLISH on port $port reached $receivers, not $n" >&2; FAILED=1; }
  done
  measure "PUBLISH-$n" "$pipeline" "cmd:PUBLISH bench-channel hello"
  kill "${subscriber_pids[@]}" 2>/dev/null || true
  wait "${subscriber_pids[@]}" 2>/dev/null || true
}
for pipeline in 1 16; do
  [ "$THROUGHPUT" = 1 ] || break
  measure PING "$pipeline" ping_mbulk
  measure SET "$pipeline" set
  measure GET "$pipeline" get
  measure GET-ACL "$pipeline" get --user bench -a bench
  measure INCR "$pipeline" incr
  measure MSET-10 "$pipeline" mset
  measure SET-1KiB "$pipeline" set -d 1024
  measure GET-1KiB "$pipeline" get -d 1024
  measure LPUSH "$pipeline" lpush
  measure LPOP "$pipeline" lpop
  measure LRANGE-100 "$pipeline" lrange_100
  measure HSET "$pipeline" hset
  measure SADD "$pipeline" sadd
  # ZADD grows one sorted set (random scores and members over the keyspace: a skiplist);
  # ZRANGE-100 then reads 100 members with scores from it.
  measure ZADD "$pipeline" zadd
  measure ZRANGE-100 "$pipeline" "cmd:ZRANGE myzset 0 99 WITHSCORES"
  measure EVALSHA "$pipeline" "cmd:EVALSHA $EVAL_SHA 1 counter:__rand_int__"
  measure FCALL "$pipeline" "cmd:FCALL incr_key 1 counter:__rand_int__"
  measure_publish 1 "$pipeline"
  measure_publish 100 "$pipeline"
done

if [ "$THROUGHPUT" = 1 ]; then
  stop_servers
  echo
  printf '%-14s %3s %7s %11s %11s %6s  %-13s %-13s %-13s %-13s %5s  %s\n' workload P requests redis_ops kvdb_ops ratio \
    "[spread]" "p50 r/k ms" "p99 r/k ms" "cpu us/req r/k" "cpu" "client us/req r/k"
  printf '%s\n' "${RESULTS[@]}"
fi

if [ "$MEMORY" = 1 ]; then
  rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
  load_keys() { # PORT TTL_ARGS
    python3 - "$MEMORY_KEYS" "$2" <<'PY' | redis-cli -p "$1" --pipe >/dev/null
import sys
n, ttl = int(sys.argv[1]), sys.argv[2]
out = sys.stdout
for i in range(n):
    key = "key:%012d" % i
    if ttl:
        out.write("*5\r\n$3\r\nSET\r\n$16\r\n%s\r\n$3\r\nval\r\n$2\r\nEX\r\n$5\r\n86400\r\n" % key)
    else:
        out.write("*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$3\r\nval\r\n" % key)
PY
  }
  echo
  printf '%-22s %14s %14s %6s\n' "memory (RSS growth)" "redis B/key" "kvdb B/key" ratio
  # Each measurement on freshly started servers: memory an allocator kept from earlier
  # work would make later growth look smaller.
  for ttl in "" "ttl"; do
    start_servers
    per_key=()
    for target in "$REDIS_PORT:$REDIS_PID" "$KVDB_PORT:$KVDB_PID"; do
      port=${target%%:*}; pid=${target##*:}
      sleep 0.5
      before=$(rss_kb "$pid")
      load_keys "$port" "$ttl"
      sleep 0.5
      after=$(rss_kb "$pid")
      keys=$(redis-cli -p "$port" dbsize)
      [ "$keys" = "$MEMORY_KEYS" ] || { echo "ERROR: port $port holds $keys keys, expected $MEMORY_KEYS" >&2; FAILED=1; }
      per_key+=("$(awk -v a="$after" -v b="$before" -v n="$MEMORY_KEYS" 'BEGIN{printf "%.1f", (a-b)*1024/n}')")
      redis-cli -p "$port" flushall >/dev/null
    done
    printf '%-22s %14s %14s %6s\n' "$MEMORY_KEYS keys ${ttl:-no ttl}" "${per_key[0]}" "${per_key[1]}" \
      "$(awk -v k="${per_key[1]}" -v r="${per_key[0]}" 'BEGIN{printf "%.2f", k/r}')"
    stop_servers
  done
fi

exit "$FAILED"
