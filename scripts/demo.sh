#!/usr/bin/env bash
# Installs what is missing, builds, and shows torch-keycheck on the example
# model in examples/classifier: its keys in two configurations, the
# registration hazards in its source, the manifest of a bundled checkpoint
# (written by LibTorch's torch::save), the load verdicts, the golden
# manifests and a drift from them, and that the bundled checkpoints hold
# exactly the predicted keys.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh --target torch-keycheck
build_dir=${BUILD_DIR:-build}
tkc="$build_dir/tools/torch-keycheck/torch-keycheck"
model=examples/classifier/model.h

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }

step "The state_dict keys of Classifier, from the source alone (no build, no run)" \
  "$tkc" keys "$model" --class Classifier
step "The same model with its auxiliary head switched on" \
  "$tkc" keys "$model" --class Classifier --define use_aux_head=true
step "Unconfigured: the shortcut exists only when the block changes shape" \
  "$tkc" keys "$model" --class ResidualBlock

step "Registration hazards in the source, as compiler diagnostics" \
  "$tkc" check "$model"

step "What the bundled checkpoint holds, read without loading it" \
  "$tkc" manifest examples/classifier/classifier-aux.pt

step "Which configuration that checkpoint was saved with, solved from the source" \
  "$tkc" check "$model" --class Classifier --checkpoint examples/classifier/classifier-aux.pt
step "Loading it into the default configuration: the verdict, at the line that causes it" \
  "$tkc" check "$model" --class Classifier --checkpoint examples/classifier/classifier-aux.pt \
  --define use_aux_head=false || true

step "The committed golden manifests (examples/classifier/.torch-keycheck.json), against the source" \
  "$tkc" golden "$model"
edited=$(mktemp -d)
trap 'rm -rf "$edited"' EXIT
sed 's/torch::nn::Flatten(), torch::nn::Dropout(0.2),/torch::nn::Flatten(),/' "$model" > "$edited/model.h"
step "An edit that drops the head's Dropout: the key-level drift a CI gate reports" \
  "$tkc" golden --project examples/classifier/.torch-keycheck.json "$edited/model.h" || true

if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  for ckpt in classifier:'' classifier-aux:use_aux_head=true; do
    name=${ckpt%%:*} define=${ckpt#*:}
    step "examples/classifier/$name.pt as torch reads it, against the prediction" \
      /usr/bin/python3 test/examples/check_checkpoint.py --keycheck "$tkc" \
        --source "$model" --class Classifier --checkpoint "examples/classifier/$name.pt" \
        ${define:+--define "$define"} \
        --flags "-std=c++17 -isystem/usr/include/torch/csrc/api/include"
  done
fi
