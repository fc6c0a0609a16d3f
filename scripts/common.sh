# Shared by scripts/serve.sh and scripts/test.sh: install what the build needs, then build.
# Safe to run again: apt and npm steps are skipped when everything is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libhiredis-dev libssl-dev openssl libhnswlib-dev libzstd-dev libpcre2-dev
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  # NFKC normalisation for the neural embedder's tokenizer (src/embed/nfkc.cc)
  libicu-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server redis-tools wrk curl python3
  # headless browser for the dashboard's e2e test (src/app/dashboard_etest.cc, driven by playwright-core)
  chromium chromium-driver
)

install_apt_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node.js may come from elsewhere than Debian (then Debian's npm would conflict with it):
  # only ask apt for it when the commands are missing.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # The packaged redis-server starts a system service; ours are started by the harness or `serve`.
  if command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
  bash "$ROOT/scripts/fetch_model.sh"  # the built-in neural embedder's model, once (NOTICE)
}

# Node packages used as test oracles and peers (tiktoken, openai SDK, ...): tools/node.
install_node_packages() {
  if [ ! -d "$ROOT/tools/node/node_modules" ] || [ "$ROOT/tools/node/package.json" -nt "$ROOT/tools/node/node_modules" ]; then
    echo "== npm install (tools/node)"
    (cd "$ROOT/tools/node" && npm install --no-audit --no-fund --loglevel=error && touch node_modules)
  fi
}

# build_tree DIR [cmake args...] [-- targets...]: configure and build with Ninja (all targets,
# or only those after --).
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
