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

mkdir "$work/project" && cd "$work/project" && git init -q
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $work/hooks
    rev: $rev
    hooks:
      - id: torch-keycheck
YAML
cat > model.h <<'CPP'
#pragma once
#include <torch/torch.h>
struct NetImpl : torch::nn::Module {
  NetImpl() {
    register_module("fc", torch::nn::Linear(4, 8));
    register_module("fc", torch::nn::Linear(8, 2));
  }
};
CPP
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
echo "pre-commit test: passed"
