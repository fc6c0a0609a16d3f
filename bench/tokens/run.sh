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
node, node_tokens = {}, {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    node[r["encoding"]] = (r["tokens_per_second"], r["tokens_per_cpu_second"])
    node_tokens[r["encoding"]] = r["tokens"]  # one pass over the corpus
cc = json.load(open(sys.argv[2]))["benchmarks"]
# Same corpus, same encoding: both must count the same tokens, or the speed means nothing.
problems = []
for b in cc:
    enc = b["name"].split("/")[1]
    if b.get("error_occurred"):
        problems.append(f'{b["name"]}: {b.get("error_message", "error")}')
    elif enc not in node_tokens:
        problems.append(f'{b["name"]}: no tiktoken result for {enc}')
    elif int(b["tokens_per_pass"]) != node_tokens[enc]:
        problems.append(f'{b["name"]}: {int(b["tokens_per_pass"]):,} tokens, tiktoken counts {node_tokens[enc]:,}')
if not cc:
    problems.append("no ragcache benchmark ran")
if problems:
    sys.exit("FAILED (token counts differ from tiktoken): " + "; ".join(problems))
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
