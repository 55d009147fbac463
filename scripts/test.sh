#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: GoogleTest units,
# the lit suites on the real LibTorch headers, the runtime oracle against
# LibTorch, the example checkpoints read by torch, install and
# integrations. The analyzer is built twice: as released (build/), and
# with AddressSanitizer and UndefinedBehaviorSanitizer (build-sanitize/).
# The suites that drive the analyzer itself (units, lit, oracle, the
# hostile corpus, the real checkpoints' manifests) run in the sanitized
# build, where any report fails them, and only there: the released build
# runs the rest. SANITIZE=0 runs everything in build/ instead.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
build_dir=${BUILD_DIR:-build}

if [ "${SANITIZE:-1}" = 0 ]; then
  ./scripts/build.sh
  (cd "$build_dir" && ctest --output-on-failure -j "$(nproc)")
  exit 0
fi
# The released build runs what users install (install, pre-commit, the
# GitHub workflow, the examples, the fuzz smoke run in its own build); it
# builds only that. Everything that drives the analyzer runs sanitized.
released_suites='install|integration|example|fuzz'
sanitized_suites='unit|lit|oracle|hostile|manifest'
./scripts/build.sh --target torchkc-installed
# A test in neither list would run nowhere (the unit tests' placeholder for
# a binary this build does not make excepted).
unlisted=$(cd "$build_dir" && ctest -N -LE "^($released_suites|$sanitized_suites)\$" |
  grep -E '^ *Test +#' | grep -v '_NOT_BUILT$' || true)
if [ -n "$unlisted" ]; then
  echo "scripts/test.sh: tests labelled for neither build:" >&2
  echo "$unlisted" >&2
  exit 1
fi
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)" -L "^($released_suites)\$")
sanitize_dir=${SANITIZE_BUILD_DIR:-build-sanitize}
BUILD_DIR=$sanitize_dir CMAKE_ARGS="-DTORCHKC_SANITIZE=address,undefined" \
  ./scripts/build.sh
# LeakSanitizer's tracer dies at the analyzer's exit (see lit.cfg.py).
# lit, which runs on every core by itself, runs alone after the others:
# beside the oracle and the hostile corpus it came near its timeout.
(cd "$sanitize_dir" && ASAN_OPTIONS=detect_leaks=0 \
  ctest --output-on-failure -j "$(nproc)" -L "^($sanitized_suites)\$" -LE '^lit$' &&
  ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -L '^lit$')
