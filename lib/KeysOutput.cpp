//===- KeysOutput.cpp - Rendering derived keys ----------------------------===//
#include "torch-keycheck/KeysOutput.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace torchkc {

static std::string shapeText(const Key &K) {
  if (!K.Shape)
    return "?";
  std::string R = "[";
  for (size_t I = 0; I < K.Shape->size(); ++I)
    R += (I ? ", " : "") + (*K.Shape)[I].str();
  return R + "]";
}

static std::string kindName(Key::Kind K) {
  return K == Key::Kind::Parameter ? "parameter" : "buffer";
}

static std::string defineText(const Configuration &C) {
  std::string R;
  for (const auto &D : C.Defines)
    R += (R.empty() ? "" : ", ") + D.first + "=" + D.second->str();
  return R;
}

std::string renderKeysText(const std::vector<ModelKeys> &Models) {
  std::ostringstream OS;
  bool First = true;
  for (const ModelKeys &M : Models) {
    if (!First)
      OS << "\n";
    First = false;
    OS << M.Class << " (" << M.Loc.str() << ")";
    if (!M.Config.Name.empty())
      OS << " configuration '" << M.Config.Name << "'";
    if (!M.Config.Defines.empty())
      OS << " with " << defineText(M.Config);
    OS << ": " << M.Keys.size() << (M.Keys.size() == 1 ? " key\n" : " keys\n");
    size_t NameW = 0, ShapeW = 0;
    for (const Key &K : M.Keys) {
      NameW = std::max(NameW, K.Name.size());
      ShapeW = std::max(ShapeW, shapeText(K).size());
    }
    for (const Key &K : M.Keys) {
      std::string S = shapeText(K);
      OS << "  " << K.Name << std::string(NameW - K.Name.size() + 2, ' ')
         << kindName(K.K) << (K.K == Key::Kind::Buffer ? "     " : "  ") << S
         << std::string(ShapeW - S.size() + 2, ' ')
         << (K.DType.empty() ? "?" : K.DType) << "  " << K.Loc.str();
      if (!K.Origin.empty())
        OS << "  " << K.Origin;
      for (const std::string &C : K.Conditions)
        OS << "  [if " << C << "]";
      OS << "\n";
    }
    for (const auto &U : M.Unresolved)
      OS << "  unresolved: " << U.first.str() << ": " << U.second << "\n";
  }
  return OS.str();
}

static nlohmann::json locJson(const SourceLoc &L) {
  return {{"file", L.File}, {"line", L.Line}, {"column", L.Column}};
}

static nlohmann::json valueJson(const ExprPtr &E) {
  switch (E->K) {
  case Expr::Kind::Int:
    return E->IntVal;
  case Expr::Kind::Float:
    return E->FloatVal;
  case Expr::Kind::Bool:
    return E->BoolVal;
  case Expr::Kind::String:
    return E->Name;
  default:
    return E->str();
  }
}

std::string renderKeysJson(const std::vector<ModelKeys> &Models) {
  nlohmann::json Doc;
  Doc["version"] = 1;
  Doc["models"] = nlohmann::json::array();
  for (const ModelKeys &M : Models) {
    nlohmann::json J;
    J["class"] = M.Class;
    J["file"] = M.Loc.File;
    J["line"] = M.Loc.Line;
    nlohmann::json Cfg = nlohmann::json::object();
    if (!M.Config.Name.empty())
      Cfg["name"] = M.Config.Name;
    nlohmann::json Defs = nlohmann::json::object();
    for (const auto &D : M.Config.Defines)
      Defs[D.first] = valueJson(D.second);
    Cfg["define"] = Defs;
    J["configuration"] = Cfg;
    J["keys"] = nlohmann::json::array();
    for (const Key &K : M.Keys) {
      nlohmann::json KJ;
      KJ["name"] = K.Name;
      KJ["kind"] = kindName(K.K);
      if (K.Shape) {
        nlohmann::json S = nlohmann::json::array();
        for (const Dim &D : *K.Shape) {
          if (D.Value)
            S.push_back(*D.Value);
          else
            S.push_back(D.Symbol);
        }
        KJ["shape"] = S;
      } else {
        KJ["shape"] = nullptr;
      }
      KJ["dtype"] = K.DType.empty() ? nlohmann::json() : nlohmann::json(K.DType);
      KJ["origin"] = K.Origin;
      KJ["location"] = locJson(K.Loc);
      if (!K.Conditions.empty())
        KJ["conditions"] = K.Conditions;
      J["keys"].push_back(KJ);
    }
    J["unresolved"] = nlohmann::json::array();
    for (const auto &U : M.Unresolved) {
      nlohmann::json UJ = locJson(U.first);
      UJ["message"] = U.second;
      J["unresolved"].push_back(UJ);
    }
    Doc["models"].push_back(J);
  }
  return Doc.dump(2) + "\n";
}

} // namespace torchkc
