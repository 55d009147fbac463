// torch-checkpoint-dtype-mismatch: a tensor whose dtype differs from the
// checkpoint's (loading converts it).
// RUN: echo '{"version": 1, "keys": [{"name": "steps", "shape": [1], "dtype": "float32"}]}' > %t.json
// RUN: %expect-exit 0 %torch-keycheck check %s --class Net --checkpoint %t.json -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class Exact --checkpoint %t.json -- %libtorch | count 0
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() { steps = register_buffer("steps", torch::zeros({1}, torch::kLong)); }
  // CHECK: :[[@LINE-1]]:23: warning: {{.*}}'steps'{{.*}}int64{{.*}}float32{{.*}} [torch-checkpoint-dtype-mismatch]
  torch::Tensor steps;
};
TORCH_MODULE(Net);

struct ExactImpl : torch::nn::Module {
  ExactImpl() { steps = register_buffer("steps", torch::zeros({1})); }
  torch::Tensor steps;
};
TORCH_MODULE(Exact);
