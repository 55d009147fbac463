//===- Configurations.cpp - Model configurations --------------------------===//
#include "torch-keycheck/keys/Configurations.h"

#include "torch-keycheck/support/Files.h"
#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

#include <sstream>

namespace torchkc {

bool parseDefine(const std::string &Text, std::string &Name,
                 SymExprPtr &Value) {
  auto Eq = Text.find('=');
  if (Eq == std::string::npos || Eq == 0)
    return false;
  Name = Text.substr(0, Eq);
  Value = parseDefineValue(Text.substr(Eq + 1));
  return true;
}

/// A define's value from a configurations file: numbers, booleans,
/// strings, lists of them, objects (a nlohmann::json parameter's value);
/// nothing holding a null.
static bool jsonValue(const nlohmann::json &J, SymExprPtr &Out) {
  Out = jsonToSymExpr(J);
  return Out && !containsUnknown(Out);
}

bool readJsonFile(const std::string &Path, const char *What,
                  nlohmann::json &Doc, std::string &Error) {
  std::string Text;
  try {
    Text = readRegularFile(Path, MaxInputJsonBytes);
  } catch (const FileError &E) {
    Error = Path + ": cannot read the " + What + ": " + E.what();
    return false;
  }
  if (Text.size() == MaxInputJsonBytes) {
    Error = Path + ": a " + What + " of " +
            std::to_string(MaxInputJsonBytes >> 20) + " MiB or more";
    return false;
  }
  if (!parseJson(Text, Doc, Error)) {
    Error = Path + ": " + Error;
    return false;
  }
  return true;
}

bool classConfigurationFromJson(const nlohmann::json &C,
                                const std::string &Where,
                                ClassConfiguration &CC, std::string &Error) {
  bool IsClass = C.is_object() && C.contains("class");
  bool IsFunction = C.is_object() && C.contains("function");
  const char *Field = IsFunction ? "function" : "class";
  if (IsClass == IsFunction || !C[Field].is_string()) {
    Error = Where + ": needs a \"class\" string (or a \"function\" string "
                    "for a function model)";
    return false;
  }
  if (C[Field].get<std::string>().empty()) {
    Error = Where + ": \"" + Field + "\" is empty";
    return false;
  }
  CC.Class = C[Field].get<std::string>();
  CC.Function = IsFunction;
  if (C.contains("name")) {
    if (!C["name"].is_string()) {
      Error = Where + ": \"name\" must be a string";
      return false;
    }
    CC.Config.Name = C["name"].get<std::string>();
  }
  if (C.contains("define")) {
    if (!C["define"].is_object()) {
      Error = Where + ": \"define\" must be an object";
      return false;
    }
    for (const auto &[K, V] : C["define"].items()) {
      SymExprPtr E;
      if (!jsonValue(V, E)) {
        Error = Where + ": define '" + K +
                "' must be a number, bool, string, a list of them or an object";
        return false;
      }
      CC.Config.Defines[K] = E;
    }
  }
  return true;
}

bool loadConfigurations(const std::string &Path,
                        std::vector<ClassConfiguration> &Out,
                        std::string &Error) {
  nlohmann::json Doc;
  if (!readJsonFile(Path, "configurations file", Doc, Error))
    return false;
  if (!Doc.is_object() || !Doc.contains("configurations") ||
      !Doc["configurations"].is_array()) {
    Error = Path + ": expected an object with a \"configurations\" array";
    return false;
  }
  size_t Index = 0;
  for (const auto &C : Doc["configurations"]) {
    ClassConfiguration CC;
    if (!classConfigurationFromJson(
            C, Path + ": configurations[" + std::to_string(Index++) + "]", CC,
            Error))
      return false;
    Out.push_back(std::move(CC));
  }
  return true;
}

} // namespace torchkc
