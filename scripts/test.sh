#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every tier. Exits non-zero on any
# failure; the last lines are CTest's summary of the Release run.
#
#   ASan+UBSan (-O1): unit + integration tests                                  build/asan
#   TSan (-O1):       the concurrency-heavy integration suites (Redis client,    build/tsan
#                     single-flight and locks, sessions, limits)
#   Release:          everything: unit, integration, cluster and e2e (the        build/release
#                     ragcache executable with mock-llm and the official openai npm client)
#
# Each tree is configured here with every option it needs (tests on, its time scale), so it
# does not matter what configured it before; scripts/serve.sh builds its own tree (build/serve).
#
# Environment:
#   RAGCACHE_TEST_TIERS="asan tsan release"  the tiers to run, in this order (default: all)
#   RAGCACHE_STRESS=1                       run beside a CPU hog (stress-ng --cpu N, from Debian)
#                                           for the whole run, to check the suite survives a busy
#                                           machine; RAGCACHE_STRESS_CPUS=N (default: nproc)
source "$(dirname "$0")/common.sh"
install_apt_packages APT_PACKAGES APT_TEST_PACKAGES
install_node_packages
fetch_neural_model "$ROOT/.ragcache" required

JOBS="$(nproc)"
failed=()
start_all=$(date +%s)

# ---- the layer order (docs/architecture.md): first, so an include against it fails in a second
# (CTest runs it again in each tree as layers.check) -------------------------------------------
echo "== layer order"
python3 "$ROOT/tools/check_layers.py" --root "$ROOT" || failed+=("layers")

# ---- time scale: how many times slower than a quiet machine each tree's tests may run --------
# (test/support/time_scale.h; the CMake cache variable RAGCACHE_TEST_TIME_SCALE puts it into every
# test's environment and stretches its CTest TIMEOUT.) The same values hold with RAGCACHE_STRESS:
# the suite must pass beside a busy neighbour as it is run every day.
declare -A TIME_SCALE=([release]=1 [asan]=3 [tsan]=5)

run_ctest() {
  local dir="$1"; shift
  echo "== ctest $dir $*"
  if ! (cd "$ROOT/$dir" && ctest --output-on-failure --no-tests=error -j "$JOBS" "$@"); then
    failed+=("$dir")
  fi
}

# build_test_tree TIER DIR [cmake args...] [-- targets...]
build_test_tree() {
  local tier="$1" dir="$2"; shift 2
  build_tree "$dir" -DRAGCACHE_BUILD_TESTS=ON -DRAGCACHE_BUILD_BENCH=OFF \
    -DRAGCACHE_TEST_TIME_SCALE="${TIME_SCALE[$tier]}" "$@"
}

# ---- the tiers ----------------------------------------------------------------------------------
tier_asan() {
  echo "== ASan+UBSan build"
  build_test_tree asan build/asan -DCMAKE_BUILD_TYPE=Debug -DRAGCACHE_ASAN=ON -DRAGCACHE_TSAN=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest build/asan -L 'unit|integration'
}

# Which test executables the TSan tree needs (building every target three times would not fit
# CI's budget on 2 cores).
TSAN_TARGETS=(redis_integration_tests domain_cache_integration_tests domain_session_integration_tests
              domain_limits_integration_tests domain_docs_integration_tests domain_hot_integration_tests
              domain_semantic_integration_tests)
TSAN_REGEX='^(redis|domain_cache|domain_session|domain_limits|domain_docs|domain_hot|domain_semantic)\.'
tier_tsan() {
  echo "== TSan build"
  build_test_tree tsan build/tsan -DCMAKE_BUILD_TYPE=Debug -DRAGCACHE_TSAN=ON -DRAGCACHE_ASAN=OFF \
    -- "${TSAN_TARGETS[@]}"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 run_ctest build/tsan -L integration -R "$TSAN_REGEX"
}

tier_release() {
  echo "== Release build"
  build_test_tree release build/release -DCMAKE_BUILD_TYPE=Release -DRAGCACHE_ASAN=OFF -DRAGCACHE_TSAN=OFF
  run_ctest build/release
}

# ---- stress: a CPU hog for the length of the run ---------------------------------------------------
HOG_PID=""
stop_cpu_hog() {
  if [ -n "$HOG_PID" ]; then
    kill "$HOG_PID" 2>/dev/null || true
    wait "$HOG_PID" 2>/dev/null || true
    HOG_PID=""
  fi
}
start_cpu_hog() {
  install_apt_packages APT_STRESS_PACKAGES
  local cpus="${RAGCACHE_STRESS_CPUS:-$(nproc)}"
  echo "== stress: stress-ng --cpu $cpus beside the suite"
  stress-ng --cpu "$cpus" --quiet &
  HOG_PID=$!
  trap stop_cpu_hog EXIT
}

if [ "${RAGCACHE_STRESS:-0}" = 1 ]; then start_cpu_hog; fi
for tier in ${RAGCACHE_TEST_TIERS:-asan tsan release}; do
  case "$tier" in
    asan|tsan|release) "tier_$tier" ;;
    *) echo "unknown tier '$tier' in RAGCACHE_TEST_TIERS (asan, tsan, release)" >&2; exit 2 ;;
  esac
done
stop_cpu_hog

echo "== total $(( $(date +%s) - start_all )) s"
if [ ${#failed[@]} -gt 0 ]; then
  # Repeat the names of the failed tests last: a CI log is often read from its tail only, and the
  # tier that failed may have printed its failures thousands of lines before.
  for dir in "${failed[@]}"; do
    log="$ROOT/$dir/Testing/Temporary/LastTestsFailed.log"
    if [ -s "$log" ]; then
      echo "== failed tests in $dir:"
      sed 's/^/   /' "$log"
    fi
  done
  echo "== FAILED in: ${failed[*]}"
  exit 1
fi
