// Oracle models: classes declared in a header with their defaults and
// defined out of line in outofline.cpp, as most C++ projects write them.
// The definitions rename parameters, take the defaults from here, and
// construct one another with arguments.
#pragma once
#include <torch/torch.h>

namespace oracle {

// A head whose default lives on the declaration only.
struct HeadImpl : torch::nn::Module {
  explicit HeadImpl(int64_t classes = 7, bool with_bias = true);
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Head);

// A residual block: the definition spells every parameter otherwise, its
// member initialisers build the layers, and the downsample is registered
// only when the stride or the width changes.
struct SplitBlockImpl : torch::nn::Module {
  SplitBlockImpl(int64_t in, int64_t out, int64_t stride = 1);
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Sequential downsample{nullptr};
  static const int64_t expansion;
};
TORCH_MODULE(SplitBlock);

// A base class defined out of line, run by a derived constructor that is
// out of line too.
struct StemImpl : torch::nn::Module {
  explicit StemImpl(int64_t width);
  torch::nn::Conv2d conv{nullptr};
};

struct TrunkImpl : StemImpl {
  TrunkImpl(int64_t width, int64_t depth = 2);
  torch::nn::ModuleList blocks;
};
TORCH_MODULE(Trunk);

// The parent: children constructed with arguments from its own
// parameters, and one with its defaults.
struct OutOfLineNetImpl : torch::nn::Module {
  explicit OutOfLineNetImpl(int64_t width = 8, int64_t classes = 10);
  SplitBlock layer1{nullptr}, layer2{nullptr};
  Head head{nullptr}, aux{nullptr};
};
TORCH_MODULE(OutOfLineNet);

// A transformer configured by a plain struct passed by const reference
// to every constructor (as BERT ports read a config file into one), with
// a task head whose options struct nests the model's: sizes are fields,
// given to torch-keycheck as `--define config.hidden=8`.
struct EncoderConfig {
  int hidden;
  float dropout;
  int intermediate;
  int layers;
  int vocab;
};

struct TokenEmbeddingsImpl : torch::nn::Module {
  TokenEmbeddingsImpl();
  explicit TokenEmbeddingsImpl(EncoderConfig const &config);
  torch::nn::Embedding words{nullptr}, positions{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(TokenEmbeddings);

struct EncoderLayerImpl : torch::nn::Module {
  explicit EncoderLayerImpl(const EncoderConfig &cfg);
  torch::nn::Linear qkv{nullptr}, up{nullptr}, down{nullptr};
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(EncoderLayer);

struct TaggerOptions {
  EncoderConfig config;
  int labels;
  bool token_level;
};

struct TaggerImpl : torch::nn::Module {
  explicit TaggerImpl(const TaggerOptions &options);
  TokenEmbeddings embeddings{nullptr};
  torch::nn::ModuleList layers;
  torch::nn::Linear pool{nullptr}, head{nullptr};
  TaggerOptions options;
};
TORCH_MODULE(Tagger);

} // namespace oracle
