//===- TorchKeyCheckPlugin.cpp - The source checks inside a compile -------===//
//
// `clang++-19 -fplugin=libTorchKeyCheckPlugin.so ...` runs the source
// checks after the normal compile of each translation unit and reports
// them as warnings (errors under -Werror; none under -w), with notes;
// NOLINT comments suppress as in the CLI. It only reads the AST: code
// generation is unchanged.
//
// Beside the source checks, it judges the unit's torch::load calls against
// the checkpoints they name and the project's models against their golden
// manifests, as `torch-keycheck check` does (docs/project.md).
//
//   -fplugin-arg-torchkeycheck-checks=GLOBS  which checks (default torch-*)
//   -fplugin-arg-torchkeycheck-project=FILE  the project file (default: the
//                           nearest .torch-keycheck.json above the source)
//   -fplugin-arg-torchkeycheck-checkpoint-root=DIR
//                           where relative torch::load paths are looked up
//   -fplugin-arg-torchkeycheck-warnings-as-errors=GLOBS
//                           these checks' warnings are errors in any build
//   -fplugin-arg-torchkeycheck-no-warnings-as-errors=GLOBS
//                           these stay warnings under -Werror
//
// The last two are what -Werror=/-Wno-error= would be: clang maps no
// warning group to a plugin's diagnostics, so `-Wno-error=torch-...` would
// only draw "unknown warning option".
//
// With -MD/-MMD, the files the verdicts came from (the project file, the
// goldens, the checkpoints at load sites) are in the dependency file, so
// make and ninja compile the unit again when one changes.
//
//===----------------------------------------------------------------------===//
#include "ParsedUnit.h"

#include "torch-keycheck/output/FindingsOutput.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;

namespace {

/// Makes the compile's dependency file (-MD, -MMD) list Files. Clang
/// writes it at the end of the source file, after consumers saw the AST,
/// from what its preprocessor callbacks were told: each file is told as a
/// `__has_include` that found it would tell it (too late for
/// DependencyOutputOptions::ExtraDeps, read when the preprocessor was
/// made).
void addDependencies(Preprocessor &PP, const std::vector<std::string> &Files) {
  PPCallbacks *Callbacks = PP.getPPCallbacks();
  if (!Callbacks)
    return;
  for (const std::string &F : Files)
    if (OptionalFileEntryRef File = PP.getFileManager().getOptionalFileRef(F))
      Callbacks->HasInclude(SourceLocation(), F, /*IsAngled=*/false, File,
                            SrcMgr::C_User);
}

class TorchKeyCheckConsumer : public ASTConsumer {
public:
  TorchKeyCheckConsumer(CompilerInstance &CI, torchkc::CheckFilter Enabled,
                        torchkc::CheckFilter Errors,
                        torchkc::CheckFilter NotErrors, std::string ProjectFile,
                        std::string CheckpointRoot)
      : Diags(CI.getDiagnostics()), PP(CI.getPreprocessor()),
        WritesDependencies(!CI.getDependencyOutputOpts().OutputFile.empty()),
        Enabled(std::move(Enabled)),
        Errors(std::move(Errors)), NotErrors(std::move(NotErrors)),
        ProjectFile(std::move(ProjectFile)),
        CheckpointRoot(std::move(CheckpointRoot)) {
    // Created once: a warning and its notes, the check named as
    // clang-tidy names it.
    WarningID = Diags.getCustomDiagID(DiagnosticsEngine::Warning, "%0 [%1]");
    ErrorID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0 [%1]");
    NoteID = Diags.getCustomDiagID(DiagnosticsEngine::Note, "%0");
    RemarkID = Diags.getCustomDiagID(DiagnosticsEngine::Remark, "%0 [%1]");
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    // A unit that did not compile has an incomplete AST; its errors are
    // what the user needs to see.
    if (Diags.hasErrorOccurred() || Diags.getIgnoreAllWarnings())
      return;
    const SourceManager &SM = Ctx.getSourceManager();
    torchkc::SourceLines Lines;
    torchkc::ParsedUnitOptions Opts{
        ProjectFile, CheckpointRoot,
        [&](torchkc::CheckId C) { return Enabled.matches(C); }};
    std::vector<std::string> Inputs;
    std::vector<torchkc::Finding> Found =
        torchkc::findingsOfParsedUnit(Ctx, Opts, &Inputs);
    if (WritesDependencies)
      addDependencies(PP, Inputs);
    for (const torchkc::Finding &F : Found) {
      if (!Enabled.matches(F.Check) || torchkc::isSuppressed(F, Lines))
        continue;
      // Custom diagnostics are outside clang's warning groups, so -Werror
      // does not map them: the plugin applies it, and the per-check
      // arguments.
      bool AsError = Errors.matches(F.Check) || (Diags.getWarningsAsErrors() &&
                                                 !NotErrors.matches(F.Check));
      unsigned ID = F.Level == torchkc::Severity::Remark ? RemarkID
                    : AsError                            ? ErrorID
                                                         : WarningID;
      torchkc::reportFinding(
          SM, F,
          [&](SourceLocation Loc, llvm::ArrayRef<FixItHint> Hints) {
            Diags.Report(Loc, ID)
                << F.Message << torchkc::checkName(F.Check) << Hints;
          },
          [&](SourceLocation Loc, const std::string &Note) {
            Diags.Report(Loc, NoteID) << Note;
          });
    }
  }

private:
  DiagnosticsEngine &Diags;
  Preprocessor &PP;
  bool WritesDependencies;
  torchkc::CheckFilter Enabled, Errors, NotErrors;
  std::string ProjectFile, CheckpointRoot;
  unsigned WarningID, ErrorID, NoteID, RemarkID;
};

class TorchKeyCheckAction : public PluginASTAction {
protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return std::make_unique<TorchKeyCheckConsumer>(
        CI, torchkc::CheckFilter(Checks),
        torchkc::CheckFilter(WarningsAsErrors),
        torchkc::CheckFilter(NoWarningsAsErrors), ProjectFile, CheckpointRoot);
  }

  bool ParseArgs(const CompilerInstance &CI,
                 const std::vector<std::string> &Args) override {
    for (const std::string &A : Args) {
      llvm::StringRef Arg(A);
      if (Arg.consume_front("checks=")) {
        Checks = Arg.str();
        continue;
      }
      if (Arg.consume_front("warnings-as-errors=")) {
        WarningsAsErrors = Arg.str();
        continue;
      }
      if (Arg.consume_front("no-warnings-as-errors=")) {
        NoWarningsAsErrors = Arg.str();
        continue;
      }
      if (Arg.consume_front("project=")) {
        ProjectFile = Arg.str();
        continue;
      }
      if (Arg.consume_front("checkpoint-root=")) {
        CheckpointRoot = Arg.str();
        continue;
      }
      DiagnosticsEngine &D = CI.getDiagnostics();
      D.Report(D.getCustomDiagID(DiagnosticsEngine::Error,
                                 "torchkeycheck plugin: unknown argument '%0' "
                                 "(expected checks=, warnings-as-errors=, "
                                 "no-warnings-as-errors=, project= or "
                                 "checkpoint-root=)"))
          << A;
      return false;
    }
    return true;
  }

  // Beside the compile, not instead of it.
  ActionType getActionType() override { return AddAfterMainAction; }

private:
  std::string Checks = "torch-*";
  std::string WarningsAsErrors, NoWarningsAsErrors; // none
  std::string ProjectFile, CheckpointRoot;
};

} // namespace

static FrontendPluginRegistry::Add<TorchKeyCheckAction>
    X("torchkeycheck", "report torch-keycheck's source checks");
