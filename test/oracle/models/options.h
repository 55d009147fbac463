// Oracle models: options objects as values with state, the way real code
// builds them: declared, mutated by statements (also under a branch a
// parameter decides), copied, and passed to and returned from helpers.
#pragma once
#include <torch/torch.h>

namespace oracle {

inline torch::nn::Conv2dOptions conv_opts(int64_t in, int64_t out, int64_t k,
                                          int64_t stride, bool with_bias) {
  torch::nn::Conv2dOptions o(in, out, k);
  o.stride(stride).padding(k / 2);
  if (!with_bias)
    o.bias(false);
  return o;
}

struct OptionsStateImpl : torch::nn::Module {
  OptionsStateImpl(int64_t c, bool affine) {
    torch::nn::Conv2dOptions stem(3, c, 3);
    stem.bias(false);
    conv = register_module("conv", torch::nn::Conv2d(stem));
    down = register_module("down",
                           torch::nn::Conv2d(conv_opts(c, c, 1, 2, true)));
    proj = register_module("proj",
                           torch::nn::Conv2d(conv_opts(c, 2 * c, 3, 1, false)));
    torch::nn::BatchNorm2dOptions bn_opts(c);
    if (!affine)
      bn_opts.affine(false);
    bn = register_module("bn", torch::nn::BatchNorm2d(bn_opts));
    auto wide = torch::nn::LinearOptions(c, 4);
    auto narrow = wide;
    narrow.bias(false);
    fc1 = register_module("fc1", torch::nn::Linear(wide));
    fc2 = register_module("fc2", torch::nn::Linear(narrow));
  }
  torch::nn::Conv2d conv{nullptr}, down{nullptr}, proj{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(OptionsState);

} // namespace oracle
