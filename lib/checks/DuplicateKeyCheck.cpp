//===- DuplicateKeyCheck.cpp - A name registered twice on one path --------===//
//
// torch-duplicate-key: docs/checks/torch-duplicate-key.md.
//
//===----------------------------------------------------------------------===//
#include "SourceCheck.h"

namespace torchkc {
namespace checks {

void ClassLinter::checkDuplicates(const Constructor &Ctor) {
  const auto &Regs = Ctor.Registrations;
  std::vector<SymExprPtr> Names;
  for (const Registration &R : Regs)
    Names.push_back(fold(R.Name, {}));
  for (size_t I = 0; I < Regs.size(); ++I) {
    auto S = Names[I]->asString();
    if (!S || S->empty())
      continue;
    for (size_t J = 0; J < I; ++J) {
      if (Names[J]->asString() != S || exclusive(Regs[I], Regs[J]))
        continue;
      if (Regs[J].Loc.str() == Regs[I].Loc.str()) {
        // The same call run twice: an unrolled loop or a helper called
        // in one.
        report(CheckId::DuplicateKey, Regs[I].Loc,
               "'" + *S +
                   "' is registered each time this call runs; "
                   "LibTorch throws on the second");
        break;
      }
      // LibTorch keeps submodules, parameters and buffers apart: a
      // second name of the same kind throws at construction, a name
      // shared across kinds only when torch::save meets both.
      std::string Message =
          Regs[J].K == Regs[I].K
              ? "'" + *S +
                    "' is already registered; LibTorch throws when "
                    "registering it again"
              : "'" + *S + "' is already registered as a " +
                    kindName(Regs[J].K) + "; torch::save throws on the clash";
      report(CheckId::DuplicateKey, Regs[I].Loc, Message)
          .Notes.push_back(
              {Regs[J].Loc, "previous registration of '" + *S + "' is here"});
      break;
    }
    // A fixed name in a loop of unknown count is registered again by the
    // loop's second iteration.
    if (!Regs[I].Loops.empty()) {
      const LoopInfo &L = Ctor.Loops[Regs[I].Loops.back()];
      report(CheckId::DuplicateKey, Regs[I].Loc,
             "'" + *S +
                 "' is registered in every iteration of a loop; LibTorch "
                 "throws on the second")
          .Notes.push_back({L.Loc, "loop is here"});
    }
  }
}

} // namespace checks
} // namespace torchkc
