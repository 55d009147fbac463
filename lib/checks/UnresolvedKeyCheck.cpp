//===- UnresolvedKeyCheck.cpp - What the analyzer cannot determine --------===//
//
// torch-unresolved-key: docs/checks/torch-unresolved-key.md.
//
//===----------------------------------------------------------------------===//
#include "SourceCheck.h"

namespace torchkc {
namespace checks {

void ClassLinter::checkUnresolved(const Constructor &Ctor) {
  for (const Registration &R : Ctor.Registrations) {
    SymExprPtr Name = fold(R.Name, {});
    if (containsUnknown(Name)) {
      report(CheckId::UnresolvedKey, R.NameLoc,
             "cannot determine the registered name '" + Name->str() +
                 "'; the keys under it are not checked");
      continue;
    }
    if (R.K == Registration::Kind::Module &&
        R.Value->K == SymExpr::Kind::Unknown)
      report(CheckId::UnresolvedKey, R.Loc,
             "cannot determine which module is registered as '" +
                 namePattern(Name) + "': " + R.Value->Text);
  }
  for (const auto &[Loc, Why] : Ctor.Unresolved)
    report(CheckId::UnresolvedKey, Loc,
           Why + "; the keys it would register are not checked");
}

} // namespace checks
} // namespace torchkc
