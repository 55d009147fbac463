// torch-checkpoint-shape-mismatch: a tensor whose shape differs from the
// checkpoint's (torch::load takes the checkpoint's shape silently).
// RUN: echo '{"version": 1, "keys": [{"name": "fc.weight", "shape": [3, 4], "dtype": "float32"}, {"name": "fc.bias", "shape": [3], "dtype": "float32"}]}' > %t.json
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t.json -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class Exact --checkpoint %t.json -- %libtorch | count 0
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() { fc = register_module("fc", torch::nn::Linear(4, 2)); }
  // CHECK: :[[@LINE-1]]:20: error: 'fc.weight' is [2, 4] in the model but [3, 4] in the checkpoint{{.*}} [torch-checkpoint-shape-mismatch]
  // CHECK: :[[@LINE-2]]:20: error: 'fc.bias' is [2] in the model but [3] in the checkpoint{{.*}} [torch-checkpoint-shape-mismatch]
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Net);

struct ExactImpl : torch::nn::Module {
  ExactImpl() { fc = register_module("fc", torch::nn::Linear(4, 3)); }
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Exact);
