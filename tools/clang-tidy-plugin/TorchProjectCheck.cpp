//===- TorchProjectCheck.cpp - A project-fed torch-keycheck check ---------===//
#include "TorchProjectCheck.h"

#include "torch-keycheck/Extractor.h"
#include "torch-keycheck/ProjectCheck.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/Path.h"

#include <optional>
#include <tuple>

using namespace clang;
using namespace clang::ast_matchers;

namespace torchkc {
namespace tidy {
namespace {

/// What the project checks found in a translation unit, computed once for
/// all the checks clang-tidy runs on it; or the problem that stopped them.
struct UnitResult {
  std::vector<Finding> Findings;
  std::string Error;
};

/// Keyed by the context, the main file and the options: checks may be
/// configured apart, and a later unit's context may reuse an address.
const UnitResult &resultOf(ASTContext &Ctx, const std::string &ProjectFile,
                           const std::string &CheckpointRoot) {
  using Key =
      std::tuple<const ASTContext *, std::string, std::string, std::string>;
  static std::optional<Key> Cached;
  static UnitResult Result;
  const SourceManager &SM = Ctx.getSourceManager();
  OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID());
  std::string MainFile = Main ? Main->getName().str() : std::string();
  Key K{&Ctx, MainFile, ProjectFile, CheckpointRoot};
  if (Cached == K)
    return Result;
  Cached = K;
  Result = UnitResult();

  std::optional<Project> P;
  std::string Path = ProjectFile;
  if (Path.empty() && !MainFile.empty())
    if (std::optional<std::string> Found =
            findProjectFile(llvm::sys::path::parent_path(MainFile).str()))
      Path = *Found;
  if (!Path.empty()) {
    P.emplace();
    if (!loadProject(Path, *P, Result.Error))
      return Result;
  }
  extractRegistrationGraph(Ctx, [&](RegistrationGraph &TU) {
    Result.Findings = checkAgainstProject(
        TU, {P ? &*P : nullptr, CheckpointRoot}, Result.Error);
  });
  return Result;
}

} // namespace

TorchProjectCheck::TorchProjectCheck(llvm::StringRef Name,
                                     clang::tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      ProjectFile(Options.getLocalOrGlobal("ProjectFile", "")),
      CheckpointRoot(Options.getLocalOrGlobal("CheckpointRoot", "")) {}

void TorchProjectCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ProjectFile", ProjectFile);
  Options.store(Opts, "CheckpointRoot", CheckpointRoot);
}

void TorchProjectCheck::registerMatchers(MatchFinder *Finder) {
  // Once per translation unit: the analysis needs all of it.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void TorchProjectCheck::check(const MatchFinder::MatchResult &Result) {
  const SourceManager &SM = *Result.SourceManager;
  const UnitResult &R = resultOf(*Result.Context, ProjectFile, CheckpointRoot);
  if (!R.Error.empty()) {
    // A broken project file or checkpoint stops the check; say so once per
    // unit, at its start, under one of the checks.
    if (getID() == "torch-golden-drift")
      diag(SM.getLocForStartOfFile(SM.getMainFileID()), "%0") << R.Error;
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
