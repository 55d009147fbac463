//===- Configurations.h - Model configurations from the command line -*- C++
//-*-===//
//
// A configuration binds constructor parameters to values. They come from
// `--define NAME=VALUE` or, to analyse many in one parse, from a JSON file:
//
//   {"configurations": [
//     {"class": "MlpImpl", "name": "small", "define": {"hidden": 32}},
//     {"function": "make_discriminator", "define": {"ndf": 64}}]}
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_KEYS_CONFIGURATIONS_H
#define TORCH_KEYCHECK_KEYS_CONFIGURATIONS_H

#include "torch-keycheck/keys/ModelKeys.h"
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace torchkc {

struct ClassConfiguration {
  /// The model class, or with Function the function of a function model.
  std::string Class;
  Configuration Config;
  bool Function = false;
};

/// The class (or function model) a configuration is of, in G.
inline const ModuleClass *findModel(const RegistrationGraph &G,
                                    const ClassConfiguration &M) {
  return M.Function ? G.findFunction(M.Class) : G.find(M.Class);
}

/// Parses `NAME=VALUE`; returns false when there is no `=` or no name.
bool parseDefine(const std::string &Text, std::string &Name, SymExprPtr &Value);

/// Project and configurations files are small; a larger one is refused
/// before it is parsed.
constexpr size_t MaxInputJsonBytes = 64u << 20;

/// Parses the JSON file at Path into Doc; on failure returns false and sets
/// Error to a message naming the file (`What`: "project file", ...) and the
/// problem. Only a regular file is read (a FIFO would block), and only a
/// document nested at most MaxJsonDepth deep is parsed.
bool readJsonFile(const std::string &Path, const char *What,
                  nlohmann::json &Doc, std::string &Error);
/// One configuration object of a JSON file (`{"class": ..., "name": ...,
/// "define": {...}}`); Where names it in Error.
bool classConfigurationFromJson(const nlohmann::json &J,
                                const std::string &Where,
                                ClassConfiguration &Out, std::string &Error);
/// Reads a configurations file. On failure returns false and sets Error to
/// a message naming the file and the problem.
bool loadConfigurations(const std::string &Path,
                        std::vector<ClassConfiguration> &Out,
                        std::string &Error);

} // namespace torchkc

#endif
