//===- SourceCheckSupport.cpp - What the source checks share --------------===//
#include "SourceCheck.h"

namespace torchkc {
namespace checks {

void literalPieces(const SymExprPtr &E, std::vector<std::string> &Out) {
  if (auto S = E->asString())
    Out.push_back(*S);
  else if (E->K == SymExpr::Kind::Binary && E->Name == "+")
    for (const SymExprPtr &A : E->Args)
      literalPieces(A, Out);
}

const char *kindName(Registration::Kind K) {
  switch (K) {
  case Registration::Kind::Module:
    return "submodule";
  case Registration::Kind::Parameter:
    return "parameter";
  case Registration::Kind::Buffer:
    return "buffer";
  }
  return "";
}

void conjuncts(const SymExprPtr &E, std::vector<SymExprPtr> &Out) {
  if (E->K == SymExpr::Kind::Binary && E->Name == "&&") {
    conjuncts(E->Args[0], Out);
    conjuncts(E->Args[1], Out);
  } else if (!(E->K == SymExpr::Kind::Bool && E->BoolVal)) {
    Out.push_back(E);
  }
}

bool contradicts(const SymExprPtr &A, const SymExprPtr &B) {
  auto IsNot = [](const SymExprPtr &N, const SymExprPtr &E) {
    return N->K == SymExpr::Kind::Unary && N->Name == "!" &&
           N->Args[0]->str() == E->str();
  };
  if (IsNot(A, B) || IsNot(B, A))
    return true;
  if (A->K != SymExpr::Kind::Binary || B->K != SymExpr::Kind::Binary ||
      A->Args[0]->str() != B->Args[0]->str() || !A->Args[1]->isConstant() ||
      !B->Args[1]->isConstant())
    return false;
  bool SameValue = A->Args[1]->str() == B->Args[1]->str();
  if (A->Name == "==" && B->Name == "==")
    return !SameValue;
  if ((A->Name == "==" && B->Name == "!=") ||
      (A->Name == "!=" && B->Name == "=="))
    return SameValue;
  return false;
}

bool exclusive(const Registration &A, const Registration &B) {
  std::vector<SymExprPtr> AA, BB;
  for (const SymExprPtr &G : A.Guards)
    conjuncts(G, AA);
  for (const SymExprPtr &G : B.Guards)
    conjuncts(G, BB);
  for (const SymExprPtr &X : AA)
    for (const SymExprPtr &Y : BB)
      if (contradicts(X, Y))
        return true;
  return false;
}

SourceLoc conditionLoc(const SymExprPtr &E) {
  if (E->Loc.valid())
    return E->Loc;
  if (E->K == SymExpr::Kind::Binary)
    for (size_t I = E->Args.size(); I-- > 0;)
      if (SourceLoc L = conditionLoc(E->Args[I]); L.valid())
        return L;
  return {};
}

std::string quotedList(const std::vector<std::string> &Names) {
  std::string R;
  for (size_t I = 0; I < Names.size(); ++I) {
    if (I)
      R += I + 1 == Names.size() ? " and " : ", ";
    R += "'" + Names[I] + "'";
  }
  return R;
}

std::string dependence(const std::vector<SymExprPtr> &Values,
                       const std::set<std::string> &LoopVars) {
  std::vector<std::string> Params, Knobs;
  bool Unknown = false;
  for (const SymExprPtr &V : Values) {
    collectParams(V, Params);
    Unknown = Unknown || containsUnknown(V);
  }
  for (const std::string &P : Params)
    if (!LoopVars.count(P))
      Knobs.push_back(P);
  if (!Knobs.empty())
    return std::string("depends on constructor parameter") +
           (Knobs.size() > 1 ? "s " : " ") + quotedList(Knobs);
  if (Unknown)
    return "is known only at run time";
  return "depends on the enclosing loop";
}

} // namespace checks
} // namespace torchkc
