//===- UnitCheck.h - Everything `check` finds in one unit -------*- C++ -*-===//
//
// The recipe every front end follows for one translation unit: the source
// checks on its classes, then, when the checks a project feeds are on,
// the verdicts of its torch::load calls and the golden drift of the
// project's models it defines. The CLI, the clang-tidy plugin and the
// compiler plugin all call checkUnit, so they report the same findings.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_PROJECT_UNITCHECK_H
#define TORCH_KEYCHECK_PROJECT_UNITCHECK_H

#include "torch-keycheck/checks/Findings.h"
#include "torch-keycheck/project/ProjectCheck.h"

#include <functional>
#include <string>
#include <vector>

namespace torchkc {

struct UnitCheckOptions {
  /// Run the checks fed by the project (load sites' checkpoints, goldens)
  /// besides the source checks.
  bool ProjectChecks = true;
  ProjectCheckOptions Project;
};

struct UnitCheck {
  /// The source checks' findings, then the project checks'.
  std::vector<Finding> Findings;
  /// Why the project checks stopped (a checkpoint unreadable, a golden
  /// missing), naming the file; empty when they ran.
  std::string ProjectError;
  /// Every file the result depends on: the unit's sources and headers, and
  /// what the project checks read.
  std::vector<std::string> DependsOn;
  /// The classes whose constructors the unit defines, and, per class, the
  /// findings for constructors it declares but does not define. A front
  /// end that sees several units reports the latter only for classes no
  /// unit defines, as a linker would; one that sees a unit alone (the
  /// plugins) does not report them: the definition is elsewhere.
  std::vector<std::string> DefinedClasses;
  std::vector<std::pair<std::string, Finding>> MissingDefinitions;
};

/// Checks TU, which must carry its ConstructorSource (call from a
/// TranslationUnitCallback).
UnitCheck checkUnit(const RegistrationGraph &TU, const UnitCheckOptions &Opts);

/// The check a front end reports a ProjectError under: torch-project-error
/// when IsEnabled says it is, else the first enabled check the project
/// feeds, so that narrowing the checks to one of those never hides why it
/// did not run.
CheckId projectErrorCheck(const std::function<bool(CheckId)> &IsEnabled);

/// The finding that says why the project checks of the unit whose main
/// file is MainFile did not run, at the file's start, under Check.
Finding projectErrorFinding(const std::string &MainFile,
                            const std::string &Error, CheckId Check);

} // namespace torchkc

#endif
