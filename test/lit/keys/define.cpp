// Constructor parameters: a --define wins over a default; without either a
// dimension stays symbolic, named after the parameter.
// RUN: %torch-keycheck keys %s --class Mlp -- %libtorch | FileCheck %s --check-prefix=SYMBOLIC
// RUN: %torch-keycheck keys %s --class Mlp --define in=784 -- %libtorch | FileCheck %s --check-prefix=DEFAULT
// RUN: %torch-keycheck keys %s --class Mlp --define in=784 --define hidden=256 -- %libtorch | FileCheck %s --check-prefix=DEFINED
#include <torch/torch.h>

struct MlpImpl : torch::nn::Module {
  MlpImpl(int64_t in, int64_t hidden = 128) {
    int64_t wide = hidden * 2;
    register_module("fc1", torch::nn::Linear(in, wide));
    register_module("fc2", torch::nn::Linear(wide, 10));
  }
};
TORCH_MODULE(Mlp);

// SYMBOLIC: fc1.weight  parameter  [256, in]
// SYMBOLIC: fc2.weight  parameter  [10, 256]

// DEFAULT: MlpImpl ({{.*}}) with in=784: 4 keys
// DEFAULT: fc1.weight  parameter  [256, 784]

// DEFINED: MlpImpl ({{.*}}) with hidden=256, in=784: 4 keys
// DEFINED: fc1.weight  parameter  [512, 784]
// DEFINED: fc2.weight  parameter  [10, 512]
