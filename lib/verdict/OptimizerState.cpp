//===- OptimizerState.cpp - Optimizer state against parameters ------------===//
#include "torch-keycheck/verdict/OptimizerState.h"

#include "VerdictSupport.h"

#include <cctype>

namespace torchkc {
using namespace verdict;

std::vector<Finding> compareOptimizerState(const ModelKeys &Model,
                                           const OptimizerManifest &O,
                                           const std::string &ExpectedKind) {
  std::vector<Finding> Out;
  auto Lower = [](std::string S) {
    for (char &C : S)
      C = char(std::tolower((unsigned char)C));
    return S;
  };
  std::string Saved = Lower(O.Kind), Wanted = Lower(ExpectedKind);
  bool KindFits =
      Wanted.empty() || Saved == "unknown" || Saved == Wanted ||
      (Saved == "adam or adamw" && (Wanted == "adam" || Wanted == "adamw"));
  if (!KindFits)
    Out.push_back(
        {CheckId::OptimizerKind, Model.Loc,
         "the optimizer state was saved by " + O.Kind + ", not " +
             ExpectedKind +
             "; LibTorch's torch::load dies on it with an internal assertion "
             "that names neither"});

  std::vector<const Key *> Params;
  for (const Key &K : Model.Keys)
    if (K.K == Key::Kind::Parameter)
      Params.push_back(&K);
  size_t Saved_ = 0;
  for (size_t N : O.GroupSizes)
    Saved_ += N;
  if (Saved_ != Params.size()) {
    Out.push_back(
        {CheckId::OptimizerParameterCount, Model.Loc,
         "the optimizer state is for " + std::to_string(Saved_) +
             " parameters, '" + Model.Class + "' has " +
             std::to_string(Params.size()) +
             "; torch::load refuses a parameter group of another size"});
    return Out;
  }
  // State is matched to parameters by position: each state tensor that is
  // not a scalar (Adam's step) has its parameter's shape.
  for (size_t I = 0; I < O.ParamState.size() && I < Params.size(); ++I) {
    const Key &P = *Params[I];
    if (!isConcreteKey(P))
      continue;
    std::vector<int64_t> Want = concreteShape(P);
    for (const ManifestKey &S : O.ParamState[I]) {
      if (S.Shape.empty() || S.Shape == Want)
        continue;
      Out.push_back(
          {CheckId::OptimizerStateShape, P.Loc,
           "optimizer state " + std::to_string(I) + " ('" + S.Name + "' " +
               shapeText(S.Shape) + ") does not fit parameter " +
               std::to_string(I) + " '" + P.Name + "' " + shapeText(Want) +
               "; LibTorch matches state by position and loads it silently"});
      Out.back().Keys = {P.Name};
      break;
    }
  }
  return Out;
}

} // namespace torchkc
