// A value assigned in both branches of an undecided `if` keeps both.
// RUN: %torch-keycheck keys %s --class Net -- %libtorch | FileCheck %s
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl(int64_t in, bool wide) {
    int64_t hidden;
    if (wide)
      hidden = 128;
    else
      hidden = 32;
    register_module("fc", torch::nn::Linear(in, hidden));
  }
};
TORCH_MODULE(Net);

// CHECK: fc.weight  parameter  [wide ? 128 : 32, in]
