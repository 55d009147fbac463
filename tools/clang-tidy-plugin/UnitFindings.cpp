//===- UnitFindings.cpp - What torch-keycheck finds in a unit -------------===//
#include "UnitFindings.h"

#include "ParsedUnit.h"

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
  O.Context = Context;
  return O;
}

const std::vector<Finding> &findingsOf(clang::ASTContext &Ctx,
                                       const UnitOptions &Opts) {
  // Keyed by the context, the main file and the options: a later unit's
  // context may reuse an address, and checks may be configured apart.
  static const clang::ASTContext *CachedCtx = nullptr;
  static std::string CachedMain;
  static std::optional<UnitOptions> CachedOpts;
  static std::vector<Finding> Result;
  const clang::SourceManager &SM = Ctx.getSourceManager();
  clang::OptionalFileEntryRef Main =
      SM.getFileEntryRefForID(SM.getMainFileID());
  std::string MainFile = Main ? Main->getName().str() : std::string();
  if (CachedCtx == &Ctx && CachedMain == MainFile && CachedOpts == Opts)
    return Result;
  CachedCtx = &Ctx;
  CachedMain = MainFile;
  CachedOpts = Opts;
  clang::tidy::ClangTidyContext *Context = Opts.Context;
  Result = findingsOfParsedUnit(
      Ctx, {Opts.ProjectFile, Opts.CheckpointRoot, [Context](CheckId C) {
              return Context->isCheckEnabled(checkName(C));
            }});
  return Result;
}

} // namespace tidy
} // namespace torchkc
