//===- Compare.cpp - A model's keys against a checkpoint ------------------===//
#include "torch-keycheck/Compare.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <array>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace torchkc {
namespace {

const char *const MissingCheck = "torch-checkpoint-missing-key";
const char *const UnexpectedCheck = "torch-checkpoint-unexpected-key";
const char *const ShapeCheck = "torch-checkpoint-shape-mismatch";
const char *const DTypeCheck = "torch-checkpoint-dtype-mismatch";
const char *const PrefixCheck = "torch-checkpoint-prefix";
const char *const ReorderCheck = "torch-checkpoint-reordered";
const char *const RenameCheck = "torch-checkpoint-renamed";
const char *const OrderCheck = "torch-checkpoint-parameter-order";

std::string shapeText(const std::vector<int64_t> &S) {
  std::string R = "[";
  for (size_t I = 0; I < S.size(); ++I)
    R += (I ? ", " : "") + std::to_string(S[I]);
  return R + "]";
}

std::string shapeText(const std::vector<Dim> &S) {
  std::string R = "[";
  for (size_t I = 0; I < S.size(); ++I)
    R += (I ? ", " : "") + S[I].str();
  return R + "]";
}

/// `'a', 'b' and 3 more`: a few names of a group, for a message.
std::string someNames(const std::vector<std::string> &Names) {
  const size_t Shown = 3;
  std::string R;
  for (size_t I = 0; I < Names.size() && I < Shown; ++I) {
    if (I)
      R += I + 1 == Names.size() ? " and " : ", ";
    R += "'" + Names[I] + "'";
  }
  if (Names.size() > Shown)
    R += " and " + std::to_string(Names.size() - Shown) + " more";
  return R;
}

bool isConcreteKey(const Key &K) {
  if (K.When || K.Name.find('{') != std::string::npos ||
      !K.Shape)
    return false;
  for (const Dim &D : *K.Shape)
    if (!D.Value)
      return false;
  return true;
}

/// The sizes of a concrete key (isConcreteKey).
std::vector<int64_t> concreteShape(const Key &K) {
  std::vector<int64_t> S;
  for (const Dim &D : *K.Shape)
    S.push_back(*D.Value);
  return S;
}

/// A checkpoint's keys by name.
using CheckpointIndex =
    std::unordered_map<std::string_view, const ManifestKey *>;

/// Keys by name, for lookups in models of any size (the first key of a
/// name wins, as a scan would find it).
class KeysByName {
public:
  explicit KeysByName(const std::vector<Key> &Keys) {
    Map.reserve(Keys.size());
    for (const Key &K : Keys)
      Map.try_emplace(K.Name, &K);
  }
  const Key *find(std::string_view Name) const {
    auto It = Map.find(Name);
    return It == Map.end() ? nullptr : It->second;
  }

private:
  std::unordered_map<std::string_view, const Key *> Map;
};

/// Where the sizes of a mismatched key come from: for each dimension the
/// symbolic derivation (S, the same key with no values bound) gives as an
/// expression, `vocab=50`.
std::string sizeOrigins(const Key &K, const Key *S,
                        const std::vector<size_t> &Dims) {
  if (!S || !S->Shape || S->Shape->size() != K.Shape->size())
    return "";
  std::string R;
  std::set<std::string> Seen;
  for (size_t I : Dims) {
    const Dim &D = (*S->Shape)[I];
    if (D.Value)
      continue;
    // A bare parameter reads `vocab=50`; an expression `hidden * 2 = 64`.
    bool Bare = D.Symbol.find_first_of(" ()") == std::string::npos;
    std::string Origin = D.Symbol + (Bare ? "=" : " = ") + (*K.Shape)[I].str();
    if (!Seen.insert(Origin).second)
      continue;
    R += (R.empty() ? "" : ", ") + Origin;
  }
  return R;
}

/// A wrapper's prefix on every checkpoint key (DataParallel's `module.`,
/// torch.compile's `_orig_mod.`, or both) that no key of the model has
/// (with Always, no key the model has in every configuration).
std::string wrapperPrefix(const std::vector<ManifestKey> &Ckpt,
                          const std::vector<Key> &Model, bool Always = false) {
  std::string Prefix;
  if (Ckpt.empty())
    return Prefix;
  auto Starts = [](std::string_view Name, std::string_view P) {
    return Name.substr(0, P.size()) == P;
  };
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (std::string_view P : {"module.", "_orig_mod."}) {
      bool All = std::all_of(Ckpt.begin(), Ckpt.end(), [&](const auto &K) {
        return Starts(std::string_view(K.Name).substr(Prefix.size()), P);
      });
      bool ModelHasIt = std::any_of(Model.begin(), Model.end(), [&](const Key &K) {
        return (!Always || !K.When) && Starts(K.Name, P);
      });
      if (All && !ModelHasIt) {
        Prefix += P;
        Changed = true;
      }
    }
  }
  return Prefix;
}

class Comparer {
public:
  Comparer(const ModelKeys &Model, const Manifest &M,
           const CompareOptions &Opts, const ModelKeys *Symbolic)
      : Model(Model), M(M), Opts(Opts), Symbolic(Symbolic) {}

  std::vector<Finding> run() {
    const std::vector<ManifestKey> &Ckpt = stripPrefixes();
    // One lookup per key; everything after works on what it found.
    CkptByName.reserve(Ckpt.size());
    for (const ManifestKey &K : Ckpt)
      CkptByName.try_emplace(K.Name, &K);
    Found.reserve(Model.Keys.size());
    std::vector<bool> Hit(Ckpt.size());
    for (const Key &K : Model.Keys) {
      auto It = CkptByName.find(K.Name);
      Found.push_back(It == CkptByName.end() ? nullptr : It->second);
      if (Found.back())
        Hit[size_t(Found.back() - Ckpt.data())] = true;
    }
    AnyUnexpected = std::count(Hit.begin(), Hit.end(), true) < long(Ckpt.size());

    reordered(Ckpt);
    renamed(Ckpt);
    missing();
    unexpected(Ckpt);
    for (size_t I = 0; I < Model.Keys.size(); ++I) {
      const Key &K = Model.Keys[I];
      if (Found[I] && isConcreteKey(K) && !isExplained(K.Name))
        compareTensor(K, *Found[I]);
    }
    parameterOrder(Ckpt);
    return std::move(Out);
  }

private:
  Finding &report(const char *Check, Severity Level, const SourceLoc &Loc,
                  std::string Message) {
    Out.push_back({Check, Level, Loc, std::move(Message), {}});
    return Out.back();
  }

  using NameIndex = std::unordered_map<std::string_view, const ManifestKey *>;
  using NameSet = std::unordered_set<std::string_view>;

  /// The checkpoint's keys as the model would name them.
  const std::vector<ManifestKey> &stripPrefixes() {
    Stripped = wrapperPrefix(M.Keys, Model.Keys);
    if (Stripped.empty())
      return M.Keys;
    StrippedKeys = M.Keys;
    for (ManifestKey &K : StrippedKeys)
      K.Name.erase(0, Stripped.size());
    report(PrefixCheck, Severity::Error, Model.Loc,
           "every checkpoint key starts with '" + Stripped + "', which '" +
               Model.Class +
               "' does not register; strip it from the keys before "
               "loading (it comes from a DataParallel or torch.compile "
               "wrapper)");
    return StrippedKeys;
  }

  /// For each module, the indices of the model's keys under it, in order:
  /// every prefix of a key that ends at a dot names a module path.
  void indexModules() {
    if (Indexed)
      return;
    Indexed = true;
    ModuleAt.reserve(Model.Modules.size());
    for (size_t I = 0; I < Model.Modules.size(); ++I)
      ModuleAt.try_emplace(Model.Modules[I].Path, I);
    KeysUnder.assign(Model.Modules.size(), {});
    for (size_t K = 0; K < Model.Keys.size(); ++K) {
      std::string_view Name = Model.Keys[K].Name;
      for (size_t Dot = Name.find('.'); Dot != std::string_view::npos;
           Dot = Name.find('.', Dot + 1))
        if (auto It = ModuleAt.find(Name.substr(0, Dot)); It != ModuleAt.end())
          KeysUnder[It->second].push_back(K);
    }
  }

  /// The model's keys under the module at Index.
  std::vector<const Key *> keysUnder(size_t Index) {
    indexModules();
    std::vector<const Key *> R;
    for (size_t K : KeysUnder[Index])
      R.push_back(&Model.Keys[K]);
    return R;
  }

  bool isExplained(const std::string &Name) const {
    return !Explained.empty() && Explained.count(Name);
  }

  /// Whether the model key at Index is concrete, not in the checkpoint and
  /// not accounted for by a reordering or rename.
  bool isMissing(size_t Index) const {
    const Key &K = Model.Keys[Index];
    return !Found[Index] && isConcreteKey(K) && !isExplained(K.Name);
  }

  bool anyMissing() const {
    for (size_t I = 0; I < Model.Keys.size(); ++I)
      if (isMissing(I))
        return true;
    return false;
  }

  /// The key of that name when no configuration is bound, if any.
  const Key *symbolicKey(const std::string &Name) {
    if (!Symbolic)
      return nullptr;
    if (!SymbolicByName)
      SymbolicByName.emplace(Symbolic->Keys);
    return SymbolicByName->find(Name);
  }

  /// `'use_extra_layer'`, or `'a' and 'b'`: the conditions a key exists
  /// under, for a message.
  static std::string conditionText(const Key &K) {
    std::string R;
    const std::vector<std::string> &Conditions = K.conditions();
    for (size_t I = 0; I < Conditions.size(); ++I)
      R += (I ? " and '" : "'") + Conditions[I] + "'";
    return R;
  }

  static bool isContainer(const ModuleInstance &Mod) {
    return Mod.Origin == "Sequential" || Mod.Origin == "ModuleList";
  }

  /// The keys of each indexed child of Container (`body.1` ->
  /// {"weight": [5, 10], ...}), from names and shapes.
  using Signature = std::map<std::string, std::vector<int64_t>>;

  /// Keys is every key under Container.
  template <typename KeyT, typename ShapeFn>
  static std::map<int64_t, Signature>
  childSignatures(const std::vector<const KeyT *> &Keys,
                  const std::string &Container, ShapeFn Shape) {
    std::map<int64_t, Signature> R;
    for (const KeyT *KP : Keys) {
      const KeyT &K = *KP;
      std::string Rest = K.Name.substr(Container.size() + 1);
      size_t Dot = Rest.find('.');
      std::string Index = Rest.substr(0, Dot);
      if (Dot == std::string::npos || Index.empty() || Index.size() > 9 ||
          !std::all_of(Index.begin(), Index.end(), ::isdigit))
        continue;
      R[std::stoll(Index)][Rest.substr(Dot + 1)] = Shape(K);
    }
    return R;
  }

  static std::string describe(const Signature &S) {
    auto W = S.find("weight");
    const auto &First = W != S.end() ? *W : *S.begin();
    return First.first + " " + shapeText(First.second);
  }

  /// A Sequential or ModuleList whose checkpoint children are the model's
  /// under another numbering (moved, inserted or removed children): one
  /// finding with the mapping, instead of every key missing and unexpected.
  void reordered(const std::vector<ManifestKey> &Ckpt) {
    // The checkpoint's keys under each container.
    std::map<size_t, std::vector<const ManifestKey *>> CkptUnder;
    for (size_t I = 0; I < Model.Modules.size(); ++I)
      if (isContainer(Model.Modules[I]))
        CkptUnder[I];
    if (CkptUnder.empty())
      return;
    indexModules();
    for (const ManifestKey &K : Ckpt) {
      std::string_view Name = K.Name;
      for (size_t Dot = Name.find('.'); Dot != std::string_view::npos;
           Dot = Name.find('.', Dot + 1))
        if (auto It = ModuleAt.find(Name.substr(0, Dot));
            It != ModuleAt.end() && CkptUnder.count(It->second))
          CkptUnder[It->second].push_back(&K);
    }
    for (auto &[Index, TheirKeys] : CkptUnder) {
      const ModuleInstance &Mod = Model.Modules[Index];
      std::vector<const Key *> MyKeys = keysUnder(Index);
      if (!std::all_of(MyKeys.begin(), MyKeys.end(),
                       [](const Key *K) { return isConcreteKey(*K); }))
        continue;
      auto Mine = childSignatures(
          MyKeys, Mod.Path, [](const Key &K) { return concreteShape(K); });
      auto Theirs = childSignatures(
          TheirKeys, Mod.Path, [](const ManifestKey &K) { return K.Shape; });
      if (Mine.empty() || Mine.size() != Theirs.size() || Mine == Theirs)
        continue;
      // Match in order: the first unused checkpoint child with the same
      // keys and shapes, so identical layers keep their relative order.
      std::map<int64_t, int64_t> ModelToCkpt;
      std::set<int64_t> Used;
      for (const auto &[I, Sig] : Mine)
        for (const auto &[J, CSig] : Theirs)
          if (!Used.count(J) && CSig == Sig) {
            ModelToCkpt[I] = J;
            Used.insert(J);
            break;
          }
      if (ModelToCkpt.size() != Mine.size())
        continue;
      std::string Mapping;
      size_t Moved = 0;
      for (const auto &[I, J] : ModelToCkpt) {
        if (I == J)
          continue;
        if (Moved++ < 4)
          Mapping += std::string(Mapping.empty() ? "" : "; ") + "checkpoint '" +
                     Mod.Path + "." + std::to_string(J) + "' (" +
                     describe(Theirs[J]) + ") is the model's '" + Mod.Path +
                     "." + std::to_string(I) + "'";
      }
      if (Moved > 4)
        Mapping += "; and " + std::to_string(Moved - 4) + " more";
      for (const Key *K : MyKeys)
        Explained.insert(K->Name);
      for (const ManifestKey *K : TheirKeys)
        Explained.insert(K->Name);
      report(ReorderCheck, Severity::Error, Mod.Loc,
             "the checkpoint holds the children of '" + Mod.Path +
                 "' at other indices (a child moved, inserted or removed): " +
                 Mapping +
                 "; loading fails or puts weights in the wrong layers");
    }
  }

  /// Model keys the checkpoint lacks: a module whose keys are all missing
  /// is one finding at its registration.
  void missing() {
    if (!anyMissing())
      return;
    indexModules();
    std::unordered_set<std::string> Covered;
    for (size_t I = 0; I < Model.Modules.size(); ++I) {
      const ModuleInstance &Mod = Model.Modules[I];
      const std::vector<size_t> &Under = KeysUnder[I];
      bool Judged = std::all_of(Under.begin(), Under.end(), [&](size_t K) {
        const Key &Of = Model.Keys[K];
        return !Found[K] && !isExplained(Of.Name) && !Of.When &&
               Of.Name.find('{') == std::string::npos;
      });
      if (Under.empty() || !Judged || Covered.count(Model.Keys[Under[0]].Name))
        continue;
      std::vector<std::string> Keys;
      for (size_t K : Under)
        Keys.push_back(Model.Keys[K].Name);
      Covered.insert(Keys.begin(), Keys.end());
      std::string When;
      if (const Key *S = symbolicKey(Keys.front()))
        When = conditionText(*S);
      report(MissingCheck, Severity::Error, Mod.Loc,
             "'" + Mod.Path + "' (" + Mod.Origin +
                 ") is not in the checkpoint: " + someNames(Keys) +
                 (Keys.size() == 1 ? " is" : " are") + " missing" +
                 (When.empty() ? "" : " (registered when " + When + ")"))
          .Keys = Keys;
    }
    for (size_t I = 0; I < Model.Keys.size(); ++I) {
      const Key &K = Model.Keys[I];
      if (Found[I] || Covered.count(K.Name) || isExplained(K.Name) ||
          K.When || K.Name.find('{') != std::string::npos)
        continue;
      std::string When;
      if (const Key *S = symbolicKey(K.Name))
        When = conditionText(*S);
      report(MissingCheck, Severity::Error, K.Loc,
             "'" + K.Name + "' is not in the checkpoint" +
                 (When.empty() ? "" : " (registered when " + When + ")"))
          .Keys = {K.Name};
    }
  }

  /// Checkpoint keys the model lacks, grouped under the first part of
  /// their path the model does not have, in checkpoint order.
  std::vector<std::pair<std::string, std::vector<std::string>>>
  unexpectedGroups(const std::vector<ManifestKey> &Ckpt) {
    std::vector<std::pair<std::string, std::vector<std::string>>> Groups;
    // Keys the model has as patterns or under conditions may match.
    if (!AnyUnexpected || !isConcrete(Model))
      return Groups;
    if (ModelNames.empty())
      for (const Key &K : Model.Keys) {
        std::string_view Name = K.Name;
        ModelNames.insert(Name);
        for (size_t P = Name.find('.'); P != std::string_view::npos;
             P = Name.find('.', P + 1))
          ModelPaths.insert(Name.substr(0, P));
      }
    std::unordered_map<std::string, size_t> Index;
    for (const ManifestKey &K : Ckpt) {
      if (ModelNames.count(K.Name) || isExplained(K.Name))
        continue;
      std::string_view Name = K.Name, Root = Name;
      for (size_t P = Name.find('.'); P != std::string_view::npos;
           P = Name.find('.', P + 1))
        if (!ModelPaths.count(Name.substr(0, P))) {
          Root = Name.substr(0, P);
          break;
        }
      auto [It, New] = Index.try_emplace(std::string(Root), Groups.size());
      if (New)
        Groups.push_back({std::string(Root), {}});
      Groups[It->second].second.push_back(K.Name);
    }
    return Groups;
  }

  static std::string parentOf(const std::string &Path) {
    size_t Dot = Path.rfind('.');
    return Dot == std::string::npos ? "" : Path.substr(0, Dot);
  }

  static size_t editDistance(const std::string &A, const std::string &B) {
    std::vector<size_t> Row(B.size() + 1);
    for (size_t J = 0; J <= B.size(); ++J)
      Row[J] = J;
    for (size_t I = 1; I <= A.size(); ++I) {
      size_t Diagonal = Row[0];
      Row[0] = I;
      for (size_t J = 1; J <= B.size(); ++J) {
        size_t Up = Row[J];
        Row[J] = std::min(
            {Row[J] + 1, Row[J - 1] + 1, Diagonal + (A[I - 1] != B[J - 1])});
        Diagonal = Up;
      }
    }
    return Row[B.size()];
  }

  /// A module or tensor the checkpoint lacks and one the model lacks, at
  /// the same place with the same keys and shapes and similar names: a
  /// rename, with a fix-it on the registered name when it is a literal.
  void renamed(const std::vector<ManifestKey> &Ckpt) {
    if (!AnyUnexpected || !anyMissing())
      return;
    indexModules();
    struct Side {
      std::string Path;
      Signature Sig;
      SourceLoc Loc, NameLoc;
      unsigned NameLength = 0;
      std::vector<std::string> Keys;
    };
    std::vector<Side> Ours;
    std::unordered_set<std::string> Covered;
    for (size_t I = 0; I < Model.Modules.size(); ++I) {
      const ModuleInstance &Mod = Model.Modules[I];
      const std::vector<size_t> &UnderIndex = KeysUnder[I];
      if (UnderIndex.empty() ||
          Covered.count(Model.Keys[UnderIndex[0]].Name) ||
          !std::all_of(UnderIndex.begin(), UnderIndex.end(),
                       [&](size_t K) { return isMissing(K); }))
        continue;
      std::vector<const Key *> Under = keysUnder(I);
      Side S{Mod.Path, {}, Mod.Loc, Mod.NameLoc, Mod.NameLength, {}};
      for (const Key *K : Under) {
        S.Sig[K->Name.substr(Mod.Path.size() + 1)] = concreteShape(*K);
        S.Keys.push_back(K->Name);
      }
      Covered.insert(S.Keys.begin(), S.Keys.end());
      Ours.push_back(std::move(S));
    }
    for (size_t I = 0; I < Model.Keys.size(); ++I)
      if (const Key &K = Model.Keys[I]; isMissing(I) && !Covered.count(K.Name))
        Ours.push_back({K.Name,
                        {{"", concreteShape(K)}},
                        K.Loc,
                        K.NameLoc,
                        K.NameLength,
                        {K.Name}});
    if (Ours.empty())
      return;

    // The checkpoint's side, by parent and signature: only those can pair.
    std::vector<Side> Theirs;
    std::map<std::pair<std::string, Signature>, std::vector<size_t>> Alike;
    for (auto &[Root, Keys] : unexpectedGroups(Ckpt)) {
      Side S{Root, {}, {}, {}, 0, Keys};
      for (const std::string &Name : Keys)
        S.Sig[Name == Root ? "" : Name.substr(Root.size() + 1)] =
            CkptByName.at(Name)->Shape;
      Alike[{parentOf(Root), S.Sig}].push_back(Theirs.size());
      Theirs.push_back(std::move(S));
    }
    std::map<std::pair<std::string, Signature>, size_t> OursAlike;
    for (const Side &O : Ours)
      ++OursAlike[{parentOf(O.Path), O.Sig}];

    std::set<size_t> Taken;
    for (const Side &O : Ours) {
      std::string Parent = parentOf(O.Path);
      auto Candidates = Alike.find({Parent, O.Sig});
      // Thousands of alike layers renamed at once are not told apart by
      // their names; they are reported as missing and unexpected.
      if (Candidates == Alike.end() ||
          Candidates->second.size() * OursAlike[{Parent, O.Sig}] > 1000000)
        continue;
      std::string Name = O.Path.substr(Parent.size() + (Parent.empty() ? 0 : 1));
      size_t Best = SIZE_MAX, BestDistance = SIZE_MAX;
      for (size_t I : Candidates->second) {
        const Side &T = Theirs[I];
        if (Taken.count(I))
          continue;
        std::string Other =
            T.Path.substr(Parent.size() + (Parent.empty() ? 0 : 1));
        size_t D = editDistance(Name, Other);
        bool Similar = D * 2 <= std::max(Name.size(), Other.size()) ||
                       Name.find(Other) != std::string::npos ||
                       Other.find(Name) != std::string::npos;
        if (Similar && D < BestDistance) {
          Best = I;
          BestDistance = D;
        }
      }
      if (Best == SIZE_MAX)
        continue;
      Taken.insert(Best);
      const Side &T = Theirs[Best];
      std::string Other =
          T.Path.substr(Parent.size() + (Parent.empty() ? 0 : 1));
      Finding &F = report(
          RenameCheck, Severity::Error, O.NameLength ? O.NameLoc : O.Loc,
          "'" + O.Path + "' is '" + T.Path +
              "' in the checkpoint (the same keys and shapes); rename the "
              "registration or the checkpoint's keys");
      if (O.NameLength)
        F.Fixes.push_back({O.NameLoc, O.NameLength, "\"" + Other + "\""});
      F.Keys = O.Keys;
      F.Keys.insert(F.Keys.end(), T.Keys.begin(), T.Keys.end());
      Explained.insert(O.Keys.begin(), O.Keys.end());
      Explained.insert(T.Keys.begin(), T.Keys.end());
    }
  }

  void unexpected(const std::vector<ManifestKey> &Ckpt) {
    for (const auto &[Root, Keys] : unexpectedGroups(Ckpt)) {
      // At the registration that makes the key in another configuration,
      // else the parent module's registration, else the class.
      SourceLoc Loc = Model.Loc;
      size_t Dot = Root.rfind('.');
      indexModules();
      if (Dot != std::string::npos)
        if (auto It = ModuleAt.find(std::string_view(Root).substr(0, Dot));
            It != ModuleAt.end())
          Loc = Model.Modules[It->second].Loc;
      std::string When;
      if (const Key *S = symbolicKey(Keys.front())) {
        Loc = S->Loc;
        When = conditionText(*S);
      }
      std::string What = Keys.size() == 1 && Keys[0] == Root
                             ? "'" + Root + "'"
                             : "'" + Root + "' (" + someNames(Keys) + ")";
      report(UnexpectedCheck,
             Opts.AllowUnexpected ? Severity::Warning : Severity::Error, Loc,
             "the checkpoint has " + What + ", which '" + Model.Class +
                 "' does not register" +
                 (When.empty() ? "" : " (it does when " + When + ")") +
                 (Opts.AllowUnexpected
                      ? std::string("; load_state_dict(strict=False) "
                                    "ignores it")
                      : std::string("; torch::load ignores it silently, "
                                    "load_state_dict fails")))
          .Keys = Keys;
    }
  }

  /// The same parameters in another order, with the shapes at the first
  /// differing position alike: loading by name works, but anything that
  /// pairs tensors by position (optimizer state, a loader copying
  /// parameters() in order) would put one layer's values into another.
  /// The order of a safetensors header means nothing and is not judged.
  void parameterOrder(const std::vector<ManifestKey> &Ckpt) {
    if (M.Format.compare(0, 11, "safetensors") == 0)
      return;
    // The model's parameters, and the checkpoint's tensors of their names
    // in the checkpoint's order.
    std::vector<const Key *> Ours;
    std::vector<bool> Named(Ckpt.size());
    for (size_t I = 0; I < Model.Keys.size(); ++I)
      if (const Key &K = Model.Keys[I];
          K.K == Key::Kind::Parameter && isConcreteKey(K)) {
        Ours.push_back(&K);
        if (Found[I])
          Named[size_t(Found[I] - Ckpt.data())] = true;
      }
    std::vector<const ManifestKey *> Theirs;
    for (size_t I = 0; I < Ckpt.size(); ++I)
      if (Named[I])
        Theirs.push_back(&Ckpt[I]);
    if (Theirs.size() != Ours.size())
      return;
    for (size_t I = 0; I < Ours.size(); ++I) {
      if (Ours[I]->Name == Theirs[I]->Name)
        continue;
      std::vector<int64_t> Shape = concreteShape(*Ours[I]);
      if (Shape != Theirs[I]->Shape)
        return; // a positional consumer would fail loudly, not misassign
      report(OrderCheck, Severity::Warning, Ours[I]->Loc,
             "parameter " + std::to_string(I) + " is '" + Ours[I]->Name +
                 "' in the model but '" + Theirs[I]->Name +
                 "' in the checkpoint, with the same shape " +
                 shapeText(Shape) +
                 "; loading by name works, but optimizer state or anything "
                 "else matched by position would go to the wrong layer")
          .Keys = {Ours[I]->Name, Theirs[I]->Name};
      return;
    }
  }

  void compareTensor(const Key &K, const ManifestKey &C) {
    std::vector<size_t> Differ;
    bool RankDiffers = K.Shape->size() != C.Shape.size();
    for (size_t I = 0; !RankDiffers && I < C.Shape.size(); ++I)
      if (*(*K.Shape)[I].Value != C.Shape[I])
        Differ.push_back(I);
    if (RankDiffers || !Differ.empty()) {
      std::string Origins = RankDiffers ? "" : sizeOrigins(K, symbolicKey(K.Name), Differ);
      report(ShapeCheck, Severity::Error, K.Loc,
             "'" + K.Name + "' is " + shapeText(*K.Shape) +
                 (Origins.empty() ? "" : " (from " + Origins + ")") +
                 " in the model but " + shapeText(C.Shape) +
                 " in the checkpoint; torch::load takes the checkpoint's "
                 "shape silently, load_state_dict fails")
          .Keys = {K.Name};
    }
    if (!K.DType.empty() && !C.DType.empty() && K.DType != C.DType)
      report(DTypeCheck, Severity::Warning, K.Loc,
             "'" + K.Name + "' is " + K.DType + " in the model but " + C.DType +
                 " in the checkpoint; loading converts it")
          .Keys = {K.Name};
  }

  const ModelKeys &Model;
  const Manifest &M;
  const CompareOptions &Opts;
  const ModelKeys *Symbolic;
  std::optional<KeysByName> SymbolicByName;
  std::string Stripped;
  std::vector<ManifestKey> StrippedKeys; ///< when Stripped is not empty
  NameIndex CkptByName;
  /// Per model key, the checkpoint's tensor of that name, or null.
  std::vector<const ManifestKey *> Found;
  /// Whether the checkpoint has a key no model key found.
  bool AnyUnexpected = false;
  NameSet ModelNames, ModelPaths; ///< built when unexpected keys are grouped
  bool Indexed = false;
  std::unordered_map<std::string_view, size_t> ModuleAt; ///< path -> index
  std::vector<std::vector<size_t>> KeysUnder; ///< per module, key indices
  /// Keys a reordering finding accounts for.
  std::unordered_set<std::string> Explained;
  std::vector<Finding> Out;
};

size_t errorsIn(const std::vector<Finding> &Fs) {
  return size_t(std::count_if(Fs.begin(), Fs.end(), [](const Finding &F) {
    return F.Level == Severity::Error;
  }));
}

bool isIntegralType(const std::string &T) {
  for (const char *Word : {"int", "long", "size_t", "short"})
    if (T.find(Word) != std::string::npos)
      return true;
  return false;
}

/// Whether checkpoint key Name is an instance of Pattern, a key name whose
/// `{...}` parts stand for indices (`blocks.{i}.weight`).
bool namesMatch(const std::string &Pattern, const std::string &Name) {
  size_t P = 0, N = 0;
  while (P < Pattern.size()) {
    if (Pattern[P] == '{') {
      size_t Close = Pattern.find('}', P);
      if (Close == std::string::npos)
        return false;
      size_t Digits = N;
      while (N < Name.size() && std::isdigit((unsigned char)Name[N]))
        ++N;
      if (N == Digits)
        return false;
      P = Close + 1;
    } else if (N < Name.size() && Pattern[P] == Name[N]) {
      ++P;
      ++N;
    } else {
      return false;
    }
  }
  return N == Name.size();
}

bool isIdentifier(const std::string &Text) {
  return !Text.empty() && !std::isdigit((unsigned char)Text[0]) &&
         std::all_of(Text.begin(), Text.end(), [](char C) {
           return std::isalnum((unsigned char)C) || C == '_';
         });
}

/// Identifiers in a symbolic size or name (`hidden * 2` reads `hidden`).
std::set<std::string> identifiers(const std::string &Text) {
  std::set<std::string> R;
  for (size_t I = 0; I < Text.size();) {
    if (std::isalpha((unsigned char)Text[I]) || Text[I] == '_') {
      size_t J = I;
      while (J < Text.size() &&
             (std::isalnum((unsigned char)Text[J]) || Text[J] == '_'))
        ++J;
      R.insert(Text.substr(I, J - I));
      I = J;
    } else {
      ++I;
    }
  }
  return R;
}

/// The constructor deriveKeys would pick for Given (the first whose
/// parameters cover the defines), or null.
const Constructor *constructorFor(const ModuleClass &Class,
                                  const Configuration &Given) {
  for (const Constructor &C : Class.Constructors) {
    bool Covers = true;
    for (const auto &D : Given.Defines)
      Covers &= std::any_of(C.Params.begin(), C.Params.end(),
                            [&](const auto &P) { return P.Name == D.first; });
    if (Covers)
      return &C;
  }
  return nullptr;
}

/// Every parameter bound to itself: derivation keeps the sizes symbolic
/// even where a default would decide them.
ModelKeys symbolicKeys(const RegistrationGraph &G, const ModuleClass &Class,
                       const Constructor &Ctor) {
  Configuration Symbols;
  for (const ConstructorParam &P : Ctor.Params)
    Symbols.Defines[P.Name] = Expr::makeParam(P.Name);
  return deriveKeys(G, Class, Symbols);
}

std::string
defineText(const Configuration &C, const std::vector<std::string> &Only,
           const std::map<std::string, std::string> &ReadFrom = {}) {
  std::string R;
  for (const std::string &K : Only) {
    auto It = C.Defines.find(K);
    if (It == C.Defines.end())
      continue;
    R += (R.empty() ? "" : ", ") + K + "=" + It->second->str();
    if (auto From = ReadFrom.find(K); From != ReadFrom.end())
      R += " (from " + From->second + ")";
  }
  return R;
}

/// Size mismatches that all follow from defines: when the checkpoint
/// matches exactly with other values of the defines the mismatched sizes
/// read, one finding naming them replaces a finding per tensor.
std::optional<std::vector<Finding>>
summarizeSizes(const RegistrationGraph &G, const ModuleClass &Class,
               const Configuration &Given, const Manifest &M,
               const CompareOptions &Opts, const ModelKeys &Symbolic,
               const std::vector<Finding> &AsGiven);

} // namespace

bool isConcrete(const ModelKeys &Model) {
  return std::all_of(Model.Keys.begin(), Model.Keys.end(), isConcreteKey);
}

std::vector<Finding> compareWithCheckpoint(const ModelKeys &Model,
                                           const Manifest &M,
                                           const CompareOptions &Opts,
                                           const ModelKeys *Symbolic) {
  return Comparer(Model, M, Opts, Symbolic).run();
}

namespace {

/// The boolean knobs the checkpoint decides on its own. A key whose
/// conditions read one knob alone exists under one value of it and not
/// under the other: if the checkpoint has the key, the other value leaves
/// it unexpected; if not, the other value leaves it missing. Either is an
/// error (an unexpected key only without --allow-unexpected), so every
/// matching configuration takes the value the key says, and the search
/// need not try the other. Knobs whose keys disagree stay open: no value
/// matches, and the search finds the closest.
std::map<std::string, Solution::Witness>
readBooleanKnobs(const ModelKeys &Symbolic, const std::set<std::string> &Bools,
                 const Manifest &M, const CheckpointIndex &ByName,
                 const CompareOptions &Opts) {
  std::map<std::string, Solution::Witness> Read;
  if (Bools.empty())
    return Read;
  // Names as the comparison will see them: a wrapper prefix is stripped
  // when no key of the model has it. Keys that exist only in some
  // configurations could change that; then nothing is read here.
  std::string Prefix = wrapperPrefix(M.Keys, Symbolic.Keys);
  if (Prefix != wrapperPrefix(M.Keys, Symbolic.Keys, /*Always=*/true))
    return Read;
  CheckpointIndex Stripped;
  if (!Prefix.empty())
    for (const ManifestKey &C : M.Keys)
      Stripped.try_emplace(std::string_view(C.Name).substr(Prefix.size()), &C);
  const CheckpointIndex &Names = Prefix.empty() ? ByName : Stripped;

  // Per knob: the bindings of its two values, and what its keys say.
  struct Knob {
    std::array<Bindings, 2> Values;
    std::optional<Solution::Witness> Read;
    bool Disagree = false;
  };
  std::unordered_map<std::string_view, Knob> Knobs;
  for (const std::string &B : Bools)
    for (bool V : {false, true})
      Knobs[B].Values[V][B] = Expr::makeBool(V);
  // Whether a condition holds with its one knob at Value (`flag` and
  // `!flag` without folding: they are most conditions).
  auto Holds = [](const ExprPtr &C, const std::string &Knob,
                  const Bindings &B, bool Value) -> std::optional<bool> {
    if (!C)
      return std::nullopt;
    if (C->K == Expr::Kind::Param && C->Name == Knob)
      return Value;
    if (C->K == Expr::Kind::Unary && C->Name == "!" &&
        C->Args[0]->K == Expr::Kind::Param && C->Args[0]->Name == Knob)
      return !Value;
    return fold(C, B)->asBool();
  };
  for (const Key &K : Symbolic.Keys) {
    if (K.dependsOn().size() != 1 || K.Name.find('{') != std::string::npos)
      continue;
    const std::string &Name = K.When->DependsOn[0];
    auto It = Knobs.find(Name);
    if (It == Knobs.end())
      continue;
    Knob &Kn = It->second;
    // Whether the key exists with the knob false, and with it true.
    std::optional<bool> Exists[2];
    for (bool V : {false, true}) {
      Exists[V] = true;
      for (const ExprPtr &C : K.When->Values) {
        std::optional<bool> H = Holds(C, Name, Kn.Values[V], V);
        if (!H) {
          Exists[V] = std::nullopt;
          break;
        }
        *Exists[V] = *Exists[V] && *H;
      }
    }
    if (!Exists[0] || !Exists[1] || *Exists[0] == *Exists[1])
      continue;
    bool Present = Names.count(K.Name) > 0;
    if (Present && Opts.AllowUnexpected)
      continue;
    bool Value = *Exists[1] == Present;
    if (!Kn.Read)
      Kn.Read = Solution::Witness{Value, K.Name, K.Loc, Present};
    else if (Kn.Read->Value != Value)
      Kn.Disagree = true;
  }
  for (auto &[Name, Kn] : Knobs)
    if (Kn.Read && !Kn.Disagree)
      Read.emplace(std::string(Name), std::move(*Kn.Read));
  return Read;
}

/// For each parameter a size is exactly (`Linear(in, hidden)` gives
/// `weight [hidden, in]`), the checkpoint's sizes at those places, with a
/// key showing each.
std::map<std::string, std::map<int64_t, std::string>>
sizesReadOff(const ModelKeys &Open, const Manifest &M,
             const CheckpointIndex &ByName) {
  std::map<std::string, std::map<int64_t, std::string>> Read;
  auto Take = [&](const Key &K, const ManifestKey &C) {
    if (C.Shape.size() != K.Shape->size())
      return;
    for (size_t I = 0; I < C.Shape.size(); ++I)
      if (const std::string &P = (*K.Shape)[I].Symbol; isIdentifier(P))
        Read[P].try_emplace(C.Shape[I], C.Name);
  };
  for (const Key &K : Open.Keys) {
    if (!K.Shape || std::all_of(K.Shape->begin(), K.Shape->end(),
                                [](const Dim &D) { return D.Value; }))
      continue;
    if (K.Name.find('{') == std::string::npos) {
      if (auto It = ByName.find(K.Name); It != ByName.end())
        Take(K, *It->second);
      continue;
    }
    for (const ManifestKey &C : M.Keys)
      if (namesMatch(K.Name, C.Name))
        Take(K, C);
  }
  return Read;
}

/// The suggested integers: every size in the checkpoint, and counts one
/// past each index in its key names.
void integersIn(const Manifest &M, std::set<int64_t> &Sizes,
                std::set<int64_t> &Counts) {
  for (const ManifestKey &K : M.Keys) {
    Sizes.insert(K.Shape.begin(), K.Shape.end());
    // Every run of digits: `blocks.2`, `layer3`, `denselayer12`.
    size_t I = 0;
    while (I < K.Name.size()) {
      if (std::isdigit((unsigned char)K.Name[I])) {
        size_t J = I;
        while (J < K.Name.size() && std::isdigit((unsigned char)K.Name[J]))
          ++J;
        if (J - I < 7) {
          int64_t N = std::stoll(K.Name.substr(I, J - I));
          Counts.insert(N);
          Counts.insert(N + 1);
        }
        I = J;
      } else {
        ++I;
      }
    }
  }
}

/// Configurations tried at most; more knobs must be given.
constexpr size_t MaxCombinations = 4096;

Solution solve(const RegistrationGraph &G, const ModuleClass &Class,
               const Constructor &Ctor, const ModelKeys &Symbolic,
               const Configuration &Given, const Manifest &M,
               const CompareOptions &Opts) {
  Solution S;
  // The knobs: parameters without a define that the keys' conditions,
  // names or sizes read when nothing is bound (defaults included: they
  // are what a caller may change).
  std::set<std::string> Read(Symbolic.Knobs.begin(), Symbolic.Knobs.end());
  std::unordered_set<std::string_view> Seen; // names and sizes read already
  auto ReadIn = [&](const std::string &Text) {
    if (Seen.insert(Text).second)
      for (const std::string &Id : identifiers(Text))
        Read.insert(Id);
  };
  for (const Key &K : Symbolic.Keys) {
    if (K.Name.find('{') != std::string::npos)
      ReadIn(K.Name);
    if (K.Shape)
      for (const Dim &D : *K.Shape)
        if (!D.Value)
          ReadIn(D.Symbol);
  }
  // Integers the checkpoint suggests, read when a knob needs them.
  std::set<int64_t> Sizes, Counts = {0};
  bool Suggested = false;
  std::map<std::string, std::map<int64_t, std::string>> SizeOf;
  std::set<std::string> Bools;
  bool ReadSizes = false;
  for (const ConstructorParam &P : Ctor.Params) {
    if (Given.Defines.count(P.Name) || !Read.count(P.Name))
      continue;
    if (P.Type.find("bool") != std::string::npos)
      Bools.insert(P.Name);
    else if (isIntegralType(P.Type))
      ReadSizes = true;
  }
  CheckpointIndex ByName;
  if (ReadSizes || !Bools.empty()) {
    ByName.reserve(M.Keys.size());
    for (const ManifestKey &C : M.Keys)
      ByName.try_emplace(C.Name, &C);
  }
  if (ReadSizes)
    SizeOf = sizesReadOff(Symbolic, M, ByName);
  S.Witnessed = readBooleanKnobs(Symbolic, Bools, M, ByName, Opts);

  // Each knob's values: all of them, and those left after reading the
  // checkpoint.
  std::vector<std::vector<ExprPtr>> All, Left;
  for (const ConstructorParam &P : Ctor.Params) {
    if (Given.Defines.count(P.Name) || !Read.count(P.Name))
      continue;
    std::vector<ExprPtr> V;
    if (Bools.count(P.Name)) {
      V = {Expr::makeBool(false), Expr::makeBool(true)};
    } else if (isIntegralType(P.Type)) {
      // A size the open keys give as exactly this parameter is read off
      // the checkpoint; otherwise counts from indices, and sizes.
      std::set<int64_t> Exact;
      const std::map<int64_t, std::string> &Witness = SizeOf[P.Name];
      for (const auto &[Value, Key] : Witness)
        Exact.insert(Value);
      if (Exact.size() == 1) {
        S.ReadFrom[P.Name] = Witness.begin()->second;
      } else if (Exact.size() > 1) {
        std::string Says;
        for (const auto &[Value, Key] : Witness)
          Says += (Says.empty() ? "" : ", ") + std::to_string(Value) +
                  " from " + Key;
        S.Contradictions.push_back("the checkpoint's sizes disagree about '" +
                                   P.Name + "': " + Says);
      }
      if (Exact.empty() && !Suggested) {
        integersIn(M, Sizes, Counts);
        Suggested = true;
      }
      std::set<int64_t> Pool = Exact.empty() ? Counts : Exact;
      if (Exact.empty() && Counts.size() <= 1)
        Pool.insert(Sizes.begin(), Sizes.end());
      for (int64_t N : Pool)
        V.push_back(Expr::makeInt(N));
    } else {
      S.Problem = "cannot enumerate values of '" + P.Name + "' (" + P.Type +
                  "); give it with --define";
      return S;
    }
    S.Knobs.push_back(P.Name);
    auto W = S.Witnessed.find(P.Name);
    Left.push_back(W == S.Witnessed.end()
                       ? V
                       : std::vector<ExprPtr>{Expr::makeBool(W->second.Value)});
    All.push_back(std::move(V));
  }

  auto Count = [](const std::vector<std::vector<ExprPtr>> &Values) {
    size_t N = 1;
    for (const auto &V : Values) {
      N *= std::max<size_t>(V.size(), 1);
      if (N > MaxCombinations)
        return N;
    }
    return N;
  };
  // Tries every combination of Values; keeps those with the fewest errors.
  auto Search = [&](const std::vector<std::vector<ExprPtr>> &Values) {
    S.Best.clear();
    size_t Fewest = SIZE_MAX;
    std::vector<size_t> Pick(Values.size(), 0);
    for (size_t N = 0, Total = Count(Values); N < Total; ++N) {
      Candidate C;
      C.Config = Given;
      for (size_t K = 0; K < Values.size(); ++K)
        C.Config.Defines[S.Knobs[K]] = Values[K][Pick[K]];
      ModelKeys Keys = deriveKeys(G, Class, C.Config);
      if (isConcrete(Keys)) {
        C.Findings = compareWithCheckpoint(Keys, M, Opts, &Symbolic);
        C.Errors = errorsIn(C.Findings);
        if (C.Errors < Fewest)
          S.Best.clear();
        if (C.Errors <= Fewest) {
          Fewest = C.Errors;
          S.Best.push_back(std::move(C));
        }
      }
      for (size_t K = 0; K < Pick.size(); ++K) {
        if (++Pick[K] < Values[K].size())
          break;
        Pick[K] = 0;
      }
    }
    S.Exact = Fewest == 0;
  };

  size_t Reduced = Count(Left), Full = Count(All);
  if (Reduced > MaxCombinations) {
    S.Problem = "too many configurations to try; give some of " +
                std::to_string(S.Knobs.size()) + " knobs with --define";
    return S;
  }
  Search(Left);
  // Without a match, the closest configuration may take a value the
  // checkpoint's keys argue against: search everything when that is small.
  if (!S.Exact && Reduced < Full && Full <= MaxCombinations) {
    S.Witnessed.clear();
    Search(All);
  }
  if (S.Best.empty())
    S.Problem = "no configuration tried gives concrete keys; give the "
                "knobs with --define";
  return S;
}

} // namespace

Solution solveConfiguration(const RegistrationGraph &G,
                            const ModuleClass &Class,
                            const Configuration &Given, const Manifest &M,
                            const CompareOptions &Opts) {
  const Constructor *Ctor = constructorFor(Class, Given);
  if (!Ctor) {
    Solution S;
    S.Problem = "no constructor of '" + Class.Name + "' takes the defines";
    return S;
  }
  return solve(G, Class, *Ctor, symbolicKeys(G, Class, *Ctor), Given, M, Opts);
}

namespace {

/// Whether some parameter of Ctor has neither a define in Given nor a
/// default.
bool leavesOpen(const Constructor &Ctor, const Configuration &Given) {
  return std::any_of(Ctor.Params.begin(), Ctor.Params.end(), [&](const auto &P) {
    return !P.Default && !Given.Defines.count(P.Name);
  });
}

/// Whether Given's keys cannot all be concrete: some key exists under
/// conditions over parameters Given leaves without a value alone, which no
/// value Given binds can decide.
bool keysStayOpen(const Constructor &Ctor, const ModelKeys &Symbolic,
                  const Configuration &Given) {
  std::set<std::string> Open;
  for (const ConstructorParam &P : Ctor.Params)
    if (!P.Default && !Given.Defines.count(P.Name))
      Open.insert(P.Name);
  return std::any_of(Symbolic.Keys.begin(), Symbolic.Keys.end(),
                     [&](const Key &K) {
                       return !K.dependsOn().empty() &&
                              std::all_of(K.dependsOn().begin(),
                                          K.dependsOn().end(),
                                          [&](const std::string &P) {
                                            return Open.count(P) > 0;
                                          });
                     });
}

} // namespace

std::vector<Finding>
checkAgainstCheckpoint(const RegistrationGraph &G, const ModuleClass &Class,
                       const Configuration &Given, const Manifest &M,
                       const CompareOptions &Opts, std::string &Problem) {
  const Constructor *Ctor = constructorFor(Class, Given);
  const SourceLoc &At = Class.Loc;
  // Each derivation of a large model costs; take only those the verdict
  // needs. With every parameter given or defaulted, Given's keys decide
  // alone when they match. With some left open, the symbolic keys say
  // whether Given can decide at all.
  ModelKeys Keys, Symbolic;
  bool Concrete = false, HaveSymbolic = false;
  auto DeriveSymbolic = [&] {
    if (Ctor && !HaveSymbolic)
      Symbolic = symbolicKeys(G, Class, *Ctor);
    HaveSymbolic = true;
  };
  if (!Ctor || !leavesOpen(*Ctor, Given)) {
    Keys = deriveKeys(G, Class, Given);
    Concrete = isConcrete(Keys);
  } else {
    DeriveSymbolic();
    if (!keysStayOpen(*Ctor, Symbolic, Given)) {
      Keys = deriveKeys(G, Class, Given);
      Concrete = isConcrete(Keys);
    }
  }
  std::vector<Finding> AsGiven;
  if (Concrete) {
    // Which findings there are does not depend on the symbolic keys (they
    // only word the messages), so a clean load needs none.
    if (!HaveSymbolic && compareWithCheckpoint(Keys, M, Opts).empty())
      return {};
    DeriveSymbolic();
    AsGiven = compareWithCheckpoint(Keys, M, Opts, Ctor ? &Symbolic : nullptr);
    if (errorsIn(AsGiven) == 0)
      return AsGiven;
    if (std::optional<std::vector<Finding>> Summary =
            summarizeSizes(G, Class, Given, M, Opts, Symbolic, AsGiven))
      return *Summary;
  }
  // Defaults decided what the defines did not; another value of a
  // parameter nobody gave may be what the checkpoint was saved with.
  DeriveSymbolic();
  const ModelKeys *SymbolicP = Ctor ? &Symbolic : nullptr;
  Solution S = Ctor ? solve(G, Class, *Ctor, Symbolic, Given, M, Opts)
                    : solveConfiguration(G, Class, Given, M, Opts);
  if (Concrete && (!S.Problem.empty() || !S.Exact || S.Knobs.empty()))
    return AsGiven;
  if (!S.Problem.empty()) {
    Problem = S.Problem;
    return {};
  }
  const Candidate &Best = S.Best.front();
  std::string Config = defineText(Best.Config, S.Knobs, S.ReadFrom);
  std::vector<Finding> Out;
  if (!S.Exact) {
    Out.push_back({"torch-checkpoint-configuration",
                   Severity::Remark,
                   At,
                   "no configuration of '" + Class.Name +
                       "' matches the checkpoint; the closest is " + Config +
                       ", which differs as reported below",
                   {}});
    for (const std::string &Knob : S.Knobs)
      Out.back().Configuration.push_back(
          {Knob, Best.Config.Defines.at(Knob)->str()});
    for (const std::string &C : S.Contradictions)
      Out.back().Notes.push_back({At, C});
    Out.insert(Out.end(), Best.Findings.begin(), Best.Findings.end());
    return Out;
  }
  Finding F{"torch-checkpoint-configuration",
            Severity::Remark,
            At,
            "the checkpoint matches '" + Class.Name + "' with " + Config +
                (Concrete ? ", not with the defaults" : ""),
            {}};
  for (const std::string &Knob : S.Knobs)
    F.Configuration.push_back({Knob, Best.Config.Defines.at(Knob)->str()});
  for (size_t I = 1; I < S.Best.size(); ++I)
    F.Notes.push_back(
        {At,
         "it matches with " + defineText(S.Best[I].Config, S.Knobs) + " too"});
  // What the other value of each boolean knob would break: the first
  // error of that configuration while deriving it is cheap, else what the
  // key the knob was read from says. A few knobs are explained; the rest
  // were decided the same way.
  constexpr size_t MaxKnobNotes = 8, MaxKeysDerivedForNotes = 20000;
  size_t Explained = 0, Unexplained = 0, Derived = 0;
  for (const std::string &Knob : S.Knobs) {
    auto V = Best.Config.Defines.at(Knob)->asBool();
    if (!V)
      continue;
    if (Explained == MaxKnobNotes) {
      ++Unexplained;
      continue;
    }
    std::string With = "with " + Knob + "=" + (*V ? "false" : "true") + ", ";
    if (Derived + Symbolic.Keys.size() <= MaxKeysDerivedForNotes) {
      Derived += Symbolic.Keys.size();
      Configuration Other = Best.Config;
      Other.Defines[Knob] = Expr::makeBool(!*V);
      ModelKeys OtherKeys = deriveKeys(G, Class, Other);
      if (!isConcrete(OtherKeys))
        continue;
      std::vector<Finding> Fs =
          compareWithCheckpoint(OtherKeys, M, Opts, SymbolicP);
      auto Err = std::find_if(Fs.begin(), Fs.end(), [](const Finding &X) {
        return X.Level == Severity::Error;
      });
      if (Err != Fs.end()) {
        F.Notes.push_back({Err->Loc, With + Err->Message});
        ++Explained;
      }
    } else if (auto W = S.Witnessed.find(Knob); W != S.Witnessed.end()) {
      F.Notes.push_back(
          {W->second.Loc,
           With + (W->second.InCheckpoint
                       ? "the checkpoint's '" + W->second.Key +
                             "' would be unexpected"
                       : "'" + W->second.Key +
                             "' would be missing from the checkpoint")});
      ++Explained;
    } else {
      ++Unexplained;
    }
  }
  if (Unexplained)
    F.Notes.push_back(
        {At, std::to_string(Unexplained) + " more boolean knob" +
                       (Unexplained == 1 ? " is" : "s are") +
                       " set as the checkpoint says; give one the other "
                       "value with --define to see what it breaks"});
  Out.push_back(std::move(F));
  // Warnings of the matching configuration (a dtype conversion) still show.
  for (const Finding &X : Best.Findings)
    Out.push_back(X);
  return Out;
}

std::vector<Finding> compareOptimizerState(const ModelKeys &Model,
                                           const OptimizerManifest &O,
                                           const std::string &ExpectedKind) {
  std::vector<Finding> Out;
  auto Lower = [](std::string S) {
    for (char &C : S)
      C = char(std::tolower((unsigned char)C));
    return S;
  };
  std::string Saved = Lower(O.Kind), Wanted = Lower(ExpectedKind);
  bool KindFits =
      Wanted.empty() || Saved == "unknown" || Saved == Wanted ||
      (Saved == "adam or adamw" && (Wanted == "adam" || Wanted == "adamw"));
  if (!KindFits)
    Out.push_back(
        {"torch-optimizer-kind",
         Severity::Error,
         Model.Loc,
         "the optimizer state was saved by " + O.Kind + ", not " +
             ExpectedKind +
             "; LibTorch's torch::load dies on it with an internal assertion "
             "that names neither",
         {}});

  std::vector<const Key *> Params;
  for (const Key &K : Model.Keys)
    if (K.K == Key::Kind::Parameter)
      Params.push_back(&K);
  size_t Saved_ = 0;
  for (size_t N : O.GroupSizes)
    Saved_ += N;
  if (Saved_ != Params.size()) {
    Out.push_back(
        {"torch-optimizer-parameter-count",
         Severity::Error,
         Model.Loc,
         "the optimizer state is for " + std::to_string(Saved_) +
             " parameters, '" + Model.Class + "' has " +
             std::to_string(Params.size()) +
             "; torch::load refuses a parameter group of another size",
         {}});
    return Out;
  }
  // State is matched to parameters by position: each state tensor that is
  // not a scalar (Adam's step) has its parameter's shape.
  for (size_t I = 0; I < O.ParamState.size() && I < Params.size(); ++I) {
    const Key &P = *Params[I];
    if (!isConcreteKey(P))
      continue;
    std::vector<int64_t> Want = concreteShape(P);
    for (const ManifestKey &S : O.ParamState[I]) {
      if (S.Shape.empty() || S.Shape == Want)
        continue;
      Out.push_back(
          {"torch-optimizer-state-shape",
           Severity::Error,
           P.Loc,
           "optimizer state " + std::to_string(I) + " ('" + S.Name + "' " +
               shapeText(S.Shape) + ") does not fit parameter " +
               std::to_string(I) + " '" + P.Name + "' " + shapeText(Want) +
               "; LibTorch matches state by position and loads it silently",
           {}});
      Out.back().Keys = {P.Name};
      break;
    }
  }
  return Out;
}

namespace {
std::optional<std::vector<Finding>>
summarizeSizes(const RegistrationGraph &G, const ModuleClass &Class,
               const Configuration &Given, const Manifest &M,
               const CompareOptions &Opts, const ModelKeys &Symbolic,
               const std::vector<Finding> &AsGiven) {
  // The defines the mismatched sizes are made of.
  std::set<std::string> Suspects;
  std::vector<const Finding *> Sizes;
  KeysByName SymbolicByName(Symbolic.Keys);
  for (const Finding &F : AsGiven) {
    if (F.Check != ShapeCheck)
      continue;
    Sizes.push_back(&F);
    if (F.Keys.empty())
      continue;
    if (const Key *K = SymbolicByName.find(F.Keys.front()); K && K->Shape)
      for (const Dim &D : *K->Shape)
        for (const std::string &Id : identifiers(D.Symbol))
          if (Given.Defines.count(Id))
            Suspects.insert(Id);
  }
  if (Sizes.size() < 2 || Suspects.empty())
    return std::nullopt;
  Configuration Loosened = Given;
  for (const std::string &S : Suspects)
    Loosened.Defines.erase(S);
  const Constructor *Ctor = constructorFor(Class, Loosened);
  Solution S =
      Ctor == constructorFor(Class, Given)
          ? solve(G, Class, *Ctor, Symbolic, Loosened, M, Opts)
          : solveConfiguration(G, Class, Loosened, M, Opts);
  if (!S.Problem.empty() || !S.Exact)
    return std::nullopt;
  // Only the defines the checkpoint wants otherwise.
  std::vector<std::string> Names;
  for (const std::string &N : Suspects)
    if (Given.Defines.at(N)->str() !=
        S.Best.front().Config.Defines.at(N)->str())
      Names.push_back(N);
  if (Names.empty())
    return std::nullopt;
  std::string Ours = defineText(Given, Names),
              Theirs = defineText(S.Best.front().Config, Names);
  std::vector<Finding> Out;
  Finding F{ShapeCheck,
            Severity::Error,
            Sizes.front()->Loc,
            "'" + Class.Name + "' is built with " + Ours +
                ", but the checkpoint's sizes are those of " + Theirs + ": " +
                std::to_string(Sizes.size()) +
                " tensors differ in shape; torch::load takes the "
                "checkpoint's shapes silently, load_state_dict fails",
            {{Sizes.front()->Loc, "the first is: " + Sizes.front()->Message}}};
  for (const Finding *X : Sizes)
    F.Keys.insert(F.Keys.end(), X->Keys.begin(), X->Keys.end());
  for (const std::string &N : Names)
    F.Configuration.push_back({N, S.Best.front().Config.Defines.at(N)->str()});
  Out.push_back(std::move(F));
  for (const Finding &X : AsGiven)
    if (X.Check != ShapeCheck)
      Out.push_back(X);
  return Out;
}
} // namespace

std::vector<Finding> checkLoadSite(const RegistrationGraph &G,
                                   const LoadSite &S, const std::string &Path,
                                   const std::string &WhereFrom,
                                   std::string &Error) {
  std::vector<Finding> Found;
  const ModuleClass *C = G.find(S.Class);
  if (!C)
    return Found;
  std::string Args;
  for (const auto &[Name, Value] : S.Args)
    Args += (Args.empty() ? "" : ", ") + Name + "=" + Value->str();
  Note Construction{
      S.ConstructionLoc,
      "'" + S.Variable + "' is constructed here" +
          (Args.empty() ? std::string(" with the defaults") : " with " + Args)};
  std::ifstream Probe(Path);
  if (!Probe) {
    Found.push_back({"torch-checkpoint-configuration",
                     Severity::Remark,
                     S.Loc,
                     "'" + S.Checkpoint + "' is not checked: there is no " +
                         Path +
                         (WhereFrom.empty() ? "" : " (" + WhereFrom + ")"),
                     {}});
    return Found;
  }
  Manifest M;
  try {
    M = readCheckpoint(Path);
  } catch (const CheckpointError &E) {
    Error = std::string(E.what()) + " (loaded at " + S.Loc.str() + ")";
    return Found;
  }
  Configuration Given;
  Given.Defines = S.Args;
  std::string Problem;
  for (Finding &F : checkAgainstCheckpoint(G, *C, Given, M, {}, Problem)) {
    Finding AtCall = F;
    AtCall.Loc = S.Loc;
    AtCall.Message =
        "'" + S.Checkpoint + "' into '" + S.Variable + "': " + F.Message;
    AtCall.Notes = {{F.Loc, "the difference comes from here"}, Construction};
    AtCall.Notes.insert(AtCall.Notes.end(), F.Notes.begin(), F.Notes.end());
    AtCall.Fixes.clear(); // they apply at the registration, not here
    Found.push_back(std::move(AtCall));
  }
  if (!Problem.empty())
    Found.push_back({"torch-checkpoint-configuration",
                     Severity::Remark,
                     S.Loc,
                     "'" + S.Checkpoint + "' is not checked: " + Problem,
                     {Construction}});
  return Found;
}

} // namespace torchkc
