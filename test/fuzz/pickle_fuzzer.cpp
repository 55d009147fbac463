// libFuzzer target: the restricted unpickler on arbitrary bytes.
#include "torch-keycheck/checkpoint/Manifest.h"
#include "torch-keycheck/checkpoint/Pickle.h"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  try {
    torchkc::unpickle(
        std::string_view(reinterpret_cast<const char *>(Data), Size));
  } catch (const torchkc::CheckpointError &) {
  }
  return 0;
}
