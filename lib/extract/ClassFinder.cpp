//===- ClassFinder.cpp - The module classes of a translation unit ---------===//
#include "ClassFinder.h"

#include "ConstructorWalker.h"

#include "clang/Lex/Lexer.h"

#include <functional>

namespace torchkc {
namespace extract {

const Constructor *ClassFinder::specialize(const std::string &Class,
                                           size_t CtorIndex,
                                           const Bindings &Args) {
  auto It = Decls.find(Class);
  auto Fn = FunctionDecls.find(Class);
  bool IsClass = It != Decls.end() && CtorIndex < It->second.size();
  if (!IsClass && (Fn == FunctionDecls.end() || CtorIndex >= Fn->second.size()))
    return nullptr;
  std::string Key = (IsClass ? "" : "fn:") + Class + "#" +
                    std::to_string(CtorIndex);
  for (const auto &[Name, Value] : Args)
    Key += "|" + Name + "=" + Value->str();
  auto Done = Specialized.find(Key);
  if (Done != Specialized.end())
    return Done->second.get();
  auto Out = std::make_unique<Constructor>();
  ConstructorWalker W(Ctx, *Out, IsClass ? &Called : nullptr);
  if (IsClass)
    W.walkConstructor(It->second[CtorIndex], Args);
  else
    W.walkFunction(Fn->second[CtorIndex], Args);
  return (Specialized[Key] = std::move(Out)).get();
}

/// Whether FD calls torch::save on a module: a model built in a function
/// (often main) and saved there, not returned.
static bool savesModule(const FunctionDecl *FD) {
  const FunctionDecl *Def = nullptr;
  if (!FD->hasBody(Def))
    return false;
  std::function<bool(const Stmt *)> Visit = [&](const Stmt *S) {
    if (!S)
      return false;
    // Only a module the function builds itself: `void train(Net &net)`
    // saving its argument is no model.
    if (const auto *CE = dyn_cast<CallExpr>(S); CE && isModuleSave(CE)) {
      const Expr *Saved = CE->getArg(0)->IgnoreParenImpCasts();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(Saved))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
            VD && VD->hasLocalStorage() && !isa<ParmVarDecl>(VD) &&
            !VD->getType()->isReferenceType())
          return true;
    }
    for (const Stmt *Child : S->children())
      if (Visit(Child))
        return true;
    return false;
  };
  return Visit(Def->getBody());
}

bool ClassFinder::VisitFunctionDecl(FunctionDecl *FD) {
  // Member functions are a class's business; templates are models only
  // once instantiated, and a model's own helpers may be too.
  if (isa<CXXMethodDecl>(FD) || !FD->isThisDeclarationADefinition() ||
      FD->isDependentContext() || FD->isTemplateInstantiation() ||
      FD->isInvalidDecl() ||
      (!isModuleType(FD->getReturnType()) && !savesModule(FD)))
    return true;
  const SourceManager &SM = Ctx.getSourceManager();
  if (isLibraryLocation(SM, FD->getLocation()) || inTorchNamespace(FD))
    return true;
  std::string Name = FD->getQualifiedNameAsString();
  std::vector<const FunctionDecl *> &Overloads = FunctionDecls[Name];
  auto It = std::find_if(G.Functions.begin(), G.Functions.end(),
                         [&](const ModuleClass &F) { return F.Name == Name; });
  if (It == G.Functions.end()) {
    G.Functions.emplace_back();
    It = std::prev(G.Functions.end());
    It->Name = Name;
    It->Loc = toLoc(SM, FD->getLocation());
  }
  // What a function model calls is no class's constructor path.
  Constructor Out;
  ConstructorWalker W(Ctx, Out);
  W.walkFunction(FD);
  It->Constructors.push_back(std::move(Out));
  Overloads.push_back(FD);
  return true;
}

bool ClassFinder::TraverseDecl(Decl *D) {
  if (D && !isa<TranslationUnitDecl>(D) &&
      isLibraryLocation(Ctx.getSourceManager(), D->getLocation()))
    return true;
  return RecursiveASTVisitor::TraverseDecl(D);
}

bool ClassFinder::VisitCXXRecordDecl(CXXRecordDecl *RD) {
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD)) {
    // A use of ResNet<BasicBlock> may leave ResNetImpl<BasicBlock> only
    // declared; instantiating adds declarations, so it is done after the
    // traversal.
    if (TheSema && !RD->isDependentContext() && !RD->isInvalidDecl() &&
        !isLibraryLocation(Ctx.getSourceManager(), RD->getLocation()) &&
        Spec->getSpecializationKind() != TSK_ExplicitSpecialization &&
        Seen.insert(RD->getCanonicalDecl()).second)
      Specializations.push_back(RD);
    if (Spec->getSpecializationKind() != TSK_ExplicitSpecialization)
      return true;
  }
  if (!RD->isThisDeclarationADefinition() || RD->isInvalidDecl() ||
      RD->isDependentContext() || RD->isLambda())
    return true;
  return addClass(RD);
}

void ClassFinder::addSpecializations() {
  for (size_t I = 0; I < Specializations.size(); ++I) {
    CXXRecordDecl *RD = Specializations[I];
    if (!TheSema->isCompleteType(RD->getLocation(), Ctx.getRecordType(RD)))
      continue;
    RD = RD->getDefinition();
    if (!RD || (!derivesFromModule(RD) && !holderImpl(Ctx.getRecordType(RD))))
      continue;
    for (CXXConstructorDecl *Ctor : RD->ctors())
      if (!Ctor->isImplicit() && !Ctor->isDeleted() && !Ctor->hasBody() &&
          Ctor->getTemplateInstantiationPattern())
        TheSema->InstantiateFunctionDefinition(Ctor->getLocation(), Ctor,
                                               /*Recursive=*/true);
    addClass(RD);
  }
}

bool ClassFinder::addClass(CXXRecordDecl *RD) {
  const SourceManager &SM = Ctx.getSourceManager();
  // LibTorch's own modules are built-ins wherever their headers live
  // (a vendored copy in the project is not a user class).
  if (isLibraryLocation(SM, RD->getLocation()) || inTorchNamespace(RD))
    return true;
  if (const CXXRecordDecl *Impl = holderImpl(Ctx.getRecordType(RD))) {
    Holders[className(Impl)] = className(RD);
    return true;
  }
  if (!derivesFromModule(RD))
    return true;
  ModuleClass C;
  C.Name = className(RD);
  C.Loc = toLoc(SM, RD->getLocation());
  std::vector<const CXXConstructorDecl *> &Ctors = Decls[C.Name];
  for (const CXXConstructorDecl *Ctor : RD->ctors()) {
    if (Ctor->isCopyOrMoveConstructor() || Ctor->isImplicit() ||
        Ctor->isDeleted())
      continue;
    Constructor Out;
    ConstructorWalker W(Ctx, Out, &Called);
    W.walkConstructor(Ctor);
    C.Constructors.push_back(std::move(Out));
    Ctors.push_back(Ctor);
  }
  // `using LinearImpl::LinearImpl;`: constructions this class declares no
  // constructor for run the base's.
  for (const Decl *D : RD->decls())
    if (const auto *U = dyn_cast<UsingDecl>(D))
      for (const UsingShadowDecl *S : U->shadows())
        if (const auto *CS = dyn_cast<ConstructorUsingShadowDecl>(S))
          if (const CXXRecordDecl *Base = CS->getNominatedBaseClass())
            C.InheritsConstructorsOf = className(Base);
  if (C.Constructors.empty()) {
    // An implicit default constructor registers nothing itself, but its
    // member initialisers could; a class without a user constructor is
    // still a module with no keys of its own.
    C.Constructors.emplace_back();
    C.Constructors.back().Loc = C.Loc;
  }
  Records[C.Name] = RD;
  G.Classes.push_back(std::move(C));
  return true;
}

void ClassFinder::finish() {
  for (ModuleClass &C : G.Classes) {
    auto It = Holders.find(C.Name);
    if (It != Holders.end())
      C.HolderName = It->second;
    findRegistrationsOutsideConstructors(C);
  }
}

void ClassFinder::findRegistrationsOutsideConstructors(ModuleClass &C) {
  const CXXRecordDecl *RD = Records[C.Name];
  // A constructor defined elsewhere may call any method: nothing is known
  // to be outside it.
  for (const CXXConstructorDecl *Ctor : Decls[C.Name])
    if (!Ctor->hasBody())
      return;
  const SourceManager &SM = Ctx.getSourceManager();
  for (const CXXMethodDecl *M : RD->methods()) {
    const FunctionDecl *Def = nullptr;
    if (isa<CXXConstructorDecl>(M) || M->isImplicit() || !M->hasBody(Def) ||
        Called.count(M->getCanonicalDecl()))
      continue;
    std::function<void(const Stmt *)> Visit = [&](const Stmt *S) {
      if (!S)
        return;
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
        const Expr *Obj = MC->getImplicitObjectArgument();
        auto K = registrationKind(MC);
        if (K && Obj && isa<CXXThisExpr>(Obj->IgnoreParenImpCasts()) &&
            MC->getNumArgs() >= 1) {
          RegistrationOutsideConstructor R;
          R.K = *K;
          CharSourceRange Range = SM.getExpansionRange(
              CharSourceRange::getTokenRange(MC->getArg(0)->getSourceRange()));
          R.NameText = Lexer::getSourceText(Range, SM, Ctx.getLangOpts()).str();
          R.Function = M->getNameAsString();
          R.Loc = toLoc(SM, MC->getExprLoc());
          R.FunctionLoc = toLoc(SM, M->getLocation());
          C.OutsideConstructors.push_back(R);
        }
      }
      // A lambda's body runs only if something calls it.
      if (isa<LambdaExpr>(S))
        return;
      for (const Stmt *Child : S->children())
        Visit(Child);
    };
    Visit(Def->getBody());
  }
}

} // namespace extract
} // namespace torchkc
