// Keys of a plain model with TORCH_MODULE holders, in named_parameters()
// order, with shapes from constructor arguments and the registering line.
// RUN: %torch-keycheck keys %s --class Net -- %libtorch | FileCheck %s --match-full-lines --strict-whitespace
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() {
    fc1 = register_module("fc1", torch::nn::Linear(784, 64));
    fc2 = register_module("fc2", torch::nn::Linear(64, 10));
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Net);

// CHECK:NetImpl ({{.*}}linear-holder.cpp:6:8): 4 keys
// CHECK-NEXT:  fc1.weight  parameter  [64, 784]  float32  {{.*}}linear-holder.cpp:8:11  Linear
// CHECK-NEXT:  fc1.bias    parameter  [64]       float32  {{.*}}linear-holder.cpp:8:11  Linear
// CHECK-NEXT:  fc2.weight  parameter  [10, 64]   float32  {{.*}}linear-holder.cpp:9:11  Linear
// CHECK-NEXT:  fc2.bias    parameter  [10]       float32  {{.*}}linear-holder.cpp:9:11  Linear
// CHECK-EMPTY:
