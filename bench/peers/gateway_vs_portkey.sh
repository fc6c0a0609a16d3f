#!/usr/bin/env bash
# ragcache gateway vs the Portkey AI gateway (npm @portkey-ai/gateway, open-source build), both in
# front of the same `ragcache mock-llm` (no added latency), wrk at 50 connections, one run:
#   ragcache exact hit | ragcache pass-through (Cache-Control: no-store) | Portkey pass-through |
#   Portkey cache hit (only if its cache answers HIT: probed first) | mock-llm direct.
# Prints a Markdown table; writes each target's latency percentiles to $OUT_DIR/latency_<name>.txt
# ("percentile microseconds" lines, for plots) and a JSON summary to $OUT_DIR/gateway_peers.json.
#   bench/peers/gateway_vs_portkey.sh [BUILD_DIR] [OUT_DIR]    env: DURATION=10s WARMUP=2s CONNECTIONS=50
# Needs `npm install` in bench/peers (run_all.sh does it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
OUT="${2:-$(mktemp -d)}"
BIN="$BUILD/src/app/ragcache"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
CONNS="${CONNECTIONS:-50}"
PORTKEY="$ROOT/bench/peers/node_modules/@portkey-ai/gateway/build/start-server.js"
LUA="$ROOT/bench/gateway/checked.lua"  # checks every response; prints latency percentiles
[ -x "$BIN" ] || { echo "build first: cmake --build $BUILD --target ragcache" >&2; exit 1; }
[ -f "$PORTKEY" ] || { echo "run npm install in bench/peers first" >&2; exit 1; }
mkdir -p "$OUT"
# shellcheck source=stack.sh
source "$ROOT/bench/peers/stack.sh"
start_stack "$BIN" --latency-ms 0
PPORT=$(free_port)
NODE_ENV=production node "$PORTKEY" --port="$PPORT" --headless > "$STACK_DIR/portkey.log" 2>&1 &
track_pid $!
wait_http "http://127.0.0.1:$PPORT/"

# Portkey routes to an OpenAI-compatible server with provider "openai" + a custom host.
PK_ROUTE=(-H "x-portkey-provider: openai" -H "x-portkey-custom-host: http://127.0.0.1:$MPORT/v1" -H "Authorization: Bearer sk-bench")
PK_CACHE_CONFIG="{\"provider\":\"openai\",\"api_key\":\"sk-bench\",\"custom_host\":\"http://127.0.0.1:$MPORT/v1\",\"cache\":{\"mode\":\"simple\"}}"
CHAT_URL=/v1/chat/completions
BODY='{"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of France?"}]}'

# Probe Portkey's cache: the same request twice with a simple-cache config; a hit path exists
# only if the second answer says x-portkey-cache-status: HIT.
probe() { curl -s -D - -o /dev/null "http://127.0.0.1:$PPORT$CHAT_URL" -H 'Content-Type: application/json' \
  -H "x-portkey-config: $PK_CACHE_CONFIG" -d "$BODY" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-portkey-cache-status" {print $2}'; }
probe >/dev/null
PK_CACHE_STATUS="$(probe)"
PK_CACHE_STATUS="${PK_CACHE_STATUS:-none}"
# The answer every response must carry (mock-llm's, relayed or replayed), as it appears in JSON.
ANSWER_JSON="$(curl -sf "http://127.0.0.1:$MPORT$CHAT_URL" -H 'Content-Type: application/json' -d "$BODY" |
  python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["choices"][0]["message"]["content"], ensure_ascii=False)[1:-1])')"
[ -n "$ANSWER_JSON" ] || { echo "mock-llm gave no answer" >&2; exit 1; }
# Warm ragcache's exact cache with the benchmark request.
curl -s -o /dev/null "http://127.0.0.1:$GPORT$CHAT_URL" -H 'Content-Type: application/json' -d "$BODY"

# run NAME URL [extra wrk args...]: a discarded warm-up (Node's JIT, connection pools), then the
# run; every response checked (status, X-Cache when WRK_EXPECT_CACHE is set, the answer), and a
# failed check stops the script with the reason (bench/gateway/wrk_check.py).
export WRK_BODY="$BODY" WRK_EXPECT_BODY="$ANSWER_JSON"
run() {
  local name="$1" url="$2"; shift 2
  wrk -t2 -c"$CONNS" -d"$WARMUP" -s "$LUA" "$@" "$url" > /dev/null 2>&1 || true
  # --timeout 10s: a slow answer is timed (and counts in the percentiles), a lost one fails the run.
  wrk -t2 -c"$CONNS" -d"$DURATION" --latency --timeout 10s -s "$LUA" "$@" "$url" > "$OUT/wrk_$name.txt" 2>&1 \
    || { echo "FAILED $name: wrk exited non-zero: $(tail -3 "$OUT/wrk_$name.txt")" >&2; exit 1; }
  python3 "$ROOT/bench/gateway/wrk_check.py" "$OUT/wrk_$name.txt" --label "$name" >/dev/null
  awk '$1=="PCT" {print $2, $3}' "$OUT/wrk_$name.txt" > "$OUT/latency_$name.txt"
}
WRK_EXPECT_CACHE=HIT run ragcache_hit "http://127.0.0.1:$GPORT$CHAT_URL"
WRK_EXPECT_CACHE=BYPASS run ragcache_pass "http://127.0.0.1:$GPORT$CHAT_URL" -H "Cache-Control: no-store"
run portkey_pass "http://127.0.0.1:$PPORT$CHAT_URL" "${PK_ROUTE[@]}"
if [ "$PK_CACHE_STATUS" = "HIT" ]; then
  run portkey_hit "http://127.0.0.1:$PPORT$CHAT_URL" -H "x-portkey-config: $PK_CACHE_CONFIG"
fi
run direct "http://127.0.0.1:$MPORT$CHAT_URL"
PK_VERSION=$(node -p "require('$ROOT/bench/peers/node_modules/@portkey-ai/gateway/package.json').version")

python3 - "$OUT" "$PK_CACHE_STATUS" "$PK_VERSION" "$CONNS" <<'PY'
import json, os, re, sys
out, pk_cache, pk_version, conns = sys.argv[1:]
def parse(name):
    path = os.path.join(out, f"wrk_{name}.txt")
    if not os.path.exists(path):
        return None
    text = open(path).read()
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    pct = {float(a): int(b) / 1000 for a, b in re.findall(r"^PCT (\S+) (\d+)", text, re.M)}
    checks = re.search(r"^CHECKS responses=(\d+) bad_status=(\d+) bad_cache=(\d+) bad_body=(\d+)", text, re.M)
    if not m or not pct or not checks:
        return {"failed": True, "raw": text[-500:]}
    return {"rps": float(m.group(1)), "p50": pct[50], "p90": pct[90], "p99": pct[99],
            "checked": int(checks.group(1)), "bad": sum(int(x) for x in checks.groups()[1:])}
names = {"ragcache_hit": "ragcache exact hit", "ragcache_pass": "ragcache pass-through (no-store)",
         "portkey_pass": f"Portkey gateway {pk_version} pass-through", "portkey_hit": f"Portkey gateway {pk_version} cache hit",
         "direct": "mock-llm direct (no gateway)"}
res = {k: parse(k) for k in names}
json.dump({"portkey_version": pk_version, "portkey_cache_status": pk_cache, "results": res},
          open(os.path.join(out, "gateway_peers.json"), "w"), indent=1)
pk = res["portkey_pass"]
print(f"wrk -t2 -c{conns}; non-streamed chat completion; mock-llm with no added latency behind both gateways\n")
print("| target | req/s | p50 ms | p90 ms | p99 ms | req/s vs Portkey pass-through | responses checked (status, X-Cache, answer) / failed |")
print("|---|---|---|---|---|---|---|")
failed = False
for k, label in names.items():
    r = res[k]
    if r is None:
        continue
    if r.get("failed"):
        failed = True
        print(f"| {label} | FAILED | | | | | |")
        continue
    ratio = f"{r['rps'] / pk['rps']:.2f}x" if pk and not pk.get("failed") else "n/a"
    print(f"| {label} | {r['rps']:,.0f} | {r['p50']:.3f} | {r['p90']:.3f} | {r['p99']:.3f} | {ratio} | {r['checked']:,} / {r['bad']} |")
    failed |= r["bad"] != 0
if pk_cache != "HIT":
    print(f"\nPortkey cache-hit path: none in the open-source gateway. With a `cache: {{mode: simple}}` config the "
          f"repeated request still answers `x-portkey-cache-status: {pk_cache}` and reaches the model "
          "(its cache is a feature of Portkey's hosted service), so only its pass-through is compared.")
sys.exit(1 if failed else 0)
PY
