// torch-checkpoint-reordered: container children at other indices than
// the checkpoint's (a layer moved in a Sequential shifts every index).
// RUN: echo '{"version": 1, "keys": [{"name": "body.1.weight", "shape": [8, 4], "dtype": "float32"}, {"name": "body.1.bias", "shape": [8], "dtype": "float32"}, {"name": "body.2.weight", "shape": [2, 8], "dtype": "float32"}, {"name": "body.2.bias", "shape": [2], "dtype": "float32"}]}' > %t.json
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t.json -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class Saved --checkpoint %t.json -- %libtorch | count 0
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() {
    body = register_module(
        "body", torch::nn::Sequential(torch::nn::Linear(4, 8), torch::nn::ReLU(),
                                      torch::nn::Linear(8, 2)));
    // CHECK: :[[@LINE-3]]:12: error: {{.*}}'body'{{.*}} [torch-checkpoint-reordered]
  }
  torch::nn::Sequential body{nullptr};
};
TORCH_MODULE(Net);

// The order the checkpoint was saved with: silent.
struct SavedImpl : torch::nn::Module {
  SavedImpl() {
    body = register_module(
        "body", torch::nn::Sequential(torch::nn::ReLU(), torch::nn::Linear(4, 8),
                                      torch::nn::Linear(8, 2)));
  }
  torch::nn::Sequential body{nullptr};
};
TORCH_MODULE(Saved);
