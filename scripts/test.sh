#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every tier. Exits non-zero on any
# failure; the last lines are CTest's summary of the Release run.
#
#   ASan+UBSan (-O1): unit + integration tests
#   TSan (-O1):       the concurrency-heavy integration suites (Redis client, single-flight and
#                     locks, sessions, limits)
#   Release:          everything: unit, integration, cluster and e2e (the ragcache executable
#                     with mock-llm and the official openai npm client)
source "$(dirname "$0")/common.sh"
install_apt_packages
install_node_packages

JOBS="$(nproc)"
failed=()
start_all=$(date +%s)

run_ctest() {
  local dir="$1"; shift
  echo "== ctest $dir $*"
  if ! (cd "$ROOT/$dir" && ctest --output-on-failure --no-tests=error -j "$JOBS" "$@"); then
    failed+=("$dir")
  fi
}

# Which test executables each sanitizer tree needs (building every target three times would not
# fit CI's budget on 2 cores).
TSAN_TARGETS=(redis_integration_tests domain_cache_integration_tests domain_session_integration_tests
              domain_limits_integration_tests domain_docs_integration_tests domain_hot_integration_tests)
TSAN_REGEX='^(redis|domain_cache|domain_session|domain_limits|domain_docs|domain_hot)\.'

echo "== ASan+UBSan build"
build_tree build/asan -DCMAKE_BUILD_TYPE=Debug -DRAGCACHE_ASAN=ON -DRAGCACHE_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest build/asan -L 'unit|integration'

echo "== TSan build"
build_tree build/tsan -DCMAKE_BUILD_TYPE=Debug -DRAGCACHE_TSAN=ON -DRAGCACHE_BUILD_BENCH=OFF -- "${TSAN_TARGETS[@]}"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 run_ctest build/tsan -L integration -R "$TSAN_REGEX"

echo "== Release build"
build_tree build/release -DCMAKE_BUILD_TYPE=Release -DRAGCACHE_BUILD_BENCH=OFF
run_ctest build/release

echo "== total $(( $(date +%s) - start_all )) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "== FAILED in: ${failed[*]}"
  exit 1
fi
