// torch-checkpoint-missing-key: a key the model registers and the
// checkpoint lacks (torch::load throws "No such serialized tensor").
// RUN: echo '{"version": 1, "keys": [{"name": "fc.weight", "shape": [2, 4], "dtype": "float32"}, {"name": "fc.bias", "shape": [2], "dtype": "float32"}]}' > %t.json
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t.json -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class Exact --checkpoint %t.json -- %libtorch | count 0
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() {
    fc = register_module("fc", torch::nn::Linear(4, 2));
    scale = register_parameter("scale", torch::ones({2}));
    // CHECK: :[[@LINE-1]]:13: error: {{.*}}'scale'{{.*}} [torch-checkpoint-missing-key]
  }
  torch::nn::Linear fc{nullptr};
  torch::Tensor scale;
};
TORCH_MODULE(Net);

// The same keys as the checkpoint: silent.
struct ExactImpl : torch::nn::Module {
  ExactImpl() { fc = register_module("fc", torch::nn::Linear(4, 2)); }
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Exact);
