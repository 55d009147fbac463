// The runtime oracle: builds every case of cases.json with LibTorch and
// prints what LibTorch itself registers, as JSON, for run_oracle.py to
// compare with torch-keycheck's prediction.
#include "models/basic.h"
#include "models/builtins.h"
#include "models/structure.h"

#include <functional>
#include <iostream>
#include <memory>
#include <string>
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

// torch's Python spelling of a dtype (`torch.float32` without the prefix).
std::string dtypeName(c10::ScalarType T) {
  switch (T) {
  case c10::kFloat: return "float32";
  case c10::kDouble: return "float64";
  case c10::kHalf: return "float16";
  case c10::kBFloat16: return "bfloat16";
  case c10::kLong: return "int64";
  case c10::kInt: return "int32";
  case c10::kShort: return "int16";
  case c10::kChar: return "int8";
  case c10::kByte: return "uint8";
  case c10::kBool: return "bool";
  default: return c10::toString(T);
  }
}

std::string quote(const std::string &S) {
  std::string R = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      R += '\\';
    R += C;
  }
  return R + "\"";
}

void dumpKeys(const torch::OrderedDict<std::string, torch::Tensor> &D,
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

} // namespace

int main() {
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
