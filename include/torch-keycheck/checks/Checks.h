//===- Checks.h - The checks, by identifier ---------------------*- C++ -*-===//
//
// The checks of Checks.def as an enum, with their names, severities, what
// feeds them and their summaries; and clang-tidy style filters over their
// names.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_CHECKS_CHECKS_H
#define TORCH_KEYCHECK_CHECKS_CHECKS_H

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace torchkc {

/// Remark: information that is not a problem (which configuration a
/// checkpoint matches), as clang's `remark:`.
enum class Severity { Remark, Warning, Error };

/// What a check needs besides the source (Checks.def says what each is).
enum class Feed { Source, Checkpoint, Golden, Optimizer, Project };

enum class CheckId {
#define TORCHKC_CHECK(Id, Name, Severity, Feed, Summary) Id,
#include "torch-keycheck/checks/Checks.def"
};

/// A check the analyzer offers, for --list-checks and the documentation.
struct CheckInfo {
  CheckId Id;
  const char *Name;
  Severity Level; ///< the severity its findings have
  Feed From;
  const char *Summary;
};

/// Every check, in alphabetical order of name.
const std::vector<CheckInfo> &allChecks();

const CheckInfo &checkInfo(CheckId Id);
inline const char *checkName(CheckId Id) { return checkInfo(Id).Name; }

/// The check's page, docs/checks/<name>.md, as built in (markdown); empty
/// when it has none.
const std::string &checkDocumentation(CheckId Id);

/// What the check finds, in the words of its page: the first paragraph
/// after the title and the severity line, on one line.
std::string checkDescription(CheckId Id);

/// The check of that name, if there is one.
std::optional<CheckId> checkNamed(const std::string &Name);

/// Whether findings of checks fed by From come from a unit's project (its
/// load sites' checkpoints, its goldens) rather than its source alone.
inline bool fedByProject(Feed From) {
  return From == Feed::Checkpoint || From == Feed::Golden ||
         From == Feed::Project;
}

/// A clang-tidy style check filter: comma-separated globs (`*` matches any
/// run of characters), `-` before a glob removes what it matches, later
/// globs win. `torch-*,-torch-conditional-registration`.
class CheckFilter {
public:
  explicit CheckFilter(const std::string &Globs = "");
  bool matches(const std::string &Check) const;
  bool matches(CheckId Id) const { return matches(checkName(Id)); }
  /// Whether some check fed by From matches.
  bool matchesAny(Feed From) const;
  bool empty() const { return Globs.empty(); }

private:
  std::vector<std::pair<bool, std::string>> Globs; ///< (positive, glob)
};

/// Whether Pattern (with `*` wildcards) matches the whole of Text.
bool globMatch(const std::string &Pattern, const std::string &Text);

} // namespace torchkc

#endif
