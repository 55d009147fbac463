// Registrations reached through a lambda, a std::function and a function
// pointer are followed as the constructor calls them; a call through a
// callable whose target is set elsewhere (a std::function member the
// caller fills) is named at the call, not silently dropped. Enumerators
// are configuration values (`--define act=Act::Gelu`, or `act=Gelu`).
// RUN: %torch-keycheck keys %s --class Net -- %libtorch | FileCheck %s
// CHECK: NetImpl ({{.*}}callables.cpp:[[@LINE+22]]:8): 6 keys
// CHECK-NEXT: conv1.weight {{ *}}parameter  [8, 3, 3, 3]
// CHECK-NEXT: conv2.weight {{ *}}parameter  [16, 8, 3, 3]
// CHECK-NEXT: fc.weight {{ *}}parameter  [4, 16]
// CHECK-NEXT: fc.bias {{ *}}parameter  [4]
// CHECK-NEXT: act.weight {{ *}}parameter  [1]
// CHECK-NEXT: hook.weight {{ *}}parameter  [2, 2]
// CHECK-NOT: unresolved
//
// RUN: %torch-keycheck keys %s --class Net --define act=Act::Relu -- %libtorch | FileCheck %s --check-prefix=RELU
// RUN: %torch-keycheck keys %s --class Net --define act=Relu -- %libtorch | FileCheck %s --check-prefix=RELU
// RELU: 5 keys
// RELU-NOT: act.weight
//
// RUN: %torch-keycheck keys %s --class Hooked -- %libtorch | FileCheck %s --check-prefix=HOOKED
// HOOKED: HookedImpl ({{.*}}): 0 keys
// HOOKED-NEXT: unresolved: {{.*}}callables.cpp:[[@LINE+31]]:{{[0-9]+}}: call through 'build' is not followed: what it calls is not known here (a std::function or function pointer assigned elsewhere); modules it registers are missing
#include <torch/torch.h>
#include <functional>

enum class Act { Relu, Prelu };

struct NetImpl : torch::nn::Module {
  explicit NetImpl(Act act = Act::Prelu) {
    int64_t ch = 3;
    auto conv = [&](const char *name, int64_t out) {
      register_module(name, torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, out, 3).bias(false)));
      ch = out;
    };
    conv("conv1", 8);
    conv("conv2", 16);
    std::function<torch::nn::Linear(int64_t)> head = [this, ch](int64_t n) {
      return register_module("fc", torch::nn::Linear(ch, n));
    };
    head(4);
    if (act == Act::Prelu)
      register_module("act", torch::nn::PReLU());
    torch::nn::Linear (*make)(int64_t) = &square;
    register_module("hook", make(2));
  }
  static torch::nn::Linear square(int64_t n) { return torch::nn::Linear(torch::nn::LinearOptions(n, n).bias(false)); }
};
TORCH_MODULE(Net);

struct HookedImpl : torch::nn::Module {
  std::function<void(torch::nn::Module &)> build;
  explicit HookedImpl(std::function<void(torch::nn::Module &)> b) : build(std::move(b)) {
    build(*this);
  }
};
TORCH_MODULE(Hooked);
