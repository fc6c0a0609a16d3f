#!/usr/bin/env bash
# The HTTP server's own ceiling: `ragcache mock-llm` under wrk (50 keep-alive connections), on a
# trivial route (GET /healthz), a non-streamed chat completion and a streamed one; and, in the
# same run, a bare Node.js http server on the trivial route as a reference point.
#   bench/http/run.sh [BUILD_DIR] [SECONDS]     (defaults: build/release, 10)
# Env: THREADS="1 2" io-thread counts to try; CONNECTIONS=50.
# Prints a Markdown table: requests/s and latency percentiles as wrk reports them; fails (exit 1,
# with the reason) when wrk saw a non-2xx response or a socket error.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
SECS="${2:-10}"
BIN="$BUILD/src/app/ragcache"
CONNS="${CONNECTIONS:-50}"
[ -x "$BIN" ] || { echo "build first: cmake --build $BUILD --target ragcache" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not found" >&2; exit 1; }
HERE="$ROOT/bench/http"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1$2" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

# wrk --latency output -> "| name | req/s | p50 | p90 | p99 |"
run_wrk() {  # name url [script]
  local name="$1" url="$2" script="${3:-}"
  local args=(-t2 -c"$CONNS" -d"${SECS}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" "$url" > "$WORK/wrk.txt"
  python3 - "$name" "$WORK/wrk.txt" <<'PY'
import re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
pct = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", text, re.M))
# A run with failed requests measured failures: stop with the reason instead of printing a row.
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
if errors or (sock and any(int(x) for x in sock.groups())):
    sys.exit(f"FAILED {name}: " + "; ".join(m.group(0) for m in (errors, sock) if m))
print(f"| {name} | {float(rps):,.0f} | {pct.get('50','?')} | {pct.get('90','?')} | {pct.get('99','?')} |")
PY
}

echo "wrk: 2 threads, $CONNS connections, ${SECS}s per row; machine: $(nproc) cores"
echo
echo "| server / route | requests/s | p50 | p90 | p99 |"
echo "|---|---|---|---|---|"
for T in ${THREADS:-1 2}; do
  PORT=$(free_port)
  "$BIN" mock-llm --listen "127.0.0.1:$PORT" --threads "$T" > "$WORK/mock.log" 2>&1 &
  PIDS+=($!)
  wait_port "$PORT" /healthz || { cat "$WORK/mock.log"; exit 1; }
  run_wrk "ragcache mock-llm ($T io threads) GET /healthz" "http://127.0.0.1:$PORT/healthz"
  run_wrk "ragcache mock-llm ($T io threads) POST chat (non-stream)" "http://127.0.0.1:$PORT/v1/chat/completions" "$HERE/chat.lua"
  run_wrk "ragcache mock-llm ($T io threads) POST chat (stream, 27 events)" "http://127.0.0.1:$PORT/v1/chat/completions" "$HERE/chat_stream.lua"
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
done
if command -v node >/dev/null; then
  PORT=$(free_port)
  node -e "require('http').createServer((q,s)=>{s.setHeader('Content-Type','application/json');s.end('{\"status\":\"ok\"}')}).listen($PORT,'127.0.0.1')" &
  PIDS+=($!)
  wait_port "$PORT" / || exit 1
  run_wrk "node $(node --version) http (1 thread) GET /" "http://127.0.0.1:$PORT/"
fi
