#!/usr/bin/env bash
# The whole benchmark suite in one command, side by side on this machine in one run:
#   bench/run_all.sh [BUILD_DIR]          (default build/release; configured + built if needed)
# Installs what it needs (apt: redis, wrk, nodejs/npm, python3-matplotlib; npm: tools/node and
# the peers in bench/peers), runs the floor (redis-benchmark), every area's bench/<area>/run.sh,
# ragcache vs the Portkey gateway, the workload replay and the plots, and writes
# bench/report/REPORT.md (+ logs, JSON, PNGs). A failing part shows as FAILED in the report and
# makes the exit status non-zero. See bench/README.md for what each part measures.
#
# Every part checks its answers (status, X-Cache, content, errors) and fails instead of printing
# ratios over wrong results; the report holds only what this run measured (figures of other runs:
# bench/other_runs.json, printed apart with their date and commit).
# Sizes (env):  BENCH_ONLY="floor redis cache session limits tokens semantic gateway fixed_rate http peers replay"
#   BENCH_DURATION=10s (wrk runs: gateway, peers)   HTTP_SECONDS=5   LOCK_SECONDS=5 (cache, limits)
#   FIXED_RATE_SECONDS=10 (each open-loop run of fixed_rate: 2,000 and 5,000 req/s)
#   FLOOR_REQUESTS=300000   TOKENS_LINES=12000   SEMANTIC_SIZES=10000,30000   SEMANTIC_QUERIES=1000
#   REPLAY_QUESTIONS=2500 REPLAY_CLIENTS=16 REPLAY_LATENCY_MS=400 REPLAY_TOKENS_PER_SEC=100 (bench/replay/run.sh)
#   BUILD_JOBS=2   REPORT_DIR=bench/report   BENCH_SKIP_BUILD=1 (use the binaries as they are)
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(realpath -m "${1:-$ROOT/build/release}")"
OUT="$(realpath -m "${REPORT_DIR:-$ROOT/bench/report}")"
ONLY="${BENCH_ONLY:-floor redis cache session limits tokens semantic gateway fixed_rate http peers replay}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
PLOT_PYTHON=/usr/bin/python3
export PLOT_PYTHON

log() { echo "[run_all $(date -u +%T)] $*" >&2; }
wanted() { [[ " $ONLY " == *" $1 "* ]]; }

# --- 1. prerequisites --------------------------------------------------------------------------
need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v redis-benchmark >/dev/null || need_apt+=(redis-tools)
command -v wrk >/dev/null || need_apt+=(wrk)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v cmake >/dev/null || need_apt+=(cmake ninja-build)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null \
    || { log "apt-get install failed"; exit 1; }
fi
# The plots only: without matplotlib (apt may refuse python3-matplotlib beside libboost1.81-dev:
# it reports a conflict with libboost1.74-dev) the report has no PNGs, nothing else changes.
if ! "$PLOT_PYTHON" -c 'import matplotlib' 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-matplotlib >/dev/null 2>&1 \
    || log "python3-matplotlib not installable here: the report will have no plots"
fi
if [ ! -d "$ROOT/tools/node/node_modules" ]; then
  log "npm install in tools/node (tiktoken, redlock, rate-limiter-flexible, LangChain)"
  (cd "$ROOT/tools/node" && npm install --no-audit --no-fund >/dev/null) || { log "npm install in tools/node failed"; exit 1; }
fi
if [ ! -f "$ROOT/bench/peers/node_modules/.package-lock.json" ] || [ "$ROOT/bench/peers/package.json" -nt "$ROOT/bench/peers/node_modules/.package-lock.json" ]; then
  log "npm install in bench/peers (@portkey-ai/gateway)"
  (cd "$ROOT/bench/peers" && npm install --no-audit --no-fund >/dev/null) || { log "npm install in bench/peers failed"; exit 1; }
fi

# --- 2. build ----------------------------------------------------------------------------------
TARGETS=(ragcache redis_client_bench cache_bench session_bench limits_bench tokens_bench tokens_bench_corpus semantic_lookup_bench
         open_loop_load)
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
if [ -n "${BENCH_SKIP_BUILD:-}" ]; then
  log "BENCH_SKIP_BUILD set: using the binaries already in $BUILD"
elif [ ! -f "$BUILD/build.ninja" ] && [ ! -f "$BUILD/Makefile" ]; then
  log "configuring $BUILD (Release, benchmarks on)"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAGCACHE_BUILD_BENCH=ON >/dev/null || { log "cmake failed"; exit 1; }
elif ! grep -q '^RAGCACHE_BUILD_BENCH:BOOL=ON' "$BUILD/CMakeCache.txt"; then
  # A tree configured by scripts/test.sh has the benchmarks off: turn them on (adds targets only).
  log "turning the benchmark targets on in $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DRAGCACHE_BUILD_BENCH=ON >/dev/null || { log "cmake failed"; exit 1; }
fi
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  log "building ${TARGETS[*]} in $BUILD"
  cmake --build "$BUILD" --target "${TARGETS[@]}" -j"${BUILD_JOBS:-2}" > "$BUILD/run_all_build.log" 2>&1 \
    || { tail -30 "$BUILD/run_all_build.log"; log "build failed (log: $BUILD/run_all_build.log)"; exit 1; }
fi

# --- 3. run ------------------------------------------------------------------------------------
rm -rf "$OUT"; mkdir -p "$OUT/logs"
STARTED=$(date +%s)
machine() {
  echo "date_utc=$(date -u '+%Y-%m-%d %H:%M:%S')"
  echo "host=$(uname -srm)"
  echo "nproc=$(nproc)"
  echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "redis=$(redis-server --version | grep -o 'v=[^ ]*' | cut -d= -f2)"
  echo "node=$(node --version)"
  echo "wrk=$(wrk --version 2>&1 | head -1 | awk '{print $2}')"
  echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
}
machine > "$OUT/machine.txt"
echo "uptime_start=$(uptime)" >> "$OUT/machine.txt"

# section NAME CMD...: runs one part, its stdout+stderr into logs/NAME.log, status into status.txt.
FAILED=0
section() {
  local name="$1"; shift
  wanted "$name" || return 0
  log "$name: $*"
  local t0=$SECONDS rc=0
  "$@" > "$OUT/logs/$name.log" 2>&1 || rc=$?
  echo "$name $rc $((SECONDS - t0)) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/status.txt"
  if [ "$rc" -ne 0 ]; then FAILED=1; log "$name FAILED (exit $rc), see $OUT/logs/$name.log"; fi
}

floor() {  # redis-benchmark GET/SET/EVAL at 50 clients on a fresh server: one Redis round trip
  local dir port rc=0
  dir=$(mktemp -d)
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize no --logfile "$dir/redis.log" &
  local pid=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  local n="${FLOOR_REQUESTS:-300000}"
  echo "| redis-benchmark, 50 clients, no pipelining, $n requests | ops/s | p50 ms |"
  echo "|---|---|---|"
  {
    redis-benchmark -p "$port" -c 50 -n "$n" -t get,set --csv | tail -n +2
    redis-benchmark -p "$port" -c 50 -n "$n" --csv eval "return 1" 0 | tail -n +2 | sed 's/^"[^"]*"/"EVAL return 1"/'
  } | tr -d '"' | python3 -c '
import sys
for line in sys.stdin:
    f = line.strip().split(",")
    print(f"| {f[0]} | {float(f[1]):,.0f} | {f[4]} |")' || rc=1
  kill "$pid"; wait "$pid" 2>/dev/null; rm -rf "$dir"
  return $rc
}

semantic() {
  "$BUILD/bench/semantic/semantic_lookup_bench" --sizes "${SEMANTIC_SIZES:-10000,30000}" \
    --queries "${SEMANTIC_QUERIES:-1000}" --recall-queries 500
}

section floor floor
section redis "$ROOT/bench/redis/run.sh" "$BUILD"
section cache "$ROOT/bench/cache/run.sh" "$BUILD" "${LOCK_SECONDS:-5}"
section session "$ROOT/bench/session/run.sh" "$BUILD"
section limits "$ROOT/bench/limits/run.sh" "$BUILD" "${LOCK_SECONDS:-5}"
section tokens "$ROOT/bench/tokens/run.sh" "$BUILD" "${TOKENS_LINES:-12000}"
section semantic semantic
section gateway env DURATION="${BENCH_DURATION:-10s}" "$ROOT/bench/gateway/run.sh" "$BUILD"
section fixed_rate env OUT="$OUT" SECONDS_PER_RUN="${FIXED_RATE_SECONDS:-10}" "$ROOT/bench/gateway/fixed_rate.sh" "$BUILD"
section http "$ROOT/bench/http/run.sh" "$BUILD" "${HTTP_SECONDS:-5}"
section peers env DURATION="${BENCH_DURATION:-10s}" "$ROOT/bench/peers/gateway_vs_portkey.sh" "$BUILD" "$OUT"
section replay "$ROOT/bench/replay/run.sh" "$BUILD" "$OUT"
if wanted peers && "$PLOT_PYTHON" -c 'import matplotlib' 2>/dev/null; then
  "$PLOT_PYTHON" "$ROOT/bench/peers/plot_latency.py" --dir "$OUT" >> "$OUT/logs/peers.log" 2>&1 \
    || { FAILED=1; echo "peers_plot 1 0 -" >> "$OUT/status.txt"; }
fi

echo "uptime_end=$(uptime)" >> "$OUT/machine.txt"
echo "total_seconds=$(( $(date +%s) - STARTED ))" >> "$OUT/machine.txt"
python3 "$ROOT/bench/run_all_report.py" --dir "$OUT" --build "$BUILD" > "$OUT/REPORT.md" || FAILED=1
log "report: $OUT/REPORT.md ($(( $(date +%s) - STARTED )) s)"
exit "$FAILED"
