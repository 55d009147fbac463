// A module saved under a name that shares nothing with the model's
// (`features` in a Python twin, `layers` in the C++ port): the only
// module at that place with those keys and shapes on either side, so one
// rename finding with the fix-it, not a missing and an unexpected module.
// Where two alike modules could be the one renamed, nothing is guessed.
// REQUIRES: torch-python
// RUN: %torch-python -c "import torch, torch.nn as nn; m = nn.Module(); m.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 16, 3)); m.fc = nn.Linear(16, 10); torch.save(m.state_dict(), '%t.pt')"
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t.pt -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{error|warning}}:'
// CHECK: torch-checkpoint-renamed-unlike.cpp:[[@LINE+14]]:30: error: 'layers' is 'features' in the checkpoint (the same keys and shapes); rename the registration or the checkpoint's keys [torch-checkpoint-renamed]
// CHECK: "features"
//
// RUN: %torch-python -c "import torch, torch.nn as nn; m = nn.Module(); m.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 16, 3)); m.head = nn.Linear(16, 10); m.classifier = nn.Linear(16, 10); torch.save(m.state_dict(), '%t-two.pt')"
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t-two.pt -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=TWO --implicit-check-not='{{error|warning}}:'
// TWO-DAG: error: 'layers' is 'features' in the checkpoint
// TWO-DAG: error: 'fc' (Linear) is not in the checkpoint
// TWO-DAG: error: the checkpoint has 'head' ('head.weight' and 'head.bias'), which 'NetImpl' does not register
// TWO-DAG: error: the checkpoint has 'classifier' ('classifier.weight' and 'classifier.bias'), which 'NetImpl' does not register
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() {
    layers = register_module("layers", torch::nn::Sequential(
                                           torch::nn::Conv2d(3, 8, 3), torch::nn::BatchNorm2d(8),
                                           torch::nn::ReLU(), torch::nn::Conv2d(8, 16, 3)));
    fc = register_module("fc", torch::nn::Linear(16, 10));
  }
  torch::nn::Sequential layers{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Net);
