//===- SymExpr.cpp - Folding and spelling symbolic values -----------------===//
#include "torch-keycheck/graph/SymExpr.h"

#include "torch-keycheck/support/Json.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace torchkc {

const std::string &FileName::none() {
  static const std::string None;
  return None;
}

std::string SourceLoc::str() const {
  return File.str() + ":" + std::to_string(Line) + ":" + std::to_string(Column);
}

std::string SourceLoc::str(const std::string &BaseDir) const {
  std::string S = str();
  if (!BaseDir.empty() && S.compare(0, BaseDir.size() + 1, BaseDir + "/") == 0)
    return S.substr(BaseDir.size() + 1);
  return S;
}

static std::shared_ptr<SymExpr> node(SymExpr::Kind K) {
  auto E = std::make_shared<SymExpr>();
  E->K = K;
  return E;
}

SymExprPtr SymExpr::makeInt(int64_t V) {
  auto E = node(Kind::Int);
  E->IntVal = V;
  return E;
}
SymExprPtr SymExpr::makeFloat(double V) {
  auto E = node(Kind::Float);
  E->FloatVal = V;
  return E;
}
SymExprPtr SymExpr::makeBool(bool V) {
  auto E = node(Kind::Bool);
  E->BoolVal = V;
  return E;
}
SymExprPtr SymExpr::makeString(std::string V) {
  auto E = node(Kind::String);
  E->Name = std::move(V);
  return E;
}
SymExprPtr SymExpr::makeParam(std::string Name) {
  auto E = node(Kind::Param);
  E->Name = std::move(Name);
  return E;
}
SymExprPtr SymExpr::makeUnknown(std::string Text) {
  auto E = node(Kind::Unknown);
  E->Text = std::move(Text);
  return E;
}
SymExprPtr SymExpr::makeList(std::vector<SymExprPtr> Elems) {
  auto E = node(Kind::List);
  E->Args = std::move(Elems);
  return E;
}
SymExprPtr SymExpr::makeUnary(std::string Op, SymExprPtr A) {
  auto E = node(Kind::Unary);
  E->Name = std::move(Op);
  E->Args = {std::move(A)};
  return E;
}
SymExprPtr SymExpr::makeBinary(std::string Op, SymExprPtr A, SymExprPtr B) {
  auto E = node(Kind::Binary);
  E->Name = std::move(Op);
  E->Args = {std::move(A), std::move(B)};
  return E;
}
SymExprPtr SymExpr::makeConditional(SymExprPtr C, SymExprPtr T, SymExprPtr F) {
  auto E = node(Kind::Conditional);
  E->Args = {std::move(C), std::move(T), std::move(F)};
  return E;
}
SymExprPtr SymExpr::makeCall(std::string Fn, std::vector<SymExprPtr> Args) {
  auto E = node(Kind::Call);
  E->Name = std::move(Fn);
  E->Args = std::move(Args);
  return E;
}

SymExprPtr SymExpr::makeAbsent() { return node(Kind::Absent); }

std::optional<int64_t> SymExpr::asInt() const {
  if (K == Kind::Int)
    return IntVal;
  if (K == Kind::Bool)
    return BoolVal ? 1 : 0;
  // A whole float converts only inside int64_t's range (-2^63 <= v < 2^63);
  // outside it the conversion is undefined (a define of 1.3e23).
  if (K == Kind::Float && FloatVal == std::floor(FloatVal) &&
      FloatVal >= -9223372036854775808.0 && FloatVal < 9223372036854775808.0)
    return static_cast<int64_t>(FloatVal);
  return std::nullopt;
}

std::optional<bool> SymExpr::asBool() const {
  if (K == Kind::Bool)
    return BoolVal;
  if (K == Kind::Int)
    return IntVal != 0;
  if (K == Kind::Float)
    return FloatVal != 0;
  return std::nullopt;
}

std::optional<std::string> SymExpr::asString() const {
  if (K == Kind::String)
    return Name;
  return std::nullopt;
}

static std::string quote(const std::string &S) {
  std::string R = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      R += '\\';
    R += C;
  }
  return R + "\"";
}

static std::string operand(const SymExprPtr &E) {
  if (E->K == SymExpr::Kind::Binary || E->K == SymExpr::Kind::Conditional)
    return "(" + E->str() + ")";
  return E->str();
}

std::string SymExpr::str() const {
  switch (K) {
  case Kind::Int:
    return std::to_string(IntVal);
  case Kind::Float: {
    std::ostringstream OS;
    OS << FloatVal;
    return OS.str();
  }
  case Kind::Bool:
    return BoolVal ? "true" : "false";
  case Kind::String:
    return quote(Name);
  case Kind::List: {
    std::string R = "[";
    for (size_t I = 0; I < Args.size(); ++I)
      R += (I ? ", " : "") + Args[I]->str();
    return R + "]";
  }
  case Kind::Param:
    return Name;
  case Kind::Unary:
    return Name + operand(Args[0]);
  case Kind::Binary:
    return operand(Args[0]) + " " + Name + " " + operand(Args[1]);
  case Kind::Conditional:
    return operand(Args[0]) + " ? " + operand(Args[1]) + " : " +
           operand(Args[2]);
  case Kind::Call:
    // A struct's field, or a JSON object's member (`params[name]`, with
    // a value's default when read by `value(key, default)`).
    if (Name == "field" && (Args.size() == 3 || Args.size() == 4)) {
      if (Args[2]->K != Kind::String)
        return operand(Args[0]) + "[" + Args[2]->str() + "]";
      return operand(Args[0]) + "." + Args[2]->Name;
    }
    if (Name == "record") {
      // `config{hidden=8, layers=2}`: every field given, so that two
      // records print (and specialize) alike only when they are alike.
      std::string R = Text + "{";
      for (size_t I = 0; I < Args.size(); ++I)
        if (Args[I]->Args.size() == 2)
          R += (I ? ", " : "") + Args[I]->Args[0]->Name + "=" +
               Args[I]->Args[1]->str();
      return R + "}";
    }
    [[fallthrough]];
  case Kind::Module:
  case Kind::Options:
  case Kind::Tensor: {
    if (!Text.empty())
      return Text;
    std::string R =
        (K == Kind::Module && !Builtin.empty() ? Builtin : Name) + "(";
    for (size_t I = 0; I < Args.size(); ++I)
      R += (I ? ", " : "") + Args[I]->str();
    R += ")";
    for (const auto &S : Setters)
      R += "." + S.first + "(" + S.second->str() + ")";
    return R;
  }
  case Kind::Unknown:
    return Text.empty() ? "<unknown>" : Text;
  }
  return "<unknown>";
}

/// Op on two known numbers, or null when it does not apply (division by
/// zero, shifts out of range, operators numbers do not have).
template <typename T>
static SymExprPtr applyNumeric(const std::string &Op, T X, T Y) {
  auto Num = [](T V) {
    if constexpr (std::is_integral_v<T>)
      return SymExpr::makeInt(V);
    else
      return SymExpr::makeFloat(V);
  };
  if constexpr (std::is_integral_v<T>) {
    // What C++ leaves undefined (a result int64_t cannot hold) is not
    // wrapped round into a plausible size: it stays an expression saying
    // so, at the key that uses it.
    auto Overflow = [&] {
      return SymExpr::makeUnknown("'" + std::to_string(X) + " " + Op + " " +
                                  std::to_string(Y) + "' overflows int64_t");
    };
    T R;
    if (Op == "+")
      return __builtin_add_overflow(X, Y, &R) ? Overflow() : Num(R);
    if (Op == "-")
      return __builtin_sub_overflow(X, Y, &R) ? Overflow() : Num(R);
    if (Op == "*")
      return __builtin_mul_overflow(X, Y, &R) ? Overflow() : Num(R);
    if ((Op == "/" || Op == "%") && Y != 0) {
      if (X == std::numeric_limits<T>::min() && Y == -1)
        return Overflow();
      return Num(Op == "/" ? X / Y : X % Y);
    }
    if (Op == "<<" && Y >= 0 && Y < 63) {
      if (X < 0 || X > (std::numeric_limits<T>::max() >> Y))
        return Overflow();
      return Num(X << Y);
    }
    if (Op == ">>" && Y >= 0 && Y < 63)
      return Num(X >> Y);
  } else {
    auto Finite = [&](double R) {
      if (!std::isfinite(R))
        return SymExpr::makeUnknown("'" + SymExpr::makeFloat(X)->str() + " " +
                                    Op + " " + SymExpr::makeFloat(Y)->str() +
                                    "' is not a finite number");
      return Num(R);
    };
    if (Op == "+")
      return Finite(X + Y);
    if (Op == "-")
      return Finite(X - Y);
    if (Op == "*")
      return Finite(X * Y);
    if (Op == "/" && Y != 0)
      return Finite(X / Y);
  }
  if (Op == "<")
    return SymExpr::makeBool(X < Y);
  if (Op == ">")
    return SymExpr::makeBool(X > Y);
  if (Op == "<=")
    return SymExpr::makeBool(X <= Y);
  if (Op == ">=")
    return SymExpr::makeBool(X >= Y);
  if (Op == "==")
    return SymExpr::makeBool(X == Y);
  if (Op == "!=")
    return SymExpr::makeBool(X != Y);
  return nullptr;
}

static SymExprPtr foldBinary(const std::string &Op, const SymExprPtr &A,
                             const SymExprPtr &B) {
  // Short-circuit logic decides even when one side stays symbolic.
  if (Op == "&&" || Op == "||") {
    auto BA = A->asBool(), BB = B->asBool();
    bool IsAnd = Op == "&&";
    if ((BA && *BA != IsAnd) || (BB && *BB != IsAnd))
      return SymExpr::makeBool(!IsAnd);
    if (BA && BB)
      return SymExpr::makeBool(IsAnd);
    if (BA)
      return B;
    if (BB)
      return A;
    return SymExpr::makeBinary(Op, A, B);
  }
  if (A->K == SymExpr::Kind::String || B->K == SymExpr::Kind::String) {
    auto SA = A->asString(), SB = B->asString();
    if (Op == "+" && SA && SB)
      return SymExpr::makeString(*SA + *SB);
    if ((Op == "==" || Op == "!=") && SA && SB)
      return SymExpr::makeBool((*SA == *SB) == (Op == "=="));
    return SymExpr::makeBinary(Op, A, B);
  }
  bool Floating = A->K == SymExpr::Kind::Float || B->K == SymExpr::Kind::Float;
  if (!Floating) {
    auto IA = A->asInt(), IB = B->asInt();
    if (IA && IB)
      if (SymExprPtr R = applyNumeric<int64_t>(Op, *IA, *IB))
        return R;
  } else if (A->isConstant() && B->isConstant()) {
    double X = A->K == SymExpr::Kind::Float ? A->FloatVal : double(*A->asInt());
    double Y = B->K == SymExpr::Kind::Float ? B->FloatVal : double(*B->asInt());
    if (SymExprPtr R = applyNumeric<double>(Op, X, Y))
      return R;
  }
  // A parameter compared with itself: `in != out` in a block built with
  // both from `width` is never true, whatever width is.
  if (A->K == SymExpr::Kind::Param && B->K == SymExpr::Kind::Param &&
      A->Name == B->Name) {
    if (Op == "==" || Op == "<=" || Op == ">=")
      return SymExpr::makeBool(true);
    if (Op == "!=" || Op == "<" || Op == ">")
      return SymExpr::makeBool(false);
  }
  // Algebraic identities keep symbolic shapes readable (`h * 1` is `h`).
  if (Op == "*" && A->asInt() == 1 && A->K == SymExpr::Kind::Int)
    return B;
  if ((Op == "*" || Op == "/") && B->asInt() == 1 && B->K == SymExpr::Kind::Int)
    return A;
  if ((Op == "+" || Op == "-") && B->asInt() == 0 && B->K == SymExpr::Kind::Int)
    return A;
  if (Op == "+" && A->asInt() == 0 && A->K == SymExpr::Kind::Int)
    return B;
  return SymExpr::makeBinary(Op, A, B);
}

static SymExprPtr foldUnary(const SymExpr &E, const Bindings &B) {
  SymExprPtr A = fold(E.Args[0], B);
  if (E.Name == "!") {
    if (auto V = A->asBool())
      return SymExpr::makeBool(!*V);
    if (A->K == SymExpr::Kind::Unary && A->Name == "!")
      return A->Args[0];
  } else if (E.Name == "-") {
    if (A->K == SymExpr::Kind::Int && A->IntVal != INT64_MIN)
      return SymExpr::makeInt(-A->IntVal);
    if (A->K == SymExpr::Kind::Float)
      return SymExpr::makeFloat(-A->FloatVal);
  } else if (E.Name == "+") {
    return A;
  }
  return SymExpr::makeUnary(E.Name, A);
}

static SymExprPtr foldConditional(const SymExpr &E, const Bindings &B) {
  SymExprPtr C = fold(E.Args[0], B);
  if (auto V = C->asBool())
    return fold(E.Args[*V ? 1 : 2], B);
  SymExprPtr T = fold(E.Args[1], B), F = fold(E.Args[2], B);
  // Read as written: `!c ? a : b` is `c ? b : a`, and a branch that tests
  // the same condition again takes the same side.
  if (C->K == SymExpr::Kind::Unary && C->Name == "!") {
    C = C->Args[0];
    std::swap(T, F);
  }
  std::string Cs = C->str();
  if (T->K == SymExpr::Kind::Conditional && T->Args[0]->str() == Cs)
    T = T->Args[1];
  if (F->K == SymExpr::Kind::Conditional && F->Args[0]->str() == Cs)
    F = F->Args[2];
  if (T->str() == F->str())
    return T;
  return SymExpr::makeConditional(C, T, F);
}

/// A number's value as a double, for the functions of doubles.
static std::optional<double> asNumber(const SymExpr &E) {
  if (E.K == SymExpr::Kind::Int)
    return double(E.IntVal);
  if (E.K == SymExpr::Kind::Float)
    return E.FloatVal;
  return std::nullopt;
}

bool SymExpr::isUnaryMathName(std::string_view Name) {
  for (std::string_view N :
       {"round", "floor", "ceil", "trunc", "sqrt", "abs", "fabs", "log2"})
    if (Name == N)
      return true;
  return false;
}

/// One of the isUnaryMathName() functions applied to a number: an integer stays one for
/// abs, everything else is a double as <cmath> gives it. Nothing for a
/// domain error (sqrt of a negative), which the program would not want.
static SymExprPtr applyUnaryMath(std::string_view Name, double X) {
  double R;
  if (Name == "round")
    R = std::round(X);
  else if (Name == "floor")
    R = std::floor(X);
  else if (Name == "ceil")
    R = std::ceil(X);
  else if (Name == "trunc")
    R = std::trunc(X);
  else if (Name == "sqrt" && X >= 0)
    R = std::sqrt(X);
  else if (Name == "abs" || Name == "fabs")
    R = std::fabs(X);
  else if (Name == "log2" && X > 0)
    R = std::log2(X);
  else
    return nullptr;
  if (!std::isfinite(R))
    return nullptr;
  return SymExpr::makeFloat(R);
}

/// A struct field named by its path (`config.hiddenSize`) when the struct
/// is bound: its value in the record a caller or the defines give, or the
/// field of the parameter the struct is bound to. E itself otherwise.
static SymExprPtr fieldOfBinding(const SymExprPtr &E, const Bindings &B) {
  const std::string &Path = E->Name;
  size_t Dot = Path.find('.');
  if (Dot == std::string::npos)
    return E;
  auto It = B.find(Path.substr(0, Dot));
  if (It == B.end())
    return E;
  SymExprPtr V = It->second;
  while (Dot != std::string::npos) {
    size_t Next = Path.find('.', Dot + 1);
    std::string Field = Path.substr(
        Dot + 1, Next == std::string::npos ? std::string::npos : Next - Dot - 1);
    if (V->K == SymExpr::Kind::Param) {
      // The whole rest of the path, under the bound parameter's name.
      if (V->Name == Path.substr(0, Dot))
        return E;
      return SymExpr::makeParam(V->Name + Path.substr(Dot));
    }
    if (V->K != SymExpr::Kind::Call || V->Name != "record")
      return E;
    SymExprPtr Found;
    for (const SymExprPtr &P : V->Args)
      if (P->K == SymExpr::Kind::List && P->Args.size() == 2 &&
          P->Args[0]->Name == Field)
        Found = P->Args[1];
    if (!Found)
      return SymExpr::makeParam(V->Text + Path.substr(Dot));
    V = Found;
    Dot = Next;
  }
  return V;
}

/// The pure functions extraction knows: to_string, size, at, max, min,
/// pow (a double, as std::pow gives), int (a conversion that truncates),
/// sum (std::accumulate over a table)
/// and the unary <cmath> functions of isUnaryMathName().
static SymExprPtr foldCall(const SymExpr &E, const Bindings &B) {
  std::vector<SymExprPtr> Args;
  for (const auto &A : E.Args)
    Args.push_back(fold(A, B));
  if (E.Name == "to_string" && Args.size() == 1) {
    if (Args[0]->K == SymExpr::Kind::Int)
      return SymExpr::makeString(std::to_string(Args[0]->IntVal));
  } else if (E.Name == "size" && Args.size() == 1) {
    if (Args[0]->K == SymExpr::Kind::List)
      return SymExpr::makeInt(int64_t(Args[0]->Args.size()));
  } else if (E.Name == "at" && Args.size() == 2 &&
             Args[0]->K == SymExpr::Kind::Call && Args[0]->Name == "map") {
    // A map looks its key up; a key it lacks stays an expression.
    const SymExprPtr &Key = Args[1];
    bool Known = Key->K == SymExpr::Kind::Int ||
                 Key->K == SymExpr::Kind::String ||
                 Key->K == SymExpr::Kind::Bool;
    for (const SymExprPtr &P : Args[0]->Args)
      if (Known && P->K == SymExpr::Kind::List && P->Args.size() == 2 &&
          P->Args[0]->K == Key->K && P->Args[0]->str() == Key->str())
        return P->Args[1];
  } else if (E.Name == "field" && (Args.size() == 3 || Args.size() == 4)) {
    // A struct's field (`config.hiddenSize`): its value in a braced row,
    // its define in a record, else a parameter named by its path. A JSON
    // member (`params[name]["layers"]`, index -1) is looked up once its
    // key is known; a record from a JSON literal lacking it has none, a
    // `value(key, default)` read gives the default.
    auto I = Args[1]->asInt();
    if (Args[2]->K != SymExpr::Kind::String)
      return SymExpr::makeCall(E.Name, std::move(Args));
    const std::string &Field = Args[2]->Name;
    if (Args[0]->K == SymExpr::Kind::List && I && *I >= 0 &&
        size_t(*I) < Args[0]->Args.size())
      return Args[0]->Args[size_t(*I)];
    if (Args[0]->K == SymExpr::Kind::Call && Args[0]->Name == "record") {
      for (const SymExprPtr &P : Args[0]->Args)
        if (P->K == SymExpr::Kind::List && P->Args.size() == 2 &&
            P->Args[0]->K == SymExpr::Kind::String &&
            P->Args[0]->Name == Field)
          return P->Args[1];
      if (Args.size() == 4)
        return Args[3];
      if (Args[0]->Text.empty())
        return SymExpr::makeUnknown(Args[0]->str() + "." + Field);
      return SymExpr::makeParam(Args[0]->Text + "." + Field);
    }
    if (Args[0]->K == SymExpr::Kind::Param)
      return SymExpr::makeParam(Args[0]->Name + "." + Field);
  } else if (E.Name == "at" && Args.size() == 2) {
    auto I = Args[1]->asInt();
    if (Args[0]->K == SymExpr::Kind::List && I && *I >= 0 &&
        size_t(*I) < Args[0]->Args.size())
      return Args[0]->Args[size_t(*I)];
  } else if (E.Name == "sum" && Args.size() == 2 &&
             Args[0]->K == SymExpr::Kind::List) {
    // std::accumulate over a table: the accumulator keeps the type of
    // its initial value, as `init = init + x` does at every step.
    std::optional<int64_t> IntSum;
    if (Args[1]->K == SymExpr::Kind::Int)
      IntSum = Args[1]->IntVal;
    std::optional<double> Sum = asNumber(*Args[1]);
    for (const SymExprPtr &X : Args[0]->Args) {
      std::optional<double> V = asNumber(*X);
      if (!V || !Sum)
        return SymExpr::makeCall(E.Name, std::move(Args));
      if (IntSum) {
        std::optional<int64_t> I = X->asInt();
        double Next = double(*IntSum) + *V;
        if (I ? __builtin_add_overflow(*IntSum, *I, &*IntSum)
              : !(std::fabs(Next) < 9.2e18))
          return SymExpr::makeCall(E.Name, std::move(Args));
        if (!I)
          IntSum = int64_t(Next);
      } else {
        *Sum += *V;
      }
    }
    if (IntSum)
      return SymExpr::makeInt(*IntSum);
    if (Sum && std::isfinite(*Sum))
      return SymExpr::makeFloat(*Sum);
  } else if (E.Name == "pow" && Args.size() == 2) {
    auto X = asNumber(*Args[0]), Y = asNumber(*Args[1]);
    if (X && Y)
      return SymExpr::makeFloat(std::pow(*X, *Y));
  } else if (E.Name == "int" && Args.size() == 1) {
    auto X = asNumber(*Args[0]);
    if (X && std::isfinite(*X) && std::fabs(*X) < 9.2e18)
      return SymExpr::makeInt(int64_t(*X));
  } else if ((E.Name == "max" || E.Name == "min") && Args.size() == 2) {
    bool Max = E.Name == "max";
    if (auto X = Args[0]->asInt(), Y = Args[1]->asInt(); X && Y)
      return SymExpr::makeInt(Max ? std::max(*X, *Y) : std::min(*X, *Y));
    // std::max(1.0f, width) and the like: both operands of one type.
    if (auto X = asNumber(*Args[0]), Y = asNumber(*Args[1]); X && Y)
      return SymExpr::makeFloat(Max ? std::max(*X, *Y) : std::min(*X, *Y));
  } else if (Args.size() == 1 && SymExpr::isUnaryMathName(E.Name)) {
    if (auto I = Args[0]->asInt(); I && E.Name == "abs" && *I != INT64_MIN)
      return SymExpr::makeInt(*I < 0 ? -*I : *I);
    if (auto X = asNumber(*Args[0]))
      if (auto R = applyUnaryMath(E.Name, *X))
        return R;
  }
  if (E.Name == "record") {
    // A record keeps its path (`params.big`): members it lacks are named
    // by it.
    auto R = std::make_shared<SymExpr>(E);
    R->Args = std::move(Args);
    return R;
  }
  return SymExpr::makeCall(E.Name, std::move(Args));
}

/// Lists, modules, options, tensors, repeats: their parts folded, the node
/// copied only when a part changes (most shapes and module arguments are
/// constants already, and derivation folds every one of them).
static SymExprPtr foldParts(const SymExprPtr &E, const Bindings &B) {
  std::shared_ptr<SymExpr> R;
  auto Copy = [&]() -> SymExpr & {
    if (!R)
      R = std::make_shared<SymExpr>(*E);
    return *R;
  };
  for (size_t I = 0; I < E->Args.size(); ++I)
    if (SymExprPtr F = fold(E->Args[I], B); F != E->Args[I])
      Copy().Args[I] = std::move(F);
  for (size_t I = 0; I < E->Setters.size(); ++I)
    if (SymExprPtr F = fold(E->Setters[I].second, B);
        F != E->Setters[I].second)
      Copy().Setters[I].second = std::move(F);
  return R ? SymExprPtr(R) : E;
}

SymExprPtr fold(const SymExprPtr &E, const Bindings &B) {
  if (!E)
    return E;
  switch (E->K) {
  case SymExpr::Kind::Int:
  case SymExpr::Kind::Float:
  case SymExpr::Kind::Bool:
  case SymExpr::Kind::String:
  case SymExpr::Kind::Unknown:
  case SymExpr::Kind::Absent:
    return E;
  case SymExpr::Kind::Param: {
    auto It = B.find(E->Name);
    if (It == B.end())
      return fieldOfBinding(E, B);
    // A parameter bound to itself (symbolic derivation) stays this node,
    // so that what contains it need not be copied.
    const SymExpr &V = *It->second;
    return V.K == SymExpr::Kind::Param && V.Name == E->Name ? E : It->second;
  }
  case SymExpr::Kind::Unary:
    return foldUnary(*E, B);
  case SymExpr::Kind::Binary:
    return foldBinary(E->Name, fold(E->Args[0], B), fold(E->Args[1], B));
  case SymExpr::Kind::Conditional:
    return foldConditional(*E, B);
  case SymExpr::Kind::Call:
    return foldCall(*E, B);
  case SymExpr::Kind::List:
  case SymExpr::Kind::Module:
  case SymExpr::Kind::Options:
  case SymExpr::Kind::Tensor:
  case SymExpr::Kind::Repeat:
    return foldParts(E, B);
  }
  return E;
}

std::string namePattern(const SymExprPtr &E) {
  if (auto S = E->asString())
    return *S;
  if (E->K == SymExpr::Kind::Binary && E->Name == "+")
    return namePattern(E->Args[0]) + namePattern(E->Args[1]);
  if (E->K == SymExpr::Kind::Call && E->Name == "to_string" &&
      E->Args.size() == 1)
    return "{" + E->Args[0]->str() + "}";
  return "{" + E->str() + "}";
}

void collectParams(const SymExprPtr &E, std::vector<std::string> &Out) {
  if (!E)
    return;
  if (E->K == SymExpr::Kind::Param) {
    auto It = std::lower_bound(Out.begin(), Out.end(), E->Name);
    if (It == Out.end() || *It != E->Name)
      Out.insert(It, E->Name);
    return;
  }
  for (const auto &A : E->Args)
    collectParams(A, Out);
  for (const auto &S : E->Setters)
    collectParams(S.second, Out);
}

namespace {

/// Converts a parsed JSON value, counting what it converts against the
/// bounds parseJsonValue states.
struct JsonConverter {
  size_t Values = 0;
  bool TooBig = false;

  SymExprPtr convert(const nlohmann::json &J, int Depth) {
    if (++Values > 100000 || Depth > 64) {
      TooBig = true;
      return SymExpr::makeUnknown("json");
    }
    switch (J.type()) {
    case nlohmann::json::value_t::object: {
      auto R = std::make_shared<SymExpr>();
      R->K = SymExpr::Kind::Call;
      R->Name = "record";
      for (const auto &[Key, Value] : J.items())
        R->Args.push_back(SymExpr::makeList(
            {SymExpr::makeString(Key), convert(Value, Depth + 1)}));
      return R;
    }
    case nlohmann::json::value_t::array: {
      std::vector<SymExprPtr> Elems;
      for (const auto &Value : J)
        Elems.push_back(convert(Value, Depth + 1));
      return SymExpr::makeList(std::move(Elems));
    }
    case nlohmann::json::value_t::string:
      return SymExpr::makeString(J.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return SymExpr::makeBool(J.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return SymExpr::makeInt(J.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t U = J.get<uint64_t>();
      if (U > uint64_t(INT64_MAX))
        return SymExpr::makeUnknown(std::to_string(U));
      return SymExpr::makeInt(int64_t(U));
    }
    case nlohmann::json::value_t::number_float:
      return SymExpr::makeFloat(J.get<double>());
    default:
      return SymExpr::makeUnknown("null");
    }
  }
};

} // namespace

SymExprPtr parseJsonValue(const std::string &Text) {
  if (Text.size() > (16u << 20) || !jsonDepthProblem(Text, 64).empty())
    return nullptr;
  nlohmann::json J = nlohmann::json::parse(Text, nullptr,
                                           /*allow_exceptions=*/false);
  if (J.is_discarded())
    return nullptr;
  return jsonToSymExpr(J);
}

SymExprPtr jsonToSymExpr(const nlohmann::json &J) {
  JsonConverter C;
  SymExprPtr R = C.convert(J, 0);
  return C.TooBig ? nullptr : R;
}

SymExprPtr parseDefineValue(const std::string &Text) {
  // `{"layers": [2, 2]}`: a JSON object, for nlohmann::json parameters.
  if (Text.size() >= 2 && Text.front() == '{' && Text.back() == '}')
    if (SymExprPtr J = parseJsonValue(Text))
      return J;
  // `[2, 2, 2, 2]`: a list, for std::vector parameters.
  if (Text.size() >= 2 && Text.front() == '[' && Text.back() == ']') {
    std::vector<SymExprPtr> Elems;
    std::string Inner = Text.substr(1, Text.size() - 2);
    size_t Start = 0;
    while (Start <= Inner.size() &&
           Inner.find_first_not_of(" ", Start) != std::string::npos) {
      size_t Comma = Inner.find(',', Start);
      std::string Item =
          Inner.substr(Start, Comma == std::string::npos ? std::string::npos
                                                         : Comma - Start);
      size_t B = Item.find_first_not_of(" "), E = Item.find_last_not_of(" ");
      Elems.push_back(parseDefineValue(
          B == std::string::npos ? "" : Item.substr(B, E - B + 1)));
      if (Comma == std::string::npos)
        break;
      Start = Comma + 1;
    }
    auto R = std::make_shared<SymExpr>(*SymExpr::makeList(std::move(Elems)));
    R->Text = Text; // as written, for messages
    return R;
  }
  // `'A'`: a character, for char parameters (`ResNet(char version)`).
  if (Text.size() == 3 && Text.front() == '\'' && Text.back() == '\'')
    return SymExpr::makeInt(Text[1]);
  if (Text == "true")
    return SymExpr::makeBool(true);
  if (Text == "false")
    return SymExpr::makeBool(false);
  if (!Text.empty() && !std::isspace(static_cast<unsigned char>(Text[0]))) {
    // A whole number int64_t cannot hold is not clamped to its limit:
    // it reads as the (large) floating value it is, which a parameter's
    // type then refuses.
    char *End = nullptr;
    errno = 0;
    long long I = std::strtoll(Text.c_str(), &End, 0);
    // The text is kept: a string parameter given `18` is "18".
    auto Spelled = [&](SymExprPtr V) {
      auto R = std::make_shared<SymExpr>(*V);
      R->Text = Text;
      return SymExprPtr(R);
    };
    if (*End == '\0' && errno != ERANGE)
      return Spelled(SymExpr::makeInt(I));
    errno = 0;
    double D = std::strtod(Text.c_str(), &End);
    if (*End == '\0')
      return Spelled(SymExpr::makeFloat(D)); // inf for 1e999: refused by type
  }
  return SymExpr::makeString(Text);
}

bool containsUnknown(const SymExprPtr &E) {
  if (!E || E->K == SymExpr::Kind::Unknown)
    return true;
  for (const SymExprPtr &A : E->Args)
    if (containsUnknown(A))
      return true;
  return false;
}

} // namespace torchkc
