#!/usr/bin/env bash
# bench/limits: rate-limit checks/s at 50 concurrency, ragcache GCRA (one EVALSHA per check) vs.
# the npm `rate-limiter-flexible` RateLimiterRedis over ioredis, both against one fresh
# redis-server in the same run; plus ragcache token reserve+settle pairs/s for reference.
# usage: bench/limits/run.sh [build dir, default build/release] [seconds per run, default 5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
SECONDS_PER_RUN="${2:-5}"
BIN="$BUILD/bench/limits/limits_bench"
[ -x "$BIN" ] || { echo "build limits_bench first (cmake --build $BUILD --target limits_bench)"; exit 1; }
command -v node >/dev/null || { echo "node not found: install nodejs and run npm install in tools/node"; exit 1; }
[ -d "$ROOT/tools/node/node_modules/rate-limiter-flexible" ] || { echo "run npm install in tools/node (rate-limiter-flexible, ioredis)"; exit 1; }

source "$ROOT/bench/bench_redis.sh"
start_bench_redis
WORK="$DIR"
URL="redis://127.0.0.1:$PORT"

echo "== rate-limit checks/s, 1000 subjects, 50 concurrent callers, one io thread / one node process, ${SECONDS_PER_RUN}s"
node "$ROOT/bench/limits/rate_limiter_flexible_bench.cjs" "$PORT" "$SECONDS_PER_RUN" 50 1000 | tee "$WORK/rl.jsonl"
"$BIN" gcra "$URL" "$SECONDS_PER_RUN" 50 1000 1 | tee -a "$WORK/rl.jsonl"
echo "== token reserve+settle pairs/s (ragcache only; two Lua calls per pair)"
"$BIN" quota "$URL" "$SECONDS_PER_RUN" 50 1000 1 | tee "$WORK/quota.jsonl"

python3 - "$WORK/rl.jsonl" "$WORK/quota.jsonl" <<'PY'
import json, sys
rows = lambda path: [json.loads(line) for line in open(path) if line.startswith("{")]  # noqa: E731
r = {x["impl"]: x for x in rows(sys.argv[1])}
# Errors, or refusals under limits set far above the load, mean the numbers measure failures.
problems = [f'{x["impl"]}: {x["errors"]} errors, {x["refused"]} refused'
            for x in list(r.values()) + rows(sys.argv[2])
            if x.get("errors", 0) or x.get("refused", 0)]
for impl in ("ragcache_gcra", "npm_rate_limiter_flexible"):
    if impl not in r:
        problems.append(f"{impl}: no result")
if problems:
    sys.exit("FAILED: " + "; ".join(problems))
a, b = r["ragcache_gcra"]["ops_per_s"], r["npm_rate_limiter_flexible"]["ops_per_s"]
print(f'rate limit: ragcache {a:,.0f} checks/s, rate-limiter-flexible {b:,.0f} checks/s, ratio {a / b:.2f}x (goal >= 2x)')
PY
