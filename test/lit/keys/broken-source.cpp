// Source that does not compile still yields what can be extracted: Clang's
// error is shown, the keys found are printed, and the exit code is 2.
// RUN: %expect-exit 2 %torch-keycheck keys %s --class Net -- %libtorch > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=OUT < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() {
    register_module("fc", torch::nn::Linear(4, 2));
    undeclared_helper(this);
  }
};
TORCH_MODULE(Net);

// OUT: fc.weight  parameter  [2, 4]
// ERR: broken-source.cpp:11:5: error: use of undeclared identifier 'undeclared_helper'
// ERR: torch-keycheck: error: the sources did not compile cleanly; what was extracted from what could be parsed may be incomplete
