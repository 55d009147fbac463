#!/usr/bin/env bash
# Builds the libFuzzer targets (ASan + UBSan, clang-19) in build-fuzz/ and
# runs each for SECONDS (default 60) on its seed corpus and its regression
# inputs. A crash, leak, timeout or out-of-memory fails the run and leaves
# the input in build-fuzz/findings/; add it under
# test/fuzz/regressions/<target>/ once fixed.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${FUZZ_BUILD_DIR:-build-fuzz}
if [ ! -f "$build/build.ninja" ]; then
  CXX=clang++-19 cmake -S . -B "$build" -G Ninja -DTORCHKC_FUZZ=ON > /dev/null
fi
cmake --build "$build" > /dev/null
mkdir -p "$build/findings"
passed=0 failed=0
for target in pickle zip safetensors manifest-json sharded-index walkers \
    manifest-command rewrite writers define; do
  work=$(mktemp -d)
  if [ -d test/fuzz/corpus/$target ]; then
    cp test/fuzz/corpus/$target/* "$work/"
  fi
  if [ -d test/fuzz/regressions/$target ]; then
    cp test/fuzz/regressions/$target/* "$work/"
  fi
  if "$build/test/fuzz/$target-fuzzer" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="$build/findings/$target-" \
       "$work" > "$build/findings/$target.log" 2>&1; then
    log="$build/findings/$target.log"
    # Executions, then the edges and features covered and the corpus at the end.
    echo "ok   $target-fuzzer: $(grep -o 'Done [0-9]* runs' "$log"), $(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -1)"
    passed=$((passed + 1))
  else
    echo "FAIL $target-fuzzer: see $build/findings/$target.log"
    grep -E 'ERROR|SUMMARY' "$build/findings/$target.log" | head -5
    failed=$((failed + 1))
  fi
  rm -rf "$work"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
