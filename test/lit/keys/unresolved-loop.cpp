// Registrations this version does not follow (loops, switch) are reported
// as unresolved at their line, never guessed.
// RUN: %torch-keycheck keys %s --class Net -- %libtorch | FileCheck %s
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  explicit NetImpl(int64_t depth) {
    register_module("stem", torch::nn::Linear(4, 4));
    for (int64_t i = 0; i < depth; ++i)
      register_module("block" + std::to_string(i), torch::nn::Linear(4, 4));
  }
};
TORCH_MODULE(Net);

// CHECK: NetImpl ({{.*}}): 2 keys
// CHECK: stem.weight
// CHECK: unresolved: {{.*}}unresolved-loop.cpp:10:7: registration inside a loop is not followed: its keys are not listed
