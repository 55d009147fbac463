// One warning (a flag-dependent head) and one error (a dotted name).
#include <torch/torch.h>

struct HeadNetImpl : torch::nn::Module {
  explicit HeadNetImpl(bool with_head) {
    register_module("trunk", torch::nn::Linear(4, 8));
    if (with_head)
      register_module("head", torch::nn::Linear(8, 2));
  }
};

struct BadNameImpl : torch::nn::Module {
  BadNameImpl() { register_module("a.b", torch::nn::Linear(4, 8)); }
};

struct CleanImpl : torch::nn::Module {
  CleanImpl() { register_module("fc", torch::nn::Linear(4, 8)); }
};
