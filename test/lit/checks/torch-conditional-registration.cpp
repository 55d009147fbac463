// torch-conditional-registration: which keys a checkpoint has depends on
// how the model was configured (a flag, a depth, a layer table), so a
// checkpoint loads only into a model built the same way.
// RUN: %torch-keycheck check %s --checks='-*,torch-conditional-registration' -- %libtorch > %t.cli
// RUN: FileCheck %s --check-prefix=CHECK-MESSAGES -implicit-check-not='{{warning|error|note}}:' < %t.cli
// The clang-tidy plugin and the compiler plugin report the same findings
// and notes at the same places (Inputs/same_findings.py):
// RUN: %if tidy-plugin %{ %clang-tidy --load=%tidy-plugin --checks='-*,torch-conditional-registration' %s -- %libtorch %torch-pch -resource-dir=%resource-dir > %t.tidy 2>/dev/null %}
// RUN: %if tidy-plugin %{ %python %S/../Inputs/same_findings.py %t.cli %t.tidy %}
// RUN: %clangxx -fsyntax-only -fplugin=%clang-plugin -fplugin-arg-torchkeycheck-checks='-*,torch-conditional-registration' %libtorch %torch-pch %s 2> %t.plugin
// RUN: %python %S/../Inputs/same_findings.py %t.cli %t.plugin
#include <torch/torch.h>

struct FlagImpl : torch::nn::Module {
  FlagImpl(bool use_aux, int mode, bool small = false) {
    register_module("stem", torch::nn::Linear(4, 8));
    if (use_aux)
      register_module("aux", torch::nn::Linear(8, 2));
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'aux' is registered only when 'use_aux'; which keys a checkpoint has depends on configuration [torch-conditional-registration]
    // CHECK-MESSAGES: :[[@LINE-3]]:9: note: condition 'use_aux' depends on constructor parameter 'use_aux'
    switch (mode) {
    case 1:
      register_buffer("scale", torch::ones({8}));
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'scale' is registered only when 'mode == 1'; {{.*}} [torch-conditional-registration]
      // CHECK-MESSAGES: :[[@LINE-4]]:13: note: condition 'mode == 1' depends on constructor parameter 'mode'
      break;
    default:
      break;
    }
    // A parameter with a default is still a knob: callers can pass it.
    if (small)
      return;
    register_module("head", torch::nn::Linear(8, 2));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'head' is registered only when '!small'; {{.*}} [torch-conditional-registration]
    // CHECK-MESSAGES: :[[@LINE-4]]:9: note: condition '!small' depends on constructor parameter 'small'
  }
};

// A loop whose count is a constructor parameter.
struct DepthImpl : torch::nn::Module {
  explicit DepthImpl(int depth) {
    for (int i = 0; i < depth; ++i)
      register_module("layer" + std::to_string(i), torch::nn::Linear(4, 4));
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: how many 'layer{i}' keys are registered depends on configuration [torch-conditional-registration]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: loop count depends on constructor parameter 'depth'
  }
};

// A Sequential child added under a flag moves the index of every later one.
struct BodyImpl : torch::nn::Module {
  BodyImpl(bool dropout, int blocks) {
    torch::nn::Sequential body;
    body->push_back(torch::nn::Linear(4, 4));
    if (dropout)
      body->push_back(torch::nn::Dropout(0.1));
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: this child of 'body' exists only when 'dropout'; its keys, and the indices of the children after it, depend on configuration [torch-conditional-registration]
    // CHECK-MESSAGES: :[[@LINE-3]]:9: note: condition depends on constructor parameter 'dropout'
    for (int b = 0; b < blocks; ++b)
      body->push_back(torch::nn::Linear(4, 4));
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: how many children this adds to 'body' depends on configuration [torch-conditional-registration]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: loop count depends on constructor parameter 'blocks'
    // A loop adding several children per stage is one cause: one finding.
    for (int b = 0; b < blocks; ++b) {
      body->push_back(torch::nn::Linear(4, 4));
      // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: how many children this loop adds to 'body' (2 each time round, from here) depends on configuration [torch-conditional-registration]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: loop count depends on constructor parameter 'blocks'
      body->push_back(torch::nn::BatchNorm1d(4));
    }
    body->push_back(torch::nn::Linear(4, 2));
    register_module("body", body);
  }
};

// A condition on a run-time value.
struct EnvImpl : torch::nn::Module {
  EnvImpl() {
    if (std::getenv("WITH_HEAD"))
      register_module("head", torch::nn::Linear(4, 2));
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'head' is registered only when {{.*}} [torch-conditional-registration]
    // CHECK-MESSAGES: :[[@LINE-3]]:9: note: condition {{.*}} is known only at run time
  }
};

struct SuppressedImpl : torch::nn::Module {
  explicit SuppressedImpl(bool aux) {
    // NOLINTBEGIN(torch-conditional-registration)
    if (aux) {
      register_module("aux1", torch::nn::Linear(4, 2));
      register_module("aux2", torch::nn::Linear(4, 2));
    }
    // NOLINTEND(torch-conditional-registration)
  }
};

// ---- Silent ----

constexpr bool kWithBias = true;

struct FixedImpl : torch::nn::Module {
  explicit FixedImpl(bool wide) {
    // Conditions the source decides.
    if (kWithBias)
      register_parameter("bias", torch::zeros({4}));
    // A fixed count unrolls into fixed keys.
    for (int i = 0; i < 3; ++i)
      register_module("block" + std::to_string(i), torch::nn::Linear(4, 4));
    // The same key either way; its shape follows 'wide' (a checkpoint
    // question, not a registration one).
    register_module("fc", torch::nn::Linear(4, wide ? 16 : 8));
  }
};
