//===- ClassFinder.h - The module classes of a translation unit -*- C++ -*-===//
//
// Finds every user class deriving from torch::nn::Module (and the holders
// wrapping them), walks each constructor into the registration graph, and
// answers re-extraction requests with values known (ConstructorSource)
// while the AST is alive.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_LIB_EXTRACT_CLASSFINDER_H
#define TORCH_KEYCHECK_LIB_EXTRACT_CLASSFINDER_H

#include "TorchAst.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Sema/Sema.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace torchkc {
namespace extract {

class ClassFinder : public RecursiveASTVisitor<ClassFinder>,
                    public ConstructorSource {
public:
  /// Classes go to G. With S, the constructors of class template
  /// specializations the unit only names are instantiated.
  ClassFinder(ASTContext &Ctx, RegistrationGraph &G, Sema *S)
      : Ctx(Ctx), G(G), TheSema(S) {}

  const Constructor *specialize(const std::string &Class, size_t CtorIndex,
                                const Bindings &Args) override;

  // Specializations of user class templates (ResNetImpl<BasicBlock>) are
  // classes of their own; the template patterns are not.
  bool shouldVisitTemplateInstantiations() const { return true; }

  // Nothing declared in LibTorch's or the system's headers is a user model,
  // so those declarations are not walked. In a real compile (the plugins)
  // their inline bodies are parsed, and walking them was most of the
  // plugin's cost.
  bool TraverseDecl(Decl *D);

  bool VisitCXXRecordDecl(CXXRecordDecl *RD);

  /// A free function defined here that returns a module (a holder, a
  /// module by value or a shared_ptr to one) is a function model.
  bool VisitFunctionDecl(FunctionDecl *FD);

  /// Instantiates the constructors of the user template specializations
  /// seen (LibTorch's make_shared, whose body was skipped, would have) and
  /// adds those classes.
  void addSpecializations();

  /// Once the traversal is done: holders named, registrations outside
  /// constructors found.
  void finish();

private:
  bool addClass(CXXRecordDecl *RD);

  /// register_* calls on `this` in member functions that no constructor
  /// walk reached, directly or through another class's constructor
  /// (`block->build()` from the parent's). Once every class is walked, the
  /// set of called functions is complete for this translation unit.
  void findRegistrationsOutsideConstructors(ModuleClass &C);

  ASTContext &Ctx;
  RegistrationGraph &G;
  std::map<std::string, std::string> Holders;
  std::map<std::string, std::vector<const CXXConstructorDecl *>> Decls;
  /// The overloads of each function model, by qualified name.
  std::map<std::string, std::vector<const FunctionDecl *>> FunctionDecls;
  std::map<std::string, std::unique_ptr<Constructor>> Specialized;
  std::map<std::string, const CXXRecordDecl *> Records;
  /// Every function a constructor walk of this translation unit called.
  std::set<const FunctionDecl *> Called;
  Sema *TheSema;
  std::vector<CXXRecordDecl *> Specializations;
  std::set<const Decl *> Seen;
};

} // namespace extract
} // namespace torchkc

#endif
