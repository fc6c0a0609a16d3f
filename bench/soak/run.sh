#!/usr/bin/env bash
# Soak: DURATION seconds (default 60) of mixed gateway traffic (exact hits, misses, streams,
# session turns; bench/soak/mixed.lua) with wrk against two `ragcache serve` processes that share
# a local Redis Cluster (3 primaries + 3 replicas). Prints a Markdown table per gateway: requests,
# errors (HTTP non-2xx, socket errors, Redis errors: all must be 0) and resident memory at the
# start (after a 5 s warm-up), the middle and the end. Exits non-zero on any error.
#   bench/soak/run.sh [BUILD_DIR]     (default build/release; DURATION=60 CONNECTIONS=16 per gateway,
#                                       SEMANTIC=on|off: the gateways' semantic cache, on by default;
#                                       L1_MAX_BYTES=8388608: the in-process L1 bound, small enough that
#                                       it is reached within the run, so later growth would be a leak)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
BIN="$BUILD/src/app/ragcache"
DURATION="${DURATION:-60}"
CONNECTIONS="${CONNECTIONS:-16}"
SEMANTIC="${SEMANTIC:-on}"
L1_MAX_BYTES="${L1_MAX_BYTES:-8388608}"
[ -x "$BIN" ] || { echo "build first: cmake --build $BUILD --target ragcache" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
DIR="$(mktemp -d)"
pids=()
KEEP_DIR=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$KEEP_DIR" = 1 ] || rm -rf "$DIR"
}
trap cleanup EXIT

# --- the cluster: six redis-servers in cluster mode, joined by redis-cli ---
nodes=()
for i in 0 1 2 3 4 5; do
  port=$(free_port); bus=$(free_port)
  mkdir -p "$DIR/n$i"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-port "$bus" \
    --cluster-config-file nodes.conf --cluster-node-timeout 5000 --save "" --appendonly no \
    --dir "$DIR/n$i" --logfile "$DIR/n$i/redis.log" --daemonize no &
  pids+=($!)
  nodes+=("127.0.0.1:$port")
done
for n in "${nodes[@]}"; do
  for _ in $(seq 200); do redis-cli -p "${n#*:}" ping >/dev/null 2>&1 && break; sleep 0.05; done
done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes > "$DIR/create.log" 2>&1
for n in "${nodes[@]}"; do
  for _ in $(seq 400); do
    redis-cli -p "${n#*:}" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break; sleep 0.05
  done
done
URL="redis-cluster://$(IFS=,; echo "${nodes[*]}")"

# --- mock-llm and two gateways ---
MPORT=$(free_port)
"$BIN" mock-llm --listen "127.0.0.1:$MPORT" --latency-ms 5 > "$DIR/mock.log" 2>&1 &
pids+=($!)
gports=(); gpids=()
for g in 0 1; do
  port=$(free_port)
  "$BIN" serve --listen "127.0.0.1:$port" --redis "$URL" --upstream "http://127.0.0.1:$MPORT/v1" \
    --semantic "$SEMANTIC" --cache-l1-max-bytes "$L1_MAX_BYTES" --log-level warn > "$DIR/gateway$g.log" 2>&1 &
  pids+=($!); gpids+=($!); gports+=("$port")
done
for port in "${gports[@]}"; do
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
done

rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
wrk_pids=()
start_wrk() {  # seconds out_prefix: one wrk per gateway, in the background (pids in wrk_pids)
  wrk_pids=()
  for g in 0 1; do
    wrk -t1 -c"$CONNECTIONS" -d"$1s" --timeout 10s -s "$ROOT/bench/soak/mixed.lua" \
      "http://127.0.0.1:${gports[$g]}" > "$DIR/$2$g.txt" 2>&1 &
    wrk_pids+=($!)
  done
}

# Warm-up (connection pools, allocator arenas, L1), then the measured run.
start_wrk 5 warm
wait "${wrk_pids[@]}"
start_rss=(); mid_rss=(); end_rss=()
for g in 0 1; do start_rss+=("$(rss_mb "${gpids[$g]}")"); done
start_wrk "$DURATION" soak
sleep $((DURATION / 2))
for g in 0 1; do mid_rss+=("$(rss_mb "${gpids[$g]}")"); done
wait "${wrk_pids[@]}"
for g in 0 1; do end_rss+=("$(rss_mb "${gpids[$g]}")"); done

metric() {  # port sample -> value (0 when absent)
  curl -s "http://127.0.0.1:$1/metrics" | awk -v s="$2" '$1 == s {v = $2} END {print v + 0}'
}
errors_total=0
echo "Soak: ${DURATION} s, mixed workload (bench/soak/mixed.lua), 2 gateways x $CONNECTIONS connections" \
  "(semantic cache $SEMANTIC), Redis Cluster 3+3"
echo
echo "| gateway | requests | req/s | non-2xx | socket errors | Redis errors | circuit opened | RSS start MB | RSS middle MB | RSS end MB |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for g in 0 1; do
  out="$DIR/soak$g.txt"
  requests=$(awk '/requests in/ {print $1}' "$out")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$out"); non2xx=${non2xx:-0}
  sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out"); sock=${sock:-0}
  redis_errors=$(metric "${gports[$g]}" ragcache_redis_errors_total)
  opened=$(( $(metric "${gports[$g]}" 'ragcache_redis_circuit_open_total{role="cache"}') + \
             $(metric "${gports[$g]}" 'ragcache_redis_circuit_open_total{role="state"}') ))
  errors_total=$((errors_total + non2xx + sock + ${redis_errors%.*}))
  echo "| $g | $requests | $rps | $non2xx | $sock | $redis_errors | $opened | ${start_rss[$g]} | ${mid_rss[$g]} | ${end_rss[$g]} |"
done
echo
for g in 0 1; do
  echo "gateway $g answers by X-Cache: $(curl -s "http://127.0.0.1:${gports[$g]}/metrics" | \
    awk -F'[{}" ]' '/^ragcache_requests_total\{/ {for (i = 1; i <= NF; i++) if ($i == "cache=") {c = $(i + 1)}; printf "%s %s  ", c, $NF}')"
done
echo "upstream calls (mock-llm): $(curl -s "http://127.0.0.1:$MPORT/mock/stats")"
if [ "$errors_total" -ne 0 ]; then
  KEEP_DIR=1
  echo "FAILED: $errors_total errors (wrk output, gateway and redis logs kept in $DIR)" >&2
  exit 1
fi
