//===- GoldenCommand.cpp - torch-keycheck golden --------------------------===//
//
// Compares each model the project file names, in its configuration, with
// its golden manifest and prints a key-level diff; with --update, writes
// the goldens that changed instead.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Driver.h"
#include "PreambleCache.h"

#include "torch-keycheck/keys/ModelKeys.h"
#include "torch-keycheck/project/Golden.h"
#include "torch-keycheck/project/Project.h"
#include "torch-keycheck/project/ProjectCheck.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <sstream>

using namespace llvm;
using namespace clang::tooling;

namespace torchkc {
namespace cli {
namespace {

using ModelsOfFile = std::vector<std::optional<ModelKeys>>;

/// Derives, while TU's AST is alive, the keys of each project model that
/// TU defines and Out does not hold yet.
void deriveProjectModels(const Project &P, RegistrationGraph &TU,
                         ModelsOfFile &Out) {
  for (size_t I = 0; I < P.Models.size(); ++I)
    if (!Out[I])
      if (const ModuleClass *C = findModel(TU, P.Models[I].Model))
        Out[I] = deriveKeys(TU, *C, P.Models[I].Model.Config);
}

/// The first file's keys of each project model, checked to be a golden's:
/// every key and size decided by the model's defines. Models no file
/// defines stay empty. Sets Error on the first that is not.
ModelsOfFile projectModels(const Project &P, std::vector<ModelsOfFile> &PerFile,
                           std::string &Error) {
  ModelsOfFile Models(P.Models.size());
  for (ModelsOfFile &FileModels : PerFile)
    for (size_t I = 0; I < Models.size(); ++I)
      if (!Models[I] && FileModels[I])
        Models[I] = std::move(FileModels[I]);
  for (size_t I = 0; I < Models.size() && Error.empty(); ++I)
    if (Models[I])
      Error = goldenModelProblem(P, I, *Models[I]);
  return Models;
}

/// `'Net' ('small')`: a project model as messages name it.
std::string label(const ProjectModel &PM) {
  return "'" + PM.Model.Class + "'" +
         (PM.Model.Config.Name.empty() ? ""
                                       : " ('" + PM.Model.Config.Name + "')");
}

std::string counted(const ModelKeys &Keys) {
  size_t N = Keys.Keys.size();
  return std::to_string(N) + (N == 1 ? " key" : " keys");
}

/// Writes PM's golden from Keys when its text changed.
/// Why `golden --update` must not write PM's golden, or empty: a project
/// file (one a cloned repository brings) may have it write only inside its
/// project, and only over a golden manifest.
std::string refusedGolden(const Project &P, const ProjectModel &PM) {
  if (!isInsideProject(P.Dir, PM.Golden))
    return "golden '" + PM.GoldenWritten + "' is outside the project (" +
           P.Dir + "); golden --update writes only inside it";
  sys::fs::file_status St;
  if (sys::fs::status(PM.Golden, St))
    return ""; // not there yet
  if (!sys::fs::is_regular_file(St))
    return shownPath(PM.Golden) + ": not a regular file; golden --update "
                                  "overwrites only golden manifests";
  auto Old = MemoryBuffer::getFile(PM.Golden, /*IsText=*/true);
  nlohmann::json J =
      Old && (*Old)->getBufferSize() < (64u << 20)
          ? nlohmann::json::parse((*Old)->getBuffer(), nullptr, false)
          : nlohmann::json();
  if (!J.is_object() || !J.contains("keys") || !J["keys"].is_array())
    return shownPath(PM.Golden) + ": exists and is not a golden manifest; "
                                  "golden --update overwrites only golden "
                                  "manifests";
  return "";
}

int update(const ProjectModel &PM, const ModelKeys &Keys) {
  std::string Shown = shownPath(PM.Golden);
  std::string Text = goldenToJson(goldenManifest(Keys));
  std::ifstream Old(PM.Golden);
  std::stringstream OldText;
  OldText << Old.rdbuf();
  if (Old && OldText.str() == Text) {
    outs() << Shown << ": " << label(PM) << " up to date, " << counted(Keys)
           << "\n";
    return Success;
  }
  sys::fs::create_directories(sys::path::parent_path(PM.Golden));
  std::error_code EC;
  raw_fd_ostream Out(PM.Golden, EC);
  if (EC)
    return error(Shown + ": " + EC.message());
  Out << Text;
  outs() << Shown << ": " << label(PM) << " written, " << counted(Keys) << "\n";
  return Success;
}

/// Compares Keys with PM's golden; sets Drift when they differ.
int compare(const ProjectModel &PM, const ModelKeys &Keys, bool &Drift) {
  std::string Shown = shownPath(PM.Golden);
  if (!sys::fs::exists(PM.Golden)) {
    outs() << Shown << ": " << label(PM)
           << " has no golden yet; write it with 'torch-keycheck golden "
              "--update'\n";
    Drift = true;
    return Success;
  }
  Manifest G;
  try {
    G = readCheckpoint(PM.Golden);
  } catch (const CheckpointError &E) {
    return error(E.what());
  }
  std::vector<KeyChange> Changes = diffWithGolden(Keys, G);
  if (Changes.empty()) {
    outs() << Shown << ": " << label(PM) << " up to date, " << counted(Keys)
           << "\n";
    return Success;
  }
  Drift = true;
  outs() << Shown << ": " << label(PM) << " " << driftSummary(Changes) << "\n"
         << renderKeyDiff(Changes);
  return Success;
}

/// The project the first source belongs to; an error when there is none.
std::optional<Project> goldenProject(int &Status) {
  std::string ProjectError;
  std::optional<Project> P =
      projectFor(ProjectFile, Files.front(), ProjectError);
  Status = ToolError;
  if (!ProjectError.empty()) {
    error(ProjectError);
    return std::nullopt;
  }
  if (!P) {
    error("no " + std::string(ProjectFileName) + " at or above '" +
          Files.front() +
          "' (or --project): it names the models that have "
          "goldens");
    return std::nullopt;
  }
  if (P->Models.empty()) {
    error(shownPath(P->File) + ": names no models");
    return std::nullopt;
  }
  Status = Success;
  return P;
}

} // namespace

int runGolden(int Argc, const char **Argv) {
  std::unique_ptr<CompilationDatabase> DB = parseCommandLine(
      Argc, Argv,
      "torch-keycheck golden: compare the keys of the models a project file "
      "names with their golden manifests, or write them (--update)\n",
      {&Category, &GoldenCategory}, {"text", "json"});
  if (!ClassName.empty() || !FunctionName.empty() || !Defines.empty() ||
      !ConfigurationsFile.empty() ||
      !Checkpoint.empty() || !OptimizerCheckpoint.empty() ||
      Format.getNumOccurrences())
    return error("'golden' takes its models and configurations from the "
                 "project file; --class, --function, --define, "
                 "--configurations, "
                 "--checkpoint and --format do not apply");
  if (int Refused = refuseMigrateOptions())
    return Refused;
  if (!DB)
    return ToolError;
  int Status;
  std::optional<Project> P = goldenProject(Status);
  if (!P)
    return Status;
  // Before anything is parsed or written.
  for (size_t I = 0; Update && I < P->Models.size(); ++I)
    if (std::string Why = refusedGolden(*P, P->Models[I]); !Why.empty())
      return error(P->File + ": models[" + std::to_string(I) + "]: " + Why);

  std::vector<ModelsOfFile> PerFile(Files.size(),
                                    ModelsOfFile(P->Models.size()));
  auto OnTU = [&](size_t File, RegistrationGraph &TU) {
    deriveProjectModels(*P, TU, PerFile[File]);
  };
  RegistrationGraph Graph;
  std::optional<PreambleCache> Preambles = openPreambles();
  int ToolStatus = forEachTranslationUnit(*DB, OnTU, Graph, nullptr,
                                          Preambles ? &*Preambles : nullptr);
  std::string ModelError;
  ModelsOfFile Models = projectModels(*P, PerFile, ModelError);
  if (!ModelError.empty())
    return error(ModelError);
  for (size_t I = 0; I < Models.size(); ++I)
    if (!Models[I])
      return error(shownPath(P->File) + ": models[" + std::to_string(I) +
                   "]: class '" + P->Models[I].Model.Class +
                   "' is not a module class in the sources");
  // A golden written from a partial parse would record missing keys.
  if (ToolStatus != 0)
    return error(std::string(NotCompiled) +
                 (Update ? "; no golden was written" : ""));

  bool Drift = false;
  for (size_t I = 0; I < Models.size(); ++I) {
    int Result = Update ? update(P->Models[I], *Models[I])
                        : compare(P->Models[I], *Models[I], Drift);
    if (Result != Success)
      return Result;
  }
  return Drift ? Findings : Success;
}

} // namespace cli
} // namespace torchkc
