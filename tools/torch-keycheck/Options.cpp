//===- Options.cpp - The options of the analysis commands -----------------===//
#include "Options.h"

#include "torch-keycheck/extract/Extractor.h"

#include "torch-keycheck/project/Project.h"

using namespace llvm;

namespace torchkc {
namespace cli {

cl::OptionCategory Category("torch-keycheck options");

cl::list<std::string> Sources(cl::Positional, cl::desc("<source>..."),
                              cl::cat(Category));
cl::opt<std::string>
    BuildPath("p", cl::desc("Build directory holding compile_commands.json"),
              cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string>
    ClassName("class",
              cl::desc("Model class to analyse (Impl or holder "
                       "name, qualified or not)"),
              cl::value_desc("name"), cl::cat(Category));
cl::opt<std::string> FunctionName(
    "function",
    cl::desc("Function model to analyse: a free function returning a module "
             "(Sequential make_discriminator(...)), qualified or not"),
    cl::value_desc("name"), cl::cat(Category));
cl::list<std::string> Defines("define",
                              cl::desc("Value of a constructor parameter"),
                              cl::value_desc("name=value"), cl::cat(Category));
cl::opt<std::string> ConfigurationsFile(
    "configurations",
    cl::desc(
        "JSON file listing classes and configurations to analyse in one parse"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<unsigned>
    Jobs("j",
         cl::desc("Translation units to parse at a time (default, and 0: "
                  "one per core, as run-clang-tidy)"),
         cl::value_desc("n"), cl::init(0), cl::cat(Category));
cl::list<std::string> ExtraArgs(
    "extra-arg",
    cl::desc("Flag to append to each compile command (database or --)"),
    cl::value_desc("flag"), cl::cat(Category));
cl::list<std::string> ExtraArgsBefore(
    "extra-arg-before",
    cl::desc("Flag to prepend to each compile command (database or --)"),
    cl::value_desc("flag"), cl::cat(Category));
cl::opt<uint64_t> MaxIterations(
    "max-iterations",
    cl::desc("Loop iterations the interpreter runs per constructor before "
             "it stops with an unresolved line (default: 100000)"),
    cl::value_desc("n"), cl::init(InterpreterBudget().Iterations),
    cl::cat(Category));
cl::opt<uint64_t> MaxSteps(
    "max-steps",
    cl::desc("Statements (calls included) the interpreter runs per "
             "constructor before it stops (default: 500000)"),
    cl::value_desc("n"), cl::init(InterpreterBudget().Steps),
    cl::cat(Category));
cl::opt<unsigned> MaxSeconds(
    "max-seconds",
    cl::desc("Wall time the interpreter spends per constructor before it "
             "stops (default: 20)"),
    cl::value_desc("s"), cl::init(InterpreterBudget().Seconds),
    cl::cat(Category));
cl::opt<std::string>
    ProjectFile("project",
                // cl::desc keeps a StringRef: the text must outlive it.
                cl::desc("Project file (default: the nearest "
                         ".torch-keycheck.json at or above the first source)"),
                cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> Format("format",
                            cl::desc("Output format: text or json (check: "
                                     "also sarif)"),
                            cl::init("text"), cl::cat(Category));

cl::OptionCategory CheckCategory("torch-keycheck check options");
cl::opt<std::string>
    Checks("checks",
           cl::desc("Comma-separated globs of checks to run; '-' before a "
                    "glob removes what it matches (default: torch-*)"),
           cl::init("torch-*"), cl::cat(CheckCategory));
cl::opt<std::string> WarningsAsErrors(
    "warnings-as-errors",
    cl::desc("Checks whose warnings are errors, as globs like --checks; "
             "without a value, every check"),
    cl::ValueOptional, cl::cat(CheckCategory));
cl::opt<std::string> Checkpoint(
    "checkpoint",
    cl::desc("Checkpoint to load into --class: torch.save, torch::save, "
             "safetensors or a JSON manifest"),
    cl::value_desc("file"), cl::cat(CheckCategory));
cl::opt<std::string>
    Entry("entry",
          cl::desc("The dict inside a nested checkpoint (model/state_dict)"),
          cl::value_desc("name"), cl::cat(CheckCategory));
cl::opt<bool> AllowUnexpected(
    "allow-unexpected",
    cl::desc("Checkpoint keys the model lacks are warnings, as with "
             "load_state_dict(strict=False)"),
    cl::cat(CheckCategory));
cl::opt<std::string> OptimizerCheckpoint(
    "optimizer-checkpoint",
    cl::desc("Optimizer state (torch::save(optimizer) or a training "
             "checkpoint's) to load into an optimizer over --class's "
             "parameters()"),
    cl::value_desc("file"), cl::cat(CheckCategory));
cl::opt<std::string>
    OptimizerKind("optimizer",
                  cl::desc("The optimizer that loads it: sgd, adam, adamw, "
                           "adagrad, rmsprop or lbfgs"),
                  cl::value_desc("kind"), cl::cat(CheckCategory));
cl::opt<std::string> CheckpointRoot(
    "checkpoint-root",
    cl::desc("Directory that relative checkpoint paths at torch::load calls "
             "are resolved against (default: the calling file's)"),
    cl::value_desc("dir"), cl::cat(CheckCategory));
cl::opt<std::string> ExportFixes(
    "export-fixes",
    cl::desc("Write the fix-its to a YAML file clang-apply-replacements "
             "applies"),
    cl::value_desc("file"), cl::cat(CheckCategory));
cl::opt<std::string> CacheDir(
    "cache-dir",
    cl::desc("Where parsed headers (PCH of each unit's preamble) and, for "
             "'check', results of unchanged translation units are kept "
             "(default: $TORCH_KEYCHECK_CACHE_DIR, else "
             "$XDG_CACHE_HOME/torch-keycheck or ~/.cache/torch-keycheck)"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<bool>
    NoCache("no-cache",
            cl::desc("Parse every translation unit in full; neither read nor "
                     "write the cache"),
            cl::cat(Category));
cl::opt<bool> Fix("fix",
                  cl::desc("Apply the fix-its to the sources (not when a "
                           "unit did not compile; see --fix-errors)"),
                  cl::cat(CheckCategory));
cl::opt<bool> FixErrors(
    "fix-errors",
    cl::desc("Apply the fix-its even when a unit did not compile"),
    cl::cat(CheckCategory));
cl::opt<bool> Quiet(
    "quiet",
    cl::desc("No summary line ('N warnings and M errors generated.')"),
    cl::cat(CheckCategory));
cl::opt<cl::boolOrDefault> UseColor(
    "use-color",
    cl::desc("Colour the text output (default: when it is a terminal and "
             "NO_COLOR is unset)"),
    cl::cat(CheckCategory));
cl::opt<std::string> HeaderFilter(
    "header-filter",
    cl::desc("Regular expression: findings in files that are not the "
             "sources analysed are shown only when the path matches "
             "(default: all)"),
    cl::value_desc("regex"), cl::cat(CheckCategory));
cl::opt<std::string> ExcludeHeaderFilter(
    "exclude-header-filter",
    cl::desc("Regular expression: findings in files that are not the "
             "sources analysed are not shown when the path matches"),
    cl::value_desc("regex"), cl::cat(CheckCategory));
cl::opt<std::string> LineFilter(
    "line-filter",
    cl::desc("Only findings on these lines, as clang-tidy's "
             "--line-filter: [{\"name\":\"file.cpp\",\"lines\":[[1,3],[5,7]]},"
             "{\"name\":\"file.h\"}]"),
    cl::value_desc("json"), cl::cat(CheckCategory));
cl::opt<std::string> Config(
    "config",
    cl::desc("Configuration in clang-tidy's YAML/JSON, instead of the "
             ".clang-tidy files: \"{Checks: 'torch-*', "
             "WarningsAsErrors: 'torch-checkpoint-*'}\""),
    cl::value_desc("yaml"), cl::cat(CheckCategory));
cl::opt<std::string> ConfigFile(
    "config-file",
    cl::desc("Read the configuration from this file instead of the "
             ".clang-tidy files"),
    cl::value_desc("file"), cl::cat(CheckCategory));
cl::opt<bool> DumpConfig(
    "dump-config",
    cl::desc("Print the configuration in force for the first source (its "
             ".clang-tidy and the command line) as YAML, and exit"),
    cl::cat(CheckCategory));
cl::opt<bool> ExplainConfig(
    "explain-config",
    cl::desc("For each enabled check, print the configuration that enables "
             "it, and exit"),
    cl::cat(CheckCategory));
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the checks --checks enables and exit"),
                         cl::cat(CheckCategory));

cl::OptionCategory GoldenCategory("torch-keycheck golden options");
cl::opt<bool> Update("update",
                     cl::desc("Write each configured model's golden "
                              "manifest instead of comparing with it"),
                     cl::cat(GoldenCategory));

std::vector<std::string> Files;

} // namespace cli
} // namespace torchkc
