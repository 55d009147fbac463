// Oracle models: configurations read from nlohmann::json, as segmentation
// libraries write their encoders (a parameters object keyed by the
// variant's name, read with [], at, value and get<T>()), and JSON written
// in the source: a raw-string literal, json::parse, and braces.
#pragma once
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace oracle {

// Stages from `params[name]`: a table of widths with a running channel
// count, a value with a default, an optional head whose size is read
// with at().
struct JsonEncoderImpl : torch::nn::Module {
  JsonEncoderImpl(const nlohmann::json &params, const std::string &name) {
    const nlohmann::json &p = params[name];
    std::vector<int64_t> layers = p["layers"].get<std::vector<int64_t>>();
    int64_t in = p["in_channels"];
    int64_t groups = p.value("groups", 1);
    for (size_t i = 0; i < layers.size(); ++i) {
      stages->push_back(torch::nn::Conv2d(
          torch::nn::Conv2dOptions(in, layers[i], 3).groups(groups)));
      in = layers[i];
    }
    register_module("stages", stages);
    if (p.value("head", false))
      head = register_module(
          "head", torch::nn::Linear(in, p.at("classes").get<int64_t>()));
  }
  torch::nn::Sequential stages;
  torch::nn::Linear head{nullptr};
};

// The variants as a JSON literal, one picked by name; elements converted
// where they are read.
static const nlohmann::json kJsonVariants = R"({
  "tiny": {"widths": [4, 8], "norm": true},
  "small": {"widths": [8, 16, 32], "norm": false}
})"_json;

struct JsonVariantImpl : torch::nn::Module {
  explicit JsonVariantImpl(std::string variant) {
    int64_t in = 3;
    for (const auto &w : kJsonVariants[variant]["widths"]) {
      int64_t width = w;
      blocks->push_back(torch::nn::Linear(in, width));
      if (kJsonVariants[variant]["norm"].get<bool>())
        blocks->push_back(torch::nn::BatchNorm1d(width));
      in = width;
    }
    register_module("blocks", blocks);
  }
  torch::nn::Sequential blocks;
};

// A configuration built with braces and with json::parse in the body.
struct JsonBracedImpl : torch::nn::Module {
  explicit JsonBracedImpl(int64_t classes) {
    nlohmann::json cfg = {{"hidden", {16, 8}}, {"dropout", 0.1}};
    nlohmann::json extra = nlohmann::json::parse(R"({"embed": [10, 4]})");
    embed = register_module(
        "embed", torch::nn::Embedding(extra["embed"][0].get<int64_t>(),
                                      extra["embed"][1].get<int64_t>()));
    int64_t in = extra["embed"][1];
    for (size_t i = 0; i < cfg["hidden"].size(); ++i) {
      int64_t h = cfg["hidden"][i];
      layers->push_back(torch::nn::Linear(in, h));
      in = h;
    }
    layers->push_back(torch::nn::Linear(in, classes));
    register_module("layers", layers);
  }
  torch::nn::Embedding embed{nullptr};
  torch::nn::ModuleList layers;
};

} // namespace oracle
