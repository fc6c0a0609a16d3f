#!/usr/bin/env bash
# Fixed-rate latency of the gateway, open loop (open_loop_load.cc: request i is due at i / rate
# whatever happened before it, and timed from that moment): exact hit and pass-through
# (Cache-Control: no-store) at 2,000 and 5,000 req/s, beside the same run's figures at the same
# rate for the gateway's GET /healthz (its HTTP floor: what a hit adds is the cache) and for
# mock-llm directly (the upstream alone: what pass-through adds is the gateway).
# Goals: hit p99 <= /healthz p99 + 0.5 ms; pass-through p99 <= direct p99 + 1 ms.
# Every answer is checked (status, X-Cache, the answer's content): a failed check stops the
# script with the reason. Prints a Markdown table (and one JSON line per run into $OUT if set).
#   bench/gateway/fixed_rate.sh [BUILD_DIR]   (default build/release)
#   env: RATES="2000 5000"  SECONDS_PER_RUN=10  WARMUP=2  CONNECTIONS=32  OUT=dir (keeps fixed_rate.jsonl)
# Everything (generator, gateway, mock-llm, redis-server) shares the machine's cores.
source "$(dirname "$0")/common.sh" "$@"
LOAD="$BUILD/bench/gateway/open_loop_load"
[ -x "$LOAD" ] || { echo "build first: cmake --build $BUILD --target open_loop_load" >&2; exit 1; }
RATES="${RATES:-2000 5000}"
SECS="${SECONDS_PER_RUN:-10}"
WARMUP="${WARMUP:-2}"
CONNS="${CONNECTIONS:-32}"
GPORT=$(free_port)
"$BIN" serve --listen "127.0.0.1:$GPORT" --redis "redis://127.0.0.1:$RPORT" --upstream "http://127.0.0.1:$MPORT/v1" \
  --log-level warn > "$DIR/gateway.log" 2>&1 &
pids+=($!)
wait_healthy "$GPORT"
store_answer "$GPORT"
GW="http://127.0.0.1:$GPORT/v1/chat/completions"
MOCK="http://127.0.0.1:$MPORT/v1/chat/completions"

# load NAME URL [open_loop_load args...]: one run at $RATE; its JSON line goes to fixed_rate.jsonl.
load() {
  local name="$1" url="$2"; shift 2
  "$LOAD" --name "$name" --url "$url" --rate "$RATE" --seconds "$SECS" --warmup "$WARMUP" --connections "$CONNS" "$@" \
    >> "$DIR/fixed_rate.jsonl"
}
for RATE in $RATES; do
  load healthz "http://127.0.0.1:$GPORT/healthz"
  load hit "$GW" --method POST --body "$CHAT_BODY" --expect-header "X-Cache: HIT" --expect-content "$ANSWER"
  load direct "$MOCK" --method POST --body "$CHAT_BODY" --expect-content "$ANSWER"
  load pass "$GW" --method POST --body "$CHAT_BODY" --header "Cache-Control: no-store" \
    --expect-header "X-Cache: BYPASS" --expect-content "$ANSWER"
done
[ -z "${OUT:-}" ] || { mkdir -p "$OUT" && cp "$DIR/fixed_rate.jsonl" "$OUT/"; }

python3 - "$DIR/fixed_rate.jsonl" "$CONNS" "$SECS" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
conns, secs = sys.argv[2], sys.argv[3]
by = {(r["rate"], r["name"]): r for r in runs}
label = {"healthz": "gateway GET /healthz", "hit": "exact hit", "direct": "mock-llm direct",
         "pass": "pass-through (no-store)"}
# name -> (baseline name, allowed p99 over the baseline's p99 in ms)
goal = {"hit": ("healthz", 0.5), "pass": ("direct", 1.0)}
print(f"Open loop, {conns} keep-alive connections, {secs} s per run after a warm-up; latency from each "
      "request's due time to the end of its answer; every answer checked (status, X-Cache, content).\n")
print("| rate (req/s) | request | achieved req/s | p50 ms | p99 ms | p99.9 ms | generator send lag p99 ms | "
      "baseline p99 (same rate, same run) | p99 over baseline | goal | met? |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for rate in sorted({r["rate"] for r in runs}):
    for name in ("healthz", "hit", "direct", "pass"):
        r = by.get((rate, name))
        if r is None:
            continue
        cells = [f"{rate:,.0f}", label[name], f"{r['achieved_rate']:,.0f}", f"{r['p50_ms']:.3f}", f"{r['p99_ms']:.3f}",
                 f"{r['p999_ms']:.3f}", f"{r['send_lag_p99_ms']:.3f}"]
        if name in goal and (rate, goal[name][0]) in by:
            base, allowed = by[(rate, goal[name][0])], goal[name][1]
            over = r["p99_ms"] - base["p99_ms"]
            cells += [f"{label[goal[name][0]]}: {base['p99_ms']:.3f}", f"{over:+.3f} ms", f"<= +{allowed} ms",
                      "yes" if over <= allowed else "**no**"]
        else:
            cells += ["", "", "", ""]
        print("| " + " | ".join(cells) + " |")
PY
