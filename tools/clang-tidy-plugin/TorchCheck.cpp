//===- TorchCheck.cpp - A torch-keycheck check in clang-tidy --------------===//
#include "TorchCheck.h"

#include "torch-keycheck/Extractor.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace torchkc {
namespace tidy {

TorchCheck::TorchCheck(llvm::StringRef Name,
                       clang::tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), FedByProject(isProjectCheck(Name)),
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
  const UnitFindings &R = findingsOf(*Result.Context, Opts);
  if (FedByProject && !R.ProjectError.empty()) {
    // A broken project file or checkpoint stops these checks; say so once
    // per unit, at its start, under one of them.
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
