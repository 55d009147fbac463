//===- compare_bench.cpp - Comparison and solving at scale ----------------===//
//
// Times the verdict of a checkpoint against a synthetic model with N keys
// whose presence depends on 1,000 boolean constructor parameters with no
// defaults: the configuration solved from the checkpoint and the
// comparison, for N = 10k, 100k and 1M, to show how the cost grows. Two
// shapes of model, built as registration graphs directly (the parse is
// measured by bench/analysis_bench.py):
//
//   flat    every key its own registration, `register_parameter("p<i>",
//           torch::zeros({4, 8}))` under `if (c<i % 1000>)`: the largest
//           graph for the keys, as generated code would give;
//   blocks  `if (c<k>) register_module("block<k>", Block(width))` for
//           k < 1000, each Block a user class registering N / 2,000
//           Linear(width, width) layers, and `width` an integer parameter
//           with a default: how large models are written, and an integer
//           knob read off the sizes too.
//
// The checkpoint is the configuration with every even flag on (and width
// 8); "one tensor off" is the same with one tensor's shape changed, so the
// verdict finds no match and reports the closest configuration. Median of
// --runs runs each; "solved" says whether the solution found is the one
// the checkpoint was made with.
//
//   build/bench/compare-bench [--runs 3] [--keys N] [--model flat|blocks]
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/keys/ModelKeys.h"
#include "torch-keycheck/verdict/CheckpointVerdict.h"
#include "torch-keycheck/verdict/ConfigurationSolver.h"
#include "torch-keycheck/verdict/LoadVerdict.h"
#include "torch-keycheck/verdict/OptimizerState.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace torchkc;

namespace {

constexpr int Knobs = 1000;
/// Where the synthetic model is: a path as long as real projects' are.
const char *const Source = "/home/user/projects/vision/src/models/synthetic.h";

SymExprPtr zeros(std::vector<SymExprPtr> Shape) {
  auto T = std::make_shared<SymExpr>();
  T->K = SymExpr::Kind::Tensor;
  T->Name = "zeros";
  T->Args = {SymExpr::makeList(std::move(Shape))};
  return T;
}

SymExprPtr module(const std::string &Class, const std::string &Builtin,
                  std::vector<SymExprPtr> Args) {
  auto M = std::make_shared<SymExpr>();
  M->K = SymExpr::Kind::Module;
  M->Name = Class;
  M->Builtin = Builtin;
  M->Args = std::move(Args);
  return M;
}

Registration reg(Registration::Kind K, const std::string &Name,
                 SymExprPtr Value, std::vector<SymExprPtr> Guards,
                 unsigned Line) {
  Registration R;
  R.K = K;
  R.Name = SymExpr::makeString(Name);
  R.Value = std::move(Value);
  R.Guards = std::move(Guards);
  R.Loc = {Source, Line, 5};
  return R;
}

std::string knob(size_t K) { return "c" + std::to_string(K); }

/// register_parameter("p<i>", torch::zeros({4, 8})) under `if (c<i % 1000>)`.
RegistrationGraph flatModel(size_t NumKeys) {
  RegistrationGraph G;
  G.Classes.emplace_back();
  ModuleClass &C = G.Classes.back();
  C.Name = "SyntheticImpl";
  C.Loc = {Source, 1, 8};
  C.Constructors.emplace_back();
  Constructor &Ctor = C.Constructors.back();
  for (int K = 0; K < Knobs; ++K)
    Ctor.Params.push_back({knob(K), "bool", nullptr});
  Ctor.Registrations.reserve(NumKeys);
  for (size_t I = 0; I < NumKeys; ++I)
    Ctor.Registrations.push_back(
        reg(Registration::Kind::Parameter, "p" + std::to_string(I),
            zeros({SymExpr::makeInt(4), SymExpr::makeInt(8)}),
            {SymExpr::makeParam(knob(I % Knobs))}, unsigned(I + 3)));
  return G;
}

Manifest flatCheckpoint(size_t NumKeys) {
  Manifest M;
  M.Format = "manifest";
  for (size_t I = 0; I < NumKeys; ++I)
    if ((I % Knobs) % 2 == 0)
      M.Keys.push_back({"p" + std::to_string(I),
                        {4, 8},
                        "float32",
                        ManifestKey::Kind::Parameter});
  return M;
}

size_t layersPerBlock(size_t NumKeys) { return NumKeys / (2 * Knobs); }

/// `if (c<k>) register_module("block<k>", Block(width))`; BlockImpl(width)
/// registers fc0..fc<n> = Linear(width, width).
RegistrationGraph blocksModel(size_t NumKeys) {
  RegistrationGraph G;
  G.Classes.resize(2);
  ModuleClass &Top = G.Classes[0], &Block = G.Classes[1];
  Top.Name = "SyntheticImpl";
  Top.Loc = {Source, 1, 8};
  Top.Constructors.emplace_back();
  Constructor &Ctor = Top.Constructors.back();
  for (int K = 0; K < Knobs; ++K)
    Ctor.Params.push_back({knob(K), "bool", nullptr});
  Ctor.Params.push_back({"width", "int64_t", SymExpr::makeInt(16)});
  for (int K = 0; K < Knobs; ++K)
    Ctor.Registrations.push_back(
        reg(Registration::Kind::Module, "block" + std::to_string(K),
            module("BlockImpl", "", {SymExpr::makeParam("width")}),
            {SymExpr::makeParam(knob(K))}, unsigned(K + 3)));

  Block.Name = "BlockImpl";
  Block.Loc = {Source, 2000, 8};
  Block.Constructors.emplace_back();
  Constructor &BCtor = Block.Constructors.back();
  BCtor.Params.push_back({"width", "int64_t", nullptr});
  for (size_t L = 0; L < layersPerBlock(NumKeys); ++L)
    BCtor.Registrations.push_back(
        reg(Registration::Kind::Module, "fc" + std::to_string(L),
            module("torch::nn::LinearImpl", "Linear",
                   {SymExpr::makeParam("width"), SymExpr::makeParam("width")}),
            {}, unsigned(2002 + L)));
  return G;
}

Manifest blocksCheckpoint(size_t NumKeys) {
  Manifest M;
  M.Format = "manifest";
  for (int K = 0; K < Knobs; K += 2)
    for (size_t L = 0; L < layersPerBlock(NumKeys); ++L) {
      std::string Path =
          "block" + std::to_string(K) + ".fc" + std::to_string(L) + ".";
      M.Keys.push_back(
          {Path + "weight", {8, 8}, "float32", ManifestKey::Kind::Parameter});
      M.Keys.push_back(
          {Path + "bias", {8}, "float32", ManifestKey::Kind::Parameter});
    }
  return M;
}

double seconds(std::chrono::steady_clock::time_point Since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - Since)
      .count();
}

double median(std::vector<double> V) {
  std::sort(V.begin(), V.end());
  return V[V.size() / 2];
}

/// Whether the verdict names the configuration the checkpoint was made
/// with: every even flag on, the rest off (and width 8).
std::string outcome(const std::vector<Finding> &Fs, const std::string &Problem,
                    bool Blocks) {
  if (!Problem.empty())
    return "no: " + Problem;
  for (const Finding &F : Fs) {
    if (F.Check != CheckId::CheckpointConfiguration)
      continue;
    size_t Right = 0;
    for (const auto &[Name, Value] : F.Configuration)
      if (Name == "width")
        Right += Value == "8";
      else
        Right += Value == (std::stoi(Name.substr(1)) % 2 ? "false" : "true");
    size_t Errors = std::count_if(Fs.begin(), Fs.end(), [](const Finding &X) {
      return X.Level == Severity::Error;
    });
    if (Right != Knobs + (Blocks ? 1 : 0) || F.Configuration.size() != Right)
      return "wrong configuration";
    return Errors ? "yes, " + std::to_string(Errors) + " error" +
                        (Errors == 1 ? "" : "s")
                  : "yes";
  }
  return "no remark";
}

} // namespace

int main(int Argc, char **Argv) {
  int Runs = 3;
  std::vector<size_t> Sizes = {10000, 100000, 1000000};
  std::vector<std::string> Models = {"flat", "blocks"};
  for (int I = 1; I < Argc; ++I)
    if (!std::strcmp(Argv[I], "--runs") && I + 1 < Argc)
      Runs = std::max(1, std::atoi(Argv[++I]));
    else if (!std::strcmp(Argv[I], "--keys") && I + 1 < Argc)
      Sizes = {size_t(std::strtoull(Argv[++I], nullptr, 10))};
    else if (!std::strcmp(Argv[I], "--model") && I + 1 < Argc)
      Models = {Argv[++I]};
  std::printf("| model | keys | conditions | verdict, matching | solved | "
              "verdict, one tensor off | solved | per key |\n"
              "|---|---|---|---|---|---|---|---|\n");
  for (const std::string &Shape : Models) {
    bool Blocks = Shape == "blocks";
    for (size_t N : Sizes) {
      RegistrationGraph G = Blocks ? blocksModel(N) : flatModel(N);
      Manifest Match = Blocks ? blocksCheckpoint(N) : flatCheckpoint(N);
      Manifest Off = Match;
      Off.Keys[Off.Keys.size() / 2].Shape[0] += 1;
      std::vector<double> Times[2];
      std::string Outcomes[2];
      for (int R = 0; R < Runs; ++R)
        for (int Case = 0; Case < 2; ++Case) {
          auto T = std::chrono::steady_clock::now();
          std::string Problem;
          std::vector<Finding> Fs = checkAgainstCheckpoint(
              G, G.Classes[0], {}, Case ? Off : Match, {}, Problem);
          Times[Case].push_back(seconds(T));
          Outcomes[Case] = outcome(Fs, Problem, Blocks);
        }
      double A = median(Times[0]), B = median(Times[1]);
      std::printf("| %s | %zu | %d | %.3f s | %s | %.3f s | %s | %.2f us |\n",
                  Shape.c_str(), N, Knobs, A, Outcomes[0].c_str(), B,
                  Outcomes[1].c_str(), 1e6 * A / double(N));
      std::fflush(stdout);
    }
  }
  return 0;
}
