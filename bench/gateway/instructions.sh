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

scenario() {  # name, wrk script, optional header
  local name=$1 script=$2 header=${3:-}
  local args=(-t1 -c10 -d"$DURATION" -s "$ROOT/bench/gateway/$script")
  [ -n "$header" ] && args+=(-H "$header")
  wrk -t1 -c10 -d1s -s "$ROOT/bench/gateway/$script" ${header:+-H "$header"} "http://127.0.0.1:$GPORT/v1/chat/completions" >/dev/null
  callgrind_control -z "$GW_PID" >/dev/null 2>&1
  local out n
  out=$(wrk "${args[@]}" "http://127.0.0.1:$GPORT/v1/chat/completions")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  callgrind_control -d "$GW_PID" >/dev/null 2>&1
  sleep 0.5
  local ir
  ir=$(last_ir)
  [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$(ls -t "$DIR"/cg.* | head -1)" "$KEEP/$(tr ' ()/:' '_____' <<<"$name").callgrind"
  printf '| %s | %s | %s |\n' "$name" "$n" "$(python3 -c "print(f'{$ir/$n:,.0f}')")"
}

echo "| scenario | requests | gateway user-space instructions/request |"
echo "|---|---|---|"
scenario "exact hit (L1)" hit.lua
scenario "exact hit SSE (L1)" hit_stream.lua
scenario "pass-through (no-store)" hit.lua "Cache-Control: no-store"
scenario "pass-through stream (no-store)" hit_stream.lua "Cache-Control: no-store"
scenario "miss (new question each request)" miss.lua
