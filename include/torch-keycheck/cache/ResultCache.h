//===- ResultCache.h - Per-translation-unit results by content -*- C++ -*-===//
//
// Re-running the analysis on unchanged sources should cost a lookup, not a
// parse. An entry holds what one translation unit contributed to a run,
// found by a key (the analyzer build, the command, the file and its flags,
// the options) and valid while every file the unit read (its sources and
// headers, the checkpoints and goldens it was checked against) has the
// content it had: files are compared by content hash, never by time, so a
// checkout or touch does not invalidate and an edit always does.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_CACHE_RESULTCACHE_H
#define TORCH_KEYCHECK_CACHE_RESULTCACHE_H

#include "torch-keycheck/checks/Findings.h"

#include <optional>
#include <string>
#include <vector>

namespace torchkc {

class ResultCache {
public:
  /// A cache in Dir (created when first stored to).
  explicit ResultCache(std::string Dir) : Dir(std::move(Dir)) {}

  /// Where the entries are kept.
  const std::string &directory() const { return Dir; }

  /// $TORCH_KEYCHECK_CACHE_DIR, else $XDG_CACHE_HOME/torch-keycheck, else
  /// ~/.cache/torch-keycheck; empty when none can be named.
  static std::string defaultDir();

  /// The result stored under Key, if every file it depends on still has the
  /// content it had when it was stored.
  std::optional<std::string> lookup(const std::string &Key) const;

  /// Stores Result under Key with the files it depends on (a file that
  /// does not exist is recorded as absent: creating it invalidates).
  /// Failing to write is not an error: the next run parses again. Returns
  /// whether the entry was written, so a front end can say once that the
  /// cache cannot be written (a full disk).
  bool store(const std::string &Key, const std::vector<std::string> &DependsOn,
             const std::string &Result) const;

  /// A hex digest of a file's content; "absent" when nothing is there,
  /// "directory" or "unreadable" when something is that cannot be read.
  static std::string fileDigest(const std::string &Path);
  /// A hex digest of Text.
  static std::string textDigest(const std::string &Text);

private:
  std::string entryPath(const std::string &Key) const;
  std::string Dir;
};

/// Findings as cache text, and back (every field, unlike the --format json
/// report, which shows severities after --warnings-as-errors).
std::string findingsToCacheJson(const std::vector<Finding> &Fs);
std::vector<Finding> findingsFromCacheJson(const std::string &Text);

} // namespace torchkc

#endif
