//===- TorchAst.h - What LibTorch's types look like in Clang's AST -*- C++
//-*-===//
//
// Recognising LibTorch in the AST: modules, holders, shared_ptrs, options,
// dtypes, tensor factory arguments, register_* calls, and which headers are
// the library's. Shared by the constructor walk and the class and load-site
// finders.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_LIB_EXTRACT_TORCHAST_H
#define TORCH_KEYCHECK_LIB_EXTRACT_TORCHAST_H

#include "torch-keycheck/graph/RegistrationGraph.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"

#include <optional>
#include <string>
#include <vector>

namespace torchkc {
namespace extract {
// The extractor is written in Clang's terms throughout; the directive is
// confined to this namespace, which only the extractor's files open.
using namespace clang;

/// Headers whose function bodies the analysis never needs: LibTorch's own
/// and the system's. Their declarations are still parsed.
bool isLibraryFile(StringRef Path);

/// Whether Loc is in LibTorch's or the system's headers (or nowhere).
bool isLibraryLocation(const SourceManager &SM, SourceLocation Loc);

/// A Clang location as plain data (the file location of a macro's
/// expansion), outliving the AST.
SourceLoc toLoc(const SourceManager &SM, SourceLocation L);

/// Whether RD is torch::nn::Module itself.
bool isTorchModuleBase(const CXXRecordDecl *RD);

/// True when RD derives, at any depth, from torch::nn::Module.
bool derivesFromModule(const CXXRecordDecl *RD);

/// The Impl class a ModuleHolder-derived class (`Linear`, a TORCH_MODULE
/// holder, `Sequential`) wraps, or null.
const CXXRecordDecl *holderImpl(QualType T);

/// The pointee class of std::shared_ptr<T>, or null.
const CXXRecordDecl *sharedPtrPointee(QualType T);

/// Whether a value of type T is a module: a holder (`torch::nn::Sequential`,
/// a TORCH_MODULE), a module class, or a std::shared_ptr to one.
bool isModuleType(QualType T);

/// Whether CE is `torch::save(module, ...)`.
bool isModuleSave(const CallExpr *CE);

/// A class's name as users write it, with template arguments:
/// `net::ResNetImpl<net::BasicBlock>`.
std::string className(const CXXRecordDecl *RD);

/// Whether D is LibTorch's own (in torch:: or at::).
bool inTorchNamespace(const Decl *D);

/// `torch::kLong` and its spellings, as torch names dtypes.
std::string dtypeName(StringRef Name);

/// The dtype named anywhere in E (`torch::kLong`,
/// `torch::TensorOptions().dtype(torch::kInt)`), or empty.
std::string findDType(const Stmt *S);

/// Which register_* call MC is, if it is one.
std::optional<Registration::Kind> registrationKind(const CXXMemberCallExpr *MC);

/// Whether a member of type T holds a module or a tensor, the two things a
/// member can hold that only registration puts into the state_dict.
std::optional<MemberAssignment::Kind> memberKind(QualType T);

/// The string literal E is, through std::string's conversions, when it
/// is written as one token outside macros (a fix-it can replace it).
const StringLiteral *writtenLiteral(const Expr *E);

/// Tensor factories whose first argument is the shape.
bool isShapeFactory(StringRef Name);

/// Looks through the conversions LibTorch's factory arguments go through
/// (at::Scalar, TensorDataContainer, initializer lists, temporaries).
const Expr *throughConversions(const Expr *E);

/// torch's default dtype for a scalar of type T: integers give int64,
/// bools bool, floating point the default float32.
std::string scalarDType(QualType T);

/// The shape and dtype of a literal `torch::tensor({{1., 2.}, {3., 4.}})`.
bool literalShape(const Expr *E, std::vector<int64_t> &Dims,
                  std::string &DType);

/// Whether T is std::vector, std::array or std::initializer_list.
bool isStdContainer(QualType T);

/// Whether T is a JSON value of nlohmann's (`nlohmann::json`, its
/// `ordered_json`, or a `json_ref` in a braced initialiser), a reference
/// to one included.
bool isJson(QualType T);

/// The first template argument of a class template specialization
/// (a std::vector's element type), or null.
QualType elementType(QualType T);

} // namespace extract
} // namespace torchkc

#endif
