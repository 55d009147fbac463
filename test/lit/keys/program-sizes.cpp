// Sizes and counts the analysed program computes are checked before they
// size anything: a negative size is reported where LibTorch would throw,
// and a layer count beyond what derivation follows is a problem, not an
// allocation of that size (this one once took 9 GiB and never finished).
// RUN: %torch-keycheck keys %s --class Sized --define n=-1 -- %libtorch | FileCheck %s --check-prefix=NEGATIVE
// RUN: %torch-keycheck keys %s --class Sized --define n=1000000000000 -- %libtorch | FileCheck %s --check-prefix=HUGE
// RUN: %torch-keycheck keys %s --class Sized --define n=2 -- %libtorch | FileCheck %s --check-prefix=FINE
// RUN: %torch-keycheck keys %s --class Ranged --define lo=-9223372036854775807 --define hi=9223372036854775807 -- %libtorch | FileCheck %s --check-prefix=RANGE
#include <torch/torch.h>

struct SizedImpl : torch::nn::Module {
  explicit SizedImpl(int64_t n) {
    register_buffer("table", torch::zeros({n, 2}));
    register_module("fc", torch::nn::Linear(n, 3));
    register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(4, 4).num_layers(n)));
  }
};
TORCH_MODULE(Sized);

// A loop over the whole int64 range stops where every walk stops, and its
// count is taken without overflow. Its counter is folded as it is stored:
// kept as a chain of `+ 1`, 30,000 iterations took 196 s and 100,001
// overflowed the stack.
struct RangedImpl : torch::nn::Module {
  RangedImpl(int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      register_module("layer" + std::to_string(i), torch::nn::Linear(2, 2));
  }
};

// NEGATIVE: unresolved: {{.*}}program-sizes.cpp:13:5: 'table' of register_buffer would have size -1; LibTorch throws on a negative dimension
// NEGATIVE: unresolved: {{.*}}program-sizes.cpp:14:5: 'weight' of Linear would have size -1; LibTorch throws on a negative dimension
// NEGATIVE: unresolved: {{.*}}program-sizes.cpp:15:5: LSTM: num_layers is -1, not a count of layers

// HUGE: unresolved: {{.*}}program-sizes.cpp:15:5: LSTM: num_layers is 1000000000000, more layers than the 100000 followed

// FINE: SizedImpl ({{.*}}) with n=2: 11 keys
// FINE-NOT: unresolved

// RANGE: RangedImpl ({{.*}}) with hi=9223372036854775807, lo=-9223372036854775807: 200000 keys
// RANGE: unresolved: {{.*}}program-sizes.cpp:26:5: loops run more than 100000 iterations in all (--max-iterations); what it does from here is not followed, and keys it would register are missing
