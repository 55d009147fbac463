// torch-optimizer-state-shape: optimizer state whose shapes do not fit the
// parameters in order (LibTorch matches state by position, silently).
// REQUIRES: torch-python
// RUN: %torch-python -c 'import torch; m = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Linear(8, 2)); o = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9); m(torch.zeros(1, 4)).sum().backward(); o.step(); torch.save(o.state_dict(), "%t-sgd.pt"); s = o.state_dict(); s["state"][0]["momentum_buffer"] = torch.zeros(4, 8); torch.save(s, "%t-moved.pt")'
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --optimizer-checkpoint %t-moved.pt -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class Net --optimizer-checkpoint %t-sgd.pt -- %libtorch | count 0
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() {
    fc1 = register_module("fc1", torch::nn::Linear(4, 8));
    // CHECK: :[[@LINE-1]]:11: error: optimizer state 0 ('momentum_buffer' [4, 8]) does not fit parameter 0 'fc1.weight' [8, 4]{{.*}} [torch-optimizer-state-shape]
    fc2 = register_module("fc2", torch::nn::Linear(8, 2));
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Net);
