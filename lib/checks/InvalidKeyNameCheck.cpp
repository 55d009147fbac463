//===- InvalidKeyNameCheck.cpp - Names LibTorch refuses -------------------===//
//
// torch-invalid-key-name: docs/checks/torch-invalid-key-name.md.
//
//===----------------------------------------------------------------------===//
#include "SourceCheck.h"

#include "torch-keycheck/keys/BuiltinModules.h"

#include <functional>

namespace torchkc {
namespace checks {

void ClassLinter::checkNames(const Constructor &Ctor) {
  for (const Registration &R : Ctor.Registrations) {
    SymExprPtr Name = fold(R.Name, {});
    checkName(Name, R.NameLoc);
    checkContainerNames(fold(R.Value, {}), R.Loc);
  }
}

void ClassLinter::checkName(const SymExprPtr &Name, const SourceLoc &Loc) {
  if (auto S = Name->asString()) {
    if (S->empty())
      report(CheckId::InvalidKeyName, Loc,
             "registered name is empty; LibTorch throws when registering "
             "it");
    else if (S->find('.') != std::string::npos)
      report(CheckId::InvalidKeyName, Loc,
             "registered name '" + *S +
                 "' contains a dot; LibTorch throws when registering it");
    return;
  }
  std::vector<std::string> Pieces;
  literalPieces(Name, Pieces);
  for (const std::string &P : Pieces)
    if (P.find('.') != std::string::npos) {
      report(CheckId::InvalidKeyName, Loc,
             "registered name '" + namePattern(Name) +
                 "' contains a dot; LibTorch throws when registering it");
      return;
    }
}

void ClassLinter::checkContainerNames(const SymExprPtr &V,
                                      const SourceLoc &Loc) {
  if (V->K != SymExpr::Kind::Module ||
      containerKind(V->Builtin) != ContainerKind::Keyed)
    return;
  std::function<void(const SymExprPtr &)> Visit = [&](const SymExprPtr &E) {
    if (E->K == SymExpr::Kind::List && E->Args.size() == 2 &&
        E->Args[0]->K == SymExpr::Kind::String) {
      SourceLoc L = E->Loc.valid() ? E->Loc : Loc;
      checkName(E->Args[0], L);
      return;
    }
    if (E->K == SymExpr::Kind::List || E->K == SymExpr::Kind::Conditional ||
        E->K == SymExpr::Kind::Repeat)
      for (const SymExprPtr &A : E->Args)
        Visit(A);
  };
  for (const SymExprPtr &A : V->Args)
    Visit(A);
}

} // namespace checks
} // namespace torchkc
