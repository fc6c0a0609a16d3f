#!/usr/bin/env bash
# ragcache tokenizer vs the npm `tiktoken` (WASM) package: tokens/s, single thread, same corpus,
# same run. usage: bench/tokens/run.sh [build dir, default build/release] [corpus lines, default 12000]
# Prints both sides and the ratio per encoding (goal: ragcache >= 2x tiktoken).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
LINES="${2:-12000}"
[ -x "$BUILD/bench/tokens/tokens_bench" ] || { echo "build tokens_bench first (cmake --build $BUILD --target tokens_bench tokens_bench_corpus)"; exit 1; }
command -v node >/dev/null || { echo "node not found: install nodejs and run npm install in tools/node"; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$BUILD/bench/tokens/tokens_bench_corpus" "$LINES" "$WORK/corpus.hex"

echo "== npm tiktoken (WASM), encode_ordinary, $LINES texts"
node "$ROOT/bench/tokens/tiktoken_bench.cjs" "$WORK/corpus.hex" 3 | tee "$WORK/node.jsonl"
echo "== ragcache tokens, $LINES texts"
RAGCACHE_BENCH_CORPUS_LINES="$LINES" "$BUILD/bench/tokens/tokens_bench" \
  --benchmark_min_time=2 --benchmark_format=json --benchmark_out="$WORK/cc.json" \
  --benchmark_out_format=json >/dev/null 2>"$WORK/cc.err" || { cat "$WORK/cc.err"; exit 1; }

python3 - "$WORK/node.jsonl" "$WORK/cc.json" <<'PY'
import json, sys
node = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    node[r["encoding"]] = (r["tokens_per_second"], r["tokens_per_cpu_second"])
cc = json.load(open(sys.argv[2]))["benchmarks"]
scale = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1.0}
print(f'{"benchmark":<30}{"tokens/s wall":>15}{"tokens/s cpu":>15}{"vs tiktoken (wall / cpu)":>28}')
for enc, (wall, cpu) in node.items():
    print(f'{"tiktoken wasm encode/" + enc:<30}{wall:>15,.0f}{cpu:>15,.0f}{"1.00x / 1.00x":>28}')
for b in cc:
    enc = b["name"].split("/")[1]
    tokens = b["tokens_per_pass"]
    unit = scale[b["time_unit"]]
    wall = tokens / (b["real_time"] / unit)
    cpu = tokens / (b["cpu_time"] / unit)
    ratio = f'{wall / node[enc][0]:.2f}x / {cpu / node[enc][1]:.2f}x'
    print(f'{b["name"]:<30}{wall:>15,.0f}{cpu:>15,.0f}{ratio:>28}')
PY
