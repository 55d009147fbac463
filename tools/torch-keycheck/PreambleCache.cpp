//===- PreambleCache.cpp - Parsed headers reused across runs --------------===//
#include "PreambleCache.h"

#include "Driver.h"

#include "torch-keycheck/cache/PreamblePrefix.h"
#include "torch-keycheck/extract/Extractor.h"

#include "clang/Basic/LangOptions.h"
#include "clang/Frontend/PrecompiledPreamble.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "llvm/ADT/STLExtras.h"
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

namespace {

/// Whether a command reads some path relative to its directory: the same
/// flags in another directory could then find other headers.
bool readsRelativePaths(const CommandLineArguments &Args) {
  // Options naming a path, longer spellings before their prefixes.
  static const StringRef PathOptions[] = {
      "-isystem-after", "-isystem", "-iquote", "-idirafter", "-include-pch",
      "-include", "-imacros", "-isysroot", "--sysroot", "-iframework",
      "-iprefix", "-iwithprefixbefore", "-iwithprefix", "-ivfsoverlay",
      "-cxx-isystem", "-resource-dir", "--gcc-toolchain", "--gcc-install-dir",
      "--include-directory", "-fmodule-map-file", "-fprebuilt-module-path",
      "-fmodules-cache-path", "-I", "-F", "-B"};
  // Options whose separate value is not a path.
  static const StringRef ValueOptions[] = {"-x", "-target", "--target",
                                           "-arch", "-D", "-U", "-mllvm"};
  for (size_t I = 1; I < Args.size(); ++I) {
    StringRef A = Args[I];
    if (A.starts_with("@") || !A.starts_with("-"))
      return true; // a response file, another input, a value we cannot read
    if (llvm::is_contained(ValueOptions, A)) {
      ++I;
      continue;
    }
    for (StringRef O : PathOptions) {
      if (!A.starts_with(O))
        continue;
      StringRef Value = A.drop_front(O.size());
      if (Value.empty() && I + 1 < Args.size())
        Value = Args[++I];
      else if (Value.starts_with("="))
        Value = Value.drop_front();
      if (!Value.empty() && !sys::path::is_absolute(Value))
        return true;
      break;
    }
  }
  return false;
}

} // namespace

std::string PreambleCache::prefixKey(CompilationDatabase &DB,
                                     const std::string &File,
                                     const PreamblePrefix &Prefix) {
  SmallString<256> Abs(File);
  sys::fs::make_absolute(Abs);
  // Shared by every unit with these directives and these flags: the unit's
  // own name, its output and its dependency file are left out; its
  // directory counts where a lookup can start there.
  std::string Key = "torch-keycheck " TORCHKC_VERSION " " + analyzerDigest() +
                    "\npreamble prefix\nkind " +
                    sys::path::extension(File).lower() + "\n";
  if (Prefix.Quoted)
    Key += "next to " + sys::path::parent_path(Abs).str() + "\n";
  ArgumentsAdjuster Strip = combineAdjusters(
      getClangStripOutputAdjuster(), getClangStripDependencyFileAdjuster());
  for (const CompileCommand &C : DB.getCompileCommands(File)) {
    CommandLineArguments Args;
    for (const std::string &A : Strip(C.CommandLine, C.Filename)) {
      SmallString<256> P(A);
      if (!A.empty() && A[0] != '-')
        sys::fs::make_absolute(C.Directory, P);
      sys::path::remove_dots(P, /*remove_dot_dot=*/true);
      if (A != C.Filename && P != Abs)
        Args.push_back(A);
    }
    if (readsRelativePaths(Args))
      Key += "in " + C.Directory + "\n";
    for (const std::string &A : Args)
      Key += A + "\n";
  }
  Key += "guards";
  for (const std::string &G : Prefix.Guards)
    Key += " " + G;
  return Key + "\n" + Prefix.Text;
}

std::optional<PreambleCache::Use>
PreambleCache::use(CompilationDatabase &DB, const std::string &File,
                   std::optional<StringRef> Contents, bool Eager) const {
  std::unique_ptr<MemoryBuffer> Buffer;
  if (Contents) {
    Buffer = MemoryBuffer::getMemBuffer(*Contents, File);
  } else {
    auto Read = MemoryBuffer::getFile(File);
    if (!Read)
      return std::nullopt;
    Buffer = std::move(*Read);
  }
  clang::LangOptions Lang;
  Lang.CPlusPlus = Lang.CPlusPlus11 = Lang.CPlusPlus14 = Lang.CPlusPlus17 =
      true;
  clang::PreambleBounds Bounds =
      clang::ComputePreambleBounds(Lang, *Buffer, /*MaxLines=*/0);
  PreamblePrefix Prefix =
      preamblePrefix(Buffer->getBuffer().substr(0, Bounds.Size));
  if (Prefix.empty())
    return std::nullopt;

  std::string Key = prefixKey(DB, File, Prefix);
  auto ArgsFor = [&](const std::string &PCH) {
    // The unit is parsed whole: its directives run again after the PCH.
    return CommandLineArguments{"-Xclang", "-include-pch", "-Xclang", PCH,
                                "-Xclang", "-fno-validate-pch"};
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
  // A prefix a PCH cannot stand for is not tried again while the files
  // that decided it keep their content.
  if (Results.lookup(Key + "\nrefused"))
    return std::nullopt;
  // First sighting: remember the prefix, parse without a PCH.
  if (!Eager && !Results.lookup(Key + "\nseen")) {
    if (!Results.store(Key + "\nseen", {}, "{}"))
      warnCacheNotWritten(Results.directory());
    return std::nullopt;
  }

  std::string PCH = Dir + "/" + ResultCache::textDigest(Key) + ".pch";
  PrefixPCHResult Written;
  bool Kept = write(DB, File, Prefix, PCH, Written);
  // What the PCH read, as absolute paths; the unit it was written for is
  // not one of them (it read only the prefix, which is in the key).
  SmallString<256> WorkDir;
  for (const CompileCommand &C : DB.getCompileCommands(File))
    WorkDir = C.Directory;
  sys::fs::make_absolute(WorkDir);
  SmallString<256> Abs(File);
  sys::fs::make_absolute(Abs);
  std::set<std::string> Files;
  for (const std::string &F : Written.Read) {
    SmallString<256> P(F);
    if (!sys::path::is_absolute(P))
      sys::fs::make_absolute(WorkDir, P);
    sys::path::remove_dots(P, /*remove_dot_dot=*/true);
    if (P != Abs)
      Files.insert(std::string(P));
  }
  std::vector<std::string> List(Files.begin(), Files.end());
  if (!Kept) {
    if (!Written.Refused.empty() &&
        !Results.store(Key + "\nrefused", List,
                       dumpJson(nlohmann::json{{"why", Written.Refused}})))
      warnCacheNotWritten(Results.directory());
    return std::nullopt;
  }
  if (!Results.store(Key, List,
                dumpJson(nlohmann::json{{"pch", PCH},
                                        {"digest", ResultCache::fileDigest(PCH)},
                                        {"files", List}})))
    warnCacheNotWritten(Results.directory());
  prune();
  return Use{PCH, ArgsFor(PCH), List};
}

bool PreambleCache::write(CompilationDatabase &DB, const std::string &File,
                          const PreamblePrefix &Prefix, const std::string &PCH,
                          PrefixPCHResult &Written) const {
  if (sys::fs::create_directories(Dir))
    return false;
  SmallString<256> Temp;
  if (sys::fs::createUniqueFile(PCH + ".tmp-%%%%%%", Temp))
    return false;
  // A run stopped by a signal (Ctrl-C, a pre-commit timeout) removes it;
  // one killed outright leaves it to prune(), after an hour.
  sys::RemoveFileOnSignal(Temp);
  int Status;
  {
    std::unique_ptr<ClangTool> Tool = newTool(DB, File);
    clang::IgnoringDiagConsumer Quiet;
    Tool->setDiagnosticConsumer(&Quiet);
    SmallString<256> Abs(File);
    sys::fs::make_absolute(Abs);
    Status = Tool->run(newPrefixPCHActionFactory(std::string(Abs), Prefix,
                                                 std::string(Temp), Written)
                           .get());
  }
  if (Status != 0 && Written.Refused.empty() && Written.WriteError.empty())
    Written.Refused = "the preamble did not compile";
  bool Done = Written.Refused.empty() && Written.WriteError.empty();
  if (!Written.WriteError.empty()) {
    // A write that failed is worth a word (a full disk slows every run);
    // a prefix that does not compile or that a PCH cannot stand for is
    // just parsed in full.
    warnCacheNotWritten(Written.WriteError);
  }
  bool Kept = Done && !sys::fs::rename(Temp, PCH);
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

void loadPreamble(ClangTool &Tool, const PreambleCache::Use &U) {
  // Before a `--` that ends the options.
  Tool.appendArgumentsAdjuster(
      [Args = U.Args](const CommandLineArguments &Command, StringRef) {
        CommandLineArguments R = Command;
        R.insert(std::find(R.begin(), R.end(), "--"), Args.begin(),
                 Args.end());
        return R;
      });
}

std::optional<PreambleCache> openPreambles() {
  std::string Dir = cacheDir();
  if (Dir.empty())
    return std::nullopt;
  return PreambleCache(Dir);
}

} // namespace cli
} // namespace torchkc
