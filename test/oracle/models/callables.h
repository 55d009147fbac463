// Oracle models that reach register_* through something other than a
// direct call, and modules that are LibTorch modules themselves: lambdas
// capturing the running channel count by reference, a std::function and a
// function pointer building blocks, subclasses of LibTorch modules that
// inherit their constructors (`using LinearImpl::LinearImpl;`) or call them
// as a base initialiser, a user class inheriting another user class's
// constructors, and enumerators as configuration.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <string>

namespace oracle {

// A Linear that only adds a method: its keys are Linear's.
struct ScaledLinearImpl : torch::nn::LinearImpl {
  using LinearImpl::LinearImpl;
  torch::Tensor forward(const torch::Tensor &x) {
    return LinearImpl::forward(x) * 0.5;
  }
};
TORCH_MODULE(ScaledLinear);

// An up-sampling layer that is a ConvTranspose2d constructed from options
// built in the initialiser, plus a norm of its own registered after it.
struct UpLayerImpl : torch::nn::ConvTranspose2dImpl {
  UpLayerImpl(int64_t in, int64_t out, bool norm = true)
      : ConvTranspose2dImpl(torch::nn::ConvTranspose2dOptions(in, out, 4)
                                .stride(2)
                                .padding(1)
                                .bias(!norm)) {
    if (norm)
      bn = register_module("bn", torch::nn::BatchNorm2d(out));
  }
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(UpLayer);

// A user block and a subclass that inherits its constructors.
struct PlainBlockImpl : torch::nn::Module {
  PlainBlockImpl(int64_t in, int64_t out) {
    conv = register_module("conv", torch::nn::Conv2d(in, out, 3));
    bn = register_module("bn", torch::nn::BatchNorm2d(out));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
struct NamedBlockImpl : PlainBlockImpl {
  using PlainBlockImpl::PlainBlockImpl;
};
TORCH_MODULE(NamedBlock);

enum class Width { Narrow = 4, Wide = 16 };
enum Depth { Shallow = 1, Deep = 3 };

// Lambdas: one registering by a computed name and carrying the width by
// reference across calls, one returning a Sequential it fills, called in a
// loop over an enumerator's value.
struct LambdaNetImpl : torch::nn::Module {
  explicit LambdaNetImpl(int64_t in = 3, Width width = Width::Narrow,
                         Depth depth = Shallow) {
    int64_t ch = in;
    const int64_t w = static_cast<int64_t>(width);
    auto stage = [&](const std::string &name, int64_t out) {
      auto c = register_module(name, torch::nn::Conv2d(ch, out, 3));
      ch = out;
      return c;
    };
    stage("stem", w);
    for (int i = 0; i < depth; ++i)
      stage("stage" + std::to_string(i + 1), w * (i + 2));
    auto make_head = [this, &ch](int64_t classes) {
      torch::nn::Sequential s(torch::nn::Flatten(),
                              torch::nn::Linear(ch, classes));
      return register_module("head", s);
    };
    head = make_head(10);
    up = register_module("up", UpLayer(ch, in));
    extra = register_module("extra", ScaledLinear(in, 2));
    block = register_module("block", NamedBlock(in, w));
  }
  torch::nn::Sequential head{nullptr};
  UpLayer up{nullptr};
  ScaledLinear extra{nullptr};
  NamedBlock block{nullptr};
};
TORCH_MODULE(LambdaNet);

inline torch::nn::Sequential callable_block(int64_t in, int64_t out) {
  return torch::nn::Sequential(torch::nn::Linear(in, out), torch::nn::ReLU());
}

// A std::function member-local and a function pointer building the same
// kind of block; the std::function adds to a Sequential it captures.
struct CallbackNetImpl : torch::nn::Module {
  CallbackNetImpl(int64_t in, int64_t hidden, bool deep = false) {
    torch::nn::Sequential body;
    std::function<void(int64_t, int64_t)> add = [&body](int64_t a,
                                                        int64_t b) {
      body->push_back(torch::nn::Linear(a, b));
      body->push_back(torch::nn::Tanh());
    };
    add(in, hidden);
    if (deep)
      add(hidden, hidden);
    register_module("body", body);
    torch::nn::Sequential (*make)(int64_t, int64_t) = &callable_block;
    register_module("out", make(hidden, 1));
  }
};
TORCH_MODULE(CallbackNet);

} // namespace oracle
