//===- TorchTidyModule.cpp - The clang-tidy module of torch-keycheck ------===//
//
// Loaded with `clang-tidy --load=libTorchKeyCheckTidy.so
// --checks='-*,torch-*'`. Registers every check of the core that a
// translation unit can answer under its own name: the source checks, the
// load-site verdicts and the golden drift. The analysis is the core's, as
// in the CLI. (The optimizer checks need an optimizer checkpoint given on
// the command line, so they stay in the CLI.)
//
//===----------------------------------------------------------------------===//
#include "TorchProjectCheck.h"
#include "TorchSourceCheck.h"
#include "UnitFindings.h"

#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"

#include "torch-keycheck/Lints.h"

namespace torchkc {
namespace tidy {

class TorchModule : public clang::tidy::ClangTidyModule {
public:
  void
  addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    auto Project = [](llvm::StringRef CheckName,
                      clang::tidy::ClangTidyContext *Context) {
      return std::make_unique<TorchProjectCheck>(CheckName, Context);
    };
    // The checks against the checkpoints load sites read and the
    // project's goldens, in alphabetical order.
    for (const char *Name : ProjectCheckNames)
      Factories.registerCheckFactory(Name, Project);
    // The checks that need no checkpoint, in alphabetical order.
    for (const char *Name :
         {"torch-conditional-registration", "torch-duplicate-key",
          "torch-invalid-key-name", "torch-registration-outside-constructor",
          "torch-unregistered-submodule", "torch-unresolved-key"})
      Factories.registerCheckFactory(
          Name, [](llvm::StringRef CheckName,
                   clang::tidy::ClangTidyContext *Context) {
            return std::make_unique<TorchSourceCheck>(CheckName, Context);
          });
  }
};

} // namespace tidy
} // namespace torchkc

static clang::tidy::ClangTidyModuleRegistry::Add<torchkc::tidy::TorchModule>
    X("torch-module", "Adds torch-keycheck's checks.");
