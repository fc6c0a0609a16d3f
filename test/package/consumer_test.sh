#!/usr/bin/env bash
# The installed library as a user gets it: `cmake --install` of the build tree into a temporary
# prefix, then examples/consumer (an out-of-tree project: find_package(ragcache CONFIG REQUIRED))
# configured and built against that prefix only, and run against a real redis-server.
#   consumer_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$(realpath "$1")"
SRC="$(realpath "$2")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "consumer_test: $*" >&2; exit 1; }

cmake --install "$BUILD" --prefix "$WORK/prefix" --component dev > "$WORK/install.log" \
  || { cat "$WORK/install.log"; fail "cmake --install failed"; }
P="$WORK/prefix"
[ -f "$P/lib/cmake/ragcache/ragcacheConfig.cmake" ] || fail "no ragcacheConfig.cmake installed"
[ -f "$P/lib/cmake/ragcache/ragcacheConfigVersion.cmake" ] || fail "no ragcacheConfigVersion.cmake installed"
for lib in base redis domain_cache domain_session; do
  [ -f "$P/lib/libragcache_$lib.a" ] || fail "lib/libragcache_$lib.a not installed"
done
for h in redis/client.h domain/cache/lock_manager.h domain/session/session_store.h base/error.h; do
  [ -f "$P/include/ragcache/$h" ] || fail "include/ragcache/$h not installed"
done
# Every quoted include of an installed header names another installed header (nothing left in
# the tree: a test helper, a source file, a generated file not installed).
missing=0
while IFS= read -r inc; do
  [ -f "$P/include/ragcache/$inc" ] || { echo "installed headers include \"$inc\", which is not installed" >&2; missing=1; }
done < <(grep -rhoE '^#include "[^"]+"' "$P/include/ragcache" | sed -E 's/#include "(.*)"/\1/' | sort -u)
[ "$missing" = 0 ] || fail "the installed headers are incomplete"
# The package must stand on its own: nothing installed may point back into the build or source tree.
if grep -rl -e "$BUILD" -e "$SRC" "$P/lib/cmake"; then fail "the installed CMake files refer to the build or source tree"; fi
# The dev component alone: no binary, nothing for /etc.
[ ! -e "$P/bin" ] && [ ! -e "$P/etc" ] || fail "--component dev installed more than the library"

# Configure and build the consumer against the prefix only. ccache (if any) with the work folder as
# base, so a rerun compiles nothing.
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); export CCACHE_BASEDIR="$WORK"; fi
cmake -S "$SRC/examples/consumer" -B "$WORK/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$P" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "${launcher[@]}" > "$WORK/configure.log" 2>&1 \
  || { cat "$WORK/configure.log"; fail "configuring examples/consumer failed"; }
if grep -q -e "-I$SRC/src" -e "-I$BUILD" "$WORK/build/compile_commands.json"; then
  fail "the consumer compiled with include paths of the source or build tree"
fi
cmake --build "$WORK/build" -j 1 > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "building examples/consumer failed"; }

bash "$SRC/examples/run_with_redis.sh" "$WORK/build/ragcache_consumer" \
  "^session: 2 messages, [0-9]+ tokens$" "^lock held, fence [0-9]+$"
echo "consumer_test: ok (installed to $P, consumer built with find_package(ragcache) and run)"
