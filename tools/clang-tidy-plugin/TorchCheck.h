//===- TorchCheck.h - A torch-keycheck check in clang-tidy -----*- C++ -*-===//
//
// Every check of the core that a translation unit can answer, as a
// clang-tidy check of the same name: each reports the core's findings of
// its name through clang-tidy's engine, which applies NOLINT,
// --warnings-as-errors and header filters. The analysis is the core's.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TIDY_TORCHCHECK_H
#define TORCH_KEYCHECK_TIDY_TORCHCHECK_H

#include "UnitFindings.h"

#include "ClangTidyCheck.h"

namespace torchkc {
namespace tidy {

/// Reports the findings of the core check named like this check, for
/// example:
/// \code
///   register_module("fc", torch::nn::Linear(4, 4));
///   register_module("fc", torch::nn::Linear(4, 2)); // torch-duplicate-key
/// \endcode
/// The checks fed by the project (torch-checkpoint-*, torch-golden-drift)
/// take two options, as the check's own or as global options:
/// - ProjectFile: the project file; default the nearest
///   .torch-keycheck.json at or above the main file.
/// - CheckpointRoot: where relative torch::load paths are looked up;
///   default the project's checkpointRoot, else the calling file's
///   directory.
class TorchCheck : public clang::tidy::ClangTidyCheck {
public:
  TorchCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  bool isLanguageVersionSupported(const clang::LangOptions &LO) const override {
    return LO.CPlusPlus;
  }
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  const CheckId Id;
  const bool FedByProject;
  /// Read by every check alike, so that one extraction of a unit serves
  /// them all.
  const UnitOptions Opts;
};

} // namespace tidy
} // namespace torchkc

#endif
