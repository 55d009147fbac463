//===- LoadVerdict.cpp - Keys against a checkpoint's manifest -------------===//
#include "torch-keycheck/verdict/LoadVerdict.h"

#include "VerdictSupport.h"

#include "torch-keycheck/keys/BuiltinModules.h"

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_set>

namespace torchkc {
using namespace verdict;

namespace {

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

class Comparer {
public:
  Comparer(const ModelKeys &Model, const Manifest &M,
           const CompareOptions &Opts, const ModelKeys *Symbolic)
      : Model(Model), M(M), Opts(Opts), Symbolic(Symbolic) {}

  std::vector<Finding> run(size_t *Cost) {
    const std::vector<ManifestKey> &Ckpt = stripPrefixes();
    // One lookup per key; everything after works on what it found.
    CkptByName.reserve(Ckpt.size());
    for (const ManifestKey &K : Ckpt) {
      CkptByName.try_emplace(K.Name, &K);
      std::string_view Name = K.Name;
      for (size_t Dot = Name.find('.'); Dot != std::string_view::npos;
           Dot = Name.find('.', Dot + 1))
        CkptModules.insert(Name.substr(0, Dot));
    }
    Found.reserve(Model.Keys.size());
    std::vector<bool> Hit(Ckpt.size());
    for (const Key &K : Model.Keys) {
      auto It = CkptByName.find(K.Name);
      Found.push_back(It == CkptByName.end() ? nullptr : It->second);
      if (Found.back())
        Hit[size_t(Found.back() - Ckpt.data())] = true;
    }
    AnyUnexpected =
        std::count(Hit.begin(), Hit.end(), true) < long(Ckpt.size());

    reordered(Ckpt);
    renamed(Ckpt);
    wrapped(Ckpt);
    missing();
    unexpected(Ckpt);
    for (size_t I = 0; I < Model.Keys.size(); ++I) {
      const Key &K = Model.Keys[I];
      if (Found[I] && isConcreteKey(K) && !isExplained(K.Name))
        compareTensor(K, *Found[I]);
    }
    parameterOrder(Ckpt);
    if (Cost)
      *Cost = cost();
    if (Opts.Mapping)
      mapping(Ckpt, *Opts.Mapping);
    return std::move(Out);
  }

  /// The mapping the findings describe: each stored key through the
  /// prefix put right, then a reordering or a rename, to the model's key.
  void mapping(const std::vector<ManifestKey> &Ckpt, KeyMapping &Map) {
    Map = KeyMapping();
    std::unordered_set<std::string> Filled;
    std::unordered_map<std::string, const Key *> ModelKey;
    for (const Key &K : Model.Keys)
      ModelKey.emplace(K.Name, &K);
    std::string PrefixWhy =
        !Stripped.empty()
            ? "prefix '" + Stripped + "' stripped"
            : !Added.empty() ? "saved alone: prefix '" + Added + "' added"
                             : "";
    for (size_t I = 0; I < Ckpt.size(); ++I) {
      const std::string &Stored = M.Keys[I].Name;
      std::string Name = Ckpt[I].Name, Why = PrefixWhy;
      if (auto R = Remapped.find(Name); R != Remapped.end()) {
        Why = (Why.empty() ? "" : Why + ", ") + R->second.second;
        Name = R->second.first;
      }
      auto It = ModelKey.find(Name);
      if (It == ModelKey.end()) {
        Map.Unexpected.push_back(Stored);
        continue;
      }
      Filled.insert(Name);
      if (Name == Stored)
        Map.Same.push_back(Stored);
      else
        Map.Renames.push_back({Stored, Name, Why});
    }
    for (const Key &K : Model.Keys)
      if (!Filled.count(K.Name))
        Map.Missing.push_back(K.Name);
    Map.Mismatched.assign(MismatchedKeys.begin(), MismatchedKeys.end());
  }

  /// compareWithCheckpoint's Cost of Out.
  size_t cost() const {
    std::map<size_t, unsigned> RenameTier;
    for (const auto &[Cause, G] : RenameFindings)
      RenameTier[G.Index] = G.Tier;
    size_t C = 0;
    for (size_t I = 0; I < Out.size(); ++I) {
      if (Out[I].Level != Severity::Error)
        continue;
      auto Tier = RenameTier.find(I);
      C += Tier != RenameTier.end() ? Tier->second
                                    : std::max<size_t>(1, Out[I].Keys.size());
    }
    return C;
  }

  /// A name without case or separators: `LayerNorm`, `layer_norm` and
  /// `layerNorm` are one name otherwise spelt.
  static std::string folded(const std::string &Name) {
    std::string R;
    for (char C : Name)
      if (C != '_' && C != '-')
        R += char(std::tolower((unsigned char)C));
    return R;
  }

private:
  Finding &report(CheckId Check, const SourceLoc &Loc, std::string Message) {
    Out.emplace_back(Check, Loc, std::move(Message));
    return Out.back();
  }

  using NameIndex = std::unordered_map<std::string_view, const ManifestKey *>;
  using NameSet = std::unordered_set<std::string_view>;

  /// The checkpoint's keys as the model would name them.
  const std::vector<ManifestKey> &stripPrefixes() {
    Stripped = wrapperPrefix(M.Keys, Model.Keys);
    if (Stripped.empty())
      return addSubmodulePrefix();
    StrippedKeys = M.Keys;
    for (ManifestKey &K : StrippedKeys)
      K.Name.erase(0, Stripped.size());
    report(CheckId::CheckpointPrefix, Model.Loc,
           "every checkpoint key starts with '" + Stripped + "', which '" +
               Model.Class +
               "' does not register; strip it from the keys before "
               "loading (it comes from a DataParallel or torch.compile "
               "wrapper)");
    return StrippedKeys;
  }

  /// A checkpoint of one sub-module (`torch::save(model->net, ...)`, or a
  /// Python state_dict of the part): none of its keys is the model's, and
  /// every one is a key of the same module with that module's path
  /// stripped. That is one finding at the module, and the comparison goes
  /// on with the path put back, so what else differs still shows.
  const std::vector<ManifestKey> &addSubmodulePrefix() {
    if (M.Keys.empty() || Model.Modules.empty())
      return M.Keys;
    NameSet Names;
    for (const Key &K : Model.Keys)
      Names.insert(K.Name);
    for (const ManifestKey &K : M.Keys)
      if (Names.count(K.Name))
        return M.Keys;
    const ModuleInstance *Part = nullptr;
    for (const ModuleInstance &Mod : Model.Modules) {
      std::string Prefix = Mod.Path + ".";
      bool All = std::all_of(M.Keys.begin(), M.Keys.end(),
                             [&](const ManifestKey &K) {
                               return Names.count(Prefix + K.Name) > 0;
                             });
      // The outermost such module: a Sequential's only child would match
      // too, with fewer keys.
      if (All) {
        Part = &Mod;
        break;
      }
    }
    if (!Part)
      return M.Keys;
    Added = Part->Path + ".";
    StrippedKeys = M.Keys;
    for (ManifestKey &K : StrippedKeys)
      K.Name.insert(0, Added);
    report(CheckId::CheckpointPrefix, Part->NameLength ? Part->NameLoc : Part->Loc,
           "the checkpoint holds '" + Part->Path + "' alone: every key is one "
               "of '" + Part->Path + "' without the '" + Added +
               "' prefix; load it into '" + Part->Path +
               "', or save the whole '" + Model.Class + "'");
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
      if (isIndexedModuleContainer(Model.Modules[I].Origin))
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
      // Checkpoint child J is the model's child I.
      for (const auto &[I, J] : ModelToCkpt)
        for (const auto &[Rest, Shape] : Theirs[J])
          Remapped[Mod.Path + "." + std::to_string(J) + "." + Rest] = {
              Mod.Path + "." + std::to_string(I) + "." + Rest,
              "children of '" + Mod.Path + "' reordered"};
      report(CheckId::CheckpointReordered, Mod.Loc,
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
      // A module the checkpoint has keys under is there, with other
      // children: what is missing is further down.
      if (Under.empty() || !Judged || Covered.count(Model.Keys[Under[0]].Name) ||
          CkptModules.count(Mod.Path))
        continue;
      std::vector<std::string> Keys;
      for (size_t K : Under)
        Keys.push_back(Model.Keys[K].Name);
      Covered.insert(Keys.begin(), Keys.end());
      std::string When;
      if (const Key *S = symbolicKey(Keys.front()))
        When = conditionText(*S);
      report(CheckId::CheckpointMissingKey, Mod.Loc,
             "'" + Mod.Path + "' (" + Mod.Origin +
                 ") is not in the checkpoint: " + someNames(Keys) +
                 (Keys.size() == 1 ? " is" : " are") + " missing" +
                 (When.empty() ? "" : " (registered when " + When + ")"))
          .Keys = Keys;
    }
    for (size_t I = 0; I < Model.Keys.size(); ++I) {
      const Key &K = Model.Keys[I];
      if (Found[I] || Covered.count(K.Name) || isExplained(K.Name) || K.When ||
          K.Name.find('{') != std::string::npos)
        continue;
      std::string When;
      if (const Key *S = symbolicKey(K.Name))
        When = conditionText(*S);
      report(CheckId::CheckpointMissingKey, K.Loc,
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
    if (!AnyUnexpected)
      return Groups;
    // A key the model has under a condition may be there (its name is in
    // ModelNames); a name pattern (`blocks.{i}.weight`) may match any key
    // of its shape. Only what nothing could match is unexpected.
    if (!NamesBuilt)
      for (const Key &K : Model.Keys) {
        NamesBuilt = true;
        std::string_view Name = K.Name;
        if (Name.find('{') != std::string_view::npos) {
          Patterns.push_back(&K.Name);
          continue;
        }
        ModelNames.insert(Name);
        for (size_t P = Name.find('.'); P != std::string_view::npos;
             P = Name.find('.', P + 1))
          ModelPaths.insert(Name.substr(0, P));
      }
    std::unordered_map<std::string, size_t> Index;
    for (const ManifestKey &K : Ckpt) {
      if (ModelNames.count(K.Name) || isExplained(K.Name) ||
          std::any_of(Patterns.begin(), Patterns.end(),
                      [&](const std::string *P) {
                        return namesMatch(*P, K.Name);
                      }))
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

  /// One side of a possible rename: a module (or tensor) with every key
  /// missing from the checkpoint, or a group of unexpected checkpoint keys.
  struct RenameSide {
    std::string Path;
    Signature Sig;
    SourceLoc Loc, NameLoc;
    unsigned NameLength = 0;
    std::vector<std::string> Keys;
  };

  /// The model's side: modules whose keys are all missing, then missing
  /// tensors outside those.
  std::vector<RenameSide> missingSides() {
    std::vector<RenameSide> Ours;
    std::unordered_set<std::string> Covered;
    for (size_t I = 0; I < Model.Modules.size(); ++I) {
      const ModuleInstance &Mod = Model.Modules[I];
      const std::vector<size_t> &UnderIndex = KeysUnder[I];
      if (UnderIndex.empty() || Covered.count(Model.Keys[UnderIndex[0]].Name) ||
          CkptModules.count(Mod.Path) ||
          !std::all_of(UnderIndex.begin(), UnderIndex.end(),
                       [&](size_t K) { return isMissing(K); }))
        continue;
      std::vector<const Key *> Under = keysUnder(I);
      RenameSide S{Mod.Path, {}, Mod.Loc, Mod.NameLoc, Mod.NameLength, {}};
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
    return Ours;
  }

  using SidesAlike =
      std::map<std::pair<std::string, Signature>, std::vector<size_t>>;

  /// The checkpoint's side, and its indices by parent and signature: only
  /// those alike can pair.
  std::vector<RenameSide> unexpectedSides(const std::vector<ManifestKey> &Ckpt,
                                          SidesAlike &Alike) {
    std::vector<RenameSide> Theirs;
    for (auto &[Root, Keys] : unexpectedGroups(Ckpt)) {
      RenameSide S{Root, {}, {}, {}, 0, Keys};
      for (const std::string &Name : Keys)
        S.Sig[Name == Root ? "" : Name.substr(Root.size() + 1)] =
            CkptByName.at(Name)->Shape;
      Alike[{parentOf(Root), S.Sig}].push_back(Theirs.size());
      Theirs.push_back(std::move(S));
    }
    return Theirs;
  }

  /// Among Candidates not Taken, the one whose last name component is
  /// closest to Name and similar enough to be a rename; SIZE_MAX if none.
  static size_t closestName(const std::string &Name, const std::string &Parent,
                            const std::vector<size_t> &Candidates,
                            const std::vector<RenameSide> &Theirs,
                            const std::set<size_t> &Taken) {
    size_t Best = SIZE_MAX, BestDistance = SIZE_MAX;
    for (size_t I : Candidates) {
      if (Taken.count(I))
        continue;
      std::string Other =
          Theirs[I].Path.substr(Parent.size() + (Parent.empty() ? 0 : 1));
      size_t D = editDistance(Name, Other);
      bool Similar = D * 2 <= std::max(Name.size(), Other.size()) ||
                     Name.find(Other) != std::string::npos ||
                     Other.find(Name) != std::string::npos;
      if (Similar && D < BestDistance) {
        Best = I;
        BestDistance = D;
      }
    }
    return Best;
  }

  /// A module or tensor the checkpoint lacks and one the model lacks, at
  /// the same place with the same keys and shapes, and similar names or
  /// no other alike on either side: a rename, with a fix-it on the
  /// registered name when it is a literal.
  void renamed(const std::vector<ManifestKey> &Ckpt) {
    if (!AnyUnexpected || !anyMissing())
      return;
    indexModules();
    std::vector<RenameSide> Ours = missingSides();
    if (Ours.empty())
      return;
    SidesAlike Alike;
    std::vector<RenameSide> Theirs = unexpectedSides(Ckpt, Alike);
    std::map<std::pair<std::string, Signature>, size_t> OursAlike;
    for (const RenameSide &O : Ours)
      ++OursAlike[{parentOf(O.Path), O.Sig}];

    std::set<size_t> Taken;
    for (const RenameSide &O : Ours) {
      std::string Parent = parentOf(O.Path);
      auto Candidates = Alike.find({Parent, O.Sig});
      // Thousands of alike layers renamed at once are not told apart by
      // their names; they are reported as missing and unexpected.
      if (Candidates == Alike.end() ||
          Candidates->second.size() * OursAlike[{Parent, O.Sig}] > 1000000)
        continue;
      std::string Name =
          O.Path.substr(Parent.size() + (Parent.empty() ? 0 : 1));
      size_t Best = closestName(Name, Parent, Candidates->second, Theirs, Taken);
      // Names that share nothing (`layers` saved as `features`) are still a
      // rename when nothing else at that place has those keys and shapes,
      // on either side.
      bool Unlike = false;
      if (Best == SIZE_MAX && OursAlike[{Parent, O.Sig}] == 1) {
        std::vector<size_t> Free;
        for (size_t I : Candidates->second)
          if (!Taken.count(I))
            Free.push_back(I);
        if (Free.size() == 1) {
          Best = Free.front();
          Unlike = true;
        }
      }
      if (Best == SIZE_MAX)
        continue;
      Taken.insert(Best);
      reportRename(O, Theirs[Best], Parent, Unlike);
    }
  }

  /// Names with every module level that only wraps another left out: a
  /// module with exactly one child module and no tensor of its own, as
  /// one side's key names show it (`features.0.Conv2dNormActivation.0.
  /// weight` -> `features.0.0.weight` when `features.0` holds nothing
  /// else).
  class Unwrapper {
  public:
    template <typename KeyT, typename NameFn>
    Unwrapper(const std::vector<KeyT> &Keys, NameFn Name) {
      for (const KeyT &K : Keys) {
        const std::string &N = Name(K);
        size_t Start = 0;
        for (size_t Dot = N.find('.'); Dot != std::string::npos;
             Dot = N.find('.', Start)) {
          Children[Start ? N.substr(0, Start - 1) : ""].first.insert(
              N.substr(Start, Dot - Start));
          Start = Dot + 1;
        }
        Children[Start ? N.substr(0, Start - 1) : ""].second = true;
      }
    }
    /// Path (a key or a module path) without its wrapping levels.
    std::string operator()(const std::string &Path) const {
      std::string Out;
      size_t Start = 0;
      for (size_t Dot = Path.find('.');; Dot = Path.find('.', Start)) {
        // The whole model is no wrapper: a prefix is put right elsewhere.
        bool Wraps = false;
        if (Start) {
          auto P = Children.find(Path.substr(0, Start - 1));
          Wraps = P != Children.end() && P->second.first.size() == 1 &&
                  !P->second.second;
        }
        if (!Wraps)
          Out.append(Path, Start,
                     Dot == std::string::npos ? std::string::npos
                                              : Dot + 1 - Start);
        if (Dot == std::string::npos)
          break;
        Start = Dot + 1;
      }
      if (!Out.empty() && Out.back() == '.')
        Out.pop_back();
      return Out;
    }

  private:
    /// Per module path, its child modules and whether it holds a tensor.
    std::unordered_map<std::string, std::pair<std::set<std::string>, bool>>
        Children;
  };

  /// A C++ port that wraps a container in a module of its own
  /// (`features.0.Conv2dNormActivation.0.weight` where torchvision saves
  /// `features.0.0.weight`), or names its wrapper otherwise: a missing key
  /// and an unexpected one that are one name once each side's wrapping
  /// levels are left out, each the only key of that name on its side,
  /// with the same shape and dtype, are one tensor. One finding per
  /// wrapping registration, counting its instances.
  void wrapped(const std::vector<ManifestKey> &Ckpt) {
    if (!AnyUnexpected || !anyMissing())
      return;
    Unwrapper OursUnwrapped(
        Model.Keys, [](const Key &K) -> const std::string & { return K.Name; });
    Unwrapper TheirsUnwrapped(Ckpt, [](const ManifestKey &K)
                                        -> const std::string & { return K.Name; });
    std::vector<std::string> Ours;
    std::unordered_map<std::string, size_t> TheirsAt;
    // Leaving wrapping levels out never makes two names one (a wrapper has
    // one child); a name seen twice is a key listed twice (a duplicate
    // registration, a hand-written manifest), and matches nothing.
    std::unordered_set<std::string> Once, Twice;
    for (const Key &K : Model.Keys) {
      Ours.push_back(OursUnwrapped(K.Name));
      if (!Once.insert(Ours.back()).second)
        Twice.insert(Ours.back());
    }
    for (size_t I = 0; I < Ckpt.size(); ++I)
      if (std::string N = TheirsUnwrapped(Ckpt[I].Name);
          !TheirsAt.emplace(N, I).second)
        Twice.insert(N);
    // A checkpoint key a model key has by name is not unexpected.
    NameSet Known;
    for (const Key &K : Model.Keys)
      Known.insert(K.Name);
    indexModules();
    // In the model's order: the first instance names a finding.
    for (size_t I = 0; I < Ours.size(); ++I) {
      auto T = TheirsAt.find(Ours[I]);
      if (!isMissing(I) || Twice.count(Ours[I]) || T == TheirsAt.end())
        continue;
      const Key &K = Model.Keys[I];
      const ManifestKey &C = Ckpt[T->second];
      if (Known.count(C.Name) || isExplained(C.Name) ||
          C.Shape != concreteShape(K) ||
          (!C.DType.empty() && !K.DType.empty() && C.DType != K.DType))
        continue;
      reportWrapped(K, C, OursUnwrapped, TheirsUnwrapped);
    }
  }

  /// Where the two names part: the model's module there
  /// (`features.0.Conv2dNormActivation`) and the checkpoint's module that
  /// is the same once unwrapped (`features.0`).
  void reportWrapped(const Key &K, const ManifestKey &C,
                     const Unwrapper &OursUnwrapped,
                     const Unwrapper &TheirsUnwrapped) {
    size_t Common = 0;
    for (size_t I = 0; I < K.Name.size() && I < C.Name.size() &&
                       K.Name[I] == C.Name[I];
         ++I)
      if (K.Name[I] == '.')
        Common = I + 1;
    std::string OursPath = K.Name.substr(0, K.Name.find('.', Common));
    std::string Target = OursUnwrapped(OursPath), TheirsPath;
    for (size_t Dot = C.Name.find('.'); Dot != std::string::npos;
         Dot = C.Name.find('.', Dot + 1))
      if (TheirsUnwrapped(C.Name.substr(0, Dot)) == Target)
        TheirsPath = C.Name.substr(0, Dot);
    if (TheirsPath.empty())
      TheirsPath = C.Name.substr(0, C.Name.find('.', Common));
    Explained.insert(K.Name);
    Explained.insert(C.Name);
    Remapped[C.Name] = {K.Name, "'" + TheirsPath + "' is '" + OursPath +
                                    "', module levels apart"};
    SourceLoc At = K.Loc;
    if (auto It = ModuleAt.find(OursPath); It != ModuleAt.end()) {
      const ModuleInstance &Mod = Model.Modules[It->second];
      At = Mod.NameLength ? Mod.NameLoc : Mod.Loc;
    }
    std::string Cause = At.str() + "|" + OursPath.substr(Common);
    auto [It, First] = WrapFindings.try_emplace(
        Cause, WrapGroup{Out.size(), OursPath, TheirsPath, {}});
    WrapGroup &G = It->second;
    bool NewInstance = G.Instances.insert(OursPath).second;
    if (!First) {
      Finding &F = Out[G.Index];
      if (F.Keys.size() < 2 * MaxWrappedKeysListed) {
        F.Keys.push_back(K.Name);
        F.Keys.push_back(C.Name);
      }
      if (NewInstance)
        F.Message = wrappedMessage(G.Theirs, G.Ours, G.Instances.size() - 1);
      return;
    }
    // Ranked as a rename of like names: one cause, however many keys.
    RenameFindings.emplace("wrapped|" + Cause,
                           RenameGroup{Out.size(), OursPath, TheirsPath, 0, 1});
    Finding &F = report(CheckId::CheckpointRenamed, At,
                        wrappedMessage(TheirsPath, OursPath, 0));
    F.Keys = {K.Name, C.Name};
  }

  static std::string wrappedMessage(const std::string &Theirs,
                                    const std::string &Ours, size_t More) {
    return "the checkpoint's '" + Theirs + "' is the model's '" + Ours +
           "' with module levels apart (a module that only wraps another, "
           "on one side or named otherwise: the same tensors below it)" +
           (More ? ", and " + std::to_string(More) + " more " +
                       (More == 1 ? "instance" : "instances") + " likewise"
                 : "") +
           "; loading by name fails: migrate the checkpoint, or register "
           "the wrapped module as the checkpoint has it";
  }

  static std::string renameMessage(const std::string &Ours,
                                   const std::string &Theirs,
                                   const std::string &Name, size_t More) {
    return "'" + Ours + "' is '" + Theirs + "' in the checkpoint" +
           (More ? ", and " + std::to_string(More) + " more " +
                       (More == 1 ? "instance" : "instances") + " of this '" +
                       Name + "' likewise"
                 : "") +
           " (the same keys and shapes); rename the registration or the "
           "checkpoint's keys";
  }

  void reportRename(const RenameSide &O, const RenameSide &T,
                    const std::string &Parent, bool Unlike) {
    std::string Other = T.Path.substr(Parent.size() + (Parent.empty() ? 0 : 1));
    std::string Name = O.Path.substr(Parent.size() + (Parent.empty() ? 0 : 1));
    Explained.insert(O.Keys.begin(), O.Keys.end());
    Explained.insert(T.Keys.begin(), T.Keys.end());
    for (const std::string &Theirs : T.Keys)
      Remapped[Theirs] = {O.Path + Theirs.substr(T.Path.size()),
                          "'" + T.Path + "' renamed '" + O.Path + "'"};
    // One registration that made many instances (a block built in a loop)
    // is one cause: one finding, counting the instances.
    SourceLoc At = O.NameLength ? O.NameLoc : O.Loc;
    unsigned Tier = Unlike ? 3 : folded(Name) == folded(Other) ? 1 : 2;
    auto [It, First] = RenameFindings.try_emplace(
        At.str() + "|" + Name + "|" + Other,
        RenameGroup{Out.size(), O.Path, T.Path, 0, Tier});
    RenameGroup &G = It->second;
    if (!First) {
      Finding &F = Out[G.Index];
      ++G.More;
      F.Message = renameMessage(G.Ours, G.Theirs, Name, G.More);
      F.Keys.insert(F.Keys.end(), O.Keys.begin(), O.Keys.end());
      F.Keys.insert(F.Keys.end(), T.Keys.begin(), T.Keys.end());
      return;
    }
    Finding &F = report(CheckId::CheckpointRenamed, At,
                        renameMessage(O.Path, T.Path, Name, 0));
    if (Unlike)
      F.Notes.push_back({At, UnlikeNamesNote});
    if (O.NameLength)
      F.Fixes.push_back({O.NameLoc, O.NameLength, "\"" + Other + "\""});
    F.Keys = O.Keys;
    F.Keys.insert(F.Keys.end(), T.Keys.begin(), T.Keys.end());
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
      Finding &F =
          report(CheckId::CheckpointUnexpectedKey, Loc,
                 "the checkpoint has " + What + ", which '" + Model.Class +
                     "' does not register" +
                     (When.empty() ? "" : " (it does when " + When + ")") +
                     (Opts.AllowUnexpected
                          ? std::string("; load_state_dict(strict=False) "
                                        "ignores it")
                          : std::string("; torch::load ignores it silently, "
                                        "load_state_dict fails")));
      F.Keys = Keys;
      if (Opts.AllowUnexpected)
        F.Level = Severity::Warning;
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
      report(CheckId::CheckpointParameterOrder, Ours[I]->Loc,
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
    if (RankDiffers || !Differ.empty() ||
        (!K.DType.empty() && !C.DType.empty() && K.DType != C.DType))
      MismatchedKeys.push_back(K.Name);
    if (RankDiffers || !Differ.empty()) {
      std::string Origins =
          RankDiffers ? "" : sizeOrigins(K, symbolicKey(K.Name), Differ);
      report(CheckId::CheckpointShapeMismatch, K.Loc,
             "'" + K.Name + "' is " + shapeText(*K.Shape) +
                 (Origins.empty() ? "" : " (from " + Origins + ")") +
                 " in the model but " + shapeText(C.Shape) +
                 " in the checkpoint; torch::load takes the checkpoint's "
                 "shape silently, load_state_dict fails")
          .Keys = {K.Name};
    }
    if (!K.DType.empty() && !C.DType.empty() && K.DType != C.DType)
      report(CheckId::CheckpointDTypeMismatch, K.Loc,
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
  /// The path of the sub-module the checkpoint holds alone, put back.
  std::string Added;
  std::vector<ManifestKey> StrippedKeys; ///< when Stripped or Added is set
  NameIndex CkptByName;
  /// A rename finding and the instances of its cause it covers.
  struct RenameGroup {
    size_t Index;       ///< in Out
    std::string Ours, Theirs; ///< the first instance's paths
    size_t More;        ///< instances after the first
    unsigned Tier;      ///< its cost: 1 same name, 2 similar, 3 unlike
  };
  /// Rename findings by cause: where, the old name, the new name.
  std::map<std::string, RenameGroup> RenameFindings;
  /// A wrapped finding: where it is in Out, its first instance's paths,
  /// every instance (the model's module paths).
  struct WrapGroup {
    size_t Index;
    std::string Ours, Theirs;
    std::set<std::string> Instances;
  };
  /// Wrapped findings by cause: where, the model's name, the checkpoint's.
  std::map<std::string, WrapGroup> WrapFindings;
  /// Keys a wrapped finding lists (both sides), at most.
  static constexpr size_t MaxWrappedKeysListed = 64;
  /// Every module path the checkpoint has keys under (`layer1`,
  /// `layer1.0`), views into its names.
  NameSet CkptModules;
  /// Per model key, the checkpoint's tensor of that name, or null.
  std::vector<const ManifestKey *> Found;
  /// Whether the checkpoint has a key no model key found.
  bool AnyUnexpected = false;
  NameSet ModelNames, ModelPaths; ///< built when unexpected keys are grouped
  std::vector<const std::string *> Patterns; ///< model names with `{...}`
  bool NamesBuilt = false;
  bool Indexed = false;
  std::unordered_map<std::string_view, size_t> ModuleAt; ///< path -> index
  std::vector<std::vector<size_t>> KeysUnder; ///< per module, key indices
  /// Keys a reordering finding accounts for.
  std::unordered_set<std::string> Explained;
  /// Checkpoint keys (as the model names them, prefix put right) that a
  /// reordering or rename makes other model keys, and why.
  std::unordered_map<std::string, std::pair<std::string, std::string>>
      Remapped;
  std::vector<std::string> MismatchedKeys;
  std::vector<Finding> Out;
};

} // namespace

bool isConcrete(const ModelKeys &Model) {
  return std::all_of(Model.Keys.begin(), Model.Keys.end(), isConcreteKey);
}

std::vector<Finding> compareWithCheckpoint(const ModelKeys &Model,
                                           const Manifest &M,
                                           const CompareOptions &Opts,
                                           const ModelKeys *Symbolic,
                                           size_t *Cost) {
  return Comparer(Model, M, Opts, Symbolic).run(Cost);
}

} // namespace torchkc
