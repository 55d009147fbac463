//===- TidyConfig.cpp - clang-tidy's configuration, read by the CLI -------===//
#include "TidyConfig.h"

#include "Driver.h"
#include "Options.h"

#include "ClangTidyOptions.h"
#include "GlobList.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "torch-keycheck/support/Files.h"
#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

using namespace llvm;
using clang::tidy::ClangTidyGlobalOptions;
using clang::tidy::ClangTidyOptions;
using clang::tidy::ClangTidyOptionsProvider;

namespace torchkc {
namespace cli {

namespace {

std::string normalized(StringRef Path) {
  SmallString<256> P(Path);
  sys::fs::make_absolute(P);
  sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

/// Reads a configuration as clang-tidy does, keeping what is wrong with it
/// (file, line and column) instead of printing it.
ErrorOr<ClangTidyOptions> parseKeeping(MemoryBufferRef Text,
                                       std::vector<std::string> &Problems) {
  std::string Why;
  auto Parsed = clang::tidy::parseConfigurationWithDiags(
      Text, [&](const SMDiagnostic &D) {
        if (D.getKind() != SourceMgr::DK_Error || !Why.empty())
          return;
        raw_string_ostream OS(Why);
        OS << D.getLineNo() << ":" << (D.getColumnNo() + 1) << ": "
           << D.getMessage();
      });
  if (!Parsed)
    Problems.push_back(Text.getBufferIdentifier().str() + ":" +
                       (Why.empty() ? " " + Parsed.getError().message()
                                    : Why));
  return Parsed;
}

/// clang-tidy's FileOptionsProvider with our own reader of .clang-tidy
/// files: its constructor taking readers leaves the file system unset.
class FileConfigs : public clang::tidy::FileOptionsProvider {
public:
  FileConfigs(ClangTidyOptions Defaults, ClangTidyOptions Overrides,
              std::vector<std::pair<std::string,
                                    std::function<ErrorOr<ClangTidyOptions>(
                                        MemoryBufferRef)>>>
                  Handlers)
      : FileOptionsProvider(ClangTidyGlobalOptions(), std::move(Defaults),
                            std::move(Overrides), std::move(Handlers)) {
    FS = vfs::getRealFileSystem();
  }
};

/// The options the sources give, merged as clang-tidy's getOptions merges
/// them (which would read the sources again).
ClangTidyOptions merged(
    const std::vector<ClangTidyOptionsProvider::OptionsSource> &Raw) {
  ClangTidyOptions Result;
  unsigned Priority = 0;
  for (const auto &Source : Raw)
    Result.mergeWith(Source.first, ++Priority);
  return Result;
}

} // namespace

std::string ShownFilter::parse(const std::optional<std::string> &HeaderRegex,
                               const std::string &HeaderFrom,
                               const std::optional<std::string> &ExcludeRegex,
                               const std::string &ExcludeFrom) {
  for (auto [Regex, From, Slot] :
       {std::tuple{&HeaderRegex, &HeaderFrom, &Header},
        std::tuple{&ExcludeRegex, &ExcludeFrom, &ExcludeHeader}}) {
    if (!*Regex)
      continue;
    // As clang-tidy: an empty HeaderFilterRegex shows no header, an empty
    // ExcludeHeaderFilterRegex excludes none.
    if ((*Regex)->empty()) {
      if (Slot == &Header)
        Slot->emplace("$^");
      continue;
    }
    Slot->emplace(**Regex);
    std::string Why;
    if (!(*Slot)->isValid(Why))
      return *From + ": '" + **Regex + "' is not a regular expression: " +
             Why;
  }
  for (const std::string &F : Files)
    Sources.insert(normalized(F));
  if (!LineFilter.getNumOccurrences())
    return "";
  HasLineFilter = true;
  nlohmann::json J;
  std::string Why;
  if (!parseJson(LineFilter.getValue(), J, Why))
    return "--line-filter: " + Why;
  const char *Shape = "--line-filter: expected a list of "
                      "{\"name\": file, \"lines\": [[first, last], ...]}";
  if (!J.is_array())
    return Shape;
  for (const nlohmann::json &E : J) {
    if (!E.is_object() || !E.contains("name") || !E["name"].is_string())
      return Shape;
    FileLines L{E["name"].get<std::string>(), {}};
    if (E.contains("lines")) {
      if (!E["lines"].is_array())
        return Shape;
      for (const nlohmann::json &R : E["lines"]) {
        if (!R.is_array() || R.size() != 2 || !R[0].is_number_unsigned() ||
            !R[1].is_number_unsigned())
          return Shape;
        L.Ranges.push_back({R[0].get<uint64_t>(), R[1].get<uint64_t>()});
      }
    }
    Lines.push_back(std::move(L));
  }
  return "";
}

bool ShownFilter::shows(const SourceLoc &Loc) const {
  std::string File = normalized(Loc.File.str());
  if (!Sources.count(File) &&
      ((Header && !Header->match(File)) ||
       (ExcludeHeader && ExcludeHeader->match(File))))
    return false;
  if (!HasLineFilter)
    return true;
  // The first entry whose name ends the path decides, as clang-tidy's.
  for (const FileLines &L : Lines) {
    if (!StringRef(File).ends_with(L.Name))
      continue;
    if (L.Ranges.empty())
      return true;
    for (auto [First, Last] : L.Ranges)
      if (First <= Loc.Line && Loc.Line <= Last)
        return true;
    return false;
  }
  return false;
}

TidyConfig::~TidyConfig() = default;

std::unique_ptr<TidyConfig> TidyConfig::fromCommandLine() {
  std::unique_ptr<TidyConfig> C(new TidyConfig());
  // What the command does unconfigured: every torch-* check, headers shown.
  // A --checks replaces the default (a misspelt glob then enables nothing,
  // an error) and is added after a file's Checks.
  ClangTidyOptions Defaults;
  if (!Checks.getNumOccurrences())
    Defaults.Checks = "torch-*";
  Defaults.WarningsAsErrors = "";
  // The command line over any configuration, as clang-tidy's.
  ClangTidyOptions Overrides;
  if (Checks.getNumOccurrences())
    Overrides.Checks = Checks;
  if (WarningsAsErrors.getNumOccurrences())
    Overrides.WarningsAsErrors =
        WarningsAsErrors.empty() ? std::string("*") : WarningsAsErrors;
  if (HeaderFilter.getNumOccurrences())
    Overrides.HeaderFilterRegex = HeaderFilter;
  if (ExcludeHeaderFilter.getNumOccurrences())
    Overrides.ExcludeHeaderFilterRegex = ExcludeHeaderFilter;
  IntrusiveRefCntPtr<vfs::FileSystem> FS = vfs::getRealFileSystem();

  std::vector<std::string> &Problems = C->Problems;
  // FileOptionsProvider's ConfigFileHandlers (a protected name).
  std::vector<std::pair<std::string,
                        std::function<ErrorOr<ClangTidyOptions>(MemoryBufferRef)>>>
      Handlers;
  // A file that does not parse is kept as a problem (reported, exit 2)
  // and read as empty: clang-tidy would print its own line and skip it.
  Handlers.emplace_back(".clang-tidy", [&Problems](MemoryBufferRef Text) {
    ErrorOr<ClangTidyOptions> Parsed = parseKeeping(Text, Problems);
    return Parsed ? Parsed : ErrorOr<ClangTidyOptions>(ClangTidyOptions());
  });
  if (!ConfigFile.empty() && !Config.empty()) {
    error("--config-file and --config are mutually exclusive: give one");
    return nullptr;
  }
  std::string Text, Source;
  if (!ConfigFile.empty()) {
    // A regular file of sensible size: a FIFO would block, /dev/zero never
    // end.
    constexpr uint64_t Limit = 1 << 20;
    uint64_t Size = 0;
    try {
      Text = readRegularFile(ConfigFile, Limit, &Size);
    } catch (const FileError &E) {
      error("cannot read --config-file '" + ConfigFile + "': " + E.what());
      return nullptr;
    }
    if (Size > Limit) {
      error("--config-file '" + ConfigFile +
            "' is larger than a configuration can be (1 MiB)");
      return nullptr;
    }
    Source = ConfigFile;
  } else if (Config.getNumOccurrences()) {
    Text = Config;
    Source = "--config";
  }
  if (!Source.empty()) {
    std::vector<std::string> Bad;
    auto Parsed = parseKeeping(MemoryBufferRef(Text, Source), Bad);
    if (!Parsed) {
      error("invalid configuration: " + Bad.front());
      return nullptr;
    }
    C->Provider = std::make_unique<clang::tidy::ConfigOptionsProvider>(
        ClangTidyGlobalOptions(),
        ClangTidyOptions::getDefaults().merge(Defaults, 0), std::move(*Parsed),
        std::move(Overrides), FS);
  } else {
    C->Provider = std::make_unique<FileConfigs>(
        std::move(Defaults), std::move(Overrides), std::move(Handlers));
  }
  return C;
}

const UnitConfig *TidyConfig::forFile(const std::string &File) {
  std::string Dir = sys::path::parent_path(normalized(File)).str();
  if (auto It = ByDirectory.find(Dir); It != ByDirectory.end())
    return It->second.get();
  size_t Before = Problems.size();
  std::vector<ClangTidyOptionsProvider::OptionsSource> Raw =
      Provider->getRawOptions(normalized(File));
  if (Problems.size() > Before) {
    LastError = "invalid configuration: " + Problems[Before];
    error(LastError);
    return nullptr;
  }
  ClangTidyOptions O = merged(Raw);
  auto U = std::make_unique<UnitConfig>();
  U->Checks = O.Checks.value_or("");
  for (const auto &[Opts, Source] : Raw) {
    if (Opts.Checks) {
      U->ChecksFrom = Source;
      U->ChecksThere = *Opts.Checks;
    }
  }
  U->Enabled = CheckFilter(U->Checks);
  U->AsErrors = CheckFilter(O.WarningsAsErrors.value_or(""));
  // Where each header filter came from, for an error naming it.
  std::string HeaderFrom = "HeaderFilterRegex", ExcludeFrom =
                                                    "ExcludeHeaderFilterRegex";
  for (const auto &[Opts, Source] : Raw) {
    if (Opts.HeaderFilterRegex)
      HeaderFrom = Source == ClangTidyOptionsProvider::
                                 OptionsSourceTypeCheckCommandLineOption
                       ? "--header-filter"
                       : "HeaderFilterRegex in " + Source;
    if (Opts.ExcludeHeaderFilterRegex)
      ExcludeFrom = Source == ClangTidyOptionsProvider::
                                  OptionsSourceTypeCheckCommandLineOption
                        ? "--exclude-header-filter"
                        : "ExcludeHeaderFilterRegex in " + Source;
  }
  if (std::string Problem = U->Shows.parse(O.HeaderFilterRegex, HeaderFrom,
                                           O.ExcludeHeaderFilterRegex,
                                           ExcludeFrom);
      !Problem.empty()) {
    LastError = Problem;
    error(Problem);
    return nullptr;
  }
  // CheckOptions: the global key, else the first enabled check's own, as
  // a check's getLocalOrGlobal reads them.
  for (auto [Key, Slot] : {std::pair{"ProjectFile", &U->ProjectFile},
                           std::pair{"CheckpointRoot", &U->CheckpointRoot}}) {
    if (auto It = O.CheckOptions.find(Key); It != O.CheckOptions.end())
      *Slot = It->second.Value;
    for (const CheckInfo &Info : allChecks()) {
      if (!Slot->empty())
        break;
      if (!U->Enabled.matches(Info.Name))
        continue;
      if (auto It = O.CheckOptions.find(std::string(Info.Name) + "." + Key);
          It != O.CheckOptions.end())
        *Slot = It->second.Value;
    }
  }
  return (ByDirectory[Dir] = std::move(U)).get();
}

std::string TidyConfig::dump(const std::string &File) {
  ClangTidyOptions O =
      ClangTidyOptions::getDefaults().merge(
          Provider->getOptions(normalized(File)), 0);
  // Only what this command reads: clang-tidy's own checks' options are not
  // ours to list.
  ClangTidyOptions Shown;
  Shown.Checks = O.Checks;
  Shown.WarningsAsErrors = O.WarningsAsErrors;
  Shown.HeaderFilterRegex = O.HeaderFilterRegex;
  Shown.ExcludeHeaderFilterRegex = O.ExcludeHeaderFilterRegex;
  for (const auto &Entry : O.CheckOptions) {
    StringRef Key = Entry.getKey();
    if (Key.starts_with("torch-") || Key == "ProjectFile" ||
        Key == "CheckpointRoot")
      Shown.CheckOptions.insert({Key, Entry.getValue()});
  }
  return clang::tidy::configurationAsText(Shown);
}

std::string TidyConfig::explain(const std::string &File) {
  std::vector<ClangTidyOptionsProvider::OptionsSource> Raw =
      Provider->getRawOptions(normalized(File));
  ClangTidyOptions O = merged(Raw);
  CheckFilter Enabled(O.Checks.value_or(""));
  std::string Out;
  for (const CheckInfo &Info : allChecks()) {
    if (!Enabled.matches(Info.Name))
      continue;
    for (auto It = Raw.rbegin(); It != Raw.rend(); ++It)
      if (It->first.Checks &&
          clang::tidy::GlobList(*It->first.Checks).contains(Info.Name)) {
        Out += "'" + std::string(Info.Name) + "' is enabled in the " +
               It->second + ".\n";
        break;
      }
  }
  return Out;
}

} // namespace cli
} // namespace torchkc
