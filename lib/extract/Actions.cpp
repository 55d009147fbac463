//===- Actions.cpp - The Clang actions that parse for the extractor ------===//
//
// The frontend actions the CLI runs: one that parses a unit (skipping the
// bodies of functions in LibTorch and system headers, which extraction
// never reads) and extracts it, and one that writes the PCH of a unit's
// leading directives with the same bodies skipped.
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
#include "clang/Lex/HeaderSearch.h"
#include "clang/Lex/HeaderSearchOptions.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Sema/SemaConsumer.h"
#include "clang/Serialization/ASTWriter.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <set>

namespace torchkc {
namespace extract {
namespace {

/// The paths each #include looked at before the header it found: next to
/// the including file (for a quoted name) and in the project's earlier
/// include directories, and the project's include directories that do not
/// exist. None
/// existed; a header created at one later would be read instead, so a
/// cached result depends on their staying absent.
class IncludeLookups : public PPCallbacks {
public:
  IncludeLookups(const CompilerInstance &CI, std::vector<std::string> &Absent)
      : PP(CI.getPreprocessor()), FM(CI.getFileManager()), Absent(Absent) {
    // A directory of the include path that does not exist is left out of
    // the search; created later, it is searched: it counts as absent.
    for (const HeaderSearchOptions::Entry &E :
         CI.getHeaderSearchOpts().UserEntries)
      if ((E.Group == frontend::Quoted || E.Group == frontend::Angled) &&
          !E.Path.empty() && !exists(E.Path) &&
          Seen.insert(absolute(E.Path)).second)
        Absent.push_back(absolute(E.Path));
  }

  void InclusionDirective(SourceLocation HashLoc, const Token &IncludeTok,
                          StringRef FileName, bool IsAngled, CharSourceRange,
                          OptionalFileEntryRef File, StringRef SearchPath,
                          StringRef, const Module *, bool,
                          SrcMgr::CharacteristicKind) override {
    // #include_next and #import start elsewhere; an absolute name is not
    // looked up.
    if (!File || IncludeTok.getIdentifierInfo()->getPPKeywordID() !=
                     tok::pp_include ||
        llvm::sys::path::is_absolute(FileName))
      return;
    std::string Found = absolute(SearchPath);
    const SourceManager &SM = PP.getSourceManager();
    const HeaderSearch &HS = PP.getHeaderSearchInfo();
    std::vector<std::string> Tried;
    if (!IsAngled)
      if (OptionalFileEntryRef Includer = SM.getFileEntryRefForID(
              SM.getFileID(SM.getExpansionLoc(HashLoc))))
        Tried.push_back(absolute(Includer->getDir().getName()));
    // The project's own directories (-iquote, -I), not the system's: a
    // header appears there as the project grows, where a system directory
    // changes with a package, which changes the headers read too.
    for (auto It = IsAngled ? HS.angled_dir_begin() : HS.search_dir_begin();
         It != HS.angled_dir_end(); ++It) {
      // A header map or a framework: the order cannot be read off here.
      if (!It->isNormalDir())
        return;
      Tried.push_back(absolute(It->getDirRef()->getName()));
    }
    // Found in a system directory: every project directory was tried.
    if (std::find(Tried.begin(), Tried.end(), Found) == Tried.end())
      Tried.push_back(Found);
    auto Where = std::find(Tried.begin(), Tried.end(), Found);
    for (auto It = Tried.begin(); It != Where; ++It) {
      llvm::SmallString<256> P(*It);
      llvm::sys::path::append(P, FileName);
      llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
      if (Seen.insert(std::string(P)).second && !exists(P))
        Absent.push_back(std::string(P));
    }
  }

private:
  // Through the unit's file system: its working directory is the compile
  // command's, not the process's (units of -j 2 run side by side).
  std::string absolute(StringRef Dir) const {
    llvm::SmallString<256> P(Dir);
    FM.makeAbsolutePath(P);
    llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
    return std::string(P);
  }
  bool exists(StringRef Path) const {
    return FM.getVirtualFileSystem().exists(Path);
  }
  const Preprocessor &PP;
  FileManager &FM;
  std::vector<std::string> &Absent;
  std::set<std::string> Seen;
};

class ExtractionConsumer : public SemaConsumer {
public:
  void InitializeSema(Sema &S) override { TheSema = &S; }
  void ForgetSema() override { TheSema = nullptr; }

  ExtractionConsumer(CompilerInstance &CI, RegistrationGraph &G,
                     const TranslationUnitCallback &OnTU)
      : SM(CI.getSourceManager()), G(G), OnTU(OnTU) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    RegistrationGraph TU;
    TU.InputFiles = std::move(Absent);
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

  /// Where the unit's #includes looked and found nothing.
  std::vector<std::string> Absent;

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
    auto Consumer = std::make_unique<ExtractionConsumer>(CI, G, OnTU);
    CI.getPreprocessor().addPPCallbacks(
        std::make_unique<IncludeLookups>(CI, Consumer->Absent));
    return Consumer;
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

/// Watches what a prefix PCH's parse does that would make it stand badly
/// for the prefix when a unit runs its directives again with it loaded.
class PrefixWatch : public PPCallbacks {
public:
  PrefixWatch(const Preprocessor &PP, const std::vector<std::string> &Guards,
              std::string &Refused)
      : PP(PP), SM(PP.getSourceManager()), Guards(Guards), Refused(Refused) {}

  /// The headers the prefix names itself (or -include names): the unit's
  /// own #include of one must be skipped by its guard.
  std::vector<FileEntryRef> Direct;
  /// The macros the prefix defines: a header must not change them after.
  std::vector<std::string> DefinedHere;

  void InclusionDirective(SourceLocation HashLoc, const Token &, StringRef,
                          bool, CharSourceRange, OptionalFileEntryRef File,
                          StringRef, StringRef, const Module *, bool,
                          SrcMgr::CharacteristicKind) override {
    FileID FID = SM.getFileID(SM.getExpansionLoc(HashLoc));
    if (File && (FID == SM.getMainFileID() || FID == PP.getPredefinesFileID()))
      Direct.push_back(*File);
  }
  void MacroDefined(const Token &Name, const MacroDirective *) override {
    if (SM.isInMainFile(SM.getExpansionLoc(Name.getLocation())))
      DefinedHere.push_back(Name.getIdentifierInfo()->getName().str());
    else
      guardRead(Name);
  }
  // The unit's own include guard is left out of the prefix: the PCH must
  // not depend on whether it is defined.
  void Ifdef(SourceLocation, const Token &Name, const MacroDefinition &) override {
    guardRead(Name);
  }
  void Ifndef(SourceLocation, const Token &Name,
              const MacroDefinition &) override {
    guardRead(Name);
  }
  void Defined(const Token &Name, const MacroDefinition &,
               SourceRange) override {
    guardRead(Name);
  }
  void MacroExpands(const Token &Name, const MacroDefinition &, SourceRange,
                    const MacroArgs *) override {
    guardRead(Name);
  }
  void MacroUndefined(const Token &Name, const MacroDefinition &,
                      const MacroDirective *) override {
    guardRead(Name);
  }

private:
  void guardRead(const Token &Name) {
    if (const IdentifierInfo *II = Name.getIdentifierInfo())
      for (const std::string &G : Guards)
        if (II->getName() == G && Refused.empty())
          Refused = "a header reads the unit's include guard " + G;
  }

  const Preprocessor &PP;
  const SourceManager &SM;
  const std::vector<std::string> &Guards;
  std::string &Refused;
};

/// Writes the PCH of a preamble prefix (the tool maps the main file to the
/// prefix's directives): LibTorch's and the system's bodies skipped, as the
/// extraction skips them, the project's kept.
class PrefixAction : public GeneratePCHAction {
public:
  PrefixAction(std::string MainFile, const PreamblePrefix &Prefix,
               std::string Output, PrefixPCHResult &Result)
      : MainFile(std::move(MainFile)), Prefix(Prefix),
        Output(std::move(Output)), Result(Result) {}

  bool BeginInvocation(CompilerInstance &CI) override {
    CI.getFrontendOpts().SkipFunctionBodies = true;
    CI.getFrontendOpts().OutputFile = Output;
    CI.getPreprocessorOpts().addRemappedFile(
        MainFile,
        llvm::MemoryBuffer::getMemBufferCopy(Prefix.Text, MainFile).release());
    CI.getPreprocessorOpts().RetainRemappedFileBuffers = false;
    return GeneratePCHAction::BeginInvocation(CI);
  }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef InFile) override {
    Collector = std::make_shared<EveryDependency>();
    Collector->attachToPreprocessor(CI.getPreprocessor());
    auto Watch = std::make_unique<PrefixWatch>(CI.getPreprocessor(),
                                               Prefix.Guards, Result.Refused);
    Watched = Watch.get();
    CI.getPreprocessor().addPPCallbacks(std::move(Watch));
    CI.getPreprocessor().addPPCallbacks(
        std::make_unique<IncludeLookups>(CI, Result.Read));
    PP = &CI.getPreprocessor();
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
    // Checked while the preprocessor still holds what it read: a header
    // the unit includes again must be skipped by its guard, and each macro
    // the prefix defines must end with the prefix's definition.
    if (Watched && PP && Result.Refused.empty()) {
      HeaderSearch &HS = PP->getHeaderSearchInfo();
      for (FileEntryRef F : Watched->Direct)
        if (!HS.isFileMultipleIncludeGuarded(F)) {
          Result.Refused = F.getName().str() + " has no include guard";
          break;
        }
      for (const std::string &M : Watched->DefinedHere) {
        if (!Result.Refused.empty())
          break;
        const MacroDirective *MD =
            PP->getLocalMacroDirectiveHistory(PP->getIdentifierInfo(M));
        SourceManager &SM = PP->getSourceManager();
        if (!MD || !isa<DefMacroDirective>(MD) ||
            !SM.isInMainFile(SM.getExpansionLoc(MD->getLocation())))
          Result.Refused = "a header redefines " + M;
      }
    }
    GeneratePCHAction::EndSourceFileAction();
    if (Collector)
      for (const std::string &F : Collector->getDependencies())
        Result.Read.push_back(F);
    if (!Result.Refused.empty())
      return;
    if (!Buffer || !Buffer->IsComplete || Buffer->Data.empty()) {
      Result.Refused = "the preamble did not compile";
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
      Result.WriteError = Output + ": " + EC.message();
      llvm::sys::fs::remove(Output);
    }
  }

private:
  std::string MainFile;
  const PreamblePrefix &Prefix;
  std::string Output;
  PrefixPCHResult &Result;
  std::shared_ptr<DependencyCollector> Collector;
  std::shared_ptr<PCHBuffer> Buffer;
  PrefixWatch *Watched = nullptr;
  Preprocessor *PP = nullptr;
};

class PrefixActionFactory : public tooling::FrontendActionFactory {
public:
  PrefixActionFactory(std::string MainFile, const PreamblePrefix &Prefix,
                      std::string Output, PrefixPCHResult &Result)
      : MainFile(std::move(MainFile)), Prefix(Prefix),
        Output(std::move(Output)), Result(Result) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<PrefixAction>(MainFile, Prefix, Output, Result);
  }

private:
  std::string MainFile;
  const PreamblePrefix &Prefix;
  std::string Output;
  PrefixPCHResult &Result;
};

} // namespace
} // namespace extract

std::unique_ptr<clang::tooling::FrontendActionFactory>
newPrefixPCHActionFactory(const std::string &MainFile,
                          const PreamblePrefix &Prefix,
                          const std::string &Output, PrefixPCHResult &Result) {
  return std::make_unique<extract::PrefixActionFactory>(MainFile, Prefix,
                                                        Output, Result);
}

std::unique_ptr<clang::tooling::FrontendActionFactory>
newExtractionActionFactory(RegistrationGraph &G, TranslationUnitCallback OnTU) {
  return std::make_unique<extract::ExtractionActionFactory>(G, std::move(OnTU));
}

} // namespace torchkc
