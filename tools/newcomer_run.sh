#!/usr/bin/env bash
# Does what a newcomer does, timed: a fresh clone of the repository into a scratch folder, then the
# README's two commands in README order:
#   1. `bash scripts/serve.sh`: started, waited for until GET /healthz answers 200 and a chat
#      completion answers with the mock model's text, then stopped (SIGTERM);
#   2. `bash scripts/test.sh`: run to the end.
# Prints "gateway answers after N s" (and the chat completion's), then "tests done after N s"
# with the test command's outcome; exits non-zero if either step failed. Nothing else uses it
# (the test command does not need it). Takes long on a 2-core machine: the fresh clone builds
# everything.
#
# Usage: tools/newcomer_run.sh [--repo PATH_OR_URL] [--dir SCRATCH] [--warm-ccache] [--keep]
#                              [--gateway-only] [--gateway-timeout SECONDS]
#   --repo             what to clone (default: this checkout; its committed HEAD, not the work tree)
#   --dir              scratch folder (default: a new one under ${TMPDIR:-/tmp}); must not exist
#   --warm-ccache      use the machine's ccache (default: an empty private one, as on a fresh
#                      machine; Debian and npm packages already installed here still count as done)
#   --keep             keep the scratch folder (default: removed at the end)
#   --gateway-only     stop after the gateway answered (skips the test command)
#   --gateway-timeout  how long to wait for the gateway (default 3600 s)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$here"
scratch=""
warm_ccache=0
keep=0
gateway_only=0
gateway_timeout=3600
while [ $# -gt 0 ]; do
  case "$1" in
    --repo) repo="$2"; shift 2 ;;
    --dir) scratch="$2"; shift 2 ;;
    --warm-ccache) warm_ccache=1; shift ;;
    --keep) keep=1; shift ;;
    --gateway-only) gateway_only=1; shift ;;
    --gateway-timeout) gateway_timeout="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "newcomer_run: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$gateway_timeout" in ''|*[!0-9]*) echo "newcomer_run: --gateway-timeout takes whole seconds" >&2; exit 2 ;; esac
for tool in git curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "newcomer_run: needs $tool" >&2; exit 2; }
done

if [ -z "$scratch" ]; then
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/ragcache-newcomer-XXXXXX")"
else
  [ ! -e "$scratch" ] || { echo "newcomer_run: $scratch already exists" >&2; exit 2; }
  mkdir -p "$scratch"
fi
clone="$scratch/ragcache"
logs="$scratch/logs"
mkdir -p "$logs"

serve_pid=""
stop_gateway() {
  [ -n "$serve_pid" ] || return 0
  # serve.sh runs in its own process group (setsid): the gateway and its managed redis-server.
  kill -TERM -- "-$serve_pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
}
finish() {
  stop_gateway
  if [ "$keep" = 1 ]; then
    echo "newcomer_run: scratch folder kept: $scratch"
  else
    rm -rf "$scratch"
  fi
}
trap finish EXIT

echo "== newcomer_run: cloning $repo into $clone"
git clone --quiet --no-hardlinks "$repo" "$clone"
echo "   at $(git -C "$clone" log -1 --format='%h %s')"
if [ "$warm_ccache" = 0 ]; then
  export CCACHE_DIR="$scratch/ccache"  # nothing cached, as on a fresh machine
fi

# A free local port, so the run does not collide with a gateway already on 8080.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

# ---- 1. the main job ---------------------------------------------------------------------------
echo "== 1/2: bash scripts/serve.sh --listen 127.0.0.1:$port   (log: $logs/serve.log)"
t0=$(date +%s)
(cd "$clone" && exec setsid bash scripts/serve.sh --listen "127.0.0.1:$port") >"$logs/serve.log" 2>&1 &
serve_pid=$!
healthy=""
while :; do
  if ! kill -0 "$serve_pid" 2>/dev/null; then
    echo "newcomer_run: the main job ended before the gateway answered; its log ends with:" >&2
    tail -n 30 "$logs/serve.log" >&2
    exit 1
  fi
  if [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$base/healthz" || true)" = 200 ]; then
    healthy=$(( $(date +%s) - t0 ))
    break
  fi
  if [ $(( $(date +%s) - t0 )) -ge "$gateway_timeout" ]; then
    echo "newcomer_run: no answer from $base/healthz within $gateway_timeout s; the main job's log ends with:" >&2
    tail -n 30 "$logs/serve.log" >&2
    exit 1
  fi
  sleep 1
done
echo "gateway answers after $healthy s"

request='{"model":"mock-gpt","messages":[{"role":"user","content":"What is Redis?"}]}'
status="$(curl -s -m 60 -o "$logs/chat.json" -w '%{http_code}' "$base/v1/chat/completions" \
  -H 'Content-Type: application/json' -d "$request" || true)"
if [ "$status" != 200 ] || ! python3 -c '
import json, sys
answer = json.load(open(sys.argv[1]))["choices"][0]["message"]["content"]
sys.exit(0 if isinstance(answer, str) and answer else 1)' "$logs/chat.json" 2>/dev/null; then
  echo "newcomer_run: the chat completion did not answer (HTTP $status): $(head -c 500 "$logs/chat.json" 2>/dev/null)" >&2
  exit 1
fi
echo "chat completion answers after $(( $(date +%s) - t0 )) s"
stop_gateway
echo "   main job stopped"

if [ "$gateway_only" = 1 ]; then
  echo "== newcomer_run: --gateway-only, the test command was not run"
  exit 0
fi

# ---- 2. the test command -----------------------------------------------------------------------
echo "== 2/2: bash scripts/test.sh   (log: $logs/test.log)"
t1=$(date +%s)
set +e
(cd "$clone" && bash scripts/test.sh) >"$logs/test.log" 2>&1
test_rc=$?
set -e
echo "tests done after $(( $(date +%s) - t1 )) s ($( [ "$test_rc" = 0 ] && echo passed || echo "FAILED, exit $test_rc"))"
tail -n 5 "$logs/test.log"
echo "== newcomer_run: total $(( $(date +%s) - t0 )) s"
if [ "$test_rc" != 0 ]; then
  [ "$keep" = 1 ] || { keep=1; echo "newcomer_run: keeping $scratch for the failed run's logs"; }
  exit 1
fi
