#!/usr/bin/env bash
# install_test.sh BUILD_DIR SOURCE_DIR LIBTORCH_INCLUDE_DIRS: installs the
# build into a temporary prefix and uses it from a separate tiny project
# (test/install/project) through find_package(TorchKeyCheck): its golden
# and check targets, the installed plugins, the installed docs.
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
libtorch=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "install test: $*" >&2; exit 1; }

prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in bin/torch-keycheck lib/torch-keycheck/libtorch-keycheck-analysis.so \
         lib/torch-keycheck/libTorchKeyCheckTidy.so \
         lib/torch-keycheck/libTorchKeyCheckPlugin.so \
         lib/cmake/TorchKeyCheck/TorchKeyCheckConfig.cmake \
         lib/cmake/TorchKeyCheck/TorchKeyCheckConfigVersion.cmake \
         lib/cmake/TorchKeyCheck/TorchKeyCheck.cmake \
         share/doc/torch-keycheck/README.md \
         share/doc/torch-keycheck/LICENSE \
         share/doc/torch-keycheck/checks/torch-golden-drift.md \
         share/man/man1/torch-keycheck.1 \
         share/bash-completion/completions/torch-keycheck \
         share/zsh/site-functions/_torch-keycheck; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done

# The installed command finds its analysis module; the plugins load.
"$prefix/bin/torch-keycheck" --version | grep -q '^torch-keycheck ' || fail "--version"
clang-tidy-19 --load="$prefix/lib/torch-keycheck/libTorchKeyCheckTidy.so" \
  --checks='-*,torch-*' --list-checks | grep -q torch-golden-drift \
  || fail "the installed clang-tidy plugin does not register its checks"

# The man page renders without a warning; bash completes commands, options
# and check names from the installed command.
LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$prefix/share/man/man1/torch-keycheck.1" 2> "$work/man.log"
[ ! -s "$work/man.log" ] || fail "man page: $(cat "$work/man.log")"
completions=$(PATH="$prefix/bin:$PATH" bash -c '
  source "$1"
  t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _torch_keycheck; echo "${COMPREPLY[*]}"; }
  t torch-keycheck ch; t torch-keycheck check --header; t torch-keycheck check --checks torch-dup
' _ "$prefix/share/bash-completion/completions/torch-keycheck")
[ "$completions" = $'check\n--header-filter\ntorch-duplicate-key' ] \
  || fail "bash completion gave: $completions"

# The Debian package (cpack -G DEB): what it depends on is here, and the
# command it holds runs from where the package puts it.
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/package" > "$work/cpack.log" \
  || { cat "$work/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$work"/package/torch-keycheck_*_amd64.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for p in libclang-cpp19 libllvm19 libzip4 libclang-common-19-dev libtorch-dev; do
  grep -q "\b$p\b" <<< "$depends" || fail "the package does not depend on $p: $depends"
done
for p in $(tr ',' '\n' <<< "$depends" | sed 's/(.*//; s/ //g'); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || fail "dependency $p of the package is not installable here"
done
dpkg-deb -x "$deb" "$work/root"
printf '#include <torch/torch.h>\nstruct NetImpl : torch::nn::Module {\n  NetImpl() { register_module("fc", torch::nn::Linear(4, 2)); }\n};\n' > "$work/net.cpp"
"$work/root/usr/bin/torch-keycheck" keys --no-cache "$work/net.cpp" --class Net \
  -- -std=c++17 -isystem "$libtorch" | grep -q 'fc.weight.*\[2, 4\]' \
  || fail "the packaged command does not list the keys"
[ -f "$work/root/usr/share/man/man1/torch-keycheck.1" ] || fail "no man page in the package"

# The tiny project, configured against the prefix only.
cp -r "$source/test/install/project" "$work/project"
cmake -S "$work/project" -B "$work/project/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" -DLIBTORCH_INCLUDE_DIRS="$libtorch" \
  -DCMAKE_CXX_COMPILER=clang++-19 > "$work/configure.log" \
  || { cat "$work/configure.log"; fail "configure with the installed package"; }

cd "$work/project/build"
cmake --build . --target model-golden-update > golden.log \
  || { cat golden.log; fail "model-golden-update"; }
[ -f "$work/project/golden/tiny.json" ] || fail "no golden written"
grep -q '"fc.weight", "shape": \[8, 4\]' "$work/project/golden/tiny.json" \
  || fail "golden content: $(cat "$work/project/golden/tiny.json")"
cmake --build . --target model-keycheck > check.log \
  || { cat check.log; fail "model-keycheck on the clean model"; }

# Drift fails the check target.
sed -i 's/Linear(4, hidden)/Linear(6, hidden)/' "$work/project/src/model.cpp"
if cmake --build . --target model-keycheck > drift.log 2>&1; then
  fail "model-keycheck passed on a drifted model"
fi
grep -q "reshaped 'fc.weight': \[8, 4\] in the golden, \[8, 6\] now" drift.log \
  || { cat drift.log; fail "no drift diagnostic"; }

# A hazard fails its target, and the SARIF report is still written.
if cmake --build . --target broken-keycheck > broken.log 2>&1; then
  fail "broken-keycheck passed on a duplicate registration"
fi
grep -q '"ruleId": "torch-duplicate-key"' "$work/project/broken.sarif" \
  || fail "no SARIF result for the duplicate: $(cat "$work/project/broken.sarif")"
echo "install test: passed"
