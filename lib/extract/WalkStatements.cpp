//===- WalkStatements.cpp - Following a constructor statement by statement
//-===//
//
// Calls, branches, loops and switches, as ConstructorWalker follows them
// through a constructor and what it calls.
//
//===----------------------------------------------------------------------===//
#include "ConstructorWalker.h"

#include <algorithm>
#include <functional>

namespace torchkc {
namespace extract {

void ConstructorWalker::walkConstructor(const CXXConstructorDecl *Ctor,
                                        const Bindings &Values) {
  Frames.emplace_back();
  bindKnobs(Ctor, Values);
  Out.Loc = toLoc(SM, Ctor->getLocation());
  runConstructor(Ctor);
  Guards.clear();
  Frames.pop_back();
}

void ConstructorWalker::walkFunction(const FunctionDecl *FD,
                                     const Bindings &Values) {
  Frames.emplace_back();
  bindKnobs(FD, Values);
  const FunctionDecl *Def = nullptr;
  if (!FD->hasBody(Def))
    Def = FD;
  Out.Loc = toLoc(SM, Def->getLocation());
  walk(Def->getBody());
  Registration Root;
  Root.Root = true;
  Root.Name = SymExpr::makeString("");
  SymExprPtr Returned = isModuleType(FD->getReturnType())
                            ? Frames.back().Return
                            : SavedModule;
  Root.Value = Returned ? Returned
                        : SymExpr::makeUnknown(FD->getNameAsString() + "(...)");
  Root.Loc = Returned && Returned->Loc.valid() ? Returned->Loc : Out.Loc;
  Out.Registrations.push_back(std::move(Root));
  Guards.clear();
  Frames.pop_back();
}

void ConstructorWalker::bindKnobs(const FunctionDecl *FD,
                                  const Bindings &Values) {
  // The definition names the parameters its body uses; a declaration in a
  // header may spell them otherwise and holds the defaults.
  const FunctionDecl *Def = nullptr;
  if (!FD->hasBody(Def))
    Def = FD;
  for (unsigned I = 0; I < FD->getNumParams(); ++I) {
    ConstructorParam CP;
    const ParmVarDecl *Named = Def->getParamDecl(I);
    CP.Name = Named->getNameAsString();
    CP.Type = Named->getType().getAsString(Ctx.getPrintingPolicy());
    if (const auto *ET =
            Named->getType().getNonReferenceType()->getAs<EnumType>())
      if (const EnumDecl *ED = ET->getDecl()->getDefinition())
        for (const EnumConstantDecl *E : ED->enumerators())
          CP.Enumerators.push_back(
              {E->getNameAsString(), E->getInitVal().getExtValue()});
    for (const FunctionDecl *R : FD->redecls()) {
      const ParmVarDecl *P = R->getParamDecl(I);
      std::string Spelled = P->getNameAsString();
      if (CP.Name.empty())
        CP.Name = Spelled;
      else if (!Spelled.empty() && Spelled != CP.Name &&
               std::find(CP.OtherNames.begin(), CP.OtherNames.end(),
                         Spelled) == CP.OtherNames.end())
        CP.OtherNames.push_back(Spelled);
      // Defaults are evaluated in the parameter scope; earlier parameters
      // are symbolic there too.
      if (!CP.Default && P->hasDefaultArg() && !P->hasUnparsedDefaultArg() &&
          !P->hasUninstantiatedDefaultArg())
        CP.Default = translate(P->getDefaultArg());
    }
    collectFields(Named->getType(), "", 0, CP.Fields);
    Out.Params.push_back(CP);
    auto Given = Values.find(CP.Name);
    bindParameter(Frames.back(), FD, I,
                  Given != Values.end() ? Given->second
                                        : SymExpr::makeParam(CP.Name));
  }
}

void ConstructorWalker::collectFields(
    QualType T, const std::string &Prefix, int Depth,
    std::vector<std::pair<std::string, std::string>> &Out) {
  // A plain configuration struct of the user's: not a library type, not a
  // module, not too deep or too wide to list.
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || Depth > 3 || Out.size() > 64 ||
      isLibraryLocation(SM, RD->getLocation()) || RD->isInStdNamespace() ||
      inTorchNamespace(RD) || derivesFromModule(RD) || holderImpl(T))
    return;
  for (const FieldDecl *F : RD->getDefinition()->fields()) {
    std::string Path = Prefix + F->getNameAsString();
    QualType FT = F->getType();
    if (FT->isRecordType())
      collectFields(FT, Path + ".", Depth + 1, Out);
    else if (FT->isIntegralOrEnumerationType() || FT->isRealFloatingType())
      Out.push_back({Path, FT.getAsString(Ctx.getPrintingPolicy())});
  }
}

void ConstructorWalker::bindParameter(Frame &F, const FunctionDecl *FD,
                                      unsigned I, SymExprPtr V) {
  for (const FunctionDecl *R : FD->redecls())
    if (I < R->getNumParams())
      F.Vars[R->getParamDecl(I)] = V;
}

void ConstructorWalker::runConstructor(const CXXConstructorDecl *Ctor) {
  const FunctionDecl *Def = nullptr;
  if (!Ctor->hasBody(Def)) {
    Out.Undefined.push_back(className(Ctor->getParent()));
    Out.MissingDefinitions.push_back(
        {toLoc(SM, Ctor->getLocation()),
         "the definition of constructor '" + Ctor->getQualifiedNameAsString() +
             "' is not in this translation unit"});
    return;
  }
  const auto *CtorDef = cast<CXXConstructorDecl>(Def);
  for (const CXXCtorInitializer *Init : CtorDef->inits()) {
    const Expr *E = Init->getInit();
    if (Init->isDelegatingInitializer()) {
      if (const auto *CE = dyn_cast<CXXConstructExpr>(E->IgnoreImplicit()))
        inlineConstructor(CE);
      continue;
    }
    if (Init->isBaseInitializer()) {
      const auto *Base = Init->getBaseClass()->getAsCXXRecordDecl();
      const auto *CE = dyn_cast<CXXConstructExpr>(E->IgnoreImplicit());
      if (Base && derivesFromModule(Base) && !inTorchNamespace(Base) && CE)
        inlineConstructor(CE);
      else if (Base && CE && inTorchNamespace(Base))
        registerBuiltinBase(Base, CE);
      continue;
    }
    if (const FieldDecl *F = Init->getMember()) {
      Members[F] = translate(E);
      recordMemberAssignment(F, Members[F],
                             Init->isInClassMemberInitializer()
                                 ? F->getInClassInitializer()->getBeginLoc()
                                 : Init->getSourceLocation());
    }
  }
  walk(CtorDef->getBody());
}

void ConstructorWalker::registerBuiltinBase(const CXXRecordDecl *Base,
                                            const CXXConstructExpr *CE) {
  // `struct WrappedImpl : ConvTranspose2dImpl` constructed with
  // `ConvTranspose2dImpl(options)`: the base's reset() registers its tensors
  // on this very module, before any member or body statement runs.
  // (Module and Cloneable register nothing; a container base fills itself
  // through push_back.)
  SymExprPtr M = moduleExpr(Base, translateArgs(args(CE)), CE);
  if (M->Builtin.empty() || !isKnownBuiltin(M->Builtin) ||
      isContainer(M->Builtin))
    return;
  Registration R;
  R.Root = true;
  R.Name = SymExpr::makeString("");
  R.Value = M;
  for (const SymExprPtr &G : Guards)
    R.Guards.push_back(G);
  R.Loops = ActiveLoops;
  R.Loc = toLoc(SM, CE->getBeginLoc());
  R.NameLoc = R.Loc;
  Out.Registrations.push_back(std::move(R));
}

void ConstructorWalker::inlineConstructor(const CXXConstructExpr *CE) {
  const CXXConstructorDecl *Ctor = CE->getConstructor();
  if (Frames.size() > MaxInlineDepth)
    return unresolved(CE->getBeginLoc(), "calls nested too deeply to follow");
  Frame F;
  for (unsigned I = 0; I < Ctor->getNumParams() && I < CE->getNumArgs(); ++I)
    bindParameter(F, Ctor, I, translate(CE->getArg(I)));
  F.GuardDepth = Guards.size();
  Frames.push_back(std::move(F));
  runConstructor(Ctor);
  Guards.resize(Frames.back().GuardDepth);
  Frames.pop_back();
}

SymExprPtr ConstructorWalker::inlineCall(const FunctionDecl *FD,
                                         ArrayRef<const Expr *> Args,
                                         SourceLocation CallLoc) {
  if (Called)
    Called->insert(FD->getCanonicalDecl());
  const FunctionDecl *Def = nullptr;
  if (!FD->hasBody(Def) || isLibraryLocation(SM, Def->getLocation()))
    return nullptr;
  if (Frames.size() > MaxInlineDepth) {
    unresolved(CallLoc, "calls nested too deeply to follow");
    return nullptr;
  }
  SymExprPtr R = runBody(Frame(), Def, Args).Return;
  return R ? R : SymExpr::makeUnknown(FD->getNameAsString() + "(...)");
}

ConstructorWalker::Frame
ConstructorWalker::runBody(Frame F, const FunctionDecl *Def,
                           ArrayRef<const Expr *> Args) {
  std::vector<SymExprPtr> Values;
  for (unsigned I = 0; I < Def->getNumParams() && I < Args.size(); ++I)
    Values.push_back(translate(Args[I]));
  return runBody(std::move(F), Def, Values);
}

ConstructorWalker::Frame
ConstructorWalker::runBody(Frame F, const FunctionDecl *Def,
                           ArrayRef<SymExprPtr> Values) {
  for (unsigned I = 0; I < Def->getNumParams() && I < Values.size(); ++I)
    bindParameter(F, Def, I, Values[I]);
  F.GuardDepth = Guards.size();
  Frames.push_back(std::move(F));
  Flow SavedPending = Pending;
  Pending = Flow::Normal;
  walk(Def->getBody());
  Pending = SavedPending;
  Frame Done = std::move(Frames.back());
  Guards.resize(Done.GuardDepth);
  Frames.pop_back();
  return Done;
}

const LambdaExpr *ConstructorWalker::lambdaOf(const Expr *Callee) {
  const Expr *E = Callee->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (const Expr *Init = VD->getInit())
        E = Init;
  // std::function<void(int)> f = [&](int n) { ... };
  for (int Depth = 0; Depth < 8; ++Depth) {
    E = E->IgnoreParenImpCasts();
    if (const auto *L = dyn_cast<LambdaExpr>(E))
      return L;
    if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E))
      E = MT->getSubExpr();
    else if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(E))
      E = BT->getSubExpr();
    else if (const auto *CE = dyn_cast<CXXConstructExpr>(E);
             CE && CE->getNumArgs() == 1)
      E = CE->getArg(0);
    else if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
      E = FC->getSubExpr();
    else
      return nullptr;
  }
  return nullptr;
}

/// The function a function pointer variable is initialised with
/// (`auto make = &make_block;`), or null.
static const FunctionDecl *pointedFunction(const Expr *Callee) {
  const Expr *E = Callee->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->getType()->isFunctionPointerType() && VD->getInit())
        E = VD->getInit()->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_AddrOf)
    E = UO->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return dyn_cast<FunctionDecl>(DRE->getDecl());
  return nullptr;
}

SymExprPtr ConstructorWalker::callThrough(const Expr *Callee,
                                          ArrayRef<const Expr *> Args,
                                          const Expr *Call) {
  QualType T = Callee->getType().getNonReferenceType();
  if (const CXXRecordDecl *RD = T->getAsCXXRecordDecl(); RD && RD->isLambda())
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(Call))
      if (const auto *CallOp = dyn_cast_or_null<CXXMethodDecl>(
              OC->getDirectCallee()))
        return inlineLambda(CallOp, translateArgs(Args), Call->getExprLoc());
  if (const LambdaExpr *L = lambdaOf(Callee)) {
    const CXXMethodDecl *CallOp = L->getCallOperator();
    if (!L->isGenericLambda() && CallOp->getNumParams() == Args.size())
      return inlineLambda(CallOp, translateArgs(Args), Call->getExprLoc());
  }
  if (const FunctionDecl *FD = pointedFunction(Callee))
    if (SymExprPtr R = inlineCall(FD, Args, Call->getExprLoc()))
      return R;
  unresolved(Call->getExprLoc(),
             "call through '" + text(Callee) +
                 "' is not followed: what it calls is not known here (a "
                 "std::function or function pointer assigned elsewhere); "
                 "modules it registers are missing");
  return unknown(Call);
}

SymExprPtr ConstructorWalker::callWithValues(const Expr *Fn,
                                             ArrayRef<SymExprPtr> Values,
                                             SourceLocation CallLoc) {
  if (const LambdaExpr *L = lambdaOf(Fn)) {
    const CXXMethodDecl *CallOp = L->getCallOperator();
    if (L->isGenericLambda() || CallOp->getNumParams() != Values.size())
      return nullptr;
    return inlineLambda(CallOp, Values, CallLoc);
  }
  if (const FunctionDecl *FD = pointedFunction(Fn)) {
    const FunctionDecl *Def = nullptr;
    if (!FD->hasBody(Def) || isLibraryLocation(SM, Def->getLocation()) ||
        Def->getNumParams() != Values.size())
      return nullptr;
    if (Frames.size() > MaxInlineDepth) {
      unresolved(CallLoc, "calls nested too deeply to follow");
      return nullptr;
    }
    return runBody(Frame(), Def, Values).Return;
  }
  return nullptr;
}

SymExprPtr ConstructorWalker::inlineLambda(const CXXMethodDecl *CallOp,
                                           ArrayRef<SymExprPtr> Args,
                                           SourceLocation CallLoc) {
  if (!CallOp->hasBody())
    return nullptr;
  if (Frames.size() > MaxInlineDepth) {
    unresolved(CallLoc, "calls nested too deeply to follow");
    return nullptr;
  }
  // The body names the variables it captures as the enclosing function
  // does; the innermost frame holding one has its value now.
  Frame F;
  for (const Frame &Outer : Frames)
    for (const auto &[D, V] : Outer.Vars)
      F.Vars[D] = V;
  Frame Done = runBody(std::move(F), CallOp, Args);
  // What it captured by reference it changed in place.
  for (const LambdaCapture &C : CallOp->getParent()->captures())
    if (C.capturesVariable() && C.getCaptureKind() == LCK_ByRef)
      if (const ValueDecl *V = C.getCapturedVar())
        for (auto It = Frames.rbegin(); It != Frames.rend(); ++It)
          if (auto Found = It->Vars.find(V); Found != It->Vars.end()) {
            if (auto Now = Done.Vars.find(V); Now != Done.Vars.end())
              Found->second = Now->second;
            break;
          }
  return Done.Return ? Done.Return : SymExpr::makeUnknown("lambda(...)");
}

bool ConstructorWalker::spend(SourceLocation L) {
  if (Exhausted)
    return false;
  if (++Steps > Budget.Steps) {
    exhaust(L, "the constructor runs more than " +
                   std::to_string(Budget.Steps) +
                   " statements (--max-steps)");
    return false;
  }
  if (Steps % 1024 == 0 && std::chrono::steady_clock::now() > Deadline) {
    exhaust(L, "the constructor runs longer than " +
                   std::to_string(Budget.Seconds) + " s (--max-seconds)");
    return false;
  }
  return true;
}

void ConstructorWalker::exhaust(SourceLocation L, const std::string &Why) {
  Exhausted = true;
  unresolved(L, Why + "; what it does from here is not followed, and keys "
                      "it would register are missing");
}

void ConstructorWalker::walk(const Stmt *S) {
  if (!S || stopped() || !spend(S->getBeginLoc()))
    return;
  if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
    for (const Stmt *C : CS->body())
      walk(C);
    return;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D))
        Frames.back().Vars[VD] =
            VD->getInit() ? translate(VD->getInit())
                          : SymExpr::makeUnknown(VD->getNameAsString());
    return;
  }
  if (const auto *If = dyn_cast<IfStmt>(S))
    return walkIf(If);
  if (const auto *R = dyn_cast<ReturnStmt>(S)) {
    Frame &F = Frames.back();
    if (R->getRetValue() && !F.Return)
      F.Return = translate(R->getRetValue());
    // The path ends here. Inside a branch the walk cannot decide,
    // walkBranch restores the flag and walkIf guards what follows.
    F.Returned = true;
    return;
  }
  if (isa<BreakStmt>(S) || isa<ContinueStmt>(S)) {
    std::string Kind = isa<BreakStmt>(S) ? "break" : "continue";
    SymExprPtr Cond = SymExpr::makeBool(true);
    for (size_t I = LoopGuardDepth; I < Guards.size(); ++I)
      Cond = SymExpr::makeBinary("&&", Cond, Guards[I]);
    if (Guards.size() != LoopGuardDepth)
      undecided(S->getBeginLoc(), Cond,
                Kind + " under a condition that depends on configuration: "
                       "the loop's keys are exact once it is known "
                       "(--define)",
                Kind + " under a condition that is not known: later "
                       "iterations are listed as if it were not taken");
    else
      Pending = isa<BreakStmt>(S) ? Flow::Break : Flow::Continue;
    return;
  }
  if (const auto *For = dyn_cast<ForStmt>(S))
    return walkLoop(S, For->getInit(), For->getCond(), For->getInc(),
                    For->getBody(), /*BodyFirst=*/false);
  if (const auto *W = dyn_cast<WhileStmt>(S))
    return walkLoop(S, nullptr, W->getCond(), nullptr, W->getBody(), false);
  if (const auto *D = dyn_cast<DoStmt>(S))
    return walkLoop(S, nullptr, D->getCond(), nullptr, D->getBody(), true);
  if (const auto *RF = dyn_cast<CXXForRangeStmt>(S))
    return walkRangeFor(RF);
  if (const auto *Sw = dyn_cast<SwitchStmt>(S))
    return walkSwitch(Sw);
  if (const auto *E = dyn_cast<Expr>(S)) {
    translate(E);
    return;
  }
  for (const Stmt *C : S->children())
    walk(C);
}

void ConstructorWalker::walkIf(const IfStmt *If) {
  walk(If->getInit());
  if (const DeclStmt *CondVar = If->getConditionVariableDeclStmt())
    walk(CondVar);
  SymExprPtr Cond = translate(If->getCond());
  if (auto Known = fold(Cond, {})->asBool()) {
    walk(*Known ? If->getThen() : If->getElse());
    return;
  }
  SourceLocation CondLoc = If->getCond()->getBeginLoc();
  Cond = located(Cond, CondLoc);
  SymExprPtr NotCond = located(SymExpr::makeUnary("!", Cond), CondLoc);
  Guards.push_back(Cond);
  bool ThenReturned = walkBranch(If->getThen());
  Guards.back() = NotCond;
  bool ElseReturned = walkBranch(If->getElse());
  Guards.pop_back();
  Frame &F = Frames.back();
  if (ThenReturned && ElseReturned) {
    F.Returned = true;
  } else if (ThenReturned != ElseReturned) {
    // `if (!use_head) return;`: the rest of the function runs only when
    // the returning branch was not taken (until the function ends).
    Guards.push_back(ThenReturned ? NotCond : Cond);
  }
}

bool ConstructorWalker::walkBranch(const Stmt *S) {
  if (!S)
    return false;
  bool Saved = Frames.back().Returned;
  size_t Depth = Guards.size();
  walk(S);
  bool Returned = Frames.back().Returned;
  Frames.back().Returned = Saved;
  Guards.resize(Depth);
  return Returned;
}

void ConstructorWalker::walkLoop(const Stmt *Loop, const Stmt *Init,
                                 const Expr *CondE, const Expr *Inc,
                                 const Stmt *Body, bool BodyFirst) {
  walk(Init);
  for (size_t Iteration = 0;; ++Iteration) {
    if (!BodyFirst || Iteration > 0) {
      if (CondE) {
        auto Known = fold(translate(CondE), {})->asBool();
        if (!Known) {
          if (Iteration == 0)
            symbolicLoop(Loop, Init, CondE, Inc, Body);
          else
            unresolved(CondE->getBeginLoc(),
                       "a loop condition that stops being known after " +
                           std::to_string(Iteration) + " iterations");
          return;
        }
        if (!*Known)
          return;
      }
    }
    if (++Unrolled > Budget.Iterations) {
      exhaust(Loop->getBeginLoc(),
              "loops run more than " + std::to_string(Budget.Iterations) +
                  " iterations in all (--max-iterations)");
      return;
    }
    if (!runBody(Body))
      return;
    if (Inc)
      translate(Inc);
  }
}

bool ConstructorWalker::runBody(const Stmt *Body) {
  size_t SavedDepth = LoopGuardDepth;
  LoopGuardDepth = Guards.size();
  walk(Body);
  LoopGuardDepth = SavedDepth;
  Flow F = Pending;
  Pending = Flow::Normal;
  return F != Flow::Break && !Frames.back().Returned && !Exhausted;
}

void ConstructorWalker::walkRangeFor(const CXXForRangeStmt *RF) {
  const VarDecl *Var = RF->getLoopVariable();
  SymExprPtr Range = translate(RF->getRangeInit());
  if (Range->K == SymExpr::Kind::List) {
    // `for (auto &d : depths) d = round(d * alpha);` writes each element
    // back into the table it names.
    QualType VT = Var->getType();
    bool WritesBack = VT->isLValueReferenceType() &&
                      !VT.getNonReferenceType().isConstQualified();
    std::vector<SymExprPtr> Elems = Range->Args;
    auto Finish = [&] {
      if (!WritesBack)
        return;
      if (SymExprPtr *Table = slot(RF->getRangeInit()))
        *Table = SymExpr::makeList(Elems);
    };
    for (size_t I = 0; I < Elems.size(); ++I) {
      if (++Unrolled > Budget.Iterations) {
        exhaust(RF->getBeginLoc(),
                "loops run more than " + std::to_string(Budget.Iterations) +
                    " iterations in all (--max-iterations)");
        return Finish();
      }
      Frames.back().Vars[Var] = Elems[I];
      bool Go = runBody(RF->getBody());
      if (WritesBack)
        if (auto It = Frames.back().Vars.find(Var);
            It != Frames.back().Vars.end() && It->second)
          Elems[I] = It->second;
      if (!Go)
        return Finish();
    }
    return Finish();
  }
  // A range whose elements are not known (a std::vector parameter):
  // iterate an index over its size. Elements the body writes through a
  // reference leave the table unknown after the loop.
  if (Var->getType()->isLValueReferenceType() &&
      !Var->getType().getNonReferenceType().isConstQualified() &&
      llvm::is_contained(assignedIn(RF->getBody()), Var))
    if (SymExprPtr *Table = slot(RF->getRangeInit()))
      *Table = SymExpr::makeUnknown("'" + text(RF->getRangeInit()) +
                                    "' as changed by a loop whose count is "
                                    "not known");
  std::string Index = loopVariableName(Var->getNameAsString() + "_index");
  Frames.back().Vars[Var] =
      SymExpr::makeCall("at", {Range, SymExpr::makeParam(Index)});
  beginSymbolicLoop(RF, Index, SymExpr::makeInt(0),
                    SymExpr::makeCall("size", {Range}), RF->getBody());
}

void ConstructorWalker::symbolicLoop(const Stmt *Loop, const Stmt *Init,
                                     const Expr *CondE, const Expr *Inc,
                                     const Stmt *Body) {
  const auto *Cmp = dyn_cast<BinaryOperator>(CondE->IgnoreParenImpCasts());
  const VarDecl *Var = nullptr;
  if (Cmp)
    if (const auto *DRE =
            dyn_cast<DeclRefExpr>(Cmp->getLHS()->IgnoreParenImpCasts()))
      Var = dyn_cast<VarDecl>(DRE->getDecl());
  bool Counted = Var && Init && Inc &&
                 (Cmp->getOpcode() == BO_LT || Cmp->getOpcode() == BO_LE ||
                  Cmp->getOpcode() == BO_NE) &&
                 incrementsByOne(Inc, Var);
  if (!Counted) {
    if (const Expr *Call = findRegistration(Body))
      undecided(
          Call->getExprLoc(), translate(CondE),
          "registration in a loop whose count depends on configuration: "
          "its keys are listed once the configuration is known (--define)",
          "registration in a loop whose count is not known and that is "
          "not a counted for loop: its keys are not listed");
    return;
  }
  auto Known = Frames.back().Vars.find(Var);
  SymExprPtr Begin =
      Known != Frames.back().Vars.end() ? Known->second : nullptr;
  SymExprPtr End = translate(Cmp->getRHS());
  if (Cmp->getOpcode() == BO_LE)
    End = SymExpr::makeBinary("+", End, SymExpr::makeInt(1));
  std::string Name = loopVariableName(Var->getNameAsString());
  Frames.back().Vars[Var] = SymExpr::makeParam(Name);
  beginSymbolicLoop(Loop, Name, Begin ? Begin : SymExpr::makeUnknown("?"), End,
                    Body);
}

/// Whether a loop body has a break, return or goto anywhere in it (the
/// last iteration run may then not be the last of the range).
static bool mayLeaveEarly(const Stmt *S) {
  if (!S)
    return false;
  if (isa<BreakStmt>(S) || isa<ReturnStmt>(S) || isa<GotoStmt>(S) ||
      isa<CXXThrowExpr>(S))
    return true;
  for (const Stmt *C : S->children())
    if (mayLeaveEarly(C))
      return true;
  return false;
}

void ConstructorWalker::afterSymbolicLoop(
    const std::string &Var, const SymExprPtr &Begin, const SymExprPtr &End,
    const Stmt *Body,
    const std::vector<std::pair<const ValueDecl *, SymExprPtr>> &Before) {
  // A variable the body sets from the loop variable alone (`in =
  // widths[i]`) holds, after the loop, what the last iteration set, or
  // its old value when the loop did not run; one set from its own
  // earlier value (or conditionally) stays unknown. The loop variable
  // itself never leaks out of the loop.
  SymExprPtr Last = fold(SymExpr::makeBinary("-", End, SymExpr::makeInt(1)), {});
  SymExprPtr Ran = SymExpr::makeBinary(">", End, Begin);
  bool Bounded = !containsUnknown(Ran) && !mayLeaveEarly(Body);
  for (const auto &[D, Old] : Before) {
    auto It = Frames.back().Vars.find(D);
    if (It == Frames.back().Vars.end())
      continue;
    std::vector<std::string> Uses;
    collectParams(It->second, Uses);
    if (std::find(Uses.begin(), Uses.end(), Var) == Uses.end() &&
        !containsUnknown(It->second))
      continue; // the same value every iteration
    if (containsUnknown(It->second) || !Bounded) {
      It->second = SymExpr::makeUnknown(
          "'" + D->getNameAsString() +
          "' as changed by a loop whose count is not known");
      continue;
    }
    It->second = fold(SymExpr::makeConditional(
                          Ran, fold(It->second, {{Var, Last}}), Old),
                      {});
  }
}

void ConstructorWalker::beginSymbolicLoop(const Stmt *Loop,
                                          const std::string &Var,
                                          SymExprPtr Begin, SymExprPtr End,
                                          const Stmt *Body) {
  // Values the body changes are carried from one iteration to the next,
  // which a single symbolic walk cannot follow: they become unknown.
  std::vector<std::pair<const ValueDecl *, SymExprPtr>> Before;
  for (const ValueDecl *D : assignedIn(Body)) {
    auto It = Frames.back().Vars.find(D);
    if (It != Frames.back().Vars.end()) {
      Before.push_back({D, It->second});
      It->second = SymExpr::makeUnknown("'" + D->getNameAsString() +
                                        "' as changed by earlier iterations of "
                                        "a loop whose count is not known");
    }
    if (const auto *F = dyn_cast<FieldDecl>(D))
      if (Members.count(F) &&
          (!Members[F] || Members[F]->K != SymExpr::Kind::Module))
        Members[F] = SymExpr::makeUnknown("'" + F->getNameAsString() + "'");
  }
  LoopInfo Info;
  Info.Var = Var;
  Info.Begin = Begin;
  Info.End = End;
  Info.Loc = toLoc(SM, Loop->getBeginLoc());
  ActiveLoops.push_back(unsigned(Out.Loops.size()));
  Out.Loops.push_back(Info);
  // The body's pushes onto a Sequential/ModuleList the class itself is
  // are numbered from the iteration's start; once the body has been
  // walked, each iteration's count is known and the indices become
  // Entry + (Var - Begin) * PerIteration + offset.
  SymExprPtr Entry = SelfIndex;
  size_t FirstPush = SelfPushes.size();
  SelfIndex = SymExpr::makeInt(0);
  runBody(Body);
  ActiveLoops.pop_back();
  afterSymbolicLoop(Var, Begin, End, Body, Before);
  SymExprPtr PerIteration = SelfIndex;
  std::vector<std::string> Depends;
  collectParams(PerIteration, Depends);
  if (std::find(Depends.begin(), Depends.end(), Var) != Depends.end()) {
    // Iterations that push different numbers of children: the indices
    // of what follows are not a formula of the loop variable.
    for (size_t I = FirstPush; I < SelfPushes.size(); ++I)
      Out.Registrations[SelfPushes[I]].Name = SymExpr::makeUnknown(
          "an index after iterations that add different numbers of "
          "children");
    SelfIndex = SymExpr::makeUnknown(
        "the index after a loop whose iterations add different numbers "
        "of children");
    return;
  }
  SymExprPtr Iteration =
      SymExpr::makeBinary("-", SymExpr::makeParam(Var), Begin);
  SymExprPtr Base = SymExpr::makeBinary(
      "+", Entry, SymExpr::makeBinary("*", Iteration, PerIteration));
  for (size_t I = FirstPush; I < SelfPushes.size(); ++I) {
    Registration &R = Out.Registrations[SelfPushes[I]];
    R.Name = SymExpr::makeCall(
        "to_string",
        {fold(SymExpr::makeBinary("+", Base, R.Name->Args[0]), {})});
  }
  SelfIndex =
      fold(SymExpr::makeBinary(
               "+", Entry,
               SymExpr::makeBinary("*", SymExpr::makeBinary("-", End, Begin),
                                   PerIteration)),
           {});
}

std::string ConstructorWalker::loopVariableName(const std::string &Base) {
  std::string Name = Base;
  for (int N = 2; UsedLoopNames.count(Name); ++N)
    Name = Base + std::to_string(N);
  UsedLoopNames.insert(Name);
  return Name;
}

bool ConstructorWalker::incrementsByOne(const Expr *Inc, const VarDecl *Var) {
  Inc = Inc->IgnoreParenImpCasts();
  auto isVar = [&](const Expr *E) {
    const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    return DRE && DRE->getDecl() == Var;
  };
  if (const auto *U = dyn_cast<UnaryOperator>(Inc))
    return U->isIncrementOp() && isVar(U->getSubExpr());
  if (const auto *B = dyn_cast<CompoundAssignOperator>(Inc))
    if (B->getOpcode() == BO_AddAssign && isVar(B->getLHS()))
      if (const auto *L =
              dyn_cast<IntegerLiteral>(B->getRHS()->IgnoreParenImpCasts()))
        return L->getValue() == 1;
  return false;
}

std::vector<const ValueDecl *> ConstructorWalker::assignedIn(const Stmt *S) {
  std::vector<const ValueDecl *> R;
  std::set<const FunctionDecl *> Followed;
  std::function<void(const Stmt *)> Visit = [&](const Stmt *X) {
    if (!X)
      return;
    if (const auto *Call = dyn_cast<CallExpr>(X))
      if (const FunctionDecl *FD = Call->getDirectCallee()) {
        const FunctionDecl *Def = nullptr;
        if (FD->hasBody(Def) && !isLibraryLocation(SM, Def->getLocation()) &&
            Followed.insert(Def).second && Followed.size() < 256)
          Visit(Def->getBody());
      }
    const Expr *Target = nullptr;
    if (const auto *B = dyn_cast<BinaryOperator>(X)) {
      if (B->isAssignmentOp())
        Target = B->getLHS();
    } else if (const auto *U = dyn_cast<UnaryOperator>(X)) {
      if (U->isIncrementDecrementOp())
        Target = U->getSubExpr();
    } else if (const auto *O = dyn_cast<CXXOperatorCallExpr>(X)) {
      if (O->isAssignmentOp() && O->getNumArgs() >= 1)
        Target = O->getArg(0);
    }
    if (Target) {
      Target = Target->IgnoreParenImpCasts();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(Target))
        R.push_back(DRE->getDecl());
      else if (const auto *ME = dyn_cast<MemberExpr>(Target))
        R.push_back(ME->getMemberDecl());
    }
    for (const Stmt *C : X->children())
      Visit(C);
  };
  Visit(S);
  return R;
}

void ConstructorWalker::walkSwitch(const SwitchStmt *Sw) {
  walk(Sw->getInit());
  SymExprPtr Cond = translate(Sw->getCond());
  const auto *Body = dyn_cast_or_null<CompoundStmt>(Sw->getBody());
  if (!Body) {
    if (const Expr *Call = findRegistration(Sw))
      unresolved(Call->getExprLoc(),
                 "a switch without a braced body is not followed");
    return;
  }
  std::vector<SymExprPtr> CaseValues;
  SymExprPtr Active; // the guard of the statements being walked, or null
  size_t Depth = Guards.size();
  size_t SavedLoopDepth = LoopGuardDepth;
  auto setGuard = [&](SymExprPtr G) {
    Guards.resize(Depth);
    Active = G;
    if (G)
      Guards.push_back(G);
    // A break leaves the switch, not an enclosing loop.
    LoopGuardDepth = Guards.size();
  };
  for (const Stmt *Item : Body->body()) {
    const Stmt *Sub = Item;
    // Labels nest: `case 1: case 2: stmt`.
    while (true) {
      SymExprPtr Match;
      if (const auto *C = dyn_cast<CaseStmt>(Sub)) {
        SymExprPtr V = translate(C->getLHS());
        CaseValues.push_back(V);
        Match = SymExpr::makeBinary("==", Cond, V);
        Sub = C->getSubStmt();
      } else if (const auto *D = dyn_cast<DefaultStmt>(Sub)) {
        SymExprPtr None = SymExpr::makeBool(true);
        for (const SymExprPtr &V : CaseValues)
          None = SymExpr::makeBinary("&&", None,
                                     SymExpr::makeBinary("!=", Cond, V));
        Match = None;
        Sub = D->getSubStmt();
      } else {
        break;
      }
      // Falling into a label keeps the previous cases' guard too.
      setGuard(located(Active && Pending == Flow::Normal
                           ? SymExpr::makeBinary("||", Active, Match)
                           : Match,
                       Sw->getCond()->getBeginLoc()));
      Pending = Flow::Normal;
    }
    if (!Active || Pending != Flow::Normal)
      continue; // unreachable until the next label
    walk(Sub);
    if (Pending == Flow::Continue)
      break; // belongs to an enclosing loop
  }
  Guards.resize(Depth);
  LoopGuardDepth = SavedLoopDepth;
  if (Pending == Flow::Break)
    Pending = Flow::Normal;
}

const Expr *ConstructorWalker::findRegistration(const Stmt *S) {
  if (!S)
    return nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S))
    if (registrationKind(MC))
      return MC;
  for (const Stmt *C : S->children())
    if (const Expr *R = findRegistration(C))
      return R;
  return nullptr;
}

} // namespace extract
} // namespace torchkc
