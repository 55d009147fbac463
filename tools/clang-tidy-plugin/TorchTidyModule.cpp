//===- TorchTidyModule.cpp - The clang-tidy module of torch-keycheck ------===//
//
// Loaded with `clang-tidy --load=libTorchKeyCheckTidy.so
// --checks='-*,torch-*'`. Registers every source check of the core under
// its own name; the analysis is the core's, as in the CLI.
//
//===----------------------------------------------------------------------===//
#include "TorchSourceCheck.h"

#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"

#include "torch-keycheck/Lints.h"

namespace torchkc {
namespace tidy {

class TorchModule : public clang::tidy::ClangTidyModule {
public:
  void
  addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
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
