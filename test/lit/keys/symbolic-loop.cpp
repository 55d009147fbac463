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

// A model that is a Sequential, pushing a variable number of children per
// iteration: the index is a formula of the loop variable and the knobs.
// RUN: %torch-keycheck keys %s --class Stack -- %libtorch | FileCheck %s --check-prefix=STACK
// RUN: %torch-keycheck keys %s --class Stack --define depth=2 --define dropout=true -- %libtorch | FileCheck %s --check-prefix=STACK-EXACT
struct StackImpl : torch::nn::SequentialImpl {
  StackImpl(int64_t depth, bool dropout) {
    for (int64_t i = 0; i < depth; ++i) {
      push_back(torch::nn::Linear(4, 4));
      if (dropout)
        push_back(torch::nn::Dropout(0.1));
      push_back(torch::nn::ReLU());
    }
    push_back(torch::nn::Linear(4, 1));
  }
};
TORCH_MODULE(Stack);

// STACK: StackImpl ({{.*}}): 4 keys; which keys exist depends on 'depth'
// STACK-NEXT: {i * ((dropout ? 2 : 1) + 1)}.weight  parameter  [4, 4]
// STACK-NEXT: {i * ((dropout ? 2 : 1) + 1)}.bias    parameter  [4]
// STACK-NEXT: {depth * ((dropout ? 2 : 1) + 1)}.weight  parameter  [1, 4]
// STACK-NEXT: {depth * ((dropout ? 2 : 1) + 1)}.bias    parameter  [1]
// STACK-NOT: unresolved

// STACK-EXACT: 6 keys
// STACK-EXACT-NEXT: 0.weight
// STACK-EXACT-NEXT: 0.bias
// STACK-EXACT-NEXT: 3.weight
// STACK-EXACT-NEXT: 3.bias
// STACK-EXACT-NEXT: 6.weight  parameter  [1, 4]
