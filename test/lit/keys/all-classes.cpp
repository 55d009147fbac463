// Without --class every module class is listed; a --define binds the
// parameter of every constructor that takes it, and one no constructor
// takes is an error.
// RUN: %torch-keycheck keys %s -- %libtorch | FileCheck %s
// RUN: %torch-keycheck keys %s --define dim=4 -- %libtorch | FileCheck %s --check-prefix=DEFINED
// RUN: %expect-exit 2 %torch-keycheck keys %s --define typo=4 -- %libtorch 2>&1 | FileCheck %s --check-prefix=TYPO
#include <torch/torch.h>

struct HeadImpl : torch::nn::Module {
  explicit HeadImpl(int64_t dim) { register_module("fc", torch::nn::Linear(dim, 1)); }
};
TORCH_MODULE(Head);

struct BodyImpl : torch::nn::Module {
  BodyImpl() { register_module("head", Head(3)); }
};

// A class that is not a module is not listed.
struct NotAModule {
  NotAModule() {}
};

// CHECK: HeadImpl ({{.*}}): 2 keys
// CHECK: fc.weight  parameter  [1, dim]
// CHECK: BodyImpl ({{.*}}): 2 keys
// CHECK: head.fc.weight  parameter  [1, 3]
// CHECK-NOT: NotAModule

// DEFINED: HeadImpl ({{.*}}) with dim=4: 2 keys
// DEFINED: fc.weight  parameter  [1, 4]
// DEFINED: BodyImpl ({{.*}}): 2 keys

// TYPO: torch-keycheck: error: no model class has a constructor parameter named 'typo'
