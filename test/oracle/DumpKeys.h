// How LibTorch's own view of a module is printed, for the runtime oracle
// and the real-world bench (bench/realworld): named_parameters() then
// named_buffers(), each key with its kind, shape and dtype, as JSON; and
// asModule(), the module a function model returns.
#pragma once
#include <torch/torch.h>

#include <iostream>
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
