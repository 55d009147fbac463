//===- Driver.h - What the analysis commands share -------------*- C++ -*-===//
//
// Parsing the command line and finding the compilation database, making a
// ClangTool for a file, and running the extraction over every unit, up to
// -j at a time, with the caches; plus the small helpers of every command.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TOOLS_CLI_DRIVER_H
#define TORCH_KEYCHECK_TOOLS_CLI_DRIVER_H

#include "Options.h"

#include "torch-keycheck/graph/RegistrationGraph.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <functional>
#include <memory>
#include <string>

namespace torchkc {
namespace cli {

class PreambleCache;

/// Prints `torch-keycheck: error: Msg`; returns ToolError.
int error(const llvm::Twine &Msg);

/// Says once per run that the cache could not be written (a full disk, a
/// read-only directory): the run goes on without it.
void warnCacheNotWritten(const llvm::Twine &Why);

/// The options after `--`, then the command's own options; null (after
/// reporting why) when they are not usable, --format given a value not in
/// Formats included. Fills Files.
std::unique_ptr<clang::tooling::CompilationDatabase>
parseCommandLine(int Argc, const char **Argv, const char *Overview,
                 llvm::ArrayRef<const llvm::cl::OptionCategory *> Categories,
                 llvm::ArrayRef<llvm::StringRef> Formats);

/// A tool over File that can parse it as the user's compiler would, plus
/// what an out-of-tree tool needs. It reads the disk, or Base when given
/// (the language server's unsaved buffers over the disk); either way
/// with a working directory of its own.
std::unique_ptr<clang::tooling::ClangTool>
newTool(clang::tooling::CompilationDatabase &DB, const std::string &File,
        llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> Base = nullptr);

/// A digest of this analysis module's own file: a rebuilt analyzer must
/// not reuse what an older one cached.
const std::string &analyzerDigest();

/// The start of a cache key for File's unit: the analyzer build, what the
/// entry holds (Kind), the file and its compile commands.
std::string unitCacheKey(clang::tooling::CompilationDatabase &DB,
                         const std::string &File, const char *Kind);

using TranslationUnitHandler =
    std::function<void(size_t FileIndex, RegistrationGraph &TU)>;

/// How a command keeps per-unit results across runs (see ResultCache.h).
struct UnitCacheHooks {
  /// Restores File's contribution from the cache, with the compiler
  /// diagnostics and status it had, instead of parsing it; false on a miss.
  std::function<bool(size_t File, std::string &Diagnostics, int &Status)>
      Restore;
  /// Called after File was parsed (and OnTU ran), to store it.
  std::function<void(size_t File, const std::string &Diagnostics, int Status)>
      Parsed;
};

/// Parses every file, up to -j at a time, calling OnTU with the file's
/// index while its AST is alive (calls for different files may run
/// concurrently: each must touch only its file's state), and merges what
/// they define into Merged in file order. Compiler diagnostics are printed
/// per file in that order too. A progress line is shown on a terminal.
/// With Cache, a unit it restores is not parsed (and adds nothing to
/// Merged); with Preambles, a unit's parse loads the PCH of its preamble
/// when there is one (the unit then depends on the files it stands for).
/// Returns nonzero when some file did not compile.
int forEachTranslationUnit(clang::tooling::CompilationDatabase &DB,
                           const TranslationUnitHandler &OnTU,
                           RegistrationGraph &Merged,
                           const UnitCacheHooks *Cache = nullptr,
                           const PreambleCache *Preambles = nullptr);

/// The --define values, by parameter name; false (after reporting which)
/// when one is not of the form name=value.
bool parseDefines(Bindings &Out);

/// The error for a class no unit defines (or several define).
int classNotFound(const std::string &Class, const RegistrationGraph &Graph,
                  bool ListKnown);
/// The error for a function model no unit defines (or several define),
/// listing the function models there are.
int functionNotFound(const std::string &Function,
                     const RegistrationGraph &Graph);

std::string currentDir();

/// A path as the user reads it: relative to the current directory when
/// below it.
std::string shownPath(const std::string &Path);

extern const char *const NotCompiled;

/// The cache directory the options name; empty with --no-cache or when
/// none can be named.
std::string cacheDir();

} // namespace cli
} // namespace torchkc

#endif
