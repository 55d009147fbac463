//===- KeysCommand.cpp - torch-keycheck keys ------------------------------===//
//
// Lists the keys of the classes asked for (--class, --configurations) or of
// every class, derived while each unit's AST is alive so that constructors
// can be re-extracted with the values known; the first file that defines a
// class answers for it.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Driver.h"
#include "PreambleCache.h"

#include "torch-keycheck/keys/Configurations.h"
#include "torch-keycheck/keys/ModelKeys.h"
#include "torch-keycheck/output/KeysOutput.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <set>

using namespace llvm;
using namespace clang::tooling;

namespace torchkc {
namespace cli {
namespace {

/// The options of other commands, refused by name.
int refuseOtherCommandsOptions() {
  if (Checks.getNumOccurrences() || WarningsAsErrors.getNumOccurrences() ||
      ListChecks || !Checkpoint.empty() || !Entry.empty() || AllowUnexpected ||
      !ExportFixes.empty() || !OptimizerCheckpoint.empty() ||
      !OptimizerKind.empty() || Config.getNumOccurrences() ||
      !ConfigFile.empty() || DumpConfig || ExplainConfig)
    return error("--checks, --warnings-as-errors, --list-checks, "
                 "--checkpoint, --optimizer-checkpoint, --optimizer, --entry, "
                 "--allow-unexpected, --export-fixes and the configuration "
                 "options (--config, --config-file, --dump-config, "
                 "--explain-config) are options of 'check'");
  if (Update)
    return error("--update is an option of 'golden'");
  return Success;
}

/// What to derive: the configurations file's entries, or --class with the
/// defines; none means every class. False after reporting a problem.
bool requests(std::vector<ClassConfiguration> &Out,
              Configuration &CommandLine) {
  if (!ConfigurationsFile.empty()) {
    if (!ClassName.empty() || !FunctionName.empty() || !Defines.empty()) {
      error("--configurations cannot be combined with --class, --function "
            "or --define");
      return false;
    }
    std::string Err;
    if (!loadConfigurations(ConfigurationsFile, Out, Err)) {
      error(Err);
      return false;
    }
  }
  if (!parseDefines(CommandLine.Defines))
    return false;
  if (!ClassName.empty() && !FunctionName.empty()) {
    error("give --class or --function, not both");
    return false;
  }
  if (Out.empty() && !ClassName.empty())
    Out.push_back({ClassName, CommandLine});
  if (Out.empty() && !FunctionName.empty())
    Out.push_back({FunctionName, CommandLine, /*Function=*/true});
  return true;
}

/// Per file, the keys derived from it: of every class it defines (then a
/// define applies wherever a constructor takes it), or of each request
/// whose class it defines.
struct DerivedPerFile {
  std::vector<std::vector<ModelKeys>> EveryModel;
  std::vector<std::vector<std::optional<ModelKeys>>> Requested;
};

void deriveFrom(const RegistrationGraph &TU, const Configuration &CommandLine,
                const std::vector<ClassConfiguration> &Requests,
                std::vector<ModelKeys> &EveryModel,
                std::vector<std::optional<ModelKeys>> &Requested) {
  if (Requests.empty()) {
    for (const ModuleClass &C : TU.Classes) {
      Configuration Config;
      for (const Constructor &Ctor : C.Constructors)
        for (const ConstructorParam &P : Ctor.Params)
          if (const SymExprPtr *Given = P.definedIn(CommandLine.Defines))
            Config.Defines[P.Name] = *Given;
          else
            for (const auto &D : CommandLine.Defines)
              if (P.fieldOwner(D.first))
                Config.Defines[D.first] = D.second;
      EveryModel.push_back(deriveKeys(TU, C, Config));
    }
    return;
  }
  for (size_t I = 0; I < Requests.size(); ++I) {
    const ClassConfiguration &R = Requests[I];
    if (const ModuleClass *C = findModel(TU, R)) {
      Requested[I] = deriveKeys(TU, *C, R.Config);
      Requested[I]->Function = R.Function;
    }
  }
}

/// The models to print, first file first; an error (returned) when a
/// request found no class or a define no parameter.
int collect(DerivedPerFile &Derived, const RegistrationGraph &Graph,
            const std::vector<ClassConfiguration> &Requests,
            const Configuration &CommandLine, std::vector<ModelKeys> &Models) {
  std::vector<std::optional<ModelKeys>> Results(Requests.size());
  std::set<std::string> Seen, UsedDefines;
  for (size_t File = 0; File < Files.size(); ++File) {
    for (ModelKeys &M : Derived.EveryModel[File])
      if (Seen.insert(M.Class).second) {
        for (const auto &D : M.Config.Defines)
          UsedDefines.insert(D.first);
        Models.push_back(std::move(M));
      }
    for (size_t I = 0; I < Requests.size(); ++I)
      if (!Results[I] && Derived.Requested[File][I])
        Results[I] = std::move(Derived.Requested[File][I]);
  }
  for (size_t I = 0; I < Requests.size(); ++I) {
    if (!Results[I])
      return Requests[I].Function
                 ? functionNotFound(Requests[I].Class, Graph)
                 : classNotFound(Requests[I].Class, Graph, /*ListKnown=*/true);
    if (!Results[I]->UnusedDefines.empty())
      return error("'" + Results[I]->Class +
                   "' has no constructor parameter named '" +
                   Results[I]->UnusedDefines.front() + "'");
    if (!Results[I]->InvalidDefines.empty())
      return error(Results[I]->InvalidDefines.front());
    Models.push_back(std::move(*Results[I]));
  }
  if (Requests.empty())
    for (const auto &D : CommandLine.Defines)
      if (!UsedDefines.count(D.first))
        return error("no model class has a constructor parameter named '" +
                     D.first + "'");
  return Success;
}

} // namespace

int runKeys(int Argc, const char **Argv) {
  std::unique_ptr<CompilationDatabase> DB = parseCommandLine(
      Argc, Argv,
      "torch-keycheck keys: list the state_dict keys of LibTorch model "
      "classes\n",
      {&Category}, {"text", "json"});
  if (int Refused = refuseOtherCommandsOptions())
    return Refused;
  if (int Refused = refuseMigrateOptions())
    return Refused;
  if (!DB)
    return ToolError;
  std::vector<ClassConfiguration> Requests;
  Configuration CommandLine;
  if (!requests(Requests, CommandLine))
    return ToolError;

  DerivedPerFile Derived;
  Derived.EveryModel.resize(Files.size());
  Derived.Requested.assign(
      Files.size(), std::vector<std::optional<ModelKeys>>(Requests.size()));
  auto OnTU = [&](size_t File, RegistrationGraph &TU) {
    deriveFrom(TU, CommandLine, Requests, Derived.EveryModel[File],
               Derived.Requested[File]);
  };
  RegistrationGraph Graph;
  std::optional<PreambleCache> Preambles = openPreambles();
  int ToolStatus = forEachTranslationUnit(*DB, OnTU, Graph, nullptr,
                                          Preambles ? &*Preambles : nullptr);
  bool AsksForFunctions =
      std::any_of(Requests.begin(), Requests.end(),
                  [](const ClassConfiguration &R) { return R.Function; });
  if (Graph.Classes.empty() && !AsksForFunctions) {
    std::string Functions;
    for (const ModuleClass &F : Graph.Functions)
      Functions += (Functions.empty() ? "" : ", ") + F.Name;
    return error("no class deriving from torch::nn::Module in the sources" +
                 (Functions.empty()
                      ? std::string()
                      : "; name a function returning a module with "
                        "--function (" +
                            Functions + ")"));
  }

  for (auto &PerFile : Derived.EveryModel)
    for (ModelKeys &M : PerFile)
      linkAcrossUnits(Graph, M);
  for (auto &PerFile : Derived.Requested)
    for (std::optional<ModelKeys> &M : PerFile)
      if (M)
        linkAcrossUnits(Graph, *M);
  std::vector<ModelKeys> Models;
  if (int Status = collect(Derived, Graph, Requests, CommandLine, Models))
    return Status;
  if (Format == "json")
    outs() << renderKeysJson(Models);
  else
    outs() << renderKeysText(Models, currentDir());
  if (ToolStatus != 0)
    return error(NotCompiled);
  return Success;
}

} // namespace cli
} // namespace torchkc
