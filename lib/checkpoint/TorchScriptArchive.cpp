//===- TorchScriptArchive.cpp - torch::save and TorchScript archives ------===//
//
// Nested __torch__ objects in data.pkl, told parameters from buffers by the
// `__parameters__`/`__buffers__` lists in code/; and torch::save(optimizer)
// state.
//
//===----------------------------------------------------------------------===//
#include "Readers.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace torchkc {
namespace checkpoint {

namespace {

/// `__parameters__` and `__buffers__` of each class in code/, by qualified
/// class name (`__torch__.___torch_mangle_0.Module`).
using Declarations =
    std::map<std::string,
             std::pair<std::set<std::string>, std::set<std::string>>>;

std::set<std::string> quotedNames(const std::string &Line) {
  std::set<std::string> R;
  size_t P = 0;
  while ((P = Line.find('"', P)) != std::string::npos) {
    size_t E = Line.find('"', P + 1);
    if (E == std::string::npos)
      break;
    R.insert(Line.substr(P + 1, E - P - 1));
    P = E + 1;
  }
  return R;
}

Declarations readDeclarations(const ZipArchive &Z, const std::string &Prefix) {
  Declarations D;
  const std::string CodeDir = Prefix + "code/";
  for (const std::string &Name : Z.names()) {
    if (Name.compare(0, CodeDir.size(), CodeDir) != 0 || Name.size() < 3 ||
        Name.compare(Name.size() - 3, 3, ".py") != 0)
      continue;
    // code/__torch__/___torch_mangle_0.py defines __torch__.___torch_mangle_0.*
    std::string Module =
        Name.substr(CodeDir.size(), Name.size() - CodeDir.size() - 3);
    std::replace(Module.begin(), Module.end(), '/', '.');
    std::istringstream In(Z.read(Name, MaxCodeBytes));
    std::string Line, Class;
    while (std::getline(In, Line)) {
      if (Line.rfind("class ", 0) == 0) {
        size_t End = Line.find_first_of("(:", 6);
        Class = Module + "." + Line.substr(6, End - 6);
      } else if (!Class.empty() &&
                 Line.find("__parameters__ = [") != std::string::npos) {
        D[Class].first = quotedNames(Line);
      } else if (!Class.empty() &&
                 Line.find("__buffers__ = [") != std::string::npos) {
        D[Class].second = quotedNames(Line);
      }
    }
  }
  return D;
}

/// A module shared by two attributes is listed under both names, as
/// LibTorch's named_parameters() does; the budget bounds how often.
void walkModule(Manifest &M, const PV *Obj, const std::string &Prefix,
                const Declarations &Decls, int Depth, WalkBudget &Budget) {
  if (Depth > MaxModuleDepth)
    throw CheckpointError("modules nested deeper than " +
                          std::to_string(MaxModuleDepth) + " levels");
  Budget.step();
  auto It = Decls.find(Obj->Str + "." + Obj->Name);
  for (const auto &[K, V] : Obj->Entries) {
    Budget.step();
    if (K->K != PV::Kind::String)
      continue;
    if (isTensor(V)) {
      ManifestKey::Kind Kind = ManifestKey::Kind::Unknown;
      if (It != Decls.end()) {
        if (It->second.first.count(K->Str))
          Kind = ManifestKey::Kind::Parameter;
        else if (It->second.second.count(K->Str))
          Kind = ManifestKey::Kind::Buffer;
        else
          continue; // a tensor attribute that is neither is not in state_dict
      }
      Budget.key(M.Keys.size());
      M.Keys.push_back(keyOf(Prefix + K->Str, V, Kind));
    } else if (V->K == PV::Kind::Object) {
      walkModule(M, V, Prefix + K->Str + ".", Decls, Depth + 1, Budget);
    }
  }
}

/// torch::save(optimizer): attributes `state` (per-parameter objects keyed
/// by the parameter's address) and `param_groups` (`param_groups/<i>`
/// objects with `params/<j>` address strings and an `options` object).
OptimizerManifest cppOptimizer(const PV *Root) {
  OptimizerManifest O;
  const PV *State = dictGet(Root, "state");
  const PV *Groups = dictGet(Root, "param_groups");
  if (!State || !Groups || State->K != PV::Kind::Object ||
      Groups->K != PV::Kind::Object)
    throw CheckpointError(
        "optimizer archive without state and param_groups objects");
  // Per-parameter state by the parameter's address, indexed once (a
  // lookup per parameter would be quadratic).
  WalkBudget Budget("the optimizer archive");
  std::map<std::string, const PV *> StateOf;
  Budget.step(State->Entries.size());
  for (const auto &[K, V] : State->Entries)
    if (K->K == PV::Kind::String)
      StateOf.emplace(K->Str, V);
  size_t Listed = 0;
  std::set<std::string> OptionNames;
  for (const auto &[K, G] : Groups->Entries) {
    Budget.step();
    if (K->K != PV::Kind::String || K->Str.rfind("param_groups/", 0) != 0 ||
        G->K != PV::Kind::Object)
      continue;
    size_t Count = 0;
    for (const auto &[PK, PV_] : G->Entries) {
      Budget.step();
      if (PK->K != PV::Kind::String)
        continue;
      if (PK->Str == "options" && PV_->K == PV::Kind::Object) {
        for (const auto &[OK, OV] : PV_->Entries)
          if (OK->K == PV::Kind::String && OptionNames.insert(OK->Str).second &&
              O.GroupSizes.empty())
            O.OptionNames.push_back(OK->Str);
        continue;
      }
      if (PK->Str.rfind("params/", 0) != 0 || PV_->K != PV::Kind::String)
        continue;
      ++Count;
      std::vector<ManifestKey> Entries;
      auto S = StateOf.find(PV_->Str);
      if (S != StateOf.end() && (S->second->K == PV::Kind::Object ||
                                 S->second->K == PV::Kind::Dict))
        for (const auto &[SK, SV] : S->second->Entries) {
          Budget.step();
          if (SK->K == PV::Kind::String && isTensor(SV)) {
            Budget.key(Listed++);
            Entries.push_back(keyOf(SK->Str, SV, ManifestKey::Kind::Unknown));
          }
        }
      O.ParamState.push_back(std::move(Entries));
    }
    O.GroupSizes.push_back(Count);
  }
  O.Kind = optimizerKind(OptionNames);
  return O;
}

} // namespace

void readTorchScriptArchive(Manifest &M, const ZipArchive &Z,
                            const std::string &Prefix, const PV *Root,
                            const ReadOptions &Opts) {
  M.Format = "torch::save";
  if (Root->K != PV::Kind::Object)
    throw CheckpointError(
        "a TorchScript archive whose data.pkl is not an object");
  if (dictGet(Root, "param_groups") && dictGet(Root, "state")) {
    M.Optimizer = cppOptimizer(Root);
    return;
  }
  if (!Opts.Entry.empty())
    throw CheckpointError(
        "--entry selects inside Python checkpoints; this is a "
        "torch::save module archive");
  WalkBudget Budget("the module archive");
  walkModule(M, Root, "", readDeclarations(Z, Prefix), 0, Budget);
}

} // namespace checkpoint
} // namespace torchkc
