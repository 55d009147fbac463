//===- Checks.cpp - The checks of Checks.def, and check filters -----------===//
#include "torch-keycheck/checks/Findings.h"

#include <algorithm>
#include <tuple>

namespace torchkc {

const std::vector<CheckInfo> &allChecks() {
  static const std::vector<CheckInfo> Checks = {
#define TORCHKC_CHECK(Id, Name, Level, From, Summary)                          \
  {CheckId::Id, Name, Severity::Level, Feed::From, Summary},
#include "torch-keycheck/checks/Checks.def"
  };
  return Checks;
}

const CheckInfo &checkInfo(CheckId Id) {
  // Checks.def lists them in the enum's order.
  return allChecks()[static_cast<size_t>(Id)];
}

std::optional<CheckId> checkNamed(const std::string &Name) {
  for (const CheckInfo &C : allChecks())
    if (Name == C.Name)
      return C.Id;
  return std::nullopt;
}

const std::string &checkDocumentation(CheckId Id) {
  static const std::vector<std::string> Pages = [] {
    std::vector<std::string> P(allChecks().size());
    auto Add = [&](const char *Name, const char *Page) {
      if (std::optional<CheckId> C = checkNamed(Name))
        P[static_cast<size_t>(*C)] = Page;
    };
#define TORCHKC_CHECK_DOC(Name, Page) Add(Name, Page);
#include "CheckDocs.inc"
#undef TORCHKC_CHECK_DOC
    return P;
  }();
  return Pages[static_cast<size_t>(Id)];
}

std::string checkDescription(CheckId Id) {
  // Paragraphs are separated by blank lines; the title ("# name") and the
  // severity line ("**Severity:** ...") come first.
  const std::string &Page = checkDocumentation(Id);
  std::string Paragraph;
  size_t Pos = 0;
  while (Pos < Page.size()) {
    size_t End = Page.find("\n\n", Pos);
    if (End == std::string::npos)
      End = Page.size();
    std::string P = Page.substr(Pos, End - Pos);
    Pos = End + 2;
    P.erase(0, P.find_first_not_of('\n'));
    if (P.empty() || P[0] == '#' || P.rfind("**", 0) == 0)
      continue;
    for (char C : P)
      Paragraph += C == '\n' ? ' ' : C;
    break;
  }
  return Paragraph;
}

Finding::Finding(CheckId Check, SourceLoc Loc, std::string Message,
                 std::vector<Note> Notes)
    : Check(Check), Level(checkInfo(Check).Level), Loc(std::move(Loc)),
      Message(std::move(Message)), Notes(std::move(Notes)) {}

void sortBySourceLocation(std::vector<Finding> &Fs) {
  std::stable_sort(Fs.begin(), Fs.end(),
                   [](const Finding &A, const Finding &B) {
                     return std::tie(A.Loc.File, A.Loc.Line, A.Loc.Column) <
                            std::tie(B.Loc.File, B.Loc.Line, B.Loc.Column);
                   });
}

bool globMatch(const std::string &Pattern, const std::string &Text) {
  // Iterative wildcard match: on a mismatch, let the last `*` take one
  // more character.
  size_t P = 0, T = 0, Star = std::string::npos, Mark = 0;
  while (T < Text.size()) {
    if (P < Pattern.size() && Pattern[P] == '*') {
      Star = P++;
      Mark = T;
    } else if (P < Pattern.size() && Pattern[P] == Text[T]) {
      ++P;
      ++T;
    } else if (Star != std::string::npos) {
      P = Star + 1;
      T = ++Mark;
    } else {
      return false;
    }
  }
  while (P < Pattern.size() && Pattern[P] == '*')
    ++P;
  return P == Pattern.size();
}

CheckFilter::CheckFilter(const std::string &Text) {
  size_t Begin = 0;
  while (Begin <= Text.size()) {
    size_t End = Text.find(',', Begin);
    if (End == std::string::npos)
      End = Text.size();
    std::string G = Text.substr(Begin, End - Begin);
    G.erase(0, G.find_first_not_of(" \t\n"));
    G.erase(G.find_last_not_of(" \t\n") + 1);
    if (!G.empty()) {
      bool Positive = G[0] != '-';
      Globs.push_back({Positive, Positive ? G : G.substr(1)});
    }
    Begin = End + 1;
  }
}

bool CheckFilter::matchesAny(Feed From) const {
  for (const CheckInfo &C : allChecks())
    if (C.From == From && matches(C.Name))
      return true;
  return false;
}

bool CheckFilter::matches(const std::string &Check) const {
  bool Result = false;
  for (const auto &[Positive, Glob] : Globs)
    if (globMatch(Glob, Check))
      Result = Positive;
  return Result;
}

} // namespace torchkc
