//===- TorchProjectCheck.h - A project-fed torch-keycheck check -*- C++ -*-===//
//
// The checks that compare the translation unit with files beside it: the
// checkpoints its torch::load calls read (torch-checkpoint-*) and the golden
// manifests the project file names (torch-golden-drift). They report the
// core's findings (ProjectCheck.h), as the CLI's `check` does.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TIDY_TORCHPROJECTCHECK_H
#define TORCH_KEYCHECK_TIDY_TORCHPROJECTCHECK_H

#include "UnitFindings.h"

#include "ClangTidyCheck.h"

namespace torchkc {
namespace tidy {

/// Reports the project findings of the core check named like this check,
/// for example, with a golden that lists 'fc.weight' as [2, 8]:
/// \code
///   register_module("fc", torch::nn::Linear(8, 4)); // torch-golden-drift
/// \endcode
/// Options (each check's own, or global for all of them):
/// - ProjectFile: the project file; default the nearest
///   .torch-keycheck.json at or above the main file.
/// - CheckpointRoot: where relative torch::load paths are looked up;
///   default the project's checkpointRoot, else the calling file's
///   directory.
class TorchProjectCheck : public clang::tidy::ClangTidyCheck {
public:
  TorchProjectCheck(llvm::StringRef Name,
                    clang::tidy::ClangTidyContext *Context);
  bool isLanguageVersionSupported(const clang::LangOptions &LO) const override {
    return LO.CPlusPlus;
  }
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const UnitOptions Opts;
};

} // namespace tidy
} // namespace torchkc

#endif
