//===- VerdictSupport.h - What the verdict stages share --------*- C++ -*-===//
#ifndef TORCH_KEYCHECK_LIB_VERDICT_VERDICTSUPPORT_H
#define TORCH_KEYCHECK_LIB_VERDICT_VERDICTSUPPORT_H

#include "torch-keycheck/checkpoint/Manifest.h"
#include "torch-keycheck/checks/Findings.h"
#include "torch-keycheck/graph/RegistrationGraph.h"
#include "torch-keycheck/keys/ModelKeys.h"
#include "torch-keycheck/verdict/ConfigurationSolver.h"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace torchkc {
namespace verdict {

/// A checkpoint's keys by name.
using CheckpointIndex =
    std::unordered_map<std::string_view, const ManifestKey *>;

/// Keys by name, for lookups in models of any size (the first key of a
/// name wins, as a scan would find it).
class KeysByName {
public:
  explicit KeysByName(const std::vector<Key> &Keys) {
    Map.reserve(Keys.size());
    for (const Key &K : Keys)
      Map.try_emplace(K.Name, &K);
  }
  const Key *find(std::string_view Name) const {
    auto It = Map.find(Name);
    return It == Map.end() ? nullptr : It->second;
  }

private:
  std::unordered_map<std::string_view, const Key *> Map;
};

/// `'a', 'b' and 3 more`: a few names of a group, for a message.
std::string someNames(const std::vector<std::string> &Names);

bool isConcreteKey(const Key &K);

/// `'use_extra_layer'`, or `'a' and 'b'`: the conditions a key exists
/// under, for a message.
std::string conditionText(const Key &K);

/// The sizes of a concrete key (isConcreteKey).
std::vector<int64_t> concreteShape(const Key &K);

size_t errorsIn(const std::vector<Finding> &Fs);

/// The note on a rename between names that share nothing, told apart
/// only by being the one alike on each side.
extern const char *const UnlikeNamesNote;


bool isIntegralType(const std::string &T);

/// Whether checkpoint key Name is an instance of Pattern, a key name whose
/// `{...}` parts stand for indices (`blocks.{i}.weight`).
bool namesMatch(const std::string &Pattern, const std::string &Name);

/// Whether Text is a name, or a struct field's path (`config.hiddenSize`).
bool isIdentifier(const std::string &Text);

/// Identifiers in a symbolic size or name (`hidden * 2` reads `hidden`),
/// with the paths of struct fields (`config.hiddenSize * 3` reads `config`
/// and `config.hiddenSize`).
std::set<std::string> identifiers(const std::string &Text);

/// The constructor deriveKeys would pick for Given (Given.Constructor when
/// set, else the first whose parameters cover the defines), or null.
const Constructor *constructorFor(const ModuleClass &Class,
                                  const Configuration &Given);

/// Whether every define of Given names a parameter of C (under any of its
/// spellings) or a field of one.
bool takesDefines(const Constructor &C, const Configuration &Given);

/// Every parameter bound to itself: derivation keeps the sizes symbolic
/// even where a default would decide them.
ModelKeys symbolicKeys(const RegistrationGraph &G, const ModuleClass &Class,
                       const Constructor &Ctor);

std::string defineText(const Configuration &C,
                       const std::vector<std::string> &Only,
                       const std::map<std::string, std::string> &ReadFrom = {});

/// A wrapper's prefix on every checkpoint key (DataParallel's `module.`,
/// torch.compile's `_orig_mod.`, or both) that no key of the model has
/// (with Always, no key the model has in every configuration).
std::string wrapperPrefix(const std::vector<ManifestKey> &Ckpt,
                          const std::vector<Key> &Model, bool Always = false);

/// The solver itself (ConfigurationSolver.cpp): the configurations of
/// Class, built by Ctor, that extend Given, tried against M.
Solution solve(const RegistrationGraph &G, const ModuleClass &Class,
               const Constructor &Ctor, const ModelKeys &Symbolic,
               const Configuration &Given, const Manifest &M,
               const CompareOptions &Opts);

} // namespace verdict
} // namespace torchkc

#endif
