#!/usr/bin/env bash
# The whole test suite: install, build Release, ASan+UBSan and TSan trees, run every tier.
# Unit and integration tests run under Release and ASan+UBSan; the concurrency tests also under
# TSan; e2e tests (gateway + mock-llm + the official openai npm client) under Release.
# Exits non-zero if anything fails; the last lines are CTest's summary.
source "$(dirname "$0")/common.sh"
install_apt_packages
install_node_packages

JOBS="$(nproc)"
# Concurrency-heavy tests that also run under ThreadSanitizer.
TSAN_REGEX="${RAGCACHE_TSAN_REGEX:-Concurren|Pool|Pipelin|SingleFlight|Lock}"
failed=0

run_ctest() {
  local dir="$1"; shift
  echo "== ctest $dir $*"
  (cd "$ROOT/$dir" && ctest --output-on-failure --no-tests=error -j "$JOBS" "$@") || failed=1
}

build_tree build/asan -DCMAKE_BUILD_TYPE=Debug -DRAGCACHE_ASAN=ON -DRAGCACHE_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest build/asan -L 'unit|integration'

build_tree build/tsan -DCMAKE_BUILD_TYPE=Debug -DRAGCACHE_TSAN=ON -DRAGCACHE_BUILD_BENCH=OFF
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 run_ctest build/tsan -L 'unit|integration' -R "$TSAN_REGEX"

build_tree build/release -DCMAKE_BUILD_TYPE=Release
run_ctest build/release

if [ "$failed" != 0 ]; then
  echo "== FAILED: see the failing tests above"
  exit 1
fi
