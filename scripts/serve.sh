#!/usr/bin/env bash
# The main job: install, build, and run the ragcache gateway on the embedded default (a managed
# local redis-server, and the built-in mock-llm when no upstream is configured).
# Extra arguments go to `ragcache serve`, e.g. scripts/serve.sh --listen 0.0.0.0:8080
source "$(dirname "$0")/common.sh"
install_apt_packages
build_tree build/release -DCMAKE_BUILD_TYPE=Release -DRAGCACHE_BUILD_TESTS=OFF -DRAGCACHE_BUILD_BENCH=OFF
exec "$ROOT/build/release/src/app/ragcache" serve "$@"
