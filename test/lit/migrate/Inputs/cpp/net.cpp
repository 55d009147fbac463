#include "net.h"

NetImpl::NetImpl() {
  body = register_module(
      "body", torch::nn::Sequential(torch::nn::Linear(4, 8), torch::nn::ReLU(),
                                    torch::nn::Linear(8, 3)));
  classifier = register_module("classifier", torch::nn::Linear(3, 2));
  norm = register_module("norm", torch::nn::BatchNorm1d(2));
}

torch::Tensor NetImpl::forward(torch::Tensor X) {
  return norm(classifier(body->forward(X)));
}

OldNetImpl::OldNetImpl() {
  body = register_module(
      "body", torch::nn::Sequential(torch::nn::ReLU(), torch::nn::Linear(4, 8),
                                    torch::nn::Linear(8, 3)));
  classifier = register_module("classifier", torch::nn::Linear(3, 2));
  norm = register_module("norm", torch::nn::BatchNorm1d(2));
}
