// Oracle models: sizes computed the way detection and mobile-network code
// computes them: depth and width multipliers through std::round, round()
// from <math.h>, ceil and floor, std::max of floats, std::accumulate over a
// table; plain (holder-less) modules pushed into a Sequential by value and
// held by std::shared_ptr.
#pragma once
#include <torch/torch.h>

#include <math.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

namespace oracle {

struct PlainBlock : torch::nn::Module {
  PlainBlock(int64_t in, int64_t out) {
    conv = register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
    bn = register_module("bn", torch::nn::BatchNorm2d(out));
  }
  torch::Tensor forward(torch::Tensor X) { return bn(conv(X)); }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};

struct DepthStageImpl : torch::nn::Module {
  DepthStageImpl(int64_t in, int64_t out, int64_t n, float depth) {
    n = std::max(static_cast<int64_t>(std::round(n * depth)), int64_t(1));
    for (int64_t I = 0; I < n; ++I)
      blocks->push_back(PlainBlock(out / 2, out / 2));
    entry = register_module("entry", std::make_shared<PlainBlock>(in, out / 2));
    register_module("blocks", blocks);
  }
  std::shared_ptr<PlainBlock> entry;
  torch::nn::Sequential blocks;
};
TORCH_MODULE(DepthStage);

struct WidthNetImpl : torch::nn::Module {
  WidthNetImpl(int64_t classes = 10, float width = 1.0f) {
    heads = {classes, 2};
    int64_t stem = static_cast<int64_t>(round(16 * width));
    int64_t last = int64_t(std::ceil(24 * std::max(1.0f, width)));
    int64_t mid = int64_t(std::floor(stem * 1.5));
    stem_ = register_module("stem", torch::nn::Linear(3, stem));
    mid_ = register_module("mid", torch::nn::Linear(stem, mid));
    last_ = register_module("last", torch::nn::Linear(mid, last));
    int64_t outputs =
        std::accumulate(heads.begin(), heads.end(), static_cast<int64_t>(0));
    head = register_module("head", torch::nn::Linear(last, outputs));
  }
  std::vector<int64_t> heads;
  torch::nn::Linear stem_{nullptr}, mid_{nullptr}, last_{nullptr},
      head{nullptr};
};
TORCH_MODULE(WidthNet);

} // namespace oracle
