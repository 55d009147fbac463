//===- BuiltinModules.cpp - Keys of LibTorch's own modules ----------------===//
//
// Each expander mirrors the reset() of the LibTorch 1.13 module of the same
// name: which tensors it registers, in which order, with which shapes, and
// which options switch them off. Tensors LibTorch registers as undefined
// (Conv bias(false), norms without affine) are simply absent: LibTorch's
// named_parameters(), named_buffers() and serialization skip them.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/keys/BuiltinModules.h"

#include <functional>
#include <map>
#include <set>

namespace torchkc {
namespace {

SymExprPtr num(int64_t V) { return SymExpr::makeInt(V); }
SymExprPtr mul(SymExprPtr A, SymExprPtr B) {
  return fold(SymExpr::makeBinary("*", std::move(A), std::move(B)), {});
}
SymExprPtr divide(SymExprPtr A, SymExprPtr B) {
  return fold(SymExpr::makeBinary("/", std::move(A), std::move(B)), {});
}

/// The options of one construction: positional arguments named by the
/// options class's constructor, then setters, with LibTorch's defaults.
class Options {
public:
  Options(const std::vector<std::string> &Positional,
          const std::vector<SymExprPtr> &Args,
          const std::vector<std::pair<std::string, SymExprPtr>> &Setters,
          std::string &Problem) {
    std::vector<SymExprPtr> Pos = Args;
    std::vector<std::pair<std::string, SymExprPtr>> Set;
    // `Linear(LinearOptions(10, 5).bias(false))`: the options object carries
    // the positional arguments and setters.
    if (Pos.size() == 1 && Pos[0]->K == SymExpr::Kind::Options) {
      SymExprPtr O = Pos[0];
      Pos = O->Args;
      Set = O->Setters;
    }
    Set.insert(Set.end(), Setters.begin(), Setters.end());
    if (Pos.size() > Positional.size())
      Problem = "more arguments than the options take";
    for (size_t I = 0; I < Pos.size() && I < Positional.size(); ++I)
      Values[Positional[I]] = Pos[I];
    for (auto &S : Set)
      Values[S.first] = S.second;
  }

  SymExprPtr get(const std::string &Name, SymExprPtr Default = nullptr) const {
    auto It = Values.find(Name);
    if (It != Values.end())
      return It->second;
    return Default ? Default : SymExpr::makeParam(Name);
  }
  bool has(const std::string &Name) const { return Values.count(Name); }

  /// A switch option: true/false when known, else the condition spelling.
  struct Flag {
    std::optional<bool> Known;
    std::string Condition;
    SymExprPtr Value; ///< what the option is bound to, when not known
  };
  Flag flag(const std::string &Name, bool Default) const {
    auto It = Values.find(Name);
    if (It == Values.end())
      return {Default, ""};
    if (auto B = It->second->asBool())
      return {*B, ""};
    return {std::nullopt, Name + "(" + It->second->str() + ")", It->second};
  }

private:
  std::map<std::string, SymExprPtr> Values;
};

/// The dimensions of an ExpandingArray<D> option: a list as given, or one
/// value repeated D times.
std::vector<SymExprPtr> expand(const SymExprPtr &E, int D) {
  if (E->K == SymExpr::Kind::List)
    return E->Args;
  return std::vector<SymExprPtr>(D, E);
}

struct Builder {
  BuiltinExpansion Out;

  void tensor(BuiltinEntry::Kind K, std::string Name,
              std::vector<SymExprPtr> Shape, std::string DType = "float32",
              const Options::Flag *F = nullptr,
              const Options::Flag *G = nullptr) {
    for (const Options::Flag *X : {F, G})
      if (X && X->Known && !*X->Known)
        return;
    BuiltinEntry E;
    E.K = K;
    E.Name = std::move(Name);
    E.Shape = std::move(Shape);
    E.DType = std::move(DType);
    for (const Options::Flag *X : {F, G})
      if (X && !X->Known) {
        E.Conditions.push_back(X->Condition);
        E.ConditionValues.push_back(X->Value);
      }
    Out.Entries.push_back(std::move(E));
  }
  void param(std::string Name, std::vector<SymExprPtr> Shape,
             const Options::Flag *F = nullptr,
             const Options::Flag *G = nullptr) {
    tensor(BuiltinEntry::Kind::Parameter, std::move(Name), std::move(Shape),
           "float32", F, G);
  }
  void buffer(std::string Name, std::vector<SymExprPtr> Shape,
              std::string DType, const Options::Flag *F = nullptr) {
    tensor(BuiltinEntry::Kind::Buffer, std::move(Name), std::move(Shape),
           std::move(DType), F);
  }
  void child(std::string Name, std::string Builtin,
             std::vector<SymExprPtr> Args,
             std::vector<std::pair<std::string, SymExprPtr>> Setters = {}) {
    auto M = std::make_shared<SymExpr>();
    M->K = SymExpr::Kind::Module;
    M->Builtin = std::move(Builtin);
    M->Name = "torch::nn::" + M->Builtin + "Impl";
    M->Args = std::move(Args);
    M->Setters = std::move(Setters);
    BuiltinEntry E;
    E.K = BuiltinEntry::Kind::Child;
    E.Name = std::move(Name);
    E.Child = M;
    Out.Entries.push_back(std::move(E));
  }
};

using Expander = std::function<void(const Options &, Builder &)>;

struct Spec {
  std::vector<std::string> Positional;
  Expander Expand; ///< null: registers nothing
};

void linear(const Options &O, Builder &B) {
  auto Bias = O.flag("bias", true);
  B.param("weight", {O.get("out_features"), O.get("in_features")});
  B.param("bias", {O.get("out_features")}, &Bias);
}

void bilinear(const Options &O, Builder &B) {
  auto Bias = O.flag("bias", true);
  B.param("weight", {O.get("out_features"), O.get("in1_features"),
                     O.get("in2_features")});
  B.param("bias", {O.get("out_features")}, &Bias);
}

Expander conv(int D, bool Transposed) {
  return [D, Transposed](const Options &O, Builder &B) {
    auto Bias = O.flag("bias", true);
    SymExprPtr In = O.get("in_channels"), Out = O.get("out_channels");
    SymExprPtr Groups = O.get("groups", num(1));
    std::vector<SymExprPtr> Shape =
        Transposed ? std::vector<SymExprPtr>{In, divide(Out, Groups)}
                   : std::vector<SymExprPtr>{Out, divide(In, Groups)};
    for (auto &K : expand(O.get("kernel_size"), D))
      Shape.push_back(K);
    B.param("weight", Shape);
    B.param("bias", {Out}, &Bias);
  };
}

Expander batchNorm(bool AffineDefault, bool TrackDefault) {
  return [=](const Options &O, Builder &B) {
    auto Affine = O.flag("affine", AffineDefault);
    auto Track = O.flag("track_running_stats", TrackDefault);
    SymExprPtr N = O.get("num_features");
    B.param("weight", {N}, &Affine);
    B.param("bias", {N}, &Affine);
    B.buffer("running_mean", {N}, "float32", &Track);
    B.buffer("running_var", {N}, "float32", &Track);
    B.buffer("num_batches_tracked", {}, "int64", &Track);
  };
}

void layerNorm(const Options &O, Builder &B) {
  auto Affine = O.flag("elementwise_affine", true);
  SymExprPtr Shape = O.get("normalized_shape");
  std::vector<SymExprPtr> Dims = Shape->K == SymExpr::Kind::List
                                     ? Shape->Args
                                     : std::vector<SymExprPtr>{Shape};
  B.param("weight", Dims, &Affine);
  B.param("bias", Dims, &Affine);
}

void groupNorm(const Options &O, Builder &B) {
  auto Affine = O.flag("affine", true);
  B.param("weight", {O.get("num_channels")}, &Affine);
  B.param("bias", {O.get("num_channels")}, &Affine);
}

void embedding(const Options &O, Builder &B) {
  B.param("weight", {O.get("num_embeddings"), O.get("embedding_dim")});
}

void prelu(const Options &O, Builder &B) {
  B.param("weight", {O.get("num_parameters", num(1))});
}

/// RNNImplBase::reset: per layer, per direction, w_ih, w_hh, then b_ih,
/// b_hh with bias, then w_hr with a projection.
Expander rnn(int64_t Gates, bool HasProj) {
  return [=](const Options &O, Builder &B) {
    auto Bias = O.flag("bias", true);
    auto Bidi = O.flag("bidirectional", false);
    SymExprPtr Input = O.get("input_size"), Hidden = O.get("hidden_size");
    SymExprPtr Proj = HasProj ? O.get("proj_size", num(0)) : num(0);
    auto Layers = O.get("num_layers", num(1))->asInt();
    if (!Layers) {
      B.Out.Problem = "num_layers is not known: " + O.get("num_layers")->str();
      return;
    }
    // A count from the analysed program sizes what is expanded: bounded
    // like every repetition derivation follows.
    if (*Layers < 0 || *Layers > MaxRepetitions) {
      B.Out.Problem = "num_layers is " + std::to_string(*Layers) +
                      (*Layers < 0 ? ", not a count of layers"
                                   : ", more layers than the " +
                                         std::to_string(MaxRepetitions) +
                                         " followed");
      return;
    }
    auto ProjN = Proj->asInt();
    if (!ProjN) {
      B.Out.Problem = "proj_size is not known: " + Proj->str();
      return;
    }
    if (!Bidi.Known) {
      B.Out.Problem = "bidirectional is not known: " + Bidi.Condition;
      return;
    }
    int Directions = *Bidi.Known ? 2 : 1;
    SymExprPtr Real = *ProjN > 0 ? Proj : Hidden;
    SymExprPtr Gate = mul(num(Gates), Hidden);
    for (int64_t L = 0; L < *Layers; ++L) {
      for (int D = 0; D < Directions; ++D) {
        std::string S = std::to_string(L) + (D ? "_reverse" : "");
        SymExprPtr In = L == 0 ? Input : mul(Real, num(Directions));
        B.param("weight_ih_l" + S, {Gate, In});
        B.param("weight_hh_l" + S, {Gate, Real});
        B.param("bias_ih_l" + S, {Gate}, &Bias);
        B.param("bias_hh_l" + S, {Gate}, &Bias);
        if (*ProjN > 0)
          B.param("weight_hr_l" + S, {Proj, Hidden});
      }
    }
  };
}

Expander rnnCell(int64_t Gates) {
  return [=](const Options &O, Builder &B) {
    auto Bias = O.flag("bias", true);
    SymExprPtr Gate = mul(num(Gates), O.get("hidden_size"));
    B.param("weight_ih", {Gate, O.get("input_size")});
    B.param("weight_hh", {Gate, O.get("hidden_size")});
    B.param("bias_ih", {Gate}, &Bias);
    B.param("bias_hh", {Gate}, &Bias);
  };
}

void multiheadAttention(const Options &O, Builder &B) {
  SymExprPtr E = O.get("embed_dim");
  SymExprPtr K = O.get("kdim", E), V = O.get("vdim", E);
  auto Bias = O.flag("bias", true);
  auto BiasKV = O.flag("add_bias_kv", false);
  // kdim and vdim default to embed_dim; given explicitly they are the same
  // when they fold to the same value or the same symbolic expression.
  auto same = [&](const char *Opt, const SymExprPtr &X) -> std::optional<bool> {
    if (!O.has(Opt) || X->str() == E->str())
      return true;
    return fold(SymExpr::makeBinary("==", X, E), {})->asBool();
  };
  auto SameK = same("kdim", K), SameV = same("vdim", V);
  if (!SameK || !SameV) {
    B.Out.Problem = "whether kdim and vdim equal embed_dim is not known";
    return;
  }
  if (*SameK && *SameV) {
    B.param("in_proj_weight", {mul(num(3), E), E});
  } else {
    B.param("q_proj_weight", {E, E});
    B.param("k_proj_weight", {E, K});
    B.param("v_proj_weight", {E, V});
  }
  B.param("in_proj_bias", {mul(num(3), E)}, &Bias);
  B.param("bias_k", {num(1), num(1), E}, &BiasKV);
  B.param("bias_v", {num(1), num(1), E}, &BiasKV);
  B.child("out_proj", "Linear", {E, E},
          {{"bias", O.get("bias", SymExpr::makeBool(true))}});
}

Expander transformerLayer(bool Decoder) {
  return [=](const Options &O, Builder &B) {
    SymExprPtr D = O.get("d_model"), H = O.get("nhead");
    SymExprPtr FF = O.get("dim_feedforward", num(2048));
    SymExprPtr Drop = O.get("dropout", SymExpr::makeFloat(0.1));
    B.child("self_attn", "MultiheadAttention", {D, H}, {{"dropout", Drop}});
    if (Decoder)
      B.child("multihead_attn", "MultiheadAttention", {D, H},
              {{"dropout", Drop}});
    B.child("linear1", "Linear", {D, FF});
    B.child("dropout", "Dropout", {Drop});
    B.child("linear2", "Linear", {FF, D});
    int Norms = Decoder ? 3 : 2;
    for (int I = 1; I <= Norms; ++I)
      B.child("norm" + std::to_string(I), "LayerNorm",
              {SymExpr::makeList({D})});
    for (int I = 1; I <= Norms; ++I)
      B.child("dropout" + std::to_string(I), "Dropout", {Drop});
  };
}

const std::map<std::string, Spec> &table() {
  static const std::map<std::string, Spec> T = [] {
    std::map<std::string, Spec> M;
    M["Linear"] = {{"in_features", "out_features"}, linear};
    M["Bilinear"] = {{"in1_features", "in2_features", "out_features"},
                     bilinear};
    for (int D = 1; D <= 3; ++D) {
      std::string S = std::to_string(D) + "d";
      std::vector<std::string> P = {"in_channels", "out_channels",
                                    "kernel_size"};
      M["Conv" + S] = {P, conv(D, false)};
      M["ConvTranspose" + S] = {P, conv(D, true)};
      M["BatchNorm" + S] = {{"num_features"}, batchNorm(true, true)};
      M["InstanceNorm" + S] = {{"num_features"}, batchNorm(false, false)};
    }
    M["LayerNorm"] = {{"normalized_shape"}, layerNorm};
    M["GroupNorm"] = {{"num_groups", "num_channels"}, groupNorm};
    M["Embedding"] = {{"num_embeddings", "embedding_dim"}, embedding};
    M["EmbeddingBag"] = {{"num_embeddings", "embedding_dim"}, embedding};
    M["PReLU"] = {{}, prelu};
    M["RNN"] = {{"input_size", "hidden_size"}, rnn(1, false)};
    M["LSTM"] = {{"input_size", "hidden_size"}, rnn(4, true)};
    M["GRU"] = {{"input_size", "hidden_size"}, rnn(3, false)};
    M["RNNCell"] = {{"input_size", "hidden_size"}, rnnCell(1)};
    M["LSTMCell"] = {{"input_size", "hidden_size"}, rnnCell(4)};
    M["GRUCell"] = {{"input_size", "hidden_size"}, rnnCell(3)};
    M["MultiheadAttention"] = {{"embed_dim", "num_heads"}, multiheadAttention};
    M["TransformerEncoderLayer"] = {{"d_model", "nhead"},
                                    transformerLayer(false)};
    M["TransformerDecoderLayer"] = {{"d_model", "nhead"},
                                    transformerLayer(true)};
    // Modules that register no tensor. Their options do not matter, but a
    // Sequential still gives each of them an index.
    for (const char *Name : {"AdaptiveAvgPool1d",
                             "AdaptiveAvgPool2d",
                             "AdaptiveAvgPool3d",
                             "AdaptiveMaxPool1d",
                             "AdaptiveMaxPool2d",
                             "AdaptiveMaxPool3d",
                             "AlphaDropout",
                             "AvgPool1d",
                             "AvgPool2d",
                             "AvgPool3d",
                             "CELU",
                             "ConstantPad1d",
                             "ConstantPad2d",
                             "ConstantPad3d",
                             "CosineSimilarity",
                             "CrossMapLRN2d",
                             "Dropout",
                             "Dropout2d",
                             "Dropout3d",
                             "ELU",
                             "FeatureAlphaDropout",
                             "Flatten",
                             "Fold",
                             "FractionalMaxPool2d",
                             "FractionalMaxPool3d",
                             "Functional",
                             "GELU",
                             "GLU",
                             "Hardshrink",
                             "Hardtanh",
                             "Identity",
                             "LPPool1d",
                             "LPPool2d",
                             "LeakyReLU",
                             "LocalResponseNorm",
                             "LogSigmoid",
                             "LogSoftmax",
                             "MaxPool1d",
                             "MaxPool2d",
                             "MaxPool3d",
                             "MaxUnpool1d",
                             "MaxUnpool2d",
                             "MaxUnpool3d",
                             "Mish",
                             "PairwiseDistance",
                             "PixelShuffle",
                             "PixelUnshuffle",
                             "RReLU",
                             "ReLU",
                             "ReLU6",
                             "ReflectionPad1d",
                             "ReflectionPad2d",
                             "ReflectionPad3d",
                             "ReplicationPad1d",
                             "ReplicationPad2d",
                             "ReplicationPad3d",
                             "SELU",
                             "SiLU",
                             "Sigmoid",
                             "Softmax",
                             "Softmax2d",
                             "Softmin",
                             "Softplus",
                             "Softshrink",
                             "Softsign",
                             "Tanh",
                             "Tanhshrink",
                             "Threshold",
                             "Unflatten",
                             "Unfold",
                             "Upsample",
                             "ZeroPad2d"})
      M[Name] = {{}, nullptr};
    return M;
  }();
  return T;
}

} // namespace

ContainerKind containerKind(const std::string &Builtin) {
  if (Builtin == "Sequential" || Builtin == "ModuleList" ||
      Builtin == "ParameterList")
    return ContainerKind::Indexed;
  if (Builtin == "ModuleDict" || Builtin == "ParameterDict")
    return ContainerKind::Keyed;
  return ContainerKind::None;
}

bool isKnownBuiltin(const std::string &Name) { return table().count(Name); }

BuiltinExpansion
expandBuiltin(const std::string &Name, const std::vector<SymExprPtr> &Args,
              const std::vector<std::pair<std::string, SymExprPtr>> &Setters) {
  auto It = table().find(Name);
  if (It == table().end())
    return {{},
            "LibTorch module '" + Name + "' is not in the table of built-ins"};
  if (!It->second.Expand)
    return {};
  Builder B;
  // Parameter-free modules ignore their options; the others need them.
  Options O(It->second.Positional, Args, Setters, B.Out.Problem);
  It->second.Expand(O, B);
  return std::move(B.Out);
}

} // namespace torchkc
