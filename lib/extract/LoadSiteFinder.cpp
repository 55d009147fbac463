//===- LoadSiteFinder.cpp - torch::load calls in user code ----------------===//
#include "LoadSiteFinder.h"

#include "clang/Lex/Lexer.h"
#include "llvm/Support/Path.h"

#include <set>

namespace torchkc {
namespace extract {

bool LoadSiteFinder::TraverseDecl(Decl *D) {
  if (D && !isa<TranslationUnitDecl>(D) &&
      isLibraryLocation(Ctx.getSourceManager(), D->getLocation()))
    return true;
  return RecursiveASTVisitor::TraverseDecl(D);
}

bool LoadSiteFinder::VisitCallExpr(CallExpr *CE) {
  const SourceManager &SM = Ctx.getSourceManager();
  const FunctionDecl *FD = CE->getDirectCallee();
  if (!FD || isLibraryLocation(SM, CE->getBeginLoc()))
    return true;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
    const auto *Obj = MC->getImplicitObjectArgument();
    const CXXRecordDecl *Owner =
        MC->getMethodDecl() ? MC->getMethodDecl()->getParent() : nullptr;
    std::string OwnerName = Owner ? Owner->getQualifiedNameAsString() : "";
    // archive.load_from("path"): remember the path of that archive.
    if (FD->getName() == "load_from" && MC->getNumArgs() >= 1 && Obj &&
        OwnerName == "torch::serialize::InputArchive") {
      const auto *Ref = dyn_cast<DeclRefExpr>(Obj->IgnoreParenImpCasts());
      if (Ref)
        ArchivePaths[Ref->getDecl()] = pathOf(MC->getArg(0));
      return true;
    }
    // model->load(archive), with the archive's path known.
    if (FD->getName() == "load" && MC->getNumArgs() == 1 && Obj &&
        OwnerName == "torch::nn::Module") {
      const auto *ArchiveRef =
          dyn_cast<DeclRefExpr>(MC->getArg(0)->IgnoreParenImpCasts());
      auto It = ArchiveRef ? ArchivePaths.find(ArchiveRef->getDecl())
                           : ArchivePaths.end();
      // `model->load` goes through the holder's operator->.
      const Expr *Model = Obj->IgnoreParenImpCasts();
      if (const auto *Arrow = dyn_cast<CXXOperatorCallExpr>(Model))
        Model = Arrow->getArg(0)->IgnoreParenImpCasts();
      if (It != ArchivePaths.end())
        addLoadSite(CE, Model, It->second);
    }
    return true;
  }
  noteLoaderHelper(CE, FD);
  // A call of a user function with a model and a path: a load site if
  // that function turns out to be a loading helper.
  if (CE->getNumArgs() >= 1 && !FD->getQualifiedNameAsString().empty() &&
      !inTorchNamespace(FD))
    HelperCalls.push_back(CE);
  if (CE->getNumArgs() < 2 || FD->getName() != "load" ||
      FD->getQualifiedNameAsString() != "torch::load")
    return true;
  addLoadSite(CE, CE->getArg(0)->IgnoreParenImpCasts(), pathOf(CE->getArg(1)));
  return true;
}

void LoadSiteFinder::noteLoaderHelper(const CallExpr *CE,
                                      const FunctionDecl *Callee) {
  std::string Q = Callee->getQualifiedNameAsString();
  bool Reader =
      Q == "torch::load" || Q == "torch::serialize::InputArchive::load_from";
  unsigned PathArg = Q == "torch::load" ? 1 : 0;
  if (Reader && CE->getNumArgs() > PathArg)
    noteLoaderPath(CE->getArg(PathArg));
}

bool LoadSiteFinder::VisitCXXConstructExpr(CXXConstructExpr *CE) {
  const CXXRecordDecl *RD = CE->getType()->getAsCXXRecordDecl();
  if (RD && RD->isInStdNamespace() && RD->getName() == "basic_ifstream" &&
      CE->getNumArgs() >= 1 &&
      !isLibraryLocation(Ctx.getSourceManager(), CE->getBeginLoc()))
    noteLoaderPath(CE->getArg(0));
  return true;
}

void LoadSiteFinder::noteLoaderPath(const Expr *PathExpr) {
  const auto *Ref = dyn_cast<DeclRefExpr>(PathExpr->IgnoreParenImpCasts());
  const auto *Param = Ref ? dyn_cast<ParmVarDecl>(Ref->getDecl()) : nullptr;
  if (!Param)
    return;
  const auto *Helper = dyn_cast_or_null<FunctionDecl>(Param->getDeclContext());
  if (!Helper)
    return;
  for (const ParmVarDecl *P : Helper->parameters()) {
    QualType T = P->getType().getNonReferenceType();
    const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
    const CXXRecordDecl *Impl =
        holderImpl(T) ? holderImpl(T) : sharedPtrPointee(T);
    if ((RD && (isTorchModuleBase(RD) || derivesFromModule(RD))) ||
        (Impl && (isTorchModuleBase(Impl) || derivesFromModule(Impl)))) {
      Helpers[Helper->getCanonicalDecl()] = {
          P->getFunctionScopeIndex(), Param->getFunctionScopeIndex(), {}};
      return;
    }
  }
}

void LoadSiteFinder::finish() {
  // A helper's call may itself pass a parameter, making its caller a
  // helper: repeated until no call is left to judge (a bounded chain).
  std::set<const CallExpr *> Done;
  for (int Round = 0; Round < 8; ++Round) {
    size_t Before = Done.size();
    for (const CallExpr *CE : HelperCalls) {
      const FunctionDecl *FD = CE->getDirectCallee();
      auto It = Helpers.find(FD->getCanonicalDecl());
      if (It == Helpers.end() || Done.count(CE))
        continue;
      Done.insert(CE);
      const Helper &H = It->second;
      if (H.ModelArg >= CE->getNumArgs() ||
          (H.PathArg && *H.PathArg >= CE->getNumArgs()))
        continue;
      const Expr *Model = CE->getArg(H.ModelArg)->IgnoreParenImpCasts();
      // `*net` passes the holder's module.
      if (const auto *Deref = dyn_cast<CXXOperatorCallExpr>(Model))
        if (Deref->getOperator() == OO_Star && Deref->getNumArgs() == 1)
          Model = Deref->getArg(0)->IgnoreParenImpCasts();
      addLoadSite(CE, Model,
                  H.PathArg ? pathOf(CE->getArg(*H.PathArg)) : H.Path);
    }
    if (Done.size() == Before)
      break;
  }
}

LoadSiteFinder::CheckpointPath LoadSiteFinder::pathOf(const Expr *E) {
  if (const StringLiteral *SL = writtenLiteral(E))
    return {SL->getString().str(), true};
  const SourceManager &SM = Ctx.getSourceManager();
  CharSourceRange R = SM.getExpansionRange(
      CharSourceRange::getTokenRange(E->IgnoreImplicit()->getSourceRange()));
  return {Lexer::getSourceText(R, SM, Ctx.getLangOpts()).str(), false};
}

void LoadSiteFinder::addLoadSite(const CallExpr *Call, const Expr *ModelRef,
                                 const CheckpointPath &Path) {
  const SourceManager &SM = Ctx.getSourceManager();
  const auto *Ref = dyn_cast<DeclRefExpr>(ModelRef);
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!Var)
    return;
  QualType T = Var->getType().getNonReferenceType();
  const CXXRecordDecl *Impl =
      holderImpl(T) ? holderImpl(T) : sharedPtrPointee(T);
  if (!Impl || !derivesFromModule(Impl) || inTorchNamespace(Impl))
    return;
  // A parameter was constructed by the caller: its calls are the sites
  // (`void restore(Net &net) { torch::load(net, "net.pt"); }`).
  if (const auto *Param = dyn_cast<ParmVarDecl>(Var)) {
    if (const auto *Fn =
            dyn_cast_or_null<FunctionDecl>(Param->getDeclContext()))
      Helpers.try_emplace(Fn->getCanonicalDecl(),
                          Helper{Param->getFunctionScopeIndex(), {}, Path});
    return;
  }
  LoadSite S;
  S.Class = className(Impl);
  S.Variable = Var->getNameAsString();
  S.Checkpoint = Path.Text;
  S.PathIsLiteral = Path.Literal;
  S.Loc = toLoc(SM, Call->getBeginLoc());
  S.ConstructionLoc = toLoc(SM, Var->getLocation());
  if (Path.Literal) {
    llvm::SmallString<256> Resolved(S.Checkpoint);
    if (llvm::sys::path::is_relative(Resolved)) {
      Resolved = llvm::sys::path::parent_path(S.Loc.File.str());
      llvm::sys::path::append(Resolved, S.Checkpoint);
    }
    S.ResolvedPath = std::string(Resolved);
  }
  constructionArgs(Var, Impl, S.Args);
  Sites.push_back(std::move(S));
}

void LoadSiteFinder::constructionArgs(const VarDecl *Var,
                                      const CXXRecordDecl *Impl,
                                      Bindings &Out) {
  const Expr *Init = Var->getInit();
  std::vector<const Expr *> Args;
  for (int Depth = 0; Init && Depth < 8; ++Depth) {
    Init = Init->IgnoreImplicit();
    if (const auto *C = dyn_cast<CXXConstructExpr>(Init)) {
      // A copy or move from a temporary: look through it.
      if (C->getNumArgs() == 1 &&
          C->getConstructor()->isCopyOrMoveConstructor()) {
        Init = C->getArg(0);
        continue;
      }
      for (const Expr *A : C->arguments())
        if (!isa<CXXDefaultArgExpr>(A))
          Args.push_back(A);
      break;
    }
    if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(Init)) {
      Init = FC->getSubExpr();
      continue;
    }
    if (const auto *Call = dyn_cast<CallExpr>(Init)) {
      const FunctionDecl *Callee = Call->getDirectCallee();
      if (Callee && Callee->getName() == "make_shared")
        for (const Expr *A : Call->arguments())
          Args.push_back(A);
      break;
    }
    break;
  }
  // The constructor the arguments fit.
  const CXXConstructorDecl *Ctor = nullptr;
  for (const CXXConstructorDecl *C : Impl->ctors())
    if (!C->isCopyOrMoveConstructor() && C->getNumParams() >= Args.size() &&
        C->getMinRequiredArguments() <= Args.size()) {
      Ctor = C;
      break;
    }
  if (!Ctor)
    return;
  for (size_t I = 0; I < Args.size(); ++I) {
    const Expr *A = Args[I];
    std::string Name = Ctor->getParamDecl(I)->getNameAsString();
    if (const StringLiteral *SL = writtenLiteral(A)) {
      Out[Name] = SymExpr::makeString(SL->getString().str());
      continue;
    }
    Expr::EvalResult R;
    if (A->isValueDependent() || !A->EvaluateAsRValue(R, Ctx) ||
        R.HasSideEffects)
      continue;
    if (R.Val.isInt())
      Out[Name] = A->IgnoreImplicit()->getType()->isBooleanType()
                      ? SymExpr::makeBool(R.Val.getInt().getBoolValue())
                      : SymExpr::makeInt(R.Val.getInt().getExtValue());
    else if (R.Val.isFloat())
      Out[Name] = SymExpr::makeFloat(R.Val.getFloat().convertToDouble());
  }
}

} // namespace extract
} // namespace torchkc
