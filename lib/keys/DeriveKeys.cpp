//===- DeriveKeys.cpp - Graph + configuration to ordered keys -------------===//
#include "torch-keycheck/keys/ModelKeys.h"

#include "torch-keycheck/keys/BuiltinModules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace torchkc {
namespace {

/// A module instance: its own tensors and its children, each list in
/// registration order. LibTorch lists a module's own parameters before its
/// children's, so the tree is flattened only once it is complete.
struct Node {
  std::vector<Key> Params, Buffers;
  std::vector<std::pair<std::string, Node>> Children;
  SourceLoc Loc;      ///< where the module is registered or added
  std::string Origin; ///< `Linear`, or the user class
  SourceLoc NameLoc;  ///< its name literal, when NameLength > 0
  unsigned NameLength = 0;
};

/// Conditions under which keys exist, shared by every key made under
/// them; null when there are none.
using CondList = std::shared_ptr<const KeyConditions>;

/// Bounds recursion through user classes that (wrongly) contain themselves.
constexpr int MaxDepth = 64;
/// Iterations one loop is unrolled to; a larger count is shown as a pattern.
constexpr int64_t MaxIterations = MaxRepetitions;

/// Whether a loop from From to To (the program's values) is unrolled:
/// at most MaxIterations iterations, counted without overflow (a loop
/// from INT64_MIN to INT64_MAX is not -1 iterations).
static bool followable(int64_t From, int64_t To) {
  return To <= From ||
         static_cast<uint64_t>(To) - static_cast<uint64_t>(From) <=
             static_cast<uint64_t>(MaxIterations);
}

class Deriver {
public:
  Deriver(const RegistrationGraph &G, ModelKeys &Out) : G(G), Out(Out) {}

  /// Chooses the constructor a construction with Args runs.
  const Constructor *pickConstructor(const ModuleClass &C,
                                     const std::vector<SymExprPtr> &Args) {
    const Constructor *Best = nullptr;
    for (const auto &Ctor : C.Constructors) {
      size_t Required = 0;
      for (const auto &P : Ctor.Params)
        Required += P.Default ? 0 : 1;
      if (Args.size() < Required || Args.size() > Ctor.Params.size())
        continue;
      // An options-object argument selects the constructor taking that type.
      bool TypesFit = true;
      for (size_t I = 0; I < Args.size(); ++I)
        if (Args[I]->K == SymExpr::Kind::Options &&
            Ctor.Params[I].Type.find(shortName(Args[I]->Name)) ==
                std::string::npos)
          TypesFit = false;
      if (TypesFit)
        return &Ctor;
      if (!Best)
        Best = &Ctor;
    }
    return Best;
  }

  Node instantiateClass(const Constructor &Ctor, const Bindings &B,
                        const CondList &Conds, int Depth) {
    Node N;
    size_t Params = 0, Buffers = 0;
    for (const Registration &R : Ctor.Registrations) {
      Params += R.K == Registration::Kind::Parameter;
      Buffers += R.K == Registration::Kind::Buffer;
    }
    N.Params.reserve(Params);
    N.Buffers.reserve(Buffers);
    runRegistrations(Ctor, 0, Ctor.Registrations.size(), 0, B, Conds, false,
                     Depth, N);
    for (const auto &U : Ctor.Unresolved)
      Out.Unresolved.push_back(U);
    for (const auto &U : Ctor.MissingDefinitions)
      Out.Unresolved.push_back(U);
    for (const std::string &U : Ctor.Undefined)
      if (!std::binary_search(Out.Undefined.begin(), Out.Undefined.end(), U))
        Out.Undefined.insert(
            std::upper_bound(Out.Undefined.begin(), Out.Undefined.end(), U),
            U);
    for (const auto &U : Ctor.ConfigurationDependent)
      Out.Unresolved.push_back(U);
    return N;
  }

  /// Registrations [Begin, End) of Ctor, all inside the first Level of
  /// their loops: those in a deeper loop run once per iteration of it.
  void runRegistrations(const Constructor &Ctor, size_t Begin, size_t End,
                        size_t Level, const Bindings &B, const CondList &Conds,
                        bool InPattern, int Depth, Node &N) {
    const auto &Regs = Ctor.Registrations;
    for (size_t I = Begin; I < End;) {
      if (Regs[I].Loops.size() <= Level) {
        runRegistration(Regs[I], B, Conds, InPattern, Depth, N);
        ++I;
        continue;
      }
      unsigned Loop = Regs[I].Loops[Level];
      size_t J = I;
      while (J < End && Regs[J].Loops.size() > Level &&
             Regs[J].Loops[Level] == Loop)
        ++J;
      const LoopInfo &Info = Ctor.Loops[Loop];
      SymExprPtr From = fold(Info.Begin, B), To = fold(Info.End, B);
      auto F = From->asInt(), T = To->asInt();
      if (F && T && followable(*F, *T)) {
        for (int64_t V = *F; V < *T; ++V) {
          Bindings Inner = B;
          Inner[Info.Var] = SymExpr::makeInt(V);
          runRegistrations(Ctor, I, J, Level + 1, Inner, Conds, InPattern,
                           Depth, N);
        }
      } else {
        // The count is not known: one pattern per registration, for every
        // value of the loop variable.
        LoopVars.insert(Info.Var);
        CondList Inner = withCondition(Conds,
                                       "for " + Info.Var + " in [" +
                                           From->str() + ", " + To->str() + ")",
                                       SymExpr::makeList({From, To}));
        runRegistrations(Ctor, I, J, Level + 1, B, Inner, true, Depth, N);
      }
      I = J;
    }
  }

  void runRegistration(const Registration &R, const Bindings &B,
                       const CondList &Conds, bool InPattern, int Depth,
                       Node &N) {
    CondList RConds = Conds;
    for (const auto &Guard : R.Guards) {
      SymExprPtr F = fold(Guard, B);
      if (auto V = F->asBool()) {
        if (!*V)
          return;
      } else {
        RConds = withCondition(RConds, F->str(), F);
      }
    }
    SymExprPtr NameE = fold(R.Name, B);
    std::string Name;
    if (auto S = NameE->asString()) {
      Name = *S;
    } else {
      // A name over constructor parameters is a pattern like one over a
      // loop variable; only a name built from unknown values is unresolved.
      Name = namePattern(NameE);
      if (!InPattern && containsUnknown(NameE))
        Out.Unresolved.push_back(
            {R.NameLoc, "registered name " + NameE->str() + " is not known"});
    }
    SymExprPtr V = fold(R.Value, B);
    if (R.Root) {
      // A function model: the returned module's tensors and children are
      // the model's own.
      Node Self = instantiate(V, R.Loc, RConds, Depth + 1);
      for (Key &K : Self.Params)
        N.Params.push_back(std::move(K));
      for (Key &K : Self.Buffers)
        N.Buffers.push_back(std::move(K));
      for (auto &C : Self.Children)
        N.Children.push_back(std::move(C));
      return;
    }
    if (R.K == Registration::Kind::Module) {
      N.Children.push_back({Name, instantiate(V, R.Loc, RConds, Depth + 1)});
      N.Children.back().second.NameLoc = R.NameLoc;
      N.Children.back().second.NameLength = R.NameLength;
      return;
    }
    Key K =
        tensorKey(V, R.K == Registration::Kind::Parameter ? "register_parameter"
                                                          : "register_buffer");
    K.Name = std::move(Name);
    K.K = R.K == Registration::Kind::Parameter ? Key::Kind::Parameter
                                               : Key::Kind::Buffer;
    K.Loc = R.Loc;
    reportNegativeSize(K);
    K.NameLoc = R.NameLoc;
    K.NameLength = R.NameLength;
    setConditions(K, RConds);
    (K.K == Key::Kind::Parameter ? N.Params : N.Buffers)
        .push_back(std::move(K));
  }

  /// A size the program computes below zero: LibTorch throws making the
  /// tensor (`negative dimension`), so the model never gets this key.
  void reportNegativeSize(const Key &K) {
    if (!K.Shape)
      return;
    for (const Dim &D : *K.Shape) {
      if (D.Value && *D.Value < 0) {
        Out.Unresolved.push_back(
            {K.Loc, "'" + K.Name + "' of " + K.Origin + " would have size " +
                        std::to_string(*D.Value) +
                        "; LibTorch throws on a negative dimension"});
        return;
      }
      // Arithmetic C++ leaves undefined (SymExpr's folding says so).
      if (!D.Value && (D.Symbol.find("' overflows int64_t") !=
                           std::string::npos ||
                       D.Symbol.find("' is not a finite number") !=
                           std::string::npos)) {
        Out.Unresolved.push_back(
            {K.Loc, "the size of '" + K.Name + "' of " + K.Origin +
                        " is arithmetic that overflows: " + D.Symbol});
        return;
      }
    }
  }

  /// The tensors and children a LibTorch module registers, as keys under
  /// N.
  void instantiateBuiltin(const SymExpr &Mod, const SourceLoc &Loc,
                          const CondList &Conds, int Depth, Node &N) {
    const BuiltinExpansion &X = expansion(Mod);
    if (!X.Problem.empty())
      Out.Unresolved.push_back({Loc, Mod.Builtin + ": " + X.Problem});
    N.Params.reserve(X.Entries.size());
    for (const BuiltinEntry &E : X.Entries) {
      CondList EConds = Conds;
      for (size_t I = 0; I < E.Conditions.size(); ++I)
        EConds = withCondition(
            EConds, E.Conditions[I],
            I < E.ConditionValues.size() ? E.ConditionValues[I] : nullptr);
      if (E.K == BuiltinEntry::Kind::Child) {
        N.Children.push_back(
            {E.Name, instantiate(E.Child, Loc, EConds, Depth + 1)});
        continue;
      }
      Key K;
      K.Name = E.Name;
      K.K = E.K == BuiltinEntry::Kind::Parameter ? Key::Kind::Parameter
                                                 : Key::Kind::Buffer;
      K.Shape = dims(E.Shape);
      K.DType = E.DType;
      K.Loc = Loc;
      K.Origin = Mod.Builtin;
      reportNegativeSize(K);
      setConditions(K, EConds);
      (K.K == Key::Kind::Parameter ? N.Params : N.Buffers)
          .push_back(std::move(K));
    }
  }

  /// Expands a module value registered (or contained) at Loc.
  Node instantiate(const SymExprPtr &M, const SourceLoc &Loc,
                   const CondList &Conds, int Depth) {
    Node N;
    N.Loc = Loc;
    if (M->K == SymExpr::Kind::Module)
      N.Origin = M->Builtin.empty() ? M->Name : M->Builtin;
    if (Depth > MaxDepth) {
      Out.Unresolved.push_back({Loc, "module nesting deeper than " +
                                         std::to_string(MaxDepth) +
                                         " levels; a class contains itself?"});
      return N;
    }
    if (M->K != SymExpr::Kind::Module) {
      Out.Unresolved.push_back(
          {Loc, "cannot tell which module is registered: " + M->str()});
      return N;
    }
    if (isContainer(M->Builtin)) {
      // Children are modules (named by their index at the time they were
      // added) or [name, module] pairs; a braced list of pairs is one
      // argument holding them all. A child added under a condition is
      // absent when it is false; children added in a loop repeat.
      SymExprPtr Index = SymExpr::makeInt(0);
      std::vector<SymExprPtr> Children;
      for (const auto &A : M->Args) {
        if (A->K == SymExpr::Kind::List && !isNamedChild(A))
          Children.insert(Children.end(), A->Args.begin(), A->Args.end());
        else
          Children.push_back(A);
      }
      addChildren(Children, {}, Index, Loc, Conds, Depth, N);
      return N;
    }
    if (!M->Builtin.empty()) {
      instantiateBuiltin(*M, Loc, Conds, Depth, N);
      return N;
    }
    const ModuleClass *C = G.find(M->Name);
    if (!C) {
      Out.Unresolved.push_back(
          {Loc, "module class '" + M->Name + "' has no visible definition"});
      return N;
    }
    const Constructor *Ctor = pickConstructor(*C, M->Args);
    if (!Ctor && !C->InheritsConstructorsOf.empty())
      return instantiateInherited(*C, *M, Loc, Conds, Depth);
    if (!Ctor) {
      Out.Unresolved.push_back(
          {Loc, "no constructor of '" + C->Name + "' takes " +
                    std::to_string(M->Args.size()) + " arguments"});
      return N;
    }
    Bindings B;
    for (size_t I = 0; I < Ctor->Params.size(); ++I) {
      const auto &P = Ctor->Params[I];
      if (I < M->Args.size())
        B[P.Name] = M->Args[I];
      else if (P.Default)
        B[P.Name] = fold(P.Default, B);
    }
    // The class's own tree, placed where this module is registered.
    Node Inst = instantiateClass(specialized(*C, *Ctor, B), B, Conds, Depth);
    Inst.Loc = N.Loc;
    Inst.Origin = std::move(N.Origin);
    return Inst;
  }

  /// A construction that runs a constructor the class inherits (`using
  /// LinearImpl::LinearImpl;`): the base's keys (their shapes are the
  /// base's), placed here as a module of the class.
  Node instantiateInherited(const ModuleClass &C, const SymExpr &M,
                            const SourceLoc &Loc, const CondList &Conds,
                            int Depth) {
    auto Base = std::make_shared<SymExpr>(M);
    Base->Name = C.InheritsConstructorsOf;
    const std::string Prefix = "torch::nn::", Suffix = "Impl";
    const std::string &Q = Base->Name;
    if (Q.size() > Prefix.size() + Suffix.size() &&
        Q.compare(0, Prefix.size(), Prefix) == 0 &&
        Q.compare(Q.size() - Suffix.size(), Suffix.size(), Suffix) == 0)
      Base->Builtin = Q.substr(Prefix.size(),
                               Q.size() - Prefix.size() - Suffix.size());
    Node Inst = instantiate(Base, Loc, Conds, Depth + 1);
    Inst.Origin = C.Name;
    return Inst;
  }

  void addChildren(const std::vector<SymExprPtr> &Children, const Bindings &B,
                   SymExprPtr &Index, const SourceLoc &Loc,
                   const CondList &Conds, int Depth, Node &N) {
    for (const SymExprPtr &Raw : Children) {
      SymExprPtr Child = fold(Raw, B);
      CondList CConds = Conds;
      if (Child->K == SymExpr::Kind::Absent)
        continue;
      if (Child->K == SymExpr::Kind::Conditional) {
        if (Child->Args[2]->K == SymExpr::Kind::Absent) {
          CConds = withCondition(CConds, Child->Args[0]->str(), Child->Args[0]);
          Child = Child->Args[1];
        }
      }
      if (Child->K == SymExpr::Kind::Repeat) {
        SymExprPtr From = Child->Args[0], To = Child->Args[1];
        std::vector<SymExprPtr> Body(Child->Args.begin() + 2,
                                     Child->Args.end());
        auto F = From->asInt(), T = To->asInt();
        if (F && T && followable(*F, *T)) {
          for (int64_t V = *F; V < *T; ++V) {
            Bindings Inner = B;
            Inner[Child->Name] = SymExpr::makeInt(V);
            addChildren(Body, Inner, Index, Loc, Conds, Depth, N);
          }
          continue;
        }
        // Unknown count: each child once, its index in terms of the loop
        // variable; later children's indices follow symbolically.
        SymExprPtr Per = SymExpr::makeInt(int64_t(Body.size()));
        SymExprPtr Start =
            fold(SymExpr::makeBinary(
                     "+", Index,
                     SymExpr::makeBinary(
                         "*",
                         SymExpr::makeBinary(
                             "-", SymExpr::makeParam(Child->Name), From),
                         Per)),
                 {});
        LoopVars.insert(Child->Name);
        CondList RConds =
            withCondition(Conds,
                          "for " + Child->Name + " in [" + From->str() + ", " +
                              To->str() + ")",
                          SymExpr::makeList({From, To}));
        SymExprPtr Inner = Start;
        addChildren(Body, B, Inner, Loc, RConds, Depth, N);
        Index = fold(SymExpr::makeBinary(
                         "+", Index,
                         SymExpr::makeBinary(
                             "*", SymExpr::makeBinary("-", To, From), Per)),
                     {});
        continue;
      }
      std::string Name = Index->K == SymExpr::Kind::Int
                             ? std::to_string(Index->IntVal)
                             : "{" + Index->str() + "}";
      if (isNamedChild(Child)) {
        Name = *Child->Args[0]->asString();
        Child = Child->Args[1];
      }
      SourceLoc CL = Child->Loc.valid() ? Child->Loc : Loc;
      // ParameterList and ParameterDict hold tensors, registered directly.
      if (Child->K == SymExpr::Kind::Tensor) {
        Key K = tensorKey(Child, "Parameter container");
        K.Name = Name;
        K.Loc = CL;
        setConditions(K, CConds);
        N.Params.push_back(K);
      } else {
        N.Children.push_back({Name, instantiate(Child, CL, CConds, Depth + 1)});
      }
      Index = fold(SymExpr::makeBinary("+", Index, SymExpr::makeInt(1)), {});
    }
  }

  /// What built-in module M registers. Large models construct the same
  /// layer many times (`Linear(width, width)` in every block), so each
  /// distinct construction is expanded once per derivation.
  const BuiltinExpansion &expansion(const SymExpr &M) {
    std::string Key;
    Key.reserve(64);
    structure(M, Key);
    auto It = Expansions.find(Key);
    if (It == Expansions.end())
      It = Expansions
               .emplace(std::move(Key),
                        expandBuiltin(M.Builtin, M.Args, M.Setters))
               .first;
    return It->second;
  }

  /// E's value as text, node by node: equal texts are equal values. (Not
  /// str(): a module or tensor spells itself as written in the source,
  /// whatever its folded arguments are.)
  static void structure(const SymExpr &E, std::string &Out) {
    auto Text = [&](const std::string &T) {
      Out += std::to_string(T.size());
      Out += ':';
      Out += T;
    };
    Out += char('A' + int(E.K));
    switch (E.K) {
    case SymExpr::Kind::Int:
      Out += std::to_string(E.IntVal);
      break;
    case SymExpr::Kind::Float: {
      char Bits[32];
      std::snprintf(Bits, sizeof Bits, "%a", E.FloatVal);
      Out += Bits;
      break;
    }
    case SymExpr::Kind::Bool:
      Out += E.BoolVal ? '1' : '0';
      break;
    case SymExpr::Kind::Unknown:
      Text(E.Text);
      break;
    default:
      break;
    }
    Text(E.Name);
    Text(E.Builtin);
    Text(E.DType);
    Out += '(';
    for (const SymExprPtr &A : E.Args) {
      if (A)
        structure(*A, Out);
      Out += ',';
    }
    for (const auto &[Name, Value] : E.Setters) {
      Text(Name);
      if (Value)
        structure(*Value, Out);
      Out += ',';
    }
    Out += ')';
  }

  /// The constructor re-extracted with its arguments known, when the AST
  /// is still there to do it; else the symbolic one.
  const Constructor &specialized(const ModuleClass &C, const Constructor &Ctor,
                                 const Bindings &B) {
    if (!G.Source || B.empty())
      return Ctor;
    size_t Index = size_t(&Ctor - C.Constructors.data());
    const Constructor *S = G.Source->specialize(C.Name, Index, B);
    return S ? *S : Ctor;
  }

  /// Conds and one more condition, Text testing Value; the parameters it
  /// depends on join the knobs (loop variables are not knobs).
  CondList withCondition(const CondList &Conds, std::string Text,
                         SymExprPtr Value) {
    auto R = Conds ? std::make_shared<KeyConditions>(*Conds)
                   : std::make_shared<KeyConditions>();
    std::vector<std::string> Params;
    collectParams(Value, Params);
    for (const std::string &P : Params)
      if (!LoopVars.count(P)) {
        auto At = std::lower_bound(R->DependsOn.begin(), R->DependsOn.end(), P);
        if (At == R->DependsOn.end() || *At != P)
          R->DependsOn.insert(At, P);
      }
    R->Text.push_back(std::move(Text));
    R->Values.push_back(std::move(Value));
    return R;
  }

  static void setConditions(Key &K, const CondList &C) { K.When = C; }

  static bool isNamedChild(const SymExprPtr &E) {
    return E->K == SymExpr::Kind::List && E->Args.size() == 2 &&
           E->Args[0]->K == SymExpr::Kind::String;
  }

  static std::string shortName(const std::string &Q) {
    auto P = Q.rfind("::");
    return P == std::string::npos ? Q : Q.substr(P + 2);
  }

  static std::vector<Dim> dims(const std::vector<SymExprPtr> &Shape) {
    std::vector<Dim> R;
    for (const auto &E : Shape) {
      Dim D;
      if (E->K == SymExpr::Kind::Int)
        D.Value = E->IntVal;
      else
        D.Symbol = E->str();
      R.push_back(D);
    }
    return R;
  }

  Key tensorKey(const SymExprPtr &V, const std::string &Origin) {
    Key K;
    K.Origin = Origin;
    if (V->K != SymExpr::Kind::Tensor || V->Args.empty() ||
        V->Args[0]->K != SymExpr::Kind::List)
      return K;
    K.Shape = dims(V->Args[0]->Args);
    K.DType = V->DType.empty() ? "float32" : V->DType;
    return K;
  }

  static size_t countKeys(const Node &N) {
    size_t Count = N.Params.size() + N.Buffers.size();
    for (const auto &C : N.Children)
      Count += countKeys(C.second);
    return Count;
  }

  /// Moves the parameters (or the buffers) of the tree into Out, named by
  /// their paths.
  static void flatten(Node &N, const std::string &Prefix, bool Params,
                      std::vector<Key> &Out) {
    for (Key &K : Params ? N.Params : N.Buffers) {
      if (!Prefix.empty()) {
        std::string Name;
        Name.reserve(Prefix.size() + K.Name.size());
        Name.append(Prefix).append(K.Name);
        K.Name = std::move(Name);
      }
      Out.push_back(std::move(K));
    }
    for (auto &C : N.Children)
      flatten(C.second, Prefix + C.first + ".", Params, Out);
  }

  static void listModules(const Node &N, const std::string &Path,
                          std::vector<ModuleInstance> &Out) {
    for (const auto &C : N.Children) {
      std::string P = Path.empty() ? C.first : Path + "." + C.first;
      Out.push_back({P, C.second.Origin, C.second.Loc, C.second.NameLoc,
                     C.second.NameLength});
      listModules(C.second, P, Out);
    }
  }

private:
  const RegistrationGraph &G;
  ModelKeys &Out;
  std::set<std::string> LoopVars;
  std::unordered_map<std::string, BuiltinExpansion> Expansions;
};

} // namespace

static const std::vector<std::string> NoStrings;

const std::vector<std::string> &Key::conditions() const {
  return When ? When->Text : NoStrings;
}

const std::vector<std::string> &Key::dependsOn() const {
  return When ? When->DependsOn : NoStrings;
}

std::string shapeText(const std::vector<Dim> &Shape) {
  std::string R = "[";
  for (size_t I = 0; I < Shape.size(); ++I)
    R += (I ? ", " : "") + Shape[I].str();
  return R + "]";
}

/// A define as the parameter takes it: a string of one character, bare or
/// quoted as C++ spells it, given to a `char` parameter (`"version": "A"`
/// in a configurations file) is that character, as the code compares it
/// (`cfgs['A']`).
namespace {

/// A parameter's type as the analysis tells values apart.
enum class ValueType { Integer, Unsigned, Floating, Boolean, Character,
                       Text, NumberList, Other };

/// Classifies a type as printed (`const int64_t &`, `std::vector<long>`).
ValueType valueTypeOf(std::string T, int &Bits) {
  Bits = 64;
  auto Strip = [&](const std::string &W) {
    for (size_t At; (At = T.find(W)) != std::string::npos;)
      T.erase(At, W.size());
  };
  Strip("const ");
  Strip("&");
  Strip("std::");
  Strip("__cxx11::");
  while (!T.empty() && T.back() == ' ')
    T.pop_back();
  while (!T.empty() && T.front() == ' ')
    T.erase(0, 1);
  static const std::pair<const char *, int> Signed[] = {
      {"int64_t", 64}, {"long", 64}, {"long long", 64}, {"ptrdiff_t", 64},
      {"int", 32},     {"int32_t", 32}, {"short", 16},  {"int16_t", 16},
      {"int8_t", 8},   {"signed char", 8}, {"ssize_t", 64}};
  static const std::pair<const char *, int> UnsignedTypes[] = {
      {"size_t", 64},      {"uint64_t", 64},      {"unsigned long", 64},
      {"unsigned long long", 64}, {"unsigned int", 32}, {"unsigned", 32},
      {"uint32_t", 32},    {"unsigned short", 16}, {"uint16_t", 16},
      {"uint8_t", 8}};
  for (const auto &[N, B] : Signed)
    if (T == N) {
      Bits = B;
      return ValueType::Integer;
    }
  for (const auto &[N, B] : UnsignedTypes)
    if (T == N) {
      Bits = B;
      return ValueType::Unsigned;
    }
  if (T == "double" || T == "float" || T == "long double")
    return ValueType::Floating;
  if (T == "bool")
    return ValueType::Boolean;
  if (T == "char" || T == "unsigned char")
    return ValueType::Character;
  if (T == "string" || T == "basic_string<char>" || T == "char *" ||
      T == "string_view" || T == "c10::string_view")
    return ValueType::Text;
  for (const char *List : {"vector<int64_t", "vector<long", "vector<int",
                           "vector<double", "vector<float", "vector<size_t",
                           "c10::IntArrayRef", "IntArrayRef", "at::IntArrayRef",
                           "c10::ArrayRef<int64_t>", "ArrayRef<long>"})
    if (T.rfind(List, 0) == 0)
      return ValueType::NumberList;
  return ValueType::Other;
}

std::string numberProblem(ValueType VT, int Bits, const SymExpr &V) {
  switch (VT) {
  case ValueType::Integer:
  case ValueType::Unsigned: {
    std::optional<int64_t> I =
        V.K == SymExpr::Kind::Int ? std::optional<int64_t>(V.IntVal)
                                  : std::nullopt;
    // A whole number past int64_t reads as a float: out of range too.
    bool TooBig = V.K == SymExpr::Kind::Float && std::isfinite(V.FloatVal) &&
                  std::floor(V.FloatVal) == V.FloatVal;
    int64_t Max = Bits >= 64 ? INT64_MAX : (int64_t(1) << (Bits - 1)) - 1;
    int64_t Min = VT == ValueType::Unsigned ? 0
                  : Bits >= 64              ? INT64_MIN
                                            : -(int64_t(1) << (Bits - 1));
    if (VT == ValueType::Unsigned && Bits < 64)
      Max = (int64_t(1) << Bits) - 1;
    if (!I && !TooBig)
      return "a whole number";
    if (!I || *I < Min || *I > Max)
      return "a whole number from " + std::to_string(Min) + " to " +
             std::to_string(Max);
    return "";
  }
  case ValueType::Floating:
    if (V.K == SymExpr::Kind::Int ||
        (V.K == SymExpr::Kind::Float && std::isfinite(V.FloatVal)))
      return "";
    return "a finite number";
  default:
    return "";
  }
}

} // namespace

/// A define's value as the user wrote it.
static std::string spelled(const SymExprPtr &V) {
  if (!V->Text.empty())
    return V->Text;
  if (V->K == SymExpr::Kind::String)
    return V->Name;
  return V->str();
}

std::string defineProblem(const ConstructorParam &P, const std::string &Define,
                          const SymExprPtr &V) {
  // The parameter itself: left open (what the editor's hover derives to
  // show the keys a default switches off).
  if (V && V->K == SymExpr::Kind::Param &&
      (V->Name == P.Name || std::find(P.OtherNames.begin(),
                                      P.OtherNames.end(),
                                      V->Name) != P.OtherNames.end()))
    return "";
  std::string Type = P.Type;
  std::string What = "'" + Define + "' is " + P.Type;
  if (Define != P.Name &&
      std::find(P.OtherNames.begin(), P.OtherNames.end(), Define) ==
          P.OtherNames.end()) {
    // A field of a struct parameter: its type from the struct, when the
    // struct is one the analysis lists.
    if (P.Fields.empty())
      return ""; // a JSON object or another open record
    const std::string *Owner = P.fieldOwner(Define);
    std::string Path = Owner ? Define.substr(Owner->size() + 1) : Define;
    auto F = std::find_if(P.Fields.begin(), P.Fields.end(),
                          [&](const auto &X) { return X.first == Path; });
    if (F == P.Fields.end()) {
      std::string Known;
      for (size_t I = 0; I < P.Fields.size() && I < 12; ++I)
        Known += (I ? ", " : "") + P.Fields[I].first;
      std::string Struct = P.Type;
      if (Struct.rfind("const ", 0) == 0)
        Struct.erase(0, 6);
      while (!Struct.empty() && (Struct.back() == '&' || Struct.back() == ' '))
        Struct.pop_back();
      return "'" + Struct + "' has no field '" + Path + "' (it has " + Known +
             (P.Fields.size() > 12 ? ", ..." : "") + ")";
    }
    Type = F->second;
    What = "'" + Define + "' is " + Type;
  } else if (!P.Fields.empty()) {
    return "'" + Define + "' is a struct (" + P.Type +
           "): give its fields by path (" + Define + "." +
           P.Fields.front().first + "=...)";
  }
  if (!P.Enumerators.empty()) {
    std::string Names;
    for (const auto &[Name, Value] : P.Enumerators) {
      Names += (Names.empty() ? "" : ", ") + Name;
      if (V->K == SymExpr::Kind::Int && V->IntVal == Value)
        return "";
    }
    if (V->K == SymExpr::Kind::String) {
      std::string Last = V->Name.substr(
          V->Name.rfind(':') == std::string::npos ? 0
                                                  : V->Name.rfind(':') + 1);
      for (const auto &[Name, Value] : P.Enumerators)
        if (Name == Last)
          return "";
    }
    return What + ", whose enumerators are " + Names;
  }
  int Bits = 64;
  ValueType VT = valueTypeOf(Type, Bits);
  switch (VT) {
  case ValueType::Integer:
  case ValueType::Unsigned:
  case ValueType::Floating:
    if (std::string Need = numberProblem(VT, Bits, *V); !Need.empty())
      return What + ": give " + Need;
    return "";
  case ValueType::Boolean:
    if (V->K == SymExpr::Kind::Bool ||
        (V->K == SymExpr::Kind::Int && (V->IntVal == 0 || V->IntVal == 1)))
      return "";
    return What + ": give true or false";
  case ValueType::Character:
    if ((V->K == SymExpr::Kind::String && V->Name.size() == 1) ||
        (V->K == SymExpr::Kind::String && V->Name.size() == 3 &&
         V->Name.front() == '\'' && V->Name.back() == '\'') ||
        (V->K == SymExpr::Kind::Int && V->IntVal >= -128 && V->IntVal < 256))
      return "";
    return What + ": give one character ('A')";
  case ValueType::NumberList: {
    if (V->K != SymExpr::Kind::List)
      return What + ": give a list ([2, 2])";
    bool Whole = Type.find("double") == std::string::npos &&
                 Type.find("float") == std::string::npos;
    for (const SymExprPtr &E : V->Args)
      if (!numberProblem(Whole ? ValueType::Integer : ValueType::Floating, 64,
                         *E)
               .empty())
        return What + ": give a list of " +
               (Whole ? "whole numbers" : "numbers") + " ([2, 2])";
    return "";
  }
  case ValueType::Text:
  case ValueType::Other:
    return "";
  }
  return "";
}

static SymExprPtr asParameterValue(const ConstructorParam &P,
                                   const SymExprPtr &V) {
  // A string parameter given what reads as a number (`--define name=18`)
  // is that text.
  int Bits;
  if (valueTypeOf(P.Type, Bits) == ValueType::Text &&
      (V->K == SymExpr::Kind::Int || V->K == SymExpr::Kind::Float ||
       V->K == SymExpr::Kind::Bool))
    return SymExpr::makeString(V->Text.empty() ? V->str() : V->Text);
  // An enumerator, named as the code spells it (`Wide`, `Width::Wide`,
  // `net::Width::Wide`), is its value.
  if (!P.Enumerators.empty() && V->K == SymExpr::Kind::String) {
    std::string Last = V->Name.substr(V->Name.rfind(':') == std::string::npos
                                          ? 0
                                          : V->Name.rfind(':') + 1);
    for (const auto &[Name, Value] : P.Enumerators)
      if (Name == Last)
        return SymExpr::makeInt(Value);
  }
  bool IsChar = P.Type == "char" || P.Type == "const char" ||
                P.Type == "unsigned char" || P.Type == "const unsigned char";
  if (!IsChar || V->K != SymExpr::Kind::String)
    return V;
  const std::string &S = V->Name;
  if (S.size() == 1)
    return SymExpr::makeInt(static_cast<unsigned char>(S[0]));
  if (S.size() == 3 && S.front() == '\'' && S.back() == '\'')
    return SymExpr::makeInt(static_cast<unsigned char>(S[1]));
  return V;
}

/// The record a struct parameter is given field by field
/// (`--define config.hiddenSize=768 --define config.vocabSize=100`):
/// fields given have their values, nested structs are records too, and a
/// field not given stays a parameter named by its path (Path is the name
/// symbols use, Prefix the spelling the defines use, with its dot).
static SymExprPtr recordOf(const std::string &Path, const std::string &Prefix,
                           const Bindings &Defines,
                           std::set<std::string> &Used) {
  auto R = std::make_shared<SymExpr>();
  R->K = SymExpr::Kind::Call;
  R->Name = "record";
  R->Text = Path;
  std::set<std::string> Done;
  for (const auto &[Name, Value] : Defines) {
    if (Name.size() <= Prefix.size() ||
        Name.compare(0, Prefix.size(), Prefix) != 0)
      continue;
    std::string Rest = Name.substr(Prefix.size());
    size_t Dot = Rest.find('.');
    std::string Field = Rest.substr(0, Dot);
    if (Field.empty() || !Done.insert(Field).second)
      continue;
    SymExprPtr V;
    if (Dot == std::string::npos) {
      V = Value;
      Used.insert(Name);
    } else {
      V = recordOf(Path + "." + Field, Prefix + Field + ".", Defines, Used);
    }
    R->Args.push_back(SymExpr::makeList({SymExpr::makeString(Field), V}));
  }
  return R;
}

ModelKeys deriveKeys(const RegistrationGraph &G, const ModuleClass &Class,
                     const Configuration &Config) {
  ModelKeys Out;
  Out.Class = Class.Name;
  Out.Loc = Class.Loc;
  Out.Config = Config;

  // The constructor whose parameters cover the defines, needing the fewest
  // values nobody gave; ties go to the one declared first.
  const Constructor *Ctor = nullptr;
  size_t BestMissing = SIZE_MAX;
  for (const auto &C : Class.Constructors) {
    std::set<std::string> Names;
    size_t Missing = 0;
    for (const auto &P : C.Params) {
      Names.insert(P.Name);
      Names.insert(P.OtherNames.begin(), P.OtherNames.end());
      if (!P.Default && !P.definedIn(Config.Defines) &&
          std::none_of(Config.Defines.begin(), Config.Defines.end(),
                       [&](const auto &D) { return P.fieldOwner(D.first); }))
        ++Missing;
    }
    bool Covers = true;
    for (const auto &D : Config.Defines)
      Covers &= Names.count(D.first) > 0 ||
                std::any_of(C.Params.begin(), C.Params.end(),
                            [&](const ConstructorParam &P) {
                              return P.fieldOwner(D.first) != nullptr;
                            });
    size_t Score = Missing + (Covers ? 0 : 1000);
    if (Score < BestMissing) {
      BestMissing = Score;
      Ctor = &C;
    }
  }
  // `struct NamedBlockImpl : PlainBlockImpl { using PlainBlockImpl::
  // PlainBlockImpl; };` configured by the base's parameters: the base's
  // constructor runs.
  if (!Class.InheritsConstructorsOf.empty() && (!Ctor || BestMissing >= 1000))
    if (const ModuleClass *Base = G.find(Class.InheritsConstructorsOf);
        Base && Base != &Class) {
      ModelKeys Inherited = deriveKeys(G, *Base, Config);
      Inherited.Class = Class.Name;
      Inherited.Loc = Class.Loc;
      return Inherited;
    }
  if (Config.Constructor >= 0 &&
      size_t(Config.Constructor) < Class.Constructors.size())
    Ctor = &Class.Constructors[size_t(Config.Constructor)];
  if (!Ctor) {
    Out.Unresolved.push_back({Class.Loc, "'" + Class.Name +
                                             "' has no constructor with a "
                                             "visible definition"});
    return Out;
  }

  Bindings B;
  std::set<std::string> Used;
  for (const auto &P : Ctor->Params) {
    if (const SymExprPtr *Given = P.definedIn(Config.Defines)) {
      B[P.Name] = asParameterValue(P, *Given);
      for (const auto &D : Config.Defines)
        if (&D.second == Given) {
          Used.insert(D.first);
          if (std::string Why = defineProblem(P, D.first, D.second);
              !Why.empty())
            Out.InvalidDefines.push_back("define '" + D.first + "=" +
                                         spelled(D.second) + "': " + Why);
        }
      continue;
    }
    for (const auto &D : Config.Defines)
      if (P.fieldOwner(D.first))
        if (std::string Why = defineProblem(P, D.first, D.second);
            !Why.empty())
          Out.InvalidDefines.push_back("define '" + D.first + "=" +
                                       spelled(D.second) + "': " + Why);
    const std::string *Spelled = nullptr;
    for (const auto &D : Config.Defines)
      if ((Spelled = P.fieldOwner(D.first)))
        break;
    if (Spelled) {
      B[P.Name] = recordOf(P.Name, *Spelled + ".", Config.Defines, Used);
    } else if (P.Default) {
      B[P.Name] = fold(P.Default, B);
    }
  }
  for (const auto &D : Config.Defines)
    if (!Used.count(D.first))
      Out.UnusedDefines.push_back(D.first);

  Deriver D(G, Out);
  Node Root = D.instantiateClass(D.specialized(Class, *Ctor, B), B, {}, 0);
  Out.Keys.reserve(Deriver::countKeys(Root));
  Deriver::flatten(Root, "", /*Params=*/true, Out.Keys);
  Deriver::flatten(Root, "", /*Params=*/false, Out.Keys);
  Deriver::listModules(Root, "", Out.Modules);
  std::unordered_set<std::string_view> Knobs;
  for (const Key &K : Out.Keys)
    Knobs.insert(K.dependsOn().begin(), K.dependsOn().end());
  Out.Knobs.assign(Knobs.begin(), Knobs.end());
  std::sort(Out.Knobs.begin(), Out.Knobs.end());
  return Out;
}

bool linkAcrossUnits(const RegistrationGraph &Linked, ModelKeys &M) {
  if (M.Undefined.empty())
    return false;
  const ModuleClass *C =
      M.Function ? Linked.findFunction(M.Class) : Linked.find(M.Class);
  if (!C)
    return false;
  ModelKeys L = deriveKeys(Linked, *C, M.Config);
  L.Function = M.Function;
  if (L.Undefined.size() >= M.Undefined.size())
    return false;
  M = std::move(L);
  return true;
}

} // namespace torchkc
