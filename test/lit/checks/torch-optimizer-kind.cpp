// torch-optimizer-kind: optimizer state saved by another optimizer than
// the one loading it (LibTorch dies on it with an internal assertion).
// REQUIRES: torch-python
// RUN: %torch-python -c 'import torch; m = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Linear(8, 2)); o = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9); m(torch.zeros(1, 4)).sum().backward(); o.step(); torch.save(o.state_dict(), "%t-sgd.pt")'
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --optimizer-checkpoint %t-sgd.pt --optimizer adam -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class Net --optimizer-checkpoint %t-sgd.pt --optimizer sgd -- %libtorch | count 0
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  // CHECK: :[[@LINE-1]]:8: error: the optimizer state was saved by SGD, not adam{{.*}} [torch-optimizer-kind]
  NetImpl() {
    fc1 = register_module("fc1", torch::nn::Linear(4, 8));
    fc2 = register_module("fc2", torch::nn::Linear(8, 2));
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Net);
