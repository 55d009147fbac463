//===- SourceChecks.cpp - The source checks, listed and run ---------------===//
//
// Each check reads the registration graph only: what the constructor
// registers, under which guards and loops, and which members it assigns.
// Names are folded with no configuration bound, so a name or condition
// that depends on a constructor parameter stays symbolic here: the checks
// judge the source, not one configuration of it.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/checks/SourceChecks.h"

#include "SourceCheck.h"

#include <set>
#include <tuple>

namespace torchkc {
namespace checks {

// The source checks, each in the file named after it.
std::vector<Finding> ClassLinter::run() {
  for (const Constructor &Ctor : C.Constructors) {
    LoopVars.clear();
    for (const LoopInfo &L : Ctor.Loops)
      LoopVars.insert(L.Var);
    checkNames(Ctor);
    checkDuplicates(Ctor);
    checkUnregistered(Ctor);
    checkConditional(Ctor);
    checkUnresolved(Ctor);
  }
  checkOutsideConstructors();
  return std::move(Out);
}

} // namespace checks

namespace {

/// Source order, each (check, location) once: a construct reached several
/// ways says the same thing each time.
void sortAndUnique(std::vector<Finding> &Fs) {
  sortBySourceLocation(Fs);
  std::set<std::tuple<CheckId, std::string>> Seen;
  std::vector<Finding> Unique;
  for (Finding &F : Fs)
    if (Seen.insert({F.Check, F.Loc.str()}).second)
      Unique.push_back(std::move(F));
  Fs = std::move(Unique);
}

} // namespace

std::vector<Finding> lintClass(const ModuleClass &C) {
  std::vector<Finding> Fs = checks::ClassLinter(C).run();
  sortAndUnique(Fs);
  return Fs;
}

std::vector<Finding> lintGraph(const RegistrationGraph &G) {
  std::vector<Finding> All;
  for (const ModuleClass &C : G.Classes) {
    std::vector<Finding> Fs = checks::ClassLinter(C).run();
    All.insert(All.end(), std::make_move_iterator(Fs.begin()),
               std::make_move_iterator(Fs.end()));
  }
  sortAndUnique(All);
  return All;
}

} // namespace torchkc
