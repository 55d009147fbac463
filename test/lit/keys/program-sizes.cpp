// Sizes and counts the analysed program computes are checked before they
// size anything: a negative size is reported where LibTorch would throw,
// and a layer count beyond what derivation follows is a problem, not an
// allocation of that size (this one once took 9 GiB and never finished).
// RUN: %torch-keycheck keys %s --class Sized --define n=-1 -- %libtorch | FileCheck %s --check-prefix=NEGATIVE
// RUN: %torch-keycheck keys %s --class Sized --define n=1000000000000 -- %libtorch | FileCheck %s --check-prefix=HUGE
// RUN: %torch-keycheck keys %s --class Sized --define n=2 -- %libtorch | FileCheck %s --check-prefix=FINE
#include <torch/torch.h>

struct SizedImpl : torch::nn::Module {
  explicit SizedImpl(int64_t n) {
    register_buffer("table", torch::zeros({n, 2}));
    register_module("fc", torch::nn::Linear(n, 3));
    register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(4, 4).num_layers(n)));
  }
};
TORCH_MODULE(Sized);

// NEGATIVE: unresolved: {{.*}}program-sizes.cpp:12:5: 'table' of register_buffer would have size -1; LibTorch throws on a negative dimension
// NEGATIVE: unresolved: {{.*}}program-sizes.cpp:13:5: 'weight' of Linear would have size -1; LibTorch throws on a negative dimension
// NEGATIVE: unresolved: {{.*}}program-sizes.cpp:14:5: LSTM: num_layers is -1, not a count of layers

// HUGE: unresolved: {{.*}}program-sizes.cpp:14:5: LSTM: num_layers is 1000000000000, more layers than the 100000 followed

// FINE: SizedImpl ({{.*}}) with n=2: 11 keys
// FINE-NOT: unresolved
