//===- TorchSourceCheck.cpp - A torch-keycheck source check in clang-tidy -===//
#include "TorchSourceCheck.h"

#include "torch-keycheck/Extractor.h"
#include "torch-keycheck/Lints.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"

#include <map>

using namespace clang;
using namespace clang::ast_matchers;

namespace torchkc {
namespace tidy {
namespace {

/// The findings of a translation unit, computed once for all the checks
/// that clang-tidy runs on it (each check is its own object). Keyed by the
/// context and the main file: a later unit's context may reuse the address.
const std::vector<Finding> &findingsOf(ASTContext &Ctx) {
  static std::pair<const ASTContext *, std::string> Cached;
  static std::vector<Finding> Findings;
  const SourceManager &SM = Ctx.getSourceManager();
  std::pair<const ASTContext *, std::string> Key = {
      &Ctx, SM.getFileEntryRefForID(SM.getMainFileID())
                ? SM.getFileEntryRefForID(SM.getMainFileID())->getName().str()
                : std::string()};
  if (Cached != Key) {
    Findings = lintGraph(extractRegistrationGraph(Ctx));
    Cached = Key;
  }
  return Findings;
}

} // namespace

void TorchSourceCheck::registerMatchers(MatchFinder *Finder) {
  // Once per translation unit: the analysis needs all of it.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void TorchSourceCheck::check(const MatchFinder::MatchResult &Result) {
  const SourceManager &SM = *Result.SourceManager;
  for (const Finding &F : findingsOf(*Result.Context)) {
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
