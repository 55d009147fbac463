//===- UnitCheck.cpp - Everything `check` finds in one unit ---------------===//
#include "torch-keycheck/project/UnitCheck.h"

#include "torch-keycheck/checks/SourceChecks.h"

#include <algorithm>

namespace torchkc {

UnitCheck checkUnit(const RegistrationGraph &TU, const UnitCheckOptions &Opts) {
  UnitCheck R;
  R.Findings = lintGraph(TU);
  R.DependsOn = TU.InputFiles;
  for (const ModuleClass &C : TU.Classes) {
    bool Defined = false;
    for (const Constructor &Ctor : C.Constructors) {
      Defined |= std::find(Ctor.Undefined.begin(), Ctor.Undefined.end(),
                           C.Name) == Ctor.Undefined.end();
      // Undefined and MissingDefinitions are recorded together: the
      // class whose constructor it is (C's own, or a base's).
      for (size_t I = 0; I < Ctor.MissingDefinitions.size() &&
                         I < Ctor.Undefined.size();
           ++I)
        R.MissingDefinitions.push_back(
            {Ctor.Undefined[I],
             Finding(CheckId::UnresolvedKey, Ctor.MissingDefinitions[I].first,
                     Ctor.MissingDefinitions[I].second +
                         " (nor in any unit analysed); the keys it would "
                         "register are not checked")});
    }
    if (Defined)
      R.DefinedClasses.push_back(C.Name);
  }
  if (!Opts.ProjectChecks)
    return R;
  for (Finding &F : checkAgainstProject(TU, Opts.Project, R.ProjectError))
    R.Findings.push_back(std::move(F));
  for (std::string &F : filesCheckedAgainst(TU, Opts.Project))
    R.DependsOn.push_back(std::move(F));
  return R;
}

CheckId projectErrorCheck(const std::function<bool(CheckId)> &IsEnabled) {
  if (IsEnabled(CheckId::ProjectError))
    return CheckId::ProjectError;
  for (const CheckInfo &C : allChecks())
    if (fedByProject(C.From) && IsEnabled(C.Id))
      return C.Id;
  return CheckId::ProjectError;
}

Finding projectErrorFinding(const std::string &MainFile,
                            const std::string &Error, CheckId Check) {
  Finding F(Check, {MainFile, 1, 1}, Error);
  F.Level = checkInfo(CheckId::ProjectError).Level;
  return F;
}

} // namespace torchkc
