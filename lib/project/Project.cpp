//===- Project.cpp - A project's .torch-keycheck.json ---------------------===//
#include "torch-keycheck/project/Project.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <nlohmann/json.hpp>

#include <set>

namespace torchkc {

namespace {

std::string absoluteIn(const std::string &Dir, const std::string &Path) {
  llvm::SmallString<256> P(Path);
  if (llvm::sys::path::is_relative(P)) {
    P = Dir;
    llvm::sys::path::append(P, Path);
  }
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

} // namespace

bool isInsideProject(const std::string &ProjectDir, const std::string &Path) {
  auto Under = [](llvm::StringRef Root, llvm::StringRef P) {
    return P.size() > Root.size() && P.starts_with(Root) &&
           llvm::sys::path::is_separator(P[Root.size()]);
  };
  llvm::SmallString<256> Dir(ProjectDir);
  llvm::sys::path::remove_dots(Dir, /*remove_dot_dot=*/true);
  if (!Under(Dir, Path))
    return false;
  // The nearest existing ancestor (or the file itself), resolved.
  llvm::SmallString<256> RealDir, Existing(Path), Real;
  if (llvm::sys::fs::real_path(Dir, RealDir))
    return false;
  while (!llvm::sys::fs::exists(Existing) &&
         llvm::sys::path::has_parent_path(Existing))
    llvm::sys::path::remove_filename(Existing);
  if (llvm::sys::fs::real_path(Existing, Real))
    return false;
  return Real == RealDir || Under(RealDir, Real);
}

std::optional<std::string> findProjectFile(const std::string &Start) {
  llvm::SmallString<256> Dir(Start);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_dots(Dir, /*remove_dot_dot=*/true);
  for (;;) {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, ProjectFileName);
    // Whatever has the name is the project file: one that is not a
    // regular file is reported when it is read, not skipped.
    if (llvm::sys::fs::exists(Candidate) ||
        llvm::sys::fs::is_symlink_file(Candidate))
      return std::string(Candidate);
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Parent.empty() || Parent == Dir)
      return std::nullopt;
    Dir = Parent;
  }
}

std::optional<Project> projectFor(const std::string &Named,
                                  const std::string &Source,
                                  std::string &Error) {
  std::string Path = Named;
  if (Path.empty()) {
    llvm::SmallString<256> Dir(Source);
    llvm::sys::fs::make_absolute(Dir);
    llvm::sys::path::remove_filename(Dir);
    std::optional<std::string> Found = findProjectFile(std::string(Dir));
    if (!Found)
      return std::nullopt;
    Path = *Found;
  } else if (!llvm::sys::fs::exists(Path)) {
    Error = Path + ": no such project file";
    return std::nullopt;
  }
  Project P;
  if (!loadProject(Path, P, Error))
    return std::nullopt;
  return P;
}

bool loadProject(const std::string &Path, Project &Out, std::string &Error) {
  llvm::SmallString<256> Abs(Path);
  llvm::sys::fs::make_absolute(Abs);
  Out = Project();
  Out.File = std::string(Abs);
  Out.Dir = std::string(llvm::sys::path::parent_path(Abs));
  nlohmann::json Doc;
  if (!readJsonFile(Path, "project file", Doc, Error))
    return false;
  auto Fail = [&](const std::string &Msg) {
    Error = Path + ": " + Msg;
    return false;
  };
  if (!Doc.is_object())
    return Fail("expected a JSON object");
  static const std::set<std::string> Known = {"version", "checkpointRoot",
                                              "models", "loadPaths"};
  for (const auto &[K, V] : Doc.items())
    if (!Known.count(K))
      return Fail("unknown field \"" + K +
                  "\" (expected version, checkpointRoot, models, loadPaths)");
  if (!Doc.contains("version") || !Doc["version"].is_number_integer() ||
      Doc["version"].get<int64_t>() != 1)
    return Fail("\"version\" must be 1");
  if (Doc.contains("checkpointRoot")) {
    if (!Doc["checkpointRoot"].is_string())
      return Fail("\"checkpointRoot\" must be a string");
    Out.CheckpointRoot =
        absoluteIn(Out.Dir, Doc["checkpointRoot"].get<std::string>());
  }
  if (Doc.contains("models")) {
    if (!Doc["models"].is_array())
      return Fail("\"models\" must be an array");
    std::set<std::string> Goldens;
    size_t Index = 0;
    for (const auto &M : Doc["models"]) {
      std::string Where = "models[" + std::to_string(Index++) + "]";
      ProjectModel PM;
      if (!classConfigurationFromJson(M, Path + ": " + Where, PM.Model, Error))
        return false;
      for (const auto &[K, V] : M.items())
        if (K != "class" && K != "name" && K != "define" && K != "golden")
          return Fail(Where + ": unknown field \"" + K +
                      "\" (expected class, name, define, golden)");
      if (!M.contains("golden") || !M["golden"].is_string() ||
          M["golden"].get<std::string>().empty())
        return Fail(Where + ": needs a \"golden\" path");
      PM.GoldenWritten = M["golden"].get<std::string>();
      PM.Golden = absoluteIn(Out.Dir, PM.GoldenWritten);

      // Two configurations writing one golden would overwrite each other.
      if (!Goldens.insert(PM.Golden).second)
        return Fail(Where + ": golden '" + PM.GoldenWritten +
                    "' is already another model's");
      Out.Models.push_back(std::move(PM));
    }
  }
  if (Doc.contains("loadPaths")) {
    if (!Doc["loadPaths"].is_object())
      return Fail("\"loadPaths\" must be an object");
    for (const auto &[K, V] : Doc["loadPaths"].items()) {
      if (!V.is_string())
        return Fail("loadPaths \"" + K + "\" must be a path string");
      Out.LoadPaths[K] = absoluteIn(Out.Dir, V.get<std::string>());
    }
  }
  return true;
}

std::string Project::checkpointFor(const std::string &Expression) const {
  auto It = LoadPaths.find(Expression);
  return It == LoadPaths.end() ? std::string() : It->second;
}

} // namespace torchkc
