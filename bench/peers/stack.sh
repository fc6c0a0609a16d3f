# Sourced by bench/peers/gateway_vs_portkey.sh and bench/replay/run.sh: starts the stack they
# both measure, on free local ports, and stops it on exit:
#   a fresh redis-server ($RPORT), `ragcache mock-llm` ($MPORT) with the given flags, and
#   `ragcache serve` ($GPORT) in front of it, using that Redis.
#   start_stack BIN [mock-llm flags...]       then: track_pid PID for any other process to stop
# Logs go to $STACK_DIR (a temporary folder, removed on exit).
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; return 1; }

STACK_DIR="$(mktemp -d)"
stack_pids=()
track_pid() { stack_pids+=("$1"); }
# Wait for each before removing the folder: redis-server reopens its log file there to log its
# shutdown, and a removal racing with that fails with "Directory not empty".
stop_stack() {
  for p in "${stack_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${stack_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$STACK_DIR"
}
trap stop_stack EXIT

start_stack() {
  local bin="$1"; shift
  RPORT=$(free_port); MPORT=$(free_port); GPORT=$(free_port)
  redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$STACK_DIR" --daemonize no \
    --logfile "$STACK_DIR/redis.log" &
  track_pid $!
  "$bin" mock-llm --listen "127.0.0.1:$MPORT" "$@" > "$STACK_DIR/mock.log" 2>&1 &
  track_pid $!
  for _ in $(seq 100); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
  "$bin" serve --listen "127.0.0.1:$GPORT" --redis "redis://127.0.0.1:$RPORT" --upstream "http://127.0.0.1:$MPORT/v1" \
    --log-level warn > "$STACK_DIR/gateway.log" 2>&1 &
  track_pid $!
  wait_http "http://127.0.0.1:$MPORT/healthz" && wait_http "http://127.0.0.1:$GPORT/healthz"
}
