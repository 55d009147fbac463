//===- RegistrationGraph.h - What a module class registers -----*- C++ -*-===//
//
// The registration graph is the analyzer's intermediate representation: for
// each user module class, each constructor's parameters and the ordered
// register_module / register_parameter / register_buffer calls it makes,
// with symbolic names and values (SymExpr) and the conditions that guard them.
// It is configuration-independent; KeySet.h binds it to a configuration.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_GRAPH_REGISTRATIONGRAPH_H
#define TORCH_KEYCHECK_GRAPH_REGISTRATIONGRAPH_H

#include "torch-keycheck/graph/SymExpr.h"

#include <string>
#include <vector>

namespace torchkc {

struct Registration {
  enum class Kind { Module, Parameter, Buffer };
  Kind K = Kind::Module;
  SymExprPtr Name;  ///< usually a String after folding
  SymExprPtr Value; ///< a Module expr, or a Tensor expr, or Unknown
  /// Conditions that must all hold for the call to run (enclosing `if`s),
  /// each already negated for `else` branches, each with the location of
  /// the condition in its Loc. Empty: unconditional.
  std::vector<SymExprPtr> Guards;
  SourceLoc Loc;     ///< the register_* call
  SourceLoc NameLoc; ///< the name argument
  /// When the name is a string literal, the length of its token (quotes
  /// included), so a fix-it can replace it; else 0.
  unsigned NameLength = 0;
  /// The loops whose count was not known at extraction (Constructor::Loops
  /// indices, outermost first) that repeat this call.
  std::vector<unsigned> Loops;
  /// The model is this module itself, not a child of it: what a function
  /// model (`Sequential make_discriminator(int64_t ndf)`) returns. Its keys
  /// take no prefix; Name is empty.
  bool Root = false;
};

/// A loop whose iteration count depends on constructor parameters: its
/// registrations are repeated for Var in [Begin, End) once the bounds fold.
/// Loops with constant counts are unrolled during extraction instead.
struct LoopInfo {
  std::string Var;
  SymExprPtr Begin, End;
  SourceLoc Loc;
};

struct ConstructorParam {
  /// As the constructor's definition spells it: the name its body, and so
  /// every symbolic value, uses.
  std::string Name;
  std::string Type;
  SymExprPtr Default; ///< null when the parameter has no default argument
  /// Other spellings of its declarations (`AImpl(int64_t n);` in a header,
  /// `AImpl::AImpl(int64_t m)` in a .cpp): defines may use them too.
  std::vector<std::string> OtherNames;
  /// For a parameter of enumeration type, its enumerators and their
  /// values: a define may name one (`--define width=Wide` or
  /// `width=Width::Wide`).
  std::vector<std::pair<std::string, int64_t>> Enumerators;
  /// For a parameter of a struct type (a configuration read from a file),
  /// the paths of its fields, nested structs' flattened
  /// (`config.hiddenSize`), with their types: knobs a checkpoint can
  /// decide one by one.
  std::vector<std::pair<std::string, std::string>> Fields;

  /// The spelling of this parameter a define of one of its fields uses
  /// (`config` for `config.hiddenSize`), or null when Define is none.
  const std::string *fieldOwner(const std::string &Define) const {
    auto Starts = [&](const std::string &N) {
      return Define.size() > N.size() + 1 && Define[N.size()] == '.' &&
             Define.compare(0, N.size(), N) == 0;
    };
    if (Starts(Name))
      return &Name;
    for (const std::string &Other : OtherNames)
      if (Starts(Other))
        return &Other;
    return nullptr;
  }

  /// The value Defines gives this parameter under any of its spellings,
  /// or null.
  const SymExprPtr *definedIn(const Bindings &Defines) const {
    if (auto It = Defines.find(Name); It != Defines.end())
      return &It->second;
    for (const std::string &Other : OtherNames)
      if (auto It = Defines.find(Other); It != Defines.end())
        return &It->second;
    return nullptr;
  }
};

/// A module-holder or tensor member given a value on the constructor's
/// path (`fc = Linear(4, 2)`, a member initialiser). Value is the very
/// SymExpr node assigned, so registrations that hold the same node register
/// this member's module or tensor.
struct MemberAssignment {
  enum class Kind { Module, Tensor };
  Kind K = Kind::Module;
  std::string Member;
  SymExprPtr Value;
  SourceLoc Loc;       ///< the assignment or initialiser
  SourceLoc MemberLoc; ///< the member's declaration
};

struct Constructor {
  std::vector<ConstructorParam> Params;
  std::vector<Registration> Registrations;
  std::vector<MemberAssignment> MemberAssignments;
  std::vector<LoopInfo> Loops;
  SourceLoc Loc;
  /// Things extraction could not follow (a call with no visible body, ...),
  /// each with where it happened.
  std::vector<std::pair<SourceLoc, std::string>> Unresolved;
  /// Places where which keys exist is decided by constructor parameters in
  /// a way a symbolic walk cannot express (a while loop over a parameter,
  /// a break under a parameter's condition). Re-extraction with the values
  /// known (ConstructorSource) follows them exactly.
  std::vector<std::pair<SourceLoc, std::string>> ConfigurationDependent;
  /// The module classes whose constructor this one runs (its own, a
  /// base's) with no definition in the translation unit: another unit may
  /// define it, and merging units links the class to that definition.
  std::vector<std::string> Undefined;
  /// Where each of those constructors is declared, and what to say when no
  /// unit defines it (kept apart from Unresolved: a definition in another
  /// unit is how C++ projects are written, not something to report per
  /// unit).
  std::vector<std::pair<SourceLoc, std::string>> MissingDefinitions;
};

/// A register_* call in a member function that no constructor calls: its
/// key exists only after that function has run.
struct RegistrationOutsideConstructor {
  Registration::Kind K = Registration::Kind::Module;
  std::string NameText; ///< the name argument as written
  std::string Function; ///< the member function it is in
  SourceLoc Loc;        ///< the register_* call
  SourceLoc FunctionLoc;
};

struct ModuleClass {
  std::string Name;       ///< qualified Impl name: `net::EncoderImpl`
  std::string HolderName; ///< qualified TORCH_MODULE holder, or empty
  /// The base whose constructors `using Base::Base;` brings in: a LibTorch
  /// module's Impl (`torch::nn::LinearImpl`, so `MyLin(2, 3)` registers
  /// what `Linear(2, 3)` does) or a user class. Empty when none.
  std::string InheritsConstructorsOf;
  SourceLoc Loc;
  std::vector<Constructor> Constructors;
  std::vector<RegistrationOutsideConstructor> OutsideConstructors;
};

/// Re-extracts a constructor with some parameters bound to known values,
/// while the AST it came from is alive. Extraction with values known is
/// exact where the symbolic graph is not: loops unroll, state carried from
/// one iteration to the next stays known.
class ConstructorSource {
public:
  virtual ~ConstructorSource() = default;
  /// The constructor at CtorIndex of Class, walked with Args bound (the
  /// others symbolic); null when the class is not in this source.
  virtual const Constructor *specialize(const std::string &Class,
                                        size_t CtorIndex,
                                        const Bindings &Args) = 0;
};

/// A `torch::load(model, "path")` call in user code, with what is known of
/// the model's construction in the same function.
struct LoadSite {
  std::string Class;    ///< the loaded model's Impl class
  std::string Variable; ///< the model variable, as written
  /// The path literal's value; or, when the path is not a literal, the
  /// expression as written (`options.weights`), which a project's
  /// loadPaths can map to a file.
  std::string Checkpoint;
  bool PathIsLiteral = true;
  /// A literal Checkpoint resolved against the calling file's directory
  /// when relative; empty for an expression.
  std::string ResolvedPath;
  /// Constructor arguments whose values are constants at the construction,
  /// by parameter name; the others are open.
  Bindings Args;
  SourceLoc Loc;             ///< the torch::load call
  SourceLoc ConstructionLoc; ///< where the model is constructed
};

struct RegistrationGraph {
  std::vector<ModuleClass> Classes;
  /// Free functions that return a module (`Sequential make_discriminator(
  /// int64_t ndf)`, a builder returning a holder or a shared_ptr): models
  /// asked for by --function. Each is a ModuleClass named by the function's
  /// qualified name, with a Constructor per overload whose one
  /// registration is the returned module at the root.
  std::vector<ModuleClass> Functions;
  std::vector<LoadSite> LoadSites;
  /// Set while the AST of these classes is alive; derivation then uses it.
  ConstructorSource *Source = nullptr;
  /// Every file the translation unit read (its source and headers), for
  /// caches of per-unit results; not merged.
  std::vector<std::string> InputFiles;

  /// Finds a class by qualified or unqualified name of the Impl or of its
  /// holder (`Net`, `NetImpl`, `ns::Net`). Returns null when none matches
  /// and sets Ambiguous when several do.
  const ModuleClass *find(const std::string &Name,
                          bool *Ambiguous = nullptr) const;
  /// Finds a function model by qualified or unqualified name.
  const ModuleClass *findFunction(const std::string &Name,
                                  bool *Ambiguous = nullptr) const;
  /// Merges classes from another translation unit; a class seen in several
  /// (a header included twice) is kept once.
  void merge(RegistrationGraph Other);
};

} // namespace torchkc

#endif
