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
//===----------------------------------------------------------------------===//
#include "torch-keycheck/Extractor.h"
#include "torch-keycheck/FindingsOutput.h"
#include "torch-keycheck/Lints.h"
#include "torch-keycheck/ProjectCheck.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"

#include <algorithm>
#include <optional>
#include <tuple>

using namespace clang;

namespace {

class TorchKeyCheckConsumer : public ASTConsumer {
public:
  TorchKeyCheckConsumer(CompilerInstance &CI, torchkc::CheckFilter Enabled,
                        torchkc::CheckFilter Errors,
                        torchkc::CheckFilter NotErrors, std::string ProjectFile,
                        std::string CheckpointRoot)
      : Diags(CI.getDiagnostics()), Enabled(std::move(Enabled)),
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

  /// The findings of the unit: the source checks, and the checks against
  /// its project (load sites, goldens) when any of those is enabled.
  std::vector<torchkc::Finding> findingsOf(ASTContext &Ctx) {
    const SourceManager &SM = Ctx.getSourceManager();
    OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID());
    bool ProjectChecks = Enabled.matches("torch-golden-drift") ||
                         Enabled.matches("torch-checkpoint-*");
    std::vector<torchkc::Finding> Found;
    std::string Error;
    std::optional<torchkc::Project> Project;
    if (ProjectChecks && Main)
      Project = torchkc::projectFor(ProjectFile, Main->getName().str(), Error);
    torchkc::extractRegistrationGraph(Ctx, [&](torchkc::RegistrationGraph &TU) {
      Found = torchkc::lintGraph(TU);
      if (ProjectChecks && Error.empty())
        for (torchkc::Finding &F : torchkc::checkAgainstProject(
                 TU, {Project ? &*Project : nullptr, CheckpointRoot}, Error))
          Found.push_back(std::move(F));
    });
    // A broken project file or checkpoint: said once, at the unit's start.
    if (!Error.empty() && Main)
      Found.push_back({"torch-golden-drift",
                       torchkc::Severity::Warning,
                       {Main->getName().str(), 1, 1},
                       Error,
                       {}});
    std::stable_sort(Found.begin(), Found.end(),
                     [](const torchkc::Finding &A, const torchkc::Finding &B) {
                       return std::tie(A.Loc.File, A.Loc.Line, A.Loc.Column) <
                              std::tie(B.Loc.File, B.Loc.Line, B.Loc.Column);
                     });
    return Found;
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    // A unit that did not compile has an incomplete AST; its errors are
    // what the user needs to see.
    if (Diags.hasErrorOccurred() || Diags.getIgnoreAllWarnings())
      return;
    const SourceManager &SM = Ctx.getSourceManager();
    torchkc::SourceLines Lines;
    for (const torchkc::Finding &F : findingsOf(Ctx)) {
      if (!Enabled.matches(F.Check) || torchkc::isSuppressed(F, Lines))
        continue;
      SourceLocation Loc = torchkc::toClangLocation(SM, F.Loc);
      if (Loc.isInvalid())
        continue;
      // Custom diagnostics are outside clang's warning groups, so -Werror
      // does not map them: the plugin applies it, and the per-check
      // arguments.
      bool AsError = Errors.matches(F.Check) || (Diags.getWarningsAsErrors() &&
                                                 !NotErrors.matches(F.Check));
      unsigned ID = F.Level == torchkc::Severity::Remark ? RemarkID
                    : AsError                            ? ErrorID
                                                         : WarningID;
      Diags.Report(Loc, ID) << F.Message << F.Check;
      for (const torchkc::Note &N : F.Notes)
        if (SourceLocation NL = torchkc::toClangLocation(SM, N.Loc);
            NL.isValid())
          Diags.Report(NL, NoteID) << N.Message;
    }
  }

private:
  DiagnosticsEngine &Diags;
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
