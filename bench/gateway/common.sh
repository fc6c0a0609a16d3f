# Shared set-up of the gateway benchmarks (sourced by run.sh, cpu.sh, instructions.sh): checks the
# binary, starts a throw-away redis-server and mock-llm on free ports, and stops everything the
# script started (pids) on exit. Sets ROOT, BUILD, BIN, DIR, RPORT, MPORT, MOCK_PID.
# MOCK_BIN=path/to/ragcache runs that binary's mock-llm instead of BUILD's.
#   source "$(dirname "$0")/common.sh" "$@"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
BIN="$BUILD/src/app/ragcache"
[ -x "$BIN" ] || { echo "build first: cmake --build $BUILD --target ragcache" >&2; exit 1; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
DIR="$(mktemp -d)"
RPORT=$(free_port); MPORT=$(free_port)
pids=()
# Wait for the servers to exit before removing their folder (redis writes into it while it stops).
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR" --daemonize no --logfile "$DIR/redis.log" &
pids+=($!)
# MOCK_BIN: the mock LLM of another build (e.g. the same mock for two gateways compared: the mock
# shares the cores, so a slower mock would lower the gateway's figures too).
"${MOCK_BIN:-$BIN}" mock-llm --listen "127.0.0.1:$MPORT" --latency-ms 0 > "$DIR/mock.log" 2>&1 &
MOCK_PID=$!; pids+=($MOCK_PID)
for _ in $(seq 100); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.05; done

# wait_healthy PORT [TRIES]: until the server on PORT answers /healthz (0.1 s apart); fails after.
wait_healthy() {
  for _ in $(seq "${2:-100}"); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "nothing answers http://127.0.0.1:$1/healthz (logs in $DIR)" >&2
  return 1
}

# The benchmarks' question, as a chat completion and as a streamed one.
CHAT_BODY='{"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of France?"}]}'
STREAM_BODY='{"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of France?"}],"stream":true}'
# The answer mock-llm gives to it, as plain text (ANSWER) and as it appears inside a JSON body
# (ANSWER_JSON): every checked response must carry it (hits replay it, pass-through relays it).
wait_healthy "$MPORT"
ANSWER="$(curl -sf "http://127.0.0.1:$MPORT/v1/chat/completions" -H 'Content-Type: application/json' -d "$CHAT_BODY" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["choices"][0]["message"]["content"])')"
ANSWER_JSON="$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1], ensure_ascii=False)[1:-1])' "$ANSWER")"
[ -n "$ANSWER" ] || { echo "mock-llm gave no answer to the benchmarks' question" >&2; exit 1; }

# store_answer PORT: one completion through the gateway on PORT, so that the question is cached;
# fails unless it was a MISS (or a HIT: already cached) that carried the expected answer.
store_answer() {
  local head
  head="$(curl -s -D - -o "$DIR/stored.json" "http://127.0.0.1:$1/v1/chat/completions" -H 'Content-Type: application/json' \
    -d "$CHAT_BODY" | tr -d '\r')"
  grep -qiE '^x-cache: (MISS|HIT)$' <<<"$head" && grep -qF "$ANSWER_JSON" "$DIR/stored.json" \
    || { echo "storing the answer through port $1 failed: $head $(cat "$DIR/stored.json")" >&2; return 1; }
}

# wrk_output LABEL: the file where wrk_checked LABEL keeps wrk's output.
wrk_output() { echo "$DIR/wrk_$(tr -c 'a-zA-Z0-9\n' '_' <<<"$1").txt"; }
# wrk_checked LABEL URL [wrk args...]: wrk with checked.lua, configured by WRK_* variables (see
# checked.lua); prints "<req/s> <p50 ms> <p99 ms>". Returns 1, saying why on stderr, when any
# response had a wrong status, X-Cache or body, or wrk saw socket errors (wrk_check.py).
wrk_checked() {
  local label="$1" url="$2"; shift 2
  local out
  out="$(wrk_output "$label")"
  # 10 s, not wrk's 2 s: a slow answer is timed (and counts in the percentiles), a lost one fails.
  wrk "$@" --latency --timeout 10s -s "$ROOT/bench/gateway/checked.lua" "$url" > "$out" 2>&1 \
    || { echo "FAILED $label: wrk exited non-zero: $(tail -3 "$out")" >&2; return 1; }
  python3 "$ROOT/bench/gateway/wrk_check.py" "$out" --label "$label"
}
