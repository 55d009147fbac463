// switch cases guard their registrations; fall-through joins the cases;
// default holds when no case matches.
// RUN: %torch-keycheck keys %s --class Net -- %libtorch | FileCheck %s --check-prefix=OPEN
// RUN: %torch-keycheck keys %s --class Net --define kind=2 -- %libtorch | FileCheck %s --check-prefix=TWO
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  explicit NetImpl(int kind) {
    switch (kind) {
    case 0:
      register_module("proj", torch::nn::Linear(4, 4));
      break;
    case 1:
    case 2:
      register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({4})));
      break;
    default:
      register_parameter("scale", torch::ones({4}));
    }
  }
};
TORCH_MODULE(Net);

// OPEN: scale        parameter  [4]     float32  {{.*}}switch.cpp:18:7  register_parameter  [if ((kind != 0) && (kind != 1)) && (kind != 2)]
// OPEN: proj.weight  parameter  [4, 4]  float32  {{.*}}switch.cpp:11:7  Linear  [if kind == 0]
// OPEN: norm.weight  parameter  [4]     float32  {{.*}}switch.cpp:15:7  LayerNorm  [if (kind == 1) || (kind == 2)]

// TWO: NetImpl ({{.*}}) with kind=2: 2 keys
// TWO-NEXT: norm.weight
// TWO-NEXT: norm.bias
