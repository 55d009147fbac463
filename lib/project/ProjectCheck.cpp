//===- ProjectCheck.cpp - The checks a project file feeds -----------------===//
#include "torch-keycheck/project/ProjectCheck.h"

#include "torch-keycheck/keys/ModelKeys.h"
#include "torch-keycheck/project/Golden.h"
#include "torch-keycheck/verdict/CheckpointVerdict.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fstream>

namespace torchkc {

std::string goldenModelProblem(const Project &P, size_t I,
                               const ModelKeys &Keys) {
  std::string Where = P.File + ": models[" + std::to_string(I) + "] ('" +
                      P.Models[I].Model.Class + "')";
  if (!Keys.UnusedDefines.empty())
    return Where + ": no constructor parameter is named '" +
           Keys.UnusedDefines.front() + "'";
  if (!Keys.InvalidDefines.empty())
    return Where + ": " + Keys.InvalidDefines.front();
  if (isConcrete(Keys))
    return "";
  std::string Knobs;
  for (const std::string &K : Keys.Knobs)
    Knobs += (Knobs.empty() ? "'" : ", '") + K + "'";
  return Where +
         ": its keys are not fixed by the defines; a golden needs a value "
         "for every knob" +
         (Knobs.empty() ? "" : " (" + Knobs + ")");
}

namespace {

/// Where relative checkpoint paths of load sites are looked up, or empty.
std::string rootOf(const ProjectCheckOptions &Opts) {
  if (!Opts.CheckpointRoot.empty() || !Opts.TheProject)
    return Opts.CheckpointRoot;
  return Opts.TheProject->CheckpointRoot;
}

/// The checkpoint a load site reads, or empty when a computed path is not
/// mapped by the project.
std::string checkpointOf(const LoadSite &S, const ProjectCheckOptions &Opts) {
  if (!S.PathIsLiteral)
    return Opts.TheProject ? Opts.TheProject->checkpointFor(S.Checkpoint)
                           : std::string();
  std::string Root = rootOf(Opts);
  if (Root.empty() || !llvm::sys::path::is_relative(S.Checkpoint))
    return S.ResolvedPath;
  llvm::SmallString<256> InRoot(Root);
  llvm::sys::path::append(InRoot, S.Checkpoint);
  return std::string(InRoot);
}

} // namespace

std::vector<Finding> checkLoadSite(const RegistrationGraph &G,
                                   const LoadSite &S, const std::string &Path,
                                   const std::string &WhereFrom,
                                   std::string &Error) {
  std::vector<Finding> Found;
  const ModuleClass *C = G.find(S.Class);
  if (!C)
    return Found;
  std::string Args;
  for (const auto &[Name, Value] : S.Args)
    Args += (Args.empty() ? "" : ", ") + Name + "=" + Value->str();
  Note Construction{
      S.ConstructionLoc,
      "'" + S.Variable + "' is constructed here" +
          (Args.empty() ? std::string(" with the defaults") : " with " + Args)};
  // Only whether it is there: opening a FIFO to see would block; what
  // is there and cannot be read is an error of readCheckpoint's.
  if (!llvm::sys::fs::exists(Path)) {
    Found.push_back({CheckId::CheckpointConfiguration, S.Loc,
                     "'" + S.Checkpoint + "' is not checked: there is no " +
                         Path +
                         (WhereFrom.empty() ? "" : " (" + WhereFrom + ")")});
    return Found;
  }
  Manifest M;
  try {
    M = readCheckpoint(Path);
  } catch (const CheckpointError &E) {
    Error = std::string(E.what()) + " (loaded at " + S.Loc.str() + ")";
    return Found;
  }
  Configuration Given;
  Given.Defines = S.Args;
  std::string Problem;
  for (Finding &F : checkAgainstCheckpoint(G, *C, Given, M, {}, Problem)) {
    Finding AtCall = F;
    AtCall.Loc = S.Loc;
    AtCall.Message =
        "'" + S.Checkpoint + "' into '" + S.Variable + "': " + F.Message;
    AtCall.Notes = {{F.Loc, "the difference comes from here"}, Construction};
    AtCall.Notes.insert(AtCall.Notes.end(), F.Notes.begin(), F.Notes.end());
    // The fix-its stay: reported at the call, they apply at the
    // registration (a rename the checkpoint asks for).
    Found.push_back(std::move(AtCall));
  }
  if (!Problem.empty())
    Found.push_back({CheckId::CheckpointConfiguration,
                     S.Loc,
                     "'" + S.Checkpoint + "' is not checked: " + Problem,
                     {Construction}});
  return Found;
}

std::vector<std::string> filesCheckedAgainst(const RegistrationGraph &TU,
                                             const ProjectCheckOptions &Opts) {
  std::vector<std::string> Files;
  for (const LoadSite &S : TU.LoadSites)
    if (std::string Path = checkpointOf(S, Opts); !Path.empty())
      Files.push_back(Path);
  if (const Project *P = Opts.TheProject) {
    Files.push_back(P->File);
    for (const ProjectModel &M : P->Models)
      if (findModel(TU, M.Model))
        Files.push_back(M.Golden);
  }
  return Files;
}

std::vector<Finding> checkAgainstProject(const RegistrationGraph &TU,
                                         const ProjectCheckOptions &Opts,
                                         std::string &Error) {
  std::vector<Finding> Found;
  const Project *P = Opts.TheProject;
  std::string Root = rootOf(Opts);
  for (const LoadSite &S : TU.LoadSites) {
    std::string Path = checkpointOf(S, Opts);
    // A path computed at run time is checked when the project maps it; a
    // project that does not is told how, once per site.
    if (!S.PathIsLiteral && Path.empty()) {
      if (P)
        Found.push_back({CheckId::CheckpointConfiguration, S.Loc,
                         "'" + S.Checkpoint +
                             "' is not checked: its value is known at run "
                             "time; map it to a checkpoint in the project "
                             "file's \"loadPaths\""});
      continue;
    }
    for (Finding &F : checkLoadSite(
             TU, S, Path,
             S.PathIsLiteral && Root.empty()
                 ? "relative paths are resolved against the calling file's "
                   "directory, or --checkpoint-root"
                 : "",
             Error))
      Found.push_back(std::move(F));
    if (!Error.empty())
      return Found;
  }
  if (!P)
    return Found;
  for (size_t I = 0; I < P->Models.size(); ++I) {
    const ProjectModel &M = P->Models[I];
    const ModuleClass *C = findModel(TU, M.Model);
    if (!C)
      continue; // defined elsewhere: checked with the unit that defines it
    ModelKeys Keys = deriveKeys(TU, *C, M.Model.Config);
    Error = goldenModelProblem(*P, I, Keys);
    if (!Error.empty())
      return Found;
    if (!llvm::sys::fs::exists(M.Golden)) {
      Error = M.Golden + ": golden manifest of '" + M.Model.Class +
              "' does not exist; write it with 'torch-keycheck golden "
              "--update'";
      return Found;
    }
    Manifest Golden;
    try {
      Golden = readCheckpoint(M.Golden);
    } catch (const CheckpointError &E) {
      Error = E.what();
      return Found;
    }
    std::vector<KeyChange> Changes = diffWithGolden(Keys, Golden);
    if (!Changes.empty())
      Found.push_back(
          goldenDriftFinding(Keys, Changes, M.Golden, M.GoldenWritten));
  }
  return Found;
}

} // namespace torchkc
