//===- ManifestJson.cpp - Our JSON manifest format ------------------------===//
//
// The golden-manifest and `manifest --format json` document (docs/manifest.md).
//
//===----------------------------------------------------------------------===//
#include "Readers.h"

#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

namespace torchkc {
namespace checkpoint {

using Json = nlohmann::ordered_json;

namespace {

ManifestKey::Kind kindFromName(const std::string &S) {
  if (S == "parameter")
    return ManifestKey::Kind::Parameter;
  if (S == "buffer")
    return ManifestKey::Kind::Buffer;
  if (S == "unknown")
    return ManifestKey::Kind::Unknown;
  throw CheckpointError("manifest key kind '" + S +
                        "' is not parameter, buffer or unknown");
}

} // namespace

} // namespace checkpoint

using checkpoint::Json;
using checkpoint::kindFromName;

std::string manifestToJson(const Manifest &M) {
  Json J;
  J["version"] = M.Version;
  J["format"] = M.Format;
  J["source"] = M.Source;
  if (!M.Entry.empty())
    J["entry"] = M.Entry;
  J["prefixes"] = M.Prefixes;
  J["keys"] = Json::array();
  for (const auto &K : M.Keys)
    J["keys"].push_back({{"name", K.Name},
                         {"shape", K.Shape},
                         {"dtype", K.DType},
                         {"kind", kindName(K.K)}});
  if (!M.Metadata.empty())
    J["metadata"] = M.Metadata;
  if (M.Optimizer) {
    Json O;
    O["kind"] = M.Optimizer->Kind;
    O["options"] = M.Optimizer->OptionNames;
    O["param_groups"] = M.Optimizer->GroupSizes;
    O["state"] = Json::array();
    for (const auto &P : M.Optimizer->ParamState) {
      Json S = Json::object();
      for (const auto &E : P)
        S[E.Name] = {{"shape", E.Shape}, {"dtype", E.DType}};
      O["state"].push_back(S);
    }
    J["optimizer"] = O;
  }
  return dumpJson(J, 2) + "\n";
}

Manifest manifestFromJson(const std::string &Text) {
  Json J;
  std::string Error;
  if (!parseJson(Text, J, Error))
    throw CheckpointError(Error);
  auto need = [&](bool Ok, const std::string &What) {
    if (!Ok)
      throw CheckpointError("not a torch-keycheck manifest: " + What);
  };
  need(J.is_object(), "expected a JSON object");
  need(J.contains("version") && J["version"].is_number_integer(),
       "no integer \"version\"");
  // Compared as the number written: 4294967297 is not 1 in any width.
  if (!J["version"].is_number_unsigned() || J["version"].get<uint64_t>() != 1)
    throw CheckpointError(
        "manifest version " + dumpJson(J["version"]) +
        " is not supported (this torch-keycheck reads version 1)");
  need(J.contains("keys") && J["keys"].is_array(), "no \"keys\" array");
  Manifest M;
  M.Format = "manifest";
  if (J.contains("entry") && J["entry"].is_string())
    M.Entry = J["entry"].get<std::string>();
  size_t Index = 0;
  std::set<std::string> Seen;
  for (const auto &K : J["keys"]) {
    std::string Where = "keys[" + std::to_string(Index++) + "]";
    need(K.is_object() && K.contains("name") && K["name"].is_string(),
         Where + " needs a \"name\" string");
    ManifestKey Key;
    Key.Name = K["name"].get<std::string>();
    need(Seen.insert(Key.Name).second, Where + " repeats '" + Key.Name + "'");
    need(K.contains("shape") && K["shape"].is_array(),
         Where + " needs a \"shape\" array");
    for (const auto &D : K["shape"]) {
      need(D.is_number_unsigned(),
           Where + " shape holds a non-negative integer per dimension");
      need(D.get<uint64_t>() <= uint64_t(INT64_MAX),
           Where + " has dimension " + std::to_string(D.get<uint64_t>()) +
               ", 2^63 or more");
      Key.Shape.push_back(D.get<int64_t>());
    }
    need(K.contains("dtype") && K["dtype"].is_string(),
         Where + " needs a \"dtype\" string");
    Key.DType = K["dtype"].get<std::string>();
    Key.K = K.contains("kind") && K["kind"].is_string()
                ? kindFromName(K["kind"].get<std::string>())
                : ManifestKey::Kind::Unknown;
    M.Keys.push_back(std::move(Key));
  }
  if (J.contains("metadata") && J["metadata"].is_object())
    for (auto &[K, V] : J["metadata"].items())
      if (V.is_string())
        M.Metadata[K] = V.get<std::string>();
  return M;
}

} // namespace torchkc
