// torch-unresolved-key: a registered name or module the analyzer cannot
// determine; the keys under it are not checked, so say so.
// RUN: %torch-keycheck check %s --checks='-*,torch-unresolved-key' -- %libtorch > %t.cli
// RUN: FileCheck %s --check-prefix=CHECK-MESSAGES -implicit-check-not='{{warning|error|note}}:' < %t.cli
// The clang-tidy plugin and the compiler plugin report the same findings
// and notes at the same places (Inputs/same_findings.py):
// RUN: %if tidy-plugin %{ %clang-tidy --load=%tidy-plugin --checks='-*,torch-unresolved-key' %s -- %libtorch %torch-pch -resource-dir=%resource-dir > %t.tidy 2>/dev/null %}
// RUN: %if tidy-plugin %{ %python %S/../Inputs/same_findings.py %t.cli %t.tidy %}
// RUN: %clangxx -fsyntax-only -fplugin=%clang-plugin -fplugin-arg-torchkeycheck-checks='-*,torch-unresolved-key' %libtorch %torch-pch %s 2> %t.plugin
// RUN: %python %S/../Inputs/same_findings.py %t.cli %t.plugin
#include <torch/torch.h>

// Declared here, defined in another translation unit.
std::string name_from_config(const std::string &path);
std::shared_ptr<torch::nn::Module> make_backbone(const std::string &kind);

struct OpaqueImpl : torch::nn::Module {
  explicit OpaqueImpl(const std::string &config) {
    register_module(name_from_config(config), torch::nn::Linear(4, 4));
    // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: cannot determine the registered name 'name_from_config(config)'; the keys under it are not checked [torch-unresolved-key]
    register_module("backbone", make_backbone("resnet"));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: cannot determine which module is registered as 'backbone': make_backbone("resnet") (a 'torch::nn::Module') [torch-unresolved-key]
  }
};

// A constructor defined in another translation unit.
struct ElsewhereImpl : torch::nn::Module {
  ElsewhereImpl(int width);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: the definition of constructor 'ElsewhereImpl::ElsewhereImpl' is not in this translation unit (nor in any unit analysed); the keys it would register are not checked [torch-unresolved-key]
};

struct SuppressedImpl : torch::nn::Module {
  explicit SuppressedImpl(const std::string &config) {
    register_module(name_from_config(config), torch::nn::Linear(4, 4)); // NOLINT(torch-unresolved-key)
  }
};

// ---- Silent: names that follow from parameters and loop variables ----

struct KnownImpl : torch::nn::Module {
  KnownImpl(const std::string &prefix, int depth) {
    register_module(prefix + "_fc", torch::nn::Linear(4, 4));
    for (int i = 0; i < depth; ++i)
      register_module("layer" + std::to_string(i), torch::nn::Linear(4, 4));
  }
};
