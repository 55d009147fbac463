// Key derivation on hand-built registration graphs: ordering, guards,
// constructor choice and the bounds that keep bad input from hanging.
#include "torch-keycheck/keys/ModelKeys.h"

#include <gtest/gtest.h>

using namespace torchkc;

namespace {

SymExprPtr module(const std::string &Builtin, std::vector<SymExprPtr> Args,
                  const std::string &UserClass = "") {
  auto M = std::make_shared<SymExpr>();
  M->K = SymExpr::Kind::Module;
  M->Builtin = Builtin;
  M->Name = UserClass.empty() ? "torch::nn::" + Builtin + "Impl" : UserClass;
  M->Args = std::move(Args);
  return M;
}

SymExprPtr tensor(std::vector<SymExprPtr> Shape, std::string DType = "") {
  auto T = std::make_shared<SymExpr>();
  T->K = SymExpr::Kind::Tensor;
  T->Name = "zeros";
  T->Args = {SymExpr::makeList(std::move(Shape))};
  T->DType = std::move(DType);
  return T;
}

Registration reg(Registration::Kind K, const std::string &Name, SymExprPtr V,
                 std::vector<SymExprPtr> Guards = {}) {
  Registration R;
  R.K = K;
  R.Name = SymExpr::makeString(Name);
  R.Value = std::move(V);
  R.Guards = std::move(Guards);
  return R;
}

std::string names(const ModelKeys &M) {
  std::string R;
  for (const Key &K : M.Keys)
    R += K.Name + " ";
  return R;
}

TEST(KeySetTest, OwnParametersThenChildrenThenBuffers) {
  RegistrationGraph G;
  ModuleClass C;
  C.Name = "Net";
  Constructor Ctor;
  Ctor.Registrations = {
      reg(Registration::Kind::Module, "bn",
          module("BatchNorm1d", {SymExpr::makeInt(4)})),
      reg(Registration::Kind::Buffer, "steps", tensor({}, "int64")),
      reg(Registration::Kind::Parameter, "scale",
          tensor({SymExpr::makeInt(4)})),
  };
  C.Constructors = {Ctor};
  G.Classes = {C};
  ModelKeys M = deriveKeys(G, G.Classes[0], {});
  EXPECT_EQ(names(M), "scale bn.weight bn.bias steps bn.running_mean "
                      "bn.running_var bn.num_batches_tracked ");
}

TEST(KeySetTest, GuardsDecideOrStayAsConditions) {
  RegistrationGraph G;
  ModuleClass C;
  C.Name = "Net";
  Constructor Ctor;
  Ctor.Params = {{"flag", "bool", nullptr}};
  Ctor.Registrations = {reg(Registration::Kind::Parameter, "p",
                            tensor({SymExpr::makeInt(1)}),
                            {SymExpr::makeParam("flag")})};
  C.Constructors = {Ctor};
  G.Classes = {C};
  ModelKeys Open = deriveKeys(G, G.Classes[0], {});
  ASSERT_EQ(Open.Keys.size(), 1u);
  EXPECT_EQ(Open.Keys[0].conditions(), std::vector<std::string>{"flag"});
  Configuration Off;
  Off.Defines["flag"] = SymExpr::makeBool(false);
  EXPECT_TRUE(deriveKeys(G, G.Classes[0], Off).Keys.empty());
}

TEST(KeySetTest, KeysUnderOneConditionShareIt) {
  // `if (use_head && depth > 2) register_module("head", Linear(4, 2))`:
  // both of head's tensors exist under the same conditions, kept once,
  // with the knobs they read.
  RegistrationGraph G;
  ModuleClass C;
  C.Name = "Net";
  Constructor Ctor;
  Ctor.Params = {{"use_head", "bool", nullptr}, {"depth", "int64_t", nullptr}};
  Ctor.Registrations = {
      reg(Registration::Kind::Module, "head",
          module("Linear", {SymExpr::makeInt(4), SymExpr::makeInt(2)}),
          {SymExpr::makeParam("use_head"),
           SymExpr::makeBinary(">", SymExpr::makeParam("depth"),
                               SymExpr::makeInt(2))})};
  C.Constructors = {Ctor};
  G.Classes = {C};
  ModelKeys M = deriveKeys(G, G.Classes[0], {});
  ASSERT_EQ(M.Keys.size(), 2u);
  ASSERT_TRUE(M.Keys[0].When);
  EXPECT_EQ(M.Keys[0].When, M.Keys[1].When);
  EXPECT_EQ(M.Keys[0].conditions(),
            (std::vector<std::string>{"use_head", "depth > 2"}));
  EXPECT_EQ(M.Keys[0].dependsOn(),
            (std::vector<std::string>{"depth", "use_head"}));
  EXPECT_EQ(M.Knobs, (std::vector<std::string>{"depth", "use_head"}));
  Configuration On;
  On.Defines["use_head"] = SymExpr::makeBool(true);
  On.Defines["depth"] = SymExpr::makeInt(3);
  ModelKeys Decided = deriveKeys(G, G.Classes[0], On);
  ASSERT_EQ(Decided.Keys.size(), 2u);
  EXPECT_FALSE(Decided.Keys[0].When);
  EXPECT_TRUE(Decided.Keys[0].conditions().empty());
}

TEST(KeySetTest, EachConstructionOfABuiltinHasItsOwnSizes) {
  // Block(w) registers Linear(w, w); two blocks of other widths in one
  // derivation (built-in expansions are reused only for equal arguments).
  RegistrationGraph G;
  ModuleClass Block;
  Block.Name = "Block";
  Constructor BCtor;
  BCtor.Params = {{"w", "int64_t", nullptr}};
  BCtor.Registrations = {reg(
      Registration::Kind::Module, "fc",
      module("Linear", {SymExpr::makeParam("w"), SymExpr::makeParam("w")}))};
  Block.Constructors = {BCtor};
  ModuleClass Net;
  Net.Name = "Net";
  Constructor Ctor;
  Ctor.Registrations = {reg(Registration::Kind::Module, "a",
                            module("", {SymExpr::makeInt(4)}, "Block")),
                        reg(Registration::Kind::Module, "b",
                            module("", {SymExpr::makeInt(8)}, "Block"))};
  Net.Constructors = {Ctor};
  G.Classes = {Net, Block};
  ModelKeys M = deriveKeys(G, G.Classes[0], {});
  ASSERT_EQ(names(M), "a.fc.weight a.fc.bias b.fc.weight b.fc.bias ");
  EXPECT_EQ(*M.Keys[0].Shape, (std::vector<Dim>{{4, ""}, {4, ""}}));
  EXPECT_EQ(*M.Keys[2].Shape, (std::vector<Dim>{{8, ""}, {8, ""}}));
}

TEST(KeySetTest, UnusedDefinesAreReported) {
  RegistrationGraph G;
  ModuleClass C;
  C.Name = "Net";
  C.Constructors = {Constructor{}};
  G.Classes = {C};
  Configuration Cfg;
  Cfg.Defines["typo"] = SymExpr::makeInt(1);
  EXPECT_EQ(deriveKeys(G, G.Classes[0], Cfg).UnusedDefines,
            std::vector<std::string>{"typo"});
}

TEST(KeySetTest, SelfContainingClassIsBoundedAndReported) {
  RegistrationGraph G;
  ModuleClass C;
  C.Name = "Loop";
  Constructor Ctor;
  Ctor.Registrations = {
      reg(Registration::Kind::Module, "again", module("", {}, "Loop"))};
  C.Constructors = {Ctor};
  G.Classes = {C};
  ModelKeys M = deriveKeys(G, G.Classes[0], {});
  EXPECT_TRUE(M.Keys.empty());
  bool Reported = false;
  for (const auto &U : M.Unresolved)
    Reported |= U.second.find("deeper than") != std::string::npos;
  EXPECT_TRUE(Reported);
}

TEST(KeySetTest, ConstructorIsChosenByTheArgumentsGiven) {
  RegistrationGraph G;
  ModuleClass Child;
  Child.Name = "Child";
  Constructor Default, Sized;
  Default.Registrations = {
      reg(Registration::Kind::Parameter, "a", tensor({SymExpr::makeInt(1)}))};
  Sized.Params = {{"n", "int64_t", nullptr}};
  Sized.Registrations = {reg(Registration::Kind::Parameter, "b",
                             tensor({SymExpr::makeParam("n")}))};
  Child.Constructors = {Default, Sized};
  ModuleClass Parent;
  Parent.Name = "Parent";
  Constructor PC;
  PC.Registrations = {
      reg(Registration::Kind::Module, "x", module("", {}, "Child")),
      reg(Registration::Kind::Module, "y",
          module("", {SymExpr::makeInt(7)}, "Child"))};
  Parent.Constructors = {PC};
  G.Classes = {Child, Parent};
  ModelKeys M = deriveKeys(G, G.Classes[1], {});
  EXPECT_EQ(names(M), "x.a y.b ");
  ASSERT_TRUE(M.Keys[1].Shape);
  EXPECT_EQ((*M.Keys[1].Shape)[0].Value, 7);
}

TEST(KeySetTest, SequentialIndexesNamedAndUnnamedChildrenTogether) {
  RegistrationGraph G;
  ModuleClass C;
  C.Name = "Net";
  Constructor Ctor;
  SymExprPtr Seq = module(
      "Sequential",
      {module("ReLU", {}),
       SymExpr::makeList(
           {SymExpr::makeString("proj"),
            module("Linear", {SymExpr::makeInt(2), SymExpr::makeInt(3)})}),
       module("Linear", {SymExpr::makeInt(3), SymExpr::makeInt(1)})});
  Ctor.Registrations = {reg(Registration::Kind::Module, "seq", Seq)};
  C.Constructors = {Ctor};
  G.Classes = {C};
  EXPECT_EQ(names(deriveKeys(G, G.Classes[0], {})),
            "seq.proj.weight seq.proj.bias seq.2.weight seq.2.bias ");
}

TEST(KeySetTest, UnknownRegisteredValueIsUnresolvedNotGuessed) {
  RegistrationGraph G;
  ModuleClass C;
  C.Name = "Net";
  Constructor Ctor;
  Ctor.Registrations = {reg(Registration::Kind::Module, "m",
                            SymExpr::makeUnknown("load_module(path)"))};
  Ctor.Registrations.push_back(
      reg(Registration::Kind::Parameter, "w",
          SymExpr::makeUnknown("torch::load_tensor()")));
  C.Constructors = {Ctor};
  G.Classes = {C};
  ModelKeys M = deriveKeys(G, G.Classes[0], {});
  ASSERT_EQ(M.Keys.size(), 1u);
  EXPECT_EQ(M.Keys[0].Name, "w");
  EXPECT_FALSE(M.Keys[0].Shape);
  EXPECT_EQ(M.Unresolved.size(), 1u);
}

} // namespace

namespace {

TEST(RegistrationGraphTest, FindsByImplHolderQualifiedOrBareName) {
  RegistrationGraph G;
  ModuleClass A, B, C;
  A.Name = "a::NetImpl";
  A.HolderName = "a::Net";
  B.Name = "b::NetImpl";
  C.Name = "LoneImpl";
  G.Classes = {A, B, C};
  bool Ambiguous = false;
  EXPECT_EQ(G.find("a::Net")->Name, "a::NetImpl");
  EXPECT_EQ(G.find("b::NetImpl")->Name, "b::NetImpl");
  EXPECT_EQ(G.find("Net")->Name, "a::NetImpl"); // only a has a holder Net
  EXPECT_EQ(G.find("Lone")->Name, "LoneImpl");  // no holder: Impl implied
  EXPECT_EQ(G.find("NetImpl", &Ambiguous), nullptr);
  EXPECT_TRUE(Ambiguous);
  EXPECT_EQ(G.find("Missing", &Ambiguous), nullptr);
  EXPECT_FALSE(Ambiguous);
}

} // namespace
