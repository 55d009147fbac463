//===- TorchCalls.cpp - What LibTorch calls mean --------------------------===//
//
// The meaning of LibTorch's API in a constructor: register_*, container
// growth, options setters, tensor factories and methods.
//
//===----------------------------------------------------------------------===//
#include "ConstructorWalker.h"

#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cmath>

namespace torchkc {
namespace extract {

namespace {

/// What a member call is made on, as the table below distinguishes it.
enum class Receiver {
  Any,          ///< anything, or nothing
  This,         ///< the class being constructed (`this->f()`, `f()`)
  Object,       ///< some object other than `this` is named
  StdContainer, ///< a std::vector, std::array or initializer_list
  Value,        ///< a value the walk translates: options, a tensor, ...
};

/// One meaning of a member call: on what, which methods (none listed:
/// any), and the walker's handler, which returns null to let a later row
/// have the call.
struct MemberCallRule {
  Receiver On;
  std::initializer_list<const char *> Methods;
  SymExprPtr (ConstructorWalker::*Handle)(const MemberCall &);
};

bool receives(Receiver On, const MemberCall &C) {
  switch (On) {
  case Receiver::Any:
    return true;
  case Receiver::This:
    return C.Object && isa<CXXThisExpr>(C.Object);
  case Receiver::Object:
  case Receiver::Value:
    return C.Object;
  case Receiver::StdContainer:
    return C.Object && isStdContainer(C.Object->getType());
  }
  return false;
}

} // namespace

SymExprPtr ConstructorWalker::translateMemberCall(const CXXMemberCallExpr *MC) {
  const CXXMethodDecl *M = MC->getMethodDecl();
  if (!M)
    return unknown(MC);
  if (Called)
    Called->insert(M->getCanonicalDecl());
  MemberCall C;
  C.Call = MC;
  C.Method = M;
  if (const Expr *Obj = MC->getImplicitObjectArgument())
    C.Object = Obj->IgnoreParenImpCasts();
  // Conversion functions and operators have no simple name.
  C.Name = M->getIdentifier() ? M->getName() : StringRef();
  // In order: the first row whose handler answers decides.
  static const MemberCallRule Rules[] = {
      {Receiver::Any, {}, &ConstructorWalker::registration},
      {Receiver::Object, {}, &ConstructorWalker::jsonAccess},
      {Receiver::Value, {"is_empty"}, &ConstructorWalker::holderState},
      {Receiver::Object, {}, &ConstructorWalker::holderConversion},
      {Receiver::StdContainer, {"size", "at"}, &ConstructorWalker::tableAccess},
      {Receiver::This, {}, &ConstructorWalker::ownMemberFunction},
      {Receiver::This, {"push_back"}, &ConstructorWalker::selfPush},
      {Receiver::Object,
       {"push_back", "append", "insert", "extend", "update"},
       &ConstructorWalker::containerGrowth},
      {Receiver::StdContainer,
       {"emplace_back"},
       &ConstructorWalker::emplaceBack},
      {Receiver::StdContainer, {"back", "front"}, &ConstructorWalker::tableEnd},
      {Receiver::Value, {}, &ConstructorWalker::optionsSetter},
      {Receiver::Value, {}, &ConstructorWalker::tensorMethod},
  };
  for (const MemberCallRule &Rule : Rules) {
    if (!receives(Rule.On, C))
      continue;
    if (Rule.Methods.size() &&
        std::none_of(Rule.Methods.begin(), Rule.Methods.end(),
                     [&](const char *N) { return C.Name == N; }))
      continue;
    // The receiver's value, translated once for every row that reads it
    // (translating runs the calls it makes).
    if (Rule.On == Receiver::Value && !C.Value)
      C.Value = translate(C.Object);
    if (SymExprPtr R = (this->*Rule.Handle)(C))
      return R;
  }
  return unknown(MC);
}

SymExprPtr ConstructorWalker::registration(const MemberCall &C) {
  if (auto K = registrationKind(C.Call))
    return recordRegistration(C.Call, *K);
  return nullptr;
}

SymExprPtr ConstructorWalker::holderConversion(const MemberCall &C) {
  // A holder converted to the shared_ptr it holds keeps its module; to
  // bool (`if (downsample)`), it says whether it holds one.
  const auto *Conv = dyn_cast<CXXConversionDecl>(C.Method);
  if (!Conv)
    return nullptr;
  SymExprPtr V = translate(C.Call->getImplicitObjectArgument());
  if (Conv->getConversionType()->isBooleanType() &&
      (holderImpl(C.Object->getType()) ||
       sharedPtrPointee(C.Object->getType()))) {
    if (std::optional<bool> Empty = holdsNothing(V))
      return SymExpr::makeBool(!*Empty);
    return unknown(C.Call);
  }
  return V;
}

SymExprPtr ConstructorWalker::holderState(const MemberCall &C) {
  // `downsample.is_empty()` on a holder: a default `nullptr` holds
  // nothing, a module given by the caller is there.
  if (!holderImpl(C.Object->getType()))
    return nullptr;
  if (std::optional<bool> Empty = holdsNothing(C.Value))
    return SymExpr::makeBool(*Empty);
  return nullptr;
}

std::optional<bool> ConstructorWalker::holdsNothing(const SymExprPtr &Value) {
  // `flag ? Linear(2, 2) : nullptr` once flag is known.
  SymExprPtr V = fold(Value, {});
  if (V->K == SymExpr::Kind::Module)
    return false;
  if (V->K == SymExpr::Kind::Unknown && V->Text == "nullptr")
    return true;
  return std::nullopt;
}

SymExprPtr ConstructorWalker::tableAccess(const MemberCall &C) {
  // std::vector / std::array accessors on configuration tables.
  const CXXMemberCallExpr *MC = C.Call;
  SymExprPtr Recv = translate(C.Object);
  if (C.Name == "size" && MC->getNumArgs() == 0)
    return SymExpr::makeCall("size", {Recv});
  if (C.Name == "at" && MC->getNumArgs() == 1)
    return fold(SymExpr::makeCall("at", {Recv, translate(MC->getArg(0))}), {});
  return nullptr;
}

SymExprPtr ConstructorWalker::ownMemberFunction(const MemberCall &C) {
  // The class's own member functions run inline.
  return inlineCall(C.Method, args(C.Call), C.Call->getExprLoc());
}

SymExprPtr ConstructorWalker::selfPush(const MemberCall &C) {
  // A class deriving from SequentialImpl or ModuleListImpl fills itself:
  // `push_back(m)` registers m under its index, as LibTorch does.
  const CXXMemberCallExpr *MC = C.Call;
  std::string Owner = C.Method->getParent()->getQualifiedNameAsString();
  if ((MC->getNumArgs() != 1 && MC->getNumArgs() != 2) ||
      (Owner != "torch::nn::SequentialImpl" &&
       Owner != "torch::nn::ModuleListImpl"))
    return nullptr;
  Registration R;
  R.K = Registration::Kind::Module;
  if (MC->getNumArgs() == 2) {
    R.Name = translate(MC->getArg(0));
    R.Value = translate(MC->getArg(1));
  } else {
    R.Name = SymExpr::makeCall("to_string", {SelfIndex});
    R.Value = translate(MC->getArg(0));
  }
  for (const SymExprPtr &G : Guards)
    R.Guards.push_back(G);
  R.Loops = ActiveLoops;
  R.Loc = toLoc(SM, MC->getExprLoc());
  R.NameLoc = R.Loc;
  Out.Registrations.push_back(R);
  // Every push, named or not, takes the next index.
  SymExprPtr Next = SymExpr::makeBinary("+", SelfIndex, SymExpr::makeInt(1));
  if (SymExprPtr Cond = activeCondition())
    Next = SymExpr::makeConditional(Cond, Next, SelfIndex);
  SelfIndex = fold(Next, {});
  if (MC->getNumArgs() == 1)
    SelfPushes.push_back(Out.Registrations.size() - 1);
  return R.Value;
}

SymExprPtr ConstructorWalker::containerGrowth(const MemberCall &C) {
  // Containers grow in place: `seq->push_back(m)`, `list->extend(other)`,
  // `dict->insert("key", m)`, `params->append(t)`, `pdict->insert("k", t)`.
  const Expr *Holder = C.Object;
  if (const auto *Arrow = dyn_cast<CXXOperatorCallExpr>(C.Object))
    if (Arrow->getOperator() == OO_Arrow)
      Holder = Arrow->getArg(0);
  SymExprPtr *S = slot(Holder);
  if (S && *S && (*S)->K == SymExpr::Kind::Module && isContainer((*S)->Builtin))
    return growModuleContainer(C, Holder, *S);
  // A std::vector of modules or values, registered element by element.
  if (S && C.Name == "push_back" && C.Call->getNumArgs() == 1 &&
      isStdContainer(Holder->getType())) {
    SymExprPtr Old =
        *S && (*S)->K == SymExpr::Kind::List ? *S : SymExpr::makeList({});
    auto Grown = std::make_shared<SymExpr>(*Old);
    Grown->Args.push_back(translate(C.Call->getArg(0)));
    assign(Holder, Grown);
    return Grown;
  }
  return nullptr;
}

SymExprPtr ConstructorWalker::growModuleContainer(const MemberCall &C,
                                                  const Expr *Holder,
                                                  SymExprPtr Container) {
  const CXXMemberCallExpr *MC = C.Call;
  const std::string &Kind = Container->Builtin;
  std::vector<SymExprPtr> Children;
  if (C.Name == "extend" && MC->getNumArgs() == 1) {
    SymExprPtr Other = translate(MC->getArg(0));
    if (Other->K != SymExpr::Kind::Module)
      return unknown(MC);
    Children = Other->Args;
  } else if (C.Name == "update" && MC->getNumArgs() == 1) {
    // ModuleDict::update(pairs): each [name, module] in order.
    SymExprPtr Pairs = translate(MC->getArg(0));
    if (Pairs->K != SymExpr::Kind::List)
      return unknown(MC);
    Children = Pairs->Args;
  } else if (C.Name == "insert" && Kind == "ModuleList") {
    if (SymExprPtr Grown = moduleListInsert(Container, MC)) {
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
    Children.push_back(SymExpr::makeList(
        {translate(MC->getArg(0)), translate(MC->getArg(1))}));
  } else if (MC->getNumArgs() == 1) {
    Children.push_back(translate(MC->getArg(0)));
  } else {
    return unknown(MC);
  }
  auto Grown = std::make_shared<SymExpr>(*Container);
  for (SymExprPtr Child : Children) {
    if (SymExprPtr Cond = activeCondition())
      Child = SymExpr::makeConditional(Cond, Child, SymExpr::makeAbsent());
    appendChild(*Grown, Child, depthOf(Container));
  }
  assign(Holder, Grown, /*Guarded=*/false);
  return Grown;
}

SymExprPtr ConstructorWalker::emplaceBack(const MemberCall &C) {
  SymExprPtr *S = slot(C.Object);
  if (!S)
    return nullptr;
  const CXXMemberCallExpr *MC = C.Call;
  SymExprPtr Elem = unknown(MC);
  QualType ET = elementType(C.Object->getType());
  if (const CXXRecordDecl *Impl = holderImpl(ET))
    Elem = moduleExpr(Impl, translateArgs(args(MC)), MC);
  else if (MC->getNumArgs() == 1)
    Elem = translate(MC->getArg(0));
  SymExprPtr Old =
      *S && (*S)->K == SymExpr::Kind::List ? *S : SymExpr::makeList({});
  auto Grown = std::make_shared<SymExpr>(*Old);
  Grown->Args.push_back(Elem);
  assign(C.Object, Grown);
  return Elem;
}

SymExprPtr ConstructorWalker::tableEnd(const MemberCall &C) {
  if (C.Call->getNumArgs() != 0)
    return nullptr;
  SymExprPtr V = translate(C.Object);
  SymExprPtr Index =
      C.Name == "front"
          ? SymExpr::makeInt(0)
          : SymExpr::makeBinary("-", SymExpr::makeCall("size", {V}),
                                SymExpr::makeInt(1));
  return SymExpr::makeCall("at", {V, Index});
}

SymExprPtr ConstructorWalker::optionsSetter(const MemberCall &C) {
  // Options builders: `Conv2dOptions(3, 16, 3).stride(2).bias(false)`.
  if (C.Value->K != SymExpr::Kind::Options || C.Call->getNumArgs() != 1)
    return nullptr;
  auto O = std::make_shared<SymExpr>(*C.Value);
  O->Setters.push_back({C.Name.str(), translate(C.Call->getArg(0))});
  // A setter changes the object it is called on and returns it (LibTorch's
  // TORCH_ARG): `o.bias(false);` as a statement, or a chain on a variable,
  // leaves the variable set, under the guards in force.
  if (const Expr *Root = setterChainRoot(C.Call))
    assign(Root, O);
  return O;
}

const Expr *ConstructorWalker::setterChainRoot(const CXXMemberCallExpr *MC) {
  while (MC) {
    const CXXMethodDecl *M = MC->getMethodDecl();
    const Expr *Obj = MC->getImplicitObjectArgument();
    if (!M || !Obj || !M->getReturnType()->isLValueReferenceType())
      return nullptr;
    Obj = Obj->IgnoreParenImpCasts();
    if (isa<DeclRefExpr>(Obj) || isa<MemberExpr>(Obj))
      return Obj;
    MC = dyn_cast<CXXMemberCallExpr>(Obj);
  }
  return nullptr;
}

SymExprPtr ConstructorWalker::tensorMethod(const MemberCall &C) {
  // Tensor methods that keep the shape (`.clone()`, `.mul_(0.1)`), and
  // `.to(dtype)` which changes the dtype.
  if (C.Value->K != SymExpr::Kind::Tensor)
    return nullptr;
  if (C.Name == "to" || C.Name == "toType") {
    auto T = std::make_shared<SymExpr>(*C.Value);
    if (std::string D = findDType(C.Call); !D.empty())
      T->DType = D;
    return T;
  }
  static const llvm::StringSet<> Reshaping = {
      "view",   "reshape", "t",         "transpose", "permute",
      "expand", "repeat",  "unsqueeze", "squeeze"};
  if (Reshaping.contains(C.Name))
    return unknown(C.Call);
  return C.Value;
}

SymExprPtr ConstructorWalker::recordRegistration(const CXXMemberCallExpr *MC,
                                                 Registration::Kind K) {
  if (MC->getNumArgs() < 2)
    return unknown(MC);
  Registration R;
  R.K = K;
  R.Name = translate(MC->getArg(0));
  R.Value = translate(MC->getArg(1));
  // Values that fold later (`layers.back()` is at(layers, size - 1)) are
  // kept; only an unknown one is replaced by a description of its type.
  if (K == Registration::Kind::Module && R.Value->K == SymExpr::Kind::Unknown) {
    // Name the registered type, so the unresolved message says what the
    // module is even when its arguments are unknown.
    if (const FunctionDecl *FD = MC->getDirectCallee())
      if (const TemplateArgumentList *TA = FD->getTemplateSpecializationArgs())
        if (TA->size() >= 1 && TA->get(0).getKind() == TemplateArgument::Type) {
          PrintingPolicy Policy(Ctx.getLangOpts());
          Policy.SuppressTagKeyword = true;
          R.Value = SymExpr::makeUnknown(
              text(MC->getArg(1)) + " (a '" +
              TA->get(0).getAsType().getAsString(Policy) + "')");
        }
  }
  for (const SymExprPtr &G : Guards)
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

SymExprPtr ConstructorWalker::moduleListInsert(const SymExprPtr &List,
                                               const CXXMemberCallExpr *MC) {
  if (MC->getNumArgs() != 2 || !ActiveLoops.empty() || activeCondition())
    return nullptr;
  auto Index = fold(translate(MC->getArg(0)), {})->asInt();
  std::vector<SymExprPtr> Children;
  for (const SymExprPtr &A : List->Args) {
    if (A->K == SymExpr::Kind::List)
      Children.insert(Children.end(), A->Args.begin(), A->Args.end());
    else
      Children.push_back(A);
  }
  for (const SymExprPtr &C : Children)
    if (C->K != SymExpr::Kind::Module)
      return nullptr;
  if (!Index || *Index < 0)
    return nullptr;
  SymExprPtr Module = translate(MC->getArg(1));
  auto Grown = std::make_shared<torchkc::SymExpr>(*List);
  size_t N = Children.size();
  if (size_t(*Index) >= N) {
    Children.push_back(Module);
  } else {
    SymExprPtr Last = Children.back();
    Children[*Index] = Module;
    Children.push_back(Last);
  }
  Grown->Args = std::move(Children);
  return Grown;
}

SymExprPtr ConstructorWalker::tensorExpr(const CallExpr *CE, StringRef Factory,
                                         SymExprPtr Shape,
                                         unsigned OptionsFrom) {
  auto T = std::make_shared<torchkc::SymExpr>();
  T->K = torchkc::SymExpr::Kind::Tensor;
  T->Name = Factory.str();
  if (Shape->K != SymExpr::Kind::List)
    Shape = SymExpr::makeList({Shape});
  T->Args = {Shape};
  for (unsigned I = OptionsFrom; I < CE->getNumArgs(); ++I)
    if (std::string D = findDType(CE->getArg(I)); !D.empty())
      T->DType = D;
  T->Text = text(CE);
  T->Loc = toLoc(SM, CE->getBeginLoc());
  return T;
}

SymExprPtr ConstructorWalker::withDefaultDType(SymExprPtr T,
                                               const std::string &DType) {
  if (T->DType.empty()) {
    auto R = std::make_shared<torchkc::SymExpr>(*T);
    R->DType = DType;
    return R;
  }
  return T;
}

SymExprPtr ConstructorWalker::literalTensor(const CallExpr *CE) {
  std::vector<int64_t> Dims;
  std::string DType;
  if (!literalShape(CE->getArg(0), Dims, DType))
    return unknown(CE);
  std::vector<SymExprPtr> Shape;
  for (int64_t D : Dims)
    Shape.push_back(SymExpr::makeInt(D));
  return withDefaultDType(
      tensorExpr(CE, "tensor", SymExpr::makeList(std::move(Shape)), 1), DType);
}

SymExprPtr ConstructorWalker::rangeTensor(const CallExpr *CE) {
  std::vector<SymExprPtr> Args;
  bool Floating = false;
  unsigned N = 0;
  for (; N < CE->getNumArgs() && N < 3; ++N) {
    const Expr *A = throughConversions(CE->getArg(N));
    if (!A->getType()->isArithmeticType())
      break; // TensorOptions
    Floating |= A->getType()->isRealFloatingType();
    Args.push_back(translate(A));
  }
  SymExprPtr Start = N >= 2 ? Args[0] : SymExpr::makeInt(0);
  SymExprPtr End = N >= 2 ? Args[1] : Args[0];
  SymExprPtr Length = fold(SymExpr::makeBinary("-", End, Start), {});
  if (N == 3) {
    SymExprPtr Step = Args[2];
    auto Num = fold(Length, {}), Den = fold(Step, {});
    if (Num->isConstant() && Den->isConstant()) {
      double L = Num->K == SymExpr::Kind::Float ? Num->FloatVal
                                                : double(*Num->asInt());
      double S = Den->K == SymExpr::Kind::Float ? Den->FloatVal
                                                : double(*Den->asInt());
      Length = S != 0 ? SymExpr::makeInt(int64_t(std::ceil(L / S)))
                      : SymExpr::makeUnknown(text(CE));
    } else {
      Length = SymExpr::makeUnknown("ceil((" + Length->str() + ") / " +
                                    Step->str() + ")");
    }
  }
  return withDefaultDType(
      tensorExpr(CE, "arange", SymExpr::makeList({Length}), N),
      Floating ? "float32" : "int64");
}

} // namespace extract
} // namespace torchkc
