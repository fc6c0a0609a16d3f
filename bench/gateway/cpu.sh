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

# scenario NAME [HEADER]: one checked wrk run (WRK_* settings from the caller, see checked.lua).
scenario() {
  local name=$1 header=${2:-}
  commandstats > "$DIR/cs.before"
  local g0 m0 g1 m1 r n rps p50 p99
  g0=$(ticks "$GW_PID"); m0=$(ticks "$MOCK_PID")
  r=$(wrk_checked "$name" "http://127.0.0.1:$GPORT/v1/chat/completions" -t1 -c"$CONNECTIONS" -d"$DURATION" ${header:+-H "$header"})
  read -r rps p50 p99 <<<"$r"
  g1=$(ticks "$GW_PID"); m1=$(ticks "$MOCK_PID")
  commandstats > "$DIR/cs.after"
  n=$(awk '/requests in/ {print $1}' "$(wrk_output "$name")")
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
  printf '| %s | %s | %.1f | %.1f | %s | %s | %s ms |\n' "$name" "$n" \
    "$(python3 -c "print(($g1-$g0)*1e6/$HZ/$n)")" "$(python3 -c "print(($m1-$m0)*1e6/$HZ/$n)")" \
    "$redis" "$rps" "$p50"
}

echo "| scenario | requests | gateway CPU µs/req | mock-llm CPU µs/req | Redis commands/req | req/s | p50 |"
echo "|---|---|---|---|---|---|---|"
# Every response is checked (status, X-Cache, answer or stream end): a failure stops the script.
WRK_BODY="$CHAT_BODY" WRK_EXPECT_BODY="$ANSWER_JSON" WRK_EXPECT_CACHE=HIT scenario "exact hit (L1)"
WRK_BODY="$STREAM_BODY" WRK_EXPECT_BODY="[DONE]" WRK_EXPECT_CACHE=HIT scenario "exact hit SSE (L1)"
WRK_BODY="$CHAT_BODY" WRK_EXPECT_BODY="$ANSWER_JSON" WRK_EXPECT_CACHE=BYPASS scenario "pass-through (no-store)" "Cache-Control: no-store"
WRK_BODY="$STREAM_BODY" WRK_EXPECT_BODY="[DONE]" WRK_EXPECT_CACHE=BYPASS scenario "pass-through stream (no-store)" "Cache-Control: no-store"
WRK_UNIQUE=1 WRK_EXPECT_CACHE=MISS WRK_EXPECT_BODY='"content"' scenario "miss (new question each request: leader + store)"
