//===- KeysOutput.h - Rendering derived keys -------------------*- C++ -*-===//
#ifndef TORCH_KEYCHECK_KEYSOUTPUT_H
#define TORCH_KEYCHECK_KEYSOUTPUT_H

#include "torch-keycheck/KeySet.h"

#include <string>
#include <vector>

namespace torchkc {

/// Human-readable listing: one model after another, a key per line.
std::string renderKeysText(const std::vector<ModelKeys> &Models);

/// The `keys --format json` document (docs/keys.md describes it).
std::string renderKeysJson(const std::vector<ModelKeys> &Models);

} // namespace torchkc

#endif
