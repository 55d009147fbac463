#!/usr/bin/env bash
# Configures and builds torch-keycheck out of tree (build/ by default, or
# $BUILD_DIR), with $CMAKE_ARGS added to the first configure. Shared by
# demo.sh and test.sh; assumes install-deps.sh ran.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  # shellcheck disable=SC2086 # CMAKE_ARGS is a list of arguments
  cmake -S . -B "$build_dir" -G Ninja ${CMAKE_ARGS:-}
fi
cmake --build "$build_dir" "$@"
