// A C++ port that wraps each block's Sequential in a module of its own
// (registered as "ConvBN"; torchvision's block is the Sequential itself),
// and names its residual body "Residual" where Python names it "conv":
// the checkpoint's keys are the model's once each side's wrapping levels
// are left out, so one finding per wrapping registration, with the
// mapping `migrate` applies, not hundreds of missing and unexpected keys.
// The same names with another shape are not the same tensors.
// REQUIRES: torch-python
// RUN: %torch-python -c "import torch, torch.nn as nn; cbn = lambda i, o: nn.Sequential(nn.Conv2d(i, o, 3, bias=False), nn.BatchNorm2d(o), nn.ReLU6()); res = nn.Module(); res.conv = nn.Sequential(cbn(8, 8), nn.Conv2d(8, 8, 1, bias=False)); m = nn.Module(); m.features = nn.Sequential(cbn(3, 8), res, cbn(8, 16)); torch.save(m.state_dict(), '%t.pt')"
// RUN: %expect-exit 1 %torch-keycheck check %s --class Net --checkpoint %t.pt -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{error|warning}}:'
// CHECK: torch-checkpoint-renamed-wrapped.cpp:[[@LINE+21]]:9: error: the checkpoint's 'features.0' is the model's 'features.0.ConvBN' with module levels apart (a module that only wraps another, on one side or named otherwise: the same tensors below it), and 1 more instance likewise; loading by name fails: migrate the checkpoint, or register the wrapped module as the checkpoint has it [torch-checkpoint-renamed]
// CHECK: torch-checkpoint-renamed-wrapped.cpp:[[@LINE+33]]:9: error: the checkpoint's 'features.1.conv' is the model's 'features.1.Residual' with module levels apart {{.*}} [torch-checkpoint-renamed]
//
// RUN: %torch-keycheck migrate %t.pt --class Net --dry-run %s -- %libtorch | FileCheck %s --check-prefix=MAP
// MAP: features.0.0.weight         -> features.0.ConvBN.0.weight  ('features.0' is 'features.0.ConvBN', module levels apart)
// MAP: features.1.conv.0.0.weight  -> features.1.Residual.0.ConvBN.0.weight  ('features.1.conv' is 'features.1.Residual', module levels apart)
// MAP: features.1.conv.1.weight    -> features.1.Residual.1.weight  ('features.1.conv' is 'features.1.Residual', module levels apart)
// MAP: 0 keys keep their names
//
// One name once unwrapped ('a.weight'), another shape: nothing is mapped.
// RUN: %torch-python -c "import torch, torch.nn as nn; m = nn.Module(); m.a = nn.Sequential(nn.Linear(4, 3)); torch.save(m.state_dict(), '%t-shape.pt')"
// RUN: %expect-exit 1 %torch-keycheck check %s --class Pair --checkpoint %t-shape.pt -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=SHAPE --implicit-check-not='{{error|warning}}:'
// SHAPE-DAG: error: 'a.w' (Linear) is not in the checkpoint
// SHAPE-DAG: error: the checkpoint has 'a.0' {{.*}}
#include <torch/torch.h>

// The C++ port: a module whose only child is the Sequential.
struct ConvBNImpl : torch::nn::Module {
  ConvBNImpl(int64_t In, int64_t Out) {
    seq = register_module(
        "ConvBN",
        torch::nn::Sequential(
            torch::nn::Conv2d(torch::nn::Conv2dOptions(In, Out, 3).bias(false)),
            torch::nn::BatchNorm2d(Out), torch::nn::ReLU6()));
  }
  torch::Tensor forward(torch::Tensor X) { return seq->forward(X); }
  torch::nn::Sequential seq{nullptr};
};
TORCH_MODULE(ConvBN);

struct ResidualImpl : torch::nn::Module {
  ResidualImpl() {
    body = register_module(
        "Residual",
        torch::nn::Sequential(ConvBN(8, 8),
                              torch::nn::Conv2d(torch::nn::Conv2dOptions(8, 8, 1).bias(false))));
  }
  torch::Tensor forward(torch::Tensor X) { return X + body->forward(X); }
  torch::nn::Sequential body{nullptr};
};
TORCH_MODULE(Residual);

struct NetImpl : torch::nn::Module {
  NetImpl() {
    register_module("features",
                    torch::nn::Sequential(ConvBN(3, 8), Residual(), ConvBN(8, 16)));
  }
};
TORCH_MODULE(Net);

struct WrapImpl : torch::nn::Module {
  WrapImpl() { register_module("w", torch::nn::Linear(4, 4)); }
  torch::Tensor forward(torch::Tensor X) { return X; }
};
TORCH_MODULE(Wrap);

struct PairImpl : torch::nn::Module {
  PairImpl() { register_module("a", Wrap()); }
};
TORCH_MODULE(Pair);
