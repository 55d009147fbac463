//===- Options.h - The options of the analysis commands ---------*- C++ -*-===//
//
// Every option of `keys`, `check` and `golden`, defined once in
// Options.cpp; each command rejects the ones that are not its own.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TOOLS_CLI_OPTIONS_H
#define TORCH_KEYCHECK_TOOLS_CLI_OPTIONS_H

#include "llvm/Support/CommandLine.h"

#include <string>
#include <vector>

namespace torchkc {
namespace cli {

/// Exit codes shared by every command.
enum ExitCode { Success = 0, Findings = 1, ToolError = 2 };

// Options of every command.
extern llvm::cl::OptionCategory Category;
extern llvm::cl::list<std::string> Sources;
extern llvm::cl::opt<std::string> BuildPath;
extern llvm::cl::opt<std::string> ClassName;
extern llvm::cl::opt<std::string> FunctionName;
extern llvm::cl::list<std::string> Defines;
extern llvm::cl::opt<std::string> ConfigurationsFile;
extern llvm::cl::opt<unsigned> Jobs;
extern llvm::cl::list<std::string> ExtraArgs;
extern llvm::cl::list<std::string> ExtraArgsBefore;
extern llvm::cl::opt<uint64_t> MaxIterations;
extern llvm::cl::opt<uint64_t> MaxSteps;
extern llvm::cl::opt<unsigned> MaxSeconds;
extern llvm::cl::opt<std::string> ProjectFile;
extern llvm::cl::opt<std::string> Format;
extern llvm::cl::OptionCategory CheckCategory;
extern llvm::cl::opt<std::string> Checks;
extern llvm::cl::opt<std::string> WarningsAsErrors;
extern llvm::cl::opt<std::string> Checkpoint;
extern llvm::cl::opt<std::string> Entry;
extern llvm::cl::opt<bool> AllowUnexpected;
extern llvm::cl::opt<std::string> OptimizerCheckpoint;
extern llvm::cl::opt<std::string> OptimizerKind;
extern llvm::cl::opt<std::string> CheckpointRoot;
extern llvm::cl::opt<std::string> ExportFixes;
extern llvm::cl::opt<std::string> CacheDir;
extern llvm::cl::opt<bool> NoCache;
extern llvm::cl::opt<bool> Fix;
extern llvm::cl::opt<bool> FixErrors;
extern llvm::cl::opt<bool> Quiet;
extern llvm::cl::opt<llvm::cl::boolOrDefault> UseColor;
extern llvm::cl::opt<std::string> HeaderFilter;
extern llvm::cl::opt<std::string> ExcludeHeaderFilter;
extern llvm::cl::opt<std::string> LineFilter;
extern llvm::cl::opt<std::string> Config;
extern llvm::cl::opt<std::string> ConfigFile;
extern llvm::cl::opt<bool> DumpConfig;
extern llvm::cl::opt<bool> ExplainConfig;
extern llvm::cl::opt<bool> ListChecks;
extern llvm::cl::OptionCategory GoldenCategory;
extern llvm::cl::opt<bool> Update;

/// The sources to analyse: those named, or every file of the `-p`
/// compilation database.
extern std::vector<std::string> Files;

} // namespace cli
} // namespace torchkc

#endif
