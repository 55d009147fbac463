//===- LoadVerdict.h - Keys against a checkpoint's manifest -----*- C++ -*-===//
//
// The verdict of loading a checkpoint into a configured model, as findings
// at the registrations that cause each difference. The rules are Python's
// strict load_state_dict: missing keys, unexpected keys and size mismatches
// all fail. (LibTorch's torch::load fails on the first only and silently
// accepts the other two, which is why they are errors here.) Pure: keys and
// a manifest in, findings out.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_VERDICT_LOADVERDICT_H
#define TORCH_KEYCHECK_VERDICT_LOADVERDICT_H

#include "torch-keycheck/checkpoint/Manifest.h"
#include "torch-keycheck/checks/Findings.h"
#include "torch-keycheck/keys/ModelKeys.h"

#include <map>
#include <string>
#include <vector>

namespace torchkc {

struct CompareOptions {
  /// load_state_dict(strict=False): unexpected keys are warnings.
  bool AllowUnexpected = false;
};

/// Findings for loading M into the model whose keys Model lists. Keys that
/// still depend on configuration (conditions, patterns, symbolic sizes) are
/// not judged: solve the configuration first. Symbolic, when given, is the
/// same class derived with no values bound; its sizes name the parameters
/// a mismatched dimension comes from.
std::vector<Finding> compareWithCheckpoint(const ModelKeys &Model,
                                           const Manifest &M,
                                           const CompareOptions &Opts,
                                           const ModelKeys *Symbolic = nullptr);

/// Whether every key of Model is concrete: no condition, no pattern name,
/// every size known.
bool isConcrete(const ModelKeys &Model);

} // namespace torchkc

#endif
