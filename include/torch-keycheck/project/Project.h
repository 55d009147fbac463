//===- Project.h - A project's .torch-keycheck.json ------------*- C++ -*-===//
//
// What a project tells torch-keycheck once, for every front end: which model
// classes and configurations have committed golden manifests, where its
// checkpoints live, and which checkpoint a load site whose path is not a
// literal reads. Found, like .clang-tidy, in the nearest directory at or
// above a source (docs/project.md):
//
//   {"version": 1,
//    "checkpointRoot": "checkpoints",
//    "models": [{"class": "NetImpl", "name": "small", "define": {"hidden": 32},
//                "golden": "golden/net-small.json"}],
//    "loadPaths": {"options.weights": "checkpoints/net.pt"}}
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_PROJECT_PROJECT_H
#define TORCH_KEYCHECK_PROJECT_PROJECT_H

#include "torch-keycheck/keys/Configurations.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace torchkc {

/// The name a project file has.
inline constexpr const char *ProjectFileName = ".torch-keycheck.json";

/// A configured model and the golden manifest its keys must match.
struct ProjectModel {
  ClassConfiguration Model;
  std::string Golden;        ///< absolute path
  std::string GoldenWritten; ///< as written in the project file
};

struct Project {
  std::string File; ///< the project file, absolute
  std::string Dir;  ///< its directory: relative paths are resolved here
  /// Where relative checkpoint paths of load sites are resolved (absolute),
  /// or empty: then against the calling file's directory.
  std::string CheckpointRoot;
  std::vector<ProjectModel> Models;
  /// Load-site path expression, as written (`options.weights`) -> the
  /// checkpoint it names (absolute).
  std::map<std::string, std::string> LoadPaths;

  /// The checkpoint loadPaths maps a load site's path expression to, or
  /// empty.
  std::string checkpointFor(const std::string &Expression) const;
};

/// Whether Path (absolute) is inside the project directory ProjectDir,
/// lexically and once symbolic links in what exists of it are resolved:
/// the only places `golden --update` writes.
bool isInsideProject(const std::string &ProjectDir, const std::string &Path);

/// The project file in Dir or the nearest directory above it, if any.
std::optional<std::string> findProjectFile(const std::string &Dir);

/// The project a source belongs to: the file Named when given, else the
/// nearest project file at or above Source's directory; none when there is
/// none. Sets Error, naming the file, when Named does not exist or the
/// project file is broken.
std::optional<Project> projectFor(const std::string &Named,
                                  const std::string &Source,
                                  std::string &Error);

/// Reads a project file. On failure returns false and sets Error to a
/// message naming the file and the problem.
bool loadProject(const std::string &Path, Project &Out, std::string &Error);

} // namespace torchkc

#endif
