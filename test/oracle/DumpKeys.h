// How LibTorch's own view of a module is printed, for the runtime oracle
// and the real-world bench (bench/realworld): named_parameters() then
// named_buffers(), each key with its kind, shape and dtype, as JSON; and
// asModule(), the module a function model returns.
#pragma once
#include <torch/script.h>
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <unistd.h>
#include <memory>
#include <type_traits>
#include <string>

// torch's Python spelling of a dtype (`torch.float32` without the prefix).
inline std::string dtypeName(c10::ScalarType T) {
  switch (T) {
  case c10::kFloat:
    return "float32";
  case c10::kDouble:
    return "float64";
  case c10::kHalf:
    return "float16";
  case c10::kBFloat16:
    return "bfloat16";
  case c10::kLong:
    return "int64";
  case c10::kInt:
    return "int32";
  case c10::kShort:
    return "int16";
  case c10::kChar:
    return "int8";
  case c10::kByte:
    return "uint8";
  case c10::kBool:
    return "bool";
  default:
    return c10::toString(T);
  }
}

inline std::string quote(const std::string &S) {
  std::string R = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      R += '\\';
    R += C;
  }
  return R + "\"";
}

inline void dumpKeys(const torch::OrderedDict<std::string, torch::Tensor> &D,
              const char *Kind, bool &First) {
  for (const auto &Item : D) {
    const torch::Tensor &T = Item.value();
    std::cout << (First ? "" : ",") << "\n    {\"name\": " << quote(Item.key())
              << ", \"kind\": \"" << Kind << "\", \"shape\": [";
    for (int64_t I = 0; I < T.dim(); ++I)
      std::cout << (I ? ", " : "") << T.size(I);
    std::cout << "], \"dtype\": \"" << dtypeName(T.scalar_type()) << "\"}";
    First = false;
  }
}

/// What a function model returns, as the module it is: a holder's module,
/// a shared_ptr, or a module returned by value (copied, as push_back does).
template <class T> std::shared_ptr<torch::nn::Module> asModule(T M) {
  if constexpr (std::is_base_of_v<torch::nn::Module, T>)
    return std::make_shared<T>(std::move(M));
  else if constexpr (std::is_convertible_v<T, std::shared_ptr<torch::nn::Module>>)
    return M;
  else
    return M.ptr();
}

/// A module with the tensors and children of M, which torch::jit::load read
/// from what torch::save wrote: LibTorch's own reading of a saved model.
inline std::shared_ptr<torch::nn::Module>
fromArchive(const torch::jit::Module &M) {
  auto Out = std::make_shared<torch::nn::Module>();
  for (const auto &P : M.named_parameters(/*recurse=*/false))
    Out->register_parameter(P.name, P.value);
  for (const auto &B : M.named_buffers(/*recurse=*/false))
    Out->register_buffer(B.name, B.value);
  for (const auto &C : M.named_children())
    Out->register_module(C.name, fromArchive(C.value));
  return Out;
}

/// Runs a function that builds and saves a model (to Path) and returns
/// what it saved.
template <class F>
std::shared_ptr<torch::nn::Module> savedModel(F Run, std::string &Path) {
  Path = "oracle-saved-model-" + std::to_string(::getpid()) + ".pt";
  Run();
  auto M = fromArchive(torch::jit::load(Path));
  std::remove(Path.c_str());
  return M;
}
