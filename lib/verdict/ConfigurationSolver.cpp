//===- ConfigurationSolver.cpp - Solving for a configuration --------------===//
//
// What a knob is
// --------------
// A checkpoint was saved by one configuration of the model: the values of
// its constructor's parameters. The command line gives some (--define);
// defaults give others; a parameter that neither decides, or whose
// default the checkpoint may contradict, is a knob when something the
// keys depend on reads it: a key's condition (`if (use_aux_head)`), a
// name (`block{i}` in a loop to `depth`), or a size (`Linear(in, hidden)`
// gives `[hidden, in]`). The knobs are what the symbolic derivation (every
// parameter bound to itself) leaves open.
//
// How the checkpoint answers
// --------------------------
// Most knobs are read off the checkpoint instead of searched for:
//   - a boolean knob that a key's existence depends on alone: that key
//     exists under one value only, so the checkpoint having it or not
//     says which (either other value would leave it missing or
//     unexpected, an error); keys whose readings disagree leave the knob
//     open;
//   - an integer knob that some dimension is exactly: the checkpoint's
//     size there, with the key it was read from (sizes that disagree are
//     reported as such);
//   - other integer knobs (loop counts): one past each index in the
//     checkpoint's key names, and its sizes when there are no indices.
// What stays open is enumerated: every combination is derived (with the
// AST alive, so constructors are re-walked with the values known) and
// compared, and the exact matches, or the closest (least cost: the fewest
// keys left unloadable, compareWithCheckpoint says), are the
// solution. Without a match, and when few enough, every combination is
// tried again ignoring what the keys said, since the closest may take a
// value they argue against. Knobs that cannot be enumerated (a string, a
// float) are not searched, nor, beyond MaxCombinations, the knobs with the
// most values: they keep their defaults or stay open. When no
// configuration gives concrete keys, the keys that are concrete are still
// judged, and the candidate names the others (Candidate::Unjudged): a
// verdict never waits for every key to be known.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/verdict/ConfigurationSolver.h"

#include "VerdictSupport.h"

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_set>

namespace torchkc {
using namespace verdict;

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
      Knobs[B].Values[V][B] = SymExpr::makeBool(V);
  // Whether a condition holds with its one knob at Value (`flag` and
  // `!flag` without folding: they are most conditions).
  auto Holds = [](const SymExprPtr &C, const std::string &Knob,
                  const Bindings &B, bool Value) -> std::optional<bool> {
    if (!C)
      return std::nullopt;
    if (C->K == SymExpr::Kind::Param && C->Name == Knob)
      return Value;
    if (C->K == SymExpr::Kind::Unary && C->Name == "!" &&
        C->Args[0]->K == SymExpr::Kind::Param && C->Args[0]->Name == Knob)
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
      for (const SymExprPtr &C : K.When->Values) {
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

using KnobValues = std::vector<std::vector<SymExprPtr>>;

/// Combinations of Values, counted up to one past MaxCombinations.
size_t combinations(const KnobValues &Values) {
  size_t N = 1;
  for (const auto &V : Values) {
    N *= std::max<size_t>(V.size(), 1);
    if (N > MaxCombinations)
      return N;
  }
  return N;
}

/// One solve: which knobs there are, the values each may take, and the
/// search over their combinations.
class Solver {
public:
  Solver(const RegistrationGraph &G, const ModuleClass &Class,
         const Constructor &Ctor, const ModelKeys &Symbolic,
         const Configuration &Given, const Manifest &M,
         const CompareOptions &Opts)
      : G(G), Class(Class), Ctor(Ctor), Symbolic(Symbolic), Given(Given), M(M),
        Opts(Opts) {
    // A struct parameter not given whole is searched field by field
    // (`config.hiddenSize` read off a size, `config.numHiddenLayers` off
    // the indices), each field a knob of its own type.
    for (const ConstructorParam &P : Ctor.Params) {
      if (P.Fields.empty() || P.definedIn(Given.Defines)) {
        Params.push_back(P);
        continue;
      }
      for (const auto &[Path, Type] : P.Fields) {
        ConstructorParam F;
        F.Name = P.Name + "." + Path;
        F.Type = Type;
        Params.push_back(std::move(F));
      }
    }
  }

  Solution run() {
    readKnobs();
    readCheckpoint();
    // Each knob's values: all of them, and those left after reading the
    // checkpoint.
    KnobValues All, Left;
    for (const ConstructorParam &P : Params) {
      if (!isKnob(P))
        continue;
      std::vector<SymExprPtr> V;
      if (!valuesOf(P, V) || V.empty()) {
        S.LeftOut.push_back({P.Name,
                             "its values (" + P.Type + ") cannot be enumerated",
                             P.Default != nullptr});
        continue;
      }
      S.Knobs.push_back(P.Name);
      auto W = S.Witnessed.find(P.Name);
      Left.push_back(
          W == S.Witnessed.end()
              ? V
              : std::vector<SymExprPtr>{SymExpr::makeBool(W->second.Value)});
      All.push_back(std::move(V));
    }
    // Too many combinations: the knobs the checkpoint decided stay, the
    // others keep their defaults (or stay open), largest first, until the
    // rest can be searched.
    while (combinations(Left) > MaxCombinations) {
      size_t Widest = 0;
      for (size_t K = 1; K < Left.size(); ++K)
        if (Left[K].size() > Left[Widest].size())
          Widest = K;
      const ConstructorParam *P = nullptr;
      for (const ConstructorParam &Q : Params)
        if (Q.Name == S.Knobs[Widest])
          P = &Q;
      S.LeftOut.push_back({S.Knobs[Widest],
                           "it has too many values (" +
                               std::to_string(Left[Widest].size()) +
                               ") to search with the others",
                           P && P->Default});
      S.Knobs.erase(S.Knobs.begin() + long(Widest));
      Left.erase(Left.begin() + long(Widest));
      All.erase(All.begin() + long(Widest));
    }
    size_t Reduced = combinations(Left), Full = combinations(All);
    search(Left, /*Partial=*/false);
    // Without a match, the closest configuration may take a value the
    // checkpoint's keys argue against: search everything when that is
    // small.
    if (!S.Exact && Reduced < Full && Full <= MaxCombinations) {
      S.Witnessed.clear();
      search(All, /*Partial=*/false);
    }
    // No configuration gives concrete keys (a size the analyzer cannot
    // compute, a knob not searched): judge the keys that are, and name
    // the others.
    if (S.Best.empty())
      search(Left, /*Partial=*/true);
    if (S.Best.empty())
      S.Problem = "no configuration of the model could be derived";
    return std::move(S);
  }

private:
  /// The knobs: parameters without a define that the keys' conditions,
  /// names or sizes read when nothing is bound (defaults included: they
  /// are what a caller may change).
  void readKnobs() {
    Read.insert(Symbolic.Knobs.begin(), Symbolic.Knobs.end());
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
  }

  bool isKnob(const ConstructorParam &P) const {
    return !P.definedIn(Given.Defines) && Read.count(P.Name);
  }

  /// What the checkpoint says directly: boolean knobs read off the keys
  /// each one decides, sizes the open keys give as exactly a parameter.
  void readCheckpoint() {
    bool ReadSizes = false;
    for (const ConstructorParam &P : Params) {
      if (!isKnob(P))
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
  }

  /// The values knob P may take; false (S.Problem set) when they cannot
  /// be enumerated.
  bool valuesOf(const ConstructorParam &P, std::vector<SymExprPtr> &V) {
    if (Bools.count(P.Name)) {
      V = {SymExpr::makeBool(false), SymExpr::makeBool(true)};
      return true;
    }
    if (!isIntegralType(P.Type))
      return false;
    // A size the open keys give as exactly this parameter is read off the
    // checkpoint; otherwise counts from indices, and sizes.
    std::set<int64_t> Exact;
    const std::map<int64_t, std::string> &Witness = SizeOf[P.Name];
    for (const auto &[Value, Key] : Witness)
      Exact.insert(Value);
    if (Exact.size() == 1) {
      S.ReadFrom[P.Name] = Witness.begin()->second;
    } else if (Exact.size() > 1) {
      std::string Says;
      for (const auto &[Value, Key] : Witness)
        Says += (Says.empty() ? "" : ", ") + std::to_string(Value) + " from " +
                Key;
      S.Contradictions.push_back("the checkpoint's sizes disagree about '" +
                                 P.Name + "': " + Says);
    }
    // Integers the checkpoint suggests, read when a knob needs them.
    if (Exact.empty() && !Suggested) {
      integersIn(M, Sizes, Counts);
      Suggested = true;
    }
    // A knob some size is exactly, that no key of the checkpoint read
    // (its key is renamed there: `word_embeddings` for `wordEmbeddings`),
    // may be any of the checkpoint's sizes.
    std::set<int64_t> Pool = Exact.empty() ? Counts : Exact;
    if (Exact.empty() && (Counts.size() <= 1 || isWholeDimension(P.Name)))
      Pool.insert(Sizes.begin(), Sizes.end());
    for (int64_t N : Pool)
      V.push_back(SymExpr::makeInt(N));
    return true;
  }

  /// Whether some symbolic key has Name as a whole dimension.
  bool isWholeDimension(const std::string &Name) {
    if (WholeDimensions.empty())
      for (const Key &K : Symbolic.Keys)
        if (K.Shape)
          for (const Dim &D : *K.Shape)
            if (!D.Value && isIdentifier(D.Symbol))
              WholeDimensions.insert(D.Symbol);
    return WholeDimensions.count(Name) > 0;
  }

  /// Tries every combination of Values; keeps the closest (least cost).
  /// Partial: configurations whose keys are not all concrete are compared
  /// too, on the keys that are.
  void search(const KnobValues &Values, bool Partial) {
    S.Best.clear();
    size_t Fewest = SIZE_MAX;
    std::vector<size_t> Pick(Values.size(), 0);
    for (size_t N = 0, Total = combinations(Values); N < Total; ++N) {
      Candidate C;
      C.Config = Given;
      for (size_t K = 0; K < Values.size(); ++K)
        C.Config.Defines[S.Knobs[K]] = Values[K][Pick[K]];
      ModelKeys Keys = deriveKeys(G, Class, C.Config);
      bool Concrete = isConcrete(Keys);
      if (Concrete || Partial) {
        if (!Concrete)
          for (const Key &K : Keys.Keys)
            if (!isConcreteKey(K))
              C.Unjudged.push_back(K);
        C.Findings = compareWithCheckpoint(Keys, M, Opts, &Symbolic, &C.Cost);
        C.Errors = errorsIn(C.Findings);
        if (C.Cost < Fewest)
          S.Best.clear();
        if (C.Cost <= Fewest) {
          Fewest = C.Cost;
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
  }

  const RegistrationGraph &G;
  const ModuleClass &Class;
  const Constructor &Ctor;
  /// Ctor's parameters, struct parameters replaced by their fields.
  std::vector<ConstructorParam> Params;
  const ModelKeys &Symbolic;
  const Configuration &Given;
  const Manifest &M;
  const CompareOptions &Opts;
  Solution S;
  std::set<std::string> Read, Bools;
  std::map<std::string, std::map<int64_t, std::string>> SizeOf;
  std::set<int64_t> Sizes, Counts = {0};
  std::set<std::string> WholeDimensions;
  bool Suggested = false;
};

} // namespace

Solution verdict::solve(const RegistrationGraph &G, const ModuleClass &Class,
                        const Constructor &Ctor, const ModelKeys &Symbolic,
                        const Configuration &Given, const Manifest &M,
                        const CompareOptions &Opts) {
  return Solver(G, Class, Ctor, Symbolic, Given, M, Opts).run();
}

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

} // namespace torchkc
