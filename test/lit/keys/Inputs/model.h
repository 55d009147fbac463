// A model class in a header, as most projects keep them.
#pragma once
#include <torch/torch.h>

namespace tiny {
struct TinyImpl : torch::nn::Module {
  TinyImpl() { register_module("fc", torch::nn::Linear(2, 3)); }
};
TORCH_MODULE(Tiny);
} // namespace tiny
