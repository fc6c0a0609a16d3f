#!/usr/bin/env bash
# Two builds of the gateway side by side, under the same conditions: both gateways run at once on
# the same redis-server behind the same mock LLM (BASE's), and wrk alternates between them
# (ROUNDS rounds of BASE then NEW per scenario), so a busy neighbour slows both alike. Prints,
# per scenario, each build's mean req/s and gateway CPU time per request (user + system, from
# /proc/<pid>/stat) and NEW's ratio to BASE. Every response is checked (checked.lua): a wrong
# status, X-Cache or answer stops the script.
#   bench/gateway/compare.sh BASE_BUILD [NEW_BUILD]   (NEW_BUILD: build/release; DURATION=5s,
#                                                      ROUNDS=4, CONNS=50)
# BASE may be a build from before an option existed: both gateways get only the common options
# (BASE_ARGS / NEW_ARGS add more, e.g. NEW_ARGS="--embedder lexical").
DURATION="${DURATION:-5s}"
ROUNDS="${ROUNDS:-4}"
BASE_BUILD="${1:?usage: bench/gateway/compare.sh BASE_BUILD [NEW_BUILD]}"
BASE_BIN="$BASE_BUILD/src/app/ragcache"
[ -x "$BASE_BIN" ] || { echo "no gateway at $BASE_BIN" >&2; exit 1; }
export MOCK_BIN="$BASE_BIN"
source "$(dirname "$0")/common.sh" "${2:-}"

start_gateway() {  # binary port log [extra args...]
  local bin=$1 port=$2 log=$3; shift 3
  "$bin" serve --listen "127.0.0.1:$port" --redis "redis://127.0.0.1:$RPORT" --upstream "http://127.0.0.1:$MPORT/v1" \
    --log-level warn "$@" > "$log" 2>&1 &
  pids+=($!)
}
BPORT=$(free_port); NPORT=$(free_port)
start_gateway "$BASE_BIN" "$BPORT" "$DIR/base.log" ${BASE_ARGS:-}
BASE_PID=${pids[-1]}
start_gateway "$BIN" "$NPORT" "$DIR/new.log" ${NEW_ARGS:-}
NEW_PID=${pids[-1]}
wait_healthy "$BPORT"
wait_healthy "$NPORT"
store_answer "$BPORT"
store_answer "$NPORT"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK_US=$(python3 -c "import os; print(1e6 / os.sysconf('SC_CLK_TCK'))")

# scenario NAME [wrk args...]: WRK_* settings from the caller.
scenario() {
  local name=$1; shift
  local sums=(0 0 0 0)  # base req/s, base µs/req, new req/s, new µs/req
  for round in $(seq "$ROUNDS"); do
    local i=0
    for side in base new; do
      local port=$BPORT pid=$BASE_PID
      [ $side = new ] && port=$NPORT pid=$NEW_PID
      local t0 t1 r rps n
      t0=$(cpu_ticks "$pid")
      r=$(wrk_checked "$name $side $round" "http://127.0.0.1:$port/v1/chat/completions" -t2 -c"${CONNS:-50}" -d"$DURATION" "$@")
      t1=$(cpu_ticks "$pid")
      rps=$(cut -d' ' -f1 <<<"$r")
      n=$(awk '/requests in/ {print $1}' "$(wrk_output "$name $side $round")")
      sums[$i]=$(python3 -c "print(${sums[$i]} + $rps)")
      sums[$((i + 1))]=$(python3 -c "print(${sums[$((i + 1))]} + ($t1 - $t0) * $TICK_US / $n)")
      i=$((i + 2))
    done
  done
  python3 - "$name" "$ROUNDS" "${sums[@]}" <<'PY'
import sys
name, rounds = sys.argv[1], int(sys.argv[2])
b_rps, b_us, n_rps, n_us = (float(x) / rounds for x in sys.argv[3:7])
print(f"| {name} | {b_rps:,.0f} | {n_rps:,.0f} | {n_rps / b_rps:.2f} | {b_us:.1f} | {n_us:.1f} | {n_us / b_us:.2f} |")
PY
}

echo "| scenario ($ROUNDS rounds of $DURATION each, alternating) | BASE req/s | NEW req/s | NEW/BASE | BASE CPU µs/req | NEW CPU µs/req | NEW/BASE |"
echo "|---|---|---|---|---|---|---|"
export WRK_BODY="$CHAT_BODY" WRK_EXPECT_BODY="$ANSWER_JSON"
WRK_EXPECT_CACHE=HIT scenario "exact hit"
WRK_EXPECT_CACHE=BYPASS WRK_HEADERS="Cache-Control: no-store" scenario "pass-through (no-store)"
WRK_BODY="$STREAM_BODY" WRK_EXPECT_BODY="[DONE]" WRK_EXPECT_CACHE=HIT scenario "exact hit, stream"
WRK_BODY="$STREAM_BODY" WRK_EXPECT_BODY="[DONE]" WRK_EXPECT_CACHE=BYPASS WRK_HEADERS="Cache-Control: no-store" \
  scenario "pass-through, stream (no-store)"
echo "| machine | $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the end | | | | | |"
