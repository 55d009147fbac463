// libFuzzer target: the whole manifest reader on a file in memory. Built
// three times with a different file name, so that the zip, safetensors and
// JSON-manifest paths are each a target with their own seeds.
#include "torch-keycheck/checkpoint/Manifest.h"

#include <string>

#ifndef FUZZ_FILE_NAME
#error "define FUZZ_FILE_NAME"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  try {
    torchkc::readCheckpointFromMemory(
        FUZZ_FILE_NAME,
        std::string(reinterpret_cast<const char *>(Data), Size));
  } catch (const torchkc::CheckpointError &) {
  }
  return 0;
}
