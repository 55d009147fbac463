// Oracle models: shapes of real code that once crashed the analyzer, each
// kept as a regression (the sanitizer build runs them too).
#pragma once
#include <torch/torch.h>

#include <vector>

namespace oracle {

// A VGG-style encoder: the configuration table is a member, passed by
// non-const reference to a free helper that fills a Sequential, -1 being
// a pooling sentinel; option helpers return options objects. Translating
// push_back's argument calls the helpers, which pushed frames under a
// pointer the walk still held to the Sequential (a use after free).
inline torch::nn::MaxPool2dOptions pool_options(int64_t kernel,
                                                int64_t stride) {
  return torch::nn::MaxPool2dOptions(kernel).stride(stride);
}

inline torch::nn::Conv2dOptions conv_options(int64_t in, int64_t out,
                                             int64_t kernel) {
  return torch::nn::Conv2dOptions(in, out, kernel).padding(1);
}

inline torch::nn::Sequential make_features(std::vector<int64_t> &cfg,
                                           int64_t in) {
  torch::nn::Sequential seq;
  for (auto v : cfg) {
    if (v == -1) {
      seq->push_back(torch::nn::MaxPool2d(pool_options(2, 2)));
    } else {
      seq->push_back(torch::nn::Conv2d(conv_options(in, v, 3)));
      seq->push_back(torch::nn::BatchNorm2d(v));
      seq->push_back(torch::nn::ReLU());
      in = v;
    }
  }
  return seq;
}

struct VggEncoderImpl : torch::nn::Module {
  explicit VggEncoderImpl(int64_t in) : cfg{8, -1, 16, 16, -1, 32} {
    features = register_module("features", make_features(cfg, in));
  }
  std::vector<int64_t> cfg;
  torch::nn::Sequential features{nullptr};
};

// The same table grown element by element with emplace_back, each element
// made by a helper call while the walk holds the vector.
inline int64_t doubled(int64_t x) { return 2 * x; }

struct WidthsImpl : torch::nn::Module {
  explicit WidthsImpl(int64_t base) {
    std::vector<int64_t> widths;
    widths.emplace_back(doubled(base));
    widths.emplace_back(doubled(doubled(base)));
    int64_t in = base;
    for (int64_t w : widths) {
      blocks->push_back(torch::nn::Linear(in, w));
      in = w;
    }
    register_module("blocks", blocks);
  }
  torch::nn::ModuleList blocks;
};

} // namespace oracle
