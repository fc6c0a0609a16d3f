#!/usr/bin/env bash
# The Redis client's GET/SET throughput against redis-benchmark on one fresh redis-server, in one
# run, in three like-for-like set-ups and one that is not (labelled so):
#   A. 50 connections, one command in flight on each: a client per caller (redis_client_bench
#      --connections per-caller) vs redis-benchmark -c 50
#   B. 50 connections, pipelines of 16 on each: the same with exec_pipeline of 16 vs redis-benchmark -c 50 -P 16
#   C. one connection, 50 commands in flight on it: 50 callers multiplexed on one shared client vs
#      redis-benchmark -c 1 -P 50
#   D. (not like-for-like) 50 callers multiplexed on one shared client vs redis-benchmark -c 50:
#      what an application gains by sharing one client instead of one connection per caller
# Every reply is checked on both sides of our client (SET OK, GET the value set): a wrong or
# failed reply fails the script. Prints a Markdown table with ratios (ours / redis-benchmark).
#   bench/redis/run.sh [BUILD_DIR]   (default build/release; REQUESTS=300000)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
BIN="$BUILD/bench/redis/redis_client_bench"
[ -x "$BIN" ] || { echo "build first: cmake --build $BUILD --target redis_client_bench" >&2; exit 1; }
source "$ROOT/bench/bench_redis.sh"
start_bench_redis
N=${REQUESTS:-300000}
URL="redis://127.0.0.1:$PORT"

# csv_rates FILE: "NAME,ops" lines (both programs' --csv) -> "NAME ops" lines, quotes dropped.
csv_rates() { tr -d '"' < "$1" | awk -F, '$1=="SET" || $1=="GET" {print $1, $2}'; }

# row LABEL LIKE_FOR_LIKE "redis-benchmark args" "redis_client_bench args"
row() {
  local label="$1" like="$2" rb_args="$3" our_args="$4"
  # shellcheck disable=SC2086
  redis-benchmark -p "$PORT" -n "$N" -t set,get --csv $rb_args > "$DIR/rb.csv"
  # shellcheck disable=SC2086
  "$BIN" --url "$URL" --requests "$N" $our_args > "$DIR/ours.csv"  # exits 1 on a wrong reply
  python3 - "$label" "$like" "$DIR/rb.csv" "$DIR/ours.csv" <<'PY'
import sys
label, like, rb_file, ours_file = sys.argv[1:]
def rates(path):
    out = {}
    for line in open(path):
        f = line.replace('"', "").strip().split(",")
        if len(f) >= 2 and f[0] in ("SET", "GET"):
            out[f[0]] = float(f[1])
    return out
rb, ours = rates(rb_file), rates(ours_file)
for op in ("SET", "GET"):
    if op not in rb or op not in ours:
        sys.exit(f"FAILED {label}: no {op} figure (redis-benchmark: {rb}, ours: {ours})")
    print(f"| {label} | {op} | {rb[op]:,.0f} | {ours[op]:,.0f} | {ours[op] / rb[op]:.2f} | {like} |")
PY
}

echo "| set-up | op | redis-benchmark ops/s | ragcache client ops/s | ratio | like-for-like |"
echo "|---|---|---|---|---|---|"
row "A. 50 connections, 1 in flight each (client per caller vs redis-benchmark -c 50)" yes \
  "-c 50" "--clients 50 --connections per-caller"
row "B. 50 connections, pipelines of 16 (client per caller vs redis-benchmark -c 50 -P 16)" yes \
  "-c 50 -P 16" "--clients 50 --connections per-caller --pipeline 16"
row "C. 1 connection, 50 in flight (50 callers on one shared client vs redis-benchmark -c 1 -P 50)" yes \
  "-c 1 -P 50" "--clients 50 --connections shared"
row "D. 50 callers multiplexed on 1 connection vs redis-benchmark 50 connections, 1 in flight each" "no (informative)" \
  "-c 50" "--clients 50 --connections shared"
