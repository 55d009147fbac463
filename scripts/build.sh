#!/usr/bin/env bash
# Configures and builds torch-keycheck out of tree (build/ by default, or
# $BUILD_DIR). Shared by demo.sh and test.sh; assumes install-deps.sh ran.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja
fi
cmake --build "$build_dir" "$@"
