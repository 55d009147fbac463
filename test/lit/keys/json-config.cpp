// A model configured by a nlohmann::json object: the defines give it
// whole (a JSON object) or member by member (dotted paths); a member left
// open is named by its path; a JSON literal in the source is read; JSON
// text the source spells wrongly is an unresolved line at the literal.
// RUN: %torch-keycheck keys %s --class Encoder --define name=r18 --define 'params={"r18": {"layers": [8, 16], "in": 3}}' -- %libtorch | FileCheck %s --check-prefix=WHOLE
// WHOLE: EncoderImpl ({{.*}}) with name="r18", params={r18={in=3, layers=[8, 16]}}: 4 keys
// WHOLE-NEXT: stages.0.weight {{ *}}parameter  [8, 3, 3, 3]
// WHOLE-NEXT: stages.0.bias {{ *}}parameter  [8]
// WHOLE-NEXT: stages.1.weight {{ *}}parameter  [16, 8, 3, 3]
// WHOLE-NEXT: stages.1.bias {{ *}}parameter  [16]
// WHOLE-NOT: unresolved
//
// RUN: %torch-keycheck keys %s --class Encoder --define name=big --define 'params.big.layers=[4]' --define params.big.in=2 --define params.big.head=true -- %libtorch | FileCheck %s --check-prefix=DOTTED
// DOTTED: 4 keys
// DOTTED-NEXT: stages.0.weight {{ *}}parameter  [4, 2, 3, 3]
// DOTTED-NEXT: stages.0.bias {{ *}}parameter  [4]
// DOTTED-NEXT: head.weight {{ *}}parameter  [params.big.classes, 4]
// DOTTED-NEXT: head.bias {{ *}}parameter  [params.big.classes]
//
// RUN: %torch-keycheck keys %s --class Encoder --define name=r18 -- %libtorch | FileCheck %s --check-prefix=OPEN
// OPEN: which keys exist depends on 'params.r18.head', 'params.r18.layers'
// OPEN-NEXT: stages.{width_index}.weight {{ *}}parameter  [at(params.r18.layers, width_index), {{.*}}]
// After the loop, 'in' is the last width (or the input's when there is none):
// OPEN: head.weight {{ *}}parameter  [params.r18.classes, (size(params.r18.layers) > 0) ? at(params.r18.layers, size(params.r18.layers) - 1) : params.r18.in]
//
// RUN: %torch-keycheck keys %s --class Literal -- %libtorch | FileCheck %s --check-prefix=LITERAL
// LITERAL: LiteralImpl ({{.*}}): 3 keys
// LITERAL-NEXT: scale {{ *}}parameter  [7]
// LITERAL-NEXT: fc.weight {{ *}}parameter  [6, 5]
// LITERAL-NEXT: fc.bias {{ *}}parameter  [6]
// LITERAL-NEXT: unresolved: {{.*}}json-config.cpp:[[@LINE+30]]:{{[0-9]+}}: the JSON text here is not valid JSON
#include <torch/torch.h>
#include <nlohmann/json.hpp>

using nlohmann::json;

struct EncoderImpl : torch::nn::Module {
  EncoderImpl(const json &params, const std::string &name) {
    const json &p = params[name];
    int64_t in = p["in"];
    for (int64_t width : p["layers"]) {
      stages->push_back(torch::nn::Conv2d(in, width, 3));
      in = width;
    }
    register_module("stages", stages);
    if (p.value("head", false))
      head = register_module("head", torch::nn::Linear(in, p.at("classes").get<int64_t>()));
  }
  torch::nn::Sequential stages;
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(Encoder);

static const json kSizes = R"({"fc": [5, 6], "scale": 7})"_json;

struct LiteralImpl : torch::nn::Module {
  LiteralImpl() {
    fc = register_module("fc", torch::nn::Linear(kSizes["fc"][0].get<int64_t>(),
                                                 kSizes["fc"][1].get<int64_t>()));
    scale = register_parameter("scale", torch::ones({kSizes["scale"].get<int64_t>()}));
    json broken = json::parse("{\"extra\": [1, 2");
    (void)broken;
  }
  torch::nn::Linear fc{nullptr};
  torch::Tensor scale;
};
TORCH_MODULE(Literal);
