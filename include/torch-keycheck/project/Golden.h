//===- Golden.h - Golden manifests and key drift ---------------*- C++ -*-===//
//
// A golden manifest is the committed list of a configured model's keys,
// with shapes, dtypes and kinds: written from the source by `golden
// --update`, or from a real checkpoint by `manifest --format json`. The
// code's keys are compared with it the way an ABI checker compares a
// library with its last release: keys added, removed, reshaped, and moved
// or reordered (which breaks checkpoints and positional optimizer state).
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_PROJECT_GOLDEN_H
#define TORCH_KEYCHECK_PROJECT_GOLDEN_H

#include "torch-keycheck/checkpoint/Manifest.h"
#include "torch-keycheck/checks/Findings.h"
#include "torch-keycheck/keys/ModelKeys.h"

#include <string>
#include <vector>

namespace torchkc {

/// The golden manifest of a concrete model (isConcrete): its keys in the
/// order named_parameters() then named_buffers() yield them. That order is
/// fixed by the source, so a change shows as a small diff, and unlike an
/// alphabetical one it keeps the parameter order optimizer state needs.
Manifest goldenManifest(const ModelKeys &Model);

/// The golden file's text: the JSON manifest (docs/manifest.md), one key
/// per line.
std::string goldenToJson(const Manifest &M);

/// One difference between the code's keys and a golden's.
struct KeyChange {
  enum class Kind {
    Added,     ///< the code registers a key the golden lacks
    Removed,   ///< the golden has a key the code no longer registers
    Reshaped,  ///< both have it, with another shape, dtype or kind
    Moved,     ///< a key now under another index (`body.1.w` -> `body.2.w`)
    Reordered, ///< a parameter at another position among the parameters
  };
  Kind K;
  std::string Name; ///< the code's name; Removed: the golden's
  std::string Was;  ///< the golden's name (Moved) or shape/dtype/kind
  std::string Now;  ///< the code's shape/dtype/kind
  SourceLoc Loc;    ///< the registration; Removed: invalid
};

/// The differences of the code's keys from the golden's, in the code's key
/// order (removed keys in the golden's, last). Model must be concrete.
std::vector<KeyChange> diffWithGolden(const ModelKeys &Model,
                                      const Manifest &Golden);

/// `1 added, 2 reordered`: the counts of each kind of change.
std::string driftSummary(const std::vector<KeyChange> &Changes);

/// The torch-golden-drift finding for non-empty Changes: at the class,
/// with a note per change at its registration (a removed key's at its line
/// in GoldenFile when that is JSON). GoldenShown names the file in messages.
Finding goldenDriftFinding(const ModelKeys &Model,
                           const std::vector<KeyChange> &Changes,
                           const std::string &GoldenFile,
                           const std::string &GoldenShown);

/// The changes as a key-level diff, one line each (`+ name [4, 8]`,
/// `- name`, `~ name [4] -> [8]`, `> old -> new`, `^ name`), for `golden`.
std::string renderKeyDiff(const std::vector<KeyChange> &Changes);

} // namespace torchkc

#endif
