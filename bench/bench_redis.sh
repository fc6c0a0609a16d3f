# Sourced by the bench scripts: one throw-away redis-server for a benchmark run.
#   start_bench_redis [PREFIX_COMMAND...]   e.g. start_bench_redis chrt -f 5
# Sets DIR (its data directory), PORT and REDIS_PID, stops it and removes DIR on exit, and
# returns once it answers PING. No persistence: benchmarks measure CPU and round trips.
# BENCH_REDIS_ARGS: extra redis-server arguments, e.g. "--maxmemory 1" (every write refused) to
# see a benchmark fail on errors instead of printing a ratio.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_bench_redis() {
  DIR="$(mktemp -d)"
  PORT="$(free_port)"
  # shellcheck disable=SC2086
  "$@" redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" --daemonize no \
    --logfile "$DIR/redis.log" ${BENCH_REDIS_ARGS:-} &
  REDIS_PID=$!
  trap 'kill $REDIS_PID 2>/dev/null; wait $REDIS_PID 2>/dev/null; rm -rf "$DIR"' EXIT
  for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "redis-server on port $PORT did not start (log: $DIR/redis.log)" >&2
  return 1
}
