//===- Extractor.cpp - Clang AST to registration graph --------------------===//
//
// What this computes
// ------------------
// A LibTorch module's state_dict keys are the dotted paths of the names it
// passes to register_module, register_parameter and register_buffer, and
// of the names LibTorch's own modules register in turn. Those calls run in
// the constructor (directly, or through member functions, base-class
// constructors and helpers it calls), so the keys can be read from source.
//
// The registration graph (graph/RegistrationGraph.h) is what the rest of
// the pipeline reads: per user module class, each constructor's
// parameters and the ordered registrations it makes, each with
//   - its name and value as symbolic values (SymExpr) over the
//     constructor's parameters: locals, members and helper arguments are
//     substituted, so `int h = in * 2; register_module("fc", Linear(in, h))`
//     records `Linear(in, in * 2)`;
//   - the conditions of the enclosing `if`s and `switch` cases as guards;
//   - the loops of unknown count around it;
//   - its source location.
// It also lists the members given a module or tensor (to find those never
// registered), the torch::load calls of user code, and what could not be
// followed, each at its location. It holds no Clang type: it outlives the
// AST.
//
// How it is computed
// ------------------
// ClassFinder finds the classes; for each constructor, ConstructorWalker
// interprets what would execute: delegating and base constructors, member
// initialisers, then the body, inlining the class's own member functions
// and free functions whose bodies are visible. It keeps a frame of
// variables per call, the guards in force, and the containers being
// filled. `if`, `?:` and `switch` whose condition folds are decided; others
// become guards. Loops whose condition folds are unrolled, with break and
// continue, so state carried from one iteration to the next is exact; a
// counted loop whose bound depends on a parameter becomes a LoopInfo whose
// registrations repeat for the loop variable. LibTorch's API (register_*,
// container growth, options setters, tensor factories) has its meaning in
// TorchCalls.cpp, chosen by a (receiver, method) table. LoadSiteFinder
// finds the load sites.
//
// What is exact and what is symbolic
// ----------------------------------
// Exact: anything Clang can constant-evaluate, and everything built from
// values known at derivation (defines, defaults, a parent's arguments).
// Symbolic: values that depend on a constructor parameter with no value;
// they keep their spelling (`hidden * 2`) until keys/ binds them. Values
// the walk cannot represent (a tensor read from a file, a call whose body
// is not visible) are Unknown, with their source text, and the places
// where the walk stops following are recorded as unresolved, never
// guessed. Because some programs are exact only with values known (a
// running channel count in a loop over a vector parameter), derivation
// re-walks constructors with the values it has, through ConstructorSource,
// while the AST is alive.
//
// Nested modules are not inlined: registering a user module records a
// Module node naming the class and its argument values; derivation expands
// it through that class's own graph. LibTorch's modules are Module nodes
// with a Builtin name, expanded by keys/BuiltinModules.cpp.
//
//===----------------------------------------------------------------------===//
#include "ExtractUnit.h"

#include "ClassFinder.h"
#include "LoadSiteFinder.h"

namespace torchkc {
namespace extract {

void extractUnit(ASTContext &Ctx, Sema *S, RegistrationGraph &TU,
                 const TranslationUnitCallback &OnTU, bool RecordInputFiles) {
  ClassFinder Classes(Ctx, TU, S);
  LoadSiteFinder Loads(Ctx, TU.LoadSites);
  Classes.TraverseDecl(Ctx.getTranslationUnitDecl());
  // Before the specializations are instantiated: what they add is not
  // code the user wrote a load in.
  Loads.TraverseDecl(Ctx.getTranslationUnitDecl());
  if (S)
    Classes.addSpecializations();
  Loads.finish();
  Classes.finish();
  if (RecordInputFiles) {
    // Absolute: the tool's working directory is the compile command's.
    const SourceManager &SM = Ctx.getSourceManager();
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It) {
      SmallString<256> Path(It->first.getFileEntry().tryGetRealPathName());
      if (Path.empty()) {
        Path = It->first.getName();
        SM.getFileManager().makeAbsolutePath(Path);
      }
      TU.InputFiles.push_back(std::string(Path));
    }
  }
  if (OnTU) {
    TU.Source = &Classes;
    OnTU(TU);
    TU.Source = nullptr;
  }
}

} // namespace extract

RegistrationGraph
extractRegistrationGraph(clang::ASTContext &Ctx,
                         const TranslationUnitCallback &OnTU) {
  RegistrationGraph G;
  extract::extractUnit(Ctx, /*S=*/nullptr, G, OnTU,
                       /*RecordInputFiles=*/false);
  return G;
}

InterpreterBudget &interpreterBudget() {
  static InterpreterBudget Budget;
  return Budget;
}

clang::SourceLocation toClangLocation(const clang::SourceManager &SM,
                                      const SourceLoc &L) {
  if (!L.valid())
    return {};
  auto File = SM.getFileManager().getOptionalFileRef(L.File.str());
  return File ? SM.translateFileLineCol(*File, L.Line, L.Column)
              : clang::SourceLocation();
}

} // namespace torchkc
