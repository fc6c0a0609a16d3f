#!/usr/bin/env bash
# Client GET/SET throughput vs redis-benchmark at the same concurrency and pipeline depth, on one
# fresh redis-server, in one run. Prints a Markdown table with ratios (ours / redis-benchmark).
#   bench/redis/run.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
BIN="$BUILD/bench/redis/redis_client_bench"
[ -x "$BIN" ] || { echo "build first: cmake --build $BUILD --target redis_client_bench" >&2; exit 1; }
source "$ROOT/bench/bench_redis.sh"
start_bench_redis
N=${REQUESTS:-300000}
echo "| mode | op | redis-benchmark ops/s | ragcache client ops/s | ratio |"
echo "|---|---|---|---|---|"
for P in 1 16; do
  declare -A RB=() OURS=()
  while IFS=, read -r name rps _; do RB[${name//\"/}]=${rps//\"/}; done < <(redis-benchmark -p "$PORT" -c 50 -n "$N" -P "$P" -t set,get --csv | tail -n +2)
  while IFS=, read -r name rps; do OURS[${name//\"/}]=${rps//\"/}; done < <("$BIN" --url "redis://127.0.0.1:$PORT" --clients 50 --requests "$N" --pipeline "$P")
  for op in SET GET; do
    python3 -c "import sys; rb=float('${RB[$op]}'); o=float('${OURS[$op]}'); print(f'| 50 callers, pipeline {$P} | $op | {rb:,.0f} | {o:,.0f} | {o/rb:.2f} |')"
  done
done
