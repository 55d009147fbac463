//===- PickleValues.cpp - Reading unpickled values ------------------------===//
#include "Readers.h"

namespace torchkc {
namespace checkpoint {

void WalkBudget::step(size_t N) {
  Steps += N;
  if (Steps > MaxWalkSteps)
    throw CheckpointError(std::string(What) + " visits more than " +
                          std::to_string(MaxWalkSteps) +
                          " values (shared or cyclic references?); refusing "
                          "to read further");
}

void WalkBudget::key(size_t Keys) const {
  if (Keys >= MaxManifestKeys)
    throw CheckpointError(std::string(What) + " lists more than " +
                          std::to_string(MaxManifestKeys) +
                          " keys; refusing to read further");
}

void checkStorages(const ZipArchive &Z, const std::string &Prefix,
                   const PickleDocument &Doc) {
  std::set<std::string> Checked;
  for (const auto &V : Doc.Values) {
    if (V->K != PV::Kind::Storage || !Checked.insert(V->Str).second)
      continue;
    std::string Entry = Prefix + "data/" + V->Str;
    std::optional<uint64_t> Size = Z.entrySize(Entry);
    if (!Size)
      throw CheckpointError("the zip has no entry '" + Entry +
                            "' for a storage its pickle uses (torch.load "
                            "refuses it)");
    unsigned __int128 Need =
        (unsigned __int128)uint64_t(V->Int) * dtypeItemSize(V->DType);
    if (*Size < Need)
      throw CheckpointError(
          "storage '" + Entry + "' holds " + std::to_string(*Size) +
          " bytes; its " + std::to_string(V->Int) + " " + V->DType +
          " elements need " +
          (Need >> 64 ? std::string("more") : std::to_string(uint64_t(Need))) +
          " (the file is cut or damaged)");
  }
}

bool isTensor(const PV *V) { return V->K == PV::Kind::Tensor; }

/// A dict whose keys are strings and whose values are all tensors: a
/// state_dict.
bool isTensorDict(const PV *V) {
  if (V->K != PV::Kind::Dict || V->Entries.empty())
    return false;
  for (const auto &[K, Val] : V->Entries)
    if (K->K != PV::Kind::String || !isTensor(Val))
      return false;
  return true;
}

const PV *dictGet(const PV *D, const std::string &Key) {
  if (D->K != PV::Kind::Dict && D->K != PV::Kind::Object)
    return nullptr;
  for (const auto &[K, V] : D->Entries)
    if (K->K == PV::Kind::String && K->Str == Key)
      return V;
  return nullptr;
}

bool isOptimizerStateDict(const PV *V) {
  return V->K == PV::Kind::Dict && dictGet(V, "state") &&
         dictGet(V, "param_groups");
}

ManifestKey keyOf(const std::string &Name, const PV *T, ManifestKey::Kind K) {
  ManifestKey Key;
  Key.Name = Name;
  Key.Shape = T->Shape;
  Key.DType = T->DType;
  Key.K = K;
  return Key;
}

void addKeys(Manifest &M, const PV *Dict) {
  std::set<std::string> Seen;
  WalkBudget Budget("the state dict");
  for (const auto &[K, V] : Dict->Entries) {
    Budget.key(M.Keys.size());
    if (!Seen.insert(K->Str).second)
      throw CheckpointError("the state dict has the key '" + K->Str +
                            "' twice");
    M.Keys.push_back(keyOf(K->Str, V,
                           V->IsParameter ? ManifestKey::Kind::Parameter
                                          : ManifestKey::Kind::Unknown));
  }
}

/// The optimizer a param group's option names belong to.
std::string optimizerKind(const std::set<std::string> &Options) {
  auto Has = [&](const char *N) { return Options.count(N) > 0; };
  if (Has("betas") && Has("amsgrad"))
    return "Adam or AdamW"; // their saved options and state are identical
  if (Has("momentum") && Has("nesterov"))
    return "SGD";
  if (Has("lr_decay") && Has("initial_accumulator_value"))
    return "Adagrad";
  if (Has("alpha") && Has("centered"))
    return "RMSprop";
  if (Has("history_size") && Has("max_iter"))
    return "LBFGS";
  return "unknown";
}

} // namespace checkpoint
} // namespace torchkc
