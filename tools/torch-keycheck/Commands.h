//===- Commands.h - The analysis commands ----------------------*- C++ -*-===//
#ifndef TORCH_KEYCHECK_TOOLS_CLI_COMMANDS_H
#define TORCH_KEYCHECK_TOOLS_CLI_COMMANDS_H

namespace torchkc {
namespace cli {

/// `keys`: the state_dict keys of model classes (KeysCommand.cpp).
int runKeys(int Argc, const char **Argv);
/// `check`: registration hazards and load verdicts (CheckCommand.cpp).
int runCheck(int Argc, const char **Argv);
/// `golden`: the project's models against their goldens (GoldenCommand.cpp).
int runGolden(int Argc, const char **Argv);
/// `migrate`: a checkpoint renamed to fit the code (MigrateCommand.cpp).
int runMigrate(int Argc, const char **Argv);
/// In another command: migrate's options refused by name (ToolError), or
/// Success when none was given.
int refuseMigrateOptions();
/// `lsp`: the language server (LspCommand.cpp, lsp/).
int runLsp(int Argc, const char **Argv);

} // namespace cli
} // namespace torchkc

#endif
