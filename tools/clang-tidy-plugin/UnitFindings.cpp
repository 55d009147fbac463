//===- UnitFindings.cpp - What torch-keycheck finds in a unit -------------===//
#include "UnitFindings.h"

#include "torch-keycheck/Extractor.h"
#include "torch-keycheck/Lints.h"
#include "torch-keycheck/ProjectCheck.h"

#include "ClangTidyCheck.h"

#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"

#include <optional>

namespace torchkc {
namespace tidy {

UnitOptions unitOptions(llvm::StringRef CheckName,
                        clang::tidy::ClangTidyContext *Context) {
  clang::tidy::ClangTidyCheck::OptionsView Options(
      CheckName, Context->getOptions().CheckOptions, Context);
  UnitOptions O;
  O.ProjectFile = Options.getLocalOrGlobal("ProjectFile", "").str();
  O.CheckpointRoot = Options.getLocalOrGlobal("CheckpointRoot", "").str();
  for (const CheckInfo &C : allChecks())
    O.ProjectChecks |=
        isProjectCheck(C.Name) && Context->isCheckEnabled(C.Name);
  return O;
}

const UnitFindings &findingsOf(clang::ASTContext &Ctx,
                               const UnitOptions &Opts) {
  // Keyed by the context, the main file and the options: a later unit's
  // context may reuse an address, and checks may be configured apart.
  static const clang::ASTContext *CachedCtx = nullptr;
  static std::string CachedMain;
  static std::optional<UnitOptions> CachedOpts;
  static UnitFindings Result;
  const clang::SourceManager &SM = Ctx.getSourceManager();
  clang::OptionalFileEntryRef Main =
      SM.getFileEntryRefForID(SM.getMainFileID());
  std::string MainFile = Main ? Main->getName().str() : std::string();
  if (CachedCtx == &Ctx && CachedMain == MainFile && CachedOpts == Opts)
    return Result;
  CachedCtx = &Ctx;
  CachedMain = MainFile;
  CachedOpts = Opts;
  Result = UnitFindings();

  std::optional<Project> P;
  if (Opts.ProjectChecks && !MainFile.empty())
    P = projectFor(Opts.ProjectFile, MainFile, Result.ProjectError);
  extractRegistrationGraph(Ctx, [&](RegistrationGraph &TU) {
    Result.Findings = lintGraph(TU);
    if (Opts.ProjectChecks && Result.ProjectError.empty())
      for (Finding &F :
           checkAgainstProject(TU, {P ? &*P : nullptr, Opts.CheckpointRoot},
                               Result.ProjectError))
        Result.Findings.push_back(std::move(F));
  });
  return Result;
}

} // namespace tidy
} // namespace torchkc
