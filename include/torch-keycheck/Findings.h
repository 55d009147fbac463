//===- Findings.h - What the checks report ---------------------*- C++ -*-===//
//
// A finding is one diagnostic: a check name, a severity, a location and a
// message, with notes at related locations. Checks produce findings from
// the registration graph and key sets; renderers (FindingsOutput.h) print
// them. No Clang types appear here, so the CLI, the clang-tidy plugin and
// the compiler plugin can each hand findings to their own diagnostics.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_FINDINGS_H
#define TORCH_KEYCHECK_FINDINGS_H

#include "torch-keycheck/Expr.h"

#include <string>
#include <vector>

namespace torchkc {

/// Remark: information that is not a problem (which configuration a
/// checkpoint matches), as clang's `remark:`.
enum class Severity { Remark, Warning, Error };

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
  std::string Check; ///< `torch-duplicate-key`
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

/// A check the analyzer offers, for --list-checks and the documentation.
struct CheckInfo {
  const char *Name;
  Severity Level; ///< the severity its findings have
  const char *Summary;
};

/// Every check, source and checkpoint ones, in alphabetical order.
const std::vector<CheckInfo> &allChecks();

/// A clang-tidy style check filter: comma-separated globs (`*` matches any
/// run of characters), `-` before a glob removes what it matches, later
/// globs win. `torch-*,-torch-conditional-registration`.
class CheckFilter {
public:
  explicit CheckFilter(const std::string &Globs = "");
  bool matches(const std::string &Check) const;
  bool empty() const { return Globs.empty(); }

private:
  std::vector<std::pair<bool, std::string>> Globs; ///< (positive, glob)
};

/// Whether Pattern (with `*` wildcards) matches the whole of Text.
bool globMatch(const std::string &Pattern, const std::string &Text);

} // namespace torchkc

#endif
