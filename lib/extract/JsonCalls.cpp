//===- JsonCalls.cpp - Configurations held in nlohmann::json ---------------===//
//
// Models configured by a JSON object (`params[name]["layers"]`): a JSON
// parameter is a record the defines give member by member
// (`--define params.resnet18.layers=[2,2,2,2]`), a JSON literal in the
// source (`R"({...})"_json`, `json::parse("...")`, `json{{"in", 3}}`) is
// its value, and reads (`[]`, `at`, `value`, `get<T>()`, conversions,
// `size`) look members up once keys are known.
//
//===----------------------------------------------------------------------===//
#include "ConstructorWalker.h"

namespace torchkc {
namespace extract {

/// A JSON object's member or an array's element: `Object[Key]`.
static SymExprPtr jsonMember(SymExprPtr Object, SymExprPtr Key,
                             SymExprPtr Default = nullptr) {
  if (Key->K == SymExpr::Kind::Int)
    return fold(SymExpr::makeCall("at", {std::move(Object), std::move(Key)}),
                {});
  std::vector<SymExprPtr> Args = {std::move(Object), SymExpr::makeInt(-1),
                                  std::move(Key)};
  if (Default)
    Args.push_back(std::move(Default));
  return fold(SymExpr::makeCall("field", std::move(Args)), {});
}

/// nlohmann's rule for a braced initialiser: a list of [string, value]
/// pairs is an object, any other list an array.
static SymExprPtr jsonFromBraces(SymExprPtr List) {
  if (List->K != SymExpr::Kind::List || List->Args.empty())
    return List;
  for (const SymExprPtr &E : List->Args)
    if (E->K != SymExpr::Kind::List || E->Args.size() != 2 ||
        E->Args[0]->K != SymExpr::Kind::String)
      return List;
  auto R = std::make_shared<SymExpr>();
  R->K = SymExpr::Kind::Call;
  R->Name = "record";
  R->Args = List->Args;
  return R;
}

SymExprPtr ConstructorWalker::jsonAccess(const MemberCall &C) {
  if (!isJson(C.Object->getType()))
    return nullptr;
  const CXXMemberCallExpr *MC = C.Call;
  // `j.get<std::vector<int64_t>>()`, `(int64_t)j`: the value itself.
  if (isa<CXXConversionDecl>(C.Method) ||
      (C.Name == "get" && MC->getNumArgs() == 0))
    return translate(C.Object);
  if (C.Name == "size" && MC->getNumArgs() == 0)
    return fold(SymExpr::makeCall("size", {translate(C.Object)}), {});
  if (C.Name == "at" && MC->getNumArgs() == 1)
    return jsonMember(translate(C.Object), translate(MC->getArg(0)));
  if (C.Name == "value" && MC->getNumArgs() == 2)
    return jsonMember(translate(C.Object), translate(MC->getArg(0)),
                      translate(MC->getArg(1)));
  return nullptr;
}

SymExprPtr ConstructorWalker::jsonSubscript(const CXXOperatorCallExpr *OC) {
  return jsonMember(translate(OC->getArg(0)), translate(OC->getArg(1)));
}

SymExprPtr ConstructorWalker::jsonConstruct(const CXXConstructExpr *CE) {
  if (CE->getNumArgs() == 0)
    return SymExpr::makeUnknown("null");
  // `json{{"layers", {2, 2}}, {"in", 3}}` and each braced element of it.
  const Expr *First = CE->getArg(0)->IgnoreImplicit();
  if (isa<CXXStdInitializerListExpr>(First) || isa<InitListExpr>(First))
    return jsonFromBraces(translate(First));
  return translate(CE->getArg(0));
}

SymExprPtr ConstructorWalker::jsonText(const CallExpr *CE) {
  // `json::parse("...")` and `"..."_json` on a literal the source spells.
  const FunctionDecl *FD = CE->getDirectCallee();
  if (!FD || CE->getNumArgs() < 1)
    return nullptr;
  bool Parse = isa<CXXMethodDecl>(FD) && FD->getIdentifier() &&
               FD->getName() == "parse" &&
               isJson(cast<CXXMethodDecl>(FD)->getThisType()->getPointeeType());
  bool Literal = FD->getLiteralIdentifier() &&
                 FD->getLiteralIdentifier()->getName() == "_json";
  if (!Parse && !Literal)
    return nullptr;
  const auto *SL =
      dyn_cast<StringLiteral>(CE->getArg(0)->IgnoreParenImpCasts());
  if (!SL || !SL->isOrdinary())
    return unknown(CE);
  if (SymExprPtr V = parseJsonValue(SL->getString().str()))
    return V;
  unresolved(CE->getBeginLoc(),
             "the JSON text here is not valid JSON, or nests deeper or holds "
             "more than is followed (64 levels, 100,000 values)");
  return unknown(CE);
}

} // namespace extract
} // namespace torchkc
