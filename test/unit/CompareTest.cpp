// The comparison of a model's keys with a checkpoint manifest, on
// hand-built key sets: grouping, prefixes, reordering, sizes; and solving
// a configuration from a checkpoint on hand-built registration graphs.
#include "torch-keycheck/verdict/CheckpointVerdict.h"
#include "torch-keycheck/verdict/ConfigurationSolver.h"
#include "torch-keycheck/verdict/LoadVerdict.h"
#include "torch-keycheck/verdict/OptimizerState.h"

#include <gtest/gtest.h>

using namespace torchkc;

namespace {

Key key(const std::string &Name, std::vector<int64_t> Shape, unsigned Line) {
  Key K;
  K.Name = Name;
  K.Shape.emplace();
  for (int64_t D : Shape)
    K.Shape->push_back({D, ""});
  K.DType = "float32";
  K.Loc = {"model.h", Line, 5};
  return K;
}

ManifestKey tensor(const std::string &Name, std::vector<int64_t> Shape,
                   const std::string &DType = "float32") {
  return {Name, std::move(Shape), DType, ManifestKey::Kind::Parameter};
}

/// Linear(10, 5), ReLU, Linear(5, 2) in a Sequential 'body', and 'head'.
ModelKeys sequentialModel() {
  ModelKeys M;
  M.Class = "Net";
  M.Loc = {"model.h", 1, 8};
  M.Keys = {key("body.0.weight", {5, 10}, 3), key("body.0.bias", {5}, 3),
            key("body.2.weight", {2, 5}, 3),  key("body.2.bias", {2}, 3),
            key("head.weight", {1, 2}, 4),    key("head.bias", {1}, 4)};
  M.Modules = {{"body", "Sequential", {"model.h", 3, 5}},
               {"body.0", "Linear", {"model.h", 3, 20}},
               {"body.1", "ReLU", {"model.h", 3, 40}},
               {"body.2", "Linear", {"model.h", 3, 50}},
               {"head", "Linear", {"model.h", 4, 5}}};
  return M;
}

Manifest manifestOf(const ModelKeys &Model) {
  Manifest M;
  for (const Key &K : Model.Keys) {
    std::vector<int64_t> S;
    for (const Dim &D : *K.Shape)
      S.push_back(*D.Value);
    M.Keys.push_back(tensor(K.Name, S));
  }
  return M;
}

std::vector<std::string> checks(const std::vector<Finding> &Fs) {
  std::vector<std::string> R;
  for (const Finding &F : Fs)
    R.push_back(checkName(F.Check));
  return R;
}

TEST(CompareTest, SameKeysAreClean) {
  ModelKeys Model = sequentialModel();
  EXPECT_TRUE(compareWithCheckpoint(Model, manifestOf(Model), {}).empty());
}

TEST(CompareTest, AMissingModuleIsOneFindingAtItsRegistration) {
  ModelKeys Model = sequentialModel();
  Manifest M = manifestOf(Model);
  M.Keys.resize(4); // no head
  auto Fs = compareWithCheckpoint(Model, M, {});
  ASSERT_EQ(checks(Fs),
            std::vector<std::string>{"torch-checkpoint-missing-key"});
  EXPECT_EQ(Fs[0].Loc.Line, 4u);
  EXPECT_NE(Fs[0].Message.find("'head.weight' and 'head.bias'"),
            std::string::npos);
}

TEST(CompareTest, UnexpectedKeysAreGroupedAndStrictOnlyByDefault) {
  ModelKeys Model = sequentialModel();
  Manifest M = manifestOf(Model);
  M.Keys.push_back(tensor("aux.weight", {3, 2}));
  M.Keys.push_back(tensor("aux.bias", {3}));
  auto Fs = compareWithCheckpoint(Model, M, {});
  ASSERT_EQ(Fs.size(), 1u);
  EXPECT_EQ(Fs[0].Level, Severity::Error);
  EXPECT_NE(Fs[0].Message.find("'aux' ('aux.weight' and 'aux.bias')"),
            std::string::npos);
  CompareOptions Lenient;
  Lenient.AllowUnexpected = true;
  EXPECT_EQ(compareWithCheckpoint(Model, M, Lenient)[0].Level,
            Severity::Warning);
}

TEST(CompareTest, WrapperPrefixIsOneFinding) {
  ModelKeys Model = sequentialModel();
  Manifest M = manifestOf(Model);
  for (ManifestKey &K : M.Keys)
    K.Name = "module._orig_mod." + K.Name;
  auto Fs = compareWithCheckpoint(Model, M, {});
  ASSERT_EQ(checks(Fs), std::vector<std::string>{"torch-checkpoint-prefix"});
  EXPECT_NE(Fs[0].Message.find("'module._orig_mod.'"), std::string::npos);
}

TEST(CompareTest, MovedChildIsAReorderingWithTheMapping) {
  // The checkpoint was saved with the ReLU last: body.0, body.1 Linear.
  ModelKeys Model = sequentialModel();
  Manifest M;
  M.Keys = {tensor("body.0.weight", {5, 10}), tensor("body.0.bias", {5}),
            tensor("body.1.weight", {2, 5}),  tensor("body.1.bias", {2}),
            tensor("head.weight", {1, 2}),    tensor("head.bias", {1})};
  auto Fs = compareWithCheckpoint(Model, M, {});
  ASSERT_EQ(checks(Fs), std::vector<std::string>{"torch-checkpoint-reordered"});
  EXPECT_NE(Fs[0].Message.find(
                "checkpoint 'body.1' (weight [2, 5]) is the model's 'body.2'"),
            std::string::npos);
}

/// A C++ port's block: 'block' wraps its Sequential as 'inner'; the
/// Python twin's block is the Sequential itself.
ModelKeys wrappingModel() {
  ModelKeys M;
  M.Class = "Port";
  M.Loc = {"port.h", 1, 8};
  M.Keys = {key("block.inner.0.weight", {4, 3}, 5),
            key("block.inner.0.bias", {4}, 5),
            key("block.inner.1.weight", {4}, 5),
            key("head.weight", {2, 4}, 7)};
  M.Modules = {{"block", "Block", {"port.h", 6, 5}},
               {"block.inner", "Sequential", {"port.h", 5, 5}},
               {"block.inner.0", "Linear", {"port.h", 5, 20}},
               {"block.inner.1", "LayerNorm", {"port.h", 5, 30}},
               {"head", "Linear", {"port.h", 7, 5}}};
  return M;
}

TEST(CompareTest, ModuleLevelsApartAreOneFindingWithTheMapping) {
  ModelKeys Model = wrappingModel();
  Manifest M;
  M.Keys = {tensor("block.0.weight", {4, 3}), tensor("block.0.bias", {4}),
            tensor("block.1.weight", {4}), tensor("head.weight", {2, 4})};
  KeyMapping Map;
  CompareOptions Opts;
  Opts.Mapping = &Map;
  auto Fs = compareWithCheckpoint(Model, M, Opts);
  ASSERT_EQ(checks(Fs), std::vector<std::string>{"torch-checkpoint-renamed"});
  EXPECT_EQ(Fs[0].Loc.Line, 5u);
  EXPECT_NE(Fs[0].Message.find("the checkpoint's 'block' is the model's "
                               "'block.inner' with module levels apart"),
            std::string::npos);
  ASSERT_EQ(Map.Renames.size(), 3u);
  EXPECT_EQ(Map.Renames[0].From, "block.0.weight");
  EXPECT_EQ(Map.Renames[0].To, "block.inner.0.weight");
  EXPECT_EQ(Map.Same, std::vector<std::string>{"head.weight"});
  EXPECT_TRUE(Map.Missing.empty());
  EXPECT_TRUE(Map.Unexpected.empty());
}

TEST(CompareTest, ModuleLevelsApartNeedTheSameShapesAndDTypes) {
  ModelKeys Model = wrappingModel();
  Manifest M;
  M.Keys = {tensor("block.0.weight", {4, 5}), tensor("block.0.bias", {4}),
            tensor("block.1.weight", {4}, "float16"),
            tensor("head.weight", {2, 4})};
  KeyMapping Map;
  CompareOptions Opts;
  Opts.Mapping = &Map;
  auto Fs = compareWithCheckpoint(Model, M, Opts);
  // The bias alone is the same tensor; the others are missing and
  // unexpected, never mapped onto another shape or dtype.
  ASSERT_EQ(Map.Renames.size(), 1u);
  EXPECT_EQ(Map.Renames[0].From, "block.0.bias");
  EXPECT_EQ(Map.Missing, (std::vector<std::string>{"block.inner.0.weight",
                                                   "block.inner.1.weight"}));
  EXPECT_EQ(Map.Unexpected,
            (std::vector<std::string>{"block.0.weight", "block.1.weight"}));
}

TEST(CompareTest, SizesAndDTypes) {
  ModelKeys Model = sequentialModel();
  Manifest M = manifestOf(Model);
  M.Keys[4].Shape = {7, 2};
  M.Keys[5].DType = "float16";
  auto Fs = compareWithCheckpoint(Model, M, {});
  ASSERT_EQ(checks(Fs),
            (std::vector<std::string>{"torch-checkpoint-shape-mismatch",
                                      "torch-checkpoint-dtype-mismatch"}));
  EXPECT_EQ(Fs[1].Level, Severity::Warning);
}

/// A class whose constructor takes Flags booleans, registering parameter
/// `p<i>` [4] when flag `f<i>` is set.
RegistrationGraph flagModel(int Flags) {
  RegistrationGraph G;
  ModuleClass C;
  C.Name = "Flags";
  Constructor Ctor;
  for (int I = 0; I < Flags; ++I) {
    std::string F = "f" + std::to_string(I);
    Ctor.Params.push_back({F, "bool", nullptr});
    auto T = std::make_shared<SymExpr>();
    T->K = SymExpr::Kind::Tensor;
    T->Name = "zeros";
    T->Args = {SymExpr::makeList({SymExpr::makeInt(4)})};
    Registration R;
    R.K = Registration::Kind::Parameter;
    R.Name = SymExpr::makeString("p" + std::to_string(I));
    R.Value = T;
    R.Guards = {SymExpr::makeParam(F)};
    R.Loc = {"flags.h", unsigned(10 + I), 5};
    Ctor.Registrations.push_back(R);
  }
  C.Constructors = {Ctor};
  G.Classes = {C};
  return G;
}

TEST(SolveTest, BooleanKnobsAreReadOffTheKeysTheyDecide) {
  // 2^40 configurations: only reading each flag off its key solves it.
  RegistrationGraph G = flagModel(40);
  Manifest M;
  for (int I = 0; I < 40; I += 3)
    M.Keys.push_back(tensor("p" + std::to_string(I), {4}));
  Solution S = solveConfiguration(G, G.Classes[0], {}, M, {});
  ASSERT_EQ(S.Problem, "");
  EXPECT_TRUE(S.Exact);
  ASSERT_EQ(S.Best.size(), 1u);
  for (int I = 0; I < 40; ++I) {
    std::string F = "f" + std::to_string(I);
    EXPECT_EQ(S.Best[0].Config.Defines.at(F)->asBool(), I % 3 == 0) << F;
    ASSERT_TRUE(S.Witnessed.count(F)) << F;
    EXPECT_EQ(S.Witnessed.at(F).Key, "p" + std::to_string(I));
    EXPECT_EQ(S.Witnessed.at(F).InCheckpoint, I % 3 == 0);
  }
}

TEST(SolveTest, KeysThatDisagreeLeaveTheKnobToTheSearch) {
  // `if (f) p0 else q0`: a checkpoint with both matches no value of f.
  RegistrationGraph G = flagModel(1);
  Registration Else = G.Classes[0].Constructors[0].Registrations[0];
  Else.Name = SymExpr::makeString("q0");
  Else.Guards = {SymExpr::makeUnary("!", SymExpr::makeParam("f0"))};
  G.Classes[0].Constructors[0].Registrations.push_back(Else);
  Manifest M;
  M.Keys = {tensor("p0", {4}), tensor("q0", {4})};
  Solution S = solveConfiguration(G, G.Classes[0], {}, M, {});
  ASSERT_EQ(S.Problem, "");
  EXPECT_TRUE(S.Witnessed.empty());
  EXPECT_FALSE(S.Exact);
  EXPECT_EQ(S.Best.size(), 2u); // each value leaves one key unexpected
}

TEST(SolveTest, UnexpectedKeysAllowedDecideNothing) {
  // With strict=False a key the model lacks is no error: its presence
  // cannot tell the flag's value, only its absence can.
  RegistrationGraph G = flagModel(2);
  Manifest M;
  M.Keys = {tensor("p0", {4})};
  CompareOptions Loose;
  Loose.AllowUnexpected = true;
  Solution S = solveConfiguration(G, G.Classes[0], {}, M, Loose);
  ASSERT_EQ(S.Problem, "");
  EXPECT_TRUE(S.Exact);
  EXPECT_FALSE(S.Witnessed.count("f0"));
  ASSERT_TRUE(S.Witnessed.count("f1"));
  EXPECT_EQ(S.Witnessed.at("f1").Value, false);
  EXPECT_EQ(S.Best.size(), 2u); // f0 either way
}

TEST(SolveTest, AWrapperPrefixIsStrippedBeforeReading) {
  // The prefix is an error in every configuration; the flags are still
  // read off the keys under it (2^20 configurations could not be tried).
  RegistrationGraph G = flagModel(20);
  Manifest M;
  M.Keys = {tensor("module.p1", {4})};
  Solution S = solveConfiguration(G, G.Classes[0], {}, M, {});
  ASSERT_EQ(S.Problem, "");
  EXPECT_FALSE(S.Exact);
  ASSERT_EQ(S.Witnessed.size(), 20u);
  EXPECT_EQ(S.Witnessed.at("f0").Value, false);
  EXPECT_EQ(S.Witnessed.at("f1").Value, true);
  ASSERT_EQ(S.Best.size(), 1u);
  EXPECT_EQ(checks(S.Best[0].Findings),
            std::vector<std::string>{"torch-checkpoint-prefix"});
}

} // namespace
