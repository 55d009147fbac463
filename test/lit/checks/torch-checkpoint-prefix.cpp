// torch-checkpoint-prefix: every checkpoint key under a wrapper's prefix
// (DataParallel's `module.`), which the model does not have.
// RUN: echo '{"version": 1, "keys": [{"name": "module.fc.weight", "shape": [2, 4], "dtype": "float32"}, {"name": "module.fc.bias", "shape": [2], "dtype": "float32"}]}' > %t.json
// RUN: echo '{"version": 1, "keys": [{"name": "fc.weight", "shape": [2, 4], "dtype": "float32"}, {"name": "fc.bias", "shape": [2], "dtype": "float32"}]}' > %t.plain.json
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t.json -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class Net --checkpoint %t.plain.json -- %libtorch | count 0
//
// The reverse: a checkpoint of one sub-module, saved alone by torch (the
// Python state_dict of the discriminator's body): one finding at the
// module, and what else differs still shows (the head the part lacks).
// REQUIRES: torch-python
// RUN: %torch-python -c "import torch, torch.nn as nn; torch.save(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8)).state_dict(), '%t-body.pt')"
// RUN: %expect-exit 1 %torch-keycheck check %s --class Disc --checkpoint %t-body.pt -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=PART --implicit-check-not='{{warning|error}}:'
// PART: torch-checkpoint-prefix.cpp:33:28: error: the checkpoint holds 'body' alone: every key is one of 'body' without the 'body.' prefix; load it into 'body', or save the whole 'DiscImpl' [torch-checkpoint-prefix]
// PART: torch-checkpoint-prefix.cpp:36:{{[0-9]+}}: error: 'head' (Linear) is not in the checkpoint: 'head.weight' and 'head.bias' are missing [torch-checkpoint-missing-key]
// With the head gone, the part is the whole model but one path down.
// RUN: %expect-exit 1 %torch-keycheck check %s --class Body --checkpoint %t-body.pt -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=ONLY --implicit-check-not='{{warning|error}}:'
// ONLY: error: the checkpoint holds 'layers' alone{{.*}} [torch-checkpoint-prefix]
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  // CHECK: :[[@LINE-1]]:8: error: every checkpoint key starts with 'module.', which 'NetImpl' does not register; strip it from the keys before loading{{.*}} [torch-checkpoint-prefix]
  NetImpl() { fc = register_module("fc", torch::nn::Linear(4, 2)); }
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Net);

struct DiscImpl : torch::nn::Module {
  DiscImpl() {
    body = register_module("body", torch::nn::Sequential(
                                        torch::nn::Linear(4, 8), torch::nn::ReLU(),
                                        torch::nn::Linear(8, 8)));
    head = register_module("head", torch::nn::Linear(8, 1));
  }
  torch::nn::Sequential body{nullptr};
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(Disc);

struct BodyImpl : torch::nn::Module {
  BodyImpl() {
    layers = register_module("layers", torch::nn::Sequential(
                                            torch::nn::Linear(4, 8), torch::nn::ReLU(),
                                            torch::nn::Linear(8, 8)));
  }
  torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(Body);
