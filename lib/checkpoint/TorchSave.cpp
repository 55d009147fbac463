//===- TorchSave.cpp - Python torch.save checkpoints ----------------------===//
//
// The pickle of a Python torch.save: a state dict (an OrderedDict with
// _metadata), or a training checkpoint that nests state dicts and optimizer
// state; read through the restricted unpickler, storages never opened.
//
//===----------------------------------------------------------------------===//
#include "Readers.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace torchkc {
namespace checkpoint {

namespace {

/// Python's optimizer.state_dict(): {"state": {index: {name: tensor}},
/// "param_groups": [{"params": [index...], option: value...}]}.
OptimizerManifest pythonOptimizer(const PV *D) {
  OptimizerManifest O;
  const PV *Groups = dictGet(D, "param_groups");
  const PV *State = dictGet(D, "state");
  if (Groups->K != PV::Kind::List || State->K != PV::Kind::Dict)
    throw CheckpointError("optimizer state dict without a list of param_groups "
                          "and a dict of state");
  WalkBudget Budget("the optimizer state");
  std::map<int64_t, const PV *> ByIndex;
  Budget.step(State->Entries.size());
  for (const auto &[K, V] : State->Entries)
    if (K->K == PV::Kind::Int)
      ByIndex[K->Int] = V;
  std::set<std::string> OptionNames;
  for (const PV *G : Groups->Items) {
    if (G->K != PV::Kind::Dict)
      throw CheckpointError("an optimizer param group that is not a dict");
    const PV *Params = dictGet(G, "params");
    if (!Params || Params->K != PV::Kind::List)
      throw CheckpointError("an optimizer param group without 'params'");
    for (const auto &[K, V] : G->Entries)
      if (K->K == PV::Kind::String && K->Str != "params" &&
          OptionNames.insert(K->Str).second && O.GroupSizes.empty())
        O.OptionNames.push_back(K->Str);
    O.GroupSizes.push_back(Params->Items.size());
    size_t Listed = 0;
    for (const PV *P : Params->Items) {
      Budget.step();
      Budget.key(O.ParamState.size());
      std::vector<ManifestKey> Entries;
      auto It = P->K == PV::Kind::Int ? ByIndex.find(P->Int) : ByIndex.end();
      if (It != ByIndex.end() && It->second->K == PV::Kind::Dict)
        for (const auto &[K, V] : It->second->Entries) {
          Budget.step();
          if (K->K == PV::Kind::String && isTensor(V)) {
            Budget.key(Listed++);
            Entries.push_back(keyOf(K->Str, V, ManifestKey::Kind::Unknown));
          }
        }
      O.ParamState.push_back(std::move(Entries));
    }
  }
  O.Kind = optimizerKind(OptionNames);
  return O;
}

struct Candidate {
  std::string Path;
  const PV *Value;
  bool Optimizer;
};

/// State dicts and optimizer state dicts inside a nested checkpoint. A
/// state dict is listed at every path that names it (two names for one
/// dict still ask for --entry); any other dict is searched once, by the
/// first path that reaches it, so a dict shared by many keys (or holding
/// itself) is not searched again.
void findCandidates(const PV *V, const std::string &Path, int Depth,
                    std::vector<Candidate> &Out, std::set<const PV *> &Seen,
                    WalkBudget &Budget) {
  Budget.step();
  if (Depth > MaxSearchDepth || V->K != PV::Kind::Dict)
    return;
  Budget.step(V->Entries.size()); // what telling its kind costs
  if (isTensorDict(V)) {
    Out.push_back({Path, V, false});
    return;
  }
  if (isOptimizerStateDict(V)) {
    Out.push_back({Path, V, true});
    return;
  }
  if (!Seen.insert(V).second)
    return;
  for (const auto &[K, Child] : V->Entries)
    if (K->K == PV::Kind::String)
      findCandidates(Child, Path.empty() ? K->Str : Path + "/" + K->Str,
                     Depth + 1, Out, Seen, Budget);
}

} // namespace

const PV *chooseStateDict(const PV *Root, const ReadOptions &Opts,
                          std::string &Entry, bool *NestsOptimizer) {
  const PV *Chosen = Root;
  if (NestsOptimizer)
    *NestsOptimizer = false;
  if (!Opts.Entry.empty()) {
    std::stringstream Parts(Opts.Entry);
    std::string Part;
    while (std::getline(Parts, Part, '/')) {
      const PV *Next = dictGet(Chosen, Part);
      if (!Next)
        throw CheckpointError("no entry '" + Opts.Entry +
                              "' in the checkpoint");
      Chosen = Next;
    }
    Entry = Opts.Entry;
  } else if (!isTensorDict(Root) && !isOptimizerStateDict(Root)) {
    std::vector<Candidate> Found;
    std::set<const PV *> Seen;
    WalkBudget Budget("the search for state dicts");
    findCandidates(Root, "", 0, Found, Seen, Budget);
    std::vector<Candidate> Models;
    for (const auto &C : Found)
      if (!C.Optimizer)
        Models.push_back(C);
    const std::vector<Candidate> &Pick = Models.empty() ? Found : Models;
    if (Pick.empty())
      throw CheckpointError("no dict of tensors in the checkpoint");
    if (Pick.size() > 1) {
      std::string List;
      for (const auto &C : Found)
        List += "\n  " + C.Path + (C.Optimizer ? " (optimizer state)" : "");
      throw CheckpointError("the checkpoint holds several state dicts; choose "
                            "one with --entry:" +
                            List);
    }
    Chosen = Pick[0].Value;
    Entry = Pick[0].Path;
  }
  if (NestsOptimizer && Chosen != Root && !isOptimizerStateDict(Chosen)) {
    std::vector<Candidate> Found;
    std::set<const PV *> Seen;
    WalkBudget Budget("the search for state dicts");
    findCandidates(Root, "", 0, Found, Seen, Budget);
    for (const Candidate &C : Found)
      *NestsOptimizer |= C.Optimizer;
  }
  return Chosen;
}

std::vector<const PV *> optimizerStateDicts(const PV *Root) {
  std::vector<Candidate> Found;
  std::set<const PV *> Seen;
  WalkBudget Budget("the search for state dicts");
  findCandidates(Root, "", 0, Found, Seen, Budget);
  std::vector<const PV *> R;
  for (const Candidate &C : Found)
    if (C.Optimizer)
      R.push_back(C.Value);
  return R;
}

void fromPythonPickle(Manifest &M, const PV *Root, const ReadOptions &Opts) {
  const PV *Chosen = chooseStateDict(Root, Opts, M.Entry, nullptr);
  if (isOptimizerStateDict(Chosen)) {
    M.Optimizer = pythonOptimizer(Chosen);
    return;
  }
  if (Chosen->K == PV::Kind::Dict && Chosen->Entries.empty())
    return;
  if (!isTensorDict(Chosen))
    throw CheckpointError("entry '" + M.Entry + "' is not a dict of tensors");
  addKeys(M, Chosen);
}

// --- TorchScript / torch::save archives --------------------------------------

} // namespace checkpoint
} // namespace torchkc
