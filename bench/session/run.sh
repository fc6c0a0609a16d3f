#!/usr/bin/env bash
# Session windows vs peers, on one fresh redis-server, in one run (bench/session/session_bench.cc):
#  1. chat turns/s (append user message, append answer, read window) at 50 concurrency against
#     LangChain JS RedisChatMessageHistory (addMessage x2 + getMessages, no trim), with and
#     without its sessionTTL (ours always refreshes the idle TTL); goal: >= 3x.
#     Also the turn as the gateway runs it (read, then one append of both messages), and the turn
#     with append_and_read (append the user message, then append the answer and get the window).
#  2. append round trips/s (the append script, window full and trimming) against redis-benchmark
#     EVAL of a trivial script at the same concurrency; goal: >= 0.6.
# Prints a Markdown table.
#   bench/session/run.sh [BUILD_DIR]   (default build/release); TURNS=50000 APPENDS=200000
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
BIN="$BUILD/bench/session/session_bench"
[ -x "$BIN" ] || { echo "build first: cmake --build $BUILD --target session_bench" >&2; exit 1; }
[ -d "$ROOT/tools/node/node_modules/@langchain/redis" ] || { echo "npm install in tools/node first" >&2; exit 1; }
TURNS=${TURNS:-50000}
APPENDS=${APPENDS:-200000}
CLIENTS=50
source "$ROOT/bench/bench_redis.sh"
start_bench_redis
URL="redis://127.0.0.1:$PORT"

value() { grep "^$1," | cut -d, -f2; }
OURS_TURN=$("$BIN" --url "$URL" --clients $CLIENTS --turns "$TURNS" --mode turn | value turn)
OURS_TURN2=$("$BIN" --url "$URL" --clients $CLIENTS --turns "$TURNS" --mode turn2 | value turn2)
OURS_TURNC=$("$BIN" --url "$URL" --clients $CLIENTS --turns "$TURNS" --mode turnc | value turnc)
LC_TURN=$(node "$ROOT/bench/session/langchain_bench.mjs" --url "$URL" --clients $CLIENTS --turns "$TURNS" | value langchain_turn)
LC_TURN_NO_TTL=$(node "$ROOT/bench/session/langchain_bench.mjs" --url "$URL" --clients $CLIENTS --turns "$TURNS" --ttl 0 | value langchain_turn_no_ttl)
redis-cli -p "$PORT" flushall >/dev/null
OURS_APPEND=$("$BIN" --url "$URL" --clients $CLIENTS --appends "$APPENDS" --mode append | value append)
EVAL=$(redis-benchmark -p "$PORT" -c $CLIENTS -n "$APPENDS" --csv eval "return 1" 0 | tail -n 1 | cut -d, -f2 | tr -d '"')

python3 - "$OURS_TURN" "$LC_TURN" "$LC_TURN_NO_TTL" "$OURS_APPEND" "$EVAL" "$CLIENTS" "$OURS_TURN2" "$OURS_TURNC" <<'PY'
import sys
ours_turn, lc, lc_no_ttl, ours_append, ev, c, ours_turn2, ours_turnc = map(float, sys.argv[1:])
print("| measure (%d concurrent callers) | peer | peer/s | ragcache/s | ratio |" % c)
print("|---|---|---|---|---|")
print(f"| chat turn: append user + append answer + read window | LangChain RedisChatMessageHistory, sessionTTL | {lc:,.0f} | {ours_turn:,.0f} | {ours_turn/lc:.2f} |")
print(f"| chat turn, same | LangChain RedisChatMessageHistory, no TTL | {lc_no_ttl:,.0f} | {ours_turn:,.0f} | {ours_turn/lc_no_ttl:.2f} |")
print(f"| chat turn with append_and_read: append user + append answer and read window (2 calls) | LangChain, sessionTTL (3 calls) | {lc:,.0f} | {ours_turnc:,.0f} | {ours_turnc/lc:.2f} |")
print(f"| chat turn as the gateway does it: read + one append of both messages | LangChain, sessionTTL (3 calls) | {lc:,.0f} | {ours_turn2:,.0f} | {ours_turn2/lc:.2f} |")
print(f"| append round trip (trimming window) | redis-benchmark EVAL \"return 1\" | {ev:,.0f} | {ours_append:,.0f} | {ours_append/ev:.2f} |")
PY
