//===- ParsedUnit.h - The plugins' side of a unit they parsed ---*- C++ -*-===//
//
// What the clang-tidy plugin and the compiler plugin share: the findings
// of the unit their host parsed (the core's checkUnit, with the unit's
// project found the way the CLI finds it), and the bridge from a Finding
// to the host's Clang diagnostics.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TOOLS_COMMON_PARSEDUNIT_H
#define TORCH_KEYCHECK_TOOLS_COMMON_PARSEDUNIT_H

#include "torch-keycheck/checks/Findings.h"

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <functional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class SourceManager;
} // namespace clang

namespace torchkc {

struct ParsedUnitOptions {
  std::string ProjectFile;    ///< empty: the nearest above the main file
  std::string CheckpointRoot; ///< empty: the project's
  /// Which checks are enabled; the project is read only when one it feeds
  /// is.
  std::function<bool(CheckId)> IsEnabled;
};

/// The findings of the unit Ctx holds, in source order: checkUnit's, and a
/// project that cannot be read as one finding at the main file's start.
/// ProjectInputs, when given, gets the files besides the unit's sources
/// that the findings came from: the project file, the goldens and the
/// checkpoints its load sites read.
std::vector<Finding>
findingsOfParsedUnit(clang::ASTContext &Ctx, const ParsedUnitOptions &Opts,
                     std::vector<std::string> *ProjectInputs = nullptr);

/// Reports F through the host: Emit at F's location with its fix-its,
/// EmitNote at each note's; locations outside the unit (a file it did not
/// read) are skipped, and so is a fix-it there.
void reportFinding(
    const clang::SourceManager &SM, const Finding &F,
    llvm::function_ref<void(clang::SourceLocation,
                            llvm::ArrayRef<clang::FixItHint>)>
        Emit,
    llvm::function_ref<void(clang::SourceLocation, const std::string &)>
        EmitNote);

} // namespace torchkc

#endif
