//===- ProjectCheck.h - The checks a project file feeds --------*- C++ -*-===//
//
// What a translation unit is checked against beyond its own source: the
// checkpoints its torch::load calls read and the golden manifests of the
// model configurations the project names. Shared by the CLI and the
// clang-tidy plugin, so both report the same findings.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_PROJECT_PROJECTCHECK_H
#define TORCH_KEYCHECK_PROJECT_PROJECTCHECK_H

#include "torch-keycheck/checks/Findings.h"
#include "torch-keycheck/graph/RegistrationGraph.h"
#include "torch-keycheck/keys/ModelKeys.h"
#include "torch-keycheck/project/Project.h"

#include <string>
#include <vector>

namespace torchkc {

struct ProjectCheckOptions {
  /// The project, if one was found; null checks load sites only.
  const Project *TheProject = nullptr;
  /// Where relative checkpoint paths of load sites are looked up: this,
  /// else the project's checkpointRoot, else the calling file's directory.
  std::string CheckpointRoot;
};

/// The verdict of each load site in TU and the drift of each project model
/// TU defines from its golden. TU must carry its ConstructorSource (call
/// from a TranslationUnitCallback). Problems that stop the check (a golden
/// missing or unreadable, a checkpoint unreadable, a configuration that
/// leaves keys open) set Error, naming the file.
std::vector<Finding> checkAgainstProject(const RegistrationGraph &TU,
                                         const ProjectCheckOptions &Opts,
                                         std::string &Error);

/// The files checkAgainstProject reads for TU under Opts (the project
/// file, the goldens of the models TU defines, the checkpoints its load
/// sites name), whether they exist or not: what a cached result of it
/// depends on besides the sources.
std::vector<std::string> filesCheckedAgainst(const RegistrationGraph &TU,
                                             const ProjectCheckOptions &Opts);

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

/// Error unless the keys of the project's I-th model are fit for a golden:
/// every key and size decided by the configuration's defines.
std::string goldenModelProblem(const Project &P, size_t I,
                               const ModelKeys &Keys);

} // namespace torchkc

#endif
