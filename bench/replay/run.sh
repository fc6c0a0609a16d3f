#!/usr/bin/env bash
# Workload replay: a few thousand generated questions (Zipf popularity, exact repeats,
# paraphrases, hard negatives; bench/replay/generate.py) sent by concurrent clients
#   1. directly to `ragcache mock-llm` with a realistic latency (the baseline: no cache), then
#   2. through `ragcache serve` (fresh Redis, empty cache) in front of the same mock-llm.
# Prints Markdown tables (upstream calls saved, tokens saved, X-Cache kinds, latency with and
# without, wrong answers served) and writes run JSONs + PNG plots into OUT_DIR.
#   bench/replay/run.sh [BUILD_DIR] [OUT_DIR]
# env: REPLAY_QUESTIONS=2500 REPLAY_INTENTS=400 REPLAY_CLIENTS=16 REPLAY_SEED=7 REPLAY_ZIPF=1.0
#      REPLAY_LATENCY_MS=400 REPLAY_TOKENS_PER_SEC=100 (mock-llm pacing: the model's time to first
#      token, then 24 answer tokens at that rate) PLOT_PYTHON=/usr/bin/python3 (with matplotlib)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
OUT="${2:-$(mktemp -d)}"
BIN="$BUILD/src/app/ragcache"
HERE="$ROOT/bench/replay"
[ -x "$BIN" ] || { echo "build first: cmake --build $BUILD --target ragcache" >&2; exit 1; }
mkdir -p "$OUT"
QUESTIONS="${REPLAY_QUESTIONS:-2500}"
CLIENTS="${REPLAY_CLIENTS:-16}"
LATENCY="${REPLAY_LATENCY_MS:-400}"
TPS="${REPLAY_TOKENS_PER_SEC:-100}"
python3 "$HERE/generate.py" --questions "$QUESTIONS" --intents "${REPLAY_INTENTS:-400}" \
  --seed "${REPLAY_SEED:-7}" --zipf "${REPLAY_ZIPF:-1.0}" > "$OUT/workload.jsonl"

# shellcheck source=../peers/stack.sh
source "$ROOT/bench/peers/stack.sh"
start_stack "$BIN" --latency-ms "$LATENCY" --tokens-per-sec "$TPS"
STATS="http://127.0.0.1:$MPORT/mock/stats"

python3 "$HERE/replay.py" --label direct --url "http://127.0.0.1:$MPORT" --workload "$OUT/workload.jsonl" \
  --clients "$CLIENTS" --upstream-stats "$STATS" --out "$OUT/replay_direct.json"
python3 "$HERE/replay.py" --label ragcache --url "http://127.0.0.1:$GPORT" --workload "$OUT/workload.jsonl" \
  --clients "$CLIENTS" --upstream-stats "$STATS" --out "$OUT/replay_ragcache.json"
curl -s "http://127.0.0.1:$GPORT/metrics" > "$OUT/replay_gateway_metrics.txt"

python3 "$HERE/summarize.py" --direct "$OUT/replay_direct.json" --ragcache "$OUT/replay_ragcache.json" \
  --metrics "$OUT/replay_gateway_metrics.txt" --latency-ms "$LATENCY" --tokens-per-sec "$TPS" \
  --json-out "$OUT/replay_summary.json"
PLOT_PYTHON="${PLOT_PYTHON:-/usr/bin/python3}"
if "$PLOT_PYTHON" -c 'import matplotlib' 2>/dev/null; then
  "$PLOT_PYTHON" "$HERE/plot.py" --direct "$OUT/replay_direct.json" --ragcache "$OUT/replay_ragcache.json" --out-dir "$OUT"
else
  echo "(no plots: $PLOT_PYTHON has no matplotlib; apt-get install python3-matplotlib)"
fi
