//===- Extractor.h - Clang AST to registration graph -----------*- C++ -*-===//
//
// The only part of the core that sees Clang's AST. It finds the module
// classes of a translation unit and records their registrations.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_EXTRACT_EXTRACTOR_H
#define TORCH_KEYCHECK_EXTRACT_EXTRACTOR_H

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

/// A frontend action factory that writes the PCH of MainFile's preamble
/// (PreambleText, its leading bytes) to Output, skipping the same bodies as
/// the extraction, and adds the files it read to Read. The main file is
/// given to clang as a remapped buffer, so the PCH records it as
/// overridden: a later parse of the whole file, longer than the preamble,
/// loads the PCH without clang refusing the file as "modified since the AST
/// file was built". Parsing the whole file with the PCH and clang's
/// `-preamble-bytes` gives the same AST the extraction sees without it.
/// When Output cannot be written (a full disk), WriteError says why and no
/// file is left: the cache is an optimisation, never the end of a run.
std::unique_ptr<clang::tooling::FrontendActionFactory>
newPreambleActionFactory(const std::string &MainFile,
                         const std::string &PreambleText,
                         const std::string &Output,
                         std::vector<std::string> &Read,
                         std::string &WriteError);

} // namespace torchkc

#endif
