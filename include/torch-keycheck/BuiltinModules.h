//===- BuiltinModules.h - Keys of LibTorch's own modules -------*- C++ -*-===//
//
// LibTorch's modules register their tensors in their reset(); this table
// replays those rules (LibTorch 1.13, torch/csrc/api/src/nn/modules) from
// the module's options without running anything. The runtime oracle checks
// every row against LibTorch itself.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_BUILTINMODULES_H
#define TORCH_KEYCHECK_BUILTINMODULES_H

#include "torch-keycheck/Expr.h"

#include <optional>
#include <string>
#include <vector>

namespace torchkc {

/// A tensor or child a built-in registers, before prefixing.
struct BuiltinEntry {
  enum class Kind { Parameter, Buffer, Child };
  Kind K;
  std::string Name;
  std::vector<ExprPtr> Shape; ///< Parameter/Buffer: folded dimensions
  std::string DType;
  ExprPtr Child; ///< Child: a Module expr for another built-in
  /// Options whose value decides whether the entry exists, when that value
  /// is not known (`bias` bound to a symbolic parameter).
  std::vector<std::string> Conditions;
  /// The values those options are bound to, for what they depend on.
  std::vector<ExprPtr> ConditionValues;
};

struct BuiltinExpansion {
  std::vector<BuiltinEntry> Entries;
  /// Non-empty when the module or one of its options is not understood.
  std::string Problem;
};

/// True when Name is a LibTorch module this table knows.
bool isKnownBuiltin(const std::string &Name);

/// Expands built-in module Name constructed with positional Args and option
/// Setters (already folded), in LibTorch's registration order.
BuiltinExpansion
expandBuiltin(const std::string &Name, const std::vector<ExprPtr> &Args,
              const std::vector<std::pair<std::string, ExprPtr>> &Setters);

} // namespace torchkc

#endif
