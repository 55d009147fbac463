//===- TorchSourceCheck.h - A torch-keycheck source check in clang-tidy -*- C++
//-*-===//
//
// The source checks of the core (Lints.h) as clang-tidy checks: each reads
// the registration graph of the translation unit being tidied and reports
// the core's findings of its own name through clang-tidy's engine, which
// applies NOLINT, --warnings-as-errors and header filters.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TIDY_TORCHSOURCECHECK_H
#define TORCH_KEYCHECK_TIDY_TORCHSOURCECHECK_H

#include "UnitFindings.h"

#include "ClangTidyCheck.h"

namespace torchkc {
namespace tidy {

/// Reports the findings of the core check named like this check
/// (`torch-duplicate-key`, ...), for example:
/// \code
///   register_module("fc", torch::nn::Linear(4, 4));
///   register_module("fc", torch::nn::Linear(4, 2)); // torch-duplicate-key
/// \endcode
class TorchSourceCheck : public clang::tidy::ClangTidyCheck {
public:
  TorchSourceCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : ClangTidyCheck(Name, Context), Opts(unitOptions(Name, Context)) {}
  bool isLanguageVersionSupported(const clang::LangOptions &LO) const override {
    return LO.CPlusPlus;
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  // Not options of these checks: the project checks' values, read the same
  // way so that both kinds share one extraction of the unit.
  const UnitOptions Opts;
};

} // namespace tidy
} // namespace torchkc

#endif
