//===- LspCommand.cpp - torch-keycheck lsp --------------------------------===//
//
// The language server's command line: where the compile commands and the
// cache are, how long to wait after an edit, inlay hints, how much to log
// on standard error. The protocol runs on standard input and output.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Driver.h"
#include "Options.h"

#include "lsp/Server.h"

#include "torch-keycheck/extract/Extractor.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

using namespace llvm;

namespace torchkc {
namespace cli {

static const char LspUsage[] =
    "usage: torch-keycheck lsp [options]\n"
    "\n"
    "A Language Server Protocol 3.17 server on standard input and output,\n"
    "to run beside clangd: torch-* findings as diagnostics (on open, on\n"
    "change, on save), their fix-its and NOLINT as quick fixes, and the\n"
    "state_dict keys of a model class, register_* call or torch::load on\n"
    "hover. The compile commands, .clang-tidy and .torch-keycheck.json are\n"
    "found as the CLI finds them. docs/editors.md sets it up in editors.\n"
    "\n"
    "options:\n"
    "  --compile-commands-dir=DIR  where compile_commands.json is (default:\n"
    "                              above each file, or in its build/)\n"
    "  --cache-dir=DIR             the cache of parsed headers (default:\n"
    "                              $XDG_CACHE_HOME/torch-keycheck)\n"
    "  --no-cache                  parse every unit in full\n"
    "  --debounce-ms=N             wait after an edit before parsing "
    "(default 300)\n"
    "  --inlay-hints               key counts at each registration (also\n"
    "                              initializationOptions.inlayHints)\n"
    "  --log=error|info|verbose    what is logged on standard error and to\n"
    "                              the client (default info)\n"
    "  --max-seconds=N             the interpreter's time per constructor\n";

int runLsp(int Argc, const char **Argv) {
  lsp::ServerOptions Opts;
  for (int I = 1; I < Argc; ++I) {
    StringRef A = Argv[I];
    auto [Name, Value] = A.split('=');
    bool HasValue = A.contains('=');
    auto Need = [&]() -> bool {
      if (HasValue && !Value.empty())
        return true;
      error("'" + Name + "' needs a value ('" + Name + "=...')");
      return false;
    };
    if (A == "--help" || A == "-h") {
      outs() << LspUsage;
      return Success;
    }
    if (Name == "--compile-commands-dir") {
      if (!Need())
        return ToolError;
      if (!sys::fs::is_directory(Value))
        return error("--compile-commands-dir '" + Value +
                     "' is not a directory");
      Opts.CompileCommandsDir = Value.str();
    } else if (Name == "--cache-dir") {
      if (!Need())
        return ToolError;
      CacheDir = Value.str();
    } else if (A == "--no-cache") {
      NoCache = true;
    } else if (Name == "--debounce-ms") {
      unsigned N;
      if (!Need() || Value.getAsInteger(10, N) || N > 60000)
        return error("--debounce-ms needs a number of milliseconds up to "
                     "60000");
      Opts.DebounceMs = N;
    } else if (A == "--inlay-hints") {
      Opts.InlayHints = true;
    } else if (Name == "--log") {
      if (Value == "error")
        Opts.LogLevel = 0;
      else if (Value == "info")
        Opts.LogLevel = 1;
      else if (Value == "verbose")
        Opts.LogLevel = 2;
      else
        return error("--log takes error, info or verbose");
    } else if (Name == "--max-seconds") {
      unsigned N;
      if (!Need() || Value.getAsInteger(10, N) || N == 0)
        return error("--max-seconds needs at least 1");
      interpreterBudget().Seconds = N;
    } else if (A == "--stdio") {
      // What VS Code's client passes; stdio is the only transport.
    } else {
      return error("unknown option '" + A + "' for 'lsp' (see --help)");
    }
  }
  lsp::Transport T(stdin, stdout);
  return lsp::serve(T, Opts);
}

} // namespace cli
} // namespace torchkc
