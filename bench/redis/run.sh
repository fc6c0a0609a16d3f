#!/usr/bin/env bash
# Client GET/SET throughput vs redis-benchmark at the same concurrency and pipeline depth, on one
# fresh redis-server, in one run. Prints a Markdown table with ratios (ours / redis-benchmark).
#   bench/redis/run.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
BIN="$BUILD/bench/redis/redis_client_bench"
[ -x "$BIN" ] || { echo "build first: cmake --build $BUILD --target redis_client_bench" >&2; exit 1; }
DIR="$(mktemp -d)"
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR" --daemonize no \
  --logfile "$DIR/redis.log" &
RPID=$!
trap 'kill $RPID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
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
