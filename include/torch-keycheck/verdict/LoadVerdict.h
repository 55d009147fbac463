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

/// How the checkpoint's keys load into the model, as the comparison found
/// them: what a migration renames (`migrate`).
struct KeyMapping {
  struct Rename {
    std::string From; ///< the key as the checkpoint stores it
    std::string To;   ///< the model's key it is
    std::string Why;  ///< `children of 'body' reordered`, `renamed`, ...
  };
  /// Every checkpoint key that is a model key under another name, in the
  /// checkpoint's order.
  std::vector<Rename> Renames;
  /// Checkpoint keys (as stored) that are the model's under their own name.
  std::vector<std::string> Same;
  /// Checkpoint keys (as stored) that are no key of the model.
  std::vector<std::string> Unexpected;
  /// Model keys that nothing in the checkpoint is.
  std::vector<std::string> Missing;
  /// Model keys whose checkpoint tensor has another shape or dtype.
  std::vector<std::string> Mismatched;
};

struct CompareOptions {
  /// load_state_dict(strict=False): unexpected keys are warnings.
  bool AllowUnexpected = false;
  /// When set, filled with the mapping the findings describe.
  KeyMapping *Mapping = nullptr;
};

/// Findings for loading M into the model whose keys Model lists. Keys that
/// still depend on configuration (conditions, patterns, symbolic sizes) are
/// not judged: solve the configuration first. Symbolic, when given, is the
/// same class derived with no values bound; its sizes name the parameters
/// a mismatched dimension comes from.
///
/// Cost, when given, is how far the model is from the checkpoint, to rank
/// configurations: per error, the keys it leaves unloadable (missing,
/// unexpected, of another shape, reordered), a rename counting by how
/// alike the names are (1 for the same name otherwise spelt, `layerNorm`
/// for `LayerNorm`; 2 for similar names; 3 for names that share nothing).
/// Fewer findings can be further: a configuration without the encoder is
/// one finding for all of its keys. Zero exactly when there is no error.
std::vector<Finding> compareWithCheckpoint(const ModelKeys &Model,
                                           const Manifest &M,
                                           const CompareOptions &Opts,
                                           const ModelKeys *Symbolic = nullptr,
                                           size_t *Cost = nullptr);

/// Whether every key of Model is concrete: no condition, no pattern name,
/// every size known.
bool isConcrete(const ModelKeys &Model);

} // namespace torchkc

#endif
