//===- Extractor.cpp - Clang AST to registration graph --------------------===//
//
// What this computes
// ------------------
// A LibTorch module's state_dict keys are the dotted paths of the names it
// passes to register_module, register_parameter and register_buffer, and
// of the names LibTorch's own modules register in turn. Those calls run in
// the constructor (directly, or through member functions, base-class
// constructors and helpers it calls), so the keys can be read from source.
//
// For every user class deriving from torch::nn::Module, the extractor walks
// each constructor the way it would execute: base initialisers, member
// initialisers, then the body, inlining calls to the class's own member
// functions and to free functions whose bodies are visible. Every
// registration becomes a Registration in the class's RegistrationGraph,
// with
//   - its name and value as symbolic Exprs over the constructor's
//     parameters (locals, members and helper arguments are substituted, so
//     `int h = in * 2; register_module("fc", Linear(in, h))` records
//     `Linear(in, in * 2)`),
//   - the conditions of the enclosing `if`s as guards,
//   - its source location.
//
// What is exact and what is symbolic
// ----------------------------------
// Constant expressions Clang can evaluate are folded here. Anything that
// depends on a constructor parameter stays a Param node and is decided only
// when KeySet.cpp binds the parameters to a configuration. Values the
// extractor cannot represent (a tensor read from a file, a call whose body
// is not visible) become Unknown with their source text; registrations
// in loops and switch statements are recorded as unresolved with their
// location rather than guessed.
//
// Nested modules are not inlined: registering a user module records a
// Module node naming the class and its argument Exprs; key derivation
// expands it through that class's own graph. LibTorch's modules are Module
// nodes with a Builtin name, expanded by BuiltinModules.cpp.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/Extractor.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/FrontendActions.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Frontend/Utils.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Lex/Lexer.h"
#include "clang/Sema/Sema.h"
#include "clang/Sema/SemaConsumer.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <functional>
#include <set>

using namespace clang;

namespace torchkc {
namespace {

/// Headers whose function bodies the analysis never needs: LibTorch's own
/// and the system's. Their declarations are still parsed.
bool isLibraryFile(StringRef Path) {
  return Path.contains("/torch/csrc/") || Path.contains("/ATen/") ||
         Path.contains("/c10/") || Path.contains("/caffe2/");
}

bool isLibraryLocation(const SourceManager &SM, SourceLocation Loc) {
  if (Loc.isInvalid())
    return true;
  Loc = SM.getFileLoc(Loc);
  if (SM.isInSystemHeader(Loc))
    return true;
  return isLibraryFile(SM.getFilename(Loc));
}

SourceLoc toLoc(const SourceManager &SM, SourceLocation L) {
  SourceLoc R;
  if (L.isInvalid())
    return R;
  L = SM.getFileLoc(L);
  PresumedLoc P = SM.getPresumedLoc(L);
  if (P.isInvalid())
    return R;
  R.File = P.getFilename();
  R.Line = P.getLine();
  R.Column = P.getColumn();
  return R;
}

bool isTorchModuleBase(const CXXRecordDecl *RD) {
  return RD && RD->getQualifiedNameAsString() == "torch::nn::Module";
}

/// True when RD derives, at any depth, from torch::nn::Module.
bool derivesFromModule(const CXXRecordDecl *RD) {
  if (!RD || !RD->hasDefinition())
    return false;
  RD = RD->getDefinition();
  for (const CXXBaseSpecifier &B : RD->bases()) {
    const CXXRecordDecl *Base = B.getType()->getAsCXXRecordDecl();
    if (isTorchModuleBase(Base) || derivesFromModule(Base))
      return true;
  }
  return false;
}

/// The Impl class a ModuleHolder-derived class (`Linear`, a TORCH_MODULE
/// holder, `Sequential`) wraps, or null.
const CXXRecordDecl *holderImpl(QualType T) {
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  for (int Depth = 0; RD && Depth < 8; ++Depth) {
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD)) {
      if (Spec->getQualifiedNameAsString() == "torch::nn::ModuleHolder" &&
          Spec->getTemplateArgs().size() >= 1)
        return Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
    }
    if (!RD->hasDefinition() || RD->getNumBases() != 1)
      return nullptr;
    RD = RD->bases_begin()->getType()->getAsCXXRecordDecl();
  }
  return nullptr;
}

/// The pointee class of std::shared_ptr<T>, or null.
const CXXRecordDecl *sharedPtrPointee(QualType T) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getName() != "shared_ptr" ||
      Spec->getTemplateArgs().size() < 1)
    return nullptr;
  return Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
}

/// A class's name as users write it, with template arguments:
/// `net::ResNetImpl<net::BasicBlock>`.
std::string className(const CXXRecordDecl *RD) {
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  PrintingPolicy Policy(RD->getASTContext().getLangOpts());
  Policy.SuppressUnwrittenScope = true;
  RD->getNameForDiagnostic(OS, Policy, /*Qualified=*/true);
  return OS.str();
}

bool inTorchNamespace(const Decl *D) {
  std::string Q = cast<NamedDecl>(D)->getQualifiedNameAsString();
  return StringRef(Q).starts_with("torch::") ||
         StringRef(Q).starts_with("at::");
}

/// `torch::kLong` and its spellings, as torch names dtypes.
std::string dtypeName(StringRef Name) {
  static const llvm::StringMap<std::string> Names = {
      {"kFloat", "float32"},     {"kFloat32", "float32"},
      {"kDouble", "float64"},    {"kFloat64", "float64"},
      {"kHalf", "float16"},      {"kFloat16", "float16"},
      {"kBFloat16", "bfloat16"}, {"kLong", "int64"},
      {"kInt64", "int64"},       {"kInt", "int32"},
      {"kInt32", "int32"},       {"kShort", "int16"},
      {"kInt16", "int16"},       {"kChar", "int8"},
      {"kInt8", "int8"},         {"kByte", "uint8"},
      {"kUInt8", "uint8"},       {"kBool", "bool"},
      {"Float", "float32"},      {"Double", "float64"},
      {"Half", "float16"},       {"BFloat16", "bfloat16"},
      {"Long", "int64"},         {"Int", "int32"},
      {"Short", "int16"},        {"Char", "int8"},
      {"Byte", "uint8"},         {"Bool", "bool"},
  };
  auto It = Names.find(Name);
  return It == Names.end() ? std::string() : It->second;
}

/// The dtype named anywhere in E (`torch::kLong`,
/// `torch::TensorOptions().dtype(torch::kInt)`), or empty.
std::string findDType(const Stmt *S) {
  if (!S)
    return {};
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
    const ValueDecl *D = DRE->getDecl();
    if (isa<EnumConstantDecl>(D) || isa<VarDecl>(D))
      if (std::string N = dtypeName(D->getName()); !N.empty())
        return N;
  }
  for (const Stmt *C : S->children())
    if (std::string N = findDType(C); !N.empty())
      return N;
  return {};
}

/// Which register_* call MC is, if it is one.
std::optional<Registration::Kind>
registrationKind(const CXXMemberCallExpr *MC) {
  const CXXMethodDecl *M = MC->getMethodDecl();
  if (!M || !isTorchModuleBase(M->getParent()))
    return std::nullopt;
  StringRef N = M->getName();
  if (N == "register_module")
    return Registration::Kind::Module;
  if (N == "register_parameter")
    return Registration::Kind::Parameter;
  if (N == "register_buffer")
    return Registration::Kind::Buffer;
  return std::nullopt;
}

/// Whether a member of type T holds a module or a tensor, the two things a
/// member can hold that only registration puts into the state_dict.
std::optional<MemberAssignment::Kind> memberKind(QualType T) {
  if (holderImpl(T))
    return MemberAssignment::Kind::Module;
  if (const CXXRecordDecl *P = sharedPtrPointee(T))
    if (isTorchModuleBase(P) || derivesFromModule(P))
      return MemberAssignment::Kind::Module;
  if (const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl())
    if (RD->getQualifiedNameAsString() == "at::Tensor")
      return MemberAssignment::Kind::Tensor;
  return std::nullopt;
}

/// The string literal E is, through std::string's conversions, when it
/// is written as one token outside macros (a fix-it can replace it).
const StringLiteral *writtenLiteral(const clang::Expr *E) {
  for (int Depth = 0; E && Depth < 8; ++Depth) {
    E = E->IgnoreImplicit();
    if (const auto *SL = dyn_cast<StringLiteral>(E))
      return SL->getNumConcatenated() == 1 && !SL->getBeginLoc().isMacroID()
                 ? SL
                 : nullptr;
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
      E = CE->getNumArgs() >= 1 ? CE->getArg(0) : nullptr;
    else if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
      E = FC->getSubExpr();
    else
      return nullptr;
  }
  return nullptr;
}

/// Tensor factories whose first argument is the shape.
bool isShapeFactory(StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
      .Cases("zeros", "ones", "empty", "randn", "rand", "full", true)
      .Case("empty_strided", true)
      .Default(false);
}

/// Looks through the conversions LibTorch's factory arguments go through
/// (at::Scalar, TensorDataContainer, initializer lists, temporaries).
const clang::Expr *throughConversions(const clang::Expr *E) {
  while (true) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      if (CE->getNumArgs() >= 1 && !isa<CXXTemporaryObjectExpr>(CE) &&
          (CE->getNumArgs() == 1 || isa<CXXDefaultArgExpr>(CE->getArg(1)))) {
        E = CE->getArg(0);
        continue;
      }
    }
    if (const auto *IL = dyn_cast<CXXStdInitializerListExpr>(E)) {
      E = IL->getSubExpr();
      continue;
    }
    if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E)) {
      E = FC->getSubExpr();
      continue;
    }
    return E;
  }
}

/// torch's default dtype for a scalar of type T: integers give int64,
/// bools bool, floating point the default float32.
std::string scalarDType(QualType T) {
  if (T->isBooleanType())
    return "bool";
  if (T->isIntegralOrEnumerationType())
    return "int64";
  return "float32";
}

/// The shape and dtype of a literal `torch::tensor({{1., 2.}, {3., 4.}})`.
bool literalShape(const clang::Expr *E, std::vector<int64_t> &Dims,
                  std::string &DType) {
  E = throughConversions(E);
  if (const auto *IL = dyn_cast<InitListExpr>(E)) {
    Dims.push_back(IL->getNumInits());
    if (IL->getNumInits() == 0)
      return true;
    return literalShape(IL->getInit(0), Dims, DType);
  }
  QualType T = E->getType();
  if (!T->isArithmeticType())
    return false;
  DType = scalarDType(T);
  return true;
}

/// Translates one constructor, with everything it calls, into a
/// Constructor of the registration graph.
class ConstructorWalker {
public:
  /// Called, when given, collects every function the walk calls or
  /// inlines (canonical declarations).
  ConstructorWalker(ASTContext &Ctx, Constructor &Out,
                    std::set<const FunctionDecl *> *Called = nullptr)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out), Called(Called) {}

  /// Walks Ctor with the parameters in Values bound to them and the others
  /// symbolic.
  void walkConstructor(const CXXConstructorDecl *Ctor,
                       const Bindings &Values = {}) {
    Frames.emplace_back();
    for (const ParmVarDecl *P : Ctor->parameters()) {
      ConstructorParam CP;
      CP.Name = P->getNameAsString();
      CP.Type = P->getType().getAsString(Ctx.getPrintingPolicy());
      if (P->hasDefaultArg() && !P->hasUnparsedDefaultArg() &&
          !P->hasUninstantiatedDefaultArg()) {
        // Defaults are evaluated in the parameter scope; earlier parameters
        // are symbolic there too.
        CP.Default = translate(P->getDefaultArg());
      }
      Out.Params.push_back(CP);
      auto Given = Values.find(CP.Name);
      Frames.back().Vars[P] =
          Given != Values.end() ? Given->second : Expr::makeParam(CP.Name);
    }
    Out.Loc = toLoc(SM, Ctor->getLocation());
    runConstructor(Ctor);
    Guards.clear();
    Frames.pop_back();
  }

private:
  struct Frame {
    llvm::DenseMap<const ValueDecl *, ExprPtr> Vars;
    ExprPtr Return;
    bool Returned = false;
    size_t GuardDepth = 0;
  };

  /// Base and member initialisers, then the body, of Ctor in the current
  /// frame (whose parameters are already bound).
  void runConstructor(const CXXConstructorDecl *Ctor) {
    const FunctionDecl *Def = nullptr;
    if (!Ctor->hasBody(Def)) {
      unresolved(Ctor->getLocation(), "the definition of constructor '" +
                                          Ctor->getQualifiedNameAsString() +
                                          "' is not in this translation unit");
      return;
    }
    const auto *CtorDef = cast<CXXConstructorDecl>(Def);
    for (const CXXCtorInitializer *Init : CtorDef->inits()) {
      const clang::Expr *E = Init->getInit();
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

  /// A base-class constructor runs inside the derived one: its
  /// registrations come first, with its parameters bound to the arguments.
  void inlineConstructor(const CXXConstructExpr *CE) {
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    if (Frames.size() > MaxInlineDepth)
      return unresolved(CE->getBeginLoc(), "calls nested too deeply to follow");
    Frame F;
    for (unsigned I = 0; I < Ctor->getNumParams() && I < CE->getNumArgs(); ++I)
      F.Vars[Ctor->getParamDecl(I)] = translate(CE->getArg(I));
    F.GuardDepth = Guards.size();
    Frames.push_back(std::move(F));
    runConstructor(Ctor);
    Guards.resize(Frames.back().GuardDepth);
    Frames.pop_back();
  }

  /// Runs a function body with its parameters bound; yields what it
  /// returns.
  ExprPtr inlineCall(const FunctionDecl *FD, ArrayRef<const clang::Expr *> Args,
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
    Frame F;
    for (unsigned I = 0; I < Def->getNumParams() && I < Args.size(); ++I)
      F.Vars[Def->getParamDecl(I)] = translate(Args[I]);
    F.GuardDepth = Guards.size();
    Frames.push_back(std::move(F));
    Flow SavedPending = Pending;
    Pending = Flow::Normal;
    walk(Def->getBody());
    Pending = SavedPending;
    ExprPtr R = Frames.back().Return;
    Guards.resize(Frames.back().GuardDepth);
    Frames.pop_back();
    return R ? R : Expr::makeUnknown(FD->getNameAsString() + "(...)");
  }

  /// How the last statement left the enclosing loop body.
  enum class Flow { Normal, Break, Continue };

  bool stopped() const {
    return Frames.back().Returned || Pending != Flow::Normal;
  }

  void walk(const Stmt *S) {
    if (!S || stopped())
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
                            : Expr::makeUnknown(VD->getNameAsString());
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
      ExprPtr Cond = Expr::makeBool(true);
      for (size_t I = LoopGuardDepth; I < Guards.size(); ++I)
        Cond = Expr::makeBinary("&&", Cond, Guards[I]);
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
    if (const auto *E = dyn_cast<clang::Expr>(S)) {
      translate(E);
      return;
    }
    for (const Stmt *C : S->children())
      walk(C);
  }

  void walkIf(const IfStmt *If) {
    walk(If->getInit());
    if (const DeclStmt *CondVar = If->getConditionVariableDeclStmt())
      walk(CondVar);
    ExprPtr Cond = translate(If->getCond());
    if (auto Known = fold(Cond, {})->asBool()) {
      walk(*Known ? If->getThen() : If->getElse());
      return;
    }
    SourceLocation CondLoc = If->getCond()->getBeginLoc();
    Cond = located(Cond, CondLoc);
    ExprPtr NotCond = located(Expr::makeUnary("!", Cond), CondLoc);
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

  /// Walks a branch as its own scope; says whether it ended in a return.
  bool walkBranch(const Stmt *S) {
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

  /// for / while / do: unrolled while the condition folds to a constant
  /// (state carried between iterations is then exact); a counted loop
  /// whose bound depends on constructor parameters becomes a LoopInfo.
  void walkLoop(const Stmt *Loop, const Stmt *Init, const clang::Expr *CondE,
                const clang::Expr *Inc, const Stmt *Body, bool BodyFirst) {
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
      if (++Unrolled > MaxUnrolledIterations) {
        unresolved(Loop->getBeginLoc(),
                   "loops run more than " +
                       std::to_string(MaxUnrolledIterations) +
                       " iterations in all; the rest are not followed");
        return;
      }
      if (!runBody(Body))
        return;
      if (Inc)
        translate(Inc);
    }
  }

  /// One iteration; false when a break (or a return) ends the loop.
  bool runBody(const Stmt *Body) {
    size_t SavedDepth = LoopGuardDepth;
    LoopGuardDepth = Guards.size();
    walk(Body);
    LoopGuardDepth = SavedDepth;
    Flow F = Pending;
    Pending = Flow::Normal;
    return F != Flow::Break && !Frames.back().Returned;
  }

  void walkRangeFor(const CXXForRangeStmt *RF) {
    const VarDecl *Var = RF->getLoopVariable();
    ExprPtr Range = translate(RF->getRangeInit());
    if (Range->K == Expr::Kind::List) {
      for (const ExprPtr &Elem : Range->Args) {
        if (++Unrolled > MaxUnrolledIterations) {
          unresolved(RF->getBeginLoc(),
                     "loops run too many iterations to follow");
          return;
        }
        Frames.back().Vars[Var] = Elem;
        if (!runBody(RF->getBody()))
          return;
      }
      return;
    }
    // A range whose elements are not known (a std::vector parameter):
    // iterate an index over its size.
    std::string Index = loopVariableName(Var->getNameAsString() + "_index");
    Frames.back().Vars[Var] =
        Expr::makeCall("at", {Range, Expr::makeParam(Index)});
    beginSymbolicLoop(RF, Index, Expr::makeInt(0),
                      Expr::makeCall("size", {Range}), RF->getBody());
  }

  /// `for (int i = B; i < E; ++i)` with E (or B) not known: recorded as a
  /// LoopInfo, the body walked once with i symbolic.
  void symbolicLoop(const Stmt *Loop, const Stmt *Init,
                    const clang::Expr *CondE, const clang::Expr *Inc,
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
      if (const clang::Expr *Call = findRegistration(Body))
        undecided(
            Call->getExprLoc(), translate(CondE),
            "registration in a loop whose count depends on configuration: "
            "its keys are listed once the configuration is known (--define)",
            "registration in a loop whose count is not known and that is "
            "not a counted for loop: its keys are not listed");
      return;
    }
    ExprPtr Begin = Frames.back().Vars.lookup(Var);
    ExprPtr End = translate(Cmp->getRHS());
    if (Cmp->getOpcode() == BO_LE)
      End = Expr::makeBinary("+", End, Expr::makeInt(1));
    std::string Name = loopVariableName(Var->getNameAsString());
    Frames.back().Vars[Var] = Expr::makeParam(Name);
    beginSymbolicLoop(Loop, Name, Begin ? Begin : Expr::makeUnknown("?"), End,
                      Body);
  }

  void beginSymbolicLoop(const Stmt *Loop, const std::string &Var,
                         ExprPtr Begin, ExprPtr End, const Stmt *Body) {
    // Values the body changes are carried from one iteration to the next,
    // which a single symbolic walk cannot follow: they become unknown.
    for (const ValueDecl *D : assignedIn(Body)) {
      auto It = Frames.back().Vars.find(D);
      if (It != Frames.back().Vars.end())
        It->second = Expr::makeUnknown("'" + D->getNameAsString() +
                                       "' as changed by earlier iterations of "
                                       "a loop whose count is not known");
      if (const auto *F = dyn_cast<FieldDecl>(D))
        if (Members.count(F) &&
            (!Members[F] || Members[F]->K != Expr::Kind::Module))
          Members[F] = Expr::makeUnknown("'" + F->getNameAsString() + "'");
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
    ExprPtr Entry = SelfIndex;
    size_t FirstPush = SelfPushes.size();
    SelfIndex = Expr::makeInt(0);
    runBody(Body);
    ActiveLoops.pop_back();
    ExprPtr PerIteration = SelfIndex;
    std::vector<std::string> Depends;
    collectParams(PerIteration, Depends);
    if (std::find(Depends.begin(), Depends.end(), Var) != Depends.end()) {
      // Iterations that push different numbers of children: the indices
      // of what follows are not a formula of the loop variable.
      for (size_t I = FirstPush; I < SelfPushes.size(); ++I)
        Out.Registrations[SelfPushes[I]].Name = Expr::makeUnknown(
            "an index after iterations that add different numbers of "
            "children");
      SelfIndex = Expr::makeUnknown(
          "the index after a loop whose iterations add different numbers "
          "of children");
      return;
    }
    ExprPtr Iteration = Expr::makeBinary("-", Expr::makeParam(Var), Begin);
    ExprPtr Base = Expr::makeBinary(
        "+", Entry, Expr::makeBinary("*", Iteration, PerIteration));
    for (size_t I = FirstPush; I < SelfPushes.size(); ++I) {
      Registration &R = Out.Registrations[SelfPushes[I]];
      R.Name = Expr::makeCall(
          "to_string",
          {fold(Expr::makeBinary("+", Base, R.Name->Args[0]), {})});
    }
    SelfIndex =
        fold(Expr::makeBinary(
                 "+", Entry,
                 Expr::makeBinary("*", Expr::makeBinary("-", End, Begin),
                                  PerIteration)),
             {});
  }

  std::string loopVariableName(const std::string &Base) {
    std::string Name = Base;
    for (int N = 2; UsedLoopNames.count(Name); ++N)
      Name = Base + std::to_string(N);
    UsedLoopNames.insert(Name);
    return Name;
  }

  static bool incrementsByOne(const clang::Expr *Inc, const VarDecl *Var) {
    Inc = Inc->IgnoreParenImpCasts();
    auto isVar = [&](const clang::Expr *E) {
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

  /// Variables and members a statement assigns to, also through the
  /// functions it calls (`make_layer` updating `inplanes`).
  std::vector<const ValueDecl *> assignedIn(const Stmt *S) {
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
      const clang::Expr *Target = nullptr;
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

  /// switch: each case's statements run under `cond == value` (or any of
  /// its values when cases fall through); default under none matching.
  void walkSwitch(const SwitchStmt *Sw) {
    walk(Sw->getInit());
    ExprPtr Cond = translate(Sw->getCond());
    const auto *Body = dyn_cast_or_null<CompoundStmt>(Sw->getBody());
    if (!Body) {
      if (const clang::Expr *Call = findRegistration(Sw))
        unresolved(Call->getExprLoc(),
                   "a switch without a braced body is not followed");
      return;
    }
    std::vector<ExprPtr> CaseValues;
    ExprPtr Active; // the guard of the statements being walked, or null
    size_t Depth = Guards.size();
    size_t SavedLoopDepth = LoopGuardDepth;
    auto setGuard = [&](ExprPtr G) {
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
        ExprPtr Match;
        if (const auto *C = dyn_cast<CaseStmt>(Sub)) {
          ExprPtr V = translate(C->getLHS());
          CaseValues.push_back(V);
          Match = Expr::makeBinary("==", Cond, V);
          Sub = C->getSubStmt();
        } else if (const auto *D = dyn_cast<DefaultStmt>(Sub)) {
          ExprPtr None = Expr::makeBool(true);
          for (const ExprPtr &V : CaseValues)
            None =
                Expr::makeBinary("&&", None, Expr::makeBinary("!=", Cond, V));
          Match = None;
          Sub = D->getSubStmt();
        } else {
          break;
        }
        // Falling into a label keeps the previous cases' guard too.
        setGuard(located(Active && Pending == Flow::Normal
                             ? Expr::makeBinary("||", Active, Match)
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

  const clang::Expr *findRegistration(const Stmt *S) {
    if (!S)
      return nullptr;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S))
      if (registrationKind(MC))
        return MC;
    for (const Stmt *C : S->children())
      if (const clang::Expr *R = findRegistration(C))
        return R;
    return nullptr;
  }

  void unresolved(SourceLocation L, std::string Why) {
    Out.Unresolved.push_back({toLoc(SM, L), std::move(Why)});
  }

  /// Something the symbolic walk cannot follow at L, decided by Cond: by
  /// the configuration when Cond reads only constructor parameters, else
  /// at run time.
  void undecided(SourceLocation L, const ExprPtr &Cond, std::string ByConfig,
                 std::string ByRunTime) {
    if (containsUnknown(Cond))
      unresolved(L, std::move(ByRunTime));
    else
      Out.ConfigurationDependent.push_back({toLoc(SM, L), std::move(ByConfig)});
  }

  std::string text(const clang::Expr *E) {
    CharSourceRange R = CharSourceRange::getTokenRange(E->getSourceRange());
    R = SM.getExpansionRange(R);
    return Lexer::getSourceText(R, SM, Ctx.getLangOpts()).str();
  }

  ExprPtr unknown(const clang::Expr *E) { return Expr::makeUnknown(text(E)); }

  /// A copy of E that records where it is written (guards carry the
  /// location of their condition).
  ExprPtr located(const ExprPtr &E, SourceLocation L) {
    auto C = std::make_shared<torchkc::Expr>(*E);
    C->Loc = toLoc(SM, L);
    return C;
  }

  /// The variable or member E names, when it is one the walk tracks.
  ExprPtr *slot(const clang::Expr *E) {
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

  /// Stores V in the variable or member E names. A container changed after
  /// it was registered is the same object, so the registration sees the
  /// change: every registration of the old value takes the new one.
  /// The conjunction of the conditions in force, or null when none is.
  ExprPtr activeCondition() const {
    ExprPtr C;
    for (const ExprPtr &G : Guards)
      C = C ? Expr::makeBinary("&&", C, G) : G;
    return C;
  }

  /// Stores V in the variable or member E names. Under conditions the walk
  /// cannot decide, the variable holds `cond ? V : old`. (Containers grow
  /// unconditionally: push_back makes the child itself conditional.)
  void assign(const clang::Expr *E, ExprPtr V, bool Guarded = true) {
    ExprPtr *S = slot(E);
    if (!S)
      return;
    ExprPtr Old = *S;
    if (Guarded)
      if (ExprPtr C = activeCondition())
        V = Expr::makeConditional(
            C, V, Old ? Old : Expr::makeUnknown("an unassigned value"));
    *S = V;
    if (auto It = ContainerDepth.find(Old.get()); It != ContainerDepth.end())
      ContainerDepth[V.get()] = It->second;
    if (Old && Old->K == Expr::Kind::Module) {
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

  /// Notes that the member E names (`fc`, `this->fc`) was assigned V at L,
  /// when it is a module holder or tensor member and V a module or tensor.
  void recordMemberAssignment(const clang::Expr *E, const ExprPtr &V,
                              SourceLocation L) {
    const auto *ME = dyn_cast<MemberExpr>(E->IgnoreParenImpCasts());
    if (!ME || !isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
      return;
    if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      recordMemberAssignment(F, V, L);
  }

  void recordMemberAssignment(const FieldDecl *F, const ExprPtr &V,
                              SourceLocation L) {
    std::optional<MemberAssignment::Kind> K = memberKind(F->getType());
    if (!K ||
        !holds(V, *K == MemberAssignment::Kind::Module ? Expr::Kind::Module
                                                       : Expr::Kind::Tensor))
      return;
    MemberAssignment A;
    A.K = *K;
    A.Member = F->getNameAsString();
    A.Value = V;
    A.Loc = toLoc(SM, L);
    A.MemberLoc = toLoc(SM, F->getLocation());
    Out.MemberAssignments.push_back(A);
  }

  /// Whether V is a value of kind K, or a choice between such values
  /// (`deep ? Linear(..) : Linear(..)`). A null holder or an undefined
  /// tensor is not.
  static bool holds(const ExprPtr &V, Expr::Kind K) {
    if (V->K == Expr::Kind::Conditional)
      return holds(V->Args[1], K) || holds(V->Args[2], K);
    return V->K == K;
  }

  size_t depthOf(const ExprPtr &Container) const {
    auto It = ContainerDepth.find(Container.get());
    return It == ContainerDepth.end() ? 0 : It->second;
  }

  /// Adds Child to a container made outside Depth of the active symbolic
  /// loops: inside loops it did not start in, the child repeats per
  /// iteration (consecutive pushes of one iteration stay together).
  void appendChild(torchkc::Expr &Container, ExprPtr Child, size_t Depth) {
    if (ActiveLoops.size() <= Depth) {
      Container.Args.push_back(Child);
      return;
    }
    unsigned Inner = ActiveLoops.back();
    if (ActiveLoops.size() == Depth + 1 && !Container.Args.empty() &&
        Container.Args.back()->K == Expr::Kind::Repeat &&
        Container.Args.back()->IntVal == Inner) {
      auto R = std::make_shared<torchkc::Expr>(*Container.Args.back());
      R->Args.push_back(Child);
      Container.Args.back() = R;
      return;
    }
    for (size_t L = ActiveLoops.size(); L-- > Depth;) {
      const LoopInfo &Info = Out.Loops[ActiveLoops[L]];
      auto R = std::make_shared<torchkc::Expr>();
      R->K = Expr::Kind::Repeat;
      R->Name = Info.Var;
      R->IntVal = ActiveLoops[L];
      R->Args = {Info.Begin, Info.End, Child};
      Child = R;
    }
    Container.Args.push_back(Child);
  }

  ExprPtr moduleExpr(const CXXRecordDecl *Impl, std::vector<ExprPtr> Args,
                     const clang::Expr *E) {
    auto M = std::make_shared<torchkc::Expr>();
    M->K = torchkc::Expr::Kind::Module;
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

  std::vector<ExprPtr> translateArgs(ArrayRef<const clang::Expr *> Args) {
    std::vector<ExprPtr> R;
    for (const clang::Expr *A : Args) {
      if (isa<CXXDefaultArgExpr>(A))
        break; // Defaults are the callee's business: it applies them.
      R.push_back(translate(A));
    }
    return R;
  }

  static std::vector<const clang::Expr *> args(const CallExpr *C,
                                               unsigned From = 0) {
    std::vector<const clang::Expr *> R;
    for (unsigned I = From; I < C->getNumArgs(); ++I)
      R.push_back(C->getArg(I));
    return R;
  }
  static std::vector<const clang::Expr *> args(const CXXConstructExpr *C) {
    std::vector<const clang::Expr *> R;
    for (unsigned I = 0; I < C->getNumArgs(); ++I)
      R.push_back(C->getArg(I));
    return R;
  }

  ExprPtr constant(const clang::Expr *E) {
    if (E->isValueDependent() || E->isTypeDependent())
      return nullptr;
    QualType T = E->getType();
    if (!T->isIntegralOrEnumerationType() && !T->isRealFloatingType() &&
        !T->isBooleanType())
      return nullptr;
    clang::Expr::EvalResult R;
    if (!E->EvaluateAsRValue(R, Ctx) || R.HasSideEffects)
      return nullptr;
    if (R.Val.isInt()) {
      if (T->isBooleanType())
        return Expr::makeBool(R.Val.getInt().getBoolValue());
      return Expr::makeInt(R.Val.getInt().getExtValue());
    }
    if (R.Val.isFloat())
      return Expr::makeFloat(R.Val.getFloat().convertToDouble());
    return nullptr;
  }

public:
  ExprPtr translate(const clang::Expr *E) {
    if (!E)
      return Expr::makeUnknown("");
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

    if (ExprPtr C = constant(E))
      return C;

    if (const auto *Cast = dyn_cast<CastExpr>(E)) {
      // A functional cast that constructs (`Linear(10)`) is handled below
      // through its construct expression; other casts keep the value.
      return translate(Cast->getSubExpr());
    }
    if (const auto *SL = dyn_cast<StringLiteral>(E))
      return Expr::makeString(SL->getString().str());
    if (isa<CXXNullPtrLiteralExpr>(E))
      return Expr::makeUnknown("nullptr");
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return translateDeclRef(DRE);
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
      return Expr::makeCall(
          "at", {translate(AS->getBase()), translate(AS->getIdx())});
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      // A field of a configuration row (`spec.out` for a braced {..} row):
      // the row is a list, the field its position.
      if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
        if (!isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()) &&
            !ME->isArrow()) {
          ExprPtr Row = translate(ME->getBase());
          if (Row->K == Expr::Kind::List || Row->K == Expr::Kind::Call)
            return Expr::makeCall("at",
                                  {Row, Expr::makeInt(F->getFieldIndex())});
        }
      if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
        if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
          auto It = Members.find(F);
          if (It != Members.end() && It->second)
            return It->second;
        }
      return unknown(E);
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E))
      return translateBinary(BO);
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      return translateUnary(UO);
    if (const auto *CO = dyn_cast<ConditionalOperator>(E))
      return Expr::makeConditional(translate(CO->getCond()),
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
      std::vector<ExprPtr> Elems;
      for (const clang::Expr *I : ILE->inits())
        Elems.push_back(translate(I));
      return Expr::makeList(std::move(Elems));
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

private:
  ExprPtr translateDeclRef(const DeclRefExpr *DRE) {
    const ValueDecl *D = DRE->getDecl();
    auto It = Frames.back().Vars.find(D);
    if (It != Frames.back().Vars.end())
      return It->second;
    if (const auto *VD = dyn_cast<VarDecl>(D)) {
      // Constants declared outside the function (`constexpr int64_t kDim`).
      if (VD->getType().isConstQualified() && VD->getInit() &&
          !VD->hasLocalStorage())
        return translate(VD->getInit());
    }
    return unknown(DRE);
  }

  static std::string opSpelling(BinaryOperatorKind K) {
    return BinaryOperator::getOpcodeStr(K).str();
  }

  ExprPtr translateBinary(const BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Comma) {
      translate(BO->getLHS());
      return translate(BO->getRHS());
    }
    if (BO->isAssignmentOp()) {
      ExprPtr V = translate(BO->getRHS());
      if (BO->isCompoundAssignmentOp()) {
        ExprPtr Old = translate(BO->getLHS());
        V = Expr::makeBinary(
            opSpelling(
                BinaryOperator::getOpForCompoundAssignment(BO->getOpcode())),
            Old, V);
      }
      assign(BO->getLHS(), V);
      recordMemberAssignment(BO->getLHS(), V, BO->getLHS()->getBeginLoc());
      return V;
    }
    return Expr::makeBinary(opSpelling(BO->getOpcode()),
                            translate(BO->getLHS()), translate(BO->getRHS()));
  }

  ExprPtr translateUnary(const UnaryOperator *UO) {
    ExprPtr A = translate(UO->getSubExpr());
    switch (UO->getOpcode()) {
    case UO_Minus:
      return Expr::makeUnary("-", A);
    case UO_Plus:
      return A;
    case UO_LNot:
      return Expr::makeUnary("!", A);
    case UO_PreInc:
    case UO_PostInc:
    case UO_PreDec:
    case UO_PostDec: {
      ExprPtr V = Expr::makeBinary(UO->isIncrementOp() ? "+" : "-", A,
                                   Expr::makeInt(1));
      assign(UO->getSubExpr(), V);
      return UO->isPrefix() ? V : A;
    }
    case UO_Deref:
      return A;
    default:
      return unknown(UO);
    }
  }

  ExprPtr translateConstruct(const CXXConstructExpr *CE) {
    QualType T = CE->getType();
    const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    if (!RD)
      return unknown(CE);
    std::string Q = RD->getQualifiedNameAsString();
    if (Ctor->isCopyOrMoveConstructor() && CE->getNumArgs() >= 1)
      return translate(CE->getArg(0));
    if (Q == "c10::Scalar" && CE->getNumArgs() == 1)
      return translate(CE->getArg(0));
    if (StringRef(Q).ends_with("basic_string"))
      return CE->getNumArgs() == 0 ? Expr::makeString("")
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
        return Expr::makeUnknown("nullptr");
    }
    if (const CXXRecordDecl *Impl = holderImpl(T))
      return moduleExpr(Impl, translateArgs(args(CE)), CE);
    if (derivesFromModule(RD))
      return moduleExpr(RD, translateArgs(args(CE)), CE);
    if ((Q == "torch::nn::NamedAnyModule" || Q == "std::pair") &&
        CE->getNumArgs() == 2) {
      // A named entry (`{"name", module}`) keeps where it is written.
      ExprPtr Pair =
          Expr::makeList({translate(CE->getArg(0)), translate(CE->getArg(1))});
      return located(Pair, CE->getBeginLoc());
    }
    if (StringRef(Q).ends_with("Options")) {
      auto O = std::make_shared<torchkc::Expr>();
      O->K = torchkc::Expr::Kind::Options;
      O->Name = Q;
      O->Args = translateArgs(args(CE));
      O->Loc = toLoc(SM, CE->getBeginLoc());
      return O;
    }
    // Array-like wrappers: ExpandingArray<D>, IntArrayRef, std::vector.
    StringRef Name = RD->getName();
    if (Name == "ExpandingArray" || Name == "ArrayRef" || Name == "vector" ||
        Name == "array" || Name == "initializer_list" ||
        Name == "ExpandingArrayWithOptionalElem") {
      std::vector<const clang::Expr *> Given;
      for (const clang::Expr *A : args(CE))
        if (!isa<CXXDefaultArgExpr>(A)) // the allocator of std::vector
          Given.push_back(A);
      if (Given.size() == 1) {
        ExprPtr A = translate(Given[0]);
        if (A->K == torchkc::Expr::Kind::List || Name == "ExpandingArray")
          return A;
        // An IntArrayRef made from one integer is a one-element shape.
        return Expr::makeList({A});
      }
      if (Given.empty())
        return Expr::makeList({});
    }
    return unknown(CE);
  }

  ExprPtr translateMemberCall(const CXXMemberCallExpr *MC) {
    const CXXMethodDecl *M = MC->getMethodDecl();
    if (!M)
      return unknown(MC);
    if (Called)
      Called->insert(M->getCanonicalDecl());
    if (auto K = registrationKind(MC))
      return recordRegistration(MC, *K);
    // A holder converted to the shared_ptr it holds keeps its module.
    if (isa<CXXConversionDecl>(M) && MC->getImplicitObjectArgument())
      return translate(MC->getImplicitObjectArgument());

    const clang::Expr *Obj = MC->getImplicitObjectArgument();
    const clang::Expr *ObjStripped = Obj ? Obj->IgnoreParenImpCasts() : nullptr;
    StringRef Name = M->getName();

    // std::vector / std::array accessors on configuration tables.
    if (ObjStripped && !isa<CXXThisExpr>(ObjStripped) &&
        (Name == "size" || Name == "at") &&
        isStdContainer(ObjStripped->getType())) {
      ExprPtr Recv = translate(ObjStripped);
      if (Name == "size" && MC->getNumArgs() == 0)
        return Expr::makeCall("size", {Recv});
      if (Name == "at" && MC->getNumArgs() == 1)
        return Expr::makeCall("at", {Recv, translate(MC->getArg(0))});
    }
    // The class's own member functions run inline.
    if (ObjStripped && isa<CXXThisExpr>(ObjStripped))
      if (ExprPtr R = inlineCall(M, args(MC), MC->getExprLoc()))
        return R;

    // A class deriving from SequentialImpl or ModuleListImpl fills itself:
    // `push_back(m)` registers m under its index, as LibTorch does.
    if (ObjStripped && isa<CXXThisExpr>(ObjStripped) && Name == "push_back" &&
        (MC->getNumArgs() == 1 || MC->getNumArgs() == 2)) {
      std::string Owner = M->getParent()->getQualifiedNameAsString();
      if (Owner == "torch::nn::SequentialImpl" ||
          Owner == "torch::nn::ModuleListImpl")
        return selfPush(MC);
    }

    // Containers grow in place: `seq->push_back(m)`, `list->extend(other)`,
    // `dict->insert("key", m)`, `params->append(t)`, `pdict->insert("k", t)`.
    if (ObjStripped &&
        (Name == "push_back" || Name == "append" || Name == "insert" ||
         Name == "extend" || Name == "update")) {
      const clang::Expr *Holder = ObjStripped;
      if (const auto *Arrow = dyn_cast<CXXOperatorCallExpr>(ObjStripped))
        if (Arrow->getOperator() == OO_Arrow)
          Holder = Arrow->getArg(0);
      ExprPtr *S = slot(Holder);
      if (S && *S && (*S)->K == Expr::Kind::Module &&
          isContainer((*S)->Builtin)) {
        const std::string &Kind = (*S)->Builtin;
        std::vector<ExprPtr> Children;
        if (Name == "extend" && MC->getNumArgs() == 1) {
          ExprPtr Other = translate(MC->getArg(0));
          if (Other->K != Expr::Kind::Module)
            return unknown(MC);
          Children = Other->Args;
        } else if (Name == "update" && MC->getNumArgs() == 1) {
          // ModuleDict::update(pairs): each [name, module] in order.
          ExprPtr Pairs = translate(MC->getArg(0));
          if (Pairs->K != Expr::Kind::List)
            return unknown(MC);
          Children = Pairs->Args;
        } else if (Name == "insert" && Kind == "ModuleList") {
          if (ExprPtr Grown = moduleListInsert(*S, MC)) {
            assign(Holder, Grown, /*Guarded=*/false);
            return Grown;
          }
          unresolved(MC->getExprLoc(),
                     "ModuleList::insert at an index or into a list that is "
                     "not known: its keys are not listed");
          return unknown(MC);
        } else if (MC->getNumArgs() == 2) {
          // Named children are [name, value] pairs, as named construction
          // gives them, so that unnamed children keep their index.
          Children.push_back(Expr::makeList(
              {translate(MC->getArg(0)), translate(MC->getArg(1))}));
        } else if (MC->getNumArgs() == 1) {
          Children.push_back(translate(MC->getArg(0)));
        } else {
          return unknown(MC);
        }
        auto Grown = std::make_shared<torchkc::Expr>(**S);
        for (ExprPtr Child : Children) {
          if (ExprPtr C = activeCondition())
            Child = Expr::makeConditional(C, Child, Expr::makeAbsent());
          appendChild(*Grown, Child, depthOf(*S));
        }
        assign(Holder, Grown, /*Guarded=*/false);
        return Grown;
      }
      // A std::vector of modules or values, registered element by element.
      if (S && (Name == "push_back") && MC->getNumArgs() == 1 &&
          isStdContainer(Holder->getType())) {
        ExprPtr Old =
            *S && (*S)->K == Expr::Kind::List ? *S : Expr::makeList({});
        auto Grown = std::make_shared<torchkc::Expr>(*Old);
        Grown->Args.push_back(translate(MC->getArg(0)));
        assign(Holder, Grown);
        return Grown;
      }
    }
    if (ObjStripped && Name == "emplace_back" &&
        isStdContainer(ObjStripped->getType())) {
      if (ExprPtr *S = slot(ObjStripped)) {
        ExprPtr Elem = unknown(MC);
        QualType ET = elementType(ObjStripped->getType());
        if (const CXXRecordDecl *Impl = holderImpl(ET))
          Elem = moduleExpr(Impl, translateArgs(args(MC)), MC);
        else if (MC->getNumArgs() == 1)
          Elem = translate(MC->getArg(0));
        ExprPtr Old =
            *S && (*S)->K == Expr::Kind::List ? *S : Expr::makeList({});
        auto Grown = std::make_shared<torchkc::Expr>(*Old);
        Grown->Args.push_back(Elem);
        assign(ObjStripped, Grown);
        return Elem;
      }
    }
    if (ObjStripped && (Name == "back" || Name == "front") &&
        MC->getNumArgs() == 0 && isStdContainer(ObjStripped->getType())) {
      ExprPtr V = translate(ObjStripped);
      ExprPtr Index = Name == "front"
                          ? Expr::makeInt(0)
                          : Expr::makeBinary("-", Expr::makeCall("size", {V}),
                                             Expr::makeInt(1));
      return Expr::makeCall("at", {V, Index});
    }

    ExprPtr Recv = ObjStripped ? translate(ObjStripped) : nullptr;
    // Options builders: `Conv2dOptions(3, 16, 3).stride(2).bias(false)`.
    if (Recv && Recv->K == Expr::Kind::Options && MC->getNumArgs() == 1) {
      auto O = std::make_shared<torchkc::Expr>(*Recv);
      O->Setters.push_back({Name.str(), translate(MC->getArg(0))});
      return O;
    }
    // Tensor methods that keep the shape (`.clone()`, `.mul_(0.1)`), and
    // `.to(dtype)` which changes the dtype.
    if (Recv && Recv->K == Expr::Kind::Tensor) {
      if (Name == "to" || Name == "toType") {
        auto T = std::make_shared<torchkc::Expr>(*Recv);
        if (std::string D = findDType(MC); !D.empty())
          T->DType = D;
        return T;
      }
      if (Name == "view" || Name == "reshape" || Name == "t" ||
          Name == "transpose" || Name == "permute" || Name == "expand" ||
          Name == "repeat" || Name == "unsqueeze" || Name == "squeeze")
        return unknown(MC);
      return Recv;
    }
    return unknown(MC);
  }

  ExprPtr recordRegistration(const CXXMemberCallExpr *MC,
                             Registration::Kind K) {
    if (MC->getNumArgs() < 2)
      return unknown(MC);
    Registration R;
    R.K = K;
    R.Name = translate(MC->getArg(0));
    R.Value = translate(MC->getArg(1));
    // Values that fold later (`layers.back()` is at(layers, size - 1)) are
    // kept; only an unknown one is replaced by a description of its type.
    if (K == Registration::Kind::Module && R.Value->K == Expr::Kind::Unknown) {
      // Name the registered type, so the unresolved message says what the
      // module is even when its arguments are unknown.
      if (const FunctionDecl *FD = MC->getDirectCallee())
        if (const TemplateArgumentList *TA =
                FD->getTemplateSpecializationArgs())
          if (TA->size() >= 1 &&
              TA->get(0).getKind() == TemplateArgument::Type) {
            PrintingPolicy Policy(Ctx.getLangOpts());
            Policy.SuppressTagKeyword = true;
            R.Value = Expr::makeUnknown(
                text(MC->getArg(1)) + " (a '" +
                TA->get(0).getAsType().getAsString(Policy) + "')");
          }
    }
    for (const ExprPtr &G : Guards)
      R.Guards.push_back(G);
    R.Loops = ActiveLoops;
    R.Loc = toLoc(SM, MC->getExprLoc());
    R.NameLoc = toLoc(SM, MC->getArg(0)->getBeginLoc());
    if (const StringLiteral *SL = writtenLiteral(MC->getArg(0))) {
      R.NameLoc = toLoc(SM, SL->getBeginLoc());
      R.NameLength =
          Lexer::MeasureTokenLength(SL->getBeginLoc(), SM, Ctx.getLangOpts());
    }
    Out.Registrations.push_back(R);
    return R.Value;
  }

  /// `list->insert(index, module)` as LibTorch 1.13 registers it: the
  /// loop meant to shift the later children re-registers only `index`, so
  /// child `index` becomes the new module, children after it keep their
  /// old modules, and the old last module is registered again as child
  /// `size`. (The list's own iteration order is the intended one; its
  /// state_dict is not.) Null when the index or the children are not known.
  ExprPtr moduleListInsert(const ExprPtr &List, const CXXMemberCallExpr *MC) {
    if (MC->getNumArgs() != 2 || !ActiveLoops.empty() || activeCondition())
      return nullptr;
    auto Index = fold(translate(MC->getArg(0)), {})->asInt();
    std::vector<ExprPtr> Children;
    for (const ExprPtr &A : List->Args) {
      if (A->K == Expr::Kind::List)
        Children.insert(Children.end(), A->Args.begin(), A->Args.end());
      else
        Children.push_back(A);
    }
    for (const ExprPtr &C : Children)
      if (C->K != Expr::Kind::Module)
        return nullptr;
    if (!Index || *Index < 0)
      return nullptr;
    ExprPtr Module = translate(MC->getArg(1));
    auto Grown = std::make_shared<torchkc::Expr>(*List);
    size_t N = Children.size();
    if (size_t(*Index) >= N) {
      Children.push_back(Module);
    } else {
      ExprPtr Last = Children.back();
      Children[*Index] = Module;
      Children.push_back(Last);
    }
    Grown->Args = std::move(Children);
    return Grown;
  }

  static bool isContainer(const std::string &Builtin) {
    return Builtin == "Sequential" || Builtin == "ModuleList" ||
           Builtin == "ModuleDict" || Builtin == "ParameterList" ||
           Builtin == "ParameterDict";
  }

  static QualType elementType(QualType T) {
    const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
        T.getNonReferenceType()->getAsCXXRecordDecl());
    if (!Spec || Spec->getTemplateArgs().size() < 1 ||
        Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
      return QualType();
    return Spec->getTemplateArgs()[0].getAsType();
  }

  /// `push_back` in a class deriving from SequentialImpl/ModuleListImpl:
  /// a registration named by the running index (or the given name).
  ExprPtr selfPush(const CXXMemberCallExpr *MC) {
    Registration R;
    R.K = Registration::Kind::Module;
    if (MC->getNumArgs() == 2) {
      R.Name = translate(MC->getArg(0));
      R.Value = translate(MC->getArg(1));
    } else {
      R.Name = Expr::makeCall("to_string", {SelfIndex});
      R.Value = translate(MC->getArg(0));
    }
    for (const ExprPtr &G : Guards)
      R.Guards.push_back(G);
    R.Loops = ActiveLoops;
    R.Loc = toLoc(SM, MC->getExprLoc());
    R.NameLoc = R.Loc;
    Out.Registrations.push_back(R);
    // Every push, named or not, takes the next index.
    ExprPtr Next = Expr::makeBinary("+", SelfIndex, Expr::makeInt(1));
    if (ExprPtr C = activeCondition())
      Next = Expr::makeConditional(C, Next, SelfIndex);
    SelfIndex = fold(Next, {});
    if (MC->getNumArgs() == 1)
      SelfPushes.push_back(Out.Registrations.size() - 1);
    return R.Value;
  }

  static bool isStdContainer(QualType T) {
    const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
    if (!RD || !RD->isInStdNamespace())
      return false;
    StringRef N = RD->getName();
    return N == "vector" || N == "array" || N == "initializer_list";
  }

  ExprPtr translateOperatorCall(const CXXOperatorCallExpr *OC) {
    OverloadedOperatorKind Op = OC->getOperator();
    // `*holder` and `holder->` reach the module the holder holds.
    if ((Op == OO_Star || Op == OO_Arrow) && OC->getNumArgs() == 1 &&
        (holderImpl(OC->getArg(0)->getType()) ||
         sharedPtrPointee(OC->getArg(0)->getType())))
      return translate(OC->getArg(0));
    if (Op == OO_Subscript && OC->getNumArgs() == 2 &&
        isStdContainer(OC->getArg(0)->getType()))
      return Expr::makeCall(
          "at", {translate(OC->getArg(0)), translate(OC->getArg(1))});
    if (Op == OO_Equal && OC->getNumArgs() == 2) {
      ExprPtr V = translate(OC->getArg(1));
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
        ExprPtr V = Expr::makeBinary("+", translate(OC->getArg(0)),
                                     translate(OC->getArg(1)));
        assign(OC->getArg(0), V);
        return V;
      }
      default:
        return unknown(OC);
      }
      ExprPtr L = translate(OC->getArg(0)), R = translate(OC->getArg(1));
      // Arithmetic on a tensor keeps its shape (`torch::randn({n}) * 0.1`).
      if (L->K == Expr::Kind::Tensor)
        return L;
      if (R->K == Expr::Kind::Tensor)
        return R;
      return Expr::makeBinary(opSpelling(BK), L, R);
    }
    return unknown(OC);
  }

  ExprPtr translateCall(const CallExpr *CE) {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD)
      return unknown(CE);
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
      return Expr::makeCall("to_string", {translate(CE->getArg(0))});
    if (InStd && (Name == "max" || Name == "min") && CE->getNumArgs() == 2)
      return Expr::makeCall(
          Name.str(), {translate(CE->getArg(0)), translate(CE->getArg(1))});
    if (inTorchNamespace(FD)) {
      if (Name == "full" && CE->getNumArgs() >= 2)
        // ATen infers full()'s dtype from the fill value unless one is given.
        return withDefaultDType(
            tensorExpr(CE, Name, translate(CE->getArg(0)), 2),
            scalarDType(throughConversions(CE->getArg(1))->getType()));
      if (isShapeFactory(Name) && CE->getNumArgs() >= 1)
        return tensorExpr(CE, Name, translate(CE->getArg(0)), 1);
      if (Name == "eye" && CE->getNumArgs() >= 1) {
        ExprPtr N = translate(CE->getArg(0));
        ExprPtr M =
            CE->getNumArgs() >= 2 && CE->getArg(1)->getType()->isIntegerType()
                ? translate(CE->getArg(1))
                : N;
        return tensorExpr(CE, Name, Expr::makeList({N, M}), 1);
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
    if (ExprPtr R = inlineCall(FD, args(CE), CE->getExprLoc()))
      return R;
    return unknown(CE);
  }

  ExprPtr tensorExpr(const CallExpr *CE, StringRef Factory, ExprPtr Shape,
                     unsigned OptionsFrom) {
    auto T = std::make_shared<torchkc::Expr>();
    T->K = torchkc::Expr::Kind::Tensor;
    T->Name = Factory.str();
    if (Shape->K != Expr::Kind::List)
      Shape = Expr::makeList({Shape});
    T->Args = {Shape};
    for (unsigned I = OptionsFrom; I < CE->getNumArgs(); ++I)
      if (std::string D = findDType(CE->getArg(I)); !D.empty())
        T->DType = D;
    T->Text = text(CE);
    T->Loc = toLoc(SM, CE->getBeginLoc());
    return T;
  }

  static ExprPtr withDefaultDType(ExprPtr T, const std::string &DType) {
    if (T->DType.empty()) {
      auto R = std::make_shared<torchkc::Expr>(*T);
      R->DType = DType;
      return R;
    }
    return T;
  }

  ExprPtr literalTensor(const CallExpr *CE) {
    std::vector<int64_t> Dims;
    std::string DType;
    if (!literalShape(CE->getArg(0), Dims, DType))
      return unknown(CE);
    std::vector<ExprPtr> Shape;
    for (int64_t D : Dims)
      Shape.push_back(Expr::makeInt(D));
    return withDefaultDType(
        tensorExpr(CE, "tensor", Expr::makeList(std::move(Shape)), 1), DType);
  }

  /// arange(end), arange(start, end), arange(start, end, step): one
  /// dimension of ceil((end - start) / step) elements; int64 unless an
  /// argument is floating point.
  ExprPtr rangeTensor(const CallExpr *CE) {
    std::vector<ExprPtr> Args;
    bool Floating = false;
    unsigned N = 0;
    for (; N < CE->getNumArgs() && N < 3; ++N) {
      const clang::Expr *A = throughConversions(CE->getArg(N));
      if (!A->getType()->isArithmeticType())
        break; // TensorOptions
      Floating |= A->getType()->isRealFloatingType();
      Args.push_back(translate(A));
    }
    ExprPtr Start = N >= 2 ? Args[0] : Expr::makeInt(0);
    ExprPtr End = N >= 2 ? Args[1] : Args[0];
    ExprPtr Length = fold(Expr::makeBinary("-", End, Start), {});
    if (N == 3) {
      ExprPtr Step = Args[2];
      auto Num = fold(Length, {}), Den = fold(Step, {});
      if (Num->isConstant() && Den->isConstant()) {
        double L =
            Num->K == Expr::Kind::Float ? Num->FloatVal : double(*Num->asInt());
        double S =
            Den->K == Expr::Kind::Float ? Den->FloatVal : double(*Den->asInt());
        Length = S != 0 ? Expr::makeInt(int64_t(std::ceil(L / S)))
                        : Expr::makeUnknown(text(CE));
      } else {
        Length = Expr::makeUnknown("ceil((" + Length->str() + ") / " +
                                   Step->str() + ")");
      }
    }
    return withDefaultDType(
        tensorExpr(CE, "arange", Expr::makeList({Length}), N),
        Floating ? "float32" : "int64");
  }

  static constexpr size_t MaxInlineDepth = 32;
  static constexpr size_t MaxUnrolledIterations = 100000;

  ASTContext &Ctx;
  const SourceManager &SM;
  Constructor &Out;
  std::vector<Frame> Frames;
  std::vector<ExprPtr> Guards;
  llvm::DenseMap<const FieldDecl *, ExprPtr> Members;
  Flow Pending = Flow::Normal;
  size_t LoopGuardDepth = 0; ///< Guards in force where the loop body began
  size_t Unrolled = 0;
  std::vector<unsigned> ActiveLoops; ///< symbolic loops around the walk
  /// How many symbolic loops were active where a container was made.
  std::map<const torchkc::Expr *, size_t> ContainerDepth;
  std::set<std::string> UsedLoopNames;
  /// The next index of a class that is itself a Sequential or ModuleList.
  ExprPtr SelfIndex = Expr::makeInt(0);
  /// The registrations selfPush made that are named by their index.
  std::vector<size_t> SelfPushes;
  std::set<const FunctionDecl *> *Called;
};

class ClassFinder : public RecursiveASTVisitor<ClassFinder>,
                    public ConstructorSource {
public:
  ClassFinder(ASTContext &Ctx, RegistrationGraph &G, Sema *S)
      : Ctx(Ctx), G(G), TheSema(S) {}

  const Constructor *specialize(const std::string &Class, size_t CtorIndex,
                                const Bindings &Args) override {
    auto It = Decls.find(Class);
    if (It == Decls.end() || CtorIndex >= It->second.size())
      return nullptr;
    std::string Key = Class + "#" + std::to_string(CtorIndex);
    for (const auto &[Name, Value] : Args)
      Key += "|" + Name + "=" + Value->str();
    auto Done = Specialized.find(Key);
    if (Done != Specialized.end())
      return Done->second.get();
    auto Out = std::make_unique<Constructor>();
    ConstructorWalker W(Ctx, *Out, &Called);
    W.walkConstructor(It->second[CtorIndex], Args);
    return (Specialized[Key] = std::move(Out)).get();
  }

  // Specializations of user class templates (ResNetImpl<BasicBlock>) are
  // classes of their own; the template patterns are not.
  bool shouldVisitTemplateInstantiations() const { return true; }

  // Nothing declared in LibTorch's or the system's headers is a user model
  // or a load site, so those declarations are not walked. In a real compile
  // (the plugins) their inline bodies are parsed, and walking them was
  // most of the plugin's cost.
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) &&
        isLibraryLocation(Ctx.getSourceManager(), D->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  /// `torch::load(model, "path")` in user code, where model is a local
  /// holder or shared_ptr of a module class, and the archive form
  /// `archive.load_from("path"); model->load(archive);`: load sites, with
  /// the constant arguments of the model's construction.
  bool VisitCallExpr(CallExpr *CE) {
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
        const clang::Expr *Model = Obj->IgnoreParenImpCasts();
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
    if (CE->getNumArgs() >= 2 && !FD->getQualifiedNameAsString().empty() &&
        !inTorchNamespace(FD))
      HelperCalls.push_back(CE);
    if (CE->getNumArgs() < 2 || FD->getName() != "load" ||
        FD->getQualifiedNameAsString() != "torch::load")
      return true;
    addLoadSite(CE, CE->getArg(0)->IgnoreParenImpCasts(),
                pathOf(CE->getArg(1)));
    return true;
  }

  /// A user function that hands one of its parameters, as the path, to
  /// LibTorch's readers (torch::load, InputArchive::load_from,
  /// torch::pickle_load of the file's bytes read through std::ifstream)
  /// and takes a module parameter: a loading helper, whose calls with a
  /// path literal are load sites.
  void noteLoaderHelper(const CallExpr *CE, const FunctionDecl *Callee) {
    std::string Q = Callee->getQualifiedNameAsString();
    bool Reader =
        Q == "torch::load" || Q == "torch::serialize::InputArchive::load_from";
    unsigned PathArg = Q == "torch::load" ? 1 : 0;
    if (Reader && CE->getNumArgs() > PathArg)
      noteLoaderPath(CE->getArg(PathArg));
  }

  /// `std::ifstream in(path)`: a helper reading the file itself (a Python
  /// state_dict through torch::pickle_load).
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    const CXXRecordDecl *RD = CE->getType()->getAsCXXRecordDecl();
    if (RD && RD->isInStdNamespace() && RD->getName() == "basic_ifstream" &&
        CE->getNumArgs() >= 1 &&
        !isLibraryLocation(Ctx.getSourceManager(), CE->getBeginLoc()))
      noteLoaderPath(CE->getArg(0));
    return true;
  }

  /// PathExpr names a parameter of a function that also takes a module:
  /// that function is a loading helper.
  void noteLoaderPath(const clang::Expr *PathExpr) {
    const auto *Ref = dyn_cast<DeclRefExpr>(PathExpr->IgnoreParenImpCasts());
    const auto *Param = Ref ? dyn_cast<ParmVarDecl>(Ref->getDecl()) : nullptr;
    if (!Param)
      return;
    const auto *Helper =
        dyn_cast_or_null<FunctionDecl>(Param->getDeclContext());
    if (!Helper)
      return;
    for (const ParmVarDecl *P : Helper->parameters()) {
      QualType T = P->getType().getNonReferenceType();
      const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
      const CXXRecordDecl *Impl =
          holderImpl(T) ? holderImpl(T) : sharedPtrPointee(T);
      if ((RD && (isTorchModuleBase(RD) || derivesFromModule(RD))) ||
          (Impl && (isTorchModuleBase(Impl) || derivesFromModule(Impl)))) {
        Helpers[Helper->getCanonicalDecl()] = {P->getFunctionScopeIndex(),
                                               Param->getFunctionScopeIndex()};
        return;
      }
    }
  }

  /// Calls of loading helpers with a model variable and a path literal.
  void addHelperLoadSites() {
    for (const CallExpr *CE : HelperCalls) {
      const FunctionDecl *FD = CE->getDirectCallee();
      auto It = Helpers.find(FD->getCanonicalDecl());
      if (It == Helpers.end())
        continue;
      auto [ModelArg, PathArg] = It->second;
      if (ModelArg >= CE->getNumArgs() || PathArg >= CE->getNumArgs())
        continue;
      const clang::Expr *Model = CE->getArg(ModelArg)->IgnoreParenImpCasts();
      // `*net` passes the holder's module.
      if (const auto *Deref = dyn_cast<CXXOperatorCallExpr>(Model))
        if (Deref->getOperator() == OO_Star && Deref->getNumArgs() == 1)
          Model = Deref->getArg(0)->IgnoreParenImpCasts();
      addLoadSite(CE, Model, pathOf(CE->getArg(PathArg)));
    }
  }

  /// The checkpoint path a load passes: a literal's value, or else the
  /// expression as written (for the project's loadPaths to map).
  struct CheckpointPath {
    std::string Text;
    bool Literal = false;
  };
  CheckpointPath pathOf(const clang::Expr *E) {
    if (const StringLiteral *SL = writtenLiteral(E))
      return {SL->getString().str(), true};
    const SourceManager &SM = Ctx.getSourceManager();
    CharSourceRange R = SM.getExpansionRange(
        CharSourceRange::getTokenRange(E->IgnoreImplicit()->getSourceRange()));
    return {Lexer::getSourceText(R, SM, Ctx.getLangOpts()).str(), false};
  }

  /// A load site at Call of the checkpoint at Path into the variable
  /// ModelRef names, when it is a local holder or shared_ptr of a user
  /// module class.
  void addLoadSite(const CallExpr *Call, const clang::Expr *ModelRef,
                   const CheckpointPath &Path) {
    const SourceManager &SM = Ctx.getSourceManager();
    const auto *Ref = dyn_cast<DeclRefExpr>(ModelRef);
    const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
    // A parameter was constructed by the caller: its calls are the sites.
    if (!Var || isa<ParmVarDecl>(Var))
      return;
    QualType T = Var->getType();
    const CXXRecordDecl *Impl =
        holderImpl(T) ? holderImpl(T) : sharedPtrPointee(T);
    if (!Impl || !derivesFromModule(Impl) || inTorchNamespace(Impl))
      return;
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
    G.LoadSites.push_back(std::move(S));
  }

  /// The constant arguments Var's initialiser passes to Impl's
  /// constructor (`Net net(10, true)`, `auto net = Net(10, true)`,
  /// `std::make_shared<NetImpl>(10, true)`), by parameter name.
  void constructionArgs(const VarDecl *Var, const CXXRecordDecl *Impl,
                        Bindings &Out) {
    const clang::Expr *Init = Var->getInit();
    std::vector<const clang::Expr *> Args;
    for (int Depth = 0; Init && Depth < 8; ++Depth) {
      Init = Init->IgnoreImplicit();
      if (const auto *C = dyn_cast<CXXConstructExpr>(Init)) {
        // A copy or move from a temporary: look through it.
        if (C->getNumArgs() == 1 &&
            C->getConstructor()->isCopyOrMoveConstructor()) {
          Init = C->getArg(0);
          continue;
        }
        for (const clang::Expr *A : C->arguments())
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
          for (const clang::Expr *A : Call->arguments())
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
      const clang::Expr *A = Args[I];
      std::string Name = Ctor->getParamDecl(I)->getNameAsString();
      if (const StringLiteral *SL = writtenLiteral(A)) {
        Out[Name] = Expr::makeString(SL->getString().str());
        continue;
      }
      clang::Expr::EvalResult R;
      if (A->isValueDependent() || !A->EvaluateAsRValue(R, Ctx) ||
          R.HasSideEffects)
        continue;
      if (R.Val.isInt())
        Out[Name] = A->IgnoreImplicit()->getType()->isBooleanType()
                        ? Expr::makeBool(R.Val.getInt().getBoolValue())
                        : Expr::makeInt(R.Val.getInt().getExtValue());
      else if (R.Val.isFloat())
        Out[Name] = Expr::makeFloat(R.Val.getFloat().convertToDouble());
    }
  }

  bool VisitCXXRecordDecl(CXXRecordDecl *RD) {
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

  /// Instantiates the constructors of the user template specializations
  /// seen (LibTorch's make_shared, whose body was skipped, would have) and
  /// adds those classes.
  void addSpecializations() {
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

  bool addClass(CXXRecordDecl *RD) {
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

  void finish() {
    addHelperLoadSites();
    for (ModuleClass &C : G.Classes) {
      auto It = Holders.find(C.Name);
      if (It != Holders.end())
        C.HolderName = It->second;
      findRegistrationsOutsideConstructors(C);
    }
  }

private:
  /// register_* calls on `this` in member functions that no constructor
  /// walk reached, directly or through another class's constructor
  /// (`block->build()` from the parent's). Once every class is walked, the
  /// set of called functions is complete for this translation unit.
  void findRegistrationsOutsideConstructors(ModuleClass &C) {
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
          const clang::Expr *Obj = MC->getImplicitObjectArgument();
          auto K = registrationKind(MC);
          if (K && Obj && isa<CXXThisExpr>(Obj->IgnoreParenImpCasts()) &&
              MC->getNumArgs() >= 1) {
            RegistrationOutsideConstructor R;
            R.K = *K;
            CharSourceRange Range =
                SM.getExpansionRange(CharSourceRange::getTokenRange(
                    MC->getArg(0)->getSourceRange()));
            R.NameText =
                Lexer::getSourceText(Range, SM, Ctx.getLangOpts()).str();
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

private:
  ASTContext &Ctx;
  RegistrationGraph &G;
  std::map<std::string, std::string> Holders;
  std::map<std::string, std::vector<const CXXConstructorDecl *>> Decls;
  std::map<std::string, std::unique_ptr<Constructor>> Specialized;
  std::map<std::string, const CXXRecordDecl *> Records;
  /// The path each InputArchive variable was given by load_from.
  std::map<const Decl *, CheckpointPath> ArchivePaths;
  /// Loading helpers: (module parameter, path parameter) indices.
  std::map<const FunctionDecl *, std::pair<unsigned, unsigned>> Helpers;
  /// Calls of user functions with two or more arguments, judged in
  /// finish() once every loading helper is known.
  std::vector<const CallExpr *> HelperCalls;
  /// Every function a constructor walk of this translation unit called.
  std::set<const FunctionDecl *> Called;
  Sema *TheSema;
  std::vector<CXXRecordDecl *> Specializations;
  std::set<const Decl *> Seen;
};

class ExtractionConsumer : public SemaConsumer {
public:
  void InitializeSema(Sema &S) override { TheSema = &S; }
  void ForgetSema() override { TheSema = nullptr; }

  ExtractionConsumer(CompilerInstance &CI, RegistrationGraph &G,
                     const TranslationUnitCallback &OnTU)
      : SM(CI.getSourceManager()), G(G), OnTU(OnTU) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    RegistrationGraph TU;
    ClassFinder F(Ctx, TU, TheSema);
    F.TraverseDecl(Ctx.getTranslationUnitDecl());
    F.addSpecializations();
    F.finish();
    // Absolute: the tool's working directory is the compile command's.
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It) {
      SmallString<256> Path(It->first.getFileEntry().tryGetRealPathName());
      if (Path.empty()) {
        Path = It->first.getName();
        SM.getFileManager().makeAbsolutePath(Path);
      }
      TU.InputFiles.push_back(std::string(Path));
    }
    if (OnTU) {
      TU.Source = &F;
      OnTU(TU);
      TU.Source = nullptr;
    }
    G.merge(std::move(TU));
  }

  // The analysis reads the bodies of user code only. Skipping LibTorch's
  // and the system's inline function bodies roughly halves parse time;
  // skipping by header origin rather than "not the main file" keeps model
  // constructors that live in project headers.
  bool shouldSkipFunctionBody(Decl *D) override {
    return isLibraryLocation(SM, D->getLocation());
  }

private:
  const SourceManager &SM;
  RegistrationGraph &G;
  const TranslationUnitCallback &OnTU;
  Sema *TheSema = nullptr;
};

class ExtractionAction : public ASTFrontendAction {
public:
  ExtractionAction(RegistrationGraph &G, const TranslationUnitCallback &OnTU)
      : G(G), OnTU(OnTU) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef) override {
    CI.getFrontendOpts().SkipFunctionBodies = true;
    return std::make_unique<ExtractionConsumer>(CI, G, OnTU);
  }

private:
  RegistrationGraph &G;
  const TranslationUnitCallback &OnTU;
};

class ExtractionActionFactory : public tooling::FrontendActionFactory {
public:
  ExtractionActionFactory(RegistrationGraph &G, TranslationUnitCallback OnTU)
      : G(G), OnTU(std::move(OnTU)) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<ExtractionAction>(G, OnTU);
  }

private:
  RegistrationGraph &G;
  TranslationUnitCallback OnTU;
};

/// Skips the bodies the extraction would skip while a PCH is written.
class LibraryBodySkipper : public ASTConsumer {
public:
  explicit LibraryBodySkipper(const SourceManager &SM) : SM(SM) {}
  bool shouldSkipFunctionBody(Decl *D) override {
    return isLibraryLocation(SM, D->getLocation());
  }

private:
  const SourceManager &SM;
};

/// Every file a parse reads, system headers included: LibTorch's are
/// usually included as system headers, and a PCH depends on them too.
class EveryDependency : public DependencyCollector {
  bool needSystemDependencies() override { return true; }
};

/// Writes the PCH of the main file's preamble (the tool maps the main
/// file to that text): LibTorch's and the system's bodies skipped, as the
/// extraction skips them, the project's kept.
class PreambleAction : public GeneratePCHAction {
public:
  PreambleAction(std::string Output, std::vector<std::string> &Read)
      : Output(std::move(Output)), Read(Read) {}

  bool BeginInvocation(CompilerInstance &CI) override {
    CI.getFrontendOpts().SkipFunctionBodies = true;
    CI.getFrontendOpts().OutputFile = Output;
    CI.getPreprocessorOpts().GeneratePreamble = true;
    return GeneratePCHAction::BeginInvocation(CI);
  }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef InFile) override {
    Collector = std::make_shared<EveryDependency>();
    Collector->attachToPreprocessor(CI.getPreprocessor());
    std::unique_ptr<ASTConsumer> Writer =
        GeneratePCHAction::CreateASTConsumer(CI, InFile);
    if (!Writer)
      return nullptr;
    // A multiplexed consumer skips a body only when every consumer agrees.
    std::vector<std::unique_ptr<ASTConsumer>> Consumers;
    Consumers.push_back(std::move(Writer));
    Consumers.push_back(
        std::make_unique<LibraryBodySkipper>(CI.getSourceManager()));
    return std::make_unique<MultiplexConsumer>(std::move(Consumers));
  }

  void EndSourceFileAction() override {
    GeneratePCHAction::EndSourceFileAction();
    if (Collector)
      for (const std::string &F : Collector->getDependencies())
        Read.push_back(F);
  }

private:
  std::string Output;
  std::vector<std::string> &Read;
  std::shared_ptr<DependencyCollector> Collector;
};

class PreambleActionFactory : public tooling::FrontendActionFactory {
public:
  PreambleActionFactory(std::string Output, std::vector<std::string> &Read)
      : Output(std::move(Output)), Read(Read) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<PreambleAction>(Output, Read);
  }

private:
  std::string Output;
  std::vector<std::string> &Read;
};

} // namespace

std::unique_ptr<tooling::FrontendActionFactory>
newPreambleActionFactory(const std::string &Output,
                         std::vector<std::string> &Read) {
  return std::make_unique<PreambleActionFactory>(Output, Read);
}

std::unique_ptr<tooling::FrontendActionFactory>
newExtractionActionFactory(RegistrationGraph &G, TranslationUnitCallback OnTU) {
  return std::make_unique<ExtractionActionFactory>(G, std::move(OnTU));
}

RegistrationGraph
extractRegistrationGraph(ASTContext &Ctx, const TranslationUnitCallback &OnTU) {
  RegistrationGraph G;
  ClassFinder F(Ctx, G, /*S=*/nullptr);
  F.TraverseDecl(Ctx.getTranslationUnitDecl());
  F.finish();
  if (OnTU) {
    G.Source = &F;
    OnTU(G);
    G.Source = nullptr;
  }
  return G;
}

SourceLocation toClangLocation(const SourceManager &SM, const SourceLoc &L) {
  if (!L.valid())
    return {};
  auto File = SM.getFileManager().getOptionalFileRef(L.File.str());
  return File ? SM.translateFileLineCol(*File, L.Line, L.Column)
              : SourceLocation();
}

} // namespace torchkc
