// Folding and spelling of symbolic values.
#include "torch-keycheck/Expr.h"

#include <gtest/gtest.h>

using namespace torchkc;

namespace {

ExprPtr P(const char *N) { return Expr::makeParam(N); }
ExprPtr I(int64_t V) { return Expr::makeInt(V); }

TEST(ExprTest, FoldsConstantsAndKeepsSymbolsReadable) {
  ExprPtr E = Expr::makeBinary("*", P("hidden"), I(4));
  EXPECT_EQ(fold(E, {})->str(), "hidden * 4");
  EXPECT_EQ(fold(E, {{"hidden", I(8)}})->asInt(), 32);
  // Nested operations parenthesise what is not atomic.
  ExprPtr F = Expr::makeBinary("/", Expr::makeBinary("+", P("a"), I(1)), I(2));
  EXPECT_EQ(fold(F, {})->str(), "(a + 1) / 2");
}

TEST(ExprTest, IdentitiesDropNeutralOperands) {
  EXPECT_EQ(fold(Expr::makeBinary("*", I(1), P("h")), {})->str(), "h");
  EXPECT_EQ(fold(Expr::makeBinary("/", P("h"), I(1)), {})->str(), "h");
  EXPECT_EQ(fold(Expr::makeBinary("+", P("h"), I(0)), {})->str(), "h");
}

TEST(ExprTest, DivisionByZeroStaysSymbolicInsteadOfCrashing) {
  ExprPtr E = fold(Expr::makeBinary("/", I(4), I(0)), {});
  EXPECT_EQ(E->K, Expr::Kind::Binary);
  EXPECT_EQ(fold(Expr::makeBinary("%", I(4), I(0)), {})->K, Expr::Kind::Binary);
}

TEST(ExprTest, LogicShortCircuitsOnAKnownSide) {
  ExprPtr Flag = P("flag");
  EXPECT_EQ(
      fold(Expr::makeBinary("&&", Expr::makeBool(false), Flag), {})->asBool(),
      false);
  EXPECT_EQ(
      fold(Expr::makeBinary("||", Flag, Expr::makeBool(true)), {})->asBool(),
      true);
  EXPECT_EQ(fold(Expr::makeBinary("&&", Expr::makeBool(true), Flag), {})->str(),
            "flag");
}

TEST(ExprTest, ConditionalsPickTheirBranchWhenDecided) {
  ExprPtr E = Expr::makeConditional(P("wide"), I(128), I(32));
  EXPECT_EQ(fold(E, {{"wide", Expr::makeBool(true)}})->asInt(), 128);
  EXPECT_EQ(fold(E, {{"wide", Expr::makeBool(false)}})->asInt(), 32);
  EXPECT_EQ(fold(E, {})->str(), "wide ? 128 : 32");
}

TEST(ExprTest, StringsConcatenateAndToStringFolds) {
  ExprPtr Name = Expr::makeBinary(
      "+", Expr::makeString("layer"),
      Expr::makeCall("to_string", {Expr::makeBinary("+", P("i"), I(1))}));
  EXPECT_EQ(fold(Name, {{"i", I(2)}})->asString(), "layer3");
  EXPECT_EQ(fold(Name, {})->str(), "\"layer\" + to_string(i + 1)");
}

TEST(ExprTest, FloatsAndMixedComparisons) {
  EXPECT_EQ(fold(Expr::makeBinary("*", Expr::makeFloat(0.5), I(4)), {})->str(),
            "2");
  EXPECT_EQ(
      fold(Expr::makeBinary("<", Expr::makeFloat(0.5), I(1)), {})->asBool(),
      true);
}

TEST(ExprTest, DefineValuesParseByShape) {
  EXPECT_EQ(parseDefineValue("42")->asInt(), 42);
  EXPECT_EQ(parseDefineValue("0x10")->asInt(), 16);
  EXPECT_EQ(parseDefineValue("-3")->asInt(), -3);
  EXPECT_EQ(parseDefineValue("true")->asBool(), true);
  EXPECT_EQ(parseDefineValue("false")->asBool(), false);
  EXPECT_EQ(parseDefineValue("0.25")->K, Expr::Kind::Float);
  EXPECT_EQ(parseDefineValue("relu")->asString(), "relu");
  EXPECT_EQ(parseDefineValue("")->asString(), "");
}

} // namespace

namespace {

TEST(ExprTest, ConditionalsReadAsWritten) {
  ExprPtr W = Expr::makeParam("wide");
  // What `if (wide) h = 128; else h = 32;` builds: `!wide ? 32 : (wide ? 128 :
  // old)`.
  ExprPtr Built = Expr::makeConditional(
      Expr::makeUnary("!", W), Expr::makeInt(32),
      Expr::makeConditional(W, Expr::makeInt(128), Expr::makeUnknown("old")));
  EXPECT_EQ(fold(Built, {})->str(), "wide ? 128 : 32");
  EXPECT_EQ(fold(Built, {{"wide", Expr::makeBool(false)}})->asInt(), 32);
  EXPECT_EQ(fold(Expr::makeUnary("!", Expr::makeUnary("!", W)), {})->str(),
            "wide");
  EXPECT_EQ(
      fold(Expr::makeConditional(W, Expr::makeInt(1), Expr::makeInt(1)), {})
          ->str(),
      "1");
}

TEST(ExprTest, ListsIndexAndMeasure) {
  ExprPtr L = parseDefineValue("[2, 3, 5]");
  ASSERT_EQ(L->K, Expr::Kind::List);
  EXPECT_EQ(fold(Expr::makeCall("size", {L}), {})->asInt(), 3);
  EXPECT_EQ(fold(Expr::makeCall("at", {L, Expr::makeInt(2)}), {})->asInt(), 5);
  // Out of range stays symbolic rather than reading past the end.
  EXPECT_EQ(fold(Expr::makeCall("at", {L, Expr::makeInt(3)}), {})->K,
            Expr::Kind::Call);
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
