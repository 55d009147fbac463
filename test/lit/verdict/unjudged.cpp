// REQUIRES: torch-python
// `check` never gives up because some keys cannot be computed: the keys
// that are concrete are judged (a shape mismatch, unexpected keys), and
// each registration whose keys are open is named at its line with what is
// open and what the checkpoint has there. A knob that cannot be enumerated
// (a std::string) keeps its default and is named as left out.
//
// RUN: %torch-python -c "import torch, torch.nn as nn; m = nn.Module(); m.conv = nn.Conv2d(3, 8, 3); m.fc = nn.Linear(8, 5); m.head = nn.Linear(8, 3); m.other = nn.Linear(2, 2); torch.save(m.state_dict(), '%t.pt')"
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t.pt -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{error|warning}}:'
// CHECK-DAG: remark: no configuration of 'NetImpl' matches the checkpoint; the closest is in=3 (from conv.weight)
// CHECK-DAG: unjudged.cpp:37:12: error: 'head.weight' is [2, 8] in the model but [3, 8] in the checkpoint
// CHECK-DAG: unjudged.cpp:37:12: error: 'head.bias' is [2] in the model but [3] in the checkpoint
// CHECK-DAG: error: {{.*}}'other'{{.*}}[torch-checkpoint-unexpected-key]
// CHECK-DAG: unjudged.cpp:34:10: warning: 'fc.weight' is not judged against the checkpoint: its size [read_width(), 8] is not known (the checkpoint has [5, 8]) [torch-unresolved-key]
// CHECK-DAG: note: 'fc.bias' too: its size [read_width()] is not known (the checkpoint has [5])
// CHECK-DAG: note: 'mode' was not searched for (its values (std::string) cannot be enumerated): it keeps its default; give it with --define
//
// The same checkpoint with the model's own head: nothing known is wrong,
// and the open keys are still named (a warning: the run passes).
// RUN: %torch-python -c "import torch, torch.nn as nn; m = nn.Module(); m.conv = nn.Conv2d(3, 8, 3); m.fc = nn.Linear(8, 5); m.head = nn.Linear(8, 2); torch.save(m.state_dict(), '%t-fits.pt')"
// RUN: %torch-keycheck check %s --class Net --define in=3 --define mode=fast --checkpoint %t-fits.pt -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=FITS --implicit-check-not='{{error|warning}}:'
// FITS: warning: 'fc.weight' is not judged against the checkpoint
#include <torch/torch.h>

#include <string>

int64_t read_width();

struct NetImpl : torch::nn::Module {
  NetImpl(int64_t in, std::string mode = "fast") {
    conv = register_module("conv", torch::nn::Conv2d(in, 8, 3));
    fc = register_module("fc", torch::nn::Linear(8, read_width()));
    if (mode == "slow")
      extra = register_module("extra", torch::nn::Linear(4, 4));
    head = register_module("head", torch::nn::Linear(8, 2));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::Linear fc{nullptr}, extra{nullptr}, head{nullptr};
};
TORCH_MODULE(Net);
