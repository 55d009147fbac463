// Two layers of one shape registered in the other order than in the
// checkpoint: loading by name works (no error, exit 0), but optimizer
// state saved with the old order would go to the wrong layer, which is a
// warning at the first parameter out of place.
// REQUIRES: torch-python
// RUN: %torch-python -c "import torch, collections; torch.save(collections.OrderedDict([('fc1.weight', torch.zeros(4, 4)), ('fc1.bias', torch.zeros(4)), ('fc2.weight', torch.zeros(4, 4)), ('fc2.bias', torch.zeros(4))]), '%t.pt')"
// RUN: %expect-exit 0 %torch-keycheck check %s --class Swapped --checkpoint %t.pt -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{error|warning}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class InOrder --checkpoint %t.pt -- %libtorch | count 0
#include <torch/torch.h>

struct SwappedImpl : torch::nn::Module {
  SwappedImpl() {
    fc2 = register_module("fc2", torch::nn::Linear(4, 4));
    // CHECK: :[[@LINE-1]]:11: warning: parameter 0 is 'fc2.weight' in the model but 'fc1.weight' in the checkpoint, with the same shape [4, 4]; loading by name works, but optimizer state or anything else matched by position would go to the wrong layer [torch-checkpoint-parameter-order]
    fc1 = register_module("fc1", torch::nn::Linear(4, 4));
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Swapped);

struct InOrderImpl : torch::nn::Module {
  InOrderImpl() {
    fc1 = register_module("fc1", torch::nn::Linear(4, 4));
    fc2 = register_module("fc2", torch::nn::Linear(4, 4));
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(InOrder);
