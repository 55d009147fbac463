// REQUIRES: torch-python
// A model that is not a class: a free function returning the module
// (`Sequential make_discriminator(...)`), as GAN and builder code writes
// it. --function names it; its parameters are the knobs, its defaults
// apply, and the returned module's keys have no prefix.
// RUN: %torch-keycheck keys %s --function make_discriminator -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=DEFAULTS
// DEFAULTS: gan::make_discriminator() ({{.*}}function-model.cpp:{{[0-9]+}}:{{[0-9]+}}): 10 keys
// DEFAULTS-NEXT: 0.weight {{ *}}parameter  [32, 3, 4, 4]
// DEFAULTS-NEXT: 0.bias {{ *}}parameter  [32]
// DEFAULTS-NEXT: 2.weight {{ *}}parameter  [64, 32, 4, 4]
// DEFAULTS-NEXT: 3.weight {{ *}}parameter  [64]
// DEFAULTS-NEXT: 3.bias {{ *}}parameter  [64]
// DEFAULTS-NEXT: 5.weight {{ *}}parameter  [1, 64, 4, 4]
// DEFAULTS-NEXT: 5.bias {{ *}}parameter  [1]
// DEFAULTS-NEXT: 3.running_mean {{ *}}buffer
//
// RUN: %torch-keycheck keys %s --function gan::make_discriminator --define ndf=4 --define layers=3 --format json -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=JSON
// JSON: "function": "gan::make_discriminator"
// JSON: "name": "6.weight"
// JSON-NEXT: "kind": "parameter"
// JSON-NEXT: "shape": [
// JSON-NEXT: 16
// JSON-NEXT: ],
//
// A name that is no function model says which there are; --class does not
// find functions, and points to --function.
// RUN: %expect-exit 2 %torch-keycheck keys %s --function make_generator -- %libtorch 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSING
// MISSING: error: function 'make_generator' is not a function returning a module in the sources (function models: gan::make_discriminator, gan::conv3x3)
// RUN: %expect-exit 2 %torch-keycheck keys %s --class make_discriminator -- %libtorch 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOTCLASS
// RUN: %expect-exit 2 %torch-keycheck keys %s -- %libtorch 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOTCLASS
// NOTCLASS: error: no class deriving from torch::nn::Module in the sources; name a function returning a module with --function (gan::make_discriminator, gan::conv3x3)
//
// The Python twin of the default configuration, saved by torch: it loads.
// Another width is one shape finding for the knob, at the line.
// RUN: %torch-python -c "import torch.nn as nn, torch; torch.save(nn.Sequential(nn.Conv2d(3, 32, 4, 2), nn.LeakyReLU(), nn.Conv2d(32, 64, 4, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(), nn.Conv2d(64, 1, 4)).state_dict(), '%t.pt')"
// RUN: %expect-exit 0 %torch-keycheck check %s --function make_discriminator --checkpoint %t.pt -- %libtorch | count 0
// RUN: %expect-exit 1 %torch-keycheck check %s --function make_discriminator --checkpoint %t.pt --define ndf=16 -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=WIDTH
// WIDTH: function-model.cpp:{{[0-9]+}}:{{[0-9]+}}: error: 'gan::make_discriminator' is built with ndf=16, but the checkpoint's sizes are those of ndf=32
#include <torch/torch.h>

namespace gan {
torch::nn::Sequential make_discriminator(int64_t in = 3, int64_t ndf = 32,
                                         int64_t layers = 2) {
  torch::nn::Sequential net;
  net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, ndf, 4).stride(2)));
  net->push_back(torch::nn::LeakyReLU());
  int64_t mult = 1;
  for (int64_t i = 1; i < layers; ++i) {
    int64_t prev = mult;
    mult = std::min<int64_t>(int64_t(1) << i, 8);
    net->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(ndf * prev, ndf * mult, 4).bias(false)));
    net->push_back(torch::nn::BatchNorm2d(ndf * mult));
    net->push_back(torch::nn::LeakyReLU());
  }
  net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(ndf * mult, 1, 4)));
  return net;
}

// Helpers returning a layer are function models too, but keys without
// --function lists classes only.
torch::nn::Conv2d conv3x3(int64_t in, int64_t out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}
} // namespace gan
