//===- TorchCheck.cpp - A torch-keycheck check in clang-tidy --------------===//
#include "TorchCheck.h"

#include "ParsedUnit.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace torchkc {
namespace tidy {

TorchCheck::TorchCheck(llvm::StringRef Name,
                       clang::tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), Id(*checkNamed(Name.str())),
      FedByProject(fedByProject(checkInfo(Id).From)),
      Opts(unitOptions(Name, Context)) {}

void TorchCheck::storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Map) {
  if (!FedByProject)
    return;
  Options.store(Map, "ProjectFile", Opts.ProjectFile);
  Options.store(Map, "CheckpointRoot", Opts.CheckpointRoot);
}

void TorchCheck::registerMatchers(MatchFinder *Finder) {
  // Once per translation unit: the analysis needs all of it.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void TorchCheck::check(const MatchFinder::MatchResult &Result) {
  const SourceManager &SM = *Result.SourceManager;
  for (const Finding &F : findingsOf(*Result.Context, Opts)) {
    if (F.Check != Id)
      continue;
    // The message is data, not a format string.
    reportFinding(
        SM, F,
        [&](SourceLocation Loc, llvm::ArrayRef<FixItHint> Hints) {
          diag(Loc, "%0",
               F.Level == Severity::Remark ? DiagnosticIDs::Remark
                                           : DiagnosticIDs::Warning)
              << F.Message << Hints;
        },
        [&](SourceLocation Loc, const std::string &Note) {
          diag(Loc, "%0", DiagnosticIDs::Note) << Note;
        });
  }
}

} // namespace tidy
} // namespace torchkc
