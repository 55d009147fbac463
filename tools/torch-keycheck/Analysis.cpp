//===- Analysis.cpp - The commands that parse C++ -------------------------===//
//
// The `keys`, `check` and `golden` commands, built into a module that
// main.cpp loads only when a command needs Clang: loading LLVM and Clang
// costs ~80 ms and ~60 MiB, which `manifest` and `--version` should not
// pay. Compilation flags come, as for clang-tidy and clang-check, from a
// compile_commands.json (`-p DIR`, or found above the first source), from
// flags after `--`, or else from defaults that find LibTorch's headers
// (Driver.cpp).
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Driver.h"

#include "llvm/Support/InitLLVM.h"

#include <csignal>

/// Entry point of the analysis module: Argv[0] is "torch-keycheck <command>".
extern "C" __attribute__((visibility("default"))) int
torchkc_analysis_main(const char *Command, int Argc, const char **Argv) {
  llvm::InitLLVM X(Argc, Argv);
  // LLVM's crash handler takes SIGXFSZ: a write past the file-size limit
  // (ulimit -f) would end the run with a stack dump. Ignored, the write
  // fails with EFBIG and is handled as any failed write (the cache's is a
  // warning, as on a full disk).
  ::signal(SIGXFSZ, SIG_IGN);
  llvm::StringRef Name(Command);
  if (Name == "keys")
    return torchkc::cli::runKeys(Argc, Argv);
  if (Name == "check")
    return torchkc::cli::runCheck(Argc, Argv);
  if (Name == "golden")
    return torchkc::cli::runGolden(Argc, Argv);
  if (Name == "migrate")
    return torchkc::cli::runMigrate(Argc, Argv);
  if (Name == "lsp")
    return torchkc::cli::runLsp(Argc, Argv);
  return torchkc::cli::error("the analysis module has no command '" +
                             llvm::Twine(Command) + "'");
}
