// libFuzzer target: `--define` values as a user (or a configurations file)
// writes them, parsed by parseDefineValue, then folded in the expressions
// shapes are made of (x * 4, x + y, x / y, x % y, -x, x << y, lists and
// conditionals) with checked arithmetic: no undefined behaviour, no crash,
// whatever the text.
#include "torch-keycheck/graph/SymExpr.h"

#include <cstdint>
#include <string>

using namespace torchkc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Text(reinterpret_cast<const char *>(Data), Size);
  size_t Split = Text.find('\n');
  std::string X = Text.substr(0, Split);
  std::string Y = Split == std::string::npos ? "3" : Text.substr(Split + 1);
  SymExprPtr VX = parseDefineValue(X), VY = parseDefineValue(Y);
  if (!VX || !VY)
    return 0;
  Bindings B = {{"x", VX}, {"y", VY}};
  SymExprPtr PX = SymExpr::makeParam("x"), PY = SymExpr::makeParam("y");
  for (const char *Op : {"+", "-", "*", "/", "%", "<<", ">>", "<", "==", "&&",
                         "||", "&", "|", "^"}) {
    fold(SymExpr::makeBinary(Op, PX, PY), B)->str();
    fold(SymExpr::makeBinary(Op, PX, SymExpr::makeInt(INT64_MIN)), B);
    fold(SymExpr::makeBinary(Op, SymExpr::makeInt(-1), PY), B);
  }
  fold(SymExpr::makeUnary("-", PX), B);
  fold(SymExpr::makeUnary("!", PY), B);
  fold(SymExpr::makeConditional(PX, PY, SymExpr::makeInt(1)), B);
  for (const char *Fn : {"round", "floor", "sqrt", "log2", "abs"})
    fold(SymExpr::makeCall(Fn, {PX}), B);
  fold(SymExpr::makeList({PX, PY, SymExpr::makeBinary("*", PX, PY)}), B)->str();
  return 0;
}
