//===- compare_bench.cpp - Comparison and solving at scale ----------------===//
//
// Times the verdict of a checkpoint against a synthetic model with N keys
// whose presence depends on 1,000 boolean constructor parameters with no
// defaults: keys derived symbolically, the configuration solved from the
// checkpoint, and the comparison; for N = 10k, 100k and 1M, to show how the
// cost grows. Median of --runs runs each. Builds the registration graph
// directly: the parse is measured by bench/analysis_bench.py.
//
//   build/bench/compare-bench [--runs 3] [--keys N]
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/Compare.h"
#include "torch-keycheck/KeySet.h"

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

/// register_parameter("p<i>", torch::zeros({4, 8})) under `if (c<i % 1000>)`.
RegistrationGraph model(size_t NumKeys) {
  RegistrationGraph G;
  ModuleClass C;
  C.Name = "SyntheticImpl";
  C.Loc = {"synthetic.h", 1, 8};
  Constructor Ctor;
  for (int K = 0; K < Knobs; ++K)
    Ctor.Params.push_back({"c" + std::to_string(K), "bool", nullptr});
  Ctor.Registrations.reserve(NumKeys);
  for (size_t I = 0; I < NumKeys; ++I) {
    auto T = std::make_shared<Expr>();
    T->K = Expr::Kind::Tensor;
    T->Name = "zeros";
    T->Args = {Expr::makeList({Expr::makeInt(4), Expr::makeInt(8)})};
    Registration R;
    R.K = Registration::Kind::Parameter;
    R.Name = Expr::makeString("p" + std::to_string(I));
    R.Value = T;
    R.Guards = {Expr::makeParam("c" + std::to_string(I % Knobs))};
    R.Loc = {"synthetic.h", unsigned(I + 3), 5};
    Ctor.Registrations.push_back(std::move(R));
  }
  C.Constructors = {std::move(Ctor)};
  G.Classes = {std::move(C)};
  return G;
}

/// The checkpoint of the configuration with every even knob on.
Manifest checkpoint(size_t NumKeys) {
  Manifest M;
  M.Format = "manifest";
  for (size_t I = 0; I < NumKeys; ++I)
    if ((I % Knobs) % 2 == 0)
      M.Keys.push_back({"p" + std::to_string(I), {4, 8}, "float32",
                        ManifestKey::Kind::Parameter});
  return M;
}

double seconds(std::chrono::steady_clock::time_point Since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       Since)
      .count();
}

} // namespace

int main(int Argc, char **Argv) {
  int Runs = 3;
  std::vector<size_t> Sizes = {10000, 100000, 1000000};
  for (int I = 1; I < Argc; ++I)
    if (!std::strcmp(Argv[I], "--runs") && I + 1 < Argc)
      Runs = std::max(1, std::atoi(Argv[++I]));
    else if (!std::strcmp(Argv[I], "--keys") && I + 1 < Argc)
      Sizes = {size_t(std::strtoull(Argv[++I], nullptr, 10))};
  std::printf("| keys | conditions | derive (symbolic) | solve + compare | "
              "solved | per key |\n|---|---|---|---|---|---|\n");
  for (size_t N : Sizes) {
    RegistrationGraph G = model(N);
    Manifest M = checkpoint(N);
    std::vector<double> Derive, Verdict;
    std::string Outcome;
    for (int R = 0; R < Runs; ++R) {
      auto T0 = std::chrono::steady_clock::now();
      ModelKeys Keys = deriveKeys(G, G.Classes[0], {});
      Derive.push_back(seconds(T0));
      auto T1 = std::chrono::steady_clock::now();
      std::string Problem;
      std::vector<Finding> Fs =
          checkAgainstCheckpoint(G, G.Classes[0], {}, M, {}, Problem);
      Verdict.push_back(seconds(T1));
      size_t Errors = std::count_if(Fs.begin(), Fs.end(), [](const Finding &F) {
        return F.Level == Severity::Error;
      });
      Outcome = !Problem.empty() ? "not solved: " + Problem
                : Errors         ? std::to_string(Errors) + " errors"
                                 : "yes, no errors";
    }
    std::sort(Derive.begin(), Derive.end());
    std::sort(Verdict.begin(), Verdict.end());
    double D = Derive[Derive.size() / 2], V = Verdict[Verdict.size() / 2];
    std::printf("| %zu | %d | %.3f s | %.3f s | %s | %.2f us |\n", N, Knobs, D,
                V, Outcome.c_str(), 1e6 * (D + V) / double(N));
    std::fflush(stdout);
  }
  return 0;
}
