//===- ConfigurationSolver.h - Solving for a configuration ------*- C++ -*-===//
//
// When the model's configuration is not fully given, the configurations
// that match a checkpoint are solved for (ConfigurationSolver.cpp says how
// knobs are read off it).
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_VERDICT_CONFIGURATIONSOLVER_H
#define TORCH_KEYCHECK_VERDICT_CONFIGURATIONSOLVER_H

#include "torch-keycheck/verdict/LoadVerdict.h"

#include <map>
#include <string>
#include <vector>

namespace torchkc {

/// One configuration tried against the checkpoint.
struct Candidate {
  Configuration Config;
  std::vector<Finding> Findings;
  size_t Errors = 0;
  /// How far from the checkpoint (compareWithCheckpoint's Cost): what
  /// candidates are ranked by.
  size_t Cost = 0;
  /// Keys of this configuration that are not concrete (a size or name the
  /// analyzer cannot compute, a condition over a knob not searched): the
  /// comparison judged every other key, and these not at all.
  std::vector<Key> Unjudged;
};

struct Solution {
  /// The knobs solved for: constructor parameters without a value that
  /// decide keys or sizes.
  std::vector<std::string> Knobs;
  /// Configurations with no error-level finding, or else the closest ones
  /// (least Cost), best first. When no configuration gives concrete
  /// keys, those whose concrete keys fit best (Unjudged names the rest).
  std::vector<Candidate> Best;
  /// A knob left out of the search: it keeps its default, or stays open.
  struct Unsearched {
    std::string Knob;
    std::string Why; ///< `a std::string cannot be enumerated`
    bool HasDefault = false;
  };
  std::vector<Unsearched> LeftOut;
  bool Exact = false;
  /// Why solving was not possible; empty when it was. (Knobs that cannot
  /// be enumerated, or too many of them, are left out of the search
  /// instead, and keys they decide are unjudged.)
  std::string Problem;
  /// For a knob read off a size: the checkpoint key it was read from.
  std::map<std::string, std::string> ReadFrom;
  /// A boolean knob read off a key that exists under one of its values
  /// only: the value, the key, and whether the checkpoint has it.
  struct Witness {
    bool Value = false;
    std::string Key;
    SourceLoc Loc;
    bool InCheckpoint = false;
  };
  /// The boolean knobs the checkpoint decided that way (the search then
  /// tries only the value read).
  std::map<std::string, Witness> Witnessed;
  /// Knobs the checkpoint's sizes disagree about, each with what each
  /// key says (`'hidden': 256 from fc1.weight, 128 from fc2.weight`).
  std::vector<std::string> Contradictions;
};

/// Tries the configurations of Class that extend Given with values for its
/// knobs: booleans read off keys that exist under one value only, else
/// both ways; integers from the checkpoint's sizes and indices. Derivation goes
/// through G (and re-extracts with the AST when G.Source is set).
Solution solveConfiguration(const RegistrationGraph &G,
                            const ModuleClass &Class,
                            const Configuration &Given, const Manifest &M,
                            const CompareOptions &Opts);

} // namespace torchkc

#endif
