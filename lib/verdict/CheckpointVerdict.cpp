//===- CheckpointVerdict.cpp - The whole verdict of one load --------------===//
#include "torch-keycheck/verdict/CheckpointVerdict.h"

#include "VerdictSupport.h"

#include "torch-keycheck/verdict/ConfigurationSolver.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace torchkc {
using namespace verdict;

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
    if (F.Check != CheckId::CheckpointShapeMismatch)
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
  Solution S = Ctor == constructorFor(Class, Given)
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
  Finding F{CheckId::CheckpointShapeMismatch,
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
    if (X.Check != CheckId::CheckpointShapeMismatch)
      Out.push_back(X);
  return Out;
}
} // namespace

namespace {

/// Whether some parameter of Ctor has neither a define in Given nor a
/// default.
bool leavesOpen(const Constructor &Ctor, const Configuration &Given) {
  return std::any_of(Ctor.Params.begin(), Ctor.Params.end(),
                     [&](const auto &P) {
                       return !P.Default && !P.definedIn(Given.Defines);
                     });
}

/// Whether Given's keys cannot all be concrete: some key exists under
/// conditions over parameters Given leaves without a value alone, which no
/// value Given binds can decide.
bool keysStayOpen(const Constructor &Ctor, const ModelKeys &Symbolic,
                  const Configuration &Given) {
  std::set<std::string> Open;
  for (const ConstructorParam &P : Ctor.Params)
    if (!P.Default && !P.definedIn(Given.Defines))
      Open.insert(P.Name);
  return std::any_of(
      Symbolic.Keys.begin(), Symbolic.Keys.end(), [&](const Key &K) {
        return !K.dependsOn().empty() &&
               std::all_of(
                   K.dependsOn().begin(), K.dependsOn().end(),
                   [&](const std::string &P) { return Open.count(P) > 0; });
      });
}

/// No configuration matches: the closest one, and its differences.
std::vector<Finding> closestFindings(const ModuleClass &Class,
                                     const Solution &S,
                                     const std::string &Config) {
  const Candidate &Best = S.Best.front();
  std::vector<Finding> Out;
  Out.push_back({CheckId::CheckpointConfiguration, Class.Loc,
                 "no configuration of '" + Class.Name +
                     "' matches the checkpoint; the closest is " + Config +
                     ", which differs as reported below"});
  for (const std::string &Knob : S.Knobs)
    Out.back().Configuration.push_back(
        {Knob, Best.Config.Defines.at(Knob)->str()});
  for (const std::string &C : S.Contradictions)
    Out.back().Notes.push_back({Class.Loc, C});
  Out.insert(Out.end(), Best.Findings.begin(), Best.Findings.end());
  return Out;
}

/// Notes on F (the configuration found) saying what the other value of
/// each boolean knob would break: the first error of that configuration
/// while deriving it is cheap, else what the key the knob was read from
/// says. A few knobs are explained; the rest were decided the same way.
void noteOtherValues(const RegistrationGraph &G, const ModuleClass &Class,
                     const Manifest &M, const CompareOptions &Opts,
                     const Solution &S, const ModelKeys &Symbolic,
                     const ModelKeys *SymbolicP, Finding &F) {
  const Candidate &Best = S.Best.front();
  constexpr size_t MaxKnobNotes = 8, MaxKeysDerivedForNotes = 20000;
  size_t Explained = 0, Unexplained = 0, Derived = 0;
  for (const std::string &Knob : S.Knobs) {
    // Boolean knobs only: asBool() reads an integer as a truth value, and
    // "in_channels=false" explains nothing.
    const SymExprPtr &Value = Best.Config.Defines.at(Knob);
    if (Value->K != SymExpr::Kind::Bool)
      continue;
    std::optional<bool> V = Value->BoolVal;
    if (Explained == MaxKnobNotes) {
      ++Unexplained;
      continue;
    }
    std::string With = "with " + Knob + "=" + (*V ? "false" : "true") + ", ";
    if (Derived + Symbolic.Keys.size() <= MaxKeysDerivedForNotes) {
      Derived += Symbolic.Keys.size();
      Configuration Other = Best.Config;
      Other.Defines[Knob] = SymExpr::makeBool(!*V);
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
        {Class.Loc, std::to_string(Unexplained) + " more boolean knob" +
                        (Unexplained == 1 ? " is" : "s are") +
                        " set as the checkpoint says; give one the other "
                        "value with --define to see what it breaks"});
}

/// One finding per registration whose keys the verdict could not judge
/// (Candidate::Unjudged), saying what is open about them and what the
/// checkpoint has there; the knobs left out of the search as a note.
std::vector<Finding> unjudgedFindings(const ModuleClass &Class,
                                      const Solution &S, const Manifest &M) {
  const std::vector<Key> &Keys = S.Best.front().Unjudged;
  std::vector<Finding> Out;
  if (Keys.empty())
    return Out;
  std::unordered_map<std::string_view, const ManifestKey *> Ckpt;
  for (const ManifestKey &C : M.Keys)
    Ckpt.try_emplace(C.Name, &C);
  constexpr size_t MaxFindings = 16;
  std::map<std::string, size_t> At; // registration -> index in Out
  size_t Left = 0;
  for (const Key &K : Keys) {
    std::string Why;
    if (K.Name.find('{') != std::string::npos)
      Why = "its name is a pattern the configuration does not decide";
    else if (K.When)
      Why = "it exists only when " + conditionText(K);
    else if (!K.Shape)
      Why = "its shape is not known";
    else
      Why = "its size " + shapeText(*K.Shape) + " is not known";
    if (auto It = Ckpt.find(K.Name); It != Ckpt.end())
      Why += " (the checkpoint has " + shapeText(It->second->Shape) + ")";
    else if (K.Name.find('{') == std::string::npos)
      Why += " (the checkpoint has no such key)";
    auto [It, New] = At.try_emplace(K.Loc.str(), Out.size());
    if (New && Out.size() == MaxFindings) {
      ++Left;
      continue;
    }
    if (New) {
      Out.push_back({CheckId::UnresolvedKey, K.Loc,
                     "'" + K.Name + "' is not judged against the checkpoint: " +
                         Why});
      Out.back().Keys = {K.Name};
      continue;
    }
    Finding &F = Out[It->second];
    F.Keys.push_back(K.Name);
    if (F.Notes.size() < 8)
      F.Notes.push_back({K.Loc, "'" + K.Name + "' too: " + Why});
  }
  if (Left)
    Out.back().Notes.push_back(
        {Class.Loc, std::to_string(Left) +
                        " more registrations have keys not judged"});
  for (const Solution::Unsearched &U : S.LeftOut)
    Out.front().Notes.push_back(
        {Class.Loc, "'" + U.Knob + "' was not searched for (" + U.Why + "): " +
                        (U.HasDefault ? "it keeps its default"
                                      : "what it decides stays open") +
                        "; give it with --define"});
  return Out;
}

} // namespace

namespace {
/// The keys the errors of Fs leave unloadable (a rename, one cause, one).
size_t unloadableKeys(const std::vector<Finding> &Fs) {
  size_t N = 0;
  for (const Finding &F : Fs)
    if (F.Level == Severity::Error)
      N += F.Check == CheckId::CheckpointRenamed
               ? 1
               : std::max<size_t>(1, F.Keys.size());
  return N;
}

std::vector<Finding> checkWith(const RegistrationGraph &G,
                               const ModuleClass &Class,
                               const Configuration &Given, const Manifest &M,
                               const CompareOptions &Opts,
                               std::string &Problem);
} // namespace

std::vector<Finding>
checkAgainstCheckpoint(const RegistrationGraph &G, const ModuleClass &Class,
                       const Configuration &Given, const Manifest &M,
                       const CompareOptions &Opts, std::string &Problem) {
  // Several constructors take the defines (`NetImpl()` beside `NetImpl(
  // Config const &)`, nothing defined): the checkpoint was saved by a model
  // built with one of them, the one it fits best (first declared on ties).
  std::vector<int> Taking;
  if (Given.Constructor < 0)
    for (size_t I = 0; I < Class.Constructors.size(); ++I)
      if (takesDefines(Class.Constructors[I], Given))
        Taking.push_back(int(I));
  if (Taking.size() <= 1)
    return checkWith(G, Class, Given, M, Opts, Problem);
  std::vector<Finding> Best;
  std::string BestProblem;
  size_t BestErrors = SIZE_MAX;
  // A constructor that registers nothing (the `NetImpl() {}` a holder's
  // default construction needs) did not save a checkpoint with keys: the
  // others are tried first, it only when they give no verdict.
  if (!M.Keys.empty())
    std::stable_partition(Taking.begin(), Taking.end(), [&](int I) {
      Configuration With = Given;
      With.Constructor = I;
      return !deriveKeys(G, Class, With).Keys.empty();
    });
  for (int I : Taking) {
    Configuration With = Given;
    With.Constructor = I;
    if (BestErrors < SIZE_MAX - 1 && !M.Keys.empty() &&
        deriveKeys(G, Class, With).Keys.empty())
      break;
    std::string P;
    std::vector<Finding> Fs = checkWith(G, Class, With, M, Opts, P);
    size_t Errors = P.empty() ? unloadableKeys(Fs) : SIZE_MAX - 1;
    if (Errors < BestErrors) {
      BestErrors = Errors;
      Best = std::move(Fs);
      BestProblem = std::move(P);
    }
  }
  Problem = std::move(BestProblem);
  return Best;
}

namespace {
std::vector<Finding> checkWith(const RegistrationGraph &G,
                               const ModuleClass &Class,
                               const Configuration &Given, const Manifest &M,
                               const CompareOptions &Opts,
                               std::string &Problem) {
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
  std::vector<Finding> Unjudged = unjudgedFindings(Class, S, M);
  if (!S.Exact && (!Unjudged.empty() && S.Knobs.empty())) {
    // Nothing was solved for: what the keys that are known say, and what
    // is not known.
    std::vector<Finding> Out = Best.Findings;
    Out.insert(Out.end(), Unjudged.begin(), Unjudged.end());
    return Out;
  }
  if (!S.Exact) {
    std::vector<Finding> Out = closestFindings(Class, S, Config);
    Out.insert(Out.end(), Unjudged.begin(), Unjudged.end());
    return Out;
  }
  if (S.Knobs.empty()) {
    std::vector<Finding> Out = Best.Findings;
    Out.insert(Out.end(), Unjudged.begin(), Unjudged.end());
    return Out;
  }
  Finding F{CheckId::CheckpointConfiguration, At,
            "the checkpoint matches '" + Class.Name + "' with " + Config +
                (Concrete ? ", not with the defaults" : "")};
  for (const std::string &Knob : S.Knobs)
    F.Configuration.push_back({Knob, Best.Config.Defines.at(Knob)->str()});
  for (size_t I = 1; I < S.Best.size(); ++I)
    F.Notes.push_back({At, "it matches with " +
                               defineText(S.Best[I].Config, S.Knobs) + " too"});
  noteOtherValues(G, Class, M, Opts, S, Symbolic, Ctor ? &Symbolic : nullptr,
                  F);
  std::vector<Finding> Out;
  Out.push_back(std::move(F));
  // Warnings of the matching configuration (a dtype conversion) still show.
  for (const Finding &X : Best.Findings)
    Out.push_back(X);
  Out.insert(Out.end(), Unjudged.begin(), Unjudged.end());
  return Out;
}

} // namespace

} // namespace torchkc
