//===- UnitCheck.cpp - Everything `check` finds in one unit ---------------===//
#include "torch-keycheck/project/UnitCheck.h"

#include "torch-keycheck/checks/SourceChecks.h"

namespace torchkc {

UnitCheck checkUnit(const RegistrationGraph &TU, const UnitCheckOptions &Opts) {
  UnitCheck R;
  R.Findings = lintGraph(TU);
  R.DependsOn = TU.InputFiles;
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
