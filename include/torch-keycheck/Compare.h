//===- Compare.h - A model's keys against a checkpoint ---------*- C++ -*-===//
//
// The verdict of loading a checkpoint into a configured model, as findings
// at the registrations that cause each difference. The rules are Python's
// strict load_state_dict: missing keys, unexpected keys and size mismatches
// all fail. (LibTorch's torch::load fails on the first only and silently
// accepts the other two, which is why they are errors here.) When the
// model's configuration is not fully given, the configurations that match
// the checkpoint are solved for.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_COMPARE_H
#define TORCH_KEYCHECK_COMPARE_H

#include "torch-keycheck/Findings.h"
#include "torch-keycheck/KeySet.h"
#include "torch-keycheck/Manifest.h"

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

/// One configuration tried against the checkpoint.
struct Candidate {
  Configuration Config;
  std::vector<Finding> Findings;
  size_t Errors = 0;
};

struct Solution {
  /// The knobs solved for: constructor parameters without a value that
  /// decide keys or sizes.
  std::vector<std::string> Knobs;
  /// Configurations with no error-level finding, or else the closest ones
  /// (fewest errors), best first.
  std::vector<Candidate> Best;
  bool Exact = false;
  /// Why solving was not possible (a knob of a type that cannot be
  /// enumerated, too many combinations); empty when it was.
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
/// both ways; integers from the checkpoint's sizes and indices. Derivation goes through G (and re-extracts with the AST when
/// G.Source is set).
Solution solveConfiguration(const RegistrationGraph &G,
                            const ModuleClass &Class,
                            const Configuration &Given, const Manifest &M,
                            const CompareOptions &Opts);

/// Findings for loading optimizer state O into an optimizer built from the
/// model's parameters() (named_parameters() order): the state's kind
/// against ExpectedKind (`adam`, `sgd`, ...; empty: not judged), its
/// parameter count, and each parameter's state shapes, which LibTorch
/// matches by position without checking.
std::vector<Finding> compareOptimizerState(const ModelKeys &Model,
                                           const OptimizerManifest &O,
                                           const std::string &ExpectedKind);

/// The whole verdict for loading M into Class configured by Given: the
/// comparison when Given decides every key, else the configurations that
/// match (a remark naming them, with notes on what the other values of
/// each boolean knob would break) or, when none does, the closest one's
/// differences. Sets Problem, and returns nothing, when the configuration
/// cannot be solved for.
std::vector<Finding>
checkAgainstCheckpoint(const RegistrationGraph &G, const ModuleClass &Class,
                       const Configuration &Given, const Manifest &M,
                       const CompareOptions &Opts, std::string &Problem);

/// The verdict at a torch::load call: each finding of loading the
/// checkpoint at Path into the model as constructed there, reported at the
/// call with notes at the cause and the construction. A checkpoint that is
/// not there is a remark (WhereFrom says where relative paths were looked
/// up); one that cannot be read sets Error, naming the file and the call.
std::vector<Finding> checkLoadSite(const RegistrationGraph &G,
                                   const LoadSite &Site,
                                   const std::string &Path,
                                   const std::string &WhereFrom,
                                   std::string &Error);

} // namespace torchkc

#endif
