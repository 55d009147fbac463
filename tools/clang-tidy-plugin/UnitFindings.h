//===- UnitFindings.h - What torch-keycheck finds in a unit -----*- C++ -*-===//
//
// The findings of every torch-keycheck check on the translation unit being
// tidied, computed once for all the check objects clang-tidy runs on it.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TIDY_UNITFINDINGS_H
#define TORCH_KEYCHECK_TIDY_UNITFINDINGS_H

#include "torch-keycheck/Findings.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace clang {
class ASTContext;
namespace tidy {
class ClangTidyContext;
} // namespace tidy
} // namespace clang

namespace torchkc {
namespace tidy {

struct UnitFindings {
  /// The source checks' and the project checks' findings.
  std::vector<Finding> Findings;
  /// Why the project checks could not run (a broken project file or
  /// checkpoint), or empty.
  std::string ProjectError;
};

/// Whether the check is fed by the project (load sites, goldens) rather
/// than by the source alone.
inline bool isProjectCheck(llvm::StringRef Name) {
  return Name.starts_with("torch-checkpoint-") || Name == "torch-golden-drift";
}

/// The options that decide a unit's findings, as every check reads them.
struct UnitOptions {
  std::string ProjectFile;    ///< empty: the nearest above the main file
  std::string CheckpointRoot; ///< empty: the project's
  bool ProjectChecks = false; ///< some project check is enabled
  bool operator==(const UnitOptions &O) const {
    return ProjectFile == O.ProjectFile && CheckpointRoot == O.CheckpointRoot &&
           ProjectChecks == O.ProjectChecks;
  }
};

/// The options of a check in Context: ProjectFile and CheckpointRoot as
/// the check's own or global options.
UnitOptions unitOptions(llvm::StringRef CheckName,
                        clang::tidy::ClangTidyContext *Context);

/// The findings of the unit Ctx holds, under Opts; the project is read
/// only when a project check is enabled. Cached for the unit and options,
/// so the usual configuration extracts a unit once for all checks.
const UnitFindings &findingsOf(clang::ASTContext &Ctx, const UnitOptions &Opts);

} // namespace tidy
} // namespace torchkc

#endif
