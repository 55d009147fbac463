#include <torch/torch.h>

struct TinyImpl : torch::nn::Module {
  explicit TinyImpl(int64_t hidden = 8) {
    fc = register_module("fc", torch::nn::Linear(4, hidden));
  }
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Tiny);
