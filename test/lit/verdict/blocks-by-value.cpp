// REQUIRES: torch-python
// A user module built as a local and pushed into a Sequential by value in a
// loop (a residual block of a generator), judged against Python twins.
//
// The twin names the block's Sequential `conv_block`: one rename finding
// for the one registration, counting its instances, with the fix-it.
// RUN: %torch-python -c "import torch, torch.nn as nn; exec('class B(nn.Module):\n def __init__(s):\n  super().__init__(); s.conv_block = nn.Sequential(nn.Linear(4, 4))'); torch.save(nn.Sequential(nn.Linear(4, 4), B(), B(), B()).state_dict(), '%t-renamed.pt')"
// RUN: %expect-exit 1 %torch-keycheck check %s --function make_tower --checkpoint %t-renamed.pt -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=RENAMED --implicit-check-not='{{error|warning}}:'
// RENAMED: blocks-by-value.cpp:33:28: error: '1.conv' is '1.conv_block' in the checkpoint, and 2 more instances of this 'conv' likewise (the same keys and shapes); rename the registration or the checkpoint's keys [torch-checkpoint-renamed]
// RENAMED: "conv_block"
//
// The twin has two blocks where the model has three by default: that is
// blocks=2, said as such; with blocks=3 given, the third block is missing,
// named with its class, at the line that builds it.
// RUN: %torch-python -c "import torch, torch.nn as nn; exec('class B(nn.Module):\n def __init__(s):\n  super().__init__(); s.conv = nn.Sequential(nn.Linear(4, 4))'); torch.save(nn.Sequential(nn.Linear(4, 4), B(), B()).state_dict(), '%t-short.pt')"
// RUN: %expect-exit 0 %torch-keycheck check %s --function make_tower --checkpoint %t-short.pt -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=SOLVED
// SOLVED: remark: the checkpoint matches 'make_tower' with blocks=2, not with the defaults [torch-checkpoint-configuration]
// RUN: %expect-exit 1 %torch-keycheck check %s --function make_tower --define blocks=3 --checkpoint %t-short.pt -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=SHORT --implicit-check-not='{{error|warning}}:'
// SHORT: blocks-by-value.cpp:43:11: error: '3' (Block) is not in the checkpoint: '3.conv.0.weight' and '3.conv.0.bias' are missing [torch-checkpoint-missing-key]
//
// The same twin with the C++ names loads.
// RUN: %torch-python -c "import torch, torch.nn as nn; exec('class B(nn.Module):\n def __init__(s):\n  super().__init__(); s.conv = nn.Sequential(nn.Linear(4, 4))'); torch.save(nn.Sequential(nn.Linear(4, 4), B(), B(), B()).state_dict(), '%t-same.pt')"
// RUN: %expect-exit 0 %torch-keycheck check %s --function make_tower --checkpoint %t-same.pt -- %libtorch | count 0
#include <torch/torch.h>

struct Block : torch::nn::Module {
  explicit Block(int64_t d) {
    torch::nn::Sequential s;
    s->push_back(torch::nn::Linear(d, d));
    conv = register_module("conv", s);
  }
  torch::Tensor forward(torch::Tensor x) { return conv->forward(x); }
  torch::nn::Sequential conv{nullptr};
};

torch::nn::Sequential make_tower(int64_t blocks = 3) {
  torch::nn::Sequential net;
  net->push_back(torch::nn::Linear(4, 4));
  for (int64_t i = 0; i < blocks; i++) {
    Block block(4);
    net->push_back(block);
  }
  return net;
}
