// std algorithms that rewrite a table are followed when they can be
// (transform, iota, fill, copy, reverse, sort over a whole table); one the
// walk cannot follow leaves the tables it was handed unknown, so the keys
// built from them say so instead of showing the values from before.
// RUN: %torch-keycheck keys %s --class Net -- %libtorch | FileCheck %s
// CHECK: NetImpl ({{.*}}): 6 keys
// CHECK-NEXT: a.weight {{ *}}parameter  [9, 4]
// CHECK-NEXT: a.bias {{ *}}parameter  [9]
// CHECK-NEXT: b.weight {{ *}}parameter  [at('widths' as changed by std::rotate, which is not followed, 0), 4]
// CHECK-NEXT: b.bias {{ *}}parameter  [at('widths' as changed by std::rotate, which is not followed, 0)]
// CHECK-NEXT: c.weight {{ *}}parameter  [at('sizes' as changed by a loop whose count is not known, 0), 4]
// CHECK-NEXT: c.bias {{ *}}parameter  [at('sizes' as changed by a loop whose count is not known, 0)]
#include <torch/torch.h>
#include <algorithm>

struct NetImpl : torch::nn::Module {
  explicit NetImpl(std::vector<int64_t> sizes) {
    std::vector<int64_t> dims{4, 6};
    std::transform(dims.begin(), dims.end(), dims.begin(),
                   [](int64_t d) { return d + 3; });
    register_module("a", torch::nn::Linear(4, dims.back()));
    std::vector<int64_t> widths{1, 2, 3};
    std::rotate(widths.begin(), widths.begin() + 1, widths.end());
    register_module("b", torch::nn::Linear(4, widths[0]));
    for (auto &s : sizes)
      s = s * 2;
    register_module("c", torch::nn::Linear(4, sizes.at(0)));
  }
};
TORCH_MODULE(Net);
