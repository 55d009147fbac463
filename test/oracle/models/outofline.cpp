// The definitions of the classes in outofline.h, in their own translation
// unit: the oracle driver links it and torch-keycheck analyses it as a
// unit of its own.
#include "outofline.h"

namespace oracle {

const int64_t SplitBlockImpl::expansion = 1;

HeadImpl::HeadImpl(int64_t num_classes, bool bias) {
  fc = register_module(
      "fc", torch::nn::Linear(
                torch::nn::LinearOptions(16, num_classes).bias(bias)));
}

SplitBlockImpl::SplitBlockImpl(int64_t inplanes, int64_t planes, int64_t s)
    : conv1(torch::nn::Conv2dOptions(inplanes, planes, 3)
                .stride(s)
                .padding(1)
                .bias(false)),
      conv2(torch::nn::Conv2dOptions(planes, planes * expansion, 3)
                .padding(1)
                .bias(false)),
      bn1(planes), bn2(planes * expansion) {
  register_module("conv1", conv1);
  register_module("bn1", bn1);
  register_module("conv2", conv2);
  register_module("bn2", bn2);
  if (s != 1 || inplanes != planes * expansion) {
    downsample = torch::nn::Sequential(
        torch::nn::Conv2d(
            torch::nn::Conv2dOptions(inplanes, planes * expansion, 1)
                .stride(s)
                .bias(false)),
        torch::nn::BatchNorm2d(planes * expansion));
    register_module("downsample", downsample);
  }
}

StemImpl::StemImpl(int64_t w) {
  conv = register_module("conv", torch::nn::Conv2d(3, w, 3));
}

TrunkImpl::TrunkImpl(int64_t w, int64_t n) : StemImpl(w) {
  for (int64_t i = 0; i < n; ++i)
    blocks->push_back(SplitBlock(w, w));
  register_module("blocks", blocks);
}

OutOfLineNetImpl::OutOfLineNetImpl(int64_t w, int64_t n) {
  layer1 = register_module("layer1", SplitBlock(w, w));
  layer2 = register_module("layer2", SplitBlock(w, w * 2, 2));
  head = register_module("head", Head(n));
  aux = register_module("aux", Head());
}

TokenEmbeddingsImpl::TokenEmbeddingsImpl() {}
TokenEmbeddingsImpl::TokenEmbeddingsImpl(EncoderConfig const &config)
    : words(torch::nn::EmbeddingOptions(config.vocab, config.hidden)
                .padding_idx(0)),
      positions(torch::nn::EmbeddingOptions(64, config.hidden)),
      norm(torch::nn::LayerNormOptions({config.hidden}).eps(1e-12)),
      dropout(torch::nn::Dropout(config.dropout)) {
  register_module("words", words);
  register_module("positions", positions);
  register_module("norm", norm);
  register_module("dropout", dropout);
}

EncoderLayerImpl::EncoderLayerImpl(const EncoderConfig &c)
    : qkv(torch::nn::Linear(c.hidden, c.hidden * 3)),
      up(torch::nn::Linear(c.hidden, c.intermediate)),
      down(torch::nn::Linear(c.intermediate, c.hidden)),
      norm(torch::nn::LayerNormOptions({c.hidden})) {
  register_module("qkv", qkv);
  register_module("up", up);
  register_module("down", down);
  register_module("norm", norm);
}

TaggerImpl::TaggerImpl(const TaggerOptions &o)
    : embeddings(TokenEmbeddings(o.config)), options(o) {
  register_module("embeddings", embeddings);
  for (int i = 0; i < o.config.layers; i++)
    layers->push_back(EncoderLayer(o.config));
  register_module("layers", layers);
  if (!o.token_level)
    pool = register_module("pool",
                           torch::nn::Linear(o.config.hidden, o.config.hidden));
  head = register_module("head", torch::nn::Linear(o.config.hidden, o.labels));
}

} // namespace oracle
