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
#include "TorchCheck.h"

#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"

#include "torch-keycheck/checks/Findings.h"

namespace torchkc {
namespace tidy {

class TorchModule : public clang::tidy::ClangTidyModule {
public:
  void
  addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    // Every check of the core in alphabetical order, but those that need
    // an optimizer checkpoint named on the command line.
    for (const CheckInfo &C : allChecks())
      if (C.From != Feed::Optimizer)
        Factories.registerCheckFactory(
            C.Name, [](llvm::StringRef CheckName,
                       clang::tidy::ClangTidyContext *Context) {
              return std::make_unique<TorchCheck>(CheckName, Context);
            });
  }
};

} // namespace tidy
} // namespace torchkc

static clang::tidy::ClangTidyModuleRegistry::Add<torchkc::tidy::TorchModule>
    X("torch-module", "Adds torch-keycheck's checks.");
