// Oracle models: values that live outside the constructor, as real code
// keeps them: static members defined out of class, static constexpr
// members, namespace-scope constants and tables, and configuration tables
// in a std::map keyed by a constructor argument with -1 sentinels.
#pragma once
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <vector>

namespace oracle {

constexpr int64_t kStemWidth = 4;
static const std::vector<int64_t> kHeadWidths = {6, -1, 5};

struct ExpansionBlockImpl : torch::nn::Module {
  static int64_t expansion;
  static constexpr int64_t groups = 2;
  ExpansionBlockImpl(int64_t in, int64_t planes) {
    conv = register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(
                                      in, planes * expansion, 3)
                                      .groups(groups)
                                      .bias(false)));
  }
  torch::nn::Conv2d conv{nullptr};
};
inline int64_t ExpansionBlockImpl::expansion = 4;
TORCH_MODULE(ExpansionBlock);

struct TableNetImpl : torch::nn::Module {
  explicit TableNetImpl(char version, int64_t in = 3) {
    static std::map<char, std::vector<int64_t>> cfgs = {
        {'A', {8, -1, 16}}, {'B', {8, 8, -1, 16, -1}}};
    for (auto v : cfgs[version]) {
      if (v == -1) {
        features->push_back(torch::nn::MaxPool2d(2));
      } else {
        features->push_back(torch::nn::Conv2d(
            torch::nn::Conv2dOptions(in, v, 3).padding(1)));
        features->push_back(torch::nn::ReLU());
        in = v;
      }
    }
    register_module("features", features);
    block = register_module("block", ExpansionBlock(in, kStemWidth));
    int64_t width = kStemWidth;
    for (int64_t w : kHeadWidths) {
      if (w < 0) {
        head->push_back(torch::nn::Functional(torch::relu));
      } else {
        head->push_back(torch::nn::Linear(width, w));
        width = w;
      }
    }
    register_module("head", head);
  }
  torch::nn::Sequential features, head;
  ExpansionBlock block{nullptr};
};
TORCH_MODULE(TableNet);

// Widths computed in doubles and truncated to int, as tutorials write
// them: `int out = 8 * std::pow(2, i)`.
struct PowerWidthsImpl : torch::nn::Module {
  explicit PowerWidthsImpl(int stages, int in = 3) {
    for (int i = 0; i < stages; i++) {
      int out = 8 * std::pow(2, i);
      body->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3)));
      body->push_back(torch::nn::BatchNorm2d(out));
      in = out;
    }
    register_module("body", body);
    fc = register_module("fc", torch::nn::Linear(in, int(in / 3)));
  }
  torch::nn::Sequential body;
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(PowerWidths);

// A table sized by a constructor argument: `std::vector<int64_t> v(n, w)`.
struct FilledTableImpl : torch::nn::Module {
  FilledTableImpl(int64_t blocks, int64_t width) {
    std::vector<int64_t> widths(blocks, width);
    std::vector<int64_t> extra(2);
    int64_t in = 3;
    for (int64_t w : widths) {
      layers->push_back(torch::nn::Linear(in, w));
      in = w;
    }
    register_module("layers", layers);
    head = register_module(
        "head", torch::nn::Linear(in, static_cast<int64_t>(extra.size())));
  }
  torch::nn::Sequential layers;
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(FilledTable);

} // namespace oracle
