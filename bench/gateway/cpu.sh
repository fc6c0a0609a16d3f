#!/usr/bin/env bash
# Noise-robust companion of run.sh: what one request COSTS the gateway, not how fast it went.
# For each scenario it runs wrk against `ragcache serve` and prints, per request served:
#   - gateway CPU time (user+system, from /proc/<pid>/stat before/after; µs/request),
#   - mock-llm CPU time (pass-through rows; µs/request),
#   - Redis commands (INFO commandstats delta: calls per request, by command),
#   - req/s and p50 (these two DO depend on whatever else runs on the machine).
# CPU time per request barely moves when other processes share the cores (they slow the run
# down, they do not add work to it), so it is the number to compare before/after a change.
#   bench/gateway/cpu.sh [BUILD_DIR]   (default build/release; DURATION=5s, CONNECTIONS=50)
DURATION="${DURATION:-5s}"
CONNECTIONS="${CONNECTIONS:-50}"
source "$(dirname "$0")/common.sh" "$@"
GPORT=$(free_port)
${GATEWAY_WRAPPER:-} "$BIN" serve --listen "127.0.0.1:$GPORT" --redis "redis://127.0.0.1:$RPORT" --upstream "http://127.0.0.1:$MPORT/v1" \
  --log-level warn ${GATEWAY_ARGS:-} > "$DIR/gateway.log" 2>&1 &
GW_PID=$!; pids+=($GW_PID)
wait_healthy "$GPORT"
store_answer "$GPORT"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, in clock ticks
HZ=$(getconf CLK_TCK)
commandstats() { redis-cli -p "$RPORT" info commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ {print $1, $3}'; }

# scenario name, url path, wrk script, optional header
scenario() {
  local name=$1 script=$2 header=${3:-}
  local args=(-t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/gateway/$script")
  [ -n "$header" ] && args+=(-H "$header")
  commandstats > "$DIR/cs.before"
  local g0 m0 g1 m1 out
  g0=$(ticks "$GW_PID"); m0=$(ticks "$MOCK_PID")
  out=$(wrk "${args[@]}" "http://127.0.0.1:$GPORT/v1/chat/completions")
  g1=$(ticks "$GW_PID"); m1=$(ticks "$MOCK_PID")
  commandstats > "$DIR/cs.after"
  local n rps p50 errors
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  local redis
  redis=$(python3 - "$DIR/cs.before" "$DIR/cs.after" "$n" <<'PY'
import sys
def load(p):
    d = {}
    for line in open(p):
        k, v = line.split()
        d[k.replace("cmdstat_", "")] = int(v)
    return d
b, a, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
diff = {k: v - b.get(k, 0) for k, v in a.items() if k not in ("info",) and v - b.get(k, 0) > 0}
total = sum(diff.values())
parts = " ".join(f"{k}={v / n:.2f}" for k, v in sorted(diff.items(), key=lambda kv: -kv[1]) if v / n >= 0.01)
print(f"{total / n:.2f} ({parts})" if total else "0")
PY
)
  printf '| %s | %s | %.1f | %.1f | %s | %s | %s %s|\n' "$name" "$n" \
    "$(python3 -c "print(($g1-$g0)*1e6/$HZ/$n)")" "$(python3 -c "print(($m1-$m0)*1e6/$HZ/$n)")" \
    "$redis" "$rps" "$p50" "${errors:+($errors)}"
}

echo "| scenario | requests | gateway CPU µs/req | mock-llm CPU µs/req | Redis commands/req | req/s | p50 |"
echo "|---|---|---|---|---|---|---|"
scenario "exact hit (L1)" hit.lua
scenario "exact hit SSE (L1)" hit_stream.lua
scenario "pass-through (no-store)" hit.lua "Cache-Control: no-store"
scenario "pass-through stream (no-store)" hit_stream.lua "Cache-Control: no-store"
scenario "miss (new question each request: leader + store)" miss.lua
