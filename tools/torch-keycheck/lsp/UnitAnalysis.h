//===- UnitAnalysis.h - One unit as the language server sees it -*- C++ -*-===//
//
// The server's unit of work: parse one file (a source, or a header alone)
// with the editor's unsaved buffers over the disk, loading the PCH of its
// preamble when there is one, and keep what the editor asks about later,
// computed while the AST is alive: the findings `check` reports for the
// unit under its .clang-tidy, and the keys each model class, register_*
// call and torch::load site stands for.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TOOLS_CLI_LSP_UNITANALYSIS_H
#define TORCH_KEYCHECK_TOOLS_CLI_LSP_UNITANALYSIS_H

#include "torch-keycheck/checks/Findings.h"

#include "clang/Tooling/CompilationDatabase.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace torchkc {
namespace cli {
class PreambleCache;
struct UnitConfig;
} // namespace cli

namespace lsp {

struct UnitRequest {
  std::string File; ///< absolute
  clang::tooling::CompilationDatabase *DB = nullptr;
  /// Unsaved buffers that differ from the disk, by absolute path.
  std::map<std::string, std::string> Buffers;
  const cli::PreambleCache *Preambles = nullptr;
  /// The unit's configuration (its .clang-tidy); never null.
  const cli::UnitConfig *Config = nullptr;
  /// Files findings are published for: those under these directories.
  std::vector<std::string> Roots;
};

/// Something to show on hover, at a place or for a name.
struct HoverEntry {
  SourceLoc Loc; ///< where it applies from (to the end of that line)
  std::string Markdown;
};

struct InlayHintEntry {
  SourceLoc Loc;
  std::string Label;
};

struct UnitSnapshot {
  std::string File;
  /// The findings shown under the configuration (enabled checks, header
  /// filter, NOLINT applied), in source order, each with the severity it
  /// is reported with (WarningsAsErrors applied).
  std::vector<std::pair<Finding, Severity>> Findings;
  /// The project files the unit read (under the roots): its findings are
  /// published for each of them, none or not.
  std::set<std::string> Files;
  /// Every file the result depends on besides the buffers: headers,
  /// project file, goldens, checkpoints.
  std::set<std::string> DependsOn;
  /// Why the project checks did not run, and the file at fault (which may
  /// be a project file, a golden or a checkpoint), at Line:Column when the
  /// message says where.
  std::string ProjectError;
  SourceLoc ProjectErrorLoc;
  /// Hover for an identifier naming a model class or its holder, by name
  /// (qualified and unqualified).
  std::map<std::string, std::string> ClassHover;
  /// Hover at register_* calls and torch::load sites.
  std::vector<HoverEntry> SiteHover;
  std::vector<InlayHintEntry> Hints;
  /// False when the unit did not compile: findings may be missing.
  bool Compiled = true;
  std::string CompilerErrors;
  bool UsedPCH = false;
  double Seconds = 0;
};

/// Parses Req.File and gathers its snapshot.
std::shared_ptr<UnitSnapshot> analyseUnit(const UnitRequest &Req);

/// The absolute, dot-free spelling of a path, as the server keys files.
std::string normalizedPath(const std::string &Path);

/// Whether Path is under one of Roots (every file is, with no roots).
bool isUnder(const std::vector<std::string> &Roots, const std::string &Path);

} // namespace lsp
} // namespace torchkc

#endif
