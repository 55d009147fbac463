// torch-checkpoint-prefix: every checkpoint key under a wrapper's prefix
// (DataParallel's `module.`), which the model does not have.
// RUN: echo '{"version": 1, "keys": [{"name": "module.fc.weight", "shape": [2, 4], "dtype": "float32"}, {"name": "module.fc.bias", "shape": [2], "dtype": "float32"}]}' > %t.json
// RUN: echo '{"version": 1, "keys": [{"name": "fc.weight", "shape": [2, 4], "dtype": "float32"}, {"name": "fc.bias", "shape": [2], "dtype": "float32"}]}' > %t.plain.json
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t.json -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class Net --checkpoint %t.plain.json -- %libtorch | count 0
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  // CHECK: :[[@LINE-1]]:8: error: every checkpoint key starts with 'module.', which 'NetImpl' does not register; strip it from the keys before loading{{.*}} [torch-checkpoint-prefix]
  NetImpl() { fc = register_module("fc", torch::nn::Linear(4, 2)); }
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Net);
