// load NEW: torch::load(net, NEW) as a LibTorch program does, then every
// tensor of the model (named_parameters(), then named_buffers()) with its
// kind, dtype, shape and bytes in hex, as JSON. Exit 1 with LibTorch's
// message when the load fails.
// load --save-old OLD: an OldNet with random weights and running
// statistics, saved with torch::save(model, OLD) as a C++ project saves
// its checkpoints, and its tensors printed the same way.
#include "net.h"

#include <cstdio>
#include <iostream>

static void dump(const torch::OrderedDict<std::string, torch::Tensor> &D,
                 const char *Kind, bool &First) {
  for (const auto &Item : D) {
    torch::Tensor T = Item.value().contiguous();
    std::cout << (First ? "" : ",") << "\n {\"name\": \"" << Item.key()
              << "\", \"kind\": \"" << Kind << "\", \"dtype\": \""
              << c10::toString(T.scalar_type()) << "\", \"shape\": [";
    for (int64_t I = 0; I < T.dim(); ++I)
      std::cout << (I ? ", " : "") << T.size(I);
    std::cout << "], \"bytes\": \"";
    const auto *Bytes = static_cast<const unsigned char *>(T.data_ptr());
    for (size_t I = 0; I < T.nbytes(); ++I) {
      char Hex[3];
      std::snprintf(Hex, sizeof Hex, "%02x", Bytes[I]);
      std::cout << Hex;
    }
    std::cout << "\"}";
    First = false;
  }
}

static void dumpModel(const torch::nn::Module &M) {
  bool First = true;
  std::cout << "[";
  dump(M.named_parameters(), "parameter", First);
  dump(M.named_buffers(), "buffer", First);
  std::cout << "\n]\n";
}

int main(int Argc, char **Argv) {
  if (Argc == 3 && std::string(Argv[1]) == "--save-old") {
    torch::manual_seed(1);
    OldNet Old;
    {
      torch::NoGradGuard NoGrad;
      for (auto &P : Old->parameters())
        P.copy_(torch::randn_like(P));
    }
    Old->norm->forward(torch::randn({5, 2}));
    torch::save(Old, Argv[2]);
    dumpModel(*Old);
    return 0;
  }
  if (Argc != 2) {
    std::cerr << "usage: load NEW | load --save-old OLD\n";
    return 2;
  }
  Net Model;
  try {
    torch::load(Model, Argv[1]);
  } catch (const std::exception &E) {
    std::string Message = E.what();
    std::cerr << "torch::load failed: " << Message.substr(0, Message.find('\n'))
              << "\n";
    return 1;
  }
  dumpModel(*Model);
  return 0;
}
