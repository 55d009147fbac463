// --class accepts the Impl or the holder name, qualified or not; an
// unqualified name two namespaces share is ambiguous; an unknown name lists
// the classes there are. `Net` alone names a::Net: b has no holder.
// RUN: %torch-keycheck keys %s --class a::Net -- %libtorch | FileCheck %s --check-prefix=A
// RUN: %torch-keycheck keys %s --class b::NetImpl -- %libtorch | FileCheck %s --check-prefix=B
// RUN: %torch-keycheck keys %s --class Solo -- %libtorch | FileCheck %s --check-prefix=SOLO
// RUN: %torch-keycheck keys %s --class Net -- %libtorch | FileCheck %s --check-prefix=A
// RUN: %expect-exit 2 %torch-keycheck keys %s --class NetImpl -- %libtorch 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// RUN: %expect-exit 2 %torch-keycheck keys %s --class Nope -- %libtorch 2>&1 | FileCheck %s --check-prefix=UNKNOWN
#include <torch/torch.h>

namespace a {
struct NetImpl : torch::nn::Module {
  NetImpl() { register_module("fc", torch::nn::Linear(1, 2)); }
};
TORCH_MODULE(Net);
} // namespace a

namespace b {
struct NetImpl : torch::nn::Module {
  NetImpl() { register_module("conv", torch::nn::Conv1d(1, 2, 3)); }
};
} // namespace b

struct SoloImpl : torch::nn::Module {
  SoloImpl() { register_parameter("p", torch::zeros({2})); }
};
TORCH_MODULE(Solo);

// A: a::NetImpl
// A: fc.weight
// B: b::NetImpl
// B: conv.weight
// SOLO: SoloImpl
// SOLO: p  parameter  [2]
// AMBIGUOUS: torch-keycheck: error: class 'NetImpl' is ambiguous; qualify it (module classes: a::NetImpl, b::NetImpl, SoloImpl)
// UNKNOWN: torch-keycheck: error: class 'Nope' is not a module class in the sources (module classes: a::NetImpl, b::NetImpl, SoloImpl)
