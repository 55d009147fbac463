// torch-invalid-key-name: LibTorch refuses an empty name and one with a
// dot ("Submodule name must not contain a dot (got 'a.b')").
// RUN: %expect-exit 1 %torch-keycheck check %s --checks='-*,torch-invalid-key-name' -- %libtorch > %t.cli
// RUN: FileCheck %s --check-prefix=CHECK-MESSAGES -implicit-check-not='{{warning|error|note}}:' < %t.cli
// The clang-tidy plugin and the compiler plugin report the same findings
// and notes at the same places (Inputs/same_findings.py):
// RUN: %if tidy-plugin %{ %clang-tidy --load=%tidy-plugin --checks='-*,torch-invalid-key-name' %s -- %libtorch %torch-pch -resource-dir=%resource-dir > %t.tidy 2>/dev/null %}
// RUN: %if tidy-plugin %{ %python %S/../Inputs/same_findings.py %t.cli %t.tidy %}
// RUN: %clangxx -fsyntax-only -fplugin=%clang-plugin -fplugin-arg-torchkeycheck-checks='-*,torch-invalid-key-name' %libtorch %torch-pch %s 2> %t.plugin
// RUN: %python %S/../Inputs/same_findings.py %t.cli %t.plugin
#include <torch/torch.h>

struct NamesImpl : torch::nn::Module {
  explicit NamesImpl(int depth) {
    register_module("encoder.fc", torch::nn::Linear(4, 4));
    // CHECK-MESSAGES: :[[@LINE-1]]:21: error: registered name 'encoder.fc' contains a dot; LibTorch throws when registering it [torch-invalid-key-name]
    register_parameter("", torch::ones({4}));
    // CHECK-MESSAGES: :[[@LINE-1]]:24: error: registered name is empty; LibTorch throws when registering it [torch-invalid-key-name]
    std::string prefix = "block.";
    for (int i = 0; i < depth; ++i)
      register_buffer(prefix + std::to_string(i), torch::zeros({4}));
    // CHECK-MESSAGES: :[[@LINE-1]]:23: error: registered name 'block.{i}' contains a dot; {{.*}} [torch-invalid-key-name]
  }
};

// ModuleDict registers each entry under its key.
struct DictImpl : torch::nn::Module {
  DictImpl() {
    torch::nn::ModuleDict heads;
    heads->update({{"cls", torch::nn::Linear(4, 2).ptr()},
                   {"box.reg", torch::nn::Linear(4, 4).ptr()}});
    // CHECK-MESSAGES: :[[@LINE-1]]:20: error: registered name 'box.reg' contains a dot; {{.*}} [torch-invalid-key-name]
    register_module("heads", heads);
  }
};

struct SuppressedImpl : torch::nn::Module {
  SuppressedImpl() {
    register_module("a.b", torch::nn::Linear(4, 4)); // NOLINT
  }
};

// ---- Silent ----

struct GoodNamesImpl : torch::nn::Module {
  explicit GoodNamesImpl(int depth) {
    register_module("encoder_fc", torch::nn::Linear(4, 4));
    for (int i = 0; i < depth; ++i)
      register_module("layer" + std::to_string(i + 1), torch::nn::Linear(4, 4));
    // A float's text has a dot, but the name is not a float.
    register_buffer("scale_" + std::to_string(2), torch::ones({1}));
  }
};
