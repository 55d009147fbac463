//===- Findings.cpp - Check filters ---------------------------------------===//
#include "torch-keycheck/Findings.h"

namespace torchkc {

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

bool CheckFilter::matches(const std::string &Check) const {
  bool Result = false;
  for (const auto &[Positive, Glob] : Globs)
    if (globMatch(Glob, Check))
      Result = Positive;
  return Result;
}

} // namespace torchkc
