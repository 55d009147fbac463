//===- Driver.cpp - What the analysis commands share ----------------------===//
#include "Driver.h"

#include "PreambleCache.h"

#include "torch-keycheck/cache/ResultCache.h"
#include "torch-keycheck/extract/Extractor.h"
#include "torch-keycheck/keys/Configurations.h"
#include "torch-keycheck/support/Files.h"

#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/thread.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

using namespace llvm;
using namespace clang::tooling;

namespace torchkc {
namespace cli {

int error(const Twine &Msg) {
  errs() << "torch-keycheck: error: " << Msg << "\n";
  return ToolError;
}

void warnCacheNotWritten(const Twine &Why) {
  static std::once_flag Warned;
  std::string Text = Why.str();
  std::call_once(Warned, [&] {
    errs() << "torch-keycheck: warning: cannot write to the cache (" << Text
           << "); going on without it\n";
  });
}

/// The compilation database: `--` flags, `-p`, one found above the first
/// source, or defaults for a LibTorch project.
static std::unique_ptr<CompilationDatabase>
compilationDatabase(std::unique_ptr<FixedCompilationDatabase> Fixed,
                    std::string &Error) {
  if (Fixed)
    return Fixed;
  // Clang's loaders read whatever has the name, and a FIFO blocks them
  // forever: a database file that is there must be a regular file.
  auto NotRegular = [&](StringRef Dir) {
    for (const char *Name : {"compile_commands.json", "compile_flags.txt"}) {
      SmallString<256> Path(Dir);
      sys::path::append(Path, Name);
      if (!sys::fs::exists(Path))
        continue;
      std::string Problem = regularFileProblem(std::string(Path));
      if (!Problem.empty()) {
        Error = std::string(Path) + ": " + Problem;
        return true;
      }
    }
    return false;
  };
  if (!BuildPath.empty()) {
    if (NotRegular(BuildPath))
      return nullptr;
    std::string Detail;
    auto DB = CompilationDatabase::loadFromDirectory(BuildPath, Detail);
    if (!DB) {
      // A database that is there but does not parse says why.
      SmallString<256> Path(BuildPath);
      sys::path::append(Path, "compile_commands.json");
      // The JSON reader's own word, of those of every format tried.
      StringRef Why = Detail;
      size_t At = Why.find("json-compilation-database: ");
      if (At != StringRef::npos)
        Why = Why.substr(At + strlen("json-compilation-database: "));
      Why = Why.take_until([](char C) { return C == '\n'; });
      Error = sys::fs::exists(Path)
                  ? std::string(Path) + ": not a compilation database: " +
                        Why.str()
                  : "no compile_commands.json in '" + BuildPath + "'";
    }
    return DB;
  }
  SmallString<256> Abs(Sources.front());
  sys::fs::make_absolute(Abs);
  for (StringRef Dir = sys::path::parent_path(Abs); !Dir.empty();
       Dir = sys::path::parent_path(Dir))
    if (NotRegular(Dir))
      return nullptr;
  std::string Ignored;
  if (auto DB = CompilationDatabase::autoDetectFromSource(Abs, Ignored))
    return DB;
  std::vector<std::string> Flags = {"-std=c++17"};
  SmallVector<StringRef, 4> Dirs;
  StringRef(TORCHKC_LIBTORCH_INCLUDE_DIRS).split(Dirs, ';', -1, false);
  for (StringRef Dir : Dirs)
    Flags.push_back("-isystem" + Dir.str());
  return std::make_unique<FixedCompilationDatabase>(".", Flags);
}

static bool hasFlag(const CommandLineArguments &Args, StringRef Prefix) {
  for (const std::string &A : Args)
    if (StringRef(A).starts_with(Prefix))
      return true;
  return false;
}

std::unique_ptr<CompilationDatabase>
parseCommandLine(int Argc, const char **Argv, const char *Overview,
                 ArrayRef<const cl::OptionCategory *> Categories,
                 ArrayRef<StringRef> Formats) {
  std::string FixedError;
  std::unique_ptr<FixedCompilationDatabase> Fixed =
      FixedCompilationDatabase::loadFromCommandLine(Argc, Argv, FixedError);
  if (!FixedError.empty()) {
    // The driver's message carries its own "error: ".
    StringRef Message = StringRef(FixedError).trim();
    Message.consume_front("error: ");
    error(Message);
    return nullptr;
  }
  cl::HideUnrelatedOptions(Categories);
  cl::SetVersionPrinter(
      [](raw_ostream &OS) { OS << "torch-keycheck " TORCHKC_VERSION "\n"; });
  // LLVM's parser takes any option starting with -h for -h (--help) and
  // prints the usage with exit 0: a clang-tidy flag we lack
  // (--header-filter) would pass CI silently.
  for (int I = 1; I < Argc && StringRef(Argv[I]) != "--"; ++I) {
    StringRef A = StringRef(Argv[I]).split('=').first;
    StringRef Name = A.starts_with("--") ? A.drop_front(2) : A.drop_front(1);
    if (A.starts_with("-") && Name.starts_with("h") && Name != "h" &&
        !cl::getRegisteredOptions().count(Name)) {
      error("unknown option '" + A.str() + "' (see --help)");
      return nullptr;
    }
  }
  if (!cl::ParseCommandLineOptions(Argc, Argv, Overview, &errs()))
    return nullptr;
  if (Format.getNumOccurrences() && !llvm::is_contained(Formats, Format)) {
    std::string Expected;
    for (size_t I = 0; I < Formats.size(); ++I)
      Expected += (I == 0 ? "" : I + 1 == Formats.size() ? " or " : ", ") +
                  Formats[I].str();
    error("unknown --format '" + Format + "' (expected " + Expected + ")");
    return nullptr;
  }
  // Answered from the configuration alone.
  if (ListChecks || DumpConfig || ExplainConfig)
    return nullptr;
  if (Jobs == 0)
    Jobs = std::max(1u, llvm::hardware_concurrency().compute_thread_count());
  if (MaxIterations == 0 || MaxSteps == 0 || MaxSeconds == 0) {
    error("--max-iterations, --max-steps and --max-seconds need at least 1");
    return nullptr;
  }
  interpreterBudget() = {MaxIterations, MaxSteps, MaxSeconds};
  if (Sources.empty() && BuildPath.empty()) {
    error("no source files given (name them, or give -p DIR to analyse "
          "every file of DIR/compile_commands.json)");
    return nullptr;
  }
  for (const std::string &S : Sources)
    if (!sys::fs::exists(S)) {
      error(S + ": no such file");
      return nullptr;
    }
  std::string DBError;
  std::unique_ptr<CompilationDatabase> DB =
      compilationDatabase(std::move(Fixed), DBError);
  if (!DB) {
    error(DBError);
    return nullptr;
  }
  // As clang-tidy's: added to every command, after the compiler's name or
  // at the end, so a flag can be added without replacing the database.
  if (!ExtraArgsBefore.empty() || !ExtraArgs.empty()) {
    auto Adjusting =
        std::make_unique<ArgumentsAdjustingCompilations>(std::move(DB));
    Adjusting->appendArgumentsAdjuster(getInsertArgumentAdjuster(
        std::vector<std::string>(ExtraArgsBefore.begin(),
                                 ExtraArgsBefore.end()),
        ArgumentInsertPosition::BEGIN));
    Adjusting->appendArgumentsAdjuster(getInsertArgumentAdjuster(
        std::vector<std::string>(ExtraArgs.begin(), ExtraArgs.end()),
        ArgumentInsertPosition::END));
    DB = std::move(Adjusting);
  }
  Files.assign(Sources.begin(), Sources.end());
  if (Files.empty()) {
    Files = DB->getAllFiles();
    if (Files.empty()) {
      error("'" + BuildPath + "/compile_commands.json' lists no files");
      return nullptr;
    }
  }
  // Every file must have a command, run from a directory that exists
  // (clang's tooling would skip the file, or end the process with "LLVM
  // ERROR: Cannot chdir").
  for (const std::string &F : Files) {
    std::vector<CompileCommand> Commands = DB->getCompileCommands(F);
    if (Commands.empty()) {
      error(F + ": not in " +
            (BuildPath.empty() ? std::string("the compilation database")
                               : "'" + BuildPath + "/compile_commands.json'"));
      return nullptr;
    }
    for (const CompileCommand &C : Commands)
      if (!C.Directory.empty() && !sys::fs::is_directory(C.Directory)) {
        error(F + ": its compile command runs in '" + C.Directory +
              "', which is not a directory");
        return nullptr;
      }
  }
  return DB;
}

std::unique_ptr<ClangTool> newTool(CompilationDatabase &DB,
                                   const std::string &File,
                                   IntrusiveRefCntPtr<vfs::FileSystem> Base) {
  // Each tool gets a file system with a working directory of its own:
  // ClangTool moves to each compile command's directory, and the process's
  // shared one moved under the other units of `-j 2` (a relative source
  // name was then looked up in the build directory).
  IntrusiveRefCntPtr<vfs::FileSystem> FS(
      vfs::createPhysicalFileSystem().release());
  if (Base) {
    // Overlays keep one working directory for all their layers: the
    // physical layer is this tool's own, the buffers' absolute.
    auto Over = makeIntrusiveRefCnt<vfs::OverlayFileSystem>(FS);
    Over->pushOverlay(Base);
    FS = Over;
  }
  auto Tool = std::make_unique<ClangTool>(
      DB, ArrayRef<std::string>(File),
      std::make_shared<clang::PCHContainerOperations>(), FS);
  // Clang needs its own headers (stddef.h, ...) next to the binary it runs
  // from; an out-of-tree tool must point at them.
  Tool->appendArgumentsAdjuster(
      [](const CommandLineArguments &Args, StringRef File) {
        CommandLineArguments R = Args;
        // Model classes often live in headers, which the driver would take
        // for C; a header given on the command line is C++.
        StringRef Ext = sys::path::extension(File);
        if ((Ext == ".h" || Ext == ".hh" || Ext == ".hpp" || Ext == ".hxx") &&
            !hasFlag(Args, "-x") && !R.empty())
          R.insert(R.begin() + 1, {"-x", "c++-header"});
        // Flags go before a `--` that ends the options (commands inferred
        // from a compilation database for a file it lacks end in one).
        auto End = std::find(R.begin(), R.end(), "--");
        if (!hasFlag(Args, "-resource-dir"))
          End = R.insert(End, "-resource-dir=" TORCHKC_CLANG_RESOURCE_DIR) + 1;
        // Warnings about the user's code are the compiler's job; errors
        // still show, since they can hide registrations.
        R.insert(End, "-Wno-everything");
        return R;
      });
  return Tool;
}

const std::string &analyzerDigest() {
  static const std::string Digest = [] {
    Dl_info Info;
    if (!dladdr(reinterpret_cast<void *>(&analyzerDigest), &Info) ||
        !Info.dli_fname)
      return std::string("unknown");
    return ResultCache::fileDigest(Info.dli_fname);
  }();
  return Digest;
}

std::string unitCacheKey(CompilationDatabase &DB, const std::string &File,
                         const char *Kind) {
  SmallString<256> Abs(File);
  sys::fs::make_absolute(Abs);
  // What the interpreter may spend changes what it finds.
  const InterpreterBudget &B = interpreterBudget();
  std::string Key = "torch-keycheck " TORCHKC_VERSION " " + analyzerDigest() +
                    "\n" + Kind + "\n" + std::string(Abs) + "\nbudget " +
                    std::to_string(B.Iterations) + " " +
                    std::to_string(B.Steps) + " " +
                    std::to_string(B.Seconds) + "\n";
  for (const CompileCommand &C : DB.getCompileCommands(File)) {
    Key += C.Directory + "\n";
    for (const std::string &A : C.CommandLine)
      Key += A + "\n";
  }
  return Key;
}

namespace {

/// What one unit's parse yields.
struct ParsedUnit {
  RegistrationGraph Graph;
  std::string Diagnostics;
  int Status = 0;
};

/// Parses Files[I] into U, with its preamble's PCH when the cache has one;
/// a PCH that does not load (damaged) stops the parse before anything is
/// extracted, so it is dropped and the unit parsed as if there were none.
void parseUnit(CompilationDatabase &DB, size_t I,
               const TranslationUnitHandler &OnTU,
               const PreambleCache *Preambles, ParsedUnit &U) {
  std::optional<PreambleCache::Use> Pre =
      Preambles ? Preambles->use(DB, Files[I]) : std::nullopt;
  bool Ran = false;
  auto Parse = [&](const PreambleCache::Use *With) {
    U.Diagnostics.clear();
    raw_string_ostream OS(U.Diagnostics);
    clang::TextDiagnosticPrinter Printer(OS, new clang::DiagnosticOptions());
    std::unique_ptr<ClangTool> Tool = newTool(DB, Files[I]);
    Tool->setPrintErrorMessage(!With);
    if (With)
      loadPreamble(*Tool, *With);
    Tool->setDiagnosticConsumer(&Printer);
    auto Factory =
        newExtractionActionFactory(U.Graph, [&, I](RegistrationGraph &TU) {
          Ran = true;
          if (With)
            TU.InputFiles.insert(TU.InputFiles.end(), With->Files.begin(),
                                 With->Files.end());
          OnTU(I, TU);
        });
    U.Status = Tool->run(Factory.get());
  };
  Parse(Pre ? &*Pre : nullptr);
  if (Pre && !Ran) {
    sys::fs::remove(Pre->PCH);
    Parse(nullptr);
  }
}

} // namespace

int forEachTranslationUnit(CompilationDatabase &DB,
                           const TranslationUnitHandler &OnTU,
                           RegistrationGraph &Merged,
                           const UnitCacheHooks *Cache,
                           const PreambleCache *Preambles) {
  std::vector<ParsedUnit> Units(Files.size());
  std::atomic<size_t> Next{0};
  size_t Done = 0;
  std::mutex Progress;
  bool ShowProgress =
      Files.size() > 1 && sys::Process::StandardErrIsDisplayed();
  auto Work = [&] {
    for (size_t I; (I = Next++) < Files.size();) {
      ParsedUnit &U = Units[I];
      if (!Cache || !Cache->Restore(I, U.Diagnostics, U.Status)) {
        parseUnit(DB, I, OnTU, Preambles, U);
        if (Cache)
          Cache->Parsed(I, U.Diagnostics, U.Status);
      }
      if (ShowProgress) {
        std::lock_guard<std::mutex> Lock(Progress);
        errs() << "\r\033[K[" << ++Done << "/" << Files.size() << "] "
               << Files[I];
        errs().flush();
      }
    }
  };
  unsigned Threads = std::min<size_t>(Jobs, Files.size());
  std::vector<llvm::thread> Pool;
  // Clang's parser recurses deeply: give workers the main thread's stack.
  for (unsigned T = 1; T < Threads; ++T)
    Pool.emplace_back(std::optional<unsigned>(8u << 20), Work);
  Work();
  for (llvm::thread &T : Pool)
    T.join();
  if (ShowProgress)
    errs() << "\r\033[K";

  int Status = 0;
  for (ParsedUnit &U : Units) {
    errs() << U.Diagnostics;
    Status |= U.Status;
    Merged.merge(std::move(U.Graph));
  }
  return Status;
}

std::string currentDir() {
  SmallString<256> Cwd;
  sys::fs::current_path(Cwd);
  return std::string(Cwd);
}

const char *const NotCompiled =
    "the sources did not compile cleanly; what was extracted from what "
    "could be parsed may be incomplete";

std::string cacheDir() {
  if (NoCache)
    return "";
  return CacheDir.empty() ? ResultCache::defaultDir() : std::string(CacheDir);
}

std::string shownPath(const std::string &Path) {
  std::string Cwd = currentDir() + "/";
  return StringRef(Path).starts_with(Cwd) ? Path.substr(Cwd.size()) : Path;
}

bool parseDefines(Bindings &Out) {
  for (const std::string &D : Defines) {
    std::string Name;
    SymExprPtr Value;
    if (!parseDefine(D, Name, Value)) {
      error("--define '" + D + "' is not of the form name=value");
      return false;
    }
    Out[Name] = Value;
  }
  return true;
}

int classNotFound(const std::string &Class, const RegistrationGraph &Graph,
                  bool ListKnown) {
  bool Ambiguous = false;
  Graph.find(Class, &Ambiguous);
  std::string Known;
  if (ListKnown)
    for (const ModuleClass &K : Graph.Classes)
      Known += (Known.empty() ? "" : ", ") + K.Name;
  return error("class '" + Class + "' " +
               (Ambiguous ? "is ambiguous; qualify it"
                          : "is not a module class in the sources") +
               (Known.empty() ? "" : " (module classes: " + Known + ")"));
}

int functionNotFound(const std::string &Function,
                     const RegistrationGraph &Graph) {
  bool Ambiguous = false;
  Graph.findFunction(Function, &Ambiguous);
  std::string Known;
  for (const ModuleClass &F : Graph.Functions)
    Known += (Known.empty() ? "" : ", ") + F.Name;
  return error("function '" + Function + "' " +
               (Ambiguous ? "is ambiguous; qualify it"
                          : "is not a function returning a module in the "
                            "sources") +
               (Known.empty() ? "" : " (function models: " + Known + ")"));
}

} // namespace cli
} // namespace torchkc
