// --configurations analyses several classes and configurations in one
// parse, in the order the file lists them.
// RUN: %torch-keycheck keys %s --configurations %S/Inputs/configurations.json -- %libtorch | FileCheck %s
// RUN: %expect-exit 2 %torch-keycheck keys %s --configurations %S/Inputs/configurations.json --class Net -- %libtorch 2>&1 | FileCheck %s --check-prefix=EXCLUSIVE
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl(int64_t width, bool head) {
    register_module("fc", torch::nn::Linear(8, width));
    if (head)
      register_module("head", torch::nn::Linear(width, 1));
  }
};
TORCH_MODULE(Net);

// CHECK: NetImpl ({{.*}}) configuration 'narrow' with head=false, width=4: 2 keys
// CHECK-NEXT: fc.weight  parameter  [4, 8]
// CHECK: NetImpl ({{.*}}) configuration 'wide' with head=true, width=64: 4 keys
// CHECK-NEXT: fc.weight    parameter  [64, 8]
// CHECK: head.weight  parameter  [1, 64]
// EXCLUSIVE: torch-keycheck: error: --configurations cannot be combined with --class, --function or --define
