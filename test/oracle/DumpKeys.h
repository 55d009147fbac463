// How LibTorch's own view of a module is printed, for the runtime oracle
// and the real-world bench (bench/realworld): named_parameters() then
// named_buffers(), each key with its kind, shape and dtype, as JSON.
#pragma once
#include <torch/torch.h>

#include <iostream>
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
