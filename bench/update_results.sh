#!/usr/bin/env bash
# Regenerates bench/RESULTS.md (and its plots in bench/results/) from ONE full run of
# bench/run_all.sh: run it on a quiet machine (nothing else compiling), since absolute numbers
# and tail latencies move with the load; the report records the load at start and end.
#   bash bench/update_results.sh [BUILD_DIR]      (env as for run_all.sh)
# Exits non-zero, leaving RESULTS.md as it was, when a part of the run failed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export REPORT_DIR="${REPORT_DIR:-$ROOT/bench/report}"
bash "$ROOT/bench/run_all.sh" "$@"
mkdir -p "$ROOT/bench/results"
for png in "$REPORT_DIR"/*.png; do
  [ -e "$png" ] && cp "$png" "$ROOT/bench/results/"
done
{
  echo "<!-- bench/report/REPORT.md of one run of bench/run_all.sh, copied by bench/update_results.sh (plots in bench/results/). Every figure here was measured by that run, except the separate table of figures from other runs at the end. -->"
  sed -E 's/!\[([^]]*)\]\(([a-z_]+\.png)\)/![\1](results\/\2)/' "$REPORT_DIR/REPORT.md"
} > "$ROOT/bench/RESULTS.md"
echo "bench/RESULTS.md regenerated from $REPORT_DIR/REPORT.md"
