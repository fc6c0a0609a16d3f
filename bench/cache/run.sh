#!/usr/bin/env bash
# bench/cache: single-flight follower wake-up latency vs. the sleep-100-ms retry recipe, and lock
# acquire+release pairs/s vs. the npm `redlock` package, all against one fresh redis-server in
# the same run. usage: bench/cache/run.sh [build dir, default build/release] [seconds per lock run]
# BENCH_RT=1 runs redis-server and every client under SCHED_FIFO (chrt -f 5, needs CAP_SYS_NICE):
# on a machine shared with compile jobs that stands in for a quiet one, for both sides alike.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
SECONDS_PER_RUN="${2:-5}"
BIN="$BUILD/bench/cache/cache_bench"
[ -x "$BIN" ] || { echo "build cache_bench first (cmake --build $BUILD --target cache_bench)"; exit 1; }
command -v node >/dev/null || { echo "node not found: install nodejs and run npm install in tools/node"; exit 1; }
[ -d "$ROOT/tools/node/node_modules/redlock" ] || { echo "run npm install in tools/node (redlock, ioredis)"; exit 1; }

PRIO=()
if [ "${BENCH_RT:-0}" = 1 ]; then PRIO=(chrt -f 5); fi
source "$ROOT/bench/bench_redis.sh"
start_bench_redis "${PRIO[@]}"
WORK="$DIR"
URL="redis://127.0.0.1:$PORT"

echo "== follower wake-up latency after the leader finishes (16 followers on 3 replicas; 300 rounds, baseline 100)"
"${PRIO[@]}" "$BIN" wakeup "$URL" 300 16 100 | tee "$WORK/wakeup.jsonl"
echo "== lock acquire+release pairs/s, distinct keys, 50 concurrent callers, ${SECONDS_PER_RUN}s, 3 alternating runs each"
# Besides pairs/s, each run gets the CPU it cost per pair, which load from other processes moves
# far less than throughput: Redis's (INFO cpu, user + sys, across the run) and the client's.
redis_cpu() { redis-cli -p "$PORT" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.6f", s }'; }
with_redis_cpu() {  # runs a lock bench, adds redis_cpu_us_per_pair to its JSON line
  local before after line
  before="$(redis_cpu)"
  line="$("$@")"
  after="$(redis_cpu)"
  python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r["redis_cpu_us_per_pair"] = round(1e6 * (float(sys.argv[3]) - float(sys.argv[2])) / max(r["total_pairs"], 1), 2); print(json.dumps(r))' "$line" "$before" "$after"
}
: >"$WORK/locks.jsonl"
for _ in 1 2 3; do
  with_redis_cpu "${PRIO[@]}" node "$ROOT/bench/cache/redlock_bench.cjs" "$PORT" "$SECONDS_PER_RUN" 50 | tee -a "$WORK/locks.jsonl"
  with_redis_cpu "${PRIO[@]}" "$BIN" locks "$URL" "$SECONDS_PER_RUN" 50 1 | tee -a "$WORK/locks.jsonl"
done

python3 - "$WORK/wakeup.jsonl" "$WORK/locks.jsonl" <<'PY'
import json, sys
# JSON lines only: the library's own log lines (warnings) may be interleaved on stdout.
rows = lambda path: [json.loads(line) for line in open(path) if line.startswith("{")]  # noqa: E731
w = {r["impl"]: r for r in rows(sys.argv[1])}
# A benchmark that got wrong answers measures nothing: fail instead of printing ratios.
problems = []
for r in list(w.values()) + rows(sys.argv[2]):
    if r.get("errors", 0) != 0:
        problems.append(f'{r["impl"]}: {r["errors"]} failed or wrong answers')
s = w.get("ragcache_single_flight")
if s is None or "baseline_sleep_100ms_retry" not in w:
    problems.append("wake-up results missing")
elif s["computes"] != s["rounds"]:
    problems.append(f'single-flight computed {s["computes"]} times in {s["rounds"]} rounds (must be once per round)')
if problems:
    sys.exit("FAILED: " + "; ".join(problems))
l, cpu = {}, {}
for r in rows(sys.argv[2]):
    l.setdefault(r["impl"], []).append(r["pairs_per_s"])
    cpu.setdefault(r["impl"], []).append((r["redis_cpu_us_per_pair"], r["client_cpu_us_per_pair"]))
med = lambda xs: sorted(xs)[len(xs) // 2]
ours, base = w["ragcache_single_flight"], w["baseline_sleep_100ms_retry"]
print(f'wake-up p50/p99: ragcache {ours["p50_ms"]:.2f}/{ours["p99_ms"]:.2f} ms, '
      f'baseline {base["p50_ms"]:.2f}/{base["p99_ms"]:.2f} ms (goal: ragcache p99 < 5 ms)')
a, b = med(l["ragcache_lock_manager"]), med(l["npm_redlock_4"])
print(f'locks (median of 3): ragcache {a:,.0f} pairs/s, redlock {b:,.0f} pairs/s, ratio {a / b:.2f}x (goal >= 2x)')
ra, ca = med([c[0] for c in cpu["ragcache_lock_manager"]]), med([c[1] for c in cpu["ragcache_lock_manager"]])
rb, cb = med([c[0] for c in cpu["npm_redlock_4"]]), med([c[1] for c in cpu["npm_redlock_4"]])
print(f'CPU per pair (median of 3): Redis {ra:.2f} us vs {rb:.2f} us ({rb / ra:.2f}x less), '
      f'client {ca:.2f} us vs {cb:.2f} us ({cb / ca:.2f}x less)')
PY
