//===- KeysOutput.h - Rendering derived keys -------------------*- C++ -*-===//
#ifndef TORCH_KEYCHECK_OUTPUT_KEYSOUTPUT_H
#define TORCH_KEYCHECK_OUTPUT_KEYSOUTPUT_H

#include "torch-keycheck/keys/ModelKeys.h"

#include <string>
#include <vector>

namespace torchkc {

/// Human-readable listing: one model after another, a key per line. Paths
/// below BaseDir are shown relative to it, as a compiler shows the paths
/// it was given; others stay absolute.
std::string renderKeysText(const std::vector<ModelKeys> &Models,
                           const std::string &BaseDir = "");

/// The `keys --format json` document (docs/keys.md describes it).
std::string renderKeysJson(const std::vector<ModelKeys> &Models);

} // namespace torchkc

#endif
