//===- SymExpr.h - Symbolic values of model construction -------*- C++ -*-===//
//
// The value language of the registration graph: what a registered name,
// shape or module argument is, as a tree over the constructor's parameters.
// Extraction builds these trees from Clang's AST; key derivation binds the
// parameters to a configuration and folds them. No Clang types appear here.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_GRAPH_SYMEXPR_H
#define TORCH_KEYCHECK_GRAPH_SYMEXPR_H

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace torchkc {

/// A file's name, copied by reference: every key, module and finding made
/// from one registration carries its location, and a large model has
/// hundreds of thousands of them, all naming a few files.
class FileName {
public:
  FileName() = default;
  FileName(std::string Name)
      : Name(Name.empty()
                 ? nullptr
                 : std::make_shared<const std::string>(std::move(Name))) {}
  FileName(const char *Name) : FileName(std::string(Name)) {}

  const std::string &str() const { return Name ? *Name : none(); }
  operator const std::string &() const { return str(); }
  bool empty() const { return !Name; }

  friend bool operator==(const FileName &A, const FileName &B) {
    return A.Name == B.Name || A.str() == B.str();
  }
  friend bool operator!=(const FileName &A, const FileName &B) {
    return !(A == B);
  }
  friend bool operator<(const FileName &A, const FileName &B) {
    return A.Name != B.Name && A.str() < B.str();
  }

private:
  static const std::string &none();
  std::shared_ptr<const std::string> Name;
};

/// A position in a source file, kept as plain data so that the graph
/// outlives the Clang AST it was read from.
struct SourceLoc {
  FileName File;
  unsigned Line = 0;
  unsigned Column = 0;

  bool valid() const { return Line != 0; }
  std::string str() const;
  /// `file:line:col` with a File below BaseDir shown relative to it, as a
  /// compiler shows the paths it was given; other paths stay absolute.
  std::string str(const std::string &BaseDir) const;
};

struct SymExpr;
using SymExprPtr = std::shared_ptr<const SymExpr>;

/// One node of a symbolic value. Which fields are meaningful depends on Kind.
struct SymExpr {
  enum class Kind {
    Int,         ///< IntVal
    Float,       ///< FloatVal
    Bool,        ///< BoolVal
    String,      ///< Name holds the string
    List,        ///< Args are the elements (braced lists, IntArrayRef, ...)
    Param,       ///< Name is a constructor parameter, bound at derivation
    Unary,       ///< Name is the operator ("-", "!"), Args[0] the operand
    Binary,      ///< Name is the operator, Args[0] and Args[1] the operands
    Conditional, ///< Args = {condition, then, else}
    Call,        ///< Name is a known pure function (to_string, max, min)
    Module,      ///< a module construction: see below
    Options,     ///< Name is the options type; Args positional, Setters
    Tensor,      ///< Name is the factory; Args[0] the shape list, DType
    Repeat,      ///< children added to a container in a loop of unknown
                 ///< count: Name the loop variable, Args = {begin, end,
                 ///< child...} (each iteration adds the children in order)
    Absent,      ///< a container child added only under a condition that
                 ///< turned out false
    Unknown,     ///< cannot be represented; Text says what it was
  };

  Kind K = Kind::Unknown;
  int64_t IntVal = 0;
  double FloatVal = 0;
  bool BoolVal = false;
  std::string Name;
  std::vector<SymExprPtr> Args;
  /// Options setters (`.stride(2)`), in call order; later ones win.
  std::vector<std::pair<std::string, SymExprPtr>> Setters;
  /// For Module: the LibTorch module name ("Linear", "Sequential") when the
  /// class is LibTorch's own, empty for user classes (then Name is the
  /// qualified user class).
  std::string Builtin;
  /// For Tensor: the dtype fixed by the source ("int64"), or empty.
  std::string DType;
  /// The source spelling, for messages and for Unknown.
  std::string Text;
  SourceLoc Loc;

  /// The one-argument <cmath> functions extraction keeps as calls and
  /// folding evaluates (isUnaryMathName): round, floor, ceil, trunc, sqrt, abs, fabs, log2.
  static bool isUnaryMathName(std::string_view Name);

  static SymExprPtr makeInt(int64_t V);
  static SymExprPtr makeFloat(double V);
  static SymExprPtr makeBool(bool V);
  static SymExprPtr makeString(std::string V);
  static SymExprPtr makeParam(std::string Name);
  static SymExprPtr makeUnknown(std::string Text);
  static SymExprPtr makeList(std::vector<SymExprPtr> Elems);
  static SymExprPtr makeUnary(std::string Op, SymExprPtr A);
  static SymExprPtr makeBinary(std::string Op, SymExprPtr A, SymExprPtr B);
  static SymExprPtr makeConditional(SymExprPtr C, SymExprPtr T, SymExprPtr F);
  static SymExprPtr makeCall(std::string Fn, std::vector<SymExprPtr> Args);
  static SymExprPtr makeAbsent();

  bool isConstant() const {
    return K == Kind::Int || K == Kind::Float || K == Kind::Bool ||
           K == Kind::String;
  }
  std::optional<int64_t> asInt() const;
  std::optional<bool> asBool() const;
  std::optional<std::string> asString() const;

  /// C++-like spelling of a (folded) value: `hidden * 2`, `"fc"`, `[3, 3]`.
  std::string str() const;
};

/// Values bound to parameter names during derivation.
using Bindings = std::map<std::string, SymExprPtr>;

/// Substitutes Bindings for Params and folds every operation whose operands
/// are constants. What stays symbolic keeps its shape (`hidden * 2`).
SymExprPtr fold(const SymExprPtr &E, const Bindings &B);

/// Adds the names of the parameters E refers to (sorted, no repeats).
void collectParams(const SymExprPtr &E, std::vector<std::string> &Out);

/// Whether E is, or is built from, a value extraction could not represent
/// (as opposed to one that waits for a configuration).
bool containsUnknown(const SymExprPtr &E);

/// A registered name as users read it: `fc`, or, for a name built from a
/// loop variable, a pattern: `"layer" + to_string(i + 1)` is `layer{i + 1}`.
std::string namePattern(const SymExprPtr &Name);

/// Parses a `--define` value: integers, floats, true/false, a list
/// (`[2, 2]`), a JSON object (`{"layers": [2, 2]}`, a record), else a
/// string.
SymExprPtr parseDefineValue(const std::string &Text);

/// The value of a JSON text (a configuration written in the source, as
/// `R"({...})"_json` or `json::parse("...")`): objects are records, arrays
/// lists, numbers, strings and booleans themselves, null unknown. Null
/// when the text is not JSON, or nests or holds more than an analysis
/// follows (64 levels, 100,000 values).
SymExprPtr parseJsonValue(const std::string &Text);

/// The same for a JSON value already parsed (a define in a configurations
/// file): null when it nests or holds more than the bounds above.
SymExprPtr jsonToSymExpr(const nlohmann::json &J);

} // namespace torchkc

#endif
