#!/usr/bin/env bash
# The floor under issue 4's append goal: redis-benchmark (the goal's own client) runs EVAL
# "return 1" and a script that makes only the Redis calls any conforming append needs -- read
# the meta (dedup + totals), RPUSH, LPOP (trim), write the meta, PEXPIRE both keys -- with no
# Lua logic, no token parsing and no reply. Its ratio to the trivial EVAL bounds what the real
# append script (scripts/append.lua) can reach against the goal of 0.6.
#   bench/session/append_floor.sh [CALLS]   (default 300000; 50 connections as run.sh)
set -euo pipefail
CALLS=${1:-300000}
source "$(cd "$(dirname "$0")/.." && pwd)/bench_redis.sh"
start_bench_redis
MSG='{"id":"m-0123456789abcdef0123","tokens":42,"role":"user","content":"What is the refund policy for orders shipped outside the EU, and how long does it usually take?"}'
FLOOR="local st = redis.call('HMGET', KEYS[2], 'count', 'token_total', 'm:x')
local n = redis.call('RPUSH', KEYS[1], ARGV[1])
if n > 20 then redis.call('LPOP', KEYS[1]) end
redis.call('HSET', KEYS[2], 'token_total', ARGV[2], 'count', 20)
redis.call('PEXPIRE', KEYS[1], 86400000)
redis.call('PEXPIRE', KEYS[2], 86400000)
return n"
rps() { redis-benchmark -p "$PORT" -c 50 -n "$CALLS" -q "$@" | tr '\r' '\n' | grep 'requests per second' | tail -1 |
          sed 's/.*: \([0-9.]*\) requests per second.*/\1/'; }
trivial=$(rps EVAL "return 1" 0)
floor=$(rps EVAL "$FLOOR" 2 s:log s:meta "$MSG" 42)
python3 - "$trivial" "$floor" <<'PY'
import sys
t, f = map(float, sys.argv[1:])
print(f"EVAL \"return 1\": {t:,.0f}/s; append floor (6 calls, no logic): {f:,.0f}/s; ratio {f / t:.2f} (goal for the real append: 0.6)")
PY
