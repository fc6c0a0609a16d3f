#!/usr/bin/env bash
# The main job: install what running the gateway needs, build it (build/serve, the `ragcache`
# target only), and run it on the embedded default (a managed local redis-server, and the
# built-in mock-llm when no upstream is configured). Independent of scripts/test.sh's trees.
# Extra arguments go to `ragcache serve`, e.g. scripts/serve.sh --listen 0.0.0.0:8080
source "$(dirname "$0")/common.sh"
install_apt_packages APT_PACKAGES
MODEL_DIR="${RAGCACHE_DATA_DIR:-$ROOT/.ragcache}"
fetch_neural_model "$MODEL_DIR"
# The gateway looks for the model under its data dir (default ./.ragcache): name it, so that
# starting this script from another folder still finds the model fetched above.
if [ -z "${RAGCACHE_NEURAL_MODEL:-}" ] && [ -s "$MODEL_DIR/models/use-lite-en-0.2.0.bin" ]; then
  export RAGCACHE_NEURAL_MODEL="$MODEL_DIR/models/use-lite-en-0.2.0.bin"
fi
build_gateway
exec "$ROOT/$GATEWAY_TREE/src/app/ragcache" serve "$@"
