//===- Extractor.h - Clang AST to registration graph -----------*- C++ -*-===//
//
// The only part of the core that sees Clang's AST. It finds the module
// classes of a translation unit and records their registrations.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_EXTRACT_EXTRACTOR_H
#define TORCH_KEYCHECK_EXTRACT_EXTRACTOR_H

#include "torch-keycheck/cache/PreamblePrefix.h"
#include "torch-keycheck/graph/RegistrationGraph.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class ASTConsumer;
class SourceLocation;
class SourceManager;
namespace tooling {
class FrontendActionFactory;
}
} // namespace clang

namespace torchkc {

/// Called once per translation unit with what it defines, while its AST is
/// alive: TU.Source can re-extract constructors with known values.
using TranslationUnitCallback = std::function<void(RegistrationGraph &TU)>;

/// The registration graph of an already parsed translation unit (for
/// front ends that own the parse: the clang-tidy and compiler plugins).
/// Without Sema, class template specializations the unit only names are
/// not instantiated.
/// OnTU, if given, is called while the AST is alive, as for the factory.
RegistrationGraph
extractRegistrationGraph(clang::ASTContext &Ctx,
                         const TranslationUnitCallback &OnTU = nullptr);

/// What the constructor interpreter may spend on one walk (a constructor,
/// a function model) before it stops and reports where: loop iterations
/// run, statements run (calls included, so recursion counts), and wall
/// time. Past any of them, what follows is not followed and an
/// `unresolved:` line says which budget ended it. Set by the CLI's
/// --max-iterations, --max-steps and --max-seconds before any parse.
struct InterpreterBudget {
  uint64_t Iterations = 100000;
  uint64_t Steps = 500000;
  unsigned Seconds = 20;
};
InterpreterBudget &interpreterBudget();

/// A location of ours back in Clang's terms, for front ends that report
/// through Clang's diagnostics; invalid when the file is not part of SM's
/// translation unit.
clang::SourceLocation toClangLocation(const clang::SourceManager &SM,
                                      const SourceLoc &L);

/// A frontend action factory whose actions parse each TU (skipping the
/// bodies of functions in LibTorch and system headers, which extraction
/// never reads), call OnTU if given, and merge what they extract into G.
std::unique_ptr<clang::tooling::FrontendActionFactory>
newExtractionActionFactory(RegistrationGraph &G,
                           TranslationUnitCallback OnTU = nullptr);

/// What writing a prefix PCH gave.
struct PrefixPCHResult {
  /// The files the parse read.
  std::vector<std::string> Read;
  /// Output could not be written (a full disk): no file is left, and the
  /// cache, an optimisation, never ends the run.
  std::string WriteError;
  /// Why the PCH cannot stand for the prefix (a header without a guard, a
  /// prefix that does not compile, ...): nothing was written.
  std::string Refused;
};

/// A frontend action factory that writes the PCH of a preamble prefix (the
/// unit MainFile's leading directives, given to clang as the main file's
/// text) to Output, skipping the same bodies as the extraction. A unit
/// parsed whole with the PCH loaded (`-include-pch`) runs its directives
/// again: each #include the prefix names must be skipped by its header's
/// guard and each macro it defines keep the prefix's definition, or the PCH
/// is refused. The AST is then the one the extraction sees without it.
std::unique_ptr<clang::tooling::FrontendActionFactory>
newPrefixPCHActionFactory(const std::string &MainFile,
                          const PreamblePrefix &Prefix,
                          const std::string &Output, PrefixPCHResult &Result);

} // namespace torchkc

#endif
