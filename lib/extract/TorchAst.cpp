//===- TorchAst.cpp - What LibTorch's types look like in Clang's AST ------===//
#include "TorchAst.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Path.h"

namespace torchkc {
namespace extract {

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
  // A relative name is relative to the compile command's directory (the
  // file manager's), not to where the user stands: made absolute, one
  // header reached from units of different directories is one file, and
  // every place can show it relative to the user's directory.
  StringRef Name = P.getFilename();
  if (llvm::sys::path::is_relative(Name)) {
    SmallString<256> Abs(Name);
    SM.getFileManager().makeAbsolutePath(Abs);
    llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
    R.File = std::string(Abs);
  } else {
    R.File = Name.str();
  }
  R.Line = P.getLine();
  R.Column = P.getColumn();
  return R;
}

bool isTorchModuleBase(const CXXRecordDecl *RD) {
  return RD && RD->getQualifiedNameAsString() == "torch::nn::Module";
}

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

const CXXRecordDecl *sharedPtrPointee(QualType T) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getName() != "shared_ptr" ||
      Spec->getTemplateArgs().size() < 1)
    return nullptr;
  return Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
}

bool isModuleType(QualType T) {
  T = T.getNonReferenceType();
  if (holderImpl(T) || sharedPtrPointee(T))
    return true;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  return RD && RD->hasDefinition() && derivesFromModule(RD);
}

bool isModuleSave(const CallExpr *CE) {
  const FunctionDecl *FD = CE->getDirectCallee();
  return FD && FD->getIdentifier() && FD->getName() == "save" &&
         CE->getNumArgs() >= 2 && inTorchNamespace(FD) &&
         isModuleType(CE->getArg(0)->IgnoreParenImpCasts()->getType());
}

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

const StringLiteral *writtenLiteral(const Expr *E) {
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

bool isShapeFactory(StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
      .Cases("zeros", "ones", "empty", "randn", "rand", "full", true)
      .Case("empty_strided", true)
      .Default(false);
}

const Expr *throughConversions(const Expr *E) {
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

std::string scalarDType(QualType T) {
  if (T->isBooleanType())
    return "bool";
  if (T->isIntegralOrEnumerationType())
    return "int64";
  return "float32";
}

bool literalShape(const Expr *E, std::vector<int64_t> &Dims,
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

bool isStdContainer(QualType T) {
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->isInStdNamespace())
    return false;
  StringRef N = RD->getName();
  return N == "vector" || N == "array" || N == "initializer_list" ||
         N == "map" || N == "unordered_map";
}

bool isJson(QualType T) {
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->getIdentifier())
    return false;
  StringRef N = RD->getName();
  if (N != "basic_json" && N != "json_ref")
    return false;
  // nlohmann's namespace is versioned (nlohmann::json_abi_v3_11_2) in
  // recent releases: the outermost one decides.
  const DeclContext *DC = RD->getDeclContext();
  const NamespaceDecl *Outer = nullptr;
  for (; DC && !DC->isTranslationUnit(); DC = DC->getParent())
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
      Outer = NS;
  return Outer && Outer->getName() == "nlohmann";
}

QualType elementType(QualType T) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getTemplateArgs().size() < 1 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return QualType();
  return Spec->getTemplateArgs()[0].getAsType();
}

} // namespace extract
} // namespace torchkc
