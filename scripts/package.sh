#!/usr/bin/env bash
# Builds the Debian package of the gateway: build/release/ragcache_<version>_amd64.deb
# (/usr/bin/ragcache, the systemd unit ragcache.service, /etc/ragcache/ragcache.toml; see
# cmake/package.cmake). Install it with: sudo apt install ./build/release/ragcache_<version>_amd64.deb
source "$(dirname "$0")/common.sh"
install_apt_packages
install_node_packages  # the tiktoken rank files the package ships
build_tree build/release -DCMAKE_BUILD_TYPE=Release -- ragcache
cd "$ROOT/build/release"
cpack -G DEB
ls -1t "$ROOT"/build/release/ragcache_*_amd64.deb | head -1
