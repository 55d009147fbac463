//===- Findings.h - What the checks report ---------------------*- C++ -*-===//
//
// A finding is one diagnostic: a check, a severity, a location and a
// message, with notes at related locations. Checks produce findings from
// the registration graph and key sets; renderers (FindingsOutput.h) print
// them. No Clang types appear here, so the CLI, the clang-tidy plugin and
// the compiler plugin can each hand findings to their own diagnostics.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_CHECKS_FINDINGS_H
#define TORCH_KEYCHECK_CHECKS_FINDINGS_H

#include "torch-keycheck/checks/Checks.h"
#include "torch-keycheck/graph/SymExpr.h"

#include <string>
#include <vector>

namespace torchkc {

struct Note {
  SourceLoc Loc;
  std::string Message;
};

/// Replace Length bytes at Loc with Replacement (clang's fix-it hint).
struct FixIt {
  SourceLoc Loc;
  unsigned Length = 0;
  std::string Replacement;
};

struct Finding {
  Finding() = default;
  /// A finding of Check at Loc, with the severity the check's findings have.
  Finding(CheckId Check, SourceLoc Loc, std::string Message,
          std::vector<Note> Notes = {});

  CheckId Check = CheckId::UnresolvedKey;
  /// The check's severity, but where a finding's rule says otherwise
  /// (unexpected keys under load_state_dict(strict=False) are warnings).
  Severity Level = Severity::Warning;
  SourceLoc Loc;
  /// clang-tidy style: lowercase, no final period, names in single quotes.
  std::string Message;
  std::vector<Note> Notes;
  std::vector<FixIt> Fixes;
  /// The state_dict keys the finding is about, for machine consumers.
  std::vector<std::string> Keys;
  /// For a configuration finding: the values it names, in knob order.
  std::vector<std::pair<std::string, std::string>> Configuration;
};

/// Source order (file, line, column), as a compiler reports; findings at
/// one location keep their order.
void sortBySourceLocation(std::vector<Finding> &Fs);

} // namespace torchkc

#endif
