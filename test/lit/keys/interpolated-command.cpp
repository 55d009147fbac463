// A source the compilation database (here as CMake writes it) does not
// list gets a command inferred from a neighbour's, as clang-tidy does,
// with -p and when the database is found above the source.
// RUN: rm -rf %t && mkdir -p %t/src && cp %s %t/src/model.cpp
// RUN: sed -e "s|@DIR@|%t|g" -e "s|@FILE@|%t/src/other.cpp|g" -e "s|@FLAGS@|%libtorch|g" %S/Inputs/cmake_compile_commands.json.in > %t/compile_commands.json
// RUN: %torch-keycheck keys %t/src/model.cpp -p %t --class Net | FileCheck %s
// Found above the source, as without -p.
// RUN: %torch-keycheck keys %t/src/model.cpp --class Net | FileCheck %s
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl() { register_module("fc", torch::nn::Linear(WIDTH, 2)); }
};
TORCH_MODULE(Net);

// The neighbour's -DWIDTH=48 applies.
// CHECK: fc.weight  parameter  [2, 48]
