#!/usr/bin/env bash
# Runs an example program against a throw-away redis-server on a unix socket and checks its
# output (the examples are what README.md shows users; they must work, not only compile).
#   run_with_redis.sh EXAMPLE_BINARY EXPECTED_OUTPUT_REGEX...
set -euo pipefail
BIN=$1
shift
# Waits below are budgets, stretched on a slow tree or a busy machine (test/support/time_scale.h).
SCALE=${RAGCACHE_TEST_TIME_SCALE:-1}
SCALE=${SCALE%%.*}
DIR="$(mktemp -d)"
redis-server --port 0 --unixsocket "$DIR/redis.sock" --unixsocketperm 700 --save "" --appendonly no \
  --dir "$DIR" --daemonize no --logfile "$DIR/redis.log" &
RPID=$!
trap 'kill $RPID 2>/dev/null; wait $RPID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq $((100 * SCALE))); do
  redis-cli -s "$DIR/redis.sock" ping >/dev/null 2>&1 && break
  sleep 0.05
done
OUT=$(timeout $((30 * SCALE)) "$BIN" "unix://$DIR/redis.sock")
echo "$OUT"
for pattern in "$@"; do
  grep -Eq "$pattern" <<<"$OUT" || { echo "output lacks /$pattern/" >&2; exit 1; }
done
