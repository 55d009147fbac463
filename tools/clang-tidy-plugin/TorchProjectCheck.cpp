//===- TorchProjectCheck.cpp - A project-fed torch-keycheck check ---------===//
#include "TorchProjectCheck.h"

#include "torch-keycheck/Extractor.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace torchkc {
namespace tidy {
TorchProjectCheck::TorchProjectCheck(llvm::StringRef Name,
                                     clang::tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), Opts(unitOptions(Name, Context)) {}

void TorchProjectCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ProjectFile", this->Opts.ProjectFile);
  Options.store(Opts, "CheckpointRoot", this->Opts.CheckpointRoot);
}

void TorchProjectCheck::registerMatchers(MatchFinder *Finder) {
  // Once per translation unit: the analysis needs all of it.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void TorchProjectCheck::check(const MatchFinder::MatchResult &Result) {
  const SourceManager &SM = *Result.SourceManager;
  const UnitFindings &R = findingsOf(*Result.Context, Opts);
  if (!R.ProjectError.empty()) {
    // A broken project file or checkpoint stops the check; say so once per
    // unit, at its start, under one of the checks.
    if (getID() == "torch-golden-drift")
      diag(SM.getLocForStartOfFile(SM.getMainFileID()), "%0") << R.ProjectError;
    return;
  }
  for (const Finding &F : R.Findings) {
    if (F.Check != getID())
      continue;
    SourceLocation Loc = toClangLocation(SM, F.Loc);
    if (Loc.isInvalid())
      continue;
    // The message is data, not a format string.
    diag(Loc, "%0",
         F.Level == Severity::Remark ? DiagnosticIDs::Remark
                                     : DiagnosticIDs::Warning)
        << F.Message;
    for (const Note &N : F.Notes)
      if (SourceLocation NL = toClangLocation(SM, N.Loc); NL.isValid())
        diag(NL, "%0", DiagnosticIDs::Note) << N.Message;
  }
}

} // namespace tidy
} // namespace torchkc
