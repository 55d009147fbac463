//===- Lints.cpp - Registration hazards visible in the source -------------===//
//
// Each check reads the registration graph only: what the constructor
// registers, under which guards and loops, and which members it assigns.
// Names are folded with no configuration bound, so a name or condition
// that depends on a constructor parameter stays symbolic here: the checks
// judge the source, not one configuration of it.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/Lints.h"

#include <algorithm>
#include <functional>
#include <set>
#include <tuple>

namespace torchkc {

namespace {

/// A registered name as users read it: `fc`, or `layer{i + 1}` for one
/// built from a loop variable.
std::string nameText(const ExprPtr &E) {
  if (auto S = E->asString())
    return *S;
  if (E->K == Expr::Kind::Binary && E->Name == "+")
    return nameText(E->Args[0]) + nameText(E->Args[1]);
  if (E->K == Expr::Kind::Call && E->Name == "to_string" && E->Args.size() == 1)
    return "{" + E->Args[0]->str() + "}";
  return "{" + E->str() + "}";
}

/// The string literals a name is concatenated from.
void literalPieces(const ExprPtr &E, std::vector<std::string> &Out) {
  if (auto S = E->asString())
    Out.push_back(*S);
  else if (E->K == Expr::Kind::Binary && E->Name == "+")
    for (const ExprPtr &A : E->Args)
      literalPieces(A, Out);
}

const char *kindName(Registration::Kind K) {
  switch (K) {
  case Registration::Kind::Module:
    return "submodule";
  case Registration::Kind::Parameter:
    return "parameter";
  case Registration::Kind::Buffer:
    return "buffer";
  }
  return "";
}

/// The conjuncts of a guard: `a && b && c` is {a, b, c}.
void conjuncts(const ExprPtr &E, std::vector<ExprPtr> &Out) {
  if (E->K == Expr::Kind::Binary && E->Name == "&&") {
    conjuncts(E->Args[0], Out);
    conjuncts(E->Args[1], Out);
  } else if (!(E->K == Expr::Kind::Bool && E->BoolVal)) {
    Out.push_back(E);
  }
}

/// Whether atoms A and B cannot both hold: `c` and `!c`, `x == 1` and
/// `x == 2`, `x == 1` and `x != 1` (the shapes if/else and switch give).
bool contradicts(const ExprPtr &A, const ExprPtr &B) {
  auto IsNot = [](const ExprPtr &N, const ExprPtr &E) {
    return N->K == Expr::Kind::Unary && N->Name == "!" &&
           N->Args[0]->str() == E->str();
  };
  if (IsNot(A, B) || IsNot(B, A))
    return true;
  if (A->K != Expr::Kind::Binary || B->K != Expr::Kind::Binary ||
      A->Args[0]->str() != B->Args[0]->str() || !A->Args[1]->isConstant() ||
      !B->Args[1]->isConstant())
    return false;
  bool SameValue = A->Args[1]->str() == B->Args[1]->str();
  if (A->Name == "==" && B->Name == "==")
    return !SameValue;
  if ((A->Name == "==" && B->Name == "!=") ||
      (A->Name == "!=" && B->Name == "=="))
    return SameValue;
  return false;
}

/// Whether the guards of two registrations exclude each other, so that no
/// run of the constructor makes both calls.
bool exclusive(const Registration &A, const Registration &B) {
  std::vector<ExprPtr> AA, BB;
  for (const ExprPtr &G : A.Guards)
    conjuncts(G, AA);
  for (const ExprPtr &G : B.Guards)
    conjuncts(G, BB);
  for (const ExprPtr &X : AA)
    for (const ExprPtr &Y : BB)
      if (contradicts(X, Y))
        return true;
  return false;
}

/// Where a (possibly combined) condition is written: the guard that was
/// pushed last carries the location of its `if` or `switch`.
SourceLoc conditionLoc(const ExprPtr &E) {
  if (E->Loc.valid())
    return E->Loc;
  if (E->K == Expr::Kind::Binary)
    for (size_t I = E->Args.size(); I-- > 0;)
      if (SourceLoc L = conditionLoc(E->Args[I]); L.valid())
        return L;
  return {};
}

std::string quotedList(const std::vector<std::string> &Names) {
  std::string R;
  for (size_t I = 0; I < Names.size(); ++I) {
    if (I)
      R += I + 1 == Names.size() ? " and " : ", ";
    R += "'" + Names[I] + "'";
  }
  return R;
}

/// What a condition or loop bound depends on, for a note: the constructor
/// parameters it reads, or that it is known only at run time.
std::string dependence(const std::vector<ExprPtr> &Values,
                       const std::set<std::string> &LoopVars) {
  std::vector<std::string> Params, Knobs;
  bool Unknown = false;
  for (const ExprPtr &V : Values) {
    collectParams(V, Params);
    Unknown = Unknown || containsUnknown(V);
  }
  for (const std::string &P : Params)
    if (!LoopVars.count(P))
      Knobs.push_back(P);
  if (!Knobs.empty())
    return std::string("depends on constructor parameter") +
           (Knobs.size() > 1 ? "s " : " ") + quotedList(Knobs);
  if (Unknown)
    return "is known only at run time";
  return "depends on the enclosing loop";
}

/// The findings of one class, collected from its constructors.
class ClassLinter {
public:
  explicit ClassLinter(const ModuleClass &C) : C(C) {}

  std::vector<Finding> run() {
    for (const Constructor &Ctor : C.Constructors) {
      LoopVars.clear();
      for (const LoopInfo &L : Ctor.Loops)
        LoopVars.insert(L.Var);
      checkNames(Ctor);
      checkDuplicates(Ctor);
      checkUnregistered(Ctor);
      checkConditional(Ctor);
      checkUnresolved(Ctor);
    }
    checkOutsideConstructors();
    return std::move(Out);
  }

private:
  Finding &report(const char *Check, Severity Level, const SourceLoc &Loc,
                  std::string Message) {
    Out.push_back({Check, Level, Loc, std::move(Message), {}});
    return Out.back();
  }

  void checkNames(const Constructor &Ctor) {
    for (const Registration &R : Ctor.Registrations) {
      ExprPtr Name = fold(R.Name, {});
      checkName(Name, R.NameLoc);
      checkContainerNames(fold(R.Value, {}), R.Loc);
    }
  }

  void checkName(const ExprPtr &Name, const SourceLoc &Loc) {
    if (auto S = Name->asString()) {
      if (S->empty())
        report("torch-invalid-key-name", Severity::Error, Loc,
               "registered name is empty; LibTorch throws when registering "
               "it");
      else if (S->find('.') != std::string::npos)
        report("torch-invalid-key-name", Severity::Error, Loc,
               "registered name '" + *S +
                   "' contains a dot; LibTorch throws when registering it");
      return;
    }
    std::vector<std::string> Pieces;
    literalPieces(Name, Pieces);
    for (const std::string &P : Pieces)
      if (P.find('.') != std::string::npos) {
        report("torch-invalid-key-name", Severity::Error, Loc,
               "registered name '" + nameText(Name) +
                   "' contains a dot; LibTorch throws when registering it");
        return;
      }
  }

  /// ModuleDict and ParameterDict entries are registered under their keys.
  void checkContainerNames(const ExprPtr &V, const SourceLoc &Loc) {
    if (V->K != Expr::Kind::Module ||
        (V->Builtin != "ModuleDict" && V->Builtin != "ParameterDict"))
      return;
    std::function<void(const ExprPtr &)> Visit = [&](const ExprPtr &E) {
      if (E->K == Expr::Kind::List && E->Args.size() == 2 &&
          E->Args[0]->K == Expr::Kind::String) {
        SourceLoc L = E->Loc.valid() ? E->Loc : Loc;
        checkName(E->Args[0], L);
        return;
      }
      if (E->K == Expr::Kind::List || E->K == Expr::Kind::Conditional ||
          E->K == Expr::Kind::Repeat)
        for (const ExprPtr &A : E->Args)
          Visit(A);
    };
    for (const ExprPtr &A : V->Args)
      Visit(A);
  }

  void checkDuplicates(const Constructor &Ctor) {
    const auto &Regs = Ctor.Registrations;
    std::vector<ExprPtr> Names;
    for (const Registration &R : Regs)
      Names.push_back(fold(R.Name, {}));
    for (size_t I = 0; I < Regs.size(); ++I) {
      auto S = Names[I]->asString();
      if (!S || S->empty())
        continue;
      for (size_t J = 0; J < I; ++J) {
        if (Names[J]->asString() != S || exclusive(Regs[I], Regs[J]))
          continue;
        if (Regs[J].Loc.str() == Regs[I].Loc.str()) {
          // The same call run twice: an unrolled loop or a helper called
          // in one.
          report("torch-duplicate-key", Severity::Error, Regs[I].Loc,
                 "'" + *S +
                     "' is registered each time this call runs; "
                     "LibTorch throws on the second");
          break;
        }
        // LibTorch keeps submodules, parameters and buffers apart: a
        // second name of the same kind throws at construction, a name
        // shared across kinds only when torch::save meets both.
        std::string Message =
            Regs[J].K == Regs[I].K
                ? "'" + *S +
                      "' is already registered; LibTorch throws when "
                      "registering it again"
                : "'" + *S + "' is already registered as a " +
                      kindName(Regs[J].K) + "; torch::save throws on the clash";
        report("torch-duplicate-key", Severity::Error, Regs[I].Loc, Message)
            .Notes.push_back(
                {Regs[J].Loc, "previous registration of '" + *S + "' is here"});
        break;
      }
      // A fixed name in a loop of unknown count is registered again by the
      // loop's second iteration.
      if (!Regs[I].Loops.empty()) {
        const LoopInfo &L = Ctor.Loops[Regs[I].Loops.back()];
        report("torch-duplicate-key", Severity::Error, Regs[I].Loc,
               "'" + *S +
                   "' is registered in every iteration of a loop; LibTorch "
                   "throws on the second")
            .Notes.push_back({L.Loc, "loop is here"});
      }
    }
  }

  void checkUnregistered(const Constructor &Ctor) {
    std::set<const Expr *> Registered;
    std::function<void(const ExprPtr &)> Reach = [&](const ExprPtr &E) {
      if (!E || !Registered.insert(E.get()).second)
        return;
      for (const ExprPtr &A : E->Args)
        Reach(A);
      for (const auto &S : E->Setters)
        Reach(S.second);
    };
    for (const Registration &R : Ctor.Registrations)
      Reach(R.Value);
    for (const MemberAssignment &A : Ctor.MemberAssignments) {
      if (Registered.count(A.Value.get()))
        continue;
      bool Module = A.K == MemberAssignment::Kind::Module;
      report("torch-unregistered-submodule", Severity::Warning, A.Loc,
             "member '" + A.Member + "' is assigned a " +
                 (Module ? "module" : "tensor") +
                 " that is never registered; " +
                 (Module ? "its parameters are" : "it is") +
                 " not saved, loaded or returned by " +
                 (Module ? "parameters()" : "parameters() or buffers()"))
          .Notes.push_back(
              {A.MemberLoc, "'" + A.Member + "' is declared here"});
    }
  }

  void checkConditional(const Constructor &Ctor) {
    for (const Registration &R : Ctor.Registrations) {
      std::string Name = nameText(fold(R.Name, {}));
      std::vector<ExprPtr> Open;
      for (const ExprPtr &G : R.Guards) {
        ExprPtr F = fold(G, {});
        if (F->asBool())
          continue;
        std::vector<std::string> Params;
        collectParams(F, Params);
        bool OnlyLoop =
            !containsUnknown(F) && std::all_of(Params.begin(), Params.end(),
                                               [&](const std::string &P) {
                                                 return LoopVars.count(P) != 0;
                                               });
        if (!OnlyLoop) // a loop variable's values are the loop's business
          Open.push_back(G);
      }
      if (!Open.empty()) {
        std::string Cond;
        for (const ExprPtr &G : Open)
          Cond += (Cond.empty() ? "" : " && ") + G->str();
        Finding &F =
            report("torch-conditional-registration", Severity::Warning, R.Loc,
                   "'" + Name + "' is registered only when '" + Cond +
                       "'; which keys a checkpoint has depends on "
                       "configuration");
        for (const ExprPtr &G : Open)
          F.Notes.push_back({conditionLoc(G), "condition '" + G->str() + "' " +
                                                  dependence({G}, LoopVars)});
      }
      if (!R.Loops.empty()) {
        const LoopInfo &L = Ctor.Loops[R.Loops.front()];
        report("torch-conditional-registration", Severity::Warning, R.Loc,
               "how many '" + Name +
                   "' keys are registered depends on configuration")
            .Notes.push_back(
                {L.Loc, "loop count " + dependence({L.Begin, L.End}, {})});
      }
      checkContainerChildren(Ctor, fold(R.Value, {}), Name);
    }
    for (const auto &[Loc, Why] : Ctor.ConfigurationDependent)
      report("torch-conditional-registration", Severity::Warning, Loc, Why);
  }

  /// Children added to a container under a condition or in a loop of
  /// unknown count: they move the indices of the children after them.
  void checkContainerChildren(const Constructor &Ctor, const ExprPtr &V,
                              const std::string &Container) {
    if (V->K != Expr::Kind::Module || V->Builtin.empty())
      return;
    // Dict entries are named by their keys, the others by their index.
    bool Named = V->Builtin == "ModuleDict" || V->Builtin == "ParameterDict";
    std::function<void(const ExprPtr &)> Visit = [&](const ExprPtr &E) {
      if (E->K == Expr::Kind::Conditional &&
          (E->Args[2]->K == Expr::Kind::Absent ||
           E->Args[1]->K == Expr::Kind::Absent)) {
        const ExprPtr &Child =
            E->Args[1]->K == Expr::Kind::Absent ? E->Args[2] : E->Args[1];
        ExprPtr Cond = fold(E->Args[0], {});
        if (!Cond->asBool() && Child->Loc.valid())
          report("torch-conditional-registration", Severity::Warning,
                 Child->Loc,
                 "this " + std::string(Named ? "entry" : "child") + " of '" +
                     Container + "' exists only when '" + Cond->str() +
                     (Named ? "'; which keys a checkpoint has depends on "
                              "configuration"
                            : "'; its keys, and the indices of the children "
                              "after it, depend on configuration"))
              .Notes.push_back({conditionLoc(E->Args[0]),
                                "condition " + dependence({Cond}, LoopVars)});
        Visit(Child);
        return;
      }
      if (E->K == Expr::Kind::Repeat) {
        for (size_t I = 2; I < E->Args.size(); ++I) {
          const ExprPtr &Child = E->Args[I];
          if (Child->Loc.valid() && Child->K == Expr::Kind::Module)
            report("torch-conditional-registration", Severity::Warning,
                   Child->Loc,
                   "how many children this adds to '" + Container +
                       "' depends on configuration")
                .Notes.push_back(
                    {E->IntVal < int64_t(Ctor.Loops.size())
                         ? Ctor.Loops[E->IntVal].Loc
                         : SourceLoc(),
                     "loop count " + dependence({E->Args[0], E->Args[1]}, {})});
          Visit(Child);
        }
        return;
      }
      if (E->K == Expr::Kind::List)
        for (const ExprPtr &A : E->Args)
          Visit(A);
      if (E->K == Expr::Kind::Module && !E->Builtin.empty())
        checkContainerChildren(Ctor, E, Container);
    };
    for (const ExprPtr &A : V->Args)
      Visit(A);
  }

  void checkUnresolved(const Constructor &Ctor) {
    for (const Registration &R : Ctor.Registrations) {
      ExprPtr Name = fold(R.Name, {});
      if (containsUnknown(Name)) {
        report("torch-unresolved-key", Severity::Warning, R.NameLoc,
               "cannot determine the registered name '" + Name->str() +
                   "'; the keys under it are not checked");
        continue;
      }
      if (R.K == Registration::Kind::Module &&
          R.Value->K == Expr::Kind::Unknown)
        report("torch-unresolved-key", Severity::Warning, R.Loc,
               "cannot determine which module is registered as '" +
                   nameText(Name) + "': " + R.Value->Text);
    }
    for (const auto &[Loc, Why] : Ctor.Unresolved)
      report("torch-unresolved-key", Severity::Warning, Loc,
             Why + "; the keys it would register are not checked");
  }

  void checkOutsideConstructors() {
    for (const RegistrationOutsideConstructor &R : C.OutsideConstructors) {
      std::string Name = R.NameText;
      if (Name.size() >= 2 && Name.front() == '"' && Name.back() == '"')
        Name = Name.substr(1, Name.size() - 2);
      report("torch-registration-outside-constructor", Severity::Warning, R.Loc,
             "'" + Name + "' is registered in '" + R.Function +
                 "', which no constructor calls; a checkpoint saved before "
                 "it runs lacks " +
                 (R.K == Registration::Kind::Module ? "its keys" : "the key"))
          .Notes.push_back(
              {R.FunctionLoc, "register in the constructor, or call '" +
                                  R.Function + "' from it"});
    }
  }

  const ModuleClass &C;
  std::set<std::string> LoopVars;
  std::vector<Finding> Out;
};

bool before(const SourceLoc &A, const SourceLoc &B) {
  return std::tie(A.File, A.Line, A.Column) <
         std::tie(B.File, B.Line, B.Column);
}

/// Source order, each (check, location) once: a construct reached several
/// ways says the same thing each time.
void sortAndUnique(std::vector<Finding> &Fs) {
  std::stable_sort(
      Fs.begin(), Fs.end(),
      [](const Finding &A, const Finding &B) { return before(A.Loc, B.Loc); });
  std::set<std::tuple<std::string, std::string>> Seen;
  std::vector<Finding> Unique;
  for (Finding &F : Fs)
    if (Seen.insert({F.Check, F.Loc.str()}).second)
      Unique.push_back(std::move(F));
  Fs = std::move(Unique);
}

} // namespace

std::vector<Finding> lintClass(const ModuleClass &C) {
  std::vector<Finding> Fs = ClassLinter(C).run();
  sortAndUnique(Fs);
  return Fs;
}

std::vector<Finding> lintGraph(const RegistrationGraph &G) {
  std::vector<Finding> All;
  for (const ModuleClass &C : G.Classes) {
    std::vector<Finding> Fs = ClassLinter(C).run();
    All.insert(All.end(), std::make_move_iterator(Fs.begin()),
               std::make_move_iterator(Fs.end()));
  }
  sortAndUnique(All);
  return All;
}

} // namespace torchkc
