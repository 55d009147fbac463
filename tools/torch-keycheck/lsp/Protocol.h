//===- Protocol.h - What the language server speaks -------------*- C++ -*-===//
//
// The Language Server Protocol's plumbing: base-protocol framing of
// JSON-RPC messages over a pair of file descriptors, file URIs, and
// positions in the encoding the client and server agreed on (UTF-16 code
// units by default, UTF-8 bytes when the client offers them).
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_TOOLS_CLI_LSP_PROTOCOL_H
#define TORCH_KEYCHECK_TOOLS_CLI_LSP_PROTOCOL_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

namespace torchkc {
namespace lsp {

/// JSON-RPC and LSP error codes.
enum ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestCancelled = -32800,
  ContentModified = -32801,
};

/// Reads and writes base-protocol messages (`Content-Length: N` headers,
/// an empty line, N bytes of JSON). Writes may come from any thread.
class Transport {
public:
  Transport(std::FILE *In, std::FILE *Out) : In(In), Out(Out) {}

  enum class Read { Message, End, Broken };
  /// The next message's body in Body. End at the end of input between
  /// messages; Broken (Error says why) when the framing is not the
  /// protocol's: nothing after it can be trusted.
  Read read(std::string &Body, std::string &Error);

  void send(const nlohmann::json &Message);

  /// Bodies larger than this are refused (the framing then breaks).
  static constexpr size_t MaxBody = size_t(256) << 20;

private:
  std::FILE *In;
  std::FILE *Out;
  std::mutex Writing;
};

/// `file:///a%20b/c.cpp` -> `/a b/c.cpp`; nullopt for another scheme or
/// a URI that is not a file's.
std::optional<std::string> pathOfUri(const std::string &Uri);
/// The file URI of an absolute path, percent-encoded as VS Code does.
std::string uriOfPath(const std::string &Path);

enum class Encoding { UTF16, UTF8 };

/// The byte offset in Text of an LSP position (0-based line, character
/// in Enc's units); positions past a line's end clamp to it, past the
/// text's end to its end.
size_t offsetOf(const std::string &Text, int64_t Line, int64_t Character,
                Encoding Enc);
/// The LSP character of byte column Column (0-based) on line Line
/// (0-based) of Text.
int64_t characterOf(const std::string &Text, int64_t Line, size_t Column,
                    Encoding Enc);
/// Line Line (0-based) of Text, without its line break; empty past the
/// end.
std::string lineOf(const std::string &Text, int64_t Line);

} // namespace lsp
} // namespace torchkc

#endif
