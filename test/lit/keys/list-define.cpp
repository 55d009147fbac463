// A std::vector parameter takes a list: stages built by a helper in a loop
// over it, carrying the width in a member, come out exact.
// RUN: %torch-keycheck keys %s --class Net --define "layers=[2, 1]" -- %libtorch | FileCheck %s
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  explicit NetImpl(std::vector<int64_t> layers) {
    for (size_t i = 0; i < layers.size(); ++i)
      register_module("layer" + std::to_string(i + 1), make_layer(8 << i, layers[i]));
  }
  torch::nn::Sequential make_layer(int64_t planes, int64_t blocks) {
    torch::nn::Sequential seq;
    for (int64_t b = 0; b < blocks; ++b) {
      seq->push_back(torch::nn::Linear(inplanes, planes));
      inplanes = planes;
    }
    return seq;
  }
  int64_t inplanes = 4;
};
TORCH_MODULE(Net);

// CHECK: NetImpl ({{.*}}) with layers=[2, 1]: 6 keys
// CHECK-NEXT: layer1.0.weight  parameter  [8, 4]
// CHECK-NEXT: layer1.0.bias
// CHECK-NEXT: layer1.1.weight  parameter  [8, 8]
// CHECK-NEXT: layer1.1.bias
// CHECK-NEXT: layer2.0.weight  parameter  [16, 8]
