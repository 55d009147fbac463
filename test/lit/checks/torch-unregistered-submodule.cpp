// torch-unregistered-submodule: a module or tensor member that is assigned
// but never registered is not in parameters(), and never saved or loaded.
// RUN: %torch-keycheck check %s --checks='-*,torch-unregistered-submodule' -- %libtorch > %t.cli
// RUN: FileCheck %s --check-prefix=CHECK-MESSAGES -implicit-check-not='{{warning|error|note}}:' < %t.cli
// The clang-tidy plugin and the compiler plugin report the same findings
// and notes at the same places (Inputs/same_findings.py):
// RUN: %if tidy-plugin %{ %clang-tidy --load=%tidy-plugin --checks='-*,torch-unregistered-submodule' %s -- %libtorch %torch-pch -resource-dir=%resource-dir > %t.tidy 2>/dev/null %}
// RUN: %if tidy-plugin %{ %python %S/../Inputs/same_findings.py %t.cli %t.tidy %}
// RUN: %clangxx -fsyntax-only -fplugin=%clang-plugin -fplugin-arg-torchkeycheck-checks='-*,torch-unregistered-submodule' %libtorch %torch-pch %s 2> %t.plugin
// RUN: %python %S/../Inputs/same_findings.py %t.cli %t.plugin
#include <torch/torch.h>

struct HolderImpl : torch::nn::Module {
  HolderImpl() {
    fc1 = register_module("fc1", torch::nn::Linear(4, 8));
    fc2 = torch::nn::Linear(8, 2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: member 'fc2' is assigned a module that is never registered; its parameters are not saved, loaded or returned by parameters() [torch-unregistered-submodule]
    // CHECK-MESSAGES: :[[@LINE+5]]:35: note: 'fc2' is declared here
    scale = torch::ones({2}) * 0.5;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: member 'scale' is assigned a tensor that is never registered; it is not saved, loaded or returned by parameters() or buffers() [torch-unregistered-submodule]
    // CHECK-MESSAGES: :[[@LINE+3]]:17: note: 'scale' is declared here
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::Tensor scale;
};

// Member initialisers and shared_ptr members count too.
struct InitListImpl : torch::nn::Module {
  InitListImpl() : proj(std::make_shared<torch::nn::LinearImpl>(4, 4)) {}
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: member 'proj' is assigned a module that is never registered; {{.*}} [torch-unregistered-submodule]
  std::shared_ptr<torch::nn::LinearImpl> proj;
  // CHECK-MESSAGES: :[[@LINE-1]]:42: note: 'proj' is declared here
};

// A default-initialised Sequential member filled and never registered.
struct FilledImpl : torch::nn::Module {
  FilledImpl() { body->push_back(torch::nn::Linear(2, 2)); }
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: member 'body' is assigned a module that is never registered; {{.*}} [torch-unregistered-submodule]
  torch::nn::Sequential body;
  // CHECK-MESSAGES: :[[@LINE-1]]:25: note: 'body' is declared here
};

// Assigned under a condition, registered nowhere.
struct FlagImpl : torch::nn::Module {
  explicit FlagImpl(bool aux) {
    if (aux)
      head = torch::nn::Linear(4, 2);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: member 'head' is assigned a module that is never registered; {{.*}} [torch-unregistered-submodule]
    // CHECK-MESSAGES: :[[@LINE+2]]:21: note: 'head' is declared here
  }
  torch::nn::Linear head{nullptr};
};

struct SuppressedImpl : torch::nn::Module {
  SuppressedImpl() {
    // The mask is a constant of forward, deliberately not in the state_dict.
    mask = torch::ones({4}); // NOLINT(torch-unregistered-submodule)
  }
  torch::Tensor mask;
};

// ---- Silent ----

struct RegisteredImpl : torch::nn::Module {
  explicit RegisteredImpl(bool aux) {
    // Registered where assigned, or later by value.
    fc1 = register_module("fc1", torch::nn::Linear(4, 8));
    fc2 = torch::nn::Linear(8, 2);
    register_module("fc2", fc2);
    weight = register_parameter("weight", torch::randn({2, 2}));
    stats = torch::zeros({2});
    register_buffer("stats", stats);
    // Inside a container that is registered.
    first = torch::nn::Linear(2, 2);
    body = torch::nn::Sequential(first, torch::nn::ReLU());
    register_module("body", body);
    // Registered by a helper.
    make_head();
    // Registered under the same condition it is assigned under.
    if (aux)
      aux_head = register_module("aux_head", torch::nn::Linear(8, 3));
  }
  void make_head() { head = register_module("head", torch::nn::Linear(8, 3)); }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, first{nullptr}, head{nullptr},
      aux_head{nullptr};
  torch::nn::Sequential body{nullptr};
  torch::Tensor weight, stats;
};

// A module given by the caller belongs to the caller's state_dict.
struct SharedImpl : torch::nn::Module {
  explicit SharedImpl(torch::nn::Linear shared) : shared(shared) {}
  torch::nn::Linear shared{nullptr};
};

// A null holder holds nothing to register.
struct NullImpl : torch::nn::Module {
  NullImpl() { fc = nullptr; }
  torch::nn::Linear fc{nullptr};
};

// A module with no parameters or buffers loses nothing unregistered: it
// still runs in forward(), and no key of it is missing from a checkpoint.
struct ParameterFreeImpl : torch::nn::Module {
  ParameterFreeImpl() {
    relu = torch::nn::ReLU();
    pool = torch::nn::MaxPool2d(2);
    drop = torch::nn::Dropout(0.5);
  }
  torch::nn::ReLU relu{nullptr};
  torch::nn::MaxPool2d pool{nullptr};
  torch::nn::Dropout drop{nullptr};
};

// The empty Sequential a default-initialised member holds until the
// constructor assigns the real one, which is registered (an actor-critic
// agent's networks built as locals).
struct AgentImpl : torch::nn::Module {
  AgentImpl() {
    torch::nn::Sequential net({{"in", torch::nn::Linear(4, 8)},
                               {"act", torch::nn::Tanh()}});
    critic = net;
    critic = register_module("critic", critic);
  }
  torch::nn::Sequential critic;
};
