//===- FindingsOutput.h - Suppressing and printing findings ----*- C++ -*-===//
//
// The CLI's side of findings: NOLINT comments as clang-tidy reads them,
// compiler-style text with the source line and a caret, and JSON.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_OUTPUT_FINDINGSOUTPUT_H
#define TORCH_KEYCHECK_OUTPUT_FINDINGSOUTPUT_H

#include "torch-keycheck/checks/Findings.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace torchkc {

/// Lines of the source files findings point into, each file read once.
class SourceLines {
public:
  /// Line N (1-based) of File without its newline; empty when there is no
  /// such line or file.
  const std::string &line(const std::string &File, unsigned N);
  /// Reads File's lines from Text instead of the disk (an unsaved buffer).
  void assign(const std::string &File, const std::string &Text);

private:
  std::map<std::string, std::vector<std::string>> Files;
};

/// Whether a comment suppresses F as clang-tidy's do: `NOLINT` or
/// `NOLINT(check, glob-*)` on its line, `NOLINTNEXTLINE(...)` on the line
/// before, or a `NOLINTBEGIN(...)` ... `NOLINTEND(...)` region around it.
/// Without parentheses a directive suppresses every check.
bool isSuppressed(const Finding &F, SourceLines &Lines);

struct RenderOptions {
  std::string BaseDir; ///< paths below it are shown relative to it
  /// Findings of checks matching it are errors (`-warnings-as-errors`).
  CheckFilter WarningsAsErrors;
  /// When set, decides instead of WarningsAsErrors (a configuration per
  /// unit).
  std::function<bool(const Finding &)> AsError;
  /// ANSI colours as clang uses them, for a terminal.
  bool Color = false;
};

/// `remark`, `warning` or `error`.
const char *severityName(Severity S);

/// The severity F is reported with under Opts.
Severity effectiveSeverity(const Finding &F, const RenderOptions &Opts);

/// `file:line:col: warning: message [check]`, the source line and a caret,
/// then each note the same way.
std::string renderFindingsText(const std::vector<Finding> &Fs,
                               SourceLines &Lines, const RenderOptions &Opts);

/// The `check --format json` document (docs/checks.md describes it).
std::string renderFindingsJson(const std::vector<Finding> &Fs,
                               size_t Suppressed, const RenderOptions &Opts);

/// What SARIF's invocation object says of the run that found them.
struct SarifInvocation {
  std::string ToolVersion;
  /// The command line, the program first.
  std::vector<std::string> Arguments;
  /// False when some translation unit could not be analysed: its findings
  /// are missing from the log, and Problems say why.
  bool Successful = true;
  std::vector<std::string> Problems;
};

/// SARIF 2.1.0 for code scanning (GitHub and others): one run, a rule per
/// check with its page as help, a result per finding with its notes as
/// related locations, its fix-its as fixes and a fingerprint that does not
/// move with the finding's line. Suppressed findings are included with an
/// in-source suppression, as SARIF consumers expect. Paths below
/// Opts.BaseDir are relative to the %SRCROOT% base, which the log maps to
/// BaseDir, the invocation's working directory.
std::string renderFindingsSarif(const std::vector<Finding> &Fs,
                                const std::vector<Finding> &Suppressed,
                                const RenderOptions &Opts,
                                const SarifInvocation &Run);

/// Where a check's page is published for this version (SARIF helpUri).
std::string checkHelpUri(CheckId Id, const std::string &ToolVersion);

/// The byte offset of Line:Column (1-based; column 0: the line's start) in
/// Text; std::string::npos when Text has no such line.
size_t byteOffsetIn(const std::string &Text, unsigned Line, unsigned Column);

/// The findings and their fix-its as clang-tidy's --export-fixes YAML
/// (clang's TranslationUnitDiagnostics, with BuildDirectory), which
/// clang-apply-replacements applies.
std::string renderFixesYaml(const std::vector<Finding> &Fs,
                            const std::string &MainSourceFile,
                            const std::string &BuildDirectory,
                            const RenderOptions &Opts);

} // namespace torchkc

#endif
