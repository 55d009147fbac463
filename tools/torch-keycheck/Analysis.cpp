//===- Analysis.cpp - The commands that parse C++ -------------------------===//
//
// The `keys` and `check` commands, built into a module that main.cpp loads only
// when a command needs Clang: loading LLVM and Clang costs ~80 ms and ~60 MiB,
// which `manifest` and `--version` should not pay. Compilation flags come,
// as for clang-tidy and clang-check, from a compile_commands.json (`-p
// DIR`, or found above the first source), from flags after `--`, or else
// from defaults that find LibTorch's headers. Translation units are parsed
// in parallel (-j) and what each yields is merged in the order the sources
// were given, so the output does not depend on scheduling.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/Compare.h"
#include "torch-keycheck/Configurations.h"
#include "torch-keycheck/Extractor.h"
#include "torch-keycheck/FindingsOutput.h"
#include "torch-keycheck/Golden.h"
#include "torch-keycheck/KeySet.h"
#include "torch-keycheck/KeysOutput.h"
#include "torch-keycheck/Lints.h"
#include "torch-keycheck/Project.h"
#include "torch-keycheck/ProjectCheck.h"
#include "torch-keycheck/ResultCache.h"

#include "clang/Basic/LangOptions.h"
#include "clang/Frontend/PrecompiledPreamble.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

#include <nlohmann/json.hpp>

#include <dlfcn.h>
#include <utime.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace llvm;
using namespace clang::tooling;

namespace {

/// Exit codes shared by every command.
enum ExitCode { Success = 0, Findings = 1, ToolError = 2 };

cl::OptionCategory Category("torch-keycheck options");

cl::list<std::string> Sources(cl::Positional, cl::desc("<source>..."),
                              cl::cat(Category));
cl::opt<std::string>
    BuildPath("p", cl::desc("Build directory holding compile_commands.json"),
              cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string>
    ClassName("class",
              cl::desc("Model class to analyse (Impl or holder "
                       "name, qualified or not)"),
              cl::value_desc("name"), cl::cat(Category));
cl::list<std::string> Defines("define",
                              cl::desc("Value of a constructor parameter"),
                              cl::value_desc("name=value"), cl::cat(Category));
cl::opt<std::string> ConfigurationsFile(
    "configurations",
    cl::desc(
        "JSON file listing classes and configurations to analyse in one parse"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<unsigned>
    Jobs("j", cl::desc("Translation units to parse at a time (default: 1)"),
         cl::value_desc("n"), cl::init(1), cl::cat(Category));
cl::opt<std::string>
    ProjectFile("project",
                cl::desc("Project file (default: the nearest " +
                         std::string(torchkc::ProjectFileName) +
                         " at or above the first source)"),
                cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> Format("format",
                            cl::desc("Output format: text or json (check: "
                                     "also sarif)"),
                            cl::init("text"), cl::cat(Category));

cl::OptionCategory CheckCategory("torch-keycheck check options");
cl::opt<std::string>
    Checks("checks",
           cl::desc("Comma-separated globs of checks to run; '-' before a "
                    "glob removes what it matches (default: torch-*)"),
           cl::init("torch-*"), cl::cat(CheckCategory));
cl::opt<std::string> WarningsAsErrors(
    "warnings-as-errors",
    cl::desc("Checks whose warnings are errors, as globs like --checks; "
             "without a value, every check"),
    cl::ValueOptional, cl::cat(CheckCategory));
cl::opt<std::string> Checkpoint(
    "checkpoint",
    cl::desc("Checkpoint to load into --class: torch.save, torch::save, "
             "safetensors or a JSON manifest"),
    cl::value_desc("file"), cl::cat(CheckCategory));
cl::opt<std::string>
    Entry("entry",
          cl::desc("The dict inside a nested checkpoint (model/state_dict)"),
          cl::value_desc("name"), cl::cat(CheckCategory));
cl::opt<bool> AllowUnexpected(
    "allow-unexpected",
    cl::desc("Checkpoint keys the model lacks are warnings, as with "
             "load_state_dict(strict=False)"),
    cl::cat(CheckCategory));
cl::opt<std::string> OptimizerCheckpoint(
    "optimizer-checkpoint",
    cl::desc("Optimizer state (torch::save(optimizer) or a training "
             "checkpoint's) to load into an optimizer over --class's "
             "parameters()"),
    cl::value_desc("file"), cl::cat(CheckCategory));
cl::opt<std::string>
    OptimizerKind("optimizer",
                  cl::desc("The optimizer that loads it: sgd, adam, adamw, "
                           "adagrad, rmsprop or lbfgs"),
                  cl::value_desc("kind"), cl::cat(CheckCategory));
cl::opt<std::string> CheckpointRoot(
    "checkpoint-root",
    cl::desc("Directory that relative checkpoint paths at torch::load calls "
             "are resolved against (default: the calling file's)"),
    cl::value_desc("dir"), cl::cat(CheckCategory));
cl::opt<std::string> ExportFixes(
    "export-fixes",
    cl::desc("Write the fix-its to a YAML file clang-apply-replacements "
             "applies"),
    cl::value_desc("file"), cl::cat(CheckCategory));
cl::opt<std::string> CacheDir(
    "cache-dir",
    cl::desc("Where parsed headers (PCH of each unit's preamble) and, for "
             "'check', results of unchanged translation units are kept "
             "(default: $TORCH_KEYCHECK_CACHE_DIR, else "
             "$XDG_CACHE_HOME/torch-keycheck or ~/.cache/torch-keycheck)"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<bool>
    NoCache("no-cache",
            cl::desc("Parse every translation unit in full; neither read nor "
                     "write the cache"),
            cl::cat(Category));
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the checks --checks enables and exit"),
                         cl::cat(CheckCategory));

/// The sources to analyse: those named, or every file of the `-p`
/// compilation database.
std::vector<std::string> Files;

cl::OptionCategory GoldenCategory("torch-keycheck golden options");
cl::opt<bool> Update("update",
                     cl::desc("Write each configured model's golden "
                              "manifest instead of comparing with it"),
                     cl::cat(GoldenCategory));

int error(const Twine &Msg) {
  errs() << "torch-keycheck: error: " << Msg << "\n";
  return ToolError;
}

/// The compilation database: `--` flags, `-p`, one found above the first
/// source, or defaults for a LibTorch project.
std::unique_ptr<CompilationDatabase>
compilationDatabase(std::unique_ptr<FixedCompilationDatabase> Fixed,
                    std::string &Error) {
  if (Fixed)
    return Fixed;
  if (!BuildPath.empty()) {
    std::string Detail;
    auto DB = CompilationDatabase::loadFromDirectory(BuildPath, Detail);
    if (!DB)
      Error = "no compile_commands.json in '" + BuildPath + "'";
    return DB;
  }
  SmallString<256> Abs(Sources.front());
  sys::fs::make_absolute(Abs);
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

bool hasFlag(const CommandLineArguments &Args, StringRef Prefix) {
  for (const std::string &A : Args)
    if (StringRef(A).starts_with(Prefix))
      return true;
  return false;
}

/// The options after `--`, then the command's own options; null (after
/// reporting why) when they are not usable.
std::unique_ptr<CompilationDatabase>
parseCommandLine(int Argc, const char **Argv, const char *Overview,
                 ArrayRef<const cl::OptionCategory *> Categories,
                 bool AllowSarif) {
  std::string FixedError;
  std::unique_ptr<FixedCompilationDatabase> Fixed =
      FixedCompilationDatabase::loadFromCommandLine(Argc, Argv, FixedError);
  if (!FixedError.empty()) {
    error(FixedError);
    return nullptr;
  }
  cl::HideUnrelatedOptions(Categories);
  if (!cl::ParseCommandLineOptions(Argc, Argv, Overview, &errs()))
    return nullptr;
  if (Format != "text" && Format != "json" &&
      !(AllowSarif && Format == "sarif")) {
    error("unknown --format '" + Format + "' (expected text" +
          (AllowSarif ? ", json or sarif)" : " or json)"));
    return nullptr;
  }
  if (ListChecks)
    return nullptr;
  if (Jobs == 0) {
    error("-j needs at least 1");
    return nullptr;
  }
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
  Files.assign(Sources.begin(), Sources.end());
  if (Files.empty()) {
    Files = DB->getAllFiles();
    if (Files.empty()) {
      error("'" + BuildPath + "/compile_commands.json' lists no files");
      return nullptr;
    }
  }
  return DB;
}

/// A tool over File that can parse it as the user's compiler would, plus
/// what an out-of-tree tool needs.
std::unique_ptr<ClangTool> newTool(CompilationDatabase &DB,
                                   const std::string &File) {
  auto Tool = std::make_unique<ClangTool>(DB, ArrayRef<std::string>(File));
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

/// A digest of this analysis module's own file: a rebuilt analyzer must
/// not reuse what an older one cached.
const std::string &analyzerDigest() {
  static const std::string Digest = [] {
    Dl_info Info;
    if (!dladdr(reinterpret_cast<void *>(&analyzerDigest), &Info) ||
        !Info.dli_fname)
      return std::string("unknown");
    return torchkc::ResultCache::fileDigest(Info.dli_fname);
  }();
  return Digest;
}

/// The start of a cache key for File's unit: the analyzer build, what the
/// entry holds (Kind), the file and its compile commands.
std::string unitCacheKey(CompilationDatabase &DB, const std::string &File,
                         const char *Kind) {
  SmallString<256> Abs(File);
  sys::fs::make_absolute(Abs);
  std::string Key = "torch-keycheck " TORCHKC_VERSION " " + analyzerDigest() +
                    "\n" + Kind + "\n" + std::string(Abs) + "\n";
  for (const CompileCommand &C : DB.getCompileCommands(File)) {
    Key += C.Directory + "\n";
    for (const std::string &A : C.CommandLine)
      Key += A + "\n";
  }
  return Key;
}

/// Parsed headers reused across runs: the PCH of a unit's preamble (its
/// leading comments, #includes and #pragmas), written with the same
/// library bodies skipped as the extraction skips, in the cache. It stands
/// for the preamble while every file it read keeps its content (clang's own
/// check of sizes and times is turned off: the cache checks content). A
/// preamble gets a PCH the second time it is parsed, so a one-off run
/// (a fresh CI machine) never pays for writing one.
class PreambleCache {
public:
  explicit PreambleCache(const std::string &CacheDir)
      : Results(CacheDir), Dir(CacheDir + "/preambles") {}

  struct Use {
    /// The PCH file.
    std::string PCH;
    /// What makes the unit's parse load the PCH for its preamble.
    CommandLineArguments Args;
    /// The files the PCH read: the unit depends on them.
    std::vector<std::string> Files;
  };

  /// The PCH for File's preamble, writing it when its preamble was parsed
  /// before and has none; nothing when the file has no preamble, on a
  /// first sighting, or when the PCH cannot be written.
  std::optional<Use> use(CompilationDatabase &DB, const std::string &File) const;

private:
  /// PCH files kept (tens of MB each); the least recently used go first.
  static constexpr size_t Kept = 16;
  void prune() const;

  torchkc::ResultCache Results;
  std::string Dir;
};

std::optional<PreambleCache::Use>
PreambleCache::use(CompilationDatabase &DB, const std::string &File) const {
  auto Buffer = MemoryBuffer::getFile(File);
  if (!Buffer)
    return std::nullopt;
  clang::LangOptions Lang;
  Lang.CPlusPlus = Lang.CPlusPlus11 = Lang.CPlusPlus14 = Lang.CPlusPlus17 =
      true;
  clang::PreambleBounds Bounds =
      clang::ComputePreambleBounds(Lang, **Buffer, /*MaxLines=*/0);
  if (Bounds.Size == 0)
    return std::nullopt;
  std::string Text = (*Buffer)->getBuffer().substr(0, Bounds.Size).str();

  SmallString<256> Abs(File);
  sys::fs::make_absolute(Abs);
  std::string Key = unitCacheKey(DB, File, "preamble") + Text;
  auto ArgsFor = [&](const std::string &PCH) {
    return CommandLineArguments{
        "-Xclang", "-include-pch", "-Xclang", PCH, "-Xclang",
        "-preamble-bytes=" + std::to_string(Bounds.Size) + "," +
            (Bounds.PreambleEndsAtStartOfLine ? "1" : "0"),
        "-Xclang", "-fno-validate-pch"};
  };

  if (std::optional<std::string> Entry = Results.lookup(Key)) {
    nlohmann::json J = nlohmann::json::parse(*Entry, nullptr, false);
    if (J.is_object() && J["pch"].is_string() && J["files"].is_array() &&
        sys::fs::exists(J["pch"].get<std::string>())) {
      std::string PCH = J["pch"];
      ::utime(PCH.c_str(), nullptr); // used now: pruned last
      return Use{PCH, ArgsFor(PCH), J["files"].get<std::vector<std::string>>()};
    }
  }
  // First sighting: remember the preamble, parse without a PCH.
  if (!Results.lookup(Key + "\nseen")) {
    Results.store(Key + "\nseen", {}, "{}");
    return std::nullopt;
  }

  if (sys::fs::create_directories(Dir))
    return std::nullopt;
  std::string PCH =
      Dir + "/" + torchkc::ResultCache::textDigest(Key) + ".pch";
  SmallString<256> Temp;
  if (sys::fs::createUniqueFile(PCH + ".tmp-%%%%%%", Temp))
    return std::nullopt;
  std::vector<std::string> Read;
  int Status;
  {
    std::unique_ptr<ClangTool> Tool = newTool(DB, File);
    Tool->mapVirtualFile(File, Text);
    clang::IgnoringDiagConsumer Quiet;
    Tool->setDiagnosticConsumer(&Quiet);
    Status = Tool->run(
        torchkc::newPreambleActionFactory(std::string(Temp), Read).get());
  }
  if (Status != 0 || sys::fs::rename(Temp, PCH)) {
    sys::fs::remove(Temp);
    return std::nullopt;
  }
  // What the PCH read, as absolute paths; the main file's own text is in
  // the key (its body may change freely).
  SmallString<256> WorkDir;
  for (const CompileCommand &C : DB.getCompileCommands(File))
    WorkDir = C.Directory;
  sys::fs::make_absolute(WorkDir);
  std::set<std::string> Files;
  for (const std::string &F : Read) {
    SmallString<256> P(F);
    if (!sys::path::is_absolute(P))
      sys::fs::make_absolute(WorkDir, P);
    sys::path::remove_dots(P, /*remove_dot_dot=*/true);
    if (P != Abs)
      Files.insert(std::string(P));
  }
  std::vector<std::string> List(Files.begin(), Files.end());
  Results.store(Key, List, nlohmann::json{{"pch", PCH}, {"files", List}}.dump());
  prune();
  return Use{PCH, ArgsFor(PCH), List};
}

void PreambleCache::prune() const {
  std::vector<std::pair<sys::TimePoint<>, std::string>> PCHs;
  auto Now = std::chrono::system_clock::now();
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    sys::fs::file_status St;
    if (sys::fs::status(It->path(), St))
      continue;
    StringRef Path = It->path();
    if (Path.ends_with(".pch"))
      PCHs.push_back({St.getLastModificationTime(), It->path()});
    // A PCH being written by a run that was stopped.
    else if (Path.contains(".pch.tmp-") &&
             Now - St.getLastModificationTime() > std::chrono::hours(1))
      sys::fs::remove(Path);
  }
  if (PCHs.size() <= Kept)
    return;
  std::sort(PCHs.begin(), PCHs.end());
  for (size_t I = 0; I + Kept < PCHs.size(); ++I)
    sys::fs::remove(PCHs[I].second);
}

using TranslationUnitHandler =
    std::function<void(size_t FileIndex, torchkc::RegistrationGraph &TU)>;

/// How a command keeps per-unit results across runs (see ResultCache.h).
struct UnitCacheHooks {
  /// Restores File's contribution from the cache, with the compiler
  /// diagnostics and status it had, instead of parsing it; false on a miss.
  std::function<bool(size_t File, std::string &Diagnostics, int &Status)>
      Restore;
  /// Called after File was parsed (and OnTU ran), to store it.
  std::function<void(size_t File, const std::string &Diagnostics, int Status)>
      Parsed;
};

/// Parses every file, up to -j at a time, calling OnTU with the file's
/// index while its AST is alive (calls for different files may run
/// concurrently: each must touch only its file's state), and merges what
/// they define into Merged in file order. Compiler diagnostics are printed
/// per file in that order too. A progress line is shown on a terminal.
/// With Cache, a unit it restores is not parsed (and adds nothing to
/// Merged); with Preambles, a unit's parse loads the PCH of its preamble
/// when there is one (the unit then depends on the files it stands for).
/// Returns nonzero when some file did not compile.
int forEachTranslationUnit(CompilationDatabase &DB,
                           const TranslationUnitHandler &OnTU,
                           torchkc::RegistrationGraph &Merged,
                           const UnitCacheHooks *Cache = nullptr,
                           const PreambleCache *Preambles = nullptr) {
  struct Unit {
    torchkc::RegistrationGraph Graph;
    std::string Diagnostics;
    int Status = 0;
  };
  std::vector<Unit> Units(Files.size());
  std::atomic<size_t> Next{0};
  size_t Done = 0;
  std::mutex Progress;
  bool ShowProgress =
      Files.size() > 1 && sys::Process::StandardErrIsDisplayed();
  auto Work = [&] {
    for (size_t I; (I = Next++) < Files.size();) {
      Unit &U = Units[I];
      if (!Cache || !Cache->Restore(I, U.Diagnostics, U.Status)) {
        std::optional<PreambleCache::Use> Pre =
            Preambles ? Preambles->use(DB, Files[I]) : std::nullopt;
        bool Ran = false;
        auto Parse = [&](const PreambleCache::Use *With) {
          U.Diagnostics.clear();
          raw_string_ostream OS(U.Diagnostics);
          clang::TextDiagnosticPrinter Printer(OS,
                                               new clang::DiagnosticOptions());
          std::unique_ptr<ClangTool> Tool = newTool(DB, Files[I]);
          Tool->setPrintErrorMessage(!With);
          if (With)
            Tool->appendArgumentsAdjuster(
                [&](const CommandLineArguments &Args, StringRef) {
                  CommandLineArguments R = Args;
                  R.insert(std::find(R.begin(), R.end(), "--"),
                           With->Args.begin(), With->Args.end());
                  return R;
                });
          Tool->setDiagnosticConsumer(&Printer);
          auto Factory = torchkc::newExtractionActionFactory(
              U.Graph, [&, I](torchkc::RegistrationGraph &TU) {
                Ran = true;
                if (With)
                  TU.InputFiles.insert(TU.InputFiles.end(),
                                       With->Files.begin(), With->Files.end());
                OnTU(I, TU);
              });
          U.Status = Tool->run(Factory.get());
        };
        Parse(Pre ? &*Pre : nullptr);
        // A PCH that does not load (damaged) stops the parse before
        // anything is extracted: drop it, and parse as if there were none.
        if (Pre && !Ran) {
          sys::fs::remove(Pre->PCH);
          Parse(nullptr);
        }
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
  for (Unit &U : Units) {
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

/// The cache directory the options name; empty with --no-cache or when
/// none can be named.
std::string cacheDir() {
  if (NoCache)
    return "";
  return CacheDir.empty() ? torchkc::ResultCache::defaultDir()
                          : std::string(CacheDir);
}

/// The preamble cache in the cache directory, if there is one.
std::optional<PreambleCache> openPreambles() {
  std::string Dir = cacheDir();
  if (Dir.empty())
    return std::nullopt;
  return PreambleCache(Dir);
}

int runKeys(int Argc, const char **Argv) {
  std::unique_ptr<CompilationDatabase> DB = parseCommandLine(
      Argc, Argv,
      "torch-keycheck keys: list the state_dict keys of LibTorch model "
      "classes\n",
      {&Category}, /*AllowSarif=*/false);
  if (Checks.getNumOccurrences() || WarningsAsErrors.getNumOccurrences() ||
      ListChecks || !Checkpoint.empty() || !Entry.empty() || AllowUnexpected ||
      !ExportFixes.empty() || !OptimizerCheckpoint.empty() ||
      !OptimizerKind.empty())
    return error("--checks, --warnings-as-errors, --list-checks, "
                 "--checkpoint, --optimizer-checkpoint, --optimizer, --entry, "
                 "--allow-unexpected and --export-fixes are options of "
                 "'check'");
  if (Update)
    return error("--update is an option of 'golden'");
  if (!DB)
    return ToolError;

  std::vector<torchkc::ClassConfiguration> Requests;
  if (!ConfigurationsFile.empty()) {
    if (!ClassName.empty() || !Defines.empty())
      return error(
          "--configurations cannot be combined with --class or --define");
    std::string Err;
    if (!torchkc::loadConfigurations(ConfigurationsFile, Requests, Err))
      return error(Err);
  }
  torchkc::Configuration CommandLine;
  for (const std::string &D : Defines) {
    std::string Name;
    torchkc::ExprPtr Value;
    if (!torchkc::parseDefine(D, Name, Value))
      return error("--define '" + D + "' is not of the form name=value");
    CommandLine.Defines[Name] = Value;
  }

  // What to derive: the configurations file's entries, or --class, or
  // every class (then a define applies wherever a constructor takes it).
  if (Requests.empty() && !ClassName.empty())
    Requests.push_back({ClassName, CommandLine});
  bool EveryClass = Requests.empty();

  // Keys are derived while each translation unit's AST is alive, so that
  // constructors can be re-extracted with the values known (see
  // ConstructorSource); the first file that defines a class answers for it.
  std::vector<std::vector<torchkc::ModelKeys>> EveryModelOf(Files.size());
  std::vector<std::vector<std::optional<torchkc::ModelKeys>>> ResultsOf(
      Files.size(),
      std::vector<std::optional<torchkc::ModelKeys>>(Requests.size()));
  auto OnTU = [&](size_t File, torchkc::RegistrationGraph &TU) {
    if (EveryClass) {
      for (const auto &C : TU.Classes) {
        torchkc::Configuration Config;
        for (const auto &Ctor : C.Constructors)
          for (const auto &P : Ctor.Params)
            if (CommandLine.Defines.count(P.Name))
              Config.Defines[P.Name] = CommandLine.Defines[P.Name];
        EveryModelOf[File].push_back(torchkc::deriveKeys(TU, C, Config));
      }
      return;
    }
    for (size_t I = 0; I < Requests.size(); ++I) {
      bool Ambiguous = false;
      if (const torchkc::ModuleClass *C =
              TU.find(Requests[I].Class, &Ambiguous))
        ResultsOf[File][I] = torchkc::deriveKeys(TU, *C, Requests[I].Config);
    }
  };

  torchkc::RegistrationGraph Graph;
  std::optional<PreambleCache> Preambles = openPreambles();
  int ToolStatus = forEachTranslationUnit(*DB, OnTU, Graph, nullptr,
                                          Preambles ? &*Preambles : nullptr);

  if (Graph.Classes.empty()) {
    error("no class deriving from torch::nn::Module in the sources");
    return ToolError;
  }

  std::vector<torchkc::ModelKeys> EveryModel;
  std::vector<std::optional<torchkc::ModelKeys>> Results(Requests.size());
  std::set<std::string> Seen, UsedDefines;
  for (size_t File = 0; File < Files.size(); ++File) {
    for (torchkc::ModelKeys &M : EveryModelOf[File])
      if (Seen.insert(M.Class).second) {
        for (const auto &D : M.Config.Defines)
          UsedDefines.insert(D.first);
        EveryModel.push_back(std::move(M));
      }
    for (size_t I = 0; I < Requests.size(); ++I)
      if (!Results[I] && ResultsOf[File][I])
        Results[I] = std::move(ResultsOf[File][I]);
  }

  std::vector<torchkc::ModelKeys> Models = std::move(EveryModel);
  for (size_t I = 0; I < Requests.size(); ++I) {
    if (!Results[I]) {
      bool Ambiguous = false;
      Graph.find(Requests[I].Class, &Ambiguous);
      std::string Known;
      for (const auto &K : Graph.Classes)
        Known += (Known.empty() ? "" : ", ") + K.Name;
      return error("class '" + Requests[I].Class + "' " +
                   (Ambiguous ? "is ambiguous; qualify it"
                              : "is not a module class in the sources") +
                   (Known.empty() ? "" : " (module classes: " + Known + ")"));
    }
    if (!Results[I]->UnusedDefines.empty())
      return error("'" + Results[I]->Class +
                   "' has no constructor parameter named '" +
                   Results[I]->UnusedDefines.front() + "'");
    Models.push_back(std::move(*Results[I]));
  }
  for (const auto &D : CommandLine.Defines)
    if (EveryClass && !UsedDefines.count(D.first))
      return error("no model class has a constructor parameter named '" +
                   D.first + "'");

  if (Format == "json")
    outs() << torchkc::renderKeysJson(Models);
  else
    outs() << torchkc::renderKeysText(Models, currentDir());

  if (ToolStatus != 0)
    return error(NotCompiled);
  return Success;
}

/// A path as the user reads it: relative to the current directory when
/// below it.
std::string shownPath(const std::string &Path) {
  std::string Cwd = currentDir() + "/";
  return StringRef(Path).starts_with(Cwd) ? Path.substr(Cwd.size()) : Path;
}

/// Derives, while TU's AST is alive, the keys of each project model that
/// TU defines and Out does not hold yet.
void deriveProjectModels(const torchkc::Project &P,
                         torchkc::RegistrationGraph &TU,
                         std::vector<std::optional<torchkc::ModelKeys>> &Out) {
  for (size_t I = 0; I < P.Models.size(); ++I)
    if (!Out[I])
      if (const torchkc::ModuleClass *C = TU.find(P.Models[I].Model.Class))
        Out[I] = torchkc::deriveKeys(TU, *C, P.Models[I].Model.Config);
}

/// The first file's keys of each project model, checked to be a golden's:
/// every key and size decided by the model's defines. Models no file
/// defines stay empty. Sets Error on the first that is not.
std::vector<std::optional<torchkc::ModelKeys>> projectModels(
    const torchkc::Project &P,
    std::vector<std::vector<std::optional<torchkc::ModelKeys>>> &PerFile,
    std::string &Error) {
  std::vector<std::optional<torchkc::ModelKeys>> Models(P.Models.size());
  for (auto &FileModels : PerFile)
    for (size_t I = 0; I < Models.size(); ++I)
      if (!Models[I] && FileModels[I])
        Models[I] = std::move(FileModels[I]);
  for (size_t I = 0; I < Models.size() && Error.empty(); ++I)
    if (Models[I])
      Error = torchkc::goldenModelProblem(P, I, *Models[I]);
  return Models;
}

/// What a unit's cached `check` result is found by: the analyzer, the
/// file, its compile commands and the options that change what a unit
/// contributes (not --checks or the format, applied afterwards).
std::string checkCacheKey(CompilationDatabase &DB, const std::string &File,
                          const std::string &ProjectPath) {
  return unitCacheKey(DB, File, "check") + "project=" + ProjectPath +
         "\ncheckpoint-root=" + CheckpointRoot + "\n";
}

int runCheck(int Argc, const char **Argv) {
  std::unique_ptr<CompilationDatabase> DB = parseCommandLine(
      Argc, Argv,
      "torch-keycheck check: report registration hazards in LibTorch model "
      "classes\n",
      {&Category, &CheckCategory}, /*AllowSarif=*/true);
  torchkc::CheckFilter Enabled(Checks);
  if (ListChecks) {
    outs() << "Enabled checks:\n";
    for (const torchkc::CheckInfo &C : torchkc::allChecks())
      if (Enabled.matches(C.Name))
        outs() << "    " << C.Name << "  (" << C.Summary << ")\n";
    return Success;
  }
  if (!DB)
    return ToolError;
  if (!ConfigurationsFile.empty())
    return error("--configurations does not apply to 'check'");
  if (Update)
    return error("--update is an option of 'golden'");
  if (Checkpoint.empty() && OptimizerCheckpoint.empty() && !Defines.empty())
    return error("'check' without a checkpoint judges the source for every "
                 "configuration; --define applies with --checkpoint");
  if ((!Checkpoint.empty() || !OptimizerCheckpoint.empty()) &&
      ClassName.empty())
    return error("--checkpoint and --optimizer-checkpoint need --class, the "
                 "model class they are for");
  if (!OptimizerKind.empty() && OptimizerCheckpoint.empty())
    return error("--optimizer applies with --optimizer-checkpoint");
  static const std::set<std::string> Kinds = {"sgd",     "adam",    "adamw",
                                              "adagrad", "rmsprop", "lbfgs"};
  if (!OptimizerKind.empty() && !Kinds.count(OptimizerKind))
    return error("unknown --optimizer '" + OptimizerKind +
                 "' (expected sgd, adam, adamw, adagrad, rmsprop or lbfgs)");
  if (Checkpoint.empty() && AllowUnexpected)
    return error("--allow-unexpected applies with --checkpoint");
  if (Checkpoint.empty() && OptimizerCheckpoint.empty() && !Entry.empty())
    return error("--entry applies with --checkpoint");

  // The checkpoint is read first: a bad file fails fast, before parsing.
  torchkc::Manifest Ckpt, OptimizerState;
  torchkc::ReadOptions RO;
  RO.Entry = Entry;
  try {
    if (!Checkpoint.empty())
      Ckpt = torchkc::readCheckpoint(Checkpoint, RO);
    if (!OptimizerCheckpoint.empty())
      OptimizerState = torchkc::readCheckpoint(OptimizerCheckpoint, RO);
  } catch (const torchkc::CheckpointError &E) {
    return error(E.what());
  }
  if (!OptimizerCheckpoint.empty() && !OptimizerState.Optimizer)
    return error(OptimizerCheckpoint + ": holds no optimizer state");
  bool AgainstFiles = !Checkpoint.empty() || !OptimizerCheckpoint.empty();
  torchkc::Configuration Given;
  for (const std::string &D : Defines) {
    std::string Name;
    torchkc::ExprPtr Value;
    if (!torchkc::parseDefine(D, Name, Value))
      return error("--define '" + D + "' is not of the form name=value");
    Given.Defines[Name] = Value;
  }

  // Without a checkpoint, the whole source is judged: lints, load sites
  // and the project's goldens.
  bool WholeSource = !AgainstFiles && ClassName.empty();
  std::optional<torchkc::Project> Project;
  if (WholeSource) {
    std::string ProjectError;
    Project = torchkc::projectFor(ProjectFile, Files.front(), ProjectError);
    if (!ProjectError.empty())
      return error(ProjectError);
  }
  // Against a checkpoint, the verdict is derived while the class's AST is
  // alive (configurations are re-extracted as they are tried); the first
  // file that defines the class gives it.
  struct FileVerdict {
    std::vector<torchkc::Finding> Found;
    std::string Problem, SiteError;
    bool Judged = false;
    /// What the unit read, for the cache.
    std::vector<std::string> DependsOn;
  };
  std::vector<FileVerdict> Verdicts(Files.size());
  torchkc::ProjectCheckOptions ProjectOpts{Project ? &*Project : nullptr,
                                           CheckpointRoot};
  auto OnTU = [&](size_t File, torchkc::RegistrationGraph &TU) {
    FileVerdict &V = Verdicts[File];
    if (WholeSource) {
      // Each unit's own classes are linted, so a unit's contribution is
      // complete without the others' (and can be cached); a header's
      // findings reached from several units are merged below.
      V.Found = torchkc::lintGraph(TU);
      for (torchkc::Finding &F :
           torchkc::checkAgainstProject(TU, ProjectOpts, V.SiteError))
        V.Found.push_back(std::move(F));
      V.DependsOn = TU.InputFiles;
      for (std::string &F : torchkc::filesCheckedAgainst(TU, ProjectOpts))
        V.DependsOn.push_back(std::move(F));
    }
    if (!AgainstFiles)
      return;
    const torchkc::ModuleClass *C = TU.find(ClassName);
    if (!C)
      return;
    V.Judged = true;
    if (!Checkpoint.empty()) {
      torchkc::CompareOptions CO;
      CO.AllowUnexpected = AllowUnexpected;
      V.Found =
          torchkc::checkAgainstCheckpoint(TU, *C, Given, Ckpt, CO, V.Problem);
    }
    if (!OptimizerCheckpoint.empty() && V.Problem.empty()) {
      torchkc::ModelKeys Keys = torchkc::deriveKeys(TU, *C, Given);
      if (!torchkc::isConcrete(Keys)) {
        V.Problem = "the optimizer's parameters depend on configuration; "
                    "give it with --define";
        return;
      }
      for (torchkc::Finding &F : torchkc::compareOptimizerState(
               Keys, *OptimizerState.Optimizer, OptimizerKind))
        V.Found.push_back(std::move(F));
    }
  };
  // Whole-source results per unit are cached: a re-run on unchanged
  // inputs reads them back instead of parsing.
  std::optional<torchkc::ResultCache> Cache;
  if (WholeSource && !cacheDir().empty())
    Cache.emplace(cacheDir());
  std::optional<PreambleCache> Preambles = openPreambles();
  std::string ProjectPath = Project ? Project->File : "";
  UnitCacheHooks Hooks;
  Hooks.Restore = [&](size_t File, std::string &Diagnostics, int &Status) {
    std::optional<std::string> Text =
        Cache->lookup(checkCacheKey(*DB, Files[File], ProjectPath));
    if (!Text)
      return false;
    nlohmann::json J = nlohmann::json::parse(*Text, nullptr, false);
    if (!J.is_object())
      return false;
    Verdicts[File].Found =
        torchkc::findingsFromCacheJson(J.value("findings", "[]"));
    Diagnostics = J.value("diagnostics", "");
    Status = J.value("status", 0);
    return true;
  };
  Hooks.Parsed = [&](size_t File, const std::string &Diagnostics, int Status) {
    const FileVerdict &V = Verdicts[File];
    // A unit stopped by an unreadable checkpoint reports that, not a result.
    if (!V.SiteError.empty() || V.DependsOn.empty())
      return;
    nlohmann::json J = {{"findings", torchkc::findingsToCacheJson(V.Found)},
                        {"diagnostics", Diagnostics},
                        {"status", Status}};
    Cache->store(checkCacheKey(*DB, Files[File], ProjectPath), V.DependsOn,
                 J.dump());
  };

  torchkc::RegistrationGraph Graph;
  int ToolStatus =
      forEachTranslationUnit(*DB, OnTU, Graph, Cache ? &Hooks : nullptr,
                             Preambles ? &*Preambles : nullptr);

  std::vector<torchkc::Finding> Found;
  if (AgainstFiles) {
    auto First = std::find_if(Verdicts.begin(), Verdicts.end(),
                              [](const FileVerdict &V) { return V.Judged; });
    if (First == Verdicts.end()) {
      bool Ambiguous = false;
      Graph.find(ClassName, &Ambiguous);
      return error("class '" + ClassName + "' " +
                   (Ambiguous ? "is ambiguous; qualify it"
                              : "is not a module class in the sources"));
    }
    if (!First->Problem.empty())
      return error("cannot tell which configuration of '" + ClassName +
                   "' the checkpoint is for: " + First->Problem);
    Found = std::move(First->Found);
  } else if (!ClassName.empty()) {
    bool Ambiguous = false;
    const torchkc::ModuleClass *C = Graph.find(ClassName, &Ambiguous);
    if (!C)
      return error("class '" + ClassName + "' " +
                   (Ambiguous ? "is ambiguous; qualify it"
                              : "is not a module class in the sources"));
    Found = torchkc::lintClass(*C);
  } else {
    for (FileVerdict &V : Verdicts) {
      if (!V.SiteError.empty())
        return error(V.SiteError);
      Found.insert(Found.end(), std::make_move_iterator(V.Found.begin()),
                   std::make_move_iterator(V.Found.end()));
    }
    // In source order, as a compiler reports; a header's findings reached
    // from several translation units once.
    std::stable_sort(Found.begin(), Found.end(),
                     [](const torchkc::Finding &A, const torchkc::Finding &B) {
                       return std::tie(A.Loc.File, A.Loc.Line, A.Loc.Column) <
                              std::tie(B.Loc.File, B.Loc.Line, B.Loc.Column);
                     });
    std::set<std::tuple<std::string, std::string, std::string>> Reported;
    Found.erase(
        std::remove_if(
            Found.begin(), Found.end(),
            [&](const torchkc::Finding &F) {
              return !Reported.insert({F.Check, F.Loc.str(), F.Message}).second;
            }),
        Found.end());
  }

  torchkc::RenderOptions Opts;
  Opts.BaseDir = currentDir();
  // Colours as clang's on a terminal, unless NO_COLOR asks otherwise.
  Opts.Color = Format == "text" && sys::Process::StandardOutIsDisplayed() &&
               !sys::Process::GetEnv("NO_COLOR");
  if (WarningsAsErrors.getNumOccurrences())
    Opts.WarningsAsErrors = torchkc::CheckFilter(
        WarningsAsErrors.empty() ? std::string("*") : WarningsAsErrors);
  torchkc::SourceLines Lines;
  std::vector<torchkc::Finding> Shown, Suppressed;
  size_t Warnings = 0, Errors = 0;
  for (torchkc::Finding &F : Found) {
    if (!Enabled.matches(F.Check))
      continue;
    if (torchkc::isSuppressed(F, Lines)) {
      Suppressed.push_back(std::move(F));
      continue;
    }
    torchkc::Severity S = torchkc::effectiveSeverity(F, Opts);
    if (S == torchkc::Severity::Error)
      ++Errors;
    else if (S == torchkc::Severity::Warning)
      ++Warnings;
    Shown.push_back(std::move(F));
  }

  if (!ExportFixes.empty()) {
    std::error_code EC;
    raw_fd_ostream YAML(ExportFixes, EC);
    if (EC)
      return error(ExportFixes + ": " + EC.message());
    SmallString<256> Main(Files.front());
    sys::fs::make_absolute(Main);
    YAML << torchkc::renderFixesYaml(Shown, std::string(Main));
  }
  if (Format == "json") {
    outs() << torchkc::renderFindingsJson(Shown, Suppressed.size(), Opts);
  } else if (Format == "sarif") {
    outs() << torchkc::renderFindingsSarif(Shown, Suppressed, Opts,
                                           TORCHKC_VERSION);
  } else {
    outs() << torchkc::renderFindingsText(Shown, Lines, Opts);
    if (Warnings || Errors || !Suppressed.empty()) {
      errs() << Warnings << (Warnings == 1 ? " warning" : " warnings")
             << " and " << Errors << (Errors == 1 ? " error" : " errors")
             << " generated";
      if (!Suppressed.empty())
        errs() << "; " << Suppressed.size() << " suppressed by NOLINT";
      errs() << ".\n";
    }
  }
  if (ToolStatus != 0)
    return error(NotCompiled);
  return Errors ? Findings : Success;
}

/// `golden`: compares each configured model's keys with its golden
/// manifest, printing a key-level diff, or (--update) writes the goldens.
int runGolden(int Argc, const char **Argv) {
  std::unique_ptr<CompilationDatabase> DB = parseCommandLine(
      Argc, Argv,
      "torch-keycheck golden: compare the keys of the models a project file "
      "names with their golden manifests, or write them (--update)\n",
      {&Category, &GoldenCategory}, /*AllowSarif=*/false);
  if (!ClassName.empty() || !Defines.empty() || !ConfigurationsFile.empty() ||
      !Checkpoint.empty() || !OptimizerCheckpoint.empty() ||
      Format.getNumOccurrences())
    return error("'golden' takes its models and configurations from the "
                 "project file; --class, --define, --configurations, "
                 "--checkpoint and --format do not apply");
  if (!DB)
    return ToolError;
  std::string ProjectError;
  std::optional<torchkc::Project> Project =
      torchkc::projectFor(ProjectFile, Files.front(), ProjectError);
  if (!ProjectError.empty())
    return error(ProjectError);
  if (!Project)
    return error("no " + std::string(torchkc::ProjectFileName) +
                 " at or above '" + Files.front() +
                 "' (or --project): it names the models that have goldens");
  if (Project->Models.empty())
    return error(shownPath(Project->File) + ": names no models");

  std::vector<std::vector<std::optional<torchkc::ModelKeys>>> PerFile(
      Files.size(),
      std::vector<std::optional<torchkc::ModelKeys>>(Project->Models.size()));
  auto OnTU = [&](size_t File, torchkc::RegistrationGraph &TU) {
    deriveProjectModels(*Project, TU, PerFile[File]);
  };
  torchkc::RegistrationGraph Graph;
  std::optional<PreambleCache> Preambles = openPreambles();
  int ToolStatus = forEachTranslationUnit(*DB, OnTU, Graph, nullptr,
                                          Preambles ? &*Preambles : nullptr);
  std::string ModelError;
  std::vector<std::optional<torchkc::ModelKeys>> Models =
      projectModels(*Project, PerFile, ModelError);
  if (!ModelError.empty())
    return error(ModelError);
  for (size_t I = 0; I < Models.size(); ++I)
    if (!Models[I])
      return error(shownPath(Project->File) + ": models[" + std::to_string(I) +
                   "]: class '" + Project->Models[I].Model.Class +
                   "' is not a module class in the sources");
  // A golden written from a partial parse would record missing keys.
  if (ToolStatus != 0)
    return error(std::string(NotCompiled) +
                 (Update ? "; no golden was written" : ""));

  bool Drift = false;
  for (size_t I = 0; I < Models.size(); ++I) {
    const torchkc::ProjectModel &PM = Project->Models[I];
    std::string Shown = shownPath(PM.Golden);
    std::string Label =
        "'" + PM.Model.Class + "'" +
        (PM.Model.Config.Name.empty() ? ""
                                      : " ('" + PM.Model.Config.Name + "')");
    size_t NumKeys = Models[I]->Keys.size();
    std::string Counted =
        std::to_string(NumKeys) + (NumKeys == 1 ? " key" : " keys");
    if (Update) {
      std::string Text =
          torchkc::goldenToJson(torchkc::goldenManifest(*Models[I]));
      std::ifstream Old(PM.Golden);
      std::stringstream OldText;
      OldText << Old.rdbuf();
      if (Old && OldText.str() == Text) {
        outs() << Shown << ": " << Label << " up to date, " << Counted << "\n";
        continue;
      }
      sys::fs::create_directories(sys::path::parent_path(PM.Golden));
      std::error_code EC;
      raw_fd_ostream Out(PM.Golden, EC);
      if (EC)
        return error(Shown + ": " + EC.message());
      Out << Text;
      outs() << Shown << ": " << Label << " written, " << Counted << "\n";
      continue;
    }
    if (!sys::fs::exists(PM.Golden)) {
      outs() << Shown << ": " << Label
             << " has no golden yet; write it with 'torch-keycheck golden "
                "--update'\n";
      Drift = true;
      continue;
    }
    torchkc::Manifest G;
    try {
      G = torchkc::readCheckpoint(PM.Golden);
    } catch (const torchkc::CheckpointError &E) {
      return error(E.what());
    }
    std::vector<torchkc::KeyChange> Changes =
        torchkc::diffWithGolden(*Models[I], G);
    if (Changes.empty()) {
      outs() << Shown << ": " << Label << " up to date, " << Counted << "\n";
      continue;
    }
    Drift = true;
    outs() << Shown << ": " << Label << " " << torchkc::driftSummary(Changes)
           << "\n"
           << torchkc::renderKeyDiff(Changes);
  }
  return Drift ? Findings : Success;
}

} // namespace

/// Entry point of the analysis module: Argv[0] is "torch-keycheck <command>".
extern "C" __attribute__((visibility("default"))) int
torchkc_analysis_main(const char *Command, int Argc, const char **Argv) {
  InitLLVM X(Argc, Argv);
  if (StringRef(Command) == "keys")
    return runKeys(Argc, Argv);
  if (StringRef(Command) == "check")
    return runCheck(Argc, Argv);
  if (StringRef(Command) == "golden")
    return runGolden(Argc, Argv);
  return error("the analysis module has no command '" + Twine(Command) + "'");
}
