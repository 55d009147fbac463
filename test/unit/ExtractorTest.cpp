// The extractor on small stand-in headers: fast checks of AST shapes the
// lit suite covers end to end with the real LibTorch headers.
#include "torch-keycheck/extract/Extractor.h"
#include "torch-keycheck/keys/ModelKeys.h"

#include "clang/Frontend/FrontendActions.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

using namespace torchkc;

namespace {

// Just enough of LibTorch's shape for the extractor: Module with its
// register_* members, ModuleHolder, one built-in and its holder.
const char *Mock = R"cpp(
#include <memory>
#include <string>
namespace at { struct Tensor {}; Tensor zeros(std::initializer_list<long>); }
namespace torch {
using at::Tensor; using at::zeros;
namespace nn {
template <typename I> class ModuleHolder;
class Module {
public:
  virtual ~Module() = default;
  template <typename M> std::shared_ptr<M> register_module(std::string, std::shared_ptr<M> m) { return m; }
  template <typename M> std::shared_ptr<M> register_module(std::string, ModuleHolder<M> h) { return h.impl_; }
  Tensor register_parameter(std::string, Tensor t, bool = true) { return t; }
  Tensor register_buffer(std::string, Tensor t) { return t; }
};
template <typename I> class ModuleHolder {
public:
  ModuleHolder(std::nullptr_t) {}
  template <typename H, typename... T> explicit ModuleHolder(H&& h, T&&... t)
      : impl_(std::make_shared<I>(h, t...)) {}
  operator std::shared_ptr<I>() const { return impl_; }
  std::shared_ptr<I> impl_;
};
struct LinearImpl : Module { LinearImpl(long, long) {} };
class Linear : public ModuleHolder<LinearImpl> { public: using ModuleHolder::ModuleHolder; };
} // namespace nn
} // namespace torch
)cpp";

RegistrationGraph extract(const std::string &Code) {
  RegistrationGraph G;
  auto Factory = newExtractionActionFactory(G);
  std::unique_ptr<clang::FrontendAction> Action = Factory->create();
  EXPECT_TRUE(clang::tooling::runToolOnCodeWithArgs(
      std::move(Action), std::string(Mock) + Code,
      {"-std=c++17", "-resource-dir=" TORCHKC_CLANG_RESOURCE_DIR},
      "input.cpp"));
  return G;
}

std::string keys(const RegistrationGraph &G, const std::string &Class,
                 Bindings Defines = {}) {
  const ModuleClass *C = G.find(Class);
  if (!C)
    return "<no class>";
  Configuration Cfg;
  Cfg.Defines = std::move(Defines);
  std::string R;
  for (const Key &K : deriveKeys(G, *C, Cfg).Keys) {
    R += K.Name;
    if (K.Shape) {
      R += "[";
      for (size_t I = 0; I < K.Shape->size(); ++I)
        R += (I ? "," : "") + (*K.Shape)[I].str();
      R += "]";
    }
    R += " ";
  }
  return R;
}

TEST(ExtractorTest, FindsModuleClassesOnly) {
  auto G = extract(R"cpp(
    struct A : torch::nn::Module { A() {} };
    struct B : A { B() {} };
    struct NotAModule { NotAModule() {} };
  )cpp");
  ASSERT_EQ(G.Classes.size(), 2u);
  EXPECT_EQ(G.Classes[0].Name, "A");
  EXPECT_EQ(G.Classes[1].Name, "B");
}

TEST(ExtractorTest, LocalsAndParametersBecomeSymbolicShapes) {
  auto G = extract(R"cpp(
    struct Net : torch::nn::Module {
      Net(long in, long scale = 2) {
        long hidden = in * scale;
        register_module("fc", torch::nn::Linear(in, hidden));
        register_parameter("p", torch::zeros({hidden, 3}));
      }
    };
  )cpp");
  EXPECT_EQ(keys(G, "Net"),
            "p[in * 2,3] fc.weight[in * 2,in] fc.bias[in * 2] ");
  EXPECT_EQ(keys(G, "Net", {{"in", SymExpr::makeInt(5)}}),
            "p[10,3] fc.weight[10,5] fc.bias[10] ");
}

TEST(ExtractorTest, MemberFunctionsCalledFromTheConstructorAreFollowed) {
  auto G = extract(R"cpp(
    struct Net : torch::nn::Module {
      Net() { build(4); }
      void build(long n) { register_module("fc", torch::nn::Linear(n, n + 1)); }
    };
  )cpp");
  EXPECT_EQ(keys(G, "Net"), "fc.weight[5,4] fc.bias[5] ");
}

TEST(ExtractorTest, ElseBranchCarriesTheNegatedCondition) {
  auto G = extract(R"cpp(
    struct Net : torch::nn::Module {
      explicit Net(bool big) {
        if (big) register_parameter("a", torch::zeros({8}));
        else register_parameter("b", torch::zeros({2}));
      }
    };
  )cpp");
  const ModuleClass *C = G.find("Net");
  ASSERT_TRUE(C);
  const auto &Regs = C->Constructors[0].Registrations;
  ASSERT_EQ(Regs.size(), 2u);
  EXPECT_EQ(Regs[0].Guards[0]->str(), "big");
  EXPECT_EQ(Regs[1].Guards[0]->str(), "!big");
}

TEST(ExtractorTest, UnconditionalReturnEndsTheConstructor) {
  auto G = extract(R"cpp(
    struct Net : torch::nn::Module {
      Net() {
        register_parameter("kept", torch::zeros({1}));
        return;
        register_parameter("dead", torch::zeros({1}));
      }
    };
  )cpp");
  EXPECT_EQ(keys(G, "Net"), "kept[1] ");
}

TEST(ExtractorTest, RecursiveHelpersAreBounded) {
  auto G = extract(R"cpp(
    struct Net : torch::nn::Module {
      Net() { grow(0); }
      void grow(long i) { grow(i + 1); }
    };
  )cpp");
  const ModuleClass *C = G.find("Net");
  ASSERT_TRUE(C);
  EXPECT_FALSE(C->Constructors[0].Unresolved.empty());
}

} // namespace
