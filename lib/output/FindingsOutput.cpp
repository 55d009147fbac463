//===- FindingsOutput.cpp - Suppressing and printing findings -------------===//
#include "torch-keycheck/output/FindingsOutput.h"

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/TextDiagnostic.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "torch-keycheck/support/Files.h"
#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>

using Json = nlohmann::ordered_json;

namespace torchkc {

const std::string &SourceLines::line(const std::string &File, unsigned N) {
  static const std::string None;
  auto It = Files.find(File);
  if (It == Files.end()) {
    std::vector<std::string> Lines;
    // Only a regular file: a path replaced by a FIFO would block.
    std::ifstream In;
    if (regularFileProblem(File).empty())
      In.open(File, std::ios::binary);
    for (std::string L; std::getline(In, L);) {
      if (!L.empty() && L.back() == '\r')
        L.pop_back();
      Lines.push_back(std::move(L));
    }
    It = Files.emplace(File, std::move(Lines)).first;
  }
  if (N == 0 || N > It->second.size())
    return None;
  return It->second[N - 1];
}

void SourceLines::assign(const std::string &File, const std::string &Text) {
  std::vector<std::string> Lines;
  size_t Start = 0;
  while (Start < Text.size()) {
    size_t End = Text.find('\n', Start);
    std::string L = Text.substr(Start, End == std::string::npos
                                           ? std::string::npos
                                           : End - Start);
    if (!L.empty() && L.back() == '\r')
      L.pop_back();
    Lines.push_back(std::move(L));
    if (End == std::string::npos)
      break;
    Start = End + 1;
  }
  Files[File] = std::move(Lines);
}

namespace {

enum class Directive { Line, NextLine, Begin, End };

struct Nolint {
  Directive D;
  std::string Checks; ///< the text in parentheses; empty: every check
  bool All;
};

/// The NOLINT directives on one line.
std::vector<Nolint> directives(const std::string &Line) {
  std::vector<Nolint> R;
  for (size_t P = Line.find("NOLINT"); P != std::string::npos;
       P = Line.find("NOLINT", P + 1)) {
    size_t End = P + 6;
    Directive D = Directive::Line;
    auto Follows = [&](const char *Word) {
      size_t N = std::char_traits<char>::length(Word);
      if (Line.compare(End, N, Word) != 0)
        return false;
      End += N;
      return true;
    };
    if (Follows("NEXTLINE"))
      D = Directive::NextLine;
    else if (Follows("BEGIN"))
      D = Directive::Begin;
    else if (Follows("END"))
      D = Directive::End;
    Nolint N{D, "", true};
    if (End < Line.size() && Line[End] == '(') {
      size_t Close = Line.find(')', End);
      if (Close == std::string::npos)
        continue; // clang-tidy ignores an unclosed list too
      N.Checks = Line.substr(End + 1, Close - End - 1);
      N.All = false;
    }
    R.push_back(N);
  }
  return R;
}

bool covers(const Nolint &N, const std::string &Check) {
  return N.All || CheckFilter(N.Checks).matches(Check);
}

} // namespace

bool isSuppressed(const Finding &F, SourceLines &Lines) {
  if (!F.Loc.valid())
    return false;
  for (const Nolint &N : directives(Lines.line(F.Loc.File, F.Loc.Line)))
    if (N.D == Directive::Line && covers(N, checkName(F.Check)))
      return true;
  if (F.Loc.Line > 1)
    for (const Nolint &N : directives(Lines.line(F.Loc.File, F.Loc.Line - 1)))
      if (N.D == Directive::NextLine && covers(N, checkName(F.Check)))
        return true;
  // Open regions: each NOLINTEND closes the latest NOLINTBEGIN with the
  // same check list.
  std::vector<Nolint> Open;
  for (unsigned L = 1; L <= F.Loc.Line; ++L)
    for (const Nolint &N : directives(Lines.line(F.Loc.File, L))) {
      if (N.D == Directive::Begin) {
        Open.push_back(N);
      } else if (N.D == Directive::End && L < F.Loc.Line) {
        for (size_t I = Open.size(); I-- > 0;)
          if (Open[I].Checks == N.Checks) {
            Open.erase(Open.begin() + I);
            break;
          }
      }
    }
  for (const Nolint &N : Open)
    if (covers(N, checkName(F.Check)))
      return true;
  return false;
}

Severity effectiveSeverity(const Finding &F, const RenderOptions &Opts) {
  if (F.Level == Severity::Warning &&
      (Opts.AsError ? Opts.AsError(F) : Opts.WarningsAsErrors.matches(F.Check)))
    return Severity::Error;
  return F.Level;
}

const char *severityName(Severity S) {
  switch (S) {
  case Severity::Remark:
    return "remark";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "";
}

static void excerpt(std::ostream &OS, const SourceLoc &L, SourceLines &Lines,
                    const char *CaretOn = "", const char *CaretOff = "") {
  const std::string &Text = Lines.line(L.File, L.Line);
  if (Text.empty())
    return;
  OS << Text << "\n";
  // Keep tabs so that the caret lines up under the column.
  std::string Pad;
  for (unsigned I = 1; I < L.Column && I - 1 < Text.size(); ++I)
    Pad += Text[I - 1] == '\t' ? '\t' : ' ';
  OS << Pad << CaretOn << "^" << CaretOff << "\n";
}

namespace {
/// clang's diagnostic colours: bold locations and messages, the severity
/// in its colour, green carets and fix-its.
struct Palette {
  bool On;
  const char *bold() const { return On ? "\033[1m" : ""; }
  const char *reset() const { return On ? "\033[0m" : ""; }
  const char *green() const { return On ? "\033[1;32m" : ""; }
  const char *of(Severity S, bool IsNote = false) const {
    if (!On)
      return "";
    if (IsNote)
      return "\033[1;30m";
    switch (S) {
    case Severity::Remark:
      return "\033[1;34m";
    case Severity::Warning:
      return "\033[1;35m";
    case Severity::Error:
      return "\033[1;31m";
    }
    return "";
  }
};
} // namespace

namespace {
/// Findings rendered by clang's own TextDiagnostic, as clang and clang-tidy
/// print theirs: the line-number gutter, tab and UTF-8 widths, fix-its
/// under the caret, clang's colours.
class ClangText {
public:
  ClangText(llvm::raw_ostream &OS, const RenderOptions &Opts)
      : DiagOpts(new clang::DiagnosticOptions()),
        FM(clang::FileSystemOptions()),
        Diags(new clang::DiagnosticIDs(), DiagOpts.get(),
              new clang::IgnoringDiagConsumer()),
        SM(Diags, FM), Opts(Opts) {
    DiagOpts->ShowColors = Opts.Color;
    OS.enable_colors(Opts.Color);
    Text = std::make_unique<clang::TextDiagnostic>(OS, LangOpts, DiagOpts.get());
  }

  /// False when L's file cannot be read (it is then shown another way).
  bool emit(const SourceLoc &L, clang::DiagnosticsEngine::Level Level,
            llvm::StringRef Message, const std::vector<FixIt> &Fixes = {}) {
    clang::FullSourceLoc Loc = locate(L);
    if (Loc.isInvalid())
      return false;
    std::vector<clang::FixItHint> Hints;
    for (const FixIt &X : Fixes) {
      clang::FullSourceLoc At = locate(X.Loc);
      if (At.isValid())
        Hints.push_back(clang::FixItHint::CreateReplacement(
            clang::CharSourceRange::getCharRange(
                At, At.getLocWithOffset(X.Length)),
            X.Replacement));
    }
    Text->emitDiagnostic(Loc, Level, Message, {}, Hints);
    return true;
  }

private:
  clang::FullSourceLoc locate(const SourceLoc &L) {
    if (!L.valid())
      return {};
    // The path as the user reads it (relative below the base directory),
    // which is what clang prints.
    std::string Shown = L.str(Opts.BaseDir);
    for (int Colon = 0; Colon < 2; ++Colon)
      Shown.erase(Shown.rfind(':'));
    // Only a regular file is shown (a name that is a FIFO or a device is
    // never opened).
    if (!regularFileProblem(Shown).empty())
      return {};
    llvm::Expected<clang::FileEntryRef> File = FM.getFileRef(Shown);
    if (!File) {
      llvm::consumeError(File.takeError());
      return {};
    }
    clang::FileID FID = SM.getOrCreateFileID(*File, clang::SrcMgr::C_User);
    clang::SourceLocation At =
        SM.translateLineCol(FID, L.Line, L.Column ? L.Column : 1);
    return clang::FullSourceLoc(At, SM);
  }

  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> DiagOpts;
  clang::FileManager FM;
  clang::DiagnosticsEngine Diags;
  clang::SourceManager SM;
  clang::LangOptions LangOpts;
  const RenderOptions &Opts;
  std::unique_ptr<clang::TextDiagnostic> Text;
};

clang::DiagnosticsEngine::Level clangLevel(Severity S) {
  switch (S) {
  case Severity::Remark:
    return clang::DiagnosticsEngine::Remark;
  case Severity::Warning:
    return clang::DiagnosticsEngine::Warning;
  case Severity::Error:
    return clang::DiagnosticsEngine::Error;
  }
  return clang::DiagnosticsEngine::Warning;
}
} // namespace

std::string renderFindingsText(const std::vector<Finding> &Fs,
                               SourceLines &Lines, const RenderOptions &Opts) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  ClangText Clang(OS, Opts);
  Palette P{Opts.Color};
  for (const Finding &F : Fs) {
    Severity S = effectiveSeverity(F, Opts);
    std::string Message = F.Message + " [" + checkName(F.Check) +
                          (S != F.Level ? ",-warnings-as-errors" : "") + "]";
    if (!Clang.emit(F.Loc, clangLevel(S), Message, F.Fixes)) {
      // No file to show (a finding without a place, a file gone since).
      std::ostringstream Plain;
      Plain << P.bold() << F.Loc.str(Opts.BaseDir) << ": " << P.of(S)
            << severityName(S) << ": " << P.reset() << P.bold() << Message
            << P.reset() << "\n";
      excerpt(Plain, F.Loc, Lines, P.green(), P.reset());
      OS << Plain.str();
    }
    for (const Note &N : F.Notes) {
      if (!N.Loc.valid())
        continue;
      if (!Clang.emit(N.Loc, clang::DiagnosticsEngine::Note, N.Message)) {
        std::ostringstream Plain;
        Plain << P.bold() << N.Loc.str(Opts.BaseDir) << ": "
              << P.of(Severity::Remark, /*IsNote=*/true) << "note: "
              << P.reset() << N.Message << "\n";
        excerpt(Plain, N.Loc, Lines, P.green(), P.reset());
        OS << Plain.str();
      }
    }
  }
  OS.flush();
  return Out;
}

static Json locationJson(const SourceLoc &L) {
  return Json{{"file", L.File.str()}, {"line", L.Line}, {"column", L.Column}};
}

std::string renderFindingsJson(const std::vector<Finding> &Fs,
                               size_t Suppressed, const RenderOptions &Opts) {
  Json Findings = Json::array();
  size_t Warnings = 0, Errors = 0;
  for (const Finding &F : Fs) {
    Severity S = effectiveSeverity(F, Opts);
    if (S == Severity::Error)
      ++Errors;
    else if (S == Severity::Warning)
      ++Warnings;
    Json J = {{"check", checkName(F.Check)},
              {"severity", severityName(S)},
              {"location", locationJson(F.Loc)},
              {"message", F.Message}};
    Json Notes = Json::array();
    for (const Note &N : F.Notes)
      if (N.Loc.valid())
        Notes.push_back(
            {{"location", locationJson(N.Loc)}, {"message", N.Message}});
    J["notes"] = Notes;
    if (!F.Keys.empty())
      J["keys"] = F.Keys;
    if (!F.Configuration.empty()) {
      Json C = Json::object();
      // Values as JSON values: numbers and booleans typed, the rest text.
      for (const auto &[Name, Value] : F.Configuration) {
        Json Parsed = Json::parse(Value, nullptr, /*allow_exceptions=*/false);
        C[Name] =
            Parsed.is_number() || Parsed.is_boolean() ? Parsed : Json(Value);
      }
      J["configuration"] = C;
    }
    if (!F.Fixes.empty()) {
      Json Fixes = Json::array();
      for (const FixIt &X : F.Fixes)
        Fixes.push_back({{"location", locationJson(X.Loc)},
                         {"length", X.Length},
                         {"replacement", X.Replacement}});
      J["fixes"] = Fixes;
    }
    Findings.push_back(J);
  }
  Json Doc = {{"version", 1},
              {"findings", Findings},
              {"summary",
               {{"warnings", Warnings},
                {"errors", Errors},
                {"suppressed", Suppressed}}}};
  return dumpJson(Doc, 2) + "\n";
}

/// A URI reference for Path: percent-encodes what may not appear raw.
static std::string uriEscape(const std::string &Path) {
  static const char *Hex = "0123456789ABCDEF";
  std::string R;
  for (unsigned char C : Path) {
    if (std::isalnum(C) || std::string("/-._~").find(C) != std::string::npos) {
      R += char(C);
    } else {
      R += '%';
      R += Hex[C >> 4];
      R += Hex[C & 15];
    }
  }
  return R;
}

/// The artifact location of File: relative to %SRCROOT% below BaseDir, a
/// file: URI elsewhere.
static Json sarifArtifact(const std::string &File, const RenderOptions &Opts) {
  const std::string &Base = Opts.BaseDir;
  if (!Base.empty() && File.compare(0, Base.size() + 1, Base + "/") == 0)
    return {{"uri", uriEscape(File.substr(Base.size() + 1))},
            {"uriBaseId", "%SRCROOT%"}};
  return {{"uri", "file://" + uriEscape(File)}};
}

static Json sarifLocation(const SourceLoc &L, const RenderOptions &Opts) {
  Json Region = {{"startLine", L.Line}};
  if (L.Column)
    Region["startColumn"] = L.Column;
  return {{"physicalLocation",
           {{"artifactLocation", sarifArtifact(L.File, Opts)},
            {"region", Region}}}};
}

static const char *sarifLevel(Severity S) {
  switch (S) {
  case Severity::Remark:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "none";
}

/// 64-bit FNV-1a, in hex: the same on every machine and release, which a
/// fingerprint must be (std::hash is neither).
static std::string stableHash(const std::string &Text) {
  uint64_t H = 14695981039346656037ull;
  for (unsigned char C : Text) {
    H ^= C;
    H *= 1099511628211ull;
  }
  static const char *Hex = "0123456789abcdef";
  std::string R(16, '0');
  for (int I = 15; I >= 0; --I, H >>= 4)
    R[I] = Hex[H & 15];
  return R;
}

/// The text of a line with its leading and trailing blanks removed.
static std::string trimmed(const std::string &Line) {
  size_t B = Line.find_first_not_of(" \t\r");
  if (B == std::string::npos)
    return "";
  return Line.substr(B, Line.find_last_not_of(" \t\r") - B + 1);
}

std::string checkHelpUri(CheckId Id, const std::string &ToolVersion) {
  return "https://github.com/torch-keycheck/torch-keycheck/blob/v" +
         ToolVersion + "/docs/checks/" + checkName(Id) + ".md";
}

std::string renderFindingsSarif(const std::vector<Finding> &Fs,
                                const std::vector<Finding> &Suppressed,
                                const RenderOptions &Opts,
                                const SarifInvocation &Invocation) {
  Json Rules = Json::array();
  // One rule per check, in CheckId order: a finding's check is its index.
  for (const CheckInfo &C : allChecks()) {
    Json Rule = {{"id", C.Name}, {"shortDescription", {{"text", C.Summary}}}};
    std::string Description = checkDescription(C.Id);
    if (!Description.empty())
      Rule["fullDescription"] = {{"text", Description}};
    Rule["defaultConfiguration"] = {{"level", sarifLevel(C.Level)}};
    const std::string &Page = checkDocumentation(C.Id);
    if (!Page.empty())
      Rule["help"] = {{"text", Page}, {"markdown", Page}};
    Rule["helpUri"] = checkHelpUri(C.Id, Invocation.ToolVersion);
    Rules.push_back(Rule);
  }
  Json Results = Json::array();
  SourceLines Lines;
  // Findings alike in check, file, message and line text are told apart
  // by their order.
  std::map<std::string, unsigned> Seen;
  auto Add = [&](const Finding &F, bool IsSuppressed) {
    if (!F.Loc.valid())
      return;
    Json R = {{"ruleId", checkName(F.Check)},
              {"level", sarifLevel(effectiveSeverity(F, Opts))},
              {"message", {{"text", F.Message}}},
              {"locations", Json::array({sarifLocation(F.Loc, Opts)})}};
    R["ruleIndex"] = static_cast<size_t>(F.Check);
    // Code scanning matches a result across commits by its fingerprint:
    // made of what the finding is and the text of its line, not the line
    // number, it survives lines added above it.
    Json Artifact = sarifArtifact(F.Loc.File, Opts);
    std::string Identity = std::string(checkName(F.Check)) + '\0' +
                           Artifact["uri"].get<std::string>() + '\0' +
                           F.Message + '\0' +
                           trimmed(Lines.line(F.Loc.File, F.Loc.Line));
    unsigned Occurrence = ++Seen[Identity];
    R["partialFingerprints"] = {
        {"torchKeycheck/v1",
         stableHash(Identity) + ":" + std::to_string(Occurrence)}};
    Json Related = Json::array();
    for (const Note &N : F.Notes) {
      if (!N.Loc.valid())
        continue;
      Json L = sarifLocation(N.Loc, Opts);
      L["id"] = Related.size();
      L["message"] = {{"text", N.Message}};
      Related.push_back(L);
    }
    if (!Related.empty())
      R["relatedLocations"] = Related;
    Json Changes = Json::array();
    for (const FixIt &X : F.Fixes) {
      if (!X.Loc.valid())
        continue;
      Json Deleted = {{"startLine", X.Loc.Line},
                      {"startColumn", X.Loc.Column ? X.Loc.Column : 1}};
      Deleted["endColumn"] = Deleted["startColumn"].get<unsigned>() + X.Length;
      Changes.push_back(
          {{"artifactLocation", sarifArtifact(X.Loc.File, Opts)},
           {"replacements",
            Json::array({{{"deletedRegion", Deleted},
                          {"insertedContent", {{"text", X.Replacement}}}}})}});
    }
    if (!Changes.empty())
      R["fixes"] = Json::array(
          {{{"description", {{"text", "apply the suggested replacement"}}},
            {"artifactChanges", Changes}}});
    if (IsSuppressed)
      R["suppressions"] = Json::array({{{"kind", "inSource"}}});
    Results.push_back(R);
  };
  for (const Finding &F : Fs)
    Add(F, false);
  for (const Finding &F : Suppressed)
    Add(F, true);

  Json Invoked = {{"executionSuccessful", Invocation.Successful}};
  if (!Invocation.Arguments.empty()) {
    Invoked["arguments"] = Invocation.Arguments;
    std::string Line;
    for (const std::string &A : Invocation.Arguments)
      Line += (Line.empty() ? "" : " ") + A;
    Invoked["commandLine"] = Line;
  }
  if (!Opts.BaseDir.empty())
    Invoked["workingDirectory"] = {
        {"uri", "file://" + uriEscape(Opts.BaseDir) + "/"}};
  if (!Invocation.Problems.empty()) {
    Json Notes = Json::array();
    for (const std::string &P : Invocation.Problems)
      Notes.push_back({{"level", "error"}, {"message", {{"text", P}}}});
    Invoked["toolExecutionNotifications"] = Notes;
  }
  Json Run = {{"tool",
               {{"driver",
                 {{"name", "torch-keycheck"},
                  {"version", Invocation.ToolVersion},
                  {"informationUri",
                   "https://github.com/torch-keycheck/torch-keycheck"},
                  {"rules", Rules}}}}},
              {"invocations", Json::array({Invoked})},
              {"results", Results}};
  if (!Opts.BaseDir.empty())
    Run["originalUriBaseIds"] = {
        {"%SRCROOT%", {{"uri", "file://" + uriEscape(Opts.BaseDir) + "/"}}}};
  Json Log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({Run})}};
  return dumpJson(Log, 2) + "\n";
}

size_t byteOffsetIn(const std::string &Text, unsigned Line, unsigned Column) {
  size_t Offset = 0;
  for (unsigned N = 1; N < Line; ++N) {
    Offset = Text.find('\n', Offset);
    if (Offset == std::string::npos)
      return Offset;
    ++Offset;
  }
  return Offset + (Column ? Column - 1 : 0);
}

/// The byte offset of L in its file, or -1 when the file or line is not
/// there.
static long long byteOffset(const SourceLoc &L) {
  std::string Text;
  try {
    Text = readRegularFile(L.File.str(), uint64_t(1) << 30);
  } catch (const FileError &) {
    return -1;
  }
  size_t Offset = byteOffsetIn(Text, L.Line, L.Column);
  return Offset == std::string::npos ? -1 : (long long)Offset;
}

/// A YAML single-quoted scalar.
static std::string yamlQuote(const std::string &S) {
  std::string R = "'";
  for (char C : S)
    R += C == '\'' ? std::string("''") : std::string(1, C);
  return R + "'";
}

std::string renderFixesYaml(const std::vector<Finding> &Fs,
                            const std::string &MainSourceFile,
                            const std::string &BuildDirectory,
                            const RenderOptions &Opts) {
  auto Absolute = [](llvm::StringRef Path) {
    llvm::SmallString<256> P(Path);
    llvm::sys::fs::make_absolute(P);
    return std::string(P);
  };
  auto Message = [&](const std::string &Text, const SourceLoc &Loc) {
    clang::tooling::DiagnosticMessage M(Text);
    if (Loc.valid()) {
      long long At = byteOffset(Loc);
      M.FilePath = Absolute(Loc.File.str());
      M.FileOffset = At < 0 ? 0 : static_cast<unsigned>(At);
    }
    return M;
  };
  // As clang-tidy writes it (clang's own YAML traits): every diagnostic
  // shown, its notes, its fix-its under its message.
  clang::tooling::TranslationUnitDiagnostics TU;
  TU.MainSourceFile = MainSourceFile;
  for (const Finding &F : Fs) {
    Severity S = effectiveSeverity(F, Opts);
    clang::tooling::Diagnostic D(
        checkName(F.Check),
        S == Severity::Error     ? clang::tooling::Diagnostic::Error
        : S == Severity::Warning ? clang::tooling::Diagnostic::Warning
                                 : clang::tooling::Diagnostic::Remark,
        BuildDirectory);
    D.Message = Message(F.Message, F.Loc);
    for (const FixIt &X : F.Fixes) {
      long long At = byteOffset(X.Loc);
      if (!X.Loc.valid() || At < 0)
        continue;
      std::string File = Absolute(X.Loc.File.str());
      // Overlapping fix-its of one finding: the first stands.
      llvm::consumeError(D.Message.Fix[File].add(clang::tooling::Replacement(
          File, static_cast<unsigned>(At), X.Length, X.Replacement)));
    }
    for (const Note &N : F.Notes)
      D.Notes.push_back(Message(N.Message, N.Loc));
    TU.Diagnostics.push_back(std::move(D));
  }
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::yaml::Output YAML(OS);
  YAML << TU;
  OS.flush();
  return Out;
}

} // namespace torchkc
