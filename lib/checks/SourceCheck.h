//===- SourceCheck.h - The source checks, inside ---------------*- C++ -*-===//
//
// The source checks run over one class at a time (ClassLinter); each
// check's methods are in the file named after it, the helpers they share
// in SourceCheckSupport.cpp, and SourceChecks.cpp lists them and runs them.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_LIB_CHECKS_SOURCECHECK_H
#define TORCH_KEYCHECK_LIB_CHECKS_SOURCECHECK_H

#include "torch-keycheck/checks/Findings.h"
#include "torch-keycheck/graph/RegistrationGraph.h"

#include <set>
#include <string>
#include <vector>

namespace torchkc {
namespace checks {

/// The string literals a name is concatenated from.
void literalPieces(const SymExprPtr &E, std::vector<std::string> &Out);

const char *kindName(Registration::Kind K);

/// The conjuncts of a guard: `a && b && c` is {a, b, c}.
void conjuncts(const SymExprPtr &E, std::vector<SymExprPtr> &Out);

/// Whether atoms A and B cannot both hold: `c` and `!c`, `x == 1` and
/// `x == 2`, `x == 1` and `x != 1` (the shapes if/else and switch give).
bool contradicts(const SymExprPtr &A, const SymExprPtr &B);

/// Whether the guards of two registrations exclude each other, so that no
/// run of the constructor makes both calls.
bool exclusive(const Registration &A, const Registration &B);

/// Where a (possibly combined) condition is written: the guard that was
/// pushed last carries the location of its `if` or `switch`.
SourceLoc conditionLoc(const SymExprPtr &E);

std::string quotedList(const std::vector<std::string> &Names);

/// What a condition or loop bound depends on, for a note: the constructor
/// parameters it reads, or that it is known only at run time.
std::string dependence(const std::vector<SymExprPtr> &Values,
                       const std::set<std::string> &LoopVars);

/// The findings of one class, collected from its constructors.
class ClassLinter {
public:
  explicit ClassLinter(const ModuleClass &C) : C(C) {}

  /// Every source check on the class (listed in SourceChecks.cpp).
  std::vector<Finding> run();

private:
  Finding &report(CheckId Check, const SourceLoc &Loc, std::string Message) {
    Out.emplace_back(Check, Loc, std::move(Message));
    return Out.back();
  }

  void checkNames(const Constructor &Ctor);

  void checkName(const SymExprPtr &Name, const SourceLoc &Loc);

  /// ModuleDict and ParameterDict entries are registered under their keys.
  void checkContainerNames(const SymExprPtr &V, const SourceLoc &Loc);

  void checkDuplicates(const Constructor &Ctor);

  void checkUnregistered(const Constructor &Ctor);

  void checkConditional(const Constructor &Ctor);

  /// Children added to a container under a condition or in a loop of
  /// unknown count: they move the indices of the children after them.
  void checkContainerChildren(const Constructor &Ctor, const SymExprPtr &V,
                              const std::string &Container);

  void checkUnresolved(const Constructor &Ctor);

  void checkOutsideConstructors();

  const ModuleClass &C;
  std::set<std::string> LoopVars;
  std::vector<Finding> Out;
};

} // namespace checks
} // namespace torchkc

#endif
