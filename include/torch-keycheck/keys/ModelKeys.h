//===- ModelKeys.h - Keys a configured model produces -----------*- C++ -*-===//
//
// Binds a class's registration graph to a configuration (constructor
// arguments from defaults and --define values), expands nested user modules
// and LibTorch built-ins, and lists the keys in the order LibTorch's
// named_parameters() then named_buffers() yield them.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_KEYS_MODELKEYS_H
#define TORCH_KEYCHECK_KEYS_MODELKEYS_H

#include "torch-keycheck/graph/RegistrationGraph.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torchkc {

/// One dimension: an exact size, or the symbolic expression it depends on.
struct Dim {
  std::optional<int64_t> Value;
  std::string Symbol;
  std::string str() const { return Value ? std::to_string(*Value) : Symbol; }
  bool operator==(const Dim &O) const {
    return Value == O.Value && Symbol == O.Symbol;
  }
};

/// `[out, 4]`: the dimensions, symbolic ones by their expression.
std::string shapeText(const std::vector<Dim> &Shape);

/// Conditions under which keys exist.
struct KeyConditions {
  /// Each condition's source spelling (`use_aux_head`, or
  /// `for i in [0, depth)` for a loop of unknown count).
  std::vector<std::string> Text;
  /// What each condition tests, folded over the configuration: a boolean
  /// expression over the knobs, or `[begin, end)` for a loop of unknown
  /// count. The solver evaluates them to read knobs off a checkpoint.
  std::vector<SymExprPtr> Values;
  /// The constructor parameters (of the analysed class) those conditions
  /// and any loop count in them depend on: the configuration knobs that
  /// decide whether the key exists. Sorted.
  std::vector<std::string> DependsOn;
};

struct Key {
  enum class Kind { Parameter, Buffer };
  std::string Name;
  Kind K = Kind::Parameter;
  std::optional<std::vector<Dim>> Shape; ///< nullopt: not known statically
  std::string DType;                     ///< torch spelling, or empty
  SourceLoc Loc; ///< the user registration this key comes from
  /// The name literal of that registration when the key is its own tensor
  /// (register_parameter/register_buffer), for fix-its; Length 0 if none.
  SourceLoc NameLoc;
  unsigned NameLength = 0;
  std::string Origin; ///< `Linear`, `register_buffer`, ...
  /// The conditions under which the key exists; null when it always does
  /// in this configuration. Keys made under the same conditions share them.
  std::shared_ptr<const KeyConditions> When;

  /// The conditions' source spellings (empty when unconditional).
  const std::vector<std::string> &conditions() const;
  /// The knobs the key's existence depends on (empty when unconditional).
  const std::vector<std::string> &dependsOn() const;
};

/// A submodule of the model: its dotted path, what it is, and where it is
/// registered (or added to its container).
struct ModuleInstance {
  std::string Path; ///< `layer1.0.conv1`
  std::string Origin;
  SourceLoc Loc;
  /// The registered name's string literal, when it is one (NameLength > 0).
  SourceLoc NameLoc;
  unsigned NameLength = 0;
};

struct Configuration {
  std::string Name; ///< optional label (`small`, `oracle-3`)
  Bindings Defines; ///< constructor parameter -> value
  /// The constructor to build with (an index into the class's), when the
  /// defines alone do not choose (`NetImpl()` beside `NetImpl(Config
  /// const &)`, with no define given); -1: the one the defines choose.
  int Constructor = -1;
};

struct ModelKeys {
  /// The model class, or the function of a function model.
  std::string Class;
  bool Function = false; ///< a function model (--function), not a class
  SourceLoc Loc;
  Configuration Config;
  std::vector<Key> Keys;
  /// Every submodule, parents before their children, in registration order.
  std::vector<ModuleInstance> Modules;
  /// Why some keys may be missing or imprecise, each at its location.
  std::vector<std::pair<SourceLoc, std::string>> Unresolved;
  /// Module classes whose constructors the keys need but whose definitions
  /// the graph derived from lacks (another translation unit's); sorted.
  std::vector<std::string> Undefined;
  /// Defines that name no parameter of the chosen constructor.
  std::vector<std::string> UnusedDefines;
  /// Defines whose values the parameter's type cannot take, each a
  /// sentence naming the define and why (`define 'x=2.5': 'x' is int64_t:
  /// give a whole number`).
  std::vector<std::string> InvalidDefines;
  /// Every parameter some key depends on: the knobs that change which keys
  /// the checkpoint has. Sorted.
  std::vector<std::string> Knobs;
};

/// Derives the keys of Class under Config. Parameters without a define or
/// a default stay symbolic.
/// Why the value V cannot be given to parameter P (or to its field at
/// Path, for a define of a struct's field: `config.hiddenSize`), or empty
/// when it can: the define's value checked against the parameter's type
/// (a whole number in the type's range for integers, a finite number for
/// floating point, true/false for bool, an enumerator for an enum, a list
/// of numbers for a std::vector, a field the struct has).
std::string defineProblem(const ConstructorParam &P, const std::string &Define,
                          const SymExprPtr &V);

ModelKeys deriveKeys(const RegistrationGraph &G, const ModuleClass &Class,
                     const Configuration &Config);

/// Derives M again from Linked, the classes of every translation unit
/// merged, when M's own unit lacked some constructor's definition (a
/// parent in a.cpp, its child's constructor in b.cpp). Keeps the result
/// when it needs fewer missing definitions; says whether it did.
bool linkAcrossUnits(const RegistrationGraph &Linked, ModelKeys &M);

} // namespace torchkc

#endif
