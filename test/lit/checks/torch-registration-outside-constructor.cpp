// torch-registration-outside-constructor: a key registered in a member
// function no constructor calls exists only once that function has run; a
// checkpoint saved before then lacks it ("No such serialized submodule").
// RUN: %torch-keycheck check %s --checks='-*,torch-registration-outside-constructor' -- %libtorch > %t.cli
// RUN: FileCheck %s --check-prefix=CHECK-MESSAGES -implicit-check-not='{{warning|error|note}}:' < %t.cli
// The clang-tidy plugin and the compiler plugin report the same findings
// and notes at the same places (Inputs/same_findings.py):
// RUN: %if tidy-plugin %{ %clang-tidy --load=%tidy-plugin --checks='-*,torch-registration-outside-constructor' %s -- %libtorch %torch-pch -resource-dir=%resource-dir > %t.tidy 2>/dev/null %}
// RUN: %if tidy-plugin %{ %python %S/../Inputs/same_findings.py %t.cli %t.tidy %}
// RUN: %clangxx -fsyntax-only -fplugin=%clang-plugin -fplugin-arg-torchkeycheck-checks='-*,torch-registration-outside-constructor' %libtorch %torch-pch %s 2> %t.plugin
// RUN: %python %S/../Inputs/same_findings.py %t.cli %t.plugin
#include <torch/torch.h>

struct LazyImpl : torch::nn::Module {
  LazyImpl() { fc = register_module("fc", torch::nn::Linear(4, 4)); }
  torch::Tensor forward(torch::Tensor x) {
    if (!proj)
      proj = register_module("proj", torch::nn::Linear(4, 2));
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'proj' is registered in 'forward', which no constructor calls; a checkpoint saved before it runs lacks its keys [torch-registration-outside-constructor]
    // CHECK-MESSAGES: :[[@LINE-4]]:17: note: register in the constructor, or call 'forward' from it
    return proj(fc(x));
  }
  void add_scale();
  torch::nn::Linear fc{nullptr}, proj{nullptr};
};

// Defined out of line.
void LazyImpl::add_scale() {
  register_parameter("scale", torch::ones({2}));
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'scale' is registered in 'add_scale', which no constructor calls; a checkpoint saved before it runs lacks the key [torch-registration-outside-constructor]
  // CHECK-MESSAGES: :[[@LINE-8]]:8: note: register in the constructor, or call 'add_scale' from it
}

struct SuppressedImpl : torch::nn::Module {
  SuppressedImpl() {}
  void grow() {
    register_module("extra", torch::nn::Linear(2, 2)); // NOLINT(torch-registration-outside-constructor)
  }
};

// ---- Silent ----

// reset() called from the constructor, as Cloneable modules do.
struct ResetImpl : torch::nn::Cloneable<ResetImpl> {
  ResetImpl() { reset(); }
  void reset() override { fc = register_module("fc", torch::nn::Linear(4, 4)); }
  torch::nn::Linear fc{nullptr};
};

// A helper the constructor calls, through another helper.
struct HelperImpl : torch::nn::Module {
  HelperImpl() { build(); }
  void build() { add_layer("a"); }
  void add_layer(const std::string &name) {
    register_module(name, torch::nn::Linear(4, 4));
  }
};

// A method another class's constructor calls on its child.
struct BlockImpl : torch::nn::Module {
  BlockImpl() {}
  void build(int width) { register_module("fc", torch::nn::Linear(width, width)); }
};
TORCH_MODULE(Block);

struct OwnerImpl : torch::nn::Module {
  OwnerImpl() {
    block = register_module("block", Block());
    block->build(4);
  }
  Block block{nullptr};
};
