//===- ParsedUnit.cpp - The plugins' side of a unit they parsed -----------===//
#include "ParsedUnit.h"

#include "torch-keycheck/extract/Extractor.h"
#include "torch-keycheck/output/FindingsOutput.h"
#include "torch-keycheck/project/Project.h"
#include "torch-keycheck/project/UnitCheck.h"

#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <optional>

namespace torchkc {

std::vector<Finding>
findingsOfParsedUnit(clang::ASTContext &Ctx, const ParsedUnitOptions &Opts,
                     std::vector<std::string> *ProjectInputs) {
  const clang::SourceManager &SM = Ctx.getSourceManager();
  clang::OptionalFileEntryRef Main =
      SM.getFileEntryRefForID(SM.getMainFileID());
  std::string MainFile = Main ? Main->getName().str() : std::string();
  UnitCheckOptions UO;
  UO.ProjectChecks =
      !MainFile.empty() && std::any_of(allChecks().begin(), allChecks().end(),
                                       [&](const CheckInfo &C) {
                                         return fedByProject(C.From) &&
                                                Opts.IsEnabled(C.Id);
                                       });
  std::string Error;
  std::optional<Project> P;
  if (UO.ProjectChecks) {
    P = projectFor(Opts.ProjectFile, MainFile, Error);
    // A broken project file is an input too: fixing it must recompile.
    if (!Error.empty() && ProjectInputs) {
      llvm::SmallString<256> Dir(MainFile);
      llvm::sys::fs::make_absolute(Dir);
      llvm::sys::path::remove_filename(Dir);
      std::optional<std::string> File =
          Opts.ProjectFile.empty()
              ? findProjectFile(std::string(Dir))
              : std::optional<std::string>(Opts.ProjectFile);
      if (File)
        ProjectInputs->push_back(*File);
    }
  }
  UO.ProjectChecks &= Error.empty();
  UO.Project = {P ? &*P : nullptr, Opts.CheckpointRoot};
  std::vector<Finding> Found;
  extractRegistrationGraph(Ctx, [&](RegistrationGraph &TU) {
    UnitCheck R = checkUnit(TU, UO);
    Found = std::move(R.Findings);
    if (ProjectInputs && UO.ProjectChecks)
      *ProjectInputs = filesCheckedAgainst(TU, UO.Project);
    if (Error.empty())
      Error = std::move(R.ProjectError);
  });
  if (!Error.empty())
    Found.push_back(projectErrorFinding(MainFile, Error,
                                        projectErrorCheck(Opts.IsEnabled)));
  sortBySourceLocation(Found);
  return Found;
}

void reportFinding(
    const clang::SourceManager &SM, const Finding &F,
    llvm::function_ref<void(clang::SourceLocation,
                            llvm::ArrayRef<clang::FixItHint>)>
        Emit,
    llvm::function_ref<void(clang::SourceLocation, const std::string &)>
        EmitNote) {
  clang::SourceLocation Loc = toClangLocation(SM, F.Loc);
  if (Loc.isInvalid())
    return;
  std::vector<clang::FixItHint> Hints;
  for (const FixIt &X : F.Fixes)
    if (clang::SourceLocation B = toClangLocation(SM, X.Loc); B.isValid())
      Hints.push_back(clang::FixItHint::CreateReplacement(
          clang::CharSourceRange::getCharRange(B, B.getLocWithOffset(X.Length)),
          X.Replacement));
  Emit(Loc, Hints);
  for (const Note &N : F.Notes)
    if (clang::SourceLocation NL = toClangLocation(SM, N.Loc); NL.isValid())
      EmitNote(NL, N.Message);
}

} // namespace torchkc
