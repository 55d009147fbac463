// Oracle models that are not classes, and arrays of holders: free functions
// returning the whole model (a Sequential built in a loop with a running
// multiplier, a shared_ptr to a user module, a user holder), as GAN and
// builder code writes them; and std::array members of holders initialised
// in the member-initialiser list, registered in a loop by computed names.
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>

namespace oracle {

inline torch::nn::Sequential make_critic(int64_t in = 3, int64_t ndf = 8,
                                         int64_t layers = 3) {
  torch::nn::Sequential net;
  net->push_back(torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, ndf, 4).stride(2).padding(1)));
  net->push_back(torch::nn::LeakyReLU(
      torch::nn::LeakyReLUOptions().negative_slope(0.2)));
  int64_t mult = 1, prev = 1;
  for (int64_t i = 1; i < layers; ++i) {
    prev = mult;
    mult = std::min<int64_t>(int64_t(1) << i, 8);
    net->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(ndf * prev, ndf * mult, 4).bias(false)));
    net->push_back(torch::nn::InstanceNorm2d(
        torch::nn::InstanceNorm2dOptions(ndf * mult).affine(true)));
  }
  net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(ndf * mult, 1, 4)));
  return net;
}

struct ArrayGeneratorImpl : torch::nn::Module {
  explicit ArrayGeneratorImpl(int64_t noise)
      : convs{{{torch::nn::ConvTranspose2d(
                   torch::nn::ConvTranspose2dOptions(noise, 16, 4).bias(false))},
               {torch::nn::ConvTranspose2d(
                   torch::nn::ConvTranspose2dOptions(16, 8, 4).stride(2))},
               {torch::nn::ConvTranspose2d(
                   torch::nn::ConvTranspose2dOptions(8, 3, 4).stride(2))}}},
        norms{{{torch::nn::BatchNorm2d(16)}, {torch::nn::BatchNorm2d(8)}}} {
    for (size_t i = 0; i < convs.size(); i++)
      register_module("conv" + std::to_string(i + 1), convs[i]);
    for (size_t i = 0; i < norms.size(); i++)
      register_module("norm" + std::to_string(i), norms[i]);
  }
  std::array<torch::nn::ConvTranspose2d, 3> convs;
  std::array<torch::nn::BatchNorm2d, 2> norms;
};
TORCH_MODULE(ArrayGenerator);

inline std::shared_ptr<ArrayGeneratorImpl> make_generator(int64_t noise) {
  return std::make_shared<ArrayGeneratorImpl>(noise);
}

inline ArrayGenerator make_wide_generator(int64_t noise, int64_t times = 2) {
  return ArrayGenerator(noise * times);
}

// Models built, trained and saved in one function, as a small program's
// main does: the model is what torch::save writes. The path is the
// driver's to choose.
inline std::string saved_model_path = "oracle-saved-model.pt";

inline void train_and_save(int64_t hidden = 16, bool dropout = true) {
  torch::nn::Sequential net(torch::nn::Linear(8, hidden), torch::nn::ReLU());
  if (dropout)
    net->push_back(torch::nn::Dropout(0.1));
  net->push_back(torch::nn::Linear(hidden, 2));
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
  auto x = torch::randn({4, 8});
  for (int step = 0; step < 3; ++step) {
    opt.zero_grad();
    auto loss = net->forward(x).sum();
    loss.backward();
    opt.step();
  }
  torch::save(net, saved_model_path);
}

inline int save_generator(int64_t noise) {
  auto gen = make_wide_generator(noise, 3);
  auto critic = make_critic(3, 4, 2);
  torch::save(gen, saved_model_path);
  return 0;
}

} // namespace oracle
