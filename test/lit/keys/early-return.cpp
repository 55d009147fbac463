// `if (!flag) return;` guards everything after it.
// RUN: %torch-keycheck keys %s --class Net -- %libtorch | FileCheck %s --check-prefix=OPEN
// RUN: %torch-keycheck keys %s --class Net --define aux_logits=false -- %libtorch | FileCheck %s --check-prefix=OFF
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  explicit NetImpl(bool aux_logits) {
    register_module("head", torch::nn::Linear(8, 2));
    if (!aux_logits)
      return;
    register_module("aux", torch::nn::Linear(8, 2));
  }
};
TORCH_MODULE(Net);

// OPEN: head.weight  parameter  [2, 8]  float32  {{.*}}early-return.cpp:8:5  Linear{{$}}
// OPEN: aux.weight   parameter  [2, 8]  float32  {{.*}}early-return.cpp:11:5  Linear  [if aux_logits]

// OFF: NetImpl ({{.*}}) with aux_logits=false: 2 keys
// OFF-NOT: aux
