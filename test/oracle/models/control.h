// Oracle models: control flow and value flow the way real LibTorch code
// writes them (issue: conditional, looped and container registration).
#pragma once
#include <torch/torch.h>

#include <array>
#include <string>
#include <vector>

namespace oracle {

using namespace torch::nn;

// A residual block whose shortcut exists only when the shape changes.
struct ResBlockImpl : Module {
  ResBlockImpl(int64_t in, int64_t out, int64_t stride) {
    conv1 = register_module(
        "conv1",
        Conv2d(
            Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    bn1 = register_module("bn1", BatchNorm2d(out));
    conv2 = register_module(
        "conv2", Conv2d(Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", BatchNorm2d(out));
    if (stride != 1 || in != out)
      shortcut = register_module(
          "shortcut",
          Sequential(
              Conv2d(Conv2dOptions(in, out, 1).stride(stride).bias(false)),
              BatchNorm2d(out)));
  }
  torch::Tensor forward(torch::Tensor x) { return bn2(conv2(bn1(conv1(x)))); }
  Conv2d conv1{nullptr}, conv2{nullptr};
  BatchNorm2d bn1{nullptr}, bn2{nullptr};
  Sequential shortcut{nullptr};
};
TORCH_MODULE(ResBlock);

// Stages built by a helper returning a Sequential, in a loop over a layer
// table, with the input width carried in a member between stages.
struct ResNetLikeImpl : Module {
  ResNetLikeImpl(std::vector<int64_t> layers, int64_t width, int64_t classes) {
    stem = register_module(
        "stem", Conv2d(Conv2dOptions(3, width, 3).padding(1).bias(false)));
    inplanes = width;
    for (size_t i = 0; i < layers.size(); ++i) {
      int64_t planes = width << i;
      register_module("layer" + std::to_string(i + 1),
                      make_layer(planes, layers[i], i == 0 ? 1 : 2));
    }
    fc = register_module("fc", Linear(inplanes, classes));
  }
  Sequential make_layer(int64_t planes, int64_t blocks, int64_t stride) {
    Sequential seq;
    seq->push_back(ResBlock(inplanes, planes, stride));
    inplanes = planes;
    for (int64_t b = 1; b < blocks; ++b)
      seq->push_back(ResBlock(inplanes, planes, 1));
    return seq;
  }
  int64_t inplanes = 0;
  Conv2d stem{nullptr};
  Linear fc{nullptr};
};

// Dense blocks: layers named "denselayer" + std::to_string(i + 1).
struct DenseLayerImpl : Module {
  DenseLayerImpl(int64_t in, int64_t growth) {
    register_module("norm", BatchNorm2d(in));
    register_module(
        "conv", Conv2d(Conv2dOptions(in, growth, 3).padding(1).bias(false)));
  }
  torch::Tensor forward(torch::Tensor x) { return x; }
};
TORCH_MODULE(DenseLayer);

struct DenseBlockImpl : Module {
  DenseBlockImpl(int64_t num_layers, int64_t in, int64_t growth) {
    for (int64_t i = 0; i < num_layers; ++i)
      register_module("denselayer" + std::to_string(i + 1),
                      DenseLayer(in + i * growth, growth));
  }
  torch::Tensor forward(torch::Tensor x) { return x; }
};
TORCH_MODULE(DenseBlock);

struct TransitionImpl : Module {
  TransitionImpl(int64_t in, int64_t out) {
    register_module("norm", BatchNorm2d(in));
    register_module("conv", Conv2d(Conv2dOptions(in, out, 1).bias(false)));
  }
  torch::Tensor forward(torch::Tensor x) { return x; }
};
TORCH_MODULE(Transition);

// DenseNet's feature stack: named pushes, with the width carried through
// blocks and halved by every transition but the last.
struct DenseNetLikeImpl : Module {
  DenseNetLikeImpl(int64_t growth, std::vector<int64_t> block_config,
                   int64_t init) {
    features = register_module("features", Sequential());
    features->push_back(
        "conv0", Conv2d(Conv2dOptions(3, init, 3).padding(1).bias(false)));
    int64_t num_features = init;
    for (size_t i = 0; i < block_config.size(); ++i) {
      features->push_back("denseblock" + std::to_string(i + 1),
                          DenseBlock(block_config[i], num_features, growth));
      num_features = num_features + block_config[i] * growth;
      if (i != block_config.size() - 1) {
        features->push_back("transition" + std::to_string(i + 1),
                            Transition(num_features, num_features / 2));
        num_features = num_features / 2;
      }
    }
    features->push_back("norm5", BatchNorm2d(num_features));
    classifier = register_module("classifier", Linear(num_features, 10));
  }
  Sequential features{nullptr};
  Linear classifier{nullptr};
};

// An auxiliary head that exists only when asked for, behind an early return.
struct AuxHeadNetImpl : Module {
  AuxHeadNetImpl(int64_t classes, bool aux_logits) {
    body = register_module("body", Linear(32, 16));
    head = register_module("head", Linear(16, classes));
    if (!aux_logits)
      return;
    aux = register_module(
        "aux", Sequential(Linear(32, 8), ReLU(), Linear(8, classes)));
  }
  Linear body{nullptr}, head{nullptr};
  Sequential aux{nullptr};
};

// A configuration table drives the layer list; -1 marks a pooling layer.
struct VggLikeImpl : Module {
  VggLikeImpl(std::vector<int64_t> cfg, bool batch_norm) {
    Sequential layers;
    int64_t in = 3;
    for (int64_t v : cfg) {
      if (v == -1) {
        layers->push_back(MaxPool2d(MaxPool2dOptions(2).stride(2)));
      } else {
        layers->push_back(Conv2d(Conv2dOptions(in, v, 3).padding(1)));
        if (batch_norm)
          layers->push_back(BatchNorm2d(v));
        layers->push_back(ReLU());
        in = v;
      }
    }
    features = register_module("features", layers);
    classifier = register_module("classifier", Linear(in, 10));
  }
  Sequential features{nullptr};
  Linear classifier{nullptr};
};

// Inverted residual blocks from a spec table {expand, out, repeats, stride}.
struct InvertedResidualImpl : Module {
  InvertedResidualImpl(int64_t in, int64_t out, int64_t stride,
                       int64_t expand) {
    int64_t hidden = in * expand;
    Sequential layers;
    if (expand != 1) {
      layers->push_back(Conv2d(Conv2dOptions(in, hidden, 1).bias(false)));
      layers->push_back(BatchNorm2d(hidden));
      layers->push_back(ReLU6());
    }
    layers->push_back(Conv2d(Conv2dOptions(hidden, hidden, 3)
                                 .stride(stride)
                                 .padding(1)
                                 .groups(hidden)
                                 .bias(false)));
    layers->push_back(BatchNorm2d(hidden));
    layers->push_back(ReLU6());
    layers->push_back(Conv2d(Conv2dOptions(hidden, out, 1).bias(false)));
    layers->push_back(BatchNorm2d(out));
    conv = register_module("conv", layers);
  }
  torch::Tensor forward(torch::Tensor x) { return conv->forward(x); }
  Sequential conv{nullptr};
};
TORCH_MODULE(InvertedResidual);

struct MobileNetLikeImpl : Module {
  explicit MobileNetLikeImpl(int64_t first) {
    const std::vector<std::array<int64_t, 4>> settings = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}};
    Sequential blocks;
    blocks->push_back(
        Conv2d(Conv2dOptions(3, first, 3).stride(2).padding(1).bias(false)));
    int64_t in = first;
    for (const auto &s : settings) {
      for (int64_t i = 0; i < s[2]; ++i) {
        blocks->push_back(InvertedResidual(in, s[1], i == 0 ? s[3] : 1, s[0]));
        in = s[1];
      }
    }
    features = register_module("features", blocks);
  }
  Sequential features{nullptr};
};

// An encoder whose depth is a constructor argument, over a ModuleList.
struct EncoderDepthImpl : Module {
  EncoderDepthImpl(int64_t depth, int64_t dim) {
    layers = register_module("layers", ModuleList());
    for (int64_t i = 0; i < depth; ++i)
      layers->push_back(TransformerEncoderLayer(
          TransformerEncoderLayerOptions(dim, 2).dim_feedforward(dim * 2)));
    norm = register_module("norm", LayerNorm(LayerNormOptions({dim})));
  }
  ModuleList layers{nullptr};
  LayerNorm norm{nullptr};
};

// switch with fall-through and default.
struct SwitchKindImpl : Module {
  SwitchKindImpl(int64_t kind, int64_t dim) {
    switch (kind) {
    case 0:
      register_module("proj", Linear(dim, dim));
      break;
    case 1:
    case 2:
      register_module("norm", LayerNorm(LayerNormOptions({dim})));
      break;
    default:
      register_module("act", PReLU(PReLUOptions().num_parameters(dim)));
    }
    register_module("out", Linear(dim, 1));
  }
};

// A width chosen by if/else assignment before it is used.
struct IfElseWidthImpl : Module {
  IfElseWidthImpl(int64_t in, bool wide) {
    int64_t hidden;
    if (wide)
      hidden = 128;
    else
      hidden = 32;
    register_module("fc1", Linear(in, hidden));
    register_module("fc2", Linear(hidden, 2));
  }
};

// A while loop doubling the channels it carries.
struct WhileDoublingImpl : Module {
  explicit WhileDoublingImpl(int64_t n) {
    int64_t i = 0, ch = 4;
    while (i < n) {
      register_module("conv" + std::to_string(i), Conv1d(ch, ch * 2, 1));
      ch *= 2;
      ++i;
    }
  }
};

// Range-for over a braced list, carrying the width.
struct RangeForListImpl : Module {
  explicit RangeForListImpl(int64_t in) {
    for (int64_t c : {8, 16, 32}) {
      register_module("fc" + std::to_string(c), Linear(in, c));
      in = c;
    }
  }
};

// continue and break decided by constructor arguments.
struct BreakContinueImpl : Module {
  BreakContinueImpl(int64_t n, int64_t skip) {
    for (int64_t i = 0; i < 6; ++i) {
      if (i == skip)
        continue;
      if (i >= n)
        break;
      register_parameter("w" + std::to_string(i), torch::zeros({i + 1, 2}));
    }
  }
};

// Nested loops with names from both indices.
struct NestedLoopsImpl : Module {
  NestedLoopsImpl(int64_t stages, int64_t blocks) {
    for (int64_t s = 0; s < stages; ++s)
      for (int64_t b = 0; b < blocks; ++b)
        register_module("s" + std::to_string(s) + "b" + std::to_string(b),
                        Linear(s + 1, b + 1));
  }
};

// A free helper building a Sequential from a list of widths.
inline Sequential make_mlp(const std::vector<int64_t> &dims) {
  Sequential seq;
  for (size_t i = 0; i + 1 < dims.size(); ++i) {
    seq->push_back(Linear(dims[i], dims[i + 1]));
    if (i + 2 < dims.size())
      seq->push_back(ReLU());
  }
  return seq;
}

struct FreeHelperImpl : Module {
  explicit FreeHelperImpl(std::vector<int64_t> dims) {
    mlp = register_module("mlp", make_mlp(dims));
  }
  Sequential mlp{nullptr};
};

// Parameters and buffers registered in a loop.
struct TensorLoopImpl : Module {
  explicit TensorLoopImpl(int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      register_parameter("weight" + std::to_string(i),
                         torch::randn({i + 1, n}));
      register_buffer("count" + std::to_string(i),
                      torch::zeros({1}, torch::kLong));
    }
  }
};

// A guarded push inside a loop: the indices depend on the flag.
struct GuardedPushLoopImpl : Module {
  GuardedPushLoopImpl(int64_t n, bool with_norm) {
    Sequential seq;
    for (int64_t i = 0; i < n; ++i) {
      seq->push_back(Linear(4, 4));
      if (with_norm)
        seq->push_back(LayerNorm(LayerNormOptions({4})));
      seq->push_back(ReLU());
    }
    register_module("seq", seq);
  }
};

// A helper that returns early under a flag.
struct EarlyReturnHelperImpl : Module {
  explicit EarlyReturnHelperImpl(bool small) { build(small); }
  void build(bool small) {
    register_module("fc1", Linear(8, 8));
    if (small)
      return;
    register_module("fc2", Linear(8, 4));
    register_module("fc3", Linear(4, 2));
  }
};

// A kernel size picked by a ternary on a flag.
struct TernaryKernelImpl : Module {
  TernaryKernelImpl(int64_t ch, bool wide_kernel) {
    register_module("conv", Conv1d(ch, ch * 2, wide_kernel ? 5 : 1));
  }
};

// A loop bounded by a member set from an argument.
struct MemberBoundImpl : Module {
  explicit MemberBoundImpl(int64_t blocks) : blocks_(blocks + 1) {
    for (int64_t i = 0; i < blocks_; ++i)
      register_module("block" + std::to_string(i), Linear(2, 2));
  }
  int64_t blocks_;
};

} // namespace oracle

namespace oracle {

using namespace torch::nn;

// The other containers: ModuleDict keeps its keys in order, ParameterList
// names by index, ParameterDict by key; ModuleList grows by extend too.
struct ContainersImpl : Module {
  ContainersImpl(int64_t dim, bool with_extra) {
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> named = {
        {"cls", std::make_shared<LinearImpl>(dim, 10)},
        {"box", std::make_shared<LinearImpl>(dim, 4)}};
    heads = register_module("heads", ModuleDict(named));
    if (with_extra) {
      std::vector<std::pair<std::string, std::shared_ptr<Module>>> extra = {
          {"extra", std::make_shared<LinearImpl>(dim, 1)}};
      heads->update(extra);
    }
    scales = register_module(
        "scales", ParameterList(torch::ones({dim}), torch::zeros({2})));
    scales->append(torch::zeros({dim, 2}));
    gates = register_module("gates", ParameterDict());
    gates->insert("in", torch::ones({dim}));
    gates->insert("out", torch::ones({1}));
    ModuleList more;
    more->push_back(Linear(dim, dim));
    more->push_back(ReLU());
    blocks = register_module("blocks", ModuleList(Linear(dim, 2)));
    blocks->extend(*more);
  }
  ModuleDict heads{nullptr};
  ParameterList scales{nullptr};
  ParameterDict gates{nullptr};
  ModuleList blocks{nullptr};
};

// A model that is itself a Sequential, filled in its own constructor.
struct StackImpl : SequentialImpl {
  StackImpl(int64_t dim, int64_t depth, bool dropout) {
    for (int64_t i = 0; i < depth; ++i) {
      push_back(Linear(dim, dim));
      if (dropout)
        push_back(Dropout(0.1));
      push_back(ReLU());
    }
    push_back("head", Linear(dim, 1));
  }
};
TORCH_MODULE(Stack);

struct UsesStackImpl : Module {
  UsesStackImpl(int64_t dim, int64_t depth) {
    register_module("stack", Stack(dim, depth, depth > 1));
  }
};

// ModuleList::insert. LibTorch 1.13 re-registers only the inserted index:
// later indices keep their old modules and the old last one is registered
// again at the end, so the state_dict is not the list's iteration order.
struct InsertListImpl : Module {
  InsertListImpl(int64_t dim, int64_t at) {
    ModuleList list(Linear(dim, dim + 1), Linear(dim + 1, dim + 2),
                    Linear(dim + 2, dim + 3));
    list->insert(at, Linear(dim * 2, dim));
    register_module("list", list);
    ModuleList grown = register_module("grown", ModuleList(ReLU()));
    grown->insert(0, Linear(dim, 1));
  }
};

// Holders kept in a std::vector member, registered one by one.
struct VectorOfHoldersImpl : Module {
  VectorOfHoldersImpl(int64_t n, int64_t dim) {
    for (int64_t i = 0; i < n; ++i) {
      layers.push_back(Linear(dim + i, dim + i + 1));
      register_module("layer" + std::to_string(i), layers.back());
    }
    for (int64_t i = 0; i < n; ++i)
      norms.emplace_back(LayerNormOptions({dim + i + 1}));
    for (int64_t i = 0; i < n; ++i)
      register_module("norm" + std::to_string(i), norms[i]);
  }
  std::vector<Linear> layers;
  std::vector<LayerNorm> norms;
};

} // namespace oracle

namespace oracle {

using namespace torch::nn;

// A model template over its block type, the way ResNet18/50 share code;
// the block's expansion is a static member the template reads.
struct BasicBlockTImpl : Module {
  static constexpr int64_t expansion = 1;
  BasicBlockTImpl(int64_t in, int64_t planes) {
    register_module(
        "conv", Conv2d(Conv2dOptions(in, planes, 3).padding(1).bias(false)));
    register_module("bn", BatchNorm2d(planes));
  }
};
TORCH_MODULE(BasicBlockT);

struct BottleneckTImpl : Module {
  static constexpr int64_t expansion = 4;
  BottleneckTImpl(int64_t in, int64_t planes) {
    register_module("reduce", Conv2d(Conv2dOptions(in, planes, 1).bias(false)));
    register_module(
        "expand",
        Conv2d(Conv2dOptions(planes, planes * expansion, 1).bias(false)));
  }
};
TORCH_MODULE(BottleneckT);

template <typename Block> struct ResNetTImpl : Module {
  ResNetTImpl(int64_t blocks, int64_t width) {
    int64_t in = 3;
    for (int64_t i = 0; i < blocks; ++i) {
      register_module("block" + std::to_string(i), Block(in, width));
      in = width * Block::Impl::expansion;
    }
    register_module("fc", Linear(in, 10));
  }
};

// A hand-written templated holder, as TORCH_MODULE cannot take templates.
template <typename Block>
class ResNetT : public ModuleHolder<ResNetTImpl<Block>> {
public:
  using ModuleHolder<ResNetTImpl<Block>>::ModuleHolder;
};

// Factories that name the variants, as a project's model zoo does.
inline ResNetT<BasicBlockT> resnet_basic(int64_t blocks) {
  return ResNetT<BasicBlockT>(blocks, 8);
}
inline ResNetT<BottleneckT> resnet_bottleneck(int64_t blocks) {
  return ResNetT<BottleneckT>(blocks, 4);
}

} // namespace oracle
