#!/usr/bin/env bash
# The most noise-proof cost number: user-space instructions the gateway executes per request,
# counted by valgrind's callgrind (deterministic; independent of what else runs on the machine;
# kernel work such as the socket calls is not included, see cpu.sh for total CPU time).
# The gateway runs under callgrind (slowly: the request rates printed are meaningless); counters
# are zeroed after warm-up and dumped after each scenario.
#   bench/gateway/instructions.sh [BUILD_DIR]   (default build/release; DURATION=4s)
# Keep the per-function profiles with KEEP=dir (open with callgrind_annotate).
DURATION="${DURATION:-4s}"
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
source "$(dirname "$0")/common.sh" "$@"
GPORT=$(free_port)
valgrind --tool=callgrind --callgrind-out-file="$DIR/cg.%p" \
  "$BIN" serve --listen "127.0.0.1:$GPORT" --redis "redis://127.0.0.1:$RPORT" --upstream "http://127.0.0.1:$MPORT/v1" \
  --log-level warn ${GATEWAY_ARGS:-} > "$DIR/gateway.log" 2>&1 &
GW_PID=$!; pids+=($GW_PID)
wait_healthy "$GPORT" 600
store_answer "$GPORT"

# Instructions (Ir) in the last dump.
last_ir() { ls -t "$DIR"/cg.* | head -1 | xargs grep -h '^summary:' | awk '{print $2}'; }

scenario() {  # name, optional header; WRK_* settings from the caller (checked.lua)
  local name=$1 header=${2:-}
  local url="http://127.0.0.1:$GPORT/v1/chat/completions"
  wrk_checked "$name (warm-up)" "$url" -t1 -c10 -d1s ${header:+-H "$header"} >/dev/null
  callgrind_control -z "$GW_PID" >/dev/null 2>&1
  local n
  wrk_checked "$name" "$url" -t1 -c10 -d"$DURATION" ${header:+-H "$header"} >/dev/null
  n=$(awk '/requests in/ {print $1}' "$(wrk_output "$name")")
  callgrind_control -d "$GW_PID" >/dev/null 2>&1
  sleep 0.5
  local ir
  ir=$(last_ir)
  [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$(ls -t "$DIR"/cg.* | head -1)" "$KEEP/$(tr ' ()/:' '_____' <<<"$name").callgrind"
  printf '| %s | %s | %s |\n' "$name" "$n" "$(python3 -c "print(f'{$ir/$n:,.0f}')")"
}

echo "| scenario | requests | gateway user-space instructions/request |"
echo "|---|---|---|"
# Every response is checked (status, X-Cache, answer or stream end): a failure stops the script.
WRK_BODY="$CHAT_BODY" WRK_EXPECT_BODY="$ANSWER_JSON" WRK_EXPECT_CACHE=HIT scenario "exact hit (L1)"
WRK_BODY="$STREAM_BODY" WRK_EXPECT_BODY="[DONE]" WRK_EXPECT_CACHE=HIT scenario "exact hit SSE (L1)"
WRK_BODY="$CHAT_BODY" WRK_EXPECT_BODY="$ANSWER_JSON" WRK_EXPECT_CACHE=BYPASS scenario "pass-through (no-store)" "Cache-Control: no-store"
WRK_BODY="$STREAM_BODY" WRK_EXPECT_BODY="[DONE]" WRK_EXPECT_CACHE=BYPASS scenario "pass-through stream (no-store)" "Cache-Control: no-store"
WRK_UNIQUE=1 WRK_EXPECT_CACHE=MISS WRK_EXPECT_BODY='"content"' scenario "miss (new question each request)"
