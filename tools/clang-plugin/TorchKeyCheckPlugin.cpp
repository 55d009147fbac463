//===- TorchKeyCheckPlugin.cpp - The source checks inside a compile -------===//
//
// `clang++-19 -fplugin=libTorchKeyCheckPlugin.so ...` runs the source
// checks after the normal compile of each translation unit and reports
// them as warnings (errors under -Werror; none under -w), with notes;
// NOLINT comments suppress as in the CLI. It only reads the AST: code
// generation is unchanged.
//
//   -fplugin-arg-torchkeycheck-checks=GLOBS  which checks (default torch-*)
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

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"

using namespace clang;

namespace {

class TorchKeyCheckConsumer : public ASTConsumer {
public:
  TorchKeyCheckConsumer(CompilerInstance &CI, torchkc::CheckFilter Enabled,
                        torchkc::CheckFilter Errors,
                        torchkc::CheckFilter NotErrors)
      : Diags(CI.getDiagnostics()), Enabled(std::move(Enabled)),
        Errors(std::move(Errors)), NotErrors(std::move(NotErrors)) {
    // Created once: a warning and its notes, the check named as
    // clang-tidy names it.
    WarningID = Diags.getCustomDiagID(DiagnosticsEngine::Warning, "%0 [%1]");
    ErrorID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0 [%1]");
    NoteID = Diags.getCustomDiagID(DiagnosticsEngine::Note, "%0");
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    // A unit that did not compile has an incomplete AST; its errors are
    // what the user needs to see.
    if (Diags.hasErrorOccurred() || Diags.getIgnoreAllWarnings())
      return;
    const SourceManager &SM = Ctx.getSourceManager();
    torchkc::SourceLines Lines;
    for (const torchkc::Finding &F :
         torchkc::lintGraph(torchkc::extractRegistrationGraph(Ctx))) {
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
      Diags.Report(Loc, AsError ? ErrorID : WarningID) << F.Message << F.Check;
      for (const torchkc::Note &N : F.Notes)
        if (SourceLocation NL = torchkc::toClangLocation(SM, N.Loc);
            NL.isValid())
          Diags.Report(NL, NoteID) << N.Message;
    }
  }

private:
  DiagnosticsEngine &Diags;
  torchkc::CheckFilter Enabled, Errors, NotErrors;
  unsigned WarningID, ErrorID, NoteID;
};

class TorchKeyCheckAction : public PluginASTAction {
protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return std::make_unique<TorchKeyCheckConsumer>(
        CI, torchkc::CheckFilter(Checks),
        torchkc::CheckFilter(WarningsAsErrors),
        torchkc::CheckFilter(NoWarningsAsErrors));
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
      DiagnosticsEngine &D = CI.getDiagnostics();
      D.Report(D.getCustomDiagID(DiagnosticsEngine::Error,
                                 "torchkeycheck plugin: unknown argument '%0' "
                                 "(expected checks=, warnings-as-errors= or "
                                 "no-warnings-as-errors=GLOBS)"))
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
};

} // namespace

static FrontendPluginRegistry::Add<TorchKeyCheckAction>
    X("torchkeycheck", "report torch-keycheck's source checks");
