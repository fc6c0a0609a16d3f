#!/usr/bin/env bash
# The main job: install what running the gateway needs, build it (build/serve, the `ragcache`
# target only), and run it on the embedded default (a managed local redis-server, and the
# built-in mock-llm when no upstream is configured). Independent of scripts/test.sh's trees.
# Extra arguments go to `ragcache serve`, e.g. scripts/serve.sh --listen 0.0.0.0:8080
source "$(dirname "$0")/common.sh"
install_apt_packages APT_PACKAGES
build_gateway
exec "$ROOT/$GATEWAY_TREE/src/app/ragcache" serve "$@"
