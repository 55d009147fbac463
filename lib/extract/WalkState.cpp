//===- WalkState.cpp - What the walk knows at each point ------------------===//
//
// The walk's state: variables and members, the conditions in force, the
// containers being filled, and what could not be followed.
//
//===----------------------------------------------------------------------===//
#include "ConstructorWalker.h"

#include "clang/Lex/Lexer.h"

namespace torchkc {
namespace extract {

void ConstructorWalker::unresolved(SourceLocation L, std::string Why) {
  // Once per place and reason, however many iterations reach it.
  SourceLoc Loc = toLoc(SM, L);
  if (Reported.insert("U" + Loc.str() + "\n" + Why).second)
    Out.Unresolved.push_back({Loc, std::move(Why)});
}

void ConstructorWalker::undecided(SourceLocation L, const SymExprPtr &Cond,
                                  std::string ByConfig, std::string ByRunTime) {
  if (containsUnknown(Cond)) {
    unresolved(L, std::move(ByRunTime));
    return;
  }
  SourceLoc Loc = toLoc(SM, L);
  if (Reported.insert("C" + Loc.str() + "\n" + ByConfig).second)
    Out.ConfigurationDependent.push_back({Loc, std::move(ByConfig)});
}

std::string ConstructorWalker::text(const Expr *E) {
  CharSourceRange R = CharSourceRange::getTokenRange(E->getSourceRange());
  R = SM.getExpansionRange(R);
  return Lexer::getSourceText(R, SM, Ctx.getLangOpts()).str();
}

SymExprPtr ConstructorWalker::located(const SymExprPtr &E, SourceLocation L) {
  auto C = std::make_shared<torchkc::SymExpr>(*E);
  C->Loc = toLoc(SM, L);
  return C;
}

SymExprPtr *ConstructorWalker::slot(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    auto It = Frames.back().Vars.find(DRE->getDecl());
    if (It != Frames.back().Vars.end())
      return &It->second;
    if (isa<VarDecl>(DRE->getDecl()))
      return &Frames.back().Vars[DRE->getDecl()];
    return nullptr;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
      if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
        return &Members[F];
  return nullptr;
}

SymExprPtr ConstructorWalker::activeCondition() const {
  SymExprPtr C;
  for (const SymExprPtr &G : Guards)
    C = C ? SymExpr::makeBinary("&&", C, G) : G;
  return C;
}

void ConstructorWalker::assign(const Expr *E, SymExprPtr V, bool Guarded) {
  SymExprPtr *S = slot(E);
  if (!S)
    return;
  SymExprPtr Old = *S;
  if (Guarded)
    if (SymExprPtr C = activeCondition())
      V = SymExpr::makeConditional(
          C, V, Old ? Old : SymExpr::makeUnknown("an unassigned value"));
  *S = V;
  if (auto It = ContainerDepth.find(Old.get()); It != ContainerDepth.end())
    ContainerDepth[V.get()] = It->second;
  if (Old && Old->K == SymExpr::Kind::Module) {
    for (Registration &R : Out.Registrations)
      if (R.Value == Old)
        R.Value = V;
    // A container grown in place is still the object the member was
    // given.
    if (!Guarded)
      for (MemberAssignment &A : Out.MemberAssignments)
        if (A.Value == Old)
          A.Value = V;
  }
}

void ConstructorWalker::recordMemberAssignment(const Expr *E,
                                               const SymExprPtr &V,
                                               SourceLocation L) {
  const auto *ME = dyn_cast<MemberExpr>(E->IgnoreParenImpCasts());
  if (!ME || !isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
    return;
  if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
    recordMemberAssignment(F, V, L);
}

void ConstructorWalker::recordMemberAssignment(const FieldDecl *F,
                                               const SymExprPtr &V,
                                               SourceLocation L) {
  std::optional<MemberAssignment::Kind> K = memberKind(F->getType());
  if (!K ||
      !holds(V, *K == MemberAssignment::Kind::Module ? SymExpr::Kind::Module
                                                     : SymExpr::Kind::Tensor))
    return;
  MemberAssignment A;
  A.K = *K;
  A.Member = F->getNameAsString();
  A.Value = V;
  A.Loc = toLoc(SM, L);
  A.MemberLoc = toLoc(SM, F->getLocation());
  Out.MemberAssignments.push_back(A);
}

bool ConstructorWalker::holds(const SymExprPtr &V, SymExpr::Kind K) {
  if (V->K == SymExpr::Kind::Conditional)
    return holds(V->Args[1], K) || holds(V->Args[2], K);
  return V->K == K;
}

size_t ConstructorWalker::depthOf(const SymExprPtr &Container) const {
  auto It = ContainerDepth.find(Container.get());
  return It == ContainerDepth.end() ? 0 : It->second;
}

void ConstructorWalker::appendChild(torchkc::SymExpr &Container,
                                    SymExprPtr Child, size_t Depth) {
  if (ActiveLoops.size() <= Depth) {
    Container.Args.push_back(Child);
    return;
  }
  unsigned Inner = ActiveLoops.back();
  if (ActiveLoops.size() == Depth + 1 && !Container.Args.empty() &&
      Container.Args.back()->K == SymExpr::Kind::Repeat &&
      Container.Args.back()->IntVal == Inner) {
    auto R = std::make_shared<torchkc::SymExpr>(*Container.Args.back());
    R->Args.push_back(Child);
    Container.Args.back() = R;
    return;
  }
  for (size_t L = ActiveLoops.size(); L-- > Depth;) {
    const LoopInfo &Info = Out.Loops[ActiveLoops[L]];
    auto R = std::make_shared<torchkc::SymExpr>();
    R->K = SymExpr::Kind::Repeat;
    R->Name = Info.Var;
    R->IntVal = ActiveLoops[L];
    R->Args = {Info.Begin, Info.End, Child};
    Child = R;
  }
  Container.Args.push_back(Child);
}

SymExprPtr ConstructorWalker::moduleExpr(const CXXRecordDecl *Impl,
                                         std::vector<SymExprPtr> Args,
                                         const Expr *E) {
  auto M = std::make_shared<torchkc::SymExpr>();
  M->K = torchkc::SymExpr::Kind::Module;
  M->Name = className(Impl);
  if (inTorchNamespace(Impl)) {
    StringRef N = Impl->getName();
    N.consume_back("Impl");
    M->Builtin = N.str();
  }
  M->Args = std::move(Args);
  M->Text = text(E);
  M->Loc = toLoc(SM, E->getBeginLoc());
  if (isContainer(M->Builtin))
    ContainerDepth[M.get()] = ActiveLoops.size();
  return M;
}

} // namespace extract
} // namespace torchkc
