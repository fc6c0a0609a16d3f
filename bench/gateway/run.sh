#!/usr/bin/env bash
# Gateway benchmarks, all in one run on one machine, printed as a Markdown table:
#  1. exact-hit throughput and p99 of `ragcache serve` under wrk (50 connections), against
#     redis-benchmark GET at 50 clients on the same redis-server (the floor: one Redis round trip);
#  2. pass-through overhead: p50 of a request through the gateway with caching off
#     (Cache-Control: no-store) minus p50 of the same request sent to mock-llm directly.
#  Extra rows: a streamed hit (the cached answer replayed as SSE), hits with the L1 off (every hit
#  one Redis GET; a second gateway on the same Redis), a streamed pass-through, p99s.
#   bench/gateway/run.sh [BUILD_DIR]     (default build/release; DURATION=10s by default)
# Every response of every run is checked (status, X-Cache, the answer: checked.lua); the script
# fails with the reason instead of printing numbers when one is wrong.
# Fixed-rate latency (open loop, p50/p99 at 2,000 and 5,000 req/s): fixed_rate.sh.
# Everything (wrk, redis-server, gateway, mock-llm) shares the machine's cores: on a 2-core box
# wrk alone takes about one of them, so the numbers are a floor for the gateway, not a ceiling.
# What a request costs, robust to other load: cpu.sh (CPU time per request) and instructions.sh.
DURATION="${DURATION:-10s}"
source "$(dirname "$0")/common.sh" "$@"
GPORT=$(free_port); G2PORT=$(free_port)
"$BIN" serve --listen "127.0.0.1:$GPORT" --redis "redis://127.0.0.1:$RPORT" --upstream "http://127.0.0.1:$MPORT/v1" \
  --log-level warn > "$DIR/gateway.log" 2>&1 &
pids+=($!)
"$BIN" serve --listen "127.0.0.1:$G2PORT" --redis "redis://127.0.0.1:$RPORT" --upstream "http://127.0.0.1:$MPORT/v1" \
  --log-level warn --cache-l1-max-bytes 0 > "$DIR/gateway-nol1.log" 2>&1 &
pids+=($!)
wait_healthy "$GPORT"
wait_healthy "$G2PORT"

# Every run checks every response (checked.lua, wrk_check.py): status 2xx, the X-Cache the
# scenario must give, the expected answer; any failure stops the script (set -e) with the reason.
# CONNS/THREADS: 50 and 2 unless set (the unloaded rows use one connection).
GW="http://127.0.0.1:$GPORT/v1/chat/completions"
GW2="http://127.0.0.1:$G2PORT/v1/chat/completions"
MOCK="http://127.0.0.1:$MPORT/v1/chat/completions"
wrk_run() {  # label url [wrk args...]
  local label="$1" url="$2"; shift 2
  wrk_checked "$label" "$url" -t"${THREADS:-2}" -c"${CONNS:-50}" -d"$DURATION" "$@"
}
export WRK_BODY="$CHAT_BODY" WRK_EXPECT_BODY="$ANSWER_JSON"

store_answer "$GPORT"
store_answer "$G2PORT"
HITS_BEFORE=$(curl -s "http://127.0.0.1:$GPORT/metrics" | awk '/^ragcache_requests_total\{cache="HIT"\}/ {print $2}')
r=$(WRK_EXPECT_CACHE=HIT wrk_run "exact hit" "$GW"); read -r HIT_RPS HIT_P50 HIT_P99 <<<"$r"
HITS_AFTER=$(curl -s "http://127.0.0.1:$GPORT/metrics" | awk '/^ragcache_requests_total\{cache="HIT"\}/ {print $2}')
RB_GET=$(redis-benchmark -p "$RPORT" -c 50 -n 300000 -t get --csv | tail -1 | cut -d, -f2 | tr -d '"')
r=$(wrk_run "mock-llm direct" "$MOCK"); read -r DIRECT_RPS DIRECT_P50 DIRECT_P99 <<<"$r"
r=$(WRK_EXPECT_CACHE=BYPASS wrk_run "pass-through" "$GW" -H "Cache-Control: no-store"); read -r PASS_RPS PASS_P50 PASS_P99 <<<"$r"
# Streams: the answer arrives in pieces, so the check is the stream's end marker.
r=$(WRK_BODY="$STREAM_BODY" WRK_EXPECT_BODY="[DONE]" WRK_EXPECT_CACHE=HIT wrk_run "exact hit, stream" "$GW")
read -r SHIT_RPS SHIT_P50 SHIT_P99 <<<"$r"
r=$(WRK_EXPECT_CACHE=HIT wrk_run "exact hit, L1 off" "$GW2"); read -r NOL1_RPS NOL1_P50 NOL1_P99 <<<"$r"
r=$(WRK_BODY="$STREAM_BODY" WRK_EXPECT_BODY="[DONE]" wrk_run "mock-llm direct, stream" "$MOCK")
read -r DSTREAM_RPS DSTREAM_P50 DSTREAM_P99 <<<"$r"
r=$(WRK_BODY="$STREAM_BODY" WRK_EXPECT_BODY="[DONE]" WRK_EXPECT_CACHE=BYPASS wrk_run "pass-through, stream" "$GW" -H "Cache-Control: no-store")
read -r PSTREAM_RPS PSTREAM_P50 PSTREAM_P99 <<<"$r"
# The same pass-through with one connection: the latency the gateway adds to a request when it is
# not saturated (at 50 connections both sides run flat out and the p50s mostly measure queueing,
# i.e. 50 / throughput).
r=$(CONNS=1 THREADS=1 wrk_run "mock-llm direct, 1 connection" "$MOCK"); read -r DIRECT1_RPS DIRECT1_P50 DIRECT1_P99 <<<"$r"
r=$(CONNS=1 THREADS=1 WRK_EXPECT_CACHE=BYPASS wrk_run "pass-through, 1 connection" "$GW" -H "Cache-Control: no-store")
read -r PASS1_RPS PASS1_P50 PASS1_P99 <<<"$r"
# The gateway's own count agrees: every response of the hit run was counted a HIT.
HITS=$(python3 -c "print(int(float('$HITS_AFTER') - float('$HITS_BEFORE')))")
HIT_REQUESTS=$(awk '/requests in/ {print $1}' "$(wrk_output "exact hit")")
[ "$HITS" -ge "$HIT_REQUESTS" ] || { echo "FAILED: the gateway counted $HITS HITs for $HIT_REQUESTS hit requests" >&2; exit 1; }
python3 - "$HIT_RPS" "$HIT_P50" "$HIT_P99" "$RB_GET" "$DIRECT_RPS" "$DIRECT_P50" "$PASS_RPS" "$PASS_P50" "$PASS_P99" "$HITS" \
  "$SHIT_RPS" "$SHIT_P50" "$SHIT_P99" "$NOL1_RPS" "$NOL1_P50" "$NOL1_P99" "$DIRECT_P99" \
  "$DSTREAM_RPS" "$DSTREAM_P50" "$PSTREAM_RPS" "$PSTREAM_P50" "$PSTREAM_P99" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$DIRECT1_P50" "$PASS1_P50" "$DIRECT1_P99" "$PASS1_P99" <<'PY'
import sys
(hit_rps, hit_p50, hit_p99, rb, d_rps, d_p50, p_rps, p_p50, p_p99, hits, s_rps, s_p50, s_p99, n_rps, n_p50, n_p99,
 d_p99, ds_rps, ds_p50, ps_rps, ps_p50, ps_p99, cores, load, d1_p50, p1_p50, d1_p99, p1_p99) = sys.argv[1:]
f = float
print("| measurement | value | baseline (same run) | ratio / difference |")
print("|---|---|---|---|")
print(f"| exact-hit req/s, 50 connections (wrk) | {f(hit_rps):,.0f} | redis-benchmark GET -c 50: {f(rb):,.0f} ops/s | {f(hit_rps)/f(rb):.2f} |")
print(f"| exact-hit p50 / p99 | {f(hit_p50):.3f} / {f(hit_p99):.3f} ms | | |")
print(f"| pass-through p50 (no-store) | {f(p_p50):.3f} ms | mock-llm direct p50: {f(d_p50):.3f} ms | +{f(p_p50)-f(d_p50):.3f} ms |")
print(f"| pass-through p50, 1 connection (not saturated) | {f(p1_p50):.3f} ms | mock-llm direct p50, 1 connection: {f(d1_p50):.3f} ms | +{f(p1_p50)-f(d1_p50):.3f} ms |")
print(f"| pass-through p99, 1 connection | {f(p1_p99):.3f} ms | mock-llm direct p99, 1 connection: {f(d1_p99):.3f} ms | +{f(p1_p99)-f(d1_p99):.3f} ms |")
print(f"| pass-through req/s | {f(p_rps):,.0f} | mock-llm direct: {f(d_rps):,.0f} | {f(p_rps)/f(d_rps):.2f} |")
print(f"| HIT responses counted by the gateway during the hit run | {hits} | every response checked: 2xx, X-Cache, answer | |")
print(f"| pass-through p99 (no-store) | {f(p_p99):.3f} ms | mock-llm direct p99: {f(d_p99):.3f} ms | +{f(p_p99)-f(d_p99):.3f} ms |")
print(f"| exact-hit replayed as SSE (stream: true) req/s, p50 / p99 | {f(s_rps):,.0f}, {f(s_p50):.3f} / {f(s_p99):.3f} ms | non-stream hit: {f(hit_rps):,.0f} | {f(s_rps)/f(hit_rps):.2f} |")
print(f"| exact-hit req/s with the L1 off (one Redis GET per hit), p50 / p99 | {f(n_rps):,.0f}, {f(n_p50):.3f} / {f(n_p99):.3f} ms | redis-benchmark GET: {f(rb):,.0f} ops/s | {f(n_rps)/f(rb):.2f} |")
print(f"| streamed pass-through (no-store, stream: true) req/s, p50 / p99 | {f(ps_rps):,.0f}, {f(ps_p50):.3f} / {f(ps_p99):.3f} ms | mock-llm direct stream: {f(ds_rps):,.0f}, p50 {f(ds_p50):.3f} ms | +{f(ps_p50)-f(ds_p50):.3f} ms |")
print(f"| machine | {cores} cores, load {load} at the end | wrk -t2 -c50, everything on the same cores | |")
PY
