//===- LoadSiteFinder.h - torch::load calls in user code -------*- C++ -*-===//
//
// Finds where user code loads a checkpoint into a model class it
// constructs: `torch::load(model, "path")`, `archive.load_from(path)` then
// `model->load(archive)`, and calls of the user's own loading helpers;
// with the constant arguments of the model's construction.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_LIB_EXTRACT_LOADSITEFINDER_H
#define TORCH_KEYCHECK_LIB_EXTRACT_LOADSITEFINDER_H

#include "TorchAst.h"

#include "clang/AST/RecursiveASTVisitor.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace torchkc {
namespace extract {

class LoadSiteFinder : public RecursiveASTVisitor<LoadSiteFinder> {
public:
  /// Load sites go to Sites.
  LoadSiteFinder(ASTContext &Ctx, std::vector<LoadSite> &Sites)
      : Ctx(Ctx), Sites(Sites) {}

  // Loads in function template instantiations are load sites too.
  bool shouldVisitTemplateInstantiations() const { return true; }

  /// Skips what LibTorch's and the system's headers declare.
  bool TraverseDecl(Decl *D);

  /// `torch::load(model, "path")` in user code, where model is a local
  /// holder or shared_ptr of a module class, and the archive form
  /// `archive.load_from("path"); model->load(archive);`: load sites, with
  /// the constant arguments of the model's construction.
  bool VisitCallExpr(CallExpr *CE);

  /// `std::ifstream in(path)`: a helper reading the file itself (a Python
  /// state_dict through torch::pickle_load).
  bool VisitCXXConstructExpr(CXXConstructExpr *CE);

  /// Once the traversal is done: calls of loading helpers with a model
  /// variable and a path.
  void finish();

private:
  /// The checkpoint path a load passes: a literal's value, or else the
  /// expression as written (for the project's loadPaths to map).
  struct CheckpointPath {
    std::string Text;
    bool Literal = false;
  };

  /// A user function that hands one of its parameters, as the path, to
  /// LibTorch's readers (torch::load, InputArchive::load_from,
  /// torch::pickle_load of the file's bytes read through std::ifstream)
  /// and takes a module parameter: a loading helper, whose calls with a
  /// path literal are load sites.
  void noteLoaderHelper(const CallExpr *CE, const FunctionDecl *Callee);

  /// PathExpr names a parameter of a function that also takes a module:
  /// that function is a loading helper.
  void noteLoaderPath(const Expr *PathExpr);

  CheckpointPath pathOf(const Expr *E);

  /// A load site at Call of the checkpoint at Path into the variable
  /// ModelRef names, when it is a local holder or shared_ptr of a user
  /// module class. When it is a parameter of such a type, the function is
  /// a loading helper of that path: its calls are the sites.
  void addLoadSite(const CallExpr *Call, const Expr *ModelRef,
                   const CheckpointPath &Path);

  /// The constant arguments Var's initialiser passes to Impl's
  /// constructor (`Net net(10, true)`, `auto net = Net(10, true)`,
  /// `std::make_shared<NetImpl>(10, true)`), by parameter name.
  void constructionArgs(const VarDecl *Var, const CXXRecordDecl *Impl,
                        Bindings &Out);

  ASTContext &Ctx;
  std::vector<LoadSite> &Sites;
  /// The path each InputArchive variable was given by load_from.
  std::map<const Decl *, CheckpointPath> ArchivePaths;
  /// A loading helper: the index of its module parameter, and of its path
  /// parameter or else the path it loads itself.
  struct Helper {
    unsigned ModelArg = 0;
    std::optional<unsigned> PathArg;
    CheckpointPath Path;
  };
  std::map<const FunctionDecl *, Helper> Helpers;
  /// Calls of user functions with arguments, judged in finish() once every
  /// loading helper is known.
  std::vector<const CallExpr *> HelperCalls;
};

} // namespace extract
} // namespace torchkc

#endif
