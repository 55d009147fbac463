//===- TidyConfig.h - clang-tidy's configuration, read by the CLI -*- C++ -*-===//
//
// `check` reads the configuration clang-tidy reads, with clang-tidy's own
// code: the nearest `.clang-tidy` at or above each source (with
// InheritParentConfig), or --config / --config-file instead, under the
// command line's --checks, --warnings-as-errors, --header-filter and
// --exclude-header-filter. So one file configures the CLI, the clang-tidy
// plugin and the editor. As clang-tidy, each unit is judged under its own
// source's configuration.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TOOLS_CLI_TIDYCONFIG_H
#define TORCH_KEYCHECK_TOOLS_CLI_TIDYCONFIG_H

#include "torch-keycheck/checks/Checks.h"
#include "torch-keycheck/graph/SymExpr.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Regex.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace clang {
namespace tidy {
class ClangTidyOptionsProvider;
} // namespace tidy
} // namespace clang

namespace torchkc {
namespace cli {

/// Which findings are shown: the header filters (clang-tidy's
/// HeaderFilterRegex and ExcludeHeaderFilterRegex, from the configuration
/// or the command line) and --line-filter, read as clang-tidy reads them,
/// except that findings in headers are shown when no header filter is set
/// (a model is usually declared in one).
class ShownFilter {
public:
  /// Empty when the filters parse; otherwise what is wrong with them.
  /// HeaderFrom and ExcludeFrom name where each regex was set.
  std::string parse(const std::optional<std::string> &Header,
                    const std::string &HeaderFrom,
                    const std::optional<std::string> &Exclude,
                    const std::string &ExcludeFrom);
  bool shows(const SourceLoc &Loc) const;

private:
  struct FileLines {
    std::string Name;
    std::vector<std::pair<uint64_t, uint64_t>> Ranges;
  };
  std::optional<llvm::Regex> Header, ExcludeHeader;
  bool HasLineFilter = false;
  std::vector<FileLines> Lines;
  std::set<std::string> Sources;
};

/// What the configuration says for one source.
struct UnitConfig {
  CheckFilter Enabled;
  /// Findings of these checks are errors (WarningsAsErrors).
  CheckFilter AsErrors;
  ShownFilter Shows;
  /// The Checks globs in force; the configuration that set them last, and
  /// what it says.
  std::string Checks, ChecksFrom, ChecksThere;
  /// The CheckOptions the torch-* checks read (ProjectFile,
  /// CheckpointRoot): the global key, else the first enabled check's own.
  std::string ProjectFile, CheckpointRoot;
};

class TidyConfig {
public:
  /// The configuration the command line asks for; nullptr (after
  /// printing why) when --config or --config-file does not parse.
  static std::unique_ptr<TidyConfig> fromCommandLine();
  ~TidyConfig();

  /// The configuration of File (a source, or any path in a directory);
  /// nullptr (after printing which file and why) when a `.clang-tidy` it
  /// reads does not parse or a regex in it is not one.
  const UnitConfig *forFile(const std::string &File);
  /// Why the last forFile returned nullptr.
  const std::string &lastError() const { return LastError; }

  /// --dump-config: the configuration in force for File, as YAML.
  std::string dump(const std::string &File);
  /// --explain-config: for each enabled check, the configuration that
  /// enables it.
  std::string explain(const std::string &File);

private:
  TidyConfig() = default;
  std::unique_ptr<clang::tidy::ClangTidyOptionsProvider> Provider;
  /// Problems met while reading configuration files.
  std::vector<std::string> Problems;
  std::map<std::string, std::unique_ptr<UnitConfig>> ByDirectory;
  std::string LastError;
};

} // namespace cli
} // namespace torchkc

#endif
