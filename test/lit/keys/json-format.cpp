// The JSON document: models with their configuration, keys with kind,
// shape (symbolic dimensions as strings), dtype, origin and location.
// RUN: %torch-keycheck keys %s --class EncoderImpl --format json -- %libtorch > %t.json
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(d, sort_keys=True))" %t.json | FileCheck %s
#include <torch/torch.h>

struct EncoderImpl : torch::nn::Module {
  EncoderImpl(int64_t vocab, int64_t dim = 8) {
    register_module("embed", torch::nn::Embedding(vocab, dim));
    register_buffer("steps", torch::zeros({}, torch::kLong));
  }
};

// CHECK: {"models": [{"class": "EncoderImpl", "configuration": {"define": {}}, "file": "{{[^"]*}}json-format.cpp",
// CHECK-SAME: "keys": [{"dtype": "float32", "kind": "parameter", "location": {"column": 5, "file": "{{[^"]*}}json-format.cpp", "line": 9}, "name": "embed.weight", "origin": "Embedding", "shape": ["vocab", 8]},
// CHECK-SAME: {"dtype": "int64", "kind": "buffer", "location": {"column": 5, "file": "{{[^"]*}}json-format.cpp", "line": 10}, "name": "steps", "origin": "register_buffer", "shape": []}],
// CHECK-SAME: "line": 7, "unresolved": []}], "version": 1}
