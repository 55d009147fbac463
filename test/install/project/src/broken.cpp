#include <torch/torch.h>

struct BrokenImpl : torch::nn::Module {
  BrokenImpl() {
    register_module("fc", torch::nn::Linear(4, 8));
    register_module("fc", torch::nn::Linear(8, 2));
  }
};
TORCH_MODULE(Broken);
