// Oracle models: containers and the three hazards of the seed write-up.
#pragma once
#include <torch/torch.h>

namespace oracle {

// A Sequential built with push_back (named and unnamed) and a ModuleList.
struct PushBackImpl : torch::nn::Module {
  PushBackImpl(int64_t in, int64_t out) {
    torch::nn::Sequential seq;
    seq->push_back(torch::nn::Linear(in, out));
    seq->push_back(torch::nn::ReLU());
    seq->push_back("proj", torch::nn::Linear(out, out));
    seq->push_back(torch::nn::Linear(out, 1));
    register_module("seq", seq);
    layers = register_module("layers", torch::nn::ModuleList());
    layers->push_back(torch::nn::Linear(in, in));
    layers->push_back(torch::nn::BatchNorm1d(in));
  }
  torch::nn::ModuleList layers{nullptr};
};

// A Sequential of named children.
struct NamedSequentialImpl : torch::nn::Module {
  explicit NamedSequentialImpl(int64_t ch) {
    features = register_module(
        "features",
        torch::nn::Sequential({{"conv", torch::nn::Conv2d(3, ch, 3)},
                               {"bn", torch::nn::BatchNorm2d(ch)},
                               {"relu", torch::nn::ReLU()}}));
  }
  torch::nn::Sequential features{nullptr};
};

// Hazard 1 of the write-up, in C++: the same layers in another order.
// Version 1 saves body.0 and body.2; version 2, with the activation moved
// first, expects body.1 and body.2.
struct ReorderedV1Impl : torch::nn::Module {
  ReorderedV1Impl() {
    body =
        register_module("body", torch::nn::Sequential(torch::nn::Linear(10, 5),
                                                      torch::nn::ReLU(),
                                                      torch::nn::Linear(5, 2)));
  }
  torch::nn::Sequential body{nullptr};
};

struct ReorderedV2Impl : torch::nn::Module {
  ReorderedV2Impl() {
    body =
        register_module("body", torch::nn::Sequential(torch::nn::ReLU(),
                                                      torch::nn::Linear(10, 5),
                                                      torch::nn::Linear(5, 2)));
  }
  torch::nn::Sequential body{nullptr};
};

// Hazard 2: a layer registered only under a configuration flag.
struct FlagLayerImpl : torch::nn::Module {
  FlagLayerImpl(int64_t in, bool use_extra_layer) {
    linear1 = register_module("linear1", torch::nn::Linear(in, 20));
    linear2 = register_module("linear2", torch::nn::Linear(20, 5));
    if (use_extra_layer) {
      linear3 = register_module("linear3", torch::nn::Linear(5, 2));
    } else {
      register_buffer("fallback_scale", torch::ones({5}));
    }
  }
  torch::nn::Linear linear1{nullptr}, linear2{nullptr}, linear3{nullptr};
};

// Hazard 3: the model whose optimizer state is saved by SGD and loaded
// into Adam. Its keys are plain; the optimizer state is positional over
// its parameters in this order.
struct OptimizedNetImpl : torch::nn::Module {
  explicit OptimizedNetImpl(int64_t in) {
    fc1 = register_module("fc1", torch::nn::Linear(in, 8));
    bn = register_module("bn", torch::nn::BatchNorm1d(8));
    fc2 = register_module("fc2", torch::nn::Linear(8, 2));
  }
  torch::Tensor forward(torch::Tensor x) { return fc2(bn(fc1(x))); }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::BatchNorm1d bn{nullptr};
};

} // namespace oracle
