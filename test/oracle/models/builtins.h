// Oracle models: every LibTorch module in the built-in table, with the
// options that switch their tensors on and off.
#pragma once
#include <torch/torch.h>

namespace oracle {

using namespace torch::nn;

struct ConvsImpl : Module {
  ConvsImpl(int64_t in, int64_t out, int64_t groups, bool bias) {
    register_module(
        "c1", Conv1d(Conv1dOptions(in, out, 5).groups(groups).bias(bias)));
    register_module(
        "c2", Conv2d(Conv2dOptions(in, out, {3, 5}).stride(2).padding(1)));
    register_module("c3", Conv3d(Conv3dOptions(in, out, 3).groups(groups)));
    register_module(
        "t1",
        ConvTranspose1d(ConvTranspose1dOptions(in, out, 4).groups(groups)));
    register_module(
        "t2",
        ConvTranspose2d(ConvTranspose2dOptions(in, out, {2, 3}).bias(bias)));
    register_module("t3", ConvTranspose3d(in, out, 2));
  }
};

struct NormsImpl : Module {
  NormsImpl(int64_t ch, bool affine, bool track) {
    register_module("bn1", BatchNorm1d(BatchNorm1dOptions(ch).affine(affine)));
    register_module("bn2", BatchNorm2d(ch));
    register_module(
        "bn3", BatchNorm3d(BatchNorm3dOptions(ch).track_running_stats(track)));
    register_module("in1", InstanceNorm1d(ch));
    register_module("in2",
                    InstanceNorm2d(InstanceNorm2dOptions(ch).affine(affine)));
    register_module(
        "in3",
        InstanceNorm3d(InstanceNorm3dOptions(ch).track_running_stats(track)));
    register_module("ln", LayerNorm(LayerNormOptions({ch, 4})));
    register_module(
        "ln_plain",
        LayerNorm(LayerNormOptions({ch}).elementwise_affine(affine)));
    register_module("gn", GroupNorm(GroupNormOptions(2, ch).affine(affine)));
    register_module("lrn", LocalResponseNorm(2));
  }
};

struct EmbeddingsImpl : Module {
  EmbeddingsImpl(int64_t vocab, int64_t dim) {
    register_module("tok", Embedding(vocab, dim));
    register_module("pos", Embedding(EmbeddingOptions(64, dim).padding_idx(0)));
    register_module("bag", EmbeddingBag(EmbeddingBagOptions(vocab, dim * 2)));
  }
};

struct RecurrentImpl : Module {
  RecurrentImpl(int64_t input, int64_t hidden, int64_t layers,
                bool bidirectional) {
    register_module("lstm", LSTM(LSTMOptions(input, hidden)
                                     .num_layers(layers)
                                     .bidirectional(bidirectional)));
    register_module("gru", GRU(GRUOptions(input, hidden).num_layers(layers)));
    register_module("rnn", RNN(RNNOptions(input, hidden)
                                   .bias(false)
                                   .bidirectional(bidirectional)));
  }
};

struct ProjectedLstmImpl : Module {
  ProjectedLstmImpl(int64_t input, int64_t hidden, int64_t proj) {
    register_module(
        "lstm", LSTM(LSTMOptions(input, hidden).proj_size(proj).num_layers(2)));
    register_module("plain", LSTM(input, hidden));
  }
};

struct CellsImpl : Module {
  CellsImpl(int64_t input, int64_t hidden, bool bias) {
    register_module("rnn", RNNCell(RNNCellOptions(input, hidden).bias(bias)));
    register_module("lstm", LSTMCell(input, hidden));
    register_module("gru", GRUCell(GRUCellOptions(input, hidden).bias(bias)));
  }
};

struct AttentionImpl : Module {
  AttentionImpl(int64_t embed, int64_t heads, int64_t kdim, bool bias) {
    register_module("self", MultiheadAttention(embed, heads));
    register_module(
        "cross",
        MultiheadAttention(
            MultiheadAttentionOptions(embed, heads).kdim(kdim).vdim(kdim)));
    register_module("kv",
                    MultiheadAttention(MultiheadAttentionOptions(embed, heads)
                                           .add_bias_kv(true)
                                           .bias(bias)));
  }
};

struct TransformerLayersImpl : Module {
  TransformerLayersImpl(int64_t d_model, int64_t nhead, int64_t ff) {
    register_module("enc", TransformerEncoderLayer(
                               TransformerEncoderLayerOptions(d_model, nhead)
                                   .dim_feedforward(ff)));
    register_module("dec", TransformerDecoderLayer(d_model, nhead));
  }
};

struct MiscParamsImpl : Module {
  MiscParamsImpl(int64_t in1, int64_t in2, int64_t out, int64_t ch) {
    register_module("bil", Bilinear(in1, in2, out));
    register_module("bil_nb",
                    Bilinear(BilinearOptions(in1, in2, out).bias(false)));
    register_module("act", PReLU());
    register_module("act_ch", PReLU(PReLUOptions().num_parameters(ch)));
  }
};

// Parameter-free modules still take an index in a Sequential.
struct ParameterFreeImpl : Module {
  explicit ParameterFreeImpl(int64_t dim) {
    body = register_module(
        "body", Sequential(ReLU(), Dropout(0.5), Linear(dim, dim), Flatten(),
                           GELU(), Sigmoid(), Tanh(), Softmax(1), LeakyReLU(),
                           ELU(), Linear(dim, 2), Identity(), MaxPool1d(2),
                           AvgPool1d(2), AdaptiveAvgPool1d(1),
                           Functional(torch::relu), Linear(2, 1)));
    register_module("pool", MaxPool2d(MaxPool2dOptions(2).stride(2)));
    register_module("drop", Dropout2d());
    register_module("up", Upsample(UpsampleOptions().scale_factor(
                              std::vector<double>{2.0})));
  }
  Sequential body{nullptr};
};

} // namespace oracle
