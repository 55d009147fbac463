//===- PreambleCache.h - Parsed headers reused across runs -----*- C++ -*-===//
#ifndef TORCH_KEYCHECK_TOOLS_CLI_PREAMBLECACHE_H
#define TORCH_KEYCHECK_TOOLS_CLI_PREAMBLECACHE_H

#include "torch-keycheck/cache/PreamblePrefix.h"
#include "torch-keycheck/cache/ResultCache.h"
#include "torch-keycheck/extract/Extractor.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"

#include <optional>
#include <string>
#include <vector>

namespace torchkc {
namespace cli {

/// Parsed headers reused across runs and across units: the PCH of a unit's
/// leading #includes and #defines (its preamble prefix, see
/// PreamblePrefix.h), written with the same library bodies skipped as the
/// extraction skips, in the cache. One PCH serves every unit that starts
/// with the same directives under the same flags (the comments around them
/// do not matter), while every file it read keeps its content (clang's own
/// check of sizes and times is turned off: the cache checks content). A
/// prefix gets a PCH the second time it is parsed, so a one-off run of one
/// unit (a fresh CI machine) never pays for writing one.
class PreambleCache {
public:
  explicit PreambleCache(const std::string &CacheDir)
      : Results(CacheDir), Dir(CacheDir + "/preambles") {}

  struct Use {
    /// The PCH file.
    std::string PCH;
    /// What makes the unit's parse load the PCH for its preamble.
    clang::tooling::CommandLineArguments Args;
    /// The files the PCH read: the unit depends on them.
    std::vector<std::string> Files;
  };

  /// The PCH for File's preamble prefix, writing it when the prefix was
  /// parsed before and has none; nothing when the file has no prefix, on a
  /// first sighting, or when the PCH cannot be written or cannot stand for
  /// the prefix (then not tried again while the files it read keep their
  /// content).
  /// Contents, when given, stand for File's text (an editor's unsaved
  /// buffer); Eager writes the PCH at the first sighting (a server, whose
  /// next parse of the unit is seconds away).
  std::optional<Use> use(clang::tooling::CompilationDatabase &DB,
                         const std::string &File,
                         std::optional<llvm::StringRef> Contents = std::nullopt,
                         bool Eager = false) const;

private:
  /// PCH files kept (tens of MB each); the least recently used go first.
  static constexpr size_t Kept = 16;
  void prune() const;
  /// The cache key of File's prefix: the analyzer, the directives, the
  /// flags without the unit's name and outputs, and the directories a
  /// lookup may start from.
  static std::string prefixKey(clang::tooling::CompilationDatabase &DB,
                               const std::string &File,
                               const PreamblePrefix &Prefix);
  /// Writes the PCH of File's prefix to PCH (through a temporary file);
  /// Written gets the files it read and why it could not. False when no
  /// PCH was written.
  bool write(clang::tooling::CompilationDatabase &DB, const std::string &File,
             const PreamblePrefix &Prefix, const std::string &PCH,
             PrefixPCHResult &Written) const;

  ResultCache Results;
  std::string Dir;
};

/// Makes Tool's parse load U's PCH.
void loadPreamble(clang::tooling::ClangTool &Tool, const PreambleCache::Use &U);

/// The preamble cache in the cache directory, if there is one.
std::optional<PreambleCache> openPreambles();

} // namespace cli
} // namespace torchkc

#endif
