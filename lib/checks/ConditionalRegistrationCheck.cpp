//===- ConditionalRegistrationCheck.cpp - Keys that depend on configuration
//-===//
//
// torch-conditional-registration:
// docs/checks/torch-conditional-registration.md.
//
//===----------------------------------------------------------------------===//
#include "SourceCheck.h"

#include "torch-keycheck/keys/BuiltinModules.h"

#include <functional>

namespace torchkc {
namespace checks {

void ClassLinter::checkConditional(const Constructor &Ctor) {
  for (const Registration &R : Ctor.Registrations) {
    std::string Name = namePattern(fold(R.Name, {}));
    std::vector<SymExprPtr> Open;
    for (const SymExprPtr &G : R.Guards) {
      SymExprPtr F = fold(G, {});
      if (F->asBool())
        continue;
      std::vector<std::string> Params;
      collectParams(F, Params);
      bool OnlyLoop =
          !containsUnknown(F) &&
          std::all_of(Params.begin(), Params.end(), [&](const std::string &P) {
            return LoopVars.count(P) != 0;
          });
      if (!OnlyLoop) // a loop variable's values are the loop's business
        Open.push_back(G);
    }
    if (!Open.empty()) {
      std::string Cond;
      for (const SymExprPtr &G : Open)
        Cond += (Cond.empty() ? "" : " && ") + G->str();
      Finding &F = report(CheckId::ConditionalRegistration, R.Loc,
                          "'" + Name + "' is registered only when '" + Cond +
                              "'; which keys a checkpoint has depends on "
                              "configuration");
      for (const SymExprPtr &G : Open)
        F.Notes.push_back({conditionLoc(G), "condition '" + G->str() + "' " +
                                                dependence({G}, LoopVars)});
    }
    if (!R.Loops.empty()) {
      const LoopInfo &L = Ctor.Loops[R.Loops.front()];
      report(CheckId::ConditionalRegistration, R.Loc,
             "how many '" + Name +
                 "' keys are registered depends on configuration")
          .Notes.push_back(
              {L.Loc, "loop count " + dependence({L.Begin, L.End}, {})});
    }
    checkContainerChildren(Ctor, fold(R.Value, {}), Name);
  }
  for (const auto &[Loc, Why] : Ctor.ConfigurationDependent)
    report(CheckId::ConditionalRegistration, Loc, Why);
}

void ClassLinter::checkContainerChildren(const Constructor &Ctor,
                                         const SymExprPtr &V,
                                         const std::string &Container) {
  if (V->K != SymExpr::Kind::Module || V->Builtin.empty())
    return;
  // Dict entries are named by their keys, the others by their index.
  bool Named = containerKind(V->Builtin) == ContainerKind::Keyed;
  std::function<void(const SymExprPtr &)> Visit = [&](const SymExprPtr &E) {
    if (E->K == SymExpr::Kind::Conditional &&
        (E->Args[2]->K == SymExpr::Kind::Absent ||
         E->Args[1]->K == SymExpr::Kind::Absent)) {
      const SymExprPtr &Child =
          E->Args[1]->K == SymExpr::Kind::Absent ? E->Args[2] : E->Args[1];
      SymExprPtr Cond = fold(E->Args[0], {});
      if (!Cond->asBool() && Child->Loc.valid())
        report(CheckId::ConditionalRegistration, Child->Loc,
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
    if (E->K == SymExpr::Kind::Repeat) {
      // One loop is one cause: a finding at its first child, however many
      // children each iteration adds.
      size_t PerIteration = E->Args.size() - 2;
      for (size_t I = 2; I < E->Args.size(); ++I) {
        const SymExprPtr &Child = E->Args[I];
        if (Child->Loc.valid() && Child->K == SymExpr::Kind::Module) {
          report(CheckId::ConditionalRegistration, Child->Loc,
                 PerIteration == 1
                     ? "how many children this adds to '" + Container +
                           "' depends on configuration"
                     : "how many children this loop adds to '" + Container +
                           "' (" + std::to_string(PerIteration) +
                           " each time round, from here) depends on "
                           "configuration")
              .Notes.push_back(
                  {E->IntVal < int64_t(Ctor.Loops.size())
                       ? Ctor.Loops[E->IntVal].Loc
                       : SourceLoc(),
                   "loop count " + dependence({E->Args[0], E->Args[1]}, {})});
          break;
        }
      }
      for (size_t I = 2; I < E->Args.size(); ++I)
        Visit(E->Args[I]);
      return;
    }
    if (E->K == SymExpr::Kind::List)
      for (const SymExprPtr &A : E->Args)
        Visit(A);
    if (E->K == SymExpr::Kind::Module && !E->Builtin.empty())
      checkContainerChildren(Ctor, E, Container);
  };
  for (const SymExprPtr &A : V->Args)
    Visit(A);
}

} // namespace checks
} // namespace torchkc
