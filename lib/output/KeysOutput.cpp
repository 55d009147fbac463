//===- KeysOutput.cpp - Rendering derived keys ----------------------------===//
#include "torch-keycheck/output/KeysOutput.h"
#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

using Json = nlohmann::ordered_json;

namespace torchkc {

static std::string shapeText(const Key &K) {
  return K.Shape ? shapeText(*K.Shape) : "?";
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

std::string renderKeysText(const std::vector<ModelKeys> &Models,
                           const std::string &BaseDir) {
  std::ostringstream OS;
  bool First = true;
  for (const ModelKeys &M : Models) {
    if (!First)
      OS << "\n";
    First = false;
    // A function model reads as the call that builds it.
    OS << M.Class << (M.Function ? "()" : "") << " (" << M.Loc.str(BaseDir)
       << ")";
    if (!M.Config.Name.empty())
      OS << " configuration '" << M.Config.Name << "'";
    if (!M.Config.Defines.empty())
      OS << " with " << defineText(M.Config);
    OS << ": " << M.Keys.size() << (M.Keys.size() == 1 ? " key" : " keys");
    if (!M.Knobs.empty()) {
      OS << "; which keys exist depends on";
      for (size_t I = 0; I < M.Knobs.size(); ++I)
        OS << (I ? ", '" : " '") << M.Knobs[I] << "'";
    }
    OS << "\n";
    size_t NameW = 0, ShapeW = 0, TypeW = 1;
    for (const Key &K : M.Keys) {
      NameW = std::max(NameW, K.Name.size());
      ShapeW = std::max(ShapeW, shapeText(K).size());
      TypeW = std::max(TypeW, K.DType.size());
    }
    auto pad = [](const std::string &S, size_t W) {
      return S + std::string(W - S.size() + 2, ' ');
    };
    for (const Key &K : M.Keys) {
      OS << "  " << pad(K.Name, NameW) << pad(kindName(K.K), 9)
         << pad(shapeText(K), ShapeW)
         << pad(K.DType.empty() ? "?" : K.DType, TypeW) << K.Loc.str(BaseDir);
      if (!K.Origin.empty())
        OS << "  " << K.Origin;
      // Loop patterns read `[for i in [0, depth)]`, conditions `[if flag]`.
      for (const std::string &C : K.conditions())
        OS << (C.rfind("for ", 0) == 0 ? "  [" : "  [if ") << C << "]";
      OS << "\n";
    }
    for (const auto &U : M.Unresolved)
      OS << "  unresolved: " << U.first.str(BaseDir) << ": " << U.second
         << "\n";
  }
  return OS.str();
}

static Json locJson(const SourceLoc &L) {
  return {{"file", L.File.str()}, {"line", L.Line}, {"column", L.Column}};
}

static Json valueJson(const SymExprPtr &E) {
  switch (E->K) {
  case SymExpr::Kind::Int:
    return E->IntVal;
  case SymExpr::Kind::Float:
    return E->FloatVal;
  case SymExpr::Kind::Bool:
    return E->BoolVal;
  case SymExpr::Kind::String:
    return E->Name;
  default:
    return E->str();
  }
}

std::string renderKeysJson(const std::vector<ModelKeys> &Models) {
  Json Doc;
  Doc["version"] = 1;
  Doc["models"] = Json::array();
  for (const ModelKeys &M : Models) {
    Json J;
    J[M.Function ? "function" : "class"] = M.Class;
    J["file"] = M.Loc.File.str();
    J["line"] = M.Loc.Line;
    Json Cfg = Json::object();
    if (!M.Config.Name.empty())
      Cfg["name"] = M.Config.Name;
    Json Defs = Json::object();
    for (const auto &D : M.Config.Defines)
      Defs[D.first] = valueJson(D.second);
    Cfg["define"] = Defs;
    J["configuration"] = Cfg;
    J["knobs"] = M.Knobs;
    J["keys"] = Json::array();
    for (const Key &K : M.Keys) {
      Json KJ;
      KJ["name"] = K.Name;
      KJ["kind"] = kindName(K.K);
      if (K.Shape) {
        Json S = Json::array();
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
      KJ["dtype"] = K.DType.empty() ? Json() : Json(K.DType);
      KJ["origin"] = K.Origin;
      KJ["location"] = locJson(K.Loc);
      if (K.When) {
        KJ["conditions"] = K.When->Text;
        KJ["depends_on"] = K.When->DependsOn;
      }
      J["keys"].push_back(KJ);
    }
    J["unresolved"] = Json::array();
    for (const auto &U : M.Unresolved) {
      Json UJ = locJson(U.first);
      UJ["message"] = U.second;
      J["unresolved"].push_back(UJ);
    }
    Doc["models"].push_back(J);
  }
  return dumpJson(Doc, 2) + "\n";
}

} // namespace torchkc
