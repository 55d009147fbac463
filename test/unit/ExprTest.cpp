// Folding and spelling of symbolic values.
#include "torch-keycheck/graph/SymExpr.h"

#include <gtest/gtest.h>

using namespace torchkc;

namespace {

SymExprPtr P(const char *N) { return SymExpr::makeParam(N); }
SymExprPtr I(int64_t V) { return SymExpr::makeInt(V); }

TEST(ExprTest, FoldsConstantsAndKeepsSymbolsReadable) {
  SymExprPtr E = SymExpr::makeBinary("*", P("hidden"), I(4));
  EXPECT_EQ(fold(E, {})->str(), "hidden * 4");
  EXPECT_EQ(fold(E, {{"hidden", I(8)}})->asInt(), 32);
  // Nested operations parenthesise what is not atomic.
  SymExprPtr F =
      SymExpr::makeBinary("/", SymExpr::makeBinary("+", P("a"), I(1)), I(2));
  EXPECT_EQ(fold(F, {})->str(), "(a + 1) / 2");
}

TEST(ExprTest, IdentitiesDropNeutralOperands) {
  EXPECT_EQ(fold(SymExpr::makeBinary("*", I(1), P("h")), {})->str(), "h");
  EXPECT_EQ(fold(SymExpr::makeBinary("/", P("h"), I(1)), {})->str(), "h");
  EXPECT_EQ(fold(SymExpr::makeBinary("+", P("h"), I(0)), {})->str(), "h");
}

TEST(ExprTest, AParameterComparedWithItselfIsDecided) {
  // A residual block built with in == out == width: its shortcut's
  // condition `in != out` is false for every width.
  EXPECT_EQ(fold(SymExpr::makeBinary("!=", P("width"), P("width")), {})
                ->asBool(),
            false);
  EXPECT_EQ(fold(SymExpr::makeBinary("<=", P("width"), P("width")), {})
                ->asBool(),
            true);
  EXPECT_EQ(fold(SymExpr::makeBinary("!=", P("in"), P("out")), {})->str(),
            "in != out");
}

TEST(ExprTest, DivisionByZeroStaysSymbolicInsteadOfCrashing) {
  SymExprPtr E = fold(SymExpr::makeBinary("/", I(4), I(0)), {});
  EXPECT_EQ(E->K, SymExpr::Kind::Binary);
  EXPECT_EQ(fold(SymExpr::makeBinary("%", I(4), I(0)), {})->K,
            SymExpr::Kind::Binary);
}

TEST(ExprTest, LogicShortCircuitsOnAKnownSide) {
  SymExprPtr Flag = P("flag");
  EXPECT_EQ(fold(SymExpr::makeBinary("&&", SymExpr::makeBool(false), Flag), {})
                ->asBool(),
            false);
  EXPECT_EQ(fold(SymExpr::makeBinary("||", Flag, SymExpr::makeBool(true)), {})
                ->asBool(),
            true);
  EXPECT_EQ(
      fold(SymExpr::makeBinary("&&", SymExpr::makeBool(true), Flag), {})->str(),
      "flag");
}

TEST(ExprTest, ConditionalsPickTheirBranchWhenDecided) {
  SymExprPtr E = SymExpr::makeConditional(P("wide"), I(128), I(32));
  EXPECT_EQ(fold(E, {{"wide", SymExpr::makeBool(true)}})->asInt(), 128);
  EXPECT_EQ(fold(E, {{"wide", SymExpr::makeBool(false)}})->asInt(), 32);
  EXPECT_EQ(fold(E, {})->str(), "wide ? 128 : 32");
}

TEST(ExprTest, StringsConcatenateAndToStringFolds) {
  SymExprPtr Name = SymExpr::makeBinary(
      "+", SymExpr::makeString("layer"),
      SymExpr::makeCall("to_string", {SymExpr::makeBinary("+", P("i"), I(1))}));
  EXPECT_EQ(fold(Name, {{"i", I(2)}})->asString(), "layer3");
  EXPECT_EQ(fold(Name, {})->str(), "\"layer\" + to_string(i + 1)");
}

TEST(ExprTest, FloatsAndMixedComparisons) {
  EXPECT_EQ(
      fold(SymExpr::makeBinary("*", SymExpr::makeFloat(0.5), I(4)), {})->str(),
      "2");
  EXPECT_EQ(fold(SymExpr::makeBinary("<", SymExpr::makeFloat(0.5), I(1)), {})
                ->asBool(),
            true);
}

TEST(ExprTest, DefineValuesParseByShape) {
  EXPECT_EQ(parseDefineValue("42")->asInt(), 42);
  EXPECT_EQ(parseDefineValue("0x10")->asInt(), 16);
  EXPECT_EQ(parseDefineValue("-3")->asInt(), -3);
  EXPECT_EQ(parseDefineValue("true")->asBool(), true);
  EXPECT_EQ(parseDefineValue("false")->asBool(), false);
  EXPECT_EQ(parseDefineValue("0.25")->K, SymExpr::Kind::Float);
  EXPECT_EQ(parseDefineValue("relu")->asString(), "relu");
  EXPECT_EQ(parseDefineValue("")->asString(), "");
}

TEST(ExprTest, WholeFloatsBeyondInt64AreNotIntegers) {
  // Found by define-fuzzer: converting 1.29e23 to int64_t is undefined.
  EXPECT_EQ(SymExpr::makeFloat(1.29223037203612922e23)->asInt(), std::nullopt);
  EXPECT_EQ(SymExpr::makeFloat(9223372036854775808.0)->asInt(), std::nullopt);
  EXPECT_EQ(SymExpr::makeFloat(-9223372036854775808.0)->asInt(), INT64_MIN);
  EXPECT_EQ(SymExpr::makeFloat(4096.0)->asInt(), 4096);
}

TEST(ExprTest, OverflowIsNotWrappedRound) {
  auto Fold = [](const char *Op, int64_t A, int64_t B) {
    return fold(SymExpr::makeBinary(Op, SymExpr::makeInt(A),
                                    SymExpr::makeInt(B)),
                {});
  };
  EXPECT_EQ(Fold("*", INT64_MAX, 4)->K, SymExpr::Kind::Unknown);
  EXPECT_EQ(Fold("*", INT64_MAX, 4)->str(),
            "'9223372036854775807 * 4' overflows int64_t");
  EXPECT_EQ(Fold("+", INT64_MAX, 1)->K, SymExpr::Kind::Unknown);
  EXPECT_EQ(Fold("-", INT64_MIN, 1)->K, SymExpr::Kind::Unknown);
  EXPECT_EQ(Fold("/", INT64_MIN, -1)->K, SymExpr::Kind::Unknown);
  EXPECT_EQ(Fold("%", INT64_MIN, -1)->K, SymExpr::Kind::Unknown);
  EXPECT_EQ(Fold("<<", 1, 62)->asInt(), int64_t(1) << 62);
  EXPECT_EQ(Fold("<<", 4, 62)->K, SymExpr::Kind::Unknown);
  EXPECT_EQ(Fold("*", 3, 4)->asInt(), 12);
  EXPECT_EQ(fold(SymExpr::makeUnary("-", SymExpr::makeInt(INT64_MIN)), {})
                ->K,
            SymExpr::Kind::Unary);
  EXPECT_EQ(fold(SymExpr::makeBinary("*", SymExpr::makeFloat(1e308),
                                     SymExpr::makeFloat(10)),
                 {})
                ->K,
            SymExpr::Kind::Unknown);
}

TEST(ExprTest, DefineNumbersAreNotClamped) {
  SymExprPtr Huge = parseDefineValue("99999999999999999999999");
  EXPECT_EQ(Huge->K, SymExpr::Kind::Float);
  EXPECT_EQ(Huge->Text, "99999999999999999999999");
  EXPECT_EQ(parseDefineValue("9223372036854775807")->asInt(), INT64_MAX);
  EXPECT_EQ(parseDefineValue("[1,")->K, SymExpr::Kind::String);
}

TEST(ExprTest, JsonValuesAreRecordsAndLookUpByKey) {
  SymExprPtr Params =
      parseDefineValue(R"({"r18": {"layers": [2, 2], "in": 3}, "big": 1})");
  ASSERT_EQ(Params->K, SymExpr::Kind::Call);
  EXPECT_EQ(Params->Name, "record");
  auto Member = [](SymExprPtr Of, const char *Key) {
    return fold(SymExpr::makeCall("field", {Of, SymExpr::makeInt(-1),
                                            SymExpr::makeString(Key)}),
                {});
  };
  EXPECT_EQ(Member(Member(Params, "r18"), "layers")->str(), "[2, 2]");
  EXPECT_EQ(Member(Member(Params, "r18"), "in")->asInt(), 3);
  // A key not yet known stays a lookup; once bound, it is looked up.
  SymExprPtr ByName =
      SymExpr::makeCall("field", {Params, SymExpr::makeInt(-1),
                                  SymExpr::makeParam("name")});
  EXPECT_EQ(fold(ByName, {})->K, SymExpr::Kind::Call);
  EXPECT_EQ(fold(ByName, {{"name", SymExpr::makeString("big")}})->asInt(), 1);
  // An open JSON parameter names its members by path.
  EXPECT_EQ(Member(Member(SymExpr::makeParam("params"), "r18"), "in")->str(),
            "params.r18.in");
  // value(key, default): the default where the object lacks the key.
  EXPECT_EQ(fold(SymExpr::makeCall("field", {Params, SymExpr::makeInt(-1),
                                             SymExpr::makeString("groups"),
                                             SymExpr::makeInt(1)}),
                 {})
                ->asInt(),
            1);
}

TEST(ExprTest, JsonTextIsBounded) {
  EXPECT_EQ(parseJsonValue("{\"a\": [1, 2"), nullptr);
  EXPECT_EQ(parseJsonValue(std::string(100, '[') + std::string(100, ']')),
            nullptr);
  std::string Wide = "[";
  for (int I = 0; I < 200000; ++I)
    Wide += I ? ",0" : "0";
  EXPECT_EQ(parseJsonValue(Wide + "]"), nullptr);
  EXPECT_NE(parseJsonValue(std::string(60, '[') + std::string(60, ']')),
            nullptr);
  // Brackets inside strings do not count as nesting.
  EXPECT_NE(parseJsonValue("{\"k\": \"" + std::string(100, '[') + "\"}"),
            nullptr);
  // Numbers beyond int64 are not wrapped round.
  EXPECT_EQ(parseJsonValue("[18446744073709551615]")->Args[0]->K,
            SymExpr::Kind::Unknown);
}

} // namespace

namespace {

TEST(ExprTest, ConditionalsReadAsWritten) {
  SymExprPtr W = SymExpr::makeParam("wide");
  // What `if (wide) h = 128; else h = 32;` builds: `!wide ? 32 : (wide ? 128 :
  // old)`.
  SymExprPtr Built = SymExpr::makeConditional(
      SymExpr::makeUnary("!", W), SymExpr::makeInt(32),
      SymExpr::makeConditional(W, SymExpr::makeInt(128),
                               SymExpr::makeUnknown("old")));
  EXPECT_EQ(fold(Built, {})->str(), "wide ? 128 : 32");
  EXPECT_EQ(fold(Built, {{"wide", SymExpr::makeBool(false)}})->asInt(), 32);
  EXPECT_EQ(
      fold(SymExpr::makeUnary("!", SymExpr::makeUnary("!", W)), {})->str(),
      "wide");
  EXPECT_EQ(fold(SymExpr::makeConditional(W, SymExpr::makeInt(1),
                                          SymExpr::makeInt(1)),
                 {})
                ->str(),
            "1");
}

TEST(ExprTest, ListsIndexAndMeasure) {
  SymExprPtr L = parseDefineValue("[2, 3, 5]");
  ASSERT_EQ(L->K, SymExpr::Kind::List);
  EXPECT_EQ(fold(SymExpr::makeCall("size", {L}), {})->asInt(), 3);
  EXPECT_EQ(
      fold(SymExpr::makeCall("at", {L, SymExpr::makeInt(2)}), {})->asInt(), 5);
  // Out of range stays symbolic rather than reading past the end.
  EXPECT_EQ(fold(SymExpr::makeCall("at", {L, SymExpr::makeInt(3)}), {})->K,
            SymExpr::Kind::Call);
  EXPECT_EQ(parseDefineValue("[]")->Args.size(), 0u);
}

TEST(ExprTest, FileNamesCompareByValue) {
  // Locations share their file's spelling; two spellings of one name are
  // the same file, and no name is the empty one.
  SourceLoc A{"/src/model.h", 3, 5}, B{std::string("/src/model.h"), 3, 5};
  SourceLoc Copy = A;
  EXPECT_EQ(A.File, B.File);
  EXPECT_EQ(Copy.File, A.File);
  EXPECT_TRUE(A.File < FileName("/src/other.h"));
  EXPECT_FALSE(A.File < B.File);
  EXPECT_EQ(A.str(), "/src/model.h:3:5");
  EXPECT_EQ(A.str("/src"), "model.h:3:5");
  SourceLoc None;
  EXPECT_TRUE(None.File.empty());
  EXPECT_EQ(None.File.str(), "");
  EXPECT_EQ(None.File, FileName(""));
}

} // namespace

TEST(ExprTest, MathAndSumsFoldAsCmathAndAccumulateDo) {
  auto Call = [](const char *Name, std::vector<SymExprPtr> Args) {
    return SymExpr::makeCall(Name, std::move(Args));
  };
  auto F = [](double V) { return SymExpr::makeFloat(V); };
  // int(std::round(3 * 0.33)) bottlenecks, std::max(1.0f, width).
  EXPECT_EQ(fold(Call("int", {Call("round", {F(0.99)})}), {})->asInt(), 1);
  EXPECT_EQ(fold(Call("int", {Call("ceil", {F(2.1)})}), {})->asInt(), 3);
  EXPECT_EQ(fold(Call("max", {F(1.0), P("w")}), {{"w", F(1.4)}})->str(),
            fold(F(1.4), {})->str());
  EXPECT_EQ(fold(Call("abs", {I(-3)}), {})->asInt(), 3);
  EXPECT_EQ(fold(Call("sqrt", {I(-1)}), {})->str(), "sqrt(-1)");
  // std::accumulate keeps the type of its initial value.
  SymExprPtr Table = SymExpr::makeList({I(3), I(3), I(2)});
  EXPECT_EQ(fold(Call("sum", {Table, I(0)}), {})->asInt(), 8);
  SymExprPtr Mixed = SymExpr::makeList({F(0.5), F(0.5)});
  EXPECT_EQ(fold(Call("sum", {Mixed, I(0)}), {})->asInt(), 0);
  EXPECT_EQ(fold(Call("sum", {Mixed, F(0)}), {})->str(), fold(F(1), {})->str());
  SymExprPtr Open = SymExpr::makeList({I(3), P("n")});
  EXPECT_EQ(fold(Call("sum", {Open, I(0)}), {})->str(), "sum([3, n], 0)");
}
