// The model of torch_cases.py as a LibTorch project writes it: the class
// in a header, its constructor in net.cpp. OldNet is the same model as it
// was when the ReLU came first in body (torch_cases.py's OldOrder).
#pragma once
#include <torch/torch.h>

struct NetImpl : torch::nn::Module {
  NetImpl();
  torch::Tensor forward(torch::Tensor X);

  torch::nn::Sequential body{nullptr};
  torch::nn::Linear classifier{nullptr};
  torch::nn::BatchNorm1d norm{nullptr};
};
TORCH_MODULE(Net);

struct OldNetImpl : torch::nn::Module {
  OldNetImpl();

  torch::nn::Sequential body{nullptr};
  torch::nn::Linear classifier{nullptr};
  torch::nn::BatchNorm1d norm{nullptr};
};
TORCH_MODULE(OldNet);
