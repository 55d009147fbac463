//===- UnregisteredSubmoduleCheck.cpp - Members never registered ----------===//
//
// torch-unregistered-submodule: docs/checks/torch-unregistered-submodule.md.
//
//===----------------------------------------------------------------------===//
#include "SourceCheck.h"

#include <functional>

namespace torchkc {
namespace checks {

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
    if (Registered.count(A.Value.get()))
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
