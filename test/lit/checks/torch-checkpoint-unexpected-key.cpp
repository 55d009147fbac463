// torch-checkpoint-unexpected-key: a checkpoint key the model does not
// register (torch::load ignores it; load_state_dict(strict=True) fails).
// RUN: echo '{"version": 1, "keys": [{"name": "fc.weight", "shape": [2, 4], "dtype": "float32"}, {"name": "fc.bias", "shape": [2], "dtype": "float32"}, {"name": "head.weight", "shape": [1, 2], "dtype": "float32"}, {"name": "head.bias", "shape": [1], "dtype": "float32"}]}' > %t.json
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t.json -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{warning|error}}:'
// strict=False: a warning.
// RUN: %expect-exit 0 %torch-keycheck check %s --class Net --checkpoint %t.json --allow-unexpected -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=ALLOWED --implicit-check-not='{{warning|error}}:'
// RUN: %expect-exit 0 %torch-keycheck check %s --class Exact --checkpoint %t.json -- %libtorch | count 0
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() { fc = register_module("fc", torch::nn::Linear(4, 2)); }
  // CHECK: :[[@LINE-2]]:8: error: the checkpoint has 'head' ('head.weight' and 'head.bias'), which 'NetImpl' does not register; torch::load ignores it silently, load_state_dict fails [torch-checkpoint-unexpected-key]
  // ALLOWED: :[[@LINE-3]]:8: warning: the checkpoint has 'head' {{.*}}; load_state_dict(strict=False) ignores it [torch-checkpoint-unexpected-key]
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Net);

// Every key of the checkpoint registered: silent.
struct ExactImpl : torch::nn::Module {
  ExactImpl() {
    fc = register_module("fc", torch::nn::Linear(4, 2));
    head = register_module("head", torch::nn::Linear(2, 1));
  }
  torch::nn::Linear fc{nullptr}, head{nullptr};
};
TORCH_MODULE(Exact);
