//===- CheckCommand.cpp - torch-keycheck check ----------------------------===//
//
// Three modes: with --checkpoint or --optimizer-checkpoint, the verdict of
// loading them into --class; with --class alone, that class's source
// findings; else the whole source, unit by unit (checkUnit: source checks,
// load sites, goldens), each unit's result cached. Then one way out for
// all: filtered by --checks, suppressed by NOLINT, rendered.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Driver.h"
#include "PreambleCache.h"
#include "TidyConfig.h"

#include "torch-keycheck/cache/ResultCache.h"
#include "torch-keycheck/checks/SourceChecks.h"
#include "torch-keycheck/keys/ModelKeys.h"
#include "torch-keycheck/output/FindingsOutput.h"
#include "torch-keycheck/project/Project.h"
#include "torch-keycheck/project/UnitCheck.h"
#include "torch-keycheck/verdict/CheckpointVerdict.h"
#include "torch-keycheck/verdict/ConfigurationSolver.h"
#include "torch-keycheck/verdict/LoadVerdict.h"
#include "torch-keycheck/verdict/OptimizerState.h"

#include "clang/Tooling/Core/Replacement.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"
#include "torch-keycheck/support/Files.h"
#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

using namespace llvm;
using namespace clang::tooling;

namespace torchkc {
namespace cli {
namespace {

/// The model --class or --function names.
const std::string &requestedModel() {
  return FunctionName.empty() ? ClassName : FunctionName;
}

const ModuleClass *findRequested(const RegistrationGraph &G) {
  return FunctionName.empty() ? G.find(ClassName)
                              : G.findFunction(FunctionName);
}

int requestedNotFound(const RegistrationGraph &Graph) {
  return FunctionName.empty()
             ? classNotFound(ClassName, Graph, /*ListKnown=*/false)
             : functionNotFound(FunctionName, Graph);
}

/// The options that do not fit together, refused with what does.
int refuseMisusedOptions() {
  if (!ClassName.empty() && !FunctionName.empty())
    return error("give --class or --function, not both");
  if (!ConfigurationsFile.empty())
    return error("--configurations does not apply to 'check'");
  if (Update)
    return error("--update is an option of 'golden'");
  if (Checkpoint.empty() && OptimizerCheckpoint.empty() && !Defines.empty())
    return error("'check' without a checkpoint judges the source for every "
                 "configuration; --define applies with --checkpoint");
  if ((!Checkpoint.empty() || !OptimizerCheckpoint.empty()) &&
      requestedModel().empty())
    return error("--checkpoint and --optimizer-checkpoint need --class, the "
                 "model class they are for (or --function, for a function "
                 "returning the model)");
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
  return Success;
}

/// Applies the fix-its of Fs to their files, as clang-tidy --fix does: a
/// fix-it that overlaps another is not applied. Returns how many were;
/// Error says why a file could not be rewritten.
unsigned applyFixes(const std::vector<Finding> &Fs, unsigned &Suggested,
                    std::string &Error) {
  std::map<std::string, clang::tooling::Replacements> ByFile;
  std::map<std::string, std::string> Code;
  unsigned Applied = 0;
  Suggested = 0;
  for (const Finding &F : Fs)
    for (const FixIt &X : F.Fixes) {
      if (!X.Loc.valid())
        continue;
      ++Suggested;
      std::string File = X.Loc.File.str();
      if (!Code.count(File)) {
        try {
          Code[File] = readRegularFile(File, uint64_t(1) << 30);
        } catch (const torchkc::FileError &E) {
          Error = File + ": " + E.what();
          return 0;
        }
      }
      const std::string &Text = Code[File];
      size_t Offset = byteOffsetIn(Text, X.Loc.Line, X.Loc.Column);
      if (Offset == std::string::npos || Offset + X.Length > Text.size())
        continue;
      clang::tooling::Replacement R(File, Offset, X.Length, X.Replacement);
      if (ByFile[File].add(R)) // overlaps another: left out
        continue;
      ++Applied;
    }
  for (const auto &[File, Replaces] : ByFile) {
    Expected<std::string> New =
        clang::tooling::applyAllReplacements(Code[File], Replaces);
    if (!New) {
      Error = File + ": " + toString(New.takeError());
      return 0;
    }
    std::error_code EC;
    raw_fd_ostream Out(File, EC);
    if (!EC) {
      Out << *New;
      Out.close();
      EC = Out.error();
    }
    if (EC) {
      Error = File + ": " + EC.message();
      return 0;
    }
  }
  return Applied;
}

/// What the unit of one file contributed.
struct UnitResult {
  std::vector<Finding> Found;
  /// Against a checkpoint: why no verdict could be given.
  std::string Problem;
  /// Whole source: why the project checks stopped (a file unreadable).
  std::string SiteError;
  /// Against a checkpoint: whether the unit defines --class.
  bool Judged = false;
  /// Against a checkpoint: whether the unit lacks the definition of a
  /// constructor --class runs (another unit's), so the verdict is given
  /// again on every unit's classes.
  bool NeedsLinking = false;
  /// Whole source: what the unit read, for the cache.
  std::vector<std::string> DependsOn;
  /// Whole source: the classes the unit defines constructors of, and the
  /// findings for constructors it lacks (UnitCheck), linked across units.
  std::vector<std::string> DefinedClasses;
  std::vector<std::pair<std::string, Finding>> MissingDefinitions;
};

/// The checkpoints the options name, read before anything is parsed, so
/// that a bad file fails fast.
struct Checkpoints {
  Manifest Model, Optimizer;
  bool any() const {
    return !Checkpoint.empty() || !OptimizerCheckpoint.empty();
  }
};

int readCheckpoints(Checkpoints &C) {
  ReadOptions RO;
  RO.Entry = Entry;
  try {
    if (!Checkpoint.empty())
      C.Model = readCheckpoint(Checkpoint, RO);
    if (!OptimizerCheckpoint.empty())
      C.Optimizer = readCheckpoint(OptimizerCheckpoint, RO);
  } catch (const CheckpointError &E) {
    return error(E.what());
  }
  if (!OptimizerCheckpoint.empty() && !C.Optimizer.Optimizer)
    return error(OptimizerCheckpoint + ": holds no optimizer state");
  return Success;
}

/// The verdict of loading the checkpoints into --class as TU defines it,
/// while TU's AST is alive (configurations are re-extracted as tried).
void judge(const RegistrationGraph &TU, const Checkpoints &C,
           const Configuration &Given, UnitResult &R) {
  const ModuleClass *Class = findRequested(TU);
  if (!Class)
    return;
  R.Judged = true;
  // Only a unit that lacks some constructor's definition derives once more
  // to learn whether --class needs it.
  bool UnitLacksDefinitions = std::any_of(
      TU.Classes.begin(), TU.Classes.end(), [](const ModuleClass &C) {
        return std::any_of(
            C.Constructors.begin(), C.Constructors.end(),
            [](const Constructor &Ctor) { return !Ctor.Undefined.empty(); });
      });
  // Any constructor the verdict may try (several take no define).
  for (size_t I = 0; UnitLacksDefinitions && !R.NeedsLinking &&
                     I < Class->Constructors.size();
       ++I) {
    Configuration With = Given;
    if (Class->Constructors.size() > 1)
      With.Constructor = int(I);
    R.NeedsLinking = !deriveKeys(TU, *Class, With).Undefined.empty();
  }
  if (!Given.Defines.empty()) {
    ModelKeys Probe = deriveKeys(TU, *Class, Given);
    if (!Probe.InvalidDefines.empty()) {
      R.Problem = Probe.InvalidDefines.front();
      return;
    }
  }
  if (!Checkpoint.empty()) {
    CompareOptions CO;
    CO.AllowUnexpected = AllowUnexpected;
    R.Found = checkAgainstCheckpoint(TU, *Class, Given, C.Model, CO, R.Problem);
  }
  if (OptimizerCheckpoint.empty() || !R.Problem.empty())
    return;
  ModelKeys Keys = deriveKeys(TU, *Class, Given);
  if (!isConcrete(Keys)) {
    R.Problem = "the optimizer's parameters depend on configuration; "
                "give it with --define";
    return;
  }
  for (Finding &F :
       compareOptimizerState(Keys, *C.Optimizer.Optimizer, OptimizerKind))
    R.Found.push_back(std::move(F));
}

/// What a unit's cached `check` result is found by: the analyzer, the
/// file, its compile commands and the options that change what a unit
/// contributes (not --checks or the format, applied afterwards).
std::string checkCacheKey(CompilationDatabase &DB, const std::string &File,
                          const std::string &ProjectPath) {
  return unitCacheKey(DB, File, "check") + "project=" + ProjectPath +
         "\ncheckpoint-root=" + CheckpointRoot + "\n";
}

/// Whole-source results per unit, read back instead of parsing while the
/// unit's inputs keep their content.
UnitCacheHooks cacheHooks(ResultCache &Cache, CompilationDatabase &DB,
                          const std::string &ProjectPath,
                          std::vector<UnitResult> &Results) {
  UnitCacheHooks Hooks;
  auto restore = [&](size_t File, const std::string &Text,
                     std::string &Diagnostics, int &Status) {
    nlohmann::json J = nlohmann::json::parse(Text, nullptr, false);
    if (!J.is_object())
      return false;
    Results[File].Found = findingsFromCacheJson(J.value("findings", "[]"));
    const nlohmann::json &Defined = J["defined_classes"];
    const nlohmann::json &MissingOf = J["missing_classes"];
    std::vector<Finding> Missing =
        findingsFromCacheJson(J.value("missing_definitions", "[]"));
    if (!Defined.is_array() || !MissingOf.is_array() ||
        MissingOf.size() != Missing.size())
      return false;
    for (const nlohmann::json &C : Defined)
      if (C.is_string())
        Results[File].DefinedClasses.push_back(C.get<std::string>());
    for (size_t I = 0; I < Missing.size(); ++I)
      if (MissingOf[I].is_string())
        Results[File].MissingDefinitions.push_back(
            {MissingOf[I].get<std::string>(), std::move(Missing[I])});
    Diagnostics = J.value("diagnostics", "");
    Status = J.value("status", 0);
    return true;
  };
  Hooks.Restore = [&, ProjectPath, restore](size_t File,
                                            std::string &Diagnostics,
                                            int &Status) {
    std::optional<std::string> Text =
        Cache.lookup(checkCacheKey(DB, Files[File], ProjectPath));
    if (!Text)
      return false;
    // An entry of another shape is a miss (its fields are read with the
    // types this build writes; anything else throws here).
    try {
      if (restore(File, *Text, Diagnostics, Status))
        return true;
    } catch (const nlohmann::json::exception &) {
    }
    Results[File] = UnitResult();
    return false;
  };
  Hooks.Parsed = [&, ProjectPath](size_t File, const std::string &Diagnostics,
                                  int Status) {
    const UnitResult &R = Results[File];
    // A unit stopped by an unreadable checkpoint reports that, not a result.
    if (!R.SiteError.empty() || R.DependsOn.empty())
      return;
    std::vector<Finding> Missing;
    nlohmann::json MissingOf = nlohmann::json::array();
    for (const auto &[Class, F] : R.MissingDefinitions) {
      MissingOf.push_back(Class);
      Missing.push_back(F);
    }
    nlohmann::json J = {{"findings", findingsToCacheJson(R.Found)},
                        {"defined_classes", R.DefinedClasses},
                        {"missing_classes", MissingOf},
                        {"missing_definitions", findingsToCacheJson(Missing)},
                        {"diagnostics", Diagnostics},
                        {"status", Status}};
    if (!Cache.store(checkCacheKey(DB, Files[File], ProjectPath), R.DependsOn,
                     dumpJson(J)))
      warnCacheNotWritten(Cache.directory());
  };
  return Hooks;
}

/// A finding as the de-duplication knows it.
using FindingId = std::tuple<CheckId, std::string, std::string>;
FindingId idOf(const Finding &F) { return {F.Check, F.Loc.str(), F.Message}; }

/// The configuration each finding is judged under: its unit's (as
/// clang-tidy judges a finding under its main file's); for a header's
/// finding reached from several units, the first unit's that shows it.
using ConfigChoice = std::function<const UnitConfig &(const Finding &)>;

/// Every unit's findings, in source order, a header's reached from several
/// units once; an error (returned) when a unit's project checks stopped.
/// ConfigOf[I] is unit I's configuration; Judge gets each finding's.
int wholeSourceFindings(std::vector<UnitResult> &Results,
                        const std::vector<const UnitConfig *> &ConfigOf,
                        std::vector<Finding> &Found, ConfigChoice &Judge) {
  auto Chosen = std::make_shared<std::map<FindingId, const UnitConfig *>>();
  auto Choose = [&](const Finding &F, const UnitConfig *C) {
    const UnitConfig *&Slot = (*Chosen)[idOf(F)];
    bool Shows = C->Enabled.matches(F.Check) &&
                 (!F.Loc.valid() || C->Shows.shows(F.Loc));
    if (!Slot || (Shows && !(Slot->Enabled.matches(F.Check) &&
                             (!F.Loc.valid() || Slot->Shows.shows(F.Loc)))))
      Slot = C;
  };
  // As a linker would: a constructor one unit declares and another
  // defines is no finding; one that no unit defines is.
  std::set<std::string> Defined;
  for (const UnitResult &R : Results)
    Defined.insert(R.DefinedClasses.begin(), R.DefinedClasses.end());
  for (size_t I = 0; I < Results.size(); ++I) {
    UnitResult &R = Results[I];
    if (!R.SiteError.empty())
      return error(R.SiteError);
    for (const Finding &F : R.Found)
      Choose(F, ConfigOf[I]);
    Found.insert(Found.end(), std::make_move_iterator(R.Found.begin()),
                 std::make_move_iterator(R.Found.end()));
    for (auto &[Class, F] : R.MissingDefinitions)
      if (!Defined.count(Class)) {
        Choose(F, ConfigOf[I]);
        Found.push_back(std::move(F));
      }
  }
  const UnitConfig *First = ConfigOf.front();
  Judge = [Chosen, First](const Finding &F) -> const UnitConfig & {
    auto It = Chosen->find(idOf(F));
    return It == Chosen->end() ? *First : *It->second;
  };
  sortBySourceLocation(Found);
  std::set<FindingId> Reported;
  Found.erase(std::remove_if(Found.begin(), Found.end(),
                             [&](const Finding &F) {
                               return !Reported.insert(idOf(F)).second;
                             }),
              Found.end());
  return Success;
}

/// The findings the configuration enables, NOLINT and the filters applied,
/// rendered in --format (and the fix-its to --export-fixes); Findings when
/// one is an error. Kept gets the findings shown.
int renderFindings(std::vector<Finding> &Found, const ConfigChoice &Judge,
                   const SarifInvocation &Invocation,
                   const std::string &BuildDirectory,
                   std::vector<Finding> &Kept) {
  RenderOptions Opts;
  Opts.BaseDir = currentDir();
  // Colours as clang's on a terminal, unless NO_COLOR or --use-color says
  // otherwise.
  Opts.Color = Format == "text" &&
               (UseColor == cl::BOU_UNSET
                    ? sys::Process::StandardOutIsDisplayed() &&
                          !sys::Process::GetEnv("NO_COLOR")
                    : UseColor == cl::BOU_TRUE);
  Opts.AsError = [&](const Finding &F) {
    return Judge(F).AsErrors.matches(F.Check);
  };
  SourceLines Lines;
  std::vector<Finding> Shown, Suppressed;
  size_t Warnings = 0, Errors = 0, Hidden = 0;
  for (Finding &F : Found) {
    const UnitConfig &C = Judge(F);
    if (!C.Enabled.matches(F.Check))
      continue;
    if (F.Loc.valid() && !C.Shows.shows(F.Loc)) {
      ++Hidden;
      continue;
    }
    if (isSuppressed(F, Lines)) {
      Suppressed.push_back(std::move(F));
      continue;
    }
    Severity S = effectiveSeverity(F, Opts);
    Errors += S == Severity::Error;
    Warnings += S == Severity::Warning;
    Shown.push_back(std::move(F));
  }
  if (!ExportFixes.empty()) {
    std::error_code EC;
    raw_fd_ostream YAML(ExportFixes, EC);
    if (EC)
      return error(ExportFixes + ": " + EC.message());
    SmallString<256> Main(Files.front());
    sys::fs::make_absolute(Main);
    YAML << renderFixesYaml(Shown, std::string(Main), BuildDirectory, Opts);
  }
  if (Format == "json") {
    outs() << renderFindingsJson(Shown, Suppressed.size(), Opts);
  } else if (Format == "sarif") {
    outs() << renderFindingsSarif(Shown, Suppressed, Opts, Invocation);
  } else {
    outs() << renderFindingsText(Shown, Lines, Opts);
    if (!Quiet && (Warnings || Errors || !Suppressed.empty() || Hidden)) {
      errs() << Warnings << (Warnings == 1 ? " warning" : " warnings")
             << " and " << Errors << (Errors == 1 ? " error" : " errors")
             << " generated";
      if (!Suppressed.empty())
        errs() << "; " << Suppressed.size() << " suppressed by NOLINT";
      if (Hidden)
        errs() << "; " << Hidden << " outside the header filter or "
               << "--line-filter";
      errs() << ".\n";
    }
  }
  Kept = std::move(Shown);
  return Errors ? Findings : Success;
}

/// renderFindings, then the shown findings' fix-its applied under --fix.
int emitFindings(std::vector<Finding> &Found, const ConfigChoice &Judge,
                 const SarifInvocation &Invocation,
                 const std::string &BuildDirectory) {
  std::vector<Finding> Shown;
  int Status =
      renderFindings(Found, Judge, Invocation, BuildDirectory, Shown);
  if (!Fix && !FixErrors)
    return Status;
  if (!Invocation.Successful && !FixErrors) {
    errs() << "torch-keycheck: a unit did not compile, so the fix-its are "
              "not applied (--fix-errors applies them anyway)\n";
    return Status;
  }
  unsigned Suggested = 0;
  std::string Error;
  unsigned Applied = applyFixes(Shown, Suggested, Error);
  if (!Error.empty())
    return error("cannot apply the fix-its: " + Error);
  if (Suggested)
    errs() << "torch-keycheck applied " << Applied << " of " << Suggested
           << " suggested fixes.\n";
  return Status;
}


/// The findings of the mode the options chose, from each unit's result or
/// the merged graph; an error (returned) when there are none to give.
int gather(bool AgainstCheckpoints, std::vector<UnitResult> &Results,
           const RegistrationGraph &Graph,
           const std::vector<const UnitConfig *> &ConfigOf,
           std::vector<Finding> &Found, ConfigChoice &Judge) {
  // One model, one configuration: the first source's.
  const UnitConfig *First = ConfigOf.front();
  Judge = [First](const Finding &) -> const UnitConfig & { return *First; };
  if (AgainstCheckpoints) {
    auto First = std::find_if(Results.begin(), Results.end(),
                              [](const UnitResult &R) { return R.Judged; });
    if (First == Results.end())
      return requestedNotFound(Graph);
    if (!First->Problem.empty())
      return error("cannot tell which configuration of '" + requestedModel() +
                   "' the checkpoint is for: " + First->Problem);
    Found = std::move(First->Found);
  } else if (!requestedModel().empty()) {
    const ModuleClass *C = findRequested(Graph);
    if (!C)
      return requestedNotFound(Graph);
    Found = lintClass(*C);
    // Constructors it runs that no unit defines.
    for (const Constructor &Ctor : C->Constructors)
      for (size_t I = 0; I < Ctor.MissingDefinitions.size() &&
                         I < Ctor.Undefined.size();
           ++I) {
        const ModuleClass *U = Graph.find(Ctor.Undefined[I]);
        bool Linked =
            U && std::any_of(U->Constructors.begin(), U->Constructors.end(),
                             [&](const Constructor &Other) {
                               return std::find(Other.Undefined.begin(),
                                                Other.Undefined.end(),
                                                U->Name) ==
                                      Other.Undefined.end();
                             });
        if (!Linked)
          Found.push_back({CheckId::UnresolvedKey,
                           Ctor.MissingDefinitions[I].first,
                           Ctor.MissingDefinitions[I].second +
                               " (nor in any unit analysed); the keys it "
                               "would register are not checked"});
      }
  } else if (int Status =
                 wholeSourceFindings(Results, ConfigOf, Found, Judge)) {
    return Status;
  }
  return Success;
}

int listChecks(const CheckFilter &Enabled) {
  outs() << "Enabled checks:\n";
  for (const CheckInfo &C : allChecks())
    if (Enabled.matches(C.Name))
      outs() << "    " << C.Name << "  (" << C.Summary << ")\n";
  return Success;
}

} // namespace

int runCheck(int Argc, const char **Argv) {
  std::unique_ptr<CompilationDatabase> DB = parseCommandLine(
      Argc, Argv,
      "torch-keycheck check: report registration hazards in LibTorch model "
      "classes\n",
      {&Category, &CheckCategory}, {"text", "json", "sarif"});
  // The configuration, as clang-tidy reads it: .clang-tidy files (or
  // --config, --config-file) under the command line's flags.
  std::unique_ptr<TidyConfig> Configs = TidyConfig::fromCommandLine();
  if (!Configs)
    return ToolError;
  if (ListChecks || DumpConfig || ExplainConfig) {
    // For the first source, or the current directory, as clang-tidy's.
    std::string For = !Sources.empty() ? Sources.front()
                                       : currentDir() + "/dummy.cpp";
    const UnitConfig *C = Configs->forFile(For);
    if (!C)
      return ToolError;
    if (DumpConfig)
      outs() << Configs->dump(For);
    else if (ExplainConfig)
      outs() << Configs->explain(For);
    else
      return listChecks(C->Enabled);
    return Success;
  }
  if (!DB)
    return ToolError;
  std::vector<const UnitConfig *> ConfigOf;
  for (const std::string &F : Files) {
    const UnitConfig *C = Configs->forFile(F);
    if (!C)
      return ToolError;
    ConfigOf.push_back(C);
  }
  // As clang-tidy: a configuration that enables nothing (`-*`, a misspelt
  // glob) is an error, not a run that checks nothing and passes.
  bool AnyEnabled = false;
  for (const UnitConfig *C : ConfigOf)
    for (const CheckInfo &Info : allChecks())
      AnyEnabled |= C->Enabled.matches(Info.Name);
  if (!AnyEnabled) {
    const UnitConfig &C = *ConfigOf.front();
    if (C.ChecksFrom == "command-line option '-checks'")
      return error("no checks enabled by --checks='" + Checks +
                   "' (torch-keycheck check --list-checks lists them)");
    return error("no checks enabled: Checks '" + C.ChecksThere + "' in " +
                 C.ChecksFrom +
                 " leaves no torch-* check; add torch-* to it, or pass "
                 "--checks=torch-*");
  }
  if (int Refused = refuseMisusedOptions())
    return Refused;
  if (int Refused = refuseMigrateOptions())
    return Refused;
  // CheckOptions stand in for the flags not given.
  if (ProjectFile.empty())
    ProjectFile = ConfigOf.front()->ProjectFile;
  if (CheckpointRoot.empty())
    CheckpointRoot = ConfigOf.front()->CheckpointRoot;
  Checkpoints Ckpts;
  if (int Status = readCheckpoints(Ckpts))
    return Status;
  Configuration Given;
  if (!parseDefines(Given.Defines))
    return ToolError;

  // Without a checkpoint, the whole source is judged: lints, load sites
  // and the project's goldens.
  bool WholeSource = !Ckpts.any() && requestedModel().empty();
  std::optional<Project> P;
  if (WholeSource) {
    std::string ProjectError;
    P = projectFor(ProjectFile, Files.front(), ProjectError);
    if (!ProjectError.empty())
      return error(ProjectError);
  }
  std::vector<UnitResult> Results(Files.size());
  UnitCheckOptions UO;
  UO.Project = {P ? &*P : nullptr, CheckpointRoot};
  auto OnTU = [&](size_t File, RegistrationGraph &TU) {
    UnitResult &R = Results[File];
    if (WholeSource) {
      // Each unit's own classes are linted, so a unit's contribution is
      // complete without the others' (and can be cached).
      UnitCheck U = checkUnit(TU, UO);
      R.Found = std::move(U.Findings);
      R.SiteError = std::move(U.ProjectError);
      R.DependsOn = std::move(U.DependsOn);
      R.DefinedClasses = std::move(U.DefinedClasses);
      R.MissingDefinitions = std::move(U.MissingDefinitions);
    }
    if (Ckpts.any())
      judge(TU, Ckpts, Given, R);
  };
  std::optional<ResultCache> Cache;
  if (WholeSource && !cacheDir().empty())
    Cache.emplace(cacheDir());
  std::optional<UnitCacheHooks> Hooks;
  if (Cache)
    Hooks = cacheHooks(*Cache, *DB, P ? P->File : "", Results);
  std::optional<PreambleCache> Preambles = openPreambles();
  RegistrationGraph Graph;
  int ToolStatus =
      forEachTranslationUnit(*DB, OnTU, Graph, Hooks ? &*Hooks : nullptr,
                             Preambles ? &*Preambles : nullptr);

  // As a linker would: a verdict given in a unit that lacks a constructor
  // the model runs is given again on the classes of every unit.
  for (UnitResult &R : Results)
    if (R.Judged && R.NeedsLinking) {
      R = UnitResult();
      judge(Graph, Ckpts, Given, R);
    }
  std::vector<Finding> Found;
  ConfigChoice Judge;
  if (int Status = gather(Ckpts.any(), Results, Graph, ConfigOf, Found, Judge))
    return Status;
  SarifInvocation Invocation;
  Invocation.ToolVersion = TORCHKC_VERSION;
  // Argv[0] is "<program> check".
  StringRef Program(Argv[0]);
  size_t Space = Program.rfind(' ');
  Invocation.Arguments.push_back(Program.substr(0, Space).str());
  if (Space != StringRef::npos)
    Invocation.Arguments.push_back(Program.substr(Space + 1).str());
  for (int I = 1; I < Argc; ++I)
    Invocation.Arguments.push_back(Argv[I]);
  if (ToolStatus != 0) {
    Invocation.Successful = false;
    Invocation.Problems.push_back(NotCompiled);
  }
  // The first unit's compile directory, as clang-tidy's BuildDirectory.
  SmallString<256> BuildDirectory;
  for (const CompileCommand &C : DB->getCompileCommands(Files.front()))
    BuildDirectory = C.Directory;
  sys::fs::make_absolute(BuildDirectory);
  sys::path::remove_dots(BuildDirectory, /*remove_dot_dot=*/true);
  int Status =
      emitFindings(Found, Judge, Invocation, std::string(BuildDirectory));
  if (ToolStatus != 0 && Status != ToolError)
    return error(NotCompiled);
  return Status;
}

} // namespace cli
} // namespace torchkc
