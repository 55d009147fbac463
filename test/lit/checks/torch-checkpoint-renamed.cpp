// A checkpoint saved before a layer was renamed: the missing 'fc_out' and
// the unexpected 'fc' have the same keys and shapes at the same place, so
// check says it is a rename and offers a fix-it on the name literal, which
// clang-apply-replacements applies; then the checkpoint loads cleanly.
// REQUIRES: torch-python
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/model.cpp
// RUN: %torch-python -c "import torch, collections; torch.save(collections.OrderedDict([('encoder.weight', torch.zeros(8, 4)), ('encoder.bias', torch.zeros(8)), ('fc.weight', torch.zeros(2, 8)), ('fc.bias', torch.zeros(2)), ('temperature', torch.ones(1))]), '%t/old.pt')"
// RUN: cd %t && %expect-exit 1 %torch-keycheck check model.cpp --class Net --checkpoint old.pt --export-fixes fixes.yaml -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{error|warning}}:'
// RUN: FileCheck %s --check-prefix=YAML < %t/fixes.yaml
// RUN: %clang-apply-replacements %t
// RUN: %expect-exit 0 %torch-keycheck check %t/model.cpp --class Net --checkpoint %t/old.pt -- %libtorch
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() {
    register_module("encoder", torch::nn::Linear(4, 8));
    register_module("fc_out", torch::nn::Linear(8, 2));
    register_parameter("temp", torch::ones({1}));
  }
};
TORCH_MODULE(Net);

// CHECK: model.cpp:18:21: error: 'fc_out' is 'fc' in the checkpoint (the same keys and shapes); rename the registration or the checkpoint's keys [torch-checkpoint-renamed]
// CHECK-NEXT: register_module("fc_out", torch::nn::Linear(8, 2));
// CHECK-NEXT: ^
// CHECK-NEXT: "fc"
// CHECK: model.cpp:19:24: error: 'temp' is 'temperature' in the checkpoint {{.*}} [torch-checkpoint-renamed]
// CHECK: "temperature"

// YAML: DiagnosticName:  torch-checkpoint-renamed
// YAML: ReplacementText: '"fc"'
// YAML: ReplacementText: '"temperature"'
