// Oracle models: module holders as values. A holder parameter defaulting
// to nullptr and registered only when given, a holder chosen by `?:`
// against nullptr, and a holder tested by its bool conversion.
#pragma once
#include <torch/torch.h>

namespace oracle {

struct DownBlockImpl : torch::nn::Module {
  explicit DownBlockImpl(int64_t c,
                         const torch::nn::Sequential &downsample = nullptr)
      : downsample_(downsample) {
    conv = register_module("conv", torch::nn::Conv2d(c, c, 3));
    if (!downsample_.is_empty())
      register_module("downsample", downsample_);
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::Sequential downsample_;
};
TORCH_MODULE(DownBlock);

struct HolderParentImpl : torch::nn::Module {
  HolderParentImpl(int64_t c, bool aux_logits) {
    plain = register_module("plain", DownBlock(c));
    wide = register_module(
        "wide", DownBlock(c, torch::nn::Sequential(
                                 torch::nn::Conv2d(c, 2 * c, 1),
                                 torch::nn::BatchNorm2d(2 * c))));
    aux = aux_logits ? torch::nn::Linear(c, 2) : nullptr;
    if (aux)
      register_module("aux", aux);
  }
  DownBlock plain{nullptr}, wide{nullptr};
  torch::nn::Linear aux{nullptr};
};
TORCH_MODULE(HolderParent);

} // namespace oracle
