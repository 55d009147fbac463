//===- Actions.cpp - The Clang actions that parse for the extractor ------===//
//
// The frontend actions the CLI runs: one that parses a unit (skipping the
// bodies of functions in LibTorch and system headers, which extraction
// never reads) and extracts it, and one that writes the PCH of a unit's
// preamble with the same bodies skipped.
//
//===----------------------------------------------------------------------===//
#include "ExtractUnit.h"
#include "TorchAst.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/FrontendActions.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Frontend/Utils.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Sema/SemaConsumer.h"
#include "clang/Serialization/ASTWriter.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

namespace torchkc {
namespace extract {
namespace {

class ExtractionConsumer : public SemaConsumer {
public:
  void InitializeSema(Sema &S) override { TheSema = &S; }
  void ForgetSema() override { TheSema = nullptr; }

  ExtractionConsumer(CompilerInstance &CI, RegistrationGraph &G,
                     const TranslationUnitCallback &OnTU)
      : SM(CI.getSourceManager()), G(G), OnTU(OnTU) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    RegistrationGraph TU;
    extractUnit(Ctx, TheSema, TU, OnTU, /*RecordInputFiles=*/true);
    G.merge(std::move(TU));
  }

  // The analysis reads the bodies of user code only. Skipping LibTorch's
  // and the system's inline function bodies roughly halves parse time;
  // skipping by header origin rather than "not the main file" keeps model
  // constructors that live in project headers.
  bool shouldSkipFunctionBody(Decl *D) override {
    return isLibraryLocation(SM, D->getLocation());
  }

private:
  const SourceManager &SM;
  RegistrationGraph &G;
  const TranslationUnitCallback &OnTU;
  Sema *TheSema = nullptr;
};

class ExtractionAction : public ASTFrontendAction {
public:
  ExtractionAction(RegistrationGraph &G, const TranslationUnitCallback &OnTU)
      : G(G), OnTU(OnTU) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef) override {
    CI.getFrontendOpts().SkipFunctionBodies = true;
    return std::make_unique<ExtractionConsumer>(CI, G, OnTU);
  }

private:
  RegistrationGraph &G;
  const TranslationUnitCallback &OnTU;
};

class ExtractionActionFactory : public tooling::FrontendActionFactory {
public:
  ExtractionActionFactory(RegistrationGraph &G, TranslationUnitCallback OnTU)
      : G(G), OnTU(std::move(OnTU)) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<ExtractionAction>(G, OnTU);
  }

private:
  RegistrationGraph &G;
  TranslationUnitCallback OnTU;
};

/// Skips the bodies the extraction would skip while a PCH is written.
class LibraryBodySkipper : public ASTConsumer {
public:
  explicit LibraryBodySkipper(const SourceManager &SM) : SM(SM) {}
  bool shouldSkipFunctionBody(Decl *D) override {
    return isLibraryLocation(SM, D->getLocation());
  }

private:
  const SourceManager &SM;
};

/// Every file a parse reads, system headers included: LibTorch's are
/// usually included as system headers, and a PCH depends on them too.
class EveryDependency : public DependencyCollector {
  bool needSystemDependencies() override { return true; }
};

/// Writes the PCH of the main file's preamble (the tool maps the main
/// file to that text): LibTorch's and the system's bodies skipped, as the
/// extraction skips them, the project's kept.
class PreambleAction : public GeneratePCHAction {
public:
  PreambleAction(std::string MainFile, std::string Text, std::string Output,
                 std::vector<std::string> &Read, std::string &WriteError)
      : MainFile(std::move(MainFile)), Text(std::move(Text)),
        Output(std::move(Output)), Read(Read), WriteError(WriteError) {}

  bool BeginInvocation(CompilerInstance &CI) override {
    CI.getFrontendOpts().SkipFunctionBodies = true;
    CI.getFrontendOpts().OutputFile = Output;
    CI.getPreprocessorOpts().GeneratePreamble = true;
    CI.getPreprocessorOpts().addRemappedFile(
        MainFile, llvm::MemoryBuffer::getMemBufferCopy(Text, MainFile).release());
    CI.getPreprocessorOpts().RetainRemappedFileBuffers = false;
    return GeneratePCHAction::BeginInvocation(CI);
  }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef InFile) override {
    Collector = std::make_shared<EveryDependency>();
    Collector->attachToPreprocessor(CI.getPreprocessor());
    // The PCH is serialized into memory and written to Output here, not
    // through clang's output stream: a write error there (a full disk) is
    // left in the stream, whose destructor then ends the process ("LLVM
    // ERROR: IO failure on output stream"), losing every finding.
    std::string Sysroot;
    if (!ComputeASTConsumerArguments(CI, Sysroot))
      return nullptr;
    const FrontendOptions &FO = CI.getFrontendOpts();
    if (!FO.RelocatablePCH)
      Sysroot.clear();
    Buffer = std::make_shared<PCHBuffer>();
    auto Writer = std::make_unique<PCHGenerator>(
        CI.getPreprocessor(), CI.getModuleCache(), Output, Sysroot, Buffer,
        FO.ModuleFileExtensions,
        CI.getPreprocessorOpts().AllowPCHWithCompilerErrors,
        FO.IncludeTimestamps, FO.BuildingImplicitModule,
        +CI.getLangOpts().CacheGeneratedPCH);
    // A multiplexed consumer skips a body only when every consumer agrees.
    std::vector<std::unique_ptr<ASTConsumer>> Consumers;
    Consumers.push_back(std::move(Writer));
    Consumers.push_back(
        std::make_unique<LibraryBodySkipper>(CI.getSourceManager()));
    return std::make_unique<MultiplexConsumer>(std::move(Consumers));
  }

  void EndSourceFileAction() override {
    GeneratePCHAction::EndSourceFileAction();
    if (Collector)
      for (const std::string &F : Collector->getDependencies())
        Read.push_back(F);
    if (!Buffer || !Buffer->IsComplete || Buffer->Data.empty()) {
      WriteError = "the preamble did not compile";
      return;
    }
    std::error_code EC;
    llvm::raw_fd_ostream Out(Output, EC);
    if (!EC) {
      Out << StringRef(Buffer->Data.data(), Buffer->Data.size());
      Out.close(); // the write's error shows here, not in a destructor
      EC = Out.error();
      Out.clear_error();
    }
    if (EC) {
      WriteError = Output + ": " + EC.message();
      llvm::sys::fs::remove(Output);
    }
  }

private:
  std::string MainFile, Text, Output;
  std::vector<std::string> &Read;
  std::string &WriteError;
  std::shared_ptr<DependencyCollector> Collector;
  std::shared_ptr<PCHBuffer> Buffer;
};

class PreambleActionFactory : public tooling::FrontendActionFactory {
public:
  PreambleActionFactory(std::string MainFile, std::string Text,
                        std::string Output, std::vector<std::string> &Read,
                        std::string &WriteError)
      : MainFile(std::move(MainFile)), Text(std::move(Text)),
        Output(std::move(Output)), Read(Read), WriteError(WriteError) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<PreambleAction>(MainFile, Text, Output, Read,
                                            WriteError);
  }

private:
  std::string MainFile, Text, Output;
  std::vector<std::string> &Read;
  std::string &WriteError;
};

} // namespace
} // namespace extract

std::unique_ptr<clang::tooling::FrontendActionFactory>
newPreambleActionFactory(const std::string &MainFile,
                         const std::string &PreambleText,
                         const std::string &Output,
                         std::vector<std::string> &Read,
                         std::string &WriteError) {
  return std::make_unique<extract::PreambleActionFactory>(
      MainFile, PreambleText, Output, Read, WriteError);
}

std::unique_ptr<clang::tooling::FrontendActionFactory>
newExtractionActionFactory(RegistrationGraph &G, TranslationUnitCallback OnTU) {
  return std::make_unique<extract::ExtractionActionFactory>(G, std::move(OnTU));
}

} // namespace torchkc
