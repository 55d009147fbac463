//===- Server.h - torch-keycheck lsp ----------------------------*- C++ -*-===//
//
// A Language Server Protocol 3.17 server that runs beside clangd: it
// publishes the torch-* findings of every open unit (and of the project
// headers it includes), offers their fix-its and NOLINT as quick fixes,
// and shows on hover the state_dict keys a model class, a register_*
// call or a torch::load site stands for.
//
// One thread reads the client's messages and answers at once what needs
// no parse; one worker parses units (debounced after edits, the newest
// version of a unit superseding older ones) and publishes. Requests that
// need a unit's newest parse wait for it, and can be cancelled.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TOOLS_CLI_LSP_SERVER_H
#define TORCH_KEYCHECK_TOOLS_CLI_LSP_SERVER_H

#include "Protocol.h"

#include <memory>
#include <string>

namespace torchkc {
namespace lsp {

struct ServerOptions {
  /// Where compile_commands.json is; empty: found as clangd finds it.
  std::string CompileCommandsDir;
  /// Milliseconds between the last edit and the parse it triggers.
  unsigned DebounceMs = 300;
  /// Inlay hints with the key count at each registration.
  bool InlayHints = false;
  /// 0: errors only; 1: each parse; 2: every message.
  int LogLevel = 1;
};

/// Serves the client on T until `exit` or the end of input; returns the
/// process's exit code (0 after shutdown, else 1; 2 when the framing
/// broke).
int serve(Transport &T, const ServerOptions &Opts);

} // namespace lsp
} // namespace torchkc

#endif
