// Flags come from a compile_commands.json with -p, as for clang-tidy: here
// the model's width is a macro only the database defines.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sed -e "s|@FILE@|%s|g" -e "s|@FLAGS@|%libtorch|g" %S/Inputs/compile_commands.json.in > %t/compile_commands.json
// RUN: %torch-keycheck keys %s -p %t --class Net | FileCheck %s
// RUN: %expect-exit 2 %torch-keycheck keys %s -p %t/missing --class Net 2>&1 | FileCheck %s --check-prefix=NODB
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() { register_module("fc", torch::nn::Linear(WIDTH, 2)); }
};
TORCH_MODULE(Net);

// CHECK: fc.weight  parameter  [2, 48]
// NODB: torch-keycheck: error: no compile_commands.json in '{{.*}}/missing'
