// A registration under `if` carries its condition until a configuration
// decides it; `else` branches carry the negation.
// RUN: %torch-keycheck keys %s --class FlagNet -- %libtorch | FileCheck %s --check-prefix=OPEN
// RUN: %torch-keycheck keys %s --class FlagNet --define use_extra_layer=true -- %libtorch | FileCheck %s --check-prefix=ON
// RUN: %torch-keycheck keys %s --class FlagNet --define use_extra_layer=false -- %libtorch | FileCheck %s --check-prefix=OFF
// RUN: %torch-keycheck keys %s --class FlagNet --format json -- %libtorch | FileCheck %s --check-prefix=JSON
#include <torch/torch.h>

struct FlagNetImpl : torch::nn::Module {
  explicit FlagNetImpl(bool use_extra_layer) {
    register_module("linear1", torch::nn::Linear(10, 5));
    if (use_extra_layer)
      register_module("linear3", torch::nn::Linear(5, 2));
    else
      register_parameter("scale", torch::ones({5}));
  }
};
TORCH_MODULE(FlagNet);

// Own parameters come before the children's, as named_parameters() lists them.
// OPEN: FlagNetImpl ({{.*}}): 5 keys; which keys exist depends on 'use_extra_layer'
// OPEN-NEXT: scale           parameter  [5]      float32  {{.*}}conditional.cpp:15:7  register_parameter  [if !use_extra_layer]
// OPEN-NEXT: linear1.weight  parameter  [5, 10]  float32  {{.*}}conditional.cpp:11:5  Linear
// OPEN-NEXT: linear1.bias    parameter  [5]      float32  {{.*}}conditional.cpp:11:5  Linear
// OPEN-NEXT: linear3.weight  parameter  [2, 5]   float32  {{.*}}conditional.cpp:13:7  Linear  [if use_extra_layer]

// ON: FlagNetImpl ({{.*}}) with use_extra_layer=true: 4 keys{{$}}
// ON-NOT: scale
// ON: linear3.bias
// ON-NOT: [if

// OFF: FlagNetImpl ({{.*}}) with use_extra_layer=false: 3 keys
// OFF-NOT: linear3
// OFF: scale

// The knobs, machine-readable: per model and per conditional key.
// JSON:      "knobs": [
// JSON-NEXT:   "use_extra_layer"
// JSON:      "name": "linear3.weight",
// JSON:      "conditions": [
// JSON-NEXT:   "use_extra_layer"
// JSON-NEXT: ],
// JSON-NEXT: "depends_on": [
// JSON-NEXT:   "use_extra_layer"
