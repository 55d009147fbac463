//===- UnregisteredSubmoduleCheck.cpp - Members never registered ----------===//
//
// torch-unregistered-submodule: docs/checks/torch-unregistered-submodule.md.
//
//===----------------------------------------------------------------------===//
#include "SourceCheck.h"

#include "torch-keycheck/keys/BuiltinModules.h"

#include <functional>

namespace torchkc {
namespace checks {

/// A LibTorch module with no parameters or buffers (ReLU, MaxPool2d,
/// Dropout), or a container with nothing in it (the empty Sequential a
/// default-initialised `torch::nn::Sequential seq;` member holds until the
/// constructor assigns the real one): left unregistered, nothing of it is
/// missing from a checkpoint, so it is no hazard.
static bool holdsNoTensors(const SymExprPtr &V) {
  if (!V || V->K != SymExpr::Kind::Module || V->Builtin.empty())
    return false;
  if (isContainer(V->Builtin))
    return V->Args.empty();
  if (!isKnownBuiltin(V->Builtin))
    return false;
  BuiltinExpansion E = expandBuiltin(V->Builtin, V->Args, V->Setters);
  return E.Problem.empty() && E.Entries.empty();
}

void ClassLinter::checkUnregistered(const Constructor &Ctor) {
  std::set<const SymExpr *> Registered;
  std::function<void(const SymExprPtr &)> Reach = [&](const SymExprPtr &E) {
    if (!E || !Registered.insert(E.get()).second)
      return;
    for (const SymExprPtr &A : E->Args)
      Reach(A);
    for (const auto &S : E->Setters)
      Reach(S.second);
  };
  for (const Registration &R : Ctor.Registrations)
    Reach(R.Value);
  for (const MemberAssignment &A : Ctor.MemberAssignments) {
    if (Registered.count(A.Value.get()) || holdsNoTensors(A.Value))
      continue;
    bool Module = A.K == MemberAssignment::Kind::Module;
    report(CheckId::UnregisteredSubmodule, A.Loc,
           "member '" + A.Member + "' is assigned a " +
               (Module ? "module" : "tensor") + " that is never registered; " +
               (Module ? "its parameters are" : "it is") +
               " not saved, loaded or returned by " +
               (Module ? "parameters()" : "parameters() or buffers()"))
        .Notes.push_back({A.MemberLoc, "'" + A.Member + "' is declared here"});
  }
}

} // namespace checks
} // namespace torchkc
