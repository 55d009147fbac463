// A small image classifier in the style of LibTorch projects: residual
// blocks whose shortcut exists only when the shape changes, a Sequential
// head, and an auxiliary head switched on by a constructor flag.
#pragma once
#include <torch/torch.h>

namespace example {

struct ResidualBlockImpl : torch::nn::Module {
  ResidualBlockImpl(int64_t in, int64_t out, int64_t stride) {
    conv1 = register_module(
        "conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3)
                                       .stride(stride)
                                       .padding(1)
                                       .bias(false)));
    bn1 = register_module("bn1", torch::nn::BatchNorm2d(out));
    conv2 = register_module(
        "conv2",
        torch::nn::Conv2d(
            torch::nn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", torch::nn::BatchNorm2d(out));
    if (stride != 1 || in != out) {
      shortcut = register_module(
          "shortcut", torch::nn::Sequential(
                          torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)
                                                .stride(stride)
                                                .bias(false)),
                          torch::nn::BatchNorm2d(out)));
    }
  }

  torch::Tensor forward(torch::Tensor x) {
    auto y = torch::relu(bn1(conv1(x)));
    y = bn2(conv2(y));
    return torch::relu(y + (shortcut ? shortcut->forward(x) : x));
  }

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Sequential shortcut{nullptr};
};
TORCH_MODULE(ResidualBlock);

struct ClassifierImpl : torch::nn::Module {
  explicit ClassifierImpl(int64_t num_classes = 10, int64_t width = 16,
                          bool use_aux_head = false) {
    stem = register_module(
        "stem",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(3, width, 3).padding(1)));
    layer1 = register_module("layer1", ResidualBlock(width, width, 1));
    layer2 = register_module("layer2", ResidualBlock(width, width * 2, 2));
    head = register_module(
        "head",
        torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(1),
                              torch::nn::Flatten(), torch::nn::Dropout(0.2),
                              torch::nn::Linear(width * 2, num_classes)));
    if (use_aux_head)
      aux = register_module("aux", torch::nn::Linear(width, num_classes));
  }

  torch::Tensor forward(torch::Tensor x) {
    x = layer2(layer1(torch::relu(stem(x))));
    return head->forward(x);
  }

  torch::nn::Conv2d stem{nullptr};
  ResidualBlock layer1{nullptr}, layer2{nullptr};
  torch::nn::Sequential head{nullptr};
  torch::nn::Linear aux{nullptr};
};
TORCH_MODULE(Classifier);

} // namespace example
