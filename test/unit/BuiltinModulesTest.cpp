// The built-in table's rules where the oracle cannot reach: symbolic
// options and options whose value is not known.
#include "torch-keycheck/keys/BuiltinModules.h"

#include <gtest/gtest.h>

using namespace torchkc;

namespace {

std::string describe(const BuiltinExpansion &X) {
  std::string R;
  for (const auto &E : X.Entries) {
    R += E.Name;
    if (E.K != BuiltinEntry::Kind::Child) {
      R += "[";
      for (size_t I = 0; I < E.Shape.size(); ++I)
        R += (I ? "," : "") + E.Shape[I]->str();
      R += "]";
    }
    for (const auto &C : E.Conditions)
      R += "?" + C;
    R += " ";
  }
  return R;
}

SymExprPtr P(const char *N) { return SymExpr::makeParam(N); }
SymExprPtr I(int64_t V) { return SymExpr::makeInt(V); }

TEST(BuiltinModulesTest, LinearShapesFollowSymbolicArguments) {
  auto X = expandBuiltin("Linear", {P("in"), P("out")}, {});
  EXPECT_EQ(describe(X), "weight[out,in] bias[out] ");
}

TEST(BuiltinModulesTest, UnknownSwitchMakesTheKeyConditional) {
  auto X = expandBuiltin("Linear", {I(4), I(2)}, {{"bias", P("use_bias")}});
  EXPECT_EQ(describe(X), "weight[2,4] bias[2]?bias(use_bias) ");
}

TEST(BuiltinModulesTest, OptionsObjectCarriesArgumentsAndSetters) {
  auto O = std::make_shared<SymExpr>();
  O->K = SymExpr::Kind::Options;
  O->Name = "torch::nn::ConvOptions<2>";
  O->Args = {I(3), I(16), SymExpr::makeList({I(3), I(5)})};
  O->Setters = {{"groups", I(1)}, {"bias", SymExpr::makeBool(false)}};
  auto X = expandBuiltin("Conv2d", {O}, {});
  EXPECT_EQ(describe(X), "weight[16,3,3,5] ");
}

TEST(BuiltinModulesTest, GroupedConvDividesInputChannels) {
  auto X = expandBuiltin("Conv1d", {P("c"), I(8), I(3)}, {{"groups", I(2)}});
  EXPECT_EQ(describe(X), "weight[8,c / 2,3] bias[8] ");
}

TEST(BuiltinModulesTest, InstanceNormHasNoKeysByDefault) {
  EXPECT_EQ(describe(expandBuiltin("InstanceNorm2d", {I(4)}, {})), "");
}

TEST(BuiltinModulesTest, RecurrentLayersNeedAKnownLayerCount) {
  auto X = expandBuiltin("LSTM", {I(4), I(4)}, {{"num_layers", P("depth")}});
  EXPECT_TRUE(X.Entries.empty());
  EXPECT_NE(X.Problem.find("num_layers"), std::string::npos);
}

TEST(BuiltinModulesTest, MultiheadAttentionChildIsItsOutputProjection) {
  auto X = expandBuiltin("MultiheadAttention", {P("e"), I(2)}, {});
  EXPECT_EQ(describe(X),
            "in_proj_weight[3 * e,e] in_proj_bias[3 * e] out_proj ");
}

TEST(BuiltinModulesTest, UnknownModulesAreReportedNotGuessed) {
  auto X = expandBuiltin("FancyNewLayer", {}, {});
  EXPECT_TRUE(X.Entries.empty());
  EXPECT_NE(X.Problem.find("FancyNewLayer"), std::string::npos);
  EXPECT_FALSE(isKnownBuiltin("FancyNewLayer"));
  EXPECT_TRUE(isKnownBuiltin("ReLU"));
}

TEST(BuiltinModulesTest, ExtraPositionalArgumentsAreAProblem) {
  auto X = expandBuiltin("Linear", {I(1), I(2), I(3)}, {});
  EXPECT_FALSE(X.Problem.empty());
}

} // namespace
