//===- Server.cpp - torch-keycheck lsp ------------------------------------===//
#include "Server.h"

#include "UnitAnalysis.h"

#include "../Driver.h"
#include "../PreambleCache.h"
#include "../TidyConfig.h"

#include "torch-keycheck/output/FindingsOutput.h"
#include "torch-keycheck/project/Project.h"
#include "torch-keycheck/support/Files.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/thread.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

using namespace llvm;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace torchkc {
namespace lsp {

namespace {

bool isHeader(const std::string &Path) {
  StringRef Ext = sys::path::extension(Path);
  return Ext == ".h" || Ext == ".hh" || Ext == ".hpp" || Ext == ".hxx" ||
         Ext == ".inl" || Ext == ".ipp" || Ext == ".tpp";
}

bool isIdentifierChar(char C) {
  return std::isalnum(static_cast<unsigned char>(C)) || C == '_';
}

/// The byte columns [Begin, End) of the token starting at Column (0-based)
/// on Line: an identifier, a string literal, or one character.
std::pair<size_t, size_t> tokenAt(const std::string &Line, size_t Column) {
  if (Column >= Line.size())
    return {Column, Column};
  size_t End = Column + 1;
  if (Line[Column] == '"') {
    while (End < Line.size() && Line[End] != '"')
      End += Line[End] == '\\' ? 2 : 1;
    End = std::min(End + 1, Line.size());
  } else if (isIdentifierChar(Line[Column])) {
    while (End < Line.size() && isIdentifierChar(Line[End]))
      ++End;
  }
  return {Column, End};
}

/// A document the client has open.
struct Document {
  std::string Uri;
  std::string Text;
  int64_t Version = 0;
};

/// A request answered from a unit's parse of the document's newest
/// version, once there is one.
struct Waiting {
  json Id;
  std::string Method;
  json Params;
  std::string Path;
  int64_t Version = 0;
};

/// A unit's last parse, and the versions of the open documents it read.
struct UnitState {
  std::shared_ptr<UnitSnapshot> Snapshot;
  std::map<std::string, int64_t> Versions;
};

class Server {
public:
  Server(Transport &T, const ServerOptions &Opts) : T(T), Opts(Opts) {}
  int run();

private:
  // The reading thread's handlers.
  void handle(const json &Message);
  void request(const json &Id, const std::string &Method, const json &Params);
  void notification(const std::string &Method, const json &Params);
  json initialize(const json &Params);
  void didOpen(const json &Params);
  void didChange(const json &Params);
  void didClose(const json &Params);
  void didSave(const json &Params);
  void watchedFilesChanged(const json &Params);
  void cancel(const json &Params);

  // Answers, under the lock.
  json hover(const Waiting &W);
  json codeActions(const Waiting &W);
  json inlayHints(const Waiting &W);
  json answer(const Waiting &W);
  /// Whether W can be answered now: its document's newest version has
  /// been parsed by every unit covering it (or none covers it).
  bool ready(const Waiting &W);
  void answerReady();

  // Units and their documents, under the lock.
  /// The units a change of Path affects: the open sources that read it,
  /// else Path's own unit when it is open.
  std::set<std::string> unitsReading(const std::string &Path);
  /// The units whose parses publish Path's findings.
  std::vector<const UnitState *> unitsCovering(const std::string &Path);
  void schedule(const std::set<std::string> &Units, unsigned DelayMs);
  void scheduleAll(unsigned DelayMs);
  std::string textOf(const std::string &Path);
  void publish(const std::set<std::string> &Files);
  json diagnostic(const Finding &F, Severity S, const std::string &Text);
  json range(const std::string &Text, const SourceLoc &L, size_t Length);

  // The worker.
  void work();
  clang::tooling::CompilationDatabase *databaseFor(const std::string &File);
  const cli::UnitConfig *configFor(const std::string &File,
                                   std::string &Error);
  void progress(const std::string &Unit, bool Begin, const std::string &Text);

  void log(int Level, int Type, const std::string &Message);
  void respond(const json &Id, const json &Result);
  void respondError(const json &Id, int Code, const std::string &Message);

  Transport &T;
  ServerOptions Opts;
  Encoding Enc = Encoding::UTF16;
  std::vector<std::string> Roots;
  // Read by the worker too (log, schedule).
  std::atomic<bool> Initialized{false}, ShutdownRequested{false};
  bool ClientProgress = false, ClientWatchRegistration = false;
  bool HintsOn = false;

  std::mutex M;
  std::condition_variable Wake;
  bool Stopping = false, WorkerDone = false;
  std::map<std::string, Document> Docs; // by path
  std::map<std::string, Clock::time_point> Queue;
  std::map<std::string, UnitState> Units;
  std::set<std::string> Published; // files with diagnostics shown
  std::vector<Waiting> Waiters;
  bool ReloadDatabases = false, ReloadConfig = false;
  std::string Busy; // the unit being parsed
  std::set<std::string> ParsedOnce;
  std::set<std::string> ProgressAcknowledged;
  int64_t NextServerId = 0;

  // The worker's own.
  std::map<std::string,
           std::shared_ptr<clang::tooling::CompilationDatabase>>
      Databases; // by directory searched
  std::unique_ptr<cli::TidyConfig> Configs;
  std::unique_ptr<cli::UnitConfig> DefaultConfig;
  std::optional<cli::PreambleCache> Preambles;
};

void Server::log(int Level, int Type, const std::string &Message) {
  if (Level > Opts.LogLevel)
    return;
  std::cerr << "torch-keycheck lsp: " << Message << "\n";
  // The client's log (window/logMessage) gets errors and warnings, and
  // the rest when it was asked for.
  if (Initialized && (Type <= 2 || Opts.LogLevel >= 1))
    T.send({{"jsonrpc", "2.0"},
            {"method", "window/logMessage"},
            {"params", {{"type", Type}, {"message", Message}}}});
}

void Server::respond(const json &Id, const json &Result) {
  T.send({{"jsonrpc", "2.0"}, {"id", Id}, {"result", Result}});
}

void Server::respondError(const json &Id, int Code,
                          const std::string &Message) {
  T.send({{"jsonrpc", "2.0"},
          {"id", Id},
          {"error", {{"code", Code}, {"message", Message}}}});
}

//===-- Reading ----------------------------------------------------------===//

int Server::run() {
  Preambles = cli::openPreambles();
  llvm::thread Worker(std::optional<unsigned>(8u << 20), [this] { work(); });
  int Code = 1;
  for (std::string Body, Error;;) {
    Transport::Read R = T.read(Body, Error);
    if (R == Transport::Read::End)
      break;
    if (R == Transport::Read::Broken) {
      log(0, 1, "the client's input is not the protocol's: " + Error);
      Code = 2;
      break;
    }
    json Message = json::parse(Body, nullptr, /*allow_exceptions=*/false);
    if (Message.is_discarded()) {
      respondError(nullptr, ParseError, "the message is not JSON");
      continue;
    }
    if (Message.is_object() && Message.value("method", "") == "exit") {
      Code = ShutdownRequested ? 0 : 1;
      break;
    }
    try {
      handle(Message);
    } catch (const json::exception &E) {
      // A field of the wrong type: the request is invalid, the server
      // goes on.
      if (Message.is_object() && Message.contains("id") &&
          Message.contains("method"))
        respondError(Message["id"], InvalidParams, E.what());
      else
        log(0, 1, std::string("ignored a malformed notification: ") +
                      E.what());
    }
  }
  {
    std::unique_lock<std::mutex> Lock(M);
    Stopping = true;
    Queue.clear();
    Wake.notify_all();
    // A parse under way ends within its time; one that does not is not
    // waited for.
    if (!Wake.wait_for(Lock, std::chrono::seconds(10),
                       [&] { return WorkerDone; })) {
      std::cerr.flush();
      std::_Exit(Code);
    }
  }
  Worker.join();
  return Code;
}

void Server::handle(const json &Message) {
  if (!Message.is_object() || Message.value("jsonrpc", "") != "2.0") {
    respondError(Message.is_object() && Message.contains("id")
                     ? Message["id"]
                     : json(nullptr),
                 InvalidRequest, "not a JSON-RPC 2.0 message");
    return;
  }
  if (!Message.contains("method")) {
    // A response to a request of ours.
    if (Message.contains("id") && Message["id"].is_string()) {
      std::lock_guard<std::mutex> Lock(M);
      ProgressAcknowledged.insert(Message["id"].get<std::string>());
      Wake.notify_all();
    }
    return;
  }
  std::string Method = Message["method"].get<std::string>();
  json Params = Message.value("params", json::object());
  if (Opts.LogLevel >= 2)
    log(2, 4, "<- " + Method);
  if (Message.contains("id"))
    request(Message["id"], Method, Params);
  else
    notification(Method, Params);
}

void Server::request(const json &Id, const std::string &Method,
                     const json &Params) {
  if (Method == "initialize") {
    if (Initialized)
      respondError(Id, InvalidRequest, "initialize was sent already");
    else
      respond(Id, initialize(Params));
    return;
  }
  if (!Initialized) {
    respondError(Id, ServerNotInitialized, "initialize first");
    return;
  }
  if (ShutdownRequested) {
    respondError(Id, InvalidRequest, "the server is shutting down");
    return;
  }
  if (Method == "shutdown") {
    ShutdownRequested = true;
    {
      std::lock_guard<std::mutex> Lock(M);
      Queue.clear();
    }
    respond(Id, nullptr);
    return;
  }
  if (Method == "textDocument/hover" || Method == "textDocument/codeAction" ||
      Method == "textDocument/inlayHint") {
    std::optional<std::string> Path =
        pathOfUri(Params.at("textDocument").at("uri").get<std::string>());
    Waiting W{Id, Method, Params, Path ? normalizedPath(*Path) : "", 0};
    std::lock_guard<std::mutex> Lock(M);
    auto Doc = Docs.find(W.Path);
    if (!Path || Doc == Docs.end()) {
      // Only open documents are served.
      respond(Id, Method == "textDocument/hover" ? json(nullptr)
                                                 : json::array());
      return;
    }
    W.Version = Doc->second.Version;
    if (ready(W))
      respond(Id, answer(W));
    else
      Waiters.push_back(std::move(W));
    return;
  }
  respondError(Id, MethodNotFound, "no method '" + Method + "'");
}

void Server::notification(const std::string &Method, const json &Params) {
  if (Method == "initialized") {
    if (ClientWatchRegistration) {
      // The files whose change changes findings without an edit.
      json Watchers = json::array();
      for (const char *Glob :
           {"**/compile_commands.json", "**/compile_flags.txt",
            "**/.clang-tidy", "**/.torch-keycheck.json", "**/*.pt",
            "**/*.pth", "**/*.bin", "**/*.ckpt", "**/*.safetensors",
            "**/*.json"})
        Watchers.push_back({{"globPattern", Glob}});
      T.send({{"jsonrpc", "2.0"},
              {"id", "torch-keycheck-watch"},
              {"method", "client/registerCapability"},
              {"params",
               {{"registrations",
                 {{{"id", "torch-keycheck-watched-files"},
                   {"method", "workspace/didChangeWatchedFiles"},
                   {"registerOptions", {{"watchers", Watchers}}}}}}}}});
    }
    return;
  }
  if (!Initialized)
    return;
  if (Method == "textDocument/didOpen")
    didOpen(Params);
  else if (Method == "textDocument/didChange")
    didChange(Params);
  else if (Method == "textDocument/didClose")
    didClose(Params);
  else if (Method == "textDocument/didSave")
    didSave(Params);
  else if (Method == "workspace/didChangeWatchedFiles")
    watchedFilesChanged(Params);
  else if (Method == "$/cancelRequest")
    cancel(Params);
  // Others ($/setTrace, workspace/didChangeConfiguration, ...) change
  // nothing here.
}

json Server::initialize(const json &Params) {
  Initialized = true;
  const json Caps = Params.value("capabilities", json::object());
  // UTF-8 positions when the client takes them: no conversion, and what
  // compilers count.
  json Encodings = Caps.value("general", json::object())
                       .value("positionEncodings", json::array());
  for (const json &E : Encodings)
    if (E == "utf-8")
      Enc = Encoding::UTF8;
  ClientProgress =
      Caps.value("window", json::object()).value("workDoneProgress", false);
  ClientWatchRegistration = Caps.value("workspace", json::object())
                                .value("didChangeWatchedFiles", json::object())
                                .value("dynamicRegistration", false);
  // The workspace's folders bound the files findings are published for.
  auto AddRoot = [&](const json &Uri) {
    if (!Uri.is_string())
      return;
    if (std::optional<std::string> P = pathOfUri(Uri.get<std::string>()))
      Roots.push_back(normalizedPath(*P));
  };
  if (Params.contains("workspaceFolders") &&
      Params["workspaceFolders"].is_array())
    for (const json &F : Params["workspaceFolders"])
      AddRoot(F.value("uri", json()));
  if (Roots.empty() && Params.contains("rootUri"))
    AddRoot(Params["rootUri"]);
  if (Roots.empty() && Params.contains("rootPath") &&
      Params["rootPath"].is_string())
    Roots.push_back(normalizedPath(Params["rootPath"].get<std::string>()));
  json Init = Params.value("initializationOptions", json::object());
  HintsOn = Opts.InlayHints ||
            (Init.is_object() && Init.value("inlayHints", false));
  std::string EncodingName = Enc == Encoding::UTF8 ? "utf-8" : "utf-16";
  return {
      {"capabilities",
       {{"positionEncoding", EncodingName},
        {"textDocumentSync",
         {{"openClose", true},
          {"change", 2}, // incremental
          {"save", {{"includeText", false}}}}},
        {"hoverProvider", true},
        {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
        {"inlayHintProvider", HintsOn}}},
      {"serverInfo",
       {{"name", "torch-keycheck"}, {"version", TORCHKC_VERSION}}}};
}

std::string documentPath(const json &Params) {
  std::optional<std::string> P =
      pathOfUri(Params.at("textDocument").at("uri").get<std::string>());
  return P ? normalizedPath(*P) : "";
}

void Server::didOpen(const json &Params) {
  const json &TD = Params.at("textDocument");
  std::string Path = documentPath(Params);
  if (Path.empty())
    return;
  std::lock_guard<std::mutex> Lock(M);
  Document &D = Docs[Path];
  D.Uri = TD.at("uri").get<std::string>();
  D.Text = TD.at("text").get<std::string>();
  D.Version = TD.value("version", int64_t(0));
  std::set<std::string> Affected = unitsReading(Path);
  // A file the open sources read as it is on the disk needs no parse:
  // their findings in it are shown at once.
  if (!Affected.count(Path)) {
    std::string OnDisk;
    try {
      OnDisk = readRegularFile(Path, uint64_t(64) << 20);
    } catch (const FileError &) {
      OnDisk = "\n<unreadable>";
    }
    if (OnDisk == D.Text) {
      for (const std::string &U : Affected)
        if (!Queue.count(U) && Busy != U)
          Units[U].Versions[Path] = D.Version;
      publish({Path});
      Affected.clear();
      for (const std::string &U : unitsReading(Path))
        if (Queue.count(U) || Busy == U || !Units[U].Versions.count(Path))
          Affected.insert(U);
    }
  }
  schedule(Affected, 0);
}

void Server::didChange(const json &Params) {
  std::string Path = documentPath(Params);
  std::lock_guard<std::mutex> Lock(M);
  auto It = Docs.find(Path);
  if (It == Docs.end())
    return;
  Document &D = It->second;
  for (const json &C : Params.at("contentChanges")) {
    if (!C.contains("range")) {
      D.Text = C.at("text").get<std::string>();
      continue;
    }
    const json &R = C.at("range");
    size_t B = offsetOf(D.Text, R.at("start").at("line").get<int64_t>(),
                        R.at("start").at("character").get<int64_t>(), Enc);
    size_t E = offsetOf(D.Text, R.at("end").at("line").get<int64_t>(),
                        R.at("end").at("character").get<int64_t>(), Enc);
    if (E < B)
      std::swap(B, E);
    D.Text.replace(B, E - B, C.at("text").get<std::string>());
  }
  D.Version = Params.at("textDocument").value("version", D.Version + 1);
  schedule(unitsReading(Path), Opts.DebounceMs);
}

void Server::didSave(const json &Params) {
  std::string Path = documentPath(Params);
  std::lock_guard<std::mutex> Lock(M);
  schedule(unitsReading(Path), 0);
}

void Server::didClose(const json &Params) {
  std::string Path = documentPath(Params);
  std::lock_guard<std::mutex> Lock(M);
  auto It = Docs.find(Path);
  if (It == Docs.end())
    return;
  // The units that read its unsaved text read the disk again.
  std::set<std::string> Readers = unitsReading(Path);
  Readers.erase(Path);
  Docs.erase(It);
  std::set<std::string> Files;
  if (auto U = Units.find(Path); U != Units.end()) {
    Files = U->second.Snapshot->Files;
    Units.erase(U);
  }
  Queue.erase(Path);
  Files.insert(Path);
  publish(Files);
  schedule(Readers, 0);
}

void Server::watchedFilesChanged(const json &Params) {
  std::lock_guard<std::mutex> Lock(M);
  std::set<std::string> Affected;
  bool All = false;
  for (const json &C : Params.at("changes")) {
    std::optional<std::string> P = pathOfUri(C.at("uri").get<std::string>());
    if (!P)
      continue;
    std::string Path = normalizedPath(*P);
    StringRef Name = sys::path::filename(Path);
    if (Name == "compile_commands.json" || Name == "compile_flags.txt") {
      ReloadDatabases = true;
      All = true;
    } else if (Name == ".clang-tidy") {
      ReloadConfig = true;
      All = true;
    } else if (Name == ProjectFileName) {
      All = true; // a project file that appears covers units it did not
    }
    for (const auto &[Unit, State] : Units)
      if (State.Snapshot->DependsOn.count(Path))
        Affected.insert(Unit);
  }
  if (All)
    scheduleAll(0);
  else
    schedule(Affected, 0);
}

void Server::cancel(const json &Params) {
  json Id = Params.at("id");
  std::lock_guard<std::mutex> Lock(M);
  for (auto It = Waiters.begin(); It != Waiters.end(); ++It)
    if (It->Id == Id) {
      respondError(Id, RequestCancelled, "cancelled");
      Waiters.erase(It);
      return;
    }
}

//===-- Units ------------------------------------------------------------===//

std::set<std::string> Server::unitsReading(const std::string &Path) {
  std::set<std::string> Result;
  for (const auto &[Unit, State] : Units)
    if (Unit != Path && !isHeader(Unit) &&
        State.Snapshot->DependsOn.count(Path) && Docs.count(Unit))
      Result.insert(Unit);
  // A source is its own unit; a header is, while no open source reads it.
  if (Docs.count(Path) && (!isHeader(Path) || Result.empty()))
    Result.insert(Path);
  return Result;
}

std::vector<const UnitState *>
Server::unitsCovering(const std::string &Path) {
  std::vector<const UnitState *> Result;
  for (const auto &[Unit, State] : Units)
    if (State.Snapshot->Files.count(Path))
      Result.push_back(&State);
  return Result;
}

void Server::schedule(const std::set<std::string> &UnitsToParse,
                      unsigned DelayMs) {
  if (ShutdownRequested)
    return;
  Clock::time_point Due = Clock::now() + std::chrono::milliseconds(DelayMs);
  for (const std::string &U : UnitsToParse)
    Queue[U] = Due; // a newer version supersedes the one waiting
  Wake.notify_all();
}

void Server::scheduleAll(unsigned DelayMs) {
  std::set<std::string> All;
  for (const auto &[Path, D] : Docs)
    for (const std::string &U : unitsReading(Path))
      All.insert(U);
  schedule(All, DelayMs);
}

std::string Server::textOf(const std::string &Path) {
  if (auto It = Docs.find(Path); It != Docs.end())
    return It->second.Text;
  try {
    return readRegularFile(Path, uint64_t(64) << 20);
  } catch (const FileError &) {
    return "";
  }
}

json Server::range(const std::string &Text, const SourceLoc &L,
                   size_t Length) {
  int64_t Line = L.Line ? int64_t(L.Line) - 1 : 0;
  size_t Column = L.Column ? L.Column - 1 : 0;
  std::string LineText = lineOf(Text, Line);
  size_t End = Column + Length;
  if (Length == 0)
    End = tokenAt(LineText, Column).second;
  return {{"start",
           {{"line", Line},
            {"character", characterOf(Text, Line, Column, Enc)}}},
          {"end",
           {{"line", Line}, {"character", characterOf(Text, Line, End, Enc)}}}};
}

json Server::diagnostic(const Finding &F, Severity S,
                        const std::string &Text) {
  json D = {{"range", range(Text, F.Loc, 0)},
            {"severity", S == Severity::Error     ? 1
                         : S == Severity::Warning ? 2
                                                  : 3},
            {"code", checkName(F.Check)},
            {"codeDescription",
             {{"href", checkHelpUri(F.Check, TORCHKC_VERSION)}}},
            {"source", "torch-keycheck"},
            {"message", F.Message}};
  json Related = json::array();
  for (const Note &N : F.Notes) {
    if (!N.Loc.valid())
      continue;
    std::string NoteFile = N.Loc.File.str();
    Related.push_back(
        {{"location",
          {{"uri", uriOfPath(NoteFile)},
           {"range", range(NoteFile == F.Loc.File.str() ? Text
                                                        : textOf(NoteFile),
                           N.Loc, 0)}}},
         {"message", N.Message}});
  }
  if (!Related.empty())
    D["relatedInformation"] = Related;
  return D;
}

void Server::publish(const std::set<std::string> &Files) {
  for (const std::string &File : Files) {
    std::string Text = textOf(File);
    json Diagnostics = json::array();
    std::set<std::tuple<CheckId, std::string, std::string>> Seen;
    // Of the units that read an edited file, those that read its newest
    // text: another's findings there are of text no longer in the editor.
    std::optional<int64_t> Version;
    std::vector<const UnitState *> Covering = unitsCovering(File);
    for (const UnitState *U : Covering)
      if (auto V = U->Versions.find(File); V != U->Versions.end())
        Version = std::max(Version.value_or(V->second), V->second);
    for (const UnitState *U : Covering) {
      auto V = U->Versions.find(File);
      if (Version && (V == U->Versions.end() || V->second != *Version))
        continue;
      for (const auto &[F, S] : U->Snapshot->Findings)
        if (F.Loc.File.str() == File &&
            Seen.insert({F.Check, F.Loc.str(), F.Message}).second)
          Diagnostics.push_back(diagnostic(F, S, Text));
    }
    // A project file, golden or checkpoint at fault.
    for (const auto &[Unit, State] : Units) {
      const UnitSnapshot &S = *State.Snapshot;
      if (S.ProjectErrorLoc.valid() && S.ProjectErrorLoc.File.str() == File &&
          Seen.insert({CheckId::ProjectError, S.ProjectErrorLoc.str(),
                       S.ProjectError})
              .second) {
        Finding F(CheckId::ProjectError, S.ProjectErrorLoc, S.ProjectError);
        Diagnostics.push_back(diagnostic(F, Severity::Error, Text));
      }
    }
    // An open document always hears its result, none or not; another
    // file only to clear what it was shown.
    if (Diagnostics.empty() && !Published.count(File) && !Docs.count(File))
      continue;
    if (Diagnostics.empty())
      Published.erase(File);
    else
      Published.insert(File);
    json Params = {{"uri", uriOfPath(File)}, {"diagnostics", Diagnostics}};
    if (auto D = Docs.find(File); D != Docs.end()) {
      Params["uri"] = D->second.Uri; // the client's own spelling
      if (Version)
        Params["version"] = *Version;
    }
    T.send({{"jsonrpc", "2.0"},
            {"method", "textDocument/publishDiagnostics"},
            {"params", Params}});
  }
}

//===-- Answers ----------------------------------------------------------===//

bool Server::ready(const Waiting &W) {
  if (Queue.count(W.Path) || Busy == W.Path)
    return false;
  for (const std::string &U : unitsReading(W.Path)) {
    if (Queue.count(U) || Busy == U)
      return false;
    auto It = Units.find(U);
    if (It == Units.end())
      return false;
    auto V = It->second.Versions.find(W.Path);
    if (V == It->second.Versions.end() || V->second < W.Version)
      return false;
  }
  return true;
}

void Server::answerReady() {
  for (auto It = Waiters.begin(); It != Waiters.end();) {
    if (ready(*It)) {
      respond(It->Id, answer(*It));
      It = Waiters.erase(It);
    } else {
      ++It;
    }
  }
}

json Server::answer(const Waiting &W) {
  // Closed while the request waited.
  if (!Docs.count(W.Path))
    return W.Method == "textDocument/hover" ? json(nullptr) : json::array();
  if (W.Method == "textDocument/hover")
    return hover(W);
  if (W.Method == "textDocument/codeAction")
    return codeActions(W);
  return inlayHints(W);
}

json Server::hover(const Waiting &W) {
  const std::string &Text = Docs[W.Path].Text;
  int64_t Line = W.Params.at("position").at("line").get<int64_t>();
  size_t Offset =
      offsetOf(Text, Line, W.Params.at("position").at("character"), Enc);
  // The identifier under the cursor, qualified (`net::Net`) or not.
  size_t B = Offset, E = Offset;
  auto Qualified = [&](size_t I) {
    return isIdentifierChar(Text[I]) ||
           (Text[I] == ':' && ((I + 1 < Text.size() && Text[I + 1] == ':') ||
                               (I > 0 && Text[I - 1] == ':')));
  };
  while (B > 0 && Qualified(B - 1))
    --B;
  while (E < Text.size() && Qualified(E))
    ++E;
  std::string Word = Text.substr(B, E - B);
  size_t LineStart = offsetOf(Text, Line, 0, Enc);
  auto WordRange = [&](size_t From, size_t To) {
    return json{{"start",
                 {{"line", Line},
                  {"character", characterOf(Text, Line, From - LineStart,
                                            Enc)}}},
                {"end",
                 {{"line", Line},
                  {"character",
                   characterOf(Text, Line, To - LineStart, Enc)}}}};
  };
  std::vector<const UnitState *> Covering = unitsCovering(W.Path);
  for (const UnitState *U : Covering) {
    const auto &Classes = U->Snapshot->ClassHover;
    for (std::string Name = Word; !Name.empty();) {
      if (auto It = Classes.find(Name); It != Classes.end())
        return {{"contents", {{"kind", "markdown"}, {"value", It->second}}},
                {"range", WordRange(B, E)}};
      size_t At = Name.find("::");
      Name = At == std::string::npos ? "" : Name.substr(At + 2);
    }
  }
  // The register_* call or torch::load nearest before the cursor on its
  // line.
  const HoverEntry *Best = nullptr;
  size_t Column = Offset - LineStart + 1;
  for (const UnitState *U : Covering)
    for (const HoverEntry &H : U->Snapshot->SiteHover)
      if (H.Loc.File.str() == W.Path && int64_t(H.Loc.Line) == Line + 1 &&
          H.Loc.Column <= Column && (!Best || H.Loc.Column > Best->Loc.Column))
        Best = &H;
  if (!Best)
    return nullptr;
  return {{"contents", {{"kind", "markdown"}, {"value", Best->Markdown}}},
          {"range", WordRange(B, E)}};
}

json Server::inlayHints(const Waiting &W) {
  json Hints = json::array();
  if (!HintsOn)
    return Hints;
  const std::string &Text = Docs[W.Path].Text;
  int64_t First = W.Params.at("range").at("start").at("line");
  int64_t Last = W.Params.at("range").at("end").at("line");
  // In source order, once per place.
  std::map<std::pair<unsigned, unsigned>, std::string> ByPlace;
  for (const UnitState *U : unitsCovering(W.Path))
    for (const InlayHintEntry &H : U->Snapshot->Hints) {
      int64_t Line = int64_t(H.Loc.Line) - 1;
      if (H.Loc.File.str() == W.Path && Line >= First && Line <= Last)
        ByPlace.emplace(std::make_pair(H.Loc.Line, H.Loc.Column), H.Label);
    }
  for (const auto &[Place, Label] : ByPlace) {
    int64_t Line = int64_t(Place.first) - 1;
    Hints.push_back(
        {{"position",
          {{"line", Line},
           {"character", characterOf(Text, Line, Place.second - 1, Enc)}}},
         {"label", Label},
         {"paddingRight", true}});
  }
  return Hints;
}

json Server::codeActions(const Waiting &W) {
  json Actions = json::array();
  const std::string &Text = Docs[W.Path].Text;
  int64_t First = W.Params.at("range").at("start").at("line");
  int64_t Last = W.Params.at("range").at("end").at("line");
  std::set<std::tuple<CheckId, std::string, std::string>> Seen;
  std::set<std::pair<CheckId, unsigned>> Suppressions;
  for (const UnitState *U : unitsCovering(W.Path))
    for (const auto &[F, S] : U->Snapshot->Findings) {
      int64_t Line = int64_t(F.Loc.Line) - 1;
      if (F.Loc.File.str() != W.Path || Line < First || Line > Last ||
          !Seen.insert({F.Check, F.Loc.str(), F.Message}).second)
        continue;
      json Diag = diagnostic(F, S, Text);
      if (!F.Fixes.empty()) {
        // All of a finding's fix-its together, as clang-tidy applies them.
        json Changes = json::object();
        std::string Title;
        for (const FixIt &X : F.Fixes) {
          if (!X.Loc.valid())
            continue;
          std::string File = X.Loc.File.str();
          std::string FileText = File == W.Path ? Text : textOf(File);
          std::string Uri = uriOfPath(File);
          if (auto D = Docs.find(File); D != Docs.end())
            Uri = D->second.Uri;
          Changes[Uri].push_back({{"range", range(FileText, X.Loc, 0)},
                                  {"newText", X.Replacement}});
          // The edit's range covers exactly the replaced bytes.
          json &Edit = Changes[Uri].back();
          Edit["range"] = range(FileText, X.Loc, X.Length);
          if (X.Length == 0)
            Edit["range"]["end"] = Edit["range"]["start"];
          if (Title.empty()) {
            size_t Off = byteOffsetIn(FileText, X.Loc.Line, X.Loc.Column);
            std::string Old = Off == std::string::npos
                                  ? ""
                                  : FileText.substr(Off, X.Length);
            Title = X.Length ? "replace '" + Old + "' with '" +
                                   X.Replacement + "'"
                             : "insert '" + X.Replacement + "'";
          }
        }
        if (!Changes.empty())
          Actions.push_back({{"title", "Fix [" + std::string(checkName(
                                                     F.Check)) +
                                           "]: " + Title},
                             {"kind", "quickfix"},
                             {"diagnostics", {Diag}},
                             {"isPreferred", true},
                             {"edit", {{"changes", Changes}}}});
      }
      // NOLINT(check) on the finding's line, once per check and line.
      if (!Suppressions.insert({F.Check, F.Loc.Line}).second)
        continue;
      std::string LineText = lineOf(Text, Line);
      std::string Check = checkName(F.Check);
      size_t Open = LineText.find("NOLINT(");
      size_t Close = Open == std::string::npos
                         ? std::string::npos
                         : LineText.find(')', Open);
      size_t At;
      std::string Insert;
      if (Close != std::string::npos) {
        At = Close;
        Insert = ", " + Check;
      } else {
        At = LineText.size();
        Insert = "  // NOLINT(" + Check + ")";
      }
      int64_t Char = characterOf(Text, Line, At, Enc);
      json Pos = {{"line", Line}, {"character", Char}};
      json Changes = json::object();
      Changes[Docs[W.Path].Uri] = json::array(
          {{{"range", {{"start", Pos}, {"end", Pos}}}, {"newText", Insert}}});
      Actions.push_back(
          {{"title", "Suppress [" + Check + "] on this line (NOLINT)"},
           {"kind", "quickfix"},
           {"diagnostics", {Diag}},
           {"edit", {{"changes", Changes}}}});
    }
  return Actions;
}

//===-- The worker -------------------------------------------------------===//

clang::tooling::CompilationDatabase *
Server::databaseFor(const std::string &File) {
  using namespace clang::tooling;
  auto Load = [&](const std::string &Dir)
      -> std::shared_ptr<CompilationDatabase> {
    for (const char *Name : {"compile_commands.json", "compile_flags.txt"}) {
      std::string Path = Dir + "/" + Name;
      if (!sys::fs::exists(Path))
        continue;
      if (std::string Problem = regularFileProblem(Path); !Problem.empty()) {
        log(0, 1, Path + ": " + Problem);
        return nullptr;
      }
    }
    std::string Error;
    std::unique_ptr<CompilationDatabase> DB =
        CompilationDatabase::loadFromDirectory(Dir, Error);
    if (!DB) {
      log(0, 1, Dir + ": " + Error);
      return nullptr;
    }
    log(1, 3, "compile commands from " + Dir);
    // Headers and new files get a neighbour's flags, as clangd gives them.
    return inferMissingCompileCommands(std::move(DB));
  };
  std::string Found;
  if (!Opts.CompileCommandsDir.empty()) {
    Found = normalizedPath(Opts.CompileCommandsDir);
  } else {
    for (StringRef Dir = sys::path::parent_path(File); !Dir.empty();
         Dir = sys::path::parent_path(Dir)) {
      for (std::string Candidate : {Dir.str(), Dir.str() + "/build"})
        if (sys::fs::exists(Candidate + "/compile_commands.json") ||
            (Candidate == Dir && sys::fs::exists(Candidate +
                                                 "/compile_flags.txt"))) {
          Found = Candidate;
          break;
        }
      if (!Found.empty())
        break;
    }
  }
  auto It = Databases.find(Found);
  if (It == Databases.end()) {
    std::shared_ptr<CompilationDatabase> DB;
    if (!Found.empty())
      DB = Load(Found);
    if (!DB) {
      // As the CLI without a database: C++17 and LibTorch's headers.
      std::vector<std::string> Flags = {"-std=c++17"};
      SmallVector<StringRef, 4> Dirs;
      StringRef(TORCHKC_LIBTORCH_INCLUDE_DIRS).split(Dirs, ';', -1, false);
      for (StringRef Dir : Dirs)
        Flags.push_back("-isystem" + Dir.str());
      DB = std::make_shared<FixedCompilationDatabase>(
          sys::path::parent_path(File).str(), Flags);
      if (Found.empty())
        log(1, 3,
            "no compile_commands.json above " + File +
                ": C++17 with LibTorch's headers");
    }
    It = Databases.emplace(Found, DB).first;
  }
  return It->second.get();
}

const cli::UnitConfig *Server::configFor(const std::string &File,
                                         std::string &Error) {
  // The .clang-tidy files as the CLI reads them with no flag given.
  if (!Configs)
    Configs = cli::TidyConfig::fromCommandLine();
  if (Configs)
    if (const cli::UnitConfig *C = Configs->forFile(File))
      return C;
  Error = Configs ? Configs->lastError() : "the configuration is unusable";
  if (!DefaultConfig) {
    DefaultConfig = std::make_unique<cli::UnitConfig>();
    DefaultConfig->Enabled = CheckFilter("torch-*");
    DefaultConfig->Shows.parse(std::nullopt, "", std::nullopt, "");
  }
  return DefaultConfig.get();
}

void Server::progress(const std::string &Unit, bool Begin,
                      const std::string &Text) {
  if (!ClientProgress)
    return;
  std::string Token = "torch-keycheck/parse/" + Unit;
  if (Begin) {
    std::string Id = "torch-keycheck-progress-" + std::to_string(++NextServerId);
    T.send({{"jsonrpc", "2.0"},
            {"id", Id},
            {"method", "window/workDoneProgress/create"},
            {"params", {{"token", Token}}}});
    // Progress goes out once the client has the token.
    std::unique_lock<std::mutex> Lock(M);
    if (!Wake.wait_for(Lock, std::chrono::seconds(2), [&] {
          return ProgressAcknowledged.count(Id) || Stopping;
        }))
      return;
    ProgressAcknowledged.insert(Token);
    Lock.unlock();
    T.send({{"jsonrpc", "2.0"},
            {"method", "$/progress"},
            {"params",
             {{"token", Token},
              {"value",
               {{"kind", "begin"},
                {"title", "torch-keycheck"},
                {"message", Text},
                {"cancellable", false}}}}}});
    return;
  }
  {
    std::lock_guard<std::mutex> Lock(M);
    if (!ProgressAcknowledged.erase(Token))
      return;
  }
  T.send({{"jsonrpc", "2.0"},
          {"method", "$/progress"},
          {"params",
           {{"token", Token}, {"value", {{"kind", "end"}, {"message", Text}}}}}});
}

void Server::work() {
  for (;;) {
    UnitRequest Req;
    std::map<std::string, int64_t> Versions;
    std::string Unit;
    bool First = false;
    {
      std::unique_lock<std::mutex> Lock(M);
      for (;;) {
        if (Stopping) {
          WorkerDone = true;
          Wake.notify_all();
          return;
        }
        // Sources before headers: a header an open source reads is
        // covered by that source's parse.
        auto Next = std::min_element(
            Queue.begin(), Queue.end(), [](const auto &A, const auto &B) {
              return std::make_pair(isHeader(A.first), A.second) <
                     std::make_pair(isHeader(B.first), B.second);
            });
        if (Next == Queue.end()) {
          Wake.wait(Lock);
          continue;
        }
        if (Next->second > Clock::now()) {
          Wake.wait_until(Lock, Next->second);
          continue;
        }
        Unit = Next->first;
        Queue.erase(Next);
        break;
      }
      if (!Docs.count(Unit))
        continue; // closed since
      if (isHeader(Unit) && !unitsReading(Unit).count(Unit))
        continue; // an open source's parse covers it now
      Busy = Unit;
      if (ReloadDatabases) {
        Databases.clear();
        ReloadDatabases = false;
      }
      if (ReloadConfig) {
        Configs.reset();
        ReloadConfig = false;
      }
      // The unsaved buffers: those that differ from the disk.
      for (const auto &[Path, D] : Docs) {
        Versions[Path] = D.Version;
        std::string OnDisk;
        try {
          OnDisk = readRegularFile(Path, uint64_t(64) << 20);
        } catch (const FileError &) {
          OnDisk.clear();
        }
        if (OnDisk != D.Text || !sys::fs::exists(Path))
          Req.Buffers[Path] = D.Text;
      }
      First = ParsedOnce.insert(Unit).second;
      Req.Roots = Roots;
    }
    Req.File = Unit;
    std::string ConfigError;
    Req.Config = configFor(Unit, ConfigError);
    Req.DB = databaseFor(Unit);
    Req.Preambles = Preambles ? &*Preambles : nullptr;
    std::string Name = sys::path::filename(Unit).str();
    if (First)
      progress(Unit, true, "parsing " + Name);
    std::shared_ptr<UnitSnapshot> S;
    try {
      S = analyseUnit(Req);
    } catch (const std::exception &E) {
      // What the analysis could not survive ends this parse, not the
      // server: the unit keeps its last result.
      log(0, 1, Name + ": the analysis stopped: " + E.what());
      if (First)
        progress(Unit, false, Name + ": the analysis stopped");
      std::lock_guard<std::mutex> Lock(M);
      Busy.clear();
      if (!Units.count(Unit)) {
        Units[Unit].Snapshot = std::make_shared<UnitSnapshot>();
        Units[Unit].Snapshot->File = Unit;
      }
      Units[Unit].Versions = Versions;
      answerReady();
      continue;
    }
    if (!ConfigError.empty()) {
      // A .clang-tidy that does not parse is a diagnostic on it.
      StringRef Text = ConfigError;
      Text.consume_front("invalid configuration: ");
      S->ProjectError = Text.str();
      size_t Colon = Text.find(':');
      std::string File = Text.take_front(Colon).str();
      unsigned Line = 1, Column = 1;
      StringRef Rest = Text.drop_front(Colon + 1);
      if (!Rest.consumeInteger(10, Line) && Rest.consume_front(":"))
        Rest.consumeInteger(10, Column);
      if (sys::fs::exists(File)) {
        S->ProjectErrorLoc.File = normalizedPath(File);
        S->ProjectErrorLoc.Line = Line ? Line : 1;
        S->ProjectErrorLoc.Column = Column ? Column : 1;
      }
      log(0, 1, ConfigError);
    }
    std::string Summary =
        Name + ": " + std::to_string(S->Findings.size()) + " findings in " +
        std::to_string(int(S->Seconds * 1000)) + " ms" +
        (S->UsedPCH ? " (PCH)" : "");
    if (First)
      progress(Unit, false, Summary);
    log(1, 4, "parsed " + Summary);
    if (!S->Compiled)
      log(0, 2,
          Name + " did not compile cleanly; its findings may be "
                 "incomplete:\n" +
              S->CompilerErrors.substr(0, 2000));
    std::lock_guard<std::mutex> Lock(M);
    Busy.clear();
    if (!Docs.count(Unit))
      continue; // closed while parsed
    UnitState &State = Units[Unit];
    std::set<std::string> Files;
    if (State.Snapshot)
      Files = State.Snapshot->Files;
    for (const std::string &F : S->Files)
      Files.insert(F);
    if (S->ProjectErrorLoc.valid())
      Files.insert(S->ProjectErrorLoc.File.str());
    if (State.Snapshot && State.Snapshot->ProjectErrorLoc.valid())
      Files.insert(State.Snapshot->ProjectErrorLoc.File.str());
    State.Snapshot = S;
    State.Versions = Versions;
    // A header parsed alone gives way to the open sources that read it.
    if (!isHeader(Unit))
      for (const std::string &F : S->DependsOn)
        if (F != Unit && isHeader(F) && Units.count(F) && Docs.count(F)) {
          Units.erase(F);
          Queue.erase(F);
        }
    // A newer version waiting supersedes this parse's publication. The
    // unit's own file goes last: a client that has it has the rest.
    if (!Queue.count(Unit)) {
      Files.erase(Unit);
      publish(Files);
      publish({Unit});
    }
    answerReady();
  }
}

} // namespace

int serve(Transport &T, const ServerOptions &Opts) {
  Server S(T, Opts);
  return S.run();
}

} // namespace lsp
} // namespace torchkc
