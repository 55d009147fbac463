// Solving the configuration from a torch-written checkpoint: a loop count
// from the indices present, a width from a size (naming the key it was
// read from), and sizes that contradict each other.
// REQUIRES: torch-python
// RUN: %torch-python -c "import torch; z = torch.zeros; torch.save({'blocks.0.weight': z(8, 8), 'blocks.0.bias': z(8), 'blocks.1.weight': z(8, 8), 'blocks.1.bias': z(8), 'blocks.2.weight': z(8, 8), 'blocks.2.bias': z(8)}, '%t-depth.pt')"
// RUN: %expect-exit 0 %torch-keycheck check %s --class Encoder --checkpoint %t-depth.pt -- %libtorch | FileCheck %s --check-prefix=DEPTH
// RUN: %torch-python -c "import torch; z = torch.zeros; torch.save({'fc1.weight': z(8, 4), 'fc1.bias': z(8), 'fc2.weight': z(2, 16), 'fc2.bias': z(2)}, '%t-contra.pt')"
// RUN: %expect-exit 1 %torch-keycheck check %s --class Mlp --checkpoint %t-contra.pt -- %libtorch | FileCheck %s --check-prefix=CONTRA
#include <torch/torch.h>

struct EncoderImpl : torch::nn::Module {
  EncoderImpl(int64_t width, int64_t depth) {
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < depth; ++i)
      blocks->push_back(torch::nn::Linear(width, width));
  }
  torch::nn::ModuleList blocks{nullptr};
};
TORCH_MODULE(Encoder);

// DEPTH: remark: the checkpoint matches 'EncoderImpl' with width=8 (from blocks.0.weight), depth=3 [torch-checkpoint-configuration]

struct MlpImpl : torch::nn::Module {
  explicit MlpImpl(int64_t hidden) {
    register_module("fc1", torch::nn::Linear(4, hidden));
    register_module("fc2", torch::nn::Linear(hidden, 2));
  }
};
TORCH_MODULE(Mlp);

// CONTRA: remark: no configuration of 'MlpImpl' matches the checkpoint; the closest is hidden=8, which differs as reported below
// CONTRA: note: the checkpoint's sizes disagree about 'hidden': 8 from fc1.weight, 16 from fc2.weight
// CONTRA: error: 'fc2.weight' is [2, 8] (from hidden=8) in the model but [2, 16] in the checkpoint
