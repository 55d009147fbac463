//===- UnitFindings.h - What torch-keycheck finds in a unit -----*- C++ -*-===//
//
// The findings of every torch-keycheck check on the translation unit being
// tidied, computed once for all the check objects clang-tidy runs on it.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TIDY_UNITFINDINGS_H
#define TORCH_KEYCHECK_TIDY_UNITFINDINGS_H

#include "torch-keycheck/checks/Findings.h"

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

/// The options that decide a unit's findings, as every check reads them.
struct UnitOptions {
  std::string ProjectFile;    ///< empty: the nearest above the main file
  std::string CheckpointRoot; ///< empty: the project's
  /// The clang-tidy run, which says which checks are enabled.
  clang::tidy::ClangTidyContext *Context = nullptr;
  bool operator==(const UnitOptions &O) const {
    return ProjectFile == O.ProjectFile && CheckpointRoot == O.CheckpointRoot &&
           Context == O.Context;
  }
};

/// The options of a check in Context: ProjectFile and CheckpointRoot as
/// the check's own or global options.
UnitOptions unitOptions(llvm::StringRef CheckName,
                        clang::tidy::ClangTidyContext *Context);

/// The findings of the unit Ctx holds, under Opts (findingsOfParsedUnit).
/// Cached for the unit and options, so the usual configuration extracts a
/// unit once for all checks.
const std::vector<Finding> &findingsOf(clang::ASTContext &Ctx,
                                       const UnitOptions &Opts);

} // namespace tidy
} // namespace torchkc

#endif
