// REQUIRES: torch-python
// A model configured by a struct passed to every constructor (a BERT port
// reading its config from a file): keys take the struct's fields by path,
// and check reads them off a checkpoint one by one, as it does knobs.
//
// RUN: %torch-keycheck keys %s --class Encoder -- %libtorch | FileCheck %s --check-prefix=SYMBOLIC
// SYMBOLIC: EncoderImpl ({{.*}}): 7 keys; which keys exist depends on 'config.layers'
// SYMBOLIC-NEXT: embed.weight {{ *}}parameter  [config.vocab, config.hidden]
// SYMBOLIC-NEXT: layers.{i}.ff.weight {{ *}}parameter  [config.hidden * 4, config.hidden] {{.*}} [for i in [0, config.layers)]
//
// RUN: %torch-keycheck keys %s --class Encoder --define config.hidden=8 --define config.vocab=50 --define config.layers=2 -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=DEFINED
// DEFINED: EncoderImpl ({{.*}}) with config.hidden=8, config.layers=2, config.vocab=50: 11 keys
// DEFINED-NEXT: embed.weight {{ *}}parameter  [50, 8]
// DEFINED-NEXT: layers.0.ff.weight {{ *}}parameter  [32, 8]
// DEFINED:      layers.1.ff.weight {{ *}}parameter  [32, 8]
//
// The Python twin, saved by torch: every field is read off it.
// RUN: %torch-python -c "import torch, torch.nn as nn; exec('class L(nn.Module):\n def __init__(s):\n  super().__init__(); s.ff = nn.Linear(8, 32); s.norm = nn.LayerNorm(8)'); m = nn.Module(); m.embed = nn.Embedding(50, 8); m.layers = nn.ModuleList([L(), L()]); m.head = nn.Linear(8, 3); torch.save(m.state_dict(), '%t.pt')"
// RUN: %torch-keycheck check %s --class Encoder --checkpoint %t.pt -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=SOLVED --implicit-check-not='{{error|warning}}:'
// SOLVED: remark: the checkpoint matches 'EncoderImpl' with config.hidden=8 (from embed.weight), config.layers=2, config.vocab=50 (from embed.weight), labels=3 (from head.weight) [torch-checkpoint-configuration]
//
// Given another width, the mismatch is said in terms of the field.
// RUN: %expect-exit 1 %torch-keycheck check %s --class Encoder --checkpoint %t.pt --define config.hidden=16 --define config.vocab=50 --define config.layers=2 --define labels=3 -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=WIDTH
// WIDTH: error: 'EncoderImpl' is built with config.hidden=16, but the checkpoint's sizes are those of config.hidden=8
#include <torch/torch.h>

struct ModelConfig {
  int hidden;
  float dropout;
  int layers;
  int vocab;
};

struct LayerImpl : torch::nn::Module {
  explicit LayerImpl(const ModelConfig &c)
      : ff(c.hidden, c.hidden * 4), norm(torch::nn::LayerNormOptions({c.hidden})) {
    register_module("ff", ff);
    register_module("norm", norm);
  }
  torch::nn::Linear ff;
  torch::nn::LayerNorm norm;
};
TORCH_MODULE(Layer);

struct EncoderImpl : torch::nn::Module {
  EncoderImpl(ModelConfig const &config, int64_t labels)
      : embed(config.vocab, config.hidden) {
    register_module("embed", embed);
    for (int i = 0; i < config.layers; ++i)
      layers->push_back(Layer(config));
    register_module("layers", layers);
    head = register_module("head", torch::nn::Linear(config.hidden, labels));
  }
  torch::nn::Embedding embed;
  torch::nn::ModuleList layers;
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(Encoder);
