//===- TorchSourceCheck.cpp - A torch-keycheck source check in clang-tidy -===//
#include "TorchSourceCheck.h"

#include "torch-keycheck/Extractor.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace torchkc {
namespace tidy {

void TorchSourceCheck::registerMatchers(MatchFinder *Finder) {
  // Once per translation unit: the analysis needs all of it.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void TorchSourceCheck::check(const MatchFinder::MatchResult &Result) {
  const SourceManager &SM = *Result.SourceManager;
  for (const Finding &F : findingsOf(*Result.Context, Opts).Findings) {
    if (F.Check != getID())
      continue;
    SourceLocation Loc = toClangLocation(SM, F.Loc);
    if (Loc.isInvalid())
      continue;
    // The message is data, not a format string.
    diag(Loc, "%0") << F.Message;
    for (const Note &N : F.Notes)
      if (SourceLocation NL = toClangLocation(SM, N.Loc); NL.isValid())
        diag(NL, "%0", DiagnosticIDs::Note) << N.Message;
  }
}

} // namespace tidy
} // namespace torchkc
