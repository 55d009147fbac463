//===- OptimizerState.h - Optimizer state against parameters ----*- C++ -*-===//
//
// Optimizer state is positional: LibTorch matches it to parameters() by
// index. These are the checks of its kind, count and shapes.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_VERDICT_OPTIMIZERSTATE_H
#define TORCH_KEYCHECK_VERDICT_OPTIMIZERSTATE_H

#include "torch-keycheck/checkpoint/Manifest.h"
#include "torch-keycheck/checks/Findings.h"
#include "torch-keycheck/keys/ModelKeys.h"

#include <map>
#include <string>
#include <vector>

namespace torchkc {

/// Findings for loading optimizer state O into an optimizer built from the
/// model's parameters() (named_parameters() order): the state's kind
/// against ExpectedKind (`adam`, `sgd`, ...; empty: not judged), its
/// parameter count, and each parameter's state shapes, which LibTorch
/// matches by position without checking.
std::vector<Finding> compareOptimizerState(const ModelKeys &Model,
                                           const OptimizerManifest &O,
                                           const std::string &ExpectedKind);

} // namespace torchkc

#endif
