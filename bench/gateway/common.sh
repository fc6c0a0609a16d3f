# Shared set-up of the gateway benchmarks (sourced by run.sh, cpu.sh, instructions.sh): checks the
# binary, starts a throw-away redis-server and mock-llm on free ports, and stops everything the
# script started (pids) on exit. Sets ROOT, BUILD, BIN, DIR, RPORT, MPORT, MOCK_PID.
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
"$BIN" mock-llm --listen "127.0.0.1:$MPORT" --latency-ms 0 > "$DIR/mock.log" 2>&1 &
MOCK_PID=$!; pids+=($MOCK_PID)
for _ in $(seq 100); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.05; done

# wait_healthy PORT [TRIES]: until the gateway on PORT answers /healthz (0.1 s apart).
wait_healthy() { for _ in $(seq "${2:-100}"); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && break; sleep 0.1; done; }
# store_answer PORT: one completion, so that the benchmarks' question is cached (hit.lua).
store_answer() {
  curl -s "http://127.0.0.1:$1/v1/chat/completions" -H 'Content-Type: application/json' \
    -d '{"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of France?"}]}' >/dev/null
}
