#!/usr/bin/env bash
# neovim_test.sh SOURCE_DIR BIN_DIR "INCLUDE_DIRS": the language server in
# a real client, Debian's Neovim (0.7), headless, set up with the Lua file
# we ship (editors/neovim): opening a model shows the CLI's findings, at
# the CLI's places; hover shows the keys; the quick fixes are offered; an
# unsaved edit is analysed.
set -euo pipefail
source=$(cd "$1" && pwd)
bin=$(cd "$2" && pwd)
includes=$3
command -v nvim > /dev/null || { echo "neovim test: nvim is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "neovim test: $*" >&2; exit 1; }

flags="-std=c++17"
IFS=';' read -ra dirs <<< "$includes"
for d in "${dirs[@]}"; do flags="$flags -isystem $d"; done
cat > "$work/model.h" <<'CPP'
#pragma once
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl(int64_t in, int64_t out);
  torch::nn::Linear fc{nullptr}, spare{nullptr};
};
TORCH_MODULE(Net);
CPP
cat > "$work/model.cpp" <<'CPP'
#include "model.h"

NetImpl::NetImpl(int64_t in, int64_t out) {
  fc = register_module("fc", torch::nn::Linear(in, out));
  spare = torch::nn::Linear(out, out);
  // Unregistered above; registered twice below.


  register_buffer("fc", torch::zeros({out}));
}

void build() {
  // A model of the project.
  Net net(4, 2);
}
CPP
cat > "$work/compile_commands.json" <<JSON
[{"directory": "$work", "file": "model.cpp", "command": "clang++ $flags -c model.cpp"}]
JSON

(cd "$work" && "$bin/torch-keycheck" check model.cpp --format json > cli.json) || [ $? = 1 ] || fail "check failed"
SOURCE=$source BIN=$bin WORK=$work OUT=$work/editor.txt \
  timeout 900 nvim --headless --clean -u NONE -i NONE -n \
  -c "luafile $source/test/integrations/neovim_test.lua" > "$work/nvim.log" 2>&1 ||
  { cat "$work/nvim.log" "$work/editor.txt" >&2 || true; fail "nvim failed"; }
cat "$work/editor.txt"

# What the editor shows is what the CLI finds, place for place.
/usr/bin/python3 - "$work/cli.json" "$work/editor.txt" <<'PY' || fail "the editor and the CLI differ"
import json, sys
cli = json.load(open(sys.argv[1]))["findings"]
# Neovim's names of the protocol's severities.
names = {"error": "ERROR", "warning": "WARN", "remark": "INFO"}
want = sorted("%d:%d %s torch-keycheck [%s] %s" % (
    f["location"]["line"], f["location"]["column"], names[f["severity"]],
    f["check"], f["message"]) for f in cli if f["location"]["file"].endswith("model.cpp"))
lines = open(sys.argv[2]).read().split("\n")
n = int(lines[0].split()[1])
got = sorted(lines[1:1 + n])
if not want or want != got:
    sys.exit("CLI: %s\neditor: %s" % (want, got))
print("the editor shows the CLI's %d findings" % len(want))
PY
grep -q '^state_dict with the defaults: 3 keys' "$work/editor.txt" || fail "no keys on hover"
grep -q '^fc.weight  parameter  \[out, in\]  float32' "$work/editor.txt" || fail "no key shapes on hover"
grep -q '^action Suppress \[torch-duplicate-key\] on this line (NOLINT)' "$work/editor.txt" || fail "no NOLINT quick fix"
sed -n '/^after edit/,$p' "$work/editor.txt" | grep -q "ERROR torch-keycheck \[torch-invalid-key-name\] registered name 'fc.mask' contains a dot" ||
  fail "the unsaved edit was not analysed"
sed -n '/^after edit/,$p' "$work/editor.txt" | grep -q 'torch-duplicate-key' && fail "a stale finding stayed after the edit"
echo "neovim test: passed"
