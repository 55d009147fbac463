// Oracle models: tables rewritten in place before they size layers, as
// model zoos write depth and width multipliers: a range-for by reference,
// and the std algorithms (transform with a lambda or a function, iota,
// fill, copy to a back_inserter, reverse, sort).
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace oracle {

inline int64_t round_to_multiple(double value, int64_t divisor) {
  int64_t rounded =
      std::max(divisor, int64_t(value + divisor / 2) / divisor * divisor);
  return rounded >= 0.9 * value ? rounded : rounded + divisor;
}

inline int64_t doubled_width(int64_t w) { return 2 * w; }

// Depths scaled by a multiplier in place, then doubled by transform.
struct ScaledDepthsImpl : torch::nn::Module {
  explicit ScaledDepthsImpl(double alpha) {
    std::vector<int64_t> depths{32, 16, 24, 40};
    for (auto &d : depths)
      d = round_to_multiple(d * alpha, 8);
    std::vector<int64_t> wide(depths.size());
    std::transform(depths.begin(), depths.end(), wide.begin(),
                   [](int64_t x) { return x + 8; });
    std::vector<int64_t> heads;
    std::transform(depths.begin(), depths.end(), std::back_inserter(heads),
                   doubled_width);
    int64_t in = 3;
    for (size_t i = 0; i < depths.size(); ++i) {
      stages->push_back(torch::nn::Conv2d(
          torch::nn::Conv2dOptions(in, depths[i], 3).bias(false)));
      stages->push_back(torch::nn::BatchNorm2d(depths[i]));
      in = depths[i];
    }
    register_module("stages", stages);
    fc = register_module("fc", torch::nn::Linear(wide.back(), heads.front()));
  }
  torch::nn::Sequential stages;
  torch::nn::Linear fc{nullptr};
};

// Indices from iota, widths filled, reversed, sorted and copied.
struct ReorderedWidthsImpl : torch::nn::Module {
  explicit ReorderedWidthsImpl(int64_t base) {
    std::vector<int64_t> ids(3);
    std::iota(ids.begin(), ids.end(), 1);
    std::vector<int64_t> widths{base * 3, base, base * 2};
    std::sort(widths.begin(), widths.end());
    std::reverse(ids.begin(), ids.end());
    std::vector<int64_t> extra(2);
    std::fill(extra.begin(), extra.end(), base + 1);
    std::vector<int64_t> all;
    std::copy(widths.begin(), widths.end(), std::back_inserter(all));
    std::copy(extra.begin(), extra.end(), std::back_inserter(all));
    int64_t in = 4;
    for (size_t i = 0; i < all.size(); ++i) {
      blocks->push_back(torch::nn::Linear(in, all[i]));
      in = all[i];
    }
    register_module("blocks", blocks);
    for (int64_t id : ids)
      register_module("head" + std::to_string(id), torch::nn::Linear(in, id));
  }
  torch::nn::ModuleList blocks;
};

} // namespace oracle
