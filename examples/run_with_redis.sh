#!/usr/bin/env bash
# Runs an example program against a throw-away redis-server on a unix socket and checks its
# output (the examples are what README.md shows users; they must work, not only compile).
#   run_with_redis.sh EXAMPLE_BINARY EXPECTED_OUTPUT_REGEX...
set -euo pipefail
BIN=$1
shift
DIR="$(mktemp -d)"
redis-server --port 0 --unixsocket "$DIR/redis.sock" --unixsocketperm 700 --save "" --appendonly no \
  --dir "$DIR" --daemonize no --logfile "$DIR/redis.log" &
RPID=$!
trap 'kill $RPID 2>/dev/null; wait $RPID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 100); do redis-cli -s "$DIR/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.05; done
OUT=$(timeout 30 "$BIN" "unix://$DIR/redis.sock")
echo "$OUT"
for pattern in "$@"; do
  grep -Eq "$pattern" <<<"$OUT" || { echo "output lacks /$pattern/" >&2; exit 1; }
done
