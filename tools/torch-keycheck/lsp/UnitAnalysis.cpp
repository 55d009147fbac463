//===- UnitAnalysis.cpp - One unit as the language server sees it ---------===//
#include "UnitAnalysis.h"

#include "../Driver.h"
#include "../PreambleCache.h"
#include "../TidyConfig.h"

#include "torch-keycheck/checks/SourceChecks.h"
#include "torch-keycheck/extract/Extractor.h"
#include "torch-keycheck/keys/ModelKeys.h"
#include "torch-keycheck/output/FindingsOutput.h"
#include "torch-keycheck/project/Project.h"
#include "torch-keycheck/project/ProjectCheck.h"
#include "torch-keycheck/project/UnitCheck.h"

#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <cstdio>
#include <optional>
#include <set>
#include <sstream>

using namespace llvm;
using namespace clang::tooling;

namespace torchkc {
namespace lsp {

std::string normalizedPath(const std::string &Path) {
  SmallString<256> P(Path);
  sys::fs::make_absolute(P);
  sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

bool isUnder(const std::vector<std::string> &Roots, const std::string &Path) {
  if (Roots.empty())
    return true;
  for (const std::string &R : Roots) {
    StringRef Root = StringRef(R).rtrim('/');
    if (StringRef(Path).starts_with(Root) &&
        (Path.size() == Root.size() || Path[Root.size()] == '/'))
      return true;
  }
  return false;
}

namespace {

/// Keys listed in a hover at most; a model with more says how many more.
constexpr size_t MaxHoverKeys = 120;

std::string lastComponent(const std::string &Qualified) {
  size_t At = Qualified.rfind("::");
  return At == std::string::npos ? Qualified : Qualified.substr(At + 2);
}

std::string keyShape(const Key &K) {
  return K.Shape ? shapeText(*K.Shape) : "[?]";
}

std::string defineText(const Configuration &C) {
  std::string Text;
  for (const auto &[Name, Value] : C.Defines)
    Text += (Text.empty() ? "" : ", ") + Name + "=" + Value->str();
  return Text;
}

/// The keys as a fenced block: name, kind, shape, dtype, condition.
std::string keyBlock(const std::vector<const Key *> &Keys) {
  size_t NameW = 0, ShapeW = 0, TypeW = 1;
  size_t Shown = std::min(Keys.size(), MaxHoverKeys);
  for (size_t I = 0; I < Shown; ++I) {
    NameW = std::max(NameW, Keys[I]->Name.size());
    ShapeW = std::max(ShapeW, keyShape(*Keys[I]).size());
    TypeW = std::max(TypeW, Keys[I]->DType.size());
  }
  auto Pad = [](const std::string &S, size_t W) {
    return S + std::string(W - S.size() + 2, ' ');
  };
  std::ostringstream OS;
  OS << "```text\n";
  for (size_t I = 0; I < Shown; ++I) {
    const Key &K = *Keys[I];
    std::string Line =
        Pad(K.Name, NameW) +
        Pad(K.K == Key::Kind::Buffer ? "buffer" : "parameter", 9) +
        Pad(keyShape(K), ShapeW) + (K.DType.empty() ? "?" : K.DType);
    for (const std::string &C : K.conditions())
      Line += (C.rfind("for ", 0) == 0 ? "  [" : "  [if ") + C + "]";
    // Trailing blanks of an unconditional line's padding.
    while (!Line.empty() && Line.back() == ' ')
      Line.pop_back();
    OS << Line << "\n";
  }
  if (Keys.size() > Shown)
    OS << "... and " << Keys.size() - Shown << " more\n";
  OS << "```\n";
  return OS.str();
}

std::string countText(size_t N) {
  return std::to_string(N) + (N == 1 ? " key" : " keys");
}

/// What is said under a model's keys: the knobs, what was not followed.
std::string modelNotes(const ModelKeys &M) {
  std::string Text;
  if (!M.Knobs.empty()) {
    Text += "Which keys exist depends on";
    for (size_t I = 0; I < M.Knobs.size(); ++I)
      Text += (I ? ", `" : " `") + M.Knobs[I] + "`";
    Text += ".\n";
  }
  if (!M.Undefined.empty()) {
    Text += "The constructor of";
    for (size_t I = 0; I < M.Undefined.size(); ++I)
      Text += (I ? ", `" : " `") + M.Undefined[I] + "`";
    Text += " is defined in another unit: its keys are not listed.\n";
  }
  for (const auto &[Loc, Why] : M.Unresolved)
    Text += "Not followed (line " + std::to_string(Loc.Line) + "): " + Why +
            "\n";
  return Text;
}

std::string configurationLabel(const Configuration &C) {
  if (C.Name == "open")
    return "its parameters left open";
  if (!C.Name.empty())
    return "configuration `" + C.Name + "`" +
           (C.Defines.empty() ? "" : " (" + defineText(C) + ")");
  if (!C.Defines.empty())
    return "`" + defineText(C) + "`";
  return "the defaults";
}

std::vector<const Key *> allKeys(const ModelKeys &M) {
  std::vector<const Key *> Keys;
  for (const Key &K : M.Keys)
    Keys.push_back(&K);
  return Keys;
}

bool sameLoc(const SourceLoc &A, const SourceLoc &B) {
  return A.Line == B.Line && A.Column == B.Column && A.File == B.File;
}

/// The hover of a model class: its keys under the defaults and under each
/// configuration the project file gives it, then the keys other values of
/// its parameters would add (Open: derived with every parameter open).
std::string classHover(const ModuleClass &C,
                       const std::vector<ModelKeys> &Configs,
                       const std::optional<ModelKeys> &Open) {
  std::string Text = "**" + C.Name + "**";
  if (!C.HolderName.empty())
    Text += " (`TORCH_MODULE(" + lastComponent(C.HolderName) + ")`)";
  Text += "\n\n";
  const ModelKeys &Defaults = Configs.front();
  Text += "state_dict with " + configurationLabel(Defaults.Config) + ": " +
          countText(Defaults.Keys.size()) + "\n" +
          keyBlock(allKeys(Defaults)) + modelNotes(Defaults) + "\n";
  // The project's configurations, as what they change.
  for (size_t I = 1; I < Configs.size(); ++I) {
    const ModelKeys &M = Configs[I];
    std::map<std::string, const Key *> Before;
    for (const Key &K : Defaults.Keys)
      Before[K.Name] = &K;
    std::string Lines;
    for (const Key &K : M.Keys) {
      auto It = Before.find(K.Name);
      if (It == Before.end())
        Lines += "+ " + K.Name + "  " + keyShape(K) + "\n";
      else if (keyShape(*It->second) != keyShape(K) ||
               It->second->DType != K.DType)
        Lines += "~ " + K.Name + "  " + keyShape(*It->second) + " -> " +
                 keyShape(K) + "\n";
      if (It != Before.end())
        Before.erase(It);
    }
    for (const Key &K : Defaults.Keys)
      if (Before.count(K.Name))
        Lines += "- " + K.Name + "\n";
    Text += "With " + configurationLabel(M.Config) + " (the project file): " +
            countText(M.Keys.size()) +
            (Lines.empty() ? ", the same\n"
                           : ", against the defaults:\n```diff\n" + Lines +
                                 "```\n") +
            modelNotes(M) + "\n";
  }
  if (Open) {
    std::set<std::string> Shown;
    for (const Key &K : Configs.front().Keys)
      Shown.insert(K.Name);
    std::vector<const Key *> Conditional;
    for (const Key &K : Open->Keys)
      if (!K.conditions().empty() && !Shown.count(K.Name))
        Conditional.push_back(&K);
    if (!Conditional.empty())
      Text += "Under other values of its parameters, also:\n" +
              keyBlock(Conditional);
  }
  return Text;
}

/// C's keys with every parameter of its one constructor left open, so
/// that keys a default switches off show with their conditions.
std::optional<ModelKeys> openKeys(const RegistrationGraph &TU,
                                  const ModuleClass &C) {
  if (C.Constructors.size() != 1)
    return std::nullopt;
  Configuration Open;
  Open.Name = "open";
  for (const ConstructorParam &P : C.Constructors.front().Params)
    if (P.Default)
      Open.Defines[P.Name] = SymExpr::makeParam(P.Name);
  if (Open.Defines.empty())
    return std::nullopt;
  ModelKeys M = deriveKeys(TU, C, Open);
  if (!M.InvalidDefines.empty())
    return std::nullopt;
  return M;
}

/// The hover and hints of the register_* calls and container additions of
/// M's class in M's keys: each place, the keys it contributes; places S
/// has already are left alone (a registration the defaults switch off
/// comes from the derivation with the parameters open).
void siteEntries(const ModelKeys &M, UnitSnapshot &S) {
  std::vector<SourceLoc> Sites;
  auto AddSite = [&](const SourceLoc &L) {
    if (!L.valid())
      return;
    for (const SourceLoc &Seen : Sites)
      if (sameLoc(Seen, L))
        return;
    for (const HoverEntry &H : S.SiteHover)
      if (sameLoc(H.Loc, L))
        return;
    Sites.push_back(L);
  };
  for (const ModuleInstance &I : M.Modules)
    AddSite(I.Loc);
  for (const Key &K : M.Keys)
    AddSite(K.Loc);
  for (const SourceLoc &L : Sites) {
    std::vector<const Key *> Keys;
    std::vector<std::string> Paths;
    for (const ModuleInstance &I : M.Modules)
      if (sameLoc(I.Loc, L))
        Paths.push_back(I.Path + ".");
    for (const Key &K : M.Keys) {
      bool Under = sameLoc(K.Loc, L);
      for (const std::string &P : Paths)
        Under |= K.Name.compare(0, P.size(), P) == 0;
      if (Under)
        Keys.push_back(&K);
    }
    std::string What;
    for (const std::string &P : Paths)
      What += (What.empty() ? "`" : ", `") + P.substr(0, P.size() - 1) + "`";
    std::string Text = "Registers " + countText(Keys.size()) + " of **" +
                       M.Class + "** (with " + configurationLabel(M.Config) +
                       ")" + (What.empty() ? "" : " under " + What) +
                       "\n\n" + keyBlock(Keys);
    S.SiteHover.push_back({L, Text});
    S.Hints.push_back({L, countText(Keys.size()) + ":"});
  }
}

/// The hover of a torch::load call: the keys of the model as the function
/// constructs it, and the verdict's findings there.
void loadSiteEntry(const RegistrationGraph &TU, const LoadSite &Site,
                   const std::vector<Finding> &Found, UnitSnapshot &S) {
  const ModuleClass *C = TU.find(Site.Class);
  std::string Text = "`torch::load` of **" + Site.Class + "** from ";
  Text += Site.PathIsLiteral ? "`\"" + Site.Checkpoint + "\"`"
                             : "`" + Site.Checkpoint + "`";
  Text += "\n\n";
  if (C) {
    Configuration Built;
    Built.Defines = Site.Args;
    ModelKeys M = deriveKeys(TU, *C, Built);
    Text += "The model as constructed";
    if (Site.ConstructionLoc.valid())
      Text += " at line " + std::to_string(Site.ConstructionLoc.Line);
    Text += (Site.Args.empty() ? "" : " (`" + defineText(Built) + "`)");
    Text += ": " + countText(M.Keys.size()) + "\n" + keyBlock(allKeys(M)) +
            modelNotes(M);
  }
  std::string Verdict;
  for (const Finding &F : Found)
    if (sameLoc(F.Loc, Site.Loc))
      Verdict += "- " + F.Message + " [" + checkName(F.Check) + "]\n";
  if (!Verdict.empty())
    Text += "\nAt this load:\n" + Verdict;
  S.SiteHover.push_back({Site.Loc, Text});
}

/// Where an error naming a file points: `path:line:col: ...` or
/// `path: ...`; invalid when the message does not start with a file.
SourceLoc errorLocation(const std::string &Error) {
  size_t Colon = Error.find(": ");
  if (Colon == std::string::npos)
    return {};
  StringRef Head = StringRef(Error).take_front(Colon);
  unsigned Line = 1, Column = 1;
  // `file:12:3` or `file:12`.
  for (int Part = 0; Part < 2; ++Part) {
    size_t At = Head.rfind(':');
    unsigned N = 0;
    if (At == StringRef::npos || Head.substr(At + 1).getAsInteger(10, N))
      break;
    Column = Line;
    Line = N;
    if (Part == 0)
      Column = 1;
    Head = Head.take_front(At);
  }
  if (Head.empty() || !sys::fs::exists(Head))
    return {};
  // A JSON reader's `at line 3, column 7`.
  size_t At = Error.find("at line ");
  unsigned JsonLine = 0, JsonColumn = 0;
  if (At != std::string::npos &&
      std::sscanf(Error.c_str() + At, "at line %u, column %u", &JsonLine,
                  &JsonColumn) == 2 &&
      JsonLine > 0) {
    Line = JsonLine;
    Column = JsonColumn ? JsonColumn : 1;
  }
  SourceLoc L;
  L.File = normalizedPath(Head.str());
  L.Line = Line;
  L.Column = Column;
  return L;
}

} // namespace

std::shared_ptr<UnitSnapshot> analyseUnit(const UnitRequest &Req) {
  auto Start = std::chrono::steady_clock::now();
  auto S = std::make_shared<UnitSnapshot>();
  S->File = Req.File;
  const cli::UnitConfig &Config = *Req.Config;

  auto Memory = makeIntrusiveRefCnt<vfs::InMemoryFileSystem>();
  for (const auto &[Path, Text] : Req.Buffers)
    Memory->addFile(Path, 0, MemoryBuffer::getMemBufferCopy(Text, Path));

  // The PCH of the preamble, unless it stands for a header being edited.
  std::optional<cli::PreambleCache::Use> Pre;
  if (Req.Preambles) {
    auto Main = Req.Buffers.find(Req.File);
    // While another file is being edited, no PCH is written: it could
    // stand for that file's disk text, which the parse does not read.
    bool OthersEdited = Req.Buffers.size() > (Main != Req.Buffers.end());
    Pre = Req.Preambles->use(
        *Req.DB, Req.File,
        Main == Req.Buffers.end() ? std::nullopt
                                  : std::optional<StringRef>(Main->second),
        /*Eager=*/!OthersEdited);
    if (Pre && std::any_of(Pre->Files.begin(), Pre->Files.end(),
                           [&](const std::string &F) {
                             return Req.Buffers.count(F) != 0;
                           }))
      Pre.reset();
  }

  // The project checks run when a check they feed is enabled.
  UnitCheckOptions UO;
  UO.ProjectChecks = std::any_of(
      allChecks().begin(), allChecks().end(), [&](const CheckInfo &C) {
        return fedByProject(C.From) && Config.Enabled.matches(C.Id);
      });
  std::string ProjectError;
  std::optional<Project> P;
  if (UO.ProjectChecks) {
    P = projectFor(Config.ProjectFile, Req.File, ProjectError);
    if (!ProjectError.empty()) {
      std::optional<std::string> File =
          Config.ProjectFile.empty()
              ? findProjectFile(sys::path::parent_path(Req.File).str())
              : std::optional<std::string>(Config.ProjectFile);
      if (File)
        S->DependsOn.insert(normalizedPath(*File));
    }
  }
  UO.ProjectChecks &= ProjectError.empty();
  UO.Project = {P ? &*P : nullptr, Config.CheckpointRoot};

  std::vector<Finding> Found;
  bool Ran = false;
  auto OnTU = [&](RegistrationGraph &TU) {
    Ran = true;
    UnitCheck R = checkUnit(TU, UO);
    Found = std::move(R.Findings);
    if (ProjectError.empty())
      ProjectError = std::move(R.ProjectError);
    for (const std::string &F : TU.InputFiles)
      S->DependsOn.insert(normalizedPath(F));
    if (UO.ProjectChecks)
      for (const std::string &F : filesCheckedAgainst(TU, UO.Project))
        S->DependsOn.insert(normalizedPath(F));
    // What hover and hints show, while the AST is alive.
    auto Models = [&](const ModuleClass &C, bool Function) {
      std::vector<ModelKeys> Configs;
      Configs.push_back(deriveKeys(TU, C, Configuration()));
      Configs.back().Function = Function;
      if (P)
        for (const ProjectModel &PM : P->Models)
          if (Configs.size() < 4 && findModel(TU, PM.Model) == &C &&
              !PM.Model.Config.Defines.empty()) {
            Configs.push_back(deriveKeys(TU, C, PM.Model.Config));
            Configs.back().Function = Function;
          }
      return Configs;
    };
    for (bool Function : {false, true})
      for (const ModuleClass &C : Function ? TU.Functions : TU.Classes) {
        if (!isUnder(Req.Roots, normalizedPath(C.Loc.File)))
          continue;
        std::vector<ModelKeys> Configs = Models(C, Function);
        std::optional<ModelKeys> Open = openKeys(TU, C);
        std::string Text = classHover(C, Configs, Open);
        for (const std::string &Name :
             {C.Name, lastComponent(C.Name), C.HolderName,
              lastComponent(C.HolderName)})
          if (!Name.empty())
            S->ClassHover.emplace(Name, Text);
        siteEntries(Configs.front(), *S);
        if (Open)
          siteEntries(*Open, *S);
      }
    for (const LoadSite &Site : TU.LoadSites)
      if (isUnder(Req.Roots, normalizedPath(Site.Loc.File)))
        loadSiteEntry(TU, Site, Found, *S);
  };

  auto Parse = [&](const cli::PreambleCache::Use *With) {
    S->CompilerErrors.clear();
    raw_string_ostream OS(S->CompilerErrors);
    clang::TextDiagnosticPrinter Printer(OS, new clang::DiagnosticOptions());
    std::unique_ptr<ClangTool> Tool = cli::newTool(*Req.DB, Req.File, Memory);
    Tool->setPrintErrorMessage(false);
    if (With)
      cli::loadPreamble(*Tool, *With);
    Tool->setDiagnosticConsumer(&Printer);
    RegistrationGraph Graph;
    auto Factory = newExtractionActionFactory(Graph, [&](RegistrationGraph &TU) {
      if (With)
        TU.InputFiles.insert(TU.InputFiles.end(), With->Files.begin(),
                             With->Files.end());
      OnTU(TU);
    });
    S->Compiled = Tool->run(Factory.get()) == 0;
  };
  Parse(Pre ? &*Pre : nullptr);
  S->UsedPCH = Pre && Ran;
  if (Pre && !Ran) {
    // A PCH that does not load stops the parse before extraction.
    sys::fs::remove(Pre->PCH);
    Parse(nullptr);
  }

  if (!ProjectError.empty()) {
    S->ProjectError = ProjectError;
    S->ProjectErrorLoc = errorLocation(ProjectError);
    Found.push_back(projectErrorFinding(
        Req.File, ProjectError, projectErrorCheck([&](CheckId Id) {
          return Config.Enabled.matches(Id);
        })));
  }

  // As `check` shows them: enabled checks, header filter, NOLINT.
  SourceLines Lines;
  for (const auto &[Path, Text] : Req.Buffers)
    Lines.assign(Path, Text);
  sortBySourceLocation(Found);
  std::set<std::tuple<CheckId, std::string, std::string>> Seen;
  for (Finding &F : Found) {
    if (!Config.Enabled.matches(F.Check))
      continue;
    if (F.Loc.valid()) {
      F.Loc.File = normalizedPath(F.Loc.File);
      if (!Config.Shows.shows(F.Loc) || !isUnder(Req.Roots, F.Loc.File))
        continue;
    }
    for (Note &N : F.Notes)
      if (N.Loc.valid())
        N.Loc.File = normalizedPath(N.Loc.File);
    for (FixIt &X : F.Fixes)
      if (X.Loc.valid())
        X.Loc.File = normalizedPath(X.Loc.File);
    if (isSuppressed(F, Lines))
      continue;
    if (!Seen.insert({F.Check, F.Loc.str(), F.Message}).second)
      continue;
    Severity Level = F.Level == Severity::Warning &&
                             Config.AsErrors.matches(F.Check)
                         ? Severity::Error
                         : F.Level;
    S->Findings.push_back({std::move(F), Level});
  }
  S->Files.insert(Req.File);
  for (const std::string &F : S->DependsOn)
    if (isUnder(Req.Roots, F) && F != S->ProjectErrorLoc.File.str()) {
      StringRef Ext = sys::path::extension(F);
      if (Ext == ".h" || Ext == ".hh" || Ext == ".hpp" || Ext == ".hxx" ||
          Ext == ".cpp" || Ext == ".cc" || Ext == ".cxx" || Ext == ".inl" ||
          Ext == ".ipp" || Ext == ".tpp")
        S->Files.insert(F);
    }
  S->Seconds = std::chrono::duration<double>(
                   std::chrono::steady_clock::now() - Start)
                   .count();
  return S;
}

} // namespace lsp
} // namespace torchkc
