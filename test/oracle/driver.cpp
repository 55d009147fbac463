// The runtime oracle: builds every case of cases.json with LibTorch and
// prints what LibTorch itself registers, as JSON, for run_oracle.py to
// compare with torch-keycheck's prediction. With `--hazards DIR` it instead
// saves and loads checkpoints across mismatched models and prints what
// LibTorch does, the ground truth for load verdicts. With
// `--save-checkpoints DIR` it writes torch::save archives for the manifest
// tests.
#include "models/basic.h"
#include "models/builtins.h"
#include "models/control.h"
#include "models/holders.h"
#include "models/jsonconfig.h"
#include "models/options.h"
#include "models/outofline.h"
#include "models/regressions.h"
#include "models/structure.h"
#include "models/tables.h"
#include "models/arith.h"
#include "models/algorithms.h"
#include "models/functions.h"
#include "models/callables.h"

#include "DumpKeys.h"

#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace {

struct Case {
  const char *Class;
  const char *Name;
  std::function<std::shared_ptr<torch::nn::Module>()> Make;
};

const std::vector<Case> Cases = {
#include "oracle_cases.inc"
};

/// Runs one save-then-load and reports whether LibTorch accepted it.
void hazard(const char *Name, const std::function<void()> &SaveAndLoad,
            bool &First) {
  std::string Outcome = "loaded", Message;
  try {
    SaveAndLoad();
  } catch (const std::exception &E) {
    Outcome = "error";
    Message = E.what();
    Message = Message.substr(0, Message.find('\n'));
  }
  std::cout << (First ? "" : ",") << "\n {\"hazard\": " << quote(Name)
            << ", \"outcome\": \"" << Outcome
            << "\", \"message\": " << quote(Message) << "}";
  First = false;
}

template <typename From, typename To>
void moduleHazard(const char *Name, const std::string &Dir, From Saved,
                  To Loaded, bool &First) {
  hazard(
      Name,
      [&] {
        std::string Path = Dir + "/" + Name + ".pt";
        torch::save(Saved, Path);
        torch::load(Loaded, Path);
      },
      First);
}

// What the source checks claim about LibTorch, each shown on a small module.
struct EmptyImpl : torch::nn::Module {};

/// Registers a Linear as "fc" and leaves a second one in an unregistered
/// member, as torch-unregistered-submodule describes.
struct UnregisteredImpl : torch::nn::Module {
  UnregisteredImpl() {
    fc = register_module("fc", torch::nn::Linear(4, 4));
    extra = torch::nn::Linear(4, 2);
  }
  torch::nn::Linear fc{nullptr}, extra{nullptr};
};

/// Registers "extra" in forward, as torch-registration-outside-constructor
/// describes.
struct LateImpl : torch::nn::Module {
  LateImpl() { register_module("fc", torch::nn::Linear(4, 4)); }
  torch::Tensor forward(torch::Tensor X) {
    if (!extra)
      extra = register_module("extra", torch::nn::Linear(4, 4));
    return extra(X);
  }
  torch::nn::Linear extra{nullptr};
};

int runHazards(const std::string &Dir) {
  using namespace oracle;
  bool First = true;
  std::cout << "[";
  // Hazard 1: the same layers reordered in a Sequential.
  moduleHazard("reordered-sequential", Dir, std::make_shared<ReorderedV1Impl>(),
               std::make_shared<ReorderedV2Impl>(), First);
  // Hazard 2: a layer registered only under a flag, both directions.
  moduleHazard("flag-off-loads-flag-on", Dir,
               std::make_shared<FlagLayerImpl>(10, false),
               std::make_shared<FlagLayerImpl>(10, true), First);
  moduleHazard("flag-on-loads-flag-off", Dir,
               std::make_shared<FlagLayerImpl>(10, true),
               std::make_shared<FlagLayerImpl>(10, false), First);
  // What LibTorch lets through silently: unexpected keys, and shapes.
  moduleHazard("unexpected-key-ignored", Dir,
               std::make_shared<LinearOptionsNetImpl>(16, 4, true),
               std::make_shared<LinearOptionsNetImpl>(16, 4, false), First);
  auto Small = std::make_shared<MlpImpl>(10, 3);
  moduleHazard("shape-mismatch-accepted", Dir,
               std::make_shared<MlpImpl>(784, 64), Small, First);
  std::cout << ",\n {\"hazard\": \"shape-after-mismatched-load\", \"outcome\": "
               "\"shape\", "
               "\"message\": \"fc1.weight ["
            << Small->fc1->weight.size(0) << ", " << Small->fc1->weight.size(1)
            << "]\"}";
  // Hazard 3: optimizer state saved by SGD, loaded into Adam.
  hazard(
      "sgd-state-into-adam",
      [&] {
        auto Net = std::make_shared<OptimizedNetImpl>(4);
        torch::optim::SGD Sgd(Net->parameters(),
                              torch::optim::SGDOptions(0.1).momentum(0.9));
        Net->train();
        auto Loss = Net->forward(torch::randn({8, 4})).sum();
        Loss.backward();
        Sgd.step();
        std::string Path = Dir + "/sgd.pt";
        torch::save(Sgd, Path);
        torch::optim::Adam Adam(Net->parameters());
        torch::load(Adam, Path);
      },
      First);
  // The same SGD state into an SGD over parameters of other shapes (in 6,
  // not 4), and over a model with fewer parameters.
  hazard(
      "sgd-state-other-shapes",
      [&] {
        auto Net = std::make_shared<OptimizedNetImpl>(6);
        torch::optim::SGD Sgd(Net->parameters(),
                              torch::optim::SGDOptions(0.1).momentum(0.9));
        torch::load(Sgd, Dir + "/sgd.pt");
      },
      First);
  hazard(
      "sgd-state-other-count",
      [&] {
        auto Net = std::make_shared<MlpImpl>(4, 8);
        torch::optim::SGD Sgd(Net->parameters(),
                              torch::optim::SGDOptions(0.1).momentum(0.9));
        torch::load(Sgd, Dir + "/sgd.pt");
      },
      First);
  // The source checks' claims.
  hazard(
      "duplicate-submodule",
      [] {
        EmptyImpl M;
        M.register_module("fc", torch::nn::Linear(2, 2));
        M.register_module("fc", torch::nn::Linear(2, 2));
      },
      First);
  hazard(
      "parameter-and-buffer-share-a-name",
      [&] {
        auto M = std::make_shared<EmptyImpl>();
        M->register_parameter("w", torch::ones({2}));
        M->register_buffer("w", torch::zeros({2}));
        torch::save(M, Dir + "/clash.pt");
      },
      First);
  hazard(
      "dotted-name",
      [] { EmptyImpl().register_module("a.b", torch::nn::Linear(2, 2)); },
      First);
  hazard(
      "empty-name", [] { EmptyImpl().register_buffer("", torch::ones({2})); },
      First);
  hazard(
      "dotted-module-dict-key",
      [] {
        torch::nn::ModuleDict D(
            std::vector<
                std::pair<std::string, std::shared_ptr<torch::nn::Module>>>{
                {"a.b", torch::nn::Linear(2, 2).ptr()}});
      },
      First);
  {
    UnregisteredImpl M;
    std::cout << ",\n {\"hazard\": \"unregistered-member-parameters\", "
                 "\"outcome\": \"count\", \"message\": \"parameters "
              << M.parameters().size() << "\"}";
  }
  // Saved before forward ran, loaded into a model whose forward did.
  hazard(
      "registered-in-forward",
      [&] {
        auto Saved = std::make_shared<LateImpl>();
        torch::save(Saved, Dir + "/late.pt");
        auto Loaded = std::make_shared<LateImpl>();
        Loaded->forward(torch::ones({1, 4}));
        torch::load(Loaded, Dir + "/late.pt");
      },
      First);
  std::cout << "\n]\n";
  return 0;
}

} // namespace

/// Checkpoints written by LibTorch's own torch::save, for the manifest
/// tests: a module archive and optimizer archives after one step.
int saveCheckpoints(const std::string &Dir) {
  torch::manual_seed(0);
  auto Net = std::make_shared<oracle::OptimizedNetImpl>(4);
  torch::save(Net, Dir + "/cpp_module.pt");
  torch::save(std::make_shared<oracle::NormsImpl>(4, true, true),
              Dir + "/cpp_norms.pt");
  torch::save(std::make_shared<oracle::TensorsImpl>(3),
              Dir + "/cpp_tensors.pt");
  torch::optim::SGD Sgd(Net->parameters(),
                        torch::optim::SGDOptions(0.1).momentum(0.9));
  torch::optim::Adam Adam(Net->parameters());
  Net->train();
  auto Loss = Net->forward(torch::randn({8, 4})).sum();
  Loss.backward();
  Sgd.step();
  Adam.step();
  torch::save(Sgd, Dir + "/cpp_sgd.pt");
  torch::save(Adam, Dir + "/cpp_adam.pt");
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && std::string(argv[1]) == "--hazards")
    return runHazards(argv[2]);
  if (argc == 3 && std::string(argv[1]) == "--save-checkpoints")
    return saveCheckpoints(argv[2]);
  std::cout << "[";
  bool FirstCase = true;
  for (const Case &C : Cases) {
    std::cout << (FirstCase ? "" : ",") << "\n {\"class\": " << quote(C.Class)
              << ", \"name\": " << quote(C.Name) << ", ";
    FirstCase = false;
    try {
      auto M = C.Make();
      std::cout << "\"keys\": [";
      bool First = true;
      dumpKeys(M->named_parameters(), "parameter", First);
      dumpKeys(M->named_buffers(), "buffer", First);
      std::cout << "]}";
    } catch (const std::exception &E) {
      std::string Msg = E.what();
      std::cout << "\"error\": " << quote(Msg.substr(0, Msg.find('\n'))) << "}";
    }
  }
  std::cout << "\n]\n";
  return 0;
}
