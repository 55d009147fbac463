#!/usr/bin/env bash
# precommit_test.sh SOURCE_DIR BIN_DIR: runs the real pre-commit framework
# with this repository's .pre-commit-hooks.yaml on a throw-away project:
# a duplicate registration fails the commit with the diagnostic, the fixed
# source passes, and a file outside the hook's types is not analysed.
set -euo pipefail
source=$(cd "$1" && pwd)
bin=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "pre-commit test: $*" >&2; exit 1; }
export PATH="$bin:$PATH" PRE_COMMIT_HOME="$work/cache"
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com

# The hook repository: just the hook definition, committed.
mkdir "$work/hooks" && cp "$source/.pre-commit-hooks.yaml" "$work/hooks/"
git -C "$work/hooks" init -q && git -C "$work/hooks" add -A
git -C "$work/hooks" commit -qm hooks
rev=$(git -C "$work/hooks" rev-parse HEAD)

# A project's hook configuration (ARGS: the hook's args line, if any) and
# a model whose second registration LibTorch refuses, at line 6.
configure_hook() {
  cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $work/hooks
    rev: $rev
    hooks:
      - id: torch-keycheck
${1:-}
YAML
}
write_model() {
  cat > "$1" <<'CPP'
#pragma once
#include <torch/torch.h>
struct NetImpl : torch::nn::Module {
  NetImpl() {
    register_module("fc", torch::nn::Linear(4, 8));
    register_module("fc", torch::nn::Linear(8, 2));
  }
};
CPP
}

mkdir "$work/project" && cd "$work/project" && git init -q
configure_hook
write_model model.h
echo 'not C++, never analysed' > notes.txt
git add -A

if pre-commit run --all-files > "$work/run.log" 2>&1; then
  cat "$work/run.log"; fail "the hook passed a duplicate registration"
fi
grep -q "model.h:6:5: error: 'fc' is already registered" "$work/run.log" \
  || { cat "$work/run.log"; fail "no diagnostic in the hook's output"; }
grep -q "notes.txt" "$work/run.log" && { cat "$work/run.log"; fail "a text file was analysed"; }

sed -i '6d' model.h && git add -A
pre-commit run --all-files > "$work/run.log" 2>&1 || { cat "$work/run.log"; fail "the fixed model failed"; }
grep -q "torch-keycheck.*Passed" "$work/run.log" || { cat "$work/run.log"; fail "the hook did not run"; }

# As documented: flags from a compile database (-p build) and two units at
# a time (-j 2), the database's commands relative to the build directory.
# pre-commit passes repository-relative names; the header is reported once,
# as the user's relative path, with its source line.
mkdir "$work/project2" && cd "$work/project2" && git init -q
mkdir src build
configure_hook '        args: [-p, build, -j, "2"]'
write_model src/model.h
printf '#include "model.h"\nint main() { NetImpl n; }\n' > src/main.cpp
printf '#include "model.h"\nvoid other() { NetImpl n; }\n' > src/other.cpp
flags='"-std=c++17", "-isystem", "/usr/include/torch/csrc/api/include", "-I../src"'
cat > build/compile_commands.json <<JSON
[{"directory": "$work/project2/build", "file": "../src/main.cpp",
  "arguments": ["c++", $flags, "-c", "../src/main.cpp"]},
 {"directory": "$work/project2/build", "file": "../src/other.cpp",
  "arguments": ["c++", $flags, "-c", "../src/other.cpp"]}]
JSON
git add .pre-commit-config.yaml src
if pre-commit run --files src/main.cpp src/other.cpp > "$work/run.log" 2>&1; then
  cat "$work/run.log"; fail "-p build -j 2: the hook passed a duplicate registration"
fi
grep -q "no such file" "$work/run.log" && { cat "$work/run.log"; fail "-p build -j 2: a source was looked up in the wrong directory"; }
[ "$(grep -c "^src/model.h:6:5: error: 'fc' is already registered" "$work/run.log")" = 1 ] \
  || { cat "$work/run.log"; fail "-p build -j 2: the header's finding is not reported once as src/model.h"; }
grep -A1 "^src/model.h:6:5: error" "$work/run.log" | grep -q 'register_module("fc", torch::nn::Linear(8, 2));' \
  || { cat "$work/run.log"; fail "-p build -j 2: no source line under the diagnostic"; }
echo "pre-commit test: passed"
