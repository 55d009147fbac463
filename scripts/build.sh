#!/usr/bin/env bash
# Configures and builds torch-keycheck out of tree (build/ by default, or
# $BUILD_DIR), with $CMAKE_ARGS added to the first configure. Shared by
# demo.sh and test.sh; assumes install-deps.sh ran.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  # With ccache (install-deps installs it), a rebuild from a fresh clone
  # compiles only what changed: the two builds of test.sh take ~15 min of
  # CPU from scratch.
  launcher=()
  if command -v ccache > /dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # shellcheck disable=SC2086 # CMAKE_ARGS is a list of arguments
  cmake -S . -B "$build_dir" -G Ninja "${launcher[@]}" ${CMAKE_ARGS:-}
fi
cmake --build "$build_dir" "$@"
