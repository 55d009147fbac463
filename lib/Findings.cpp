//===- Findings.cpp - Check filters ---------------------------------------===//
#include "torch-keycheck/Findings.h"

namespace torchkc {

const std::vector<CheckInfo> &allChecks() {
  static const std::vector<CheckInfo> Checks = {
      {"torch-checkpoint-configuration", Severity::Remark,
       "which configuration of the model a checkpoint matches"},
      {"torch-checkpoint-dtype-mismatch", Severity::Warning,
       "a tensor whose dtype differs from the checkpoint's"},
      {"torch-checkpoint-missing-key", Severity::Error,
       "a key the model registers and the checkpoint lacks"},
      {"torch-checkpoint-parameter-order", Severity::Warning,
       "parameters in another order than the checkpoint's, shapes alike"},
      {"torch-checkpoint-prefix", Severity::Error,
       "checkpoint keys under a wrapper's prefix (module., _orig_mod.)"},
      {"torch-checkpoint-renamed", Severity::Error,
       "a module or tensor the checkpoint has under a similar name"},
      {"torch-checkpoint-reordered", Severity::Error,
       "container children at other indices than the checkpoint's"},
      {"torch-checkpoint-shape-mismatch", Severity::Error,
       "a tensor whose shape differs from the checkpoint's"},
      {"torch-checkpoint-unexpected-key", Severity::Error,
       "a checkpoint key the model does not register"},
      {"torch-conditional-registration", Severity::Warning,
       "a key whose presence or count depends on configuration"},
      {"torch-duplicate-key", Severity::Error,
       "the same name registered twice on one path (LibTorch throws)"},
      {"torch-golden-drift", Severity::Error,
       "keys that differ from the project's committed golden manifest"},
      {"torch-invalid-key-name", Severity::Error,
       "an empty name or one containing a dot (LibTorch throws)"},
      {"torch-optimizer-kind", Severity::Error,
       "optimizer state saved by another optimizer than the one loading it"},
      {"torch-optimizer-parameter-count", Severity::Error,
       "optimizer state for another number of parameters"},
      {"torch-optimizer-state-shape", Severity::Error,
       "optimizer state whose shapes do not fit the parameters in order"},
      {"torch-registration-outside-constructor", Severity::Warning,
       "a registration in a member function no constructor calls"},
      {"torch-unregistered-submodule", Severity::Warning,
       "a module or tensor member assigned but never registered"},
      {"torch-unresolved-key", Severity::Warning,
       "a name or module the analyzer cannot determine"},
  };
  return Checks;
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

bool CheckFilter::matches(const std::string &Check) const {
  bool Result = false;
  for (const auto &[Positive, Glob] : Globs)
    if (globMatch(Glob, Check))
      Result = Positive;
  return Result;
}

} // namespace torchkc
