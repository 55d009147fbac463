//===- ResultCache.cpp - Per-translation-unit results by content ----------===//
#include "torch-keycheck/cache/ResultCache.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

namespace torchkc {

using Json = nlohmann::json;

namespace {

std::string hex(uint64_t V) {
  char Buf[17];
  snprintf(Buf, sizeof Buf, "%016llx", (unsigned long long)V);
  return Buf;
}

Json locJson(const SourceLoc &L) { return {L.File.str(), L.Line, L.Column}; }

SourceLoc locFromJson(const Json &J) {
  return {J.at(0).get<std::string>(), J.at(1).get<unsigned>(),
          J.at(2).get<unsigned>()};
}

} // namespace

std::string ResultCache::defaultDir() {
  if (auto Dir = llvm::sys::Process::GetEnv("TORCH_KEYCHECK_CACHE_DIR"))
    return *Dir;
  llvm::SmallString<256> P;
  if (auto Xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
      Xdg && !Xdg->empty())
    P = *Xdg;
  else if (auto Home = llvm::sys::Process::GetEnv("HOME");
           Home && !Home->empty())
    llvm::sys::path::append(P, *Home, ".cache");
  else
    return "";
  llvm::sys::path::append(P, "torch-keycheck");
  return std::string(P);
}

std::string ResultCache::fileDigest(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!Buf) {
    // A directory that appears (an include directory created after a run)
    // or a file that cannot be read differs from nothing there.
    llvm::sys::fs::file_status St;
    if (llvm::sys::fs::status(Path, St))
      return "absent";
    return llvm::sys::fs::is_directory(St) ? "directory" : "unreadable";
  }
  return hex(llvm::xxh3_64bits((*Buf)->getBuffer()));
}

std::string ResultCache::textDigest(const std::string &Text) {
  return hex(llvm::xxh3_64bits(Text));
}

std::string ResultCache::entryPath(const std::string &Key) const {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, textDigest(Key) + ".json");
  return std::string(P);
}

std::optional<std::string> ResultCache::lookup(const std::string &Key) const {
  if (Dir.empty())
    return std::nullopt;
  auto Buf = llvm::MemoryBuffer::getFile(entryPath(Key));
  if (!Buf)
    return std::nullopt;
  Json Entry = Json::parse((*Buf)->getBuffer().begin(),
                           (*Buf)->getBuffer().end(), nullptr,
                           /*allow_exceptions=*/false);
  // A damaged or foreign entry, one whose fields have other types, or
  // another key with the same hash, is a miss.
  if (!Entry.is_object() || !Entry.contains("version") ||
      Entry["version"] != 1 || !Entry.contains("key") || Entry["key"] != Key ||
      !Entry.contains("files") || !Entry["files"].is_object() ||
      !Entry.contains("result") || !Entry["result"].is_string())
    return std::nullopt;
  for (const auto &[Path, Digest] : Entry["files"].items())
    if (!Digest.is_string() || fileDigest(Path) != Digest.get<std::string>())
      return std::nullopt;
  return Entry["result"].get<std::string>();
}

bool ResultCache::store(const std::string &Key,
                        const std::vector<std::string> &DependsOn,
                        const std::string &Result) const {
  if (Dir.empty() || llvm::sys::fs::create_directories(Dir))
    return false;
  Json Files = Json::object();
  for (const std::string &F : DependsOn)
    Files[F] = fileDigest(F);
  Json Entry = {
      {"version", 1}, {"key", Key}, {"files", Files}, {"result", Result}};
  // Written aside and renamed: a concurrent run sees the old entry or the
  // new one, never half of one.
  std::string Path = entryPath(Key);
  llvm::SmallString<256> Tmp;
  int FD;
  if (llvm::sys::fs::createUniqueFile(Path + ".tmp-%%%%%%", FD, Tmp))
    return false;
  {
    // Closed before the error is read: a write error (a full disk) shows
    // only at the flush, and one left for the destructor ends the process
    // ("LLVM ERROR: IO failure on output stream"), losing every finding.
    // The cache is an optimisation: a failed write is no entry.
    llvm::raw_fd_ostream Out(FD, /*shouldClose=*/true);
    Out << dumpJson(Entry);
    Out.close();
    if (Out.has_error()) {
      Out.clear_error();
      llvm::sys::fs::remove(Tmp);
      return false;
    }
  }
  if (llvm::sys::fs::rename(Tmp, Path)) {
    llvm::sys::fs::remove(Tmp);
    return false;
  }
  return true;
}

std::string findingsToCacheJson(const std::vector<Finding> &Fs) {
  Json A = Json::array();
  for (const Finding &F : Fs) {
    Json Notes = Json::array(), Fixes = Json::array(), Config = Json::array();
    for (const Note &N : F.Notes)
      Notes.push_back({locJson(N.Loc), N.Message});
    for (const FixIt &X : F.Fixes)
      Fixes.push_back({locJson(X.Loc), X.Length, X.Replacement});
    for (const auto &[Name, Value] : F.Configuration)
      Config.push_back({Name, Value});
    A.push_back({{"check", checkName(F.Check)},
                 {"level", int(F.Level)},
                 {"loc", locJson(F.Loc)},
                 {"message", F.Message},
                 {"notes", Notes},
                 {"fixes", Fixes},
                 {"keys", F.Keys},
                 {"configuration", Config}});
  }
  return dumpJson(A);
}

std::vector<Finding> findingsFromCacheJson(const std::string &Text) {
  std::vector<Finding> Fs;
  for (const Json &J : Json::parse(Text)) {
    Finding F;
    std::optional<CheckId> Check = checkNamed(J.at("check").get<std::string>());
    if (!Check)
      continue; // not this analyzer's (entries are keyed by its build)
    F.Check = *Check;
    F.Level = Severity(J.at("level").get<int>());
    F.Loc = locFromJson(J.at("loc"));
    F.Message = J.at("message").get<std::string>();
    for (const Json &N : J.at("notes"))
      F.Notes.push_back({locFromJson(N.at(0)), N.at(1).get<std::string>()});
    for (const Json &X : J.at("fixes"))
      F.Fixes.push_back({locFromJson(X.at(0)), X.at(1).get<unsigned>(),
                         X.at(2).get<std::string>()});
    F.Keys = J.at("keys").get<std::vector<std::string>>();
    for (const Json &C : J.at("configuration"))
      F.Configuration.push_back(
          {C.at(0).get<std::string>(), C.at(1).get<std::string>()});
    Fs.push_back(std::move(F));
  }
  return Fs;
}

} // namespace torchkc
