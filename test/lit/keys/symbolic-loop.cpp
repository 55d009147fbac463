// A loop whose count is a constructor parameter: without a value its keys
// are patterns over the loop variable; with --define they are exact.
// RUN: %torch-keycheck keys %s --class Net -- %libtorch | FileCheck %s --check-prefix=PATTERN
// RUN: %torch-keycheck keys %s --class Net --define depth=3 -- %libtorch | FileCheck %s --check-prefix=EXACT
// RUN: %torch-keycheck keys %s --class Net --define depth=0 -- %libtorch | FileCheck %s --check-prefix=NONE
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  explicit NetImpl(int64_t depth) {
    register_module("stem", torch::nn::Linear(4, 8));
    for (int64_t i = 0; i < depth; ++i)
      register_module("block" + std::to_string(i + 1), torch::nn::Linear(8, 8));
    register_module("head", torch::nn::Linear(8, 2));
  }
};
TORCH_MODULE(Net);

// PATTERN: NetImpl ({{.*}}): 6 keys
// PATTERN: block{i + 1}.weight  parameter  [8, 8]  float32  {{.*}}symbolic-loop.cpp:12:7  Linear  [for i in [0, depth)]
// PATTERN: head.weight
// PATTERN-NOT: unresolved

// EXACT: NetImpl ({{.*}}) with depth=3: 10 keys
// EXACT: block1.weight
// EXACT: block2.weight
// EXACT: block3.bias
// EXACT-NOT: block4
// EXACT: head.bias

// NONE: NetImpl ({{.*}}) with depth=0: 4 keys
// NONE-NOT: block
