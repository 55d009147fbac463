// torch-checkpoint-configuration: which configuration of the model a
// checkpoint matches, when the command line does not decide it (a remark),
// or the closest one when none does.
// RUN: echo '{"version": 1, "keys": [{"name": "fc.weight", "shape": [8, 4], "dtype": "float32"}, {"name": "fc.bias", "shape": [8], "dtype": "float32"}]}' > %t.json
// RUN: %expect-exit 0 %torch-keycheck check %s --class Net --checkpoint %t.json -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// Decided by the command line: nothing to say.
// RUN: %expect-exit 0 %torch-keycheck check %s --class Net --checkpoint %t.json --define hidden=8 --define use_head=false -- %libtorch | count 0
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  // CHECK: :[[@LINE-1]]:8: remark: the checkpoint matches 'NetImpl' with hidden=8 (from fc.weight), use_head=false, not with the defaults [torch-checkpoint-configuration]
  // CHECK: :[[@LINE+4]]:14: note: with use_head=true, 'head' (Linear) is not in the checkpoint{{.*}}
  NetImpl(int64_t hidden = 16, bool use_head = true) {
    fc = register_module("fc", torch::nn::Linear(4, hidden));
    if (use_head)
      head = register_module("head", torch::nn::Linear(hidden, 1));
  }
  torch::nn::Linear fc{nullptr}, head{nullptr};
};
TORCH_MODULE(Net);
