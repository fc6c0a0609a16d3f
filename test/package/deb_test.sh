#!/usr/bin/env bash
# The Debian package as an operator gets it: CPack builds ragcache_<version>_amd64.deb from the
# build tree (into a temporary folder), and the package is checked from the outside: its control
# fields (runtime libraries and redis-server in Depends, conffiles, maintainer scripts), its files,
# and what it installs, unpacked with `dpkg -x` into a throw-away root: `ragcache version`,
# `ragcache doctor --help`, and the service's own command line (the shipped binary with the shipped
# /etc/ragcache/ragcache.toml) answering /healthz and a chat completion.
#   deb_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
BUILD="$(realpath "$1")"
SRC="$(realpath "$2")"
VERSION="$3"
WORK="$(mktemp -d)"
SERVE_PID=""
cleanup() {
  if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "deb_test: $*" >&2; exit 1; }

(cd "$WORK" && cpack --config "$BUILD/CPackConfig.cmake" -B "$WORK/out") > "$WORK/cpack.log" 2>&1 \
  || { cat "$WORK/cpack.log"; fail "cpack failed"; }
DEB="$WORK/out/ragcache_${VERSION}_amd64.deb"
[ -f "$DEB" ] || { ls -l "$WORK/out"; fail "no $(basename "$DEB") made"; }

# Control fields.
[ "$(dpkg-deb -f "$DEB" Package)" = ragcache ] || fail "Package is not ragcache"
[ "$(dpkg-deb -f "$DEB" Version)" = "$VERSION" ] || fail "Version is not $VERSION"
DEPENDS="$(dpkg-deb -f "$DEB" Depends)"
echo "Depends: $DEPENDS"
for dep in redis-server libc6 libstdc++6 libssl3 libhiredis libzstd1 libpcre2-8-0 libfmt libspdlog libboost-json1.81.0 libboost-url1.81.0; do
  grep -q "$dep" <<<"$DEPENDS" || fail "Depends lacks $dep"
done
dpkg-deb -e "$DEB" "$WORK/control"
grep -qx /etc/ragcache/ragcache.toml "$WORK/control/conffiles" || fail "ragcache.toml is not a conffile"
for s in postinst prerm postrm; do
  [ -x "$WORK/control/$s" ] || fail "no executable $s"
  sh -n "$WORK/control/$s" || fail "$s: syntax error"
done
grep -q "adduser --system" "$WORK/control/postinst" || fail "postinst does not create the system user"

# Files.
dpkg-deb -c "$DEB" > "$WORK/files.txt"
for f in ./usr/bin/ragcache ./usr/lib/systemd/system/ragcache.service ./etc/ragcache/ragcache.toml; do
  grep -q " $f\$" "$WORK/files.txt" || fail "$f is not in the package"
done
if [ -f "$SRC/tools/node/node_modules/tiktoken/encoders/cl100k_base.json" ]; then
  grep -q " ./usr/share/ragcache/tiktoken/cl100k_base.json\$" "$WORK/files.txt" || fail "the tiktoken rank files are not in the package"
fi
if grep -E " \./usr/(include|lib/.*\.a)" "$WORK/files.txt"; then fail "the library's files belong to cmake --install, not the .deb"; fi

dpkg -x "$DEB" "$WORK/root"
R="$WORK/root"
UNIT="$R/usr/lib/systemd/system/ragcache.service"
grep -qx "ExecStart=/usr/bin/ragcache serve --config /etc/ragcache/ragcache.toml" "$UNIT" || fail "unexpected ExecStart"
grep -qx "User=ragcache" "$UNIT" || fail "the unit does not run as its own user"
grep -qx "Restart=on-failure" "$UNIT" || fail "the unit does not restart on failure"
for opt in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes; do
  grep -qx "$opt" "$UNIT" || fail "the unit lacks $opt"
done
# systemd's own reading of the unit (offline: no running systemd needed): no key it does not know
# or cannot parse, and an overall exposure of at most 2 on its 0-10 scale ("OK").
if command -v systemd-analyze >/dev/null; then
  systemd-analyze security --offline=yes "$UNIT" > "$WORK/security.txt" 2>&1 || { cat "$WORK/security.txt"; fail "systemd-analyze security failed"; }
  if grep -E "Unknown key|Failed to parse|ignoring" "$WORK/security.txt"; then fail "systemd does not accept every line of the unit"; fi
  exposure="$(sed -n 's/.*Overall exposure level for ragcache.service: \([0-9.]*\).*/\1/p' "$WORK/security.txt")"
  echo "systemd-analyze security: exposure $exposure"
  python3 -c "import sys; sys.exit(0 if 0 <= float('$exposure') <= 2.0 else 1)" || fail "unit exposure '$exposure' above 2.0"
fi

# The unpacked binary runs (its libraries resolve) and the commands operators start with answer.
"$R/usr/bin/ragcache" version | grep -qx "ragcache $VERSION" || fail "ragcache version does not print $VERSION"
"$R/usr/bin/ragcache" doctor --help > "$WORK/doctor.txt" || fail "ragcache doctor --help failed"
grep -q -- "--cache-redis" "$WORK/doctor.txt" || fail "doctor --help does not list --cache-redis"
"$R/usr/bin/ragcache" serve --config "$R/etc/ragcache/ragcache.toml" --print-config > "$WORK/config.txt" \
  || fail "the shipped binary refuses the shipped ragcache.toml"

# The service's command line, as systemd runs it, with only the paths of this machine replaced
# (RAGCACHE_* override the file): managed redis-server in a temporary data dir, built-in mock model.
PORT="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
RAGCACHE_DATA_DIR="$WORK/data" RAGCACHE_LISTEN="127.0.0.1:$PORT" \
  "$R/usr/bin/ragcache" serve --config "$R/etc/ragcache/ragcache.toml" > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$WORK/serve.log"; fail "the packaged gateway did not answer /healthz"; }
BODY='{"model":"mock-gpt","messages":[{"role":"user","content":"What is Redis?"}]}'
for want in MISS HIT; do
  got="$(curl -s -D - -o "$WORK/answer.json" "http://127.0.0.1:$PORT/v1/chat/completions" -H 'Content-Type: application/json' \
    -d "$BODY" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache" {print $2}')"
  [ "$got" = "$want" ] || { cat "$WORK/serve.log"; fail "chat completion: X-Cache '$got', expected $want"; }
  grep -q '"content"' "$WORK/answer.json" || fail "chat completion without an answer: $(cat "$WORK/answer.json")"
done
if grep -q "falling back to the estimate" "$WORK/serve.log"; then
  [ -f "$SRC/tools/node/node_modules/tiktoken/encoders/cl100k_base.json" ] && fail "the packaged binary did not find its tiktoken rank files"
fi
kill "$SERVE_PID"; wait "$SERVE_PID" || fail "ragcache serve did not stop cleanly on SIGTERM"
SERVE_PID=""
echo "deb_test: ok ($(basename "$DEB"), $(du -h "$DEB" | cut -f1))"
