// torch-duplicate-key: the same name registered twice on one path through
// the constructor (LibTorch throws "Submodule 'fc' already defined").
// RUN: %expect-exit 1 %torch-keycheck check %s --checks='-*,torch-duplicate-key' -- %libtorch > %t.cli
// RUN: FileCheck %s --check-prefix=CHECK-MESSAGES -implicit-check-not='{{warning|error|note}}:' < %t.cli
// The clang-tidy plugin and the compiler plugin report the same findings
// and notes at the same places (Inputs/same_findings.py):
// RUN: %if tidy-plugin %{ %clang-tidy --load=%tidy-plugin --checks='-*,torch-duplicate-key' %s -- %libtorch %torch-pch -resource-dir=%resource-dir > %t.tidy 2>/dev/null %}
// RUN: %if tidy-plugin %{ %python %S/../Inputs/same_findings.py %t.cli %t.tidy %}
// RUN: %clangxx -fsyntax-only -fplugin=%clang-plugin -fplugin-arg-torchkeycheck-checks='-*,torch-duplicate-key' %libtorch %torch-pch %s 2> %t.plugin
// RUN: %python %S/../Inputs/same_findings.py %t.cli %t.plugin
#include <torch/torch.h>

struct TwiceImpl : torch::nn::Module {
  TwiceImpl() {
    register_module("fc", torch::nn::Linear(4, 4));
    register_module("fc", torch::nn::Linear(4, 2));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: error: 'fc' is already registered; LibTorch throws when registering it again [torch-duplicate-key]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: previous registration of 'fc' is here
  }
};

// Parameters and buffers are kept apart: construction succeeds, saving
// throws "Parameter field mismatch for the field 'scale'".
struct MixedImpl : torch::nn::Module {
  MixedImpl() {
    register_parameter("scale", torch::ones({4}));
    register_buffer("scale", torch::zeros({4}));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: error: 'scale' is already registered as a parameter; torch::save throws on the clash [torch-duplicate-key]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: previous registration of 'scale' is here
  }
};

// A base constructor's registrations run first, in the same module.
struct BaseImpl : torch::nn::Module {
  BaseImpl() { register_module("head", torch::nn::Linear(4, 2)); }
};
struct DerivedImpl : BaseImpl {
  DerivedImpl() {
    register_module("head", torch::nn::Linear(4, 3));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: error: 'head' is already registered; {{.*}} [torch-duplicate-key]
    // CHECK-MESSAGES: :[[@LINE-6]]:16: note: previous registration of 'head' is here
  }
};

// A fixed name inside a loop: the second iteration throws.
struct LoopImpl : torch::nn::Module {
  LoopImpl() {
    for (int i = 0; i < 3; ++i)
      register_module("block", torch::nn::Linear(4, 4));
    // CHECK-MESSAGES: :[[@LINE-1]]:7: error: 'block' is registered each time this call runs; LibTorch throws on the second [torch-duplicate-key]
  }
};

// The same, when the count is a constructor parameter.
struct DepthImpl : torch::nn::Module {
  explicit DepthImpl(int depth) {
    for (int i = 0; i < depth; ++i)
      register_module("block", torch::nn::Linear(4, 4));
    // CHECK-MESSAGES: :[[@LINE-1]]:7: error: 'block' is registered in every iteration of a loop; LibTorch throws on the second [torch-duplicate-key]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: loop is here
  }
};

// A helper that registers, called twice with the same name.
struct HelperImpl : torch::nn::Module {
  HelperImpl() {
    add("proj");
    add("proj");
  }
  void add(const std::string &name) {
    register_module(name, torch::nn::Linear(4, 4));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: error: 'proj' is registered each time this call runs; {{.*}} [torch-duplicate-key]
  }
};

// Reported even when both are under one condition: both calls run then.
struct BothGuardedImpl : torch::nn::Module {
  explicit BothGuardedImpl(bool wide) {
    if (wide) {
      register_module("fc", torch::nn::Linear(4, 8));
      register_module("fc", torch::nn::Linear(8, 8));
      // CHECK-MESSAGES: :[[@LINE-1]]:7: error: 'fc' is already registered; {{.*}} [torch-duplicate-key]
      // CHECK-MESSAGES: :[[@LINE-3]]:7: note: previous registration of 'fc' is here
    }
  }
};

// Suppressed.
struct SuppressedImpl : torch::nn::Module {
  SuppressedImpl() {
    register_module("fc", torch::nn::Linear(4, 4));
    register_module("fc", torch::nn::Linear(4, 2)); // NOLINT(torch-duplicate-key)
    // NOLINTNEXTLINE(torch-*)
    register_module("fc", torch::nn::Linear(4, 1));
  }
};

// ---- Silent: the two calls never both run. ----

struct IfElseImpl : torch::nn::Module {
  explicit IfElseImpl(bool wide) {
    if (wide)
      register_module("fc", torch::nn::Linear(4, 8));
    else
      register_module("fc", torch::nn::Linear(4, 2));
  }
};

struct EarlyReturnImpl : torch::nn::Module {
  explicit EarlyReturnImpl(bool small) {
    if (small) {
      register_module("fc", torch::nn::Linear(4, 2));
      return;
    }
    register_module("fc", torch::nn::Linear(4, 8));
  }
};

struct SwitchImpl : torch::nn::Module {
  explicit SwitchImpl(int kind) {
    switch (kind) {
    case 0:
      register_module("act", torch::nn::ReLU());
      break;
    case 1:
      register_module("act", torch::nn::GELU());
      break;
    default:
      register_module("act", torch::nn::Tanh());
    }
  }
};

struct IndexedImpl : torch::nn::Module {
  explicit IndexedImpl(int depth) {
    for (int i = 0; i < depth; ++i)
      register_module("block" + std::to_string(i), torch::nn::Linear(4, 4));
    for (int i = 0; i < 3; ++i)
      register_module("head" + std::to_string(i), torch::nn::Linear(4, 4));
  }
};
