// A model template over its block type: each specialization a program uses
// is a class of its own, found by its Impl or holder name with arguments.
// RUN: %torch-keycheck keys %s --class "Net<Wide>" -- %libtorch | FileCheck %s --check-prefix=WIDE
// RUN: %torch-keycheck keys %s -- %libtorch | FileCheck %s --check-prefix=ALL
#include <torch/torch.h>

struct NarrowImpl : torch::nn::Module {
  static constexpr int64_t width = 2;
  NarrowImpl() { register_module("fc", torch::nn::Linear(4, width)); }
};
TORCH_MODULE(Narrow);
struct WideImpl : torch::nn::Module {
  static constexpr int64_t width = 16;
  WideImpl() { register_module("fc", torch::nn::Linear(4, width)); }
};
TORCH_MODULE(Wide);

template <typename Block> struct NetImpl : torch::nn::Module {
  NetImpl() {
    register_module("block", Block());
    register_module("head", torch::nn::Linear(Block::Impl::width, 1));
  }
};
template <typename Block> class Net : public torch::nn::ModuleHolder<NetImpl<Block>> {
public:
  using torch::nn::ModuleHolder<NetImpl<Block>>::ModuleHolder;
};

Net<Wide> make_wide() { return Net<Wide>(); }
Net<Narrow> make_narrow() { return Net<Narrow>(); }

// WIDE: NetImpl<Wide> ({{.*}}class-template.cpp:18:34): 4 keys
// WIDE-NEXT: block.fc.weight  parameter  [16, 4]
// WIDE: head.weight      parameter  [1, 16]

// ALL-DAG: NetImpl<Wide> ({{.*}}): 4 keys
// ALL-DAG: NetImpl<Narrow> ({{.*}}): 4 keys
