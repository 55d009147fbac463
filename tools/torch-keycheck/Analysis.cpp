//===- Analysis.cpp - The commands that parse C++ -------------------------===//
//
// The `keys` and `check` commands, built into a module that main.cpp loads only
// when a command needs Clang: loading LLVM and Clang costs ~80 ms and ~60 MiB,
// which `manifest` and `--version` should not pay. Compilation flags come,
// as for clang-tidy and clang-check, from a compile_commands.json (`-p
// DIR`, or found above the first source), from flags after `--`, or else
// from defaults that find LibTorch's headers.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/Compare.h"
#include "torch-keycheck/Configurations.h"
#include "torch-keycheck/Extractor.h"
#include "torch-keycheck/FindingsOutput.h"
#include "torch-keycheck/KeySet.h"
#include "torch-keycheck/KeysOutput.h"
#include "torch-keycheck/Lints.h"

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
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
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the checks --checks enables and exit"),
                         cl::cat(CheckCategory));

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
  if (Sources.empty()) {
    error("no source files given");
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
  if (!DB)
    error(DBError);
  return DB;
}

/// A tool over the sources that can parse them as the user's compiler
/// would, plus what an out-of-tree tool needs.
std::unique_ptr<ClangTool> newTool(CompilationDatabase &DB) {
  auto Tool = std::make_unique<ClangTool>(DB, Sources);
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

std::string currentDir() {
  SmallString<256> Cwd;
  sys::fs::current_path(Cwd);
  return std::string(Cwd);
}

const char *const NotCompiled =
    "the sources did not compile cleanly; what was extracted from what "
    "could be parsed may be incomplete";

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

  std::unique_ptr<ClangTool> Tool = newTool(*DB);

  // What to derive: the configurations file's entries, or --class, or
  // every class (then a define applies wherever a constructor takes it).
  if (Requests.empty() && !ClassName.empty())
    Requests.push_back({ClassName, CommandLine});
  bool EveryClass = Requests.empty();

  // Keys are derived while each translation unit's AST is alive, so that
  // constructors can be re-extracted with the values known (see
  // ConstructorSource); the first unit that defines a class answers for it.
  std::vector<std::optional<torchkc::ModelKeys>> Results(Requests.size());
  std::vector<torchkc::ModelKeys> EveryModel;
  std::set<std::string> Seen, UsedDefines;
  auto OnTU = [&](torchkc::RegistrationGraph &TU) {
    if (EveryClass) {
      for (const auto &C : TU.Classes) {
        if (!Seen.insert(C.Name).second)
          continue;
        torchkc::Configuration Config;
        for (const auto &Ctor : C.Constructors)
          for (const auto &P : Ctor.Params)
            if (CommandLine.Defines.count(P.Name))
              Config.Defines[P.Name] = CommandLine.Defines[P.Name];
        for (const auto &D : Config.Defines)
          UsedDefines.insert(D.first);
        EveryModel.push_back(torchkc::deriveKeys(TU, C, Config));
      }
      return;
    }
    for (size_t I = 0; I < Requests.size(); ++I) {
      bool Ambiguous = false;
      if (Results[I])
        continue;
      if (const torchkc::ModuleClass *C =
              TU.find(Requests[I].Class, &Ambiguous))
        Results[I] = torchkc::deriveKeys(TU, *C, Requests[I].Config);
    }
  };

  torchkc::RegistrationGraph Graph;
  auto Factory = torchkc::newExtractionActionFactory(Graph, OnTU);
  int ToolStatus = Tool->run(Factory.get());

  if (Graph.Classes.empty()) {
    error("no class deriving from torch::nn::Module in the sources");
    return ToolError;
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

/// The verdict at a torch::load call: each finding of loading the named
/// checkpoint into the model as constructed there, reported at the call
/// with notes at the cause and the construction. Error names a checkpoint
/// that cannot be read.
void checkLoadSite(torchkc::RegistrationGraph &TU, const torchkc::LoadSite &S,
                   std::vector<torchkc::Finding> &Found, std::string &Error) {
  std::string Path = S.ResolvedPath;
  if (!CheckpointRoot.empty() && sys::path::is_relative(S.Checkpoint)) {
    SmallString<256> P(CheckpointRoot);
    sys::path::append(P, S.Checkpoint);
    Path = std::string(P);
  }
  const torchkc::ModuleClass *C = TU.find(S.Class);
  if (!C)
    return;
  std::string Args;
  for (const auto &[Name, Value] : S.Args)
    Args += (Args.empty() ? "" : ", ") + Name + "=" + Value->str();
  torchkc::Note Construction{
      S.ConstructionLoc,
      "'" + S.Variable + "' is constructed here" +
          (Args.empty() ? std::string(" with the defaults") : " with " + Args)};
  if (!sys::fs::exists(Path)) {
    Found.push_back({"torch-checkpoint-configuration",
                     torchkc::Severity::Remark,
                     S.Loc,
                     "'" + S.Checkpoint + "' is not checked: there is no " +
                         Path +
                         (CheckpointRoot.empty()
                              ? " (relative paths are resolved against the "
                                "calling file's directory, or "
                                "--checkpoint-root)"
                              : ""),
                     {}});
    return;
  }
  torchkc::Manifest M;
  try {
    M = torchkc::readCheckpoint(Path);
  } catch (const torchkc::CheckpointError &E) {
    Error = std::string(E.what()) + " (loaded at " + S.Loc.str() + ")";
    return;
  }
  torchkc::Configuration Given;
  Given.Defines = S.Args;
  std::string Problem;
  for (torchkc::Finding &F :
       torchkc::checkAgainstCheckpoint(TU, *C, Given, M, {}, Problem)) {
    torchkc::Finding AtCall = F;
    AtCall.Loc = S.Loc;
    AtCall.Message =
        "'" + S.Checkpoint + "' into '" + S.Variable + "': " + F.Message;
    AtCall.Notes = {{F.Loc, "the difference comes from here"}, Construction};
    AtCall.Notes.insert(AtCall.Notes.end(), F.Notes.begin(), F.Notes.end());
    AtCall.Fixes.clear(); // they apply at the registration, not here
    Found.push_back(std::move(AtCall));
  }
  if (!Problem.empty())
    Found.push_back({"torch-checkpoint-configuration",
                     torchkc::Severity::Remark,
                     S.Loc,
                     "'" + S.Checkpoint + "' is not checked: " + Problem,
                     {Construction}});
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

  // Against a checkpoint, the verdict is derived while the class's AST is
  // alive (configurations are re-extracted as they are tried).
  std::vector<torchkc::Finding> Found;
  std::string Problem;
  bool Judged = false;
  std::set<std::string> SitesSeen;
  std::string SiteError;
  auto OnTU = [&](torchkc::RegistrationGraph &TU) {
    if (!AgainstFiles && ClassName.empty() && SiteError.empty())
      for (const torchkc::LoadSite &S : TU.LoadSites)
        if (SitesSeen.insert(S.Loc.str()).second)
          checkLoadSite(TU, S, Found, SiteError);
    if (!AgainstFiles || Judged)
      return;
    const torchkc::ModuleClass *C = TU.find(ClassName);
    if (!C)
      return;
    Judged = true;
    if (!Checkpoint.empty()) {
      torchkc::CompareOptions CO;
      CO.AllowUnexpected = AllowUnexpected;
      Found = torchkc::checkAgainstCheckpoint(TU, *C, Given, Ckpt, CO, Problem);
    }
    if (!OptimizerCheckpoint.empty() && Problem.empty()) {
      torchkc::ModelKeys Keys = torchkc::deriveKeys(TU, *C, Given);
      if (!torchkc::isConcrete(Keys)) {
        Problem = "the optimizer's parameters depend on configuration; give "
                  "it with --define";
        return;
      }
      for (torchkc::Finding &F : torchkc::compareOptimizerState(
               Keys, *OptimizerState.Optimizer, OptimizerKind))
        Found.push_back(std::move(F));
    }
  };
  torchkc::RegistrationGraph Graph;
  auto Factory = torchkc::newExtractionActionFactory(Graph, OnTU);
  int ToolStatus = newTool(*DB)->run(Factory.get());

  if (AgainstFiles) {
    if (!Judged) {
      bool Ambiguous = false;
      Graph.find(ClassName, &Ambiguous);
      return error("class '" + ClassName + "' " +
                   (Ambiguous ? "is ambiguous; qualify it"
                              : "is not a module class in the sources"));
    }
    if (!Problem.empty())
      return error("cannot tell which configuration of '" + ClassName +
                   "' the checkpoint is for: " + Problem);
  } else if (!ClassName.empty()) {
    bool Ambiguous = false;
    const torchkc::ModuleClass *C = Graph.find(ClassName, &Ambiguous);
    if (!C)
      return error("class '" + ClassName + "' " +
                   (Ambiguous ? "is ambiguous; qualify it"
                              : "is not a module class in the sources"));
    Found = torchkc::lintClass(*C);
  } else {
    if (!SiteError.empty())
      return error(SiteError);
    std::vector<torchkc::Finding> Lints = torchkc::lintGraph(Graph);
    Found.insert(Found.begin(), Lints.begin(), Lints.end());
    // Load sites came per translation unit, helpers' calls last: all in
    // source order, as a compiler reports.
    std::stable_sort(Found.begin(), Found.end(),
                     [](const torchkc::Finding &A, const torchkc::Finding &B) {
                       return std::tie(A.Loc.File, A.Loc.Line, A.Loc.Column) <
                              std::tie(B.Loc.File, B.Loc.Line, B.Loc.Column);
                     });
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
    SmallString<256> Main(Sources.front());
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

} // namespace

/// Entry point of the analysis module: Argv[0] is "torch-keycheck <command>".
extern "C" __attribute__((visibility("default"))) int
torchkc_analysis_main(const char *Command, int Argc, const char **Argv) {
  InitLLVM X(Argc, Argv);
  if (StringRef(Command) == "keys")
    return runKeys(Argc, Argv);
  if (StringRef(Command) == "check")
    return runCheck(Argc, Argv);
  return error("the analysis module has no command '" + Twine(Command) + "'");
}
