//===- PreambleCache.cpp - Parsed headers reused across runs --------------===//
#include "PreambleCache.h"

#include "Driver.h"

#include "torch-keycheck/extract/Extractor.h"

#include "clang/Basic/LangOptions.h"
#include "clang/Frontend/PrecompiledPreamble.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

#include <utime.h>

#include <algorithm>
#include <chrono>
#include <set>

using namespace llvm;
using namespace clang::tooling;

namespace torchkc {
namespace cli {

std::optional<PreambleCache::Use>
PreambleCache::use(CompilationDatabase &DB, const std::string &File) const {
  auto Buffer = MemoryBuffer::getFile(File);
  if (!Buffer)
    return std::nullopt;
  clang::LangOptions Lang;
  Lang.CPlusPlus = Lang.CPlusPlus11 = Lang.CPlusPlus14 = Lang.CPlusPlus17 =
      true;
  clang::PreambleBounds Bounds =
      clang::ComputePreambleBounds(Lang, **Buffer, /*MaxLines=*/0);
  if (Bounds.Size == 0)
    return std::nullopt;
  std::string Text = (*Buffer)->getBuffer().substr(0, Bounds.Size).str();

  SmallString<256> Abs(File);
  sys::fs::make_absolute(Abs);
  std::string Key = unitCacheKey(DB, File, "preamble") + Text;
  auto ArgsFor = [&](const std::string &PCH) {
    return CommandLineArguments{
        "-Xclang",
        "-include-pch",
        "-Xclang",
        PCH,
        "-Xclang",
        "-preamble-bytes=" + std::to_string(Bounds.Size) + "," +
            (Bounds.PreambleEndsAtStartOfLine ? "1" : "0"),
        "-Xclang",
        "-fno-validate-pch"};
  };

  if (std::optional<std::string> Entry = Results.lookup(Key)) {
    nlohmann::json J = nlohmann::json::parse(*Entry, nullptr, false);
    bool Strings = J.is_object() && J["files"].is_array() &&
                   std::all_of(J["files"].begin(), J["files"].end(),
                               [](const nlohmann::json &F) {
                                 return F.is_string();
                               });
    // Loaded with -fno-validate-pch, a PCH whose bytes changed since it
    // was written (a disk error, a stopped copy, a hand edit) can crash
    // clang on every later run: its digest must match what was written.
    if (Strings && J["pch"].is_string() && J["digest"].is_string() &&
        sys::fs::exists(J["pch"].get<std::string>())) {
      std::string PCH = J["pch"];
      if (ResultCache::fileDigest(PCH) == J["digest"].get<std::string>()) {
        ::utime(PCH.c_str(), nullptr); // used now: pruned last
        return Use{PCH, ArgsFor(PCH),
                   J["files"].get<std::vector<std::string>>()};
      }
      sys::fs::remove(PCH); // damaged: written again below
    }
  }
  // First sighting: remember the preamble, parse without a PCH.
  if (!Results.lookup(Key + "\nseen")) {
    if (!Results.store(Key + "\nseen", {}, "{}"))
      warnCacheNotWritten(Results.directory());
    return std::nullopt;
  }

  std::string PCH = Dir + "/" + ResultCache::textDigest(Key) + ".pch";
  std::vector<std::string> Read;
  if (!write(DB, File, Text, PCH, Read))
    return std::nullopt;
  // What the PCH read, as absolute paths; the main file's own text is in
  // the key (its body may change freely).
  SmallString<256> WorkDir;
  for (const CompileCommand &C : DB.getCompileCommands(File))
    WorkDir = C.Directory;
  sys::fs::make_absolute(WorkDir);
  std::set<std::string> Files;
  for (const std::string &F : Read) {
    SmallString<256> P(F);
    if (!sys::path::is_absolute(P))
      sys::fs::make_absolute(WorkDir, P);
    sys::path::remove_dots(P, /*remove_dot_dot=*/true);
    if (P != Abs)
      Files.insert(std::string(P));
  }
  std::vector<std::string> List(Files.begin(), Files.end());
  if (!Results.store(Key, List,
                dumpJson(nlohmann::json{{"pch", PCH},
                                        {"digest", ResultCache::fileDigest(PCH)},
                                        {"files", List}})))
    warnCacheNotWritten(Results.directory());
  prune();
  return Use{PCH, ArgsFor(PCH), List};
}

bool PreambleCache::write(CompilationDatabase &DB, const std::string &File,
                          const std::string &Text, const std::string &PCH,
                          std::vector<std::string> &Read) const {
  if (sys::fs::create_directories(Dir))
    return false;
  SmallString<256> Temp;
  if (sys::fs::createUniqueFile(PCH + ".tmp-%%%%%%", Temp))
    return false;
  // A run stopped by a signal (Ctrl-C, a pre-commit timeout) removes it;
  // one killed outright leaves it to prune(), after an hour.
  sys::RemoveFileOnSignal(Temp);
  int Status;
  std::string WriteError;
  {
    std::unique_ptr<ClangTool> Tool = newTool(DB, File);
    clang::IgnoringDiagConsumer Quiet;
    Tool->setDiagnosticConsumer(&Quiet);
    SmallString<256> Abs(File);
    sys::fs::make_absolute(Abs);
    Status = Tool->run(
        newPreambleActionFactory(std::string(Abs), Text, std::string(Temp),
                                 Read, WriteError)
            .get());
  }
  bool Written = Status == 0 && WriteError.empty();
  if (!Written && WriteError.rfind(std::string(Temp), 0) == 0) {
    // A write that failed is worth a word (a full disk slows every run);
    // a preamble that does not compile is just parsed in full.
    warnCacheNotWritten(WriteError);
  }
  bool Kept = Written && !sys::fs::rename(Temp, PCH);
  if (!Kept)
    sys::fs::remove(Temp);
  sys::DontRemoveFileOnSignal(Temp);
  return Kept;
}

void PreambleCache::prune() const {
  std::vector<std::pair<sys::TimePoint<>, std::string>> PCHs;
  auto Now = std::chrono::system_clock::now();
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    sys::fs::file_status St;
    if (sys::fs::status(It->path(), St))
      continue;
    StringRef Path = It->path();
    if (Path.ends_with(".pch"))
      PCHs.push_back({St.getLastModificationTime(), It->path()});
    // A PCH being written by a run that was stopped.
    else if (Path.contains(".pch.tmp-") &&
             Now - St.getLastModificationTime() > std::chrono::hours(1))
      sys::fs::remove(Path);
  }
  if (PCHs.size() <= Kept)
    return;
  std::sort(PCHs.begin(), PCHs.end());
  for (size_t I = 0; I + Kept < PCHs.size(); ++I)
    sys::fs::remove(PCHs[I].second);
}

std::optional<PreambleCache> openPreambles() {
  std::string Dir = cacheDir();
  if (Dir.empty())
    return std::nullopt;
  return PreambleCache(Dir);
}

} // namespace cli
} // namespace torchkc
