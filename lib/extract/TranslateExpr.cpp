//===- TranslateExpr.cpp - C++ expressions to symbolic values -------------===//
//
// C++ expressions as symbolic values (SymExpr): constants, arithmetic,
// variables, constructions and calls.
//
//===----------------------------------------------------------------------===//
#include "ConstructorWalker.h"

#include "llvm/ADT/StringSet.h"

namespace torchkc {
namespace extract {

std::vector<SymExprPtr>
ConstructorWalker::translateArgs(ArrayRef<const Expr *> Args) {
  std::vector<SymExprPtr> R;
  for (const Expr *A : Args) {
    if (isa<CXXDefaultArgExpr>(A))
      break; // Defaults are the callee's business: it applies them.
    R.push_back(translate(A));
  }
  return R;
}

std::vector<const Expr *> ConstructorWalker::args(const CallExpr *C,
                                                  unsigned From) {
  std::vector<const Expr *> R;
  for (unsigned I = From; I < C->getNumArgs(); ++I)
    R.push_back(C->getArg(I));
  return R;
}

std::vector<const Expr *> ConstructorWalker::args(const CXXConstructExpr *C) {
  std::vector<const Expr *> R;
  for (unsigned I = 0; I < C->getNumArgs(); ++I)
    R.push_back(C->getArg(I));
  return R;
}

SymExprPtr ConstructorWalker::constant(const Expr *E) {
  if (E->isValueDependent() || E->isTypeDependent())
    return nullptr;
  QualType T = E->getType();
  if (!T->isIntegralOrEnumerationType() && !T->isRealFloatingType() &&
      !T->isBooleanType())
    return nullptr;
  Expr::EvalResult R;
  if (!E->EvaluateAsRValue(R, Ctx) || R.HasSideEffects)
    return nullptr;
  if (R.Val.isInt()) {
    if (T->isBooleanType())
      return SymExpr::makeBool(R.Val.getInt().getBoolValue());
    return SymExpr::makeInt(R.Val.getInt().getExtValue());
  }
  if (R.Val.isFloat())
    return SymExpr::makeFloat(R.Val.getFloat().convertToDouble());
  return nullptr;
}

SymExprPtr ConstructorWalker::translate(const Expr *E) {
  if (!E)
    return SymExpr::makeUnknown("");
  // Wrappers that do not change the value.
  if (const auto *FE = dyn_cast<FullExpr>(E))
    return translate(FE->getSubExpr());
  if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E))
    return translate(MT->getSubExpr());
  if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(E))
    return translate(BT->getSubExpr());
  if (const auto *PE = dyn_cast<ParenExpr>(E))
    return translate(PE->getSubExpr());
  if (const auto *DA = dyn_cast<CXXDefaultArgExpr>(E))
    return translate(DA->getExpr());
  if (const auto *DI = dyn_cast<CXXDefaultInitExpr>(E))
    return translate(DI->getExpr());
  if (const auto *IL = dyn_cast<CXXStdInitializerListExpr>(E))
    return translate(IL->getSubExpr());

  if (SymExprPtr C = constant(E))
    return C;

  if (const auto *Cast = dyn_cast<CastExpr>(E)) {
    // A floating value made an integer (`int c = 8 * std::pow(2, i)`)
    // truncates. A functional cast that constructs (`Linear(10)`) is
    // handled below through its construct expression; other casts keep
    // the value.
    if (Cast->getCastKind() == CK_FloatingToIntegral)
      return SymExpr::makeCall("int", {translate(Cast->getSubExpr())});
    return translate(Cast->getSubExpr());
  }
  if (const auto *SL = dyn_cast<StringLiteral>(E))
    return SymExpr::makeString(SL->getString().str());
  if (isa<CXXNullPtrLiteralExpr>(E))
    return SymExpr::makeUnknown("nullptr");
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return translateDeclRef(DRE);
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
    return SymExpr::makeCall(
        "at", {translate(AS->getBase()), translate(AS->getIdx())});
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return translateMember(ME);
  if (const auto *BO = dyn_cast<BinaryOperator>(E))
    return translateBinary(BO);
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return translateUnary(UO);
  if (const auto *CO = dyn_cast<ConditionalOperator>(E))
    return SymExpr::makeConditional(translate(CO->getCond()),
                                    translate(CO->getTrueExpr()),
                                    translate(CO->getFalseExpr()));
  if (const auto *ILE = dyn_cast<InitListExpr>(E)) {
    // std::array<T, N>{...} is an aggregate around a T[N]: its braced
    // list holds the array's list (brace elision); the row is that list.
    if (const CXXRecordDecl *RD = ILE->getType()->getAsCXXRecordDecl())
      if (ILE->getNumInits() == 1 && isa<InitListExpr>(ILE->getInit(0)) &&
          std::distance(RD->field_begin(), RD->field_end()) == 1 &&
          RD->field_begin()->getType()->isConstantArrayType())
        return translate(ILE->getInit(0));
    // `{torch::nn::Conv2d(...)}` as an element of an array of holders: a
    // holder initialised from one value is that value.
    if (ILE->getNumInits() == 1 && holderImpl(ILE->getType()))
      return translate(ILE->getInit(0));
    std::vector<SymExprPtr> Elems;
    for (const Expr *I : ILE->inits())
      Elems.push_back(translate(I));
    return SymExpr::makeList(std::move(Elems));
  }
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    return translateConstruct(CE);
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
    return translateMemberCall(MC);
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E))
    return translateOperatorCall(OC);
  if (const auto *CE = dyn_cast<CallExpr>(E))
    return translateCall(CE);
  return unknown(E);
}

SymExprPtr ConstructorWalker::translateMember(const MemberExpr *ME) {
  // A field of a configuration row (`spec.out` for a braced {..} row):
  // the row is a list, the field its position.
  if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
    if (!isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()) &&
        !ME->isArrow()) {
      SymExprPtr Row = translate(ME->getBase());
      // A field of a configuration struct parameter (`config.hiddenSize`),
      // or of a record built from one: named, so it reads as written and
      // a define can give it.
      bool Record = Row->K == SymExpr::Kind::Param ||
                    (Row->K == SymExpr::Kind::Call &&
                     (Row->Name == "field" || Row->Name == "record"));
      if (Record)
        return fold(SymExpr::makeCall(
                        "field", {Row, SymExpr::makeInt(F->getFieldIndex()),
                                  SymExpr::makeString(F->getNameAsString())}),
                    {});
      if (Row->K == SymExpr::Kind::List || Row->K == SymExpr::Kind::Call)
        return SymExpr::makeCall("at",
                                 {Row, SymExpr::makeInt(F->getFieldIndex())});
    }
  if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
    if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
      auto It = Members.find(F);
      if (It != Members.end() && It->second)
        return It->second;
    }
  return unknown(ME);
}

SymExprPtr ConstructorWalker::translateDeclRef(const DeclRefExpr *DRE) {
  const ValueDecl *D = DRE->getDecl();
  auto It = Frames.back().Vars.find(D);
  if (It != Frames.back().Vars.end())
    return It->second;
  if (const auto *VD = dyn_cast<VarDecl>(D)) {
    // Values that outlive the function: constants (`constexpr int64_t
    // kDim`), static members initialised where they are defined, out of
    // class (`int BlockImpl::expansion = 4;`), and static tables. Model
    // code sets them once; the walk shadows any it assigns.
    const VarDecl *InitDecl = nullptr;
    const Expr *Init = VD->getAnyInitializer(InitDecl);
    if (Init && !VD->hasLocalStorage() &&
        (VD->getType().isConstQualified() || VD->isStaticDataMember() ||
         VD->isStaticLocal() || VD->isFileVarDecl()))
      return translate(Init);
  }
  return unknown(DRE);
}

std::string ConstructorWalker::opSpelling(BinaryOperatorKind K) {
  return BinaryOperator::getOpcodeStr(K).str();
}

SymExprPtr ConstructorWalker::translateBinary(const BinaryOperator *BO) {
  if (BO->getOpcode() == BO_Comma) {
    translate(BO->getLHS());
    return translate(BO->getRHS());
  }
  if (BO->isAssignmentOp()) {
    SymExprPtr V = translate(BO->getRHS());
    if (BO->isCompoundAssignmentOp()) {
      SymExprPtr Old = translate(BO->getLHS());
      // Folded as it is stored: a counter updated in an unrolled loop
      // stays one value, not a chain as deep as the loop is long.
      V = fold(SymExpr::makeBinary(
                   opSpelling(BinaryOperator::getOpForCompoundAssignment(
                       BO->getOpcode())),
                   Old, V),
               {});
    }
    assign(BO->getLHS(), V);
    recordMemberAssignment(BO->getLHS(), V, BO->getLHS()->getBeginLoc());
    return V;
  }
  return SymExpr::makeBinary(opSpelling(BO->getOpcode()),
                             translate(BO->getLHS()), translate(BO->getRHS()));
}

SymExprPtr ConstructorWalker::translateUnary(const UnaryOperator *UO) {
  SymExprPtr A = translate(UO->getSubExpr());
  switch (UO->getOpcode()) {
  case UO_Minus:
    return SymExpr::makeUnary("-", A);
  case UO_Plus:
    return A;
  case UO_LNot:
    return SymExpr::makeUnary("!", A);
  case UO_PreInc:
  case UO_PostInc:
  case UO_PreDec:
  case UO_PostDec: {
    // Folded as it is stored (see compound assignment above).
    SymExprPtr V = fold(SymExpr::makeBinary(UO->isIncrementOp() ? "+" : "-",
                                            A, SymExpr::makeInt(1)),
                        {});
    assign(UO->getSubExpr(), V);
    return UO->isPrefix() ? V : A;
  }
  case UO_Deref:
    return A;
  default:
    return unknown(UO);
  }
}

SymExprPtr ConstructorWalker::translateConstruct(const CXXConstructExpr *CE) {
  QualType T = CE->getType();
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  const CXXConstructorDecl *Ctor = CE->getConstructor();
  if (!RD)
    return unknown(CE);
  std::string Q = RD->getQualifiedNameAsString();
  if (Ctor->isCopyOrMoveConstructor() && CE->getNumArgs() >= 1)
    return translate(CE->getArg(0));
  if (isJson(T))
    return jsonConstruct(CE);
  if (Q == "c10::Scalar" && CE->getNumArgs() == 1)
    return translate(CE->getArg(0));
  if (StringRef(Q).ends_with("basic_string"))
    return CE->getNumArgs() == 0 ? SymExpr::makeString("")
                                 : translate(CE->getArg(0));
  // Converting constructors between holders, shared_ptrs and Impls keep
  // the module they were given.
  if (CE->getNumArgs() == 1) {
    QualType AT = CE->getArg(0)->getType();
    const CXXRecordDecl *To =
        holderImpl(T) ? holderImpl(T) : sharedPtrPointee(T);
    const CXXRecordDecl *From =
        holderImpl(AT) ? holderImpl(AT) : sharedPtrPointee(AT);
    // Only between related module types: ModuleList(Linear(...)) is a
    // list holding a Linear, not a conversion.
    if (To && From &&
        (To->getCanonicalDecl() == From->getCanonicalDecl() ||
         (From->hasDefinition() && From->isDerivedFrom(To))))
      return translate(CE->getArg(0));
    if (AT->isNullPtrType())
      return SymExpr::makeUnknown("nullptr");
  }
  if (const CXXRecordDecl *Impl = holderImpl(T))
    return moduleExpr(Impl, translateArgs(args(CE)), CE);
  if (derivesFromModule(RD))
    return moduleExpr(RD, translateArgs(args(CE)), CE);
  if ((Q == "torch::nn::NamedAnyModule" || Q == "std::pair") &&
      CE->getNumArgs() == 2) {
    // A named entry (`{"name", module}`) keeps where it is written.
    SymExprPtr Pair =
        SymExpr::makeList({translate(CE->getArg(0)), translate(CE->getArg(1))});
    return located(Pair, CE->getBeginLoc());
  }
  if (StringRef(Q).ends_with("Options")) {
    auto O = std::make_shared<torchkc::SymExpr>();
    O->K = torchkc::SymExpr::Kind::Options;
    O->Name = Q;
    O->Args = translateArgs(args(CE));
    O->Loc = toLoc(SM, CE->getBeginLoc());
    return O;
  }
  return translateTable(CE, RD);
}

SymExprPtr ConstructorWalker::translateTable(const CXXConstructExpr *CE,
                                             const CXXRecordDecl *RD) {
  StringRef Name = RD->getName();
  // Tables keyed by a configuration (`std::map<char, std::vector<int>>
  // cfgs = {{'A', {64, -1}}, ...}`): a map() of [key, value] pairs, which
  // at() looks up by key.
  if ((Name == "map" || Name == "unordered_map") && RD->isInStdNamespace()) {
    std::vector<SymExprPtr> Pairs;
    for (const Expr *A : args(CE))
      if (!isa<CXXDefaultArgExpr>(A)) {
        SymExprPtr L = translate(A);
        if (L->K != torchkc::SymExpr::Kind::List)
          return unknown(CE);
        Pairs = L->Args;
      }
    return SymExpr::makeCall("map", std::move(Pairs));
  }
  // Array-like wrappers: ExpandingArray<D>, IntArrayRef, std::vector.
  if (Name == "ExpandingArray" || Name == "ArrayRef" || Name == "vector" ||
      Name == "array" || Name == "initializer_list" ||
      Name == "ExpandingArrayWithOptionalElem") {
    std::vector<const Expr *> Given;
    for (const Expr *A : args(CE))
      if (!isa<CXXDefaultArgExpr>(A)) // the allocator of std::vector
        Given.push_back(A);
    // std::vector<int64_t> v(n, 4): n copies of a value (0 when none is
    // given), once n is known and within what derivation follows.
    if (Name == "vector" && (Given.size() == 1 || Given.size() == 2) &&
        CE->getConstructor()->getNumParams() >= 1 &&
        CE->getConstructor()->getParamDecl(0)->getType()->isIntegerType()) {
      std::optional<int64_t> Count = fold(translate(Given[0]), {})->asInt();
      if (!Count || *Count < 0 || *Count > MaxRepetitions)
        return unknown(CE);
      SymExprPtr Value =
          Given.size() == 2 ? translate(Given[1]) : SymExpr::makeInt(0);
      return SymExpr::makeList(std::vector<SymExprPtr>(size_t(*Count), Value));
    }
    if (Given.size() == 1) {
      SymExprPtr A = translate(Given[0]);
      if (A->K == torchkc::SymExpr::Kind::List || Name == "ExpandingArray")
        return A;
      // An IntArrayRef made from one integer is a one-element shape.
      return SymExpr::makeList({A});
    }
    if (Given.empty())
      return SymExpr::makeList({});
  }
  return unknown(CE);
}

SymExprPtr
ConstructorWalker::translateOperatorCall(const CXXOperatorCallExpr *OC) {
  OverloadedOperatorKind Op = OC->getOperator();
  // `add(3)` on a lambda or std::function.
  if (Op == OO_Call && OC->getNumArgs() >= 1)
    return callThrough(OC->getArg(0), args(OC, 1), OC);
  // `*holder` and `holder->` reach the module the holder holds.
  if ((Op == OO_Star || Op == OO_Arrow) && OC->getNumArgs() == 1 &&
      (holderImpl(OC->getArg(0)->getType()) ||
       sharedPtrPointee(OC->getArg(0)->getType())))
    return translate(OC->getArg(0));
  if (Op == OO_Subscript && OC->getNumArgs() == 2 &&
      isJson(OC->getArg(0)->getType()))
    return jsonSubscript(OC);
  if (Op == OO_Subscript && OC->getNumArgs() == 2 &&
      isStdContainer(OC->getArg(0)->getType()))
    return fold(SymExpr::makeCall(
                    "at", {translate(OC->getArg(0)), translate(OC->getArg(1))}),
                {});
  if (Op == OO_Equal && OC->getNumArgs() == 2) {
    SymExprPtr V = translate(OC->getArg(1));
    assign(OC->getArg(0), V);
    recordMemberAssignment(OC->getArg(0), V, OC->getArg(0)->getBeginLoc());
    return V;
  }
  if (OC->getNumArgs() == 2) {
    BinaryOperatorKind BK;
    switch (Op) {
    case OO_Plus:
      BK = BO_Add;
      break;
    case OO_Minus:
      BK = BO_Sub;
      break;
    case OO_Star:
      BK = BO_Mul;
      break;
    case OO_Slash:
      BK = BO_Div;
      break;
    case OO_EqualEqual:
      BK = BO_EQ;
      break;
    case OO_ExclaimEqual:
      BK = BO_NE;
      break;
    case OO_PlusEqual: {
      SymExprPtr V = SymExpr::makeBinary("+", translate(OC->getArg(0)),
                                         translate(OC->getArg(1)));
      assign(OC->getArg(0), V);
      return V;
    }
    default:
      return unknown(OC);
    }
    SymExprPtr L = translate(OC->getArg(0)), R = translate(OC->getArg(1));
    // Arithmetic on a tensor keeps its shape (`torch::randn({n}) * 0.1`).
    if (L->K == SymExpr::Kind::Tensor)
      return L;
    if (R->K == SymExpr::Kind::Tensor)
      return R;
    return SymExpr::makeBinary(opSpelling(BK), L, R);
  }
  return unknown(OC);
}

/// The container of `X.begin(), X.end()` (or cbegin/cend, std::begin/end)
/// when both name the same variable or member, else null.
static const Expr *wholeRange(const Expr *First, const Expr *Last) {
  auto Ends = [](const Expr *E, StringRef Begin,
                 StringRef End) -> std::pair<const Expr *, bool> {
    E = E->IgnoreParenImpCasts();
    if (const auto *C = dyn_cast<CXXConstructExpr>(E); C && C->getNumArgs())
      E = C->getArg(0)->IgnoreParenImpCasts();
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
      if (const CXXMethodDecl *M = MC->getMethodDecl(); M && M->getIdentifier())
        return {MC->getImplicitObjectArgument()->IgnoreParenImpCasts(),
                M->getName() == Begin || M->getName() == End};
    if (const auto *C = dyn_cast<CallExpr>(E); C && C->getNumArgs() == 1)
      if (const FunctionDecl *F = C->getDirectCallee();
          F && F->isInStdNamespace() && F->getIdentifier())
        return {C->getArg(0)->IgnoreParenImpCasts(),
                F->getName() == Begin || F->getName() == End};
    return {nullptr, false};
  };
  auto Named = [](const Expr *E) -> const ValueDecl * {
    if (const auto *D = dyn_cast_or_null<DeclRefExpr>(E))
      return D->getDecl();
    if (const auto *M = dyn_cast_or_null<MemberExpr>(E))
      if (isa<CXXThisExpr>(M->getBase()->IgnoreParenImpCasts()))
        return M->getMemberDecl();
    return nullptr;
  };
  auto [From, IsBegin] = Ends(First, "begin", "cbegin");
  auto [To, IsEnd] = Ends(Last, "end", "cend");
  if (!IsBegin || !IsEnd || !Named(From) || Named(From) != Named(To))
    return nullptr;
  return From;
}

/// The container an iterator expression names and how: `X.begin()`,
/// `std::begin(X)` ("begin"), their end ("end"), `std::back_inserter(X)`
/// ("back_inserter"); null otherwise.
static const Expr *iteratorOf(const Expr *E, StringRef &How) {
  E = E->IgnoreParenImpCasts();
  for (int I = 0; I < 4; ++I) {
    if (const auto *C = dyn_cast<CXXConstructExpr>(E); C && C->getNumArgs())
      E = C->getArg(0)->IgnoreParenImpCasts();
    else if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E))
      E = M->getSubExpr()->IgnoreParenImpCasts();
    else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E))
      E = B->getSubExpr()->IgnoreParenImpCasts();
    else
      break;
  }
  auto Kind = [&](StringRef N) {
    if (N == "begin" || N == "cbegin")
      How = "begin";
    else if (N == "end" || N == "cend")
      How = "end";
    else if (N == "back_inserter")
      How = "back_inserter";
    else
      return false;
    return true;
  };
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
    if (const CXXMethodDecl *M = MC->getMethodDecl();
        M && M->getIdentifier() && MC->getNumArgs() == 0 && Kind(M->getName()))
      return MC->getImplicitObjectArgument()->IgnoreParenImpCasts();
  if (const auto *C = dyn_cast<CallExpr>(E); C && C->getNumArgs() == 1)
    if (const FunctionDecl *F = C->getDirectCallee();
        F && F->isInStdNamespace() && F->getIdentifier() && Kind(F->getName()))
      return C->getArg(0)->IgnoreParenImpCasts();
  return nullptr;
}

SymExprPtr ConstructorWalker::stdAlgorithm(const FunctionDecl *FD,
                                           const CallExpr *CE) {
  static const llvm::StringSet<> Mutating = {
      "transform", "iota",     "fill",     "fill_n",  "copy",
      "copy_n",    "reverse",  "sort",     "stable_sort", "shuffle",
      "rotate",    "generate", "generate_n", "replace", "replace_if",
      "remove",    "remove_if", "unique",  "swap",    "partial_sum",
      "adjacent_difference", "iter_swap", "partition", "nth_element"};
  if (!FD->isInStdNamespace() || !FD->getIdentifier() ||
      !Mutating.contains(FD->getName()))
    return nullptr;
  StringRef Name = FD->getName();
  unsigned N = CE->getNumArgs();
  // The whole table [X.begin(), X.end()), as a list, with its slot.
  auto Whole = [&](unsigned First) -> std::pair<SymExprPtr *, SymExprPtr> {
    if (First + 1 >= N)
      return {nullptr, nullptr};
    StringRef H1, H2;
    const Expr *A = iteratorOf(CE->getArg(First), H1);
    const Expr *B = iteratorOf(CE->getArg(First + 1), H2);
    if (!A || !B || H1 != "begin" || H2 != "end" ||
        text(A) != text(B))
      return {nullptr, nullptr};
    // The value first: slot() makes an entry for a variable the frame
    // lacks (a file-level table), which must hold a value.
    SymExprPtr V = fold(translate(A), {});
    if (V->K != SymExpr::Kind::List)
      return {nullptr, nullptr};
    SymExprPtr *Slot = slot(A);
    if (!Slot)
      return {nullptr, nullptr};
    *Slot = V;
    return {Slot, V};
  };
  // Where an output iterator writes: over a table from its start, or
  // appended to it.
  auto Output = [&](unsigned I, bool &Append) -> SymExprPtr * {
    StringRef How;
    const Expr *C = I < N ? iteratorOf(CE->getArg(I), How) : nullptr;
    if (!C || How == "end")
      return nullptr;
    Append = How == "back_inserter";
    SymExprPtr V = fold(translate(C), {});
    if (V->K != SymExpr::Kind::List)
      return nullptr;
    SymExprPtr *Slot = slot(C);
    if (Slot)
      *Slot = V;
    return Slot;
  };
  auto Write = [&](SymExprPtr *Out, bool Append,
                   std::vector<SymExprPtr> Elems) {
    std::vector<SymExprPtr> Now = (*Out)->Args;
    if (Append)
      Now.insert(Now.end(), Elems.begin(), Elems.end());
    else if (Elems.size() > Now.size())
      return false; // past the end: undefined, not followed
    else
      std::copy(Elems.begin(), Elems.end(), Now.begin());
    *Out = SymExpr::makeList(std::move(Now));
    return true;
  };
  bool Done = false;
  if ((Name == "transform" && N == 4) || (Name == "copy" && N == 3)) {
    auto [In, List] = Whole(0);
    bool Append = false;
    SymExprPtr *Out = Output(2, Append);
    if (In && Out) {
      std::vector<SymExprPtr> Elems;
      bool Known = true;
      for (const SymExprPtr &E : List->Args) {
        SymExprPtr R = E;
        if (Name == "transform")
          R = callWithValues(CE->getArg(3), {E}, CE->getExprLoc());
        if (!R) {
          Known = false;
          break;
        }
        Elems.push_back(fold(R, {}));
      }
      Done = Known && Write(Out, Append, std::move(Elems));
    }
  } else if ((Name == "iota" || Name == "fill") && N == 3) {
    auto [Slot, List] = Whole(0);
    if (Slot) {
      SymExprPtr V = translate(CE->getArg(2));
      std::vector<SymExprPtr> Elems;
      for (size_t I = 0; I < List->Args.size(); ++I)
        Elems.push_back(
            Name == "fill"
                ? V
                : fold(SymExpr::makeBinary("+", V,
                                           SymExpr::makeInt(int64_t(I))),
                       {}));
      *Slot = SymExpr::makeList(std::move(Elems));
      Done = true;
    }
  } else if (Name == "reverse" && N == 2) {
    auto [Slot, List] = Whole(0);
    if (Slot) {
      std::vector<SymExprPtr> Elems(List->Args.rbegin(), List->Args.rend());
      *Slot = SymExpr::makeList(std::move(Elems));
      Done = true;
    }
  } else if ((Name == "sort" || Name == "stable_sort") && N == 2) {
    auto [Slot, List] = Whole(0);
    if (Slot) {
      std::vector<std::pair<double, SymExprPtr>> Keyed;
      for (const SymExprPtr &E : List->Args)
        if (auto X = E->asInt())
          Keyed.push_back({double(*X), E});
        else if (E->K == SymExpr::Kind::Float)
          Keyed.push_back({E->FloatVal, E});
      if (Keyed.size() == List->Args.size()) {
        std::stable_sort(Keyed.begin(), Keyed.end(),
                         [](const auto &A, const auto &B) {
                           return A.first < B.first;
                         });
        std::vector<SymExprPtr> Elems;
        for (auto &K : Keyed)
          Elems.push_back(K.second);
        *Slot = SymExpr::makeList(std::move(Elems));
        Done = true;
      }
    }
  }
  if (Done)
    return SymExpr::makeUnknown(text(CE));
  // Not followed: every table it is handed may have changed.
  for (unsigned I = 0; I < N; ++I) {
    StringRef How;
    if (const Expr *C = iteratorOf(CE->getArg(I), How))
      if (SymExprPtr *Slot = slot(C))
        *Slot = SymExpr::makeUnknown("'" + text(C) + "' as changed by std::" +
                                     Name.str() + ", which is not followed");
  }
  return unknown(CE);
}

SymExprPtr ConstructorWalker::translateCall(const CallExpr *CE) {
  const FunctionDecl *FD = CE->getDirectCallee();
  if (!FD) {
    // `make(3)` through a function pointer.
    if (CE->getCallee()->getType()->isFunctionPointerType())
      return callThrough(CE->getCallee(), args(CE), CE);
    return unknown(CE);
  }
  if (SymExprPtr J = jsonText(CE))
    return J;
  StringRef Name = FD->getName();
  std::string Q = FD->getQualifiedNameAsString();
  // std::make_shared<SomeImpl>(args): a module held by shared_ptr.
  if (Name == "make_shared")
    if (const CXXRecordDecl *P = sharedPtrPointee(CE->getType()))
      if (derivesFromModule(P))
        return moduleExpr(P, translateArgs(args(CE)), CE);
  // libstdc++ declares these in inline namespaces (std::__cxx11).
  bool InStd = FD->isInStdNamespace();
  if (InStd && Name == "to_string" && CE->getNumArgs() == 1)
    return SymExpr::makeCall("to_string", {translate(CE->getArg(0))});
  if (InStd && (Name == "max" || Name == "min" || Name == "pow") &&
      CE->getNumArgs() == 2)
    return SymExpr::makeCall(
        Name.str(), {translate(CE->getArg(0)), translate(CE->getArg(1))});
  if (InStd)
    if (SymExprPtr R = stdAlgorithm(FD, CE))
      return R;
  // std::accumulate(v.begin(), v.end(), init): the sum of a whole table.
  if (InStd && Name == "accumulate" && CE->getNumArgs() == 3)
    if (const Expr *Range = wholeRange(CE->getArg(0), CE->getArg(1)))
      return SymExpr::makeCall("sum",
                               {translate(Range), translate(CE->getArg(2))});
  // <cmath>'s rounding and roots, as std:: or as the C library's (round()
  // unqualified is ::round): channel counts are computed with them.
  if ((InStd || FD->getBuiltinID() != 0) && CE->getNumArgs() == 1 &&
      SymExpr::isUnaryMathName(Name))
    return SymExpr::makeCall(Name.str(), {translate(CE->getArg(0))});
  if (inTorchNamespace(FD)) {
    if (isModuleSave(CE)) {
      SymExprPtr M = translate(CE->getArg(0));
      if (!SavedModule)
        SavedModule = M;
      return SymExpr::makeUnknown(text(CE));
    }
    if (Name == "full" && CE->getNumArgs() >= 2)
      // ATen infers full()'s dtype from the fill value unless one is given.
      return withDefaultDType(
          tensorExpr(CE, Name, translate(CE->getArg(0)), 2),
          scalarDType(throughConversions(CE->getArg(1))->getType()));
    if (isShapeFactory(Name) && CE->getNumArgs() >= 1)
      return tensorExpr(CE, Name, translate(CE->getArg(0)), 1);
    if (Name == "eye" && CE->getNumArgs() >= 1) {
      SymExprPtr N = translate(CE->getArg(0));
      SymExprPtr M =
          CE->getNumArgs() >= 2 && CE->getArg(1)->getType()->isIntegerType()
              ? translate(CE->getArg(1))
              : N;
      return tensorExpr(CE, Name, SymExpr::makeList({N, M}), 1);
    }
    if (Name == "tensor" && CE->getNumArgs() >= 1)
      return literalTensor(CE);
    if (Name == "arange" && CE->getNumArgs() >= 1)
      return rangeTensor(CE);
    if (Name == "randint" && CE->getNumArgs() >= 2) {
      // randint(high, size) or randint(low, high, size): the shape is
      // the first IntArrayRef argument.
      for (unsigned I = 1; I < CE->getNumArgs(); ++I)
        if (!throughConversions(CE->getArg(I))->getType()->isArithmeticType())
          return withDefaultDType(
              tensorExpr(CE, Name, translate(CE->getArg(I)), I + 1), "int64");
    }
    return unknown(CE);
  }
  if (SymExprPtr R = inlineCall(FD, args(CE), CE->getExprLoc()))
    return R;
  return unknown(CE);
}

} // namespace extract
} // namespace torchkc
