//===- MigrateCommand.cpp - torch-keycheck migrate -------------------------===//
//
// `migrate OLD --class NAME -o NEW [sources] [-- flags]`: the checkpoint
// made to fit the code as it is now. The mapping is what `check` finds
// when it compares OLD with the model's keys (children reordered in a
// container, a module renamed, a wrapper's prefix, a sub-module saved
// alone), nothing guessed: a key with no target, or a tensor of another
// shape, stops the migration with the list. The mapping is printed, can be
// written for review (--mapping-out) and applied as reviewed (--mapping);
// NEW is written by rewriteCheckpoint, which loads no tensor and runs no
// pickle, and never in place; with --format libtorch, by
// writeModuleArchive as the module archive C++'s torch::load reads, laid
// out as the model's module tree (which a torch::save checkpoint always
// is written as).
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Driver.h"
#include "PreambleCache.h"

#include "torch-keycheck/checkpoint/Manifest.h"
#include "torch-keycheck/checkpoint/Rewrite.h"
#include "torch-keycheck/keys/ModelKeys.h"
#include "torch-keycheck/support/Files.h"
#include "torch-keycheck/verdict/LoadVerdict.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <optional>

using namespace llvm;
using namespace clang::tooling;

namespace torchkc {
namespace cli {

static cl::OptionCategory MigrateCategory("torch-keycheck migrate options");
static cl::opt<std::string> Output("o", cl::desc("The migrated checkpoint"),
                                   cl::value_desc("file"),
                                   cl::cat(MigrateCategory));
static cl::opt<bool>
    DryRun("dry-run", cl::desc("Print the mapping; write no checkpoint"),
           cl::cat(MigrateCategory));
static cl::opt<std::string>
    MappingOut("mapping-out",
               cl::desc("Write the mapping as JSON, for review"),
               cl::value_desc("file"), cl::cat(MigrateCategory));
static cl::opt<std::string>
    MappingIn("mapping",
              cl::desc("Apply this mapping (as --mapping-out wrote it, "
                       "reviewed) instead of deriving one from the sources"),
              cl::value_desc("file"), cl::cat(MigrateCategory));
static cl::opt<bool> DropUnexpected(
    "drop-unexpected",
    cl::desc("Leave out the checkpoint's keys the model has no key for"),
    cl::cat(MigrateCategory));

int refuseMigrateOptions() {
  if (Output.getNumOccurrences() || DryRun || MappingOut.getNumOccurrences() ||
      MappingIn.getNumOccurrences() || DropUnexpected)
    return error("-o, --dry-run, --mapping, --mapping-out and "
                 "--drop-unexpected are options of 'migrate'");
  return Success;
}

namespace {

/// The options of check, keys and golden, refused by name.
int refuseOtherCommandsOptions() {
  if (Checks.getNumOccurrences() || WarningsAsErrors.getNumOccurrences() ||
      ListChecks || !Checkpoint.empty() || AllowUnexpected ||
      !ExportFixes.empty() || !OptimizerCheckpoint.empty() ||
      !OptimizerKind.empty() || Config.getNumOccurrences() ||
      !ConfigFile.empty() || DumpConfig || ExplainConfig || Fix ||
      FixErrors || Update || !ConfigurationsFile.empty())
    return error("the checkpoint to migrate is the first argument; "
                 "--checkpoint, --checks, --fix, --update and the other "
                 "options of 'check', 'keys' and 'golden' do not apply to "
                 "'migrate'");
  if (Format.getNumOccurrences() && Format != "libtorch")
    return error("migrate writes NEW in OLD's format, or with --format "
                 "libtorch as the module archive C++'s torch::load reads; "
                 "not '" + Format + "'");
  return Success;
}

bool writesModuleArchive() { return Format.getNumOccurrences() > 0; }

const char Usage[] =
    "usage: torch-keycheck migrate OLD --class NAME [--define name=value]... "
    "[--format libtorch] -o NEW [sources] [-- flags]\n"
    "       torch-keycheck migrate OLD --mapping FILE.json [--format "
    "libtorch] -o NEW\n";

/// What the migration does, and to what.
struct Plan {
  std::string Class;
  KeyMapping Map;
  KeyRewrite Rewrite;
  /// The model's modules and tensors, for --format libtorch; empty when
  /// a mapping file did not record them.
  ModuleTree Tree;
};

/// What torch::save writes of the model: every module but Functional ones
/// (not serializable), every key with its kind.
ModuleTree moduleTree(const ModelKeys &Keys) {
  ModuleTree T;
  // A Functional wraps a function: it holds nothing and has no children.
  for (const ModuleInstance &M : Keys.Modules)
    if (M.Origin != "Functional")
      T.Modules.push_back(M.Path);
  for (bool Buffers : {false, true})
    for (const Key &K : Keys.Keys)
      if ((K.K == Key::Kind::Buffer) == Buffers)
        T.Tensors.push_back({K.Name, Buffers});
  return T;
}

int printPlan(const Plan &P, const std::string &Old) {
  outs() << "'" << Old << "' for '" << P.Class << "':\n";
  size_t Width = 0;
  for (const KeyMapping::Rename &R : P.Map.Renames)
    Width = std::max(Width, R.From.size());
  for (const std::string &K : P.Rewrite.Drop)
    Width = std::max(Width, K.size());
  for (const KeyMapping::Rename &R : P.Map.Renames)
    outs() << "  " << R.From << std::string(Width - R.From.size() + 2, ' ')
           << "-> " << R.To << (R.Why.empty() ? "" : "  (" + R.Why + ")")
           << "\n";
  for (const std::string &K : P.Rewrite.Drop)
    outs() << "  " << K << std::string(Width - K.size() + 2, ' ')
           << "-> (dropped: the model has no such key)\n";
  if (!P.Rewrite.ParameterMoves.empty()) {
    outs() << "  parameters in another order; optimizer state beside the "
              "state dict follows them:";
    for (const auto &[From, To] : P.Rewrite.ParameterMoves)
      if (From != To)
        outs() << " " << From << "->" << To;
    outs() << "\n";
  }
  outs() << "  " << P.Map.Same.size()
         << (P.Map.Same.size() == 1 ? " key keeps its name" : " keys keep their names")
         << "\n";
  return Success;
}

/// The mapping in a file --mapping-out wrote; errors name the file.
bool readMapping(const std::string &Path, Plan &P) {
  std::string Text;
  try {
    Text = readRegularFile(Path, 64u << 20);
  } catch (const FileError &E) {
    error(Path + ": " + E.what());
    return false;
  }
  nlohmann::json J = nlohmann::json::parse(Text, nullptr, false);
  auto Bad = [&](const std::string &Why) {
    error(Path + ": not a migration mapping: " + Why);
    return false;
  };
  if (!J.is_object() || !J.contains("version") || J["version"] != 1)
    return Bad("expected {\"version\": 1, ...}");
  if (!J["rename"].is_array() || !J["drop"].is_array())
    return Bad("it needs 'rename' and 'drop' lists");
  if (J.contains("class") && !J["class"].is_string())
    return Bad("'class' is not a string");
  P.Class = J.value("class", "");
  // A field of an object, when it is a string (const operator[] on a
  // missing key is undefined behaviour).
  auto Field = [](const nlohmann::json &O, const char *Name) {
    auto It = O.find(Name);
    return It != O.end() && It->is_string()
               ? std::optional<std::string>(It->get<std::string>())
               : std::nullopt;
  };
  for (const nlohmann::json &R : J["rename"]) {
    std::optional<std::string> From, To, Why;
    if (R.is_object()) {
      From = Field(R, "from");
      To = Field(R, "to");
      Why = Field(R, "why");
    }
    if (!From || !To || To->empty())
      return Bad("each rename needs 'from' and 'to' strings");
    if (!P.Rewrite.Rename.emplace(*From, *To).second)
      return Bad("'" + *From + "' is renamed twice");
    P.Map.Renames.push_back({*From, *To, Why.value_or("")});
  }
  for (const nlohmann::json &D : J["drop"]) {
    if (!D.is_string())
      return Bad("'drop' lists key names");
    P.Rewrite.Drop.insert(D.get<std::string>());
  }
  if (J.contains("model")) {
    const nlohmann::json &Model = J["model"];
    auto Names = [&](const char *Field, std::vector<std::string> &Out) {
      auto It = Model.is_object() ? Model.find(Field) : Model.end();
      if (It == Model.end() || !It->is_array())
        return false;
      for (const nlohmann::json &N : *It) {
        if (!N.is_string())
          return false;
        Out.push_back(N.get<std::string>());
      }
      return true;
    };
    std::vector<std::string> Params, Buffers;
    if (!Names("modules", P.Tree.Modules) || !Names("parameters", Params) ||
        !Names("buffers", Buffers))
      return Bad("'model' lists 'modules', 'parameters' and 'buffers' by "
                 "name");
    for (std::string &N : Params)
      P.Tree.Tensors.push_back({std::move(N), false});
    for (std::string &N : Buffers)
      P.Tree.Tensors.push_back({std::move(N), true});
  }
  if (J.contains("parameter_moves")) {
    const nlohmann::json &Moves = J["parameter_moves"];
    std::set<int64_t> To;
    for (const nlohmann::json &Move : Moves.is_array() ? Moves
                                                        : nlohmann::json())
      if (Move.is_array() && Move.size() == 2 &&
          Move[0].is_number_integer() && Move[1].is_number_integer() &&
          Move[1].get<int64_t>() >= 0 &&
          Move[1].get<int64_t>() < int64_t(Moves.size()) &&
          To.insert(Move[1].get<int64_t>()).second &&
          P.Rewrite.ParameterMoves
              .emplace(Move[0].get<int64_t>(), Move[1].get<int64_t>())
              .second)
        continue;
      else
        return Bad("'parameter_moves' is a permutation: [[from, to], ...]");
    if (!Moves.is_array() || P.Rewrite.ParameterMoves.size() != Moves.size())
      return Bad("'parameter_moves' is a permutation: [[from, to], ...]");
  }
  return true;
}

bool writeMapping(const std::string &Path, const Plan &P,
                  const std::string &Old) {
  nlohmann::json Renames = nlohmann::json::array();
  for (const KeyMapping::Rename &R : P.Map.Renames)
    Renames.push_back({{"from", R.From}, {"to", R.To}, {"why", R.Why}});
  nlohmann::json J = {{"version", 1},
                      {"checkpoint", Old},
                      {"entry", Entry.getValue()},
                      {"class", P.Class},
                      {"rename", Renames},
                      {"drop", P.Rewrite.Drop}};
  if (!P.Tree.Tensors.empty()) {
    nlohmann::json Params = nlohmann::json::array(),
                   Buffers = nlohmann::json::array();
    for (const auto &[Name, Buffer] : P.Tree.Tensors)
      (Buffer ? Buffers : Params).push_back(Name);
    // What --format libtorch lays the state dict out as.
    J["model"] = {{"modules", P.Tree.Modules},
                  {"parameters", Params},
                  {"buffers", Buffers}};
  }
  if (!P.Rewrite.ParameterMoves.empty()) {
    nlohmann::json Moves = nlohmann::json::array();
    for (const auto &[From, To] : P.Rewrite.ParameterMoves)
      Moves.push_back({From, To});
    J["parameter_moves"] = Moves;
  }
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  if (!EC) {
    OS << J.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
       << "\n";
    OS.close();
    EC = OS.error();
  }
  if (EC) {
    error(Path + ": " + EC.message());
    return false;
  }
  return true;
}

/// The mapping from the sources: --class's keys under the defines,
/// compared with the checkpoint. Exit 1 when it is not whole.
int deriveMapping(CompilationDatabase &DB, const Manifest &M, Plan &P) {
  Configuration Given;
  if (!parseDefines(Given.Defines))
    return ToolError;
  std::optional<ModelKeys> Keys;
  std::string Problem;
  auto OnTU = [&](size_t, RegistrationGraph &TU) {
    if (Keys)
      return;
    const ModuleClass *C = FunctionName.empty() ? TU.find(ClassName)
                                                : TU.findFunction(FunctionName);
    if (!C)
      return;
    Keys = deriveKeys(TU, *C, Given);
    Keys->Function = !FunctionName.empty();
  };
  RegistrationGraph Graph;
  std::optional<PreambleCache> Preambles = openPreambles();
  int ToolStatus =
      forEachTranslationUnit(DB, OnTU, Graph, nullptr,
                             Preambles ? &*Preambles : nullptr);
  if (!Keys)
    return FunctionName.empty() ? classNotFound(ClassName, Graph, false)
                                : functionNotFound(FunctionName, Graph);
  linkAcrossUnits(Graph, *Keys);
  if (ToolStatus != 0)
    return error(NotCompiled);
  P.Class = Keys->Class;
  P.Tree = moduleTree(*Keys);
  if (!Keys->InvalidDefines.empty())
    return error(Keys->InvalidDefines.front());
  if (!Keys->Undefined.empty())
    return error("the constructor of '" + Keys->Undefined.front() +
                 "' is in no unit given: add the .cpp that defines it");
  if (!isConcrete(*Keys)) {
    std::string Knobs;
    for (const std::string &K : Keys->Knobs)
      Knobs += (Knobs.empty() ? "'" : ", '") + K + "'";
    return error("the keys of '" + Keys->Class +
                 "' still depend on its configuration" +
                 (Knobs.empty() ? std::string()
                                : " (" + Knobs + ")") +
                 "; give the values the code is built with (--define), "
                 "e.g. as 'check --checkpoint' names them");
  }
  CompareOptions Opts;
  Opts.Mapping = &P.Map;
  compareWithCheckpoint(*Keys, M, Opts);
  // Nothing guessed: what has no place stops the migration.
  auto List = [](const std::vector<std::string> &Keys) {
    std::string S;
    for (size_t I = 0; I < Keys.size() && I < 20; ++I)
      S += "\n  " + Keys[I];
    if (Keys.size() > 20)
      S += "\n  ... and " + std::to_string(Keys.size() - 20) + " more";
    return S;
  };
  if (!P.Map.Mismatched.empty()) {
    errs() << "torch-keycheck: cannot migrate: these keys have another "
              "shape or dtype in the checkpoint (a migration renames, it "
              "does not reshape):"
           << List(P.Map.Mismatched) << "\n";
    return Findings;
  }
  if (!P.Map.Missing.empty()) {
    errs() << "torch-keycheck: cannot migrate: nothing in the checkpoint "
              "is these keys of '"
           << P.Class << "':" << List(P.Map.Missing) << "\n";
    return Findings;
  }
  if (!P.Map.Unexpected.empty() && !DropUnexpected) {
    errs() << "torch-keycheck: cannot migrate: '" << P.Class
           << "' has no key for these keys of the checkpoint (pass "
              "--drop-unexpected to leave them out):"
           << List(P.Map.Unexpected) << "\n";
    return Findings;
  }
  for (const KeyMapping::Rename &R : P.Map.Renames)
    P.Rewrite.Rename[R.From] = R.To;
  P.Rewrite.Drop.insert(P.Map.Unexpected.begin(), P.Map.Unexpected.end());
  // Positional optimizer state follows the parameters: the checkpoint's
  // parameters in its order (what parameters() gave when it was saved),
  // against the model's now.
  std::map<std::string, int64_t> Now;
  for (const Key &K : Keys->Keys)
    if (K.K == Key::Kind::Parameter)
      Now.emplace(K.Name, int64_t(Now.size()));
  std::vector<int64_t> Then;
  for (const ManifestKey &K : M.Keys) {
    auto R = P.Rewrite.Rename.find(K.Name);
    auto It = Now.find(R == P.Rewrite.Rename.end() ? K.Name : R->second);
    if (It != Now.end())
      Then.push_back(It->second);
  }
  if (Then.size() == Now.size())
    for (size_t I = 0; I < Then.size(); ++I)
      P.Rewrite.ParameterMoves[int64_t(I)] = Then[I];
  if (std::all_of(P.Rewrite.ParameterMoves.begin(),
                  P.Rewrite.ParameterMoves.end(),
                  [](const auto &M) { return M.first == M.second; }))
    P.Rewrite.ParameterMoves.clear();
  return Success;
}

} // namespace

int runMigrate(int Argc, const char **Argv) {
  if (Argc >= 2 && (StringRef(Argv[1]) == "--help" ||
                    StringRef(Argv[1]) == "-h")) {
    outs() << Usage << "\n";
    const char *Help[] = {Argv[0], "--help"};
    cl::HideUnrelatedOptions({&Category, &MigrateCategory});
    cl::ParseCommandLineOptions(2, Help,
                                "torch-keycheck migrate: rename a "
                                "checkpoint's keys to fit the code\n");
    return Success;
  }
  if (Argc < 2 || StringRef(Argv[1]).starts_with("-")) {
    errs() << Usage;
    return error("the checkpoint to migrate comes first");
  }
  std::string Old = Argv[1];
  std::vector<const char *> Args(Argv, Argv + Argc);
  Args.erase(Args.begin() + 1);
  bool FromFile = std::any_of(Args.begin(), Args.end(), [](const char *A) {
    StringRef S(A);
    return S == "--mapping" || S.starts_with("--mapping=") || S == "-mapping" ||
           S.starts_with("-mapping=");
  });
  std::unique_ptr<CompilationDatabase> DB;
  if (FromFile) {
    cl::HideUnrelatedOptions({&Category, &MigrateCategory});
    if (!cl::ParseCommandLineOptions(int(Args.size()), Args.data(), "",
                                     &errs()))
      return ToolError;
    if (!Sources.empty() || !ClassName.empty() || !Defines.empty())
      return error("--mapping applies a mapping as it is: give no sources, "
                   "--class or --define with it");
    if (int Refused = refuseOtherCommandsOptions())
      return Refused;
  } else {
    DB = parseCommandLine(int(Args.size()), Args.data(),
                          "torch-keycheck migrate: rename a checkpoint's "
                          "keys to fit the code\n",
                          {&Category, &MigrateCategory}, {"libtorch"});
    if (int Refused = refuseOtherCommandsOptions())
      return Refused;
    if (!DB)
      return ToolError;
    if (ClassName.empty() == FunctionName.empty())
      return error("give the model with --class (or --function)");
  }
  if (Output.empty() && !DryRun && MappingOut.empty())
    return error("give the migrated checkpoint's name with -o (or "
                 "--dry-run, --mapping-out)");
  if (!Output.empty() && sys::fs::equivalent(Output, Old))
    return error(Output + ": is the checkpoint to migrate: migrate never "
                          "writes in place");
  ReadOptions RO;
  RO.Entry = Entry;
  Manifest M;
  try {
    M = readCheckpoint(Old, RO);
  } catch (const CheckpointError &E) {
    return error(E.what());
  }
  if (M.Optimizer && M.Keys.empty() && M.Format == "torch::save")
    return error(Old + ": holds C++ optimizer state (torch::save(optimizer)), "
                       "no model keys: migrate the model's checkpoint. This "
                       "state is by position and migrate does not move it: "
                       "it still fits when the parameters kept their order "
                       "(check --optimizer-checkpoint says)");
  if (M.Optimizer && M.Keys.empty())
    return error(Old + ": holds optimizer state, not a model's: name the "
                       "model's entry with --entry");

  Plan P;
  if (FromFile) {
    if (!readMapping(MappingIn, P))
      return ToolError;
    P.Map.Same.clear();
    for (const ManifestKey &K : M.Keys)
      if (!P.Rewrite.Rename.count(K.Name) && !P.Rewrite.Drop.count(K.Name))
        P.Map.Same.push_back(K.Name);
  } else if (int Status = deriveMapping(*DB, M, P)) {
    return Status;
  }
  printPlan(P, Old);
  if (!MappingOut.empty() && !writeMapping(MappingOut, P, Old))
    return ToolError;
  // A torch::save checkpoint stays one: C++ loads nothing else.
  bool ModuleArchive = writesModuleArchive() || M.Format == "torch::save";
  if (FromFile && ModuleArchive && P.Tree.Tensors.empty())
    return error(MappingIn + ": records no 'model' (its modules, parameters "
                             "and buffers), which a module archive "
                             "(--format libtorch, a torch::save checkpoint) "
                             "is laid out as: write the mapping again with "
                             "--mapping-out from the sources");
  if (DryRun || Output.empty())
    return Success;
  try {
    RewriteResult R =
        ModuleArchive
            ? writeModuleArchive(Old, Output, P.Rewrite, P.Tree, RO)
            : rewriteCheckpoint(Old, Output, P.Rewrite, RO);
    errs() << "wrote " << Output << " (" << R.Format << "): " << R.Renamed
           << (R.Renamed == 1 ? " key" : " keys") << " renamed, "
           << R.Dropped << " dropped, " << R.BytesCopied
           << " bytes of tensors copied as they were";
    if (R.OptimizersMoved)
      errs() << "; the state of " << R.OptimizersMoved
             << (R.OptimizersMoved == 1 ? " optimizer" : " optimizers")
             << " moved with its parameters";
    if (R.EntriesLeftOut)
      errs() << "; " << R.EntriesLeftOut
             << (R.EntriesLeftOut == 1 ? " entry" : " entries")
             << " beside the state dict (optimizer state, counters) left "
                "out: a module archive holds the model alone";
    errs() << "\n";
  } catch (const CheckpointError &E) {
    return error(E.what());
  }
  return Success;
}

} // namespace cli
} // namespace torchkc
