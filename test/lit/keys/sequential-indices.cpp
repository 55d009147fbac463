// Sequential names children by position; parameter-free layers take an
// index too, so moving the ReLU shifts every later key (the write-up's
// reordered-layers hazard).
// RUN: %torch-keycheck keys %s --class V1 -- %libtorch | FileCheck %s --check-prefix=V1
// RUN: %torch-keycheck keys %s --class V2 -- %libtorch | FileCheck %s --check-prefix=V2
#include <torch/torch.h>

using namespace torch::nn;

struct V1Impl : Module {
  V1Impl() { register_module("body", Sequential(Linear(10, 5), ReLU(), Linear(5, 2))); }
};
TORCH_MODULE(V1);

struct V2Impl : Module {
  V2Impl() { register_module("body", Sequential(ReLU(), Linear(10, 5), Linear(5, 2))); }
};
TORCH_MODULE(V2);

// V1: body.0.weight  parameter  [5, 10]  float32  {{.*}}sequential-indices.cpp:11:49  Linear
// V1: body.2.weight  parameter  [2, 5]   float32  {{.*}}sequential-indices.cpp:11:72  Linear

// V2: body.1.weight  parameter  [5, 10]  float32  {{.*}}sequential-indices.cpp:16:57  Linear
// V2: body.2.weight  parameter  [2, 5]
