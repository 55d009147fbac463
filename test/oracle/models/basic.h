// Oracle models: plain, nested, holder, option-builder and value-flow styles.
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <string>

namespace oracle {

constexpr int64_t kEmbed = 12;

// A plain multi-layer perceptron, the tutorial shape.
struct MlpImpl : torch::nn::Module {
  MlpImpl(int64_t in, int64_t hidden, int64_t out = 10) {
    fc1 = register_module("fc1", torch::nn::Linear(in, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, out));
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Mlp);

// Options builders and a bias switch that is a constructor parameter.
struct LinearOptionsNetImpl : torch::nn::Module {
  LinearOptionsNetImpl(int64_t in, int64_t out, bool bias) {
    proj = register_module(
        "proj",
        torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias)));
    head = register_module("head",
                           torch::nn::Linear(torch::nn::LinearOptions(out, 1)));
  }
  torch::nn::Linear proj{nullptr}, head{nullptr};
};

// Registration in the member initialiser list, and a member assigned and
// registered separately.
struct MemberInitImpl : torch::nn::Module {
  explicit MemberInitImpl(int64_t width)
      : first(register_module("first", torch::nn::Linear(width, width * 2))),
        second(torch::nn::Linear(width * 2, kEmbed)) {
    register_module("second", second);
  }
  torch::nn::Linear first, second;
};

// Values flowing through locals, ternaries, std::max and constants.
struct ValueFlowImpl : torch::nn::Module {
  ValueFlowImpl(int64_t in, int64_t expansion, bool wide) {
    int64_t hidden = in * expansion;
    const int64_t out = wide ? 128 : 32;
    int64_t narrow = std::max<int64_t>(hidden / 4, 8);
    up = register_module("up", torch::nn::Linear(in, hidden));
    down = register_module("down", torch::nn::Linear(hidden, narrow));
    head = register_module("head", torch::nn::Linear(narrow, out));
  }
  torch::nn::Linear up{nullptr}, down{nullptr}, head{nullptr};
};

// Names built from strings rather than written as one literal.
struct ComputedNamesImpl : torch::nn::Module {
  explicit ComputedNamesImpl(int64_t dim) {
    std::string stem = "layer";
    register_module(stem + std::to_string(1), torch::nn::Linear(dim, dim));
    register_module(stem + "_" + std::to_string(2), torch::nn::Linear(dim, 2));
    register_module(std::string("proj") + "_out", torch::nn::Linear(2, 1));
  }
};

// Parameters and buffers from tensor factories, with dtypes.
struct TensorsImpl : torch::nn::Module {
  explicit TensorsImpl(int64_t n) {
    register_parameter("scale", torch::ones({n}));
    register_parameter("matrix", torch::randn({n, n * 2}) * 0.02);
    register_parameter("frozen", torch::zeros({3, n}), /*requires_grad=*/false);
    register_parameter("scalar", torch::zeros({}));
    register_buffer("steps", torch::zeros({1}, torch::kLong));
    register_buffer("mask", torch::ones({n, n}, torch::TensorOptions().dtype(
                                                    torch::kBool)));
    register_buffer("ident", torch::eye(n));
    register_buffer("half", torch::empty({2, n}, torch::kHalf));
    register_buffer("table", torch::full({4, 2}, 7, torch::kInt));
    register_buffer("noise", torch::rand({n}).to(torch::kDouble));
  }
};

// Constant buffers the way models write them: literal tensors, ranges,
// and fills whose dtype ATen infers from the fill value.
struct ConstantBuffersImpl : torch::nn::Module {
  explicit ConstantBuffersImpl(int64_t n) {
    register_buffer("mean", torch::tensor({0.485, 0.456, 0.406}));
    register_buffer("ids", torch::tensor({1, 2, 3, 4}));
    register_buffer("grid",
                    torch::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}));
    register_buffer("positions", torch::arange(n));
    register_buffer("window", torch::arange(2, n + 2));
    register_buffer("steps", torch::arange(0.0, 1.0, 0.25));
    register_buffer("fill_int", torch::full({2, n}, 3));
    register_buffer("fill_float", torch::full({n}, 0.5));
    register_buffer("fill_bool", torch::full({n}, true));
    register_parameter("bias", torch::zeros(n));
    register_buffer("draws", torch::randint(10, {n, 3}));
  }
};

// Three levels of user modules through TORCH_MODULE holders.
struct LeafImpl : torch::nn::Module {
  LeafImpl(int64_t in, int64_t out) {
    conv = register_module("conv", torch::nn::Conv1d(in, out, 3));
    register_buffer("calls", torch::zeros({}, torch::kLong));
  }
  torch::nn::Conv1d conv{nullptr};
};
TORCH_MODULE(Leaf);

struct StageImpl : torch::nn::Module {
  StageImpl(int64_t ch) {
    layer1 = register_module("layer1", Leaf(ch, ch * 2));
    layer2 = register_module("layer2", Leaf(ch * 2, ch));
  }
  Leaf layer1{nullptr}, layer2{nullptr};
};
TORCH_MODULE(Stage);

struct NestedImpl : torch::nn::Module {
  NestedImpl(int64_t ch) {
    encoder = register_module("encoder", Stage(ch));
    decoder = register_module("decoder", Stage(ch * 2));
    register_parameter("gain", torch::ones({ch}));
  }
  Stage encoder{nullptr}, decoder{nullptr};
};
TORCH_MODULE(Nested);

// Modules held by shared_ptr instead of a holder.
struct SharedPtrImpl : torch::nn::Module {
  explicit SharedPtrImpl(int64_t ch) {
    leaf = register_module("leaf", std::make_shared<LeafImpl>(ch, ch));
    lin =
        register_module("lin", std::make_shared<torch::nn::LinearImpl>(ch, 3));
  }
  std::shared_ptr<LeafImpl> leaf;
  std::shared_ptr<torch::nn::LinearImpl> lin;
};

// Cloneable modules register in reset(), which the constructor calls.
struct CloneableNetImpl : torch::nn::Cloneable<CloneableNetImpl> {
  explicit CloneableNetImpl(int64_t dim = 6) : dim_(dim) { reset(); }
  void reset() override {
    fc = register_module("fc", torch::nn::Linear(dim_, dim_ + 1));
    register_buffer("running", torch::zeros({dim_}));
  }
  int64_t dim_;
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(CloneableNet);

// A member function that builds what the constructor registers.
struct HelperMethodImpl : torch::nn::Module {
  HelperMethodImpl(int64_t in, int64_t classes) {
    trunk = register_module("trunk", make_block(in, 32));
    head = register_module("head", make_head(32, classes));
  }
  torch::nn::Sequential make_block(int64_t a, int64_t b) {
    return torch::nn::Sequential(torch::nn::Linear(a, b), torch::nn::ReLU(),
                                 torch::nn::Linear(b, b));
  }
  torch::nn::Linear make_head(int64_t a, int64_t n) {
    return torch::nn::Linear(a, n);
  }
  torch::nn::Sequential trunk{nullptr};
  torch::nn::Linear head{nullptr};
};

// A model whose base class constructor registers first.
struct BackboneImpl : torch::nn::Module {
  explicit BackboneImpl(int64_t ch) {
    stem = register_module("stem", torch::nn::Conv2d(3, ch, 3));
  }
  torch::nn::Conv2d stem{nullptr};
};

struct ClassifierImpl : BackboneImpl {
  ClassifierImpl(int64_t ch, int64_t classes) : BackboneImpl(ch * 2) {
    fc = register_module("fc", torch::nn::Linear(ch * 2, classes));
  }
  torch::nn::Linear fc{nullptr};
};

// A model with two constructors.
struct TwoCtorsImpl : torch::nn::Module {
  TwoCtorsImpl() : TwoCtorsImpl(4, 4) {}
  TwoCtorsImpl(int64_t in, int64_t out) {
    fc = register_module("fc", torch::nn::Linear(in, out));
  }
  torch::nn::Linear fc{nullptr};
};

} // namespace oracle
