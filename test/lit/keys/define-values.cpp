// A define is checked against the parameter's type before anything is
// derived: exit 2 and a message naming the define, never a shape built
// from a string or a clamped number. Arithmetic that overflows int64_t is
// an unresolved line at the key, not a wrapped-round size.
// RUN: %torch-keycheck keys %s --class Net --define width=8 --define rate=0.5 --define bias=true --define name=18 --define 'dims=[2,3]' --define level=High -- %libtorch | FileCheck %s --check-prefix=OK
// OK: NetImpl ({{.*}}) with bias=true, dims=[2, 3], level="High", name=18, rate=0.5, width=8: 4 keys
// OK-NOT: unresolved
//
// RUN: not %torch-keycheck keys %s --class Net --define width= -- %libtorch 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: define 'width=': 'width' is int64_t: give a whole number
// RUN: not %torch-keycheck keys %s --class Net --define width=2.5 -- %libtorch 2>&1 | FileCheck %s --check-prefix=FRACTION
// FRACTION: error: define 'width=2.5': 'width' is int64_t: give a whole number
// RUN: not %torch-keycheck keys %s --class Net --define width=99999999999999999999999 -- %libtorch 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: error: define 'width=99999999999999999999999': 'width' is int64_t: give a whole number from -9223372036854775808 to 9223372036854775807
// RUN: not %torch-keycheck keys %s --class Net --define rate=1e999 -- %libtorch 2>&1 | FileCheck %s --check-prefix=INF
// INF: error: define 'rate=1e999': 'rate' is double: give a finite number
// RUN: not %torch-keycheck keys %s --class Net --define bias=yes -- %libtorch 2>&1 | FileCheck %s --check-prefix=BOOL
// BOOL: error: define 'bias=yes': 'bias' is bool: give true or false
// RUN: not %torch-keycheck keys %s --class Net --define 'dims=[1,' -- %libtorch 2>&1 | FileCheck %s --check-prefix=LIST
// LIST: error: define 'dims=[1,': 'dims' is std::vector<int64_t>: give a list ([2, 2])
// RUN: not %torch-keycheck keys %s --class Net --define 'dims=[1, x]' -- %libtorch 2>&1 | FileCheck %s --check-prefix=ELEMENTS
// ELEMENTS: error: define 'dims=[1, x]': 'dims' is std::vector<int64_t>: give a list of whole numbers ([2, 2])
// RUN: not %torch-keycheck keys %s --class Net --define level=Highest -- %libtorch 2>&1 | FileCheck %s --check-prefix=ENUM
// ENUM: error: define 'level=Highest': 'level' is Level, whose enumerators are Low, High
// RUN: not %torch-keycheck keys %s --class Net --define channels=-1 -- %libtorch 2>&1 | FileCheck %s --check-prefix=UNSIGNED
// UNSIGNED: error: define 'channels=-1': 'channels' is size_t: give a whole number from 0 to 9223372036854775807
// RUN: not %torch-keycheck keys %s --class Tagger --define config.hiden=4 -- %libtorch 2>&1 | FileCheck %s --check-prefix=FIELD
// FIELD: error: define 'config.hiden=4': 'Config' has no field 'hiden' (it has hidden, layers)
//
// RUN: %torch-keycheck keys %s --class Net --define width=9223372036854775807 -- %libtorch | FileCheck %s --check-prefix=OVERFLOW
// OVERFLOW: fc.weight {{ *}}parameter  [2, '9223372036854775807 * 4' overflows int64_t]
// OVERFLOW: unresolved: {{.*}}define-values.cpp:[[@LINE+9]]:{{[0-9]+}}: the size of 'weight' of Linear is arithmetic that overflows: '9223372036854775807 * 4' overflows int64_t
#include <torch/torch.h>

enum class Level { Low, High };
struct Config { int64_t hidden; int64_t layers; };

struct NetImpl : torch::nn::Module {
  NetImpl(int64_t width, double rate = 0.1, bool bias = true, std::string name = "net",
          std::vector<int64_t> dims = {1}, Level level = Level::Low, size_t channels = 3) {
    register_module("fc", torch::nn::Linear(torch::nn::LinearOptions(width * 4, 2).bias(bias)));
    register_module("proj", torch::nn::Linear(dims.at(0), int64_t(channels)));
  }
};
TORCH_MODULE(Net);

struct TaggerImpl : torch::nn::Module {
  explicit TaggerImpl(const Config &config) {
    register_module("fc", torch::nn::Linear(config.hidden, config.layers));
  }
};
TORCH_MODULE(Tagger);
