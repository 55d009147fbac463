//===- BuiltinModules.h - Keys of LibTorch's own modules -------*- C++ -*-===//
//
// LibTorch's modules register their tensors in their reset(); this table
// replays those rules (LibTorch 1.13, torch/csrc/api/src/nn/modules) from
// the module's options without running anything. The runtime oracle checks
// every row against LibTorch itself.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_KEYS_BUILTINMODULES_H
#define TORCH_KEYCHECK_KEYS_BUILTINMODULES_H

#include "torch-keycheck/graph/SymExpr.h"

#include <optional>
#include <string>
#include <vector>

namespace torchkc {

/// A tensor or child a built-in registers, before prefixing.
struct BuiltinEntry {
  enum class Kind { Parameter, Buffer, Child };
  Kind K;
  std::string Name;
  std::vector<SymExprPtr> Shape; ///< Parameter/Buffer: folded dimensions
  std::string DType;
  SymExprPtr Child; ///< Child: a Module expr for another built-in
  /// Options whose value decides whether the entry exists, when that value
  /// is not known (`bias` bound to a symbolic parameter).
  std::vector<std::string> Conditions;
  /// The values those options are bound to, for what they depend on.
  std::vector<SymExprPtr> ConditionValues;
};

struct BuiltinExpansion {
  std::vector<BuiltinEntry> Entries;
  /// Non-empty when the module or one of its options is not understood.
  std::string Problem;
};

/// How a LibTorch container names its children: by position (Sequential,
/// ModuleList, ParameterList: "0", "1", ...) or by the user's keys
/// (ModuleDict, ParameterDict). None for every other module.
enum class ContainerKind { None, Indexed, Keyed };
ContainerKind containerKind(const std::string &Builtin);

/// Whether Builtin is one of LibTorch's containers.
inline bool isContainer(const std::string &Builtin) {
  return containerKind(Builtin) != ContainerKind::None;
}

/// Whether Builtin holds modules by position (Sequential, ModuleList): what
/// a reorder of children shifts.
inline bool isIndexedModuleContainer(const std::string &Builtin) {
  return Builtin == "Sequential" || Builtin == "ModuleList";
}

/// The most repetitions derivation expands: iterations of one loop, layers
/// of one recurrent module. Counts come from the analysed program; a larger
/// one is a pattern or a problem, never an allocation of its size.
constexpr int64_t MaxRepetitions = 100000;

/// True when Name is a LibTorch module this table knows.
bool isKnownBuiltin(const std::string &Name);

/// Expands built-in module Name constructed with positional Args and option
/// Setters (already folded), in LibTorch's registration order.
BuiltinExpansion
expandBuiltin(const std::string &Name, const std::vector<SymExprPtr> &Args,
              const std::vector<std::pair<std::string, SymExprPtr>> &Setters);

} // namespace torchkc

#endif
