//===- PreambleCache.h - Parsed headers reused across runs -----*- C++ -*-===//
#ifndef TORCH_KEYCHECK_TOOLS_CLI_PREAMBLECACHE_H
#define TORCH_KEYCHECK_TOOLS_CLI_PREAMBLECACHE_H

#include "torch-keycheck/cache/ResultCache.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"

#include <optional>
#include <string>
#include <vector>

namespace torchkc {
namespace cli {

/// Parsed headers reused across runs: the PCH of a unit's preamble (its
/// leading comments, #includes and #pragmas), written with the same
/// library bodies skipped as the extraction skips, in the cache. It stands
/// for the preamble while every file it read keeps its content (clang's own
/// check of sizes and times is turned off: the cache checks content). A
/// preamble gets a PCH the second time it is parsed, so a one-off run
/// (a fresh CI machine) never pays for writing one.
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

  /// The PCH for File's preamble, writing it when its preamble was parsed
  /// before and has none; nothing when the file has no preamble, on a
  /// first sighting, or when the PCH cannot be written.
  std::optional<Use> use(clang::tooling::CompilationDatabase &DB,
                         const std::string &File) const;

private:
  /// PCH files kept (tens of MB each); the least recently used go first.
  static constexpr size_t Kept = 16;
  void prune() const;
  /// Writes the PCH of File's preamble Text to PCH (through a temporary
  /// file); Read gets the files it read. False when it could not.
  bool write(clang::tooling::CompilationDatabase &DB, const std::string &File,
             const std::string &Text, const std::string &PCH,
             std::vector<std::string> &Read) const;

  ResultCache Results;
  std::string Dir;
};

/// The preamble cache in the cache directory, if there is one.
std::optional<PreambleCache> openPreambles();

} // namespace cli
} // namespace torchkc

#endif
