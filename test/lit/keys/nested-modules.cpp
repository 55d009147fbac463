// User modules nest: keys are dotted paths through every level, shapes
// follow the arguments each level passes down, and each key points at the
// registration that creates it.
// RUN: %torch-keycheck keys %s --class Model -- %libtorch | FileCheck %s
#include <torch/torch.h>

struct ConvBlockImpl : torch::nn::Module {
  ConvBlockImpl(int64_t in, int64_t out) {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).bias(false)));
    bn = register_module("bn", torch::nn::BatchNorm2d(out));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(ConvBlock);

struct EncoderImpl : torch::nn::Module {
  explicit EncoderImpl(int64_t width) {
    layer1 = register_module("layer1", ConvBlock(3, width));
    layer2 = register_module("layer2", ConvBlock(width, width * 2));
  }
  ConvBlock layer1{nullptr}, layer2{nullptr};
};
TORCH_MODULE(Encoder);

struct ModelImpl : torch::nn::Module {
  ModelImpl() { encoder = register_module("encoder", Encoder(16)); }
  Encoder encoder{nullptr};
};
TORCH_MODULE(Model);

// CHECK: ModelImpl ({{.*}}): 12 keys
// CHECK-NEXT: encoder.layer1.conv.weight  parameter  [16, 3, 3, 3]   float32  {{.*}}nested-modules.cpp:9:12  Conv2d
// CHECK-NEXT: encoder.layer1.bn.weight    parameter  [16]            float32  {{.*}}nested-modules.cpp:10:10  BatchNorm2d
// CHECK-NEXT: encoder.layer1.bn.bias
// CHECK-NEXT: encoder.layer2.conv.weight  parameter  [32, 16, 3, 3]
// CHECK-NEXT: encoder.layer2.bn.weight    parameter  [32]
// CHECK-NEXT: encoder.layer2.bn.bias
// CHECK-NEXT: encoder.layer1.bn.running_mean
// CHECK-NEXT: encoder.layer1.bn.running_var
// CHECK-NEXT: encoder.layer1.bn.num_batches_tracked  buffer     []  int64
// CHECK-NEXT: encoder.layer2.bn.running_mean
// CHECK-NEXT: encoder.layer2.bn.running_var
// CHECK-NEXT: encoder.layer2.bn.num_batches_tracked
